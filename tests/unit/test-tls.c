/*
 * test-tls.c: real handshakes between the demo TLS server and the client
 * over a socketpair, driven by a small poll loop: verification results and
 * their words, certificate descriptions, data both ways, the key log,
 * version mismatches and a plaintext peer.  Also the crypto helpers.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/tls.h"
#include "smtpscope/util.h"

/* One client and one server connection over a socketpair. */
struct pair {
	struct ss_tls_server	*srv;
	struct ss_tls_client	*cli;
	struct ss_tls		*c;
	struct ss_tls		*s;
	int			 fds[2];	/* client end, server end */
	int			 crc;		/* last handshake results */
	int			 src;
};

/* A connected, non-blocking socketpair. */
static void
socket_pair(int fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
}

/* Is a handshake result final? */
static int
finished(int rc)
{
	return (rc == 0 || rc == SS_TLS_ERROR);
}

/* The poll events a result asks for. */
static short
want_events(int rc)
{
	return (rc == SS_TLS_WANT_WRITE ? POLLOUT : POLLIN);
}

/* Drive both handshakes (s may be NULL) until both end, bounded in time
 * so that a peer that never answers fails the test instead of hanging. */
static void
drive(struct ss_tls *c, int cfd, struct ss_tls *s, int sfd, int *crc,
    int *src)
{
	struct pollfd	pfd[2];
	int		i;

	*crc = *src = SS_TLS_WANT_READ;
	for (i = 0; i < 200; i++) {
		if (!finished(*crc)) {
			*crc = ss_tls_handshake(c);
		}
		if (s != NULL && !finished(*src)) {
			*src = ss_tls_handshake(s);
		}
		if (finished(*crc) && (s == NULL || finished(*src))) {
			return;
		}
		pfd[0].fd = cfd;
		pfd[0].events = want_events(*crc);
		pfd[1].fd = s != NULL ? sfd : -1;
		pfd[1].events = want_events(*src);
		poll(pfd, 2, 50);
	}
	fail_msg("handshake did not finish");
}

/* Start a demo server of one kind and a client trusting its CA or not. */
static void
pair_open(struct pair *p, const struct ss_tls_server_config *scfg,
    const struct ss_tls_client_config *ccfg_in, int trust, const char *name)
{
	struct ss_tls_client_config	ccfg;
	char				*err = NULL;

	memset(p, 0, sizeof(*p));
	p->srv = ss_tls_server_create(scfg, &err);
	assert_null(err);
	assert_non_null(p->srv);
	ccfg = *ccfg_in;
	if (trust) {
		ccfg.ca_pem = ss_tls_server_ca_pem(p->srv);
	}
	p->cli = ss_tls_client_create(&ccfg, &err);
	assert_null(err);
	assert_non_null(p->cli);
	socket_pair(p->fds);
	p->c = ss_tls_connect(p->cli, p->fds[0], name, &err);
	assert_non_null(p->c);
	p->s = ss_tls_accept(p->srv, p->fds[1], &err);
	assert_non_null(p->s);
	drive(p->c, p->fds[0], p->s, p->fds[1], &p->crc, &p->src);
}

/* Free everything in reverse order of creation. */
static void
pair_close(struct pair *p)
{
	ss_tls_free(p->c);
	ss_tls_free(p->s);
	ss_tls_client_destroy(p->cli);
	ss_tls_server_destroy(p->srv);
	close(p->fds[0]);
	close(p->fds[1]);
}

static const char *const ips_v4[] = { "127.0.0.1", NULL };
static const char *const ips_both[] = { "127.0.0.1", "::1", NULL };

/* Verification cases: what the server presents, whom the client trusts,
 * the name it connects to, and what it must conclude. */
