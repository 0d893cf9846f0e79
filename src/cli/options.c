/*
 * options.c: the command line.  getopt_long reads it into struct
 * cli_options; then the combinations are checked so each mode can trust
 * what it gets.  Every usage error says what is wrong and how to fix it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtpscope/demo.h"
#include "smtpscope/import.h"
#include "smtpscope/sasl.h"
#include "smtpscope/store.h"
#include "smtpscope/util.h"

enum {
	OPT_PORT = 256, OPT_TLS, OPT_STARTTLS, OPT_NO_TLS, OPT_CA,
	OPT_SERVERNAME, OPT_NO_VERIFY, OPT_TLS_MIN, OPT_TLS_MAX, OPT_KEYLOG, OPT_USER,
	OPT_PASSWORD, OPT_PASSWORD_FILE, OPT_AUTH, OPT_EHLO, OPT_FROM, OPT_TO,
	OPT_TIMEOUT, OPT_STEPS, OPT_BATCH, OPT_JSON, OPT_DEMO, OPT_SERVE_DEMO,
	OPT_PROFILE, OPT_THEME, OPT_SAVE, OPT_NOTE, OPT_REPLAY,
	OPT_IMPORT_FORMAT, OPT_EXPORT, OPT_RERUN, OPT_COMPARE, OPT_MX,
	OPT_CHECK, OPT_SIZE, OPT_EXPLAIN, OPT_CERT, OPT_KEY,
	OPT_KEY_PASSPHRASE_FILE
};

static const struct option cli_long_options[] = {
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "tls",		no_argument,		NULL, OPT_TLS },
	{ "starttls",		no_argument,		NULL, OPT_STARTTLS },
	{ "no-tls",		no_argument,		NULL, OPT_NO_TLS },
	{ "ca",			required_argument,	NULL, OPT_CA },
	{ "servername",		required_argument,	NULL, OPT_SERVERNAME },
	{ "no-verify",		no_argument,		NULL, OPT_NO_VERIFY },
	{ "tls-min",		required_argument,	NULL, OPT_TLS_MIN },
	{ "tls-max",		required_argument,	NULL, OPT_TLS_MAX },
	{ "keylog",		required_argument,	NULL, OPT_KEYLOG },
	{ "cert",		required_argument,	NULL, OPT_CERT },
	{ "key",		required_argument,	NULL, OPT_KEY },
	{ "key-passphrase-file", required_argument,	NULL,
	    OPT_KEY_PASSPHRASE_FILE },
	{ "user",		required_argument,	NULL, OPT_USER },
	{ "password",		required_argument,	NULL, OPT_PASSWORD },
	{ "password-file",	required_argument,	NULL, OPT_PASSWORD_FILE },
	{ "auth",		required_argument,	NULL, OPT_AUTH },
	{ "ehlo",		required_argument,	NULL, OPT_EHLO },
	{ "from",		required_argument,	NULL, OPT_FROM },
	{ "to",			required_argument,	NULL, OPT_TO },
	{ "timeout",		required_argument,	NULL, OPT_TIMEOUT },
	{ "steps",		required_argument,	NULL, OPT_STEPS },
	{ "batch",		no_argument,		NULL, OPT_BATCH },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "demo",		optional_argument,	NULL, OPT_DEMO },
	{ "serve-demo",		required_argument,	NULL, OPT_SERVE_DEMO },
	{ "profile",		required_argument,	NULL, OPT_PROFILE },
	{ "theme",		required_argument,	NULL, OPT_THEME },
	{ "save",		required_argument,	NULL, OPT_SAVE },
	{ "note",		required_argument,	NULL, OPT_NOTE },
	{ "replay",		required_argument,	NULL, OPT_REPLAY },
	{ "import-format",	required_argument,	NULL, OPT_IMPORT_FORMAT },
	{ "export",		required_argument,	NULL, OPT_EXPORT },
	{ "output",		required_argument,	NULL, 'o' },
	{ "rerun",		required_argument,	NULL, OPT_RERUN },
	{ "compare",		required_argument,	NULL, OPT_COMPARE },
	{ "mx",			required_argument,	NULL, OPT_MX },
	{ "check",		no_argument,		NULL, OPT_CHECK },
	{ "size",		required_argument,	NULL, OPT_SIZE },
	{ "explain",		required_argument,	NULL, OPT_EXPLAIN },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static const char cli_help_text[] =
"usage: smtpscope [options] TARGET          explore a server, one key per step\n"
"       smtpscope --batch [options] TARGET  run the steps, print a report\n"
"       smtpscope [--batch] --demo [PROFILE] against the built-in demo server\n"
"       smtpscope --serve-demo ADDR:PORT [--profile NAME]\n"
"       smtpscope [--batch] --replay FILE    a saved session or pasted log\n"
"       smtpscope --rerun FILE TARGET        its commands again, side by side\n"
"       smtpscope --compare A B              two sessions' capabilities, TLS\n"
"\n"
"TARGET is HOST, HOST:PORT or [IPv6]:PORT (port 25, or 465 with --tls).\n"
"A TARGET without a port that is a domain goes to its MX hosts, best first.\n"
"\n"
"Connection:\n"
"  --port N             port to connect to\n"
"  --tls                TLS from the first byte (implicit TLS, port 465)\n"
"  --starttls           send STARTTLS even when it is not advertised\n"
"  --no-tls             never send STARTTLS\n"
"  --ca FILE            trust the CA certificates in FILE (PEM) as well\n"
"  --servername NAME    name sent as SNI and checked in the certificate\n"
"  --no-verify          go on when the certificate does not verify\n"
"  --tls-min V          oldest TLS version to accept: 1.2 (default) or 1.3\n"
"                       (1.0 and 1.1 are gone from mbedTLS 3.6: not offered)\n"
"  --tls-max V          newest TLS version to offer: 1.2 or 1.3 (default)\n"
"  --keylog FILE        append TLS keys for Wireshark (or SSLKEYLOGFILE)\n"
"  --cert FILE          client certificate (PEM, leaf first) for servers\n"
"                       that ask for one; needs --key\n"
"  --key FILE           its private key (PEM); for an encrypted key the\n"
"                       passphrase comes from --key-passphrase-file FILE,\n"
"                       else SMTPSCOPE_KEY_PASSPHRASE, else a prompt\n"
"  --mx first|all|none  for a domain TARGET: its best MX host (default),\n"
"                       each MX host in turn (batch), or no MX lookup\n"
"  --timeout SECONDS    give up on a step after this long (default 30)\n"
"\n"
"SMTP:\n"
"  --ehlo NAME          name to greet with (default smtpscope.local)\n"
"  --user NAME          authenticate as NAME\n"
"  --password-file FILE read the password (or, for XOAUTH2 and\n"
"                       OAUTHBEARER, the bearer token) from the first line\n"
"                       of FILE; else SMTPSCOPE_PASSWORD, else a prompt\n"
"                       (never a command-line value: ps shows those)\n"
"  --auth MECH          SASL mechanism: SCRAM-SHA-256-PLUS, SCRAM-SHA-256,\n"
"                       SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN, XOAUTH2,\n"
"                       OAUTHBEARER (default: the strongest password one\n"
"                       advertised; a token one only when asked)\n"
"  --from ADDR          MAIL FROM address for the mail step\n"
"  --to ADDR            RCPT TO address for the rcpt step\n"
"  --size OCTETS        the size of the message you want to send: a\n"
"                       finding says when the server's SIZE is smaller\n"
"\n"
"Modes and output:\n"
"  --batch              run without the explorer and print a report\n"
"  --steps LIST         steps to run in batch mode, comma-separated:\n"
"                       connect ehlo helo starttls auth mail rcpt data\n"
"                       rset noop vrfy expn help quit raw:TEXT, and the\n"
"                       probe starttls-inject (CVE-2011-0411);\n"
"                       NAME:ARG passes an argument (auth:LOGIN,\n"
"                       vrfy:postmaster, ehlo:client.example)\n"
"  --json               print the report as one JSON document (implies\n"
"                       --batch)\n"
"  --check              exit 8 when the worst finding is a warning, 9\n"
"                       when it is an error (doc/findings.md)\n"
"  --explain TOKEN      explain a keyword (STARTTLS), a reply code (530),\n"
"                       an enhanced code (5.7.8) or a mechanism (CRAM-MD5)\n"
"  --demo [PROFILE]     start the demo server in-process and use it\n"
"  --serve-demo ADDR:PORT  run only the demo server, until interrupted\n"
"  --profile NAME       demo server profile\n"
"  --theme NAME|PATH    colour theme of the explorer\n"
"\n"
"Saved sessions (doc/sessions.md):\n"
"  --save FILE          save the session (mode 0600, no secrets in it)\n"
"  --note TEXT          a note kept in the saved file\n"
"  --replay FILE        open a saved session, or a pasted log (telnet, swaks,\n"
"                       openssl s_client, PHPMailer, smtplib, Exchange...);\n"
"                       with --batch or --json print the report a live run\n"
"                       would print (doc/import-formats.md)\n"
"  --import-format F    native, telnet, swaks, openssl, phpmailer, smtplib,\n"
"                       prefixed, exchange, javamail, postfix, opensmtpd,\n"
"                       thunderbird or outlook (default: detect)\n"
"  --export FORMAT      json, text (a report for a ticket) or markdown, of\n"
"                       --replay FILE or of a live batch run\n"
"  -o, --output FILE    write the export to FILE instead of stdout\n"
"  --rerun FILE         send FILE's commands to TARGET (or --demo) and show\n"
"                       both servers' answers side by side\n"
"  --compare A B        two sessions' capabilities and TLS side by side\n"
"  -h, --help           show this help\n"
"  -V, --version        show the version\n"
"\n"
"Default batch steps: connect, EHLO (HELO if refused), STARTTLS when\n"
"offered, EHLO, AUTH when --user is given, EHLO, QUIT.\n"
"Exit codes: 0 ok, 1 internal error, 2 usage, 3 connection failed,\n"
"4 TLS or certificate, 5 step refused, 6 timeout, 7 dropped or protocol.\n"
"See smtpscope(1).\n";

const char *const cli_export_names[CLI_EXPORT_LAST] = {
	"none", "json", "text", "markdown"
};
_Static_assert(SS_NITEMS(cli_export_names) == CLI_EXPORT_LAST,
    "cli_export_names must name every export format");

/* An export format by name; CLI_EXPORT_NONE if unknown. */
static enum cli_export
cli_export_from_name(const char *name)
{
	int	 i;

	for (i = CLI_EXPORT_JSON; i < CLI_EXPORT_LAST; i++) {
		if (ss_strcasecmp(cli_export_names[i], name) == 0)
			return (enum cli_export)i;
	}
	if (ss_strcasecmp(name, "md") == 0)
		return CLI_EXPORT_MARKDOWN;
	return CLI_EXPORT_NONE;
}

