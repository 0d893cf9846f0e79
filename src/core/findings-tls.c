/*
 * findings-tls.c: rules about STARTTLS, the handshake, TLS versions and ports.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "findings-int.h"

/* Say " on port N" when the port is known. */
void
draft_port(struct draft *dr, const struct conn *c)
{
	if (c->port > 0) {
		ss_buf_printf(&dr->msg, " on port %d", c->port);
	}
}

/* EHLO before TLS answered without STARTTLS. */
int
check_starttls_missing(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_caps	*pre = conn_caps(c, SS_PHASE_BEFORE_TLS);

	(void)r;
	if (c->implicit || pre == NULL || ss_caps_has(pre, "STARTTLS") ||
	    conn_caps_cut(c, SS_PHASE_BEFORE_TLS)) {
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
int
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
int
conn_peer_spoke_plaintext(const struct conn *c)
{
	const char	*why = conn_text(c, c->ev_tls_fail);

	return strstr(why, "does not speak TLS") != NULL &&
	    strstr(why, "plaintext") != NULL;
}

/* A handshake began and failed before TLS was up. */
int
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
int
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
int
check_response_injection(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_line	*l;
	size_t			 i, n = 0;

	(void)r;
	for (i = c->lstart; i < c->lend; i++) {
		l = ss_dialog_line(c->d, i);
		if (l->flags & SS_LINE_DISCARDED) {
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
int
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
int
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
int
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
int
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
