/*
 * import-int.h: what the readers of pasted logs share (not a public
 * header).
 *
 * import.c detects a text's format and dispatches it; each reader
 * (import-telnet.c, import-swaks.c, ...) classifies the lines of its
 * format and feeds one shared builder (import-build.c).  The builder
 * writes the connect record when the log shows the session's start,
 * gathers the lines of a reply into one S event, ends client lines with
 * CRLF, redacts AUTH payloads and SASL responses, marks what travelled
 * inside TLS, infers what the log does not show but its shape proves (an
 * EHLO answered by a multi-line 250 of keywords, a handshake after
 * STARTTLS's 220 in a log that goes on decrypted) and ends with a closed
 * record.  A new format is a new reader file and a line in import.c's
 * table.
 *
 * The text belongs to the caller.  Secret parts of client lines are never
 * copied out of it: a redacted line is built from its public part and the
 * size of the rest.
 */
#ifndef SMTPSCOPE_IMPORT_INT_H
#define SMTPSCOPE_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "smtpscope/import.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#define IMPORT_LINE_KEEP	4096		/* bytes of a line kept */
#define IMPORT_REPLY_FLUSH	(64 * 1024)	/* reply bytes per S event */
#define IMPORT_PEM_MAX		(64 * 1024)	/* base64 of one certificate */
#define IMPORT_CERTS_MAX	8		/* what the dialog keeps */
#define IMPORT_TICK_US		1000		/* synthetic time per event */
#define IMPORT_FIFO		64		/* commands awaiting a reply */
/* mbedTLS's "other reason" bit, which ss_tls_verify_words knows. */
#define IMPORT_VERIFY_OTHER	0x00100

/* One line of the text, trailing blanks and CR removed. */
struct import_line {
	const char	*p;
	size_t		 len;	/* bytes kept (at most IMPORT_LINE_KEEP) */
	size_t		 full;	/* bytes the line had */
	size_t		 no;	/* line number, from 1 */
};

/* What a client line asks for, so the reply's meaning is known. */
enum import_cmd {
	IMPORT_CMD_OTHER, IMPORT_CMD_EHLO, IMPORT_CMD_HELO,
	IMPORT_CMD_STARTTLS, IMPORT_CMD_AUTH, IMPORT_CMD_DATA,
	IMPORT_CMD_SASL, IMPORT_CMD_LAST
};

struct import;

/* One format: how to spot it, how to read it. */
struct import_reader {
	enum ss_import_format	 format;
	const char		*looks_for;	/* in words, for errors */
	int			 marks_tls;	/* the log says where TLS
						   starts: nothing inferred */
	/* Detection marks of one line: 0 none, 1 weak, 4 strong. */
	int	(*detect)(const struct import_line *);
	/* Optional: a first pass over the whole text (which side is the
	 * server), and the reader's state allocated. */
	void	(*start)(struct import *, const char *, size_t);
	void	(*line)(struct import *, const struct import_line *);
	/* Optional: the log has ended; free the reader's state. */
	void	(*end)(struct import *);
};

struct import {
	struct ss_transcript		*t;
	const struct import_reader	*reader;
	void				*priv;		/* the reader's */
	uint64_t		 now;
	struct ss_buf		 reply;		/* lines of the reply so far */
	size_t			 reply_lines;
	unsigned		 reply_flags;
	struct ss_buf		 scratch;
	int			 opened;	/* first event written */
	int			 no_connect;	/* the reader says: none */
	int			 plain_after_tls; /* the tool cannot speak TLS:
						   no handshake inferred */
	int			 tls;		/* TLS is up */
	int			 implicit;	/* TLS from the first byte */
	int			 tls_next;	/* STARTTLS got 220: TLS is
						   inferred at the next line */
	int			 sasl;		/* the last reply was a 334 */
	int			 sasl_user;	/* ... asking LOGIN's user */
	int			 auth_login;	/* AUTH LOGIN was sent */
	struct ss_buf		 last_reply;	/* the last reply written */
	int			 body;		/* client lines are a body */
	int			 ended;		/* the log said it was over */
	int			 inferred;	/* something was inferred */
	int			 found;		/* a session, even with no
						   server line (openssl) */
	size_t			 nserver;	/* server lines */
	size_t			 last_server_full; /* its length, for wraps */
	size_t			 nclient;	/* client lines */
	size_t			 skipped;	/* lines before the session */
	unsigned char		 fifo[IMPORT_FIFO];	/* enum import_cmd */
	size_t			 fifo_head, fifo_len;
	char			*host;
	char			*port;
	char			*addr;
	char			*closed;	/* the log's words for the end */
	char			*version;	/* TLS facts */
	char			*cipher;
	int			 in_pem;
	struct ss_buf		 pem;
	char			*certs[IMPORT_CERTS_MAX]; /* base64 DER */
	size_t			 ncerts;
};

