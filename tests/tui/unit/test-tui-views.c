/*
 * test-tui-views.c: the views drawn into the in-memory canvas from a
 * hand-built transcript, read back the way a person reads the screen.
 *
 * The story: a banner full of terminal escapes, EHLO offering STARTTLS,
 * STARTTLS with injected plaintext after the 220, TLS up and verified, EHLO
 * again now offering AUTH, AUTH (redacted), and a message whose long body
 * is folded.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/kb.h"
#include "smtpscope/sasl.h"
#include "smtpscope/transcript.h"

#include "tui-int.h"

#define CIPHER	"TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384"

/* Title change, CSI colours, an 8-bit CSI and a bidi override. */
static const char hostile_banner[] =
    "220 mx.example ESMTP \x1b]0;pwned\x07 \x1b[31mred\x1b[0m "
    "\xc2\x9b" "2J \xe2\x80\xae" "evil\r\n";

struct fixture {
	struct ss_transcript	*tr;
	struct ss_dialog	*d;
	struct tui_config	 cfg;
	struct tui		 t;
	struct tui_grid		*g;
};

/* Append one event of the story. */
static void
ev(struct ss_transcript *tr, enum ss_dir dir, enum ss_kind kind,
    unsigned flags, const char *s)
{
	static uint64_t	t_us;

	t_us += 1500;
	ss_transcript_append(tr, t_us, dir, kind, flags, s, strlen(s));
}

/* The plaintext part: connect, banner, EHLO, STARTTLS, injection. */
static void
story_plain(struct ss_transcript *tr)
{
	ev(tr, SS_DIR_INFO, SS_KIND_CONNECT, 0,
	    "connected to 192.0.2.1 port 25");
	ev(tr, SS_DIR_SERVER, SS_KIND_DATA, 0, hostile_banner);
	ev(tr, SS_DIR_CLIENT, SS_KIND_DATA, 0, "EHLO client.example\r\n");
	ev(tr, SS_DIR_SERVER, SS_KIND_DATA, 0, "250-mx.example Hello\r\n"
	    "250-SIZE 52428800\r\n250-PIPELINING\r\n"
	    "250-XEVIL \x1b[2Jboom\r\n250-STARTTLS\r\n250 HELP\r\n");
	ev(tr, SS_DIR_CLIENT, SS_KIND_DATA, 0, "STARTTLS\r\n");
	ev(tr, SS_DIR_SERVER, SS_KIND_DATA, 0, "220 2.0.0 go ahead\r\n");
	ev(tr, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_DISCARDED,
	    "250 injected\r\n");
}

/* The TLS part: handshake, EHLO, AUTH, a message with a long body. */
static void
story_tls(struct ss_transcript *tr, const char *verify)
{
	struct ss_buf	body;
	int		i;

	ev(tr, SS_DIR_TLS, SS_KIND_TLS_START, 0,
	    "handshake started sni=mx.example");
	ev(tr, SS_DIR_TLS, SS_KIND_TLS_UP, 0, "version=TLSv1.2 cipher="
	    CIPHER);
	ev(tr, SS_DIR_TLS, SS_KIND_TLS_VERIFY, 0, verify);
	ev(tr, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS,
	    "EHLO client.example\r\n");
	ev(tr, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS,
	    "250-mx.example Hello\r\n250-SIZE 52428800\r\n"
	    "250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n");
	ev(tr, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS | SS_EVF_REDACTED,
	    "AUTH PLAIN <redacted, 28 bytes>\r\n");
	ev(tr, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS,
	    "235 2.7.0 Authentication succeeded\r\n");
	ev(tr, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS,
	    "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
	    "DATA\r\n");
	ev(tr, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS,
	    "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n");
	ss_buf_init(&body);
	ss_buf_adds(&body, "Subject: folded\r\n\r\n");
	for (i = 0; i < 20; i++) {
		ss_buf_printf(&body, "body line %d\r\n", i);
	}
	ss_buf_adds(&body, ".\r\n");
	ev(tr, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS, body.data);
	ss_buf_finish(&body);
	ev(tr, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS,
	    "250 2.0.0 queued as 1234\r\n");
}

