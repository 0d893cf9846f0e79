/*
 * demo.c: the built-in teaching server.
 *
 * One poll loop serves the listening socket and every client.  Each client
 * is a small explicit state machine (banner pending, greeted, after EHLO, in
 * a mail transaction, in the message body, in an AUTH exchange, STARTTLS
 * accepted, TLS handshake, closing) with a fixed input buffer and a bounded
 * output buffer, so a hostile client costs a known amount of memory.  All
 * complete lines in the input are answered in order and the replies leave
 * in one write, which is what PIPELINING (RFC 2920) asks of a server.
 *
 * The profile (demo-profile.h) decides every behaviour that differs between
 * real servers; nothing here is keyed on a profile's name.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/demo.h"
#include "smtpscope/net.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "demo-profile.h"
#include "demo-sasl.h"

#define SS_DEMO_HOST		"localhost"
#define SS_DEMO_USER		DEMO_SASL_USER
#define SS_DEMO_PASSWORD	DEMO_SASL_PASSWORD
#define SS_DEMO_LISTEN		"127.0.0.1:0"
#define SS_DEMO_MAX_CLIENTS	256
#define SS_DEMO_IDLE_MS		300000
#define SS_DEMO_CLOSE_MS	10000	/* to flush the last reply */
#define SS_DEMO_LINGER_MS	1000	/* then for the client's own close */
#define SS_DEMO_TICK_MS		200	/* how often *stop is checked */

#define SS_DEMO_LINE_MAX	1000	/* octets with CRLF, RFC 5321 4.5.3.1 */
#define SS_DEMO_IN_MAX		4096	/* input buffer, fixed per client */
#define SS_DEMO_OUT_MAX		(63 * 1024) /* no new replies above this */
#define SS_DEMO_TLS_CHUNK	16384	/* one TLS record of plaintext */
#define SS_DEMO_MAX_ERRORS	20	/* bad commands before 421 */
#define SS_DEMO_MAX_LONG	3	/* over-long lines before 421 */
#define SS_DEMO_MAX_RCPT	100
#define SS_DEMO_SIZE_LIMIT	52428800ULL
#define SS_DEMO_ACCEPT_BURST	64
#define SS_DEMO_NAME_MAX	64	/* EHLO name echoed back */

enum ss_demo_state {
	SS_DEMO_BANNER_WAIT,	/* connected; banner not sent yet */
	SS_DEMO_HANDSHAKE,	/* TLS handshake in progress */
	SS_DEMO_GREETED,	/* banner sent: EHLO or HELO expected */
	SS_DEMO_READY,		/* after EHLO/HELO, no transaction */
	SS_DEMO_MAIL,		/* MAIL accepted: RCPT, DATA expected */
	SS_DEMO_DATA,		/* reading the message body */
	SS_DEMO_AUTH,		/* an AUTH exchange awaits an answer */
	SS_DEMO_STARTTLS,	/* 220 queued: handshake once it is sent */
	SS_DEMO_CLOSING,	/* flush the output, then close */
	SS_DEMO_STATE_LAST
};

static const char *const ss_demo_state_names[] = {
	"banner-wait", "handshake", "greeted", "ready", "mail", "data",
	"auth", "starttls", "closing"
};
_Static_assert(SS_NITEMS(ss_demo_state_names) == SS_DEMO_STATE_LAST,
    "one name per demo client state");

#define SS_DEMO_BIT(s)	(1u << (SS_DEMO_##s))
#define SS_DEMO_IN_SESSION \
	(SS_DEMO_BIT(GREETED) | SS_DEMO_BIT(READY) | SS_DEMO_BIT(MAIL))

struct ss_demo_client {
	int			 fd;
	struct ss_addr		 peer;
	enum ss_demo_state	 state;
	int			 dead;
	const char		*why;		/* why it closed, for the log */
	int			 lingering;	/* our close sent: reading on
						   to the client's */

	struct ss_tls		*tls;		/* set from the handshake on */
	int			 secure;	/* handshake completed */
	short			 hs_events;	/* the handshake waits for */
	size_t			 tls_retry;	/* TLS write to repeat */

	uint64_t		 banner_at_us;
	uint64_t		 last_us;	/* last byte in or out */

	char			 in[SS_DEMO_IN_MAX];
	size_t			 inlen;
	int			 discarding;	/* rest of an over-long line */
	struct ss_buf		 out;

	int			 errors;
	int			 long_lines;
	int			 authed;
	int			 rcpts;
	uint64_t		 body_bytes;
	int			 body_long;

	const struct ss_demo_mech *mech;	/* AUTH in progress */
	int			 auth_step;
	char			 auth_user[SS_DEMO_LINE_MAX];
	char			 challenge[96];
	struct demo_sasl	 sasl;		/* SCRAM and bearer state */
};

struct ss_demo {
	const struct ss_demo_profile *profile;
	struct ss_tls_server	*tls;
	int			 listen_fd;
	struct ss_addr		 bound;
	int			 max_clients;
	int			 idle_ms;
	FILE			*log;

	struct ss_demo_client	**clients;
	size_t			 nclients;
	atomic_size_t		 nclients_shared;	/* for other threads */
	unsigned long		 serial;		/* for queue ids */

	int			 wake[2];	/* destroy stops the thread */
	pthread_t		 thread;
	int			 threaded;	/* set before the thread starts */
};

typedef void ss_demo_cmd_fn(struct ss_demo *, struct ss_demo_client *,
    const char *);

/* One SMTP verb: in which states it is in sequence, and its handler. */
struct ss_demo_command {
	const char	*verb;
	unsigned	 states;
	const char	*out_of_sequence;	/* text of the 503 */
	ss_demo_cmd_fn	*handle;
};

/* One SASL mechanism, server side. */
struct ss_demo_mech {
	const char	*name;
	int		 basic;		/* sends the password itself */
	void		(*start)(struct ss_demo *, struct ss_demo_client *,
			    const char *);
	void		(*answer)(struct ss_demo *, struct ss_demo_client *,
			    const char *);
};

/* Append one line to the demo's log file, if it keeps one. */
static void __attribute__((format(printf, 3, 4)))
ss_demo_log(struct ss_demo *d, const struct ss_demo_client *c,
    const char *fmt, ...)
{
	va_list		 ap;
	struct tm	 tm;
	time_t		 now;
	char		 stamp[32];

	if (d->log == NULL)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(d->log, "%s %s port %d: ", stamp, c != NULL ? c->peer.text :
	    "-", c != NULL ? ss_net_addr_port(&c->peer) : 0);
	va_start(ap, fmt);
	vfprintf(d->log, fmt, ap);
	va_end(ap);
	fputc('\n', d->log);
	fflush(d->log);
}

/* Queue one reply line (CRLF added) for the client. */
static void __attribute__((format(printf, 2, 3)))
ss_demo_reply(struct ss_demo_client *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;

	va_start(ap, fmt);
	xvasprintf(&line, fmt, ap);
	va_end(ap);
	ss_buf_adds(&c->out, line);
	ss_buf_adds(&c->out, "\r\n");
	free(line);
}

