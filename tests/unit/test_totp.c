/* test_totp.c - RFC 4648 base32 (section 10) and RFC 6238 TOTP (appendix B), window edges,
 * single use, otpauth URIs.  base32 exists only for TOTP secrets, so its tests live here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/base32.h"
#include "auth/totp.h"

static const unsigned char rfc_key[] = "12345678901234567890"; /* 20 bytes, SHA-1 seed */
#define RFC_KEYLEN 20

/* --- base32 --- */

static const struct {
	const char *raw, *padded, *unpadded;
} b32_vectors[] = {
	{"", "", ""},
	{"f", "MY======", "MY"},
	{"fo", "MZXQ====", "MZXQ"},
	{"foo", "MZXW6===", "MZXW6"},
	{"foob", "MZXW6YQ=", "MZXW6YQ"},
	{"fooba", "MZXW6YTB", "MZXW6YTB"},
	{"foobar", "MZXW6YTBOI======", "MZXW6YTBOI"},
};

static void
test_base32_rfc4648_vectors(void **state)
{
	char enc[32];
	unsigned char dec[16];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(b32_vectors) / sizeof(b32_vectors[0]); i++) {
		const char *raw = b32_vectors[i].raw;
		const char *forms[2] = {b32_vectors[i].padded, b32_vectors[i].unpadded};
		char lower[32];

		assert_int_equal(base32_encode((const unsigned char *)raw, strlen(raw), true, enc,
		    sizeof(enc)), BGW_OK);
		assert_string_equal(enc, b32_vectors[i].padded);
		assert_int_equal(base32_encode((const unsigned char *)raw, strlen(raw), false, enc,
		    sizeof(enc)), BGW_OK);
		assert_string_equal(enc, b32_vectors[i].unpadded);
		for (int f = 0; f < 2; f++) {
			assert_int_equal(base32_decode(forms[f], strlen(forms[f]), dec, sizeof(dec),
			    &n), BGW_OK);
			assert_int_equal(n, strlen(raw));
			assert_memory_equal(dec, raw, n);
			/* Decoding ignores case. */
			for (size_t k = 0; k <= strlen(forms[f]); k++)
				lower[k] = (char)(forms[f][k] >= 'A' && forms[f][k] <= 'Z' ?
				    forms[f][k] + 32 : forms[f][k]);
			assert_int_equal(base32_decode(lower, strlen(lower), dec, sizeof(dec), &n),
			    BGW_OK);
			assert_int_equal(n, strlen(raw));
			assert_memory_equal(dec, raw, n);
		}
	}
}

static void
test_base32_round_trip_all_lengths(void **state)
{
	unsigned char raw[41], dec[41];
	char enc[80];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof(raw); len++) {
		for (int pad = 0; pad < 2; pad++) {
			assert_int_equal(base32_encode(raw, len, pad, enc, sizeof(enc)), BGW_OK);
			assert_int_equal(strlen(enc),
			    pad ? BASE32_PADDED_LEN(len) : BASE32_UNPADDED_LEN(len));
			assert_int_equal(base32_decode(enc, strlen(enc), dec, sizeof(dec), &n),
			    BGW_OK);
			assert_int_equal(n, len);
			assert_memory_equal(dec, raw, len);
		}
	}
}

static void
test_base32_rejects(void **state)
{
	static const char *const bad[] = {
		"M",              /* 1 character left over */
		"MZX",            /* 3 */
		"MZXW6Y",         /* 6 */
		"MZ======",       /* non-zero unused bits ("MY" is canonical for "f") */
		"MY=====",        /* incomplete padding */
		"MY=======",      /* too much padding */
		"MY======MY======", /* padding in the middle */
		"MY=",
		"========",
		"MZXW6YT1",       /* '1' is not in the alphabet */
		"MZXW6YT8",
		"MZXW 6YTB",      /* spaces are not skipped */
		"MZXW6YTB\n",
		"MZXW-6YTB",
	};
	unsigned char dec[16];
	size_t n = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (base32_decode(bad[i], strlen(bad[i]), dec, sizeof(dec), &n) !=
		    BGW_E_VALIDATION)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(n, 0);
	}
	/* An embedded NUL is a bad character, not an end. */
	assert_int_equal(base32_decode("MZ\0W6YTB", 8, dec, sizeof(dec), &n), BGW_E_VALIDATION);
}

static void
test_base32_small_buffers(void **state)
{
	char enc[8];
	unsigned char dec[4];
	size_t n;

	(void)state;
	/* "fooba" needs 8 characters and the NUL. */
	assert_int_equal(base32_encode((const unsigned char *)"fooba", 5, false, enc, sizeof(enc)),
	    BGW_E_INTERNAL);
	assert_string_equal(enc, "");
	assert_int_equal(base32_decode("MZXW6YTB", 8, dec, sizeof(dec), &n), BGW_E_INTERNAL);
	assert_int_equal(base32_decode("MZXW6YQ", 7, dec, sizeof(dec), &n), BGW_OK);
	assert_int_equal(n, 4);
}

