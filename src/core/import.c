/*
 * import.c: what a pasted log is, and who reads it (doc/import-formats.md).
 *
 * The module above the native store and the readers: it detects a text's
 * format from the marks each reader knows, and dispatches it to the
 * native parser (store.c) or to that reader (import-*.c), which feed the
 * shared builder (import-build.c).  A new format is a new reader file and
 * a line in the table below.
 */

#include <stdlib.h>
#include <string.h>

#include "import-int.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"

#define IMPORT_DETECT_LINES	2000		/* lines detection reads */
#define IMPORT_SAMPLE		65536		/* bytes the binary test reads */
#define IMPORT_MAX_FILE		(1024u * 1024 * 1024)
#define IMPORT_SHOW_LINES	3		/* shapes an error describes */
#define IMPORT_SHOW_BYTES	24		/* ... and bytes of each */

const char *const ss_import_format_names[SS_IMPORT_FORMAT_LAST] = {
	"native", "telnet", "swaks", "openssl", "phpmailer", "smtplib",
	"prefixed", "exchange", "javamail", "postfix", "opensmtpd",
	"thunderbird", "outlook",
};
_Static_assert(SS_NITEMS(ss_import_format_names) == SS_IMPORT_FORMAT_LAST,
    "import format names");

/* The readers, in the order detection prefers them on a tie. */
static const struct import_reader *const import_readers[] = {
	&import_swaks_reader,
	&import_openssl_reader,
	&import_phpmailer_reader,
	&import_smtplib_reader,
	&import_exchange_reader,
	&import_javamail_reader,
	&import_postfix_reader,
	&import_opensmtpd_reader,
	&import_thunderbird_reader,
	&import_outlook_reader,
	&import_prefixed_reader,
	&import_telnet_reader,
};

/* Other names people use for a format. */
static const struct {
	const char		*name;
	enum ss_import_format	 format;
} import_aliases[] = {
	{ "nc", SS_IMPORT_TELNET }, { "netcat", SS_IMPORT_TELNET },
	{ "python", SS_IMPORT_SMTPLIB }, { "s_client", SS_IMPORT_OPENSSL },
	{ "java", SS_IMPORT_JAVAMAIL }, { "msexchange", SS_IMPORT_EXCHANGE },
	{ "smtpd", SS_IMPORT_OPENSMTPD },
};

/* The reader of a format, or NULL (native). */
static const struct import_reader *
import_reader_of(enum ss_import_format format)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(import_readers); i++) {
		if (import_readers[i]->format == format) {
			return import_readers[i];
		}
	}
	return NULL;
}

/* The format of a name ("telnet", or an alias such as "nc"). */
enum ss_import_format
ss_import_format_from_name(const char *name)
{
	size_t	i;

	if (name == NULL) {
		return SS_IMPORT_FORMAT_LAST;
	}
	for (i = 0; i < SS_NITEMS(import_aliases); i++) {
		if (ss_strcasecmp(name, import_aliases[i].name) == 0) {
			return import_aliases[i].format;
		}
	}
	for (i = 0; i < SS_IMPORT_FORMAT_LAST; i++) {
		if (ss_strcasecmp(name, ss_import_format_names[i]) == 0) {
			return (enum ss_import_format)i;
		}
	}
	return SS_IMPORT_FORMAT_LAST;
}

/* "native, telnet, ..." for usage messages. */
const char *
ss_import_format_list(void)
{
	return "native, telnet (nc), swaks, openssl, phpmailer, smtplib "
	    "(python), prefixed, exchange, javamail, postfix, opensmtpd, "
	    "thunderbird, outlook";
}

/* Guess the format: native magic, else the reader with the most marks
 * in the first lines (telnet when only reply codes are seen). */
