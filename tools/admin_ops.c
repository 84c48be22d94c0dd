/* admin_ops.c - bgw-admin operations: purge, rotate-master-key, lock, unlock, status.
 *
 * Every command here connects as the schema owner (config db_owner): the purge deletes rows
 * bgw_app may never delete (confirmations, responses, documents), the rotation rewrites
 * wrapped keys bgw_app may never update, and status counts rows across every project, which
 * row-level security would hide from bgw_app.  The owner is not subject to row-level
 * security (no table FORCEs it), so these statements see everything: each is written for one
 * job and binds the row it touches.
 *
 * What a purge leaves (docs/operations.md, "Retention purge"):
 *   - the projects row, scrubbed: name and client name replaced, the first-access code hash
 *     zeroed, status 'purged', purged_at set.  It stays because audit_events.project_id
 *     references it (ON DELETE RESTRICT) and because "this id was destroyed on ..." must
 *     remain answerable;
 *   - the project's audit chain, untouched: the table is append-only by trigger, and its
 *     events hold ids, actions and hashes only (never names, amounts or file content), so the
 *     chain still verifies after the purge and still proves what happened;
 *   - one "project.purged" event in the global chain with the counts destroyed.
 * Everything else of the project goes in one transaction: confirmations (and by cascade
 * their items, address checks, responses, response items, reviews, reconciling items,
 * comments, documents and notifications), project documents with their wrapped file keys,
 * memberships, invitations, notifications and the outbox mail of the project.  The blobs are
 * deleted after the commit: if that fails part way, the remaining blobs are ciphertext whose
 * keys no longer exist (crypto-shredded) and are listed in the log for a retry by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include <openssl/crypto.h>

#include "admin.h"
#include "flow/audit.h"
#include "files/blobstore.h"
#include "store/db.h"
#include "files/filecrypt.h"
#include "core/log.h"
#include "crypto/masterkey.h"
#include "crypto/secretbox.h"
#include "store/stmt.h"

/* Longest MFA secret box (users.mfa_secret_enc allows 256 bytes). */
#define MFA_BOX_MAX 256
#define HEX_MAX(n) ((n) * 2 + 1)

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

static long long
count_at(const db_rows *res, int c)
{
	return strtoll(db_value(res, 0, c), NULL, 10);
}

/* Purge one project whose retention has passed by now_ts; its blob ids go to *blobs (arena).
 * BGW_OK; BGW_E_NOT_FOUND if it was no longer due (purged meanwhile by another run). */
