/* test_fields.c - declared field validation from JSON bodies and urlencoded forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/fields.h"
#include "http/jsonbody.h"
#include "http/jsonout.h"
#include "core/urlenc.h"

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

static const char *const kinds[] = {"bank", "receivable", "payable", NULL};

/* One optional field of each type, so one spec serves the per-type vector tables. */
static const field_spec one_of_each[] = {
	{"string", FIELD_STRING, false, 5, NULL},
	{"text", FIELD_TEXT, false, 5, NULL},
	{"email", FIELD_EMAIL, false, 0, NULL},
	{"date", FIELD_DATE, false, 0, NULL},
	{"int", FIELD_INT, false, 0, NULL},
	{"bool", FIELD_BOOL, false, 0, NULL},
	{"enum", FIELD_ENUM, false, 0, kinds},
	{"amount", FIELD_AMOUNT, false, 0, NULL},
	{"id", FIELD_ID, false, 0, NULL},
	{"object", FIELD_OBJECT, false, 0, NULL},
	{"array", FIELD_ARRAY, false, 0, NULL},
	{NULL, FIELD_STRING, false, 0, NULL},
};

struct vcase {
	const char *field;
	const char *json;  /* the field's JSON value text */
	bgw_err want;
	const char *s;     /* expected fv->s when BGW_OK and not NULL */
};