/* Build the story's dialog and a screen of cols x rows. */
static struct fixture *
setup_story(const char *verify, int cols, int rows)
{
	struct fixture	*f = calloc(1, sizeof *f);

	f->tr = ss_transcript_create();
	story_plain(f->tr);
	story_tls(f->tr, verify);
	f->d = ss_dialog_build(f->tr, ss_transcript_count(f->tr));
	f->cfg.target_label = "mx.example:25";
	tui_init(&f->t, &f->cfg);
	f->t.dialog = f->d;
	f->t.transcript = f->tr;
	f->t.state = SS_STATE_READY;
	tui_refresh(&f->t);
	tui_resize(&f->t, cols, rows);
	f->g = tui_grid_create(cols, rows);
	return f;
}

/* Draw the screen afresh (TUI_TEST_DUMP=1 prints it, for debugging). */
static void
draw(struct fixture *f)
{
	char	*dump;

	tui_grid_clear(f->g);
	tui_draw(&f->t, tui_grid_canvas(f->g));
	if (getenv("TUI_TEST_DUMP") != NULL) {
		dump = tui_grid_dump(f->g);
		fprintf(stderr, "%s\n", dump);
		free(dump);
	}
}

/* Free the fixture. */
static void
teardown_story(struct fixture *f)
{
	tui_finish(&f->t);
	tui_grid_destroy(f->g);
	ss_dialog_destroy(f->d);
	ss_transcript_destroy(f->tr);
	free(f);
}

/* The text of row y inside rectangle r; the caller frees. */
static char *
region_row(struct fixture *f, const struct tui_rect *r, int y)
{
	char	*row = tui_grid_row(f->g, y), *p = row, *out;
	int	 x = 0;

	/* Skip cells up to the rectangle (ASCII in these rows). */
	while (x < r->x && *p != '\0') {
		p++;
		x++;
	}
	out = strdup(p);
	free(row);
	return out;
}

/* The row inside r starting (after blanks) with text; -1 if none. */
static int
region_find(struct fixture *f, const struct tui_rect *r, const char *text)
{
	char	*row, *p;
	int	 y;

	for (y = r->y; y < r->y + r->h; y++) {
		row = region_row(f, r, y);
		p = row + strspn(row, " ");
		if (strncmp(p, text, strlen(text)) == 0) {
			free(row);
			return y;
		}
		free(row);
	}
	return -1;
}

/* Column of text on row y, or -1. */
static int
column_of(struct fixture *f, int y, const char *text)
{
	char	*row = tui_grid_row(f->g, y), *p;
	int	 x;

	p = strstr(row, text);
	x = p != NULL ? (int)(p - row) : -1;
	free(row);
	return x;
}

/* No byte of the hostile banner reaches the screen raw; its escapes are
 * visible, in the escape role. */
static void
test_wire_escapes_hostile_bytes(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 200, 60);
	char		*dump;
	int		 y, x;

	(void)state;
	tui_list_select(&f->t.wire, 0);
	draw(f);
	dump = tui_grid_dump(f->g);
	assert_null(strchr(dump, 0x1b));
	assert_null(strchr(dump, 0x07));
	assert_null(strstr(dump, "\xc2\x9b"));
	assert_null(strstr(dump, "\xe2\x80\xae"));
	free(dump);
	/* S! marks a line with anomalies (here: control bytes). */
	y = region_find(f, &f->t.layout.wire, "S! 220 mx.example ESMTP");
	assert_true(y > 0);
	x = column_of(f, y, "\\e]0;pwned\\x07");
	assert_true(x > 0);
	assert_int_equal(tui_grid_role(f->g, x, y), TUI_ROLE_ESCAPE);
	assert_int_equal(tui_grid_role(f->g, x + 1, y), TUI_ROLE_ESCAPE);
	assert_int_equal(tui_grid_role(f->g, x + 2, y), TUI_ROLE_SERVER);
	assert_true(column_of(f, y, "\\e[31mred\\e[0m") > 0);
	assert_true(column_of(f, y, "\\u{9B}2J") > 0 ||
	    column_of(f, y, "\\u{9b}2J") > 0);
	assert_true(column_of(f, y, "\\u{202E}evil") > 0 ||
	    column_of(f, y, "\\u{202e}evil") > 0);
	/* The escape in a capability's parameters is shown the same way. */
	y = region_find(f, &f->t.layout.caps, "XEVIL");
	assert_true(y > 0);
	x = column_of(f, y, "\\e[2Jboom");
	assert_true(x > 0);
	assert_int_equal(tui_grid_role(f->g, x, y), TUI_ROLE_ESCAPE);
	teardown_story(f);
}

