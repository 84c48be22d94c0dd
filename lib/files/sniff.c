/* sniff.c - streaming content-type detection (rules in sniff.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "files/sniff.h"

#define EOCD_LEN 22
#define EOCD_COMMENT_MAX 65535
#define CDH_LEN 46 /* central directory file header without its variable fields */
#define ZIP_U16_MAX 0xFFFFu
#define ZIP_U32_MAX 0xFFFFFFFFu

enum kind { K_UNDECIDED, K_REJECT, K_PDF, K_PNG, K_JPEG, K_GIF, K_WEBP, K_TIFF, K_ZIP, K_TEXT };

struct sniff_state {
	enum kind kind;
	unsigned char head[SNIFF_MAGIC_LEN];
	size_t head_len;
	uint64_t total;
	/* UTF-8: continuation bytes still expected, and the range the next one must be in
	 * (narrower after E0, ED, F0, F4: no overlongs, surrogates or > U+10FFFF). */
	int need;
	unsigned char lo, hi;
	bool after_c2; /* the previous byte was C2: a following 80..9F is a C1 control */
	bool finished;
	unsigned char *tail; /* zip only: the last SNIFF_ZIP_TAIL bytes, a ring */
};

static const struct {
	const char *magic;
	size_t len;
	enum kind kind;
} signatures[] = {
	{"%PDF-", 5, K_PDF},
	{"\x89PNG\r\n\x1a\n", 8, K_PNG},
	{"\xff\xd8\xff", 3, K_JPEG},
	{"GIF87a", 6, K_GIF},
	{"GIF89a", 6, K_GIF},
	{"II*\0", 4, K_TIFF},
	{"MM\0*", 4, K_TIFF},
	{"PK\3\4", 4, K_ZIP},
};

sniff_state *
sniff_new(void)
{
	return calloc(1, sizeof(sniff_state));
}

void
sniff_free(sniff_state *s)
{
	if (s == NULL)
		return;
	free(s->tail);
	free(s);
}

void
sniff_free_hook(void *s)
{
	sniff_free(s);
}

static enum kind
classify(const unsigned char *h, size_t n)
{
	for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++)
		if (n >= signatures[i].len && memcmp(h, signatures[i].magic, signatures[i].len) == 0)
			return signatures[i].kind;
	if (n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WEBP", 4) == 0)
		return K_WEBP;
	return K_TEXT;
}

/* One byte of the text check; false if the text is not acceptable. */
static bool
text_byte(sniff_state *s, unsigned char c)
{
	if (s->need > 0) {
		if (c < s->lo || c > s->hi)
			return false;
		if (s->after_c2 && c <= 0x9f)
			return false; /* U+0080..U+009F */
		s->after_c2 = false;
		s->lo = 0x80;
		s->hi = 0xbf;
		s->need--;
		return true;
	}
	if (c < 0x80)
		return c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n' || c == '\r');
	s->lo = 0x80;
	s->hi = 0xbf;
	s->after_c2 = c == 0xc2;
	if (c >= 0xc2 && c <= 0xdf)
		s->need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		s->need = 2;
		if (c == 0xe0)
			s->lo = 0xa0; /* no overlongs */
		else if (c == 0xed)
			s->hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		s->need = 3;
		if (c == 0xf0)
			s->lo = 0x90;
		else if (c == 0xf4)
			s->hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		return false; /* 80..C1, F5..FF */
	}
	return true;
}

static void
tail_append(sniff_state *s, const unsigned char *p, size_t n, uint64_t at)
{
	/* Only the last SNIFF_ZIP_TAIL bytes matter. */
	if (n > SNIFF_ZIP_TAIL) {
		at += n - SNIFF_ZIP_TAIL;
		p += n - SNIFF_ZIP_TAIL;
		n = SNIFF_ZIP_TAIL;
	}
	while (n > 0) {
		size_t pos = (size_t)(at % SNIFF_ZIP_TAIL);
		size_t take = SNIFF_ZIP_TAIL - pos < n ? SNIFF_ZIP_TAIL - pos : n;

		memcpy(s->tail + pos, p, take);
		p += take;
		at += take;
		n -= take;
	}
}

/* Process n bytes that start at file offset at, the kind being decided. */
static void
process(sniff_state *s, const unsigned char *p, size_t n, uint64_t at)
{
	if (s->kind == K_TEXT) {
		for (size_t i = 0; i < n; i++)
			if (!text_byte(s, p[i])) {
				s->kind = K_REJECT;
				return;
			}
	} else if (s->kind == K_ZIP) {
		tail_append(s, p, n, at);
	}
}

static void
decide(sniff_state *s)
{
	s->kind = classify(s->head, s->head_len);
	if (s->kind == K_ZIP && (s->tail = malloc(SNIFF_ZIP_TAIL)) == NULL)
		s->kind = K_REJECT; /* fail closed */
	process(s, s->head, s->head_len, 0);
}

