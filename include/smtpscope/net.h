/*
 * net.h: name resolution and non-blocking TCP, IPv4 and IPv6.
 *
 * Errors come back as a message in words that the caller frees ("connection
 * refused: nothing listens on 127.0.0.1 port 2525").  Nothing here blocks
 * except ss_net_resolve (getaddrinfo).
 */
#ifndef SMTPSCOPE_NET_H
#define SMTPSCOPE_NET_H

#include <stddef.h>
#include <sys/socket.h>

struct ss_addr {
	struct sockaddr_storage	sa;
	socklen_t		salen;
	char			text[64];	/* "192.0.2.7", "2001:db8::1" */
};

/*
 * Split "host", "host:port", "[v6]:port" or "v6" into host and port.  The
 * port stays default_port when none is given.  Returns -1 with *err set on
 * a malformed target.  *host is allocated.
 */
int	ss_net_parse_target(const char *, int default_port, char **host,
	    int *port, char **err);
/* Is the string an IPv4 or IPv6 literal? */
int	ss_net_is_ip_literal(const char *);

/* Resolve to every A and AAAA address, in the resolver's order.  *addrs is
 * allocated (free()).  Returns -1 with *err ("no such host: x.invalid"). */
int	ss_net_resolve(const char *host, int port, struct ss_addr **addrs,
	    size_t *naddrs, char **err);

/* Start a non-blocking connect.  Returns 0 when connected already, 1 when
 * in progress (poll for POLLOUT, then ss_net_connect_finish), -1 on error
 * with *err set.  *fd is set in the first two cases. */
int	ss_net_connect_start(const struct ss_addr *, int *fd, char **err);
/* After POLLOUT: 0 when connected, -1 with *err set. */
int	ss_net_connect_finish(int fd, const struct ss_addr *, char **err);
/* Describe a connect/socket errno in words, for addr. */
char	*ss_net_error_words(int err, const struct ss_addr *);

/* Listen on "addr:port" (port 0 picks a free one); returns the fd or -1
 * with *err set.  *bound receives the address actually bound. */
int	ss_net_listen(const char *, struct ss_addr *bound, char **err);
int	ss_net_set_nonblock(int fd);
/* Port of a bound address. */
int	ss_net_addr_port(const struct ss_addr *);
/* Fill an ss_addr (and its text) from a socket address, e.g. accept()'s. */
void	ss_net_addr_set(struct ss_addr *, const struct sockaddr *, socklen_t);

#endif
