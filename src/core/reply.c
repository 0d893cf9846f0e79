/*
 * reply.c: the incremental SMTP reply parser (RFC 5321 4.2).
 *
 * Bytes are examined one at a time by a small state machine, so a reply
 * split anywhere across reads parses exactly as if it had arrived whole.
 * Each byte is classified as it arrives (NUL, control, bare CR, UTF-8
 * validity) and stored only while the line is under SS_REPLY_LINE_KEEP;
 * past that it is counted.  At the end of a line the code and separator
 * are checked and the line joins the reply being built; the reply is
 * handed out when its last line ends.
 */

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/reply.h"
#include "smtpscope/util.h"

const char *const ss_anomaly_names[SS_ANOM_LAST] = {
	"bare-lf",
	"bare-cr",
	"line-too-long",
	"bad-code",
	"bad-separator",
	"code-mismatch",
	"nul",
	"control",
	"bad-utf8",
	"too-many-lines",
	"unsolicited",
	"injected",
	"incomplete",
};
_Static_assert(SS_NITEMS(ss_anomaly_names) == SS_ANOM_LAST,
    "ss_anomaly_names must name every anomaly");

const char *const ss_anomaly_text[SS_ANOM_LAST] = {
	"a line ended with a bare LF instead of CR LF",
	"a CR inside a line was not followed by LF",
	"a line was longer than the 512 octets SMTP allows",
	"a line did not start with a valid three-digit reply code",
	"the reply code was followed by neither a space, a hyphen "
	    "nor the end of the line",
	"a line of a multi-line reply carried a different code",
	"a line held a NUL byte",
	"a line held a control character",
	"a line held bytes that are not valid UTF-8",
	"a reply had too many lines; the rest were counted, not kept",
	"the server sent a reply when no command was waiting for one",
	"the server sent plaintext after agreeing to STARTTLS "
	    "(possible response injection)",
	"the connection ended in the middle of a reply",
};
_Static_assert(SS_NITEMS(ss_anomaly_text) == SS_ANOM_LAST,
    "ss_anomaly_text must explain every anomaly");

/* What the UTF-8 checker expects next. */
struct ss_utf8_state {
	int		 need;		/* continuation bytes due */
	unsigned char	 lo, hi;	/* range of the next one */
	unsigned char	 lead;		/* the first byte */
};

struct ss_reply_parser {
	/* The line being read: at most SS_REPLY_LINE_KEEP bytes stored. */
	char			*line;
	size_t			 line_len;
	size_t			 line_cap;
	size_t			 line_dropped;
	unsigned		 line_anoms;
	int			 cr_pending;	/* last byte was a CR */
	struct ss_utf8_state	 utf8;

	/* The reply being built; NULL before its first line ends. */
	struct ss_reply		*reply;
	size_t			 lines_cap;
	size_t			 held;	/* bytes of the open reply */
};

/*
 * Lead bytes of UTF-8 (RFC 3629 4): how many continuation bytes follow and
 * the range allowed for the first of them, which rules out overlong forms,
 * surrogates and code points past U+10FFFF.  need -1 = never valid here.
 */
static const struct {
	unsigned char	 first, last;
	int		 need;
	unsigned char	 lo, hi;
} ss_utf8_leads[] = {
	{ 0x00, 0x7f, 0, 0, 0 },
	{ 0x80, 0xc1, -1, 0, 0 },
	{ 0xc2, 0xdf, 1, 0x80, 0xbf },
	{ 0xe0, 0xe0, 2, 0xa0, 0xbf },
	{ 0xe1, 0xec, 2, 0x80, 0xbf },
	{ 0xed, 0xed, 2, 0x80, 0x9f },
	{ 0xee, 0xef, 2, 0x80, 0xbf },
	{ 0xf0, 0xf0, 3, 0x90, 0xbf },
	{ 0xf1, 0xf3, 3, 0x80, 0xbf },
	{ 0xf4, 0xf4, 3, 0x80, 0x8f },
	{ 0xf5, 0xff, -1, 0, 0 },
};

/* Free a reply and its lines; NULL is a no-op. */
void
ss_reply_free(struct ss_reply *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nlines; i++)
		free(r->lines[i].raw);
	free(r->lines);
	free(r);
}

