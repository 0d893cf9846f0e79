/*
 * test-kb.c: the knowledge base covers every token of the reference tables
 * in tests/data/reference with the right RFC, lookups find the right kind
 * whatever the case, and parameters are decoded into the expected words.
 *
 * The reference directory is $SMTPSCOPE_REFDIR when set, else found from
 * this file's path as the compiler saw it (meson compiles from the build
 * root and runs tests there, so the relative path resolves).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smtpscope/kb.h"
#include "smtpscope/util.h"

#define MAX_FIELDS	8
#define MAX_RFCS	8

/* One parsed row of a reference table; fields point into line. */
struct row {
	char	*line;
	char	*field[MAX_FIELDS];
	int	 nfields;
};

/* The reference directory, resolved once. */
static const char *
ref_dir(void)
{
	static char	 dir[4096];
	const char	*env, *slash;

	if ((env = getenv("SMTPSCOPE_REFDIR")) != NULL && *env != '\0') {
		return (env);
	}
	if (dir[0] == '\0') {
		slash = strrchr(__FILE__, '/');
		snprintf(dir, sizeof(dir), "%.*s/../data/reference",
		    slash != NULL ? (int)(slash - __FILE__) : 1,
		    slash != NULL ? __FILE__ : ".");
	}
	return (dir);
}

/* Read a TSV table (header skipped) into rows; fails the test if absent. */
static struct row *
read_table(const char *name, size_t *nrows)
{
	char		 path[4600], *line = NULL, *p;
	size_t		 cap = 0, n = 0;
	ssize_t		 len;
	struct row	*rows = NULL;
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", ref_dir(), name);
	if ((f = fopen(path, "r")) == NULL) {
		fail_msg("cannot open %s (set SMTPSCOPE_REFDIR)", path);
	}
	for (len = getline(&line, &cap, f); len >= 0;
	    len = getline(&line, &cap, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line == '\0') {
			continue;
		}
		rows = xreallocarray(rows, n + 1, sizeof(*rows));
		rows[n].line = xstrdup(line);
		rows[n].nfields = 0;
		for (p = rows[n].line; p != NULL &&
		    rows[n].nfields < MAX_FIELDS; p = strchr(p, '\t')) {
			if (*p == '\t') {
				*p++ = '\0';
			}
			rows[n].field[rows[n].nfields++] = p;
		}
		n++;
	}
	free(line);
	fclose(f);
	assert_true(n > 1);
	*nrows = n;
	return (rows);
}

/* Free rows from read_table. */
static void
free_table(struct row *rows, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(rows[i].line);
	}
	free(rows);
}

/* Collect the numbers written as "RFCnnnn" or "RFC nnnn" in s. */
static int
rfc_numbers(const char *s, int out[MAX_RFCS])
{
	int	n = 0, v;

	while (s != NULL && (s = strstr(s, "RFC")) != NULL) {
		s += 3;
		if (*s == ' ') {
			s++;
		}
		for (v = 0; *s >= '0' && *s <= '9'; s++) {
			v = v * 10 + (*s - '0');
		}
		if (v > 0 && n < MAX_RFCS) {
			out[n++] = v;
		}
	}
	return (n);
}

/*
 * The entry's RFC agrees with the table cell: NULL exactly when the cell
 * names no defining RFC, otherwise "RFC n[, RFC m]" with every number
 * taken from the cell.
 */
static void
check_rfc(const struct ss_kb_entry *e, const char *cell)
{
	int	want[MAX_RFCS], got[MAX_RFCS], nwant, ngot, i, j, found;

	/* "none (pre-RFC2487 drafts)": an RFC is named but defines nothing. */
	nwant = strncmp(cell, "none", 4) == 0 ? 0 : rfc_numbers(cell, want);
	if (nwant == 0) {
		if (e->rfc != NULL) {
			fail_msg("%s: rfc %s but table says '%s'", e->token,
			    e->rfc, cell);
		}
		return;
	}
	if (e->rfc == NULL || strncmp(e->rfc, "RFC ", 4) != 0) {
		fail_msg("%s: rfc missing or malformed, table '%s'",
		    e->token, cell);
	}
	ngot = rfc_numbers(e->rfc, got);
	assert_true(ngot > 0);
	for (i = 0; i < ngot; i++) {
		for (found = 0, j = 0; j < nwant; j++) {
			found |= got[i] == want[j];
		}
		if (!found) {
			fail_msg("%s: RFC %d not in table '%s'", e->token,
			    got[i], cell);
		}
	}
}

