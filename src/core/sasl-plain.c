/*
 * sasl-plain.c: the mechanisms that send the password itself, only
 * base64-encoded: PLAIN (RFC 4616) and LOGIN (the old Microsoft form).
 */
#include <stdlib.h>
#include <string.h>

#include "smtpscope/util.h"

#include "sasl-int.h"

/*
 * PLAIN: authzid (empty) NUL authcid NUL passwd, in base64.  The scratch
 * copy has its exact size so it never moves (and leaves no copy behind)
 * before it is wiped.
 */
int
sasl_plain_initial(struct ss_sasl *s, struct ss_buf *out, char **err)
{
	size_t	 ulen = strlen(s->user), plen = strlen(s->secret);
	size_t	 len = ulen + plen + 2;
	char	*msg;

	(void)err;
	msg = xmalloc(len);
	msg[0] = '\0';
	memcpy(msg + 1, s->user, ulen);
	msg[1 + ulen] = '\0';
	memcpy(msg + 2 + ulen, s->secret, plen);
	ss_base64_encode(out, msg, len);
	ss_wipe(msg, len);
	free(msg);
	return 0;
}

/* PLAIN after an empty 334 (a server that ignored the initial response). */
int
sasl_plain_step(struct ss_sasl *s, const unsigned char *chal, size_t len,
    struct ss_buf *out, int *secret, char **err)
{
	(void)chal;
	if (s->steps > 0 || len != 0) {
		*err = xstrdup("PLAIN expects no challenge, but the server "
		    "sent one");
		return -1;
	}
	*secret = 1;
	return sasl_plain_initial(s, out, err);
}

/* Does the decoded challenge contain word, case-insensitively? */
static int
sasl_challenge_says(const unsigned char *chal, size_t len, const char *word)
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
int
sasl_login_step(struct ss_sasl *s, const unsigned char *chal, size_t len,
    struct ss_buf *out, int *secret, char **err)
{
	int	 want_password;

	if (sasl_challenge_says(chal, len, "pass"))
		want_password = 1;
	else if (sasl_challenge_says(chal, len, "user"))
		want_password = 0;
	else
		want_password = s->steps > 0;
	if (s->steps >= 2) {
		*err = xstrdup("LOGIN sends a user name and a password; the "
		    "server asked for more");
		return -1;
	}
	if (want_password) {
		ss_base64_encode(out, s->secret, strlen(s->secret));
		*secret = 1;
	} else {
		ss_base64_encode(out, s->user, strlen(s->user));
		*secret = 0;
	}
	return 0;
}
