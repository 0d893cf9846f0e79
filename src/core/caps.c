/*
 * caps.c: one decoder for EHLO replies and the comparison of two phases.
 *
 * Each line after the greeting is "keyword [SP param]*" (RFC 5321 4.1.1.1).
 * Keywords are folded to upper case so lookups never depend on how a server
 * spells them; parameters stay verbatim because they are evidence.  The old
 * "AUTH=MECH ..." form some clients needed (pre-RFC 2554 drafts) becomes an
 * AUTH entry flagged SS_CAP_LEGACY_AUTH rather than an unknown keyword.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/caps.h"
#include "smtpscope/reply.h"
#include "smtpscope/util.h"

#define SS_CAP_LEGACY_PREFIX	"AUTH="

const char *const ss_cap_change_names[SS_CAP_CHANGE_LAST] = {
	"same",
	"changed",
	"added",
	"removed",
};
_Static_assert(SS_NITEMS(ss_cap_change_names) == SS_CAP_CHANGE_LAST,
    "ss_cap_change_names must name every change");

/* Is c allowed in an ehlo-keyword (ALPHA / DIGIT / "-")? */
static int
ss_caps_keyword_char(unsigned char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return !first && c == '-';
}

/* Does the keyword follow the grammar? */
static int
ss_caps_keyword_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!ss_caps_keyword_char((unsigned char)s[i], i == 0))
			return 0;
	}
	return 1;
}

/* Are the parameters single-space separated runs of %d33-126? */
static int
ss_caps_params_ok(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ') {
			if (i == 0 || i + 1 == len || s[i + 1] == ' ')
				return 0;
		} else if ((unsigned char)s[i] < 33 ||
		    (unsigned char)s[i] > 126)
			return 0;
	}
	return 1;
}

/* Copy len bytes as a string, upper-casing ASCII letters. */
static char *
ss_caps_upper(const char *s, size_t len)
{
	char	*p;
	size_t	 i;

	p = xstrndup(s, len);
	for (i = 0; p[i] != '\0'; i++) {
		if (p[i] >= 'a' && p[i] <= 'z')
			p[i] = p[i] - 'a' + 'A';
	}
	return p;
}

/* Split params on spaces into cap->words, skipping empty words. */
static void
ss_caps_split(struct ss_cap *cap)
{
	const char	*s = cap->params, *end;
	size_t		 n;

	cap->words = NULL;
	cap->nwords = 0;
	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		end = strchr(s, ' ');
		n = end != NULL ? (size_t)(end - s) : strlen(s);
		cap->words = xreallocarray(cap->words, cap->nwords + 1,
		    sizeof *cap->words);
		cap->words[cap->nwords++] = xstrndup(s, n);
		s += n;
	}
}

/*
 * SIZE (RFC 1870): no parameter means no fixed limit; otherwise digits
 * only, and a value past 2^64-1 is refused rather than wrapped.
 */
static void
ss_caps_parse_size(struct ss_cap *cap)
{
	const char	*s = cap->params;
	uint64_t	 v = 0;
	unsigned	 d;

	if (*s == '\0') {
		cap->has_size = 1;
		cap->size = 0;
		return;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			break;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			break;
		v = v * 10 + d;
	}
	if (*s != '\0') {
		cap->flags |= SS_CAP_SIZE_BAD;
		return;
	}
	cap->has_size = 1;
	cap->size = v;
}

/* Fill cap from one line's text (keyword, params and flags). */
static void
ss_caps_decode_line(struct ss_cap *cap, const char *text, size_t len)
{
	size_t		 klen, plen = 0, skip = 0;
	const char	*params = "";

	memset(cap, 0, sizeof *cap);
	for (klen = 0; klen < len && text[klen] != ' '; klen++)
		;
	if (klen > 5 && ss_strncasecmp(text, SS_CAP_LEGACY_PREFIX, 5) == 0) {
		cap->flags |= SS_CAP_LEGACY_AUTH;
		skip = 5;
		params = text + skip;
		plen = len - skip;
		klen = 4;
	} else if (klen < len) {
		params = text + klen + 1;
		plen = len - klen - 1;
	}
	if (!ss_caps_keyword_ok(text, klen) || !ss_caps_params_ok(params, plen))
		cap->flags |= SS_CAP_BAD_SYNTAX;
	cap->keyword = ss_caps_upper(text, klen);
	cap->params = xstrndup(params, plen);
	ss_caps_split(cap);
	if (strcmp(cap->keyword, "SIZE") == 0)
		ss_caps_parse_size(cap);
}

