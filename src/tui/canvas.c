/*
 * canvas.c: drawing text with a theme role, clipped to a rectangle, on any
 * backend.  Every string is walked through the core's escaper first, so no
 * control byte, bidi override or invalid UTF-8 can reach a backend; the
 * backends only ever see safe character clusters.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/text.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define CLUSTER_MAX	32	/* bytes of one base character + marks */

typedef int (*cluster_fn)(const char *, size_t, int, enum tui_role, void *);

struct walk {
	enum tui_role	 plain;
	enum tui_role	 escape;
	cluster_fn	 fn;
	void		*arg;
	int		 stopped;
};

/* Decode one UTF-8 sequence of safe text; returns its length. */
static size_t
canvas_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	size_t	n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (n > len) {
		*cp = '?';
		return len;
	}
	*cp = s[0] & (0x3f >> (n - 1));
	for (i = 1; i < n; i++) {
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

/* Cells a character takes: 0 for combining marks, else 1 or 2 (the
 * core's table, so the result does not depend on the locale). */
static int
canvas_cp_width(const char *s, size_t len)
{
	size_t	w = ss_text_width(s, len);

	return w > 2 ? 2 : (int)w;
}

/* Split one safe run into clusters (a base and its combining marks). */
static int
canvas_piece(enum ss_text_piece piece, const char *s, size_t len, void *arg)
{
	struct walk	*wk = arg;
	enum tui_role	 role;
	size_t		 i, n, start;
	unsigned	 cp;
	int		 w;

	role = piece == SS_TEXT_ESCAPE ? wk->escape : wk->plain;
	if (piece == SS_TEXT_ESCAPE && wk->plain == wk->escape && len == 2 &&
	    memcmp(s, "\\\\", 2) == 0) {
		/* Our own text: a backslash is just a backslash. */
		s++;
		len--;
	}
	for (i = 0; i < len; ) {
		start = i;
		n = canvas_decode((const unsigned char *)s + i, len - i, &cp);
		w = canvas_cp_width(s + i, n);
		i += n;
		while (i < len && i - start < CLUSTER_MAX - 4) {
			n = canvas_decode((const unsigned char *)s + i,
			    len - i, &cp);
			if (canvas_cp_width(s + i, n) != 0) {
				break;
			}
			i += n;
		}
		if (w == 0) {
			w = 1;	/* a lone mark: give it a cell */
		}
		if (wk->fn(s + start, i - start, w, role, wk->arg) != 0) {
			wk->stopped = 1;
			return 1;
		}
	}
	return 0;
}

/* Walk bytes as safe clusters with their roles. */
static void
canvas_walk(const void *bytes, size_t len, enum tui_role plain,
    enum tui_role escape, cluster_fn fn, void *arg)
{
	struct walk	wk = { plain, escape, fn, arg, 0 };

	ss_text_escape_cb(bytes, len, canvas_piece, &wk);
}

struct put {
	struct tui_canvas	*cv;
	struct tui_rect		 clip;
	int			 x, y;
};

/* Draw a cluster if it fits inside the clip; stop at the right edge. */
static int
canvas_put_cluster(const char *s, size_t len, int w, enum tui_role role,
    void *arg)
{
	struct put	*p = arg;

	if (p->x + w > p->clip.x + p->clip.w) {
		return 1;
	}
	if (p->cv != NULL && p->x >= p->clip.x && p->y >= p->clip.y &&
	    p->y < p->clip.y + p->clip.h) {
		p->cv->ops->cell(p->cv, p->x, p->y, s, len, w, role);
	}
	p->x += w;
	return 0;
}

/* The intersection of two rectangles (empty when they do not meet). */
struct tui_rect
tui_rect_clip(const struct tui_rect *r, const struct tui_rect *clip)
{
	struct tui_rect	o;
	int		x2, y2;

	o.x = r->x > clip->x ? r->x : clip->x;
	o.y = r->y > clip->y ? r->y : clip->y;
	x2 = r->x + r->w < clip->x + clip->w ? r->x + r->w : clip->x + clip->w;
	y2 = r->y + r->h < clip->y + clip->h ? r->y + r->h : clip->y + clip->h;
	o.w = x2 > o.x ? x2 - o.x : 0;
	o.h = y2 > o.y ? y2 - o.y : 0;
	return o;
}

/* Draw with the given roles for text and escapes. */
static int
canvas_draw(struct tui_canvas *cv, const struct tui_rect *clip, int x, int y,
    enum tui_role role, enum tui_role escape, const void *s, size_t len)
{
	struct put	p;

	p.cv = cv;
	p.clip = *clip;
	p.x = x;
	p.y = y;
	if (y < clip->y || y >= clip->y + clip->h) {
		return x;
	}
	canvas_walk(s, len, role, escape, canvas_put_cluster, &p);
	return p.x;
}

/* Our own text: escapes (there should be none) keep the text's role. */
int
tui_canvas_text(struct tui_canvas *cv, const struct tui_rect *clip, int x,
    int y, enum tui_role role, const char *s, size_t len)
{
	return canvas_draw(cv, clip, x, y, role, role, s, len);
}

/* A NUL-terminated string of ours. */
int
tui_canvas_str(struct tui_canvas *cv, const struct tui_rect *clip, int x,
    int y, enum tui_role role, const char *s)
{
	return canvas_draw(cv, clip, x, y, role, role, s, strlen(s));
}

/* printf into a bounded buffer, then draw. */
int
tui_canvas_printf(struct tui_canvas *cv, const struct tui_rect *clip, int x,
    int y, enum tui_role role, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return x;
	}
	return tui_canvas_str(cv, clip, x, y, role, buf);
}

