/*
 * sasl-oauth.c: the bearer-token mechanisms, XOAUTH2 (Google's form, also
 * spoken by Microsoft 365) and OAUTHBEARER (RFC 7628).
 *
 * The initial response carries the token, so it is a secret.  A server
 * that refuses the token answers 334 with a base64 JSON error object; the
 * client then sends what each specification asks (XOAUTH2: an empty line;
 * OAUTHBEARER: a lone %x01, RFC 7628 3.2.3) and the server ends with its
 * final reply.  The JSON is decoded with jansson, every string escaped.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smtpscope/text.h"
#include "smtpscope/util.h"

#include "sasl-int.h"

/* Longest error object we decode (servers send about 150 bytes). */
#define SASL_OAUTH_ERROR_MAX	4096

/* What an error status means and what to do about it. */
struct sasl_oauth_status {
	const char	*status;
	const char	*meaning;
};

static const struct sasl_oauth_status sasl_oauth_statuses[] = {
	{ "400", "bad request: the server could not read the token or the "
	    "request (HTTP 400)" },
	{ "401", "the token was refused (HTTP 401): it has expired, was "
	    "revoked, or was issued for another account or another scope; "
	    "get a fresh access token (refresh it) for this user" },
	{ "403", "the token is valid but this account may not use SMTP "
	    "(HTTP 403): an administrator must allow SMTP AUTH for it" },
	{ "invalid_request", "the request is malformed (RFC 6750 3.1): a "
	    "parameter is missing, repeated or wrong" },
	{ "invalid_token", "the token has expired, was revoked, is malformed "
	    "or is invalid for another reason (RFC 6750 3.1); get a fresh "
	    "access token" },
	{ "insufficient_scope", "the token lacks the scope this server needs "
	    "(RFC 6750 3.1): ask the authorization server for a token with the "
	    "scope named below" },
};

/* Is the text safe inside a GS2 or key=value field (no %x01, no CR/LF)? */
static int
sasl_oauth_clean(const char *p, const char *what, char **err)
{
	for (; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			xasprintf(err, "the %s holds a control character, which "
			    "an OAuth login cannot carry", what);
			return -1;
		}
	}
	return 0;
}

/* A bearer token: b64token (RFC 6750 2.1) characters only. */
static int
sasl_oauth_token_ok(const char *t, char **err)
{
	static const char	 b64token[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~+/=";

	if (*t == '\0') {
		*err = xstrdup("the bearer token is empty");
		return -1;
	}
	if (t[strspn(t, b64token)] != '\0') {
		*err = xstrdup("the bearer token holds characters a token "
		    "cannot have (RFC 6750 2.1 allows letters, digits and "
		    "-._~+/=): is it an access token?");
		return -1;
	}
	return 0;
}

/* Encode an exact-size scratch message, then wipe it. */
static void
sasl_oauth_emit(struct ss_buf *out, struct ss_buf *msg)
{
	ss_base64_encode(out, msg->data, msg->len);
	ss_wipe(msg->data, msg->cap);
	ss_buf_finish(msg);
}

/* XOAUTH2: "user=U^Aauth=Bearer T^A^A". */
int
sasl_xoauth2_initial(struct ss_sasl *s, struct ss_buf *out, char **err)
{
	struct ss_buf	 msg;

	if (sasl_oauth_clean(s->user, "user name", err) != 0 ||
	    sasl_oauth_token_ok(s->secret, err) != 0)
		return -1;
	ss_buf_init(&msg);
	ss_buf_printf(&msg, "user=%s\001auth=Bearer %s\001\001", s->user,
	    s->secret);
	sasl_oauth_emit(out, &msg);
	return 0;
}

/* The GS2 authzid with "," and "=" escaped (RFC 5801 4). */
static void
sasl_oauth_saslname(struct ss_buf *b, const char *user)
{
	for (; *user != '\0'; user++) {
		if (*user == ',')
			ss_buf_adds(b, "=2C");
		else if (*user == '=')
			ss_buf_adds(b, "=3D");
		else
			ss_buf_addc(b, *user);
	}
}

/* OAUTHBEARER: "n,a=U,^Ahost=H^Aport=P^Aauth=Bearer T^A^A". */
int
sasl_oauthbearer_initial(struct ss_sasl *s, struct ss_buf *out, char **err)
{
	struct ss_buf	 msg;

	if (sasl_oauth_clean(s->user, "user name", err) != 0 ||
	    (s->host != NULL && sasl_oauth_clean(s->host, "host", err) != 0) ||
	    sasl_oauth_token_ok(s->secret, err) != 0)
		return -1;
	ss_buf_init(&msg);
	ss_buf_adds(&msg, "n,");
	if (*s->user != '\0') {
		ss_buf_adds(&msg, "a=");
		sasl_oauth_saslname(&msg, s->user);
	}
	ss_buf_addc(&msg, ',');
	if (s->host != NULL)
		ss_buf_printf(&msg, "\001host=%s", s->host);
	if (s->port > 0)
		ss_buf_printf(&msg, "\001port=%d", s->port);
	ss_buf_printf(&msg, "\001auth=Bearer %s\001\001", s->secret);
	sasl_oauth_emit(out, &msg);
	return 0;
}

/* Note the server's error status in the verdict line. */
static void
sasl_oauth_note_error(struct ss_sasl *s, const unsigned char *chal,
    size_t len)
{
	struct ss_sasl_oauth_error	 e;
	char				*err = NULL;

	if (ss_sasl_oauth_error_parse(chal, len, &e, &err) != 0) {
		sasl_set_verdict(s, "%s error-challenge=unreadable",
		    s->mech->name);
		free(err);
		return;
	}
	sasl_set_verdict(s, "%s error-challenge status=%.40s",
	    s->mech->name, e.status != NULL ? e.status : "-");
	ss_sasl_oauth_error_finish(&e);
}

/*
 * A 334 to a bearer mechanism: empty means the server ignored the initial
 * response (send it now); anything else is the error object, answered as
 * the mechanism's specification says.
 */
static int
sasl_oauth_step(struct ss_sasl *s, const unsigned char *chal, size_t len,
    struct ss_buf *out, int *secret, char **err, const char *ack)
{
	if (s->steps == 0 && len == 0) {
		*secret = 1;
		return s->mech->initial(s, out, err);
	}
	if (strstr(s->verdict, "error-challenge") != NULL) {
		xasprintf(err, "%s has one error challenge; the server sent "
		    "another", s->mech->name);
		return -1;
	}
	sasl_oauth_note_error(s, chal, len);
	ss_buf_adds(out, ack);
	*secret = 0;
	return 0;
}

/* XOAUTH2 acknowledges the error with an empty response. */
int
sasl_xoauth2_step(struct ss_sasl *s, const unsigned char *chal, size_t len,
    struct ss_buf *out, int *secret, char **err)
{
	return sasl_oauth_step(s, chal, len, out, secret, err, "");
}

/* OAUTHBEARER acknowledges it with a lone %x01 ("AQ=="). */
int
sasl_oauthbearer_step(struct ss_sasl *s, const unsigned char *chal,
    size_t len, struct ss_buf *out, int *secret, char **err)
{
	return sasl_oauth_step(s, chal, len, out, secret, err, "AQ==");
}

/* A member of the object as text: a string, or an integer in words. */
static char *
sasl_oauth_member(json_t *obj, const char *key)
{
	json_t		*v = json_object_get(obj, key);
	struct ss_buf	 b;
	const char	*str;

	if (v == NULL)
		return NULL;
	ss_buf_init(&b);
	if (json_is_string(v)) {
		str = json_string_value(v);
		ss_text_escape(&b, str, json_string_length(v));
	} else if (json_is_integer(v)) {
		ss_buf_printf(&b, "%lld", (long long)json_integer_value(v));
	} else {
		ss_buf_finish(&b);
		return NULL;
	}
	return ss_buf_steal(&b);
}

/* Parse an error object; its strings come out escaped. */
int
ss_sasl_oauth_error_parse(const void *data, size_t len,
    struct ss_sasl_oauth_error *e, char **err)
{
	json_error_t	 jerr;
	json_t		*root;

	memset(e, 0, sizeof *e);
	*err = NULL;
	if (len == 0 || len > SASL_OAUTH_ERROR_MAX) {
		xasprintf(err, "an OAuth error object of %zu bytes (expected "
		    "1 to %d)", len, SASL_OAUTH_ERROR_MAX);
		return -1;
	}
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		*err = xstrdup("the challenge is not a JSON object");
		return -1;
	}
	e->status = sasl_oauth_member(root, "status");
	e->scope = sasl_oauth_member(root, "scope");
	e->schemes = sasl_oauth_member(root, "schemes");
	e->openid = sasl_oauth_member(root, "openid-configuration");
	json_decref(root);
	if (e->status == NULL) {
		ss_sasl_oauth_error_finish(e);
		*err = xstrdup("the JSON object has no \"status\"");
		return -1;
	}
	return 0;
}

