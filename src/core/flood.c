/*
 * flood.c: the gate between the socket and the transcript.
 *
 * A small state machine over the received bytes, split anywhere across
 * reads: it follows lines (an LF ends one, as in the reply parser) and
 * replies (a line whose fourth byte is not '-' ends one).  Once a reply
 * has SS_REPLY_MAX_LINES lines, each further line is held for its first
 * four bytes: a continuation line is then cut whole, the line that ends
 * the reply is let through.  Past SS_REPLY_LINE_KEEP bytes a line's bytes
 * are cut up to its end, whose CR LF is kept.  Kept bytes go out in runs
 * (one call per run, never per byte), cuts as counts.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/flood.h"
#include "smtpscope/reply.h"
#include "smtpscope/util.h"

/* One feed: the buffer, the start of the run not yet let out. */
struct flood_run {
	struct ss_flood			*f;
	const struct ss_flood_out	*out;
	const char			*buf;
	size_t				 start;
	uint64_t			 t_us;
};

/* Start with nothing open. */
void
ss_flood_init(struct ss_flood *f)
{
	memset(f, 0, sizeof(*f));
}

/* Forget the open line and reply; a counted cut stays to be reported. */
void
ss_flood_reset(struct ss_flood *f)
{
	struct ss_flood_cut	 pending = f->pending;

	memset(f, 0, sizeof(*f));
	f->pending = pending;
}

/* Is a cut waiting to be reported? */
int
ss_flood_pending(const struct ss_flood *f)
{
	return f->pending.bytes != 0;
}

/* Report the pending cut, if any. */
static void
flood_report(struct ss_flood *f, const struct ss_flood_out *out)
{
	if (f->pending.bytes == 0) {
		return;
	}
	out->cut(out->arg, &f->pending);
	memset(&f->pending, 0, sizeof(f->pending));
}

/* Count cut bytes (lines: whole lines cut with them). */
static void
flood_count(struct ss_flood *f, size_t bytes, size_t lines, uint64_t t_us)
{
	if (f->pending.bytes == 0) {
		f->pending.first_us = t_us;
	}
	f->pending.bytes += bytes;
	f->pending.lines += lines;
	f->pending.last_us = t_us;
}

/* Let out the run of kept bytes before position i. */
static void
flood_let_out(struct flood_run *r, size_t i)
{
	if (i > r->start) {
		r->out->keep(r->out->arg, r->buf + r->start, i - r->start);
	}
	r->start = i;
}

/* Byte i is not kept (cut or held): let out the run before it. */
static void
flood_skip(struct flood_run *r, size_t i)
{
	flood_let_out(r, i);
	r->start = i + 1;
}

/* Byte i is kept after a cut: report the cut first, then hold on. */
static void
flood_resume(struct flood_run *r, size_t i)
{
	if (ss_flood_pending(r->f)) {
		flood_let_out(r, i);
		flood_report(r->f, r->out);
	}
}

/* A line ended; is a continuation line cut from now on? */
static void
flood_line_end(struct ss_flood *f, int last)
{
	f->line_len = 0;
	f->reply_lines = last ? 0 : f->reply_lines + 1;
	f->judging = f->reply_lines >= SS_REPLY_MAX_LINES;
}

/* The held start of a line ends the reply: let it out, keep the line. */
static void
flood_release(struct flood_run *r)
{
	struct ss_flood	*f = r->f;

	flood_report(f, r->out);
	r->out->keep(r->out->arg, f->head, f->nhead);
	f->line_len = f->nhead;
	f->judging = 0;
}

/* A byte of a line past the line limit, or of a line being judged. */
static void
flood_judge(struct flood_run *r, size_t i, unsigned char c)
{
	struct ss_flood	*f = r->f;

	flood_skip(r, i);
	if (c == '\n') {
		/* Shorter than four bytes: it ends the reply. */
		flood_release(r);
		r->start = i;	/* the LF goes out with what follows */
		flood_line_end(f, 1);
		return;
	}
	f->head[f->nhead++] = (char)c;
	if (f->nhead < sizeof(f->head)) {
		return;
	}
	if (f->head[3] == '-') {
		flood_count(f, f->nhead, 0, r->t_us);
		f->dropping = 1;
		f->judging = 0;
		f->nhead = 0;
		return;
	}
	flood_release(r);
	f->nhead = 0;
}

/* A byte of a continuation line that is cut whole. */
static void
flood_drop(struct flood_run *r, size_t i, unsigned char c)
{
	struct ss_flood	*f = r->f;

	flood_skip(r, i);
	flood_count(f, 1, c == '\n', r->t_us);
	if (c == '\n') {
		f->dropping = 0;
		flood_line_end(f, 0);
	}
}

