/* html.c - the HTML writer: escaped text, literal-only markup, checked URLs. */
#include "http/html.h"

#include <stdio.h>
#include <string.h>

void
html_init(html *h, bgw_arena *a)
{
	h->a = a;
	h->buf = NULL;
	h->len = h->cap = 0;
	h->err = BGW_OK;
}

static void
fail(html *h, bgw_err err)
{
	if (h->err == BGW_OK)
		h->err = err;
}

/* Room for n more bytes (and a NUL). */
static bool
reserve(html *h, size_t n)
{
	if (h->err != BGW_OK)
		return false;
	if (n > HTML_MAX_BYTES || h->len + n + 1 > HTML_MAX_BYTES) {
		fail(h, BGW_E_TOO_LARGE);
		return false;
	}
	if (!bgw_arena_grow(h->a, &h->buf, &h->cap, h->len, n + 1, HTML_INITIAL_CAP)) {
		fail(h, BGW_E_NOMEM);
		return false;
	}
	return true;
}

static void
put(html *h, const char *s, size_t n)
{
	if (n == 0 || !reserve(h, n))
		return;
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

void
html__raw(html *h, const char *lit, size_t n)
{
	put(h, lit, n);
}

void
html_textn(html *h, const char *s, size_t n)
{
	size_t run = 0;

	if (s == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *ent;

		switch (s[i]) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: ent = NULL; break;
		}
		if (ent == NULL)
			continue;
		put(h, s + run, i - run);
		put(h, ent, strlen(ent));
		run = i + 1;
	}
	put(h, s + run, n - run);
}

void
html_text(html *h, const char *s)
{
	if (s != NULL)
		html_textn(h, s, strlen(s));
}

void
html_int(html *h, long long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", v);

	put(h, buf, (size_t)n);
}

void
html__attr(html *h, const char *name, const char *value)
{
	put(h, " ", 1);
	put(h, name, strlen(name));
	put(h, "=\"", 2);
	html_text(h, value != NULL ? value : "");
	put(h, "\"", 1);
}

void
html__attr_url(html *h, const char *name, const char *url)
{
	if (!html_url_ok(url)) {
		fail(h, BGW_E_INTERNAL);
		return;
	}
	html__attr(h, name, url);
}

void
html__flag(html *h, const char *name, bool on)
{
	if (!on)
		return;
	put(h, " ", 1);
	put(h, name, strlen(name));
}

void
html_frag(html *h, const html *src)
{
	if (src->err != BGW_OK) {
		fail(h, src->err);
		return;
	}
	put(h, src->buf, src->len);
}

static const html_slot *
slot_named(const html_slot *slots, const char *name, size_t n)
{
	for (; slots->name != NULL; slots++)
		if (strlen(slots->name) == n && memcmp(slots->name, name, n) == 0)
			return slots;
	return NULL;
}

void
html__fill(html *h, const char *tpl, const html_slot *slots)
{
	const char *p = tpl;

	while (*p != '\0') {
		const char *open = strchr(p, '{'), *close;
		const html_slot *s;

		if (open == NULL) {
			put(h, p, strlen(p));
			return;
		}
		put(h, p, (size_t)(open - p));
		if (open[1] == '{') {
			put(h, "{", 1);
			p = open + 2;
			continue;
		}
		close = strchr(open, '}');
		s = close != NULL ? slot_named(slots, open + 1, (size_t)(close - open - 1)) : NULL;
		if (s == NULL) {
			fail(h, BGW_E_INTERNAL);
			return;
		}
		html_text(h, s->text);
		p = close + 1;
	}
}

bool
html_url_ok(const char *url)
{
	if (url == NULL || *url == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '\\')
			return false;
	if (url[0] == '/')
		return url[1] != '/';
	if (url[0] == '?' || url[0] == '#')
		return true;
	return strncmp(url, "https://", 8) == 0 && url[8] != '\0' && url[8] != '/';
}

bool
html_next_ok(const char *s)
{
	return s != NULL && s[0] == '/' && html_url_ok(s) && strncmp(s, "/login", 6) != 0 &&
	    strncmp(s, "/logout", 7) != 0;
}

bgw_err
html_finish(html *h, const char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (h->err != BGW_OK)
		return h->err;
	if (h->buf == NULL && !reserve(h, 0))
		return h->err;
	h->buf[h->len] = '\0';
	*out = h->buf;
	*len = h->len;
	return BGW_OK;
}
