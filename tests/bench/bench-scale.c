/*
 * bench-scale.c: the core at a thousand and at a million events (issue 6).
 *
 *	bench-scale gen N FILE [PEM]
 *	bench-scale load FILE
 *
 * gen writes a session of about N events with the core API, as a live
 * capture records it: several connections, each with its banner, EHLO,
 * STARTTLS and the TLS records (handshake, the peer certificate from PEM
 * when given, verification), EHLO again, AUTH, a message (MAIL, RCPT,
 * DATA, body), a run of NOOPs, QUIT and the close; saved with
 * ss_store_save.
 *
 * load reads it back with ss_store_load and builds the full dialog,
 * printing times and the process's resident set after each (current and
 * peak, from /proc/self/status), then takes replay steps in functions that
 * do exactly one step each, for callgrind to count:
 *	valgrind --tool=callgrind --toggle-collect=bench_step_back ...
 * bench_step_back	one step backwards: ss_dialog_view(full, t, k - 1)
 * bench_step_forward	one step forwards: the next step's events fed
 * bench_steps_back	96 steps back in a row (then divide by 96: a mean
 *			that does not depend on where k falls between two
 *			quiet points, which come every 32 events)
 * k sits at the same offset into a connection at every size, so the two
 * sizes take the same step.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* Where k sits in its connection, and how many steps the mean takes. */
#define BENCH_OFFSET	400
#define BENCH_RUN	96
/* NOOPs per connection: about 1,000 events per connection. */
#define BENCH_NOOPS	300

static const char bench_ehlo[] = "250-mx.example Hello me [192.0.2.1]\r\n"
    "250-SIZE 52428800\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
    "250-CHUNKING\r\n250-STARTTLS\r\n250 HELP\r\n";
static const char bench_ehlo_tls[] = "250-mx.example Hello me [192.0.2.1]\r\n"
    "250-SIZE 52428800\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
    "250-AUTH PLAIN LOGIN\r\n250-CHUNKING\r\n250 HELP\r\n";
static const char bench_body[] = "From: me@example.org\r\nTo: you@example."
    "net\r\nSubject: benchmark\r\n\r\nA line of the body.\r\n.\r\n";

static int bench_is_step(const struct ss_event *);

/* One exchange as a capture records it: step record, command, reply. */
static void
bench_exchange(struct ss_transcript *t, uint64_t *us, const char *step,
    const char *cmd, const char *reply, unsigned flags)
{
	ss_transcript_append(t, (*us)++, SS_DIR_INFO, SS_KIND_STEP, 0, step,
	    strlen(step));
	ss_transcript_append(t, (*us)++, SS_DIR_CLIENT, SS_KIND_DATA, flags,
	    cmd, strlen(cmd));
	ss_transcript_append(t, (*us)++, SS_DIR_SERVER, SS_KIND_DATA,
	    flags & ~SS_EVF_REDACTED, reply, strlen(reply));
}

/* The base64 body of a PEM certificate, or NULL when none is given. */
static char *
bench_cert_b64(const char *path)
{
	FILE	*f;
	char	 line[256];
	struct ss_buf b;
	int	 in = 0;

	if (path == NULL || (f = fopen(path, "r")) == NULL) {
		return NULL;
	}
	ss_buf_init(&b);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "-----", 5) == 0) {
			if (in) {
				break;	/* the first certificate only */
			}
			in = 1;
			continue;
		}
		if (in) {
			ss_buf_add(&b, line, strcspn(line, "\r\n"));
		}
	}
	fclose(f);
	if (b.len == 0) {
		ss_buf_finish(&b);
		return NULL;
	}
	return ss_buf_steal(&b);
}

/* STARTTLS and the TLS records a verified handshake leaves. */
static void
bench_starttls(struct ss_transcript *t, uint64_t *us, const char *cert)
{
	bench_exchange(t, us, "STARTTLS", "STARTTLS\r\n",
	    "220 TLS go ahead\r\n", 0);
	ss_transcript_note(t, (*us)++, SS_DIR_TLS, SS_KIND_TLS_START, 0,
	    "handshake started sni=mx.example");
	ss_transcript_note(t, (*us)++, SS_DIR_TLS, SS_KIND_TLS_UP, 0,
	    "version=TLSv1.2 cipher=TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256");
	if (cert != NULL) {
		ss_transcript_append(t, (*us)++, SS_DIR_TLS, SS_KIND_TLS_CERT,
		    0, cert, strlen(cert));
	}
	ss_transcript_note(t, (*us)++, SS_DIR_TLS, SS_KIND_TLS_VERIFY, 0,
	    "verified: the certificate is trusted and names mx.example");
}

