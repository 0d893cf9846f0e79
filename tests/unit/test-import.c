/*
 * test-import.c: pasted logs in, what a user would check out: the decoded
 * capability table of each phase, the TLS summary, the AUTH outcome, every
 * secret gone (and the redacted flag set), the format detected, garbage
 * refused with "name:line: reason" and never a crash.
 *
 * Samples live in tests/data/import: the Exim 4.63 story as a telnet
 * paste, an nc paste with CRLF line ends, and swaks and openssl s_client
 * output captured from a real Exim.  The directory is
 * $SMTPSCOPE_IMPORT_DATA when set, else found from this file's path.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smtpscope/dialog.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#include "transcript-holds.h"

/* The sample directory. */
static const char *
data_dir(void)
{
	static char	 dir[4096];
	const char	*env, *slash;

	if ((env = getenv("SMTPSCOPE_IMPORT_DATA")) != NULL && *env != '\0') {
		return env;
	}
	if (dir[0] == '\0') {
		slash = strrchr(__FILE__, '/');
		snprintf(dir, sizeof(dir), "%.*s/../data/import",
		    slash != NULL ? (int)(slash - __FILE__) : 1,
		    slash != NULL ? __FILE__ : ".");
	}
	return dir;
}

/* A sample's bytes; fails the test when it cannot be read. */
static void
read_sample(const char *name, struct ss_buf *out)
{
	char	 path[4200], chunk[4096];
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof(path), "%s/%s", data_dir(), name);
	if ((f = fopen(path, "rb")) == NULL) {
		fail_msg("cannot open %s (set SMTPSCOPE_IMPORT_DATA)", path);
	}
	ss_buf_init(out);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		ss_buf_add(out, chunk, n);
	}
	fclose(f);
}

/* Import a sample in the format detection picks; fails on error. */
static struct ss_transcript *
import_sample(const char *name, enum ss_import_format want)
{
	struct ss_buf		 text;
	struct ss_transcript	*t;
	char			*err = NULL;

	read_sample(name, &text);
	assert_int_equal(ss_import_detect(text.data, text.len), want);
	t = ss_import(text.data, text.len, SS_IMPORT_FORMAT_LAST, name, &err);
	if (t == NULL) {
		fail_msg("%s: %s", name, err);
	}
	assert_null(err);
	ss_buf_finish(&text);
	return t;
}

/* The first event of a kind; NULL if none. */
static const struct ss_event *
find_kind(const struct ss_transcript *t, enum ss_dir dir, enum ss_kind kind)
{
	const struct ss_event	*e;
	size_t			 i;

	for (i = 0; (e = ss_transcript_get(t, i)) != NULL; i++) {
		if (e->dir == dir && e->kind == kind) {
			return e;
		}
	}
	return NULL;
}

/* A capability is present with these parameters. */
static void
assert_cap(const struct ss_caps *c, const char *kw, const char *params)
{
	const struct ss_cap	*cap;

	assert_non_null(c);
	cap = ss_caps_find(c, kw);
	if (cap == NULL) {
		fail_msg("capability %s missing", kw);
	}
	assert_string_equal(cap->params, params);
}

/* ------------------------------------------------------------------ */