enum ss_import_format
ss_import_detect(const char *text, size_t len)
{
	struct import_line	l = { NULL, 0, 0, 0 };
	size_t			off = 0, i, best = SIZE_MAX;
	unsigned long		score[SS_NITEMS(import_readers)];
	unsigned long		strong[SS_NITEMS(import_readers)];
	int			m, any_strong = 0;

	if (len >= strlen(SS_STORE_MAGIC) &&
	    memcmp(text, SS_STORE_MAGIC, strlen(SS_STORE_MAGIC)) == 0) {
		return SS_IMPORT_NATIVE;
	}
	memset(score, 0, sizeof(score));
	memset(strong, 0, sizeof(strong));
	while (l.no < IMPORT_DETECT_LINES && import_next(text, len, &off, &l)) {
		for (i = 0; i < SS_NITEMS(import_readers); i++) {
			m = import_readers[i]->detect(&l);
			score[i] += (unsigned long)m;
			strong[i] += (unsigned long)m * (m >= 4);
			any_strong |= m >= 4;
		}
	}
	/* A tool's own words outweigh lines any log has (reply codes). */
	for (i = 0; i < SS_NITEMS(import_readers); i++) {
		if (any_strong) {
			score[i] = strong[i];
		}
		if (score[i] > 0 && (best == SIZE_MAX ||
		    score[i] > score[best])) {
			best = i;
		}
	}
	return best == SIZE_MAX ? SS_IMPORT_FORMAT_LAST :
	    import_readers[best]->format;
}

/* Random bytes are not a pasted log: too many control bytes. */
static int
import_binary(const char *text, size_t len)
{
	size_t		i, n = len < IMPORT_SAMPLE ? len : IMPORT_SAMPLE, bad = 0;
	unsigned char	c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)text[i];
		bad += (c < 0x20 && c != '\t' && c != '\r' && c != '\n' &&
		    c != 0x1b) || c == 0x7f;
	}
	return bad * 20 > n;
}

/* The shape of a line for an error message: its start, with letters
 * kept and digits shown as 9 (a pasted log may hold a secret: a few
 * bytes of its shape are enough to see what tool wrote it). */
static void
import_describe_line(struct ss_buf *out, const struct import_line *l)
{
	size_t		i, n = l->len < IMPORT_SHOW_BYTES ? l->len :
			    IMPORT_SHOW_BYTES;
	unsigned char	c;

	ss_buf_adds(out, " \"");
	for (i = 0; i < n; i++) {
		c = (unsigned char)l->p[i];
		if (c >= '0' && c <= '9') {
			ss_buf_addc(out, '9');
		} else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			ss_buf_addc(out, '.');
		} else {
			ss_buf_addc(out, (char)c);
		}
	}
	ss_buf_printf(out, "%s\"", l->len > n ? "..." : "");
}

/* Why nothing was found: what was looked for, what the text looks like. */
static char *
import_nothing_found(const char *text, size_t len, const char *name,
    const struct import_reader *r)
{
	struct ss_buf		out;
	struct import_line	l = { NULL, 0, 0, 0 };
	size_t			off = 0, i, shown = 0;

	ss_buf_init(&out);
	if (r != NULL) {
		ss_buf_printf(&out, "%s:1: no SMTP dialogue found for the %s "
		    "format (looked for %s)", name,
		    ss_import_format_names[r->format], r->looks_for);
	} else {
		ss_buf_printf(&out, "%s:1: no SMTP dialogue found in a format "
		    "smtpscope knows (looked for", name);
		for (i = 0; i < SS_NITEMS(import_readers); i++) {
			ss_buf_printf(&out, "%s %s: %s", i > 0 ? ";" : "",
			    ss_import_format_names[import_readers[i]->format],
			    import_readers[i]->looks_for);
		}
		ss_buf_addc(&out, ')');
	}
	while (shown < IMPORT_SHOW_LINES && import_next(text, len, &off, &l)) {
		if (l.len == 0) {
			continue;
		}
		ss_buf_adds(&out, shown == 0 ? "; the first lines look like" :
		    ",");
		import_describe_line(&out, &l);
		shown++;
	}
	return ss_buf_steal(&out);
}

/* Free what the import kept. */
static void
import_finish(struct import *im)
{
	size_t	i;

	ss_buf_finish(&im->reply);
	ss_wipe(im->last_reply.data, im->last_reply.cap);
	ss_buf_finish(&im->last_reply);
	ss_wipe(im->scratch.data, im->scratch.cap);
	ss_buf_finish(&im->scratch);
	ss_buf_finish(&im->pem);
	for (i = 0; i < im->ncerts; i++) {
		free(im->certs[i]);
	}
	free(im->host);
	free(im->port);
	free(im->addr);
	free(im->closed);
	free(im->version);
	free(im->cipher);
}

