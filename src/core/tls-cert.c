/*
 * tls-cert.c: certificates in words: the verification flags a person reads, and a
 * certificate decoded for display (names, dates, key, signature,
 * fingerprint, whether it signs itself).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "smtpscope/util.h"
#include "tls-internal.h"

_Static_assert(SS_TLS_VERIFY_EXPIRED == MBEDTLS_X509_BADCERT_EXPIRED, "");
_Static_assert(SS_TLS_VERIFY_REVOKED == MBEDTLS_X509_BADCERT_REVOKED, "");
_Static_assert(SS_TLS_VERIFY_NAME_MISMATCH == MBEDTLS_X509_BADCERT_CN_MISMATCH,
    "");
_Static_assert(SS_TLS_VERIFY_NOT_TRUSTED == MBEDTLS_X509_BADCERT_NOT_TRUSTED,
    "");
_Static_assert(SS_TLS_VERIFY_MISSING == MBEDTLS_X509_BADCERT_MISSING, "");
_Static_assert(SS_TLS_VERIFY_FUTURE == MBEDTLS_X509_BADCERT_FUTURE, "");
_Static_assert(SS_TLS_VERIFY_KEY_USAGE == MBEDTLS_X509_BADCERT_KEY_USAGE, "");
_Static_assert(SS_TLS_VERIFY_EXT_KEY_USAGE ==
    MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "");
_Static_assert(SS_TLS_VERIFY_BAD_MD == MBEDTLS_X509_BADCERT_BAD_MD, "");
_Static_assert(SS_TLS_VERIFY_BAD_PK == MBEDTLS_X509_BADCERT_BAD_PK, "");
_Static_assert(SS_TLS_VERIFY_BAD_KEY == MBEDTLS_X509_BADCERT_BAD_KEY, "");

/* ------------------------------------------------------------------ */
/* Verification and certificates in words.                             */

/* One verification flag and what it means to a person. */
struct tls_flag_words {
	uint32_t	 flag;
	const char	*words;
};

static const struct tls_flag_words tls_flag_table[] = {
	{ MBEDTLS_X509_BADCERT_EXPIRED,
	  "a certificate in the chain has expired" },
	{ MBEDTLS_X509_BADCERT_FUTURE,
	  "a certificate in the chain is not yet valid (its start date is "
	  "in the future, or this computer's clock is wrong)" },
	{ MBEDTLS_X509_BADCERT_CN_MISMATCH,
	  "the certificate is not for this server: the name or address "
	  "connected to is not among its names (name mismatch)" },
	{ MBEDTLS_X509_BADCERT_NOT_TRUSTED,
	  "the certificate is not trusted: it is not signed by a known "
	  "certificate authority (unknown CA, self-signed, or an "
	  "intermediate certificate is missing)" },
	{ MBEDTLS_X509_BADCERT_REVOKED,
	  "the certificate has been revoked by its issuer" },
	{ MBEDTLS_X509_BADCERT_MISSING,
	  "the server sent no certificate" },
	{ MBEDTLS_X509_BADCERT_SKIP_VERIFY,
	  "verification was skipped" },
	{ MBEDTLS_X509_BADCERT_KEY_USAGE,
	  "the certificate's key usage does not allow this use" },
	{ MBEDTLS_X509_BADCERT_EXT_KEY_USAGE,
	  "the certificate's extended key usage does not include TLS "
	  "server authentication" },
	{ MBEDTLS_X509_BADCERT_NS_CERT_TYPE,
	  "the certificate's Netscape type does not allow this use" },
	{ MBEDTLS_X509_BADCERT_BAD_MD,
	  "a certificate is signed with a weak hash (MD5 or SHA-1)" },
	{ MBEDTLS_X509_BADCERT_BAD_PK,
	  "a certificate is signed with an unacceptable algorithm" },
	{ MBEDTLS_X509_BADCERT_BAD_KEY,
	  "a certificate's key is unacceptable (too small, or an "
	  "unsupported curve)" },
	{ MBEDTLS_X509_BADCERT_OTHER,
	  "the certificate failed verification for another reason" },
	{ MBEDTLS_X509_BADCRL_NOT_TRUSTED,
	  "a revocation list is not signed by a trusted authority" },
	{ MBEDTLS_X509_BADCRL_EXPIRED, "a revocation list has expired" },
	{ MBEDTLS_X509_BADCRL_FUTURE, "a revocation list is not yet valid" },
	{ MBEDTLS_X509_BADCRL_BAD_MD,
	  "a revocation list is signed with a weak hash" },
	{ MBEDTLS_X509_BADCRL_BAD_PK,
	  "a revocation list is signed with an unacceptable algorithm" },
	{ MBEDTLS_X509_BADCRL_BAD_KEY,
	  "a revocation list is signed with an unacceptable key" },
};