static const struct vcase json_cases[] = {
	/* STRING: one line, max 5 code points */
	{"string", "\"abc\"", BGW_OK, "abc"},
	{"string", "\"\"", BGW_OK, ""},
	{"string", "\"\xe7\xa2\xba\xe8\xaa\x8d\xe7\x8a\xb6\xe3\x81\x82\xe3\x81\x84\"", BGW_OK, NULL},
	{"string", "\"\xe7\xa2\xba\xe8\xaa\x8d\xe7\x8a\xb6\xe3\x81\x82\xe3\x81\x84\xe3\x81\x86\"",
	    BGW_E_VALIDATION, NULL},
	{"string", "\"abcdef\"", BGW_E_VALIDATION, NULL},
	{"string", "\"a\\nb\"", BGW_E_VALIDATION, NULL},
	{"string", "\"a\\tb\"", BGW_E_VALIDATION, NULL},
	{"string", "\"a\\u001bb\"", BGW_E_VALIDATION, NULL},
	{"string", "\"a\\u007f\"", BGW_E_VALIDATION, NULL},
	{"string", "\"\\u0085\"", BGW_E_VALIDATION, NULL},
	{"string", "1", BGW_E_BAD_REQUEST, NULL},
	{"string", "true", BGW_E_BAD_REQUEST, NULL},
	{"string", "[\"a\"]", BGW_E_BAD_REQUEST, NULL},
	{"string", "null", BGW_OK, NULL},
	/* TEXT: multi-line */
	{"text", "\"a\\r\\nb\\t\"", BGW_OK, "a\r\nb\t"},
	{"text", "\"a\\u0000\"", BGW_E_BAD_REQUEST, NULL}, /* jansson refuses \u0000 itself */
	{"text", "\"a\\u0007\"", BGW_E_VALIDATION, NULL},
	{"text", "\"abcdef\"", BGW_E_VALIDATION, NULL},
	/* EMAIL */
	{"email", "\"alice@example.com\"", BGW_OK, "alice@example.com"},
	{"email", "\"Alice.B+tag@Mail.Example.CO.JP\"", BGW_OK, "Alice.B+tag@mail.example.co.jp"},
	{"email", "\"o'brien@x-y.example\"", BGW_OK, NULL},
	{"email", "\"a@b.c\"", BGW_OK, NULL},
	{"email", "\"\"", BGW_OK, NULL}, /* optional: not given */
	{"email", "\"alice\"", BGW_E_VALIDATION, NULL},
	{"email", "\"@example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"alice@\"", BGW_E_VALIDATION, NULL},
	{"email", "\"alice@localhost\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@b@example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\".a@example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a.@example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a..b@example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a b@example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"\\\"a\\\"@example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@-example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@example-.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@example..com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@example.com.\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@.example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@exa_mple.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@1.2.3.4\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@[1.2.3.4]\"", BGW_E_VALIDATION, NULL},
	{"email", "\"\xe3\x81\x82@example.com\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@\xe4\xbe\x8b.jp\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@example.com\\n\"", BGW_E_VALIDATION, NULL},
	{"email", "\"a@example.com\\r\\nBcc: x@y.z\"", BGW_E_VALIDATION, NULL},
	{"email", "[]", BGW_E_BAD_REQUEST, NULL},
	/* DATE */
	{"date", "\"2024-03-31\"", BGW_OK, "2024-03-31"},
	{"date", "\"2024-02-29\"", BGW_OK, NULL},
	{"date", "\"2000-02-29\"", BGW_OK, NULL},
	{"date", "\"0001-01-01\"", BGW_OK, NULL},
	{"date", "\"9999-12-31\"", BGW_OK, NULL},
	{"date", "\"2023-02-29\"", BGW_E_VALIDATION, NULL},
	{"date", "\"1900-02-29\"", BGW_E_VALIDATION, NULL},
	{"date", "\"2024-04-31\"", BGW_E_VALIDATION, NULL},
	{"date", "\"2024-13-01\"", BGW_E_VALIDATION, NULL},
	{"date", "\"2024-00-10\"", BGW_E_VALIDATION, NULL},
	{"date", "\"2024-01-00\"", BGW_E_VALIDATION, NULL},
	{"date", "\"0000-01-01\"", BGW_E_VALIDATION, NULL},
	{"date", "\"2024-1-01\"", BGW_E_VALIDATION, NULL},
	{"date", "\"2024/01/01\"", BGW_E_VALIDATION, NULL},
	{"date", "\"2024-01-01T00:00:00Z\"", BGW_E_VALIDATION, NULL},
	{"date", "\" 2024-01-01\"", BGW_E_VALIDATION, NULL},
	{"date", "\"+024-01-01\"", BGW_E_VALIDATION, NULL},
	{"date", "20240101", BGW_E_BAD_REQUEST, NULL},
	/* INT */
	{"int", "42", BGW_OK, NULL},
	{"int", "-9223372036854775808", BGW_OK, NULL},
	{"int", "1.0", BGW_E_BAD_REQUEST, NULL},
	{"int", "\"42\"", BGW_E_BAD_REQUEST, NULL},
	{"int", "true", BGW_E_BAD_REQUEST, NULL},
	/* BOOL */
	{"bool", "true", BGW_OK, NULL},
	{"bool", "false", BGW_OK, NULL},
	{"bool", "\"true\"", BGW_E_BAD_REQUEST, NULL},
	{"bool", "1", BGW_E_BAD_REQUEST, NULL},
	/* ENUM */
	{"enum", "\"bank\"", BGW_OK, "bank"},
	{"enum", "\"payable\"", BGW_OK, NULL},
	{"enum", "\"Bank\"", BGW_E_VALIDATION, NULL},
	{"enum", "\"ban\"", BGW_E_VALIDATION, NULL},
	{"enum", "\"bank \"", BGW_E_VALIDATION, NULL},
	{"enum", "\"bank\\u0000\"", BGW_E_BAD_REQUEST, NULL},
	{"enum", "0", BGW_E_BAD_REQUEST, NULL},
	/* AMOUNT */
	{"amount", "\"1250000\"", BGW_OK, "1250000"},
	{"amount", "\"1042.50\"", BGW_OK, "1042.50"},
	{"amount", "\"-0.0001\"", BGW_OK, NULL},
	{"amount", "\"+7\"", BGW_OK, NULL},
	{"amount", "\"999999999999999999.9999\"", BGW_OK, NULL},
	{"amount", "\"1000000000000000000\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"1.00001\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"1.\"", BGW_E_VALIDATION, NULL},
	{"amount", "\".5\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"1e3\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"1,000\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"--1\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"-\"", BGW_E_VALIDATION, NULL},
	{"amount", "\" 1\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"1.2.3\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"NaN\"", BGW_E_VALIDATION, NULL},
	{"amount", "\"\xef\xbc\x91\"", BGW_E_VALIDATION, NULL}, /* fullwidth 1 */
	{"amount", "1042.5", BGW_E_BAD_REQUEST, NULL},
	{"amount", "1042", BGW_E_BAD_REQUEST, NULL},
	/* ID */
	{"id", "\"AbC_-09\"", BGW_OK, "AbC_-09"},
	{"id", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", BGW_OK, NULL},
	{"id", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
	    BGW_E_VALIDATION, NULL},
	{"id", "\"a/b\"", BGW_E_VALIDATION, NULL},
	{"id", "\"../x\"", BGW_E_VALIDATION, NULL},
	{"id", "\"a b\"", BGW_E_VALIDATION, NULL},
	{"id", "12", BGW_E_BAD_REQUEST, NULL},
	/* OBJECT, ARRAY */
	{"object", "{\"x\":1}", BGW_OK, NULL},
	{"object", "[]", BGW_E_BAD_REQUEST, NULL},
	{"array", "[1,2]", BGW_OK, NULL},
	{"array", "{}", BGW_E_BAD_REQUEST, NULL},
	{"array", "\"[]\"", BGW_E_BAD_REQUEST, NULL},
};

/* Parse {"<field>": <json>} through jsonbody when it can, else report jsonbody's verdict. */
static bgw_err
run_json(bgw_arena *a, const char *field, const char *value, const field_spec *specs,
    field_value **out, bgw_kv **errors)
{
	char *body = bgw_arena_printf(a, "{\"%s\":%s,\"unknown\":[1]}", field, value);
	json_t *obj;
	bgw_err e = jsonbody_parse(a, body, strlen(body), &obj);

	if (e != BGW_OK)
		return e;
	return fields_from_json(a, obj, specs, out, errors);
}

static void
test_json_vectors(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		const struct vcase *c = &json_cases[i];
		field_value *vals = NULL;
		bgw_kv *errors = (bgw_kv *)&errors;
		const field_value *fv;
		bgw_err e = run_json(*state, c->field, c->json, one_of_each, &vals, &errors);

		if (e != c->want)
			fail_msg("case %zu %s=%s: got %d want %d", i, c->field, c->json, e, c->want);
		if (e == BGW_E_VALIDATION) {
			assert_non_null(errors);
			assert_string_equal(errors->key, c->field);
			assert_null(errors->next);
			fv = fields_get(vals, one_of_each, c->field);
			assert_false(fv->present);
		} else if (e == BGW_OK) {
			assert_null(errors);
			fv = fields_get(vals, one_of_each, c->field);
			assert_non_null(fv);
			assert_int_equal(fv->type, fields_get(vals, one_of_each, c->field)->type);
			if (c->s != NULL) {
				assert_true(fv->present);
				if (strcmp(fv->s, c->s) != 0)
					fail_msg("case %zu: s \"%s\" want \"%s\"", i, fv->s, c->s);
			}
		}
	}
}