/* The end of the log: the closed record, metadata. */
static void
import_close(struct import *im)
{
	import_flush_reply(im);
	import_record(im, SS_DIR_INFO, SS_KIND_CLOSED, "%s", im->closed !=
	    NULL ? im->closed : "connection closed (the imported log ends)");
	ss_transcript_set_meta(im->t, "imported",
	    ss_import_format_names[im->reader->format]);
	if (im->host != NULL || im->addr != NULL) {
		ss_transcript_set_meta(im->t, "host", im->host != NULL ?
		    im->host : im->addr);
	}
	if (im->addr != NULL) {
		ss_transcript_set_meta(im->t, "address", im->addr);
	}
	if (im->port != NULL) {
		ss_transcript_set_meta(im->t, "port", im->port);
	}
	if (im->implicit) {
		ss_transcript_set_meta(im->t, "tls", "implicit");
	}
	if (im->inferred) {
		ss_transcript_set_meta(im->t, "inferred", "yes");
	}
}

/* Feed every line to the reader. */
static void
import_lines(struct import *im, const char *text, size_t len,
    struct import_line *l)
{
	size_t	off = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		off = 3;	/* a byte order mark from an editor */
	}
	while (import_next(text, len, &off, l)) {
		im->reader->line(im, l);
	}
}

/* Run one reader over the text; NULL when it found no dialogue. */
static struct ss_transcript *
import_run(const struct import_reader *r, const char *text, size_t len)
{
	struct import		im;
	struct import_line	l = { NULL, 0, 0, 0 };
	int			found;

	memset(&im, 0, sizeof(im));
	im.t = ss_transcript_create();
	im.reader = r;
	if (r->start != NULL) {
		r->start(&im, text, len);
	}
	import_lines(&im, text, len, &l);
	if (r->end != NULL) {
		r->end(&im);	/* may write what it held back */
	}
	found = im.nserver > 0 || im.found;
	if (found) {
		import_close(&im);
	}
	import_finish(&im);
	if (!found) {
		ss_transcript_destroy(im.t);
		return NULL;
	}
	return im.t;
}

/* Turn a text of the given format into a transcript. */
struct ss_transcript *
ss_import(const char *text, size_t len, enum ss_import_format format,
    const char *name, char **err)
{
	const struct import_reader	*r;
	struct ss_transcript		*t;

	*err = NULL;
	if (name == NULL) {
		name = "input";
	}
	if (format == SS_IMPORT_FORMAT_LAST) {
		format = ss_import_detect(text, len);
	}
	if (format == SS_IMPORT_NATIVE) {
		return ss_store_parse(text, len, name, err);
	}
	if (len == 0) {
		xasprintf(err, "%s:1: empty: nothing to import", name);
		return NULL;
	}
	if (import_binary(text, len)) {
		xasprintf(err, "%s:1: binary data, not a pasted text log", name);
		return NULL;
	}
	r = format < SS_IMPORT_FORMAT_LAST ? import_reader_of(format) : NULL;
	if (r == NULL && format < SS_IMPORT_FORMAT_LAST) {
		xasprintf(err, "%s: unknown import format", name);
		return NULL;
	}
	if (r == NULL || (t = import_run(r, text, len)) == NULL) {
		*err = import_nothing_found(text, len, name, r);
		return NULL;
	}
	return t;
}

/* Load a file of any format. */
struct ss_transcript *
ss_store_load(const char *path, enum ss_import_format format, char **err)
{
	struct ss_buf		 text;
	struct ss_transcript	*t;

	ss_buf_init(&text);
	if (ss_store_read_file(path, IMPORT_MAX_FILE, &text, err) == -1) {
		ss_buf_finish(&text);
		return NULL;
	}
	t = ss_import(text.data, text.len, format, path, err);
	/* An imported log may hold an AUTH secret in clear until redacted. */
	ss_wipe(text.data, text.len);
	ss_buf_finish(&text);
	return t;
}