static const struct {
	const char		*what;
	enum ss_cert_kind	 kind;
	const char *const	*ips;
	int			 trust_ca;
	int			 system_store;
	const char		*name;
	uint32_t		 flags;		/* exact expected flags */
	const char		*words;		/* in ss_tls_verify_words */
} verify_cases[] = {
	{ "good, CA trusted", SS_CERT_GOOD, NULL, 1, 0, "localhost", 0,
	  NULL },
	{ "good, CA trusted, system store too", SS_CERT_GOOD, NULL, 1, 1,
	  "localhost", 0, NULL },
	{ "good, CA unknown", SS_CERT_GOOD, NULL, 0, 1, "localhost",
	  SS_TLS_VERIFY_NOT_TRUSTED, "not trusted" },
	{ "good, no anchors at all", SS_CERT_GOOD, NULL, 0, 0, "localhost",
	  SS_TLS_VERIFY_NOT_TRUSTED, "unknown CA" },
	{ "expired", SS_CERT_EXPIRED, NULL, 1, 0, "localhost",
	  SS_TLS_VERIFY_EXPIRED, "expired" },
	{ "wrong host", SS_CERT_WRONG_HOST, NULL, 1, 0, "localhost",
	  SS_TLS_VERIFY_NAME_MISMATCH, "name mismatch" },
	{ "self-signed", SS_CERT_SELF_SIGNED, NULL, 1, 0, "localhost",
	  SS_TLS_VERIFY_NOT_TRUSTED, "self-signed" },
	{ "good, name with the root's dot", SS_CERT_GOOD, NULL, 1, 0,
	  "localhost.", 0, NULL },
	{ "IPv4 literal with IP SAN", SS_CERT_GOOD, ips_v4, 1, 0,
	  "127.0.0.1", 0, NULL },
	{ "IPv4 literal without IP SAN", SS_CERT_GOOD, NULL, 1, 0,
	  "127.0.0.1", SS_TLS_VERIFY_NAME_MISMATCH, "name mismatch" },
	{ "IPv6 literal with IP SAN", SS_CERT_GOOD, ips_both, 1, 0, "::1", 0,
	  NULL },
	{ "bracketed IPv6 literal", SS_CERT_GOOD, ips_both, 1, 0, "[::1]",
	  0, NULL },
	{ "IPv6 literal, only a v4 SAN", SS_CERT_GOOD, ips_v4, 1, 0, "::1",
	  SS_TLS_VERIFY_NAME_MISMATCH, "name mismatch" },
	{ "another DNS name", SS_CERT_GOOD, ips_v4, 1, 0, "mail.example.org",
	  SS_TLS_VERIFY_NAME_MISMATCH, "name mismatch" },
};

/* Every case completes the handshake and records the expected flags. */
static void
test_verify_cases(void **state)
{
	struct ss_tls_server_config	 scfg;
	struct ss_tls_client_config	 ccfg;
	struct pair			 p;
	struct ss_buf			 words;
	size_t				 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(verify_cases); i++) {
		print_message("case: %s\n", verify_cases[i].what);
		memset(&scfg, 0, sizeof(scfg));
		scfg.kind = verify_cases[i].kind;
		scfg.hostname = "localhost";
		scfg.ips = verify_cases[i].ips;
		scfg.max_version = SS_TLS_ANY;
		memset(&ccfg, 0, sizeof(ccfg));
		ccfg.min_version = SS_TLS_1_2;
		ccfg.use_system_store = verify_cases[i].system_store;
		pair_open(&p, &scfg, &ccfg, verify_cases[i].trust_ca,
		    verify_cases[i].name);
		assert_int_equal(p.crc, 0);
		assert_int_equal(p.src, 0);
		assert_string_equal(ss_tls_version_str(p.c), "TLSv1.3");
		/* IANA spelling of a TLS 1.3 suite (TLS 1.2's: in
		 * test_versions). */
		assert_true(strncmp(ss_tls_ciphersuite(p.c), "TLS_AES_",
		    8) == 0 || strncmp(ss_tls_ciphersuite(p.c),
		    "TLS_CHACHA20_", 13) == 0);
		assert_null(strchr(ss_tls_ciphersuite(p.c), '-'));
		assert_int_equal(ss_tls_verify_flags(p.c),
		    verify_cases[i].flags);
		ss_buf_init(&words);
		ss_tls_verify_words(ss_tls_verify_flags(p.c), &words);
		if (verify_cases[i].words == NULL) {
			assert_int_equal(words.len, 0);
		} else {
			assert_non_null(strstr(words.data,
			    verify_cases[i].words));
			assert_int_equal(words.data[words.len - 1], '\n');
		}
		ss_buf_finish(&words);
		pair_close(&p);
	}
}

