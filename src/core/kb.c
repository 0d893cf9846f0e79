/*
 * kb.c: the knowledge base - lookups over the tables in the .def files of
 * src/core/kb, and the decoding of keyword parameters in words.
 *
 * The facts live in the .def files as X-macro calls, one per entry, so an
 * entry is added by editing data alone (see doc/knowledge.md).  Everything
 * here treats its input as untrusted server text: words are bounded and
 * only printable ASCII is ever copied into an explanation.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smtpscope/kb.h"
#include "smtpscope/util.h"

#define KB_QUOTE_MAX	40	/* bytes of a server word quoted back */
#define KB_TOKEN_MAX	32	/* longest token worth looking up */

const char *const ss_kb_kind_names[SS_KB_KIND_LAST] = {
	"keyword", "reply", "enhanced", "mechanism"
};
_Static_assert(SS_NITEMS(ss_kb_kind_names) == SS_KB_KIND_LAST,
    "ss_kb_kind_names must name every kind");

static const struct ss_kb_entry kb_keywords[] = {
#define KB_KEYWORD(tok, title, rfc, status, summary, detail) \
	{ SS_KB_KEYWORD, tok, title, rfc, status, summary, detail, NULL },
#include "kb/keywords.def"
#undef KB_KEYWORD
};

static const struct ss_kb_entry kb_replies[] = {
#define KB_REPLY(tok, title, rfc, status, summary, detail) \
	{ SS_KB_REPLY, tok, title, rfc, status, summary, detail, NULL },
#include "kb/replies.def"
#undef KB_REPLY
};

static const struct ss_kb_entry kb_enhanced[] = {
#define KB_ENHANCED(tok, title, rfc, status, summary, detail) \
	{ SS_KB_ENHANCED, tok, title, rfc, status, summary, detail, NULL },
#include "kb/enhanced.def"
#undef KB_ENHANCED
};

static const struct ss_kb_entry kb_mechs[] = {
#define KB_MECH(tok, title, rfc, status, safe, summary, detail) \
	{ SS_KB_MECH, tok, title, rfc, status, summary, detail, safe },
#include "kb/mechs.def"
#undef KB_MECH
};

static const struct {
	const struct ss_kb_entry	*entries;
	size_t				 count;
} kb_tables[SS_KB_KIND_LAST] = {
	{ kb_keywords, SS_NITEMS(kb_keywords) },
	{ kb_replies, SS_NITEMS(kb_replies) },
	{ kb_enhanced, SS_NITEMS(kb_enhanced) },
	{ kb_mechs, SS_NITEMS(kb_mechs) },
};
_Static_assert(SS_NITEMS(kb_tables) == SS_KB_KIND_LAST,
    "kb_tables must hold every kind");

static const struct ss_kb_provider kb_providers[] = {
#define KB_PROVIDER(finding, code, enh, frag, provider, meaning, change, ref) \
	{ finding, code, enh, frag, provider, meaning, change, ref },
#include "kb/providers.def"
#undef KB_PROVIDER
};

static const struct ss_kb_oauth_status kb_oauth_statuses[] = {
#define KB_OAUTH_STATUS(status, meaning, change) { status, meaning, change },
#include "kb/oauth.def"
#undef KB_OAUTH_STATUS
};

/* What the first digit of a reply code says, RFC 5321 section 4.2.1. */
static const char *const kb_reply_classes[] = {
	NULL, NULL,
	"2xx: positive completion - the command succeeded",
	"3xx: positive intermediate - the server waits for more input",
	"4xx: transient failure - the same command may work later",
	"5xx: permanent failure - repeating it unchanged will fail again",
};

/* Number of entries of a kind. */
size_t
ss_kb_count(enum ss_kb_kind kind)
{
	if ((unsigned)kind >= SS_KB_KIND_LAST) {
		return (0);
	}
	return (kb_tables[kind].count);
}

