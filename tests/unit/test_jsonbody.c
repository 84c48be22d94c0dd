/* test_jsonbody.c - strict JSON body parsing (jsonbody) and JSON answers (jsonout). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/jsonbody.h"
#include "http/jsonout.h"

static int
setup(void **state)
{
	*state = bgw_arena_new();
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	bgw_arena_free(*state);
	return 0;
}

struct parse_case {
	const char *in;
	size_t n; /* 0: strlen(in) */
	bgw_err want;
};

static const struct parse_case parse_cases[] = {
	{"{}", 0, BGW_OK},
	{" {\"a\":1} \n", 0, BGW_OK},
	{"{\"a\":\"\xe7\xa2\xba\"}", 0, BGW_OK},
	{"{\"a\":\"\\u78ba\\ud83d\\ude00\"}", 0, BGW_OK},
	{"{\"a\":{\"b\":[1,2,{\"c\":null}]}}", 0, BGW_OK},
	{"", 0, BGW_E_BAD_REQUEST},
	{" ", 0, BGW_E_BAD_REQUEST},
	{"[]", 0, BGW_E_BAD_REQUEST},     /* top level must be an object */
	{"[{\"a\":1}]", 0, BGW_E_BAD_REQUEST},
	{"\"a\"", 0, BGW_E_BAD_REQUEST},
	{"1", 0, BGW_E_BAD_REQUEST},
	{"null", 0, BGW_E_BAD_REQUEST},
	{"{", 0, BGW_E_BAD_REQUEST},
	{"{}{}", 0, BGW_E_BAD_REQUEST},   /* trailing data */
	{"{} x", 0, BGW_E_BAD_REQUEST},
	{"{\"a\":1,}", 0, BGW_E_BAD_REQUEST},
	{"{'a':1}", 0, BGW_E_BAD_REQUEST},
	{"{\"a\":1,\"a\":2}", 0, BGW_E_BAD_REQUEST}, /* duplicate key */
	{"{\"a\":{\"b\":1,\"b\":1}}", 0, BGW_E_BAD_REQUEST},
	{"{\"a\":\"x\\u0000y\"}", 0, BGW_E_BAD_REQUEST}, /* NUL in a string */
	{"{\"a\\u0000\":1}", 0, BGW_E_BAD_REQUEST},
	{"{\"a\":\"\\ud800\"}", 0, BGW_E_BAD_REQUEST},   /* lone surrogate escape */
	{"{\"a\":\"\xed\xa0\x80\"}", 0, BGW_E_BAD_REQUEST}, /* raw surrogate */
	{"{\"a\":\"\xc0\xaf\"}", 0, BGW_E_BAD_REQUEST},     /* overlong */
	{"{\"a\":\"\xff\"}", 0, BGW_E_BAD_REQUEST},
	{"\xef\xbb\xbf{}", 0, BGW_E_BAD_REQUEST},            /* BOM */
	{"{\"a\":\"\x01\"}", 0, BGW_E_BAD_REQUEST},          /* raw control in a string */
	{"{\"a\":1}\0", 8, BGW_E_BAD_REQUEST},               /* NUL after the object */
	{"{\"a\":NaN}", 0, BGW_E_BAD_REQUEST},
	{"{\"a\":99999999999999999999}", 0, BGW_E_BAD_REQUEST}, /* integer overflow */
	{"{\"a\":1e999}", 0, BGW_E_BAD_REQUEST},
	{"{\"a\":01}", 0, BGW_E_BAD_REQUEST},
};

static void
test_parse(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		json_t *out = (json_t *)&out;
		bgw_err e = jsonbody_parse(*state, c->in, c->n ? c->n : strlen(c->in), &out);

		if (e != c->want)
			fail_msg("case %zu: got %d want %d", i, e, c->want);
		if (e == BGW_OK)
			assert_true(json_is_object(out));
		else
			assert_null(out);
	}
}

/* {"a":{"a":...{}...}} with depth nested objects in all. */
static char *
nested(bgw_arena *a, int depth)
{
	char *s = bgw_arena_alloc(a, (size_t)depth * 6 + 1);
	size_t n = 0;
	int i;

	for (i = 0; i < depth - 1; i++) {
		memcpy(s + n, "{\"a\":", 5);
		n += 5;
	}
	s[n++] = '{';
	for (i = 0; i < depth; i++)
		s[n++] = '}';
	s[n] = '\0';
	return s;
}

