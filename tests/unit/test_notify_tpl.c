/* test_notify_tpl.c - the batch job's templates (in the one catalogue, lib/mail/mailtpl.c) render in both locales with every slot
 * filled; the mail to a respondent admin carries the reference and the verify URL; unknown
 * templates and missing values are errors, and a value is inserted once, as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/kv.h"
#include "mail/mailtpl.h"

static const char *const all_vars[][2] = {
    {"name", "山田 太郎"}, {"firm", "監査法人サンプル"}, {"client", "株式会社テスト商事"},
    {"project", "2025年3月期 期末監査"}, {"reference", "BG7KQ2MX4P"},
    {"as_of", "2025-03-31"}, {"due_date", "2025-04-15"},
    {"link", "https://gateway.example.jp/confirmations/abc"},
    {"verify_url", "https://gateway.example.jp/verify"},
};

static bgw_kv *
vars_without(bgw_arena *a, const char *skip, const char *ref)
{
	bgw_kv *head = NULL, **tail = &head;

	for (size_t i = 0; i < sizeof(all_vars) / sizeof(all_vars[0]); i++) {
		const char *v = strcmp(all_vars[i][0], "reference") == 0 && ref ? ref : all_vars[i][1];

		if (skip == NULL || strcmp(all_vars[i][0], skip) != 0)
			assert_int_equal(kv_append(a, &tail, all_vars[i][0], v, strlen(v)), BGW_OK);
	}
	return head;
}

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

static void
renders_everywhere(void **state)
{
	static const char *const names[] = {"auth_reminder", "approval_reminder"};
	static const char *const locales[] = {"ja", "en"};
	bgw_arena *a = *state;

	for (size_t n = 0; n < 2; n++)
		for (size_t l = 0; l < 2; l++) {
			char *subject = NULL, *body = NULL;

			assert_int_equal(mailtpl_render(a, names[n], locales[l],
			    vars_without(a, NULL, NULL), &subject, &body), BGW_OK);
			assert_null(strstr(subject, "{{"));
			assert_null(strstr(body, "{{"));
			assert_null(strchr(subject, '\n'));
			assert_non_null(strstr(body, "Balance Gateway"));
			assert_non_null(strstr(body, "BG7KQ2MX4P"));
			if (n == 1) /* to the respondent side: verify address too */
				assert_non_null(strstr(body, "https://gateway.example.jp/verify"));
		}
}

static void
refuses_bad_calls(void **state)
{
	static const struct { const char *name, *locale, *skip; bgw_err want; } cases[] = {
		{"no_such", "ja", NULL, BGW_E_INTERNAL},
		{"auth_reminder", "fr", NULL, BGW_E_INTERNAL},
		{"auth_reminder", "ja", "link", BGW_E_INTERNAL},
		{"approval_reminder", "en", "verify_url", BGW_E_INTERNAL},
	};
	bgw_arena *a = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *subject, *body;

		assert_int_equal(mailtpl_render(a, cases[i].name, cases[i].locale,
		    vars_without(a, cases[i].skip, NULL), &subject, &body), cases[i].want);
	}
}

static void
values_once_and_clean(void **state)
{
	bgw_arena *a = *state;
	char *subject, *body;

	/* A value holding a slot is not expanded again. */
	assert_int_equal(mailtpl_render(a, "approval_reminder", "en",
	    vars_without(a, NULL, "{{link}}"), &subject, &body), BGW_OK);
	assert_non_null(strstr(subject, "{{link}}"));
	/* A line break in a value would forge a header. */
	assert_int_equal(mailtpl_render(a, "approval_reminder", "en",
	    vars_without(a, NULL, "X\nBcc: a@b"), &subject, &body), BGW_E_VALIDATION);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(renders_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_bad_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(values_once_and_clean, setup, teardown),
	};

	return cmocka_run_group_tests_name("notify_tpl", tests, NULL, NULL);
}
