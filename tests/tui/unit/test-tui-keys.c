/*
 * test-tui-keys.c: the key table.  Every action a user can take has a key
 * and a note; no key has two meanings in one mode: n/N move between search
 * matches only while a search is active (n is NOOP otherwise), and in a
 * replay Space/n, Backspace/p and Home/End move the step cursor; the help
 * overlay, generated from the table, lists every key, every note and the
 * probes.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui-int.h"

/* Every action but NONE is bound and has a note. */
static void
test_keys_every_action_bound(void **state)
{
	int	a;

	(void)state;
	for (a = 1; a < TUI_ACT_LAST; a++) {
		assert_non_null(tui_keys_label(a));
		assert_true(strlen(tui_actions[a].note) > 5);
		assert_true(strlen(tui_actions[a].label) > 0);
	}
}

/* A key has one meaning in each mode. */
static void
test_keys_no_clash(void **state)
{
	const struct tui_binding	*a, *b;
	size_t				 i, j;

	(void)state;
	for (i = 0; i < tui_keys_count(); i++) {
		for (j = i + 1; j < tui_keys_count(); j++) {
			a = tui_keys_at(i);
			b = tui_keys_at(j);
			if (a->key != b->key) {
				continue;
			}
			assert_int_not_equal(a->mode, b->mode);
		}
	}
}

/* Replay: the stepping keys win; the protocol keys keep their actions
 * (tui_do refuses them); a search still owns n. */
static void
test_keys_replay_resolution(void **state)
{
	static const struct {
		int		key;
		unsigned	modes;
		enum tui_action	action;
	} want[] = {
		{ ' ', TUI_KEYMODE_REPLAY, TUI_ACT_STEP_NEXT },
		{ 'n', TUI_KEYMODE_REPLAY, TUI_ACT_STEP_NEXT },
		{ 'p', TUI_KEYMODE_REPLAY, TUI_ACT_STEP_PREV },
		{ 127, TUI_KEYMODE_REPLAY, TUI_ACT_STEP_PREV },
		{ KEY_BACKSPACE, TUI_KEYMODE_REPLAY, TUI_ACT_STEP_PREV },
		{ KEY_HOME, TUI_KEYMODE_REPLAY, TUI_ACT_STEP_FIRST },
		{ KEY_END, TUI_KEYMODE_REPLAY, TUI_ACT_STEP_LAST },
		{ 'g', TUI_KEYMODE_REPLAY, TUI_ACT_TOP },
		{ 'e', TUI_KEYMODE_REPLAY, TUI_ACT_EHLO },
		{ 'n', TUI_KEYMODE_REPLAY | TUI_KEYMODE_SEARCH,
		    TUI_ACT_SEARCH_NEXT },
		{ ' ', 0, TUI_ACT_PAGE_DOWN },
		{ 'p', 0, TUI_ACT_NONE },
		{ KEY_HOME, 0, TUI_ACT_TOP },
		{ 'w', 0, TUI_ACT_SAVE },
		{ 'f', 0, TUI_ACT_FINDINGS },
		{ 'x', 0, TUI_ACT_EXPLAIN_MODE },
		{ 'L', 0, TUI_ACT_LESSON },
		{ 'I', 0, TUI_ACT_PROBE_INJECT },
		{ 'V', 0, TUI_ACT_VRFY },
		{ 'E', 0, TUI_ACT_EXPN },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < SS_NITEMS(want); i++) {
		assert_int_equal(tui_keys_lookup(want[i].key, want[i].modes),
		    want[i].action);
	}
}

/* Every probe is bound, and the help says they break the rules on
 * purpose. */
static void
test_keys_help_probes(void **state)
{
	struct tui_config	 cfg;
	struct tui_grid		*g;
	struct tui		 t;
	char			*dump;
	size_t			 i;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	tui_init(&t, &cfg);
	tui_resize(&t, 160, 90);
	g = tui_grid_create(160, 90);
	tui_key(&t, '?');
	tui_draw(&t, tui_grid_canvas(g));
	dump = tui_grid_dump(g);
	assert_non_null(strstr(dump, "break the rules on purpose"));
	for (i = 0; i < tui_probes_count(); i++) {
		assert_non_null(tui_keys_label(tui_probes_at(i)->action));
		assert_non_null(strstr(dump,
		    tui_actions[tui_probes_at(i)->action].label));
	}
	assert_non_null(strstr(dump, "CVE-2011-0411"));
	free(dump);
	tui_grid_destroy(g);
	tui_finish(&t);
}

