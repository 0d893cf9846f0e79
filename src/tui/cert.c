/*
 * cert.c: the certificate view, on request (t).  The TLS summary, the
 * verification verdict in words, and each certificate of the peer's chain
 * decoded from the transcript's records (the transcript keeps them as
 * base64 DER, so a replay shows the same chain).
 */

#include <string.h>

#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "tui-int.h"

/* "label: value" where the value came from the certificate (untrusted). */
static void
cert_field(struct tui_flow *f, const char *label, const char *value)
{
	tui_flow_printf(f, TUI_ROLE_DIM, "  %-12s ", label);
	f->indent = 15;
	tui_flow_add(f, TUI_ROLE_NORMAL, TUI_ROLE_ESCAPE, value, strlen(value));
	f->indent = 0;
	tui_flow_newline(f);
}

/* One certificate, decoded from its record. */
static void
cert_one(struct tui *t, struct tui_flow *f, size_t i, size_t event)
{
	const struct ss_event	*ev = NULL;
	struct ss_cert_info	 ci;
	struct ss_buf		 der;

	tui_flow_newline(f);
	tui_flow_printf(f, TUI_ROLE_HEADING, "Certificate %zu%s", i + 1,
	    i == 0 ? " (the server's own)" : "");
	tui_flow_newline(f);
	if (t->transcript != NULL) {
		ev = ss_transcript_get(t->transcript, event);
	}
	ss_buf_init(&der);
	if (ev == NULL || ev->kind != SS_KIND_TLS_CERT ||
	    ss_base64_decode(&der, ev->data, ev->len) != 0 ||
	    ss_tls_cert_describe((unsigned char *)der.data, der.len,
	    &ci) != 0) {
		tui_flow_adds(f, TUI_ROLE_ERROR, "  cannot decode this "
		    "certificate");
		tui_flow_newline(f);
		ss_buf_finish(&der);
		return;
	}
	ss_buf_finish(&der);
	cert_field(f, "subject", ci.subject);
	cert_field(f, "issuer", ci.issuer);
	cert_field(f, "names", ci.sans);
	cert_field(f, "valid from", ci.not_before);
	cert_field(f, "valid until", ci.not_after);
	cert_field(f, "key", ci.key);
	cert_field(f, "signature", ci.sig_alg);
	cert_field(f, "serial", ci.serial);
	cert_field(f, "SHA-256", ci.sha256);
	if (ci.self_signed) {
		tui_flow_adds(f, TUI_ROLE_WARNING, "  self-signed");
		tui_flow_newline(f);
	}
}

/* The verdict in words, and how to go on when it failed. */
static void
cert_verdict(struct tui *t, struct tui_flow *f,
    const struct ss_tls_summary *s)
{
	if (!s->verify_known) {
		tui_flow_adds(f, TUI_ROLE_DIM, "Not verified yet.");
	} else if (s->verify_flags == 0) {
		tui_flow_adds(f, TUI_ROLE_OK, "The chain was verified and "
		    "the name matches.");
	} else {
		tui_flow_adds(f, TUI_ROLE_ERROR, "NOT verified: ");
		if (s->verify_text != NULL) {
			tui_flow_lines(f, TUI_ROLE_NORMAL, s->verify_text);
		}
		tui_flow_newline(f);
		tui_flow_adds(f, TUI_ROLE_DIM, s->verify_ignored ?
		    "You chose to go on anyway." : t->result ==
		    SS_RESULT_VERIFY ? "Press A to accept it knowingly and "
		    "go on, or c to reconnect." : "");
	}
	tui_flow_newline(f);
}

/* Write the TLS summary and the chain into a flow. */
static void
cert_flow(struct tui *t, struct tui_flow *f)
{
	const struct ss_tls_summary	*s = NULL;
	size_t				 i;

	if (t->dialog != NULL) {
		s = ss_dialog_tls(t->dialog);
	}
	if (s == NULL || !s->started) {
		tui_flow_adds(f, TUI_ROLE_DIM, "No TLS handshake yet: press s "
		    "for STARTTLS (after EHLO).");
		return;
	}
	tui_flow_printf(f, TUI_ROLE_HEADING, "%s %s", s->version != NULL ?
	    s->version : "TLS", s->established ? "established" :
	    "not established");
	tui_flow_newline(f);
	if (s->cipher != NULL) {
		cert_field(f, "cipher", s->cipher);
	}
	cert_field(f, "SNI sent", s->sni != NULL ? s->sni : "none");
	if (s->failure != NULL) {
		cert_field(f, "failure", s->failure);
	}
	cert_verdict(t, f, s);
	for (i = 0; i < s->ncerts && i < SS_NITEMS(s->cert_events); i++) {
		cert_one(t, f, i, s->cert_events[i]);
	}
}

/* The certificate view's draw. */
static void
cert_draw(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r)
{
	struct tui_flow	f;
	struct tui_rect	c;

	tui_canvas_fill(cv, r, TUI_ROLE_NORMAL);
	c = tui_pane_frame(t, cv, r, "TLS and certificates", 1, "Esc closes");
	c.x += 1;
	c.w -= 2;
	tui_flow_init(&f, cv, &c, t->overlay_top);
	cert_flow(t, &f);
	t->overlay_lines = tui_flow_finish(&f);
}

/* Scrolling. */
static int
cert_key(struct tui *t, enum tui_action a)
{
	return tui_scroll_action(&t->overlay_top, t->overlay_lines,
	    t->layout.body.h - 1, a);
}

/* Back to the top on resize. */
static void
cert_resize(struct tui *t, const struct tui_rect *r)
{
	(void)r;
	t->overlay_top = 0;
}

const struct tui_view tui_view_cert = {
	"cert", cert_draw, cert_key, cert_resize
};
