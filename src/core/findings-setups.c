/*
 * findings-setups.c: verdicts on the usual mail client set-ups.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/kb.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "findings-int.h"

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
	int		 oauth;		/* a token, not a password: judged
					   only by a login tried */
} setup_rows[] = {
	{ "starttls-password", "Connection security: STARTTLS",
	  "Authentication: Normal password", "port 587 or 25",
	  PATH_STARTTLS, { "PLAIN", "LOGIN" }, "PLAIN or LOGIN", 0 },
	{ "ssl-tls-password", "Connection security: SSL/TLS",
	  "Authentication: Normal password", "port 465",
	  PATH_IMPLICIT, { "PLAIN", "LOGIN" }, "PLAIN or LOGIN", 0 },
	{ "none-password", "Connection security: None",
	  "Authentication: Normal password", "port 587 or 25",
	  PATH_NONE, { "PLAIN", "LOGIN" }, "PLAIN or LOGIN", 0 },
	{ "starttls-encrypted-password", "Connection security: STARTTLS",
	  "Authentication: Encrypted password", "port 587 or 25",
	  PATH_STARTTLS, { "CRAM-MD5", "DIGEST-MD5" }, "CRAM-MD5", 0 },
	{ "oauth2", "Connection security: STARTTLS or SSL/TLS",
	  "Authentication: OAuth2", "port 587 or 465",
	  PATH_ANY_TLS, { "XOAUTH2", "OAUTHBEARER" }, "XOAUTH2 or OAUTHBEARER",
	  1 },
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

/* The exchange that holds the final reply of the last AUTH tried with one
 * of the row's mechanisms (inside TLS or not, as tls says), SASL rounds
 * included; NULL if none was tried or none was answered. */
static const struct ss_exchange *
conn_auth_final(const struct conn *c, const struct setup_row *row, int tls)
{
	const struct ss_exchange	*x, *final = NULL;
	size_t				 i;
	int				 ours = 0;

	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->verb == SS_VERB_AUTH) {
			ours = x->tls == tls && row_names_mech(row, x->command);
			final = ours ? NULL : final;
		} else if (x->verb != SS_VERB_SASL) {
			continue;
		}
		if (ours && x->reply != NULL && x->reply->code != 334) {
			final = x;
		}
	}
	return final;
}

/* Why a refused OAuth2 login failed: the decoded error status of the
 * server's 334 challenge, when it sent one for this very login. */
static void
setup_oauth_error(struct judgement *j, const struct conn *c,
    const struct ss_exchange *final)
{
	const struct ss_exchange	*err;
	struct ss_buf			 status;

	if (conn_oauth_refusal(c, &err) != final || err == NULL) {
		return;
	}
	ss_buf_init(&status);
	if (oauth_error_status(err->reply, &status) == 0) {
		draft_oauth_status(&j->dr, status.data);
		draft_exchange(&j->dr, c, err);
	}
	ss_buf_finish(&status);
}

/* A login of the row's kind was tried: its final reply decides. */
static void
setup_tried(struct judgement *j, const struct conn *c,
    const struct setup_row *row, const struct ss_exchange *final)
{
	const struct ss_kb_provider	*p;
	int				 code = final->reply->code;

	draft_exchange(&j->dr, c, final);
	if (code == 235) {
		judge(j, SS_VERDICT_WORKS, "Tested: the server accepted the "
		    "%s (235).", row->oauth ? "OAuth2 token" : "login");
		return;
	}
	if (row->oauth) {
		judge(j, SS_VERDICT_FAILS, "The settings reach the login, but "
		    "the server refused the OAuth2 token (%d).", code);
		setup_oauth_error(j, c, final);
	} else if (code == 535) {
		judge(j, SS_VERDICT_FAILS, "The settings reach the login, but "
		    "the server refused the user name or password (535).");
	} else {
		judge(j, SS_VERDICT_FAILS, "The settings reach the login, but "
		    "the server refused it (%d).", code);
	}
	if (!row->oauth && (p = reply_provider(final->reply)) != NULL) {
		ss_buf_adds(&j->dr.msg, " ");
		draft_provider(&j->dr, p, final->reply);
	}
}

/* No OAuth2 login was tried: only what the server offers is known. */
static void
setup_oauth_untried(struct judgement *j, const struct ss_caps *caps,
    const struct setup_row *row, int tls)
{
	const char	*mech = row_mech_in(row, caps);

	if (ss_caps_find(caps, "AUTH") == NULL) {
		judge(j, SS_VERDICT_FAILS, "The server offers no AUTH %s, so "
		    "it takes no OAuth2 token.", tls ? "inside TLS" :
		    "without TLS");
	} else if (mech != NULL) {
		judge(j, SS_VERDICT_UNKNOWN, "The server offers AUTH %s%s, but "
		    "this session did not try an OAuth2 login (give --auth %s "
		    "and the token as the password).", mech,
		    tls ? " inside TLS" : "", mech);
	} else {
		judge(j, SS_VERDICT_FAILS, "The server offers AUTH only with "
		    "other methods than %s%s.", row->mech_words,
		    tls ? " inside TLS" : "");
	}
}

/* With the login methods of a phase known, does the row's login work? */
static void
setup_mechs(struct judgement *j, const struct conn *c,
    const struct setup_row *row, enum ss_phase p, int tls)
{
	const struct ss_caps		*caps = conn_caps(c, p);
	const struct ss_cap		*auth = ss_caps_find(caps, "AUTH");
	const struct ss_exchange	*final = conn_auth_final(c, row, tls);

	draft_reply(&j->dr, c, c->ehlo[p]);
	if (final != NULL) {
		setup_tried(j, c, row, final);
	} else if (row->oauth) {
		setup_oauth_untried(j, caps, row, tls);
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
void
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
void
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
