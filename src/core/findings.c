/*
 * findings.c: diagnostic rules over a transcript prefix, and the verdicts
 * on the usual mail client set-ups.
 *
 * The prefix is cut into connections (an SS_KIND_CONNECT record starts
 * one).  For each connection we collect the facts the rules need (its
 * event range, port, TLS milestones, the last successful EHLO of each
 * phase) and run every rule of the table against them.  A rule is a check
 * function that either finds nothing or writes a message and the events
 * that prove it.  The dialog describes the latest connection only, so the
 * earlier ones are judged with a private dialog fed up to their end.
 */

#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

const char *const ss_severity_names[SS_SEV_LAST] = {
	"info", "warning", "error"
};
_Static_assert(SS_NITEMS(ss_severity_names) == SS_SEV_LAST,
    "severity names");

const char *const ss_verdict_names[SS_VERDICT_LAST] = {
	"unknown", "works", "fails"
};
_Static_assert(SS_NITEMS(ss_verdict_names) == SS_VERDICT_LAST,
    "verdict names");

const char *const ss_verdict_titles[SS_VERDICT_LAST] = {
	"not tested", "works", "will fail"
};
_Static_assert(SS_NITEMS(ss_verdict_titles) == SS_VERDICT_LAST,
    "verdict titles");

#define NONE	((size_t)-1)	/* no such event */

/* One connection of the prefix, as the rules see it. */
struct conn {
	const struct ss_transcript		*t;
	const struct ss_dialog			*d;	/* at the end of it */
	const struct ss_findings_options	*opt;
	size_t			 start, end;	/* events [start, end) */
	size_t			 xstart, xend;	/* its exchanges */
	int			 port;		/* -1 unknown */
	int			 implicit;	/* TLS from the first byte */
	size_t			 ev_connect, ev_tls_start, ev_tls_up;
	size_t			 ev_tls_fail, ev_verify, ev_end;
	const struct ss_exchange *greeting;
	const struct ss_exchange *ehlo[SS_PHASE_LAST]; /* last 250 each */
	const struct ss_exchange *starttls;	/* last one answered */
};

/* A finding being written by a check. */
struct draft {
	struct ss_buf	 msg;
	size_t		 ev[SS_FINDINGS_MAX_EVIDENCE];
	size_t		 nev;
};

struct rule;
typedef int (*rule_check)(const struct conn *, const struct rule *,
    struct draft *);

struct rule {
	struct ss_finding_rule	 pub;
	rule_check		 check;
	uint32_t		 arg;	/* a parameter some checks share */
};

/* Findings and set-up rows, and the rule each finding came from. */
struct ss_findings {
	struct ss_finding	*items;
	size_t			*rule_of;
	size_t			 n, cap;
	struct ss_setup		*setups;
	size_t			 nsetups;
};

/* ------------------------------------------------------------------ */
/* Drafts and evidence.                                                */

/* Add one event to the evidence (kept once, bounded). */
static void
draft_event(struct draft *dr, size_t ev)
{
	size_t	i;

	if (ev == NONE) {
		return;
	}
	for (i = 0; i < dr->nev; i++) {
		if (dr->ev[i] == ev) {
			return;
		}
	}
	if (dr->nev < SS_NITEMS(dr->ev)) {
		dr->ev[dr->nev++] = ev;
	}
}

/* Add the events a reply arrived in (a reply may span several reads). */
static void
draft_reply(struct draft *dr, const struct conn *c,
    const struct ss_exchange *x)
{
	const struct ss_line	*l;
	size_t			 i, first = x->reply_event;

	if (x->reply == NULL) {
		return;
	}
	if (x->first_line >= 0 &&
	    (l = ss_dialog_line(c->d, (size_t)x->first_line)) != NULL) {
		first = l->event;
	}
	for (i = first; i <= x->reply_event; i++) {
		if (ss_transcript_get(c->t, i)->dir == SS_DIR_SERVER) {
			draft_event(dr, i);
		}
	}
}

/* Add a command and its reply. */
static void
draft_exchange(struct draft *dr, const struct conn *c,
    const struct ss_exchange *x)
{
	if (!x->greeting) {
		draft_event(dr, x->cmd_event);
	}
	draft_reply(dr, c, x);
}

/* Append bytes the server chose, escaped, at most max bytes of them. */
static void
draft_untrusted(struct draft *dr, const char *s, size_t len, size_t max)
{
	ss_text_escape(&dr->msg, s, len > max ? max : len);
	if (len > max) {
		ss_buf_adds(&dr->msg, "...");
	}
}

/* Compare evidence indices for qsort. */
static int
event_cmp(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------ */
/* Facts about a connection.                                           */

/* The capability set of a phase, or NULL. */
static const struct ss_caps *
conn_caps(const struct conn *c, enum ss_phase p)
{
	return c->ehlo[p] != NULL ? ss_dialog_caps(c->d, p) : NULL;
}

/* The latest phase that has capabilities, or -1. */
static int
conn_last_phase(const struct conn *c)
{
	int	p;

	for (p = SS_PHASE_LAST - 1; p >= 0; p--) {
		if (conn_caps(c, (enum ss_phase)p) != NULL) {
			return p;
		}
	}
	return -1;
}

/* The capabilities after TLS (or after AUTH, which is also inside TLS). */
static enum ss_phase
conn_tls_phase(const struct conn *c)
{
	return conn_caps(c, SS_PHASE_AFTER_TLS) != NULL ?
	    SS_PHASE_AFTER_TLS : SS_PHASE_AFTER_AUTH;
}

/* Does any phase offer AUTH? */
static int
conn_any_auth(const struct conn *c)
{
	int	p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		if (ss_caps_has(conn_caps(c, (enum ss_phase)p), "AUTH")) {
			return 1;
		}
	}
	return 0;
}

/* Has the session seen every phase where AUTH could appear: inside TLS,
 * or before TLS on a server that offers no way into TLS? */
static int
conn_auth_explored(const struct conn *c)
{
	const struct ss_caps	*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);

	if (conn_caps(c, conn_tls_phase(c)) != NULL) {
		return 1;
	}
	return pre != NULL && !c->implicit && !ss_caps_has(pre, "STARTTLS");
}

/* Add the replies of every EHLO that advertised (or lacked) a keyword. */
static void
draft_ehlos(struct draft *dr, const struct conn *c)
{
	int	p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		if (conn_caps(c, (enum ss_phase)p) != NULL) {
			draft_reply(dr, c, c->ehlo[p]);
		}
	}
}

/* The text of a record event (a NUL follows its bytes). */
static const char *
conn_text(const struct conn *c, size_t ev)
{
	return ev == NONE ? "" : ss_transcript_get(c->t, ev)->data;
}

/* The port in a connect record ("connected to ADDR port P"), or -1. */
static int
conn_parse_port(const char *text)
{
	const char	*p, *last = NULL;
	long		 v;

	for (p = text; (p = strstr(p, " port ")) != NULL; p++) {
		last = p;
	}
	if (last == NULL) {
		return -1;
	}
	v = strtol(last + 6, NULL, 10);
	return v > 0 && v < 65536 ? (int)v : -1;
}

/* Remember the first event of a kind. */
static void
conn_first(size_t *slot, size_t ev)
{
	if (*slot == NONE) {
		*slot = ev;
	}
}

/* Records of the connection: connect, TLS milestones, its end. */
static void
conn_scan_events(struct conn *c)
{
	const struct ss_event	*e;
	size_t			 i;

	for (i = c->start; i < c->end; i++) {
		e = ss_transcript_get(c->t, i);
		switch (e->kind) {
		case SS_KIND_CONNECT:
			conn_first(&c->ev_connect, i);
			c->port = conn_parse_port(e->data);
			break;
		case SS_KIND_TLS_START:
			conn_first(&c->ev_tls_start, i);
			if (strstr(e->data, "implicit") != NULL) {
				c->implicit = 1;
			}
			break;
		case SS_KIND_TLS_UP:
			conn_first(&c->ev_tls_up, i);
			break;
		case SS_KIND_TLS_FAIL:
			conn_first(&c->ev_tls_fail, i);
			break;
		case SS_KIND_TLS_VERIFY:
			conn_first(&c->ev_verify, i);
			break;
		case SS_KIND_TIMEOUT:
		case SS_KIND_CLOSED:
			conn_first(&c->ev_end, i);
			break;
		default:
			break;
		}
	}
}

