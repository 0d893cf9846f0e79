/*
 * test-findings.c: transcripts in, findings out, as a helpdesk person would
 * check them: which rule IDs fire, which transcript events prove them, and
 * which mail client set-ups would work.  Most transcripts are written by
 * hand, event by event; the certificate and injection cases also run a real
 * session against the demo server's profiles over loopback.  Tests assert
 * IDs, severities, verdicts and event indices, never message text.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smtpscope/demo.h"
#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/kb.h"
#include "smtpscope/session.h"
#include "smtpscope/util.h"

/* Events as a test writes them; t_ms 0 means "one millisecond apart". */
struct step {
	enum ss_dir	 dir;
	enum ss_kind	 kind;
	unsigned	 flags;
	const char	*text;
	unsigned	 t_ms;
};

#define C(t)	{ SS_DIR_CLIENT, SS_KIND_DATA, 0, t, 0 }
#define S(t)	{ SS_DIR_SERVER, SS_KIND_DATA, 0, t, 0 }
#define CT(t)	{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS, t, 0 }
#define ST(t)	{ SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS, t, 0 }
#define I(k, t)	{ SS_DIR_INFO, k, 0, t, 0 }
#define T(k, t)	{ SS_DIR_TLS, k, 0, t, 0 }
#define CONNECT(port) I(SS_KIND_CONNECT, "connected to 127.0.0.1 port " port)

#define EHLO		C("EHLO client.example\r\n")
#define EHLO_TLS	CT("EHLO client.example\r\n")
#define TLS_START	T(SS_KIND_TLS_START, "handshake started sni=mx.example")
#define TLS_UP		T(SS_KIND_TLS_UP, "version=TLSv1.2 " \
			    "cipher=TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384")
#define TLS_OK		T(SS_KIND_TLS_VERIFY, "verified: the certificate is " \
			    "trusted and names mx.example")

/* The story's server, verified, with a password login: indices matter. */
static const struct step story[] = {
	CONNECT("587"),						/* 0 */
	S("220 mx.example ESMTP Exim 4.96\r\n"),			/* 1 */
	EHLO,							/* 2 */
	S("250-mx.example Hello\r\n250-SIZE 52428800\r\n"),	/* 3 */
	S("250-8BITMIME\r\n250-PIPELINING\r\n250-STARTTLS\r\n"
	  "250 HELP\r\n"),					/* 4 */
	C("STARTTLS\r\n"),					/* 5 */
	S("220 TLS go ahead\r\n"),				/* 6 */
	TLS_START,						/* 7 */
	TLS_UP,							/* 8 */
	TLS_OK,							/* 9 */
	EHLO_TLS,						/* 10 */
	ST("250-mx.example Hello\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n"
	   "250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n"), /* 11 */
	{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS | SS_EVF_REDACTED,
	  "AUTH PLAIN <redacted, 24 bytes>\r\n", 0 },		/* 12 */
	ST("235 2.7.0 Authentication succeeded\r\n"),		/* 13 */
	CT("QUIT\r\n"),						/* 14 */
	ST("221 bye\r\n"),					/* 15 */
	I(SS_KIND_CLOSED, "connection closed after QUIT"),	/* 16 */
};

/* Build a transcript from steps; the caller destroys it. */
static struct ss_transcript *
make(const struct step *steps, size_t n)
{
	struct ss_transcript	*t = ss_transcript_create();
	size_t			 i;
	uint64_t		 us;

	for (i = 0; i < n; i++) {
		us = steps[i].t_ms ? (uint64_t)steps[i].t_ms * 1000 : i * 1000;
		ss_transcript_append(t, us, steps[i].dir, steps[i].kind,
		    steps[i].flags, steps[i].text, strlen(steps[i].text));
	}
	return t;
}

/* The findings of the first upto events, as a replay at that step. */
static struct ss_findings *
judge_prefix(const struct step *steps, size_t n, size_t upto,
    const struct ss_findings_options *opt)
{
	struct ss_transcript	*t = make(steps, n);
	struct ss_dialog	*d = ss_dialog_build(t, upto);
	struct ss_findings	*f = ss_findings_run(t, d, opt);

	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
	return f;
}

/* The findings of a whole hand-written transcript. */
static struct ss_findings *
judge(const struct step *steps, size_t n, const struct ss_findings_options *o)
{
	return judge_prefix(steps, n, SIZE_MAX, o);
}

/* Assert that a finding fired with exactly these evidence events
 * (terminated by (size_t)-1). */
static void
assert_finding(const struct ss_findings *f, const char *id, ...)
{
	const struct ss_finding	*x = ss_findings_find(f, id);
	va_list			 ap;
	size_t			 ev, i = 0;

	if (x == NULL) {
		fail_msg("finding %s did not fire", id);
	}
	assert_string_equal(x->id, id);
	assert_int_equal(x->severity, ss_findings_rule(id)->severity);
	assert_non_null(x->message);
	assert_true(strlen(x->message) > 20);
	va_start(ap, id);
	while ((ev = va_arg(ap, size_t)) != (size_t)-1) {
		if (i >= x->nevents || x->events[i] != ev) {
			va_end(ap);
			fail_msg("finding %s: evidence %zu is %zu, want %zu",
			    id, i, i < x->nevents ? x->events[i] : 0, ev);
		}
		i++;
	}
	va_end(ap);
	assert_int_equal(x->nevents, i);
}

#define END	((size_t)-1)
#define EV(...)	__VA_ARGS__, END

/* Assert that exactly these IDs fired, in table order. */
static void
assert_ids(const struct ss_findings *f, const char *const *ids, size_t n)
{
	size_t	i;

	for (i = 0; i < ss_findings_count(f); i++) {
		if (i >= n) {
			fail_msg("unexpected finding %s",
			    ss_findings_at(f, i)->id);
		}
		assert_string_equal(ss_findings_at(f, i)->id, ids[i]);
	}
	assert_int_equal(ss_findings_count(f), n);
}

/* The verdict of one set-up row. */
static enum ss_verdict
verdict(const struct ss_findings *f, const char *id)
{
	size_t			 i;
	const struct ss_setup	*s;

	for (i = 0; i < ss_findings_setup_count(f); i++) {
		s = ss_findings_setup(f, i);
		if (strcmp(s->id, id) == 0) {
			assert_non_null(s->reason);
			assert_true(strlen(s->reason) > 10);
			return s->verdict;
		}
	}
	fail_msg("no set-up row %s", id);
	return SS_VERDICT_LAST;
}

/* ------------------------------------------------------------------ */
/* The story and clean sessions.                                       */

/* The story: only an info about AUTH after TLS; STARTTLS + password
 * works, no encryption + password fails, SSL/TLS was not tested. */
