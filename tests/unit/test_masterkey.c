/* test_masterkey.c - versioned master key files: the layout PATH, PATH.2, ...; the active
 * key; mode, type and content checks; rotation writing PATH.N atomically. */
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
#include <ftw.h>

#include "crypto/masterkey.h"

int __real_RAND_bytes(unsigned char *buf, int num);
int __wrap_RAND_bytes(unsigned char *buf, int num);

static bool rng_fails;

int
__wrap_RAND_bytes(unsigned char *buf, int num)
{
	return rng_fails ? 0 : __real_RAND_bytes(buf, num);
}

static char dir[64], path[128];

static void
write_key(const char *name, const void *data, size_t n, mode_t mode)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bgw-masterkey-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/master.key", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static const unsigned char k1[32] = "11111111111111111111111111111111";
static const unsigned char k2[32] = "22222222222222222222222222222222";

static void
test_load_layout(void **state)
{
	masterkeys ks;
	int v = -1;

	(void)state;
	/* No PATH: refused, even with siblings. */
	write_key("master.key.2", k2, 32, 0600);
	assert_int_equal(masterkey_load_all(path, &ks), BGW_E_IO);
	assert_int_equal(ks.count, 0);
	/* PATH alone is version 1 and active. */
	write_key("master.key", k1, 32, 0400);
	{
		char p[256];

		snprintf(p, sizeof(p), "%s/master.key.2", dir);
		assert_int_equal(remove(p), 0);
	}
	assert_int_equal(masterkey_load_all(path, &ks), BGW_OK);
	assert_int_equal(ks.count, 1);
	assert_memory_equal(masterkey_active(&ks, &v), k1, 32);
	assert_int_equal(v, 1);
	/* Siblings: hex form accepted; gaps allowed; odd names ignored. */
	write_key("master.key.2", "3232323232323232323232323232323232323232323232323232323232323232\n",
	    65, 0600);
	write_key("master.key.10", k1, 32, 0600);
	write_key("master.key.010", "junk", 4, 0644);   /* leading zero: ignored */
	write_key("master.key.1", "junk", 4, 0644);     /* version 1 is PATH itself */
	write_key("master.key.3.tmp", "junk", 4, 0644); /* interrupted rotation */
	write_key("master.key.x", "junk", 4, 0644);
	write_key("master.keys.4", "junk", 4, 0644);
	write_key("other.key.5", "junk", 4, 0644);
	assert_int_equal(masterkey_load_all(path, &ks), BGW_OK);
	assert_int_equal(ks.count, 3);
	assert_int_equal(ks.keys[0].version, 1);
	assert_int_equal(ks.keys[1].version, 2);
	assert_int_equal(ks.keys[2].version, 10);
	assert_memory_equal(masterkey_get(&ks, 2), k2, 32);
	assert_memory_equal(masterkey_get(&ks, 1), k1, 32);
	assert_null(masterkey_get(&ks, 3));
	assert_null(masterkey_get(&ks, 0));
	assert_non_null(masterkey_active(&ks, &v));
	assert_int_equal(v, 10);
	/* One bad file (group-readable) refuses the whole set. */
	write_key("master.key.11", k2, 32, 0640);
	assert_int_equal(masterkey_load_all(path, &ks), BGW_E_IO);
	assert_int_equal(ks.count, 0);
	assert_null(masterkey_active(&ks, &v));
	write_key("master.key.11", k2, 31, 0600); /* wrong length */
	assert_int_equal(masterkey_load_all(path, &ks), BGW_E_IO);
	{
		char p[256], t[256];

		snprintf(p, sizeof(p), "%s/master.key.11", dir);
		assert_int_equal(remove(p), 0);
		/* A symlink is not followed. */
		snprintf(t, sizeof(t), "%s/master.key.2", dir);
		assert_int_equal(symlink(t, p), 0);
		assert_int_equal(masterkey_load_all(path, &ks), BGW_E_IO);
		assert_int_equal(remove(p), 0);
	}
	assert_int_equal(masterkey_load_all(path, &ks), BGW_OK);
	masterkey_wipe(&ks);
	assert_int_equal(ks.count, 0);
	assert_int_equal(masterkey_load_all("", &ks), BGW_E_IO);
	assert_int_equal(masterkey_load_all("/nonexistent-dir/master.key", &ks), BGW_E_IO);
}

static void
test_create_next(void **state)
{
	masterkeys ks;
	struct stat st;
	char p[256];
	int v = 0, active = 0;

	(void)state;
	/* Without PATH nothing is created. */
	assert_int_equal(masterkey_create_next(path, &v), BGW_E_IO);
	write_key("master.key", k1, 32, 0400);
	assert_int_equal(masterkey_create_next(path, &v), BGW_OK);
	assert_int_equal(v, 2);
	snprintf(p, sizeof(p), "%s.2", path);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0400);
	assert_int_equal(st.st_size, 32);
	snprintf(p, sizeof(p), "%s.2.tmp", path);
	assert_int_not_equal(lstat(p, &st), 0); /* no temporary left */
	assert_int_equal(masterkey_create_next(path, &v), BGW_OK);
	assert_int_equal(v, 3);
	assert_int_equal(masterkey_load_all(path, &ks), BGW_OK);
	assert_int_equal(ks.count, 3);
	assert_memory_equal(masterkey_active(&ks, &active), ks.keys[2].key, 32);
	assert_int_equal(active, 3);
	assert_memory_not_equal(ks.keys[1].key, ks.keys[2].key, 32);
	assert_memory_equal(masterkey_get(&ks, 1), k1, 32);
	masterkey_wipe(&ks);
	/* The RNG failing creates nothing. */
	rng_fails = true;
	assert_int_equal(masterkey_create_next(path, &v), BGW_E_INTERNAL);
	assert_int_equal(v, 0);
	rng_fails = false;
	snprintf(p, sizeof(p), "%s.4", path);
	assert_int_not_equal(lstat(p, &st), 0);
	/* A stale temporary from an interrupted rotation does not block the next one. */
	write_key("master.key.4.tmp", "junk", 4, 0600);
	assert_int_equal(masterkey_create_next(path, &v), BGW_OK);
	assert_int_equal(v, 4);
	assert_int_equal(masterkey_load_all(path, &ks), BGW_OK);
	assert_int_equal(ks.count, 4);
	masterkey_wipe(&ks);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_next, setup, teardown),
	};

	return cmocka_run_group_tests_name("masterkey", tests, NULL, NULL);
}
