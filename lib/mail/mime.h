/* mime.h - one outgoing mail as RFC 5322 bytes: a UTF-8 text/plain body, base64-encoded,
 * with CRLF line endings; with an HTML version of the same text, a multipart/alternative
 * of the two (plain first, RFC 2046 section 5.1.4: the last part is the preferred one).
 *
 * Header values never carry CR or LF (header injection): such input is refused rather than
 * cleaned, since it can only come from a bug or an attack.  Non-ASCII or long subjects and
 * display names are RFC 2047 "B" encoded words, each at most MIME_WORD_MAX characters and
 * never splitting a UTF-8 sequence, on lines of at most MIME_LINE_MAX characters.
 */
#ifndef BGW_MIME_H
#define BGW_MIME_H

#include <stddef.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"

/* RFC 2047 section 2: an encoded word is at most 75 characters. */
#define MIME_WORD_MAX 75
/* RFC 2047 section 2 / RFC 2045 section 6.8: lines of encoded words and of base64 are at
 * most 76 characters (without the CRLF). */
#define MIME_LINE_MAX 76
/* Longest address accepted (RFC 5321 section 4.5.3.1.3: a path is at most 256 octets). */
#define MIME_ADDR_MAX 254
/* Random bytes in a generated Message-ID (hex-encoded: twice as many characters). */
#define MIME_MSGID_RANDOM 16

typedef struct mime_msg {
	const char *from;       /* addr-spec, ASCII: noreply@example.jp */
	const char *from_name;  /* display name, UTF-8, or NULL */
	const char *to;         /* addr-spec, ASCII */
	const char *subject;    /* UTF-8, one line */
	const char *body;       /* UTF-8; LF or CRLF line endings (sent as CRLF) */
	const char *message_id; /* "<...@...>" to reuse (a retried send), or NULL to generate */
	const char *domain;     /* right side of a generated Message-ID; NULL: from's domain */
	time_t date;            /* the Date header; 0: now */
	const char *html;       /* UTF-8 HTML of the same text (mailtpl_html), or NULL */
	const char *list_unsubscribe; /* https link whose POST unsubscribes (RFC 8058), or
	                         * NULL: List-Unsubscribe and List-Unsubscribe-Post headers */
} mime_msg;

/* Build the message m in arena a.  On BGW_OK *out holds the message (NUL-terminated, *len
 * bytes without the NUL) and, if message_id is not NULL, *message_id the Message-ID used
 * ("<hex@domain>"), both in a.  BGW_E_VALIDATION if an address is not a plain ASCII
 * addr-spec, a header value holds CR, LF or another control character, or a text is not
 * valid UTF-8; BGW_E_INTERNAL if no random bytes could be had; BGW_E_NOMEM. */
bgw_err mime_build(bgw_arena *a, const mime_msg *m, char **out, size_t *len,
    char **message_id);

/* The value of an unstructured header (Subject) for the UTF-8 text s, whose header name and
 * ": " take first_used characters of the first line: s itself if it is printable ASCII,
 * holds no "=?" and fits the line, else "B" encoded words folded with CRLF SP.  On BGW_OK
 * *out is that value in a (no final CRLF).  BGW_E_VALIDATION for a control character
 * (CR and LF included) or invalid UTF-8; BGW_E_NOMEM. */
bgw_err mime_encode_header(bgw_arena *a, const char *s, size_t first_used, char **out);

#endif
