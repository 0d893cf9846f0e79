/*
 * demo-sasl.h: the demo server's side of SCRAM-SHA-1, SCRAM-SHA-256,
 * XOAUTH2 and OAUTHBEARER (internal to the core).
 *
 * Bytes in, a reply line out: demo.c hands each client line of an AUTH
 * exchange to demo_sasl_answer and sends the reply it gets back, so the
 * logic runs (and is tested) without sockets.  The state is caller
 * storage; demo_sasl_finish wipes it.
 */
#ifndef SMTPSCOPE_DEMO_SASL_H
#define SMTPSCOPE_DEMO_SASL_H

#include <stddef.h>

#define DEMO_SASL_USER		"demo"
#define DEMO_SASL_PASSWORD	"demo-password"
#define DEMO_SASL_TOKEN		"demo-oauth-token"

/* How the demo's SCRAM proves itself (a profile's fact). */
enum demo_scram_proof {
	DEMO_SCRAM_PROOF_GOOD,
	DEMO_SCRAM_PROOF_WRONG,		/* a signature over other bytes */
	DEMO_SCRAM_PROOF_NONE,		/* 235 with no signature at all */
	DEMO_SCRAM_PROOF_LAST
};

enum demo_sasl_outcome {
	DEMO_SASL_CONTINUE,	/* send the 334 reply, wait for a line */
	DEMO_SASL_OK,		/* 235 */
	DEMO_SASL_FAIL,		/* 535 */
	DEMO_SASL_BAD		/* the reply given is a 501 */
};

/* What the connection lends an exchange: TLS exporter bytes (RFC 9266)
 * for -PLUS, and whether -PLUS is advertised (a "y" client is then
 * refused: someone stripped it from the EHLO reply, RFC 5802 6). */
struct demo_sasl_conn {
	enum demo_scram_proof	 proof;
	const unsigned char	*cb;
	size_t			 cb_len;
	int			 plus_offered;
};

struct demo_sasl {
	const struct demo_sasl_mech *mech;
	enum demo_scram_proof	 proof;
	unsigned char		 cb[32];
	size_t			 cb_len;
	int			 plus_offered;
	int			 step;
	int			 token_ok;
	char			 gs2[32];
	char			 first_bare[512];
	char			 server_first[256];
	unsigned char		 server_sig[32];
};

/* Is this one of the mechanisms demo-sasl.c serves? */
int	demo_sasl_serves(const char *mech);
/* Begin with the initial response ("" if none); the reply goes to out. */
enum demo_sasl_outcome demo_sasl_start(struct demo_sasl *, const char *mech,
	    const struct demo_sasl_conn *, const char *initial,
	    struct ss_buf *out);
/* One client line of the exchange. */
enum demo_sasl_outcome demo_sasl_answer(struct demo_sasl *, const char *,
	    struct ss_buf *out);
void	demo_sasl_finish(struct demo_sasl *);

#endif
