/* confirmation.c - storing and rendering confirmations. */
#include "flow/confirmation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/confflow.h"
#include "http/jsonout.h"
#include "http/jsonw.h"
#include "core/money.h"

/* About the bytes one list row takes as JSON: the writer's first block holds a page. */
#define LIST_ROW_BYTES 360

static bool
is_true(const db_rows *res, int r, int c)
{
	return strcmp(db_value(res, r, c), "t") == 0;
}

static const char *
or_null(const db_rows *res, int r, int c)
{
	return db_isnull(res, r, c) ? NULL : db_value(res, r, c);
}

/* A stored numeric in the currency's canonical form ("1042.50"); NULL stays NULL. */
static json_t *
amount_json(const char *stored, const char *currency)
{
	char text[MONEY_TEXT_MAX];
	money m;

	if (stored == NULL)
		return json_null();
	if (money_parse_stored(stored, currency, &m) != BGW_OK ||
	    money_format(&m, text, sizeof(text)) != BGW_OK)
		return json_string(stored);
	return json_string(text);
}

bgw_err
conf_respondent_org(bgw_db *db, bgw_arena *a, const char *project_id, const char *org_name,
    const char *email, const char **org_id)
{
	const char *p2[2] = {project_id, email};
	db_rows *res;
	bgw_err err = db_exec(db, a, "conf_org_by_email", 1, &email, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) == 1) {
		*org_id = db_value(res, 0, 0);
		return BGW_OK;
	}
	if ((err = db_exec(db, a, "conf_org_in_project", 2, p2, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1 &&
	    (err = db_exec(db, a, "conf_org_insert", 1, &org_name, &res)) != BGW_OK)
		return err;
	*org_id = db_value(res, 0, 0);
	return BGW_OK;
}

static bgw_err
insert_items(bgw_db *db, bgw_arena *a, const char *id, const conf_input *in)
{
	for (size_t i = 0; i < in->nitems; i++) {
		char pos[24];
		const char *p[6] = {id, pos, in->items[i].label, in->items[i].reference,
			in->items[i].currency, in->items[i].amount};
		bgw_err err;

		snprintf(pos, sizeof(pos), "%zu", i);
		if ((err = db_exec(db, a, "conf_item_insert", 6, p, NULL)) != BGW_OK)
			return err;
	}
	return BGW_OK;
}

/* The addressee's language, when the body names one (a column of its own: the create and
 * edit statements stay as every importer and lane uses them). */
static bgw_err
set_locale(bgw_db *db, bgw_arena *a, const char *id, const char *locale)
{
	const char *p[2] = {id, locale};

	return locale == NULL ? BGW_OK : db_exec(db, a, "conf_set_locale", 2, p, NULL);
}

bgw_err
conf_create(bgw_db *db, bgw_arena *a, const char *project_id, const char *user_id,
    const conf_input *in, const char **id)
{
	const char *org;
	db_rows *res;
	bgw_err err = conf_respondent_org(db, a, project_id, in->org_name, in->email, &org);

	if (err != BGW_OK)
		return err;
	{
		const char *p[9] = {project_id, in->type, in->form, org, in->email, in->name,
			in->as_of, in->due_date, user_id};

		if ((err = db_exec(db, a, "conf_insert", 9, p, &res)) != BGW_OK)
			return err;
	}
	*id = db_value(res, 0, 0);
	if ((err = set_locale(db, a, *id, in->locale)) != BGW_OK)
		return err;
	return insert_items(db, a, *id, in);
}

bgw_err
conf_form(bgw_db *db, bgw_arena *a, const char *id, const char **form)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "conf_form", 1, &id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	*form = db_value(res, 0, 0);
	return BGW_OK;
}

