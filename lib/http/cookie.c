/* cookie.c - lenient Cookie header parser and strict Set-Cookie writer. */
#include "http/cookie.h"

#include <stdbool.h>
#include <string.h>

/* RFC 7230 tchar: the characters of a cookie name. */
static bool
tchar(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 cookie-octet: US-ASCII except controls, whitespace, DQUOTE, comma, semicolon and
 * backslash. */
static bool
cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
	    (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

static bool
all(const char *s, size_t n, bool (*ok)(unsigned char))
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ok((unsigned char)s[i]))
			return false;
	return true;
}

static bool
ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim spaces and tabs from both ends of [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && ows(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ows((*s)[*n - 1]))
		(*n)--;
}

/* One "name=value" segment appended at **tailp if well-formed; BGW_OK either way. */
static bgw_err
parse_pair(bgw_arena *a, const char *seg, size_t len, bgw_kv ***tailp, bool *added)
{
	const char *eq = memchr(seg, '=', len);
	const char *name = seg, *value;
	size_t nlen, vlen;
	char *key;
	bgw_err e;

	*added = false;
	if (eq == NULL)
		return BGW_OK;
	nlen = (size_t)(eq - seg);
	value = eq + 1;
	vlen = len - nlen - 1;
	trim(&name, &nlen);
	trim(&value, &vlen);
	if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
		value++;
		vlen -= 2;
	}
	if (nlen == 0 || nlen > COOKIE_MAX_NAME_LEN || vlen > COOKIE_MAX_VALUE_LEN ||
	    !all(name, nlen, tchar) || !all(value, vlen, cookie_octet))
		return BGW_OK;
	key = bgw_arena_strndup(a, name, nlen);
	if (key == NULL)
		return BGW_E_NOMEM;
	e = kv_append(a, tailp, key, value, vlen);
	if (e == BGW_OK)
		*added = true;
	return e;
}

bgw_err
cookie_parse(bgw_arena *a, const char *header, bgw_kv **out)
{
	bgw_kv *head = NULL, **tail = &head;
	size_t n, start = 0, count = 0;

	*out = NULL;
	if (header == NULL)
		return BGW_OK;
	n = strnlen(header, COOKIE_MAX_HEADER_LEN + 1);
	if (n > COOKIE_MAX_HEADER_LEN)
		return BGW_E_BAD_REQUEST;
	while (start < n && count < COOKIE_MAX_PAIRS) {
		const char *semi = memchr(header + start, ';', n - start);
		size_t end = semi == NULL ? n : (size_t)(semi - header);
		bool added;
		bgw_err e = parse_pair(a, header + start, end - start, &tail, &added);

		if (e != BGW_OK)
			return e;
		count += added;
		start = end + 1;
	}
	*out = head;
	return BGW_OK;
}

char *
cookie_format_session(bgw_arena *a, const char *name, const char *value, long max_age_seconds)
{
	static const char attrs[] = "Path=/; Secure; HttpOnly; SameSite=Strict";
	size_t nlen;

	if (name == NULL || value == NULL)
		return NULL;
	nlen = strlen(name);
	if (nlen == 0 || nlen > COOKIE_MAX_NAME_LEN || !all(name, nlen, tchar) ||
	    strlen(value) > COOKIE_MAX_VALUE_LEN || !all(value, strlen(value), cookie_octet))
		return NULL;
	if (max_age_seconds >= 0)
		return bgw_arena_printf(a, "%s=%s; %s; Max-Age=%ld", name, value, attrs,
		    max_age_seconds);
	return bgw_arena_printf(a, "%s=%s; %s", name, value, attrs);
}
