/* test_pdf.c - the page model read back with poppler, qpdf and zbar: Japanese and English
 * text, fonts embedded, a table that breaks across pages repeats its header, page numbers
 * restart per letter, the QR code decodes to its text, a write error stops the document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pdf/pdf.h"
#include "pdfread.h"

#define ROWS 120 /* enough rows for three pages */

static const pdf_col cols[] = {{"項目 Item", 3, PDF_LEFT}, {"金額 Amount", 2, PDF_RIGHT}};

static void
sample(pdf_doc *d, int rows)
{
	char label[64];

	pdf_heading(d, 1, "残高確認書 Balance confirmation");
	pdf_field(d, "参照番号 Reference", "ABCD-EFGH-23");
	pdf_field(d, "空 Empty", NULL);
	pdf_table_begin(d, cols, 2);
	for (int i = 0; i < rows; i++) {
		const char *cells[2] = {label, "1,250,000円"};

		snprintf(label, sizeof(label), "普通預金 row%03d", i);
		pdf_table_row(d, cells);
	}
	pdf_table_end(d);
	pdf_qr(d, "https://bgw.example/verify?reference=ABCDEFGH23&seal=00ff", 30, "照合 Check");
}

static void
text_fonts_and_table_pages(void **state)
{
	bgw_arena *a = bgw_arena_new();
	pdfbuf b = {0};
	pdf_doc *d;
	char *text, *fonts, *check;

	(void)state;
	if (!pdfread_tools())
		skip();
	assert_int_equal(pdf_open(a, "テスト Test", pdfbuf_write, &b, &d), BGW_OK);
	sample(d, ROWS);
	assert_true(pdf_pages(d) >= 3);
	assert_int_equal(pdf_close(d), BGW_OK);
	text = pdfread_run(&b, "pdftotext doc.pdf -");
	assert_non_null(strstr(text, "残高確認書 Balance confirmation"));
	assert_non_null(strstr(text, "ABCD-EFGH-23"));
	assert_non_null(strstr(text, "—"));
	assert_non_null(strstr(text, "普通預金 row000"));
	assert_non_null(strstr(text, "普通預金 row119"));
	assert_int_equal(pdfread_count(text, "1,250,000円"), ROWS);
	/* Every page with rows starts with the header again: one header a page here. */
	assert_int_equal(pdfread_count(text, "項目 Item"), pdfread_count(text, "\f"));
	fonts = pdfread_run(&b, "pdffonts doc.pdf");
	assert_non_null(strstr(fonts, "NotoSansCJK"));
	assert_null(strstr(fonts, " no "));
	check = pdfread_run(&b, "qpdf --check doc.pdf 2>&1");
	assert_non_null(strstr(check, "No syntax or stream encoding errors"));
	free(text);
	free(fonts);
	free(check);
	pdfbuf_free(&b);
	bgw_arena_free(a);
}

static void
qr_decodes(void **state)
{
	bgw_arena *a = bgw_arena_new();
	pdfbuf b = {0};
	pdf_doc *d;
	char *codes;

	(void)state;
	if (!pdfread_tools())
		skip();
	assert_int_equal(pdf_open(a, "QR", pdfbuf_write, &b, &d), BGW_OK);
	sample(d, 3);
	assert_int_equal(pdf_close(d), BGW_OK);
	codes = pdfread_run(&b, "pdftoppm -r 150 -png doc.pdf p && zbarimg -q --raw p*.png 2>/dev/null");
	assert_string_equal(codes, "https://bgw.example/verify?reference=ABCDEFGH23&seal=00ff\n");
	free(codes);
	pdfbuf_free(&b);
	bgw_arena_free(a);
}

static void
numbers_restart_per_letter(void **state)
{
	bgw_arena *a = bgw_arena_new();
	pdfbuf b = {0};
	pdf_doc *d;
	char *text;

	(void)state;
	if (!pdfread_tools())
		skip();
	assert_int_equal(pdf_open(a, "Letters", pdfbuf_write, &b, &d), BGW_OK);
	for (int i = 0; i < 3; i++) {
		pdf_restart(d);
		pdf_place(d, 25, 20, 80, 11, "〒100-0005 東京都千代田区 御中");
		pdf_goto(d, 70);
		pdf_text(d, 0, "拝啓 Dear Sirs");
	}
	assert_int_equal(pdf_pages(d), 3);
	assert_int_equal(pdf_close(d), BGW_OK);
	text = pdfread_run(&b, "pdftotext -layout doc.pdf -");
	assert_int_equal(pdfread_count(text, "御中"), 3);
	assert_int_equal(pdfread_count(text, "Letters"), 3);
	assert_null(strstr(text, " 2\n"));
	free(text);
	pdfbuf_free(&b);
	bgw_arena_free(a);
}

static int fail_after;

static bgw_err
failing_write(void *ud, const unsigned char *buf, size_t n)
{
	(void)ud;
	(void)buf;
	(void)n;
	return fail_after-- > 0 ? BGW_OK : BGW_E_IO;
}

static void
write_error_is_sticky(void **state)
{
	bgw_arena *a = bgw_arena_new();
	pdf_doc *d;

	(void)state;
	fail_after = 0;
	assert_int_equal(pdf_open(a, "x", failing_write, NULL, &d), BGW_OK);
	sample(d, ROWS);
	assert_int_equal(pdf_close(d), BGW_E_IO);
	bgw_arena_free(a);
}

static void
abandoned_document_is_freed_with_the_arena(void **state)
{
	bgw_arena *a = bgw_arena_new();
	pdfbuf b = {0};
	pdf_doc *d;

	(void)state;
	assert_int_equal(pdf_open(a, "x", pdfbuf_write, &b, &d), BGW_OK);
	sample(d, 3);
	bgw_arena_free(a); /* the cleanup hook releases cairo's surface (ASan checks) */
	pdfbuf_free(&b);
}

static void
bad_table_fails_closed(void **state)
{
	bgw_arena *a = bgw_arena_new();
	pdfbuf b = {0};
	pdf_doc *d;

	(void)state;
	assert_int_equal(pdf_open(a, "x", pdfbuf_write, &b, &d), BGW_OK);
	pdf_table_begin(d, cols, PDF_TABLE_MAX_COLS + 1);
	assert_int_equal(pdf_close(d), BGW_E_INTERNAL);
	pdfbuf_free(&b);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_fonts_and_table_pages),
		cmocka_unit_test(qr_decodes),
		cmocka_unit_test(numbers_restart_per_letter),
		cmocka_unit_test(write_error_is_sticky),
		cmocka_unit_test(abandoned_document_is_freed_with_the_arena),
		cmocka_unit_test(bad_table_fails_closed),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	pdf_release_fonts(); /* so that the leak check sees only our own memory */
	return failed;
}
