/* test_rekey.c - master key rotation's steps as bgw-admin rotate-master-key takes them,
 * against the real PostgreSQL on the owner's connection (tests/unit/pgfix.h; skipped
 * without it) and key files in a temporary directory: the next version is a new key file,
 * or the key file an interrupted rotation left behind (and with --rewrap-only the newest
 * file); the rotation is on record with its counts.  Activating a version and re-wrapping
 * every document change the whole database, which the unit tests share: the ops suite
 * (tests/ops) runs them end to end on a database of their own. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "files/rekey.h"
#include "dbfix.h"
#include "pgfix.h"

static void
write_key(const char *path)
{
	unsigned char raw[MASTERKEY_LEN];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0400);

	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(rand() & 0xff);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, raw, sizeof(raw)), (ssize_t)sizeof(raw));
	assert_int_equal(close(fd), 0);
}

static void
test_the_next_version_and_the_record(void **state)
{
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	char dir[64], key[128], path[160], cmd[128];
	int db_max, version = 0;
	struct stat st;

	(void)state;
	if (!dbfix_open_all(&fx, &db, &a, true))
		skip();
	snprintf(dir, sizeof(dir), "/tmp/bgw-rekey-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/master.key", dir);
	write_key(key);
	db_max = atoi(pgfix_sql(fx, "SELECT coalesce(max(version), 0) FROM master_keys", 0,
	    NULL));

	/* Files up to the database's newest version: the next one is a new file. */
	for (int v = 2; v <= db_max; v++) {
		snprintf(path, sizeof(path), "%s.%d", key, v);
		write_key(path);
	}
	assert_int_equal(rekey_next_version(db, a, key, false, &version), BGW_OK);
	assert_int_equal(version, db_max + 1);
	snprintf(path, sizeof(path), "%s.%d", key, version);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);

	/* That file has no row yet (an interrupted rotation): it is used again, not orphaned. */
	assert_int_equal(rekey_next_version(db, a, key, false, &version), BGW_OK);
	assert_int_equal(version, db_max + 1);
	assert_int_equal(rekey_next_version(db, a, key, true, &version), BGW_OK);
	assert_int_equal(version, db_max + 1);

	assert_int_equal(rekey_record(db, a, 4242, 7, 3), BGW_OK);
	assert_int_equal(pgfix_count(fx, "SELECT 1 FROM audit_events WHERE project_id IS NULL "
	    "AND action = 'master_key.rotated' AND object_id = '4242' AND "
	    "detail = '{\"version\":4242,\"documents\":7,\"mfa_secrets\":3}'::jsonb", 0, NULL), 1);

	/* A missing first key file is an error, never a fresh chain of keys. */
	snprintf(path, sizeof(path), "%s/none.key", dir);
	assert_int_not_equal(rekey_next_version(db, a, path, false, &version), BGW_OK);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	dbfix_close_all(fx, db, a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_next_version_and_the_record),
	};

	return cmocka_run_group_tests_name("rekey", tests, NULL, NULL);
}