bgw_err
conf_update(bgw_db *db, bgw_arena *a, const char *id, const char *project_id,
    const conf_input *in, enum policy_side side, const struct conf_actor *who)
{
	const char *org = NULL, *cur_org, *pn[2] = {id, in->email};
	db_rows *res;
	bool changed, locked;
	bgw_err err;

	if ((in->email == NULL) != (in->org_name == NULL))
		return BGW_E_VALIDATION;
	if ((err = db_exec(db, a, "conf_respondent_now", 2, pn, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	cur_org = db_value(res, 0, 1);
	locked = is_true(res, 0, 3);
	/* Only a change of the respondent (e-mail, organisation, person) touches the check:
	 * items, dates and form are not what the audit team checked. */
	changed = !is_true(res, 0, 0) ||
	    (in->name != NULL && strcmp(in->name, db_value(res, 0, 2)) != 0);
	if (changed && locked && side != SIDE_AUDIT)
		return BGW_E_RESPONDENT_LOCKED;
	if (in->email != NULL &&
	    (err = conf_respondent_org(db, a, project_id, in->org_name, in->email, &org)) != BGW_OK)
		return err;
	if (org != NULL && strcmp(org, cur_org) != 0) {
		if (locked && side != SIDE_AUDIT)
			return BGW_E_RESPONDENT_LOCKED;
		changed = true;
	}
	{
		const char *p[8] = {id, in->type, in->form, org, in->email, in->name, in->as_of,
			in->due_date};

		if ((err = db_exec(db, a, "conf_update", 8, p, &res)) != BGW_OK)
			return err;
	}
	if (db_nrows(res) != 1)
		return BGW_E_INVALID_STATE;
	if (!is_true(res, 0, 0))
		return BGW_E_VALIDATION;
	if ((err = set_locale(db, a, id, in->locale)) != BGW_OK)
		return err;
	if (changed &&
	    (err = conf_address_checks_void(db, a, who, project_id, id, "respondent_changed")) !=
	    BGW_OK)
		return err;
	if (!in->has_items)
		return BGW_OK;
	if ((err = db_exec(db, a, "conf_items_delete", 1, &id, NULL)) != BGW_OK)
		return err;
	return insert_items(db, a, id, in);
}

static bgw_err
response_json(bgw_db *db, bgw_arena *a, const char *id, bool pending_too, json_t *conf)
{
	const char *p[2] = {id, pending_too ? "true" : "false"};
	db_rows *res, *items, *extra;
	json_t *r, *list, *xlist;
	bgw_err err = db_exec(db, a, "conf_response", 2, p, &res);
	const char *rid;

	if (err != BGW_OK || db_nrows(res) != 1)
		return err;
	rid = db_value(res, 0, 0);
	if ((err = db_exec(db, a, "conf_response_items", 1, &rid, &items)) != BGW_OK ||
	    (err = db_exec(db, a, "conf_response_extra", 1, &rid, &extra)) != BGW_OK)
		return err;
	list = json_array();
	xlist = json_array();
	r = json_pack("{s:i, s:o, s:o, s:{s:s, s:s}, s:s, s:o?, s:b}",
	    "version", (int)db_int(res, 0, 1), "items", list, "extra_items", xlist,
	    "responder", "name", db_value(res, 0, 2), "title", db_value(res, 0, 3),
	    "submitted_at", db_value(res, 0, 6),
	    "seal", db_isnull(res, 0, 7) ? NULL : json_string(db_value(res, 0, 7)),
	    "final", is_true(res, 0, 8));
	if (r == NULL || json_object_set_new(conf, "response", r) != 0)
		return BGW_E_NOMEM;
	if (!db_isnull(res, 0, 4) && json_object_set_new(r, "approver", json_pack("{s:s, s:s}",
	    "name", db_value(res, 0, 4), "title", or_null(res, 0, 5) ? db_value(res, 0, 5) : "")) != 0)
		return BGW_E_NOMEM;
	for (int i = 0; i < db_nrows(items); i++)
		if (json_array_append_new(list, json_pack("{s:s, s:b, s:o, s:s?}",
		    "item_id", db_value(items, i, 0), "agrees", is_true(items, i, 1),
		    "amount", amount_json(or_null(items, i, 2), db_value(items, i, 4)),
		    "note", or_null(items, i, 3))) != 0)
			return BGW_E_NOMEM;
	for (int i = 0; i < db_nrows(extra); i++)
		if (json_array_append_new(xlist, json_pack("{s:s, s:s, s:o, s:s?}",
		    "label", db_value(extra, i, 0), "currency", db_value(extra, i, 1),
		    "amount", amount_json(db_value(extra, i, 2), db_value(extra, i, 1)),
		    "note", or_null(extra, i, 3))) != 0)
			return BGW_E_NOMEM;
	return BGW_OK;
}

/* A respondent reads only a reason its own side wrote (its decline, its admin's send-back);
 * the audit team's and the client's reasons and the alternative procedures are their
 * working papers (migration 0022 records who wrote the reason). */
static const char *
reason_for(const db_rows *res, enum policy_side side)
{
	if (side == SIDE_RESPONDENT &&
	    (db_isnull(res, 0, 21) || strcmp(db_value(res, 0, 21), "respondent") != 0))
		return NULL;
	return or_null(res, 0, 16);
}

bgw_err
conf_get_json(bgw_db *db, bgw_arena *a, const char *id, enum policy_side side,
    bool with_response, json_t **out)
{
	db_rows *res, *items, *check;
	json_t *conf, *list;
	bgw_err err = db_exec(db, a, "conf_get", 1, &id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	if ((err = db_exec(db, a, "conf_items", 1, &id, &items)) != BGW_OK ||
	    (err = db_exec(db, a, "conf_address_check", 1, &id, &check)) != BGW_OK)
		return err;
	list = json_array();
	conf = jsonout_own(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:s, "
	    "s:s, s:o, s:I, s:I, s:b, s:b, s:b, s:s, s:s, s:s?, s:s?, s:s?, s:b}",
	    "id", db_value(res, 0, 0), "reference", db_value(res, 0, 1),
	    "project_id", db_value(res, 0, 2), "type", db_value(res, 0, 3),
	    "form", db_value(res, 0, 4), "status", db_value(res, 0, 5),
	    "respondent", "organization", db_value(res, 0, 6), "email", db_value(res, 0, 7),
	    "name", db_value(res, 0, 8), "locale", db_value(res, 0, 22), "as_of", db_value(res, 0, 9),
	    "due_date", db_value(res, 0, 10), "items", list,
	    "responses_count", (json_int_t)db_int(res, 0, 18),
	    "reminders_sent", (json_int_t)db_int(res, 0, 13),
	    "shared_with_client", is_true(res, 0, 11), "undeliverable", is_true(res, 0, 12),
	    /* Negative requests alone are not sufficient evidence (ISA 505.15). */
	    "sufficient_alone", strcmp(db_value(res, 0, 4), "negative") != 0,
	    "created_at", db_value(res, 0, 14), "updated_at", db_value(res, 0, 15),
	    "status_reason", reason_for(res, side),
	    "alternative_procedures", side == SIDE_RESPONDENT ? NULL : or_null(res, 0, 17),
	    "sent_at", or_null(res, 0, 19),
	    /* Every side may know that only the audit team changes the respondent now. */
	    "respondent_locked", is_true(res, 0, 20)));
	if (conf == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < db_nrows(items); i++)
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s, s:o}",
		    "id", db_value(items, i, 0), "label", db_value(items, i, 1),
		    "reference", or_null(items, i, 2), "currency", db_value(items, i, 3),
		    "amount", amount_json(or_null(items, i, 4), db_value(items, i, 3)))) != 0)
			return BGW_E_NOMEM;
	if (db_nrows(check) == 1 && json_object_set_new(conf, "address_check",
	    json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:I, s:b, s:s?, s:s?}",
	    "method", db_value(check, 0, 0),
	    "note", db_value(check, 0, 1), "checked_by", db_value(check, 0, 2),
	    "checked_at", db_value(check, 0, 3),
	    "checked", "email", db_value(check, 0, 4), "organization", db_value(check, 0, 5),
	    "name", db_value(check, 0, 6),
	    "confirmation_version", (json_int_t)db_int(check, 0, 7),
	    "valid", is_true(check, 0, 8),
	    "voided_at", or_null(check, 0, 9), "void_reason", or_null(check, 0, 10))) != 0)
		return BGW_E_NOMEM;
	if (with_response &&
	    (err = response_json(db, a, id, side == SIDE_RESPONDENT, conf)) != BGW_OK)
		return err;
	*out = conf;
	return BGW_OK;
}

