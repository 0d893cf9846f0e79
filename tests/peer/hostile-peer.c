/*
 * hostile-peer: a scripted SMTP server that misbehaves on purpose.
 *
 * smtpscope reads bytes from servers its users do not control.  This peer
 * plays one such server per "case": it greets (or not), answers commands
 * from a small table of scripted actions, and breaks the protocol in the one
 * way the case names.  Each case is data: a banner script and a list of
 * per-verb reply scripts built from a handful of primitive actions (send,
 * send slowly, send a long run, send numbered lines, close, reset, wait).
 *
 * It listens on loopback only, serves a fixed number of connections one
 * after the other, and exits after a hard time limit whatever happens, so a
 * test that forgets it cannot hang.  It never connects anywhere.
 *
 * Usage: hostile-peer --listen 127.0.0.1:0 --case NAME [--port-file FILE]
 *            [--connections N] [--time-limit SECONDS]
 *        hostile-peer --list
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* A byte string that may hold NULs: the length comes from the literal. */
#define B(s)		{ s, sizeof(s) - 1 }

#define LINE_MAX_IN	4096	/* longest client line we keep; rest dropped */
#define CHUNK		65536	/* write size for generated runs */
#define DRIP_MS		50	/* delay between bytes of a slow send */
#define IDLE_SECONDS	15	/* a connection silent this long is closed */
#define MAX_ACTIONS	6
#define FILL_WIDTH	4000	/* bytes of an OP_FILL line after its prefix */

struct bytes {
	const char	*p;
	size_t		 len;
};

/*
 * The client's input, line by line, in a fixed buffer: a line longer than
 * LINE_MAX_IN comes out in pieces, so a flood cannot grow memory.
 */
struct peer_input {
	char	buf[LINE_MAX_IN];
	size_t	len;
	size_t	used;
};

enum peer_op {
	OP_END = 0,
	OP_SEND,	/* write the bytes in one write */
	OP_DRIP,	/* write the bytes one at a time, DRIP_MS apart */
	OP_RUN,		/* write the bytes repeated count times, no CRLF */
	OP_LINES,	/* write count lines "<bytes><number>\r\n" */
	OP_CLOSE,	/* close the connection (FIN) */
	OP_RESET,	/* close with SO_LINGER 0 so the kernel sends RST */
	OP_WAIT,	/* read and discard until the client closes */
	OP_DATA,	/* read a DATA body up to the lone dot */
	OP_SWALLOW,	/* read one chunk of whatever comes (a ClientHello) */
	OP_FILL		/* write count lines "<bytes>" + FILL_WIDTH control
			   bytes (0x01) + CRLF: the costliest lines to keep */
};

struct peer_action {
	enum peer_op	 op;
	struct bytes	 text;
	size_t		 count;
};

struct peer_reply {
	const char		*verb;		/* upper case; NULL ends a list */
	struct peer_action	 actions[MAX_ACTIONS];
};

struct peer_case {
	const char		*name;
	const char		*about;
	struct peer_action	 banner[MAX_ACTIONS];
	struct peer_reply	 replies[8];	/* looked up before the defaults */
};

#define SEND(s)		{ OP_SEND, B(s), 0 }
#define DRIP(s)		{ OP_DRIP, B(s), 0 }
#define RUN(s, n)	{ OP_RUN, B(s), (n) }
#define LINES(s, n)	{ OP_LINES, B(s), (n) }
#define CLOSE		{ OP_CLOSE, { NULL, 0 }, 0 }
#define RESET		{ OP_RESET, { NULL, 0 }, 0 }
#define WAIT		{ OP_WAIT, { NULL, 0 }, 0 }
#define DATA		{ OP_DATA, { NULL, 0 }, 0 }
#define SWALLOW		{ OP_SWALLOW, { NULL, 0 }, 0 }
#define FILL(s, n)	{ OP_FILL, B(s), (n) }

/* The escape sequences a hostile server might try to smuggle to a terminal. */
#define ESC_TITLE	"\033]0;pwned-title\007"
#define ESC_CLIP	"\033]52;c;cHduZWQtY2xpcGJvYXJk\007"
#define ESC_LINK	"\033]8;;https://pwned.example/\033\\pwned-link\033]8;;\033\\"
#define ESC_RED		"\033[31mpwned-red\033[0m"
#define ESC_MOVE	"\033[2J\033[H\033[10;10Hpwned-move"
#define ESC_C1CSI	"\2335mpwned-c1"
#define ESC_BIDI	"\xe2\x80\xaepwned-bidi"