static void
test_json_typed_values(void **state)
{
	static const char body[] = "{\"int\":-12,\"bool\":true,\"object\":{\"k\":\"v\"},"
	    "\"array\":[1],\"string\":\"x\"}";
	field_value *vals;
	bgw_kv *errors;
	json_t *obj;

	assert_int_equal(jsonbody_parse(*state, body, strlen(body), &obj), BGW_OK);
	assert_int_equal(fields_from_json(*state, obj, one_of_each, &vals, &errors), BGW_OK);
	assert_true(fields_get(vals, one_of_each, "int")->present);
	assert_int_equal(fields_get(vals, one_of_each, "int")->i, -12);
	assert_true(fields_get(vals, one_of_each, "bool")->b);
	assert_string_equal(json_string_value(json_object_get(
	    fields_get(vals, one_of_each, "object")->j, "k")), "v");
	assert_int_equal(json_array_size(fields_get(vals, one_of_each, "array")->j), 1);
	assert_false(fields_get(vals, one_of_each, "date")->present);
	assert_null(fields_get(vals, one_of_each, "date")->s);
	assert_string_equal(fields_get(vals, one_of_each, "date")->name, "date");
	assert_int_equal(fields_get(vals, one_of_each, "date")->type, FIELD_DATE);
	assert_null(fields_get(vals, one_of_each, "nope"));
	/* the copy is the arena's, not a pointer into the JSON */
	assert_ptr_not_equal(fields_get(vals, one_of_each, "string")->s,
	    json_string_value(json_object_get(obj, "string")));
}

