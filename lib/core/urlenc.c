/* urlenc.c - strict urlencoded parser and RFC 3986 encoder. */
#include "core/urlenc.h"

#include <stdbool.h>
#include <string.h>

#include "core/utf8.h"

/* Bytes one input byte can become when encoded ("%XX"). */
#define URLENC_ESCAPE_LEN 3

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode n bytes at s into dst (room for n + 1); the decoded length in *len.  false on a bad
 * escape, or when the result is not UTF-8 or holds a NUL. */
static bool
decode(const char *s, size_t n, char *dst, size_t *len)
{
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int h, l;

			if (n - i < URLENC_ESCAPE_LEN)
				return false;
			h = hexval((unsigned char)s[i + 1]);
			l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0)
				return false;
			c = (unsigned char)(h << 4 | l);
			i += 2;
		}
		if (c == '\0')
			return false;
		dst[j++] = (char)c;
	}
	dst[j] = '\0';
	*len = j;
	return utf8_valid(dst, j);
}

/* One "key[=value]" segment of len bytes at seg appended at **tailp unless its key is empty. */
static bgw_err
parse_pair(bgw_arena *a, const char *seg, size_t len, bgw_kv ***tailp)
{
	const char *eq = memchr(seg, '=', len);
	size_t klen = eq == NULL ? len : (size_t)(eq - seg);
	size_t vlen = eq == NULL ? 0 : len - klen - 1;
	size_t kdec;
	bgw_kv *p;
	char *key, *value;

	p = bgw_arena_alloc(a, sizeof(*p));
	key = bgw_arena_alloc(a, klen + 1);
	value = bgw_arena_alloc(a, vlen + 1);
	if (p == NULL || key == NULL || value == NULL)
		return BGW_E_NOMEM;
	if (!decode(seg, klen, key, &kdec) ||
	    !decode(seg + klen + (eq != NULL), vlen, value, &p->value_len))
		return BGW_E_BAD_REQUEST;
	if (kdec == 0)
		return BGW_OK;
	p->key = key;
	p->value = value;
	p->next = NULL;
	**tailp = p;
	*tailp = &p->next;
	return BGW_OK;
}

bgw_err
urlenc_parse(bgw_arena *a, const char *s, size_t n, size_t max_pairs, bgw_kv **out)
{
	bgw_kv *head = NULL, **tail = &head;
	size_t start = 0, count = 0;

	*out = NULL;
	while (start < n) {
		const char *amp = memchr(s + start, '&', n - start);
		size_t end = amp == NULL ? n : (size_t)(amp - s);

		if (end > start) {
			bgw_err e;

			/* Counted before parsing, skipped pairs too, so memory stays bounded by
			 * max_pairs whatever the input. */
			if (++count > max_pairs)
				return BGW_E_BAD_REQUEST;
			e = parse_pair(a, s + start, end - start, &tail);
			if (e != BGW_OK)
				return e;
		}
		start = end + 1;
	}
	*out = head;
	return BGW_OK;
}

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

char *
urlenc_encode(bgw_arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, j = 0, len = 0;
	char *d;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		len += unreserved((unsigned char)s[i]) ? 1 : URLENC_ESCAPE_LEN;
	d = bgw_arena_alloc(a, len + 1); /* len <= 3 * strlen(s): no overflow for a real string */
	if (d == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c)) {
			d[j++] = (char)c;
		} else {
			d[j++] = '%';
			d[j++] = hex[c >> 4];
			d[j++] = hex[c & 0xF];
		}
	}
	d[j] = '\0';
	return d;
}
