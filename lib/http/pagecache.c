/* pagecache.c - answers a worker keeps for a while (see pagecache.h). */
#include "http/pagecache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
	char *key;            /* NULL: a free slot */
	char *version;
	char *body;
	size_t len;
	uint64_t hash;        /* of key: most slots are told apart without a strcmp */
	uint64_t used;        /* the cache's clock when last read or written */
} entry;

struct pagecache {
	entry *slots;
	size_t nslots;
	size_t bytes, max_bytes;
	uint64_t clock;
};

/* FNV-1a, 64 bits: a quick filter in front of strcmp, nothing depends on it being strong. */
static uint64_t
hash_of(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

pagecache *
pagecache_new(size_t entries, size_t max_bytes)
{
	pagecache *c;

	if (entries == 0)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->slots = calloc(entries, sizeof(*c->slots))) == NULL) {
		free(c);
		return NULL;
	}
	c->nslots = entries;
	c->max_bytes = max_bytes;
	return c;
}

static void
drop(pagecache *c, entry *e)
{
	if (e->key == NULL)
		return;
	c->bytes -= e->len;
	free(e->key);
	free(e->version);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

void
pagecache_free(pagecache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nslots; i++)
		drop(c, &c->slots[i]);
	free(c->slots);
	free(c);
}

static entry *
find(pagecache *c, const char *key, uint64_t h)
{
	for (size_t i = 0; i < c->nslots; i++) {
		entry *e = &c->slots[i];

		if (e->key != NULL && e->hash == h && strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

/* The least recently used slot that holds an entry, other than slot number keep (pass
 * c->nslots to keep none); NULL if there is none. */
static entry *
oldest(pagecache *c, size_t keep)
{
	entry *best = NULL;

	for (size_t i = 0; i < c->nslots; i++) {
		if (i == keep || c->slots[i].key == NULL)
			continue;
		if (best == NULL || c->slots[i].used < best->used)
			best = &c->slots[i];
	}
	return best;
}

const char *
pagecache_get(pagecache *c, const char *key, const char *version, size_t *len)
{
	entry *e;

	*len = 0;
	if (c == NULL || key == NULL || version == NULL)
		return NULL;
	e = find(c, key, hash_of(key));
	if (e == NULL || strcmp(e->version, version) != 0)
		return NULL;
	e->used = ++c->clock;
	*len = e->len;
	return e->body;
}

/* A slot for key: its own if it has one, else a free one, else the least recently used. */
static entry *
slot_for(pagecache *c, const char *key, uint64_t h)
{
	entry *e = find(c, key, h);

	if (e != NULL)
		return e;
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i].key == NULL)
			return &c->slots[i];
	return oldest(c, c->nslots);
}

bool
pagecache_put(pagecache *c, const char *key, const char *version, const char *body,
    size_t len)
{
	uint64_t h;
	entry *e, *victim;
	char *k, *v, *b;

	if (c == NULL || key == NULL || version == NULL || body == NULL || len > c->max_bytes / 4)
		return false;
	h = hash_of(key);
	e = slot_for(c, key, h);
	drop(c, e);
	while (c->bytes + len > c->max_bytes &&
	    (victim = oldest(c, (size_t)(e - c->slots))) != NULL)
		drop(c, victim);
	k = strdup(key);
	v = strdup(version);
	b = malloc(len + 1);
	if (k == NULL || v == NULL || b == NULL) {
		free(k);
		free(v);
		free(b);
		return false;
	}
	memcpy(b, body, len);
	b[len] = '\0';
	*e = (entry){.key = k, .version = v, .body = b, .len = len, .hash = h,
		.used = ++c->clock};
	c->bytes += len;
	return true;
}