static const field_spec create_confirmation[] = {
	{"type", FIELD_ENUM, true, 0, kinds},
	{"email", FIELD_EMAIL, true, 0, NULL},
	{"as_of", FIELD_DATE, true, 0, NULL},
	{"amount", FIELD_AMOUNT, true, 0, NULL},
	{"note", FIELD_TEXT, false, 0, NULL},
	{"name", FIELD_STRING, true, 0, NULL},
	{"items", FIELD_ARRAY, true, 0, NULL},
	{"shared", FIELD_BOOL, true, 0, NULL},
	{NULL, FIELD_STRING, false, 0, NULL},
};

static void
test_all_errors_listed(void **state)
{
	static const char body[] = "{\"type\":\"cash\",\"email\":\"nope\",\"as_of\":\"2024-02-30\","
	    "\"amount\":\"1.2.3\",\"note\":\"ok\\nfine\",\"name\":\"\"}";
	field_value *vals;
	bgw_kv *errors, *p;
	json_t *obj;
	char got[512] = "";

	assert_int_equal(jsonbody_parse(*state, body, strlen(body), &obj), BGW_OK);
	assert_int_equal(fields_from_json(*state, obj, create_confirmation, &vals, &errors),
	    BGW_E_VALIDATION);
	for (p = errors; p != NULL; p = p->next)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s:%s|", p->key, p->value);
	assert_string_equal(got, "type:not one of the allowed values|"
	    "email:not a valid e-mail address|as_of:not a valid date (YYYY-MM-DD)|"
	    "amount:not a valid amount|name:required|items:required|shared:required|");
	assert_true(fields_get(vals, create_confirmation, "note")->present);
	assert_string_equal(fields_get(vals, create_confirmation, "note")->s, "ok\nfine");
}

static void
test_wrong_type_wins(void **state)
{
	/* a wrong type is a malformed request even when other fields are merely invalid */
	static const char body[] = "{\"type\":\"cash\",\"items\":{}}";
	field_value *vals;
	bgw_kv *errors = (bgw_kv *)&errors;
	json_t *obj;

	assert_int_equal(jsonbody_parse(*state, body, strlen(body), &obj), BGW_OK);
	assert_int_equal(fields_from_json(*state, obj, create_confirmation, &vals, &errors),
	    BGW_E_BAD_REQUEST);
	assert_null(errors);
}

static void
test_json_not_object(void **state)
{
	field_value *vals = (field_value *)&vals;
	bgw_kv *errors = (bgw_kv *)&errors;
	json_t *arr = jsonout_own(*state, json_array());

	assert_int_equal(fields_from_json(*state, arr, one_of_each, &vals, &errors),
	    BGW_E_BAD_REQUEST);
	assert_null(vals);
	assert_null(errors);
	assert_int_equal(fields_from_json(*state, NULL, one_of_each, &vals, &errors),
	    BGW_E_BAD_REQUEST);
}

static void
test_required_null_and_empty(void **state)
{
	static const field_spec specs[] = {
		{"a", FIELD_STRING, true, 0, NULL},
		{"b", FIELD_DATE, true, 0, NULL},
		{"c", FIELD_INT, true, 0, NULL},
		{"d", FIELD_STRING, false, 0, NULL},
		{NULL, FIELD_STRING, false, 0, NULL},
	};
	static const char body[] = "{\"a\":\"\",\"b\":\"\",\"c\":null,\"d\":\"\"}";
	field_value *vals;
	bgw_kv *errors;
	json_t *obj;

	assert_int_equal(jsonbody_parse(*state, body, strlen(body), &obj), BGW_OK);
	assert_int_equal(fields_from_json(*state, obj, specs, &vals, &errors), BGW_E_VALIDATION);
	assert_int_equal(kv_count(errors), 3);
	assert_string_equal(kv_get(errors, "a"), "required");
	assert_string_equal(kv_get(errors, "b"), "required");
	assert_string_equal(kv_get(errors, "c"), "required");
	assert_true(vals[3].present);
	assert_string_equal(vals[3].s, "");
}

