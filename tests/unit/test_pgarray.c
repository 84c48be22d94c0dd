/* test_pgarray.c - text[] literals: quoting, NULL, growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/pgarray.h"

static const char *
build(bgw_arena *a, const char *const *vals, size_t n)
{
	pgarray p;
	bgw_err err;
	const char *s;

	pgarray_init(&p, a);
	for (size_t i = 0; i < n; i++)
		pgarray_add(&p, vals[i]);
	s = pgarray_finish(&p, &err);
	assert_int_equal(err, BGW_OK);
	return s;
}

static void
test_vectors(void **state)
{
	static const struct {
		const char *vals[4];
		size_t n;
		const char *want;
	} v[] = {
		{{NULL}, 0, "{}"},
		{{"a"}, 1, "{\"a\"}"},
		{{"a", NULL, ""}, 3, "{\"a\",NULL,\"\"}"},
		{{"NULL"}, 1, "{\"NULL\"}"},
		{{"x,y", "{}", " s "}, 3, "{\"x,y\",\"{}\",\" s \"}"},
		{{"q\"uote", "back\\slash"}, 2, "{\"q\\\"uote\",\"back\\\\slash\"}"},
		{{"普通預金"}, 1, "{\"普通預金\"}"},
	};
	bgw_arena *a = bgw_arena_new();

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_string_equal(build(a, v[i].vals, v[i].n), v[i].want);
	bgw_arena_free(a);
}

static void
test_growth(void **state)
{
	bgw_arena *a = bgw_arena_new();
	pgarray p;
	bgw_err err;
	const char *s;

	(void)state;
	pgarray_init(&p, a);
	for (int i = 0; i < 10000; i++)
		pgarray_add(&p, i % 2 ? "\"\"\"\"" : NULL);
	s = pgarray_finish(&p, &err);
	assert_int_equal(err, BGW_OK);
	assert_int_equal(p.n, 10000);
	/* 5000 NULLs, 5000 of "\"\"\"\"" (10 bytes quoted), 9999 commas, braces */
	assert_int_equal(strlen(s), 5000 * 4 + 5000 * 10 + 9999 + 2);
	assert_int_equal(s[0], '{');
	assert_int_equal(s[strlen(s) - 1], '}');
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests_name("pgarray", tests, NULL, NULL);
}
