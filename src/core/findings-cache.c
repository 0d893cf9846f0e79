/*
 * findings-cache.c: the findings of a prefix, judged incrementally, so an
 * explorer step costs the same at a thousand events and at a million.
 *
 * ss_findings_run cuts the prefix into connections, judges each on its own
 * and folds them in order.  A connection is closed once the next one has
 * started inside the prefix, and then nothing later can change what it
 * found: the transcript only grows.  So the cache keeps:
 *   - the start of every connection seen so far (found once, as the
 *     transcript is scanned forwards);
 *   - each closed connection's own findings, judged the first time a
 *     prefix goes past it (with a dialog view at its end);
 *   - checkpoints: the fold of connections [0, 16 j) for each j reached;
 *   - the fold of the closed connections of the latest prefix asked for.
 * A step inside one connection re-judges only that open connection (its
 * certificate decoded once and kept; so is the last certificate of a
 * closed one, since a server presents the same one each time); a step
 * onto the next connection folds one more; a step back across a connection, or a jump,
 * starts from the checkpoint below and folds at most 15.
 */

#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#include "findings-int.h"

#define CHECKPOINT_EVERY	16	/* connections between checkpoints */

struct ss_findings_cache {
	struct ss_findings_options	 opt;
	const struct ss_transcript	*t;
	size_t				*starts;	/* connections' first */
	size_t				 nstarts, capstarts;
	size_t				 scanned;	/* events looked at */
	struct ss_findings		**parts;	/* per closed conn. */
	struct ss_findings		**ckpts;	/* [j]: conns < 16 j */
	size_t				 nckpts, capckpts;
	struct ss_findings		*closed;	/* conns < nclosed */
	size_t				 nclosed;
	struct cert_memo		 leaf;		/* the last decoded */
};

/* A cache for one transcript, judged with these options. */
struct ss_findings_cache *
ss_findings_cache_create(const struct ss_findings_options *opt)
{
	struct ss_findings_cache	*fc = xcalloc(1, sizeof(*fc));

	if (opt != NULL) {
		fc->opt = *opt;
	}
	fc->leaf.e = NULL;
	return fc;
}

/* Forget everything judged (another transcript). */
static void
cache_clear(struct ss_findings_cache *fc)
{
	size_t	i;

	for (i = 0; i < fc->nstarts; i++) {
		ss_findings_free(fc->parts[i]);
	}
	for (i = 0; i < fc->nckpts; i++) {
		ss_findings_free(fc->ckpts[i]);
	}
	ss_findings_free(fc->closed);
	free(fc->starts);
	free(fc->parts);
	free(fc->ckpts);
	fc->starts = NULL;
	fc->parts = fc->ckpts = NULL;
	fc->closed = NULL;
	fc->nstarts = fc->capstarts = 0;
	fc->nckpts = fc->capckpts = fc->nclosed = fc->scanned = 0;
	fc->leaf.e = NULL;
	fc->t = NULL;
}

/* Free the cache and all it keeps; NULL is a no-op. */
void
ss_findings_cache_destroy(struct ss_findings_cache *fc)
{
	if (fc == NULL) {
		return;
	}
	cache_clear(fc);
	free(fc);
}

/* Note that a connection starts at event ev. */
static void
cache_add_start(struct ss_findings_cache *fc, size_t ev)
{
	if (fc->nstarts == fc->capstarts) {
		fc->capstarts = fc->capstarts ? fc->capstarts * 2 : 16;
		fc->starts = xreallocarray(fc->starts, fc->capstarts,
		    sizeof(*fc->starts));
		fc->parts = xreallocarray(fc->parts, fc->capstarts,
		    sizeof(*fc->parts));
	}
	fc->parts[fc->nstarts] = NULL;
	fc->starts[fc->nstarts++] = ev;
}

/* Find the connections of the first n events (each event looked at once
 * over the cache's life): event 0 starts one, and so does every later
 * connect record, as in ss_findings_run. */
static void
cache_scan(struct ss_findings_cache *fc, size_t n)
{
	const struct ss_event	*e;

	if (fc->nstarts == 0 && n > 0) {
		cache_add_start(fc, 0);
		fc->scanned = 1;
	}
	for (; fc->scanned < n; fc->scanned++) {
		e = ss_transcript_get(fc->t, fc->scanned);
		if (e->kind == SS_KIND_CONNECT) {
			cache_add_start(fc, fc->scanned);
		}
	}
}

