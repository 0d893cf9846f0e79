/*
 * session.h: the SMTP client engine.  A non-blocking state machine that one
 * poll loop drives; the TUI and the batch mode both use it.
 *
 * The user starts one step at a time (connect, EHLO, STARTTLS, AUTH, ...).
 * The engine writes the command, records everything in the transcript, and
 * finishes the step when the dialog pairs a reply with it, when the step's
 * timeout passes, or when the connection fails.  A step the server did not
 * advertise is still sent (breaking the rules on purpose is how people
 * learn), with a warning in the transcript.
 *
 * The session and its transcript survive every failure: after a timeout, a
 * dropped connection or a TLS failure the transcript is intact and a new
 * connect may start.
 *
 * Ownership: the session owns its transcript and dialog; callers borrow
 * them.  The password is copied and wiped when the session is destroyed.
 */
#ifndef SMTPSCOPE_SESSION_H
#define SMTPSCOPE_SESSION_H

#include <poll.h>
#include <stddef.h>

#include "smtpscope/dialog.h"
#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"

enum ss_step {
	SS_STEP_CONNECT,
	SS_STEP_EHLO,
	SS_STEP_HELO,
	SS_STEP_STARTTLS,
	SS_STEP_AUTH,
	SS_STEP_MAIL,
	SS_STEP_RCPT,
	SS_STEP_DATA,		/* DATA, then the body after 354 */
	SS_STEP_RSET,
	SS_STEP_NOOP,
	SS_STEP_VRFY,
	SS_STEP_EXPN,
	SS_STEP_HELP,
	SS_STEP_QUIT,
	SS_STEP_RAW,		/* one line typed by the user */
	SS_STEP_PROBE_INJECT,	/* probe: "STARTTLS\r\nRSET" in one write;
				   a reply inside TLS to the RSET means the
				   server is open to command injection
				   (CVE-2011-0411) */
	SS_STEP_LAST
};
extern const char *const ss_step_names[SS_STEP_LAST];	/* "ehlo" */
/* Step by name, case-insensitive; SS_STEP_LAST if unknown. */
enum ss_step ss_step_from_name(const char *);

enum ss_state {
	SS_STATE_IDLE,		/* not connected */
	SS_STATE_CONNECTING,
	SS_STATE_GREETING,	/* connected, waiting for the banner */
	SS_STATE_READY,		/* nothing outstanding */
	SS_STATE_WAITING,	/* a command awaits its reply */
	SS_STATE_HANDSHAKE,	/* TLS handshake in progress */
	SS_STATE_CLOSED,	/* the connection ended */
	SS_STATE_LAST
};
extern const char *const ss_state_names[SS_STATE_LAST];

/* How the last step ended.  Also the batch exit codes' source. */
enum ss_result {
	SS_RESULT_NONE,		/* no step yet, or one in progress */
	SS_RESULT_OK,
	SS_RESULT_REFUSED,	/* the server answered 4xx or 5xx */
	SS_RESULT_CONNECT,	/* resolve or connect failed */
	SS_RESULT_TLS,		/* handshake or TLS I/O failed */
	SS_RESULT_VERIFY,	/* certificate verification failed */
	SS_RESULT_TIMEOUT,
	SS_RESULT_DROPPED,	/* the server closed or reset */
	SS_RESULT_PROTOCOL,	/* a reply we cannot use, or limits hit */
	SS_RESULT_CANCELLED,
	SS_RESULT_USAGE,	/* the step cannot start now */
	SS_RESULT_LAST
};
extern const char *const ss_result_names[SS_RESULT_LAST];

