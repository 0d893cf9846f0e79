/*
 * scale-tui.c: one scroll step and one replay step of the explorer over a
 * saved session, drawn into the in-memory canvas.
 *
 *	scale-tui FILE
 *
 * Run it under valgrind --tool=callgrind --toggle-collect=bench_scroll (or
 * bench_replay_back, bench_replay_fwd) to count the instructions of exactly one step, at a
 * thousand and at a million events (bench-scale.sh does).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"
#include "tui-int.h"

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

int
main(int argc, char **argv)
{
	struct ss_transcript	*tr;
	struct tui_config	 cfg;
	struct tui		 t;
	struct tui_grid		*g;
	char			*err = NULL;

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
	tui_replay_goto(&t, t.replay.nsteps - 2);
	tui_draw(&t, tui_grid_canvas(g));
	bench_scroll(&t, g);
	bench_replay_back(&t, g);
	bench_replay_fwd(&t, g);
	tui_grid_destroy(g);
	tui_finish(&t);
	ss_transcript_destroy(tr);
	return 0;
}
