/*
 * findings-auth.c: rules about AUTH: where it is offered, what is refused.
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
int
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
int
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
const struct ss_exchange *
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
int
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
int
check_auth_none(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	(void)r;
	if (conn_last_phase(c) < 0 || conn_any_auth(c) ||
	    !conn_auth_explored(c) || conn_any_caps_cut(c)) {
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
int
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
int
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
int
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

/* The SCRAM verdict record of a connection that distrusts its server. */
static size_t
conn_unproven_verdict(const struct conn *c)
{
	const struct ss_event	*e;
	size_t			 i;

	for (i = c->start; i < c->end; i++) {
		e = ss_transcript_get(c->t, i);
		if (e->dir == SS_DIR_INFO && e->kind == SS_KIND_SASL &&
		    (strstr(e->data, "server-signature=mismatch") != NULL ||
		    strstr(e->data, "server-signature=missing") != NULL)) {
			return i;
		}
	}
	return NONE;
}

/*
 * SCRAM authenticates both ends: a server that sends a wrong signature,
 * or says 235 without one, does not know the password (or is not the
 * server the user meant).  The client recorded its verdict as it checked.
 */
int
check_auth_server_unproven(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	size_t	 ev = conn_unproven_verdict(c);

	(void)r;
	if (ev == NONE) {
		return 0;
	}
	ss_buf_adds(&dr->msg, "The server could not prove it knows the "
	    "password: its SCRAM signature ");
	ss_buf_adds(&dr->msg, strstr(conn_text(c, ev), "=missing") != NULL ?
	    "never came (it said 235 without one)" : "is wrong");
	ss_buf_adds(&dr->msg, ". A real server holding the account's SCRAM "
	    "keys always can, so this one may be an impostor in the middle "
	    "that took the login; smtpscope does not trust the login. Check "
	    "the certificate and the server name, and that the account's "
	    "SCRAM keys on the server were made from the current password.");
	draft_event(dr, ev);
	return 1;
}
