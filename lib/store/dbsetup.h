/* dbsetup.h - what a new host's database needs before its first migration, done as a
 * PostgreSQL superuser: the database itself, db/roles.sql, and the login roles' passwords.
 * Every step checks before it acts, so running it again changes nothing (bgw-admin setup,
 * tools/admin_setup.c, which keeps the passwords and then runs migrate_apply).
 *
 * superuser is a libpq conninfo reaching the server as a superuser; its dbname is replaced
 * by the database each step needs.
 */
#ifndef BGW_DBSETUP_H
#define BGW_DBSETUP_H

#include <stddef.h>

#include "core/err.h"

/* A login role of bgw.conf and the password it gets (NULL: none is set, e.g. peer or
 * certificate authentication).  Neither is owned by dbsetup. */
typedef struct dbsetup_role {
	const char *user;
	const char *password;
} dbsetup_role;

/* The value of keyword in conninfo into out ("" when absent).  BGW_OK; BGW_E_VALIDATION if
 * conninfo does not parse or the value does not fit in cap. */
bgw_err dbsetup_conninfo_get(const char *conninfo, const char *keyword, char *out, size_t cap);

/* CREATE DATABASE dbname unless it exists.  *created (may be NULL) says whether it was
 * made now.  BGW_OK; BGW_E_UNAVAILABLE if the server cannot be reached as superuser;
 * the mapped SQLSTATE (db_map_sqlstate) if the server refuses (logged with its message). */
bgw_err dbsetup_database(const char *superuser, const char *dbname, int *created);

/* In dbname: run roles_sql (the text of db/roles.sql, a script of DDL), then ALTER ROLE ...
 * PASSWORD for each of the n roles with a password, sending only its SCRAM verifier: the
 * password never reaches the server or its log.  The same errors as dbsetup_database. */
bgw_err dbsetup_roles(const char *superuser, const char *dbname, const char *roles_sql,
    const dbsetup_role *roles, int n);

#endif
