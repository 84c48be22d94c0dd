/* money.c - exact decimal amounts; see money.h for the representation and the syntax. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"

__extension__ typedef unsigned __int128 u128;

struct currency {
	char code[MONEY_CODE_LEN + 1];
	unsigned char minor_units;
};

/* ISO 4217 List One with defined minor units, sorted by code for bsearch (the unit test
 * checks the order).  Kept although withdrawn, for balances at past as-of dates: ANG
 * (replaced by XCG in 2025), CUC, HRK (EUR since 2023), SLL (SLE), ZWL (ZWG in 2024).
 * MGA and MRU are listed by ISO with 2 minor units although their subunit is a fifth. */
static const struct currency currencies[] = {
	{"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2},
	{"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2},
	{"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2},
	{"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2},
	{"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
	{"COU", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0},
	{"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2},
	{"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2},
	{"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HRK", 2}, {"HTG", 2},
	{"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0},
	{"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0},
	{"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2},
	{"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2},
	{"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2},
	{"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2},
	{"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
	{"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2},
	{"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2},
	{"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, {"SOS", 2}, {"SRD", 2},
	{"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2},
	{"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2},
	{"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4},
	{"UZS", 2}, {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0},
	{"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2},
	{"ZWG", 2}, {"ZWL", 2},
};

#define NCURRENCIES (sizeof currencies / sizeof currencies[0])
_Static_assert(NCURRENCIES <= MONEY_CURRENCY_MAX, "MONEY_CURRENCY_MAX too small");

#define GROUP_DIGITS 3
#define GROUP_SEPARATOR ','
#define YEN_SUFFIX "\xe5\x86\x86" /* 円 */

static int
cmp_code(const void *key, const void *elem)
{
	return strcmp(key, ((const struct currency *)elem)->code);
}

static const struct currency *
find(const char *code)
{
	if (code == NULL || strlen(code) != MONEY_CODE_LEN)
		return NULL;
	return bsearch(code, currencies, NCURRENCIES, sizeof currencies[0], cmp_code);
}

int
money_minor_units(const char *code)
{
	const struct currency *c = find(code);

	return c == NULL ? -1 : c->minor_units;
}

bool
money_currency_valid(const char *code)
{
	return find(code) != NULL;
}

size_t
money_currency_count(void)
{
	return NCURRENCIES;
}

const char *
money_currency_at(size_t i)
{
	return i < NCURRENCIES ? currencies[i].code : NULL;
}

static u128
power10(unsigned n)
{
	u128 p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* The exclusive bound on |minor| for a currency: 10^18 major units. */
static u128
limit(unsigned minor_units)
{
	return power10(MONEY_MAX_INT_DIGITS + minor_units);
}

static u128
magnitude(money_minor_t v)
{
	/* Unsigned negation: well defined even for the type's minimum. */
	return v < 0 ? -(u128)v : (u128)v;
}

/* Whether m is what the constructors produce; guards against a zeroed or corrupted struct. */
static bool
valid(const money *m)
{
	const struct currency *c;

	if (m == NULL || memchr(m->currency, '\0', sizeof m->currency) == NULL)
		return false;
	c = find(m->currency);
	return c != NULL && c->minor_units == m->minor_units &&
	    magnitude(m->minor) < limit(m->minor_units);
}

static bool
digit(char c)
{
	/* Not isdigit(): it depends on the locale. */
	return c >= '0' && c <= '9';
}

static void
set(money *out, const struct currency *c, money_minor_t minor)
{
	memset(out, 0, sizeof *out);
	out->minor = minor;
	memcpy(out->currency, c->code, sizeof out->currency);
	out->minor_units = c->minor_units;
}

/* The parser behind both entry points: strict takes exactly the minor units or none;
 * otherwise 0..MONEY_MAX_MINOR_UNITS decimals, zeros past the minor units. */
static bgw_err
parse(const char *s, const char *currency, bool strict, money *out)
{
	const struct currency *c = find(currency);
	u128 whole = 0, frac = 0;
	unsigned sig = 0, nfrac = 0, mu;
	bool neg = false;
	const char *p = s;

	if (c == NULL || s == NULL)
		return BGW_E_VALIDATION;
	mu = c->minor_units;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!digit(*p))
		return BGW_E_VALIDATION;
	for (; digit(*p); p++) {
		if (whole != 0 || *p != '0')
			sig++;
		if (sig > MONEY_MAX_INT_DIGITS)
			return BGW_E_VALIDATION;
		whole = whole * 10 + (u128)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!digit(*p))
			return BGW_E_VALIDATION;
		for (; digit(*p); p++) {
			if (++nfrac > MONEY_MAX_MINOR_UNITS)
				return BGW_E_VALIDATION;
			if (nfrac > mu) {
				if (*p != '0')
					return BGW_E_VALIDATION;
				continue;
			}
			frac = frac * 10 + (u128)(*p - '0');
		}
		if (strict && nfrac != mu)
			return BGW_E_VALIDATION;
	}
	if (*p != '\0')
		return BGW_E_VALIDATION;
	if (nfrac < mu)
		frac *= power10(mu - nfrac);
	/* whole < 10^18 and frac < 10^mu, so this is < limit(mu): no overflow, in bound. */
	whole = whole * power10(mu) + frac;
	set(out, c, neg ? -(money_minor_t)whole : (money_minor_t)whole);
	return BGW_OK;
}

bgw_err
money_parse(const char *s, const char *currency, money *out)
{
	return parse(s, currency, true, out);
}

bgw_err
money_parse_stored(const char *s, const char *currency, money *out)
{
	return parse(s, currency, false, out);
}

bgw_err
money_from_minor(const char *currency, int64_t minor, money *out)
{
	const struct currency *c = find(currency);

	if (c == NULL || magnitude(minor) >= limit(c->minor_units))
		return BGW_E_VALIDATION;
	set(out, c, minor);
	return BGW_OK;
}

bgw_err
money_zero(const char *currency, money *out)
{
	return money_from_minor(currency, 0, out);
}

/* Write the decimal digits of v, most significant first, grouped by sep every three digits
 * when sep is not 0, into buf (at least 2 * MONEY_MAX_INT_DIGITS bytes); returns the length,
 * no NUL. */
static size_t
digits(u128 v, char sep, char *buf)
{
	char rev[2 * (MONEY_MAX_INT_DIGITS + MONEY_MAX_MINOR_UNITS)];
	size_t n = 0, k = 0, i;

	do {
		if (sep != 0 && k > 0 && k % GROUP_DIGITS == 0)
			rev[n++] = sep;
		rev[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
		k++;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = rev[n - 1 - i];
	return n;
}

/* Compose [prefix][-]integer[.fraction][suffix] into out; BGW_E_INTERNAL if it does not
 * fit or m is invalid. */
static bgw_err
compose(const money *m, const char *prefix, char sep, const char *suffix, char *out,
    size_t cap)
{
	char buf[MONEY_DISPLAY_MAX];
	size_t n = 0, plen = strlen(prefix), slen = strlen(suffix);
	u128 mag, unit;

	if (out != NULL && cap > 0)
		out[0] = '\0';
	if (out == NULL || !valid(m))
		return BGW_E_INTERNAL;
	mag = magnitude(m->minor);
	unit = power10(m->minor_units);
	memcpy(buf, prefix, plen);
	n = plen;
	if (m->minor < 0)
		buf[n++] = '-';
	n += digits(mag / unit, sep, buf + n);
	if (m->minor_units > 0) {
		u128 f = mag % unit;
		unsigned i;

		buf[n++] = '.';
		for (i = m->minor_units; i-- > 0;) {
			buf[n + i] = (char)('0' + (int)(f % 10));
			f /= 10;
		}
		n += m->minor_units;
	}
	memcpy(buf + n, suffix, slen);
	n += slen;
	if (n + 1 > cap)
		return BGW_E_INTERNAL;
	memcpy(out, buf, n);
	out[n] = '\0';
	return BGW_OK;
}

bgw_err
money_format(const money *m, char *out, size_t cap)
{
	return compose(m, "", 0, "", out, cap);
}

static bool
locale_ja(const char *locale)
{
	return locale != NULL && strncmp(locale, "ja", 2) == 0 &&
	    (locale[2] == '\0' || locale[2] == '-' || locale[2] == '_');
}

bgw_err
money_format_display(const money *m, const char *locale, char *out, size_t cap)
{
	char prefix[MONEY_CODE_LEN + 2];

	if (!valid(m))
		return compose(m, "", 0, "", out, cap); /* clears out, BGW_E_INTERNAL */
	if (locale_ja(locale) && strcmp(m->currency, "JPY") == 0)
		return compose(m, "", GROUP_SEPARATOR, YEN_SUFFIX, out, cap);
	memcpy(prefix, m->currency, MONEY_CODE_LEN);
	prefix[MONEY_CODE_LEN] = ' ';
	prefix[MONEY_CODE_LEN + 1] = '\0';
	return compose(m, prefix, GROUP_SEPARATOR, "", out, cap);
}

/* out = a + sign * b, checked. */
static bgw_err
combine(const money *a, const money *b, int sign, money *out)
{
	money_minor_t r;

	if (!valid(a) || !valid(b) || out == NULL)
		return BGW_E_INTERNAL;
	if (strcmp(a->currency, b->currency) != 0)
		return BGW_E_VALIDATION;
	/* Both magnitudes are < 10^22, so the sum cannot overflow the 128-bit type. */
	r = sign > 0 ? a->minor + b->minor : a->minor - b->minor;
	if (magnitude(r) >= limit(a->minor_units))
		return BGW_E_VALIDATION;
	if (out != a)
		*out = *a;
	out->minor = r;
	return BGW_OK;
}

bgw_err
money_add(const money *a, const money *b, money *out)
{
	return combine(a, b, 1, out);
}

bgw_err
money_sub(const money *a, const money *b, money *out)
{
	return combine(a, b, -1, out);
}

int
money_cmp(const money *a, const money *b)
{
	int c = strncmp(a->currency, b->currency, sizeof a->currency);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return (a->minor > b->minor) - (a->minor < b->minor);
}

bool
money_is_zero(const money *m)
{
	return m->minor == 0;
}

int
money_sign(const money *m)
{
	return (m->minor > 0) - (m->minor < 0);
}

void
money_totals_init(money_totals *t)
{
	t->n = 0;
}

/* The index of currency in t's sorted sums, or where it belongs (*found false). */
static size_t
slot(const money_totals *t, const char *currency, bool *found)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->sums[mid].currency, currency);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

bgw_err
money_totals_add(money_totals *t, const money *m)
{
	bool found;
	size_t i;

	if (t == NULL || !valid(m))
		return BGW_E_INTERNAL;
	i = slot(t, m->currency, &found);
	if (found)
		return money_add(&t->sums[i], m, &t->sums[i]);
	/* A valid m has a table currency, so a new one always fits. */
	if (t->n >= MONEY_CURRENCY_MAX)
		return BGW_E_INTERNAL;
	memmove(&t->sums[i + 1], &t->sums[i], (t->n - i) * sizeof t->sums[0]);
	t->sums[i] = *m;
	t->n++;
	return BGW_OK;
}

const money *
money_totals_get(const money_totals *t, const char *currency)
{
	bool found;
	size_t i;

	if (currency == NULL)
		return NULL;
	i = slot(t, currency, &found);
	return found ? &t->sums[i] : NULL;
}
