/*
 * tui-int.h: the explorer's internal interfaces.  Nothing here is public:
 * the CLI sees only tui.h.
 *
 * Pieces, one file each:
 *   canvas.c         drawing text with a theme role, clipped to a rectangle;
 *                    every string goes through the core's escaper
 *   canvas-curses.c  the ncursesw backend
 *   canvas-grid.c    an in-memory grid backend, for tests
 *   layout.c         terminal size -> rectangles (a pure function)
 *   theme.c          roles, theme files, lookup, colour degradation
 *   keys.c           the key table: key -> named action with a note
 *   list.c           the one scrolling list every view uses
 *   wire.c caps.c explain.c compare.c cert.c help.c
 *                    the views: draw, key (an action), resize
 *   bars.c           header, status line and footer
 *   prompt.c         the one-line editor (text, hidden input)
 *   actions.c        what each action does to the session and the screen
 *   loop.c           tui_run and tui_replay: the poll loop over terminal,
 *                    session, signals
 *   replay.c         replay mode: steps of a loaded transcript, a cursor
 *   findings.c       the findings view and the header's counts
 *   notes.c          explain mode: a teaching note under each wire line
 *   lesson.c         the lesson view: a paragraph per step
 *   save.c           w: the file name prompt and ss_store_save
 *   pick.c           tui_pick: choose one of a domain's mail exchangers
 *                    on a screen of its own before the explorer starts
 *
 * Ownership: struct tui borrows the session, its dialog and transcript; it
 * owns its view state.  Views never free transcript or dialog memory.  In
 * replay mode the transcript is borrowed from the caller and the dialog of
 * the prefix at the cursor is owned by struct tui_replay.
 */
#ifndef SMTPSCOPE_TUI_INT_H
#define SMTPSCOPE_TUI_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "smtpscope/caps.h"
#include "smtpscope/findings.h"
#include "smtpscope/dialog.h"
#include "smtpscope/session.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#include "tui.h"

/* ------------------------------------------------------------------ */
/* Geometry.                                                           */

struct tui_rect {
	int	x, y, w, h;
};

/* ------------------------------------------------------------------ */
/* Theme roles: name, default fg, default bg, attributes, and the
 * attributes used when there is no colour at all.                    */

#define TUI_ATTR_BOLD		0x01
#define TUI_ATTR_UNDERLINE	0x02
#define TUI_ATTR_REVERSE	0x04
#define TUI_ATTR_DIM		0x08
#define TUI_ATTR_ITALIC		0x10
#define TUI_ATTR_STANDOUT	0x20

/* A colour: -1 default, 0-255 an indexed colour, or TUI_RGB(r, g, b). */
#define TUI_COLOR_DEFAULT	(-1)
#define TUI_RGB_FLAG		0x1000000
#define TUI_RGB(r, g, b)	(TUI_RGB_FLAG | ((r) << 16) | ((g) << 8) | (b))

/* B, U, R and D are defined where the list is expanded (theme.c). */
#define TUI_ROLES							\
	X(NORMAL,	"normal",	-1, -1, 0, 0)			\
	X(HEADER,	"header",	15,  4, B, R)			\
	X(FOOTER,	"footer",	-1, -1, 0, 0)			\
	X(FOOTER_KEY,	"footer-key",	11, -1, B, B)			\
	X(STATUS,	"status",	-1, -1, 0, 0)			\
	X(TITLE,	"title",	 7,  8, 0, U)			\
	X(TITLE_FOCUS,	"title-focus",	15,  4, B, R)			\
	X(BORDER,	"border",	 8, -1, 0, 0)			\
	X(CLIENT,	"client",	14, -1, 0, 0)			\
	X(SERVER,	"server",	-1, -1, 0, 0)			\
	X(SERVER_ERROR,	"server-error",	 9, -1, 0, B)			\
	X(RECORD,	"record",	 8, -1, 0, D)			\
	X(TLS_RULE,	"tls-rule",	10, -1, B, B)			\
	X(OK,		"ok",		10, -1, 0, 0)			\
	X(WARNING,	"warning",	11, -1, B, B)			\
	X(ERROR,	"error",	 9, -1, B, B|U)			\
	X(ESCAPE,	"escape",	13, -1, B, R)			\
	X(REDACTED,	"redacted",	 5, -1, 0, U)			\
	X(DISCARDED,	"discarded",	 9, -1, D, D)			\
	X(SELECTED,	"selected",	-1,  8, 0, R)			\
	X(MATCH,	"match",	 0, 11, 0, U)			\
	X(ADDED,	"added",	10, -1, B, B)			\
	X(REMOVED,	"removed",	 9, -1, B, U)			\
	X(CHANGED,	"changed",	11, -1, 0, B)			\
	X(ABSENT,	"absent",	 8, -1, 0, D)			\
	X(HEADING,	"heading",	-1, -1, B, B)			\
	X(DIM,		"dim",		 8, -1, 0, D)			\
	X(PROMPT,	"prompt",	11, -1, B, B)			\
	X(INPUT,	"input",	-1, -1, 0, 0)			\
	X(NOTE,		"note",		 6, -1, 0, D)			\
	X(EVIDENCE,	"evidence",	-1, -1, B|R, B|R)

