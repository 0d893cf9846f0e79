/*
 * transcript.c: the append-only event list.
 *
 * Events live in fixed-size chunks reached through a small array of chunk
 * pointers, so appending never moves an event and a pointer handed out by
 * ss_transcript_get stays valid for the transcript's life.  Event bytes go
 * into an arena of large blocks (one allocation per block, not per event);
 * a payload too big to share a block gets a block of its own.  A million
 * events therefore cost a few thousand allocations and no copying.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

#define SS_CHUNK_EVENTS	1024		/* events per chunk */
#define SS_BLOCK_SIZE	(64 * 1024)	/* bytes per shared block */
#define SS_BLOCK_ALONE	(SS_BLOCK_SIZE / 8) /* bigger payloads go alone */

const char *const ss_dir_letters[SS_DIR_LAST] = {
	"C", "S", "T", "I"
};
_Static_assert(SS_NITEMS(ss_dir_letters) == SS_DIR_LAST,
    "ss_dir_letters must name every direction");

const char *const ss_kind_names[SS_KIND_LAST] = {
	"data",
	"tls-start",
	"tls-up",
	"tls-cert",
	"tls-verify",
	"tls-fail",
	"tls-close",
	"tls-ticket",
	"tls-client-cert",
	"resolve",
	"connect",
	"step",
	"timeout",
	"error",
	"closed",
	"note",
	"sasl",
	"cut",
};
_Static_assert(SS_NITEMS(ss_kind_names) == SS_KIND_LAST,
    "ss_kind_names must name every kind");

/* One arena block; payloads are packed into data[]. */
struct ss_block {
	struct ss_block	*next;
	size_t		 used;
	size_t		 size;
	char		 data[];
};

struct ss_meta {
	char	*key;
	char	*value;
};

struct ss_transcript {
	struct ss_event	**chunks;	/* each SS_CHUNK_EVENTS long */
	size_t		  nchunks;
	size_t		  chunks_cap;
	size_t		  count;

	struct ss_block	 *shared;	/* shared blocks, newest first */
	struct ss_block	 *alone;	/* one big payload each */
	size_t		  bytes;
	size_t		  memory;	/* chunks and blocks allocated */

	struct ss_meta	 *meta;
	size_t		  nmeta;
};

/* Make an empty transcript. */
struct ss_transcript *
ss_transcript_create(void)
{
	return xcalloc(1, sizeof(struct ss_transcript));
}

/* Free a list of arena blocks. */
static void
ss_transcript_free_blocks(struct ss_block *b)
{
	struct ss_block	*next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}

/* Free the transcript, its events, bytes and metadata; NULL is a no-op. */
void
ss_transcript_destroy(struct ss_transcript *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	ss_transcript_free_blocks(t->shared);
	ss_transcript_free_blocks(t->alone);
	for (i = 0; i < t->nmeta; i++) {
		free(t->meta[i].key);
		free(t->meta[i].value);
	}
	free(t->meta);
	free(t);
}

/* Allocate a block able to hold size bytes. */
static struct ss_block *
ss_transcript_new_block(struct ss_transcript *t, size_t size)
{
	struct ss_block	*b;

	if (size > SIZE_MAX - sizeof *b)
		size = SIZE_MAX - sizeof *b;	/* xmalloc aborts */
	b = xmalloc(sizeof *b + size);
	t->memory += sizeof *b + size;
	b->next = NULL;
	b->used = 0;
	b->size = size;
	return b;
}

/* Store len bytes plus a NUL somewhere stable; returns the copy. */
static char *
ss_transcript_store(struct ss_transcript *t, const void *p, size_t len)
{
	struct ss_block	*b;
	char		*dst;
	size_t		 need = len + 1;

	if (len >= SS_BLOCK_ALONE) {
		b = ss_transcript_new_block(t, need);
		b->next = t->alone;
		t->alone = b;
	} else if (t->shared == NULL || t->shared->size - t->shared->used <
	    need) {
		b = ss_transcript_new_block(t, SS_BLOCK_SIZE);
		b->next = t->shared;
		t->shared = b;
	} else {
		b = t->shared;
	}
	dst = b->data + b->used;
	if (len != 0)
		memcpy(dst, p, len);
	dst[len] = '\0';
	b->used += need;
	return dst;
}

