/* dsn.h - read a delivery status notification (RFC 3464: a multipart/report whose
 * report-type is delivery-status), as a remote mail server sends it back to the envelope
 * sender days after our relay accepted the message.
 *
 * Only what bounce handling needs is kept: the address the report came back to (our
 * per-message return path, lib/mail/bounce.h) and the worst per-recipient outcome.  Input
 * is untrusted mail: anything that is not a well-formed report is refused, never guessed.
 */
#ifndef BGW_DSN_H
#define BGW_DSN_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* Largest report read (a DSN carries the original headers or message: bounded). */
#define DSN_MAX_BYTES (1024 * 1024)
/* Room for a status code "5.1.1" (RFC 3463: class.subject.detail, each up to 3 digits). */
#define DSN_STATUS_MAX 12
/* Longest diagnostic kept (the outbox's last_error holds up to 2000). */
#define DSN_DIAG_MAX 500

typedef enum dsn_class {
	DSN_NONE,      /* delivered, relayed, expanded: nothing to do */
	DSN_TRANSIENT, /* 4.x.x or Action: delayed: the remote server still tries */
	DSN_PERMANENT, /* 5.x.x with Action: failed: the address does not take mail */
} dsn_class;

typedef struct dsn_report {
	const char *to;          /* the top-level header naming where it came back to
	                          * (X-Original-To, Delivered-To, Envelope-To, To: first found),
	                          * or NULL */
	dsn_class cls;           /* the worst outcome over the recipients */
	char status[DSN_STATUS_MAX]; /* its Status: "5.1.1" */
	const char *recipient;   /* its Final-Recipient (after "rfc822;"), or NULL */
	const char *diagnostic;  /* its Diagnostic-Code, unfolded, at most DSN_DIAG_MAX bytes,
	                          * or NULL */
} dsn_report;

/* Parse the len bytes of msg (one message, CRLF or LF lines) into *out; strings in a.
 *   BGW_OK            a delivery-status report with at least one recipient with a Status
 *   BGW_E_VALIDATION  not such a report (another message, a malformed or truncated one)
 *   BGW_E_TOO_LARGE   longer than DSN_MAX_BYTES
 *   BGW_E_NOMEM */
bgw_err dsn_parse(bgw_arena *a, const char *msg, size_t len, dsn_report *out);

#endif
