/* receiptpdf.c - the sealed answer receipt drawn with the page model (pdf.h). */
#include "pdf/receiptpdf.h"

#include <string.h>

#include "core/i18n.h"
#include "core/urlenc.h"
#include "flow/confview.h"

#define QR_MM 32.0
#define SEAL_PT 8.0

/* A member of o as text, or NULL. */
static const char *
js(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* "name (title)" of a person, or the name alone. */
static const char *
person(bgw_arena *a, const json_t *p)
{
	const char *name = js(p, "name"), *title = js(p, "title");

	if (name == NULL)
		return NULL;
	return title != NULL && *title != '\0' ? bgw_arena_printf(a, "%s（%s）", name, title) :
	    name;
}

char *
receiptpdf_verify_url(bgw_arena *a, const char *base_url, const char *reference,
    const char *seal)
{
	char *ref, *hex;

	if (base_url == NULL || reference == NULL || seal == NULL ||
	    (ref = urlenc_encode(a, reference)) == NULL || (hex = urlenc_encode(a, seal)) == NULL)
		return NULL;
	return bgw_arena_printf(a, "%s/verify?reference=%s&seal=%s", base_url, ref, hex);
}

static void
facts(pdf_doc *d, bgw_arena *a, const json_t *c, const json_t *r)
{
	const json_t *resp = json_object_get(c, "respondent");

	pdf_field(d, pdf_both(a, "conf.reference"), js(c, "reference"));
	pdf_field(d, pdf_both(a, "conf.type"),
	    pdf_both(a, bgw_arena_printf(a, "type.%s", js(c, "type") ? js(c, "type") : "")));
	pdf_field(d, pdf_both(a, "conf.form"),
	    pdf_both(a, bgw_arena_printf(a, "form.%s", js(c, "form") ? js(c, "form") : "")));
	pdf_field(d, pdf_both(a, "conf.respondent_org"), js(resp, "organization"));
	pdf_field(d, pdf_both(a, "conf.as_of"), pdf_date(a, js(c, "as_of")));
	pdf_field(d, pdf_both(a, "resp.responder"), person(a, json_object_get(r, "responder")));
	pdf_field(d, pdf_both(a, "resp.approver"), person(a, json_object_get(r, "approver")));
	pdf_field(d, pdf_both(a, "resp.submitted_at"), pdf_date(a, js(r, "submitted_at")));
	pdf_field(d, pdf_both(a, "resp.version"),
	    bgw_arena_printf(a, "%lld", (long long)json_integer_value(json_object_get(r, "version"))));
	/* 64 hex digits on one line, so that it reads (and copies) as one word. */
	pdf_field_sized(d, pdf_both(a, "resp.seal"), js(r, "seal"), SEAL_PT);
}

static void
items(pdf_doc *d, bgw_arena *a, const json_t *c, const json_t *r)
{
	const pdf_col cols[] = {{pdf_both(a, "item.label"), 3, PDF_LEFT},
		{pdf_both(a, "item.amount"), 2, PDF_RIGHT}, {pdf_both(a, "resp.result"), 1.3, PDF_LEFT},
		{pdf_both(a, "resp.amount"), 2, PDF_RIGHT}, {pdf_both(a, "resp.note"), 2.4, PDF_LEFT}};
	size_t i;
	json_t *it;

	pdf_heading(d, 2, pdf_both(a, "conf.items"));
	pdf_table_begin(d, cols, 5);
	json_array_foreach(json_object_get(c, "items"), i, it) {
		const json_t *ans = confview_answer_item(r, js(it, "id"));
		const char *cells[5] = {js(it, "label"),
			pdf_amount(a, js(it, "amount"), js(it, "currency")),
			ans == NULL ? NULL : pdf_both(a, json_is_true(json_object_get(ans, "agrees")) ?
			    "resp.agrees" : "resp.differs"),
			ans == NULL ? NULL : pdf_amount(a, js(ans, "amount"), js(it, "currency")),
			ans == NULL ? NULL : js(ans, "note")};

		pdf_table_row(d, cells);
	}
	pdf_table_end(d);
}

static void
extra_items(pdf_doc *d, bgw_arena *a, const json_t *r)
{
	const pdf_col cols[] = {{pdf_both(a, "item.label"), 3, PDF_LEFT},
		{pdf_both(a, "resp.amount"), 2, PDF_RIGHT}, {pdf_both(a, "resp.note"), 3, PDF_LEFT}};
	const json_t *list = json_object_get(r, "extra_items");
	size_t i;
	json_t *it;

	if (json_array_size(list) == 0)
		return;
	pdf_heading(d, 2, pdf_both(a, "resp.extra"));
	pdf_table_begin(d, cols, 3);
	json_array_foreach(list, i, it) {
		const char *cells[3] = {js(it, "label"),
			pdf_amount(a, js(it, "amount"), js(it, "currency")), js(it, "note")};

		pdf_table_row(d, cells);
	}
	pdf_table_end(d);
}

/* The audit team's review of the answer and its reconciling items (audit copy only). */
static void
audit_notes(pdf_doc *d, bgw_arena *a, const json_t *receipt)
{
	const pdf_col cols[] = {{pdf_both(a, "f.rec_kind"), 2, PDF_LEFT},
		{pdf_both(a, "resp.amount"), 2, PDF_RIGHT}, {pdf_both(a, "resp.note"), 3, PDF_LEFT}};
	const json_t *reviews = json_object_get(receipt, "reviews");
	const json_t *recs = json_object_get(receipt, "reconciling_items");
	size_t i;
	json_t *it;

	if (json_array_size(reviews) > 0) {
		pdf_heading(d, 2, pdf_both(a, "rcpt.review_h"));
		json_array_foreach(reviews, i, it)
			pdf_field(d, pdf_both(a, bgw_arena_printf(a, "status.%s", js(it, "result"))),
			    bgw_arena_printf(a, "%s\n%s", pdf_date(a, js(it, "reviewed_at")),
			    js(it, "note") != NULL ? js(it, "note") : ""));
	}
	if (json_array_size(recs) == 0)
		return;
	pdf_heading(d, 2, pdf_both(a, "rcpt.reconciling_h"));
	pdf_table_begin(d, cols, 3);
	json_array_foreach(recs, i, it) {
		const char *cells[3] = {pdf_both(a, bgw_arena_printf(a, "kind.%s", js(it, "kind"))),
			pdf_amount(a, js(it, "amount"), js(it, "currency")), js(it, "note")};

		pdf_table_row(d, cells);
	}
	pdf_table_end(d);
}

bgw_err
receiptpdf_render(bgw_arena *a, const json_t *receipt, const char *base_url,
    pdf_write_fn write, void *ud)
{
	const json_t *c = json_object_get(receipt, "confirmation");
	const json_t *r = json_object_get(receipt, "response");
	const char *title = pdf_both(a, "rcpt.title"), *url;
	pdf_doc *d;
	bgw_err err;

	if (c == NULL || r == NULL || js(r, "seal") == NULL || js(c, "reference") == NULL)
		return BGW_E_VALIDATION;
	if (title == NULL || (url = receiptpdf_verify_url(a, base_url, js(c, "reference"),
	    js(r, "seal"))) == NULL)
		return BGW_E_NOMEM;
	if ((err = pdf_open(a, title, write, ud, &d)) != BGW_OK)
		return err;
	pdf_heading(d, 1, title);
	facts(d, a, c, r);
	pdf_space(d, 4);
	items(d, a, c, r);
	extra_items(d, a, r);
	audit_notes(d, a, receipt);
	pdf_heading(d, 2, pdf_both(a, "rcpt.check_h"));
	pdf_qr(d, url, QR_MM, bgw_arena_printf(a, "%s\n%s\n%s", i18n_t(I18N_JA, "rcpt.check_qr"),
	    i18n_t(I18N_EN, "rcpt.check_qr"), url));
	pdf_text_both(d, 0, "rcpt.seal_help");
	return pdf_close(d);
}

/* Rows of statement name for confirmation id as an array of objects with keys[ncols]. */
static bgw_err
rows_json(bgw_db *db, bgw_arena *a, const char *name, const char *id,
    const char *const *keys, int ncols, json_t *into, const char *member)
{
	db_rows *res;
	json_t *list = json_array();
	bgw_err err;

	if (list == NULL || json_object_set_new(into, member, list) != 0)
		return BGW_E_NOMEM;
	if ((err = db_exec(db, a, name, 1, &id, &res)) != BGW_OK)
		return err;
	for (int r = 0; r < db_nrows(res); r++) {
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(list, o) != 0)
			return BGW_E_NOMEM;
		for (int c = 0; c < ncols; c++)
			if (json_object_set_new(o, keys[c], json_string(db_value(res, r, c))) != 0)
				return BGW_E_NOMEM;
	}
	return BGW_OK;
}

bgw_err
receiptpdf_load(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_receipt_in *in,
    json_t **out)
{
	static const char *const review_keys[] = {"result", "note", "reviewed_at"};
	static const char *const rec_keys[] = {"kind", "currency", "amount", "note"};
	bgw_err err = conf_receipt(db, a, who, in, out);

	if (err != BGW_OK || in->side != SIDE_AUDIT)
		return err;
	if ((err = rows_json(db, a, "receiptpdf_reviews", in->id, review_keys, 3, *out,
	    "reviews")) != BGW_OK)
		return err;
	return rows_json(db, a, "receiptpdf_reconciling", in->id, rec_keys, 4, *out,
	    "reconciling_items");
}

bgw_err
receiptpdf_write(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_receipt_in *in,
    const char *base_url, pdf_write_fn write, void *ud)
{
	json_t *receipt;
	bgw_err err = receiptpdf_load(db, a, who, in, &receipt);

	return err != BGW_OK ? err : receiptpdf_render(a, receipt, base_url, write, ud);
}
