/* account.c - the token-driven account flows. */
#include "auth/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth/password.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "auth/token.h"
#include "crypto/kdf.h"
#include "flow/audit.h"
#include "mail/mailq.h"

static bgw_err
hash_token(const char *token, char hex[TOKEN_HEX_LEN + 1])
{
	unsigned char h[TOKEN_HASH_LEN];

	if (token == NULL || strlen(token) != TOKEN_LEN)
		return BGW_E_VALIDATION;
	token_hash(token, h);
	return token_hex(h, sizeof(h), hex, TOKEN_HEX_LEN + 1);
}

static const char *
value_or_null(const db_rows *res, int c)
{
	return db_isnull(res, 0, c) ? NULL : db_value(res, 0, c);
}

/* The one row statement stmt answers for token (looked up by its hash): BGW_E_VALIDATION
 * when there is none (unknown, used or expired). */
static bgw_err
token_row(bgw_db *db, bgw_arena *a, const char *token, const char *stmt, db_rows **res)
{
	char hex[TOKEN_HEX_LEN + 1];
	const char *p[1] = {hex};
	bgw_err err = hash_token(token, hex);

	if (err != BGW_OK)
		return err;
	if ((err = db_exec(db, a, stmt, 1, p, res)) != BGW_OK)
		return err;
	return db_nrows(*res) == 1 ? BGW_OK : BGW_E_VALIDATION;
}

bgw_err
account_invitation_find(bgw_db *db, bgw_arena *a, const char *token, account_invitation *out)
{
	db_rows *res;
	bgw_err err = token_row(db, a, token, "account_invitation", &res);

	if (err != BGW_OK)
		return err;
	out->token_id = db_value(res, 0, 0);
	out->email = db_value(res, 0, 1);
	out->organization_id = db_value(res, 0, 2);
	out->project_id = value_or_null(res, 3);
	out->side = value_or_null(res, 4);
	out->admin = strcmp(db_value(res, 0, 5), "t") == 0;
	out->existing_user_id = value_or_null(res, 6);
	return BGW_OK;
}

bgw_err
account_invitation_journey(bgw_db *db, bgw_arena *a, const account_invitation *inv,
    account_journey *out, bool *found)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "account_invitation_journey", 1, &inv->token_id, &res);

	*found = false;
	if (err != BGW_OK || db_nrows(res) != 1)
		return err;
	out->confirmation_id = db_value(res, 0, 0);
	out->reference = db_value(res, 0, 1);
	out->firm = db_value(res, 0, 2);
	out->client = db_value(res, 0, 3);
	out->due_date = db_value(res, 0, 4);
	out->respondent_name = db_value(res, 0, 5);
	out->locale = db_value(res, 0, 6);
	out->code_locked = strcmp(db_value(res, 0, 7), "t") == 0;
	*found = true;
	return BGW_OK;
}

bgw_err
account_invitation_code(bgw_db *db, bgw_arena *a, const account_invitation *inv,
    const char *code)
{
	const char *p[2] = {inv->token_id, code};
	db_rows *res;
	const char *v;
	bgw_err err = db_exec(db, a, "account_invitation_code", 2, p, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1 || db_isnull(res, 0, 0))
		return BGW_E_VALIDATION;
	v = db_value(res, 0, 0);
	return strcmp(v, "ok") == 0 ? BGW_OK : strcmp(v, "locked") == 0 ? BGW_E_LOCKED :
	    BGW_E_WRONG_CODE;
}

bgw_err
account_set_locale(bgw_db *db, bgw_arena *a, const char *user_id, const char *locale)
{
	const char *p[2] = {user_id, locale};

	return db_exec(db, a, "account_user_locale", 2, p, NULL);
}

bgw_err
account_invitation_accept(bgw_db *db, bgw_arena *a, const account_invitation *inv,
    const char *name, const char *password_hash, const char **user_id)
{
	bgw_err err;

	if (inv->existing_user_id != NULL) {
		*user_id = inv->existing_user_id;
	} else {
		const char *p[4] = {inv->organization_id, inv->email, name, password_hash};
		db_rows *res;

		if ((err = db_exec(db, a, "account_user_insert", 4, p, &res)) != BGW_OK)
			return err;
		*user_id = db_value(res, 0, 0);
	}
	/* Row-level security lets a user add only its own membership, and only as the
	 * invitation says: bind the transaction to the new member first. */
	if ((err = db_exec(db, a, "db_set_user", 1, user_id, NULL)) != BGW_OK)
		return err;
	if (inv->project_id != NULL) {
		const char *p[5] = {inv->project_id, *user_id, inv->side, inv->admin ? "true" : "false",
			inv->organization_id};

		if ((err = db_exec(db, a, "account_membership_insert", 5, p, NULL)) != BGW_OK)
			return err;
	}
	return db_exec(db, a, "account_token_use", 1, &inv->token_id, NULL);
}