/* Untrusted bytes: escapes stand out in their own role. */
int
tui_canvas_wire(struct tui_canvas *cv, const struct tui_rect *clip, int x,
    int y, enum tui_role role, const void *s, size_t len)
{
	return canvas_draw(cv, clip, x, y, role, TUI_ROLE_ESCAPE, s, len);
}

/* Blank a rectangle in a role (backgrounds of bars and titles). */
void
tui_canvas_fill(struct tui_canvas *cv, const struct tui_rect *r,
    enum tui_role role)
{
	int	x, y, w, h;

	cv->ops->size(cv, &w, &h);
	for (y = r->y; y < r->y + r->h && y < h; y++) {
		for (x = r->x; x < r->x + r->w && x < w; x++) {
			if (x >= 0 && y >= 0) {
				cv->ops->cell(cv, x, y, " ", 1, 1, role);
			}
		}
	}
}

/* Count cells without drawing. */
static int
canvas_count(const char *s, size_t len, int w, enum tui_role role, void *arg)
{
	(void)s;
	(void)len;
	(void)role;
	*(int *)arg += w;
	return 0;
}

/* Cells the escaped form of bytes takes on screen. */
int
tui_canvas_width(const void *s, size_t len)
{
	int	w = 0;

	canvas_walk(s, len, TUI_ROLE_NORMAL, TUI_ROLE_NORMAL, canvas_count, &w);
	return w;
}

/* ------------------------------------------------------------------ */
/* Flows: word-wrapped text with scrolling.                            */

/* Start a flow over r; the first skip lines are measured, not drawn. */
void
tui_flow_init(struct tui_flow *f, struct tui_canvas *cv,
    const struct tui_rect *r, int skip)
{
	memset(f, 0, sizeof *f);
	f->cv = cv;
	f->r = *r;
	f->skip = skip;
	f->lines = 1;
}

/* Go to the next line, keeping the indent. */
void
tui_flow_newline(struct tui_flow *f)
{
	f->line++;
	f->lines = f->line + 1;
	f->x = f->indent;
}

/* Draw one cluster at the flow's position, wrapping when it is full. */
static int
flow_cluster(const char *s, size_t len, int w, enum tui_role role, void *arg)
{
	struct tui_flow	*f = arg;
	int		 row;

	if (f->x + w > f->r.w && f->x > f->indent) {
		tui_flow_newline(f);
	}
	row = f->line - f->skip;
	if (f->cv != NULL && row >= 0 && row < f->r.h && f->x + w <= f->r.w) {
		f->cv->ops->cell(f->cv, f->r.x + f->x, f->r.y + row, s, len,
		    w, role);
	}
	f->x += w;
	return 0;
}

/* Add bytes word by word; words too long for a line are broken. */
void
tui_flow_add(struct tui_flow *f, enum tui_role role, enum tui_role escape,
    const char *s, size_t len)
{
	size_t	i, start;
	int	w;

	if (f->r.w <= 0) {
		return;
	}
	for (i = 0; i < len; ) {
		if (s[i] == ' ') {
			if (f->x > f->indent && f->x < f->r.w) {
				flow_cluster(" ", 1, 1, role, f);
			}
			i++;
			continue;
		}
		start = i;
		while (i < len && s[i] != ' ') {
			i++;
		}
		w = tui_canvas_width(s + start, i - start);
		if (f->x > f->indent && f->x + w > f->r.w) {
			tui_flow_newline(f);
		}
		canvas_walk(s + start, i - start, role, escape, flow_cluster, f);
	}
}

/* Our own text; '\n' starts a new line. */
void
tui_flow_adds(struct tui_flow *f, enum tui_role role, const char *s)
{
	const char	*nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		tui_flow_add(f, role, role, s, nl - s);
		tui_flow_newline(f);
		s = nl + 1;
	}
	tui_flow_add(f, role, role, s, strlen(s));
}

/* printf into the flow. */
void
tui_flow_printf(struct tui_flow *f, enum tui_role role, const char *fmt, ...)
{
	char	*s;
	va_list	 ap;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	tui_flow_adds(f, role, s);
	free(s);
}

/* End the flow; returns the lines it took. */
int
tui_flow_finish(struct tui_flow *f)
{
	if (f->x == f->indent && f->line > 0) {
		return f->line;
	}
	return f->lines;
}

/* Untrusted text of several lines: each line escaped, '\n' breaks. */
void
tui_flow_lines(struct tui_flow *f, enum tui_role role, const char *s)
{
	const char	*nl;

	while (*s != '\0') {
		nl = strchr(s, '\n');
		tui_flow_add(f, role, TUI_ROLE_ESCAPE, s,
		    nl != NULL ? (size_t)(nl - s) : strlen(s));
		if (nl == NULL || nl[1] == '\0') {
			break;
		}
		tui_flow_newline(f);
		s = nl + 1;
	}
}
