/* admin_ops.c - bgw-admin operations: purge, rotate-master-key, lock, unlock, status.
 *
 * Every command here connects as the schema owner (config db_owner): the purge deletes rows
 * bgw_app may never delete (confirmations, responses, documents), the rotation rewrites
 * wrapped keys bgw_app may never update, and status counts rows across every project, which
 * row-level security would hide from bgw_app.  The owner is not subject to row-level
 * security (no table FORCEs it), so these statements see everything: each is written for one
 * job and binds the row it touches.
 *
 * The database work of each command is a lib function: the purge lib/flow/purge.h (what a
 * purge leaves is written down there), the rotation lib/files/rekey.h, lock and unlock
 * lib/auth/acctlock.h, the counts lib/core/opscount.h; here are the arguments and output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "admin.h"
#include "auth/acctlock.h"
#include "core/log.h"
#include "core/opscount.h"
#include "crypto/masterkey.h"
#include "files/blobstore.h"
#include "files/rekey.h"
#include "flow/purge.h"
#include "store/db.h"
#include "store/stmt.h"

static const db_stmt *const owner_tables[] = {stmt_core, stmt_audit, stmt_admin_ops, NULL};

/* An owner connection and an arena; 0, or 1 with the reason on stderr. */
static int
open_owner(const bgw_config *cfg, bgw_db **db, bgw_arena **a)
{
	*db = db_open(cfg->db_owner, owner_tables);
	*a = bgw_arena_new();
	if (*db == NULL || *a == NULL) {
		fprintf(stderr, "bgw-admin: out of memory\n");
		return 1;
	}
	if (db_ensure(*db) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not connect as the owner role (db_owner)\n");
		return 1;
	}
	return 0;
}

static void
close_owner(bgw_db *db, bgw_arena *a)
{
	db_close(db);
	bgw_arena_free(a);
}

/* The value after option name in argv (argv[0] is the command), or NULL. */
static const char *
option(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static bool
flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

/* Every option given must be known and (except flags) take a value. */
static bool
options_ok(int argc, char **argv, const char *const *with_value, const char *const *flags)
{
	for (int i = 1; i < argc; i++) {
		bool known = false;

		for (const char *const *o = with_value; o != NULL && *o != NULL; o++)
			if (strcmp(argv[i], *o) == 0 && i + 1 < argc) {
				known = true;
				i++;
				break;
			}
		for (const char *const *o = flags; !known && o != NULL && *o != NULL; o++)
			known = strcmp(argv[i], *o) == 0;
		if (!known)
			return false;
	}
	return true;
}

/* ---- purge ------------------------------------------------------------------------------ */

int
admin_purge(const bgw_config *cfg, int argc, char **argv)
{
	static const char *const opts[] = {"--now", NULL};
	const char *now_ts = option(argc, argv, "--now");
	const char **due;
	bgw_db *db;
	bgw_arena *a;
	blobstore *bs = NULL;
	int ndue, purged = 0, failed = 0, rc = 1;

	if (!options_ok(argc, argv, opts, NULL)) {
		fprintf(stderr, "usage: bgw-admin purge [--now TIMESTAMP]\n");
		return 2;
	}
	if (now_ts == NULL)
		now_ts = "now";
	if (open_owner(cfg, &db, &a) != 0)
		goto out;
	if ((bs = blobstore_open_config(cfg)) == NULL) {
		fprintf(stderr, "bgw-admin: could not open the %s blob store\n", cfg->blob_backend);
		goto out;
	}
	if (purge_due(db, a, now_ts, &due, &ndue) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not list the projects due (is --now a timestamp?)\n");
		goto out;
	}
	for (int i = 0; i < ndue; i++) {
		purge_result res;
		bgw_err err = purge_project(db, a, bs, due[i], now_ts, &res);

		if (err == BGW_E_NOT_FOUND)
			continue;
		if (err != BGW_OK) {
			bgw_log(BGW_LOG_ERROR, "could not purge project %s: %s", due[i],
			    bgw_err_message(err));
			failed++;
			continue;
		}
		printf("purged project %s: %d blobs deleted%s\n", due[i], res.blobs_deleted,
		    res.blobs_left > 0 ? ", some blobs left (see the log)" : "");
		if (res.blobs_left > 0)
			failed++;
		purged++;
	}
	printf("projects purged: %d, failed: %d\n", purged, failed);
	rc = failed > 0 ? 1 : 0;
out:
	blobstore_close(bs);
	close_owner(db, a);
	return rc;
}

/* ---- rotate-master-key -------------------------------------------------------------------- */

int
admin_rotate_master_key(const bgw_config *cfg, int argc, char **argv)
{
	static const char *const flags[] = {"--rewrap-only", NULL};
	bool rewrap_only = flag(argc, argv, "--rewrap-only");
	masterkeys ks;
	bgw_db *db;
	bgw_arena *a;
	int version = 0, rc = 1;
	long long docs = 0, users = 0;
	bgw_err err;

	memset(&ks, 0, sizeof(ks));
	if (!options_ok(argc, argv, NULL, flags)) {
		fprintf(stderr, "usage: bgw-admin rotate-master-key [--rewrap-only]\n");
		return 2;
	}
	if (open_owner(cfg, &db, &a) != 0)
		goto out;
	if ((err = rekey_next_version(db, a, cfg->master_key_file, rewrap_only, &version)) !=
	    BGW_OK) {
		fprintf(stderr, "bgw-admin: could not make the next master key: %s\n",
		    bgw_err_message(err));
		goto out;
	}
	if ((err = rekey_activate(db, a, version)) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not record master key version %d: %s\n", version,
		    bgw_err_message(err));
		goto out;
	}
	if ((err = masterkey_load_all(cfg->master_key_file, &ks)) != BGW_OK ||
	    masterkey_get(&ks, version) == NULL) {
		fprintf(stderr, "bgw-admin: could not load the master keys\n");
		goto out;
	}
	printf("master key version %d is active\n", version);
	err = rekey_rewrap(db, a, &ks, version, &docs, &users);
	printf("re-wrapped: %lld document keys, %lld MFA secrets\n", docs, users);
	if (err != BGW_OK) {
		fprintf(stderr, "bgw-admin: re-wrapping stopped: %s (run again with --rewrap-only "
		    "once fixed)\n", bgw_err_message(err));
		goto out;
	}
	if (rekey_record(db, a, version, docs, users) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not record the rotation in the audit log\n");
		goto out;
	}
	printf("reload the worker pool (SIGHUP) so every worker loads version %d\n", version);
	rc = 0;
out:
	masterkey_wipe(&ks);
	close_owner(db, a);
	return rc;
}

