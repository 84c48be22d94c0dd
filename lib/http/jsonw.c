/* jsonw.c - JSON text written straight into an arena buffer (see jsonw.h). */
#include "http/jsonw.h"

#include <stdio.h>
#include <string.h>

#include "http/jsonout.h"
#include "core/utf8.h"

#define JSONW_MIN_CAP 256

void
jsonw_init(jsonw *w, bgw_arena *a, size_t hint)
{
	memset(w, 0, sizeof(*w));
	w->a = a;
	w->failed = !bgw_arena_grow(a, &w->buf, &w->cap, 0, hint > JSONW_MIN_CAP ? hint :
	    JSONW_MIN_CAP, JSONW_MIN_CAP);
}

/* Room for n more bytes and a final NUL. */
static bool
reserve(jsonw *w, size_t n)
{
	if (w->failed)
		return false;
	if (!bgw_arena_grow(w->a, &w->buf, &w->cap, w->len, n + 1, JSONW_MIN_CAP))
		w->failed = true;
	return !w->failed;
}

static void
put(jsonw *w, const char *s, size_t n)
{
	if (reserve(w, n)) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	}
}

/* The comma before a value or key that is not the first of its object or array. */
static void
separate(jsonw *w)
{
	uint32_t bit = 1u << w->depth;

	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->has_items & bit)
		put(w, ",", 1);
	w->has_items |= bit;
}

/* Before a value: it must follow a key in an object, be an element of an array, or be the
 * one top-level value. */
static bool
value_start(jsonw *w)
{
	uint32_t bit = 1u << w->depth;

	if (w->failed)
		return false;
	if (!w->after_key && (w->depth == 0 ? (w->has_items & bit) != 0 : !(w->is_array & bit))) {
		w->failed = true;
		return false;
	}
	separate(w);
	return !w->failed;
}

static void
open_(jsonw *w, char c)
{
	if (w->failed)
		return;
	if (w->depth + 1 >= JSONW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	if (!value_start(w))
		return;
	put(w, &c, 1);
	w->depth++;
	w->has_items &= ~(1u << w->depth);
	if (c == '[')
		w->is_array |= 1u << w->depth;
	else
		w->is_array &= ~(1u << w->depth);
}

void
jsonw_object(jsonw *w)
{
	open_(w, '{');
}

void
jsonw_array(jsonw *w)
{
	open_(w, '[');
}

void
jsonw_end(jsonw *w)
{
	if (w->failed)
		return;
	if (w->depth == 0 || w->after_key) {
		w->failed = true;
		return;
	}
	put(w, (w->is_array & (1u << w->depth)) ? "]" : "}", 1);
	w->depth--;
}

/* '"' '\\' and C0 controls as jansson escapes them; then the HTML-safe escapes of
 * jsonout_dump; everything else, multi-byte UTF-8 included, as it is. */
static const char *
escape_of(const char *s, size_t i, size_t n, size_t *srclen, char tmp[7])
{
	unsigned char c = (unsigned char)s[i];

	*srclen = 1;
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default:
		if (c < 0x20) {
			snprintf(tmp, 7, "\\u%04X", c);
			return tmp;
		}
		return jsonout_html_escape(s, i, n, srclen);
	}
}

static void
put_string(jsonw *w, const char *str)
{
	size_t n = strlen(str), i = 0, run = 0, skip;
	char tmp[7];

	if (!utf8_valid(str, n)) {
		w->failed = true;
		return;
	}
	put(w, "\"", 1);
	while (i < n) {
		const char *esc = escape_of(str, i, n, &skip, tmp);

		if (esc == NULL) {
			i++;
			continue;
		}
		put(w, str + run, i - run);
		put(w, esc, strlen(esc));
		i += skip;
		run = i;
	}
	put(w, str + run, n - run);
	put(w, "\"", 1);
}

void
jsonw_key(jsonw *w, const char *key)
{
	if (w->failed)
		return;
	if (w->depth == 0 || w->after_key || (w->is_array & (1u << w->depth))) {
		w->failed = true;
		return;
	}
	separate(w);
	put_string(w, key);
	put(w, ":", 1);
	w->after_key = true;
}

void
jsonw_string(jsonw *w, const char *s)
{
	if (s == NULL) {
		jsonw_null(w);
		return;
	}
	if (!value_start(w))
		return;
	put_string(w, s);
}

void
jsonw_int(jsonw *w, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lld", v);

	if (!value_start(w))
		return;
	put(w, num, (size_t)n);
}

void
jsonw_bool(jsonw *w, bool v)
{
	if (!value_start(w))
		return;
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jsonw_null(jsonw *w)
{
	if (!value_start(w))
		return;
	put(w, "null", 4);
}

char *
jsonw_finish(jsonw *w, size_t *len)
{
	if (len != NULL)
		*len = 0;
	if (w->failed || w->depth != 0 || w->after_key || !reserve(w, 0))
		return NULL;
	w->buf[w->len] = '\0';
	if (len != NULL)
		*len = w->len;
	return w->buf;
}
