/*
 * fuzz-reply.c: the reply parser and the dialog over hostile server bytes.
 *
 * Input: a header byte whose low three bits give N, then N chunk-size
 * bytes, then the bytes a server sends.  The bytes are fed in chunks of
 * those sizes (cycled); a chunk-size byte with its high bit set makes that
 * chunk a client write instead, so the dialog pairs commands and replies.
 *
 * Properties: the parser consumes every byte without looping; stored lines
 * stay inside their limits; and the replies do not depend on where the
 * reads were split (the same bytes fed in one piece give the same codes,
 * lines and anomalies).
 */

#include "fuzz.h"

#include "smtpscope/dialog.h"
#include "smtpscope/reply.h"
#include "smtpscope/text.h"
#include "smtpscope/util.h"

#define FUZZ_MAX_REPLIES	4096	/* compared one by one at most */

/* What a reply looked like, kept to compare the two feeds. */
struct fuzz_replies {
	struct ss_reply	*r[FUZZ_MAX_REPLIES];
	size_t		 n;
	size_t		 extra;	/* replies past the array */
};

/* The limits of reply.h hold for one reply. */
static void
fuzz_reply_check(const struct ss_reply *r)
{
	const struct ss_reply_line	*l;
	size_t				 i;

	FUZZ_CHECK(r->nlines <= SS_REPLY_MAX_LINES);
	FUZZ_CHECK(r->nlines > 0 || r->lines_dropped > 0 ||
	    (r->anomalies & SS_ANOM_BIT(SS_ANOM_INCOMPLETE)));
	for (i = 0; i < r->nlines; i++) {
		l = &r->lines[i];
		FUZZ_CHECK(l->len <= SS_REPLY_LINE_KEEP);
		FUZZ_CHECK(l->text >= l->raw && l->text <= l->raw + l->len);
		FUZZ_CHECK(l->code >= -1 && l->code <= 999);
		FUZZ_CHECK((l->anomalies & ~r->anomalies) == 0);
	}
	if (r->enhanced.present) {
		FUZZ_CHECK(r->enhanced.class_ == r->code / 100);
	}
}

/* Keep a reply for the comparison (or free it when the array is full). */
static void
fuzz_keep(struct fuzz_replies *fr, struct ss_reply *r)
{
	fuzz_reply_check(r);
	if (fr->n < FUZZ_MAX_REPLIES) {
		fr->r[fr->n++] = r;
	} else {
		fr->extra++;
		ss_reply_free(r);
	}
}

/* Feed one chunk, taking every reply it completes. */
static void
fuzz_feed(struct ss_reply_parser *p, const char *b, size_t len,
    struct fuzz_replies *fr)
{
	struct ss_reply	*r;
	size_t		 used;

	while (len > 0) {
		used = ss_reply_parser_feed(p, b, len, &r);
		FUZZ_CHECK(used <= len);
		FUZZ_CHECK(used == len || r != NULL);
		FUZZ_CHECK(used > 0 || r != NULL);
		if (r != NULL) {
			fuzz_keep(fr, r);
		}
		b += used;
		len -= used;
	}
	FUZZ_CHECK(ss_reply_parser_pending(p) >= 0);
}

/* The two feeds gave the same replies. */
static void
fuzz_compare(const struct fuzz_replies *a, const struct fuzz_replies *b)
{
	const struct ss_reply	*x, *y;
	size_t			 i, j;

	FUZZ_CHECK(a->n == b->n && a->extra == b->extra);
	for (i = 0; i < a->n; i++) {
		x = a->r[i];
		y = b->r[i];
		FUZZ_CHECK(x->code == y->code);
		FUZZ_CHECK(x->nlines == y->nlines);
		FUZZ_CHECK(x->lines_dropped == y->lines_dropped);
		FUZZ_CHECK(x->anomalies == y->anomalies);
		for (j = 0; j < x->nlines; j++) {
			FUZZ_CHECK(x->lines[j].len == y->lines[j].len);
			FUZZ_CHECK(memcmp(x->lines[j].raw, y->lines[j].raw,
			    x->lines[j].len) == 0);
			FUZZ_CHECK(x->lines[j].dropped ==
			    y->lines[j].dropped);
			FUZZ_CHECK(x->lines[j].anomalies ==
			    y->lines[j].anomalies);
		}
	}
}