/* A message in TLS: MAIL, RCPT, DATA and its body. */
static void
bench_message(struct ss_transcript *t, uint64_t *us)
{
	bench_exchange(t, us, "MAIL", "MAIL FROM:<me@example.org>\r\n",
	    "250 OK\r\n", SS_EVF_TLS);
	bench_exchange(t, us, "RCPT", "RCPT TO:<you@example.net>\r\n",
	    "250 Accepted\r\n", SS_EVF_TLS);
	bench_exchange(t, us, "DATA", "DATA\r\n",
	    "354 Enter message, ending with \".\" on a line by itself\r\n",
	    SS_EVF_TLS);
	ss_transcript_append(t, (*us)++, SS_DIR_CLIENT, SS_KIND_DATA,
	    SS_EVF_TLS, bench_body, strlen(bench_body));
	ss_transcript_append(t, (*us)++, SS_DIR_SERVER, SS_KIND_DATA,
	    SS_EVF_TLS, "250 OK id=1abcde-000001-AB\r\n", 28);
}

/* One connection, its NOOPs cut short when the session is long enough. */
static void
bench_connection(struct ss_transcript *t, uint64_t *us, const char *cert,
    size_t n)
{
	size_t	i;

	ss_transcript_note(t, (*us)++, SS_DIR_INFO, SS_KIND_CONNECT, 0,
	    "connected to 192.0.2.7 port 25");
	ss_transcript_append(t, (*us)++, SS_DIR_SERVER, SS_KIND_DATA, 0,
	    "220 mx.example ESMTP Exim 4.96\r\n", 32);
	bench_exchange(t, us, "EHLO", "EHLO me.example\r\n", bench_ehlo, 0);
	bench_starttls(t, us, cert);
	bench_exchange(t, us, "EHLO", "EHLO me.example\r\n", bench_ehlo_tls,
	    SS_EVF_TLS);
	bench_exchange(t, us, "AUTH PLAIN", "AUTH PLAIN <redacted, 24 bytes>"
	    "\r\n", "235 Authentication succeeded\r\n",
	    SS_EVF_TLS | SS_EVF_REDACTED);
	bench_message(t, us);
	for (i = 0; i < BENCH_NOOPS && ss_transcript_count(t) < n; i++) {
		bench_exchange(t, us, "NOOP", "NOOP\r\n", "250 OK\r\n",
		    SS_EVF_TLS);
	}
	bench_exchange(t, us, "QUIT", "QUIT\r\n",
	    "221 mx.example closing connection\r\n", SS_EVF_TLS);
	ss_transcript_note(t, (*us)++, SS_DIR_TLS, SS_KIND_TLS_CLOSE, 0,
	    "close_notify received");
	ss_transcript_note(t, (*us)++, SS_DIR_INFO, SS_KIND_CLOSED, 0,
	    "connection closed after QUIT");
}

/* Write a session of about n events to path. */
static int
bench_gen(size_t n, const char *path, const char *pem)
{
	struct ss_transcript	*t = ss_transcript_create();
	char			*cert = bench_cert_b64(pem), *err = NULL;
	uint64_t		 us = 0;

	while (ss_transcript_count(t) < n) {
		bench_connection(t, &us, cert, n);
	}
	free(cert);
	if (ss_store_save(t, path, &err) == -1) {
		fprintf(stderr, "bench-scale: %s\n", err);
		free(err);
		ss_transcript_destroy(t);
		return 1;
	}
	printf("generated %zu events\n", ss_transcript_count(t));
	ss_transcript_destroy(t);
	return 0;
}

/* Seconds on the monotonic clock. */
static double
bench_now(void)
{
	return (double)ss_now_us() / 1e6;
}

/* A line of /proc/self/status in KiB ("VmRSS:", "VmHWM:"). */
static long
bench_status_kib(const char *field)
{
	FILE	*f = fopen("/proc/self/status", "r");
	char	 line[256];
	long	 kib = -1;

	if (f == NULL) {
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, strlen(field)) == 0) {
			kib = strtol(line + strlen(field), NULL, 10);
			break;
		}
	}
	fclose(f);
	return kib;
}

