/*
 * import-build.c: the builder every reader of pasted logs feeds
 * (import-int.h), and the small line helpers they share.
 *
 * Readers hand it server lines, client lines and facts; it writes the
 * transcript a live capture would have recorded.  What the log does not
 * show but its shape proves is written too, flagged "inferred" and
 * explained by a note: the EHLO a multi-line 250 of keywords answers, the
 * first line of a reply the paste cut, and the handshake that happened
 * after STARTTLS's 220 in a log that goes on with decrypted dialogue.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "import-int.h"
#include "smtpscope/kb.h"

#define IMPORT_MECH_MAX		20	/* RFC 4422: SASL names */
#define IMPORT_WORD_MAX		64	/* a keyword, for the shape test */

/* Terminal widths a wrapped line fills exactly. */
static const size_t import_widths[] = { 80, 100, 120, 132 };

/* ------------------------------------------------------------------ */
/* Lines.                                                              */

/* The next line of the text; 0 at the end. */
int
import_next(const char *text, size_t len, size_t *off, struct import_line *l)
{
	const char	*p, *nl;
	size_t		 n;

	if (*off >= len) {
		return 0;
	}
	p = text + *off;
	nl = memchr(p, '\n', len - *off);
	n = nl != NULL ? (size_t)(nl - p) : len - *off;
	*off += n + (nl != NULL);
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
	    p[n - 1] == '\t')) {
		n--;
	}
	l->p = p;
	l->full = n;
	l->len = n > IMPORT_LINE_KEEP ? IMPORT_LINE_KEEP : n;
	l->no++;
	return 1;
}

/* Does the line start with this text? */
int
import_starts(const struct import_line *l, const char *prefix)
{
	size_t	n = strlen(prefix);

	return l->len >= n && memcmp(l->p, prefix, n) == 0;
}

/* The same, in any case. */
int
import_starts_nocase(const struct import_line *l, const char *prefix)
{
	size_t	n = strlen(prefix);

	return l->len >= n && ss_strncasecmp(l->p, prefix, n) == 0;
}

/* The line without its first n bytes. */
struct import_line
import_tail(const struct import_line *l, size_t n)
{
	struct import_line	t = *l;

	if (n > t.len) {
		n = t.len;
	}
	t.p += n;
	t.len -= n;
	t.full -= n;
	return t;
}

/* The line without its leading blanks. */
struct import_line
import_trim_left(const struct import_line *l)
{
	size_t	i;

	for (i = 0; i < l->len && (l->p[i] == ' ' || l->p[i] == '\t'); i++) {
		;
	}
	return import_tail(l, i);
}

/* A word of a timestamp: digits with - : . / , T Z + and brackets. */
static int
import_stamp_word(const char *p, size_t n)
{
	size_t	i, digits = 0, dots = 0;

	for (i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			digits++;
		} else if (strchr("-:./,TZ+[]()", p[i]) == NULL) {
			return 0;
		}
		dots += p[i] == '.';
	}
	return digits >= 2 && (memchr(p, ':', n) != NULL ||
	    memchr(p, '-', n) != NULL || memchr(p, '/', n) != NULL ||
	    dots >= 2);
}

/* The line without a leading timestamp ("2024-05-01 10:00:01",
 * "[10:00:01.123]", "10:00:01.123456 "), up to three words of it. */
struct import_line
import_skip_stamp(const struct import_line *l)
{
	struct import_line	 t = import_trim_left(l);
	const char		*sp;
	size_t			 w, words = 0;

	while (words < 3 && t.len > 0) {
		sp = t.p;
		while (sp < t.p + t.len && *sp != ' ' && *sp != '\t') {
			sp++;
		}
		w = sp - t.p;
		if (!import_stamp_word(t.p, w)) {
			break;
		}
		t = import_trim_left(&(struct import_line){ sp, t.len - w,
		    t.full - w, t.no });
		words++;
	}
	return t;
}

/* Where text occurs in the line, or NULL. */
const char *
import_find(const struct import_line *l, const char *text)
{
	return memmem(l->p, l->len, text, strlen(text));
}

