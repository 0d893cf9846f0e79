/*
 * test-tui-replay.c: replay mode, the findings view, explain mode, the
 * lesson view and saving, drawn into the in-memory canvas from
 * hand-built transcripts and read back the way a person reads the screen.
 *
 * The lesson transcript is the story: connect, EHLO offering STARTTLS,
 * STARTTLS, TLS up and verified, EHLO again offering AUTH, AUTH LOGIN with
 * its two challenges, three pipelined commands, QUIT.  Each step starts
 * with an I step record, as a live capture writes them.
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
#include <sys/stat.h>
#include <unistd.h>

#include "smtpscope/dialog.h"
#include "smtpscope/findings.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"

#include "tui-int.h"

#define COLS	120
#define ROWS	50

struct fixture {
	struct ss_transcript	*tr;
	struct tui_config	 cfg;
	struct tui		 t;
	struct tui_grid		*g;
	uint64_t		 t_us;
};

/* Append one event. */
static void
ev(struct fixture *f, enum ss_dir dir, enum ss_kind kind, unsigned flags,
    const char *s)
{
	f->t_us += 1000;
	ss_transcript_append(f->tr, f->t_us, dir, kind, flags, s, strlen(s));
}

/* A step record, as the engine writes when the user presses a key. */
static void
step(struct fixture *f, const char *name)
{
	ev(f, SS_DIR_INFO, SS_KIND_STEP, 0, name);
}

/* The story, in six steps. */
static void
story(struct fixture *f)
{
	step(f, "connect");
	ev(f, SS_DIR_INFO, SS_KIND_CONNECT, 0, "connected to 192.0.2.7 port 25");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "220 mx.example.org ESMTP\r\n");
	step(f, "ehlo");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, 0, "EHLO client.example\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "250-mx.example.org Hello\r\n"
	    "250-SIZE 52428800\r\n250-PIPELINING\r\n250-STARTTLS\r\n"
	    "250 HELP\r\n");
	step(f, "starttls");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, 0, "STARTTLS\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "220 2.0.0 go ahead\r\n");
	ev(f, SS_DIR_TLS, SS_KIND_TLS_START, 0, "handshake started "
	    "sni=mx.example.org");
	ev(f, SS_DIR_TLS, SS_KIND_TLS_UP, 0, "version=TLSv1.2 "
	    "cipher=TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384");
	ev(f, SS_DIR_TLS, SS_KIND_TLS_VERIFY, 0, "verified: the certificate "
	    "is trusted and names mx.example.org");
	step(f, "ehlo");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS, "EHLO client.example\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS,
	    "250-mx.example.org Hello\r\n250-SIZE 52428800\r\n"
	    "250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n");
	step(f, "auth LOGIN");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS, "AUTH LOGIN\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS, "334 VXNlcm5hbWU6\r\n");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS | SS_EVF_REDACTED,
	    "<redacted, 8 bytes>\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS, "334 UGFzc3dvcmQ6\r\n");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS | SS_EVF_REDACTED,
	    "<redacted, 16 bytes>\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS,
	    "235 2.7.0 Authentication succeeded\r\n");
	step(f, "mail");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS,
	    "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
	    "RSET\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS,
	    "250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 reset\r\n");
	step(f, "quit");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS, "QUIT\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS, "221 2.0.0 bye\r\n");
	ev(f, SS_DIR_INFO, SS_KIND_CLOSED, 0, "connection closed after QUIT");
	ss_transcript_set_meta(f->tr, "host", "mx.example.org");
	ss_transcript_set_meta(f->tr, "note", "Why AUTH appears only after "
	    "STARTTLS");
}

/* SCRAM-SHA-256 as in RFC 7677, then the client's verdict; the proof
 * was redacted at capture. */
static void
scram_story(struct fixture *f)
{
	step(f, "auth SCRAM-SHA-256");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS, "AUTH SCRAM-SHA-256 "
	    "biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS, "334 cj1yT3ByTkdmd0Vi"
	    "ZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlph"
	    "SjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=\r\n");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS | SS_EVF_REDACTED,
	    "<redacted, 116 bytes>\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS, "334 dj02cnJpVFJCaTIz"
	    "V3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==\r\n");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS, "\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS, "235 2.7.0 ok\r\n");
	ev(f, SS_DIR_INFO, SS_KIND_SASL, 0,
	    "SCRAM-SHA-256 server-signature=ok");
}