/* The story: Exim 4.63 over telnet, its table before TLS. */
static void
test_story_exim463(void **state)
{
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	const struct ss_caps	*pre;
	const struct ss_cap	*size;
	const struct ss_event	*first, *last;

	(void)state;
	t = import_sample("exim-4.63-telnet.txt", SS_IMPORT_TELNET);
	first = ss_transcript_get(t, 0);
	last = ss_transcript_get(t, ss_transcript_count(t) - 1);
	assert_int_equal(first->dir, SS_DIR_INFO);
	assert_int_equal(first->kind, SS_KIND_CONNECT);
	assert_string_equal(first->data, "connected to 192.0.2.25 port 25");
	assert_int_equal(last->kind, SS_KIND_CLOSED);
	assert_ptr_equal(find_kind(t, SS_DIR_INFO, SS_KIND_CLOSED), last);
	assert_string_equal(ss_transcript_meta(t, "imported"), "telnet");
	assert_string_equal(ss_transcript_meta(t, "host"), "mail.example.net");
	assert_string_equal(ss_transcript_meta(t, "port"), "25");
	/* Noise is metadata, never dialogue. */
	assert_false(anywhere(t, "Escape character"));
	assert_false(anywhere(t, "Trying"));

	d = ss_dialog_build(t, SIZE_MAX);
	pre = ss_dialog_caps(d, SS_PHASE_BEFORE_TLS);
	assert_non_null(pre);
	assert_int_equal(pre->ncaps, 5);
	size = ss_caps_find(pre, "SIZE");
	assert_non_null(size);
	assert_true(size->has_size);
	assert_true(size->size == 600000000);
	assert_cap(pre, "PIPELINING", "");
	assert_true(ss_caps_has_auth(pre, "PLAIN"));
	assert_true(ss_caps_has_auth(pre, "LOGIN"));
	assert_cap(pre, "STARTTLS", "");
	assert_cap(pre, "HELP", "");
	assert_null(ss_dialog_caps(d, SS_PHASE_AFTER_TLS));
	assert_int_equal(ss_dialog_greeting(d)->code, 220);
	assert_int_equal(ss_dialog_exchange_count(d), 3);
	assert_int_equal(ss_dialog_exchange(d, 2)->reply->code, 221);
	assert_int_equal(ss_dialog_anomalies(d), 0);
	assert_int_equal(ss_dialog_pending(d), 0);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* Two transcripts hold the same events. */
static void
assert_same_events(const struct ss_transcript *a, const struct ss_transcript *b)
{
	const struct ss_event	*x, *y;
	size_t			 i;

	assert_int_equal(ss_transcript_count(a), ss_transcript_count(b));
	for (i = 0; i < ss_transcript_count(a); i++) {
		x = ss_transcript_get(a, i);
		y = ss_transcript_get(b, i);
		assert_int_equal(x->dir, y->dir);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->t_us, y->t_us);
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->data, y->data, x->len);
	}
}

/* Rewrite a text's line ends ("\r\n", " \t\r\n", ...). */
static void
with_line_ends(const struct ss_buf *in, const char *eol, struct ss_buf *out)
{
	size_t	i;

	ss_buf_init(out);
	for (i = 0; i < in->len; i++) {
		if (in->data[i] == '\n') {
			ss_buf_adds(out, eol);
		} else {
			ss_buf_addc(out, in->data[i]);
		}
	}
}

/* A paste with CRLF, stray CRs or trailing blanks reads like LF. */
static void
test_crlf_vs_lf(void **state)
{
	static const char *const eols[] = { "\r\n", "\r\r\n", "  \t\r\n",
	    " \n" };
	struct ss_buf		 lf, other;
	struct ss_transcript	*a, *b;
	char			*err = NULL;
	size_t			 i;

	(void)state;
	read_sample("exim-4.63-telnet.txt", &lf);
	a = ss_import(lf.data, lf.len, SS_IMPORT_TELNET, "lf", &err);
	assert_non_null(a);
	for (i = 0; i < SS_NITEMS(eols); i++) {
		with_line_ends(&lf, eols[i], &other);
		b = ss_import(other.data, other.len, SS_IMPORT_TELNET, "crlf",
		    &err);
		assert_non_null(b);
		assert_same_events(a, b);
		ss_transcript_destroy(b);
		ss_buf_finish(&other);
	}
	/* No final line end at all. */
	b = ss_import(lf.data, lf.len - 1, SS_IMPORT_TELNET, "noeol", &err);
	assert_non_null(b);
	assert_same_events(a, b);
	ss_transcript_destroy(b);
	ss_transcript_destroy(a);
	ss_buf_finish(&lf);
}

