/*
 * smtpscope_config.h: what smtpscope changes in Mbed TLS's default
 * configuration (include/mbedtls/mbedtls_config.h), read after it through
 * MBEDTLS_USER_CONFIG_FILE.
 *
 * The demo server runs in a thread of its own next to the client, and the
 * trust anchors load in a thread while the connection starts: TLS 1.3 and
 * PSA crypto then need the library's locks.
 */
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD

/* TLS exporters (RFC 8446 section 7.5) for tls-exporter channel binding
 * (RFC 9266); on by default in 3.6, stated here because SCRAM-PLUS needs it. */
#define MBEDTLS_SSL_KEYING_MATERIAL_EXPORT

/* Trust anchors through a callback (mbedtls_ssl_conf_ca_cb): the system
 * bundle is parsed in a thread and waited for only when the server's
 * certificate is verified, not before the ClientHello. */
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK
