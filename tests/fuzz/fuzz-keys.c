/*
 * fuzz-keys.c: the explorer driven by keys, over a session with hostile
 * server text.  There is no key-name parser in the TUI (keys are curses
 * codes looked up in the table of keys.c), so this harness fuzzes what
 * keys reach instead: the key table, the prompts (the one-line editor),
 * search, every pane and overlay, clicks, resizes, and drawing into the
 * in-memory canvas.
 *
 * Input: two bytes giving the screen size (tiny sizes included; a first
 * byte of 180 or more starts replay mode, the step cursor of --replay),
 * then a key stream up to the first NUL byte, then bytes appended to the
 * session as one more server read.  In the key stream a byte below 0x80 is that
 * character; 0x80-0xbf picks a curses key, a resize (two more bytes) or a
 * click (three more bytes); 0xc0-0xff with two more bytes is a non-ASCII
 * character.
 *
 * Properties: nothing crashes, and no raw control byte (C0, DEL, C1) ever
 * reaches the screen, whatever the server sent and whatever was typed.
 *
 * The save prompt (w) would write a file at a path the fuzzer typed: it is
 * closed as soon as it opens, so a run never writes anywhere.
 */

#include <curses.h>

#include "fuzz.h"

#include "smtpscope/dialog.h"
#include "smtpscope/session.h"
#include "smtpscope/store.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define FUZZ_MAX_KEYS	256	/* keys per input: keeps each run short */
#define FUZZ_DRAW_EVERY	16	/* draw after this many keys */

/* Banner with a title change, CSI, 8-bit CSI and a bidi override; an
 * EHLO with a hostile keyword; injection after STARTTLS; TLS with a real
 * certificate; AUTH LOGIN with its challenges, one of them hostile, then
 * AUTH PLAIN; a folded DATA body. */
