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
 * Imports of pasted logs live above this module (import.h): they call
 * ss_store_parse for native files, and nothing here calls them.
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

/* Read a whole file (at most max bytes); returns -1 with *err set. */
int	ss_store_read_file(const char *path, size_t max, struct ss_buf *,
	    char **err);

#endif
