/*
 * tls-internal.h: what the src/core/tls*.c files share, and nothing else
 * includes: the mbedTLS headers, the objects behind the opaque types of
 * tls.h, and the helpers one file defines for the others.
 */
#ifndef SMTPSCOPE_TLS_INTERNAL_H
#define SMTPSCOPE_TLS_INTERNAL_H

#include <mbedtls/asn1.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/debug.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>

#include "smtpscope/tls.h"

#define TLS_FIRST_MAX		48	/* first bytes kept to spot plaintext */
#define TLS_ERROR_MAX		256

/* mbedTLS version numbers for the bounds of enum ss_tls_version
 * (SS_TLS_ANY: the library's whole range); tls-conn.c. */
extern const mbedtls_ssl_protocol_version tls_min_versions[];
extern const mbedtls_ssl_protocol_version tls_max_versions[];

/* The watch kept on the server's plaintext handshake (tls-sniff.c). */
struct tls_sniff {
	int		stopped;	/* encrypted from here on */
	int		tls13;		/* the ServerHello chose TLS 1.3 */
	unsigned char	rec_hdr[5];
	size_t		rec_hdrlen;
	size_t		rec_left;	/* body bytes of the current record */
	unsigned char	rec_type;
	unsigned char	alert[2];
	size_t		alertlen;
	unsigned char	hs_hdr[4];
	size_t		hs_hdrlen;
	size_t		hs_left;	/* body bytes of the current message */
	unsigned char	hs_type;
	unsigned char	body[512];	/* first bytes of a kept message */
	size_t		bodylen;
	uint16_t	group;		/* IANA number; 0: none seen */
	int		plain_alert;	/* fatal alert in the clear, or -1 */
};

/* A random generator seeded from the system, one per configuration. */
struct tls_rng {
	mbedtls_entropy_context		entropy;
	mbedtls_ctr_drbg_context	drbg;
};

struct ss_tls_client {
	struct tls_rng		rng;
	mbedtls_ssl_config	conf;
	mbedtls_x509_crt	anchors;
	int			keylog_fd;	/* -1: no key log */
	mbedtls_x509_crt	own_cert;	/* --cert: chain, leaf first */
	mbedtls_pk_context	own_key;	/* --key */
	char			*own_desc;	/* "subject=... sha256=...",
						   NULL: no certificate */
};

struct ss_tls_server {
	struct tls_rng		rng;
	mbedtls_ssl_config	conf;
	mbedtls_pk_context	ca_key;
	mbedtls_pk_context	leaf_key;
	mbedtls_x509_crt	chain;		/* leaf first, then the CA */
	char			*ca_pem;
	mbedtls_ssl_ticket_context tickets;	/* TLS 1.3 session tickets */
};

struct ss_tls {
	mbedtls_ssl_context	ssl;
	int			fd;		/* borrowed */
	int			is_server;
	int			done;		/* handshake finished */
	int			ip_literal;
	unsigned char		ip[16];
	size_t			iplen;
	uint32_t		flags;
	char			suite[80];	/* IANA spelling */
	int			sys_errno;	/* of the last failed I/O */
	int			alert;		/* last fatal alert received,
						   -1: none */
	unsigned int		tickets;	/* NewSessionTickets seen */
	struct tls_sniff	sniff;		/* client side only */
	const char		*own_desc;	/* the client's certificate, in
						   words (borrowed), or NULL */
	int			cert_requested;	/* the server asked for one */
	int			data_seen;	/* application data arrived */
	int			late_failure;	/* see
						   ss_tls_failed_after_handshake */
	char			group[24];	/* "x25519"; "" unknown */
	unsigned char		first[TLS_FIRST_MAX];
	size_t			firstlen;
	char			error[TLS_ERROR_MAX];
};


/* tls-conn.c */
int	tls_library_init(char **);
void	tls_debug(void *, int, const char *, int, const char *);
int	tls_rng_init(struct tls_rng *, const char *, char **);
void	tls_rng_free(struct tls_rng *);
struct ss_tls *tls_new(const mbedtls_ssl_config *, int, int, char **);
int	tls_parse_ip(const char *, unsigned char[16], size_t *);

/* tls-sniff.c */
void	tls_sniff_feed(struct tls_sniff *, const unsigned char *, size_t);
void	tls_group_name(uint16_t, char *, size_t);

/* tls-keylog.c */
int	tls_keylog_open(struct ss_tls_client *, const char *, char **);
void	tls_keylog_cb(void *, mbedtls_ssl_key_export_type,
	    const unsigned char *, size_t, const unsigned char[32],
	    const unsigned char[32], mbedtls_tls_prf_types);

#endif
