/*
 * findings.c: the findings view (f) beside the wire pane, and the counts
 * in the header.  The findings are those of the prefix on screen (the
 * live session so far, or a replay up to its cursor), judged by a
 * ss_findings_cache, so a step costs the same on a session of any length
 * (closed connections are judged once); the
 * selected finding's evidence events are highlighted in the wire pane,
 * and Enter selects its first evidence line.  Below the findings, the
 * usual mail client set-ups and whether each would work.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/findings.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define RECOMPUTE_BUSY_US	1000000	/* at most this often mid-step */

static const enum tui_role findings_roles[SS_SEV_LAST] = {
	[SS_SEV_INFO] = TUI_ROLE_OK,
	[SS_SEV_WARNING] = TUI_ROLE_WARNING,
	[SS_SEV_ERROR] = TUI_ROLE_ERROR,
};

static const enum tui_role verdict_roles[SS_VERDICT_LAST] = {
	[SS_VERDICT_UNKNOWN] = TUI_ROLE_DIM,
	[SS_VERDICT_WORKS] = TUI_ROLE_OK,
	[SS_VERDICT_FAILS] = TUI_ROLE_ERROR,
};

/* Free the cached findings. */
void
tui_findings_free(struct tui *t)
{
	ss_findings_free(t->findings.f);
	ss_findings_cache_destroy(t->findings.judge);
	t->findings.f = NULL;
	t->findings.judge = NULL;
	t->findings.judged = NULL;
	t->findings.dialog = NULL;
	t->findings.fed = 0;
}

/* The dialog of the whole transcript that closed connections are judged
 * on views of: the replay's full one (its cursor's dialog is a view), or
 * the live dialog itself. */
static const struct ss_dialog *
findings_full_dialog(const struct tui *t)
{
	if (t->replay.active && t->replay.transcript == t->transcript) {
		return t->replay.full;
	}
	return NULL;
}

/* Is the cache behind the dialog on screen? */
static int
findings_stale(const struct tui *t)
{
	const struct tui_findings_cache	*c = &t->findings;

	return c->f == NULL || c->dialog != t->dialog ||
	    c->fed != ss_dialog_fed(t->dialog);
}

/* The findings of the prefix on screen; NULL before any event.  While a
 * step runs (a flood may be arriving) they are recomputed at most once a
 * second; otherwise whenever the dialog has moved. */
const struct ss_findings *
tui_findings_get(struct tui *t)
{
	struct tui_findings_cache	*c = &t->findings;
	uint64_t			 now;

	if (t->dialog == NULL || t->transcript == NULL ||
	    ss_dialog_fed(t->dialog) == 0) {
		return NULL;
	}
	if (!findings_stale(t)) {
		return c->f;
	}
	now = ss_now_us();
	if (c->f != NULL && c->dialog == t->dialog && t->busy &&
	    now - c->at_us < RECOMPUTE_BUSY_US) {
		return c->f;
	}
	ss_findings_free(c->f);
	if (c->judge == NULL || c->judged != t->transcript) {
		ss_findings_cache_destroy(c->judge);
		c->judge = ss_findings_cache_create(NULL);
		c->judged = t->transcript;
	}
	c->f = ss_findings_cache_run(c->judge, t->transcript, t->dialog,
	    findings_full_dialog(t));
	c->dialog = t->dialog;
	c->fed = ss_dialog_fed(t->dialog);
	c->at_us = now;
	if (c->sel >= ss_findings_count(c->f)) {
		c->sel = 0;
	}
	return c->f;
}

/* "2 errors 1 warning 1 info" (brief, for a narrow header: "2 err 1 warn
 * 1 info"), in the role of the worst. */
