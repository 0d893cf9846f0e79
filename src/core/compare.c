/*
 * compare.c: two sessions side by side (compare.h).
 *
 * Three tables, each a pure function of the two dialogs: the exchanges
 * the caller paired (the rerun), the capabilities of each phase aligned by
 * keyword (ss_caps_diff), and the TLS summaries field by field.  Text and
 * JSON are rendered from the same rows, so they cannot disagree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smtpscope/caps.h"
#include "smtpscope/compare.h"
#include "smtpscope/dialog.h"
#include "smtpscope/reply.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#ifndef SMTPSCOPE_VERSION
#define SMTPSCOPE_VERSION "unknown"
#endif

const char *const ss_compare_diff_names[SS_CMP_LAST] = {
	"same", "different-text", "different-code", "missing", "skipped"
};
_Static_assert(SS_NITEMS(ss_compare_diff_names) == SS_CMP_LAST,
    "ss_compare_diff_names must name every judgement");

/* Words of a judgement in the text table. */
static const char *const ss_compare_diff_words[SS_CMP_LAST] = {
	"same", "DIFFERENT text", "DIFFERENT code", "MISSING", "skipped"
};

/* Verbs in the JSON: the command word, or what the row is. */
static const char *const ss_compare_verb_names[SS_VERB_LAST] = {
	"greeting", "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT",
	"DATA", "BDAT", "RSET", "NOOP", "VRFY", "EXPN", "HELP", "QUIT",
	"sasl", "body", "other"
};
_Static_assert(SS_NITEMS(ss_compare_verb_names) == SS_VERB_LAST,
    "ss_compare_verb_names must name every verb");

/* The fields of the TLS table, in order. */
enum ss_compare_tls_field {
	SS_CMP_TLS_HOW, SS_CMP_TLS_ESTABLISHED, SS_CMP_TLS_VERSION,
	SS_CMP_TLS_CIPHER, SS_CMP_TLS_SNI, SS_CMP_TLS_VERIFIED,
	SS_CMP_TLS_SUBJECT, SS_CMP_TLS_ISSUER, SS_CMP_TLS_NAMES,
	SS_CMP_TLS_NOT_AFTER, SS_CMP_TLS_SHA256, SS_CMP_TLS_LAST
};
static const char *const ss_compare_tls_names[SS_CMP_TLS_LAST] = {
	"tls", "established", "version", "ciphersuite", "sni", "verified",
	"subject", "issuer", "names", "not_after", "sha256"
};
_Static_assert(SS_NITEMS(ss_compare_tls_names) == SS_CMP_TLS_LAST,
    "ss_compare_tls_names must name every field");

#define SS_CMP_DEFAULT_WIDTH	120
#define SS_CMP_CMD_WIDTH	22
#define SS_CMP_STATUS_WIDTH	14
#define SS_CMP_MIN_CELL		16

struct ss_compare_row {
	long			 x[2];	/* exchange index per side, or -1 */
	char			*note;
	enum ss_compare_diff	 diff;
};

struct ss_compare {
	struct ss_compare_side	 side[2];
	unsigned		 flags;
	struct ss_compare_row	*rows;
	size_t			 nrows;
	char			*tls[2][SS_CMP_TLS_LAST];	/* owned */
};

/* ------------------------------------------------------------------ */
/* Replies                                                             */

/* The text of a reply line after its code and separator. */
static const char *
ss_compare_line_text(const struct ss_reply_line *l, size_t *len)
{
	size_t	 off = l->text != NULL ? (size_t)(l->text - l->raw) : 0;

	if (off > l->len)
		off = l->len;
	*len = l->len - off;
	return l->raw + off;
}

/* Same number of lines, each with the same text (and what was cut)? */
static int
ss_compare_same_text(const struct ss_reply *a, const struct ss_reply *b)
{
	const char	*ta, *tb;
	size_t		 i, la, lb;

	if (a->nlines != b->nlines || a->lines_dropped != b->lines_dropped)
		return 0;
	for (i = 0; i < a->nlines; i++) {
		ta = ss_compare_line_text(&a->lines[i], &la);
		tb = ss_compare_line_text(&b->lines[i], &lb);
		if (la != lb || memcmp(ta, tb, la) != 0 ||
		    a->lines[i].dropped != b->lines[i].dropped)
			return 0;
	}
	return 1;
}

