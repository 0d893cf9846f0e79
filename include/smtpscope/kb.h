/*
 * kb.h: facts about SMTP, compiled in from data files in src/core/kb/:
 * ESMTP keywords, reply codes, enhanced status codes and SASL mechanisms,
 * each with its defining RFC and an explanation in our own words.
 *
 * Entries are static and never freed.  Lookups are case-insensitive.
 */
#ifndef SMTPSCOPE_KB_H
#define SMTPSCOPE_KB_H

#include <stddef.h>

struct ss_buf;

enum ss_kb_kind {
	SS_KB_KEYWORD,		/* "STARTTLS" */
	SS_KB_REPLY,		/* "530" */
	SS_KB_ENHANCED,		/* "5.7.8", or a class/subject "X.7.8" */
	SS_KB_MECH,		/* "CRAM-MD5" */
	SS_KB_KIND_LAST
};
extern const char *const ss_kb_kind_names[SS_KB_KIND_LAST];

struct ss_kb_entry {
	enum ss_kb_kind	 kind;
	const char	*token;		/* as registered: "SIZE", "5.7.8" */
	const char	*title;		/* a few words: "Message size limit" */
	const char	*rfc;		/* "RFC 1870", or NULL when none */
	const char	*status;	/* "standard", "obsolete", ... */
	const char	*summary;	/* one sentence */
	const char	*detail;	/* a short paragraph, or NULL */
	const char	*safe;		/* mechanisms: safe over plaintext? */
};

const struct ss_kb_entry *ss_kb_keyword(const char *);
const struct ss_kb_entry *ss_kb_reply(int);
/* Exact code first ("5.7.8"), then its X.subject.detail entry. */
const struct ss_kb_entry *ss_kb_enhanced(int class_, int subject, int detail);
/* The entry of a class ("5.X.X") or of a subject ("X.7.X"); NULL if none. */
const struct ss_kb_entry *ss_kb_enhanced_class(int class_);
const struct ss_kb_entry *ss_kb_enhanced_subject(int subject);
const struct ss_kb_entry *ss_kb_mech(const char *);
/* Any token: a keyword, a reply code, an enhanced code or a mechanism. */
const struct ss_kb_entry *ss_kb_lookup(const char *);

/* Every entry of a kind, for coverage tests and listings. */
size_t	ss_kb_count(enum ss_kb_kind);
const struct ss_kb_entry *ss_kb_at(enum ss_kb_kind, size_t);

/* Decode a keyword's parameters in words ("SIZE 629145600" -> "limit
 * 600 MiB (629145600 octets)"); appends nothing when there is nothing
 * to say. */
void	ss_kb_describe_params(const char *keyword, const char *params,
	    struct ss_buf *);

/* Append one entry in full, as --explain prints it: heading, kind, RFC,
 * status, class and subject of an enhanced code, reply class, whether a
 * mechanism is safe without TLS, summary and detail; lines end in '\n'.
 * Returns -1 (appending nothing) when the token is unknown. */
int	ss_kb_explain(const char *token, struct ss_buf *);

#endif
