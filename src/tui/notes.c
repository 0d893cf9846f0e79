/*
 * notes.c: explain mode (x), a short note under every wire line that
 * teaches what it means: a command's purpose, a reply's code and enhanced
 * code in words (from the knowledge base), each EHLO keyword, AUTH
 * challenges decoded from base64 (334 VXNlcm5hbWU6 is "Username:") and
 * answers marked as the secrets they are, why EHLO comes again after TLS,
 * and what sending several commands in one write (pipelining) means.
 *
 * A note holds our words, knowledge-base text and decoded server bytes;
 * the wire pane draws it through the escaper like any server text.
 */

#include <stdlib.h>
#include <string.h>

#include "smtpscope/caps.h"
#include "smtpscope/kb.h"
#include "smtpscope/sasl.h"
#include "smtpscope/util.h"

#include "tui-int.h"

/* What each command asks for, in a few words, with its RFC. */
static const char *const notes_verbs[SS_VERB_LAST] = {
	[SS_VERB_EHLO] = "the client introduces itself and asks for the "
	    "server's extensions (RFC 5321 4.1.1.1)",
	[SS_VERB_HELO] = "the old greeting: the server lists no extensions, "
	    "so no STARTTLS and no AUTH (RFC 5321 4.1.1.1)",
	[SS_VERB_STARTTLS] = "asks to turn this connection into TLS "
	    "(RFC 3207)",
	[SS_VERB_AUTH] = "starts logging in with a SASL mechanism (RFC 4954)",
	[SS_VERB_MAIL] = "starts a message and names its sender, the "
	    "envelope from (RFC 5321 4.1.1.2)",
	[SS_VERB_RCPT] = "names one recipient (RFC 5321 4.1.1.3)",
	[SS_VERB_DATA] = "asks to send the message: after 354 the text "
	    "follows, ended by a line with a dot (RFC 5321 4.1.1.4)",
	[SS_VERB_BDAT] = "sends a chunk of the message of a stated size "
	    "(CHUNKING, RFC 3030)",
	[SS_VERB_RSET] = "drops the message in progress, keeps the "
	    "connection (RFC 5321 4.1.1.5)",
	[SS_VERB_NOOP] = "does nothing: checks the server still answers "
	    "(RFC 5321 4.1.1.9)",
	[SS_VERB_VRFY] = "probe: asks whether an address exists; careful "
	    "servers answer 252 or refuse (RFC 5321 3.5)",
	[SS_VERB_EXPN] = "probe: asks for a mailing list's members; most "
	    "servers refuse (RFC 5321 3.5)",
	[SS_VERB_HELP] = "asks the server for help text (RFC 5321 4.1.1.8)",
	[SS_VERB_QUIT] = "says goodbye; the server answers 221 and closes "
	    "(RFC 5321 4.1.1.10)",
	[SS_VERB_OTHER] = "a line the user typed; the server judges it",
};

/* What a verb asks for, or NULL. */
const char *
tui_notes_verb(enum ss_verb v)
{
	return v < SS_VERB_LAST ? notes_verbs[v] : NULL;
}

/* The exchange a line belongs to, or NULL. */
static const struct ss_exchange *
notes_exchange(const struct tui *t, const struct ss_line *l)
{
	if (l->exchange < 0 ||
	    (size_t)l->exchange >= ss_dialog_exchange_count(t->dialog)) {
		return NULL;
	}
	return ss_dialog_exchange(t->dialog, (size_t)l->exchange);
}

/*
 * The mechanism of the AUTH exchange a line belongs to: the nearest AUTH
 * command at or before its exchange.  "" when there is none.
 */
static void
notes_sasl_mech(const struct tui *t, const struct ss_line *l, char *name,
    size_t size)
{
	const struct ss_exchange	*x;
	const char			*p;
	long				 i;
	size_t				 n;

	name[0] = '\0';
	for (i = l->exchange; i >= 0; i--) {
		x = ss_dialog_exchange(t->dialog, (size_t)i);
		if (x->verb == SS_VERB_AUTH && x->command != NULL &&
		    strlen(x->command) > 5) {
			p = x->command + 5;
			n = strcspn(p, " ");
			if (n < size) {
				memcpy(name, p, n);
				name[n] = '\0';
			}
			return;
		}
		if (x->verb != SS_VERB_SASL) {
			return;
		}
	}
}

