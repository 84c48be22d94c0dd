/* test_secretbox.c - AES-256-GCM boxes: round trip, every byte tampered, wrong aad and key,
 * short input, RNG failure; key files: formats and mode checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/secretbox.h"

int __real_RAND_bytes(unsigned char *buf, int num);
int __wrap_RAND_bytes(unsigned char *buf, int num);

static bool rng_fails;

int
__wrap_RAND_bytes(unsigned char *buf, int num)
{
	return rng_fails ? 0 : __real_RAND_bytes(buf, num);
}

static const unsigned char key1[SECRETBOX_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char key2[SECRETBOX_KEY_LEN] = "0123456789abcdef0123456789abcdf";
static const unsigned char secret[20] = "twenty byte secret!";

static void
test_round_trip(void **state)
{
	static const size_t lens[] = {0, 1, 15, 16, 20, 100, SECRETBOX_MAX_PLAINTEXT};
	static unsigned char pt[SECRETBOX_MAX_PLAINTEXT], box[SECRETBOX_MAX_PLAINTEXT + 64],
	    box2[SECRETBOX_MAX_PLAINTEXT + 64], back[SECRETBOX_MAX_PLAINTEXT];
	size_t n, n2, m;

	(void)state;
	for (size_t i = 0; i < sizeof(pt); i++)
		pt[i] = (unsigned char)(i * 7);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		assert_int_equal(secretbox_seal(key1, pt, lens[i], "totp:u1", box, sizeof(box), &n),
		    BGW_OK);
		assert_int_equal(n, lens[i] + SECRETBOX_OVERHEAD);
		assert_int_equal(box[0], SECRETBOX_VERSION);
		if (lens[i] >= 16) /* the plaintext does not show through */
			assert_null(memmem(box, n, pt, 16));
		assert_int_equal(secretbox_open(key1, box, n, "totp:u1", back, sizeof(back), &m),
		    BGW_OK);
		assert_int_equal(m, lens[i]);
		assert_memory_equal(back, pt, m);
		/* A fresh nonce each time: the same secret seals differently. */
		assert_int_equal(secretbox_seal(key1, pt, lens[i], "totp:u1", box2, sizeof(box2),
		    &n2), BGW_OK);
		assert_memory_not_equal(box + 1, box2 + 1, SECRETBOX_NONCE_LEN);
	}
	/* NULL aad is the empty aad. */
	assert_int_equal(secretbox_seal(key1, secret, 20, NULL, box, sizeof(box), &n), BGW_OK);
	assert_int_equal(secretbox_open(key1, box, n, "", back, sizeof(back), &m), BGW_OK);
	assert_memory_equal(back, secret, 20);
}

static void
test_tamper_every_byte(void **state)
{
	unsigned char box[20 + SECRETBOX_OVERHEAD], bad[sizeof(box)], back[64];
	size_t n, m;

	(void)state;
	assert_int_equal(secretbox_seal(key1, secret, 20, "totp:u1", box, sizeof(box), &n),
	    BGW_OK);
	for (size_t i = 0; i < n; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			memcpy(bad, box, n);
			bad[i] ^= (unsigned char)(1u << bit);
			memset(back, 0xaa, sizeof(back));
			m = 99;
			if (secretbox_open(key1, bad, n, "totp:u1", back, sizeof(back), &m) !=
			    BGW_E_INTERNAL)
				fail_msg("opened with byte %zu bit %u flipped", i, bit);
			assert_int_equal(m, 0);
			/* Nothing of the (unauthenticated) plaintext is left behind. */
			assert_null(memmem(back, sizeof(back), secret, 4));
		}
	}
	/* A truncated box fails too; the untouched one still opens. */
	assert_int_equal(secretbox_open(key1, box, n - 1, "totp:u1", back, sizeof(back), &m),
	    BGW_E_INTERNAL);
	assert_int_equal(secretbox_open(key1, box, n, "totp:u1", back, sizeof(back), &m), BGW_OK);
}

static void
test_wrong_aad_and_key(void **state)
{
	static const char *const wrong_aad[] = {"totp:u2", "totp:u1 ", "totp:u", "", NULL,
	    "TOTP:u1"};
	unsigned char box[20 + SECRETBOX_OVERHEAD], back[64];
	size_t n, m;

	(void)state;
	assert_int_equal(secretbox_seal(key1, secret, 20, "totp:u1", box, sizeof(box), &n),
	    BGW_OK);
	for (size_t i = 0; i < sizeof(wrong_aad) / sizeof(wrong_aad[0]); i++)
		assert_int_equal(secretbox_open(key1, box, n, wrong_aad[i], back, sizeof(back), &m),
		    BGW_E_INTERNAL);
	assert_int_equal(secretbox_open(key2, box, n, "totp:u1", back, sizeof(back), &m),
	    BGW_E_INTERNAL);
	assert_int_equal(secretbox_open(key1, box, n, "totp:u1", back, sizeof(back), &m), BGW_OK);
}

