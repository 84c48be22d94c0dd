/* pdf.h - a small page model drawn onto a cairo PDF surface with Pango text: headings,
 * paragraphs, label/value grids, tables that break across pages with their header repeated,
 * QR codes, text placed at a fixed spot (an envelope window) and page numbers; Japanese and
 * English in the Noto CJK fonts, which cairo embeds (subset) in the file.
 *
 * The document streams: cairo hands each finished page to the write callback
 * (cairo_pdf_surface_create_for_stream), and every layout object is freed as soon as its
 * text is drawn, so memory stays flat however many pages a document has (a 500-letter
 * print run; tests/bench scenario letters500).  Only the font subsets and the page
 * directory, a few bytes a page, wait for pdf_close.
 *
 * Errors are sticky: after the first failure (a write error from the callback, a cairo
 * error, memory) every call does nothing and pdf_close returns that error, so a caller
 * lays out a whole document and checks once.
 */
#ifndef BGW_PDF_H
#define BGW_PDF_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* A4 portrait in points (1/72 inch), the paper of every Japanese letter and receipt. */
#define PDF_PAGE_W 595.276
#define PDF_PAGE_H 841.890
#define PDF_MM 2.834646 /* points per millimetre */
#define PDF_MARGIN_MM 20.0
#define PDF_FONT "Noto Sans CJK JP"
#define PDF_TABLE_MAX_COLS 8

/* Receives the bytes of the file in order; returns BGW_OK or an error (e.g. BGW_E_IO for a
 * closed connection), which stops the document. */
typedef bgw_err (*pdf_write_fn)(void *ud, const unsigned char *buf, size_t n);

typedef struct pdf_doc pdf_doc;

/* Column alignment in a table. */
enum pdf_align { PDF_LEFT, PDF_RIGHT };

/* One table column: its header, its share of the text width (the shares of a table's
 * columns are scaled to the full width), its alignment. */
typedef struct pdf_col {
	const char *header;
	double share;
	enum pdf_align align;
} pdf_col;

/* Start a document whose bytes go to write(ud, ...).  title goes into the document's
 * metadata and each page's footer next to the page number.  The document is freed by
 * pdf_close (also registered as a cleanup of arena a, so an abandoned one is freed when
 * the arena is).  BGW_OK with *out; BGW_E_NOMEM. */
bgw_err pdf_open(bgw_arena *a, const char *title, pdf_write_fn write, void *ud,
    pdf_doc **out);

/* Finish the last page, write the font subsets and the trailer, free the document.
 * Returns the first error of the document's life, or BGW_OK. */
bgw_err pdf_close(pdf_doc *d);

/* Start a new page and number pages from 1 again: one letter among many in one file. */
void pdf_restart(pdf_doc *d);

/* A heading of level 1 (the document's title) or 2 (a section). */
void pdf_heading(pdf_doc *d, int level, const char *text);

/* A paragraph wrapped to the text width, at size pt (0: the body size). */
void pdf_text(pdf_doc *d, double size, const char *text);

/* Vertical space of mm millimetres. */
void pdf_space(pdf_doc *d, double mm);

/* One row of a label/value grid: the label in the left third, the value wrapped in the
 * rest.  A NULL or empty value prints as "—". */
void pdf_field(pdf_doc *d, const char *label, const char *value);

/* The same with the value at size pt (0: the body size): a long unbroken value, such as a
 * seal in hex, kept on one line. */
void pdf_field_sized(pdf_doc *d, const char *label, const char *value, double size);

/* A table of ncols (<= PDF_TABLE_MAX_COLS) columns: pdf_table_begin draws the header,
 * each pdf_table_row one row (cells[ncols], NULL for empty); a row that does not fit
 * starts a new page, which repeats the header first. */
void pdf_table_begin(pdf_doc *d, const pdf_col *cols, int ncols);
void pdf_table_row(pdf_doc *d, const char *const *cells);
void pdf_table_end(pdf_doc *d);

/* A QR code of text (libqrencode through lib/core/qr.h), size_mm square with its quiet
 * zone, at the left margin; caption (may be NULL) wrapped to its right. */
void pdf_qr(pdf_doc *d, const char *text, double size_mm, const char *caption);

/* Text placed at (x_mm, y_mm) from the page's top left, w_mm wide, at size pt, without
 * moving the flow (an addressee block behind an envelope window). */
void pdf_place(pdf_doc *d, double x_mm, double y_mm, double w_mm, double size,
    const char *text);

/* Move the flow down to y_mm from the page's top (nothing if it is already below). */
void pdf_goto(pdf_doc *d, double y_mm);

/* The catalogue's text of key in both languages, Japanese first: "残高 Balance" (for
 * labels; long texts go in two paragraphs, pdf_text_both).  Arena-owned; NULL for NOMEM. */
const char *pdf_both(bgw_arena *a, const char *key);

/* Two paragraphs: key's text in Japanese, then in English. */
void pdf_text_both(pdf_doc *d, double size, const char *key);

/* A stored amount in currency as a Japanese reader reads it (i18n_amount: "1,250,000円");
 * NULL amount gives NULL; an amount that does not parse is shown as stored. */
const char *pdf_amount(bgw_arena *a, const char *amount, const char *currency);

/* Free the process's font caches (Pango's font map, cairo's and fontconfig's static data),
 * which live as long as the process otherwise: for a leak check at exit (unit tests, a
 * worker that ends).  No document may be open. */
void pdf_release_fonts(void);

/* A timestamp ("2026-03-31 09:05:00+00") or a date ("2026-03-31") as a Japanese reader
 * reads it (i18n_datetime, i18n_date); anything else as given; NULL gives NULL. */
const char *pdf_date(bgw_arena *a, const char *when);

/* The number of pages begun so far (over the whole document). */
long pdf_pages(const pdf_doc *d);

#endif
