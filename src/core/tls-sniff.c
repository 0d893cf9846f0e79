/*
 * tls-sniff.c: what the server's plaintext handshake says that mbedTLS 3.6
 * does not tell: the key exchange group (the key_share of a TLS 1.3
 * ServerHello, the named curve of a TLS 1.2 ServerKeyExchange) and the
 * description of a fatal alert sent in the clear.
 *
 * The bytes the client receives pass through here on their way to mbedTLS,
 * as a stream: records are followed header by header, handshake messages
 * inside them likewise, and only the first bytes of the two messages of
 * interest are kept.  Watching stops where encryption starts (the first
 * application_data record; in TLS 1.2 the ChangeCipherSpec).  Every length
 * comes from the server, so nothing is read past what was kept; a message
 * that does not parse teaches nothing, and mbedTLS will refuse it anyway.
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "smtpscope/util.h"
#include "tls-internal.h"

#define REC_CHANGE_CIPHER_SPEC	20
#define REC_ALERT		21
#define REC_HANDSHAKE		22
#define REC_APPLICATION_DATA	23
#define HS_SERVER_HELLO		2
#define HS_SERVER_KEY_EXCHANGE	12
#define EXT_SUPPORTED_VERSIONS	43
#define EXT_KEY_SHARE		51
#define NAMED_CURVE		3	/* ECCurveType named_curve */

/* Key exchange groups by IANA number (TLS Supported Groups registry). */
static const struct {
	uint16_t	 id;
	const char	*name;
} tls_group_names[] = {
	{ 0x0017, "secp256r1" },
	{ 0x0018, "secp384r1" },
	{ 0x0019, "secp521r1" },
	{ 0x001a, "brainpoolP256r1" },
	{ 0x001b, "brainpoolP384r1" },
	{ 0x001c, "brainpoolP512r1" },
	{ 0x001d, "x25519" },
	{ 0x001e, "x448" },
	{ 0x0100, "ffdhe2048" },
	{ 0x0101, "ffdhe3072" },
	{ 0x0102, "ffdhe4096" },
	{ 0x0103, "ffdhe6144" },
	{ 0x0104, "ffdhe8192" },
	{ 0x11eb, "SecP256r1MLKEM768" },
	{ 0x11ec, "X25519MLKEM768" },
	{ 0x11ed, "SecP384r1MLKEM1024" },
};

/* A group's name, or its number in hex ("0x6399") when unknown. */
void
tls_group_name(uint16_t id, char *out, size_t size)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(tls_group_names); i++) {
		if (tls_group_names[i].id == id) {
			ss_strlcpy(out, tls_group_names[i].name, size);
			return;
		}
	}
	snprintf(out, size, "0x%04x", id);
}

