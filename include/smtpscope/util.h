/*
 * util.h: small helpers shared by every layer of smtpscope.
 *
 * Allocation failure is not recoverable in an interactive tool: the x*
 * family aborts with a message instead of returning NULL, so callers never
 * check.  Everything else in the core reports errors by return value.
 */
#ifndef SMTPSCOPE_UTIL_H
#define SMTPSCOPE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define SS_NITEMS(a) (sizeof(a) / sizeof((a)[0]))

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list);

/* Copy with truncation, always NUL-terminated; returns strlen(src). */
size_t	 ss_strlcpy(char *, const char *, size_t);
size_t	 ss_strlcat(char *, const char *, size_t);

/* Wipe memory that held a secret (not optimised away). */
void	 ss_wipe(void *, size_t);
/* Wipe and free a NUL-terminated secret; NULL is a no-op. */
void	 ss_free_secret(char *);

/* Monotonic clock in microseconds. */
uint64_t ss_now_us(void);

/*
 * A growable byte buffer.  The buffer owns its bytes; ss_buf_finish frees
 * them.  data is always NUL-terminated (the NUL is not counted in len) so
 * text can be passed to string functions, but it may hold NULs of its own.
 */
struct ss_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 ss_buf_init(struct ss_buf *);
void	 ss_buf_finish(struct ss_buf *);
void	 ss_buf_reset(struct ss_buf *);
void	 ss_buf_add(struct ss_buf *, const void *, size_t);
void	 ss_buf_addc(struct ss_buf *, char);
void	 ss_buf_adds(struct ss_buf *, const char *);
void	 ss_buf_printf(struct ss_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Hand the bytes to the caller (who frees them); the buffer is left empty
 * and owns nothing, so no ss_buf_finish is owed (adding again is fine). */
char	*ss_buf_steal(struct ss_buf *);

/* Case-insensitive ASCII comparison, independent of locale. */
int	 ss_strcasecmp(const char *, const char *);
int	 ss_strncasecmp(const char *, const char *, size_t);

/* The value of an ASCII hex digit, -1 if c is none. */
int	 ss_hexval(char c);

/* Base64 (RFC 4648) encoding into a buffer, and decoding; decode returns
 * -1 on malformed input. */
void	 ss_base64_encode(struct ss_buf *, const void *, size_t);
int	 ss_base64_decode(struct ss_buf *, const char *, size_t);

#endif
