/*
 * wire.c: the wire pane, the transcript as it happens.  One row per
 * dialog line: a direction marker ("C:", "S:", "T:", "I:"; "C+" for the
 * further lines of one client write, so pipelining shows), the bytes
 * through the escaper, the TLS upgrade as a rule, long DATA bodies folded.
 * In explain mode a note row follows each line worth a note (notes.c);
 * while the findings view is open, the selected finding's evidence lines
 * are highlighted.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/text.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define FOLD_MIN	8	/* body lines before a body is folded */
#define FOLD_HEAD	3	/* body lines shown above the fold */
#define NOTE_INDENT	5	/* columns before an explain-mode note */
#define NOTE_ROWS_MAX	6	/* rows of one note at most */

static int	wire_continues_at(const struct tui *, size_t);

/* Append a row, growing the array. */
static void
wire_add_row(struct tui *t, enum tui_row_kind kind, size_t line, size_t n)
{
	if (t->nrows == t->rows_alloc) {
		t->rows_alloc = t->rows_alloc ? t->rows_alloc * 2 : 256;
		t->rows = xreallocarray(t->rows, t->rows_alloc,
		    sizeof *t->rows);
	}
	t->rows[t->nrows].kind = kind;
	t->rows[t->nrows].line = line;
	t->rows[t->nrows].count = n;
	t->nrows++;
}

/* Where a note's text goes on its row. */
static struct tui_rect
wire_note_rect(const struct tui *t, int y)
{
	struct tui_rect	r;

	r.x = t->layout.wire.x + NOTE_INDENT;
	r.y = y;
	r.w = t->layout.wire.w - NOTE_INDENT;
	r.h = 1;
	if (r.w < 10) {
		r.w = 10;
	}
	return r;
}

/* A line's row, and in explain mode its note's rows, wrapped to the
 * pane (each note row remembers which of the wrapped lines it shows). */
static void
wire_add_line(struct tui *t, size_t line)
{
	struct tui_flow	f;
	struct tui_rect	r = wire_note_rect(t, 0);
	struct ss_buf	b;
	int		n, k;

	wire_add_row(t, TUI_ROW_LINE, line, 0);
	if (!t->explain_mode) {
		return;
	}
	ss_buf_init(&b);
	tui_notes_line(t, line, &b);
	if (b.len > 0) {
		tui_flow_init(&f, NULL, &r, 0);
		tui_flow_add(&f, TUI_ROLE_NOTE, TUI_ROLE_NOTE, b.data, b.len);
		n = tui_flow_finish(&f);
		for (k = 0; k < n && k < NOTE_ROWS_MAX; k++) {
			wire_add_row(t, TUI_ROW_NOTE, line, (size_t)k);
		}
	}
	ss_buf_finish(&b);
}

/* Is dialog line i part of a DATA body? */
static int
wire_is_body(const struct tui *t, size_t i)
{
	return (ss_dialog_line(t->dialog, i)->flags & SS_LINE_BODY) != 0;
}

/*
 * Following new lines: show the last command at the top with as much of
 * its reply as fits, rather than only the tail of a long reply (a huge
 * EHLO list or a flood would push the command out of sight).
 */
static void
wire_follow(struct tui *t)
{
	const struct ss_line	*l;
	size_t			 i, target;

	if (!t->wire.follow || t->nrows == 0) {
		return;
	}
	for (i = t->nrows; i-- > 0; ) {
		if (t->rows[i].kind != TUI_ROW_LINE) {
			continue;
		}
		l = ss_dialog_line(t->dialog, t->rows[i].line);
		if (l->dir == SS_DIR_CLIENT && !wire_continues_at(t,
		    t->rows[i].line)) {
			break;
		}
	}
	if (i == (size_t)-1) {
		return;
	}
	target = i + (size_t)(t->wire.height > 0 ? t->wire.height : 1) - 1;
	if (target < t->nrows - 1) {
		t->wire.top = i;
		tui_list_select(&t->wire, target);
		t->wire.follow = 1;
	}
}

/* Rebuild the rows from the dialog's lines, folding long bodies. */
void
tui_wire_rebuild(struct tui *t)
{
	tui_wire_rebuild_keep(t, 0);
}

/* The first row that shows line `line` or a later one. */
static size_t
wire_first_row_of(const struct tui *t, size_t line)
{
	size_t	lo = 0, hi = t->nrows, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->rows[mid].line < line) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/*
 * Rebuild the rows, keeping those of the first `keep` lines: a replay step
 * passes the lines its old and new views both borrow, which did not change,
 * so a step costs the rows of the lines after them, not of the session.
 */
