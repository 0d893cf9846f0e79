/*
 * mx.c: the mail exchangers of a domain (RFC 5321 5.1).
 *
 * Queries go out through the system resolver's own sender (res_nsend on a
 * private res_state, so two threads never share one), but the answer is
 * read by the bounded parser below, never by ns_initparse: every length,
 * count and compression pointer in it comes from the network.  The parser
 * follows RFC 1035 4.1: a 12-byte header, the questions, then resource
 * records of owner name, type, class, TTL and length-prefixed data.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/mx.h"
#include "smtpscope/net.h"
#include "smtpscope/util.h"

#define SS_MX_HEADER_LEN	12
#define SS_MX_JUMPS_MAX		32	/* compression pointers per name */
#define SS_MX_RECORDS_MAX	256	/* answer records looked at */
#define SS_MX_ALIASES_MAX	8	/* CNAME hops followed */
#define SS_MX_ANSWER_MAX	65536	/* a TCP answer's largest size */
#define SS_MX_QUERY_MAX		512

#define SS_MX_TYPE_A		1
#define SS_MX_TYPE_CNAME	5
#define SS_MX_TYPE_MX		15
#define SS_MX_TYPE_AAAA		28
#define SS_MX_CLASS_IN		1

#define SS_MX_RCODE_OK		0
#define SS_MX_RCODE_NXDOMAIN	3

/* Response codes other than success and NXDOMAIN, in words (RFC 1035
 * 4.1.1, RFC 6895 2.3). */
static const char *const ss_mx_rcode_words[] = {
	[1] = "the DNS server could not read the query (FORMERR)",
	[2] = "the DNS server could not get an answer (SERVFAIL)",
	[4] = "the DNS server does not do MX queries (NOTIMP)",
	[5] = "the DNS server refused the query (REFUSED)",
};

/* One DNS message; every read goes through the bounds checks below. */
struct ss_mx_msg {
	const unsigned char	*p;
	size_t			 len;
	size_t			 ancount;	/* records in the answer section */
	size_t			 answers;	/* offset of the first one */
	int			 rcode;
};

/* One resource record: where its data lies in the message. */
struct ss_mx_rr {
	char	 owner[SS_MX_NAME_MAX];
	int	 type;
	int	 class;
	size_t	 rdata;
	size_t	 rdlen;
};

/* The big-endian 16-bit number at off, or -1 past the end. */
static int
ss_mx_u16(const struct ss_mx_msg *m, size_t off)
{
	if (off > m->len || m->len - off < 2) {
		return -1;
	}
	return m->p[off] << 8 | m->p[off + 1];
}

/* May this byte appear in a host name we show and connect to? */
static int
ss_mx_label_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '.' && c != '\\';
}

/* Append one label of n bytes at src to the name being built; -1 if it
 * would pass 253 characters or holds bytes no host name has. */
static int
ss_mx_name_add(char *out, size_t *olen, const unsigned char *src, size_t n)
{
	size_t	 i;

	if (*olen + n + (*olen > 0) > SS_MX_NAME_MAX - 1) {
		return -1;
	}
	if (*olen > 0) {
		out[(*olen)++] = '.';
	}
	for (i = 0; i < n; i++) {
		if (!ss_mx_label_char(src[i])) {
			return -1;
		}
		out[(*olen)++] = (char)src[i];
	}
	out[*olen] = '\0';
	return 0;
}

/*
 * Read the possibly compressed name at *off into out: text without the
 * final dot, "" for the root.  *off moves past the name where it stands.
 * Pointers must point backwards and are followed at most SS_MX_JUMPS_MAX
 * times, so a hostile loop ends.  Returns -1 when malformed.
 */
