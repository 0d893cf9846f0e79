/*
 * sasl.h: the client side of the SASL mechanisms smtpscope speaks (RFC 4954
 * for SMTP AUTH): PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195).
 *
 * A mechanism is a table entry: a name, whether it sends an initial
 * response, and a step function that answers a server challenge.  Secrets
 * live only in struct ss_sasl and are wiped by ss_sasl_destroy.  Responses
 * that carry a secret are marked so the transcript can redact them when they
 * are captured.
 */
#ifndef SMTPSCOPE_SASL_H
#define SMTPSCOPE_SASL_H

#include <stddef.h>

struct ss_buf;

/* Known client mechanisms, strongest first (the preselection order). */
const char *const *ss_sasl_client_mechs(size_t *);
int	 ss_sasl_supported(const char *);
/* Pick the strongest mechanism we speak from a server's list (AUTH words);
 * NULL if none. */
const char *ss_sasl_choose(char *const *, size_t);

struct ss_sasl;

/* user and password are copied; returns NULL for an unknown mechanism. */
struct ss_sasl *ss_sasl_create(const char *mech, const char *user,
		    const char *password);
void	 ss_sasl_destroy(struct ss_sasl *);
const char *ss_sasl_mech(const struct ss_sasl *);

/*
 * The command line to send: "AUTH MECH" or "AUTH MECH initial-response"
 * (without CRLF).  *secret is set when the line holds a secret, and
 * *public_len to the length of the part that may be shown ("AUTH PLAIN").
 */
void	 ss_sasl_start(struct ss_sasl *, struct ss_buf *, int *secret,
	    size_t *public_len);
/*
 * Answer a 334 challenge (base64 text after "334 ").  Appends the response
 * line (without CRLF) and sets *secret.  Returns -1 with a message in *err
 * (caller frees) if the challenge cannot be answered.
 */
int	 ss_sasl_step(struct ss_sasl *, const char *challenge, size_t,
	    struct ss_buf *, int *secret, char **err);

/* Decode a base64 SASL payload for display: printable text, or NULL if it
 * is not valid base64.  Caller frees. */
char	*ss_sasl_decode_for_display(const char *, size_t);

#endif
