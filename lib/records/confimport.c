/* confimport.c - checking an import with the API's rules and storing it set-based. */
#include "records/confimport.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flow/audit.h"
#include "http/fields.h"
#include "core/log.h"
#include "records/csv.h"
#include "records/xlsx.h"
#include "records/xmlio.h"
#include "store/pgarray.h"
#include "flow/workflow.h"

#define CONFIMPORT_CONF_ARRAYS 8 /* the text[] parameters of each statement */
#define CONFIMPORT_ITEM_ARRAYS 6


/* The API's fields (confinput.c) under the import's column names. */
static const field_spec conf_spec[] = {
	{.name = "type", .type = FIELD_ENUM, .required = true, .enum_values = wf_type_names},
	{.name = "form", .type = FIELD_ENUM, .required = true, .enum_values = wf_form_names},
	{.name = "respondent_organization", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "respondent_email", .type = FIELD_EMAIL, .required = true},
	{.name = "respondent_name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "as_of", .type = FIELD_DATE, .required = true},
	{.name = "due_date", .type = FIELD_DATE, .required = true},
	{.name = "respondent_locale", .type = FIELD_ENUM, .enum_values = conf_locale_names},
	{.name = NULL},
};
static const field_spec item_spec[] = {
	{.name = "label", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "reference", .type = FIELD_STRING, .max_len = 100},
	{.name = "currency", .type = FIELD_STRING, .required = true, .max_len = 3},
	{.name = "amount", .type = FIELD_STRING, .max_len = 40},
	{.name = NULL},
};

static const char *
str(const field_value *vals, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(vals, specs, name);

	return v != NULL && v->present ? v->s : NULL;
}

/* Was (row, column) reported already (by the importer)? */
static bool
reported(const import_result *r, size_t upto, int row, const char *column)
{
	for (size_t i = 0; i < upto; i++)
		if (r->errors[i].row == row && r->errors[i].column != NULL &&
		    strcmp(r->errors[i].column, column) == 0)
			return true;
	return false;
}

/* Add errors on row.  after: how many errors the importer reported (0: none); a value it
 * dropped reads as "required" here and is not reported twice.  Returns BGW_E_VALIDATION
 * when something was added, BGW_OK when everything was already known, BGW_E_NOMEM. */
static bgw_err
add_errors(bgw_arena *a, import_result *r, size_t after, int row, const bgw_kv *errors)
{
	bgw_err result = BGW_OK;

	for (const bgw_kv *e = errors; e != NULL; e = e->next) {
		if (after > 0 && (strcmp(e->value, "required") == 0 ||
		    reported(r, after, row, e->key)))
			continue;
		if (import_error_add(a, r, row, e->key, e->value) != BGW_OK)
			return BGW_E_NOMEM;
		result = BGW_E_VALIDATION;
	}
	return result;
}

/* Run specs over the given name/value pairs (NULL values left out).  The importers pass
 * only UTF-8; a value jansson still refuses is reported as a bad value of its column. */
static bgw_err
check_fields(bgw_arena *a, const field_spec *specs, const char *const *values,
    field_value **vals, bgw_kv **errors)
{
	json_t *obj = json_object();
	bgw_kv *bad = NULL, **tail = &bad;
	bgw_err err;

	if (obj == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; specs[i].name != NULL; i++) {
		json_t *v;

		if (values[i] == NULL)
			continue;
		if ((v = json_string(values[i])) == NULL) {
			if (kv_append(a, &tail, specs[i].name, "not UTF-8 text", 14) != BGW_OK) {
				json_decref(obj);
				return BGW_E_NOMEM;
			}
			continue;
		}
		if (json_object_set_new(obj, specs[i].name, v) != 0) {
			json_decref(obj);
			return BGW_E_NOMEM;
		}
	}
	err = fields_from_json(a, obj, specs, vals, errors);
	json_decref(obj);
	if (bad != NULL && (err == BGW_OK || err == BGW_E_VALIDATION)) {
		*tail = *errors;
		*errors = bad;
		return BGW_E_VALIDATION;
	}
	return err;
}

static bgw_err
check_items(bgw_arena *a, import_result *r, size_t after, const import_confirmation *c,
    conf_input *in)
{
	bgw_err result = BGW_OK;

	if (c->nitems == 0 || c->nitems > CONF_ITEMS_MAX) {
		if (import_error_add(a, r, c->row, "label", c->nitems == 0 ? "at least one item" :
		    "too many items for one confirmation (at most 200)") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_VALIDATION;
	}
	in->items = bgw_arena_calloc(a, c->nitems, sizeof(*in->items));
	if (in->items == NULL)
		return BGW_E_NOMEM;
	in->nitems = c->nitems;
	in->has_items = true;
	for (size_t i = 0; i < c->nitems; i++) {
		const import_item *it = &c->items[i];
		const char *values[] = {it->label, it->reference, it->currency, it->amount};
		bgw_kv *errs = NULL, **tail = &errs;
		field_value *vals;
		bgw_err err = check_fields(a, item_spec, values, &vals, &errs);

		/* A currency the importer dropped has been reported: no "not ISO 4217" too. */
		if (err == BGW_OK && (after == 0 || it->currency != NULL)) {
			err = confinput_item(a, "", in->form, str(vals, item_spec, "label"),
			    str(vals, item_spec, "reference"), str(vals, item_spec, "currency"),
			    str(vals, item_spec, "amount"), &in->items[i], &tail);
		}
		if (err == BGW_E_VALIDATION) {
			if ((err = add_errors(a, r, after, it->row, errs)) == BGW_E_NOMEM)
				return err;
			if (err != BGW_OK)
				result = err;
		} else if (err != BGW_OK) {
			return err;
		}
	}
	return result;
}

bgw_err
confimport_check(bgw_arena *a, import_result *r, bool after_errors, conf_input **out)
{
	size_t after = after_errors ? r->nerrors : 0;
	conf_input *ins = bgw_arena_calloc(a, r->nconfirmations > 0 ? r->nconfirmations : 1,
	    sizeof(*ins));
	bgw_err result = after_errors ? BGW_E_VALIDATION : BGW_OK;

	if (ins == NULL)
		return BGW_E_NOMEM;
	if (r->nconfirmations == 0 && after_errors)
		return BGW_E_VALIDATION;
	if (r->nconfirmations == 0)
		return import_error_add(a, r, 0, NULL, "no confirmations") == BGW_OK ?
		    BGW_E_VALIDATION : BGW_E_NOMEM;
	for (size_t i = 0; i < r->nconfirmations; i++) {
		const import_confirmation *c = &r->confirmations[i];
		conf_input *in = &ins[i];
		const char *values[] = {c->type, c->form, c->respondent_org, c->respondent_email,
			c->respondent_name, c->as_of, c->due_date, c->respondent_locale};
		bgw_kv *errs = NULL;
		field_value *vals;
		bgw_err err = check_fields(a, conf_spec, values, &vals, &errs);

		if (err == BGW_E_VALIDATION) {
			if ((err = add_errors(a, r, after, c->row, errs)) == BGW_E_NOMEM)
				return err;
			if (err != BGW_OK)
				result = err;
		} else if (err != BGW_OK) {
			return err;
		}
		in->type = str(vals, conf_spec, "type");
		in->form = str(vals, conf_spec, "form");
		in->org_name = str(vals, conf_spec, "respondent_organization");
		in->email = str(vals, conf_spec, "respondent_email");
		in->name = str(vals, conf_spec, "respondent_name");
		in->as_of = str(vals, conf_spec, "as_of");
		in->due_date = str(vals, conf_spec, "due_date");
		in->locale = str(vals, conf_spec, "respondent_locale");
		/* ISO dates compare as strings. */
		if (in->as_of != NULL && in->due_date != NULL &&
		    strcmp(in->due_date, in->as_of) < 0 && !reported(r, after, c->row, "due_date")) {
			if (import_error_add(a, r, c->row, "due_date", "before the as-of date") !=
			    BGW_OK)
				return BGW_E_NOMEM;
			result = BGW_E_VALIDATION;
		}
		err = check_items(a, r, after, c, in);
		if (err == BGW_E_VALIDATION)
			result = err;
		else if (err != BGW_OK)
			return err;
	}
	if (result == BGW_OK)
		*out = ins;
	return result;
}

/* Order of confirmations by e-mail, case-insensitively as citext compares (ASCII).  qsort
 * has no context argument in C11; a worker serves one request at a time. */
static const conf_input *sort_base;

static int
by_email(const void *x, const void *y)
{
	return strcasecmp(sort_base[*(const size_t *)x].email, sort_base[*(const size_t *)y].email);
}

/* The distinct addresses, sorted case-insensitively (as citext compares, ASCII). */
typedef struct addr_set {
	const char **email, **name, **org;
	size_t n;
} addr_set;

static int
cmp_email(const void *key, const void *elem)
{
	return strcasecmp(key, *(const char *const *)elem);
}

/* Give the addresses in res (column 0: e-mail, 1: organisation) their organisation, unless
 * an earlier step already did. */
static void
assign(addr_set *s, const db_rows *res)
{
	for (int r = 0; r < db_nrows(res); r++) {
		const char **hit = bsearch(db_value(res, r, 0), s->email, s->n, sizeof(*s->email),
		    cmp_email);

		if (hit != NULL && s->org[hit - s->email] == NULL)
			s->org[hit - s->email] = db_value(res, r, 1);
	}
}

/* orgs[i]: the respondent organisation of in[i], resolved once per distinct address by the
 * rules of conf_respondent_org, in three set-based statements instead of three per
 * address (per-address queries on a large project cost seconds). */
static bgw_err
resolve_orgs(bgw_db *db, bgw_arena *a, const char *pid, const conf_input *in, size_t n,
    const char **orgs)
{
	size_t *order = bgw_arena_calloc(a, n, sizeof(*order));
	addr_set s = {0};
	size_t *slot = bgw_arena_calloc(a, n, sizeof(*slot));
	pgarray emails, ids, names;
	const char *p[2], *count;
	db_rows *res;
	bgw_err err;
	size_t nnew = 0;

	s.email = bgw_arena_calloc(a, n, sizeof(*s.email));
	s.name = bgw_arena_calloc(a, n, sizeof(*s.name));
	s.org = bgw_arena_calloc(a, n, sizeof(*s.org));
	if (order == NULL || slot == NULL || s.email == NULL || s.name == NULL || s.org == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_base = in;
	qsort(order, n, sizeof(*order), by_email);
	sort_base = NULL;
	pgarray_init(&emails, a);
	for (size_t k = 0; k < n; k++) {
		const conf_input *c = &in[order[k]];

		/* The first row of an address names its organisation, as a single create does. */
		if (s.n == 0 || strcasecmp(s.email[s.n - 1], c->email) != 0) {
			s.email[s.n] = c->email;
			s.name[s.n] = c->org_name;
			pgarray_add(&emails, c->email);
			s.n++;
		}
		slot[order[k]] = s.n - 1;
	}
	if ((p[0] = pgarray_finish(&emails, &err)) == NULL)
		return err;
	if ((err = db_exec(db, a, "confimport_org_users", 1, p, &res)) != BGW_OK)
		return err;
	assign(&s, res);
	p[1] = p[0];
	p[0] = pid;
	if ((err = db_exec(db, a, "confimport_org_project", 2, p, &res)) != BGW_OK)
		return err;
	assign(&s, res);
	for (size_t k = 0; k < s.n; k++)
		nnew += s.org[k] == NULL;
	if (nnew > 0) {
		if ((count = bgw_arena_printf(a, "%zu", nnew)) == NULL)
			return BGW_E_NOMEM;
		if ((err = db_exec(db, a, "confimport_ids", 1, &count, &res)) != BGW_OK)
			return err;
		if ((size_t)db_nrows(res) != nnew)
			return BGW_E_INTERNAL;
		pgarray_init(&ids, a);
		pgarray_init(&names, a);
		for (size_t k = 0, j = 0; k < s.n; k++) {
			if (s.org[k] != NULL)
				continue;
			s.org[k] = db_value(res, (int)j++, 0);
			pgarray_add(&ids, s.org[k]);
			pgarray_add(&names, s.name[k]);
		}
		if ((p[0] = pgarray_finish(&ids, &err)) == NULL ||
		    (p[1] = pgarray_finish(&names, &err)) == NULL)
			return err;
		if ((err = db_exec(db, a, "confimport_org_insert", 2, p, NULL)) != BGW_OK)
			return err;
	}
	for (size_t i = 0; i < n; i++)
		orgs[i] = s.org[slot[i]];
	return BGW_OK;
}

static bgw_err
finish_all(pgarray *cols, size_t ncols, const char **params)
{
	bgw_err err = BGW_OK;

	for (size_t i = 0; i < ncols; i++)
		if ((params[i] = pgarray_finish(&cols[i], &err)) == NULL)
			return err;
	return BGW_OK;
}

/* Run an import function and make sure it inserted every row: one it left out failed the
 * check row-level security would have made (a bug, or the project changed meanwhile). */
static bgw_err
insert_all(bgw_db *db, bgw_arena *a, const char *stmt, int nparams, const char *const *params,
    size_t want)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, stmt, nparams, params, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1 || strtoull(db_value(res, 0, 0), NULL, 10) != want) {
		bgw_log(BGW_LOG_WARN, "could not import: %s inserted %s of %zu rows", stmt,
		    db_nrows(res) == 1 ? db_value(res, 0, 0) : "?", want);
		return BGW_E_FORBIDDEN;
	}
	return BGW_OK;
}

/* The addressees' languages the file names (one UPDATE for the set; most rows name none
 * and keep the default, Japanese). */
static bgw_err
store_locales(bgw_db *db, bgw_arena *a, const conf_input *in, size_t n, const db_rows *ids)
{
	pgarray id, locale;
	const char *p[2];
	size_t named = 0;
	bgw_err err = BGW_OK;

	pgarray_init(&id, a);
	pgarray_init(&locale, a);
	for (size_t i = 0; i < n; i++)
		if (in[i].locale != NULL) {
			pgarray_add(&id, db_value(ids, (int)i, 0));
			pgarray_add(&locale, in[i].locale);
			named++;
		}
	if (named == 0)
		return BGW_OK;
	if ((p[0] = pgarray_finish(&id, &err)) == NULL || (p[1] = pgarray_finish(&locale, &err)) == NULL)
		return err;
	return db_exec(db, a, "confimport_locales", 2, p, NULL);
}

bgw_err
confimport_store(bgw_db *db, bgw_arena *a, const char *pid, const conf_input *in, size_t n)
{
	const char **orgs = bgw_arena_calloc(a, n > 0 ? n : 1, sizeof(*orgs));
	size_t nitems = 0;
	pgarray cc[CONFIMPORT_CONF_ARRAYS], ic[CONFIMPORT_ITEM_ARRAYS];
	const char *cp[CONFIMPORT_CONF_ARRAYS + 1], *ip[CONFIMPORT_ITEM_ARRAYS + 1];
	char count[24];
	const char *countp = count;
	db_rows *ids;
	bgw_err err;

	if (orgs == NULL)
		return BGW_E_NOMEM;
	if (n == 0)
		return BGW_OK;
	if ((err = resolve_orgs(db, a, pid, in, n, orgs)) != BGW_OK)
		return err;
	snprintf(count, sizeof(count), "%zu", n);
	if ((err = db_exec(db, a, "confimport_ids", 1, &countp, &ids)) != BGW_OK)
		return err;
	if ((size_t)db_nrows(ids) != n)
		return BGW_E_INTERNAL;
	for (size_t k = 0; k < CONFIMPORT_CONF_ARRAYS; k++)
		pgarray_init(&cc[k], a);
	for (size_t k = 0; k < CONFIMPORT_ITEM_ARRAYS; k++)
		pgarray_init(&ic[k], a);
	for (size_t i = 0; i < n; i++) {
		const char *id = db_value(ids, (int)i, 0);
		const char *row[CONFIMPORT_CONF_ARRAYS] = {id, in[i].type, in[i].form, orgs[i],
			in[i].email, in[i].name, in[i].as_of, in[i].due_date};

		for (size_t k = 0; k < CONFIMPORT_CONF_ARRAYS; k++)
			pgarray_add(&cc[k], row[k]);
		nitems += in[i].nitems;
		for (size_t j = 0; j < in[i].nitems; j++) {
			char pos[24];
			const conf_item_in *it = &in[i].items[j];

			snprintf(pos, sizeof(pos), "%zu", j);
			pgarray_add(&ic[0], id);
			pgarray_add(&ic[1], pos);
			pgarray_add(&ic[2], it->label);
			pgarray_add(&ic[3], it->reference);
			pgarray_add(&ic[4], it->currency);
			pgarray_add(&ic[5], it->amount);
		}
	}
	cp[0] = pid;
	ip[0] = pid;
	if ((err = finish_all(cc, CONFIMPORT_CONF_ARRAYS, cp + 1)) != BGW_OK ||
	    (err = finish_all(ic, CONFIMPORT_ITEM_ARRAYS, ip + 1)) != BGW_OK)
		return err;
	if ((err = insert_all(db, a, "confimport_confs", 9, cp, n)) != BGW_OK ||
	    (err = store_locales(db, a, in, n, ids)) != BGW_OK)
		return err;
	return insert_all(db, a, "confimport_items", 7, ip, nitems);
}

static const import_error *sort_errors;

static int
by_row(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int ri = sort_errors[i].row, rj = sort_errors[j].row;

	if (ri != rj)
		return ri < rj ? -1 : 1;
	return i < j ? -1 : i > j; /* as found: qsort is not stable */
}

json_t *
confimport_rows_json(const import_result *r)
{
	json_t *rows = json_array();
	size_t *order = r->nerrors > 0 ? calloc(r->nerrors, sizeof(*order)) : NULL;

	if (rows == NULL || (r->nerrors > 0 && order == NULL)) {
		json_decref(rows);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < r->nerrors; i++)
		order[i] = i;
	sort_errors = r->errors;
	qsort(order, r->nerrors, sizeof(*order), by_row);
	sort_errors = NULL;
	for (size_t k = 0; k < r->nerrors; k++) {
		const import_error *e = &r->errors[order[k]];

		if (json_array_append_new(rows, json_pack("{s:i, s:s?, s:s}", "row", e->row,
		    "column", e->column, "message", e->message != NULL ? e->message : "invalid")) !=
		    0) {
			json_decref(rows);
			free(order);
			return NULL;
		}
	}
	free(order);
	return rows;
}

#define CONFIMPORT_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static const char *const format_names[] = {"none", "csv", "xml", "xlsx"};

static bool
type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct != NULL && strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

confimport_format
confimport_format_of_type(const char *content_type)
{
	if (type_is(content_type, "text/csv"))
		return CONFIMPORT_CSV;
	if (type_is(content_type, "application/xml") || type_is(content_type, "text/xml"))
		return CONFIMPORT_XML;
	if (type_is(content_type, CONFIMPORT_XLSX_TYPE))
		return CONFIMPORT_XLSX;
	return CONFIMPORT_NONE;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

confimport_format
confimport_format_of_name(const char *filename)
{
	if (filename == NULL)
		return CONFIMPORT_NONE;
	if (ends_with(filename, ".csv"))
		return CONFIMPORT_CSV;
	if (ends_with(filename, ".xlsx"))
		return CONFIMPORT_XLSX;
	if (ends_with(filename, ".xml"))
		return CONFIMPORT_XML;
	return CONFIMPORT_NONE;
}

static bgw_err
parse(bgw_arena *a, const confimport_run_in *in, import_result *res)
{
	switch (in->format) {
	case CONFIMPORT_CSV:
		return csv_import(a, in->buf, in->len, res);
	case CONFIMPORT_XLSX:
		return xlsx_import(a, in->buf, in->len, res);
	case CONFIMPORT_XML:
		return xmlio_import(a, in->buf, in->len, in->xsd_path, res);
	default:
		return BGW_E_UNSUPPORTED_TYPE;
	}
}

bgw_err
confimport_run(bgw_db *db, bgw_arena *a, const char *user_id, const confimport_run_in *in,
    confimport_run_out *out)
{
	conf_input *checked = NULL;
	audit_event ev = {.project_id = in->project_id, .actor_id = user_id,
		.action = "conf.import", .object_type = "project", .object_id = in->project_id,
		.ip = in->ip};
	bgw_err err;

	memset(out, 0, sizeof(*out));
	if (in->format == CONFIMPORT_NONE)
		return BGW_E_UNSUPPORTED_TYPE;
	err = parse(a, in, &out->result);
	/* The tabular importers build every confirmation even when rows are bad: check them
	 * too, so the answer lists every bad row at once. */
	if (err == BGW_OK || (err == BGW_E_VALIDATION && in->format != CONFIMPORT_XML))
		err = confimport_check(a, &out->result, err != BGW_OK, &checked);
	if (err == BGW_E_VALIDATION || err == BGW_E_BAD_REQUEST ||
	    (err == BGW_E_TOO_LARGE && out->result.nerrors > 0)) {
		out->refused_rows = true;
		return err;
	}
	if (err != BGW_OK)
		return err;
	if ((err = confimport_store(db, a, in->project_id, checked,
	    out->result.nconfirmations)) != BGW_OK)
		return err;
	ev.detail_json = bgw_arena_printf(a, "{\"count\":%zu,\"items\":%zu,\"format\":\"%s\"}",
	    out->result.nconfirmations, out->result.nitems, format_names[in->format]);
	if (ev.detail_json == NULL)
		return BGW_E_NOMEM;
	if ((err = audit_append(db, a, &ev, NULL)) != BGW_OK)
		return err;
	out->created = out->result.nconfirmations;
	out->items = out->result.nitems;
	return BGW_OK;
}