/* Has the same keyword in the same form appeared before index n? */
static int
ss_caps_seen(const struct ss_caps *caps, size_t n, const struct ss_cap *cap)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(caps->caps[i].keyword, cap->keyword) == 0 &&
		    (caps->caps[i].flags & SS_CAP_LEGACY_AUTH) ==
		    (cap->flags & SS_CAP_LEGACY_AUTH))
			return 1;
	}
	return 0;
}

/* Decode a 250 EHLO reply; the first line is the greeting. */
struct ss_caps *
ss_caps_from_reply(const struct ss_reply *r)
{
	const struct ss_reply_line	*l;
	struct ss_caps			*caps;
	struct ss_cap			*cap;
	size_t				 i, tlen;

	if (r == NULL || r->code != 250 || r->nlines == 0)
		return NULL;
	caps = xcalloc(1, sizeof *caps);
	l = &r->lines[0];
	caps->greeting = xstrndup(l->text, l->len - (size_t)(l->text - l->raw));
	caps->caps = xreallocarray(NULL, r->nlines, sizeof *caps->caps);
	for (i = 1; i < r->nlines; i++) {
		l = &r->lines[i];
		tlen = l->len - (size_t)(l->text - l->raw);
		if (tlen == 0) {
			caps->nempty++;	/* reported, not dropped silently */
			continue;
		}
		cap = &caps->caps[caps->ncaps];
		ss_caps_decode_line(cap, l->text, tlen);
		if (ss_caps_seen(caps, caps->ncaps, cap))
			cap->flags |= SS_CAP_DUPLICATE;
		caps->ncaps++;
	}
	return caps;
}

/* Deep copy of one entry. */
static void
ss_cap_copy(struct ss_cap *dst, const struct ss_cap *src)
{
	size_t	 i;

	*dst = *src;
	dst->keyword = xstrdup(src->keyword);
	dst->params = xstrdup(src->params);
	dst->words = xreallocarray(NULL, src->nwords, sizeof *dst->words);
	for (i = 0; i < src->nwords; i++)
		dst->words[i] = xstrdup(src->words[i]);
}

/* Deep copy of a set; NULL gives NULL. */
struct ss_caps *
ss_caps_copy(const struct ss_caps *src)
{
	struct ss_caps	*dst;
	size_t		 i;

	if (src == NULL)
		return NULL;
	dst = xcalloc(1, sizeof *dst);
	dst->greeting = xstrdup(src->greeting);
	dst->nempty = src->nempty;
	dst->caps = xreallocarray(NULL, src->ncaps, sizeof *dst->caps);
	for (i = 0; i < src->ncaps; i++)
		ss_cap_copy(&dst->caps[i], &src->caps[i]);
	dst->ncaps = src->ncaps;
	return dst;
}

/* Free a set and everything in it; NULL is a no-op. */
void
ss_caps_free(struct ss_caps *caps)
{
	size_t	 i, j;

	if (caps == NULL)
		return;
	for (i = 0; i < caps->ncaps; i++) {
		for (j = 0; j < caps->caps[i].nwords; j++)
			free(caps->caps[i].words[j]);
		free(caps->caps[i].words);
		free(caps->caps[i].keyword);
		free(caps->caps[i].params);
	}
	free(caps->caps);
	free(caps->greeting);
	free(caps);
}

