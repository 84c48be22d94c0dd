/* rekey.c - master key rotation (rekey.h). */
#include "files/rekey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/log.h"
#include "crypto/secretbox.h"
#include "files/filecrypt.h"
#include "flow/audit.h"

/* Longest MFA secret box (users.mfa_secret_enc allows 256 bytes). */
#define MFA_BOX_MAX 256
#define HEX_MAX(n) ((n) * 2 + 1)

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

/* Re-wrap every row of kind not under new_ver, a batch per transaction (rekey_rewrap). */
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
			int old = (int)db_int(res, i, 2);
			char out_hex[HEX_MAX(MFA_BOX_MAX)];
			const char *p[4] = {id, out_hex, ver, old_ver};

			err = kind == REWRAP_DOCUMENTS ?
			    rewrap_document(ks, active, new_ver, id, db_value(res, i, 1),
			    old, out_hex) :
			    rewrap_mfa(ks, active, id, db_value(res, i, 1), old, out_hex);
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

bgw_err
rekey_next_version(bgw_db *db, bgw_arena *a, const char *key_file, bool rewrap_only,
    int *version)
{
	masterkeys ks;
	db_rows *res;
	int db_max, file_max = 0;
	bgw_err err;

	if ((err = db_exec(db, a, "ops_mk_max", 0, NULL, &res)) != BGW_OK)
		return err;
	db_max = (int)db_int(res, 0, 0);
	if ((err = masterkey_load_all(key_file, &ks)) != BGW_OK)
		return err;
	masterkey_active(&ks, &file_max);
	masterkey_wipe(&ks);
	if (rewrap_only || file_max > db_max) {
		*version = file_max;
		return BGW_OK;
	}
	return masterkey_create_next(key_file, version);
}

bgw_err
rekey_activate(bgw_db *db, bgw_arena *a, int version)
{
	char ver[16];
	const char *vp = ver;
	bgw_err err;

	snprintf(ver, sizeof(ver), "%d", version);
	err = db_begin(db, NULL);
	if (err == BGW_OK)
		err = db_exec(db, a, "ops_mk_retire", 1, &vp, NULL);
	if (err == BGW_OK)
		err = db_exec(db, a, "ops_mk_activate", 1, &vp, NULL);
	return err == BGW_OK ? db_commit(db) : (db_rollback(db), err);
}

bgw_err
rekey_rewrap(bgw_db *db, bgw_arena *a, const masterkeys *ks, int version, long long *docs,
    long long *users)
{
	bgw_err err = rewrap_all(db, a, ks, version, REWRAP_DOCUMENTS, docs);

	*users = 0;
	if (err == BGW_OK)
		err = rewrap_all(db, a, ks, version, REWRAP_USERS, users);
	return err;
}

bgw_err
rekey_record(bgw_db *db, bgw_arena *a, int version, long long docs, long long users)
{
	char ver[16];
	audit_event ev = {.action = "master_key.rotated", .object_type = "master_key",
		.object_id = ver};
	bgw_err err;

	snprintf(ver, sizeof(ver), "%d", version);
	ev.detail_json = bgw_arena_printf(a, "{\"version\":%d,\"documents\":%lld,"
	    "\"mfa_secrets\":%lld}", version, docs, users);
	if (ev.detail_json == NULL)
		return BGW_E_NOMEM;
	if ((err = db_begin(db, NULL)) != BGW_OK)
		return err;
	err = audit_append(db, a, &ev, NULL);
	return err == BGW_OK ? db_commit(db) : (db_rollback(db), err);
}
