/*
 * test-findings-cache.c: the incremental findings (ss_findings_cache_run)
 * are the from-scratch findings (ss_findings_run) at every prefix of real
 * sessions, whichever way the prefix moves: forwards, backwards, jumps,
 * and a transcript that grows as a live one does.
 *
 * The sessions: every demo profile, driven over loopback (connect, EHLO,
 * STARTTLS, EHLO, AUTH, a message, QUIT), each on its own and all of them
 * one after the other in one transcript (more connections than a
 * checkpoint spans), saved to a file and loaded back; and every paste
 * under tests/data/import (SMTPSCOPE_IMPORT_DATA), imported; and every
 * lesson under doc/lessons (SMTPSCOPE_LESSONS), as the explorer replays
 * them.  The reference at each prefix is judged from scratch: a copy of
 * the prefix alone, its dialog built anew, so neither the cache nor the
 * views of a full dialog are trusted.  The certificate rules are among
 * those compared (several profiles present a bad certificate).
 */

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "smtpscope/demo.h"
#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/import.h"
#include "smtpscope/session.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* Fail unless two findings are the same, field by field. */
static void
findings_same(const struct ss_findings *a, const struct ss_findings *b,
    const char *name, size_t n, const char *how)
{
	const struct ss_finding	*x, *y;
	const struct ss_setup	*s, *u;
	size_t			 i;

	if (ss_findings_count(a) != ss_findings_count(b)) {
		fail_msg("%s, prefix %zu (%s): %zu findings from scratch, %zu "
		    "incremental", name, n, how, ss_findings_count(a),
		    ss_findings_count(b));
	}
	for (i = 0; i < ss_findings_count(a); i++) {
		x = ss_findings_at(a, i);
		y = ss_findings_at(b, i);
		if (strcmp(x->id, y->id) != 0 || x->severity != y->severity ||
		    strcmp(x->message, y->message) != 0 ||
		    x->nevents != y->nevents || memcmp(x->events, y->events,
		    x->nevents * sizeof(*x->events)) != 0) {
			fail_msg("%s, prefix %zu (%s): finding %zu differs: "
			    "%s (%zu events) vs %s (%zu events)", name, n, how,
			    i, x->id, x->nevents, y->id, y->nevents);
		}
	}
	assert_int_equal(ss_findings_setup_count(a), ss_findings_setup_count(b));
	for (i = 0; i < ss_findings_setup_count(a); i++) {
		s = ss_findings_setup(a, i);
		u = ss_findings_setup(b, i);
		if (s->verdict != u->verdict ||
		    strcmp(s->reason, u->reason) != 0 ||
		    s->nevents != u->nevents || memcmp(s->events, u->events,
		    s->nevents * sizeof(*s->events)) != 0) {
			fail_msg("%s, prefix %zu (%s): set-up %s differs",
			    name, n, how, s->id);
		}
	}
}

/* The dialog's lines and exchanges come in the order of their events
 * (the bisection that finds a connection's share relies on it). */
static void
dialog_in_order(const struct ss_dialog *d, const char *name)
{
	size_t	i;

	for (i = 1; i < ss_dialog_line_count(d); i++) {
		if (ss_dialog_line(d, i)->event <
		    ss_dialog_line(d, i - 1)->event) {
			fail_msg("%s: line %zu out of order", name, i);
		}
	}
	for (i = 1; i < ss_dialog_exchange_count(d); i++) {
		if (ss_dialog_exchange(d, i)->cmd_event <
		    ss_dialog_exchange(d, i - 1)->cmd_event) {
			fail_msg("%s: exchange %zu out of order", name, i);
		}
	}
}

/* A new transcript of the first n events of t and its metadata. */
static struct ss_transcript *
prefix_copy(const struct ss_transcript *t, size_t n)
{
	struct ss_transcript	*c = ss_transcript_create();
	const struct ss_event	*e;
	const char		*k, *v;
	size_t			 i;

	for (i = 0; i < ss_transcript_meta_count(t); i++) {
		ss_transcript_meta_at(t, i, &k, &v);
		ss_transcript_set_meta(c, k, v);
	}
	for (i = 0; i < n; i++) {
		e = ss_transcript_get(t, i);
		ss_transcript_append(c, e->t_us, e->dir, e->kind, e->flags,
		    e->data, e->len);
	}
	return c;
}

/* The findings of the first n events judged from scratch: the prefix
 * alone, with a dialog of its own. */
static struct ss_findings *
findings_scratch(const struct ss_transcript *t, size_t n)
{
	struct ss_transcript	*c = prefix_copy(t, n);
	struct ss_findings	*f = ss_findings_run(c, NULL, NULL);

	ss_transcript_destroy(c);
	return f;
}

/* Did any prefix find a certificate rule? */
static size_t certificate_findings;

