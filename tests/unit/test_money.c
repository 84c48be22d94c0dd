/* test_money.c - the ISO 4217 table, strict parsing, canonical and display formatting, and
 * checked per-currency arithmetic of lib/money. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/money.h"

/* ---- the currency table ---- */

static const struct {
	const char *code;
	int minor_units;
} known[] = {
	{"JPY", 0}, {"KRW", 0}, {"VND", 0}, {"CLP", 0}, {"ISK", 0}, {"PYG", 0}, {"UGX", 0},
	{"XOF", 0}, {"XAF", 0}, {"XPF", 0}, {"BIF", 0}, {"DJF", 0}, {"GNF", 0}, {"KMF", 0},
	{"RWF", 0}, {"VUV", 0}, {"UYI", 0},
	{"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"CNY", 2}, {"HKD", 2}, {"SGD", 2}, {"TWD", 2},
	{"THB", 2}, {"AUD", 2}, {"CAD", 2}, {"CHF", 2}, {"INR", 2}, {"IDR", 2}, {"HUF", 2},
	{"MGA", 2}, {"MRU", 2}, {"XCD", 2}, {"XCG", 2}, {"ZWG", 2}, {"SLE", 2}, {"VES", 2},
	{"BHD", 3}, {"KWD", 3}, {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"LYD", 3}, {"IQD", 3},
	{"CLF", 4}, {"UYW", 4},
	/* withdrawn, kept for past as-of dates */
	{"HRK", 2}, {"SLL", 2}, {"ZWL", 2}, {"ANG", 2},
	/* unknown, N.A. minor units, or malformed */
	{"XAU", -1}, {"XAG", -1}, {"XDR", -1}, {"XXX", -1}, {"XTS", -1}, {"XSU", -1},
	{"ZZZ", -1}, {"usd", -1}, {"Usd", -1}, {"US", -1}, {"USDX", -1}, {"", -1},
	{"US\xc2\xa0", -1}, {"DEM", -1}, {"FRF", -1},
};

static void
test_table_sorted_and_wellformed(void **state)
{
	size_t i, n = money_currency_count();

	(void)state;
	/* ISO 4217 has about 155 codes with defined minor units. */
	assert_true(n >= 150);
	assert_true(n <= MONEY_CURRENCY_MAX);
	assert_null(money_currency_at(n));
	for (i = 0; i < n; i++) {
		const char *c = money_currency_at(i);
		int mu = money_minor_units(c);

		assert_non_null(c);
		assert_int_equal(strlen(c), 3);
		assert_true(c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
		    c[2] >= 'A' && c[2] <= 'Z');
		/* bsearch finds every entry only if the table is strictly sorted */
		if (i > 0)
			assert_true(strcmp(money_currency_at(i - 1), c) < 0);
		assert_true(mu >= 0 && mu <= MONEY_MAX_MINOR_UNITS);
		assert_true(money_currency_valid(c));
	}
}

static void
test_table_known_codes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (money_minor_units(known[i].code) != known[i].minor_units ||
		    money_currency_valid(known[i].code) != (known[i].minor_units >= 0))
			fail_msg("currency %s", known[i].code);
	}
	assert_int_equal(money_minor_units(NULL), -1);
	assert_false(money_currency_valid(NULL));
}

/* ---- parsing ---- */

struct parse_vec {
	const char *s;
	const char *currency;
	const char *canonical; /* NULL: BGW_E_VALIDATION */
};

