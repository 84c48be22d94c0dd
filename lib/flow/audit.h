/* audit.h - the append-only, hash-chained audit log.
 *
 * One chain per project, and one (project NULL) for events outside any project: logins,
 * operator and account actions.  Each event's hash is SHA-256(previous hash || canonical
 * event), the canonical event being every stored field length-prefixed (audit_canonical),
 * so changing, removing or reordering any stored event breaks every later hash.
 */
#ifndef BGW_AUDIT_H
#define BGW_AUDIT_H

#include <stdio.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

#define AUDIT_HASH_LEN 32

typedef struct audit_event {
	const char *project_id;  /* NULL: the global chain */
	const char *actor_id;    /* NULL: the system or an anonymous caller */
	const char *action;      /* "session.login", "conf.send" ... */
	const char *object_type; /* NULL or "confirmation", "user" ... */
	const char *object_id;
	const char *ip;          /* NULL or a textual address */
	const char *detail_json; /* NULL or a JSON object: ids and reasons, never content */
} audit_event;

/* Append ev to its chain inside the caller's open transaction (the chain head is locked
 * until it ends, so appends of one chain are serialised).  On success and if hash_hex is
 * not NULL, the event's hash in hex (65 bytes) is written there, e.g. to seal a response.
 * Errors from the database as db_exec maps them. */
bgw_err audit_append(bgw_db *db, bgw_arena *a, const audit_event *ev, char *hash_hex);

/* Recompute the chain of project_id (NULL: the global one).  BGW_OK if intact; else
 * BGW_E_VALIDATION with the first bad event's seq in *bad_seq (and its id in bad_id,
 * 32 bytes).  *count gets the number of events checked. */
bgw_err audit_verify_chain(bgw_db *db, bgw_arena *a, const char *project_id, long long *count,
    long long *bad_seq, char *bad_id, size_t bad_id_cap);

/* SHA-256 of prev || canonical(fields); exposed for tests and for response seals. */
void audit_hash(const unsigned char prev[AUDIT_HASH_LEN], const char *const fields[],
    int nfields, unsigned char out[AUDIT_HASH_LEN]);


#endif