/* Parse 1-3 decimal digits; returns how many were read (0 if none). */
static size_t
ss_enhanced_number(const char *s, size_t len, int *value)
{
	size_t	 n = 0;

	*value = 0;
	while (n < len && n < 3 && s[n] >= '0' && s[n] <= '9') {
		*value = *value * 10 + (s[n] - '0');
		n++;
	}
	return n;
}

/* Parse "class.subject.detail" (RFC 3463) ending at a space or the end. */
size_t
ss_enhanced_parse(const char *s, size_t len, struct ss_enhanced *e)
{
	struct ss_enhanced	 found = { 0 };
	size_t			 pos, n;

	memset(e, 0, sizeof *e);
	if (len < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
	    s[1] != '.')
		return 0;
	pos = 2;
	if ((n = ss_enhanced_number(s + pos, len - pos, &found.subject)) == 0)
		return 0;
	pos += n;
	if (pos >= len || s[pos] != '.')
		return 0;
	pos++;
	if ((n = ss_enhanced_number(s + pos, len - pos, &found.detail)) == 0)
		return 0;
	pos += n;
	if (pos < len && s[pos] != ' ' && s[pos] != '\t')
		return 0;
	found.present = 1;
	found.class_ = s[0] - '0';
	*e = found;
	return pos;
}

/* Make a parser with nothing pending. */
struct ss_reply_parser *
ss_reply_parser_create(void)
{
	return xcalloc(1, sizeof(struct ss_reply_parser));
}

/* Free the parser and anything it held; NULL is a no-op. */
void
ss_reply_parser_destroy(struct ss_reply_parser *p)
{
	if (p == NULL)
		return;
	ss_reply_free(p->reply);
	free(p->line);
	free(p);
}

/* Forget the line being read (its storage is kept for the next one). */
static void
ss_reply_line_clear(struct ss_reply_parser *p)
{
	p->line_len = 0;
	p->line_dropped = 0;
	p->line_anoms = 0;
	p->cr_pending = 0;
	memset(&p->utf8, 0, sizeof p->utf8);
}

/* Drop whatever was in progress. */
void
ss_reply_parser_reset(struct ss_reply_parser *p)
{
	ss_reply_line_clear(p);
	ss_reply_free(p->reply);
	p->reply = NULL;
	p->lines_cap = 0;
	p->held = 0;
}

/* Bytes received for the reply not yet finished (clamped to INT_MAX). */
int
ss_reply_parser_pending(const struct ss_reply_parser *p)
{
	return p->held > INT_MAX ? INT_MAX : (int)p->held;
}

/* Check a byte where a UTF-8 sequence may start. */
static unsigned
ss_utf8_lead(struct ss_utf8_state *u, unsigned char c)
{
	size_t	 i;

	for (i = 0; i < SS_NITEMS(ss_utf8_leads); i++) {
		if (c < ss_utf8_leads[i].first || c > ss_utf8_leads[i].last)
			continue;
		if (ss_utf8_leads[i].need < 0) {
			/* A raw 0x80-0x9F is a C1 control to 8-bit readers. */
			if (c >= 0x80 && c <= 0x9f)
				return SS_ANOM_BIT(SS_ANOM_BAD_UTF8) |
				    SS_ANOM_BIT(SS_ANOM_CONTROL);
			return SS_ANOM_BIT(SS_ANOM_BAD_UTF8);
		}
		u->need = ss_utf8_leads[i].need;
		u->lo = ss_utf8_leads[i].lo;
		u->hi = ss_utf8_leads[i].hi;
		u->lead = c;
		return 0;
	}
	return 0;
}

/* Feed one byte to the UTF-8 checker; returns anomaly bits it found. */
static unsigned
ss_utf8_byte(struct ss_utf8_state *u, unsigned char c)
{
	unsigned	 anoms = 0;

	if (u->need == 0)
		return ss_utf8_lead(u, c);
	if (c < u->lo || c > u->hi) {
		u->need = 0;
		return SS_ANOM_BIT(SS_ANOM_BAD_UTF8) | ss_utf8_lead(u, c);
	}
	/* U+0080-U+009F encoded properly is still a C1 control. */
	if (u->lead == 0xc2 && c <= 0x9f)
		anoms |= SS_ANOM_BIT(SS_ANOM_CONTROL);
	u->need--;
	u->lo = 0x80;
	u->hi = 0xbf;
	return anoms;
}