enum tui_role {
#define X(id, name, fg, bg, attrs, mono) TUI_ROLE_##id,
	TUI_ROLES
#undef X
	TUI_ROLE_LAST
};
extern const char *const tui_role_names[TUI_ROLE_LAST];

struct tui_style {
	int		 fg;
	int		 bg;
	unsigned	 attrs;
};

struct tui_theme {
	char		 name[64];
	struct tui_style roles[TUI_ROLE_LAST];
	unsigned	 mono[TUI_ROLE_LAST];	/* attributes without colour */
};

/* The theme compiled in (the same as themes/default.theme). */
void	tui_theme_builtin(struct tui_theme *);
/* Parse theme text into a copy of *theme; *theme changes only on
 * success.  On error *err is "FILE:LINE: reason" (caller frees). */
int	tui_theme_parse(struct tui_theme *, const char *file, const char *,
	    size_t, char **err);
/* Find a theme by name or path (doc/themes.md gives the order); returns
 * a path the caller frees, or NULL. */
char	*tui_theme_find(const char *);
/* Find, read and parse; *theme changes only on success. */
int	tui_theme_load(struct tui_theme *, const char *, char **err);
/* A colour as the terminal can show it: RGB -> 256 -> 16 -> 8 -> none
 * (-1).  ncolors is the terminal's colour count (0: none). */
int	tui_theme_degrade(int color, int ncolors);
int	tui_theme_role_from_name(const char *);

/* ------------------------------------------------------------------ */
/* Canvas: a backend draws one cell; everything else is generic.        */

struct tui_canvas;

struct tui_canvas_ops {
	/* Draw one character cluster (UTF-8, safe) of width 1 or 2. */
	void	(*cell)(struct tui_canvas *, int x, int y, const char *,
		    size_t, int width, enum tui_role);
	void	(*size)(struct tui_canvas *, int *w, int *h);
	void	(*cursor)(struct tui_canvas *, int x, int y, int visible);
};

struct tui_canvas {
	const struct tui_canvas_ops	*ops;
	void				*data;
};

/*
 * Draw text at x, y clipped to clip; returns the x after it.  Every
 * string, ours or the server's, is passed through ss_text_escape_cb:
 * tui_canvas_text draws escapes in the text's own role (for our own
 * strings, which have none), tui_canvas_wire in TUI_ROLE_ESCAPE (for
 * untrusted bytes).
 */
int	tui_canvas_text(struct tui_canvas *, const struct tui_rect *, int x,
	    int y, enum tui_role, const char *, size_t);
int	tui_canvas_str(struct tui_canvas *, const struct tui_rect *, int x,
	    int y, enum tui_role, const char *);
int	tui_canvas_printf(struct tui_canvas *, const struct tui_rect *, int x,
	    int y, enum tui_role, const char *, ...)
	    __attribute__((format(printf, 6, 7)));
int	tui_canvas_wire(struct tui_canvas *, const struct tui_rect *, int x,
	    int y, enum tui_role, const void *, size_t);
/* Fill a rectangle with blanks of a role. */
void	tui_canvas_fill(struct tui_canvas *, const struct tui_rect *,
	    enum tui_role);
/* Cells the escaped form of bytes takes. */
int	tui_canvas_width(const void *, size_t);
/* Clip r to the intersection with clip. */
struct tui_rect tui_rect_clip(const struct tui_rect *,
	    const struct tui_rect *);

/*
 * A flow: word-wrapped text filling a rectangle from the top, skipping
 * the first `skip` lines (scrolling).  After drawing, lines is the total
 * number of lines the text took, drawn or not.
 */
struct tui_flow {
	struct tui_canvas	*cv;	/* NULL: measure only */
	struct tui_rect		 r;
	int			 skip;
	int			 x;	/* column within r */
	int			 line;	/* current line, from 0 */
	int			 lines;
	int			 indent;
};
void	tui_flow_init(struct tui_flow *, struct tui_canvas *,
	    const struct tui_rect *, int skip);
