/* h_bulkanswer.c - a respondent desk's bulk answers: GET /inbox/open.csv and open.xlsx (the
 * open requests as a sheet), POST /inbox/answers (the filled-in sheet: all or nothing, every
 * bad row in the import's 422 shape), POST /inbox/approve (a selection, all or nothing, a
 * result per id).  The use cases are lib/records/bulkanswer.h; they judge every request with
 * the policy layer, so these routes admit any respondent user (ACT_BULK_*).
 */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "actor.h"
#include "records/bulkanswer.h"

#define CSV_TYPE "text/csv; charset=utf-8"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define SHEET_INITIAL_BYTES 4096

const field_spec bulk_approve_fields[] = {
	{.name = "ids", .type = FIELD_ARRAY, .required = true},
	{.name = "approver", .type = FIELD_OBJECT, .required = true},
	{.name = NULL},
};

/* The sheet's language: ?lang=ja|en, else the user's. */
static const char *
sheet_lang(const bgw_request *r)
{
	const char *q = kv_get(r->query, "lang");

	if (q != NULL && (strcmp(q, "ja") == 0 || strcmp(q, "en") == 0))
		return q;
	return r->user.locale != NULL && strcmp(r->user.locale, "en") == 0 ? "en" : "ja";
}

static bgw_err
reply_file(bgw_request *r, const char *type, const char *name, const char *buf, size_t len)
{
	bgw_err err = request_add_header(r, "Content-Disposition", name);

	if (err != BGW_OK)
		return err;
	r->status = 200;
	r->resp_type = type;
	r->resp_body = buf;
	r->resp_len = len;
	return BGW_OK;
}

/* A growing arena buffer for the CSV writer. */
typedef struct sheet_buf {
	bgw_arena *a;
	char *p;
	size_t n, cap;
} sheet_buf;

