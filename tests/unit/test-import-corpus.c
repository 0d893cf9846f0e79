/*
 * test-import-corpus.c: every sample of tests/data/import/corpus, each a
 * pasted log (NAME.txt) and what importing it must give (NAME.expect):
 *
 *	format phpmailer		the format detected
 *	caps before_tls SIZE STARTTLS	exactly these keywords in that phase
 *	caps after_tls -		no EHLO answered in that phase
 *	findings starttls-... ...	exactly these finding IDs ("-": none)
 *	secret cGFzc3dvcmQ=		text that must not survive the import
 *	host smtp.example.org		the host metadata
 *
 * A new sample is a new pair of files.  The directory is
 * $SMTPSCOPE_IMPORT_DATA/corpus.
 */

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#include "transcript-holds.h"

/* The corpus directory. */
static const char *
corpus_dir(void)
{
	static char	 dir[4096];
	const char	*env, *slash;

	if (dir[0] != '\0') {
		return dir;
	}
	if ((env = getenv("SMTPSCOPE_IMPORT_DATA")) != NULL && *env != '\0') {
		snprintf(dir, sizeof(dir), "%s/corpus", env);
	} else {
		slash = strrchr(__FILE__, '/');
		snprintf(dir, sizeof(dir), "%.*s/../data/import/corpus",
		    slash != NULL ? (int)(slash - __FILE__) : 1,
		    slash != NULL ? __FILE__ : ".");
	}
	return dir;
}

/* A file's bytes; fails the test when it cannot be read. */
static void
read_all(const char *path, struct ss_buf *out)
{
	char	 chunk[4096];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fail_msg("cannot open %s", path);
	}
	ss_buf_init(out);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		ss_buf_add(out, chunk, n);
	}
	fclose(f);
}

/* The words of a set, sorted and space-joined, for comparison. */
static int
word_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the space-separated words of s in place (into out). */
static void
sorted_words(const char *s, struct ss_buf *out)
{
	char	*copy = xstrdup(s), *w[256], *save = NULL, *p;
	size_t	 n = 0, i;

	for (p = strtok_r(copy, " ", &save); p != NULL && n < 256;
	    p = strtok_r(NULL, " ", &save)) {
		if (strcmp(p, "-") != 0) {
			w[n++] = p;
		}
	}
	qsort(w, n, sizeof(*w), word_cmp);
	ss_buf_reset(out);
	for (i = 0; i < n; i++) {
		ss_buf_printf(out, "%s%s", i > 0 ? " " : "", w[i]);
	}
	free(copy);
}

/* The keywords of a phase, or "-" when no EHLO was answered there. */
static void
phase_words(const struct ss_dialog *d, const char *phase, struct ss_buf *out)
{
	const struct ss_caps	*c = NULL;
	struct ss_buf		 raw;
	size_t			 i;

	for (i = 0; i < SS_PHASE_LAST; i++) {
		if (strcmp(ss_phase_names[i], phase) == 0) {
			c = ss_dialog_caps(d, (enum ss_phase)i);
			break;
		}
	}
	if (i == SS_PHASE_LAST) {
		fail_msg("unknown phase %s", phase);
	}
	ss_buf_init(&raw);
	ss_buf_adds(&raw, c == NULL ? "-" : "");
	for (i = 0; c != NULL && i < c->ncaps; i++) {
		ss_buf_printf(&raw, " %s", c->caps[i].keyword);
	}
	sorted_words(raw.data, out);
	if (c == NULL) {
		ss_buf_reset(out);
		ss_buf_adds(out, "-");
	}
	ss_buf_finish(&raw);
}

/* The IDs of the findings, sorted. */
static void
finding_words(const struct ss_transcript *t, const struct ss_dialog *d,
    struct ss_buf *out)
{
	struct ss_findings	*fs = ss_findings_run(t, d, NULL);
	struct ss_buf		 raw;
	size_t			 i;

	ss_buf_init(&raw);
	for (i = 0; i < ss_findings_count(fs); i++) {
		const char *m = ss_findings_at(fs, i)->message;

		ss_buf_printf(&raw, " %s", ss_findings_at(fs, i)->id);
		/* A value the log did not give is not left blank ("issued
		 * by , which"): a user reads these words. */
		if (strstr(m, " , ") != NULL || strstr(m, " . ") != NULL ||
		    strstr(m, "  ") != NULL || strstr(m, "()") != NULL) {
			fail_msg("%s: a blank in its words: %s",
			    ss_findings_at(fs, i)->id, m);
		}
	}
	sorted_words(raw.data, out);
	ss_buf_finish(&raw);
	ss_findings_free(fs);
}

