/* admin_setup.c - bgw-admin setup: the database of a new host, in one idempotent command.
 *
 * What a package install cannot do, because it needs a running PostgreSQL: create the
 * application's database, its roles and extensions (db/roles.sql, as a superuser), give
 * each role the password its conninfo's passfile holds, and apply the migrations (as the
 * owner role).  Run again at any time, after an upgrade too: every step checks before it
 * acts, and a password already in the passfile is set again, never replaced.  The SQL is
 * the store's (store/dbsetup.h); this file keeps the passfile and the identities.
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

#include "admin.h"
#include "auth/token.h"
#include "store/dbsetup.h"

#define SETUP_SUPERUSER_OS "postgres"
#define SETUP_SUPERUSER_LOCAL "dbname=postgres" /* the local socket, as the OS user */
#define SETUP_SQL_MAX (1024 * 1024)             /* roles.sql is a few KiB */
#define SETUP_NAME_MAX 128

/* One role the services log in as: what setup reads from a conninfo of bgw.conf. */
typedef struct setup_role {
	char user[SETUP_NAME_MAX];
	char dbname[SETUP_NAME_MAX];
	char passfile[CONFIG_PATH_MAX]; /* "" when the conninfo names none (peer, certificate) */
	char password[TOKEN_LEN + 1];   /* from the passfile, or new */
} setup_role;

/* The passfile line of role ("*:*:DB:USER:PASSWORD") into r->password, if there is one.
 * 1 found, 0 not there (or no file yet), -1 the file cannot be read. */
static int
passfile_find(setup_role *r)
{
	char line[1024], prefix[2 * SETUP_NAME_MAX + 8];
	FILE *f = fopen(r->passfile, "r");
	size_t n;
	int found = 0;

	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	snprintf(prefix, sizeof(prefix), "*:*:%s:%s:", r->dbname, r->user);
	n = strlen(prefix);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
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
	if (dbsetup_conninfo_get(conninfo, "user", r->user, sizeof(r->user)) != BGW_OK ||
	    dbsetup_conninfo_get(conninfo, "dbname", r->dbname, sizeof(r->dbname)) != BGW_OK ||
	    dbsetup_conninfo_get(conninfo, "passfile", r->passfile, sizeof(r->passfile)) !=
		BGW_OK ||
	    r->user[0] == '\0' || r->dbname[0] == '\0') {
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

/* The superuser's part: database, roles.sql, passwords.  0 or -1. */
static int
setup_superuser(const bgw_config *cfg, const char *superuser, const setup_role *roles, int n)
{
	char path[CONFIG_PATH_MAX + 32];
	dbsetup_role pw[2];
	char *sql;
	int created, rc = -1;

	if (n > 2 || dbsetup_database(superuser, roles[0].dbname, &created) != BGW_OK)
		return -1;
	if (created)
		printf("database %s created\n", roles[0].dbname);
	snprintf(path, sizeof(path), "%s/db/roles.sql", cfg->srcdir);
	sql = file_read(path);
	if (sql == NULL) {
		fprintf(stderr, "bgw-admin: could not read %s\n", path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		pw[i].user = roles[i].user;
		pw[i].password = roles[i].passfile[0] != '\0' ? roles[i].password : NULL;
	}
	if (dbsetup_roles(superuser, roles[0].dbname, sql, pw, n) == BGW_OK)
		rc = 0;
	free(sql);
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
		_exit(setup_superuser(cfg, SETUP_SUPERUSER_LOCAL, roles, n) == 0 ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

int
admin_setup(const bgw_config *cfg, int argc, char **argv)
{
	const char *superuser = NULL;
	setup_role roles[2]; /* the owner first: its database is the one made */
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--superuser") == 0 && i + 1 < argc) {
			superuser = argv[++i];
		} else {
			fprintf(stderr, "usage: bgw-admin setup [--superuser CONNINFO]\n");
			return 2;
		}
	}
	if (superuser == NULL && geteuid() != 0) {
		fprintf(stderr, "bgw-admin: setup needs root (to act as %s) or --superuser CONNINFO\n",
		    SETUP_SUPERUSER_OS);
		return 2;
	}
	if (admin_config_path == NULL ||
	    role_load(&roles[0], cfg->db_owner, admin_config_path) != 0 ||
	    role_load(&roles[1], cfg->db, admin_config_path) != 0)
		return 1;
	if (strcmp(roles[0].dbname, roles[1].dbname) != 0) {
		fprintf(stderr, "bgw-admin: cannot set up: db and db_owner name two databases\n");
		return 1;
	}
	rc = superuser != NULL ? setup_superuser(cfg, superuser, roles, 2)
			       : setup_superuser_as_postgres(cfg, roles, 2);
	if (rc != 0) {
		fprintf(stderr, "bgw-admin: setup failed: the database, roles or passwords\n");
		return 1;
	}
	printf("database %s, roles %s and %s: ready\n", roles[0].dbname, roles[0].user,
	    roles[1].user);
	return admin_migrate(cfg, 1, argv);
}