static const struct parse_vec parse_vectors[] = {
	/* docs/api.md's examples */
	{"1250000", "JPY", "1250000"},
	{"1042.50", "USD", "1042.50"},
	{"-3000", "USD", "-3000.00"},
	/* whole amounts may omit the decimals */
	{"1250000", "USD", "1250000.00"},
	{"1", "BHD", "1.000"},
	{"7", "CLF", "7.0000"},
	{"0", "USD", "0.00"},
	{"0.00", "USD", "0.00"},
	{"0.01", "USD", "0.01"},
	{"-0.01", "USD", "-0.01"},
	/* negative zero is zero */
	{"-0", "USD", "0.00"},
	{"-0.00", "USD", "0.00"},
	{"-0", "JPY", "0"},
	/* leading zeros */
	{"007.50", "USD", "7.50"},
	{"000", "JPY", "0"},
	{"0000000000000000000000000001", "JPY", "1"},
	/* three and four decimals */
	{"1.234", "BHD", "1.234"},
	{"-1042.005", "KWD", "-1042.005"},
	{"1.2345", "CLF", "1.2345"},
	{"0.0001", "UYW", "0.0001"},
	/* the bound: |x| < 10^18 */
	{"999999999999999999", "JPY", "999999999999999999"},
	{"-999999999999999999", "JPY", "-999999999999999999"},
	{"999999999999999999.99", "USD", "999999999999999999.99"},
	{"-999999999999999999.9999", "CLF", "-999999999999999999.9999"},
	{"1000000000000000000", "JPY", NULL},
	{"-1000000000000000000", "JPY", NULL},
	{"1000000000000000000.00", "USD", NULL},
	{"99999999999999999999", "USD", NULL},
	{"340282366920938463463374607431768211457", "JPY", NULL}, /* > 2^128 */
	/* a wrong number of decimals */
	{"1042.5", "USD", NULL},
	{"1042.500", "USD", NULL},
	{"1042.50", "BHD", NULL},
	{"1042.5000", "BHD", NULL},
	{"1.234", "CLF", NULL},
	{"1.23456", "CLF", NULL},
	{"100.0", "JPY", NULL},
	{"100.00", "JPY", NULL},
	{"0.0", "JPY", NULL},
	/* syntax */
	{"100.", "JPY", NULL},
	{"1.", "USD", NULL},
	{".50", "USD", NULL},
	{"-.50", "USD", NULL},
	{".", "USD", NULL},
	{"+1", "USD", NULL},
	{"+1.00", "USD", NULL},
	{"--1", "USD", NULL},
	{"-", "USD", NULL},
	{"", "USD", NULL},
	{" 1", "USD", NULL},
	{"1 ", "USD", NULL},
	{"1\n", "USD", NULL},
	{"\t1", "USD", NULL},
	{"1,000", "USD", NULL},
	{"1,000.00", "USD", NULL},
	{"1 000", "JPY", NULL},
	{"1'000", "CHF", NULL},
	{"1_000", "JPY", NULL},
	{"1.000,00", "EUR", NULL},
	{"1,50", "EUR", NULL},
	{"1e3", "JPY", NULL},
	{"1E3", "JPY", NULL},
	{"1.00e2", "USD", NULL},
	{"0x10", "JPY", NULL},
	{"1.2.3", "USD", NULL},
	{"1-", "USD", NULL},
	{"NaN", "USD", NULL},
	{"inf", "USD", NULL},
	{"-Infinity", "USD", NULL},
	{"$100", "USD", NULL},
	{"100USD", "USD", NULL},
	{"\xef\xbc\x91", "JPY", NULL},         /* fullwidth 1 */
	{"\xd9\xa1", "JPY", NULL},             /* Arabic-Indic 1 */
	{"1\xc2\xa0" "000", "JPY", NULL},     /* no-break space */
	{"\xe2\x88\x92" "1", "JPY", NULL},    /* U+2212 minus sign */
	{"(100)", "JPY", NULL},
	/* currency */
	{"1", "usd", NULL},
	{"1", "XAU", NULL},
	{"1", "ZZZ", NULL},
	{"1", "", NULL},
	{"1", "USDX", NULL},
};

static void
test_parse_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof parse_vectors / sizeof parse_vectors[0]; i++) {
		const struct parse_vec *v = &parse_vectors[i];
		char buf[MONEY_TEXT_MAX];
		money m;
		bgw_err e = money_parse(v->s, v->currency, &m);

		if (v->canonical == NULL) {
			if (e != BGW_E_VALIDATION)
				fail_msg("accepted \"%s\" %s", v->s, v->currency);
			continue;
		}
		if (e != BGW_OK)
			fail_msg("refused \"%s\" %s", v->s, v->currency);
		assert_string_equal(m.currency, v->currency);
		assert_int_equal(m.minor_units, money_minor_units(v->currency));
		assert_int_equal(money_format(&m, buf, sizeof buf), BGW_OK);
		if (strcmp(buf, v->canonical) != 0)
			fail_msg("\"%s\" %s: \"%s\", want \"%s\"", v->s, v->currency, buf,
			    v->canonical);
	}
}

