/* urlenc.h - application/x-www-form-urlencoded: query strings and HTML form bodies.
 *
 * Parsing follows the WHATWG URL standard's urlencoded parser, but strictly: a malformed
 * escape is an error instead of being passed through, so the server never guesses what a
 * client meant.
 */
#ifndef BGW_URLENC_H
#define BGW_URLENC_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

/* Parse the n bytes at s (not NUL-terminated; NULL allowed when n is 0): pairs separated by
 * '&' only, "key=value" or a bare "key" (empty value), '+' is a space, %XX is a byte (hex
 * digits of either case).  Keys and values are decoded into arena memory, in order; pairs
 * with an empty decoded key are skipped.
 * Returns BGW_OK with *out the list (NULL when there is no pair); BGW_E_BAD_REQUEST for a bad
 * escape, a decoded key or value that is not UTF-8 or holds a NUL, or more than max_pairs
 * non-empty segments (pairs, counting the skipped ones); BGW_E_NOMEM.  On error *out is NULL. */
bgw_err urlenc_parse(bgw_arena *a, const char *s, size_t n, size_t max_pairs, bgw_kv **out);

/* s percent-encoded for a query value or path segment: RFC 3986 unreserved characters
 * (A-Z a-z 0-9 - . _ ~) are kept, every other byte becomes %XX (upper case hex).  Returns an
 * arena string, or NULL if s is NULL or on out of memory. */
char *urlenc_encode(bgw_arena *a, const char *s);

#endif
