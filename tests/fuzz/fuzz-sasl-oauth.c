/*
 * fuzz-sasl-oauth.c: the OAuth error object decoder (RFC 7628 3.2.2,
 * Google's XOAUTH2 form) and the bearer mechanisms' answer to it.  The
 * input is the JSON the server sends (raw; base64-encoded here).
 * Properties: no crash or leak; a parsed object has a status; its
 * explanation and the explain text hold no raw control byte; the client
 * answers the error as its specification says (XOAUTH2: empty;
 * OAUTHBEARER: a lone %x01).
 */
#include "fuzz.h"

#include "smtpscope/sasl.h"

/* No C0 control byte in a buffer meant for a screen. */
static void
fuzz_clean(const struct ss_buf *b)
{
	size_t	 i;

	for (i = 0; i < b->len; i++)
		FUZZ_CHECK(!fuzz_is_c0((unsigned char)b->data[i]));
}

/* A bearer exchange answering the input as its error challenge. */
static void
fuzz_exchange(const char *mech, const char *ack, const struct ss_buf *chal)
{
	struct ss_sasl	*s;
	struct ss_buf	 line, resp;
	size_t		 public_len;
	char		*err = NULL;
	int		 secret;

	s = ss_sasl_create(mech, "user@example.com", "ya29.token");
	FUZZ_CHECK(s != NULL);
	ss_buf_init(&line);
	ss_sasl_start(s, &line, &secret, &public_len);
	FUZZ_CHECK(secret);
	ss_buf_finish(&line);
	ss_buf_init(&resp);
	if (ss_sasl_step(s, chal->data, chal->len, &resp, &secret, &err) == 0)
		FUZZ_CHECK(chal->len == 0 || strcmp(resp.data, ack) == 0);
	free(err);
	ss_buf_finish(&resp);
	ss_sasl_destroy(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ss_sasl_oauth_error	 e;
	struct ss_buf			 out, chal;
	char				*err = NULL;

	if (size > 8192)
		return 0;
	ss_buf_init(&out);
	if (ss_sasl_oauth_error_parse(data, size, &e, &err) == 0) {
		FUZZ_CHECK(e.status != NULL);
		ss_sasl_oauth_error_explain(&e, &out);
		fuzz_clean(&out);
		ss_sasl_oauth_error_finish(&e);
	} else {
		FUZZ_CHECK(err != NULL);
		free(err);
	}
	ss_buf_reset(&out);
	ss_buf_init(&chal);
	ss_base64_encode(&chal, data, size);
	(void)ss_sasl_describe("XOAUTH2", 1, chal.data, chal.len, &out);
	(void)ss_sasl_describe("OAUTHBEARER", 0, chal.data, chal.len, &out);
	fuzz_clean(&out);
	fuzz_exchange("XOAUTH2", "", &chal);
	fuzz_exchange("OAUTHBEARER", "AQ==", &chal);
	ss_buf_finish(&chal);
	ss_buf_finish(&out);
	return 0;
}