/* Entry i of a kind, or NULL past the end. */
const struct ss_kb_entry *
ss_kb_at(enum ss_kb_kind kind, size_t i)
{
	if (i >= ss_kb_count(kind)) {
		return (NULL);
	}
	return (&kb_tables[kind].entries[i]);
}

/* Linear search of one table; a few hundred entries need no index. */
static const struct ss_kb_entry *
kb_find(enum ss_kb_kind kind, const char *token)
{
	size_t	i;

	for (i = 0; i < kb_tables[kind].count; i++) {
		if (ss_strcasecmp(kb_tables[kind].entries[i].token,
		    token) == 0) {
			return (&kb_tables[kind].entries[i]);
		}
	}
	return (NULL);
}

/* A keyword; "AUTH=LOGIN PLAIN" style tokens fall back to "AUTH=". */
const struct ss_kb_entry *
ss_kb_keyword(const char *keyword)
{
	const struct ss_kb_entry	*e;
	const char			*eq;
	char				 prefix[KB_TOKEN_MAX];

	if (keyword == NULL) {
		return (NULL);
	}
	if ((e = kb_find(SS_KB_KEYWORD, keyword)) != NULL) {
		return (e);
	}
	eq = strchr(keyword, '=');
	if (eq == NULL || (size_t)(eq - keyword) + 2 > sizeof(prefix)) {
		return (NULL);
	}
	memcpy(prefix, keyword, (size_t)(eq - keyword) + 1);
	prefix[eq - keyword + 1] = '\0';
	return (kb_find(SS_KB_KEYWORD, prefix));
}

/* A three-digit reply code. */
const struct ss_kb_entry *
ss_kb_reply(int code)
{
	char	token[8];

	if (code < 100 || code > 999) {
		return (NULL);
	}
	snprintf(token, sizeof(token), "%d", code);
	return (kb_find(SS_KB_REPLY, token));
}

/* An enhanced code: the exact entry if one exists, else its X form. */
const struct ss_kb_entry *
ss_kb_enhanced(int class_, int subject, int detail)
{
	const struct ss_kb_entry	*e;
	char				 token[KB_TOKEN_MAX];

	if ((class_ != 2 && class_ != 4 && class_ != 5) ||
	    subject < 0 || subject > 999 || detail < 0 || detail > 999) {
		return (NULL);
	}
	snprintf(token, sizeof(token), "%d.%d.%d", class_, subject, detail);
	if ((e = kb_find(SS_KB_ENHANCED, token)) != NULL) {
		return (e);
	}
	snprintf(token, sizeof(token), "X.%d.%d", subject, detail);
	return (kb_find(SS_KB_ENHANCED, token));
}

/* The entry for a class as a whole ("5.X.X"). */
const struct ss_kb_entry *
ss_kb_enhanced_class(int class_)
{
	char	token[KB_TOKEN_MAX];

	if (class_ != 2 && class_ != 4 && class_ != 5) {
		return (NULL);
	}
	snprintf(token, sizeof(token), "%d.X.X", class_);
	return (kb_find(SS_KB_ENHANCED, token));
}

/* The entry for a subject as a whole ("X.7.X"). */
const struct ss_kb_entry *
ss_kb_enhanced_subject(int subject)
{
	char	token[KB_TOKEN_MAX];

	if (subject < 0 || subject > 999) {
		return (NULL);
	}
	snprintf(token, sizeof(token), "X.%d.X", subject);
	return (kb_find(SS_KB_ENHANCED, token));
}

/* A SASL mechanism name. */
const struct ss_kb_entry *
ss_kb_mech(const char *mech)
{
	if (mech == NULL) {
		return (NULL);
	}
	return (kb_find(SS_KB_MECH, mech));
}

/*
 * Parse one field of an enhanced code at *pp: 1-3 digits, or X for "any"
 * (stored as -1).  Returns 0 and advances past the field, or -1.
 */
static int
kb_parse_field(const char **pp, int *value)
{
	const char	*p = *pp;
	int		 n = 0, digits = 0;

	if (*p == 'X' || *p == 'x') {
		*value = -1;
		*pp = p + 1;
		return (0);
	}
	while (*p >= '0' && *p <= '9' && digits < 4) {
		n = n * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || digits > 3) {
		return (-1);
	}
	*value = n;
	*pp = p;
	return (0);
}

