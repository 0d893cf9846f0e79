/*
 * test-transcript.c: appending keeps every byte, pointers stay put while a
 * million events arrive, records format, metadata replaces and keeps order.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* A short conversation as a table: what goes in must come out. */
static const struct {
	enum ss_dir	 dir;
	enum ss_kind	 kind;
	unsigned	 flags;
	const char	*data;
	size_t		 len;
} conversation[] = {
	{ SS_DIR_INFO, SS_KIND_CONNECT, 0, "connected to 127.0.0.1 port 25",
	    30 },
	{ SS_DIR_SERVER, SS_KIND_DATA, 0, "220 mx ESMTP\r\n", 14 },
	{ SS_DIR_CLIENT, SS_KIND_DATA, 0, "EHLO a\r\n", 8 },
	{ SS_DIR_SERVER, SS_KIND_DATA, 0, "250-mx\r\n250 \0X\n", 15 },
	{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_REDACTED, "", 0 },
	{ SS_DIR_TLS, SS_KIND_TLS_UP, SS_EVF_TLS,
	    "version=TLSv1.2 cipher=X", 24 },
	{ SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS | SS_EVF_DISCARDED,
	    "\xff\xfe\x1b[2J", 6 },
};

/* Every field of every event reads back exactly, NUL-terminated. */
static void
test_roundtrip(void **state)
{
	struct ss_transcript	*t;
	const struct ss_event	*ev;
	size_t			 i, total = 0;

	(void)state;
	t = ss_transcript_create();
	for (i = 0; i < SS_NITEMS(conversation); i++) {
		assert_int_equal(ss_transcript_append(t, i * 10,
		    conversation[i].dir, conversation[i].kind,
		    conversation[i].flags, conversation[i].data,
		    conversation[i].len), i);
		total += conversation[i].len;
	}
	assert_int_equal(ss_transcript_count(t), SS_NITEMS(conversation));
	assert_int_equal(ss_transcript_bytes(t), total);
	for (i = 0; i < SS_NITEMS(conversation); i++) {
		ev = ss_transcript_get(t, i);
		assert_non_null(ev);
		assert_int_equal(ev->t_us, i * 10);
		assert_int_equal(ev->dir, conversation[i].dir);
		assert_int_equal(ev->kind, conversation[i].kind);
		assert_int_equal(ev->flags, conversation[i].flags);
		assert_int_equal(ev->len, conversation[i].len);
		assert_memory_equal(ev->data, conversation[i].data, ev->len);
		assert_int_equal(ev->data[ev->len], '\0');
	}
	assert_null(ss_transcript_get(t, SS_NITEMS(conversation)));
	ss_transcript_destroy(t);
	ss_transcript_destroy(NULL);
}

/*
 * A million appends: the first events' pointers and bytes are untouched
 * at the end, and every event still holds its own text.
 */
static void
test_million(void **state)
{
	struct ss_transcript	*t;
	const struct ss_event	*first, *mid, *ev;
	const char		*first_data;
	char			 line[32];
	size_t			 i, n = 1000000;
	int			 len;

	(void)state;
	t = ss_transcript_create();
	first = mid = NULL;
	first_data = NULL;
	for (i = 0; i < n; i++) {
		len = snprintf(line, sizeof line, "250 event %zu\r\n", i);
		ss_transcript_append(t, i, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    line, (size_t)len);
		if (i == 0) {
			first = ss_transcript_get(t, 0);
			first_data = first->data;
		}
		if (i == 1500)
			mid = ss_transcript_get(t, 1500);
	}
	assert_int_equal(ss_transcript_count(t), n);
	assert_ptr_equal(ss_transcript_get(t, 0), first);
	assert_ptr_equal(ss_transcript_get(t, 0)->data, first_data);
	assert_ptr_equal(ss_transcript_get(t, 1500), mid);
	assert_string_equal(first->data, "250 event 0\r\n");
	assert_string_equal(mid->data, "250 event 1500\r\n");
	for (i = 0; i < n; i += 7919) {
		ev = ss_transcript_get(t, i);
		snprintf(line, sizeof line, "250 event %zu\r\n", i);
		assert_string_equal(ev->data, line);
		assert_int_equal(ev->t_us, i);
	}
	ev = ss_transcript_get(t, n - 1);
	assert_string_equal(ev->data, "250 event 999999\r\n");
	ss_transcript_destroy(t);
}

