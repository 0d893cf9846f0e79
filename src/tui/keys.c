/*
 * keys.c: the key table.  Each key maps to a named action; each action has
 * a one-line note.  The help overlay and the footer are generated from
 * these two tables, so they cannot drift from what the keys do.
 *
 * n is NOOP, except while a search is active: then n and N move between
 * matches (Esc ends the search and gives n back to NOOP).
 */

#include <curses.h>

#include "tui-int.h"

const struct tui_action_info tui_actions[TUI_ACT_LAST] = {
#define X(id, label, when, note) { #id, label, when, note },
	TUI_ACTIONS
#undef X
};

static const struct tui_binding keys_table[] = {
	{ 'c', "c", TUI_ACT_CONNECT },
	{ 'e', "e", TUI_ACT_EHLO },
	{ 'h', "h", TUI_ACT_HELO },
	{ 's', "s", TUI_ACT_STARTTLS },
	{ 'a', "a", TUI_ACT_AUTH },
	{ 'm', "m", TUI_ACT_MAIL },
	{ 'r', "r", TUI_ACT_RCPT },
	{ 'D', "D", TUI_ACT_DATA },
	{ 'R', "R", TUI_ACT_RSET },
	{ 'n', "n", TUI_ACT_NOOP },
	{ 'Q', "Q", TUI_ACT_SEND_QUIT },
	{ ':', ":", TUI_ACT_RAW },
	{ 'A', "A", TUI_ACT_ACCEPT },
	{ TUI_KEY_ESC, "Esc", TUI_ACT_CANCEL },
	{ 'v', "v", TUI_ACT_COMPARE },
	{ 't', "t", TUI_ACT_CERT },
	{ 'T', "T", TUI_ACT_TIMES },
	{ 'b', "b", TUI_ACT_BODIES },
	{ '/', "/", TUI_ACT_SEARCH },
	{ 'n', "n", TUI_ACT_SEARCH_NEXT },
	{ 'N', "N", TUI_ACT_SEARCH_PREV },
	{ TUI_KEY_TAB, "Tab", TUI_ACT_FOCUS },
	{ KEY_BTAB, "S-Tab", TUI_ACT_FOCUS_BACK },
	{ KEY_UP, "Up", TUI_ACT_UP },
	{ 'k', "k", TUI_ACT_UP },
	{ KEY_DOWN, "Down", TUI_ACT_DOWN },
	{ 'j', "j", TUI_ACT_DOWN },
	{ KEY_PPAGE, "PgUp", TUI_ACT_PAGE_UP },
	{ TUI_KEY_CTRL('b'), "Ctrl-B", TUI_ACT_PAGE_UP },
	{ KEY_NPAGE, "PgDn", TUI_ACT_PAGE_DOWN },
	{ TUI_KEY_CTRL('f'), "Ctrl-F", TUI_ACT_PAGE_DOWN },
	{ ' ', "Space", TUI_ACT_PAGE_DOWN },
	{ KEY_HOME, "Home", TUI_ACT_TOP },
	{ 'g', "g", TUI_ACT_TOP },
	{ KEY_END, "End", TUI_ACT_BOTTOM },
	{ 'G', "G", TUI_ACT_BOTTOM },
	{ '\r', "Enter", TUI_ACT_SELECT },
	{ '\n', "Enter", TUI_ACT_SELECT },
	{ KEY_ENTER, "Enter", TUI_ACT_SELECT },
	{ TUI_KEY_CTRL('t'), "Ctrl-T", TUI_ACT_THEME },
	{ TUI_KEY_CTRL('l'), "Ctrl-L", TUI_ACT_REDRAW },
	{ '?', "?", TUI_ACT_HELP },
	{ KEY_F(1), "F1", TUI_ACT_HELP },
	{ 'q', "q", TUI_ACT_QUIT },
	{ TUI_KEY_CTRL('c'), "Ctrl-C", TUI_ACT_QUIT },
};

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

/* Search keys only count while a search is active. */
static int
keys_search_only(enum tui_action a)
{
	return a == TUI_ACT_SEARCH_NEXT || a == TUI_ACT_SEARCH_PREV;
}

/* The action bound to a key; search bindings win while searching. */
enum tui_action
tui_keys_lookup(int key, int search_active)
{
	enum tui_action	found = TUI_ACT_NONE;
	size_t		i;

	for (i = 0; i < SS_NITEMS(keys_table); i++) {
		if (keys_table[i].key != key) {
			continue;
		}
		if (keys_search_only(keys_table[i].action)) {
			if (search_active) {
				return keys_table[i].action;
			}
			continue;
		}
		if (found == TUI_ACT_NONE) {
			found = keys_table[i].action;
		}
	}
	return found;
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
