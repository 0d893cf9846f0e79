/*
 * demo.h: the built-in teaching server.
 *
 * It behaves like the server in the story that started smtpscope: an Exim
 * that advertises SIZE, PIPELINING, STARTTLS and HELP in plaintext and AUTH
 * PLAIN LOGIN only after STARTTLS, refuses AUTH before TLS with 530 5.7.0,
 * and accepts (and discards) mail.  Other behaviours are profiles: entries
 * of one table (demo-profiles.c), never code paths of their own.
 *
 * The server is one poll loop over the listening socket and its clients; it
 * bounds clients, line lengths and idle time.  It can run in the
 * foreground (--serve-demo) or in a thread of its own (--demo).
 */
#ifndef SMTPSCOPE_DEMO_H
#define SMTPSCOPE_DEMO_H

#include <signal.h>
#include <stddef.h>

struct ss_demo_profile;

const struct ss_demo_profile *ss_demo_profile_find(const char *);
size_t	ss_demo_profile_count(void);
const struct ss_demo_profile *ss_demo_profile_at(size_t);
const char *ss_demo_profile_name(const struct ss_demo_profile *);
const char *ss_demo_profile_summary(const struct ss_demo_profile *);
/* Does the profile speak TLS from the first byte?  (--demo implicit-tls
 * must then connect with implicit TLS, as to port 465.) */
int	ss_demo_profile_implicit_tls(const struct ss_demo_profile *);

struct ss_demo_config {
	const char	*listen;	/* "127.0.0.1:2525"; port 0 = any */
	const char	*profile;	/* NULL: the default */
	int		 max_clients;	/* default 256 */
	int		 idle_timeout_ms; /* default 300000 */
	const char	*log_path;	/* NULL: no log */
};

struct ss_demo;

struct ss_demo *ss_demo_create(const struct ss_demo_config *, char **err);
void	ss_demo_destroy(struct ss_demo *);
int	ss_demo_port(const struct ss_demo *);
const char *ss_demo_address(const struct ss_demo *);	/* "127.0.0.1" */
const char *ss_demo_ca_pem(const struct ss_demo *);
const char *ss_demo_user(const struct ss_demo *);
const char *ss_demo_password(const struct ss_demo *);
/* The bearer token XOAUTH2 and OAUTHBEARER accept; any other is refused
 * with the JSON error object. */
const char *ss_demo_token(const struct ss_demo *);
/* Does the profile offer this AUTH mechanism? */
int	ss_demo_offers(const struct ss_demo *, const char *mech);
const struct ss_demo_profile *ss_demo_profile(const struct ss_demo *);

/* Serve until *stop becomes non-zero (checked at least every 200 ms). */
int	ss_demo_run(struct ss_demo *, volatile sig_atomic_t *stop);
/* Serve in a thread of its own; ss_demo_destroy stops and joins it. */
int	ss_demo_start_thread(struct ss_demo *, char **err);
/* Clients being served now. */
size_t	ss_demo_client_count(const struct ss_demo *);

#endif
