/*
 * dialog.c: the meaning of a transcript, derived event by event.
 *
 * Client bytes are cut into lines; each command line opens an exchange at
 * the tail of a FIFO, and each reply the parser completes answers the
 * exchange at its head, so pipelined replies pair with the right commands.
 * Server bytes are cut into display lines as they arrive (a slow server's
 * half reply is still shown) and the parser's verdict on each line is
 * attached when the reply completes.
 *
 * Two client states change how lines are read: after a 334 the next line
 * is a SASL response, after a 354 lines are a message body up to the dot.
 * After a 220 to STARTTLS the rest of that read is plaintext that no TLS
 * protected: it is marked discarded and never parsed (response injection).
 */

#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/flood.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

const char *const ss_phase_names[SS_PHASE_LAST] = {
	"before_tls", "after_tls", "after_auth"
};
_Static_assert(SS_NITEMS(ss_phase_names) == SS_PHASE_LAST, "phase names");

const char *const ss_phase_titles[SS_PHASE_LAST] = {
	"before TLS", "after TLS", "after AUTH"
};
_Static_assert(SS_NITEMS(ss_phase_titles) == SS_PHASE_LAST, "phase titles");

const char *const ss_verb_names[SS_VERB_LAST] = {
	"", "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT",
	"RSET", "NOOP", "VRFY", "EXPN", "HELP", "QUIT", "(SASL)", "(body)",
	"(other)"
};
_Static_assert(SS_NITEMS(ss_verb_names) == SS_VERB_LAST, "verb names");

/* Verbs recognised at the start of a client line; the rest is OTHER. */
static const struct {
	const char	*word;
	enum ss_verb	 verb;
} verb_table[] = {
	{ "EHLO", SS_VERB_EHLO }, { "HELO", SS_VERB_HELO },
	{ "STARTTLS", SS_VERB_STARTTLS }, { "AUTH", SS_VERB_AUTH },
	{ "MAIL", SS_VERB_MAIL }, { "RCPT", SS_VERB_RCPT },
	{ "DATA", SS_VERB_DATA }, { "BDAT", SS_VERB_BDAT },
	{ "RSET", SS_VERB_RSET }, { "NOOP", SS_VERB_NOOP },
	{ "VRFY", SS_VERB_VRFY }, { "EXPN", SS_VERB_EXPN },
	{ "HELP", SS_VERB_HELP }, { "QUIT", SS_VERB_QUIT },
};

/* Longest line kept for display; the rest is counted by the parser. */
#define DIALOG_LINE_KEEP	SS_REPLY_LINE_KEEP

struct ss_dialog {
	size_t			 fed;
	size_t			 memory;	/* bytes allocated, about */

	struct ss_line		*lines;
	size_t			 nlines;
	size_t			 lines_cap;

	struct ss_exchange	*exchanges;
	size_t			 nexchanges;
	size_t			 exchanges_cap;
	size_t			 head;		/* first unanswered exchange */

	struct ss_reply_parser	*parser;
	struct ss_buf		 client_partial; /* client line so far */
	int			 client_partial_redacted;
	struct ss_buf		 server_partial; /* server line so far */
	size_t			 server_partial_dropped;
	long			 server_open_line; /* line index shown while
						      its bytes arrive, -1 */
	long			 reply_first_line; /* first line of the reply
						      being received, -1 */
	size_t			 early_too_long; /* open lines of this reply
						    already flagged too long */

	/* Per connection. */
	int			 connected;
	int			 greeted;
	int			 in_tls;
	int			 authenticated;
	int			 expect_sasl;	/* a 334 is waiting for an answer */
	int			 in_body;	/* lines are a message body */
	size_t			 body_lines;
	size_t			 body_bytes;
	size_t			 body_first_line;
	int			 discard_rest;	/* plaintext after STARTTLS 220 */
	struct ss_caps		*caps[SS_PHASE_LAST];
	struct ss_tls_summary	 tls;
	char			*auth_mech;
	int			 auth_code;
	size_t			 greeting_exchange;
	int			 has_greeting;

	unsigned		 anomalies;
	size_t			 anomaly_counts[SS_ANOM_LAST];
	size_t			 injected_bytes;

	/*
	 * Capability sets live until the dialog is destroyed (a new EHLO or
	 * connection only stops pointing at the old one), so snapshots and
	 * views can share them.
	 */
	struct ss_caps		**caps_kept;
	size_t			 ncaps_kept;

	/* Quiet points, where everything before is final (full dialogs). */
	struct dialog_snap	*snaps;
	size_t			 nsnaps;
	size_t			 snaps_cap;

	/*
	 * A view (ss_dialog_view) borrows the lines and exchanges before its
	 * quiet point from a full dialog; lines[] and exchanges[] hold only
	 * what came after.
	 */
	const struct ss_dialog	*base;
	size_t			 base_lines;
	size_t			 base_exchanges;
};

/*
 * The state of a dialog at a quiet point: no line or reply half received,
 * no command waiting, no body or SASL exchange open.  Lines and exchanges
 * before such a point never change again, so a view can borrow them and
 * start from this state.
 */
struct dialog_snap {
	size_t			 fed;
	size_t			 nlines;
	size_t			 nexchanges;
	size_t			 greeting_exchange;
	int			 has_greeting;
	int			 connected;
	int			 greeted;
	int			 in_tls;
	int			 authenticated;
	struct ss_caps		*caps[SS_PHASE_LAST];	/* borrowed */
	struct ss_tls_summary	 tls;			/* owned strings */
	char			*auth_mech;
	int			 auth_code;
	unsigned		 anomalies;
	size_t			 anomaly_counts[SS_ANOM_LAST];
	size_t			 injected_bytes;
};

