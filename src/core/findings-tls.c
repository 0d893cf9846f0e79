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

static int	conn_only_old_tls(const struct conn *);

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
	/* The plaintext peer and the old server have findings of their own
	 * that say more.  A TLS 1.3 server that refuses the client's
	 * certificate (or its lack of one) does so after the handshake ended
	 * on our side: a "handshake failed" record after the TLS-up one
	 * counts too. */
	if (c->ev_tls_fail == NONE || (c->ev_tls_up != NONE &&
	    (c->ev_tls_fail < c->ev_tls_up ||
	    strncmp(why, "handshake failed: ", 18) != 0)) ||
	    (c->implicit && conn_peer_spoke_plaintext(c)) ||
	    conn_only_old_tls(c)) {
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

/* Protocol versions from oldest to newest, as records name them (the
 * 2.28 builds wrote "TLSv1" for TLS 1.0).  Below TLS 1.2 current clients
 * refuse them (RFC 8996). */
static const struct {
	const char	*name;
	int		 rank;
} tls_version_ranks[] = {
	{ "SSLv2", 0 }, { "SSLv3", 1 }, { "SSLv3.0", 1 },
	{ "TLSv1", 2 }, { "TLSv1.0", 2 }, { "TLSv1.1", 3 },
	{ "TLSv1.2", 4 }, { "TLSv1.3", 5 },
};
#define TLS_RANK_1_2	4
#define TLS_RANK_1_3	5

/* The rank of a version named by len bytes at s; -1 if unknown. */
static int
tls_version_rank(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(tls_version_ranks); i++) {
		if (strlen(tls_version_ranks[i].name) == len &&
		    strncmp(tls_version_ranks[i].name, s, len) == 0) {
			return tls_version_ranks[i].rank;
		}
	}
	return -1;
}

/* The versions the client offered, from "versions=TLSv1.2-TLSv1.3" in
 * the tls-start record; 0, or -1 when the record does not say (sessions
 * saved before it did, imports). */
static int
conn_tls_offer(const struct conn *c, int *min, int *max)
{
	const char	*p = strstr(conn_text(c, c->ev_tls_start), "versions=");
	size_t		 len, dash;

	if (c->ev_tls_start == NONE || p == NULL) {
		return -1;
	}
	p += 9;
	len = strcspn(p, " ");
	dash = strcspn(p, "-");
	if (dash >= len) {
		return -1;
	}
	*min = tls_version_rank(p, dash);
	*max = tls_version_rank(p + dash + 1, len - dash - 1);
	return *min < 0 || *max < 0 || *min > *max ? -1 : 0;
}

/* The handshake failed over the protocol version: the server's
 * protocol_version alert, or its hello choosing a version not offered. */
static int
conn_version_refused(const struct conn *c)
{
	return c->ev_tls_fail != NONE && c->ev_tls_up == NONE &&
	    strstr(conn_text(c, c->ev_tls_fail), "protocol version") != NULL;
}

/* The server refused both TLS 1.2 and TLS 1.3 when both were offered:
 * what is left for it is TLS 1.1 or older. */
static int
conn_only_old_tls(const struct conn *c)
{
	int	min, max;

	return conn_version_refused(c) && conn_tls_offer(c, &min, &max) == 0 &&
	    min <= TLS_RANK_1_2 && max >= TLS_RANK_1_3;
}

/* Quote the failure record's words (past "handshake failed: ", up to
 * the hint in parentheses, which the finding replaces). */
static void
draft_tls_failure(struct draft *dr, const struct conn *c)
{
	const char	*why = conn_text(c, c->ev_tls_fail);
	size_t		 len;

	if (strncmp(why, "handshake failed: ", 18) == 0) {
		why += 18;
	}
	len = strcspn(why, "(");
	while (len > 0 && why[len - 1] == ' ') {
		len--;
	}
	draft_untrusted(dr, why, len, 300);
}

/* TLS 1.0 or 1.1 negotiated (sessions from older builds), or TLS 1.2 and
 * 1.3 both refused for their version. */
int
check_tls_old(const struct conn *c, const struct rule *r, struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	int				 rank;

	(void)r;
	if (conn_only_old_tls(c)) {
		ss_buf_adds(&dr->msg, "The server refused the TLS handshake "
		    "over the protocol version although TLS 1.2 and TLS 1.3 "
		    "were both offered (\"");
		draft_tls_failure(dr, c);
		ss_buf_adds(&dr->msg, "\"), so it speaks only TLS 1.1, 1.0 or "
		    "older. These are deprecated and current mail clients "
		    "refuse them, as smtpscope does (its TLS library no "
		    "longer has them); the server needs TLS 1.2 or newer.");
		draft_event(dr, c->ev_tls_start);
		draft_event(dr, c->ev_tls_fail);
		return 1;
	}
	if (c->ev_tls_up == NONE || tls->version == NULL) {
		return 0;
	}
	rank = tls_version_rank(tls->version, strlen(tls->version));
	if (rank < 0 || rank >= TLS_RANK_1_2) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server negotiated ");
	draft_untrusted(dr, tls->version, strlen(tls->version), 16);
	ss_buf_adds(&dr->msg, ". TLS 1.0 and 1.1 are deprecated and current "
	    "mail clients refuse them; the server needs TLS 1.2 or newer.");
	draft_event(dr, c->ev_tls_up);
	return 1;
}

/* TLS 1.3 offered and not taken: TLS 1.2 chosen, or a handshake that
 * offered TLS 1.3 alone refused over the version. */
int
check_tls13_unsupported(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	int				 min, max;

	(void)r;
	if (conn_tls_offer(c, &min, &max) == -1 || max < TLS_RANK_1_3) {
		return 0;
	}
	if (min >= TLS_RANK_1_3 && conn_version_refused(c)) {
		ss_buf_adds(&dr->msg, "The server refused a handshake that "
		    "offered TLS 1.3 alone (\"");
		draft_tls_failure(dr, c);
		ss_buf_adds(&dr->msg, "\"): it speaks TLS 1.2 at most. Clients "
		    "that accept TLS 1.2 still connect; only one that demands "
		    "TLS 1.3, as --tls-min 1.3 does, fails.");
		draft_event(dr, c->ev_tls_start);
		draft_event(dr, c->ev_tls_fail);
		return 1;
	}
	if (c->ev_tls_up == NONE || tls->version == NULL ||
	    strcmp(tls->version, "TLSv1.2") != 0) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server chose TLS 1.2 although TLS 1.3 was "
	    "offered: it does not speak TLS 1.3. Mail clients still connect "
	    "with TLS 1.2; TLS 1.3 is the recommended version (a shorter "
	    "handshake, forward secrecy always, the certificate encrypted).");
	draft_event(dr, c->ev_tls_start);
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