/* A reply that ends the session: send it, then close. */
static void
ss_demo_goodbye(struct ss_demo_client *c, const char *reply, const char *why)
{
	ss_demo_reply(c, "%s", reply);
	c->state = SS_DEMO_CLOSING;
	c->why = why;
}

/* Count a client mistake; too many of them end the session. */
static void
ss_demo_error(struct ss_demo_client *c, const char *reply)
{
	ss_demo_reply(c, "%s", reply);
	if (++c->errors > SS_DEMO_MAX_ERRORS)
		ss_demo_goodbye(c, "421 4.7.0 " SS_DEMO_HOST " too many "
		    "errors; closing connection", "too many errors");
}

/* Forget the mail transaction (RSET, EHLO, after DATA). */
static void
ss_demo_reset(struct ss_demo_client *c)
{
	c->rcpts = 0;
	c->body_bytes = 0;
	c->body_long = 0;
	if (c->state == SS_DEMO_MAIL)
		c->state = SS_DEMO_READY;
}

/* The client's EHLO name, made safe to echo: printable ASCII, bounded. */
static void
ss_demo_safe_name(const char *arg, char *out, size_t size)
{
	size_t	i;

	for (i = 0; arg[i] != '\0' && arg[i] != ' ' && i + 1 < size; i++)
		out[i] = (arg[i] > 0x20 && arg[i] < 0x7f) ? arg[i] : '?';
	out[i] = '\0';
}

