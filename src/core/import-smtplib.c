/*
 * import-smtplib.c: Python smtplib's set_debuglevel output
 * (doc/import-formats.md).
 *
 *	send: 'ehlo [127.0.1.1]\r\n'
 *	reply: b'250-mx.example.org\r\n'
 *	reply: retcode (250); Msg: b'mx.example.org\nSIZE 52428800'
 *
 * Python 3 writes bytes (b'...'), Python 2 strings; debuglevel 2 puts a
 * time first.  One send may hold many lines (a message body).  The
 * retcode line repeats the reply: it is used only when the reply lines
 * are missing from the paste.  smtplib logs the dialogue after starttls()
 * in clear and says nothing of the handshake: the builder infers it.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"

/* The reader's state. */
struct import_smtplib {
	int		 reply_lines;	/* "reply: b'...'" since the retcode */
	struct ss_buf	 text;		/* a literal decoded (wiped) */
};

#define Y(im)	((struct import_smtplib *)(im)->priv)

/* One escape of a Python literal at p (after the backslash); returns the
 * bytes it used. */
static size_t
import_py_escape(struct ss_buf *out, const char *p, size_t n)
{
	static const char	from[] = "nrt\\'\"0", to[] = "\n\r\t\\'\"";
	const char		*c;

	if (n == 0) {
		return 0;
	}
	if (p[0] == 'x' && n >= 3 && ss_hexval(p[1]) >= 0 &&
	    ss_hexval(p[2]) >= 0) {
		ss_buf_addc(out, (char)(ss_hexval(p[1]) * 16 +
		    ss_hexval(p[2])));
		return 3;
	}
	if ((c = memchr(from, p[0], sizeof(from) - 1)) != NULL) {
		ss_buf_addc(out, *c == '0' ? '\0' : to[c - from]);
		return 1;
	}
	ss_buf_addc(out, '\\');
	ss_buf_addc(out, p[0]);
	return 1;
}

/* A Python literal ('...', "...", b'...') at the start of p, decoded
 * into out; -1 if p holds none.  A paste that cut the closing quote
 * keeps what is there. */
static int
import_py_literal(struct ss_buf *out, const char *p, size_t n)
{
	size_t	i = 0;
	char	q;

	ss_buf_reset(out);
	if (i < n && p[i] == 'b') {
		i++;
	}
	if (i >= n || (p[i] != '\'' && p[i] != '"')) {
		return -1;
	}
	q = p[i++];
	while (i < n && p[i] != q) {
		if (p[i] == '\\') {
			i += 1 + import_py_escape(out, p + i + 1, n - i - 1);
		} else {
			ss_buf_addc(out, p[i++]);
		}
	}
	return 0;
}

/* Each line of decoded text, without its line end, to fn. */
static void
import_smtplib_lines(struct import *im, const struct ss_buf *b, size_t no,
    int server)
{
	const char		*p = b->data, *end = b->data + b->len, *nl;
	struct import_line	 l;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		l.p = p;
		l.len = l.full = (nl != NULL ? nl : end) - p;
		l.no = no;
		while (l.len > 0 && l.p[l.len - 1] == '\r') {
			l.len--;
			l.full--;
		}
		if (server) {
			import_server_line(im, &l, import_flags(im, 0));
		} else {
			import_client_line(im, &l, import_flags(im, 0));
		}
		p = nl != NULL ? nl + 1 : end;
	}
}

/* "retcode (250); Msg: b'first\nsecond'": the reply rebuilt when its
 * lines are not in the paste. */
