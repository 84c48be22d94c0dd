/* test_urlenc.c - urlencoded parsing and encoding, and the kv list they build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/kv.h"
#include "core/urlenc.h"

#define MAX_PAIRS 8

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
	bgw_err want;
	const char *pairs; /* expected "k=v|k=v" after decoding (values shown raw), or NULL */
};

static const struct parse_case parse_cases[] = {
	{"", BGW_OK, ""},
	{"a=1", BGW_OK, "a=1"},
	{"a=1&b=2", BGW_OK, "a=1|b=2"},
	{"a=1&a=2", BGW_OK, "a=1|a=2"},
	{"a", BGW_OK, "a="},
	{"a=", BGW_OK, "a="},
	{"a==b", BGW_OK, "a==b"},
	{"&&a=1&&", BGW_OK, "a=1"},
	{"=1&b=2", BGW_OK, "b=2"},
	{"a=1;b=2", BGW_OK, "a=1;b=2"},
	{"q=hello+world", BGW_OK, "q=hello world"},
	{"q=a%2Bb", BGW_OK, "q=a+b"},
	{"q=%e7%a2%ba%E8%AA%8D", BGW_OK, "q=\xe7\xa2\xba\xe8\xaa\x8d"},
	{"k%20ey=v%26x%3D", BGW_OK, "k ey=v&x="},
	{"%61=%62", BGW_OK, "a=b"},
	{"a=%0A", BGW_OK, "a=\n"},
	{"a=%", BGW_E_BAD_REQUEST, NULL},
	{"a=%4", BGW_E_BAD_REQUEST, NULL},
	{"a=%4g", BGW_E_BAD_REQUEST, NULL},
	{"a=%g4", BGW_E_BAD_REQUEST, NULL},
	{"a=%%41", BGW_E_BAD_REQUEST, NULL},
	{"%zz=1", BGW_E_BAD_REQUEST, NULL},
	{"=%zz", BGW_E_BAD_REQUEST, NULL}, /* skipped key, but still malformed */
	{"a=%00", BGW_E_BAD_REQUEST, NULL},
	{"%00=1", BGW_E_BAD_REQUEST, NULL},
	{"a=%C0%AF", BGW_E_BAD_REQUEST, NULL},        /* overlong '/' */
	{"a=%ED%A0%80", BGW_E_BAD_REQUEST, NULL},     /* surrogate */
	{"a=%E7%A2", BGW_E_BAD_REQUEST, NULL},        /* truncated */
	{"a=\xff", BGW_E_BAD_REQUEST, NULL},          /* raw invalid byte */
	{"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8", BGW_OK, "a=1|b=2|c=3|d=4|e=5|f=6|g=7|h=8"},
	{"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", BGW_E_BAD_REQUEST, NULL},
	{"=&=&=&=&=&=&=&=&=", BGW_E_BAD_REQUEST, NULL}, /* skipped pairs still count */
};

/* "k=v|k=v" rendering of a list. */
static void
render(const bgw_kv *l, char *buf, size_t size)
{
	buf[0] = '\0';
	for (; l != NULL; l = l->next) {
		if (buf[0] != '\0')
			strncat(buf, "|", size - strlen(buf) - 1);
		strncat(buf, l->key, size - strlen(buf) - 1);
		strncat(buf, "=", size - strlen(buf) - 1);
		strncat(buf, l->value, size - strlen(buf) - 1);
		assert_int_equal(strlen(l->value), l->value_len);
	}
}

static void
test_parse(void **state)
{
	size_t i;
	char buf[256];

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		bgw_kv *out = (bgw_kv *)&out; /* garbage that must be overwritten */
		bgw_err e = urlenc_parse(*state, c->in, strlen(c->in), MAX_PAIRS, &out);

		if (e != c->want)
			fail_msg("case %zu \"%s\": got %d want %d", i, c->in, e, c->want);
		if (c->pairs == NULL) {
			assert_null(out);
			continue;
		}
		render(out, buf, sizeof(buf));
		if (strcmp(buf, c->pairs) != 0)
			fail_msg("case %zu \"%s\": got \"%s\" want \"%s\"", i, c->in, buf, c->pairs);
	}
}

static void
test_parse_not_terminated(void **state)
{
	/* The length is honoured: the bytes after n are never read as part of the input. */
	const char buf[] = "a=1&b=%41XYZ";
	bgw_kv *out;

	assert_int_equal(urlenc_parse(*state, buf, 9, MAX_PAIRS, &out), BGW_OK);
	assert_string_equal(kv_get(out, "b"), "A");
	assert_int_equal(urlenc_parse(*state, buf, 7, MAX_PAIRS, &out), BGW_E_BAD_REQUEST);
	assert_int_equal(urlenc_parse(*state, NULL, 0, MAX_PAIRS, &out), BGW_OK);
	assert_null(out);
}

static void
test_encode(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"", ""},
		{"abcXYZ019-._~", "abcXYZ019-._~"},
		{"a b", "a%20b"},
		{"a+b&c=d/e?f#g%", "a%2Bb%26c%3Dd%2Fe%3Ff%23g%25"},
		{"\xe7\xa2\xba", "%E7%A2%BA"},
		{"<script>\"'", "%3Cscript%3E%22%27"},
		{"\x7f\x01", "%7F%01"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(urlenc_encode(*state, cases[i].in), cases[i].want);
	assert_null(urlenc_encode(*state, NULL));
}

static void
test_round_trip(void **state)
{
	char all[256];
	char *enc, *query;
	bgw_kv *out;
	int i;

	/* every non-NUL ASCII byte survives encode then parse */
	for (i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	enc = urlenc_encode(*state, all);
	query = bgw_arena_printf(*state, "k=%s", enc);
	assert_int_equal(urlenc_parse(*state, query, strlen(query), MAX_PAIRS, &out), BGW_OK);
	assert_string_equal(kv_get(out, "k"), all);
}

static void
test_kv(void **state)
{
	bgw_kv *head = NULL, **tail = &head;

	assert_null(kv_get(NULL, "a"));
	assert_int_equal(kv_count(NULL), 0);
	assert_int_equal(kv_append(*state, &tail, "a", "1", 1), BGW_OK);
	assert_int_equal(kv_append(*state, &tail, "b", "22x", 2), BGW_OK);
	assert_int_equal(kv_append(*state, &tail, "a", "3", 1), BGW_OK);
	assert_int_equal(kv_append(*state, &tail, "c", NULL, 5), BGW_OK);
	assert_int_equal(kv_count(head), 4);
	assert_string_equal(kv_get(head, "a"), "1"); /* first match */
	assert_string_equal(kv_get(head, "b"), "22");
	assert_int_equal(kv_find(head, "b")->value_len, 2);
	assert_string_equal(kv_get(head, "c"), "");
	assert_int_equal(kv_find(head, "c")->value_len, 0);
	assert_null(kv_get(head, "d"));
	assert_null(kv_get(head, NULL));
	assert_string_equal(head->next->next->value, "3"); /* order kept */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_not_terminated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kv, setup, teardown),
	};

	return cmocka_run_group_tests_name("urlenc", tests, NULL, NULL);
}