bgw_err
account_reset_create(bgw_db *db, bgw_arena *a, const char *user_id, char *token)
{
	unsigned char h[TOKEN_HASH_LEN];
	char hex[TOKEN_HEX_LEN + 1], ttl[16];
	const char *p[3] = {hex, user_id, ttl};
	bgw_err err = token_new(token, TOKEN_LEN + 1);

	if (err != BGW_OK)
		return err;
	token_hash(token, h);
	if ((err = token_hex(h, sizeof(h), hex, sizeof(hex))) != BGW_OK)
		return err;
	snprintf(ttl, sizeof(ttl), "%d", RESET_TTL_S);
	if ((err = db_exec(db, a, "account_reset_expire_old", 1, &user_id, NULL)) != BGW_OK)
		return err;
	return db_exec(db, a, "account_reset_insert", 3, p, NULL);
}

bgw_err
account_reset_claim(bgw_db *db, bgw_arena *a, const char *token, const char **user_id)
{
	db_rows *res;
	bgw_err err = token_row(db, a, token, "account_reset_use", &res);

	if (err != BGW_OK)
		return err;
	*user_id = db_value(res, 0, 0);
	return BGW_OK;
}

bgw_err
account_set_password(bgw_db *db, bgw_arena *a, const char *user_id, const char *password_hash)
{
	const char *p[2] = {user_id, password_hash};
	db_rows *res;
	bgw_err err = db_exec(db, a, "account_set_password", 2, p, &res);

	if (err != BGW_OK)
		return err;
	return db_nrows(res) == 1 ? BGW_OK : BGW_E_NOT_FOUND;
}

static bool
flag(const db_rows *res, int c)
{
	return !db_isnull(res, 0, c) && strcmp(db_value(res, 0, c), "t") == 0;
}

bgw_err
account_delete_facts(bgw_db *db, bgw_arena *a, const char *user_id, policy_account_facts *out)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "account_delete_facts", 1, &user_id, &res);

	memset(out, 0, sizeof(*out));
	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INTERNAL;
	out->found = flag(res, 0);
	out->self = flag(res, 1);
	out->same_org = flag(res, 2);
	out->admin = flag(res, 3);
	out->last_admin = flag(res, 4);
	return BGW_OK;
}

bgw_err
account_delete(bgw_db *db, bgw_arena *a, const char *user_id, int *memberships)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "account_delete", 1, &user_id, &res);

	*memberships = 0;
	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INTERNAL;
	*memberships = atoi(db_value(res, 0, 0));
	return BGW_OK;
}

/* --- use cases ------------------------------------------------------------------------- */

/* A new password's hash into hash (KDF_STORED_MAX bytes), or field named in *errors. */
static bgw_err
hash_new(const auth_env *env, bgw_arena *a, const char *field, const char *pw, char *hash,
    bgw_kv **errors)
{
	const char *reason = NULL;
	bgw_err err = password_hash_new(env->lock_dir, env->passwords, pw, hash, &reason);

	return err == BGW_E_VALIDATION ? auth_refuse(a, errors, field, reason) : err;
}

bgw_err
account_accept_invitation(bgw_db *db, bgw_arena *a, const auth_env *env,
    const auth_caller *who, const account_accept_in *in, bgw_user *user, bgw_kv **errors)
{
	char hash[KDF_STORED_MAX];
	account_invitation inv;
	const char *user_id;
	bgw_err err = account_invitation_find(db, a, in->token, &inv);

	if (err != BGW_OK)
		return err == BGW_E_VALIDATION ?
		    auth_refuse(a, errors, "token", "invalid_or_expired") : err;
	/* A new account needs a password; an existing one keeps its own. */
	hash[0] = '\0';
	if (inv.existing_user_id == NULL) {
		if (in->password == NULL)
			return auth_refuse(a, errors, "password", "required");
		if ((err = hash_new(env, a, "password", in->password, hash, errors)) != BGW_OK)
			return err;
	}
	err = account_invitation_accept(db, a, &inv, in->name, hash, &user_id);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (err == BGW_OK)
		err = user_record(db, a, inv.project_id, user_id, "invitation.accept", who->ip,
		    NULL);
	return err == BGW_OK ? user_by_id(db, a, user_id, user) : err;
}