/* Base64 text decoded for display, or why it is not shown.  A mechanism
 * that can read the message (SCRAM, OAuth errors) explains it. */
static void
notes_decoded(const char *s, size_t len, int redacted, struct ss_buf *b,
    const char *mech, int from_server)
{
	char	*text;

	while (len > 0 && (*s == ' ' || s[len - 1] == ' ')) {
		if (*s == ' ') {
			s++;
		}
		len--;
	}
	if (redacted) {
		ss_buf_adds(b, "(secret, redacted)");
	} else if (len == 1 && *s == '*') {
		ss_buf_adds(b, "\"*\": the client gives up this AUTH");
	} else if (len == 0) {
		ss_buf_adds(b, "(empty)");
	} else if (mech != NULL && ss_sasl_describe(mech, from_server, s, len,
	    b)) {
		return;
	} else if ((text = ss_sasl_decode_for_display(s, len)) == NULL) {
		ss_buf_adds(b, "(not base64)");
	} else {
		ss_buf_printf(b, "\"%s\"", text);
		free(text);
	}
}

/* "334 VXNlcm5hbWU6": the server's AUTH challenge, decoded. */
static void
notes_challenge(const struct tui *t, const struct ss_line *l,
    struct ss_buf *b)
{
	size_t	skip = l->len > 4 ? 4 : l->len;
	char	mech[32];

	if (l->len <= 4) {
		ss_buf_adds(b, "AUTH challenge, empty: the server waits for "
		    "the credentials (RFC 4954)");
		return;
	}
	notes_sasl_mech(t, l, mech, sizeof mech);
	ss_buf_adds(b, "AUTH challenge, decoded: ");
	notes_decoded(l->bytes + skip, l->len - skip, 0, b, mech, 1);
}

/* A reply's first line: code and enhanced code in words. */
static void
notes_reply(const struct ss_exchange *ex, struct ss_buf *b)
{
	const struct ss_kb_entry	*e = ss_kb_reply(ex->reply->code);
	const struct ss_enhanced	*en = &ex->reply->enhanced;

	ss_buf_printf(b, "%d: %s", ex->reply->code, e != NULL ? e->title :
	    "a code smtpscope does not know");
	if (en->present && (e = ss_kb_enhanced(en->class_, en->subject,
	    en->detail)) != NULL) {
		ss_buf_printf(b, "; %d.%d.%d: %s", en->class_, en->subject,
		    en->detail, e->title);
	}
	if (ex->unsolicited) {
		ss_buf_adds(b, "; no command asked for this reply");
	}
	if (ex->verb == SS_VERB_STARTTLS && ex->reply->code == 220) {
		ss_buf_adds(b, "; the TLS handshake comes next, and nothing "
		    "sent before it counts afterwards (RFC 3207 4.2)");
	}
}

/* An EHLO reply's further line: the keyword it advertises. */
static void
notes_keyword(const struct ss_line *l, struct ss_buf *b)
{
	const struct ss_kb_entry	*e;
	const char			*sp;
	struct ss_buf			 params;
	char				 kw[64];
	size_t				 n;

	if (l->len <= 4) {
		return;
	}
	sp = memchr(l->bytes + 4, ' ', l->len - 4);
	n = (sp != NULL ? (size_t)(sp - l->bytes) : l->len) - 4;
	if (n >= sizeof kw) {
		n = sizeof kw - 1;
	}
	memcpy(kw, l->bytes + 4, n);
	kw[n] = '\0';
	if ((e = ss_kb_keyword(kw)) == NULL) {
		ss_buf_printf(b, "%s: a keyword smtpscope does not know "
		    "(shown as sent)", kw);
		return;
	}
	ss_buf_printf(b, "%s: %s", e->token, e->title);
	ss_buf_init(&params);
	if (sp != NULL) {
		ss_kb_describe_params(kw, sp + 1, &params);
	}
	if (params.len > 0) {
		ss_buf_adds(b, "; ");
		ss_buf_add(b, params.data, params.len);
	}
	ss_buf_finish(&params);
}