/* Each flag gets its own line, and unknown bits are not dropped. */
static void
test_verify_words_lines(void **state)
{
	struct ss_buf	 b;
	size_t		 i, lines = 0;

	(void)state;
	ss_buf_init(&b);
	ss_tls_verify_words(SS_TLS_VERIFY_EXPIRED | SS_TLS_VERIFY_BAD_MD |
	    SS_TLS_VERIFY_BAD_KEY | 0x80000000u, &b);
	for (i = 0; i < b.len; i++) {
		lines += b.data[i] == '\n';
	}
	assert_int_equal(lines, 4);
	assert_non_null(strstr(b.data, "expired"));
	assert_non_null(strstr(b.data, "SHA-1"));
	assert_non_null(strstr(b.data, "too small"));
	assert_non_null(strstr(b.data, "0x80000000"));
	ss_buf_reset(&b);
	ss_tls_verify_words(0, &b);
	assert_int_equal(b.len, 0);
	ss_buf_finish(&b);
}

/* Parse "YYYY-MM-DD HH:MM:SS UTC" into seconds since the epoch. */
static time_t
parse_utc(const char *s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	assert_int_equal(sscanf(s, "%d-%d-%d %d:%d:%d UTC", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec), 6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (timegm(&tm));
}

/* The fingerprint as the test computes it on its own. */
static void
fingerprint(const unsigned char *der, size_t len, char out[96])
{
	unsigned char	h[32];
	size_t		i;

	ss_crypto_sha256(der, len, h);
	for (i = 0; i < 32; i++) {
		snprintf(out + i * 3, 4, "%02X%s", h[i], i < 31 ? ":" : "");
	}
}

/* The peer chain decodes into the fields a user reads. */
static void
test_cert_describe(void **state)
{
	struct ss_tls_server_config	 scfg = { SS_CERT_GOOD, "localhost",
					    ips_both, SS_TLS_ANY, 0 };
	struct ss_tls_client_config	 ccfg = { NULL, NULL, 0, SS_TLS_1_2,
					    NULL, SS_TLS_ANY, NULL, NULL, NULL };
	struct ss_cert_info		 ci;
	struct pair			 p;
	const unsigned char		*der;
	size_t				 len;
	char				 fp[96];
	time_t				 now = time(NULL);

	(void)state;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	assert_int_equal(p.crc, 0);
	assert_int_equal(ss_tls_peer_count(p.c), 2);
	der = ss_tls_peer_der(p.c, 0, &len);
	assert_non_null(der);
	assert_int_equal(ss_tls_cert_describe(der, len, &ci), 0);
	assert_non_null(strstr(ci.subject, "CN=localhost"));
	assert_non_null(strstr(ci.issuer, "CN=smtpscope demo CA"));
	assert_string_equal(ci.sans, "DNS:localhost, IP:127.0.0.1, IP:::1");
	assert_string_equal(ci.key, "EC 256 bits (secp256r1)");
	assert_string_equal(ci.sig_alg, "ECDSA with SHA-256");
	fingerprint(der, len, fp);
	assert_string_equal(ci.sha256, fp);
	assert_int_equal(strlen(ci.sha256), 95);
	assert_true(strlen(ci.serial) > 0);
	assert_false(ci.self_signed);
	assert_true(labs((long)(parse_utc(ci.not_before) - (now - 86400))) <
	    300);
	assert_true(labs((long)(parse_utc(ci.not_after) -
	    (now + 30 * 86400))) < 300);
	/* The second certificate is the CA, which signs itself. */
	der = ss_tls_peer_der(p.c, 1, &len);
	assert_int_equal(ss_tls_cert_describe(der, len, &ci), 0);
	assert_true(ci.self_signed);
	assert_string_equal(ci.subject, ci.issuer);
	assert_null(ss_tls_peer_der(p.c, 2, &len));
	assert_int_equal(ss_tls_cert_describe((const unsigned char *)"junk",
	    4, &ci), -1);
	pair_close(&p);
}

/* A self-signed leaf and an expired one describe themselves so. */
static void
test_cert_describe_kinds(void **state)
{
	struct ss_tls_server_config	 scfg = { SS_CERT_SELF_SIGNED,
					    "localhost", NULL, SS_TLS_ANY, 0 };
	struct ss_tls_client_config	 ccfg = { NULL, NULL, 0, SS_TLS_1_2,
					    NULL, SS_TLS_ANY, NULL, NULL, NULL };
	struct ss_cert_info		 ci;
	struct pair			 p;
	const unsigned char		*der;
	size_t				 len;

	(void)state;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	assert_int_equal(ss_tls_peer_count(p.c), 1);
	der = ss_tls_peer_der(p.c, 0, &len);
	assert_int_equal(ss_tls_cert_describe(der, len, &ci), 0);
	assert_true(ci.self_signed);
	pair_close(&p);

	scfg.kind = SS_CERT_EXPIRED;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	der = ss_tls_peer_der(p.c, 0, &len);
	assert_int_equal(ss_tls_cert_describe(der, len, &ci), 0);
	assert_true(parse_utc(ci.not_after) < time(NULL));
	pair_close(&p);

	scfg.kind = SS_CERT_WRONG_HOST;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	der = ss_tls_peer_der(p.c, 0, &len);
	assert_int_equal(ss_tls_cert_describe(der, len, &ci), 0);
	assert_string_equal(ci.sans, "DNS:wrong.example.net");
	pair_close(&p);
}

/* Write all of buf, retrying partial writes as the contract says. */
static void
write_all(struct ss_tls *t, int fd, const unsigned char *buf, size_t len,
    struct ss_tls *peer, unsigned char *sink, size_t *got)
{
	struct pollfd	pfd;
	size_t		off = 0;
	ssize_t		n;

	while (off < len) {
		n = ss_tls_write(t, buf + off, len - off);
		assert_true(n > 0 || n == SS_TLS_WANT_WRITE ||
		    n == SS_TLS_WANT_READ);
		if (n > 0) {
			off += (size_t)n;
		}
		/* Let the peer read so the socket buffer drains. */
		while ((n = ss_tls_read(peer, sink + *got, 65536)) > 0) {
			*got += (size_t)n;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		poll(&pfd, 1, 10);
	}
}

/* Read until want bytes arrived or time runs out. */
static void
read_until(struct ss_tls *t, int fd, unsigned char *buf, size_t *got,
    size_t want)
{
	struct pollfd	pfd;
	ssize_t		n;
	int		i;

	for (i = 0; i < 200 && *got < want; i++) {
		n = ss_tls_read(t, buf + *got, want - *got);
		if (n > 0) {
			*got += (size_t)n;
			continue;
		}
		assert_true(n == SS_TLS_WANT_READ || n == SS_TLS_WANT_WRITE);
		pfd.fd = fd;
		pfd.events = POLLIN;
		poll(&pfd, 1, 50);
	}
}

/* Bytes go both ways intact, including a write larger than a record. */
static void
test_data_both_ways(void **state)
{
	struct ss_tls_server_config	 scfg = { SS_CERT_GOOD, "localhost",
					    NULL, SS_TLS_ANY, 0 };
	struct ss_tls_client_config	 ccfg = { NULL, NULL, 0, SS_TLS_1_2,
					    NULL, SS_TLS_ANY, NULL, NULL, NULL };
	struct pair			 p;
	enum { BIG = 100000 };
	unsigned char			*out, *in;
	size_t				 i, got = 0;
	ssize_t				 n;

	(void)state;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	out = xmalloc(BIG);
	in = xmalloc(BIG + 65536);
	for (i = 0; i < BIG; i++) {
		out[i] = (unsigned char)(i * 7 + i / 251);
	}
	write_all(p.c, p.fds[0], out, BIG, p.s, in, &got);
	read_until(p.s, p.fds[1], in, &got, BIG);
	assert_int_equal(got, BIG);
	assert_memory_equal(in, out, BIG);

	/* A short reply read one byte at a time: the rest waits in
	 * ss_tls_pending, not in the socket. */
	assert_int_equal(ss_tls_write(p.s, "250 ok\r\n", 8), 8);
	got = 0;
	read_until(p.c, p.fds[0], in, &got, 1);
	assert_int_equal(got, 1);
	assert_int_equal(ss_tls_pending(p.c), 7);
	n = ss_tls_read(p.c, in + 1, 7);
	assert_int_equal(n, 7);
	assert_memory_equal(in, "250 ok\r\n", 8);

	/* close_notify reads as an orderly end. */
	ss_tls_close_notify(p.s);
	got = 0;
	n = SS_TLS_WANT_READ;
	for (i = 0; i < 100 && n == SS_TLS_WANT_READ; i++) {
		n = ss_tls_read(p.c, in, 16);
		poll(NULL, 0, 5);
	}
	assert_int_equal(n, 0);
	free(out);
	free(in);
	pair_close(&p);
}

/* Is s lower-case hex of exactly len characters? */
static int
is_hex(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) {
			return (0);
		}
	}
	return (1);
}