/* What malloc adds to each allocation, as the memory count assumes. */
#define DIALOG_MALLOC_HEAD	16

/* Events between two snapshots at the least: the cost of a view. */
#define DIALOG_SNAP_EVERY	32

static void dialog_connection_closed(struct ss_dialog *,
	    const struct ss_event *);
static void dialog_anomaly(struct ss_dialog *, enum ss_anomaly);
static void dialog_maybe_snap(struct ss_dialog *, int);
static void dialog_cut(struct ss_dialog *, const struct ss_event *);
static void dialog_flag_open_line(struct ss_dialog *, int, unsigned);

/* Free the strings of a TLS summary and empty it. */
static void
dialog_tls_free(struct ss_tls_summary *t)
{
	free(t->sni);
	free(t->version);
	free(t->cipher);
	free(t->group);
	free(t->client_cert);
	free(t->verify_text);
	free(t->failure);
	memset(t, 0, sizeof(*t));
}

/* A deep copy of a TLS summary. */
static void
dialog_tls_copy(struct ss_tls_summary *to, const struct ss_tls_summary *from)
{
	*to = *from;
	to->sni = from->sni != NULL ? xstrdup(from->sni) : NULL;
	to->version = from->version != NULL ? xstrdup(from->version) : NULL;
	to->cipher = from->cipher != NULL ? xstrdup(from->cipher) : NULL;
	to->group = from->group != NULL ? xstrdup(from->group) : NULL;
	to->client_cert = from->client_cert != NULL ?
	    xstrdup(from->client_cert) : NULL;
	to->verify_text = from->verify_text != NULL ?
	    xstrdup(from->verify_text) : NULL;
	to->failure = from->failure != NULL ? xstrdup(from->failure) : NULL;
}

/* The line at an index, to change it (never a borrowed one). */
static struct ss_line *
dialog_line_mut(struct ss_dialog *d, size_t i)
{
	return &d->lines[i - d->base_lines];
}

/* The exchange at an index, to change it (never a borrowed one). */
static struct ss_exchange *
dialog_x_mut(struct ss_dialog *d, size_t i)
{
	return &d->exchanges[i - d->base_exchanges];
}

/* The exchange at an index, borrowed or not. */
static const struct ss_exchange *
dialog_x_get(const struct ss_dialog *d, size_t i)
{
	if (i < d->base_exchanges) {
		return &d->base->exchanges[i];
	}
	return &d->exchanges[i - d->base_exchanges];
}

/* Keep a capability set alive for the dialog's life. */
static struct ss_caps *
dialog_keep_caps(struct ss_dialog *d, struct ss_caps *caps)
{
	d->caps_kept = xreallocarray(d->caps_kept, d->ncaps_kept + 1,
	    sizeof(*d->caps_kept));
	d->caps_kept[d->ncaps_kept++] = caps;
	return caps;
}

/* Forget what a connection taught: a new one starts from nothing. */
static void
dialog_reset_connection(struct ss_dialog *d)
{
	size_t	i;

	for (i = 0; i < SS_PHASE_LAST; i++) {
		d->caps[i] = NULL;	/* kept in caps_kept */
	}
	dialog_tls_free(&d->tls);
	free(d->auth_mech);
	d->auth_mech = NULL;
	d->auth_code = 0;
	d->in_tls = d->authenticated = d->greeted = 0;
	d->expect_sasl = d->in_body = d->discard_rest = 0;
	d->has_greeting = 0;
	d->head = d->nexchanges;	/* old questions get no answers now */
	ss_reply_parser_reset(d->parser);
	ss_buf_reset(&d->client_partial);
	ss_buf_reset(&d->server_partial);
	d->server_partial_dropped = 0;
	d->server_open_line = -1;
	d->reply_first_line = -1;
	d->early_too_long = 0;
}

/* Make an empty dialog. */
struct ss_dialog *
ss_dialog_create(void)
{
	struct ss_dialog	*d;

	d = xcalloc(1, sizeof(*d));
	d->parser = ss_reply_parser_create();
	ss_buf_init(&d->client_partial);
	ss_buf_init(&d->server_partial);
	d->server_open_line = -1;
	d->reply_first_line = -1;
	return d;
}

/* Free a dialog and everything it derived. */
void
ss_dialog_destroy(struct ss_dialog *d)
{
	size_t	i;

	if (d == NULL) {
		return;
	}
	dialog_reset_connection(d);
	for (i = 0; i < d->nlines - d->base_lines; i++) {
		free(d->lines[i].bytes);
	}
	free(d->lines);
	for (i = 0; i < d->nexchanges - d->base_exchanges; i++) {
		free(d->exchanges[i].command);
		ss_reply_free(d->exchanges[i].reply);
	}
	free(d->exchanges);
	for (i = 0; i < d->ncaps_kept; i++) {
		ss_caps_free(d->caps_kept[i]);
	}
	free(d->caps_kept);
	for (i = 0; i < d->nsnaps; i++) {
		dialog_tls_free(&d->snaps[i].tls);
		free(d->snaps[i].auth_mech);
	}
	free(d->snaps);
	ss_reply_parser_destroy(d->parser);
	ss_buf_finish(&d->client_partial);
	ss_buf_finish(&d->server_partial);
	free(d);
}

