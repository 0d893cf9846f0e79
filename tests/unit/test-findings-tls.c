/*
 * test-findings-tls.c: the TLS version findings (issue 9) from hand-written
 * transcripts: a server that speaks only TLS 1.0 or 1.1, recognised from a
 * handshake refused over the protocol version when TLS 1.2 and 1.3 were
 * offered; the note for a server without TLS 1.3; and what must not fire
 * when the offer does not allow the conclusion (--tls-max 1.2, records
 * from before the offer was written down, malformed offers).  Asserts the
 * rule IDs and the evidence events, never the message text.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#include "steps.h"


#define ALERT_70	"handshake failed: the server sent a fatal alert: " \
			"protocol version (it accepts none of the TLS versions " \
			"offered)"
#define NO_COMMON	"handshake failed: no TLS version in common with the " \
			"server (protocol version mismatch)"
#define NO_CIPHER	"handshake failed: no cipher suite in common with " \
			"the server"

/* A STARTTLS session up to its handshake record (events 0-6), then what
 * the case adds: the offer is event 7. */
#define BEFORE_TLS \
	I(SS_KIND_CONNECT, "connected to 127.0.0.1 port 25"),	/* 0 */ \
	S("220 mx.example ESMTP\r\n"),				/* 1 */ \
	C("EHLO client.example\r\n"),				/* 2 */ \
	S("250-mx.example\r\n250 STARTTLS\r\n"),		/* 3 */ \
	I(SS_KIND_STEP, "starttls"),				/* 4 */ \
	C("STARTTLS\r\n"),					/* 5 */ \
	S("220 go ahead\r\n")					/* 6 */

#define FAILED(offer, why) \
	BEFORE_TLS, \
	T(SS_KIND_TLS_START, "handshake started sni=mx.example" offer), \
	T(SS_KIND_TLS_FAIL, why),				/* 8 */ \
	I(SS_KIND_CLOSED, "connection closed after the TLS failure")

#define UP(offer, version) \
	BEFORE_TLS, \
	T(SS_KIND_TLS_START, "handshake started sni=mx.example" offer), \
	T(SS_KIND_TLS_UP, "version=" version " cipher=TLS_AES_128_GCM_SHA256"), \
	T(SS_KIND_TLS_VERIFY, "verified: the certificate is trusted and " \
	    "names mx.example"),				/* 9 */ \
	CT("EHLO client.example\r\n"),				/* 10 */ \
	ST("250-mx.example\r\n250 AUTH PLAIN\r\n"),		/* 11 */ \
	CT("QUIT\r\n"),						/* 12 */ \
	ST("221 bye\r\n"),					/* 13 */ \
	I(SS_KIND_CLOSED, "connection closed after QUIT")

#define BOTH	" versions=TLSv1.2-TLSv1.3"
#define ONLY12	" versions=TLSv1.2-TLSv1.2"
#define ONLY13	" versions=TLSv1.3-TLSv1.3"
#define UNSAID	""

/* A case: the transcript, and which of the three rules must fire (1) or
 * must not (0), with the evidence of the one that fires. */
struct version_case {
	const char		*name;
	const struct step	*steps;
	size_t			 nsteps;
	int			 old, no13, failed;
	size_t			 ev[2];		/* evidence of old or no13 */
};

#define STEPS(...) (const struct step[]){ __VA_ARGS__ }, \
	sizeof((const struct step[]){ __VA_ARGS__ }) / sizeof(struct step)

