/* test_utf8.c - strict UTF-8 validation against Markus Kuhn's UTF-8 decoder stress test
 * (sections 1-5: correct text, boundaries, malformed sequences, overlongs, surrogates). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf8.h"

struct vec {
	const char *name;
	const char *s;
	size_t n; /* 0: strlen(s) */
	bool valid;
	bool text; /* expected utf8_valid_text */
};

#define V(name, s, valid, text) {name, s, sizeof(s) - 1, valid, text}

static const struct vec vectors[] = {
	V("empty", "", true, true),
	V("ascii", "hello, world", true, true),
	V("kosme greek", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", true, true),
	V("japanese", "\xe7\xa2\xba\xe8\xaa\x8d\xe7\x8a\xb6", true, true),
	/* 2.1 first possible sequence of each length */
	V("2.1.1 U+0000", "\x00", true, false),
	V("2.1.2 U+0080", "\xc2\x80", true, false), /* C1 control: not text */
	V("2.1.3 U+0800", "\xe0\xa0\x80", true, true),
	V("2.1.4 U+10000", "\xf0\x90\x80\x80", true, true),
	V("2.1.5 5-byte U+200000", "\xf8\x88\x80\x80\x80", false, false),
	V("2.1.6 6-byte U+4000000", "\xfc\x84\x80\x80\x80\x80", false, false),
	/* 2.2 last possible sequence of each length */
	V("2.2.1 U+007F", "\x7f", true, false), /* DEL */
	V("2.2.2 U+07FF", "\xdf\xbf", true, true),
	V("2.2.3 U+FFFF", "\xef\xbf\xbf", true, true),
	V("2.2.4 U+1FFFFF", "\xf7\xbf\xbf\xbf", false, false),
	/* 2.3 other boundaries */
	V("2.3.1 U+D7FF", "\xed\x9f\xbf", true, true),
	V("2.3.2 U+E000", "\xee\x80\x80", true, true),
	V("2.3.3 U+FFFD", "\xef\xbf\xbd", true, true),
	V("2.3.4 U+10FFFF", "\xf4\x8f\xbf\xbf", true, true),
	V("2.3.5 U+110000", "\xf4\x90\x80\x80", false, false),
	/* 3.1 unexpected continuation bytes */
	V("3.1.1 first continuation", "\x80", false, false),
	V("3.1.2 last continuation", "\xbf", false, false),
	V("3.1.3 two continuations", "\x80\xbf", false, false),
	V("3.1.x continuation after ascii", "a\x80", false, false),
	V("3.1.x extra continuation", "\xc2\x80\x80", false, false),
	/* 3.2 lonely start characters */
	V("3.2.1 lonely 2-byte start", "\xc0 ", false, false),
	V("3.2.1 lonely 2-byte start DF", "\xdf ", false, false),
	V("3.2.2 lonely 3-byte start", "\xe0 ", false, false),
	V("3.2.3 lonely 4-byte start", "\xf0 ", false, false),
	V("3.2.4 lonely 5-byte start", "\xf8 ", false, false),
	V("3.2.5 lonely 6-byte start", "\xfc ", false, false),
	/* 3.3 sequences with the last continuation byte missing */
	V("3.3.1 2-byte missing last", "\xc2", false, false),
	V("3.3.2 3-byte missing last", "\xe0\xa0", false, false),
	V("3.3.3 4-byte missing last", "\xf0\x90\x80", false, false),
	V("3.3.6 U+07FF missing last", "\xdf", false, false),
	V("3.3.7 U+FFFF missing last", "\xef\xbf", false, false),
	V("3.3.8 U+10FFFF missing last", "\xf4\x8f\xbf", false, false),
	V("3.3.x truncated then ascii", "\xe2\x82" "a", false, false),
	/* 3.4 concatenation of incomplete sequences */
	V("3.4 concatenated incomplete", "\xc2\xe0\xa0\xf0\x90\x80\xdf\xef\xbf\xf4\x8f\xbf", false, false),
	/* 3.5 impossible bytes */
	V("3.5.1 fe", "\xfe", false, false),
	V("3.5.2 ff", "\xff", false, false),
	V("3.5.3 fe fe ff ff", "\xfe\xfe\xff\xff", false, false),
	/* 4.1 overlong ASCII '/' */
	V("4.1.1 overlong / 2", "\xc0\xaf", false, false),
	V("4.1.2 overlong / 3", "\xe0\x80\xaf", false, false),
	V("4.1.3 overlong / 4", "\xf0\x80\x80\xaf", false, false),
	V("4.1.4 overlong / 5", "\xf8\x80\x80\x80\xaf", false, false),
	/* 4.2 maximum overlongs */
	V("4.2.1 max overlong 2", "\xc1\xbf", false, false),
	V("4.2.2 max overlong 3", "\xe0\x9f\xbf", false, false),
	V("4.2.3 max overlong 4", "\xf0\x8f\xbf\xbf", false, false),
	/* 4.3 overlong NUL */
	V("4.3.1 overlong NUL 2", "\xc0\x80", false, false),
	V("4.3.2 overlong NUL 3", "\xe0\x80\x80", false, false),
	V("4.3.3 overlong NUL 4", "\xf0\x80\x80\x80", false, false),
	/* 5.1 single UTF-16 surrogates */
	V("5.1.1 U+D800", "\xed\xa0\x80", false, false),
	V("5.1.5 U+DC00", "\xed\xb0\x80", false, false),
	V("5.1.7 U+DFFF", "\xed\xbf\xbf", false, false),
	/* 5.2 paired surrogates (CESU-8) */
	V("5.2.1 U+D800 U+DC00", "\xed\xa0\x80\xed\xb0\x80", false, false),
	V("5.2.8 U+DBFF U+DFFF", "\xed\xaf\xbf\xed\xbf\xbf", false, false),
	/* 5.3 noncharacters are valid UTF-8 */
	V("5.3.1 U+FFFE", "\xef\xbf\xbe", true, true),
	V("5.3.4 U+10FFFF", "\xf4\x8f\xbf\xbf", true, true),
	/* text rules */
	V("text tab lf cr", "a\tb\nc\r\n", true, true),
	V("text nul inside", "a\0b", true, false),
	V("text bell", "a\ab", true, false),
	V("text escape", "\x1b[31m", true, false),
	V("text del", "a\x7f", true, false),
	V("text U+009F", "\xc2\x9f", true, false),
	V("text U+00A0", "\xc2\xa0", true, true),
	V("text RLO (allowed)", "\xe2\x80\xae", true, true),
};

static void
test_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vec *v = &vectors[i];

		if (utf8_valid(v->s, v->n) != v->valid)
			fail_msg("utf8_valid: %s", v->name);
		if (utf8_valid_text(v->s, v->n) != v->text)
			fail_msg("utf8_valid_text: %s", v->name);
	}
}

