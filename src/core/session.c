/*
 * session.c: the SMTP client engine.
 *
 * Two halves, as in OpenSMTPD's smtp client: what to send when a step
 * starts (session_send_*) and what to do when the dialog pairs a reply with
 * the step's command (session_on_reply).  The transcript is written first
 * and the dialog derives the replies from it, so the engine never parses a
 * byte the transcript does not hold.  Every state change goes through
 * session_set_state.
 *
 * The engine never blocks except in getaddrinfo: sockets are non-blocking,
 * the caller's poll loop tells us when a descriptor is ready, and each step
 * has a deadline.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/flood.h"
#include "smtpscope/net.h"
#include "smtpscope/sasl.h"
#include "smtpscope/session.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"


#define SESSION_READ_SIZE	16384
#define SESSION_DEFAULT_TIMEOUT	30000

const char *const ss_step_names[SS_STEP_LAST] = {
	"connect", "ehlo", "helo", "starttls", "auth", "mail", "rcpt", "data",
	"rset", "noop", "vrfy", "expn", "help", "quit", "raw",
	"starttls-inject"
};
_Static_assert(SS_NITEMS(ss_step_names) == SS_STEP_LAST, "step names");

const char *const ss_state_names[SS_STATE_LAST] = {
	"idle", "connecting", "greeting", "ready", "waiting", "handshake",
	"closed"
};
_Static_assert(SS_NITEMS(ss_state_names) == SS_STATE_LAST, "state names");

const char *const ss_result_names[SS_RESULT_LAST] = {
	"none", "ok", "refused", "connect", "tls", "verify", "timeout",
	"dropped", "protocol", "cancelled", "usage"
};
_Static_assert(SS_NITEMS(ss_result_names) == SS_RESULT_LAST, "result names");

/*
 * What each step sends and which advertised keyword makes it proper.  A
 * step whose keyword the server did not advertise is sent anyway, with a
 * warning: breaking the rules on purpose is how people learn.
 */
static const struct step_info {
	const char	*verb;		/* command word, NULL: special */
	const char	*keyword;	/* EHLO keyword it relies on */
	int		 needs_arg;	/* MAIL FROM:<arg> and the like */
} step_table[SS_STEP_LAST] = {
	[SS_STEP_CONNECT] = { NULL, NULL, 0 },
	[SS_STEP_EHLO] = { "EHLO", NULL, 1 },
	[SS_STEP_HELO] = { "HELO", NULL, 1 },
	[SS_STEP_STARTTLS] = { "STARTTLS", "STARTTLS", 0 },
	[SS_STEP_AUTH] = { NULL, "AUTH", 0 },
	[SS_STEP_MAIL] = { "MAIL FROM:", NULL, 1 },
	[SS_STEP_RCPT] = { "RCPT TO:", NULL, 1 },
	[SS_STEP_DATA] = { "DATA", NULL, 0 },
	[SS_STEP_RSET] = { "RSET", NULL, 0 },
	[SS_STEP_NOOP] = { "NOOP", NULL, 0 },
	[SS_STEP_VRFY] = { "VRFY ", NULL, 1 },
	[SS_STEP_EXPN] = { "EXPN ", NULL, 1 },
	[SS_STEP_HELP] = { "HELP", NULL, 0 },
	[SS_STEP_QUIT] = { "QUIT", NULL, 0 },
	[SS_STEP_RAW] = { NULL, NULL, 1 },
	[SS_STEP_PROBE_INJECT] = { NULL, "STARTTLS", 0 },
};

/* How long the injection probe listens for an answer it should not get. */
#define SESSION_PROBE_GRACE_MS	1500

struct ss_session {
	/* Configuration, owned copies. */
	char			*host;
	int			 port;
	char			*servername;
	int			 implicit_tls;
	int			 no_verify;
	struct ss_tls_client_config tls_config;
	char			*ca_file;
	char			*ca_pem;
	char			*keylog_file;
	char			*cert_file;
	char			*key_file;
	char			*key_passphrase;	/* wiped on destroy */
	char			*ehlo_name;
	int			 timeout_ms;
	char			*user;
	char			*password;	/* secret: wiped */
	char			*auth_mech;
	char			*mail_from;
	char			*rcpt_to;
	char			*data_body;
	size_t			 max_memory;

	struct ss_transcript	*transcript;
	struct ss_dialog	*dialog;
	uint64_t		 t0;
	struct ss_flood		 flood;		/* what reaches the transcript */
	size_t			 client_memory;	/* of it, for the client's bytes */

	enum ss_state		 state;
	int			 fd;
	struct ss_addr		*addrs;
	size_t			 naddrs;
	size_t			 addr_next;
	char			 peer[96];
	struct ss_tls_client	*tls_client;
	/*
	 * Parsing the system's trust anchors takes tens of milliseconds; a
	 * thread does it while the connection waits for the banner and EHLO,
	 * so STARTTLS does not pay for it after the server's 220.
	 */
	pthread_t		 tls_loader;
	int			 tls_loading;
	char			*tls_load_err;
	struct ss_tls		*tls;
	int			 tls_want;	/* SS_TLS_WANT_* of the handshake */
	unsigned		 tls_tickets;	/* session tickets noted */
	int			 unverified;	/* verification failed, paused */

	struct ss_buf		 out;		/* bytes not yet written */
	size_t			 out_done;

	/* The running step. */
	enum ss_step		 step;
	int			 step_active;
	size_t			 step_exchange;	/* exchange that answers it */
	uint64_t		 deadline;	/* 0: none */
	struct ss_sasl		*sasl;
	int			 probe_listening; /* injection probe after TLS */
	size_t			 probe_mark;	/* exchanges before listening */

	enum ss_result		 result;
	char			*message;
	int			 code;
};