static void
test_parse_null_and_untouched(void **state)
{
	money m, before;

	(void)state;
	assert_int_equal(money_parse(NULL, "USD", &m), BGW_E_VALIDATION);
	assert_int_equal(money_parse("1", NULL, &m), BGW_E_VALIDATION);
	assert_int_equal(money_parse_stored(NULL, "USD", &m), BGW_E_VALIDATION);
	/* a failed parse leaves *out as it was */
	assert_int_equal(money_parse("12.34", "USD", &m), BGW_OK);
	before = m;
	assert_int_equal(money_parse("12.3", "USD", &m), BGW_E_VALIDATION);
	assert_memory_equal(&m, &before, sizeof m);
}

static void
test_parse_exact_minor_units(void **state)
{
	money m;

	(void)state;
	assert_int_equal(money_parse("1042.50", "USD", &m), BGW_OK);
	assert_true(m.minor == 104250);
	assert_int_equal(money_parse("-1042.005", "KWD", &m), BGW_OK);
	assert_true(m.minor == -1042005);
	assert_int_equal(money_parse("1250000", "JPY", &m), BGW_OK);
	assert_true(m.minor == 1250000);
	/* beyond int64: 10^22 - 1 minor units */
	assert_int_equal(money_parse("999999999999999999.9999", "CLF", &m), BGW_OK);
	assert_true(m.minor == (money_minor_t)999999999999999999LL * 10000 + 9999);
	/* 0.1 + 0.2 is 0.3 exactly, as it must be */
	{
		money a, b, sum, want;

		assert_int_equal(money_parse("0.10", "USD", &a), BGW_OK);
		assert_int_equal(money_parse("0.20", "USD", &b), BGW_OK);
		assert_int_equal(money_add(&a, &b, &sum), BGW_OK);
		assert_int_equal(money_parse("0.30", "USD", &want), BGW_OK);
		assert_int_equal(money_cmp(&sum, &want), 0);
	}
}

static const struct parse_vec stored_vectors[] = {
	{"1042.5", "USD", "1042.50"},
	{"1042.50", "USD", "1042.50"},
	{"1042.5000", "USD", "1042.50"},
	{"1042", "USD", "1042.00"},
	{"100.00", "JPY", "100"},
	{"100.0000", "JPY", "100"},
	{"-0.0", "USD", "0.00"},
	{"12.34", "BHD", "12.340"},
	{"12.3400", "BHD", "12.340"},
	{"1.2345", "CLF", "1.2345"},
	{"999999999999999999.9900", "USD", "999999999999999999.99"},
	{"1.005", "USD", NULL},      /* not a whole number of cents */
	{"100.5", "JPY", NULL},
	{"1.00000", "USD", NULL},    /* the database never holds a scale above 4 */
	{"1.", "USD", NULL},
	{"+1", "USD", NULL},
	{"1e2", "USD", NULL},
	{"1000000000000000000", "JPY", NULL},
	{"1", "XAU", NULL},
};

static void
test_parse_stored(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof stored_vectors / sizeof stored_vectors[0]; i++) {
		const struct parse_vec *v = &stored_vectors[i];
		char buf[MONEY_TEXT_MAX];
		money m;
		bgw_err e = money_parse_stored(v->s, v->currency, &m);

		if (v->canonical == NULL) {
			if (e != BGW_E_VALIDATION)
				fail_msg("stored: accepted \"%s\" %s", v->s, v->currency);
			continue;
		}
		if (e != BGW_OK)
			fail_msg("stored: refused \"%s\" %s", v->s, v->currency);
		assert_int_equal(money_format(&m, buf, sizeof buf), BGW_OK);
		if (strcmp(buf, v->canonical) != 0)
			fail_msg("stored \"%s\" %s: \"%s\", want \"%s\"", v->s, v->currency, buf,
			    v->canonical);
	}
}

