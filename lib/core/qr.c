/* qr.c - a QR code (libqrencode) as runs of dark modules, written as inline SVG through the
 * HTML writer or handed to any other drawing. */
#include "core/qr.h"

#include <errno.h>
#include <string.h>

#include <qrencode.h>

/* libqrencode marks a dark module in bit 0 of each byte of its matrix. */
#define QR_DARK 0x01

static bool
dark(const QRcode *q, int x, int y)
{
	return (q->data[(size_t)y * (size_t)q->width + (size_t)x] & QR_DARK) != 0;
}

bgw_err
qr_draw(const char *text, const qr_sink *s)
{
	QRcode *q;

	if (text == NULL || *text == '\0')
		return BGW_E_VALIDATION;
	if (strlen(text) > QR_TEXT_MAX)
		return BGW_E_TOO_LARGE;
	errno = 0;
	q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (q == NULL)
		return errno == ERANGE ? BGW_E_TOO_LARGE : errno == EINVAL ? BGW_E_VALIDATION :
		    BGW_E_NOMEM;
	s->begin(s->ud, q->width + 2 * QR_QUIET_ZONE);
	/* One call per horizontal run of dark modules: a fraction of the work of one per
	 * module. */
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			int run = 0;

			while (x + run < q->width && dark(q, x + run, y))
				run++;
			if (run == 0) {
				x++;
				continue;
			}
			s->run(s->ud, x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, run);
			x += run;
		}
	}
	QRcode_free(q);
	return BGW_OK;
}

typedef struct svg_ctx {
	html *h;
	const char *label;
} svg_ctx;

static void
svg_begin(void *ud, int size)
{
	svg_ctx *c = ud;

	html_raw(c->h, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\"");
	html_attr(c->h, "aria-label", c->label);
	html_raw(c->h, " viewBox=\"0 0 ");
	html_int(c->h, size);
	html_raw(c->h, " ");
	html_int(c->h, size);
	/* crispEdges: no anti-aliased seams between runs, which some scanners dislike. */
	html_raw(c->h, "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"");
}

/* One subpath per run: a fraction of the markup of one <rect> per module. */
static void
svg_run(void *ud, int x, int y, int len)
{
	svg_ctx *c = ud;

	html_raw(c->h, "M");
	html_int(c->h, x);
	html_raw(c->h, " ");
	html_int(c->h, y);
	html_raw(c->h, "h");
	html_int(c->h, len);
	html_raw(c->h, "v1h-");
	html_int(c->h, len);
	html_raw(c->h, "z");
}

bgw_err
qr_write_svg(html *h, const char *text, const char *label)
{
	svg_ctx c = {.h = h, .label = label};
	qr_sink s = {.begin = svg_begin, .run = svg_run, .ud = &c};
	bgw_err err = qr_draw(text, &s);

	if (err == BGW_OK)
		html_raw(h, "\"/></svg>");
	return err;
}
