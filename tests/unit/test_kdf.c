/* test_kdf.c - scrypt vectors (RFC 7914 section 12), stored-string format, rehash, slots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/kdf.h"

/* Cheap parameters so round trips run in milliseconds. */
static const kdf_params cheap = {10, 8, 1};

static int
hexval(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

static void
unhex(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
}

static const struct vector {
	const char *password, *salt;
	kdf_params params;
	const char *dk;
} vectors[] = {
	{"", "", {4, 1, 1},
	    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
	    "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
	{"password", "NaCl", {10, 8, 16},
	    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
	    "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
	{"pleaseletmein", "SodiumChloride", {14, 8, 1},
	    "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
	    "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"},
};

static void
test_rfc7914_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		unsigned char want[64], got[64];

		unhex(v->dk, want, sizeof(want));
		memset(got, 0, sizeof(got));
		assert_int_equal(kdf_scrypt(v->password, strlen(v->password),
		    (const unsigned char *)v->salt, strlen(v->salt), &v->params, got,
		    sizeof(got)), BGW_OK);
		assert_memory_equal(got, want, sizeof(want));
	}
}

static void
test_scrypt_rejects_out_of_bounds(void **state)
{
	static const kdf_params bad[] = {
		{0, 8, 1}, {KDF_MAX_LN + 1, 8, 1}, {10, 0, 1}, {10, KDF_MAX_R + 1, 1},
		{10, 8, 0}, {10, 8, KDF_MAX_P + 1}, {22, 32, 1}, /* 16 GiB: over KDF_MAX_MEM */
	};
	unsigned char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kdf_scrypt("x", 1, (const unsigned char *)"salt", 4, &bad[i],
		    out, sizeof(out)), BGW_E_INTERNAL);
}

static void
test_defaults_are_owasp(void **state)
{
	kdf_params p;

	(void)state;
	kdf_set_params(NULL);
	p = kdf_get_params();
	assert_int_equal(p.ln, 17);
	assert_int_equal(p.r, 8);
	assert_int_equal(p.p, 1);
}

/* One real hash at the production cost: proves the raised maxmem works for N=2^17. */
static void
test_round_trip_default_params(void **state)
{
	char stored[KDF_STORED_MAX];
	bool ok = false, rehash = true;

	(void)state;
	kdf_set_params(NULL);
	assert_int_equal(kdf_hash("correct horse battery", 21, stored, sizeof(stored)), BGW_OK);
	assert_int_equal(strncmp(stored, "$scrypt$ln=17,r=8,p=1$", 22), 0);
	assert_int_equal(kdf_verify("correct horse battery", 21, stored, &ok, &rehash), BGW_OK);
	assert_true(ok);
	assert_false(rehash);
}