static void
import_smtplib_retcode(struct import *im, const struct import_line *t)
{
	const char	*msg = import_find(t, "; Msg: ");
	struct ss_buf	 line;
	const char	*p, *end, *nl;
	int		 code;

	if (Y(im)->reply_lines > 0 || msg == NULL || t->len < 13 ||
	    (code = import_code(t->p + 9, t->len - 9)) < 0 ||
	    import_py_literal(&Y(im)->text, msg + 7, t->p + t->len - msg - 7)) {
		Y(im)->reply_lines = 0;
		return;
	}
	ss_buf_init(&line);
	p = Y(im)->text.data;
	end = p + Y(im)->text.len;
	do {
		nl = memchr(p, '\n', end - p);
		ss_buf_reset(&line);
		ss_buf_printf(&line, "%03d%c%.*s", code, nl != NULL ? '-' : ' ',
		    (int)((nl != NULL ? nl : end) - p), p);
		import_server_line(im, &(struct import_line){ line.data,
		    line.len, line.len, t->no }, import_flags(im, 0));
		p = nl != NULL ? nl + 1 : end;
	} while (p < end);
	ss_buf_finish(&line);
}

/* "connect: ('smtp.example.org', 587)" */
static void
import_smtplib_connect(struct import *im, const struct import_line *t)
{
	const char	*q1, *q2, *comma;

	q1 = memchr(t->p, '\'', t->len);
	q2 = q1 != NULL ? memchr(q1 + 1, '\'', t->p + t->len - q1 - 1) : NULL;
	if (q2 == NULL || im->host != NULL) {
		return;
	}
	import_set(&im->host, q1 + 1, q2 - q1 - 1);
	comma = memchr(q2, ',', t->p + t->len - q2);
	if (comma != NULL) {
		for (q1 = comma + 1; q1 < t->p + t->len && *q1 == ' '; q1++) {
			;
		}
		for (q2 = q1; q2 < t->p + t->len && *q2 >= '0' && *q2 <= '9';
		    q2++) {
			;
		}
		if (q2 > q1) {
			import_set(&im->port, q1, q2 - q1);
		}
	}
}

/* One line of debug output. */
static void
import_smtplib_line(struct import *im, const struct import_line *l)
{
	struct import_line	t = import_skip_stamp(l);

	if (import_starts(&t, "send: ")) {
		if (import_py_literal(&Y(im)->text, t.p + 6, t.len - 6) == 0) {
			import_smtplib_lines(im, &Y(im)->text, l->no, 0);
			ss_wipe(Y(im)->text.data, Y(im)->text.len);
		}
	} else if (import_starts(&t, "reply: retcode (")) {
		t = import_tail(&t, 7);
		import_smtplib_retcode(im, &t);
	} else if (import_starts(&t, "reply: ")) {
		if (import_py_literal(&Y(im)->text, t.p + 7, t.len - 7) == 0) {
			Y(im)->reply_lines++;
			import_smtplib_lines(im, &Y(im)->text, l->no, 1);
		}
	} else if (import_starts(&t, "connect: ")) {
		import_smtplib_connect(im, &t);
	}
}

/* smtplib's words start its lines. */
static int
import_smtplib_detect(const struct import_line *l)
{
	struct import_line	t = import_skip_stamp(l);

	if (import_starts(&t, "send: b'") || import_starts(&t, "send: '") ||
	    import_starts(&t, "reply: b'") || import_starts(&t, "reply: '") ||
	    import_starts(&t, "reply: retcode (") ||
	    import_starts(&t, "send: b\"") || import_starts(&t, "connect: (")) {
		return 4;
	}
	return 0;
}

/* The reader's state. */
static void
import_smtplib_begin(struct import *im, const char *text, size_t len)
{
	(void)text;
	(void)len;
	im->priv = xcalloc(1, sizeof(struct import_smtplib));
	ss_buf_init(&Y(im)->text);
}

/* Free it, wiped: a send may have held a password. */
static void
import_smtplib_end(struct import *im)
{
	ss_wipe(Y(im)->text.data, Y(im)->text.cap);
	ss_buf_finish(&Y(im)->text);
	free(im->priv);
	im->priv = NULL;
}

const struct import_reader import_smtplib_reader = {
	.format = SS_IMPORT_SMTPLIB,
	.looks_for = "smtplib's \"send: b'...'\" and \"reply: b'...'\" lines",
	.marks_tls = 0,
	.detect = import_smtplib_detect,
	.start = import_smtplib_begin,
	.line = import_smtplib_line,
	.end = import_smtplib_end,
};