/* The phase a reply arriving now belongs to. */
static enum ss_phase
dialog_phase_now(const struct ss_dialog *d)
{
	if (d->authenticated) {
		return SS_PHASE_AFTER_AUTH;
	}
	return d->in_tls ? SS_PHASE_AFTER_TLS : SS_PHASE_BEFORE_TLS;
}

/* Copy a line's bytes, NULs included (xstrndup would stop at the first
 * NUL while len still counted the rest). */
static char *
dialog_copy_bytes(const char *bytes, size_t len)
{
	char	*p = xmalloc(len + 1);

	memcpy(p, bytes, len);
	p[len] = '\0';
	return p;
}

/* Append a display line; returns its index. */
static size_t
dialog_add_line(struct ss_dialog *d, const struct ss_event *ev,
    unsigned flags, const char *bytes, size_t len)
{
	struct ss_line	*l;

	if (d->nlines - d->base_lines == d->lines_cap) {
		d->memory += (d->lines_cap ? d->lines_cap : 256) *
		    sizeof(*d->lines);
		d->lines_cap = d->lines_cap ? d->lines_cap * 2 : 256;
		d->lines = xreallocarray(d->lines, d->lines_cap,
		    sizeof(*d->lines));
	}
	d->memory += len + 1 + DIALOG_MALLOC_HEAD;
	l = dialog_line_mut(d, d->nlines);
	memset(l, 0, sizeof(*l));
	l->event = d->fed;
	l->t_us = ev->t_us;
	l->dir = ev->dir;
	l->kind = ev->kind;
	l->flags = flags;
	if (ev->flags & SS_EVF_TLS) {
		l->flags |= SS_LINE_TLS;
	}
	if (ev->flags & SS_EVF_REDACTED) {
		l->flags |= SS_LINE_REDACTED;
	}
	l->exchange = -1;
	l->bytes = dialog_copy_bytes(bytes, len);
	l->len = len;
	return d->nlines++;
}

/* Replace the bytes of a display line still being received. */
static void
dialog_update_line(struct ss_dialog *d, size_t idx, const struct ss_event *ev,
    const char *bytes, size_t len, unsigned flags)
{
	struct ss_line	*l = dialog_line_mut(d, idx);

	d->memory += len - l->len;
	free(l->bytes);
	l->bytes = dialog_copy_bytes(bytes, len);
	l->len = len;
	l->event = d->fed;
	l->t_us = ev->t_us;
	l->flags = (l->flags & ~SS_LINE_NO_EOL) | flags;
}

/* Open an exchange for a client line; returns its index. */
static size_t
dialog_add_exchange(struct ss_dialog *d, enum ss_verb verb,
    const char *command, size_t cmd_event, uint64_t t_us)
{
	struct ss_exchange	*x;

	if (d->nexchanges - d->base_exchanges == d->exchanges_cap) {
		d->memory += (d->exchanges_cap ? d->exchanges_cap : 64) *
		    sizeof(*d->exchanges);
		d->exchanges_cap = d->exchanges_cap ? d->exchanges_cap * 2 : 64;
		d->exchanges = xreallocarray(d->exchanges, d->exchanges_cap,
		    sizeof(*d->exchanges));
	}
	x = dialog_x_mut(d, d->nexchanges);
	memset(x, 0, sizeof(*x));
	x->verb = verb;
	x->command = command != NULL ? xstrdup(command) : NULL;
	if (command != NULL) {
		d->memory += strlen(command) + 1 + DIALOG_MALLOC_HEAD;
	}
	x->cmd_event = cmd_event;
	x->sent_us = t_us;
	x->tls = d->in_tls;
	x->first_line = -1;
	return d->nexchanges++;
}

/* The verb a client line starts with. */
static enum ss_verb
dialog_verb_of(const char *line, size_t len)
{
	size_t	i, n;

	for (i = 0; i < SS_NITEMS(verb_table); i++) {
		n = strlen(verb_table[i].word);
		if (len >= n && ss_strncasecmp(line, verb_table[i].word, n) == 0
		    && (len == n || line[n] == ' ')) {
			return verb_table[i].verb;
		}
	}
	return SS_VERB_OTHER;
}

/* Remember the mechanism an AUTH command names. */
static void
dialog_note_auth(struct ss_dialog *d, const char *line, size_t len)
{
	const char	*p = line + 4, *end = line + len, *q;

	while (p < end && *p == ' ') {
		p++;
	}
	for (q = p; q < end && *q != ' '; q++) {
		;
	}
	free(d->auth_mech);
	d->auth_mech = xstrndup(p, q - p);
	d->auth_code = 0;
}

/* A message body ended with its dot: one exchange answers it. */
static void
dialog_end_body(struct ss_dialog *d, const struct ss_event *ev)
{
	char	*summary;
	size_t	 x;

	xasprintf(&summary, "<message body: %zu lines, %zu bytes>",
	    d->body_lines, d->body_bytes);
	x = dialog_add_exchange(d, SS_VERB_BODY, summary, d->fed, ev->t_us);
	free(summary);
	dialog_line_mut(d, d->nlines - 1)->exchange = (long)x;
	d->in_body = 0;
}

