/*
 * tui.h: the explorer, smtpscope's full-screen front end.  It draws only
 * state the core holds (the session's transcript and dialog) and drives the
 * session through its public API.
 */
#ifndef SMTPSCOPE_TUI_H
#define SMTPSCOPE_TUI_H

struct ss_session;

struct tui_config {
	const char	*theme;		/* name or path; NULL: "default" */
	int		 connect_now;	/* start the connect step at once */
	const char	*target_label;	/* "localhost:2525 (demo)" */
	const char	*note;		/* shown once in the status line, e.g.
					   the demo user and password */
};

/* Run until the user quits; returns the process exit code. */
int	tui_run(struct ss_session *, const struct tui_config *);

#endif
