/* test_filename.c - display names: path parts, controls, bidi overrides, Windows device
 * names, dots and spaces, the byte cap; and Content-Disposition values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "files/filename.h"

static void
test_sanitize(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"report.pdf", "report.pdf"},
		{"残高確認書.pdf", "残高確認書.pdf"},
		{"O'Brien & Co (2024).pdf", "O'Brien & Co (2024).pdf"},
		{"../../etc/passwd", "passwd"},
		{"..\\..\\boot.ini", "boot.ini"},
		{"C:\\Users\\x\\Desktop\\statement.xlsx", "statement.xlsx"},
		{"/abs/path/", "file"},
		{"dir\\", "file"},
		{"..", "file"},
		{"...", "file"},
		{"", "file"},
		{NULL, "file"},
		{" . ", "file"},
		{".htaccess", "htaccess"},
		{"..hidden.txt", "hidden.txt"},
		{"trailing. . .", "trailing"},
		{"name.pdf   ", "name.pdf"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"NUL", "_NUL"},
		{"nul.tar.gz", "_nul.tar.gz"},
		{"Com1.pdf", "_Com1.pdf"},
		{"LPT9", "_LPT9"},
		{"CON .txt", "_CON .txt"},
		{".CON", "_CON"},
		{"COM10.pdf", "COM10.pdf"},
		{"CONSOLE.pdf", "CONSOLE.pdf"},
		{"LPT0", "LPT0"},
		/* U+202E RIGHT-TO-LEFT OVERRIDE: "invoice\u202Efdp.exe" shows as invoiceexe.pdf */
		{"invoice\xe2\x80\xae" "fdp.exe", "invoicefdp.exe"},
		{"a\xe2\x81\xa6" "b\xe2\x81\xa9" "c\xe2\x80\x8f" "d\xd8\x9c" "e", "abcde"},
		{"zero\xe2\x80\x8bwidth\xef\xbb\xbf", "zerowidth"},
		{"line\nbreak\r\ttab.txt", "linebreaktab.txt"},
		{"c1\xc2\x85" "x", "c1x"},
		{"del\x7f" "x", "delx"},
		{"bad\xff\xfe" "utf8\xc0\xaf", "badutf8"},
		{"what?<is>:this|\"*.pdf", "what__is__this___.pdf"},
		{"a\0b", "a"},
		{"\xe2\x80\xae", "file"},
	};
	bgw_arena *a = bgw_arena_new();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = filename_sanitize(a, cases[i].in);

		assert_non_null(got);
		if (strcmp(got, cases[i].want) != 0)
			print_error("case %zu: want \"%s\", got \"%s\"\n", i, cases[i].want, got);
		assert_string_equal(got, cases[i].want);
	}
	bgw_arena_free(a);
}

static void
test_cap(void **state)
{
	bgw_arena *a = bgw_arena_new();
	char in[1200], *got;
	size_t n;

	(void)state;
	/* 300 bytes of ASCII and an extension: cut to 255 with the extension kept. */
	memset(in, 'x', 300);
	strcpy(in + 300, ".pdf");
	got = filename_sanitize(a, in);
	assert_int_equal(strlen(got), FILENAME_MAX_BYTES);
	assert_string_equal(got + FILENAME_MAX_BYTES - 4, ".pdf");

	/* 3-byte characters: never cut inside one. */
	n = 0;
	for (int i = 0; i < 100; i++) {
		memcpy(in + n, "\xe7\xa2\xba", 3); /* 確 */
		n += 3;
	}
	strcpy(in + n, ".xlsx");
	got = filename_sanitize(a, in);
	n = strlen(got);
	assert_true(n <= FILENAME_MAX_BYTES);
	assert_string_equal(got + n - 5, ".xlsx");
	assert_int_equal((n - 5) % 3, 0);

	/* No extension, 4-byte characters. */
	n = 0;
	for (int i = 0; i < 100; i++) {
		memcpy(in + n, "\xf0\x9f\x93\x84", 4);
		n += 4;
	}
	in[n] = '\0';
	got = filename_sanitize(a, in);
	assert_int_equal(strlen(got), 252);

	/* A long "extension" is not kept whole, and a cut never leaves a trailing dot. */
	memset(in, 'y', 250);
	memset(in + 250, '.', 5);
	memset(in + 255, 'z', 40);
	in[295] = '\0';
	got = filename_sanitize(a, in);
	assert_int_equal(strlen(got), 250);
	bgw_arena_free(a);
}

static void
test_content_disposition(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"report.pdf", "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"},
		{"残高.pdf", "attachment; filename=\"__.pdf\"; "
		    "filename*=UTF-8''%E6%AE%8B%E9%AB%98.pdf"},
		{"O'Brien & Co (2024).pdf", "attachment; filename=\"O'Brien & Co (2024).pdf\"; "
		    "filename*=UTF-8''O%27Brien%20&%20Co%20%282024%29.pdf"},
		{"a\"b\\c%d.txt", "attachment; filename=\"a_b_c_d.txt\"; "
		    "filename*=UTF-8''a%22b%5Cc%25d.txt"},
		{"x\r\nSet-Cookie: a=b", "attachment; filename=\"x__Set-Cookie: a=b\"; "
		    "filename*=UTF-8''x%0D%0ASet-Cookie%3A%20a%3Db"},
		{"", "attachment; filename=\"\"; filename*=UTF-8''"},
	};
	bgw_arena *a = bgw_arena_new();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = filename_content_disposition(a, cases[i].in);

		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		assert_null(strpbrk(got, "\r\n"));
	}
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_content_disposition),
	};

	return cmocka_run_group_tests_name("filename", tests, NULL, NULL);
}
