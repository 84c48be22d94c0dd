/* multipart.h - streaming multipart/form-data parser (RFC 7578, RFC 2046) for uploads.
 *
 * The worker pushes the request body in chunks of any size; the parser calls back with each
 * part's headers and data as they arrive.  It never holds a part or the body: its memory is
 * two buffers of max_header_bytes, the boundary and a copy of the Content-Type value,
 * allocated once from the arena in multipart_new, whatever the size of the body or the number
 * of parts.
 *
 * Strictness (a WAF in front must not see a different body than we do, so anything
 * ambiguous is refused with BGW_E_BAD_REQUEST rather than guessed at):
 * - a delimiter is CRLF "--" boundary at the start of a line (the body's first line needs no
 *   CRLF before it); "--boundary" anywhere else is data.  A preamble before the first
 *   delimiter and an epilogue after the close delimiter are ignored.
 * - a delimiter line must continue with "--" (close) or optional SP/HTAB then CRLF; any
 *   other byte after CRLF "--" boundary is refused, since RFC 2046 forbids the boundary in
 *   the content.
 * - header lines end in CRLF (bare CR or LF refused); folded lines, NUL and other control
 *   bytes except HTAB, and whitespace before the colon are refused.  Header names are
 *   case-insensitive.
 * - Content-Disposition must be present once, of type form-data, with a non-empty name.
 *   Parameters name, filename and filename* each at most once; their values are a token or
 *   an RFC 7230 quoted-string (backslash escapes decoded; filename* only unquoted, charset
 *   UTF-8 or ISO-8859-1, and it wins over filename as RFC 6266 says).  Other parameters are
 *   checked for syntax and ignored.  Decoded name and filename must be valid UTF-8 without
 *   control bytes other than HTAB.  (Browsers send '"' in a filename as %22 and leave ''
 *   unescaped, so "a.pdf" arrives as "ab.pdf": the caller sanitises filenames anyway.)
 * - Content-Type at most once and not empty; Content-Transfer-Encoding, if sent, only 7bit,
 *   8bit or binary; other headers are ignored.
 * - at least one part; more than max_parts parts is BGW_E_BAD_REQUEST (a form, not an
 *   upload, so a malformed request rather than a large one).
 */
#ifndef BGW_MULTIPART_H
#define BGW_MULTIPART_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* RFC 2046: a boundary is 1 to 70 characters. */
#define MULTIPART_BOUNDARY_MAX 70

/* Defaults used when multipart_new gets no limits: room for an upload of 100 MiB plus its
 * form fields and framing, a generous header block, and a small form. */
#define MULTIPART_DEFAULT_MAX_PARTS 32
#define MULTIPART_DEFAULT_MAX_HEADER_BYTES 8192
#define MULTIPART_DEFAULT_MAX_TOTAL ((size_t)100 * 1024 * 1024 + 64 * 1024)

typedef struct multipart_limits {
	size_t max_parts;        /* more parts -> BGW_E_BAD_REQUEST */
	size_t max_header_bytes; /* bytes of one part's header block incl. CRLFs -> BGW_E_BAD_REQUEST */
	size_t max_total;        /* bytes fed in all -> BGW_E_TOO_LARGE */
} multipart_limits;

/* One part's headers, valid from its part_begin until its part_end returns. */
typedef struct multipart_part {
	const char *name;         /* form field name from Content-Disposition, never NULL or "" */
	const char *filename;     /* NULL if none; raw client value ("" is possible), filename*
	                           * decoded to UTF-8 if given; the caller sanitises it */
	const char *content_type; /* NULL if none; the header value, trimmed */
} multipart_part;

/* Any callback may be NULL.  One returning non-BGW_OK stops parsing; multipart_feed returns
 * that error, now and on every later call.  Callbacks must not call back into the parser. */
typedef struct multipart_callbacks {
	bgw_err (*part_begin)(void *ud, const multipart_part *p);
	bgw_err (*part_data)(void *ud, const char *buf, size_t n); /* n > 0; many times a part */
	bgw_err (*part_end)(void *ud);
} multipart_callbacks;

typedef struct multipart_parser multipart_parser;

/* A parser for a body whose request header Content-Type is content_type; the boundary is
 * its boundary parameter (token or quoted-string, 1..70 characters of RFC 2046's bchars, not
 * ending in a space).  lim may be NULL for the defaults above; every limit must be > 0.
 * cb and ud are borrowed and must outlive the parser; the parser lives in arena a.
 * Returns BGW_OK and *out; BGW_E_UNSUPPORTED_TYPE if content_type is NULL or not
 * multipart/form-data; BGW_E_BAD_REQUEST if its parameters are malformed or the boundary is
 * missing, repeated or invalid; BGW_E_INTERNAL for a zero limit or NULL cb; BGW_E_NOMEM. */
bgw_err multipart_new(bgw_arena *a, const char *content_type, const multipart_limits *lim,
    const multipart_callbacks *cb, void *ud, multipart_parser **out);

/* Parse the next n bytes of the body (split anywhere).  Returns BGW_OK; BGW_E_BAD_REQUEST
 * for malformed input; BGW_E_TOO_LARGE past max_total (checked before any byte of the chunk
 * is parsed); or a callback's error.  After an error every call returns the same error;
 * after multipart_finish, BGW_E_INTERNAL. */
bgw_err multipart_feed(multipart_parser *p, const char *buf, size_t n);

/* The body has ended.  Returns BGW_OK if the close delimiter was seen; BGW_E_BAD_REQUEST if
 * the body was truncated (no delimiter, or inside a part's headers or data); or the error
 * that stopped parsing earlier. */
bgw_err multipart_finish(multipart_parser *p);

#endif