bgw_err
account_reset_admit(bgw_db *db, bgw_arena *a, const auth_caller *who)
{
	bgw_err err;

	if (who->ip == NULL)
		return BGW_OK;
	if ((err = throttle_check(db, a, &THROTTLE_RESET_ADDRESS, who->ip)) != BGW_OK)
		return err;
	return throttle_fail(db, a, &THROTTLE_RESET_ADDRESS, who->ip);
}

/* The mail of a reset token: name, link and when it ends, in u's language. */
static bgw_err
reset_mail(bgw_db *db, bgw_arena *a, const auth_env *env, const bgw_user *u, const char *token)
{
	const char *expires = strcmp(u->locale, "ja") == 0 ? "30分後" : "in 30 minutes";
	char *link = bgw_arena_printf(a, "%s/password-reset?token=%s", env->base_url, token);
	char *key = bgw_arena_printf(a, "password_reset:%s", token);
	bgw_kv *vars = NULL, **tail = &vars;
	bgw_err err;

	if (link == NULL || key == NULL)
		return BGW_E_NOMEM;
	err = kv_append(a, &tail, "name", u->name, strlen(u->name));
	if (err == BGW_OK)
		err = kv_append(a, &tail, "link", link, strlen(link));
	if (err == BGW_OK)
		err = kv_append(a, &tail, "expires", expires, strlen(expires));
	if (err == BGW_OK)
		err = mailq_send(db, a, "password_reset", u->locale, u->email, key, NULL, vars);
	return err;
}

bgw_err
account_request_reset(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const char *email)
{
	char token[TOKEN_LEN + 1];
	bgw_user u;
	bgw_err err = user_by_email(db, a, email, &u);

	if (err == BGW_E_NOT_FOUND)
		return BGW_OK;
	if (err != BGW_OK)
		return err;
	err = account_reset_create(db, a, u.id, token);
	if (err == BGW_OK)
		err = reset_mail(db, a, env, &u, token);
	if (err == BGW_OK)
		err = user_record(db, a, NULL, u.id, "password.reset_requested", who->ip, NULL);
	OPENSSL_cleanse(token, sizeof(token));
	return err;
}

/* Store hash as user_id's password, end its sessions but keep_id's, and record action. */
static bgw_err
password_replace(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *user_id,
    char *hash, const char *keep_id, const char *action)
{
	bgw_err err = account_set_password(db, a, user_id, hash);

	OPENSSL_cleanse(hash, KDF_STORED_MAX);
	/* Whoever had the old password is out. */
	if (err == BGW_OK)
		err = session_destroy_user(db, a, user_id, keep_id);
	if (err == BGW_OK)
		err = user_record(db, a, NULL, user_id, action, who->ip, NULL);
	return err;
}

bgw_err
account_complete_reset(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const account_reset_in *in, bgw_kv **errors)
{
	char hash[KDF_STORED_MAX];
	const char *user_id;
	bgw_err err = account_reset_claim(db, a, in->token, &user_id);

	if (err == BGW_E_VALIDATION)
		return auth_refuse(a, errors, "token", "invalid_or_expired");
	if (err != BGW_OK)
		return err;
	if ((err = hash_new(env, a, "password", in->password, hash, errors)) != BGW_OK)
		return err;
	return password_replace(db, a, who, user_id, hash, NULL, "password.reset");
}

bgw_err
account_change_password(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const account_password_in *in, bgw_kv **errors)
{
	char hash[KDF_STORED_MAX];
	bool ok;
	bgw_err err = password_verify(env->lock_dir, in->current, who->user->password_hash, &ok);

	if (err != BGW_OK)
		return err;
	if (!ok)
		return auth_refuse(a, errors, "current_password", "wrong");
	if ((err = hash_new(env, a, "new_password", in->fresh, hash, errors)) != BGW_OK)
		return err;
	return password_replace(db, a, who, who->user->id, hash, who->session_id,
	    "password.change");
}

static bgw_err
set_lock(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *user_id, bool lock)
{
	audit_event ev = {.actor_id = who->user->id, .action = lock ? "operator.lock" :
		"operator.unlock", .object_type = "user", .object_id = user_id, .ip = who->ip};
	db_rows *res;
	bgw_err err = db_exec(db, a, lock ? "operator_lock" : "operator_unlock", 1, &user_id,
	    &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	/* A locked account loses its sessions at once. */
	if (lock && (err = session_destroy_user(db, a, user_id, NULL)) != BGW_OK)
		return err;
	return audit_append(db, a, &ev, NULL);
}

bgw_err
account_lock(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *user_id)
{
	return set_lock(db, a, who, user_id, true);
}

bgw_err
account_unlock(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *user_id)
{
	return set_lock(db, a, who, user_id, false);
}
