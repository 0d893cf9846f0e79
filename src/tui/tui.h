/*
 * tui.h: the explorer, smtpscope's full-screen front end.  It draws only
 * state the core holds (the session's transcript and dialog) and drives the
 * session through its public API.
 *
 * Every field of struct tui_config may be left zero (memset): the defaults
 * are given beside each.  The strings are borrowed for the run.
 */
#ifndef SMTPSCOPE_TUI_H
#define SMTPSCOPE_TUI_H

struct ss_session;
struct ss_transcript;

struct tui_config {
	const char	*theme;		/* name or path; NULL: "default" */
	int		 connect_now;	/* start the connect step at once */
	const char	*target_label;	/* "localhost:2525 (demo)" */
	const char	*note;		/* shown once in the status line, e.g.
					   the demo user and password */
	/* Prefills of the prompts (all optional). */
	const char	*user;		/* AUTH user name */
	const char	*mail_from;	/* NULL: "<smtpscope@example.org>" */
	const char	*rcpt_to;	/* NULL: "<postmaster@HOST>" */
	const char	*host;		/* for the RCPT prefill and the
					   name w offers; a replay takes
					   the file's "meta host" */
};

/* Run until the user quits; returns the process exit code (0, or 1 when
 * the terminal cannot be used). */
int	tui_run(struct ss_session *, const struct tui_config *);

/*
 * Replay a loaded transcript (borrowed; the caller frees it after) with a
 * step cursor: n/Space and p/Backspace step, Home/End go to the first and
 * last step, and every pane shows what was known at the step.  A step is
 * one I step record (what the user started), or, in transcripts without
 * them (imports), one client write; the greeting is the first.  The
 * protocol keys are inactive.  Returns like tui_run; 1 also when the
 * transcript has no events.
 */
int	tui_replay(struct ss_transcript *, const struct tui_config *);

#endif