/* The key log lines of one version: label, client random, secret. */
static int
keylog_line_ok(const char *line, int tls13)
{
	static const char *const labels13[] = {
		"CLIENT_HANDSHAKE_TRAFFIC_SECRET ",
		"SERVER_HANDSHAKE_TRAFFIC_SECRET ",
		"CLIENT_TRAFFIC_SECRET_0 ", "SERVER_TRAFFIC_SECRET_0 ",
	};
	size_t	i, n, secret;

	if (!tls13) {
		return (strncmp(line, "CLIENT_RANDOM ", 14) == 0 &&
		    strlen(line) == 14 + 64 + 1 + 96 + 1 &&
		    is_hex(line + 14, 64) && line[78] == ' ' &&
		    is_hex(line + 79, 96) && line[175] == '\n');
	}
	for (i = 0; i < SS_NITEMS(labels13); i++) {
		n = strlen(labels13[i]);
		if (strncmp(line, labels13[i], n) != 0) {
			continue;
		}
		secret = strlen(line) - n - 64 - 2;
		return (is_hex(line + n, 64) && line[n + 64] == ' ' &&
		    (secret == 64 || secret == 96) &&
		    is_hex(line + n + 65, secret) &&
		    line[n + 65 + secret] == '\n');
	}
	return (0);
}