/* Exchanges of the connection: greeting, EHLOs, STARTTLS. */
static void
conn_scan_exchanges(struct conn *c)
{
	const struct ss_exchange	*x;
	size_t				 i, n = ss_dialog_exchange_count(c->d);

	c->xstart = c->xend = n;
	for (i = 0; i < n; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->cmd_event < c->start || x->cmd_event >= c->end) {
			continue;
		}
		if (c->xstart == n) {
			c->xstart = i;
		}
		c->xend = i + 1;
		if (x->reply == NULL) {
			continue;
		}
		if (x->greeting && c->greeting == NULL) {
			c->greeting = x;
		} else if (x->verb == SS_VERB_EHLO && x->reply->code == 250) {
			c->ehlo[x->phase] = x;
		} else if (x->verb == SS_VERB_STARTTLS && !x->tls) {
			c->starttls = x;
		}
	}
}

/* Collect the facts of the connection [start, end). */
static void
conn_init(struct conn *c, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_findings_options *opt,
    size_t start, size_t end)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->d = d;
	c->opt = opt;
	c->start = start;
	c->end = end;
	c->port = -1;
	c->ev_connect = c->ev_tls_start = c->ev_tls_up = NONE;
	c->ev_tls_fail = c->ev_verify = c->ev_end = NONE;
	conn_scan_events(c);
	conn_scan_exchanges(c);
}

/* ------------------------------------------------------------------ */
/* Checks: STARTTLS and TLS.                                           */

/* Say " on port N" when the port is known. */
static void
draft_port(struct draft *dr, const struct conn *c)
{
	if (c->port > 0) {
		ss_buf_printf(&dr->msg, " on port %d", c->port);
	}
}

/* EHLO before TLS answered without STARTTLS. */
static int
check_starttls_missing(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_caps	*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);

	(void)r;
	if (c->implicit || pre == NULL || ss_caps_has(pre, "STARTTLS")) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server does not offer STARTTLS");
	draft_port(dr, c);
	ss_buf_adds(&dr->msg, ", so the connection cannot be encrypted: a mail "
	    "client set to \"Connection security: STARTTLS\" stops with an "
	    "error, and a password could only travel unencrypted.");
	draft_reply(dr, c, c->ehlo[SS_PHASE_BEFORE_TLS]);
	return 1;
}

/* STARTTLS answered with anything but 220. */
static int
check_starttls_refused(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x = c->starttls;
	const struct ss_caps		*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);

	(void)r;
	/* Refusing what was never offered is expected, not a finding. */
	if (x == NULL || x->reply->code == 220 ||
	    (pre != NULL && !ss_caps_has(pre, "STARTTLS"))) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server answered STARTTLS with %d instead "
	    "of 220, so TLS never started.%s", x->reply->code,
	    x->reply->code == 454 ? " 454 means TLS is temporarily "
	    "unavailable, often a missing or unreadable certificate on the "
	    "server." : "");
	draft_exchange(dr, c, x);
	return 1;
}

/* The handshake failed: the failure record says plaintext came back. */
static int
conn_peer_spoke_plaintext(const struct conn *c)
{
	const char	*why = conn_text(c, c->ev_tls_fail);

	return strstr(why, "does not speak TLS") != NULL &&
	    strstr(why, "plaintext") != NULL;
}

/* A handshake began and failed before TLS was up. */
static int
check_tls_failed(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const char	*why = conn_text(c, c->ev_tls_fail);

	(void)r;
	if (c->ev_tls_fail == NONE || c->ev_tls_up != NONE ||
	    (c->implicit && conn_peer_spoke_plaintext(c))) {
		return 0;
	}
	if (strncmp(why, "handshake failed: ", 18) == 0) {
		why += 18;
	}
	ss_buf_adds(&dr->msg, "The TLS handshake failed: ");
	draft_untrusted(dr, why, strlen(why), 300);
	ss_buf_adds(&dr->msg, ". A mail client cannot connect securely.");
	draft_event(dr, c->ev_tls_start);
	draft_event(dr, c->ev_tls_fail);
	return 1;
}

/* STARTTLS listed again inside TLS. */
static int
check_starttls_after_tls(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	enum ss_phase	p = conn_tls_phase(c);

	(void)r;
	if (!ss_caps_has(conn_caps(c, p), "STARTTLS")) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server still advertises STARTTLS inside "
	    "TLS. It must not; some clients try STARTTLS again and fail.");
	draft_reply(dr, c, c->ehlo[p]);
	return 1;
}

/* Plaintext read after the STARTTLS 220, before TLS began. */
static int
check_response_injection(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_line	*l;
	size_t			 i, n = 0;

	(void)r;
	for (i = 0; i < ss_dialog_line_count(c->d); i++) {
		l = ss_dialog_line(c->d, i);
		if (l->event >= c->start && l->event < c->end &&
		    (l->flags & SS_LINE_DISCARDED)) {
			draft_event(dr, l->event);
			n++;
		}
	}
	if (n == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "After its 220 to STARTTLS the server (or "
	    "something on the path) sent %zu more line%s in plaintext. No TLS "
	    "protected %s, so smtpscope discarded %s; a client that used %s "
	    "could be misled (response injection).", n, n == 1 ? "" : "s",
	    n == 1 ? "it" : "them", n == 1 ? "it" : "them",
	    n == 1 ? "it" : "them");
	if (c->starttls != NULL) {
		draft_reply(dr, c, c->starttls);
	}
	return 1;
}

/* Commands pipelined after STARTTLS, and more replies inside TLS than
 * commands sent inside TLS: the server answered them as if protected. */
static int
check_command_injection(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;
	size_t				 i, riders = 0, asked = 0, answered = 0;
	size_t				 first = NONE;
	int				 after = 0;

	(void)r;
	if (c->implicit || c->starttls == NULL ||
	    c->starttls->reply->code != 220) {
		return 0;
	}
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		riders += after && x->cmd_event == c->starttls->cmd_event;
		after |= x == c->starttls;
		asked += x->tls && !x->unsolicited && !x->greeting;
		if (x->reply != NULL && (ss_transcript_get(c->t,
		    x->reply_event)->flags & SS_EVF_TLS)) {
			answered++;
			conn_first(&first, x->reply_event);
		}
	}
	if (riders == 0 || answered <= asked) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server answered %zu command%s that came "
	    "in plaintext together with STARTTLS only after the TLS handshake, "
	    "as if TLS had protected %s: an attacker could inject commands "
	    "into the encrypted session (CVE-2011-0411).", riders,
	    riders == 1 ? "" : "s", riders == 1 ? "it" : "them");
	draft_event(dr, c->starttls->cmd_event);
	draft_event(dr, first);
	return 1;
}

/* Old protocol versions that current clients refuse. */
static const char *const old_tls_versions[] = {
	"SSLv2", "SSLv3", "SSLv3.0", "TLSv1", "TLSv1.0", "TLSv1.1",
};

/* TLS 1.0 or 1.1 negotiated. */
static int
check_tls_old(const struct conn *c, const struct rule *r, struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	size_t				 i;

	(void)r;
	if (c->ev_tls_up == NONE || tls->version == NULL) {
		return 0;
	}
	for (i = 0; i < SS_NITEMS(old_tls_versions); i++) {
		if (strcmp(tls->version, old_tls_versions[i]) == 0) {
			break;
		}
	}
	if (i == SS_NITEMS(old_tls_versions)) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server negotiated ");
	draft_untrusted(dr, tls->version, strlen(tls->version), 16);
	ss_buf_adds(&dr->msg, ". TLS 1.0 and 1.1 are deprecated and current "
	    "mail clients refuse them; the server needs TLS 1.2 or newer.");
	draft_event(dr, c->ev_tls_up);
	return 1;
}

/* Implicit TLS (SSL/TLS) to a port where the server speaks plain SMTP. */
static int
check_implicit_to_plain(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const char	*why = conn_text(c, c->ev_tls_fail), *q;

	(void)r;
	if (!c->implicit || c->ev_tls_up != NONE ||
	    !conn_peer_spoke_plaintext(c)) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The client started TLS at once (\"Connection "
	    "security: SSL/TLS\")");
	draft_port(dr, c);
	ss_buf_adds(&dr->msg, ", but the server there speaks plain SMTP");
	if ((q = strstr(why, "received plaintext: ")) != NULL) {
		ss_buf_adds(&dr->msg, " (it sent ");
		q += 20;
		draft_untrusted(dr, q, strcspn(q, ")"), 80);
		ss_buf_adds(&dr->msg, ")");
	}
	ss_buf_adds(&dr->msg, ". Set the client to STARTTLS on this port, or "
	    "use SSL/TLS on port 465.");
	draft_event(dr, c->ev_tls_start);
	draft_event(dr, c->ev_tls_fail);
	return 1;
}

/* Plain connection to port 465 and no greeting before the end. */
static int
check_plain_to_implicit(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*g = c->greeting;

	(void)r;
	if (c->implicit || c->port != 465 || c->ev_end == NONE ||
	    (g != NULL && g->reply->code >= 0)) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "Port 465 expects TLS from the first byte "
	    "(\"Connection security: SSL/TLS\"), but this connection was "
	    "plain: the server waited for a TLS handshake and never sent its "
	    "220 greeting. Use SSL/TLS on port 465, or STARTTLS on port 587.");
	draft_event(dr, c->ev_connect);
	draft_event(dr, c->ev_end);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Checks: certificates.                                               */

