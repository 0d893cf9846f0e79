/*
 * test-tui-theme.c: theme files.  A good file sets the roles it names and
 * leaves the others at the defaults; an error names FILE:LINE and keeps the
 * previous theme whole; the shipped themes all load; lookup goes by path,
 * then the user's config directory; colours degrade RGB -> 256 -> 16 -> 8
 * -> none.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui-int.h"

/* A good file sets what it names. */
static void
test_theme_parse_good(void **state)
{
	static const char	 text[] =
	    "# a comment\n"
	    "\n"
	    "client   red     default   bold\n"
	    "  server 196 #102030 underline,reverse\r\n"
	    "escape bright-magenta - none";
	struct tui_theme	 t, builtin;
	char			*err = NULL;

	(void)state;
	tui_theme_builtin(&t);
	builtin = t;
	assert_int_equal(tui_theme_parse(&t, "x.theme", text, strlen(text),
	    &err), 0);
	assert_null(err);
	assert_int_equal(t.roles[TUI_ROLE_CLIENT].fg, 1);
	assert_int_equal(t.roles[TUI_ROLE_CLIENT].bg, TUI_COLOR_DEFAULT);
	assert_int_equal(t.roles[TUI_ROLE_CLIENT].attrs, TUI_ATTR_BOLD);
	assert_int_equal(t.roles[TUI_ROLE_SERVER].fg, 196);
	assert_int_equal(t.roles[TUI_ROLE_SERVER].bg, TUI_RGB(0x10, 0x20,
	    0x30));
	assert_int_equal(t.roles[TUI_ROLE_SERVER].attrs,
	    TUI_ATTR_UNDERLINE | TUI_ATTR_REVERSE);
	assert_int_equal(t.roles[TUI_ROLE_ESCAPE].fg, 13);
	assert_int_equal(t.roles[TUI_ROLE_ESCAPE].attrs, 0);
	/* Roles the file does not name keep the defaults. */
	assert_memory_equal(&t.roles[TUI_ROLE_HEADER],
	    &builtin.roles[TUI_ROLE_HEADER], sizeof t.roles[0]);
}

/* Each bad line: the error names the file and the line, and the theme
 * that was in use stays exactly as it was. */
static void
test_theme_errors_keep_old(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} bad[] = {
		{ "client red default\nservr red default\n",
		    "t.theme:2: unknown role \"servr\"" },
		{ "# ok\n\nclient purpl default\n",
		    "t.theme:3: unknown colour \"purpl\"" },
		{ "client red #12345g\n", "t.theme:1: unknown colour" },
		{ "client 256 default\n", "t.theme:1: unknown colour \"256\"" },
		{ "client red default blink\n",
		    "t.theme:1: unknown attribute \"blink\"" },
		{ "client red\n", "t.theme:1: expected" },
		{ "client red default\nserver red default\nheader x y\n",
		    "t.theme:3: unknown colour" },
	};
	struct tui_theme	 t, before;
	char			*err;
	size_t			 i;

	(void)state;
	tui_theme_builtin(&t);
	t.roles[TUI_ROLE_CLIENT].fg = 42;	/* "the previous theme" */
	before = t;
	for (i = 0; i < SS_NITEMS(bad); i++) {
		err = NULL;
		assert_int_equal(tui_theme_parse(&t, "t.theme", bad[i].text,
		    strlen(bad[i].text), &err), -1);
		assert_non_null(err);
		assert_memory_equal(err, bad[i].want, strlen(bad[i].want));
		assert_memory_equal(&t, &before, sizeof t);
		free(err);
	}
}

/* A file with a NUL or an endless line is refused, not half-read. */
static void
test_theme_hostile_file(void **state)
{
	struct tui_theme	 t, before;
	char			 big[2000], *err = NULL;

	(void)state;
	tui_theme_builtin(&t);
	before = t;
	memset(big, 'a', sizeof big);
	assert_int_equal(tui_theme_parse(&t, "b", big, sizeof big, &err), -1);
	assert_string_equal(err, "b:1: line too long");
	free(err);
	assert_int_equal(tui_theme_parse(&t, "b", "client\0red default", 18,
	    &err), -1);
	assert_string_equal(err, "b:1: NUL byte in line");
	free(err);
	assert_memory_equal(&t, &before, sizeof t);
}

