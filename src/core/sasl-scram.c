/*
 * sasl-scram.c: SCRAM-SHA-1, SCRAM-SHA-256 and SCRAM-SHA-256-PLUS
 * (RFC 5802, RFC 7677; tls-exporter channel binding from RFC 9266).
 *
 * The password never travels: the client proves it knows it with a proof
 * built from a salted hash, and the server proves it knows it too with a
 * signature the client checks.  A server that cannot prove it is refused,
 * whatever it says afterwards.  The user name and password go through
 * SASLprep first.  Every derived key is wiped after use; only the expected
 * server signature is kept until the server's final message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/sasl.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "sasl-int.h"

/* Fewer iterations than RFC 7677 asks for deserve a note. */
#define SCRAM_ITER_ADVISED	4096
/* More would let a hostile server make the client spin for minutes. */
#define SCRAM_ITER_MAX		1000000
#define SCRAM_SALT_MAX		256

/* Where an exchange stands. */
enum scram_phase {
	SCRAM_SENT_FIRST,	/* client-first sent */
	SCRAM_SENT_FINAL,	/* client-final sent, signature expected */
	SCRAM_VERIFIED,		/* the server proved it */
	SCRAM_REFUSED		/* wrong signature or server error */
};

struct scram_state {
	enum scram_phase	 phase;
	char			 gs2[64];	/* "n,,", "p=tls-exporter,," */
	char			 first_bare[1024];
	unsigned char		 server_sig[SCRAM_HASH_MAX];
};

/* Uniform wrappers over tls.h's helpers. */
static int
scram_sha1(const void *p, size_t n, unsigned char *out)
{
	return ss_crypto_sha1(p, n, out);
}

static int
scram_sha256(const void *p, size_t n, unsigned char *out)
{
	ss_crypto_sha256(p, n, out);
	return 0;
}

static int
scram_hmac_sha1(const void *k, size_t kl, const void *m, size_t ml,
    unsigned char *out)
{
	return ss_crypto_hmac_sha1(k, kl, m, ml, out);
}

static int
scram_hmac_sha256(const void *k, size_t kl, const void *m, size_t ml,
    unsigned char *out)
{
	return ss_crypto_hmac_sha256(k, kl, m, ml, out);
}

static int
scram_pbkdf2_sha1(const void *p, size_t pl, const void *s, size_t sl,
    unsigned int it, unsigned char *out, size_t ol)
{
	return ss_crypto_pbkdf2_hmac_sha1(p, pl, s, sl, it, out, ol);
}

static int
scram_pbkdf2_sha256(const void *p, size_t pl, const void *s, size_t sl,
    unsigned int it, unsigned char *out, size_t ol)
{
	return ss_crypto_pbkdf2_hmac_sha256(p, pl, s, sl, it, out, ol);
}

const struct sasl_scram_hash sasl_scram_sha1 = {
	"SHA-1", 20, scram_sha1, scram_hmac_sha1, scram_pbkdf2_sha1
};
const struct sasl_scram_hash sasl_scram_sha256 = {
	"SHA-256", 32, scram_sha256, scram_hmac_sha256, scram_pbkdf2_sha256
};

/*
 * Split a message into its attributes.  Every attribute is one letter,
 * "=", and a value without commas; -1 and *err otherwise.
 */
int
sasl_scram_attrs(const char *msg, size_t len, struct scram_attr *out,
    size_t *n, char **err)
{
	const char	*p = msg, *end = msg + len, *comma;

	*n = 0;
	if (memchr(msg, '\0', len) != NULL) {
		*err = xstrdup("the SCRAM message holds a NUL byte");
		return -1;
	}
	while (p < end) {
		comma = memchr(p, ',', end - p);
		if (comma == NULL)
			comma = end;
		if (comma - p < 2 || p[1] != '=' ||
		    !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
			*err = xstrdup("the SCRAM message has a field that is "
			    "not letter=value");
			return -1;
		}
		if (*n == SCRAM_ATTR_MAX) {
			xasprintf(err, "the SCRAM message has more than %d "
			    "fields", SCRAM_ATTR_MAX);
			return -1;
		}
		out[*n].name = *p;
		out[*n].value = p + 2;
		out[*n].len = (size_t)(comma - p - 2);
		(*n)++;
		p = comma + (comma < end);
		if (comma + 1 == end) {
			*err = xstrdup("the SCRAM message ends with a comma");
			return -1;
		}
	}
	return 0;
}