bgw_err
sniff_feed(sniff_state *s, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	size_t i = 0;

	if (s->finished)
		return BGW_E_UNSUPPORTED_TYPE;
	while (s->kind == K_UNDECIDED && i < n) {
		s->head[s->head_len++] = p[i++];
		if (s->head_len == SNIFF_MAGIC_LEN)
			decide(s);
	}
	if (s->kind != K_UNDECIDED && s->kind != K_REJECT && i < n)
		process(s, p + i, n - i, s->total + i);
	s->total += n;
	return s->kind == K_REJECT ? BGW_E_UNSUPPORTED_TYPE : BGW_OK;
}

static uint32_t
le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static void
reverse(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		unsigned char t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

static bool
name_is(const unsigned char *name, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(name, want, len) == 0;
}

/* The zip's label from its tail, or NULL if it is not a well-formed archive. */
static const char *
zip_type(sniff_state *s)
{
	size_t tl = s->total < SNIFF_ZIP_TAIL ? (size_t)s->total : SNIFF_ZIP_TAIL;
	uint64_t start = s->total - tl; /* file offset of t[0] */
	unsigned char *t = s->tail;
	bool types = false, word = false, xl = false;
	size_t e, lo, o;
	uint32_t entries, cd_size, cd_off;
	bool found = false;

	if (s->total > SNIFF_ZIP_TAIL) { /* rotate the ring so t[0] is the oldest byte */
		size_t pos = (size_t)(s->total % SNIFF_ZIP_TAIL);

		reverse(t, pos);
		reverse(t + pos, SNIFF_ZIP_TAIL - pos);
		reverse(t, SNIFF_ZIP_TAIL);
	}
	if (tl < EOCD_LEN)
		return NULL;
	/* The record whose comment runs exactly to the end of the file. */
	lo = tl - EOCD_LEN > EOCD_COMMENT_MAX ? tl - EOCD_LEN - EOCD_COMMENT_MAX : 0;
	for (e = tl - EOCD_LEN + 1; e-- > lo;)
		if (memcmp(t + e, "PK\5\6", 4) == 0 && le16(t + e + 20) == tl - e - EOCD_LEN) {
			found = true;
			break;
		}
	if (!found)
		return NULL;
	entries = le16(t + e + 10);
	cd_size = le32(t + e + 12);
	cd_off = le32(t + e + 16);
	if (entries == ZIP_U16_MAX || cd_size == ZIP_U32_MAX || cd_off == ZIP_U32_MAX)
		return SNIFF_ZIP; /* zip64: not looked into */
	if (le16(t + e + 4) != 0 || le16(t + e + 6) != 0 || le16(t + e + 8) != entries ||
	    entries == 0 || (uint64_t)cd_off + cd_size != start + e)
		return NULL; /* multi-disk, empty or inconsistent */
	if (cd_off < start)
		return SNIFF_ZIP; /* directory longer than the tail */
	o = (size_t)(cd_off - start);
	for (uint32_t i = 0; i < entries; i++) {
		size_t nl, len;

		if (o + CDH_LEN > e || memcmp(t + o, "PK\1\2", 4) != 0)
			return NULL;
		nl = le16(t + o + 28);
		len = CDH_LEN + nl + le16(t + o + 30) + le16(t + o + 32);
		if (o + len > e)
			return NULL;
		types |= name_is(t + o + CDH_LEN, nl, "[Content_Types].xml");
		word |= name_is(t + o + CDH_LEN, nl, "word/document.xml");
		xl |= name_is(t + o + CDH_LEN, nl, "xl/workbook.xml");
		o += len;
	}
	if (o != e)
		return NULL;
	if (types && word && !xl)
		return SNIFF_DOCX;
	if (types && xl && !word)
		return SNIFF_XLSX;
	return SNIFF_ZIP;
}

static bool
ends_with_csv(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	return n > 4 && strcasecmp(name + n - 4, ".csv") == 0;
}

const char *
sniff_finish(sniff_state *s, const char *filename_hint)
{
	if (s->finished)
		return NULL;
	s->finished = true;
	if (s->kind == K_UNDECIDED) {
		if (s->head_len == 0)
			return NULL; /* an empty file is no evidence */
		decide(s);
	}
	switch (s->kind) {
	case K_PDF:
		return SNIFF_PDF;
	case K_PNG:
		return SNIFF_PNG;
	case K_JPEG:
		return SNIFF_JPEG;
	case K_GIF:
		return SNIFF_GIF;
	case K_WEBP:
		return SNIFF_WEBP;
	case K_TIFF:
		return SNIFF_TIFF;
	case K_ZIP:
		return zip_type(s);
	case K_TEXT:
		if (s->need > 0)
			return NULL; /* cut inside a character */
		return ends_with_csv(filename_hint) ? SNIFF_CSV : SNIFF_TEXT;
	default:
		return NULL;
	}
}

const char *
sniff_type(const unsigned char *buf, size_t n, const char *filename_hint)
{
	sniff_state *s = sniff_new();
	const char *type = NULL;

	if (s == NULL)
		return NULL;
	if (sniff_feed(s, buf, n) == BGW_OK)
		type = sniff_finish(s, filename_hint);
	sniff_free(s);
	return type;
}
