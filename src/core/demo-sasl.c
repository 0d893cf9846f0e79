/*
 * demo-sasl.c: the demo server's side of SCRAM (RFC 5802, 7677) and of the
 * bearer-token mechanisms XOAUTH2 and OAUTHBEARER (RFC 7628).
 *
 * SCRAM here is what a server does: it knows the demo password, salts and
 * hashes it with the same helpers the client uses (tls.h), checks the
 * client's proof, and proves itself with a signature; a profile can make
 * that signature wrong, or leave it out, to show what a careful client
 * does.  The bearer mechanisms accept one token and answer any other with
 * the JSON error object of Google's and RFC 7628's form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "demo-sasl.h"
#include "sasl-int.h"

#define DEMO_SCRAM_ITERATIONS	4096
#define DEMO_SCRAM_SALT		16

/* The error objects a refused token gets. */
#define DEMO_XOAUTH2_ERROR	"{\"status\":\"401\",\"schemes\":\"bearer\"," \
	"\"scope\":\"https://mail.google.com/\"}"
#define DEMO_OAUTHBEARER_ERROR	"{\"status\":\"invalid_token\",\"scope\":" \
	"\"smtp\",\"openid-configuration\":\"https://localhost/.well-known/" \
	"openid-configuration\"}"

typedef enum demo_sasl_outcome demo_sasl_fn(struct demo_sasl *,
    const struct ss_buf *, struct ss_buf *);

struct demo_sasl_mech {
	const char			*name;
	const struct sasl_scram_hash	*hash;	/* NULL: a bearer mechanism */
	const char			*error_json;
	demo_sasl_fn			*first;	/* the initial response */
};

static demo_sasl_fn demo_scram_first, demo_xoauth2_first,
    demo_oauthbearer_first;

static const struct demo_sasl_mech demo_sasl_mechs[] = {
	{ "SCRAM-SHA-256-PLUS", &sasl_scram_sha256, NULL, demo_scram_first },
	{ "SCRAM-SHA-256", &sasl_scram_sha256, NULL, demo_scram_first },
	{ "SCRAM-SHA-1", &sasl_scram_sha1, NULL, demo_scram_first },
	{ "XOAUTH2", NULL, DEMO_XOAUTH2_ERROR, demo_xoauth2_first },
	{ "OAUTHBEARER", NULL, DEMO_OAUTHBEARER_ERROR,
	    demo_oauthbearer_first },
};

/* The row of a mechanism. */
static const struct demo_sasl_mech *
demo_sasl_find(const char *mech)
{
	size_t	 i;

	for (i = 0; i < SS_NITEMS(demo_sasl_mechs); i++) {
		if (ss_strcasecmp(demo_sasl_mechs[i].name, mech) == 0)
			return &demo_sasl_mechs[i];
	}
	return NULL;
}

/* Served here? */
int
demo_sasl_serves(const char *mech)
{
	return demo_sasl_find(mech) != NULL;
}

/* "334 " and the base64 of a message. */
static enum demo_sasl_outcome
demo_sasl_challenge(struct ss_buf *out, const char *msg, size_t len)
{
	ss_buf_adds(out, "334 ");
	ss_base64_encode(out, msg, len);
	return DEMO_SASL_CONTINUE;
}

/* A 501 for an answer that cannot be read. */
static enum demo_sasl_outcome
demo_sasl_bad(struct ss_buf *out, const char *why)
{
	ss_buf_printf(out, "501 5.5.2 %s", why);
	return DEMO_SASL_BAD;
}

/* The value of attribute name, or NULL. */
static const struct scram_attr *
demo_attr(const struct scram_attr *a, size_t n, char name)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (a[i].name == name)
			return &a[i];
	}
	return NULL;
}

/* A fresh base64 nonce. */
static void
demo_nonce(struct ss_buf *b)
{
	unsigned char	 raw[18];

	(void)ss_crypto_random(raw, sizeof raw);
	ss_base64_encode(b, raw, sizeof raw);
}

/*
 * The GS2 header's channel-binding flag against the mechanism: -PLUS
 * needs "p=tls-exporter" and the exporter bytes; the others take "n", or
 * "y" only when -PLUS is not advertised (else a downgrade, RFC 5802 6).
 */
