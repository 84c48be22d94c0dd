/* page_import.c - GET/POST /projects/{pid}/import: bulk import from a plain HTML form.
 *
 * The file goes through the same lib/ calls as POST /api/v1/.../confirmations/import
 * (csv_import, xlsx_import, xmlio_import, confimport_check, confimport_store): all or
 * nothing, and every bad row listed on the page.  The form is multipart: the router has
 * checked its CSRF token (the field before the file) before this handler reads the body. */
#include "pages/page.h"

#include <string.h>
#include <strings.h>

#include "flow/audit.h"
#include "records/confimport.h"
#include "records/csv.h"
#include "http/multipart.h"
#include "records/xlsx.h"
#include "records/xmlio.h"

#define IMPORT_FORM_OVERHEAD (64 * 1024) /* the form's fields and framing beside the file */
#define IMPORT_FORM_PARTS 4
#define PAGE_IMPORT_FILENAME_MAX 255

enum fmt { F_NONE, F_CSV, F_XML, F_XLSX };
static const char *const fmt_names[] = {"none", "csv", "xml", "xlsx"};

/* The parts of the form, collected from the body in memory. */
struct upload {
	bgw_request *r;
	const char *part;         /* the current part's name */
	bool has_file;
	char filename[PAGE_IMPORT_FILENAME_MAX + 1];
	char *file;               /* arena copy, at most the body's size */
	size_t file_len, file_cap;
	const char *file_type;
};

static bgw_err
u_begin(void *ud, const multipart_part *p)
{
	struct upload *u = ud;

	u->part = p->name;
	if (strcmp(p->name, "file") == 0) {
		if (u->has_file)
			return BGW_E_BAD_REQUEST;
		u->has_file = true;
		snprintf(u->filename, sizeof(u->filename), "%s", p->filename != NULL ? p->filename : "");
		u->file_type = p->content_type != NULL ? bgw_arena_strdup(u->r->a, p->content_type) :
		    NULL;
	}
	return BGW_OK;
}

static bgw_err
u_data(void *ud, const char *buf, size_t n)
{
	struct upload *u = ud;

	if (strcmp(u->part, "file") == 0) {
		/* The file is copied out: the parser may hand bytes on from its own buffer. */
		if (u->file_len + n > u->file_cap)
			return BGW_E_TOO_LARGE;
		memcpy(u->file + u->file_len, buf, n);
		u->file_len += n;
	}
	return BGW_OK;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static enum fmt
format_of(const struct upload *u)
{
	if (ends_with(u->filename, ".csv"))
		return F_CSV;
	if (ends_with(u->filename, ".xlsx"))
		return F_XLSX;
	if (ends_with(u->filename, ".xml"))
		return F_XML;
	return F_NONE;
}

static void
form(page *p)
{
	bgw_request *r = p->r;

	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-imp\"><h2 id=\"h-imp\">{t}</h2>"
	    "<p>{h}</p><ul><li><a download href=\"/api/v1/import-templates/confirmations-template.csv\">"
	    "{csv}</a></li><li><a download "
	    "href=\"/api/v1/import-templates/confirmations-template.xlsx\">{xlsx}</a></li></ul>"
	    "<form method=\"post\" enctype=\"multipart/form-data\"",
	    {"t", page_t(p, "imp.upload")}, {"h", page_t(p, "imp.help")},
	    {"csv", page_t(p, "imp.template_csv")}, {"xlsx", page_t(p, "imp.template_xlsx")});
	html_attr_url(&p->h, "action", bgw_arena_printf(r->a, "/projects/%s/import",
	    r->target.project_id));
	html_raw(&p->h, ">");
	page_csrf(p);
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-imp-file\">{l}</label>"
	    "<input id=\"f-imp-file\" name=\"file\" type=\"file\" required "
	    "accept=\".csv,.xlsx,.xml,text/csv,application/xml\" aria-describedby=\"imp-wait\">"
	    "</div><p class=\"note\" id=\"imp-wait\">{w}</p>",
	    {"l", page_t(p, "doc.file")}, {"w", page_t(p, "imp.wait")});
	page_progress(p, "prog.importing");
	html_fill(&p->h, "<button type=\"submit\" class=\"primary\">{b}</button></form></section>",
	    {"b", page_t(p, "imp.submit")});
}