static void
test_story(void **state)
{
	static const char *const ids[] = { "auth-only-after-tls" };
	struct ss_findings	*f = judge(story, SS_NITEMS(story), NULL);

	(void)state;
	assert_ids(f, ids, SS_NITEMS(ids));
	assert_finding(f, "auth-only-after-tls", EV(3, 4, 11));
	assert_int_equal(ss_findings_worst(f), SS_SEV_INFO);
	assert_int_equal(ss_findings_exit_code(f), 0);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_WORKS);
	assert_int_equal(verdict(f, "none-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "ssl-tls-password"), SS_VERDICT_UNKNOWN);
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "starttls-encrypted-password"),
	    SS_VERDICT_FAILS);
	ss_findings_free(f);
}

/* A replay before the EHLO inside TLS knows less: no AUTH info yet, and
 * the STARTTLS set-up is honestly "not tested" while the handshake is
 * not done. */
static void
test_story_prefix(void **state)
{
	struct ss_findings	*f;

	(void)state;
	f = judge_prefix(story, SS_NITEMS(story), 7, NULL);
	assert_int_equal(ss_findings_count(f), 0);
	assert_int_equal(ss_findings_worst(f), -1);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_UNKNOWN);
	assert_int_equal(verdict(f, "none-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
	f = judge_prefix(story, SS_NITEMS(story), 0, NULL);
	assert_int_equal(ss_findings_count(f), 0);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_UNKNOWN);
	assert_int_equal(verdict(f, "none-password"), SS_VERDICT_UNKNOWN);
	ss_findings_free(f);
}

/* No options, no dialog: the whole transcript is judged. */
static void
test_no_dialog(void **state)
{
	struct ss_transcript	*t = make(story, SS_NITEMS(story));
	struct ss_findings	*f = ss_findings_run(t, NULL, NULL);

	(void)state;
	assert_int_equal(ss_findings_count(f), 1);
	assert_non_null(ss_findings_find(f, "auth-only-after-tls"));
	assert_null(ss_findings_find(f, "auth-not-offered"));
	assert_null(ss_findings_at(f, 1));
	ss_findings_free(f);
	ss_transcript_destroy(t);
	ss_findings_free(NULL);
}

/* ------------------------------------------------------------------ */
/* STARTTLS and TLS.                                                   */

/* No STARTTLS and no AUTH: both set-ups with a password fail. */
static void
test_no_starttls(void **state)
{
	static const struct step steps[] = {
		CONNECT("25"),
		S("220 mx.example ESMTP\r\n"),
		EHLO,
		S("250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n"),
	};
	static const char *const ids[] = {
		"starttls-not-advertised", "auth-not-offered"
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_ids(f, ids, SS_NITEMS(ids));
	assert_finding(f, "starttls-not-advertised", EV(3));
	assert_finding(f, "auth-not-offered", EV(3));
	assert_int_equal(ss_findings_worst(f), SS_SEV_ERROR);
	assert_int_equal(ss_findings_exit_code(f), SS_FINDINGS_EXIT_ERROR);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "none-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "ssl-tls-password"), SS_VERDICT_UNKNOWN);
	ss_findings_free(f);
}

/* STARTTLS answered 454. */
static void
test_starttls_refused(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		S("220 mx.example ESMTP\r\n"),
		EHLO,
		S("250-mx.example\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n"),
		S("454 4.7.0 TLS not available due to local problem\r\n"),
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_finding(f, "starttls-refused", EV(4, 5));
	assert_null(ss_findings_find(f, "starttls-not-advertised"));
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
}

/* A handshake that fails with an alert. */
static void
test_handshake_failed(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		S("220 mx.example ESMTP\r\n"),
		EHLO,
		S("250-mx.example\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n"),
		TLS_START,
		T(SS_KIND_TLS_FAIL, "handshake failed: the server sent a fatal "
		    "alert: protocol version"),
		I(SS_KIND_CLOSED, "connection closed after the TLS failure"),
	};
	static const char *const ids[] = { "tls-handshake-failed" };
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_ids(f, ids, SS_NITEMS(ids));
	assert_finding(f, "tls-handshake-failed", EV(6, 7));
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
}

/* STARTTLS offered again inside TLS; TLS 1.0 negotiated. */
static void
test_starttls_after_tls_and_old(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		S("220 mx.example ESMTP\r\n"),
		EHLO,
		S("250-mx.example\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n"),
		TLS_START,
		T(SS_KIND_TLS_UP, "version=TLSv1.0 cipher=TLS-RSA-WITH-AES-"
		    "128-CBC-SHA"),
		TLS_OK,
		EHLO_TLS,
		ST("250-mx.example\r\n250-STARTTLS\r\n"
		   "250 AUTH PLAIN LOGIN\r\n"),
	};
	static const char *const ids[] = {
		"starttls-after-tls", "tls-version-old", "auth-only-after-tls"
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_ids(f, ids, SS_NITEMS(ids));
	assert_finding(f, "starttls-after-tls", EV(10));
	assert_finding(f, "tls-version-old", EV(7));
	ss_findings_free(f);
}

/* Plaintext after the STARTTLS 220 in the same read. */
static void
test_response_injection(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		S("220 mx.example ESMTP\r\n"),
		EHLO,
		S("250-mx.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n250-AUTH PLAIN\r\n250 injected\r\n"),
		TLS_START,
		TLS_UP,
		TLS_OK,
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_finding(f, "starttls-response-injection", EV(5));
	assert_int_equal(ss_findings_worst(f), SS_SEV_ERROR);
	ss_findings_free(f);
}

/* Commands pipelined with STARTTLS, answered inside TLS (CVE-2011-0411),
 * against a server that rightly discards them. */
static void
test_command_injection(void **state)
{
	static const struct step vulnerable[] = {
		CONNECT("587"),
		S("220 mx.example ESMTP\r\n"),
		EHLO,
		S("250-mx.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\nRSET\r\n"),			/* 4 */
		S("220 go ahead\r\n"),
		TLS_START,
		TLS_UP,
		TLS_OK,
		ST("250 reset\r\n"),				/* 9 */
		EHLO_TLS,
		ST("250-mx.example\r\n250 AUTH PLAIN\r\n"),
		CT("QUIT\r\n"),
		ST("221 bye\r\n"),
	};
	static const struct step safe[] = {
		CONNECT("587"),
		S("220 mx.example ESMTP\r\n"),
		EHLO,
		S("250-mx.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\nRSET\r\n"),
		S("220 go ahead\r\n"),
		TLS_START,
		TLS_UP,
		TLS_OK,
		EHLO_TLS,
		ST("250-mx.example\r\n250 AUTH PLAIN\r\n"),
		CT("QUIT\r\n"),
		ST("221 bye\r\n"),
	};
	struct ss_findings	*f;

	(void)state;
	f = judge(vulnerable, SS_NITEMS(vulnerable), NULL);
	assert_finding(f, "starttls-command-injection", EV(4, 9));
	assert_null(ss_findings_find(f, "pipelining-not-advertised"));
	ss_findings_free(f);
	f = judge(safe, SS_NITEMS(safe), NULL);
	assert_null(ss_findings_find(f, "starttls-command-injection"));
	ss_findings_free(f);
}