/* A big-endian 16-bit number. */
static uint16_t
sniff_u16(const unsigned char *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

/* The extensions of a ServerHello: the version chosen and the group of
 * the key share (of a HelloRetryRequest too: the real ServerHello that
 * follows it overrides). */
static void
sniff_hello_extensions(struct tls_sniff *sn, const unsigned char *p,
    size_t len)
{
	uint16_t	type, elen;

	while (len >= 4) {
		type = sniff_u16(p);
		elen = sniff_u16(p + 2);
		p += 4;
		len -= 4;
		if (elen > len) {
			return;		/* cut short, or kept only in part */
		}
		if (type == EXT_SUPPORTED_VERSIONS && elen == 2 &&
		    sniff_u16(p) == 0x0304) {
			sn->tls13 = 1;
		}
		if (type == EXT_KEY_SHARE && elen >= 2) {
			sn->group = sniff_u16(p);
		}
		p += elen;
		len -= elen;
	}
}

/* ServerHello: version, random, session id, suite, compression, then the
 * extensions. */
static void
sniff_server_hello(struct tls_sniff *sn, const unsigned char *p, size_t len)
{
	size_t	off = 2 + 32, ext;

	if (len < off + 1 || len < off + 1 + p[off] + 3 + 2) {
		return;
	}
	off += 1 + p[off] + 3;
	ext = sniff_u16(p + off);
	off += 2;
	sniff_hello_extensions(sn, p + off, len - off < ext ? len - off : ext);
}

/* ServerKeyExchange of a TLS 1.2 ECDHE suite: curve type, then group. */
static void
sniff_server_key_exchange(struct tls_sniff *sn, const unsigned char *p,
    size_t len)
{
	if (!sn->tls13 && len >= 3 && p[0] == NAMED_CURVE) {
		sn->group = sniff_u16(p + 1);
	}
}

/* One whole handshake message, or as much of it as was kept. */
static void
sniff_message(struct tls_sniff *sn)
{
	if (sn->hs_type == HS_SERVER_HELLO) {
		sniff_server_hello(sn, sn->body, sn->bodylen);
	} else if (sn->hs_type == HS_SERVER_KEY_EXCHANGE) {
		sniff_server_key_exchange(sn, sn->body, sn->bodylen);
	}
	sn->hs_hdrlen = 0;
	sn->bodylen = 0;
}

/* Bytes of handshake records: message headers, and the first bytes of the
 * messages of interest. */
static void
sniff_handshake(struct tls_sniff *sn, const unsigned char *p, size_t n)
{
	size_t	take, room;

	while (n > 0) {
		if (sn->hs_hdrlen < sizeof(sn->hs_hdr)) {
			sn->hs_hdr[sn->hs_hdrlen++] = *p++;
			n--;
			if (sn->hs_hdrlen == sizeof(sn->hs_hdr)) {
				sn->hs_type = sn->hs_hdr[0];
				sn->hs_left = (size_t)sn->hs_hdr[1] << 16 |
				    (size_t)sn->hs_hdr[2] << 8 | sn->hs_hdr[3];
				if (sn->hs_left == 0) {
					sniff_message(sn);
				}
			}
			continue;
		}
		take = n < sn->hs_left ? n : sn->hs_left;
		room = sizeof(sn->body) - sn->bodylen;
		if (sn->hs_type == HS_SERVER_HELLO ||
		    sn->hs_type == HS_SERVER_KEY_EXCHANGE) {
			memcpy(sn->body + sn->bodylen, p, take < room ?
			    take : room);
			sn->bodylen += take < room ? take : room;
		}
		p += take;
		n -= take;
		sn->hs_left -= take;
		if (sn->hs_left == 0) {
			sniff_message(sn);
		}
	}
}

/* The body bytes of the current record. */
static void
sniff_record_body(struct tls_sniff *sn, const unsigned char *p, size_t n)
{
	if (sn->rec_type == REC_HANDSHAKE) {
		sniff_handshake(sn, p, n);
		return;
	}
	if (sn->rec_type != REC_ALERT) {
		return;
	}
	while (n-- > 0 && sn->alertlen < sizeof(sn->alert)) {
		sn->alert[sn->alertlen++] = *p++;
	}
	if (sn->alertlen == sizeof(sn->alert) &&
	    sn->alert[0] == MBEDTLS_SSL_ALERT_LEVEL_FATAL) {
		sn->plain_alert = sn->alert[1];
	}
}

/* A record header is complete: is the rest still worth watching? */
static void
sniff_record_start(struct tls_sniff *sn)
{
	sn->rec_type = sn->rec_hdr[0];
	sn->rec_left = (size_t)sn->rec_hdr[3] << 8 | sn->rec_hdr[4];
	sn->alertlen = 0;
	if (sn->rec_type == REC_APPLICATION_DATA ||
	    (sn->rec_type == REC_CHANGE_CIPHER_SPEC && !sn->tls13)) {
		sn->stopped = 1;	/* encrypted from here on */
	}
}

/* Bytes received from the server, in order. */
void
tls_sniff_feed(struct tls_sniff *sn, const unsigned char *p, size_t n)
{
	size_t	take;

	while (n > 0 && !sn->stopped) {
		if (sn->rec_hdrlen < sizeof(sn->rec_hdr)) {
			sn->rec_hdr[sn->rec_hdrlen++] = *p++;
			n--;
			if (sn->rec_hdrlen == sizeof(sn->rec_hdr)) {
				sniff_record_start(sn);
				if (sn->rec_left == 0) {
					sn->rec_hdrlen = 0;
				}
			}
			continue;
		}
		take = n < sn->rec_left ? n : sn->rec_left;
		sniff_record_body(sn, p, take);
		p += take;
		n -= take;
		sn->rec_left -= take;
		if (sn->rec_left == 0) {
			sn->rec_hdrlen = 0;
		}
	}
}