/* Judge two replies. */
enum ss_compare_diff
ss_compare_replies(const struct ss_exchange *a, const struct ss_exchange *b)
{
	if (a == NULL || b == NULL || a->reply == NULL || b->reply == NULL)
		return SS_CMP_MISSING;
	if (a->reply->code != b->reply->code)
		return SS_CMP_CODE;
	return ss_compare_same_text(a->reply, b->reply) ? SS_CMP_SAME :
	    SS_CMP_TEXT;
}

/* Exchange i of a side, or NULL. */
static const struct ss_exchange *
ss_compare_exchange(const struct ss_compare *c, int s, long i)
{
	if (i < 0 || c->side[s].d == NULL)
		return NULL;
	return ss_dialog_exchange(c->side[s].d, (size_t)i);
}

/* ------------------------------------------------------------------ */
/* TLS fields                                                          */

/* The leaf certificate of a side, decoded; 0 or -1. */
static int
ss_compare_leaf(const struct ss_compare_side *side,
    const struct ss_tls_summary *tls, struct ss_cert_info *info)
{
	const struct ss_event	*e;
	struct ss_buf		 der;
	int			 rc = -1;

	if (tls->ncerts == 0 ||
	    (e = ss_transcript_get(side->t, tls->cert_events[0])) == NULL)
		return -1;
	ss_buf_init(&der);
	if (ss_base64_decode(&der, e->data, e->len) == 0 &&
	    ss_tls_cert_describe((const unsigned char *)der.data, der.len,
	    info) == 0)
		rc = 0;
	ss_buf_finish(&der);
	return rc;
}

