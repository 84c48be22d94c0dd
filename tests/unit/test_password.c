/* test_password.c - the password policy (code points, not bytes), the shipped common list,
 * and list loading.  The shipped list is found through $BGW_SRCDIR (set by `make check`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth/password.h"
#include "crypto/kdf.h"

#define LIST_REL "db/common-passwords.txt"

static password_list *shipped;

static int
load_shipped(void **state)
{
	const char *src = getenv("BGW_SRCDIR");
	char path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", src != NULL ? src : ".", LIST_REL);
	return password_list_load(path, &shipped) == BGW_OK ? 0 : -1;
}

static int
free_shipped(void **state)
{
	(void)state;
	password_list_free(shipped);
	shipped = NULL;
	return 0;
}

/* s repeated n times into a static buffer. */
static const char *
repeat(const char *s, size_t n)
{
	static char buf[2][1024];
	static int which;
	char *b = buf[which ^= 1];

	b[0] = '\0';
	for (size_t i = 0; i < n; i++)
		strcat(b, s);
	return b;
}

struct pcase {
	const char *name;
	const char *pw;
	size_t len; /* 0: strlen(pw) */
	const char *reason; /* NULL: accepted */
};

static void
run_cases(const struct pcase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *reason = "unset";
		size_t len = cases[i].len != 0 ? cases[i].len : strlen(cases[i].pw);
		bgw_err e = password_check_policy(cases[i].pw, len, shipped, &reason);

		if (cases[i].reason == NULL) {
			if (e != BGW_OK)
				fail_msg("%s: refused as %s", cases[i].name, reason);
			assert_null(reason);
		} else {
			if (e != BGW_E_VALIDATION || reason == NULL ||
			    strcmp(reason, cases[i].reason) != 0)
				fail_msg("%s: want %s, got %d %s", cases[i].name, cases[i].reason,
				    (int)e, reason != NULL ? reason : "(null)");
		}
	}
}

