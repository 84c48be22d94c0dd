/* target.c - one query per target kind; each joins the user's own membership. */
#include "auth/target.h"

#include <string.h>

static enum policy_side
side_of(const char *s)
{
	if (strcmp(s, "audit") == 0)
		return SIDE_AUDIT;
	if (strcmp(s, "client") == 0)
		return SIDE_CLIENT;
	if (strcmp(s, "respondent") == 0)
		return SIDE_RESPONDENT;
	return SIDE_NONE;
}

static bool
is_true(const db_rows *res, int c)
{
	return strcmp(db_value(res, 0, c), "t") == 0;
}

const char *
target_statement(enum policy_target_kind kind)
{
	switch (kind) {
	case TARGET_PROJECT:
	case TARGET_MEMBER:
		return "target_project";
	case TARGET_CONFIRMATION:
		return "target_confirmation";
	case TARGET_DOCUMENT:
		return "target_document";
	case TARGET_ORG:
		return "target_org";
	default:
		return NULL;
	}
}

/* A respondent organisation's user: the respondent side of its organisation, admin as its
 * org_members row says; no project, so no code and no completion. */
static void
org_from_result(const db_rows *res, bgw_target *out)
{
	out->facts.kind = TARGET_ORG;
	out->facts.exists = true;
	out->facts.member = true;
	out->facts.side = SIDE_RESPONDENT;
	out->facts.admin = is_true(res, 1);
	out->facts.code_verified = true;
	out->member_org_id = db_value(res, 0, 0);
	out->org_unit_id = db_isnull(res, 0, 2) ? NULL : db_value(res, 0, 2);
}

void
target_from_result(const db_rows *res, enum policy_target_kind kind, bgw_target *out)
{
	memset(out, 0, sizeof(*out));
	if (res == NULL || db_nrows(res) != 1)
		return;
	if (kind == TARGET_ORG) {
		org_from_result(res, out);
		return;
	}
	out->facts.kind = kind == TARGET_MEMBER ? TARGET_PROJECT : kind;
	out->facts.exists = true;
	out->facts.member = true;
	out->project_id = db_value(res, 0, 0);
	out->status = db_value(res, 0, 1);
	out->facts.project_completed = strcmp(out->status, "active") != 0;
	out->facts.side = side_of(db_value(res, 0, 2));
	out->facts.admin = is_true(res, 3);
	out->facts.code_verified = is_true(res, 4);
	out->facts.code_locked = is_true(res, 5);
	out->member_org_id = db_isnull(res, 0, 6) ? NULL : db_value(res, 0, 6);
	out->facts.mfa_required = is_true(res, 7);
	if (kind == TARGET_PROJECT || kind == TARGET_MEMBER)
		out->list_version = db_value(res, 0, 8);
	if (kind == TARGET_CONFIRMATION || kind == TARGET_DOCUMENT) {
		out->confirmation_id = db_isnull(res, 0, 8) ? NULL : db_value(res, 0, 8);
		if (out->confirmation_id != NULL) {
			out->status = db_value(res, 0, 9);
			out->facts.kind = TARGET_CONFIRMATION;
		} else {
			out->facts.kind = TARGET_PROJECT; /* a project document */
		}
		out->facts.addressed_to_user_org = is_true(res, 10);
		out->facts.released = is_true(res, 11);
		out->facts.shared_with_client = is_true(res, 12);
	}
	if (kind == TARGET_DOCUMENT)
		out->facts.doc_side = side_of(db_value(res, 0, 13));
}

bgw_err
target_load(bgw_db *db, bgw_arena *a, enum policy_target_kind kind, const char *id,
    bgw_target *out)
{
	const char *stmt = target_statement(kind);
	db_rows *res = NULL;
	bgw_err err;

	memset(out, 0, sizeof(*out));
	if (stmt == NULL)
		return BGW_OK;
	if ((err = db_exec(db, a, stmt, 1, &id, &res)) != BGW_OK)
		return err;
	target_from_result(res, kind, out);
	return BGW_OK;
}
