/*
 * test-tui-ports.c: the usual ports one key away (issue 5), against the
 * real demo server and a real session, drawn into the in-memory canvas.
 *
 * 1, 2 and 3 retarget the session to 25, 587 and 465 (465 with TLS from
 * the first byte) and connect; 0 goes back to the port smtpscope started
 * with.  The header shows the port the next connect uses; a port nobody
 * listens on is reported in words and the session lives on.  The MX
 * choice before the explorer, drawn into the grid.  Also: notes
 * written before the first connect (the MX lookup's) show in the wire pane
 * in the note role, and the header keeps its essential pieces at 80 and
 * 60 columns.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curses.h>
#include <locale.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtpscope/demo.h"
#include "smtpscope/session.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define STEP_WAIT_US	10000000	/* a step against 127.0.0.1 */
#define MX_NOTE		"MX for example.test: 10 mx1.example.test, " \
			"20 mx2.example.test"

struct fixture {
	struct ss_demo		*demo;
	struct ss_session	*s;
	struct tui_config	 cfg;
	struct tui		 t;
	struct tui_grid		*g;
	char			 label[64];
	int			 demo_port;
};

/* Drive the session until the step ends, as the poll loop does. */
static void
run_step(struct fixture *f)
{
	struct pollfd	pfd;
	uint64_t	until = ss_now_us() + STEP_WAIT_US;
	int		ms, rc;

	tui_sync(&f->t);
	while (f->t.busy && ss_now_us() < until) {
		pfd.revents = 0;
		ms = ss_session_timeout(f->s);
		if (ms < 0 || ms > 100) {
			ms = 100;
		}
		if (ss_session_pollfd(f->s, &pfd)) {
			rc = poll(&pfd, 1, ms);
		} else {
			rc = poll(NULL, 0, ms);
		}
		ss_session_process(f->s, rc > 0 ? pfd.revents : 0);
		tui_sync(&f->t);
	}
	assert_false(f->t.busy);
}

/* Draw the screen afresh (TUI_TEST_DUMP=1 prints it). */
static void
draw(struct fixture *f)
{
	char	*dump;

	tui_grid_clear(f->g);
	tui_draw(&f->t, tui_grid_canvas(f->g));
	if (getenv("TUI_TEST_DUMP") != NULL) {
		dump = tui_grid_dump(f->g);
		fprintf(stderr, "%s\n", dump);
		free(dump);
	}
}

/* Does row y hold text? */
static int
row_has(struct fixture *f, int y, const char *text)
{
	char	*row = tui_grid_row(f->g, y);
	int	 found = row != NULL && strstr(row, text) != NULL;

	free(row);
	return found;
}

/* The demo server, a session aimed at it (not yet connected) with the
 * MX note the CLI writes first, and the explorer's state around both. */
static int
setup(void **state)
{
	struct ss_demo_config	 dc;
	struct ss_session_config sc;
	struct fixture		*f = calloc(1, sizeof *f);
	char			*err = NULL;

	assert_non_null(f);
	memset(&dc, 0, sizeof dc);
	dc.listen = "127.0.0.1:0";
	f->demo = ss_demo_create(&dc, &err);
	assert_non_null(f->demo);
	assert_int_equal(ss_demo_start_thread(f->demo, &err), 0);
	f->demo_port = ss_demo_port(f->demo);
	memset(&sc, 0, sizeof sc);
	sc.host = "127.0.0.1";
	sc.port = f->demo_port;
	sc.servername = "localhost";
	sc.tls.ca_pem = ss_demo_ca_pem(f->demo);
	sc.tls.min_version = SS_TLS_1_2;
	sc.timeout_ms = 5000;
	f->s = ss_session_create(&sc, &err);
	assert_non_null(f->s);
	ss_transcript_note(ss_session_transcript(f->s), 0, SS_DIR_INFO,
	    SS_KIND_NOTE, 0, "%s", MX_NOTE);
	snprintf(f->label, sizeof f->label, "localhost:%d (demo, default)",
	    f->demo_port);
	f->cfg.target_label = f->label;
	tui_init(&f->t, &f->cfg);
	f->t.session = f->s;
	tui_sync(&f->t);
	tui_resize(&f->t, 80, 24);
	f->g = tui_grid_create(80, 24);
	*state = f;
	return 0;
}

/* Tear everything down. */
static int
teardown(void **state)
{
	struct fixture	*f = *state;

	tui_finish(&f->t);
	tui_grid_destroy(f->g);
	ss_session_destroy(f->s);
	ss_demo_destroy(f->demo);
	free(f);
	return 0;
}

/* Does something accept connections on 127.0.0.1 port? */
static int
port_open(int port)
{
	struct sockaddr_in	sin;
	int			fd, rc;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		return 0;
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
	close(fd);
	return rc == 0;
}

