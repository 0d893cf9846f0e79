/*
 * test-report.c: the text and JSON reports of a hand-built transcript of a
 * realistic session (EHLO, STARTTLS, EHLO, AUTH, EHLO, QUIT) whose banner
 * is hostile: an OSC title change, a CSI colour and an 8-bit CSI byte.
 * What a user checks: no raw control byte in either report, the capability
 * table's phases and changes in words, and a JSON document that parses
 * back with the contract's fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "smtpscope/dialog.h"
#include "smtpscope/report.h"
#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#define HOSTILE_BANNER \
	"220 mx.example.test ESMTP \x1b]0;pwned\x07 \x1b[31mred \x9b" "2J\r\n"

struct scripted_event {
	enum ss_dir	 dir;
	enum ss_kind	 kind;
	unsigned	 flags;
	const char	*text;
};

#define TLS	SS_EVF_TLS
static const struct scripted_event starttls_session[] = {
	{ SS_DIR_INFO, SS_KIND_CONNECT, 0, "connected to 192.0.2.7 port 25" },
	{ SS_DIR_SERVER, SS_KIND_DATA, 0, HOSTILE_BANNER },
	{ SS_DIR_CLIENT, SS_KIND_DATA, 0, "EHLO client.test\r\n" },
	{ SS_DIR_SERVER, SS_KIND_DATA, 0, "250-mx.example.test Hello\r\n"
	    "250-SIZE 52428800\r\n250-PIPELINING\r\n250-STARTTLS\r\n"
	    "250 HELP\r\n" },
	{ SS_DIR_CLIENT, SS_KIND_DATA, 0, "STARTTLS\r\n" },
	{ SS_DIR_SERVER, SS_KIND_DATA, 0, "220 2.0.0 Ready to start TLS\r\n" },
	{ SS_DIR_TLS, SS_KIND_TLS_START, 0,
	    "handshake started sni=mx.example.test" },
	{ SS_DIR_TLS, SS_KIND_TLS_UP, 0,
	    "version=TLSv1.2 cipher=TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384" },
	{ SS_DIR_TLS, SS_KIND_TLS_CERT, 0, NULL },	/* filled in */
	{ SS_DIR_TLS, SS_KIND_TLS_VERIFY, 0,
	    "verified: the certificate is trusted and names mx.example.test" },
	{ SS_DIR_CLIENT, SS_KIND_DATA, TLS, "EHLO client.test\r\n" },
	{ SS_DIR_SERVER, SS_KIND_DATA, TLS, "250-mx.example.test Hello\r\n"
	    "250-SIZE 52428800\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n"
	    "250 HELP\r\n" },
	{ SS_DIR_CLIENT, SS_KIND_DATA, TLS | SS_EVF_REDACTED,
	    "AUTH PLAIN <redacted, 24 bytes>\r\n" },
	{ SS_DIR_SERVER, SS_KIND_DATA, TLS,
	    "235 2.7.0 Authentication succeeded\r\n" },
	{ SS_DIR_CLIENT, SS_KIND_DATA, TLS, "EHLO client.test\r\n" },
	{ SS_DIR_SERVER, SS_KIND_DATA, TLS, "250-mx.example.test Hello\r\n"
	    "250-SIZE 104857600\r\n250-PIPELINING\r\n250 HELP\r\n" },
	{ SS_DIR_CLIENT, SS_KIND_DATA, TLS, "QUIT\r\n" },
	{ SS_DIR_SERVER, SS_KIND_DATA, TLS, "221 2.0.0 Bye\r\n" },
	{ SS_DIR_INFO, SS_KIND_CLOSED, 0, "connection closed by the server" },
};

static const struct ss_report_target target = {
	"mx.example.test", 25, "192.0.2.7", "ok", "quit: 221 2.0.0 Bye", 221,
	NULL, NULL
};

