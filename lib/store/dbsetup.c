/* dbsetup.c - the superuser's part of a new host's database (dbsetup.h).  DDL cannot take
 * parameters: names go through PQescapeIdentifier, the verifier through PQescapeLiteral. */
#include "store/dbsetup.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/log.h"

#define DBSETUP_SQL_MAX 1024

/* roles.sql says "already exists, skipping" for each object on every run after the first:
 * expected, and not worth a line on an operator's terminal. */
static void
notice_ignore(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

bgw_err
dbsetup_conninfo_get(const char *conninfo, const char *keyword, char *out, size_t cap)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	bgw_err err = BGW_OK;

	out[0] = '\0';
	if (opts == NULL)
		return BGW_E_VALIDATION;
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, keyword) == 0 && o->val != NULL &&
		    snprintf(out, cap, "%s", o->val) >= (int)cap)
			err = BGW_E_VALIDATION;
	PQconninfoFree(opts);
	return err;
}

/* Connect as the superuser to dbname; NULL (logged) if that fails. */
static PGconn *
superuser_connect(const char *superuser, const char *dbname)
{
	const char *keys[] = {"dbname", "dbname", NULL};
	const char *vals[] = {superuser, dbname, NULL};
	PGconn *c;

	/* expand_dbname: the first dbname is the whole conninfo; the second replaces its
	 * database only. */
	c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		bgw_log(BGW_LOG_ERROR, "could not connect as the superuser to %s: %s", dbname,
		    PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, notice_ignore, NULL);
	return c;
}

/* Run sql (DDL or a script, no parameters).  BGW_OK or BGW_E_INTERNAL (logged). */
static bgw_err
exec_sql(PGconn *c, const char *sql, const char *what)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	bgw_err err = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? BGW_OK : BGW_E_INTERNAL;

	if (err != BGW_OK)
		bgw_log(BGW_LOG_ERROR, "could not %s: %s", what, PQerrorMessage(c));
	PQclear(res);
	return err;
}

bgw_err
dbsetup_database(const char *superuser, const char *dbname, int *created)
{
	PGconn *c = superuser_connect(superuser, "postgres");
	const char *params[1] = {dbname};
	PGresult *res;
	char *ident, sql[DBSETUP_SQL_MAX];
	bgw_err err = BGW_E_INTERNAL;

	if (created != NULL)
		*created = 0;
	if (c == NULL)
		return BGW_E_UNAVAILABLE;
	res = PQexecParams(c, "SELECT 1 FROM pg_database WHERE datname = $1", 1, NULL, params,
	    NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		bgw_log(BGW_LOG_ERROR, "could not look for database %s: %s", dbname,
		    PQerrorMessage(c));
	} else if (PQntuples(res) == 1) {
		err = BGW_OK;
	} else if ((ident = PQescapeIdentifier(c, dbname, strlen(dbname))) != NULL) {
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", ident);
		PQfreemem(ident);
		err = exec_sql(c, sql, "create the database");
		if (err == BGW_OK && created != NULL)
			*created = 1;
	}
	PQclear(res);
	PQfinish(c);
	return err;
}

/* ALTER ROLE ... PASSWORD with the SCRAM verifier computed here. */
static bgw_err
role_password_set(PGconn *c, const dbsetup_role *r)
{
	char *verifier, *ident, *lit, sql[DBSETUP_SQL_MAX];
	bgw_err err = BGW_E_INTERNAL;

	if (r->password == NULL)
		return BGW_OK;
	verifier = PQencryptPasswordConn(c, r->password, r->user, "scram-sha-256");
	ident = PQescapeIdentifier(c, r->user, strlen(r->user));
	lit = verifier != NULL ? PQescapeLiteral(c, verifier, strlen(verifier)) : NULL;
	if (ident != NULL && lit != NULL &&
	    snprintf(sql, sizeof(sql), "ALTER ROLE %s PASSWORD %s", ident, lit) < (int)sizeof(sql))
		err = exec_sql(c, sql, "set a role's password");
	PQfreemem(verifier);
	PQfreemem(ident);
	PQfreemem(lit);
	return err;
}

bgw_err
dbsetup_roles(const char *superuser, const char *dbname, const char *roles_sql,
    const dbsetup_role *roles, int n)
{
	PGconn *c = superuser_connect(superuser, dbname);
	bgw_err err;

	if (c == NULL)
		return BGW_E_UNAVAILABLE;
	err = exec_sql(c, roles_sql, "run db/roles.sql");
	for (int i = 0; err == BGW_OK && i < n; i++)
		err = role_password_set(c, &roles[i]);
	PQfinish(c);
	return err;
}
