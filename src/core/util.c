/*
 * util.c: allocation that cannot fail, bounded string copies, secret
 * wiping, the monotonic clock, a growable buffer and base64.
 *
 * This is the one file of the core allowed to print: when memory runs out
 * there is nobody left to return an error to.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpscope/util.h"

#define SS_BUF_MIN	64

/* Report an allocation failure and stop: the caller cannot recover. */
static void __attribute__((noreturn))
xfatal(const char *what, size_t n)
{
	fprintf(stderr, "smtpscope: %s: out of memory (%zu bytes)\n", what, n);
	abort();
}

/* malloc that never returns NULL; a zero size still gives a pointer. */
void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		xfatal("xmalloc", size);
	return p;
}

/* calloc that never returns NULL and checks the product. */
void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0) {
		nmemb = 1;
		size = 1;
	}
	if (SIZE_MAX / nmemb < size)
		xfatal("xcalloc", SIZE_MAX);
	if ((p = calloc(nmemb, size)) == NULL)
		xfatal("xcalloc", nmemb * size);
	return p;
}

/* realloc of an array, checking the product for overflow. */
void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;
	size_t	 total;

	if (size != 0 && SIZE_MAX / size < nmemb)
		xfatal("xreallocarray", SIZE_MAX);
	total = nmemb * size;
	if (total == 0)
		total = 1;
	if ((p = realloc(ptr, total)) == NULL)
		xfatal("xreallocarray", total);
	return p;
}

/* strdup that never returns NULL. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Copy at most n bytes of s into a new NUL-terminated string. */
char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	if (len == SIZE_MAX)
		xfatal("xstrndup", len);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* asprintf that never fails; returns the length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

/* vasprintf that never fails; returns the length. */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	va_list	 copy;
	int	 n;

	/* Said, not assumed: GCC's sanitizer builds otherwise warn of a
	 * "null format string" on a path they cannot rule out. */
	if (fmt == NULL)
		xfatal("xvasprintf (no format)", 0);
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		xfatal("xvasprintf (bad format)", 0);
	*ret = xmalloc((size_t)n + 1);
	if (vsnprintf(*ret, (size_t)n + 1, fmt, ap) != n)
		xfatal("xvasprintf", (size_t)n + 1);
	return n;
}

