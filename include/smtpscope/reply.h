/*
 * reply.h: incremental SMTP reply parser (RFC 5321 4.2).
 *
 * Bytes in, lines and replies out.  The parser is a strict recogniser and a
 * lenient recorder: every departure from the grammar is recorded as an
 * anomaly with a stable code, and parsing goes on wherever that is safe.
 * Raw bytes are kept.  Hard limits bound memory whatever the peer sends:
 * a line longer than SS_REPLY_LINE_KEEP bytes keeps only its first
 * SS_REPLY_LINE_KEEP bytes (the rest is counted, not stored), and a reply
 * of more than SS_REPLY_MAX_LINES lines is cut (flagged, and the lines past
 * the limit counted only).
 *
 * Ownership: a struct ss_reply returned by the parser belongs to the caller,
 * who frees it with ss_reply_free.
 */
#ifndef SMTPSCOPE_REPLY_H
#define SMTPSCOPE_REPLY_H

#include <stddef.h>

#define SS_REPLY_LINE_MAX	512	/* RFC 5321 4.5.3.1.5, with CRLF */
#define SS_REPLY_LINE_KEEP	4096	/* bytes of a line we store at most */
#define SS_REPLY_MAX_LINES	1000	/* lines of one reply we store */

/* Anomaly codes: stable, used in tests, JSON and findings. */
enum ss_anomaly {
	SS_ANOM_BARE_LF,	/* line ended by LF without CR */
	SS_ANOM_BARE_CR,	/* CR not followed by LF inside a line */
	SS_ANOM_LINE_TOO_LONG,	/* over 512 octets including CRLF */
	SS_ANOM_BAD_CODE,	/* not three digits 2-5,0-5,0-9 */
	SS_ANOM_BAD_SEPARATOR,	/* fourth char neither '-' nor ' ' nor EOL */
	SS_ANOM_CODE_MISMATCH,	/* continuation line with another code */
	SS_ANOM_NUL,		/* NUL byte in a line */
	SS_ANOM_CONTROL,	/* other C0/C1 control or DEL in a line */
	SS_ANOM_BAD_UTF8,	/* bytes that are not valid UTF-8 */
	SS_ANOM_TOO_MANY_LINES,	/* reply cut at SS_REPLY_MAX_LINES */
	SS_ANOM_UNSOLICITED,	/* reply with no command waiting (set by
				   the caller that pairs replies) */
	SS_ANOM_INJECTED,	/* plaintext after STARTTLS 220 (caller) */
	SS_ANOM_INCOMPLETE,	/* connection ended inside a reply */
	SS_ANOM_LAST
};
extern const char *const ss_anomaly_names[SS_ANOM_LAST]; /* "bare-lf" */
extern const char *const ss_anomaly_text[SS_ANOM_LAST];	 /* in words */
#define SS_ANOM_BIT(a)	(1u << (a))

/* Enhanced status code (RFC 3463), parsed once. */
/* Only set on a reply when its class matches the reply code's first digit. */
struct ss_enhanced {
	int	present;
	int	class_;		/* 2, 4 or 5 */
	int	subject;	/* 0-999 */
	int	detail;		/* 0-999 */
};

struct ss_reply_line {
	char		*raw;	/* the bytes of the line, without its end */
	size_t		 len;	/* bytes stored in raw */
	size_t		 dropped; /* bytes past SS_REPLY_LINE_KEEP, not stored */
	const char	*text;	/* points into raw after "NNN-", or at the
				   end when the line is shorter */
	int		 code;	/* the line's own code: three digits keep
				   their value even outside the grammar
				   (flagged bad-code); -1 if not digits */
	int		 last;	/* this line ended the reply: any line
				   whose fourth byte is not '-' does */
	unsigned	 anomalies; /* SS_ANOM_BIT set */
};

struct ss_reply {
	int			 code;	/* first line's code, -1 if none */
	struct ss_enhanced	 enhanced; /* from the first line's text */
	struct ss_reply_line	*lines;
	size_t			 nlines;
	size_t			 lines_dropped;
	unsigned		 anomalies; /* union of the lines' (dropped
					       lines included) */
};

void	ss_reply_free(struct ss_reply *);
/* Parse "X.Y.Z" at the start of text; returns chars consumed, 0 if none. */
size_t	ss_enhanced_parse(const char *, size_t, struct ss_enhanced *);

struct ss_reply_parser;

struct ss_reply_parser *ss_reply_parser_create(void);
void	ss_reply_parser_destroy(struct ss_reply_parser *);
/*
 * Consume bytes.  Returns how many bytes were consumed: all of them, unless
 * a reply was completed, in which case it stops right after the line that
 * ended it and stores the reply in *out (else *out is NULL).  Call again
 * with the rest.  Stopping after each reply lets a caller treat what
 * follows a STARTTLS 220 differently.
 */
size_t	ss_reply_parser_feed(struct ss_reply_parser *, const char *, size_t,
	    struct ss_reply **out);
/* The connection ended: returns a partial reply (flagged
 * SS_ANOM_INCOMPLETE) if one was in progress, else NULL. */
struct ss_reply *ss_reply_parser_eof(struct ss_reply_parser *);
/* Bytes received for the unfinished reply (counted even when not stored,
 * clamped to INT_MAX); 0 when nothing is in progress. */
int	ss_reply_parser_pending(const struct ss_reply_parser *);
void	ss_reply_parser_reset(struct ss_reply_parser *);
/*
 * Bytes the flood gate cut before they reached the transcript (an
 * SS_KIND_CUT note): lines > 0 counts whole continuation lines of the open
 * reply (dropped, flagged too-many-lines), lines == 0 bytes of the open
 * line past SS_REPLY_LINE_KEEP (counted, flagged line-too-long at its end).
 */
void	ss_reply_parser_skip(struct ss_reply_parser *, size_t lines,
	    size_t bytes);
/* Memory a finished reply holds, for the session's bound. */
size_t	ss_reply_memory(const struct ss_reply *);

#endif