/* Resident set now and at peak, MiB. */
static void
bench_print_rss(const char *after)
{
	printf("  after %-11s RSS %7.1f MiB, peak %7.1f MiB\n", after,
	    bench_status_kib("VmRSS:") / 1024.0,
	    bench_status_kib("VmHWM:") / 1024.0);
}

/* One step backwards: what the replay shows at event k. */
__attribute__((noinline)) void
bench_step_back(const struct ss_dialog *full, const struct ss_transcript *t,
    size_t k)
{
	ss_dialog_destroy(ss_dialog_view(full, t, k));
}

/* Many steps back in a row: their mean is one step's cost wherever k is. */
__attribute__((noinline)) void
bench_steps_back(const struct ss_dialog *full, const struct ss_transcript *t,
    size_t k)
{
	size_t	i;

	/* Not through bench_step_back, so callgrind counts each apart. */
	for (i = 0; i < BENCH_RUN && k > i; i++) {
		ss_dialog_destroy(ss_dialog_view(full, t, k - 1 - i));
	}
}

/* One step forwards: feed the events up to the next step record. */
__attribute__((noinline)) size_t
bench_step_forward(struct ss_dialog *d, const struct ss_transcript *t,
    size_t from)
{
	const struct ss_event	*ev;
	size_t			 i;

	for (i = from; (ev = ss_transcript_get(t, i)) != NULL; i++) {
		if (i > from && bench_is_step(ev)) {
			break;
		}
		ss_dialog_feed(d, ev);
	}
	return i - from;
}

/* Is this event a step record (where a replay step starts)? */
static int
bench_is_step(const struct ss_event *ev)
{
	return ev->dir == SS_DIR_INFO && ev->kind == SS_KIND_STEP;
}

/* The first step record at least BENCH_OFFSET events into the connection
 * nearest the middle, so both sizes step at the same place. */
static size_t
bench_pick(const struct ss_transcript *t, size_t n)
{
	const struct ss_event	*ev;
	size_t			 i;

	for (i = n / 2; i > 0; i--) {
		ev = ss_transcript_get(t, i);
		if (ev->dir == SS_DIR_INFO && ev->kind == SS_KIND_CONNECT) {
			break;
		}
	}
	for (i += BENCH_OFFSET; i < n - 1; i++) {
		if (bench_is_step(ss_transcript_get(t, i))) {
			break;
		}
	}
	return i;
}

/* Load, build, and take the steps. */
static int
bench_load(const char *path)
{
	struct ss_transcript	*t;
	struct ss_dialog	*full, *view;
	char			*err = NULL;
	size_t			 n, k, fed;
	double			 t0;

	t0 = bench_now();
	if ((t = ss_store_load(path, SS_IMPORT_FORMAT_LAST, &err)) == NULL) {
		fprintf(stderr, "bench-scale: %s\n", err);
		free(err);
		return 1;
	}
	n = ss_transcript_count(t);
	printf("  load (ss_store_load): %zu events in %.3f s\n", n,
	    bench_now() - t0);
	bench_print_rss("load");
	t0 = bench_now();
	full = ss_dialog_build(t, n);
	printf("  full dialog (ss_dialog_build): %zu lines in %.3f s\n",
	    ss_dialog_line_count(full), bench_now() - t0);
	bench_print_rss("build");
	k = bench_pick(t, n);
	bench_step_back(full, t, k - 1);
	bench_steps_back(full, t, k);
	view = ss_dialog_view(full, t, k);
	fed = bench_step_forward(view, t, k);
	printf("  steps taken at event %zu (forward fed %zu events)\n", k, fed);
	ss_dialog_destroy(view);
	ss_dialog_destroy(full);
	ss_transcript_destroy(t);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && argc <= 5 && strcmp(argv[1], "gen") == 0) {
		return bench_gen(strtoul(argv[2], NULL, 10), argv[3],
		    argc == 5 ? argv[4] : NULL);
	}
	if (argc == 3 && strcmp(argv[1], "load") == 0) {
		return bench_load(argv[2]);
	}
	fprintf(stderr, "usage: bench-scale gen N FILE [PEM]\n"
	    "       bench-scale load FILE\n");
	return 2;
}