/* First entry with this keyword, the standard form before the legacy one. */
const struct ss_cap *
ss_caps_find(const struct ss_caps *caps, const char *keyword)
{
	const struct ss_cap	*legacy = NULL;
	size_t			 i;

	if (caps == NULL)
		return NULL;
	for (i = 0; i < caps->ncaps; i++) {
		if (ss_strcasecmp(caps->caps[i].keyword, keyword) != 0)
			continue;
		if (!(caps->caps[i].flags & SS_CAP_LEGACY_AUTH))
			return &caps->caps[i];
		if (legacy == NULL)
			legacy = &caps->caps[i];
	}
	return legacy;
}

/* Is the keyword advertised? */
int
ss_caps_has(const struct ss_caps *caps, const char *keyword)
{
	return ss_caps_find(caps, keyword) != NULL;
}

/* Is a SASL mechanism listed in any AUTH line, either form? */
int
ss_caps_has_auth(const struct ss_caps *caps, const char *mech)
{
	size_t	 i, j;

	if (caps == NULL)
		return 0;
	for (i = 0; i < caps->ncaps; i++) {
		if (strcmp(caps->caps[i].keyword, "AUTH") != 0)
			continue;
		for (j = 0; j < caps->caps[i].nwords; j++) {
			if (ss_strcasecmp(caps->caps[i].words[j], mech) == 0)
				return 1;
		}
	}
	return 0;
}

/* Is every word of a also a word of b, ignoring case? */
static int
ss_cap_words_within(const struct ss_cap *a, const struct ss_cap *b)
{
	size_t	 i, j;

	for (i = 0; i < a->nwords; i++) {
		for (j = 0; j < b->nwords; j++) {
			if (ss_strcasecmp(a->words[i], b->words[j]) == 0)
				break;
		}
		if (j == b->nwords)
			return 0;
	}
	return 1;
}

/*
 * Same parameters?  SIZE compares its value ("SIZE" and "SIZE 0" both mean
 * no limit); other keywords compare their words as sets, ignoring case and
 * order, so "AUTH PLAIN LOGIN" and "AUTH login plain" are the same.
 */
static int
ss_cap_same(const struct ss_cap *a, const struct ss_cap *b)
{
	if (a->has_size && b->has_size)
		return a->size == b->size;
	if (a->has_size != b->has_size)
		return 0;
	return a->nwords == b->nwords && ss_cap_words_within(a, b) &&
	    ss_cap_words_within(b, a);
}

/* Index of the first unmatched entry of the same keyword and form. */
static size_t
ss_caps_match(const struct ss_caps *set, const char *used,
    const struct ss_cap *cap)
{
	size_t	 i;

	for (i = 0; set != NULL && i < set->ncaps; i++) {
		if (!used[i] && strcmp(set->caps[i].keyword, cap->keyword) ==
		    0 && (set->caps[i].flags & SS_CAP_LEGACY_AUTH) ==
		    (cap->flags & SS_CAP_LEGACY_AUTH))
			return i;
	}
	return SIZE_MAX;
}

/* Compare two phases: the earlier set's order, then what only the later has. */
struct ss_cap_diff *
ss_caps_diff(const struct ss_caps *before, const struct ss_caps *after,
    size_t *n)
{
	struct ss_cap_diff	*rows, *row;
	char			*used;
	size_t			 nb, na, i, j;

	nb = before != NULL ? before->ncaps : 0;
	na = after != NULL ? after->ncaps : 0;
	*n = 0;
	if (nb + na == 0)
		return NULL;
	rows = xcalloc(nb + na, sizeof *rows);
	used = xcalloc(na + 1, 1);
	for (i = 0; i < nb; i++) {
		row = &rows[(*n)++];
		row->before = &before->caps[i];
		row->keyword = row->before->keyword;
		if ((j = ss_caps_match(after, used, row->before)) == SIZE_MAX) {
			row->change = SS_CAP_REMOVED;
			continue;
		}
		used[j] = 1;
		row->after = &after->caps[j];
		row->change = ss_cap_same(row->before, row->after) ?
		    SS_CAP_SAME : SS_CAP_CHANGED;
	}
	for (j = 0; j < na; j++) {
		if (used[j])
			continue;
		row = &rows[(*n)++];
		row->after = &after->caps[j];
		row->keyword = row->after->keyword;
		row->change = SS_CAP_ADDED;
	}
	free(used);
	return rows;
}
