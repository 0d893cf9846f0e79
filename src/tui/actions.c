/*
 * actions.c: what each named action does.  Protocol steps go to the
 * session (some after a prompt), the rest change what is shown.  A step
 * the server did not advertise is still started: the session writes the
 * warning into the transcript and the status line shows it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/caps.h"
#include "smtpscope/sasl.h"
#include "smtpscope/session.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define DEFAULT_MAIL_FROM	"<smtpscope@example.org>"
#define DEFAULT_MESSAGE		"Subject: smtpscope test message\\n\\n" \
				"This is a test message sent by smtpscope."

static const char *const theme_cycle[] = {
	"default", "light", "high-contrast", "monochrome"
};

/* Start a step; a refusal to start goes to the status line. */
static void
actions_start(struct tui *t, enum ss_step step, const char *arg)
{
	char	*err = NULL;

	if (t->session == NULL) {
		tui_set_status(t, TUI_ROLE_ERROR, "no session");
		return;
	}
	t->warning[0] = '\0';
	if (ss_session_start(t->session, step, arg, &err) != 0) {
		tui_set_status(t, TUI_ROLE_ERROR, "%s: %s", ss_step_names[step],
		    err != NULL ? err : "cannot start now");
		free(err);
		return;
	}
	tui_set_status(t, TUI_ROLE_STATUS, "%s ... (Esc cancels)",
	    ss_step_names[step]);
	t->was_busy = 1;
	tui_sync(t);
}

/* Is the session inside TLS 1.3, where SCRAM-SHA-256-PLUS can bind? */
static int
actions_tls13(const struct tui *t)
{
	const struct ss_tls_summary	*tls;

	if (t->dialog == NULL || !ss_dialog_in_tls(t->dialog)) {
		return 0;
	}
	tls = ss_dialog_tls(t->dialog);
	return tls != NULL && tls->version != NULL &&
	    strcmp(tls->version, "TLSv1.3") == 0;
}

/* AUTH, first prompt: the mechanism, advertised ones offered. */
static void
actions_auth(struct tui *t)
{
	const struct ss_caps	*caps = NULL;
	const struct ss_cap	*auth = NULL;
	const char *const	*mechs;
	const char		*best;
	size_t			 n, i, pre = 0;

	if (t->dialog != NULL) {
		caps = ss_dialog_current_caps(t->dialog);
	}
	if (caps != NULL) {
		auth = ss_caps_find(caps, "AUTH");
	}
	tui_prompt_open(t, TUI_PROMPT_MECH, "AUTH mechanism:", "", 0);
	if (auth != NULL && auth->nwords > 0) {
		best = ss_sasl_choose_cb(auth->words, auth->nwords,
		    actions_tls13(t));
		for (i = 0; best != NULL && i < auth->nwords; i++) {
			if (ss_strcasecmp(auth->words[i], best) == 0) {
				pre = i;
			}
		}
		tui_prompt_choices(t, (const char *const *)auth->words,
		    auth->nwords, pre);
		return;
	}
	mechs = ss_sasl_client_mechs(&n);
	tui_prompt_choices(t, mechs, n, 0);
	tui_set_status(t, TUI_ROLE_WARNING, "the server did not advertise "
	    "AUTH here; you may try anyway");
}

/* Turn the two characters "\n" into line ends (the DATA prompt). */
static char *
actions_unescape_message(const char *s)
{
	struct ss_buf	 b;
	char		*out;

	ss_buf_init(&b);
	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			ss_buf_addc(&b, '\n');
			s++;
		} else {
			ss_buf_addc(&b, *s);
		}
	}
	out = ss_buf_steal(&b);
	ss_buf_finish(&b);
	return out;
}

/* The RCPT prefill: configured, or the postmaster of the host. */
static void
actions_rcpt(struct tui *t)
{
	char	*s;

	if (t->cfg != NULL && t->cfg->rcpt_to != NULL) {
		tui_prompt_open(t, TUI_PROMPT_RCPT, "RCPT TO:",
		    t->cfg->rcpt_to, 0);
		return;
	}
	if (t->cfg != NULL && t->cfg->host != NULL) {
		xasprintf(&s, "<postmaster@%s>", t->cfg->host);
	} else {
		s = xstrdup("<postmaster>");
	}
	tui_prompt_open(t, TUI_PROMPT_RCPT, "RCPT TO:", s, 0);
	free(s);
}

