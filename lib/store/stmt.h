/* stmt.h - the statement tables: every SQL statement of the project, by name.
 *
 * Each area keeps its statements in one table here (stmt_<area>.c), so a reviewer reads all
 * SQL in one place and db_ensure prepares it all at connect.  Names are unique across every
 * table; db.c also reserves the names starting with "db_" (db_begin, db_commit,
 * db_rollback, db_set_user).  Statements name tables without a schema: bgw_app's
 * search_path is "bgw, public" (db/roles.sql).
 */
#ifndef BGW_STMT_H
#define BGW_STMT_H

#include "store/db.h"

/* A check row a (address_checks) is valid for its confirmation c (confirmations) while it
 * is not void and checked what c is addressed to now: the e-mail (citext, so without
 * regard to case), the organisation and the person.  Sending and the JSON's "valid" use
 * this one predicate, so what the audit team sees is what sending asks. */
#define CONF_CHECK_VALID \
	"(a.voided_at IS NULL AND a.email = c.respondent_email " \
	"AND a.organization_id = c.respondent_org_id AND a.person_name = c.respondent_name)"

/* The columns user_from_row (auth/user.h) reads, in its order, from users u JOIN
 * organizations o: for any statement that returns a user with something else. */
#define USER_COLUMNS \
	"u.id, u.email, u.name, u.locale, u.password_hash, o.id, o.name, o.kind, " \
	"u.mfa_enabled, u.is_operator, coalesce(u.locked_until > now(), false) "

/* Statements every program needs (health checks); ends with {NULL}. */
extern const db_stmt stmt_core[];

/* Each area's statements, one file each (lib/store/<table name>.c); each ends with {NULL}. */
extern const db_stmt stmt_account[];  /* lib/auth/account.c */
extern const db_stmt stmt_admin_audit[];  /* lib/flow/auditcp.c (auditcp_chains) */
extern const db_stmt stmt_admin_ops[];  /* lib/flow/purge.c, lib/files/rekey.c, lib/auth/acctlock.c, lib/core/opscount.c */
extern const db_stmt stmt_audit[];  /* lib/flow/audit.c */
extern const db_stmt stmt_auditcp[];  /* lib/flow/auditcp.c */
extern const db_stmt stmt_auditview[];  /* lib/flow/auditview.c */
extern const db_stmt stmt_bulkanswer[];  /* lib/records/bulkanswer.c */
extern const db_stmt stmt_comment[];  /* lib/flow/comment.c */
extern const db_stmt stmt_confexport[];  /* lib/records/confexport.c */
extern const db_stmt stmt_confflow[];  /* lib/flow/confflow.c */
extern const db_stmt stmt_confimport[];  /* lib/records/confimport.c */
extern const db_stmt stmt_confirmation[];  /* lib/flow/confirmation.c */
extern const db_stmt stmt_dbsetup[];  /* lib/store/dbsetup.c */
extern const db_stmt stmt_document[];  /* lib/files/document.c */
extern const db_stmt stmt_firm[];  /* lib/auth/firm.c */
extern const db_stmt stmt_bounce[];  /* lib/mail/notify_bounce.c (notify_read_bounce) */
extern const db_stmt stmt_prefs[];  /* lib/mail/prefs.c */
extern const db_stmt stmt_unsub[];  /* lib/mail/unsub.c (the digest's unsubscribe link) */
extern const db_stmt stmt_h_notify[];  /* lib/mail/reminders.c */
extern const db_stmt stmt_idempotency[];  /* lib/http/idempotency.c */
extern const db_stmt stmt_invite[];  /* lib/auth/invite.c */
extern const db_stmt stmt_metrics[];  /* lib/mail/outbox.c (outbox_backlog) */
extern const db_stmt stmt_migrate[];  /* lib/store/migrate.c, prepared at connect */
extern const db_stmt stmt_migrate_table[];  /* lib/store/migrate.c, once its table exists */
extern const db_stmt stmt_mfa[];  /* lib/auth/mfa.c */
extern const db_stmt stmt_notify[];  /* lib/mail/notify*.c */
extern const db_stmt stmt_org[];  /* lib/auth/org.c */
extern const db_stmt stmt_certified[];  /* lib/flow/certified.c */
extern const db_stmt stmt_desk[];  /* lib/flow/desk.c, certified.c's maker-checker (stmt_certified.c) */
extern const db_stmt stmt_operator[];  /* lib/auth/directory.c (lists), lib/auth/account.c (locks) */
extern const db_stmt stmt_project[];  /* lib/flow/project.c */
extern const db_stmt stmt_session[];  /* lib/auth/session.c */
extern const db_stmt stmt_target[];  /* lib/auth/target.c */
extern const db_stmt stmt_throttle[];  /* lib/auth/throttle.c */
extern const db_stmt stmt_user[];  /* lib/auth/user.c */
extern const db_stmt stmt_verifyref[];  /* lib/flow/verifyref.c */
extern const db_stmt stmt_receiptpdf[];  /* lib/pdf/receiptpdf.c (lane e1) */

#endif
