/* filename.c - display names and Content-Disposition for uploaded files. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "files/filename.h"

/* Decode one UTF-8 character at s (n bytes left): its code point and length, or -1 and
 * length 1 for an invalid byte (strict: no overlongs, surrogates, > U+10FFFF). */
static int32_t
decode(const unsigned char *s, size_t n, size_t *len)
{
	unsigned char c = s[0];
	int32_t cp, min;
	size_t need;

	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if (n < need + 1)
		return -1;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = need + 1;
	return cp;
}

/* Characters that are never shown: controls, bidi controls, invisible separators. */
static bool
dropped(int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

static bool
reserved_device(const char *s)
{
	static const char *const names[] = {"CON", "PRN", "AUX", "NUL"};
	size_t stem = strcspn(s, ".");

	/* Windows also ignores trailing spaces of the stem ("CON .txt"). */
	while (stem > 0 && s[stem - 1] == ' ')
		stem--;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (stem == 3 && strncasecmp(s, names[i], 3) == 0)
			return true;
	return stem == 4 && (strncasecmp(s, "COM", 3) == 0 || strncasecmp(s, "LPT", 3) == 0) &&
	    s[3] >= '1' && s[3] <= '9';
}

/* Trim trailing dots and spaces of the n bytes at s; the new length. */
static size_t
trim_end(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ' '))
		n--;
	return n;
}

/* The longest prefix of s (n bytes of valid UTF-8) of at most max bytes ending on a
 * character boundary. */
static size_t
cut_utf8(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

char *
filename_sanitize(bgw_arena *a, const char *client_name)
{
	const char *base = client_name != NULL ? client_name : "";
	const unsigned char *p;
	size_t n, o = 0, start = 0, len;
	char *buf, *out;

	for (const char *q = base; *q != '\0'; q++)
		if (*q == '/' || *q == '\\')
			base = q + 1;
	n = strlen(base);
	/* One byte more for a device name's '_'. */
	if ((buf = bgw_arena_alloc(a, n + 2)) == NULL)
		return NULL;
	buf[o++] = '_';
	p = (const unsigned char *)base;
	for (size_t i = 0; i < n; i += len) {
		int32_t cp = decode(p + i, n - i, &len);

		if (cp < 0 || dropped(cp))
			continue;
		if (cp < 0x80 && strchr("<>:\"|?*", (int)cp) != NULL)
			buf[o++] = '_';
		else {
			memcpy(buf + o, p + i, len);
			o += len;
		}
	}
	buf[o] = '\0';
	start = 1;
	while (buf[start] == '.' || buf[start] == ' ')
		start++;
	o = trim_end(buf, o);
	if (o <= start)
		return bgw_arena_strdup(a, FILENAME_FALLBACK);
	if (reserved_device(buf + start))
		buf[--start] = '_';
	out = buf + start;
	n = o - start;
	if (n > FILENAME_MAX_BYTES) {
		const char *dot = memrchr(out, '.', n);
		size_t ext = dot != NULL ? n - (size_t)(dot - out) : 0;
		size_t keep;

		if (ext == 0 || ext > FILENAME_EXT_KEEP || ext == n)
			ext = 0;
		keep = trim_end(out, cut_utf8(out, n - ext, FILENAME_MAX_BYTES - ext));
		memmove(out + keep, out + n - ext, ext);
		n = trim_end(out, keep + ext);
		if (n == 0)
			return bgw_arena_strdup(a, FILENAME_FALLBACK);
	}
	out[n] = '\0';
	return out;
}

/* RFC 5987 attr-char: kept as is in filename*. */
static bool
attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL);
}

char *
filename_content_disposition(bgw_arena *a, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char pre[] = "attachment; filename=\"";
	static const char mid[] = "\"; filename*=UTF-8''";
	const unsigned char *p = (const unsigned char *)(name != NULL ? name : "");
	size_t n = strlen((const char *)p), o, len;
	char *out;

	/* Each byte is at most one fallback character and three percent-encoded ones. */
	if ((out = bgw_arena_alloc(a, sizeof(pre) + sizeof(mid) + 4 * n + 1)) == NULL)
		return NULL;
	o = (size_t)(stpcpy(out, pre) - out);
	for (size_t i = 0; i < n; i += len) {
		int32_t cp = decode(p + i, n - i, &len);

		if (cp < 0)
			continue;
		out[o++] = cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != '%' ?
		    (char)cp : '_';
	}
	o = (size_t)(stpcpy(out + o, mid) - out);
	for (size_t i = 0; i < n; i += len) {
		if (decode(p + i, n - i, &len) < 0)
			continue;
		for (size_t j = 0; j < len; j++) {
			unsigned char c = p[i + j];

			if (attr_char(c)) {
				out[o++] = (char)c;
			} else {
				out[o++] = '%';
				out[o++] = hex[c >> 4];
				out[o++] = hex[c & 15];
			}
		}
	}
	out[o] = '\0';
	return out;
}