/* One complete client line (without its CRLF). */
static void
dialog_client_line(struct ss_dialog *d, const struct ss_event *ev,
    const char *line, size_t len, int terminated)
{
	enum ss_verb	 verb;
	size_t		 li, x;
	unsigned	 flags = terminated ? 0 : SS_LINE_NO_EOL;

	if (d->in_body) {
		li = dialog_add_line(d, ev, flags | SS_LINE_BODY, line, len);
		if (len == 1 && line[0] == '.') {
			dialog_end_body(d, ev);
		} else {
			d->body_lines++;
			d->body_bytes += len + 2;
		}
		(void)li;
		return;
	}
	li = dialog_add_line(d, ev, flags, line, len);
	if (d->expect_sasl) {
		verb = SS_VERB_SASL;
		d->expect_sasl = 0;
	} else {
		verb = dialog_verb_of(line, len);
	}
	if (verb == SS_VERB_AUTH) {
		dialog_note_auth(d, line, len);
	}
	x = dialog_add_exchange(d, verb, dialog_line_mut(d, li)->bytes, d->fed,
	    ev->t_us);
	dialog_line_mut(d, li)->exchange = (long)x;
}

/* Cut client bytes into lines. */
static void
dialog_client_bytes(struct ss_dialog *d, const struct ss_event *ev)
{
	const char	*p = ev->data, *end = ev->data + ev->len, *nl;
	size_t		 n;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL) {
			ss_buf_add(&d->client_partial, p, end - p);
			break;
		}
		ss_buf_add(&d->client_partial, p, nl - p);
		n = d->client_partial.len;
		if (n > 0 && d->client_partial.data[n - 1] == '\r') {
			n--;
		}
		dialog_client_line(d, ev, d->client_partial.data, n, 1);
		ss_buf_reset(&d->client_partial);
		p = nl + 1;
	}
}

/* Keep up to the display limit of a server line being received. */
static void
dialog_server_keep(struct ss_dialog *d, const char *p, size_t n)
{
	size_t	room;

	room = DIALOG_LINE_KEEP > d->server_partial.len ?
	    DIALOG_LINE_KEEP - d->server_partial.len : 0;
	if (n > room) {
		d->server_partial_dropped += n - room;
		n = room;
	}
	ss_buf_add(&d->server_partial, p, n);
}

/*
 * A line still open past the length limit is flagged at once: a hostile
 * server that sends megabytes without a line end must not look clean while
 * it does.  The parser flags it again when the reply ends; that count
 * replaces this one.
 */
static void
dialog_flag_open_line(struct ss_dialog *d, int terminated, unsigned extra)
{
	struct ss_line	*l = dialog_line_mut(d, (size_t)d->server_open_line);

	if (terminated || (extra & SS_LINE_DISCARDED) ||
	    (l->anomalies & SS_ANOM_BIT(SS_ANOM_LINE_TOO_LONG)) ||
	    d->server_partial.len + d->server_partial_dropped <=
	    SS_REPLY_LINE_MAX) {
		return;
	}
	l->anomalies |= SS_ANOM_BIT(SS_ANOM_LINE_TOO_LONG);
	dialog_anomaly(d, SS_ANOM_LINE_TOO_LONG);
	d->early_too_long++;
}

/* Show (or update) the server line being received. */
static void
dialog_server_show(struct ss_dialog *d, const struct ss_event *ev,
    int terminated, unsigned extra)
{
	size_t		 n = d->server_partial.len;
	unsigned	 flags = extra | (terminated ? 0 : SS_LINE_NO_EOL);

	if (terminated && n > 0 && d->server_partial.data[n - 1] == '\r') {
		n--;
	}
	if (d->server_open_line >= 0) {
		dialog_update_line(d, (size_t)d->server_open_line, ev,
		    d->server_partial.data, n, flags);
	} else {
		d->server_open_line = (long)dialog_add_line(d, ev, flags,
		    d->server_partial.data, n);
	}
	dialog_flag_open_line(d, terminated, extra);
	if (d->reply_first_line < 0 && !(extra & SS_LINE_DISCARDED)) {
		d->reply_first_line = d->server_open_line;
	}
	if (terminated) {
		ss_buf_reset(&d->server_partial);
		d->server_partial_dropped = 0;
		d->server_open_line = -1;
	}
}

/* Split server bytes into display lines. */
static void
dialog_server_lines(struct ss_dialog *d, const struct ss_event *ev,
    const char *p, size_t len, unsigned extra)
{
	const char	*end = p + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL) {
			dialog_server_keep(d, p, end - p);
			dialog_server_show(d, ev, 0, extra);
			return;
		}
		dialog_server_keep(d, p, nl - p + 1);
		d->server_partial.len -= (d->server_partial.len > 0 &&
		    d->server_partial.data[d->server_partial.len - 1] == '\n');
		dialog_server_show(d, ev, 1, extra);
		p = nl + 1;
	}
}

/* Count an anomaly. */
static void
dialog_anomaly(struct ss_dialog *d, enum ss_anomaly a)
{
	d->anomalies |= SS_ANOM_BIT(a);
	d->anomaly_counts[a]++;
}

/* Attach the parser's verdict on each line to the display lines. */
static void
dialog_mark_reply_lines(struct ss_dialog *d, const struct ss_reply *r,
    long x)
{
	struct ss_line	*l;
	size_t		 i, li;

	if (d->reply_first_line < 0) {
		return;
	}
	li = (size_t)d->reply_first_line;
	for (i = 0; li < d->nlines; li++) {
		l = dialog_line_mut(d, li);
		if (l->dir != SS_DIR_SERVER || (l->flags & SS_LINE_DISCARDED)) {
			continue;
		}
		l->exchange = x;
		if (i < r->nlines) {
			l->anomalies = r->lines[i].anomalies;
		}
		i++;
	}
	d->reply_first_line = -1;
}

