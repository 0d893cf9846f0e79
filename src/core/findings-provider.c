/*
 * findings-provider.c: rules about what a provider's refusal means (basic
 * authentication switched off, an app password or OAuth2 wanted), read
 * from the table of provider replies in the knowledge base, and about a
 * refused OAuth 2.0 token, whose error the server sends as base64 JSON in
 * a 334 challenge (RFC 7628 section 3.2.2).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/kb.h"
#include "smtpscope/text.h"
#include "smtpscope/util.h"

#include "findings-int.h"

#define REPLY_TEXT_MAX		2048	/* reply text searched for fragments */
#define OAUTH_ERROR_MAX		4096	/* decoded error JSON we parse */
#define OAUTH_STATUS_SHOWN	40	/* bytes of a status quoted */

/* The mechanisms that carry an OAuth 2.0 bearer token. */
static const char *const oauth_mechs[] = { "XOAUTH2", "OAUTHBEARER" };

/* The texts of a reply's lines joined by spaces, bounded. */
static void
reply_text(const struct ss_reply *r, struct ss_buf *out)
{
	size_t	i, len;

	for (i = 0; i < r->nlines && out->len < REPLY_TEXT_MAX; i++) {
		len = strnlen(r->lines[i].text, REPLY_TEXT_MAX);
		if (len > REPLY_TEXT_MAX - out->len) {
			len = REPLY_TEXT_MAX - out->len;
		}
		if (i > 0) {
			ss_buf_addc(out, ' ');
		}
		ss_buf_add(out, r->lines[i].text, len);
	}
}

/* A reply's enhanced code as text into buf; NULL when it has none. */
static const char *
reply_enhanced(const struct ss_reply *r, char *buf, size_t size)
{
	if (!r->enhanced.present) {
		return NULL;
	}
	snprintf(buf, size, "%d.%d.%d", r->enhanced.class_, r->enhanced.subject,
	    r->enhanced.detail);
	return buf;
}

/* The provider row a reply matches, or NULL. */
const struct ss_kb_provider *
reply_provider(const struct ss_reply *r)
{
	const struct ss_kb_provider	*p;
	struct ss_buf			 text;
	char				 enh[32];

	if (r == NULL || r->code < 400) {
		return NULL;
	}
	ss_buf_init(&text);
	reply_text(r, &text);
	p = ss_kb_provider_match(r->code, reply_enhanced(r, enh, sizeof(enh)),
	    text.data);
	ss_buf_finish(&text);
	return p;
}

/* Append what a provider's reply means and what to change. */
void
draft_provider(struct draft *dr, const struct ss_kb_provider *p,
    const struct ss_reply *r)
{
	ss_buf_printf(&dr->msg, "%s answered %d", p->provider, r->code);
	if (p->enhanced != NULL) {
		ss_buf_printf(&dr->msg, " %s", p->enhanced);
	}
	ss_buf_printf(&dr->msg, ": %s In the mail client: %s", p->meaning,
	    p->change);
	if (p->reference != NULL) {
		ss_buf_printf(&dr->msg, " (%s)", p->reference);
	}
}

/* A reply the provider table explains with this rule's finding.  The
 * refusal of an OAuth login is not one: its advice is about passwords,
 * and auth-oauth-token-rejected explains it. */
int
check_provider_reply(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;
	const struct ss_kb_provider	*p;
	size_t				 i;
	int				 found = 0, oauth = 0;

	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->verb == SS_VERB_AUTH) {
			oauth = command_is_oauth(x->command);
		} else if (x->verb != SS_VERB_SASL) {
			oauth = 0;
		}
		if (x->greeting || oauth ||
		    (p = reply_provider(x->reply)) == NULL ||
		    strcmp(p->finding, r->pub.id) != 0) {
			continue;
		}
		if (!found) {
			draft_provider(dr, p, x->reply);
		}
		draft_exchange(dr, c, x);
		found = 1;
	}
	return found;
}