static void
test_default_max_len(void **state)
{
	static const field_spec specs[] = {
		{"s", FIELD_STRING, false, 0, NULL},
		{NULL, FIELD_STRING, false, 0, NULL},
	};
	field_value *vals;
	bgw_kv *errors;
	json_t *obj = jsonout_own(*state, json_object());
	char *s = bgw_arena_alloc(*state, FIELDS_STRING_MAX + 2);

	assert_non_null(obj);
	memset(s, 'x', FIELDS_STRING_MAX);
	json_object_set_new(obj, "s", json_string(s));
	assert_int_equal(fields_from_json(*state, obj, specs, &vals, &errors), BGW_OK);
	s[FIELDS_STRING_MAX] = 'x';
	json_object_set_new(obj, "s", json_string(s));
	assert_int_equal(fields_from_json(*state, obj, specs, &vals, &errors), BGW_E_VALIDATION);
	/* a NUL smuggled in by code that built the object (json_stringn) is still refused */
	json_object_set_new(obj, "s", json_stringn("a\0b", 3));
	assert_int_equal(fields_from_json(*state, obj, specs, &vals, &errors), BGW_E_VALIDATION);
}

static void
test_email_lengths(void **state)
{
	static const field_spec specs[] = {
		{"e", FIELD_EMAIL, false, 0, NULL},
		{NULL, FIELD_STRING, false, 0, NULL},
	};
	static const struct {
		size_t local, label; /* lengths; the domain is label.label.label.com */
		bgw_err want;
	} cases[] = {
		{64, 10, BGW_OK},
		{65, 10, BGW_E_VALIDATION},
		{1, 63, BGW_OK},
		{1, 64, BGW_E_VALIDATION},
		{60, 60, BGW_OK},           /* 60 + 1 + (3 * 60 + 2) + 4 = 247 bytes */
		{64, 61, BGW_OK},           /* 254: at the limit */
		{64, 62, BGW_E_VALIDATION}, /* 257: over */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char local[80], label[80];
		field_value *vals;
		bgw_kv *errors;
		json_t *obj = jsonout_own(*state, json_object());
		char *addr;

		memset(local, 'l', cases[i].local);
		local[cases[i].local] = '\0';
		memset(label, 'd', cases[i].label);
		label[cases[i].label] = '\0';
		addr = bgw_arena_printf(*state, "%s@%s.%s.%s.com", local, label, label, label);
		json_object_set_new(obj, "e", json_string(addr));
		if (fields_from_json(*state, obj, specs, &vals, &errors) != cases[i].want)
			fail_msg("case %zu (%zu bytes)", i, strlen(addr));
	}
}

static void
test_enum_without_values(void **state)
{
	static const field_spec specs[] = {
		{"e", FIELD_ENUM, false, 0, NULL},
		{NULL, FIELD_STRING, false, 0, NULL},
	};
	field_value *vals;
	bgw_kv *errors;

	assert_int_equal(fields_from_form(*state, NULL, specs, &vals, &errors), BGW_E_INTERNAL);
}

struct fcase {
	const char *query;
	bgw_err want;
	const char *field, *s; /* expected value of field when BGW_OK, or the bad field */
	long long i;
	bool b;
};

