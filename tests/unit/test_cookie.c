/* test_cookie.c - Cookie header parsing and the session Set-Cookie value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/cookie.h"

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
	const char *pairs; /* "k=v|k=v" expected */
};

static const struct parse_case parse_cases[] = {
	{"", ""},
	{"a=1", "a=1"},
	{"a=1; b=2", "a=1|b=2"},
	{"a=1;b=2", "a=1|b=2"},
	{"  a = 1 ;\tb=2\t;  ", "a=1|b=2"},
	{"a=\"quoted\"", "a=quoted"},
	{"a=\"\"", "a="},
	{"a=", "a="},
	{"a=1; a=2", "a=1|a=2"},
	{"__Host-bgw_session=AbC-_09.x~; csrf=t0k", "__Host-bgw_session=AbC-_09.x~|csrf=t0k"},
	{"a=b=c", "a=b=c"},                  /* '=' is a cookie-octet */
	{"noequals; b=2", "b=2"},            /* malformed pair skipped */
	{"=1; b=2", "b=2"},                  /* empty name */
	{"a b=1; c=2", "c=2"},               /* space in name */
	{"a(=1; c=2", "c=2"},                /* separator in name */
	{"a=1 2; c=3", "c=3"},               /* space in value */
	{"a=x,y; c=3", "c=3"},               /* comma in value */
	{"a=x\\y; c=3", "c=3"},              /* backslash in value */
	{"a=\"x; c=3", "c=3"},               /* lone DQUOTE */
	{"a=\"x\"y\"; c=3", "c=3"},          /* DQUOTE inside */
	{"a=\x01; c=3", "c=3"},              /* control in value */
	{"a=\x7f; c=3", "c=3"},              /* DEL in value */
	{"a=\xc3\xa9; c=3", "c=3"},          /* non-ASCII in value */
	{"\xc3\xa9=1; c=3", "c=3"},          /* non-ASCII in name */
	{"a\x01=1; c=3", "c=3"},             /* control in name */
	{";;; ; c=3;", "c=3"},
	{"a=1, b=2", ""},                    /* RFC 2965 style: "1, b=2" has ',' and ' ' */
};

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
		bgw_kv *out = (bgw_kv *)&out;

		assert_int_equal(cookie_parse(*state, parse_cases[i].in, &out), BGW_OK);
		render(out, buf, sizeof(buf));
		if (strcmp(buf, parse_cases[i].pairs) != 0)
			fail_msg("case %zu \"%s\": got \"%s\" want \"%s\"", i, parse_cases[i].in, buf,
			    parse_cases[i].pairs);
	}
}

static void
test_null_header(void **state)
{
	bgw_kv *out = (bgw_kv *)&out;

	assert_int_equal(cookie_parse(*state, NULL, &out), BGW_OK);
	assert_null(out);
}

static void
test_limits(void **state)
{
	char *h = bgw_arena_alloc(*state, COOKIE_MAX_HEADER_LEN + 2);
	char *name = bgw_arena_alloc(*state, COOKIE_MAX_NAME_LEN + 2);
	bgw_kv *out;
	size_t i, len = 0;

	/* header exactly at the limit is parsed, one byte more is refused */
	memset(h, 'a', COOKIE_MAX_HEADER_LEN);
	h[0] = 'x';
	h[1] = '=';
	h[COOKIE_MAX_HEADER_LEN] = '\0';
	assert_int_equal(cookie_parse(*state, h, &out), BGW_OK);
	assert_null(out); /* value over COOKIE_MAX_VALUE_LEN: skipped */
	h[COOKIE_MAX_HEADER_LEN] = 'a';
	h[COOKIE_MAX_HEADER_LEN + 1] = '\0';
	assert_int_equal(cookie_parse(*state, h, &out), BGW_E_BAD_REQUEST);
	assert_null(out);

	/* value exactly at its limit is kept */
	h[0] = 'x';
	h[1] = '=';
	memset(h + 2, 'v', COOKIE_MAX_VALUE_LEN);
	h[2 + COOKIE_MAX_VALUE_LEN] = '\0';
	assert_int_equal(cookie_parse(*state, h, &out), BGW_OK);
	assert_non_null(out);
	assert_int_equal(out->value_len, COOKIE_MAX_VALUE_LEN);

	/* name at its limit kept, one more skipped */
	memset(name, 'n', COOKIE_MAX_NAME_LEN);
	name[COOKIE_MAX_NAME_LEN] = '\0';
	assert_int_equal(cookie_parse(*state, bgw_arena_printf(*state, "%s=1", name), &out),
	    BGW_OK);
	assert_int_equal(kv_count(out), 1);
	name[COOKIE_MAX_NAME_LEN] = 'n';
	name[COOKIE_MAX_NAME_LEN + 1] = '\0';
	assert_int_equal(cookie_parse(*state, bgw_arena_printf(*state, "%s=1", name), &out),
	    BGW_OK);
	assert_null(out);

	/* pairs beyond COOKIE_MAX_PAIRS are ignored, and skipped pairs do not count */
	len = (size_t)sprintf(h, "bad; ");
	for (i = 0; i < COOKIE_MAX_PAIRS + 5; i++)
		len += (size_t)sprintf(h + len, "c%zu=%zu; ", i, i);
	assert_int_equal(cookie_parse(*state, h, &out), BGW_OK);
	assert_int_equal(kv_count(out), COOKIE_MAX_PAIRS);
	assert_string_equal(kv_get(out, "c0"), "0");
	assert_null(kv_get(out, bgw_arena_printf(*state, "c%d", COOKIE_MAX_PAIRS)));
}

static void
test_format(void **state)
{
	static const char attrs[] = "Path=/; Secure; HttpOnly; SameSite=Strict";
	char want[256];

	snprintf(want, sizeof(want), "__Host-bgw_session=abc123; %s; Max-Age=3600", attrs);
	assert_string_equal(cookie_format_session(*state, "__Host-bgw_session", "abc123", 3600),
	    want);
	snprintf(want, sizeof(want), "s=; %s; Max-Age=0", attrs);
	assert_string_equal(cookie_format_session(*state, "s", "", 0), want);
	snprintf(want, sizeof(want), "s=v; %s", attrs);
	assert_string_equal(cookie_format_session(*state, "s", "v", -1), want);
	/* base64url and base64 alphabets are cookie-octets */
	assert_non_null(cookie_format_session(*state, "s", "aZ09-_+/=", 1));

	assert_null(cookie_format_session(*state, "s", "a;b", 1));
	assert_null(cookie_format_session(*state, "s", "a b", 1));
	assert_null(cookie_format_session(*state, "s", "a\"b", 1));
	assert_null(cookie_format_session(*state, "s", "a,b", 1));
	assert_null(cookie_format_session(*state, "s", "a\\b", 1));
	assert_null(cookie_format_session(*state, "s", "a\r\nSet-Cookie: x=y", 1));
	assert_null(cookie_format_session(*state, "s", "\xc3\xa9", 1));
	assert_null(cookie_format_session(*state, "", "v", 1));
	assert_null(cookie_format_session(*state, "a=b", "v", 1));
	assert_null(cookie_format_session(*state, "a b", "v", 1));
	assert_null(cookie_format_session(*state, NULL, "v", 1));
	assert_null(cookie_format_session(*state, "s", NULL, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format, setup, teardown),
	};

	return cmocka_run_group_tests_name("cookie", tests, NULL, NULL);
}
