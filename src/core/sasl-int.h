/*
 * sasl-int.h: what the mechanism files (sasl-plain.c, sasl-cram.c,
 * sasl-scram.c, sasl-oauth.c) share with the framework in sasl.c.  Internal
 * to the core.
 *
 * struct ss_sasl owns copies of the credentials and a mechanism's private
 * state; ss_sasl_destroy wipes both.  A step function gets the decoded
 * challenge and appends its base64 (or empty) answer.
 */
#ifndef SMTPSCOPE_SASL_INT_H
#define SMTPSCOPE_SASL_INT_H

#include <stddef.h>

#include "smtpscope/sasl.h"

struct ss_buf;
struct ss_sasl;

/* Append the initial response (base64); -1 and *err if none can be made. */
typedef int (*ss_sasl_initial_fn)(struct ss_sasl *, struct ss_buf *,
    char **);
/* Answer the n-th challenge (decoded bytes); append the response. */
typedef int (*ss_sasl_step_fn)(struct ss_sasl *, const unsigned char *,
    size_t, struct ss_buf *, int *, char **);
/* At 235: is the outcome trusted? */
typedef int (*ss_sasl_finish_fn)(struct ss_sasl *, char **);
/* Explain one decoded message; 1 when described. */
typedef int (*ss_sasl_describe_fn)(int, const unsigned char *, size_t,
    struct ss_buf *);

struct ss_sasl_mech {
	const char		*name;
	int			 rank;		/* higher is stronger; 0: only
						   when asked for */
	enum ss_sasl_cred	 cred;
	int			 binding;	/* needs tls-exporter (-PLUS) */
	int			 initial_secret; /* the initial response is one */
	ss_sasl_initial_fn	 initial;	/* NULL: no initial response */
	ss_sasl_step_fn		 step;
	ss_sasl_finish_fn	 finish;	/* NULL: trust the 235 */
	ss_sasl_describe_fn	 describe;	/* NULL: plain decoding */
	const void		*data;		/* mechanism's facts (hash) */
};

struct ss_sasl {
	const struct ss_sasl_mech *mech;
	char			*user;
	char			*secret;	/* password or token */
	char			*host;
	int			 port;
	unsigned char		 cb[SS_SASL_CB_MAX];
	size_t			 cb_len;
	int			 server_plus;
	char			 nonce[SS_SASL_NONCE_MAX + 1]; /* SCRAM's */
	int			 steps;		/* challenges answered so far */
	void			*state;		/* the mechanism's, wiped */
	size_t			 state_len;
	char			 verdict[160];	/* "" when none */
};

/* Mechanism entry points, one set per file. */
int	sasl_plain_initial(struct ss_sasl *, struct ss_buf *, char **);
int	sasl_plain_step(struct ss_sasl *, const unsigned char *, size_t,
	    struct ss_buf *, int *, char **);
int	sasl_login_step(struct ss_sasl *, const unsigned char *, size_t,
	    struct ss_buf *, int *, char **);
int	sasl_cram_step(struct ss_sasl *, const unsigned char *, size_t,
	    struct ss_buf *, int *, char **);

int	sasl_scram_initial(struct ss_sasl *, struct ss_buf *, char **);
int	sasl_scram_step(struct ss_sasl *, const unsigned char *, size_t,
	    struct ss_buf *, int *, char **);
int	sasl_scram_finish(struct ss_sasl *, char **);
int	sasl_scram_describe(int, const unsigned char *, size_t,
	    struct ss_buf *);

#define SCRAM_HASH_MAX		32
#define SCRAM_ATTR_MAX		16

/* One hash function's helpers and size (SCRAM's H, HMAC and Hi). */
struct sasl_scram_hash {
	const char	*name;
	size_t		 len;
	int		(*hash)(const void *, size_t, unsigned char *);
	int		(*hmac)(const void *, size_t, const void *, size_t,
			    unsigned char *);
	int		(*pbkdf2)(const void *, size_t, const void *, size_t,
			    unsigned int, unsigned char *, size_t);
};
extern const struct sasl_scram_hash sasl_scram_sha1, sasl_scram_sha256;

/* One "a=value" attribute of a SCRAM message. */
struct scram_attr {
	char		 name;
	const char	*value;
	size_t		 len;
};
/* Split a message into at most SCRAM_ATTR_MAX attributes; -1 and *err
 * when a field is not letter=value. */
int	sasl_scram_attrs(const char *, size_t, struct scram_attr *, size_t *,
	    char **);

int	sasl_xoauth2_initial(struct ss_sasl *, struct ss_buf *, char **);
int	sasl_oauthbearer_initial(struct ss_sasl *, struct ss_buf *, char **);
int	sasl_xoauth2_step(struct ss_sasl *, const unsigned char *, size_t,
	    struct ss_buf *, int *, char **);
int	sasl_oauthbearer_step(struct ss_sasl *, const unsigned char *, size_t,
	    struct ss_buf *, int *, char **);
int	sasl_oauth_describe(int, const unsigned char *, size_t,
	    struct ss_buf *);

/* Set the verdict line the transcript records. */
void	sasl_set_verdict(struct ss_sasl *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