/* The page; rows (the bad rows, or NULL) and message_key (an alert, or NULL). */
static bgw_err
show(bgw_request *r, int status, const json_t *rows, const char *message_key)
{
	page p;
	size_t i;
	json_t *row;

	page_init(&p, r, "imp.title");
	html_raw(&p.h, "<p class=\"crumbs\"><a");
	html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/projects/%s", r->target.project_id));
	html_fill(&p.h, ">{b}</a></p><h1>{t}</h1>", {"b", page_t(&p, "common.back")},
	    {"t", p.title});
	if (message_key != NULL)
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\" id=\"errors\" tabindex=\"-1\">"
		    "<p>{m}</p></div>", {"m", page_t(&p, message_key)});
	if (json_array_size(rows) > 0) {
		html_fill(&p.h, "<section aria-labelledby=\"h-rows\"><h2 id=\"h-rows\">{t}</h2>"
		    "<div class=\"scroll\" tabindex=\"0\"><table><thead><tr><th scope=\"col\" "
		    "class=\"num\">{a}</th><th scope=\"col\">{b}</th><th scope=\"col\">{c}</th></tr>"
		    "</thead><tbody>", {"t", page_t(&p, "imp.rows")}, {"a", page_t(&p, "imp.row")},
		    {"b", page_t(&p, "imp.column")}, {"c", page_t(&p, "imp.problem")});
		json_array_foreach(rows, i, row) {
			html_raw(&p.h, "<tr><td class=\"num\">");
			html_int(&p.h, page_ji(row, "row"));
			html_fill(&p.h, "</td><td>{c}</td><td>{m}</td></tr>",
			    {"c", page_js(row, "column")}, {"m", page_js(row, "message")});
		}
		html_raw(&p.h, "</tbody></table></div></section>");
	}
	form(&p);
	return page_send(&p, status);
}

bgw_err
page_import(bgw_request *r)
{
	return show(r, 200, NULL, NULL);
}

static bgw_err
parse(bgw_request *r, enum fmt f, const char *buf, size_t len, import_result *res)
{
	char *xsd;

	switch (f) {
	case F_CSV:
		return csv_import(r->a, buf, len, res);
	case F_XLSX:
		return xlsx_import(r->a, buf, len, res);
	case F_XML:
		xsd = bgw_arena_printf(r->a, "%s/db/confirmations.xsd", r->app->cfg->srcdir);
		return xsd != NULL ? xmlio_import(r->a, buf, len, xsd, res) : BGW_E_NOMEM;
	default:
		return BGW_E_UNSUPPORTED_TYPE;
	}
}

bgw_err
page_import_post(bgw_request *r)
{
	static const multipart_callbacks cb = {u_begin, u_data, NULL};
	multipart_limits lim = {.max_parts = IMPORT_FORM_PARTS,
		.max_header_bytes = MULTIPART_DEFAULT_MAX_HEADER_BYTES,
		.max_total = (size_t)IMPORT_MAX_BYTES + IMPORT_FORM_OVERHEAD};
	struct upload u = {.r = r};
	multipart_parser *mp;
	import_result res = {0};
	conf_input *in = NULL;
	enum fmt f;
	char *body, *detail;
	size_t len;
	bgw_err err;

	if ((err = multipart_new(r->a, r->content_type, &lim, &cb, &u, &mp)) != BGW_OK ||
	    (err = request_read_body(r, (long long)IMPORT_MAX_BYTES + IMPORT_FORM_OVERHEAD, &body,
	    &len)) != BGW_OK)
		return err;
	u.file_cap = len;
	if ((u.file = bgw_arena_alloc(r->a, len + 1)) == NULL)
		return BGW_E_NOMEM;
	if ((err = multipart_feed(mp, body, len)) != BGW_OK ||
	    (err = multipart_finish(mp)) != BGW_OK)
		return err;
	if (!u.has_file || u.file_len == 0)
		return show(r, 422, NULL, "imp.no_file");
	if ((f = format_of(&u)) == F_NONE)
		return show(r, 415, NULL, "imp.bad_type");
	err = parse(r, f, u.file, u.file_len, &res);
	if (err == BGW_OK || (err == BGW_E_VALIDATION && f != F_XML))
		err = confimport_check(r->a, &res, err != BGW_OK, &in);
	if (err == BGW_E_VALIDATION || err == BGW_E_BAD_REQUEST ||
	    (err == BGW_E_TOO_LARGE && res.nerrors > 0)) {
		json_t *rows = jsonout_own(r->a, confimport_rows_json(&res));

		return rows != NULL ? show(r, 422, rows, "imp.failed") : BGW_E_NOMEM;
	}
	if (err != BGW_OK)
		return err;
	if ((err = confimport_store(r->app->db, r->a, r->target.project_id, in,
	    res.nconfirmations)) != BGW_OK)
		return err;
	detail = bgw_arena_printf(r->a, "{\"count\":%zu,\"items\":%zu,\"format\":\"%s\"}",
	    res.nconfirmations, res.nitems, fmt_names[f]);
	if (detail == NULL)
		return BGW_E_NOMEM;
	{
		audit_event ev = {.project_id = r->target.project_id, .actor_id = r->user_id,
			.action = "conf.import", .object_type = "project",
			.object_id = r->target.project_id, .ip = r->remote_addr, .detail_json = detail};

		if ((err = audit_append(r->app->db, r->a, &ev, NULL)) != BGW_OK)
			return err;
	}
	return page_redirect(r, bgw_arena_printf(r->a, "/projects/%s?m=msg.saved",
	    r->target.project_id));
}