/* Whatever parses, formats to a string that parses back to the same amount, in both modes. */
static void
test_round_trip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof parse_vectors / sizeof parse_vectors[0]; i++) {
		const struct parse_vec *v = &parse_vectors[i];
		char buf[MONEY_TEXT_MAX];
		money m, back;

		if (v->canonical == NULL)
			continue;
		assert_int_equal(money_parse(v->s, v->currency, &m), BGW_OK);
		assert_int_equal(money_format(&m, buf, sizeof buf), BGW_OK);
		assert_int_equal(money_parse(buf, v->currency, &back), BGW_OK);
		assert_int_equal(money_cmp(&m, &back), 0);
		assert_int_equal(money_parse_stored(buf, v->currency, &back), BGW_OK);
		assert_int_equal(money_cmp(&m, &back), 0);
	}
}

/* ---- formatting ---- */

static money
M(const char *s, const char *currency)
{
	money m;

	assert_int_equal(money_parse(s, currency, &m), BGW_OK);
	return m;
}

static void
test_format_capacity(void **state)
{
	char buf[MONEY_TEXT_MAX];
	money m;

	(void)state;
	/* the longest canonical text fits MONEY_TEXT_MAX exactly */
	assert_int_equal(money_parse("-999999999999999999.9999", "CLF", &m), BGW_OK);
	assert_int_equal(money_format(&m, buf, sizeof buf), BGW_OK);
	assert_int_equal(strlen(buf) + 1, MONEY_TEXT_MAX);
	/* one byte short: an error and an empty string, never a truncated amount */
	assert_int_equal(money_format(&m, buf, sizeof buf - 1), BGW_E_INTERNAL);
	assert_string_equal(buf, "");
	assert_int_equal(money_parse("1042.50", "USD", &m), BGW_OK);
	assert_int_equal(money_format(&m, buf, 8), BGW_OK);
	assert_string_equal(buf, "1042.50");
	assert_int_equal(money_format(&m, buf, 7), BGW_E_INTERNAL);
	assert_string_equal(buf, "");
	assert_int_equal(money_format(&m, buf, 0), BGW_E_INTERNAL);
	assert_int_equal(money_format(&m, NULL, 10), BGW_E_INTERNAL);
}

static void
test_format_invalid_money(void **state)
{
	char buf[MONEY_DISPLAY_MAX] = "junk";
	money m;

	(void)state;
	memset(&m, 0, sizeof m); /* no currency */
	assert_int_equal(money_format(&m, buf, sizeof buf), BGW_E_INTERNAL);
	assert_string_equal(buf, "");
	assert_int_equal(money_format(NULL, buf, sizeof buf), BGW_E_INTERNAL);
	/* minor units that disagree with the currency */
	assert_int_equal(money_parse("1", "USD", &m), BGW_OK);
	m.minor_units = 0;
	assert_int_equal(money_format(&m, buf, sizeof buf), BGW_E_INTERNAL);
	/* out of bound */
	assert_int_equal(money_parse("1", "JPY", &m), BGW_OK);
	m.minor = (money_minor_t)1000000000000000000LL;
	assert_int_equal(money_format(&m, buf, sizeof buf), BGW_E_INTERNAL);
	assert_int_equal(money_format_display(&m, "ja", buf, sizeof buf), BGW_E_INTERNAL);
	assert_string_equal(buf, "");
	/* currency not terminated */
	memcpy(m.currency, "JPYX", 4);
	assert_int_equal(money_format_display(&m, "ja", buf, sizeof buf), BGW_E_INTERNAL);
}

static const struct {
	const char *s, *currency, *locale, *want;
} display_vectors[] = {
	{"1250000", "JPY", "en", "JPY 1,250,000"},
	{"1250000", "JPY", "ja", "1,250,000\xe5\x86\x86"},
	{"1250000", "JPY", "ja-JP", "1,250,000\xe5\x86\x86"},
	{"1250000", "JPY", "ja_JP", "1,250,000\xe5\x86\x86"},
	{"-1234567", "JPY", "ja", "-1,234,567\xe5\x86\x86"},
	{"0", "JPY", "ja", "0\xe5\x86\x86"},
	{"1042.50", "USD", "en", "USD 1,042.50"},
	{"1042.50", "USD", "ja", "USD 1,042.50"},
	{"-3000", "USD", "en", "USD -3,000.00"},
	{"999", "USD", "en", "USD 999.00"},
	{"1000", "USD", "en", "USD 1,000.00"},
	{"100000", "USD", "en", "USD 100,000.00"},
	{"123456.789", "BHD", "en", "BHD 123,456.789"},
	{"-0", "EUR", "en", "EUR 0.00"},
	{"-999999999999999999.9999", "CLF", "en", "CLF -999,999,999,999,999,999.9999"},
	{"999999999999999999", "JPY", "ja", "999,999,999,999,999,999\xe5\x86\x86"},
	/* unknown or absent locale: the "en" form */
	{"1250000", "JPY", NULL, "JPY 1,250,000"},
	{"1250000", "JPY", "", "JPY 1,250,000"},
	{"1250000", "JPY", "fr", "JPY 1,250,000"},
	{"1250000", "JPY", "jav", "JPY 1,250,000"},
	{"1250000", "JPY", "j", "JPY 1,250,000"},
};

