/*
 * report.c: a session rendered for people (text) and for programs (JSON).
 *
 * Both renderings are functions of the transcript and the dialog built from
 * it.  Anything that came from the server (reply text, capability
 * parameters, certificate fields) passes through ss_text_escape before it
 * is written, so the output never carries a raw control byte.  The JSON is
 * built with jansson; nothing here escapes JSON by hand.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smtpscope/caps.h"
#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/kb.h"
#include "smtpscope/report.h"
#include "smtpscope/sasl.h"
#include "smtpscope/text.h"
#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#ifndef SMTPSCOPE_VERSION
#define SMTPSCOPE_VERSION "unknown"
#endif

/* Capability table cells never get wider than this (in cells). */
#define SS_REPORT_CAP_WIDTH	48

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */

/* Append a NUL-terminated untrusted string, escaped. */
static void
ss_report_esc(struct ss_buf *out, const char *s)
{
	if (s != NULL)
		ss_text_escape(out, s, strlen(s));
}

/* Append text padded with spaces to width cells. */
static void
ss_report_pad(struct ss_buf *out, const char *s, size_t width)
{
	size_t	 w = ss_text_width(s, strlen(s));

	ss_buf_adds(out, s);
	while (w++ < width)
		ss_buf_addc(out, ' ');
}

/*
 * A message of ours that may quote the server.  The session escapes what
 * it quotes already, so printable ASCII goes out as it is (no doubled
 * backslashes); anything else is escaped here.
 */
static void
ss_report_message(struct ss_buf *out, const char *s)
{
	const unsigned char	*p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e) {
			ss_report_esc(out, s);
			return;
		}
	}
	ss_buf_adds(out, s);
}

/* The SNI sent, or NULL; the session writes "none" when it sent none. */
static const char *
ss_report_sni(const struct ss_tls_summary *tls)
{
	if (tls->sni == NULL || strcmp(tls->sni, "none") == 0)
		return NULL;
	return tls->sni;
}

/* Decode the base64 DER of a certificate event; 0 or -1. */
static int
ss_report_cert(const struct ss_transcript *t, size_t ev,
    struct ss_cert_info *info)
{
	const struct ss_event	*e;
	struct ss_buf		 der;
	int			 rc = -1;

	if (ev >= ss_transcript_count(t))
		return -1;
	e = ss_transcript_get(t, ev);
	ss_buf_init(&der);
	if (ss_base64_decode(&der, e->data, e->len) == 0 &&
	    ss_tls_cert_describe((const unsigned char *)der.data, der.len,
	    info) == 0)
		rc = 0;
	ss_buf_finish(&der);
	return rc;
}

/* Was a certificate chain verified without a single complaint? */
static int
ss_report_verified(const struct ss_tls_summary *tls)
{
	return tls->verify_known && tls->verify_flags == 0;
}

/* ------------------------------------------------------------------ */
/* Text: the transcript                                                */

/* Latency of the reply whose first line is line index i, or -1. */
static int64_t
ss_report_latency(const struct ss_dialog *d, size_t i)
{
	const struct ss_line		*l = ss_dialog_line(d, i);
	const struct ss_exchange	*x;

	if (l->exchange < 0 || l->dir != SS_DIR_SERVER)
		return -1;
	x = ss_dialog_exchange(d, (size_t)l->exchange);
	if (x == NULL || x->first_line != (long)i || x->reply == NULL ||
	    x->greeting || x->unsolicited)
		return -1;
	return (int64_t)(x->reply_us - x->sent_us);
}

/* The anomalies of a server line, by their stable codes. */
static void
ss_report_line_anomalies(struct ss_buf *out, unsigned anomalies)
{
	const char	*sep = "  [";
	size_t		 a;

	for (a = 0; a < SS_ANOM_LAST; a++) {
		if ((anomalies & SS_ANOM_BIT(a)) == 0)
			continue;
		ss_buf_printf(out, "%s%s", sep, ss_anomaly_names[a]);
		sep = ", ";
	}
	if (anomalies != 0)
		ss_buf_addc(out, ']');
}

/* The text of a line, escaped, with what is odd about it in words. */
static void
ss_report_line_text(struct ss_buf *out, const struct ss_line *l)
{
	if (l->flags & SS_LINE_DISCARDED)
		ss_buf_adds(out, "[discarded] ");
	ss_text_escape(out, l->bytes, l->len);
	if (l->flags & SS_LINE_NO_EOL)
		ss_buf_adds(out, "  [no line end]");
	ss_report_line_anomalies(out, l->anomalies);
}

/* One display line: time, direction, TLS marker, latency, text. */
static void
ss_report_line(struct ss_buf *out, const struct ss_dialog *d, size_t i,
    unsigned flags)
{
	const struct ss_line	*l = ss_dialog_line(d, i);
	int64_t			 lat;

	if (flags & SS_REPORT_TIMINGS)
		ss_buf_printf(out, "%10.6f ", (double)l->t_us / 1e6);
	ss_buf_printf(out, "%s %s ", ss_dir_letters[l->dir],
	    (l->flags & SS_LINE_TLS) ? "TLS" : "   ");
	if (flags & SS_REPORT_TIMINGS) {
		lat = ss_report_latency(d, i);
		if (lat >= 0)
			ss_buf_printf(out, "%8.1f ms  ", (double)lat / 1e3);
		else
			ss_buf_adds(out, "             ");
	}
	ss_report_line_text(out, l);
	ss_buf_addc(out, '\n');
}

/* The whole transcript, one line per display line of the dialog. */
static void
ss_report_transcript(struct ss_buf *out, const struct ss_dialog *d,
    unsigned flags)
{
	size_t	 i, n = ss_dialog_line_count(d);

	ss_buf_adds(out, "Transcript");
	if (flags & SS_REPORT_TIMINGS)
		ss_buf_adds(out, " (seconds since start; C client, S server, "
		    "T TLS, I smtpscope; TLS = inside TLS; ms = reply "
		    "latency)");
	else
		ss_buf_adds(out, " (C client, S server, T TLS, I smtpscope; "
		    "TLS = inside TLS)");
	ss_buf_addc(out, '\n');
	for (i = 0; i < n; i++)
		ss_report_line(out, d, i, flags);
	if (n == 0)
		ss_buf_adds(out, "  (nothing happened)\n");
}

/* ------------------------------------------------------------------ */
/* Text: the capability table                                          */

struct ss_report_caps {
	const struct ss_caps	*phase[SS_PHASE_LAST];
	const char		**keywords;	/* borrowed from the sets */
	size_t			  nkeywords;
};

