/* qr.h - a QR code as inline SVG markup, for the MFA enrolment page (the otpauth:// URI),
 * or as runs of dark modules for any other drawing (the PDF receipts and letters).
 *
 * The symbol is drawn as one <path> of dark module runs inside an <svg> with a viewBox in
 * module units, so it scales with CSS and needs no script, no image request and no data:
 * URL (the CSP allows none of those for us).  Written through the HTML writer, so the only
 * runtime text in it, the accessible label, is escaped like any other text.
 */
#ifndef BGW_QR_H
#define BGW_QR_H

#include "core/err.h"
#include "http/html.h"

#define QR_QUIET_ZONE 4     /* modules of light margin on each side (ISO/IEC 18004 asks for 4) */
#define QR_TEXT_MAX 1024    /* longest text we encode; an otpauth URI is at most MFA_URI_MAX */

/* Append to h an <svg role="img" aria-label="label"> holding text as a QR code (byte mode,
 * error correction level M, the smallest version that fits).  Deterministic: the same text
 * gives the same markup.  The SVG is (width + 2 * QR_QUIET_ZONE) modules square.
 * BGW_OK; BGW_E_VALIDATION for NULL or empty text; BGW_E_TOO_LARGE for text longer than
 * QR_TEXT_MAX or than a QR code holds; BGW_E_NOMEM.  On error nothing is written to h
 * (and h's own sticky error is untouched). */
bgw_err qr_write_svg(html *h, const char *text, const char *label);

/* Where qr_draw puts a symbol: begin once with the symbol's side in modules (quiet zone
 * included), then run for each horizontal run of len dark modules starting at (x, y),
 * counted from the top left of that square. */
typedef struct qr_sink {
	void (*begin)(void *ud, int size);
	void (*run)(void *ud, int x, int y, int len);
	void *ud;
} qr_sink;

/* Encode text as qr_write_svg does and hand its dark runs to s (the PDF pages draw them
 * with cairo, lib/pdf/pdf.c).  The same returns as qr_write_svg; on error s is not called. */
bgw_err qr_draw(const char *text, const qr_sink *s);

#endif
