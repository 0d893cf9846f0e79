/*
 * net.c: target parsing, name resolution and non-blocking TCP for IPv4 and
 * IPv6.
 *
 * Every failure is turned into words a person can act on ("connection
 * refused: nothing listens on 127.0.0.1 port 1"); the caller decides how
 * to show them.  Trying each resolved address in turn is the session's job:
 * it calls ss_net_connect_start once per address.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/net.h"
#include "smtpscope/util.h"

#define SS_NET_BACKLOG	128

/* What a connect errno means, said so that the next step is obvious. */
struct ss_net_errno_words {
	int		 errnum;
	const char	*what;		/* "connection refused" */
	const char	*detail;	/* "nothing listens on" + address */
};

static const struct ss_net_errno_words ss_net_errno_table[] = {
	{ ECONNREFUSED, "connection refused", "nothing listens on" },
	{ ETIMEDOUT, "timed out", "no answer from" },
	{ ENETUNREACH, "network unreachable", "no route to the network of" },
	{ EHOSTUNREACH, "host unreachable", "no route to" },
	{ ECONNRESET, "connection reset", "the connection was reset by" },
	{ ECONNABORTED, "connection aborted", "the connection was aborted to" },
	{ EACCES, "not permitted", "local policy forbids connecting to" },
	{ EPERM, "not permitted", "a firewall forbids connecting to" },
	{ EADDRNOTAVAIL, "address not available",
	    "no local address can reach" },
	{ EAFNOSUPPORT, "address family not supported",
	    "this machine has no IPv4/IPv6 stack to reach" },
	{ ENETDOWN, "network down", "the network is down; cannot reach" },
	{ EPIPE, "connection closed", "the connection was closed by" },
};

/* Fill an ss_addr from a socket address, with its numeric text. */
void
ss_net_addr_set(struct ss_addr *addr, const struct sockaddr *sa,
    socklen_t salen)
{
	memset(addr, 0, sizeof(*addr));
	if (salen > sizeof(addr->sa))
		salen = sizeof(addr->sa);
	memcpy(&addr->sa, sa, salen);
	addr->salen = salen;
	if (getnameinfo(sa, salen, addr->text, sizeof(addr->text), NULL, 0,
	    NI_NUMERICHOST) != 0)
		ss_strlcpy(addr->text, "?", sizeof(addr->text));
}

/* Parse a decimal port between min_port and 65535. */
static int
ss_net_parse_port(const char *s, int min_port)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min_port || v > 65535)
		return -1;
	return (int)v;
}

