/* test_i18n.c - the catalogue is complete in both languages; language choice; dates and
 * amounts per locale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"

static void
test_catalogue_complete_and_unique(void **state)
{
	(void)state;
	assert_true(i18n_count() > 100);
	for (size_t i = 0; i < i18n_count(); i++) {
		assert_non_null(i18n_key_at(i));
		assert_true(strlen(i18n_text_at(i, I18N_JA)) > 0);
		assert_true(strlen(i18n_text_at(i, I18N_EN)) > 0);
		for (size_t j = i + 1; j < i18n_count(); j++)
			assert_string_not_equal(i18n_key_at(i), i18n_key_at(j));
	}
	assert_string_equal(i18n_t(I18N_JA, "status.sent"), "発送済み");
	assert_string_equal(i18n_t(I18N_EN, "status.sent"), "Sent");
	assert_string_equal(i18n_t(I18N_EN, "no.such.key"), "no.such.key");
	assert_null(i18n_key_at(i18n_count()));
}

static void
test_pick(void **state)
{
	static const struct { const char *q, *c, *al; enum i18n_lang want; } v[] = {
		{NULL, NULL, NULL, I18N_JA},
		{"en", NULL, NULL, I18N_EN},
		{"ja", "en", "en", I18N_JA},
		{NULL, "en", "ja", I18N_EN},
		{"xx", NULL, "en-GB,en;q=0.9", I18N_EN},
		{NULL, NULL, "fr-FR, en;q=0.5, ja;q=0.4", I18N_EN},
		{NULL, NULL, "en;q=0.5, ja;q=0.8", I18N_JA},
		{NULL, NULL, "ja-JP", I18N_JA},
		{NULL, NULL, "en;q=0", I18N_JA},
		{NULL, NULL, "fr, de", I18N_JA},
		{NULL, NULL, "english", I18N_JA},
		{NULL, NULL, "en;q=bogus", I18N_JA},
		{NULL, NULL, ",,;q=1,", I18N_JA},
		{NULL, NULL, "en;level=1, ja;q=0.5", I18N_EN}, /* a non-q parameter is ignored */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(i18n_pick(v[i].q, v[i].c, v[i].al), v[i].want);
}

static void
test_dates(void **state)
{
	char buf[I18N_DATE_MAX];

	(void)state;
	assert_int_equal(i18n_date(I18N_JA, "2026-03-31", buf, sizeof(buf)), BGW_OK);
	assert_string_equal(buf, "2026年3月31日");
	assert_int_equal(i18n_date(I18N_EN, "2026-03-31", buf, sizeof(buf)), BGW_OK);
	assert_string_equal(buf, "31 Mar 2026");
	assert_int_equal(i18n_date(I18N_EN, "2024-02-29", buf, sizeof(buf)), BGW_OK);
	assert_int_equal(i18n_date(I18N_EN, "2026-02-29", buf, sizeof(buf)), BGW_E_VALIDATION);
	assert_int_equal(i18n_date(I18N_EN, "2026-13-01", buf, sizeof(buf)), BGW_E_VALIDATION);
	assert_int_equal(i18n_date(I18N_EN, "2026-03-31x", buf, sizeof(buf)), BGW_E_VALIDATION);
	assert_int_equal(i18n_date(I18N_EN, NULL, buf, sizeof(buf)), BGW_E_VALIDATION);
	assert_int_equal(i18n_datetime(I18N_JA, "2026-03-31 09:05:07.123+00", buf, sizeof(buf)),
	    BGW_OK);
	assert_string_equal(buf, "2026年3月31日 09:05 UTC");
	assert_int_equal(i18n_datetime(I18N_EN, "2026-03-31T23:59:00Z", buf, sizeof(buf)), BGW_OK);
	assert_string_equal(buf, "31 Mar 2026 23:59 UTC");
	assert_int_equal(i18n_datetime(I18N_EN, "2026-03-31T23:59:00+09:00", buf, sizeof(buf)),
	    BGW_E_VALIDATION);
	assert_int_equal(i18n_datetime(I18N_EN, "2026-03-31T24:00:00Z", buf, sizeof(buf)),
	    BGW_E_VALIDATION);
}

static void
test_amounts(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(i18n_amount(I18N_JA, "1250000", "JPY", buf, sizeof(buf)), BGW_OK);
	assert_string_equal(buf, "1,250,000円");
	assert_int_equal(i18n_amount(I18N_EN, "1250000", "JPY", buf, sizeof(buf)), BGW_OK);
	assert_string_equal(buf, "JPY 1,250,000");
	assert_int_equal(i18n_amount(I18N_JA, "1042.50", "USD", buf, sizeof(buf)), BGW_OK);
	assert_string_equal(buf, "USD 1,042.50");
	assert_int_equal(i18n_amount(I18N_EN, "abc", "USD", buf, sizeof(buf)), BGW_E_VALIDATION);
	assert_int_equal(i18n_amount(I18N_EN, "1", "XXX", buf, sizeof(buf)), BGW_E_VALIDATION);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_complete_and_unique),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_amounts),
	};

	return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