/* The key log holds the NSS lines of each handshake (one for TLS 1.2,
 * four for TLS 1.3), appended to a private file. */
static void
test_keylog(void **state)
{
	struct ss_tls_server_config	 scfg = { SS_CERT_GOOD, "localhost",
					    NULL, SS_TLS_1_2, 0 };
	struct ss_tls_client_config	 ccfg = { NULL, NULL, 0, SS_TLS_1_2,
					    NULL, SS_TLS_ANY, NULL, NULL, NULL };
	struct pair			 p;
	struct stat			 st;
	char				 dir[] = "/tmp/test-tls-XXXXXX";
	char				 path[64], line[256];
	FILE				*f;
	int				 i, tls13, lines;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/keys.log", dir);
	ccfg.keylog_file = path;
	for (tls13 = 0; tls13 < 2; tls13++) {
		scfg.max_version = tls13 ? SS_TLS_ANY : SS_TLS_1_2;
		for (i = 0; i < 2; i++) {
			pair_open(&p, &scfg, &ccfg, 1, "localhost");
			assert_int_equal(p.crc, 0);
			assert_string_equal(ss_tls_version_str(p.c),
			    tls13 ? "TLSv1.3" : "TLSv1.2");
			pair_close(&p);
		}
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		f = fopen(path, "r");
		assert_non_null(f);
		lines = 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			assert_true(keylog_line_ok(line, tls13));
			lines++;
		}
		fclose(f);
		assert_int_equal(lines, tls13 ? 8 : 2);
		unlink(path);
	}
	rmdir(dir);
}

/* Version limits: a client wanting TLS 1.3 and a TLS 1.2 server fail in
 * words on both sides (the alert's description is seen through mbedTLS's
 * debug output); otherwise the newest version both speak wins. */