static int
ss_mx_name(const struct ss_mx_msg *m, size_t *off, char *out)
{
	size_t		 pos = *off, olen = 0, after = 0, target;
	unsigned	 c;
	int		 jumps = 0;

	out[0] = '\0';
	for (;;) {
		if (pos >= m->len) {
			return -1;
		}
		c = m->p[pos];
		if (c == 0) {
			break;
		}
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= m->len || ++jumps > SS_MX_JUMPS_MAX) {
				return -1;
			}
			target = (c & 0x3f) << 8 | m->p[pos + 1];
			if (jumps == 1) {
				after = pos + 2;
			}
			if (target >= pos) {
				return -1;
			}
			pos = target;
			continue;
		}
		/* 0x40 and 0x80 are label types nobody may use (RFC 6891). */
		if ((c & 0xc0) != 0 || m->len - pos - 1 < c ||
		    ss_mx_name_add(out, &olen, m->p + pos + 1, c) != 0) {
			return -1;
		}
		pos += 1 + c;
	}
	*off = jumps > 0 ? after : pos + 1;
	return 0;
}

/* Read the record at *off and move past it.  Returns -1 when malformed. */
static int
ss_mx_rr_read(const struct ss_mx_msg *m, size_t *off, struct ss_mx_rr *rr)
{
	int	 rdlen;

	if (ss_mx_name(m, off, rr->owner) != 0) {
		return -1;
	}
	rr->type = ss_mx_u16(m, *off);
	rr->class = ss_mx_u16(m, *off + 2);
	rdlen = ss_mx_u16(m, *off + 8);
	if (rr->type < 0 || rr->class < 0 || rdlen < 0) {
		return -1;
	}
	rr->rdata = *off + 10;
	rr->rdlen = (size_t)rdlen;
	if (rr->rdata > m->len || m->len - rr->rdata < rr->rdlen) {
		return -1;
	}
	*off = rr->rdata + rr->rdlen;
	return 0;
}

/*
 * Check the header of an answer and skip its questions, so m->answers
 * points at the answer section.  Returns -1 with *why when malformed.
 */
static int
ss_mx_open(struct ss_mx_msg *m, const unsigned char *p, size_t len,
    const char **why)
{
	char	 name[SS_MX_NAME_MAX];
	size_t	 off = SS_MX_HEADER_LEN;
	int	 i, qdcount;

	m->p = p;
	m->len = len;
	if (len < SS_MX_HEADER_LEN) {
		*why = "shorter than a DNS header";
		return -1;
	}
	if ((p[2] & 0x80) == 0) {
		*why = "a query, not a response";
		return -1;
	}
	if ((p[2] & 0x02) != 0) {
		*why = "truncated (TC set) and no complete answer followed";
		return -1;
	}
	m->rcode = p[3] & 0x0f;
	qdcount = ss_mx_u16(m, 4);
	m->ancount = (size_t)ss_mx_u16(m, 6);
	for (i = 0; i < qdcount; i++) {
		if (ss_mx_name(m, &off, name) != 0 || off + 4 > len) {
			*why = "its question section is cut short or malformed";
			return -1;
		}
		off += 4;
	}
	m->answers = off;
	return 0;
}

/* Is name one of the n names in the alias list (case-insensitive)? */
static int
ss_mx_is_alias(char aliases[][SS_MX_NAME_MAX], size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (ss_strcasecmp(aliases[i], name) == 0) {
			return 1;
		}
	}
	return 0;
}

/* The names the MX records may belong to: the domain and the CNAME
 * chain from it, in the order resolvers put it.  Returns the count, or
 * 0 when the section is malformed. */