static void
test_policy_table(void **state)
{
	const struct pcase cases[] = {
		{"12 ascii", "Xk9#mQ2$vL7@", 0, NULL},
		{"11 ascii", "Xk9#mQ2$vL7", 0, PASSWORD_TOO_SHORT},
		{"empty", "", 0, PASSWORD_TOO_SHORT},
		{"no composition rules", "lowercaseonlylongenough", 0, NULL},
		{"12 japanese (36 bytes)", "パスワードは十二文字です", 0, NULL},
		{"11 japanese (33 bytes)", "パスワードは十一文字で", 0, PASSWORD_TOO_SHORT},
		{"6 kanji, 18 bytes", "秘密の合言葉", 0, PASSWORD_TOO_SHORT},
		{"12 emoji (48 bytes)", "🔑🐱🍣🗻🌸🎌🔑🐱🍣🗻🌸🎌", 0, NULL},
		{"11 emoji (44 bytes)", "🔑🐱🍣🗻🌸🎌🔑🐱🍣🗻🌸", 0, PASSWORD_TOO_SHORT},
		{"combining marks count", "cafe\xcc\x81 au lai", 0, NULL}, /* 12 code points */
		{"spaces count", "a b c d e f ", 0, NULL},
		{"common", "password1234", 0, PASSWORD_TOO_COMMON},
		{"common, any ascii case", "PassWord1234", 0, PASSWORD_TOO_COMMON},
		{"common, upper case", "QWERTYUIOPAS", 0, PASSWORD_TOO_COMMON},
		{"common digits", "123456789012", 0, PASSWORD_TOO_COMMON},
		{"common repeat", "aaaaaaaaaaaa", 0, PASSWORD_TOO_COMMON},
		{"common walk", "1qaz2wsx3edc", 0, PASSWORD_TOO_COMMON},
		{"common phrase", "correct horse battery staple", 0, PASSWORD_TOO_COMMON},
		{"common romaji", "sakura123456", 0, PASSWORD_TOO_COMMON},
		{"common spaces", "            ", 0, PASSWORD_TOO_COMMON},
		{"common full-width digits", "１２３４５６７８９０１２", 0, PASSWORD_TOO_COMMON},
		{"common kana", "パスワード1234567", 0, PASSWORD_TOO_COMMON},
		/* Only ASCII is case-folded: full-width capitals are another string. */
		{"full-width capitals", "ＰＡＳＳＷＯＲＤ１２３４", 0, NULL},
		{"common word plus more", "password1234 but longer", 0, NULL},
		{"invalid: stray byte", "\xffpassphrase-okay", 0, PASSWORD_INVALID_UTF8},
		{"invalid: overlong slash", "\xc0\xafpassphrase-ok", 0, PASSWORD_INVALID_UTF8},
		{"invalid: surrogate", "\xed\xa0\x80passphrase-ok", 0, PASSWORD_INVALID_UTF8},
		{"invalid: truncated", "passphrase-ok\xe3\x81", 0, PASSWORD_INVALID_UTF8},
		{"invalid: above U+10FFFF", "\xf4\x90\x80\x80passphrase", 0, PASSWORD_INVALID_UTF8},
		{"nul inside", "passphrase\0-is-long", 19, PASSWORD_INVALID_CHARACTER},
		{"nul at end", "passphrase-ok\0", 14, PASSWORD_INVALID_CHARACTER},
	};

	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* 128 code points pass and 129 do not, whatever their byte length (no truncation). */
static void
test_policy_max_boundary(void **state)
{
	static const char *const units[] = {"x", "é", "あ", "🔑"};
	const char *reason;

	(void)state;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		const char *pw = repeat(units[i], 128);
		char with_tail[1024];

		assert_int_equal(password_check_policy(pw, strlen(pw), shipped, &reason), BGW_OK);
		snprintf(with_tail, sizeof(with_tail), "%s%s", pw, "z");
		assert_int_equal(password_check_policy(with_tail, strlen(with_tail), shipped,
		    &reason), BGW_E_VALIDATION);
		assert_string_equal(reason, PASSWORD_TOO_LONG);
	}
	/* 12 four-byte code points are 48 bytes and pass; 11 do not. */
	assert_int_equal(password_check_policy(repeat("🔑", 12), 48, shipped, &reason), BGW_OK);
	assert_int_equal(password_check_policy(repeat("🔑", 11), 44, shipped, &reason),
	    BGW_E_VALIDATION);
	assert_string_equal(reason, PASSWORD_TOO_SHORT);
}

static void
test_policy_needs_list(void **state)
{
	const char *reason = "unset";

	(void)state;
	assert_int_equal(password_check_policy("a fine passphrase", 17, NULL, &reason),
	    BGW_E_INTERNAL);
	assert_null(reason);
	/* reason may be NULL */
	assert_int_equal(password_check_policy("a fine passphrase", 17, shipped, NULL), BGW_OK);
	assert_int_equal(password_check_policy("short", 5, shipped, NULL), BGW_E_VALIDATION);
}

static void
test_shipped_list(void **state)
{
	static const char *const must[] = {
		"password1234", "qwertyuiopas", "123456789012", "aaaaaaaaaaaa", "111111111111",
		"iloveyou1234", "1q2w3e4r5t6y", "qwerty123456", "passwordpassword",
		"administrator", "welcome12345", "p@ssw0rd1234", "doraemon1234",
	};

	(void)state;
	assert_true(password_list_count(shipped) >= 1000);
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		if (!password_list_contains(shipped, must[i], strlen(must[i])))
			fail_msg("shipped list lacks %s", must[i]);
	assert_false(password_list_contains(shipped, "password123", 11)); /* too short to list */
	assert_false(password_list_contains(shipped, "vK3#pL9!qZ2$wR", 14));
	assert_false(password_list_contains(NULL, "password1234", 12));
}

static char tmpdir[64];