static void
test_versions(void **state)
{
	struct ss_tls_server_config	 scfg = { SS_CERT_GOOD, "localhost",
					    NULL, SS_TLS_1_2, 0 };
	struct ss_tls_client_config	 ccfg = { NULL, NULL, 0, SS_TLS_1_3,
					    NULL, SS_TLS_ANY, NULL, NULL, NULL };
	struct pair			 p;

	(void)state;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	assert_int_equal(p.crc, SS_TLS_ERROR);
	assert_non_null(ss_tls_error(p.c));
	assert_non_null(strstr(ss_tls_error(p.c), "version"));
	assert_int_equal(p.src, SS_TLS_ERROR);
	/* A TLS 1.3 ClientHello offers only TLS 1.3 suites, which a TLS 1.2
	 * server cannot use; it says so with a handshake_failure alert. */
	assert_non_null(strstr(ss_tls_error(p.s), "the handshake failed"));
	assert_string_equal(ss_tls_error(p.c), "the server sent a fatal alert: "
	    "handshake failure (usually no cipher suite, curve or version in "
	    "common)");
	assert_null(ss_tls_version_str(p.c));
	pair_close(&p);

	ccfg.min_version = SS_TLS_ANY;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	assert_int_equal(p.crc, 0);
	assert_null(ss_tls_error(p.c));
	assert_string_equal(ss_tls_version_str(p.c), "TLSv1.2");
	pair_close(&p);

	scfg.max_version = SS_TLS_ANY;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	assert_int_equal(p.crc, 0);
	assert_string_equal(ss_tls_version_str(p.c), "TLSv1.3");
	pair_close(&p);

	ccfg.max_version = SS_TLS_1_2;
	pair_open(&p, &scfg, &ccfg, 1, "localhost");
	assert_int_equal(p.crc, 0);
	assert_string_equal(ss_tls_version_str(p.c), "TLSv1.2");
	/* IANA spelling; the demo key is ECDSA, so the suite is. */
	assert_memory_equal(ss_tls_ciphersuite(p.c), "TLS_ECDHE_ECDSA_WITH_",
	    21);
	assert_null(strchr(ss_tls_ciphersuite(p.c), '-'));
	pair_close(&p);

	/* A minimum above the maximum is a configuration error. */
	{
		char	*err = NULL;

		ccfg.min_version = SS_TLS_1_3;
		assert_null(ss_tls_client_create(&ccfg, &err));
		assert_non_null(err);
		free(err);
	}
}

/* Peers that do not speak TLS at all give an error, not a hang. */
static const struct {
	const char	*sent;		/* by the peer, then it waits */
	int		 close_after;
	int		 server_side;	/* we are the TLS server */
	const char	*want;
} plaintext_cases[] = {
	{ "220 hello\r\n", 0, 0,
	  "the server does not speak TLS (received plaintext: \"220 hello\")" },
	{ "", 1, 0, "the server closed the connection during the handshake" },
	{ "\x01\x7f\xff\x05 ", 0, 1,
	  "the client does not speak TLS (received bytes that are not a TLS "
	  "record: \"\\x01\\x7f\\xff\\x05 \")" },
	{ "2", 0, 0,	/* one byte, then silence: fail now, not later */
	  "the server does not speak TLS (received plaintext: \"2\")" },
	{ "EHLO me\r\n", 0, 1,
	  "the client does not speak TLS (received plaintext: \"EHLO me\")" },
};

/* Each plaintext peer ends the handshake with the words above. */
static void
test_plaintext_peer(void **state)
{
	struct ss_tls_server_config	 scfg = { SS_CERT_GOOD, "localhost",
					    NULL, SS_TLS_ANY, 0 };
	struct ss_tls_client_config	 ccfg = { NULL, NULL, 0, SS_TLS_1_2,
					    NULL, SS_TLS_ANY, NULL, NULL, NULL };
	struct ss_tls_server		*srv;
	struct ss_tls_client		*cli;
	struct ss_tls			*t;
	char				*err = NULL;
	size_t				 i;
	int				 fds[2], rc, unused;

	(void)state;
	srv = ss_tls_server_create(&scfg, &err);
	cli = ss_tls_client_create(&ccfg, &err);
	assert_non_null(srv);
	assert_non_null(cli);
	for (i = 0; i < SS_NITEMS(plaintext_cases); i++) {
		socket_pair(fds);
		assert_int_equal(write(fds[1], plaintext_cases[i].sent,
		    strlen(plaintext_cases[i].sent)),
		    (ssize_t)strlen(plaintext_cases[i].sent));
		if (plaintext_cases[i].close_after) {
			shutdown(fds[1], SHUT_WR);
		}
		t = plaintext_cases[i].server_side ?
		    ss_tls_accept(srv, fds[0], &err) :
		    ss_tls_connect(cli, fds[0], "localhost", &err);
		assert_non_null(t);
		drive(t, fds[0], NULL, -1, &rc, &unused);
		assert_int_equal(rc, SS_TLS_ERROR);
		assert_string_equal(ss_tls_error(t), plaintext_cases[i].want);
		ss_tls_free(t);
		close(fds[0]);
		close(fds[1]);
	}
	ss_tls_client_destroy(cli);
	ss_tls_server_destroy(srv);
}

