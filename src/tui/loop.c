/*
 * loop.c: tui_run and tui_replay, the explorer's one poll loop.  It watches the terminal,
 * the session's socket and a self-pipe for signals (SIGWINCH, SIGTERM,
 * SIGHUP), and wakes on a timer only while a step runs (the spinner and
 * the step's deadline); when nothing happens it sleeps in poll() and costs
 * no CPU at all.  It never blocks on the network: the session does only
 * non-blocking I/O.
 */

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "smtpscope/session.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define SPINNER_MS	120	/* spinner frame while a step runs */
#define QUIT_WAIT_US	3000000	/* how long q waits for QUIT's reply */
#define FRAME_US	40000	/* frames at most this often: a flood of
				   reads costs a frame per interval, not a
				   frame per read */

static uint64_t	loop_drawn_us;	/* when the last frame was drawn */
static uint64_t	loop_spun_us;	/* when the spinner last turned */

static int	loop_pipe[2] = { -1, -1 };

static const int loop_signals[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT };

/* Signal handler: hand the signal to the loop through the pipe. */
static void
loop_on_signal(int sig)
{
	unsigned char	c = (unsigned char)sig;
	int		saved = errno;
	ssize_t		n;

	n = write(loop_pipe[1], &c, 1);
	(void)n;
	errno = saved;
}

/* Install the handlers and the self-pipe. */
static int
loop_signals_init(void)
{
	struct sigaction	sa;
	size_t			i;

	if (pipe2(loop_pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < SS_NITEMS(loop_signals); i++) {
		sigaction(loop_signals[i], &sa, NULL);
	}
	return 0;
}

/* Restore the default handlers and close the pipe. */
static void
loop_signals_end(void)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(loop_signals); i++) {
		signal(loop_signals[i], SIG_DFL);
	}
	close(loop_pipe[0]);
	close(loop_pipe[1]);
	loop_pipe[0] = loop_pipe[1] = -1;
}

/* Ask the terminal its size and lay out for it. */
static void
loop_size(struct tui *t)
{
	struct winsize	ws;
	int		rows, cols;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_row > 0) {
		resize_term(ws.ws_row, ws.ws_col);
	}
	getmaxyx(stdscr, rows, cols);
	tui_resize(t, cols, rows);
	t->redraw_all = 1;
}

/* Signals that arrived: resize, or leave. */
static void
loop_read_signals(struct tui *t)
{
	unsigned char	buf[32];
	ssize_t		n, i;

	while ((n = read(loop_pipe[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == SIGWINCH) {
				loop_size(t);
			} else {
				t->done = 1;
			}
		}
	}
}

/* A mouse event: a click selects, the wheel scrolls. */
static void
loop_mouse(struct tui *t)
{
	MEVENT	ev;

	if (getmouse(&ev) != OK) {
		return;
	}
	if (ev.bstate & BUTTON4_PRESSED) {
		tui_click(t, ev.x, ev.y, -1);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		tui_click(t, ev.x, ev.y, 1);
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
		tui_click(t, ev.x, ev.y, 0);
	}
}

/* Read every key waiting on the terminal. */
static void
loop_keys(struct tui *t)
{
	wint_t	ch;
	int	rc;

	while (!t->done && (rc = wget_wch(stdscr, &ch)) != ERR) {
		if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
			loop_mouse(t);
		} else if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			loop_size(t);
		} else if (rc == KEY_CODE_YES || ch < 0x80) {
			tui_key(t, (int)ch);
		} else {
			tui_key(t, (int)(TUI_KEY_UNICODE_FLAG | ch));
		}
	}
}

/* How long poll may sleep: the session's deadline, the spinner. */
static int
loop_timeout(const struct tui *t, uint64_t quit_deadline)
{
	int	ms = t->session != NULL ? ss_session_timeout(t->session) : -1;

	if (t->busy && (ms < 0 || ms > SPINNER_MS)) {
		ms = SPINNER_MS;
	}
	if (quit_deadline != 0 && (ms < 0 || ms > SPINNER_MS)) {
		ms = SPINNER_MS;
	}
	return ms;
}

/*
 * Draw unless a frame was drawn less than FRAME_US ago; returns how many
 * milliseconds until the skipped frame is due (-1 when none is), so the
 * poll wakes up for it and the screen never lags more than a frame.
 */
static int
loop_draw(struct tui *t)
{
	uint64_t	now = ss_now_us();

	if (!t->redraw_all && now - loop_drawn_us < FRAME_US) {
		return (int)((FRAME_US - (now - loop_drawn_us)) / 1000) + 1;
	}
	tui_draw(t, tui_curses_canvas());
	tui_curses_flush(t->redraw_all);
	t->redraw_all = 0;
	loop_drawn_us = now;
	return -1;
}

/* While a step runs the spinner turns every SPINNER_MS by the clock, so
 * it turns during a flood too (poll never times out then) and shows the
 * explorer is alive and drawing. */