/* Each failing flag on its own line; unknown bits are named in hex. */
void
ss_tls_verify_words(uint32_t flags, struct ss_buf *out)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(tls_flag_table); i++) {
		if ((flags & tls_flag_table[i].flag) != 0) {
			ss_buf_adds(out, tls_flag_table[i].words);
			ss_buf_addc(out, '\n');
			flags &= ~tls_flag_table[i].flag;
		}
	}
	if (flags != 0) {
		ss_buf_printf(out, "unknown verification problem (flags "
		    "0x%x)\n", (unsigned int)flags);
	}
}

/* Hash algorithms as people write them. */
static const struct {
	mbedtls_md_type_t	 md;
	const char		*name;
} tls_md_names[] = {
	{ MBEDTLS_MD_MD5, "MD5" },
	{ MBEDTLS_MD_SHA1, "SHA-1" },
	{ MBEDTLS_MD_SHA224, "SHA-224" },
	{ MBEDTLS_MD_SHA256, "SHA-256" },
	{ MBEDTLS_MD_SHA384, "SHA-384" },
	{ MBEDTLS_MD_SHA512, "SHA-512" },
	{ MBEDTLS_MD_RIPEMD160, "RIPEMD-160" },
};

/* Signature key types as people write them. */
static const struct {
	mbedtls_pk_type_t	 pk;
	const char		*name;
} tls_sig_pk_names[] = {
	{ MBEDTLS_PK_RSA, "RSA" },
	{ MBEDTLS_PK_ECDSA, "ECDSA" },
	{ MBEDTLS_PK_RSASSA_PSS, "RSA-PSS" },
};

/* "ECDSA with SHA-256" from the certificate's signature fields. */
static void
tls_describe_sig(const mbedtls_x509_crt *crt, char *out, size_t size)
{
	const char		*pk = "unknown", *md = "unknown hash";
	mbedtls_md_type_t	 sig_md = MBEDTLS_MD_NONE;
	mbedtls_pk_type_t	 sig_pk = MBEDTLS_PK_NONE;
	size_t			 i;

	if (mbedtls_oid_get_sig_alg(&crt->sig_oid, &sig_md, &sig_pk) != 0) {
		snprintf(out, size, "unknown algorithm");
		return;
	}
	for (i = 0; i < SS_NITEMS(tls_sig_pk_names); i++) {
		if (tls_sig_pk_names[i].pk == sig_pk) {
			pk = tls_sig_pk_names[i].name;
		}
	}
	for (i = 0; i < SS_NITEMS(tls_md_names); i++) {
		if (tls_md_names[i].md == sig_md) {
			md = tls_md_names[i].name;
		}
	}
	snprintf(out, size, "%s with %s", pk, md);
}

/* "EC 256 bits (secp256r1)" or "RSA 2048 bits". */
static void
tls_describe_key(const mbedtls_x509_crt *crt, char *out, size_t size)
{
	const mbedtls_ecp_curve_info	*curve = NULL;
	mbedtls_pk_type_t		 type;

	type = mbedtls_pk_get_type(&crt->pk);
	if (type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECKEY_DH ||
	    type == MBEDTLS_PK_ECDSA) {
		curve = mbedtls_ecp_curve_info_from_grp_id(
		    mbedtls_ecp_keypair_get_group_id(mbedtls_pk_ec(crt->pk)));
	}
	snprintf(out, size, "%s %zu bits%s%s%s", mbedtls_pk_get_name(&crt->pk),
	    mbedtls_pk_get_bitlen(&crt->pk), curve != NULL ? " (" : "",
	    curve != NULL ? curve->name : "", curve != NULL ? ")" : "");
}