/* The four shipped themes load (found through SMTPSCOPE_THEMES). */
static void
test_theme_shipped(void **state)
{
	static const char *const names[] = {
		"default", "light", "high-contrast", "monochrome"
	};
	struct tui_theme	 t, builtin;
	char			*err = NULL, *path;
	size_t			 i;
	int			 r;

	(void)state;
	for (i = 0; i < SS_NITEMS(names); i++) {
		path = tui_theme_find(names[i]);
		assert_non_null(path);
		free(path);
		tui_theme_builtin(&t);
		assert_int_equal(tui_theme_load(&t, names[i], &err), 0);
		assert_null(err);
		assert_string_equal(t.name, names[i]);
	}
	/* The default file and the compiled-in theme agree. */
	tui_theme_builtin(&builtin);
	assert_int_equal(tui_theme_load(&t, "default", &err), 0);
	for (r = 0; r < TUI_ROLE_LAST; r++) {
		assert_memory_equal(&t.roles[r], &builtin.roles[r],
		    sizeof t.roles[r]);
	}
	/* Monochrome has no colour at all. */
	assert_int_equal(tui_theme_load(&t, "monochrome", &err), 0);
	for (r = 0; r < TUI_ROLE_LAST; r++) {
		assert_int_equal(t.roles[r].fg, TUI_COLOR_DEFAULT);
		assert_int_equal(t.roles[r].bg, TUI_COLOR_DEFAULT);
	}
}

/* Lookup: a missing name is an error that keeps the theme; a path is
 * taken as it is; the user's config directory is searched. */
static void
test_theme_lookup(void **state)
{
	struct tui_theme	 t, before;
	char			 dir[] = "/tmp/smtpscope-theme-XXXXXX";
	char			 sub[256], file[300], *err = NULL, *path;
	FILE			*f;

	(void)state;
	tui_theme_builtin(&t);
	before = t;
	assert_int_equal(tui_theme_load(&t, "no-such-theme", &err), -1);
	assert_non_null(strstr(err, "no-such-theme"));
	free(err);
	assert_memory_equal(&t, &before, sizeof t);
	assert_null(tui_theme_find("../etc/passwd"));
	assert_null(tui_theme_find(".hidden"));

	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/smtpscope", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof sub, "%s/smtpscope/themes", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(file, sizeof file, "%s/mine.theme", sub);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("client green default\nbogus line here\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	path = tui_theme_find("mine");
	assert_string_equal(path, file);
	free(path);
	/* Its error names the file and line; the theme is kept. */
	assert_int_equal(tui_theme_load(&t, "mine", &err), -1);
	assert_non_null(strstr(err, "mine.theme:2: unknown role"));
	free(err);
	assert_memory_equal(&t, &before, sizeof t);
	/* A path works as it is. */
	f = fopen(file, "w");
	fputs("client green default\n", f);
	fclose(f);
	assert_int_equal(tui_theme_load(&t, file, &err), 0);
	assert_int_equal(t.roles[TUI_ROLE_CLIENT].fg, 2);
	unlink(file);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/smtpscope", dir);
	rmdir(sub);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
}

/* Colours degrade to what the terminal has. */
static void
test_theme_degrade(void **state)
{
	static const struct {
		int	color, ncolors, want;
	} cases[] = {
		{ TUI_COLOR_DEFAULT, 256, TUI_COLOR_DEFAULT },
		{ 1, 0, TUI_COLOR_DEFAULT },		/* no colour */
		{ 196, 0, TUI_COLOR_DEFAULT },
		{ 3, 8, 3 },
		{ 9, 8, 1 },				/* bright red -> red */
		{ 9, 16, 9 },
		{ 196, 256, 196 },
		{ 196, 16, 9 },				/* #ff0000 */
		{ 196, 8, 1 },
		{ 21, 16, 4 },				/* #0000ff: xterm blue */
		{ 46, 16, 10 },				/* #00ff00 */
		{ 232, 16, 0 },				/* near black */
		{ 255, 16, 7 },				/* #eeeeee: white */
		{ TUI_RGB(255, 0, 0), 256, 196 },
		{ TUI_RGB(0, 0, 0), 256, 16 },
		{ TUI_RGB(128, 128, 128), 256, 244 },
		{ TUI_RGB(255, 0, 0), 16, 9 },
		{ TUI_RGB(255, 0, 0), 8, 1 },
		{ TUI_RGB(255, 0, 0), 0, TUI_COLOR_DEFAULT },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < SS_NITEMS(cases); i++) {
		assert_int_equal(tui_theme_degrade(cases[i].color,
		    cases[i].ncolors), cases[i].want);
	}
}

/* Every role has a name, and names find their roles. */
static void
test_theme_role_names(void **state)
{
	int	r;

	(void)state;
	for (r = 0; r < TUI_ROLE_LAST; r++) {
		assert_int_equal(tui_theme_role_from_name(tui_role_names[r]),
		    r);
	}
	assert_int_equal(tui_theme_role_from_name("nope"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theme_parse_good),
		cmocka_unit_test(test_theme_errors_keep_old),
		cmocka_unit_test(test_theme_hostile_file),
		cmocka_unit_test(test_theme_shipped),
		cmocka_unit_test(test_theme_lookup),
		cmocka_unit_test(test_theme_degrade),
		cmocka_unit_test(test_theme_role_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
