/* jsonw.h - JSON text written straight into an arena buffer, for answers built from rows.
 *
 * The hot lists (GET .../confirmations) spent most of their worker time building jansson
 * objects only to dump them again (tests/bench list50, docs/performance.md).  This writer
 * produces the same bytes as jsonout_dump of the equivalent json_t: compact, keys in the
 * order written, non-ASCII as raw UTF-8, and '<', '>', '&', U+2028 and U+2029 escaped.
 *
 *     jsonw w;
 *     jsonw_init(&w, a, 4096);
 *     jsonw_object(&w);  jsonw_key(&w, "id");  jsonw_string(&w, id);  jsonw_end(&w);
 *     text = jsonw_finish(&w, &len);       (NULL: out of memory or invalid UTF-8)
 *
 * Errors are sticky: after the first failure every call is a no-op and jsonw_finish returns
 * NULL, so a caller checks once at the end.  Nesting is limited to JSONW_MAX_DEPTH.
 */
#ifndef BGW_JSONW_H
#define BGW_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define JSONW_MAX_DEPTH 32

typedef struct jsonw {
	bgw_arena *a;
	char *buf;
	size_t len, cap;
	int depth;
	bool failed;
	bool after_key;                    /* the next value follows "key": without a comma */
	uint32_t has_items;                /* bit d: level d already holds an element */
	uint32_t is_array;                 /* bit d: level d is an array */
} jsonw;

/* Start an empty text in arena a, with room for about hint bytes before it grows. */
void jsonw_init(jsonw *w, bgw_arena *a, size_t hint);

/* Open an object or an array (as a value: after a key, in an array, or at the top). */
void jsonw_object(jsonw *w);
void jsonw_array(jsonw *w);
/* Close the innermost open object or array. */
void jsonw_end(jsonw *w);

/* A member name inside an object; the next call writes its value. */
void jsonw_key(jsonw *w, const char *key);

/* Values.  jsonw_string writes null for NULL; a string that is not valid UTF-8 fails the
 * writer (jansson refuses it too). */
void jsonw_string(jsonw *w, const char *s);
void jsonw_int(jsonw *w, long long v);
void jsonw_bool(jsonw *w, bool v);
void jsonw_null(jsonw *w);

/* The text (NUL-terminated, in the arena) and its length in *len when len is not NULL; NULL
 * if any call failed or an object or array is still open. */
char *jsonw_finish(jsonw *w, size_t *len);

#endif
