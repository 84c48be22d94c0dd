/* project.h - projects (engagements), their first-access codes and their members.
 *
 * Every function runs inside the caller's transaction, bound to the acting user, so
 * row-level security applies on top of the policy layer's decision.
 */
#ifndef BGW_PROJECT_H
#define BGW_PROJECT_H

#include <jansson.h>
#include <stdbool.h>

#include "auth/policy.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"
#include "store/db.h"

#define PROJECT_CODE_LEN 12          /* from the unambiguous alphabet: ~59 bits */
#define PROJECT_CODE_DISPLAY_LEN 14  /* XXXX-XXXX-XXXX */
#define PROJECT_CODE_MAX_FAILURES 5
#define PROJECT_RETENTION_DEFAULT_DAYS 3650
#define PROJECT_RETENTION_MAX_DAYS 36500

/* Who acts on a project, as the policy layer found them (the use cases below write the
 * audit events under user_id and ip, and apply the side rules of adding and removing
 * members with side, admin and member_org_id). */
typedef struct project_actor {
	const char *user_id;
	const char *ip;
	const char *org_id;         /* the user's own organisation: a new project's firm */
	bool mfa_enabled;           /* the user's own MFA */
	enum policy_side side;      /* in the project; SIDE_NONE outside one */
	bool admin;
	const char *member_org_id;  /* the organisation the user is a member for (or NULL) */
} project_actor;

typedef struct project_new {
	const char *name;
	const char *client_name;
	const char *period_end;
	bool has_retention;         /* false: PROJECT_RETENTION_DEFAULT_DAYS */
	long long retention_days;
} project_new;

/* What a new project answers: its id and first-access code (display form), shown once. */
typedef struct project_created {
	const char *id;
	char code[PROJECT_CODE_DISPLAY_LEN + 1];
} project_created;

/* Create a project of who's firm, its client organisation and who's audit-admin
 * membership (code already entered: the creator is the one who sees it), logged as
 * project.create.  The code is stored hashed only; the caller shows out->code once and
 * cleanses it.  BGW_E_VALIDATION (retention_days out of range) with the field in *errors. */
bgw_err project_create(bgw_db *db, bgw_arena *a, const project_actor *who,
    const project_new *in, project_created *out, bgw_kv **errors);

/* A new first-access code for project_id (display form into code, PROJECT_CODE_DISPLAY_LEN
 * + 1 bytes; the caller shows it once and cleanses it), logged as project.code_regenerate. */
bgw_err project_code_regenerate(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, char *code);

/* The current user enters the first-access code of project_id (project_code_check), and
 * the attempt is logged: project.code_ok, project.code_wrong or project.code_locked.
 * Errors as project_code_check; the caller must commit on BGW_E_WRONG_CODE and
 * BGW_E_LOCKED too, so the failure stays counted and logged. */
bgw_err project_access(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, const char *code);

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

/* A change of an active project's settings; a setting not given stays as it is. */
typedef struct project_update_in {
	bool has_mfa_required, mfa_required;
	bool has_retention;
	long long retention_days;
} project_update_in;

/* Change settings of an active project, logged as project.settings.  BGW_E_VALIDATION
 * with the field in *errors: retention_days out of range, or mfa_required asked by a user
 * without MFA (who would lock itself out).  BGW_E_INVALID_STATE if not active. */
bgw_err project_update(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, const project_update_in *in, bgw_kv **errors);

/* Complete: client and respondent access ends now; logged as project.complete.
 * BGW_E_INVALID_STATE if not active. */
bgw_err project_complete(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id);

/* Members visible to the current user: {items: [{user, side, admin, locked}], total}. */
bgw_err project_members(bgw_db *db, bgw_arena *a, const char *project_id, json_t **out);

/* The side and organisation of member user_id.  BGW_E_NOT_FOUND if not a member. */
bgw_err project_member_get(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *user_id, const char **side, const char **org_id);

/* An invitation into a project. */
typedef struct project_member_add_in {
	const char *email;
	const char *side;          /* "audit", "client", "respondent" */
	bool admin;
	const char *organization;  /* a respondent organisation of the project, named by the
	                            * audit team (NULL: none named) */
	const char *base_url;      /* for the invitation's link */
} project_member_add_in;

/* Invite in->email into the project on in->side: the organisation is the firm (audit), the
 * client (client), the respondent admin's own or the one the audit team names
 * (respondent); who must be allowed to manage that side (policy_may_manage, else
 * BGW_E_FORBIDDEN).  The invitation is mailed (outbox) and logged as member.invite.
 * *org_id is the organisation joined.  BGW_E_VALIDATION with "organization" in *errors when
 * the audit team names none or one that is not a respondent of this project. */
bgw_err project_member_add(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, const project_member_add_in *in, const char **org_id,
    bgw_kv **errors);

/* Remove a member (their access ends at once), under the side rules of adding
 * (BGW_E_FORBIDDEN), logged as member.remove.  BGW_E_INVALID_STATE when that would leave
 * the project without an audit admin; BGW_E_NOT_FOUND for no such member. */
bgw_err project_member_remove(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, const char *user_id);

/* Reset a member's first-access code lock, logged as member.unlock.  BGW_E_NOT_FOUND when
 * user_id is not a member. */
bgw_err project_member_unlock(bgw_db *db, bgw_arena *a, const project_actor *who,
    const char *project_id, const char *user_id);

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