static void	session_finish(struct ss_session *, enum ss_result, int,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static void	session_close(struct ss_session *, const char *);
static void	session_connect_next(struct ss_session *);
static void	session_start_tls(struct ss_session *);
static void	session_connect_failed(struct ss_session *, const char *);
static void	session_set_meta(struct ss_session *);
static void	session_tls_client_wait(struct ss_session *);
static void	session_sasl_verdict(struct ss_session *);
static int	session_auth_untrusted(struct ss_session *);

/* Time since the session started, for the transcript. */
static uint64_t
session_t(const struct ss_session *s)
{
	return ss_now_us() - s->t0;
}

/* Memory the session's transcript and dialog hold. */
static size_t
session_memory(const struct ss_session *s)
{
	return ss_transcript_memory(s->transcript) +
	    ss_dialog_memory(s->dialog);
}

/* Append an event as it is and let the dialog learn from it. */
static void
session_append(struct ss_session *s, enum ss_dir dir, enum ss_kind kind,
    unsigned flags, const void *p, size_t len)
{
	size_t	i, before = 0;

	if (dir == SS_DIR_CLIENT) {
		before = session_memory(s);
	}
	i = ss_transcript_append(s->transcript, session_t(s), dir, kind, flags,
	    p, len);
	ss_dialog_feed(s->dialog, ss_transcript_get(s->transcript, i));
	if (dir == SS_DIR_CLIENT) {
		s->client_memory += session_memory(s) - before;
	}
}

/* The flood gate let server bytes through: one S event. */
static void
session_flood_keep(void *arg, const char *p, size_t len)
{
	struct ss_session	*s = arg;

	if (len > 0) {
		session_append(s, SS_DIR_SERVER, SS_KIND_DATA,
		    s->tls != NULL ? SS_EVF_TLS : 0, p, len);
	}
}

/* The flood gate counted bytes it did not keep: one cut note. */
static void
session_flood_cut(void *arg, const struct ss_flood_cut *cut)
{
	struct ss_session	*s = arg;
	char			*text;

	text = ss_flood_cut_text(cut);
	session_append(s, SS_DIR_INFO, SS_KIND_CUT, 0, text, strlen(text));
	free(text);
}

/* Where the gate sends what it keeps and counts. */
static void
session_flood_out(struct ss_session *s, struct ss_flood_out *out)
{
	out->keep = session_flood_keep;
	out->cut = session_flood_cut;
	out->arg = s;
}

/*
 * Append an event: a record first reports what the flood gate counted, so
 * the cut stands where it happened; a new connection or a TLS handshake
 * starts the gate afresh, as it does the reply parser.
 */
static void
session_record(struct ss_session *s, enum ss_dir dir, enum ss_kind kind,
    unsigned flags, const void *p, size_t len)
{
	struct ss_flood_out	out;

	if (dir != SS_DIR_CLIENT && dir != SS_DIR_SERVER) {
		session_flood_out(s, &out);
		ss_flood_flush(&s->flood, &out);
		if (kind == SS_KIND_CONNECT || kind == SS_KIND_TLS_START) {
			ss_flood_reset(&s->flood);
		}
	}
	session_append(s, dir, kind, flags, p, len);
}

/* Memory the session's transcript and dialog hold, for what the server
 * sent (what the client's own bytes took is counted apart). */
static size_t
session_server_memory(const struct ss_session *s)
{
	return session_memory(s) - s->client_memory;
}

/* Append a formatted record (T or I). */
static void
session_note(struct ss_session *s, enum ss_dir dir, enum ss_kind kind,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*text;
	int	 len;

	va_start(ap, fmt);
	len = xvasprintf(&text, fmt, ap);
	va_end(ap);
	session_record(s, dir, kind, 0, text, (size_t)len);
	free(text);
}

/* The one place the state changes. */
static void
session_set_state(struct ss_session *s, enum ss_state state)
{
	s->state = state;
}

/* Metadata a saved session keeps: what was probed, by what, when. */
static void
session_set_meta(struct ss_session *s)
{
	char		 buf[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	ss_transcript_set_meta(s->transcript, "host", s->host);
	snprintf(buf, sizeof(buf), "%d", s->port);
	ss_transcript_set_meta(s->transcript, "port", buf);
	if (s->implicit_tls) {
		ss_transcript_set_meta(s->transcript, "tls", "implicit");
	}
	ss_transcript_set_meta(s->transcript, "tool",
	    "smtpscope " SMTPSCOPE_VERSION);
	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ss_transcript_set_meta(s->transcript, "start", buf);
}

/* Copy a string if given. */
static char *
session_dup(const char *p)
{
	return p != NULL ? xstrdup(p) : NULL;
}

/* Make a session from a configuration; nothing is sent yet. */
struct ss_session *
ss_session_create(const struct ss_session_config *cfg, char **err)
{
	struct ss_session	*s;

	if (cfg->host == NULL || *cfg->host == '\0') {
		*err = xstrdup("no server given");
		return NULL;
	}
	if (cfg->port <= 0 || cfg->port > 65535) {
		xasprintf(err, "port %d is out of range", cfg->port);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->host = xstrdup(cfg->host);
	s->port = cfg->port;
	s->servername = xstrdup(cfg->servername != NULL ?
	    cfg->servername : cfg->host);
	s->implicit_tls = cfg->implicit_tls;
	s->no_verify = cfg->no_verify;
	s->tls_config = cfg->tls;
	s->ca_file = session_dup(cfg->tls.ca_file);
	s->ca_pem = session_dup(cfg->tls.ca_pem);
	s->keylog_file = session_dup(cfg->tls.keylog_file);
	s->cert_file = session_dup(cfg->tls.cert_file);
	s->key_file = session_dup(cfg->tls.key_file);
	s->key_passphrase = session_dup(cfg->tls.key_passphrase);
	s->tls_config.ca_file = s->ca_file;
	s->tls_config.ca_pem = s->ca_pem;
	s->tls_config.keylog_file = s->keylog_file;
	s->tls_config.cert_file = s->cert_file;
	s->tls_config.key_file = s->key_file;
	s->tls_config.key_passphrase = s->key_passphrase;
	s->ehlo_name = xstrdup(cfg->ehlo_name != NULL ?
	    cfg->ehlo_name : "smtpscope.local");
	s->timeout_ms = cfg->timeout_ms > 0 ?
	    cfg->timeout_ms : SESSION_DEFAULT_TIMEOUT;
	s->user = session_dup(cfg->user);
	s->password = session_dup(cfg->password);
	s->auth_mech = session_dup(cfg->auth_mech);
	s->mail_from = session_dup(cfg->mail_from);
	s->rcpt_to = session_dup(cfg->rcpt_to);
	s->data_body = session_dup(cfg->data_body);
	s->max_memory = cfg->max_memory > 0 ?
	    cfg->max_memory : SS_SESSION_MEMORY;
	ss_flood_init(&s->flood);
	s->transcript = ss_transcript_create();
	s->dialog = ss_dialog_create();
	s->t0 = ss_now_us();
	s->fd = -1;
	ss_buf_init(&s->out);
	session_set_meta(s);
	return s;
}

/* Free a session; its secrets are wiped first. */
void
ss_session_destroy(struct ss_session *s)
{
	if (s == NULL) {
		return;
	}
	if (s->fd != -1) {
		session_close(s, NULL);
	}
	session_tls_client_wait(s);
	ss_tls_client_destroy(s->tls_client);
	free(s->tls_load_err);
	ss_sasl_destroy(s->sasl);
	ss_free_secret(s->password);
	free(s->host);
	free(s->servername);
	free(s->ca_file);
	free(s->ca_pem);
	free(s->keylog_file);
	free(s->cert_file);
	free(s->key_file);
	ss_free_secret(s->key_passphrase);
	free(s->ehlo_name);
	free(s->user);
	free(s->auth_mech);
	free(s->mail_from);
	free(s->rcpt_to);
	free(s->data_body);
	free(s->addrs);
	free(s->message);
	ss_buf_finish(&s->out);
	ss_dialog_destroy(s->dialog);
	ss_transcript_destroy(s->transcript);
	free(s);
}

/* A step by its name, case-insensitive; SS_STEP_LAST if unknown. */
enum ss_step
ss_step_from_name(const char *name)
{
	int	i;

	for (i = 0; i < SS_STEP_LAST; i++) {
		if (ss_strcasecmp(name, ss_step_names[i]) == 0) {
			return (enum ss_step)i;
		}
	}
	return SS_STEP_LAST;
}

/* Accessors. */
struct ss_transcript *
ss_session_transcript(struct ss_session *s)
{
	return s->transcript;
}

const struct ss_dialog *
ss_session_dialog(const struct ss_session *s)
{
	return s->dialog;
}

enum ss_state
ss_session_state(const struct ss_session *s)
{
	return s->state;
}

int
ss_session_busy(const struct ss_session *s)
{
	return s->step_active;
}

const char *
ss_session_peer(const struct ss_session *s)
{
	return s->peer[0] != '\0' ? s->peer : NULL;
}

enum ss_result
ss_session_result(const struct ss_session *s)
{
	return s->result;
}

const char *
ss_session_message(const struct ss_session *s)
{
	return s->message != NULL ? s->message : "";
}

int
ss_session_code(const struct ss_session *s)
{
	return s->code;
}

/* A mechanism's verdict (SCRAM's server signature) goes on record. */
static void
session_sasl_verdict(struct ss_session *s)
{
	const char	*v;

	if (s->sasl != NULL && (v = ss_sasl_verdict(s->sasl)) != NULL) {
		session_note(s, SS_DIR_INFO, SS_KIND_SASL, "%s", v);
	}
}

/* End the running step with a result and a message in words. */
static void
session_finish(struct ss_session *s, enum ss_result result, int code,
    const char *fmt, ...)
{
	va_list	ap;

	free(s->message);
	va_start(ap, fmt);
	xvasprintf(&s->message, fmt, ap);
	va_end(ap);
	s->result = result;
	s->code = code;
	s->step_active = 0;
	s->probe_listening = 0;
	s->deadline = 0;
	if (s->step == SS_STEP_AUTH) {
		session_sasl_verdict(s);
		ss_sasl_destroy(s->sasl);
		s->sasl = NULL;
	}
	/* A dropped step's reason is the closed event just written: saying
	 * it again as an error would tell the user twice. */
	if (result != SS_RESULT_OK && result != SS_RESULT_REFUSED &&
	    result != SS_RESULT_DROPPED) {
		session_note(s, SS_DIR_INFO, result == SS_RESULT_TIMEOUT ?
		    SS_KIND_TIMEOUT : SS_KIND_ERROR, "%s", s->message);
	}
}

/* Drop the connection; why goes to the transcript, once, as the closed
 * event, and is the running step's message. */
static void
session_close(struct ss_session *s, const char *why)
{
	if (s->tls != NULL) {
		ss_tls_free(s->tls);
		s->tls = NULL;
	}
	if (s->fd != -1) {
		close(s->fd);
		s->fd = -1;
	}
	ss_buf_reset(&s->out);
	s->out_done = 0;
	s->unverified = 0;
	if (why != NULL) {
		session_note(s, SS_DIR_INFO, SS_KIND_CLOSED, "%s", why);
	}
	session_set_state(s, SS_STATE_CLOSED);
}

/* Arm the step's deadline. */
static void
session_arm(struct ss_session *s)
{
	s->deadline = ss_now_us() + (uint64_t)s->timeout_ms * 1000;
}

/* ------------------------------------------------------------------ */
/* Connecting.                                                         */

/* Resolve and start connecting to the first address. */
static void
session_start_connect(struct ss_session *s)
{
	char		*err = NULL;
	struct ss_buf	 list;
	size_t		 i;

	if (s->fd != -1) {
		session_close(s, "closed by the user to reconnect");
	}
	free(s->addrs);
	s->addrs = NULL;
	s->peer[0] = '\0';
	if (ss_net_resolve(s->host, s->port, &s->addrs, &s->naddrs,
	    &err) == -1) {
		session_finish(s, SS_RESULT_CONNECT, 0, "%s", err);
		free(err);
		session_set_state(s, SS_STATE_IDLE);
		return;
	}
	ss_buf_init(&list);
	for (i = 0; i < s->naddrs; i++) {
		ss_buf_printf(&list, "%s%s", i ? " " : "", s->addrs[i].text);
	}
	session_note(s, SS_DIR_INFO, SS_KIND_RESOLVE, "%s -> %s", s->host,
	    list.data);
	ss_buf_finish(&list);
	s->addr_next = 0;
	session_arm(s);
	session_connect_next(s);
}

/* Connected: note it, then TLS (port 465) or wait for the banner. */
static void
session_connected(struct ss_session *s)
{
	const struct ss_addr	*a = &s->addrs[s->addr_next - 1];

	snprintf(s->peer, sizeof(s->peer), "%s port %d", a->text, s->port);
	session_note(s, SS_DIR_INFO, SS_KIND_CONNECT, "connected to %s",
	    s->peer);
	s->step_exchange = ss_dialog_exchange_count(s->dialog) - 1;
	if (s->implicit_tls) {
		session_start_tls(s);
	} else {
		session_set_state(s, SS_STATE_GREETING);
	}
}

/* Try the next address in turn; fail when none is left. */
static void
session_connect_next(struct ss_session *s)
{
	char	*err = NULL;
	int	 rc;

	while (s->addr_next < s->naddrs) {
		rc = ss_net_connect_start(&s->addrs[s->addr_next++], &s->fd,
		    &err);
		if (rc == 0) {
			session_connected(s);
			return;
		}
		if (rc == 1) {
			session_set_state(s, SS_STATE_CONNECTING);
			return;
		}
		session_connect_failed(s, err);
		free(err);
		err = NULL;
	}
}

/* One address failed: note it and try the next, or give up. */
static void
session_connect_failed(struct ss_session *s, const char *why)
{
	if (s->addr_next < s->naddrs) {
		session_note(s, SS_DIR_INFO, SS_KIND_ERROR, "%s", why);
		return;
	}
	session_set_state(s, SS_STATE_IDLE);
	if (s->naddrs > 1) {
		session_finish(s, SS_RESULT_CONNECT, 0, "%s (all %zu addresses "
		    "of %s failed)", why, s->naddrs, s->host);
	} else {
		session_finish(s, SS_RESULT_CONNECT, 0, "%s", why);
	}
}

/* The socket became writable: did the connect succeed? */
static void
session_connect_ready(struct ss_session *s)
{
	char	*err = NULL;

	if (ss_net_connect_finish(s->fd, &s->addrs[s->addr_next - 1],
	    &err) == 0) {
		session_connected(s);
		return;
	}
	close(s->fd);
	s->fd = -1;
	session_connect_failed(s, err);
	free(err);
	if (s->step_active) {
		session_connect_next(s);
	}
}

/* ------------------------------------------------------------------ */
/* TLS.                                                                */

/* The client certificate sent, or that the server asked in vain. */
static void
session_record_client_cert(struct ss_session *s)
{
	if (ss_tls_client_cert_sent(s->tls) != NULL) {
		session_note(s, SS_DIR_TLS, SS_KIND_TLS_CLIENT_CERT, "sent %s",
		    ss_tls_client_cert_sent(s->tls));
	} else if (ss_tls_client_cert_requested(s->tls)) {
		session_note(s, SS_DIR_TLS, SS_KIND_NOTE, "the server asked "
		    "for a client certificate; none was sent (see --cert, "
		    "--key)");
	}
}

/* Record what the handshake established, certificate chain included. */
static void
session_record_tls(struct ss_session *s, uint32_t flags)
{
	struct ss_buf		 b64, words;
	const unsigned char	*der;
	size_t			 i, len;

	session_note(s, SS_DIR_TLS, SS_KIND_TLS_UP, "version=%s cipher=%s%s%s",
	    ss_tls_version_str(s->tls), ss_tls_ciphersuite(s->tls),
	    ss_tls_group(s->tls) != NULL ? " group=" : "",
	    ss_tls_group(s->tls) != NULL ? ss_tls_group(s->tls) : "");
	ss_buf_init(&b64);
	for (i = 0; i < ss_tls_peer_count(s->tls); i++) {
		der = ss_tls_peer_der(s->tls, i, &len);
		ss_buf_reset(&b64);
		ss_base64_encode(&b64, der, len);
		session_record(s, SS_DIR_TLS, SS_KIND_TLS_CERT, 0, b64.data,
		    b64.len);
	}
	ss_buf_finish(&b64);
	session_record_client_cert(s);
	if (flags == 0) {
		session_note(s, SS_DIR_TLS, SS_KIND_TLS_VERIFY,
		    "verified: the certificate is trusted and names %s",
		    s->servername);
		return;
	}
	ss_buf_init(&words);
	ss_tls_verify_words(flags, &words);
	session_note(s, SS_DIR_TLS, SS_KIND_TLS_VERIFY,
	    "NOT verified flags=0x%x%s\n%s", (unsigned)flags, s->no_verify ?
	    " (continuing: verification turned off with --no-verify)" : "",
	    words.data);
	ss_buf_finish(&words);
}

/*
 * The injection probe's second half: TLS is up and nothing was sent inside
 * it.  Any reply now answers the RSET smuggled in with STARTTLS, which the
 * server should have thrown away with the plaintext.
 */
static void
session_probe_listen(struct ss_session *s)
{
	s->probe_listening = 1;
	s->probe_mark = ss_dialog_exchange_count(s->dialog);
	s->deadline = ss_now_us() + SESSION_PROBE_GRACE_MS * 1000ULL;
	session_set_state(s, SS_STATE_READY);
}

/* The probe's verdicts, kept in the transcript as well as the step's
 * message: a batch run goes on to QUIT, and a saved session or a report
 * must still say what the probe found. */
static const char *const session_probe_words[2] = {
	"not vulnerable: the command sent together with STARTTLS was "
	    "discarded, as RFC 3207 requires",
	"VULNERABLE: the server answered, inside TLS, the RSET sent in "
	    "plaintext together with STARTTLS (command injection, "
	    "CVE-2011-0411)",
};

/* End the probe with its verdict. */
static void
session_probe_end(struct ss_session *s, int vulnerable)
{
	const char	*words = session_probe_words[vulnerable != 0];

	s->probe_listening = 0;
	session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "starttls-inject: %s",
	    words);
	session_finish(s, SS_RESULT_OK, 0, "%s", words);
}

/* Did an unsolicited reply arrive while the probe listened? */
static void
session_probe_verdict(struct ss_session *s, int final)
{
	size_t	i, n = ss_dialog_exchange_count(s->dialog);

	for (i = s->probe_mark; i < n; i++) {
		if (ss_dialog_exchange(s->dialog, i)->unsolicited) {
			session_probe_end(s, 1);
			return;
		}
	}
	if (final) {
		session_probe_end(s, 0);
	}
}

/* The handshake finished: verify, then go on or pause. */
static void
session_tls_up(struct ss_session *s)
{
	uint32_t	 flags = ss_tls_verify_flags(s->tls);
	struct ss_buf	 words;
	char		*nl;

	session_record_tls(s, flags);
	session_set_state(s, s->implicit_tls &&
	    ss_dialog_greeting(s->dialog) == NULL ?
	    SS_STATE_GREETING : SS_STATE_READY);
	if (flags != 0 && !s->no_verify) {
		s->unverified = 1;
		ss_buf_init(&words);
		ss_tls_verify_words(flags, &words);
		if ((nl = strchr(words.data, '\n')) != NULL) {
			*nl = '\0';
		}
		session_finish(s, SS_RESULT_VERIFY, 0, "the certificate of %s "
		    "failed verification: %s", s->servername, words.data);
		ss_buf_finish(&words);
		return;
	}
	if (s->step == SS_STEP_PROBE_INJECT) {
		session_probe_listen(s);
		return;
	}
	if (s->step == SS_STEP_STARTTLS || !s->implicit_tls) {
		session_finish(s, SS_RESULT_OK, s->code, "TLS established: "
		    "%s %s", ss_tls_version_str(s->tls),
		    ss_tls_ciphersuite(s->tls));
	}
}

/* A T record for each TLS 1.3 session ticket that arrived since the last
 * look: the server's data, not the conversation's. */
static void
session_note_tickets(struct ss_session *s)
{
	while (s->tls != NULL && s->tls_tickets < ss_tls_tickets(s->tls)) {
		s->tls_tickets++;
		session_note(s, SS_DIR_TLS, SS_KIND_TLS_TICKET, "session ticket "
		    "%u received (TLS 1.3 NewSessionTicket; smtpscope does "
		    "not resume sessions, so it goes unused)", s->tls_tickets);
	}
}

/* The handshake failed: in words, then the connection ends. */
static void
session_tls_failed(struct ss_session *s)
{
	const char	*why = ss_tls_error(s->tls) != NULL ?
			    ss_tls_error(s->tls) : "unknown";

	session_note(s, SS_DIR_TLS, SS_KIND_TLS_FAIL, "handshake failed: %s",
	    why);
	session_finish(s, SS_RESULT_TLS, 0, "the TLS handshake failed: %s",
	    why);
	session_close(s, "connection closed after the TLS failure");
}

/*
 * A TLS 1.3 server refused the handshake after it ended on our side (a
 * client certificate missing or rejected): its alert met the first read.
 * That is a failed handshake, not a dropped connection.
 */
static void
session_tls_refused(struct ss_session *s)
{
	session_tls_failed(s);
}

/* Drive the handshake one step. */
static void
session_handshake(struct ss_session *s)
{
	int	rc;

	rc = ss_tls_handshake(s->tls);
	if (rc == SS_TLS_WANT_READ || rc == SS_TLS_WANT_WRITE) {
		s->tls_want = rc;
		return;
	}
	if (rc == 0) {
		session_tls_up(s);
		return;
	}
	session_tls_failed(s);
}

/* The loader thread: the TLS configuration with its trust anchors. */
static void *
session_tls_loader(void *arg)
{
	struct ss_session	*s = arg;

	s->tls_client = ss_tls_client_create(&s->tls_config, &s->tls_load_err);
	return NULL;
}

/* Start loading the TLS configuration in the background, once. */
static void
session_tls_client_prepare(struct ss_session *s)
{
	if (s->tls_client != NULL || s->tls_loading || s->tls_load_err != NULL) {
		return;
	}
	if (pthread_create(&s->tls_loader, NULL, session_tls_loader, s) == 0) {
		s->tls_loading = 1;
	}	/* else it is made when needed, in the foreground */
}

/* Wait for the loader, if it runs; its results are then in s. */
static void
session_tls_client_wait(struct ss_session *s)
{
	if (s->tls_loading) {
		pthread_join(s->tls_loader, NULL);
		s->tls_loading = 0;
	}
}

/* A version bound by name, SS_TLS_ANY meaning the library's own bound. */
static const char *
session_tls_bound(enum ss_tls_version v, enum ss_tls_version library)
{
	return ss_tls_version_names[v == SS_TLS_ANY ? library : v];
}

/* Begin TLS on the connected socket (STARTTLS accepted, or port 465). */
static void
session_start_tls(struct ss_session *s)
{
	char	*err = NULL;
	int	 literal = ss_net_is_ip_literal(s->servername);

	session_tls_client_wait(s);
	if (s->tls_client == NULL && s->tls_load_err != NULL) {
		err = s->tls_load_err;	/* the loader's verdict, once */
		s->tls_load_err = NULL;
	} else if (s->tls_client == NULL) {
		s->tls_client = ss_tls_client_create(&s->tls_config, &err);
	}
	if (s->tls_client == NULL) {
		session_finish(s, SS_RESULT_TLS, 0, "cannot set up TLS: %s", err);
		free(err);
		session_close(s, "connection closed: TLS unavailable");
		return;
	}
	/* The versions offered go on record: what a refusal means (an old
	 * server, or one without TLS 1.3) depends on them. */
	session_note(s, SS_DIR_TLS, SS_KIND_TLS_START,
	    "handshake started sni=%s versions=%s-%s%s",
	    literal ? "none" : s->servername,
	    session_tls_bound(s->tls_config.min_version, SS_TLS_1_2),
	    session_tls_bound(s->tls_config.max_version, SS_TLS_1_3),
	    s->implicit_tls ? " implicit" : "");
	s->tls = ss_tls_connect(s->tls_client, s->fd, s->servername, &err);
	if (s->tls == NULL) {
		session_finish(s, SS_RESULT_TLS, 0, "cannot start TLS: %s", err);
		free(err);
		session_close(s, "connection closed: TLS could not start");
		return;
	}
	s->tls_tickets = 0;
	session_set_state(s, SS_STATE_HANDSHAKE);
	session_arm(s);
	session_handshake(s);
}

/* ------------------------------------------------------------------ */
/* Writing.                                                            */

/* Write what is queued; returns -1 when the connection broke. */
static int
session_flush(struct ss_session *s)
{
	ssize_t	n;

	while (s->out_done < s->out.len) {
		if (s->tls != NULL) {
			n = ss_tls_write(s->tls, s->out.data + s->out_done,
			    s->out.len - s->out_done);
			session_note_tickets(s);
			if (n == SS_TLS_WANT_READ || n == SS_TLS_WANT_WRITE) {
				return 0;
			}
		} else {
			n = send(s->fd, s->out.data + s->out_done,
			    s->out.len - s->out_done, MSG_NOSIGNAL);
			if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
				return 0;
			}
		}
		if (n <= 0) {
			return -1;
		}
		s->out_done += (size_t)n;
	}
	/* The buffer may have held a secret. */
	ss_wipe(s->out.data, s->out.len);
	ss_buf_reset(&s->out);
	s->out_done = 0;
	return 0;
}

/* The connection broke under us. */
static void
session_dropped(struct ss_session *s, const char *why)
{
	session_close(s, why);
	if (s->step_active) {
		session_finish(s, SS_RESULT_DROPPED, 0, "%s", why);
	}
}

/* A write failed: a TLS 1.3 server that refused the handshake after it
 * ended on our side (its alert read back by the TLS layer), or a dropped
 * connection. */
static void
session_send_failed(struct ss_session *s)
{
	if (s->tls != NULL && ss_tls_failed_after_handshake(s->tls)) {
		session_tls_refused(s);
		return;
	}
	session_dropped(s, "the connection broke while sending");
}


/*
 * Send one line.  The transcript gets the line as sent, or, when it holds a
 * secret, its public part and the size of what was hidden: the secret
 * itself is never recorded.
 */
static void
session_send_line(struct ss_session *s, const char *line, size_t len,
    int secret, size_t public_len)
{
	struct ss_buf	 shown;
	unsigned	 flags = s->tls != NULL ? SS_EVF_TLS : 0;
	size_t		 hidden;

	ss_buf_init(&shown);
	if (secret) {
		if (public_len > len) {
			public_len = len;
		}
		while (public_len < len && line[public_len] == ' ') {
			public_len++;	/* the separator is not secret */
		}
		hidden = len - public_len;
		ss_buf_add(&shown, line, public_len);
		if (public_len > 0 && line[public_len - 1] != ' ') {
			ss_buf_addc(&shown, ' ');
		}
		ss_buf_printf(&shown, "<redacted, %zu bytes>\r\n", hidden);
		flags |= SS_EVF_REDACTED;
	} else {
		ss_buf_add(&shown, line, len);
		ss_buf_adds(&shown, "\r\n");
	}
	ss_buf_add(&s->out, line, len);
	ss_buf_adds(&s->out, "\r\n");
	session_record(s, SS_DIR_CLIENT, SS_KIND_DATA, flags, shown.data,
	    shown.len);
	ss_buf_finish(&shown);
	if (session_flush(s) == -1) {
		session_send_failed(s);
	}
}

/* ------------------------------------------------------------------ */
/* Replies.                                                            */

/* The first line's text of a reply, for messages. */
static const char *
session_reply_text(const struct ss_reply *r)
{
	if (r->nlines == 0 || r->lines[0].raw == NULL) {
		return "";
	}
	return r->lines[0].raw;
}

/* Finish a step by the reply's class: 2xx and 3xx succeed. */
static void
session_finish_by_code(struct ss_session *s, const struct ss_reply *r,
    const char *what)
{
	struct ss_buf	shown;

	ss_buf_init(&shown);
	ss_text_escape(&shown, session_reply_text(r),
	    strlen(session_reply_text(r)));
	if (r->code >= 200 && r->code < 400) {
		session_finish(s, SS_RESULT_OK, r->code, "%s: %s", what,
		    shown.data);
	} else if (r->code >= 400 && r->code < 600) {
		session_finish(s, SS_RESULT_REFUSED, r->code, "%s refused: %s",
		    what, shown.data);
	} else {
		session_finish(s, SS_RESULT_PROTOCOL, r->code, "%s: the reply "
		    "is malformed: %s", what, shown.data);
	}
	ss_buf_finish(&shown);
}

/* Wait for the reply to the command just recorded. */
static void
session_expect_reply(struct ss_session *s)
{
	s->step_exchange = ss_dialog_exchange_count(s->dialog) - 1;
	session_arm(s);
	if (s->fd != -1) {
		session_set_state(s, SS_STATE_WAITING);
	}
}

/* A 334 arrived during AUTH: answer it, or cancel with "*". */
static void
session_auth_challenge(struct ss_session *s, const struct ss_reply *r)
{
	struct ss_buf	 resp;
	const char	*ch = r->nlines > 0 ? r->lines[0].text : "";
	char		*err = NULL;
	int		 secret = 0;

	ss_buf_init(&resp);
	if (s->sasl == NULL || ss_sasl_step(s->sasl, ch, strlen(ch), &resp,
	    &secret, &err) == -1) {
		ss_buf_finish(&resp);
		session_send_line(s, "*", 1, 0, 0);
		session_finish(s, SS_RESULT_PROTOCOL, 334, "AUTH %s stopped at "
		    "the server's challenge: %s; sent \"*\" to cancel it",
		    s->sasl != NULL ? ss_sasl_mech(s->sasl) : "",
		    err != NULL ? err : "a mechanism smtpscope does not speak");
		free(err);
		return;
	}
	/* An empty answer is legal: SCRAM's after the server's proof,
	 * XOAUTH2's after an error object. */
	session_send_line(s, resp.len > 0 ? resp.data : "", resp.len, secret,
	    0);
	ss_wipe(resp.data, resp.len);
	ss_buf_finish(&resp);
	if (s->step_active) {
		session_expect_reply(s);
	}
}

/*
 * A 235: the mechanism may still refuse to trust it (SCRAM, when the
 * server never proved it knows the password).  Says whether it did.
 */
static int
session_auth_untrusted(struct ss_session *s)
{
	char	*err = NULL;

	if (s->sasl == NULL || ss_sasl_finish(s->sasl, &err) == 0) {
		return 0;
	}
	session_finish(s, SS_RESULT_PROTOCOL, 235, "AUTH %s: %s",
	    ss_sasl_mech(s->sasl), err);
	free(err);
	return 1;
}

/* The test message, dot-stuffed, with its final dot. */
static void
session_build_body(struct ss_session *s, struct ss_buf *b)
{
	const char	*p, *nl;
	char		 date[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (s->data_body == NULL) {
		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
		ss_buf_printf(b, "From: smtpscope <smtpscope@example.org>\r\n"
		    "To: %s\r\nSubject: smtpscope test message\r\n"
		    "Date: %s\r\n\r\nThis is a test message sent by smtpscope."
		    "\r\n.\r\n", s->rcpt_to != NULL ? s->rcpt_to :
		    "<postmaster>", date);
		return;
	}
	for (p = s->data_body; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (*p == '.') {
			ss_buf_addc(b, '.');
		}
		if (nl == NULL) {
			ss_buf_adds(b, p);
			ss_buf_adds(b, "\r\n");
			break;
		}
		ss_buf_add(b, p, nl - p - (nl > p && nl[-1] == '\r'));
		ss_buf_adds(b, "\r\n");
	}
	ss_buf_adds(b, ".\r\n");
}

/* 354 to DATA: send the body as one write. */
static void
session_send_body(struct ss_session *s)
{
	struct ss_buf	body;
	unsigned	flags = s->tls != NULL ? SS_EVF_TLS : 0;

	ss_buf_init(&body);
	session_build_body(s, &body);
	ss_buf_add(&s->out, body.data, body.len);
	session_record(s, SS_DIR_CLIENT, SS_KIND_DATA, flags, body.data,
	    body.len);
	ss_buf_finish(&body);
	if (session_flush(s) == -1) {
		session_send_failed(s);
		return;
	}
	session_expect_reply(s);
}

/* How a message names the command a reply answered. */
static const char *
session_step_label(const struct ss_session *s, const struct ss_exchange *x,
    char *buf, size_t len)
{
	switch (x->verb) {
	case SS_VERB_BODY:
		return "the message";
	case SS_VERB_AUTH:
	case SS_VERB_SASL:
		snprintf(buf, len, "AUTH %s", ss_dialog_auth_mech(s->dialog));
		return buf;
	default:
		return x->command != NULL ? x->command : "the command";
	}
}

/* The step's command has its reply: what now? */
static void
session_on_reply(struct ss_session *s, const struct ss_exchange *x)
{
	const struct ss_reply	*r = x->reply;
	char			 label[64];

	session_set_state(s, SS_STATE_READY);
	s->code = r->code;
	if (x->greeting) {
		session_finish_by_code(s, r, "greeting");
		return;
	}
	if (x->verb == SS_VERB_STARTTLS && r->code == 220) {
		session_start_tls(s);
		return;
	}
	if ((x->verb == SS_VERB_AUTH || x->verb == SS_VERB_SASL) &&
	    r->code == 334 && s->step == SS_STEP_AUTH) {
		session_auth_challenge(s, r);
		return;
	}
	if ((x->verb == SS_VERB_AUTH || x->verb == SS_VERB_SASL) &&
	    r->code == 235 && s->step == SS_STEP_AUTH &&
	    session_auth_untrusted(s)) {
		return;
	}
	if (x->verb == SS_VERB_DATA && r->code == 354 &&
	    s->step == SS_STEP_DATA) {
		session_send_body(s);
		return;
	}
	session_finish_by_code(s, r, session_step_label(s, x, label,
	    sizeof(label)));
	if (x->verb == SS_VERB_QUIT && r->code == 221) {
		session_close(s, "connection closed after QUIT");
	}
}

/* Has the dialog paired a reply with the running step's command? */
static void
session_check_reply(struct ss_session *s)
{
	const struct ss_exchange	*x;
	size_t				 before;

	while (s->step_active && s->state != SS_STATE_HANDSHAKE) {
		x = ss_dialog_exchange(s->dialog, s->step_exchange);
		if (x == NULL || x->reply == NULL) {
			return;
		}
		before = s->step_exchange;
		session_on_reply(s, x);
		if (s->step_exchange == before) {
			return;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Reading.                                                            */

/* The memory bound is reached: say which, and stop reading. */
static void
session_over_bound(struct ss_session *s)
{
	session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "warning: the session "
	    "reached its memory bound (%zu MiB of transcript and dialog for "
	    "what the server sent): connection closed; what the server sent "
	    "after this was not read, and no new connection opens (save the "
	    "session and start another)", s->max_memory >> 20);
	session_dropped(s, "connection closed: the session's memory bound was "
	    "reached");
}

/* Read once (and drain TLS); record what came. */
static void
session_read(struct ss_session *s)
{
	char			buf[SESSION_READ_SIZE];
	struct ss_flood_out	out;
	ssize_t			n;

	do {
		if (s->tls != NULL) {
			n = ss_tls_read(s->tls, buf, sizeof(buf));
			session_note_tickets(s);
			if (n == SS_TLS_WANT_READ || n == SS_TLS_WANT_WRITE) {
				return;
			}
			if (n == SS_TLS_ERROR &&
			    ss_tls_failed_after_handshake(s->tls)) {
				session_tls_refused(s);
				return;
			}
			if (n == SS_TLS_ERROR) {
				session_note(s, SS_DIR_TLS, SS_KIND_TLS_FAIL,
				    "%s", ss_tls_error(s->tls));
				session_dropped(s, "the TLS connection failed");
				return;
			}
		} else {
			n = recv(s->fd, buf, sizeof(buf), 0);
			if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
				return;
			}
			if (n == -1) {
				session_dropped(s, errno == ECONNRESET ?
				    "the server reset the connection" :
				    "reading from the server failed");
				return;
			}
		}
		if (n == 0) {
			session_dropped(s, "the server closed the connection");
			return;
		}
		session_flood_out(s, &out);
		ss_flood_feed(&s->flood, buf, (size_t)n, session_t(s), &out);
		if (session_server_memory(s) > s->max_memory) {
			session_over_bound(s);
			return;
		}
		if (s->probe_listening) {
			session_probe_verdict(s, 0);
		}
		session_check_reply(s);
	} while (s->tls != NULL && s->state != SS_STATE_HANDSHAKE &&
	    ss_tls_pending(s->tls) > 0);
}

/* ------------------------------------------------------------------ */
/* Starting steps.                                                     */

/* Why a step cannot start now, or NULL. */
static const char *
session_cannot_start(const struct ss_session *s, enum ss_step step)
{
	if (step >= SS_STEP_LAST) {
		return "no such step";
	}
	if (s->step_active) {
		return "another step is still running (cancel it first)";
	}
	if (step == SS_STEP_CONNECT &&
	    session_server_memory(s) > s->max_memory) {
		return "the session holds as much as its memory bound allows; "
		    "save it and start another";
	}
	if (step == SS_STEP_CONNECT) {
		return NULL;
	}
	if (s->fd == -1) {
		return "not connected (connect first)";
	}
	if (s->state == SS_STATE_HANDSHAKE || s->state == SS_STATE_CONNECTING) {
		return "the connection is not ready yet";
	}
	if (s->unverified && step != SS_STEP_QUIT) {
		return "the server's certificate failed verification; choose "
		    "to go on knowingly before sending more";
	}
	return NULL;
}

/* Warn (in the transcript) about a step the server did not invite. */
static void
session_warn(struct ss_session *s, enum ss_step step, const char *mech)
{
	const struct ss_caps	*caps = ss_dialog_current_caps(s->dialog);
	const char		*kw = step_table[step].keyword;

	if (s->state == SS_STATE_GREETING) {
		session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "warning: the server "
		    "has not sent its greeting yet; sending anyway");
	}
	/* Both send STARTTLS: inside TLS the probe proves nothing. */
	if ((step == SS_STEP_STARTTLS || step == SS_STEP_PROBE_INJECT) &&
	    ss_dialog_in_tls(s->dialog)) {
		session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "warning: already "
		    "inside TLS; sending STARTTLS again anyway");
	} else if (kw != NULL && caps == NULL) {
		session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "warning: no EHLO "
		    "reply yet, so %s is not known to be offered; sending "
		    "anyway", kw);
	} else if (kw != NULL && !ss_caps_has(caps, kw)) {
		session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "warning: the server "
		    "did not advertise %s; sending anyway", kw);
	} else if (step == SS_STEP_AUTH && mech != NULL &&
	    !ss_caps_has_auth(caps, mech)) {
		session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "warning: the server "
		    "did not offer AUTH %s; trying anyway", mech);
	}
	if (step == SS_STEP_AUTH && !ss_dialog_in_tls(s->dialog)) {
		session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "warning: AUTH "
		    "before TLS: the credentials travel unencrypted");
	}
}

