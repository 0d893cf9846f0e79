/*
 * text.h: turning untrusted bytes into text that is safe to show.
 *
 * Nothing from the wire may reach a terminal raw.  The escaper copies valid,
 * printable UTF-8 as it is and replaces everything else with a visible
 * escape: C0 controls and DEL as \xNN (CR as \r, LF as \n, tab as \t, ESC as
 * \e), C1 controls (U+0080-U+009F) as \u{85}, bidirectional overrides and
 * zero-width characters as \u{202E}, bytes that are not UTF-8 as \xNN, and a
 * backslash as \\ so the mapping stays reversible.  "Not UTF-8" is strict:
 * overlong forms, surrogates and code points past U+10FFFF are escaped byte
 * by byte.  Other invisible code points (soft hyphen, U+2028/2029, word
 * joiners, tag characters, noncharacters) are escaped like the bidi ones.
 * Hex digits are upper case; the callback gets each escape as one piece.
 *
 * The callback form lets a caller colour the escapes differently from text
 * (the TUI does); the buffer form is for batch output and JSON.
 */
#ifndef SMTPSCOPE_TEXT_H
#define SMTPSCOPE_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct ss_buf;

enum ss_text_piece {
	SS_TEXT_PLAIN,		/* printable text, valid UTF-8 */
	SS_TEXT_ESCAPE		/* an escape standing for hidden bytes */
};

/* Called for each run; the bytes are valid UTF-8 and safe to display.
 * Return non-zero to stop early. */
typedef int (*ss_text_cb)(enum ss_text_piece, const char *, size_t, void *);

/* Walk bytes as runs of text and escapes. */
void	ss_text_escape_cb(const void *, size_t, ss_text_cb, void *);
/* Append the escaped form to a buffer. */
void	ss_text_escape(struct ss_buf *, const void *, size_t);
/* Does the text hold anything that would be escaped? */
int	ss_text_needs_escape(const void *, size_t);
/* Reverse ss_text_escape; returns -1 on a malformed escape. */
int	ss_text_unescape(struct ss_buf *, const char *, size_t);
/* Display width in terminal cells of safe UTF-8 text: the widths glibc's
 * wcwidth gives in a UTF-8 locale, from a built-in table, so the answer
 * does not depend on the current locale.  A stray invalid byte counts 1. */
size_t	ss_text_width(const char *, size_t);
/* Decode one UTF-8 sequence (strict: no overlong forms, surrogates or code
 * points past U+10FFFF); returns its length, or 0 if none starts here. */
size_t	ss_text_utf8_decode(const void *, size_t, uint32_t *);

#endif
