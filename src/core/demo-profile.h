/*
 * demo-profile.h: what one demo server profile is made of (internal to the
 * core; demo.h keeps the struct opaque).
 *
 * A profile is facts, not code: the demo server reads these fields and has
 * no branch keyed on a profile's name.  Adding a real-world behaviour means
 * adding a field here, teaching demo.c what it means, and adding an entry
 * to the table in demo-profiles.c.
 *
 * Everything here is static data; nobody frees it.
 */
#ifndef SMTPSCOPE_DEMO_PROFILE_H
#define SMTPSCOPE_DEMO_PROFILE_H

#include "smtpscope/tls.h"

#include "demo-sasl.h"

struct ss_demo_profile {
	const char		*name;		/* as typed: "default" */
	const char		*summary;	/* one line: what it teaches */

	const char		*banner;	/* after "220 localhost " */
	int			 banner_delay_ms; /* tarpit before the banner */

	/* EHLO keyword lines, in the order sent, NULL-terminated.  They
	 * must agree with the behaviour fields below (test-demo-profiles
	 * checks that STARTTLS and AUTH are listed exactly when offered). */
	const char *const	*ehlo_plain;	/* before TLS */
	const char *const	*ehlo_tls;	/* after STARTTLS or implicit */

	int			 offer_starttls; /* accept the STARTTLS verb */
	int			 starttls_code;	/* 220 go ahead, 454 refuse */
	int			 implicit_tls;	/* handshake, then banner */
	enum ss_cert_kind	 cert;
	int			 legacy_tls;	/* speak at most TLS 1.2 */
	int			 require_client_cert; /* refuse a handshake
						   without one */

	const char		*mechanisms;	/* "PLAIN LOGIN"; NULL none */
	int			 auth_before_tls; /* AUTH in plaintext */
	/* SCRAM's server signature: right, wrong, or missing. */
	enum demo_scram_proof	 scram_proof;
	/* PLAIN and LOGIN get Microsoft 365's 535 5.7.139 (OAuth works). */
	int			 basic_auth_disabled;

	int			 tls_for_mail;	/* MAIL before TLS: 530 5.7.0 */
	int			 greylist;	/* every RCPT: 451 4.7.1 */

	/* Keep commands that arrived in the same read as STARTTLS and
	 * answer them after the handshake, as if TLS had protected them
	 * (the server-side bug of CVE-2011-0411). */
	int			 keep_pipelined_tls;
	/* Plaintext sent right after "220 ... TLS" in the same write: a
	 * response injection that a careful client discards. */
	const char		*inject_after_220;
};

#endif
