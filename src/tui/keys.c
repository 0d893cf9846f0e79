/*
 * keys.c: the key table.  Each key maps to a named action; each action has
 * a one-line note.  The help overlay and the footer are generated from
 * these two tables, so they cannot drift from what the keys do.
 *
 * n is NOOP, except while a search is active: then n and N move between
 * matches (Esc ends the search and gives n back to NOOP).  In replay the
 * protocol keys are inactive, so Space and n step forwards, Backspace and
 * p back, Home and End go to the first and last step (g and G still move
 * within a pane).
 */

#include <curses.h>

#include "tui-int.h"

const struct tui_action_info tui_actions[TUI_ACT_LAST] = {
#define X(id, label, when, note) { #id, label, when, note },
	TUI_ACTIONS
#undef X
};

static const struct tui_binding keys_table[] = {
	{ 'c', "c", TUI_ACT_CONNECT, 0 },
	{ 'e', "e", TUI_ACT_EHLO, 0 },
	{ 'h', "h", TUI_ACT_HELO, 0 },
	{ 's', "s", TUI_ACT_STARTTLS, 0 },
	{ 'a', "a", TUI_ACT_AUTH, 0 },
	{ 'm', "m", TUI_ACT_MAIL, 0 },
	{ 'r', "r", TUI_ACT_RCPT, 0 },
	{ 'D', "D", TUI_ACT_DATA, 0 },
	{ 'R', "R", TUI_ACT_RSET, 0 },
	{ 'n', "n", TUI_ACT_NOOP, 0 },
	{ 'Q', "Q", TUI_ACT_SEND_QUIT, 0 },
	{ ':', ":", TUI_ACT_RAW, 0 },
	{ 'A', "A", TUI_ACT_ACCEPT, 0 },
	{ TUI_KEY_ESC, "Esc", TUI_ACT_CANCEL, 0 },
	{ 'v', "v", TUI_ACT_COMPARE, 0 },
	{ 't', "t", TUI_ACT_CERT, 0 },
	{ 'T', "T", TUI_ACT_TIMES, 0 },
	{ 'b', "b", TUI_ACT_BODIES, 0 },
	{ '/', "/", TUI_ACT_SEARCH, 0 },
	{ 'n', "n", TUI_ACT_SEARCH_NEXT, TUI_KEYMODE_SEARCH },
	{ 'N', "N", TUI_ACT_SEARCH_PREV, TUI_KEYMODE_SEARCH },
	{ 'n', "n", TUI_ACT_STEP_NEXT, TUI_KEYMODE_REPLAY },
	{ ' ', "Space", TUI_ACT_STEP_NEXT, TUI_KEYMODE_REPLAY },
	{ 'p', "p", TUI_ACT_STEP_PREV, TUI_KEYMODE_REPLAY },
	{ KEY_BACKSPACE, "Backspace", TUI_ACT_STEP_PREV, TUI_KEYMODE_REPLAY },
	{ 127, "Backspace", TUI_ACT_STEP_PREV, TUI_KEYMODE_REPLAY },
	{ TUI_KEY_CTRL('h'), "Backspace", TUI_ACT_STEP_PREV,
	    TUI_KEYMODE_REPLAY },
	{ KEY_HOME, "Home", TUI_ACT_STEP_FIRST, TUI_KEYMODE_REPLAY },
	{ KEY_END, "End", TUI_ACT_STEP_LAST, TUI_KEYMODE_REPLAY },
	{ 'V', "V", TUI_ACT_VRFY, 0 },
	{ 'E', "E", TUI_ACT_EXPN, 0 },
	{ 'I', "I", TUI_ACT_PROBE_INJECT, 0 },
	{ '1', "1", TUI_ACT_PORT_25, 0 },
	{ '2', "2", TUI_ACT_PORT_587, 0 },
	{ '3', "3", TUI_ACT_PORT_465, 0 },
	{ '0', "0", TUI_ACT_PORT_START, 0 },
	{ 'f', "f", TUI_ACT_FINDINGS, 0 },
	{ 'x', "x", TUI_ACT_EXPLAIN_MODE, 0 },
	{ 'L', "L", TUI_ACT_LESSON, 0 },
	{ 'w', "w", TUI_ACT_SAVE, 0 },
	{ TUI_KEY_TAB, "Tab", TUI_ACT_FOCUS, 0 },
	{ KEY_BTAB, "S-Tab", TUI_ACT_FOCUS_BACK, 0 },
	{ KEY_UP, "Up", TUI_ACT_UP, 0 },
	{ 'k', "k", TUI_ACT_UP, 0 },
	{ KEY_DOWN, "Down", TUI_ACT_DOWN, 0 },
	{ 'j', "j", TUI_ACT_DOWN, 0 },
	{ KEY_PPAGE, "PgUp", TUI_ACT_PAGE_UP, 0 },
	{ TUI_KEY_CTRL('b'), "Ctrl-B", TUI_ACT_PAGE_UP, 0 },
	{ KEY_NPAGE, "PgDn", TUI_ACT_PAGE_DOWN, 0 },
	{ TUI_KEY_CTRL('f'), "Ctrl-F", TUI_ACT_PAGE_DOWN, 0 },
	{ ' ', "Space", TUI_ACT_PAGE_DOWN, 0 },
	{ KEY_HOME, "Home", TUI_ACT_TOP, 0 },
	{ 'g', "g", TUI_ACT_TOP, 0 },
	{ KEY_END, "End", TUI_ACT_BOTTOM, 0 },
	{ 'G', "G", TUI_ACT_BOTTOM, 0 },
	{ '\r', "Enter", TUI_ACT_SELECT, 0 },
	{ '\n', "Enter", TUI_ACT_SELECT, 0 },
	{ KEY_ENTER, "Enter", TUI_ACT_SELECT, 0 },
	{ TUI_KEY_CTRL('t'), "Ctrl-T", TUI_ACT_THEME, 0 },
	{ TUI_KEY_CTRL('l'), "Ctrl-L", TUI_ACT_REDRAW, 0 },
	{ '?', "?", TUI_ACT_HELP, 0 },
	{ KEY_F(1), "F1", TUI_ACT_HELP, 0 },
	{ 'q', "q", TUI_ACT_QUIT, 0 },
	{ TUI_KEY_CTRL('c'), "Ctrl-C", TUI_ACT_QUIT, 0 },
};