/* Is TLS 1.3 up, so tls-exporter channel binding exists (RFC 9266)? */
static int
session_tls13(const struct ss_session *s)
{
	return s->tls != NULL && strcmp(ss_tls_version_str(s->tls),
	    "TLSv1.3") == 0;
}

/* The mechanism AUTH will use: asked, configured, strongest offered. */
static const char *
session_pick_mech(const struct ss_session *s, const char *arg)
{
	const struct ss_caps	*caps = ss_dialog_current_caps(s->dialog);
	const struct ss_cap	*auth;
	const char		*m;

	if (arg != NULL && *arg != '\0') {
		return arg;
	}
	if (s->auth_mech != NULL) {
		return s->auth_mech;
	}
	auth = caps != NULL ? ss_caps_find(caps, "AUTH") : NULL;
	if (auth != NULL && (m = ss_sasl_choose_cb(auth->words, auth->nwords,
	    session_tls13(s))) != NULL) {
		return m;
	}
	return "PLAIN";
}

/*
 * The mechanism's state for this connection: OAUTHBEARER's host and port,
 * and for TLS 1.3 the tls-exporter bytes SCRAM-PLUS binds to (RFC 9266).
 */
static struct ss_sasl *
session_sasl_create(struct ss_session *s, const char *mech, char **err)
{
	const struct ss_caps	*caps = ss_dialog_current_caps(s->dialog);
	struct ss_sasl_params	 p;
	struct ss_sasl		*sasl;
	unsigned char		 cb[32];

	memset(&p, 0, sizeof p);
	p.mech = mech;
	p.user = s->user;
	p.secret = s->password;
	p.host = s->servername;
	p.port = s->port;
	p.server_plus = caps != NULL &&
	    ss_caps_has_auth(caps, "SCRAM-SHA-256-PLUS");
	if (session_tls13(s) && ss_tls_export_keying_material(s->tls,
	    SS_SASL_TLS_EXPORTER_LABEL, "", sizeof cb, cb) == 0) {
		p.cb_data = cb;
		p.cb_len = sizeof cb;
	}
	sasl = ss_sasl_create_with(&p, err);
	ss_wipe(cb, sizeof cb);
	return sasl;
}

