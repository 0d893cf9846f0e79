/*
 * test-util.c: base64 against the RFC 4648 vectors, strict decoding, the
 * growable buffer, bounded copies and ASCII case folding.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "smtpscope/util.h"

/* RFC 4648 section 10. */
static const struct {
	const char	*plain;
	const char	*encoded;
} b64_vectors[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

/* Inputs a strict decoder must refuse. */
static const char *const b64_garbage[] = {
	"Zg",		/* missing padding */
	"Zg=",		/* short padding */
	"Zg==Zg==",	/* padding in the middle */
	"Z===",		/* too much padding */
	"=Zg=",		/* padding first */
	"Zm9v\r\n",	/* line end */
	"Zm 9",		/* space */
	"Zm9*",		/* outside the alphabet */
	"Zh==",		/* non-zero unused bits */
	"Zm9=",		/* non-zero unused bits, one pad */
	"Zm9vY\0==",	/* NUL inside (length counts 8) */
};

/* Each RFC vector encodes and decodes exactly. */
static void
test_base64_vectors(void **state)
{
	struct ss_buf	 b;
	size_t		 i;

	(void)state;
	ss_buf_init(&b);
	for (i = 0; i < SS_NITEMS(b64_vectors); i++) {
		ss_buf_reset(&b);
		ss_base64_encode(&b, b64_vectors[i].plain,
		    strlen(b64_vectors[i].plain));
		assert_string_equal(b.data, b64_vectors[i].encoded);
		ss_buf_reset(&b);
		assert_int_equal(ss_base64_decode(&b, b64_vectors[i].encoded,
		    strlen(b64_vectors[i].encoded)), 0);
		assert_int_equal(b.len, strlen(b64_vectors[i].plain));
		assert_memory_equal(b.data, b64_vectors[i].plain, b.len);
	}
	ss_buf_finish(&b);
}

/* Garbage is refused and leaves what the buffer already held. */
static void
test_base64_garbage(void **state)
{
	struct ss_buf	 b;
	size_t		 i, len;

	(void)state;
	ss_buf_init(&b);
	for (i = 0; i < SS_NITEMS(b64_garbage); i++) {
		ss_buf_reset(&b);
		ss_buf_adds(&b, "keep");
		len = strlen(b64_garbage[i]);
		if (i == SS_NITEMS(b64_garbage) - 1)
			len = 8;
		assert_int_equal(ss_base64_decode(&b, b64_garbage[i], len), -1);
		assert_string_equal(b.data, "keep");
		assert_int_equal(b.len, 4);
	}
	ss_buf_finish(&b);
}

/* Every byte value survives a round trip of every length up to 300. */
static void
test_base64_roundtrip(void **state)
{
	unsigned char	 src[300];
	struct ss_buf	 enc, dec;
	size_t		 n;

	(void)state;
	for (n = 0; n < sizeof src; n++)
		src[n] = (unsigned char)(n * 7 + 3);
	ss_buf_init(&enc);
	ss_buf_init(&dec);
	for (n = 0; n <= sizeof src; n++) {
		ss_buf_reset(&enc);
		ss_buf_reset(&dec);
		ss_base64_encode(&enc, src, n);
		assert_int_equal(enc.len, (n + 2) / 3 * 4);
		assert_int_equal(ss_base64_decode(&dec, enc.data, enc.len), 0);
		assert_int_equal(dec.len, n);
		if (n != 0)
			assert_memory_equal(dec.data, src, n);
	}
	ss_buf_finish(&enc);
	ss_buf_finish(&dec);
}

/* The buffer grows, keeps NULs, stays terminated and hands over. */
static void
test_buf(void **state)
{
	struct ss_buf	 b;
	char		*s;
	size_t		 i;

	(void)state;
	ss_buf_init(&b);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	for (i = 0; i < 10000; i++)
		ss_buf_addc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[10000], '\0');
	assert_int_equal(b.data[9999], 'a' + 9999 % 26);
	ss_buf_reset(&b);
	ss_buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[1], '\0');
	ss_buf_printf(&b, "%d-%s", 42, "x");
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "a\0b42-x", 8);
	s = ss_buf_steal(&b);
	assert_memory_equal(s, "a\0b42-x", 8);
	free(s);
	/* the buffer owns nothing now: no finish is owed, adding works */
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	ss_buf_adds(&b, "again");
	assert_string_equal(b.data, "again");
	ss_buf_finish(&b);
	assert_null(b.data);
}

/* strlcpy/strlcat truncate, terminate and report the wanted length. */
static void
test_strl(void **state)
{
	char	 small[6];

	(void)state;
	assert_int_equal(ss_strlcpy(small, "hello world", sizeof small), 11);
	assert_string_equal(small, "hello");
	assert_int_equal(ss_strlcpy(small, "hi", sizeof small), 2);
	assert_int_equal(ss_strlcat(small, "!!", sizeof small), 4);
	assert_string_equal(small, "hi!!");
	assert_int_equal(ss_strlcat(small, "abcdef", sizeof small), 10);
	assert_string_equal(small, "hi!!a");
	assert_int_equal(ss_strlcpy(small, "xyz", 0), 3);
	assert_string_equal(small, "hi!!a");
}

/* Case folding is ASCII only: bytes above 127 compare as they are. */
static void
test_strcasecmp(void **state)
{
	(void)state;
	assert_int_equal(ss_strcasecmp("EhLo", "ehlo"), 0);
	assert_true(ss_strcasecmp("AUTH", "AUTH=") < 0);
	assert_true(ss_strcasecmp("b", "A") > 0);
	assert_true(ss_strcasecmp("\xc4", "\xe4") != 0);
	assert_int_equal(ss_strncasecmp("STARTTLS", "starttlsX", 8), 0);
	assert_true(ss_strncasecmp("STARTTLS", "starttlsX", 9) != 0);
}

/* xasprintf, xstrndup and the wipe helpers do what they say. */
static void
test_alloc_helpers(void **state)
{
	char	*s;
	char	 secret[8] = "hunter2";

	(void)state;
	assert_int_equal(xasprintf(&s, "%s:%u", "host", 25u), 7);
	assert_string_equal(s, "host:25");
	free(s);
	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	ss_wipe(secret, sizeof secret);
	assert_memory_equal(secret, "\0\0\0\0\0\0\0\0", 8);
	ss_free_secret(xstrdup("password"));
	ss_free_secret(NULL);
}

/* The monotonic clock never goes backwards. */
static void
test_clock(void **state)
{
	uint64_t	 a, b;

	(void)state;
	a = ss_now_us();
	b = ss_now_us();
	assert_true(a != 0);
	assert_true(b >= a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test(test_base64_garbage),
		cmocka_unit_test(test_base64_roundtrip),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_strl),
		cmocka_unit_test(test_strcasecmp),
		cmocka_unit_test(test_alloc_helpers),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