void
tui_wire_rebuild_keep(struct tui *t, size_t keep)
{
	size_t	n, i, end, k;

	n = t->dialog != NULL ? ss_dialog_line_count(t->dialog) : 0;
	if (keep > n) {
		keep = n;
	}
	/* keep is a quiet point of the dialog: no body run crosses it. */
	t->nrows = keep > 0 ? wire_first_row_of(t, keep) : 0;
	i = keep;
	for (; i < n; ) {
		if (!wire_is_body(t, i) || t->expand_bodies) {
			wire_add_line(t, i++);
			continue;
		}
		for (end = i; end < n && wire_is_body(t, end); end++) {
			;
		}
		if (end - i < FOLD_MIN) {
			while (i < end) {
				wire_add_row(t, TUI_ROW_LINE, i++, 0);
			}
			continue;
		}
		for (k = 0; k < FOLD_HEAD; k++) {
			wire_add_row(t, TUI_ROW_LINE, i + k, 0);
		}
		wire_add_row(t, TUI_ROW_FOLD, i + FOLD_HEAD,
		    end - 1 - (i + FOLD_HEAD));
		wire_add_row(t, TUI_ROW_LINE, end - 1, 0);
		i = end;
	}
	t->lines_seen = n;
	tui_list_set_count(&t->wire, t->nrows);
	wire_follow(t);
}

/* The dialog line under the selection, or NULL. */
const struct ss_line *
tui_wire_selected(const struct tui *t)
{
	if (t->dialog == NULL || t->nrows == 0 || t->wire.sel >= t->nrows) {
		return NULL;
	}
	return ss_dialog_line(t->dialog, t->rows[t->wire.sel].line);
}

/* The value of key=VALUE in a record's text, into buf. */
static void
wire_record_value(const struct ss_line *l, const char *key, struct ss_buf *b)
{
	size_t	klen = strlen(key), i, j;

	for (i = 0; i + klen < l->len; i++) {
		if ((i == 0 || l->bytes[i - 1] == ' ') &&
		    memcmp(l->bytes + i, key, klen) == 0 &&
		    l->bytes[i + klen] == '=') {
			i += klen + 1;
			for (j = i; j < l->len && l->bytes[j] != ' '; j++) {
				;
			}
			ss_buf_add(b, l->bytes + i, j - i);
			return;
		}
	}
}

/* The last verification record of the handshake holding line i. */
static const struct ss_line *
wire_verify_of(const struct tui *t, size_t i)
{
	const struct ss_line	*l, *found = NULL;
	size_t			 n = ss_dialog_line_count(t->dialog), j;

	for (j = i + 1; j < n; j++) {
		l = ss_dialog_line(t->dialog, j);
		if (l->kind == SS_KIND_TLS_START || l->kind == SS_KIND_CONNECT) {
			break;
		}
		if (l->kind == SS_KIND_TLS_VERIFY) {
			found = l;
		}
	}
	return found;
}

/* Does a record's text hold a word? */
static int
wire_has(const struct ss_line *l, const char *word)
{
	size_t	n = strlen(word), i;

	for (i = 0; i + n <= l->len; i++) {
		if (memcmp(l->bytes + i, word, n) == 0) {
			return 1;
		}
	}
	return 0;
}

/* The verdict words of a verification record; the reasons come from
 * the dialog's TLS summary (the record's first line has only flags). */
static void
wire_verdict(const struct tui *t, const struct ss_line *v, struct ss_buf *b)
{
	const struct ss_tls_summary	*s = ss_dialog_tls(t->dialog);
	const char			*text, *nl;

	if (v == NULL) {
		ss_buf_adds(b, "certificate not checked yet");
		return;
	}
	if (v->len >= 8 && memcmp(v->bytes, "verified", 8) == 0) {
		ss_buf_adds(b, "certificate verified");
		return;
	}
	ss_buf_adds(b, "certificate NOT verified");
	text = s != NULL ? s->verify_text : NULL;
	if (text != NULL && *text != '\0') {
		nl = strchr(text, '\n');
		ss_buf_adds(b, " (");
		ss_buf_add(b, text, nl != NULL ? (size_t)(nl - text) :
		    strlen(text));
		ss_buf_adds(b, ")");
	}
	if (wire_has(v, "continuing")) {
		ss_buf_adds(b, ", going on knowingly");
	}
}

