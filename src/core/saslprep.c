/*
 * saslprep.c: SASLprep (RFC 4013), the stringprep (RFC 3454) profile SCRAM
 * applies to user names and passwords before hashing them (RFC 5802 2.2).
 *
 * Printable ASCII is its own SASLprep result, so it takes a fast path.
 * Anything else goes to GNU libidn's stringprep_profile("SASLprep"): the
 * profile needs the mapping tables B.1 and C.1.2, NFKC normalisation of
 * Unicode 3.2, and the prohibited-output and bidi checks, and libidn (a
 * long-kept Debian package) carries all of them; doc/auth.md says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stringprep.h>

#include "smtpscope/sasl.h"
#include "smtpscope/text.h"
#include "smtpscope/util.h"

/* Printable ASCII only (0x20 to 0x7E)? */
static int
saslprep_is_ascii(const char *in)
{
	for (; *in != '\0'; in++) {
		if ((unsigned char)*in < 0x20 || (unsigned char)*in > 0x7e)
			return 0;
	}
	return 1;
}

/* Is the whole string strict UTF-8? */
static int
saslprep_is_utf8(const char *in)
{
	size_t		 len = strlen(in), n;
	uint32_t	 cp;

	while (len > 0) {
		if ((n = ss_text_utf8_decode(in, len, &cp)) == 0)
			return 0;
		in += n;
		len -= n;
	}
	return 1;
}

/* SASLprep of a password (query) or an identity (stored string). */
int
ss_saslprep(const char *in, int stored, char **out, char **err)
{
	char	*prepped = NULL;
	int	 rc;

	*out = NULL;
	*err = NULL;
	if (saslprep_is_ascii(in)) {
		*out = xstrdup(in);
		return 0;
	}
	if (!saslprep_is_utf8(in)) {
		*err = xstrdup("it is not valid UTF-8, and SCRAM hashes the "
		    "UTF-8 form (RFC 5802 2.2)");
		return -1;
	}
	rc = stringprep_profile(in, &prepped, "SASLprep",
	    stored ? STRINGPREP_NO_UNASSIGNED : 0);
	if (rc != STRINGPREP_OK) {
		xasprintf(err, "SASLprep (RFC 4013) refuses it: %s",
		    stringprep_strerror((Stringprep_rc)rc));
		free(prepped);
		return -1;
	}
	if (*prepped == '\0') {
		free(prepped);
		*err = xstrdup("SASLprep (RFC 4013) leaves nothing of it");
		return -1;
	}
	*out = xstrdup(prepped);
	ss_wipe(prepped, strlen(prepped));
	free(prepped);
	return 0;
}
