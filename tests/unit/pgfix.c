/* pgfix.c - rows for the unit tests against PostgreSQL (pgfix.h). */
#include "pgfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

/* What the fixture answered, freed together at close. */
struct pgfix {
	PGconn *conn;
	char **kept;
	size_t nkept, cap;
	unsigned serial;
};

static const char *
keep(pgfix *f, const char *s)
{
	char *copy = strdup(s);

	if (copy == NULL)
		fail_msg("pgfix: out of memory");
	if (f->nkept == f->cap) {
		size_t cap = f->cap != 0 ? f->cap * 2 : 32;
		char **k = realloc(f->kept, cap * sizeof(*k));

		if (k == NULL)
			fail_msg("pgfix: out of memory");
		f->kept = k;
		f->cap = cap;
	}
	f->kept[f->nkept++] = copy;
	return copy;
}

pgfix *
pgfix_open(void)
{
	const char *conninfo = getenv("BGW_TEST_PG_OWNER");
	pgfix *f;
	PGresult *res;

	if (conninfo == NULL || conninfo[0] == '\0')
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		fail_msg("pgfix: out of memory");
	f->conn = PQconnectdb(conninfo);
	if (PQstatus(f->conn) != CONNECTION_OK)
		fail_msg("pgfix: cannot connect: %s", PQerrorMessage(f->conn));
	res = PQexec(f->conn, "SET search_path = bgw, public");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("pgfix: search_path: %s", PQerrorMessage(f->conn));
	PQclear(res);
	return f;
}

void
pgfix_close(pgfix *f)
{
	if (f == NULL)
		return;
	PQfinish(f->conn);
	for (size_t i = 0; i < f->nkept; i++)
		free(f->kept[i]);
	free(f->kept);
	free(f);
}

const char *
pgfix_unique(pgfix *f, const char *prefix)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s-%ld-%u", prefix, (long)getpid(), ++f->serial);
	return keep(f, buf);
}

static PGresult *
run(pgfix *f, const char *sql, int n, const char *const *params)
{
	PGresult *res = PQexecParams(f->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		fail_msg("pgfix: %s: %s", sql, PQresultErrorMessage(res));
	return res;
}

const char *
pgfix_sql(pgfix *f, const char *sql, int n, const char *const *params)
{
	PGresult *res = run(f, sql, n, params);
	const char *v = keep(f, PQntuples(res) > 0 && PQnfields(res) > 0 ?
	    PQgetvalue(res, 0, 0) : "");

	PQclear(res);
	return v;
}

long
pgfix_count(pgfix *f, const char *sql, int n, const char *const *params)
{
	PGresult *res = run(f, sql, n, params);
	long rows = PQntuples(res);

	PQclear(res);
	return rows;
}

const char *
pgfix_org(pgfix *f, const char *kind)
{
	const char *p[] = {kind, pgfix_unique(f, kind)};

	return pgfix_sql(f, "INSERT INTO organizations (kind, name) VALUES ($1, $2) RETURNING id",
	    2, p);
}

const char *
pgfix_user(pgfix *f, const char *org_id)
{
	char email[160];
	const char *p[3];

	snprintf(email, sizeof(email), "%s@example.test", pgfix_unique(f, "user"));
	p[0] = org_id;
	p[1] = email;
	p[2] = pgfix_unique(f, "名前");
	return pgfix_sql(f, "INSERT INTO users (organization_id, email, name) VALUES ($1, $2, $3) "
	    "RETURNING id", 3, p);
}

const char *
pgfix_project(pgfix *f, const char *firm_id, const char *client_org_id)
{
	const char *p[] = {pgfix_unique(f, "project"), pgfix_unique(f, "client"), client_org_id,
	    firm_id};

	return pgfix_sql(f, "INSERT INTO projects (name, client_name, client_org_id, "
	    "audit_firm_id, period_end, first_access_code_hash) "
	    "VALUES ($1, $2, $3, $4, '2026-03-31', gen_random_bytes(32)) RETURNING id", 4, p);
}

void
pgfix_member(pgfix *f, const char *project_id, const char *user_id, const char *side,
    bool admin, const char *respondent_org_id)
{
	const char *p[] = {project_id, user_id, side, admin ? "true" : "false", respondent_org_id};

	(void)pgfix_sql(f, "INSERT INTO memberships (project_id, user_id, side, admin, "
	    "organization_id, code_verified_at) VALUES ($1, $2, $3, $4::boolean, $5, "
	    "CASE WHEN $3 = 'audit' THEN NULL ELSE now() END)", 5, p);
}