/* Has the keyword a row already? */
static int
ss_report_caps_has_row(const struct ss_report_caps *rc, const char *kw)
{
	size_t	 i;

	for (i = 0; i < rc->nkeywords; i++) {
		if (ss_strcasecmp(rc->keywords[i], kw) == 0)
			return 1;
	}
	return 0;
}

/* Rows: every keyword of every phase, in order of first appearance. */
static void
ss_report_caps_collect(struct ss_report_caps *rc, const struct ss_dialog *d)
{
	const struct ss_caps	*c;
	size_t			 i;
	int			 p;

	memset(rc, 0, sizeof *rc);
	for (p = 0; p < SS_PHASE_LAST; p++) {
		c = rc->phase[p] = ss_dialog_caps(d, p);
		for (i = 0; c != NULL && i < c->ncaps; i++) {
			if (ss_report_caps_has_row(rc, c->caps[i].keyword))
				continue;
			rc->keywords = xreallocarray(rc->keywords,
			    rc->nkeywords + 1, sizeof *rc->keywords);
			rc->keywords[rc->nkeywords++] = c->caps[i].keyword;
		}
	}
}

/* The nearest earlier phase that was reached, or -1. */
static int
ss_report_caps_prev(const struct ss_report_caps *rc, int p)
{
	while (--p >= 0) {
		if (rc->phase[p] != NULL)
			return p;
	}
	return -1;
}

/* How kw changed between two sets; SS_CAP_CHANGE_LAST if in neither. */
static enum ss_cap_change
ss_report_caps_change(const struct ss_caps *before,
    const struct ss_caps *after, const char *kw)
{
	struct ss_cap_diff	*diff;
	enum ss_cap_change	 ch = SS_CAP_CHANGE_LAST;
	size_t			 i, n;

	diff = ss_caps_diff(before, after, &n);
	for (i = 0; i < n; i++) {
		if (ss_strcasecmp(diff[i].keyword, kw) == 0) {
			ch = diff[i].change;
			break;
		}
	}
	free(diff);
	return ch;
}

/* The words of one cell: yes, --, n/a or what changed in this phase. */
static void
ss_report_caps_cell(const struct ss_report_caps *rc, int p, const char *kw,
    char *cell, size_t len)
{
	int	 q = ss_report_caps_prev(rc, p);
	int	 here;

	if (rc->phase[p] == NULL) {
		ss_strlcpy(cell, "n/a", len);
		return;
	}
	here = ss_caps_find(rc->phase[p], kw) != NULL;
	if (q < 0) {
		ss_strlcpy(cell, here ? "yes" : "--", len);
		return;
	}
	switch (ss_report_caps_change(rc->phase[q], rc->phase[p], kw)) {
	case SS_CAP_ADDED:
		snprintf(cell, len, "added %s", ss_phase_titles[p]);
		break;
	case SS_CAP_REMOVED:
		snprintf(cell, len, "removed %s", ss_phase_titles[p]);
		break;
	case SS_CAP_CHANGED:
		snprintf(cell, len, "changed %s", ss_phase_titles[p]);
		break;
	default:
		ss_strlcpy(cell, here ? "yes" : "--", len);
		break;
	}
}

/* The first column: keyword and parameters as first seen, escaped. */
static char *
ss_report_caps_label(const struct ss_report_caps *rc, const char *kw)
{
	const struct ss_cap	*cap = NULL;
	char			*label;
	struct ss_buf		 b;
	int			 p;

	for (p = 0; p < SS_PHASE_LAST && cap == NULL; p++) {
		if (rc->phase[p] != NULL)
			cap = ss_caps_find(rc->phase[p], kw);
	}
	ss_buf_init(&b);
	ss_report_esc(&b, kw);
	if (cap != NULL && cap->params[0] != '\0') {
		ss_buf_addc(&b, ' ');
		ss_report_esc(&b, cap->params);
	}
	label = ss_buf_steal(&b);
	ss_buf_finish(&b);	/* steal leaves a fresh, allocated buffer */
	return label;
}

/* Width of the label column: the widest label, bounded. */
static size_t
ss_report_caps_width(char **labels, size_t n)
{
	size_t	 i, w, max = strlen("keyword");

	for (i = 0; i < n; i++) {
		w = ss_text_width(labels[i], strlen(labels[i]));
		if (w > max)
			max = w;
	}
	return max > SS_REPORT_CAP_WIDTH ? SS_REPORT_CAP_WIDTH : max;
}

/* One table row; a label wider than the column gets a line to itself. */
static void
ss_report_caps_row(struct ss_buf *out, const struct ss_report_caps *rc,
    const char *kw, const char *label, size_t width)
{
	char	 cell[64];
	int	 p;

	ss_buf_adds(out, "  ");
	if (ss_text_width(label, strlen(label)) > width) {
		ss_buf_printf(out, "%s\n  ", label);
		ss_report_pad(out, "", width);
	} else
		ss_report_pad(out, label, width);
	for (p = 0; p < SS_PHASE_LAST; p++) {
		ss_report_caps_cell(rc, p, kw, cell, sizeof cell);
		ss_buf_adds(out, "  ");
		ss_report_pad(out, cell, 19);
	}
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	ss_buf_addc(out, '\n');
}

/* Parameters that changed between phases, spelled out under the table. */
static void
ss_report_caps_changes(struct ss_buf *out, const struct ss_report_caps *rc,
    const char *kw)
{
	const struct ss_cap	*now, *then;
	int			 p, q;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		if (rc->phase[p] == NULL || (q = ss_report_caps_prev(rc, p)) < 0)
			continue;
		now = ss_caps_find(rc->phase[p], kw);
		then = ss_caps_find(rc->phase[q], kw);
		if (now == NULL || then == NULL ||
		    ss_report_caps_change(rc->phase[q], rc->phase[p], kw) !=
		    SS_CAP_CHANGED)
			continue;
		ss_buf_adds(out, "  ");
		ss_report_esc(out, kw);
		ss_buf_printf(out, " %s: \"", ss_phase_titles[q]);
		ss_report_esc(out, then->params);
		ss_buf_printf(out, "\", %s: \"", ss_phase_titles[p]);
		ss_report_esc(out, now->params);
		ss_buf_adds(out, "\"\n");
	}
}

/* What the parameters mean, when the knowledge base can say it. */
static void
ss_report_caps_meaning(struct ss_buf *out, const struct ss_report_caps *rc,
    const char *kw, const char *label)
{
	const struct ss_cap	*cap = NULL;
	struct ss_buf		 words;
	int			 p;

	for (p = 0; p < SS_PHASE_LAST && cap == NULL; p++) {
		if (rc->phase[p] != NULL)
			cap = ss_caps_find(rc->phase[p], kw);
	}
	if (cap == NULL)
		return;
	ss_buf_init(&words);
	ss_kb_describe_params(cap->keyword, cap->params, &words);
	if (words.len > 0) {
		ss_buf_printf(out, "  %s: ", label);
		ss_text_escape(out, words.data, words.len);
		ss_buf_addc(out, '\n');
	}
	ss_buf_finish(&words);
}

