/*
 * store.c: the native session file (doc/session-format.md).
 *
 *	smtpscope-session 1
 *	meta host mx.example.org
 *	@0.012345 S data - 220 mx.example.org ESMTP\r\n
 *
 * One event per line: time in seconds, direction letter, kind name, flags
 * ("-" or a comma list), and the bytes through the reversible escapes of
 * text.h, so CR, LF, NUL and invalid UTF-8 survive exactly and the file
 * stays one line per event.  A last line "end COUNT" lets the loader tell
 * a complete file from a truncated one.  The loader is strict and says where it
 * stopped: a file is evidence, and a half-read one would mislead.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtpscope/store.h"
#include "smtpscope/text.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#define STORE_MAX_FILE	(1024u * 1024 * 1024)	/* refuse larger files */

/* Event flags and their names in the file. */
static const struct {
	unsigned	 flag;
	const char	*name;
} store_flags[] = {
	{ SS_EVF_TLS, "tls" },
	{ SS_EVF_REDACTED, "redacted" },
	{ SS_EVF_DISCARDED, "discarded" },
	{ SS_EVF_INFERRED, "inferred" },
};

/* Append the flags word of an event. */
static void
store_write_flags(struct ss_buf *out, unsigned flags)
{
	size_t	i;
	int	first = 1;

	for (i = 0; i < SS_NITEMS(store_flags); i++) {
		if (flags & store_flags[i].flag) {
			ss_buf_printf(out, "%s%s", first ? "" : ",",
			    store_flags[i].name);
			first = 0;
		}
	}
	if (first) {
		ss_buf_addc(out, '-');
	}
}

/* The native text of a transcript. */
void
ss_store_write(const struct ss_transcript *t, struct ss_buf *out)
{
	const struct ss_event	*ev;
	const char		*key, *value;
	size_t			 i;

	ss_buf_printf(out, "%s %d\n", SS_STORE_MAGIC, SS_STORE_VERSION);
	for (i = 0; i < ss_transcript_meta_count(t); i++) {
		ss_transcript_meta_at(t, i, &key, &value);
		ss_buf_printf(out, "meta %s ", key);
		ss_text_escape(out, value, strlen(value));
		ss_buf_addc(out, '\n');
	}
	for (i = 0; i < ss_transcript_count(t); i++) {
		ev = ss_transcript_get(t, i);
		ss_buf_printf(out, "@%llu.%06llu %s %s ",
		    (unsigned long long)(ev->t_us / 1000000),
		    (unsigned long long)(ev->t_us % 1000000),
		    ss_dir_letters[ev->dir], ss_kind_names[ev->kind]);
		store_write_flags(out, ev->flags);
		ss_buf_addc(out, ' ');
		ss_text_escape(out, ev->data, ev->len);
		ss_buf_addc(out, '\n');
	}
	ss_buf_printf(out, "end %zu\n", ss_transcript_count(t));
}

/* Write all of a buffer to a descriptor. */
static int
store_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Save atomically with mode 0600: a reader sees the old file or the new
 * one, never half of one, and nobody else can read what was captured. */