/* Return the storage for the next event, adding a chunk when full. */
static struct ss_event *
ss_transcript_slot(struct ss_transcript *t)
{
	size_t	 chunk = t->count / SS_CHUNK_EVENTS, old;

	if (chunk == t->nchunks) {
		if (t->nchunks == t->chunks_cap) {
			old = t->chunks_cap;
			t->chunks_cap = old == 0 ? 16 : old * 2;
			t->chunks = xreallocarray(t->chunks, t->chunks_cap,
			    sizeof *t->chunks);
			t->memory += (t->chunks_cap - old) * sizeof *t->chunks;
		}
		t->memory += SS_CHUNK_EVENTS * sizeof(struct ss_event);
		t->chunks[t->nchunks++] = xreallocarray(NULL,
		    SS_CHUNK_EVENTS, sizeof(struct ss_event));
	}
	return &t->chunks[chunk][t->count % SS_CHUNK_EVENTS];
}

/* Append an event holding a copy of the bytes; returns its index. */
size_t
ss_transcript_append(struct ss_transcript *t, uint64_t t_us, enum ss_dir dir,
    enum ss_kind kind, unsigned flags, const void *p, size_t len)
{
	struct ss_event	*ev;

	ev = ss_transcript_slot(t);
	ev->t_us = t_us;
	ev->dir = dir;
	ev->kind = kind;
	ev->flags = flags;
	ev->len = len;
	ev->data = ss_transcript_store(t, p, len);
	t->bytes += len;
	return t->count++;
}

/* Append a record whose text is printf-formatted. */
size_t
ss_transcript_note(struct ss_transcript *t, uint64_t t_us, enum ss_dir dir,
    enum ss_kind kind, unsigned flags, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;
	size_t	 idx;
	int	 len;

	va_start(ap, fmt);
	len = xvasprintf(&text, fmt, ap);
	va_end(ap);
	idx = ss_transcript_append(t, t_us, dir, kind, flags, text,
	    (size_t)len);
	free(text);
	return idx;
}

/* Number of events appended so far. */
size_t
ss_transcript_count(const struct ss_transcript *t)
{
	return t->count;
}

/* Event number idx, or NULL past the end. */
const struct ss_event *
ss_transcript_get(const struct ss_transcript *t, size_t idx)
{
	if (idx >= t->count)
		return NULL;
	return &t->chunks[idx / SS_CHUNK_EVENTS][idx % SS_CHUNK_EVENTS];
}

/* Payload bytes held by all events (not counting the terminating NULs). */
size_t
ss_transcript_bytes(const struct ss_transcript *t)
{
	return t->bytes;
}

/* Memory allocated for events and bytes (metadata is small and fixed). */
size_t
ss_transcript_memory(const struct ss_transcript *t)
{
	return sizeof(*t) + t->memory;
}

/* Find a metadata entry by exact key. */
static struct ss_meta *
ss_transcript_find_meta(const struct ss_transcript *t, const char *key)
{
	size_t	 i;

	for (i = 0; i < t->nmeta; i++) {
		if (strcmp(t->meta[i].key, key) == 0)
			return &t->meta[i];
	}
	return NULL;
}

/* Set a metadata key, replacing an earlier value; order of first set kept. */
void
ss_transcript_set_meta(struct ss_transcript *t, const char *key,
    const char *value)
{
	struct ss_meta	*m;

	if ((m = ss_transcript_find_meta(t, key)) != NULL) {
		free(m->value);
		m->value = xstrdup(value);
		return;
	}
	t->meta = xreallocarray(t->meta, t->nmeta + 1, sizeof *t->meta);
	m = &t->meta[t->nmeta++];
	m->key = xstrdup(key);
	m->value = xstrdup(value);
}

/* Value of a metadata key, NULL if unset; owned by the transcript. */
const char *
ss_transcript_meta(const struct ss_transcript *t, const char *key)
{
	const struct ss_meta	*m;

	m = ss_transcript_find_meta(t, key);
	return m != NULL ? m->value : NULL;
}

/* Number of metadata entries. */
size_t
ss_transcript_meta_count(const struct ss_transcript *t)
{
	return t->nmeta;
}

/* Metadata entry idx, in the order keys were first set. */
void
ss_transcript_meta_at(const struct ss_transcript *t, size_t idx,
    const char **key, const char **value)
{
	if (idx >= t->nmeta) {
		*key = *value = NULL;
		return;
	}
	*key = t->meta[idx].key;
	*value = t->meta[idx].value;
}

/* Direction for a letter ("C", "S", "T", "I"), -1 if none. */
int
ss_dir_from_letter(const char *letter)
{
	size_t	 i;

	for (i = 0; i < SS_DIR_LAST; i++) {
		if (strcmp(ss_dir_letters[i], letter) == 0)
			return (int)i;
	}
	return -1;
}

/* Kind for a name ("tls-up"), -1 if none. */
int
ss_kind_from_name(const char *name)
{
	size_t	 i;

	for (i = 0; i < SS_KIND_LAST; i++) {
		if (strcmp(ss_kind_names[i], name) == 0)
			return (int)i;
	}
	return -1;
}