void
tui_findings_counts(struct tui *t, struct ss_buf *b, enum tui_role *role,
    int brief)
{
	static const char *const brief_names[SS_SEV_LAST] = {
		[SS_SEV_INFO] = "info",
		[SS_SEV_WARNING] = "warn",
		[SS_SEV_ERROR] = "err",
	};
	const struct ss_findings	*f;
	size_t				 n[SS_SEV_LAST] = { 0 }, i;
	int				 s;

	*role = TUI_ROLE_HEADER;
	f = tui_findings_get(t);
	if (f == NULL) {
		return;
	}
	for (i = 0; i < ss_findings_count(f); i++) {
		n[ss_findings_at(f, i)->severity]++;
	}
	for (s = SS_SEV_LAST - 1; s >= 0; s--) {
		if (n[s] == 0) {
			continue;
		}
		if (brief) {
			ss_buf_printf(b, "%s%zu %s", b->len > 0 ? " " : "",
			    n[s], brief_names[s]);
		} else {
			ss_buf_printf(b, "%s%zu %s%s", b->len > 0 ? " " : "",
			    n[s], s == SS_SEV_INFO ? "info" :
			    ss_severity_names[s],
			    n[s] > 1 && s != SS_SEV_INFO ? "s" : "");
		}
		if (*role == TUI_ROLE_HEADER && s != SS_SEV_INFO) {
			*role = findings_roles[s];
		}
	}
	if (b->len == 0) {
		ss_buf_adds(b, "no findings");
	}
}

/* The finding selected in the open view, or NULL. */
static const struct ss_finding *
findings_selected(struct tui *t)
{
	const struct ss_findings	*f = tui_findings_get(t);

	if (f == NULL || t->findings.sel >= ss_findings_count(f)) {
		return NULL;
	}
	return ss_findings_at(f, t->findings.sel);
}

/* Is the event evidence of the selected finding (view open)? */
int
tui_findings_evidence(struct tui *t, size_t event)
{
	const struct ss_finding	*f;
	size_t			 i;

	if (t->overlay != TUI_OVERLAY_FINDINGS ||
	    (f = findings_selected(t)) == NULL) {
		return 0;
	}
	for (i = 0; i < f->nevents; i++) {
		if (f->events[i] == event) {
			return 1;
		}
	}
	return 0;
}

/* One finding: severity, ID, message, RFC; the selected one marked. */
static void
findings_one(struct tui_flow *fl, const struct ss_finding *f, int selected)
{
	tui_flow_newline(fl);
	tui_flow_adds(fl, selected ? TUI_ROLE_SELECTED : TUI_ROLE_DIM,
	    selected ? ">" : " ");
	tui_flow_printf(fl, findings_roles[f->severity], "%-7s ",
	    ss_severity_names[f->severity]);
	tui_flow_adds(fl, selected ? TUI_ROLE_SELECTED : TUI_ROLE_HEADING,
	    f->id);
	tui_flow_newline(fl);
	fl->indent = 2;
	fl->x = 2;
	tui_flow_add(fl, TUI_ROLE_NORMAL, TUI_ROLE_ESCAPE, f->message,
	    strlen(f->message));
	tui_flow_printf(fl, TUI_ROLE_DIM, " (%s; %zu evidence line%s)",
	    f->rfc != NULL ? f->rfc : "no RFC", f->nevents,
	    f->nevents == 1 ? "" : "s");
	fl->indent = 0;
	tui_flow_newline(fl);
}

/* The client set-ups: "works", "will fail" or "not tested", and why. */
static void
findings_setups(struct tui_flow *fl, const struct ss_findings *fs)
{
	const struct ss_setup	*s;
	size_t			 n, i;

	tui_flow_newline(fl);
	tui_flow_adds(fl, TUI_ROLE_HEADING, "Will this client set-up work?");
	tui_flow_newline(fl);
	s = ss_findings_setups(fs, &n);
	for (i = 0; i < n; i++) {
		tui_flow_newline(fl);
		tui_flow_printf(fl, verdict_roles[s[i].verdict], "%-10s ",
		    ss_verdict_titles[s[i].verdict]);
		fl->indent = 11;
		tui_flow_printf(fl, TUI_ROLE_NORMAL, "%s, %s (%s)",
		    s[i].security, s[i].auth, s[i].ports);
		tui_flow_newline(fl);
		if (s[i].reason != NULL) {
			tui_flow_add(fl, TUI_ROLE_DIM, TUI_ROLE_ESCAPE,
			    s[i].reason, strlen(s[i].reason));
			tui_flow_newline(fl);
		}
		fl->indent = 0;
	}
}

