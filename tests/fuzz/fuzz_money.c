/* fuzz_money.c - money_parse and money_parse_stored against an independent string oracle,
 * and the round trip parse(format(parse(s))) == parse(s).
 *
 * Input: byte 0 picks the currency (an index into the table), byte 1 bit 0 picks the
 * stored-value parser, the rest is the amount text (up to its first NUL).  The oracle
 * decides validity and the canonical text with plain string operations, a second
 * implementation of the grammar in money.h; any disagreement aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TEXT_MAX 256
#define DIGITS "0123456789"

/* The canonical text of s for mu decimals, or false if s is not an amount. */
static bool
oracle(const char *s, int mu, bool stored, char *out, size_t cap)
{
	const char *p = s, *ip, *fp = "";
	size_t ilen, flen = 0, k, n = 0;
	bool neg = false, zero;

	if (*p == '-') {
		neg = true;
		p++;
	}
	ip = p;
	ilen = strspn(p, DIGITS);
	if (ilen == 0)
		return false;
	p += ilen;
	if (*p == '.') {
		fp = p + 1;
		flen = strspn(fp, DIGITS);
		if (flen == 0)
			return false;
		p = fp + flen;
	}
	if (*p != '\0')
		return false;
	while (ilen > 1 && *ip == '0') {
		ip++;
		ilen--;
	}
	if (ilen > MONEY_MAX_INT_DIGITS)
		return false;
	if (stored) {
		if (flen > MONEY_MAX_MINOR_UNITS)
			return false;
		for (k = (size_t)mu; k < flen; k++)
			if (fp[k] != '0')
				return false;
	} else if (flen != 0 && flen != (size_t)mu) {
		return false;
	}
	zero = strspn(ip, "0") == ilen && strspn(fp, "0") >= (flen < (size_t)mu ? flen : (size_t)mu);
	if (cap < ilen + (size_t)mu + 3)
		abort();
	if (neg && !zero)
		out[n++] = '-';
	memcpy(out + n, ip, ilen);
	n += ilen;
	if (mu > 0) {
		out[n++] = '.';
		for (k = 0; k < (size_t)mu; k++)
			out[n++] = k < flen ? fp[k] : '0';
	}
	out[n] = '\0';
	return true;
}

/* s without the thousands separators, prefix and suffix of the display form. */
static void
undisplay(const char *disp, const char *prefix, const char *suffix, char *out)
{
	size_t plen = strlen(prefix), slen = strlen(suffix), len = strlen(disp), n = 0, i;

	if (len < plen + slen || strncmp(disp, prefix, plen) != 0 ||
	    strcmp(disp + len - slen, suffix) != 0)
		abort();
	for (i = plen; i < len - slen; i++)
		if (disp[i] != ',')
			out[n++] = disp[i];
	out[n] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[FUZZ_TEXT_MAX + 1], want[FUZZ_TEXT_MAX], got[MONEY_TEXT_MAX];
	char disp[MONEY_DISPLAY_MAX], plain[MONEY_DISPLAY_MAX], prefix[MONEY_CODE_LEN + 2];
	const char *cur;
	bool stored, valid;
	money m, back, sum, diff, zero;
	bgw_err e;
	int mu;

	if (size < 2 || size - 2 > FUZZ_TEXT_MAX)
		return 0;
	cur = money_currency_at(data[0] % money_currency_count());
	mu = money_minor_units(cur);
	stored = (data[1] & 1) != 0;
	memcpy(s, data + 2, size - 2);
	s[size - 2] = '\0';

	valid = oracle(s, mu, stored, want, sizeof want);
	e = stored ? money_parse_stored(s, cur, &m) : money_parse(s, cur, &m);
	if (e != (valid ? BGW_OK : BGW_E_VALIDATION))
		abort();
	if (!valid)
		return 0;

	/* canonical text, and it parses back to the same amount in both parsers */
	if (money_format(&m, got, sizeof got) != BGW_OK || strcmp(got, want) != 0)
		abort();
	if (money_parse(got, cur, &back) != BGW_OK || money_cmp(&back, &m) != 0)
		abort();
	if (money_parse_stored(got, cur, &back) != BGW_OK || money_cmp(&back, &m) != 0)
		abort();
	/* what the strict parser takes, the stored one takes the same */
	if (!stored && (money_parse_stored(s, cur, &back) != BGW_OK || money_cmp(&back, &m) != 0))
		abort();

	/* the display forms carry the same digits */
	memcpy(prefix, cur, MONEY_CODE_LEN);
	prefix[MONEY_CODE_LEN] = ' ';
	prefix[MONEY_CODE_LEN + 1] = '\0';
	if (money_format_display(&m, "en", disp, sizeof disp) != BGW_OK)
		abort();
	undisplay(disp, prefix, "", plain);
	if (strcmp(plain, got) != 0)
		abort();
	if (money_format_display(&m, "ja", disp, sizeof disp) != BGW_OK)
		abort();
	undisplay(disp, strcmp(cur, "JPY") == 0 ? "" : prefix,
	    strcmp(cur, "JPY") == 0 ? "\xe5\x86\x86" : "", plain);
	if (strcmp(plain, got) != 0)
		abort();

	/* arithmetic: m - m = 0, m + 0 = m, and (m + m) - m = m when m + m is in bound */
	if (money_zero(cur, &zero) != BGW_OK)
		abort();
	if (money_sub(&m, &m, &diff) != BGW_OK || !money_is_zero(&diff))
		abort();
	if (money_add(&m, &zero, &sum) != BGW_OK || money_cmp(&sum, &m) != 0)
		abort();
	if (money_add(&m, &m, &sum) == BGW_OK) {
		if (money_sub(&sum, &m, &diff) != BGW_OK || money_cmp(&diff, &m) != 0)
			abort();
		if (money_sign(&sum) != money_sign(&m))
			abort();
	} else if (money_sign(&m) == 0) {
		abort();
	}
	return 0;
}