/* Every entry has a title and a one-sentence summary. */
static void
check_text(const struct ss_kb_entry *e)
{
	size_t	len;

	assert_non_null(e->title);
	assert_true(e->title[0] != '\0');
	assert_non_null(e->status);
	assert_non_null(e->summary);
	len = strlen(e->summary);
	if (len < 15 || e->summary[len - 1] != '.') {
		fail_msg("%s: summary is not a sentence", e->token);
	}
	if (e->detail != NULL) {
		assert_true(strlen(e->detail) > strlen(e->summary) / 2);
	}
}

/* First word of s (up to a blank, '(' or ':') equals word. */
static int
first_word_is(const char *s, const char *word)
{
	size_t	len = strcspn(s, " (:;");

	return (strlen(word) == len && strncmp(s, word, len) == 0);
}

static void
test_keywords_cover_reference(void **state)
{
	const struct ss_kb_entry	*e;
	struct row			*rows;
	size_t				 n, i;

	(void)state;
	rows = read_table("esmtp-keywords.tsv", &n);
	for (i = 1; i < n; i++) {
		assert_int_equal(rows[i].nfields, 3);
		if ((e = ss_kb_keyword(rows[i].field[0])) == NULL) {
			fail_msg("no entry for keyword %s", rows[i].field[0]);
		}
		assert_int_equal(e->kind, SS_KB_KEYWORD);
		assert_string_equal(e->token, rows[i].field[0]);
		assert_string_equal(e->status, rows[i].field[2]);
		check_rfc(e, rows[i].field[1]);
		check_text(e);
	}
	assert_int_equal(ss_kb_count(SS_KB_KEYWORD), n - 1);
	free_table(rows, n);
}

static void
test_replies_cover_reference(void **state)
{
	const struct ss_kb_entry	*e;
	struct row			*rows;
	size_t				 n, i;

	(void)state;
	rows = read_table("reply-codes.tsv", &n);
	for (i = 1; i < n; i++) {
		assert_int_equal(rows[i].nfields, 4);
		if ((e = ss_kb_reply(atoi(rows[i].field[0]))) == NULL) {
			fail_msg("no entry for reply %s", rows[i].field[0]);
		}
		assert_int_equal(e->kind, SS_KB_REPLY);
		assert_string_equal(e->token, rows[i].field[0]);
		assert_true(first_word_is(rows[i].field[3], e->status));
		check_rfc(e, rows[i].field[2]);
		check_text(e);
	}
	assert_int_equal(ss_kb_count(SS_KB_REPLY), n - 1);
	free_table(rows, n);
}

/* "X.7.8" -> subject 7, detail 8. */
static void
split_x_code(const char *code, int *subject, int *detail)
{
	assert_int_equal(sscanf(code, "X.%d.%d", subject, detail), 2);
}

static void
test_enhanced_cover_reference(void **state)
{
	static const int		 classes[] = { 2, 4, 5 };
	const struct ss_kb_entry	*e, *x;
	struct row			*rows;
	size_t				 n, i, c;
	int				 s, d;

	(void)state;
	rows = read_table("enhanced-status-codes.tsv", &n);
	for (i = 1; i < n; i++) {
		if ((x = ss_kb_lookup(rows[i].field[0])) == NULL) {
			fail_msg("no entry for %s", rows[i].field[0]);
		}
		assert_string_equal(x->token, rows[i].field[0]);
		check_rfc(x, rows[i].field[2]);
		check_text(x);
		split_x_code(rows[i].field[0], &s, &d);
		for (c = 0; c < SS_NITEMS(classes); c++) {
			e = ss_kb_enhanced(classes[c], s, d);
			assert_non_null(e);
			assert_int_equal(e->kind, SS_KB_ENHANCED);
		}
	}
	free_table(rows, n);
}

