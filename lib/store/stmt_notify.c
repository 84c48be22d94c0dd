/* stmt_notify.c - the statements of the batch job (lib/mail/notify*.c).  Everything about
 * projects and confirmations goes through the functions of 0010_batch.sql: the job has no
 * user bound, so row-level security would show it nothing directly. */
#include "store/stmt.h"

const db_stmt stmt_notify[] = {
	{"notify_now",
	    "SELECT coalesce($1::timestamptz, now())::text", 1},
	{"notify_due",
	    "SELECT natural_key, kind, confirmation_id, project_id, user_id, to_address, "
	    /* A reminder is in the language chosen for its addressee (0034). */
	    "CASE WHEN kind = 'reminder' THEN coalesce(batch_addressee_locale(confirmation_id), "
	    "locale) ELSE locale END, "
	    "name, reference, due_date, as_of, firm, client, project, org_id, n1, n2, n3, n4, "
	    "batch_day($1::timestamptz) "
	    "FROM batch_due($1::timestamptz, $2::integer)", 2},
	{"notify_lock_confirmation",
	    "SELECT batch_lock_confirmation($1, $2::text[], $3::boolean)", 3},
	/* Like outbox_insert, but says whether this transaction queued the row; the batch
	 * job's mail is bulk, sent after transactional mail (0024). */
	{"notify_outbox_insert",
	    "INSERT INTO outbox (natural_key, kind, project_id, to_address, subject, body, bulk, "
	    "list_unsubscribe) "
	    "VALUES ($1, $2, $3, $4, $5, $6, true, $7) ON CONFLICT (natural_key) DO NOTHING "
	    "RETURNING id", 7},
	{"notify_count_reminder",
	    "SELECT batch_count_reminder($1, $2::timestamptz)", 2},
	{"notify_mark_overdue",
	    "SELECT c FROM batch_mark_overdue($1, $2, $3::timestamptz) c", 3},
	{"notify_mark_undeliverable",
	    "SELECT confirmation_id, project_id FROM batch_mark_undeliverable($1)", 1},
	{"notify_clean",
	    "SELECT batch_clean($1::timestamptz)", 1},
	{NULL, NULL, 0},
};