static int
demo_scram_gs2(const struct demo_sasl *st, const struct ss_buf *msg)
{
	static const char	 p[] = "p=tls-exporter,";
	int			 plus = strstr(st->mech->name, "-PLUS") != NULL;

	if (msg->len < 3)
		return -1;
	if (plus)
		return st->cb_len > 0 && msg->len > sizeof p - 1 &&
		    memcmp(msg->data, p, sizeof p - 1) == 0 ? 0 : -1;
	if (msg->data[0] == 'y')
		return st->plus_offered ? -1 : 0;
	return msg->data[0] == 'n' ? 0 : -1;
}

/* client-first: keep it, answer with nonce, salt and iterations. */
static enum demo_sasl_outcome
demo_scram_first(struct demo_sasl *st, const struct ss_buf *msg,
    struct ss_buf *out)
{
	struct scram_attr	 a[SCRAM_ATTR_MAX];
	const struct scram_attr	*user, *nonce;
	const char		*c1, *c2, *end = msg->data + msg->len;
	unsigned char		 salt[DEMO_SCRAM_SALT];
	struct ss_buf		 sf;
	size_t			 n;
	char			*err = NULL;

	if (demo_scram_gs2(st, msg) != 0 ||
	    (c1 = memchr(msg->data, ',', msg->len)) == NULL ||
	    (c2 = memchr(c1 + 1, ',', end - c1 - 1)) == NULL ||
	    (size_t)(c2 + 1 - msg->data) >= sizeof st->gs2 ||
	    (size_t)(end - c2 - 1) >= sizeof st->first_bare ||
	    sasl_scram_attrs(c2 + 1, end - c2 - 1, a, &n, &err) != 0 ||
	    (user = demo_attr(a, n, 'n')) == NULL ||
	    (nonce = demo_attr(a, n, 'r')) == NULL || nonce->len > 64) {
		free(err);
		return demo_sasl_bad(out, "not a SCRAM client-first message "
		    "this server takes");
	}
	memcpy(st->gs2, msg->data, c2 + 1 - msg->data);
	memcpy(st->first_bare, c2 + 1, end - c2 - 1);
	st->token_ok = user->len == strlen(DEMO_SASL_USER) &&
	    memcmp(user->value, DEMO_SASL_USER, user->len) == 0;
	(void)ss_crypto_random(salt, sizeof salt);
	ss_buf_init(&sf);
	ss_buf_adds(&sf, "r=");
	ss_buf_add(&sf, nonce->value, nonce->len);
	demo_nonce(&sf);
	ss_buf_adds(&sf, ",s=");
	ss_base64_encode(&sf, salt, sizeof salt);
	ss_buf_printf(&sf, ",i=%d", DEMO_SCRAM_ITERATIONS);
	ss_strlcpy(st->server_first, sf.data, sizeof st->server_first);
	demo_sasl_challenge(out, sf.data, sf.len);
	ss_buf_finish(&sf);
	st->step = 1;
	return DEMO_SASL_CONTINUE;
}

/* The salt and the full nonce of the server-first message sent. */
static int
demo_scram_sent(const struct demo_sasl *st, struct ss_buf *salt,
    const struct scram_attr **nonce, struct scram_attr *a)
{
	size_t	 n;
	char	*err = NULL;

	if (sasl_scram_attrs(st->server_first, strlen(st->server_first), a,
	    &n, &err) != 0 || n < 3) {
		free(err);
		return -1;
	}
	*nonce = &a[0];
	return ss_base64_decode(salt, a[1].value, a[1].len);
}

