/*
 * theme.c: theme roles, theme files and colour degradation.
 *
 * A theme file is line based: "ROLE FG BG [ATTR...]", '#' starts a comment
 * line (doc/themes.md).  A file is parsed into a temporary that starts from
 * the built-in defaults and replaces the current theme only when every line
 * is good; the first error is reported as "FILE:LINE: reason".
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/util.h"

#include "tui-int.h"

#define THEME_FILE_MAX	65536
#define THEME_LINE_MAX	512

#define B TUI_ATTR_BOLD
#define U TUI_ATTR_UNDERLINE
#define R TUI_ATTR_REVERSE
#define D TUI_ATTR_DIM

const char *const tui_role_names[TUI_ROLE_LAST] = {
#define X(id, name, fg, bg, attrs, mono) name,
	TUI_ROLES
#undef X
};

static const struct {
	struct tui_style	style;
	unsigned		mono;
} theme_defaults[TUI_ROLE_LAST] = {
#define X(id, name, fg, bg, attrs, mono) { { fg, bg, attrs }, mono },
	TUI_ROLES
#undef X
};

static const char *const theme_color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan",
	"white", "bright-black", "bright-red", "bright-green",
	"bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
	"bright-white"
};

/* xterm's default palette for the first 16 colours. */
static const uint32_t theme_rgb16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
	0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
	0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff
};

static const struct {
	const char	*name;
	unsigned	 attr;
} theme_attr_names[] = {
	{ "bold", TUI_ATTR_BOLD },
	{ "underline", TUI_ATTR_UNDERLINE },
	{ "reverse", TUI_ATTR_REVERSE },
	{ "dim", TUI_ATTR_DIM },
	{ "italic", TUI_ATTR_ITALIC },
	{ "standout", TUI_ATTR_STANDOUT },
	{ "none", 0 },
};

/* The compiled-in theme. */
void
tui_theme_builtin(struct tui_theme *t)
{
	int	i;

	memset(t, 0, sizeof *t);
	ss_strlcpy(t->name, "default", sizeof t->name);
	for (i = 0; i < TUI_ROLE_LAST; i++) {
		t->roles[i] = theme_defaults[i].style;
		t->mono[i] = theme_defaults[i].mono;
	}
}

/* A role by its name, or -1. */
int
tui_theme_role_from_name(const char *name)
{
	int	i;

	for (i = 0; i < TUI_ROLE_LAST; i++) {
		if (ss_strcasecmp(name, tui_role_names[i]) == 0) {
			return i;
		}
	}
	return -1;
}

