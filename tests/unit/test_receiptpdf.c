/* test_receiptpdf.c - the sealed receipt drawn from a receipt as conf_receipt returns it,
 * read back with pdftotext and zbarimg: Japanese and English, amounts, respondent and
 * approver, version, seal, and the QR code's public seal check address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pdf/receiptpdf.h"
#include "pdfread.h"

#define SEAL "3f1c9a0b7e2d4c5f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f"
#define BASE "https://bgw.example"

static json_t *
sample(void)
{
	return json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:[{s:s, s:s, s:s, s:s}, "
	    "{s:s, s:s, s:s, s:s}]}, s:{s:i, s:b, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, "
	    "s:[{s:s, s:b, s:s}, {s:s, s:b, s:s, s:s}], s:[{s:s, s:s, s:s}]}}",
	    "confirmation", "id", "c1", "reference", "ABCDEFGH23", "type", "bank",
	    "form", "positive", "as_of", "2026-03-31", "respondent", "organization", "みずほ銀行",
	    "items", "id", "i1", "label", "普通預金", "currency", "JPY", "amount", "1250000",
	    "id", "i2", "label", "定期預金", "currency", "JPY", "amount", "300000",
	    "response", "version", 2, "final", 1, "seal", SEAL,
	    "submitted_at", "2026-04-10 09:05:00+00",
	    "responder", "name", "銀行 花子", "title", "課長",
	    "approver", "name", "承認 太郎", "title", "部長",
	    "items", "item_id", "i1", "agrees", 1, "amount", "1250000",
	    "item_id", "i2", "agrees", 0, "amount", "290000", "note", "利息計上前",
	    "extra_items", "label", "当座借越", "currency", "JPY", "amount", "50000");
}

static void
receipt_reads_back(void **state)
{
	bgw_arena *a = bgw_arena_new();
	json_t *r = sample();
	pdfbuf b = {0};
	char *text, *codes;

	(void)state;
	if (!pdfread_tools())
		skip();
	assert_non_null(r);
	/* The audit side's copy (receiptpdf_load adds these for it). */
	json_object_set_new(r, "reviews", json_pack("[{s:s, s:s, s:s}]", "result", "exception",
	    "note", "10,000円の差異", "reviewed_at", "2026-04-12 10:00:00+00"));
	json_object_set_new(r, "reconciling_items", json_pack("[{s:s, s:s, s:s, s:s}]",
	    "kind", "timing_difference", "currency", "JPY", "amount", "10000", "note", "期末日後入金"));
	assert_int_equal(receiptpdf_render(a, r, BASE, pdfbuf_write, &b), BGW_OK);
	text = pdfread_run(&b, "pdftotext doc.pdf -");
	for (const char *want[] = {"確認状回答控え", "Receipt of a confirmation answer",
	    "ABCDEFGH23", "みずほ銀行", "1,250,000円", "290,000円", "300,000円", "50,000円",
	    "不一致", "利息計上前", "銀行 花子（課長）", "承認 太郎（部長）", SEAL, "2026年3月31日",
	    "当座借越", "監査チームの検討", "差異あり Exception", "2026年4月12日 10:00 UTC", "10,000円の差異", "時点差異",
	    "10,000円", "期末日後入金", NULL}, **w = want; *w != NULL; w++)
		if (strstr(text, *w) == NULL)
			fail_msg("missing %s in:\n%s", *w, text);
	codes = pdfread_run(&b, "pdftoppm -r 150 -png doc.pdf p && zbarimg -q --raw p*.png 2>/dev/null");
	assert_string_equal(codes, BASE "/verify?reference=ABCDEFGH23&seal=" SEAL "\n");
	free(text);
	free(codes);
	json_decref(r);
	pdfbuf_free(&b);
	bgw_arena_free(a);
}

/* The widest hex digits stay on one line: pdftotext reads the seal as one word. */
static void
wide_seal_on_one_line(void **state)
{
	static const char *seals[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
		"bdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbd"};

	(void)state;
	if (!pdfread_tools())
		skip();
	for (size_t i = 0; i < sizeof(seals) / sizeof(*seals); i++) {
		bgw_arena *a = bgw_arena_new();
		json_t *r = sample();
		pdfbuf b = {0};
		char *text;

		json_object_set_new(json_object_get(r, "response"), "seal", json_string(seals[i]));
		assert_int_equal(receiptpdf_render(a, r, BASE, pdfbuf_write, &b), BGW_OK);
		text = pdfread_run(&b, "pdftotext doc.pdf -");
		if (strstr(text, seals[i]) == NULL)
			fail_msg("seal %zu broken in:\n%s", i, text);
		free(text);
		json_decref(r);
		pdfbuf_free(&b);
		bgw_arena_free(a);
	}
}

static void
no_seal_no_receipt(void **state)
{
	bgw_arena *a = bgw_arena_new();
	json_t *r = sample();
	pdfbuf b = {0};

	(void)state;
	json_object_del(json_object_get(r, "response"), "seal");
	assert_int_equal(receiptpdf_render(a, r, BASE, pdfbuf_write, &b), BGW_E_VALIDATION);
	assert_int_equal(b.len, 0);
	json_decref(r);
	bgw_arena_free(a);
}

static void
verify_url_is_encoded(void **state)
{
	bgw_arena *a = bgw_arena_new();

	(void)state;
	assert_string_equal(receiptpdf_verify_url(a, BASE, "AB CD&", "00ff"),
	    BASE "/verify?reference=AB%20CD%26&seal=00ff");
	assert_null(receiptpdf_verify_url(a, BASE, NULL, "00"));
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(receipt_reads_back),
		cmocka_unit_test(wide_seal_on_one_line),
		cmocka_unit_test(no_seal_no_receipt),
		cmocka_unit_test(verify_url_is_encoded),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	pdf_release_fonts(); /* so that the leak check sees only our own memory */
	return failed;
}
