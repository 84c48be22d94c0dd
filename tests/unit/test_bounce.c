/* test_bounce.c - per-message return paths: the address's shape, a round trip, and every
 * way a forged or altered one is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mail/bounce.h"

static const unsigned char master[32] = "0123456789abcdef0123456789abcde";

static void
test_round_trip(void **state)
{
	bgw_arena *a = bgw_arena_new();
	unsigned char key[BOUNCE_KEY_LEN], other[BOUNCE_KEY_LEN];
	char *addr, *text, id[BOUNCE_ID_LEN + 1];

	(void)state;
	assert_int_equal(bounce_key_derive(master, sizeof(master), key), BGW_OK);
	assert_int_equal(bounce_address(a, key, "Ab-_0123456789xY", "gw.example.jp", &addr),
	    BGW_OK);
	assert_int_equal(strncmp(addr, "bounces+Ab-_0123456789xY.", 25), 0);
	assert_non_null(strstr(addr, "@gw.example.jp"));
	/* RFC 5321 section 4.5.3.1.1: a local part is at most 64 octets. */
	assert_true(strchr(addr, '@') - addr <= 64);
	text = bgw_arena_printf(a, "Balance Gateway <%s>", addr);
	assert_int_equal(bounce_match(key, text, id), BGW_OK);
	assert_string_equal(id, "Ab-_0123456789xY");

	/* Another installation's key (another master key) does not match. */
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(bounce_match(other, text, id), BGW_E_FORBIDDEN);
	assert_string_equal(id, "");
	bgw_arena_free(a);
}

static void
test_forged(void **state)
{
	bgw_arena *a = bgw_arena_new();
	unsigned char key[BOUNCE_KEY_LEN];
	char *addr, *copy, id[BOUNCE_ID_LEN + 1];

	(void)state;
	assert_int_equal(bounce_key_derive(master, sizeof(master), key), BGW_OK);
	assert_int_equal(bounce_address(a, key, "AAAAAAAAAAAAAAAA", "gw.example.jp", &addr),
	    BGW_OK);
	/* Another row's id under this signature. */
	copy = bgw_arena_strdup(a, addr);
	copy[8] = 'B';
	assert_int_equal(bounce_match(key, copy, id), BGW_E_FORBIDDEN);
	/* One signature digit changed, or the signature cut short. */
	copy = bgw_arena_strdup(a, addr);
	copy[25] = copy[25] == '0' ? '1' : '0';
	assert_int_equal(bounce_match(key, copy, id), BGW_E_FORBIDDEN);
	assert_int_equal(bounce_match(key, "bounces+AAAAAAAAAAAAAAAA.00@gw.example.jp", id),
	    BGW_E_FORBIDDEN);
	assert_int_equal(bounce_match(key, "bounces+AAAA@gw.example.jp", id), BGW_E_FORBIDDEN);
	/* No return path of ours at all. */
	assert_int_equal(bounce_match(key, "postmaster@gw.example.jp", id), BGW_E_NOT_FOUND);
	assert_int_equal(bounce_match(key, NULL, id), BGW_E_NOT_FOUND);
	bgw_arena_free(a);
}

static void
test_address_refuses_bad_input(void **state)
{
	bgw_arena *a = bgw_arena_new();
	unsigned char key[BOUNCE_KEY_LEN] = {0};
	char *addr;

	(void)state;
	assert_int_equal(bounce_address(a, key, "short", "gw.example.jp", &addr),
	    BGW_E_VALIDATION);
	assert_int_equal(bounce_address(a, key, "AAAAAAAAAAAAAAA@", "gw.example.jp", &addr),
	    BGW_E_VALIDATION);
	assert_int_equal(bounce_address(a, key, "AAAAAAAAAAAAAAAA", "", &addr),
	    BGW_E_VALIDATION);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_address_refuses_bad_input),
	};

	return cmocka_run_group_tests_name("bounce", tests, NULL, NULL);
}