/* The server-first message's facts. */
struct scram_first {
	const char	*nonce;
	size_t		 nonce_len;
	struct ss_buf	 salt;		/* decoded */
	unsigned long	 iterations;
};

/* A decimal iteration count in bounds. */
static int
scram_iterations(const struct scram_attr *a, unsigned long *out, char **err)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (a->len == 0 || a->len > 10 || a->value[0] == '0') {
		*err = xstrdup("the iteration count (i=) is not a positive "
		    "number");
		return -1;
	}
	for (i = 0; i < a->len; i++) {
		if (a->value[i] < '0' || a->value[i] > '9') {
			*err = xstrdup("the iteration count (i=) is not a "
			    "number");
			return -1;
		}
		v = v * 10 + (unsigned long)(a->value[i] - '0');
	}
	if (v > SCRAM_ITER_MAX) {
		xasprintf(err, "the server asks for %lu iterations; smtpscope "
		    "refuses more than %d (a hostile server could make it spin)",
		    v, SCRAM_ITER_MAX);
		return -1;
	}
	*out = v;
	return 0;
}

/* Parse "r=nonce,s=salt,i=count[,ext...]" (RFC 5802 7). */
static int
scram_parse_first(const char *msg, size_t len, struct scram_first *f,
    char **err)
{
	struct scram_attr	 a[SCRAM_ATTR_MAX];
	size_t			 n;

	memset(f, 0, sizeof *f);
	ss_buf_init(&f->salt);
	if (sasl_scram_attrs(msg, len, a, &n, err) != 0)
		return -1;
	if (n > 0 && a[0].name == 'm') {
		*err = xstrdup("the server demands a SCRAM extension (m=) "
		    "smtpscope does not know");
		return -1;
	}
	if (n < 3 || a[0].name != 'r' || a[1].name != 's' ||
	    a[2].name != 'i') {
		*err = xstrdup("the server-first message is not r=...,s=...,"
		    "i=...");
		return -1;
	}
	f->nonce = a[0].value;
	f->nonce_len = a[0].len;
	if (ss_base64_decode(&f->salt, a[1].value, a[1].len) != 0 ||
	    f->salt.len == 0 || f->salt.len > SCRAM_SALT_MAX) {
		*err = xstrdup("the salt (s=) is not base64 of 1 to 256 "
		    "bytes");
		return -1;
	}
	return scram_iterations(&a[2], &f->iterations, err);
}

/* Append a SASLprep'ed name with "," and "=" escaped (RFC 5802 5.1). */
static void
scram_saslname(struct ss_buf *b, const char *name)
{
	for (; *name != '\0'; name++) {
		if (*name == ',')
			ss_buf_adds(b, "=2C");
		else if (*name == '=')
			ss_buf_adds(b, "=3D");
		else
			ss_buf_addc(b, *name);
	}
}

/* A fresh client nonce: 18 random bytes in base64 (no comma). */
static int
scram_make_nonce(struct ss_sasl *s, char **err)
{
	unsigned char	 raw[18];
	struct ss_buf	 b;

	if (s->nonce[0] != '\0')
		return 0;
	if (ss_crypto_random(raw, sizeof raw) != 0) {
		*err = xstrdup("no random bytes for the SCRAM nonce");
		return -1;
	}
	ss_buf_init(&b);
	ss_base64_encode(&b, raw, sizeof raw);
	ss_strlcpy(s->nonce, b.data, sizeof s->nonce);
	ss_buf_finish(&b);
	return 0;
}

