/*
 * findings-cert.c: rules about the server's certificate.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "findings-int.h"

/* Decode a certificate (its DER in base64). */
static int
cert_decode(const struct ss_event *e, struct ss_cert_info *ci)
{
	struct ss_buf	der;
	int		rc = -1;

	ss_buf_init(&der);
	if (ss_base64_decode(&der, e->data, e->len) == 0) {
		rc = ss_tls_cert_describe((const unsigned char *)der.data,
		    der.len, ci);
	}
	ss_buf_finish(&der);
	return rc;
}

/* Does the memo hold the certificate of event e? */
static int
cert_memo_holds(const struct cert_memo *m, const struct ss_event *e)
{
	return m->e != NULL && (m->e == e || (m->e->len == e->len &&
	    memcmp(m->e->data, e->data, e->len) == 0));
}

/*
 * Decode the leaf certificate of the connection into c->leaf, once for
 * every certificate rule; c->ev_leaf stays NONE if there is none or it
 * does not decode.  memo (may be NULL) keeps the last certificate decoded
 * across calls: a connection judged again at every step of a replay, or
 * the next connection to the same server, does not decode it again.
 */
void
conn_decode_leaf(struct conn *c, struct cert_memo *memo)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	const struct ss_event		*e;
	struct cert_memo		 own;
	struct cert_memo		*m = memo != NULL ? memo : &own;

	c->ev_leaf = NONE;
	if (c->ev_tls_up == NONE || tls->ncerts == 0 ||
	    (e = ss_transcript_get(c->t, tls->cert_events[0])) == NULL) {
		return;
	}
	if (m == &own || !cert_memo_holds(m, e)) {
		m->e = e;
		m->rc = cert_decode(e, &m->ci);
	}
	if (m->rc == 0) {
		c->leaf = m->ci;
		c->ev_leaf = tls->cert_events[0];
	}
}

/* Append a field of the decoded certificate, escaped. */
static void
draft_cert_field(struct draft *dr, const char *field)
{
	draft_untrusted(dr, field, strlen(field), 200);
}

/* Does the leaf's key look too small (RSA or DSA under 2048 bits)? */
static int
cert_key_weak(const struct ss_cert_info *ci)
{
	long	bits;

	if (strncmp(ci->key, "RSA ", 4) != 0 &&
	    strncmp(ci->key, "DSA ", 4) != 0) {
		return 0;
	}
	bits = strtol(ci->key + 4, NULL, 10);
	return bits > 0 && bits < 2048;
}

/* Is the leaf signed with a broken hash? */
static int
cert_sig_weak(const struct ss_cert_info *ci)
{
	return strstr(ci->sig_alg, "SHA1") != NULL ||
	    strstr(ci->sig_alg, "SHA-1") != NULL ||
	    strstr(ci->sig_alg, "MD5") != NULL ||
	    strstr(ci->sig_alg, "MD2") != NULL;
}

/* What each certificate rule says, keyed by its verify flag. */
static void
cert_words(const struct conn *c, const struct rule *r,
    const struct ss_cert_info *ci, struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);

	switch (r->arg) {
	case SS_TLS_VERIFY_EXPIRED:
		if (ci->not_after[0] == '\0') {
			ss_buf_adds(&dr->msg, "The server's certificate has "
			    "expired");
		} else {
			ss_buf_adds(&dr->msg, "The server's certificate "
			    "expired on ");
			draft_cert_field(dr, ci->not_after);
		}
		ss_buf_adds(&dr->msg, ". Mail clients refuse it or show a "
		    "warning; the certificate must be renewed.");
		break;
	case SS_TLS_VERIFY_FUTURE:
		if (ci->not_before[0] == '\0') {
			ss_buf_adds(&dr->msg, "The server's certificate is "
			    "not valid yet");
		} else {
			ss_buf_adds(&dr->msg, "The server's certificate is "
			    "not valid before ");
			draft_cert_field(dr, ci->not_before);
		}
		ss_buf_adds(&dr->msg, ": it was issued for the future, or a "
		    "clock (the server's or this computer's) is wrong.");
		break;
	case SS_TLS_VERIFY_NAME_MISMATCH:
		if (ci->sans[0] == '\0' && ci->subject[0] == '\0') {
			/* A log's verdict without the certificate. */
			ss_buf_adds(&dr->msg, "The certificate does not "
			    "name ");
		} else {
			ss_buf_adds(&dr->msg, "The certificate is for ");
			draft_cert_field(dr, ci->sans[0] ? ci->sans :
			    ci->subject);
			ss_buf_adds(&dr->msg, ", not for ");
		}
		if (tls->sni != NULL) {
			draft_cert_field(dr, tls->sni);
		} else {
			ss_buf_adds(&dr->msg, "the address connected to");
		}
		ss_buf_adds(&dr->msg, ". Put a name the certificate lists in "
		    "the mail client's server field, or fix the certificate.");
		break;
	default:
		break;
	}
}