/* Open the greeting's exchange: the banner answers it. */
static size_t
dialog_open_greeting(struct ss_dialog *d, const struct ss_event *ev)
{
	size_t	x;

	x = dialog_add_exchange(d, SS_VERB_NONE, NULL, d->fed, ev->t_us);
	dialog_x_mut(d, x)->greeting = 1;
	d->greeting_exchange = x;
	d->has_greeting = 1;
	return x;
}

/* The exchange a reply answers: the FIFO head (the greeting first on a
 * connection), or a new unsolicited one. */
static size_t
dialog_answered_exchange(struct ss_dialog *d, const struct ss_event *ev)
{
	size_t	x;

	if (d->head < d->nexchanges) {
		return d->head++;
	}
	if (!d->has_greeting) {
		/* A transcript without a connect record (an import). */
		x = dialog_open_greeting(d, ev);
	} else {
		dialog_anomaly(d, SS_ANOM_UNSOLICITED);
		x = dialog_add_exchange(d, SS_VERB_NONE, NULL, d->fed,
		    ev->t_us);
		dialog_x_mut(d, x)->unsolicited = 1;
	}
	d->head = x + 1;
	return x;
}

/* What a finished reply changes: capabilities, AUTH, body and TLS. */
static void
dialog_apply_reply(struct ss_dialog *d, struct ss_exchange *x)
{
	const struct ss_reply	*r = x->reply;
	struct ss_caps		*caps;

	switch (x->verb) {
	case SS_VERB_EHLO:
		caps = ss_caps_from_reply(r);
		/* A set holds about what its reply does. */
		d->memory += ss_reply_memory(r);
		if (caps != NULL) {
			d->caps[x->phase] = dialog_keep_caps(d, caps);
		}
		break;
	case SS_VERB_AUTH:
	case SS_VERB_SASL:
		if (r->code == 334) {
			d->expect_sasl = 1;
		} else {
			d->expect_sasl = 0;
			d->auth_code = r->code;
			if (r->code == 235) {
				d->authenticated = 1;
			}
		}
		break;
	case SS_VERB_DATA:
		if (r->code == 354) {
			d->in_body = 1;
			d->body_lines = d->body_bytes = 0;
		}
		break;
	case SS_VERB_STARTTLS:
		if (r->code == 220) {
			d->discard_rest = 1;
		}
		break;
	default:
		break;
	}
}

/* A reply is complete: pair it and learn from it. */
static void
dialog_reply_done(struct ss_dialog *d, const struct ss_event *ev,
    struct ss_reply *r)
{
	struct ss_exchange	*x;
	size_t			 xi;
	int			 a;

	xi = dialog_answered_exchange(d, ev);
	x = dialog_x_mut(d, xi);
	x->reply = r;
	d->memory += ss_reply_memory(r);
	x->reply_event = d->fed;
	x->reply_us = ev->t_us;
	x->phase = dialog_phase_now(d);
	x->first_line = d->reply_first_line;
	d->anomaly_counts[SS_ANOM_LINE_TOO_LONG] -= d->early_too_long;
	d->early_too_long = 0;
	for (a = 0; a < SS_ANOM_LAST; a++) {
		if (r->anomalies & SS_ANOM_BIT(a)) {
			dialog_anomaly(d, (enum ss_anomaly)a);
		}
	}
	dialog_mark_reply_lines(d, r, (long)xi);
	dialog_apply_reply(d, x);
}

/* Bytes no command should see: shown, counted, never parsed. */
static void
dialog_discard(struct ss_dialog *d, const struct ss_event *ev,
    const char *p, size_t len)
{
	if (len == 0) {
		return;
	}
	dialog_anomaly(d, SS_ANOM_INJECTED);
	d->injected_bytes += len;
	/* Start a fresh display line so the marking is exact. */
	if (d->server_open_line >= 0) {
		ss_buf_reset(&d->server_partial);
		d->server_open_line = -1;
	}
	dialog_server_lines(d, ev, p, len, SS_LINE_DISCARDED);
	ss_buf_reset(&d->server_partial);
	d->server_open_line = -1;
}

/* Server bytes: display lines and replies, reply by reply. */
static void
dialog_server_bytes(struct ss_dialog *d, const struct ss_event *ev)
{
	const char	*p = ev->data;
	size_t		 left = ev->len, used;
	struct ss_reply	*r;

	if (ev->flags & SS_EVF_DISCARDED) {
		dialog_discard(d, ev, p, left);
		return;
	}
	while (left > 0) {
		if (d->discard_rest) {
			dialog_discard(d, ev, p, left);
			return;
		}
		used = ss_reply_parser_feed(d->parser, p, left, &r);
		dialog_server_lines(d, ev, p, used, 0);
		p += used;
		left -= used;
		if (r != NULL) {
			dialog_reply_done(d, ev, r);
		}
		if (used == 0 && r == NULL) {
			break;	/* cannot happen; never loop forever */
		}
	}
}