/* Rule argument of cert-self-signed: untrusted, and the leaf signed
 * itself (no verify flag of its own). */
#define CERT_SELF	(SS_TLS_VERIFY_NOT_TRUSTED | 0x80000000u)

/* Decode the leaf certificate of the connection; -1 if none. */
static int
conn_leaf(const struct conn *c, struct ss_cert_info *ci, size_t *ev)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	const struct ss_event		*e;
	struct ss_buf			 der;
	int				 rc = -1;

	if (c->ev_tls_up == NONE || tls->ncerts == 0) {
		return -1;
	}
	*ev = tls->cert_events[0];
	e = ss_transcript_get(c->t, *ev);
	ss_buf_init(&der);
	if (e != NULL && ss_base64_decode(&der, e->data, e->len) == 0) {
		rc = ss_tls_cert_describe((const unsigned char *)der.data,
		    der.len, ci);
	}
	ss_buf_finish(&der);
	return rc;
}

/* Append a field of the decoded certificate, escaped. */
static void
draft_cert_field(struct draft *dr, const char *field)
{
	draft_untrusted(dr, field, strlen(field), 200);
}

/* Does the leaf's key look too small (RSA or DSA under 2048 bits)? */
static int
cert_key_weak(const struct ss_cert_info *ci)
{
	long	bits;

	if (strncmp(ci->key, "RSA ", 4) != 0 &&
	    strncmp(ci->key, "DSA ", 4) != 0) {
		return 0;
	}
	bits = strtol(ci->key + 4, NULL, 10);
	return bits > 0 && bits < 2048;
}

/* Is the leaf signed with a broken hash? */
static int
cert_sig_weak(const struct ss_cert_info *ci)
{
	return strstr(ci->sig_alg, "SHA1") != NULL ||
	    strstr(ci->sig_alg, "SHA-1") != NULL ||
	    strstr(ci->sig_alg, "MD5") != NULL ||
	    strstr(ci->sig_alg, "MD2") != NULL;
}

/* What each certificate rule says, keyed by its verify flag. */
static void
cert_words(const struct conn *c, const struct rule *r,
    const struct ss_cert_info *ci, struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);

	switch (r->arg) {
	case SS_TLS_VERIFY_EXPIRED:
		ss_buf_adds(&dr->msg, "The server's certificate expired on ");
		draft_cert_field(dr, ci->not_after);
		ss_buf_adds(&dr->msg, ". Mail clients refuse it or show a "
		    "warning; the certificate must be renewed.");
		break;
	case SS_TLS_VERIFY_FUTURE:
		ss_buf_adds(&dr->msg, "The server's certificate is not valid "
		    "before ");
		draft_cert_field(dr, ci->not_before);
		ss_buf_adds(&dr->msg, ": it was issued for the future, or a "
		    "clock (the server's or this computer's) is wrong.");
		break;
	case SS_TLS_VERIFY_NAME_MISMATCH:
		ss_buf_adds(&dr->msg, "The certificate is for ");
		draft_cert_field(dr, ci->sans[0] ? ci->sans : ci->subject);
		ss_buf_adds(&dr->msg, ", not for ");
		if (tls->sni != NULL) {
			draft_cert_field(dr, tls->sni);
		} else {
			ss_buf_adds(&dr->msg, "the address connected to");
		}
		ss_buf_adds(&dr->msg, ". Put a name the certificate lists in "
		    "the mail client's server field, or fix the certificate.");
		break;
	default:
		break;
	}
}

/* Words for the trust, key and signature rules. */
static void
cert_words_more(const struct conn *c, const struct rule *r,
    const struct ss_cert_info *ci, struct draft *dr)
{
	(void)c;
	if (r->arg == CERT_SELF) {
		ss_buf_adds(&dr->msg, "The certificate is self-signed (");
		draft_cert_field(dr, ci->subject);
		ss_buf_adds(&dr->msg, "): no authority vouches for it, so "
		    "mail clients refuse it unless it is added by hand.");
	} else if (r->arg == SS_TLS_VERIFY_NOT_TRUSTED) {
		ss_buf_adds(&dr->msg, "The certificate was issued by ");
		draft_cert_field(dr, ci->issuer);
		ss_buf_adds(&dr->msg, ", which is not a trusted authority "
		    "here: a private CA, or the server did not send its "
		    "intermediate certificates.");
	} else if (r->arg == SS_TLS_VERIFY_BAD_KEY) {
		ss_buf_adds(&dr->msg, "The certificate's key (");
		draft_cert_field(dr, ci->key);
		ss_buf_adds(&dr->msg, ") is too weak; clients reject RSA keys "
		    "under 2048 bits and unusual curves.");
	} else if (r->arg == SS_TLS_VERIFY_BAD_MD) {
		ss_buf_adds(&dr->msg, "The certificate is signed with ");
		draft_cert_field(dr, ci->sig_alg);
		ss_buf_adds(&dr->msg, ", a hash that can be forged; clients "
		    "reject SHA-1 and MD5 signatures.");
	}
}

/* Does the rule's problem apply to this connection's certificate? */
static int
cert_applies(const struct rule *r, uint32_t flags,
    const struct ss_cert_info *ci)
{
	switch (r->arg) {
	case SS_TLS_VERIFY_NOT_TRUSTED:
		return (flags & r->arg) && !ci->self_signed;
	case CERT_SELF:
		return (flags & SS_TLS_VERIFY_NOT_TRUSTED) && ci->self_signed;
	case SS_TLS_VERIFY_BAD_KEY:
		return (flags & (SS_TLS_VERIFY_BAD_KEY |
		    SS_TLS_VERIFY_BAD_PK)) || cert_key_weak(ci);
	case SS_TLS_VERIFY_BAD_MD:
		return (flags & r->arg) || cert_sig_weak(ci);
	default:
		return (flags & r->arg) != 0;
	}
}

/* One certificate problem, by verify flag and decoded certificate. */
static int
check_cert(const struct conn *c, const struct rule *r, struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	struct ss_cert_info		 ci;
	size_t				 leaf;

	if (!tls->verify_known) {
		return 0;
	}
	if (conn_leaf(c, &ci, &leaf) == -1) {
		memset(&ci, 0, sizeof(ci));	/* flags alone still count */
		leaf = NONE;
	}
	if (!cert_applies(r, tls->verify_flags, &ci)) {
		return 0;
	}
	cert_words(c, r, &ci, dr);
	cert_words_more(c, r, &ci, dr);
	draft_event(dr, leaf);
	draft_event(dr, c->ev_verify);
	return 1;
}

/* Verify flags that no specific rule explains. */
#define CERT_EXPLAINED	(SS_TLS_VERIFY_EXPIRED | SS_TLS_VERIFY_FUTURE | \
	SS_TLS_VERIFY_NAME_MISMATCH | SS_TLS_VERIFY_NOT_TRUSTED | \
	SS_TLS_VERIFY_BAD_KEY | SS_TLS_VERIFY_BAD_PK | SS_TLS_VERIFY_BAD_MD)

/* Verification failed for another reason (revoked, key usage, none). */
static int
check_cert_other(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	struct ss_buf			 words;

	(void)r;
	if (!tls->verify_known || (tls->verify_flags & ~CERT_EXPLAINED) == 0) {
		return 0;
	}
	ss_buf_init(&words);
	ss_tls_verify_words(tls->verify_flags & ~CERT_EXPLAINED, &words);
	while (words.len > 0 && words.data[words.len - 1] == '\n') {
		words.data[--words.len] = '\0';
	}
	ss_buf_adds(&dr->msg, "The certificate failed verification: ");
	draft_untrusted(dr, words.data, words.len, 400);
	ss_buf_adds(&dr->msg, ". Mail clients refuse it.");
	ss_buf_finish(&words);
	if (tls->ncerts > 0) {
		draft_event(dr, tls->cert_events[0]);
	}
	draft_event(dr, c->ev_verify);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Checks: AUTH.                                                       */

/* Password mechanisms that send the secret as it is. */
static const char *const password_mechs[] = { "PLAIN", "LOGIN" };

/* Append the password mechanisms a set offers ("PLAIN LOGIN"); count. */
static size_t
caps_password_mechs(const struct ss_caps *caps, struct ss_buf *out)
{
	size_t	i, n = 0;

	for (i = 0; i < SS_NITEMS(password_mechs); i++) {
		if (ss_caps_has_auth(caps, password_mechs[i])) {
			if (out != NULL) {
				ss_buf_printf(out, "%s%s", n ? " and " : "",
				    password_mechs[i]);
			}
			n++;
		}
	}
	return n;
}

/* AUTH only inside TLS: normal, and the cause of the story's failure. */
static int
check_auth_after_tls(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_caps	*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);
	enum ss_phase		 p = conn_tls_phase(c);

	(void)r;
	if (c->implicit || pre == NULL || ss_caps_has(pre, "AUTH") ||
	    !ss_caps_has(conn_caps(c, p), "AUTH")) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server offers AUTH (login) only after "
	    "STARTTLS. That is normal and safe, and it is why a mail client "
	    "set to \"Connection security: None\" finds no way to log in and "
	    "fails with a vague error such as \"Cannot send message using the "
	    "server\".");
	draft_reply(dr, c, c->ehlo[SS_PHASE_BEFORE_TLS]);
	draft_reply(dr, c, c->ehlo[p]);
	return 1;
}

