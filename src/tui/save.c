/*
 * save.c: w saves the session, live or replayed, in the native format
 * (ss_store_save: atomic, mode 0600, no secret in it since secrets were
 * redacted when captured).  The prompt offers a name made of the host and
 * the time, which the user may edit; the status line says where the file
 * went, or why it could not be written.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpscope/store.h"
#include "smtpscope/util.h"

#include "tui-int.h"

#define SAVE_HOST_MAX	64	/* bytes of the host kept in the name */

/* The host for the name: the configuration's, else the session file's. */
static const char *
save_host(const struct tui *t)
{
	const char	*h = NULL;

	if (t->cfg != NULL && t->cfg->host != NULL) {
		h = t->cfg->host;
	}
	if ((h == NULL || *h == '\0') && t->transcript != NULL) {
		h = ss_transcript_meta(t->transcript, "host");
	}
	return h != NULL && *h != '\0' ? h : "session";
}

/* smtpscope-HOST-YYYYMMDD-HHMM.smtpscope, with only safe characters of
 * the host kept (a name from a file must not climb directories). */
void
tui_save_default_name(const struct tui *t, time_t now, char *out, size_t sz)
{
	const char	*h = save_host(t);
	char		 host[SAVE_HOST_MAX + 1], when[32];
	struct tm	 tm;
	size_t		 i, n = 0;

	for (i = 0; h[i] != '\0' && n < SAVE_HOST_MAX; i++) {
		if ((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' &&
		    h[i] <= 'Z') || (h[i] >= '0' && h[i] <= '9') ||
		    h[i] == '-' || h[i] == '_' || (h[i] == '.' && n > 0)) {
			host[n++] = h[i];
		} else if (h[i] == ':' && n > 0) {
			host[n++] = '_';
		}
	}
	host[n] = '\0';
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%d-%H%M", &tm);
	snprintf(out, sz, "smtpscope-%s-%s.smtpscope", n > 0 ? host :
	    "session", when);
}

/* Open the prompt with the default name. */
void
tui_save_prompt(struct tui *t)
{
	char	name[256];

	if (t->transcript == NULL || ss_transcript_count(t->transcript) == 0) {
		tui_set_status(t, TUI_ROLE_WARNING, "nothing to save yet");
		return;
	}
	tui_save_default_name(t, time(NULL), name, sizeof name);
	tui_prompt_open(t, TUI_PROMPT_SAVE, "save as:", name, 0);
}

/* Save the whole transcript (a replay saves all of it, not the prefix)
 * and say where it went. */
void
tui_save_to(struct tui *t, const char *path)
{
	const struct ss_transcript	*tr = t->replay.active ?
					    t->replay.transcript : t->transcript;
	char				*err = NULL, *full;

	if (tr == NULL) {
		tui_set_status(t, TUI_ROLE_WARNING, "nothing to save yet");
		return;
	}
	if (ss_store_save(tr, path, &err) != 0) {
		tui_set_status(t, TUI_ROLE_ERROR, "not saved: %s",
		    err != NULL ? err : path);
		free(err);
		return;
	}
	full = realpath(path, NULL);
	/* The path first: on a narrow terminal the rest may be cut. */
	tui_set_status(t, TUI_ROLE_OK, "saved to %s (mode 0600, %zu events; "
	    "smtpscope --replay FILE opens it)", full != NULL ? full : path,
	    ss_transcript_count(tr));
	free(full);
}