/* Append one SAN, printable characters only: the bytes are untrusted. */
static void
tls_describe_san(const mbedtls_x509_buf *b, struct ss_buf *out)
{
	char	addr[INET6_ADDRSTRLEN];
	size_t	i;

	if (out->len > 0) {
		ss_buf_adds(out, ", ");
	}
	if (b->tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) &&
	    (b->len == 4 || b->len == 16)) {
		inet_ntop(b->len == 4 ? AF_INET : AF_INET6, b->p, addr,
		    sizeof(addr));
		ss_buf_printf(out, "IP:%s", addr);
		return;
	}
	if (b->tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2)) {
		ss_buf_printf(out, "other(%d)", b->tag & 0x1f);
		return;
	}
	ss_buf_adds(out, "DNS:");
	for (i = 0; i < b->len; i++) {
		ss_buf_addc(out, b->p[i] > 0x20 && b->p[i] < 0x7f ?
		    (char)b->p[i] : '?');
	}
}

/* All SANs, comma separated, truncated to fit. */
static void
tls_describe_sans(const mbedtls_x509_crt *crt, char *out, size_t size)
{
	const mbedtls_x509_sequence	*san;
	struct ss_buf			 b;

	ss_buf_init(&b);
	for (san = &crt->subject_alt_names; san != NULL; san = san->next) {
		if (san->buf.p != NULL) {
			tls_describe_san(&san->buf, &b);
		}
	}
	ss_strlcpy(out, b.data != NULL ? b.data : "", size);
	ss_buf_finish(&b);
}

/* "2026-11-28 04:00:00 UTC" */
static void
tls_describe_time(const mbedtls_x509_time *tm, char *out, size_t size)
{
	snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm->year,
	    tm->mon, tm->day, tm->hour, tm->min, tm->sec);
}

/* Colon-separated upper-case hex of the DER's SHA-256. */
static void
tls_describe_fingerprint(const unsigned char *der, size_t len, char *out,
    size_t size)
{
	unsigned char	hash[32];
	size_t		i, o = 0;

	ss_crypto_sha256(der, len, hash);
	out[0] = '\0';
	for (i = 0; i < sizeof(hash) && o + 3 < size; i++) {
		o += (size_t)snprintf(out + o, size - o, "%s%02X",
		    i > 0 ? ":" : "", hash[i]);
	}
}

/* The signature BIT STRING that follows the signed part of the DER
 * (RFC 5280 section 4.1.1.3); mbedTLS 3.6 keeps its copy private. */
static int
tls_cert_signature(const mbedtls_x509_crt *crt, mbedtls_asn1_bitstring *sig)
{
	unsigned char	*p = crt->raw.p, *end = crt->raw.p + crt->raw.len;
	size_t		 len;

	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED |
	    MBEDTLS_ASN1_SEQUENCE) != 0 || len != (size_t)(end - p)) {
		return (-1);
	}
	p = crt->tbs.p + crt->tbs.len;
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED |
	    MBEDTLS_ASN1_SEQUENCE) != 0) {
		return (-1);
	}
	p += len;
	if (mbedtls_asn1_get_bitstring(&p, end, sig) != 0 ||
	    sig->unused_bits != 0) {
		return (-1);
	}
	return (0);
}