/* A legacy "AUTH=" line or an empty "250-" line of any phase, in words:
 * the rows fold AUTH= into AUTH, so it would not show otherwise. */
static void
ss_report_caps_oddities(struct ss_buf *out, const struct ss_report_caps *rc)
{
	const struct ss_caps	*c;
	size_t			 i;
	int			 p;

	for (p = 0; p < SS_PHASE_LAST; p++) {
		if ((c = rc->phase[p]) == NULL)
			continue;
		for (i = 0; i < c->ncaps; i++) {
			if (!(c->caps[i].flags & SS_CAP_LEGACY_AUTH))
				continue;
			ss_buf_printf(out, "  %s: also the legacy form AUTH=",
			    ss_phase_titles[p]);
			ss_text_escape(out, c->caps[i].params,
			    strlen(c->caps[i].params));
			ss_buf_adds(out, " (for clients older than RFC 2554)\n");
		}
		if (c->nempty > 0)
			ss_buf_printf(out, "  %s: %zu empty line%s in the EHLO "
			    "reply (a \"250-\" with no keyword: malformed)\n",
			    ss_phase_titles[p], c->nempty, c->nempty == 1 ?
			    "" : "s");
	}
}

/* The capability table: one column per phase, changes in words. */
static void
ss_report_caps_table(struct ss_buf *out, const struct ss_dialog *d)
{
	struct ss_report_caps	 rc;
	char			**labels;
	size_t			 i, width;
	int			 p;

	ss_report_caps_collect(&rc, d);
	ss_buf_adds(out, "\nCapabilities (from the EHLO replies)\n");
	if (rc.nkeywords == 0) {
		ss_buf_adds(out, "  (no successful EHLO)\n");
		free(rc.keywords);
		return;
	}
	labels = xcalloc(rc.nkeywords, sizeof *labels);
	for (i = 0; i < rc.nkeywords; i++)
		labels[i] = ss_report_caps_label(&rc, rc.keywords[i]);
	width = ss_report_caps_width(labels, rc.nkeywords);
	ss_buf_adds(out, "  ");
	ss_report_pad(out, "keyword", width);
	for (p = 0; p < SS_PHASE_LAST; p++) {
		ss_buf_adds(out, "  ");
		ss_report_pad(out, ss_phase_titles[p], 19);
	}
	while (out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	ss_buf_addc(out, '\n');
	for (i = 0; i < rc.nkeywords; i++)
		ss_report_caps_row(out, &rc, rc.keywords[i], labels[i], width);
	for (i = 0; i < rc.nkeywords; i++) {
		ss_report_caps_changes(out, &rc, rc.keywords[i]);
		ss_report_caps_meaning(out, &rc, rc.keywords[i], labels[i]);
		free(labels[i]);
	}
	ss_report_caps_oddities(out, &rc);
	free(labels);
	free(rc.keywords);
}

/* ------------------------------------------------------------------ */
/* Text: TLS, AUTH, anomalies, result                                  */

/* Verification in words, one reason per indented line. */
static void
ss_report_text_verify(struct ss_buf *out, const struct ss_tls_summary *tls)
{
	struct ss_buf	 words;
	const char	*p, *nl;

	if (!tls->verify_known) {
		ss_buf_adds(out, "  verified     unknown (no result recorded)\n");
		return;
	}
	if (tls->verify_flags == 0) {
		ss_buf_adds(out, "  verified     yes\n");
		return;
	}
	ss_buf_printf(out, "  verified     NO%s\n", tls->verify_ignored ?
	    " (the user chose to go on anyway)" : "");
	ss_buf_init(&words);
	ss_tls_verify_words(tls->verify_flags, &words);
	for (p = words.data; *p != '\0'; p = nl + (*nl != '\0')) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl > p) {
			ss_buf_adds(out, "    - ");
			ss_text_escape(out, p, (size_t)(nl - p));
			ss_buf_addc(out, '\n');
		}
	}
	ss_buf_finish(&words);
}

/* One peer certificate, every field escaped (the server wrote them). */
static void
ss_report_text_cert(struct ss_buf *out, size_t i,
    const struct ss_cert_info *c)
{
	static const char *const labels[] = {
		"subject", "issuer", "names", "not before", "not after",
		"key", "signature", "SHA-256"
	};
	const char	*values[SS_NITEMS(labels)];
	size_t		 k;

	values[0] = c->subject;
	values[1] = c->issuer;
	values[2] = c->sans;
	values[3] = c->not_before;
	values[4] = c->not_after;
	values[5] = c->key;
	values[6] = c->sig_alg;
	values[7] = c->sha256;
	ss_buf_printf(out, "  certificate %zu%s%s\n", i + 1,
	    i == 0 ? " (the server's own)" : "",
	    c->self_signed ? " (self-signed)" : "");
	for (k = 0; k < SS_NITEMS(labels); k++) {
		ss_buf_printf(out, "    %-11s ", labels[k]);
		if (values[k][0] == '\0')
			ss_buf_adds(out, "(none)");
		ss_report_esc(out, values[k]);
		ss_buf_addc(out, '\n');
	}
}

/* The TLS summary: version, cipher, SNI, verification, peer chain. */
static void
ss_report_text_tls(struct ss_buf *out, const struct ss_transcript *t,
    const struct ss_tls_summary *tls)
{
	struct ss_cert_info	 info;
	size_t			 i;

	ss_buf_adds(out, "\nTLS\n");
	if (tls == NULL || !tls->started) {
		ss_buf_adds(out, "  not used: everything above travelled in "
		    "plaintext\n");
		return;
	}
	ss_buf_printf(out, "  started      %s\n", tls->implicit ?
	    "from the first byte (implicit TLS)" : "by STARTTLS");
	if (tls->failure != NULL) {
		ss_buf_adds(out, "  failed       ");
		ss_report_esc(out, tls->failure);
		ss_buf_addc(out, '\n');
	}
	if (tls->established) {
		ss_buf_adds(out, "  version      ");
		ss_report_esc(out, tls->version);
		ss_buf_adds(out, "\n  cipher       ");
		ss_report_esc(out, tls->cipher);
		ss_buf_addc(out, '\n');
		if (tls->group != NULL) {
			ss_buf_adds(out, "  group        ");
			ss_report_esc(out, tls->group);
			ss_buf_addc(out, '\n');
		}
	}
	if (tls->tickets > 0)
		ss_buf_printf(out, "  tickets      %u session ticket%s after "
		    "the handshake\n", tls->tickets, tls->tickets == 1 ? "" :
		    "s");
	if (tls->client_cert != NULL) {
		ss_buf_adds(out, "  client cert  ");
		ss_report_esc(out, tls->client_cert);
		ss_buf_addc(out, '\n');
	}
	ss_buf_adds(out, "  SNI          ");
	if (ss_report_sni(tls) != NULL)
		ss_report_esc(out, ss_report_sni(tls));
	else
		ss_buf_adds(out, "(none sent)");
	ss_buf_addc(out, '\n');
	ss_report_text_verify(out, tls);
	for (i = 0; i < tls->ncerts && i < SS_NITEMS(tls->cert_events); i++) {
		if (ss_report_cert(t, tls->cert_events[i], &info) == 0)
			ss_report_text_cert(out, i, &info);
		else
			ss_buf_printf(out, "  certificate %zu could not be "
			    "decoded\n", i + 1);
	}
}

