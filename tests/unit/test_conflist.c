/* test_conflist.c - the confirmation list's one writer (lib/flow/confirmation.c
 * conf_rows_text): read back, every row's values are the database's, whatever they quote or
 * escape; the json_t the pages use (conf_rows_json) dumps to the very bytes the API sends;
 * and db_int, which reads its counts (here because test_db wraps PQgetvalue). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "flow/confirmation.h"
#include "http/jsonout.h"

#define COLUMNS 18

static const char *const rows[][COLUMNS] = {
	{"c1", "BG-2026-0001", "bank", "positive", "sent", "みずほ銀行 <本店>", "kaikei@example.jp",
		"経理部 \"担当\"", "2026-03-31", "2026-04-30", "2", "f", "t", "3", "p1",
		"2026年3月期 監査", "株式会社テスト & Co.", "監査法人\xe2\x80\xa8東京"},
	{"c2", "BG-2026-0002", "receivable", "negative", "agreed", "O'Brien Ltd", "ar@example.com",
		NULL, "2026-03-31", "2026-04-15", "0", "t", "f", "3", "p1", "FY2026 audit",
		"Client\\Co", "Firm\tTab"},
	{"c3", "BG-2026-0003", "payable", "blank", "draft", "</script>", "x@example.com", "",
		"2026-03-31", "2026-05-01", "12", "f", "f", "3", "p2", "p", "c", "f"},
};

static PGresult *
make_result(int nrows)
{
	PGresAttDesc attrs[COLUMNS];
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);

	memset(attrs, 0, sizeof(attrs));
	for (int c = 0; c < COLUMNS; c++) {
		attrs[c].name = (char *)"col";
		attrs[c].typid = 25; /* text */
		attrs[c].typlen = -1;
		attrs[c].atttypmod = -1;
	}
	assert_non_null(res);
	assert_int_equal(PQsetResultAttrs(res, COLUMNS, attrs), 1);
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < COLUMNS; c++) {
			const char *v = rows[r][c];

			assert_int_equal(PQsetvalue(res, r, c, (char *)v,
			    v == NULL ? -1 : (int)strlen(v)), 1);
		}
	return res;
}

static const char *
member(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The text, parsed, holds each row's values (a NULL as ""), and the total. */
static void
values_match(const char *text, size_t len, int nrows, bool inbox, long long total)
{
	json_t *body = json_loadb(text, len, 0, NULL);
	const json_t *items = json_object_get(body, "items");

	assert_non_null(body);
	assert_int_equal(json_integer_value(json_object_get(body, "total")), total);
	assert_int_equal(json_array_size(items), nrows);
	for (int r = 0; r < nrows; r++) {
		const json_t *it = json_array_get(items, (size_t)r);
		const json_t *resp = json_object_get(it, "respondent");

		assert_string_equal(member(it, "id"), rows[r][0]);
		assert_string_equal(member(it, "status"), rows[r][4]);
		assert_string_equal(member(resp, "organization"), rows[r][5]);
		assert_string_equal(member(resp, "name"), rows[r][7] != NULL ? rows[r][7] : "");
		assert_string_equal(member(it, "due_date"), rows[r][9]);
		assert_int_equal(json_integer_value(json_object_get(it, "reminders_sent")),
		    atoll(rows[r][10]));
		assert_int_equal(json_is_true(json_object_get(it, "undeliverable")),
		    rows[r][11][0] == 't');
		assert_int_equal(json_is_true(json_object_get(it, "shared_with_client")),
		    rows[r][12][0] == 't');
		if (inbox) {
			assert_string_equal(member(json_object_get(it, "project"), "client_name"),
			    rows[r][16]);
			assert_string_equal(member(json_object_get(it, "project"), "audit_firm"),
			    rows[r][17]);
		} else {
			assert_null(json_object_get(it, "project"));
		}
	}
	json_decref(body);
}

static void
check(int nrows, bool inbox, long long total)
{
	bgw_arena *a = bgw_arena_new();
	PGresult *res = make_result(nrows);
	json_t *json;
	char *text;
	size_t len;
	const char *want;

	assert_int_equal(conf_rows_json(a, res, inbox, total, &json), BGW_OK);
	assert_int_equal(conf_rows_text(a, res, inbox, total, &text, &len), BGW_OK);
	want = jsonout_dump(a, json, NULL);
	assert_non_null(want);
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	values_match(text, len, nrows, inbox, total);
	if (nrows > 0)
		assert_non_null(strstr(text, inbox ? "\"project\":{\"id\":\"p1\"" : "\"id\":\"c1\""));
	PQclear(res);
	bgw_arena_free(a);
}

static void
list_text_matches_json(void **state)
{
	(void)state;
	check(3, false, 10000);
}

static void
inbox_text_matches_json(void **state)
{
	(void)state;
	check(3, true, 3);
}

static void
empty_page_matches_json(void **state)
{
	(void)state;
	check(0, false, 0);
	check(0, true, 0);
}

static void
db_int_reads_integers_only(void **state)
{
	static const char *const text[] = {"42", "-7", "9223372036854775807", "", "12x", "x",
		"99999999999999999999", NULL};
	static const long long want[] = {42, -7, 9223372036854775807LL, 0, 0, 0, 0, 0};
	PGresAttDesc attr = {.name = (char *)"n", .typid = 20, .typlen = 8, .atttypmod = -1};
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);

	(void)state;
	assert_int_equal(PQsetResultAttrs(res, 1, &attr), 1);
	for (int r = 0; r < 8; r++)
		assert_int_equal(PQsetvalue(res, r, 0, (char *)text[r],
		    text[r] == NULL ? -1 : (int)strlen(text[r])), 1);
	for (int r = 0; r < 8; r++)
		assert_true(db_int(res, r, 0) == want[r]);
	PQclear(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_text_matches_json),
		cmocka_unit_test(inbox_text_matches_json),
		cmocka_unit_test(empty_page_matches_json),
		cmocka_unit_test(db_int_reads_integers_only),
	};

	return cmocka_run_group_tests_name("conflist", tests, NULL, NULL);
}