static int
setup_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/bgw-password-test-XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown_tmp(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/list", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

static void
test_list_load(void **state)
{
	static const char content[] =
	    "# a comment line: not a password\n"
	    "\n"
	    "zzzzzzzzzzzz\r\n"              /* CR LF */
	    "MixedCase1234\n"
	    "mixedcase1234\n"               /* duplicate once folded */
	    "short\n"                       /* refused by length anyway: skipped */
	    "\xff\xfe invalid utf8 line\n"  /* skipped */
	    "あいうえおかきくけこさし\n"
	    "aaaaaaaaaaaa\n"
	    "last line without newline";
	password_list *l;
	char path[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/list", tmpdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	assert_int_equal(password_list_load(path, &l), BGW_OK);
	assert_int_equal(password_list_count(l), 5);
	assert_true(password_list_contains(l, "zzzzzzzzzzzz", 12));
	assert_false(password_list_contains(l, "zzzzzzzzzzzz\r", 13));
	assert_true(password_list_contains(l, "mixedcase1234", 13));
	assert_true(password_list_contains(l, "MIXEDCASE1234", 13));
	assert_true(password_list_contains(l, "あいうえおかきくけこさし", 36));
	assert_true(password_list_contains(l, "AAAAAAAAAAAA", 12));
	assert_true(password_list_contains(l, "last line without newline", 25));
	assert_false(password_list_contains(l, "last line without newlin", 24));
	assert_false(password_list_contains(l, "short", 5));
	assert_false(password_list_contains(l, "# a comment line: not a password", 31));
	assert_false(password_list_contains(l, "", 0));
	password_list_free(l);

	/* An empty list loads and matches nothing. */
	f = fopen(path, "wb");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(password_list_load(path, &l), BGW_OK);
	assert_int_equal(password_list_count(l), 0);
	assert_false(password_list_contains(l, "aaaaaaaaaaaa", 12));
	password_list_free(l);

	l = (password_list *)&l; /* must be reset on failure */
	assert_int_equal(password_list_load("/nonexistent/list", &l), BGW_E_IO);
	assert_null(l);
	password_list_free(NULL);
}

/* Hashing and checking on a request path: the policy before any scrypt, the hash that then
 * verifies, and an unknown account's answer (no stored hash) that is "no" at the same cost. */
static void
test_hash_and_verify(void **state)
{
	static const kdf_params fast = {.ln = 4, .r = 8, .p = 1};
	char dir[] = "/tmp/bgw-pwslot-XXXXXX", hash[KDF_STORED_MAX], path[64];
	const char *reason = NULL;
	bool ok = true;

	(void)state;
	assert_non_null(mkdtemp(dir));
	kdf_set_params(&fast);
	hash[0] = '\0';
	assert_int_equal(password_hash_new(dir, shipped, "short", hash, &reason),
	    BGW_E_VALIDATION);
	assert_string_equal(reason, PASSWORD_TOO_SHORT);
	assert_string_equal(hash, "");
	assert_int_equal(password_hash_new(dir, shipped, "passwordpassword", hash, &reason),
	    BGW_E_VALIDATION);
	assert_string_equal(reason, PASSWORD_TOO_COMMON);
	assert_int_equal(password_hash_new(dir, shipped, "長いパスワードは十二文字以上です", hash,
	    &reason), BGW_OK);
	assert_null(reason);
	assert_int_equal(password_verify(dir, "長いパスワードは十二文字以上です", hash, &ok),
	    BGW_OK);
	assert_true(ok);
	assert_int_equal(password_verify(dir, "長いパスワードは十二文字以上でした", hash, &ok),
	    BGW_OK);
	assert_false(ok);
	ok = true;
	assert_int_equal(password_verify(dir, "anything at all", NULL, &ok), BGW_OK);
	assert_false(ok);
	/* A stored string that is not a hash is a bug, not a wrong password. */
	assert_int_equal(password_verify(dir, "anything at all", "garbage", &ok), BGW_E_INTERNAL);
	assert_false(ok);
	kdf_set_params(NULL);
	for (int i = 0; i < PASSWORD_KDF_SLOTS; i++) {
		snprintf(path, sizeof(path), "%s/kdf-slot-%d", dir, i);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_table),
		cmocka_unit_test(test_policy_max_boundary),
		cmocka_unit_test(test_policy_needs_list),
		cmocka_unit_test(test_shipped_list),
		cmocka_unit_test_setup_teardown(test_list_load, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_hash_and_verify),
	};

	return cmocka_run_group_tests_name("password", tests, load_shipped, free_shipped);
}