/*
 * How a well-behaved server answers; cases override single verbs.  The
 * default EHLO offers no STARTTLS: this peer has no TLS to give.
 */
static const struct peer_reply peer_defaults[] = {
	{ "EHLO", { SEND("250-hostile.test greets you\r\n"
	    "250-PIPELINING\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n"
	    "250 HELP\r\n") } },
	{ "HELO", { SEND("250 hostile.test\r\n") } },
	{ "MAIL", { SEND("250 2.1.0 Ok\r\n") } },
	{ "RCPT", { SEND("250 2.1.5 Ok\r\n") } },
	{ "DATA", { SEND("354 End data with <CR><LF>.<CR><LF>\r\n"), DATA,
	    SEND("250 2.0.0 Ok: queued\r\n") } },
	{ "RSET", { SEND("250 2.0.0 Ok\r\n") } },
	{ "NOOP", { SEND("250 2.0.0 Ok\r\n") } },
	{ "STARTTLS", { SEND("454 4.7.0 TLS not available\r\n") } },
	{ "AUTH", { SEND("535 5.7.8 Authentication credentials invalid\r\n") } },
	{ "QUIT", { SEND("221 2.0.0 Bye\r\n"), CLOSE } },
	{ NULL, { SEND("502 5.5.2 Command not recognized\r\n") } },
};

#define BANNER_OK	SEND("220 hostile.test ESMTP ready\r\n")
#define EHLO_TLS	{ "EHLO", { SEND("250-hostile.test\r\n" \
			    "250-PIPELINING\r\n250 STARTTLS\r\n") } }