/* The value of "key=" in a record's words, copied; NULL if absent. */
static char *
dialog_word(const char *text, const char *key)
{
	const char	*p = text, *e;
	size_t		 n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == ' ') && p[n] == '=') {
			p += n + 1;
			e = p + strcspn(p, " \n");
			return xstrndup(p, e - p);
		}
		p += n;
	}
	return NULL;
}

/* TLS milestones update the summary. */
static void
dialog_tls_record(struct ss_dialog *d, const struct ss_event *ev)
{
	struct ss_tls_summary	*t = &d->tls;
	char			*w;

	switch (ev->kind) {
	case SS_KIND_TLS_START:
		t->started = 1;
		free(t->sni);
		t->sni = dialog_word(ev->data, "sni");
		if (t->sni != NULL && strcmp(t->sni, "none") == 0) {
			free(t->sni);	/* an address: no SNI was sent */
			t->sni = NULL;
		}
		t->implicit = strstr(ev->data, "implicit") != NULL;
		/*
		 * Whatever the peer sent in plaintext is now history, and so
		 * are commands pipelined after STARTTLS: a server must drop
		 * them (RFC 3207 4.2), so an answer to one inside TLS is
		 * unsolicited - the sign of command injection.
		 */
		d->discard_rest = 0;
		if (d->head >= d->nexchanges ||
		    !dialog_x_get(d, d->head)->greeting) {
			d->head = d->nexchanges;
		}	/* else implicit TLS: the banner comes inside TLS */
		ss_reply_parser_reset(d->parser);
		ss_buf_reset(&d->server_partial);
		d->server_open_line = -1;
		d->reply_first_line = -1;
		break;
	case SS_KIND_TLS_UP:
		t->established = 1;
		d->in_tls = 1;
		free(t->version);
		free(t->cipher);
		free(t->group);
		t->version = dialog_word(ev->data, "version");
		t->cipher = dialog_word(ev->data, "cipher");
		t->group = dialog_word(ev->data, "group");
		break;
	case SS_KIND_TLS_TICKET:
		t->tickets++;
		break;
	case SS_KIND_TLS_CLIENT_CERT:
		free(t->client_cert);
		t->client_cert = xstrdup(ev->data);
		break;
	case SS_KIND_TLS_CERT:
		if (t->ncerts < SS_NITEMS(t->cert_events)) {
			t->cert_events[t->ncerts++] = d->fed;
		}
		break;
	case SS_KIND_TLS_VERIFY:
		t->verify_known = 1;
		w = dialog_word(ev->data, "flags");
		t->verify_flags = w != NULL ?
		    (uint32_t)strtoul(w, NULL, 16) : 0;
		free(w);
		if (strstr(ev->data, "continuing") != NULL) {
			t->verify_ignored = 1;
		}
		free(t->verify_text);
		w = strchr(ev->data, '\n');
		t->verify_text = w != NULL ? xstrdup(w + 1) : NULL;
		break;
	case SS_KIND_TLS_FAIL:
		free(t->failure);
		t->failure = xstrdup(ev->data);
		break;
	case SS_KIND_TLS_CLOSE:
	default:
		break;
	}
}

/* The first line of a record, for display. */
static void
dialog_record_line(struct ss_dialog *d, const struct ss_event *ev)
{
	const char		*nl;
	struct ss_cert_info	 ci;
	struct ss_buf		 der, text;

	if (ev->kind == SS_KIND_TLS_CERT) {
		ss_buf_init(&der);
		ss_buf_init(&text);
		if (ss_base64_decode(&der, ev->data, ev->len) == 0 &&
		    ss_tls_cert_describe((const unsigned char *)der.data,
		    der.len, &ci) == 0) {
			ss_buf_printf(&text, "certificate %zu: %s (issuer %s)",
			    d->tls.ncerts, ci.subject, ci.issuer);
		} else {
			ss_buf_printf(&text, "certificate %zu: undecodable",
			    d->tls.ncerts);
		}
		dialog_add_line(d, ev, SS_LINE_RECORD, text.data, text.len);
		ss_buf_finish(&der);
		ss_buf_finish(&text);
		return;
	}
	nl = memchr(ev->data, '\n', ev->len);
	dialog_add_line(d, ev, SS_LINE_RECORD, ev->data,
	    nl != NULL ? (size_t)(nl - ev->data) : ev->len);
}

/* Nothing half done: everything before this point is final. */
static int
dialog_quiet(const struct ss_dialog *d)
{
	return d->server_open_line < 0 && d->reply_first_line < 0 &&
	    d->client_partial.len == 0 && d->head == d->nexchanges &&
	    ss_reply_parser_pending(d->parser) == 0 && !d->in_body &&
	    !d->expect_sasl && !d->discard_rest && d->early_too_long == 0;
}

/*
 * A full dialog remembers a quiet point now and then, for views: every
 * DIALOG_SNAP_EVERY events at the least, and just before each connection
 * (anew), so the quiet points of two connections alike fall at the same
 * places in each, and a step costs the same in either.
 */
