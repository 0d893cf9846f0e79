/*
 * test-dialog.c: a transcript in, what a user would read out: commands
 * paired with their replies (pipelined too), capabilities per phase, the
 * TLS summary, AUTH outcome, injected plaintext marked and never parsed.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "smtpscope/dialog.h"
#include "smtpscope/util.h"

#include "steps.h"


/* The story's server: STARTTLS before TLS, AUTH only after it. */
static const struct step story[] = {
	I(SS_KIND_CONNECT, "connected to 127.0.0.1 port 2525"),
	S("220 mx.example ESMTP Exim 4.63\r\n"),
	C("EHLO my.host.name.local\r\n"),
	S("250-mx.example Hello\r\n250-SIZE 600000000\r\n250-PIPELINING\r\n"),
	S("250-STARTTLS\r\n250 HELP\r\n"),
	C("STARTTLS\r\n"),
	S("220 TLS go ahead\r\n"),
	T(SS_KIND_TLS_START, "handshake started sni=mx.example"),
	T(SS_KIND_TLS_UP, "version=TLSv1.2 cipher=TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384"),
	T(SS_KIND_TLS_VERIFY, "NOT verified flags=0x8\nnot trusted"),
	CT("EHLO my.host.name.local\r\n"),
	ST("250-mx.example Hello\r\n250-SIZE 600000000\r\n250-PIPELINING\r\n"
	   "250-AUTH PLAIN LOGIN\r\n250 HELP\r\n"),
	{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS | SS_EVF_REDACTED,
	  "AUTH PLAIN <redacted, 24 bytes>\r\n" },
	ST("235 Authentication succeeded\r\n"),
	CT("EHLO my.host.name.local\r\n"),
	ST("250-mx.example Hello\r\n250 SIZE 600000000\r\n"),
	CT("QUIT\r\n"),
	ST("221 bye\r\n"),
	I(SS_KIND_CLOSED, "connection closed after QUIT"),
};

