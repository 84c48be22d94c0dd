/* h_pdf.c - the PDF answers (issue 18): the sealed receipt of a final answer and the
 * request letters, streamed to the client page by page (lib/pdf/pdf.h).
 *
 * Everything a document shows is read before the first byte goes out, so a database error
 * or a refusal is still an ordinary error answer; only a failing client connection can cut
 * a download short.
 */
#include "api/handlers.h"

#include <string.h>
#include <time.h>

#include "actor.h"
#include "flow/letters.h"
#include "pdf/letterpdf.h"
#include "pdf/receiptpdf.h"

#define PDF_TYPE "application/pdf"

static bgw_err
to_client(void *ud, const unsigned char *buf, size_t n)
{
	bgw_request *r = ud;

	if (n == 0)
		return BGW_OK;
	return FCGX_PutStr((const char *)buf, (int)n, r->fcgi->out) == (int)n ? BGW_OK : BGW_E_IO;
}

/* The answer's head; the body follows through to_client.  no-store: a receipt or a letter
 * holds confirmation data (and a letter a first-access code). */
static bgw_err
start_pdf(bgw_request *r, const char *name)
{
	return request_start_download(r, PDF_TYPE, "inline", name);
}

/* GET /confirmations/{cid}/receipt.pdf: the JSON receipt's use case and policy
 * (ACT_CONF_RECEIPT, conf_receipt; receiptpdf_load adds the audit team's review for the
 * audit side), drawn by receiptpdf_render. */
bgw_err
h_conf_receipt_pdf(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_receipt_in in = actor_conf_receipt(r);
	json_t *receipt;
	const char *ref;
	bgw_err err = receiptpdf_load(r->app->db, r->a, &who, &in, &receipt);

	if (err != BGW_OK)
		return err;
	ref = json_string_value(json_object_get(json_object_get(receipt, "confirmation"),
	    "reference"));
	if ((err = start_pdf(r, bgw_arena_printf(r->a, "receipt-%s.pdf", ref != NULL ? ref :
	    "confirmation"))) != BGW_OK)
		return err;
	return receiptpdf_render(r->a, receipt, r->app->cfg->base_url, to_client, r);
}

/* Today in UTC, the letters' date. */
static const char *
today(bgw_arena *a)
{
	char buf[16];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	return bgw_arena_strdup(a, buf);
}

/* Print the letters of ids[n] of the target project: codes issued and events written
 * first (letters_prepare, in the route's transaction), then the PDF. */
static bgw_err
print_letters(bgw_request *r, const char *const *ids, size_t n, bool codes, const char *name)
{
	conf_actor who = actor_conf(r);
	letters_in in = {.project_id = r->target.project_id, .ids = ids, .n = n,
		.base_url = r->app->cfg->base_url, .issue_codes = codes};
	letters_set set;
	bgw_err err = letters_prepare(r->app->db, r->a, &who, &in, &set);

	if (err == BGW_E_VALIDATION)
		return request_field_error(r, "ids", "one to many distinct confirmation ids");
	if (err == BGW_E_TOO_LARGE)
		return request_field_error(r, "ids", "too many letters in one print run");
	if (err != BGW_OK || (err = start_pdf(r, name)) != BGW_OK)
		return err;
	return letterpdf_render(r->a, &set, today(r->a), to_client, r);
}

/* GET /confirmations/{cid}/letter.pdf[?code=new]: the request letter of one sent
 * confirmation.  A GET replaces no credential unless asked: only ?code=new issues and
 * prints a fresh respondent code (the page's link asks; a prefetch or a retry does not). */
bgw_err
h_conf_letter_pdf(bgw_request *r)
{
	const char *ids[1] = {r->target.confirmation_id};
	const char *code = kv_get(r->query, "code");

	if (code != NULL && strcmp(code, "new") != 0)
		return request_field_error(r, "code", "only \"new\"");
	return print_letters(r, ids, 1, code != NULL, "letter.pdf");
}

/* POST /projects/{pid}/letters.pdf {ids: [cid, ...]}: one PDF, a letter each, in order,
 * each with a fresh respondent code (a POST: the print run is the request). */
bgw_err
h_project_letters_pdf(bgw_request *r)
{
	const json_t *list = json_object_get(r->json, "ids");
	const char **ids;
	size_t i, n = json_array_size(list);
	json_t *v;

	if (!json_is_array(list) || n == 0)
		return request_field_error(r, "ids", "one to many distinct confirmation ids");
	if (n > LETTERS_MAX)
		return request_field_error(r, "ids", "too many letters in one print run");
	if ((ids = bgw_arena_calloc(r->a, n, sizeof(*ids))) == NULL)
		return BGW_E_NOMEM;
	json_array_foreach(list, i, v)
		if ((ids[i] = json_string_value(v)) == NULL)
			return request_field_error(r, "ids", "one to many distinct confirmation ids");
	return print_letters(r, ids, n, true, "letters.pdf");
}

/* POST /projects/{pid}/letters.pdf (the dashboard's form: a checkbox "ids" per picked row):
 * the same print run as the JSON route, answered with the PDF. */
bgw_err
page_letters_pdf(bgw_request *r)
{
	const char **ids;
	size_t n = 0;

	for (const bgw_kv *kv = r->form; kv != NULL; kv = kv->next)
		n += strcmp(kv->key, "ids") == 0;
	if (n == 0)
		return request_field_error(r, "ids", "one to many distinct confirmation ids");
	if (n > LETTERS_MAX)
		return request_field_error(r, "ids", "too many letters in one print run");
	if ((ids = bgw_arena_calloc(r->a, n, sizeof(*ids))) == NULL)
		return BGW_E_NOMEM;
	n = 0;
	for (const bgw_kv *kv = r->form; kv != NULL; kv = kv->next)
		if (strcmp(kv->key, "ids") == 0)
			ids[n++] = kv->value;
	return print_letters(r, ids, n, true, "letters.pdf");
}