/* A byte past the line limit: cut, but a CR that may end the line waits. */
static void
flood_long(struct flood_run *r, size_t i, unsigned char c)
{
	struct ss_flood	*f = r->f;

	if (c == '\n') {
		flood_let_out(r, i);
		flood_report(f, r->out);
		if (f->cr_held) {
			r->out->keep(r->out->arg, "\r", 1);
			f->cr_held = 0;
		}
		flood_line_end(f, f->head[3] != '-');
		return;
	}
	flood_skip(r, i);
	if (f->cr_held) {
		flood_count(f, 1, 0, r->t_us);
	}
	f->cr_held = c == '\r';
	if (!f->cr_held) {
		flood_count(f, 1, 0, r->t_us);
	}
}

/* A byte of a line within the limits: kept. */
static void
flood_keep(struct flood_run *r, size_t i, unsigned char c)
{
	struct ss_flood	*f = r->f;

	flood_resume(r, i);
	if (c == '\n') {
		flood_line_end(f, f->line_len < 4 || f->head[3] != '-');
		return;
	}
	if (f->line_len < sizeof(f->head)) {
		f->head[f->line_len] = (char)c;
	}
	f->line_len++;
}

/* Pass bytes through, keeping what the limits allow. */
void
ss_flood_feed(struct ss_flood *f, const char *buf, size_t len, uint64_t t_us,
    const struct ss_flood_out *out)
{
	struct flood_run	 r = { f, out, buf, 0, t_us };
	unsigned char		 c;
	size_t			 i;

	for (i = 0; i < len; i++) {
		c = (unsigned char)buf[i];
		if (f->dropping) {
			flood_drop(&r, i, c);
		} else if (f->judging) {
			flood_judge(&r, i, c);
		} else if (f->line_len >= SS_REPLY_LINE_KEEP) {
			flood_long(&r, i, c);
		} else {
			flood_keep(&r, i, c);
		}
	}
	flood_let_out(&r, len);
}

/* Report what was cut so far; a line start held for judging goes out. */
void
ss_flood_flush(struct ss_flood *f, const struct ss_flood_out *out)
{
	struct flood_run	 r = { f, out, "", 0, 0 };

	if (f->judging && f->nhead > 0) {
		flood_release(&r);
		f->nhead = 0;
		return;
	}
	flood_report(f, out);
}

/* The note's text: a sentence, then the counts as words. */
char *
ss_flood_cut_text(const struct ss_flood_cut *c)
{
	char		*text;
	double		 span = (double)(c->last_us - c->first_us) / 1e6;

	if (c->lines > 0) {
		xasprintf(&text, "not kept: %zu lines (%zu bytes) of a reply "
		    "past its %d-line limit, over %.2f s\nlines=%zu bytes=%zu "
		    "first_us=%" PRIu64 " last_us=%" PRIu64, c->lines,
		    c->bytes, SS_REPLY_MAX_LINES, span, c->lines, c->bytes,
		    c->first_us, c->last_us);
	} else {
		xasprintf(&text, "not kept: %zu bytes of a line past its "
		    "%d-byte limit, over %.2f s\nlines=0 bytes=%zu "
		    "first_us=%" PRIu64 " last_us=%" PRIu64, c->bytes,
		    SS_REPLY_LINE_KEEP, span, c->bytes, c->first_us,
		    c->last_us);
	}
	return text;
}

/* The value of one "key=" word after the note's first line. */
static int
flood_word(const char *words, const char *key, uint64_t *value)
{
	const char	*p = words;
	char		*end;
	size_t		 n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == words || p[-1] == ' ' || p[-1] == '\n') &&
		    p[n] == '=') {
			*value = strtoull(p + n + 1, &end, 10);
			return end != p + n + 1 ? 0 : -1;
		}
		p += n;
	}
	return -1;
}

/* Read the counts back from a note's text; -1 if they are missing. */
int
ss_flood_cut_parse(const char *text, size_t len, struct ss_flood_cut *c)
{
	const char	*words = memchr(text, '\n', len);
	uint64_t	 lines, bytes;

	memset(c, 0, sizeof(*c));
	if (words == NULL || flood_word(words + 1, "lines", &lines) == -1 ||
	    flood_word(words + 1, "bytes", &bytes) == -1 ||
	    flood_word(words + 1, "first_us", &c->first_us) == -1 ||
	    flood_word(words + 1, "last_us", &c->last_us) == -1) {
		return -1;
	}
	c->lines = (size_t)lines;
	c->bytes = (size_t)bytes;
	return 0;
}
