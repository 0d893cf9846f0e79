/*
 * serve.c: --serve-demo, the demo server on its own for any client (swaks,
 * a mail program, a class of students).  It says where it listens and the
 * demo credentials, then serves until SIGINT or SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtpscope/demo.h"

static volatile sig_atomic_t cli_serve_stop;

/* SIGINT/SIGTERM: ask the server loop to end. */
static void
cli_serve_signal(int sig)
{
	(void)sig;
	cli_serve_stop = 1;
}

/* Catch the signals that end the server, without SA_RESTART so poll
 * returns at once. */
static void
cli_serve_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_serve_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Run the demo server in the foreground. */
int
cli_serve_demo(const struct cli_options *o)
{
	struct ss_demo_config	 dc;
	struct ss_demo		*demo;
	char			*err = NULL;
	int			 rc;

	memset(&dc, 0, sizeof dc);
	dc.listen = o->serve_demo;
	dc.profile = o->profile;
	if ((demo = ss_demo_create(&dc, &err)) == NULL) {
		cli_warn("cannot start the demo server on %s: %s",
		    o->serve_demo, err != NULL ? err : "unknown error");
		free(err);
		return CLI_EXIT_CONNECT;
	}
	cli_serve_signals();
	printf("smtpscope demo server listening on %s port %d\n"
	    "profile:  %s (%s)\nuser:     %s\npassword: %s\n%s%s%s"
	    "Stop it with Ctrl-C.\n", ss_demo_address(demo), ss_demo_port(demo),
	    ss_demo_profile_name(ss_demo_profile(demo)),
	    ss_demo_profile_summary(ss_demo_profile(demo)),
	    ss_demo_user(demo), ss_demo_password(demo),
	    ss_demo_offers(demo, "XOAUTH2") ? "token:    " : "",
	    ss_demo_offers(demo, "XOAUTH2") ? ss_demo_token(demo) : "",
	    ss_demo_offers(demo, "XOAUTH2") ? "\n" : "");
	fflush(stdout);
	rc = ss_demo_run(demo, &cli_serve_stop);
	ss_demo_destroy(demo);
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}