/* nc -C: CRLF in the file, a body whose lines start with digits. */
static void
test_nc_body(void **state)
{
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	const struct ss_caps	*pre;
	const struct ss_exchange *x;
	size_t			 i, nbody = 0;

	(void)state;
	t = import_sample("nc-postfix-crlf.txt", SS_IMPORT_TELNET);
	assert_string_equal(ss_transcript_get(t, 0)->data,
	    "connected to 192.0.2.7 port 25");
	assert_string_equal(ss_transcript_meta(t, "host"), "mx.example.org");
	assert_string_equal(ss_transcript_meta(t, "address"), "192.0.2.7");
	d = ss_dialog_build(t, SIZE_MAX);
	pre = ss_dialog_caps(d, SS_PHASE_BEFORE_TLS);
	assert_non_null(pre);
	assert_int_equal(pre->ncaps, 10);
	assert_true(ss_caps_find(pre, "SIZE")->size == 10240000);
	assert_cap(pre, "CHUNKING", "");
	for (i = 0; i < ss_dialog_exchange_count(d); i++) {
		x = ss_dialog_exchange(d, i);
		assert_non_null(x->reply);
		assert_false(x->unsolicited);
		if (x->verb == SS_VERB_BODY) {
			nbody++;
			assert_int_equal(x->reply->code, 250);
		}
	}
	/* "221 Baker Street" and "500 reasons" were body, not replies. */
	assert_int_equal(nbody, 1);
	assert_int_equal(ss_dialog_anomalies(d), 0);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* ------------------------------------------------------------------ */

/* What a sample must decode to. */
struct expect {
	const char		*file;
	enum ss_import_format	 format;
	int			 before_tls;	/* a table before TLS */
	const char		*after_tls_auth; /* AUTH params after TLS */
	const char		*version;
	const char		*cipher;
	int			 implicit;
	int			 verify_known;
	uint32_t		 verify_flags;
	size_t			 ncerts;
	const char		*auth_mech;
	int			 auth_code;
	int			 connect_first;	/* else a note first */
};

static const struct expect samples[] = {
	{ "swaks-starttls-plain.txt", SS_IMPORT_SWAKS, 1,
	  "PLAIN LOGIN CRAM-MD5", "TLSv1.3", "TLS_AES_256_GCM_SHA384", 0, 0,
	  0, 0, "PLAIN", 235, 1 },
	{ "swaks-starttls-login.txt", SS_IMPORT_SWAKS, 1,
	  "PLAIN LOGIN CRAM-MD5", "TLSv1.3", "TLS_AES_256_GCM_SHA384", 0, 0,
	  0, 0, "LOGIN", 235, 1 },
	{ "swaks-n-cram.txt", SS_IMPORT_SWAKS, 1, "PLAIN LOGIN CRAM-MD5",
	  "TLSv1.3", "TLS_AES_256_GCM_SHA384", 0, 0, 0, 0, "CRAM-MD5", 235,
	  1 },
	{ "swaks-tlsc.txt", SS_IMPORT_SWAKS, 0, "PLAIN LOGIN CRAM-MD5",
	  "TLSv1.3", "TLS_AES_256_GCM_SHA384", 1, 0, 0, 0, "", 0, 1 },
	{ "openssl-starttls-tls12.txt", SS_IMPORT_OPENSSL, 0,
	  "PLAIN LOGIN CRAM-MD5", "TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384", 0,
	  1, SS_TLS_VERIFY_NOT_TRUSTED, 1, "PLAIN", 235, 0 },
	{ "openssl-starttls-showcerts.txt", SS_IMPORT_OPENSSL, 0,
	  "PLAIN LOGIN CRAM-MD5", "TLSv1.3", "TLS_AES_256_GCM_SHA384", 0, 1,
	  0, 1, "LOGIN", 235, 0 },
};

/* After TLS is up every dialogue event is marked TLS, none before. */
static void
assert_tls_flags(const struct ss_transcript *t)
{
	const struct ss_event	*e;
	size_t			 i;
	int			 up = 0;

	for (i = 0; (e = ss_transcript_get(t, i)) != NULL; i++) {
		if (e->dir == SS_DIR_TLS && e->kind == SS_KIND_TLS_UP) {
			up = 1;
		}
		if (e->dir == SS_DIR_CLIENT || e->dir == SS_DIR_SERVER) {
			assert_int_equal((e->flags & SS_EVF_TLS) != 0, up);
		}
	}
	assert_true(up);
}

/* The certificate records decode to the server's certificate. */
static void
assert_certs(const struct ss_dialog *d, const struct ss_transcript *t)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(d);
	const struct ss_event		*e;
	struct ss_cert_info		 ci;
	struct ss_buf			 der;
	size_t				 i;

	for (i = 0; i < tls->ncerts; i++) {
		e = ss_transcript_get(t, tls->cert_events[i]);
		ss_buf_init(&der);
		assert_int_equal(ss_base64_decode(&der, e->data, e->len), 0);
		assert_int_equal(ss_tls_cert_describe(
		    (const unsigned char *)der.data, der.len, &ci), 0);
		assert_non_null(strstr(ci.subject, "mx.smtpscope.test"));
		ss_buf_finish(&der);
	}
}