/* Start AUTH: the first line, redacted if it carries a secret. */
static int
session_start_auth(struct ss_session *s, const char *mech, char **err)
{
	struct ss_buf	line;
	int		secret = 0;
	size_t		public_len = 0;

	if (s->user == NULL || s->password == NULL) {
		xasprintf(err, "AUTH needs a user name and a %s",
		    ss_sasl_cred_names[ss_sasl_cred_of(mech)]);
		return -1;
	}
	ss_sasl_destroy(s->sasl);
	s->sasl = NULL;
	if (ss_sasl_supported(mech) &&
	    (s->sasl = session_sasl_create(s, mech, err)) == NULL) {
		return -1;
	}
	ss_buf_init(&line);
	if (s->sasl != NULL) {
		ss_sasl_start(s->sasl, &line, &secret, &public_len);
	} else {
		/* A mechanism we do not speak: ask, and cancel at the 334. */
		ss_buf_printf(&line, "AUTH %s", mech);
	}
	session_send_line(s, line.data, line.len, secret, public_len);
	ss_wipe(line.data, line.len);
	ss_buf_finish(&line);
	return 0;
}

/* An address argument in angle brackets. */
static void
session_address(struct ss_buf *b, const char *addr)
{
	if (addr[0] == '<') {
		ss_buf_adds(b, addr);
	} else {
		ss_buf_printf(b, "<%s>", addr);
	}
}