/* Tell the user where the full story is. */
void
cli_usage_hint(void)
{
	fprintf(stderr, "Try 'smtpscope --help' for more information.\n");
}

/* Report a usage error; always returns -1. */
static int __attribute__((format(printf, 1, 2)))
cli_usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("smtpscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_usage_hint();
	return -1;
}

/* A whole-number option within bounds; -1 if not. */
static long
cli_parse_long(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	return v;
}

/* --timeout: seconds, fractions allowed, up to a day. */
static int
cli_parse_timeout(const char *s, int *ms)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v <= 0 || v > 86400)
		return -1;
	*ms = (int)(v * 1000 + 0.5);
	if (*ms < 1)
		*ms = 1;
	return 0;
}

/* --tls-min and --tls-max: the names people type. */
static int
cli_parse_tls_version(const char *s, enum ss_tls_version *v)
{
	static const struct {
		const char		*name;
		enum ss_tls_version	 version;
	} table[] = {
		{ "1.2", SS_TLS_1_2 }, { "1.3", SS_TLS_1_3 },
		{ "TLSv1.2", SS_TLS_1_2 }, { "TLSv1.3", SS_TLS_1_3 },
	};
	size_t	 i;

	for (i = 0; i < SS_NITEMS(table); i++) {
		if (ss_strcasecmp(table[i].name, s) == 0) {
			*v = table[i].version;
			return 0;
		}
	}
	return -1;
}