static void
test_enhanced_classes_and_subjects(void **state)
{
	static const struct {
		int		 value;
		const char	*token, *word;
	} classes[] = {
		{ 2, "2.X.X", "succeeded" },
		{ 4, "4.X.X", "later" },
		{ 5, "5.X.X", "again" },
	}, subjects[] = {
		{ 1, "X.1.X", "address" },
		{ 2, "X.2.X", "mailbox" },
		{ 3, "X.3.X", "mail system" },
		{ 4, "X.4.X", "routing" },
		{ 5, "X.5.X", "SMTP conversation" },
		{ 6, "X.6.X", "content" },
		{ 7, "X.7.X", "policy" },
	};
	const struct ss_kb_entry	*e;
	size_t				 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(classes); i++) {
		e = ss_kb_enhanced_class(classes[i].value);
		assert_non_null(e);
		assert_string_equal(e->token, classes[i].token);
		assert_non_null(strstr(e->summary, classes[i].word));
		check_text(e);
	}
	for (i = 0; i < SS_NITEMS(subjects); i++) {
		e = ss_kb_enhanced_subject(subjects[i].value);
		assert_non_null(e);
		assert_string_equal(e->token, subjects[i].token);
		assert_non_null(strstr(e->summary, subjects[i].word));
		check_text(e);
	}
	assert_null(ss_kb_enhanced_class(3));
	assert_null(ss_kb_enhanced_subject(99));
}

static void
test_mechanisms_cover_reference(void **state)
{
	const struct ss_kb_entry	*e;
	struct row			*rows;
	size_t				 n, i;
	char				 verdict[16];

	(void)state;
	rows = read_table("sasl-mechanisms.tsv", &n);
	for (i = 1; i < n; i++) {
		if ((e = ss_kb_mech(rows[i].field[0])) == NULL) {
			fail_msg("no entry for mechanism %s", rows[i].field[0]);
		}
		assert_int_equal(e->kind, SS_KB_MECH);
		assert_string_equal(e->token, rows[i].field[0]);
		check_rfc(e, rows[i].field[1]);
		check_text(e);
		assert_non_null(e->safe);
		snprintf(verdict, sizeof(verdict), "%.*s",
		    (int)strcspn(rows[i].field[2], " ("), rows[i].field[2]);
		if (!first_word_is(e->safe, verdict)) {
			fail_msg("%s: safe '%s', table '%s'", e->token,
			    e->safe, rows[i].field[2]);
		}
	}
	assert_int_equal(ss_kb_count(SS_KB_MECH), n - 1);
	free_table(rows, n);
}

/* Tokens are unique per kind and every entry sits in its own table. */
static void
test_tables_consistent(void **state)
{
	const struct ss_kb_entry	*e, *f;
	int				 k;
	size_t				 i, j;

	(void)state;
	for (k = 0; k < SS_KB_KIND_LAST; k++) {
		assert_non_null(ss_kb_kind_names[k]);
		assert_true(ss_kb_count(k) > 0);
		for (i = 0; (e = ss_kb_at(k, i)) != NULL; i++) {
			assert_int_equal(e->kind, k);
			assert_true((e->safe != NULL) == (k == SS_KB_MECH));
			for (j = i + 1; (f = ss_kb_at(k, j)) != NULL; j++) {
				if (ss_strcasecmp(e->token, f->token) == 0) {
					fail_msg("duplicate %s", e->token);
				}
			}
		}
		assert_int_equal(i, ss_kb_count(k));
	}
	assert_null(ss_kb_at(SS_KB_KEYWORD, ss_kb_count(SS_KB_KEYWORD)));
}

