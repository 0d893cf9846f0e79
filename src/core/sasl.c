/*
 * sasl.c: client side of the SASL mechanisms used by SMTP AUTH (RFC 4954).
 *
 * Each mechanism is one row of a table: its name, its rank (strongest
 * first), whether it sends an initial response, and a function answering
 * the server's challenges.  The user name and password live only in struct
 * ss_sasl and every scratch buffer that held them is wiped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/sasl.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

struct ss_sasl;

/* Answer the n-th challenge (decoded bytes); append the base64 response. */
typedef int (*ss_sasl_step_fn)(struct ss_sasl *, const unsigned char *,
    size_t, struct ss_buf *, int *, char **);

struct ss_sasl_mech {
	const char	*name;
	int		 initial;	/* sends an initial response */
	ss_sasl_step_fn	 step;
};

struct ss_sasl {
	const struct ss_sasl_mech *mech;
	char			*user;
	char			*password;
	int			 steps;	/* challenges answered so far */
};

static int ss_sasl_plain_step(struct ss_sasl *, const unsigned char *,
    size_t, struct ss_buf *, int *, char **);
static int ss_sasl_login_step(struct ss_sasl *, const unsigned char *,
    size_t, struct ss_buf *, int *, char **);
static int ss_sasl_cram_step(struct ss_sasl *, const unsigned char *,
    size_t, struct ss_buf *, int *, char **);

/* Strongest first: this order is the preselection order. */
static const struct ss_sasl_mech ss_sasl_mechs[] = {
	{ "CRAM-MD5",	0, ss_sasl_cram_step },
	{ "PLAIN",	1, ss_sasl_plain_step },
	{ "LOGIN",	0, ss_sasl_login_step },
};

static const char *const ss_sasl_mech_names[] = {
	"CRAM-MD5", "PLAIN", "LOGIN", NULL
};
_Static_assert(SS_NITEMS(ss_sasl_mech_names) == SS_NITEMS(ss_sasl_mechs) + 1,
    "mechanism names and table differ");

/* The table row of a mechanism, by case-insensitive name. */
static const struct ss_sasl_mech *
ss_sasl_find(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < SS_NITEMS(ss_sasl_mechs); i++) {
		if (ss_strcasecmp(ss_sasl_mechs[i].name, name) == 0)
			return &ss_sasl_mechs[i];
	}
	return NULL;
}

/* The mechanisms we speak, strongest first, NULL-terminated. */
const char *const *
ss_sasl_client_mechs(size_t *n)
{
	if (n != NULL)
		*n = SS_NITEMS(ss_sasl_mechs);
	return ss_sasl_mech_names;
}

/* Can we speak this mechanism? */
int
ss_sasl_supported(const char *name)
{
	return ss_sasl_find(name) != NULL;
}

/* The strongest mechanism we speak among a server's AUTH words. */
const char *
ss_sasl_choose(char *const *words, size_t nwords)
{
	size_t	 i, j;

	for (i = 0; i < SS_NITEMS(ss_sasl_mechs); i++) {
		for (j = 0; j < nwords; j++) {
			if (words[j] != NULL &&
			    ss_strcasecmp(words[j], ss_sasl_mechs[i].name) == 0)
				return ss_sasl_mechs[i].name;
		}
	}
	return NULL;
}

/* Keep copies of the credentials for one AUTH exchange. */
struct ss_sasl *
ss_sasl_create(const char *mech, const char *user, const char *password)
{
	const struct ss_sasl_mech	*m;
	struct ss_sasl			*s;

	if ((m = ss_sasl_find(mech)) == NULL)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->mech = m;
	s->user = xstrdup(user != NULL ? user : "");
	s->password = xstrdup(password != NULL ? password : "");
	return s;
}

/* Wipe the credentials and free them. */
void
ss_sasl_destroy(struct ss_sasl *s)
{
	if (s == NULL)
		return;
	ss_free_secret(s->user);
	ss_free_secret(s->password);
	free(s);
}

/* The mechanism's registered name. */
const char *
ss_sasl_mech(const struct ss_sasl *s)
{
	return s->mech->name;
}

/*
 * PLAIN (RFC 4616): authzid (empty) NUL authcid NUL passwd, in base64.  The
 * scratch copy has its exact size so it never moves (and leaves no copy
 * behind) before it is wiped.
 */
static void
ss_sasl_plain_payload(struct ss_sasl *s, struct ss_buf *out)
{
	size_t	 ulen = strlen(s->user), plen = strlen(s->password);
	size_t	 len = ulen + plen + 2;
	char	*msg;

	msg = xmalloc(len);
	msg[0] = '\0';
	memcpy(msg + 1, s->user, ulen);
	msg[1 + ulen] = '\0';
	memcpy(msg + 2 + ulen, s->password, plen);
	ss_base64_encode(out, msg, len);
	ss_wipe(msg, len);
	free(msg);
}

/*
 * The AUTH command.  Only PLAIN sends an initial response; the rest of the
 * line after "AUTH PLAIN" is the secret part.
 */