static size_t
ss_mx_aliases(const struct ss_mx_msg *m, const char *qname,
    char aliases[][SS_MX_NAME_MAX])
{
	struct ss_mx_rr	 rr;
	size_t		 i, n = 1, off = m->answers, data;

	ss_strlcpy(aliases[0], qname, SS_MX_NAME_MAX);
	for (i = 0; i < m->ancount && i < SS_MX_RECORDS_MAX; i++) {
		if (ss_mx_rr_read(m, &off, &rr) != 0) {
			return 0;
		}
		if (rr.type != SS_MX_TYPE_CNAME ||
		    rr.class != SS_MX_CLASS_IN || n == SS_MX_ALIASES_MAX ||
		    !ss_mx_is_alias(aliases, n, rr.owner)) {
			continue;
		}
		data = rr.rdata;
		if (ss_mx_name(m, &data, aliases[n]) != 0 ||
		    data > rr.rdata + rr.rdlen) {
			return 0;
		}
		n++;
	}
	return n;
}

/* Decode the data of one MX record into e.  Returns -1 when malformed. */
static int
ss_mx_rr_exchange(const struct ss_mx_msg *m, const struct ss_mx_rr *rr,
    struct ss_mx *e)
{
	size_t	 off = rr->rdata + 2;

	if (rr->rdlen < 3) {
		return -1;
	}
	memset(e, 0, sizeof *e);
	e->preference = (unsigned)ss_mx_u16(m, rr->rdata);
	if (ss_mx_name(m, &off, e->host) != 0 ||
	    off > rr->rdata + rr->rdlen) {
		return -1;
	}
	return 0;
}

/* Order for qsort: preference, then name. */
static int
ss_mx_compare(const void *a, const void *b)
{
	const struct ss_mx	*x = a, *y = b;

	if (x->preference != y->preference) {
		return x->preference < y->preference ? -1 : 1;
	}
	return ss_strcasecmp(x->host, y->host);
}

/* Add e to the list; when it is full, e replaces the worst entry if it
 * is better, so a huge answer keeps the exchangers that matter. */
static void
ss_mx_keep(struct ss_mx *list, size_t *n, const struct ss_mx *e)
{
	size_t	 i, worst = 0;

	if (*n < SS_MX_MAX) {
		list[(*n)++] = *e;
		return;
	}
	for (i = 1; i < *n; i++) {
		if (ss_mx_compare(&list[i], &list[worst]) > 0) {
			worst = i;
		}
	}
	if (ss_mx_compare(e, &list[worst]) < 0) {
		list[worst] = *e;
	}
}

/* Collect the MX records of the domain or its aliases into list.
 * Returns the count, *nulls the null MX records seen; -1 if malformed. */
static int
ss_mx_collect(const struct ss_mx_msg *m, char aliases[][SS_MX_NAME_MAX],
    size_t naliases, struct ss_mx *list, size_t *nulls)
{
	struct ss_mx_rr	 rr;
	struct ss_mx	 e;
	size_t		 i, n = 0, off = m->answers;

	*nulls = 0;
	for (i = 0; i < m->ancount && i < SS_MX_RECORDS_MAX; i++) {
		if (ss_mx_rr_read(m, &off, &rr) != 0) {
			return -1;
		}
		if (rr.type != SS_MX_TYPE_MX || rr.class != SS_MX_CLASS_IN ||
		    !ss_mx_is_alias(aliases, naliases, rr.owner)) {
			continue;
		}
		if (ss_mx_rr_exchange(m, &rr, &e) != 0) {
			return -1;
		}
		if (e.host[0] == '\0') {
			(*nulls)++;
		} else {
			ss_mx_keep(list, &n, &e);
		}
	}
	return (int)n;
}

/* Sort, then drop a host listed again at a worse preference. */
static size_t
ss_mx_sort(struct ss_mx *list, size_t n)
{
	size_t	 i, j, kept = 0;

	qsort(list, n, sizeof *list, ss_mx_compare);
	for (i = 0; i < n; i++) {
		for (j = 0; j < kept; j++) {
			if (ss_strcasecmp(list[j].host, list[i].host) == 0) {
				break;
			}
		}
		if (j == kept) {
			list[kept++] = list[i];
		}
	}
	return kept;
}

/* The domain as the answer spells names: no final dot, checked.  Returns
 * -1 with *err when it cannot be a domain name. */
