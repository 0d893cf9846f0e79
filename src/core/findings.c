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
 *
 * This file is the engine and the rule table; the checks live in one file
 * per family (findings-tls.c, findings-cert.c, findings-auth.c,
 * findings-provider.c, findings-reply.c, findings-message.c), the facts
 * they read in findings-conn.c and the client set-ups in findings-setups.c
 * (findings-int.h says what they share).
 */

#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "findings-int.h"

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

/* ------------------------------------------------------------------ */
/* The rule table.                                                     */

#define RULE(id, sev, rfc, title, fn, arg) \
	{ { id, SS_SEV_##sev, rfc, title }, fn, arg }

static const struct rule rules[] = {
	RULE("greeting-refused", ERROR, "RFC 5321 section 3.1",
	    "connection refused at the greeting", check_greeting_refused, 0),
	RULE("ehlo-refused-helo-accepted", ERROR, "RFC 5321 section 3.2",
	    "EHLO refused, HELO accepted: no extensions", check_helo_only, 0),
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
	RULE("tls13-unsupported", INFO, "RFC 9325 section 3.1.1",
	    "the server does not speak TLS 1.3", check_tls13_unsupported, 0),
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
	RULE("auth-basic-disabled", ERROR, "RFC 4954 section 6",
	    "the provider turned password logins off", check_provider_reply,
	    0),
	RULE("auth-smtp-auth-disabled", ERROR, "RFC 4954 section 6",
	    "the provider turned SMTP AUTH off", check_provider_reply, 0),
	RULE("auth-password-or-policy", ERROR, "RFC 4954 section 6",
	    "refused: the password, or a sign-in policy",
	    check_provider_reply, 0),
	RULE("auth-app-password-required", ERROR, "RFC 4954 section 6",
	    "an app password or OAuth2 is needed", check_provider_reply, 0),
	RULE("auth-web-login-required", ERROR, "RFC 4954 section 6",
	    "the provider wants a browser sign-in first",
	    check_provider_reply, 0),
	RULE("auth-required-for-mail", ERROR, "RFC 4954 section 6",
	    "MAIL refused: log in first", check_provider_reply, 0),
	RULE("auth-oauth-token-rejected", ERROR, "RFC 7628 section 3.2.2",
	    "the OAuth 2.0 token was refused", check_oauth_rejected, 0),
	RULE("auth-server-unproven", ERROR, "RFC 5802 section 3",
	    "SCRAM server did not prove it knows the password",
	    check_auth_server_unproven, 0),
	RULE("mail-requires-tls", INFO, "RFC 3207 section 4",
	    "MAIL refused until STARTTLS", check_mail_needs_tls, 0),
	RULE("reply-bare-lf", WARNING, "RFC 5321 section 2.3.8",
	    "reply lines end in LF alone", check_bare_lf, 0),
	RULE("reply-malformed", WARNING, "RFC 5321 section 4.2",
	    "malformed replies", check_malformed, 0),
	RULE("ehlo-empty-line", WARNING, "RFC 5321 section 4.1.1.1",
	    "a line with no keyword in the EHLO reply", check_ehlo_empty, 0),
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

/* Merge evidence into a finding, bounded: what fits is taken in the
 * order given (a connection's own findings keep their draft's order, so
 * folding them after earlier connections keeps what one run would). */
static void
finding_merge(struct ss_finding *f, const size_t *ev, size_t nev)
{
	size_t	i, j;

	for (i = 0; i < nev; i++) {
		for (j = 0; j < f->nevents && f->events[j] != ev[i]; j++) {
			;
		}
		if (j == f->nevents && f->nevents < SS_FINDINGS_MAX_EVIDENCE) {
			f->events[f->nevents++] = ev[i];
		}
	}
}

/* Record what a rule found (once per rule: the first message stays, the
 * evidence merges). */
static void
findings_add(struct ss_findings *fs, size_t ri, const char *msg,
    const size_t *ev, size_t nev)
{
	struct ss_finding	*f;
	size_t			 i;

	for (i = 0; i < fs->n; i++) {
		if (fs->rule_of[i] == ri) {
			finding_merge(&fs->items[i], ev, nev);
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
	f->message = xstrdup(msg);
	f->events = xcalloc(SS_FINDINGS_MAX_EVIDENCE, sizeof(*f->events));
	f->nevents = 0;
	finding_merge(f, ev, nev);
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
			draft_from_log(&dr, c);
			findings_add(fs, i, dr.msg.data, dr.ev, dr.nev);
		}
		ss_buf_finish(&dr.msg);
	}
}

/* Order findings as the rule table does (earlier connections may have
 * found later rules first). */
void
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

/* Findings of no connection yet: none, every set-up untested. */
struct ss_findings *
findings_new(void)
{
	struct ss_findings	*fs = xcalloc(1, sizeof(*fs));

	setups_init(fs);
	return fs;
}

/* Fold one set-up row of a later connection into the rows so far: a
 * conclusive verdict replaces an earlier one, "unknown" never replaces a
 * conclusive one. */
static void
setup_fold(struct ss_setup *into, const struct ss_setup *part)
{
	if (part->verdict == SS_VERDICT_UNKNOWN &&
	    into->verdict != SS_VERDICT_UNKNOWN) {
		return;
	}
	into->verdict = part->verdict;
	free(into->reason);
	into->reason = xstrdup(part->reason);
	memcpy(into->events, part->events, part->nevents * sizeof(size_t));
	into->nevents = part->nevents;
}

/* Fold the findings of a later connection (part) into those of the
 * connections before it (into): what judging them in one run gives. */
void
findings_merge(struct ss_findings *into, const struct ss_findings *part)
{
	size_t	i;

	for (i = 0; i < part->n; i++) {
		findings_add(into, part->rule_of[i], part->items[i].message,
		    part->items[i].events, part->items[i].nevents);
	}
	for (i = 0; i < into->n; i++) {
		qsort(into->items[i].events, into->items[i].nevents,
		    sizeof(size_t), event_cmp);
	}
	for (i = 0; i < into->nsetups && i < part->nsetups; i++) {
		setup_fold(&into->setups[i], &part->setups[i]);
	}
}

/* A copy that owns all it holds. */
struct ss_findings *
findings_dup(const struct ss_findings *fs)
{
	struct ss_findings	*c = findings_new();

	findings_merge(c, fs);
	return c;
}

/* ------------------------------------------------------------------ */
/* Running.                                                            */

/*
 * Judge the connection [start, end) with a dialog at its end; last says
 * it is the latest of the prefix (the configuration describes that one).
 * leaf may keep its decoded certificate across calls (or be NULL).
 */
struct ss_findings *
findings_judge_connection(const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_findings_options *opt,
    size_t start, size_t end, int last, struct cert_memo *leaf)
{
	struct ss_findings	*fs = findings_new();
	struct conn		 c;

	if (start >= end) {
		return fs;
	}
	conn_init(&c, t, d, opt, start, end);
	conn_decode_leaf(&c, leaf);
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
	return fs;
}

/*
 * The dialog at the end of an earlier connection: a view of the full one
 * (exact, and it borrows all but the events since its last quiet point),
 * so judging many connections costs no second dialog of the session.
 */
static struct ss_dialog *
findings_dialog_at(const struct ss_transcript *t, const struct ss_dialog *full,
    size_t end)
{
	return full != NULL ? ss_dialog_view(full, t, end) :
	    ss_dialog_build(t, end);
}

/* Judge one connection and fold it into fs. */
static void
findings_connection(struct ss_findings *fs, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_findings_options *opt,
    size_t start, size_t end, int last, struct cert_memo *leaf)
{
	struct ss_findings	*part;

	if (start >= end) {
		return;
	}
	part = findings_judge_connection(t, d, opt, start, end, last, leaf);
	findings_merge(fs, part);
	ss_findings_free(part);
}

/* Judge the prefix of the transcript that d was fed, from scratch: each
 * connection on its own, folded in order (ss_findings_cache_run gives the
 * same, keeping what is final). */
struct ss_findings *
ss_findings_run(const struct ss_transcript *t, const struct ss_dialog *d,
    const struct ss_findings_options *opt)
{
	static const struct ss_findings_options none;
	struct ss_findings	*fs = findings_new();
	struct ss_dialog	*own = NULL, *at;
	const struct ss_event	*e;
	struct cert_memo	 leaf;	/* one decoding per certificate */
	size_t			 i, n, start = 0;

	leaf.e = NULL;

	if (opt == NULL) {
		opt = &none;
	}
	n = d != NULL ? ss_dialog_fed(d) : ss_transcript_count(t);
	if (n > ss_transcript_count(t)) {
		n = ss_transcript_count(t);
	}
	if (d == NULL) {
		d = own = ss_dialog_build(t, n);
	}
	for (i = 0; i < n; i++) {
		e = ss_transcript_get(t, i);
		if (e->kind == SS_KIND_CONNECT && i > start) {
			at = findings_dialog_at(t, d, i);
			findings_connection(fs, t, at, opt, start, i, 0, &leaf);
			ss_dialog_destroy(at);
			start = i;
		}
	}
	findings_connection(fs, t, d, opt, start, n, 1, &leaf);
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
