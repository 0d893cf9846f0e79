/*
 * sasl-crypto.h: the crypto helpers SCRAM needs, as the tls-port branch
 * declares them in smtpscope/tls.h (implemented in src/core/tls*.c, the
 * only files that include mbedTLS).  Until that branch is merged they are
 * declared weak here, so the build links and SCRAM reports "not built
 * with SHA-1/SHA-256 helpers" instead of running; the merge replaces this
 * file with tls.h's declarations.
 */
#ifndef SMTPSCOPE_SASL_CRYPTO_H
#define SMTPSCOPE_SASL_CRYPTO_H

#include <stddef.h>

#include "smtpscope/tls.h"

#define SASL_CRYPTO_WEAK	__attribute__((weak))

int	ss_crypto_sha1(const void *, size_t, unsigned char out[20])
	    SASL_CRYPTO_WEAK;
int	ss_crypto_hmac_sha1(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char out[20]) SASL_CRYPTO_WEAK;
int	ss_crypto_hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char out[32]) SASL_CRYPTO_WEAK;
int	ss_crypto_pbkdf2_hmac_sha1(const void *pw, size_t pwlen,
	    const void *salt, size_t saltlen, unsigned int iterations,
	    unsigned char *out, size_t outlen) SASL_CRYPTO_WEAK;
int	ss_crypto_pbkdf2_hmac_sha256(const void *pw, size_t pwlen,
	    const void *salt, size_t saltlen, unsigned int iterations,
	    unsigned char *out, size_t outlen) SASL_CRYPTO_WEAK;
struct ss_tls;
int	ss_tls_export_keying_material(struct ss_tls *, const char *label,
	    const void *context, size_t context_len, unsigned char *out,
	    size_t len) SASL_CRYPTO_WEAK;
/* Are the helpers linked in? */
#define SASL_CRYPTO_READY \
	(ss_crypto_sha1 != NULL && ss_crypto_pbkdf2_hmac_sha256 != NULL)

#endif
