/*
 * dialog.h: what a transcript means.  A dialog is fed the events of a
 * transcript in order and keeps everything derived from them: the display
 * lines, each command paired with its reply (a FIFO, so pipelined replies
 * pair correctly), the capability set of each phase, the TLS summary, the
 * AUTH outcome and the reply anomalies.
 *
 * A new connection (an SS_KIND_CONNECT record) starts afresh: capabilities,
 * TLS state and AUTH state describe the latest connection.  Lines and
 * exchanges of earlier connections stay.
 *
 * It is a pure function of a prefix of the transcript: feeding the same
 * events gives the same dialog, live or replayed.  The session engine reads
 * its exchanges to learn when a command has been answered.
 *
 * Ownership: the dialog owns copies of everything it keeps; it does not
 * keep pointers into the transcript.
 */
#ifndef SMTPSCOPE_DIALOG_H
#define SMTPSCOPE_DIALOG_H

#include <stddef.h>
#include <stdint.h>

#include "smtpscope/caps.h"
#include "smtpscope/reply.h"
#include "smtpscope/transcript.h"

enum ss_phase {
	SS_PHASE_BEFORE_TLS,
	SS_PHASE_AFTER_TLS,
	SS_PHASE_AFTER_AUTH,
	SS_PHASE_LAST
};
extern const char *const ss_phase_names[SS_PHASE_LAST]; /* "before_tls" */
extern const char *const ss_phase_titles[SS_PHASE_LAST]; /* "before TLS" */

/* SMTP verbs the dialog recognises in client lines. */
enum ss_verb {
	SS_VERB_NONE,		/* the greeting: no command */
	SS_VERB_EHLO, SS_VERB_HELO, SS_VERB_STARTTLS, SS_VERB_AUTH,
	SS_VERB_MAIL, SS_VERB_RCPT, SS_VERB_DATA, SS_VERB_BDAT,
	SS_VERB_RSET, SS_VERB_NOOP, SS_VERB_VRFY, SS_VERB_EXPN,
	SS_VERB_HELP, SS_VERB_QUIT,
	SS_VERB_SASL,		/* a response to a 334 challenge */
	SS_VERB_BODY,		/* a DATA body, up to the final dot */
	SS_VERB_OTHER,		/* anything else the user typed */
	SS_VERB_LAST
};
extern const char *const ss_verb_names[SS_VERB_LAST];	/* "EHLO" */

/* Flags of a display line. */
#define SS_LINE_TLS		0x01	/* inside TLS */
#define SS_LINE_DISCARDED	0x02	/* injected plaintext, not used */
#define SS_LINE_REDACTED	0x04	/* a secret was replaced */
#define SS_LINE_NO_EOL		0x08	/* line not (yet) terminated */
#define SS_LINE_BODY		0x10	/* part of a DATA body */
#define SS_LINE_RECORD		0x20	/* a T or I record, not wire bytes */

/* One line as the wire pane shows it. */
struct ss_line {
	size_t		 event;		/* event it ended in */
	uint64_t	 t_us;
	enum ss_dir	 dir;
	enum ss_kind	 kind;
	unsigned	 flags;		/* SS_LINE_* */
	unsigned	 anomalies;	/* SS_ANOM_BIT set, server lines */
	long		 exchange;	/* index, or -1 */
	char		*bytes;		/* without the line end */
	size_t		 len;
};

/* A command and its reply. */
struct ss_exchange {
	enum ss_verb	 verb;
	char		*command;	/* the line as captured (redacted) */
	size_t		 cmd_event;	/* event of the command (0 for the
					   greeting) */
	uint64_t	 sent_us;
	int		 tls;		/* sent inside TLS */
	enum ss_phase	 phase;		/* phase when the reply came */
	struct ss_reply	*reply;		/* NULL while waiting */
	size_t		 reply_event;	/* event that completed the reply */
	uint64_t	 reply_us;
	long		 first_line;	/* index of the reply's first line */
	int		 unsolicited;	/* a reply no command asked for */
	int		 greeting;	/* the banner of a connection */
};

