/*
 * findings.h: what is wrong with a server, with the transcript events that
 * prove it, and whether the usual mail client set-ups would work against
 * it (doc/findings.md lists every finding ID).
 *
 * Findings are a pure function of a transcript prefix: ss_findings_run
 * looks at the events the dialog was fed (ss_dialog_fed), so a replay at
 * step 7 shows the findings known at step 7, and a saved session shows the
 * same findings as the live one did.  Each connection in the prefix (an
 * SS_KIND_CONNECT record starts one) is judged on its own; the same finding
 * from two connections is reported once with the evidence of both.
 *
 * The rules are a table of {id, severity, RFC, check}; IDs are stable
 * (kebab-case) and are what tests, JSON and --check rely on.  Messages are
 * plain words for a helpdesk person; any server-supplied text in them has
 * passed through ss_text_escape, so they are safe to print.
 *
 * Ownership: struct ss_findings owns every finding, message, reason and
 * evidence array; free it with ss_findings_free.  It keeps no pointer into
 * the transcript or the dialog, which may be freed first.
 */
#ifndef SMTPSCOPE_FINDINGS_H
#define SMTPSCOPE_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

struct ss_dialog;
struct ss_transcript;

enum ss_severity {
	SS_SEV_INFO,		/* normal, but worth knowing */
	SS_SEV_WARNING,		/* works, but risky or non-standard */
	SS_SEV_ERROR,		/* a client will fail, or security is broken */
	SS_SEV_LAST
};
extern const char *const ss_severity_names[SS_SEV_LAST]; /* "info" */

/* Exit codes proposed for --check; 0-7 are the batch codes (contracts). */
#define SS_FINDINGS_EXIT_WARNING	8	/* worst finding: a warning */
#define SS_FINDINGS_EXIT_ERROR		9	/* worst finding: an error */

/* Defaults of the options below. */
#define SS_FINDINGS_BANNER_DELAY_MS	4000	/* a greeting later is slow */
#define SS_FINDINGS_MAX_EVIDENCE	32	/* events kept per finding */

/* What the user wants to do, so rules can say whether the server allows
 * it.  A zeroed struct (or NULL) checks nothing optional. */
struct ss_findings_options {
	uint64_t	 message_size;	/* octets to check SIZE against; 0 none */
	int		 need_smtputf8;	/* the message has UTF-8 addresses */
	int		 need_8bitmime;	/* the message has 8-bit text */
	const char	*auth_mech;	/* the mechanism wanted, or NULL */
	/* The configuration of the latest connection, for transcripts that
	 * do not say (imports): port 0 = take it from the connect record;
	 * implicit_tls 1 = TLS from the first byte was configured. */
	int		 port;
	int		 implicit_tls;
	unsigned	 banner_delay_ms; /* 0: SS_FINDINGS_BANNER_DELAY_MS */
};

/* One rule of the table, for listings (--explain, doc, tests). */
struct ss_finding_rule {
	const char		*id;		/* "starttls-not-advertised" */
	enum ss_severity	 severity;
	const char		*rfc;		/* "RFC 3207 section 4" */
	const char		*title;		/* a few words */
};

struct ss_finding {
	const char		*id;		/* static, from the rule table */
	enum ss_severity	 severity;
	const char		*rfc;		/* static */
	char			*message;	/* plain words, escaped */
	size_t			*events;	/* transcript indices, ascending */
	size_t			 nevents;	/* at most SS_FINDINGS_MAX_EVIDENCE */
};

/* "Will this client set-up work?" */
enum ss_verdict {
	SS_VERDICT_UNKNOWN,	/* this session did not test that path */
	SS_VERDICT_WORKS,
	SS_VERDICT_FAILS,
	SS_VERDICT_LAST
};
extern const char *const ss_verdict_names[SS_VERDICT_LAST]; /* "works" */
extern const char *const ss_verdict_titles[SS_VERDICT_LAST]; /* "will fail" */

struct ss_setup {
	const char	*id;		/* "starttls-password" (static) */
	const char	*security;	/* "Connection security: STARTTLS" */
	const char	*auth;		/* "Authentication: Normal password" */
	const char	*ports;		/* "port 587 (or 25)" */
	enum ss_verdict	 verdict;
	char		*reason;	/* why, in plain words, escaped */
	size_t		*events;	/* evidence, ascending */
	size_t		 nevents;
};

struct ss_findings;

/* Judge the events fed to d (or, when d is NULL, the whole transcript).
 * opts may be NULL.  Never fails. */
struct ss_findings *ss_findings_run(const struct ss_transcript *,
		    const struct ss_dialog *,
		    const struct ss_findings_options *);
void	ss_findings_free(struct ss_findings *);

/*
 * The same findings, judged incrementally for an explorer that steps
 * through one transcript (forwards, backwards, or live as it grows): a
 * closed connection's findings are final, so each is judged once and
 * kept, with the fold of every 16 connections before it kept as a
 * checkpoint; a step re-judges only the open connection (the latest of
 * the prefix), its certificate decoded once.  A step then costs what the
 * open connection holds, not what the session does.  The result is what
 * ss_findings_run gives for the same prefix (tests/unit/test-findings.c
 * compares every prefix); the caller owns it.  A cache serves one
 * transcript, which may grow but must not be replaced (make a new cache);
 * opts (may be NULL) is copied, its strings borrowed.
 */
struct ss_findings_cache;
struct ss_findings_cache *ss_findings_cache_create(
		    const struct ss_findings_options *);
void	ss_findings_cache_destroy(struct ss_findings_cache *);
/* Judge the prefix the dialog was fed; closed connections are judged on
 * ss_dialog_view of full (a dialog of the whole transcript, as a replay
 * keeps; NULL: the dialog itself, when it is not a view). */
struct ss_findings *ss_findings_cache_run(struct ss_findings_cache *,
		    const struct ss_transcript *, const struct ss_dialog *,
		    const struct ss_dialog *full);

/* Findings in the order of the rule table. */
size_t	ss_findings_count(const struct ss_findings *);
const struct ss_finding *ss_findings_at(const struct ss_findings *, size_t);
/* The finding with this ID, or NULL. */
const struct ss_finding *ss_findings_find(const struct ss_findings *,
		    const char *);
/* The worst severity found, or -1 when there is no finding. */
int	ss_findings_worst(const struct ss_findings *);
/* The --check exit code: 0 none or info only, SS_FINDINGS_EXIT_WARNING,
 * SS_FINDINGS_EXIT_ERROR. */
int	ss_findings_exit_code(const struct ss_findings *);

/* The client set-ups, always the same rows in the same order. */
size_t	ss_findings_setup_count(const struct ss_findings *);
const struct ss_setup *ss_findings_setup(const struct ss_findings *, size_t);
/* All rows at once; *n gets their number. */
const struct ss_setup *ss_findings_setups(const struct ss_findings *,
		    size_t *);

/* The rule table. */
size_t	ss_findings_rule_count(void);
const struct ss_finding_rule *ss_findings_rule_at(size_t);
const struct ss_finding_rule *ss_findings_rule(const char *id);

#endif
