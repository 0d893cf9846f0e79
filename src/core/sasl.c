/*
 * sasl.c: the framework of the client SASL mechanisms used by SMTP AUTH
 * (RFC 4954).
 *
 * Each mechanism is one row of a table: its name, its strength rank, the
 * credential it takes, whether it needs channel binding, and the functions
 * that make its initial response, answer the server's challenges and judge
 * the outcome.  The functions live one family per file (sasl-plain.c,
 * sasl-cram.c, sasl-scram.c, sasl-oauth.c).  The credentials live only in
 * struct ss_sasl and every scratch buffer that held them is wiped.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/sasl.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "sasl-int.h"

const char *const ss_sasl_cred_names[SS_SASL_CRED_LAST] = {
	"password", "bearer token"
};

/* Strongest first: this order is the preselection order. */
static const struct ss_sasl_mech ss_sasl_mechs[] = {
	{ "SCRAM-SHA-256-PLUS", 60, SS_SASL_CRED_PASSWORD, 1, 0,
	    sasl_scram_initial, sasl_scram_step, sasl_scram_finish,
	    sasl_scram_describe, &sasl_scram_sha256 },
	{ "SCRAM-SHA-256", 50, SS_SASL_CRED_PASSWORD, 0, 0,
	    sasl_scram_initial, sasl_scram_step, sasl_scram_finish,
	    sasl_scram_describe, &sasl_scram_sha256 },
	{ "SCRAM-SHA-1", 40, SS_SASL_CRED_PASSWORD, 0, 0,
	    sasl_scram_initial, sasl_scram_step, sasl_scram_finish,
	    sasl_scram_describe, &sasl_scram_sha1 },
	{ "CRAM-MD5", 30, SS_SASL_CRED_PASSWORD, 0, 0,
	    NULL, sasl_cram_step, NULL, NULL, NULL },
	{ "PLAIN", 20, SS_SASL_CRED_PASSWORD, 0, 1,
	    sasl_plain_initial, sasl_plain_step, NULL, NULL, NULL },
	{ "LOGIN", 10, SS_SASL_CRED_PASSWORD, 0, 0,
	    NULL, sasl_login_step, NULL, NULL, NULL },
	{ "XOAUTH2", 0, SS_SASL_CRED_TOKEN, 0, 1,
	    sasl_xoauth2_initial, sasl_xoauth2_step, NULL,
	    sasl_oauth_describe, NULL },
	{ "OAUTHBEARER", 0, SS_SASL_CRED_TOKEN, 0, 1,
	    sasl_oauthbearer_initial, sasl_oauthbearer_step, NULL,
	    sasl_oauth_describe, NULL },
};

static const char *const ss_sasl_mech_names[] = {
	"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5",
	"PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER", NULL
};
_Static_assert(SS_NITEMS(ss_sasl_mech_names) == SS_NITEMS(ss_sasl_mechs) + 1,
    "mechanism names and table differ");

/* The table row of a mechanism, by case-insensitive name. */
static const struct ss_sasl_mech *
ss_sasl_find(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < SS_NITEMS(ss_sasl_mechs); i++) {
		if (ss_strcasecmp(ss_sasl_mechs[i].name, name) == 0)
			return &ss_sasl_mechs[i];
	}
	return NULL;
}

/* The mechanisms we speak, strongest first, NULL-terminated. */
const char *const *
ss_sasl_client_mechs(size_t *n)
{
	if (n != NULL)
		*n = SS_NITEMS(ss_sasl_mechs);
	return ss_sasl_mech_names;
}

/* Can we speak this mechanism? */
int
ss_sasl_supported(const char *name)
{
	return ss_sasl_find(name) != NULL;
}

/* The credential a mechanism takes. */
enum ss_sasl_cred
ss_sasl_cred_of(const char *name)
{
	const struct ss_sasl_mech	*m = ss_sasl_find(name);

	return m != NULL ? m->cred : SS_SASL_CRED_PASSWORD;
}

