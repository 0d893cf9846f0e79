/*
 * fuzz-sasl-scram.c: the SCRAM client against any server messages.  The
 * input is the server-first message, then after the first newline the
 * server-final one (raw bytes; the harness base64-encodes them as a server
 * would).  Properties: a malformed message is refused, never crashes or
 * leaks; an accepted server-first gets a client-final "c=...,r=...,p=..."
 * answer; the explain text of either message holds no raw control byte.
 */
#include "fuzz.h"

#include "smtpscope/sasl.h"

#define FUZZ_NONCE	"fyko+d2lbbFgONRv9qkxdawL"

/* Keep PBKDF2 cheap: an iteration count over this is skipped. */
#define FUZZ_ITER_MAX	64

/* Does the message ask for more iterations than the fuzzer can afford? */
static int
fuzz_too_slow(const uint8_t *data, size_t size)
{
	size_t	 i, v;

	for (i = 0; i + 2 < size; i++) {
		if (data[i] != 'i' || data[i + 1] != '=')
			continue;
		for (v = 0, i += 2; i < size && data[i] >= '0' &&
		    data[i] <= '9' && v <= FUZZ_ITER_MAX; i++)
			v = v * 10 + (data[i] - '0');
		if (v > FUZZ_ITER_MAX)
			return 1;
	}
	return 0;
}

/* The explain text of a message: escaped, whatever it holds. */
static void
fuzz_describe(const char *mech, int from_server, const char *b64)
{
	struct ss_buf	 out;
	size_t		 i;

	ss_buf_init(&out);
	(void)ss_sasl_describe(mech, from_server, b64, strlen(b64), &out);
	for (i = 0; i < out.len; i++)
		FUZZ_CHECK(!fuzz_is_c0((unsigned char)out.data[i]));
	ss_buf_finish(&out);
}

/* One challenge: encode it, answer it, check the answer's shape. */
static int
fuzz_step(struct ss_sasl *s, const uint8_t *msg, size_t len, int first)
{
	struct ss_buf	 chal, resp, dec;
	char		*err = NULL;
	int		 secret, rc;

	ss_buf_init(&chal);
	ss_base64_encode(&chal, msg, len);
	fuzz_describe(ss_sasl_mech(s), 1, chal.data);
	ss_buf_init(&resp);
	rc = ss_sasl_step(s, chal.data, chal.len, &resp, &secret, &err);
	FUZZ_CHECK((rc == 0) == (err == NULL));
	free(err);
	if (rc == 0 && first) {
		ss_buf_init(&dec);
		FUZZ_CHECK(ss_base64_decode(&dec, resp.data, resp.len) == 0);
		FUZZ_CHECK(dec.len > 2 && memcmp(dec.data, "c=", 2) == 0);
		FUZZ_CHECK(memmem(dec.data, dec.len, ",p=", 3) != NULL);
		FUZZ_CHECK(secret);
		ss_buf_finish(&dec);
	}
	if (rc == 0 && !first)
		FUZZ_CHECK(resp.len == 0);
	ss_buf_finish(&resp);
	ss_buf_finish(&chal);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*nl = memchr(data, '\n', size);
	struct ss_sasl	*s;
	struct ss_buf	 line;
	size_t		 first_len = nl != NULL ? (size_t)(nl - data) : size;
	size_t		 public_len;
	char		*err = NULL;
	int		 secret;

	if (size > 4096 || fuzz_too_slow(data, size))
		return 0;
	s = ss_sasl_create("SCRAM-SHA-256", "user", "pencil");
	FUZZ_CHECK(s != NULL && ss_sasl_set_nonce(s, FUZZ_NONCE) == 0);
	ss_buf_init(&line);
	ss_sasl_start(s, &line, &secret, &public_len);
	ss_buf_finish(&line);
	if (fuzz_step(s, data, first_len, 1) == 0 && nl != NULL &&
	    fuzz_step(s, nl + 1, size - first_len - 1, 0) == 0)
		FUZZ_CHECK(ss_sasl_finish(s, &err) == 0);
	free(err);
	ss_sasl_destroy(s);
	return 0;
}