/* swaks and openssl samples: tables, TLS summary, AUTH outcome. */
static void
test_samples(void **state)
{
	const struct expect		*x;
	struct ss_transcript		*t;
	struct ss_dialog		*d;
	const struct ss_tls_summary	*tls;
	size_t				 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(samples); i++) {
		x = &samples[i];
		t = import_sample(x->file, x->format);
		d = ss_dialog_build(t, SIZE_MAX);
		assert_int_equal(ss_transcript_get(t, 0)->kind,
		    x->connect_first ? SS_KIND_CONNECT : SS_KIND_NOTE);
		/* openssl never shows the banner: no reply may pose as it. */
		if (x->connect_first) {
			assert_int_equal(ss_dialog_greeting(d)->code, 220);
		} else {
			assert_null(ss_dialog_greeting(d));
		}
		assert_int_equal(ss_dialog_caps(d, SS_PHASE_BEFORE_TLS) != NULL,
		    x->before_tls);
		if (x->before_tls) {
			assert_cap(ss_dialog_caps(d, SS_PHASE_BEFORE_TLS),
			    "STARTTLS", "");
			assert_null(ss_caps_find(ss_dialog_caps(d,
			    SS_PHASE_BEFORE_TLS), "AUTH"));
		}
		assert_cap(ss_dialog_caps(d, SS_PHASE_AFTER_TLS), "AUTH",
		    x->after_tls_auth);
		assert_cap(ss_dialog_caps(d, SS_PHASE_AFTER_TLS), "SIZE",
		    "52428800");
		tls = ss_dialog_tls(d);
		assert_true(tls->established);
		assert_string_equal(tls->version, x->version);
		assert_string_equal(tls->cipher, x->cipher);
		assert_int_equal(tls->implicit, x->implicit);
		assert_int_equal(tls->verify_known, x->verify_known);
		assert_int_equal(tls->verify_flags, x->verify_flags);
		assert_int_equal(tls->ncerts, x->ncerts);
		assert_certs(d, t);
		assert_string_equal(ss_dialog_auth_mech(d), x->auth_mech);
		assert_int_equal(ss_dialog_auth_code(d), x->auth_code);
		/* Every command answered, nothing unsolicited. */
		assert_int_equal(ss_dialog_anomalies(d), 0);
		assert_int_equal(ss_dialog_pending(d), 0);
		assert_tls_flags(t);
		assert_string_equal(ss_transcript_meta(t, "imported"),
		    ss_import_format_names[x->format]);
		ss_dialog_destroy(d);
		ss_transcript_destroy(t);
	}
}

/* openssl quirks: the piped input it never shows, a line taken as its
 * own command, s_client without -starttls. */
