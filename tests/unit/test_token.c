/* test_token.c - tokens, ids, codes (alphabet, rejection sampling, no bias), hashes.
 * RAND_bytes is wrapped (-Wl,--wrap=RAND_bytes) to force failures and scripted bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/token.h"

int __real_RAND_bytes(unsigned char *buf, int num);
int __wrap_RAND_bytes(unsigned char *buf, int num);

/* 0: pass through; 1: fail; 2: serve `script` bytes, then fail. */
static int rng_mode;
static const unsigned char *script;
static size_t script_len, script_pos;

int
__wrap_RAND_bytes(unsigned char *buf, int num)
{
	if (rng_mode == 1)
		return 0;
	if (rng_mode == 2) {
		for (int i = 0; i < num; i++) {
			if (script_pos == script_len)
				return 0;
			buf[i] = script[script_pos++];
		}
		return 1;
	}
	return __real_RAND_bytes(buf, num);
}

static int
reset_rng(void **state)
{
	(void)state;
	rng_mode = 0;
	return 0;
}

static bool
is_b64url(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

static void
test_token_new(void **state)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(token_new(a, sizeof(a)), BGW_OK);
	assert_int_equal(token_new(b, sizeof(b)), BGW_OK);
	assert_int_equal(strlen(a), 43);
	assert_true(is_b64url(a));
	assert_string_not_equal(a, b);
	/* Too small a buffer, or a failing RNG: an error and an empty string, never a weak
	 * token. */
	assert_int_equal(token_new(a, TOKEN_LEN), BGW_E_INTERNAL);
	assert_string_equal(a, "");
	rng_mode = 1;
	strcpy(a, "x");
	assert_int_equal(token_new(a, sizeof(a)), BGW_E_INTERNAL);
	assert_string_equal(a, "");
}

/* All 32 bytes reach the token: scripted bytes give the known base64url text. */
static void
test_token_encoding(void **state)
{
	static const unsigned char bytes[TOKEN_BYTES] = {
		0xfb, 0xff, 0xbf, 0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b,
		0x30, 0xd3, 0x8f, 0x41, 0x14, 0x93, 0x51, 0x55, 0x97, 0x61, 0x96, 0x9b,
		0x71, 0xd7, 0x9f, 0x82, 0x18, 0xa3, 0x92, 0x59,
	};
	char tok[TOKEN_LEN + 1];

	(void)state;
	rng_mode = 2;
	script = bytes;
	script_len = sizeof(bytes);
	script_pos = 0;
	assert_int_equal(token_new(tok, sizeof(tok)), BGW_OK);
	assert_string_equal(tok, "-_-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklk");
}

static void
test_id_new(void **state)
{
	char a[ID_LEN + 1], b[ID_LEN + 1];

	(void)state;
	assert_int_equal(id_new(a, sizeof(a)), BGW_OK);
	assert_int_equal(id_new(b, sizeof(b)), BGW_OK);
	assert_int_equal(strlen(a), 22);
	assert_true(is_b64url(a));
	assert_string_not_equal(a, b);
	assert_int_equal(id_new(a, ID_LEN), BGW_E_INTERNAL);
	rng_mode = 1;
	assert_int_equal(id_new(a, sizeof(a)), BGW_E_INTERNAL);
	assert_string_equal(a, "");
}

