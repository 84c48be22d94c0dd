/* test_jsonw.c - the direct JSON writer writes exactly what jsonout_dump writes for the same
 * value, and refuses malformed use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/jsonout.h"
#include "http/jsonw.h"

static bgw_arena *a;

static int
setup(void **state)
{
	(void)state;
	a = bgw_arena_new();
	return a == NULL;
}

static int
teardown(void **state)
{
	(void)state;
	bgw_arena_free(a);
	return 0;
}

/* Strings that exercise every escape: quotes, backslash, C0 controls, the HTML-sensitive
 * characters, the two JavaScript line separators, DEL, and multi-byte text. */
static const char *const strings[] = {
	"",
	"plain",
	"株式会社テスト銀行",
	"O'Brien & Sons <b>\"quoted\"</b>",
	"back\\slash /slash",
	"tab\there\nnew\rline\bbs\fff",
	"\x01\x02\x1f control",
	"del \x7f kept",
	"line\xe2\x80\xa8sep\xe2\x80\xa9para",
	"\xe2\x80\xa7 near miss \xe2\x82\xac euro",
	"</script><script>alert(1)</script>",
	"emoji \xf0\x9f\x98\x80",
};

static void
strings_match_jsonout(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		json_t *v = json_pack("{s:s, s:[s, s]}", "k", strings[i], "list", strings[i], "x");
		const char *want = jsonout_dump(a, v, NULL);
		jsonw w;
		const char *got;

		jsonw_init(&w, a, 8);
		jsonw_object(&w);
		jsonw_key(&w, "k");
		jsonw_string(&w, strings[i]);
		jsonw_key(&w, "list");
		jsonw_array(&w);
		jsonw_string(&w, strings[i]);
		jsonw_string(&w, "x");
		jsonw_end(&w);
		jsonw_end(&w);
		got = jsonw_finish(&w, NULL);
		json_decref(v);
		assert_non_null(want);
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static void
scalars_and_nesting_match_jsonout(void **state)
{
	json_t *v = json_pack("{s:[], s:{}, s:I, s:I, s:b, s:b, s:n, s:s?, s:[{s:I}, {s:I}]}",
	    "empty_a", "empty_o", "n", (json_int_t)-42, "big", (json_int_t)9007199254740993LL,
	    "t", 1, "f", 0, "z", "absent", NULL, "rows", "i", (json_int_t)1, "i", (json_int_t)2);
	const char *want = jsonout_dump(a, v, NULL);
	jsonw w;
	size_t len;
	const char *got;

	(void)state;
	jsonw_init(&w, a, 0);
	jsonw_object(&w);
	jsonw_key(&w, "empty_a");
	jsonw_array(&w);
	jsonw_end(&w);
	jsonw_key(&w, "empty_o");
	jsonw_object(&w);
	jsonw_end(&w);
	jsonw_key(&w, "n");
	jsonw_int(&w, -42);
	jsonw_key(&w, "big");
	jsonw_int(&w, 9007199254740993LL);
	jsonw_key(&w, "t");
	jsonw_bool(&w, true);
	jsonw_key(&w, "f");
	jsonw_bool(&w, false);
	jsonw_key(&w, "z");
	jsonw_null(&w);
	jsonw_key(&w, "absent");
	jsonw_string(&w, NULL);
	jsonw_key(&w, "rows");
	jsonw_array(&w);
	for (int i = 1; i <= 2; i++) {
		jsonw_object(&w);
		jsonw_key(&w, "i");
		jsonw_int(&w, i);
		jsonw_end(&w);
	}
	jsonw_end(&w);
	jsonw_end(&w);
	got = jsonw_finish(&w, &len);
	json_decref(v);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
}

/* Growing far past the first block keeps every byte. */
static void
grows_past_its_hint(void **state)
{
	jsonw w;
	size_t len;
	const char *got;

	(void)state;
	jsonw_init(&w, a, 16);
	jsonw_array(&w);
	for (int i = 0; i < 5000; i++)
		jsonw_string(&w, "0123456789<");
	jsonw_end(&w);
	got = jsonw_finish(&w, &len);
	assert_non_null(got);
	assert_int_equal(len, 2 + 5000 * 18 + 4999);
	assert_memory_equal(got, "[\"0123456789\\u003c\",", 20);
	assert_memory_equal(got + len - 20, ",\"0123456789\\u003c\"]", 20);
}

enum misuse { BAD_UTF8, KEY_IN_ARRAY, VALUE_WITHOUT_KEY, UNCLOSED, TWO_TOP_VALUES,
	END_AT_TOP, KEY_THEN_END, TOO_DEEP, KEY_AT_TOP };

static void
misuse_fails(void **state)
{
	(void)state;
	for (int m = BAD_UTF8; m <= KEY_AT_TOP; m++) {
		jsonw w;

		jsonw_init(&w, a, 0);
		switch (m) {
		case BAD_UTF8:
			jsonw_array(&w); jsonw_string(&w, "ok"); jsonw_string(&w, "\xc3\x28");
			jsonw_end(&w);
			break;
		case KEY_IN_ARRAY:
			jsonw_array(&w); jsonw_key(&w, "k"); jsonw_int(&w, 1); jsonw_end(&w);
			break;
		case VALUE_WITHOUT_KEY:
			jsonw_object(&w); jsonw_int(&w, 1); jsonw_end(&w);
			break;
		case UNCLOSED:
			jsonw_object(&w); jsonw_key(&w, "k"); jsonw_array(&w); jsonw_end(&w);
			break;
		case TWO_TOP_VALUES:
			jsonw_int(&w, 1); jsonw_int(&w, 2);
			break;
		case END_AT_TOP:
			jsonw_end(&w);
			break;
		case KEY_THEN_END:
			jsonw_object(&w); jsonw_key(&w, "k"); jsonw_end(&w);
			break;
		case TOO_DEEP:
			for (int d = 0; d < JSONW_MAX_DEPTH + 1; d++)
				jsonw_array(&w);
			for (int d = 0; d < JSONW_MAX_DEPTH + 1; d++)
				jsonw_end(&w);
			break;
		case KEY_AT_TOP:
			jsonw_key(&w, "k"); jsonw_int(&w, 1);
			break;
		}
		if (jsonw_finish(&w, NULL) != NULL)
			fail_msg("misuse %d produced text", m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_match_jsonout),
		cmocka_unit_test(scalars_and_nesting_match_jsonout),
		cmocka_unit_test(grows_past_its_hint),
		cmocka_unit_test(misuse_fails),
	};

	return cmocka_run_group_tests_name("jsonw", tests, setup, teardown);
}
