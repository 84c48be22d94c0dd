/* admin_audit.c - bgw-admin audit-verify [--project ID]: recompute every hash chain (the
 * global one, project NULL, and each project's) and check every final answer against the
 * event that sealed it.  Runs as the owner role: row-level security would hide the rows
 * from bgw_app.  Prints one line per chain; on the first bad event or answer names it and
 * exits 1. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "audit.h"
#include "confflow.h"
#include "db.h"

#define BAD_ID_MAX 64

static const db_stmt stmt_admin_audit[] = {
	/* A project's events outlive its content (purge keeps them), so chains are listed
	 * from the events as well as from the projects. */
	{"admin_audit_projects",
	    "SELECT id FROM projects UNION SELECT DISTINCT project_id FROM audit_events "
	    "WHERE project_id IS NOT NULL ORDER BY 1", 0},
	{"admin_audit_project", "SELECT id FROM projects WHERE id = $1 "
	    "UNION SELECT project_id FROM audit_events WHERE project_id = $1", 1},
	{NULL, NULL, 0},
};

/* Check one chain (project NULL: the global one) and, for a project, its answers.
 * Returns 0 when both are intact, 1 after printing what is wrong. */
static int
check_chain(bgw_db *db, bgw_arena *a, const char *project)
{
	const char *label = project != NULL ? project : "(global)";
	char bad_id[BAD_ID_MAX];
	long long count = 0, bad_seq = 0;
	bgw_err err = audit_verify_chain(db, a, project, &count, &bad_seq, bad_id, sizeof(bad_id));

	if (err == BGW_E_VALIDATION) {
		printf("chain %s: BAD at seq %lld (event id %s)\n", label, bad_seq, bad_id);
		return 1;
	}
	if (err != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not read chain %s: %s\n", label,
		    bgw_err_message(err));
		return 1;
	}
	if (project != NULL) {
		err = conf_verify_responses(db, a, project, bad_id, sizeof(bad_id));
		if (err == BGW_E_VALIDATION) {
			printf("chain %s: %lld events ok; response %s: BAD (content or seal does not "
			    "match its response.final event)\n", label, count, bad_id);
			return 1;
		}
		if (err != BGW_OK) {
			fprintf(stderr, "bgw-admin: could not check the answers of %s: %s\n", label,
			    bgw_err_message(err));
			return 1;
		}
	}
	printf("chain %s: %lld events ok\n", label, count);
	return 0;
}

int
admin_audit_verify(const bgw_config *cfg, int argc, char **argv)
{
	static const db_stmt *const tables[] = {stmt_audit, stmt_confflow, stmt_admin_audit,
		NULL};
	const char *only = NULL;
	bgw_db *db;
	bgw_arena *a;
	PGresult *res;
	int bad = 0, rc = 1;
	bgw_err err;

	if (argc == 3 && strcmp(argv[1], "--project") == 0)
		only = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: bgw-admin audit-verify [--project ID]\n");
		return 2;
	}
	db = db_open(cfg->db_owner, tables);
	a = bgw_arena_new();
	if (db == NULL || a == NULL) {
		fprintf(stderr, "bgw-admin: out of memory\n");
		goto out;
	}
	if ((err = db_ensure(db)) != BGW_OK || (err = db_begin(db, NULL)) != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not connect to the database: %s\n",
		    bgw_err_message(err));
		goto out;
	}
	/* One snapshot for every chain: events appended meanwhile are checked next time. */
	if (only != NULL)
		err = db_exec(db, a, "admin_audit_project", 1, &only, &res);
	else
		err = db_exec(db, a, "admin_audit_projects", 0, NULL, &res);
	if (err != BGW_OK) {
		fprintf(stderr, "bgw-admin: could not list the chains: %s\n", bgw_err_message(err));
		goto out;
	}
	if (only != NULL && PQntuples(res) == 0) {
		fprintf(stderr, "bgw-admin: no project %s\n", only);
		goto out;
	}
	if (only == NULL)
		bad |= check_chain(db, a, NULL);
	for (int i = 0; i < PQntuples(res) && !bad; i++)
		bad |= check_chain(db, a, db_value(res, i, 0));
	if (!bad)
		printf("audit-verify: ok\n");
	rc = bad;
out:
	if (db != NULL)
		db_rollback(db);
	bgw_arena_free(a);
	db_close(db);
	return rc;
}