/* Anomalies a single content byte carries by itself. */
static unsigned
ss_reply_byte_anoms(unsigned char c)
{
	if (c == '\0')
		return SS_ANOM_BIT(SS_ANOM_NUL);
	if (c == '\r')
		return SS_ANOM_BIT(SS_ANOM_BARE_CR);
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return SS_ANOM_BIT(SS_ANOM_CONTROL);
	return 0;
}

/* Add one content byte to the line: stored if under the limit, else counted. */
static void
ss_reply_line_add(struct ss_reply_parser *p, unsigned char c)
{
	p->line_anoms |= ss_reply_byte_anoms(c) | ss_utf8_byte(&p->utf8, c);
	if (p->line_len >= SS_REPLY_LINE_KEEP) {
		p->line_dropped++;
		return;
	}
	if (p->line_len == p->line_cap) {
		p->line_cap = p->line_cap == 0 ? 128 : p->line_cap * 2;
		if (p->line_cap > SS_REPLY_LINE_KEEP)
			p->line_cap = SS_REPLY_LINE_KEEP;
		p->line = xreallocarray(p->line, p->line_cap, 1);
	}
	p->line[p->line_len++] = (char)c;
}

/* Is this three-digit code allowed by RFC 5321's Reply-code rule? */
static int
ss_reply_code_valid(const char *s)
{
	return s[0] >= '2' && s[0] <= '5' && s[1] >= '0' && s[1] <= '5' &&
	    s[2] >= '0' && s[2] <= '9';
}

/*
 * Read code, separator and text of a finished line.  A line with three
 * digits keeps their value even outside the grammar (flagged); anything
 * else has code -1.  A line ends the reply unless its fourth byte is '-'.
 */
static void
ss_reply_line_parse(struct ss_reply_line *l)
{
	const char	*s = l->raw;
	size_t		 i;

	l->code = -1;
	for (i = 0; i < 3 && i < l->len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == 3) {
		l->code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
		if (!ss_reply_code_valid(s))
			l->anomalies |= SS_ANOM_BIT(SS_ANOM_BAD_CODE);
	} else
		l->anomalies |= SS_ANOM_BIT(SS_ANOM_BAD_CODE);
	if (l->len > 3 && s[3] != '-' && s[3] != ' ')
		l->anomalies |= SS_ANOM_BIT(SS_ANOM_BAD_SEPARATOR);
	l->last = !(l->len > 3 && s[3] == '-');
	l->text = l->len > 3 ? s + 4 : s + l->len;
}

/* Turn the parser's line buffer into a finished line. */
static void
ss_reply_line_finish(struct ss_reply_parser *p, struct ss_reply_line *l,
    unsigned end_anoms)
{
	memset(l, 0, sizeof *l);
	l->raw = xmalloc(p->line_len + 1);
	if (p->line_len != 0)
		memcpy(l->raw, p->line, p->line_len);
	l->raw[p->line_len] = '\0';
	l->len = p->line_len;
	l->dropped = p->line_dropped;
	l->anomalies = p->line_anoms | end_anoms;
	if (p->utf8.need != 0)
		l->anomalies |= SS_ANOM_BIT(SS_ANOM_BAD_UTF8);
	if (l->len + l->dropped + 2 > SS_REPLY_LINE_MAX)
		l->anomalies |= SS_ANOM_BIT(SS_ANOM_LINE_TOO_LONG);
	ss_reply_line_parse(l);
}

/* Start a reply whose first line is l: its code and enhanced code. */
static struct ss_reply *
ss_reply_start(const struct ss_reply_line *l)
{
	struct ss_reply	*r;
	size_t		 textlen;

	r = xcalloc(1, sizeof *r);
	r->code = l->code;
	textlen = l->len - (size_t)(l->text - l->raw);
	if (l->code >= 0 && ss_enhanced_parse(l->text, textlen,
	    &r->enhanced) != 0 && r->enhanced.class_ != l->code / 100)
		memset(&r->enhanced, 0, sizeof r->enhanced);
	return r;
}

