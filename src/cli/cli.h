/*
 * cli.h: the smtpscope program around the core: options, the password,
 * the session set-up shared by every mode, batch mode and the demo server
 * on its own.  Only this layer prints to stdout/stderr and picks exit codes.
 */
#ifndef SMTPSCOPE_CLI_H
#define SMTPSCOPE_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "smtpscope/demo.h"
#include "smtpscope/mx.h"
#include "smtpscope/report.h"
#include "smtpscope/session.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/tls.h"

/* Batch exit codes (doc/exit-codes.md). */
enum cli_exit {
	CLI_EXIT_OK = 0,	/* every step succeeded */
	CLI_EXIT_INTERNAL = 1,	/* a bug or a resource failure */
	CLI_EXIT_USAGE = 2,	/* bad options */
	CLI_EXIT_CONNECT = 3,	/* resolve, refused, unreachable */
	CLI_EXIT_TLS = 4,	/* handshake or certificate verification */
	CLI_EXIT_REFUSED = 5,	/* the server answered a step with 4xx/5xx */
	CLI_EXIT_TIMEOUT = 6,
	CLI_EXIT_DROPPED = 7	/* connection dropped, or protocol error */
};

/* What --export writes. */
enum cli_export {
	CLI_EXPORT_NONE,
	CLI_EXPORT_JSON,	/* the --json document */
	CLI_EXPORT_TEXT,	/* a plain-text report for a ticket */
	CLI_EXPORT_MARKDOWN,
	CLI_EXPORT_LAST
};
extern const char *const cli_export_names[CLI_EXPORT_LAST];

/* One step of --steps: "rcpt:<a@example.org>" gives arg "<a@...>". */
struct cli_step {
	enum ss_step	 step;
	char		*arg;		/* NULL when none */
};

/* --mx: which exchangers of a domain TARGET to use (doc/mx.md). */
enum cli_mx_mode {
	CLI_MX_FIRST,		/* the best one (the default) */
	CLI_MX_ALL,		/* each in turn, one report each (batch) */
	CLI_MX_NONE,		/* no lookup: TARGET is a host */
	CLI_MX_LAST
};
extern const char *const cli_mx_names[CLI_MX_LAST];

/* What the command line asked for.  Strings point into argv unless noted. */
struct cli_options {
	const char		*target;	/* HOST, HOST:PORT, [V6]:PORT */
	int			 port;		/* 0: from TARGET or default */
	int			 implicit_tls;	/* --tls */
	int			 starttls;	/* --starttls: force it */
	int			 no_tls;
	const char		*ca_file;
	const char		*servername;
	int			 no_verify;
	enum ss_tls_version	 tls_min;
	enum ss_tls_version	 tls_max;	/* SS_TLS_ANY: newest */
	const char		*keylog;	/* --keylog, else SSLKEYLOGFILE */
	const char		*user;
	const char		*password_file;
	const char		*cert_file;	/* --cert: client certificate */
	const char		*key_file;	/* --key */
	const char		*key_passphrase_file;
	const char		*auth_mech;
	const char		*ehlo;
	const char		*from;
	const char		*to;
	int			 timeout_ms;
	struct cli_step		*steps;		/* owned; NULL: defaults */
	size_t			 nsteps;
	int			 batch;
	int			 json;
	int			 demo;
	const char		*profile;	/* --demo PROFILE or --profile */
	const char		*serve_demo;	/* ADDR:PORT */
	const char		*theme;
	/* Saved sessions (doc/sessions.md). */
	const char		*save;		/* --save FILE */
	const char		*note;		/* --note TEXT, kept in it */
	const char		*replay;	/* --replay FILE */
	enum ss_import_format	 import_format;	/* LAST: detect */
	enum cli_export		 export;
	const char		*output;	/* -o FILE; NULL: stdout */
	const char		*rerun;		/* --rerun FILE */
	const char		*compare_a;	/* --compare A B */
	const char		*compare_b;
	enum cli_mx_mode	 mx;		/* --mx */
	int			 check;		/* --check: exit by findings */
	uint64_t		 message_size;	/* --size, 0: none */
	const char		*explain;	/* --explain TOKEN */
};

/* Parse argv.  Returns 0 to go on, 1 when --help or --version was printed
 * (exit 0), -1 on a usage error (already reported on stderr). */
int	cli_options_parse(int, char **, struct cli_options *);
void	cli_options_free(struct cli_options *);
void	cli_usage_hint(void);

/* Everything a mode needs to run a session, built from the options. */
struct cli_setup {
	struct ss_session_config	 cfg;
	struct ss_demo			*demo;		/* --demo, in a thread */
	char				*host;		/* owned */
	int				 port;
	char				*password;	/* owned, wiped */
	char				*key_passphrase; /* owned, wiped */
	char				 label[300];	/* "host:port" */
	char				 note[200];	/* demo credentials */
};

/* Build the session configuration, starting the in-process demo server
 * when asked.  prompt says whether a password may be asked on /dev/tty.
 * Returns an exit code: CLI_EXIT_OK or the failure (reported). */