/* The TLS upgrade is a rule carrying version, cipher and verdict; the
 * header says the same. */
static void
test_wire_tls_rule(void **state)
{
	struct fixture	*f = setup_story("verified: the certificate is "
			    "trusted and names mx.example", 200, 60);
	char		*head;
	int		 y;

	(void)state;
	tui_list_select(&f->t.wire, 0);
	draw(f);
	y = region_find(f, &f->t.layout.wire, "T: === TLS established: "
	    "TLSv1.2, certificate verified, " CIPHER);
	assert_true(y > 0);
	assert_int_equal(tui_grid_role(f->g, 5, y), TUI_ROLE_TLS_RULE);
	head = tui_grid_row(f->g, 0);
	assert_non_null(strstr(head, "mx.example:25"));
	assert_non_null(strstr(head, "TLSv1.2 cert verified"));
	free(head);
	teardown_story(f);
}

/* A failed verification says NOT verified, with the reason, in the rule,
 * the header and the certificate view. */
static void
test_wire_tls_not_verified(void **state)
{
	struct fixture	*f = setup_story("NOT verified flags=0x8\nthe "
			    "certificate is not signed by a trusted CA\n",
			    300, 60);
	char		*head;
	int		 y;

	(void)state;
	tui_list_select(&f->t.wire, 0);
	f->t.result = SS_RESULT_VERIFY;
	draw(f);
	y = region_find(f, &f->t.layout.wire, "T: === TLS established: "
	    "TLSv1.2, certificate NOT verified (the certificate is not signed "
	    "by a trusted CA), " CIPHER);
	assert_true(y > 0);
	head = tui_grid_row(f->g, 0);
	assert_non_null(strstr(head, "cert NOT verified"));
	free(head);
	/* The footer offers to go on knowingly. */
	assert_true(column_of(f, f->t.layout.footer.y, "A accept cert") >= 0);
	tui_key(&f->t, 't');
	assert_int_equal(f->t.overlay, TUI_OVERLAY_CERT);
	draw(f);
	assert_true(tui_grid_find(f->g, "NOT verified: the certificate is "
	    "not signed by a trusted CA", NULL) > 0);
	assert_true(tui_grid_find(f->g, "Press A to accept it knowingly",
	    NULL) > 0);
	teardown_story(f);
}

/* Injected plaintext is marked discarded; the AUTH line is redacted. */
static void
test_wire_discarded_and_redacted(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 200, 60);
	int		 y, x;

	(void)state;
	tui_list_select(&f->t.wire, 0);
	draw(f);
	y = region_find(f, &f->t.layout.wire, "S: [discarded] 250 injected");
	assert_true(y > 0);
	x = column_of(f, y, "250 injected");
	assert_int_equal(tui_grid_role(f->g, x, y), TUI_ROLE_DISCARDED);
	y = region_find(f, &f->t.layout.wire, "C: AUTH PLAIN <redacted");
	assert_true(y > 0);
	assert_int_equal(tui_grid_role(f->g, 4, y), TUI_ROLE_REDACTED);
	teardown_story(f);
}

/* One client write of three commands shows as one block (C: then C+);
 * a long body is folded until b unfolds it. */
