/*
 * scale-core.c: the core at a thousand and at a million events.
 *
 *	scale-core N DIR
 *
 * Generates a session of about N events (connections of EHLO, STARTTLS,
 * EHLO, AUTH, many NOOPs, QUIT, as a live capture records them), saves it
 * to DIR, loads it back, builds the full dialog, and prints the times and
 * the peak RSS.  Then it takes one replay step backwards (a view of the
 * middle) and one forwards (feeding one step's events): run it under
 *	valgrind --tool=callgrind --toggle-collect=bench_step_back
 * to count the instructions of exactly one step (bench-scale.sh does).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "smtpscope/dialog.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* One exchange as a capture records it: step note, command, reply. */
static void
add_exchange(struct ss_transcript *t, uint64_t *us, const char *step,
    const char *cmd, const char *reply, unsigned tls)
{
	ss_transcript_append(t, (*us)++, SS_DIR_INFO, SS_KIND_STEP, 0, step,
	    strlen(step));
	ss_transcript_append(t, (*us)++, SS_DIR_CLIENT, SS_KIND_DATA, tls, cmd,
	    strlen(cmd));
	ss_transcript_append(t, (*us)++, SS_DIR_SERVER, SS_KIND_DATA, tls,
	    reply, strlen(reply));
}

/* A session of about n events. */
static struct ss_transcript *
generate(size_t n)
{
	struct ss_transcript	*t = ss_transcript_create();
	uint64_t		 us = 0;
	size_t			 i;
	static const char ehlo[] = "250-mx.example Hello\r\n250-SIZE 52428800"
	    "\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 HELP\r\n";
	static const char ehlo_tls[] = "250-mx.example Hello\r\n250-SIZE "
	    "52428800\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n";

	while (ss_transcript_count(t) < n) {
		ss_transcript_note(t, us++, SS_DIR_INFO, SS_KIND_CONNECT, 0,
		    "connected to 192.0.2.7 port 25");
		ss_transcript_append(t, us++, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    "220 mx.example ESMTP\r\n", 22);
		add_exchange(t, &us, "ehlo", "EHLO me\r\n", ehlo, 0);
		add_exchange(t, &us, "starttls", "STARTTLS\r\n", "220 go\r\n", 0);
		ss_transcript_note(t, us++, SS_DIR_TLS, SS_KIND_TLS_START, 0,
		    "handshake started sni=mx.example");
		ss_transcript_note(t, us++, SS_DIR_TLS, SS_KIND_TLS_UP, 0,
		    "version=TLSv1.2 cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
		add_exchange(t, &us, "ehlo", "EHLO me\r\n", ehlo_tls, SS_EVF_TLS);
		add_exchange(t, &us, "auth PLAIN",
		    "AUTH PLAIN <redacted, 24 bytes>\r\n", "235 ok\r\n",
		    SS_EVF_TLS | SS_EVF_REDACTED);
		for (i = 0; i < 300 && ss_transcript_count(t) < n; i++) {
			add_exchange(t, &us, "noop", "NOOP\r\n", "250 ok\r\n",
			    SS_EVF_TLS);
		}
		add_exchange(t, &us, "quit", "QUIT\r\n", "221 bye\r\n",
		    SS_EVF_TLS);
		ss_transcript_note(t, us++, SS_DIR_INFO, SS_KIND_CLOSED, 0,
		    "connection closed after QUIT");
	}
	return t;
}

/* Seconds on the monotonic clock. */
static double
now(void)
{
	return (double)ss_now_us() / 1e6;
}

/* Peak resident set, MiB. */
static double
peak_mib(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/* One step backwards: what the replay shows at event k. */
__attribute__((noinline)) void
bench_step_back(const struct ss_dialog *full, const struct ss_transcript *t,
    size_t k)
{
	ss_dialog_destroy(ss_dialog_view(full, t, k));
}

/* One step forwards: feed one exchange's events. */
__attribute__((noinline)) void
bench_step_forward(struct ss_dialog *d, const struct ss_transcript *t,
    size_t from, size_t to)
{
	size_t	i;

	for (i = from; i < to; i++) {
		ss_dialog_feed(d, ss_transcript_get(t, i));
	}
}

int
main(int argc, char **argv)
{
	struct ss_transcript	*t, *loaded;
	struct ss_dialog	*full, *view;
	char			 path[512], *err = NULL;
	size_t			 n, mid;
	double			 t0;

	if (argc != 3) {
		fprintf(stderr, "usage: scale-core N DIR\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	snprintf(path, sizeof(path), "%s/scale-%zu.smtpscope", argv[2], n);
	t = generate(n);
	if (ss_store_save(t, path, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	n = ss_transcript_count(t);
	ss_transcript_destroy(t);
	t0 = now();
	loaded = ss_store_load(path, SS_IMPORT_FORMAT_LAST, &err);
	if (loaded == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("events %zu: load %.3f s", n, now() - t0);
	t0 = now();
	full = ss_dialog_build(loaded, n);
	printf(", full dialog %.3f s, %zu lines, peak RSS %.1f MiB\n",
	    now() - t0, ss_dialog_line_count(full), peak_mib());
	mid = n / 2;
	bench_step_back(full, loaded, mid);
	view = ss_dialog_view(full, loaded, mid);
	bench_step_forward(view, loaded, mid, mid + 3);
	ss_dialog_destroy(view);
	ss_dialog_destroy(full);
	ss_transcript_destroy(loaded);
	return 0;
}
