/* arena.h - per-request memory: one arena, reset after each request.
 *
 * Allocations live until bgw_arena_reset or bgw_arena_free.  Resources that are not memory
 * (db_rows, json_t, temp files, curl and libxml2 handles) are released by cleanup hooks,
 * which run in reverse order of registration at reset/free, so every path that obtained a
 * resource releases it without its own error label.
 */
#ifndef BGW_ARENA_H
#define BGW_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct bgw_arena bgw_arena;

/* A new arena; NULL on out of memory.  The caller owns it (bgw_arena_free). */
bgw_arena *bgw_arena_new(void);

/* size bytes aligned for any type, zeroed; NULL on out of memory or size overflow. */
void *bgw_arena_alloc(bgw_arena *a, size_t size);

/* n elements of size bytes; NULL on overflow or out of memory. */
void *bgw_arena_calloc(bgw_arena *a, size_t n, size_t size);

/* A NUL-terminated copy of the first n bytes of s; NULL on out of memory. */
char *bgw_arena_strndup(bgw_arena *a, const char *s, size_t n);

/* A NUL-terminated copy of s; NULL if s is NULL or on out of memory. */
char *bgw_arena_strdup(bgw_arena *a, const char *s);

/* printf into arena memory; NULL on out of memory or format error. */
char *bgw_arena_printf(bgw_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *bgw_arena_vprintf(bgw_arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* A growing buffer in the arena (the HTML and JSON writers): room for need more bytes after
 * the first used bytes of *buf, whose block holds *cap (0 with *buf NULL: none yet).  When
 * it must grow, the first used bytes move to a new block at least twice as large (initial
 * at first), which *buf and *cap then name; the old block stays until the reset, which
 * amortises to under twice the final size.  Returns false on out of memory or overflow,
 * leaving *buf and *cap as they were. */
bool bgw_arena_grow(bgw_arena *a, char **buf, size_t *cap, size_t used, size_t need,
    size_t initial);

/* Run fn(arg) at the next reset or free.  Returns 0, or -1 on out of memory, in which case
 * fn(arg) has already been run so the resource is never leaked. */
int bgw_arena_on_reset(bgw_arena *a, void (*fn)(void *), void *arg);

/* Run the cleanup hooks (last registered first) and release all memory but the first
 * block, ready for the next request. */
void bgw_arena_reset(bgw_arena *a);

/* Reset, then release the arena itself.  NULL is allowed. */
void bgw_arena_free(bgw_arena *a);

/* Bytes currently held from the system (for RSS checks in tests). */
size_t bgw_arena_footprint(const bgw_arena *a);

#endif
