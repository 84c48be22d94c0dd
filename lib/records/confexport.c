/* confexport.c - loading a project's confirmations for the CSV and XML exports. */
#include "records/confexport.h"

#include <stdlib.h>
#include <string.h>

#include "flow/audit.h"

static const char *
or_null(const db_rows *res, int r, int c)
{
	return db_isnull(res, r, c) ? NULL : db_value(res, r, c);
}

/* How many consecutive rows from *at have column col equal to key. */
static int
run_of(const db_rows *res, int at, int col, const char *key)
{
	int n = 0, rows = db_nrows(res);

	while (at + n < rows && strcmp(db_value(res, at + n, col), key) == 0)
		n++;
	return n;
}

static bgw_err
load_items(bgw_arena *a, const db_rows *res, int *at, export_confirmation *ec,
    import_confirmation *c)
{
	int n = run_of(res, *at, 0, ec->id);
	const char **ids;

	c->items = bgw_arena_calloc(a, (size_t)(n > 0 ? n : 1), sizeof(*c->items));
	ids = bgw_arena_calloc(a, (size_t)(n > 0 ? n : 1), sizeof(*ids));
	if (c->items == NULL || ids == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < n; i++, (*at)++) {
		ids[i] = db_value(res, *at, 1);
		c->items[i] = (import_item){.row = i + 1, .label = db_value(res, *at, 2),
			.reference = or_null(res, *at, 3), .currency = db_value(res, *at, 4),
			.amount = or_null(res, *at, 5)};
	}
	c->nitems = (size_t)n;
	ec->item_ids = ids;
	return BGW_OK;
}

static bgw_err
load_answers(bgw_arena *a, const db_rows *ans, int *at_ans, const db_rows *extra,
    int *at_extra, export_response *r, const char *rid)
{
	int n = run_of(ans, *at_ans, 0, rid), m = run_of(extra, *at_extra, 0, rid);
	export_response_item *items = bgw_arena_calloc(a, (size_t)(n > 0 ? n : 1), sizeof(*items));
	export_extra_item *xs = bgw_arena_calloc(a, (size_t)(m > 0 ? m : 1), sizeof(*xs));

	if (items == NULL || xs == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < n; i++, (*at_ans)++)
		items[i] = (export_response_item){.item_id = db_value(ans, *at_ans, 1),
			.agrees = strcmp(db_value(ans, *at_ans, 2), "t") == 0,
			.amount = or_null(ans, *at_ans, 3), .note = or_null(ans, *at_ans, 4)};
	for (int i = 0; i < m; i++, (*at_extra)++)
		xs[i] = (export_extra_item){.label = db_value(extra, *at_extra, 1),
			.currency = db_value(extra, *at_extra, 2),
			.amount = db_value(extra, *at_extra, 3), .note = or_null(extra, *at_extra, 4)};
	r->items = items;
	r->nitems = (size_t)n;
	r->extra_items = xs;
	r->nextra_items = (size_t)m;
	return BGW_OK;
}

