/* pdf.c - the page model on cairo's PDF surface, text laid out by Pango. */
#include "pdf/pdf.h"

#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "core/i18n.h"
#include "core/qr.h"

#define BODY_PT 9.5
#define H1_PT 15.0
#define H2_PT 11.5
#define FOOTER_PT 8.0
#define CELL_PAD 3.0         /* points of padding inside a table cell or grid row */
#define LABEL_SHARE 0.32     /* the label column of a label/value grid */
#define GRAY 0.45            /* labels and the footer */
#define RULE_GRAY 0.7        /* table and grid lines */
#define HEAD_FILL 0.92       /* the table header's background */
#define LEFT (PDF_MARGIN_MM * PDF_MM)
#define TOP (PDF_MARGIN_MM * PDF_MM)
#define WIDTH (PDF_PAGE_W - 2 * LEFT)
#define BOTTOM (PDF_PAGE_H - PDF_MARGIN_MM * PDF_MM)

struct pdf_doc {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pango;
	pdf_write_fn write;
	void *ud;
	const char *title;
	bgw_err err;          /* sticky: the first failure */
	bool closed;
	bool page_open;       /* something is drawn on the current page */
	double y;             /* the flow's position on the page, points from the top */
	long page;            /* number printed on the current page */
	long pages;           /* pages begun in the whole document */
	pdf_col cols[PDF_TABLE_MAX_COLS];
	int ncols;            /* > 0 inside a table */
};