/* A fixture around a transcript filled by fill, replayed. */
static struct fixture *
setup_replay(void (*fill)(struct fixture *))
{
	struct fixture	*f = calloc(1, sizeof *f);

	f->tr = ss_transcript_create();
	fill(f);
	f->cfg.target_label = "lesson (replay)";
	tui_init(&f->t, &f->cfg);
	tui_resize(&f->t, COLS, ROWS);
	assert_int_equal(tui_replay_start(&f->t, f->tr), 0);
	f->g = tui_grid_create(COLS, ROWS);
	return f;
}

/* Free it. */
static void
teardown(struct fixture *f)
{
	tui_finish(&f->t);
	tui_grid_destroy(f->g);
	ss_transcript_destroy(f->tr);
	free(f);
}

/* Draw afresh (TUI_TEST_DUMP=1 prints the screen). */
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

/* Is text anywhere on screen? */
static int
on_screen(struct fixture *f, const char *text)
{
	return tui_grid_find(f->g, text, NULL) >= 0;
}

/* The capability pane's row for a keyword, as a person reads it (the
 * part of the screen row inside the pane), or NULL; caller frees. */
static char *
caps_row(struct fixture *f, const char *keyword)
{
	const struct tui_rect	*r = &f->t.layout.caps;
	char			*row, *p;
	int			 y;
	size_t			 n = strlen(keyword);

	for (y = r->y + 2; y < r->y + r->h; y++) {
		row = tui_grid_row(f->g, y);
		p = row + r->x;
		p += strspn(p, " ");
		if (strncmp(p, keyword, n) == 0 && p[n] == ' ') {
			p = strdup(p);
			free(row);
			return p;
		}
		free(row);
	}
	return NULL;
}

/* Assert a keyword's row holds the words given, in order. */
static void
assert_caps(struct fixture *f, const char *keyword, const char *words)
{
	char	*row = caps_row(f, keyword), *at, *w, *copy, *save = NULL;

	if (row == NULL) {
		fail_msg("no %s row in the capability pane", keyword);
	}
	at = row + strlen(keyword);
	copy = strdup(words);
	for (w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if ((at = strstr(at, w)) == NULL) {
			fail_msg("%s row \"%s\" lacks \"%s\"", keyword, row, w);
		}
		at += strlen(w);
	}
	free(copy);
	free(row);
}

/* Replay: six steps, the header says where we are, forwards and
 * backwards the capability table is what was known at each step. */
static void
test_replay_steps(void **state)
{
	struct fixture	*f = setup_replay(story);
	char		*row;

	(void)state;
	assert_int_equal(f->t.replay.nsteps, 7);
	draw(f);
	assert_true(on_screen(f, "step 1 of 7"));
	assert_true(on_screen(f, "S: 220 mx.example.org ESMTP"));
	assert_false(on_screen(f, "EHLO client.example"));
	assert_null(caps_row(f, "STARTTLS"));

	/* Forwards: EHLO, then STARTTLS and EHLO inside TLS. */
	tui_key(&f->t, 'n');
	draw(f);
	assert_true(on_screen(f, "step 2 of 7"));
	assert_caps(f, "STARTTLS", "yes");
	assert_null(caps_row(f, "AUTH"));
	tui_key(&f->t, ' ');
	tui_key(&f->t, ' ');
	draw(f);
	assert_true(on_screen(f, "step 4 of 7"));
	assert_true(on_screen(f, "TLS established"));
	assert_caps(f, "STARTTLS", "yes removed");
	assert_caps(f, "AUTH", "-- added");

	/* Backwards is exact: back to the first EHLO. */
	tui_key(&f->t, 'p');
	tui_key(&f->t, KEY_BACKSPACE);
	draw(f);
	assert_true(on_screen(f, "step 2 of 7"));
	assert_caps(f, "STARTTLS", "yes");
	assert_null(caps_row(f, "AUTH"));
	assert_false(on_screen(f, "TLS established"));
	row = caps_row(f, "STARTTLS");
	assert_null(strstr(row, "removed"));
	free(row);

	/* End and Home: the whole session, the start. */
	tui_key(&f->t, KEY_END);
	draw(f);
	assert_true(on_screen(f, "step 7 of 7"));
	assert_true(on_screen(f, "S: 221 2.0.0 bye"));
	tui_key(&f->t, KEY_HOME);
	draw(f);
	assert_true(on_screen(f, "step 1 of 7"));
	tui_key(&f->t, 'p');
	draw(f);
	assert_true(on_screen(f, "step 1 of 7"));
	assert_non_null(strstr(f->t.status, "first step"));
	teardown(f);
}

