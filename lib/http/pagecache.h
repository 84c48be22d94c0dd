/* pagecache.h - answers a worker keeps for a while, to send again while nothing they show
 * has changed.
 *
 * An entry is a key, a version and a body.  The key names everything the answer depends on
 * but the data (the user, what they may see, the request); the version names the data (for
 * a confirmation list, the project's list version of migration 0015).  A lookup hits only
 * when both match, so a change of the data is a miss, never a stale answer.  The caller
 * checks who may ask before it looks: the cache decides nothing about access.
 *
 * One cache per worker process, used by one request at a time: no locks.  Memory is
 * bounded by a number of entries and a number of body bytes; the least recently used entry
 * makes room.
 */
#ifndef BGW_PAGECACHE_H
#define BGW_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pagecache pagecache;

/* A cache of at most entries answers and max_bytes bytes of bodies.  NULL when out of memory
 * or when entries is 0 (no cache: pagecache_get then always misses and pagecache_put keeps
 * nothing, so a caller needs no second path). */
pagecache *pagecache_new(size_t entries, size_t max_bytes);
void pagecache_free(pagecache *c);

/* The body kept under key at version, or NULL (*len = 0).  The bytes belong to the cache
 * and stay valid until the next pagecache_put or pagecache_free. */
const char *pagecache_get(pagecache *c, const char *key, const char *version, size_t *len);

/* Keep a copy of body under key at version, replacing what key held at any version.  False
 * when it is not kept: no cache, no memory, or a body larger than a quarter of max_bytes
 * (one answer must not push out all the others). */
bool pagecache_put(pagecache *c, const char *key, const char *version, const char *body,
    size_t len);

#endif