/* The probes, with what each one shows.  a, m and h are ordinary steps
 * that become probes when used out of order, and the help says so. */
static const struct tui_probe probes_table[] = {
	{ TUI_ACT_PROBE_INJECT, "STARTTLS and RSET in one write: an answer to "
	    "the RSET inside TLS means the server keeps plaintext commands "
	    "across the handshake (CVE-2011-0411)" },
	{ TUI_ACT_AUTH, "before STARTTLS: does the server take a password in "
	    "plaintext?" },
	{ TUI_ACT_MAIL, "before STARTTLS: does the server insist on TLS "
	    "(530 5.7.0) or accept mail without it?" },
	{ TUI_ACT_HELO, "HELO instead of EHLO: an old client, no extensions; "
	    "no STARTTLS, no AUTH" },
	{ TUI_ACT_VRFY, "does the server confirm addresses (user "
	    "harvesting)?" },
	{ TUI_ACT_EXPN, "does the server list a mailing list's members?" },
};

/* Probes in the table. */
size_t
tui_probes_count(void)
{
	return SS_NITEMS(probes_table);
}

/* One probe. */
const struct tui_probe *
tui_probes_at(size_t i)
{
	return i < SS_NITEMS(probes_table) ? &probes_table[i] : NULL;
}

/* Bindings in the table. */
size_t
tui_keys_count(void)
{
	return SS_NITEMS(keys_table);
}

/* One binding. */
const struct tui_binding *
tui_keys_at(size_t i)
{
	return i < SS_NITEMS(keys_table) ? &keys_table[i] : NULL;
}

/* The first binding of a key for exactly this mode (0: every mode). */
static enum tui_action
keys_find(int key, unsigned mode)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(keys_table); i++) {
		if (keys_table[i].key == key && keys_table[i].mode == mode) {
			return keys_table[i].action;
		}
	}
	return TUI_ACT_NONE;
}

/* The action bound to a key: the bindings of an active mode win (search
 * before replay), then those of every mode. */
enum tui_action
tui_keys_lookup(int key, unsigned modes)
{
	static const unsigned	 order[] = {
		TUI_KEYMODE_SEARCH, TUI_KEYMODE_REPLAY
	};
	enum tui_action		 a;
	size_t			 i;

	for (i = 0; i < SS_NITEMS(order); i++) {
		if ((modes & order[i]) &&
		    (a = keys_find(key, order[i])) != TUI_ACT_NONE) {
			return a;
		}
	}
	return keys_find(key, 0);
}

/* The first label bound to an action (the footer shows it). */
const char *
tui_keys_label(enum tui_action a)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(keys_table); i++) {
		if (keys_table[i].action == a) {
			return keys_table[i].label;
		}
	}
	return NULL;
}