struct ss_session_config {
	const char	*host;		/* name or address literal */
	int		 port;
	const char	*servername;	/* SNI and verified name; default host */
	int		 implicit_tls;	/* TLS from the first byte (port 465) */
	int		 no_verify;	/* go on after a failed verification */
	struct ss_tls_client_config tls;
	const char	*ehlo_name;	/* default "smtpscope.local" */
	int		 timeout_ms;	/* per step; default 30000 */
	const char	*user;
	const char	*password;	/* copied; wiped on destroy */
	const char	*auth_mech;	/* NULL: strongest advertised */
	const char	*mail_from;	/* default "<smtpscope@example.org>" */
	const char	*rcpt_to;	/* default "<postmaster@HOST>" */
	const char	*data_body;	/* the test message; a default exists */
	size_t		 max_memory;	/* bytes the transcript and the dialog
					   may hold for what the server sent;
					   0: SS_SESSION_MEMORY.  Past it the
					   connection is closed and no new one
					   is opened (doc/hostile-peer.md) */
};

/*
 * The memory bound of a session: the transcript and the dialog together,
 * for what the server sent (the client's own bytes are not counted, so a
 * large message of the user's never trips it).  The explorer keeps 16 MiB;
 * batch mode 4 MiB, since its JSON report of server bytes full of control
 * characters takes up to 14 times their size again.
 */
#define SS_SESSION_MEMORY	(16u * 1024 * 1024)
#define SS_SESSION_BATCH_MEMORY	(4u * 1024 * 1024)

struct ss_session;

struct ss_session *ss_session_create(const struct ss_session_config *,
		    char **err);
void	ss_session_destroy(struct ss_session *);

struct ss_transcript	*ss_session_transcript(struct ss_session *);
const struct ss_dialog	*ss_session_dialog(const struct ss_session *);
enum ss_state		 ss_session_state(const struct ss_session *);
int			 ss_session_busy(const struct ss_session *);
/* The address connected to ("127.0.0.1 port 2525"), or NULL. */
const char		*ss_session_peer(const struct ss_session *);

/*
 * Start a step.  arg is the step's argument: the mechanism for AUTH (NULL:
 * configured or strongest), the address for MAIL/RCPT/VRFY/EXPN, the line
 * for RAW, the EHLO name, the message body for DATA (LF or CRLF line
 * ends; dot-stuffed when sent).  Returns 0, or -1 with a message in *err when the
 * step cannot start now (another is running, not connected).  A step that
 * breaks the rules starts anyway and the warning goes to the transcript.
 */
int	ss_session_start(struct ss_session *, enum ss_step, const char *arg,
	    char **err);
/* Cancel the running step; the connection stays open unless it was
 * connecting or in a handshake. */
void	ss_session_cancel(struct ss_session *);
/* Set the credentials used by the next AUTH (the TUI asks for them). */
void	ss_session_set_credentials(struct ss_session *, const char *user,
	    const char *password);
/* Change the port (and whether TLS starts at once) for the next connect
 * step: the usual submission ports are one key away in the explorer.
 * Returns -1 with *err set while a step runs or for a bad port. */
int	ss_session_set_port(struct ss_session *, int port, int implicit_tls,
	    char **err);
int	ss_session_port(const struct ss_session *);
int	ss_session_implicit_tls(const struct ss_session *);
/* Go on after a failed verification (the user chose to, knowingly). */
void	ss_session_accept_unverified(struct ss_session *);

/* The outcome of the last finished step. */
enum ss_result	 ss_session_result(const struct ss_session *);
const char	*ss_session_message(const struct ss_session *);
int		 ss_session_code(const struct ss_session *); /* last reply */

/*
 * The poll loop: fill in the descriptor to watch (returns 0 when there is
 * none) and the milliseconds until the next deadline (-1 for none); after
 * poll returns, call ss_session_process with the revents (0 on timeout).
 */
int	ss_session_pollfd(const struct ss_session *, struct pollfd *);
int	ss_session_timeout(const struct ss_session *);
void	ss_session_process(struct ss_session *, short revents);
/* Convenience for batch mode: run one step to its end, blocking. */
enum ss_result ss_session_run(struct ss_session *, enum ss_step,
		    const char *arg);

#endif
