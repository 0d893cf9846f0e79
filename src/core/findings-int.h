/*
 * findings-int.h: what the rule families of the findings share (not a
 * public header).
 *
 * findings.c holds the rule table and the engine that cuts a transcript
 * into connections and runs every rule against each.  A rule is a check
 * function in the file of its family (findings-tls.c, findings-cert.c,
 * findings-auth.c, findings-provider.c, findings-reply.c,
 * findings-message.c); it reads a
 * struct conn and, when it finds something, writes a draft: a message in
 * plain words and the events that prove it.  findings-conn.c collects a
 * connection's facts and writes drafts; findings-setups.c judges the
 * client set-ups.  A new rule is a check in its family's file and a line
 * in the table.
 */
#ifndef SMTPSCOPE_FINDINGS_INT_H
#define SMTPSCOPE_FINDINGS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#define NONE	((size_t)-1)	/* no such event */

/* The last leaf certificate decoded, kept so that the same certificate
 * is decoded once: for every step that judges a connection again, and for
 * every later connection to a server presenting the same one.  The event
 * is borrowed from the transcript (events never move). */
struct cert_memo {
	const struct ss_event	*e;	/* its base64 DER, NULL before any */
	int			 rc;	/* ss_tls_cert_describe's */
	struct ss_cert_info	 ci;
};

/* One connection of the prefix, as the rules see it. */
struct conn {
	const struct ss_transcript		*t;
	const struct ss_dialog			*d;	/* at the end of it */
	const struct ss_findings_options	*opt;
	size_t			 start, end;	/* events [start, end) */
	size_t			 xstart, xend;	/* its exchanges */
	size_t			 lstart, lend;	/* its dialog lines */
	int			 port;		/* -1 unknown */
	int			 implicit;	/* TLS from the first byte */
	size_t			 ev_connect, ev_tls_start, ev_tls_up;
	size_t			 ev_tls_fail, ev_verify, ev_end;
	const struct ss_exchange *greeting;
	const struct ss_exchange *ehlo[SS_PHASE_LAST]; /* last 250 each */
	const struct ss_exchange *starttls;	/* last one answered */
	/* The leaf certificate, decoded once for all the certificate rules
	 * (base64 and a signature check: the costliest part of judging). */
	struct ss_cert_info	 leaf;
	size_t			 ev_leaf;	/* NONE: no leaf decoded */
};

/* A finding being written by a check. */
struct draft {
	struct ss_buf	 msg;
	size_t		 ev[SS_FINDINGS_MAX_EVIDENCE];
	size_t		 nev;
};

struct rule;
typedef int (*rule_check)(const struct conn *, const struct rule *,
    struct draft *);

struct rule {
	struct ss_finding_rule	 pub;
	rule_check		 check;
	uint32_t		 arg;	/* a parameter some checks share */
};

/* Findings and set-up rows, and the rule each finding came from. */
struct ss_findings {
	struct ss_finding	*items;
	size_t			*rule_of;
	size_t			 n, cap;
	struct ss_setup		*setups;
	size_t			 nsetups;
};

/* Rule argument of cert-self-signed: untrusted, and the leaf signed
 * itself (no verify flag of its own). */
#define CERT_SELF	(SS_TLS_VERIFY_NOT_TRUSTED | 0x80000000u)

/* findings-conn.c */
void
draft_event(struct draft *dr, size_t ev);
void
draft_reply(struct draft *dr, const struct conn *c,
    const struct ss_exchange *x);
void
draft_exchange(struct draft *dr, const struct conn *c,
    const struct ss_exchange *x);
void
draft_untrusted(struct draft *dr, const char *s, size_t len, size_t max);
int
event_cmp(const void *a, const void *b);
const struct ss_caps *
conn_caps(const struct conn *c, enum ss_phase p);
int
conn_caps_cut(const struct conn *c, enum ss_phase p);
int
conn_any_caps_cut(const struct conn *c);
void
draft_from_log(struct draft *dr, const struct conn *c);
int
conn_last_phase(const struct conn *c);
enum ss_phase
conn_tls_phase(const struct conn *c);
int
conn_any_auth(const struct conn *c);
int
conn_auth_explored(const struct conn *c);
void
draft_ehlos(struct draft *dr, const struct conn *c);
const char *
conn_text(const struct conn *c, size_t ev);
void
conn_first(size_t *slot, size_t ev);
void
conn_init(struct conn *c, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_findings_options *opt,
    size_t start, size_t end);

/* findings.c: one connection judged, and the merging of connections. */
struct ss_findings *
findings_new(void);
struct ss_findings *
findings_judge_connection(const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_findings_options *opt,
    size_t start, size_t end, int last, struct cert_memo *leaf);
void
findings_merge(struct ss_findings *into, const struct ss_findings *part);
struct ss_findings *
findings_dup(const struct ss_findings *fs);
void
findings_sort(struct ss_findings *fs);

/* findings-tls.c */
void
draft_port(struct draft *dr, const struct conn *c);
int
check_starttls_missing(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_starttls_refused(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
conn_peer_spoke_plaintext(const struct conn *c);
int
check_tls_failed(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_starttls_after_tls(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_response_injection(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_command_injection(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_tls_old(const struct conn *c, const struct rule *r, struct draft *dr);
int
check_tls13_unsupported(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_implicit_to_plain(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_plain_to_implicit(const struct conn *c, const struct rule *r,
    struct draft *dr);

/* findings-cert.c */
void
conn_decode_leaf(struct conn *c, struct cert_memo *memo);
int
check_cert(const struct conn *c, const struct rule *r, struct draft *dr);
int
check_cert_other(const struct conn *c, const struct rule *r,
    struct draft *dr);

/* findings-auth.c */
int
check_auth_after_tls(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_auth_plaintext(const struct conn *c, const struct rule *r,
    struct draft *dr);
const struct ss_exchange *
conn_find_refusal(const struct conn *c, enum ss_verb verb, int code1,
    int code2);
int
check_auth_refused_plain(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_auth_none(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_auth_mech_missing(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_auth_no_password(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_auth_server_unproven(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_mail_needs_tls(const struct conn *c, const struct rule *r,
    struct draft *dr);

/* findings-provider.c */
struct ss_kb_provider;
const struct ss_kb_provider *
reply_provider(const struct ss_reply *r);
void
draft_provider(struct draft *dr, const struct ss_kb_provider *p,
    const struct ss_reply *r);
int
check_provider_reply(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
command_is_oauth(const char *command);
int
oauth_error_status(const struct ss_reply *r, struct ss_buf *out);
void
draft_oauth_status(struct draft *dr, const char *status);
const struct ss_exchange *
conn_oauth_refusal(const struct conn *c, const struct ss_exchange **error);
int
check_oauth_rejected(const struct conn *c, const struct rule *r,
    struct draft *dr);

/* findings-reply.c */
int
check_banner_delay(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_greeting_refused(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_bare_lf(const struct conn *c, const struct rule *r, struct draft *dr);
int
check_malformed(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_unsolicited(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_pipelining(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_greylisted(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_helo_only(const struct conn *c, const struct rule *r,
    struct draft *dr);
int
check_ehlo_empty(const struct conn *c, const struct rule *r,
    struct draft *dr);

/* findings-message.c */
int
check_size(const struct conn *c, const struct rule *r, struct draft *dr);
int
check_needed_ext(const struct conn *c, const struct rule *r,
    struct draft *dr);

/* findings-setups.c */
void
setups_judge(struct ss_findings *fs, const struct conn *c);
void
setups_init(struct ss_findings *fs);

#endif /* SMTPSCOPE_FINDINGS_INT_H */