/* SSL/TLS on a port that speaks plain SMTP (the text tls.c writes). */
static void
test_implicit_to_plain_port(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		T(SS_KIND_TLS_START, "handshake started sni=mx.example "
		    "implicit"),
		T(SS_KIND_TLS_FAIL, "handshake failed: the server does not "
		    "speak TLS (received plaintext: \"220 mx.example ESMTP\")"),
		I(SS_KIND_CLOSED, "connection closed after the TLS failure"),
	};
	static const char *const ids[] = { "implicit-tls-to-plaintext-port" };
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_ids(f, ids, SS_NITEMS(ids));
	assert_finding(f, "implicit-tls-to-plaintext-port", EV(1, 2));
	assert_int_equal(verdict(f, "ssl-tls-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_UNKNOWN);
	ss_findings_free(f);
}

/* A plain connection to 465 that never gets a greeting. */
static void
test_plain_to_465(void **state)
{
	static const struct step steps[] = {
		CONNECT("465"),
		I(SS_KIND_TIMEOUT, "no greeting within 30 seconds"),
		I(SS_KIND_CLOSED, "connection closed"),
	};
	static const struct step other_port[] = {
		CONNECT("2525"),
		I(SS_KIND_TIMEOUT, "no greeting within 30 seconds"),
	};
	static const struct step waiting[] = {
		CONNECT("465"),
	};
	struct ss_findings	*f;

	(void)state;
	f = judge(steps, SS_NITEMS(steps), NULL);
	assert_finding(f, "plaintext-to-implicit-tls-port", EV(0, 1));
	ss_findings_free(f);
	f = judge(other_port, SS_NITEMS(other_port), NULL);
	assert_int_equal(ss_findings_count(f), 0);
	ss_findings_free(f);
	/* still waiting: no verdict yet */
	f = judge(waiting, SS_NITEMS(waiting), NULL);
	assert_int_equal(ss_findings_count(f), 0);
	ss_findings_free(f);
}

/* An import without a connect record: the port comes from the options. */
static void
test_port_from_options(void **state)
{
	static const struct step steps[] = {
		I(SS_KIND_NOTE, "imported from a terminal log"),
		I(SS_KIND_TIMEOUT, "no greeting within 30 seconds"),
	};
	struct ss_findings_options	 o;
	struct ss_findings		*f;

	(void)state;
	f = judge(steps, SS_NITEMS(steps), NULL);
	assert_int_equal(ss_findings_count(f), 0);
	ss_findings_free(f);
	memset(&o, 0, sizeof(o));
	o.port = 465;
	f = judge(steps, SS_NITEMS(steps), &o);
	assert_finding(f, "plaintext-to-implicit-tls-port", EV(1));
	ss_findings_free(f);
	o.implicit_tls = 1;
	f = judge(steps, SS_NITEMS(steps), &o);
	assert_int_equal(ss_findings_count(f), 0);
	ss_findings_free(f);
}

/* ------------------------------------------------------------------ */
/* Greeting and replies.                                               */

/* A tarpit greeting 6 s after connect; 1 s is fine; the limit is an
 * option. */
static void
test_banner_delay(void **state)
{
	static const struct step slow[] = {
		CONNECT("25"),
		{ SS_DIR_SERVER, SS_KIND_DATA, 0, "220 mx ESMTP\r\n", 6000 },
	};
	static const struct step quick[] = {
		CONNECT("25"),
		{ SS_DIR_SERVER, SS_KIND_DATA, 0, "220 mx ESMTP\r\n", 1000 },
	};
	struct ss_findings_options	 o;
	struct ss_findings		*f;

	(void)state;
	f = judge(slow, SS_NITEMS(slow), NULL);
	assert_finding(f, "banner-delay", EV(0, 1));
	assert_int_equal(ss_findings_exit_code(f), SS_FINDINGS_EXIT_WARNING);
	ss_findings_free(f);
	f = judge(quick, SS_NITEMS(quick), NULL);
	assert_int_equal(ss_findings_count(f), 0);
	ss_findings_free(f);
	memset(&o, 0, sizeof(o));
	o.banner_delay_ms = 500;
	f = judge(quick, SS_NITEMS(quick), &o);
	assert_finding(f, "banner-delay", EV(0, 1));
	ss_findings_free(f);
}

/* 421 at connect. */
static void
test_greeting_421(void **state)
{
	static const struct step steps[] = {
		CONNECT("25"),
		S("421 4.3.2 mx.example too busy, try later\r\n"),
		I(SS_KIND_CLOSED, "the server closed the connection"),
	};
	static const char *const ids[] = { "greeting-refused" };
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_ids(f, ids, SS_NITEMS(ids));
	assert_finding(f, "greeting-refused", EV(1));
	ss_findings_free(f);
}

/* Bare LF, a mismatched continuation code, an unsolicited reply. */
static void
test_reply_anomalies(void **state)
{
	static const struct step steps[] = {
		CONNECT("25"),
		S("220-mx.example\n220 ESMTP\r\n"),		/* 1 */
		EHLO,
		S("250-mx.example\r\n"),			/* 3 */
		S("251 PIPELINING\r\n"),			/* 4 */
		S("250 surprise\r\n"),				/* 5 */
	};
	static const char *const ids[] = {
		"starttls-not-advertised", "auth-not-offered", "reply-bare-lf",
		"reply-malformed", "reply-unsolicited"
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_ids(f, ids, SS_NITEMS(ids));
	assert_finding(f, "reply-bare-lf", EV(1));
	assert_finding(f, "reply-malformed", EV(4));
	assert_finding(f, "reply-unsolicited", EV(5));
	ss_findings_free(f);
}

/* Several commands in one write: a finding without PIPELINING only. */
static void
test_pipelining(void **state)
{
	static const struct step without[] = {
		CONNECT("25"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250 STARTTLS\r\n"),
		C("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"),
		S("250 ok\r\n250 ok\r\n"),
		C("RSET\r\n"),
		S("250 ok\r\n"),
	};
	static const struct step with[] = {
		CONNECT("25"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250-PIPELINING\r\n250 STARTTLS\r\n"),
		C("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"),
		S("250 ok\r\n250 ok\r\n"),
	};
	struct ss_findings	*f;

	(void)state;
	f = judge(without, SS_NITEMS(without), NULL);
	assert_finding(f, "pipelining-not-advertised", EV(4));
	ss_findings_free(f);
	f = judge(with, SS_NITEMS(with), NULL);
	assert_null(ss_findings_find(f, "pipelining-not-advertised"));
	ss_findings_free(f);
}

/* ------------------------------------------------------------------ */
/* AUTH.                                                               */

/* PLAIN LOGIN offered before TLS, then refused with 530 before TLS. */
static void
test_auth_plaintext_and_530(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n"),
		{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_REDACTED,
		  "AUTH PLAIN <redacted, 24 bytes>\r\n", 0 },
		S("530 5.7.0 Must issue a STARTTLS command first\r\n"),
	};
	static const char *const ids[] = {
		"auth-plaintext-offered", "auth-refused-before-tls"
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_ids(f, ids, SS_NITEMS(ids));
	assert_finding(f, "auth-plaintext-offered", EV(3));
	assert_finding(f, "auth-refused-before-tls", EV(3, 4, 5));
	assert_int_equal(verdict(f, "none-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_UNKNOWN);
	ss_findings_free(f);
}

/* A plaintext login that the server takes: works, with a warning. */
static void
test_auth_plaintext_works(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250 AUTH LOGIN\r\n"),
		C("AUTH LOGIN\r\n"),
		S("334 VXNlcm5hbWU6\r\n"),
		{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_REDACTED,
		  "<redacted, 8 bytes>\r\n", 0 },
		S("334 UGFzc3dvcmQ6\r\n"),
		{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_REDACTED,
		  "<redacted, 12 bytes>\r\n", 0 },
		S("235 ok\r\n"),
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_finding(f, "auth-plaintext-offered", EV(3));
	assert_finding(f, "starttls-not-advertised", EV(3));
	assert_int_equal(verdict(f, "none-password"), SS_VERDICT_WORKS);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
}

/* Only CRAM-MD5 after TLS; the wanted mechanism missing. */
static void
test_auth_mechanisms(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n"),
		TLS_START,
		TLS_UP,
		TLS_OK,
		EHLO_TLS,
		ST("250-mx\r\n250 AUTH CRAM-MD5\r\n"),		/* 10 */
	};
	struct ss_findings_options	 o;
	struct ss_findings		*f;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.auth_mech = "PLAIN";
	f = judge(steps, SS_NITEMS(steps), &o);
	assert_finding(f, "auth-mechanism-not-offered", EV(3, 10));
	assert_finding(f, "auth-no-password-mechanism", EV(3, 10));
	assert_finding(f, "auth-only-after-tls", EV(3, 10));
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "starttls-encrypted-password"),
	    SS_VERDICT_WORKS);
	ss_findings_free(f);
	o.auth_mech = "cram-md5";
	f = judge(steps, SS_NITEMS(steps), &o);
	assert_null(ss_findings_find(f, "auth-mechanism-not-offered"));
	ss_findings_free(f);
}

/* No AUTH after TLS either; OAuth2 offered on another server. */
static void
test_auth_none_and_oauth(void **state)
{
	static const struct step none[] = {
		CONNECT("587"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n"),
		TLS_START,
		TLS_UP,
		TLS_OK,
		EHLO_TLS,
		ST("250-mx\r\n250 SIZE 1000\r\n"),		/* 10 */
	};
	static const struct step oauth[] = {
		CONNECT("587"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n"),
		TLS_START,
		TLS_UP,
		TLS_OK,
		EHLO_TLS,
		ST("250-mx\r\n250 AUTH LOGIN XOAUTH2\r\n"),
	};
	struct ss_findings	*f;

	(void)state;
	f = judge(none, SS_NITEMS(none), NULL);
	assert_finding(f, "auth-not-offered", EV(3, 10));
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_FAILS);
	ss_findings_free(f);
	f = judge(oauth, SS_NITEMS(oauth), NULL);
	assert_null(ss_findings_find(f, "auth-not-offered"));
	/* Offered, but no OAuth2 login tried: not tested. */
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_UNKNOWN);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_WORKS);
	ss_findings_free(f);
}

/* A wrong password is a failure of the password, not of the set-up's
 * reachability, and says so by its verdict. */
static void
test_auth_rejected(void **state)
{
	struct step		 steps[SS_NITEMS(story)];
	struct ss_findings	*f;

	(void)state;
	memcpy(steps, story, sizeof(story));
	steps[13].text = "535 5.7.8 Authentication credentials invalid\r\n";
	f = judge(steps, SS_NITEMS(steps), NULL);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
}

/* ------------------------------------------------------------------ */
/* Providers' refusals and OAuth 2.0 (issue 10).                       */

/* The provider findings, to check that exactly one of them fired. */
static const char *const provider_ids[] = {
	"auth-basic-disabled", "auth-smtp-auth-disabled",
	"auth-password-or-policy", "auth-app-password-required",
	"auth-web-login-required", "auth-required-for-mail",
	"auth-oauth-token-rejected",
};

/* The story's password login answered with reply (event 13): which
 * provider finding fires, with the AUTH and its reply as evidence, and
 * the password set-up fails whatever the code. */
static void
check_story_refusal(const char *reply, const char *want)
{
	struct step		 steps[SS_NITEMS(story)];
	struct ss_findings	*f;
	size_t			 i;

	memcpy(steps, story, sizeof(story));
	steps[13].text = reply;
	f = judge(steps, SS_NITEMS(steps), NULL);
	for (i = 0; i < SS_NITEMS(provider_ids); i++) {
		if (want != NULL && strcmp(provider_ids[i], want) == 0) {
			assert_finding(f, want, EV(12, 13));
			assert_int_equal(ss_findings_find(f, want)->severity,
			    SS_SEV_ERROR);
		} else if (ss_findings_find(f, provider_ids[i]) != NULL) {
			fail_msg("%s fired for \"%s\"", provider_ids[i], reply);
		}
	}
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
}

/* Microsoft 365's and Gmail's refusals, each recognised by its codes and
 * words (multi-line replies included); a plain 535 is none of them. */
static void
test_provider_refusals(void **state)
{
	(void)state;
	check_story_refusal("535 5.7.139 Authentication unsuccessful, basic "
	    "authentication is disabled. [AM0PR02CA0001.eurprd02.prod]\r\n",
	    "auth-basic-disabled");
	check_story_refusal("535 5.7.139 Authentication unsuccessful, "
	    "SmtpClientAuthentication is disabled for the Tenant. Visit "
	    "https://aka.ms/smtp_auth_disabled for more information.\r\n",
	    "auth-smtp-auth-disabled");
	check_story_refusal("535 5.7.139 Authentication unsuccessful, user is "
	    "locked by your organization's security defaults policy.\r\n",
	    "auth-basic-disabled");
	check_story_refusal("535 5.7.139 Authentication unsuccessful, the "
	    "request did not meet the criteria to be authenticated.\r\n",
	    "auth-basic-disabled");
	check_story_refusal("535 5.7.3 Authentication unsuccessful "
	    "[BN6PR11CA0001.namprd11.prod.outlook.com]\r\n",
	    "auth-password-or-policy");
	check_story_refusal("534-5.7.9 Application-specific password required. "
	    "Learn more at\r\n534 5.7.9  https://support.google.com/mail/"
	    "?p=InvalidSecondFactor d2sm1.5 - gsmtp\r\n",
	    "auth-app-password-required");
	check_story_refusal("535-5.7.8 Username and Password not accepted. "
	    "For more information, go to\r\n535 5.7.8  https://support.google"
	    ".com/mail/?p=BadCredentials a1sm2.12 - gsmtp\r\n",
	    "auth-app-password-required");
	check_story_refusal("534-5.7.14 <https://accounts.google.com/signin/"
	    "continue?sarp=1>\r\n534-5.7.14 Please log in via your web browser "
	    "and then try again.\r\n534 5.7.14  Learn more at https://support."
	    "google.com/mail/answer/78754 x1sm3 - gsmtp\r\n",
	    "auth-web-login-required");
	/* The same words with other codes, and a plain refusal: nothing. */
	check_story_refusal("535 5.7.8 Authentication credentials invalid\r\n",
	    NULL);
	check_story_refusal("535 5.7.0 basic authentication is disabled\r\n",
	    NULL);
	check_story_refusal("534 5.7.9 Authentication mechanism is too "
	    "weak\r\n", NULL);
}

/* Microsoft 365's 530 5.7.57 to MAIL: log in first. */
static void
test_provider_mail_needs_auth(void **state)
{
	static const struct step steps[] = {
		CONNECT("587"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n"),
		TLS_START,
		TLS_UP,
		TLS_OK,
		EHLO_TLS,
		ST("250-mx\r\n250 AUTH LOGIN XOAUTH2\r\n"),
		CT("MAIL FROM:<a@example.org>\r\n"),		/* 11 */
		ST("530 5.7.57 Client not authenticated to send mail. "
		   "[DB8PR04CA0001.eurprd04.prod.outlook.com]\r\n"),
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_finding(f, "auth-required-for-mail", EV(11, 12));
	assert_null(ss_findings_find(f, "mail-requires-tls"));
	ss_findings_free(f);
}

/* A session up to EHLO inside TLS with these OAuth mechanisms, then the
 * given steps (the test's own AUTH exchange). */
#define OAUTH_PREFIX(mechs)						\
	CONNECT("587"),							\
	S("220 mx ESMTP\r\n"),						\
	EHLO,								\
	S("250-mx\r\n250 STARTTLS\r\n"),				\
	C("STARTTLS\r\n"),						\
	S("220 go ahead\r\n"),						\
	TLS_START,							\
	TLS_UP,								\
	TLS_OK,								\
	EHLO_TLS,							\
	ST("250-mx\r\n250 AUTH PLAIN " mechs "\r\n")		/* 10 */

#define REDACTED_TLS(t) \
	{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS | SS_EVF_REDACTED, t, 0 }

/* OAUTHBEARER and XOAUTH2: a token accepted makes the set-up work; one
 * refused with the error JSON makes it fail, and the finding decodes the
 * status; offered and not tried is "not tested". */
static void
test_oauth_verdicts(void **state)
{
	static const struct step good[] = {
		OAUTH_PREFIX("OAUTHBEARER"),
		REDACTED_TLS("AUTH OAUTHBEARER <redacted, 180 bytes>\r\n"),
		ST("235 2.7.0 Logged in.\r\n"),
	};
	/* {"status":"invalid_token","schemes":"bearer"} */
	static const struct step bad[] = {
		OAUTH_PREFIX("OAUTHBEARER XOAUTH2"),
		REDACTED_TLS("AUTH OAUTHBEARER <redacted, 180 bytes>\r\n"),
		ST("334 eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NoZW1lcyI6ImJlYXJl"
		   "ciJ9\r\n"),					/* 12 */
		CT("AQ==\r\n"),					/* 13 */
		ST("535 5.7.8 Authentication failed.\r\n"),	/* 14 */
	};
	/* XOAUTH2 refused with Google's {"status":"401",...}, then its
	 * BadCredentials words. */
	static const struct step google[] = {
		OAUTH_PREFIX("XOAUTH2"),
		REDACTED_TLS("AUTH XOAUTH2 <redacted, 180 bytes>\r\n"),
		ST("334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUi"
		   "OiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==\r\n"),
		CT("\r\n"),
		ST("535-5.7.8 Username and Password not accepted. Learn more "
		   "at\r\n535 5.7.8  https://support.google.com/mail/?p="
		   "BadCredentials - gsmtp\r\n"),
	};
	static const struct step untried[] = {
		OAUTH_PREFIX("XOAUTH2"),
		REDACTED_TLS("AUTH PLAIN <redacted, 24 bytes>\r\n"),
		ST("235 2.7.0 ok\r\n"),
	};
	static const struct step none[] = {
		OAUTH_PREFIX("LOGIN"),
	};
	struct ss_findings	*f;

	(void)state;
	f = judge(good, SS_NITEMS(good), NULL);
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_WORKS);
	assert_null(ss_findings_find(f, "auth-oauth-token-rejected"));
	ss_findings_free(f);

	f = judge(bad, SS_NITEMS(bad), NULL);
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_FAILS);
	assert_finding(f, "auth-oauth-token-rejected", EV(11, 12, 13, 14));
	assert_non_null(strstr(ss_findings_find(f,
	    "auth-oauth-token-rejected")->message, "invalid_token"));
	assert_non_null(strstr(ss_findings_setup(f, 4)->reason,
	    "invalid_token"));
	/* A replay stopped at the error challenge: nothing refused yet. */
	ss_findings_free(f);
	f = judge_prefix(bad, SS_NITEMS(bad), 13, NULL);
	assert_null(ss_findings_find(f, "auth-oauth-token-rejected"));
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_UNKNOWN);
	ss_findings_free(f);

	f = judge(google, SS_NITEMS(google), NULL);
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_FAILS);
	assert_finding(f, "auth-oauth-token-rejected", EV(11, 12, 13, 14));
	assert_non_null(strstr(ss_findings_find(f,
	    "auth-oauth-token-rejected")->message, "\"401\""));
	/* Gmail's words are a password finding only for a password login. */
	assert_null(ss_findings_find(f, "auth-app-password-required"));
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_WORKS);
	ss_findings_free(f);

	f = judge(untried, SS_NITEMS(untried), NULL);
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_UNKNOWN);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_WORKS);
	ss_findings_free(f);

	f = judge(none, SS_NITEMS(none), NULL);
	assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_FAILS);
	ss_findings_free(f);
}