/* PLAIN or LOGIN offered before TLS. */
static int
check_auth_plaintext(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_caps	*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);
	struct ss_buf		 mechs;

	(void)r;
	ss_buf_init(&mechs);
	if (c->implicit || caps_password_mechs(pre, &mechs) == 0) {
		ss_buf_finish(&mechs);
		return 0;
	}
	ss_buf_printf(&dr->msg, "Before TLS the server offers AUTH %s, so a "
	    "client may send the password unencrypted, readable by anyone on "
	    "the path (these mechanisms only encode it in base64).",
	    mechs.data);
	ss_buf_finish(&mechs);
	draft_reply(dr, c, c->ehlo[SS_PHASE_BEFORE_TLS]);
	return 1;
}

/* The first exchange of a verb, outside TLS, answered with one of two
 * codes; NULL if none. */
static const struct ss_exchange *
conn_find_refusal(const struct conn *c, enum ss_verb verb, int code1,
    int code2)
{
	const struct ss_exchange	*x;
	size_t				 i;

	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->verb == verb && !x->tls && x->reply != NULL &&
		    (x->reply->code == code1 || x->reply->code == code2)) {
			return x;
		}
	}
	return NULL;
}

/* AUTH advertised before TLS, then refused with 530 (or 538). */
static int
check_auth_refused_plain(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_caps		*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);
	const struct ss_exchange	*x;

	(void)r;
	if (!ss_caps_has(pre, "AUTH") ||
	    (x = conn_find_refusal(c, SS_VERB_AUTH, 530, 538)) == NULL) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server advertises AUTH before TLS but "
	    "refused it with %d: it wants STARTTLS first. Clients that trust "
	    "the advertisement try to log in unencrypted and fail; the server "
	    "should list AUTH only after STARTTLS.", x->reply->code);
	draft_reply(dr, c, c->ehlo[SS_PHASE_BEFORE_TLS]);
	draft_exchange(dr, c, x);
	return 1;
}

/* No AUTH in any phase, once every phase AUTH could be in was seen. */
static int
check_auth_none(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	(void)r;
	if (conn_last_phase(c) < 0 || conn_any_auth(c) ||
	    !conn_auth_explored(c)) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server offers no AUTH at all");
	draft_port(dr, c);
	ss_buf_adds(&dr->msg, ", so it takes no user name and password: a mail "
	    "client set to log in fails. Such a server relays only for its "
	    "own network, or only receives mail for its own domains.");
	draft_ehlos(dr, c);
	return 1;
}

/* Append the union of the AUTH mechanisms of every phase, in words. */
static void
conn_all_mechs(const struct conn *c, struct ss_buf *out)
{
	const struct ss_cap	*cap;
	int			 p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		cap = ss_caps_find(conn_caps(c, (enum ss_phase)p), "AUTH");
		if (cap != NULL && strstr(out->data, cap->params) == NULL) {
			ss_buf_printf(out, "%s%s", out->len ? " / " : "",
			    cap->params);
		}
	}
}

/* Does any phase offer this mechanism? */
static int
conn_has_mech(const struct conn *c, const char *mech)
{
	int	p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		if (ss_caps_has_auth(conn_caps(c, (enum ss_phase)p), mech)) {
			return 1;
		}
	}
	return 0;
}

/* The mechanism the user wants is not offered anywhere. */
static int
check_auth_mech_missing(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const char	*want = c->opt->auth_mech;
	struct ss_buf	 all;

	(void)r;
	if (want == NULL || *want == '\0' || !conn_any_auth(c) ||
	    !conn_auth_explored(c) || conn_has_mech(c, want)) {
		return 0;
	}
	ss_buf_init(&all);
	conn_all_mechs(c, &all);
	ss_buf_adds(&dr->msg, "The server does not offer AUTH ");
	draft_untrusted(dr, want, strlen(want), 40);
	ss_buf_adds(&dr->msg, ", the mechanism wanted; it offers ");
	draft_untrusted(dr, all.data, all.len, 200);
	ss_buf_adds(&dr->msg, ".");
	ss_buf_finish(&all);
	draft_ehlos(dr, c);
	return 1;
}

/* AUTH offered, but neither PLAIN nor LOGIN anywhere. */
static int
check_auth_no_password(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	struct ss_buf	all;

	(void)r;
	if (!conn_any_auth(c) || !conn_auth_explored(c) ||
	    conn_has_mech(c, "PLAIN") || conn_has_mech(c, "LOGIN")) {
		return 0;
	}
	ss_buf_init(&all);
	conn_all_mechs(c, &all);
	ss_buf_adds(&dr->msg, "The server offers only AUTH ");
	draft_untrusted(dr, all.data, all.len, 200);
	ss_buf_adds(&dr->msg, ": a mail client set to \"Authentication: "
	    "Normal password\" (PLAIN or LOGIN) fails; the client needs a "
	    "matching method, such as \"Encrypted password\" for CRAM-MD5.");
	ss_buf_finish(&all);
	draft_ehlos(dr, c);
	return 1;
}

/* MAIL before TLS refused with 530: the server insists on STARTTLS. */
static int
check_mail_needs_tls(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;

	(void)r;
	if ((x = conn_find_refusal(c, SS_VERB_MAIL, 530, 530)) == NULL) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server refused MAIL with 530 before TLS: "
	    "it accepts mail only over STARTTLS. Clients set to "
	    "\"Connection security: None\" cannot send here.");
	draft_exchange(dr, c, x);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Checks: greeting, replies, pipelining, greylisting.                 */

/* The greeting came late (a tarpit). */
static int
check_banner_delay(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*g = c->greeting;
	unsigned			 ms = c->opt->banner_delay_ms;
	uint64_t			 delay;

	(void)r;
	if (ms == 0) {
		ms = SS_FINDINGS_BANNER_DELAY_MS;
	}
	if (g == NULL || g->reply_us < g->sent_us ||
	    (delay = g->reply_us - g->sent_us) < (uint64_t)ms * 1000) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server sent its greeting %.1f seconds "
	    "after the connection was made. Servers that wait on purpose (a "
	    "tarpit against spam) make impatient clients give up; many wait "
	    "only 30 to 60 seconds.", (double)delay / 1e6);
	draft_event(dr, g->cmd_event);
	draft_reply(dr, c, g);
	return 1;
}

/* A greeting that is not 2xx: 421 (busy, go away) or 554 (no service). */
static int
check_greeting_refused(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*g = c->greeting;
	const struct ss_reply_line	*l;

	(void)r;
	if (g == NULL || g->reply->code < 400 || g->reply->nlines == 0) {
		return 0;
	}
	l = &g->reply->lines[0];
	ss_buf_printf(&dr->msg, "The server refused the connection at once "
	    "with %d (\"", g->reply->code);
	draft_untrusted(dr, l->raw, l->len, 120);
	ss_buf_printf(&dr->msg, "\"). %s", g->reply->code == 421 ? "421 means "
	    "it is busy, shutting down, or does not want this client now; try "
	    "later or from another network." : "It offers no mail service to "
	    "this client.");
	draft_reply(dr, c, g);
	return 1;
}

/* Add every server line of the connection carrying one of the anomalies;
 * returns how many lines, and their union in *seen. */
static size_t
draft_anomalous_lines(struct draft *dr, const struct conn *c, unsigned mask,
    unsigned *seen)
{
	const struct ss_line	*l;
	size_t			 i, n = 0;

	*seen = 0;
	for (i = 0; i < ss_dialog_line_count(c->d); i++) {
		l = ss_dialog_line(c->d, i);
		if (l->event < c->start || l->event >= c->end ||
		    (l->anomalies & mask) == 0) {
			continue;
		}
		*seen |= l->anomalies & mask;
		draft_event(dr, l->event);
		n++;
	}
	return n;
}