/* Free the parsed strings. */
void
ss_sasl_oauth_error_finish(struct ss_sasl_oauth_error *e)
{
	free(e->status);
	free(e->scope);
	free(e->schemes);
	free(e->openid);
	memset(e, 0, sizeof *e);
}

/* What the status means, from the table, or that it is unknown. */
static const char *
sasl_oauth_meaning(const char *status)
{
	size_t	 i;

	for (i = 0; i < SS_NITEMS(sasl_oauth_statuses); i++) {
		if (strcmp(sasl_oauth_statuses[i].status, status) == 0)
			return sasl_oauth_statuses[i].meaning;
	}
	return "a status smtpscope does not know";
}

/* The error object in words. */
void
ss_sasl_oauth_error_explain(const struct ss_sasl_oauth_error *e,
    struct ss_buf *b)
{
	ss_buf_printf(b, "status \"%s\": %s", e->status,
	    sasl_oauth_meaning(e->status));
	if (e->scope != NULL)
		ss_buf_printf(b, "; scope wanted: \"%s\"", e->scope);
	if (e->schemes != NULL)
		ss_buf_printf(b, "; schemes: \"%s\"", e->schemes);
	if (e->openid != NULL)
		ss_buf_printf(b, "; the authorization server is described at "
		    "\"%s\"", e->openid);
}

/* Explain a bearer mechanism's message: the error, or the client's ack. */
int
sasl_oauth_describe(int from_server, const unsigned char *msg, size_t len,
    struct ss_buf *out)
{
	struct ss_sasl_oauth_error	 e;
	char				*err = NULL;

	if (!from_server) {
		if (len == 1 && msg[0] == 0x01) {
			ss_buf_adds(out, "a lone %x01: the client acknowledges "
			    "the error so the server can send its final reply "
			    "(RFC 7628 3.2.3)");
			return 1;
		}
		return 0;
	}
	if (ss_sasl_oauth_error_parse(msg, len, &e, &err) != 0) {
		ss_buf_printf(out, "OAuth error challenge, unreadable: %s", err);
		free(err);
		return 1;
	}
	ss_buf_adds(out, "OAuth error challenge: ");
	ss_sasl_oauth_error_explain(&e, out);
	ss_buf_adds(out, ". The client answers it and the server ends with "
	    "its final reply");
	ss_sasl_oauth_error_finish(&e);
	return 1;
}
