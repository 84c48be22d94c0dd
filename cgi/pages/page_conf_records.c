/* page_conf_records.c - comments, documents and history on the confirmation page, and the
 * two POST routes that add a comment and upload a document from a plain HTML form.
 *
 * The upload form is multipart: the router has checked its CSRF token (the field before
 * the file) before this handler reads the body.  A parser running beside the document
 * store's own keeps the form's other fields: the respondent's answer form posts here with
 * its "attach" button (the whole form, multipart), and is shown again with everything
 * typed in it, the file stored or its error beside it. */
#include "pages/page_conf_records.h"

#include <string.h>

#include "actor.h"
#include "flow/audit.h"
#include "flow/auditview.h"
#include "flow/comment.h"
#include "flow/confinput.h"
#include "flow/workflow.h"
#include "files/document.h"
#include "http/multipart.h"
#include "core/utf8.h"
#include "upload.h"

void
page_doc_link(page *p, json_t *item)
{
	html_raw(&p->h, "<a download");
	html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/api/v1/documents/%s",
	    page_js(item, "id")));
	html_fill(&p->h, ">{n}</a> <span class=\"sub\">", {"n", page_js(item, "name")});
	html_int(&p->h, page_ji(item, "size"));
	html_fill(&p->h, " {b}", {"b", page_t(p, "doc.bytes")});
}

/* The answer form's parts: four per item, four per extra row, the responder, csrf_token,
 * the file and the button, with room to spare. */
#define UPLOAD_FORM_PARTS (4 * CONF_ITEMS_MAX + 64)
#define UPLOAD_FORM_OVERHEAD (64 * 1024) /* the form's fields and framing beside the file */
#define UPLOAD_FORM_TEXT_MAX UPLOAD_FORM_OVERHEAD /* all the form's field values together */

static const char *
cid_of(const bgw_request *r)
{
	return r->target.confirmation_id;
}

static void
thread_options(page *p)
{
	static const char *const threads[] = {COMMENT_THREAD_CLIENT, COMMENT_THREAD_RESPONDENT,
		NULL};

	html_fill(&p->h, "<div class=\"field\"><label for=\"f-comment-thread\">{l}</label>"
	    "<select id=\"f-comment-thread\" name=\"thread\">", {"l", page_t(p, "cmt.thread")});
	for (int i = 0; threads[i] != NULL; i++) {
		html_raw(&p->h, "<option");
		html_attr(&p->h, "value", threads[i]);
		html_raw(&p->h, ">");
		html_text(&p->h, page_t(p, bgw_arena_printf(p->r->a, "cmt.%s", threads[i])));
		html_raw(&p->h, "</option>");
	}
	html_raw(&p->h, "</select></div>");
}

bgw_err
page_conf_comments(page *p)
{
	bgw_request *r = p->r;
	json_t *list, *it;
	size_t i;
	bgw_err err = comment_list_json(r->app->db, r->a, cid_of(r), r->target.facts.side,
	    r->target.facts.shared_with_client, &list);

	if (err != BGW_OK)
		return err;
	html_fill(&p->h, "<section aria-labelledby=\"h-cmt\"><h2 id=\"h-cmt\">{t}</h2>",
	    {"t", page_t(p, "cmt.title")});
	if (json_array_size(json_object_get(list, "items")) == 0)
		html_fill(&p->h, "<p class=\"note\">{t}</p>", {"t", page_t(p, "cmt.none")});
	else
		html_raw(&p->h, "<ol class=\"tl\">");
	json_array_foreach(json_object_get(list, "items"), i, it) {
		const json_t *au = json_object_get(it, "author");

		html_raw(&p->h, "<li><span class=\"when\">");
		page_datetime(p, page_js(it, "created_at"));
		html_fill(&p->h, "</span> {who}（{side}）· {thread}<p>{body}</p></li>",
		    {"who", page_js(au, "name")},
		    {"side", page_t(p, bgw_arena_printf(r->a, "side.%s", page_js(au, "side")))},
		    {"thread", page_t(p, bgw_arena_printf(r->a, "cmt.%s", page_js(it, "thread")))},
		    {"body", page_js(it, "body")});
	}
	if (json_array_size(json_object_get(list, "items")) > 0)
		html_raw(&p->h, "</ol>");
	if (!r->target.facts.project_completed) {
		html_raw(&p->h, "<form method=\"post\"");
		html_attr_url(&p->h, "action", bgw_arena_printf(r->a, "/confirmations/%s/comments",
		    cid_of(r)));
		html_raw(&p->h, ">");
		p->form = "comment";
		page_csrf(p);
		if (r->target.facts.side == SIDE_AUDIT)
			thread_options(p);
		page_textarea(p, "body", "cmt.body", NULL, true);
		html_fill(&p->h, "<button type=\"submit\">{t}</button></form>",
		    {"t", page_t(p, "cmt.add")});
		p->form = NULL;
	}
	html_raw(&p->h, "</section>");
	return BGW_OK;
}