static const struct peer_case peer_cases[] = {
	{ .name = "plain",
	  .about = "a well-behaved server without TLS, for scripted tests",
	  .banner = { BANNER_OK } },
	{ .name = "never-greets",
	  .about = "accepts the connection and never sends a banner",
	  .banner = { WAIT } },
	{ .name = "long-line",
	  .about = "an 8 MiB banner line without CRLF, then silence",
	  .banner = { SEND("220 "), RUN("A", 8 * 1024 * 1024), WAIT } },
	{ .name = "huge-ehlo",
	  .about = "a 200,000-line EHLO reply",
	  .banner = { BANNER_OK },
	  .replies = { { "EHLO", { SEND("250-hostile.test\r\n"),
	    LINES("250-X-FILLER-", 200000), SEND("250 HELP\r\n") } } } },
	{ .name = "ehlo-5m",
	  .about = "a 5,000,000-line EHLO reply of short lines (35 MB)",
	  .banner = { BANNER_OK },
	  .replies = { { "EHLO", { SEND("250-hostile.test\r\n"),
	    RUN("250-X\r\n", 5000000), SEND("250 HELP\r\n") } } } },
	{ .name = "ehlo-flood",
	  .about = "a 100,000,000-line EHLO reply (700 MB): a flood long "
	    "enough to press keys during",
	  .banner = { BANNER_OK },
	  .replies = { { "EHLO", { SEND("250-hostile.test\r\n"),
	    RUN("250-X\r\n", 100000000), SEND("250 HELP\r\n") } } } },
	{ .name = "endless-line",
	  .about = "a banner line that never ends (1 GiB without CRLF)",
	  .banner = { SEND("220 "), RUN("A", 1024 * 1024 * 1024) } },
	{ .name = "reply-flood",
	  .about = "after EHLO, 20,000,000 one-line replies nobody asked for",
	  .banner = { BANNER_OK },
	  .replies = { { "EHLO", { SEND("250-hostile.test\r\n"
	    "250 HELP\r\n"), RUN("250 drip\r\n", 20000000) } } } },
	{ .name = "fat-lines",
	  .about = "a banner and an EHLO reply of 1,000 lines of 4,000 control "
	    "bytes each, repeated",
	  .banner = { FILL("220-", 999), SEND("220 fat\r\n") },
	  .replies = { { "EHLO", { FILL("250-", 999), SEND("250 HELP\r\n"),
	    FILL("250-", 999), SEND("250 HELP\r\n"), FILL("250-", 999),
	    SEND("250 HELP\r\n") } } } },
	{ .name = "nul-utf8",
	  .about = "NUL bytes and invalid UTF-8 in the banner and EHLO",
	  .banner = { SEND("220 nul\0here \xff\xfe\xc3\x28 bad-utf8 "
	    "\xed\xa0\x80 ESMTP\r\n") },
	  .replies = { { "EHLO", { SEND("250-hostile\0.test \xc0\xaf\r\n"
	    "250-SIZE \xf8\x88\x80\x80\x80\r\n250 8BIT\0MIME\r\n") } } } },
	{ .name = "escapes",
	  .about = "terminal escapes (OSC title, OSC 52, OSC 8, CSI, C1 CSI, "
	    "bidi) in the banner and EHLO",
	  .banner = { SEND("220 hostile.test " ESC_TITLE " ESMTP " ESC_CLIP
	    " " ESC_RED "\r\n") },
	  .replies = { { "EHLO", { SEND("250-hostile.test " ESC_TITLE "\r\n"
	    "250-" ESC_CLIP "\r\n"
	    "250-" ESC_LINK "\r\n"
	    "250-" ESC_RED "\r\n"
	    "250-" ESC_MOVE "\r\n"
	    "250-" ESC_C1CSI "\r\n"
	    "250-" ESC_BIDI "\r\n"
	    "250 SIZE 1000 \a\b\x7f pwned-end\r\n") } } } },
	{ .name = "bare-lf",
	  .about = "every line ends in LF alone",
	  .banner = { SEND("220 hostile.test bare LF\n") },
	  .replies = { { "EHLO", { SEND("250-hostile.test\n250-PIPELINING\n"
	    "250 HELP\n") } },
	    { "QUIT", { SEND("221 bye\n"), CLOSE } } } },
	{ .name = "bad-codes",
	  .about = "malformed reply codes and mismatched continuation codes",
	  .banner = { BANNER_OK },
	  .replies = { { "EHLO", { SEND("250-hostile.test\r\n251-mismatched\r\n"
	    "25x-letters\r\n2500-four digits\r\n-no code\r\n"
	    "250+plus separator\r\n250 done\r\n") } },
	    { "NOOP", { SEND("abc\r\n") } } } },
	{ .name = "slow",
	  .about = "sends one byte every 50 ms",
	  .banner = { DRIP("220 slow.test ESMTP\r\n") },
	  .replies = { { "EHLO", { DRIP("250-slow.test\r\n250 HELP\r\n") } },
	    { "QUIT", { DRIP("221 bye\r\n"), CLOSE } } } },
	{ .name = "close-mid-reply",
	  .about = "closes the connection in the middle of the EHLO reply",
	  .banner = { BANNER_OK },
	  .replies = { { "EHLO", { SEND("250-hostile.test\r\n250-PIPEL"),
	    CLOSE } } } },
	{ .name = "reset",
	  .about = "resets the connection (TCP RST) in the middle of the EHLO "
	    "reply",
	  .banner = { BANNER_OK },
	  .replies = { { "EHLO", { SEND("250-hostile.test\r\n250-PIPEL"),
	    RESET } } } },
	{ .name = "tls-garbage",
	  .about = "says 220 to STARTTLS, then sends garbage instead of TLS",
	  .banner = { BANNER_OK },
	  .replies = { EHLO_TLS,
	    { "STARTTLS", { SEND("220 2.0.0 Ready to start TLS\r\n"),
	    SEND("this is not a TLS ServerHello\r\n\x16\x03\x03\xff\xff"),
	    RUN("\xde\xad", 4096), CLOSE } } } },
	{ .name = "inject-after-starttls",
	  .about = "a reply injected after 220 to STARTTLS, in the same write",
	  .banner = { BANNER_OK },
	  .replies = { EHLO_TLS,
	    { "STARTTLS", { SEND("220 2.0.0 Ready to start TLS\r\n"
	    "250 injected\r\n"), SWALLOW, CLOSE } } } },
	{ .name = "starttls-454",
	  .about = "advertises STARTTLS, then refuses it with 454",
	  .banner = { BANNER_OK },
	  .replies = { EHLO_TLS } },
	{ .name = "flood-after-quit",
	  .about = "a flood of 100,000 replies after 221 to QUIT",
	  .banner = { BANNER_OK },
	  .replies = { { "QUIT", { SEND("221 2.0.0 Bye\r\n"),
	    LINES("250 flood ", 100000), CLOSE } } } },
};