/* "=== TLS established: TLSv1.2, certificate verified, CIPHER": the
 * verdict before the cipher, so a narrow pane still shows it. */
static void
wire_tls_rule(const struct tui *t, size_t i, struct ss_buf *b)
{
	const struct ss_line	*l = ss_dialog_line(t->dialog, i);

	ss_buf_adds(b, "=== TLS established: ");
	wire_record_value(l, "version", b);
	ss_buf_adds(b, ", ");
	wire_verdict(t, wire_verify_of(t, i), b);
	ss_buf_adds(b, ", ");
	wire_record_value(l, "cipher", b);
	ss_buf_adds(b, " ");
}

/* The text a line shows (before escaping): its bytes, or the rule. */
static void
wire_line_bytes(const struct tui *t, size_t i, struct ss_buf *b)
{
	const struct ss_line	*l = ss_dialog_line(t->dialog, i);

	if (l->kind == SS_KIND_TLS_UP) {
		wire_tls_rule(t, i, b);
	} else {
		ss_buf_add(b, l->bytes, l->len);
	}
}

/* The escaped text of dialog line i, as the pane shows it. */
static void
wire_text_at(const struct tui *t, size_t i, struct ss_buf *out)
{
	struct ss_buf	raw;

	ss_buf_init(&raw);
	wire_line_bytes(t, i, &raw);
	ss_text_escape(out, raw.data, raw.len);
	ss_buf_finish(&raw);
}

/* The escaped text of a line, for the explain pane. */
void
tui_wire_line_text(const struct tui *t, const struct ss_line *l,
    struct ss_buf *out)
{
	size_t	i, n = ss_dialog_line_count(t->dialog);

	if (t->nrows > 0 && t->wire.sel < t->nrows &&
	    ss_dialog_line(t->dialog, t->rows[t->wire.sel].line) == l) {
		wire_text_at(t, t->rows[t->wire.sel].line, out);
		return;
	}
	for (i = 0; i < n; i++) {
		if (ss_dialog_line(t->dialog, i) == l) {
			wire_text_at(t, i, out);
			return;
		}
	}
}

/* Is line i a further line of the write that began on an earlier one? */
static int
wire_continues_at(const struct tui *t, size_t i)
{
	const struct ss_line	*l, *p;

	if (i == 0) {
		return 0;
	}
	l = ss_dialog_line(t->dialog, i);
	p = ss_dialog_line(t->dialog, i - 1);
	return l->dir == SS_DIR_CLIENT && p->dir == SS_DIR_CLIENT &&
	    l->event == p->event;
}

/* The reply code a server line belongs to, or 0. */
static int
wire_code(const struct tui *t, const struct ss_line *l)
{
	const struct ss_exchange	*ex;

	if (l->exchange >= 0 && (size_t)l->exchange <
	    ss_dialog_exchange_count(t->dialog)) {
		ex = ss_dialog_exchange(t->dialog, (size_t)l->exchange);
		if (ex->reply != NULL) {
			return ex->reply->code;
		}
	}
	if (l->len >= 3 && l->bytes[0] >= '2' && l->bytes[0] <= '5') {
		return (l->bytes[0] - '0') * 100;
	}
	return 0;
}

/* Marker and role of a line's gutter and text. */
static const char *
wire_marker(const struct tui *t, size_t i, enum tui_role *mrole,
    enum tui_role *trole)
{
	const struct ss_line	*l = ss_dialog_line(t->dialog, i);

	*mrole = *trole = TUI_ROLE_RECORD;
	switch (l->dir) {
	case SS_DIR_CLIENT:
		*mrole = *trole = TUI_ROLE_CLIENT;
		return wire_continues_at(t, i) ? "C+" : "C:";
	case SS_DIR_SERVER:
		*mrole = *trole = wire_code(t, l) >= 400 ?
		    TUI_ROLE_SERVER_ERROR : TUI_ROLE_SERVER;
		if (l->anomalies != 0) {
			*mrole = TUI_ROLE_WARNING;
			return "S!";
		}
		return "S:";
	case SS_DIR_TLS:
		if (l->kind == SS_KIND_TLS_UP) {
			*mrole = *trole = TUI_ROLE_TLS_RULE;
		} else if (l->kind == SS_KIND_TLS_FAIL ||
		    (l->kind == SS_KIND_TLS_VERIFY &&
		    (l->len < 8 || memcmp(l->bytes, "verified", 8) != 0))) {
			*trole = TUI_ROLE_ERROR;
		}
		return "T:";
	default:
		if (l->kind == SS_KIND_ERROR || l->kind == SS_KIND_TIMEOUT) {
			*trole = TUI_ROLE_ERROR;
		} else if (l->kind == SS_KIND_NOTE && l->len >= 7 &&
		    ss_strncasecmp(l->bytes, "warning", 7) == 0) {
			*trole = TUI_ROLE_WARNING;
		} else if (l->kind == SS_KIND_NOTE) {
			/* the MX lookup, a port change: ours, worth reading */
			*trole = TUI_ROLE_NOTE;
		}
		return "I:";
	}
}

