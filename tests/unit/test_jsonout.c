/* test_jsonout.c - JSON answers as a client (and a browser that sniffs) meets them: compact,
 * in insertion order, UTF-8 as it is, markup characters escaped so the text stays inert, and
 * the API's error object with its field reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/arena.h"
#include "core/kv.h"
#include "http/jsonout.h"

static void
test_dump_is_compact_ordered_and_utf8(void **state)
{
	bgw_arena *a = bgw_arena_new();
	json_t *o = jsonout_own(a, json_pack("{s:s, s:i, s:[b, n]}", "名前", "鈴木", "b", 2, "a",
	    1));
	size_t len;
	char *s;

	(void)state;
	assert_non_null(o);
	s = jsonout_dump(a, o, &len);
	assert_non_null(s);
	assert_string_equal(s, "{\"名前\":\"鈴木\",\"b\":2,\"a\":[true,null]}");
	assert_int_equal(len, strlen(s));
	assert_null(jsonout_dump(a, NULL, NULL));
	bgw_arena_free(a); /* drops o: ASan reports a leak if the arena did not */
}

static void
test_markup_characters_are_escaped(void **state)
{
	bgw_arena *a = bgw_arena_new();
	json_t *o = jsonout_own(a, json_pack("{s:s}", "note",
	    "</script><b>&amp;\xe2\x80\xa8\xe2\x80\xa9"));
	char *s = jsonout_dump(a, o, NULL);
	json_t *back;

	(void)state;
	assert_non_null(s);
	assert_null(strchr(s, '<'));
	assert_null(strchr(s, '>'));
	assert_null(strchr(s, '&'));
	assert_null(strstr(s, "\xe2\x80\xa8"));
	assert_non_null(strstr(s, "\\u003c/script\\u003e"));
	assert_non_null(strstr(s, "\\u0026amp;"));
	assert_non_null(strstr(s, "\\u2028\\u2029"));
	/* the client reads back exactly what was sent */
	back = json_loads(s, 0, NULL);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "note")),
	    "</script><b>&amp;\xe2\x80\xa8\xe2\x80\xa9");
	json_decref(back);
	bgw_arena_free(a);
}

static void
test_error_object_names_each_field_once(void **state)
{
	bgw_arena *a = bgw_arena_new();
	bgw_kv *f = NULL, **tail = &f;
	json_t *e, *fields;

	(void)state;
	assert_int_equal(kv_append(a, &tail, "email", "invalid", 7), BGW_OK);
	assert_int_equal(kv_append(a, &tail, "items[0].amount", "required", 8), BGW_OK);
	assert_int_equal(kv_append(a, &tail, "email", "required", 8), BGW_OK);
	e = jsonout_own(a, jsonout_error(BGW_E_VALIDATION, f));
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "error"), "code")),
	    bgw_err_code(BGW_E_VALIDATION));
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "error"),
	    "message")), bgw_err_message(BGW_E_VALIDATION));
	fields = json_object_get(json_object_get(e, "error"), "fields");
	assert_int_equal(json_object_size(fields), 2);
	assert_string_equal(json_string_value(json_object_get(fields, "email")), "invalid");
	assert_string_equal(json_string_value(json_object_get(fields, "items[0].amount")),
	    "required");
	bgw_arena_free(a);
}

static void
test_error_object_has_fields_only_for_validation(void **state)
{
	bgw_arena *a = bgw_arena_new();
	bgw_kv *f = NULL, **tail = &f;
	json_t *e;

	(void)state;
	assert_int_equal(kv_append(a, &tail, "email", "invalid", 7), BGW_OK);
	e = jsonout_own(a, jsonout_error(BGW_E_NOT_FOUND, f));
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "error"), "code")),
	    bgw_err_code(BGW_E_NOT_FOUND));
	assert_null(json_object_get(json_object_get(e, "error"), "fields"));
	e = jsonout_own(a, jsonout_error(BGW_E_VALIDATION, NULL));
	assert_null(json_object_get(json_object_get(e, "error"), "fields"));
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_is_compact_ordered_and_utf8),
		cmocka_unit_test(test_markup_characters_are_escaped),
		cmocka_unit_test(test_error_object_names_each_field_once),
		cmocka_unit_test(test_error_object_has_fields_only_for_validation),
	};

	return cmocka_run_group_tests_name("jsonout", tests, NULL, NULL);
}