/* The issue's keys do what it says. */
static void
test_keys_issue_bindings(void **state)
{
	static const struct {
		int		key;
		enum tui_action	action;
	} want[] = {
		{ 'c', TUI_ACT_CONNECT }, { 'e', TUI_ACT_EHLO },
		{ 'h', TUI_ACT_HELO }, { 's', TUI_ACT_STARTTLS },
		{ 'a', TUI_ACT_AUTH }, { 'm', TUI_ACT_MAIL },
		{ 'r', TUI_ACT_RCPT }, { 'D', TUI_ACT_DATA },
		{ 'R', TUI_ACT_RSET }, { 'n', TUI_ACT_NOOP },
		{ 'Q', TUI_ACT_SEND_QUIT }, { ':', TUI_ACT_RAW },
		{ 'q', TUI_ACT_QUIT }, { '?', TUI_ACT_HELP },
		{ 27, TUI_ACT_CANCEL }, { 'j', TUI_ACT_DOWN },
		{ 'k', TUI_ACT_UP }, { 'g', TUI_ACT_TOP },
		{ 'G', TUI_ACT_BOTTOM }, { '\t', TUI_ACT_FOCUS },
		{ '/', TUI_ACT_SEARCH }, { 'v', TUI_ACT_COMPARE },
		{ 't', TUI_ACT_CERT }, { 12, TUI_ACT_REDRAW },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < SS_NITEMS(want); i++) {
		assert_int_equal(tui_keys_lookup(want[i].key, 0),
		    want[i].action);
	}
}

/* n and N: NOOP and nothing normally, next and previous match while a
 * search is active. */
static void
test_keys_search_resolution(void **state)
{
	(void)state;
	assert_int_equal(tui_keys_lookup('n', 0), TUI_ACT_NOOP);
	assert_int_equal(tui_keys_lookup('N', 0), TUI_ACT_NONE);
	assert_int_equal(tui_keys_lookup('n', 1), TUI_ACT_SEARCH_NEXT);
	assert_int_equal(tui_keys_lookup('N', 1), TUI_ACT_SEARCH_PREV);
	assert_int_equal(tui_keys_lookup('e', 1), TUI_ACT_EHLO);
}

/* The help overlay shows every key label and every note of the table. */
static void
test_keys_help_lists_everything(void **state)
{
	struct tui_config	 cfg;
	struct tui_grid		*g;
	struct tui		 t;
	char			*dump, line[64];
	size_t			 i;
	int			 a;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	tui_init(&t, &cfg);
	tui_resize(&t, 160, 70);
	g = tui_grid_create(160, 70);
	tui_key(&t, '?');
	assert_int_equal(t.overlay, TUI_OVERLAY_HELP);
	tui_draw(&t, tui_grid_canvas(g));
	dump = tui_grid_dump(g);
	for (i = 0; i < tui_keys_count(); i++) {
		assert_non_null(strstr(dump, tui_keys_at(i)->label));
	}
	for (a = 1; a < TUI_ACT_LAST; a++) {
		/* Notes may wrap: look for their first words. */
		snprintf(line, sizeof line, "%.30s", tui_actions[a].note);
		assert_non_null(strstr(dump, line));
	}
	free(dump);
	/* Esc closes it. */
	tui_key(&t, 27);
	assert_int_equal(t.overlay, TUI_OVERLAY_NONE);
	tui_grid_destroy(g);
	tui_finish(&t);
}

/* A short help still reaches its end by scrolling. */
static void
test_keys_help_scrolls(void **state)
{
	struct tui_config	 cfg;
	struct tui_grid		*g;
	struct tui		 t;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	tui_init(&t, &cfg);
	tui_resize(&t, 80, 24);
	g = tui_grid_create(80, 24);
	tui_key(&t, '?');
	tui_draw(&t, tui_grid_canvas(g));
	assert_int_equal(tui_grid_find(g, "quit smtpscope", NULL), -1);
	tui_key(&t, 'G');
	tui_grid_clear(g);
	tui_draw(&t, tui_grid_canvas(g));
	assert_true(tui_grid_find(g, "quit smtpscope", NULL) > 0);
	tui_grid_destroy(g);
	tui_finish(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_every_action_bound),
		cmocka_unit_test(test_keys_no_clash),
		cmocka_unit_test(test_keys_issue_bindings),
		cmocka_unit_test(test_keys_search_resolution),
		cmocka_unit_test(test_keys_replay_resolution),
		cmocka_unit_test(test_keys_help_probes),
		cmocka_unit_test(test_keys_help_lists_everything),
		cmocka_unit_test(test_keys_help_scrolls),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
