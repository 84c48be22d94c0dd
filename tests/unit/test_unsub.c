/* test_unsub.c - the digest's unsubscribe link: its shape, a round trip, and every way a
 * forged or altered one is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mail/unsub.h"

static const unsigned char master[32] = "0123456789abcdef0123456789abcde";

static void
test_round_trip(void **state)
{
	bgw_arena *a = bgw_arena_new();
	unsigned char key[UNSUB_KEY_LEN], other[UNSUB_KEY_LEN];
	char *link, id[UNSUB_ID_LEN + 1];
	const char *token;

	(void)state;
	assert_int_equal(unsub_key_derive(master, sizeof(master), key), BGW_OK);
	assert_int_equal(unsub_link(a, key, "https://gw.example.jp", "Ab-_0123456789xY", &link),
	    BGW_OK);
	assert_int_equal(strncmp(link, "https://gw.example.jp/unsubscribe/Ab-_0123456789xY.",
	    51), 0);
	token = strrchr(link, '/') + 1;
	assert_int_equal(strlen(token), UNSUB_TOKEN_LEN);
	assert_int_equal(unsub_check(key, token, id), BGW_OK);
	assert_string_equal(id, "Ab-_0123456789xY");
	/* Another installation's key does not accept it. */
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(unsub_check(other, token, id), BGW_E_FORBIDDEN);
	assert_string_equal(id, "");
	bgw_arena_free(a);
}

static void
test_forged(void **state)
{
	bgw_arena *a = bgw_arena_new();
	unsigned char key[UNSUB_KEY_LEN];
	char *link, *copy, id[UNSUB_ID_LEN + 1];

	(void)state;
	assert_int_equal(unsub_key_derive(master, sizeof(master), key), BGW_OK);
	assert_int_equal(unsub_link(a, key, "https://x", "AAAAAAAAAAAAAAAA", &link), BGW_OK);
	copy = bgw_arena_strdup(a, strrchr(link, '/') + 1);
	/* Another user's id under this signature. */
	copy[0] = 'B';
	assert_int_equal(unsub_check(key, copy, id), BGW_E_FORBIDDEN);
	/* One signature digit changed, cut short, or no signature. */
	copy = bgw_arena_strdup(a, strrchr(link, '/') + 1);
	copy[20] = copy[20] == '0' ? '1' : '0';
	assert_int_equal(unsub_check(key, copy, id), BGW_E_FORBIDDEN);
	assert_int_equal(unsub_check(key, "AAAAAAAAAAAAAAAA.00", id), BGW_E_FORBIDDEN);
	assert_int_equal(unsub_check(key, "AAAAAAAAAAAAAAAA", id), BGW_E_FORBIDDEN);
	assert_int_equal(unsub_check(key, NULL, id), BGW_E_FORBIDDEN);
	/* A bad user id is refused before signing. */
	assert_int_equal(unsub_link(a, key, "https://x", "short", &link), BGW_E_VALIDATION);
	assert_int_equal(unsub_link(a, key, "https://x", "AAAAAAAAAAAAAAA/", &link),
	    BGW_E_VALIDATION);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_forged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