/* A 334 that is not an error JSON (garbage, not base64, no status) is no
 * status to explain, and the refusal is still found; server text in the
 * status is escaped. */
static void
test_oauth_hostile_error(void **state)
{
	static const char *const challenges[] = {
		"334 not base64 at all!!\r\n",
		"334 W10=\r\n",					/* [] */
		"334 eyJzdGF0dXMiOjQwMX0=\r\n",			/* status 401 */
		/* {"status":"\u001b[2Jx"} */
		"334 eyJzdGF0dXMiOiJcdTAwMWJbMkp4In0=\r\n",
	};
	struct step		 steps[] = {
		OAUTH_PREFIX("XOAUTH2"),
		REDACTED_TLS("AUTH XOAUTH2 <redacted, 180 bytes>\r\n"),
		ST("334 x\r\n"),
		CT("\r\n"),
		ST("535 5.7.8 no\r\n"),
	};
	struct ss_findings	*f;
	const char		*msg;
	size_t			 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(challenges); i++) {
		steps[12].text = challenges[i];
		f = judge(steps, SS_NITEMS(steps), NULL);
		assert_int_equal(verdict(f, "oauth2"), SS_VERDICT_FAILS);
		msg = ss_findings_find(f, "auth-oauth-token-rejected")->message;
		assert_null(strchr(msg, '\033'));
		if (i < 3) {
			assert_null(strstr(msg, "error status"));
		} else {
			assert_non_null(strstr(msg, "\\e[2Jx"));
		}
		ss_findings_free(f);
	}
}

