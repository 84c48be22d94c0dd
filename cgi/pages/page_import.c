/* page_import.c - GET/POST /projects/{pid}/import: bulk import from a plain HTML form.
 *
 * The file goes through the same use case as POST /api/v1/.../confirmations/import
 * (confimport_run): all or nothing, and every bad row listed on the page.  The form is
 * multipart: the router has checked its CSRF token (the field before the file) before this
 * handler reads the body. */
#include "pages/page.h"

#include <string.h>

#include "records/confimport.h"
#include "http/multipart.h"

#define PAGE_UPLOAD_OVERHEAD (64 * 1024) /* the form's fields and framing beside the file */
#define PAGE_UPLOAD_PARTS 4
#define PAGE_UPLOAD_TEXT_MAX 1024         /* a text field beside the file */

/* The parts of the form, collected from the body in memory. */
struct upload {
	page_upload *out;
	bgw_arena *a;
	const char *part;         /* the current part's name */
	char *file;               /* arena copy, at most the body's size */
	size_t file_cap;
	char *text;               /* the current text part */
	size_t text_len;
};

static bgw_err
u_begin(void *ud, const multipart_part *p)
{
	struct upload *u = ud;

	u->part = p->name;
	if (strcmp(p->name, "file") == 0) {
		if (u->out->has_file)
			return BGW_E_BAD_REQUEST;
		u->out->has_file = true;
		snprintf(u->out->filename, sizeof(u->out->filename), "%s",
		    p->filename != NULL ? p->filename : "");
	} else {
		u->text_len = 0;
		u->text[0] = '\0';
	}
	return BGW_OK;
}

static bgw_err
u_data(void *ud, const char *buf, size_t n)
{
	struct upload *u = ud;

	if (strcmp(u->part, "file") == 0) {
		/* The file is copied out: the parser may hand bytes on from its own buffer. */
		if (u->out->len + n > u->file_cap)
			return BGW_E_TOO_LARGE;
		memcpy(u->file + u->out->len, buf, n);
		u->out->len += n;
	} else {
		if (u->text_len + n > PAGE_UPLOAD_TEXT_MAX)
			return BGW_E_TOO_LARGE;
		memcpy(u->text + u->text_len, buf, n);
		u->text_len += n;
		u->text[u->text_len] = '\0';
	}
	return BGW_OK;
}

static bgw_err
u_end(void *ud)
{
	struct upload *u = ud;
	bgw_kv **tail = &u->out->fields;

	if (strcmp(u->part, "file") == 0 || strcmp(u->part, "csrf_token") == 0)
		return BGW_OK;
	while (*tail != NULL)
		tail = &(*tail)->next;
	return kv_append(u->a, &tail, u->part, u->text, u->text_len);
}

bgw_err
page_read_upload(bgw_request *r, size_t max_file, page_upload *out)
{
	static const multipart_callbacks cb = {u_begin, u_data, u_end};
	multipart_limits lim = {.max_parts = PAGE_UPLOAD_PARTS,
		.max_header_bytes = MULTIPART_DEFAULT_MAX_HEADER_BYTES,
		.max_total = max_file + PAGE_UPLOAD_OVERHEAD};
	struct upload u = {.out = out, .a = r->a};
	multipart_parser *mp;
	char *body;
	size_t len;
	bgw_err err;

	memset(out, 0, sizeof(*out));
	if ((err = multipart_new(r->a, r->content_type, &lim, &cb, &u, &mp)) != BGW_OK ||
	    (err = request_read_body(r, (long long)(max_file + PAGE_UPLOAD_OVERHEAD), &body,
	    &len)) != BGW_OK)
		return err;
	u.file_cap = len;
	u.file = bgw_arena_alloc(r->a, len + 1);
	u.text = bgw_arena_alloc(r->a, PAGE_UPLOAD_TEXT_MAX + 1);
	if (u.file == NULL || u.text == NULL)
		return BGW_E_NOMEM;
	if ((err = multipart_feed(mp, body, len)) != BGW_OK ||
	    (err = multipart_finish(mp)) != BGW_OK)
		return err;
	out->file = u.file;
	return BGW_OK;
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

/* The bad rows of a refused file (confimport_rows_json's list; nothing for NULL or []): the
 * import's and the desk's upload pages show them alike. */
void
page_import_rows(page *p, const json_t *rows)
{
	size_t i;
	json_t *row;

	if (json_array_size(rows) == 0)
		return;
	html_fill(&p->h, "<section aria-labelledby=\"h-rows\"><h2 id=\"h-rows\">{t}</h2>"
	    "<div class=\"scroll\" tabindex=\"0\"><table><thead><tr><th scope=\"col\" "
	    "class=\"num\">{a}</th><th scope=\"col\">{b}</th><th scope=\"col\">{c}</th></tr>"
	    "</thead><tbody>", {"t", page_t(p, "imp.rows")}, {"a", page_t(p, "imp.row")},
	    {"b", page_t(p, "imp.column")}, {"c", page_t(p, "imp.problem")});
	json_array_foreach(rows, i, row) {
		html_raw(&p->h, "<tr><td class=\"num\">");
		html_int(&p->h, page_ji(row, "row"));
		html_fill(&p->h, "</td><td>{c}</td><td>{m}</td></tr>",
		    {"c", page_js(row, "column")}, {"m", page_js(row, "message")});
	}
	html_raw(&p->h, "</tbody></table></div></section>");
}

/* The page; rows (the bad rows, or NULL) and message_key (an alert, or NULL). */
static bgw_err
show(bgw_request *r, int status, const json_t *rows, const char *message_key)
{
	page p;

	page_init(&p, r, "imp.title");
	html_raw(&p.h, "<p class=\"crumbs\"><a");
	html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/projects/%s", r->target.project_id));
	html_fill(&p.h, ">{b}</a></p><h1>{t}</h1>", {"b", page_t(&p, "common.back")},
	    {"t", p.title});
	if (message_key != NULL)
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\" id=\"errors\" tabindex=\"-1\">"
		    "<p>{m}</p></div>", {"m", page_t(&p, message_key)});
	page_import_rows(&p, rows);
	form(&p);
	return page_send(&p, status);
}

bgw_err
page_import(bgw_request *r)
{
	return show(r, 200, NULL, NULL);
}

bgw_err
page_import_post(bgw_request *r)
{
	page_upload up;
	confimport_run_in in = {.project_id = r->target.project_id, .ip = r->remote_addr};
	confimport_run_out out;
	bgw_err err;

	if ((err = page_read_upload(r, (size_t)IMPORT_MAX_BYTES, &up)) != BGW_OK)
		return err;
	if (!up.has_file || up.len == 0)
		return show(r, 422, NULL, "imp.no_file");
	if ((in.format = confimport_format_of_name(up.filename)) == CONFIMPORT_NONE)
		return show(r, 415, NULL, "imp.bad_type");
	in.buf = up.file;
	in.len = up.len;
	in.xsd_path = bgw_arena_printf(r->a, "%s/db/confirmations.xsd", r->app->cfg->srcdir);
	if (in.xsd_path == NULL)
		return BGW_E_NOMEM;
	err = confimport_run(r->app->db, r->a, r->user_id, &in, &out);
	if (out.refused_rows) {
		json_t *rows = jsonout_own(r->a, confimport_rows_json(&out.result));

		return rows != NULL ? show(r, 422, rows, "imp.failed") : BGW_E_NOMEM;
	}
	if (err != BGW_OK)
		return err;
	return page_redirect(r, bgw_arena_printf(r->a, "/projects/%s?m=msg.saved",
	    r->target.project_id));
}