/* A step by its name in ss_step_names, case-insensitive. */
static enum ss_step
cli_step_by_name(const char *name)
{
	int	 i;

	for (i = 0; i < SS_STEP_LAST; i++) {
		if (ss_strcasecmp(ss_step_names[i], name) == 0)
			return (enum ss_step)i;
	}
	return SS_STEP_LAST;
}

/* One item of --steps: NAME or NAME:ARG (raw:TEXT). */
static int
cli_parse_step(const char *item, struct cli_step *st)
{
	const char	*colon = strchr(item, ':');
	char		*name;

	name = colon != NULL ? xstrndup(item, (size_t)(colon - item)) :
	    xstrdup(item);
	st->step = cli_step_by_name(name);
	free(name);
	if (st->step == SS_STEP_LAST)
		return cli_usage_error("--steps: unknown step '%s' (known: "
		    "connect ehlo helo starttls auth mail rcpt data rset noop "
		    "vrfy expn help quit raw:TEXT)", item);
	st->arg = colon != NULL ? xstrdup(colon + 1) : NULL;
	if (st->step == SS_STEP_RAW && (st->arg == NULL || *st->arg == '\0'))
		return cli_usage_error("--steps: raw needs a line: raw:TEXT");
	return 0;
}

/* --steps LIST: comma-separated steps, connect first when missing. */
static int
cli_parse_steps(const char *list, struct cli_options *o)
{
	char	*copy = xstrdup(list), *p = copy, *item;
	int	 rc = 0;

	o->steps = xcalloc(1, sizeof *o->steps);
	o->steps[0].step = SS_STEP_CONNECT;
	o->nsteps = 1;
	while (rc == 0 && (item = strsep(&p, ",")) != NULL) {
		if (*item == '\0')
			continue;
		o->steps = xreallocarray(o->steps, o->nsteps + 1,
		    sizeof *o->steps);
		memset(&o->steps[o->nsteps], 0, sizeof *o->steps);
		rc = cli_parse_step(item, &o->steps[o->nsteps]);
		o->nsteps++;
	}
	free(copy);
	/* An explicit connect at the start replaces the implied one. */
	if (rc == 0 && o->nsteps > 1 && o->steps[1].step == SS_STEP_CONNECT) {
		free(o->steps[0].arg);
		memmove(&o->steps[0], &o->steps[1],
		    (o->nsteps - 1) * sizeof *o->steps);
		o->nsteps--;
	}
	return rc;
}

