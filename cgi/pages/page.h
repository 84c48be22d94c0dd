/* page.h - what every HTML page handler shares: the request's language, the layout, forms
 * (CSRF field, field errors), redirects after POST, and per-locale dates and amounts.
 *
 * A page handler builds its content into p.h (lib/http/html.h: text is escaped, markup is
 * literal-only), then page_send wraps it in the layout.  Pages call the same lib/ functions
 * as the JSON handlers; the router has already authenticated, checked CSRF and asked the
 * policy layer before the handler runs.
 */
#ifndef BGW_PAGE_H
#define BGW_PAGE_H

#include <jansson.h>

#include "api/handlers.h"
#include "http/html.h"
#include "core/i18n.h"
#include "flow/workflow.h"

/* Static assets: content-hashed names (the first 12 hex digits of the file's SHA-256), so
 * nginx may cache them for a year.  tests/browser/static.test.mjs fails when a file's hash
 * and its name disagree: after editing, rename the file and change the name here. */
#define PAGE_CSS "/static/app.e75e3e474581.css"
#define PAGE_JS "/static/app.6088a67fee80.js"

#define PAGE_LANG_MAX_AGE (365L * 24 * 60 * 60)

typedef struct page {
	bgw_request *r;
	enum i18n_lang lang;
	html h;            /* the content (inside <main>) */
	const char *title; /* plain text, for <title> and the <h1> */
	const char *form;     /* the form being written (field ids "f-<form>-<name>"), or NULL */
	const char *err_form; /* the form whose POST failed: only its fields show errors */
} page;

/* Start a page for r: picks the language (and remembers an explicit ?lang= in a cookie). */
void page_init(page *p, bgw_request *r, const char *title_key);

/* The catalogue text of key in the page's language. */
const char *page_t(const page *p, const char *key);

/* Escaped catalogue text. */
void page_tx(page *p, const char *key);

/* Wrap p's content in the layout and answer with status. */
bgw_err page_send(page *p, int status);

/* Answer 303 See Other to location (a same-origin path, html_url_ok). */
bgw_err page_redirect(bgw_request *r, const char *location);

/* Validate r->form (read by the router for BODY_FORM routes) against specs into r->fields
 * and r->field_errors, so a page can show its form again with the errors: BGW_OK,
 * BGW_E_VALIDATION (errors listed), or BGW_E_BAD_REQUEST. */
bgw_err page_fields(bgw_request *r, const field_spec *specs);

/* The hidden csrf_token field of a form (signed-in pages). */
void page_csrf(page *p);

/* A one-button form posting to action, in a table row: the button's text (label_key) and,
 * for screen readers, the name of who it acts on; danger styles it as such. */
void page_row_button(page *p, const char *action, const char *label_key, const char *who,
    bool danger);

/* A list of the request's field errors (r->field_errors), if any, as an alert box with
 * links to the fields. */
void page_errors(page *p);

/* The reason for field name, or NULL; and its text in the page's language. */
const char *page_field_reason(const page *p, const char *name);

/* A labelled input: <label for=id>label</label><input id=id name=name type=type value=...>
 * with aria-invalid and the field's error text when the request failed on it. */
void page_input(page *p, const char *name, const char *type, const char *label_key,
    const char *value, const char *autocomplete, bool required);

/* A labelled <textarea>. */
void page_textarea(page *p, const char *name, const char *label_key, const char *value,
    bool required);

/* A labelled <select> of sections (lane rs): an empty option, then every name of lists
 * (nlists NULL-terminated name tables of flow/workflow.h), labelled "section.<name>";
 * current selected; the field's error beside it, as page_input. */
void page_section_select(page *p, const char *name, const char *label_key,
    const char *const *const *lists, size_t nlists, const char *current);

/* Dates, times and amounts in the page's language (escaped; the raw value if it does not
 * parse, so nothing is hidden). */
void page_date(page *p, const char *ymd);
void page_datetime(page *p, const char *ts);
void page_amount(page *p, const char *amount, const char *currency);

/* A status as a labelled badge. */
void page_status(page *p, const char *status);

/* "?m=key" flash message after a redirect, if the key is a known one. */
void page_flash(page *p);

/* The current request URI (path and query) for a "next" link, when it is a GET. */
const char *page_self(const bgw_request *r);

/* A progress bar for a form whose POST takes a while (an upload, an import): hidden, shown
 * and driven by app.js when scripting is there (bytes sent, then busy_key's text until the
 * server answers); without scripting the form simply posts.  Place it inside the form. */
void page_progress(page *p, const char *busy_key);

/* The respondent's answer form again (page_answer.c) with r->form's values and status,
 * after the form's attach button posted it to the documents route: attached names the file
 * just stored (a notice), or NULL; r->field_errors says why a file was refused. */
bgw_err page_answer_again(bgw_request *r, int status, const char *attached);

/* The bad rows of a refused file, as confimport_rows_json lists them (page_import.c; the
 * import and the desk's upload): a table, nothing for NULL or an empty list. */
void page_import_rows(page *p, const json_t *rows);

/* A multipart form of one file (part "file") and a few short text fields, read whole
 * (page_import.c; the import and the desk's upload).  The router has checked the CSRF
 * token (the first field).  *out: the file (arena, len bytes; has_file false without that
 * part), its name as sent, and the text fields but csrf_token.  BGW_OK; the body's and the
 * multipart parser's errors (BGW_E_TOO_LARGE past max_file and the form's overhead). */
typedef struct page_upload {
	bool has_file;
	char filename[256];
	const char *file;
	size_t len;
	bgw_kv *fields;
} page_upload;
bgw_err page_read_upload(bgw_request *r, size_t max_file, page_upload *out);

/* The answer of a confirmation (responder, approver, time, version, seal, extra items). */
void page_conf_response(page *p, const json_t *response);

/* JSON helpers for the lib/ objects pages render. */
const char *page_js(const json_t *o, const char *key);      /* string or NULL */
long long page_ji(const json_t *o, const char *key);        /* integer or 0 */
bool page_jb(const json_t *o, const char *key);             /* true or false */

/* The policy subject of the signed-in user (as the router builds it). */
policy_subject page_subject(const bgw_request *r);

/* May the user take wf action act on the loaded confirmation target, whose status is now
 * status (policy and workflow state)? */
bool page_may(const bgw_request *r, const char *status, enum wf_action act);

/* page_prefs.c: the notification preferences' section of the account page; and the
 * account page again with err_form's errors (page_account.c), for a form posted elsewhere. */
void page_prefs_section(page *p);
bgw_err page_account_again(bgw_request *r, int status, const char *err_form);

#endif