/* Split "c.s.d" (any field may be X) into three fields; -1 if not one. */
static int
kb_parse_enhanced(const char *token, int field[3])
{
	const char	*p = token;
	int		 i;

	for (i = 0; i < 3; i++) {
		if (kb_parse_field(&p, &field[i]) != 0) {
			return (-1);
		}
		if (i < 2 && *p++ != '.') {
			return (-1);
		}
	}
	return (*p == '\0' ? 0 : -1);
}

/* Look up an enhanced token once its fields are known. */
static const struct ss_kb_entry *
kb_lookup_enhanced(const int f[3])
{
	char	token[KB_TOKEN_MAX];

	if (f[0] >= 0 && f[1] >= 0 && f[2] >= 0) {
		return (ss_kb_enhanced(f[0], f[1], f[2]));
	}
	if (f[0] >= 0 && f[1] < 0 && f[2] < 0) {
		return (ss_kb_enhanced_class(f[0]));
	}
	if (f[0] < 0 && f[1] >= 0 && f[2] < 0) {
		return (ss_kb_enhanced_subject(f[1]));
	}
	if (f[0] < 0 && f[1] >= 0 && f[2] >= 0) {
		snprintf(token, sizeof(token), "X.%d.%d", f[1], f[2]);
		return (kb_find(SS_KB_ENHANCED, token));
	}
	return (NULL);
}

/* Three digits and nothing else: a reply code. */
static int
kb_is_reply_token(const char *token)
{
	return (strlen(token) == 3 && token[0] >= '0' && token[0] <= '9' &&
	    token[1] >= '0' && token[1] <= '9' &&
	    token[2] >= '0' && token[2] <= '9');
}

/* Any token; its shape decides the kind, names try keywords first. */
const struct ss_kb_entry *
ss_kb_lookup(const char *token)
{
	const struct ss_kb_entry	*e;
	int				 f[3];

	if (token == NULL || *token == '\0') {
		return (NULL);
	}
	if (kb_is_reply_token(token)) {
		return (ss_kb_reply((token[0] - '0') * 100 +
		    (token[1] - '0') * 10 + (token[2] - '0')));
	}
	if (kb_parse_enhanced(token, f) == 0) {
		return (kb_lookup_enhanced(f));
	}
	if ((e = ss_kb_keyword(token)) != NULL) {
		return (e);
	}
	return (ss_kb_mech(token));
}

/* Append an entry's heading lines: token, title, kind, RFC, status; a
 * code found through its X form says so ("5.7.8 ... registered as X.7.8"). */
static void
kb_explain_heading(const char *asked, const struct ss_kb_entry *e,
    struct ss_buf *out)
{
	static const char *const kind_titles[SS_KB_KIND_LAST] = {
		"ESMTP keyword", "SMTP reply code", "enhanced status code",
		"SASL mechanism"
	};

	if (e->kind == SS_KB_ENHANCED && ss_strcasecmp(asked, e->token) != 0) {
		ss_buf_printf(out, "%s - %s (registered as %s)\n", asked,
		    e->title, e->token);
	} else {
		ss_buf_printf(out, "%s - %s\n", e->token, e->title);
	}
	ss_buf_printf(out, "%s; %s; %s\n", kind_titles[e->kind],
	    e->rfc != NULL ? e->rfc : "no RFC", e->status);
}

/* Append the class and subject lines of an enhanced token, except the
 * one the entry itself already is ("5.X.X" gets no second class line). */