/* The GS2 header: binding asked, possible but not offered, or none. */
static void
scram_gs2(const struct ss_sasl *s, struct scram_state *st)
{
	if (s->mech->binding)
		ss_strlcpy(st->gs2, "p=tls-exporter,,", sizeof st->gs2);
	else if (s->cb_len > 0 && !s->server_plus)
		ss_strlcpy(st->gs2, "y,,", sizeof st->gs2);
	else
		ss_strlcpy(st->gs2, "n,,", sizeof st->gs2);
}

/* client-first: gs2-header "n=" user ",r=" nonce, in base64. */
int
sasl_scram_initial(struct ss_sasl *s, struct ss_buf *out, char **err)
{
	struct scram_state	*st;
	struct ss_buf		 msg;
	char			*user, *why = NULL;

	if (ss_saslprep(s->user, 1, &user, &why) != 0) {
		xasprintf(err, "the user name cannot be used with SCRAM: %s",
		    why);
		free(why);
		return -1;
	}
	if (scram_make_nonce(s, err) != 0) {
		ss_free_secret(user);
		return -1;
	}
	st = xcalloc(1, sizeof *st);
	scram_gs2(s, st);
	ss_buf_init(&msg);
	ss_buf_adds(&msg, "n=");
	scram_saslname(&msg, user);
	ss_buf_printf(&msg, ",r=%s", s->nonce);
	ss_free_secret(user);
	if (msg.len >= sizeof st->first_bare) {
		ss_buf_finish(&msg);
		free(st);
		*err = xstrdup("the user name is too long for SCRAM here");
		return -1;
	}
	memcpy(st->first_bare, msg.data, msg.len + 1);
	ss_buf_reset(&msg);
	ss_buf_printf(&msg, "%s%s", st->gs2, st->first_bare);
	ss_base64_encode(out, msg.data, msg.len);
	ss_buf_finish(&msg);
	s->state = st;
	s->state_len = sizeof *st;
	return 0;
}

/* "c=" base64(gs2-header [cbind-data]) ",r=" nonce. */
static void
scram_final_bare(const struct ss_sasl *s, const struct scram_state *st,
    const struct scram_first *f, struct ss_buf *out)
{
	struct ss_buf	 cb;

	ss_buf_init(&cb);
	ss_buf_adds(&cb, st->gs2);
	if (s->mech->binding)
		ss_buf_add(&cb, s->cb, s->cb_len);
	ss_buf_adds(out, "c=");
	ss_base64_encode(out, cb.data, cb.len);
	ss_buf_adds(out, ",r=");
	ss_buf_add(out, f->nonce, f->nonce_len);
	ss_buf_finish(&cb);
}

/* The keys of RFC 5802 3, from the salted password. */
struct scram_keys {
	unsigned char	 salted[SCRAM_HASH_MAX];
	unsigned char	 client_key[SCRAM_HASH_MAX];
	unsigned char	 stored_key[SCRAM_HASH_MAX];
	unsigned char	 client_sig[SCRAM_HASH_MAX];
	unsigned char	 server_key[SCRAM_HASH_MAX];
	unsigned char	 proof[SCRAM_HASH_MAX];
};

/* Proof and server signature over the AuthMessage; 0 or -1. */
static int
scram_compute(const struct sasl_scram_hash *h, const char *password,
    const struct scram_first *f, const struct ss_buf *auth,
    struct scram_keys *k, unsigned char *server_sig)
{
	size_t	 i;

