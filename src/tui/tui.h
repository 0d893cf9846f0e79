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

#include <stddef.h>

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

/*
 * Before the explorer: let the user choose one of n items (a domain's mail
 * exchangers, best first, "10  mx1.example.org") on a screen of its own.
 * heading goes on the first row, why below the list.  Up/Down or j/k
 * move, Enter takes the selected item, 1-9 take that one, q or Esc quit.
 * Returns the index, TUI_PICK_QUIT, or TUI_PICK_NO_TERMINAL when stdin or
 * stdout is not a terminal (the caller asks some other way).
 */
#define TUI_PICK_QUIT		(-2)
#define TUI_PICK_NO_TERMINAL	(-3)
int	tui_pick(const char *theme, const char *heading, const char *why,
	    const char *const *items, size_t n);

#endif