/* Capabilities of each phase, and what changed between them. */
static void
test_story_phases(void **state)
{
	struct ss_transcript	*t = steps_transcript(story, SS_NITEMS(story));
	struct ss_dialog	*d = ss_dialog_build(t, SIZE_MAX);
	const struct ss_caps	*pre, *post, *auth;

	(void)state;
	pre = ss_dialog_caps(d, SS_PHASE_BEFORE_TLS);
	post = ss_dialog_caps(d, SS_PHASE_AFTER_TLS);
	auth = ss_dialog_caps(d, SS_PHASE_AFTER_AUTH);
	assert_non_null(pre);
	assert_non_null(post);
	assert_non_null(auth);
	assert_true(ss_caps_has(pre, "STARTTLS"));
	assert_false(ss_caps_has(pre, "AUTH"));
	assert_false(ss_caps_has(post, "STARTTLS"));
	assert_true(ss_caps_has_auth(post, "PLAIN"));
	assert_true(ss_caps_has(auth, "SIZE"));
	assert_false(ss_caps_has(auth, "PIPELINING"));
	assert_int_equal(ss_dialog_auth_code(d), 235);
	assert_string_equal(ss_dialog_auth_mech(d), "PLAIN");
	assert_int_equal(ss_dialog_phase(d), SS_PHASE_AFTER_AUTH);
	assert_true(ss_dialog_tls(d)->established);
	assert_string_equal(ss_dialog_tls(d)->version, "TLSv1.2");
	assert_string_equal(ss_dialog_tls(d)->sni, "mx.example");
	assert_int_equal(ss_dialog_tls(d)->verify_flags, 0x8);
	assert_int_equal(ss_dialog_pending(d), 0);
	assert_int_equal(ss_dialog_anomalies(d), 0);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* A prefix shows only what was known then: stepping back is exact. */
static void
test_prefix(void **state)
{
	struct ss_transcript	*t = steps_transcript(story, SS_NITEMS(story));
	struct ss_dialog	*d;

	(void)state;
	d = ss_dialog_build(t, 5);	/* up to the first EHLO reply */
	assert_non_null(ss_dialog_caps(d, SS_PHASE_BEFORE_TLS));
	assert_null(ss_dialog_caps(d, SS_PHASE_AFTER_TLS));
	assert_false(ss_dialog_in_tls(d));
	ss_dialog_destroy(d);
	d = ss_dialog_build(t, 4);	/* the EHLO reply is half there */
	assert_null(ss_dialog_caps(d, SS_PHASE_BEFORE_TLS));
	assert_int_equal(ss_dialog_pending(d), 1);
	/* the half reply is already on screen */
	assert_string_equal(ss_dialog_line(d, ss_dialog_line_count(d) - 1)->
	    bytes, "250-PIPELINING");
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* Pipelined commands in one write pair with replies in order. */
static void
test_pipelining(void **state)
{
	static const struct step steps[] = {
		I(SS_KIND_CONNECT, "connected"),
		S("220 hi\r\n"),
		C("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRCPT TO:<e@f>\r\nDATA\r\n"),
		S("250 ok\r\n550 no such user\r\n"),
		S("250 ok\r\n354 go\r\n"),
		C("Subject: x\r\n\r\nhello\r\n..dot\r\n.\r\n"),
		S("250 queued\r\n"),
	};
	struct ss_transcript	*t = steps_transcript(steps, SS_NITEMS(steps));
	struct ss_dialog	*d = ss_dialog_build(t, SIZE_MAX);
	const struct ss_exchange *x;

	(void)state;
	assert_int_equal(ss_dialog_exchange_count(d), 6);
	x = ss_dialog_exchange(d, 0);
	assert_true(x->greeting);
	assert_int_equal(x->reply->code, 220);
	x = ss_dialog_exchange(d, 2);
	assert_int_equal(x->verb, SS_VERB_RCPT);
	assert_string_equal(x->command, "RCPT TO:<c@d>");
	assert_int_equal(x->reply->code, 550);
	x = ss_dialog_exchange(d, 4);
	assert_int_equal(x->verb, SS_VERB_DATA);
	assert_int_equal(x->reply->code, 354);
	x = ss_dialog_exchange(d, 5);
	assert_int_equal(x->verb, SS_VERB_BODY);
	assert_int_equal(x->reply->code, 250);
	assert_int_equal(ss_dialog_pending(d), 0);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* Plaintext after the STARTTLS 220 is marked and never parsed. */
static void
test_injection(void **state)
{
	static const struct step steps[] = {
		I(SS_KIND_CONNECT, "connected"),
		S("220 hi\r\n"),
		C("STARTTLS\r\n"),
		S("220 go ahead\r\n250 injected\r\n"),
		T(SS_KIND_TLS_START, "handshake started sni=x"),
		T(SS_KIND_TLS_UP, "version=TLSv1.2 cipher=X"),
		CT("EHLO me\r\n"),
		ST("250-x\r\n250 AUTH PLAIN\r\n"),
	};
	struct ss_transcript	*t = steps_transcript(steps, SS_NITEMS(steps));
	struct ss_dialog	*d = ss_dialog_build(t, SIZE_MAX);
	size_t			 i, discarded = 0;

	(void)state;
	assert_int_equal(ss_dialog_injected_bytes(d), 14);
	assert_true(ss_dialog_anomalies(d) & SS_ANOM_BIT(SS_ANOM_INJECTED));
	for (i = 0; i < ss_dialog_line_count(d); i++) {
		if (ss_dialog_line(d, i)->flags & SS_LINE_DISCARDED) {
			assert_string_equal(ss_dialog_line(d, i)->bytes,
			    "250 injected");
			discarded++;
		}
	}
	assert_int_equal(discarded, 1);
	/* the EHLO after TLS got its own reply, not the injected one */
	assert_true(ss_caps_has_auth(ss_dialog_caps(d, SS_PHASE_AFTER_TLS),
	    "PLAIN"));
	assert_int_equal(ss_dialog_pending(d), 0);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* A reply no one asked for is flagged; a cut reply is kept. */
static void
test_unsolicited_and_cut(void **state)
{
	static const struct step steps[] = {
		I(SS_KIND_CONNECT, "connected"),
		S("220 hi\r\n250 surprise\r\n"),
		C("EHLO me\r\n"),
		S("250-x\r\n250-SIZE"),
		I(SS_KIND_CLOSED, "the server closed the connection"),
	};
	struct ss_transcript	*t = steps_transcript(steps, SS_NITEMS(steps));
	struct ss_dialog	*d = ss_dialog_build(t, SIZE_MAX);
	const struct ss_exchange *x;

	(void)state;
	assert_int_equal(ss_dialog_anomaly_count(d, SS_ANOM_UNSOLICITED), 1);
	x = ss_dialog_exchange(d, 1);
	assert_true(x->unsolicited);
	x = ss_dialog_exchange(d, 2);
	assert_int_equal(x->verb, SS_VERB_EHLO);
	assert_non_null(x->reply);
	assert_true(x->reply->anomalies & SS_ANOM_BIT(SS_ANOM_INCOMPLETE));
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* AUTH LOGIN: 334 challenges make the next lines SASL responses. */
static void
test_auth_login(void **state)
{
	static const struct step steps[] = {
		I(SS_KIND_CONNECT, "connected"),
		S("220 hi\r\n"),
		C("AUTH LOGIN\r\n"),
		S("334 VXNlcm5hbWU6\r\n"),
		C("ZGVtbw==\r\n"),
		S("334 UGFzc3dvcmQ6\r\n"),
		{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_REDACTED,
		  "<redacted, 20 bytes>\r\n" },
		S("535 5.7.8 no\r\n"),
	};
	struct ss_transcript	*t = steps_transcript(steps, SS_NITEMS(steps));
	struct ss_dialog	*d = ss_dialog_build(t, SIZE_MAX);
	size_t			 i;

	(void)state;
	assert_int_equal(ss_dialog_exchange(d, 2)->verb, SS_VERB_SASL);
	assert_int_equal(ss_dialog_exchange(d, 3)->verb, SS_VERB_SASL);
	assert_int_equal(ss_dialog_auth_code(d), 535);
	assert_int_equal(ss_dialog_phase(d), SS_PHASE_BEFORE_TLS);
	assert_int_equal(ss_dialog_exchange(d, 3)->reply->enhanced.subject, 7);
	for (i = 0; i < ss_dialog_line_count(d); i++) {
		if (ss_dialog_line(d, i)->flags & SS_LINE_REDACTED) {
			break;
		}
	}
	assert_true(i < ss_dialog_line_count(d));
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* Feeding byte by byte gives the same lines as whole events. */
static void
test_split_reads(void **state)
{
	const char		*wire = "250-a\r\n250-SIZE 10\r\n250 AUTH=LOGIN\r\n";
	struct ss_transcript	*t = ss_transcript_create();
	struct ss_dialog	*d;
	size_t			 i;

	(void)state;
	ss_transcript_append(t, 0, SS_DIR_INFO, SS_KIND_CONNECT, 0, "c", 1);
	ss_transcript_append(t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0, "220 x\r\n", 7);
	ss_transcript_append(t, 0, SS_DIR_CLIENT, SS_KIND_DATA, 0, "EHLO y\r\n", 8);
	for (i = 0; wire[i] != '\0'; i++) {
		ss_transcript_append(t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    wire + i, 1);
	}
	d = ss_dialog_build(t, SIZE_MAX);
	assert_true(ss_caps_has_auth(ss_dialog_caps(d, SS_PHASE_BEFORE_TLS),
	    "LOGIN"));
	/* connect record, greeting, EHLO, and three reply lines */
	assert_int_equal(ss_dialog_line_count(d), 6);
	assert_string_equal(ss_dialog_line(d, 4)->bytes, "250-SIZE 10");
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* Two capability sets say the same. */
static void
assert_same_caps(const struct ss_caps *a, const struct ss_caps *b)
{
	size_t	i;

	assert_int_equal(a == NULL, b == NULL);
	if (a == NULL) {
		return;
	}
	assert_int_equal(a->ncaps, b->ncaps);
	for (i = 0; i < a->ncaps; i++) {
		assert_string_equal(a->caps[i].keyword, b->caps[i].keyword);
		assert_string_equal(a->caps[i].params, b->caps[i].params);
	}
}

/* Two dialogs show the same to a user, line by line and table by table. */
static void
assert_same_dialog(const struct ss_dialog *a, const struct ss_dialog *b)
{
	const struct ss_line		*la, *lb;
	const struct ss_exchange	*xa, *xb;
	size_t				 i;
	int				 p;

	assert_int_equal(ss_dialog_fed(a), ss_dialog_fed(b));
	assert_int_equal(ss_dialog_line_count(a), ss_dialog_line_count(b));
	for (i = 0; i < ss_dialog_line_count(a); i++) {
		la = ss_dialog_line(a, i);
		lb = ss_dialog_line(b, i);
		assert_int_equal(la->len, lb->len);
		assert_memory_equal(la->bytes, lb->bytes, la->len);
		assert_int_equal(la->flags, lb->flags);
		assert_int_equal(la->anomalies, lb->anomalies);
		assert_int_equal(la->exchange, lb->exchange);
		assert_int_equal(la->event, lb->event);
	}
	assert_int_equal(ss_dialog_exchange_count(a),
	    ss_dialog_exchange_count(b));
	for (i = 0; i < ss_dialog_exchange_count(a); i++) {
		xa = ss_dialog_exchange(a, i);
		xb = ss_dialog_exchange(b, i);
		assert_int_equal(xa->verb, xb->verb);
		assert_int_equal(xa->reply == NULL, xb->reply == NULL);
		if (xa->reply != NULL) {
			assert_int_equal(xa->reply->code, xb->reply->code);
		}
		assert_int_equal(xa->unsolicited, xb->unsolicited);
	}
	assert_int_equal(ss_dialog_pending(a), ss_dialog_pending(b));
	for (p = 0; p < SS_PHASE_LAST; p++) {
		assert_same_caps(ss_dialog_caps(a, p), ss_dialog_caps(b, p));
	}
	assert_int_equal(ss_dialog_in_tls(a), ss_dialog_in_tls(b));
	assert_int_equal(ss_dialog_tls(a)->established,
	    ss_dialog_tls(b)->established);
	assert_int_equal(ss_dialog_tls(a)->verify_flags,
	    ss_dialog_tls(b)->verify_flags);
	assert_int_equal(ss_dialog_auth_code(a), ss_dialog_auth_code(b));
	assert_string_equal(ss_dialog_auth_mech(a), ss_dialog_auth_mech(b));
	assert_int_equal(ss_dialog_anomalies(a), ss_dialog_anomalies(b));
	assert_int_equal(ss_dialog_injected_bytes(a),
	    ss_dialog_injected_bytes(b));
	assert_int_equal(ss_dialog_greeting(a) == NULL,
	    ss_dialog_greeting(b) == NULL);
}

/* A view of any prefix equals a dialog built from scratch over it. */
static void
test_views_exact(void **state)
{
	struct ss_transcript	*t = ss_transcript_create();
	struct ss_dialog	*full, *view, *built;
	size_t			 i, round, k;

	(void)state;
	/* Many connections, so there are many quiet points to start from,
	 * with a reply split across reads and bare-LF lines in between. */
	for (round = 0; round < 12; round++) {
		for (i = 0; i < SS_NITEMS(story); i++) {
			ss_transcript_append(t, (round * 100 + i) * 1000,
			    story[i].dir, story[i].kind, story[i].flags,
			    story[i].text, strlen(story[i].text));
		}
		ss_transcript_append(t, 0, SS_DIR_INFO, SS_KIND_CONNECT, 0,
		    "c", 1);
		ss_transcript_append(t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    "220 x\n", 6);
		ss_transcript_append(t, 0, SS_DIR_CLIENT, SS_KIND_DATA, 0,
		    "NOOP\r\n", 6);
		ss_transcript_append(t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    "25", 2);
		ss_transcript_append(t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    "0 ok\r\n", 6);
	}
	full = ss_dialog_build(t, SIZE_MAX);
	for (k = 0; k <= ss_transcript_count(t); k++) {
		view = ss_dialog_view(full, t, k);
		built = ss_dialog_build(t, k);
		assert_same_dialog(view, built);
		ss_dialog_destroy(view);
		ss_dialog_destroy(built);
	}
	ss_dialog_destroy(full);
	ss_transcript_destroy(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_story_phases),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_unsolicited_and_cut),
		cmocka_unit_test(test_auth_login),
		cmocka_unit_test(test_split_reads),
		cmocka_unit_test(test_views_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
