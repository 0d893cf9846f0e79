/*
 * setup.c: from options to a session configuration, shared by the batch
 * mode and the explorer.  With --demo it also starts the demo server in a
 * thread of its own and points the client at it, trusting its CA.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtpscope/net.h"
#include "smtpscope/sasl.h"
#include "smtpscope/text.h"
#include "smtpscope/util.h"

/* Is the text printable ASCII only (the session escaped it already)? */
static int
cli_is_plain(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	}
	return 1;
}

/* Print a message on stderr; anything but printable ASCII is escaped. */
void
cli_warn(const char *fmt, ...)
{
	struct ss_buf	 b;
	va_list		 ap;
	char		*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	ss_buf_init(&b);
	if (cli_is_plain(msg))
		ss_buf_adds(&b, msg);
	else
		ss_text_escape(&b, msg, strlen(msg));
	fprintf(stderr, "smtpscope: %s\n", b.data);
	ss_buf_finish(&b);
	free(msg);
}

/* Start the in-process demo server and aim the client at it. */
static int
cli_setup_demo(struct cli_setup *s, const struct cli_options *o)
{
	struct ss_demo_config	 dc;
	char			*err = NULL;

	memset(&dc, 0, sizeof dc);
	dc.listen = "127.0.0.1:0";
	dc.profile = o->profile;
	if ((s->demo = ss_demo_create(&dc, &err)) == NULL ||
	    ss_demo_start_thread(s->demo, &err) != 0) {
		cli_warn("cannot start the demo server: %s",
		    err != NULL ? err : "unknown error");
		free(err);
		return CLI_EXIT_INTERNAL;
	}
	s->host = xstrdup(ss_demo_address(s->demo));
	s->port = ss_demo_port(s->demo);
	s->cfg.servername = o->servername != NULL ? o->servername :
	    "localhost";
	s->cfg.tls.ca_pem = ss_demo_ca_pem(s->demo);
	s->cfg.tls.use_system_store = 0;
	snprintf(s->label, sizeof s->label, "localhost:%d (demo, %s)",
	    s->port, ss_demo_profile_name(ss_demo_profile(s->demo)));
	snprintf(s->note, sizeof s->note, "demo user: %s  password: %s%s%s",
	    ss_demo_user(s->demo), ss_demo_password(s->demo),
	    ss_demo_offers(s->demo, "XOAUTH2") ? "  token: " : "",
	    ss_demo_offers(s->demo, "XOAUTH2") ? ss_demo_token(s->demo) : "");
	return CLI_EXIT_OK;
}

/* Split TARGET into host and port; --port must agree with a port in it. */
static int
cli_setup_target(struct cli_setup *s, const struct cli_options *o)
{
	int	 dflt = o->port != 0 ? o->port : (o->implicit_tls ? 465 : 25);
	char	*err = NULL;

	if (ss_net_parse_target(o->target, dflt, &s->host, &s->port,
	    &err) != 0) {
		cli_warn("%s", err != NULL ? err : "bad TARGET");
		free(err);
		cli_usage_hint();
		return CLI_EXIT_USAGE;
	}
	if (o->port != 0 && s->port != o->port) {
		cli_warn("TARGET says port %d but --port says %d", s->port,
		    o->port);
		return CLI_EXIT_USAGE;
	}
	snprintf(s->label, sizeof s->label, "%s:%d", s->host, s->port);
	s->cfg.tls.use_system_store = 1;
	s->cfg.servername = o->servername;
	return CLI_EXIT_OK;
}

/*
 * The user and password: given ones, or the demo's.  The explorer's AUTH
 * prompt offers the demo's user name, as the footer says it; the password
 * is typed, since that is what the lesson shows being hidden.
 */
static int
cli_setup_credentials(struct cli_setup *s, const struct cli_options *o,
    int prompt)
{
	char	*err = NULL;

	if (o->user == NULL) {
		if (s->demo != NULL) {
			s->cfg.user = ss_demo_user(s->demo);
		}
		if (s->demo != NULL && o->batch) {
			s->password = xstrdup(o->auth_mech != NULL &&
			    ss_sasl_cred_of(o->auth_mech) ==
			    SS_SASL_CRED_TOKEN ? ss_demo_token(s->demo) :
			    ss_demo_password(s->demo));
		}
		return CLI_EXIT_OK;
	}
	s->cfg.user = o->user;
	s->password = cli_password_get(o->password_file, o->user,
	    o->auth_mech != NULL ? ss_sasl_cred_names[ss_sasl_cred_of(
	    o->auth_mech)] : "password", prompt, &err);
	if (s->password == NULL && (prompt || o->password_file != NULL)) {
		cli_warn("%s", err);
		free(err);
		return CLI_EXIT_USAGE;
	}
	free(err);	/* the explorer will ask */
	return CLI_EXIT_OK;
}

/* Tries at a passphrase typed at the prompt before giving up. */
#define CLI_PASSPHRASE_TRIES	3