/* Does the mechanism bind to the TLS channel? */
int
ss_sasl_needs_binding(const char *name)
{
	const struct ss_sasl_mech	*m = ss_sasl_find(name);

	return m != NULL && m->binding;
}

/* Is name among the server's AUTH words? */
static int
ss_sasl_offered(char *const *words, size_t nwords, const char *name)
{
	size_t	 j;

	for (j = 0; j < nwords; j++) {
		if (words[j] != NULL && ss_strcasecmp(words[j], name) == 0)
			return 1;
	}
	return 0;
}

/* The strongest password mechanism offered; -PLUS only with binding. */
const char *
ss_sasl_choose_cb(char *const *words, size_t nwords, int have_binding)
{
	size_t	 i;

	for (i = 0; i < SS_NITEMS(ss_sasl_mechs); i++) {
		if (ss_sasl_mechs[i].rank == 0 ||
		    (ss_sasl_mechs[i].binding && !have_binding))
			continue;
		if (ss_sasl_offered(words, nwords, ss_sasl_mechs[i].name))
			return ss_sasl_mechs[i].name;
	}
	return NULL;
}

/* The strongest mechanism offered that needs no channel binding. */
const char *
ss_sasl_choose(char *const *words, size_t nwords)
{
	return ss_sasl_choose_cb(words, nwords, 0);
}