/* A message size in octets. */
static int
cli_parse_size(const char *arg, uint64_t *size)
{
	unsigned long long	 v;
	char			*end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0)
		return -1;
	*size = v;
	return 0;
}

/* A SASL mechanism name: 1 to 20 of A-Z 0-9 - _ (RFC 4422 3.1). */
static int
cli_sasl_name(const char *name)
{
	size_t	 n = strlen(name);

	return n > 0 && n <= 20 && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* Options that only set a string. */
static int
cli_option_string(int ch, const char *arg, struct cli_options *o)
{
	switch (ch) {
	case OPT_CA:		o->ca_file = arg; break;
	case OPT_SERVERNAME:	o->servername = arg; break;
	case OPT_KEYLOG:	o->keylog = arg; break;
	case OPT_CERT:		o->cert_file = arg; break;
	case OPT_KEY:		o->key_file = arg; break;
	case OPT_KEY_PASSPHRASE_FILE: o->key_passphrase_file = arg; break;
	case OPT_USER:		o->user = arg; break;
	case OPT_PASSWORD_FILE:	o->password_file = arg; break;
	case OPT_EHLO:		o->ehlo = arg; break;
	case OPT_FROM:		o->from = arg; break;
	case OPT_TO:		o->to = arg; break;
	case OPT_SERVE_DEMO:	o->serve_demo = arg; break;
	case OPT_PROFILE:	o->profile = arg; break;
	case OPT_THEME:		o->theme = arg; break;
	case OPT_SAVE:		o->save = arg; break;
	case OPT_NOTE:		o->note = arg; break;
	case OPT_REPLAY:	o->replay = arg; break;
	case 'o':		o->output = arg; break;
	case OPT_RERUN:		o->rerun = arg; break;
	case OPT_COMPARE:	o->compare_a = arg; break;
	case OPT_EXPLAIN:	o->explain = arg; break;
	default:		return 0;
	}
	return 1;
}

/* Options that only set a flag. */
static int
cli_option_flag(int ch, struct cli_options *o)
{
	switch (ch) {
	case OPT_TLS:		o->implicit_tls = 1; break;
	case OPT_STARTTLS:	o->starttls = 1; break;
	case OPT_NO_TLS:	o->no_tls = 1; break;
	case OPT_NO_VERIFY:	o->no_verify = 1; break;
	case OPT_BATCH:		o->batch = 1; break;
	case OPT_JSON:		o->json = o->batch = 1; break;
	case OPT_CHECK:		o->check = 1; break;
	default:		return 0;
	}
	return 1;
}

/* Options with a value to check.  Returns 0, or -1 on a usage error. */
static int
cli_option_value(int ch, const char *arg, struct cli_options *o)
{
	long	 v;

	switch (ch) {
	case OPT_PORT:
		if ((v = cli_parse_long(arg, 1, 65535)) < 0)
			return cli_usage_error("--port: '%s' is not a port "
			    "number (1-65535)", arg);
		o->port = (int)v;
		return 0;
	case OPT_TLS_MIN:
		if (cli_parse_tls_version(arg, &o->tls_min) != 0)
			return cli_usage_error("--tls-min: '%s' is not 1.2 or "
			    "1.3 (mbedTLS 3.6 has no TLS 1.0 or 1.1)", arg);
		return 0;
	case OPT_TLS_MAX:
		if (cli_parse_tls_version(arg, &o->tls_max) != 0)
			return cli_usage_error("--tls-max: '%s' is not 1.2 or "
			    "1.3", arg);
		return 0;
	case OPT_TIMEOUT:
		if (cli_parse_timeout(arg, &o->timeout_ms) != 0)
			return cli_usage_error("--timeout: '%s' is not a number "
			    "of seconds above 0", arg);
		return 0;
	case OPT_STEPS:
		if (o->steps != NULL)
			return cli_usage_error("--steps given twice");
		return cli_parse_steps(arg, o);
	case OPT_DEMO:
		o->demo = 1;
		if (arg != NULL)
			o->profile = arg;
		return 0;
	case OPT_IMPORT_FORMAT:
		o->import_format = ss_import_format_from_name(arg);
		if (o->import_format == SS_IMPORT_FORMAT_LAST)
			return cli_usage_error("--import-format: '%s' is not one "
			    "of %s", arg, ss_import_format_list());
		return 0;
	case OPT_EXPORT:
		if ((o->export = cli_export_from_name(arg)) == CLI_EXPORT_NONE)
			return cli_usage_error("--export: '%s' is not one of "
			    "json, text, markdown", arg);
		o->batch = 1;
		return 0;
	case OPT_SIZE:
		if (cli_parse_size(arg, &o->message_size) != 0)
			return cli_usage_error("--size: '%s' is not a number of "
			    "octets", arg);
		return 0;
	case OPT_MX:
		if (cli_mx_mode_from_name(arg, &o->mx) != 0)
			return cli_usage_error("--mx: '%s' is not one of first, "
			    "all, none", arg);
		return 0;
	case OPT_AUTH:
		/* Another name is sent to see the server's answer, and the
		 * exchange cancelled at its first challenge. */
		if (!ss_sasl_supported(arg) && !cli_sasl_name(arg))
			return cli_usage_error("--auth: '%s' is not a SASL "
			    "mechanism name; smtpscope speaks SCRAM-SHA-256-PLUS, "
			    "SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN, "
			    "XOAUTH2, OAUTHBEARER", arg);
		o->auth_mech = arg;
		return 0;
	case OPT_PASSWORD:
		return cli_usage_error("--password is not accepted: every user "
		    "can read a command line with ps.  Use --password-file "
		    "FILE, the SMTPSCOPE_PASSWORD variable, or the prompt");
	}
	return cli_usage_error("internal: option %d not handled", ch);
}

/* Is this demo profile known?  Says which ones are when not. */
static int
cli_check_profile(const char *name)
{
	size_t	 i, n = ss_demo_profile_count();

	if (name == NULL || ss_demo_profile_find(name) != NULL)
		return 0;
	fprintf(stderr, "smtpscope: unknown demo profile '%s'; the profiles "
	    "are:\n", name);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %-16s %s\n",
		    ss_demo_profile_name(ss_demo_profile_at(i)),
		    ss_demo_profile_summary(ss_demo_profile_at(i)));
	return -1;
}

