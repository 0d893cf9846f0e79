/*
 * findings-message.c: rules about what the message to send needs (SIZE,
 * SMTPUTF8, 8BITMIME).
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

/* The latest capabilities and the EHLO exchange they came from. */
static const struct ss_caps *
conn_latest(const struct conn *c, const struct ss_exchange **x)
{
	int	p = conn_last_phase(c);

	*x = NULL;
	if (p < 0) {
		return NULL;
	}
	*x = c->ehlo[p];
	return conn_caps(c, (enum ss_phase)p);
}

/* SIZE smaller than the message the user wants to send. */
int
check_size(const struct conn *c, const struct rule *r, struct draft *dr)
{
	const struct ss_exchange	*x;
	const struct ss_caps		*caps = conn_latest(c, &x);
	const struct ss_cap		*size;
	uint64_t			 want = c->opt->message_size;

	(void)r;
	size = ss_caps_find(caps, "SIZE");
	if (want == 0 || size == NULL || !size->has_size || size->size == 0 ||
	    size->size >= want) {
		return 0;
	}
	ss_buf_printf(&dr->msg, "The server accepts messages up to %llu "
	    "octets (SIZE), but the message has %llu: it will be refused "
	    "(552).", (unsigned long long)size->size,
	    (unsigned long long)want);
	draft_reply(dr, c, x);
	return 1;
}

/* An extension the message needs is missing from the latest EHLO. */
int
check_needed_ext(const struct conn *c, const struct rule *r,
    struct draft *dr)
{
	const struct ss_exchange	*x;
	const struct ss_caps		*caps = conn_latest(c, &x);
	int				 utf8 = r->arg != 0;
	int				 need;

	need = utf8 ? c->opt->need_smtputf8 : c->opt->need_8bitmime;
	if (!need || caps == NULL ||
	    ss_caps_has(caps, utf8 ? "SMTPUTF8" : "8BITMIME")) {
		return 0;
	}
	ss_buf_adds(&dr->msg, utf8 ? "The server does not offer SMTPUTF8, so "
	    "a message with non-ASCII addresses cannot be sent here." :
	    "The server does not offer 8BITMIME: 8-bit text must be "
	    "re-encoded (quoted-printable or base64) before sending.");
	draft_reply(dr, c, x);
	return 1;
}