/* The answer to a prompt. */
void
tui_actions_prompt_done(struct tui *t, enum tui_prompt_kind kind,
    const char *text)
{
	char	*body;

	switch (kind) {
	case TUI_PROMPT_MECH:
		ss_strlcpy(t->auth_mech, text, sizeof t->auth_mech);
		tui_prompt_open(t, TUI_PROMPT_USER, "AUTH user name:",
		    t->auth_user != NULL ? t->auth_user : t->cfg != NULL &&
		    t->cfg->user != NULL ? t->cfg->user : "", 0);
		break;
	case TUI_PROMPT_USER:
		ss_free_secret(t->auth_user);
		t->auth_user = xstrdup(text);
		/* XOAUTH2 and OAUTHBEARER take a bearer token instead. */
		tui_prompt_open(t, TUI_PROMPT_PASSWORD,
		    ss_sasl_cred_of(t->auth_mech) == SS_SASL_CRED_TOKEN ?
		    "AUTH bearer token:" : "AUTH password:", "", 1);
		break;
	case TUI_PROMPT_PASSWORD:
		if (t->session != NULL) {
			ss_session_set_credentials(t->session, t->auth_user,
			    *text != '\0' ? text : NULL);
		}
		actions_start(t, SS_STEP_AUTH, t->auth_mech[0] != '\0' ?
		    t->auth_mech : NULL);
		break;
	case TUI_PROMPT_MAIL:
		actions_start(t, SS_STEP_MAIL, text);
		break;
	case TUI_PROMPT_RCPT:
		actions_start(t, SS_STEP_RCPT, text);
		break;
	case TUI_PROMPT_DATA:
		body = actions_unescape_message(text);
		actions_start(t, SS_STEP_DATA, body);
		free(body);
		break;
	case TUI_PROMPT_RAW:
		if (*text != '\0') {
			actions_start(t, SS_STEP_RAW, text);
		}
		break;
	case TUI_PROMPT_VRFY:
		actions_start(t, SS_STEP_VRFY, text);
		break;
	case TUI_PROMPT_EXPN:
		actions_start(t, SS_STEP_EXPN, text);
		break;
	case TUI_PROMPT_SAVE:
		if (*text != '\0') {
			tui_save_to(t, text);
		}
		break;
	case TUI_PROMPT_SEARCH:
		ss_strlcpy(t->search, text, sizeof t->search);
		t->search_active = *text != '\0';
		t->focus = t->explain_from = TUI_PANE_WIRE;
		if (t->search_active && !tui_wire_search(t, 1)) {
			tui_set_status(t, TUI_ROLE_WARNING, "not found: %s",
			    t->search);
		} else if (t->search_active) {
			tui_set_status(t, TUI_ROLE_STATUS, "search: n next, N "
			    "previous, Esc ends the search (then n is NOOP)");
		}
		break;
	default:
		break;
	}
}

/* q: send QUIT first when connected, then leave. */
static void
actions_quit(struct tui *t)
{
	if (t->quitting || t->session == NULL ||
	    t->state == SS_STATE_IDLE || t->state == SS_STATE_CLOSED ||
	    t->state == SS_STATE_CONNECTING) {
		t->done = 1;
		return;
	}
	if (t->dialog != NULL && ss_dialog_reply_in_progress(t->dialog)) {
		/* The server is still talking: a QUIT would wait behind all
		 * of it (a flood), so leave now; closing ends it. */
		t->done = 1;
		return;
	}
	if (t->busy) {
		ss_session_cancel(t->session);
		tui_sync(t);
	}
	t->quitting = 1;
	actions_start(t, SS_STEP_QUIT, NULL);
	if (!t->busy) {
		t->done = 1;
	}
	tui_set_status(t, TUI_ROLE_STATUS, "sending QUIT before leaving "
	    "(q again leaves at once)");
}

