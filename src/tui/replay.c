/*
 * replay.c: the explorer over a loaded transcript, with a step cursor.
 * Every pane reads the dialog of the prefix at the cursor, so it shows
 * exactly what was known at that step (doc/architecture.md: the dialog is
 * a pure function of a prefix).
 *
 * A step begins at an I step record when the transcript has them (what a
 * live capture writes each time the user starts a step), else at each
 * client write (an imported telnet or swaks log has no step records).
 * Whatever comes before the first start (connect, banner) belongs to the
 * first step.  Moving forwards feeds the owned dialog only the events of
 * the steps passed; moving backwards takes a view of the dialog built once
 * over the whole transcript (ss_dialog_view), which derives only the events
 * since the nearest quiet point: a step costs the same in a session of a
 * thousand events and of a million.
 */

#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/session.h"
#include "smtpscope/util.h"

#include "tui-int.h"

/* Does an event start a step under the chosen rule? */
static int
replay_is_start(const struct ss_event *ev, int by_records)
{
	if (by_records) {
		return ev->dir == SS_DIR_INFO && ev->kind == SS_KIND_STEP;
	}
	return ev->dir == SS_DIR_CLIENT && ev->kind == SS_KIND_DATA;
}

/* Append a start unless it repeats the last one. */
static void
replay_add_start(size_t **starts, size_t *n, size_t *alloc, size_t at)
{
	if (*n > 0 && (*starts)[*n - 1] == at) {
		return;
	}
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 32;
		*starts = xreallocarray(*starts, *alloc, sizeof **starts);
	}
	(*starts)[(*n)++] = at;
}

/* The first event of each step of the first upto events.  Events before
 * the first start (an import's connect and banner) make a step of their
 * own: the greeting. */
size_t *
tui_replay_split(const struct ss_transcript *tr, size_t upto, size_t *n,
    int *by_records)
{
	const struct ss_event	*ev;
	size_t			*starts = NULL, alloc = 0, i;

	*n = 0;
	*by_records = 0;
	for (i = 0; i < upto; i++) {
		ev = ss_transcript_get(tr, i);
		if (replay_is_start(ev, 1)) {
			*by_records = 1;
			break;
		}
	}
	if (upto > 0) {
		replay_add_start(&starts, n, &alloc, 0);
	}
	for (i = 0; i < upto; i++) {
		ev = ss_transcript_get(tr, i);
		if (replay_is_start(ev, *by_records)) {
			replay_add_start(&starts, n, &alloc, i);
		}
	}
	return starts;
}

/* The events position `step` shows: up to the next step's start. */
size_t
tui_replay_end_event(const struct tui *t, size_t step)
{
	const struct tui_replay	*r = &t->replay;

	if (step + 1 < r->nsteps) {
		return r->starts[step + 1];
	}
	return ss_transcript_count(r->transcript);
}

/* The step an event belongs to (a binary search over the starts). */
size_t
tui_replay_step_of(const size_t *starts, size_t n, size_t event)
{
	size_t	lo = 0, hi = n, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (starts[mid] <= event) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* Start replaying: split into steps and show the first. */
int
tui_replay_start(struct tui *t, struct ss_transcript *tr)
{
	struct tui_replay	*r = &t->replay;
	size_t			 count = ss_transcript_count(tr);

	if (count == 0) {
		return -1;
	}
	tui_replay_end(t);
	tui_findings_free(t);	/* they judged another transcript */
	r->transcript = tr;
	r->starts = tui_replay_split(tr, count, &r->nsteps, &r->by_records);
	r->full = ss_dialog_build(tr, count);
	r->dialog = ss_dialog_view(r->full, tr, 0);
	r->active = 1;
	r->step = 0;
	t->session = NULL;
	t->transcript = tr;
	t->state = SS_STATE_CLOSED;
	t->events_seen = count;
	tui_replay_goto(t, 0);
	return 0;
}

/* Forget the replay (the transcript is the caller's). */
void
tui_replay_end(struct tui *t)
{
	struct tui_replay	*r = &t->replay;

	ss_dialog_destroy(r->dialog);	/* a view goes before its full dialog */
	ss_dialog_destroy(r->full);
	free(r->starts);
	memset(r, 0, sizeof *r);
}

/* Feed at most this many events forwards; beyond, take a view. */
#define REPLAY_FEED_MAX	256

/* Bring the owned dialog to the first `end` events: feed forwards, take
 * a view of the full dialog to go back. */
static void
replay_feed_to(struct tui_replay *r, size_t end)
{
	size_t	i;

	/* Back, or far ahead: a fresh view keeps the owned part small, so
	 * neither a step nor freeing the old dialog grows with the session. */
	if (ss_dialog_fed(r->dialog) > end ||
	    end - ss_dialog_fed(r->dialog) > REPLAY_FEED_MAX) {
		ss_dialog_destroy(r->dialog);
		r->dialog = ss_dialog_view(r->full, r->transcript, end);
		return;
	}
	for (i = ss_dialog_fed(r->dialog); i < end; i++) {
		ss_dialog_feed(r->dialog, ss_transcript_get(r->transcript, i));
	}
}

/* Move the cursor to a step (clamped) and rebuild what depends on it. */
void
tui_replay_goto(struct tui *t, size_t step)
{
	struct tui_replay	*r = &t->replay;
	struct ss_dialog	*before;
	size_t			 keep;

	if (!r->active || r->nsteps == 0) {
		return;
	}
	if (step >= r->nsteps) {
		step = r->nsteps - 1;
	}
	r->step = step;
	before = r->dialog;
	keep = ss_dialog_borrowed_lines(r->dialog);
	replay_feed_to(r, tui_replay_end_event(t, step));
	if (ss_dialog_borrowed_lines(r->dialog) < keep) {
		keep = ss_dialog_borrowed_lines(r->dialog);
	}
	if (t->dialog != before) {
		keep = 0;	/* the rows on screen were not of this replay */
	}
	t->dialog = r->dialog;
	t->wire.follow = 1;
	t->explain_top = 0;
	tui_wire_rebuild_keep(t, keep);
	tui_caps_rebuild(t);
	t->lesson_top = -1;
}
