/* pgfix.h - rows for the unit tests that run use cases against the real PostgreSQL.
 *
 * ./dev test unit migrates a database of its own (bgw_unit) and passes two connection
 * strings: BGW_TEST_PG (bgw_app, row-level security applies: what the use cases run as) and
 * BGW_TEST_PG_OWNER (a superuser: what the fixtures seed with).  Every fixture makes rows
 * of its own with unique names, so the test programs run side by side under make -j and
 * none ever empties a table.  Failures end the test (cmocka's fail_msg).
 */
#ifndef BGW_TEST_PGFIX_H
#define BGW_TEST_PGFIX_H

#include <stdbool.h>

typedef struct pgfix pgfix;

/* The owner's connection, with search_path bgw, public; NULL when BGW_TEST_PG_OWNER is not
 * set (the caller skips its database cases). */
pgfix *pgfix_open(void);

/* Close and free everything the fixture returned.  NULL is allowed. */
void pgfix_close(pgfix *f);

/* "prefix-<pid>-<n>": a name no other test program or case uses. */
const char *pgfix_unique(pgfix *f, const char *prefix);

/* Run sql as the owner with n text parameters ($1..$n; a NULL entry is SQL NULL).  Answers
 * the first column of the first row ("" when there is none or it is NULL), owned by f. */
const char *pgfix_sql(pgfix *f, const char *sql, int n, const char *const *params);

/* The number of rows sql answers (a count of what a use case left behind). */
long pgfix_count(pgfix *f, const char *sql, int n, const char *const *params);

/* An organisation of kind (audit_firm, client, respondent, operator) with a unique name;
 * answers its id. */
const char *pgfix_org(pgfix *f, const char *kind);

/* A live user of organisation org_id, locale ja, no password, no MFA; answers its id.  The
 * e-mail is "<id-like unique>@example.test" (pgfix_sql can read it back). */
const char *pgfix_user(pgfix *f, const char *org_id);

/* An active project of audit firm firm_id for client organisation client_org_id, period end
 * 2026-03-31, a random first-access code hash; answers its id. */
const char *pgfix_project(pgfix *f, const char *firm_id, const char *client_org_id);

/* Make user_id a member of project_id on side (audit, client, respondent); admin as given;
 * respondent_org_id for a respondent (else NULL).  Client and respondent members have
 * entered the project's first-access code (code_verified_at set). */
void pgfix_member(pgfix *f, const char *project_id, const char *user_id, const char *side,
    bool admin, const char *respondent_org_id);

#endif