/* Check the client's proof; compute the server signature.  1 if good. */
static int
demo_scram_check(struct demo_sasl *st, const struct ss_buf *salt,
    const char *auth, size_t authlen, const struct ss_buf *proof)
{
	const struct sasl_scram_hash	*h = st->mech->hash;
	unsigned char			 salted[SCRAM_HASH_MAX];
	unsigned char			 ck[SCRAM_HASH_MAX], sk[SCRAM_HASH_MAX];
	unsigned char			 stored[SCRAM_HASH_MAX];
	unsigned char			 csig[SCRAM_HASH_MAX];
	unsigned char			 again[SCRAM_HASH_MAX];
	size_t				 i;
	int				 ok;

	if (proof->len != h->len ||
	    h->pbkdf2(DEMO_SASL_PASSWORD, strlen(DEMO_SASL_PASSWORD),
	    salt->data, salt->len, DEMO_SCRAM_ITERATIONS, salted,
	    h->len) != 0 ||
	    h->hmac(salted, h->len, "Client Key", 10, ck) != 0 ||
	    h->hash(ck, h->len, stored) != 0 ||
	    h->hmac(stored, h->len, auth, authlen, csig) != 0 ||
	    h->hmac(salted, h->len, "Server Key", 10, sk) != 0 ||
	    h->hmac(sk, h->len, auth, authlen, st->server_sig) != 0)
		return 0;
	for (i = 0; i < h->len; i++)
		ck[i] = (unsigned char)proof->data[i] ^ csig[i];
	ok = h->hash(ck, h->len, again) == 0 &&
	    memcmp(again, stored, h->len) == 0;
	ss_wipe(salted, sizeof salted);
	ss_wipe(ck, sizeof ck);
	ss_wipe(sk, sizeof sk);
	return ok;
}

/* c=: the GS2 header again, then for -PLUS the exporter bytes. */
static int
demo_scram_binding_ok(const struct demo_sasl *st, const struct ss_buf *cb)
{
	size_t	 glen = strlen(st->gs2);
	size_t	 want = glen + (strstr(st->mech->name, "-PLUS") != NULL ?
		    st->cb_len : 0);

	return cb->len == want && memcmp(cb->data, st->gs2, glen) == 0 &&
	    memcmp(cb->data + glen, st->cb, want - glen) == 0;
}

/* client-final: check binding, nonce and proof; prove ourselves. */
static enum demo_sasl_outcome
demo_scram_final(struct demo_sasl *st, const struct ss_buf *msg,
    struct ss_buf *out)
{
	struct scram_attr	 a[SCRAM_ATTR_MAX], sent[SCRAM_ATTR_MAX];
	const struct scram_attr	*c, *r, *p, *nonce;
	struct ss_buf		 salt, cb, proof, auth, v;
	size_t			 n;
	char			*err = NULL;
	int			 ok = 0;

	ss_buf_init(&salt);
	ss_buf_init(&cb);
	ss_buf_init(&proof);
	ss_buf_init(&auth);
	if (sasl_scram_attrs(msg->data, msg->len, a, &n, &err) != 0 ||
	    n < 3 || (c = demo_attr(a, n, 'c')) == NULL ||
	    (r = demo_attr(a, n, 'r')) == NULL || a[n - 1].name != 'p' ||
	    demo_scram_sent(st, &salt, &nonce, sent) != 0) {
		free(err);
		ss_buf_finish(&salt);
		ss_buf_finish(&cb);
		ss_buf_finish(&proof);
		ss_buf_finish(&auth);
		return demo_sasl_bad(out, "not a SCRAM client-final message");
	}
	p = &a[n - 1];
	ok = ss_base64_decode(&cb, c->value, c->len) == 0 &&
	    demo_scram_binding_ok(st, &cb) &&
	    r->len == nonce->len && memcmp(r->value, nonce->value, r->len) == 0 &&
	    ss_base64_decode(&proof, p->value, p->len) == 0;
	ss_buf_printf(&auth, "%s,%s,", st->first_bare, st->server_first);
	ss_buf_add(&auth, msg->data, (size_t)(p->value - 3 - msg->data));
	ok = ok && st->token_ok &&
	    demo_scram_check(st, &salt, auth.data, auth.len, &proof);
	ss_buf_finish(&salt);
	ss_buf_finish(&cb);
	ss_buf_finish(&proof);
	ss_buf_finish(&auth);
	if (!ok)
		return DEMO_SASL_FAIL;
	if (st->proof == DEMO_SCRAM_PROOF_NONE)
		return DEMO_SASL_OK;
	if (st->proof == DEMO_SCRAM_PROOF_WRONG)
		st->server_sig[0] ^= 0x5a;
	ss_buf_init(&v);
	ss_buf_adds(&v, "v=");
	ss_base64_encode(&v, st->server_sig, st->mech->hash->len);
	demo_sasl_challenge(out, v.data, v.len);
	ss_buf_finish(&v);
	st->step = 2;
	return DEMO_SASL_CONTINUE;
}