/* The base64 DER of a real certificate: the body of a generated CA PEM. */
static char *
certificate_base64(void)
{
	struct ss_tls_server_config	 cfg;
	struct ss_tls_server		*srv;
	struct ss_buf			 b;
	const char			*pem, *p;
	char				*err = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.kind = SS_CERT_GOOD;
	cfg.hostname = "mx.example.test";
	cfg.max_version = SS_TLS_1_2;
	srv = ss_tls_server_create(&cfg, &err);
	assert_non_null(srv);
	pem = ss_tls_server_ca_pem(srv);
	p = strstr(pem, "-----\n");
	assert_non_null(p);
	ss_buf_init(&b);
	for (p += 6; *p != '\0' && *p != '-'; p++) {
		if (*p != '\n' && *p != '\r')
			ss_buf_addc(&b, *p);
	}
	ss_tls_server_destroy(srv);
	return ss_buf_steal(&b);
}

/* The transcript of the table above, 10 ms between events. */
static struct ss_transcript *
build_transcript(const struct scripted_event *ev, size_t n)
{
	struct ss_transcript	*t = ss_transcript_create();
	const char		*text;
	char			*cert = NULL;
	size_t			 i;

	for (i = 0; i < n; i++) {
		text = ev[i].text;
		if (text == NULL)
			text = cert = certificate_base64();
		ss_transcript_append(t, 1000 + i * 10000, ev[i].dir,
		    ev[i].kind, ev[i].flags, text, strlen(text));
	}
	free(cert);
	return t;
}

/* No raw control byte, no DEL, no byte outside ASCII: escapes only. */
static void
assert_clean(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\n')
			continue;
		if (*p < 0x20 || *p >= 0x7f)
			fail_msg("raw byte 0x%02x at offset %zu", *p,
			    (size_t)(p - (const unsigned char *)s));
	}
}

/* The report's line that starts with prefix (after indentation). */
static char *
line_of(const char *report, const char *prefix)
{
	const char	*p = report, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		while (*p == ' ' && p < nl)
			p++;
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return strndup(p, (size_t)(nl - p));
		p = *nl != '\0' ? nl + 1 : nl;
	}
	fail_msg("no line starting with '%s' in:\n%s", prefix, report);
	return NULL;
}

/* Does the line hold the words? */
static void
assert_line_says(const char *report, const char *prefix, const char *words)
{
	char	*line = line_of(report, prefix);

	if (strstr(line, words) == NULL)
		fail_msg("line '%s' does not say '%s'", line, words);
	free(line);
}

/* The text report of the STARTTLS session. */
static void
test_text_report(void **state)
{
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	struct ss_buf		 b;

	(void)state;
	t = build_transcript(starttls_session, SS_NITEMS(starttls_session));
	d = ss_dialog_build(t, ss_transcript_count(t));
	ss_buf_init(&b);
	ss_report_text(&b, t, d, &target, SS_REPORT_TIMINGS);
	assert_clean(b.data);
	/* The hostile banner is shown, as visible escapes. */
	assert_non_null(strstr(b.data, "\\e]0;pwned"));
	assert_non_null(strstr(b.data, "\\e[31mred"));
	/* The capability table, phase by phase, in words. */
	assert_line_says(b.data, "STARTTLS", "removed after TLS");
	assert_line_says(b.data, "AUTH PLAIN LOGIN", "added after TLS");
	assert_line_says(b.data, "AUTH PLAIN LOGIN", "removed after AUTH");
	assert_line_says(b.data, "SIZE 52428800", "changed after AUTH");
	assert_line_says(b.data, "PIPELINING", "yes");
	/* The redacted AUTH line stays redacted; the reply has a latency. */
	assert_non_null(strstr(b.data, "AUTH PLAIN <redacted, 24 bytes>"));
	assert_line_says(b.data, "version", "TLSv1.2");
	assert_line_says(b.data, "SNI", "mx.example.test");
	assert_line_says(b.data, "verified", "yes");
	assert_line_says(b.data, "subject", "CN=");
	assert_line_says(b.data, "PLAIN: accepted", "235");
	assert_line_says(b.data, "Result:", "ok");
	assert_line_says(b.data, "control", " x");
	ss_buf_finish(&b);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* The array of a phase must hold keyword (or not). */
static json_t *
find_cap(json_t *phase, const char *keyword)
{
	json_t	*cap;
	size_t	 i;

	assert_true(json_is_array(phase));
	json_array_foreach(phase, i, cap) {
		if (strcmp(json_string_value(json_object_get(cap, "keyword")),
		    keyword) == 0)
			return cap;
	}
	return NULL;
}

/* Capabilities per phase as the contract shapes them. */
static void
check_json_caps(json_t *caps)
{
	json_t	*before = json_object_get(caps, "before_tls");
	json_t	*after = json_object_get(caps, "after_tls");
	json_t	*auth, *size;

	assert_non_null(find_cap(before, "STARTTLS"));
	assert_null(find_cap(before, "AUTH"));
	assert_null(find_cap(after, "STARTTLS"));
	auth = find_cap(after, "AUTH");
	assert_non_null(auth);
	assert_string_equal(json_string_value(json_object_get(auth, "params")),
	    "PLAIN LOGIN");
	assert_int_equal(json_array_size(json_object_get(auth, "mechanisms")),
	    2);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(auth, "mechanisms"), 1)), "LOGIN");
	size = find_cap(before, "SIZE");
	assert_int_equal(json_integer_value(json_object_get(size, "size")),
	    52428800);
	assert_true(json_is_array(json_object_get(caps, "after_auth")));
}

