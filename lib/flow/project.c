/* project.c - projects, first-access codes and memberships over the tables of 0002. */
#include "flow/project.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "http/jsonout.h"
#include "auth/token.h"

/* The labels keep a respondent code from ever hashing like a project code; migration 0019's
 * access_code_hash computes the same hashes in the database, where they are checked. */
#define CODE_LABEL "bgw-project-code-v1"
#define RESPONDENT_CODE_LABEL "bgw-respondent-code-v1"

/* Codes are compared without dashes, spaces or case, salted by the project id. */
static void
code_hash_hex(const char *label, const char *project_id, const char *code,
    char hex[TOKEN_HEX_LEN + 1])
{
	unsigned char h[TOKEN_HASH_LEN];
	unsigned int len = sizeof(h);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, label, strlen(label) + 1);
	EVP_DigestUpdate(ctx, project_id, strlen(project_id) + 1);
	for (const char *p = code; *p != '\0'; p++) {
		if (isalnum((unsigned char)*p)) {
			char c = (char)toupper((unsigned char)*p);

			EVP_DigestUpdate(ctx, &c, 1);
		}
	}
	EVP_DigestFinal_ex(ctx, h, &len);
	EVP_MD_CTX_free(ctx);
	token_hex(h, sizeof(h), hex, TOKEN_HEX_LEN + 1);
}

static bgw_err
new_code(const char *label, const char *project_id, char *display, char hex[TOKEN_HEX_LEN + 1])
{
	char raw[PROJECT_CODE_LEN + 1];
	bgw_err err = code_new(raw, sizeof(raw), PROJECT_CODE_LEN);

	if (err != BGW_OK)
		return err;
	snprintf(display, PROJECT_CODE_DISPLAY_LEN + 1, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
	code_hash_hex(label, project_id, raw, hex);
	OPENSSL_cleanse(raw, sizeof(raw));
	return BGW_OK;
}

bgw_err
project_create(bgw_db *db, bgw_arena *a, const project_new *p, const char **id, char *code)
{
	char hex[TOKEN_HEX_LEN + 1], retention[24];
	const char *client_org;
	db_rows *res;
	bgw_err err;

	/* The new row is invisible to its creator until the membership exists (row-level
	 * security), so the id is taken first instead of RETURNING it. */
	if ((err = db_exec(db, a, "project_new_id", 0, NULL, &res)) != BGW_OK)
		return err;
	*id = db_value(res, 0, 0);
	if ((err = db_exec(db, a, "project_client_insert", 1, &p->client_name, &res)) != BGW_OK)
		return err;
	client_org = db_value(res, 0, 0);
	if ((err = new_code(CODE_LABEL, *id, code, hex)) != BGW_OK)
		return err;
	snprintf(retention, sizeof(retention), "%lld", p->retention_days);
	{
		const char *params[9] = {*id, p->name, p->client_name, client_org, p->firm_id,
			p->period_end, retention, hex, p->creator_id};

		if ((err = db_exec(db, a, "project_insert", 9, params, NULL)) != BGW_OK)
			return err;
	}
	{
		const char *params[2] = {*id, p->creator_id};

		if ((err = db_exec(db, a, "project_creator_member", 2, params, NULL)) != BGW_OK)
			return err;
	}
	/* The creator is the one shown the code: it passes the one check there is (no
	 * membership is ever inserted verified), which also proves that the database hashes
	 * the new code as this file does. */
	err = project_code_check(db, a, *id, code);
	return err == BGW_OK ? BGW_OK : BGW_E_INTERNAL;
}

bgw_err
project_code_regenerate(bgw_db *db, bgw_arena *a, const char *project_id, char *code)
{
	char hex[TOKEN_HEX_LEN + 1];
	const char *params[2] = {project_id, hex};
	bgw_err err = new_code(CODE_LABEL, project_id, code, hex);

	return err == BGW_OK ? db_exec(db, a, "project_set_code", 2, params, NULL) : err;
}

bgw_err
project_code_check(bgw_db *db, bgw_arena *a, const char *project_id, const char *code)
{
	const char *params[2] = {project_id, code};
	db_rows *res;
	const char *v;
	bgw_err err = db_exec(db, a, "project_code_check", 2, params, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1 || db_isnull(res, 0, 0))
		return BGW_E_NOT_FOUND;
	v = db_value(res, 0, 0);
	return strcmp(v, "ok") == 0 ? BGW_OK : strcmp(v, "locked") == 0 ? BGW_E_LOCKED :
	    BGW_E_WRONG_CODE;
}

bgw_err
project_respcode_current(bgw_db *db, bgw_arena *a, const char *project_id, const char *org_id,
    const char **channel)
{
	const char *params[2] = {project_id, org_id};
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_respcode_current", 2, params, &res);

	if (err != BGW_OK)
		return err;
	*channel = db_nrows(res) == 1 ? db_value(res, 0, 1) : NULL;
	return BGW_OK;
}

bgw_err
project_respcode_issue(bgw_db *db, bgw_arena *a, const project_respcode *rc, const char **id,
    char *code)
{
	char hex[TOKEN_HEX_LEN + 1];
	const char *params[5] = {rc->project_id, rc->org_id, rc->confirmation_id, hex, rc->channel};
	db_rows *res;
	bgw_err err;

	/* The old code stops working in the same transaction as the new one is recorded. */
	if ((err = db_exec(db, a, "project_respcode_replace", 2, params, NULL)) != BGW_OK)
		return err;
	if ((err = new_code(RESPONDENT_CODE_LABEL, rc->project_id, code, hex)) != BGW_OK)
		return err;
	if ((err = db_exec(db, a, "project_respcode_insert", 5, params, &res)) != BGW_OK) {
		OPENSSL_cleanse(code, PROJECT_CODE_DISPLAY_LEN + 1);
		return err;
	}
	*id = db_value(res, 0, 0);
	return BGW_OK;
}

static const char *
value_or_null(const db_rows *res, int r, int c)
{
	return db_isnull(res, r, c) ? NULL : db_value(res, r, c);
}

static bool
is_true(const db_rows *res, int r, int c)
{
	return strcmp(db_value(res, r, c), "t") == 0;
}

bgw_err
project_list(bgw_db *db, bgw_arena *a, long long page, long long per_page, json_t **out)
{
	char limit[24], offset[24];
	const char *params[2] = {limit, offset};
	db_rows *res;
	json_t *items, *body;
	bgw_err err;
	int n;

	snprintf(limit, sizeof(limit), "%lld", per_page);
	snprintf(offset, sizeof(offset), "%lld", (page - 1) * per_page);
	if ((err = db_exec(db, a, "project_list", 2, params, &res)) != BGW_OK)
		return err;
	n = db_nrows(res);
	items = json_array();
	body = jsonout_own(a, json_pack("{s:o, s:I}", "items", items,
	    "total", (json_int_t)(n > 0 ? atoll(db_value(res, 0, 8)) : 0)));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int r = 0; r < n; r++) {
		/* Until the code is entered and required MFA set up, the user sees only what it
		 * needs to enter the code: which audit firm asks; not the project or client. */
		bool open = is_true(res, r, 7) && !is_true(res, r, 9);
		json_t *item = json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:s, s:b, s:b, s:b, s:s}",
		    "id", db_value(res, r, 0), "name", open ? db_value(res, r, 1) : NULL,
		    "client_name", open ? db_value(res, r, 2) : NULL,
		    "period_end", open ? db_value(res, r, 3) : NULL,
		    "status", db_value(res, r, 4), "side", db_value(res, r, 5),
		    "admin", is_true(res, r, 6), "code_entered", is_true(res, r, 7),
		    "mfa_setup_required", is_true(res, r, 9), "audit_firm", db_value(res, r, 10));

		if (item == NULL || json_array_append_new(items, item) != 0)
			return BGW_E_NOMEM;
	}
	*out = body;
	return BGW_OK;
}

