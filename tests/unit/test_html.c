/* test_html.c - the HTML writer: escaping, literal-only markup, templates, URL checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/html.h"

static const char *
done(html *h)
{
	const char *out;
	size_t len;

	assert_int_equal(html_finish(h, &out, &len), BGW_OK);
	assert_int_equal(strlen(out), len);
	return out;
}

static void
test_text_escapes_all_five(void **state)
{
	static const struct { const char *in, *want; } v[] = {
		{"plain", "plain"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"a & b", "a &amp; b"},
		{"\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"},
		{"日本語<b>", "日本語&lt;b&gt;"},
		{"", ""},
	};
	bgw_arena *a = bgw_arena_new();

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		html h;

		html_init(&h, a);
		html_text(&h, v[i].in);
		assert_string_equal(done(&h), v[i].want);
	}
	bgw_arena_free(a);
}

static void
test_attr_and_fill(void **state)
{
	bgw_arena *a = bgw_arena_new();
	html h;

	(void)state;
	html_init(&h, a);
	html_raw(&h, "<input");
	html_attr(&h, "value", "\" onfocus=\"alert(1)");
	html_raw(&h, ">");
	assert_string_equal(done(&h), "<input value=\"&quot; onfocus=&quot;alert(1)\">");
	html_init(&h, a);
	html_fill(&h, "<p>{name} ({org}) {{x}</p>", {"name", "<img src=x onerror=alert(1)>"},
	    {"org", "O'Brien & Co"});
	assert_string_equal(done(&h), "<p>&lt;img src=x onerror=alert(1)&gt; (O&#39;Brien &amp; Co)"
	    " {x}</p>");
	/* An unknown slot is a programming error, reported at the end. */
	html_init(&h, a);
	html_fill(&h, "<p>{nope}</p>", {"name", "x"});
	{
		const char *out;
		size_t len;

		assert_int_equal(html_finish(&h, &out, &len), BGW_E_INTERNAL);
		assert_null(out);
	}
	bgw_arena_free(a);
}

static void
test_url_ok(void **state)
{
	static const struct { const char *url; bool ok; } v[] = {
		{"/projects", true}, {"/confirmations/abc?m=msg.done", true}, {"#main", true},
		{"?lang=en", true}, {"https://example.test/x", true},
		{"//evil.test/", false}, {"/\\evil.test", false}, {"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false}, {"data:text/html,x", false}, {"http://x.test/", false},
		{"/a b", false}, {"/a\nb", false}, {"", false}, {NULL, false}, {"https:///x", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(html_url_ok(v[i].url), v[i].ok);
	assert_true(html_next_ok("/projects/x"));
	assert_false(html_next_ok("/login?next=/x"));
	assert_false(html_next_ok("https://example.test/"));
}

static void
test_bad_url_is_sticky(void **state)
{
	bgw_arena *a = bgw_arena_new();
	html h;
	const char *out;
	size_t len;

	(void)state;
	html_init(&h, a);
	html_raw(&h, "<a");
	html_attr_url(&h, "href", "javascript:alert(1)");
	html_raw(&h, ">x</a>");
	assert_int_equal(html_finish(&h, &out, &len), BGW_E_INTERNAL);
	bgw_arena_free(a);
}

static void
test_large_document_grows(void **state)
{
	bgw_arena *a = bgw_arena_new();
	html h;
	const char *out;
	size_t len;

	(void)state;
	html_init(&h, a);
	for (int i = 0; i < 10000; i++)
		html_text(&h, "<>");
	assert_int_equal(html_finish(&h, &out, &len), BGW_OK);
	assert_int_equal(len, 80000);
	assert_memory_equal(out, "&lt;&gt;", 8);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes_all_five),
		cmocka_unit_test(test_attr_and_fill),
		cmocka_unit_test(test_url_ok),
		cmocka_unit_test(test_bad_url_is_sticky),
		cmocka_unit_test(test_large_document_grows),
	};

	return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
