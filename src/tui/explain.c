/*
 * explain.c: the explain pane.  It follows the selection: a wire line (its
 * full text, the reply code and enhanced code with their meaning and RFC,
 * the anomalies in words, what a TLS record says) or a capability (the
 * keyword's meaning, its parameters decoded, how it changed between
 * phases).  The facts come from the knowledge base (kb.h); this file only
 * chooses which ones to show.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/kb.h"
#include "smtpscope/reply.h"
#include "smtpscope/util.h"

#include "tui-int.h"

/* "TITLE (RFC n): summary detail" for a knowledge-base entry. */
static void
explain_entry(struct tui_flow *f, const char *token,
    const struct ss_kb_entry *e)
{
	if (e == NULL) {
		return;
	}
	tui_flow_newline(f);
	tui_flow_add(f, TUI_ROLE_HEADING, TUI_ROLE_ESCAPE, token,
	    strlen(token));
	tui_flow_printf(f, TUI_ROLE_HEADING, " %s", e->title);
	if (e->rfc != NULL) {
		tui_flow_printf(f, TUI_ROLE_DIM, " (%s%s%s)", e->rfc,
		    e->status != NULL && strcmp(e->status, "standard") != 0 ?
		    ", " : "", e->status != NULL &&
		    strcmp(e->status, "standard") != 0 ? e->status : "");
	}
	tui_flow_newline(f);
	tui_flow_adds(f, TUI_ROLE_NORMAL, e->summary);
	if (e->detail != NULL) {
		tui_flow_adds(f, TUI_ROLE_NORMAL, " ");
		tui_flow_adds(f, TUI_ROLE_NORMAL, e->detail);
	}
	if (e->safe != NULL) {
		tui_flow_newline(f);
		tui_flow_printf(f, TUI_ROLE_DIM, "Over plaintext: %s", e->safe);
	}
	tui_flow_newline(f);
}

/* The exchange a line belongs to, or NULL. */
static const struct ss_exchange *
explain_exchange(const struct tui *t, const struct ss_line *l)
{
	if (l->exchange < 0 ||
	    (size_t)l->exchange >= ss_dialog_exchange_count(t->dialog)) {
		return NULL;
	}
	return ss_dialog_exchange(t->dialog, (size_t)l->exchange);
}

/* Every anomaly of a server line, in words. */
static void
explain_anomalies(struct tui_flow *f, unsigned anomalies)
{
	int	a;

	for (a = 0; a < SS_ANOM_LAST; a++) {
		if (anomalies & SS_ANOM_BIT(a)) {
			tui_flow_newline(f);
			tui_flow_printf(f, TUI_ROLE_WARNING, "Anomaly %s: ",
			    ss_anomaly_names[a]);
			tui_flow_adds(f, TUI_ROLE_NORMAL, ss_anomaly_text[a]);
		}
	}
}

/* The first word of a line, upper-cased, into buf. */
static void
explain_word(const char *s, size_t len, size_t skip, char *buf, size_t sz)
{
	size_t	i, n = 0;

	for (i = skip; i < len && s[i] == ' '; i++) {
		;
	}
	for (; i < len && s[i] != ' ' && s[i] != '=' && n + 1 < sz; i++) {
		buf[n++] = s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i];
	}
	buf[n] = '\0';
}

/* A command line: its verb, AUTH's mechanism, the reply it got. */
static void
explain_client(struct tui *t, struct tui_flow *f, const struct ss_line *l)
{
	const struct ss_exchange	*ex = explain_exchange(t, l);
	char				 verb[32], mech[32];

	explain_word(l->bytes, l->len, 0, verb, sizeof verb);
	if (!(l->flags & SS_LINE_BODY)) {
		explain_entry(f, verb, ss_kb_lookup(verb));
	}
	if (strcmp(verb, "AUTH") == 0) {
		explain_word(l->bytes, l->len, 4, mech, sizeof mech);
		explain_entry(f, mech, ss_kb_mech(mech));
	}
	tui_flow_newline(f);
	if (ex == NULL) {
		return;
	}
	if (ex->reply == NULL) {
		tui_flow_adds(f, TUI_ROLE_DIM, "No reply yet.");
	} else {
		tui_flow_printf(f, TUI_ROLE_DIM, "Answered %d after %.1f ms%s.",
		    ex->reply->code, ex->reply_us >= ex->sent_us ?
		    (double)(ex->reply_us - ex->sent_us) / 1e3 : 0.0,
		    ex->tls ? ", inside TLS" : ", in plaintext");
	}
}