static void
test_depth(void **state)
{
	json_t *out;
	char *s;

	s = nested(*state, JSONBODY_MAX_DEPTH);
	assert_int_equal(jsonbody_parse(*state, s, strlen(s), &out), BGW_OK);
	s = nested(*state, JSONBODY_MAX_DEPTH + 1);
	assert_int_equal(jsonbody_parse(*state, s, strlen(s), &out), BGW_E_BAD_REQUEST);
	s = nested(*state, 5000); /* beyond jansson's own limit */
	assert_int_equal(jsonbody_parse(*state, s, strlen(s), &out), BGW_E_BAD_REQUEST);

	/* arrays count as levels too: object + 63 arrays is the limit */
	s = bgw_arena_printf(*state, "{\"a\":%.*s%.*s}", JSONBODY_MAX_DEPTH - 1,
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	    JSONBODY_MAX_DEPTH - 1,
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
	assert_int_equal(jsonbody_parse(*state, s, strlen(s), &out), BGW_OK);
	s = bgw_arena_printf(*state, "{\"a\":%.*s%.*s}", JSONBODY_MAX_DEPTH,
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	    JSONBODY_MAX_DEPTH,
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
	assert_int_equal(jsonbody_parse(*state, s, strlen(s), &out), BGW_E_BAD_REQUEST);
}

static void
test_released_by_arena(void **state)
{
	json_t *out;

	/* Leak detection (ASan) fails this test if the arena does not release the object. */
	assert_int_equal(jsonbody_parse(*state, "{\"x\":[1,2,3]}", 13, &out), BGW_OK);
	assert_int_equal(out->refcount, 1);
	json_incref(out);
	bgw_arena_reset(*state);
	assert_int_equal(out->refcount, 1); /* the arena dropped exactly its reference */
	json_decref(out);
}

static void
test_dump(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"{\"b\":1,\"a\":[true,null,\"x\"]}", "{\"b\":1,\"a\":[true,null,\"x\"]}"},
		{"{\"z\":1,\"y\":2,\"x\":3}", "{\"z\":1,\"y\":2,\"x\":3}"}, /* insertion order */
		{"{\"t\":\"\xe7\xa2\xba\"}", "{\"t\":\"\xe7\xa2\xba\"}"},   /* raw UTF-8 */
		{"{\"t\":\"</script><b>&amp;\"}",
		    "{\"t\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;\"}"},
		{"{\"<k>\":\"\\u2028\\u2029\"}", "{\"\\u003ck\\u003e\":\"\\u2028\\u2029\"}"},
		{"{\"q\":\"a\\\"b\\\\c\\n\"}", "{\"q\":\"a\\\"b\\\\c\\n\"}"},
		{"{\"e\":\"\xe2\x80\xa7\xe2\x80\xaa\"}", "{\"e\":\"\xe2\x80\xa7\xe2\x80\xaa\"}"},
	};
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v;
		char *s;

		assert_int_equal(jsonbody_parse(*state, cases[i].in, strlen(cases[i].in), &v), BGW_OK);
		s = jsonout_dump(*state, v, &len);
		assert_non_null(s);
		if (strcmp(s, cases[i].want) != 0)
			fail_msg("case %zu: got %s want %s", i, s, cases[i].want);
		assert_int_equal(len, strlen(s));
		/* what we write, we read back to the same value */
		{
			json_t *back;

			assert_int_equal(jsonbody_parse(*state, s, len, &back), BGW_OK);
			assert_true(json_equal(v, back));
		}
	}
	assert_null(jsonout_dump(*state, NULL, &len));
	assert_int_equal(len, 0);
}

static void
test_own(void **state)
{
	json_t *v = jsonout_own(*state, json_pack("{s:i}", "n", 1));

	assert_non_null(v); /* freed by the arena: ASan reports a leak otherwise */
	assert_null(jsonout_own(*state, NULL));
}

static void
test_error(void **state)
{
	bgw_kv *fields = NULL, **tail = &fields;
	json_t *v;
	char *s;

	v = jsonout_own(*state, jsonout_error(BGW_E_NOT_FOUND, NULL));
	assert_string_equal(jsonout_dump(*state, v, NULL),
	    "{\"error\":{\"code\":\"not_found\",\"message\":\"not found\"}}");

	assert_int_equal(kv_append(*state, &tail, "email", "required", 8), BGW_OK);
	assert_int_equal(kv_append(*state, &tail, "due_date", "not a valid date", 16), BGW_OK);
	assert_int_equal(kv_append(*state, &tail, "email", "second", 6), BGW_OK);
	assert_int_equal(kv_append(*state, &tail, "bad\xff", "x", 1), BGW_OK);
	v = jsonout_own(*state, jsonout_error(BGW_E_VALIDATION, fields));
	s = jsonout_dump(*state, v, NULL);
	assert_string_equal(s, "{\"error\":{\"code\":\"validation\",\"message\":\"some fields are "
	    "not valid\",\"fields\":{\"email\":\"required\",\"due_date\":\"not a valid date\"}}}");

	/* fields only for a validation error */
	v = jsonout_own(*state, jsonout_error(BGW_E_BAD_REQUEST, fields));
	assert_null(json_object_get(json_object_get(v, "error"), "fields"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"),
	    "code")), "bad_request");
	/* validation without fields has no "fields" member */
	v = jsonout_own(*state, jsonout_error(BGW_E_VALIDATION, NULL));
	assert_null(json_object_get(json_object_get(v, "error"), "fields"));
	/* an out-of-range value still gives a well-formed answer */
	v = jsonout_own(*state, jsonout_error((bgw_err)999, NULL));
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"),
	    "code")), "internal");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_released_by_arena, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error, setup, teardown),
	};

	return cmocka_run_group_tests_name("jsonbody", tests, NULL, NULL);
}
