/* certified.c - certified respondents: registry, directory, pick (certified.h). */
#include "flow/certified.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "flow/audit.h"
#include "http/fields.h"
#include "http/jsonout.h"

#define CORPNUM_MOD 9

bool
certified_code_valid(const char *s, size_t n)
{
	if (s == NULL || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
certified_corporate_number_valid(const char *s)
{
	unsigned sum = 0;

	if (!certified_code_valid(s, CERTIFIED_CORPNUM_LEN) || s[0] == '0')
		return false;
	/* n counts the twelve base digits from the right, from 1: odd × 1, even × 2. */
	for (unsigned n = 1; n < CERTIFIED_CORPNUM_LEN; n++)
		sum += (unsigned)(s[CERTIFIED_CORPNUM_LEN - n] - '0') * (n % 2 == 1 ? 1 : 2);
	return (unsigned)(s[0] - '0') == CORPNUM_MOD - sum % CORPNUM_MOD;
}

static const field_spec branch_fields[] = {
	{.name = "code", .type = FIELD_STRING, .required = true, .max_len = 3},
	{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "email", .type = FIELD_EMAIL, .required = true},
	{.name = NULL},
};

/* Each branch's error is reported under "branches[i].field". */
static bgw_err
branch_error(bgw_arena *a, bgw_kv **errors, size_t i, const char *field, const char *why)
{
	char *name = bgw_arena_printf(a, "branches[%zu].%s", i, field);

	return name != NULL ? fields_error(a, errors, name, why) : BGW_E_NOMEM;
}

/* Validate the branches; *vals[i] their typed fields.  BGW_E_VALIDATION with *errors. */
static bgw_err
branches_check(bgw_arena *a, const json_t *branches, field_value **vals, bgw_kv **errors)
{
	bgw_err verdict = BGW_OK, err;
	size_t n = json_array_size(branches);

	if (branches != NULL && !json_is_array(branches))
		return fields_error(a, errors, "branches", "invalid");
	if (n > CERTIFIED_BRANCHES_MAX)
		return fields_error(a, errors, "branches", "too_many");
	for (size_t i = 0; i < n; i++) {
		bgw_kv *bad = NULL;

		err = fields_from_json(a, json_array_get(branches, i), branch_fields, &vals[i], &bad);
		if (err == BGW_E_BAD_REQUEST)
			return branch_error(a, errors, i, "code", "invalid");
		if (err != BGW_OK && err != BGW_E_VALIDATION)
			return err;
		for (; bad != NULL; bad = bad->next)
			if ((err = branch_error(a, errors, i, bad->key, bad->value)) != BGW_E_VALIDATION)
				return err;
		if (err == BGW_E_VALIDATION)
			verdict = BGW_E_VALIDATION;
		else if (!certified_code_valid(vals[i][0].s, CERTIFIED_BRANCH_CODE_LEN))
			verdict = branch_error(a, errors, i, "code", "invalid");
	}
	return verdict;
}

static bgw_err
register_check(bgw_arena *a, const certified_register_in *in, field_value **branches,
    bgw_kv **errors)
{
	bgw_err verdict = BGW_OK;

	if (!certified_corporate_number_valid(in->corporate_number))
		verdict = fields_error(a, errors, "corporate_number",
		    certified_code_valid(in->corporate_number, CERTIFIED_CORPNUM_LEN) ?
		    "check_digit" : "invalid");
	if (in->bank_code != NULL && !certified_code_valid(in->bank_code, CERTIFIED_BANK_CODE_LEN))
		verdict = fields_error(a, errors, "bank_code", "invalid");
	if (verdict == BGW_E_NOMEM)
		return verdict;
	if (branches_check(a, in->branches, branches, errors) != BGW_OK)
		return *errors != NULL ? BGW_E_VALIDATION : BGW_E_NOMEM;
	return verdict;
}

static bgw_err
unit_insert(bgw_db *db, bgw_arena *a, const char *org, const char *code, const char *name,
    const char *email)
{
	const char *p[5] = {org, "branch", code, name, email};

	return db_exec(db, a, "certified_unit_insert", 5, p, NULL);
}

bgw_err
certified_register(bgw_db *db, bgw_arena *a, const char *operator_id, const char *ip,
    const certified_register_in *in, const char **org_id, bgw_kv **errors)
{
	size_t n = json_array_size(in->branches);
	field_value **branches = bgw_arena_alloc(a, (n + 1) * sizeof(*branches));
	audit_event ev = {.actor_id = operator_id, .action = "certified.register",
		.object_type = "organization", .ip = ip};
	const char *p[5];
	db_rows *res;
	bgw_err err;

	*errors = NULL;
	if (branches == NULL)
		return BGW_E_NOMEM;
	if ((err = register_check(a, in, branches, errors)) != BGW_OK)
		return err;
	if ((err = db_exec(db, a, "certified_org_insert", 1, &in->legal_name, &res)) != BGW_OK)
		return err;
	*org_id = db_value(res, 0, 0);
	p[0] = *org_id;
	p[1] = in->legal_name;
	p[2] = in->corporate_number;
	p[3] = in->bank_code;
	p[4] = operator_id;
	if ((err = db_exec(db, a, "certified_insert", 5, p, NULL)) != BGW_OK)
		return err;
	p[1] = in->desk_email;
	p[2] = CERTIFIED_DESK_NAME;
	if ((err = db_exec(db, a, "certified_desk_set", 3, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INTERNAL; /* 0026 makes every respondent organisation's desk */
	for (size_t i = 0; i < n; i++)
		if ((err = unit_insert(db, a, *org_id, branches[i][0].s, branches[i][1].s,
		    branches[i][2].s)) != BGW_OK)
			return err;
	/* Ids and counts only: the names are in the registry itself. */
	ev.object_id = *org_id;
	ev.detail_json = bgw_arena_printf(a, "{\"corporate_number\":\"%s\",\"branches\":%zu}",
	    in->corporate_number, n);
	if (ev.detail_json == NULL)
		return BGW_E_NOMEM;
	return audit_append(db, a, &ev, NULL);
}

static const char *
or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static json_t *
entry_json(const db_rows *res, int i)
{
	json_t *branches = json_loads(db_value(res, i, 5), 0, NULL);

	return json_pack("{s:s, s:s, s:s, s:s?, s:{s:s?}, s:o}", "organization_id",
	    db_value(res, i, 0), "legal_name", db_value(res, i, 1), "corporate_number",
	    db_value(res, i, 2), "bank_code", db_isnull(res, i, 3) ? NULL : db_value(res, i, 3),
	    "desk", "email", db_isnull(res, i, 4) ? NULL : db_value(res, i, 4), "branches",
	    branches != NULL ? branches : json_array());
}

bgw_err
certified_search_json(bgw_db *db, bgw_arena *a, const certified_query *q, json_t **out)
{
	const char *p[5] = {or_null(q->q), or_null(q->corporate_number), or_null(q->bank_code),
		or_null(q->branch_code), CERTIFIED_LIST_MAX};
	db_rows *res;
	json_t *items, *body;
	bgw_err err = db_exec(db, a, "certified_search", 5, p, &res);

	if (err != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(a, json_pack("{s:o, s:i}", "items", items, "total", db_nrows(res)));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < db_nrows(res); i++)
		if (json_array_append_new(items, entry_json(res, i)) != 0)
			return BGW_E_NOMEM;
	*out = body;
	return BGW_OK;
}

/* The address check's note: which entry was picked, in words the working papers keep. */
static const char *
pick_note(bgw_arena *a, const db_rows *unit, const char *branch_code)
{
	if (branch_code == NULL)
		return bgw_arena_printf(a, "認定回答者名簿から選択 / picked from the certified "
		    "directory: %s (法人番号 %s), %s", db_value(unit, 0, 0), db_value(unit, 0, 1),
		    CERTIFIED_DESK_NAME);
	return bgw_arena_printf(a, "認定回答者名簿から選択 / picked from the certified directory: "
	    "%s (法人番号 %s), %s %s", db_value(unit, 0, 0), db_value(unit, 0, 1), branch_code,
	    db_value(unit, 0, 3));
}

bgw_err
certified_pick(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const char *org_id, const char *branch_code, bgw_kv **errors)
{
	const char *p[5] = {org_id, or_null(branch_code)}, *note;
	db_rows *unit, *res;
	conf_locked c;
	bgw_err err;

	*errors = NULL;
	if ((err = conf_lock(db, a, id, &c)) != BGW_OK)
		return err;
	if (!workflow_allowed(c.status, WF_ADDRESS_CHECK))
		return BGW_E_INVALID_STATE;
	if ((err = db_exec(db, a, "certified_unit_for_pick", 2, p, &unit)) != BGW_OK)
		return err;
	if (db_nrows(unit) == 0)
		return p[1] != NULL ? fields_error(a, errors, "branch_code", "unknown") :
		    fields_error(a, errors, "organization_id", "not_certified");
	if ((note = pick_note(a, unit, p[1])) == NULL)
		return BGW_E_NOMEM;
	p[0] = id;
	p[1] = org_id;
	p[2] = db_value(unit, 0, 4);
	p[3] = db_value(unit, 0, 3);
	p[4] = strcmp(db_value(unit, 0, 5), "desk") == 0 ? NULL : db_value(unit, 0, 2);
	if ((err = db_exec(db, a, "certified_conf_address", 5, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INVALID_STATE;
	/* A check of whoever it was addressed to before no longer says anything. */
	if (strcmp(c.org_id, org_id) != 0 || strcasecmp(c.email, p[2]) != 0 ||
	    strcmp(c.name, p[3]) != 0)
		if ((err = conf_address_checks_void(db, a, who, c.project_id, id,
		    "respondent_changed")) != BGW_OK)
			return err;
	return conf_address_check(db, a, who, id, CERTIFIED_METHOD, note);
}

bgw_err
certified_conf_is(bgw_db *db, bgw_arena *a, const char *id, bool *yes)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "certified_conf_is", 1, &id, &res);

	*yes = err == BGW_OK && db_nrows(res) == 1;
	return err;
}

bgw_err
certified_code_waive(bgw_db *db, bgw_arena *a, const char *id, bool *waived)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "certified_code_waive", 1, &id, &res);

	*waived = err == BGW_OK && strcmp(db_value(res, 0, 0), "t") == 0;
	return err;
}

bgw_err
certified_checker_check(bgw_db *db, bgw_arena *a, const char *id)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "desk_checker", 1, &id, &res);

	if (err != BGW_OK || db_nrows(res) == 0)
		return err;
	if (strcmp(db_value(res, 0, 0), "t") == 0 || strcmp(db_value(res, 0, 1), "t") != 0)
		return BGW_E_FORBIDDEN;
	return BGW_OK;
}