/* AUTH's messages explained, and smtpscope's verdict on the server. */
static void
ss_report_text_sasl(struct ss_buf *out, const struct ss_dialog *d,
    const struct ss_transcript *t)
{
	struct ss_sasl_summary	 sum;
	size_t			 i;

	ss_sasl_summary_init(&sum, d, t);
	for (i = 0; i < sum.nnotes; i++)
		ss_buf_printf(out, "  %s\n", sum.notes[i]);
	if (sum.verdict[0] != '\0') {
		ss_buf_adds(out, "  smtpscope: ");
		ss_report_esc(out, sum.verdict);
		ss_buf_adds(out, "\n");
	}
	ss_sasl_summary_finish(&sum);
}

/* AUTH: the mechanism tried and how the server answered. */
static void
ss_report_text_auth(struct ss_buf *out, const struct ss_dialog *d,
    const struct ss_transcript *t)
{
	const char	*mech = ss_dialog_auth_mech(d);
	int		 code = ss_dialog_auth_code(d);

	ss_buf_adds(out, "\nAUTH\n");
	if (mech == NULL || *mech == '\0') {
		ss_buf_adds(out, "  not attempted\n");
		return;
	}
	ss_buf_adds(out, "  ");
	ss_report_esc(out, mech);
	if (code == 235)
		ss_buf_adds(out, ": accepted (235)\n");
	else if (code == 0)
		ss_buf_adds(out, ": no final answer\n");
	else
		ss_buf_printf(out, ": refused (%d)\n", code);
	ss_report_text_sasl(out, d, t);
}

/* Reply anomalies, by stable code, with a count and words. */
static void
ss_report_text_anomalies(struct ss_buf *out, const struct ss_dialog *d)
{
	size_t	 a, n;

	if (ss_dialog_anomalies(d) == 0 && ss_dialog_injected_bytes(d) == 0)
		return;
	ss_buf_adds(out, "\nAnomalies in the server's replies\n");
	for (a = 0; a < SS_ANOM_LAST; a++) {
		if ((n = ss_dialog_anomaly_count(d, a)) == 0)
			continue;
		ss_buf_printf(out, "  %-16s x%zu  %s\n", ss_anomaly_names[a],
		    n, ss_anomaly_text[a]);
	}
	if (ss_dialog_injected_bytes(d) != 0)
		ss_buf_printf(out, "  %zu bytes of plaintext arrived after the "
		    "STARTTLS 220 and were discarded\n",
		    ss_dialog_injected_bytes(d));
}

/* The heading: which server, which address. */
static void
ss_report_text_head(struct ss_buf *out, const struct ss_report_target *tg)
{
	ss_buf_adds(out, "smtpscope " SMTPSCOPE_VERSION ": ");
	ss_report_esc(out, tg->host);
	if (tg->port > 0 || tg->imported == NULL) {
		ss_buf_printf(out, " port %d", tg->port);
	}
	if (tg->address != NULL) {
		ss_buf_adds(out, " (");
		ss_report_esc(out, tg->address);
		ss_buf_addc(out, ')');
	}
	if (tg->imported != NULL) {
		ss_buf_adds(out, "\nImported from a pasted ");
		ss_report_esc(out, tg->imported);
		ss_buf_adds(out, " log (doc/import-formats.md): events are 1 ms "
		    "apart, and lines marked inferred are not in the log");
	}
	ss_buf_adds(out, "\n\n");
}

/* The result line, last. */
static void
ss_report_text_result(struct ss_buf *out, const struct ss_report_target *tg)
{
	ss_buf_printf(out, "\nResult: %s", tg->result != NULL ? tg->result :
	    "none");
	if (tg->code > 0)
		ss_buf_printf(out, " (last reply %d)", tg->code);
	if (tg->message != NULL && *tg->message != '\0') {
		ss_buf_adds(out, ": ");
		ss_report_message(out, tg->message);
	}
	ss_buf_addc(out, '\n');
}

/* Findings, worst first as the rule table orders them, with their RFC. */
static void
ss_report_text_findings(struct ss_buf *out, const struct ss_findings *fs)
{
	const struct ss_finding	*f;
	size_t			 i, n = ss_findings_count(fs);

	ss_buf_adds(out, "\nFindings\n");
	if (n == 0)
		ss_buf_adds(out, "  none\n");
	for (i = 0; i < n; i++) {
		f = ss_findings_at(fs, i);
		ss_buf_printf(out, "  %-8s %s (%s)\n    ",
		    ss_severity_names[f->severity], f->id, f->rfc);
		ss_report_message(out, f->message);
		ss_buf_addc(out, '\n');
	}
}

/* Would the usual mail client set-ups work against this server? */
static void
ss_report_text_setups(struct ss_buf *out, const struct ss_findings *fs)
{
	const struct ss_setup	*st;
	size_t			 i, n = ss_findings_setup_count(fs);

	if (n == 0)
		return;
	ss_buf_adds(out, "\nMail client set-ups\n");
	for (i = 0; i < n; i++) {
		st = ss_findings_setup(fs, i);
		ss_buf_printf(out, "  %-10s %s; %s; %s\n",
		    ss_verdict_titles[st->verdict], st->security, st->auth,
		    st->ports);
		if (st->reason != NULL && *st->reason != '\0') {
			ss_buf_adds(out, "             ");
			ss_report_message(out, st->reason);
			ss_buf_addc(out, '\n');
		}
	}
}

/* The whole text report. */
void
ss_report_text(struct ss_buf *out, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_report_target *tg,
    unsigned flags)
{
	struct ss_findings	*fs;

	ss_report_text_head(out, tg);
	ss_report_transcript(out, d, flags);
	ss_report_caps_table(out, d);
	ss_report_text_tls(out, t, ss_dialog_tls(d));
	ss_report_text_auth(out, d, t);
	ss_report_text_anomalies(out, d);
	if (flags & SS_REPORT_FINDINGS) {
		fs = ss_findings_run(t, d, tg->findings);
		ss_report_text_findings(out, fs);
		ss_report_text_setups(out, fs);
		ss_findings_free(fs);
	}
	ss_report_text_result(out, tg);
}

