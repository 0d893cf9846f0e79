/*
 * tls.c: TLS client and server over mbedTLS 2.28, and the few crypto
 * primitives the rest of smtpscope needs.  This is the only file that
 * includes mbedTLS headers.
 */
#include <sys/random.h>

#include <errno.h>
#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/sha256.h>

#include "smtpscope/tls.h"
#include "smtpscope/util.h"

/* HMAC-MD5 for CRAM-MD5 (RFC 2195). */
int
ss_crypto_hmac_md5(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[16])
{
	const mbedtls_md_info_t	*md;

	md = mbedtls_md_info_from_type(MBEDTLS_MD_MD5);
	if (md == NULL) {
		return (-1);
	}
	if (mbedtls_md_hmac(md, key, keylen, msg, msglen, out) != 0) {
		return (-1);
	}
	return (0);
}

/* SHA-256 digest, used for SCRAM and certificate fingerprints. */
void
ss_crypto_sha256(const void *data, size_t len, unsigned char out[32])
{
	mbedtls_sha256_ret(data, len, out, 0);
}

/* Random bytes straight from the kernel; safe from any thread. */
int
ss_crypto_random(void *out, size_t len)
{
	unsigned char	*p = out;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}