/* Log to stderr: the peer's own notes, never the bytes it sends. */
static void
peer_log(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
peer_log(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fputs("hostile-peer: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* The hard time limit: whatever the client does, the peer goes away. */
static void
peer_alarm(int sig)
{
	static const char msg[] = "hostile-peer: time limit reached\n";

	(void)sig;
	(void)write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(0);
}

/* Write all bytes; 0 on success, -1 once the client has gone. */
static int
peer_write(int fd, const void *p, size_t len)
{
	const char	*c = p;
	ssize_t		 n;

	while (len > 0) {
		n = send(fd, c, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return (-1);
		}
		c += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Sleep a number of milliseconds, resuming after signals. */
static void
peer_sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
		continue;
	}
}

/* Send one byte at a time: a slow link or a tarpit. */
static int
peer_drip(int fd, const struct bytes *b)
{
	size_t	i;

	for (i = 0; i < b->len; i++) {
		if (peer_write(fd, b->p + i, 1) == -1) {
			return (-1);
		}
		peer_sleep_ms(DRIP_MS);
	}
	return (0);
}

/* Send the pattern count times, in large writes. */
static int
peer_run(int fd, const struct bytes *b, size_t count)
{
	static char	chunk[CHUNK];
	size_t		fill = 0, per, n;

	if (b->len == 0 || b->len > sizeof(chunk)) {
		return (0);
	}
	per = sizeof(chunk) / b->len;
	while (count > 0) {
		n = count < per ? count : per;
		for (fill = 0; fill < n * b->len; fill += b->len) {
			memcpy(chunk + fill, b->p, b->len);
		}
		if (peer_write(fd, chunk, fill) == -1) {
			return (-1);
		}
		count -= n;
	}
	return (0);
}

/* Send count lines of the prefix and FILL_WIDTH 0x01 bytes, batched. */
static int
peer_fill(int fd, const struct bytes *b, size_t count)
{
	static char	line[FILL_WIDTH + 64];
	size_t		i, n;

	if (b->len > sizeof(line) - FILL_WIDTH - 2) {
		return (0);
	}
	memcpy(line, b->p, b->len);
	memset(line + b->len, 0x01, FILL_WIDTH);
	memcpy(line + b->len + FILL_WIDTH, "\r\n", 2);
	n = b->len + FILL_WIDTH + 2;
	for (i = 0; i < count; i++) {
		if (peer_write(fd, line, n) == -1) {
			return (-1);
		}
	}
	return (0);
}

/* Send count numbered lines, prefix then number then CRLF, batched. */
static int
peer_lines(int fd, const struct bytes *b, size_t count)
{
	static char	chunk[CHUNK];
	size_t		fill = 0, i;
	int		n;

	for (i = 0; i < count; i++) {
		if (fill + b->len + 32 > sizeof(chunk)) {
			if (peer_write(fd, chunk, fill) == -1) {
				return (-1);
			}
			fill = 0;
		}
		memcpy(chunk + fill, b->p, b->len);
		fill += b->len;
		n = snprintf(chunk + fill, sizeof(chunk) - fill, "%06zu\r\n", i);
		fill += (size_t)n;
	}
	return (peer_write(fd, chunk, fill));
}

/* Close so that the kernel sends RST instead of FIN. */
static void
peer_reset(int fd)
{
	struct linger	l = { 1, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/* Read and drop one chunk of input, already buffered or fresh. */
static int
peer_swallow(int fd, struct peer_input *in)
{
	char	buf[4096];
	ssize_t	n;

	if (in->used < in->len) {
		in->used = in->len = 0;
		return (0);
	}
	do {
		n = recv(fd, buf, sizeof(buf), 0);
	} while (n == -1 && errno == EINTR);
	return (n > 0 ? 0 : -1);
}

/* Read and drop whatever the client sends until it closes or goes idle. */
static void
peer_wait(int fd)
{
	char	buf[4096];
	ssize_t	n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return;
		}
	}
}

/* Next line without its line end; 0 on success, -1 on close or idle. */
static int
peer_read_line(int fd, struct peer_input *in, char *line, size_t size)
{
	char	*lf;
	size_t	 n;
	ssize_t	 got;

	for (;;) {
		lf = memchr(in->buf + in->used, '\n', in->len - in->used);
		if (lf != NULL || in->len == sizeof(in->buf)) {
			n = lf != NULL ? (size_t)(lf - (in->buf + in->used)) :
			    in->len - in->used;
			if (n >= size) {
				n = size - 1;
			}
			memcpy(line, in->buf + in->used, n);
			line[n] = '\0';
			if (n > 0 && line[n - 1] == '\r') {
				line[n - 1] = '\0';
			}
			in->used = lf != NULL ?
			    (size_t)(lf - in->buf) + 1 : in->len;
			return (0);
		}
		memmove(in->buf, in->buf + in->used, in->len - in->used);
		in->len -= in->used;
		in->used = 0;
		got = recv(fd, in->buf + in->len, sizeof(in->buf) - in->len, 0);
		if (got == -1 && errno == EINTR) {
			continue;
		}
		if (got <= 0) {
			return (-1);
		}
		in->len += (size_t)got;
	}
}

/* Swallow a DATA body up to the line holding a lone dot. */
static int
peer_data(int fd, struct peer_input *in)
{
	char	line[LINE_MAX_IN];

	for (;;) {
		if (peer_read_line(fd, in, line, sizeof(line)) == -1) {
			return (-1);
		}
		if (strcmp(line, ".") == 0) {
			return (0);
		}
	}
}

/* Run a script; 1 when the connection is finished, -1 on error, else 0. */
static int
peer_play(int fd, struct peer_input *in, const struct peer_action *a)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < MAX_ACTIONS && a[i].op != OP_END && rc == 0; i++) {
		switch (a[i].op) {
		case OP_SEND:
			rc = peer_write(fd, a[i].text.p, a[i].text.len);
			break;
		case OP_DRIP:
			rc = peer_drip(fd, &a[i].text);
			break;
		case OP_RUN:
			rc = peer_run(fd, &a[i].text, a[i].count);
			break;
		case OP_LINES:
			rc = peer_lines(fd, &a[i].text, a[i].count);
			break;
		case OP_FILL:
			rc = peer_fill(fd, &a[i].text, a[i].count);
			break;
		case OP_DATA:
			rc = peer_data(fd, in);
			break;
		case OP_SWALLOW:
			rc = peer_swallow(fd, in);
			break;
		case OP_RESET:
			peer_reset(fd);
			return (1);
		case OP_CLOSE:
			return (1);
		case OP_WAIT:
			peer_wait(fd);
			return (1);
		case OP_END:
			break;
		}
	}
	return (rc);
}

/* The reply script for a verb: the case's own, else the default table's. */
static const struct peer_action *
peer_lookup(const struct peer_case *pc, const char *verb)
{
	size_t	i;

	for (i = 0; i < NITEMS(pc->replies) && pc->replies[i].verb != NULL;
	    i++) {
		if (strcmp(pc->replies[i].verb, verb) == 0) {
			return (pc->replies[i].actions);
		}
	}
	for (i = 0; peer_defaults[i].verb != NULL; i++) {
		if (strcmp(peer_defaults[i].verb, verb) == 0) {
			break;
		}
	}
	return (peer_defaults[i].actions);
}

/* The command verb of a line, upper-cased and bounded. */
static void
peer_verb(const char *line, char *verb, size_t size)
{
	size_t	i;

	for (i = 0; i + 1 < size && line[i] != '\0' && line[i] != ' '; i++) {
		verb[i] = line[i] >= 'a' && line[i] <= 'z' ?
		    (char)(line[i] - 'a' + 'A') : line[i];
	}
	verb[i] = '\0';
}

/* One connection: banner, then a reply script per command line. */
static void
peer_serve(int fd, const struct peer_case *pc)
{
	struct peer_input	 in = { .len = 0, .used = 0 };
	struct timeval		 idle = { IDLE_SECONDS, 0 };
	char			 line[LINE_MAX_IN], verb[16];

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof(idle));
	if (peer_play(fd, &in, pc->banner) != 0) {
		return;
	}
	while (peer_read_line(fd, &in, line, sizeof(line)) == 0) {
		peer_verb(line, verb, sizeof(verb));
		if (peer_play(fd, &in, peer_lookup(pc, verb)) != 0) {
			return;
		}
	}
}