static void
dialog_maybe_snap(struct ss_dialog *d, int anew)
{
	struct dialog_snap	*sn;
	size_t			 since;

	if (d->base != NULL || !dialog_quiet(d)) {
		return;
	}
	since = d->nsnaps > 0 ? d->fed - d->snaps[d->nsnaps - 1].fed :
	    DIALOG_SNAP_EVERY;
	if (since == 0 || (!anew && since < DIALOG_SNAP_EVERY)) {
		return;
	}
	if (d->nsnaps == d->snaps_cap) {
		d->memory += (d->snaps_cap ? d->snaps_cap : 64) *
		    sizeof(*d->snaps);
		d->snaps_cap = d->snaps_cap ? d->snaps_cap * 2 : 64;
		d->snaps = xreallocarray(d->snaps, d->snaps_cap,
		    sizeof(*d->snaps));
	}
	sn = &d->snaps[d->nsnaps++];
	sn->fed = d->fed;
	sn->nlines = d->nlines;
	sn->nexchanges = d->nexchanges;
	sn->greeting_exchange = d->greeting_exchange;
	sn->has_greeting = d->has_greeting;
	sn->connected = d->connected;
	sn->greeted = d->greeted;
	sn->in_tls = d->in_tls;
	sn->authenticated = d->authenticated;
	memcpy(sn->caps, d->caps, sizeof(sn->caps));
	dialog_tls_copy(&sn->tls, &d->tls);
	sn->auth_mech = d->auth_mech != NULL ? xstrdup(d->auth_mech) : NULL;
	sn->auth_code = d->auth_code;
	sn->anomalies = d->anomalies;
	memcpy(sn->anomaly_counts, d->anomaly_counts,
	    sizeof(sn->anomaly_counts));
	sn->injected_bytes = d->injected_bytes;
}

/* The last quiet point at or before an event count, or NULL. */
static const struct dialog_snap *
dialog_find_snap(const struct ss_dialog *d, size_t upto)
{
	size_t	lo = 0, hi = d->nsnaps, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->snaps[mid].fed <= upto) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo > 0 ? &d->snaps[lo - 1] : NULL;
}

/* Start a view from a quiet point of its full dialog. */
static void
dialog_view_start(struct ss_dialog *v, const struct ss_dialog *full,
    const struct dialog_snap *sn)
{
	v->base = full;
	v->base_lines = v->nlines = sn->nlines;
	v->base_exchanges = v->nexchanges = v->head = sn->nexchanges;
	v->fed = sn->fed;
	v->greeting_exchange = sn->greeting_exchange;
	v->has_greeting = sn->has_greeting;
	v->connected = sn->connected;
	v->greeted = sn->greeted;
	v->in_tls = sn->in_tls;
	v->authenticated = sn->authenticated;
	memcpy(v->caps, sn->caps, sizeof(v->caps));
	dialog_tls_copy(&v->tls, &sn->tls);
	v->auth_mech = sn->auth_mech != NULL ? xstrdup(sn->auth_mech) : NULL;
	v->auth_code = sn->auth_code;
	v->anomalies = sn->anomalies;
	memcpy(v->anomaly_counts, sn->anomaly_counts,
	    sizeof(v->anomaly_counts));
	v->injected_bytes = sn->injected_bytes;
}

/*
 * What was known after the first upto events, exact, at a cost set by the
 * events since the last quiet point rather than by upto: the view borrows
 * everything before that point from the full dialog.  Replays step
 * backwards through this.
 */
struct ss_dialog *
ss_dialog_view(const struct ss_dialog *full, const struct ss_transcript *t,
    size_t upto)
{
	const struct dialog_snap	*sn;
	struct ss_dialog		*v;
	size_t				 i, n = ss_transcript_count(t);

	if (upto > n) {
		upto = n;
	}
	if (full->base != NULL ||
	    (sn = dialog_find_snap(full, upto)) == NULL) {
		return ss_dialog_build(t, upto);
	}
	v = ss_dialog_create();
	dialog_view_start(v, full, sn);
	for (i = sn->fed; i < upto; i++) {
		ss_dialog_feed(v, ss_transcript_get(t, i));
	}
	return v;
}

/* Feed the next event of the transcript. */
void
ss_dialog_feed(struct ss_dialog *d, const struct ss_event *ev)
{
	if (ev->dir == SS_DIR_INFO && ev->kind == SS_KIND_CONNECT) {
		dialog_maybe_snap(d, 1);
	}
	switch (ev->dir) {
	case SS_DIR_CLIENT:
		dialog_client_bytes(d, ev);
		break;
	case SS_DIR_SERVER:
		dialog_server_bytes(d, ev);
		break;
	case SS_DIR_TLS:
		if (ev->kind == SS_KIND_TLS_CERT) {
			dialog_tls_record(d, ev);
			dialog_record_line(d, ev);
		} else {
			dialog_record_line(d, ev);
			dialog_tls_record(d, ev);
		}
		break;
	case SS_DIR_INFO:
		if (ev->kind == SS_KIND_CONNECT) {
			dialog_reset_connection(d);
			dialog_record_line(d, ev);
			dialog_open_greeting(d, ev);
			d->connected = 1;
		} else {
			dialog_record_line(d, ev);
			if (ev->kind == SS_KIND_CLOSED) {
				dialog_connection_closed(d, ev);
			} else if (ev->kind == SS_KIND_CUT) {
				dialog_cut(d, ev);
			}
		}
		break;
	default:
		break;
	}
	d->fed++;
	dialog_maybe_snap(d, 0);
}

/*
 * Server bytes the flood gate did not keep: the parser counts them into
 * the open reply (whole lines) or the open line (its middle), so the reply
 * and its anomalies are what they would have been with every byte kept.
 */
