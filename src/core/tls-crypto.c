/*
 * tls-crypto.c: the small crypto primitives the rest of smtpscope needs (hashes,
 * HMACs, PBKDF2, random bytes), so that no other module includes mbedTLS,
 * and the library's version for --version.
 */
#include <sys/types.h>
#include <sys/random.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <mbedtls/pkcs5.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include "smtpscope/util.h"
#include "tls-internal.h"

/* ------------------------------------------------------------------ */
/* Crypto helpers for the other modules.                               */

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
	if (mbedtls_sha256(data, len, out, 0) != 0) {
		/* Cannot fail for a software hash; never leave it unset. */
		memset(out, 0, 32);
	}
}

/* SHA-1, for SCRAM-SHA-1 (RFC 5802). */
int
ss_crypto_sha1(const void *data, size_t len, unsigned char out[20])
{
	return (mbedtls_sha1(data, len, out) == 0 ? 0 : -1);
}

/* An HMAC with the hash md (RFC 2104). */
static int
tls_hmac(mbedtls_md_type_t type, const void *key, size_t keylen,
    const void *msg, size_t msglen, unsigned char *out)
{
	const mbedtls_md_info_t	*md = mbedtls_md_info_from_type(type);

	if (tls_library_init(NULL) == -1 || md == NULL ||
	    mbedtls_md_hmac(md, key, keylen, msg, msglen, out) != 0) {
		return (-1);
	}
	return (0);
}

/* HMAC-SHA-1, for SCRAM-SHA-1. */
int
ss_crypto_hmac_sha1(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[20])
{
	return (tls_hmac(MBEDTLS_MD_SHA1, key, keylen, msg, msglen, out));
}

/* HMAC-SHA-256, for SCRAM-SHA-256 (RFC 7677). */
int
ss_crypto_hmac_sha256(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[32])
{
	return (tls_hmac(MBEDTLS_MD_SHA256, key, keylen, msg, msglen, out));
}

/* PBKDF2 with an HMAC (RFC 8018 section 5.2). */
static int
tls_pbkdf2(mbedtls_md_type_t type, const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned int iterations,
    unsigned char *out, size_t outlen)
{
	if (tls_library_init(NULL) == -1 || iterations == 0 || outlen == 0 ||
	    outlen > UINT32_MAX) {
		return (-1);
	}
	return (mbedtls_pkcs5_pbkdf2_hmac_ext(type, pass, passlen, salt,
	    saltlen, iterations, (uint32_t)outlen, out) == 0 ? 0 : -1);
}

/* PBKDF2-HMAC-SHA-1, SCRAM-SHA-1's Hi(). */
int
ss_crypto_pbkdf2_hmac_sha1(const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned int iterations,
    unsigned char *out, size_t outlen)
{
	return (tls_pbkdf2(MBEDTLS_MD_SHA1, pass, passlen, salt, saltlen,
	    iterations, out, outlen));
}

/* PBKDF2-HMAC-SHA-256, SCRAM-SHA-256's Hi(). */
int
ss_crypto_pbkdf2_hmac_sha256(const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned int iterations,
    unsigned char *out, size_t outlen)
{
	return (tls_pbkdf2(MBEDTLS_MD_SHA256, pass, passlen, salt, saltlen,
	    iterations, out, outlen));
}

static pthread_once_t	tls_version_once = PTHREAD_ONCE_INIT;
static char		tls_version[16];	/* "3.6.6": 9 bytes at most */

/* Ask the library for its version, once. */
static void
tls_version_once_init(void)
{
	mbedtls_version_get_string(tls_version);
}

/* The version of the library linked in, "3.6.6". */
const char *
ss_tls_library_version(void)
{
	pthread_once(&tls_version_once, tls_version_once_init);
	return (tls_version);
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