/* Stepping forwards feeds the same dialog (no rebuild), and every
 * position equals a dialog built from scratch for its prefix. */
static void
test_replay_incremental(void **state)
{
	struct fixture		*f = setup_replay(story);
	const struct ss_dialog	*before;
	struct ss_dialog	*fresh;
	size_t			 k, i, end;

	(void)state;
	for (k = 0; k < f->t.replay.nsteps; k++) {
		before = f->t.replay.dialog;
		tui_replay_goto(&f->t, k);
		assert_ptr_equal(f->t.replay.dialog, before);
		end = tui_replay_end_event(&f->t, k);
		assert_int_equal(ss_dialog_fed(f->t.dialog), end);
		fresh = ss_dialog_build(f->tr, end);
		assert_int_equal(ss_dialog_line_count(f->t.dialog),
		    ss_dialog_line_count(fresh));
		for (i = 0; i < ss_dialog_line_count(fresh); i++) {
			assert_string_equal(ss_dialog_line(f->t.dialog,
			    i)->bytes, ss_dialog_line(fresh, i)->bytes);
		}
		assert_int_equal(ss_dialog_phase(f->t.dialog),
		    ss_dialog_phase(fresh));
		ss_dialog_destroy(fresh);
	}
	teardown(f);
}

/* In a replay the protocol keys do nothing but say why. */
static void
test_replay_protocol_inactive(void **state)
{
	struct fixture	*f = setup_replay(story);
	size_t		 count = ss_transcript_count(f->tr);

	(void)state;
	tui_key(&f->t, 'e');
	assert_non_null(strstr(f->t.status, "inactive"));
	tui_key(&f->t, 's');
	tui_key(&f->t, 'c');
	assert_int_equal(ss_transcript_count(f->tr), count);
	draw(f);
	/* The footer offers stepping, not protocol steps. */
	assert_true(on_screen(f, "n next step"));
	assert_false(on_screen(f, "e EHLO"));
	teardown(f);
}

/* A pasted telnet log has no step records: the greeting, then one step
 * per client write. */
static void
import_like(struct fixture *f)
{
	ev(f, SS_DIR_INFO, SS_KIND_CONNECT, 0, "connected to 192.0.2.9 port 25");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "220 old.example ESMTP "
	    "Exim 4.63\r\n");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, 0, "EHLO my.host.name.local\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "250-old.example Hello\r\n"
	    "250-SIZE 600000000\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n"
	    "250-STARTTLS\r\n250 HELP\r\n");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, 0, "QUIT\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "221 bye\r\n");
}

static void
test_replay_import_steps(void **state)
{
	struct fixture	*f = setup_replay(import_like);

	(void)state;
	assert_int_equal(f->t.replay.by_records, 0);
	assert_int_equal(f->t.replay.nsteps, 3);
	tui_key(&f->t, 'n');
	draw(f);
	assert_true(on_screen(f, "step 2 of 3"));
	assert_caps(f, "SIZE", "572.2 MiB yes");
	assert_caps(f, "AUTH", "PLAIN LOGIN yes");
	teardown(f);
}

/* Explain mode on SCRAM: each message's fields, proof and signature
 * masked, and the verdict in words. */