/* Esc: the innermost thing open closes. */
static void
actions_cancel(struct tui *t)
{
	if (t->overlay != TUI_OVERLAY_NONE) {
		t->overlay = TUI_OVERLAY_NONE;
	} else if (t->search_active) {
		t->search_active = 0;
		tui_set_status(t, TUI_ROLE_STATUS, "search ended");
	} else if (t->busy && t->session != NULL) {
		ss_session_cancel(t->session);
		tui_sync(t);
	}
}

/* Open an overlay, or close it if it is the one open. */
static void
actions_overlay(struct tui *t, enum tui_overlay o)
{
	t->overlay = t->overlay == o ? TUI_OVERLAY_NONE : o;
	t->overlay_top = 0;
}

/* Move the focus forwards or backwards over panes with room. */
static void
actions_focus(struct tui *t, int delta)
{
	const struct tui_rect	*r;
	int			 i, p = t->focus;

	for (i = 0; i < TUI_PANE_LAST; i++) {
		p = (p + TUI_PANE_LAST + delta) % TUI_PANE_LAST;
		r = p == TUI_PANE_WIRE ? &t->layout.wire : p == TUI_PANE_CAPS ?
		    &t->layout.caps : &t->layout.explain;
		if (r->h > 1) {
			break;
		}
	}
	t->focus = p;
	if (p != TUI_PANE_EXPLAIN) {
		t->explain_from = p;
	}
	t->explain_top = 0;
}

/* The next theme of the cycle; a bad file keeps the current one. */
static void
actions_theme(struct tui *t)
{
	char	*err = NULL;

	t->theme_index = (t->theme_index + 1) % SS_NITEMS(theme_cycle);
	if (tui_theme_load(&t->theme, theme_cycle[t->theme_index], &err) != 0) {
		tui_set_status(t, TUI_ROLE_ERROR, "%s (theme kept)", err);
		free(err);
		return;
	}
	if (t->apply_theme != NULL) {
		t->apply_theme(&t->theme);
	}
	tui_set_status(t, TUI_ROLE_STATUS, "theme: %s", t->theme.name);
}

/* Go on past a failed certificate verification, knowingly. */
static void
actions_accept(struct tui *t)
{
	if (!tui_verify_pending(t) || t->session == NULL) {
		tui_set_status(t, TUI_ROLE_STATUS, "nothing to accept: no "
		    "certificate failed verification");
		return;
	}
	ss_session_accept_unverified(t->session);
	tui_sync(t);
	tui_set_status(t, TUI_ROLE_WARNING, "going on WITHOUT a verified "
	    "certificate, as you chose; next: e for EHLO");
}

/* Prompts that start a step. */
static void
actions_prompt_step(struct tui *t, enum tui_action a)
{
	switch (a) {
	case TUI_ACT_AUTH:
		actions_auth(t);
		break;
	case TUI_ACT_MAIL:
		tui_prompt_open(t, TUI_PROMPT_MAIL, "MAIL FROM:",
		    t->cfg != NULL && t->cfg->mail_from != NULL ?
		    t->cfg->mail_from : DEFAULT_MAIL_FROM, 0);
		break;
	case TUI_ACT_RCPT:
		actions_rcpt(t);
		break;
	case TUI_ACT_DATA:
		tui_prompt_open(t, TUI_PROMPT_DATA, "message (\\n = new "
		    "line):", DEFAULT_MESSAGE, 0);
		break;
	case TUI_ACT_RAW:
		tui_prompt_open(t, TUI_PROMPT_RAW, "raw line:", "", 0);
		break;
	case TUI_ACT_SEARCH:
		tui_prompt_open(t, TUI_PROMPT_SEARCH, "search:", t->search, 0);
		break;
	case TUI_ACT_VRFY:
		tui_prompt_open(t, TUI_PROMPT_VRFY, "VRFY (probe):",
		    "postmaster", 0);
		break;
	case TUI_ACT_EXPN:
		tui_prompt_open(t, TUI_PROMPT_EXPN, "EXPN (probe):",
		    "postmaster", 0);
		break;
	default:
		break;
	}
}