struct ss_tls_summary {
	int		 started;	/* a handshake began */
	int		 established;
	char		*sni;		/* NULL when none was sent */
	char		*version;	/* "TLSv1.2" */
	char		*cipher;
	char		*group;		/* "x25519", or NULL when not known */
	unsigned	 tickets;	/* session tickets after the handshake */
	char		*client_cert;	/* "subject=... sha256=..." sent */
	int		 verify_known;	/* a VERIFY record was seen */
	uint32_t	 verify_flags;	/* 0 = verified */
	int		 verify_ignored; /* user went on knowingly */
	char		*verify_text;	/* the reasons in words */
	size_t		 ncerts;
	size_t		 cert_events[8]; /* events holding the chain (DER b64) */
	char		*failure;	/* why the handshake failed, or NULL */
	int		 implicit;	/* TLS from the first byte */
};

struct ss_dialog;

struct ss_dialog *ss_dialog_create(void);
void	ss_dialog_destroy(struct ss_dialog *);
/* Feed the next event; index must be the number fed so far. */
void	ss_dialog_feed(struct ss_dialog *, const struct ss_event *);
size_t	ss_dialog_fed(const struct ss_dialog *);
/* Bytes of memory the dialog holds, about (the session's bound). */
size_t	ss_dialog_memory(const struct ss_dialog *);
/* A dialog of the first upto events of a transcript. */
struct ss_dialog *ss_dialog_build(const struct ss_transcript *, size_t upto);
/*
 * The same, exact, but cheap: a view of full (a dialog built over the
 * whole transcript) that borrows what full derived before the last quiet
 * point and derives only the rest, so its cost does not grow with the
 * session's length.  The view must be destroyed before full, and full must
 * not be fed while views exist.
 */
struct ss_dialog *ss_dialog_view(const struct ss_dialog *full,
		    const struct ss_transcript *, size_t upto);

size_t	ss_dialog_line_count(const struct ss_dialog *);
/* Lines a view borrows from its full dialog: final, and the same objects
 * in every view of that dialog that borrows at least as many (0 for a
 * dialog that is not a view). */
size_t	ss_dialog_borrowed_lines(const struct ss_dialog *);
const struct ss_line *ss_dialog_line(const struct ss_dialog *, size_t);

size_t	ss_dialog_exchange_count(const struct ss_dialog *);
const struct ss_exchange *ss_dialog_exchange(const struct ss_dialog *,
		    size_t);
/* Commands sent and not yet answered. */
size_t	ss_dialog_pending(const struct ss_dialog *);
/* Is a server reply half received (lines without the final one)? */
int	ss_dialog_reply_in_progress(const struct ss_dialog *);

/* The capabilities of the last EHLO answered in that phase; NULL if the
 * phase was not reached or had no successful EHLO. */
const struct ss_caps *ss_dialog_caps(const struct ss_dialog *, enum ss_phase);
/* The most recent capability set of any phase, or NULL. */
const struct ss_caps *ss_dialog_current_caps(const struct ss_dialog *);
enum ss_phase ss_dialog_phase(const struct ss_dialog *);
int	ss_dialog_in_tls(const struct ss_dialog *);
const struct ss_tls_summary *ss_dialog_tls(const struct ss_dialog *);

/* AUTH: the mechanism last tried ("" if none) and its final code (0 while
 * none, 235 on success). */
const char *ss_dialog_auth_mech(const struct ss_dialog *);
int	ss_dialog_auth_code(const struct ss_dialog *);
/* The banner reply, or NULL. */
const struct ss_reply *ss_dialog_greeting(const struct ss_dialog *);
/* Union of all anomalies seen, and count of each. */
unsigned ss_dialog_anomalies(const struct ss_dialog *);
size_t	ss_dialog_anomaly_count(const struct ss_dialog *, enum ss_anomaly);
/* Bytes of plaintext received after a STARTTLS 220 and discarded. */
size_t	ss_dialog_injected_bytes(const struct ss_dialog *);

#endif
