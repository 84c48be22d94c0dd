/* letterpdf.c - the request letters drawn with the page model (pdf.h). */
#include "pdf/letterpdf.h"

#include <string.h>

#include "core/i18n.h"

#define ADDRESS_PT 11.0
#define DATE_X_MM 125.0       /* the date and reference, right of the window */
#define DATE_W_MM 65.0
#define SENDER_Y_MM 38.0      /* the client's name as sender, beside the window */
#define BODY_Y_MM 64.0        /* the title, below the window */
#define QR_MM 30.0

static const char *
js(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The block behind the envelope's window; the date, the reference and the client's name as
 * the sender beside it (outside the window). */
static void
head(pdf_doc *d, bgw_arena *a, const letters_set *set, const letter *l, const char *today)
{
	const char *to = l->person != NULL && *l->person != '\0' ?
	    bgw_arena_printf(a, "%s\n%s 様", l->organization, l->person) :
	    bgw_arena_printf(a, "%s 御中", l->organization);

	pdf_place(d, LETTERPDF_WINDOW_X_MM, LETTERPDF_WINDOW_Y_MM, LETTERPDF_WINDOW_W_MM,
	    ADDRESS_PT, to);
	pdf_place(d, DATE_X_MM, LETTERPDF_WINDOW_Y_MM, DATE_W_MM, 0,
	    bgw_arena_printf(a, "%s\n%s %s", pdf_date(a, today), pdf_both(a, "conf.reference"),
	    l->reference));
	pdf_place(d, DATE_X_MM, SENDER_Y_MM, DATE_W_MM, 0,
	    bgw_arena_printf(a, "%s\n%s", set->client_name, i18n_t(I18N_JA, "letter.sender")));
	pdf_goto(d, BODY_Y_MM);
}

static void
parties(pdf_doc *d, bgw_arena *a, const letters_set *set, const letter *l)
{
	pdf_field(d, pdf_both(a, "letter.requester"), set->client_name);
	pdf_field(d, pdf_both(a, "letter.reply_to"), set->firm_name);
	pdf_field(d, pdf_both(a, "conf.as_of"), pdf_date(a, l->as_of));
	pdf_field(d, pdf_both(a, "letter.due"), pdf_date(a, l->due_date));
}

static void
items(pdf_doc *d, bgw_arena *a, const letter *l)
{
	const pdf_col cols[] = {{pdf_both(a, "item.label"), 3, PDF_LEFT},
		{pdf_both(a, "letter.item_ref"), 2, PDF_LEFT},
		{pdf_both(a, "item.amount"), 2, PDF_RIGHT}};
	size_t i;
	json_t *it;

	pdf_heading(d, 2, pdf_both(a, "conf.items"));
	pdf_table_begin(d, cols, 3);
	json_array_foreach(l->items, i, it) {
		const char *cells[3] = {js(it, "label"), js(it, "reference"),
			pdf_amount(a, js(it, "amount"), js(it, "currency"))};

		pdf_table_row(d, cells);
	}
	pdf_table_end(d);
}

static void
how_to_answer(pdf_doc *d, bgw_arena *a, const letters_set *set, const letter *l)
{
	pdf_heading(d, 2, pdf_both(a, "letter.web_h"));
	pdf_text_both(d, 0, "letter.web");
	pdf_qr(d, l->answer_url, QR_MM, bgw_arena_printf(a, "%s\n%s\n\n%s\n%s",
	    pdf_both(a, "letter.url"), l->answer_url, pdf_both(a, "letter.code"),
	    l->code != NULL ? l->code : pdf_both(a, "letter.code_separate")));
	pdf_heading(d, 2, pdf_both(a, "letter.verify_h"));
	pdf_text_both(d, 0, "letter.verify");
	pdf_text(d, 0, bgw_arena_printf(a, "%s/verify  (%s %s)", set->base_url,
	    pdf_both(a, "conf.reference"), l->reference));
}

bgw_err
letterpdf_render(bgw_arena *a, const letters_set *set, const char *today,
    pdf_write_fn write, void *ud)
{
	const char *title = pdf_both(a, "letter.title");
	pdf_doc *d;
	bgw_err err;

	if (set == NULL || set->n == 0)
		return BGW_E_VALIDATION;
	if (title == NULL)
		return BGW_E_NOMEM;
	if ((err = pdf_open(a, title, write, ud, &d)) != BGW_OK)
		return err;
	for (size_t i = 0; i < set->n; i++) {
		const letter *l = &set->list[i];

		pdf_restart(d);
		head(d, a, set, l, today);
		pdf_heading(d, 1, title);
		pdf_text_both(d, 0, "letter.body");
		parties(d, a, set, l);
		pdf_space(d, 3);
		items(d, a, l);
		how_to_answer(d, a, set, l);
	}
	return pdf_close(d);
}
