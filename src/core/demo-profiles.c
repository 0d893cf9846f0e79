/*
 * demo-profiles.c: the demo server's profiles, one table of real-world
 * behaviours.
 *
 * The first entry is the default: the Exim 4.x of the story that started
 * smtpscope, whose users' mail client failed because AUTH appears only after
 * STARTTLS.  Every other entry changes a few facts of that server; demo.c
 * reads the facts and never asks which profile it runs.
 */

#include <stddef.h>

#include "smtpscope/demo.h"
#include "smtpscope/util.h"

#include "demo-profile.h"

#define SS_DEMO_BANNER	"ESMTP Exim 4.96 smtpscope-demo (a teaching " \
			"server: mail is accepted and discarded)"

/* EHLO keyword lists, in Exim's order. */
static const char *const ehlo_exim_plain[] = {
	"SIZE 52428800", "8BITMIME", "PIPELINING", "STARTTLS", "HELP", NULL
};
static const char *const ehlo_exim_tls[] = {
	"SIZE 52428800", "8BITMIME", "PIPELINING", "AUTH PLAIN LOGIN", "HELP",
	NULL
};
static const char *const ehlo_no_starttls[] = {
	"SIZE 52428800", "8BITMIME", "PIPELINING", "HELP", NULL
};
static const char *const ehlo_auth_plain[] = {
	"SIZE 52428800", "8BITMIME", "PIPELINING", "AUTH PLAIN LOGIN",
	"STARTTLS", "HELP", NULL
};
static const char *const ehlo_cram_tls[] = {
	"SIZE 52428800", "8BITMIME", "PIPELINING", "AUTH CRAM-MD5", "HELP",
	NULL
};

/* A provider of today: SCRAM, passwords and OAuth, after STARTTLS. */
static const char *const ehlo_modern_tls[] = {
	"SIZE 52428800", "8BITMIME", "PIPELINING",
	"AUTH SCRAM-SHA-256-PLUS SCRAM-SHA-256 SCRAM-SHA-1 PLAIN LOGIN XOAUTH2 "
	"OAUTHBEARER", "HELP", NULL
};
#define SS_DEMO_MODERN_MECHS "SCRAM-SHA-256-PLUS SCRAM-SHA-256 " \
	"SCRAM-SHA-1 PLAIN LOGIN XOAUTH2 OAUTHBEARER"
/* Microsoft 365's submission service (smtp.office365.com:587). */
static const char *const ehlo_m365_plain[] = {
	"SIZE 157286400", "PIPELINING", "ENHANCEDSTATUSCODES", "STARTTLS",
	"8BITMIME", NULL
};
static const char *const ehlo_m365_tls[] = {
	"SIZE 157286400", "PIPELINING", "ENHANCEDSTATUSCODES",
	"AUTH LOGIN XOAUTH2", "8BITMIME", NULL
};