static const struct fcase form_cases[] = {
	{"string=ab+c", BGW_OK, "string", "ab c", 0, false},
	{"string=a%0Ab", BGW_E_VALIDATION, "string", NULL, 0, false},
	{"text=a%0D%0Ab", BGW_OK, "text", "a\r\nb", 0, false},
	{"email=Bob%40Example.ORG", BGW_OK, "email", "Bob@example.org", 0, false},
	{"email=bob", BGW_E_VALIDATION, "email", NULL, 0, false},
	{"email=", BGW_OK, "email", NULL, 0, false},
	{"int=123", BGW_OK, "int", "123", 123, false},
	{"int=-5", BGW_OK, "int", NULL, -5, false},
	{"int=9223372036854775807", BGW_OK, "int", NULL, INT64_MAX, false},
	{"int=-9223372036854775808", BGW_OK, "int", NULL, INT64_MIN, false},
	{"int=9223372036854775808", BGW_E_VALIDATION, "int", NULL, 0, false},
	{"int=99999999999999999999", BGW_E_VALIDATION, "int", NULL, 0, false},
	{"int=%2B1", BGW_E_VALIDATION, "int", NULL, 0, false},
	{"int=+1", BGW_E_VALIDATION, "int", NULL, 0, false}, /* '+' is a space */
	{"int=1.0", BGW_E_VALIDATION, "int", NULL, 0, false},
	{"int=0x10", BGW_E_VALIDATION, "int", NULL, 0, false},
	{"int=-", BGW_E_VALIDATION, "int", NULL, 0, false},
	{"int=", BGW_OK, "int", NULL, 0, false},
	{"bool=on", BGW_OK, "bool", NULL, 0, true},
	{"bool=true", BGW_OK, "bool", NULL, 0, true},
	{"bool=1", BGW_OK, "bool", NULL, 0, true},
	{"bool=false", BGW_OK, "bool", NULL, 0, false},
	{"bool=0", BGW_OK, "bool", NULL, 0, false},
	{"bool=yes", BGW_E_VALIDATION, "bool", NULL, 0, false},
	{"bool=TRUE", BGW_E_VALIDATION, "bool", NULL, 0, false},
	{"enum=receivable", BGW_OK, "enum", "receivable", 0, false},
	{"enum=cash", BGW_E_VALIDATION, "enum", NULL, 0, false},
	{"date=2024-12-31", BGW_OK, "date", "2024-12-31", 0, false},
	{"date=2024-12-32", BGW_E_VALIDATION, "date", NULL, 0, false},
	{"amount=-12.5", BGW_OK, "amount", "-12.5", 0, false},
	{"amount=12.50000", BGW_E_VALIDATION, "amount", NULL, 0, false},
	{"id=x_1", BGW_OK, "id", "x_1", 0, false},
	{"id=x%2F1", BGW_E_VALIDATION, "id", NULL, 0, false},
	{"object=x", BGW_E_BAD_REQUEST, NULL, NULL, 0, false},
	{"array=", BGW_E_BAD_REQUEST, NULL, NULL, 0, false},
	{"string=a&string=b", BGW_E_BAD_REQUEST, NULL, NULL, 0, false},
	{"unknown=1&unknown=2&string=a", BGW_OK, "string", "a", 0, false},
	{"", BGW_OK, NULL, NULL, 0, false},
};

static void
test_form_vectors(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(form_cases) / sizeof(form_cases[0]); i++) {
		const struct fcase *c = &form_cases[i];
		bgw_kv *form, *errors;
		field_value *vals;
		const field_value *fv;
		bgw_err e;

		assert_int_equal(urlenc_parse(*state, c->query, strlen(c->query), 16, &form), BGW_OK);
		e = fields_from_form(*state, form, one_of_each, &vals, &errors);
		if (e != c->want)
			fail_msg("case %zu \"%s\": got %d want %d", i, c->query, e, c->want);
		if (c->field == NULL)
			continue;
		fv = fields_get(vals, one_of_each, c->field);
		if (e == BGW_E_VALIDATION) {
			assert_string_equal(errors->key, c->field);
			assert_false(fv->present);
			continue;
		}
		assert_null(errors);
		if (c->s != NULL)
			assert_string_equal(fv->s, c->s);
		if (fv->type == FIELD_INT && fv->present)
			assert_true(fv->i == c->i);
		if (fv->type == FIELD_BOOL)
			assert_int_equal(fv->b, c->b);
	}
}

static void
test_form_absent_checkbox(void **state)
{
	static const field_spec specs[] = {
		{"remember", FIELD_BOOL, false, 0, NULL},
		{"agree", FIELD_BOOL, true, 0, NULL},
		{NULL, FIELD_STRING, false, 0, NULL},
	};
	field_value *vals;
	bgw_kv *errors;

	assert_int_equal(fields_from_form(*state, NULL, specs, &vals, &errors), BGW_E_VALIDATION);
	assert_false(vals[0].present);
	assert_false(vals[0].b);
	assert_string_equal(kv_get(errors, "agree"), "required");
	assert_null(kv_get(errors, "remember"));
}

/* A use case's own rule is appended after the spec's errors, in order. */
static void
test_error_appended(void **state)
{
	bgw_kv *errors = NULL;

	assert_int_equal(fields_error(*state, &errors, "a", "required"), BGW_E_VALIDATION);
	assert_int_equal(fields_error(*state, &errors, "b", "out_of_range"), BGW_E_VALIDATION);
	assert_string_equal(errors->key, "a");
	assert_string_equal(errors->next->key, "b");
	assert_string_equal(errors->next->value, "out_of_range");
	assert_null(errors->next->next);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_typed_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_errors_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_type_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_not_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_required_null_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_max_len, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enum_without_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_absent_checkbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_appended, setup, teardown),
	};

	return cmocka_run_group_tests_name("fields", tests, NULL, NULL);
}
