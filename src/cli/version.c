/*
 * version.c: what --version says, in the spirit of curl -V: the program's
 * version and the versions of the libraries it runs on, as linked (not as
 * compiled).  Cheap: no library is initialised just to print.
 */
#include <curses.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "smtpscope/tls.h"

/* "6.4" from curses_version()'s "ncurses 6.4.20221231". */
const char *
cli_curses_version(void)
{
	static char	 version[32];
	const char	*v = curses_version(), *p;
	size_t		 len;

	if ((p = strchr(v, ' ')) != NULL) {
		v = p + 1;
	}
	/* Major and minor only: the patch date is not a version people
	 * compare. */
	len = strcspn(v, ".");
	if (v[len] == '.') {
		len += 1 + strcspn(v + len + 1, ".");
	}
	if (len >= sizeof(version)) {
		len = sizeof(version) - 1;
	}
	memcpy(version, v, len);
	version[len] = '\0';
	return version;
}

/* One line: smtpscope 0.2.0 (mbedTLS 3.6.6, ncurses 6.4, jansson 2.14). */
void
cli_version_print(FILE *f)
{
	fprintf(f, "smtpscope %s (mbedTLS %s, ncurses %s, jansson %s)\n",
	    SMTPSCOPE_VERSION, ss_tls_library_version(), cli_curses_version(),
	    jansson_version_str());
}