	if (h->pbkdf2(password, strlen(password), f->salt.data, f->salt.len,
	    (unsigned int)f->iterations, k->salted, h->len) != 0 ||
	    h->hmac(k->salted, h->len, "Client Key", 10, k->client_key) != 0 ||
	    h->hash(k->client_key, h->len, k->stored_key) != 0 ||
	    h->hmac(k->stored_key, h->len, auth->data, auth->len,
	    k->client_sig) != 0 ||
	    h->hmac(k->salted, h->len, "Server Key", 10, k->server_key) != 0 ||
	    h->hmac(k->server_key, h->len, auth->data, auth->len,
	    server_sig) != 0)
		return -1;
	for (i = 0; i < h->len; i++)
		k->proof[i] = k->client_key[i] ^ k->client_sig[i];
	return 0;
}

/* Check the server's nonce: ours, then at least one byte of its own. */
static int
scram_check_nonce(const struct ss_sasl *s, const struct scram_first *f,
    char **err)
{
	size_t	 n = strlen(s->nonce);

	if (f->nonce_len <= n || memcmp(f->nonce, s->nonce, n) != 0) {
		*err = xstrdup("the server's nonce does not start with the "
		    "client's, or adds nothing to it (RFC 5802 5.1)");
		return -1;
	}
	return 0;
}

/* server-first in, client-final (with the proof: a secret) out. */
static int
scram_answer_first(struct ss_sasl *s, struct scram_state *st,
    const unsigned char *chal, size_t len, struct ss_buf *out, char **err)
{
	const struct sasl_scram_hash	*h = s->mech->data;
	struct scram_first		 f;
	struct scram_keys		 k;
	struct ss_buf			 auth, final;
	char				*pw = NULL, *why = NULL;
	int				 rc = -1;

	ss_buf_init(&auth);
	ss_buf_init(&final);
	memset(&k, 0, sizeof k);
	if (scram_parse_first((const char *)chal, len, &f, err) != 0 ||
	    scram_check_nonce(s, &f, err) != 0)
		goto done;
	if (ss_saslprep(s->secret, 0, &pw, &why) != 0) {
		xasprintf(err, "the password cannot be used with SCRAM: %s",
		    why);
		goto done;
	}
	scram_final_bare(s, st, &f, &final);
	ss_buf_printf(&auth, "%s,", st->first_bare);
	ss_buf_add(&auth, chal, len);
	ss_buf_printf(&auth, ",%s", final.data);
	if (scram_compute(h, pw, &f, &auth, &k, st->server_sig) != 0) {
		xasprintf(err, "the %s computation failed", h->name);
		goto done;
	}
	ss_buf_adds(&final, ",p=");
	ss_base64_encode(&final, k.proof, h->len);
	ss_base64_encode(out, final.data, final.len);
	st->phase = SCRAM_SENT_FINAL;
	rc = 0;
done:
	ss_wipe(&k, sizeof k);
	ss_free_secret(pw);
	free(why);
	ss_wipe(final.data, final.cap);
	ss_buf_finish(&final);
	ss_buf_finish(&auth);
	ss_buf_finish(&f.salt);
	return rc;
}

/* Compare without an early exit. */
static int
scram_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned char	 d = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* server-final: "v=" signature (checked) or "e=" error. */
static int
scram_answer_final(struct ss_sasl *s, struct scram_state *st,
    const unsigned char *chal, size_t len, struct ss_buf *out, char **err)
{
	const struct sasl_scram_hash	*h = s->mech->data;
	struct scram_attr		 a[SCRAM_ATTR_MAX];
	struct ss_buf			 sig;
	size_t				 n;
	int				 ok;

	if (sasl_scram_attrs((const char *)chal, len, a, &n, err) != 0)
		return -1;
	if (n > 0 && a[0].name == 'e') {
		st->phase = SCRAM_REFUSED;
		sasl_set_verdict(s, "%s server-error e=%.*s", s->mech->name,
		    (int)(a[0].len > 60 ? 60 : a[0].len), a[0].value);
		xasprintf(err, "the server refused the login with the SCRAM "
		    "error \"%.*s\"", (int)(a[0].len > 60 ? 60 : a[0].len),
		    a[0].value);
		return -1;
	}
	ss_buf_init(&sig);
	ok = n > 0 && a[0].name == 'v' &&
	    ss_base64_decode(&sig, a[0].value, a[0].len) == 0 &&
	    sig.len == h->len &&
	    scram_equal((const unsigned char *)sig.data, st->server_sig,
	    h->len);
	ss_buf_finish(&sig);
	if (!ok) {
		st->phase = SCRAM_REFUSED;
		sasl_set_verdict(s, "%s server-signature=mismatch",
		    s->mech->name);
		*err = xstrdup("the server's SCRAM signature is wrong: it could "
		    "not prove it knows the password, so it may not be the "
		    "server it claims to be; the login is not trusted");
		return -1;
	}
	st->phase = SCRAM_VERIFIED;
	sasl_set_verdict(s, "%s server-signature=ok", s->mech->name);
	(void)out;	/* the answer to the final message is empty */
	return 0;
}