static void
test_format_display(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof display_vectors / sizeof display_vectors[0]; i++) {
		char buf[MONEY_DISPLAY_MAX];
		money m;

		m = M(display_vectors[i].s, display_vectors[i].currency);
		if (money_format_display(&m, display_vectors[i].locale, buf, sizeof buf) != BGW_OK ||
		    strcmp(buf, display_vectors[i].want) != 0)
			fail_msg("display %s %s %s: \"%s\"", display_vectors[i].s,
			    display_vectors[i].currency,
			    display_vectors[i].locale ? display_vectors[i].locale : "(null)", buf);
	}
}

static void
test_format_display_capacity(void **state)
{
	char buf[MONEY_DISPLAY_MAX];
	money m;

	(void)state;
	assert_int_equal(money_parse("1250000", "JPY", &m), BGW_OK);
	assert_int_equal(money_format_display(&m, "ja", buf, 13), BGW_OK); /* 9 + 3 + NUL */
	assert_int_equal(money_format_display(&m, "ja", buf, 12), BGW_E_INTERNAL);
	assert_string_equal(buf, "");
}

/* ---- construction and arithmetic ---- */

static void
test_from_minor(void **state)
{
	char buf[MONEY_TEXT_MAX];
	money m;

	(void)state;
	assert_int_equal(money_from_minor("USD", 150, &m), BGW_OK);
	assert_int_equal(money_format(&m, buf, sizeof buf), BGW_OK);
	assert_string_equal(buf, "1.50");
	assert_int_equal(money_from_minor("USD", INT64_MIN, &m), BGW_OK);
	assert_int_equal(money_format(&m, buf, sizeof buf), BGW_OK);
	assert_string_equal(buf, "-92233720368547758.08");
	assert_int_equal(money_from_minor("JPY", 999999999999999999LL, &m), BGW_OK);
	assert_int_equal(money_from_minor("JPY", 1000000000000000000LL, &m), BGW_E_VALIDATION);
	assert_int_equal(money_from_minor("JPY", -1000000000000000000LL, &m), BGW_E_VALIDATION);
	assert_int_equal(money_from_minor("XAU", 1, &m), BGW_E_VALIDATION);
	assert_int_equal(money_zero("BHD", &m), BGW_OK);
	assert_true(money_is_zero(&m));
	assert_int_equal(money_format(&m, buf, sizeof buf), BGW_OK);
	assert_string_equal(buf, "0.000");
	assert_int_equal(money_zero("nope", &m), BGW_E_VALIDATION);
}

static const struct {
	const char *a, *ca, *b, *cb;
	char op; /* '+' or '-' */
	const char *want; /* NULL: BGW_E_VALIDATION */
} arith_vectors[] = {
	{"1042.50", "USD", "7.50", "USD", '+', "1050.00"},
	{"1042.50", "USD", "7.50", "USD", '-', "1035.00"},
	{"7.50", "USD", "1042.50", "USD", '-', "-1035.00"},
	{"-3000", "USD", "3000", "USD", '+', "0.00"},
	{"1250000", "JPY", "-1250001", "JPY", '+', "-1"},
	{"0.001", "BHD", "0.009", "BHD", '+', "0.010"},
	/* never across currencies, even when the numbers look alike */
	{"1", "USD", "1", "CAD", '+', NULL},
	{"0", "USD", "0", "EUR", '+', NULL},
	{"1", "USD", "1", "CAD", '-', NULL},
	/* the bound, both ways */
	{"999999999999999999.98", "USD", "0.01", "USD", '+', "999999999999999999.99"},
	{"999999999999999999.99", "USD", "0.01", "USD", '+', NULL},
	{"-999999999999999999.99", "USD", "0.01", "USD", '-', NULL},
	{"-999999999999999999.99", "USD", "-999999999999999999.99", "USD", '+', NULL},
	{"999999999999999999.99", "USD", "-999999999999999999.99", "USD", '-', NULL},
	{"-999999999999999999.99", "USD", "-999999999999999999.99", "USD", '-', "0.00"},
	{"999999999999999999", "JPY", "1", "JPY", '+', NULL},
	{"999999999999999999.9999", "CLF", "999999999999999999.9999", "CLF", '+', NULL},
};