static const struct ss_demo_profile ss_demo_profiles[] = {
	{
		.name = "default",
		.summary = "Exim 4.96 as in the story: AUTH PLAIN LOGIN only "
		    "after STARTTLS",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "no-starttls",
		.summary = "no STARTTLS at all, so AUTH (TLS only) can never "
		    "happen",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_no_starttls,
		.ehlo_tls = ehlo_exim_tls,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "auth-before-tls",
		.summary = "AUTH PLAIN LOGIN offered in plaintext: passwords "
		    "may cross the network unencrypted",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_auth_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN", .auth_before_tls = 1,
	},
	{
		.name = "no-auth",
		.summary = "STARTTLS works but no AUTH is ever offered (a "
		    "relay for local networks only)",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_no_starttls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
	},
	{
		.name = "cram-only",
		.summary = "after STARTTLS only AUTH CRAM-MD5, which many "
		    "clients no longer speak",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_cram_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "CRAM-MD5",
	},
	{
		.name = "expired-cert",
		.summary = "the default server with a certificate that has "
		    "expired",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_EXPIRED,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "wrong-host-cert",
		.summary = "the default server with a certificate for another "
		    "host name",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_WRONG_HOST,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "self-signed-cert",
		.summary = "the default server with a self-signed certificate "
		    "no CA vouches for",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_SELF_SIGNED,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "starttls-refused",
		.summary = "STARTTLS advertised but refused with 454 4.7.0 "
		    "(TLS temporarily unavailable)",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 454,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "implicit-tls",
		.summary = "TLS from the first byte, as on port 465 "
		    "(submissions, RFC 8314)",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_tls,
		.ehlo_tls = ehlo_exim_tls,
		.implicit_tls = 1,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "old-tls",
		.summary = "speaks TLS 1.2 at most, no TLS 1.3 (which "
		    "--tls-min 1.3 refuses)",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD, .legacy_tls = 1,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "client-cert",
		.summary = "a relay that requires a client certificate (any "
		    "will do): without --cert the handshake fails",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD, .require_client_cert = 1,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "injection-vulnerable",
		.summary = "answers commands pipelined with STARTTLS after the "
		    "handshake, as in CVE-2011-0411",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
		.keep_pipelined_tls = 1,
	},
	{
		.name = "response-injection",
		.summary = "sends a plaintext reply right after its 220 to "
		    "STARTTLS, as a man in the middle would",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
		.inject_after_220 = "250-AUTH PLAIN LOGIN\r\n"
		    "250 injected in plaintext after the 220: discard me\r\n",
	},
	{
		.name = "greylist",
		.summary = "every RCPT is greylisted with 451 4.7.1: try again "
		    "later",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
		.greylist = 1,
	},
	{
		.name = "tarpit",
		.summary = "waits 5 seconds before its banner and drops "
		    "clients that speak first",
		.banner = SS_DEMO_BANNER,
		.banner_delay_ms = 5000,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
	},
	{
		.name = "tls-required",
		.summary = "refuses MAIL with 530 5.7.0 until STARTTLS has "
		    "been done",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_exim_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "PLAIN LOGIN",
		.tls_for_mail = 1,
	},
	{
		.name = "modern-auth",
		.summary = "SCRAM-SHA-256(-PLUS), SCRAM-SHA-1, PLAIN, LOGIN, "
		    "XOAUTH2 and OAUTHBEARER after STARTTLS (doc/auth.md)",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_modern_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = SS_DEMO_MODERN_MECHS,
	},
	{
		.name = "scram-wrong-proof",
		.summary = "SCRAM whose server signature is wrong: a server "
		    "that cannot prove it knows the password",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_modern_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = SS_DEMO_MODERN_MECHS,
		.scram_proof = DEMO_SCRAM_PROOF_WRONG,
	},
	{
		.name = "scram-no-proof",
		.summary = "SCRAM answered 235 straight after the client's "
		    "proof, with no server signature at all",
		.banner = SS_DEMO_BANNER,
		.ehlo_plain = ehlo_exim_plain,
		.ehlo_tls = ehlo_modern_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = SS_DEMO_MODERN_MECHS,
		.scram_proof = DEMO_SCRAM_PROOF_NONE,
	},
	{
		.name = "basic-auth-disabled",
		.summary = "Microsoft 365 style: AUTH LOGIN XOAUTH2, and every "
		    "password refused with 535 5.7.139; OAuth works",
		.banner = "Microsoft ESMTP MAIL Service ready (an smtpscope "
		    "demo in the style of smtp.office365.com)",
		.ehlo_plain = ehlo_m365_plain,
		.ehlo_tls = ehlo_m365_tls,
		.offer_starttls = 1, .starttls_code = 220,
		.cert = SS_CERT_GOOD,
		.mechanisms = "LOGIN XOAUTH2",
		.basic_auth_disabled = 1,
	},
};

/* Profile by name, case-insensitive; NULL when there is none. */
const struct ss_demo_profile *
ss_demo_profile_find(const char *name)
{
	size_t	i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < SS_NITEMS(ss_demo_profiles); i++) {
		if (ss_strcasecmp(ss_demo_profiles[i].name, name) == 0)
			return &ss_demo_profiles[i];
	}
	return NULL;
}

/* How many profiles there are (the default is number 0). */
size_t
ss_demo_profile_count(void)
{
	return SS_NITEMS(ss_demo_profiles);
}

/* Profile by index; NULL past the end. */
const struct ss_demo_profile *
ss_demo_profile_at(size_t i)
{
	if (i >= SS_NITEMS(ss_demo_profiles))
		return NULL;
	return &ss_demo_profiles[i];
}

/* The name users type after --demo or --profile. */
const char *
ss_demo_profile_name(const struct ss_demo_profile *p)
{
	return p->name;
}

/* Whether a client must start TLS before the banner. */
int
ss_demo_profile_implicit_tls(const struct ss_demo_profile *p)
{
	return p->implicit_tls;
}

/* One line saying what the profile shows. */
const char *
ss_demo_profile_summary(const struct ss_demo_profile *p)
{
	return p->summary;
}