/* Verification in words: yes, unknown, or NO and the reasons. */
static char *
ss_compare_verified(const struct ss_tls_summary *tls)
{
	struct ss_buf	 b;
	char		*p;

	if (!tls->verify_known)
		return xstrdup("unknown");
	if (tls->verify_flags == 0)
		return xstrdup("yes");
	ss_buf_init(&b);
	ss_buf_adds(&b, "NO: ");
	ss_tls_verify_words(tls->verify_flags, &b);
	while (b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	for (p = b.data; *p != '\0'; p++) {
		if (*p == '\n')
			*p = ';';
	}
	p = ss_buf_steal(&b);
	ss_buf_finish(&b);	/* steal leaves a fresh, allocated buffer */
	return p;
}

/* Copy a string that may be NULL or empty (both: no value). */
static char *
ss_compare_dup(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

/* Fill one side's TLS fields; NULL means "nothing to say". */
static void
ss_compare_tls_side(const struct ss_compare_side *side,
    char *v[SS_CMP_TLS_LAST])
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(side->d);
	struct ss_cert_info		 c;

	if (tls == NULL || !tls->started) {
		v[SS_CMP_TLS_HOW] = xstrdup("not used");
		return;
	}
	v[SS_CMP_TLS_HOW] = xstrdup(tls->implicit ? "implicit" : "STARTTLS");
	v[SS_CMP_TLS_ESTABLISHED] = xstrdup(tls->established ? "yes" :
	    "no");
	v[SS_CMP_TLS_VERSION] = ss_compare_dup(tls->version);
	v[SS_CMP_TLS_CIPHER] = ss_compare_dup(tls->cipher);
	v[SS_CMP_TLS_SNI] = tls->sni != NULL && strcmp(tls->sni, "none") != 0 ?
	    ss_compare_dup(tls->sni) : NULL;
	v[SS_CMP_TLS_VERIFIED] = ss_compare_verified(tls);
	if (ss_compare_leaf(side, tls, &c) != 0)
		return;
	v[SS_CMP_TLS_SUBJECT] = ss_compare_dup(c.subject);
	v[SS_CMP_TLS_ISSUER] = ss_compare_dup(c.issuer);
	v[SS_CMP_TLS_NAMES] = ss_compare_dup(c.sans);
	v[SS_CMP_TLS_NOT_AFTER] = ss_compare_dup(c.not_after);
	v[SS_CMP_TLS_SHA256] = ss_compare_dup(c.sha256);
}

/* Do both sides say the same about field f? */
static int
ss_compare_tls_same(const struct ss_compare *c, int f)
{
	const char	*a = c->tls[0][f], *b = c->tls[1][f];

	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* ------------------------------------------------------------------ */
/* The comparison                                                      */

/* Make a comparison of two sides; see compare.h. */
struct ss_compare *
ss_compare_create(const struct ss_compare_side *a,
    const struct ss_compare_side *b, unsigned flags)
{
	struct ss_compare	*c = xcalloc(1, sizeof *c);

	c->side[0] = *a;
	c->side[1] = *b;
	c->flags = flags;
	ss_compare_tls_side(&c->side[0], c->tls[0]);
	ss_compare_tls_side(&c->side[1], c->tls[1]);
	return c;
}

/* Free a comparison and its rows. */
void
ss_compare_destroy(struct ss_compare *c)
{
	size_t	 i;
	int	 s, f;

	if (c == NULL)
		return;
	for (i = 0; i < c->nrows; i++)
		free(c->rows[i].note);
	free(c->rows);
	for (s = 0; s < 2; s++) {
		for (f = 0; f < SS_CMP_TLS_LAST; f++)
			free(c->tls[s][f]);
	}
	free(c);
}

/* Append a row. */
static void
ss_compare_push(struct ss_compare *c, long a, long b, const char *note,
    enum ss_compare_diff diff)
{
	struct ss_compare_row	*r;

	c->rows = xreallocarray(c->rows, c->nrows + 1, sizeof *c->rows);
	r = &c->rows[c->nrows++];
	r->x[0] = a;
	r->x[1] = b;
	r->note = note != NULL ? xstrdup(note) : NULL;
	r->diff = diff;
}

/* Add a paired row and judge it. */
void
ss_compare_add(struct ss_compare *c, long a, long b, const char *note)
{
	ss_compare_push(c, a, b, note, ss_compare_replies(
	    ss_compare_exchange(c, 0, a), ss_compare_exchange(c, 1, b)));
}

/* Add a row that was deliberately not repeated. */
void
ss_compare_skip(struct ss_compare *c, long a, const char *note)
{
	ss_compare_push(c, a, -1, note, SS_CMP_SKIPPED);
}

/* Rows added so far. */
size_t
ss_compare_rows(const struct ss_compare *c)
{
	return c->nrows;
}

/* The judgement of a row. */
enum ss_compare_diff
ss_compare_row_diff(const struct ss_compare *c, size_t i)
{
	return i < c->nrows ? c->rows[i].diff : SS_CMP_MISSING;
}

/* Capability rows of a phase on both sides; free with free(). */
static struct ss_cap_diff *
ss_compare_phase(const struct ss_compare *c, int p, const struct ss_caps **a,
    const struct ss_caps **b, size_t *n)
{
	*a = ss_dialog_caps(c->side[0].d, p);
	*b = ss_dialog_caps(c->side[1].d, p);
	return ss_caps_diff(*a, *b, n);
}

/* Count the differences in each table. */
void
ss_compare_count(const struct ss_compare *c, struct ss_compare_count *n)
{
	const struct ss_caps	*a, *b;
	struct ss_cap_diff	*rows;
	size_t			 i, nrows;
	int			 p, f;

	memset(n, 0, sizeof *n);
	for (i = 0; i < c->nrows; i++) {
		if (c->rows[i].diff != SS_CMP_SAME &&
		    c->rows[i].diff != SS_CMP_SKIPPED)
			n->exchanges++;
	}
	for (p = 0; p < SS_PHASE_LAST; p++) {
		rows = ss_compare_phase(c, p, &a, &b, &nrows);
		for (i = 0; i < nrows; i++) {
			if (rows[i].change != SS_CAP_SAME)
				n->capabilities++;
		}
		if ((a == NULL) != (b == NULL) && nrows == 0)
			n->capabilities++;
		free(rows);
	}
	for (f = 0; f < SS_CMP_TLS_LAST; f++) {
		if (!ss_compare_tls_same(c, f))
			n->tls++;
	}
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

/* Append safe UTF-8 text cut to width cells ("..." marks a cut) and
 * padded with spaces to width. */
static void
ss_compare_cell(struct ss_buf *out, const char *s, size_t width)
{
	size_t		 len = strlen(s), i = 0, w = 0, cw, n, keep;
	uint32_t	 cp;

	if (ss_text_width(s, len) <= width) {
		ss_buf_adds(out, s);
		w = ss_text_width(s, len);
	} else {
		keep = width > 3 ? width - 3 : 0;
		while (i < len) {
			n = ss_text_utf8_decode(s + i, len - i, &cp);
			if (n == 0)
				n = 1;
			cw = ss_text_width(s + i, n);
			if (w + cw > keep)
				break;
			ss_buf_add(out, s + i, n);
			w += cw;
			i += n;
		}
		ss_buf_adds(out, "...");
		w += 3;
	}
	while (w++ < width)
		ss_buf_addc(out, ' ');
}

/* Untrusted bytes escaped, then as a cell. */
static void
ss_compare_esc_cell(struct ss_buf *out, const char *s, size_t len,
    size_t width)
{
	struct ss_buf	 esc;

	ss_buf_init(&esc);
	ss_text_escape(&esc, s, len);
	ss_compare_cell(out, esc.data, width);
	ss_buf_finish(&esc);
}

/* Drop trailing spaces and end the line. */
static void
ss_compare_eol(struct ss_buf *out)
{
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	ss_buf_addc(out, '\n');
}

/* The command column of an exchange row. */
static void
ss_compare_command(struct ss_buf *out, const struct ss_exchange *x,
    size_t width)
{
	if (x == NULL)
		ss_compare_cell(out, "(none)", width);
	else if (x->greeting)
		ss_compare_cell(out, "(greeting)", width);
	else if (x->unsolicited || x->command == NULL)
		ss_compare_cell(out, "(unsolicited)", width);
	else
		ss_compare_esc_cell(out, x->command, strlen(x->command), width);
}

/* Line i of an exchange's reply, as a cell ("" past the end). */
static void
ss_compare_reply_cell(struct ss_buf *out, const struct ss_exchange *x,
    size_t i, size_t width)
{
	if (x == NULL || x->reply == NULL) {
		ss_compare_cell(out, i == 0 ? (x == NULL ? "--" :
		    "(no reply)") : "", width);
		return;
	}
	if (i >= x->reply->nlines) {
		ss_compare_cell(out, "", width);
		return;
	}
	ss_compare_esc_cell(out, x->reply->lines[i].raw,
	    x->reply->lines[i].len, width);
}

/* Do line i of the two replies differ (a missing line differs)? */
static int
ss_compare_line_differs(const struct ss_exchange *a,
    const struct ss_exchange *b, size_t i)
{
	const struct ss_reply_line	*la = NULL, *lb = NULL;

	if (a != NULL && a->reply != NULL && i < a->reply->nlines)
		la = &a->reply->lines[i];
	if (b != NULL && b->reply != NULL && i < b->reply->nlines)
		lb = &b->reply->lines[i];
	if (la == NULL || lb == NULL)
		return la != lb;
	return la->len != lb->len || memcmp(la->raw, lb->raw, la->len) != 0;
}

/* Lines a row takes: the longer reply, at least one. */
static size_t
ss_compare_row_lines(const struct ss_exchange *a, const struct ss_exchange *b)
{
	size_t	 na = a != NULL && a->reply != NULL ? a->reply->nlines : 0;
	size_t	 nb = b != NULL && b->reply != NULL ? b->reply->nlines : 0;

	return na > nb ? na : (nb > 0 ? nb : 1);
}

/* One exchange row: the command, then the replies line by line with a
 * '*' between the columns where they differ, and the judgement. */
static void
ss_compare_text_row(struct ss_buf *out, const struct ss_compare *c,
    const struct ss_compare_row *r, size_t cell)
{
	const struct ss_exchange	*a = ss_compare_exchange(c, 0, r->x[0]);
	const struct ss_exchange	*b = ss_compare_exchange(c, 1, r->x[1]);
	size_t				 i, n = ss_compare_row_lines(a, b);

	for (i = 0; i < n; i++) {
		ss_buf_adds(out, "  ");
		if (i == 0)
			ss_compare_command(out, a != NULL ? a : b,
			    SS_CMP_CMD_WIDTH);
		else
			ss_compare_cell(out, "", SS_CMP_CMD_WIDTH);
		ss_buf_adds(out, "  ");
		ss_compare_reply_cell(out, a, i, cell);
		if (r->diff == SS_CMP_SKIPPED) {
			ss_buf_adds(out, " | ");
			ss_compare_cell(out, i == 0 ? "(not sent)" : "", cell);
		} else {
			ss_buf_adds(out, ss_compare_line_differs(a, b, i) ?
			    " * " : " | ");
			ss_compare_reply_cell(out, b, i, cell);
		}
		if (i == 0)
			ss_buf_printf(out, "  %s",
			    ss_compare_diff_words[r->diff]);
		ss_compare_eol(out);
	}
	if (r->note != NULL) {
		ss_buf_adds(out, "  ");
		ss_compare_cell(out, "", SS_CMP_CMD_WIDTH);
		ss_buf_adds(out, "  note: ");
		ss_text_escape(out, r->note, strlen(r->note));
		ss_compare_eol(out);
	}
}

/* The exchange table. */
static void
ss_compare_text_exchanges(struct ss_buf *out, const struct ss_compare *c,
    size_t cell)
{
	size_t	 i;

	ss_buf_printf(out, "\nExchanges (* between the columns: the lines "
	    "differ)\n  ");
	ss_compare_cell(out, "command", SS_CMP_CMD_WIDTH);
	ss_buf_adds(out, "  ");
	ss_compare_cell(out, c->side[0].title, cell);
	ss_buf_adds(out, "   ");
	ss_compare_cell(out, c->side[1].title, cell);
	ss_compare_eol(out);
	if (c->nrows == 0)
		ss_buf_adds(out, "  (no exchanges)\n");
	for (i = 0; i < c->nrows; i++)
		ss_compare_text_row(out, c, &c->rows[i], cell);
}

/* A capability as a cell: its parameters, "yes" without any, "--". */
static void
ss_compare_cap_cell(struct ss_buf *out, const struct ss_cap *cap,
    const struct ss_caps *set, size_t width)
{
	if (set == NULL)
		ss_compare_cell(out, "n/a", width);
	else if (cap == NULL)
		ss_compare_cell(out, "--", width);
	else if (cap->params[0] == '\0')
		ss_compare_cell(out, "yes", width);
	else
		ss_compare_esc_cell(out, cap->params, strlen(cap->params),
		    width);
}

/* The judgement of a capability row in words. */
static void
ss_compare_cap_words(struct ss_buf *out, const struct ss_compare *c,
    enum ss_cap_change change)
{
	switch (change) {
	case SS_CAP_SAME:
		ss_buf_adds(out, "same");
		break;
	case SS_CAP_CHANGED:
		ss_buf_adds(out, "DIFFERENT");
		break;
	case SS_CAP_ADDED:
		ss_buf_printf(out, "only in %s", c->side[1].title);
		break;
	default:
		ss_buf_printf(out, "only in %s", c->side[0].title);
		break;
	}
}

/* The heading of a phase's table, saying which side did not reach it. */
static void
ss_compare_phase_head(struct ss_buf *out, const struct ss_compare *c, int p,
    const struct ss_caps *a, const struct ss_caps *b)
{
	ss_buf_printf(out, "\nCapabilities %s", ss_phase_titles[p]);
	if (a == NULL && b == NULL)
		ss_buf_adds(out, ": reached in neither session");
	else if (a == NULL || b == NULL)
		ss_buf_printf(out, " (not reached in %s)",
		    c->side[a == NULL ? 0 : 1].title);
	ss_buf_addc(out, '\n');
}

/* The capability table of every phase, aligned by keyword. */
static void
ss_compare_text_caps(struct ss_buf *out, const struct ss_compare *c,
    size_t cell)
{
	const struct ss_caps	*a, *b;
	struct ss_cap_diff	*rows;
	size_t			 i, n;
	int			 p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		rows = ss_compare_phase(c, p, &a, &b, &n);
		ss_compare_phase_head(out, c, p, a, b);
		for (i = 0; i < n; i++) {
			ss_buf_adds(out, "  ");
			ss_compare_esc_cell(out, rows[i].keyword,
			    strlen(rows[i].keyword), SS_CMP_CMD_WIDTH);
			ss_buf_adds(out, "  ");
			ss_compare_cap_cell(out, rows[i].before, a, cell);
			ss_buf_adds(out, rows[i].change == SS_CAP_SAME ?
			    " | " : " * ");
			ss_compare_cap_cell(out, rows[i].after, b, cell);
			ss_buf_adds(out, "  ");
			ss_compare_cap_words(out, c, rows[i].change);
			ss_compare_eol(out);
		}
		free(rows);
	}
}

/* The TLS summaries field by field. */
static void
ss_compare_text_tls(struct ss_buf *out, const struct ss_compare *c,
    size_t cell)
{
	const char	*v;
	int		 f, s, same;

	ss_buf_adds(out, "\nTLS\n");
	for (f = 0; f < SS_CMP_TLS_LAST; f++) {
		if (c->tls[0][f] == NULL && c->tls[1][f] == NULL)
			continue;
		same = ss_compare_tls_same(c, f);
		ss_buf_adds(out, "  ");
		ss_compare_cell(out, ss_compare_tls_names[f],
		    SS_CMP_CMD_WIDTH);
		ss_buf_adds(out, "  ");
		for (s = 0; s < 2; s++) {
			v = c->tls[s][f];
			if (v == NULL)
				ss_compare_cell(out, "--", cell);
			else
				ss_compare_esc_cell(out, v, strlen(v), cell);
			if (s == 0)
				ss_buf_adds(out, same ? " | " : " * ");
		}
		ss_buf_adds(out, same ? "  same" : "  DIFFERENT");
		ss_compare_eol(out);
	}
}

/* The heading: what each side is. */
static void
ss_compare_text_head(struct ss_buf *out, const struct ss_compare *c)
{
	int	 s;

	ss_buf_adds(out, "smtpscope " SMTPSCOPE_VERSION ": two sessions side "
	    "by side\n");
	for (s = 0; s < 2; s++) {
		ss_buf_printf(out, "  %-6s ", c->side[s].title);
		ss_text_escape(out, c->side[s].label, strlen(c->side[s].label));
		ss_buf_addc(out, '\n');
	}
}

/* The whole side-by-side text. */
void
ss_compare_text(struct ss_buf *out, const struct ss_compare *c, size_t width)
{
	struct ss_compare_count	 n;
	size_t			 cell;

	if (width == 0)
		width = SS_CMP_DEFAULT_WIDTH;
	cell = width > SS_CMP_CMD_WIDTH + SS_CMP_STATUS_WIDTH + 9 ?
	    (width - SS_CMP_CMD_WIDTH - SS_CMP_STATUS_WIDTH - 9) / 2 : 0;
	if (cell < SS_CMP_MIN_CELL)
		cell = SS_CMP_MIN_CELL;
	ss_compare_text_head(out, c);
	if (c->flags & SS_COMPARE_EXCHANGES)
		ss_compare_text_exchanges(out, c, cell);
	ss_compare_text_caps(out, c, cell);
	ss_compare_text_tls(out, c, cell);
	ss_compare_count(c, &n);
	ss_buf_adds(out, "\nDifferences: ");
	if (c->flags & SS_COMPARE_EXCHANGES)
		ss_buf_printf(out, "%zu exchange%s, ", n.exchanges,
		    n.exchanges == 1 ? "" : "s");
	ss_buf_printf(out, "%zu capabilit%s, %zu TLS field%s\n",
	    n.capabilities, n.capabilities == 1 ? "y" : "ies", n.tls,
	    n.tls == 1 ? "" : "s");
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

/* Untrusted bytes, escaped, as a JSON string; NULL as null. */
static json_t *
ss_compare_jbytes(const char *s, size_t len)
{
	struct ss_buf	 b;
	json_t		*j;

	if (s == NULL)
		return json_null();
	ss_buf_init(&b);
	ss_text_escape(&b, s, len);
	j = json_stringn(b.data, b.len);
	ss_buf_finish(&b);
	return j != NULL ? j : json_string("");
}

/* A NUL-terminated untrusted string, or null. */
static json_t *
ss_compare_jstr(const char *s)
{
	return ss_compare_jbytes(s, s != NULL ? strlen(s) : 0);
}

/* A reply: {"code": N, "lines": [...]}, or null. */
static json_t *
ss_compare_json_reply(const struct ss_exchange *x)
{
	json_t	*lines;
	size_t	 i;

	if (x == NULL || x->reply == NULL)
		return json_null();
	lines = json_array();
	for (i = 0; i < x->reply->nlines; i++)
		json_array_append_new(lines, ss_compare_jbytes(
		    x->reply->lines[i].raw, x->reply->lines[i].len));
	return json_pack("{s:i, s:o}", "code", x->reply->code, "lines", lines);
}

/* The command of a row as JSON: the line, or null for a greeting. */
static json_t *
ss_compare_json_command(const struct ss_exchange *x)
{
	if (x == NULL || x->greeting || x->command == NULL)
		return json_null();
	return ss_compare_jstr(x->command);
}

/* The exchange rows. */
static json_t *
ss_compare_json_exchanges(const struct ss_compare *c)
{
	const struct ss_exchange	*a, *b, *x;
	json_t				*arr = json_array();
	size_t				 i;

	for (i = 0; i < c->nrows; i++) {
		a = ss_compare_exchange(c, 0, c->rows[i].x[0]);
		b = ss_compare_exchange(c, 1, c->rows[i].x[1]);
		x = a != NULL ? a : b;	/* the command is the same on both */
		json_array_append_new(arr, json_pack(
		    "{s:o, s:s, s:b, s:o, s:o, s:s, s:o}",
		    "command", ss_compare_json_command(x),
		    "verb", ss_compare_verb_names[x != NULL ? x->verb :
		    SS_VERB_NONE],
		    "greeting", x != NULL && x->greeting,
		    "a", ss_compare_json_reply(a),
		    "b", ss_compare_json_reply(b),
		    "status", ss_compare_diff_names[c->rows[i].diff],
		    "note", ss_compare_jstr(c->rows[i].note)));
	}
	return arr;
}

/* A capability's parameters, or null when absent. */
static json_t *
ss_compare_json_cap(const struct ss_cap *cap)
{
	return cap != NULL ? ss_compare_jstr(cap->params) : json_null();
}

/* One phase: which side reached it and the aligned rows. */
static json_t *
ss_compare_json_phase(const struct ss_compare *c, int p)
{
	static const char *const status[SS_CAP_CHANGE_LAST] = {
		"same", "different", "only-b", "only-a"
	};
	const struct ss_caps	*a, *b;
	struct ss_cap_diff	*rows;
	json_t			*arr = json_array();
	size_t			 i, n;

	rows = ss_compare_phase(c, p, &a, &b, &n);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:s}",
		    "keyword", ss_compare_jstr(rows[i].keyword),
		    "a", ss_compare_json_cap(rows[i].before),
		    "b", ss_compare_json_cap(rows[i].after),
		    "status", status[rows[i].change]));
	free(rows);
	return json_pack("{s:b, s:b, s:o}", "a_reached", a != NULL,
	    "b_reached", b != NULL, "rows", arr);
}

