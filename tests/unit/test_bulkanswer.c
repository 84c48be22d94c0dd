/* test_bulkanswer.c - the desk's sheet: written as CSV and XLSX and read back, headers in
 * English and Japanese, bad headers and files refused with their row.  The use cases
 * against the database are driven end to end by tests/integration/bulk-answer.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "records/bulkanswer.h"

static bulk_item items_a[] = {{"itm_1", "普通預金", "JPY", "1250000", NULL},
	{"itm_2", "USD account", "USD", "1042.50", NULL}};
static bulk_item items_b[] = {{"itm_3", "売掛金", "JPY", NULL, NULL}};
static bulk_request reqs[] = {
	{"c1", "BGW-REF-1", "bank", "positive", true, items_a, 2, NULL, 0},
	{"c2", "=REF-2", "receivable", "blank", false, items_b, 1, NULL, 0},
};
static const bulk_set set = {reqs, 2};

typedef struct buf {
	char p[8192];
	size_t n;
} buf;

static bgw_err
to_buf(void *ud, const char *s, size_t n)
{
	buf *b = ud;

	if (b->n + n > sizeof(b->p))
		return BGW_E_TOO_LARGE;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	return BGW_OK;
}

/* The rows of the sheet read back: 2 + 3 blank extra rows (left out, empty but for the
 * reference? no: they hold the reference, so they are kept) + 1. */
static void
check_rows(const bulk_rows *r)
{
	assert_int_equal(r->n, 2 + BULKANSWER_EXTRA_ROWS + 1);
	assert_string_equal(r->rows[0].v[BULK_COL_REFERENCE], "BGW-REF-1");
	assert_string_equal(r->rows[0].v[BULK_COL_ITEM_ID], "itm_1");
	assert_string_equal(r->rows[0].v[BULK_COL_LABEL], "普通預金");
	assert_null(r->rows[0].v[BULK_COL_AGREES]);
	assert_string_equal(r->rows[1].v[BULK_COL_CURRENCY], "USD");
	assert_null(r->rows[2].v[BULK_COL_ITEM_ID]);
	assert_string_equal(r->rows[2].v[BULK_COL_REFERENCE], "BGW-REF-1");
	/* the formula-looking reference comes back exactly */
	assert_string_equal(r->rows[5].v[BULK_COL_REFERENCE], "=REF-2");
	assert_null(r->rows[5].v[BULK_COL_REQUESTED]);
}

static void
test_csv_round_trip(void **state)
{
	bgw_arena *a = bgw_arena_new();
	buf b = {.n = 0};
	bulk_rows r;

	(void)state;
	for (int l = 0; l < 2; l++) {
		b.n = 0;
		assert_int_equal(bulkanswer_write_csv(&set, l == 0 ? "ja" : "en", to_buf, &b), BGW_OK);
		assert_memory_equal(b.p, "\xEF\xBB\xBF", 3);
		assert_int_equal(bulkanswer_parse(a, CONFIMPORT_CSV, b.p, b.n, &r), BGW_OK);
		check_rows(&r);
		assert_string_equal(r.rows[0].v[BULK_COL_REQUESTED], "1250000");
	}
	bgw_arena_free(a);
}

static void
test_xlsx_round_trip(void **state)
{
	bgw_arena *a = bgw_arena_new();
	char *x;
	size_t n;
	bulk_rows r;

	(void)state;
	assert_int_equal(bulkanswer_write_xlsx(a, &set, "ja", "/tmp", &x, &n), BGW_OK);
	assert_true(n > 4 && memcmp(x, "PK\x03\x04", 4) == 0);
	assert_int_equal(bulkanswer_parse(a, CONFIMPORT_XLSX, x, n, &r), BGW_OK);
	check_rows(&r);
	/* the requested amount is a number cell now */
	assert_string_equal(r.rows[1].v[BULK_COL_REQUESTED], "1042.5");
	bgw_arena_free(a);
}