static void
text_member(jsonw *w, const char *key, const char *value)
{
	jsonw_key(w, key);
	jsonw_string(w, value);
}

/* One row of the list, with the inbox's "project" member, written straight as text. */
static void
text_item(jsonw *w, const db_rows *res, int r, bool inbox)
{
	static const char *const plain[] = {"id", "reference", "type", "form", "status"};

	jsonw_object(w);
	for (int c = 0; c < 5; c++)
		text_member(w, plain[c], db_value(res, r, c));
	jsonw_key(w, "respondent");
	jsonw_object(w);
	text_member(w, "organization", db_value(res, r, 5));
	text_member(w, "email", db_value(res, r, 6));
	text_member(w, "name", db_value(res, r, 7));
	jsonw_end(w);
	text_member(w, "as_of", db_value(res, r, 8));
	text_member(w, "due_date", db_value(res, r, 9));
	jsonw_key(w, "reminders_sent");
	jsonw_int(w, db_int(res, r, 10));
	jsonw_key(w, "undeliverable");
	jsonw_bool(w, is_true(res, r, 11));
	jsonw_key(w, "shared_with_client");
	jsonw_bool(w, is_true(res, r, 12));
	if (inbox) {
		jsonw_key(w, "project");
		jsonw_object(w);
		text_member(w, "id", db_value(res, r, 14));
		text_member(w, "name", db_value(res, r, 15));
		text_member(w, "client_name", db_value(res, r, 16));
		text_member(w, "audit_firm", db_value(res, r, 17));
		jsonw_end(w);
	}
	jsonw_end(w);
}

