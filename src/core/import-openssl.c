/*
 * import-openssl.c: openssl s_client output, -starttls smtp or implicit
 * TLS, whole or with the handshake block cut off (doc/import-formats.md).
 * The handshake block gives the TLS records; after it, lines with a code
 * are the server's and the others what the user typed (terminal echo).
 * openssl reads the banner and sends EHLO and STARTTLS itself without
 * showing them, so such a log has no connect record.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"
#include "smtpscope/tls.h"

/* What openssl s_client printed about the handshake. */
struct import_openssl {
	int		 dialogue;	/* past the handshake block */
	int		 ready;		/* its last separator was seen */
	int		 handshake;	/* "SSL handshake has read" or brief */
	int		 seen_block;	/* a line of the handshake block */
	int		 ticket;	/* inside a post-handshake block */
	int		 stray_check;	/* see import_openssl_stray */
	int		 verify_code;	/* -1 when not printed */
	int		 verify_ok;	/* "Verification: OK" */
	char		*verify_text;
	char		*peername;
	char		*failure;
	int		 has_pending;	/* a typed line held back */
	struct import_line pending;
};

#define O(im)	((struct import_openssl *)(im)->priv)

static int	import_openssl_detect(const struct import_line *);

/* openssl's verify return codes and the mbedTLS-style bit each means. */
static const struct {
	int		 code;
	const char	*text;
	uint32_t	 flag;
} openssl_verify[] = {
	{ 2, "unable to get issuer certificate", SS_TLS_VERIFY_NOT_TRUSTED },
	{ 9, "certificate is not yet valid", SS_TLS_VERIFY_FUTURE },
	{ 10, "certificate has expired", SS_TLS_VERIFY_EXPIRED },
	{ 18, "self-signed certificate", SS_TLS_VERIFY_NOT_TRUSTED },
	{ 18, "self signed certificate", SS_TLS_VERIFY_NOT_TRUSTED },
	{ 19, "self-signed certificate in certificate chain",
	    SS_TLS_VERIFY_NOT_TRUSTED },
	{ 19, "self signed certificate in certificate chain",
	    SS_TLS_VERIFY_NOT_TRUSTED },
	{ 20, "unable to get local issuer certificate",
	    SS_TLS_VERIFY_NOT_TRUSTED },
	{ 21, "unable to verify the first certificate",
	    SS_TLS_VERIFY_NOT_TRUSTED },
	{ 23, "certificate revoked", SS_TLS_VERIFY_REVOKED },
	{ 26, "unsupported certificate purpose",
	    SS_TLS_VERIFY_EXT_KEY_USAGE },
	{ 62, "hostname mismatch", SS_TLS_VERIFY_NAME_MISMATCH },
	{ 64, "IP address mismatch", SS_TLS_VERIFY_NAME_MISMATCH },
};

/* The verify bit for a code, or failing that for openssl's words. */
static uint32_t
import_openssl_flag(int code, const char *text)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(openssl_verify); i++) {
		if (code > 0 ? openssl_verify[i].code == code :
		    text != NULL && ss_strcasecmp(openssl_verify[i].text,
		    text) == 0) {
			return openssl_verify[i].flag;
		}
	}
	return IMPORT_VERIFY_OTHER;
}

/* "New, TLSv1.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384" */
static void
import_openssl_new(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*c = memchr(p, ',', n);
	const char	*is = " Cipher is ";

	(void)l;
	if (c == NULL) {
		return;
	}
	import_set(&im->version, p, c - p);
	n -= c - p + 1;
	p = c + 1;
	if (n > strlen(is) && memcmp(p, is, strlen(is)) == 0) {
		import_set(&im->cipher, p + strlen(is), n - strlen(is));
	}
	O(im)->handshake = 1;
}

/* "Protocol version: TLSv1.2" (-brief) or "Protocol  : TLSv1.2". */
static void
import_openssl_version(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	if (im->version == NULL) {
		import_set(&im->version, p, n);
	}
	O(im)->handshake = 1;
}

/* "Ciphersuite: ..." (-brief) or "Cipher    : ...". */
static void
import_openssl_cipher(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	if (im->cipher == NULL) {
		import_set(&im->cipher, p, n);
	}
}

/* "Verify return code: 18 (self-signed certificate)" */
static void
import_openssl_verify_code(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*open = memchr(p, '(', n);

	(void)l;
	O(im)->verify_code = 0;
	while (n > 0 && *p >= '0' && *p <= '9' && O(im)->verify_code < 100000) {
		O(im)->verify_code = O(im)->verify_code * 10 + (*p - '0');
		p++;
		n--;
	}
	if (open != NULL && p + n > open + 1 && p[n - 1] == ')') {
		import_set(&O(im)->verify_text, open + 1, p + n - open - 2);
	}
}