/* The connection the prefix of n events ends in (n > 0): the last one
 * starting before n, by bisection. */
static size_t
cache_open_conn(const struct ss_findings_cache *fc, size_t n)
{
	size_t	lo = 0, hi = fc->nstarts, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (fc->starts[mid] < n) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* The findings of closed connection i alone, judged the first time on a
 * view of d (a dialog of the whole transcript, or fed past its end). */
static const struct ss_findings *
cache_part(struct ss_findings_cache *fc, const struct ss_dialog *d, size_t i)
{
	struct ss_dialog	*at;
	size_t			 end = fc->starts[i + 1];

	if (fc->parts[i] == NULL) {
		at = ss_dialog_view(d, fc->t, end);
		fc->parts[i] = findings_judge_connection(fc->t, at, &fc->opt,
		    fc->starts[i], end, 0, &fc->leaf);
		ss_dialog_destroy(at);
	}
	return fc->parts[i];
}

/* Fold closed connections [from, to) into fs. */
static void
cache_fold(struct ss_findings_cache *fc, const struct ss_dialog *d,
    struct ss_findings *fs, size_t from, size_t to)
{
	size_t	i;

	for (i = from; i < to; i++) {
		findings_merge(fs, cache_part(fc, d, i));
	}
}

/* Checkpoint j: the fold of connections [0, 16 j), made once. */
static const struct ss_findings *
cache_checkpoint(struct ss_findings_cache *fc, const struct ss_dialog *d,
    size_t j)
{
	struct ss_findings	*fs;

	while (fc->nckpts <= j) {
		if (fc->nckpts == fc->capckpts) {
			fc->capckpts = fc->capckpts ? fc->capckpts * 2 : 8;
			fc->ckpts = xreallocarray(fc->ckpts, fc->capckpts,
			    sizeof(*fc->ckpts));
		}
		if (fc->nckpts == 0) {
			fs = findings_new();
		} else {
			fs = findings_dup(fc->ckpts[fc->nckpts - 1]);
			cache_fold(fc, d, fs,
			    (fc->nckpts - 1) * CHECKPOINT_EVERY,
			    fc->nckpts * CHECKPOINT_EVERY);
		}
		fc->ckpts[fc->nckpts++] = fs;
	}
	return fc->ckpts[j];
}

/* Bring the fold of closed connections to [0, k): onwards from the one
 * kept when that is near, else from the checkpoint below k. */
static void
cache_closed_to(struct ss_findings_cache *fc, const struct ss_dialog *d,
    size_t k)
{
	size_t	j;

	if (fc->closed != NULL && fc->nclosed <= k &&
	    k - fc->nclosed < CHECKPOINT_EVERY) {
		cache_fold(fc, d, fc->closed, fc->nclosed, k);
		fc->nclosed = k;
		return;
	}
	j = k / CHECKPOINT_EVERY;
	ss_findings_free(fc->closed);
	fc->closed = findings_dup(cache_checkpoint(fc, d, j));
	cache_fold(fc, d, fc->closed, j * CHECKPOINT_EVERY, k);
	fc->nclosed = k;
}

/* The findings of the prefix d was fed (the whole transcript when d is
 * NULL, built from scratch then), as ss_findings_run gives them; closed
 * connections are judged on views of full (NULL: of d). */
struct ss_findings *
ss_findings_cache_run(struct ss_findings_cache *fc,
    const struct ss_transcript *t, const struct ss_dialog *d,
    const struct ss_dialog *full)
{
	struct ss_findings	*fs, *open;
	struct ss_dialog	*own = NULL;
	size_t			 n, k;

	if (fc->t != t || ss_transcript_count(t) < fc->scanned) {
		cache_clear(fc);
		fc->t = t;
	}
	n = d != NULL ? ss_dialog_fed(d) : ss_transcript_count(t);
	if (n > ss_transcript_count(t)) {
		n = ss_transcript_count(t);
	}
	if (n == 0) {
		return findings_new();
	}
	if (d == NULL) {
		d = own = ss_dialog_build(t, n);
	}
	cache_scan(fc, n);
	k = cache_open_conn(fc, n);
	cache_closed_to(fc, full != NULL ? full : d, k);
	fs = findings_dup(fc->closed);
	open = findings_judge_connection(t, d, &fc->opt, fc->starts[k], n, 1,
	    &fc->leaf);
	findings_merge(fs, open);
	ss_findings_free(open);
	ss_dialog_destroy(own);
	findings_sort(fs);
	return fs;
}
