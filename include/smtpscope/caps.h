/*
 * caps.h: the capabilities a server advertises in its EHLO reply
 * (RFC 5321 4.1.1.1), decoded, and the difference between two phases.
 *
 * One decoder for every keyword: whole keywords matched case-insensitively,
 * the legacy "AUTH=" form understood and flagged, SIZE parsed with bounds,
 * duplicates flagged, unknown keywords kept verbatim.
 *
 * Ownership: a capability set owns its entries and their strings.
 */
#ifndef SMTPSCOPE_CAPS_H
#define SMTPSCOPE_CAPS_H

#include <stddef.h>
#include <stdint.h>

struct ss_reply;

#define SS_CAP_LEGACY_AUTH	0x01	/* came from "AUTH=..." */
#define SS_CAP_DUPLICATE	0x02	/* keyword seen earlier in the reply */
#define SS_CAP_BAD_SYNTAX	0x04	/* keyword or parameter not per grammar */
#define SS_CAP_SIZE_BAD		0x08	/* SIZE parameter not a number */

struct ss_cap {
	char		 *keyword;	/* upper-cased; AUTH= folded to AUTH */
	char		 *params;	/* the rest of the line, verbatim ("" if
					   none); control bytes kept as sent */
	char		**words;	/* params split on spaces */
	size_t		  nwords;
	unsigned	  flags;
	/* SIZE: the limit in octets (0 = no fixed limit), valid if has_size */
	int		  has_size;
	uint64_t	  size;
};

struct ss_caps {
	char		*greeting;	/* text of the first line (domain ...) */
	struct ss_cap	*caps;
	size_t		 ncaps;
	size_t		 nempty;	/* lines with no keyword ("250-"):
					   an anomaly, counted */
};

/* Decode an EHLO reply (its first line is the greeting, not a keyword;
 * lines with no text are counted in nempty, not made keywords).  Returns NULL if the reply is not a 250
 * reply. */
struct ss_caps	*ss_caps_from_reply(const struct ss_reply *);
struct ss_caps	*ss_caps_copy(const struct ss_caps *);
void		 ss_caps_free(struct ss_caps *);

/* Lookup by keyword, case-insensitive; NULL if absent.  AUTH finds both
 * the standard and the legacy form (the standard one first). */
const struct ss_cap *ss_caps_find(const struct ss_caps *, const char *);
int		 ss_caps_has(const struct ss_caps *, const char *);
/* Is mechanism MECH listed in AUTH (either form)? */
int		 ss_caps_has_auth(const struct ss_caps *, const char *);

enum ss_cap_change {
	SS_CAP_SAME,		/* present in both, same parameters */
	SS_CAP_CHANGED,		/* present in both, parameters differ */
	SS_CAP_ADDED,		/* only in the later set */
	SS_CAP_REMOVED,		/* only in the earlier set */
	SS_CAP_CHANGE_LAST
};
extern const char *const ss_cap_change_names[SS_CAP_CHANGE_LAST];

/* One row of a comparison: either pointer may be NULL. */
struct ss_cap_diff {
	const char		*keyword;
	const struct ss_cap	*before;
	const struct ss_cap	*after;
	enum ss_cap_change	 change;
};

/* Compare two sets (either may be NULL = phase not reached, compared as
 * an empty set).  Entries pair by keyword and form (AUTH= pairs only with
 * AUTH=; duplicates pair in order).  "Same parameters" means the same SIZE
 * value, else the same words ignoring case and order.  Rows follow the
 * earlier set's order, then keywords only in the later set.  The rows
 * borrow from both sets; free the array with free().  NULL when both sets
 * are empty (*n is then 0). */
struct ss_cap_diff *ss_caps_diff(const struct ss_caps *,
		    const struct ss_caps *, size_t *);

#endif