void
ss_sasl_start(struct ss_sasl *s, struct ss_buf *out, int *secret,
    size_t *public_len)
{
	size_t	 start = out->len;

	ss_buf_printf(out, "AUTH %s", s->mech->name);
	*public_len = out->len - start;
	*secret = 0;
	if (s->mech->initial) {
		ss_buf_addc(out, ' ');
		ss_sasl_plain_payload(s, out);
		*secret = 1;
	}
}

/* PLAIN after an empty 334 (a server that ignored the initial response). */
static int
ss_sasl_plain_step(struct ss_sasl *s, const unsigned char *chal,
    size_t len, struct ss_buf *out, int *secret, char **err)
{
	(void)chal;
	if (s->steps > 0 || len != 0) {
		*err = xstrdup("PLAIN expects no challenge, but the server "
		    "sent one");
		return -1;
	}
	ss_sasl_plain_payload(s, out);
	*secret = 1;
	return 0;
}

/* Does the decoded challenge contain word, case-insensitively? */
static int
ss_sasl_challenge_says(const unsigned char *chal, size_t len,
    const char *word)
{
	size_t	 wlen = strlen(word), i;

	for (i = 0; i + wlen <= len; i++) {
		if (ss_strncasecmp((const char *)chal + i, word, wlen) == 0)
			return 1;
	}
	return 0;
}

/*
 * LOGIN: the server asks "Username:" then "Password:".  Go by the prompt
 * when it says which, else by order.  Only the password is a secret.
 */
static int
ss_sasl_login_step(struct ss_sasl *s, const unsigned char *chal,
    size_t len, struct ss_buf *out, int *secret, char **err)
{
	int	 want_password;

	if (ss_sasl_challenge_says(chal, len, "pass"))
		want_password = 1;
	else if (ss_sasl_challenge_says(chal, len, "user"))
		want_password = 0;
	else
		want_password = s->steps > 0;
	if (s->steps >= 2) {
		*err = xstrdup("LOGIN sends a user name and a password; the "
		    "server asked for more");
		return -1;
	}
	if (want_password) {
		ss_base64_encode(out, s->password, strlen(s->password));
		*secret = 1;
	} else {
		ss_base64_encode(out, s->user, strlen(s->user));
		*secret = 0;
	}
	return 0;
}

/* CRAM-MD5 (RFC 2195): "user hex(HMAC-MD5(password, challenge))". */
static int
ss_sasl_cram_step(struct ss_sasl *s, const unsigned char *chal,
    size_t len, struct ss_buf *out, int *secret, char **err)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 mac[16];
	char			*msg;
	size_t			 ulen = strlen(s->user), mlen, i;

	if (s->steps > 0) {
		*err = xstrdup("CRAM-MD5 answers one challenge; the server "
		    "sent another");
		return -1;
	}
	if (ss_crypto_hmac_md5(s->password, strlen(s->password), chal, len,
	    mac) != 0) {
		*err = xstrdup("HMAC-MD5 failed");
		return -1;
	}
	mlen = ulen + 1 + 2 * sizeof mac;
	msg = xmalloc(mlen);
	memcpy(msg, s->user, ulen);
	msg[ulen] = ' ';
	for (i = 0; i < sizeof mac; i++) {
		msg[ulen + 1 + 2 * i] = hex[mac[i] >> 4];
		msg[ulen + 2 + 2 * i] = hex[mac[i] & 0x0f];
	}
	ss_base64_encode(out, msg, mlen);
	ss_wipe(mac, sizeof mac);
	ss_wipe(msg, mlen);
	free(msg);
	*secret = 1;
	return 0;
}

/* Length of text without trailing spaces, tabs and line ends. */
static size_t
ss_sasl_trim(const char *text, size_t len)
{
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
	    text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	return len;
}

/* Decode a 334 challenge and let the mechanism answer it. */
int
ss_sasl_step(struct ss_sasl *s, const char *challenge, size_t len,
    struct ss_buf *out, int *secret, char **err)
{
	struct ss_buf	 chal;
	int		 rc;

	*secret = 0;
	*err = NULL;
	len = ss_sasl_trim(challenge, len);
	ss_buf_init(&chal);
	if (ss_base64_decode(&chal, challenge, len) != 0) {
		ss_buf_finish(&chal);
		*err = xstrdup("the server's challenge is not valid base64");
		return -1;
	}
	rc = s->mech->step(s, (const unsigned char *)chal.data, chal.len, out,
	    secret, err);
	if (rc == 0)
		s->steps++;
	ss_wipe(chal.data, chal.cap);
	ss_buf_finish(&chal);
	return rc;
}

/* A base64 payload decoded and escaped so it is safe to show. */
char *
ss_sasl_decode_for_display(const char *text, size_t len)
{
	struct ss_buf	 raw, shown;

	ss_buf_init(&raw);
	if (ss_base64_decode(&raw, text, ss_sasl_trim(text, len)) != 0) {
		ss_buf_finish(&raw);
		return NULL;
	}
	ss_buf_init(&shown);
	ss_text_escape(&shown, raw.data, raw.len);
	ss_wipe(raw.data, raw.cap);
	ss_buf_finish(&raw);
	return ss_buf_steal(&shown);
}