bgw_err
confexport_load(bgw_db *db, bgw_arena *a, const char *pid, bool all_responses,
    confexport_set *out)
{
	const char *p[2] = {pid, all_responses ? "true" : "false"};
	db_rows *confs, *items, *resp, *ans, *extra;
	int at_item = 0, at_resp = 0, at_ans = 0, at_extra = 0, n;
	bgw_err err;

	if ((err = db_exec(db, a, "confexport_confs", 1, p, &confs)) != BGW_OK ||
	    (err = db_exec(db, a, "confexport_items", 1, p, &items)) != BGW_OK ||
	    (err = db_exec(db, a, "confexport_responses", 2, p, &resp)) != BGW_OK ||
	    (err = db_exec(db, a, "confexport_answers", 2, p, &ans)) != BGW_OK ||
	    (err = db_exec(db, a, "confexport_extra", 2, p, &extra)) != BGW_OK)
		return err;
	n = db_nrows(confs);
	out->n = (size_t)n;
	out->list = bgw_arena_calloc(a, (size_t)(n > 0 ? n : 1), sizeof(*out->list));
	if (out->list == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < n; i++) {
		export_confirmation *ec = &out->list[i];
		import_confirmation *c = bgw_arena_alloc(a, sizeof(*c));
		export_response *rs;
		int nr;

		if (c == NULL)
			return BGW_E_NOMEM;
		ec->id = db_value(confs, i, 0);
		ec->reference = db_value(confs, i, 1);
		ec->status = db_value(confs, i, 2);
		*c = (import_confirmation){.row = i + 1, .type = db_value(confs, i, 3),
			.form = db_value(confs, i, 4), .respondent_org = db_value(confs, i, 5),
			.respondent_email = db_value(confs, i, 6),
			.respondent_name = db_value(confs, i, 7), .as_of = db_value(confs, i, 8),
			.due_date = db_value(confs, i, 9),
			.respondent_locale = db_value(confs, i, 10)};
		ec->c = c;
		if ((err = load_items(a, items, &at_item, ec, c)) != BGW_OK)
			return err;
		nr = run_of(resp, at_resp, 0, ec->id);
		rs = bgw_arena_calloc(a, (size_t)(nr > 0 ? nr : 1), sizeof(*rs));
		if (rs == NULL)
			return BGW_E_NOMEM;
		for (int j = 0; j < nr; j++, at_resp++) {
			rs[j] = (export_response){.version = atoi(db_value(resp, at_resp, 2)),
				.responder_name = db_value(resp, at_resp, 3),
				.responder_title = db_value(resp, at_resp, 4),
				.approver_name = or_null(resp, at_resp, 5),
				.approver_title = or_null(resp, at_resp, 6),
				.submitted_at = db_value(resp, at_resp, 7),
				.seal = or_null(resp, at_resp, 8)};
			if ((err = load_answers(a, ans, &at_ans, extra, &at_extra, &rs[j],
			    db_value(resp, at_resp, 1))) != BGW_OK)
				return err;
		}
		ec->responses = rs;
		ec->nresponses = (size_t)nr;
	}
	return BGW_OK;
}

bgw_err
confexport_load_work(bgw_db *db, bgw_arena *a, const char *pid, const confexport_set *set,
    confexport_work **out)
{
	const char *p[1] = {pid};
	db_rows *res;
	bgw_err err;

	if ((err = db_exec(db, a, "confexport_work", 1, p, &res)) != BGW_OK)
		return err;
	if ((size_t)db_nrows(res) != set->n)
		return BGW_E_INTERNAL;
	*out = bgw_arena_calloc(a, set->n > 0 ? set->n : 1, sizeof(**out));
	if (*out == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < db_nrows(res); i++) {
		if (strcmp(db_value(res, i, 0), set->list[i].id) != 0)
			return BGW_E_INTERNAL;
		(*out)[i] = (confexport_work){.review_result = or_null(res, i, 1),
			.review_note = or_null(res, i, 2), .reconciling = or_null(res, i, 3),
			.address_check = or_null(res, i, 4),
			.alternative_procedures = or_null(res, i, 5)};
	}
	return BGW_OK;
}

char *
confexport_filename(bgw_arena *a, const char *pid, const char *ext)
{
	char *name = bgw_arena_printf(a, "confirmations-%s.%s", pid, ext);
	size_t prefix = strlen("confirmations-"), n;

	if (name == NULL)
		return NULL;
	n = strlen(name) - strlen(ext) - 1;
	for (size_t i = prefix; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			name[i] = '_';
	}
	return name;
}

bgw_err
confexport_run(bgw_db *db, bgw_arena *a, const char *user_id, const confexport_run_in *in,
    confexport_set *out)
{
	audit_event ev = {.project_id = in->project_id, .actor_id = user_id,
		.action = "project.export", .object_type = "project", .object_id = in->project_id,
		.ip = in->ip};
	bgw_err err;

	ev.detail_json = bgw_arena_printf(a, "{\"format\":\"%s\",\"view\":\"%s\"}",
	    in->format, in->audit_view ? "audit" : "client");
	if (ev.detail_json == NULL)
		return BGW_E_NOMEM;
	if ((err = confexport_load(db, a, in->project_id, in->audit_view, out)) != BGW_OK)
		return err;
	return audit_append(db, a, &ev, NULL);
}