static bgw_err
to_buf(void *ud, const char *s, size_t n)
{
	sheet_buf *b = ud;

	if (b->n + n > b->cap) {
		size_t cap = b->cap > 0 ? b->cap : SHEET_INITIAL_BYTES;
		char *p;

		while (cap < b->n + n)
			cap *= 2;
		if ((p = bgw_arena_alloc(b->a, cap)) == NULL)
			return BGW_E_NOMEM;
		if (b->n > 0)
			memcpy(p, b->p, b->n);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	return BGW_OK;
}

bgw_err
h_bulk_open_csv(bgw_request *r)
{
	sheet_buf b = {.a = r->a};
	bulk_set set;
	bgw_err err = bulkanswer_open(r->app->db, r->a, &r->subject, NULL, 0, &set);

	if (err != BGW_OK ||
	    (err = bulkanswer_write_csv(&set, sheet_lang(r), to_buf, &b)) != BGW_OK)
		return err;
	return reply_file(r, CSV_TYPE, "attachment; filename=\"open-requests.csv\"", b.p, b.n);
}

bgw_err
h_bulk_open_xlsx(bgw_request *r)
{
	const char *tmpdir = getenv("TMPDIR");
	bulk_set set;
	char *buf;
	size_t len;
	bgw_err err = bulkanswer_open(r->app->db, r->a, &r->subject, NULL, 0, &set);

	if (err != BGW_OK || (err = bulkanswer_write_xlsx(r->a, &set, sheet_lang(r),
	    tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp", &buf, &len)) != BGW_OK)
		return err;
	return reply_file(r, XLSX_TYPE, "attachment; filename=\"open-requests.xlsx\"", buf, len);
}

bgw_err
h_bulk_answers(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bulkanswer_upload_in in = {.format = confimport_format_of_type(r->content_type),
		.responder_name = r->user.name, .responder_title = kv_get(r->query, "title")};
	bulkanswer_upload_out out;
	json_t *body, *ids;
	char *buf;
	bgw_err err;

	if (in.format != CONFIMPORT_CSV && in.format != CONFIMPORT_XLSX)
		return BGW_E_UNSUPPORTED_TYPE;
	if ((err = request_read_body(r, (long long)IMPORT_MAX_BYTES, &buf, &in.len)) != BGW_OK)
		return err;
	in.buf = buf;
	err = bulkanswer_upload(r->app->db, r->a, &r->subject, &who, &in, &out);
	if (out.refused_rows)
		return h_reply_rows(r, err, &out.rows.result);
	if (err != BGW_OK)
		return err;
	if ((ids = jsonout_own(r->a, json_array())) == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < out.answered; i++)
		json_array_append_new(ids, json_string(out.ids[i]));
	body = jsonout_own(r->a, json_pack("{s:I, s:s, s:O}", "answered",
	    (json_int_t)out.answered, "status", "awaiting_respondent_approval", "ids", ids));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}

/* The approver (name, title) as POST /confirmations/{cid}/response/approve takes it. */
static bgw_err
read_approver(bgw_request *r, const char **name, const char **title)
{
	static const field_spec person[] = {
		{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
		{.name = "title", .type = FIELD_STRING, .max_len = 200},
		{.name = NULL},
	};
	const json_t *approver = fields_get(r->fields, bulk_approve_fields, "approver")->j;
	field_value *vals;
	bgw_kv *errs = NULL, **tail = &r->field_errors;
	bgw_err err = fields_from_json(r->a, approver, person, &vals, &errs);

	if (err == BGW_E_VALIDATION)
		return kv_append_prefixed(r->a, &tail, "approver.", errs) == BGW_OK ? err : BGW_E_NOMEM;
	if (err != BGW_OK)
		return err;
	*name = fields_get(vals, person, "name")->s;
	*title = fields_get(vals, person, "title")->present ? fields_get(vals, person, "title")->s :
	    "";
	return BGW_OK;
}

static bgw_err
read_ids(bgw_request *r, const char ***ids, size_t *n)
{
	const json_t *arr = fields_get(r->fields, bulk_approve_fields, "ids")->j;

	*n = json_array_size(arr);
	if (*n == 0 || *n > BULKANSWER_MAX_APPROVE)
		return request_field_error(r, "ids", *n == 0 ? "required" : "too many");
	if ((*ids = bgw_arena_calloc(r->a, *n, sizeof(**ids))) == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < *n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));

		if (s == NULL || s[0] == '\0' || strlen(s) > 64)
			return request_field_error(r, "ids", "a list of confirmation ids");
		(*ids)[i] = s;
	}
	for (size_t i = 0; i < *n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp((*ids)[i], (*ids)[j]) == 0)
				return request_field_error(r, "ids", "an id given twice");
	return BGW_OK;
}

bgw_err
h_bulk_approve(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	const char **ids, *name, *title;
	bulk_approval *res;
	json_t *results, *body;
	size_t n;
	bgw_err err;

	if ((err = read_approver(r, &name, &title)) != BGW_OK ||
	    (err = read_ids(r, &ids, &n)) != BGW_OK)
		return err;
	if ((res = bgw_arena_calloc(r->a, n, sizeof(*res))) == NULL)
		return BGW_E_NOMEM;
	err = bulkanswer_approve(r->app->db, r->a, &r->subject, &who, ids, n, name, title, res);
	if (err != BGW_OK && err != BGW_E_INVALID_STATE)
		return err;
	if ((results = jsonout_own(r->a, json_array())) == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(results, json_pack("{s:s, s:s}", "id", res[i].id, "result",
		    res[i].code));
	if (err == BGW_OK)
		body = json_pack("{s:I, s:O}", "approved", (json_int_t)n, "results", results);
	else /* nothing was written: every id was judged before the first approval */
		body = json_pack("{s:{s:s, s:s, s:O}}", "error", "code", "invalid_state", "message",
		    "nothing approved: not every answer of the selection may be approved",
		    "results", results);
	if ((body = jsonout_own(r->a, body)) == NULL)
		return BGW_E_NOMEM;
	return request_reply_json(r, err == BGW_OK ? 200 : 409, body);
}
