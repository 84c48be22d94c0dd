/* user.h - loading users and rendering them as docs/api.md's `user` object. */
#ifndef BGW_USER_H
#define BGW_USER_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

typedef struct bgw_user {
	const char *id;
	const char *email;
	const char *name;
	const char *locale;
	const char *password_hash; /* NULL: none set yet */
	const char *org_id;
	const char *org_name;
	const char *org_kind;      /* audit_firm, client, respondent, operator */
	bool mfa_enabled;
	bool operator;
	bool locked;               /* locked_until is in the future */
} bgw_user;

/* How many columns user_from_row reads (USER_COLUMNS in store/stmt.h). */
#define USER_COLUMN_COUNT 11

/* The user in row r of res, from column c on (USER_COLUMNS); the strings stay owned by
 * res. */
void user_from_row(const db_rows *res, int r, int c, bgw_user *u);

/* The live (not deleted) user with this e-mail (case-insensitive), arena memory.
 * BGW_E_NOT_FOUND if none. */
bgw_err user_by_email(bgw_db *db, bgw_arena *a, const char *email, bgw_user *out);

/* The live user with this id.  BGW_E_NOT_FOUND if none. */
bgw_err user_by_id(bgw_db *db, bgw_arena *a, const char *id, bgw_user *out);

/* Append an event about account user_id, acted by itself (ip may be NULL; project_id NULL for
 * the global chain; detail_json NULL or a JSON object without secrets) to the audit log, in
 * the caller's open transaction. */
bgw_err user_record(bgw_db *db, bgw_arena *a, const char *project_id, const char *user_id,
    const char *action, const char *ip, const char *detail_json);

/* {id, email, name, organization: {id, name}, mfa, locale}; a new reference. */
json_t *user_to_json(const bgw_user *u);


#endif