/* --- TOTP --- */

/* RFC 6238 appendix B, SHA-1 column (8 digits). */
static void
test_totp_rfc6238_vectors(void **state)
{
	static const struct {
		time_t t;
		const char *code;
	} v[] = {
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{(time_t)20000000000LL, "65353130"},
	};
	char out[TOTP_DIGITS_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_code_digits(rfc_key, RFC_KEYLEN,
		    (uint64_t)totp_step(v[i].t), 8, out, sizeof(out)), BGW_OK);
		assert_string_equal(out, v[i].code);
	}
}

/* RFC 4226 appendix D: the 6-digit HOTP values for counters 0-9, through totp_code. */
static void
test_totp_rfc4226_six_digits(void **state)
{
	static const char *const want[] = {
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	};
	char out[TOTP_DIGITS + 1];

	(void)state;
	for (uint64_t c = 0; c < 10; c++) {
		assert_int_equal(totp_code(rfc_key, RFC_KEYLEN, c, out), BGW_OK);
		assert_string_equal(out, want[c]);
	}
}

static void
test_totp_code_errors(void **state)
{
	char out[TOTP_DIGITS_MAX + 1] = "x";

	(void)state;
	assert_int_equal(totp_code(rfc_key, 0, 1, out), BGW_E_INTERNAL);
	assert_string_equal(out, "");
	assert_int_equal(totp_code_digits(rfc_key, RFC_KEYLEN, 1, 5, out, sizeof(out)),
	    BGW_E_INTERNAL);
	assert_int_equal(totp_code_digits(rfc_key, RFC_KEYLEN, 1, 9, out, sizeof(out)),
	    BGW_E_INTERNAL);
	assert_int_equal(totp_code_digits(rfc_key, RFC_KEYLEN, 1, 8, out, 8), BGW_E_INTERNAL);
}

static void
test_totp_step(void **state)
{
	(void)state;
	assert_int_equal(totp_step(0), 0);
	assert_int_equal(totp_step(29), 0);
	assert_int_equal(totp_step(30), 1);
	assert_int_equal(totp_step(59), 1);
	assert_int_equal(totp_step(-1), -1);
}

static void
code_at(int64_t step, char out[TOTP_DIGITS + 1])
{
	assert_int_equal(totp_code(rfc_key, RFC_KEYLEN, (uint64_t)step, out), BGW_OK);
}

static void
test_totp_window(void **state)
{
	const time_t now = 1111111111; /* step 37037037, 1 s into it */
	const int64_t step = totp_step(now);
	static const struct {
		int offset;
		bool ok;
	} cases[] = {{-3, false}, {-2, false}, {-1, true}, {0, true}, {1, true}, {2, false},
	    {3, false}};
	char code[TOTP_DIGITS + 1];
	int64_t matched;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		code_at(step + cases[i].offset, code);
		matched = -42;
		assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, code, now, TOTP_NO_STEP,
		    &matched), cases[i].ok);
		assert_int_equal(matched, cases[i].ok ? step + cases[i].offset : -42);
	}
	/* Edges in seconds: the code of step 2 ([60, 90)) is good from 30 s to 119 s. */
	code_at(2, code);
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, code, 29, TOTP_NO_STEP, &matched));
	assert_true(totp_verify(rfc_key, RFC_KEYLEN, code, 30, TOTP_NO_STEP, &matched));
	assert_true(totp_verify(rfc_key, RFC_KEYLEN, code, 119, TOTP_NO_STEP, &matched));
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, code, 120, TOTP_NO_STEP, &matched));
	/* Step 0 has no step -1 to look at; time before the epoch matches nothing. */
	code_at(0, code);
	assert_true(totp_verify(rfc_key, RFC_KEYLEN, code, 0, TOTP_NO_STEP, &matched));
	assert_int_equal(matched, 0);
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, code, -1, TOTP_NO_STEP, &matched));
	/* Another key's code does not match. */
	code_at(step, code);
	assert_false(totp_verify((const unsigned char *)"another key of 20 b", 20, code, now,
	    TOTP_NO_STEP, &matched));
}

static void
test_totp_single_use(void **state)
{
	const time_t now = 2000000000;
	const int64_t step = totp_step(now);
	char code[TOTP_DIGITS + 1], prev[TOTP_DIGITS + 1], next[TOTP_DIGITS + 1];
	int64_t matched = -1, last;

	(void)state;
	code_at(step, code);
	code_at(step - 1, prev);
	code_at(step + 1, next);
	assert_true(totp_verify(rfc_key, RFC_KEYLEN, code, now, TOTP_NO_STEP, &matched));
	assert_int_equal(matched, step);
	last = matched;
	/* The same code again, within the same step or the next: refused. */
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, code, now, last, &matched));
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, code, now + 30, last, &matched));
	/* An older code still inside the window: refused too. */
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, prev, now, last, &matched));
	/* The next step's code is new: accepted, and becomes the last used. */
	assert_true(totp_verify(rfc_key, RFC_KEYLEN, next, now, last, &matched));
	assert_int_equal(matched, step + 1);
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, next, now + 30, matched, &matched));
}