/* The two challenges of SCRAM, in order. */
int
sasl_scram_step(struct ss_sasl *s, const unsigned char *chal, size_t len,
    struct ss_buf *out, int *secret, char **err)
{
	struct scram_state	*st = s->state;

	*secret = 0;
	if (st == NULL) {
		xasprintf(err, "%s could not start: %s", s->mech->name,
		    s->verdict[0] != '\0' ? s->verdict : "no client-first "
		    "message");
		return -1;
	}
	switch (st->phase) {
	case SCRAM_SENT_FIRST:
		*secret = 1;
		return scram_answer_first(s, st, chal, len, out, err);
	case SCRAM_SENT_FINAL:
		return scram_answer_final(s, st, chal, len, out, err);
	default:
		*err = xstrdup("SCRAM is over; the server sent another "
		    "challenge");
		return -1;
	}
}

/* At 235: only a verified server signature makes the login trusted. */
int
sasl_scram_finish(struct ss_sasl *s, char **err)
{
	struct scram_state	*st = s->state;

	if (st != NULL && st->phase == SCRAM_VERIFIED)
		return 0;
	if (st == NULL || st->phase != SCRAM_REFUSED)
		sasl_set_verdict(s, "%s server-signature=missing",
		    s->mech->name);
	*err = xstrdup("the server said 235 without proving it knows the "
	    "password (no valid SCRAM server signature): the login is not "
	    "trusted");
	return -1;
}

/* Append an attribute's value, escaped, at most max bytes. */
static void
scram_show(struct ss_buf *b, const struct scram_attr *a, size_t max)
{
	ss_buf_addc(b, '"');
	ss_text_escape(b, a->value, a->len > max ? max : a->len);
	ss_buf_adds(b, a->len > max ? "...\"" : "\"");
}

/* Channel-binding flag of a GS2 header in words. */
static void
scram_describe_gs2(const char *msg, size_t len, struct ss_buf *b)
{
	if (len > 0 && msg[0] == 'n')
		ss_buf_adds(b, "channel binding: n (the client does not use "
		    "it)");
	else if (len > 0 && msg[0] == 'y')
		ss_buf_adds(b, "channel binding: y (the client could, but "
		    "believes the server cannot)");
	else if (len > 2 && msg[0] == 'p' && msg[1] == '=') {
		ss_buf_adds(b, "channel binding: p=");
		ss_text_escape(b, msg + 2, strcspn(msg + 2, ",") < len - 2 ?
		    strcspn(msg + 2, ",") : len - 2);
		ss_buf_adds(b, " (bound to this TLS connection)");
	}
}