bgw_err
conf_rows_text(bgw_arena *a, const db_rows *res, bool inbox, long long total, char **text,
    size_t *len)
{
	int n = db_nrows(res);
	jsonw w;

	jsonw_init(&w, a, (size_t)n * LIST_ROW_BYTES + 64);
	jsonw_object(&w);
	jsonw_key(&w, "items");
	jsonw_array(&w);
	for (int r = 0; r < n; r++)
		text_item(&w, res, r, inbox);
	jsonw_end(&w);
	jsonw_key(&w, "total");
	jsonw_int(&w, total);
	jsonw_end(&w);
	*text = jsonw_finish(&w, len);
	return *text != NULL ? BGW_OK : BGW_E_NOMEM;
}

/* The pages' json_t is read back from the API's text: one writer, so the two cannot drift;
 * the API's list, the path that must be fast, never builds json_t values. */
bgw_err
conf_rows_json(bgw_arena *a, const db_rows *res, bool inbox, long long total, json_t **out)
{
	char *text;
	size_t len;
	json_t *body;
	bgw_err err = conf_rows_text(a, res, inbox, total, &text, &len);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(a, json_loadb(text, len, 0, NULL));
	if (body == NULL)
		return BGW_E_NOMEM;
	*out = body;
	return BGW_OK;
}

/* The page of rows and the total of the same filters, in one round trip.  The plain list
 * (no filter: the one everybody opens) has a statement of its own that runs on a generic
 * plan; a filtered one is planned for its values, which may pick another index. */