/* Bad configurations are refused with a message. */
static void
test_config_errors(void **state)
{
	struct ss_tls_client_config	 ccfg = { "/nonexistent/ca.pem", NULL,
					    0, SS_TLS_1_2, NULL, SS_TLS_ANY, NULL, NULL, NULL };
	struct ss_tls_server_config	 scfg = { SS_CERT_GOOD, "localhost",
					    NULL, SS_TLS_ANY, 0 };
	static const char *const	 bad_ips[] = { "not-an-ip", NULL };
	char				*err = NULL;

	(void)state;
	assert_null(ss_tls_client_create(&ccfg, &err));
	assert_non_null(strstr(err, "/nonexistent/ca.pem"));
	free(err);
	err = NULL;
	ccfg.ca_file = NULL;
	ccfg.keylog_file = "/nonexistent/dir/keys";
	assert_null(ss_tls_client_create(&ccfg, &err));
	assert_non_null(strstr(err, "key log"));
	free(err);
	err = NULL;
	ccfg.keylog_file = NULL;
	ccfg.ca_pem = "-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n";
	assert_null(ss_tls_client_create(&ccfg, &err));
	assert_non_null(err);
	free(err);
	err = NULL;
	scfg.ips = bad_ips;
	assert_null(ss_tls_server_create(&scfg, &err));
	assert_non_null(err);
	free(err);
}

/* Making the demo certificates is fast enough to do at every start. */
static void
test_server_create_fast(void **state)
{
	struct ss_tls_server_config	 scfg = { SS_CERT_GOOD, "localhost",
					    ips_both, SS_TLS_ANY, 0 };
	struct ss_tls_server		*srv;
	char				*err = NULL;
	uint64_t			 t0, t1;
	const char			*pem;

	(void)state;
	t0 = ss_now_us();
	srv = ss_tls_server_create(&scfg, &err);
	t1 = ss_now_us();
	assert_non_null(srv);
	print_message("server_create took %llu us\n",
	    (unsigned long long)(t1 - t0));
	/* 50 ms is the goal; allow slack for a loaded test machine. */
	assert_true(t1 - t0 < 250000);
	pem = ss_tls_server_ca_pem(srv);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE-----"));
	ss_tls_server_destroy(srv);
}

/* RFC 2195's CRAM-MD5 example, FIPS 180-2's "abc", and random bytes. */
static void
test_crypto_helpers(void **state)
{
	static const unsigned char cram[16] = {
		0xb9, 0x13, 0xa6, 0x02, 0xc7, 0xed, 0xa7, 0xa4,
		0x95, 0xb4, 0xe6, 0xe7, 0x33, 0x4d, 0x38, 0x90 };
	static const unsigned char abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
	const char	*challenge = "<1896.697170952@postoffice.reston.mci.net>";
	unsigned char	 out[32], r1[32], r2[32];

	(void)state;
	assert_int_equal(ss_crypto_hmac_md5("tanstaaftanstaaf", 16, challenge,
	    strlen(challenge), out), 0);
	assert_memory_equal(out, cram, 16);
	ss_crypto_sha256("abc", 3, out);
	assert_memory_equal(out, abc, 32);
	assert_int_equal(ss_crypto_random(r1, sizeof(r1)), 0);
	assert_int_equal(ss_crypto_random(r2, sizeof(r2)), 0);
	assert_memory_not_equal(r1, r2, sizeof(r1));
}

/* The version names the JSON and the screen show. */
static void
test_version_names(void **state)
{
	(void)state;
	assert_string_equal(ss_tls_version_names[SS_TLS_1_2], "TLSv1.2");
	assert_string_equal(ss_tls_version_names[SS_TLS_1_3], "TLSv1.3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_helpers),
		cmocka_unit_test(test_version_names),
		cmocka_unit_test(test_server_create_fast),
		cmocka_unit_test(test_verify_cases),
		cmocka_unit_test(test_verify_words_lines),
		cmocka_unit_test(test_cert_describe),
		cmocka_unit_test(test_cert_describe_kinds),
		cmocka_unit_test(test_data_both_ways),
		cmocka_unit_test(test_keylog),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_plaintext_peer),
		cmocka_unit_test(test_config_errors),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
