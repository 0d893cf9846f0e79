/*
 * kb.h: facts about SMTP, compiled in from data files in src/core/kb/:
 * ESMTP keywords, reply codes, enhanced status codes and SASL mechanisms,
 * each with its defining RFC and an explanation in our own words.
 *
 * It also knows the replies of the big mail providers that mean a way of
 * logging in is switched off (ss_kb_provider_match), and the error
 * statuses of refused OAuth 2.0 tokens (ss_kb_oauth_status).
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

/* A provider's reply that says what kind of login it wants
 * (kb/providers.def). */
struct ss_kb_provider {
	const char	*finding;	/* "auth-basic-disabled" */
	int		 code;		/* 535; 0 matches any */
	const char	*enhanced;	/* "5.7.139"; NULL matches any */
	const char	*fragment;	/* text to find, or NULL */
	const char	*provider;	/* "Microsoft 365" */
	const char	*meaning;	/* what it means */
	const char	*change;	/* what to change in the client */
	const char	*reference;	/* the provider's page, or NULL */
};

/* The first provider row that a reply matches: its code, its enhanced
 * code as text ("5.7.139", or NULL when it has none) and its text (the
 * lines' texts joined; the fragment is compared without regard to case).
 * NULL when none does. */
const struct ss_kb_provider *ss_kb_provider_match(int code,
		    const char *enhanced, const char *text);
size_t	ss_kb_provider_count(void);
const struct ss_kb_provider *ss_kb_provider_at(size_t);

/* What the "status" of a refused OAuth token means (kb/oauth.def). */
struct ss_kb_oauth_status {
	const char	*status;	/* "invalid_token", "401" */
	const char	*meaning;
	const char	*change;
};

/* The entry for a status (case-insensitive), or NULL. */
const struct ss_kb_oauth_status *ss_kb_oauth_status(const char *);
size_t	ss_kb_oauth_status_count(void);
const struct ss_kb_oauth_status *ss_kb_oauth_status_at(size_t);

#endif
