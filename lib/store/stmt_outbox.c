/* stmt_outbox.c - the statements of the mail outbox (lib/mail/outbox.c).
 *
 * A claim is a value of attempts: every statement that ends a claim matches id, status
 * 'sending' and the attempts value it was claimed with, so a sender whose lease expired
 * cannot overwrite the outcome of the sender that took the row over.
 */
#include "mail/outbox.h"

const db_stmt stmt_outbox[] = {
	/* $1 natural_key, $2 kind, $3 project_id (NULL), $4 to, $5 subject, $6 body */
	{"outbox_insert",
	    "INSERT INTO outbox (natural_key, kind, project_id, to_address, subject, body) "
	    "VALUES ($1, $2, $3, $4, $5, $6) "
	    "ON CONFLICT (natural_key) DO NOTHING",
	    6},
	/* Claim up to $1 due rows for $2 seconds; $3 is the domain of Message-IDs, made once
	 * per row at its first claim so a re-sent row keeps it.  A row still 'sending' whose
	 * lease ran out belongs to a sender that died: it is due again.  Transactional mail
	 * first: a request or a reset must not wait behind a batch run's reminders (0024).
	 * Bulk mail comes at most $4 rows a claim: a sender holds a claim until it has sent
	 * every row of it, so a claim of 50 reminders would make a request queued meanwhile
	 * wait for all 50 (tens of seconds on a loaded host); after $4 it looks again. */
	{"outbox_claim",
	    "WITH due AS ("
	    "  SELECT id FROM outbox "
	    "  WHERE status IN ('queued', 'sending') AND next_attempt_at <= now() "
	    "    AND (status = 'queued' OR locked_until < now()) AND NOT bulk "
	    "  ORDER BY next_attempt_at LIMIT $1::integer "
	    "  FOR UPDATE SKIP LOCKED), "
	    "bulk_due AS ("
	    "  SELECT id FROM outbox "
	    "  WHERE status IN ('queued', 'sending') AND next_attempt_at <= now() "
	    "    AND (status = 'queued' OR locked_until < now()) AND bulk "
	    "  ORDER BY next_attempt_at LIMIT least($1::integer, $4::integer) "
	    "  FOR UPDATE SKIP LOCKED) "
	    "UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1, "
	    "locked_until = now() + make_interval(secs => $2::integer), "
	    "message_id = coalesce(o.message_id, '<' || new_id() || '@' || $3 || '>') "
	    "WHERE o.id IN (SELECT id FROM due UNION ALL "
	    "  SELECT id FROM bulk_due WHERE (SELECT count(*) FROM due) < $1::integer) "
	    "RETURNING o.id, o.attempts, o.kind, o.natural_key, o.to_address, o.subject, "
	    "o.body, o.message_id, o.list_unsubscribe",
	    4},
	/* $1 id, $2 attempts of the claim.  The body may hold a single-use link: cleared. */
	{"outbox_mark_sent",
	    "UPDATE outbox SET status = 'sent', sent_at = now(), locked_until = NULL, "
	    "last_error = NULL, body = '' "
	    "WHERE id = $1 AND status = 'sending' AND attempts = $2::integer",
	    2},
	/* $1 id, $2 attempts, $3 seconds to wait, $4 error */
	{"outbox_retry",
	    "UPDATE outbox SET status = 'queued', locked_until = NULL, "
	    "next_attempt_at = now() + make_interval(secs => $3::integer), last_error = $4 "
	    "WHERE id = $1 AND status = 'sending' AND attempts = $2::integer",
	    4},
	/* $1 id, $2 attempts, $3 error.  Never sent, never will be: the body goes too. */
	{"outbox_mark_failed",
	    "UPDATE outbox SET status = 'failed', locked_until = NULL, last_error = $3, "
	    "body = '' "
	    "WHERE id = $1 AND status = 'sending' AND attempts = $2::integer",
	    3},
	{NULL, NULL, 0},
};