/* The client-first message: GS2 header, user, nonce. */
static int
scram_describe_client_first(const char *msg, size_t len, struct ss_buf *b)
{
	struct scram_attr	 a[SCRAM_ATTR_MAX];
	const char		*c1, *c2;
	size_t			 n, i;
	char			*err = NULL;

	if ((c1 = memchr(msg, ',', len)) == NULL ||
	    (c2 = memchr(c1 + 1, ',', msg + len - c1 - 1)) == NULL ||
	    sasl_scram_attrs(c2 + 1, msg + len - c2 - 1, a, &n, &err) != 0) {
		free(err);
		return 0;
	}
	ss_buf_adds(b, "SCRAM client-first: ");
	scram_describe_gs2(msg, (size_t)(c2 - msg), b);
	for (i = 0; i < n; i++) {
		if (a[i].name == 'n') {
			ss_buf_adds(b, "; user ");
			scram_show(b, &a[i], 64);
		} else if (a[i].name == 'r') {
			ss_buf_adds(b, "; client nonce ");
			scram_show(b, &a[i], 64);
		}
	}
	return 1;
}

/* The client-final message: binding data, nonce, proof masked. */
static void
scram_describe_client_final(const struct scram_attr *a, size_t n,
    struct ss_buf *b)
{
	struct ss_buf	 cb;
	size_t		 i;

	ss_buf_adds(b, "SCRAM client-final: ");
	for (i = 0; i < n; i++) {
		if (a[i].name == 'c') {
			ss_buf_init(&cb);
			if (ss_base64_decode(&cb, a[i].value, a[i].len) == 0)
				scram_describe_gs2(cb.data, cb.len, b);
			ss_buf_finish(&cb);
		} else if (a[i].name == 'r') {
			ss_buf_adds(b, "; nonce ");
			scram_show(b, &a[i], 80);
		} else if (a[i].name == 'p') {
			ss_buf_adds(b, "; proof (masked): the client's proof "
			    "that it knows the password, which never travels");
		}
	}
}

/* The server-first message: nonce, salt, iterations. */
static void
scram_describe_server_first(const char *msg, size_t len, struct ss_buf *b)
{
	struct scram_first	 f;
	char			*err = NULL;

	if (scram_parse_first(msg, len, &f, &err) != 0) {
		ss_buf_printf(b, "SCRAM server-first, unusable: %s", err);
		free(err);
		ss_buf_finish(&f.salt);
		return;
	}
	ss_buf_adds(b, "SCRAM server-first: nonce \"");
	ss_text_escape(b, f.nonce, f.nonce_len > 80 ? 80 : f.nonce_len);
	ss_buf_printf(b, "\" (the client's, then the server's own); salt of "
	    "%zu bytes; %lu iterations", f.salt.len, f.iterations);
	if (f.iterations < SCRAM_ITER_ADVISED)
		ss_buf_printf(b, " (fewer than the %d RFC 7677 asks for)",
		    SCRAM_ITER_ADVISED);
	ss_buf_finish(&f.salt);
}

/* Explain a SCRAM message in words. */
int
sasl_scram_describe(int from_server, const unsigned char *raw, size_t len,
    struct ss_buf *b)
{
	const char		*msg = (const char *)raw;
	struct scram_attr	 a[SCRAM_ATTR_MAX];
	size_t			 n;
	char			*err = NULL;

	if (!from_server && (msg[0] == 'n' || msg[0] == 'y' || msg[0] == 'p'))
		return scram_describe_client_first(msg, len, b);
	if (sasl_scram_attrs(msg, len, a, &n, &err) != 0 || n == 0) {
		free(err);
		return 0;
	}
	if (!from_server && a[0].name == 'c')
		scram_describe_client_final(a, n, b);
	else if (from_server && a[0].name == 'r')
		scram_describe_server_first(msg, len, b);
	else if (from_server && a[0].name == 'v')
		ss_buf_adds(b, "SCRAM server-final: the server's signature "
		    "(masked), its proof that it knows the password; the client "
		    "checks it before trusting the login");
	else if (from_server && a[0].name == 'e') {
		ss_buf_adds(b, "SCRAM server-final: error ");
		scram_show(b, &a[0], 60);
	} else
		return 0;
	return 1;
}