/* The default argument of a step that needs one. */
static const char *
session_default_arg(const struct ss_session *s, enum ss_step step,
    char *tmp, size_t len)
{
	switch (step) {
	case SS_STEP_EHLO:
	case SS_STEP_HELO:
		return s->ehlo_name;
	case SS_STEP_MAIL:
		return s->mail_from != NULL ? s->mail_from :
		    "smtpscope@example.org";
	case SS_STEP_RCPT:
		if (s->rcpt_to != NULL) {
			return s->rcpt_to;
		}
		snprintf(tmp, len, ss_net_is_ip_literal(s->host) ?
		    "postmaster@[%s]" : "postmaster@%s", s->host);
		return tmp;
	case SS_STEP_VRFY:
	case SS_STEP_EXPN:
		return "postmaster";
	default:
		return NULL;
	}
}

/* Build and send the command of a simple step. */
static void
session_send_command(struct ss_session *s, enum ss_step step,
    const char *arg)
{
	struct ss_buf	 line;
	char		 tmp[300];

	if (arg == NULL || *arg == '\0') {
		arg = session_default_arg(s, step, tmp, sizeof(tmp));
	}
	ss_buf_init(&line);
	if (step == SS_STEP_RAW) {
		ss_buf_adds(&line, arg != NULL ? arg : "");
	} else {
		ss_buf_adds(&line, step_table[step].verb);
		if (step == SS_STEP_MAIL || step == SS_STEP_RCPT) {
			session_address(&line, arg);
		} else if (step_table[step].needs_arg && arg != NULL) {
			if (line.data[line.len - 1] != ' ') {
				ss_buf_addc(&line, ' ');
			}
			ss_buf_adds(&line, arg);
		}
	}
	session_send_line(s, line.data, line.len, 0, 0);
	ss_buf_finish(&line);
}