/* Replies whose lines end in LF alone. */
static int
check_bare_lf(const struct conn *c, const struct rule *r, struct draft *dr)
{
	unsigned	seen;
	size_t		n;

	(void)r;
	n = draft_anomalous_lines(dr, c, SS_ANOM_BIT(SS_ANOM_BARE_LF), &seen);
	if (n == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "%zu server line%s ended with a bare LF "
	    "instead of CRLF. SMTP requires CRLF; strict clients reject such "
	    "replies or misread them.", n, n == 1 ? "" : "s");
	return 1;
}

/* Anomalies that break the reply grammar (bare LF has its own rule). */
#define ANOM_MALFORMED	(SS_ANOM_BIT(SS_ANOM_BARE_CR) | \
	SS_ANOM_BIT(SS_ANOM_LINE_TOO_LONG) | SS_ANOM_BIT(SS_ANOM_BAD_CODE) | \
	SS_ANOM_BIT(SS_ANOM_BAD_SEPARATOR) | \
	SS_ANOM_BIT(SS_ANOM_CODE_MISMATCH) | SS_ANOM_BIT(SS_ANOM_NUL) | \
	SS_ANOM_BIT(SS_ANOM_CONTROL) | SS_ANOM_BIT(SS_ANOM_BAD_UTF8) | \
	SS_ANOM_BIT(SS_ANOM_TOO_MANY_LINES) | SS_ANOM_BIT(SS_ANOM_INCOMPLETE))

/* Replies that break the grammar in other ways. */
static int
check_malformed(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	unsigned	seen;
	size_t		n;
	int		a;
	const char	*sep = "";

	(void)r;
	n = draft_anomalous_lines(dr, c, ANOM_MALFORMED, &seen);
	if (n == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "%zu server line%s break%s the SMTP reply "
	    "format (", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	for (a = 0; a < SS_ANOM_LAST; a++) {
		if (seen & SS_ANOM_BIT(a)) {
			ss_buf_printf(&dr->msg, "%s%s", sep,
			    ss_anomaly_text[a]);
			sep = "; ";
		}
	}
	ss_buf_adds(&dr->msg, "); clients may misread them or give up.");
	return 1;
}

/* Commands that rode in the same write after an accepted STARTTLS. */
static size_t
conn_starttls_riders(const struct conn *c)
{
	const struct ss_exchange	*x;
	size_t				 i, riders = 0;
	int				 after = 0;

	if (c->implicit || c->starttls == NULL ||
	    c->starttls->reply->code != 220) {
		return 0;
	}
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		riders += after && x->cmd_event == c->starttls->cmd_event;
		after |= x == c->starttls;
	}
	return riders;
}

/* Replies nobody asked for.  Answers inside TLS to commands that rode
 * with STARTTLS are left to starttls-command-injection, which names the
 * real fault. */
static int
check_unsolicited(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;
	size_t				 i, n = 0;
	size_t				 excused = conn_starttls_riders(c);

	(void)r;
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->unsolicited && x->reply != NULL && excused > 0 &&
		    (ss_transcript_get(c->t, x->reply_event)->flags &
		    SS_EVF_TLS)) {
			excused--;
			continue;
		}
		if (x->unsolicited && x->reply != NULL) {
			draft_reply(dr, c, x);
			n++;
		}
	}
	if (n == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server sent %zu repl%s that no command "
	    "asked for; a client pairs replies with commands in order, so "
	    "every later reply is misread.", n, n == 1 ? "y" : "ies");
	return 1;
}

/* What the EHLOs answered so far said about PIPELINING, per TLS state;
 * a cursor moves over the exchanges once. */
struct pipe_state {
	size_t				 cursor;
	const struct ss_exchange	*last[2];	/* plain, TLS */
	const struct ss_exchange	*cached;
	int				 cached_yes;
};

/* Was PIPELINING advertised by the last EHLO answered before the write
 * that opened exchange xi, in the same TLS state? */
static int
pipe_known(struct pipe_state *ps, const struct conn *c, size_t xi)
{
	const struct ss_exchange	*x = ss_dialog_exchange(c->d, xi), *e;
	struct ss_caps			*caps;

	for (; ps->cursor < xi; ps->cursor++) {
		e = ss_dialog_exchange(c->d, ps->cursor);
		if (e->verb == SS_VERB_EHLO && e->reply != NULL &&
		    e->reply->code == 250 && e->reply_event < x->cmd_event) {
			ps->last[e->tls != 0] = e;
		}
	}
	e = ps->last[x->tls != 0];
	if (e == NULL) {
		return 0;
	}
	if (e != ps->cached && (caps = ss_caps_from_reply(e->reply)) != NULL) {
		ps->cached = e;
		ps->cached_yes = ss_caps_has(caps, "PIPELINING");
		ss_caps_free(caps);
	}
	return e == ps->cached && ps->cached_yes;
}

/* Several commands in one client write without PIPELINING. */
static int
check_pipelining(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x, *y;
	struct pipe_state		 ps;
	size_t				 i, j, worst = 0;

	(void)r;
	memset(&ps, 0, sizeof(ps));
	ps.cursor = c->xstart;
	for (i = c->xstart; i < c->xend; i = j) {
		x = ss_dialog_exchange(c->d, i);
		for (j = i + 1; j < c->xend; j++) {
			y = ss_dialog_exchange(c->d, j);
			if (y->cmd_event != x->cmd_event || y->greeting ||
			    y->unsolicited) {
				break;
			}
		}
		if (j - i < 2 || x->greeting || x->unsolicited ||
		    pipe_known(&ps, c, i)) {
			continue;
		}
		draft_event(dr, x->cmd_event);
		worst = j - i > worst ? j - i : worst;
	}
	if (worst == 0) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The client sent several commands in one write "
	    "(up to %zu) although the server did not advertise PIPELINING; "
	    "the server may lose or reject the later ones.", worst);
	return 1;
}