/* Split a target; min_port is 0 for listening and 1 for connecting. */
static int
ss_net_split(const char *target, int default_port, int min_port,
    char **host, int *port, char **err)
{
	const char	*colon, *close, *portstr = NULL;
	size_t		 hostlen;

	*host = NULL;
	*port = default_port;
	if (target == NULL || *target == '\0') {
		xasprintf(err, "empty target: give a host name or address");
		return -1;
	}
	if (*target == '[') {
		if ((close = strchr(target, ']')) == NULL) {
			xasprintf(err, "bad target %s: missing ']'", target);
			return -1;
		}
		if (close[1] != '\0' && close[1] != ':') {
			xasprintf(err, "bad target %s: junk after ']'", target);
			return -1;
		}
		if (close[1] == ':')
			portstr = close + 2;
		target++;
		hostlen = (size_t)(close - target);
	} else if ((colon = strchr(target, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		portstr = colon + 1;
		hostlen = (size_t)(colon - target);
	} else
		hostlen = strlen(target);	/* a name or a bare v6 */
	if (hostlen == 0) {
		xasprintf(err, "bad target: the host name is empty");
		return -1;
	}
	if (portstr != NULL &&
	    (*port = ss_net_parse_port(portstr, min_port)) < 0) {
		xasprintf(err, "bad port \"%s\": give a number from %d to "
		    "65535", portstr, min_port);
		return -1;
	}
	*host = xstrndup(target, hostlen);
	return 0;
}

/* Split "host", "host:port", "[v6]:port" or a bare v6 literal. */
int
ss_net_parse_target(const char *target, int default_port, char **host,
    int *port, char **err)
{
	return ss_net_split(target, default_port, 1, host, port, err);
}

/* Is the string an IPv4 or IPv6 literal? */
int
ss_net_is_ip_literal(const char *s)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (s == NULL)
		return 0;
	return inet_pton(AF_INET, s, &a4) == 1 ||
	    inet_pton(AF_INET6, s, &a6) == 1;
}

/* Resolver failures in words. */
static char *
ss_net_gai_words(int rc, const char *host)
{
	char	*msg;

	switch (rc) {
	case EAI_NONAME:
		xasprintf(&msg, "no such host: %s", host);
		break;
#ifdef EAI_NODATA
	case EAI_NODATA:
		xasprintf(&msg, "no address for host: %s", host);
		break;
#endif
	case EAI_AGAIN:
		xasprintf(&msg, "cannot resolve %s now (temporary DNS "
		    "failure; try again)", host);
		break;
	case EAI_SYSTEM:
		xasprintf(&msg, "cannot resolve %s: %s", host,
		    strerror(errno));
		break;
	default:
		xasprintf(&msg, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		break;
	}
	return msg;
}

/* Resolve to every A and AAAA address, in the resolver's order. */
int
ss_net_resolve(const char *host, int port, struct ss_addr **addrs,
    size_t *naddrs, char **err)
{
	struct addrinfo	 hints, *res, *ai;
	char		 service[16];
	size_t		 n = 0;
	int		 rc;

	*addrs = NULL;
	*naddrs = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%d", port);
	if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
		*err = ss_net_gai_words(rc, host);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		n++;
	*addrs = xcalloc(n, sizeof(**addrs));
	for (ai = res; ai != NULL; ai = ai->ai_next)
		ss_net_addr_set(&(*addrs)[(*naddrs)++], ai->ai_addr,
		    ai->ai_addrlen);
	freeaddrinfo(res);
	if (*naddrs == 0) {
		free(*addrs);
		*addrs = NULL;
		xasprintf(err, "no address for host: %s", host);
		return -1;
	}
	return 0;
}

/* Describe a connect/socket errno in words, for addr. */
char *
ss_net_error_words(int errnum, const struct ss_addr *addr)
{
	const struct ss_net_errno_words	*w;
	const char			*text = addr != NULL ? addr->text : "?";
	int				 port = ss_net_addr_port(addr);
	char				*msg;
	size_t				 i;

	for (i = 0; i < SS_NITEMS(ss_net_errno_table); i++) {
		w = &ss_net_errno_table[i];
		if (w->errnum == errnum) {
			xasprintf(&msg, "%s: %s %s port %d", w->what,
			    w->detail, text, port);
			return msg;
		}
	}
	xasprintf(&msg, "cannot connect to %s port %d: %s", text, port,
	    strerror(errnum));
	return msg;
}

/* Make a descriptor non-blocking. */
int
ss_net_set_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Start a non-blocking connect: 0 connected, 1 in progress, -1 error. */
int
ss_net_connect_start(const struct ss_addr *addr, int *fd, char **err)
{
	int	s, one = 1;

	*fd = -1;
	s = socket(addr->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_TCP);
	if (s == -1) {
		*err = ss_net_error_words(errno, addr);
		return -1;
	}
	/* SMTP commands are small and interactive: send them now. */
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s, (const struct sockaddr *)&addr->sa, addr->salen) == 0) {
		*fd = s;
		return 0;
	}
	if (errno == EINPROGRESS || errno == EINTR) {
		*fd = s;
		return 1;
	}
	*err = ss_net_error_words(errno, addr);
	close(s);
	return -1;
}

/* After POLLOUT: 0 when connected, -1 with *err set. */
int
ss_net_connect_finish(int fd, const struct ss_addr *addr, char **err)
{
	socklen_t	len = sizeof(int);
	int		soerr = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		soerr = errno;
	if (soerr != 0) {
		*err = ss_net_error_words(soerr, addr);
		return -1;
	}
	return 0;
}

/* Bind and listen on one resolved address; the fd or -1 with errno. */
static int
ss_net_listen_one(const struct addrinfo *ai, struct ss_addr *bound)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	int			 s, one = 1, saved;

	s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (s == -1)
		return -1;
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		(void)setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(s, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(s, SS_NET_BACKLOG) == -1 ||
	    getsockname(s, (struct sockaddr *)&ss, &len) == -1) {
		saved = errno;
		close(s);
		errno = saved;
		return -1;
	}
	if (bound != NULL)
		ss_net_addr_set(bound, (struct sockaddr *)&ss, len);
	return s;
}

/* Listen on "addr:port" (port 0 picks a free one). */
int
ss_net_listen(const char *where, struct ss_addr *bound, char **err)
{
	struct addrinfo	 hints, *res, *ai;
	char		*host, service[16];
	int		 port, rc, fd = -1, lasterr = 0;

	if (ss_net_split(where, -1, 0, &host, &port, err) == -1)
		return -1;
	if (port < 0) {
		xasprintf(err, "listen address %s has no port (\"%s:2525\")",
		    where, host);
		free(host);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%d", port);
	if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
		*err = ss_net_gai_words(rc, host);
		free(host);
		return -1;
	}
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		if ((fd = ss_net_listen_one(ai, bound)) == -1)
			lasterr = errno;
	}
	freeaddrinfo(res);
	if (fd == -1)
		xasprintf(err, "cannot listen on %s port %d: %s", host, port,
		    lasterr == EADDRINUSE ? "the port is in use" :
		    strerror(lasterr));
	free(host);
	return fd;
}

/* Port of a bound or resolved address; 0 if it has none. */
int
ss_net_addr_port(const struct ss_addr *addr)
{
	if (addr == NULL)
		return 0;
	if (addr->sa.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&addr->sa)->sin_port);
	if (addr->sa.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)
		    &addr->sa)->sin6_port);
	return 0;
}