bgw_err
page_conf_documents(page *p)
{
	bgw_request *r = p->r;
	json_t *list, *it;
	size_t i;
	policy_subject s = page_subject(r);
	bgw_err err = doc_list_json(r->app->db, r->a, r->target.project_id, cid_of(r),
	    &r->target.facts, &list);

	if (err != BGW_OK)
		return err;
	html_fill(&p->h, "<section aria-labelledby=\"h-doc\"><h2 id=\"h-doc\">{t}</h2>",
	    {"t", page_t(p, "doc.attachments")});
	if (json_array_size(json_object_get(list, "items")) == 0)
		html_fill(&p->h, "<p class=\"note\">{t}</p>", {"t", page_t(p, "doc.none")});
	else
		html_raw(&p->h, "<ul>");
	json_array_foreach(json_object_get(list, "items"), i, it) {
		html_raw(&p->h, "<li>");
		page_doc_link(p, it);
		html_fill(&p->h, " · {by}（{side}） · ", {"by", page_js(it, "uploaded_by")},
		    {"side", page_t(p, bgw_arena_printf(r->a, "side.%s", page_js(it, "side")))});
		page_datetime(p, page_js(it, "created_at"));
		html_raw(&p->h, "</span></li>");
	}
	if (json_array_size(json_object_get(list, "items")) > 0)
		html_raw(&p->h, "</ul>");
	/* The same decision as the upload route's: none on a completed project, none for the
	 * client once the request is sent. */
	if (policy_decide(ACT_DOC_UPLOAD, &s, &r->target.facts) == BGW_OK) {
		html_raw(&p->h, "<form method=\"post\" enctype=\"multipart/form-data\"");
		/* No confirmation: the project's own documents (page_controls.c). */
		html_attr_url(&p->h, "action", cid_of(r) != NULL ?
		    bgw_arena_printf(r->a, "/confirmations/%s/documents", cid_of(r)) :
		    bgw_arena_printf(r->a, "/projects/%s/documents", r->target.project_id));
		html_raw(&p->h, ">");
		page_csrf(p);
		html_fill(&p->h, "<div class=\"field\"><label for=\"f-doc-file\">{l}</label>"
		    "<input id=\"f-doc-file\" name=\"file\" type=\"file\" required></div>",
		    {"l", page_t(p, "doc.file")});
		page_progress(p, "prog.scanning");
		html_fill(&p->h, "<button type=\"submit\">{b}</button></form>",
		    {"b", page_t(p, "doc.upload")});
	}
	html_raw(&p->h, "</section>");
	return BGW_OK;
}

/* An event in words of the page's language: the catalogue's "ev.<action>", or the action
 * as recorded when the catalogue has no name for it (a new kind of event still shows). */
static const char *
event_words(page *p, const char *action)
{
	const char *key = bgw_arena_printf(p->r->a, "ev.%s", action != NULL ? action : "");

	return key != NULL && i18n_has(key) ? page_t(p, key) : action;
}

/* One entry of the history: when, what in words, who, and its seal on the chain. */
static void
history_entry(page *p, const json_t *it)
{
	const char *who = page_js(json_object_get(it, "actor"), "name");

	html_raw(&p->h, "<li><span class=\"when\">");
	page_datetime(p, page_js(it, "at"));
	html_fill(&p->h, "</span> {a} — {who}<br><code class=\"seal\">{h}</code></li>",
	    {"a", event_words(p, page_js(it, "action"))},
	    {"who", who != NULL ? who : page_t(p, "hist.system")}, {"h", page_js(it, "hash")});
}

/* The entries of one group (steps: the changes of state; else the rest).  In the rest,
 * every view of the answer is folded into one line, "viewed N times", at the place of the
 * last view: with each view recorded they would otherwise dominate the history. */
