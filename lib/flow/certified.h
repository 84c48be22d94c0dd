/* certified.h - certified respondents (認定回答者): the operator's registry, the auditors'
 * directory, and a pick from it, which is the request's address check.
 *
 * An operator registers an organisation after verifying it out of band (legal name,
 * corporate number, for banks the 全銀 bank code and the branches with their desk
 * addresses).  An auditor who picks an entry for a confirmation addresses it to that
 * organisation's desk (or the named branch) and records the pick as the address check
 * (method CERTIFIED_METHOD): the operator's verification is what the audit team relies on,
 * and the request later lands there without a respondent code (db/migrations/0028).
 */
#ifndef BGW_CERTIFIED_H
#define BGW_CERTIFIED_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"
#include "flow/confflow.h"
#include "store/db.h"

#define CERTIFIED_METHOD "certified_directory"
#define CERTIFIED_CORPNUM_LEN 13
#define CERTIFIED_BANK_CODE_LEN 4
#define CERTIFIED_BRANCH_CODE_LEN 3
#define CERTIFIED_BRANCHES_MAX 500 /* branches in one registration */
#define CERTIFIED_LIST_MAX "100"   /* directory rows in one answer */
#define CERTIFIED_DESK_NAME "回答窓口" /* the desk unit's name: the addressee of a desk pick */

/* True if s is a corporate number (法人番号): 13 digits whose first is the check digit
 * 9 - (sum of the other twelve, from the right, × 1, 2, 1, 2 ... mod 9) (法人番号の指定等に
 * 関する省令 第2条; 国税庁 documents/checkdigit.pdf).  NULL is false. */
bool certified_corporate_number_valid(const char *s);

/* True if s is exactly n ASCII digits (bank code: 4, branch code: 3).  NULL is false. */
bool certified_code_valid(const char *s, size_t n);

/* A registration: the organisation, its desk address, and branches (a JSON array of
 * {code, name, email}; NULL or empty for none). */
typedef struct certified_register_in {
	const char *legal_name, *corporate_number, *bank_code; /* bank_code NULL: not a bank */
	const char *desk_email;
	const json_t *branches;
} certified_register_in;

/* Register a new certified respondent by operator_id: a respondent organisation, its
 * certification, its desk and its branches, logged as certified.register on the global
 * chain.  *org_id is the new organisation's id (arena memory).  BGW_E_VALIDATION with the
 * fields in *errors (corporate_number "check_digit", bank_code, branches[i].code ...);
 * BGW_E_CONFLICT when the corporate number, bank code or a branch code is taken. */
bgw_err certified_register(bgw_db *db, bgw_arena *a, const char *operator_id, const char *ip,
    const certified_register_in *in, const char **org_id, bgw_kv **errors);

/* What the directory is searched by; NULL or "" = any. */
typedef struct certified_query {
	const char *q;                /* part of the legal name, without regard to case */
	const char *corporate_number, *bank_code, *branch_code;
} certified_query;

/* The directory rows matching q into *out: {items: [{organization_id, legal_name,
 * corporate_number, bank_code|null, desk: {email}, branches: [{code, name, email}]}],
 * total}, at most CERTIFIED_LIST_MAX, by legal name. */
bgw_err certified_search_json(bgw_db *db, bgw_arena *a, const certified_query *q,
    json_t **out);

/* Address confirmation id (not yet sent) to certified organisation org_id: its desk, or
 * its live branch branch_code (NULL: the desk).  The e-mail and person become the unit's;
 * earlier checks of another respondent are void (respondent_changed); the pick is recorded
 * as the address check (CERTIFIED_METHOD, naming the entry).  BGW_E_VALIDATION
 * ("organization_id": "not_certified", "branch_code": "unknown"); BGW_E_INVALID_STATE once
 * sent. */
bgw_err certified_pick(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const char *org_id, const char *branch_code, bgw_kv **errors);

/* *yes = confirmation id is addressed to a certified organisation (its answers go through
 * maker-checker at the desk or branch). */
bgw_err certified_conf_is(bgw_db *db, bgw_arena *a, const char *id, bool *yes);

/* Maker-checker in a certified organisation, before approving confirmation id's pending
 * answer as the bound user: BGW_E_FORBIDDEN when the user prepared it (the maker never
 * checks its own answer) or is not an admin of the request's unit or of the whole
 * organisation; BGW_OK otherwise, also for a request of an organisation that is not
 * certified (its approval follows the project's roles alone). */
bgw_err certified_checker_check(bgw_db *db, bgw_arena *a, const char *id);

/* After sending confirmation id: if it is addressed to a certified organisation, mark the
 * organisation past its respondent code in the project (the operator verified the desk)
 * and set *waived; else *waived = false and nothing changes. */
bgw_err certified_code_waive(bgw_db *db, bgw_arena *a, const char *id, bool *waived);

#endif