/* Positional arguments: TARGET, the demo profile after --demo, or the
 * second session of --compare. */
static int
cli_check_positional(int argc, char **argv, struct cli_options *o)
{
	if (optind < argc - 1)
		return cli_usage_error("one TARGET only (got '%s' and '%s')",
		    argv[optind], argv[optind + 1]);
	if (o->compare_a != NULL) {
		if (optind == argc)
			return cli_usage_error("--compare needs two files: "
			    "--compare A B");
		o->compare_b = argv[optind];
		return 0;
	}
	if (optind == argc)
		return 0;
	if (o->replay != NULL)
		return cli_usage_error("no TARGET with --replay: the file is "
		    "the session (to send its commands to a server, use "
		    "--rerun FILE TARGET)");
	if (o->demo && o->profile == NULL)
		o->profile = argv[optind];
	else if (o->demo || o->serve_demo != NULL)
		return cli_usage_error("no TARGET with --demo or --serve-demo: "
		    "the demo server is the target");
	else
		o->target = argv[optind];
	return 0;
}

/* The saved-session modes: one at a time, each with what it needs. */
static int
cli_check_sessions(const struct cli_options *o)
{
	int	 modes = (o->replay != NULL) + (o->rerun != NULL) +
	    (o->compare_a != NULL) + (o->serve_demo != NULL);

	if (modes > 1)
		return cli_usage_error("choose one of --replay, --rerun, "
		    "--compare and --serve-demo");
	if ((o->replay != NULL || o->compare_a != NULL) &&
	    (o->demo || o->steps != NULL))
		return cli_usage_error("--replay and --compare read files: "
		    "no --demo or --steps");
	if (o->rerun != NULL && o->steps != NULL)
		return cli_usage_error("--rerun sends the saved session's "
		    "commands: no --steps");
	if (o->export != CLI_EXPORT_NONE &&
	    (o->rerun != NULL || o->compare_a != NULL))
		return cli_usage_error("--export is for --replay and live "
		    "batch runs; --rerun and --compare print text or --json");
	if (o->json && o->export != CLI_EXPORT_NONE &&
	    o->export != CLI_EXPORT_JSON)
		return cli_usage_error("--json and --export %s: choose one",
		    cli_export_names[o->export]);
	if (o->output != NULL && o->export == CLI_EXPORT_NONE)
		return cli_usage_error("-o FILE is for --export FORMAT");
	if (o->save != NULL && (o->compare_a != NULL ||
	    o->serve_demo != NULL))
		return cli_usage_error("--save keeps a session this run "
		    "makes or replays; --compare and --serve-demo make none");
	if (o->note != NULL && o->save == NULL)
		return cli_usage_error("--note is kept with --save FILE");
	if (o->import_format != SS_IMPORT_FORMAT_LAST && o->replay == NULL &&
	    o->rerun == NULL && o->compare_a == NULL)
		return cli_usage_error("--import-format is for --replay, "
		    "--rerun and --compare");
	return 0;
}

