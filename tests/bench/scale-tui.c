/*
 * scale-tui.c: one scroll step and one replay step of the explorer over a
 * saved session, drawn into the in-memory canvas.
 *
 *	scale-tui FILE
 *
 * Run it under valgrind --tool=callgrind --toggle-collect=bench_scroll (or
 * bench_replay_back, bench_replay_fwd, bench_back_across, bench_fwd_across,
 * bench_jump) to count the instructions of exactly one step, at a thousand
 * and at a million events (bench-scale.sh does).  The steps are taken 400
 * events into the middle connection, as bench-scale.c takes its own, and
 * each frame includes the header's findings counts.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"
#include "tui-int.h"

#define BENCH_OFFSET	400	/* as bench-scale.c: into the connection */

/* One page up in the wire pane, and the frame it draws. */
__attribute__((noinline)) void
bench_scroll(struct tui *t, struct tui_grid *g)
{
	tui_do(t, TUI_ACT_PAGE_UP);
	tui_draw(t, tui_grid_canvas(g));
}

/* One replay step back, and the frame it draws. */
__attribute__((noinline)) void
bench_replay_back(struct tui *t, struct tui_grid *g)
{
	tui_do(t, TUI_ACT_STEP_PREV);
	tui_draw(t, tui_grid_canvas(g));
}

/* One replay step forwards, and the frame it draws. */
__attribute__((noinline)) void
bench_replay_fwd(struct tui *t, struct tui_grid *g)
{
	tui_do(t, TUI_ACT_STEP_NEXT);
	tui_draw(t, tui_grid_canvas(g));
}

/* Jump to a step and draw its frame: the first frame at a new place,
 * which judges every connection before it not judged yet (once). */
__attribute__((noinline)) void
bench_jump(struct tui *t, struct tui_grid *g, size_t step)
{
	tui_replay_goto(t, step);
	tui_draw(t, tui_grid_canvas(g));
}

/* One replay step back onto the previous connection (the open one is
 * then an earlier one: the fold of closed connections is redone from the
 * checkpoint below), and its frame. */
__attribute__((noinline)) void
bench_back_across(struct tui *t, struct tui_grid *g)
{
	tui_do(t, TUI_ACT_STEP_PREV);
	tui_draw(t, tui_grid_canvas(g));
}

/* One replay step forwards onto the next connection (the one left is
 * judged and kept, closed), and its frame. */
__attribute__((noinline)) void
bench_fwd_across(struct tui *t, struct tui_grid *g)
{
	tui_do(t, TUI_ACT_STEP_NEXT);
	tui_draw(t, tui_grid_canvas(g));
}

/* The middle connection's first event, as bench-scale.c picks it. */
static size_t
bench_middle_connect(const struct ss_transcript *tr)
{
	const struct ss_event	*ev;
	size_t			 i;

	for (i = ss_transcript_count(tr) / 2; i > 0; i--) {
		ev = ss_transcript_get(tr, i);
		if (ev->dir == SS_DIR_INFO && ev->kind == SS_KIND_CONNECT) {
			break;
		}
	}
	return i;
}

/* The first step starting at or after event ev. */
static size_t
bench_step_at(const struct tui *t, size_t ev)
{
	size_t	s;

	for (s = 0; s + 1 < t->replay.nsteps && t->replay.starts[s] < ev;
	    s++) {
		;
	}
	return s;
}

int
main(int argc, char **argv)
{
	struct ss_transcript	*tr;
	struct tui_config	 cfg;
	struct tui		 t;
	struct tui_grid		*g;
	char			*err = NULL;
	size_t			 conn, step;

	if (argc != 2) {
		fprintf(stderr, "usage: scale-tui FILE\n");
		return 2;
	}
	if ((tr = ss_store_load(argv[1], SS_IMPORT_FORMAT_LAST, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.target_label = "scale (replay)";
	tui_init(&t, &cfg);
	tui_resize(&t, 120, 40);
	if (tui_replay_start(&t, tr) != 0) {
		return 1;
	}
	g = tui_grid_create(120, 40);
	/* The same place as the core's steps: 400 events into the middle
	 * connection, so every size steps at the same point of a
	 * connection of the same length. */
	conn = bench_middle_connect(tr);
	step = bench_step_at(&t, conn + BENCH_OFFSET);
	bench_jump(&t, g, step);
	bench_scroll(&t, g);
	bench_replay_back(&t, g);
	bench_replay_fwd(&t, g);
	/* Across the start of the middle connection, when there is an
	 * earlier one: back onto it, then forwards again. */
	if (conn > 0) {
		tui_replay_goto(&t, bench_step_at(&t, conn + 1));
		tui_draw(&t, tui_grid_canvas(g));
		bench_back_across(&t, g);
		bench_fwd_across(&t, g);
	}
	printf("stepped at step %zu of %zu, connection from event %zu\n",
	    step, t.replay.nsteps, conn);
	tui_grid_destroy(g);
	tui_finish(&t);
	ss_transcript_destroy(tr);
	return 0;
}
