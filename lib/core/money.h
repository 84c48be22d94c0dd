/* money.h - exact decimal amounts in ISO 4217 currencies; never floating point.
 *
 * Representation.  An amount is a signed 128-bit count of the currency's minor units (cents
 * for USD, yen for JPY, fils for BHD, ten-thousandths for CLF) plus its currency code.  Why
 * not int64: the database lets |amount| reach just under 10^18 with up to 4 decimals, which
 * is up to 10^22 minor units, and int64 stops at 9.2 * 10^18.  An (integer part, fraction)
 * pair would work too but needs carry and borrow logic in every operation; one __int128
 * keeps add, subtract and compare plain exact integer arithmetic.  Every amount allowed
 * here has |minor| < 10^22, far inside the type (1.7 * 10^38), so adding two valid amounts
 * can never overflow the type before the bound is checked.  __int128 is a GCC and Clang
 * extension on 64-bit targets, the only targets we build for.
 *
 * Bound.  Every money value satisfies |amount| < MONEY_MAX_MAJOR (10^18 units of the
 * currency), the database's own CHECK, so anything that parses here also stores.  Results
 * outside it (a sum, a difference) are BGW_E_VALIDATION, never a wrapped value.
 *
 * Input syntax (money_parse, for API and form input; docs/api.md: "a wrong number of decimals is
 * a 422"):  -?[0-9]+(\.[0-9]{m})?  where m is exactly the currency's minor units.  So for
 * USD "1042.50", "1250000" and "-3000" are accepted, and "1042.5" and "1042.500" are not:
 * an accountant writes cents as two digits, and a lone digit after the point is more often
 * a slip than a deliberate value, so we ask instead of guessing.  A whole amount may omit
 * the decimals (it is exact either way).  For JPY and other zero-decimal currencies any
 * point is refused ("100.0" yen is not a yen amount).  Refused as well: a leading '+' (one
 * canonical form, as in JSON numbers), spaces, thousands separators, exponents, a bare "."
 * or a missing integer part (".5", "5."), non-ASCII digits, and any trailing byte.  Leading
 * zeros are accepted ("007.50" is 7.50).  Negative zero is normalised to zero.
 *
 * Currency codes are the upper-case ISO 4217 alphabetic codes of the table in money.c: the
 * active list (List One) with defined minor units, plus codes withdrawn recently that a
 * balance at a past as-of date may still carry (HRK, SLL, ZWL, ANG, CUC).  Codes whose
 * minor units ISO gives as "N.A." (precious metals XAU/XAG/XPT/XPD, XDR, the bond-market
 * units XBA..XBD, XSU, XUA, XTS, XXX) are not accepted: an amount in them has no defined
 * number of decimals to check.
 */
#ifndef BGW_MONEY_H
#define BGW_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define MONEY_CODE_LEN 3         /* ISO 4217 alphabetic code */
#define MONEY_MAX_MINOR_UNITS 4  /* CLF and UYW; also the database's numeric scale bound */
#define MONEY_MAX_INT_DIGITS 18  /* |amount| < 10^18 major units, as the database bounds it */
#define MONEY_CURRENCY_MAX 200   /* capacity for the currency table and money_totals */

/* "-" + 18 integer digits + "." + 4 decimals + NUL; money_format never needs more. */
#define MONEY_TEXT_MAX (1 + MONEY_MAX_INT_DIGITS + 1 + MONEY_MAX_MINOR_UNITS + 1)
/* Display form: code, space, sign, 18 digits with 5 separators, point, 4 decimals, or the
 * 3-byte UTF-8 "円" suffix; rounded up. */
#define MONEY_DISPLAY_MAX 48

__extension__ typedef __int128 money_minor_t;

/* An amount.  Build it only with money_parse*, money_from_minor, money_zero or the
 * arithmetic below, so that currency, minor_units and the bound always agree; treat the
 * fields as read-only. */
typedef struct money {
	money_minor_t minor;                /* the amount in minor units of currency */
	char currency[MONEY_CODE_LEN + 1];  /* ISO 4217 code, NUL-terminated */
	unsigned char minor_units;          /* the currency's minor units (0..4) */
} money;

/* The number of decimals of an ISO 4217 code ("JPY" 0, "USD" 2, "BHD" 3, "CLF" 4), or -1
 * for an unknown code, a lower-case one, or NULL.  Binary search of a static table. */
int money_minor_units(const char *code);

