/*
 * import.h: logs people paste into tickets turned into transcripts
 * (doc/import-formats.md).
 *
 * This module sits above the native store (store.h) and the readers of
 * pasted formats: it detects what a text is, and hands it to the native
 * parser or to one reader.  Neither the store nor a reader calls back into
 * it.  Every reader produces the transcript a live capture would have
 * recorded, with AUTH payloads and SASL responses redacted on the way in.
 *
 * Errors are returned as "NAME:LINE: reason" in *err (caller frees).
 * Ownership: returned transcripts belong to the caller.
 */
#ifndef SMTPSCOPE_IMPORT_H
#define SMTPSCOPE_IMPORT_H

#include <stddef.h>

struct ss_transcript;

enum ss_import_format {
	SS_IMPORT_NATIVE,
	SS_IMPORT_TELNET,	/* telnet or nc: codes are the server's */
	SS_IMPORT_SWAKS,	/* swaks' ->, <-, ~>, <~, ===, *** markers */
	SS_IMPORT_OPENSSL,	/* openssl s_client -starttls smtp */
	SS_IMPORT_PHPMAILER,	/* SERVER -> CLIENT: / CLIENT -> SERVER: */
	SS_IMPORT_SMTPLIB,	/* Python: send: b'...', reply: b'...' */
	SS_IMPORT_PREFIXED,	/* S:/C:, <<</>>>, <-/->, <--/--> lines */
	SS_IMPORT_EXCHANGE,	/* Exchange SMTP protocol log (CSV) */
	SS_IMPORT_JAVAMAIL,	/* JavaMail's DEBUG SMTP: output */
	SS_IMPORT_POSTFIX,	/* postfix smtp/smtpd -v: "> host: EHLO" */
	SS_IMPORT_OPENSMTPD,	/* smtpd -T smtp: "smtp: 0x..: <<< EHLO" */
	SS_IMPORT_THUNDERBIRD,	/* MOZ_LOG SMTP or mailnews.smtp C:/S: */
	SS_IMPORT_OUTLOOK,	/* Outlook's SMTP log: [tx] / [rx] */
	SS_IMPORT_FORMAT_LAST
};
extern const char *const ss_import_format_names[SS_IMPORT_FORMAT_LAST];
/* Format by name ("telnet", "nc", "python"); SS_IMPORT_FORMAT_LAST if
 * unknown. */
enum ss_import_format ss_import_format_from_name(const char *);
/* The names --import-format accepts, comma-separated (static). */
const char *ss_import_format_list(void);
/* Guess the format of a text; SS_IMPORT_FORMAT_LAST when nothing in it
 * looks like any format (ss_import then says what it looked for). */
enum ss_import_format ss_import_detect(const char *, size_t);
/* Turn a text of the given format (SS_IMPORT_FORMAT_LAST: detected) into
 * a transcript; name is used in error messages. */
struct ss_transcript *ss_import(const char *, size_t, enum ss_import_format,
		    const char *name, char **err);
/* Load a file of any format (detected unless forced: pass
 * SS_IMPORT_FORMAT_LAST to detect). */
struct ss_transcript *ss_store_load(const char *path, enum ss_import_format,
		    char **err);

#endif