/* The TLS fields: [{"field", "a", "b", "same"}]. */
static json_t *
ss_compare_json_tls(const struct ss_compare *c)
{
	json_t	*arr = json_array();
	int	 f;

	for (f = 0; f < SS_CMP_TLS_LAST; f++)
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:b}",
		    "field", ss_compare_tls_names[f],
		    "a", ss_compare_jstr(c->tls[0][f]),
		    "b", ss_compare_jstr(c->tls[1][f]),
		    "same", ss_compare_tls_same(c, f)));
	return arr;
}

/* The JSON document of a comparison. */
char *
ss_compare_json(const struct ss_compare *c)
{
	struct ss_compare_count	 n;
	json_t			*root = json_object(), *caps = json_object();
	char			*s, *copy;
	int			 p, i;
	static const char *const keys[2] = { "a", "b" };

	json_object_set_new(root, "tool", json_pack("{s:s, s:s}", "name",
	    "smtpscope", "version", SMTPSCOPE_VERSION));
	for (i = 0; i < 2; i++)
		json_object_set_new(root, keys[i], json_pack("{s:o, s:o}",
		    "title", ss_compare_jstr(c->side[i].title),
		    "label", ss_compare_jstr(c->side[i].label)));
	json_object_set_new(root, "exchanges", (c->flags &
	    SS_COMPARE_EXCHANGES) ? ss_compare_json_exchanges(c) :
	    json_null());
	for (p = 0; p < SS_PHASE_LAST; p++)
		json_object_set_new(caps, ss_phase_names[p],
		    ss_compare_json_phase(c, p));
	json_object_set_new(root, "capabilities", caps);
	json_object_set_new(root, "tls", ss_compare_json_tls(c));
	ss_compare_count(c, &n);
	json_object_set_new(root, "differences", json_pack(
	    "{s:I, s:I, s:I}", "exchanges", (json_int_t)n.exchanges,
	    "capabilities", (json_int_t)n.capabilities,
	    "tls", (json_int_t)n.tls));
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		return xstrdup("{}");
	copy = xstrdup(s);
	free(s);
	return copy;
}