/* Start a step; see session.h. */
int
ss_session_start(struct ss_session *s, enum ss_step step, const char *arg,
    char **err)
{
	const char	*why, *mech = NULL;
	size_t		 before;

	if ((why = session_cannot_start(s, step)) != NULL) {
		*err = xstrdup(why);
		return -1;
	}
	if (step == SS_STEP_RAW && (arg == NULL || strpbrk(arg, "\r\n"))) {
		*err = xstrdup("a raw line must be one line of text");
		return -1;
	}
	if (step == SS_STEP_AUTH) {
		mech = session_pick_mech(s, arg);
	}
	if (step == SS_STEP_DATA && arg != NULL && *arg != '\0') {
		/* The user's edited message becomes the one DATA sends. */
		free(s->data_body);
		s->data_body = xstrdup(arg);
	}
	s->step = step;
	s->step_active = 1;
	s->result = SS_RESULT_NONE;
	s->code = 0;
	session_note(s, SS_DIR_INFO, SS_KIND_STEP, "%s%s%s",
	    ss_step_names[step], mech != NULL ? " " : "",
	    mech != NULL ? mech : "");
	if (step == SS_STEP_CONNECT) {
		session_tls_client_prepare(s);
		session_start_connect(s);
		return 0;
	}
	session_warn(s, step, mech);
	before = ss_dialog_exchange_count(s->dialog);
	if (step == SS_STEP_AUTH) {
		if (session_start_auth(s, mech, err) == -1) {
			s->step_active = 0;
			return -1;
		}
	} else if (step == SS_STEP_PROBE_INJECT) {
		/* Two commands in one write; the reply to wait for is the
		 * STARTTLS one. */
		session_send_line(s, "STARTTLS\r\nRSET", 14, 0, 0);
		if (!s->step_active) {
			return 0;
		}
		s->step_exchange = ss_dialog_exchange_count(s->dialog) - 2;
		session_arm(s);
		session_set_state(s, SS_STATE_WAITING);
		return 0;
	} else {
		session_send_command(s, step, arg);
	}
	if (!s->step_active) {
		return 0;	/* the write failed; the result says so */
	}
	if (ss_dialog_exchange_count(s->dialog) == before) {
		session_finish(s, SS_RESULT_OK, 0, "sent; no reply is expected "
		    "for a line of a message body");
		return 0;
	}
	session_expect_reply(s);
	return 0;
}