/* An EHLO reply line after the first: the keyword it advertises. */
static void
explain_ehlo_line(struct tui_flow *f, const struct ss_line *l)
{
	struct ss_buf	 b;
	char		 kw[64];
	const char	*params;

	if (l->len < 4) {
		return;
	}
	explain_word(l->bytes, l->len, 4, kw, sizeof kw);
	if (ss_kb_keyword(kw) == NULL) {
		tui_flow_newline(f);
		tui_flow_add(f, TUI_ROLE_HEADING, TUI_ROLE_ESCAPE, kw,
		    strlen(kw));
		tui_flow_adds(f, TUI_ROLE_DIM, ": not a keyword smtpscope "
		    "knows (a private extension, or a command advertised "
		    "out of habit).");
		tui_flow_newline(f);
	}
	explain_entry(f, kw, ss_kb_keyword(kw));
	params = memchr(l->bytes + 4, ' ', l->len - 4);
	ss_buf_init(&b);
	ss_kb_describe_params(kw, params != NULL ? params + 1 : "", &b);
	if (b.len > 0) {
		tui_flow_adds(f, TUI_ROLE_NORMAL, "Parameters: ");
		tui_flow_add(f, TUI_ROLE_NORMAL, TUI_ROLE_ESCAPE, b.data, b.len);
		tui_flow_newline(f);
	}
	ss_buf_finish(&b);
}

/* A server line: reply code, enhanced code, keyword, anomalies. */
static void
explain_server(struct tui *t, struct tui_flow *f, const struct ss_line *l)
{
	const struct ss_exchange	*ex = explain_exchange(t, l);
	const struct ss_enhanced	*en;
	char				 token[16];
	int				 code = -1;

	if (ex != NULL && ex->reply != NULL) {
		code = ex->reply->code;
	} else if (l->len >= 3) {
		code = (l->bytes[0] - '0') * 100 + (l->bytes[1] - '0') * 10 +
		    (l->bytes[2] - '0');
	}
	if (code >= 200 && code <= 599) {
		snprintf(token, sizeof token, "%d", code);
		explain_entry(f, token, ss_kb_reply(code));
	}
	if (ex != NULL && ex->reply != NULL && ex->reply->enhanced.present) {
		en = &ex->reply->enhanced;
		snprintf(token, sizeof token, "%d.%d.%d", en->class_,
		    en->subject, en->detail);
		explain_entry(f, token, ss_kb_enhanced(en->class_,
		    en->subject, en->detail));
	}
	if (ex != NULL && ex->verb == SS_VERB_EHLO && ex->reply != NULL &&
	    ex->first_line >= 0 && l != ss_dialog_line(t->dialog,
	    (size_t)ex->first_line)) {
		explain_ehlo_line(f, l);
	}
	explain_anomalies(f, l->anomalies);
}