/* Case-insensitive substring search over escaped text. */
static int
wire_contains(const char *hay, const char *needle)
{
	size_t	n = strlen(needle), i, len = strlen(hay);

	for (i = 0; n > 0 && i + n <= len; i++) {
		if (ss_strncasecmp(hay + i, needle, n) == 0) {
			return 1;
		}
	}
	return 0;
}

/* Does the line match the active search? */
static int
wire_matches(const struct tui *t, size_t i)
{
	struct ss_buf	b;
	int		m;

	if (!t->search_active || t->search[0] == '\0') {
		return 0;
	}
	ss_buf_init(&b);
	wire_text_at(t, i, &b);
	m = wire_contains(b.data, t->search);
	ss_buf_finish(&b);
	return m;
}

/* Time column and latency of a reply's first line. */
static int
wire_times(struct tui_canvas *cv, const struct tui_rect *r, int x, int y,
    const struct ss_line *l)
{
	return tui_canvas_printf(cv, r, x, y, TUI_ROLE_DIM, "%8.3f ",
	    (double)l->t_us / 1e6);
}

/* " (+12.3 ms)" after the first line of a reply. */
static int
wire_latency(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    int x, int y, size_t i)
{
	const struct ss_line		*l = ss_dialog_line(t->dialog, i);
	const struct ss_exchange	*ex;

	if (l->dir != SS_DIR_SERVER || l->exchange < 0 ||
	    (size_t)l->exchange >= ss_dialog_exchange_count(t->dialog)) {
		return x;
	}
	ex = ss_dialog_exchange(t->dialog, (size_t)l->exchange);
	if (ex->reply == NULL || ex->first_line != (long)i ||
	    ex->verb == SS_VERB_NONE || ex->reply_us < ex->sent_us) {
		return x;
	}
	return tui_canvas_printf(cv, r, x, y, TUI_ROLE_DIM, "  (+%.1f ms)",
	    (double)(ex->reply_us - ex->sent_us) / 1e3);
}

/* Draw one dialog line on a row. */
static void
wire_draw_line(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    int y, size_t i, int selected)
{
	const struct ss_line	*l = ss_dialog_line(t->dialog, i);
	enum tui_role		 mrole, trole;
	const char		*marker;
	struct ss_buf		 b;
	int			 x = r->x;

	marker = wire_marker(t, i, &mrole, &trole);
	if (l->flags & SS_LINE_DISCARDED) {
		trole = TUI_ROLE_DISCARDED;
	} else if (l->flags & SS_LINE_REDACTED) {
		trole = TUI_ROLE_REDACTED;
	}
	if (wire_matches(t, i)) {
		mrole = TUI_ROLE_MATCH;
	}
	if (tui_findings_evidence(t, l->event)) {
		mrole = trole = TUI_ROLE_EVIDENCE;
	}
	if (selected) {
		trole = TUI_ROLE_SELECTED;
	}
	if (t->show_times) {
		x = wire_times(cv, r, x, y, l);
	}
	x = tui_canvas_str(cv, r, x, y, mrole, marker);
	x = tui_canvas_str(cv, r, x, y, trole, " ");
	if (l->flags & SS_LINE_DISCARDED) {
		x = tui_canvas_str(cv, r, x, y, TUI_ROLE_DISCARDED,
		    "[discarded] ");
	}
	ss_buf_init(&b);
	wire_line_bytes(t, i, &b);
	x = tui_canvas_wire(cv, r, x, y, trole, b.data, b.len);
	ss_buf_finish(&b);
	if (l->kind == SS_KIND_TLS_UP) {
		while (x < r->x + r->w) {
			x = tui_canvas_str(cv, r, x, y, trole, "=");
		}
	}
	if (t->show_times) {
		wire_latency(t, cv, r, x, y, i);
	}
}

