/* csv.c - RFC 4180 reader and writer, and the CSV confirmation import. */
#include "records/csv.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

#define UTF8_BOM "\xEF\xBB\xBF"
#define UTF8_BOM_LEN 3
#define CSV_ERROR_MAX 128

struct csv_reader {
	const char *p, *end;
	int line;                 /* text line of p, 1-based */
	int row;                  /* records returned so far */
	char *buf;                /* IMPORT_MAX_ROW_BYTES: the current record's fields */
	size_t len;
	import_cell cells[CSV_MAX_FIELDS];
	bgw_err err;
	char msg[CSV_ERROR_MAX];
};

bgw_err
csv_reader_new(bgw_arena *a, const char *buf, size_t n, csv_reader **out)
{
	csv_reader *r;

	*out = NULL;
	r = bgw_arena_alloc(a, sizeof(*r));
	if (r == NULL || (r->buf = bgw_arena_alloc(a, IMPORT_MAX_ROW_BYTES)) == NULL)
		return BGW_E_NOMEM;
	if (n >= UTF8_BOM_LEN && memcmp(buf, UTF8_BOM, UTF8_BOM_LEN) == 0)
		buf += UTF8_BOM_LEN, n -= UTF8_BOM_LEN;
	r->p = buf;
	r->end = buf + n;
	r->line = 1;
	*out = r;
	return BGW_OK;
}

static bgw_err
fail(csv_reader *r, bgw_err e, int line, const char *what)
{
	r->err = e;
	snprintf(r->msg, sizeof(r->msg), "line %d: %s", line, what);
	return e;
}

const char *
csv_reader_error(const csv_reader *r)
{
	return r->msg;
}

/* Append one byte of the current field; false when the record is too long. */
static bool
put(csv_reader *r, char c)
{
	if (r->len == IMPORT_MAX_ROW_BYTES)
		return false;
	r->buf[r->len++] = c;
	return true;
}

bgw_err
csv_reader_next(csv_reader *r, const import_cell **cells, size_t *ncells, int *row)
{
	size_t nf = 0;
	bool more = true;

	*cells = r->cells;
	*ncells = 0;
	*row = r->row;
	if (r->err != BGW_OK)
		return r->err;
	if (r->p == r->end)
		return BGW_OK;
	r->len = 0;
	while (more) {
		size_t start = r->len;
		int field_line = r->line;

		if (nf == CSV_MAX_FIELDS)
			return fail(r, BGW_E_TOO_LARGE, r->line, "too many fields in a record");
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			for (;;) {
				char c;

				if (r->p == r->end)
					return fail(r, BGW_E_BAD_REQUEST, field_line,
					    "quoted field not closed");
				c = *r->p++;
				if (c == '"') {
					if (r->p < r->end && *r->p == '"')
						r->p++;
					else
						break;
				} else if (c == '\n') {
					r->line++;
				}
				if (!put(r, c))
					return fail(r, BGW_E_TOO_LARGE, field_line, "record too long");
			}
			if (r->p == r->end) {
				more = false;
			} else if (*r->p == ',') {
				r->p++;
			} else if (*r->p == '\n') {
				r->p++, r->line++, more = false;
			} else if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n') {
				r->p += 2, r->line++, more = false;
			} else {
				return fail(r, BGW_E_BAD_REQUEST, r->line,
				    "unexpected character after a closing quote");
			}
		} else {
			for (;;) {
				char c;

				if (r->p == r->end) {
					more = false;
					break;
				}
				c = *r->p;
				if (c == ',') {
					r->p++;
					break;
				}
				if (c == '\n') {
					r->p++, r->line++, more = false;
					break;
				}
				if (c == '\r') {
					if (r->p + 1 < r->end && r->p[1] == '\n') {
						r->p += 2, r->line++, more = false;
						break;
					}
					return fail(r, BGW_E_BAD_REQUEST, r->line,
					    "carriage return without line feed outside quotes");
				}
				if (c == '"')
					return fail(r, BGW_E_BAD_REQUEST, r->line,
					    "quote inside an unquoted field");
				if (!put(r, c))
					return fail(r, BGW_E_TOO_LARGE, r->line, "record too long");
				r->p++;
			}
		}
		if (!utf8_valid(r->buf + start, r->len - start))
			return fail(r, BGW_E_BAD_REQUEST, field_line, "not valid UTF-8");
		r->cells[nf].s = r->buf + start;
		r->cells[nf].n = r->len - start;
		nf++;
	}
	*ncells = nf;
	*row = ++r->row;
	return BGW_OK;
}

bgw_err
csv_import(bgw_arena *a, const char *buf, size_t n, import_result *out)
{
	import_builder *b;
	csv_reader *r;
	const import_cell *cells;
	size_t ncells;
	int row;
	bgw_err e;

	if ((e = import_builder_new(a, out, &b)) != BGW_OK)
		return e;
	if (n > IMPORT_MAX_BYTES) {
		e = import_error_add(a, out, 0, NULL, "file too large");
		return e != BGW_OK ? e : BGW_E_TOO_LARGE;
	}
	if ((e = csv_reader_new(a, buf, n, &r)) != BGW_OK)
		return e;
	for (;;) {
		e = csv_reader_next(r, &cells, &ncells, &row);
		if (e != BGW_OK) {
			bgw_err e2 = import_error_add(a, out, row + 1, NULL, csv_reader_error(r));

			return e2 != BGW_OK ? e2 : e;
		}
		if (ncells == 0)
			break;
		e = row == 1 ? import_builder_header(b, row, cells, ncells) :
		    import_builder_row(b, row, cells, ncells);
		if (e != BGW_OK)
			return e;
	}
	return import_builder_finish(b);
}