static void
test_explain_scram_notes(void **state)
{
	struct fixture	*f = setup_replay(scram_story);

	(void)state;
	tui_key(&f->t, KEY_END);
	tui_key(&f->t, 'x');
	tui_key(&f->t, 'g');
	draw(f);
	assert_true(on_screen(f, "SCRAM client-first: channel binding:"));
	assert_true(on_screen(f, "nonce \"rOprNGfwEbeRWgbNEkqO\""));
	assert_true(on_screen(f, "SCRAM server-first: nonce"));
	assert_true(on_screen(f, "4096 iterations"));
	assert_true(on_screen(f, "SCRAM server-final: the"));
	assert_true(on_screen(f, "signature (masked)"));
	assert_false(on_screen(f, "6rriTRBi"));
	assert_true(on_screen(f, "the server proved it knows the password"));
	teardown(f);
}

/* Explain mode: a note under each line; the AUTH challenges decoded,
 * the answers shown as secrets, EHLO again after TLS, pipelining. */
static void
test_explain_notes(void **state)
{
	struct fixture	*f = setup_replay(story);

	(void)state;
	tui_key(&f->t, KEY_END);
	tui_resize(&f->t, COLS, 140);
	tui_grid_destroy(f->g);
	f->g = tui_grid_create(COLS, 140);
	draw(f);
	assert_false(on_screen(f, "Username:"));
	tui_key(&f->t, 'x');
	tui_key(&f->t, 'g');
	draw(f);
	assert_true(on_screen(f, "AUTH challenge, decoded: \"Username:\""));
	assert_true(on_screen(f, "AUTH challenge, decoded: \"Password:\""));
	assert_true(on_screen(f, "AUTH answer to the challenge: (secret, "
	    "redacted)"));
	assert_true(on_screen(f, "must send EHLO again"));
	assert_true(on_screen(f, "3 commands in one write"));
	assert_true(on_screen(f, "STARTTLS: Upgrade the connection to TLS"));
	assert_true(on_screen(f, "220: Service ready"));
	/* x again: the notes are gone. */
	tui_key(&f->t, 'x');
	draw(f);
	assert_false(on_screen(f, "Username:"));
	teardown(f);
}

/* A server without STARTTLS that offers PLAIN in plaintext. */
static void
no_starttls(struct fixture *f)
{
	step(f, "connect");
	ev(f, SS_DIR_INFO, SS_KIND_CONNECT, 0, "connected to 192.0.2.8 port 25");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "220 plain.example ESMTP\r\n");
	step(f, "ehlo");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, 0, "EHLO client.example\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "250-plain.example Hello\r\n"
	    "250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n");
	step(f, "quit");
	ev(f, SS_DIR_CLIENT, SS_KIND_DATA, 0, "QUIT\r\n");
	ev(f, SS_DIR_SERVER, SS_KIND_DATA, 0, "221 bye\r\n");
}

/* The row on screen holding text, or -1. */
static int
row_of(struct fixture *f, const char *text)
{
	return tui_grid_find(f->g, text, NULL);
}

/* Findings: the right IDs for the prefix, the evidence highlighted, the
 * set-ups judged, the counts in the header. */
static void
test_findings_view(void **state)
{
	struct fixture	*f = setup_replay(no_starttls);
	int		 y, x;

	(void)state;
	draw(f);
	assert_true(on_screen(f, "no findings"));
	tui_key(&f->t, KEY_END);
	tui_key(&f->t, 'f');
	assert_int_equal(f->t.overlay, TUI_OVERLAY_FINDINGS);
	draw(f);
	assert_true(on_screen(f, "starttls-not-advertised"));
	assert_true(on_screen(f, "auth-plaintext-offered"));
	assert_false(on_screen(f, "auth-only-after-tls"));
	assert_true(on_screen(f, "(RFC 3207"));
	assert_true(on_screen(f, "Will this client set-up work?"));
	assert_true(on_screen(f, "will fail"));
	/* The header counts them. */
	assert_true(on_screen(f, "1 error 1 warning"));
	/* The first finding (starttls-not-advertised) is selected; its
	 * evidence, the EHLO reply, is highlighted in the wire pane. */
	y = row_of(f, "S: 250 AUTH PLAIN LOGIN");
	assert_true(y > 0);
	assert_int_equal(tui_grid_role(f->g, 0, y), TUI_ROLE_EVIDENCE);
	y = row_of(f, "C: QUIT");
	assert_int_not_equal(tui_grid_role(f->g, 0, y), TUI_ROLE_EVIDENCE);
	/* Down selects the next; Enter selects its evidence line. */
	tui_key(&f->t, KEY_DOWN);
	tui_key(&f->t, '\r');
	assert_int_equal(f->t.focus, TUI_PANE_WIRE);
	assert_int_equal(ss_dialog_line(f->t.dialog,
	    f->t.rows[f->t.wire.sel].line)->dir, SS_DIR_SERVER);
	draw(f);
	assert_true(tui_grid_find(f->g, ">warning", &x) > 0);
	/* Back to step 1: nothing to find yet. */
	tui_key(&f->t, KEY_HOME);
	draw(f);
	assert_false(on_screen(f, "starttls-not-advertised"));
	teardown(f);
}