static bgw_err
list_query(bgw_db *db, bgw_arena *a, const char *project_id, const conf_filter *f,
    db_rows **res, long long *total)
{
	char limit[24], offset[24];
	const char *p[7] = {project_id, f->status, f->type, f->q, f->overdue ? "true" : "false",
		limit, offset};
	const char *plain_p[3] = {project_id, limit, offset};
	const bool plain = f->status == NULL && f->type == NULL && f->q == NULL && !f->overdue;
	/* The kept counts know status and type only; a search or "overdue" counts rows. */
	const bool kept = f->sees_all && f->q == NULL && !f->overdue;
	db_rows *count;
	db_call batch[4];
	size_t n = 0;
	bgw_err err;

	if (plain) {
		batch[n++] = (db_call){"db_generic_plans", 0, NULL, NULL};
		batch[n++] = (db_call){"conf_list_plain", 3, plain_p, res};
		/* A read of its own ends with its round trip, and the setting with it. */
		if (f->read_as == NULL)
			batch[n++] = (db_call){"db_auto_plans", 0, NULL, NULL};
	} else {
		batch[n++] = (db_call){"conf_list", 7, p, res};
	}
	batch[n++] = (db_call){kept ? "conf_list_count_kept" : "conf_list_count", kept ? 3 : 5, p,
	    &count};
	snprintf(limit, sizeof(limit), "%lld", f->per_page);
	snprintf(offset, sizeof(offset), "%lld", (f->page - 1) * f->per_page);
	err = f->read_as != NULL ? db_read(db, a, f->read_as, batch, n) :
	    db_exec_batch(db, a, batch, n);
	if (err != BGW_OK)
		return err;
	*total = db_int(count, 0, 0);
	return BGW_OK;
}

static bgw_err
inbox_query(bgw_db *db, bgw_arena *a, long long page, long long per_page, db_rows **res,
    long long *total)
{
	char limit[24], offset[24];
	const char *p[2] = {limit, offset};
	bgw_err err;

	snprintf(limit, sizeof(limit), "%lld", per_page);
	snprintf(offset, sizeof(offset), "%lld", (page - 1) * per_page);
	if ((err = db_exec(db, a, "conf_inbox", 2, p, res)) != BGW_OK)
		return err;
	*total = db_nrows(*res) > 0 ? db_int(*res, 0, 13) : 0;
	return BGW_OK;
}

bgw_err
conf_list_json(bgw_db *db, bgw_arena *a, const char *project_id, const conf_filter *f,
    json_t **out)
{
	db_rows *res;
	long long total;
	bgw_err err = list_query(db, a, project_id, f, &res, &total);

	return err == BGW_OK ? conf_rows_json(a, res, false, total, out) : err;
}

bgw_err
conf_list_text(bgw_db *db, bgw_arena *a, const char *project_id, const conf_filter *f,
    char **text, size_t *len)
{
	db_rows *res;
	long long total;
	bgw_err err = list_query(db, a, project_id, f, &res, &total);

	return err == BGW_OK ? conf_rows_text(a, res, false, total, text, len) : err;
}

/* {project_id, audit_firm, mfa_setup_required} of each project waiting for the code. */
static bgw_err
inbox_locked(bgw_db *db, bgw_arena *a, json_t *body)
{
	db_rows *res;
	json_t *list = json_array();
	bgw_err err;

	if (list == NULL || json_object_set_new(body, "code_required", list) != 0)
		return BGW_E_NOMEM;
	if ((err = db_exec(db, a, "conf_inbox_locked", 0, NULL, &res)) != BGW_OK)
		return err;
	for (int r = 0; r < db_nrows(res); r++)
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:b}",
		    "project_id", db_value(res, r, 0), "audit_firm", db_value(res, r, 1),
		    "mfa_setup_required", is_true(res, r, 2))) != 0)
			return BGW_E_NOMEM;
	return BGW_OK;
}

bgw_err
conf_inbox_json(bgw_db *db, bgw_arena *a, long long page, long long per_page, json_t **out)
{
	db_rows *res;
	long long total;
	bgw_err err = inbox_query(db, a, page, per_page, &res, &total);

	if (err == BGW_OK)
		err = conf_rows_json(a, res, true, total, out);
	return err == BGW_OK ? inbox_locked(db, a, *out) : err;
}
