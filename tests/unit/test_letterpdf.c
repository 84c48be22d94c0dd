/* test_letterpdf.c - request letters read back with pdftotext and zbarimg: the addressee
 * inside the 長形3号 window, the client as sender and the auditor as the reply's address,
 * the items, the answer address as text and QR code, the first-access code, the verify
 * hint; a letter a page group with its own numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pdf/letterpdf.h"
#include "pdfread.h"

#define BASE "https://bgw.example"

/* The window of a 長形3号 envelope on the folded A4 sheet, in points (pdftotext -r 72):
 * 90 x 45 mm, 20 mm from the left and 13 mm from the top. */
#define WINDOW_CROP "-x 57 -y 37 -W 255 -H 128"

/* Two letters into set; returns the items array, which the caller releases. */
static json_t *
two_letters(bgw_arena *a, letters_set *set)
{
	static char code1[] = "ABCD-EFGH-JKLM", code2[] = "NPQR-STUV-WXYZ";
	json_t *items = json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]",
	    "label", "普通預金", "reference", "001-1234567", "currency", "JPY", "amount", "1250000",
	    "label", "USD current account", "reference", "US-9", "currency", "USD",
	    "amount", "1042.50");

	set->firm_name = "監査法人テスト";
	set->client_name = "株式会社サンプル";
	set->base_url = BASE;
	set->n = 2;
	set->list = bgw_arena_calloc(a, 2, sizeof(letter));
	set->list[0] = (letter){.id = "c1", .reference = "ABCDEFGH23", .organization = "みなと銀行 本店",
		.person = "残高確認ご担当者", .as_of = "2026-03-31", .due_date = "2026-04-30",
		.items = items, .answer_url = BASE "/confirmations/c1", .code = code1};
	set->list[1] = (letter){.id = "c2", .reference = "JKLMNPQR45", .organization = "さくら商事",
		.person = NULL, .as_of = "2026-03-31", .due_date = "2026-04-30",
		.items = items, .answer_url = BASE "/confirmations/c2", .code = code2};
	return items;
}

static void
letters_read_back(void **state)
{
	bgw_arena *a = bgw_arena_new();
	letters_set set;
	pdfbuf b = {0};
	char *text, *window, *codes;
	json_t *items;

	(void)state;
	if (!pdfread_tools())
		skip();
	items = two_letters(a, &set);
	assert_int_equal(letterpdf_render(a, &set, "2026-04-01", pdfbuf_write, &b), BGW_OK);
	text = pdfread_run(&b, "pdftotext doc.pdf -");
	for (const char *want[] = {"残高確認のお願い", "Request for confirmation", "株式会社サンプル",
	    "監査法人テスト", "1,250,000円", "001-1234567", "2026年3月31日", "2026年4月30日",
	    "ABCD-EFGH-JKLM", "NPQR-STUV-WXYZ", BASE "/confirmations/c1", BASE "/verify",
	    "ABCDEFGH23", "JKLMNPQR45", "2026年4月1日", NULL}, **w = want; *w != NULL; w++)
		if (strstr(text, *w) == NULL)
			fail_msg("missing %s in:\n%s", *w, text);
	/* The addressee shows through the window; the body does not. */
	window = pdfread_run(&b, "pdftotext -f 1 -l 1 " WINDOW_CROP " doc.pdf -");
	assert_non_null(strstr(window, "みなと銀行 本店"));
	assert_non_null(strstr(window, "残高確認ご担当者 様"));
	assert_null(strstr(window, "ABCD-EFGH-JKLM"));
	free(window);
	window = pdfread_run(&b, "pdftotext -f 2 -l 2 " WINDOW_CROP " doc.pdf -");
	if (strstr(window, "さくら商事 御中") == NULL) {
		free(window);
		window = pdfread_run(&b, "pdftotext -f 3 -l 3 " WINDOW_CROP " doc.pdf -");
	}
	assert_non_null(strstr(window, "さくら商事 御中"));
	codes = pdfread_run(&b, "pdftoppm -r 150 -png doc.pdf p && zbarimg -q --raw p*.png 2>/dev/null");
	assert_string_equal(codes, BASE "/confirmations/c1\n" BASE "/confirmations/c2\n");
	free(window);
	free(text);
	free(codes);
	json_decref(items);
	pdfbuf_free(&b);
	bgw_arena_free(a);
}

static void
empty_set_is_refused(void **state)
{
	bgw_arena *a = bgw_arena_new();
	letters_set set = {0};
	pdfbuf b = {0};

	(void)state;
	assert_int_equal(letterpdf_render(a, &set, "2026-04-01", pdfbuf_write, &b), BGW_E_VALIDATION);
	assert_int_equal(b.len, 0);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(letters_read_back),
		cmocka_unit_test(empty_set_is_refused),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	pdf_release_fonts(); /* so that the leak check sees only our own memory */
	return failed;
}