/* Accept only loopback: this tool must never face a real network. */
static int
peer_parse_listen(const char *arg, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[64];
	const char		*colon;
	char			*end;
	unsigned long		 port;

	colon = strrchr(arg, ':');
	if (colon == NULL || (size_t)(colon - arg) >= sizeof(host)) {
		return (-1);
	}
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port > 65535) {
		return (-1);
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127) {
			return (-1);
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*sin);
		return (0);
	}
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1 ||
	    !IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr)) {
		return (-1);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((uint16_t)port);
	*sslen = sizeof(*sin6);
	return (0);
}

/* Write the bound port to a file atomically, so a poller never sees half. */
static int
peer_write_port(const char *path, int port)
{
	char	 tmp[4096];
	FILE	*f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		return (-1);
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		return (-1);
	}
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		return (-1);
	}
	return (0);
}

/* Bind and listen on the loopback address; returns the socket or -1. */
static int
peer_listen(const char *addr, const char *port_file)
{
	struct sockaddr_storage	ss;
	socklen_t		sslen;
	int			fd, on = 1, port;

	if (peer_parse_listen(addr, &ss, &sslen) == -1) {
		peer_log("--listen wants a loopback ADDR:PORT, not %s", addr);
		return (-1);
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd == -1) {
		peer_log("socket: %s", strerror(errno));
		return (-1);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1 ||
	    listen(fd, 8) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		peer_log("%s: %s", addr, strerror(errno));
		close(fd);
		return (-1);
	}
	port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	if (port_file != NULL && peer_write_port(port_file, port) == -1) {
		peer_log("%s: %s", port_file, strerror(errno));
		close(fd);
		return (-1);
	}
	peer_log("listening on port %d", port);
	return (fd);
}