/* ---- lock / unlock -------------------------------------------------------------------------- */

static int
set_lock(const bgw_config *cfg, int argc, char **argv, bool lock)
{
	static const char *const opts[] = {"--email", NULL};
	const char *email = option(argc, argv, "--email");
	bgw_db *db;
	bgw_arena *a;
	int rc = 1;
	bgw_err err;

	if (email == NULL || !options_ok(argc, argv, opts, NULL)) {
		fprintf(stderr, "usage: bgw-admin %s --email EMAIL\n", lock ? "lock" : "unlock");
		return 2;
	}
	if (open_owner(cfg, &db, &a) != 0)
		goto out;
	err = db_begin(db, NULL);
	if (err == BGW_OK)
		err = acctlock_set(db, a, email, lock, NULL);
	err = err == BGW_OK ? db_commit(db) : (db_rollback(db), err);
	if (err == BGW_E_NOT_FOUND) {
		fprintf(stderr, "bgw-admin: no such user\n");
	} else if (err != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not %s the account: %s\n", lock ? "lock" : "unlock",
		    bgw_err_message(err));
	} else {
		printf("%s\n", lock ? "locked (sessions ended)" : "unlocked");
		rc = 0;
	}
out:
	close_owner(db, a);
	return rc;
}

int
admin_lock(const bgw_config *cfg, int argc, char **argv)
{
	return set_lock(cfg, argc, argv, true);
}

int
admin_unlock(const bgw_config *cfg, int argc, char **argv)
{
	return set_lock(cfg, argc, argv, false);
}

/* ---- status ----------------------------------------------------------------------------- */

int
admin_ops_status(const bgw_config *cfg, int argc, char **argv)
{
	opscount_line lines[OPSCOUNT_MAX];
	size_t n = 0;
	int rc = admin_status(cfg, argc, argv);
	struct statvfs vfs;
	blob_usage use;
	blobstore *bs;
	bgw_db *db;
	bgw_arena *a;

	if (open_owner(cfg, &db, &a) == 0 && opscount_read(db, a, lines, &n) == BGW_OK) {
		for (size_t i = 0; i < n; i++)
			printf("%s: %s\n", lines[i].label, lines[i].value != NULL ? lines[i].value :
			    "none");
	} else {
		printf("counts: unavailable\n");
		rc = 1;
	}
	close_owner(db, a);
	/* The same lines for both backends, so a monitor greps one format. */
	printf("blob store backend: %s\n", cfg->blob_backend);
	if ((bs = blobstore_open_config(cfg)) != NULL && blobstore_measure(bs, &use) == BGW_OK) {
		printf("blob store files: %lld\n", use.blobs);
		if (strcmp(cfg->blob_backend, "azure") == 0)
			printf("blob store size (bytes): %lld\n", use.bytes);
		else
			printf("blob store disk use (bytes): %lld\n", use.bytes);
	} else {
		printf("blob store: unreadable (%s)\n", strcmp(cfg->blob_backend, "azure") == 0 ?
		    cfg->azure_container : cfg->blob_dir);
		rc = 1;
	}
	blobstore_close(bs);
	if (strcmp(cfg->blob_backend, "azure") != 0 && statvfs(cfg->blob_dir, &vfs) == 0)
		printf("blob file system free (bytes): %llu of %llu\n",
		    (unsigned long long)vfs.f_bavail * vfs.f_frsize,
		    (unsigned long long)vfs.f_blocks * vfs.f_frsize);
	return rc;
}