/* The entries a person debugging a mail client needs most have detail. */
static void
test_important_entries_have_detail(void **state)
{
	static const char *const tokens[] = {
		"STARTTLS", "AUTH", "SIZE", "PIPELINING", "8BITMIME",
		"SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "DSN",
		"REQUIRETLS", "LIMITS",
		"220", "250", "334", "354", "421", "450", "451", "452", "453",
		"454", "500", "501", "502", "503", "504", "530", "534", "535",
		"538", "550", "551", "552", "553", "554",
		"5.7.0", "5.7.8", "5.7.11", "4.7.0", "4.7.1",
		"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER",
		"SCRAM-SHA-256",
	};
	const struct ss_kb_entry	*e;
	size_t				 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(tokens); i++) {
		if ((e = ss_kb_lookup(tokens[i])) == NULL ||
		    e->detail == NULL) {
			fail_msg("%s has no detail", tokens[i]);
		}
	}
}

static void
test_lookup_detects_kind(void **state)
{
	static const struct {
		const char	*input;
		int		 kind;		/* -1: not found */
		const char	*token;
	} cases[] = {
		{ "530", SS_KB_REPLY, "530" },
		{ "250", SS_KB_REPLY, "250" },
		{ "5.7.8", SS_KB_ENHANCED, "X.7.8" },
		{ "4.7.8", SS_KB_ENHANCED, "X.7.8" },
		{ "x.7.8", SS_KB_ENHANCED, "X.7.8" },
		{ "5.7.0", SS_KB_ENHANCED, "5.7.0" },
		{ "4.7.0", SS_KB_ENHANCED, "4.7.0" },
		{ "2.7.0", SS_KB_ENHANCED, "X.7.0" },
		{ "4.7.1", SS_KB_ENHANCED, "4.7.1" },
		{ "5.1.10", SS_KB_ENHANCED, "X.1.10" },
		{ "5.x.x", SS_KB_ENHANCED, "5.X.X" },
		{ "X.7.X", SS_KB_ENHANCED, "X.7.X" },
		{ "CRAM-MD5", SS_KB_MECH, "CRAM-MD5" },
		{ "cram-md5", SS_KB_MECH, "CRAM-MD5" },
		{ "scram-sha-256-plus", SS_KB_MECH, "SCRAM-SHA-256-PLUS" },
		{ "STARTTLS", SS_KB_KEYWORD, "STARTTLS" },
		{ "starttls", SS_KB_KEYWORD, "STARTTLS" },
		{ "8bitmime", SS_KB_KEYWORD, "8BITMIME" },
		{ "AUTH", SS_KB_KEYWORD, "AUTH" },
		{ "auth=login", SS_KB_KEYWORD, "AUTH=" },
		{ "X-EXPS=LOGIN", SS_KB_KEYWORD, "X-EXPS=LOGIN" },
		{ "mt-priority", SS_KB_KEYWORD, "MT-PRIORITY" },
		{ "599", -1, NULL },
		{ "3.7.8", -1, NULL },
		{ "5.7.99", -1, NULL },
		{ "5.1234.1", -1, NULL },
		{ "5.7", -1, NULL },
		{ "5.7.8.1", -1, NULL },
		{ "530 ", -1, NULL },
		{ "X.X.X", -1, NULL },
		{ "NOSUCHWORD", -1, NULL },
		{ "", -1, NULL },
	};
	const struct ss_kb_entry	*e;
	size_t				 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(cases); i++) {
		e = ss_kb_lookup(cases[i].input);
		if (cases[i].kind < 0) {
			if (e != NULL) {
				fail_msg("'%s' found %s", cases[i].input,
				    e->token);
			}
			continue;
		}
		if (e == NULL) {
			fail_msg("'%s' not found", cases[i].input);
		}
		assert_int_equal(e->kind, cases[i].kind);
		assert_string_equal(e->token, cases[i].token);
	}
	assert_null(ss_kb_lookup(NULL));
	assert_null(ss_kb_reply(42));
	assert_null(ss_kb_enhanced(3, 0, 0));
}

