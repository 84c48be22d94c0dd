/* project.c - projects, first-access codes and memberships over the tables of 0002. */
#include "flow/project.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth/invite.h"
#include "auth/token.h"
#include "flow/audit.h"
#include "http/fields.h"
#include "http/jsonout.h"
#include "mail/mailq.h"

/* Invitations go out in Japanese, the first language of the service (INVITE_TTL_S). */
#define INVITE_EXPIRES_JA "7日後"
#define INVITE_EXPIRES_EN "in 7 days"

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

/* The event of who's action on the project. */
static bgw_err
log_project(bgw_db *db, bgw_arena *a, const project_actor *who, const char *project_id,
    const char *action, const char *otype, const char *oid)
{
	audit_event ev = {.project_id = project_id, .actor_id = who->user_id, .action = action,
		.object_type = otype, .object_id = oid, .ip = who->ip};

	return audit_append(db, a, &ev, NULL);
}

static bool
retention_ok(long long days)
{
	return days >= 1 && days <= PROJECT_RETENTION_MAX_DAYS;
}

/* The rows of a new project (project_create without the checks and the log). */
static bgw_err
insert_project(bgw_db *db, bgw_arena *a, const project_actor *who, const project_new *p,
    long long retention_days, const char **id, char *code)
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
	snprintf(retention, sizeof(retention), "%lld", retention_days);
	{
		const char *params[9] = {*id, p->name, p->client_name, client_org, who->org_id,
			p->period_end, retention, hex, who->user_id};

		if ((err = db_exec(db, a, "project_insert", 9, params, NULL)) != BGW_OK)
			return err;
	}
	{
		const char *params[2] = {*id, who->user_id};

		if ((err = db_exec(db, a, "project_creator_member", 2, params, NULL)) != BGW_OK)
			return err;
	}
	/* The creator is the one shown the code: it passes the one check there is (no
	 * membership is ever inserted verified), which also proves that the database hashes
	 * the new code as this file does. */
	err = project_code_check(db, a, *id, code);
	/* A verdict other than ok is a bug (the hashes disagree); a connection lost here is
	 * still a 503 the client may retry (seen in the failover drill as a 500). */
	if (err == BGW_E_NOT_FOUND || err == BGW_E_WRONG_CODE || err == BGW_E_LOCKED)
		return BGW_E_INTERNAL;
	return err;
}

bgw_err
project_create(bgw_db *db, bgw_arena *a, const project_actor *who, const project_new *in,
    project_created *out, bgw_kv **errors)
{
	long long days = in->has_retention ? in->retention_days : PROJECT_RETENTION_DEFAULT_DAYS;
	bgw_err err;

	*errors = NULL;
	out->code[0] = '\0';
	if (!retention_ok(days))
		return fields_error(a, errors, "retention_days", "out_of_range");
	err = insert_project(db, a, who, in, days, &out->id, out->code);
	if (err == BGW_OK)
		err = log_project(db, a, who, out->id, "project.create", "project", out->id);
	if (err != BGW_OK)
		OPENSSL_cleanse(out->code, sizeof(out->code));
	return err;
}