/* RCPT refused for now with a 4xx: greylisting, most likely. */
static int
check_greylisted(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;
	size_t				 i;

	(void)r;
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if ((x->verb == SS_VERB_RCPT || x->verb == SS_VERB_MAIL) &&
		    x->reply != NULL && (x->reply->code == 450 ||
		    x->reply->code == 451) && x->reply->enhanced.present &&
		    x->reply->enhanced.subject == 7 &&
		    x->reply->enhanced.detail == 1) {
			ss_buf_printf(&dr->msg, "The server answered %s with %d "
			    "4.7.1 (try again later): most likely greylisting. "
			    "A real mail server retries after some minutes "
			    "and gets through; it is not a fault of the "
			    "settings.", ss_verb_names[x->verb],
			    x->reply->code);
			draft_exchange(dr, c, x);
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Checks: what the message needs.                                     */

/* The latest capabilities and the EHLO exchange they came from. */
static const struct ss_caps *
conn_latest(const struct conn *c, const struct ss_exchange **x)
{
	int	p = conn_last_phase(c);

	*x = NULL;
	if (p < 0) {
		return NULL;
	}
	*x = c->ehlo[p];
	return conn_caps(c, (enum ss_phase)p);
}

/* SIZE smaller than the message the user wants to send. */
static int
check_size(const struct conn *c, const struct rule *r, struct draft *dr)
{
	const struct ss_exchange	*x;
	const struct ss_caps		*caps = conn_latest(c, &x);
	const struct ss_cap		*size;
	uint64_t			 want = c->opt->message_size;

	(void)r;
	size = ss_caps_find(caps, "SIZE");
	if (want == 0 || size == NULL || !size->has_size || size->size == 0 ||
	    size->size >= want) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server accepts messages up to %llu "
	    "octets (SIZE), but the message has %llu: it will be refused "
	    "(552).", (unsigned long long)size->size,
	    (unsigned long long)want);
	draft_reply(dr, c, x);
	return 1;
}

/* An extension the message needs is missing from the latest EHLO. */
static int
check_needed_ext(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;
	const struct ss_caps		*caps = conn_latest(c, &x);
	int				 utf8 = r->arg != 0;
	int				 need;

	need = utf8 ? c->opt->need_smtputf8 : c->opt->need_8bitmime;
	if (!need || caps == NULL ||
	    ss_caps_has(caps, utf8 ? "SMTPUTF8" : "8BITMIME")) {
		return 0;
	}
	ss_buf_adds(&dr->msg, utf8 ? "The server does not offer SMTPUTF8, so "
	    "a message with non-ASCII addresses cannot be sent here." :
	    "The server does not offer 8BITMIME: 8-bit text must be "
	    "re-encoded (quoted-printable or base64) before sending.");
	draft_reply(dr, c, x);
	return 1;
}

/* ------------------------------------------------------------------ */
/* The rule table.                                                     */

#define RULE(id, sev, rfc, title, fn, arg) \
	{ { id, SS_SEV_##sev, rfc, title }, fn, arg }

static const struct rule rules[] = {
	RULE("greeting-refused", ERROR, "RFC 5321 section 3.1",
	    "connection refused at the greeting", check_greeting_refused, 0),
	RULE("banner-delay", WARNING, "RFC 5321 section 4.5.3.2.1",
	    "slow greeting (tarpit)", check_banner_delay, 0),
	RULE("implicit-tls-to-plaintext-port", ERROR, "RFC 8314 section 3.3",
	    "SSL/TLS used on a STARTTLS port", check_implicit_to_plain, 0),
	RULE("plaintext-to-implicit-tls-port", ERROR, "RFC 8314 section 3.3",
	    "plain connection to port 465", check_plain_to_implicit, 0),
	RULE("starttls-not-advertised", ERROR, "RFC 3207 section 4",
	    "no STARTTLS", check_starttls_missing, 0),
	RULE("starttls-refused", ERROR, "RFC 3207 section 4",
	    "STARTTLS refused", check_starttls_refused, 0),
	RULE("tls-handshake-failed", ERROR, "RFC 3207 section 4.1",
	    "TLS handshake failed", check_tls_failed, 0),
	RULE("starttls-response-injection", ERROR, "RFC 3207 section 4.2",
	    "plaintext after the STARTTLS 220", check_response_injection, 0),
	RULE("starttls-command-injection", ERROR, "RFC 3207 section 4.2",
	    "commands sent before TLS answered inside it",
	    check_command_injection, 0),
	RULE("starttls-after-tls", WARNING, "RFC 3207 section 4.2",
	    "STARTTLS advertised inside TLS", check_starttls_after_tls, 0),
	RULE("tls-version-old", ERROR, "RFC 8996",
	    "TLS older than 1.2", check_tls_old, 0),
	RULE("cert-expired", ERROR, "RFC 5280 section 4.1.2.5",
	    "certificate expired", check_cert, SS_TLS_VERIFY_EXPIRED),
	RULE("cert-not-yet-valid", ERROR, "RFC 5280 section 4.1.2.5",
	    "certificate not yet valid", check_cert, SS_TLS_VERIFY_FUTURE),
	RULE("cert-name-mismatch", ERROR, "RFC 7817 section 3",
	    "certificate for another name", check_cert,
	    SS_TLS_VERIFY_NAME_MISMATCH),
	RULE("cert-self-signed", ERROR, "RFC 5280 section 6.1",
	    "self-signed certificate", check_cert, CERT_SELF),
	RULE("cert-unknown-ca", ERROR, "RFC 5280 section 6.1",
	    "certificate from an unknown authority", check_cert,
	    SS_TLS_VERIFY_NOT_TRUSTED),
	RULE("cert-weak-key", ERROR, "RFC 9325 section 4.3",
	    "certificate key too weak", check_cert, SS_TLS_VERIFY_BAD_KEY),
	RULE("cert-weak-signature", ERROR, "RFC 9155",
	    "certificate signed with SHA-1 or MD5", check_cert,
	    SS_TLS_VERIFY_BAD_MD),
	RULE("cert-not-verified", ERROR, "RFC 5280 section 6.1",
	    "certificate failed verification", check_cert_other, 0),
	RULE("auth-only-after-tls", INFO, "RFC 4954 section 4",
	    "AUTH offered only after STARTTLS", check_auth_after_tls, 0),
	RULE("auth-plaintext-offered", WARNING, "RFC 4954 section 4",
	    "password AUTH offered without TLS", check_auth_plaintext, 0),
	RULE("auth-refused-before-tls", WARNING, "RFC 3207 section 4",
	    "AUTH advertised, then refused with 530", check_auth_refused_plain,
	    0),
	RULE("auth-not-offered", WARNING, "RFC 4954 section 3",
	    "no AUTH at all", check_auth_none, 0),
	RULE("auth-mechanism-not-offered", ERROR, "RFC 4954 section 4",
	    "the wanted mechanism is not offered", check_auth_mech_missing, 0),
	RULE("auth-no-password-mechanism", WARNING, "RFC 4954 section 4",
	    "neither PLAIN nor LOGIN offered", check_auth_no_password, 0),
	RULE("mail-requires-tls", INFO, "RFC 3207 section 4",
	    "MAIL refused until STARTTLS", check_mail_needs_tls, 0),
	RULE("reply-bare-lf", WARNING, "RFC 5321 section 2.3.8",
	    "reply lines end in LF alone", check_bare_lf, 0),
	RULE("reply-malformed", WARNING, "RFC 5321 section 4.2",
	    "malformed replies", check_malformed, 0),
	RULE("reply-unsolicited", WARNING, "RFC 5321 section 4.2",
	    "replies no command asked for", check_unsolicited, 0),
	RULE("pipelining-not-advertised", WARNING, "RFC 2920 section 3.1",
	    "commands pipelined without PIPELINING", check_pipelining, 0),
	RULE("greylisted", INFO, "RFC 6647 section 2.1",
	    "temporarily refused (greylisting)", check_greylisted, 0),
	RULE("size-too-small", ERROR, "RFC 1870 section 4",
	    "message larger than SIZE", check_size, 0),
	RULE("smtputf8-missing", ERROR, "RFC 6531 section 3.2",
	    "SMTPUTF8 needed but not offered", check_needed_ext, 1),
	RULE("8bitmime-missing", WARNING, "RFC 6152 section 2",
	    "8BITMIME needed but not offered", check_needed_ext, 0),
};

/* Number of rules. */
size_t
ss_findings_rule_count(void)
{
	return SS_NITEMS(rules);
}

/* Rule by index; NULL past the end. */
const struct ss_finding_rule *
ss_findings_rule_at(size_t i)
{
	return i < SS_NITEMS(rules) ? &rules[i].pub : NULL;
}

/* Rule by ID; NULL if none. */
const struct ss_finding_rule *
ss_findings_rule(const char *id)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(rules); i++) {
		if (strcmp(rules[i].pub.id, id) == 0) {
			return &rules[i].pub;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Collecting findings.                                                */

/* Merge evidence into a finding, keeping it sorted and bounded. */
static void
finding_merge(struct ss_finding *f, const struct draft *dr)
{
	size_t	i, j;

	for (i = 0; i < dr->nev; i++) {
		for (j = 0; j < f->nevents && f->events[j] != dr->ev[i]; j++) {
			;
		}
		if (j == f->nevents && f->nevents < SS_FINDINGS_MAX_EVIDENCE) {
			f->events[f->nevents++] = dr->ev[i];
		}
	}
	qsort(f->events, f->nevents, sizeof(*f->events), event_cmp);
}

/* Record what a rule found (once per rule; evidence merges). */
static void
findings_add(struct ss_findings *fs, size_t ri, struct draft *dr)
{
	struct ss_finding	*f;
	size_t			 i;

	for (i = 0; i < fs->n; i++) {
		if (fs->rule_of[i] == ri) {
			finding_merge(&fs->items[i], dr);
			return;
		}
	}
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 8;
		fs->items = xreallocarray(fs->items, fs->cap, sizeof(*fs->items));
		fs->rule_of = xreallocarray(fs->rule_of, fs->cap, sizeof(size_t));
	}
	f = &fs->items[fs->n];
	fs->rule_of[fs->n++] = ri;
	f->id = rules[ri].pub.id;
	f->severity = rules[ri].pub.severity;
	f->rfc = rules[ri].pub.rfc;
	f->message = xstrdup(dr->msg.data);
	f->events = xcalloc(SS_FINDINGS_MAX_EVIDENCE, sizeof(*f->events));
	f->nevents = 0;
	finding_merge(f, dr);
}

/* Run every rule against one connection. */
static void
findings_judge(struct ss_findings *fs, const struct conn *c)
{
	struct draft	dr;
	size_t		i;

	for (i = 0; i < SS_NITEMS(rules); i++) {
		ss_buf_init(&dr.msg);
		dr.nev = 0;
		if (rules[i].check(c, &rules[i], &dr)) {
			findings_add(fs, i, &dr);
		}
		ss_buf_finish(&dr.msg);
	}
}

/* Order findings as the rule table does (earlier connections may have
 * found later rules first). */
static void
findings_sort(struct ss_findings *fs)
{
	struct ss_finding	 f;
	size_t			 i, j, r;

	for (i = 1; i < fs->n; i++) {
		f = fs->items[i];
		r = fs->rule_of[i];
		for (j = i; j > 0 && fs->rule_of[j - 1] > r; j--) {
			fs->items[j] = fs->items[j - 1];
			fs->rule_of[j] = fs->rule_of[j - 1];
		}
		fs->items[j] = f;
		fs->rule_of[j] = r;
	}
}

/* ------------------------------------------------------------------ */
/* Client set-ups.                                                     */

/* How a set-up reaches the server. */
enum setup_path {
	PATH_STARTTLS,		/* plain connect, then STARTTLS */
	PATH_IMPLICIT,		/* TLS from the first byte */
	PATH_NONE,		/* no encryption at all */
	PATH_ANY_TLS,		/* either TLS path */
};

/* One usual client setting, in the words mail clients use. */
static const struct setup_row {
	const char	*id;
	const char	*security;
	const char	*auth;
	const char	*ports;
	enum setup_path	 path;
	const char	*mechs[4];	/* any of these will do */
	const char	*mech_words;	/* what the client calls them */
} setup_rows[] = {
	{ "starttls-password", "Connection security: STARTTLS",
	  "Authentication: Normal password", "port 587 or 25",
	  PATH_STARTTLS, { "PLAIN", "LOGIN" }, "PLAIN or LOGIN" },
	{ "ssl-tls-password", "Connection security: SSL/TLS",
	  "Authentication: Normal password", "port 465",
	  PATH_IMPLICIT, { "PLAIN", "LOGIN" }, "PLAIN or LOGIN" },
	{ "none-password", "Connection security: None",
	  "Authentication: Normal password", "port 587 or 25",
	  PATH_NONE, { "PLAIN", "LOGIN" }, "PLAIN or LOGIN" },
	{ "starttls-encrypted-password", "Connection security: STARTTLS",
	  "Authentication: Encrypted password", "port 587 or 25",
	  PATH_STARTTLS, { "CRAM-MD5", "DIGEST-MD5" }, "CRAM-MD5" },
	{ "oauth2", "Connection security: STARTTLS or SSL/TLS",
	  "Authentication: OAuth2", "port 587 or 465",
	  PATH_ANY_TLS, { "XOAUTH2", "OAUTHBEARER" }, "XOAUTH2 or OAUTHBEARER" },
};

/* A verdict being written. */
struct judgement {
	enum ss_verdict	 verdict;
	struct draft	 dr;
};

/* Does the set offer one of the row's mechanisms?  Returns it or NULL. */
static const char *
row_mech_in(const struct setup_row *row, const struct ss_caps *caps)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(row->mechs) && row->mechs[i] != NULL; i++) {
		if (ss_caps_has_auth(caps, row->mechs[i])) {
			return row->mechs[i];
		}
	}
	return NULL;
}

/* Set the verdict and start its reason. */
static void
judge(struct judgement *j, enum ss_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
judge(struct judgement *j, enum ss_verdict v, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	j->verdict = v;
	ss_buf_reset(&j->dr.msg);
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	ss_buf_adds(&j->dr.msg, s);
	free(s);
}

/* Does an AUTH command name one of the row's mechanisms? */
static int
row_names_mech(const struct setup_row *row, const char *command)
{
	const char	*p = command + 4;
	size_t		 k, n;

	while (*p == ' ') {
		p++;
	}
	for (k = 0; k < SS_NITEMS(row->mechs) && row->mechs[k] != NULL; k++) {
		n = strlen(row->mechs[k]);
		if (ss_strncasecmp(p, row->mechs[k], n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0')) {
			return 1;
		}
	}
	return 0;
}

/* The final code of the last AUTH tried with one of the row's mechanisms
 * (inside TLS or not, as tls says), SASL rounds included; 0 if none. */
static int
conn_auth_result(const struct conn *c, const struct setup_row *row, int tls)
{
	const struct ss_exchange	*x;
	size_t				 i;
	int				 ours = 0, code = 0;

	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->verb == SS_VERB_AUTH) {
			ours = x->tls == tls && row_names_mech(row, x->command);
			code = ours ? 0 : code;
		} else if (x->verb != SS_VERB_SASL) {
			continue;
		}
		if (ours && x->reply != NULL && x->reply->code != 334) {
			code = x->reply->code;
		}
	}
	return code;
}

/* With the login methods of a phase known, does the row's login work? */
static void
setup_mechs(struct judgement *j, const struct conn *c,
    const struct setup_row *row, enum ss_phase p, int tls)
{
	const struct ss_caps	*caps = conn_caps(c, p);
	const struct ss_cap	*auth = ss_caps_find(caps, "AUTH");
	int			 code = conn_auth_result(c, row, tls);

	draft_reply(&j->dr, c, c->ehlo[p]);
	if (code == 235) {
		judge(j, SS_VERDICT_WORKS, "Tested: the server accepted the "
		    "login (235).");
	} else if (code == 535) {
		judge(j, SS_VERDICT_FAILS, "The settings reach the login, but "
		    "the server refused the user name or password (535).");
	} else if (auth == NULL) {
		judge(j, SS_VERDICT_FAILS, "The server offers no AUTH %s, so "
		    "it takes no password.", tls ? "inside TLS" : "without TLS");
	} else if (row_mech_in(row, caps) != NULL) {
		judge(j, SS_VERDICT_WORKS, "The server offers AUTH %s%s, "
		    "which this setting uses (the login itself was not tried).",
		    row_mech_in(row, caps), tls ? " inside TLS" : "");
	} else {
		judge(j, SS_VERDICT_FAILS, "The server offers AUTH only with "
		    "other methods than %s.", row->mech_words);
	}
}

/* The TLS part of a path: handshake, certificate, EHLO inside TLS.
 * Returns 1 when the login methods inside TLS are known. */
static int
setup_tls(struct judgement *j, const struct conn *c)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	const char			*why = conn_text(c, c->ev_tls_fail);

	draft_event(&j->dr, c->ev_tls_fail);
	if (c->ev_tls_fail != NONE && c->ev_tls_up == NONE) {
		if (c->implicit && conn_peer_spoke_plaintext(c)) {
			judge(j, SS_VERDICT_FAILS, "The server speaks plain "
			    "SMTP on this port, not TLS from the first byte.");
			return 0;
		}
		if (strncmp(why, "handshake failed: ", 18) == 0) {
			why += 18;
		}
		judge(j, SS_VERDICT_FAILS, "The TLS handshake failed: ");
		draft_untrusted(&j->dr, why, strlen(why), 200);
		ss_buf_adds(&j->dr.msg, ".");
		return 0;
	}
	if (c->ev_tls_up == NONE) {
		judge(j, SS_VERDICT_UNKNOWN, "TLS was not completed in this "
		    "session.");
		return 0;
	}
	draft_event(&j->dr, c->ev_verify);
	if (tls->verify_known && tls->verify_flags != 0) {
		judge(j, SS_VERDICT_FAILS, "Mail clients reject the server's "
		    "certificate (see the certificate findings).");
		return 0;
	}
	if (conn_caps(c, conn_tls_phase(c)) == NULL) {
		judge(j, SS_VERDICT_UNKNOWN, "TLS works, but the session ended "
		    "before EHLO inside TLS, so the login methods there are "
		    "not known.");
		return 0;
	}
	return 1;
}