/* Give up on the running step. */
void
ss_session_cancel(struct ss_session *s)
{
	if (!s->step_active) {
		return;
	}
	if (s->state == SS_STATE_CONNECTING || s->state == SS_STATE_HANDSHAKE) {
		session_close(s, "closed: the step was cancelled");
	} else if (s->fd != -1) {
		session_set_state(s, SS_STATE_READY);
	}
	session_finish(s, SS_RESULT_CANCELLED, 0, "%s cancelled by the user",
	    ss_step_names[s->step]);
}

/* Credentials for the next AUTH. */
void
ss_session_set_credentials(struct ss_session *s, const char *user,
    const char *password)
{
	if (user != NULL) {
		free(s->user);
		s->user = xstrdup(user);
	}
	if (password != NULL) {
		ss_free_secret(s->password);
		s->password = xstrdup(password);
	}
}

/* A new port for the next connect. */
int
ss_session_set_port(struct ss_session *s, int port, int implicit_tls,
    char **err)
{
	char	buf[16];

	if (s->step_active) {
		*err = xstrdup("a step is still running (cancel it first)");
		return -1;
	}
	if (port <= 0 || port > 65535) {
		xasprintf(err, "port %d is out of range", port);
		return -1;
	}
	s->port = port;
	s->implicit_tls = implicit_tls;
	session_note(s, SS_DIR_INFO, SS_KIND_NOTE, "target changed to port "
	    "%d%s; connect again to use it", port, implicit_tls ?
	    " with TLS from the first byte" : "");
	snprintf(buf, sizeof(buf), "%d", port);
	ss_transcript_set_meta(s->transcript, "port", buf);
	ss_transcript_set_meta(s->transcript, "tls", implicit_tls ?
	    "implicit" : "starttls");
	return 0;
}