/* Three digits: the reply code, or -1. */
int
import_code(const char *p, size_t len)
{
	if (len < 3 || p[0] < '0' || p[0] > '9' || p[1] < '0' ||
	    p[1] > '9' || p[2] < '0' || p[2] > '9') {
		return -1;
	}
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* A port number: one to five digits. */
int
import_port_like(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		;
	}
	return n > 0 && n <= 5 && i == n;
}

/*
 * Of two direction marks, mark 1 is the server's when a larger share of
 * its lines look like replies; the +1 keeps a mark that never appears
 * from winning by a division by zero.
 */
int
import_server_is_mark1(const size_t all[2], const size_t coded[2])
{
	return coded[1] * (all[0] + 1) > coded[0] * (all[1] + 1);
}

/* A reader's end when its state owns nothing but itself. */
void
import_free_priv(struct import *im)
{
	free(im->priv);
	im->priv = NULL;
}

/* A line as a server writes it: a code, then a space, a hyphen or EOL. */
int
import_reply_like(const struct import_line *l)
{
	int	code = import_code(l->p, l->len);

	return code >= 200 && code < 600 && (l->len == 3 ||
	    l->p[3] == ' ' || l->p[3] == '-');
}

/* Replace a kept string with a bounded copy. */
void
import_set(char **where, const char *p, size_t n)
{
	free(*where);
	*where = xstrndup(p, n);
}

/* Match a line against a noise table and act on it; 1 if it matched. */
int
import_noise(struct import *im, const struct import_noise *table, size_t n,
    const struct import_line *l)
{
	size_t	i, plen, slen;

	for (i = 0; i < n; i++) {
		plen = strlen(table[i].prefix);
		slen = table[i].suffix != NULL ? strlen(table[i].suffix) : 0;
		if (!import_starts(l, table[i].prefix) || l->len < plen + slen ||
		    (slen > 0 && memcmp(l->p + l->len - slen, table[i].suffix,
		    slen) != 0)) {
			continue;
		}
		if (table[i].fn != NULL) {
			table[i].fn(im, l->p + plen, l->len - plen - slen, l);
		}
		return 1;
	}
	return 0;
}

/* Split "HOST:PORT" at the last colon (so "[::1]:25" works) when digits
 * follow it; otherwise all of it is the host. */
void
import_split_hostport(const char *p, size_t n, char **host, char **port)
{
	const char	*c = NULL, *q;

	for (q = p; q < p + n; q++) {
		if (*q == ':') {
			c = q;
		}
	}
	for (q = c != NULL ? c + 1 : p + n; q < p + n; q++) {
		if (*q < '0' || *q > '9') {
			break;
		}
	}
	if (c == NULL || q < p + n || c + 1 == p + n) {
		import_set(host, p, n);
		return;
	}
	import_set(host, p, c - p);
	import_set(port, c + 1, p + n - c - 1);
}

/*
 * For logs whose two markers do not say which side is which (">>>" is the
 * server's in one tool and the client's in another): the side whose lines
 * mostly carry reply codes is the server.  side() returns 0 or 1 for a
 * line of either side, with its payload, or -1.  Returns the server side.
 */
