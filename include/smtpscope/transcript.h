/*
 * transcript.h: the append-only event list that is a session's single
 * source of truth (doc/architecture.md).
 *
 * Every view (capability table, TLS summary, findings, the wire pane) is a
 * function of a prefix of this list.  A live session appends; a replay loads
 * a list and moves a cursor over it.
 *
 * Ownership: the transcript owns every event and its bytes.  Pointers
 * returned by ss_transcript_get stay valid until the transcript is
 * destroyed (events are never moved: they live in fixed-size chunks).
 */
#ifndef SMTPSCOPE_TRANSCRIPT_H
#define SMTPSCOPE_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

enum ss_dir {
	SS_DIR_CLIENT,		/* C: bytes the client wrote, one write each */
	SS_DIR_SERVER,		/* S: bytes the server sent, as received */
	SS_DIR_TLS,		/* T: a TLS milestone */
	SS_DIR_INFO,		/* I: the tool's own note */
	SS_DIR_LAST
};
extern const char *const ss_dir_letters[SS_DIR_LAST];	/* "C", "S", ... */

/*
 * Kinds of T and I records.  C and S events use SS_KIND_DATA.  The text of
 * a record is human-readable and, for the structured kinds, made of
 * key=value words that ss_dialog parses back (so a loaded file reproduces
 * the TLS summary exactly).
 */
enum ss_kind {
	SS_KIND_DATA,
	/* T records */
	SS_KIND_TLS_START,	/* "handshake started sni=NAME versions=A-B" */
	SS_KIND_TLS_UP,		/* "version=TLSv1.3 cipher=NAME group=NAME"
				   (group only when known) */
	SS_KIND_TLS_CERT,	/* base64 DER of one peer certificate, leaf first */
	SS_KIND_TLS_VERIFY,	/* "ok" or "failed flags=0xN" plus words */
	SS_KIND_TLS_FAIL,	/* handshake or I/O failure, in words */
	SS_KIND_TLS_CLOSE,	/* close_notify sent or received */
	SS_KIND_TLS_TICKET,	/* a TLS 1.3 NewSessionTicket arrived */
	SS_KIND_TLS_CLIENT_CERT, /* "sent subject=DN sha256=AB:CD:..." */
	/* I records */
	SS_KIND_RESOLVE,	/* "host -> addr addr ..." */
	SS_KIND_CONNECT,	/* "connected to ADDR port P" (success only:
				   a failure is an SS_KIND_ERROR) */
	SS_KIND_STEP,		/* the user started a step: "EHLO", "AUTH PLAIN" */
	SS_KIND_TIMEOUT,	/* a step timed out */
	SS_KIND_ERROR,		/* any other failure, in words */
	SS_KIND_CLOSED,		/* the connection ended */
	SS_KIND_NOTE,		/* free text (warnings, user notes) */
	SS_KIND_SASL,		/* a mechanism's verdict: "SCRAM-SHA-256
				   server-signature=ok" (doc/auth.md) */
	SS_KIND_CUT,		/* server bytes past a limit, counted and not
				   kept (src/core/flood.c): a sentence, then
				   "lines=N bytes=N first_us=T last_us=T" */
	SS_KIND_LAST
};
extern const char *const ss_kind_names[SS_KIND_LAST];	/* "data", "tls-up" */

/* Reverse lookups for loaders: the enum value, or -1 if unknown. */
int	ss_dir_from_letter(const char *);
int	ss_kind_from_name(const char *);

/* Event flags. */
#define SS_EVF_TLS	0x01	/* the bytes travelled inside TLS */
#define SS_EVF_REDACTED	0x02	/* a secret was replaced when captured */
#define SS_EVF_DISCARDED 0x04	/* received but never used (injection) */
#define SS_EVF_INFERRED	0x08	/* not in an imported log: its shape
				   proves it (doc/import-formats.md) */

struct ss_event {
	uint64_t	 t_us;	/* microseconds since the session started */
	enum ss_dir	 dir;
	enum ss_kind	 kind;
	unsigned	 flags;
	size_t		 len;
	const char	*data;	/* len bytes, plus a NUL not counted */
};

struct ss_transcript;

struct ss_transcript *ss_transcript_create(void);
void	ss_transcript_destroy(struct ss_transcript *);

/* Append a copy of the bytes; returns the new event's index. */
size_t	ss_transcript_append(struct ss_transcript *, uint64_t t_us,
	    enum ss_dir, enum ss_kind, unsigned flags, const void *, size_t);
/* Convenience for records: printf-formatted text. */
size_t	ss_transcript_note(struct ss_transcript *, uint64_t t_us,
	    enum ss_dir, enum ss_kind, unsigned flags, const char *, ...)
	    __attribute__((format(printf, 6, 7)));

size_t	ss_transcript_count(const struct ss_transcript *);
/* NULL when the index is past the end. */
const struct ss_event *ss_transcript_get(const struct ss_transcript *,
	    size_t);
/* Payload bytes held (what was sent and received, plus records). */
size_t	ss_transcript_bytes(const struct ss_transcript *);
/* Memory the transcript holds: events, their bytes and the slack of the
 * blocks they live in; the limits on hostile peers count this. */
size_t	ss_transcript_memory(const struct ss_transcript *);

/* Metadata kept with a saved session (target, tool version, start, note).
 * Keys and values are copied; setting a key again replaces it. */
void	ss_transcript_set_meta(struct ss_transcript *, const char *,
	    const char *);
const char *ss_transcript_meta(const struct ss_transcript *, const char *);
size_t	ss_transcript_meta_count(const struct ss_transcript *);
/* Entries in the order their keys were first set; NULLs past the end. */
void	ss_transcript_meta_at(const struct ss_transcript *, size_t,
	    const char **, const char **);

#endif