/* Each key sets the port (and implicit TLS for 465) in the session and
 * starts a connect; the header shows the new port. */
static void
test_keys_retarget_session(void **state)
{
	static const struct {
		int	 key;
		int	 port;
		int	 implicit;
		char	 header[32];
	} want[] = {
		{ '1', 25, 0, "port 25 " },
		{ '2', 587, 0, "port 587 " },
		{ '3', 465, 1, "port 465 implicit TLS" },
	};
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < SS_NITEMS(want); i++) {
		tui_key(&f->t, want[i].key);
		assert_int_equal(ss_session_port(f->s), want[i].port);
		assert_int_equal(ss_session_implicit_tls(f->s),
		    want[i].implicit);
		run_step(f);
		draw(f);
		assert_true(row_has(f, 0, want[i].header));
	}
}

/* A port nobody listens on: "connection refused" in words on the status
 * line, the note of the change in the wire pane, and 0 brings the session
 * back to the demo's port, where the banner comes again. */
static void
test_refused_then_back(void **state)
{
	struct fixture	*f = *state;
	char		 want[64];
	int		 y;

	if (port_open(587)) {
		skip();		/* something here listens on 587 */
	}
	tui_key(&f->t, '2');
	run_step(f);
	draw(f);
	y = f->t.layout.status.y;
	assert_true(row_has(f, y, "connection refused"));
	assert_int_not_equal(tui_grid_find(f->g, "target changed to port 587",
	    NULL), -1);
	assert_true(row_has(f, 0, "port 587"));
	/* The label no longer claims the old port. */
	snprintf(want, sizeof want, ":%d", f->demo_port);
	assert_false(row_has(f, 0, want));

	tui_key(&f->t, '0');
	assert_int_equal(ss_session_port(f->s), f->demo_port);
	assert_int_equal(ss_session_implicit_tls(f->s), 0);
	run_step(f);
	assert_int_equal(f->t.state, SS_STATE_READY);
	draw(f);
	snprintf(want, sizeof want, "port %d ", f->demo_port);
	assert_true(row_has(f, 0, want));
	assert_true(row_has(f, 0, "ready"));
}

/* While a step runs the port cannot change: the status line says why
 * and the session keeps its port. */
static void
test_busy_keeps_port(void **state)
{
	struct fixture	*f = *state;

	tui_key(&f->t, 'c');
	tui_sync(&f->t);
	if (!f->t.busy) {
		skip();		/* the connect ended at once */
	}
	tui_key(&f->t, '2');
	assert_int_equal(ss_session_port(f->s), f->demo_port);
	draw(f);
	assert_true(row_has(f, f->t.layout.status.y, "port 587:"));
	run_step(f);
}

/* Notes written before the first connect (the MX lookup's, by the CLI
 * straight into the transcript) are in the wire pane, in the note role,
 * before and after the connect, and the lines after them still point at
 * their own events (the banner's line is the banner's event). */
static void
test_early_notes_shown(void **state)
{
	struct fixture		*f = *state;
	const struct ss_line	*l;
	const struct ss_event	*ev;
	size_t			 i;
	int			 x, y, banner = 0;

	draw(f);
	y = tui_grid_find(f->g, "MX for example.test", &x);
	assert_int_not_equal(y, -1);
	assert_true(y > f->t.layout.wire.y);

	tui_key(&f->t, 'c');
	run_step(f);
	draw(f);
	/* Not selected any more (the last line is): its own role shows. */
	y = tui_grid_find(f->g, "MX for example.test", &x);
	assert_int_not_equal(y, -1);
	assert_int_equal(tui_grid_role(f->g, x, y), TUI_ROLE_NOTE);
	assert_int_not_equal(tui_grid_find(f->g, "S: 220 ", NULL), -1);
	for (i = 0; i < ss_dialog_line_count(f->t.dialog); i++) {
		l = ss_dialog_line(f->t.dialog, i);
		ev = ss_transcript_get(f->t.transcript, l->event);
		assert_non_null(ev);
		assert_int_equal(ev->dir, l->dir);
		if (l->dir == SS_DIR_SERVER && l->len >= 4 &&
		    memcmp(l->bytes, "220 ", 4) == 0) {
			assert_memory_equal(ev->data, "220 ", 4);
			banner = 1;
		}
	}
	assert_true(banner);
}

/* The help, generated from the key table, lists the four keys. */
static void
test_help_lists_port_keys(void **state)
{
	static const char *const want[] = {
		"reconnect on port 25", "reconnect on port 587",
		"reconnect on port 465", "reconnect on the port smtpscope",
	};
	struct fixture	*f = *state;
	struct tui_grid	*g = tui_grid_create(120, 80);
	size_t		 i;
	int		 y, x;

	tui_resize(&f->t, 120, 80);
	tui_do(&f->t, TUI_ACT_HELP);
	tui_draw(&f->t, tui_grid_canvas(g));
	for (i = 0; i < SS_NITEMS(want); i++) {
		y = tui_grid_find(g, want[i], &x);
		assert_int_not_equal(y, -1);
	}
	assert_int_equal(tui_keys_lookup('0', 0), TUI_ACT_PORT_START);
	tui_grid_destroy(g);
}

