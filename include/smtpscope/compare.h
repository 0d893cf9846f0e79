/*
 * compare.h: two sessions side by side.
 *
 * --compare A B sets two saved sessions' capability tables (per phase,
 * aligned by keyword) and TLS summaries next to each other.  --rerun adds
 * the exchanges: each command of the saved session with the reply it got
 * then and the reply the server gave now.  Which exchange of one side
 * answers which of the other is decided by the caller (the rerun knows
 * what it sent for what); this module judges each pair and renders the
 * whole as text or JSON (doc/sessions.md).
 *
 * Replies are "same" when code and text are byte for byte the same;
 * otherwise the code or only the text differs.  Capability rows follow
 * ss_caps_diff.  Every byte that came from a server passes through
 * ss_text_escape before it is written.
 *
 * Ownership: a comparison borrows both sides' transcripts, dialogs and
 * labels (they must outlive it) and owns its rows and their notes.
 */
#ifndef SMTPSCOPE_COMPARE_H
#define SMTPSCOPE_COMPARE_H

#include <stddef.h>

struct ss_buf;
struct ss_dialog;
struct ss_exchange;
struct ss_transcript;

/* How the two replies of one row differ. */
enum ss_compare_diff {
	SS_CMP_SAME,		/* same code and text */
	SS_CMP_TEXT,		/* same code, other text */
	SS_CMP_CODE,		/* another code */
	SS_CMP_MISSING,		/* one side has no reply */
	SS_CMP_SKIPPED,		/* deliberately not sent again (see note) */
	SS_CMP_LAST
};
/* "same", "different-text", "different-code", "missing", "skipped" */
extern const char *const ss_compare_diff_names[SS_CMP_LAST];

struct ss_compare_side {
	const char			*title;	/* column title: "saved", "A" */
	const char			*label;	/* what it is: a file, a host */
	const struct ss_transcript	*t;
	const struct ss_dialog		*d;
};

#define SS_COMPARE_EXCHANGES	0x01	/* show the exchange table */

struct ss_compare;

struct ss_compare *ss_compare_create(const struct ss_compare_side *,
		    const struct ss_compare_side *, unsigned flags);
void	ss_compare_destroy(struct ss_compare *);

/* Add a row: the exchange index on each side (-1 for none) and a note
 * (copied; NULL for none).  The row is judged with ss_compare_replies. */
void	ss_compare_add(struct ss_compare *, long a, long b, const char *note);
/* Add a row for an exchange of the first side deliberately not repeated
 * on the second (SS_CMP_SKIPPED); the note says why. */
void	ss_compare_skip(struct ss_compare *, long a, const char *note);
size_t	ss_compare_rows(const struct ss_compare *);
/* The judgement of row i. */
enum ss_compare_diff ss_compare_row_diff(const struct ss_compare *, size_t);

/* Judge two replies (either exchange may be NULL or unanswered). */
enum ss_compare_diff ss_compare_replies(const struct ss_exchange *,
		    const struct ss_exchange *);

/* Differences in each part: exchanges, capability rows, TLS fields. */
struct ss_compare_count {
	size_t	 exchanges;
	size_t	 capabilities;
	size_t	 tls;
};
void	ss_compare_count(const struct ss_compare *, struct ss_compare_count *);

/* The side-by-side text, at most about width columns wide (0: 120). */
void	ss_compare_text(struct ss_buf *, const struct ss_compare *,
	    size_t width);
/* The JSON document (doc/sessions.md), one line; the caller frees. */
char	*ss_compare_json(const struct ss_compare *);

#endif