static void
test_round_trip(void **state)
{
	char a[KDF_STORED_MAX], b[KDF_STORED_MAX];
	const char *pw = "パスワードは十二文字です";
	const char *salt, *hash;
	bool ok, rehash;

	(void)state;
	kdf_set_params(&cheap);
	assert_int_equal(kdf_hash(pw, strlen(pw), a, sizeof(a)), BGW_OK);
	assert_int_equal(kdf_hash(pw, strlen(pw), b, sizeof(b)), BGW_OK);
	assert_string_not_equal(a, b); /* fresh salt each time */

	/* $scrypt$ln=10,r=8,p=1$<22 chars>$<43 chars> */
	assert_int_equal(strncmp(a, "$scrypt$ln=10,r=8,p=1$", 22), 0);
	salt = a + 22;
	hash = strchr(salt, '$');
	assert_non_null(hash);
	assert_int_equal(hash - salt, 22);
	assert_int_equal(strlen(hash + 1), 43);

	ok = false;
	assert_int_equal(kdf_verify(pw, strlen(pw), a, &ok, &rehash), BGW_OK);
	assert_true(ok);
	assert_false(rehash);
	ok = true;
	assert_int_equal(kdf_verify(pw, strlen(pw) - 1, a, &ok, &rehash), BGW_OK);
	assert_false(ok);
	assert_int_equal(kdf_verify("wrong password!", 15, a, &ok, NULL), BGW_OK);
	assert_false(ok);
	/* No truncation (bcrypt stops at 72 bytes): a long password differs from its prefix.
	 * (Trailing NUL bytes would not differ, HMAC pads keys with zeros: password.h refuses
	 * NUL in passwords.) */
	{
		char longpw[512];

		memset(longpw, 'x', sizeof(longpw));
		assert_int_equal(kdf_hash(longpw, sizeof(longpw), a, sizeof(a)), BGW_OK);
		assert_int_equal(kdf_verify(longpw, 72, a, &ok, NULL), BGW_OK);
		assert_false(ok);
		assert_int_equal(kdf_verify(longpw, sizeof(longpw) - 1, a, &ok, NULL), BGW_OK);
		assert_false(ok);
		assert_int_equal(kdf_verify(longpw, sizeof(longpw), a, &ok, NULL), BGW_OK);
		assert_true(ok);
	}
	/* Empty password is hashed like any other (policy is password.h's job). */
	assert_int_equal(kdf_hash(NULL, 0, a, sizeof(a)), BGW_OK);
	assert_int_equal(kdf_verify("", 0, a, &ok, NULL), BGW_OK);
	assert_true(ok);
	kdf_set_params(NULL);
}

static void
test_hash_small_buffer(void **state)
{
	char out[40];

	(void)state;
	kdf_set_params(&cheap);
	assert_int_equal(kdf_hash("password", 8, out, sizeof(out)), BGW_E_INTERNAL);
	assert_string_equal(out, "");
	kdf_set_params(NULL);
}

static void
test_needs_rehash(void **state)
{
	static const struct {
		kdf_params stored, now;
		bool rehash;
	} cases[] = {
		{{10, 8, 1}, {10, 8, 1}, false},
		{{10, 8, 1}, {11, 8, 1}, true},
		{{10, 4, 1}, {10, 8, 1}, true},
		{{10, 8, 1}, {10, 8, 2}, true},
		{{11, 8, 1}, {10, 8, 1}, false}, /* stronger than policy: keep */
	};
	char stored[KDF_STORED_MAX];
	bool ok, rehash;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kdf_set_params(&cases[i].stored);
		assert_int_equal(kdf_hash("hunter2hunter2", 14, stored, sizeof(stored)), BGW_OK);
		kdf_set_params(&cases[i].now);
		ok = false;
		rehash = !cases[i].rehash;
		assert_int_equal(kdf_verify("hunter2hunter2", 14, stored, &ok, &rehash), BGW_OK);
		assert_true(ok);
		assert_int_equal(rehash, cases[i].rehash);
	}
	kdf_set_params(NULL);
}

static void
test_malformed_stored(void **state)
{
	/* A valid string for "pw" at ln=10,r=8,p=1, and broken variants of it. */
	static const char *const bad[] = {
		"",
		"$scrypt$",
		"scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt2$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=0,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=99,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=010,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=-1,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$r=8,ln=10,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1,x=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$",
		"$scrypt$ln=10,r=8,p=1$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		/* salt too short (15 bytes) */
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		/* hash too short (31 bytes) */
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		/* padding, bad character, base64url alphabet, non-canonical last character */
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAA*$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAA-$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAB$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		/* trailing field, trailing space, hash of 1 mod 4 characters */
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$x",
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ",
		"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		/* within bounds one by one, but 16 GiB together */
		"$scrypt$ln=22,r=32,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		NULL,
	};
	static const char good[] =
	    "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	char longer[KDF_STORED_MAX + 8];
	bool ok, rehash;

	(void)state;
	kdf_set_params(&cheap);
	/* The well-formed base parses (and does not match "pw"). */
	ok = true;
	assert_int_equal(kdf_verify("pw", 2, good, &ok, &rehash), BGW_OK);
	assert_false(ok);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok = true;
		rehash = true;
		if (kdf_verify("pw", 2, bad[i], &ok, &rehash) != BGW_E_INTERNAL)
			fail_msg("accepted malformed #%zu: %s", i, bad[i] ? bad[i] : "(null)");
		assert_false(ok);
		assert_false(rehash);
	}
	memset(longer, 'A', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, good, strlen(good));
	assert_int_equal(kdf_verify("pw", 2, longer, &ok, NULL), BGW_E_INTERNAL);
	kdf_set_params(NULL);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The dummy costs like a real verify (loosely, best of three so a busy machine does not
 * flake: it must not be a shortcut). */