static void
test_openssl_quirks(void **state)
{
	static const char implicit[] =
	    "CONNECTED(00000003)\n---\nSSL handshake has read 1 bytes\n"
	    "New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256\n"
	    "    Verify return code: 10 (certificate has expired)\n---\n"
	    "220 smtp.example.com ESMTP\nEHLO me\n250-smtp.example.com\n"
	    "250 AUTH PLAIN\nRCPT TO:<bob@example.org>\nRENEGOTIATING\n"
	    "rcpt to:<bob@example.org>\n503 5.5.1 MAIL first\nQUIT\nDONE\n";
	struct ss_transcript		*t;
	struct ss_dialog		*d;
	const struct ss_tls_summary	*tls;
	char				*err = NULL;

	(void)state;
	t = import_sample("openssl-brief-piped.txt", SS_IMPORT_OPENSSL);
	d = ss_dialog_build(t, SIZE_MAX);
	tls = ss_dialog_tls(d);
	assert_string_equal(tls->version, "TLSv1.2");
	assert_string_equal(tls->cipher, "ECDHE-RSA-AES256-GCM-SHA384");
	assert_int_equal(tls->verify_flags, SS_TLS_VERIFY_NOT_TRUSTED);
	assert_true(anywhere(t, "does not show input piped"));
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);

	assert_int_equal(ss_import_detect(implicit, strlen(implicit)),
	    SS_IMPORT_OPENSSL);
	t = ss_import(implicit, strlen(implicit), SS_IMPORT_OPENSSL, "x",
	    &err);
	assert_non_null(t);
	assert_int_equal(ss_transcript_get(t, 0)->kind, SS_KIND_CONNECT);
	d = ss_dialog_build(t, SIZE_MAX);
	tls = ss_dialog_tls(d);
	assert_true(tls->implicit);
	assert_int_equal(tls->verify_flags, SS_TLS_VERIFY_EXPIRED);
	assert_int_equal(ss_dialog_greeting(d)->code, 220);
	assert_true(ss_caps_has_auth(ss_dialog_caps(d, SS_PHASE_AFTER_TLS),
	    "PLAIN"));
	/* RCPT and QUIT were eaten by s_client; "rcpt" was sent. */
	assert_false(anywhere(t, "RCPT TO"));
	assert_false(anywhere(t, "QUIT"));
	assert_true(anywhere(t, "rcpt to:<bob@example.org>\r\n"));
	assert_true(anywhere(t, "command to renegotiate"));
	assert_true(anywhere(t, "command to quit"));
	assert_string_equal(ss_transcript_meta(t, "tls"), "implicit");
	assert_non_null(strstr(find_kind(t, SS_DIR_TLS,
	    SS_KIND_TLS_START)->data, "implicit"));
	assert_int_equal(ss_dialog_pending(d), 0);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* ------------------------------------------------------------------ */

/* Texts with secrets, and the secrets that must vanish. */
static const struct {
	const char	*file;		/* or NULL: text */
	const char	*text;
	size_t		 nredacted;
	const char	*secrets[4];
} secret_cases[] = {
	{ "telnet-auth.txt", NULL, 2, { "AGNhcm9sAFRyMHViNGRvciYzLXRlbG5ldA==",
	  "Tr0ub4dor&3-telnet", "VHIwdWI0ZG9yJjMtdGVsbmV0" } },
	{ "swaks-starttls-plain.txt", NULL, 1,
	  { "AGFsaWNlAFdoMXNwZXItZTJlLVB3LTc3MzE=" } },
	{ "swaks-starttls-login.txt", NULL, 1,
	  { "V2gxc3Blci1lMmUtUHctNzczMQ==" } },
	{ "swaks-n-cram.txt", NULL, 1,
	  { "YWxpY2UgODY2YjUyY2VlMTQyYjJmZjdiMzA3YTQxNjQ1OTM2OGE=" } },
	{ "openssl-starttls-tls12.txt", NULL, 1,
	  { "AGFsaWNlAFdoMXNwZXItZTJlLVB3LTc3MzE=" } },
	{ "openssl-starttls-showcerts.txt", NULL, 1,
	  { "V2gxc3Blci1lMmUtUHctNzczMQ==" } },
	{ NULL, "220 x\nauth plain c2VjcmV0LW9uZQ==\n235 ok\n", 1,
	  { "c2VjcmV0LW9uZQ==" } },
	{ NULL, "220 x\nAUTH XOAUTH2   dG9rZW4tdHdv\n235 ok\n", 1,
	  { "dG9rZW4tdHdv" } },
	{ NULL, "220 x\nAUTH CRAM-MD5\n334 PDEyMz4=\nZGlnZXN0LXRocmVl\n"
	  "235 ok\n", 1, { "ZGlnZXN0LXRocmVl" } },
	{ NULL, "220 x\nAUTH LOGIN\n334 VXNlcm5hbWU6\nQm9i\n334 "
	  "UGFzc3dvcmQ6\nWm9ycm8tZm91cg==\n235 ok\n", 1,
	  { "Wm9ycm8tZm91cg==" } },
	{ NULL, " -> AUTH PLAIN c3dha3Mtc2VjcmV0\n<-  235 ok\n"
	  " ~> AUTH LOGIN\n<~  334 VXNlcm5hbWU6\n ~> dXNlci1zaXg=\n", 1,
	  { "c3dha3Mtc2VjcmV0" } },
};