/* A server line: the reply's first line, a challenge, or a keyword. */
static void
notes_server(const struct tui *t, size_t i, const struct ss_line *l,
    struct ss_buf *b)
{
	const struct ss_exchange	*ex = notes_exchange(t, l);

	if (ex == NULL || ex->reply == NULL) {
		return;
	}
	if (ex->first_line == (long)i && ex->reply->code == 334) {
		notes_challenge(t, l, b);
	} else if (ex->first_line == (long)i) {
		notes_reply(ex, b);
	} else if (ex->verb == SS_VERB_EHLO && ex->reply->code == 250) {
		notes_keyword(l, b);
	}
}

/* Lines of one client write from line i on (commands, not a body). */
static size_t
notes_write_lines(const struct tui *t, size_t i)
{
	const struct ss_line	*l = ss_dialog_line(t->dialog, i), *m;
	size_t			 n = ss_dialog_line_count(t->dialog), k;

	for (k = i + 1; k < n; k++) {
		m = ss_dialog_line(t->dialog, k);
		if (m->dir != SS_DIR_CLIENT || m->event != l->event ||
		    (m->flags & SS_LINE_BODY)) {
			break;
		}
	}
	return k - i;
}

/* Is line i the first of its client write? */
static int
notes_write_first(const struct tui *t, size_t i)
{
	const struct ss_line	*l = ss_dialog_line(t->dialog, i), *p;

	if (i == 0) {
		return 1;
	}
	p = ss_dialog_line(t->dialog, i - 1);
	return p->dir != SS_DIR_CLIENT || p->event != l->event;
}

/* Several commands in one write: what pipelining changes. */
static void
notes_pipelining(const struct tui *t, size_t i, const struct ss_line *l,
    enum ss_verb verb, struct ss_buf *b)
{
	const struct ss_caps	*caps;
	size_t			 k;

	if (!notes_write_first(t, i) || (k = notes_write_lines(t, i)) < 2) {
		return;
	}
	ss_buf_printf(b, " | %zu commands in one write (pipelining, RFC "
	    "2920): the client sends them without waiting and the replies "
	    "come back in order", k);
	caps = ss_dialog_caps(t->dialog, (l->flags & SS_LINE_TLS) ?
	    SS_PHASE_AFTER_TLS : SS_PHASE_BEFORE_TLS);
	if (caps != NULL && !ss_caps_has(caps, "PIPELINING")) {
		ss_buf_adds(b, "; this server did not advertise PIPELINING");
	}
	if (verb == SS_VERB_STARTTLS) {
		ss_buf_adds(b, "; after STARTTLS this is the injection probe: "
		    "a safe server discards the rest (CVE-2011-0411)");
	}
}

/* "AUTH PLAIN dGVzdA==": the mechanism and the initial response. */
static void
notes_auth(const struct ss_line *l, struct ss_buf *b)
{
	const struct ss_kb_entry	*e;
	const char			*mech, *resp, *end = l->bytes + l->len;
	char				 name[32];
	size_t				 n;

	ss_buf_adds(b, notes_verbs[SS_VERB_AUTH]);
	mech = l->len > 5 ? l->bytes + 5 : end;
	resp = memchr(mech, ' ', (size_t)(end - mech));
	n = (size_t)((resp != NULL ? resp : end) - mech);
	if (n > 0 && n < sizeof name) {
		memcpy(name, mech, n);
		name[n] = '\0';
		if ((e = ss_kb_mech(name)) != NULL) {
			ss_buf_printf(b, "; %s: %s", e->token, e->title);
		}
	}
	if (resp != NULL) {
		ss_buf_adds(b, "; initial response: ");
		notes_decoded(resp + 1, (size_t)(end - resp - 1),
		    (l->flags & SS_LINE_REDACTED) != 0, b,
		    n > 0 && n < sizeof name ? name : NULL, 0);
	}
}

/* A client line: what the command asks, SASL answers, pipelining. */
static void
notes_client(const struct tui *t, size_t i, const struct ss_line *l,
    struct ss_buf *b)
{
	const struct ss_exchange	*ex = notes_exchange(t, l);
	enum ss_verb			 verb = ex != NULL ? ex->verb :
					    SS_VERB_OTHER;
	char				 mech[32];