/* The passphrase of the encrypted key, asked until it opens the key
 * (from a file or the environment, once).  Exit code. */
static int
cli_setup_key_passphrase(struct cli_setup *s, const struct cli_options *o)
{
	struct cli_secret_source	 src;
	char				*err = NULL, *prompt;
	int				 rc, tries, typed;

	xasprintf(&prompt, "Passphrase for the key %s: ", o->key_file);
	src.file = o->key_passphrase_file;
	src.file_option = "--key-passphrase-file";
	src.env = "SMTPSCOPE_KEY_PASSPHRASE";
	src.noun = "passphrase";
	src.prompt = prompt;
	typed = src.file == NULL && getenv(src.env) == NULL;
	for (tries = 1, rc = 1; rc != 0; tries++) {
		s->key_passphrase = cli_secret_get(&src, 1, &err);
		if (s->key_passphrase == NULL)
			break;
		rc = ss_tls_key_check(o->key_file, s->key_passphrase, &err);
		if (rc == 0)
			break;
		ss_free_secret(s->key_passphrase);
		s->key_passphrase = NULL;
		if (rc == -1 || !typed || tries >= CLI_PASSPHRASE_TRIES)
			break;
		cli_warn("%s", err);
		free(err);
		err = NULL;
	}
	free(prompt);
	if (s->key_passphrase == NULL) {
		cli_warn("%s", err != NULL ? err : "no passphrase");
		free(err);
		return CLI_EXIT_USAGE;
	}
	s->cfg.tls.key_passphrase = s->key_passphrase;
	return CLI_EXIT_OK;
}

/* --cert and --key: the key must open (with its passphrase if it is
 * encrypted) before any connection, so the user is asked now, not in the
 * middle of a handshake.  Exit code. */
static int
cli_setup_client_cert(struct cli_setup *s, const struct cli_options *o)
{
	char	*err = NULL;
	int	 rc;

	if (o->cert_file == NULL)
		return CLI_EXIT_OK;
	s->cfg.tls.cert_file = o->cert_file;
	s->cfg.tls.key_file = o->key_file;
	rc = ss_tls_key_check(o->key_file, NULL, &err);
	if (rc == 1) {
		free(err);
		return cli_setup_key_passphrase(s, o);
	}
	if (rc != 0) {
		cli_warn("%s", err);
		free(err);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

/* The session configuration from the options. */
int
cli_setup_init(struct cli_setup *s, const struct cli_options *o, int prompt)
{
	int	 rc;

	memset(s, 0, sizeof *s);
	rc = o->demo ? cli_setup_demo(s, o) : cli_setup_target(s, o);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (s->demo != NULL && o->batch)
		fprintf(stderr, "smtpscope: demo server on 127.0.0.1 port "
		    "%d; %s\n", s->port, s->note);
	s->cfg.host = s->host;
	s->cfg.port = s->port;
	/* A demo profile that speaks TLS first needs the client to as well. */
	s->cfg.implicit_tls = o->implicit_tls || (s->demo != NULL &&
	    ss_demo_profile_implicit_tls(ss_demo_profile(s->demo)));
	s->cfg.no_verify = o->no_verify;
	if (o->ca_file != NULL)
		s->cfg.tls.ca_file = o->ca_file;
	s->cfg.tls.min_version = o->tls_min;
	s->cfg.tls.max_version = o->tls_max;
	s->cfg.tls.keylog_file = o->keylog != NULL ? o->keylog :
	    getenv("SSLKEYLOGFILE");
	if (s->cfg.tls.keylog_file != NULL && *s->cfg.tls.keylog_file == '\0')
		s->cfg.tls.keylog_file = NULL;
	s->cfg.ehlo_name = o->ehlo;
	s->cfg.timeout_ms = o->timeout_ms;
	/* A report costs many times what it reports: batch keeps less. */
	s->cfg.max_memory = o->batch ? SS_SESSION_BATCH_MEMORY : 0;
	s->cfg.auth_mech = o->auth_mech;
	s->cfg.mail_from = o->from;
	s->cfg.rcpt_to = o->to;
	if ((rc = cli_setup_client_cert(s, o)) != CLI_EXIT_OK ||
	    (rc = cli_setup_credentials(s, o, prompt)) != CLI_EXIT_OK)
		return rc;
	s->cfg.password = s->password;
	return CLI_EXIT_OK;
}

/* The session has its own copies now: wipe ours. */
void
cli_setup_forget_password(struct cli_setup *s)
{
	ss_free_secret(s->password);
	s->password = NULL;
	s->cfg.password = NULL;
	ss_free_secret(s->key_passphrase);
	s->key_passphrase = NULL;
	s->cfg.tls.key_passphrase = NULL;
}

/* Stop the demo server and free what the set-up holds. */
void
cli_setup_finish(struct cli_setup *s)
{
	cli_setup_forget_password(s);
	ss_demo_destroy(s->demo);
	s->demo = NULL;
	free(s->host);
	s->host = NULL;
}
