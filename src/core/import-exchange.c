/*
 * import-exchange.c: Exchange's SMTP protocol log (send or receive
 * connector; doc/import-formats.md): CSV after a "#Fields:" header
 *
 *	#Fields: date-time,connector-id,session-id,sequence-number,
 *	    local-endpoint,remote-endpoint,event,data,context
 *
 * with the event "+" (connect), "-" (disconnect), ">" (sent), "<"
 * (received) or "*" (information).  ">" is Exchange's own line, the
 * server's on a receive connector and the client's on a send connector,
 * so the side whose lines carry reply codes is the server.  A log holds
 * many sessions: the first with dialogue is read.  The "*" line "TLS
 * protocol SP_PROT_TLS1_2_... negotiation succeeded" gives the handshake.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"
#include "smtpscope/kb.h"

#define EXCH_FIELDS	16
#define EXCH_ID_MAX	64

enum exch_col { EXCH_SESSION, EXCH_LOCAL, EXCH_REMOTE, EXCH_EVENT,
	EXCH_DATA, EXCH_CONTEXT, EXCH_COLS };
static const char *const exch_col_names[EXCH_COLS] = {
	"session-id", "local-endpoint", "remote-endpoint", "event", "data",
	"context"
};

/* The reader's state. */
struct import_exchange {
	int		 col[EXCH_COLS];	/* field index of each */
	char		 id[EXCH_ID_MAX];	/* the session read */
	int		 server_out;		/* ">" lines are the server's */
	struct ss_buf	 data;			/* a field unquoted (wiped) */
};

#define E(im)	((struct import_exchange *)(im)->priv)

/* Split a CSV line into fields (quotes kept); returns their number. */
static size_t
import_exch_fields(const struct import_line *l, struct import_line *f)
{
	const char	*p = l->p, *end = l->p + l->len, *start;
	size_t		 n = 0;
	int		 quoted;

	while (p <= end && n < EXCH_FIELDS) {
		start = p;
		quoted = p < end && *p == '"';
		for (p += quoted; p < end; p++) {
			if (quoted && *p == '"' && p + 1 < end && p[1] == '"') {
				p++;
			} else if (quoted && *p == '"') {
				quoted = 0;
			} else if (!quoted && *p == ',') {
				break;
			}
		}
		f[n++] = (struct import_line){ start, p - start, p - start,
		    l->no };
		p++;
	}
	return n;
}

/* A field without its quotes, "" made ". */
static void
import_exch_unquote(struct ss_buf *out, const struct import_line *f)
{
	size_t	i;

	ss_buf_reset(out);
	if (f->len < 2 || f->p[0] != '"') {
		ss_buf_add(out, f->p, f->len);
		return;
	}
	for (i = 1; i + 1 < f->len; i++) {
		ss_buf_addc(out, f->p[i]);
		i += f->p[i] == '"' && f->p[i + 1] == '"';
	}
}

/* "#Fields: a,b,c": where the columns read are. */
static void
import_exch_header(struct import_exchange *x, const struct import_line *l)
{
	struct import_line	f[EXCH_FIELDS], t = import_tail(l, 9);
	size_t			n = import_exch_fields(&t, f), i, c;

	for (c = 0; c < EXCH_COLS; c++) {
		for (i = 0; i < n; i++) {
			if (f[i].len == strlen(exch_col_names[c]) &&
			    memcmp(f[i].p, exch_col_names[c], f[i].len) == 0) {
				x->col[c] = (int)i;
			}
		}
	}
}

/* The columns of a data line; 0 if it has too few. */
static int
import_exch_row(const struct import_exchange *x, const struct import_line *l,
    struct import_line *cols)
{
	struct import_line	f[EXCH_FIELDS];
	size_t			n, c;

	if (l->len == 0 || l->p[0] == '#') {
		return 0;
	}
	n = import_exch_fields(l, f);
	for (c = 0; c < EXCH_COLS; c++) {
		if ((size_t)x->col[c] >= n && c != EXCH_CONTEXT) {
			return 0;
		}
		cols[c] = (size_t)x->col[c] < n ? f[x->col[c]] :
		    (struct import_line){ l->p + l->len, 0, 0, l->no };
	}
	return cols[EXCH_EVENT].len == 1;
}

/* "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk
 * encryption algorithm CALG_AES_256 ...": the version in engine words. */