static bgw_err
purge_rows(bgw_db *db, bgw_arena *a, const char *pid, const char *now_ts, db_rows **blobs)
{
	static const char *const deletes[] = {"ops_purge_documents", "ops_purge_confirmations",
		"ops_purge_notifications", "ops_purge_outbox", "ops_purge_tokens",
		"ops_purge_idempotency", "ops_purge_memberships", "ops_purge_respondent_codes",
		"ops_purge_scrub", NULL};
	const char *lock_params[2] = {pid, now_ts};
	db_rows *res = NULL, *counts = NULL;
	char *detail;
	bgw_err err;

	if ((err = db_begin(db, NULL)) != BGW_OK)
		return err;
	err = db_exec(db, a, "ops_purge_lock", 2, lock_params, &res);
	if (err == BGW_OK && db_nrows(res) != 1)
		err = BGW_E_NOT_FOUND;
	if (err == BGW_OK)
		err = db_exec(db, a, "ops_purge_blobs", 1, &pid, blobs);
	if (err == BGW_OK)
		err = db_exec(db, a, "ops_purge_counts", 1, &pid, &counts);
	for (int i = 0; err == BGW_OK && deletes[i] != NULL; i++)
		err = db_exec(db, a, deletes[i], 1, &pid, NULL);
	if (err == BGW_OK) {
		audit_event ev = {.action = "project.purged", .object_type = "project",
			.object_id = pid};

		detail = bgw_arena_printf(a, "{\"confirmations\":%lld,\"responses\":%lld,"
		    "\"documents\":%lld,\"memberships\":%lld,\"keys_destroyed\":%lld}",
		    count_at(counts, 0), count_at(counts, 1), count_at(counts, 2),
		    count_at(counts, 3), count_at(counts, 2));
		ev.detail_json = detail;
		err = detail == NULL ? BGW_E_NOMEM : audit_append(db, a, &ev, NULL);
	}
	if (err != BGW_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

int
admin_purge(const bgw_config *cfg, int argc, char **argv)
{
	static const char *const opts[] = {"--now", NULL};
	const char *now_ts = option(argc, argv, "--now");
	bgw_db *db;
	bgw_arena *a;
	blobstore *bs = NULL;
	db_rows *due;
	int purged = 0, failed = 0, rc = 1;

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
	if (db_exec(db, a, "ops_purge_due", 1, &now_ts, &due) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not list the projects due (is --now a timestamp?)\n");
		goto out;
	}
	for (int i = 0; i < db_nrows(due); i++) {
		const char *pid = db_value(due, i, 0);
		db_rows *blobs = NULL;
		int gone = 0, left = 0;
		bgw_err err = purge_rows(db, a, pid, now_ts, &blobs);

		if (err == BGW_E_NOT_FOUND)
			continue;
		if (err != BGW_OK) {
			bgw_log(BGW_LOG_ERROR, "could not purge project %s: %s", pid,
			    bgw_err_message(err));
			failed++;
			continue;
		}
		for (int b = 0; b < db_nrows(blobs); b++) {
			bgw_err berr = blobstore_delete(bs, db_value(blobs, b, 0));

			if (berr == BGW_OK || berr == BGW_E_NOT_FOUND) {
				gone++;
			} else {
				bgw_log(BGW_LOG_ERROR, "could not delete blob %s of purged project %s: %s",
				    db_value(blobs, b, 0), pid, bgw_err_message(berr));
				left++;
			}
		}
		printf("purged project %s: %d blobs deleted%s\n", pid, gone,
		    left > 0 ? ", some blobs left (see the log)" : "");
		if (left > 0)
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

static bool
hex_decode(const char *hex, unsigned char *out, size_t cap, size_t *n)
{
	size_t len = strlen(hex);

	if (len % 2 != 0 || len / 2 > cap)
		return false;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (unsigned char)v;
	}
	*n = len / 2;
	return true;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
}

/* Re-wrap one document's file key from its version to (active, new_ver). */
static bgw_err
rewrap_document(const masterkeys *ks, const unsigned char *active, int new_ver, const char *id,
    const char *wrapped_hex, int old_ver, char *out_hex)
{
	unsigned char wrapped[256], file_key[FILECRYPT_KEY_LEN], out[FILECRYPT_WRAPPED_LEN];
	const unsigned char *old = masterkey_get(ks, old_ver);
	size_t n, len;
	bgw_err err;

	if (old == NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot re-wrap document %s: master key version %d is missing",
		    id, old_ver);
		return BGW_E_INTERNAL;
	}
	if (!hex_decode(wrapped_hex, wrapped, sizeof(wrapped), &n))
		return BGW_E_INTERNAL;
	err = filecrypt_unwrap_key(old, old_ver, id, wrapped, n, file_key);
	if (err == BGW_OK)
		err = filecrypt_wrap_key(active, new_ver, id, file_key, out, sizeof(out), &len);
	OPENSSL_cleanse(file_key, sizeof(file_key));
	if (err == BGW_OK)
		hex_encode(out, len, out_hex);
	return err;
}

/* Re-seal one user's MFA secret (aad "mfa-secret:<user id>", as lib/auth/mfa.c seals it). */
static bgw_err
rewrap_mfa(const masterkeys *ks, const unsigned char *active, const char *id,
    const char *box_hex, int old_ver, char *out_hex)
{
	unsigned char box[MFA_BOX_MAX], secret[MFA_BOX_MAX], out[MFA_BOX_MAX];
	const unsigned char *old = masterkey_get(ks, old_ver);
	char aad[96];
	size_t n, slen, len;
	bgw_err err;

	if (old == NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot re-wrap the MFA secret of user %s: master key "
		    "version %d is missing", id, old_ver);
		return BGW_E_INTERNAL;
	}
	if (!hex_decode(box_hex, box, sizeof(box), &n))
		return BGW_E_INTERNAL;
	snprintf(aad, sizeof(aad), "mfa-secret:%s", id);
	err = secretbox_open(old, box, n, aad, secret, sizeof(secret), &slen);
	if (err == BGW_OK)
		err = secretbox_seal(active, secret, slen, aad, out, sizeof(out), &len);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (err == BGW_OK)
		hex_encode(out, len, out_hex);
	return err;
}

enum rewrap_kind { REWRAP_DOCUMENTS, REWRAP_USERS };

/* Re-wrap every row of kind not under new_ver, a batch per transaction.  *done counts the
 * rows re-wrapped.  Any row that does not open stops the run (BGW_E_INTERNAL): looping
 * past it would hide a damaged key. */
static bgw_err
rewrap_all(bgw_db *db, bgw_arena *a, const masterkeys *ks, int new_ver, enum rewrap_kind kind,
    long long *done)
{
	const unsigned char *active = masterkey_get(ks, new_ver);
	char ver[16];
	const char *vp = ver;
	bgw_err err = BGW_OK;

	snprintf(ver, sizeof(ver), "%d", new_ver);
	*done = 0;
	for (;;) {
		db_rows *res;
		int rows;

		if ((err = db_begin(db, NULL)) != BGW_OK)
			return err;
		err = db_exec(db, a, kind == REWRAP_DOCUMENTS ? "ops_rewrap_docs" : "ops_rewrap_users",
		    1, &vp, &res);
		rows = err == BGW_OK ? db_nrows(res) : 0;
		for (int i = 0; err == BGW_OK && i < rows; i++) {
			const char *id = db_value(res, i, 0), *old_ver = db_value(res, i, 2);
			char out_hex[HEX_MAX(MFA_BOX_MAX)];
			const char *p[4] = {id, out_hex, ver, old_ver};

			err = kind == REWRAP_DOCUMENTS ?
			    rewrap_document(ks, active, new_ver, id, db_value(res, i, 1),
			    atoi(old_ver), out_hex) :
			    rewrap_mfa(ks, active, id, db_value(res, i, 1), atoi(old_ver), out_hex);
			if (err != BGW_OK)
				bgw_log(BGW_LOG_ERROR, "could not re-wrap the key of %s %s: %s",
				    kind == REWRAP_DOCUMENTS ? "document" : "user", id,
				    bgw_err_message(err));
			else
				err = db_exec(db, a, kind == REWRAP_DOCUMENTS ? "ops_rewrap_doc" :
				    "ops_rewrap_user", 4, p, NULL);
		}
		if (err != BGW_OK) {
			db_rollback(db);
			return err;
		}
		if ((err = db_commit(db)) != BGW_OK)
			return err;
		*done += rows;
		/* The arena holds one batch's results: release them before the next. */
		bgw_arena_reset(a);
		if (rows == 0)
			return BGW_OK;
	}
}

/* The version to make active: a key file newer than every master_keys row is an earlier
 * rotation interrupted before its row was written, and is used again rather than left as
 * an orphan; otherwise a new key file is written. */
static bgw_err
next_version(const bgw_config *cfg, bgw_db *db, bgw_arena *a, bool rewrap_only, int *version)
{
	masterkeys ks;
	db_rows *res;
	int db_max, file_max = 0;
	bgw_err err;

	if ((err = db_exec(db, a, "ops_mk_max", 0, NULL, &res)) != BGW_OK)
		return err;
	db_max = atoi(db_value(res, 0, 0));
	if ((err = masterkey_load_all(cfg->master_key_file, &ks)) != BGW_OK)
		return err;
	masterkey_active(&ks, &file_max);
	masterkey_wipe(&ks);
	if (rewrap_only || file_max > db_max) {
		*version = file_max;
		return BGW_OK;
	}
	return masterkey_create_next(cfg->master_key_file, version);
}

int
admin_rotate_master_key(const bgw_config *cfg, int argc, char **argv)
{
	static const char *const flags[] = {"--rewrap-only", NULL};
	bool rewrap_only = flag(argc, argv, "--rewrap-only");
	masterkeys ks;
	bgw_db *db;
	bgw_arena *a;
	int version = 0, rc = 1;
	char ver[16], *detail;
	const char *vp = ver;
	long long docs = 0, users = 0;
	bgw_err err;

	memset(&ks, 0, sizeof(ks));
	if (!options_ok(argc, argv, NULL, flags)) {
		fprintf(stderr, "usage: bgw-admin rotate-master-key [--rewrap-only]\n");
		return 2;
	}
	if (open_owner(cfg, &db, &a) != 0)
		goto out;
	if ((err = next_version(cfg, db, a, rewrap_only, &version)) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not make the next master key: %s\n",
		    bgw_err_message(err));
		goto out;
	}
	snprintf(ver, sizeof(ver), "%d", version);
	/* The row first, so a reloaded worker wraps new files with the new key while the
	 * existing ones are re-wrapped. */
	err = db_begin(db, NULL);
	if (err == BGW_OK)
		err = db_exec(db, a, "ops_mk_retire", 1, &vp, NULL);
	if (err == BGW_OK)
		err = db_exec(db, a, "ops_mk_activate", 1, &vp, NULL);
	err = err == BGW_OK ? db_commit(db) : (db_rollback(db), err);
	if (err != BGW_OK) {
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
	err = rewrap_all(db, a, &ks, version, REWRAP_DOCUMENTS, &docs);
	if (err == BGW_OK)
		err = rewrap_all(db, a, &ks, version, REWRAP_USERS, &users);
	printf("re-wrapped: %lld document keys, %lld MFA secrets\n", docs, users);
	if (err != BGW_OK) {
		fprintf(stderr, "bgw-admin: re-wrapping stopped: %s (run again with --rewrap-only "
		    "once fixed)\n", bgw_err_message(err));
		goto out;
	}
	detail = bgw_arena_printf(a, "{\"version\":%d,\"documents\":%lld,\"mfa_secrets\":%lld}",
	    version, docs, users);
	err = db_begin(db, NULL);
	if (err == BGW_OK) {
		audit_event ev = {.action = "master_key.rotated", .object_type = "master_key",
			.object_id = ver, .detail_json = detail};

		err = audit_append(db, a, &ev, NULL);
		err = err == BGW_OK ? db_commit(db) : (db_rollback(db), err);
	}
	if (err != BGW_OK) {
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
	db_rows *res;
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
		err = db_exec(db, a, lock ? "ops_lock" : "ops_unlock", 1, &email, &res);
	if (err == BGW_OK && db_nrows(res) != 1)
		err = BGW_E_NOT_FOUND;
	if (err == BGW_OK) {
		const char *uid = db_value(res, 0, 0);
		audit_event ev = {.action = lock ? "admin.lock" : "admin.unlock",
			.object_type = "user", .object_id = uid};

		/* A locked account loses its sessions at once. */
		if (lock)
			err = db_exec(db, a, "ops_drop_sessions", 1, &uid, NULL);
		if (err == BGW_OK)
			err = audit_append(db, a, &ev, NULL);
	}
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
	static const char *const labels[] = {"projects active", "projects completed",
		"projects purged", "projects due for purge", "confirmations", "responses",
		"documents", "document bytes", "users", "users locked", "sessions live",
		"outbox backlog", "outbox failed", "outbox oldest waiting (s)", "audit events",
		"master key active", "documents under an old master key"};
	int rc = admin_status(cfg, argc, argv);
	struct statvfs vfs;
	blob_usage use;
	blobstore *bs;
	bgw_db *db;
	bgw_arena *a;
	db_rows *res;

	if (open_owner(cfg, &db, &a) == 0 &&
	    db_exec(db, a, "ops_status_counts", 0, NULL, &res) == BGW_OK) {
		for (int c = 0; c < db_ncols(res) && c < (int)(sizeof(labels) / sizeof(*labels)); c++)
			printf("%s: %s\n", labels[c], db_isnull(res, 0, c) ? "none" :
			    db_value(res, 0, c));
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