static const char fuzz_session[] =
    "smtpscope-session 1\n"
    "meta host mx.example\n"
    "@0 I connect - connected to 192.0.2.1 port 25\n"
    "@0.01 S data - 220 mx.example ESMTP \\e]0;pwned\\x07 \\e[31mred "
    "\\xC2\\x9B2J \\u{202E}evil\\r\\n\n"
    "@0.02 C data - EHLO client.example\\r\\n\n"
    "@0.03 S data - 250-mx.example Hello\\r\\n250-SIZE 52428800\\r\\n"
    "250-XEVIL \\e[2Jboom\\r\\n250-AUTH=LOGIN\\r\\n250-STARTTLS\\r\\n"
    "250 HELP\\r\\n\n"
    "@0.04 C data - STARTTLS\\r\\n\n"
    "@0.05 S data - 220 2.0.0 go ahead\\r\\n\n"
    "@0.05 S data discarded 250 injected\\r\\n\n"
    "@0.06 T tls-start - handshake started sni=mx.example\n"
    "@0.07 T tls-up - version=TLSv1.2 cipher=TLS-ECDHE-RSA-WITH-AES-256"
    "-GCM-SHA384\n"
    "@0.07 T tls-cert - "
    "MIIDZzCCAk+gAwIBAgIUaXqHD/OUxiIxXrelz1V4lpP1Mp4wDQYJKoZIhvcN"
    "AQELBQAwNDEaMBgGA1UEAwwRbXguc210cHNjb3BlLnRlc3QxFjAUBgNVBAoM"
    "DXNtdHBzY29wZSBlMmUwHhcNMjYxMTI4MDQyMjU1WhcNMjYxMTMwMDQyMjU1"
    "WjA0MRowGAYDVQQDDBFteC5zbXRwc2NvcGUudGVzdDEWMBQGA1UECgwNc210"
    "cHNjb3BlIGUyZTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKLd"
    "5uvJpYHYS/Oxm2Yhij9kGB4d5Lhjt/IHyaAAulXLgF3lXC1f6wnQ8XRnzG+K"
    "gfOJsxUhA1AycfqWkkV4ZoXRSmFARxZ7fUjWiirRbUNHUsiFNXL+b/QL993S"
    "Vy0mlg7gVEp/+R+JK5qCPKUfI6SS61pDJLyNEuvKlf0jI5wUZFCh2VID4cKG"
    "RQrIceXVbPNH1X4i0j95JQ3USgDvEPPt9/J9TihbpzI4rqf/Xr8XETcHDu2a"
    "YU7z2Z0vxpC5dQri/FFHM02DucojxlUWn5S+jKLkLciOWtUlWJ+imP3tedME"
    "kOYdf0SpYmN9h9uFVaVopxVAAQHWXA3FnuYvoHECAwEAAaNxMG8wHQYDVR0O"
    "BBYEFLgJSR8cS6wadCFRTkgCHfIqnEGsMB8GA1UdIwQYMBaAFLgJSR8cS6wa"
    "dCFRTkgCHfIqnEGsMA8GA1UdEwEB/wQFMAMBAf8wHAYDVR0RBBUwE4IRbXgu"
    "c210cHNjb3BlLnRlc3QwDQYJKoZIhvcNAQELBQADggEBAEh6DVGXZ5C7Q5ap"
    "i8ULjELhjPES7gjtgssI2ZcgwokHDLRPqljsIJVEraWPmToLXJpukIF8o9Dt"
    "GsAmEy5t38xdOqAmZYhvKXHSdtGWfWvOx68FH6C0nbxs1QlSg6uUfar/oDEc"
    "evUivD2pPvqgFV7M2b2ifgn8oUzcQpJa7Yb/PS141NQc/rxuzAUfydP+SPB0"
    "bg2DRuyQxuk1vZdLCIjdh9XZy/do/Owx4BU2E6wklJ92zmOhm0AhidKQLERC"
    "EgIqTSSYYuKze2mqrW50W6IX7RY7eAm0YQoOcfNVOso/xmKHU0ivQpulaW6t"
    "SnfgG5UjBuCaD/r1wh0LOkhhk5E="
    "\n"
    "@0.07 T tls-verify - NOT verified flags=0x8\\nthe certificate is "
    "not trusted\n"
    "@0.08 C data tls EHLO client.example\\r\\n\n"
    "@0.09 S data tls 250-mx.example\\r\\n250-AUTH PLAIN LOGIN\\r\\n"
    "250-SIZE x\\r\\n250 HELP\\r\\n\n"
    "@0.095 C data tls AUTH LOGIN\\r\\n\n"
    "@0.096 S data tls 334 VXNlcm5hbWU6\\r\\n\n"
    "@0.097 C data tls,redacted <redacted, 8 bytes>\\r\\n\n"
    "@0.098 S data tls 334 \\e[2J\\r\\n\n"
    "@0.099 C data tls,redacted <redacted, 8 bytes>\\r\\n\n"
    "@0.099 S data tls 535 5.7.8 no\\r\\n\n"
    "@0.10 C data tls,redacted AUTH PLAIN <redacted, 28 bytes>\\r\\n\n"
    "@0.11 S data tls 235 2.7.0 ok\\r\\n\n"
    "@0.12 C data tls MAIL FROM:<a@example.org>\\r\\nRCPT TO:<b@exa"
    "mple.org>\\r\\nDATA\\r\\n\n"
    "@0.13 S data tls 250 ok\\r\\n550-5.1.1 no\\r\\n551 x\\r\\n354 go\\r\\n\n"
    "@0.14 C data tls Subject: x\\r\\n\\r\\n1\\r\\n2\\r\\n3\\r\\n4\\r\\n"
    "5\\r\\n6\\r\\n7\\r\\n8\\r\\n\\xFF\\x00\\e[0m\\r\\n.\\r\\n\n"
    "@0.15 S data tls 250 2.0.0 queued\\r\\n\n"
    "end\n";

/* Keys picked by 0x80-0xbf; the last entries are our own commands. */
#define FUZZ_RESIZE	(-1)
#define FUZZ_CLICK	(-2)
#define FUZZ_DRAW	(-3)
static const int fuzz_special[] = {
	KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_PPAGE, KEY_NPAGE,
	KEY_HOME, KEY_END, KEY_BTAB, KEY_ENTER, KEY_BACKSPACE, KEY_DC,
	KEY_F(1), KEY_F(5), KEY_IC, KEY_SLEFT,
	FUZZ_RESIZE, FUZZ_CLICK, FUZZ_DRAW
};

/* The input being read. */
struct fuzz_in {
	const uint8_t	*p;
	size_t		 len;
};

/* The next byte (0 past the end). */
static uint8_t
fuzz_byte(struct fuzz_in *in)
{
	uint8_t	b;

	if (in->len == 0) {
		return 0;
	}
	b = *in->p++;
	in->len--;
	return b;
}

/* A screen size from two bytes: 1x1 up to 180x60 (past the wide
 * layout's 100 columns; bigger screens only cost time). */
static void
fuzz_size(struct fuzz_in *in, int *cols, int *rows)
{
	*cols = 1 + fuzz_byte(in) % 180;
	*rows = 1 + fuzz_byte(in) % 60;
}