static void
history_group(page *p, const json_t *items, bool steps)
{
	const json_t *it, *last_view = NULL;
	size_t i, views = 0;

	json_array_foreach(items, i, it) {
		const char *action = page_js(it, "action");

		if (!steps && action != NULL && strcmp(action, "response.view") == 0) {
			views++;
			last_view = it;
		}
	}
	json_array_foreach(items, i, it) {
		const char *action = page_js(it, "action");

		if (workflow_event_changes_state(action) != steps)
			continue;
		if (!steps && action != NULL && strcmp(action, "response.view") == 0) {
			if (it != last_view)
				continue;
			html_raw(&p->h, "<li class=\"folded\"><span class=\"when\">");
			page_datetime(p, page_js(it, "at"));
			html_fill(&p->h, "</span> {v} ", {"v", page_t(p, "hist.viewed")});
			html_int(&p->h, (long long)views);
			if (p->lang == I18N_EN)
				html_raw(&p->h, " ");
			html_fill(&p->h, "{t}</li>", {"t", page_t(p, "hist.times")});
			continue;
		}
		history_entry(p, it);
	}
}

bgw_err
page_conf_history(page *p)
{
	bgw_request *r = p->r;
	policy_subject s = page_subject(r);
	json_t *list, *items;
	bgw_err err;

	if (policy_decide(ACT_CONF_HISTORY, &s, &r->target.facts) != BGW_OK)
		return BGW_OK;
	err = auditview_history_json(r->app->db, r->a, r->target.project_id, cid_of(r), &list);
	if (err != BGW_OK)
		return err;
	items = json_object_get(list, "items");
	html_fill(&p->h, "<section aria-labelledby=\"h-hist\"><h2 id=\"h-hist\">{t}</h2>"
	    "<h3>{s}</h3><ol class=\"tl\" id=\"hist-steps\">",
	    {"t", page_t(p, "hist.title")}, {"s", page_t(p, "hist.steps")});
	history_group(p, items, true);
	html_fill(&p->h, "</ol><h3>{o}</h3><ol class=\"tl\" id=\"hist-other\">",
	    {"o", page_t(p, "hist.other")});
	history_group(p, items, false);
	html_raw(&p->h, "</ol></section>");
	return BGW_OK;
}

/* POST /confirmations/{cid}/comments: as the API (comment_write_thread decides the
 * thread), with the audit event that names the thread and never the text. */
bgw_err
page_comment_add(bgw_request *r)
{
	static const char *const threads[] = {COMMENT_THREAD_CLIENT, COMMENT_THREAD_RESPONDENT,
		NULL};
	static const field_spec spec[] = {
		{.name = "body", .type = FIELD_TEXT, .required = true, .max_len = COMMENT_BODY_MAX},
		{.name = "thread", .type = FIELD_ENUM, .enum_values = threads},
		{.name = NULL},
	};
	const field_value *tv;
	comment_post_in in;
	bgw_kv *errors; /* the form offers only the threads this side may write */
	json_t *comment;
	bgw_err err;

	if (r->target.facts.project_completed)
		return BGW_E_PROJECT_COMPLETED;
	if ((err = page_fields(r, spec)) != BGW_OK)
		return err;
	tv = fields_get(r->fields, spec, "thread");
	in = actor_comment(r, tv->present ? tv->s : NULL, fields_get(r->fields, spec, "body")->s);
	if ((err = comment_post(r->app->db, r->a, &in, &comment, &errors)) != BGW_OK)
		return err;
	return page_redirect(r, bgw_arena_printf(r->a, "/confirmations/%s?m=msg.saved#h-cmt",
	    cid_of(r)));
}

/* The upload body read from FastCGI and, on the way, watched for the form's other fields
 * (kept in r->form, as the router does for an urlencoded form). */
struct guard {
	bgw_request *r;
	multipart_parser *mp;
	long long got;
	bool in_field;
	const char *field;     /* the current text field's name */
	char *text;            /* UPLOAD_FORM_TEXT_MAX bytes for every field's value */
	size_t text_len, field_start;
	bgw_kv **tail;
};

static bgw_err
g_begin(void *ud, const multipart_part *part)
{
	struct guard *g = ud;

	/* The token is the router's (checked before the body reached us), not a form field. */
	g->in_field = part->filename == NULL && strcmp(part->name, "file") != 0 &&
	    strcmp(part->name, "csrf_token") != 0;
	if (g->in_field) {
		g->field = bgw_arena_strdup(g->r->a, part->name);
		g->field_start = g->text_len;
		if (g->field == NULL)
			return BGW_E_NOMEM;
	}
	return BGW_OK;
}

static bgw_err
g_data(void *ud, const char *buf, size_t n)
{
	struct guard *g = ud;

	if (g->in_field) {
		if (g->text_len + n > UPLOAD_FORM_TEXT_MAX)
			return BGW_E_TOO_LARGE;
		memcpy(g->text + g->text_len, buf, n);
		g->text_len += n;
	}
	return BGW_OK;
}

