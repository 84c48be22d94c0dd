/* account.c - the token-driven account flows. */
#include "auth/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"

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

bgw_err
account_invitation_find(bgw_db *db, bgw_arena *a, const char *token, account_invitation *out)
{
	char hex[TOKEN_HEX_LEN + 1];
	const char *p[1] = {hex};
	db_rows *res;
	bgw_err err = hash_token(token, hex);

	if (err != BGW_OK)
		return err;
	if ((err = db_exec(db, a, "account_invitation", 1, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_VALIDATION;
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
	char hex[TOKEN_HEX_LEN + 1];
	const char *p[1] = {hex};
	db_rows *res;
	bgw_err err = hash_token(token, hex);

	if (err != BGW_OK)
		return err;
	if ((err = db_exec(db, a, "account_reset_use", 1, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_VALIDATION;
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