/* Every secret gone, each redacted line flagged and sized. */
static void
test_redaction(void **state)
{
	struct ss_buf		 text;
	struct ss_transcript	*t;
	const struct ss_event	*e;
	char			*err = NULL;
	size_t			 i, j, n;

	(void)state;
	for (i = 0; i < SS_NITEMS(secret_cases); i++) {
		if (secret_cases[i].file != NULL) {
			read_sample(secret_cases[i].file, &text);
		} else {
			ss_buf_init(&text);
			ss_buf_adds(&text, secret_cases[i].text);
		}
		t = ss_import(text.data, text.len, SS_IMPORT_FORMAT_LAST,
		    "case", &err);
		assert_non_null(t);
		for (j = 0; j < SS_NITEMS(secret_cases[i].secrets) &&
		    secret_cases[i].secrets[j] != NULL; j++) {
			if (anywhere(t, secret_cases[i].secrets[j])) {
				fail_msg("case %zu: secret %s kept", i,
				    secret_cases[i].secrets[j]);
			}
		}
		for (j = n = 0; (e = ss_transcript_get(t, j)) != NULL; j++) {
			if (e->flags & SS_EVF_REDACTED) {
				n++;
				assert_int_equal(e->dir, SS_DIR_CLIENT);
				assert_non_null(strstr(e->data, "<redacted, "));
			}
		}
		assert_int_equal(n, secret_cases[i].nredacted);
		ss_transcript_destroy(t);
		ss_buf_finish(&text);
	}
}

/* The redacted line says how much was hidden, like a live capture. */
static void
test_redaction_words(void **state)
{
	static const char text[] = "220 x\nAUTH PLAIN AGFsaWNlAHBhc3N3b3Jk\n"
	    "235 ok\n";
	struct ss_transcript	*t;
	const struct ss_event	*e;
	char			*err = NULL;

	(void)state;
	t = ss_import(text, strlen(text), SS_IMPORT_TELNET, "w", &err);
	assert_non_null(t);
	e = ss_transcript_get(t, 2);
	assert_int_equal(e->dir, SS_DIR_CLIENT);
	assert_string_equal(e->data, "AUTH PLAIN <redacted, 20 bytes>\r\n");
	assert_int_equal(e->flags, SS_EVF_REDACTED);
	ss_transcript_destroy(t);
}

/* ------------------------------------------------------------------ */

/* Detection of texts and of every sample. */
static void
test_detect(void **state)
{
	static const struct {
		const char		*text;
		enum ss_import_format	 want;
	} texts[] = {
		{ "smtpscope-session 1\n", SS_IMPORT_NATIVE },
		{ " -> EHLO x\n<-  250 ok\n", SS_IMPORT_SWAKS },
		{ "=== Trying a:25...\n<~  220 x\n", SS_IMPORT_SWAKS },
		{ "CONNECTED(00000003)\n", SS_IMPORT_OPENSSL },
		{ "depth=0 CN = x\n---\nCertificate chain\n", SS_IMPORT_OPENSSL },
		{ "SSL handshake has read 1 bytes\n", SS_IMPORT_OPENSSL },
		{ "220 x ESMTP\nEHLO y\n250 x\n", SS_IMPORT_TELNET },
		{ "hello\n", SS_IMPORT_FORMAT_LAST },
		{ "", SS_IMPORT_FORMAT_LAST },
		{ " -> only one swaks line\n", SS_IMPORT_SWAKS },
	};
	static const struct {
		const char		*file;
		enum ss_import_format	 want;
	} files[] = {
		{ "exim-4.63-telnet.txt", SS_IMPORT_TELNET },
		{ "nc-postfix-crlf.txt", SS_IMPORT_TELNET },
		{ "telnet-auth.txt", SS_IMPORT_TELNET },
		{ "swaks-starttls-plain.txt", SS_IMPORT_SWAKS },
		{ "swaks-tlsc.txt", SS_IMPORT_SWAKS },
		{ "openssl-starttls-tls12.txt", SS_IMPORT_OPENSSL },
		{ "openssl-brief-piped.txt", SS_IMPORT_OPENSSL },
	};
	struct ss_buf	b;
	size_t		i;

	(void)state;
	for (i = 0; i < SS_NITEMS(texts); i++) {
		if (ss_import_detect(texts[i].text, strlen(texts[i].text)) !=
		    texts[i].want) {
			fail_msg("text %zu detected as %d", i,
			    (int)ss_import_detect(texts[i].text,
			    strlen(texts[i].text)));
		}
	}
	for (i = 0; i < SS_NITEMS(files); i++) {
		read_sample(files[i].file, &b);
		assert_int_equal(ss_import_detect(b.data, b.len), files[i].want);
		ss_buf_finish(&b);
	}
}