/* At 80 and at 60 columns, connected with TLS, the header keeps the
 * port, the state, the TLS version with its verdict and the findings;
 * a long label is what gets cut. */
static void
test_header_narrow(void **state)
{
	struct fixture	*f = *state;
	static const int cols[] = { 80, 60 };
	struct tui_grid	*g;
	char		*row, port[32];
	size_t		 i;

	f->cfg.target_label = "a-rather-long-mail-exchanger.example.org:25";
	tui_key(&f->t, 'c');
	run_step(f);
	tui_key(&f->t, 'e');
	run_step(f);
	tui_key(&f->t, 's');
	run_step(f);
	assert_int_equal(f->t.state, SS_STATE_READY);
	for (i = 0; i < SS_NITEMS(cols); i++) {
		g = tui_grid_create(cols[i], 24);
		tui_resize(&f->t, cols[i], 24);
		tui_draw(&f->t, tui_grid_canvas(g));
		row = tui_grid_row(g, 0);
		if (getenv("TUI_TEST_DUMP") != NULL) {
			fprintf(stderr, "%s\n", row);
		}
		/* At 80 columns there is room for the name too. */
		assert_true(cols[i] < 80 || strstr(row, "smtpscope") != NULL);
		assert_non_null(strstr(row, cols[i] < 80 ? "a-ra" :
		    "a-rather-lo"));
		snprintf(port, sizeof port, "%s%d ", cols[i] < 80 ? ":" :
		    "port ", f->demo_port);
		assert_non_null(strstr(row, port));
		assert_non_null(strstr(row, "ready"));
		assert_non_null(strstr(row, "TLSv1.3"));
		assert_non_null(strstr(row, "verified"));
		assert_true(strstr(row, "finding") != NULL ||
		    strstr(row, "info") != NULL ||
		    strstr(row, "warn") != NULL || strstr(row, "err") != NULL);
		free(row);
		tui_grid_destroy(g);
	}
}

/* The MX choice: best first and selected, j/Down move, Enter takes the
 * selection, a digit takes its row, q and Esc leave; names are drawn
 * escaped (they come from the DNS). */
static void
test_pick_keys_and_screen(void **state)
{
	static const char *const items[] = {
		"        10  mx1.example.test",
		"        20  mx2.example.test",
		"        30  evil\x1b]0;owned\x07.example.test",
	};
	struct tui_pick	 p;
	struct tui_grid	*g = tui_grid_create(80, 24);
	int		 x, y;

	(void)state;
	tui_pick_init(&p, "example.test has 3 mail exchangers", "why",
	    items, SS_NITEMS(items));
	tui_pick_draw(&p, tui_grid_canvas(g), 80, 24);
	y = tui_grid_find(g, "mx1.example.test", &x);
	assert_int_not_equal(y, -1);
	assert_int_equal(tui_grid_role(g, x, y), TUI_ROLE_SELECTED);
	assert_int_not_equal(tui_grid_find(g, "evil\\e]0;owned", NULL), -1);
	assert_int_equal(tui_grid_find(g, "\x1b", NULL), -1);

	assert_int_equal(tui_pick_key(&p, 'j'), TUI_PICK_MORE);
	assert_int_equal(tui_pick_key(&p, '\r'), 1);
	assert_int_equal(tui_pick_key(&p, KEY_DOWN), TUI_PICK_MORE);
	assert_int_equal(tui_pick_key(&p, KEY_DOWN), TUI_PICK_MORE);
	assert_int_equal(tui_pick_key(&p, '\r'), 2);	/* stops at the end */
	assert_int_equal(tui_pick_key(&p, 'k'), TUI_PICK_MORE);
	assert_int_equal(tui_pick_key(&p, '\r'), 1);
	assert_int_equal(tui_pick_key(&p, '3'), 2);
	assert_int_equal(tui_pick_key(&p, '4'), TUI_PICK_MORE);
	assert_non_null(strstr(p.status, "1 to 3"));
	assert_int_equal(tui_pick_key(&p, 'q'), TUI_PICK_QUIT);
	assert_int_equal(tui_pick_key(&p, TUI_KEY_ESC), TUI_PICK_QUIT);
	tui_grid_destroy(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keys_retarget_session,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_then_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_keeps_port,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_notes_shown,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_lists_port_keys,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_narrow,
		    setup, teardown),
		cmocka_unit_test(test_pick_keys_and_screen),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
