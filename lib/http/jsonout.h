/* jsonout.h - JSON answers: serialisation with HTML-safe escapes, and the API error object. */
#ifndef BGW_JSONOUT_H
#define BGW_JSONOUT_H

#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

/* Hand the caller's reference to v to the arena, which drops it at reset; returns v for
 * chaining.  NULL v gives NULL; out of memory gives NULL with v already released, so
 *     json_t *o = jsonout_own(a, json_object());  if (o == NULL) return BGW_E_NOMEM;
 * never leaks. */
json_t *jsonout_own(bgw_arena *a, json_t *v);

/* v serialised compactly (no spaces), keys in insertion order, non-ASCII as raw UTF-8, and
 * with '<', '>', '&', U+2028 and U+2029 escaped as \u003c, \u003e, \u0026, \u2028, \u2029,
 * so the text stays inert if a browser ever sniffs it as HTML or it lands in a <script>.
 * The caller keeps its reference to v.  Returns an arena string (its length in *len when len
 * is not NULL), or NULL when v is NULL, jansson cannot encode it, or on out of memory. */
char *jsonout_dump(bgw_arena *a, const json_t *v, size_t *len);

/* The one rule of those HTML-safe escapes, for writers of JSON text (jsonout_dump,
 * lib/http/jsonw.c): the escape for the character at s[i] of the n bytes at s, and its source
 * length in *srclen (1, or 3 for U+2028/9); NULL when it is copied as it is. */
const char *jsonout_html_escape(const char *s, size_t i, size_t n, size_t *srclen);

/* docs/api.md's error body {"error":{"code":..., "message":..., "fields":{name: reason}}} from
 * bgw_err_code and bgw_err_message; "fields" only when e is BGW_E_VALIDATION and fields is
 * not NULL (the first reason wins for a repeated name; pairs that are not UTF-8 are left
 * out).  Returns a new reference the caller owns (see jsonout_own), or NULL on out of
 * memory. */
json_t *jsonout_error(bgw_err e, const bgw_kv *fields);

#endif
