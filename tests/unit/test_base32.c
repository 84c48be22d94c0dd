/* test_base32.c - RFC 4648 base32 as an authenticator app meets a TOTP secret: the RFC's
 * vectors both ways, padding optional, one accepted spelling per byte string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/base32.h"

/* RFC 4648 section 10. */
static const struct {
	const char *plain, *padded, *unpadded;
} rfc[] = {
	{"", "", ""},
	{"f", "MY======", "MY"},
	{"fo", "MZXQ====", "MZXQ"},
	{"foo", "MZXW6===", "MZXW6"},
	{"foob", "MZXW6YQ=", "MZXW6YQ"},
	{"fooba", "MZXW6YTB", "MZXW6YTB"},
	{"foobar", "MZXW6YTBOI======", "MZXW6YTBOI"},
};

static void
test_encode_rfc_vectors(void **state)
{
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		size_t n = strlen(rfc[i].plain);

		assert_int_equal(base32_encode((const unsigned char *)rfc[i].plain, n, true, out,
		    sizeof(out)), BGW_OK);
		assert_string_equal(out, rfc[i].padded);
		assert_int_equal(strlen(out), BASE32_PADDED_LEN(n));
		assert_int_equal(base32_encode((const unsigned char *)rfc[i].plain, n, false, out,
		    sizeof(out)), BGW_OK);
		assert_string_equal(out, rfc[i].unpadded);
		assert_int_equal(strlen(out), BASE32_UNPADDED_LEN(n));
	}
}

static void
test_decode_rfc_vectors_padded_or_not_any_case(void **state)
{
	unsigned char out[64];
	char lower[64];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		const char *forms[2] = {rfc[i].padded, rfc[i].unpadded};

		for (int f = 0; f < 2; f++) {
			assert_int_equal(base32_decode(forms[f], strlen(forms[f]), out, sizeof(out),
			    &len), BGW_OK);
			assert_int_equal(len, strlen(rfc[i].plain));
			assert_memory_equal(out, rfc[i].plain, len);
		}
		for (size_t k = 0; k <= strlen(rfc[i].unpadded); k++)
			lower[k] = (char)(rfc[i].unpadded[k] >= 'A' && rfc[i].unpadded[k] <= 'Z' ?
			    rfc[i].unpadded[k] + 32 : rfc[i].unpadded[k]);
		assert_int_equal(base32_decode(lower, strlen(lower), out, sizeof(out), &len), BGW_OK);
		assert_memory_equal(out, rfc[i].plain, len);
	}
}

static void
test_a_totp_secret_round_trips(void **state)
{
	unsigned char secret[20], back[20];
	char text[BASE32_UNPADDED_LEN(20) + 1];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = (unsigned char)(i * 37 + 11);
	assert_int_equal(base32_encode(secret, sizeof(secret), false, text, sizeof(text)), BGW_OK);
	assert_int_equal(strlen(text), 32);
	assert_int_equal(base32_decode(text, strlen(text), back, sizeof(back), &len), BGW_OK);
	assert_int_equal(len, sizeof(secret));
	assert_memory_equal(back, secret, sizeof(secret));
}

static void
test_decode_refuses_what_is_not_one_spelling(void **state)
{
	static const char *const bad[] = {
		"MZXW6 YTB",   /* a space */
		"MZXW6YT1",    /* 1 is not in the alphabet */
		"M",           /* 1 character left over */
		"MZX",         /* 3 left over */
		"MZXW6Y",      /* 6 left over */
		"MZ======",    /* non-zero unused bits: the spelling of "f" is MY */
		"MY=====",     /* incomplete padding */
		"MY==MY==",    /* padding in the middle */
		"MZXW6YTB=",   /* padding where none belongs */
	};
	unsigned char out[64];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(base32_decode(bad[i], strlen(bad[i]), out, sizeof(out), &len),
		    BGW_E_VALIDATION);
}

static void
test_too_small_buffers_fail_closed(void **state)
{
	char out[8] = "xxxxxxx";
	unsigned char dec[2];
	size_t len;

	(void)state;
	assert_int_equal(base32_encode((const unsigned char *)"foobar", 6, true, out, sizeof(out)),
	    BGW_E_INTERNAL);
	assert_string_equal(out, "");
	assert_int_equal(base32_decode("MZXW6YTB", 8, dec, sizeof(dec), &len), BGW_E_INTERNAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_rfc_vectors),
		cmocka_unit_test(test_decode_rfc_vectors_padded_or_not_any_case),
		cmocka_unit_test(test_a_totp_secret_round_trips),
		cmocka_unit_test(test_decode_refuses_what_is_not_one_spelling),
		cmocka_unit_test(test_too_small_buffers_fail_closed),
	};

	return cmocka_run_group_tests_name("base32", tests, NULL, NULL);
}