/* A colour word: name, 0-255 or #rrggbb.  Returns 0 or -1. */
static int
theme_color(const char *s, int *out)
{
	size_t	i;
	char	*end;
	long	 n;
	int	 v = 0, h;

	if (strcmp(s, "default") == 0 || strcmp(s, "-") == 0) {
		*out = TUI_COLOR_DEFAULT;
		return 0;
	}
	for (i = 0; i < SS_NITEMS(theme_color_names); i++) {
		if (ss_strcasecmp(s, theme_color_names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	if (s[0] == '#' && strlen(s) == 7) {
		for (i = 1; i < 7; i++) {
			if ((h = ss_hexval(s[i])) < 0) {
				return -1;
			}
			v = (v << 4) | h;
		}
		*out = TUI_RGB_FLAG | v;
		return 0;
	}
	if (s[0] < '0' || s[0] > '9') {
		return -1;
	}
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 255) {
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* Attribute words, each possibly a comma list.  Returns 0 or -1 with the
 * bad word in *bad. */
static int
theme_attrs(char *s, unsigned *out, const char **bad)
{
	char	*w;
	size_t	 i;

	while ((w = strsep(&s, ",")) != NULL) {
		if (*w == '\0') {
			continue;
		}
		for (i = 0; i < SS_NITEMS(theme_attr_names); i++) {
			if (ss_strcasecmp(w, theme_attr_names[i].name) == 0) {
				break;
			}
		}
		if (i == SS_NITEMS(theme_attr_names)) {
			*bad = w;
			return -1;
		}
		*out |= theme_attr_names[i].attr;
	}
	return 0;
}

/* Parse one line into t; returns NULL or a reason (static or in *buf). */
static const char *
theme_line(struct tui_theme *t, char *line, char *buf, size_t bufsz)
{
	char		*words[16], *p = line, *w;
	size_t		 n = 0, i;
	int		 role, fg, bg;
	unsigned	 attrs = 0;
	const char	*bad;

	while ((w = strsep(&p, " \t")) != NULL) {
		if (*w != '\0' && n < SS_NITEMS(words)) {
			words[n++] = w;
		}
	}
	if (n == 0) {
		return NULL;
	}
	if ((role = tui_theme_role_from_name(words[0])) < 0) {
		snprintf(buf, bufsz, "unknown role \"%.40s\"", words[0]);
		return buf;
	}
	if (n < 3) {
		return "expected \"ROLE FOREGROUND BACKGROUND [ATTRIBUTES]\"";
	}
	if (theme_color(words[1], &fg) != 0 ||
	    theme_color(words[2], &bg) != 0) {
		snprintf(buf, bufsz, "unknown colour \"%.40s\"",
		    theme_color(words[1], &fg) != 0 ? words[1] : words[2]);
		return buf;
	}
	for (i = 3; i < n; i++) {
		if (theme_attrs(words[i], &attrs, &bad) != 0) {
			snprintf(buf, bufsz, "unknown attribute \"%.40s\"",
			    bad);
			return buf;
		}
	}
	t->roles[role].fg = fg;
	t->roles[role].bg = bg;
	t->roles[role].attrs = attrs;
	return NULL;
}

/* Strip a trailing CR and find whether a line is blank or a comment. */
static int
theme_skip(char *line)
{
	size_t	len = strlen(line);

	if (len > 0 && line[len - 1] == '\r') {
		line[len - 1] = '\0';
	}
	line += strspn(line, " \t");
	return *line == '\0' || *line == '#';
}

/* Parse text into a temporary; replace *theme only on success. */
int
tui_theme_parse(struct tui_theme *theme, const char *file, const char *text,
    size_t len, char **err)
{
	struct tui_theme	 tmp;
	char			 line[THEME_LINE_MAX + 1], why[128];
	const char		*reason, *nl;
	size_t			 lineno = 0, n;

	tui_theme_builtin(&tmp);
	ss_strlcpy(tmp.name, theme->name, sizeof tmp.name);
	while (len > 0) {
		lineno++;
		nl = memchr(text, '\n', len);
		n = nl != NULL ? (size_t)(nl - text) : len;
		if (n > THEME_LINE_MAX || memchr(text, '\0', n) != NULL) {
			xasprintf(err, "%s:%zu: %s", file, lineno,
			    n > THEME_LINE_MAX ? "line too long" :
			    "NUL byte in line");
			return -1;
		}
		memcpy(line, text, n);
		line[n] = '\0';
		if (!theme_skip(line) &&
		    (reason = theme_line(&tmp, line, why, sizeof why)) != NULL) {
			xasprintf(err, "%s:%zu: %s", file, lineno, reason);
			return -1;
		}
		text += n < len ? n + 1 : n;
		len -= n < len ? n + 1 : n;
	}
	*theme = tmp;
	return 0;
}

/* A theme name is a plain word, so it cannot walk out of a directory. */
static int
theme_plain_name(const char *name)
{
	size_t	i;

	if (name[0] == '\0' || name[0] == '.') {
		return 0;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '_' || name[i] == '.')) {
			return 0;
		}
	}
	return 1;
}

/* dir/NAME.theme if it is readable; the caller frees. */
static char *
theme_try(const char *dir, const char *sub, const char *name)
{
	char	*path;

	if (dir == NULL || *dir == '\0') {
		return NULL;
	}
	xasprintf(&path, "%s%s/%s.theme", dir, sub, name);
	if (access(path, R_OK) == 0) {
		return path;
	}
	free(path);
	return NULL;
}

/*
 * Find a theme: a path (holding '/' or ending ".theme") as it is;
 * a name in $SMTPSCOPE_THEMES, $XDG_CONFIG_HOME/smtpscope/themes (or
 * ~/.config/smtpscope/themes), the installed data directory, then the
 * source tree's themes/ (for a binary run from its build directory).
 */
char *
tui_theme_find(const char *name)
{
	const char	*home, *xdg;
	char		*path;
	size_t		 len = strlen(name);

	if (strchr(name, '/') != NULL ||
	    (len > 6 && strcmp(name + len - 6, ".theme") == 0)) {
		return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
	}
	if (!theme_plain_name(name)) {
		return NULL;
	}
	if ((path = theme_try(getenv("SMTPSCOPE_THEMES"), "", name)) != NULL) {
		return path;
	}
	xdg = getenv("XDG_CONFIG_HOME");
	home = getenv("HOME");
	if ((path = theme_try(xdg, "/smtpscope/themes", name)) != NULL) {
		return path;
	}
	if ((xdg == NULL || *xdg == '\0') &&
	    (path = theme_try(home, "/.config/smtpscope/themes", name)) != NULL) {
		return path;
	}
	if ((path = theme_try(SMTPSCOPE_DATADIR, "/themes", name)) != NULL) {
		return path;
	}
#ifdef SMTPSCOPE_SOURCE_THEMES
	if ((path = theme_try(SMTPSCOPE_SOURCE_THEMES, "", name)) != NULL) {
		return path;
	}
#endif
	return NULL;
}

/* Read a whole small file; returns NULL with *err set. */
static char *
theme_read(const char *path, size_t *len, char **err)
{
	FILE	*f;
	char	*buf;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(THEME_FILE_MAX + 1);
	*len = fread(buf, 1, THEME_FILE_MAX + 1, f);
	if (ferror(f) || *len > THEME_FILE_MAX) {
		xasprintf(err, "%s: %s", path, ferror(f) ? strerror(errno) :
		    "file too large for a theme");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* Find, read and parse a theme by name or path. */
int
tui_theme_load(struct tui_theme *theme, const char *name, char **err)
{
	struct tui_theme	 tmp = *theme;
	char			*path, *text;
	size_t			 len;
	int			 rc;

	if (name == NULL) {
		name = "default";
	}
	if ((path = tui_theme_find(name)) == NULL) {
		if (strcmp(name, "default") == 0) {
			tui_theme_builtin(theme);
			return 0;
		}
		xasprintf(err, "theme \"%.64s\" not found (doc/themes.md)",
		    name);
		return -1;
	}
	if ((text = theme_read(path, &len, err)) == NULL) {
		free(path);
		return -1;
	}
	ss_strlcpy(tmp.name, name, sizeof tmp.name);
	rc = tui_theme_parse(&tmp, path, text, len, err);
	if (rc == 0) {
		*theme = tmp;
	}
	free(text);
	free(path);
	return rc;
}

/* Red, green and blue of a palette index. */
static uint32_t
theme_index_rgb(int i)
{
	static const int	levels[6] = { 0, 95, 135, 175, 215, 255 };
	int			g;

	if (i < 16) {
		return theme_rgb16[i];
	}
	if (i >= 232) {
		g = 8 + 10 * (i - 232);
		return (uint32_t)(g << 16 | g << 8 | g);
	}
	i -= 16;
	return (uint32_t)(levels[i / 36] << 16 | levels[(i / 6) % 6] << 8 |
	    levels[i % 6]);
}

/* The palette index in [from, to) nearest to an RGB value. */
static int
theme_nearest(uint32_t rgb, int from, int to)
{
	int		i, best = from;
	long		d, bestd = -1, dr, dg, db;
	uint32_t	c;

	for (i = from; i < to; i++) {
		c = theme_index_rgb(i);
		dr = (long)(rgb >> 16 & 0xff) - (long)(c >> 16 & 0xff);
		dg = (long)(rgb >> 8 & 0xff) - (long)(c >> 8 & 0xff);
		db = (long)(rgb & 0xff) - (long)(c & 0xff);
		d = dr * dr + dg * dg + db * db;
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

/* Degrade a colour to what a terminal of ncolors can show. */
int
tui_theme_degrade(int color, int ncolors)
{
	if (color == TUI_COLOR_DEFAULT || ncolors <= 0) {
		return TUI_COLOR_DEFAULT;
	}
	if (color & TUI_RGB_FLAG) {
		color = theme_nearest(color & 0xffffff, 16, 256);
	}
	if (color >= 16 && ncolors < 256) {
		color = theme_nearest(theme_index_rgb(color), 0, 16);
	}
	if (color >= 8 && ncolors < 16) {
		color -= 8;
	}
	return color;
}
