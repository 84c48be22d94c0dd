/* test_httplist.c - a weighted header list split into its elements: tokens, weights in
 * thousandths, empty elements, malformed weights, ignored parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/httplist.h"

/* The list as "token=q" words joined by spaces ("" for an empty token). */
static void
render(const char *header, char *out, size_t cap)
{
	const char *p = header;
	httplist_item it;
	size_t used = 0;

	out[0] = '\0';
	while (httplist_next(&p, &it) && used < cap)
		used += (size_t)snprintf(out + used, cap - used, "%s%.*s=%d", used > 0 ? " " : "",
		    (int)it.len, it.token, it.q);
}

static void
splits_and_weighs(void **state)
{
	static const struct {
		const char *header, *want;
	} v[] = {
		{"gzip, deflate, br", "gzip=1000 deflate=1000 br=1000"},
		{"ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja-JP=1000 ja=900 en-US=800 en=700"},
		{"deflate, gzip;q=1.0, *;q=0.5", "deflate=1000 gzip=1000 *=500"},
		{" gzip ;q=0.5 , br ; q=0.25 ", "gzip=500 br=250"},
		{"x;Q=0.001", "x=1"},
		{"x;q=1.", "x=1000"},
		{"x;q=0", "x=0"},
		{"x;level=9", "x=1000"},            /* not a weight: ignored */
		{"x;level=9;q=0.5", "x=500"},
		{"x;q=2", "x=-1"},
		{"x;q=1.5", "x=-1"},
		{"x;q=0.0001", "x=-1"},
		{"x;q=.5", "x=-1"},
		{"x;q=", "x=-1"},
		{"x;q=abc", "x=-1"},
		{",,;q=1,", "=1000 =1000 =1000"},   /* empty elements are elements */
		{"", ""},
	};
	char got[256];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		render(v[i].header, got, sizeof(got));
		if (strcmp(got, v[i].want) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", v[i].header, got, v[i].want);
	}
}

static void
null_is_empty(void **state)
{
	const char *p = NULL;
	httplist_item it;

	(void)state;
	assert_false(httplist_next(&p, &it));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(splits_and_weighs),
		cmocka_unit_test(null_is_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