/* true if code is a currency of the table (exactly three upper-case letters, known). */
bool money_currency_valid(const char *code);

/* The table, for pick lists and tests: the number of codes and the i-th code in ascending
 * order (a static string; NULL when i is out of range). */
size_t money_currency_count(void);
const char *money_currency_at(size_t i);

/* Parse an API or form amount s (syntax in the comment at the top) in currency into *out.
 * BGW_OK; BGW_E_VALIDATION for an unknown currency, bad syntax, a wrong number of decimals,
 * or |amount| >= 10^18 (and for NULL s or currency).  *out is written only on BGW_OK. */
bgw_err money_parse(const char *s, const char *currency, money *out);

/* Parse an amount as PostgreSQL prints a numeric column: the same syntax, but any number of
 * decimals from 0 to MONEY_MAX_MINOR_UNITS, as long as the digits past the currency's minor
 * units are zeros ("1042.5" and "1042.5000" are 1042.50 USD; "100.00" is 100 JPY; "1.005"
 * USD is refused).  For values read back from the database (sums, older rows), never for
 * user input.  Returns as money_parse. */
bgw_err money_parse_stored(const char *s, const char *currency, money *out);

/* An amount of minor units of currency (money_from_minor("USD", 150, m) is 1.50 USD), or
 * zero.  BGW_OK; BGW_E_VALIDATION for an unknown currency or out-of-bound value. */
bgw_err money_from_minor(const char *currency, int64_t minor, money *out);
bgw_err money_zero(const char *currency, money *out);

/* The canonical text: optional '-', the integer part without leading zeros, and exactly
 * the currency's minor units of decimals ("1042.50", "1250000", "-3000.000", "0.00").  It
 * is what the API answers and what is bound to SQL, and money_parse reads it back to the
 * same value.  BGW_OK; BGW_E_INTERNAL if cap is too small (MONEY_TEXT_MAX always suffices)
 * or m is not a valid amount, and then out is "" when cap > 0. */
bgw_err money_format(const money *m, char *out, size_t cap);

/* The text shown to people, with ',' grouping thousands and the currency named:
 *   locale "en" (and any other): "USD 1,042.50", "JPY 1,250,000", "USD -3,000.00";
 *   locale "ja" ("ja", "ja-JP", "ja_JP"): yen as "1,250,000円" and "-3,000円", which is how
 *   Japanese documents write yen; every other currency as in "en" ("USD 1,042.50"), since
 *   a symbol such as "$" is ambiguous between USD, AUD, CAD, ... and a code never is.
 * The code, not a symbol, is deliberate: a confirmation is evidence and must not leave the
 * currency to guesswork.  Returns as money_format (MONEY_DISPLAY_MAX always suffices). */
bgw_err money_format_display(const money *m, const char *locale, char *out, size_t cap);

/* *out = a + b, or a - b.  Both in the same currency: amounts are summed per currency,
 * never across currencies.  BGW_OK; BGW_E_VALIDATION for different currencies or a result
 * with |amount| >= 10^18; BGW_E_INTERNAL for an invalid operand.  out may be a or b; it is
 * written only on BGW_OK. */
bgw_err money_add(const money *a, const money *b, money *out);
bgw_err money_sub(const money *a, const money *b, money *out);

/* A total order: by currency code, then by amount.  Within one currency it is the numeric
 * comparison (< 0, 0, > 0); across currencies it only sorts, it never compares values. */
int money_cmp(const money *a, const money *b);

/* true if m is zero (in any currency). */
bool money_is_zero(const money *m);

/* -1, 0 or 1 as m is negative, zero or positive. */
int money_sign(const money *m);

/* Sums of many amounts, one per currency, kept sorted by currency code.  No allocation:
 * there cannot be more currencies than the table holds.  Read n and sums[0..n-1]; change
 * them only through the functions below. */
typedef struct money_totals {
	size_t n;
	money sums[MONEY_CURRENCY_MAX];
} money_totals;

/* Start empty. */
void money_totals_init(money_totals *t);

/* Add m to the total of its currency (creating it at m).  BGW_OK; BGW_E_VALIDATION if that
 * total would reach 10^18 (the total is then unchanged); BGW_E_INTERNAL for an invalid m. */
bgw_err money_totals_add(money_totals *t, const money *m);

/* The total of currency, or NULL if no amount in it was added.  Points into t. */
const money *money_totals_get(const money_totals *t, const char *currency);

#endif