bgw_err
project_code_regenerate(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, char *code)
{
	char hex[TOKEN_HEX_LEN + 1];
	const char *params[2] = {project_id, hex};
	bgw_err err = new_code(CODE_LABEL, project_id, code, hex);

	if (err == BGW_OK)
		err = db_exec(db, a, "project_set_code", 2, params, NULL);
	if (err == BGW_OK)
		err = log_project(db, a, who, project_id, "project.code_regenerate", "project",
		    project_id);
	if (err != BGW_OK)
		OPENSSL_cleanse(code, PROJECT_CODE_DISPLAY_LEN + 1);
	return err;
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
project_access(bgw_db *db, bgw_arena *a, const project_actor *who, const char *project_id,
    const char *code)
{
	bgw_err err = project_code_check(db, a, project_id, code);
	/* A wrong code is logged as well as counted, though the answer is an error. */
	bgw_err logged = log_project(db, a, who, project_id, err == BGW_OK ? "project.code_ok" :
	    err == BGW_E_LOCKED ? "project.code_locked" : "project.code_wrong", "project",
	    project_id);

	return err == BGW_OK ? logged : err;
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

static bgw_err
store_settings(bgw_db *db, bgw_arena *a, const char *project_id, const char *mfa_required,
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
project_update(bgw_db *db, bgw_arena *a, const project_actor *who, const char *project_id,
    const project_update_in *in, bgw_kv **errors)
{
	char days[24];
	bgw_err err;

	*errors = NULL;
	if (in->has_retention && !retention_ok(in->retention_days))
		return fields_error(a, errors, "retention_days", "out_of_range");
	/* Requiring MFA of everyone starts with oneself: else the admin locks itself out. */
	if (in->has_mfa_required && in->mfa_required && !who->mfa_enabled)
		return fields_error(a, errors, "mfa_required", "enable_your_own_mfa_first");
	snprintf(days, sizeof(days), "%lld", in->retention_days);
	err = store_settings(db, a, project_id, in->has_mfa_required ?
	    (in->mfa_required ? "true" : "false") : NULL, in->has_retention ? days : NULL);
	return err == BGW_OK ? log_project(db, a, who, project_id, "project.settings", "project",
	    project_id) : err;
}

bgw_err
project_complete(bgw_db *db, bgw_arena *a, const project_actor *who, const char *project_id)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_complete", 1, &project_id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INVALID_STATE;
	return log_project(db, a, who, project_id, "project.complete", "project", project_id);
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

static enum policy_side
side_named(const char *s)
{
	return strcmp(s, "audit") == 0 ? SIDE_AUDIT : strcmp(s, "client") == 0 ? SIDE_CLIENT :
	    strcmp(s, "respondent") == 0 ? SIDE_RESPONDENT : SIDE_NONE;
}

/* May who add or remove a member of side (of organisation org_id, NULL: none)? */
static bool
may_manage(const project_actor *who, const char *side, const char *org_id)
{
	return policy_may_manage(who->side, who->admin, side_named(side), org_id != NULL &&
	    who->member_org_id != NULL && strcmp(org_id, who->member_org_id) == 0);
}

/* The organisation a new member of side joins: fixed for audit and client; for a
 * respondent, the admin's own, or one the audit team names from the project. */
static bgw_err
member_org(bgw_db *db, bgw_arena *a, const project_actor *who, const char *project_id,
    const project_facts *pf, const project_member_add_in *in, const char **org,
    bgw_kv **errors)
{
	bool known;
	bgw_err err;

	if (strcmp(in->side, "audit") == 0) {
		*org = pf->firm_id;
		return BGW_OK;
	}
	if (strcmp(in->side, "client") == 0) {
		*org = pf->client_org_id;
		return BGW_OK;
	}
	if (who->side == SIDE_RESPONDENT) {
		*org = who->member_org_id;
		return BGW_OK;
	}
	if (in->organization == NULL)
		return fields_error(a, errors, "organization", "required");
	if ((err = project_has_respondent(db, a, project_id, in->organization, &known)) != BGW_OK)
		return err;
	if (!known)
		return fields_error(a, errors, "organization", "not_a_respondent_of_this_project");
	*org = in->organization;
	return BGW_OK;
}

/* The language of an invitation: a respondent organisation's colleague reads what its
 * addressee was written in (the latest confirmation to it in this project); the audit
 * and client sides Japanese. */
static bgw_err
invitation_locale(bgw_db *db, bgw_arena *a, const char *project_id, const char *side,
    const char *org_id, const char **locale)
{
	const char *p[2] = {project_id, org_id};
	db_rows *res;
	bgw_err err;

	*locale = "ja";
	if (strcmp(side, "respondent") != 0)
		return BGW_OK;
	if ((err = db_exec(db, a, "project_respondent_locale", 2, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) == 1)
		*locale = db_value(res, 0, 0);
	return BGW_OK;
}

/* Mail the invitation with token to in->email (outbox, in this transaction). */
static bgw_err
mail_invitation(bgw_db *db, bgw_arena *a, const char *project_id, const project_facts *pf,
    const project_member_add_in *in, const char *org_id, const char *token)
{
	bgw_kv *vars = NULL, **tail = &vars;
	const char *link = invite_link(a, in->base_url, token);
	const char *key = bgw_arena_printf(a, "invitation:%s", token);
	const char *locale, *expires;
	bgw_err err;

	if (link == NULL || key == NULL)
		return BGW_E_NOMEM;
	if ((err = invitation_locale(db, a, project_id, in->side, org_id, &locale)) != BGW_OK)
		return err;
	expires = strcmp(locale, "en") == 0 ? INVITE_EXPIRES_EN : INVITE_EXPIRES_JA;
	if ((err = kv_append(a, &tail, "firm", pf->firm_name, strlen(pf->firm_name))) != BGW_OK ||
	    (err = kv_append(a, &tail, "project", pf->name, strlen(pf->name))) != BGW_OK ||
	    (err = kv_append(a, &tail, "client", pf->client_name, strlen(pf->client_name))) != BGW_OK ||
	    (err = kv_append(a, &tail, "name", in->email, strlen(in->email))) != BGW_OK ||
	    (err = kv_append(a, &tail, "link", link, strlen(link))) != BGW_OK ||
	    (err = kv_append(a, &tail, "expires", expires, strlen(expires))) != BGW_OK)
		return err;
	return mailq_send(db, a, "invitation", locale, in->email, key, project_id, vars);
}

bgw_err
project_member_add(bgw_db *db, bgw_arena *a, const project_actor *who, const char *project_id,
    const project_member_add_in *in, const char **org_id, bgw_kv **errors)
{
	invite_spec spec = {.email = in->email, .project_id = project_id, .side = in->side,
		.admin = in->admin, .created_by = who->user_id};
	char token[TOKEN_LEN + 1];
	project_facts pf;
	bgw_err err;

	*errors = NULL;
	if ((err = project_facts_get(db, a, project_id, &pf)) != BGW_OK)
		return err;
	if ((err = member_org(db, a, who, project_id, &pf, in, &spec.organization_id, errors)) !=
	    BGW_OK)
		return err;
	if (!may_manage(who, in->side, spec.organization_id))
		return BGW_E_FORBIDDEN;
	if ((err = invite_create(db, a, &spec, token)) != BGW_OK)
		return err;
	err = mail_invitation(db, a, project_id, &pf, in, spec.organization_id, token);
	OPENSSL_cleanse(token, sizeof(token));
	if (err == BGW_OK)
		err = log_project(db, a, who, project_id, "member.invite", "project", project_id);
	if (err == BGW_OK)
		*org_id = spec.organization_id;
	return err;
}

bgw_err
project_member_remove(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, const char *user_id)
{
	const char *params[2] = {project_id, user_id};
	const char *side, *org;
	db_rows *res;
	bgw_err err = project_member_get(db, a, project_id, user_id, &side, &org);

	/* Who may remove whom follows the same side rules as adding. */
	if (err != BGW_OK)
		return err;
	if (!may_manage(who, side, org))
		return BGW_E_FORBIDDEN;
	if ((err = db_exec(db, a, "project_audit_admins", 2, params, &res)) != BGW_OK)
		return err;
	/* Removing the last audit admin would leave nobody to run the project. */
	if (db_int(res, 0, 0) == 0 && strcmp(side, "audit") == 0)
		return BGW_E_INVALID_STATE;
	if ((err = db_exec(db, a, "project_member_remove", 2, params, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	return log_project(db, a, who, project_id, "member.remove", "user", user_id);
}

bgw_err
project_member_unlock(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, const char *user_id)
{
	const char *params[2] = {project_id, user_id};
	db_rows *res;
	bgw_err err = db_exec(db, a, "project_member_unlock", 2, params, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1 || !is_true(res, 0, 0))
		return BGW_E_NOT_FOUND;
	return log_project(db, a, who, project_id, "member.unlock", "user", user_id);
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