static void
test_wire_pipelining_and_fold(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 200, 80);
	int		 y;

	(void)state;
	draw(f);
	y = region_find(f, &f->t.layout.wire, "C: MAIL FROM:<a@example.org>");
	assert_true(y > 0);
	assert_int_equal(region_find(f, &f->t.layout.wire,
	    "C+ RCPT TO:<b@example.org>"), y + 1);
	assert_int_equal(region_find(f, &f->t.layout.wire, "C+ DATA"), y + 2);
	assert_true(region_find(f, &f->t.layout.wire,
	    "C+ ... 19 more body lines") > 0);
	assert_int_equal(region_find(f, &f->t.layout.wire,
	    "C+ body line 10"), -1);
	tui_key(&f->t, 'b');
	draw(f);
	assert_true(region_find(f, &f->t.layout.wire, "C+ body line 10") > 0);
	assert_int_equal(region_find(f, &f->t.layout.wire, "C+ ..."), -1);
	teardown_story(f);
}

/* The capability pane: AUTH added after TLS, STARTTLS removed, SIZE in
 * MiB, in words and in their roles. */
static void
test_caps_added_removed(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 120, 40);
	int		 y, x;

	(void)state;
	draw(f);
	assert_true(column_of(f, f->t.layout.caps.y + 1, "before TLS") > 0);
	assert_true(column_of(f, f->t.layout.caps.y + 1, "after TLS") > 0);
	assert_true(column_of(f, f->t.layout.caps.y + 1, "after AUTH") > 0);
	y = region_find(f, &f->t.layout.caps, "AUTH PLAIN LOGIN");
	assert_true(y > 0);
	x = column_of(f, y, "--");
	assert_true(x > column_of(f, y, "LOGIN"));
	x = column_of(f, y, "added");
	assert_true(x > 0);
	assert_int_equal(tui_grid_role(f->g, x, y), TUI_ROLE_ADDED);
	y = region_find(f, &f->t.layout.caps, "STARTTLS");
	assert_true(y > 0);
	assert_true(column_of(f, y, "yes") > 0);
	x = column_of(f, y, "removed");
	assert_true(x > column_of(f, y, "yes"));
	assert_int_equal(tui_grid_role(f->g, x, y), TUI_ROLE_REMOVED);
	y = region_find(f, &f->t.layout.caps, "SIZE 50.0 MiB");
	assert_true(y > 0);
	assert_int_equal(column_of(f, y, "added"), -1);
	assert_int_equal(column_of(f, y, "removed"), -1);
	teardown_story(f);
}

/* At 80x24 the panes stack and the whole EHLO list still shows. */
static void
test_caps_narrow_screen(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 80, 24);
	char		*footer;
	int		 y;

	(void)state;
	draw(f);
	assert_true(f->t.layout.stacked);
	y = region_find(f, &f->t.layout.caps, "AUTH PLAIN LOGIN");
	assert_true(y > 0);
	assert_true(column_of(f, y, "added") > 0);
	assert_true(region_find(f, &f->t.layout.caps, "HELP") > 0);
	footer = tui_grid_row(f->g, 23);
	assert_non_null(strstr(footer, "e EHLO"));
	assert_non_null(strstr(footer, "? help"));
	assert_non_null(strstr(footer, "q quit"));
	free(footer);
	teardown_story(f);
}

/* The comparison view aligns keywords across phases, full width. */
static void
test_compare_view(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 160, 40);
	int		 y;

	(void)state;
	tui_key(&f->t, 'v');
	assert_int_equal(f->t.overlay, TUI_OVERLAY_COMPARE);
	draw(f);
	y = region_find(f, &f->t.layout.body, "AUTH ");
	assert_true(y > 0);
	assert_true(column_of(f, y, "added PLAIN LOGIN") > 0);
	y = region_find(f, &f->t.layout.body, "STARTTLS ");
	assert_true(column_of(f, y, "removed") > 0);
	assert_true(tui_grid_find(f->g, "before TLS -> after TLS: 1 added, "
	    "2 removed, 0 changed", NULL) > 0);
	tui_key(&f->t, 27);
	assert_int_equal(f->t.overlay, TUI_OVERLAY_NONE);
	teardown_story(f);
}