/* Issued by its own subject and signed by its own key. */
static int
tls_is_self_signed(const mbedtls_x509_crt *crt)
{
	const mbedtls_md_info_t		*md;
	mbedtls_pk_rsassa_pss_options	 pss;
	mbedtls_asn1_bitstring		 sig;
	mbedtls_md_type_t		 sig_md;
	mbedtls_pk_type_t		 sig_pk;
	unsigned char			 hash[MBEDTLS_MD_MAX_SIZE];

	if (crt->issuer_raw.len != crt->subject_raw.len ||
	    memcmp(crt->issuer_raw.p, crt->subject_raw.p,
	    crt->issuer_raw.len) != 0) {
		return (0);
	}
	if (mbedtls_oid_get_sig_alg(&crt->sig_oid, &sig_md, &sig_pk) != 0 ||
	    tls_cert_signature(crt, &sig) != 0) {
		return (0);
	}
	md = mbedtls_md_info_from_type(sig_md);
	if (md == NULL || mbedtls_md(md, crt->tbs.p, crt->tbs.len, hash) != 0) {
		return (0);
	}
	/* For RSA-PSS, MGF1 with the same hash and any salt length: the
	 * parameters people use; others count as not self-signed. */
	pss.mgf1_hash_id = sig_md;
	pss.expected_salt_len = MBEDTLS_RSA_SALT_LEN_ANY;
	return (mbedtls_pk_verify_ext(sig_pk, sig_pk == MBEDTLS_PK_RSASSA_PSS ?
	    &pss : NULL, (mbedtls_pk_context *)&crt->pk, sig_md, hash,
	    mbedtls_md_get_size(md), sig.p, sig.len) == 0);
}

/*
 * The self-signature check is an RSA or ECDSA verification, the one costly
 * part of a description, and the same leaf is described again and again
 * (its transcript line, the findings, the report, the explorer's pane, a
 * replay's every step).  The verdicts of the last few certificates are
 * kept per thread, by fingerprint.
 */
#define TLS_SELF_SIGNED_MEMO	8

struct tls_self_signed_memo {
	char	sha256[sizeof(((struct ss_cert_info *)0)->sha256)];
	int	verdict;
};

static int
tls_self_signed_memo(const mbedtls_x509_crt *crt, const char *sha256)
{
	static _Thread_local struct tls_self_signed_memo memo[TLS_SELF_SIGNED_MEMO];
	static _Thread_local unsigned int next;
	struct tls_self_signed_memo	*m;
	size_t				 i;

	for (i = 0; i < TLS_SELF_SIGNED_MEMO; i++) {
		if (memo[i].sha256[0] != '\0' &&
		    strcmp(memo[i].sha256, sha256) == 0) {
			return (memo[i].verdict);
		}
	}
	m = &memo[next++ % TLS_SELF_SIGNED_MEMO];
	ss_strlcpy(m->sha256, sha256, sizeof(m->sha256));
	m->verdict = tls_is_self_signed(crt);
	return (m->verdict);
}

/* Decode a certificate for display; 0, or -1 if it does not parse. */
int
ss_tls_cert_describe(const unsigned char *der, size_t len,
    struct ss_cert_info *ci)
{
	mbedtls_x509_crt	crt;

	memset(ci, 0, sizeof(*ci));
	if (tls_library_init(NULL) == -1) {
		return (-1);
	}
	mbedtls_x509_crt_init(&crt);
	if (mbedtls_x509_crt_parse_der(&crt, der, len) != 0) {
		mbedtls_x509_crt_free(&crt);
		return (-1);
	}
	mbedtls_x509_dn_gets(ci->subject, sizeof(ci->subject), &crt.subject);
	mbedtls_x509_dn_gets(ci->issuer, sizeof(ci->issuer), &crt.issuer);
	tls_describe_sans(&crt, ci->sans, sizeof(ci->sans));
	tls_describe_time(&crt.valid_from, ci->not_before,
	    sizeof(ci->not_before));
	tls_describe_time(&crt.valid_to, ci->not_after, sizeof(ci->not_after));
	tls_describe_key(&crt, ci->key, sizeof(ci->key));
	tls_describe_sig(&crt, ci->sig_alg, sizeof(ci->sig_alg));
	tls_describe_fingerprint(der, len, ci->sha256, sizeof(ci->sha256));
	mbedtls_x509_serial_gets(ci->serial, sizeof(ci->serial), &crt.serial);
	ci->self_signed = ci->sha256[0] != '\0' ?
	    tls_self_signed_memo(&crt, ci->sha256) : tls_is_self_signed(&crt);
	mbedtls_x509_crt_free(&crt);
	return (0);
}