/* ------------------------------------------------------------------ */
/* Markdown                                                            */

/* Characters Markdown (CommonMark and GitHub's tables) gives a meaning. */
#define SS_REPORT_MD_SPECIAL	"\\`*_{}[]<>()#+!|~&"

/* Escaped text (already safe UTF-8) with Markdown's punctuation quoted. */
static void
ss_report_md_quote(struct ss_buf *out, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] != '\0' && strchr(SS_REPORT_MD_SPECIAL, s[i]) != NULL)
			ss_buf_addc(out, '\\');
		ss_buf_addc(out, s[i]);
	}
}

/* Untrusted bytes: ss_text_escape first, then Markdown's quoting. */
static void
ss_report_md(struct ss_buf *out, const char *s)
{
	struct ss_buf	 esc;

	if (s == NULL)
		return;
	ss_buf_init(&esc);
	ss_text_escape(&esc, s, strlen(s));
	ss_report_md_quote(out, esc.data, esc.len);
	ss_buf_finish(&esc);
}

/* A message of ours that may quote the server, for Markdown. */
static void
ss_report_md_message(struct ss_buf *out, const char *s)
{
	struct ss_buf	 m;

	ss_buf_init(&m);
	ss_report_message(&m, s);
	ss_report_md_quote(out, m.data, m.len);
	ss_buf_finish(&m);
}

/* The longest run of backticks, so the fence can be longer. */
static size_t
ss_report_md_backticks(const char *s, size_t len)
{
	size_t	 i, run = 0, max = 0;

	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > max)
			max = run;
	}
	return max;
}

/* The transcript as the text report shows it, in a fenced block. */
static void
ss_report_md_transcript(struct ss_buf *out, const struct ss_dialog *d,
    unsigned flags)
{
	struct ss_buf	 body;
	size_t		 i, fence;

	ss_buf_init(&body);
	ss_report_transcript(&body, d, flags);
	fence = ss_report_md_backticks(body.data, body.len) + 1;
	if (fence < 3)
		fence = 3;
	ss_buf_adds(out, "\n## Transcript\n\n");
	for (i = 0; i < fence; i++)
		ss_buf_addc(out, '`');
	ss_buf_adds(out, "text\n");
	/* The first line is the heading of the text report: a legend. */
	ss_buf_add(out, body.data, body.len);
	for (i = 0; i < fence; i++)
		ss_buf_addc(out, '`');
	ss_buf_addc(out, '\n');
	ss_buf_finish(&body);
}

/* The capability table: one column per phase, notes as a list. */
static void
ss_report_md_caps(struct ss_buf *out, const struct ss_dialog *d)
{
	struct ss_report_caps	 rc;
	struct ss_buf		 words;
	const struct ss_cap	*cap;
	char			 cell[64], *label;
	size_t			 i;
	int			 p;

	ss_report_caps_collect(&rc, d);
	ss_buf_adds(out, "\n## Capabilities\n\n");
	if (rc.nkeywords == 0) {
		ss_buf_adds(out, "No successful EHLO.\n");
		free(rc.keywords);
		return;
	}
	ss_buf_adds(out, "| keyword |");
	for (p = 0; p < SS_PHASE_LAST; p++)
		ss_buf_printf(out, " %s |", ss_phase_titles[p]);
	ss_buf_adds(out, "\n|---|---|---|---|\n");
	for (i = 0; i < rc.nkeywords; i++) {
		label = ss_report_caps_label(&rc, rc.keywords[i]);
		ss_buf_adds(out, "| ");
		ss_report_md_quote(out, label, strlen(label));
		ss_buf_adds(out, " |");
		for (p = 0; p < SS_PHASE_LAST; p++) {
			ss_report_caps_cell(&rc, p, rc.keywords[i], cell,
			    sizeof cell);
			ss_buf_printf(out, " %s |", cell);
		}
		ss_buf_addc(out, '\n');
		free(label);
	}
	ss_buf_addc(out, '\n');
	for (i = 0; i < rc.nkeywords; i++) {
		cap = NULL;
		for (p = 0; p < SS_PHASE_LAST && cap == NULL; p++) {
			if (rc.phase[p] != NULL)
				cap = ss_caps_find(rc.phase[p], rc.keywords[i]);
		}
		ss_buf_init(&words);
		if (cap != NULL)
			ss_kb_describe_params(cap->keyword, cap->params, &words);
		if (words.len > 0) {
			ss_buf_adds(out, "- **");
			ss_report_md(out, cap->keyword);
			ss_buf_adds(out, "**: ");
			ss_report_md(out, words.data);
			ss_buf_addc(out, '\n');
		}
		ss_buf_finish(&words);
	}
	free(rc.keywords);
}

/* One row of a two-column table; the value is untrusted. */
static void
ss_report_md_row(struct ss_buf *out, const char *key, const char *value)
{
	ss_buf_printf(out, "| %s | ", key);
	if (value == NULL || *value == '\0')
		ss_buf_adds(out, "(none)");
	else
		ss_report_md(out, value);
	ss_buf_adds(out, " |\n");
}

/* Verification in words for the TLS table. */
static void
ss_report_md_verify(struct ss_buf *out, const struct ss_tls_summary *tls)
{
	struct ss_buf	 words;
	char		*p;

	if (!tls->verify_known) {
		ss_buf_adds(out, "| verified | unknown (no result recorded) |\n");
		return;
	}
	if (tls->verify_flags == 0) {
		ss_buf_adds(out, "| verified | yes |\n");
		return;
	}
	ss_buf_init(&words);
	ss_tls_verify_words(tls->verify_flags, &words);
	for (p = words.data; *p != '\0'; p++) {
		if (*p == '\n')
			*p = ';';
	}
	ss_buf_printf(out, "| verified | **NO**%s: ", tls->verify_ignored ?
	    " (the user chose to go on anyway)" : "");
	ss_report_md(out, words.data);
	ss_buf_adds(out, " |\n");
	ss_buf_finish(&words);
}