static void
test_totp_malformed_codes(void **state)
{
	const time_t now = 1234567890;
	char good[TOTP_DIGITS + 1], bad[32];
	int64_t matched = -42;
	static const char *const fixed[] = {
		"", "12345", "1234567", "12345a", "abcdef", " 12345", "+12345", "-12345",
		"１２３４５６", /* full-width digits */
	};

	(void)state;
	code_at(totp_step(now), good);
	assert_true(totp_verify(rfc_key, RFC_KEYLEN, good, now, TOTP_NO_STEP, &matched));
	matched = -42;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		assert_false(totp_verify(rfc_key, RFC_KEYLEN, fixed[i], now, TOTP_NO_STEP,
		    &matched));
	/* The right digits with anything around them. */
	snprintf(bad, sizeof(bad), "%s\n", good);
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, bad, now, TOTP_NO_STEP, &matched));
	snprintf(bad, sizeof(bad), " %s", good);
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, bad, now, TOTP_NO_STEP, &matched));
	snprintf(bad, sizeof(bad), "%s0", good);
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, bad, now, TOTP_NO_STEP, &matched));
	assert_false(totp_verify(rfc_key, RFC_KEYLEN, NULL, now, TOTP_NO_STEP, &matched));
	assert_int_equal(matched, -42);
}

static void
test_otpauth_uri(void **state)
{
	static const struct {
		const char *issuer, *account, *secret, *uri;
	} ok[] = {
		{"Balance Gateway", "taro.yamada+audit@example.co.jp", "JBSWY3DPEHPK3PXP",
		    "otpauth://totp/Balance%20Gateway:taro.yamada%2Baudit%40example.co.jp"
		    "?secret=JBSWY3DPEHPK3PXP&issuer=Balance%20Gateway"
		    "&algorithm=SHA1&digits=6&period=30"},
		{"監査法人", "a&b=c?d#e/f g", "MZXW6YQ=",
		    "otpauth://totp/%E7%9B%A3%E6%9F%BB%E6%B3%95%E4%BA%BA:a%26b%3Dc%3Fd%23e%2Ff%20g"
		    "?secret=MZXW6YQ&issuer=%E7%9B%A3%E6%9F%BB%E6%B3%95%E4%BA%BA"
		    "&algorithm=SHA1&digits=6&period=30"},
	};
	static const struct {
		const char *issuer, *account, *secret;
	} bad[] = {
		{"", "a@example.com", "JBSWY3DP"},
		{"Bad:Issuer", "a@example.com", "JBSWY3DP"},
		{"Issuer", "a:b@example.com", "JBSWY3DP"},
		{"Issuer", "", "JBSWY3DP"},
		{"Issuer", "a@example.com", ""},
		{"Issuer", "a@example.com", "===="},
		{"Issuer", "a@example.com", "jbswy3dp"},
		{"Issuer", "a@example.com", "JBSWY1DP"},
		{"Issuer", "a@example.com", "JBSW&Y3DP"},
	};
	char out[512];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(totp_otpauth_uri(ok[i].issuer, ok[i].account, ok[i].secret, out,
		    sizeof(out)), BGW_OK);
		assert_string_equal(out, ok[i].uri);
		/* One byte short of room: refused, nothing half-written. */
		assert_int_equal(totp_otpauth_uri(ok[i].issuer, ok[i].account, ok[i].secret, out,
		    strlen(ok[i].uri)), BGW_E_INTERNAL);
		assert_string_equal(out, "");
		assert_int_equal(totp_otpauth_uri(ok[i].issuer, ok[i].account, ok[i].secret, out,
		    strlen(ok[i].uri) + 1), BGW_OK);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(totp_otpauth_uri(bad[i].issuer, bad[i].account, bad[i].secret,
		    out, sizeof(out)), BGW_E_VALIDATION);
	assert_int_equal(totp_otpauth_uri(NULL, "a", "JBSWY3DP", out, sizeof(out)),
	    BGW_E_INTERNAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base32_rfc4648_vectors),
		cmocka_unit_test(test_base32_round_trip_all_lengths),
		cmocka_unit_test(test_base32_rejects),
		cmocka_unit_test(test_base32_small_buffers),
		cmocka_unit_test(test_totp_rfc6238_vectors),
		cmocka_unit_test(test_totp_rfc4226_six_digits),
		cmocka_unit_test(test_totp_code_errors),
		cmocka_unit_test(test_totp_step),
		cmocka_unit_test(test_totp_window),
		cmocka_unit_test(test_totp_single_use),
		cmocka_unit_test(test_totp_malformed_codes),
		cmocka_unit_test(test_otpauth_uri),
	};

	return cmocka_run_group_tests_name("totp", tests, NULL, NULL);
}
