/* test_importrow.c - the tabular row model every importer fills, as the person who fills in
 * the template meets it: rows of one group become one confirmation with its items, headers
 * in English or Japanese in any order, Excel's dates and neutralised formulas accepted,
 * and every bad row reported with its row and column rather than the first alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "records/importrow.h"

#define MAXC 16

/* Split a comma-separated line into cells (no quoting: the CSV reader's job). */
static size_t
cells_of(const char *line, import_cell *cells)
{
	size_t n = 0;
	const char *p = line;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		cells[n].s = len > 0 ? p : NULL;
		cells[n].n = len;
		n++;
		if (comma == NULL || n == MAXC)
			return n;
		p = comma + 1;
	}
}

/* Build from lines[0] (the header) and the data rows; answers finish's result. */
static bgw_err
build(bgw_arena *a, const char *const *lines, size_t nlines, import_result *out)
{
	import_builder *b;
	import_cell cells[MAXC];
	size_t n;

	assert_int_equal(import_builder_new(a, out, &b), BGW_OK);
	n = cells_of(lines[0], cells);
	assert_int_equal(import_builder_header(b, 1, cells, n), BGW_OK);
	for (size_t i = 1; i < nlines; i++) {
		n = cells_of(lines[i], cells);
		assert_int_equal(import_builder_row(b, (int)i + 1, cells, n), BGW_OK);
	}
	return import_builder_finish(b);
}

static bool
has_error(const import_result *r, int row, const char *column)
{
	for (size_t i = 0; i < r->nerrors; i++)
		if (r->errors[i].row == row && (column == NULL ? r->errors[i].column == NULL :
		    r->errors[i].column != NULL && strcmp(r->errors[i].column, column) == 0))
			return true;
	return false;
}

#define HEADER "group,type,form,respondent_organization,respondent_email,respondent_name," \
	"as_of,due_date,label,reference,currency,amount"

static void
test_a_group_of_rows_is_one_confirmation_with_its_items(void **state)
{
	static const char *const lines[] = {HEADER,
		"1,bank,positive,銀行A,a@example.test,担当,2026-03-31,2026-04-30,普通預金,,JPY,1000",
		"1,,,,,,,,当座預金,R-2,JPY,'-5",
		"2,payable,blank,C社,c@example.test,経理,2026/3/31,2026/4/30,買掛金,,USD,",
	};
	bgw_arena *a = bgw_arena_new();
	import_result r;

	(void)state;
	assert_int_equal(build(a, lines, sizeof(lines) / sizeof(lines[0]), &r), BGW_OK);
	assert_int_equal(r.nerrors, 0);
	assert_int_equal(r.nconfirmations, 2);
	assert_int_equal(r.nitems, 3);
	assert_string_equal(r.confirmations[0].respondent_org, "銀行A");
	assert_int_equal(r.confirmations[0].nitems, 2);
	assert_string_equal(r.confirmations[0].items[1].reference, "R-2");
	/* the apostrophe that neutralised a formula is dropped */
	assert_string_equal(r.confirmations[0].items[1].amount, "-5");
	assert_int_equal(r.confirmations[0].items[1].row, 3);
	/* Excel's Japanese dates are normalised; a blank form may leave the amount empty */
	assert_string_equal(r.confirmations[1].as_of, "2026-03-31");
	assert_string_equal(r.confirmations[1].due_date, "2026-04-30");
	assert_null(r.confirmations[1].items[0].amount);
	assert_int_equal(r.confirmations[1].row, 4);
	bgw_arena_free(a);
}

static void
test_headers_in_any_order(void **state)
{
	bgw_arena *a = bgw_arena_new();
	import_builder *b;
	import_result r;
	import_cell cells[MAXC];
	const char *names[IMPORT_COL__COUNT];
	char header[1024] = "", row[1024] = "";
	static const char *const values[IMPORT_COL__COUNT] = {"g", "bank", "positive", "銀行",
		"b@example.test", "担当", "2026-03-31", "2026-04-30", "預金", "", "JPY", "1", "en"};
	size_t n;

	(void)state;
	/* the canonical names, written in reverse order */
	for (int c = 0; c < IMPORT_COL__COUNT; c++)
		names[c] = import_col_name((import_col)c);
	for (int c = IMPORT_COL__COUNT - 1; c >= 0; c--) {
		strcat(header, names[c]);
		strcat(row, values[c]);
		if (c > 0) {
			strcat(header, ",");
			strcat(row, ",");
		}
	}
	assert_int_equal(import_builder_new(a, &r, &b), BGW_OK);
	n = cells_of(header, cells);
	assert_int_equal(import_builder_header(b, 1, cells, n), BGW_OK);
	assert_int_equal(import_builder_column(b, 0), IMPORT_COL_RESPONDENT_LOCALE);
	assert_int_equal(import_builder_column(b, 1), IMPORT_COL_AMOUNT);
	n = cells_of(row, cells);
	assert_int_equal(import_builder_row(b, 2, cells, n), BGW_OK);
	assert_int_equal(import_builder_finish(b), BGW_OK);
	assert_string_equal(r.confirmations[0].items[0].currency, "JPY");
	assert_string_equal(r.confirmations[0].respondent_locale, "en");
	bgw_arena_free(a);
}