int
import_side_of(const char *text, size_t len,
    int (*side)(const struct import_line *, struct import_line *))
{
	struct import_line	l = { NULL, 0, 0, 0 }, rest;
	size_t			off = 0, codes[2] = { 0, 0 }, other[2] = { 0, 0 };
	int			s;

	while (import_next(text, len, &off, &l)) {
		if ((s = side(&l, &rest)) < 0) {
			continue;
		}
		if (import_reply_like(&rest)) {
			codes[s]++;
		} else {
			other[s]++;
		}
	}
	/* Compare the share of coded lines on each side. */
	return codes[1] * (other[0] + codes[0] + 1) >
	    codes[0] * (other[1] + codes[1] + 1) ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* Events.                                                             */

/* Append one event at the next synthetic time. */
static void
import_append(struct import *im, enum ss_dir dir, enum ss_kind kind,
    unsigned flags, const char *p, size_t len)
{
	ss_transcript_append(im->t, im->now, dir, kind, flags, p, len);
	im->now += IMPORT_TICK_US;
}

/* The connect record, in the live engine's words when the log has them. */
static void
import_connect_record(struct import *im)
{
	const char	*who = im->addr != NULL ? im->addr : im->host;
	const char	*fmt = ss_import_format_names[im->reader->format];

	if (who != NULL && im->port != NULL) {
		ss_transcript_note(im->t, im->now, SS_DIR_INFO,
		    SS_KIND_CONNECT, 0, "connected to %s port %s", who,
		    im->port);
	} else if (who != NULL) {
		ss_transcript_note(im->t, im->now, SS_DIR_INFO,
		    SS_KIND_CONNECT, 0, "connected to %s (imported from %s "
		    "log)", who, fmt);
	} else {
		ss_transcript_note(im->t, im->now, SS_DIR_INFO,
		    SS_KIND_CONNECT, 0, "connected (imported from %s log)",
		    fmt);
	}
	im->now += IMPORT_TICK_US;
}

/* The first event of all is the connect record, unless the reader said
 * the log has no start of a connection. */
void
import_begin(struct import *im)
{
	if (im->opened) {
		return;
	}
	im->opened = 1;
	if (!im->no_connect) {
		import_connect_record(im);
	}
}

/* A log of decrypted dialogue on port 465 (smtplib's SMTP_SSL,
 * Thunderbird, msmtp...): the port is SMTP over TLS from the first byte
 * (RFC 8314), so the handshake the log does not show is inferred; without
 * it the report would call the session plaintext. */
static void
import_infer_implicit(struct import *im)
{
	const char	*fmt = ss_import_format_names[im->reader->format];

	if (im->tls || im->reader->marks_tls || im->plain_after_tls ||
	    im->port == NULL || strcmp(im->port, "465") != 0) {
		return;
	}
	im->inferred = 1;
	im->implicit = 1;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "inferred: port 465 is "
	    "SMTP over TLS from the first byte (RFC 8314); what follows is "
	    "what the %s log showed decrypted", fmt);
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_START, "handshake started "
	    "(inferred from the log, which does not show it) implicit");
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_UP, "version=unknown "
	    "cipher=unknown (inferred from the log)");
	im->tls = 1;
}

/* Before the first dialogue line: a log that starts with a command or
 * with a reply that is not a banner was cut after the connection opened,
 * so no connect record (it would make the first reply the banner). */
static void
import_begin_dialogue(struct import *im, int code)
{
	if (im->opened) {
		return;
	}
	if (code == 220 || code == 421 || code == 554) {
		import_begin(im);
		import_infer_implicit(im);
		return;
	}
	im->no_connect = 1;
	import_begin(im);
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "the log starts after "
	    "the connection opened: the server's banner is not in it");
	import_infer_implicit(im);
}

/* Any event but a server line: the reply in progress goes first. */
void
import_event(struct import *im, enum ss_dir dir, enum ss_kind kind,
    unsigned flags, const char *p, size_t len)
{
	import_begin(im);
	import_flush_reply(im);
	import_append(im, dir, kind, flags, p, len);
}

/* A T or I record in words. */
void
import_record(struct import *im, enum ss_dir dir, enum ss_kind kind,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*text;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&text, fmt, ap);
	va_end(ap);
	import_event(im, dir, kind, 0, text, (size_t)n);
	free(text);
}

/* Say so when a line was longer than what is kept. */
static void
import_note_truncated(struct import *im, const struct import_line *l)
{
	if (l->full > l->len) {
		import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "line %zu of the "
		    "log: kept the first %zu of its %zu bytes", l->no, l->len,
		    l->full);
	}
}

/* The flags of a dialogue event. */
unsigned
import_flags(const struct import *im, int tls)
{
	return (im->tls || tls) ? SS_EVF_TLS : 0;
}

