/* h_import.c - POST /projects/{pid}/confirmations/import (CSV, XML, XLSX) and the import
 * templates.
 *
 * All or nothing: the file is parsed (lib/records/csv.h, lib/records/xmlio.h, lib/records/xlsx.h), every
 * confirmation is checked with the API's rules (lib/records/confimport.h), and only a file without
 * a single bad row is stored, in the router's transaction, with one audit event.  Any bad
 * row answers 422 listing every bad row: {"error": {"code": "validation", "message": ...,
 * "rows": [{"row", "column", "message"}]}}.
 */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include "records/confimport.h"
#include "core/log.h"

/* Larger than body_max_bytes on purpose: 10,000 rows are several MiB.  nginx and
 * ModSecurity must let this path's bodies through up to the same size. */
#define IMPORT_BODY_MAX ((long long)IMPORT_MAX_BYTES)
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define TEMPLATE_MAX_BYTES (1024 * 1024)

/* The error answer with the rows (every bad row, or the one fatal problem); also the desk's
 * bulk answers' (h_bulkanswer.c). */
bgw_err
h_reply_rows(bgw_request *r, bgw_err kind, const import_result *res)
{
	json_t *rows = confimport_rows_json(res);
	json_t *body;

	if (rows == NULL)
		return BGW_E_NOMEM;
	body = jsonout_own(r->a, json_pack("{s:{s:s, s:s, s:o}}", "error",
	    "code", bgw_err_code(kind), "message", bgw_err_message(kind), "rows", rows));
	if (body == NULL)
		return BGW_E_NOMEM;
	/* Nothing was written: the (empty) transaction may commit. */
	return request_reply_json(r, bgw_err_status(kind), body);
}

bgw_err
h_conf_import(bgw_request *r)
{
	confimport_run_in in = {.project_id = r->target.project_id, .ip = r->remote_addr,
		.format = confimport_format_of_type(r->content_type)};
	confimport_run_out out;
	char *buf;
	json_t *body;
	bgw_err err;

	if (in.format == CONFIMPORT_NONE)
		return BGW_E_UNSUPPORTED_TYPE;
	if ((err = request_read_body(r, IMPORT_BODY_MAX, &buf, &in.len)) != BGW_OK)
		return err;
	in.buf = buf;
	in.xsd_path = bgw_arena_printf(r->a, "%s/db/confirmations.xsd", r->app->cfg->srcdir);
	if (in.xsd_path == NULL)
		return BGW_E_NOMEM;
	err = confimport_run(r->app->db, r->a, r->user_id, &in, &out);
	if (out.refused_rows)
		return h_reply_rows(r, err, &out.result);
	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:I}", "created", (json_int_t)out.created));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}

/* The templates people fill in; names are fixed, never a path from the request. */
static const struct {
	const char *name, *type;
} templates[] = {
	{"confirmations-template.csv", "text/csv; charset=utf-8"},
	{"confirmations-template.xlsx", XLSX_TYPE},
};

static bgw_err
read_file(bgw_arena *a, const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	size_t n;

	if (f == NULL)
		return BGW_E_IO;
	p = bgw_arena_alloc(a, TEMPLATE_MAX_BYTES + 1);
	if (p == NULL) {
		fclose(f);
		return BGW_E_NOMEM;
	}
	n = fread(p, 1, TEMPLATE_MAX_BYTES + 1, f);
	if (ferror(f) || n > TEMPLATE_MAX_BYTES) {
		fclose(f);
		return BGW_E_IO;
	}
	fclose(f);
	*buf = p;
	*len = n;
	return BGW_OK;
}

bgw_err
h_import_template(bgw_request *r)
{
	const char *name = r->path_params[0];

	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		char *path, *buf, *disposition;
		size_t len;
		bgw_err err;

		if (strcmp(name, templates[i].name) != 0)
			continue;
		path = bgw_arena_printf(r->a, "%s/db/templates/%s", r->app->cfg->srcdir, name);
		disposition = bgw_arena_printf(r->a, "attachment; filename=\"%s\"", name);
		if (path == NULL || disposition == NULL)
			return BGW_E_NOMEM;
		if ((err = read_file(r->a, path, &buf, &len)) != BGW_OK) {
			bgw_log(BGW_LOG_ERROR, "could not read import template %s", name);
			return err;
		}
		if ((err = request_add_header(r, "Content-Disposition", disposition)) != BGW_OK)
			return err;
		r->status = 200;
		r->resp_type = templates[i].type;
		r->resp_body = buf;
		r->resp_len = len;
		return BGW_OK;
	}
	return BGW_E_NOT_FOUND;
}
