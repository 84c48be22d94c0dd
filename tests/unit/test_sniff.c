/* test_sniff.c - content types by content: the fixture files, signatures, strict UTF-8 text,
 * zip structure checks, and the same answer however the stream is cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "files/sniff.h"

#define FIXTURE_MAX (64 * 1024)

static size_t
load_fixture(const char *name, unsigned char *buf, size_t cap)
{
	const char *src = getenv("BGW_SRCDIR");
	char path[1024];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/files/%s", src ? src : ".", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* Feed in pieces of step bytes (0: one piece). */
static const char *
sniff_steps(const unsigned char *buf, size_t n, size_t step, const char *hint)
{
	sniff_state *s = sniff_new();
	const char *t;

	assert_non_null(s);
	for (size_t i = 0; i < n;) {
		size_t k = step == 0 || n - i < step ? n - i : step;

		(void)sniff_feed(s, buf + i, k);
		i += k;
	}
	t = sniff_finish(s, hint);
	sniff_free(s);
	return t;
}

static void
check(const unsigned char *buf, size_t n, const char *hint, const char *want)
{
	static const size_t steps[] = {0, 1, 2, 3, 7, 11, 12, 13, 4096};
	const char *got = sniff_type(buf, n, hint);

	if ((want == NULL) != (got == NULL) || (want && strcmp(want, got) != 0))
		print_error("case %.8s: want %s, got %s\n", (const char *)buf, want ? want : "NULL", got ? got : "NULL");

	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		assert_ptr_equal(sniff_steps(buf, n, steps[i], hint), got);
}

static void
test_fixtures(void **state)
{
	static const struct {
		const char *file, *hint, *want;
	} cases[] = {
		{"tiny.pdf", "report.pdf", SNIFF_PDF},
		{"tiny.pdf", "looks-like.csv", SNIFF_PDF}, /* the name never overrides content */
		{"tiny.png", NULL, SNIFF_PNG},
		{"tiny.jpg", "x.png", SNIFF_JPEG},
		{"tiny.gif", NULL, SNIFF_GIF},
		{"tiny.zip", "a.docx", SNIFF_ZIP},
		{"tiny.docx", "x.zip", SNIFF_DOCX},
		{"tiny.xlsx", NULL, SNIFF_XLSX},
		{"balances.csv", "balances.csv", SNIFF_CSV},
		{"balances.csv", "BALANCES.CSV", SNIFF_CSV},
		{"balances.csv", "balances.txt", SNIFF_TEXT},
		{"balances.csv", NULL, SNIFF_TEXT},
		{"notes.txt", "notes.txt", SNIFF_TEXT},
		{"balances-sjis.csv", "balances.csv", NULL}, /* Shift_JIS is refused */
	};
	static unsigned char buf[FIXTURE_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = load_fixture(cases[i].file, buf, sizeof(buf));

		check(buf, n, cases[i].hint, cases[i].want);
	}
}