static void
test_short_and_bad_input(void **state)
{
	unsigned char box[20 + SECRETBOX_OVERHEAD], back[64];
	size_t n, m;

	(void)state;
	assert_int_equal(secretbox_seal(key1, secret, 20, "a", box, sizeof(box), &n), BGW_OK);
	for (size_t len = 0; len < SECRETBOX_OVERHEAD; len++)
		assert_int_equal(secretbox_open(key1, box, len, "a", back, sizeof(back), &m),
		    BGW_E_INTERNAL);
	/* An unknown version is refused before any decryption. */
	box[0] = SECRETBOX_VERSION + 1;
	assert_int_equal(secretbox_open(key1, box, n, "a", back, sizeof(back), &m),
	    BGW_E_INTERNAL);
	box[0] = SECRETBOX_VERSION;
	/* Output buffers too small. */
	assert_int_equal(secretbox_open(key1, box, n, "a", back, 19, &m), BGW_E_INTERNAL);
	assert_int_equal(secretbox_seal(key1, secret, 20, "a", box, sizeof(box) - 1, &n),
	    BGW_E_INTERNAL);
	assert_int_equal(n, 0);
	assert_int_equal(secretbox_seal(key1, secret, SECRETBOX_MAX_PLAINTEXT + 1, "a", box,
	    (size_t)-1, &n), BGW_E_INTERNAL);
}

static void
test_rng_failure(void **state)
{
	unsigned char box[20 + SECRETBOX_OVERHEAD];
	size_t n = 99;

	(void)state;
	rng_fails = true;
	assert_int_equal(secretbox_seal(key1, secret, 20, "a", box, sizeof(box), &n),
	    BGW_E_INTERNAL);
	rng_fails = false;
	assert_int_equal(n, 0);
}

/* --- key files --- */

static char dir[64];

static int
setup_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bgw-secretbox-test-XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s/key", dir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/link", dir);
	unlink(cmd);
	return rmdir(dir);
}

static const char *
write_key(const void *content, size_t n, mode_t mode)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/key", dir);
	unlink(path);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void
test_load_key(void **state)
{
#define HEX "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F"
	static const struct {
		const char *content;
		size_t n;
		mode_t mode;
		bool ok;
	} cases[] = {
		{HEX, 64, 0600, true},
		{HEX "\n", 65, 0600, true},
		{HEX "\r\n", 66, 0400, true},
		{HEX "\n\n", 66, 0600, false},
		{HEX " ", 65, 0600, false},
		{HEX, 63, 0600, false},
		{HEX "0", 65, 0600, false},
		{"0g0102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F", 64, 0600, false},
		{HEX, 64, 0640, false},
		{HEX, 64, 0604, false},
		{HEX, 64, 0610, false},
		{HEX, 64, 0660, false},
		{"", 0, 0600, false},
	};
	unsigned char key[SECRETBOX_KEY_LEN], want[SECRETBOX_KEY_LEN];

	(void)state;
	for (size_t i = 0; i < SECRETBOX_KEY_LEN; i++)
		want[i] = (unsigned char)i;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = write_key(cases[i].content, cases[i].n, cases[i].mode);

		memset(key, 0x55, sizeof(key));
		if (cases[i].ok) {
			assert_int_equal(secretbox_load_key(path, key), BGW_OK);
			assert_memory_equal(key, want, sizeof(key));
		} else {
			if (secretbox_load_key(path, key) != BGW_E_IO)
				fail_msg("case %zu accepted", i);
			/* key is wiped, not left half-filled */
			for (size_t k = 0; k < sizeof(key); k++)
				assert_int_equal(key[k], 0);
		}
	}
}

static void
test_load_key_raw(void **state)
{
	unsigned char raw[SECRETBOX_KEY_LEN + 1], key[SECRETBOX_KEY_LEN];
	const char *path;

	(void)state;
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(0xff - i); /* includes bytes that look like nothing */
	raw[5] = '\n';
	path = write_key(raw, SECRETBOX_KEY_LEN, 0600);
	assert_int_equal(secretbox_load_key(path, key), BGW_OK);
	assert_memory_equal(key, raw, SECRETBOX_KEY_LEN);
	path = write_key(raw, SECRETBOX_KEY_LEN - 1, 0600);
	assert_int_equal(secretbox_load_key(path, key), BGW_E_IO);
	path = write_key(raw, SECRETBOX_KEY_LEN + 1, 0600);
	assert_int_equal(secretbox_load_key(path, key), BGW_E_IO);
	path = write_key(raw, SECRETBOX_KEY_LEN, 0644);
	assert_int_equal(secretbox_load_key(path, key), BGW_E_IO);
}

static void
test_load_key_not_a_file(void **state)
{
	unsigned char raw[SECRETBOX_KEY_LEN] = {0}, key[SECRETBOX_KEY_LEN];
	char link[128];
	const char *path;

	(void)state;
	path = write_key(raw, sizeof(raw), 0600);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(secretbox_load_key(link, key), BGW_E_IO); /* symlinks not followed */
	assert_int_equal(secretbox_load_key(dir, key), BGW_E_IO);   /* a directory */
	assert_int_equal(secretbox_load_key("/nonexistent/key", key), BGW_E_IO);
	assert_int_equal(secretbox_load_key(path, key), BGW_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper_every_byte),
		cmocka_unit_test(test_wrong_aad_and_key),
		cmocka_unit_test(test_short_and_bad_input),
		cmocka_unit_test(test_rng_failure),
		cmocka_unit_test_setup_teardown(test_load_key, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_key_raw, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_key_not_a_file, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests_name("secretbox", tests, NULL, NULL);
}
