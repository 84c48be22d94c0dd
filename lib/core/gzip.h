/* gzip.h - answers sent gzip-compressed to clients that accept it (RFC 9110 8.4.1.3).
 *
 * Only answers that reflect none of the request's free text may be compressed: a compressed
 * answer that holds both a secret and text an attacker chose leaks the secret through its
 * size (BREACH).  The callers are in cgi/ (the confirmation list's kept pages).
 */
#ifndef BGW_GZIP_H
#define BGW_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* Whether an Accept-Encoding header value admits gzip: "gzip", "x-gzip" or "*" with a
 * quality above 0, and gzip not refused by name ("gzip;q=0" wins over "*").  NULL (no header)
 * and malformed values: false, so such a client gets the answer as it is. */
bool gzip_accepted(const char *accept_encoding);

/* The gzip member (RFC 1952) of the len bytes at in, in arena memory: *out and *out_len.
 * BGW_E_NOMEM when memory runs out (in zlib or the arena), BGW_E_INTERNAL if zlib fails. */
bgw_err gzip_encode(bgw_arena *a, const char *in, size_t len, char **out, size_t *out_len);

#endif