/* Shell text before the banner was left out: say so, once. */
void
import_note_skipped(struct import *im)
{
	if (im->skipped == 0) {
		return;
	}
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "%zu line%s before the "
	    "server's first reply %s left out: not part of the session",
	    im->skipped, im->skipped == 1 ? "" : "s", im->skipped == 1 ?
	    "was" : "were");
	im->skipped = 0;
}

/* ------------------------------------------------------------------ */
/* What the log does not show.                                         */

/* The TLS records of a handshake the log does not show but the dialogue
 * proves: STARTTLS got 220 and the log goes on. */
static void
import_infer_tls(struct import *im)
{
	if (!im->tls_next) {
		return;
	}
	im->tls_next = 0;
	im->inferred = 1;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "inferred: the log goes "
	    "on after STARTTLS's 220, so the TLS handshake happened there; "
	    "what follows is what the %s log showed decrypted",
	    ss_import_format_names[im->reader->format]);
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_START, "handshake started "
	    "(inferred from the log, which does not show it)");
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_UP, "version=unknown "
	    "cipher=unknown (inferred from the log)");
	im->tls = 1;
}

/* Queue a command awaiting its reply. */
static void
import_fifo_push(struct import *im, enum import_cmd cmd)
{
	if (im->fifo_len == IMPORT_FIFO) {
		im->fifo_head = (im->fifo_head + 1) % IMPORT_FIFO;
		im->fifo_len--;
	}
	im->fifo[(im->fifo_head + im->fifo_len) % IMPORT_FIFO] =
	    (unsigned char)cmd;
	im->fifo_len++;
}

/* The command a finished reply answers, or IMPORT_CMD_LAST if none. */
static enum import_cmd
import_fifo_pop(struct import *im)
{
	enum import_cmd	cmd;

	if (im->fifo_len == 0) {
		return IMPORT_CMD_LAST;
	}
	cmd = (enum import_cmd)im->fifo[im->fifo_head];
	im->fifo_head = (im->fifo_head + 1) % IMPORT_FIFO;
	im->fifo_len--;
	return cmd;
}

/* The first word of a reply line's text (after "250-"). */
static size_t
import_reply_word(const char *line, size_t n, const char **w)
{
	size_t	i = 4;

	*w = line + (n > 4 ? 4 : n);
	for (; i < n && line[i] != ' ' && line[i] != '\r'; i++) {
		;
	}
	return n > 4 ? i - 4 : 0;
}

/* Does a reply line's text start with an ESMTP keyword? */
static int
import_keyword_line(const char *line, size_t n)
{
	const char	*w;
	char		 word[IMPORT_WORD_MAX];
	size_t		 wl = import_reply_word(line, n, &w), i;

	if (wl == 0 || wl >= sizeof(word)) {
		return 0;
	}
	for (i = 0; i < wl && w[i] != '='; i++) {
		word[i] = w[i];
	}
	word[i] = '\0';
	if (ss_kb_keyword(word) != NULL) {
		return 1;
	}
	/* An unknown keyword: upper-case letters, digits and hyphens. */
	for (i = 0; i < wl && w[i] != '='; i++) {
		if (!((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= '0' &&
		    w[i] <= '9') || w[i] == '-' || w[i] == '_')) {
			return 0;
		}
	}
	return 1;
}

/*
 * The shape of the reply held: 2 for a multi-line 250 whose first line
 * greets (a domain, not a keyword) and whose other lines are keywords,
 * 1 for one cut at the start (every line a keyword), 0 otherwise.
 */
static int
import_ehlo_shape(const struct import *im)
{
	const char	*p = im->reply.data, *end = p + im->reply.len, *nl;
	size_t		 lines = 0, keywords = 0;
	int		 first_kw = 0;

	if (im->reply_lines < 2 || import_code(p, im->reply.len) != 250) {
		return 0;
	}
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL) {
			break;
		}
		if (import_keyword_line(p, nl - p)) {
			keywords++;
			first_kw |= lines == 0;
		}
		lines++;
	}
	if (keywords + 1 < lines || keywords < 1) {
		return 0;
	}
	return first_kw && keywords == lines ? 1 : 2;
}