static void
count_certificate_findings(const struct ss_findings *f)
{
	size_t	i;

	for (i = 0; i < ss_findings_count(f); i++) {
		if (strncmp(ss_findings_at(f, i)->id, "cert-", 5) == 0) {
			certificate_findings++;
		}
	}
}

/* The incremental findings of prefix n, compared with scratch[n]. */
static void
compare_at(struct ss_findings_cache *fc, const struct ss_transcript *t,
    const struct ss_dialog *full, struct ss_findings **scratch, size_t n,
    const char *name, const char *how)
{
	struct ss_dialog	*view = ss_dialog_view(full, t, n);
	struct ss_findings	*f;

	f = ss_findings_cache_run(fc, t, view, full);
	findings_same(scratch[n], f, name, n, how);
	ss_findings_free(f);
	ss_dialog_destroy(view);
}

/* The transcript grown event by event, as a live session's is, judged
 * on its own dialog at every event. */
static void
compare_live(const struct ss_transcript *t, struct ss_findings **scratch,
    const char *name)
{
	struct ss_transcript		*live = prefix_copy(t, 0);
	struct ss_dialog		*d = ss_dialog_create();
	struct ss_findings_cache	*fc = ss_findings_cache_create(NULL);
	const struct ss_event		*e;
	struct ss_findings		*f;
	size_t				 i, n = ss_transcript_count(t);

	for (i = 0; i < n; i++) {
		e = ss_transcript_get(t, i);
		ss_transcript_append(live, e->t_us, e->dir, e->kind, e->flags,
		    e->data, e->len);
		ss_dialog_feed(d, ss_transcript_get(live, i));
		f = ss_findings_cache_run(fc, live, d, NULL);
		findings_same(scratch[i + 1], f, name, i + 1, "live");
		ss_findings_free(f);
	}
	ss_findings_cache_destroy(fc);
	ss_dialog_destroy(d);
	ss_transcript_destroy(live);
}

/* Every prefix of t: from scratch, then incrementally forwards, backwards,
 * in jumps, and growing. */
static void
compare_session(const struct ss_transcript *t, const char *name)
{
	struct ss_findings_cache	*fc = ss_findings_cache_create(NULL);
	struct ss_findings		**scratch, *f;
	struct ss_dialog		*full, *view;
	size_t				 n = ss_transcript_count(t), i, k;
	uint32_t			 seed = 12345;

	full = ss_dialog_build(t, n);
	dialog_in_order(full, name);
	scratch = calloc(n + 1, sizeof(*scratch));
	assert_non_null(scratch);
	for (i = 0; i <= n; i++) {
		scratch[i] = findings_scratch(t, i);
		count_certificate_findings(scratch[i]);
		/* What the explorer's full judgement gives (views of the
		 * full dialog) is the same. */
		view = ss_dialog_view(full, t, i);
		f = ss_findings_run(t, view, NULL);
		findings_same(scratch[i], f, name, i, "views");
		ss_findings_free(f);
		ss_dialog_destroy(view);
	}
	for (i = 0; i <= n; i++) {
		compare_at(fc, t, full, scratch, i, name, "forwards");
	}
	for (i = n + 1; i-- > 0;) {
		compare_at(fc, t, full, scratch, i, name, "backwards");
	}
	for (k = 0; k < n; k++) {
		seed = seed * 1103515245u + 12345u;
		compare_at(fc, t, full, scratch, (seed >> 8) % (n + 1), name,
		    "jump");
	}
	ss_findings_cache_destroy(fc);
	/* A cache that only ever saw the last prefix. */
	fc = ss_findings_cache_create(NULL);
	compare_at(fc, t, full, scratch, n, name, "cold");
	ss_findings_cache_destroy(fc);
	compare_live(t, scratch, name);
	for (i = 0; i <= n; i++) {
		ss_findings_free(scratch[i]);
	}
	free(scratch);
	ss_dialog_destroy(full);
}