/* Is the AUTH command one of an OAuth mechanism? */
int
command_is_oauth(const char *command)
{
	const char	*p = command + 4;
	size_t		 i, n;

	if (ss_strncasecmp(command, "AUTH", 4) != 0) {
		return 0;
	}
	while (*p == ' ') {
		p++;
	}
	for (i = 0; i < SS_NITEMS(oauth_mechs); i++) {
		n = strlen(oauth_mechs[i]);
		if (ss_strncasecmp(p, oauth_mechs[i], n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0')) {
			return 1;
		}
	}
	return 0;
}

/*
 * The "status" of the error JSON in a 334 challenge, escaped into out;
 * 0 when the challenge is such an error, -1 when it is not.
 */
int
oauth_error_status(const struct ss_reply *r, struct ss_buf *out)
{
	struct ss_buf	 raw;
	json_t		*root, *status;
	const char	*s;
	int		 rc = -1;

	if (r == NULL || r->code != 334 || r->nlines == 0) {
		return -1;
	}
	ss_buf_init(&raw);
	if (ss_base64_decode(&raw, r->lines[0].text,
	    strnlen(r->lines[0].text, OAUTH_ERROR_MAX)) != 0 ||
	    raw.len == 0) {
		ss_buf_finish(&raw);
		return -1;
	}
	root = json_loadb(raw.data, raw.len, JSON_REJECT_DUPLICATES, NULL);
	status = json_is_object(root) ? json_object_get(root, "status") : NULL;
	if (json_is_string(status)) {
		s = json_string_value(status);
		ss_text_escape(out, s, strnlen(s, OAUTH_STATUS_SHOWN));
		rc = 0;
	}
	json_decref(root);
	ss_buf_finish(&raw);
	return rc;
}

/* Append the refused token's status and what it means. */
void
draft_oauth_status(struct draft *dr, const char *status)
{
	const struct ss_kb_oauth_status	*st = ss_kb_oauth_status(status);

	ss_buf_printf(&dr->msg, " The server's error status is \"%s\"",
	    status);
	if (st != NULL) {
		ss_buf_printf(&dr->msg, ": %s. In the mail client: %s.",
		    st->meaning, st->change);
	} else {
		ss_buf_adds(&dr->msg, ".");
	}
}

/* The last OAuth login of a connection that the server refused: its
 * final exchange, and the 334 error challenge before it (or NULL). */
const struct ss_exchange *
conn_oauth_refusal(const struct conn *c, const struct ss_exchange **error)
{
	const struct ss_exchange	*x, *err = NULL, *refused = NULL;
	const struct ss_exchange	*refused_err = NULL;
	struct ss_buf			 st;
	size_t				 i;
	int				 ours = 0;

	ss_buf_init(&st);
	for (i = c->xstart; i < c->xend; i++) {
		x = ss_dialog_exchange(c->d, i);
		if (x->verb == SS_VERB_AUTH) {
			ours = command_is_oauth(x->command);
			err = NULL;
		} else if (x->verb != SS_VERB_SASL || !ours) {
			continue;
		}
		if (!ours || x->reply == NULL) {
			continue;
		}
		ss_buf_reset(&st);
		if (oauth_error_status(x->reply, &st) == 0) {
			err = x;
		} else if (x->reply->code == 235) {
			refused = NULL;
			ours = 0;
		} else if (x->reply->code >= 400) {
			refused = x;
			refused_err = err;
			ours = 0;
		}
	}
	ss_buf_finish(&st);
	*error = refused_err;
	return refused;
}

/* An OAuth token the server refused, with its decoded error status. */
int
check_oauth_rejected(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x, *err;
	struct ss_buf			 status;

	(void)r;
	if ((x = conn_oauth_refusal(c, &err)) == NULL) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server refused the OAuth 2.0 token "
	    "(%d): the client's OAuth2 login fails.", x->reply->code);
	ss_buf_init(&status);
	if (err != NULL && oauth_error_status(err->reply, &status) == 0) {
		draft_oauth_status(dr, status.data);
		draft_exchange(dr, c, err);
	}
	ss_buf_finish(&status);
	draft_exchange(dr, c, x);
	return 1;
}