static bgw_err
g_end(void *ud)
{
	struct guard *g = ud;

	if (g->in_field) {
		const char *v = g->text + g->field_start;
		size_t n = g->text_len - g->field_start;

		g->in_field = false;
		/* Text as the urlencoded parser gives it: valid UTF-8 without NUL. */
		if (memchr(v, '\0', n) != NULL || !utf8_valid(v, n))
			return BGW_E_BAD_REQUEST;
		return kv_append(g->r->a, &g->tail, g->field, v, n);
	}
	return BGW_OK;
}

static bgw_err
g_read(void *ud, char *buf, size_t cap, size_t *n)
{
	struct guard *g = ud;
	int got = request_body_get(g->r, buf, (int)cap);
	bgw_err err;

	if (got < 0)
		return BGW_E_BAD_REQUEST;
	*n = (size_t)got;
	g->got += got;
	if (got == 0 && g->r->content_length >= 0 && g->got != g->r->content_length)
		return BGW_E_BAD_REQUEST;
	if (got > 0 && (err = multipart_feed(g->mp, buf, (size_t)got)) != BGW_OK)
		return err;
	return BGW_OK;
}

/* Read what is left of the body through the guard, so that the answer form gets all its
 * fields back whatever stopped the store early (no scanner, a file too large); the guard's
 * own limits end it. */
static void
drain(struct guard *g)
{
	char *buf = bgw_arena_alloc(g->r->a, DOC_READ_CHUNK);
	size_t n = 1;

	while (buf != NULL && n > 0)
		if (g_read(g, buf, DOC_READ_CHUNK, &n) != BGW_OK)
			break;
}

/* A refused file the respondent can act on, shown beside the answer form's file field. */
static const char *
file_reason(bgw_err err)
{
	switch (err) {
	case BGW_E_VALIDATION:
		return "required";
	case BGW_E_INFECTED:
	case BGW_E_TOO_LARGE:
	case BGW_E_UNSUPPORTED_TYPE:
	case BGW_E_SCANNER_UNAVAILABLE:
		return bgw_err_code(err); /* the catalogue's err.* wording has the same names */
	default:
		return NULL;
	}
}

/* POST /confirmations/{cid}/documents (a form): store the file as the API does, then back
 * to the confirmation page; from the answer form (?next=answer), that form again with what
 * was typed in it, and the file listed or its error beside the field. */
bgw_err
page_doc_upload(bgw_request *r)
{
	static const multipart_callbacks cb = {g_begin, g_data, g_end};
	multipart_limits lim = {.max_parts = UPLOAD_FORM_PARTS,
		.max_header_bytes = MULTIPART_DEFAULT_MAX_HEADER_BYTES,
		.max_total = (size_t)r->app->cfg->upload_max_bytes + UPLOAD_FORM_OVERHEAD};
	struct guard g = {.r = r, .tail = &r->form};
	doc_reader rd = {g_read, &g};
	const char *next = kv_get(r->query, "next");
	bool answer = next != NULL && strcmp(next, "answer") == 0;
	doc_info info;
	bgw_kv *unused = NULL; /* file_reason words a missing file for the form */
	const char *why;
	bgw_err err;

	if (r->target.facts.project_completed)
		return BGW_E_PROJECT_COMPLETED;
	if (r->content_length > r->app->cfg->upload_max_bytes + (long long)UPLOAD_FORM_OVERHEAD)
		return BGW_E_TOO_LARGE;
	if ((g.text = bgw_arena_alloc(r->a, UPLOAD_FORM_TEXT_MAX)) == NULL)
		return BGW_E_NOMEM;
	r->form = NULL;
	if ((err = multipart_new(r->a, r->content_type, &lim, &cb, &g, &g.mp)) != BGW_OK)
		return err;
	err = upload_store(r, &rd, UPLOAD_FORM_PARTS, &info, &unused);
	if (answer && err != BGW_OK)
		drain(&g); /* the fields after the point where the store stopped reading */
	if (answer && err == BGW_OK)
		return page_answer_again(r, 200, info.name);
	if (answer && (why = file_reason(err)) != NULL) {
		if ((err = request_field_error(r, "file", why)) != BGW_E_VALIDATION)
			return err;
		return page_answer_again(r, 422, NULL);
	}
	if (err != BGW_OK)
		return err;
	if (cid_of(r) == NULL)
		return page_redirect(r, bgw_arena_printf(r->a, "/projects/%s/documents?m=msg.saved",
		    r->target.project_id));
	return page_redirect(r, bgw_arena_printf(r->a, "/confirmations/%s?m=msg.saved",
	    cid_of(r)));
}