/* TLS, AUTH, result and anomalies objects. */
static void
check_json_summary(json_t *root)
{
	json_t	*tls = json_object_get(root, "tls");
	json_t	*auth = json_object_get(root, "auth");
	json_t	*result = json_object_get(root, "result");
	json_t	*anom = json_object_get(root, "anomalies");

	assert_string_equal(json_string_value(json_object_get(tls, "version")),
	    "TLSv1.2");
	assert_string_equal(json_string_value(json_object_get(tls, "sni")),
	    "mx.example.test");
	assert_true(json_is_true(json_object_get(tls, "verified")));
	assert_true(json_is_false(json_object_get(tls, "implicit")));
	assert_int_equal(json_array_size(json_object_get(tls, "verify_errors")),
	    0);
	assert_int_equal(json_array_size(json_object_get(tls, "peer")), 1);
	assert_non_null(strstr(json_string_value(json_object_get(
	    json_array_get(json_object_get(tls, "peer"), 0), "sha256")), ":"));
	assert_string_equal(json_string_value(json_object_get(auth,
	    "mechanism")), "PLAIN");
	assert_int_equal(json_integer_value(json_object_get(auth, "code")),
	    235);
	assert_string_equal(json_string_value(json_object_get(result,
	    "status")), "ok");
	assert_int_equal(json_integer_value(json_object_get(result, "code")),
	    221);
	assert_true(json_array_size(anom) >= 1);
}

/* The JSON report parses back and carries the contract's fields. */
static void
test_json_report(void **state)
{
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	json_error_t		 jerr;
	json_t			*root, *events, *banner;
	char			*s;

	(void)state;
	t = build_transcript(starttls_session, SS_NITEMS(starttls_session));
	d = ss_dialog_build(t, ss_transcript_count(t));
	s = ss_report_json(t, d, &target);
	assert_clean(s);
	assert_null(strchr(s, '\n'));
	/* Escaped before JSON ever saw it: no \u001b either. */
	assert_null(strstr(s, "\\u001b"));
	root = json_loads(s, 0, &jerr);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    root, "tool"), "name")), "smtpscope");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    root, "target"), "port")), 25);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    root, "target"), "address")), "192.0.2.7");
	events = json_object_get(root, "events");
	assert_int_equal(json_array_size(events), ss_transcript_count(t));
	banner = json_array_get(events, 1);
	assert_string_equal(json_string_value(json_object_get(banner, "dir")),
	    "S");
	assert_true(json_is_false(json_object_get(banner, "tls")));
	assert_non_null(strstr(json_string_value(json_object_get(banner,
	    "text")), "\\e]0;pwned"));
	assert_true(json_is_true(json_object_get(json_array_get(events, 12),
	    "redacted")));
	assert_true(json_is_true(json_object_get(json_array_get(events, 12),
	    "tls")));
	assert_true(json_real_value(json_object_get(banner, "t")) > 0.01);
	check_json_caps(json_object_get(root, "capabilities"));
	check_json_summary(root);
	json_decref(root);
	free(s);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