/* Free what a feed kept. */
static void
fuzz_replies_free(struct fuzz_replies *fr)
{
	size_t	i;

	for (i = 0; i < fr->n; i++) {
		ss_reply_free(fr->r[i]);
	}
	fr->n = 0;
	fr->extra = 0;
}

/* Feed a whole input through a fresh parser and take the final reply. */
static void
fuzz_parse_whole(const char *b, size_t len, struct fuzz_replies *fr)
{
	struct ss_reply_parser	*p = ss_reply_parser_create();
	struct ss_reply		*r;

	fuzz_feed(p, b, len, fr);
	if ((r = ss_reply_parser_eof(p)) != NULL) {
		FUZZ_CHECK(r->anomalies & SS_ANOM_BIT(SS_ANOM_INCOMPLETE));
		fuzz_keep(fr, r);
	}
	FUZZ_CHECK(ss_reply_parser_pending(p) == 0);
	ss_reply_parser_destroy(p);
}

/* Read what the dialog derived, as the views and the report do. */
static void
fuzz_dialog_read(const struct ss_dialog *d)
{
	const struct ss_exchange	*x;
	const struct ss_line		*l;
	struct ss_buf			 shown;
	size_t				 i, n;
	int				 ph;

	ss_buf_init(&shown);
	n = ss_dialog_line_count(d);
	for (i = 0; i < n; i++) {
		l = ss_dialog_line(d, i);
		FUZZ_CHECK(l != NULL);
		FUZZ_CHECK(l->exchange < (long)ss_dialog_exchange_count(d));
		/* Every byte of the line, as the wire pane shows it. */
		ss_text_escape(&shown, l->bytes, l->len);
		fuzz_check_safe("wire line", shown.data, shown.len, "");
		ss_buf_reset(&shown);
	}
	ss_buf_finish(&shown);
	n = ss_dialog_exchange_count(d);
	for (i = 0; i < n; i++) {
		x = ss_dialog_exchange(d, i);
		FUZZ_CHECK(x != NULL);
		FUZZ_CHECK(x->first_line < (long)ss_dialog_line_count(d));
	}
	for (ph = 0; ph < SS_PHASE_LAST; ph++) {
		(void)ss_dialog_caps(d, ph);
	}
	(void)ss_dialog_current_caps(d);
	(void)ss_dialog_tls(d);
	(void)ss_dialog_greeting(d);
	(void)ss_dialog_auth_mech(d);
	(void)ss_dialog_pending(d);
	for (ph = 0; ph < SS_ANOM_LAST; ph++) {
		(void)ss_dialog_anomaly_count(d, ph);
	}
}

/* Split as the header says: parser and dialog get the same chunks. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_replies	 chunked, whole;
	struct ss_reply_parser		*p;
	struct ss_reply			*r;
	struct ss_dialog		*d;
	struct ss_event			 ev;
	const uint8_t			*sizes;
	const char			*b;
	size_t				 nsizes, len, n, i, all;

	if (size < 1) {
		return 0;
	}
	nsizes = data[0] & 7;
	if (size < 1 + nsizes) {
		return 0;
	}
	sizes = data + 1;
	b = (const char *)data + 1 + nsizes;
	all = len = size - 1 - nsizes;

	p = ss_reply_parser_create();
	d = ss_dialog_create();
	memset(&ev, 0, sizeof ev);
	for (i = 0; len > 0; i++) {
		n = nsizes == 0 ? len : (size_t)(sizes[i % nsizes] & 0x7f) + 1;
		if (n > len) {
			n = len;
		}
		ev.t_us = i;
		ev.dir = nsizes != 0 && (sizes[i % nsizes] & 0x80) ?
		    SS_DIR_CLIENT : SS_DIR_SERVER;
		ev.kind = SS_KIND_DATA;
		ev.data = b;
		ev.len = n;
		ss_dialog_feed(d, &ev);
		fuzz_feed(p, b, n, &chunked);
		b += n;
		len -= n;
	}
	if ((r = ss_reply_parser_eof(p)) != NULL) {
		fuzz_keep(&chunked, r);
	}
	ss_reply_parser_destroy(p);
	FUZZ_CHECK(ss_dialog_fed(d) == i);
	fuzz_dialog_read(d);
	ss_dialog_destroy(d);

	fuzz_parse_whole((const char *)data + 1 + nsizes, all, &whole);
	fuzz_compare(&chunked, &whole);
	fuzz_replies_free(&chunked);
	fuzz_replies_free(&whole);
	return 0;
}