/* Actions that drive the session: inactive in replay. */
int
tui_actions_protocol(enum tui_action a)
{
	switch (a) {
	case TUI_ACT_CONNECT:
	case TUI_ACT_EHLO:
	case TUI_ACT_HELO:
	case TUI_ACT_STARTTLS:
	case TUI_ACT_AUTH:
	case TUI_ACT_MAIL:
	case TUI_ACT_RCPT:
	case TUI_ACT_DATA:
	case TUI_ACT_RSET:
	case TUI_ACT_NOOP:
	case TUI_ACT_SEND_QUIT:
	case TUI_ACT_RAW:
	case TUI_ACT_VRFY:
	case TUI_ACT_EXPN:
	case TUI_ACT_PROBE_INJECT:
	case TUI_ACT_ACCEPT:
	case TUI_ACT_PORT_25:
	case TUI_ACT_PORT_587:
	case TUI_ACT_PORT_465:
	case TUI_ACT_PORT_START:
		return 1;
	default:
		return 0;
	}
}

/* Replay's own actions: move the step cursor. */
static void
actions_replay(struct tui *t, enum tui_action a)
{
	struct tui_replay	*r = &t->replay;

	if (!r->active) {
		tui_set_status(t, TUI_ROLE_STATUS, "stepping is for replays: "
		    "smtpscope --replay FILE");
		return;
	}
	switch (a) {
	case TUI_ACT_STEP_NEXT:
		if (r->step + 1 >= r->nsteps) {
			tui_set_status(t, TUI_ROLE_STATUS, "this is the last "
			    "step (p or Backspace goes back)");
			return;
		}
		tui_replay_goto(t, r->step + 1);
		break;
	case TUI_ACT_STEP_PREV:
		if (r->step == 0) {
			tui_set_status(t, TUI_ROLE_STATUS, "this is the first "
			    "step (Space or n goes on)");
			return;
		}
		tui_replay_goto(t, r->step - 1);
		break;
	case TUI_ACT_STEP_FIRST:
		tui_replay_goto(t, 0);
		break;
	default:
		tui_replay_goto(t, r->nsteps > 0 ? r->nsteps - 1 : 0);
		break;
	}
}

/* x: notes under every wire line, or none. */
static void
actions_explain_mode(struct tui *t)
{
	t->explain_mode = !t->explain_mode;
	tui_wire_rebuild(t);
	tui_set_status(t, TUI_ROLE_STATUS, t->explain_mode ? "explain mode: "
	    "a note under each line says what it means (x turns it off)" :
	    "explain mode off");
}

/* The usual ports one key away: retarget the session, then connect.
 * The status line names the port while it connects; how the connect
 * ended (refused, a banner) replaces it. */
static void
actions_port(struct tui *t, int port, int implicit_tls)
{
	char	*err = NULL;

	if (t->session == NULL || port <= 0) {
		tui_set_status(t, TUI_ROLE_ERROR, "no session");
		return;
	}
	if (ss_session_set_port(t->session, port, implicit_tls, &err) != 0) {
		tui_set_status(t, TUI_ROLE_ERROR, "port %d: %s", port,
		    err != NULL ? err : "cannot change the port now");
		free(err);
		return;
	}
	tui_sync(t);
	actions_start(t, SS_STEP_CONNECT, NULL);
	if (t->busy) {
		tui_set_status(t, TUI_ROLE_STATUS, "connecting on port %d%s "
		    "... (Esc cancels)", port, implicit_tls ? " with TLS from "
		    "the first byte" : "");
	}
}

