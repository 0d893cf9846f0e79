/*
 * store.h: sessions on disk.
 *
 * The native format is versioned, line-oriented text a person can read and
 * write by hand (doc/session-format.md).  Every byte round-trips: event
 * bytes are written with the reversible escapes of text.h.  Saving is
 * atomic (a temporary file renamed into place) and the file is mode 0600.
 *
 * Loading never trusts the file: any error is reported as "file:line:
 * reason" and no partial transcript is returned.
 *
 * Imports turn what people paste into tickets (telnet or nc sessions, swaks
 * output, openssl s_client output) into the same transcript model, with
 * AUTH payloads redacted on the way in.
 *
 * Ownership: returned transcripts belong to the caller.
 */
#ifndef SMTPSCOPE_STORE_H
#define SMTPSCOPE_STORE_H

#include <stddef.h>

struct ss_buf;
struct ss_transcript;

#define SS_STORE_MAGIC		"smtpscope-session"
#define SS_STORE_VERSION	1

/* The native text of a transcript. */
void	ss_store_write(const struct ss_transcript *, struct ss_buf *);
/* Write atomically, mode 0600.  Returns -1 with *err set. */
int	ss_store_save(const struct ss_transcript *, const char *path,
	    char **err);
/* Parse native text; name is used in error messages. */
struct ss_transcript *ss_store_parse(const char *, size_t, const char *name,
		    char **err);

enum ss_import_format {
	SS_IMPORT_NATIVE,
	SS_IMPORT_TELNET,	/* telnet or nc: codes are the server's */
	SS_IMPORT_SWAKS,	/* swaks' ->, <-, ~>, <~, ===, *** markers */
	SS_IMPORT_OPENSSL,	/* openssl s_client -starttls smtp */
	SS_IMPORT_FORMAT_LAST
};
extern const char *const ss_import_format_names[SS_IMPORT_FORMAT_LAST];
/* Format by name ("telnet"); SS_IMPORT_FORMAT_LAST if unknown. */
enum ss_import_format ss_import_format_from_name(const char *);
/* Guess the format of a text. */
enum ss_import_format ss_import_detect(const char *, size_t);
/* Turn a text of the given format into a transcript. */
struct ss_transcript *ss_import(const char *, size_t, enum ss_import_format,
		    const char *name, char **err);

/* Read a whole file (at most max bytes); returns -1 with *err set. */
int	ss_store_read_file(const char *path, size_t max, struct ss_buf *,
	    char **err);
/* Load a file of any format (detected unless forced: pass
 * SS_IMPORT_FORMAT_LAST to detect). */
struct ss_transcript *ss_store_load(const char *path, enum ss_import_format,
		    char **err);

#endif