int	cli_setup_init(struct cli_setup *, const struct cli_options *,
	    int prompt);
/* Wipe the password and key passphrase held for the session (after
 * ss_session_create, which keeps its own copies). */
void	cli_setup_forget_password(struct cli_setup *);
void	cli_setup_finish(struct cli_setup *);

/* The password from --password-file, SMTPSCOPE_PASSWORD or a prompt with
 * echo off on the terminal (when prompt is set).  Returns a string the
 * caller wipes with ss_free_secret, or NULL with *err set. */
char	*cli_password_get(const char *file, const char *user,
	    const char *what, int prompt,
	    char **err);

/* Where one secret may come from, in this order: the first line of file
 * (named by file_option in messages), the variable env, then a prompt. */
struct cli_secret_source {
	const char	*file;		/* NULL: none given */
	const char	*file_option;	/* "--password-file" */
	const char	*env;		/* "SMTPSCOPE_PASSWORD" */
	const char	*noun;		/* "password", "passphrase" */
	const char	*prompt;	/* "Password for alice: " */
};
/* The secret, for the caller to wipe with ss_free_secret; NULL with *err
 * set when no source has it (no prompt unless prompt is set). */
char	*cli_secret_get(const struct cli_secret_source *, int prompt,
	    char **err);

/* Batch mode: run the steps, print the report, return the exit code. */
int	cli_batch(const struct cli_options *);
/* What the user wants to do, for the findings (--auth, --size, ports). */
void	cli_findings_options(const struct cli_options *, int port,
	    struct ss_findings_options *);
/* The exit code for how a step ended. */
int	cli_exit_for(enum ss_result);

/* Write bytes to FILE (mode 0600) or stdout (NULL or "-"); exit code. */
int	cli_write_output(const char *path, const char *, size_t);
/* The report in the asked format (text, --json, --export) to stdout or
 * -o FILE; returns an exit code. */
int	cli_emit_report(const struct ss_transcript *, const struct ss_dialog *,
	    const struct ss_report_target *, const struct cli_options *);
/* --save FILE: record the outcome (tg may be NULL) and the --note in the
 * metadata, then save; returns an exit code. */
int	cli_save_session(struct ss_transcript *,
	    const struct ss_report_target *, const struct cli_options *);

/* Load a session file of any format, printing "file:line: reason" when
 * that fails; the caller destroys the transcript. */
struct ss_transcript *cli_load_session(const char *, enum ss_import_format);
/* The report heading of a loaded session, from its metadata; *owned is
 * freed by the caller, the rest borrowed from the transcript. */
void	cli_target_from_meta(const struct ss_transcript *,
	    struct ss_report_target *, char **owned);
/* --replay FILE. */
int	cli_replay(const struct cli_options *);

struct ss_compare;
/* Print a comparison as text (fitted to the terminal) or --json. */
int	cli_compare_print(const struct ss_compare *, const struct cli_options *);
/* "FILE (host port N)" for a loaded session; the caller frees. */
char	*cli_session_label(const char *, const struct ss_transcript *);
/* --compare A B. */
int	cli_compare(const struct cli_options *);
/* --rerun FILE TARGET. */
int	cli_rerun(const struct cli_options *);

/* --serve-demo: run the demo server until SIGINT or SIGTERM. */
int	cli_serve_demo(const struct cli_options *);

/* Print a message that may hold server text, escaped, on stderr. */
void	cli_warn(const char *, ...) __attribute__((format(printf, 1, 2)));

/* MX (src/cli/mx.c): the exchangers TARGET stands for, if any. */
struct cli_mx_plan {
	struct ss_mx	*list;		/* owned; NULL: TARGET is a host */
	size_t		 n;
	char		*summary;	/* owned; the transcript's note */
};
int	cli_mx_mode_from_name(const char *, enum cli_mx_mode *);
/* Usage errors of --mx (reported); 0 or -1. */
int	cli_mx_check(const struct cli_options *);
void	cli_mx_plan_init(struct cli_mx_plan *, const struct cli_options *);
size_t	cli_mx_plan_count(const struct cli_mx_plan *,
	    const struct cli_options *);
/* A copy of the options aimed at host i (strings borrowed from the plan). */
void	cli_mx_plan_options(const struct cli_mx_plan *,
	    const struct cli_options *, size_t, struct cli_options *);
void	cli_mx_plan_note(const struct cli_mx_plan *, size_t,
	    struct ss_transcript *);
/* Ask on the terminal which exchanger to explore; index, -1 to quit. */
int	cli_mx_plan_pick(const struct cli_mx_plan *);
void	cli_mx_plan_finish(struct cli_mx_plan *);
/* Batch mode against one host, with the plan's notes for host i. */
int	cli_batch_host(const struct cli_options *, const struct cli_mx_plan *,
	    size_t);

/* version.c: --version's line, and ncurses's version ("6.4") for the
 * JSON report's "tool". */
void	cli_version_print(FILE *);
const char *cli_curses_version(void);

#endif