static void
test_add_sub(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof arith_vectors / sizeof arith_vectors[0]; i++) {
		money a = M(arith_vectors[i].a, arith_vectors[i].ca);
		money b = M(arith_vectors[i].b, arith_vectors[i].cb);
		money r, keep;
		char buf[MONEY_TEXT_MAX];
		bgw_err e;

		memset(&r, 0x5a, sizeof r);
		keep = r;
		e = arith_vectors[i].op == '+' ? money_add(&a, &b, &r) : money_sub(&a, &b, &r);
		if (arith_vectors[i].want == NULL) {
			if (e != BGW_E_VALIDATION)
				fail_msg("%s %c %s accepted", arith_vectors[i].a, arith_vectors[i].op,
				    arith_vectors[i].b);
			assert_memory_equal(&r, &keep, sizeof r); /* untouched */
			continue;
		}
		if (e != BGW_OK)
			fail_msg("%s %c %s refused", arith_vectors[i].a, arith_vectors[i].op,
			    arith_vectors[i].b);
		assert_string_equal(r.currency, arith_vectors[i].ca);
		assert_int_equal(money_format(&r, buf, sizeof buf), BGW_OK);
		assert_string_equal(buf, arith_vectors[i].want);
	}
}

static void
test_add_aliasing_and_invalid(void **state)
{
	char buf[MONEY_TEXT_MAX];
	money a = M("1.25", "EUR"), b = M("2.50", "EUR"), bad;

	(void)state;
	assert_int_equal(money_add(&a, &b, &a), BGW_OK);
	assert_int_equal(money_format(&a, buf, sizeof buf), BGW_OK);
	assert_string_equal(buf, "3.75");
	assert_int_equal(money_sub(&a, &b, &b), BGW_OK);
	assert_int_equal(money_format(&b, buf, sizeof buf), BGW_OK);
	assert_string_equal(buf, "1.25");
	assert_int_equal(money_add(&a, &a, &a), BGW_OK);
	assert_int_equal(money_format(&a, buf, sizeof buf), BGW_OK);
	assert_string_equal(buf, "7.50");
	memset(&bad, 0, sizeof bad);
	assert_int_equal(money_add(&a, &bad, &a), BGW_E_INTERNAL);
	assert_int_equal(money_sub(&bad, &a, &a), BGW_E_INTERNAL);
	assert_int_equal(money_add(&a, &b, NULL), BGW_E_INTERNAL);
}

static void
test_cmp_sign_zero(void **state)
{
	money neg = M("-0.01", "USD"), zero = M("-0", "USD"), pos = M("0.01", "USD");
	money big = M("999999999999999999.99", "USD"), cad = M("-5", "CAD"), yen = M("0", "JPY");

	(void)state;
	assert_true(money_cmp(&neg, &zero) < 0);
	assert_true(money_cmp(&zero, &pos) < 0);
	assert_true(money_cmp(&pos, &big) < 0);
	assert_true(money_cmp(&big, &pos) > 0);
	assert_int_equal(money_cmp(&pos, &pos), 0);
	/* across currencies: by code only, whatever the amounts */
	assert_true(money_cmp(&cad, &big) < 0);
	assert_true(money_cmp(&big, &cad) > 0);
	assert_true(money_cmp(&yen, &big) < 0);
	assert_true(money_is_zero(&zero));
	assert_true(money_is_zero(&yen));
	assert_false(money_is_zero(&neg));
	assert_int_equal(money_sign(&neg), -1);
	assert_int_equal(money_sign(&zero), 0);
	assert_int_equal(money_sign(&pos), 1);
	assert_int_equal(money_sign(&big), 1);
}

