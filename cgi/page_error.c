/* page_error.c - the answer to an error on an HTML page route (not /api/): a plain page in
 * the page layout.  The pages own this file; the router calls it for every non-API path. */
#include "handlers.h"

#include <string.h>

static const char page[] =
	"<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
	"<title>Balance Gateway</title></head><body><h1>Balance Gateway</h1>"
	"<p>エラーが発生しました。 / An error occurred.</p></body></html>\n";

void
page_render_error(bgw_request *r, bgw_err err)
{
	r->status = bgw_err_status(err);
	r->resp_type = "text/html; charset=utf-8";
	r->resp_body = page;
	r->resp_len = sizeof(page) - 1;
}