/* Every 2-, 3- and 4-byte sequence agrees with the arithmetic definition of UTF-8. */
static bool
reference_valid(const unsigned char *b, size_t n)
{
	uint32_t cp;
	size_t k;

	if (n == 2 && (b[0] & 0xE0) == 0xC0)
		cp = b[0] & 0x1F;
	else if (n == 3 && (b[0] & 0xF0) == 0xE0)
		cp = b[0] & 0x0F;
	else if (n == 4 && (b[0] & 0xF8) == 0xF0)
		cp = b[0] & 0x07;
	else
		return false;
	for (k = 1; k < n; k++) {
		if ((b[k] & 0xC0) != 0x80)
			return false;
		cp = cp << 6 | (b[k] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
		return false;
	return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

static void
test_exhaustive_lead_bytes(void **state)
{
	unsigned c0, c1, c2;
	unsigned char b[4];

	(void)state;
	for (c0 = 0x80; c0 <= 0xFF; c0++) {
		for (c1 = 0; c1 <= 0xFF; c1++) {
			b[0] = (unsigned char)c0;
			b[1] = (unsigned char)c1;
			if (utf8_valid((char *)b, 2) != reference_valid(b, 2))
				fail_msg("2-byte %02x %02x", c0, c1);
			for (c2 = 0x80; c2 <= 0xBF; c2 += 0x3F) {
				b[2] = (unsigned char)c2;
				b[3] = 0x80;
				if (utf8_valid((char *)b, 3) != reference_valid(b, 3))
					fail_msg("3-byte %02x %02x %02x", c0, c1, c2);
				if (utf8_valid((char *)b, 4) != reference_valid(b, 4))
					fail_msg("4-byte %02x %02x %02x 80", c0, c1, c2);
			}
		}
	}
}

static void
test_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("\xe7\xa2\xba\xe8\xaa\x8d", 6), 2);
	assert_int_equal(utf8_count("a\xf0\x9f\x98\x80z", 6), 3);
}

static void
test_null_empty(void **state)
{
	(void)state;
	assert_true(utf8_valid(NULL, 0));
	assert_true(utf8_valid_text(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_exhaustive_lead_bytes),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_null_empty),
	};

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