static cairo_status_t
to_writer(void *closure, const unsigned char *data, unsigned int length)
{
	pdf_doc *d = closure;
	bgw_err err;

	if (d->err != BGW_OK)
		return CAIRO_STATUS_WRITE_ERROR;
	if ((err = d->write(d->ud, data, length)) != BGW_OK) {
		d->err = err;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* Keep the first error; a cairo error that is not ours (a write error is) means memory. */
static bool
failed(pdf_doc *d)
{
	if (d->err == BGW_OK && (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS ||
	    cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS))
		d->err = BGW_E_NOMEM;
	return d->err != BGW_OK;
}

static void
release(pdf_doc *d)
{
	if (d->closed)
		return;
	d->closed = true;
	if (d->pango != NULL)
		g_object_unref(d->pango);
	if (d->cr != NULL)
		cairo_destroy(d->cr);
	if (d->surface != NULL) {
		cairo_surface_finish(d->surface);
		cairo_surface_destroy(d->surface);
	}
}

static void
release_hook(void *arg)
{
	pdf_doc *d = arg;

	/* An abandoned document: stop writing to a caller that is gone. */
	d->err = d->err != BGW_OK ? d->err : BGW_E_INTERNAL;
	release(d);
}

/* A layout of text at size pt (bold or not), w points wide; the caller unrefs it. */
static PangoLayout *
layout(pdf_doc *d, const char *text, double size, bool bold, double w)
{
	PangoLayout *l = pango_layout_new(d->pango);
	PangoFontDescription *f = pango_font_description_from_string(PDF_FONT);

	pango_font_description_set_absolute_size(f, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(f, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, f);
	pango_font_description_free(f);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text != NULL ? text : "", -1);
	return l;
}

static double
height_of(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void
draw_at(pdf_doc *d, PangoLayout *l, double x, double y, double gray)
{
	cairo_set_source_rgb(d->cr, gray, gray, gray);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
}

static void
footer(pdf_doc *d)
{
	char num[32];
	PangoLayout *l;

	snprintf(num, sizeof(num), "%ld", d->page);
	l = layout(d, d->title, FOOTER_PT, false, WIDTH);
	draw_at(d, l, LEFT, BOTTOM + 6, GRAY);
	g_object_unref(l);
	l = layout(d, num, FOOTER_PT, false, WIDTH);
	pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	draw_at(d, l, LEFT, BOTTOM + 6, GRAY);
	g_object_unref(l);
}

static void table_header(pdf_doc *d);

/* Finish the current page (footer, then cairo writes it out) and start the next. */
static void
next_page(pdf_doc *d)
{
	if (d->page_open) {
		footer(d);
		cairo_show_page(d->cr);
	}
	d->page_open = true;
	d->page++;
	d->pages++;
	d->y = TOP;
	if (d->ncols > 0)
		table_header(d);
}

/* Make room for h points in the flow, starting a page where needed. */
static void
room(pdf_doc *d, double h)
{
	if (!d->page_open || (d->y + h > BOTTOM && d->y > TOP))
		next_page(d);
}

bgw_err
pdf_open(bgw_arena *a, const char *title, pdf_write_fn write, void *ud, pdf_doc **out)
{
	pdf_doc *d = bgw_arena_calloc(a, 1, sizeof(*d));

	if (d == NULL || (d->title = bgw_arena_strdup(a, title != NULL ? title : "")) == NULL)
		return BGW_E_NOMEM;
	d->write = write;
	d->ud = ud;
	if (bgw_arena_on_reset(a, release_hook, d) != 0)
		return BGW_E_NOMEM;
	d->surface = cairo_pdf_surface_create_for_stream(to_writer, d, PDF_PAGE_W, PDF_PAGE_H);
	d->cr = cairo_create(d->surface);
	if (failed(d)) {
		release(d);
		return d->err;
	}
	cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR,
	    "Balance Gateway");
	if ((d->pango = pango_cairo_create_context(d->cr)) == NULL) {
		release(d);
		return BGW_E_NOMEM;
	}
	*out = d;
	return BGW_OK;
}

bgw_err
pdf_close(pdf_doc *d)
{
	if (!d->closed && !failed(d)) {
		room(d, 0);
		footer(d);
		cairo_show_page(d->cr);
		failed(d);
		cairo_surface_finish(d->surface);
		if (d->err == BGW_OK && cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS)
			d->err = BGW_E_IO;
	}
	release(d);
	return d->err;
}

void
pdf_restart(pdf_doc *d)
{
	if (failed(d))
		return;
	d->ncols = 0;
	if (d->page_open) {
		footer(d);
		cairo_show_page(d->cr);
		d->page_open = false;
	}
	d->page = 0;
}

/* Lay out text at size in the flow, w wide at x, and advance by its height plus after. */
static void
flow(pdf_doc *d, const char *text, double size, bool bold, double after)
{
	PangoLayout *l;
	double h;

	if (failed(d))
		return;
	l = layout(d, text, size, bold, WIDTH);
	h = height_of(l);
	room(d, h);
	draw_at(d, l, LEFT, d->y, 0);
	d->y += h + after;
	g_object_unref(l);
}

void
pdf_heading(pdf_doc *d, int level, const char *text)
{
	if (level <= 1) {
		flow(d, text, H1_PT, true, 8);
		return;
	}
	/* A section heading never sits alone at the bottom of a page. */
	if (!failed(d))
		room(d, H2_PT * 5);
	flow(d, text, H2_PT, true, 4);
}

void
pdf_text(pdf_doc *d, double size, const char *text)
{
	flow(d, text, size > 0 ? size : BODY_PT, false, 4);
}

void
pdf_space(pdf_doc *d, double mm)
{
	if (!failed(d))
		d->y += mm * PDF_MM;
}

static void
rule(pdf_doc *d, double x0, double x1, double y)
{
	cairo_set_source_rgb(d->cr, RULE_GRAY, RULE_GRAY, RULE_GRAY);
	cairo_set_line_width(d->cr, 0.5);
	cairo_move_to(d->cr, x0, y);
	cairo_line_to(d->cr, x1, y);
	cairo_stroke(d->cr);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
}

void
pdf_field(pdf_doc *d, const char *label, const char *value)
{
	pdf_field_sized(d, label, value, 0);
}

void
pdf_field_sized(pdf_doc *d, const char *label, const char *value, double size)
{
	double lw = WIDTH * LABEL_SHARE, h;
	PangoLayout *l, *v;

	if (failed(d))
		return;
	l = layout(d, label, BODY_PT, false, lw - 2 * CELL_PAD);
	v = layout(d, value != NULL && *value != '\0' ? value : "—", size > 0 ? size : BODY_PT,
	    false, WIDTH - lw - 2 * CELL_PAD);
	h = height_of(l) > height_of(v) ? height_of(l) : height_of(v);
	room(d, h + 2 * CELL_PAD);
	draw_at(d, l, LEFT + CELL_PAD, d->y + CELL_PAD, GRAY);
	draw_at(d, v, LEFT + lw + CELL_PAD, d->y + CELL_PAD, 0);
	d->y += h + 2 * CELL_PAD;
	rule(d, LEFT, LEFT + WIDTH, d->y);
	g_object_unref(l);
	g_object_unref(v);
}

/* The x and width of column i: the shares scaled to the text width. */
static void
column(const pdf_doc *d, int i, double *x, double *w)
{
	double total = 0, before = 0;

	for (int c = 0; c < d->ncols; c++) {
		total += d->cols[c].share;
		if (c < i)
			before += d->cols[c].share;
	}
	*x = LEFT + WIDTH * before / total;
	*w = WIDTH * d->cols[i].share / total;
}

/* Draw one row of cells at the flow (the header when header is true); returns nothing,
 * advances the flow.  A row taller than the room left starts a new page first. */
static void
row(pdf_doc *d, const char *const *cells, bool header)
{
	PangoLayout *l[PDF_TABLE_MAX_COLS];
	double h = 0, x, w;

	for (int c = 0; c < d->ncols; c++) {
		column(d, c, &x, &w);
		l[c] = layout(d, cells[c] != NULL ? cells[c] : "", BODY_PT, header,
		    w - 2 * CELL_PAD);
		if (d->cols[c].align == PDF_RIGHT)
			pango_layout_set_alignment(l[c], PANGO_ALIGN_RIGHT);
		if (height_of(l[c]) > h)
			h = height_of(l[c]);
	}
	h += 2 * CELL_PAD;
	if (!header)
		room(d, h);
	if (header) {
		cairo_set_source_rgb(d->cr, HEAD_FILL, HEAD_FILL, HEAD_FILL);
		cairo_rectangle(d->cr, LEFT, d->y, WIDTH, h);
		cairo_fill(d->cr);
	}
	for (int c = 0; c < d->ncols; c++) {
		column(d, c, &x, &w);
		draw_at(d, l[c], x + CELL_PAD, d->y + CELL_PAD, 0);
		g_object_unref(l[c]);
	}
	d->y += h;
	rule(d, LEFT, LEFT + WIDTH, d->y);
}

static void
table_header(pdf_doc *d)
{
	const char *heads[PDF_TABLE_MAX_COLS];

	for (int c = 0; c < d->ncols; c++)
		heads[c] = d->cols[c].header;
	row(d, heads, true);
}

void
pdf_table_begin(pdf_doc *d, const pdf_col *cols, int ncols)
{
	if (failed(d))
		return;
	if (ncols < 1 || ncols > PDF_TABLE_MAX_COLS) {
		d->err = BGW_E_INTERNAL;
		return;
	}
	/* The header and at least two rows together, or a new page. */
	room(d, BODY_PT * 6);
	memcpy(d->cols, cols, (size_t)ncols * sizeof(*cols));
	d->ncols = ncols;
	table_header(d);
}

void
pdf_table_row(pdf_doc *d, const char *const *cells)
{
	if (!failed(d) && d->ncols > 0)
		row(d, cells, false);
}

void
pdf_table_end(pdf_doc *d)
{
	if (failed(d))
		return;
	d->ncols = 0;
	d->y += 6;
}

typedef struct qr_ctx {
	cairo_t *cr;
	double x, y, side, module;
} qr_ctx;

static void
qr_begin(void *ud, int size)
{
	qr_ctx *q = ud;

	q->module = q->side / size;
	cairo_set_source_rgb(q->cr, 1, 1, 1);
	cairo_rectangle(q->cr, q->x, q->y, q->side, q->side);
	cairo_fill(q->cr);
	cairo_set_source_rgb(q->cr, 0, 0, 0);
}

static void
qr_run(void *ud, int x, int y, int len)
{
	qr_ctx *q = ud;

	cairo_rectangle(q->cr, q->x + x * q->module, q->y + y * q->module, len * q->module,
	    q->module);
}

void
pdf_qr(pdf_doc *d, const char *text, double size_mm, const char *caption)
{
	qr_ctx q = {.side = size_mm * PDF_MM};
	qr_sink s = {.begin = qr_begin, .run = qr_run, .ud = &q};
	bgw_err err;

	if (failed(d))
		return;
	room(d, q.side);
	q.cr = d->cr;
	q.x = LEFT;
	q.y = d->y;
	/* Runs are rectangles of one path, filled at once: no seams between modules. */
	if ((err = qr_draw(text, &s)) != BGW_OK) {
		d->err = err;
		return;
	}
	cairo_fill(d->cr);
	if (caption != NULL) {
		PangoLayout *l = layout(d, caption, BODY_PT, false, WIDTH - q.side - 4 * PDF_MM);

		draw_at(d, l, LEFT + q.side + 4 * PDF_MM, d->y + 2 * PDF_MM, 0);
		g_object_unref(l);
	}
	d->y += q.side + 4;
}

void
pdf_place(pdf_doc *d, double x_mm, double y_mm, double w_mm, double size, const char *text)
{
	PangoLayout *l;

	if (failed(d))
		return;
	room(d, 0);
	l = layout(d, text, size > 0 ? size : BODY_PT, false, w_mm * PDF_MM);
	draw_at(d, l, x_mm * PDF_MM, y_mm * PDF_MM, 0);
	g_object_unref(l);
}

void
pdf_goto(pdf_doc *d, double y_mm)
{
	if (failed(d))
		return;
	room(d, 0);
	if (d->y < y_mm * PDF_MM)
		d->y = y_mm * PDF_MM;
}

long
pdf_pages(const pdf_doc *d)
{
	return d->pages;
}

const char *
pdf_both(bgw_arena *a, const char *key)
{
	return bgw_arena_printf(a, "%s %s", i18n_t(I18N_JA, key), i18n_t(I18N_EN, key));
}

void
pdf_text_both(pdf_doc *d, double size, const char *key)
{
	pdf_text(d, size, i18n_t(I18N_JA, key));
	pdf_text(d, size, i18n_t(I18N_EN, key));
}

const char *
pdf_amount(bgw_arena *a, const char *amount, const char *currency)
{
	char buf[I18N_DATE_MAX * 2];

	if (amount == NULL)
		return NULL;
	if (i18n_amount(I18N_JA, amount, currency, buf, sizeof(buf)) != BGW_OK)
		return amount;
	return bgw_arena_strdup(a, buf);
}

void
pdf_release_fonts(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
}

const char *
pdf_date(bgw_arena *a, const char *when)
{
	char buf[I18N_DATE_MAX];

	if (when == NULL)
		return NULL;
	if (i18n_datetime(I18N_JA, when, buf, sizeof(buf)) == BGW_OK ||
	    i18n_date(I18N_JA, when, buf, sizeof(buf)) == BGW_OK)
		return bgw_arena_strdup(a, buf);
	return when;
}