/* "Verification: OK" (openssl 3) */
static void
import_openssl_verify_ok(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	(void)l;
	O(im)->verify_ok = 1;
}

/* "Verification error: self-signed certificate" */
static void
import_openssl_verify_error(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	if (O(im)->verify_text == NULL) {
		import_set(&O(im)->verify_text, p, n);
	}
}

/* "Verified peername: mx.example.org" */
static void
import_openssl_peername(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)l;
	import_set(&O(im)->peername, p, n);
}

/* "SSL handshake has read ..." or "CONNECTION ESTABLISHED" (-brief). */
static void
import_openssl_handshake(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	(void)l;
	O(im)->handshake = 1;
}

/* "Didn't find STARTTLS in server response, trying anyway..." */
static void
import_openssl_note(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	(void)p;
	(void)n;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "openssl: %.*s",
	    (int)l->len, l->p);
}

/* What the handshake block says, line by line (indentation removed). */
static const struct import_noise openssl_preamble[] = {
	{ "New, ", NULL, import_openssl_new },
	{ "Protocol version: ", NULL, import_openssl_version },
	{ "Protocol  : ", NULL, import_openssl_version },
	{ "Ciphersuite: ", NULL, import_openssl_cipher },
	{ "Cipher    : ", NULL, import_openssl_cipher },
	{ "Verify return code: ", NULL, import_openssl_verify_code },
	{ "Verification: OK", NULL, import_openssl_verify_ok },
	{ "Verification error: ", NULL, import_openssl_verify_error },
	{ "Verified peername: ", NULL, import_openssl_peername },
	{ "SSL handshake has read ", NULL, import_openssl_handshake },
	{ "CONNECTION ESTABLISHED", NULL, import_openssl_handshake },
	{ "Didn't find STARTTLS", NULL, import_openssl_note },
};

/* Words of openssl's own in the dialogue part. */
static const struct import_noise openssl_dialogue[] = {
	{ "DONE", NULL, import_fact_end },
	{ "closed", NULL, import_fact_closed },
	{ "read:errno=", NULL, import_fact_closed },
	{ "RENEGOTIATING", NULL, NULL },
	{ "KEYUPDATE", NULL, NULL },
	{ "read R BLOCK", NULL, NULL },
};

/* s_client reads a typed line starting with one of these letters as its
 * own command and sends nothing; it answers with the word shown. */
static const struct {
	char		 letter;
	const char	*answer;
	const char	*meaning;
} openssl_commands[] = {
	{ 'Q', "DONE", "quit" },
	{ 'R', "RENEGOTIATING", "renegotiate" },
	{ 'k', "KEYUPDATE", "update its keys" },
	{ 'K', "KEYUPDATE", "update its keys" },
};

/* The verify record: openssl's verdict in the engine's words. */
static void
import_openssl_verify(struct import *im)
{
	uint32_t	flag;

	if (O(im)->verify_code == 0 || (O(im)->verify_code < 0 &&
	    O(im)->verify_ok)) {
		if (O(im)->peername != NULL) {
			import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY,
			    "verified: openssl trusted the chain and checked "
			    "the name %s", O(im)->peername);
		} else {
			import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY,
			    "verified: openssl trusted the chain (it checks "
			    "the name only when given -verify_hostname)");
		}
		return;
	}
	if (O(im)->verify_code < 0 && O(im)->verify_text == NULL) {
		return;		/* openssl said nothing: unknown */
	}
	flag = import_openssl_flag(O(im)->verify_code, O(im)->verify_text);
	if (O(im)->verify_code < 0) {
		import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY, "NOT verified "
		    "flags=0x%x\n%s (openssl's words)", (unsigned)flag,
		    O(im)->verify_text);
		return;
	}
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_VERIFY, "NOT verified "
	    "flags=0x%x\n%s (openssl verify return code %d)", (unsigned)flag,
	    O(im)->verify_text != NULL ? O(im)->verify_text : "unknown reason",
	    O(im)->verify_code);
}

/* The TLS records of the handshake, in the engine's order. */
static void
import_openssl_tls(struct import *im)
{
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_START, "handshake started "
	    "(SNI not shown by openssl)%s", im->implicit ? " implicit" : "");
	if (im->version == NULL || strcmp(im->version, "(NONE)") == 0) {
		import_record(im, SS_DIR_TLS, SS_KIND_TLS_FAIL, "the handshake "
		    "failed: %s", O(im)->failure != NULL ? O(im)->failure :
		    "openssl negotiated no cipher");
		return;
	}
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_UP, "version=%s cipher=%s",
	    im->version, im->cipher != NULL ? im->cipher : "unknown");
	import_flush_certs(im);
	im->tls = 1;
	import_openssl_verify(im);
}