/* The peer chain, one table per certificate. */
static void
ss_report_md_certs(struct ss_buf *out, const struct ss_transcript *t,
    const struct ss_tls_summary *tls)
{
	struct ss_cert_info	 c;
	size_t			 i;

	for (i = 0; i < tls->ncerts && i < SS_NITEMS(tls->cert_events); i++) {
		ss_buf_printf(out, "\n### Certificate %zu%s\n\n", i + 1,
		    i == 0 ? " (the server's own)" : "");
		if (ss_report_cert(t, tls->cert_events[i], &c) != 0) {
			ss_buf_adds(out, "Could not be decoded.\n");
			continue;
		}
		ss_buf_adds(out, "| field | value |\n|---|---|\n");
		ss_report_md_row(out, "subject", c.subject);
		ss_report_md_row(out, "issuer", c.issuer);
		ss_report_md_row(out, "names", c.sans);
		ss_report_md_row(out, "not before", c.not_before);
		ss_report_md_row(out, "not after", c.not_after);
		ss_report_md_row(out, "key", c.key);
		ss_report_md_row(out, "signature", c.sig_alg);
		ss_report_md_row(out, "SHA-256", c.sha256);
		ss_report_md_row(out, "self-signed", c.self_signed ? "yes" :
		    "no");
	}
}

/* The TLS summary as a table. */
static void
ss_report_md_tls(struct ss_buf *out, const struct ss_transcript *t,
    const struct ss_tls_summary *tls)
{
	ss_buf_adds(out, "\n## TLS\n\n");
	if (tls == NULL || !tls->started) {
		ss_buf_adds(out, "Not used: everything travelled in "
		    "plaintext.\n");
		return;
	}
	ss_buf_adds(out, "| | |\n|---|---|\n");
	ss_buf_printf(out, "| started | %s |\n", tls->implicit ?
	    "from the first byte (implicit TLS)" : "by STARTTLS");
	if (tls->failure != NULL)
		ss_report_md_row(out, "failed", tls->failure);
	if (tls->established) {
		ss_report_md_row(out, "version", tls->version);
		ss_report_md_row(out, "cipher", tls->cipher);
		if (tls->group != NULL)
			ss_report_md_row(out, "group", tls->group);
	}
	if (tls->tickets > 0)
		ss_buf_printf(out, "| session tickets | %u after the handshake "
		    "|\n", tls->tickets);
	if (tls->client_cert != NULL)
		ss_report_md_row(out, "client certificate", tls->client_cert);
	ss_report_md_row(out, "SNI", ss_report_sni(tls) != NULL ?
	    ss_report_sni(tls) : "(none sent)");
	ss_report_md_verify(out, tls);
	ss_report_md_certs(out, t, tls);
}

/* AUTH's messages explained, as a list. */
static void
ss_report_md_sasl(struct ss_buf *out, const struct ss_dialog *d,
    const struct ss_transcript *t)
{
	struct ss_sasl_summary	 sum;
	size_t			 i;

	ss_sasl_summary_init(&sum, d, t);
	if (sum.nnotes > 0 || sum.verdict[0] != '\0')
		ss_buf_adds(out, "\n");
	for (i = 0; i < sum.nnotes; i++) {
		ss_buf_adds(out, "- ");
		ss_report_md(out, sum.notes[i]);
		ss_buf_adds(out, "\n");
	}
	if (sum.verdict[0] != '\0') {
		ss_buf_adds(out, "- smtpscope: ");
		ss_report_md(out, sum.verdict);
		ss_buf_adds(out, "\n");
	}
	ss_sasl_summary_finish(&sum);
}

/* AUTH, anomalies and findings: the plain-text sections, as lists. */
static void
ss_report_md_rest(struct ss_buf *out, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_report_target *tg,
    unsigned flags)
{
	struct ss_findings	*fs;
	const struct ss_finding	*f;
	const struct ss_setup	*st;
	size_t			 i, a, n;

	ss_buf_adds(out, "\n## AUTH\n\n");
	if (ss_dialog_auth_mech(d) == NULL || *ss_dialog_auth_mech(d) == '\0')
		ss_buf_adds(out, "Not attempted.\n");
	else {
		ss_report_md(out, ss_dialog_auth_mech(d));
		ss_buf_printf(out, ": %s (%d)\n", ss_dialog_auth_code(d) == 235 ?
		    "accepted" : "not accepted", ss_dialog_auth_code(d));
		ss_report_md_sasl(out, d, t);
	}
	if (ss_dialog_anomalies(d) != 0) {
		ss_buf_adds(out, "\n## Anomalies in the server's replies\n\n");
		for (a = 0; a < SS_ANOM_LAST; a++) {
			if ((n = ss_dialog_anomaly_count(d, a)) != 0)
				ss_buf_printf(out, "- `%s` x%zu: %s\n",
				    ss_anomaly_names[a], n, ss_anomaly_text[a]);
		}
	}
	if (ss_dialog_injected_bytes(d) != 0)
		ss_buf_printf(out, "\n%zu bytes of plaintext arrived after the "
		    "STARTTLS 220 and were discarded.\n",
		    ss_dialog_injected_bytes(d));
	if ((flags & SS_REPORT_FINDINGS) == 0)
		return;
	fs = ss_findings_run(t, d, tg->findings);
	ss_buf_adds(out, "\n## Findings\n\n");
	if (ss_findings_count(fs) == 0)
		ss_buf_adds(out, "None.\n");
	for (i = 0; i < ss_findings_count(fs); i++) {
		f = ss_findings_at(fs, i);
		ss_buf_printf(out, "- **%s** `%s` (%s): ",
		    ss_severity_names[f->severity], f->id, f->rfc);
		ss_report_md_message(out, f->message);
		ss_buf_addc(out, '\n');
	}
	if ((n = ss_findings_setup_count(fs)) > 0)
		ss_buf_adds(out, "\n## Mail client set-ups\n\n"
		    "| verdict | security | authentication | ports | why |\n"
		    "|---|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		st = ss_findings_setup(fs, i);
		ss_buf_printf(out, "| %s | %s | %s | %s | ",
		    ss_verdict_titles[st->verdict], st->security, st->auth,
		    st->ports);
		ss_report_md_message(out, st->reason);
		ss_buf_adds(out, " |\n");
	}
	ss_findings_free(fs);
}

