/* sniff.h - the type of an upload decided by its content, never by its name.
 *
 * Accepted (anything else is refused: the handler answers 415 unsupported_type):
 *
 *   application/pdf     "%PDF-" at offset 0
 *   image/png, image/jpeg, image/gif, image/webp, image/tiff   by their signatures
 *   application/zip     "PK\3\4" at offset 0 and an end-of-central-directory record that
 *                       closes the file exactly (a cut or padded archive is refused)
 *   application/vnd.openxmlformats-officedocument.spreadsheetml.sheet     (xlsx)
 *   application/vnd.openxmlformats-officedocument.wordprocessingml.document (docx)
 *                       a zip whose central directory names "[Content_Types].xml" and
 *                       "xl/workbook.xml" (xlsx) or "word/document.xml" (docx)
 *   text/csv, text/plain  no signature above, at least one byte, and the WHOLE file is
 *                       strict UTF-8 (BOM allowed) with no control character but TAB, LF
 *                       and CR, and no C1 control; Shift_JIS and other legacy encodings are
 *                       refused (export as UTF-8).  text/csv if the client's name ends in
 *                       ".csv", else text/plain: the only thing the name ever decides.
 *
 * The sniffer streams: the upload passes through sniff_feed in pieces beside the scanner
 * and the encryption, so no plaintext is written anywhere to be re-read.  It holds the
 * first SNIFF_MAGIC_LEN bytes, a UTF-8 decoder state and, for a zip, the last SNIFF_ZIP_TAIL
 * bytes (the central directory sits at the end of an archive): constant memory.  A zip
 * whose central directory is longer than the tail, or a zip64 archive, is labelled
 * application/zip without looking inside (the label of an OOXML file is cosmetic: all three
 * are accepted and served as attachments).
 */
#ifndef BGW_SNIFF_H
#define BGW_SNIFF_H

#include <stddef.h>

#include "core/err.h"

/* Bytes of the start needed to recognise every signature (RIFF....WEBP is the longest). */
#define SNIFF_MAGIC_LEN 12
/* Bytes of the end kept for a zip: the end-of-central-directory record (22 bytes and a
 * comment of up to 65,535) and a central directory of about a thousand entries. */
#define SNIFF_ZIP_TAIL ((size_t)128 * 1024)

#define SNIFF_PDF "application/pdf"
#define SNIFF_PNG "image/png"
#define SNIFF_JPEG "image/jpeg"
#define SNIFF_GIF "image/gif"
#define SNIFF_WEBP "image/webp"
#define SNIFF_TIFF "image/tiff"
#define SNIFF_ZIP "application/zip"
#define SNIFF_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define SNIFF_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define SNIFF_CSV "text/csv"
#define SNIFF_TEXT "text/plain"

typedef struct sniff_state sniff_state;

/* A sniffer for one upload, owned by the caller (sniff_free); NULL on out of memory. */
sniff_state *sniff_new(void);

/* Take the next n bytes of the file.  BGW_OK while the file may still be accepted;
 * BGW_E_UNSUPPORTED_TYPE (sticky) as soon as it cannot be (no known signature and not
 * UTF-8 text), so the handler may stop early. */
bgw_err sniff_feed(sniff_state *s, const void *buf, size_t n);

/* The file has ended: its canonical MIME type (a static string, one of the SNIFF_ macros),
 * or NULL if it is not accepted.  filename_hint (the client's name, may be NULL) only picks
 * text/csv over text/plain.  May be called once. */
const char *sniff_finish(sniff_state *s, const char *filename_hint);

/* Free; NULL is allowed. */
void sniff_free(sniff_state *s);

/* sniff_free with the signature of an arena cleanup hook. */
void sniff_free_hook(void *s);

/* The whole file at once (n bytes at buf): sniff_new, sniff_feed, sniff_finish.  NULL if not
 * accepted or out of memory. */
const char *sniff_type(const unsigned char *buf, size_t n, const char *filename_hint);

#endif
