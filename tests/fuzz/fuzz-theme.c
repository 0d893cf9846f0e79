/*
 * fuzz-theme.c: the theme file parser (themes are files users download
 * and edit).
 *
 * Input: the text of a theme file.
 *
 * Properties: a rejected file leaves the theme untouched and gives
 * "fuzz.theme:LINE: reason"; an accepted one has every colour in range,
 * and every colour degrades to one the terminal has, for each colour count
 * smtpscope degrades to (none, 8, 16, 256 and direct colour).
 */

#include "fuzz.h"

#include "smtpscope/util.h"

#include "tui-int.h"

#define FUZZ_NAME	"fuzz.theme"

/* A colour a theme may hold: default, 0-255 or 24-bit RGB. */
static int
fuzz_color_ok(int c)
{
	if (c == TUI_COLOR_DEFAULT) {
		return 1;
	}
	if (c & TUI_RGB_FLAG) {
		return (c & ~(TUI_RGB_FLAG | 0xffffff)) == 0;
	}
	return c >= 0 && c <= 255;
}

/* Every colour degrades to one below the terminal's count. */
static void
fuzz_check_degrade(int c)
{
	static const int	counts[] = { 0, 8, 16, 256, 1 << 24 };
	size_t			i;
	int			d;

	for (i = 0; i < SS_NITEMS(counts); i++) {
		d = tui_theme_degrade(c, counts[i]);
		FUZZ_CHECK(d >= -1 && d < (counts[i] < 256 ? counts[i] : 256));
	}
}

/* Parse the input over the built-in theme. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tui_theme	theme, before;
	char			*err = NULL;
	int			 i;

	tui_theme_builtin(&theme);
	before = theme;
	if (tui_theme_parse(&theme, FUZZ_NAME, (const char *)data, size,
	    &err) != 0) {
		FUZZ_CHECK(err != NULL);
		FUZZ_CHECK(strncmp(err, FUZZ_NAME ":",
		    strlen(FUZZ_NAME ":")) == 0);
		FUZZ_CHECK(memcmp(&theme, &before, sizeof theme) == 0);
		free(err);
		return 0;
	}
	FUZZ_CHECK(memchr(theme.name, '\0', sizeof theme.name) != NULL);
	for (i = 0; i < TUI_ROLE_LAST; i++) {
		FUZZ_CHECK(fuzz_color_ok(theme.roles[i].fg));
		FUZZ_CHECK(fuzz_color_ok(theme.roles[i].bg));
		fuzz_check_degrade(theme.roles[i].fg);
		fuzz_check_degrade(theme.roles[i].bg);
	}
	return 0;
}