static void
test_describe_params(void **state)
{
	static const struct {
		const char	*keyword, *params;
		const char	*want[4];	/* phrases; none: empty */
	} cases[] = {
		{ "SIZE", "629145600",
		    { "limit 600 MiB (629145600 octets)" } },
		{ "size", "52428800", { "limit 50 MiB" } },
		{ "SIZE", "10000000", { "limit 9.5 MiB" } },
		{ "SIZE", "524288", { "limit 512 KiB" } },
		{ "SIZE", "1000", { "limit 1000 octets" } },
		{ "SIZE", "", { "no fixed limit" } },
		{ "SIZE", NULL, { "no fixed limit" } },
		{ "SIZE", "0", { "no fixed limit" } },
		{ "SIZE", "abc", { "malformed size \"abc\"" } },
		{ "SIZE", "123456789012345678901234", { "malformed" } },
		{ "SIZE", "1024 extra", { "limit 1 KiB", "extra" } },
		{ "AUTH", "PLAIN LOGIN", { "PLAIN (not safe without TLS)",
		    "LOGIN (not safe without TLS)" } },
		{ "AUTH", "cram-md5 SCRAM-SHA-256",
		    { "CRAM-MD5 (partly safe without TLS)",
		    "SCRAM-SHA-256 (safe without TLS)" } },
		{ "AUTH", "XOAUTH2 ANONYMOUS", { "XOAUTH2 (not safe",
		    "ANONYMOUS (no credentials)" } },
		{ "AUTH", "FOO", { "\"FOO\" (unknown mechanism)" } },
		{ "AUTH", "", { "no mechanisms listed" } },
		{ "AUTH=", "LOGIN", { "LOGIN (not safe without TLS)" } },
		{ "DELIVERBY", "", { "no minimum deadline" } },
		{ "DELIVERBY", "86400", { "86400 seconds (1 day)" } },
		{ "DELIVERBY", "600;R", { "within 600 seconds (10 minutes)",
		    "return the message" } },
		{ "DELIVERBY", "5400;NT", { "1.5 hours", "notify the sender",
		    "trace requested" } },
		{ "DELIVERBY", "-60;N", { "deadline passed 60 seconds "
		    "(1 minute) ago", "notify the sender" } },
		{ "DELIVERBY", "soon", { "malformed" } },
		{ "MT-PRIORITY", "MIXER", { "policy MIXER", "urgent" } },
		{ "MT-PRIORITY", "STANAG4406", { "NATO" } },
		{ "MT-PRIORITY", "NSEP", { "Emergency" } },
		{ "MT-PRIORITY", "", { "no policy named" } },
		{ "MT-PRIORITY", "BOGUS", { "\"BOGUS\"", "not a policy" } },
		{ "LIMITS", "RCPTMAX=100 MAILMAX=1000 RCPTDOMAINMAX=10",
		    { "at most 100 recipients per message",
		    "at most 1000 messages per connection",
		    "at most 10 recipient domains per message" } },
		{ "LIMITS", "rcptmax=5", { "at most 5 recipients" } },
		{ "LIMITS", "RCPTMAX=many", { "malformed value" } },
		{ "LIMITS", "FOO=3", { "\"FOO=3\" (limit not known" } },
		{ "LIMITS", "", { "no limits stated" } },
		{ "XCLIENT", "NAME ADDR PROTO HELO LOGIN",
		    { "NAME (client host name)", "ADDR (client IP address)",
		    "LOGIN (SASL login name)" } },
		{ "XCLIENT", "WEIRD", { "\"WEIRD\" (unknown attribute)" } },
		{ "XFORWARD", "NAME ADDR IDENT SOURCE",
		    { "IDENT (original queue ID)", "SOURCE (LOCAL or REMOTE" } },
		{ "FUTURERELEASE", "604800 2030-01-01T00:00:00Z",
		    { "up to 604800 seconds (7 days)",
		    "until at most \"2030-01-01T00:00:00Z\"" } },
		{ "PIPELINING", "x", { "takes no parameters" } },
		{ "ENHANCEDSTATUSCODES", "", { NULL } },
		{ "STARTTLS", NULL, { NULL } },
		{ "NOSUCHKEYWORD", "whatever", { NULL } },
	};
	struct ss_buf	out;
	size_t		i, j;

	(void)state;
	for (i = 0; i < SS_NITEMS(cases); i++) {
		ss_buf_init(&out);
		ss_kb_describe_params(cases[i].keyword, cases[i].params, &out);
		if (cases[i].want[0] == NULL && out.len != 0) {
			fail_msg("%s '%s': expected nothing, got '%s'",
			    cases[i].keyword, cases[i].params, out.data);
		}
		for (j = 0; j < 4 && cases[i].want[j] != NULL; j++) {
			if (out.data == NULL ||
			    strstr(out.data, cases[i].want[j]) == NULL) {
				fail_msg("%s '%s': want '%s', got '%s'",
				    cases[i].keyword, cases[i].params,
				    cases[i].want[j], out.data);
			}
		}
		ss_buf_finish(&out);
	}
}

