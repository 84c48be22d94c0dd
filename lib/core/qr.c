/* qr.c - a QR code (libqrencode) written as inline SVG through the HTML writer. */
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
qr_write_svg(html *h, const char *text, const char *label)
{
	QRcode *q;
	int size;

	if (text == NULL || *text == '\0')
		return BGW_E_VALIDATION;
	if (strlen(text) > QR_TEXT_MAX)
		return BGW_E_TOO_LARGE;
	errno = 0;
	q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (q == NULL)
		return errno == ERANGE ? BGW_E_TOO_LARGE : errno == EINVAL ? BGW_E_VALIDATION :
		    BGW_E_NOMEM;
	size = q->width + 2 * QR_QUIET_ZONE;
	html_raw(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\"");
	html_attr(h, "aria-label", label);
	html_raw(h, " viewBox=\"0 0 ");
	html_int(h, size);
	html_raw(h, " ");
	html_int(h, size);
	/* crispEdges: no anti-aliased seams between runs, which some scanners dislike. */
	html_raw(h, "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"");
	/* One subpath per horizontal run of dark modules: a fraction of the markup of one
	 * <rect> per module. */
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			int run = 0;

			while (x + run < q->width && dark(q, x + run, y))
				run++;
			if (run == 0) {
				x++;
				continue;
			}
			html_raw(h, "M");
			html_int(h, x + QR_QUIET_ZONE);
			html_raw(h, " ");
			html_int(h, y + QR_QUIET_ZONE);
			html_raw(h, "h");
			html_int(h, run);
			html_raw(h, "v1h-");
			html_int(h, run);
			html_raw(h, "z");
			x += run;
		}
	}
	html_raw(h, "\"/></svg>");
	QRcode_free(q);
	return BGW_OK;
}