/* Names of formats, both ways. */
static void
test_format_names(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < SS_IMPORT_FORMAT_LAST; i++) {
		assert_int_equal(ss_import_format_from_name(
		    ss_import_format_names[i]), i);
	}
	assert_int_equal(ss_import_format_from_name("SWAKS"), SS_IMPORT_SWAKS);
	assert_int_equal(ss_import_format_from_name("nc"), SS_IMPORT_TELNET);
	assert_int_equal(ss_import_format_from_name("pcap"),
	    SS_IMPORT_FORMAT_LAST);
	assert_int_equal(ss_import_format_from_name(""),
	    SS_IMPORT_FORMAT_LAST);
}

/* A saved session comes back through the native loader. */
static void
test_native(void **state)
{
	struct ss_transcript	*a, *b;
	struct ss_buf		 out;
	char			*err = NULL;

	(void)state;
	a = import_sample("exim-4.63-telnet.txt", SS_IMPORT_TELNET);
	ss_buf_init(&out);
	ss_store_write(a, &out);
	assert_int_equal(ss_import_detect(out.data, out.len),
	    SS_IMPORT_NATIVE);
	b = ss_import(out.data, out.len, SS_IMPORT_FORMAT_LAST, "saved", &err);
	if (b == NULL) {
		fail_msg("%s", err);
	}
	assert_same_events(a, b);
	assert_string_equal(ss_transcript_meta(b, "imported"), "telnet");
	ss_transcript_destroy(a);
	ss_transcript_destroy(b);
	ss_buf_finish(&out);
}

/* ------------------------------------------------------------------ */

/* A small deterministic generator, so a failure can be replayed. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* An error reads "name:line: reason". */
static void
assert_error_form(const char *err, const char *name)
{
	size_t	n = strlen(name);

	assert_non_null(err);
	assert_memory_equal(err, name, n);
	assert_true(err[n] == ':' && err[n + 1] >= '1' && err[n + 1] <= '9');
	assert_non_null(strstr(err + n + 1, ": "));
}