/* The session, plus the input's trailing bytes as one more read. */
static struct ss_transcript *
fuzz_transcript(const struct ss_transcript *base, const uint8_t *extra,
    size_t len)
{
	struct ss_transcript	*tr = ss_transcript_create();
	const struct ss_event	*ev;
	size_t			 i;

	for (i = 0; (ev = ss_transcript_get(base, i)) != NULL; i++) {
		ss_transcript_append(tr, ev->t_us, ev->dir, ev->kind,
		    ev->flags, ev->data, ev->len);
	}
	if (len > 0) {
		ss_transcript_append(tr, 200000, SS_DIR_SERVER, SS_KIND_DATA,
		    SS_EVF_TLS, extra, len);
	}
	return tr;
}

/* Draw the whole screen; nothing raw may be on it. */
static void
fuzz_draw(struct tui *t, int cols, int rows)
{
	struct tui_grid	*g = tui_grid_create(cols, rows);
	char		*dump;

	tui_draw(t, tui_grid_canvas(g));
	dump = tui_grid_dump(g);
	fuzz_check_safe("screen", dump, strlen(dump), "\n");
	free(dump);
	tui_grid_destroy(g);
}

/* Hand a key to the explorer, never letting a save prompt stay open. */
static void
fuzz_press(struct tui *t, int key)
{
	tui_key(t, key);
	if (t->prompt.kind == TUI_PROMPT_SAVE) {
		tui_prompt_close(t);
	}
}

/* One key of the stream; a resize changes *cols and *rows. */
static void
fuzz_key(struct tui *t, struct fuzz_in *in, int *cols, int *rows)
{
	uint8_t		b = fuzz_byte(in);
	uint32_t	cp;
	int		k, x, y;

	if (b < 0x80) {
		fuzz_press(t, b);
		return;
	}
	if (b >= 0xc0) {
		cp = ((uint32_t)(b & 0x1f) << 16 | (uint32_t)fuzz_byte(in) << 8 |
		    fuzz_byte(in)) % 0x110000;
		if (cp >= 0xd800 && cp <= 0xdfff) {
			cp = 0xfffd;
		}
		fuzz_press(t, (int)(TUI_KEY_UNICODE_FLAG | cp));
		return;
	}
	k = fuzz_special[(b - 0x80) % SS_NITEMS(fuzz_special)];
	if (k == FUZZ_RESIZE) {
		fuzz_size(in, cols, rows);
		tui_resize(t, *cols, *rows);
	} else if (k == FUZZ_CLICK) {
		x = fuzz_byte(in) % (*cols + 1);
		y = fuzz_byte(in) % (*rows + 1);
		tui_click(t, x, y, (int)(fuzz_byte(in) % 3) - 1);
	} else if (k == FUZZ_DRAW) {
		fuzz_draw(t, *cols, *rows);
	} else {
		fuzz_press(t, k);
	}
}

/* Load the fixed session once. */
static const struct ss_transcript *
fuzz_base(void)
{
	static struct ss_transcript	*base;
	char				*err = NULL;

	if (base == NULL) {
		base = ss_store_parse(fuzz_session, sizeof fuzz_session - 1,
		    "fuzz-keys", &err);
		if (base == NULL) {
			fprintf(stderr, "%s\n", err);
		}
		FUZZ_CHECK(base != NULL);
	}
	return base;
}

/* Drive the explorer with the input's keys. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in		 in = { data, size }, keys;
	struct tui_config	 cfg;
	struct ss_transcript	*tr;
	struct ss_dialog	*d;
	struct tui		 t;
	const uint8_t		*nul;
	int			 cols, rows, n, replay;

	replay = size > 0 && data[0] >= 180;
	fuzz_size(&in, &cols, &rows);
	nul = memchr(in.p, 0, in.len);
	keys.p = in.p;
	keys.len = nul != NULL ? (size_t)(nul - in.p) : in.len;
	tr = nul != NULL ? fuzz_transcript(fuzz_base(), nul + 1,
	    in.len - keys.len - 1) : fuzz_transcript(fuzz_base(), NULL, 0);
	d = ss_dialog_build(tr, ss_transcript_count(tr));

	memset(&cfg, 0, sizeof cfg);
	cfg.target_label = "mx.example:25";
	tui_init(&t, &cfg);
	t.dialog = d;
	t.transcript = tr;
	t.state = SS_STATE_READY;
	tui_refresh(&t);
	tui_resize(&t, cols, rows);
	if (replay) {
		FUZZ_CHECK(tui_replay_start(&t, tr) == 0);
	}
	for (n = 0; keys.len > 0 && n < FUZZ_MAX_KEYS; n++) {
		fuzz_key(&t, &keys, &cols, &rows);
		if (n % FUZZ_DRAW_EVERY == 0) {
			fuzz_draw(&t, cols, rows);
		}
	}
	fuzz_draw(&t, cols, rows);
	tui_finish(&t);
	ss_dialog_destroy(d);
	ss_transcript_destroy(tr);
	return 0;
}