/* Draw the fold row standing for hidden body lines. */
static void
wire_draw_fold(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    int y, const struct tui_row *row, int selected)
{
	(void)t;
	tui_canvas_printf(cv, r, r->x, y,
	    selected ? TUI_ROLE_SELECTED : TUI_ROLE_DIM,
	    "C+ ... %zu more body lines (b or Enter shows them)", row->count);
}

/* Draw the explain-mode note of a line, under it. */
static void
wire_draw_note(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r,
    int y, const struct tui_row *row, int selected)
{
	struct tui_rect	nr = wire_note_rect(t, y);
	struct tui_flow	f;
	struct ss_buf	b;
	enum tui_role	role = selected ? TUI_ROLE_SELECTED : TUI_ROLE_NOTE;

	ss_buf_init(&b);
	tui_notes_line(t, row->line, &b);
	if (row->count == 0) {
		tui_canvas_str(cv, r, r->x + NOTE_INDENT - 2, y, TUI_ROLE_NOTE,
		    "\xe2\x86\xb3");
	}
	nr = tui_rect_clip(&nr, r);
	tui_flow_init(&f, cv, &nr, (int)row->count);
	tui_flow_add(&f, role, TUI_ROLE_ESCAPE, b.data, b.len);
	tui_flow_finish(&f);
	ss_buf_finish(&b);
}

/* The wire view's draw. */
static void
wire_draw(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r)
{
	struct tui_rect	 c, line;
	char		 right[64];
	long		 item;
	int		 y, selected;

	snprintf(right, sizeof right, "%zu lines%s",
	    t->dialog != NULL ? ss_dialog_line_count(t->dialog) : 0,
	    t->wire.follow ? " (following)" : "");
	c = tui_pane_frame(t, cv, r, "wire", t->focus == TUI_PANE_WIRE, right);
	if (c.h != t->wire.height) {
		tui_list_set_height(&t->wire, c.h);
		wire_follow(t);
	}
	for (y = 0; y < c.h; y++) {
		if ((item = tui_list_at_row(&t->wire, y)) < 0) {
			break;
		}
		line = c;
		line.y = c.y + y;
		line.h = 1;
		selected = (size_t)item == t->wire.sel;
		if (selected) {
			tui_canvas_fill(cv, &line, TUI_ROLE_SELECTED);
		}
		if (t->rows[item].kind == TUI_ROW_FOLD) {
			wire_draw_fold(t, cv, &line, line.y, &t->rows[item],
			    selected);
		} else if (t->rows[item].kind == TUI_ROW_NOTE) {
			wire_draw_note(t, cv, &line, line.y, &t->rows[item],
			    selected);
		} else {
			wire_draw_line(t, cv, &line, line.y,
			    t->rows[item].line, selected);
		}
	}
}

/* Find the next (direction 1) or previous (-1) matching row. */
int
tui_wire_search(struct tui *t, int direction)
{
	size_t	n = t->nrows, k, i;

	for (k = 1; k <= n; k++) {
		if (direction > 0) {
			i = (t->wire.sel + k) % n;
		} else {
			i = (t->wire.sel + n - k % n) % n;
		}
		if (t->rows[i].kind == TUI_ROW_LINE &&
		    wire_matches(t, t->rows[i].line)) {
			tui_list_select(&t->wire, i);
			return 1;
		}
	}
	return 0;
}

/* The wire view's keys: navigation, and Enter on a fold. */
static int
wire_key(struct tui *t, enum tui_action a)
{
	if (a == TUI_ACT_SELECT) {
		if (t->nrows > 0 && t->rows[t->wire.sel].kind == TUI_ROW_FOLD) {
			t->expand_bodies = !t->expand_bodies;
			tui_wire_rebuild(t);
		}
		return 1;
	}
	if (tui_list_action(&t->wire, a)) {
		t->explain_top = 0;
		return 1;
	}
	return 0;
}

/* The wire view's resize: the list is as high as the pane's content. */
static void
wire_resize(struct tui *t, const struct tui_rect *r)
{
	tui_list_set_height(&t->wire, r->h - 1);
	if (t->explain_mode) {
		tui_wire_rebuild(t);
	}
}

const struct tui_view tui_view_wire = {
	"wire", wire_draw, wire_key, wire_resize
};