/* Options that contradict each other, or a missing target. */
static int
cli_check_combinations(struct cli_options *o)
{
	if (o->explain != NULL)
		return 0;	/* a question about SMTP, no session */
	if (cli_check_sessions(o) != 0 || cli_mx_check(o) != 0)
		return -1;
	if (o->replay != NULL || o->compare_a != NULL)
		return 0;
	if (o->implicit_tls + o->starttls + o->no_tls > 1)
		return cli_usage_error("choose one of --tls, --starttls and "
		    "--no-tls");
	if (o->serve_demo != NULL && o->demo)
		return cli_usage_error("--serve-demo runs only the server; "
		    "--demo runs it and a client: choose one");
	if (o->serve_demo == NULL && !o->demo && o->target == NULL)
		return cli_usage_error(o->rerun != NULL ? "--rerun FILE needs "
		    "a TARGET to send to (or --demo)" : "no TARGET given (try "
		    "--demo to use the built-in demo server)");
	if (o->steps != NULL && !o->batch)
		return cli_usage_error("--steps is for batch mode: add --batch");
	if (o->password_file != NULL && o->user == NULL)
		return cli_usage_error("--password-file needs --user NAME");
	if ((o->cert_file == NULL) != (o->key_file == NULL))
		return cli_usage_error("a client certificate needs both --cert "
		    "FILE and --key FILE");
	if (o->key_passphrase_file != NULL && o->key_file == NULL)
		return cli_usage_error("--key-passphrase-file is for an "
		    "encrypted --key FILE");
	if (o->profile != NULL && !o->demo && o->serve_demo == NULL)
		return cli_usage_error("--profile is for --demo and "
		    "--serve-demo");
	return cli_check_profile(o->profile);
}