/* An EHLO reply with no EHLO in the log: write the EHLO it answers (and
 * the first line the paste cut), flagged inferred. */
static void
import_infer_ehlo(struct import *im, int shape)
{
	static const char	 cut[] = "250-(the first line of this reply "
	    "is not in the log)\r\n";
	unsigned		 flags = im->reply_flags | SS_EVF_INFERRED;

	const char		*why = shape == 1 ? "inferred: the log shows "
	    "part of an EHLO reply (lines of keywords) but not the EHLO "
	    "command or the reply's first line" : "inferred: the log shows "
	    "an EHLO reply (a multi-line 250 of keywords) but not the EHLO "
	    "command";

	im->inferred = 1;
	import_append(im, SS_DIR_INFO, SS_KIND_NOTE, 0, why, strlen(why));
	import_append(im, SS_DIR_CLIENT, SS_KIND_DATA, flags, "EHLO\r\n", 6);
	if (shape == 1) {
		import_append(im, SS_DIR_SERVER, SS_KIND_DATA, flags, cut,
		    sizeof(cut) - 1);
	}
}

/* Write the reply gathered so far as one S event. */
void
import_flush_reply(struct import *im)
{
	int	shape;

	if (im->reply.len == 0) {
		return;
	}
	if (im->fifo_len == 0 && (shape = import_ehlo_shape(im)) > 0) {
		import_infer_ehlo(im, shape);
		import_fifo_push(im, IMPORT_CMD_EHLO);
	}
	import_append(im, SS_DIR_SERVER, SS_KIND_DATA, im->reply_flags,
	    im->reply.data, im->reply.len);
	ss_buf_reset(&im->last_reply);
	ss_buf_add(&im->last_reply, im->reply.data, im->reply.len);
	ss_buf_reset(&im->reply);
	im->reply_lines = 0;
}

/* Does a 334 line ask for the user name (base64 "Username:")?  Only
 * then is the LOGIN response public, as in a live capture (sasl.c). */
static int
import_asks_user(const char *line, size_t n)
{
	struct ss_buf	dec;
	size_t		i, end;
	int		user = 0, pass = 0;

	if (n < 5) {
		return 0;
	}
	for (end = 4; end < n && line[end] != '\r' && line[end] != ' ';
	    end++) {
		;
	}
	ss_buf_init(&dec);
	if (ss_base64_decode(&dec, line + 4, end - 4) == 0) {
		for (i = 0; i + 4 <= dec.len; i++) {
			user |= ss_strncasecmp(dec.data + i, "user", 4) == 0;
			pass |= ss_strncasecmp(dec.data + i, "pass", 4) == 0;
		}
	}
	ss_buf_finish(&dec);
	return user && !pass;
}

/* A reply is complete: what it answered, and what that changes. */
static void
import_reply_done(struct import *im, int code)
{
	enum import_cmd	cmd = import_fifo_pop(im);

	im->sasl = code == 334;
	im->sasl_user = code == 334 && im->auth_login &&
	    import_asks_user(im->last_reply.data, im->last_reply.len);
	if (code == 354) {
		im->body = 1;
	}
	if (cmd == IMPORT_CMD_STARTTLS && code == 220 && !im->tls &&
	    !im->reader->marks_tls && !im->plain_after_tls) {
		im->tls_next = 1;
	}
}

/*
 * A reply while the message body is still open: the log left out the
 * body or its final dot (Thunderbird, Outlook and Exchange do not log the
 * message).  The dot is inferred, so the reply answers the end of data
 * and the replies after it are not taken as unsolicited.
 */
static void
import_infer_dot(struct import *im, unsigned flags)
{
	im->body = 0;
	im->inferred = 1;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "inferred: the %s log "
	    "does not show the end of the message body; its final dot is "
	    "written here", ss_import_format_names[im->reader->format]);
	import_event(im, SS_DIR_CLIENT, SS_KIND_DATA, (flags & SS_EVF_TLS) |
	    SS_EVF_INFERRED, ".\r\n", 3);
	import_fifo_push(im, IMPORT_CMD_OTHER);
}