/* The lesson: the teacher's note, a paragraph per step up to the
 * cursor, the capability change in words. */
static void
test_lesson_view(void **state)
{
	struct fixture	*f = setup_replay(story);
	struct tui_flow	 fl;
	struct tui_grid	*g = tui_grid_create(100, 200);
	struct tui_rect	 r = { 0, 0, 100, 200 };
	char		*dump;

	(void)state;
	tui_replay_goto(&f->t, 3);
	tui_flow_init(&fl, tui_grid_canvas(g), &r, 0);
	tui_lesson_flow(&f->t, &fl);
	tui_flow_finish(&fl);
	dump = tui_grid_dump(g);
	if (getenv("TUI_TEST_DUMP") != NULL) {
		fprintf(stderr, "%s\n", dump);
	}
	assert_non_null(strstr(dump, "Lesson: Why AUTH appears only after "
	    "STARTTLS"));
	assert_non_null(strstr(dump, "Step 1: connect"));
	assert_non_null(strstr(dump, "Step 4: ehlo"));
	assert_null(strstr(dump, "Step 5"));
	assert_non_null(strstr(dump, "The client sent STARTTLS"));
	assert_non_null(strstr(dump, "TLS came up"));
	assert_non_null(strstr(dump, "Added: AUTH"));
	assert_non_null(strstr(dump, "Removed: STARTTLS"));
	assert_non_null(strstr(dump, "AUTH is offered"));
	free(dump);
	tui_grid_destroy(g);
	/* L opens it beside the wire pane, at the current step. */
	tui_key(&f->t, 'L');
	draw(f);
	assert_int_equal(f->t.overlay, TUI_OVERLAY_LESSON);
	assert_true(on_screen(f, "Step 4: ehlo"));
	assert_true(on_screen(f, "C: STARTTLS"));
	teardown(f);
}

/* The default file name: host and time, nothing that climbs out. */
static void
test_save_name(void **state)
{
	struct fixture	*f = setup_replay(story);
	char		 name[256];

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	tui_save_default_name(&f->t, 1795839120, name, sizeof name);
	assert_string_equal(name,
	    "smtpscope-mx.example.org-20261128-0412.smtpscope");
	ss_transcript_set_meta(f->tr, "host", "../../etc/x:25");
	tui_save_default_name(&f->t, 1795839120, name, sizeof name);
	assert_null(strchr(name, '/'));
	assert_string_equal(name, "smtpscope-etcx_25-20261128-0412.smtpscope");
	teardown(f);
}

/* w: the prompt offers the name; Enter saves the whole session, mode
 * 0600, and the file loads back. */
