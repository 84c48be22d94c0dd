/* auditcp.h - audit checkpoints: the audit chains anchored outside the database.
 *
 * The chains (audit.h) prove that no stored event was changed, but someone who can write
 * the database (its superuser, a restored backup) could cut a chain short, or rewrite it and
 * recompute every later hash, and the chain would still verify link by link.  A checkpoint
 * records each chain's length and last hash at one instant, signed with HMAC-SHA256 under a
 * key the database never holds (config audit_key_file, readable by the service user only),
 * in a file the database cannot write (config audit_checkpoint_file), and the same lines go
 * to the operators by mail.  bgw-admin audit-verify then compares every chain with the last
 * checkpoint that recorded it: fewer events is "cut short", another hash at the recorded
 * length is "rewritten", and a line whose HMAC does not match is "tampered".
 *
 * The file: one line per chain per checkpoint, appended, never rewritten:
 *
 *   bgw-cp1 <at> <chain> <length> <head> <mac>
 *
 * <at> the checkpoint's instant (UTC, YYYY-MM-DDTHH:MM:SSZ); <chain> a project id, or "-"
 * for the global chain; <length> its number of events; <head> the hex hash of its last
 * event; <mac> hex HMAC-SHA256 under the key of the text "bgw-cp1\n<at>\n<chain>\n<length>\n
 * <head>\n".  A purged project's chain stays (the purge keeps its events) and is checkpointed
 * like any other.
 */
#ifndef BGW_AUDITCP_H
#define BGW_AUDITCP_H

#include <stddef.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

#define AUDITCP_KEY_LEN 32
#define AUDITCP_AT_LEN 20 /* YYYY-MM-DDTHH:MM:SSZ */

/* One chain's entry in a checkpoint. */
typedef struct auditcp_entry {
	char at[AUDITCP_AT_LEN + 1];
	const char *chain;       /* NULL: the global chain */
	long long length;
	char head[65];           /* hex */
	long line;               /* where in the file (1-based); 0 for a fresh one */
	struct auditcp_entry *next;
} auditcp_entry;

/* A line of the file that is not a valid checkpoint (bad HMAC, or malformed). */
typedef struct auditcp_bad {
	long line;
	const char *why;
	struct auditcp_bad *next;
} auditcp_bad;


/* The project chains there are to verify (bgw-admin audit-verify), in id order: every
 * project's, or only that one's (none when no such project or chain exists), from the
 * projects and the events alike (a purged project's events outlive its content).  *ids
 * holds *n ids (arena memory).  Run on the owner's connection: row-level security would
 * hide them from bgw_app.  Database errors. */
bgw_err auditcp_chains(bgw_db *db, bgw_arena *a, const char *only, const char ***ids, int *n);

/* Load the HMAC key from path (secretbox_load_key's format and permission rules: 32 raw
 * bytes or 64 hex digits, no group or other access).  BGW_E_IO logged with the path. */
bgw_err auditcp_load_key(const char *path, unsigned char key[AUDITCP_KEY_LEN]);

/* Take a checkpoint: read every chain's head (one statement, one snapshot) and append one
 * signed line per chain to path, fsynced, under an exclusive lock of the file.  When
 * daily is set and the file already holds a checkpoint of the current UTC day, nothing is
 * written and *taken is 0 (the batch job's rule); else *taken is 1.  On success *text
 * holds the lines written (for the operators' mail, in a), *chains their count and at the
 * checkpoint's instant.  Unless force is set, every chain is first compared with the last
 * checkpoint that recorded it (auditcp_compare): if any is cut short or rewritten, nothing
 * is written, *refused holds one line per such chain (auditcp_describe) and the answer is
 * BGW_E_CONFLICT; force (an operator after a restore) anchors the chains as they are.
 * BGW_E_IO (logged) if the file cannot be opened or written; db errors as db_exec.  Runs in
 * the caller's transaction if one is open. */
bgw_err auditcp_take(bgw_db *db, bgw_arena *a, const unsigned char key[AUDITCP_KEY_LEN],
    const char *path, int daily, int force, int *taken, char **text, long long *chains,
    char at[AUDITCP_AT_LEN + 1], char **refused);

/* Read path: in *latest the last validly signed entry of each chain, in order of chains
 * (global first); in *bad every line that is malformed or whose HMAC does not match.
 * A missing file is BGW_E_NOT_FOUND (no checkpoint yet); unreadable BGW_E_IO (logged). */
bgw_err auditcp_read(bgw_arena *a, const unsigned char key[AUDITCP_KEY_LEN], const char *path,
    auditcp_entry **latest, auditcp_bad **bad);

/* Compare one checkpoint entry with the database: *verdict NULL when the chain still holds
 * the entry's event at its length with its hash, "cut short" when it holds fewer events,
 * "rewritten" when the event at that length has another hash; *now_len gets its length
 * today.  Through audit_chain_at (0023), so bgw_app may call it.  Errors as db_exec. */
bgw_err auditcp_compare(bgw_db *db, bgw_arena *a, const auditcp_entry *e, const char **verdict,
    long long *now_len);

/* The line audit-verify prints for a verdict of auditcp_compare (in a; NULL: no memory):
 * "chain X: CUT SHORT: N events, the checkpoint of AT recorded M" or
 * "chain X: REWRITTEN: event M is not the one the checkpoint of AT recorded". */
char *auditcp_describe(bgw_arena *a, const auditcp_entry *e, const char *verdict,
    long long now_len);

/* Queue the checkpoint's mail (text: its lines, chains: their count) to every operator,
 * under a natural key per operator and instant, so a retried run queues nothing twice.
 * With refused (auditcp_take's lines) the mail is the alarm instead: no checkpoint was
 * taken, these chains disagree; at most one a day.  *sent counts the operators.  Errors as
 * outbox_enqueue. */
bgw_err auditcp_mail(bgw_db *db, bgw_arena *a, const char *at, const char *text,
    long long chains, const char *refused, int *sent);

#endif