/* A server line: part of a reply, which ends at a line with no hyphen. */
void
import_server_line(struct import *im, const struct import_line *l,
    unsigned flags)
{
	int	code = import_code(l->p, l->len);

	import_begin_dialogue(im, code);
	if (im->tls) {
		flags |= SS_EVF_TLS;	/* inferred at the first line */
	}
	if (im->body && im->reply.len == 0) {
		import_infer_dot(im, flags);
	}
	if (im->tls_next) {
		import_infer_tls(im);
		flags |= SS_EVF_TLS;
	}
	if (im->reply.len > 0 && im->reply_flags != flags) {
		import_flush_reply(im);
	}
	im->reply_flags = flags;
	ss_buf_add(&im->reply, l->p, l->len);
	ss_buf_adds(&im->reply, "\r\n");
	im->reply_lines++;
	im->nserver++;
	im->last_server_full = l->full;
	import_note_truncated(im, l);
	if (code >= 0 && l->len > 3 && l->p[3] == '-' &&
	    im->reply.len < IMPORT_REPLY_FLUSH) {
		return;
	}
	import_flush_reply(im);
	import_reply_done(im, code);
}

/*
 * A line a terminal wrapped: the rest of the last server line, which
 * filled the terminal's width.  Joined to it while its reply is still
 * being gathered (1); else said in a note and left out (1 too); 0 when
 * the line does not look wrapped.
 */
int
import_server_wrapped(struct import *im, const struct import_line *l)
{
	size_t	w;

	for (w = 0; w < SS_NITEMS(import_widths); w++) {
		if (im->last_server_full == import_widths[w]) {
			break;
		}
	}
	if (w == SS_NITEMS(import_widths) || l->len == 0 ||
	    import_reply_like(l) || import_cmd_like(l)) {
		return 0;
	}
	im->last_server_full = 0;
	if (im->reply.len >= 2) {
		im->reply.len -= 2;	/* before the line's CRLF */
		ss_buf_add(&im->reply, l->p, l->len);
		ss_buf_adds(&im->reply, "\r\n");
	} else {
		import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "line %zu of the "
		    "log looks like the end of the line before it, wrapped by "
		    "the terminal at %zu columns: left out", l->no,
		    import_widths[w]);
		return 1;
	}
	/* No note here: a record would cut the reply being gathered. */
	return 1;
}

/*
 * Where the secret of an AUTH line starts (its initial response), or 0
 * when it has none.  A "mechanism" longer than any SASL name is taken as
 * secret too: it may be a payload with the space lost.
 */
static size_t
import_auth_public(const struct import_line *l)
{
	size_t	i = 4, mech;

	if (l->len < 5 || ss_strncasecmp(l->p, "AUTH", 4) != 0 ||
	    l->p[4] != ' ') {
		return 0;
	}
	while (i < l->len && l->p[i] == ' ') {
		i++;
	}
	for (mech = i; i < l->len && l->p[i] != ' '; i++) {
		;
	}
	if (i - mech > IMPORT_MECH_MAX) {
		i = mech;
	}
	while (i < l->len && l->p[i] == ' ') {
		i++;
	}
	return i < l->full && i > mech ? i : 0;
}

/* Verbs whose reply the builder must know. */
static const struct {
	const char	*verb;
	enum import_cmd	 cmd;
} import_verbs[] = {
	{ "EHLO", IMPORT_CMD_EHLO }, { "LHLO", IMPORT_CMD_EHLO },
	{ "HELO", IMPORT_CMD_HELO }, { "STARTTLS", IMPORT_CMD_STARTTLS },
	{ "AUTH", IMPORT_CMD_AUTH }, { "DATA", IMPORT_CMD_DATA },
};