static void
import_exch_tls(struct import *im, const struct ss_buf *d)
{
	static const struct {
		const char	*mark;
		const char	*version;
	} versions[] = {
		{ "TLS1_3", "TLSv1.3" }, { "TLS1_2", "TLSv1.2" },
		{ "TLS1_1", "TLSv1.1" }, { "TLS1_", "TLSv1" },
	};
	const char	*alg;
	char		*cipher = NULL;
	size_t		 i, n;

	for (i = 0; i < SS_NITEMS(versions); i++) {
		if (memmem(d->data, d->len, versions[i].mark,
		    strlen(versions[i].mark)) != NULL) {
			break;
		}
	}
	alg = memmem(d->data, d->len, "algorithm ", 10);
	if (alg != NULL) {
		alg += 10;
		n = strcspn(alg, " ,");
		import_set(&cipher, alg, n);
	}
	import_tls_up(im, i < SS_NITEMS(versions) ? versions[i].version :
	    NULL, cipher, "Exchange");
	free(cipher);
}

/* Is this word of a one-line EHLO reply a keyword (upper case, known)?
 * A mechanism after AUTH is AUTH's parameter. */
static int
import_exch_keyword(const char *w, size_t n, int in_auth)
{
	char	word[64];
	size_t	i, letters = 0;

	if (n == 0 || n >= sizeof(word)) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= '0' &&
		    w[i] <= '9') || w[i] == '-' || w[i] == '=')) {
			return 0;
		}
		letters += w[i] >= 'A' && w[i] <= 'Z';
		word[i] = w[i];
	}
	word[n] = '\0';
	if (letters == 0 || (in_auth && ss_kb_mech(word) != NULL)) {
		return 0;
	}
	if (strchr(word, '=') != NULL) {
		*strchr(word, '=') = '\0';
	}
	return ss_kb_keyword(word) != NULL;
}

/*
 * A send connector logs the remote's EHLO reply on one row, its lines
 * joined by spaces ("250-mx.example.net Hello [192.0.2.1] SIZE 35882577
 * PIPELINING STARTTLS ...").  Split it back into a greeting and one line
 * per keyword; 0 if the row is not of that shape.
 */
static int
import_exch_ehlo_row(struct import *im, const struct import_line *d,
    unsigned flags)
{
	const char	*p = d->p, *end = d->p + d->len, *w, *group = NULL;
	struct ss_buf	 out;
	size_t		 wl;
	int		 in_auth = 0, found = 0;

	if (d->len < 5 || memcmp(d->p, "250-", 4) != 0) {
		return 0;
	}
	ss_buf_init(&out);
	for (w = p; w < end; w += wl + 1) {
		wl = (size_t)((memchr(w, ' ', end - w) != NULL ?
		    (const char *)memchr(w, ' ', end - w) : end) - w);
		if (w == p || !import_exch_keyword(w, wl, in_auth)) {
			continue;
		}
		/* A keyword: the text before it is the previous line. */
		ss_buf_adds(&out, "250-");
		if (group == NULL) {
			ss_buf_add(&out, p + 4, w - 1 - p - 4);
		} else {
			ss_buf_add(&out, group, w - 1 - group);
		}
		ss_buf_addc(&out, '\n');
		group = w;
		in_auth = wl >= 4 && memcmp(w, "AUTH", 4) == 0;
		found = 1;
	}
	if (found) {
		ss_buf_adds(&out, "250 ");
		ss_buf_add(&out, group, end - group);
		ss_buf_addc(&out, '\n');
		for (p = out.data; p < out.data + out.len; p = w + 1) {
			w = memchr(p, '\n', out.data + out.len - p);
			import_server_line(im, &(struct import_line){ p,
			    (size_t)(w - p), (size_t)(w - p), d->no }, flags);
		}
	}
	ss_buf_finish(&out);
	return found;
}