/* The explain pane follows the selection: a reply code, then (after Tab)
 * a capability, with the knowledge base's words. */
static void
test_explain_follows_selection(void **state)
{
	struct fixture			*f = setup_story("verified: ok", 200, 60);
	const struct ss_kb_entry	*e;
	size_t				 i;

	(void)state;
	for (i = 0; i < f->t.nrows; i++) {
		if (strncmp(ss_dialog_line(f->d, f->t.rows[i].line)->bytes,
		    "235 ", 4) == 0) {
			tui_list_select(&f->t.wire, i);
		}
	}
	draw(f);
	e = ss_kb_reply(235);
	assert_non_null(e);
	assert_true(region_find(f, &f->t.layout.explain, "235 ") > 0);
	assert_true(tui_grid_find(f->g, e->title, NULL) > 0);
	tui_key(&f->t, '\t');
	assert_int_equal(f->t.focus, TUI_PANE_CAPS);
	while (strcmp(tui_caps_selected(&f->t)->keyword, "AUTH") != 0) {
		tui_key(&f->t, 'j');
	}
	draw(f);
	e = ss_kb_keyword("AUTH");
	assert_non_null(e);
	assert_true(tui_grid_find(f->g, e->title, NULL) >=
	    f->t.layout.explain.y);
	assert_true(region_find(f, &f->t.layout.explain, "before TLS: not "
	    "offered") > 0);
	teardown_story(f);
}

/* / searches the wire pane; n and N move between matches while the
 * search is active; after Esc, n is NOOP again. */
static void
test_search_then_noop(void **state)
{
	struct fixture		*f = setup_story("verified: ok", 200, 60);
	const struct ss_line	*l;
	size_t			 first;
	const char		*p;

	(void)state;
	tui_list_select(&f->t.wire, 0);
	tui_key(&f->t, '/');
	assert_int_equal(f->t.prompt.kind, TUI_PROMPT_SEARCH);
	for (p = "pipelining"; *p != '\0'; p++) {
		tui_key(&f->t, *p);
	}
	tui_key(&f->t, '\r');
	assert_true(f->t.search_active);
	l = tui_wire_selected(&f->t);
	assert_non_null(strstr(l->bytes, "PIPELINING"));
	first = f->t.wire.sel;
	tui_key(&f->t, 'n');
	assert_true(f->t.wire.sel > first);
	assert_non_null(strstr(tui_wire_selected(&f->t)->bytes, "PIPELINING"));
	tui_key(&f->t, 'N');
	assert_int_equal(f->t.wire.sel, first);
	tui_key(&f->t, 27);
	assert_false(f->t.search_active);
	tui_key(&f->t, 'n');
	/* No session in this test: NOOP says so instead of searching. */
	assert_int_equal(f->t.wire.sel, first);
	assert_non_null(strstr(f->t.status, "no session"));
	teardown_story(f);
}

/* AUTH asks for the mechanism (strongest advertised preselected), the
 * user, then the password, which never appears on screen. */
static void
test_auth_prompts_hide_password(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 120, 40);
	char		*words[] = { "PLAIN", "LOGIN" }, *dump;
	const char	*p;

	(void)state;
	tui_key(&f->t, 'a');
	assert_int_equal(f->t.prompt.kind, TUI_PROMPT_MECH);
	assert_string_equal(f->t.prompt.buf, ss_sasl_choose(words, 2));
	tui_key(&f->t, '\t');
	assert_string_not_equal(f->t.prompt.buf, ss_sasl_choose(words, 2));
	tui_key(&f->t, KEY_BTAB);
	tui_key(&f->t, '\r');
	assert_int_equal(f->t.prompt.kind, TUI_PROMPT_USER);
	for (p = "demo"; *p != '\0'; p++) {
		tui_key(&f->t, *p);
	}
	tui_key(&f->t, '\r');
	assert_int_equal(f->t.prompt.kind, TUI_PROMPT_PASSWORD);
	for (p = "s3cret-pw"; *p != '\0'; p++) {
		tui_key(&f->t, *p);
	}
	draw(f);
	dump = tui_grid_dump(f->g);
	assert_null(strstr(dump, "s3cret"));
	assert_null(strstr(dump, "*********"));
	assert_non_null(strstr(dump, "AUTH password:"));
	free(dump);
	tui_key(&f->t, 27);
	assert_int_equal(f->t.prompt.kind, TUI_PROMPT_NONE);
	assert_null(memmem(f->t.prompt.buf, sizeof f->t.prompt.buf, "s3cret",
	    6));
	teardown_story(f);
}