/* Check one expectation line against the import. */
static void
check_line(const char *name, const char *line, enum ss_import_format got,
    const struct ss_transcript *t, const struct ss_dialog *d)
{
	struct ss_buf	 have, want;
	const char	*sp = strchr(line, ' '), *arg = sp != NULL ? sp + 1 : "";
	const char	*v;
	char		 phase[32];

	ss_buf_init(&have);
	ss_buf_init(&want);
	if (strncmp(line, "format ", 7) == 0) {
		if (got >= SS_IMPORT_FORMAT_LAST ||
		    strcmp(ss_import_format_names[got], arg) != 0) {
			fail_msg("%s: detected as %s, expected %s", name,
			    got < SS_IMPORT_FORMAT_LAST ?
			    ss_import_format_names[got] : "nothing", arg);
		}
	} else if (strncmp(line, "caps ", 5) == 0 &&
	    sscanf(arg, "%31s", phase) == 1) {
		phase_words(d, phase, &have);
		v = strchr(arg, ' ');
		sorted_words(v != NULL ? v + 1 : "-", &want);
		if (want.len == 0) {
			ss_buf_adds(&want, "-");
		}
		if (strcmp(have.data, want.data) != 0) {
			fail_msg("%s: %s keywords \"%s\", expected \"%s\"", name,
			    phase, have.data, want.data);
		}
	} else if (strncmp(line, "findings", 8) == 0) {
		finding_words(t, d, &have);
		sorted_words(arg, &want);
		if (strcmp(have.data, want.data) != 0) {
			fail_msg("%s: findings \"%s\", expected \"%s\"", name,
			    have.data, want.data);
		}
	} else if (strncmp(line, "secret ", 7) == 0) {
		if (anywhere(t, arg)) {
			fail_msg("%s: secret %s survived the import", name, arg);
		}
	} else if (strncmp(line, "host ", 5) == 0) {
		v = ss_transcript_meta(t, "host");
		if (v == NULL || strcmp(v, arg) != 0) {
			fail_msg("%s: host %s, expected %s", name,
			    v != NULL ? v : "(none)", arg);
		}
	} else if (line[0] != '#' && line[0] != '\0') {
		fail_msg("%s: unknown expectation \"%s\"", name, line);
	}
	ss_buf_finish(&have);
	ss_buf_finish(&want);
}

/* One sample against its expectations. */
static void
check_sample(const char *dir, const char *base)
{
	struct ss_buf		 text, expect;
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	enum ss_import_format	 got;
	char			 path[4400], *err = NULL, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/%s.txt", dir, base);
	read_all(path, &text);
	snprintf(path, sizeof(path), "%s/%s.expect", dir, base);
	read_all(path, &expect);
	got = ss_import_detect(text.data, text.len);
	t = ss_import(text.data, text.len, SS_IMPORT_FORMAT_LAST, base, &err);
	if (t == NULL) {
		fail_msg("%s: %s", base, err);
	}
	d = ss_dialog_build(t, SIZE_MAX);
	for (line = strtok_r(expect.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		check_line(base, line, got, t, d);
	}
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
	ss_buf_finish(&text);
	ss_buf_finish(&expect);
}

/* Every NAME.txt with a NAME.expect; at least one per format. */
static void
test_corpus(void **state)
{
	DIR		*dp;
	struct dirent	*de;
	char		 base[256];
	size_t		 n, count = 0;

	(void)state;
	if ((dp = opendir(corpus_dir())) == NULL) {
		fail_msg("cannot open %s", corpus_dir());
	}
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n < 8 || n - 7 >= sizeof(base) ||
		    strcmp(de->d_name + n - 7, ".expect") != 0) {
			continue;
		}
		snprintf(base, sizeof(base), "%.*s", (int)(n - 7), de->d_name);
		check_sample(corpus_dir(), base);
		count++;
	}
	closedir(dp);
	print_message("%zu samples checked\n", count);
	assert_true(count >= SS_IMPORT_FORMAT_LAST - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