/* What the flags of a line mean. */
static void
explain_flags(struct tui_flow *f, const struct ss_line *l)
{
	if (l->flags & SS_LINE_DISCARDED) {
		tui_flow_newline(f);
		tui_flow_adds(f, TUI_ROLE_WARNING, "Discarded: ");
		tui_flow_adds(f, TUI_ROLE_NORMAL, "these bytes arrived in "
		    "plaintext after the server's 220 reply to STARTTLS, "
		    "before the TLS handshake. Anyone on the path can inject "
		    "replies this way (the STARTTLS injection flaw, "
		    "CVE-2011-0411 and relatives), so smtpscope never uses "
		    "them.");
		tui_flow_newline(f);
	}
	if (l->flags & SS_LINE_REDACTED) {
		tui_flow_newline(f);
		tui_flow_adds(f, TUI_ROLE_REDACTED, "Redacted: ");
		tui_flow_adds(f, TUI_ROLE_NORMAL, "a secret (a password or a "
		    "SASL response carrying one) was replaced when it was "
		    "captured; it is never stored or shown.");
		tui_flow_newline(f);
	}
}

/* A TLS record: the handshake's summary. */
static void
explain_tls(struct tui *t, struct tui_flow *f)
{
	const struct ss_tls_summary	*s = ss_dialog_tls(t->dialog);

	if (s == NULL || !s->started) {
		return;
	}
	tui_flow_newline(f);
	tui_flow_printf(f, TUI_ROLE_HEADING, "TLS %s", s->established ?
	    "established" : "not established");
	tui_flow_newline(f);
	if (s->version != NULL) {
		tui_flow_printf(f, TUI_ROLE_NORMAL, "%s, %s", s->version,
		    s->cipher != NULL ? s->cipher : "?");
		tui_flow_newline(f);
	}
	tui_flow_printf(f, TUI_ROLE_NORMAL, "Server name sent (SNI): %s",
	    s->sni != NULL ? s->sni : "none (an IP address was used)");
	tui_flow_newline(f);
	if (s->verify_known && s->verify_flags == 0) {
		tui_flow_adds(f, TUI_ROLE_OK, "The certificate was verified.");
	} else if (s->verify_known) {
		tui_flow_adds(f, TUI_ROLE_ERROR, "The certificate was NOT "
		    "verified: ");
		if (s->verify_text != NULL) {
			tui_flow_lines(f, TUI_ROLE_NORMAL, s->verify_text);
		}
	}
	if (s->failure != NULL) {
		tui_flow_newline(f);
		tui_flow_adds(f, TUI_ROLE_ERROR, "Failure: ");
		tui_flow_add(f, TUI_ROLE_NORMAL, TUI_ROLE_ESCAPE, s->failure,
		    strlen(s->failure));
	}
	tui_flow_newline(f);
	tui_flow_adds(f, TUI_ROLE_DIM, "Press t for the certificate chain.");
	tui_flow_newline(f);
}

/* Explain the selected wire line. */
static void
explain_line(struct tui *t, struct tui_flow *f, const struct ss_line *l)
{
	struct ss_buf	b;

	ss_buf_init(&b);
	tui_wire_line_text(t, l, &b);
	tui_flow_printf(f, TUI_ROLE_DIM, "%s ", ss_dir_letters[l->dir]);
	tui_flow_add(f, TUI_ROLE_NORMAL, TUI_ROLE_NORMAL, b.data, b.len);
	tui_flow_newline(f);
	ss_buf_finish(&b);
	explain_flags(f, l);
	switch (l->dir) {
	case SS_DIR_CLIENT:
		explain_client(t, f, l);
		break;
	case SS_DIR_SERVER:
		explain_server(t, f, l);
		break;
	case SS_DIR_TLS:
		explain_tls(t, f);
		break;
	default:
		break;
	}
}

/* How a keyword fares in each phase, in words. */
static void
explain_phases(struct tui *t, struct tui_flow *f,
    const struct tui_cap_row *row)
{
	enum tui_role	 role;
	const char	*word;
	int		 p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		word = tui_caps_cell(t, row, p, &role);
		if (*word == '\0') {
			continue;
		}
		tui_flow_printf(f, TUI_ROLE_DIM, "%s: ", ss_phase_titles[p]);
		tui_flow_adds(f, role, strcmp(word, "--") == 0 ?
		    "not offered" : word);
		tui_flow_adds(f, TUI_ROLE_NORMAL, "   ");
	}
	tui_flow_newline(f);
}

