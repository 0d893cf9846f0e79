/*
 * mx.h: the mail exchangers of a domain (RFC 5321 5.1), so that
 * "smtpscope example.org" talks to the hosts that really receive its mail.
 *
 * The lookup asks the system resolver (resolv.conf) for the MX records and
 * parses the answer with a bounded parser of its own: the answer is
 * untrusted input.  The list is sorted by preference, then by name.  A
 * domain without MX records gets the implicit MX of RFC 5321 5.1: the
 * domain itself, preference 0, flagged implicit.
 *
 * The environment variable SMTPSCOPE_DNS_SERVER=IPV4[:PORT] sends every
 * query to that server instead (tests, diagnostics), with a 1 s timeout
 * and one attempt; the MX hosts' addresses are then looked up on the same
 * server too, so nothing leaks to the system resolver.
 *
 * Errors come back as a message in words the caller frees ("no such
 * domain: example.invalid").  Ownership: the list is one allocation the
 * caller frees with ss_mx_free.  The lookup blocks (at most the resolver's
 * timeout times its attempts).
 */
#ifndef SMTPSCOPE_MX_H
#define SMTPSCOPE_MX_H

#include <stddef.h>

#define SS_MX_MAX		64	/* exchangers kept from one answer */
#define SS_MX_NAME_MAX		254	/* 253 characters and the NUL */
#define SS_MX_ENV_SERVER	"SMTPSCOPE_DNS_SERVER"

struct ss_mx {
	unsigned	 preference;		/* lower is tried first */
	int		 implicit;		/* no MX: the domain itself */
	char		 host[SS_MX_NAME_MAX];	/* no trailing dot */
	char		 address[64];		/* with SMTPSCOPE_DNS_SERVER:
						   the host's address from
						   that server; else "" */
};

/*
 * Look up the MX records of domain.  Returns 0 with *list (at least one
 * entry) and *n set, or -1 with *err: "no such domain", "the DNS server
 * did not answer", a null MX (RFC 7505: the domain takes no mail), a
 * malformed answer.
 */
int	ss_mx_lookup(const char *domain, struct ss_mx **list, size_t *n,
	    char **err);
/* Free a list from ss_mx_lookup or ss_mx_parse; NULL is a no-op. */
void	ss_mx_free(struct ss_mx *);

/*
 * Parse one DNS answer (wire format) to an MX query for domain, as the
 * lookup does; public for tests and fuzzers.  Same results as the lookup,
 * without addresses.
 */
int	ss_mx_parse(const unsigned char *, size_t, const char *domain,
	    struct ss_mx **list, size_t *n, char **err);

/*
 * Should a target without a port get an MX lookup?  Not an IP literal,
 * not "localhost" (nor a name under .localhost), not empty.
 */
int	ss_mx_wanted(const char *host);

/*
 * One line for the transcript and the batch report: "MX for example.org:
 * 10 mx1.example.org, 20 mx2.example.org", or the implicit MX rule in
 * words.  The caller frees it.
 */
char	*ss_mx_summary(const char *domain, const struct ss_mx *, size_t n);

#endif
