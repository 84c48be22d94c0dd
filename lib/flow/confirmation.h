/* confirmation.h - confirmations as stored, and as docs/api.md renders them.
 *
 * All functions run in the caller's transaction, bound to the acting user: row-level
 * security limits every read to what that user may see, behind the policy layer.
 */
#ifndef BGW_CONFIRMATION_H
#define BGW_CONFIRMATION_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "flow/confinput.h"
#include "store/db.h"
#include "core/err.h"
#include "auth/policy.h"

/* Where a new confirmation's respondent organisation comes from: the organisation of an
 * existing respondent user with that e-mail, else the one an earlier confirmation of the
 * project to the same address made, else a new one.  Never by name: two banks of the same
 * name must not see each other's confirmations. */
bgw_err conf_respondent_org(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *org_name, const char *email, const char **org_id);

/* Create a draft from a validated input; *id receives its id. */
bgw_err conf_create(bgw_db *db, bgw_arena *a, const char *project_id, const char *user_id,
    const conf_input *in, const char **id);

struct conf_actor;

/* Apply a PATCH to a draft, as a user of side (who, for the audit log).  A change of the
 * respondent (e-mail, organisation or person; the e-mail without regard to case) voids
 * every address check of it (conf.address_check_void); once the audit team has checked the
 * address, only the audit team may make one: BGW_E_RESPONDENT_LOCKED for anyone else.
 * BGW_E_INVALID_STATE unless the confirmation is a draft; BGW_E_VALIDATION for an e-mail
 * without organisation (or the reverse) or a due date before the as-of date. */
bgw_err conf_update(bgw_db *db, bgw_arena *a, const char *id, const char *project_id,
    const conf_input *in, enum policy_side side, const struct conf_actor *who);

/* The stored form and type of a confirmation (for validating a PATCH), arena memory. */
bgw_err conf_form(bgw_db *db, bgw_arena *a, const char *id, const char **form,
    const char **type);

/* The confirmation as docs/api.md's `confirmation` object.  The response is included only when
 * with_response; pending (unapproved) answers only for the respondent (side). */
bgw_err conf_get_json(bgw_db *db, bgw_arena *a, const char *id, enum policy_side side,
    bool with_response, json_t **out);

typedef struct conf_filter {
	const char *status, *type, *q;
	bool overdue;
	long long page, per_page;
	/* The user sees every confirmation of the project (audit or client side): the total
	 * may then come from the kept counts instead of counting rows. */
	bool sees_all;
	/* NULL: the list runs in the caller's transaction.  A user id: in a read of its own as
	 * that user (db_read), for a caller that holds no transaction. */
	const char *read_as;
} conf_filter;

/* The project's confirmations the user may see: {items, total}. */
bgw_err conf_list_json(bgw_db *db, bgw_arena *a, const char *project_id, const conf_filter *f,
    json_t **out);

/* The respondent's inbox across projects: {items, total, code_required}; items only of
 * projects whose code the user entered (and whose required MFA it set up), code_required
 * [{project_id, audit_firm, mfa_setup_required}] for the others. */
bgw_err conf_inbox_json(bgw_db *db, bgw_arena *a, long long page, long long per_page,
    json_t **out);

/* The same answer as JSON text in the arena (*len bytes), written straight from the
 * rows without building json_t values: what the API sends.  Same errors as above. */
bgw_err conf_list_text(bgw_db *db, bgw_arena *a, const char *project_id, const conf_filter *f,
    char **text, size_t *len);

/* The one rendering of rows with conf_list's columns (the inbox's add count and project):
 * {items, total} written straight as JSON text in the arena (*len bytes), what the API
 * sends; conf_rows_json reads that text back as a json_t the arena owns, for the pages.
 * BGW_E_NOMEM. */
bgw_err conf_rows_json(bgw_arena *a, const db_rows *res, bool inbox, long long total,
    json_t **out);
bgw_err conf_rows_text(bgw_arena *a, const db_rows *res, bool inbox, long long total,
    char **text, size_t *len);


#endif