/* Explain the selected capability. */
static void
explain_cap(struct tui *t, struct tui_flow *f, const struct tui_cap_row *row)
{
	const struct ss_cap	*c = NULL;
	struct ss_buf		 b;
	size_t			 i;
	int			 p;

	for (p = SS_PHASE_LAST - 1; p >= 0 && c == NULL; p--) {
		c = row->in[p];
	}
	tui_flow_add(f, TUI_ROLE_HEADING, TUI_ROLE_ESCAPE, row->keyword,
	    strlen(row->keyword));
	if (c != NULL && c->params[0] != '\0') {
		tui_flow_adds(f, TUI_ROLE_NORMAL, " ");
		tui_flow_add(f, TUI_ROLE_NORMAL, TUI_ROLE_ESCAPE, c->params,
		    strlen(c->params));
	}
	tui_flow_newline(f);
	explain_phases(t, f, row);
	explain_entry(f, row->keyword, ss_kb_keyword(row->keyword));
	ss_buf_init(&b);
	if (c != NULL) {
		ss_kb_describe_params(row->keyword, c->params, &b);
	}
	if (b.len > 0) {
		tui_flow_adds(f, TUI_ROLE_NORMAL, "Parameters: ");
		tui_flow_add(f, TUI_ROLE_NORMAL, TUI_ROLE_ESCAPE, b.data, b.len);
		tui_flow_newline(f);
	}
	ss_buf_finish(&b);
	if (c != NULL && (c->flags & SS_CAP_LEGACY_AUTH)) {
		tui_flow_adds(f, TUI_ROLE_WARNING, "Also advertised in the "
		    "old \"AUTH=\" form some early clients needed.");
		tui_flow_newline(f);
	}
	for (i = 0; c != NULL && ss_strcasecmp(row->keyword, "AUTH") == 0 &&
	    i < c->nwords; i++) {
		explain_entry(f, c->words[i], ss_kb_mech(c->words[i]));
	}
}

/* Fill a flow with the explanation of the current selection. */
void
tui_explain_flow(struct tui *t, struct tui_flow *f)
{
	const struct ss_line		*l;
	const struct tui_cap_row	*row;

	if (t->explain_from == TUI_PANE_CAPS &&
	    (row = tui_caps_selected(t)) != NULL) {
		explain_cap(t, f, row);
		return;
	}
	if (t->dialog != NULL && (l = tui_wire_selected(t)) != NULL) {
		explain_line(t, f, l);
		return;
	}
	tui_flow_adds(f, TUI_ROLE_DIM, "Select a line in the wire pane or a "
	    "capability (Tab moves between panes) to see what it means.");
}

/* The explain view's draw: a scrolled flow. */
static void
explain_draw(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r)
{
	struct tui_flow	f;
	struct tui_rect	c;
	char		right[32];

	right[0] = '\0';
	if (t->explain_lines > r->h - 1 && r->h > 1) {
		snprintf(right, sizeof right, "%d/%d", t->explain_top + 1,
		    t->explain_lines);
	}
	c = tui_pane_frame(t, cv, r, "explain", t->focus == TUI_PANE_EXPLAIN,
	    right);
	c.x += 1;
	c.w -= 2;
	tui_flow_init(&f, cv, &c, t->explain_top);
	tui_explain_flow(t, &f);
	t->explain_lines = tui_flow_finish(&f);
}

/* Scrolling keys while the explain pane has the focus. */
static int
explain_key(struct tui *t, enum tui_action a)
{
	int	page = t->layout.explain.h > 2 ? t->layout.explain.h - 2 : 1;

	return tui_scroll_action(&t->explain_top, t->explain_lines, page, a);
}

/* Nothing to resize: the flow wraps at draw time. */
static void
explain_resize(struct tui *t, const struct tui_rect *r)
{
	(void)r;
	t->explain_top = 0;
}

const struct tui_view tui_view_explain = {
	"explain", explain_draw, explain_key, explain_resize
};