static void
kb_explain_enhanced(const char *token, struct ss_buf *out)
{
	const struct ss_kb_entry	*cls, *subj;
	int				 f[3];

	if (kb_parse_enhanced(token, f) != 0) {
		return;
	}
	if (f[0] >= 0 && f[1] >= 0 &&
	    (cls = ss_kb_enhanced_class(f[0])) != NULL) {
		ss_buf_printf(out, "%s\n", cls->summary);
	}
	if (f[1] >= 0 && f[2] >= 0 &&
	    (subj = ss_kb_enhanced_subject(f[1])) != NULL) {
		ss_buf_printf(out, "%s\n", subj->summary);
	}
}

/* What a reply code's first digit says. */
static const char *
kb_reply_class(const char *token)
{
	int	d = token[0] - '0';

	if (d < 0 || d >= (int)SS_NITEMS(kb_reply_classes) ||
	    kb_reply_classes[d] == NULL) {
		return ("unknown");
	}
	return (kb_reply_classes[d]);
}

/* Write one entry in full for --explain; -1 when the token is unknown. */
int
ss_kb_explain(const char *token, struct ss_buf *out)
{
	const struct ss_kb_entry	*e;

	if ((e = ss_kb_lookup(token)) == NULL) {
		return (-1);
	}
	kb_explain_heading(token, e, out);
	if (e->kind == SS_KB_REPLY) {
		ss_buf_printf(out, "Class %s\n", kb_reply_class(e->token));
	}
	if (e->kind == SS_KB_ENHANCED) {
		kb_explain_enhanced(token, out);
	}
	if (e->kind == SS_KB_MECH) {
		ss_buf_printf(out, "Safe without TLS: %s\n", e->safe);
	}
	ss_buf_printf(out, "%s\n", e->summary);
	if (e->detail != NULL) {
		ss_buf_printf(out, "\n%s\n", e->detail);
	}
	return (0);
}

/*
 * Parameter decoding.  Each decoder gets the keyword's parameter text and
 * appends a phrase; kb_decoders maps keywords to decoders.
 */

/* Next word of *pp (split on blanks); 0 when there are no more. */
static size_t
kb_next_word(const char **pp, const char **word)
{
	const char	*p = *pp;
	size_t		 len = 0;

	while (*p == ' ' || *p == '\t') {
		p++;
	}
	*word = p;
	while (p[len] != '\0' && p[len] != ' ' && p[len] != '\t') {
		len++;
	}
	*pp = p + len;
	return (len);
}