static void
dialog_cut(struct ss_dialog *d, const struct ss_event *ev)
{
	struct ss_flood_cut	 cut;

	if (ss_flood_cut_parse(ev->data, ev->len, &cut) == -1 ||
	    d->discard_rest) {
		return;
	}
	ss_reply_parser_skip(d->parser, cut.lines, cut.bytes);
	if (cut.lines == 0 && d->server_open_line >= 0) {
		d->server_partial_dropped += cut.bytes;
		dialog_flag_open_line(d, 0, 0);
	}
}

/* The connection ended: a reply cut short still counts, flagged. */
static void
dialog_connection_closed(struct ss_dialog *d, const struct ss_event *ev)
{
	struct ss_reply	*r;

	if (d->server_open_line >= 0) {
		dialog_line_mut(d, (size_t)d->server_open_line)->flags |=
		    SS_LINE_NO_EOL;
		ss_buf_reset(&d->server_partial);
		d->server_open_line = -1;
	}
	r = ss_reply_parser_eof(d->parser);
	if (r != NULL) {
		dialog_reply_done(d, ev, r);
	}
	d->connected = 0;
	d->head = d->nexchanges;
}

/* About how many bytes the dialog holds: lines, exchanges, replies,
 * capability sets and quiet points (what a view borrows is not its own). */
size_t
ss_dialog_memory(const struct ss_dialog *d)
{
	return sizeof(*d) + d->memory;
}

/* Number of events fed so far. */
size_t
ss_dialog_fed(const struct ss_dialog *d)
{
	return d->fed;
}

/* Derive the dialog of a transcript's first upto events. */
struct ss_dialog *
ss_dialog_build(const struct ss_transcript *t, size_t upto)
{
	struct ss_dialog	*d = ss_dialog_create();
	size_t			 i, n = ss_transcript_count(t);

	if (upto > n) {
		upto = n;
	}
	for (i = 0; i < upto; i++) {
		ss_dialog_feed(d, ss_transcript_get(t, i));
	}
	return d;
}

/* Display lines. */
size_t
ss_dialog_line_count(const struct ss_dialog *d)
{
	return d->nlines;
}

/* Lines borrowed from the full dialog. */
size_t
ss_dialog_borrowed_lines(const struct ss_dialog *d)
{
	return d->base_lines;
}

/* One display line; NULL past the end. */
const struct ss_line *
ss_dialog_line(const struct ss_dialog *d, size_t i)
{
	if (i >= d->nlines) {
		return NULL;
	}
	if (i < d->base_lines) {
		return &d->base->lines[i];
	}
	return &d->lines[i - d->base_lines];
}

/* Exchanges. */
size_t
ss_dialog_exchange_count(const struct ss_dialog *d)
{
	return d->nexchanges;
}

/* One exchange; NULL past the end. */
const struct ss_exchange *
ss_dialog_exchange(const struct ss_dialog *d, size_t i)
{
	return i < d->nexchanges ? dialog_x_get(d, i) : NULL;
}

/* Commands still waiting for their replies. */
size_t
ss_dialog_pending(const struct ss_dialog *d)
{
	return d->nexchanges - d->head;
}

/* Is a reply half received? */
int
ss_dialog_reply_in_progress(const struct ss_dialog *d)
{
	return d->reply_first_line >= 0 || d->server_open_line >= 0;
}

/* The capability set of a phase, or NULL. */
const struct ss_caps *
ss_dialog_caps(const struct ss_dialog *d, enum ss_phase p)
{
	return p < SS_PHASE_LAST ? d->caps[p] : NULL;
}

/* The latest phase that has a capability set. */
const struct ss_caps *
ss_dialog_current_caps(const struct ss_dialog *d)
{
	int	p;

	for (p = (int)dialog_phase_now(d); p >= 0; p--) {
		if (d->caps[p] != NULL) {
			return d->caps[p];
		}
	}
	return NULL;
}

/* The phase the connection is in. */
enum ss_phase
ss_dialog_phase(const struct ss_dialog *d)
{
	return dialog_phase_now(d);
}

/* Is the connection inside TLS now? */
int
ss_dialog_in_tls(const struct ss_dialog *d)
{
	return d->in_tls;
}

/* What the TLS records said. */
const struct ss_tls_summary *
ss_dialog_tls(const struct ss_dialog *d)
{
	return &d->tls;
}

/* The AUTH mechanism last tried, "" if none. */
const char *
ss_dialog_auth_mech(const struct ss_dialog *d)
{
	return d->auth_mech != NULL ? d->auth_mech : "";
}

/* The final code of the last AUTH, 0 if none. */
int
ss_dialog_auth_code(const struct ss_dialog *d)
{
	return d->auth_code;
}

/* The banner of the latest connection. */
const struct ss_reply *
ss_dialog_greeting(const struct ss_dialog *d)
{
	if (!d->has_greeting) {
		return NULL;
	}
	return dialog_x_get(d, d->greeting_exchange)->reply;
}

/* Every anomaly seen, as SS_ANOM_BIT flags. */
unsigned
ss_dialog_anomalies(const struct ss_dialog *d)
{
	return d->anomalies;
}

/* How often one anomaly was seen. */
size_t
ss_dialog_anomaly_count(const struct ss_dialog *d, enum ss_anomaly a)
{
	return a < SS_ANOM_LAST ? d->anomaly_counts[a] : 0;
}

/* Plaintext bytes received after a STARTTLS 220 and not used. */
size_t
ss_dialog_injected_bytes(const struct ss_dialog *d)
{
	return d->injected_bytes;
}