/* Import then replay; either outcome is fine, a crash is not. */
static void
import_any(const char *p, size_t len, enum ss_import_format f)
{
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	char			*err = NULL;
	size_t			 i;

	t = ss_import(p, len, f, "fuzz", &err);
	if (t == NULL) {
		assert_error_form(err, "fuzz");
		free(err);
		return;
	}
	assert_null(err);
	for (i = 0; i < ss_transcript_count(t); i++) {
		assert_true(ss_transcript_get(t, i)->len <= 70000);
	}
	d = ss_dialog_build(t, SIZE_MAX);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

/* Random bytes and random log-like text, in every format. */
static void
test_garbage(void **state)
{
	static const char *const pieces[] = { "220", "250-", "250 ", "334 ",
	    "354 ", " -> ", "<-  ", " ~> ", "<~  ", "=== ", "*** ", "---",
	    "AUTH PLAIN ", "AUTH ", "DATA", ".", "\n", "\r\n", "Q", "DONE",
	    "-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n",
	    "New, TLSv1.2, Cipher is X\n", "Verify return code: 18 (x)\n",
	    "=== TLS started with cipher a:b:c\n", "Connected to ", "x",
	    "Trying ", "...", "\xff", " ", "CONNECTED(",
	    "SSL handshake has read" };
	struct ss_buf	b;
	uint32_t	seed = 0x1badcafe;
	size_t		round, i, n, f;
	char		*err = NULL;

	(void)state;
	assert_null(ss_import("", 0, SS_IMPORT_TELNET, "empty", &err));
	assert_error_form(err, "empty");
	free(err);
	assert_null(ss_import("hello\nworld\n", 12, SS_IMPORT_TELNET, "words",
	    &err));
	assert_error_form(err, "words");
	assert_non_null(strstr(err, "no SMTP dialogue"));
	free(err);
	ss_buf_init(&b);
	for (round = 0; round < 300; round++) {
		ss_buf_reset(&b);
		n = rnd(&seed) % 4096;
		for (i = 0; i < n; i++) {
			if (round % 2 == 0) {
				ss_buf_addc(&b, (char)rnd(&seed));
			} else {
				ss_buf_adds(&b, pieces[rnd(&seed) %
				    SS_NITEMS(pieces)]);
			}
		}
		for (f = SS_IMPORT_TELNET; f <= SS_IMPORT_FORMAT_LAST; f++) {
			import_any(b.data, b.len, (enum ss_import_format)f);
		}
	}
	ss_buf_finish(&b);
}

/* PHPMailer's html output: its own error lines keep no "<br>". */
static void
test_phpmailer_html_errors(void **state)
{
	struct ss_transcript	*t;
	const struct ss_event	*e;
	size_t			 i, errors = 0;

	(void)state;
	t = import_sample("corpus/phpmailer-html-o365-disabled.txt",
	    SS_IMPORT_PHPMAILER);
	for (i = 0; (e = ss_transcript_get(t, i)) != NULL; i++) {
		if (e->kind == SS_KIND_ERROR) {
			errors++;
			assert_null(memmem(e->data, e->len, "<br", 3));
		}
	}
	assert_int_equal(errors, 3);
	ss_transcript_destroy(t);
}

/* OpenSMTPD's "smtp tls ciphers=" line gives the handshake's facts. */
static void
test_opensmtpd_tls_ciphers(void **state)
{
	struct ss_transcript	*t;
	const struct ss_event	*e;

	(void)state;
	t = import_sample("corpus/opensmtpd-smtp-tls-ciphers.txt",
	    SS_IMPORT_OPENSMTPD);
	e = find_kind(t, SS_DIR_TLS, SS_KIND_TLS_UP);
	assert_non_null(e);
	assert_non_null(memmem(e->data, e->len,
	    "version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384", 45));
	assert_null(memmem(e->data, e->len, "inferred", 8));
	ss_transcript_destroy(t);
}

/* Huge lines are cut to a bound, said so, and secrets still go. */
static void
test_huge_lines(void **state)
{
	struct ss_buf		 b;
	struct ss_transcript	*t;
	char			*err = NULL;
	size_t			 i;

	(void)state;
	ss_buf_init(&b);
	ss_buf_adds(&b, "220 ");
	for (i = 0; i < 1000000; i++) {
		ss_buf_addc(&b, 'x');
	}
	ss_buf_adds(&b, "\nAUTH PLAIN ");
	for (i = 0; i < 1000000; i++) {
		ss_buf_addc(&b, 'S');
	}
	ss_buf_adds(&b, "\n235 ok\n");
	t = ss_import(b.data, b.len, SS_IMPORT_FORMAT_LAST, "huge", &err);
	assert_non_null(t);
	assert_true(ss_transcript_bytes(t) < 64 * 1024);
	assert_true(anywhere(t, "kept the first 4096 of its 1000004 bytes"));
	assert_true(anywhere(t, "AUTH PLAIN <redacted, 1000000 bytes>"));
	assert_false(anywhere(t, "SSSS"));
	ss_transcript_destroy(t);
	ss_buf_finish(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_story_exim463),
		cmocka_unit_test(test_crlf_vs_lf),
		cmocka_unit_test(test_nc_body),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_openssl_quirks),
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_redaction_words),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_huge_lines),
		cmocka_unit_test(test_phpmailer_html_errors),
		cmocka_unit_test(test_opensmtpd_tls_ciphers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