static int
ss_mx_qname(const char *domain, char *out, char **err)
{
	size_t	 len = domain != NULL ? strlen(domain) : 0, i;

	if (len > 0 && domain[len - 1] == '.') {
		len--;
	}
	for (i = 0; i < len; i++) {
		if (!ss_mx_label_char((unsigned char)domain[i]) &&
		    !(domain[i] == '.' && i > 0 && domain[i - 1] != '.')) {
			break;
		}
	}
	if (len == 0 || len > SS_MX_NAME_MAX - 1 || i < len ||
	    domain[0] == '.') {
		xasprintf(err, "'%s' is not a domain name",
		    domain != NULL ? domain : "");
		return -1;
	}
	memcpy(out, domain, len);
	out[len] = '\0';
	return 0;
}

/* An error from the response code, or NULL for success. */
static char *
ss_mx_rcode_error(int rcode, const char *qname)
{
	char	*msg;

	if (rcode == SS_MX_RCODE_OK) {
		return NULL;
	}
	if (rcode == SS_MX_RCODE_NXDOMAIN) {
		xasprintf(&msg, "no such domain: %s", qname);
	} else if ((size_t)rcode < SS_NITEMS(ss_mx_rcode_words) &&
	    ss_mx_rcode_words[rcode] != NULL) {
		xasprintf(&msg, "%s for %s", ss_mx_rcode_words[rcode], qname);
	} else {
		xasprintf(&msg, "the DNS server answered with error code %d "
		    "for %s", rcode, qname);
	}
	return msg;
}

/* Turn the collected records into the result: the implicit MX when
 * there are none, an error for a null MX alone. */
static int
ss_mx_finish(const char *qname, struct ss_mx *list, int n, size_t nulls,
    size_t *count, char **err)
{
	if (n == 0 && nulls > 0) {
		xasprintf(err, "%s accepts no mail: it publishes a null MX "
		    "(RFC 7505)", qname);
		return -1;
	}
	if (n == 0) {
		memset(&list[0], 0, sizeof list[0]);
		list[0].implicit = 1;
		ss_strlcpy(list[0].host, qname, sizeof list[0].host);
		n = 1;
	}
	*count = ss_mx_sort(list, (size_t)n);
	return 0;
}

/* Parse one DNS answer to an MX query for domain. */
int
ss_mx_parse(const unsigned char *p, size_t len, const char *domain,
    struct ss_mx **list, size_t *count, char **err)
{
	char		 qname[SS_MX_NAME_MAX];
	char		 aliases[SS_MX_ALIASES_MAX][SS_MX_NAME_MAX];
	struct ss_mx_msg m;
	const char	*why = NULL;
	size_t		 naliases = 0, nulls = 0;
	int		 n = -1;

	*list = NULL;
	*count = 0;
	*err = NULL;
	if (ss_mx_qname(domain, qname, err) != 0) {
		return -1;
	}
	if (ss_mx_open(&m, p, len, &why) == 0) {
		if ((*err = ss_mx_rcode_error(m.rcode, qname)) != NULL) {
			return -1;
		}
		naliases = ss_mx_aliases(&m, qname, aliases);
	}
	*list = xcalloc(SS_MX_MAX, sizeof **list);
	if (naliases > 0) {
		n = ss_mx_collect(&m, aliases, naliases, *list, &nulls);
	}
	if (n < 0 || ss_mx_finish(qname, *list, n, nulls, count, err) != 0) {
		if (*err == NULL) {
			xasprintf(err, "the DNS answer for %s is malformed: %s",
			    qname, why != NULL ? why : "a record is cut short "
			    "or holds a bad name");
		}
		ss_mx_free(*list);
		*list = NULL;
		return -1;
	}
	return 0;
}

/* Free a list. */
void
ss_mx_free(struct ss_mx *list)
{
	free(list);
}