static void
test_save_file(void **state)
{
	struct fixture		*f = setup_replay(story);
	struct ss_transcript	*back;
	struct stat		 st;
	char			 dir[] = "/tmp/tui-save-XXXXXX", path[300];
	char			*err = NULL;
	size_t			 i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	tui_key(&f->t, 'w');
	assert_int_equal(f->t.prompt.kind, TUI_PROMPT_SAVE);
	assert_non_null(strstr(f->t.prompt.buf, "smtpscope-mx.example.org-"));
	/* Replace the name with a path of our own. */
	tui_key(&f->t, TUI_KEY_CTRL('u'));
	snprintf(path, sizeof path, "%s/lesson.smtpscope", dir);
	for (i = 0; path[i] != '\0'; i++) {
		tui_key(&f->t, path[i]);
	}
	tui_key(&f->t, '\r');
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(strstr(f->t.status, path));
	back = ss_store_load(path, SS_IMPORT_FORMAT_LAST, &err);
	assert_non_null(back);
	assert_int_equal(ss_transcript_count(back), ss_transcript_count(f->tr));
	ss_transcript_destroy(back);
	/* An unwritable place: the status says why. */
	tui_save_to(&f->t, "/nonexistent-dir/x.smtpscope");
	assert_int_equal(f->t.status_role, TUI_ROLE_ERROR);
	assert_non_null(strstr(f->t.status, "not saved"));
	unlink(path);
	rmdir(dir);
	teardown(f);
}

/* A shipped lesson, loaded as --replay loads it and shown at its end. */
static struct fixture *
setup_lesson(const char *name)
{
	struct fixture	*f = calloc(1, sizeof *f);
	const char	*dir = getenv("SMTPSCOPE_LESSONS");
	char		 path[512], *err = NULL;

	assert_non_null(dir);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f->tr = ss_store_load(path, SS_IMPORT_FORMAT_LAST, &err);
	if (f->tr == NULL) {
		fail_msg("%s", err);
	}
	tui_init(&f->t, &f->cfg);
	tui_resize(&f->t, COLS, ROWS);
	assert_int_equal(tui_replay_start(&f->t, f->tr), 0);
	assert_non_null(ss_transcript_meta(f->tr, "note"));
	f->g = tui_grid_create(COLS, ROWS);
	tui_key(&f->t, KEY_END);
	return f;
}

/* The lessons teach what they say: AUTH after TLS, no STARTTLS, an
 * expired certificate, SCRAM. */
static void
test_shipped_lessons(void **state)
{
	struct fixture	*f;

	(void)state;
	f = setup_lesson("story.smtpscope");
	draw(f);
	assert_caps(f, "AUTH", "-- added");
	assert_caps(f, "STARTTLS", "yes removed");
	assert_true(on_screen(f, "S: 235 "));
	tui_key(&f->t, 'f');
	draw(f);
	assert_true(on_screen(f, "auth-only-after-tls"));
	teardown(f);

	f = setup_lesson("no-starttls.smtpscope");
	tui_key(&f->t, 'f');
	draw(f);
	assert_true(on_screen(f, "starttls-not-advertised"));
	assert_false(on_screen(f, "TLS established"));
	teardown(f);

	f = setup_lesson("expired-cert.smtpscope");
	tui_key(&f->t, 'f');
	draw(f);
	assert_true(on_screen(f, "cert-expired"));
	assert_true(on_screen(f, "cert NOT verified"));
	tui_key(&f->t, 'L');
	tui_key(&f->t, 'g');
	draw(f);
	assert_true(on_screen(f, "Certificate check: NOT verified: a"));
	teardown(f);

	/* SCRAM: the password never travels; the server proves itself. */
	f = setup_lesson("scram.smtpscope");
	tui_key(&f->t, 'x');
	draw(f);
	assert_true(on_screen(f, "SCRAM server-first: nonce"));
	assert_true(on_screen(f, "(secret, redacted)"));
	assert_true(on_screen(f, "the server proved it knows the password"));
	assert_false(on_screen(f, "demo-password"));
	teardown(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_steps),
		cmocka_unit_test(test_replay_incremental),
		cmocka_unit_test(test_replay_protocol_inactive),
		cmocka_unit_test(test_replay_import_steps),
		cmocka_unit_test(test_explain_notes),
		cmocka_unit_test(test_explain_scram_notes),
		cmocka_unit_test(test_findings_view),
		cmocka_unit_test(test_lesson_view),
		cmocka_unit_test(test_save_name),
		cmocka_unit_test(test_save_file),
		cmocka_unit_test(test_shipped_lessons),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