/* The whole text; *sel_first and *sel_last get the selected finding's
 * lines, so the view can keep it in sight. */
static void
findings_flow(struct tui *t, struct tui_flow *fl, int *sel_first,
    int *sel_last)
{
	const struct ss_findings	*fs = tui_findings_get(t);
	size_t				 i, n;

	*sel_first = *sel_last = 0;
	if (fs == NULL) {
		tui_flow_adds(fl, TUI_ROLE_DIM, "Nothing to judge yet.");
		return;
	}
	n = ss_findings_count(fs);
	tui_flow_adds(fl, TUI_ROLE_DIM, n == 0 ? "No findings: nothing wrong "
	    "seen so far." : "Up/Down select; the evidence is highlighted in "
	    "the wire pane; Enter jumps to it.");
	tui_flow_newline(fl);
	for (i = 0; i < n; i++) {
		if (i == t->findings.sel) {
			*sel_first = fl->line;
		}
		findings_one(fl, ss_findings_at(fs, i), i == t->findings.sel);
		if (i == t->findings.sel) {
			*sel_last = fl->line;
		}
	}
	findings_setups(fl, fs);
}

/* The findings view's draw: measure, scroll the selection into sight,
 * then draw. */
static void
findings_draw(struct tui *t, struct tui_canvas *cv, const struct tui_rect *r)
{
	struct tui_flow	f;
	struct tui_rect	c;
	struct ss_buf	b;
	enum tui_role	role;
	int		first, last;

	tui_canvas_fill(cv, r, TUI_ROLE_NORMAL);
	ss_buf_init(&b);
	tui_findings_counts(t, &b, &role, 0);
	c = tui_pane_frame(t, cv, r, "findings", 1, b.len > 0 ? b.data : "");
	ss_buf_finish(&b);
	c.x += 1;
	c.w -= 2;
	tui_flow_init(&f, NULL, &c, 0);
	findings_flow(t, &f, &first, &last);
	t->findings.lines = tui_flow_finish(&f);
	if (t->findings.show_sel && first < t->findings.top) {
		t->findings.top = first;
	} else if (t->findings.show_sel && last > t->findings.top + c.h) {
		t->findings.top = last - c.h;
	}
	t->findings.show_sel = 0;
	tui_flow_init(&f, cv, &c, t->findings.top);
	findings_flow(t, &f, &first, &last);
	tui_flow_finish(&f);
}

/* Select the wire row of the finding's first evidence event. */
static void
findings_jump(struct tui *t)
{
	const struct ss_finding	*f = findings_selected(t);
	const struct ss_line	*l;
	size_t			 i;

	if (f == NULL || f->nevents == 0) {
		return;
	}
	for (i = 0; i < t->nrows; i++) {
		if (t->rows[i].kind != TUI_ROW_LINE) {
			continue;
		}
		l = ss_dialog_line(t->dialog, t->rows[i].line);
		if (l->event >= f->events[0]) {
			tui_list_select(&t->wire, i);
			t->focus = t->explain_from = TUI_PANE_WIRE;
			return;
		}
	}
}

/* Keys: Up/Down choose a finding, PgUp/PgDn scroll, Enter jumps. */
static int
findings_key(struct tui *t, enum tui_action a)
{
	const struct ss_findings	*fs = tui_findings_get(t);
	size_t				 n = fs != NULL ?
					    ss_findings_count(fs) : 0;

	t->findings.show_sel = 1;
	switch (a) {
	case TUI_ACT_UP:
		if (t->findings.sel > 0) {
			t->findings.sel--;
		}
		break;
	case TUI_ACT_DOWN:
		if (t->findings.sel + 1 < n) {
			t->findings.sel++;
		}
		break;
	case TUI_ACT_SELECT:
		findings_jump(t);
		break;
	default:
		t->findings.show_sel = 0;
		return tui_scroll_action(&t->findings.top, t->findings.lines,
		    t->layout.body.h - 1, a);
	}
	return 1;
}

/* Back to the top on resize. */
static void
findings_resize(struct tui *t, const struct tui_rect *r)
{
	(void)r;
	t->findings.top = 0;
}

const struct tui_view tui_view_findings = {
	"findings", findings_draw, findings_key, findings_resize
};