/* ---- per-currency totals ---- */

static void
test_totals(void **state)
{
	static const struct {
		const char *s, *c;
	} items[] = {
		{"1250000", "JPY"}, {"1042.50", "USD"}, {"-3000", "USD"}, {"10.00", "EUR"},
		{"250000", "JPY"}, {"0.005", "BHD"}, {"2000.00", "USD"}, {"0.01", "EUR"},
	};
	static const struct {
		const char *c, *want;
	} totals[] = {
		{"BHD", "0.005"}, {"EUR", "10.01"}, {"JPY", "1500000"}, {"USD", "42.50"},
	};
	money_totals *t = test_malloc(sizeof *t);
	char buf[MONEY_TEXT_MAX];
	size_t i;

	(void)state;
	money_totals_init(t);
	assert_int_equal(t->n, 0);
	assert_null(money_totals_get(t, "JPY"));
	for (i = 0; i < sizeof items / sizeof items[0]; i++) {
		money m = M(items[i].s, items[i].c);

		assert_int_equal(money_totals_add(t, &m), BGW_OK);
	}
	/* one sum per currency, sorted by code */
	assert_int_equal(t->n, sizeof totals / sizeof totals[0]);
	for (i = 0; i < t->n; i++) {
		const money *m = money_totals_get(t, totals[i].c);

		assert_ptr_equal(m, &t->sums[i]);
		assert_string_equal(t->sums[i].currency, totals[i].c);
		assert_int_equal(money_format(m, buf, sizeof buf), BGW_OK);
		assert_string_equal(buf, totals[i].want);
	}
	assert_null(money_totals_get(t, "GBP"));
	assert_null(money_totals_get(t, NULL));
	test_free(t);
}

static void
test_totals_overflow_and_capacity(void **state)
{
	money_totals *t = test_malloc(sizeof *t);
	money max = M("999999999999999999", "JPY"), one = M("1", "JPY"), bad;
	char buf[MONEY_TEXT_MAX];
	size_t i, n = money_currency_count();

	(void)state;
	money_totals_init(t);
	assert_int_equal(money_totals_add(t, &max), BGW_OK);
	assert_int_equal(money_totals_add(t, &one), BGW_E_VALIDATION);
	/* the total is unchanged by a refused add */
	assert_int_equal(money_format(money_totals_get(t, "JPY"), buf, sizeof buf), BGW_OK);
	assert_string_equal(buf, "999999999999999999");
	memset(&bad, 0, sizeof bad);
	assert_int_equal(money_totals_add(t, &bad), BGW_E_INTERNAL);

	/* every currency of the table fits, added in reverse order, and ends sorted */
	money_totals_init(t);
	for (i = n; i-- > 0;) {
		money m;

		assert_int_equal(money_from_minor(money_currency_at(i), 1, &m), BGW_OK);
		assert_int_equal(money_totals_add(t, &m), BGW_OK);
		assert_int_equal(money_totals_add(t, &m), BGW_OK);
	}
	assert_int_equal(t->n, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(t->sums[i].currency, money_currency_at(i));
		assert_true(t->sums[i].minor == 2);
	}
	test_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sorted_and_wellformed),
		cmocka_unit_test(test_table_known_codes),
		cmocka_unit_test(test_parse_vectors),
		cmocka_unit_test(test_parse_null_and_untouched),
		cmocka_unit_test(test_parse_exact_minor_units),
		cmocka_unit_test(test_parse_stored),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_capacity),
		cmocka_unit_test(test_format_invalid_money),
		cmocka_unit_test(test_format_display),
		cmocka_unit_test(test_format_display_capacity),
		cmocka_unit_test(test_from_minor),
		cmocka_unit_test(test_add_sub),
		cmocka_unit_test(test_add_aliasing_and_invalid),
		cmocka_unit_test(test_cmp_sign_zero),
		cmocka_unit_test(test_totals),
		cmocka_unit_test(test_totals_overflow_and_capacity),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