static void
loop_spin(struct tui *t)
{
	uint64_t	now = ss_now_us();

	if (!t->busy) {
		loop_spun_us = now;
	} else if (now - loop_spun_us >= SPINNER_MS * 1000) {
		t->spinner++;
		loop_spun_us = now;
	}
}

/* One turn: draw (at most once a frame), sleep in poll, dispatch what
 * woke us: one bounded read of the session, then every key waiting, so
 * q and Esc get through between two slices of a flood. */
static int
loop_once(struct tui *t, uint64_t quit_deadline)
{
	struct pollfd	pfd[3];
	int		n = 2, rc, due, ms;

	loop_spin(t);
	due = loop_draw(t);
	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = loop_pipe[0];
	pfd[1].events = POLLIN;
	pfd[2].revents = 0;
	if (t->session != NULL && ss_session_pollfd(t->session, &pfd[2])) {
		n = 3;
	}
	ms = loop_timeout(t, quit_deadline);
	if (due >= 0 && (ms < 0 || ms > due)) {
		ms = due;
	}
	rc = poll(pfd, n, ms);
	if (rc < 0 && errno != EINTR) {
		return -1;
	}
	if (t->session != NULL) {
		ss_session_process(t->session, n == 3 && rc > 0 ?
		    pfd[2].revents : 0);
	}
	if (rc > 0 && pfd[1].revents != 0) {
		loop_read_signals(t);
	}
	if (rc > 0 && (pfd[0].revents & POLLIN)) {
		loop_keys(t);
	} else if (rc > 0 && (pfd[0].revents & (POLLHUP | POLLERR))) {
		t->done = 1;
	}
	return 0;
}

/* The first words in the status line. */
static void
loop_greet(struct tui *t, const char *theme_err)
{
	if (theme_err != NULL) {
		tui_set_status(t, TUI_ROLE_ERROR, "%s (using the default "
		    "theme)", theme_err);
		t->note_pinned = 1;
	} else if (t->cfg->note != NULL) {
		tui_set_status(t, TUI_ROLE_STATUS, "%s   (? lists the keys)",
		    t->cfg->note);
		t->note_pinned = 1;
	} else {
		tui_set_status(t, TUI_ROLE_STATUS, "? lists the keys");
	}
}

/* Set up the terminal, the theme and the signals; -1 when the
 * terminal cannot be used (said on stderr). */
static int
loop_begin(struct tui *t, const struct tui_config *cfg)
{
	char	*err = NULL, *theme_err = NULL;

	setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "smtpscope: the explorer needs a terminal "
		    "(use --batch for scripts)\n");
		return -1;
	}
	t->apply_theme = tui_curses_apply_theme;
	tui_theme_load(&t->theme, cfg->theme, &theme_err);
	if (loop_signals_init() == -1 || tui_curses_init(&err) == -1) {
		fprintf(stderr, "smtpscope: %s\n", err != NULL ? err :
		    strerror(errno));
		free(err);
		free(theme_err);
		return -1;
	}
	tui_curses_apply_theme(&t->theme);
	tui_sync(t);
	loop_size(t);
	loop_greet(t, theme_err);
	free(theme_err);
	return 0;
}

/* Turn until done (or, while quitting, until QUIT is answered). */
static void
loop_run(struct tui *t)
{
	uint64_t	quit_deadline = 0;

	while (!t->done) {
		tui_sync(t);
		if (t->quitting && quit_deadline == 0) {
			quit_deadline = ss_now_us() + QUIT_WAIT_US;
		}
		if (t->quitting && (!t->busy || ss_now_us() >= quit_deadline)) {
			break;
		}
		if (loop_once(t, quit_deadline) == -1) {
			break;
		}
	}
	tui_curses_end();
	loop_signals_end();
}

/* Run the explorer until the user quits. */
int
tui_run(struct ss_session *session, const struct tui_config *cfg)
{
	struct tui	t;

	tui_init(&t, cfg);
	t.session = session;
	if (loop_begin(&t, cfg) == -1) {
		tui_finish(&t);
		return 1;
	}
	if (cfg->connect_now) {
		tui_do(&t, TUI_ACT_CONNECT);
	}
	loop_run(&t);
	tui_finish(&t);
	return 0;
}

/* Replay a loaded transcript until the user quits. */
int
tui_replay(struct ss_transcript *tr, const struct tui_config *cfg)
{
	struct tui	t;

	tui_init(&t, cfg);
	if (tui_replay_start(&t, tr) == -1) {
		fprintf(stderr, "smtpscope: the session holds no events\n");
		tui_finish(&t);
		return 1;
	}
	if (loop_begin(&t, cfg) == -1) {
		tui_finish(&t);
		return 1;
	}
	tui_set_status(&t, TUI_ROLE_STATUS, "replay of %zu steps: n or Space "
	    "next, p or Backspace back, L lesson, x explain, f findings",
	    t.replay.nsteps);
	t.note_pinned = 1;
	loop_run(&t);
	tui_finish(&t);
	return 0;
}