static const struct version_case cases[] = {
	/* Both offered, refused for the version: TLS 1.1 or older. */
	{ "alert, 1.2 and 1.3 offered", STEPS(FAILED(BOTH, ALERT_70)),
	  1, 0, 0, { 7, 8 } },
	{ "older hello, 1.2 and 1.3 offered", STEPS(FAILED(BOTH, NO_COMMON)),
	  1, 0, 0, { 7, 8 } },
	/* Only 1.3 offered (--tls-min 1.3): the server lacks TLS 1.3. */
	{ "alert, 1.3 alone offered", STEPS(FAILED(ONLY13, ALERT_70)),
	  0, 1, 1, { 7, 8 } },
	/* Only 1.2 offered (--tls-max 1.2): old, or 1.3 only; no guess. */
	{ "alert, 1.2 alone offered", STEPS(FAILED(ONLY12, ALERT_70)),
	  0, 0, 1, { 0, 0 } },
	/* A record from before the offer was written: no guess either. */
	{ "alert, offer unknown", STEPS(FAILED(UNSAID, ALERT_70)),
	  0, 0, 1, { 0, 0 } },
	/* Not a version problem at all. */
	{ "no cipher, 1.2 and 1.3 offered", STEPS(FAILED(BOTH, NO_CIPHER)),
	  0, 0, 1, { 0, 0 } },
	/* Malformed offers count as unknown. */
	{ "offer reversed", STEPS(FAILED(" versions=TLSv1.3-TLSv1.2",
	  ALERT_70)), 0, 0, 1, { 0, 0 } },
	{ "offer of unknown names", STEPS(FAILED(" versions=TLSv9-TLSv1.3",
	  ALERT_70)), 0, 0, 1, { 0, 0 } },
	{ "offer without a dash", STEPS(FAILED(" versions=TLSv1.2",
	  ALERT_70)), 0, 0, 1, { 0, 0 } },
	{ "offer empty", STEPS(FAILED(" versions= implicit", ALERT_70)),
	  0, 0, 1, { 0, 0 } },
	/* TLS 1.2 chosen although 1.3 was offered: the note. */
	{ "1.2 chosen, 1.3 offered", STEPS(UP(BOTH, "TLSv1.2")),
	  0, 1, 0, { 7, 8 } },
	{ "1.2 chosen, 1.2 alone offered", STEPS(UP(ONLY12, "TLSv1.2")),
	  0, 0, 0, { 0, 0 } },
	{ "1.2 chosen, offer unknown", STEPS(UP(UNSAID, "TLSv1.2")),
	  0, 0, 0, { 0, 0 } },
	{ "1.3 chosen", STEPS(UP(BOTH, "TLSv1.3")), 0, 0, 0, { 0, 0 } },
	/* Sessions saved by builds that still spoke TLS 1.0 and 1.1. */
	{ "TLS 1.0 negotiated (old build)", STEPS(UP(UNSAID, "TLSv1.0")),
	  1, 0, 0, { 8, (size_t)-1 } },
	{ "TLS 1.1 negotiated (old build)", STEPS(UP(UNSAID, "TLSv1.1")),
	  1, 0, 0, { 8, (size_t)-1 } },
	{ "TLSv1 negotiated (2.28 name)", STEPS(UP(UNSAID, "TLSv1")),
	  1, 0, 0, { 8, (size_t)-1 } },
};

/* Judge a whole transcript. */
static struct ss_findings *
judge(const struct step *steps, size_t n)
{
	struct ss_transcript		*t = steps_transcript(steps, n);
	struct ss_dialog		*d;
	struct ss_findings		*f;
	struct ss_findings_options	 opt;

	memset(&opt, 0, sizeof(opt));
	d = ss_dialog_build(t, SIZE_MAX);
	f = ss_findings_run(t, d, &opt);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
	return f;
}

/* The finding fired (1) or not (0) as the case says; when it fired, with
 * the case's evidence and the rule's severity. */
static void
check_rule(const struct version_case *vc, const struct ss_findings *f,
    const char *id, int want)
{
	const struct ss_finding	*x = ss_findings_find(f, id);
	size_t			 i, n;

	if (!want) {
		if (x != NULL) {
			fail_msg("%s: %s fired: %s", vc->name, id, x->message);
		}
		return;
	}
	if (x == NULL) {
		fail_msg("%s: %s did not fire", vc->name, id);
	}
	assert_int_equal(x->severity, ss_findings_rule(id)->severity);
	assert_true(strlen(x->message) > 40);
	n = vc->ev[1] == (size_t)-1 ? 1 : 2;
	if (x->nevents != n) {
		fail_msg("%s: %s has %zu evidence events, want %zu", vc->name,
		    id, x->nevents, n);
	}
	for (i = 0; i < n; i++) {
		if (x->events[i] != vc->ev[i]) {
			fail_msg("%s: %s evidence %zu is event %zu, want %zu",
			    vc->name, id, i, x->events[i], vc->ev[i]);
		}
	}
	/* No server byte reaches a message raw. */
	for (i = 0; x->message[i] != '\0'; i++) {
		assert_true((unsigned char)x->message[i] >= 0x20);
	}
}

/* Every case of the table. */
static void
test_version_cases(void **state)
{
	struct ss_findings	*f;
	size_t			 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(cases); i++) {
		f = judge(cases[i].steps, cases[i].nsteps);
		check_rule(&cases[i], f, "tls-version-old", cases[i].old);
		check_rule(&cases[i], f, "tls13-unsupported", cases[i].no13);
		if ((ss_findings_find(f, "tls-handshake-failed") != NULL) !=
		    cases[i].failed) {
			fail_msg("%s: tls-handshake-failed %s", cases[i].name,
			    cases[i].failed ? "missing" : "fired");
		}
		ss_findings_free(f);
	}
}

/* The rules are in the table with the severities doc/findings.md gives. */
static void
test_rules_registered(void **state)
{
	(void)state;
	assert_non_null(ss_findings_rule("tls-version-old"));
	assert_int_equal(ss_findings_rule("tls-version-old")->severity,
	    SS_SEV_ERROR);
	assert_non_null(ss_findings_rule("tls13-unsupported"));
	assert_int_equal(ss_findings_rule("tls13-unsupported")->severity,
	    SS_SEV_INFO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_cases),
		cmocka_unit_test(test_rules_registered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
