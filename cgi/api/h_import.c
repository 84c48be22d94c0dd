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
#include <strings.h>

#include "flow/audit.h"
#include "records/confimport.h"
#include "records/csv.h"
#include "core/log.h"
#include "records/xlsx.h"
#include "records/xmlio.h"

/* Larger than body_max_bytes on purpose: 10,000 rows are several MiB.  nginx and
 * ModSecurity must let this path's bodies through up to the same size. */
#define IMPORT_BODY_MAX ((long long)IMPORT_MAX_BYTES)
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define TEMPLATE_MAX_BYTES (1024 * 1024)

enum import_format { FMT_NONE, FMT_CSV, FMT_XML, FMT_XLSX };

static bool
type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct != NULL && strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static enum import_format
format_of(const char *ct)
{
	if (type_is(ct, "text/csv"))
		return FMT_CSV;
	if (type_is(ct, "application/xml") || type_is(ct, "text/xml"))
		return FMT_XML;
	if (type_is(ct, XLSX_TYPE))
		return FMT_XLSX;
	return FMT_NONE;
}

static const char *const format_names[] = {"none", "csv", "xml", "xlsx"};

/* The error answer with the rows (every bad row, or the one fatal problem). */
static bgw_err
reply_rows(bgw_request *r, bgw_err kind, const import_result *res)
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

static bgw_err
parse(bgw_request *r, enum import_format fmt, const char *buf, size_t len,
    import_result *res)
{
	char *xsd;

	switch (fmt) {
	case FMT_CSV:
		return csv_import(r->a, buf, len, res);
	case FMT_XLSX:
		return xlsx_import(r->a, buf, len, res);
	case FMT_XML:
		xsd = bgw_arena_printf(r->a, "%s/db/confirmations.xsd", r->app->cfg->srcdir);
		return xsd != NULL ? xmlio_import(r->a, buf, len, xsd, res) : BGW_E_NOMEM;
	default:
		return BGW_E_UNSUPPORTED_TYPE;
	}
}

bgw_err
h_conf_import(bgw_request *r)
{
	enum import_format fmt = format_of(r->content_type);
	import_result res = {0};
	conf_input *in = NULL;
	char *buf, *detail;
	size_t len;
	bgw_err err;

	if (fmt == FMT_NONE)
		return BGW_E_UNSUPPORTED_TYPE;
	if ((err = request_read_body(r, IMPORT_BODY_MAX, &buf, &len)) != BGW_OK)
		return err;
	err = parse(r, fmt, buf, len, &res);
	/* The tabular importers build every confirmation even when rows are bad: check them
	 * too, so the answer lists every bad row at once. */
	if (err == BGW_OK || (err == BGW_E_VALIDATION && fmt != FMT_XML))
		err = confimport_check(r->a, &res, err != BGW_OK, &in);
	if (err == BGW_E_VALIDATION || err == BGW_E_BAD_REQUEST ||
	    (err == BGW_E_TOO_LARGE && res.nerrors > 0))
		return reply_rows(r, err, &res);
	if (err != BGW_OK)
		return err;
	err = confimport_store(r->app->db, r->a, r->target.project_id, in, res.nconfirmations);
	if (err != BGW_OK)
		return err;
	detail = bgw_arena_printf(r->a, "{\"count\":%zu,\"items\":%zu,\"format\":\"%s\"}",
	    res.nconfirmations, res.nitems, format_names[fmt]);
	if (detail == NULL)
		return BGW_E_NOMEM;
	{
		audit_event ev = {.project_id = r->target.project_id, .actor_id = r->user_id,
			.action = "conf.import", .object_type = "project",
			.object_id = r->target.project_id, .ip = r->remote_addr,
			.detail_json = detail};
		json_t *body;

		if ((err = audit_append(r->app->db, r->a, &ev, NULL)) != BGW_OK)
			return err;
		body = jsonout_own(r->a, json_pack("{s:I}", "created",
		    (json_int_t)res.nconfirmations));
		return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
	}
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