/*
 * SMTPSCOPE_DNS_SERVER=IPV4[:PORT]: send every query there, one attempt
 * with a 1 s timeout, over UDP first.  Returns 1 when set, 0 when not
 * (server names the system's servers), -1 with *err when malformed.
 */
static int
ss_mx_override(struct __res_state *rs, char *server, size_t len, char **err)
{
	const char		*env = getenv(SS_MX_ENV_SERVER);
	struct sockaddr_in	 sin;
	char			*host = NULL, *why = NULL;
	int			 port;

	ss_strlcpy(server, "the servers in /etc/resolv.conf", len);
	if (env == NULL || *env == '\0') {
		return 0;
	}
	memset(&sin, 0, sizeof sin);
	if (ss_net_parse_target(env, 53, &host, &port, &why) != 0 ||
	    inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		xasprintf(err, "%s='%s' is not IPV4:PORT", SS_MX_ENV_SERVER,
		    env);
		free(host);
		free(why);
		return -1;
	}
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	rs->nsaddr_list[0] = sin;
	rs->nscount = 1;
	rs->retrans = 1;
	rs->retry = 1;
	rs->options &= ~(RES_USEVC | RES_ROTATE);
	snprintf(server, len, "%s port %d", host, port);
	free(host);
	return 1;
}

/* Why a query got no answer, in words. */
static char *
ss_mx_silence_words(int error, const char *server, const char *what,
    const char *qname)
{
	char	*msg;

	if (error == ECONNREFUSED) {
		xasprintf(&msg, "the DNS server did not answer: nothing listens "
		    "at %s (asked for the %s records of %s)", server, what,
		    qname);
	} else {
		xasprintf(&msg, "the DNS server did not answer (%s, asked for "
		    "the %s records of %s)", server, what, qname);
	}
	return msg;
}

/* Send one query of the given type; the answer's length, or -1 with *err
 * in words. */
static int
ss_mx_send(struct __res_state *rs, const char *qname, int type,
    unsigned char *ans, const char *server, char **err)
{
	unsigned char	 q[SS_MX_QUERY_MAX];
	const char	*what = type == SS_MX_TYPE_MX ? "MX" :
	    type == SS_MX_TYPE_A ? "A" : "AAAA";
	int		 qlen, alen;

	qlen = res_nmkquery(rs, ns_o_query, qname, ns_c_in, type, NULL, 0,
	    NULL, q, sizeof q);
	if (qlen < 0) {
		xasprintf(err, "cannot build a DNS query for %s", qname);
		return -1;
	}
	errno = 0;
	alen = res_nsend(rs, q, qlen, ans, SS_MX_ANSWER_MAX);
	if (alen <= 0) {
		*err = ss_mx_silence_words(errno, server, what, qname);
		return -1;
	}
	return alen;
}

/* The first address of the given type in an answer, as text; -1 when
 * there is none. */
static int
ss_mx_address(const unsigned char *p, size_t len, int type, char *out,
    size_t outlen)
{
	struct ss_mx_msg m;
	struct ss_mx_rr	 rr;
	const char	*why;
	size_t		 i, off, want = type == SS_MX_TYPE_A ? 4 : 16;

	if (ss_mx_open(&m, p, len, &why) != 0 || m.rcode != SS_MX_RCODE_OK) {
		return -1;
	}
	off = m.answers;
	for (i = 0; i < m.ancount && i < SS_MX_RECORDS_MAX; i++) {
		if (ss_mx_rr_read(&m, &off, &rr) != 0) {
			return -1;
		}
		if (rr.type == type && rr.class == SS_MX_CLASS_IN &&
		    rr.rdlen == want) {
			inet_ntop(type == SS_MX_TYPE_A ? AF_INET : AF_INET6,
			    p + rr.rdata, out, (socklen_t)outlen);
			return 0;
		}
	}
	return -1;
}

/* With the override: each exchanger's address from the same server, so
 * a test zone never reaches the system resolver. */
