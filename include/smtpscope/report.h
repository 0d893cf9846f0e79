/*
 * report.h: a session rendered for people (text) and programs (JSON).
 * Both are functions of the transcript and its dialog; batch mode prints
 * them, the exports of saved sessions reuse them.  The JSON shape is
 * documented in doc/json.md.
 */
#ifndef SMTPSCOPE_REPORT_H
#define SMTPSCOPE_REPORT_H

#include <stddef.h>

struct ss_buf;
struct ss_dialog;
struct ss_findings_options;
struct ss_transcript;

struct ss_report_target {
	const char	*host;
	int		 port;
	const char	*address;	/* what was connected to, or NULL */
	const char	*result;	/* ss_result_names[], or NULL */
	const char	*message;	/* the last step's message, or NULL */
	int		 code;		/* the last reply code, 0 if none */
	/* What the user wants to do (wanted mechanism, message size, the
	 * port's configuration), for the findings; NULL checks nothing
	 * optional. */
	const struct ss_findings_options *findings;
	const char	*imported;	/* the format of a pasted log, or
					   NULL for a capture */
};

/* The terminal library's version ("6.4"), which the core does not link,
 * for the JSON report's "tool"; set once at start-up (the string must
 * outlive the reports); until then it is left out. */
void	ss_report_set_curses_version(const char *);

#define SS_REPORT_TIMINGS	0x01	/* show per-event times */
#define SS_REPORT_FINDINGS	0x02	/* add findings and client set-ups
					   (the reports for tickets) */

/* Transcript, capability table by phase, TLS summary, AUTH outcome and
 * result, appended to the buffer.  Every byte of server text (and of the
 * certificates) passes through ss_text_escape. */
void	ss_report_text(struct ss_buf *, const struct ss_transcript *,
	    const struct ss_dialog *, const struct ss_report_target *,
	    unsigned flags);
/* The same content as a Markdown document: the transcript in a fenced
 * block, the capabilities and TLS summary as tables.  Server text is
 * escaped with ss_text_escape, then Markdown's punctuation is
 * backslash-escaped, so nothing a server sends can add a link, an image,
 * a heading or a table cell. */
void	ss_report_markdown(struct ss_buf *, const struct ss_transcript *,
	    const struct ss_dialog *, const struct ss_report_target *,
	    unsigned flags);
/* The JSON document, compact, one line, NUL-terminated; caller frees.
 * It always carries "findings" and "setups". */
char	*ss_report_json(const struct ss_transcript *,
	    const struct ss_dialog *, const struct ss_report_target *);

#endif