/* Big payloads (bigger than an arena block) are kept whole. */
static void
test_large_payloads(void **state)
{
	struct ss_transcript	*t;
	const struct ss_event	*small;
	char			*big;
	size_t			 sizes[] = { 8191, 8192, 65536, 200000, 1 };
	size_t			 i, j;

	(void)state;
	t = ss_transcript_create();
	ss_transcript_append(t, 0, SS_DIR_CLIENT, SS_KIND_DATA, 0, "x", 1);
	small = ss_transcript_get(t, 0);
	for (i = 0; i < SS_NITEMS(sizes); i++) {
		big = xmalloc(sizes[i]);
		for (j = 0; j < sizes[i]; j++)
			big[j] = (char)(i + j);
		ss_transcript_append(t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    big, sizes[i]);
		assert_memory_equal(ss_transcript_get(t, i + 1)->data, big,
		    sizes[i]);
		free(big);
	}
	assert_string_equal(small->data, "x");
	assert_int_equal(ss_transcript_get(t, 4)->len, 200000);
	assert_int_equal(ss_transcript_get(t, 4)->data[199999],
	    (char)(3 + 199999));
	ss_transcript_destroy(t);
}

/* Records are formatted like printf and counted as bytes. */
static void
test_note(void **state)
{
	struct ss_transcript	*t;
	const struct ss_event	*ev;
	size_t			 idx;

	(void)state;
	t = ss_transcript_create();
	idx = ss_transcript_note(t, 5, SS_DIR_INFO, SS_KIND_RESOLVE, 0,
	    "%s -> %s %s", "mx.test", "192.0.2.1", "2001:db8::1");
	assert_int_equal(idx, 0);
	ev = ss_transcript_get(t, idx);
	assert_string_equal(ev->data, "mx.test -> 192.0.2.1 2001:db8::1");
	assert_int_equal(ev->len, strlen(ev->data));
	assert_int_equal(ev->kind, SS_KIND_RESOLVE);
	assert_int_equal(ss_transcript_bytes(t), ev->len);
	ss_transcript_destroy(t);
}

/* Metadata: set, replace (keeping the first position), list in order. */
static void
test_meta(void **state)
{
	struct ss_transcript	*t;
	const char		*k, *v;

	(void)state;
	t = ss_transcript_create();
	assert_null(ss_transcript_meta(t, "target"));
	ss_transcript_set_meta(t, "target", "mx.test:25");
	ss_transcript_set_meta(t, "version", "0.1.0");
	ss_transcript_set_meta(t, "target", "mx.test:587");
	assert_int_equal(ss_transcript_meta_count(t), 2);
	assert_string_equal(ss_transcript_meta(t, "target"), "mx.test:587");
	ss_transcript_meta_at(t, 0, &k, &v);
	assert_string_equal(k, "target");
	assert_string_equal(v, "mx.test:587");
	ss_transcript_meta_at(t, 1, &k, &v);
	assert_string_equal(k, "version");
	assert_string_equal(v, "0.1.0");
	ss_transcript_meta_at(t, 2, &k, &v);
	assert_null(k);
	assert_null(v);
	assert_null(ss_transcript_meta(t, "Target"));
	ss_transcript_destroy(t);
}

/* The name tables and their reverse lookups agree. */
static void
test_names(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < SS_DIR_LAST; i++)
		assert_int_equal(ss_dir_from_letter(ss_dir_letters[i]), i);
	for (i = 0; i < SS_KIND_LAST; i++)
		assert_int_equal(ss_kind_from_name(ss_kind_names[i]), i);
	assert_string_equal(ss_dir_letters[SS_DIR_SERVER], "S");
	assert_string_equal(ss_kind_names[SS_KIND_TLS_UP], "tls-up");
	assert_int_equal(ss_dir_from_letter("X"), -1);
	assert_int_equal(ss_kind_from_name("tls"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_million),
		cmocka_unit_test(test_large_payloads),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