/* Run an action. */
void
tui_do(struct tui *t, enum tui_action a)
{
	static const enum ss_step steps[TUI_ACT_LAST] = {
		[TUI_ACT_CONNECT] = SS_STEP_CONNECT,
		[TUI_ACT_EHLO] = SS_STEP_EHLO,
		[TUI_ACT_HELO] = SS_STEP_HELO,
		[TUI_ACT_STARTTLS] = SS_STEP_STARTTLS,
		[TUI_ACT_RSET] = SS_STEP_RSET,
		[TUI_ACT_NOOP] = SS_STEP_NOOP,
		[TUI_ACT_SEND_QUIT] = SS_STEP_QUIT,
		[TUI_ACT_PROBE_INJECT] = SS_STEP_PROBE_INJECT,
	};

	if (t->replay.active && tui_actions_protocol(a)) {
		tui_set_status(t, TUI_ROLE_WARNING, "a replay only shows a "
		    "saved session: %s is inactive (Space/n next step, "
		    "Backspace/p back)", tui_actions[a].label);
		return;
	}
	switch (a) {
	case TUI_ACT_CONNECT:
	case TUI_ACT_EHLO:
	case TUI_ACT_HELO:
	case TUI_ACT_STARTTLS:
	case TUI_ACT_RSET:
	case TUI_ACT_NOOP:
	case TUI_ACT_SEND_QUIT:
	case TUI_ACT_PROBE_INJECT:
		actions_start(t, steps[a], NULL);
		break;
	case TUI_ACT_VRFY:
	case TUI_ACT_EXPN:
		actions_prompt_step(t, a);
		break;
	case TUI_ACT_PORT_25:
		actions_port(t, 25, 0);
		break;
	case TUI_ACT_PORT_587:
		actions_port(t, 587, 0);
		break;
	case TUI_ACT_PORT_465:
		actions_port(t, 465, 1);
		break;
	case TUI_ACT_PORT_START:
		actions_port(t, t->start_port, t->start_implicit);
		break;
	case TUI_ACT_STEP_NEXT:
	case TUI_ACT_STEP_PREV:
	case TUI_ACT_STEP_FIRST:
	case TUI_ACT_STEP_LAST:
		actions_replay(t, a);
		break;
	case TUI_ACT_FINDINGS:
		actions_overlay(t, TUI_OVERLAY_FINDINGS);
		break;
	case TUI_ACT_LESSON:
		actions_overlay(t, TUI_OVERLAY_LESSON);
		t->lesson_top = -1;
		break;
	case TUI_ACT_EXPLAIN_MODE:
		actions_explain_mode(t);
		break;
	case TUI_ACT_SAVE:
		tui_save_prompt(t);
		break;
	case TUI_ACT_AUTH:
	case TUI_ACT_MAIL:
	case TUI_ACT_RCPT:
	case TUI_ACT_DATA:
	case TUI_ACT_RAW:
	case TUI_ACT_SEARCH:
		actions_prompt_step(t, a);
		break;
	case TUI_ACT_ACCEPT:
		actions_accept(t);
		break;
	case TUI_ACT_CANCEL:
		actions_cancel(t);
		break;
	case TUI_ACT_COMPARE:
		actions_overlay(t, TUI_OVERLAY_COMPARE);
		break;
	case TUI_ACT_CERT:
		actions_overlay(t, TUI_OVERLAY_CERT);
		break;
	case TUI_ACT_HELP:
		actions_overlay(t, TUI_OVERLAY_HELP);
		break;
	case TUI_ACT_TIMES:
		t->show_times = !t->show_times;
		break;
	case TUI_ACT_BODIES:
		t->expand_bodies = !t->expand_bodies;
		tui_wire_rebuild(t);
		break;
	case TUI_ACT_SEARCH_NEXT:
	case TUI_ACT_SEARCH_PREV:
		if (!tui_wire_search(t, a == TUI_ACT_SEARCH_NEXT ? 1 : -1)) {
			tui_set_status(t, TUI_ROLE_WARNING, "not found: %s",
			    t->search);
		}
		break;
	case TUI_ACT_FOCUS:
	case TUI_ACT_FOCUS_BACK:
		actions_focus(t, a == TUI_ACT_FOCUS ? 1 : -1);
		break;
	case TUI_ACT_THEME:
		actions_theme(t);
		break;
	case TUI_ACT_REDRAW:
		t->redraw_all = 1;
		break;
	case TUI_ACT_QUIT:
		actions_quit(t);
		break;
	default:
		break;
	}
}