/* Is the text after "auth=Bearer " the demo token, up to %x01? */
static int
demo_bearer_ok(const struct ss_buf *msg)
{
	static const char	 key[] = "\001auth=Bearer ";
	const char		*p, *end = msg->data + msg->len;
	size_t			 tlen = strlen(DEMO_SASL_TOKEN);

	p = memmem(msg->data, msg->len, key, sizeof key - 1);
	if (p == NULL)
		return 0;
	p += sizeof key - 1;
	return (size_t)(end - p) > tlen && memcmp(p, DEMO_SASL_TOKEN, tlen) ==
	    0 && p[tlen] == '\001';
}

/* A bearer verdict: 235, or the error object and a wait for the ack. */
static enum demo_sasl_outcome
demo_bearer_verdict(struct demo_sasl *st, int ok, struct ss_buf *out)
{
	if (ok)
		return DEMO_SASL_OK;
	st->step = 1;
	return demo_sasl_challenge(out, st->mech->error_json,
	    strlen(st->mech->error_json));
}

/* XOAUTH2: "user=demo^Aauth=Bearer TOKEN^A^A". */
static enum demo_sasl_outcome
demo_xoauth2_first(struct demo_sasl *st, const struct ss_buf *msg,
    struct ss_buf *out)
{
	static const char	 user[] = "user=" DEMO_SASL_USER "\001";

	return demo_bearer_verdict(st, msg->len > sizeof user - 1 &&
	    memcmp(msg->data, user, sizeof user - 1) == 0 &&
	    demo_bearer_ok(msg), out);
}

/* OAUTHBEARER: a GS2 header, then key=value pairs, one the token. */
static enum demo_sasl_outcome
demo_oauthbearer_first(struct demo_sasl *st, const struct ss_buf *msg,
    struct ss_buf *out)
{
	if (msg->len < 3 || (msg->data[0] != 'n' && msg->data[0] != 'y'))
		return demo_sasl_bad(out, "not an OAUTHBEARER message (RFC "
		    "7628 3.1)");
	return demo_bearer_verdict(st, demo_bearer_ok(msg), out);
}

/* Decode a base64 answer; "=" is the empty one (RFC 4954). */
static int
demo_sasl_decode(const char *b64, struct ss_buf *b)
{
	if (strcmp(b64, "=") == 0)
		return 0;
	return ss_base64_decode(b, b64, strlen(b64));
}

/* One line of the exchange, by where it stands. */
enum demo_sasl_outcome
demo_sasl_answer(struct demo_sasl *st, const char *line, struct ss_buf *out)
{
	enum demo_sasl_outcome	 rc;
	struct ss_buf		 msg;

	ss_buf_init(&msg);
	if (demo_sasl_decode(line, &msg) != 0) {
		ss_buf_finish(&msg);
		return demo_sasl_bad(out, "cannot decode the base64 answer");
	}
	ss_buf_addc(&msg, '\0');
	msg.len--;
	if (st->step == 0)
		rc = st->mech->first(st, &msg, out);
	else if (st->mech->hash != NULL && st->step == 1)
		rc = demo_scram_final(st, &msg, out);
	else if (st->mech->hash != NULL)
		rc = msg.len == 0 ? DEMO_SASL_OK : DEMO_SASL_FAIL;
	else
		rc = DEMO_SASL_FAIL;	/* the client's ack of the error */
	ss_wipe(msg.data, msg.cap);
	ss_buf_finish(&msg);
	return rc;
}

/* Begin an exchange; with no initial response ask for one. */
enum demo_sasl_outcome
demo_sasl_start(struct demo_sasl *st, const char *mech,
    const struct demo_sasl_conn *conn, const char *initial,
    struct ss_buf *out)
{
	memset(st, 0, sizeof *st);
	if ((st->mech = demo_sasl_find(mech)) == NULL)
		return demo_sasl_bad(out, "mechanism not served");
	st->proof = conn->proof;
	st->plus_offered = conn->plus_offered;
	if (conn->cb != NULL && conn->cb_len <= sizeof st->cb) {
		memcpy(st->cb, conn->cb, conn->cb_len);
		st->cb_len = conn->cb_len;
	}
	if (*initial == '\0') {
		ss_buf_adds(out, "334 ");
		return DEMO_SASL_CONTINUE;
	}
	return demo_sasl_answer(st, initial, out);
}

/* Forget the exchange. */
void
demo_sasl_finish(struct demo_sasl *st)
{
	ss_wipe(st, sizeof *st);
}