/* Copy src into dst of size bytes, always terminated; returns strlen(src). */
size_t
ss_strlcpy(char *dst, const char *src, size_t size)
{
	size_t	 len, n;

	len = strlen(src);
	if (size != 0) {
		n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* Append src to dst of size bytes; returns the length it tried to make. */
size_t
ss_strlcat(char *dst, const char *src, size_t size)
{
	size_t	 dlen;

	dlen = strnlen(dst, size);
	if (dlen == size)
		return size + strlen(src);
	return dlen + ss_strlcpy(dst + dlen, src, size - dlen);
}

/* Zero memory that held a secret; explicit_bzero is never optimised out. */
void
ss_wipe(void *p, size_t len)
{
	if (p != NULL && len != 0)
		explicit_bzero(p, len);
}

/* Wipe and free a NUL-terminated secret. */
void
ss_free_secret(char *s)
{
	if (s == NULL)
		return;
	ss_wipe(s, strlen(s));
	free(s);
}

/* Microseconds on a clock that never jumps with the wall time. */
uint64_t
ss_now_us(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Start an empty buffer; data is a valid empty string straight away. */
void
ss_buf_init(struct ss_buf *b)
{
	b->cap = SS_BUF_MIN;
	b->data = xmalloc(b->cap);
	b->data[0] = '\0';
	b->len = 0;
}

/* Free the buffer's bytes; the buffer may be initialised again. */
void
ss_buf_finish(struct ss_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Empty the buffer but keep its storage. */
void
ss_buf_reset(struct ss_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for more bytes plus the terminating NUL, doubling. */
static void
ss_buf_reserve(struct ss_buf *b, size_t more)
{
	size_t	 need, cap;

	if (SIZE_MAX - b->len < more + 1)
		xfatal("ss_buf", SIZE_MAX);
	need = b->len + more + 1;
	if (b->data != NULL && need <= b->cap)
		return;
	cap = b->cap < SS_BUF_MIN ? SS_BUF_MIN : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
}

/* Append len bytes (which may include NULs). */
void
ss_buf_add(struct ss_buf *b, const void *p, size_t len)
{
	ss_buf_reserve(b, len);
	if (len != 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

/* Append one byte. */
void
ss_buf_addc(struct ss_buf *b, char c)
{
	ss_buf_add(b, &c, 1);
}

/* Append a NUL-terminated string. */
void
ss_buf_adds(struct ss_buf *b, const char *s)
{
	ss_buf_add(b, s, strlen(s));
}

/* Append printf-formatted text, formatting in place when it fits. */
void
ss_buf_printf(struct ss_buf *b, const char *fmt, ...)
{
	va_list	 ap, copy;
	size_t	 avail;
	int	 n;

	ss_buf_reserve(b, 0);
	avail = b->cap - b->len;
	va_start(ap, fmt);
	va_copy(copy, ap);
	n = vsnprintf(b->data + b->len, avail, fmt, ap);
	va_end(ap);
	if (n < 0)
		xfatal("ss_buf_printf (bad format)", 0);
	if ((size_t)n >= avail) {
		ss_buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, copy);
	}
	va_end(copy);
	b->len += (size_t)n;
}

/*
 * Give the bytes to the caller.  The buffer is left holding nothing (as
 * after ss_buf_finish), so a caller that is done with it owes no further
 * call, and one that goes on adding may: the next add allocates afresh.
 */
char *
ss_buf_steal(struct ss_buf *b)
{
	char	*p;

	if (b->data == NULL)
		return xstrdup("");
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* Fold one ASCII letter to lower case, leaving every other byte alone. */
static int
ss_ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Compare two strings ignoring ASCII case, whatever the locale says. */
int
ss_strcasecmp(const char *a, const char *b)
{
	return ss_strncasecmp(a, b, SIZE_MAX);
}

/* Compare at most n bytes ignoring ASCII case. */
int
ss_strncasecmp(const char *a, const char *b, size_t n)
{
	int	 ca, cb;

	for (; n != 0; n--, a++, b++) {
		ca = ss_ascii_lower((unsigned char)*a);
		cb = ss_ascii_lower((unsigned char)*b);
		if (ca != cb || ca == 0)
			return ca - cb;
	}
	return 0;
}

/* The value of an ASCII hex digit, -1 if c is none. */
int
ss_hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static const char ss_b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encode bytes as base64 with padding, appended to the buffer. */
void
ss_base64_encode(struct ss_buf *b, const void *src, size_t len)
{
	const unsigned char	*p = src;
	char			 out[4];
	uint32_t		 v;
	size_t			 i;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[0] = ss_b64_alphabet[(v >> 18) & 0x3f];
		out[1] = ss_b64_alphabet[(v >> 12) & 0x3f];
		out[2] = i + 1 < len ? ss_b64_alphabet[(v >> 6) & 0x3f] : '=';
		out[3] = i + 2 < len ? ss_b64_alphabet[v & 0x3f] : '=';
		ss_buf_add(b, out, sizeof out);
	}
}

/*
 * Value of each base64 character plus one, 0 for a byte outside the
 * alphabet: a table, since trust bundles decode a quarter megabyte of it.
 */
static const unsigned char ss_b64_values[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26,
	['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
	['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38,
	['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44,
	['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
	['y'] = 51, ['z'] = 52,
	['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58,
	['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

/*
 * Decode one group of four characters; pads says how many '=' end it.
 * Returns the bytes produced (1-3) or -1.  Unused low bits must be zero so
 * that every byte string has exactly one accepted encoding.
 */
static int
ss_b64_group(const char *s, int last, unsigned char out[3])
{
	uint32_t	 v = 0;
	int		 i, pads = 0, d;

	for (i = 0; i < 4; i++) {
		if (s[i] == '=' && last && i >= 2) {
			pads++;
			v <<= 6;
			continue;
		}
		d = ss_b64_values[(unsigned char)s[i]] - 1;
		if (pads != 0 || d < 0)
			return -1;
		v = (v << 6) | (uint32_t)d;
	}
	if ((pads == 1 && (v & 0xff) != 0) || (pads == 2 && (v & 0xffff) != 0))
		return -1;
	out[0] = v >> 16;
	out[1] = (v >> 8) & 0xff;
	out[2] = v & 0xff;
	return 3 - pads;
}

/* A group of four alphabet characters, no padding: 0, or -1. */
static inline int
ss_b64_plain_group(const char *s, unsigned char out[3])
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned int		 d0 = ss_b64_values[u[0]], d1 = ss_b64_values[u[1]];
	unsigned int		 d2 = ss_b64_values[u[2]], d3 = ss_b64_values[u[3]];
	uint32_t		 v;

	if (d0 == 0 || d1 == 0 || d2 == 0 || d3 == 0)
		return -1;
	v = (d0 - 1) << 18 | (d1 - 1) << 12 | (d2 - 1) << 6 | (d3 - 1);
	out[0] = v >> 16;
	out[1] = (v >> 8) & 0xff;
	out[2] = v & 0xff;
	return 0;
}

/*
 * Strict RFC 4648 decoding: padding required, no whitespace, no junk.
 * The room is made once and the groups decode into it.
 */
int
ss_base64_decode(struct ss_buf *b, const char *src, size_t len)
{
	size_t		 start = b->len, i;
	int		 n;

	if (len % 4 != 0)
		return -1;
	ss_buf_reserve(b, len / 4 * 3);
	/* Every group but the last has no padding: decode those straight
	 * (a trust bundle is a quarter megabyte of them), the last one with
	 * the padding rules. */
	for (i = 0; i + 4 < len; i += 4) {
		if (ss_b64_plain_group(src + i,
		    (unsigned char *)b->data + b->len) == -1) {
			b->len = start;
			b->data[start] = '\0';
			return -1;
		}
		b->len += 3;
	}
	for (; i < len; i += 4) {
		n = ss_b64_group(src + i, i + 4 == len,
		    (unsigned char *)b->data + b->len);
		if (n < 0) {
			b->len = start;
			b->data[start] = '\0';
			return -1;
		}
		b->len += (size_t)n;
	}
	b->data[b->len] = '\0';
	return 0;
}
