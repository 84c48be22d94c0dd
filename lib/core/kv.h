/* kv.h - an ordered list of key/value pairs in arena memory (query strings, form bodies,
 * cookies, validation errors).
 *
 * The list keeps the order in which pairs arrived; lookups return the first match.  Keys and
 * values are NUL-terminated; value_len is the value's length in bytes (parsers in this tree
 * reject embedded NULs, so it equals strlen(value)).
 */
#ifndef BGW_KV_H
#define BGW_KV_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

typedef struct bgw_kv {
	const char *key;
	const char *value;
	size_t value_len;
	struct bgw_kv *next;
} bgw_kv;

/* The value of the first pair whose key equals key, or NULL if none (or l is NULL).  The
 * string belongs to the list's arena. */
const char *kv_get(const bgw_kv *l, const char *key);

/* The first pair whose key equals key, or NULL: for callers that need value_len. */
const bgw_kv *kv_find(const bgw_kv *l, const char *key);

/* The number of pairs in l (0 for NULL). */
size_t kv_count(const bgw_kv *l);

/* Append a pair holding arena copies of key and of value's first value_len bytes at **tailp,
 * and advance *tailp to the new pair's next field, so a list is built in order with
 *     bgw_kv *head = NULL, **tail = &head;  kv_append(a, &tail, k, v, strlen(v));
 * Returns BGW_OK or BGW_E_NOMEM (the list is then unchanged). */
bgw_err kv_append(bgw_arena *a, bgw_kv ***tailp, const char *key, const char *value,
    size_t value_len);

/* Append a copy of every pair of src with prefix in front of its key ("items[2]." +
 * "amount"): how nested validation errors are named.  BGW_E_NOMEM on out of memory. */
bgw_err kv_append_prefixed(bgw_arena *a, bgw_kv ***tailp, const char *prefix,
    const bgw_kv *src);

#endif