static void
test_every_bad_row_is_reported_with_its_column(void **state)
{
	static const char *const lines[] = {HEADER,
		"1,bank,positive,銀行A,a@example.test,担当,2026-03-31,2026-04-30,預金,,JPY,1000",
		"2,nonsense,positive,B,b@example.test,担当,2026-03-31,2026-04-30,預金,,JPY,1",
		"3,bank,positive,C,c@example.test,担当,2026-02-30,2026-04-30,預金,,JPY,1",
		"4,bank,positive,D,d@example.test,担当,2026-03-31,2026-03-01,預金,,JPY,1",
		"5,bank,positive,E,e@example.test,担当,2026-03-31,2026-04-30,預金,,JPY,1.23456",
		"1,bank,positive,銀行A,a@example.test,担当,2026-03-31,2026-04-30,again,,JPY,1",
	};
	bgw_arena *a = bgw_arena_new();
	import_result r;

	(void)state;
	assert_int_equal(build(a, lines, sizeof(lines) / sizeof(lines[0]), &r),
	    BGW_E_VALIDATION);
	assert_true(has_error(&r, 3, "type"));
	assert_true(has_error(&r, 4, "as_of"));
	assert_true(has_error(&r, 5, "due_date"));
	assert_true(has_error(&r, 6, "amount"));
	assert_true(has_error(&r, 7, "group")); /* a group used again after another */
	for (size_t i = 0; i < r.nerrors; i++)
		assert_int_not_equal(r.errors[i].row, 2);
	bgw_arena_free(a);
}

static void
test_a_bad_header_stops_before_the_rows(void **state)
{
	static const char *const missing[] = {"group,type,form", "1,bank,positive"};
	static const char *const unknown[] = {HEADER ",colour", "1,bank"};
	bgw_arena *a = bgw_arena_new();
	import_result r;

	(void)state;
	assert_int_equal(build(a, missing, 2, &r), BGW_E_VALIDATION);
	for (size_t i = 0; i < r.nerrors; i++)
		assert_int_equal(r.errors[i].row, 1);
	assert_int_equal(build(a, unknown, 2, &r), BGW_E_VALIDATION);
	assert_true(has_error(&r, 1, NULL) || r.errors[0].row == 1);
	bgw_arena_free(a);
}

static void
test_an_empty_file_is_one_error(void **state)
{
	static const char *const lines[] = {HEADER};
	bgw_arena *a = bgw_arena_new();
	import_result r;

	(void)state;
	assert_int_equal(build(a, lines, 1, &r), BGW_E_VALIDATION);
	assert_int_equal(r.nerrors, 1);
	assert_int_equal(r.nconfirmations, 0);
	bgw_arena_free(a);
}

static void
test_amount_and_date_syntax(void **state)
{
	(void)state;
	assert_true(import_amount_valid("0"));
	assert_true(import_amount_valid("-123456789012345678.1234"));
	assert_false(import_amount_valid("1234567890123456789"));
	assert_false(import_amount_valid("1.23456"));
	assert_false(import_amount_valid("1,000"));
	assert_false(import_amount_valid("+1"));
	assert_false(import_amount_valid(""));
	assert_true(import_date_valid("2028-02-29"));
	assert_false(import_date_valid("2026-02-29"));
	assert_false(import_date_valid("2026-13-01"));
	assert_false(import_date_valid("2026/03/31"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_group_of_rows_is_one_confirmation_with_its_items),
		cmocka_unit_test(test_headers_in_any_order),
		cmocka_unit_test(test_every_bad_row_is_reported_with_its_column),
		cmocka_unit_test(test_a_bad_header_stops_before_the_rows),
		cmocka_unit_test(test_an_empty_file_is_one_error),
		cmocka_unit_test(test_amount_and_date_syntax),
	};

	return cmocka_run_group_tests_name("importrow", tests, NULL, NULL);
}