bgw_err
project_get(bgw_db *db, bgw_arena *a, const char *project_id, json_t **out)
{
	db_rows *res, *counts;
	json_t *body, *by_status;
	bgw_err err;

	if ((err = db_exec(db, a, "project_get", 1, &project_id, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	if ((err = db_exec(db, a, "project_counts_kept", 1, &project_id, &counts)) != BGW_OK)
		return err;
	/* No kept count: a respondent, or no confirmation yet (then counting is free). */
	if (db_nrows(counts) == 0 &&
	    (err = db_exec(db, a, "project_counts", 1, &project_id, &counts)) != BGW_OK)
		return err;
	by_status = json_object();
	body = jsonout_own(a, json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:{s:o?, s:o?, s:o?}, "
	    "s:o?, s:o}}", "project",
	    "id", db_value(res, 0, 0), "name", db_value(res, 0, 1),
	    "client_name", db_value(res, 0, 2), "period_end", db_value(res, 0, 3),
	    "status", db_value(res, 0, 4), "retention_days", (json_int_t)atoll(db_value(res, 0, 5)),
	    "mfa_required", is_true(res, 0, 6), "reminders",
	    "days_before", db_isnull(res, 0, 7) ? NULL : json_integer(atoll(db_value(res, 0, 7))),
	    "days_after", db_isnull(res, 0, 8) ? NULL : json_integer(atoll(db_value(res, 0, 8))),
	    "every_days", db_isnull(res, 0, 9) ? NULL : json_integer(atoll(db_value(res, 0, 9))),
	    "completed_at", db_isnull(res, 0, 10) ? NULL : json_string(db_value(res, 0, 10)),
	    "counts", by_status));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int r = 0; r < db_nrows(counts); r++)
		if (json_object_set_new(by_status, db_value(counts, r, 0),
		    json_integer(atoll(db_value(counts, r, 1)))) != 0)
			return BGW_E_NOMEM;
	*out = body;
	return BGW_OK;
}

bgw_err
project_settings(bgw_db *db, bgw_arena *a, const char *project_id, const char *mfa_required,
    const char *retention_days)
{
	const char *params[3] = {project_id, mfa_required, retention_days};
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_settings", 3, params, &res);

	if (err != BGW_OK)
		return err;
	return db_nrows(res) == 1 ? BGW_OK : BGW_E_INVALID_STATE;
}

bgw_err
project_complete(bgw_db *db, bgw_arena *a, const char *project_id)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_complete", 1, &project_id, &res);

	if (err != BGW_OK)
		return err;
	return db_nrows(res) == 1 ? BGW_OK : BGW_E_INVALID_STATE;
}