/* What a client line asks for. */
static enum import_cmd
import_cmd_of(const struct import_line *l)
{
	size_t	i, n;

	for (i = 0; i < SS_NITEMS(import_verbs); i++) {
		n = strlen(import_verbs[i].verb);
		if (l->len >= n && ss_strncasecmp(l->p, import_verbs[i].verb,
		    n) == 0 && (l->len == n || l->p[n] == ' ')) {
			return import_verbs[i].cmd;
		}
	}
	return IMPORT_CMD_OTHER;
}

/* SMTP verbs a client line may start with. */
static const char *const import_smtp_verbs[] = {
	"EHLO", "HELO", "LHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
	"BDAT", "RSET", "NOOP", "QUIT", "VRFY", "EXPN", "HELP",
};

/* Does the line start with an SMTP command? */
int
import_cmd_like(const struct import_line *l)
{
	size_t	i, n;

	for (i = 0; i < SS_NITEMS(import_smtp_verbs); i++) {
		n = strlen(import_smtp_verbs[i]);
		if (l->len >= n && ss_strncasecmp(l->p, import_smtp_verbs[i],
		    n) == 0 && (l->len == n || l->p[n] == ' ')) {
			return 1;
		}
	}
	return 0;
}

/* Before a client line: the inferred handshake, the connection. */
static void
import_client_begin(struct import *im, unsigned *flags)
{
	import_begin_dialogue(im, -1);
	if (im->tls) {
		*flags |= SS_EVF_TLS;	/* inferred at the first line */
	}
	if (im->tls_next) {
		import_infer_tls(im);
		*flags |= SS_EVF_TLS;
	}
}

/* A client line, with CRLF, redacted when it carries a secret. */
void
import_client_line(struct import *im, const struct import_line *l,
    unsigned flags)
{
	struct ss_buf	*s = &im->scratch;
	size_t		 pub;

	import_client_begin(im, &flags);
	ss_buf_reset(s);
	if (im->body) {
		im->body = !(l->len == 1 && l->p[0] == '.');
		ss_buf_add(s, l->p, l->len);
		if (!im->body) {
			import_fifo_push(im, IMPORT_CMD_OTHER);
		}
	} else if (im->sasl && im->sasl_user) {
		/* LOGIN's user name: public, as in a live capture. */
		ss_buf_add(s, l->p, l->len);
		im->sasl = im->sasl_user = 0;
		import_fifo_push(im, IMPORT_CMD_SASL);
	} else if (im->sasl) {
		/* Any other SASL response is a secret. */
		ss_buf_printf(s, "<redacted, %zu bytes>", l->full);
		flags |= SS_EVF_REDACTED;
		im->sasl = 0;
		import_fifo_push(im, IMPORT_CMD_SASL);
	} else if ((pub = import_auth_public(l)) > 0) {
		ss_buf_add(s, l->p, pub);
		ss_buf_printf(s, "<redacted, %zu bytes>", l->full - pub);
		flags |= SS_EVF_REDACTED;
		im->auth_login = 0;	/* LOGIN with the name: no prompt */
		import_fifo_push(im, IMPORT_CMD_AUTH);
	} else {
		ss_buf_add(s, l->p, l->len);
		import_fifo_push(im, import_cmd_of(l));
		if (import_cmd_of(l) == IMPORT_CMD_AUTH) {
			im->auth_login = l->len >= 10 &&
			    ss_strncasecmp(l->p + 5, "LOGIN", 5) == 0;
		}
	}
	ss_buf_adds(s, "\r\n");
	import_event(im, SS_DIR_CLIENT, SS_KIND_DATA, flags, s->data, s->len);
	im->nclient++;
	if (!(flags & SS_EVF_REDACTED)) {
		import_note_truncated(im, l);
	}
}

/* A client line the log itself hid ("[credentials hidden]"): recorded as
 * redacted, with what the log said instead. */