/* Text that may come from the wire (escaped; escapes in escape_role). */
void	tui_flow_add(struct tui_flow *, enum tui_role, enum tui_role,
	    const char *, size_t);
void	tui_flow_adds(struct tui_flow *, enum tui_role, const char *);
void	tui_flow_printf(struct tui_flow *, enum tui_role, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Untrusted text of several lines ('\n' starts a new line). */
void	tui_flow_lines(struct tui_flow *, enum tui_role, const char *);
void	tui_flow_newline(struct tui_flow *);
int	tui_flow_finish(struct tui_flow *);

/* The in-memory backend. */
struct tui_grid;
struct tui_grid	*tui_grid_create(int w, int h);
void		 tui_grid_destroy(struct tui_grid *);
struct tui_canvas *tui_grid_canvas(struct tui_grid *);
void		 tui_grid_clear(struct tui_grid *);
/* Row text (UTF-8, trailing blanks kept); the caller frees. */
char		*tui_grid_row(const struct tui_grid *, int y);
/* The whole grid, rows joined by '\n'; the caller frees. */
char		*tui_grid_dump(const struct tui_grid *);
/* Role of a cell, or -1 outside the grid. */
int		 tui_grid_role(const struct tui_grid *, int x, int y);
/* Find text on any row: returns the row and sets *x, or -1. */
int		 tui_grid_find(const struct tui_grid *, const char *, int *x);

/* The ncursesw backend (canvas-curses.c). */
struct tui_canvas *tui_curses_canvas(void);
/* Start and stop curses; init returns -1 if the terminal cannot. */
int		 tui_curses_init(char **err);
void		 tui_curses_end(void);
void		 tui_curses_apply_theme(const struct tui_theme *);
int		 tui_curses_colors(void);
/* Show what was drawn; clear_all repaints every cell (Ctrl-L). */
void		 tui_curses_flush(int clear_all);

/* ------------------------------------------------------------------ */
/* Layout.                                                             */

#define TUI_WIDE_COLUMNS	100	/* side by side from here */

struct tui_layout {
	struct tui_rect	 screen;
	struct tui_rect	 header;	/* first row */
	struct tui_rect	 body;		/* everything between: overlays */
	struct tui_rect	 wire;		/* pane rects include their title */
	struct tui_rect	 caps;
	struct tui_rect	 explain;
	struct tui_rect	 status;	/* status or prompt line */
	struct tui_rect	 footer;	/* last row */
	int		 stacked;
};

void	tui_layout_compute(int cols, int rows, struct tui_layout *);

/* ------------------------------------------------------------------ */
/* Keys and actions.                                                   */

/* When an action makes sense, for the footer. */
#define TUI_WHEN_ALWAYS		0x00
#define TUI_WHEN_OFFLINE	0x01	/* not connected */
#define TUI_WHEN_READY		0x02	/* connected, nothing running */
#define TUI_WHEN_BUSY		0x04	/* a step is running */
#define TUI_WHEN_VERIFY		0x08	/* certificate verification failed */
#define TUI_WHEN_SEARCH		0x10	/* a search is active */
#define TUI_WHEN_OVERLAY	0x20	/* an overlay is open */
#define TUI_WHEN_TLS		0x40	/* a handshake happened */
#define TUI_WHEN_NEVER		0x80	/* never in the footer */
#define TUI_WHEN_REPLAY		0x100	/* replaying a saved session */

#define TUI_ACTIONS							\
	X(NONE,		"",		TUI_WHEN_NEVER,			\
	    "does nothing")						\
	X(CONNECT,	"connect",	TUI_WHEN_OFFLINE | TUI_WHEN_READY | \
	    TUI_WHEN_VERIFY,						\
	    "connect, or reconnect (the transcript is kept)")		\
	X(PORT_25,	"port 25",	TUI_WHEN_OFFLINE | TUI_WHEN_READY | \
	    TUI_WHEN_NEVER,						\
	    "reconnect on port 25 (SMTP relay, STARTTLS if offered)")	\
	X(PORT_587,	"port 587",	TUI_WHEN_OFFLINE | TUI_WHEN_READY | \
	    TUI_WHEN_NEVER,						\
	    "reconnect on port 587 (submission, STARTTLS)")		\
	X(PORT_465,	"port 465",	TUI_WHEN_OFFLINE | TUI_WHEN_READY | \
	    TUI_WHEN_NEVER,						\
	    "reconnect on port 465 (submissions, TLS from the first byte)") \
	X(PORT_START,	"first port",	TUI_WHEN_OFFLINE | TUI_WHEN_READY | \
	    TUI_WHEN_NEVER,						\
	    "reconnect on the port smtpscope started with (and its TLS)") \
	X(EHLO,		"EHLO",		TUI_WHEN_READY,			\
	    "send EHLO and read the capabilities")			\
	X(HELO,		"HELO",		TUI_WHEN_READY | TUI_WHEN_NEVER, \
	    "send HELO instead of EHLO (probe: no capabilities come back)") \
	X(STARTTLS,	"STARTTLS",	TUI_WHEN_READY,			\
	    "send STARTTLS and start the TLS handshake")		\
	X(AUTH,		"AUTH",		TUI_WHEN_READY,			\
	    "authenticate: mechanism, user name, password (hidden)")	\
	X(MAIL,		"MAIL",		TUI_WHEN_READY,			\
	    "send MAIL FROM (address prompt)")				\
	X(RCPT,		"RCPT",		TUI_WHEN_READY,			\
	    "send RCPT TO (address prompt)")				\
	X(DATA,		"DATA",		TUI_WHEN_READY,			\
	    "send DATA and a short test message you can edit")		\
	X(RSET,		"RSET",		TUI_WHEN_READY | TUI_WHEN_NEVER, \
	    "send RSET")						\
	X(NOOP,		"NOOP",		TUI_WHEN_READY | TUI_WHEN_NEVER, \
	    "send NOOP (while a search is active n finds the next match)") \
	X(SEND_QUIT,	"QUIT",		TUI_WHEN_READY | TUI_WHEN_VERIFY, \
	    "send QUIT and let the server close")			\
	X(RAW,		"raw",		TUI_WHEN_READY,			\
	    "type any line and send it as it is")			\
	X(VRFY,		"VRFY",		TUI_WHEN_READY | TUI_WHEN_NEVER, \
	    "probe: send VRFY for an address (does the server reveal users?)") \
	X(EXPN,		"EXPN",		TUI_WHEN_READY | TUI_WHEN_NEVER, \
	    "probe: send EXPN for a list (does the server reveal members?)") \
	X(PROBE_INJECT,	"inject probe",	TUI_WHEN_READY | TUI_WHEN_NEVER, \
	    "probe: STARTTLS and RSET in one write (command injection, " \
	    "CVE-2011-0411)")						\
	X(ACCEPT,	"accept cert",	TUI_WHEN_VERIFY,		\
	    "accept a certificate that failed verification and go on") \
	X(CANCEL,	"cancel",	TUI_WHEN_BUSY | TUI_WHEN_SEARCH | \
	    TUI_WHEN_OVERLAY,						\
	    "close the overlay, end the search, or cancel the step")	\
	X(STEP_NEXT,	"next step",	TUI_WHEN_REPLAY,		\
	    "replay: show the next step")				\
	X(STEP_PREV,	"prev step",	TUI_WHEN_REPLAY,		\
	    "replay: go back one step")					\
	X(STEP_FIRST,	"first step",	TUI_WHEN_REPLAY | TUI_WHEN_NEVER, \
	    "replay: go to the first step")				\
	X(STEP_LAST,	"last step",	TUI_WHEN_REPLAY | TUI_WHEN_NEVER, \
	    "replay: go to the last step (the whole session)")		\
	X(COMPARE,	"compare",	TUI_WHEN_ALWAYS,		\
	    "compare capabilities before/after TLS and AUTH, full width") \
	X(CERT,		"cert",		TUI_WHEN_TLS | TUI_WHEN_VERIFY,	\
	    "show the TLS summary and the server's certificate chain")	\
	X(FINDINGS,	"findings",	TUI_WHEN_ALWAYS,		\
	    "findings with their evidence, and which client set-ups work") \
	X(EXPLAIN_MODE,	"explain",	TUI_WHEN_ALWAYS,		\
	    "explain mode: a note under every wire line saying what it means") \
	X(LESSON,	"lesson",	TUI_WHEN_REPLAY,		\
	    "lesson: a short paragraph per step, up to the current one") \
	X(SAVE,		"save",		TUI_WHEN_ALWAYS,		\
	    "save the session to a file (name editable, mode 0600)")	\
	X(TIMES,	"times",	TUI_WHEN_NEVER,			\
	    "show or hide timestamps and reply latency")		\
	X(BODIES,	"bodies",	TUI_WHEN_NEVER,			\
	    "expand or collapse long DATA bodies")			\
	X(SEARCH,	"search",	TUI_WHEN_NEVER,			\
	    "search the wire pane")					\
	X(SEARCH_NEXT,	"next",		TUI_WHEN_SEARCH,		\
	    "next match (only while a search is active)")		\
	X(SEARCH_PREV,	"prev",		TUI_WHEN_SEARCH,		\
	    "previous match (only while a search is active)")		\
	X(FOCUS,	"focus",	TUI_WHEN_NEVER,			\
	    "move focus: wire, capabilities, explain")			\
	X(FOCUS_BACK,	"focus back",	TUI_WHEN_NEVER,			\
	    "move focus backwards")					\
	X(UP,		"up",		TUI_WHEN_NEVER,			\
	    "select the previous line")					\
	X(DOWN,		"down",		TUI_WHEN_NEVER,			\
	    "select the next line")					\
	X(PAGE_UP,	"page up",	TUI_WHEN_NEVER,			\
	    "scroll one page up")					\
	X(PAGE_DOWN,	"page down",	TUI_WHEN_NEVER,			\
	    "scroll one page down")					\
	X(TOP,		"top",		TUI_WHEN_NEVER,			\
	    "go to the first line")					\
	X(BOTTOM,	"bottom",	TUI_WHEN_NEVER,			\
	    "go to the last line and follow new lines")			\
	X(SELECT,	"select",	TUI_WHEN_NEVER,			\
	    "expand or collapse the selected DATA body")		\
	X(THEME,	"theme",	TUI_WHEN_NEVER,			\
	    "switch to the next theme (default, light, high-contrast, monochrome)") \
	X(REDRAW,	"redraw",	TUI_WHEN_NEVER,			\
	    "redraw the screen")					\
	X(HELP,		"help",		TUI_WHEN_ALWAYS,		\
	    "show this help")						\
	X(QUIT,		"quit",		TUI_WHEN_ALWAYS,		\
	    "quit smtpscope (sends QUIT first when connected)")

enum tui_action {
#define X(id, label, when, note) TUI_ACT_##id,
	TUI_ACTIONS
#undef X
	TUI_ACT_LAST
};

struct tui_action_info {
	const char	*name;		/* "ehlo" */
	const char	*label;		/* footer word: "EHLO" */
	unsigned	 when;
	const char	*note;
};
extern const struct tui_action_info tui_actions[TUI_ACT_LAST];

/* Modes a binding may be limited to; a binding of a mode that is on
 * wins over one for every mode (search first, then replay). */
#define TUI_KEYMODE_SEARCH	0x01	/* a search is active */
#define TUI_KEYMODE_REPLAY	0x02	/* replaying a saved session */

struct tui_binding {
	int		 key;		/* curses key code or character */
	const char	*label;		/* "PgDn", "j", "Ctrl-L" */
	enum tui_action	 action;
	unsigned	 mode;		/* 0: every mode; else TUI_KEYMODE_* */
};

size_t	tui_keys_count(void);
const struct tui_binding *tui_keys_at(size_t);
/* The action of a key in the modes that are on (TUI_KEYMODE_*). */
enum tui_action	tui_keys_lookup(int key, unsigned modes);

/* The probes: steps that break the rules on purpose, and what each
 * shows (the help lists them). */
struct tui_probe {
	enum tui_action	 action;
	const char	*shows;
};
size_t	tui_probes_count(void);
const struct tui_probe *tui_probes_at(size_t);
/* The first key label bound to an action, or NULL. */
const char *tui_keys_label(enum tui_action);

/* Key codes of our own for keys curses reports as characters. */
#define TUI_KEY_ESC	27
#define TUI_KEY_TAB	'\t'
#define TUI_KEY_CTRL(c)	((c) & 0x1f)
/* A non-ASCII character typed: its code point with this flag, so it never
 * collides with curses' KEY_* codes. */
#define TUI_KEY_UNICODE_FLAG	0x1000000

/* ------------------------------------------------------------------ */
/* The scrolling list.                                                 */

struct tui_list {
	size_t	count;
	size_t	top;		/* first visible item */
	size_t	sel;		/* selected item */
	int	height;		/* visible rows */
	int	follow;		/* keep the last item selected */
};

void	tui_list_init(struct tui_list *);
void	tui_list_set_count(struct tui_list *, size_t);
void	tui_list_set_height(struct tui_list *, int);
void	tui_list_move(struct tui_list *, long);
void	tui_list_select(struct tui_list *, size_t);
/* Apply a navigation action; returns 1 if it was one. */
int	tui_list_action(struct tui_list *, enum tui_action);
/* Item under a visible row, or -1. */
long	tui_list_at_row(const struct tui_list *, int);
/* Scroll text of `lines` lines shown `page` at a time (no selection);
 * returns 1 if the action was a navigation action. */
int	tui_scroll_action(int *top, int lines, int page, enum tui_action);

/* ------------------------------------------------------------------ */
/* The application state the views read.                               */

enum tui_pane {
	TUI_PANE_WIRE,
	TUI_PANE_CAPS,
	TUI_PANE_EXPLAIN,
	TUI_PANE_LAST
};

enum tui_overlay {
	TUI_OVERLAY_NONE,
	TUI_OVERLAY_HELP,
	TUI_OVERLAY_COMPARE,
	TUI_OVERLAY_CERT,
	TUI_OVERLAY_FINDINGS,	/* beside the wire pane (evidence shows) */
	TUI_OVERLAY_LESSON,	/* beside the wire pane */
	TUI_OVERLAY_LAST
};

/* One row of the wire pane. */
enum tui_row_kind {
	TUI_ROW_LINE,		/* a dialog line */
	TUI_ROW_FOLD,		/* "... N more body lines" */
	TUI_ROW_NOTE		/* explain mode: the note under a line */
};
struct tui_row {
	enum tui_row_kind	kind;
	size_t			line;	/* dialog line (first hidden for a
					   fold) */
	size_t			count;	/* hidden lines of a fold */
};

/* One row of the capability pane: a keyword across phases. */
struct tui_cap_row {
	const char		*keyword;	/* borrowed from a caps set */
	const struct ss_cap	*in[SS_PHASE_LAST];
};

enum tui_prompt_kind {
	TUI_PROMPT_NONE,
	TUI_PROMPT_MECH,
	TUI_PROMPT_USER,
	TUI_PROMPT_PASSWORD,
	TUI_PROMPT_MAIL,
	TUI_PROMPT_RCPT,
	TUI_PROMPT_DATA,
	TUI_PROMPT_RAW,
	TUI_PROMPT_SEARCH,
	TUI_PROMPT_SAVE,
	TUI_PROMPT_VRFY,
	TUI_PROMPT_EXPN,
	TUI_PROMPT_LAST
};

/* Bytes: an SMTP line is 512 at most, but a pasted bearer token for
 * XOAUTH2 (Microsoft 365 issues JSON Web Tokens of 2 to 4 KB) is longer. */
#define TUI_PROMPT_MAX	8192

struct tui_prompt {
	enum tui_prompt_kind	 kind;
	const char		*label;
	int			 hidden;	/* echo off */
	char			 buf[TUI_PROMPT_MAX + 1];
	size_t			 len;
	size_t			 cur;		/* byte offset */
	char			**choices;	/* cycled with Up/Down/Tab */
	size_t			 nchoices;
	size_t			 choice;
};

#define TUI_STATUS_MAX	512

/* Replay mode (replay.c).  A step is what the user started in one go: it
 * begins at an I step record when the file has them (live captures), else
 * at each client write (imports), and the greeting is part of the first.
 * Position k shows the events before the start of step k + 1. */
struct tui_replay {
	int			 active;
	struct ss_transcript	*transcript;	/* borrowed */
	struct ss_dialog	*dialog;	/* owned: the prefix */
	struct ss_dialog	*full;		/* owned: every event, the base
						   of the views going back */
	size_t			*starts;	/* first event of each step */
	size_t			 nsteps;
	size_t			 step;		/* 0-based position */
	int			 by_records;	/* steps from I step records */
};

/* The findings of the prefix on screen (findings.c), recomputed when
 * the dialog has been fed more (at most every second while a step runs),
 * incrementally: judge keeps the closed connections' findings. */
struct tui_findings_cache {
	struct ss_findings	*f;		/* owned */
	struct ss_findings_cache *judge;	/* owned */
	const struct ss_transcript *judged;	/* the transcript judge serves */
	const struct ss_dialog	*dialog;	/* the one it was run on */
	size_t			 fed;
	uint64_t		 at_us;
	size_t			 sel;		/* selected finding */
	int			 top;		/* first line shown */
	int			 lines;
	int			 show_sel;	/* scroll it into sight */
};

struct tui {
	/* What is drawn: borrowed. */
	struct ss_session		*session;	/* NULL in tests */
	const struct ss_dialog		*dialog;
	const struct ss_transcript	*transcript;
	const struct tui_config		*cfg;

	/* Owned: a dialog fed from the transcript when events reached it
	 * around the session (the CLI's MX notes come before the session
	 * writes anything), so line and event numbers agree. */
	struct ss_dialog		*own_dialog;
	/* A snapshot of the session, so views run without one. */
	enum ss_state			 state;
	int				 busy;
	enum ss_result			 result;
	char				 peer[128];
	int				 port;		/* next connect's; 0:
							   no session */
	int				 implicit_tls;
	int				 start_port;	/* the first seen: 0
							   goes back to it */
	int				 start_implicit;

	struct tui_theme		 theme;
	struct tui_layout		 layout;
	enum tui_pane			 focus;
	enum tui_pane			 explain_from;	/* wire or caps */
	enum tui_overlay		 overlay;

	/* Wire pane. */
	struct tui_list			 wire;
	struct tui_row			*rows;
	size_t				 nrows;
	size_t				 rows_alloc;
	size_t				 lines_seen;
	int				 show_times;
	int				 expand_bodies;

	/* Capability pane. */
	struct tui_list			 capl;
	struct tui_cap_row		*caprows;
	size_t				 ncaprows;

	/* Explain pane, overlays. */
	int				 explain_top;
	int				 explain_lines;
	int				 overlay_top;
	int				 overlay_lines;

	/* Search. */
	char				 search[TUI_PROMPT_MAX + 1];
	int				 search_active;

	struct tui_prompt		 prompt;
	char				 auth_mech[64];
	char				*auth_user;

	char				 status[TUI_STATUS_MAX];
	enum tui_role			 status_role;
	char				 warning[TUI_STATUS_MAX];
	int				 note_pinned;	/* keep the note until
							   the first key */
	int				 was_busy;
	int				 redraw_all;	/* Ctrl-L */
	/* Apply a new theme to the terminal; NULL in tests. */
	void				(*apply_theme)(const struct tui_theme *);
	size_t				 events_seen;
	int				 spinner;
	int				 quitting;
	int				 done;
	int				 verify_offered;
	size_t				 theme_index;

	struct tui_replay		 replay;
	struct tui_findings_cache	 findings;
	int				 explain_mode;	/* notes under lines */
	int				 lesson_top;
	int				 lesson_lines;
};

/* Set up the state around a dialog (tests) or a session (tui_run). */
void	tui_init(struct tui *, const struct tui_config *);
void	tui_finish(struct tui *);
/* Take a new snapshot of the session and rebuild what depends on it. */
void	tui_sync(struct tui *);
/* Rebuild rows after the dialog or the size changed. */
void	tui_refresh(struct tui *);
void	tui_set_status(struct tui *, enum tui_role, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Lay out for a size and tell the views. */
void	tui_resize(struct tui *, int cols, int rows);
/* Draw everything. */
void	tui_draw(struct tui *, struct tui_canvas *);
/* Handle one key (or KEY_MOUSE with a position); returns 1 if the
 * screen must be redrawn. */
int	tui_key(struct tui *, int key);
int	tui_click(struct tui *, int x, int y, int wheel);
/* Run an action. */
void	tui_do(struct tui *, enum tui_action);

/* Views. */
struct tui_view {
	const char	*name;
	void		(*draw)(struct tui *, struct tui_canvas *,
			    const struct tui_rect *);
	int		(*key)(struct tui *, enum tui_action);
	void		(*resize)(struct tui *, const struct tui_rect *);
};
extern const struct tui_view tui_view_wire;
extern const struct tui_view tui_view_caps;
extern const struct tui_view tui_view_explain;
extern const struct tui_view tui_view_compare;
extern const struct tui_view tui_view_help;
extern const struct tui_view tui_view_cert;
extern const struct tui_view tui_view_findings;
extern const struct tui_view tui_view_lesson;

/* Pane frame: a title row; returns the content rectangle. */
struct tui_rect tui_pane_frame(struct tui *, struct tui_canvas *,
	    const struct tui_rect *, const char *, int focused,
	    const char *right);

/* wire.c */
void	tui_wire_rebuild(struct tui *);
void	tui_wire_rebuild_keep(struct tui *, size_t);
const struct ss_line *tui_wire_selected(const struct tui *);
int	tui_wire_search(struct tui *, int direction);
void	tui_wire_line_text(const struct tui *, const struct ss_line *,
	    struct ss_buf *);

/* caps.c */
void	tui_caps_rebuild(struct tui *);
const struct tui_cap_row *tui_caps_selected(const struct tui *);
/* A cell's word for a keyword in a phase ("yes", "--", "added", ...),
 * with its role; "" when the phase was not reached. */
const char *tui_caps_cell(const struct tui *, const struct tui_cap_row *,
	    enum ss_phase, enum tui_role *);
/* Short parameter text ("50 MiB" for SIZE); the caller frees. */
void	tui_caps_params(const struct ss_cap *, struct ss_buf *);

/* explain.c: fill a flow with what the selection means. */
void	tui_explain_flow(struct tui *, struct tui_flow *);

/* bars.c */
void	tui_bars_header(struct tui *, struct tui_canvas *);
void	tui_bars_status(struct tui *, struct tui_canvas *);
void	tui_bars_footer(struct tui *, struct tui_canvas *);
int	tui_verify_pending(const struct tui *);
/* Is the action valid now (footer, help)? */
int	tui_bars_valid(const struct tui *, enum tui_action);

/* prompt.c */
void	tui_prompt_open(struct tui *, enum tui_prompt_kind, const char *label,
	    const char *initial, int hidden);
void	tui_prompt_choices(struct tui *, const char *const *, size_t,
	    size_t preselect);
void	tui_prompt_close(struct tui *);
/* Returns 1 if the key was consumed; *done set to 1 on Enter, -1 on
 * Esc. */
int	tui_prompt_key(struct tui *, int key, int *done);
void	tui_prompt_draw(struct tui *, struct tui_canvas *);

/* actions.c */
void	tui_actions_prompt_done(struct tui *, enum tui_prompt_kind,
	    const char *);
/* Does the action drive the session (inactive in replay)? */
int	tui_actions_protocol(enum tui_action);

/* replay.c: start replaying a transcript (borrowed); 0, or -1 when it has
 * no events.  tui_replay_goto moves the cursor (clamped) and rebuilds. */
int	tui_replay_start(struct tui *, struct ss_transcript *);
void	tui_replay_end(struct tui *);
void	tui_replay_goto(struct tui *, size_t step);
/* The events the position shows. */
size_t	tui_replay_end_event(const struct tui *, size_t step);
/* The step an event belongs to, given the steps' first events. */
size_t	tui_replay_step_of(const size_t *starts, size_t n, size_t event);
/* Step starts of any transcript prefix (the lesson view's steps, live or
 * replayed); *by_records says which rule made them.  Caller frees. */
size_t	*tui_replay_split(const struct ss_transcript *, size_t upto,
	    size_t *n, int *by_records);

/* findings.c */
const struct ss_findings *tui_findings_get(struct tui *);
/* Is the event evidence of the finding selected in the open view? */
int	tui_findings_evidence(struct tui *, size_t event);
/* "2 errors 1 warning" into b (brief: "2 err 1 warn"); role of the
 * worst. */
void	tui_findings_counts(struct tui *, struct ss_buf *, enum tui_role *,
	    int brief);
void	tui_findings_free(struct tui *);

/* notes.c: explain mode's note for dialog line i (appended to b, our
 * words plus decoded server text: draw it escaped). */
void	tui_notes_line(const struct tui *, size_t i, struct ss_buf *);
/* What a command asks for, in a few words with its RFC; NULL if none. */
const char *tui_notes_verb(enum ss_verb);

/* lesson.c: the lesson text of the steps up to the position. */
void	tui_lesson_flow(struct tui *, struct tui_flow *);

/* save.c: open the file name prompt; save once it is answered. */
void	tui_save_prompt(struct tui *);
void	tui_save_to(struct tui *, const char *path);
/* The default file name: smtpscope-HOST-YYYYMMDD-HHMM.smtpscope. */
void	tui_save_default_name(const struct tui *, time_t, char *, size_t);

/* pick.c: the state of the mail exchanger choice (items borrowed). */
#define TUI_PICK_MORE	(-1)	/* no choice yet */
struct tui_pick {
	const char		*heading;
	const char		*why;		/* a paragraph below the list */
	const char *const	*items;
	size_t			 n;
	struct tui_list		 list;
	char			 status[128];
};
void	tui_pick_init(struct tui_pick *, const char *heading, const char *why,
	    const char *const *items, size_t n);
/* TUI_PICK_MORE, TUI_PICK_QUIT or the index chosen. */
int	tui_pick_key(struct tui_pick *, int key);
void	tui_pick_draw(struct tui_pick *, struct tui_canvas *, int w, int h);

#endif
