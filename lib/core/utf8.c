/* utf8.c - strict UTF-8 decoding after Unicode 15, Table 3-7 (well-formed byte sequences). */
#include "core/utf8.h"

#include <stdint.h>

/* Sentinel for a malformed sequence: above every valid code point. */
#define UTF8_BAD UINT32_C(0xFFFFFFFF)

/* Decode one code point at s[*i] (i < n), advance *i past it; UTF8_BAD when malformed.
 * The second byte's range depends on the first byte: that is where overlongs (E0, F0),
 * surrogates (ED) and code points above U+10FFFF (F4) are excluded. */
static uint32_t
decode(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, k;
	uint32_t cp;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return UTF8_BAD; /* continuation byte, C0/C1 overlong lead, or F5..FF */
	}
	if (n - *i < len)
		return UTF8_BAD;
	for (k = 1; k < len; k++) {
		unsigned char t = s[*i + k];

		if (t < (k == 1 ? lo : 0x80) || t > (k == 1 ? hi : 0xBF))
			return UTF8_BAD;
		cp = (cp << 6) | (t & 0x3F);
	}
	*i += len;
	return cp;
}

bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		if (p[i] < 0x80) { /* fast path for ASCII */
			i++;
			continue;
		}
		if (decode(p, n, &i) == UTF8_BAD)
			return false;
	}
	return true;
}

static bool
text_char(uint32_t cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return true;
	if (cp < 0x20 || cp == 0x7F)
		return false;
	return cp < 0x80 || cp > 0x9F;
}

bool
utf8_valid_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp = decode(p, n, &i);

		if (cp == UTF8_BAD || !text_char(cp))
			return false;
	}
	return true;
}

size_t
utf8_count(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			count++;
	return count;
}