/* --- writing ---------------------------------------------------------------------------- */

void
csv_writer_init(csv_writer *w, bgw_sink sink, void *ud)
{
	w->sink = sink;
	w->ud = ud;
	w->err = BGW_OK;
	w->in_row = false;
}

static bgw_err
emit(csv_writer *w, const char *s, size_t n)
{
	if (w->err == BGW_OK && n > 0)
		w->err = w->sink(w->ud, s, n);
	return w->err;
}

bgw_err
csv_write_bom(csv_writer *w)
{
	return emit(w, UTF8_BOM, UTF8_BOM_LEN);
}

/* The characters that make a spreadsheet read a cell as a formula (OWASP). */
static bool
formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bgw_err
csv_write_field(csv_writer *w, const char *s, enum csv_cell kind)
{
	size_t n, i, from;
	bool neutralise, quote;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (w->in_row)
		emit(w, ",", 1);
	w->in_row = true;
	neutralise = n > 0 && (formula_start(s[0]) ||
	    (s[0] == '\'' && n > 1 && formula_start(s[1])));
	if (kind == CSV_AMOUNT && import_amount_valid(s))
		neutralise = false;
	quote = strpbrk(s, ",\"\r\n") != NULL ||
	    (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
	if (quote)
		emit(w, "\"", 1);
	if (neutralise)
		emit(w, "'", 1);
	for (from = 0, i = 0; i < n; i++) {
		if (s[i] == '"') {
			emit(w, s + from, i + 1 - from); /* the quote, then its double */
			from = i;
		}
	}
	emit(w, s + from, n - from);
	if (quote)
		emit(w, "\"", 1);
	return w->err;
}

bgw_err
csv_end_row(csv_writer *w)
{
	w->in_row = false;
	return emit(w, "\r\n", 2);
}

static const char *const export_extra[] = {"confirmation_reference", "status"};
static const char *const response_columns[] = {
	"response_version", "response_agrees", "response_amount", "response_note",
};

bgw_err
csv_export_header(csv_writer *w, bool with_responses)
{
	size_t i;

	for (i = 0; i < IMPORT_COL__COUNT; i++)
		csv_write_field(w, import_col_name((import_col)i), CSV_TEXT);
	for (i = 0; i < sizeof(export_extra) / sizeof(export_extra[0]); i++)
		csv_write_field(w, export_extra[i], CSV_TEXT);
	for (i = 0; with_responses && i < sizeof(response_columns) / sizeof(response_columns[0]);
	    i++)
		csv_write_field(w, response_columns[i], CSV_TEXT);
	return csv_end_row(w);
}

/* The latest response's answer for item i, or NULL. */
static const export_response_item *
answer_for(const export_confirmation *ec, size_t i, int *version)
{
	const export_response *resp;
	size_t k;

	if (ec->nresponses == 0 || ec->item_ids == NULL || ec->item_ids[i] == NULL)
		return NULL;
	resp = &ec->responses[ec->nresponses - 1];
	*version = resp->version;
	for (k = 0; k < resp->nitems; k++)
		if (resp->items[k].item_id != NULL &&
		    strcmp(resp->items[k].item_id, ec->item_ids[i]) == 0)
			return &resp->items[k];
	return NULL;
}

bgw_err
csv_export_confirmation(csv_writer *w, const char *group, const export_confirmation *ec,
    bool with_responses)
{
	const import_confirmation *c = ec != NULL ? ec->c : NULL;
	size_t i;

	if (c == NULL)
		return BGW_E_INTERNAL;
	for (i = 0; i < c->nitems; i++) {
		const import_item *it = &c->items[i];

		csv_write_field(w, group, CSV_TEXT);
		csv_write_field(w, c->type, CSV_TEXT);
		csv_write_field(w, c->form, CSV_TEXT);
		csv_write_field(w, c->respondent_org, CSV_TEXT);
		csv_write_field(w, c->respondent_email, CSV_TEXT);
		csv_write_field(w, c->respondent_name, CSV_TEXT);
		csv_write_field(w, c->as_of, CSV_TEXT);
		csv_write_field(w, c->due_date, CSV_TEXT);
		csv_write_field(w, it->label, CSV_TEXT);
		csv_write_field(w, it->reference, CSV_TEXT);
		csv_write_field(w, it->currency, CSV_TEXT);
		csv_write_field(w, it->amount, CSV_AMOUNT);
		csv_write_field(w, c->respondent_locale, CSV_TEXT);
		csv_write_field(w, ec->reference, CSV_TEXT);
		csv_write_field(w, ec->status, CSV_TEXT);
		if (with_responses) {
			int version = 0;
			const export_response_item *ans = answer_for(ec, i, &version);
			char vbuf[16];

			snprintf(vbuf, sizeof(vbuf), "%d", version);
			csv_write_field(w, ans != NULL ? vbuf : NULL, CSV_TEXT);
			csv_write_field(w, ans == NULL ? NULL : ans->agrees ? "yes" : "no",
			    CSV_TEXT);
			csv_write_field(w, ans != NULL ? ans->amount : NULL, CSV_AMOUNT);
			csv_write_field(w, ans != NULL ? ans->note : NULL, CSV_TEXT);
		}
		if (csv_end_row(w) != BGW_OK)
			break;
	}
	return w->err;
}