/* The paste starts after the handshake block: what follows travelled in
 * TLS (s_client shows nothing else), but the block's facts are lost. */
static void
import_openssl_cut(struct import *im)
{
	im->inferred = 1;
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "inferred: the paste "
	    "has no handshake block (cut off), but s_client shows only "
	    "dialogue inside TLS: version, cipher and certificate unknown");
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_START, "handshake started "
	    "(inferred: not in the pasted s_client log)%s", im->implicit ?
	    " implicit" : "");
	import_record(im, SS_DIR_TLS, SS_KIND_TLS_UP, "version=unknown "
	    "cipher=unknown (inferred from the log)");
	im->tls = 1;
}

/* The handshake block is over: say what openssl hid, then TLS.  A banner
 * as the first line means s_client ran without -starttls (port 465). */
static void
import_openssl_start(struct import *im, const struct import_line *first)
{
	O(im)->dialogue = 1;
	im->implicit = first != NULL && import_code(first->p,
	    first->len) == 220;
	if (!im->implicit) {
		/* No connect record: the banner it would wait for was
		 * read by openssl, and the first reply shown answers the
		 * EHLO typed after TLS. */
		im->no_connect = 1;
		import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "imported from "
		    "openssl s_client -starttls smtp: openssl itself read the "
		    "banner and sent EHLO and STARTTLS in plaintext, and did "
		    "not show them");
		O(im)->stray_check = 1;
	}
	if (!O(im)->handshake) {
		import_openssl_cut(im);
		return;
	}
	import_openssl_tls(im);
}

/*
 * openssl -starttls smtp prints the last line of the plaintext EHLO reply
 * after the handshake block.  It is not a reply inside TLS: shown as a
 * note, so it does not answer the first command typed.
 */
static int
import_openssl_stray(struct import *im, const struct import_line *l)
{
	if (!O(im)->stray_check) {
		return 0;
	}
	O(im)->stray_check = 0;
	if (!import_reply_like(l) || (l->len > 3 && l->p[3] == '-')) {
		return 0;
	}
	import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "openssl repeated the "
	    "last line of the plaintext EHLO reply: %.*s", (int)l->len, l->p);
	return 1;
}

/* A held-back typed line: sent, or taken by openssl as a command (then
 * the line answering it is consumed too: returns 1). */
static int
import_openssl_pending(struct import *im, const struct import_line *next)
{
	size_t	i;

	if (!O(im)->has_pending) {
		return 0;
	}
	O(im)->has_pending = 0;
	for (i = 0; next != NULL && i < SS_NITEMS(openssl_commands); i++) {
		if (O(im)->pending.p[0] == openssl_commands[i].letter &&
		    import_starts(next, openssl_commands[i].answer)) {
			/* The line is not quoted: it may be a secret. */
			import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "openssl "
			    "s_client read a typed line starting with \"%c\" "
			    "as its own command to %s: the line was not sent",
			    openssl_commands[i].letter,
			    openssl_commands[i].meaning);
			if (openssl_commands[i].letter == 'Q') {
				import_fact_end(im, NULL, 0, next);
				free(im->closed);
				im->closed = xstrdup("connection closed by "
				    "openssl s_client (it printed DONE)");
			}
			return 1;
		}
	}
	import_client_line(im, &O(im)->pending, import_flags(im, 0));
	return 0;
}

/* Hold back a typed line that s_client may take as a command. */
static int
import_openssl_hold(struct import *im, const struct import_line *l)
{
	size_t	i;

	for (i = 0; l->len > 0 && i < SS_NITEMS(openssl_commands); i++) {
		if (l->p[0] == openssl_commands[i].letter) {
			O(im)->pending = *l;
			O(im)->has_pending = 1;
			return 1;
		}
	}
	return 0;
}

/* A line of the dialogue after the handshake block. */
static void
import_openssl_dialogue(struct import *im, const struct import_line *l)
{
	if (import_openssl_pending(im, l) || im->ended) {
		return;
	}
	/* With input piped in nothing typed shows, the body neither: a
	 * reply after 354 then ends it (the builder infers the dot). */
	if (!im->body || im->nclient == 0) {
		if (import_noise(im, openssl_dialogue,
		    SS_NITEMS(openssl_dialogue), l) || l->len == 0 ||
		    import_starts(l, "---")) {
			return;
		}
		if (import_starts(l, "Post-Handshake")) {
			O(im)->ticket = 1;	/* skipped up to its "---" */
			return;
		}
		if (import_reply_like(l)) {
			if (!import_openssl_stray(im, l)) {
				import_server_line(im, l, import_flags(im, 0));
			}
			return;
		}
	}
	O(im)->stray_check = 0;
	if (!import_openssl_hold(im, l)) {
		import_client_line(im, l, import_flags(im, 0));
	}
}