/* Keep copies of the credentials for one AUTH exchange. */
struct ss_sasl *
ss_sasl_create_with(const struct ss_sasl_params *p, char **err)
{
	const struct ss_sasl_mech	*m;
	struct ss_sasl			*s;

	*err = NULL;
	if ((m = ss_sasl_find(p->mech)) == NULL) {
		xasprintf(err, "smtpscope does not speak the mechanism %s",
		    p->mech != NULL ? p->mech : "(none)");
		return NULL;
	}
	if (m->binding && (p->cb_data == NULL || p->cb_len == 0)) {
		xasprintf(err, "%s binds the login to the TLS connection "
		    "(tls-exporter, RFC 9266), which needs TLS 1.3", m->name);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->mech = m;
	s->user = xstrdup(p->user != NULL ? p->user : "");
	s->secret = xstrdup(p->secret != NULL ? p->secret : "");
	s->host = p->host != NULL ? xstrdup(p->host) : NULL;
	s->port = p->port;
	if (p->cb_data != NULL && p->cb_len <= sizeof s->cb) {
		memcpy(s->cb, p->cb_data, p->cb_len);
		s->cb_len = p->cb_len;
	}
	s->server_plus = p->server_plus;
	return s;
}

/* The short form: a mechanism, a user and a password. */
struct ss_sasl *
ss_sasl_create(const char *mech, const char *user, const char *password)
{
	struct ss_sasl_params	 p;
	struct ss_sasl		*s;
	char			*err = NULL;

	memset(&p, 0, sizeof p);
	p.mech = mech;
	p.user = user;
	p.secret = password;
	s = ss_sasl_create_with(&p, &err);
	free(err);
	return s;
}

/* Wipe the credentials and the mechanism's state, and free them. */
void
ss_sasl_destroy(struct ss_sasl *s)
{
	if (s == NULL)
		return;
	ss_free_secret(s->user);
	ss_free_secret(s->secret);
	free(s->host);
	if (s->state != NULL) {
		ss_wipe(s->state, s->state_len);
		free(s->state);
	}
	ss_wipe(s, sizeof *s);
	free(s);
}

/* The mechanism's registered name. */
const char *
ss_sasl_mech(const struct ss_sasl *s)
{
	return s->mech->name;
}

/* Fix the client nonce (tests); printable ASCII without a comma. */
int
ss_sasl_set_nonce(struct ss_sasl *s, const char *nonce)
{
	size_t	 i, len = strlen(nonce);

	if (len == 0 || len > SS_SASL_NONCE_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (nonce[i] < 0x21 || nonce[i] > 0x7e || nonce[i] == ',')
			return -1;
	}
	memcpy(s->nonce, nonce, len + 1);
	return 0;
}

/* Record the verdict line for the transcript. */
void
sasl_set_verdict(struct ss_sasl *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(s->verdict, sizeof s->verdict, fmt, ap);
	va_end(ap);
}

/*
 * The AUTH command, with the initial response when the mechanism has one.
 * A mechanism that cannot make it (bad SASLprep input) sends the bare
 * command, and its step cancels at the first 334 with the reason.
 */
void
ss_sasl_start(struct ss_sasl *s, struct ss_buf *out, int *secret,
    size_t *public_len)
{
	size_t	 start = out->len, mark;
	char	*err = NULL;

	ss_buf_printf(out, "AUTH %s", s->mech->name);
	*public_len = out->len - start;
	*secret = 0;
	if (s->mech->initial == NULL)
		return;
	mark = out->len;
	ss_buf_addc(out, ' ');
	if (s->mech->initial(s, out, &err) != 0) {
		ss_wipe(out->data + mark, out->len - mark);
		out->len = mark;
		out->data[mark] = '\0';
		sasl_set_verdict(s, "%s", err != NULL ? err : "no initial "
		    "response");
		free(err);
		return;
	}
	*secret = s->mech->initial_secret;
}

/* Length of text without trailing spaces, tabs and line ends. */
static size_t
ss_sasl_trim(const char *text, size_t len)
{
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
	    text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	return len;
}

/* Decode a 334 challenge and let the mechanism answer it. */
int
ss_sasl_step(struct ss_sasl *s, const char *challenge, size_t len,
    struct ss_buf *out, int *secret, char **err)
{
	struct ss_buf	 chal;
	int		 rc;

	*secret = 0;
	*err = NULL;
	len = ss_sasl_trim(challenge, len);
	ss_buf_init(&chal);
	if (ss_base64_decode(&chal, challenge, len) != 0) {
		ss_buf_finish(&chal);
		*err = xstrdup("the server's challenge is not valid base64");
		return -1;
	}
	rc = s->mech->step(s, (const unsigned char *)chal.data, chal.len, out,
	    secret, err);
	if (rc == 0)
		s->steps++;
	ss_wipe(chal.data, chal.cap);
	ss_buf_finish(&chal);
	return rc;
}

/* At 235: let the mechanism say whether the login can be trusted. */
int
ss_sasl_finish(struct ss_sasl *s, char **err)
{
	*err = NULL;
	if (s->mech->finish == NULL)
		return 0;
	return s->mech->finish(s, err);
}

/* The verdict line, if the mechanism has one. */
const char *
ss_sasl_verdict(const struct ss_sasl *s)
{
	return s->verdict[0] != '\0' ? s->verdict : NULL;
}

/* A base64 payload decoded and escaped so it is safe to show. */
char *
ss_sasl_decode_for_display(const char *text, size_t len)
{
	struct ss_buf	 raw, shown;

	ss_buf_init(&raw);
	if (ss_base64_decode(&raw, text, ss_sasl_trim(text, len)) != 0) {
		ss_buf_finish(&raw);
		return NULL;
	}
	ss_buf_init(&shown);
	ss_text_escape(&shown, raw.data, raw.len);
	ss_wipe(raw.data, raw.cap);
	ss_buf_finish(&raw);
	return ss_buf_steal(&shown);
}

/* A mechanism's own reading of one message, if it has one. */
int
ss_sasl_describe(const char *mech, int from_server, const char *text,
    size_t len, struct ss_buf *out)
{
	const struct ss_sasl_mech	*m = ss_sasl_find(mech);
	struct ss_buf			 raw;
	int				 rc;

	if (m == NULL || m->describe == NULL)
		return 0;
	ss_buf_init(&raw);
	if (ss_base64_decode(&raw, text, ss_sasl_trim(text, len)) != 0 ||
	    raw.len == 0) {
		ss_buf_finish(&raw);
		return 0;
	}
	rc = m->describe(from_server, (const unsigned char *)raw.data,
	    raw.len, out);
	ss_wipe(raw.data, raw.cap);
	ss_buf_finish(&raw);
	return rc;
}
