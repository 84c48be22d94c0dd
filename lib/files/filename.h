/* filename.h - a client's file name made fit for display and for a download's
 * Content-Disposition.  The name is never used as a path: blobs live under random ids.
 */
#ifndef BGW_FILENAME_H
#define BGW_FILENAME_H

#include "core/arena.h"

/* documents.name allows 1..255 characters; bytes are capped here, which is stricter. */
#define FILENAME_MAX_BYTES 255
/* An extension up to this many bytes (with its dot) survives the cap. */
#define FILENAME_EXT_KEEP 16
/* The name used when nothing is left. */
#define FILENAME_FALLBACK "file"

/* A display name for client_name (UTF-8; NULL allowed), in arena a:
 * - only the part after the last '/' or '\' (so "../../etc/passwd" is "passwd");
 * - invalid UTF-8 bytes, C0 and C1 controls, DEL, bidirectional controls (U+061C,
 *   U+200E/F, U+202A..E, U+2066..9), zero-width and line/paragraph separators and U+FEFF
 *   removed; the Windows-reserved characters < > : " | ? * become '_';
 * - leading dots and spaces, trailing dots and spaces removed;
 * - a Windows device name (CON, PRN, AUX, NUL, COM1..9, LPT1..9, alone or before an
 *   extension, any case) gets a '_' in front;
 * - at most FILENAME_MAX_BYTES bytes, cut at a character boundary, keeping a short
 *   extension;
 * - FILENAME_FALLBACK if nothing is left.
 * Everything else is kept: Japanese names and "O'Brien & Co (2024).pdf" stay intact.
 * NULL only on out of memory. */
char *filename_sanitize(bgw_arena *a, const char *client_name);

/* The Content-Disposition value for a download of name (RFC 6266, RFC 5987):
 *   attachment; filename="ASCII"; filename*=UTF-8''PERCENT-ENCODED
 * ASCII is name with every non-ASCII character, control, '"', '\' and '%' replaced by '_'
 * (for old clients); the filename* parameter carries the exact UTF-8 (invalid bytes
 * dropped).  Safe for any input (no CR, LF or quote can escape the header value), but pass
 * a sanitised name.  In arena a; NULL only on out of memory. */
char *filename_content_disposition(bgw_arena *a, const char *name);

#endif
