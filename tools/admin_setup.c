/* admin_setup.c - bgw-admin setup: the database of a new host, in one idempotent command.
 *
 * What a package install cannot do, because it needs a running PostgreSQL: create the
 * application's database, its roles and extensions (db/roles.sql, as a superuser), give
 * each role the password its conninfo's passfile names, and apply the migrations (as the
 * owner role).  Run again at any time, after an upgrade too: every step checks before it
 * acts, and a password already in the passfile is set again, never replaced.
 *
 * The superuser session: --superuser CONNINFO, or by default the OS user postgres over the
 * local socket (peer authentication, Debian's default), reached by running as root: the
 * superuser part then runs in a child process that has become postgres, so nothing else
 * of this command runs with that identity.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "admin.h"
#include "token.h"

#define SETUP_SUPERUSER_OS "postgres"
#define SETUP_SQL_MAX (1024 * 1024) /* roles.sql is a few KiB */

/* One role the services log in as: what setup reads from a conninfo of bgw.conf. */
typedef struct setup_role {
	char user[128];
	char dbname[128];
	char passfile[CONFIG_PATH_MAX]; /* "" when the conninfo names none (peer, certificate) */
	char password[TOKEN_LEN + 1];   /* from the passfile, or new */
} setup_role;

/* Copy the value of keyword in conninfo into out ("" when absent).  0, or -1 when conninfo
 * does not parse or the value does not fit. */
static int
conninfo_get(const char *conninfo, const char *keyword, char *out, size_t cap)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	int rc = 0;

	out[0] = '\0';
	if (opts == NULL)
		return -1;
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, keyword) == 0 && o->val != NULL &&
		    snprintf(out, cap, "%s", o->val) >= (int)cap)
			rc = -1;
	PQconninfoFree(opts);
	return rc;
}

/* The passfile line of role ("*:*:DB:USER:PASSWORD") into r->password, if there is one.
 * 1 found, 0 not there (or no file yet), -1 the file cannot be read. */
static int
passfile_find(setup_role *r)
{
	char line[1024], prefix[300];
	FILE *f = fopen(r->passfile, "r");
	int found = 0;

	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	snprintf(prefix, sizeof(prefix), "*:*:%s:%s:", r->dbname, r->user);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(prefix);
		if (strncmp(line, prefix, n) != 0)
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		if (strlen(line + n) < sizeof(r->password)) {
			snprintf(r->password, sizeof(r->password), "%s", line + n);
			found = 1;
		}
	}
	(void)fclose(f); /* read only: nothing to flush */
	return found;
}

/* Append a new password for r to its passfile, made with the owner and mode of the
 * configuration file (the services' user, 0400 or 0600): libpq ignores a passfile that
 * its group or others may read.  0 or -1. */
static int
passfile_add(setup_role *r, const char *config_path)
{
	struct stat st;
	FILE *f;
	int ok;

	if (token_new(r->password, sizeof(r->password)) != BGW_OK || stat(config_path, &st) != 0)
		return -1;
	if (chmod(r->passfile, 0600) != 0 && errno != ENOENT)
		return -1;
	f = fopen(r->passfile, "a");
	if (f == NULL)
		return -1;
	ok = fprintf(f, "*:*:%s:%s:%s\n", r->dbname, r->user, r->password) > 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || chown(r->passfile, st.st_uid, st.st_gid) != 0 ||
	    chmod(r->passfile, st.st_mode & 0600) != 0)
		return -1;
	return 0;
}

/* Fill r from a conninfo of bgw.conf, and its password from (or into) its passfile. */
static int
role_load(setup_role *r, const char *conninfo, const char *config_path)
{
	int found;

	memset(r, 0, sizeof(*r));
	if (conninfo_get(conninfo, "user", r->user, sizeof(r->user)) != 0 || r->user[0] == '\0' ||
	    conninfo_get(conninfo, "dbname", r->dbname, sizeof(r->dbname)) != 0 ||
	    r->dbname[0] == '\0' ||
	    conninfo_get(conninfo, "passfile", r->passfile, sizeof(r->passfile)) != 0) {
		fprintf(stderr, "bgw-admin: cannot set up: each of db and db_owner must name user "
		    "and dbname\n");
		return -1;
	}
	if (r->passfile[0] == '\0')
		return 0;
	found = passfile_find(r);
	if (found == 0 && passfile_add(r, config_path) != 0)
		found = -1;
	if (found < 0) {
		fprintf(stderr, "bgw-admin: could not keep the password of %s in %s: %s\n", r->user,
		    r->passfile, strerror(errno));
		return -1;
	}
	return 0;
}

/* Run sql (no parameters: DDL, or a script); 0, or -1 with the server's message printed. */
static int
exec_sql(PGconn *c, const char *sql, const char *what)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? 0 : -1;

	if (rc != 0)
		fprintf(stderr, "bgw-admin: %s failed: %s", what, PQerrorMessage(c));
	PQclear(res);
	return rc;
}

/* roles.sql says "already exists, skipping" for each object on every run after the first:
 * expected, and not worth a line on an operator's terminal. */
static void
notice_ignore(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Connect as the superuser to dbname; NULL (message printed) if that fails. */
static PGconn *
superuser_connect(const char *superuser, const char *dbname)
{
	const char *keys[] = {"dbname", "dbname", NULL};
	const char *vals[] = {superuser, dbname, NULL};
	PGconn *c;

	/* expand_dbname: the first dbname is the whole conninfo; the second overrides its
	 * database only. */
	c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bgw-admin: could not connect as the superuser to %s: %s", dbname,
		    PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, notice_ignore, NULL);
	return c;
}