	if (l->flags & SS_LINE_BODY) {
		return;
	}
	if (verb == SS_VERB_SASL) {
		notes_sasl_mech(t, l, mech, sizeof mech);
		ss_buf_adds(b, "AUTH answer to the challenge: ");
		notes_decoded(l->bytes, l->len,
		    (l->flags & SS_LINE_REDACTED) != 0, b, mech, 0);
	} else if (verb == SS_VERB_AUTH) {
		notes_auth(l, b);
	} else if (notes_verbs[verb] != NULL) {
		ss_buf_adds(b, notes_verbs[verb]);
	}
	notes_pipelining(t, i, l, verb, b);
}

/* TLS records: the upgrade, a failed verification or handshake. */
static void
notes_tls(const struct ss_line *l, struct ss_buf *b)
{
	switch (l->kind) {
	case SS_KIND_TLS_UP:
		ss_buf_adds(b, "TLS is up. The server forgets everything said "
		    "before it, and what came in plaintext may have been "
		    "forged, so the client must send EHLO again and trust "
		    "only the new list (RFC 3207 4.2)");
		break;
	case SS_KIND_TLS_VERIFY:
		if (l->len < 8 || memcmp(l->bytes, "verified", 8) != 0) {
			ss_buf_adds(b, "the certificate did not verify: a mail "
			    "client stops here unless told to trust it (t "
			    "shows why)");
		}
		break;
	case SS_KIND_TLS_FAIL:
		ss_buf_adds(b, "no TLS: a client set to STARTTLS or SSL/TLS "
		    "cannot send through this server");
		break;
	default:
		break;
	}
}

/* What the client's own SASL verdicts mean (kind "sasl" records). */
static const struct {
	const char	*word;
	const char	*note;
} notes_sasl_verdicts[] = {
	{ "server-signature=ok", "the server proved it knows the password "
	    "(its SCRAM signature checks out), so it is the server holding "
	    "this account: the password itself never crossed the wire" },
	{ "server-signature=mismatch", "the server's SCRAM signature is "
	    "wrong: it could not prove it knows the password, so smtpscope "
	    "cancelled the login and does not trust this server" },
	{ "server-signature=missing", "the server said 235 without proving "
	    "it knows the password (no SCRAM signature): smtpscope does not "
	    "trust the login" },
	{ "error-challenge", "the server refused the bearer token and said "
	    "why in a JSON object (decoded on the 334 line above)" },
};

/* An I record: the SASL verdicts are explained. */
static void
notes_info(const struct ss_line *l, struct ss_buf *b)
{
	size_t	 i;

	if (l->kind != SS_KIND_SASL) {
		return;
	}
	for (i = 0; i < SS_NITEMS(notes_sasl_verdicts); i++) {
		if (memmem(l->bytes, l->len, notes_sasl_verdicts[i].word,
		    strlen(notes_sasl_verdicts[i].word)) != NULL) {
			ss_buf_adds(b, notes_sasl_verdicts[i].note);
			return;
		}
	}
}

/* The note of dialog line i, appended to b (nothing when there is none
 * worth showing). */
void
tui_notes_line(const struct tui *t, size_t i, struct ss_buf *b)
{
	const struct ss_line	*l;

	if (t->dialog == NULL || i >= ss_dialog_line_count(t->dialog)) {
		return;
	}
	l = ss_dialog_line(t->dialog, i);
	if (l->flags & SS_LINE_DISCARDED) {
		ss_buf_adds(b, "plaintext injected after the 220 to STARTTLS: "
		    "never used (CVE-2011-0411)");
		return;
	}
	switch (l->dir) {
	case SS_DIR_SERVER:
		notes_server(t, i, l, b);
		break;
	case SS_DIR_CLIENT:
		notes_client(t, i, l, b);
		break;
	case SS_DIR_TLS:
		notes_tls(l, b);
		break;
	case SS_DIR_INFO:
		notes_info(l, b);
		break;
	default:
		break;
	}
}
