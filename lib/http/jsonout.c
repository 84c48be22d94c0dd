/* jsonout.c - JSON serialisation and error bodies. */
#include "http/jsonout.h"

#include <stdlib.h>
#include <string.h>

/* Longest replacement: "\u2028" for the three bytes E2 80 A8. */
#define ESCAPE_LEN 6

static void
release(void *v)
{
	json_decref(v);
}

json_t *
jsonout_own(bgw_arena *a, json_t *v)
{
	if (v == NULL)
		return NULL;
	if (bgw_arena_on_reset(a, release, v) != 0)
		return NULL;
	return v;
}

/* '<' '>' '&' and U+2028/9 only ever occur inside JSON strings, so jsonout_dump can
 * substitute them over the whole text. */
const char *
jsonout_html_escape(const char *s, size_t i, size_t n, size_t *srclen)
{
	*srclen = 1;
	switch (s[i]) {
	case '<':
		return "\\u003c";
	case '>':
		return "\\u003e";
	case '&':
		return "\\u0026";
	case '\xE2':
		if (n - i >= 3 && s[i + 1] == '\x80' && (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) {
			*srclen = 3;
			return s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
		}
		return NULL;
	default:
		return NULL;
	}
}

char *
jsonout_dump(bgw_arena *a, const json_t *v, size_t *len)
{
	char *raw, *out;
	size_t n, i, j = 0, extra = 0, skip;

	if (len != NULL)
		*len = 0;
	if (v == NULL)
		return NULL;
	/* JSON_PRESERVE_ORDER is a no-op since jansson 2.8 (objects always keep insertion
	 * order); it is passed to state the contract. */
	raw = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (raw == NULL)
		return NULL;
	n = strlen(raw);
	for (i = 0; i < n; i += skip)
		if (jsonout_html_escape(raw, i, n, &skip) != NULL)
			extra += ESCAPE_LEN - skip;
	out = bgw_arena_alloc(a, n + extra + 1);
	if (out == NULL) {
		free(raw);
		return NULL;
	}
	for (i = 0; i < n; i += skip) {
		const char *esc = jsonout_html_escape(raw, i, n, &skip);

		if (esc == NULL) {
			out[j++] = raw[i];
		} else {
			memcpy(out + j, esc, ESCAPE_LEN);
			j += ESCAPE_LEN;
		}
	}
	out[j] = '\0';
	free(raw);
	if (len != NULL)
		*len = j;
	return out;
}

/* {name: reason, ...} from fields, or NULL on out of memory. */
static json_t *
field_map(const bgw_kv *fields)
{
	json_t *map = json_object();

	if (map == NULL)
		return NULL;
	for (; fields != NULL; fields = fields->next) {
		json_t *reason;

		if (json_object_get(map, fields->key) != NULL)
			continue;
		reason = json_stringn(fields->value, fields->value_len);
		/* json_stringn fails only on bad UTF-8 or no memory; either way, leave it out
		 * rather than lose the whole error answer. */
		if (reason != NULL)
			json_object_set_new(map, fields->key, reason);
	}
	return map;
}

json_t *
jsonout_error(bgw_err e, const bgw_kv *fields)
{
	json_t *err = json_pack("{s:s, s:s}", "code", bgw_err_code(e), "message",
	    bgw_err_message(e));
	json_t *body;

	if (err == NULL)
		return NULL;
	if (e == BGW_E_VALIDATION && fields != NULL) {
		json_t *map = field_map(fields);

		if (map == NULL || json_object_set_new(err, "fields", map) != 0) {
			json_decref(err);
			return NULL;
		}
	}
	body = json_pack("{s:o}", "error", err);
	return body;
}
