/* notify.h - the steps of the batch job (bgw-notify --once), each a thin layer over the
 * SECURITY DEFINER functions of db/migrations/0010_batch.sql, where the reasoning about
 * least privilege and exactly-once delivery is written down.
 */
#ifndef BGW_NOTIFY_H
#define BGW_NOTIFY_H

#include <stddef.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "core/kv.h"
#include "mail/outbox.h"

/* Due notifications fetched per round. */
#define NOTIFY_DUE_BATCH 200
/* Room for the run's instant as text ("2026-05-01 18:00:00+09" and longer forms). */
#define NOTIFY_NOW_MAX 64

/* One run of the batch job. */
typedef struct notify_run {
	bgw_db *db;
	bgw_arena *a;             /* reset by the steps between items */
	const char *base_url;     /* public https origin, for links */
	char now[NOTIFY_NOW_MAX]; /* the run's instant (--now, else the database's now()) */
	const unsigned char *unsub_key; /* signs the digest's unsubscribe link (unsub.h);
	                          * NULL: the digest points to the account page instead and
	                          * carries no List-Unsubscribe */
} notify_run;


/* Fix the run's instant: now_arg ("YYYY-MM-DDTHH:MM:SSZ") or, when NULL, the database's
 * clock, into run->now.  BGW_E_VALIDATION for a malformed now_arg. */
bgw_err notify_set_now(notify_run *run, const char *now_arg);

/* Queue every notification due at run->now (reminders, pending authorisation and approval,
 * overdue alerts, digests), each in its own transaction with its audit event.  *queued
 * counts the mails queued by this call.  Returns BGW_OK when the list is exhausted (items
 * another run holds are left to it), or the first database error. */
bgw_err notify_queue_due(notify_run *run, int *queued);

/* Remove sessions and tokens expired as of the earlier of run->now and the real clock;
 * *removed gets how many rows went. */
bgw_err notify_clean(notify_run *run, long long *removed);

/* A mail of the outbox failed for good: if it went to a confirmation's addressee, flag
 * that confirmation undeliverable (未達) and append the event to its history.  Runs its
 * own transaction (call it outside one).  BGW_OK also when there was nothing to flag. */
bgw_err notify_mark_undeliverable(bgw_db *db, bgw_arena *a, const char *outbox_id);

/* What notify_read_bounce made of one message. */
typedef enum notify_bounce_outcome {
	NOTIFY_BOUNCE_NOT_REPORT, /* not a delivery status notification: ignored */
	NOTIFY_BOUNCE_UNMATCHED,  /* a report, but not to one of our return paths, or about
	                           * no sent row: ignored */
	NOTIFY_BOUNCE_FORGED,     /* to a return path whose signature is wrong: ignored */
	NOTIFY_BOUNCE_DELIVERED,  /* a report of success (relayed, delivered): nothing to do */
	NOTIFY_BOUNCE_TRANSIENT,  /* 4.x.x or delayed: counted on the row, nothing flagged */
	NOTIFY_BOUNCE_PERMANENT,  /* 5.x.x: the row records it; its confirmation, if it was the
	                           * request or a reminder to the current address, is flagged
	                           * undeliverable with an event whose detail has the reason */
} notify_bounce_outcome;

/* Read one incoming message (len bytes) sent to our bounce address (lib/mail/dsn.h) and act
 * on it with the bounce key (lib/mail/bounce.h); *out says how.  Runs its own transaction
 * (call it outside one).  BGW_OK for every outcome; database errors (the caller keeps the
 * message to read again); BGW_E_NOMEM. */
bgw_err notify_read_bounce(bgw_db *db, bgw_arena *a, const unsigned char *bounce_key,
    const char *msg, size_t len, notify_bounce_outcome *out);

/* The day's audit checkpoint (lib/flow/auditcp.h), unless this host's file (checkpoint_file)
 * holds one of today already: the chains' heads signed with the key in key_file into the
 * file, and the same lines mailed to the operators, in one transaction of its own (call it
 * outside one) with the file written first.  A chain that disagrees with the last
 * checkpoint stops it: the operators get the alarm instead, and the answer is
 * BGW_E_CONFLICT.  Logged either way; the arena is reset. */
bgw_err notify_checkpoint(bgw_db *db, bgw_arena *a, const char *key_file,
    const char *checkpoint_file);

#endif