/* STARTTLS then a login. */
static void
setup_starttls(struct judgement *j, const struct conn *c,
    const struct setup_row *row)
{
	const struct ss_caps	*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);

	if (c->implicit || pre == NULL) {
		judge(j, SS_VERDICT_UNKNOWN, "This session made no plain "
		    "connection with EHLO, so STARTTLS was not tested.");
		return;
	}
	draft_reply(&j->dr, c, c->ehlo[SS_PHASE_BEFORE_TLS]);
	if (!ss_caps_has(pre, "STARTTLS")) {
		judge(j, SS_VERDICT_FAILS, "The server does not offer "
		    "STARTTLS, so the client gives up before logging in.");
	} else if (c->starttls == NULL) {
		judge(j, SS_VERDICT_UNKNOWN, "The server offers STARTTLS, but "
		    "this session did not try it.");
	} else if (c->starttls->reply->code != 220) {
		draft_exchange(&j->dr, c, c->starttls);
		judge(j, SS_VERDICT_FAILS, "The server refused STARTTLS (%d).",
		    c->starttls->reply->code);
	} else if (setup_tls(j, c)) {
		setup_mechs(j, c, row, conn_tls_phase(c), 1);
	}
}

/* TLS from the first byte, then a login. */
static void
setup_implicit(struct judgement *j, const struct conn *c,
    const struct setup_row *row)
{
	if (!c->implicit) {
		judge(j, SS_VERDICT_UNKNOWN, "This session did not try TLS "
		    "from the first byte (run again with --tls, usually on "
		    "port 465).");
		return;
	}
	draft_event(&j->dr, c->ev_tls_start);
	if (setup_tls(j, c)) {
		setup_mechs(j, c, row, conn_tls_phase(c), 1);
	}
}