/* A line of the handshake block (indentation removed). */
static void
import_openssl_preamble(struct import *im, const struct import_line *l)
{
	struct import_line	t = *l;

	if (import_pem_line(im, l)) {
		O(im)->seen_block = 1;
		return;
	}
	if (memmem(l->p, l->len, ":error:", 7) != NULL) {
		import_set(&O(im)->failure, l->p, l->len);
	}
	while (t.len > 0 && t.p[0] == ' ') {
		t = import_tail(&t, 1);
	}
	if (import_openssl_detect(&t) == 4 || import_starts(&t, "depth=") ||
	    import_starts(&t, "verify ")) {
		O(im)->seen_block = 1;
	}
	if (import_starts(&t, "---") && O(im)->verify_code >= 0) {
		O(im)->ready = 1;	/* the summary's last separator */
		return;
	}
	(void)import_noise(im, openssl_preamble, SS_NITEMS(openssl_preamble),
	    &t);
}

/* One line of s_client output: handshake block, then the dialogue. */
static void
import_openssl_line(struct import *im, const struct import_line *l)
{
	if (O(im)->ticket) {
		O(im)->ticket = !import_starts(l, "---");
		return;
	}
	if (O(im)->dialogue) {
		import_openssl_dialogue(im, l);
		return;
	}
	if (O(im)->ready || ((O(im)->handshake || !O(im)->seen_block) &&
	    (import_reply_like(l) || import_cmd_like(l)))) {
		if (import_starts(l, "Post-Handshake")) {
			O(im)->ticket = 1;
			return;
		}
		if (l->len == 0 || import_starts(l, "---")) {
			return;
		}
		import_openssl_start(im, l);
		import_openssl_dialogue(im, l);
		return;
	}
	import_openssl_preamble(im, l);
}


/* ------------------------------------------------------------------ */
/* The reader.                                                         */

/* Lines that only openssl s_client prints. */
static const char *const openssl_marks[] = {
	"CONNECTED(", "Certificate chain", "SSL handshake has read",
	"New, TLSv", "New, SSLv", "New, (NONE)", "Verify return code:",
	"CONNECTION ESTABLISHED", "read R BLOCK", "Post-Handshake New Session",
	"SSL-Session:", "Server certificate", "read:errno=", "DONE",
};

/* openssl's own lines are strong marks. */
static int
import_openssl_detect(const struct import_line *l)
{
	struct import_line	t = import_trim_left(l);
	size_t			i;

	for (i = 0; i < SS_NITEMS(openssl_marks); i++) {
		if (import_starts(&t, openssl_marks[i])) {
			return i + 1 == SS_NITEMS(openssl_marks) ? 1 : 4;
		}
	}
	return 0;
}

/* The reader's state. */
static void
import_openssl_begin(struct import *im, const char *text, size_t len)
{
	(void)text;
	(void)len;
	im->priv = xcalloc(1, sizeof(struct import_openssl));
	O(im)->verify_code = -1;
}

/* The end of the log: what is pending; the state freed. */
static void
import_openssl_end(struct import *im)
{
	struct import_openssl	*o = O(im);

	(void)import_openssl_pending(im, NULL);
	if (!o->dialogue && o->handshake) {
		import_openssl_start(im, NULL);
	}
	if (o->handshake) {
		im->found = 1;
	}
	if (im->nclient == 0 && im->nserver > 0) {
		import_record(im, SS_DIR_INFO, SS_KIND_NOTE, "no typed line in "
		    "the log: openssl does not show input piped into it, so "
		    "the commands are inferred from the replies' shapes only");
	}
	free(o->verify_text);
	free(o->peername);
	free(o->failure);
	free(o);
	im->priv = NULL;
}

const struct import_reader import_openssl_reader = {
	.format = SS_IMPORT_OPENSSL,
	.looks_for = "openssl s_client's \"CONNECTED(\", \"SSL handshake "
	    "has read\" or \"Verify return code:\" lines",
	.marks_tls = 1,
	.detect = import_openssl_detect,
	.start = import_openssl_begin,
	.line = import_openssl_line,
	.end = import_openssl_end,
};
