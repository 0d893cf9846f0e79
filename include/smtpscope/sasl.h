/*
 * sasl.h: the client side of the SASL mechanisms smtpscope speaks (RFC 4954
 * for SMTP AUTH): SCRAM-SHA-256(-PLUS) and SCRAM-SHA-1 (RFC 5802, 7677,
 * 9266), CRAM-MD5 (RFC 2195), PLAIN (RFC 4616), LOGIN, and the bearer-token
 * mechanisms XOAUTH2 (Google, Microsoft) and OAUTHBEARER (RFC 7628).
 *
 * A mechanism is a table entry: a name, a strength rank, the kind of
 * credential it takes (a password or a bearer token), whether it sends an
 * initial response, and functions that answer the server's challenges and
 * judge the outcome.  Secrets live only in struct ss_sasl and are wiped by
 * ss_sasl_destroy.  Responses that carry a secret are marked so the
 * transcript can redact them when they are captured.  Errors come back as
 * -1 with a message the caller frees.
 */
#ifndef SMTPSCOPE_SASL_H
#define SMTPSCOPE_SASL_H

#include <stddef.h>

struct ss_buf;

/* What a mechanism authenticates with. */
enum ss_sasl_cred {
	SS_SASL_CRED_PASSWORD,
	SS_SASL_CRED_TOKEN,	/* an OAuth 2.0 bearer (access) token */
	SS_SASL_CRED_LAST
};
extern const char *const ss_sasl_cred_names[SS_SASL_CRED_LAST];

/* Known client mechanisms, strongest first, NULL-terminated. */
const char *const *ss_sasl_client_mechs(size_t *);
int	 ss_sasl_supported(const char *);
/* The credential a mechanism takes (SS_SASL_CRED_PASSWORD if unknown). */
enum ss_sasl_cred ss_sasl_cred_of(const char *);
/* Does the mechanism need channel binding (a -PLUS variant)? */
int	 ss_sasl_needs_binding(const char *);
/*
 * The strongest password mechanism we speak among a server's AUTH words;
 * a -PLUS one only when have_binding says channel binding is available.
 * Bearer mechanisms are never chosen (only asked for).  NULL if none.
 */
const char *ss_sasl_choose(char *const *, size_t);
const char *ss_sasl_choose_cb(char *const *, size_t, int have_binding);

/* The RFC 9266 exporter label for tls-exporter channel binding. */
#define SS_SASL_TLS_EXPORTER_LABEL	"EXPORTER-Channel-Binding"
#define SS_SASL_CB_MAX			64

/* Everything one exchange needs; strings are copied by create. */
struct ss_sasl_params {
	const char		*mech;
	const char		*user;
	const char		*secret;	/* password or bearer token */
	const char		*host;		/* OAUTHBEARER's host=, or NULL */
	int			 port;		/* OAUTHBEARER's port=, or 0 */
	/* tls-exporter keying material (RFC 9266), when TLS 1.3 is up. */
	const unsigned char	*cb_data;
	size_t			 cb_len;
	int			 server_plus;	/* the server offers a -PLUS */
};

struct ss_sasl;

/* user and password are copied; returns NULL for an unknown mechanism. */
struct ss_sasl *ss_sasl_create(const char *mech, const char *user,
		    const char *password);
/* The full form; NULL with *err (caller frees) when it cannot start. */
struct ss_sasl *ss_sasl_create_with(const struct ss_sasl_params *,
		    char **err);
void	 ss_sasl_destroy(struct ss_sasl *);
const char *ss_sasl_mech(const struct ss_sasl *);
/* Fix SCRAM's client nonce (printable, no comma), before start: for the
 * RFC test vectors.  -1 if it is not a valid nonce. */
#define SS_SASL_NONCE_MAX	64
int	 ss_sasl_set_nonce(struct ss_sasl *, const char *);

/*
 * The command line to send: "AUTH MECH" or "AUTH MECH initial-response"
 * (without CRLF).  *secret is set when the line holds a secret, and
 * *public_len to the length of the part that may be shown ("AUTH PLAIN").
 */
void	 ss_sasl_start(struct ss_sasl *, struct ss_buf *, int *secret,
	    size_t *public_len);
/*
 * Answer a 334 challenge (base64 text after "334 ").  Appends the response
 * line (without CRLF; it may be empty) and sets *secret.  Returns -1 with a
 * message in *err (caller frees) if the challenge cannot be answered: the
 * caller then cancels with "*".
 */
int	 ss_sasl_step(struct ss_sasl *, const char *challenge, size_t,
	    struct ss_buf *, int *secret, char **err);
/*
 * The server said 235: may the login be trusted?  0 if so; -1 with *err
 * when the mechanism authenticates the server too and the server did not
 * prove it (SCRAM without a valid server signature).
 */
int	 ss_sasl_finish(struct ss_sasl *, char **err);
/*
 * One line for the transcript (an I record of kind "sasl") when the
 * mechanism has a verdict of its own to record, such as
 * "SCRAM-SHA-256 server-signature=ok"; NULL if none.  Borrowed.
 */
const char *ss_sasl_verdict(const struct ss_sasl *);

/* Decode a base64 SASL payload for display: printable text, or NULL if it
 * is not valid base64.  Caller frees. */
char	*ss_sasl_decode_for_display(const char *, size_t);
/*
 * Explain one base64 SASL message of a mechanism in words, for the explain
 * pane and the report: SCRAM's fields (nonce, salt, iterations, channel
 * binding; proof and signature masked), an OAuth error object.  Returns 1
 * and appends to out when the mechanism knows the message, 0 otherwise.
 */
int	 ss_sasl_describe(const char *mech, int from_server, const char *,
	    size_t, struct ss_buf *out);

/* An OAuth error object (RFC 7628 3.2.2, Google's XOAUTH2 form). */
struct ss_sasl_oauth_error {
	char	*status;	/* "401", "invalid_token" */
	char	*scope;
	char	*schemes;
	char	*openid;	/* openid-configuration URL */
};
/* Parse the decoded JSON; -1 with *err when it is not such an object. */
int	 ss_sasl_oauth_error_parse(const void *, size_t,
	    struct ss_sasl_oauth_error *, char **err);
void	 ss_sasl_oauth_error_finish(struct ss_sasl_oauth_error *);
/* In words: what the status means and what to do (escaped text). */
void	 ss_sasl_oauth_error_explain(const struct ss_sasl_oauth_error *,
	    struct ss_buf *);

/*
 * The last AUTH exchange of a dialog in words, for the reports: each SASL
 * message a mechanism can explain (ss_sasl_describe), the OAuth error
 * object if the server sent one, and the client's verdict record (kind
 * "sasl").  init fills caller storage; finish frees what it holds.
 */
struct ss_dialog;
struct ss_transcript;
struct ss_sasl_summary {
	char				 mech[32];	/* "" if no AUTH */
	char				 verdict[160];	/* "" if none */
	int				 has_error;
	struct ss_sasl_oauth_error	 error;
	char				**notes;	/* "server: ...", escaped */
	size_t				 nnotes;
};
void	 ss_sasl_summary_init(struct ss_sasl_summary *,
	    const struct ss_dialog *, const struct ss_transcript *);
void	 ss_sasl_summary_finish(struct ss_sasl_summary *);

/*
 * SASLprep (RFC 4013) of a UTF-8 string; stored is set for identities
 * (unassigned code points refused), clear for passwords (a query string,
 * RFC 5802 2.2).  0 and *out (caller wipes and frees), or -1 and *err.
 */
int	 ss_saslprep(const char *, int stored, char **out, char **err);

#endif