/* The whole report as a Markdown document. */
void
ss_report_markdown(struct ss_buf *out, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_report_target *tg,
    unsigned flags)
{
	ss_buf_adds(out, "# smtpscope report: ");
	ss_report_md(out, tg->host);
	ss_buf_printf(out, " port %d\n\n", tg->port);
	ss_buf_adds(out, "- tool: smtpscope " SMTPSCOPE_VERSION "\n");
	if (tg->imported != NULL) {
		ss_buf_adds(out, "- imported from a pasted ");
		ss_report_md(out, tg->imported);
		ss_buf_adds(out, " log\n");
	}
	if (tg->address != NULL) {
		ss_buf_adds(out, "- address: ");
		ss_report_md(out, tg->address);
		ss_buf_addc(out, '\n');
	}
	ss_buf_printf(out, "- result: **%s**", tg->result != NULL ?
	    tg->result : "none");
	if (tg->code > 0)
		ss_buf_printf(out, " (last reply %d)", tg->code);
	if (tg->message != NULL && *tg->message != '\0') {
		ss_buf_adds(out, ": ");
		ss_report_md_message(out, tg->message);
	}
	ss_buf_addc(out, '\n');
	ss_report_md_transcript(out, d, flags);
	ss_report_md_caps(out, d);
	ss_report_md_tls(out, t, ss_dialog_tls(d));
	ss_report_md_rest(out, t, d, tg, flags);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

/* An untrusted byte string as an escaped JSON string. */
static json_t *
ss_report_jbytes(const void *p, size_t len)
{
	struct ss_buf	 b;
	json_t		*j;

	ss_buf_init(&b);
	ss_text_escape(&b, p, len);
	j = json_stringn(b.data, b.len);
	ss_buf_finish(&b);
	return j != NULL ? j : json_string("");
}

/* A NUL-terminated untrusted string, or null. */
static json_t *
ss_report_jstr(const char *s)
{
	if (s == NULL)
		return json_null();
	return ss_report_jbytes(s, strlen(s));
}

static const char *report_curses_version;

/* The program's terminal library, for "tool"; see report.h. */
void
ss_report_set_curses_version(const char *version)
{
	report_curses_version = version;
}

/* "tool" (with the libraries' versions) and "target". */
static void
ss_report_json_head(json_t *root, const struct ss_report_target *tg)
{
	struct ss_buf	 msg;
	json_t		*libs;

	libs = json_pack("{s:s, s:s}", "mbedtls", ss_tls_library_version(),
	    "jansson", jansson_version_str());
	if (report_curses_version != NULL)
		json_object_set_new(libs, "ncurses",
		    json_string(report_curses_version));
	json_object_set_new(root, "tool", json_pack("{s:s, s:s, s:o}", "name",
	    "smtpscope", "version", SMTPSCOPE_VERSION, "libraries", libs));
	json_object_set_new(root, "target", json_pack("{s:o, s:i, s:o, s:o}",
	    "host", ss_report_jstr(tg->host), "port", tg->port,
	    "address", ss_report_jstr(tg->address),
	    "imported", ss_report_jstr(tg->imported)));
	ss_buf_init(&msg);
	ss_report_message(&msg, tg->message);
	json_object_set_new(root, "result", json_pack("{s:s, s:s%, s:i}",
	    "status", tg->result != NULL ? tg->result : "none",
	    "message", msg.data, msg.len, "code", tg->code));
	ss_buf_finish(&msg);
}

/* Every transcript event, its bytes escaped. */
static json_t *
ss_report_json_events(const struct ss_transcript *t)
{
	const struct ss_event	*e;
	json_t			*arr = json_array();
	size_t			 i, n = ss_transcript_count(t);

	for (i = 0; i < n; i++) {
		e = ss_transcript_get(t, i);
		json_array_append_new(arr, json_pack(
		    "{s:f, s:s, s:s, s:b, s:b, s:b, s:o}",
		    "t", (double)e->t_us / 1e6,
		    "dir", ss_dir_letters[e->dir],
		    "kind", ss_kind_names[e->kind],
		    "tls", (e->flags & SS_EVF_TLS) != 0,
		    "redacted", (e->flags & SS_EVF_REDACTED) != 0,
		    "discarded", (e->flags & SS_EVF_DISCARDED) != 0,
		    "text", ss_report_jbytes(e->data, e->len)));
	}
	return arr;
}

/* One capability: keyword, params, and SIZE or AUTH decoded. */
static json_t *
ss_report_json_cap(const struct ss_cap *c)
{
	const struct ss_kb_entry *kb;
	json_t	*o, *mechs;
	size_t	 i;

	kb = ss_kb_keyword(c->keyword);
	o = json_pack("{s:o, s:o, s:b, s:o, s:o}",
	    "keyword", ss_report_jstr(c->keyword),
	    "params", ss_report_jstr(c->params),
	    "known", kb != NULL,
	    "rfc", ss_report_jstr(kb != NULL ? kb->rfc : NULL),
	    "summary", ss_report_jstr(kb != NULL ? kb->summary : NULL));
	if (c->has_size)
		json_object_set_new(o, "size", json_integer(
		    (json_int_t)(c->size > INT64_MAX ? INT64_MAX : c->size)));
	if (ss_strcasecmp(c->keyword, "AUTH") == 0) {
		mechs = json_array();
		for (i = 0; i < c->nwords; i++)
			json_array_append_new(mechs,
			    ss_report_jstr(c->words[i]));
		json_object_set_new(o, "mechanisms", mechs);
	}
	if (c->flags & SS_CAP_LEGACY_AUTH)
		json_object_set_new(o, "legacy", json_true());
	return o;
}

/* One phase's capabilities, or null when the phase was not reached. */
static json_t *
ss_report_json_phase(const struct ss_caps *caps)
{
	json_t	*arr;
	size_t	 i;

	if (caps == NULL)
		return json_null();
	arr = json_array();
	for (i = 0; i < caps->ncaps; i++)
		json_array_append_new(arr, ss_report_json_cap(&caps->caps[i]));
	return arr;
}

/* {"before_tls": ..., "after_tls": ..., "after_auth": ...} */
static json_t *
ss_report_json_caps(const struct ss_dialog *d)
{
	json_t	*o = json_object();
	int	 p;

	for (p = 0; p < SS_PHASE_LAST; p++)
		json_object_set_new(o, ss_phase_names[p],
		    ss_report_json_phase(ss_dialog_caps(d, p)));
	return o;
}

/* The verification failures, one string per reason. */
static json_t *
ss_report_json_verify(const struct ss_tls_summary *tls)
{
	struct ss_buf	 words;
	json_t		*arr = json_array();
	const char	*p, *nl;

	if (!tls->verify_known || tls->verify_flags == 0)
		return arr;
	ss_buf_init(&words);
	ss_tls_verify_words(tls->verify_flags, &words);
	for (p = words.data; *p != '\0'; p = nl + (*nl != '\0')) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (nl > p)
			json_array_append_new(arr,
			    ss_report_jbytes(p, (size_t)(nl - p)));
	}
	ss_buf_finish(&words);
	return arr;
}