/* Add a finished line to the reply, or count it once the reply is full. */
static void
ss_reply_add_line(struct ss_reply_parser *p, struct ss_reply_line *l)
{
	struct ss_reply	*r;

	if (p->reply == NULL)
		p->reply = ss_reply_start(l);
	r = p->reply;
	if (r->nlines != 0 && l->code != r->code)
		l->anomalies |= SS_ANOM_BIT(SS_ANOM_CODE_MISMATCH);
	r->anomalies |= l->anomalies;
	if (r->nlines >= SS_REPLY_MAX_LINES) {
		r->lines_dropped++;
		r->anomalies |= SS_ANOM_BIT(SS_ANOM_TOO_MANY_LINES);
		free(l->raw);
		return;
	}
	if (r->nlines == p->lines_cap) {
		p->lines_cap = p->lines_cap == 0 ? 8 : p->lines_cap * 2;
		r->lines = xreallocarray(r->lines, p->lines_cap,
		    sizeof *r->lines);
	}
	r->lines[r->nlines] = *l;
	/* text pointed into l->raw, which the copy now owns as is. */
	r->nlines++;
}

/* Hand the finished reply to the caller and start afresh; its lines array
 * shrinks to its lines (most replies have one). */
static struct ss_reply *
ss_reply_take(struct ss_reply_parser *p)
{
	struct ss_reply	*r = p->reply;

	if (r != NULL && r->nlines != 0 && r->nlines < p->lines_cap) {
		r->lines = xreallocarray(r->lines, r->nlines,
		    sizeof *r->lines);
	}

	p->reply = NULL;
	p->lines_cap = 0;
	p->held = 0;
	return r;
}

/* A line ended; returns the reply if that line completed it. */
static struct ss_reply *
ss_reply_end_line(struct ss_reply_parser *p, unsigned end_anoms)
{
	struct ss_reply_line	 l;
	int			 last;

	ss_reply_line_finish(p, &l, end_anoms);
	last = l.last;
	ss_reply_add_line(p, &l);
	ss_reply_line_clear(p);
	return last ? ss_reply_take(p) : NULL;
}

/* Consume bytes, stopping right after a line that completes a reply. */
size_t
ss_reply_parser_feed(struct ss_reply_parser *p, const char *buf, size_t len,
    struct ss_reply **out)
{
	unsigned char	 c;
	size_t		 i;

	*out = NULL;
	for (i = 0; i < len; i++) {
		c = (unsigned char)buf[i];
		p->held++;
		if (p->cr_pending) {
			p->cr_pending = 0;
			if (c == '\n') {
				if ((*out = ss_reply_end_line(p, 0)) != NULL)
					return i + 1;
				continue;
			}
			ss_reply_line_add(p, '\r');
		}
		if (c == '\r')
			p->cr_pending = 1;
		else if (c == '\n') {
			*out = ss_reply_end_line(p,
			    SS_ANOM_BIT(SS_ANOM_BARE_LF));
			if (*out != NULL)
				return i + 1;
		} else
			ss_reply_line_add(p, c);
	}
	return len;
}

/* The peer closed: return what was in progress, flagged incomplete. */
struct ss_reply *
ss_reply_parser_eof(struct ss_reply_parser *p)
{
	struct ss_reply_line	 l;
	struct ss_reply		*r;

	if (p->held == 0)
		return NULL;
	if (p->cr_pending) {
		p->cr_pending = 0;
		ss_reply_line_add(p, '\r');
	}
	if (p->line_len != 0 || p->line_dropped != 0) {
		ss_reply_line_finish(p, &l, 0);
		l.last = 0;
		ss_reply_add_line(p, &l);
	}
	ss_reply_line_clear(p);
	if ((r = ss_reply_take(p)) == NULL)
		return NULL;
	r->anomalies |= SS_ANOM_BIT(SS_ANOM_INCOMPLETE);
	return r;
}

/* Count what the flood gate cut: whole lines of the reply, or bytes of the
 * open line. */
void
ss_reply_parser_skip(struct ss_reply_parser *p, size_t lines, size_t bytes)
{
	p->held += bytes;
	if (lines == 0) {
		p->line_dropped += bytes;
		return;
	}
	if (p->reply == NULL) {
		return;		/* the gate and the parser disagree: keep going */
	}
	p->reply->lines_dropped += lines;
	p->reply->anomalies |= SS_ANOM_BIT(SS_ANOM_TOO_MANY_LINES);
}

/* Bytes of memory a reply holds, malloc's own header counted as 16. */
size_t
ss_reply_memory(const struct ss_reply *r)
{
	size_t	 i, n;

	if (r == NULL) {
		return 0;
	}
	n = sizeof(*r) + 16 + r->nlines * sizeof(*r->lines) + 16;
	for (i = 0; i < r->nlines; i++) {
		n += r->lines[i].len + 1 + 16;
	}
	return n;
}