static void
test_token_hash_and_equal(void **state)
{
	/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
	static const char abc[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	unsigned char h1[TOKEN_HASH_LEN], h2[TOKEN_HASH_LEN];
	char hex[TOKEN_HEX_LEN + 1];

	(void)state;
	token_hash("abc", h1);
	assert_int_equal(token_hex(h1, sizeof(h1), hex, sizeof(hex)), BGW_OK);
	assert_string_equal(hex, abc);
	token_hash("abc", h2);
	assert_true(token_equal(h1, h2, sizeof(h1)));
	token_hash("abd", h2);
	assert_false(token_equal(h1, h2, sizeof(h1)));
	memcpy(h2, h1, sizeof(h1));
	h2[31] ^= 1;
	assert_false(token_equal(h1, h2, sizeof(h1)));
	assert_true(token_equal(h1, h2, 31));
	/* token_hex refuses a buffer one byte short. */
	assert_int_equal(token_hex(h1, sizeof(h1), hex, sizeof(hex) - 1), BGW_E_INTERNAL);
	assert_string_equal(hex, "");
	assert_int_equal(token_hex(h1, 0, hex, 1), BGW_OK);
	assert_string_equal(hex, "");
}

static bool
in_alphabet(char c)
{
	return c != '\0' && strchr(CODE_ALPHABET, c) != NULL;
}

static void
test_code_alphabet_and_length(void **state)
{
	char code[CODE_LEN_MAX + 1];

	(void)state;
	assert_int_equal(strlen(CODE_ALPHABET), 31);
	for (const char *ambiguous = "0O1IL"; *ambiguous != '\0'; ambiguous++)
		assert_null(strchr(CODE_ALPHABET, *ambiguous));
	for (size_t len = 1; len <= CODE_LEN_MAX; len++) {
		assert_int_equal(code_new(code, sizeof(code), len), BGW_OK);
		assert_int_equal(strlen(code), len);
		for (size_t i = 0; i < len; i++)
			assert_true(in_alphabet(code[i]));
	}
	assert_int_equal(code_new(code, sizeof(code), 0), BGW_E_INTERNAL);
	assert_int_equal(code_new(code, sizeof(code), CODE_LEN_MAX + 1), BGW_E_INTERNAL);
	assert_int_equal(code_new(code, 10, 10), BGW_E_INTERNAL);
	assert_string_equal(code, "");
	rng_mode = 1;
	assert_int_equal(code_new(code, sizeof(code), 10), BGW_E_INTERNAL);
	assert_string_equal(code, "");
}

/* Bytes 248..255 would favour the first 8 letters under a plain modulo: they are skipped. */
static void
test_code_rejection_sampling(void **state)
{
	static unsigned char bytes[64 * 2];
	char code[9];

	(void)state;
	memset(bytes, 255, sizeof(bytes));
	bytes[0] = 255;
	bytes[1] = 248;
	bytes[2] = 0;   /* A */
	bytes[3] = 30;  /* 9, the last character */
	bytes[4] = 247; /* 247 % 31 = 30: 9 */
	bytes[5] = 31;  /* A again */
	bytes[6] = 250;
	/* The rest of the first batch is rejected; the second batch finishes the code. */
	bytes[64] = 8;  /* J */
	bytes[65] = 253;
	bytes[66] = 22; /* Z */
	bytes[67] = 23; /* 2 */
	rng_mode = 2;
	script = bytes;
	script_len = sizeof(bytes);
	script_pos = 0;
	assert_int_equal(code_new(code, sizeof(code), 7), BGW_OK);
	assert_string_equal(code, "A99AJZ2");
	/* Running out of random bytes mid-code: an error, not a short code. */
	script_pos = 0;
	memset(bytes, 255, sizeof(bytes));
	assert_int_equal(code_new(code, sizeof(code), 8), BGW_E_INTERNAL);
	assert_string_equal(code, "");
}

/* Chi-square over 31 * 2000 characters, 30 degrees of freedom.  A plain `byte % 31` gives
 * about 176; a uniform source exceeds 70 with probability about 5e-5. */
static void
test_code_no_bias(void **state)
{
	enum { PER = 2000, CODE = 62 };
	size_t counts[31] = {0}, total = 0;
	char code[CODE + 1];
	double chi = 0, expect;

	(void)state;
	while (total < 31 * PER) {
		assert_int_equal(code_new(code, sizeof(code), CODE), BGW_OK);
		for (size_t i = 0; i < CODE; i++)
			counts[strchr(CODE_ALPHABET, code[i]) - CODE_ALPHABET]++;
		total += CODE;
	}
	expect = (double)total / 31;
	for (size_t i = 0; i < 31; i++)
		chi += ((double)counts[i] - expect) * ((double)counts[i] - expect) / expect;
	if (chi > 70)
		fail_msg("chi-square %.1f: the code alphabet is not uniform", chi);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_token_new, reset_rng, reset_rng),
		cmocka_unit_test_setup_teardown(test_token_encoding, reset_rng, reset_rng),
		cmocka_unit_test_setup_teardown(test_id_new, reset_rng, reset_rng),
		cmocka_unit_test_setup_teardown(test_token_hash_and_equal, reset_rng, reset_rng),
		cmocka_unit_test_setup_teardown(test_code_alphabet_and_length, reset_rng, reset_rng),
		cmocka_unit_test_setup_teardown(test_code_rejection_sampling, reset_rng, reset_rng),
		cmocka_unit_test_setup_teardown(test_code_no_bias, reset_rng, reset_rng),
	};

	return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}