/* The peer chain, leaf first, each certificate decoded. */
static json_t *
ss_report_json_peer(const struct ss_transcript *t,
    const struct ss_tls_summary *tls)
{
	struct ss_cert_info	 c;
	json_t			*arr = json_array();
	size_t			 i;

	for (i = 0; i < tls->ncerts && i < SS_NITEMS(tls->cert_events); i++) {
		if (ss_report_cert(t, tls->cert_events[i], &c) != 0)
			continue;
		json_array_append_new(arr, json_pack(
		    "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
		    "subject", ss_report_jstr(c.subject),
		    "issuer", ss_report_jstr(c.issuer),
		    "sans", ss_report_jstr(c.sans),
		    "not_before", ss_report_jstr(c.not_before),
		    "not_after", ss_report_jstr(c.not_after),
		    "key", ss_report_jstr(c.key),
		    "sig_alg", ss_report_jstr(c.sig_alg),
		    "sha256", ss_report_jstr(c.sha256),
		    "serial", ss_report_jstr(c.serial),
		    "self_signed", c.self_signed));
	}
	return arr;
}

/* The TLS object, or null when no handshake started. */
static json_t *
ss_report_json_tls(const struct ss_transcript *t, const struct ss_dialog *d)
{
	const struct ss_tls_summary	*tls = ss_dialog_tls(d);

	if (tls == NULL || !tls->started)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:i, s:o, s:o, s:b, s:o, s:b, s:b, "
	    "s:o, s:o}",
	    "version", ss_report_jstr(tls->version),
	    "ciphersuite", ss_report_jstr(tls->cipher),
	    "group", ss_report_jstr(tls->group),
	    "session_tickets", (int)tls->tickets,
	    "client_certificate", ss_report_jstr(tls->client_cert),
	    "sni", ss_report_jstr(ss_report_sni(tls)),
	    "verified", ss_report_verified(tls),
	    "verify_errors", ss_report_json_verify(tls),
	    "implicit", tls->implicit,
	    "established", tls->established,
	    "failure", ss_report_jstr(tls->failure),
	    "peer", ss_report_json_peer(t, tls));
}

/* The OAuth error object the server sent, or null. */
static json_t *
ss_report_json_oauth_error(const struct ss_sasl_summary *sum)
{
	struct ss_buf	 b;
	json_t		*o;

	if (!sum->has_error)
		return json_null();
	ss_buf_init(&b);
	ss_sasl_oauth_error_explain(&sum->error, &b);
	o = json_pack("{s:o, s:o, s:o, s:o, s:o}",
	    "status", ss_report_jstr(sum->error.status),
	    "scope", ss_report_jstr(sum->error.scope),
	    "schemes", ss_report_jstr(sum->error.schemes),
	    "openid_configuration", ss_report_jstr(sum->error.openid),
	    "explanation", ss_report_jstr(b.data));
	ss_buf_finish(&b);
	return o;
}

/* The AUTH object, or null when no AUTH was tried. */
static json_t *
ss_report_json_auth(const struct ss_dialog *d, const struct ss_transcript *t)
{
	const char		*mech = ss_dialog_auth_mech(d);
	struct ss_sasl_summary	 sum;
	json_t			*o, *notes;
	size_t			 i;

	if (mech == NULL || *mech == '\0')
		return json_null();
	ss_sasl_summary_init(&sum, d, t);
	notes = json_array();
	for (i = 0; i < sum.nnotes; i++)
		json_array_append_new(notes, ss_report_jstr(sum.notes[i]));
	o = json_pack("{s:o, s:i, s:o, s:o, s:o}", "mechanism",
	    ss_report_jstr(mech), "code", ss_dialog_auth_code(d),
	    "verdict", sum.verdict[0] != '\0' ? ss_report_jstr(sum.verdict) :
	    json_null(), "oauth_error", ss_report_json_oauth_error(&sum),
	    "notes", notes);
	ss_sasl_summary_finish(&sum);
	return o;
}

/* Each anomaly seen, by stable code, with its count. */
static json_t *
ss_report_json_anomalies(const struct ss_dialog *d)
{
	json_t	*arr = json_array();
	size_t	 a, n;

	for (a = 0; a < SS_ANOM_LAST; a++) {
		if ((n = ss_dialog_anomaly_count(d, a)) == 0)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:I}", "code",
		    ss_anomaly_names[a], "count", (json_int_t)n));
	}
	return arr;
}

/* Evidence: transcript event indices. */
static json_t *
ss_report_json_evidence(const size_t *events, size_t n)
{
	json_t	*arr = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_integer((json_int_t)events[i]));
	return arr;
}

/* "findings" and "setups": what is wrong, and which client set-ups work. */
static void
ss_report_json_findings(json_t *root, const struct ss_transcript *t,
    const struct ss_dialog *d, const struct ss_report_target *tg)
{
	struct ss_findings	*fs = ss_findings_run(t, d, tg->findings);
	const struct ss_finding	*f;
	const struct ss_setup	*st;
	json_t			*arr = json_array();
	size_t			 i;

	for (i = 0; i < ss_findings_count(fs); i++) {
		f = ss_findings_at(fs, i);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o, s:o}",
		    "id", f->id, "severity", ss_severity_names[f->severity],
		    "message", ss_report_jstr(f->message),
		    "rfc", ss_report_jstr(f->rfc),
		    "events", ss_report_json_evidence(f->events, f->nevents)));
	}
	json_object_set_new(root, "findings", arr);
	arr = json_array();
	for (i = 0; i < ss_findings_setup_count(fs); i++) {
		st = ss_findings_setup(fs, i);
		json_array_append_new(arr, json_pack(
		    "{s:s, s:o, s:o, s:o, s:s, s:o, s:o}", "id", st->id,
		    "security", ss_report_jstr(st->security),
		    "auth", ss_report_jstr(st->auth),
		    "ports", ss_report_jstr(st->ports),
		    "verdict", ss_verdict_names[st->verdict],
		    "reason", ss_report_jstr(st->reason),
		    "events", ss_report_json_evidence(st->events, st->nevents)));
	}
	json_object_set_new(root, "setups", arr);
	ss_findings_free(fs);
}

/* The JSON document of doc/json.md, compact, on one line. */
char *
ss_report_json(const struct ss_transcript *t, const struct ss_dialog *d,
    const struct ss_report_target *tg)
{
	json_t	*root = json_object();
	char	*s, *copy;

	ss_report_json_head(root, tg);
	json_object_set_new(root, "events", ss_report_json_events(t));
	json_object_set_new(root, "capabilities", ss_report_json_caps(d));
	json_object_set_new(root, "tls", ss_report_json_tls(t, d));
	json_object_set_new(root, "auth", ss_report_json_auth(d, t));
	json_object_set_new(root, "anomalies", ss_report_json_anomalies(d));
	ss_report_json_findings(root, t, d, tg);
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(12));
	json_decref(root);
	if (s == NULL)
		return xstrdup("{}");
	/* jansson's allocator is malloc, but hand back our own copy so the
	 * caller's free() never depends on that. */
	copy = xstrdup(s);
	free(s);
	return copy;
}