int
ss_store_save(const struct ss_transcript *t, const char *path, char **err)
{
	struct ss_buf	 text;
	char		*tmp;
	int		 fd, saved;

	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(err, "%s: cannot create a file there: %s", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	ss_buf_init(&text);
	ss_store_write(t, &text);
	if (fchmod(fd, 0600) == -1 ||
	    store_write_all(fd, text.data, text.len) == -1 ||
	    fsync(fd) == -1 || close(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		xasprintf(err, "%s: cannot write: %s", path, strerror(saved));
		ss_buf_finish(&text);
		free(tmp);
		return -1;
	}
	ss_buf_finish(&text);
	if (rename(tmp, path) == -1) {
		xasprintf(err, "%s: cannot rename into place: %s", path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* Parsing state: where we are, for messages. */
struct store_parser {
	const char		*name;
	size_t			 lineno;
	int			 ended;		/* the end line was read */
	struct ss_transcript	*t;
	char			*err;
};

static int	store_fail(struct store_parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Record the first error as "name:line: reason". */
static int
store_fail(struct store_parser *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	if (p->err == NULL) {
		va_start(ap, fmt);
		xvasprintf(&why, fmt, ap);
		va_end(ap);
		xasprintf(&p->err, "%s:%zu: %s", p->name, p->lineno, why);
		free(why);
	}
	return -1;
}

/* Cut the next space-separated word off *line. */
static int
store_word(const char **line, const char *end, const char **word,
    size_t *len)
{
	const char	*p = *line, *q;

	q = memchr(p, ' ', end - p);
	if (q == NULL || q == p) {
		return -1;
	}
	*word = p;
	*len = q - p;
	*line = q + 1;
	return 0;
}

/* "@SECONDS.MICROS" into microseconds. */
static int
store_time(const char *w, size_t len, uint64_t *us)
{
	uint64_t	secs = 0, frac = 0;
	size_t		i = 1, digits = 0;

	if (len < 2 || w[0] != '@') {
		return -1;
	}
	for (; i < len && w[i] >= '0' && w[i] <= '9'; i++) {
		if (secs > UINT64_MAX / 10 / 1000000) {
			return -1;
		}
		secs = secs * 10 + (uint64_t)(w[i] - '0');
	}
	if (i < len && w[i] == '.') {
		for (i++; i < len && w[i] >= '0' && w[i] <= '9'; i++) {
			if (digits++ < 6) {
				frac = frac * 10 + (uint64_t)(w[i] - '0');
			}
		}
		for (; digits < 6; digits++) {
			frac *= 10;
		}
	}
	if (i != len) {
		return -1;
	}
	*us = secs * 1000000 + frac;
	return 0;
}

/* The flags word: "-" or names joined by commas. */
static int
store_parse_flags(const char *w, size_t len, unsigned *flags)
{
	const char	*p = w, *end = w + len, *comma;
	size_t		 i, n;

	*flags = 0;
	if (len == 1 && w[0] == '-') {
		return 0;
	}
	while (p < end) {
		comma = memchr(p, ',', end - p);
		n = (comma != NULL ? comma : end) - p;
		for (i = 0; i < SS_NITEMS(store_flags); i++) {
			if (strlen(store_flags[i].name) == n &&
			    memcmp(store_flags[i].name, p, n) == 0) {
				break;
			}
		}
		if (i == SS_NITEMS(store_flags)) {
			return -1;
		}
		*flags |= store_flags[i].flag;
		p += n + (comma != NULL);
	}
	return 0;
}

/* A direction letter or kind name from a word. */
static int
store_lookup(const char *w, size_t len, const char *const *names,
    size_t count)
{
	size_t	i;

	for (i = 0; i < count; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], w, len) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* "@T DIR KIND FLAGS TEXT". */
static int
store_event(struct store_parser *p, const char *line, const char *end)
{
	const char	*w;
	size_t		 n;
	uint64_t	 us;
	int		 dir, kind;
	unsigned	 flags;
	struct ss_buf	 bytes;

	if (store_word(&line, end, &w, &n) == -1 ||
	    store_time(w, n, &us) == -1) {
		return store_fail(p, "bad time (expected @SECONDS.MICROS)");
	}
	if (store_word(&line, end, &w, &n) == -1 ||
	    (dir = store_lookup(w, n, ss_dir_letters, SS_DIR_LAST)) == -1) {
		return store_fail(p, "bad direction (expected C, S, T or I)");
	}
	if (store_word(&line, end, &w, &n) == -1 ||
	    (kind = store_lookup(w, n, ss_kind_names, SS_KIND_LAST)) == -1) {
		return store_fail(p, "unknown event kind");
	}
	if ((dir == SS_DIR_CLIENT || dir == SS_DIR_SERVER) !=
	    (kind == SS_KIND_DATA)) {
		return store_fail(p, "kind %.*s does not go with direction %s",
		    (int)n, w, ss_dir_letters[dir]);
	}
	if (store_word(&line, end, &w, &n) == -1 ||
	    store_parse_flags(w, n, &flags) == -1) {
		return store_fail(p, "bad flags (expected - or tls,redacted,"
		    "discarded,inferred)");
	}
	ss_buf_init(&bytes);
	if (ss_text_unescape(&bytes, line, end - line) == -1) {
		ss_buf_finish(&bytes);
		return store_fail(p, "malformed escape in the event text");
	}
	ss_transcript_append(p->t, us, (enum ss_dir)dir, (enum ss_kind)kind,
	    flags, bytes.data, bytes.len);
	ss_buf_finish(&bytes);
	return 0;
}

/* "meta KEY VALUE". */
static int
store_meta(struct store_parser *p, const char *line, const char *end)
{
	const char	*key;
	size_t		 n;
	struct ss_buf	 value;
	char		*k;

	if (store_word(&line, end, &key, &n) == -1) {
		return store_fail(p, "meta needs a key and a value");
	}
	/* Keys are written back unescaped: no NUL, control or stray byte. */
	if (ss_text_needs_escape(key, n)) {
		return store_fail(p, "malformed meta key");
	}
	ss_buf_init(&value);
	if (ss_text_unescape(&value, line, end - line) == -1 ||
	    memchr(value.data, '\0', value.len) != NULL) {
		ss_buf_finish(&value);
		return store_fail(p, "malformed meta value");
	}
	k = xstrndup(key, n);
	ss_transcript_set_meta(p->t, k, value.data);
	free(k);
	ss_buf_finish(&value);
	return 0;
}

/* The first line: magic and a format version we can read. */
static int
store_header(struct store_parser *p, const char *line, const char *end)
{
	size_t	 n = strlen(SS_STORE_MAGIC);
	long	 version;
	char	*num, *stop;

	if ((size_t)(end - line) < n + 2 || memcmp(line, SS_STORE_MAGIC, n) ||
	    line[n] != ' ') {
		return store_fail(p, "not a smtpscope session file (it must "
		    "start with \"%s %d\")", SS_STORE_MAGIC, SS_STORE_VERSION);
	}
	num = xstrndup(line + n + 1, end - line - n - 1);
	version = strtol(num, &stop, 10);
	if (stop == num || (*stop != '\0' && *stop != '.') || version < 1) {
		free(num);
		return store_fail(p, "bad format version");
	}
	free(num);
	if (version > SS_STORE_VERSION) {
		return store_fail(p, "written by a newer smtpscope (format "
		    "%ld); this one reads format %d", version, SS_STORE_VERSION);
	}
	return 0;
}

/* "end [COUNT]": the writer finished; the count catches lost lines. */
static int
store_end(struct store_parser *p, const char *line, const char *end)
{
	char	*num, *stop;
	unsigned long long count;

	p->ended = 1;
	if (line == end) {
		return 0;
	}
	num = xstrndup(line, end - line);
	count = strtoull(num, &stop, 10);
	if (stop == num || *stop != '\0') {
		free(num);
		return store_fail(p, "bad event count on the end line");
	}
	free(num);
	if (count != ss_transcript_count(p->t)) {
		return store_fail(p, "the file says %llu events but holds %zu",
		    count, ss_transcript_count(p->t));
	}
	return 0;
}

/* One line of the file. */
static int
store_line(struct store_parser *p, const char *line, const char *end)
{
	if (end > line && end[-1] == '\r') {
		end--;	/* a file edited on Windows */
	}
	if (p->lineno == 1) {
		return store_header(p, line, end);
	}
	if (line == end || line[0] == '#') {
		return 0;
	}
	if (p->ended) {
		return store_fail(p, "text after the end line");
	}
	if (end - line >= 3 && memcmp(line, "end", 3) == 0 &&
	    (end - line == 3 || line[3] == ' ')) {
		return store_end(p, line + 3 + (end - line > 3), end);
	}
	if (line[0] == '@') {
		return store_event(p, line, end);
	}
	if (end - line > 5 && memcmp(line, "meta ", 5) == 0) {
		return store_meta(p, line + 5, end);
	}
	return store_fail(p, "unknown line (expected an event starting with "
	    "@, \"meta\", or a # comment)");
}

/* Parse native text. */
struct ss_transcript *
ss_store_parse(const char *buf, size_t len, const char *name, char **err)
{
	struct store_parser	 p;
	const char		*line = buf, *end = buf + len, *nl;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.t = ss_transcript_create();
	while (line < end) {
		p.lineno++;
		nl = memchr(line, '\n', end - line);
		if (store_line(&p, line, nl != NULL ? nl : end) == -1) {
			break;
		}
		line = nl != NULL ? nl + 1 : end;
	}
	if (p.err == NULL && p.lineno == 0) {
		p.lineno = 1;
		store_fail(&p, "empty file");
	}
	if (p.err == NULL && !p.ended) {
		store_fail(&p, "truncated: the file has no end line (a complete "
		    "session file ends with \"end\")");
	}
	if (p.err != NULL) {
		ss_transcript_destroy(p.t);
		*err = p.err;
		return NULL;
	}
	return p.t;
}

/* Read a whole file, refusing what is too large to be a session. */
int
ss_store_read_file(const char *path, size_t max, struct ss_buf *out,
    char **err)
{
	char	 chunk[65536];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n == -1 || out->len + (size_t)n > max) {
			xasprintf(err, "%s: %s", path, n == -1 ?
			    strerror(errno) : "file too large");
			close(fd);
			return -1;
		}
		ss_buf_add(out, chunk, (size_t)n);
	}
	ss_wipe(chunk, sizeof(chunk));	/* a pasted log may hold a secret */
	close(fd);
	return 0;
}