/* Words for the trust, key and signature rules. */
static void
cert_words_more(const struct conn *c, const struct rule *r,
    const struct ss_cert_info *ci, struct draft *dr)
{
	(void)c;
	if (r->arg == CERT_SELF) {
		ss_buf_adds(&dr->msg, "The certificate is self-signed (");
		draft_cert_field(dr, ci->subject);
		ss_buf_adds(&dr->msg, "): no authority vouches for it, so "
		    "mail clients refuse it unless it is added by hand.");
	} else if (r->arg == SS_TLS_VERIFY_NOT_TRUSTED &&
	    ci->issuer[0] == '\0') {
		/* A log's verdict without the certificate. */
		ss_buf_adds(&dr->msg, "The certificate is not signed by an "
		    "authority trusted here: it is self-signed, from a private "
		    "CA, or the server did not send its intermediate "
		    "certificates.");
	} else if (r->arg == SS_TLS_VERIFY_NOT_TRUSTED) {
		ss_buf_adds(&dr->msg, "The certificate was issued by ");
		draft_cert_field(dr, ci->issuer);
		ss_buf_adds(&dr->msg, ", which is not a trusted authority "
		    "here: a private CA, or the server did not send its "
		    "intermediate certificates.");
	} else if (r->arg == SS_TLS_VERIFY_BAD_KEY) {
		ss_buf_adds(&dr->msg, "The certificate's key (");
		draft_cert_field(dr, ci->key);
		ss_buf_adds(&dr->msg, ") is too weak; clients reject RSA keys "
		    "under 2048 bits and unusual curves.");
	} else if (r->arg == SS_TLS_VERIFY_BAD_MD) {
		ss_buf_adds(&dr->msg, "The certificate is signed with ");
		draft_cert_field(dr, ci->sig_alg);
		ss_buf_adds(&dr->msg, ", a hash that can be forged; clients "
		    "reject SHA-1 and MD5 signatures.");
	}
}

/* Does the rule's problem apply to this connection's certificate? */
static int
cert_applies(const struct rule *r, uint32_t flags,
    const struct ss_cert_info *ci)
{
	switch (r->arg) {
	case SS_TLS_VERIFY_NOT_TRUSTED:
		return (flags & r->arg) && !ci->self_signed;
	case CERT_SELF:
		return (flags & SS_TLS_VERIFY_NOT_TRUSTED) && ci->self_signed;
	case SS_TLS_VERIFY_BAD_KEY:
		return (flags & (SS_TLS_VERIFY_BAD_KEY |
		    SS_TLS_VERIFY_BAD_PK)) || cert_key_weak(ci);
	case SS_TLS_VERIFY_BAD_MD:
		return (flags & r->arg) || cert_sig_weak(ci);
	default:
		return (flags & r->arg) != 0;
	}
}

/* One certificate problem, by verify flag and decoded certificate. */
int
check_cert(const struct conn *c, const struct rule *r, struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	static const struct ss_cert_info none;	/* flags alone still count */
	const struct ss_cert_info	*ci;

	if (!tls->verify_known) {
		return 0;
	}
	ci = c->ev_leaf != NONE ? &c->leaf : &none;
	if (!cert_applies(r, tls->verify_flags, ci)) {
		return 0;
	}
	cert_words(c, r, ci, dr);
	cert_words_more(c, r, ci, dr);
	draft_event(dr, c->ev_leaf);
	draft_event(dr, c->ev_verify);
	return 1;
}

/* Verify flags that no specific rule explains. */
#define CERT_EXPLAINED	(SS_TLS_VERIFY_EXPIRED | SS_TLS_VERIFY_FUTURE | \
	SS_TLS_VERIFY_NAME_MISMATCH | SS_TLS_VERIFY_NOT_TRUSTED | \
	SS_TLS_VERIFY_BAD_KEY | SS_TLS_VERIFY_BAD_PK | SS_TLS_VERIFY_BAD_MD)

/* Verification failed for another reason (revoked, key usage, none). */
int
check_cert_other(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(c->d);
	struct ss_buf			 words;

	(void)r;
	if (!tls->verify_known || (tls->verify_flags & ~CERT_EXPLAINED) == 0) {
		return 0;
	}
	ss_buf_init(&words);
	ss_tls_verify_words(tls->verify_flags & ~CERT_EXPLAINED, &words);
	while (words.len > 0 && words.data[words.len - 1] == '\n') {
		words.data[--words.len] = '\0';
	}
	ss_buf_adds(&dr->msg, "The certificate failed verification: ");
	draft_untrusted(dr, words.data, words.len, 400);
	ss_buf_adds(&dr->msg, ". Mail clients refuse it.");
	ss_buf_finish(&words);
	if (tls->ncerts > 0) {
		draft_event(dr, tls->cert_events[0]);
	}
	draft_event(dr, c->ev_verify);
	return 1;
}