void
import_client_redacted(struct import *im, const char *why, unsigned flags)
{
	import_client_begin(im, &flags);
	ss_buf_reset(&im->scratch);
	ss_buf_printf(&im->scratch, "<redacted: %s>\r\n", why);
	import_event(im, SS_DIR_CLIENT, SS_KIND_DATA, flags | SS_EVF_REDACTED,
	    im->scratch.data, im->scratch.len);
	im->sasl = 0;
	im->nclient++;
	import_fifo_push(im, IMPORT_CMD_SASL);
}

/* ------------------------------------------------------------------ */
/* TLS facts.                                                          */

/* The handshake records a log shows (swaks, openssl, ...). */
void
import_tls_up(struct import *im, const char *version, const char *cipher,
    const char *source)
{
	im->tls_next = 0;
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_START, "handshake started "
	    "(SNI not shown in the %s log)%s", source, im->implicit ?
	    " implicit" : "");
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_UP, "version=%s cipher=%s",
	    version != NULL && *version != '\0' ? version : "unknown",
	    cipher != NULL && *cipher != '\0' ? cipher : "unknown");
	import_flush_certs(im);
	im->tls = 1;
}

/* The verify record: the log's verdict in the engine's words. */
void
import_verify(struct import *im, int ok, uint32_t flags, const char *words)
{
	if (ok) {
		import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY, "verified: "
		    "%s", words);
		return;
	}
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY, "NOT verified "
	    "flags=0x%x\n%s", (unsigned)flags, words);
}

/* A PEM line: start, body or end of a certificate; 1 if it was one. */
int
import_pem_line(struct import *im, const struct import_line *l)
{
	struct ss_buf	der;

	if (import_starts(l, "-----BEGIN CERTIFICATE-----")) {
		im->in_pem = 1;
		ss_buf_reset(&im->pem);
		return 1;
	}
	if (!im->in_pem) {
		return 0;
	}
	if (!import_starts(l, "-----END CERTIFICATE-----")) {
		if (im->pem.len + l->len <= IMPORT_PEM_MAX) {
			ss_buf_add(&im->pem, l->p, l->len);
		}
		return 1;
	}
	im->in_pem = 0;
	ss_buf_init(&der);
	if (ss_base64_decode(&der, im->pem.data, im->pem.len) == 0 &&
	    der.len > 0 && im->ncerts < IMPORT_CERTS_MAX) {
		/* Re-encoded on one line, as the engine records it. */
		ss_buf_reset(&im->pem);
		ss_base64_encode(&im->pem, der.data, der.len);
		im->certs[im->ncerts++] = ss_buf_steal(&im->pem);
	}
	ss_buf_finish(&der);
	ss_buf_reset(&im->pem);
	return 1;
}

/* Write the certificates gathered so far as tls-cert records. */
void
import_flush_certs(struct import *im)
{
	size_t	i;

	for (i = 0; i < im->ncerts; i++) {
		import_event(im, SS_DIR_TLS, SS_KIND_TLS_CERT, 0, im->certs[i],
		    strlen(im->certs[i]));
		free(im->certs[i]);
		im->certs[i] = NULL;
	}
	im->ncerts = 0;
}

/* ------------------------------------------------------------------ */
/* Facts the logs tell about the connection.                           */

/* "Trying 192.0.2.7..." */
void
import_fact_addr(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_set(&im->addr, p, n);
}

/* "Connected to mx.example.org." */
void
import_fact_host(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_set(&im->host, p, n);
}

/* "Ncat: Connected to 192.0.2.7:25." */
void
import_fact_addr_port(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_split_hostport(p, n, &im->addr, &im->port);
}

/* swaks' "=== Trying mx.example.org:25..." names what the user typed. */
void
import_fact_host_port(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_split_hostport(p, n, &im->host, &im->port);
}

/* The log's own words for the end of the connection. */
void
import_fact_closed(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	free(im->closed);
	xasprintf(&im->closed, "connection closed (the log says \"%.*s\")",
	    (int)l->len, l->p);
	im->ended = 1;
}

/* Ignore the rest of the log (the shell prompt after the session). */
void
import_fact_end(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	(void)l;
	im->ended = 1;
}