/* One row of the session read. */
static void
import_exch_line(struct import *im, const struct import_line *l)
{
	struct import_line	c[EXCH_COLS], d;
	char			ev;

	if (import_starts(l, "#Fields: ")) {
		import_exch_header(E(im), l);
		return;
	}
	if (!import_exch_row(E(im), l, c) || strlen(E(im)->id) !=
	    c[EXCH_SESSION].len || memcmp(E(im)->id, c[EXCH_SESSION].p,
	    c[EXCH_SESSION].len) != 0 || im->ended) {
		return;
	}
	if (im->port == NULL) {
		/* The server's end: Exchange's own on a receive connector. */
		d = c[E(im)->server_out ? EXCH_LOCAL : EXCH_REMOTE];
		import_split_hostport(d.p, d.len, &im->addr, &im->port);
	}
	ev = c[EXCH_EVENT].p[0];
	import_exch_unquote(&E(im)->data, &c[ev == '*' && c[EXCH_DATA].len ==
	    0 ? EXCH_CONTEXT : EXCH_DATA]);
	d = (struct import_line){ E(im)->data.data, E(im)->data.len,
	    E(im)->data.len, l->no };
	if (ev == '*' && memmem(d.p, d.len, "negotiation succeeded", 21)) {
		import_exch_tls(im, &E(im)->data);
	} else if (ev == '-') {
		import_fact_closed(im, NULL, 0, &(struct import_line){
		    "- (Exchange: disconnected)", 26, 26, l->no });
	} else if ((ev == '>') == E(im)->server_out && (ev == '>' ||
	    ev == '<')) {
		if (!import_exch_ehlo_row(im, &d, import_flags(im, 0))) {
			import_server_line(im, &d, import_flags(im, 0));
		}
	} else if (ev == '>' || ev == '<') {
		import_client_line(im, &d, import_flags(im, 0));
	}
	ss_wipe(E(im)->data.data, E(im)->data.len);
}

/* A first pass: the columns, the first session, the server's side. */
static void
import_exch_begin(struct import *im, const char *text, size_t len)
{
	struct import_line	l = { NULL, 0, 0, 0 }, c[EXCH_COLS];
	size_t			off = 0, coded[2] = { 0, 0 }, all[2] = { 0, 0 };
	int			out;

	im->priv = xcalloc(1, sizeof(struct import_exchange));
	E(im)->col[EXCH_SESSION] = 2;
	E(im)->col[EXCH_LOCAL] = 4;
	E(im)->col[EXCH_REMOTE] = 5;
	E(im)->col[EXCH_EVENT] = 6;
	E(im)->col[EXCH_DATA] = 7;
	E(im)->col[EXCH_CONTEXT] = 8;
	ss_buf_init(&E(im)->data);
	while (import_next(text, len, &off, &l)) {
		if (import_starts(&l, "#Fields: ")) {
			import_exch_header(E(im), &l);
		}
		if (!import_exch_row(E(im), &l, c) ||
		    (c[EXCH_EVENT].p[0] != '>' && c[EXCH_EVENT].p[0] != '<')) {
			continue;
		}
		if (E(im)->id[0] == '\0' && c[EXCH_SESSION].len < EXCH_ID_MAX) {
			memcpy(E(im)->id, c[EXCH_SESSION].p,
			    c[EXCH_SESSION].len);
		}
		if (strlen(E(im)->id) != c[EXCH_SESSION].len ||
		    memcmp(E(im)->id, c[EXCH_SESSION].p,
		    c[EXCH_SESSION].len) != 0) {
			continue;
		}
		import_exch_unquote(&E(im)->data, &c[EXCH_DATA]);
		out = c[EXCH_EVENT].p[0] == '>';
		all[out]++;
		coded[out] += import_reply_like(&(struct import_line){
		    E(im)->data.data, E(im)->data.len, E(im)->data.len, 0 });
	}
	ss_wipe(E(im)->data.data, E(im)->data.len);
	E(im)->server_out = import_server_is_mark1(all, coded);
}

/* Free the state, wiped. */
static void
import_exch_end(struct import *im)
{
	ss_wipe(E(im)->data.data, E(im)->data.cap);
	ss_buf_finish(&E(im)->data);
	free(im->priv);
	im->priv = NULL;
}

/* The header lines are Exchange's. */
static int
import_exch_detect(const struct import_line *l)
{
	return import_starts(l, "#Fields: date-time,connector-id") ||
	    import_starts(l, "#Software: Microsoft Exchange") ||
	    (import_starts(l, "#Log-type: SMTP ") &&
	    import_find(l, "Protocol Log") != NULL) ? 8 : 0;
}

const struct import_reader import_exchange_reader = {
	.format = SS_IMPORT_EXCHANGE,
	.looks_for = "Exchange's \"#Fields: date-time,connector-id,...\" "
	    "header and CSV rows with the events < and >",
	.marks_tls = 0,
	.detect = import_exch_detect,
	.start = import_exch_begin,
	.line = import_exch_line,
	.end = import_exch_end,
};