static void
ss_mx_addresses(struct __res_state *rs, struct ss_mx *list, size_t n,
    unsigned char *ans, const char *server)
{
	static const int types[] = { SS_MX_TYPE_A, SS_MX_TYPE_AAAA };
	size_t		 i, t;
	char		*err;
	int		 alen;

	for (i = 0; i < n; i++) {
		for (t = 0; t < SS_NITEMS(types); t++) {
			err = NULL;
			alen = ss_mx_send(rs, list[i].host, types[t], ans,
			    server, &err);
			free(err);
			if (alen > 0 && ss_mx_address(ans, (size_t)alen,
			    types[t], list[i].address,
			    sizeof list[i].address) == 0) {
				break;
			}
		}
	}
}

/* Look up the MX records of domain. */
int
ss_mx_lookup(const char *domain, struct ss_mx **list, size_t *n, char **err)
{
	struct __res_state	 rs;
	unsigned char		*ans = NULL;
	char			 qname[SS_MX_NAME_MAX], server[80];
	int			 alen, rc = -1, override;

	*list = NULL;
	*n = 0;
	*err = NULL;
	if (ss_mx_qname(domain, qname, err) != 0) {
		return -1;
	}
	memset(&rs, 0, sizeof rs);
	if (res_ninit(&rs) != 0) {
		xasprintf(err, "cannot set up the DNS resolver (is "
		    "/etc/resolv.conf readable?)");
		return -1;
	}
	/* glibc's sender retries a SERVFAIL or REFUSED silently and then
	 * reports a timeout; a non-zero pfcode (meant for dig) makes it
	 * hand back the answer, so the user learns what the server said. */
	rs.pfcode = RES_PRF_HEAD1;
	if ((override = ss_mx_override(&rs, server, sizeof server, err)) >= 0) {
		ans = xmalloc(SS_MX_ANSWER_MAX);
		alen = ss_mx_send(&rs, qname, SS_MX_TYPE_MX, ans, server, err);
		if (alen > 0 && ss_mx_parse(ans, (size_t)alen, qname, list, n,
		    err) == 0) {
			if (override) {
				ss_mx_addresses(&rs, *list, *n, ans, server);
			}
			rc = 0;
		}
	}
	free(ans);
	res_nclose(&rs);
	return rc;
}

/* Should a target without a port get an MX lookup? */
int
ss_mx_wanted(const char *host)
{
	static const char	 local[] = "localhost";
	size_t			 len, llen = sizeof local - 1;

	if (host == NULL || *host == '\0' || ss_net_is_ip_literal(host)) {
		return 0;
	}
	len = strlen(host);
	if (host[len - 1] == '.') {
		len--;
	}
	/* "localhost" and every name under it (RFC 6761 6.3). */
	if (len >= llen && ss_strncasecmp(host + len - llen, local,
	    llen) == 0 && (len == llen || host[len - llen - 1] == '.')) {
		return 0;
	}
	return len > 0;
}

/* One line naming every exchanger, or the implicit MX rule in words. */
char *
ss_mx_summary(const char *domain, const struct ss_mx *list, size_t n)
{
	struct ss_buf	 b;
	size_t		 i;
	char		*s;

	ss_buf_init(&b);
	if (n == 1 && list[0].implicit) {
		ss_buf_printf(&b, "no MX records for %s: mail goes to the "
		    "domain's own address (RFC 5321 5.1)", domain);
	} else {
		ss_buf_printf(&b, "MX for %s:", domain);
	}
	for (i = 0; i < n && !list[0].implicit; i++) {
		ss_buf_printf(&b, "%s %u %s", i > 0 ? "," : "",
		    list[i].preference, list[i].host);
		if (list[i].address[0] != '\0') {
			ss_buf_printf(&b, " (%s)", list[i].address);
		}
	}
	s = ss_buf_steal(&b);
	ss_buf_finish(&b);
	return s;
}
