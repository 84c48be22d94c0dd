/* outbox.h - mail goes out through a table: queued in the transaction that causes it, sent
 * later by a sender that may run in several copies at once.
 *
 * Guarantees (the reasoning is in outbox.c):
 *   - queueing is exactly once per natural key, and atomic with the caller's change;
 *   - two live senders never send one row at the same time (FOR UPDATE SKIP LOCKED claim
 *     with a lease);
 *   - delivery is at least once: a sender that dies after the relay accepted a message but
 *     before it recorded "sent" leaves a claim that expires, and the row is sent again with
 *     the same Message-ID, so mail clients can drop the duplicate.
 */
#ifndef BGW_OUTBOX_H
#define BGW_OUTBOX_H

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "mail/smtp.h"

/* Transient failures wait OUTBOX_BACKOFF_BASE_S * 2^(attempt - 1) seconds, at most
 * OUTBOX_BACKOFF_CAP_S; after OUTBOX_MAX_ATTEMPTS the row fails for good (about a day). */
#define OUTBOX_BACKOFF_BASE_S 60
#define OUTBOX_BACKOFF_CAP_S 3600
#define OUTBOX_MAX_ATTEMPTS 30

/* Added to a claim's lease beyond the SMTP timeouts of its batch. */
#define OUTBOX_LEASE_MARGIN_S 60

/* Largest batch one drain claims. */
#define OUTBOX_BATCH_MAX 100

/* Most bulk (batch job) rows one claim takes.  A sender sends every row of its claim before
 * it claims again, so this bounds how long a transactional mail queued meanwhile waits
 * behind reminders: a few sends, not a whole batch. */
#define OUTBOX_BULK_SLICE 5

/* The statements of this module; ends with {NULL}. */
extern const db_stmt stmt_outbox[];

typedef struct outbox_msg {
	const char *natural_key; /* what makes it unique: "reminder:<confirmation id>:<date>" */
	const char *kind;        /* the template name, ^[a-z_]{1,32}$ */
	const char *project_id;  /* the project it belongs to, or NULL */
	const char *to;          /* addr-spec */
	const char *subject;     /* rendered (mailtpl_render) */
	const char *body;
} outbox_msg;

/* A message that failed for good in this drain, for the caller to flag (未達). */
typedef struct outbox_failure {
	const char *id;
	const char *kind;
	const char *natural_key;
	const char *to;
	const char *error;       /* "smtp 550: RCPT failed: 550", or why it was not sent */
	struct outbox_failure *next;
} outbox_failure;

/* Queue m unless a row with its natural key exists already (then nothing changes and the
 * answer is still BGW_OK: a retried request queues nothing twice).  For the kinds whose key
 * names a live token (invitation, password_reset, firm_invitation, respondent_code) only
 * the key's SHA-256 is stored.  Runs in the caller's
 * transaction when one is open, so the mail exists exactly when the change that caused it
 * commits.  BGW_E_VALIDATION if a field breaks the table's checks; BGW_E_INTERNAL for a
 * NULL field but project_id; db errors as db_exec. */
bgw_err outbox_enqueue(bgw_db *db, bgw_arena *a, const outbox_msg *m);

/* Send due messages through the relay c: up to batch (1..OUTBOX_BATCH_MAX) transactional
 * ones, then, if there were fewer, up to OUTBOX_BULK_SLICE bulk ones.  Must be called
 * outside a transaction: each claim and each outcome commits on its own.  *claimed counts
 * the rows this call claimed (0: nothing was due; a caller draining the outbox dry calls
 * again until then), *sent the messages the relay accepted; *failed lists (in a, NULL if none) the rows marked 'failed'
 * in this call: refused by the relay (5xx), impossible to build (a bad address), or out of
 * attempts.  Transient failures are queued again with backoff.  BGW_OK when the batch was
 * processed, whatever the relay said; a db error ends the batch early (the rows it still
 * held are retried once their lease expires). */
bgw_err outbox_drain(bgw_db *db, bgw_arena *a, const smtp_conf *c, int batch, int *claimed,
    int *sent, outbox_failure **failed);

/* Seconds to wait before attempt number attempts + 1 after a transient failure. */
long outbox_backoff(int attempts);

/* The outbox as the metrics show it. */
typedef struct outbox_state {
	double backlog;   /* mail waiting to leave (queued or being sent) */
	double oldest_s;  /* age of the oldest waiting message in seconds (0 when none) */
	double retrying;  /* waiting after a failed attempt */
	double failed;    /* given up after the last attempt, ever */
} outbox_state;

/* The outbox's state into *out, for the metrics.  Needs the stmt_metrics table.  Database
 * errors. */
bgw_err outbox_backlog(bgw_db *db, bgw_arena *a, outbox_state *out);

#endif