/* Quote server text safely: printable ASCII only, bounded in length. */
static void
kb_add_quoted(struct ss_buf *out, const char *s, size_t len)
{
	size_t	i;

	ss_buf_addc(out, '"');
	for (i = 0; i < len && i < KB_QUOTE_MAX; i++) {
		ss_buf_addc(out, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
	}
	if (len > KB_QUOTE_MAX) {
		ss_buf_adds(out, "...");
	}
	ss_buf_addc(out, '"');
}

/* Decimal digits only, at most 19 of them; -1 if not a plain number. */
static int
kb_parse_number(const char *s, size_t len, uint64_t *value)
{
	uint64_t	n = 0;
	size_t		i;

	if (len == 0 || len > 19) {
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return (-1);
		}
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	*value = n;
	return (0);
}

/* A value with one decimal, ".0" dropped: 600, 9.5. */
static void
kb_add_decimal(struct ss_buf *out, double v)
{
	char	tmp[64];
	size_t	len;

	snprintf(tmp, sizeof(tmp), "%.1f", v);
	len = strlen(tmp);
	if (len > 2 && strcmp(tmp + len - 2, ".0") == 0) {
		tmp[len - 2] = '\0';
	}
	ss_buf_adds(out, tmp);
}

/* Octets in the largest fitting binary unit: "600 MiB", "512 KiB". */
static void
kb_add_octets(struct ss_buf *out, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double	v = (double)n;
	size_t	u;

	if (n < 1024) {
		ss_buf_printf(out, "%llu octets", (unsigned long long)n);
		return;
	}
	for (u = 0; u + 1 < SS_NITEMS(units) && v >= 1024.0 * 1024.0; u++) {
		v /= 1024.0;
	}
	kb_add_decimal(out, v / 1024.0);
	ss_buf_printf(out, " %s", units[u]);
}

/* Seconds in the largest fitting unit: "1 day", "1.5 hours". */
static void
kb_add_duration(struct ss_buf *out, uint64_t secs)
{
	static const struct {
		uint64_t	 size;
		const char	*one, *many;
	} units[] = {
		{ 86400, "day", "days" }, { 3600, "hour", "hours" },
		{ 60, "minute", "minutes" }, { 1, "second", "seconds" },
	};
	size_t	u;
	double	v;

	for (u = 0; u + 1 < SS_NITEMS(units) && secs < units[u].size; u++) {
		continue;
	}
	v = (double)secs / (double)units[u].size;
	kb_add_decimal(out, v);
	ss_buf_printf(out, " %s", v == 1.0 ? units[u].one : units[u].many);
}

/* Note words after the ones a decoder understood. */
static void
kb_add_extra(struct ss_buf *out, const char *rest)
{
	const char	*w;
	size_t		 len;

	if ((len = kb_next_word(&rest, &w)) > 0) {
		ss_buf_adds(out, "; unexpected extra parameter ");
		kb_add_quoted(out, w, len);
	}
}

/* SIZE: octets, 0 or nothing meaning no fixed limit (RFC 1870). */
static void
kb_describe_size(const char *params, struct ss_buf *out)
{
	const char	*w;
	size_t		 len;
	uint64_t	 n;

	if ((len = kb_next_word(&params, &w)) == 0) {
		ss_buf_adds(out, "no fixed limit announced");
		return;
	}
	if (kb_parse_number(w, len, &n) != 0) {
		ss_buf_adds(out, "malformed size ");
		kb_add_quoted(out, w, len);
		ss_buf_adds(out, " (expected a number of octets)");
	} else if (n == 0) {
		ss_buf_adds(out, "no fixed limit (0 means none)");
	} else {
		ss_buf_adds(out, "limit ");
		kb_add_octets(out, n);
		if (n >= 1024) {
			ss_buf_printf(out, " (%llu octets)",
			    (unsigned long long)n);
		}
	}
	kb_add_extra(out, params);
}

/* The safe-without-TLS verdict of a mechanism, in a few words. */
static const char *
kb_safety_phrase(const struct ss_kb_entry *mech)
{
	static const struct {
		const char	*verdict;
		const char	*phrase;
	} phrases[] = {
		{ "yes", "safe without TLS" },
		{ "no", "not safe without TLS" },
		{ "partial", "partly safe without TLS" },
		{ "n/a", "no credentials" },
	};
	size_t	i, len;

	for (i = 0; i < SS_NITEMS(phrases); i++) {
		len = strlen(phrases[i].verdict);
		if (strncmp(mech->safe, phrases[i].verdict, len) == 0 &&
		    (mech->safe[len] == ':' || mech->safe[len] == ' ' ||
		    mech->safe[len] == '\0')) {
			return (phrases[i].phrase);
		}
	}
	return ("safety unknown");
}

/* AUTH: each mechanism with whether it is safe over plaintext. */
static void
kb_describe_auth(const char *params, struct ss_buf *out)
{
	const struct ss_kb_entry	*m;
	const char			*w;
	char				 name[KB_TOKEN_MAX];
	size_t				 len, n = 0;

	while ((len = kb_next_word(&params, &w)) > 0) {
		ss_buf_adds(out, n++ == 0 ? "mechanisms: " : ", ");
		m = NULL;
		if (len < sizeof(name)) {
			memcpy(name, w, len);
			name[len] = '\0';
			m = ss_kb_mech(name);
		}
		if (m != NULL) {
			ss_buf_printf(out, "%s (%s)", m->token,
			    kb_safety_phrase(m));
		} else {
			kb_add_quoted(out, w, len);
			ss_buf_adds(out, " (unknown mechanism)");
		}
	}
	if (n == 0) {
		ss_buf_adds(out, "no mechanisms listed");
	}
}

/* DELIVERBY: the EHLO minimum by-time, or a BY=time;mode value. */
static void
kb_describe_deliverby(const char *params, struct ss_buf *out)
{
	const char	*w, *semi, *m;
	size_t		 len, tlen;
	uint64_t	 secs;
	int		 neg;

	if ((len = kb_next_word(&params, &w)) == 0) {
		ss_buf_adds(out, "no minimum deadline stated");
		return;
	}
	semi = memchr(w, ';', len);
	tlen = semi != NULL ? (size_t)(semi - w) : len;
	neg = tlen > 0 && w[0] == '-';
	if (kb_parse_number(w + neg, tlen - neg, &secs) != 0) {
		ss_buf_adds(out, "malformed deliver-by time ");
		kb_add_quoted(out, w, len);
		return;
	}
	ss_buf_adds(out, semi == NULL ? "shortest deadline accepted: " :
	    neg ? "deadline passed " : "deliver within ");
	ss_buf_printf(out, "%llu seconds (", (unsigned long long)secs);
	kb_add_duration(out, secs);
	ss_buf_adds(out, neg ? ") ago" : ")");
	for (m = semi != NULL ? semi + 1 : w + len; m < w + len; m++) {
		if (*m == 'R' || *m == 'r') {
			ss_buf_adds(out, "; if late, return the message");
		} else if (*m == 'N' || *m == 'n') {
			ss_buf_adds(out, "; if late, notify the sender "
			    "and keep trying");
		} else if (*m == 'T' || *m == 't') {
			ss_buf_adds(out, "; trace requested");
		} else {
			ss_buf_adds(out, "; unknown mode letter");
		}
	}
	kb_add_extra(out, params);
}

/* Look a word up in a NULL-terminated name/meaning table. */
static const char *
kb_word_meaning(const char *const (*table)[2], const char *w, size_t len)
{
	size_t	i;

	for (i = 0; table[i][0] != NULL; i++) {
		if (strlen(table[i][0]) == len &&
		    ss_strncasecmp(table[i][0], w, len) == 0) {
			return (table[i][1]);
		}
	}
	return (NULL);
}

/* MT-PRIORITY: the priority assignment policy named (RFC 6710). */
static void
kb_describe_priority(const char *params, struct ss_buf *out)
{
	static const char *const policies[][2] = {
		{ "MIXER", "the MIXER/X.400 priorities non-urgent, normal "
		    "and urgent" },
		{ "STANAG4406", "the NATO STANAG 4406 military precedence "
		    "levels" },
		{ "NSEP", "US National Security and Emergency Preparedness "
		    "priorities" },
		{ NULL, NULL }
	};
	const char	*w, *meaning;
	size_t		 len;

	if ((len = kb_next_word(&params, &w)) == 0) {
		ss_buf_adds(out, "priorities -9 to 9; no policy named");
		return;
	}
	ss_buf_adds(out, "priorities -9 to 9 under policy ");
	if ((meaning = kb_word_meaning(policies, w, len)) != NULL) {
		ss_buf_printf(out, "%.*s (%s)", (int)len, w, meaning);
	} else {
		kb_add_quoted(out, w, len);
		ss_buf_adds(out, " (not a policy smtpscope knows)");
	}
	kb_add_extra(out, params);
}

/* LIMITS: NAME=number pairs (RFC 9422); unknown names kept verbatim. */
static void
kb_describe_limits(const char *params, struct ss_buf *out)
{
	static const char *const limits[][2] = {
		{ "RCPTMAX", "recipients per message" },
		{ "MAILMAX", "messages per connection" },
		{ "RCPTDOMAINMAX", "recipient domains per message" },
		{ NULL, NULL }
	};
	const char	*w, *eq, *meaning;
	size_t		 len, n = 0;
	uint64_t	 v;

	while ((len = kb_next_word(&params, &w)) > 0) {
		if (n++ > 0) {
			ss_buf_adds(out, "; ");
		}
		eq = memchr(w, '=', len);
		meaning = eq == NULL ? NULL :
		    kb_word_meaning(limits, w, (size_t)(eq - w));
		if (meaning != NULL && kb_parse_number(eq + 1,
		    len - (size_t)(eq + 1 - w), &v) == 0) {
			ss_buf_printf(out, "at most %llu %s",
			    (unsigned long long)v, meaning);
			continue;
		}
		kb_add_quoted(out, w, len);
		ss_buf_adds(out, meaning != NULL ? " (malformed value)" :
		    " (limit not known to smtpscope)");
	}
	if (n == 0) {
		ss_buf_adds(out, "no limits stated");
	}
}

/* A list of attribute names, each explained from a table. */
static void
kb_describe_attrs(const char *params, const char *const (*table)[2],
    const char *lead, struct ss_buf *out)
{
	const char	*w, *meaning;
	size_t		 len, n = 0;

	while ((len = kb_next_word(&params, &w)) > 0) {
		ss_buf_adds(out, n++ == 0 ? lead : ", ");
		if ((meaning = kb_word_meaning(table, w, len)) != NULL) {
			ss_buf_printf(out, "%.*s (%s)", (int)len, w, meaning);
		} else {
			kb_add_quoted(out, w, len);
			ss_buf_adds(out, " (unknown attribute)");
		}
	}
	if (n == 0) {
		ss_buf_adds(out, "no attributes listed");
	}
}

/* XCLIENT: what a trusted proxy may override (Postfix). */
static void
kb_describe_xclient(const char *params, struct ss_buf *out)
{
	static const char *const attrs[][2] = {
		{ "NAME", "client host name" },
		{ "ADDR", "client IP address" },
		{ "PORT", "client port" },
		{ "PROTO", "SMTP or ESMTP" },
		{ "HELO", "HELO/EHLO name" },
		{ "LOGIN", "SASL login name" },
		{ "DESTADDR", "server address the client reached" },
		{ "DESTPORT", "server port the client reached" },
		{ NULL, NULL }
	};

	kb_describe_attrs(params, attrs, "a trusted client may set: ", out);
}

/* XFORWARD: what a trusted filter may pass on (Postfix). */
static void
kb_describe_xforward(const char *params, struct ss_buf *out)
{
	static const char *const attrs[][2] = {
		{ "NAME", "original client host name" },
		{ "ADDR", "original client IP address" },
		{ "PORT", "original client port" },
		{ "PROTO", "original protocol" },
		{ "HELO", "original HELO/EHLO name" },
		{ "IDENT", "original queue ID" },
		{ "SOURCE", "LOCAL or REMOTE origin" },
		{ NULL, NULL }
	};

	kb_describe_attrs(params, attrs, "a trusted filter may forward: ",
	    out);
}

/* FUTURERELEASE: longest hold in seconds, latest release date. */
static void
kb_describe_futurerelease(const char *params, struct ss_buf *out)
{
	const char	*w;
	size_t		 len;
	uint64_t	 secs;

	if ((len = kb_next_word(&params, &w)) == 0 ||
	    kb_parse_number(w, len, &secs) != 0) {
		ss_buf_adds(out, "hold limits missing or malformed");
		return;
	}
	ss_buf_printf(out, "messages may be held up to %llu seconds (",
	    (unsigned long long)secs);
	kb_add_duration(out, secs);
	ss_buf_adds(out, ")");
	if ((len = kb_next_word(&params, &w)) > 0) {
		ss_buf_adds(out, ", until at most ");
		kb_add_quoted(out, w, len);
	}
}

/* Keywords defined without parameters: only stray ones are worth words. */
static void
kb_describe_none(const char *params, struct ss_buf *out)
{
	const char	*w;
	size_t		 len;

	if ((len = kb_next_word(&params, &w)) > 0) {
		ss_buf_adds(out, "takes no parameters; got ");
		kb_add_quoted(out, w, len);
	}
}

static const struct {
	const char	*keyword;
	void		(*describe)(const char *, struct ss_buf *);
} kb_decoders[] = {
	{ "SIZE", kb_describe_size },
	{ "AUTH", kb_describe_auth },
	{ "AUTH=", kb_describe_auth },
	{ "X-EXPS", kb_describe_auth },
	{ "DELIVERBY", kb_describe_deliverby },
	{ "MT-PRIORITY", kb_describe_priority },
	{ "LIMITS", kb_describe_limits },
	{ "XCLIENT", kb_describe_xclient },
	{ "XFORWARD", kb_describe_xforward },
	{ "FUTURERELEASE", kb_describe_futurerelease },
	{ "8BITMIME", kb_describe_none },
	{ "BINARYMIME", kb_describe_none },
	{ "CHUNKING", kb_describe_none },
	{ "DSN", kb_describe_none },
	{ "ENHANCEDSTATUSCODES", kb_describe_none },
	{ "PIPELINING", kb_describe_none },
	{ "REQUIRETLS", kb_describe_none },
	{ "SMTPUTF8", kb_describe_none },
	{ "STARTTLS", kb_describe_none },
	{ "ETRN", kb_describe_none },
	{ "RRVS", kb_describe_none },
	{ "PRDR", kb_describe_none },
};

/* Decode a keyword's parameters in words, appending to out. */
void
ss_kb_describe_params(const char *keyword, const char *params,
    struct ss_buf *out)
{
	size_t	i;

	if (keyword == NULL) {
		return;
	}
	if (params == NULL) {
		params = "";
	}
	for (i = 0; i < SS_NITEMS(kb_decoders); i++) {
		if (ss_strcasecmp(kb_decoders[i].keyword, keyword) == 0) {
			kb_decoders[i].describe(params, out);
			return;
		}
	}
}

/*
 * Provider replies and OAuth statuses.
 */

/* Does text contain fragment, compared without regard to ASCII case? */
static int
kb_contains(const char *text, const char *fragment)
{
	size_t	n = strlen(fragment);

	for (; *text != '\0'; text++) {
		if (ss_strncasecmp(text, fragment, n) == 0) {
			return (1);
		}
	}
	return (0);
}

/* The first provider row the reply matches, or NULL. */
const struct ss_kb_provider *
ss_kb_provider_match(int code, const char *enhanced, const char *text)
{
	const struct ss_kb_provider	*p;
	size_t				 i;

	if (text == NULL) {
		text = "";
	}
	for (i = 0; i < SS_NITEMS(kb_providers); i++) {
		p = &kb_providers[i];
		if ((p->code != 0 && p->code != code) ||
		    (p->enhanced != NULL && (enhanced == NULL ||
		    strcmp(p->enhanced, enhanced) != 0)) ||
		    (p->fragment != NULL && !kb_contains(text, p->fragment))) {
			continue;
		}
		return (p);
	}
	return (NULL);
}

/* Number of provider rows. */
size_t
ss_kb_provider_count(void)
{
	return (SS_NITEMS(kb_providers));
}

/* Provider row i, or NULL past the end. */
const struct ss_kb_provider *
ss_kb_provider_at(size_t i)
{
	return (i < SS_NITEMS(kb_providers) ? &kb_providers[i] : NULL);
}

/* What an OAuth error status means, or NULL. */
const struct ss_kb_oauth_status *
ss_kb_oauth_status(const char *status)
{
	size_t	i;

	if (status == NULL) {
		return (NULL);
	}
	for (i = 0; i < SS_NITEMS(kb_oauth_statuses); i++) {
		if (ss_strcasecmp(kb_oauth_statuses[i].status, status) == 0) {
			return (&kb_oauth_statuses[i]);
		}
	}
	return (NULL);
}

/* Number of OAuth statuses known. */
size_t
ss_kb_oauth_status_count(void)
{
	return (SS_NITEMS(kb_oauth_statuses));
}

/* OAuth status i, or NULL past the end. */
const struct ss_kb_oauth_status *
ss_kb_oauth_status_at(size_t i)
{
	return (i < SS_NITEMS(kb_oauth_statuses) ? &kb_oauth_statuses[i] :
	    NULL);
}
