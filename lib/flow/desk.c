/* desk.c - a certified respondent's desk queue and routing (desk.h). */
#include "flow/desk.h"

#include <string.h>

#include "flow/audit.h"
#include "http/fields.h"
#include "http/jsonout.h"

enum desk_wait
desk_wait_of(const char *status, bool at_unit)
{
	if (status == NULL)
		return DESK_WAIT_NONE;
	if (strcmp(status, "sent") == 0 || strcmp(status, "opened") == 0)
		return at_unit ? DESK_WAIT_BRANCH : DESK_WAIT_DESK;
	if (strcmp(status, "awaiting_respondent_approval") == 0)
		return DESK_WAIT_APPROVER;
	if (strcmp(status, "answered") == 0 || strcmp(status, "agreed") == 0 ||
	    strcmp(status, "exception") == 0 || strcmp(status, "resolved") == 0)
		return DESK_WAIT_AUDIT;
	return DESK_WAIT_NONE;
}

const char *
desk_wait_name(enum desk_wait w)
{
	static const char *const names[] = {"desk", "branch", "approver", "audit", "none"};

	return (unsigned)w < sizeof(names) / sizeof(names[0]) ? names[w] : "none";
}

static bool
is_true(const db_rows *res, int i, int col)
{
	return strcmp(db_value(res, i, col), "t") == 0;
}

/* {code, name} of a unit in columns col, col + 1; null for the desk (NULL name). */
static json_t *
unit_json(const db_rows *res, int i, int col)
{
	if (db_isnull(res, i, col + 1))
		return json_null();
	return json_pack("{s:s?, s:s}", "code", db_isnull(res, i, col) ? NULL :
	    db_value(res, i, col), "name", db_value(res, i, col + 1));
}

static json_t *
item_json(const db_rows *res, int i)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:s}",
	    "id", db_value(res, i, 0), "reference", db_value(res, i, 1),
	    "project_id", db_value(res, i, 2), "audit_firm", db_value(res, i, 3),
	    "type", db_value(res, i, 4), "status", db_value(res, i, 5),
	    "as_of", db_value(res, i, 6), "due_date", db_value(res, i, 7),
	    "overdue", is_true(res, i, 8), "unit", unit_json(res, i, 9),
	    "waiting_for", desk_wait_name(desk_wait_of(db_value(res, i, 5), is_true(res, i, 11))));
}

static bgw_err
append_rows(json_t *list, const db_rows *res, json_t *(*row_json)(const db_rows *, int))
{
	for (int i = 0; i < db_nrows(res); i++)
		if (json_array_append_new(list, row_json(res, i)) != 0)
			return BGW_E_NOMEM;
	return BGW_OK;
}

static json_t *
code_name_json(const db_rows *res, int i)
{
	return unit_json(res, i, 0);
}

bgw_err
desk_list_json(bgw_db *db, bgw_arena *a, const desk_filter *f, json_t **out)
{
	const char *p[4];
	db_rows *me, *rows, *units;
	json_t *items = json_array(), *unitlist = json_array(), *body;
	bgw_err err = db_exec(db, a, "desk_me", 0, NULL, &me);

	body = jsonout_own(a, json_pack("{s:o, s:o, s:o, s:o, s:i}", "organization", json_null(),
	    "unit", json_null(), "items", items, "units", unitlist, "total", 0));
	if (err != BGW_OK || body == NULL)
		return err != BGW_OK ? err : BGW_E_NOMEM;
	*out = body;
	if (db_nrows(me) == 0)
		return BGW_OK; /* no certified organisation: an empty queue */
	p[0] = db_value(me, 0, 0);
	p[1] = f->branch_code != NULL && f->branch_code[0] != '\0' ? f->branch_code : NULL;
	p[2] = f->overdue ? "true" : "false";
	p[3] = DESK_LIST_MAX;
	if ((err = db_exec(db, a, "desk_list", 4, p, &rows)) != BGW_OK ||
	    (err = db_exec(db, a, "desk_units", 1, p, &units)) != BGW_OK)
		return err;
	if (json_object_set_new(body, "organization", json_pack("{s:s, s:s}", "id", p[0],
	    "name", db_value(me, 0, 1))) != 0 ||
	    json_object_set_new(body, "unit", unit_json(me, 0, 3)) != 0 ||
	    json_object_set_new(body, "total", json_integer(db_nrows(rows))) != 0)
		return BGW_E_NOMEM;
	if ((err = append_rows(items, rows, item_json)) != BGW_OK)
		return err;
	return append_rows(unitlist, units, code_name_json);
}

static bgw_err
route_one(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *org, const char *unit,
    const char *code, const char *id, bool *routed)
{
	const char *p[3] = {id, org, unit};
	audit_event ev = {.actor_id = who->user_id, .action = "conf.route",
		.object_type = "confirmation", .object_id = id, .ip = who->ip};
	db_rows *res;
	bgw_err err = db_exec(db, a, "desk_route", 3, p, &res);

	*routed = err == BGW_OK && db_nrows(res) == 1;
	if (!*routed)
		return err;
	ev.project_id = db_value(res, 0, 0);
	/* The code is three digits, checked against the organisation's units: no user text. */
	ev.detail_json = bgw_arena_printf(a, "{\"branch_code\":\"%s\"}", code);
	return ev.detail_json != NULL ? audit_append(db, a, &ev, NULL) : BGW_E_NOMEM;
}

bgw_err
desk_route(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *const *ids,
    size_t n, const char *branch_code, bgw_kv **errors)
{
	const char *p[2];
	db_rows *me, *unit;
	bgw_err err = db_exec(db, a, "desk_me", 0, NULL, &me), verdict = BGW_OK;

	*errors = NULL;
	if (err != BGW_OK)
		return err;
	if (db_nrows(me) == 0 || !db_isnull(me, 0, 2))
		return BGW_E_FORBIDDEN; /* only the desk routes */
	if (n == 0 || n > DESK_ROUTE_MAX)
		return fields_error(a, errors, "ids", n == 0 ? "required" : "too_many");
	p[0] = db_value(me, 0, 0);
	p[1] = branch_code;
	if ((err = db_exec(db, a, "desk_unit_by_code", 2, p, &unit)) != BGW_OK)
		return err;
	if (db_nrows(unit) != 1)
		return fields_error(a, errors, "branch_code", "unknown");
	for (size_t i = 0; i < n; i++) {
		bool routed;
		char *name;

		if ((err = route_one(db, a, who, p[0], db_value(unit, 0, 0), branch_code, ids[i],
		    &routed)) != BGW_OK)
			return err;
		if (routed)
			continue;
		if ((name = bgw_arena_printf(a, "ids[%zu]", i)) == NULL)
			return BGW_E_NOMEM;
		if ((verdict = fields_error(a, errors, name, "not_routable")) == BGW_E_NOMEM)
			return verdict;
	}
	return verdict; /* BGW_E_VALIDATION: the router rolls back what was routed */
}