/* Every scrypt derivation, as OpenSSL is asked for it (-Wl,--wrap=EVP_KDF_derive). */
static struct {
	int calls;
	uint64_t n;
	uint32_t r, p;
	size_t keylen;
} derived;

int __real_EVP_KDF_derive(EVP_KDF_CTX *ctx, unsigned char *key, size_t keylen,
    const OSSL_PARAM params[]);
int __wrap_EVP_KDF_derive(EVP_KDF_CTX *ctx, unsigned char *key, size_t keylen,
    const OSSL_PARAM params[]);

int
__wrap_EVP_KDF_derive(EVP_KDF_CTX *ctx, unsigned char *key, size_t keylen,
    const OSSL_PARAM params[])
{
	const OSSL_PARAM *n = OSSL_PARAM_locate_const(params, OSSL_KDF_PARAM_SCRYPT_N);
	const OSSL_PARAM *r = OSSL_PARAM_locate_const(params, OSSL_KDF_PARAM_SCRYPT_R);
	const OSSL_PARAM *p = OSSL_PARAM_locate_const(params, OSSL_KDF_PARAM_SCRYPT_P);

	derived.calls++;
	derived.keylen = keylen;
	assert_true(n != NULL && OSSL_PARAM_get_uint64(n, &derived.n));
	assert_true(r != NULL && OSSL_PARAM_get_uint32(r, &derived.r));
	assert_true(p != NULL && OSSL_PARAM_get_uint32(p, &derived.p));
	return __real_EVP_KDF_derive(ctx, key, keylen, params);
}

/* An unknown e-mail costs what a known one costs: the dummy verification runs one scrypt
 * derivation with the very parameters and length of a real one (the work, not a timing, is
 * what is compared: times on a shared machine prove nothing). */
static void
test_verify_dummy_costs_the_same(void **state)
{
	static const kdf_params mid = {14, 8, 1};
	char stored[KDF_STORED_MAX];
	bool ok;

	(void)state;
	kdf_set_params(&mid);
	assert_int_equal(kdf_hash("some password", 13, stored, sizeof(stored)), BGW_OK);
	memset(&derived, 0, sizeof(derived));
	assert_int_equal(kdf_verify("other password", 14, stored, &ok, NULL), BGW_OK);
	assert_false(ok);
	assert_int_equal(derived.calls, 1);
	const uint64_t n = derived.n;
	const uint32_t r = derived.r, p = derived.p;
	const size_t keylen = derived.keylen;

	assert_int_equal(n, 1u << 14);
	memset(&derived, 0, sizeof(derived));
	kdf_verify_dummy("other password", 14);
	assert_int_equal(derived.calls, 1);
	assert_int_equal(derived.n, n);
	assert_int_equal(derived.r, r);
	assert_int_equal(derived.p, p);
	assert_int_equal(derived.keylen, keylen);
	kdf_set_params(NULL);
}

static char lockdir[64];
/* Slots the parent holds: a forked child closes its copies, since a flock belongs to the open
 * file description both share (never fork while holding a slot). */
static int held[2] = {-1, -1};

