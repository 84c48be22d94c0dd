/* page_error.c - the answer to an error on an HTML page route (not /api/): a page in the
 * layout, in the user's language.  The router calls it for every non-API path.  Two errors
 * are not pages but redirects: no session goes to sign-in (and back afterwards), and a
 * project whose first-access code was not yet entered goes to the code form. */
#include "pages/page.h"

#include <string.h>

#include "core/urlenc.h"

static const char fallback[] =
	"<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
	"<title>Balance Gateway</title></head><body><h1>Balance Gateway</h1>"
	"<p>エラーが発生しました。 / An error occurred.</p></body></html>\n";

static bool
redirected(bgw_request *r, bgw_err err)
{
	const char *self = page_self(r), *to;

	if (err == BGW_E_UNAUTHENTICATED) {
		to = self != NULL && html_next_ok(self) ?
		    bgw_arena_printf(r->a, "/login?next=%s", urlenc_encode(r->a, self)) : "/login";
		return to != NULL && page_redirect(r, to) == BGW_OK;
	}
	if (err == BGW_E_CODE_REQUIRED && r->target.project_id != NULL) {
		to = bgw_arena_printf(r->a, "/projects/%s/access%s%s", r->target.project_id,
		    self != NULL && html_next_ok(self) ? "?next=" : "",
		    self != NULL && html_next_ok(self) ? urlenc_encode(r->a, self) : "");
		return to != NULL && page_redirect(r, to) == BGW_OK;
	}
	return false;
}

void
page_render_error(bgw_request *r, bgw_err err)
{
	page p;
	const char *key;

	if (redirected(r, err))
		return;
	page_init(&p, r, "err.title");
	key = bgw_arena_printf(r->a, "err.%s", bgw_err_code(err));
	if (key == NULL || !i18n_has(key))
		key = "err.internal";
	html_fill(&p.h, "<h1>{t}</h1><div class=\"alert err\" role=\"alert\"><p>{m}</p></div>"
	    "<p><a href=\"/\">{back}</a></p>",
	    {"t", page_t(&p, "err.title")}, {"m", page_t(&p, key)},
	    {"back", page_t(&p, "common.back")});
	if (page_send(&p, bgw_err_status(err)) == BGW_OK)
		return;
	r->status = bgw_err_status(err);
	r->resp_type = "text/html; charset=utf-8";
	r->resp_body = fallback;
	r->resp_len = sizeof(fallback) - 1;
}