bgw_err
project_members(bgw_db *db, bgw_arena *a, const char *project_id, json_t **out)
{
	db_rows *res;
	json_t *items, *body;
	bgw_err err = db_exec(db, a, "project_members", 1, &project_id, &res);
	int n;

	if (err != BGW_OK)
		return err;
	n = db_nrows(res);
	items = json_array();
	body = jsonout_own(a, json_pack("{s:o, s:i}", "items", items, "total", n));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int r = 0; r < n; r++) {
		json_t *item = json_pack("{s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:s, s:b, s:b}",
		    "user", "id", db_value(res, r, 0), "email", db_value(res, r, 1),
		    "name", db_value(res, r, 2), "organization", "id", db_value(res, r, 3),
		    "name", db_value(res, r, 4), "side", db_value(res, r, 5),
		    "admin", is_true(res, r, 6), "locked", is_true(res, r, 7));

		if (item == NULL || json_array_append_new(items, item) != 0)
			return BGW_E_NOMEM;
	}
	*out = body;
	return BGW_OK;
}

bgw_err
project_member_get(bgw_db *db, bgw_arena *a, const char *project_id, const char *user_id,
    const char **side, const char **org_id)
{
	const char *params[2] = {project_id, user_id};
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_member_get", 2, params, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	*side = db_value(res, 0, 0);
	*org_id = value_or_null(res, 0, 1);
	return BGW_OK;
}

bgw_err
project_member_remove(bgw_db *db, bgw_arena *a, const char *project_id, const char *user_id)
{
	const char *params[2] = {project_id, user_id};
	db_rows *res;
	bgw_err err;

	if ((err = db_exec(db, a, "project_audit_admins", 2, params, &res)) != BGW_OK)
		return err;
	if (atoll(db_value(res, 0, 0)) == 0) {
		const char *side, *org;

		/* Removing the last audit admin would leave nobody to run the project. */
		err = project_member_get(db, a, project_id, user_id, &side, &org);
		if (err == BGW_OK && strcmp(side, "audit") == 0)
			return BGW_E_INVALID_STATE;
	}
	if ((err = db_exec(db, a, "project_member_remove", 2, params, &res)) != BGW_OK)
		return err;
	return db_nrows(res) == 1 ? BGW_OK : BGW_E_NOT_FOUND;
}

bgw_err
project_member_unlock(bgw_db *db, bgw_arena *a, const char *project_id, const char *user_id)
{
	const char *params[2] = {project_id, user_id};
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_member_unlock", 2, params, &res);

	if (err != BGW_OK)
		return err;
	return db_nrows(res) == 1 && is_true(res, 0, 0) ? BGW_OK : BGW_E_NOT_FOUND;
}

bgw_err
project_facts_get(bgw_db *db, bgw_arena *a, const char *project_id, project_facts *out)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_facts", 1, &project_id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	out->name = db_value(res, 0, 0);
	out->client_name = db_value(res, 0, 1);
	out->client_org_id = db_value(res, 0, 2);
	out->firm_id = db_value(res, 0, 3);
	out->firm_name = db_value(res, 0, 4);
	return BGW_OK;
}

bgw_err
project_has_respondent(bgw_db *db, bgw_arena *a, const char *project_id, const char *org_id,
    bool *yes)
{
	const char *params[2] = {project_id, org_id};
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_has_respondent", 2, params, &res);

	if (err == BGW_OK)
		*yes = db_nrows(res) == 1;
	return err;
}