static int
setup_lockdir(void **state)
{
	(void)state;
	strcpy(lockdir, "/tmp/bgw-kdf-test-XXXXXX");
	return mkdtemp(lockdir) != NULL ? 0 : -1;
}

static int
teardown_lockdir(void **state)
{
	char path[128];

	(void)state;
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/kdf-slot-%d", lockdir, i);
		unlink(path);
	}
	return rmdir(lockdir);
}

/* Fork a child that tries for a slot and exits with the bgw_err it got. */
static pid_t
child_acquire(int slots, int timeout_ms, int hold_ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd;
		bgw_err e;

		for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
			if (held[i] >= 0)
				close(held[i]);
		e = kdf_slot_acquire(lockdir, slots, timeout_ms, &fd);

		if (e == BGW_OK && hold_ms > 0)
			usleep((useconds_t)hold_ms * 1000);
		/* Exit without releasing: the lock must die with the process. */
		_exit((int)e);
	}
	return pid;
}

static int
child_result(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_slots(void **state)
{
	int a, b, c;
	struct timespec t0;
	pid_t pid;

	(void)state;
	/* Two slots: two holders fill them, a third waits and times out with 429. */
	assert_int_equal(kdf_slot_acquire(lockdir, 2, 0, &a), BGW_OK);
	assert_int_equal(kdf_slot_acquire(lockdir, 2, 0, &b), BGW_OK);
	assert_true(a >= 0 && b >= 0 && a != b);
	held[0] = a;
	held[1] = b;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(kdf_slot_acquire(lockdir, 2, 50, &c), BGW_E_RATE_LIMITED);
	assert_int_equal(c, -1);
	assert_true(seconds_since(&t0) >= 0.045);
	assert_int_equal(child_result(child_acquire(2, 50, 0)), BGW_E_RATE_LIMITED);

	/* A waiter gets the slot once a holder releases it. */
	pid = child_acquire(2, 5000, 0);
	usleep(100 * 1000);
	kdf_slot_release(a);
	held[0] = -1;
	assert_int_equal(child_result(pid), BGW_OK);

	/* The dead child held no lock: the slot is free again. */
	assert_int_equal(kdf_slot_acquire(lockdir, 2, 0, &a), BGW_OK);
	kdf_slot_release(a);
	kdf_slot_release(b);
	held[1] = -1;

	/* A child holding the only slot blocks the parent until it exits. */
	pid = child_acquire(1, 0, 300);
	usleep(100 * 1000);
	assert_int_equal(kdf_slot_acquire(lockdir, 1, 0, &c), BGW_E_RATE_LIMITED);
	assert_int_equal(kdf_slot_acquire(lockdir, 1, 5000, &c), BGW_OK);
	assert_int_equal(child_result(pid), BGW_OK);
	kdf_slot_release(c);
	kdf_slot_release(-1);
}

static void
test_slot_errors(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(kdf_slot_acquire("/nonexistent/bgw-kdf", 2, 0, &fd), BGW_E_IO);
	assert_int_equal(fd, -1);
	assert_int_equal(kdf_slot_acquire(lockdir, 0, 0, &fd), BGW_E_INTERNAL);
	assert_int_equal(kdf_slot_acquire(NULL, 2, 0, &fd), BGW_E_INTERNAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7914_vectors),
		cmocka_unit_test(test_scrypt_rejects_out_of_bounds),
		cmocka_unit_test(test_defaults_are_owasp),
		cmocka_unit_test(test_round_trip_default_params),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_hash_small_buffer),
		cmocka_unit_test(test_needs_rehash),
		cmocka_unit_test(test_malformed_stored),
		cmocka_unit_test(test_verify_dummy_costs_the_same),
		cmocka_unit_test_setup_teardown(test_slots, setup_lockdir, teardown_lockdir),
		cmocka_unit_test_setup_teardown(test_slot_errors, setup_lockdir, teardown_lockdir),
	};

	return cmocka_run_group_tests_name("kdf", tests, NULL, NULL);
}