/* No encryption, then a login. */
static void
setup_none(struct judgement *j, const struct conn *c,
    const struct setup_row *row)
{
	const struct ss_caps		*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);
	const struct ss_exchange	*x;

	if (c->implicit || pre == NULL) {
		judge(j, SS_VERDICT_UNKNOWN, "This session made no plain "
		    "connection with EHLO, so a login without TLS was not "
		    "tested.");
		return;
	}
	if ((x = conn_find_refusal(c, SS_VERB_AUTH, 530, 538)) != NULL) {
		draft_exchange(&j->dr, c, x);
		judge(j, SS_VERDICT_FAILS, "The server refuses AUTH before TLS "
		    "(%d): it wants STARTTLS first.", x->reply->code);
	} else if (!ss_caps_has(pre, "AUTH") &&
	    ss_caps_has(conn_caps(c, conn_tls_phase(c)), "AUTH")) {
		draft_reply(&j->dr, c, c->ehlo[SS_PHASE_BEFORE_TLS]);
		draft_reply(&j->dr, c, c->ehlo[conn_tls_phase(c)]);
		judge(j, SS_VERDICT_FAILS, "AUTH is offered only after "
		    "STARTTLS: without encryption the client sees no way to "
		    "log in and fails with a vague error such as \"Cannot send "
		    "message using the server\".");
	} else {
		setup_mechs(j, c, row, SS_PHASE_BEFORE_TLS, 0);
		if (j->verdict == SS_VERDICT_WORKS) {
			ss_buf_adds(&j->dr.msg, " But the password crosses the "
			    "network unencrypted: prefer STARTTLS.");
		}
	}
}

/* Judge one row against one connection. */
static void
setup_judge(struct judgement *j, const struct conn *c,
    const struct setup_row *row)
{
	switch (row->path) {
	case PATH_STARTTLS:
		setup_starttls(j, c, row);
		break;
	case PATH_IMPLICIT:
		setup_implicit(j, c, row);
		break;
	case PATH_NONE:
		setup_none(j, c, row);
		break;
	case PATH_ANY_TLS:
		if (c->implicit) {
			setup_implicit(j, c, row);
		} else {
			setup_starttls(j, c, row);
		}
		break;
	}
}

/* Where a verdict about a port comes from, said once. */
static void
setup_port_note(struct judgement *j, const struct conn *c)
{
	if (c->port > 0 && j->verdict != SS_VERDICT_UNKNOWN) {
		ss_buf_printf(&j->dr.msg, " (seen on port %d)", c->port);
	}
}

/* Fold one connection's verdicts into the rows: a conclusive verdict
 * replaces an earlier one, "unknown" never replaces a conclusive one. */
static void
setups_judge(struct ss_findings *fs, const struct conn *c)
{
	struct judgement	 j;
	struct ss_setup		*s;
	size_t			 i;

	for (i = 0; i < fs->nsetups; i++) {
		s = &fs->setups[i];
		ss_buf_init(&j.dr.msg);
		j.dr.nev = 0;
		j.verdict = SS_VERDICT_UNKNOWN;
		setup_judge(&j, c, &setup_rows[i]);
		setup_port_note(&j, c);
		if (j.verdict != SS_VERDICT_UNKNOWN ||
		    s->verdict == SS_VERDICT_UNKNOWN) {
			s->verdict = j.verdict;
			free(s->reason);
			s->reason = xstrdup(j.dr.msg.data);
			memcpy(s->events, j.dr.ev, j.dr.nev * sizeof(size_t));
			s->nevents = j.dr.nev;
			qsort(s->events, s->nevents, sizeof(size_t), event_cmp);
		}
		ss_buf_finish(&j.dr.msg);
	}
}

/* The rows before any connection was judged. */
static void
setups_init(struct ss_findings *fs)
{
	size_t	i;

	fs->nsetups = SS_NITEMS(setup_rows);
	fs->setups = xcalloc(fs->nsetups, sizeof(*fs->setups));
	for (i = 0; i < fs->nsetups; i++) {
		fs->setups[i].id = setup_rows[i].id;
		fs->setups[i].security = setup_rows[i].security;
		fs->setups[i].auth = setup_rows[i].auth;
		fs->setups[i].ports = setup_rows[i].ports;
		fs->setups[i].verdict = SS_VERDICT_UNKNOWN;
		fs->setups[i].reason = xstrdup("This session did not reach "
		    "the server's EHLO reply.");
		fs->setups[i].events = xcalloc(SS_FINDINGS_MAX_EVIDENCE,
		    sizeof(size_t));
	}
}

/* ------------------------------------------------------------------ */
/* Running.                                                            */

/* Judge the connection [start, end) with a dialog at its end. */
static void
findings_connection(struct ss_findings *fs, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_findings_options *opt,
    size_t start, size_t end, int last)
{
	struct conn	c;

	if (start >= end) {
		return;
	}
	conn_init(&c, t, d, opt, start, end);
	/* What the configuration says fills what the transcript does not
	 * (imports); it describes the latest connection only. */
	if (last && c.port < 0 && opt->port > 0) {
		c.port = opt->port;
	}
	if (last && opt->implicit_tls && c.ev_tls_start == NONE) {
		c.implicit = 1;
	}
	findings_judge(fs, &c);
	setups_judge(fs, &c);
}

/* Judge the prefix of the transcript that d was fed. */
struct ss_findings *
ss_findings_run(const struct ss_transcript *t, const struct ss_dialog *d,
    const struct ss_findings_options *opt)
{
	static const struct ss_findings_options none;
	struct ss_findings	*fs = xcalloc(1, sizeof(*fs));
	struct ss_dialog	*own = NULL;
	const struct ss_event	*e;
	size_t			 i, n, start = 0;

	if (opt == NULL) {
		opt = &none;
	}
	n = d != NULL ? ss_dialog_fed(d) : ss_transcript_count(t);
	if (n > ss_transcript_count(t)) {
		n = ss_transcript_count(t);
	}
	setups_init(fs);
	for (i = 0; i < n; i++) {
		e = ss_transcript_get(t, i);
		if (e->kind == SS_KIND_CONNECT && i > start) {
			if (own == NULL) {
				own = ss_dialog_build(t, i);
			}
			findings_connection(fs, t, own, opt, start, i, 0);
			start = i;
		}
		if (own != NULL) {
			ss_dialog_feed(own, e);
		}
	}
	if (d == NULL && own == NULL) {
		own = ss_dialog_build(t, n);
	}
	findings_connection(fs, t, d != NULL ? d : own, opt, start, n, 1);
	ss_dialog_destroy(own);
	findings_sort(fs);
	return fs;
}

/* Free the findings and everything they hold; NULL is a no-op. */
void
ss_findings_free(struct ss_findings *fs)
{
	size_t	i;

	if (fs == NULL) {
		return;
	}
	for (i = 0; i < fs->n; i++) {
		free(fs->items[i].message);
		free(fs->items[i].events);
	}
	for (i = 0; i < fs->nsetups; i++) {
		free(fs->setups[i].reason);
		free(fs->setups[i].events);
	}
	free(fs->items);
	free(fs->rule_of);
	free(fs->setups);
	free(fs);
}

/* Number of findings. */
size_t
ss_findings_count(const struct ss_findings *fs)
{
	return fs->n;
}

/* One finding; NULL past the end. */
const struct ss_finding *
ss_findings_at(const struct ss_findings *fs, size_t i)
{
	return i < fs->n ? &fs->items[i] : NULL;
}

/* The finding with this ID, or NULL. */
const struct ss_finding *
ss_findings_find(const struct ss_findings *fs, const char *id)
{
	size_t	i;

	for (i = 0; i < fs->n; i++) {
		if (strcmp(fs->items[i].id, id) == 0) {
			return &fs->items[i];
		}
	}
	return NULL;
}

/* The worst severity, or -1 when nothing was found. */
int
ss_findings_worst(const struct ss_findings *fs)
{
	size_t	i;
	int	worst = -1;

	for (i = 0; i < fs->n; i++) {
		if ((int)fs->items[i].severity > worst) {
			worst = (int)fs->items[i].severity;
		}
	}
	return worst;
}

/* The --check exit code of the worst severity. */
int
ss_findings_exit_code(const struct ss_findings *fs)
{
	switch (ss_findings_worst(fs)) {
	case SS_SEV_ERROR:
		return SS_FINDINGS_EXIT_ERROR;
	case SS_SEV_WARNING:
		return SS_FINDINGS_EXIT_WARNING;
	default:
		return 0;
	}
}

/* Number of set-up rows. */
size_t
ss_findings_setup_count(const struct ss_findings *fs)
{
	return fs->nsetups;
}

/* One set-up row; NULL past the end. */
const struct ss_setup *
ss_findings_setup(const struct ss_findings *fs, size_t i)
{
	return i < fs->nsetups ? &fs->setups[i] : NULL;
}

/* Every set-up row. */
const struct ss_setup *
ss_findings_setups(const struct ss_findings *fs, size_t *n)
{
	*n = fs->nsetups;
	return fs->setups;
}