/* Every provider row names a finding of the rule table, with codes of a
 * refusal and words to say; the lookup honours code, enhanced code and
 * fragment, case-insensitively, and takes the first match. */
static void
test_provider_table(void **state)
{
	const struct ss_kb_provider	*p;
	size_t				 i;

	(void)state;
	assert_true(ss_kb_provider_count() >= 8);
	for (i = 0; i < ss_kb_provider_count(); i++) {
		p = ss_kb_provider_at(i);
		assert_non_null(ss_findings_rule(p->finding));
		assert_true(p->code == 0 || (p->code >= 400 && p->code < 600));
		assert_true(strlen(p->meaning) > 20 && strlen(p->change) > 20);
		assert_non_null(p->provider);
	}
	assert_null(ss_kb_provider_at(i));
	p = ss_kb_provider_match(535, "5.7.139", "Authentication unsuccessful, "
	    "BASIC AUTHENTICATION IS DISABLED.");
	assert_string_equal(p->finding, "auth-basic-disabled");
	assert_string_equal(p->provider, "Microsoft 365");
	assert_null(ss_kb_provider_match(535, NULL, "basic authentication is "
	    "disabled"));
	assert_null(ss_kb_provider_match(550, "5.7.139", ""));
	assert_null(ss_kb_provider_match(535, "5.7.8", NULL));
	assert_string_equal(ss_kb_oauth_status("INVALID_TOKEN")->status,
	    "invalid_token");
	assert_null(ss_kb_oauth_status("nonsense"));
	assert_true(ss_kb_oauth_status_count() >= 3);
	for (i = 0; i < ss_kb_oauth_status_count(); i++) {
		assert_non_null(ss_kb_oauth_status_at(i)->meaning);
	}
	assert_null(ss_kb_oauth_status_at(i));
}