/* Hostile parameters never put control bytes or unbounded text out. */
static void
test_describe_params_hostile(void **state)
{
	static const char *const keywords[] = {
		"SIZE", "AUTH", "DELIVERBY", "MT-PRIORITY", "LIMITS",
		"XCLIENT", "XFORWARD", "FUTURERELEASE", "PIPELINING",
	};
	char		long_word[2000];
	const char	*inputs[] = { "\x1b[2J\x07", "A\rB\nC\x7f\xff",
	    long_word, "=", ";;;", "-", "RCPTMAX=" };
	struct ss_buf	out;
	size_t		k, i, j;

	(void)state;
	memset(long_word, 'Z', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	for (k = 0; k < SS_NITEMS(keywords); k++) {
		for (i = 0; i < SS_NITEMS(inputs); i++) {
			ss_buf_init(&out);
			ss_kb_describe_params(keywords[k], inputs[i], &out);
			assert_true(out.len < 200);
			for (j = 0; j < out.len; j++) {
				assert_true(out.data[j] >= 0x20 &&
				    out.data[j] < 0x7f);
			}
			ss_buf_finish(&out);
		}
	}
}

static void
test_explain(void **state)
{
	static const struct {
		const char	*token;
		const char	*want[4];
	} cases[] = {
		{ "5.7.8", { "5.7.8 - Authentication credentials invalid "
		    "(registered as X.7.8)",
		    "RFC 4954", "Class 5", "Subject 7" } },
		{ "530", { "530 - ", "SMTP reply code", "5xx: permanent" } },
		{ "starttls", { "STARTTLS - ", "RFC 3207", "EHLO again" } },
		{ "PLAIN", { "SASL mechanism", "Safe without TLS: no" } },
		{ "LOGIN", { "no RFC" } },
		{ "2.1.5", { "Class 2, success", "Subject 1, addressing",
		    "accepted" } },
		{ "4.7.1", { "Class 4, temporary", "greylisting" } },
	};
	struct ss_buf	out;
	size_t		i, j;

	(void)state;
	for (i = 0; i < SS_NITEMS(cases); i++) {
		ss_buf_init(&out);
		assert_int_equal(ss_kb_explain(cases[i].token, &out), 0);
		for (j = 0; j < 4 && cases[i].want[j] != NULL; j++) {
			if (strstr(out.data, cases[i].want[j]) == NULL) {
				fail_msg("explain %s: want '%s' in '%s'",
				    cases[i].token, cases[i].want[j],
				    out.data);
			}
		}
		ss_buf_finish(&out);
	}
	/* A class or subject entry is not explained twice over. */
	ss_buf_init(&out);
	assert_int_equal(ss_kb_explain("5.X.X", &out), 0);
	assert_non_null(strstr(out.data, "Class 5"));
	assert_null(strstr(strstr(out.data, "Class 5") + 1, "Class 5"));
	ss_buf_finish(&out);
	ss_buf_init(&out);
	assert_int_equal(ss_kb_explain("BOGUS-TOKEN", &out), -1);
	assert_int_equal(out.len, 0);
	ss_buf_finish(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keywords_cover_reference),
		cmocka_unit_test(test_replies_cover_reference),
		cmocka_unit_test(test_enhanced_cover_reference),
		cmocka_unit_test(test_enhanced_classes_and_subjects),
		cmocka_unit_test(test_mechanisms_cover_reference),
		cmocka_unit_test(test_tables_consistent),
		cmocka_unit_test(test_important_entries_have_detail),
		cmocka_unit_test(test_lookup_detects_kind),
		cmocka_unit_test(test_describe_params),
		cmocka_unit_test(test_describe_params_hostile),
		cmocka_unit_test(test_explain),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