/* Find a case by name. */
static const struct peer_case *
peer_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NITEMS(peer_cases); i++) {
		if (strcmp(peer_cases[i].name, name) == 0) {
			return (&peer_cases[i]);
		}
	}
	return (NULL);
}

/* Print the case table: the same list doc/hostile-peer.md describes. */
static void
peer_list(void)
{
	size_t	i;

	for (i = 0; i < NITEMS(peer_cases); i++) {
		printf("%-22s %s\n", peer_cases[i].name, peer_cases[i].about);
	}
}

static void
peer_usage(void)
{
	fprintf(stderr, "usage: hostile-peer --listen ADDR:PORT --case NAME "
	    "[--port-file FILE]\n"
	    "                    [--connections N] [--time-limit SECONDS]\n"
	    "       hostile-peer --list\n");
	exit(2);
}

/* A positive number option, bounded. */
static long
peer_number(const char *opt, const char *arg, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < 1 || v > max) {
		peer_log("%s wants a number from 1 to %ld", opt, max);
		exit(2);
	}
	return (v);
}

/* Accept and serve connections one by one. */
static void
peer_accept_loop(int lfd, const struct peer_case *pc, long connections)
{
	int	fd;

	while (connections-- > 0) {
		fd = accept(lfd, NULL, NULL);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED) {
				connections++;
				continue;
			}
			peer_log("accept: %s", strerror(errno));
			return;
		}
		peer_log("connection: case %s", pc->name);
		peer_serve(fd, pc);
		close(fd);
	}
}

int
main(int argc, char **argv)
{
	const struct peer_case	*pc = NULL;
	const char		*listen_addr = NULL, *port_file = NULL;
	long			 connections = 1, limit = 60;
	int			 i, lfd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0) {
			peer_list();
			return (0);
		}
		if (i + 1 >= argc) {
			peer_usage();
		}
		if (strcmp(argv[i], "--listen") == 0) {
			listen_addr = argv[++i];
		} else if (strcmp(argv[i], "--case") == 0) {
			if ((pc = peer_find(argv[++i])) == NULL) {
				peer_log("unknown case %s (see --list)", argv[i]);
				return (2);
			}
		} else if (strcmp(argv[i], "--port-file") == 0) {
			port_file = argv[++i];
		} else if (strcmp(argv[i], "--connections") == 0) {
			connections = peer_number(argv[i], argv[i + 1], 1000);
			i++;
		} else if (strcmp(argv[i], "--time-limit") == 0) {
			limit = peer_number(argv[i], argv[i + 1], 3600);
			i++;
		} else {
			peer_usage();
		}
	}
	if (listen_addr == NULL || pc == NULL) {
		peer_usage();
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, peer_alarm);
	alarm((unsigned int)limit);
	if ((lfd = peer_listen(listen_addr, port_file)) == -1) {
		return (1);
	}
	peer_accept_loop(lfd, pc, connections);
	close(lfd);
	return (0);
}