/* CREATE DATABASE dbname unless it exists. */
static int
database_ensure(const char *superuser, const char *dbname)
{
	PGconn *c = superuser_connect(superuser, "postgres");
	const char *params[1] = {dbname};
	PGresult *res;
	char *ident, sql[512];
	int rc = -1;

	if (c == NULL)
		return -1;
	res = PQexecParams(c, "SELECT 1 FROM pg_database WHERE datname = $1", 1, NULL, params,
	    NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		rc = 0;
	} else if (PQresultStatus(res) == PGRES_TUPLES_OK &&
	    (ident = PQescapeIdentifier(c, dbname, strlen(dbname))) != NULL) {
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", ident);
		PQfreemem(ident);
		rc = exec_sql(c, sql, "create database");
		if (rc == 0)
			printf("database %s created\n", dbname);
	} else {
		fprintf(stderr, "bgw-admin: could not look for database %s: %s", dbname,
		    PQerrorMessage(c));
	}
	PQclear(res);
	PQfinish(c);
	return rc;
}

/* The whole of path into a malloc'ed string (NULL if it cannot be read or is too large). */
static char *
file_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(SETUP_SQL_MAX + 1);
	if (buf != NULL) {
		n = fread(buf, 1, SETUP_SQL_MAX + 1, f);
		if (ferror(f) || n > SETUP_SQL_MAX) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	(void)fclose(f); /* read only: nothing to flush */
	return buf;
}

/* ALTER ROLE ... PASSWORD with the SCRAM verifier computed here: the password itself never
 * travels to the server nor into its log. */
static int
role_password_set(PGconn *c, const setup_role *r)
{
	char *verifier, *ident, *lit, sql[1024];
	int rc = -1;

	if (r->passfile[0] == '\0')
		return 0;
	verifier = PQencryptPasswordConn(c, r->password, r->user, "scram-sha-256");
	ident = PQescapeIdentifier(c, r->user, strlen(r->user));
	lit = verifier != NULL ? PQescapeLiteral(c, verifier, strlen(verifier)) : NULL;
	if (ident != NULL && lit != NULL &&
	    snprintf(sql, sizeof(sql), "ALTER ROLE %s PASSWORD %s", ident, lit) < (int)sizeof(sql))
		rc = exec_sql(c, sql, "set a role's password");
	PQfreemem(verifier);
	PQfreemem(ident);
	PQfreemem(lit);
	return rc;
}

/* The superuser's part: database, roles.sql, passwords.  0 or -1. */
static int
setup_superuser(const bgw_config *cfg, const char *superuser, const setup_role *roles, int n)
{
	char path[CONFIG_PATH_MAX + 32];
	char *sql;
	PGconn *c;
	int rc;

	if (database_ensure(superuser, roles[0].dbname) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/db/roles.sql", cfg->srcdir);
	sql = file_read(path);
	if (sql == NULL) {
		fprintf(stderr, "bgw-admin: could not read %s\n", path);
		return -1;
	}
	c = superuser_connect(superuser, roles[0].dbname);
	rc = c != NULL ? exec_sql(c, sql, "db/roles.sql") : -1;
	for (int i = 0; rc == 0 && i < n; i++)
		rc = role_password_set(c, &roles[i]);
	free(sql);
	PQfinish(c);
	return rc;
}

/* Run setup_superuser as the OS user postgres in a child (peer authentication). */
static int
setup_superuser_as_postgres(const bgw_config *cfg, const setup_role *roles, int n)
{
	struct passwd *pw = getpwnam(SETUP_SUPERUSER_OS);
	pid_t pid;
	int status;

	if (pw == NULL) {
		fprintf(stderr, "bgw-admin: no user %s: is PostgreSQL installed here? Otherwise "
		    "give --superuser CONNINFO\n", SETUP_SUPERUSER_OS);
		return -1;
	}
	(void)fflush(NULL); /* what is buffered is not printed twice, by the child too */
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			_exit(1);
		_exit(setup_superuser(cfg, "dbname=postgres", roles, n) == 0 ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

int
admin_setup(const bgw_config *cfg, int argc, char **argv)
{
	const char *superuser = NULL, *config_path = admin_config_path;
	setup_role roles[2];
	char dbname_owner[128];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--superuser") == 0 && i + 1 < argc)
			superuser = argv[++i];
		else {
			fprintf(stderr, "usage: bgw-admin setup [--superuser CONNINFO]\n");
			return 2;
		}
	}
	if (config_path == NULL || role_load(&roles[0], cfg->db_owner, config_path) != 0 ||
	    role_load(&roles[1], cfg->db, config_path) != 0)
		return 1;
	snprintf(dbname_owner, sizeof(dbname_owner), "%s", roles[0].dbname);
	if (strcmp(dbname_owner, roles[1].dbname) != 0) {
		fprintf(stderr, "bgw-admin: cannot set up: db and db_owner name two databases\n");
		return 1;
	}
	if (superuser != NULL)
		rc = setup_superuser(cfg, superuser, roles, 2);
	else if (geteuid() == 0)
		rc = setup_superuser_as_postgres(cfg, roles, 2);
	else {
		fprintf(stderr, "bgw-admin: setup needs root (to act as %s) or --superuser CONNINFO\n",
		    SETUP_SUPERUSER_OS);
		return 2;
	}
	if (rc != 0)
		return 1;
	printf("database %s, roles %s and %s: ready\n", dbname_owner, roles[0].user,
	    roles[1].user);
	return admin_migrate(cfg, 1, argv);
}