/* The port the next (or current) connection uses. */
int
ss_session_port(const struct ss_session *s)
{
	return s->port;
}

/* Does the connection start with TLS? */
int
ss_session_implicit_tls(const struct ss_session *s)
{
	return s->implicit_tls;
}

/* The user chose to go on over an unverified connection. */
void
ss_session_accept_unverified(struct ss_session *s)
{
	if (!s->unverified) {
		return;
	}
	s->unverified = 0;
	session_note(s, SS_DIR_TLS, SS_KIND_TLS_VERIFY, "NOT verified "
	    "flags=0x%x (continuing: the user chose to go on knowingly)",
	    (unsigned)ss_dialog_tls(s->dialog)->verify_flags);
}

/* ------------------------------------------------------------------ */
/* The poll loop.                                                      */

/* The descriptor to watch and for what. */
int
ss_session_pollfd(const struct ss_session *s, struct pollfd *pfd)
{
	if (s->fd == -1) {
		return 0;
	}
	pfd->fd = s->fd;
	pfd->revents = 0;
	switch (s->state) {
	case SS_STATE_CONNECTING:
		pfd->events = POLLOUT;
		break;
	case SS_STATE_HANDSHAKE:
		pfd->events = s->tls_want == SS_TLS_WANT_WRITE ?
		    POLLOUT : POLLIN;
		break;
	default:
		pfd->events = POLLIN;
		if (s->out_done < s->out.len) {
			pfd->events |= POLLOUT;
		}
		break;
	}
	return 1;
}

/* Milliseconds until the next deadline; 0 when work is buffered. */
int
ss_session_timeout(const struct ss_session *s)
{
	uint64_t	now;

	if (s->tls != NULL && s->state != SS_STATE_HANDSHAKE &&
	    ss_tls_pending(s->tls) > 0) {
		return 0;
	}
	if (s->deadline == 0) {
		return -1;
	}
	now = ss_now_us();
	if (now >= s->deadline) {
		return 0;
	}
	return (int)((s->deadline - now + 999) / 1000);
}

/* The step's deadline passed. */
static void
session_timed_out(struct ss_session *s)
{
	int	secs = (s->timeout_ms + 999) / 1000;

	if (s->probe_listening) {
		session_probe_verdict(s, 1);
		return;
	}
	switch (s->state) {
	case SS_STATE_CONNECTING:
		session_close(s, NULL);
		session_set_state(s, SS_STATE_IDLE);
		session_finish(s, SS_RESULT_TIMEOUT, 0, "connecting to %s "
		    "port %d timed out after %d s", s->host, s->port, secs);
		break;
	case SS_STATE_HANDSHAKE:
		session_finish(s, SS_RESULT_TIMEOUT, 0, "the TLS handshake did "
		    "not finish within %d s", secs);
		session_close(s, "connection closed after the TLS timeout");
		break;
	case SS_STATE_GREETING:
		session_set_state(s, SS_STATE_READY);
		if (ss_dialog_reply_in_progress(s->dialog)) {
			session_finish(s, SS_RESULT_TIMEOUT, 0, "the server "
			    "began its greeting but did not finish it within "
			    "%d s", secs);
		} else {
			session_finish(s, SS_RESULT_TIMEOUT, 0, "the server "
			    "accepted the connection but sent no greeting "
			    "within %d s", secs);
		}
		break;
	default:
		session_set_state(s, SS_STATE_READY);
		session_finish(s, SS_RESULT_TIMEOUT, 0, "%s reply to %s within "
		    "%d s", ss_dialog_reply_in_progress(s->dialog) ?
		    "no complete" : "no", ss_step_names[s->step], secs);
		break;
	}
}

/* React to what poll reported (revents 0 after a timeout). */
void
ss_session_process(struct ss_session *s, short revents)
{
	if (s->fd != -1) {
		switch (s->state) {
		case SS_STATE_CONNECTING:
			if (revents & (POLLOUT | POLLERR | POLLHUP)) {
				session_connect_ready(s);
			}
			break;
		case SS_STATE_HANDSHAKE:
			if (revents != 0) {
				session_handshake(s);
			}
			break;
		default:
			if ((revents & POLLOUT) && session_flush(s) == -1) {
				session_send_failed(s);
				break;
			}
			if ((revents & (POLLIN | POLLHUP | POLLERR)) ||
			    (s->tls != NULL && ss_tls_pending(s->tls) > 0)) {
				session_read(s);
			}
			break;
		}
	}
	if (s->step_active && s->deadline != 0 && ss_now_us() >= s->deadline) {
		session_timed_out(s);
	}
}

/* Run one step to its end (batch mode). */
enum ss_result
ss_session_run(struct ss_session *s, enum ss_step step, const char *arg)
{
	struct pollfd	 pfd;
	char		*err = NULL;
	int		 n, rc;

	if (ss_session_start(s, step, arg, &err) == -1) {
		free(s->message);
		s->message = err;
		s->result = SS_RESULT_USAGE;
		return s->result;
	}
	while (s->step_active) {
		n = ss_session_pollfd(s, &pfd);
		if (n == 0 && ss_session_timeout(s) == -1) {
			session_finish(s, SS_RESULT_PROTOCOL, 0, "nothing left "
			    "to wait for");
			break;
		}
		rc = poll(&pfd, (nfds_t)n, ss_session_timeout(s));
		if (rc == -1 && errno != EINTR) {
			session_finish(s, SS_RESULT_PROTOCOL, 0, "poll: %s",
			    strerror(errno));
			break;
		}
		ss_session_process(s, rc > 0 ? pfd.revents : 0);
	}
	return s->result;
}
