/* stmt_admin_ops.c - the statements of the operators' jobs (lib/flow/purge.c, lib/files/rekey.c, lib/auth/acctlock.c, lib/core/opscount.c); all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

/* Rows re-wrapped per transaction: short transactions, few locks held at once. */
#define ROTATE_BATCH "500"

/* Projects purged per run at most: a run is bounded; the next run (daily) continues. */
#define PURGE_MAX_PROJECTS "1000"


const db_stmt stmt_admin_ops[] = {
	/* ---- purge ---- */
	{"ops_purge_due",
	    "SELECT id FROM projects WHERE status = 'completed' "
	    "AND completed_at + make_interval(days => retention_days) <= $1::timestamptz "
	    "ORDER BY completed_at, id LIMIT " PURGE_MAX_PROJECTS, 1},
	{"ops_purge_lock",
	    "SELECT id FROM projects WHERE id = $1 AND status = 'completed' "
	    "AND completed_at + make_interval(days => retention_days) <= $2::timestamptz "
	    "FOR UPDATE", 2},
	{"ops_purge_blobs", "SELECT blob_id FROM documents WHERE project_id = $1 ORDER BY id", 1},
	{"ops_purge_counts",
	    "SELECT (SELECT count(*) FROM confirmations WHERE project_id = $1), "
	    "(SELECT count(*) FROM responses r JOIN confirmations c ON c.id = r.confirmation_id "
	    "WHERE c.project_id = $1), "
	    "(SELECT count(*) FROM documents WHERE project_id = $1), "
	    "(SELECT count(*) FROM memberships WHERE project_id = $1)", 1},
	/* Documents first: a project document has no confirmation to cascade from. */
	{"ops_purge_documents", "DELETE FROM documents WHERE project_id = $1", 1},
	{"ops_purge_confirmations", "DELETE FROM confirmations WHERE project_id = $1", 1},
	{"ops_purge_notifications", "DELETE FROM notifications WHERE project_id = $1", 1},
	{"ops_purge_outbox", "DELETE FROM outbox WHERE project_id = $1", 1},
	{"ops_purge_tokens", "DELETE FROM tokens WHERE project_id = $1", 1},
	/* Stored answers may quote the project's content (migration 0022). */
	{"ops_purge_idempotency", "DELETE FROM idempotency_keys WHERE project_id = $1", 1},
	{"ops_purge_memberships", "DELETE FROM memberships WHERE project_id = $1", 1},
	{"ops_purge_respondent_codes", "DELETE FROM respondent_codes WHERE project_id = $1", 1},
	{"ops_purge_scrub",
	    "UPDATE projects SET name = 'purged', client_name = 'purged', "
	    "first_access_code_hash = '\\x00000000000000000000000000000000'::bytea, "
	    "status = 'purged', purged_at = now(), updated_at = now() WHERE id = $1", 1},
	/* ---- rotate-master-key ---- */
	{"ops_mk_max", "SELECT coalesce(max(version), 0) FROM master_keys", 0},
	{"ops_mk_retire",
	    "UPDATE master_keys SET active = false, retired_at = now() "
	    "WHERE active AND version <> $1", 1},
	{"ops_mk_activate",
	    "INSERT INTO master_keys (version, active) VALUES ($1::int, true) "
	    "ON CONFLICT (version) DO UPDATE SET active = true, retired_at = NULL", 1},
	{"ops_rewrap_docs",
	    "SELECT id, encode(wrapped_key, 'hex'), key_version FROM documents "
	    "WHERE key_version <> $1::int ORDER BY id LIMIT " ROTATE_BATCH " FOR UPDATE", 1},
	{"ops_rewrap_doc",
	    "UPDATE documents SET wrapped_key = decode($2, 'hex'), key_version = $3::int "
	    "WHERE id = $1 AND key_version = $4::int", 4},
	{"ops_rewrap_users",
	    "SELECT id, encode(mfa_secret_enc, 'hex'), mfa_key_version FROM users "
	    "WHERE mfa_key_version <> $1::int ORDER BY id LIMIT " ROTATE_BATCH " FOR UPDATE", 1},
	{"ops_rewrap_user",
	    "UPDATE users SET mfa_secret_enc = decode($2, 'hex'), mfa_key_version = $3::int "
	    "WHERE id = $1 AND mfa_key_version = $4::int", 4},
	/* ---- lock / unlock ---- */
	{"ops_lock",
	    "UPDATE users SET locked_until = 'infinity', updated_at = now() "
	    "WHERE email = $1 AND deleted_at IS NULL RETURNING id", 1},
	{"ops_unlock",
	    "UPDATE users SET locked_until = NULL, failed_logins = 0, updated_at = now() "
	    "WHERE email = $1 AND deleted_at IS NULL RETURNING id", 1},
	{"ops_drop_sessions", "DELETE FROM sessions WHERE user_id = $1", 1},
	/* ---- status ---- */
	{"ops_status_counts",
	    "SELECT (SELECT count(*) FROM projects WHERE status = 'active'), "
	    "(SELECT count(*) FROM projects WHERE status = 'completed'), "
	    "(SELECT count(*) FROM projects WHERE status = 'purged'), "
	    "(SELECT count(*) FROM projects WHERE status = 'completed' "
	    " AND completed_at + make_interval(days => retention_days) <= now()), "
	    "(SELECT count(*) FROM confirmations), (SELECT count(*) FROM responses), "
	    "(SELECT count(*) FROM documents), "
	    "(SELECT coalesce(sum(size), 0) FROM documents), "
	    "(SELECT count(*) FROM users WHERE deleted_at IS NULL), "
	    "(SELECT count(*) FROM users WHERE locked_until > now()), "
	    "(SELECT count(*) FROM sessions WHERE expires_at > now()), "
	    "(SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')), "
	    "(SELECT count(*) FROM outbox WHERE status = 'failed'), "
	    "(SELECT coalesce(extract(epoch FROM now() - min(created_at))::bigint, 0) "
	    " FROM outbox WHERE status IN ('queued', 'sending')), "
	    "(SELECT count(*) FROM audit_events), "
	    "(SELECT version FROM master_keys WHERE active), "
	    "(SELECT count(*) FROM documents d JOIN master_keys k ON k.version = d.key_version "
	    " WHERE NOT k.active)", 0},
	{NULL, NULL, 0},
};