/* Parse the command line into o. */
int
cli_options_parse(int argc, char **argv, struct cli_options *o)
{
	int	 ch;

	memset(o, 0, sizeof *o);
	o->tls_min = SS_TLS_1_2;
	o->tls_max = SS_TLS_ANY;
	o->timeout_ms = 30000;
	o->import_format = SS_IMPORT_FORMAT_LAST;
	while ((ch = getopt_long(argc, argv, "hVo:", cli_long_options,
	    NULL)) != -1) {
		if (ch == 'h') {
			fputs(cli_help_text, stdout);
			return 1;
		}
		if (ch == 'V') {
			cli_version_print(stdout);
			return 1;
		}
		if (ch == '?') {
			cli_usage_hint();
			return -1;
		}
		if (cli_option_string(ch, optarg, o) ||
		    cli_option_flag(ch, o))
			continue;
		if (cli_option_value(ch, optarg, o) != 0)
			return -1;
	}
	if (cli_check_positional(argc, argv, o) != 0)
		return -1;
	return cli_check_combinations(o);
}

/* Free what parsing allocated. */
void
cli_options_free(struct cli_options *o)
{
	size_t	 i;

	for (i = 0; i < o->nsteps; i++)
		free(o->steps[i].arg);
	free(o->steps);
	o->steps = NULL;
	o->nsteps = 0;
}
