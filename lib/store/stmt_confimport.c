/* stmt_confimport.c - the statements of lib/records/confimport.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_confimport[] = {
	/* Ids first, so items can name their confirmation without relying on the order of
	 * RETURNING rows. */
	{"confimport_ids", "SELECT new_id() FROM generate_series(1, $1::int)", 1},
	/* conf_respondent_org's three steps (confirmation.h), each for every address at once:
	 * an existing respondent user's organisation, else the one an earlier confirmation of
	 * the project to that address made, else a new one. */
	/* The addresses as a relation joined to the rows, not "= ANY(array)": that compares
	 * every row with every address (citext folds case at each comparison), 63 s for
	 * 10,000 addresses against a project of 10,000 confirmations (tests/bench import). */
	{"confimport_org_users",
	    "SELECT u.email::text, o.id FROM unnest($1::citext[]) AS a(email) "
	    "JOIN users u ON u.email = a.email JOIN organizations o ON o.id = u.organization_id "
	    "WHERE u.deleted_at IS NULL AND o.kind = 'respondent'", 1},
	{"confimport_org_project",
	    "SELECT DISTINCT ON (c.respondent_email) c.respondent_email::text, "
	    "c.respondent_org_id FROM (SELECT DISTINCT email FROM unnest($2::citext[]) AS a(email)) a "
	    "JOIN confirmations c ON c.respondent_email = a.email WHERE c.project_id = $1 "
	    "ORDER BY c.respondent_email, c.created_at", 2},
	{"confimport_org_insert",
	    "INSERT INTO organizations (id, kind, name) "
	    "SELECT u.id, 'respondent', u.n FROM unnest($1::text[], $2::text[]) AS u(id, n)", 2},
	/* db/migrations/0009_records.sql: the row-level security checks made once for the set
	 * (per row they cost about a millisecond each), then one INSERT ... SELECT unnest. */
	{"confimport_confs",
	    "SELECT import_confirmations($1, $2::text[], $3::text[], $4::text[], $5::text[], "
	    "$6::text[], $7::text[], $8::text[], $9::text[])", 9},
	/* The addressees' languages a file names (0034). */
	{"confimport_locales",
	    "UPDATE confirmations c SET addressee_locale = u.l "
	    "FROM unnest($1::text[], $2::text[]) AS u(id, l) WHERE c.id = u.id", 2},
	{"confimport_items",
	    "SELECT import_confirmation_items($1, $2::text[], $3::text[], $4::text[], $5::text[], "
	    "$6::text[], $7::text[])", 7},
	{NULL, NULL, 0},
};