static void
test_filled_values(void **state)
{
	static const char csv[] = "reference,item_id,label,currency,agrees,amount,note\r\n"
		"R1,i1,x,JPY,yes,,\r\n"
		"  R1 , i2 ,x,JPY, no ,\"1,000\",'=note\r\n"
		",,,,,,\r\n";
	bgw_arena *a = bgw_arena_new();
	bulk_rows r;

	(void)state;
	assert_int_equal(bulkanswer_parse(a, CONFIMPORT_CSV, csv, sizeof(csv) - 1, &r), BGW_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.rows[1].row, 3);
	assert_string_equal(r.rows[1].v[BULK_COL_REFERENCE], "R1");
	assert_string_equal(r.rows[1].v[BULK_COL_AGREES], "no");
	assert_string_equal(r.rows[1].v[BULK_COL_AMOUNT], "1,000");
	assert_string_equal(r.rows[1].v[BULK_COL_NOTE], "=note");
	bgw_arena_free(a);
}

static void
test_bad_header(void **state)
{
	static const char csv[] = "reference,item,label,currency,agrees,amount,note,note\r\nR1\r\n";
	bgw_arena *a = bgw_arena_new();
	bulk_rows r;

	(void)state;
	assert_int_equal(bulkanswer_parse(a, CONFIMPORT_CSV, csv, sizeof(csv) - 1, &r),
	    BGW_E_VALIDATION);
	/* unknown "item", "note" twice, item_id missing: all on row 1 */
	assert_int_equal(r.result.nerrors, 3);
	for (size_t i = 0; i < r.result.nerrors; i++)
		assert_int_equal(r.result.errors[i].row, 1);
	assert_int_equal(bulkanswer_parse(a, CONFIMPORT_CSV, "", 0, &r), BGW_E_VALIDATION);
	assert_int_equal(bulkanswer_parse(a, CONFIMPORT_XLSX, "not a zip", 9, &r),
	    BGW_E_BAD_REQUEST);
	assert_int_equal(r.result.nerrors, 1);
	assert_int_equal(bulkanswer_parse(a, CONFIMPORT_XML, "<x/>", 4, &r),
	    BGW_E_UNSUPPORTED_TYPE);
	bgw_arena_free(a);
}

static void
test_col_names(void **state)
{
	(void)state;
	assert_string_equal(bulkanswer_col_name(BULK_COL_AGREES, "en"), "agrees");
	assert_string_equal(bulkanswer_col_name(BULK_COL_AGREES, "ja"), "一致");
	assert_string_equal(bulkanswer_col_name(BULK_COL__COUNT, "en"), "");
}

/* A bank request by the standard form (0032): its item's section, then one row per asked
 * section, in Japanese in a "ja" sheet and by name in an English one; both read back. */
static void
test_sections(void **state)
{
	static bulk_item items[] = {{"itm_9", "普通預金", "JPY", "5", "deposits"}};
	static const char *asked[] = {"deposits", "guarantees"};
	static bulk_request q[] = {{"c9", "REF-9", "bank", "positive", true, items, 1, asked, 2}};
	static const bulk_set one = {q, 1};
	bgw_arena *a = bgw_arena_new();
	buf b = {.n = 0};
	bulk_rows r;

	(void)state;
	assert_int_equal(bulkanswer_write_csv(&one, "ja", to_buf, &b), BGW_OK);
	assert_int_equal(bulkanswer_parse(a, CONFIMPORT_CSV, b.p, b.n, &r), BGW_OK);
	assert_int_equal(r.n, 1 + 2 + BULKANSWER_EXTRA_ROWS);
	assert_string_equal(r.rows[0].v[BULK_COL_SECTION], "預金");
	assert_null(r.rows[1].v[BULK_COL_ITEM_ID]);
	assert_string_equal(r.rows[2].v[BULK_COL_SECTION], "保証債務");
	assert_null(r.rows[2].v[BULK_COL_LABEL]);
	b.n = 0;
	assert_int_equal(bulkanswer_write_csv(&one, "en", to_buf, &b), BGW_OK);
	assert_int_equal(bulkanswer_parse(a, CONFIMPORT_CSV, b.p, b.n, &r), BGW_OK);
	assert_string_equal(r.rows[2].v[BULK_COL_SECTION], "guarantees");
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_xlsx_round_trip),
		cmocka_unit_test(test_filled_values),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_col_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