static void
test_signatures(void **state)
{
	static const struct {
		const char *bytes;
		size_t n;
		const char *want;
	} cases[] = {
		{"%PDF-1.7\n", 9, SNIFF_PDF},
		{"%PDF-", 5, SNIFF_PDF},
		{"%PDF", 4, SNIFF_TEXT},          /* too short to be a PDF: just text */
		{" %PDF-1.7", 9, SNIFF_TEXT},     /* not at offset 0 */
		{"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, SNIFF_PNG},
		{"\x89PNG\r\n\x1a", 7, NULL},      /* cut signature, not text either */
		{"\xff\xd8\xff\xe0", 4, SNIFF_JPEG},
		{"\xff\xd8\xfe", 3, NULL},
		{"GIF87a\1\0", 8, SNIFF_GIF},
		{"GIF88a b", 8, SNIFF_TEXT},
		{"RIFF\x10\0\0\0WEBPVP8 ", 16, SNIFF_WEBP},
		{"RIFF\x10\0\0\0WAVEfmt ", 16, NULL}, /* a WAV: binary, refused */
		{"II*\0\x08\0\0\0", 8, SNIFF_TIFF},
		{"MM\0*\0\0\0\x08", 8, SNIFF_TIFF},
		{"MZ\x90\0\x03\0\0\0", 8, NULL},   /* a Windows executable */
		{"\x7f" "ELF\2\1\1", 7, NULL},
		{"#!/bin/sh\nrm -rf /\n", 19, SNIFF_TEXT}, /* text is text; it is never run */
		{"<html><script>", 14, SNIFF_TEXT},
		{"", 0, NULL},                     /* empty */
		{"a", 1, SNIFF_TEXT},
		{"PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22, NULL}, /* empty archive */
		{"PK\3\4garbage", 11, NULL},       /* no end of central directory */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check((const unsigned char *)cases[i].bytes, cases[i].n, "x.txt", cases[i].want);
}

static void
test_utf8_text(void **state)
{
	static const struct {
		const char *bytes;
		const char *want;
	} cases[] = {
		{"plain ascii, with\ttab\r\n", SNIFF_TEXT},
		{"\xef\xbb\xbf" "bom", SNIFF_TEXT},
		{"\xe6\xae\x8b\xe9\xab\x98", SNIFF_TEXT},          /* 残高 */
		{"\xf0\x9f\x98\x80 emoji", SNIFF_TEXT},
		{"\xf4\x8f\xbf\xbf max", SNIFF_TEXT},               /* U+10FFFF */
		{"nul\0inside", NULL},
		{"bell\a", NULL},
		{"esc\x1b[31m", NULL},
		{"del\x7f", NULL},
		{"c1 \xc2\x85", NULL},                              /* NEL */
		{"latin1 \xe9t\xe9", NULL},
		{"overlong \xc0\xaf", NULL},
		{"overlong \xe0\x80\xaf", NULL},
		{"overlong \xf0\x80\x80\xaf", NULL},
		{"surrogate \xed\xa0\x80", NULL},
		{"too big \xf4\x90\x80\x80", NULL},
		{"stray \x80", NULL},
		{"cut \xe6\xae", NULL},                             /* ends inside a character */
		{"\x82\xa0 sjis", NULL},
		{"\xc2\xa0 nbsp", SNIFF_TEXT},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].bytes);

		if (strncmp(cases[i].bytes, "nul", 3) == 0)
			n = 10;
		check((const unsigned char *)cases[i].bytes, n, NULL, cases[i].want);
	}
}

/* A refusal is known early, so the handler can stop reading. */
static void
test_early_refusal(void **state)
{
	sniff_state *s = sniff_new();

	(void)state;
	assert_int_equal(sniff_feed(s, "hello ", 6), BGW_OK);
	assert_int_equal(sniff_feed(s, "wor\0ld and more", 15), BGW_E_UNSUPPORTED_TYPE);
	assert_int_equal(sniff_feed(s, "x", 1), BGW_E_UNSUPPORTED_TYPE);
	assert_null(sniff_finish(s, NULL));
	assert_null(sniff_finish(s, NULL)); /* once only */
	sniff_free(s);
	sniff_free(NULL);
}

/* Zips are checked for an end record that closes the file; OOXML needs both names. */
static void
test_zip_structure(void **state)
{
	static unsigned char buf[FIXTURE_MAX], big[3 * SNIFF_ZIP_TAIL];
	size_t n = load_fixture("tiny.xlsx", buf, sizeof(buf));

	(void)state;
	check(buf, n - 1, NULL, NULL);           /* cut */
	buf[n] = 'X';
	check(buf, n + 1, NULL, NULL);           /* trailing byte */
	buf[n - 5] ^= 1;                          /* central directory offset off by one */
	check(buf, n, NULL, NULL);
	buf[n - 5] ^= 1;
	check(buf, n, NULL, SNIFF_XLSX);

	/* A large archive: a stored entry bigger than the tail, then the directory. */
	n = load_fixture("tiny.docx", buf, sizeof(buf));
	{
		/* Prefix bytes inside the first entry are not possible without rewriting the
		 * archive; instead prepend a big stored entry by shifting offsets. */
		size_t pad = sizeof(big) - n;
		const unsigned char *eocd = buf + n - 22;
		uint32_t cd_off = eocd[16] | eocd[17] << 8 | eocd[18] << 16 | (uint32_t)eocd[19] << 24;
		uint32_t cd_size = eocd[12] | eocd[13] << 8 | eocd[14] << 16 | (uint32_t)eocd[15] << 24;
		unsigned char *p;

		memset(big, 'A', sizeof(big));
		/* Layout: the original local entries, pad bytes (inside no entry: a valid reader
		 * only follows the directory), then the directory and end record. */
		memcpy(big, buf, cd_off);
		memcpy(big + cd_off + pad, buf + cd_off, n - cd_off);
		p = big + sizeof(big) - 22;
		cd_off += (uint32_t)pad;
		p[16] = (unsigned char)cd_off;
		p[17] = (unsigned char)(cd_off >> 8);
		p[18] = (unsigned char)(cd_off >> 16);
		p[19] = (unsigned char)(cd_off >> 24);
		(void)cd_size;
		check(big, sizeof(big), NULL, SNIFF_DOCX);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_utf8_text),
		cmocka_unit_test(test_early_refusal),
		cmocka_unit_test(test_zip_structure),
	};

	return cmocka_run_group_tests_name("sniff", tests, NULL, NULL);
}