/* What the user types is shown as typed (a backslash stays one), while
 * a backslash from the server is doubled so escapes stay unambiguous. */
static void
test_prompt_shows_input_as_typed(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 120, 40);
	const char	*p;
	char		*row;

	(void)state;
	tui_key(&f->t, ':');
	assert_int_equal(f->t.prompt.kind, TUI_PROMPT_RAW);
	for (p = "VRFY a\\b \xc3\xa9t\xc3\xa9"; *p != '\0'; p++) {
		tui_key(&f->t, (unsigned char)*p < 0x80 ? *p : 'X');
	}
	tui_key(&f->t, TUI_KEY_UNICODE_FLAG | 0xe9);
	tui_key(&f->t, 0x1b5b);	/* not a key curses sends: ignored */
	draw(f);
	row = tui_grid_row(f->g, f->t.layout.status.y);
	assert_non_null(strstr(row, "raw line: VRFY a\\b"));
	assert_null(strstr(row, "a\\\\b"));
	assert_non_null(strstr(row, "\xc3\xa9"));
	free(row);
	assert_non_null(strstr(f->t.prompt.buf, "\xc3\xa9"));
	teardown_story(f);
}

/* A click selects the line under the pointer and focuses its pane. */
static void
test_click_selects(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 200, 60);
	int		 y;

	(void)state;
	tui_list_select(&f->t.wire, 0);
	draw(f);
	y = region_find(f, &f->t.layout.wire, "C: STARTTLS");
	tui_click(&f->t, 3, y, 0);
	assert_string_equal(tui_wire_selected(&f->t)->bytes, "STARTTLS");
	y = region_find(f, &f->t.layout.caps, "PIPELINING");
	tui_click(&f->t, f->t.layout.caps.x + 3, y, 0);
	assert_int_equal(f->t.focus, TUI_PANE_CAPS);
	assert_string_equal(tui_caps_selected(&f->t)->keyword, "PIPELINING");
	teardown_story(f);
}

/* Every size from tiny to huge draws without leaving the grid (the grid
 * refuses cells outside it; the check is that nothing crashes and the
 * footer is always there). */
static void
test_every_size_draws(void **state)
{
	struct fixture	*f = setup_story("verified: ok", 200, 60);
	int		 cols, rows;

	(void)state;
	for (cols = 20; cols <= 200; cols += 30) {
		for (rows = 5; rows <= 60; rows += 11) {
			tui_grid_destroy(f->g);
			f->g = tui_grid_create(cols, rows);
			tui_resize(&f->t, cols, rows);
			draw(f);
			assert_true(column_of(f, rows - 1, "?") >= 0);
		}
	}
	teardown_story(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_escapes_hostile_bytes),
		cmocka_unit_test(test_wire_tls_rule),
		cmocka_unit_test(test_wire_tls_not_verified),
		cmocka_unit_test(test_wire_discarded_and_redacted),
		cmocka_unit_test(test_wire_pipelining_and_fold),
		cmocka_unit_test(test_caps_added_removed),
		cmocka_unit_test(test_caps_narrow_screen),
		cmocka_unit_test(test_compare_view),
		cmocka_unit_test(test_explain_follows_selection),
		cmocka_unit_test(test_search_then_noop),
		cmocka_unit_test(test_auth_prompts_hide_password),
		cmocka_unit_test(test_prompt_shows_input_as_typed),
		cmocka_unit_test(test_click_selects),
		cmocka_unit_test(test_every_size_draws),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