/* MAIL refused before TLS; RCPT greylisted. */
static void
test_mail_tls_and_greylist(void **state)
{
	static const struct step steps[] = {
		CONNECT("25"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250 STARTTLS\r\n"),
		C("MAIL FROM:<a@example.org>\r\n"),		/* 4 */
		S("530 5.7.0 Must issue a STARTTLS command first\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n"),
		TLS_START,
		TLS_UP,
		TLS_OK,
		EHLO_TLS,
		ST("250-mx\r\n250 SIZE 1000\r\n"),
		CT("MAIL FROM:<a@example.org>\r\n"),
		ST("250 ok\r\n"),
		CT("RCPT TO:<b@example.org>\r\n"),		/* 15 */
		ST("451 4.7.1 Greylisted, try again later\r\n"),
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_finding(f, "mail-requires-tls", EV(4, 5));
	assert_finding(f, "greylisted", EV(15, 16));
	ss_findings_free(f);
}

/* ------------------------------------------------------------------ */
/* What the message needs.                                             */

/* SIZE below the message, SMTPUTF8 missing, 8BITMIME present. */
static void
test_message_needs(void **state)
{
	struct ss_findings_options	 o;
	struct ss_findings		*f;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.message_size = 60000000;
	o.need_smtputf8 = 1;
	o.need_8bitmime = 1;
	f = judge(story, SS_NITEMS(story), &o);
	assert_finding(f, "size-too-small", EV(11));
	assert_finding(f, "smtputf8-missing", EV(11));
	assert_null(ss_findings_find(f, "8bitmime-missing"));
	ss_findings_free(f);
	o.message_size = 1000;
	f = judge(story, SS_NITEMS(story), &o);
	assert_null(ss_findings_find(f, "size-too-small"));
	ss_findings_free(f);
}

/* ------------------------------------------------------------------ */
/* Connections.                                                        */

/* Two connections: a plain server on 25 without STARTTLS, then SSL/TLS
 * on 465.  Findings keep the first connection's evidence; the SSL/TLS
 * set-up is judged from the second. */
static void
test_two_connections(void **state)
{
	static const struct step steps[] = {
		CONNECT("25"),
		S("220 mx ESMTP\r\n"),
		EHLO,
		S("250-mx\r\n250 SIZE 1000\r\n"),		/* 3 */
		C("QUIT\r\n"),
		S("221 bye\r\n"),
		I(SS_KIND_CLOSED, "connection closed after QUIT"),
		CONNECT("465"),					/* 7 */
		T(SS_KIND_TLS_START, "handshake started sni=mx.example "
		    "implicit"),
		TLS_UP,
		TLS_OK,
		ST("220 mx ESMTP\r\n"),
		EHLO_TLS,
		ST("250-mx\r\n250 AUTH PLAIN LOGIN\r\n"),	/* 13 */
	};
	struct ss_findings	*f = judge(steps, SS_NITEMS(steps), NULL);

	(void)state;
	assert_finding(f, "starttls-not-advertised", EV(3));
	/* true of the first connection, which says so by its evidence */
	assert_finding(f, "auth-not-offered", EV(3));
	assert_int_equal(verdict(f, "ssl-tls-password"), SS_VERDICT_WORKS);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "none-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
}

/* ------------------------------------------------------------------ */
/* Real sessions against the demo server.                              */

/* A demo server of a profile, serving in a thread. */
static struct ss_demo *
demo_start(const char *profile)
{
	struct ss_demo_config	 cfg;
	struct ss_demo		*demo;
	char			*err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "127.0.0.1:0";
	cfg.profile = profile;
	demo = ss_demo_create(&cfg, &err);
	if (demo == NULL) {
		fail_msg("demo %s: %s", profile, err);
	}
	assert_int_equal(ss_demo_start_thread(demo, &err), 0);
	return demo;
}

/* A session to the demo, trusting its CA unless told not to. */
static struct ss_session *
demo_session(struct ss_demo *demo, int trust, int implicit)
{
	struct ss_session_config	 cfg;
	struct ss_session		*s;
	char				*err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.host = ss_demo_address(demo);
	cfg.port = ss_demo_port(demo);
	cfg.servername = "localhost";
	cfg.implicit_tls = implicit;
	cfg.tls.ca_pem = trust ? ss_demo_ca_pem(demo) : NULL;
	cfg.tls.min_version = SS_TLS_1_2;
	cfg.timeout_ms = 5000;
	cfg.user = ss_demo_user(demo);
	cfg.password = ss_demo_password(demo);
	s = ss_session_create(&cfg, &err);
	if (s == NULL) {
		fail_msg("session: %s", err);
	}
	return s;
}

/* Run CONNECT, EHLO, STARTTLS, EHLO, AUTH as far as they go, then judge
 * the transcript as a replay would. */
static struct ss_findings *
demo_judge(const char *profile, int trust, int implicit)
{
	static const enum ss_step steps[] = {
		SS_STEP_CONNECT, SS_STEP_EHLO, SS_STEP_STARTTLS, SS_STEP_EHLO,
		SS_STEP_AUTH,
	};
	struct ss_demo		*demo = demo_start(profile);
	struct ss_session	*s = demo_session(demo, trust, implicit);
	struct ss_findings	*f;
	size_t			 i;

	for (i = 0; i < SS_NITEMS(steps); i++) {
		if (implicit && steps[i] == SS_STEP_STARTTLS) {
			continue;
		}
		if (ss_session_run(s, steps[i], NULL) != SS_RESULT_OK) {
			break;
		}
	}
	f = ss_findings_run(ss_session_transcript(s), ss_session_dialog(s),
	    NULL);
	ss_session_destroy(s);
	ss_demo_destroy(demo);
	return f;
}

/* The event a finding's evidence points at has this kind. */
static int
evidence_has_kind(const struct ss_finding *x, const struct ss_transcript *t,
    enum ss_kind kind)
{
	size_t	i;

	for (i = 0; i < x->nevents; i++) {
		if (ss_transcript_get(t, x->events[i])->kind == kind) {
			return 1;
		}
	}
	return 0;
}

/* The story's server for real: no warning, no error; the set-ups of the
 * story come out as the issue tells them. */
static void
test_demo_default(void **state)
{
	struct ss_findings	*f = demo_judge("default", 1, 0);
	size_t			 i;

	(void)state;
	for (i = 0; i < ss_findings_count(f); i++) {
		assert_int_equal(ss_findings_at(f, i)->severity, SS_SEV_INFO);
	}
	assert_non_null(ss_findings_find(f, "auth-only-after-tls"));
	assert_int_equal(ss_findings_exit_code(f), 0);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_WORKS);
	assert_int_equal(verdict(f, "none-password"), SS_VERDICT_FAILS);
	assert_int_equal(verdict(f, "ssl-tls-password"), SS_VERDICT_UNKNOWN);
	ss_findings_free(f);
}

/* Each certificate profile gives its own finding and no other one. */
static void
test_demo_certificates(void **state)
{
	static const struct {
		const char	*profile;
		int		 trust;
		const char	*id;
	} cases[] = {
		{ "expired-cert", 1, "cert-expired" },
		{ "wrong-host-cert", 1, "cert-name-mismatch" },
		{ "self-signed-cert", 1, "cert-self-signed" },
		{ "default", 0, "cert-unknown-ca" },
	};
	static const char *const cert_ids[] = {
		"cert-expired", "cert-not-yet-valid", "cert-name-mismatch",
		"cert-self-signed", "cert-unknown-ca", "cert-weak-key",
		"cert-weak-signature", "cert-not-verified"
	};
	struct ss_findings	*f;
	size_t			 i, k;

	(void)state;
	for (i = 0; i < SS_NITEMS(cases); i++) {
		f = demo_judge(cases[i].profile, cases[i].trust, 0);
		assert_non_null(ss_findings_find(f, cases[i].id));
		assert_int_equal(ss_findings_find(f, cases[i].id)->nevents, 2);
		for (k = 0; k < SS_NITEMS(cert_ids); k++) {
			if (strcmp(cert_ids[k], cases[i].id) != 0 &&
			    ss_findings_find(f, cert_ids[k]) != NULL) {
				fail_msg("%s: unexpected %s", cases[i].profile,
				    cert_ids[k]);
			}
		}
		assert_int_equal(verdict(f, "starttls-password"),
		    SS_VERDICT_FAILS);
		ss_findings_free(f);
	}
}

/* The evidence of a certificate finding is the leaf and the verdict. */
static void
test_demo_cert_evidence(void **state)
{
	struct ss_demo		*demo = demo_start("expired-cert");
	struct ss_session	*s = demo_session(demo, 1, 0);
	struct ss_findings	*f;
	const struct ss_finding	*x;

	(void)state;
	ss_session_run(s, SS_STEP_CONNECT, NULL);
	ss_session_run(s, SS_STEP_EHLO, NULL);
	assert_int_equal(ss_session_run(s, SS_STEP_STARTTLS, NULL),
	    SS_RESULT_VERIFY);
	f = ss_findings_run(ss_session_transcript(s), ss_session_dialog(s),
	    NULL);
	x = ss_findings_find(f, "cert-expired");
	assert_non_null(x);
	assert_true(evidence_has_kind(x, ss_session_transcript(s),
	    SS_KIND_TLS_CERT));
	assert_true(evidence_has_kind(x, ss_session_transcript(s),
	    SS_KIND_TLS_VERIFY));
	ss_findings_free(f);
	ss_session_destroy(s);
	ss_demo_destroy(demo);
}

/* Verify flags no demo certificate has, on a real certificate: not yet
 * valid, weak key, weak signature, and a reason without a rule of its
 * own (revoked). */
static void
test_cert_flags(void **state)
{
	static const struct {
		unsigned	 flags;
		const char	*id;
	} cases[] = {
		{ 0x200, "cert-not-yet-valid" },
		{ 0x10000, "cert-weak-key" },
		{ 0x4000, "cert-weak-signature" },
		{ 0x2, "cert-not-verified" },
	};
	struct ss_demo		*demo = demo_start("default");
	struct ss_session	*s = demo_session(demo, 1, 0);
	struct ss_transcript	*t;
	struct ss_findings	*f;
	const struct ss_event	*e;
	size_t			 i, k, cert = (size_t)-1, v;

	(void)state;
	ss_session_run(s, SS_STEP_CONNECT, NULL);
	ss_session_run(s, SS_STEP_EHLO, NULL);
	ss_session_run(s, SS_STEP_STARTTLS, NULL);
	for (i = 0; i < ss_transcript_count(ss_session_transcript(s)); i++) {
		e = ss_transcript_get(ss_session_transcript(s), i);
		if (e->kind == SS_KIND_TLS_CERT && cert == (size_t)-1) {
			cert = i;
		}
	}
	assert_true(cert != (size_t)-1);
	for (k = 0; k < SS_NITEMS(cases); k++) {
		t = ss_transcript_create();
		for (i = 0; i <= cert; i++) {
			e = ss_transcript_get(ss_session_transcript(s), i);
			ss_transcript_append(t, e->t_us, e->dir, e->kind,
			    e->flags, e->data, e->len);
		}
		v = ss_transcript_note(t, 0, SS_DIR_TLS, SS_KIND_TLS_VERIFY,
		    0, "NOT verified flags=0x%x\nwords", cases[k].flags);
		f = ss_findings_run(t, NULL, NULL);
		assert_finding(f, cases[k].id, EV(cert, v));
		assert_int_equal(ss_findings_worst(f), SS_SEV_ERROR);
		ss_findings_free(f);
		ss_transcript_destroy(t);
	}
	ss_session_destroy(s);
	ss_demo_destroy(demo);
}

/* Plaintext injected after 220, and a STARTTLS refused, for real. */
static void
test_demo_starttls_profiles(void **state)
{
	struct ss_findings	*f;

	(void)state;
	f = demo_judge("response-injection", 1, 0);
	assert_non_null(ss_findings_find(f, "starttls-response-injection"));
	ss_findings_free(f);
	f = demo_judge("starttls-refused", 1, 0);
	assert_non_null(ss_findings_find(f, "starttls-refused"));
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
	f = demo_judge("no-starttls", 1, 0);
	assert_non_null(ss_findings_find(f, "starttls-not-advertised"));
	ss_findings_free(f);
	f = demo_judge("auth-before-tls", 1, 0);
	assert_non_null(ss_findings_find(f, "auth-plaintext-offered"));
	ss_findings_free(f);
}

/* SSL/TLS against a plain port, and against the implicit-TLS profile. */
static void
test_demo_implicit(void **state)
{
	struct ss_findings	*f;

	(void)state;
	f = demo_judge("default", 1, 1);
	assert_non_null(ss_findings_find(f,
	    "implicit-tls-to-plaintext-port"));
	assert_null(ss_findings_find(f, "tls-handshake-failed"));
	assert_int_equal(verdict(f, "ssl-tls-password"), SS_VERDICT_FAILS);
	ss_findings_free(f);
	f = demo_judge("implicit-tls", 1, 1);
	if (ss_findings_worst(f) >= SS_SEV_WARNING) {
		fail_msg("unexpected %s", ss_findings_at(f, 0)->id);
	}
	assert_int_equal(verdict(f, "ssl-tls-password"), SS_VERDICT_WORKS);
	assert_int_equal(verdict(f, "starttls-password"), SS_VERDICT_UNKNOWN);
	ss_findings_free(f);
}

/* ------------------------------------------------------------------ */
/* The table and its documentation.                                    */

/* IDs are unique kebab-case, severities valid, each with an RFC. */
static void
test_rule_table(void **state)
{
	const struct ss_finding_rule	*r, *q;
	size_t				 i, j;
	const char			*p;

	(void)state;
	assert_true(ss_findings_rule_count() >= 25);
	for (i = 0; i < ss_findings_rule_count(); i++) {
		r = ss_findings_rule_at(i);
		for (p = r->id; *p != '\0'; p++) {
			assert_true((*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '-');
		}
		assert_true(r->severity < SS_SEV_LAST);
		assert_int_equal(strncmp(r->rfc, "RFC ", 4), 0);
		assert_ptr_equal(ss_findings_rule(r->id), r);
		for (j = 0; j < i; j++) {
			q = ss_findings_rule_at(j);
			assert_string_not_equal(q->id, r->id);
		}
	}
	assert_null(ss_findings_rule_at(i));
	assert_null(ss_findings_rule("no-such-rule"));
	assert_string_equal(ss_severity_names[SS_SEV_WARNING], "warning");
	assert_string_equal(ss_verdict_names[SS_VERDICT_FAILS], "fails");
}

/* doc/findings.md lists every ID with its severity. */
static void
test_doc_coverage(void **state)
{
	const struct ss_finding_rule	*r;
	char				 path[4096], row[256], *doc;
	const char			*slash = strrchr(__FILE__, '/');
	const char			*env;
	struct ss_buf			 b;
	FILE				*fp;
	size_t				 i, n;
	char				 chunk[4096];

	(void)state;
	/* The build points SMTPSCOPE_REFDIR at tests/data/reference. */
	if ((env = getenv("SMTPSCOPE_REFDIR")) != NULL && *env != '\0') {
		snprintf(path, sizeof(path), "%s/../../../doc/findings.md",
		    env);
	} else {
		snprintf(path, sizeof(path), "%.*s/../../doc/findings.md",
		    slash != NULL ? (int)(slash - __FILE__) : 1,
		    slash != NULL ? __FILE__ : ".");
	}
	if ((fp = fopen(path, "r")) == NULL) {
		fail_msg("cannot open %s", path);
	}
	ss_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		ss_buf_add(&b, chunk, n);
	}
	fclose(fp);
	doc = b.data;
	for (i = 0; i < ss_findings_rule_count(); i++) {
		r = ss_findings_rule_at(i);
		snprintf(row, sizeof(row), "| `%s` | %s |", r->id,
		    ss_severity_names[r->severity]);
		if (strstr(doc, row) == NULL) {
			fail_msg("doc/findings.md lacks the row %s", row);
		}
	}
	ss_buf_finish(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_story),
		cmocka_unit_test(test_story_prefix),
		cmocka_unit_test(test_no_dialog),
		cmocka_unit_test(test_no_starttls),
		cmocka_unit_test(test_starttls_refused),
		cmocka_unit_test(test_handshake_failed),
		cmocka_unit_test(test_starttls_after_tls_and_old),
		cmocka_unit_test(test_response_injection),
		cmocka_unit_test(test_command_injection),
		cmocka_unit_test(test_implicit_to_plain_port),
		cmocka_unit_test(test_plain_to_465),
		cmocka_unit_test(test_port_from_options),
		cmocka_unit_test(test_banner_delay),
		cmocka_unit_test(test_greeting_421),
		cmocka_unit_test(test_reply_anomalies),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_auth_plaintext_and_530),
		cmocka_unit_test(test_auth_plaintext_works),
		cmocka_unit_test(test_auth_mechanisms),
		cmocka_unit_test(test_auth_none_and_oauth),
		cmocka_unit_test(test_auth_rejected),
		cmocka_unit_test(test_provider_refusals),
		cmocka_unit_test(test_provider_mail_needs_auth),
		cmocka_unit_test(test_oauth_verdicts),
		cmocka_unit_test(test_oauth_hostile_error),
		cmocka_unit_test(test_provider_table),
		cmocka_unit_test(test_mail_tls_and_greylist),
		cmocka_unit_test(test_message_needs),
		cmocka_unit_test(test_two_connections),
		cmocka_unit_test(test_demo_default),
		cmocka_unit_test(test_demo_certificates),
		cmocka_unit_test(test_demo_cert_evidence),
		cmocka_unit_test(test_cert_flags),
		cmocka_unit_test(test_demo_starttls_profiles),
		cmocka_unit_test(test_demo_implicit),
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_doc_coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
