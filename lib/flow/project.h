/* project.h - projects (engagements), their first-access codes and their members.
 *
 * Every function runs inside the caller's transaction, bound to the acting user, so
 * row-level security applies on top of the policy layer's decision.
 */
#ifndef BGW_PROJECT_H
#define BGW_PROJECT_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

#define PROJECT_CODE_LEN 12          /* from the unambiguous alphabet: ~59 bits */
#define PROJECT_CODE_DISPLAY_LEN 14  /* XXXX-XXXX-XXXX */
#define PROJECT_CODE_MAX_FAILURES 5
#define PROJECT_RETENTION_DEFAULT_DAYS 3650

typedef struct project_new {
	const char *name;
	const char *client_name;
	const char *period_end;
	long long retention_days;
	const char *creator_id;
	const char *firm_id;
} project_new;

/* Create a project, its client organisation and the creator's audit-admin membership (code
 * already entered: the creator is the one who sees it).  *id and code (display form,
 * PROJECT_CODE_DISPLAY_LEN + 1 bytes) are for the answer; the code is stored hashed only. */
bgw_err project_create(bgw_db *db, bgw_arena *a, const project_new *p, const char **id,
    char *code);

/* A new first-access code for project_id (display form into code). */
bgw_err project_code_regenerate(bgw_db *db, bgw_arena *a, const char *project_id, char *code);

/* Check the code the current user typed against its side's code (database function
 * membership_code_check, migration 0019): the project code for the audit and client sides,
 * the organisation's current respondent code for a respondent.  BGW_OK (the membership is
 * marked verified), BGW_E_WRONG_CODE (a failure counted), BGW_E_LOCKED (this failure or an
 * earlier one reached PROJECT_CODE_MAX_FAILURES), BGW_E_NOT_FOUND (not a member).  The caller
 * must commit even on failure. */
bgw_err project_code_check(bgw_db *db, bgw_arena *a, const char *project_id, const char *code);

/* A respondent organisation's first-access code in a project (table respondent_codes):
 * who issues it for which confirmation, and how it travels ("phone", "letter", "mail"). */
typedef struct project_respcode {
	const char *project_id;
	const char *org_id;
	const char *confirmation_id;
	const char *channel;
} project_respcode;

/* The channel of the organisation's current code into *channel, or NULL when it holds none. */
bgw_err project_respcode_current(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *org_id, const char **channel);

/* Issue a fresh code for rc's organisation, issued by the current user (an audit admin:
 * row-level security refuses anyone else); the organisation's previous code stops working.
 * *id is the new record's id; code (PROJECT_CODE_DISPLAY_LEN + 1 bytes) receives the code in
 * display form, which the caller shows or mails once and then cleanses: only its hash is
 * kept. */
bgw_err project_respcode_issue(bgw_db *db, bgw_arena *a, const project_respcode *rc,
    const char **id, char *code);

/* Projects of the current user, newest first: {items: [...], total}. */
bgw_err project_list(bgw_db *db, bgw_arena *a, long long page, long long per_page,
    json_t **out);

/* One project with its counts by confirmation status (as far as the user may see). */
bgw_err project_get(bgw_db *db, bgw_arena *a, const char *project_id, json_t **out);

/* Change settings of an active project: mfa_required ("true"/"false") and retention_days
 * (text); NULL leaves a setting as it is.  BGW_E_INVALID_STATE if not active. */
bgw_err project_settings(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *mfa_required, const char *retention_days);

/* Complete: client and respondent access ends now.  BGW_E_INVALID_STATE if not active. */
bgw_err project_complete(bgw_db *db, bgw_arena *a, const char *project_id);

/* Members visible to the current user: {items: [{user, side, admin, locked}], total}. */
bgw_err project_members(bgw_db *db, bgw_arena *a, const char *project_id, json_t **out);

/* The side and organisation of member user_id.  BGW_E_NOT_FOUND if not a member. */
bgw_err project_member_get(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *user_id, const char **side, const char **org_id);

/* Remove a member (their access ends at once).  BGW_E_INVALID_STATE when that would leave
 * the project without an audit admin. */
bgw_err project_member_remove(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *user_id);

/* Reset a member's first-access code lock. */
bgw_err project_member_unlock(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *user_id);

/* Facts for invitations into the project: the audit firm's name and id, the client's
 * name and organisation, the project name. */
typedef struct project_facts {
	const char *name;
	const char *client_name;
	const char *client_org_id;
	const char *firm_id;
	const char *firm_name;
} project_facts;
bgw_err project_facts_get(bgw_db *db, bgw_arena *a, const char *project_id, project_facts *out);

/* Is org_id a respondent organisation of one of the project's confirmations? */
bgw_err project_has_respondent(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *org_id, bool *yes);


#endif