/* Does the word appear in a space-separated list (case-insensitive)? */
static int
ss_demo_word_in(const char *list, const char *word)
{
	size_t		 n = strlen(word);
	const char	*p = list;

	while (p != NULL && *p != '\0') {
		if (ss_strncasecmp(p, word, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Commands.                                                           */

/* EHLO: the keyword list of the current phase, one line each. */
static void
ss_demo_cmd_ehlo(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	const char *const	*kw;
	char			 name[SS_DEMO_NAME_MAX];

	if (*arg == '\0') {
		ss_demo_error(c, "501 5.5.4 EHLO needs your host name (a "
		    "domain or an [address])");
		return;
	}
	ss_demo_safe_name(arg, name, sizeof(name));
	ss_demo_reset(c);
	c->state = SS_DEMO_READY;
	kw = c->secure ? d->profile->ehlo_tls : d->profile->ehlo_plain;
	ss_demo_reply(c, "250%c" SS_DEMO_HOST " Hello %s [%s]",
	    kw[0] != NULL ? '-' : ' ', name, c->peer.text);
	for (; *kw != NULL; kw++)
		ss_demo_reply(c, "250%c%s", kw[1] != NULL ? '-' : ' ', *kw);
}

/* HELO: the old greeting, no extensions. */
static void
ss_demo_cmd_helo(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	char	name[SS_DEMO_NAME_MAX];

	(void)d;
	if (*arg == '\0') {
		ss_demo_error(c, "501 5.5.4 HELO needs your host name");
		return;
	}
	ss_demo_safe_name(arg, name, sizeof(name));
	ss_demo_reset(c);
	c->state = SS_DEMO_READY;
	ss_demo_reply(c, "250 " SS_DEMO_HOST " Hello %s [%s]", name,
	    c->peer.text);
}

/* STARTTLS: go ahead (220), or refuse as the profile says. */
static void
ss_demo_cmd_starttls(struct ss_demo *d, struct ss_demo_client *c,
    const char *arg)
{
	const struct ss_demo_profile	*p = d->profile;

	if (*arg != '\0')
		ss_demo_error(c, "501 5.5.4 STARTTLS takes no argument");
	else if (c->tls != NULL)
		ss_demo_error(c, "503 5.5.1 TLS is already active");
	else if (!p->offer_starttls)
		ss_demo_error(c, "502 5.5.1 STARTTLS is not offered by this "
		    "server");
	else if (p->starttls_code != 220)
		ss_demo_reply(c, "%d 4.7.0 TLS is not available right now; "
		    "try again later", p->starttls_code);
	else {
		ss_demo_reply(c, "220 2.0.0 Go ahead: start the TLS "
		    "handshake");
		if (p->inject_after_220 != NULL)
			ss_buf_adds(&c->out, p->inject_after_220);
		c->state = SS_DEMO_STARTTLS;
	}
}

/* Leave an AUTH exchange without a verdict (cancel, bad input). */
static void
ss_demo_auth_abort(struct ss_demo_client *c)
{
	if (c->state == SS_DEMO_AUTH)
		c->state = SS_DEMO_READY;
	c->mech = NULL;
	ss_wipe(c->auth_user, sizeof(c->auth_user));
	demo_sasl_finish(&c->sasl);
}

/* Finish an AUTH exchange with its verdict. */
static void
ss_demo_auth_done(struct ss_demo *d, struct ss_demo_client *c, int ok)
{
	if (c->mech->basic && d->profile->basic_auth_disabled) {
		/* Microsoft 365's answer to a password, right or wrong. */
		ss_demo_log(d, c, "AUTH %s refused: basic authentication is "
		    "disabled", c->mech->name);
		ss_demo_error(c, "535 5.7.139 Authentication unsuccessful, "
		    "basic authentication is disabled.");
		ss_demo_auth_abort(c);
		return;
	}
	ss_demo_log(d, c, "AUTH %s %s", c->mech->name, ok ? "succeeded" :
	    "failed");
	if (ok) {
		c->authed = 1;
		ss_demo_reply(c, "235 2.7.0 Authentication succeeded");
	} else
		ss_demo_error(c, "535 5.7.8 Authentication credentials "
		    "invalid");
	ss_demo_auth_abort(c);
}

/* Decode a base64 answer into b; "=" is the empty answer (RFC 4954). */
static int
ss_demo_decode(const char *b64, struct ss_buf *b)
{
	if (strcmp(b64, "=") == 0)
		return 0;
	return ss_base64_decode(b, b64, strlen(b64));
}

/* Do user and password match the demo account? */
static int
ss_demo_account_ok(const char *user, size_t ulen, const char *pass,
    size_t plen)
{
	return ulen == strlen(SS_DEMO_USER) &&
	    memcmp(user, SS_DEMO_USER, ulen) == 0 &&
	    plen == strlen(SS_DEMO_PASSWORD) &&
	    memcmp(pass, SS_DEMO_PASSWORD, plen) == 0;
}

/* Wipe and free a buffer that held a decoded AUTH answer. */
static void
ss_demo_forget(struct ss_buf *b)
{
	ss_wipe(b->data, b->cap);
	ss_buf_finish(b);
}

/* PLAIN (RFC 4616): authzid NUL authcid NUL password. */
static void
ss_demo_plain_answer(struct ss_demo *d, struct ss_demo_client *c,
    const char *b64)
{
	struct ss_buf	 b;
	const char	*authcid, *pass, *end;
	int		 ok = 0;

	ss_buf_init(&b);
	if (ss_demo_decode(b64, &b) == -1) {
		ss_demo_auth_abort(c);
		ss_demo_error(c, "501 5.5.2 cannot decode the base64 answer");
		ss_demo_forget(&b);
		return;
	}
	end = b.data + b.len;
	if (b.len > 0 && (authcid = memchr(b.data, '\0', b.len)) != NULL &&
	    (pass = memchr(authcid + 1, '\0', end - authcid - 1)) != NULL) {
		authcid++;
		ok = (authcid - 1 == b.data || strcmp(b.data, SS_DEMO_USER) ==
		    0) && ss_demo_account_ok(authcid, pass - authcid, pass + 1,
		    end - pass - 1);
	}
	ss_demo_forget(&b);
	ss_demo_auth_done(d, c, ok);
}

/* AUTH PLAIN [initial-response]. */
static void
ss_demo_plain_start(struct ss_demo *d, struct ss_demo_client *c,
    const char *initial)
{
	if (*initial != '\0') {
		ss_demo_plain_answer(d, c, initial);
		return;
	}
	c->state = SS_DEMO_AUTH;
	ss_demo_reply(c, "334 ");
}

/* LOGIN: user name, then password, each in base64. */
static void
ss_demo_login_answer(struct ss_demo *d, struct ss_demo_client *c,
    const char *b64)
{
	struct ss_buf	b;
	int		ok;

	ss_buf_init(&b);
	if (ss_demo_decode(b64, &b) == -1 ||
	    memchr(b.data, '\0', b.len) != NULL) {
		ss_demo_auth_abort(c);
		ss_demo_error(c, "501 5.5.2 cannot decode the base64 answer");
		ss_demo_forget(&b);
		return;
	}
	if (c->auth_step++ == 0) {
		ss_strlcpy(c->auth_user, b.data, sizeof(c->auth_user));
		c->state = SS_DEMO_AUTH;
		ss_demo_reply(c, "334 UGFzc3dvcmQ6");	/* "Password:" */
	} else {
		ok = ss_demo_account_ok(c->auth_user, strlen(c->auth_user),
		    b.data, b.len);
		ss_demo_auth_done(d, c, ok);
	}
	ss_demo_forget(&b);
}

/* AUTH LOGIN [user-in-base64]. */
static void
ss_demo_login_start(struct ss_demo *d, struct ss_demo_client *c,
    const char *initial)
{
	c->auth_step = 0;
	if (*initial != '\0') {
		ss_demo_login_answer(d, c, initial);
		return;
	}
	c->state = SS_DEMO_AUTH;
	ss_demo_reply(c, "334 VXNlcm5hbWU6");	/* "Username:" */
}

/* CRAM-MD5 (RFC 2195): a fresh challenge, answered "user hex-hmac". */
static void
ss_demo_cram_start(struct ss_demo *d, struct ss_demo_client *c,
    const char *initial)
{
	struct ss_buf	b;
	uint32_t	r = 0;

	if (*initial != '\0') {
		c->mech = NULL;
		ss_demo_error(c, "501 5.5.2 CRAM-MD5 takes no initial "
		    "response");
		return;
	}
	(void)ss_crypto_random(&r, sizeof(r));
	snprintf(c->challenge, sizeof(c->challenge), "<%lu.%lu@%s>",
	    (unsigned long)r, ++d->serial, SS_DEMO_HOST);
	ss_buf_init(&b);
	ss_base64_encode(&b, c->challenge, strlen(c->challenge));
	c->state = SS_DEMO_AUTH;
	ss_demo_reply(c, "334 %s", b.data);
	ss_buf_finish(&b);
}

/* Check "user hexdigest" against HMAC-MD5(password, challenge). */
static void
ss_demo_cram_answer(struct ss_demo *d, struct ss_demo_client *c,
    const char *b64)
{
	struct ss_buf	 b;
	unsigned char	 mac[16];
	char		 hex[33];
	const char	*sp;
	size_t		 i;
	int		 ok = 0;

	ss_buf_init(&b);
	if (ss_demo_decode(b64, &b) == 0 && b.len > 0 &&
	    (sp = memchr(b.data, ' ', b.len)) != NULL &&
	    ss_crypto_hmac_md5(SS_DEMO_PASSWORD, strlen(SS_DEMO_PASSWORD),
	    c->challenge, strlen(c->challenge), mac) == 0) {
		for (i = 0; i < sizeof(mac); i++)
			snprintf(hex + 2 * i, 3, "%02x", mac[i]);
		ok = (size_t)(sp - b.data) == strlen(SS_DEMO_USER) &&
		    memcmp(b.data, SS_DEMO_USER, sp - b.data) == 0 &&
		    b.data + b.len - sp - 1 == 32 &&
		    ss_strncasecmp(sp + 1, hex, 32) == 0;
	}
	ss_demo_forget(&b);
	ss_demo_auth_done(d, c, ok);
}

/* What demo-sasl.c decided: a 334 to send, a verdict, or a 501. */
static void
ss_demo_sasl_outcome(struct ss_demo *d, struct ss_demo_client *c,
    enum demo_sasl_outcome rc, struct ss_buf *reply)
{
	switch (rc) {
	case DEMO_SASL_CONTINUE:
		c->state = SS_DEMO_AUTH;
		ss_demo_reply(c, "%s", reply->data);
		break;
	case DEMO_SASL_OK:
	case DEMO_SASL_FAIL:
		ss_demo_auth_done(d, c, rc == DEMO_SASL_OK);
		break;
	case DEMO_SASL_BAD:
		ss_demo_auth_abort(c);
		ss_demo_error(c, reply->data);
		break;
	}
}

/* SCRAM, XOAUTH2, OAUTHBEARER [initial-response]: see demo-sasl.c. */
static void
ss_demo_sasl_start(struct ss_demo *d, struct ss_demo_client *c,
    const char *initial)
{
	struct demo_sasl_conn	 conn;
	struct ss_buf		 reply;
	unsigned char		 cb[32];

	memset(&conn, 0, sizeof conn);
	conn.proof = d->profile->scram_proof;
	conn.plus_offered = ss_demo_offers(d, "SCRAM-SHA-256-PLUS");
	if (c->tls != NULL && strcmp(ss_tls_version_str(c->tls),
	    "TLSv1.3") == 0 && ss_tls_export_keying_material(c->tls,
	    "EXPORTER-Channel-Binding", "", sizeof cb, cb) == 0) {
		conn.cb = cb;
		conn.cb_len = sizeof cb;
	}
	ss_buf_init(&reply);
	ss_demo_sasl_outcome(d, c, demo_sasl_start(&c->sasl, c->mech->name,
	    &conn, initial, &reply), &reply);
	ss_buf_finish(&reply);
	ss_wipe(cb, sizeof cb);
}

/* The next line of such an exchange. */
static void
ss_demo_sasl_answer(struct ss_demo *d, struct ss_demo_client *c,
    const char *line)
{
	struct ss_buf	 reply;

	ss_buf_init(&reply);
	ss_demo_sasl_outcome(d, c, demo_sasl_answer(&c->sasl, line, &reply),
	    &reply);
	ss_buf_finish(&reply);
}

static const struct ss_demo_mech ss_demo_mechs[] = {
	{ "PLAIN", 1, ss_demo_plain_start, ss_demo_plain_answer },
	{ "LOGIN", 1, ss_demo_login_start, ss_demo_login_answer },
	{ "CRAM-MD5", 0, ss_demo_cram_start, ss_demo_cram_answer },
	{ "SCRAM-SHA-256-PLUS", 0, ss_demo_sasl_start, ss_demo_sasl_answer },
	{ "SCRAM-SHA-256", 0, ss_demo_sasl_start, ss_demo_sasl_answer },
	{ "SCRAM-SHA-1", 0, ss_demo_sasl_start, ss_demo_sasl_answer },
	{ "XOAUTH2", 0, ss_demo_sasl_start, ss_demo_sasl_answer },
	{ "OAUTHBEARER", 0, ss_demo_sasl_start, ss_demo_sasl_answer },
};

/* AUTH mechanism [initial-response]. */
static void
ss_demo_cmd_auth(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	const struct ss_demo_profile	*p = d->profile;
	const char			*initial;
	char				 mech[32];
	size_t				 i, n;

	n = strcspn(arg, " ");
	initial = arg[n] == ' ' ? arg + n + 1 : "";
	if (p->mechanisms == NULL)
		ss_demo_error(c, "502 5.5.1 AUTH is not offered by this "
		    "server");
	else if (!c->secure && !p->auth_before_tls)
		ss_demo_error(c, "530 5.7.0 TLS first: AUTH is offered only "
		    "after STARTTLS");
	else if (c->authed)
		ss_demo_error(c, "503 5.5.1 already authenticated");
	else if (n == 0)
		ss_demo_error(c, "501 5.5.4 AUTH needs a mechanism name");
	else {
		ss_strlcpy(mech, arg, n < sizeof(mech) ? n + 1 : sizeof(mech));
		for (i = 0; i < SS_NITEMS(ss_demo_mechs); i++) {
			if (ss_strcasecmp(mech, ss_demo_mechs[i].name) == 0 &&
			    ss_demo_word_in(p->mechanisms, mech)) {
				c->mech = &ss_demo_mechs[i];
				c->mech->start(d, c, initial);
				return;
			}
		}
		ss_demo_error(c, "504 5.5.4 that mechanism is not offered "
		    "here");
	}
}

/* Parse a "FROM:" or "TO:" argument; NULL if the syntax is wrong. */
static const char *
ss_demo_path(const char *arg, const char *prefix)
{
	size_t	n = strlen(prefix);

	if (ss_strncasecmp(arg, prefix, n) != 0)
		return NULL;
	arg += n;
	while (*arg == ' ')
		arg++;
	if (*arg != '<' || strchr(arg, '>') == NULL)
		return NULL;
	return arg;
}

/* The SIZE= parameter of MAIL, 0 when absent. */
static unsigned long long
ss_demo_size_param(const char *arg)
{
	const char	*p;

	for (p = strchr(arg, ' '); p != NULL; p = strchr(p + 1, ' ')) {
		if (ss_strncasecmp(p + 1, "SIZE=", 5) == 0)
			return strtoull(p + 6, NULL, 10);
	}
	return 0;
}

/* MAIL FROM:<address> [SIZE=n]. */
static void
ss_demo_cmd_mail(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	if (ss_demo_path(arg, "FROM:") == NULL)
		ss_demo_error(c, "501 5.5.4 syntax: MAIL FROM:<address>");
	else if (d->profile->tls_for_mail && !c->secure)
		ss_demo_error(c, "530 5.7.0 TLS first: send STARTTLS before "
		    "MAIL");
	else if (ss_demo_size_param(arg) > SS_DEMO_SIZE_LIMIT)
		ss_demo_reply(c, "552 5.3.4 message size exceeds the limit of "
		    "%llu octets", SS_DEMO_SIZE_LIMIT);
	else {
		c->state = SS_DEMO_MAIL;
		c->rcpts = 0;
		ss_demo_reply(c, "250 2.1.0 sender OK");
	}
}

/* RCPT TO:<address>. */
static void
ss_demo_cmd_rcpt(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	if (ss_demo_path(arg, "TO:") == NULL)
		ss_demo_error(c, "501 5.5.4 syntax: RCPT TO:<address>");
	else if (d->profile->greylist)
		ss_demo_reply(c, "451 4.7.1 greylisted: this sender is new "
		    "here, please try again in a few minutes");
	else if (c->rcpts >= SS_DEMO_MAX_RCPT)
		ss_demo_reply(c, "452 4.5.3 too many recipients");
	else {
		c->rcpts++;
		ss_demo_reply(c, "250 2.1.5 recipient OK");
	}
}

/* DATA: the body follows after 354. */
static void
ss_demo_cmd_data(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	(void)d;
	if (*arg != '\0')
		ss_demo_error(c, "501 5.5.4 DATA takes no argument");
	else if (c->rcpts == 0)
		ss_demo_reply(c, "554 5.5.1 no valid recipients");
	else {
		c->state = SS_DEMO_DATA;
		c->body_bytes = 0;
		c->body_long = 0;
		ss_demo_reply(c, "354 Go ahead: end the message with a line "
		    "holding only \".\"");
	}
}

/* RSET: drop the transaction. */
static void
ss_demo_cmd_rset(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	(void)d;
	(void)arg;
	ss_demo_reset(c);
	ss_demo_reply(c, "250 2.0.0 reset");
}

/* NOOP. */
static void
ss_demo_cmd_noop(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	(void)d;
	(void)arg;
	ss_demo_reply(c, "250 2.0.0 OK");
}

/* HELP: the verbs this server knows. */
static void
ss_demo_cmd_help(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	(void)d;
	(void)arg;
	ss_demo_reply(c, "214-Commands supported:");
	ss_demo_reply(c, "214-    EHLO HELO STARTTLS AUTH MAIL RCPT DATA");
	ss_demo_reply(c, "214-    RSET NOOP HELP VRFY EXPN QUIT");
	ss_demo_reply(c, "214 2.0.0 the demo user is \"" SS_DEMO_USER "\"");
}

/* VRFY: never confirm a user (that would help address harvesters). */
static void
ss_demo_cmd_vrfy(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	(void)d;
	(void)arg;
	ss_demo_reply(c, "252 2.5.2 cannot verify users, but will accept "
	    "mail and try");
}

/* EXPN: disabled, as on nearly every server today. */
static void
ss_demo_cmd_expn(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	(void)d;
	(void)arg;
	ss_demo_reply(c, "502 5.5.1 EXPN is disabled here");
}

/* QUIT. */
static void
ss_demo_cmd_quit(struct ss_demo *d, struct ss_demo_client *c, const char *arg)
{
	(void)d;
	(void)arg;
	ss_demo_goodbye(c, "221 2.0.0 " SS_DEMO_HOST " closing connection",
	    "QUIT");
}

static const struct ss_demo_command ss_demo_commands[] = {
	{ "EHLO", SS_DEMO_IN_SESSION, NULL, ss_demo_cmd_ehlo },
	{ "HELO", SS_DEMO_IN_SESSION, NULL, ss_demo_cmd_helo },
	{ "STARTTLS", SS_DEMO_BIT(READY),
	    "503 5.5.1 STARTTLS must follow EHLO, outside a transaction",
	    ss_demo_cmd_starttls },
	{ "AUTH", SS_DEMO_BIT(READY),
	    "503 5.5.1 AUTH must follow EHLO, outside a transaction",
	    ss_demo_cmd_auth },
	{ "MAIL", SS_DEMO_BIT(READY),
	    "503 5.5.1 MAIL needs EHLO or HELO first, and no open transaction",
	    ss_demo_cmd_mail },
	{ "RCPT", SS_DEMO_BIT(MAIL), "503 5.5.1 RCPT needs MAIL FROM first",
	    ss_demo_cmd_rcpt },
	{ "DATA", SS_DEMO_BIT(MAIL), "503 5.5.1 DATA needs MAIL FROM and RCPT "
	    "TO first", ss_demo_cmd_data },
	{ "RSET", SS_DEMO_IN_SESSION, NULL, ss_demo_cmd_rset },
	{ "NOOP", SS_DEMO_IN_SESSION, NULL, ss_demo_cmd_noop },
	{ "HELP", SS_DEMO_IN_SESSION, NULL, ss_demo_cmd_help },
	{ "VRFY", SS_DEMO_IN_SESSION, NULL, ss_demo_cmd_vrfy },
	{ "EXPN", SS_DEMO_IN_SESSION, NULL, ss_demo_cmd_expn },
	{ "QUIT", SS_DEMO_IN_SESSION, NULL, ss_demo_cmd_quit },
};

/* One command line (CRLF removed, no NUL inside). */
static void
ss_demo_command(struct ss_demo *d, struct ss_demo_client *c, const char *line)
{
	const struct ss_demo_command	*cmd;
	const char			*arg;
	size_t				 n, i;

	n = strcspn(line, " ");
	arg = line + n;
	while (*arg == ' ')
		arg++;
	for (i = 0; i < SS_NITEMS(ss_demo_commands); i++) {
		cmd = &ss_demo_commands[i];
		if (strlen(cmd->verb) != n ||
		    ss_strncasecmp(line, cmd->verb, n) != 0)
			continue;
		if ((cmd->states & (1u << c->state)) == 0)
			ss_demo_error(c, cmd->out_of_sequence);
		else
			cmd->handle(d, c, arg);
		return;
	}
	ss_demo_error(c, "500 5.5.1 unrecognised command");
}

/* One line of the message body; "." alone (with CRLF) ends it. */
static void
ss_demo_body_line(struct ss_demo *d, struct ss_demo_client *c,
    const char *line, size_t len)
{
	char	id[32];

	if (len == 3 && memcmp(line, ".\r\n", 3) == 0) {
		c->state = SS_DEMO_READY;
		if (c->body_long)
			ss_demo_reply(c, "500 5.5.2 message refused: a line "
			    "was over %d octets", SS_DEMO_LINE_MAX);
		else if (c->body_bytes > SS_DEMO_SIZE_LIMIT)
			ss_demo_reply(c, "552 5.3.4 message size exceeds the "
			    "limit of %llu octets", SS_DEMO_SIZE_LIMIT);
		else {
			snprintf(id, sizeof(id), "%08lX-%06lX-SS",
			    (unsigned long)time(NULL), ++d->serial);
			ss_demo_reply(c, "250 2.0.0 OK id=%s (accepted and "
			    "discarded)", id);
			ss_demo_log(d, c, "message %s: %llu octets discarded",
			    id, (unsigned long long)c->body_bytes);
		}
		ss_demo_reset(c);
		return;
	}
	c->body_bytes += len;
}

/* One complete input line, CRLF (or bare LF) included. */
static void
ss_demo_line(struct ss_demo *d, struct ss_demo_client *c, const char *line,
    size_t len)
{
	char	text[SS_DEMO_LINE_MAX + 1];
	size_t	n = len;

	if (c->state == SS_DEMO_DATA) {
		ss_demo_body_line(d, c, line, len);
		return;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (memchr(line, '\0', n) != NULL) {
		ss_demo_auth_abort(c);
		ss_demo_error(c, "500 5.5.2 NUL byte in command");
		return;
	}
	memcpy(text, line, n);
	text[n] = '\0';
	if (c->state != SS_DEMO_AUTH)
		ss_demo_command(d, c, text);
	else if (strcmp(text, "*") == 0) {
		ss_demo_auth_abort(c);
		ss_demo_error(c, "501 5.0.0 AUTH cancelled");
	} else
		c->mech->answer(d, c, text);
	ss_wipe(text, n);
}

/* A line over the limit: refuse it, and close on hostile repetition. */
static void
ss_demo_too_long(struct ss_demo_client *c)
{
	if (c->state == SS_DEMO_DATA) {
		c->body_long = 1;
		return;
	}
	ss_demo_auth_abort(c);
	ss_demo_reply(c, "500 5.5.2 line too long (the limit is %d octets)",
	    SS_DEMO_LINE_MAX);
	if (++c->long_lines >= SS_DEMO_MAX_LONG)
		ss_demo_goodbye(c, "421 4.7.0 " SS_DEMO_HOST " too many "
		    "over-long lines; closing connection", "over-long lines");
}

/* Is the client in a state that consumes input lines? */
static int
ss_demo_wants_lines(const struct ss_demo_client *c)
{
	return c->state == SS_DEMO_GREETED || c->state == SS_DEMO_READY ||
	    c->state == SS_DEMO_MAIL || c->state == SS_DEMO_DATA ||
	    c->state == SS_DEMO_AUTH;
}

/* Answer every complete line in the input, in order. */
static void
ss_demo_process(struct ss_demo *d, struct ss_demo_client *c)
{
	const char	*start, *lf;
	size_t		 used = 0, avail, len;

	while (ss_demo_wants_lines(c) && c->out.len < SS_DEMO_OUT_MAX &&
	    used < c->inlen) {
		start = c->in + used;
		avail = c->inlen - used;
		lf = memchr(start, '\n', avail);
		if (c->discarding) {
			used = lf != NULL ? (size_t)(lf - c->in) + 1 : c->inlen;
			c->discarding = lf == NULL;
			continue;
		}
		if (lf == NULL) {
			if (avail >= SS_DEMO_LINE_MAX) {
				ss_demo_too_long(c);
				c->discarding = 1;
				used = c->inlen;
			}
			break;
		}
		len = (size_t)(lf - start) + 1;
		if (len > SS_DEMO_LINE_MAX)
			ss_demo_too_long(c);
		else
			ss_demo_line(d, c, start, len);
		used += len;
	}
	memmove(c->in, c->in + used, c->inlen - used);
	c->inlen -= used;
}

/* ------------------------------------------------------------------ */
/* Transport: plaintext and TLS reads and writes, the handshake.       */

/* Write what can be written now; keeps the rest for POLLOUT. */
static void
ss_demo_flush(struct ss_demo_client *c)
{
	ssize_t	n;
	size_t	len;

	while (c->out.len > 0 && !c->dead) {
		if (c->tls != NULL) {
			len = c->tls_retry != 0 ? c->tls_retry : c->out.len;
			if (len > SS_DEMO_TLS_CHUNK)
				len = SS_DEMO_TLS_CHUNK;
			n = ss_tls_write(c->tls, c->out.data, len);
			c->tls_retry = n < 0 ? len : 0;
			if (n == SS_TLS_WANT_READ || n == SS_TLS_WANT_WRITE)
				return;
		} else {
			n = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				return;
		}
		if (n <= 0) {
			c->dead = 1;
			c->why = "write failed";
			return;
		}
		memmove(c->out.data, c->out.data + n, c->out.len - (size_t)n);
		c->out.len -= (size_t)n;
		c->out.data[c->out.len] = '\0';
		c->last_us = ss_now_us();
	}
}

/* May the client's input be read now? */
static int
ss_demo_can_read(const struct ss_demo_client *c)
{
	if (c->lingering)
		return !c->dead;
	if (c->dead || c->inlen >= sizeof(c->in) ||
	    c->out.len >= SS_DEMO_OUT_MAX)
		return 0;
	return c->state != SS_DEMO_HANDSHAKE && c->state != SS_DEMO_STARTTLS &&
	    c->state != SS_DEMO_CLOSING;
}

#define SS_DEMO_READ_EOF	(-1)	/* the client closed */
#define SS_DEMO_READ_FAILED	(-2)

/* One read from the client, in TLS or not: the bytes read, 0 when nothing
 * is waiting, or SS_DEMO_READ_EOF / SS_DEMO_READ_FAILED. */
static ssize_t
ss_demo_recv(struct ss_demo_client *c, char *buf, size_t len)
{
	ssize_t	n;

	if (c->tls != NULL)
		n = ss_tls_read(c->tls, buf, len);
	else
		n = recv(c->fd, buf, len, 0);
	if (n > 0)
		return n;
	if (n == 0)
		return SS_DEMO_READ_EOF;
	if (c->tls != NULL && (n == SS_TLS_WANT_READ ||
	    n == SS_TLS_WANT_WRITE))
		return 0;
	if (c->tls == NULL && (errno == EAGAIN || errno == EINTR))
		return 0;
	return SS_DEMO_READ_FAILED;
}

/* After our goodbye: read and drop what the client still sends (its
 * close_notify, a late command) until it closes too.  The reason logged
 * stays the goodbye's. */
static void
ss_demo_drain(struct ss_demo_client *c)
{
	char	scratch[4096];
	ssize_t	n;
	int	reads;

	for (reads = 0; reads < 16; reads++) {
		if ((n = ss_demo_recv(c, scratch, sizeof(scratch))) == 0)
			return;
		if (n < 0)
			break;
	}
	c->dead = 1;
}

/*
 * Our last reply is out: close_notify and FIN, then wait for the client's
 * end before closing.  Closing with its close_notify still unread would
 * make the kernel answer it with a reset, which a capture shows as an
 * abort of a session that ended well.
 */
static void
ss_demo_linger(struct ss_demo_client *c)
{
	if (c->tls != NULL && c->secure)
		ss_tls_close_notify(c->tls);
	(void)shutdown(c->fd, SHUT_WR);
	c->lingering = 1;
	c->last_us = ss_now_us();
}

/* Read what has arrived, up to the room in the input buffer. */
static void
ss_demo_read(struct ss_demo_client *c)
{
	ssize_t	n;

	if (c->lingering) {
		ss_demo_drain(c);
		return;
	}
	while (ss_demo_can_read(c)) {
		n = ss_demo_recv(c, c->in + c->inlen, sizeof(c->in) - c->inlen);
		if (n == 0)
			return;
		if (n > 0) {
			c->inlen += (size_t)n;
			c->last_us = ss_now_us();
			continue;
		}
		c->dead = 1;
		c->why = n == SS_DEMO_READ_EOF ? "client closed the connection" :
		    "read failed";
		return;
	}
}

/* Drive the TLS handshake one step. */
static void
ss_demo_handshake(struct ss_demo *d, struct ss_demo_client *c)
{
	int	rc = ss_tls_handshake(c->tls);

	if (rc == SS_TLS_WANT_READ || rc == SS_TLS_WANT_WRITE) {
		c->hs_events = rc == SS_TLS_WANT_READ ? POLLIN : POLLOUT;
		return;
	}
	if (rc != 0) {
		ss_demo_log(d, c, "TLS handshake failed: %s",
		    ss_tls_error(c->tls) != NULL ? ss_tls_error(c->tls) : "?");
		c->dead = 1;
		c->why = "TLS handshake failed";
		return;
	}
	c->secure = 1;
	c->last_us = ss_now_us();
	ss_demo_log(d, c, "TLS %s %s", ss_tls_version_str(c->tls),
	    ss_tls_ciphersuite(c->tls));
	if (d->profile->implicit_tls) {
		c->state = SS_DEMO_BANNER_WAIT;
		c->banner_at_us = c->last_us +
		    (uint64_t)d->profile->banner_delay_ms * 1000;
	} else {
		/* RFC 3207: forget everything learnt before TLS. */
		c->state = SS_DEMO_GREETED;
		c->authed = 0;
		ss_demo_reset(c);
	}
}

/* Put TLS on the connection and start the handshake. */
static void
ss_demo_tls_start(struct ss_demo *d, struct ss_demo_client *c)
{
	char	*err = NULL;

	if (!d->profile->keep_pipelined_tls && c->inlen > 0) {
		ss_demo_log(d, c, "discarded %zu octets sent with STARTTLS",
		    c->inlen);
		c->inlen = 0;
	}
	if ((c->tls = ss_tls_accept(d->tls, c->fd, &err)) == NULL) {
		ss_demo_log(d, c, "TLS: %s", err != NULL ? err : "?");
		free(err);
		c->dead = 1;
		c->why = "TLS setup failed";
		return;
	}
	c->state = SS_DEMO_HANDSHAKE;
	ss_demo_handshake(d, c);
}

/* Milliseconds from then to now; 0 if then is later (clock read order). */
static uint64_t
ss_demo_elapsed_ms(uint64_t now, uint64_t then)
{
	return now > then ? (now - then) / 1000 : 0;
}

/* Enforce the idle and closing time limits. */
static void
ss_demo_timers(struct ss_demo *d, struct ss_demo_client *c, uint64_t now)
{
	uint64_t	quiet = ss_demo_elapsed_ms(now, c->last_us);

	if (c->lingering && quiet > SS_DEMO_LINGER_MS) {
		c->dead = 1;
	} else if (c->state == SS_DEMO_CLOSING && quiet > SS_DEMO_CLOSE_MS) {
		c->dead = 1;
		c->why = "client does not read";
	} else if (c->state == SS_DEMO_HANDSHAKE &&
	    quiet > (uint64_t)d->idle_ms) {
		c->dead = 1;
		c->why = "idle during the TLS handshake";
	} else if (c->state != SS_DEMO_CLOSING &&
	    quiet > (uint64_t)d->idle_ms) {
		ss_demo_goodbye(c, "421 4.4.2 " SS_DEMO_HOST " idle for too "
		    "long; closing connection", "idle timeout");
		c->last_us = now;
	}
}

/* Move the client on: banner, timers, lines, flush, TLS, close. */
static void
ss_demo_advance(struct ss_demo *d, struct ss_demo_client *c, uint64_t now)
{
	if (c->state == SS_DEMO_BANNER_WAIT && c->inlen > 0)
		ss_demo_goodbye(c, "554 5.5.0 you spoke before my greeting; "
		    "closing connection", "client spoke first");
	else if (c->state == SS_DEMO_BANNER_WAIT && now >= c->banner_at_us) {
		ss_demo_reply(c, "220 " SS_DEMO_HOST " %s", d->profile->banner);
		c->state = SS_DEMO_GREETED;
	}
	ss_demo_timers(d, c, now);
	if (c->dead)
		return;
	ss_demo_process(d, c);
	ss_demo_flush(c);
	if (c->dead)
		return;
	if (c->state == SS_DEMO_STARTTLS && c->out.len == 0)
		ss_demo_tls_start(d, c);
	else if (c->state == SS_DEMO_CLOSING && c->out.len == 0 &&
	    !c->lingering)
		ss_demo_linger(c);
}

/* One client after poll: handle its events and move it on. */
static void
ss_demo_client_io(struct ss_demo *d, struct ss_demo_client *c, short revents)
{
	if (revents & POLLNVAL) {
		c->dead = 1;
		c->why = "bad descriptor";
		return;
	}
	if (c->state == SS_DEMO_HANDSHAKE) {
		if (revents != 0)
			ss_demo_handshake(d, c);
	} else {
		if (revents & POLLOUT)
			ss_demo_flush(c);
		if (revents & (POLLIN | POLLHUP | POLLERR) ||
		    (c->tls != NULL && ss_tls_pending(c->tls) > 0))
			ss_demo_read(c);
	}
	if (!c->dead)
		ss_demo_advance(d, c, ss_now_us());
}

/* ------------------------------------------------------------------ */
/* The server: accept, poll, reap.                                     */

/* Refuse a client over the limit, in words when the line is plaintext. */
static void
ss_demo_turn_away(struct ss_demo *d, int fd)
{
	static const char msg[] = "421 4.3.2 " SS_DEMO_HOST " too many "
	    "connections; try again later\r\n";

	if (!d->profile->implicit_tls)
		(void)send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL |
		    MSG_DONTWAIT);
	close(fd);
	ss_demo_log(d, NULL, "refused a client: %zu connected", d->nclients);
}

/* Accept the clients waiting on the listener. */
static void
ss_demo_accept(struct ss_demo *d)
{
	struct sockaddr_storage	 ss;
	struct ss_demo_client	*c;
	socklen_t		 len;
	int			 fd, i, one = 1;

	for (i = 0; i < SS_DEMO_ACCEPT_BURST; i++) {
		len = sizeof(ss);
		fd = accept4(d->listen_fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;
		/* Replies and handshake records go out in several small
		 * writes; with Nagle each waits for the client's delayed
		 * ACK (40 ms on Linux), three times per STARTTLS. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		if (d->nclients >= (size_t)d->max_clients) {
			ss_demo_turn_away(d, fd);
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		ss_net_addr_set(&c->peer, (struct sockaddr *)&ss, len);
		ss_buf_init(&c->out);
		c->last_us = ss_now_us();
		c->banner_at_us = c->last_us +
		    (uint64_t)d->profile->banner_delay_ms * 1000;
		c->state = SS_DEMO_BANNER_WAIT;
		d->clients[d->nclients++] = c;
		atomic_store(&d->nclients_shared, d->nclients);
		ss_demo_log(d, c, "connected");
		if (d->profile->implicit_tls)
			ss_demo_tls_start(d, c);
		else
			ss_demo_advance(d, c, c->last_us);
	}
}

/* Close a client and free everything it holds. */
static void
ss_demo_close(struct ss_demo *d, struct ss_demo_client *c)
{
	ss_demo_log(d, c, "closed (%s, state %s)", c->why != NULL ? c->why :
	    "done", ss_demo_state_names[c->state]);
	ss_tls_free(c->tls);
	close(c->fd);
	ss_buf_finish(&c->out);
	ss_wipe(c, sizeof(*c));
	free(c);
}

/* Remove the clients that are done, keeping the order of the rest. */
static void
ss_demo_reap(struct ss_demo *d)
{
	size_t	i, kept = 0;

	for (i = 0; i < d->nclients; i++) {
		if (d->clients[i]->dead)
			ss_demo_close(d, d->clients[i]);
		else
			d->clients[kept++] = d->clients[i];
	}
	d->nclients = kept;
	atomic_store(&d->nclients_shared, kept);
}

/* What one client waits for. */
static short
ss_demo_events(const struct ss_demo_client *c)
{
	short	ev = 0;

	if (c->state == SS_DEMO_HANDSHAKE)
		return c->hs_events;
	if (ss_demo_can_read(c) || c->state == SS_DEMO_BANNER_WAIT)
		ev |= POLLIN;
	if (c->out.len > 0)
		ev |= POLLOUT;
	return ev;
}

/* Can the client go on without waiting for the network?  (Lines left
 * after a full output buffer drained, or decrypted bytes in TLS.) */
static int
ss_demo_has_work(const struct ss_demo_client *c)
{
	if (c->tls != NULL && c->state != SS_DEMO_HANDSHAKE &&
	    ss_tls_pending(c->tls) > 0 && ss_demo_can_read(c))
		return 1;
	return ss_demo_wants_lines(c) && c->out.len < SS_DEMO_OUT_MAX &&
	    memchr(c->in, '\n', c->inlen) != NULL;
}

/* Milliseconds until the next timer, capped at cap (-1: none). */
static int
ss_demo_timeout(const struct ss_demo *d, int cap)
{
	const struct ss_demo_client	*c;
	uint64_t			 now = ss_now_us(), at;
	int64_t				 ms, best = cap;
	size_t				 i;

	for (i = 0; i < d->nclients; i++) {
		c = d->clients[i];
		if (ss_demo_has_work(c))
			return 0;
		if (c->state == SS_DEMO_BANNER_WAIT)
			at = c->banner_at_us;
		else if (c->lingering)
			at = c->last_us + (uint64_t)SS_DEMO_LINGER_MS * 1000;
		else if (c->state == SS_DEMO_CLOSING)
			at = c->last_us + (uint64_t)SS_DEMO_CLOSE_MS * 1000;
		else
			at = c->last_us + (uint64_t)d->idle_ms * 1000;
		ms = at > now ? (int64_t)((at - now + 999) / 1000) : 0;
		if (best < 0 || ms < best)
			best = ms;
	}
	return (int)best;
}

/* Empty the wake pipe; true if ss_demo_destroy asked the loop to stop. */
static int
ss_demo_woken(struct ss_demo *d, short revents)
{
	char	buf[16];

	if ((revents & POLLIN) == 0)
		return 0;
	while (read(d->wake[0], buf, sizeof(buf)) > 0)
		;
	return 1;
}

/* Serve until *stop becomes non-zero (checked at least every 200 ms). */
int
ss_demo_run(struct ss_demo *d, volatile sig_atomic_t *stop)
{
	struct pollfd	*pfds;
	size_t		 i, n;
	int		 rc = 0, cap;

	pfds = xcalloc((size_t)d->max_clients + 2, sizeof(*pfds));
	/* A thread is stopped through the wake pipe and may sleep until
	 * its next timer; a foreground loop must look at *stop often. */
	cap = d->threaded ? -1 : SS_DEMO_TICK_MS;
	while (!*stop) {
		pfds[0].fd = d->listen_fd;
		pfds[0].events = POLLIN;
		pfds[1].fd = d->wake[0];
		pfds[1].events = POLLIN;
		for (i = 0; i < d->nclients; i++) {
			pfds[i + 2].fd = d->clients[i]->fd;
			pfds[i + 2].events = ss_demo_events(d->clients[i]);
			pfds[i + 2].revents = 0;
		}
		n = d->nclients;
		if (poll(pfds, n + 2, ss_demo_timeout(d, cap)) == -1 &&
		    errno != EINTR) {
			rc = -1;
			break;
		}
		if (ss_demo_woken(d, pfds[1].revents))
			break;
		for (i = 0; i < n; i++)
			ss_demo_client_io(d, d->clients[i],
			    pfds[i + 2].revents);
		ss_demo_reap(d);
		if (pfds[0].revents & POLLIN)
			ss_demo_accept(d);
		ss_demo_reap(d);
	}
	free(pfds);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Life cycle and accessors.                                           */

/* Build the TLS side: a CA and a leaf of the profile's kind. */
static int
ss_demo_tls_setup(struct ss_demo *d, char **err)
{
	static const char *const	 ips[] = { "127.0.0.1", "::1", NULL };
	struct ss_tls_server_config	 tc;

	memset(&tc, 0, sizeof(tc));
	tc.kind = d->profile->cert;
	tc.hostname = SS_DEMO_HOST;
	tc.ips = ips;
	tc.max_version = d->profile->legacy_tls ? SS_TLS_1_2 : SS_TLS_ANY;
	tc.require_client_cert = d->profile->require_client_cert;
	if ((d->tls = ss_tls_server_create(&tc, err)) == NULL)
		return -1;
	return 0;
}

/* The profile named in the configuration, or an error listing names. */
static const struct ss_demo_profile *
ss_demo_pick_profile(const char *name, char **err)
{
	const struct ss_demo_profile	*p;
	struct ss_buf			 b;
	size_t				 i;

	if (name == NULL)
		return ss_demo_profile_at(0);
	if ((p = ss_demo_profile_find(name)) != NULL)
		return p;
	ss_buf_init(&b);
	ss_buf_printf(&b, "no demo profile named \"%s\"; the profiles are:",
	    name);
	for (i = 0; i < ss_demo_profile_count(); i++)
		ss_buf_printf(&b, " %s", ss_demo_profile_at(i)->name);
	*err = ss_buf_steal(&b);
	ss_buf_finish(&b);
	return NULL;
}

/* Create the server: profile, certificates, listening socket. */
struct ss_demo *
ss_demo_create(const struct ss_demo_config *cfg, char **err)
{
	struct ss_demo	*d;

	d = xcalloc(1, sizeof(*d));
	d->listen_fd = d->wake[0] = d->wake[1] = -1;
	d->max_clients = cfg->max_clients > 0 ? cfg->max_clients :
	    SS_DEMO_MAX_CLIENTS;
	d->idle_ms = cfg->idle_timeout_ms > 0 ? cfg->idle_timeout_ms :
	    SS_DEMO_IDLE_MS;
	d->clients = xcalloc((size_t)d->max_clients, sizeof(*d->clients));
	if ((d->profile = ss_demo_pick_profile(cfg->profile, err)) == NULL)
		goto fail;
	if (cfg->log_path != NULL &&
	    (d->log = fopen(cfg->log_path, "ae")) == NULL) {
		xasprintf(err, "cannot open the demo log %s: %s",
		    cfg->log_path, strerror(errno));
		goto fail;
	}
	if (ss_demo_tls_setup(d, err) == -1)
		goto fail;
	d->listen_fd = ss_net_listen(cfg->listen != NULL ? cfg->listen :
	    SS_DEMO_LISTEN, &d->bound, err);
	if (d->listen_fd == -1)
		goto fail;
	if (pipe2(d->wake, O_NONBLOCK | O_CLOEXEC) == -1) {
		xasprintf(err, "demo server: pipe: %s", strerror(errno));
		goto fail;
	}
	ss_demo_log(d, NULL, "listening on %s port %d, profile %s",
	    d->bound.text, ss_demo_port(d), d->profile->name);
	return d;
fail:
	ss_demo_destroy(d);
	return NULL;
}

/* The thread body of ss_demo_start_thread. */
static void *
ss_demo_thread_main(void *arg)
{
	static volatile sig_atomic_t	 never;
	struct ss_demo			*d = arg;

	(void)ss_demo_run(d, &never);
	return NULL;
}

/* Serve in a thread of its own; ss_demo_destroy stops and joins it. */
int
ss_demo_start_thread(struct ss_demo *d, char **err)
{
	int	rc;

	if (d->threaded) {
		xasprintf(err, "the demo server is already running");
		return -1;
	}
	d->threaded = 1;
	if ((rc = pthread_create(&d->thread, NULL, ss_demo_thread_main,
	    d)) != 0) {
		d->threaded = 0;
		xasprintf(err, "cannot start the demo server thread: %s",
		    strerror(rc));
		return -1;
	}
	return 0;
}

/* Stop the thread (if any), close every client, free everything. */
void
ss_demo_destroy(struct ss_demo *d)
{
	size_t	i;

	if (d == NULL)
		return;
	if (d->threaded) {
		(void)write(d->wake[1], "x", 1);
		pthread_join(d->thread, NULL);
	}
	for (i = 0; i < d->nclients; i++)
		ss_demo_close(d, d->clients[i]);
	free(d->clients);
	if (d->listen_fd != -1)
		close(d->listen_fd);
	if (d->wake[0] != -1) {
		close(d->wake[0]);
		close(d->wake[1]);
	}
	ss_tls_server_destroy(d->tls);
	if (d->log != NULL)
		fclose(d->log);
	free(d);
}

/* The port actually bound (useful after asking for port 0). */
int
ss_demo_port(const struct ss_demo *d)
{
	return ss_net_addr_port(&d->bound);
}

/* The address bound, as text ("127.0.0.1"). */
const char *
ss_demo_address(const struct ss_demo *d)
{
	return d->bound.text;
}

/* The PEM of the CA behind the demo's certificate. */
const char *
ss_demo_ca_pem(const struct ss_demo *d)
{
	return ss_tls_server_ca_pem(d->tls);
}

/* The demo account's user name. */
const char *
ss_demo_user(const struct ss_demo *d)
{
	(void)d;
	return SS_DEMO_USER;
}

/* The demo account's password (fixed: it is printed for students). */
const char *
ss_demo_password(const struct ss_demo *d)
{
	(void)d;
	return SS_DEMO_PASSWORD;
}

/* The one bearer token the demo accepts (XOAUTH2, OAUTHBEARER). */
const char *
ss_demo_token(const struct ss_demo *d)
{
	(void)d;
	return DEMO_SASL_TOKEN;
}

/* Does the profile offer this AUTH mechanism (after TLS)? */
int
ss_demo_offers(const struct ss_demo *d, const char *mech)
{
	return d->profile->mechanisms != NULL &&
	    ss_demo_word_in(d->profile->mechanisms, mech);
}

/* The profile being served. */
const struct ss_demo_profile *
ss_demo_profile(const struct ss_demo *d)
{
	return d->profile;
}

/* Clients being served now; safe to call from another thread. */
size_t
ss_demo_client_count(const struct ss_demo *d)
{
	return atomic_load(&((struct ss_demo *)d)->nclients_shared);
}