static const struct scripted_event plaintext_session[] = {
	{ SS_DIR_INFO, SS_KIND_CONNECT, 0, "connected to 192.0.2.7 port 25" },
	{ SS_DIR_SERVER, SS_KIND_DATA, 0, "220 mx.example.test ESMTP\r\n" },
	{ SS_DIR_CLIENT, SS_KIND_DATA, 0, "EHLO client.test\r\n" },
	{ SS_DIR_SERVER, SS_KIND_DATA, 0,
	    "250-mx.example.test\r\n250 8BITMIME\r\n" },
	{ SS_DIR_CLIENT, SS_KIND_DATA, 0, "STARTTLS\r\n" },
	{ SS_DIR_SERVER, SS_KIND_DATA, 0, "502 5.5.1 not here\r\n" },
};

/* A session that never reached TLS: null phases, null tls and auth. */
static void
test_json_plaintext(void **state)
{
	struct ss_report_target	 tg = { "mx.example.test", 25, NULL,
	    "refused", "starttls refused: 502 5.5.1 not here", 502, NULL,
	    NULL };
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	struct ss_buf		 b;
	json_t			*root, *caps;
	char			*s;

	(void)state;
	t = build_transcript(plaintext_session, SS_NITEMS(plaintext_session));
	d = ss_dialog_build(t, ss_transcript_count(t));
	s = ss_report_json(t, d, &tg);
	root = json_loads(s, 0, NULL);
	assert_non_null(root);
	caps = json_object_get(root, "capabilities");
	assert_non_null(find_cap(json_object_get(caps, "before_tls"),
	    "8BITMIME"));
	assert_true(json_is_null(json_object_get(caps, "after_tls")));
	assert_true(json_is_null(json_object_get(caps, "after_auth")));
	assert_true(json_is_null(json_object_get(root, "tls")));
	assert_true(json_is_null(json_object_get(root, "auth")));
	assert_true(json_is_null(json_object_get(json_object_get(root,
	    "target"), "address")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    root, "result"), "status")), "refused");
	json_decref(root);
	free(s);
	ss_buf_init(&b);
	ss_report_text(&b, t, d, &tg, 0);
	assert_line_says(b.data, "8BITMIME", "yes");
	assert_line_says(b.data, "8BITMIME", "n/a");
	assert_non_null(strstr(b.data, "not used"));
	assert_line_says(b.data, "Result:", "502 5.5.1 not here");
	ss_buf_finish(&b);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* A chain that failed verification: the reasons, in words, both ways. */
static void
test_verify_failed(void **state)
{
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	struct ss_buf		 b;
	json_t			*root, *tls;
	char			*s;
	size_t			 i;

	(void)state;
	t = ss_transcript_create();
	for (i = 0; i < 8; i++) {
		const struct scripted_event *e = &starttls_session[i];
		ss_transcript_append(t, i * 1000, e->dir, e->kind, e->flags,
		    e->text, strlen(e->text));
	}
	/* 0x08: the chain does not lead to a trusted CA. */
	ss_transcript_note(t, 9000, SS_DIR_TLS, SS_KIND_TLS_VERIFY, 0,
	    "NOT verified flags=0x8\nnot trusted");
	d = ss_dialog_build(t, ss_transcript_count(t));
	ss_buf_init(&b);
	ss_report_text(&b, t, d, &target, 0);
	assert_line_says(b.data, "verified", "NO");
	s = ss_report_json(t, d, &target);
	root = json_loads(s, 0, NULL);
	tls = json_object_get(root, "tls");
	assert_true(json_is_false(json_object_get(tls, "verified")));
	assert_int_equal(json_array_size(json_object_get(tls,
	    "verify_errors")), 1);
	assert_non_null(strstr(b.data, json_string_value(json_array_get(
	    json_object_get(tls, "verify_errors"), 0))));
	json_decref(root);
	free(s);
	ss_buf_finish(&b);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_report),
		cmocka_unit_test(test_json_report),
		cmocka_unit_test(test_json_plaintext),
		cmocka_unit_test(test_verify_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
