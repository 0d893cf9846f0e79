/*
 * flood.h: what of a server's bytes a live session keeps.
 *
 * The reply parser keeps at most SS_REPLY_MAX_LINES lines of a reply and
 * SS_REPLY_LINE_KEEP bytes of a line; the flood gate applies the same two
 * limits before the bytes reach the transcript, so a server that sends a
 * reply of millions of lines, or a line that never ends, costs the memory
 * of the limits and not of what it sent.  Bytes past a limit are counted
 * into a cut (lines, bytes, time span), which the session records as one
 * SS_KIND_CUT note in the transcript, so a saved session and its replay
 * show the same counts (doc/hostile-peer.md).
 *
 * What is kept: every line of a reply up to the line limit, then the line
 * that ends the reply; of each line its first SS_REPLY_LINE_KEEP bytes and
 * its line end.  What is cut: the continuation lines past the limit, and
 * the middle of an over-long line.  Anomalies inside cut bytes (a NUL, a
 * control byte) are not judged: only their count is known.
 *
 * Ownership: the gate is caller storage (init/finish); it holds at most
 * four bytes of a line it is still judging and never allocates.
 */
#ifndef SMTPSCOPE_FLOOD_H
#define SMTPSCOPE_FLOOD_H

#include <stddef.h>
#include <stdint.h>

/* Bytes that did not reach the transcript, and when they came. */
struct ss_flood_cut {
	size_t		 lines;		/* whole lines cut; 0: the bytes are
					   the middle of the open line */
	size_t		 bytes;
	uint64_t	 first_us;
	uint64_t	 last_us;
};

/* Where the gate sends what it lets through and what it counted. */
struct ss_flood_out {
	void	(*keep)(void *, const char *, size_t);
	void	(*cut)(void *, const struct ss_flood_cut *);
	void	 *arg;
};

struct ss_flood {
	size_t			 line_len;	/* bytes of the open line */
	size_t			 reply_lines;	/* lines ended in this reply */
	char			 head[4];	/* start of a line being judged */
	size_t			 nhead;
	int			 judging;	/* is the open line cut? */
	int			 dropping;	/* the open line is being cut */
	int			 cr_held;	/* a CR of a cut line, held */
	struct ss_flood_cut	 pending;	/* counted, not yet reported */
};

void	ss_flood_init(struct ss_flood *);
/* Forget the reply in progress (a new connection, TLS started). */
void	ss_flood_reset(struct ss_flood *);
/* Pass received bytes through: out->keep gets what the transcript keeps,
 * out->cut each finished cut, in order. */
void	ss_flood_feed(struct ss_flood *, const char *, size_t, uint64_t t_us,
	    const struct ss_flood_out *);
/* Report the cut counted so far (before a record, at the end); bytes held
 * while a line is judged are kept. */
void	ss_flood_flush(struct ss_flood *, const struct ss_flood_out *);
/* Is a cut counted and not yet reported? */
int	ss_flood_pending(const struct ss_flood *);

/* The words of an SS_KIND_CUT note, and their reading back. */
char	*ss_flood_cut_text(const struct ss_flood_cut *);
int	 ss_flood_cut_parse(const char *, size_t, struct ss_flood_cut *);

#endif