/* One session against a demo profile, as far as it goes. */
static struct ss_transcript *
demo_transcript(const struct ss_demo_profile *p)
{
	static const enum ss_step steps[] = {
		SS_STEP_CONNECT, SS_STEP_EHLO, SS_STEP_STARTTLS, SS_STEP_EHLO,
		SS_STEP_AUTH, SS_STEP_MAIL, SS_STEP_RCPT, SS_STEP_DATA,
		SS_STEP_QUIT,
	};
	struct ss_demo_config		 dcfg;
	struct ss_session_config	 cfg;
	struct ss_demo			*demo;
	struct ss_session		*s;
	struct ss_transcript		*t, *copy;
	const struct ss_event		*e;
	char				*err = NULL;
	int				 implicit;
	size_t				 i;

	memset(&dcfg, 0, sizeof(dcfg));
	dcfg.listen = "127.0.0.1:0";
	dcfg.profile = ss_demo_profile_name(p);
	if ((demo = ss_demo_create(&dcfg, &err)) == NULL) {
		fail_msg("demo %s: %s", dcfg.profile, err);
	}
	assert_int_equal(ss_demo_start_thread(demo, &err), 0);
	implicit = ss_demo_profile_implicit_tls(p);
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = ss_demo_address(demo);
	cfg.port = ss_demo_port(demo);
	cfg.servername = "localhost";
	cfg.implicit_tls = implicit;
	cfg.tls.ca_pem = ss_demo_ca_pem(demo);
	cfg.tls.min_version = SS_TLS_1_2;
	cfg.timeout_ms = 5000;
	cfg.user = ss_demo_user(demo);
	cfg.password = ss_demo_password(demo);
	cfg.mail_from = "alice@example.org";
	cfg.rcpt_to = "bob@example.org";
	if ((s = ss_session_create(&cfg, &err)) == NULL) {
		fail_msg("session: %s", err);
	}
	for (i = 0; i < SS_NITEMS(steps); i++) {
		if (implicit && steps[i] == SS_STEP_STARTTLS) {
			continue;
		}
		if (ss_session_run(s, steps[i], NULL) != SS_RESULT_OK) {
			break;
		}
	}
	t = ss_session_transcript(s);
	copy = ss_transcript_create();
	for (i = 0; i < ss_transcript_count(t); i++) {
		e = ss_transcript_get(t, i);
		ss_transcript_append(copy, e->t_us, e->dir, e->kind, e->flags,
		    e->data, e->len);
	}
	ss_session_destroy(s);
	ss_demo_destroy(demo);
	return copy;
}

/* Append every event of from to into. */
static void
transcript_cat(struct ss_transcript *into, const struct ss_transcript *from)
{
	const struct ss_event	*e;
	size_t			 i;

	for (i = 0; i < ss_transcript_count(from); i++) {
		e = ss_transcript_get(from, i);
		ss_transcript_append(into, e->t_us, e->dir, e->kind, e->flags,
		    e->data, e->len);
	}
}

/* Each demo profile alone, then all in one saved session. */
static void
test_demo_profiles(void **state)
{
	struct ss_transcript	*all = ss_transcript_create(), *t, *back;
	char			 path[] = "/tmp/test-findings-cache-XXXXXX";
	char			*err = NULL;
	size_t			 i;
	int			 fd;

	(void)state;
	for (i = 0; i < ss_demo_profile_count(); i++) {
		t = demo_transcript(ss_demo_profile_at(i));
		compare_session(t, ss_demo_profile_name(ss_demo_profile_at(i)));
		transcript_cat(all, t);
		ss_transcript_destroy(t);
	}
	assert_true(ss_demo_profile_count() > 16);	/* past a checkpoint */
	assert_true(certificate_findings > 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	if (ss_store_save(all, path, &err) != 0) {
		fail_msg("save: %s", err);
	}
	back = ss_store_load(path, SS_IMPORT_FORMAT_LAST, &err);
	unlink(path);
	if (back == NULL) {
		fail_msg("load: %s", err);
	}
	assert_int_equal(ss_transcript_count(back), ss_transcript_count(all));
	compare_session(back, "every profile, saved and loaded");
	ss_transcript_destroy(back);
	ss_transcript_destroy(all);
}

/* Load every session or paste in a directory and compare it. */
static size_t
compare_imports(const char *dir)
{
	struct ss_transcript	*t;
	struct dirent		*de;
	DIR			*dp;
	char			 path[4096];
	char			*err;
	size_t			 n = 0;

	if ((dp = opendir(dir)) == NULL) {
		fail_msg("%s: cannot open", dir);
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || strchr(de->d_name, '.') == NULL) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		err = NULL;
		t = ss_store_load(path, SS_IMPORT_FORMAT_LAST, &err);
		if (t == NULL) {
			free(err);	/* not every file is a paste we read */
			continue;
		}
		compare_session(t, de->d_name);
		ss_transcript_destroy(t);
		n++;
	}
	closedir(dp);
	return n;
}

/* Every paste of the import tests and of their corpus. */
static void
test_imports(void **state)
{
	const char	*dir = getenv("SMTPSCOPE_IMPORT_DATA");
	char		 corpus[4096];

	(void)state;
	if (dir == NULL) {
		skip();
	}
	assert_true(compare_imports(dir) >= 5);
	snprintf(corpus, sizeof(corpus), "%s/corpus", dir);
	assert_true(compare_imports(corpus) >= 5);
}

/* Every lesson a teacher replays. */
static void
test_lessons(void **state)
{
	const char	*dir = getenv("SMTPSCOPE_LESSONS");
	size_t		 before = certificate_findings;

	(void)state;
	if (dir == NULL) {
		skip();
	}
	assert_true(compare_imports(dir) >= 4);
	assert_true(certificate_findings > before);	/* expired-cert */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_profiles),
		cmocka_unit_test(test_imports),
		cmocka_unit_test(test_lessons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
