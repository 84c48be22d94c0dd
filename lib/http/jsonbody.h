/* jsonbody.h - a JSON request body, parsed strictly into an object owned by the arena. */
#ifndef BGW_JSONBODY_H
#define BGW_JSONBODY_H

#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"

/* Deepest nesting accepted (the top-level object is depth 1).  jansson stops at 2048; no
 * request of ours nests beyond 4, and deep trees only cost stack in every later walker. */
#define JSONBODY_MAX_DEPTH 64

/* Parse the n bytes at buf (not NUL-terminated) as one JSON object: the bytes must be strict
 * UTF-8, the text exactly one JSON value with nothing after it but whitespace, and that value
 * an object; duplicate keys, "\u0000" in strings, and nesting beyond JSONBODY_MAX_DEPTH are
 * refused.  The caller reads *out until the arena is reset, which releases it (do not
 * json_decref it; json_incref it to keep it longer).
 * Returns BGW_OK; BGW_E_BAD_REQUEST for an empty or malformed body; BGW_E_NOMEM.  On error
 * *out is NULL and nothing is held. */
bgw_err jsonbody_parse(bgw_arena *a, const char *buf, size_t n, json_t **out);

#endif
