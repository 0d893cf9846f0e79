/*
 * import-telnet.c: a telnet or nc session pasted as the terminal showed
 * it (doc/import-formats.md): lines with a reply code are the server's,
 * the others what the user typed.  Also the fallback for a log whose
 * lines are bare dialogue.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"

/* nc: "HOST [(ADDR)] PORT port [tcp/smtp]" between the fixed words. */
static void
import_fact_nc(struct import *im, const char *p, size_t n,
    const struct import_line *l)
{
	const char	*end = p + n, *w;
	size_t		 i;

	(void)l;
	for (i = 0; p < end; i++) {
		for (w = p; p < end && *p != ' '; p++) {
			;
		}
		if (i == 0) {
			import_set(&im->host, w, p - w);
		} else if (*w == '(' && p - w > 2) {
			import_set(&im->addr, w + 1, p - w - 2);
		} else if (im->port == NULL && import_port_like(w, p - w)) {
			import_set(&im->port, w, p - w);
		}
		while (p < end && *p == ' ') {
			p++;
		}
	}
}

/* "$ telnet mx.example.org 25" or "nc -C mx.example.org 25" typed at a
 * prompt before the session: host and port. */
static int
import_command_line(struct import *im, const struct import_line *l)
{
	static const char *const cmds[] = { "telnet", "nc", "ncat",
	    "netcat" };
	const char	*p = l->p, *end = l->p + l->len, *w[8];
	size_t		 wl[8], nw = 0, i, k;

	while (p < end && nw < SS_NITEMS(w)) {
		while (p < end && *p == ' ') {
			p++;
		}
		for (w[nw] = p; p < end && *p != ' '; p++) {
			;
		}
		wl[nw] = p - w[nw];
		nw += wl[nw] > 0;
	}
	for (i = 0; i < nw && i < 2; i++) {
		for (k = 0; k < SS_NITEMS(cmds); k++) {
			if (wl[i] == strlen(cmds[k]) &&
			    memcmp(w[i], cmds[k], wl[i]) == 0) {
				break;
			}
		}
		if (k < SS_NITEMS(cmds)) {
			break;
		}
	}
	if (i == nw || i == 2) {
		return 0;
	}
	for (i++; i < nw && w[i][0] == '-'; i++) {
		;
	}
	if (i < nw) {
		import_set(&im->host, w[i], wl[i]);
	}
	if (i + 1 < nw && import_port_like(w[i + 1], wl[i + 1])) {
		import_set(&im->port, w[i + 1], wl[i + 1]);
	}
	return 1;
}

static const struct import_noise telnet_noise[] = {
	{ "Trying ", "...", import_fact_addr },
	{ "Connected to ", ".", import_fact_host },
	{ "Escape character is ", NULL, NULL },
	{ "Connection closed by foreign host", NULL, import_fact_closed },
	{ "Connection closed", NULL, import_fact_closed },
	{ "telnet> ", NULL, NULL },
	{ "^]", NULL, NULL },
	{ "Connection to ", " succeeded!", import_fact_nc },
	{ "Ncat: Connected to ", ".", import_fact_addr_port },
	{ "Ncat: ", NULL, NULL },
	{ "nc: ", NULL, NULL },
};

/* Lines with a reply code are the server's, the others the client's. */
static void
import_telnet_line(struct import *im, const struct import_line *l)
{
	if (im->ended) {
		return;
	}
	if (im->body) {
		import_client_line(im, l, import_flags(im, 0));
		return;
	}
	if (l->len == 0 || import_noise(im, telnet_noise,
	    SS_NITEMS(telnet_noise), l)) {
		return;
	}
	if (im->nserver == 0 && im->nclient == 0 &&
	    import_command_line(im, l)) {
		return;
	}
	if (import_server_wrapped(im, l)) {
		return;
	}
	if (import_reply_like(l)) {
		import_note_skipped(im);
		import_server_line(im, l, import_flags(im, 0));
	} else if (im->nserver == 0 && im->nclient == 0 &&
	    import_cmd_like(l) == 0) {
		/* Before the session: shell text (and maybe a secret being
		 * base64-encoded). */
		im->skipped++;
	} else {
		import_client_line(im, l, import_flags(im, 0));
	}
}

/* telnet's and nc's own words are strong marks; a reply code is a weak
 * one (a bare log of dialogue is read like a telnet paste). */
static int
import_telnet_detect(const struct import_line *l)
{
	if (import_starts(l, "Escape character is ") ||
	    import_starts(l, "Connection closed by foreign host") ||
	    import_starts(l, "Ncat: Connected to ") ||
	    (import_starts(l, "Connection to ") &&
	    import_find(l, " succeeded!") != NULL)) {
		return 4;
	}
	return import_reply_like(l) ? 1 : 0;
}

/* A paste that telnet or nc really made: they speak no TLS, so text after
 * STARTTLS's 220 was plaintext, and no handshake is inferred. */
static void
import_telnet_start(struct import *im, const char *text, size_t len)
{
	struct import_line	l = { NULL, 0, 0, 0 };
	size_t			off = 0;

	while (import_next(text, len, &off, &l)) {
		if (import_telnet_detect(&l) == 4 ||
		    import_starts(&l, "Trying ") ||
		    import_starts(&l, "Connected to ")) {
			im->plain_after_tls = 1;
			return;
		}
	}
}

const struct import_reader import_telnet_reader = {
	.format = SS_IMPORT_TELNET,
	.looks_for = "lines starting with a 3-digit reply code, and "
	    "telnet's or nc's \"Connected to\" lines",
	.marks_tls = 0,
	.detect = import_telnet_detect,
	.start = import_telnet_start,
	.line = import_telnet_line,
};