/* A recognised line that is not dialogue: its prefix, the suffix it must
 * end with (NULL: any) and what it tells (NULL: nothing). */
struct import_noise {
	const char	*prefix;
	const char	*suffix;
	void		(*fn)(struct import *, const char *, size_t,
			    const struct import_line *);
};

/* The readers (one file each). */
extern const struct import_reader import_telnet_reader;
extern const struct import_reader import_swaks_reader;
extern const struct import_reader import_openssl_reader;
extern const struct import_reader import_phpmailer_reader;
extern const struct import_reader import_smtplib_reader;
extern const struct import_reader import_prefixed_reader;
extern const struct import_reader import_exchange_reader;
extern const struct import_reader import_javamail_reader;
extern const struct import_reader import_postfix_reader;
extern const struct import_reader import_opensmtpd_reader;
extern const struct import_reader import_thunderbird_reader;
extern const struct import_reader import_outlook_reader;

/* import-build.c: lines. */
int	import_next(const char *, size_t, size_t *, struct import_line *);
int	import_starts(const struct import_line *, const char *);
int	import_starts_nocase(const struct import_line *, const char *);
struct import_line import_tail(const struct import_line *, size_t);
struct import_line import_trim_left(const struct import_line *);
struct import_line import_skip_stamp(const struct import_line *);
const char *import_find(const struct import_line *, const char *);
int	import_code(const char *, size_t);
int	import_port_like(const char *, size_t);
int	import_reply_like(const struct import_line *);
/* Of a log's two direction marks, is mark 1 the server's?  all[i] counts
 * the lines behind mark i, coded[i] those that look like replies. */
int	import_server_is_mark1(const size_t all[2], const size_t coded[2]);
/* A reader's end when its state owns nothing but itself. */
void	import_free_priv(struct import *);
int	import_cmd_like(const struct import_line *);
void	import_set(char **, const char *, size_t);
int	import_noise(struct import *, const struct import_noise *, size_t,
	    const struct import_line *);
void	import_split_hostport(const char *, size_t, char **, char **);
int	import_side_of(const char *, size_t,
	    int (*)(const struct import_line *, struct import_line *));

/* import-build.c: the transcript. */
void	import_begin(struct import *);
void	import_event(struct import *, enum ss_dir, enum ss_kind, unsigned,
	    const char *, size_t);
void	import_record(struct import *, enum ss_dir, enum ss_kind,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
unsigned import_flags(const struct import *, int);
void	import_server_line(struct import *, const struct import_line *,
	    unsigned);
void	import_flush_reply(struct import *);
int	import_server_wrapped(struct import *, const struct import_line *);
void	import_client_line(struct import *, const struct import_line *,
	    unsigned);
void	import_client_redacted(struct import *, const char *, unsigned);
void	import_note_skipped(struct import *);
void	import_tls_up(struct import *, const char *, const char *,
	    const char *);
void	import_verify(struct import *, int, uint32_t, const char *);
int	import_pem_line(struct import *, const struct import_line *);
void	import_flush_certs(struct import *);

/* import-build.c: facts the logs tell about the connection. */
void	import_fact_addr(struct import *, const char *, size_t,
	    const struct import_line *);
void	import_fact_host(struct import *, const char *, size_t,
	    const struct import_line *);
void	import_fact_addr_port(struct import *, const char *, size_t,
	    const struct import_line *);
void	import_fact_host_port(struct import *, const char *, size_t,
	    const struct import_line *);
void	import_fact_closed(struct import *, const char *, size_t,
	    const struct import_line *);
void	import_fact_end(struct import *, const char *, size_t,
	    const struct import_line *);

#endif /* SMTPSCOPE_IMPORT_INT_H */
