/* jsonbody.c - strict JSON body parsing on top of jansson. */
#include "http/jsonbody.h"

#include <stdbool.h>

#include "core/utf8.h"

/* json_decref is an inline function: the arena needs an addressable one. */
static void
release(void *v)
{
	json_decref(v);
}

/* true if v nests no deeper than limit, counting v itself as depth 1.  Recursion is bounded
 * by limit, not by the input. */
static bool
depth_ok(const json_t *v, int limit)
{
	const char *key;
	const json_t *child;
	size_t i;

	if (!json_is_object(v) && !json_is_array(v))
		return true;
	if (limit < 1)
		return false;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, child)
			if (!depth_ok(child, limit - 1))
				return false;
	} else {
		json_array_foreach(v, i, child)
			if (!depth_ok(child, limit - 1))
				return false;
	}
	return true;
}

bgw_err
jsonbody_parse(bgw_arena *a, const char *buf, size_t n, json_t **out)
{
	json_error_t jerr;
	json_t *v;

	*out = NULL;
	if (n == 0 || !utf8_valid(buf, n))
		return BGW_E_BAD_REQUEST;
	/* Without JSON_DECODE_ANY jansson accepts only an object or an array at the top;
	 * without JSON_ALLOW_NUL it refuses "\u0000". */
	v = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL)
		return BGW_E_BAD_REQUEST;
	if (!json_is_object(v) || !depth_ok(v, JSONBODY_MAX_DEPTH)) {
		json_decref(v);
		return BGW_E_BAD_REQUEST;
	}
	if (bgw_arena_on_reset(a, release, v) != 0)
		return BGW_E_NOMEM; /* the hook already released v */
	*out = v;
	return BGW_OK;
}
