/*
 * sasl-cram.c: CRAM-MD5 (RFC 2195), a keyed digest of the server's
 * challenge: the password does not travel, but the server must keep it in
 * the clear and nothing proves the server knows it.
 */
#include <stdlib.h>
#include <string.h>

#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "sasl-int.h"

/* "user hex(HMAC-MD5(password, challenge))". */
int
sasl_cram_step(struct ss_sasl *s, const unsigned char *chal, size_t len,
    struct ss_buf *out, int *secret, char **err)
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
	if (ss_crypto_hmac_md5(s->secret, strlen(s->secret), chal, len,
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
