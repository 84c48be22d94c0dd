/* migrate.c - apply db/migrations/NNNN_name.sql files in order, each exactly once.
 *
 * The whole directory is read and hashed before connecting, and every applied file is
 * checked against its recorded SHA-256 before anything runs, so a refused run changes
 * nothing.  The runner connects, prepares and runs through db.c like every program; the
 * statements that read schema_migrations are prepared (db_prepare) only once the table is
 * known to exist, and each file's text goes through db_run_script.
 */
#include "store/migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"
#include "store/db.h"
#include "store/stmt.h"

/* Our own migrations are a few KiB; anything this large is a mistake (a dump, a binary). */
#define MIGRATE_FILE_MAX (1024 * 1024)
#define MIGRATE_VERSION_DIGITS 4
#define MIGRATE_FILE_NAME_MAX 128
#define MIGRATE_APPLICATION_NAME "balance-gateway-migrate"
/* The schema of the application; db/roles.sql creates it, owned by bgw_owner. */
#define MIGRATE_SEARCH_PATH "bgw, public"
/* Key of the session advisory lock that serialises runners ("bgwm" in ASCII).  It lives in
 * the one-key lock space; the audit chain locks use the two-key space, which is disjoint. */
#define MIGRATE_LOCK_KEY "1650947949"
#define SHA256_HEX_LEN 64

struct migration {
	int version;
	char file[MIGRATE_FILE_NAME_MAX + 1];
	char sha256[SHA256_HEX_LEN + 1];
	char *sql; /* NUL-terminated file text */
};

struct plan {
	struct migration *m;
	size_t n;
};

static void
plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->m[i].sql);
	free(p->m);
	p->m = NULL;
	p->n = 0;
}

/* The version of a well-formed migration file name, 0 if malformed, -1 if not a .sql file
 * at all (ignored: a README may sit beside the migrations). */
static int
parse_name(const char *name)
{
	size_t len = strlen(name);
	int version = 0;
	size_t i;

	if (len < 4 || strcmp(name + len - 4, ".sql") != 0)
		return -1;
	if (len > MIGRATE_FILE_NAME_MAX)
		return 0;
	for (i = 0; i < MIGRATE_VERSION_DIGITS; i++) {
		if (!isdigit((unsigned char)name[i]))
			return 0;
		version = version * 10 + (name[i] - '0');
	}
	if (name[i++] != '_' || i >= len - 4)
		return 0;
	for (; i < len - 4; i++)
		if (!(islower((unsigned char)name[i]) || isdigit((unsigned char)name[i]) ||
		    name[i] == '_'))
			return 0;
	return version;
}

static int
by_version(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

static void
sha256_hex(const char *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		/* Cannot match any recorded hash, so the run is refused rather than trusted. */
		memset(out, '?', SHA256_HEX_LEN);
		out[SHA256_HEX_LEN] = '\0';
		return;
	}
	for (unsigned int i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[SHA256_HEX_LEN] = '\0';
}

/* Read dir/file into m->sql and hash it. */
static bgw_err
read_file(const char *dir, struct migration *m)
{
	char path[4096];
	struct stat st;
	size_t got = 0;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, m->file) >= sizeof(path)) {
		bgw_log(BGW_LOG_ERROR, "could not read migration %s: path too long", m->file);
		return BGW_E_IO;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not read migration %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return BGW_E_IO;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MIGRATE_FILE_MAX) {
		bgw_log(BGW_LOG_ERROR, "cannot use migration %s: not a regular file of at most %d "
		    "bytes", path, MIGRATE_FILE_MAX);
		close(fd);
		return BGW_E_VALIDATION;
	}
	m->sql = malloc((size_t)st.st_size + 1);
	if (m->sql == NULL) {
		close(fd);
		return BGW_E_NOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, m->sql + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			bgw_log(BGW_LOG_ERROR, "could not read migration %s: %s", path,
			    r < 0 ? strerror(errno) : "file shrank while reading");
			close(fd);
			return BGW_E_IO;
		}
		got += (size_t)r;
	}
	close(fd);
	m->sql[got] = '\0';
	/* db_run_script takes a C string: a NUL would silently cut the migration short. */
	if (memchr(m->sql, '\0', got) != NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot use migration %s: it contains a NUL byte", path);
		return BGW_E_VALIDATION;
	}
	sha256_hex(m->sql, got, m->sha256);
	return BGW_OK;
}

/* Every migration file of dir, sorted by version, read and hashed. */
static bgw_err
scan_dir(const char *dir, struct plan *p)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;
	bgw_err e = BGW_OK;

	p->m = NULL;
	p->n = 0;
	if (d == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not open migrations directory %s: %s", dir,
		    strerror(errno));
		return BGW_E_IO;
	}
	while ((de = readdir(d)) != NULL) {
		int v;

		if (de->d_name[0] == '.')
			continue;
		v = parse_name(de->d_name);
		if (v < 0)
			continue;
		if (v == 0) {
			bgw_log(BGW_LOG_ERROR, "cannot use migration %s: the name is not "
			    "NNNN_name.sql (name: a-z, 0-9, _) or its number is 0000", de->d_name);
			e = BGW_E_VALIDATION;
			break;
		}
		if (p->n == cap) {
			size_t ncap = cap == 0 ? 16 : cap * 2;
			struct migration *nm = realloc(p->m, ncap * sizeof(*nm));

			if (nm == NULL) {
				e = BGW_E_NOMEM;
				break;
			}
			p->m = nm;
			cap = ncap;
		}
		memset(&p->m[p->n], 0, sizeof(p->m[p->n]));
		p->m[p->n].version = v;
		/* parse_name has bounded the length by MIGRATE_FILE_NAME_MAX. */
		memcpy(p->m[p->n].file, de->d_name, strlen(de->d_name) + 1);
		p->n++;
	}
	closedir(d);
	if (e != BGW_OK) {
		plan_free(p);
		return e;
	}
	if (p->n > 0)
		qsort(p->m, p->n, sizeof(*p->m), by_version);
	for (size_t i = 1; i < p->n; i++) {
		if (p->m[i].version == p->m[i - 1].version) {
			bgw_log(BGW_LOG_ERROR, "cannot use migrations %s and %s: same number",
			    p->m[i - 1].file, p->m[i].file);
			plan_free(p);
			return BGW_E_VALIDATION;
		}
	}
	for (size_t i = 0; i < p->n; i++) {
		if ((e = read_file(dir, &p->m[i])) != BGW_OK) {
			plan_free(p);
			return e;
		}
	}
	return BGW_OK;
}

static const struct migration *
find_version(const struct plan *p, int version)
{
	/* Zero the rest: by_version reads only the version, but no field is left undefined. */
	struct migration key = {.version = version};

	return p->n == 0 ? NULL : bsearch(&key, p->m, p->n, sizeof(*p->m), by_version);
}

/* Compare the applied rows with the files; *first_new is the index of the first file to
 * apply.  Any inconsistency refuses the whole run. */
static bgw_err
verify(const struct plan *p, const db_rows *applied, const char *dir, size_t *first_new)
{
	int rows = db_nrows(applied);
	int newest = 0;

	for (int r = 0; r < rows; r++) {
		int v = (int)db_int(applied, r, 0);
		const char *name = db_value(applied, r, 1);
		const char *sha = db_value(applied, r, 2);
		const struct migration *m = find_version(p, v);

		if (m == NULL) {
			bgw_log(BGW_LOG_ERROR, "cannot migrate: applied migration %s is missing from %s",
			    name, dir);
			return BGW_E_INVALID_STATE;
		}
		if (strcmp(m->file, name) != 0 || strcmp(m->sha256, sha) != 0) {
			bgw_log(BGW_LOG_ERROR, "cannot migrate: applied migration %s has changed "
			    "(now %s, sha256 %s; recorded sha256 %s)", name, m->file, m->sha256, sha);
			return BGW_E_INVALID_STATE;
		}
		if (v > newest)
			newest = v;
	}
	*first_new = 0;
	while (*first_new < p->n && p->m[*first_new].version <= newest)
		(*first_new)++;
	/* Every file up to the newest applied one was found among the rows above only if the
	 * counts agree: otherwise a file was added below the newest applied version. */
	if ((int)*first_new != rows) {
		for (size_t i = 0; i < *first_new; i++) {
			int found = 0;

			for (int r = 0; r < rows && !found; r++)
				found = db_int(applied, r, 0) == p->m[i].version;
			if (!found)
				bgw_log(BGW_LOG_ERROR, "cannot migrate: %s is numbered below the newest "
				    "applied migration %04d", p->m[i].file, newest);
		}
		return BGW_E_INVALID_STATE;
	}
	return BGW_OK;
}

/* Apply one migration and its record in one transaction. */
static bgw_err
apply_one(bgw_db *db, const struct migration *m)
{
	char version[16];
	const char *params[3];
	char what[MIGRATE_FILE_NAME_MAX + 32];
	bgw_err e;

	if ((e = db_begin(db, NULL)) != BGW_OK)
		return e;
	/* A migration may hold many statements; it runs inside the transaction opened above,
	 * so a failure anywhere in it leaves nothing behind. */
	snprintf(what, sizeof(what), "apply migration %s", m->file);
	if ((e = db_run_script(db, what, m->sql)) != BGW_OK) {
		db_rollback(db);
		return e;
	}
	snprintf(version, sizeof(version), "%d", m->version);
	params[0] = version;
	params[1] = m->file;
	params[2] = m->sha256;
	if ((e = db_exec(db, NULL, "m_record", 3, params, NULL)) != BGW_OK) {
		db_rollback(db);
		return e;
	}
	/* db_commit rolls back itself on failure. */
	if ((e = db_commit(db)) != BGW_OK)
		return e;
	bgw_log(BGW_LOG_INFO, "applied migration %s", m->file);
	return BGW_OK;
}

/* The one boolean of a statement answering one row, one column. */
static bgw_err
query_bool(bgw_db *db, bgw_arena *a, const char *name, int nparams,
    const char *const *params, int *out)
{
	db_rows *res;
	bgw_err e;

	if ((e = db_exec(db, a, name, nparams, params, &res)) != BGW_OK)
		return e;
	*out = db_nrows(res) == 1 && strcmp(db_value(res, 0, 0), "t") == 0;
	return BGW_OK;
}

/* Take the runner lock, waiting (and saying so) if another runner holds it. */
static bgw_err
take_lock(bgw_db *db, bgw_arena *a)
{
	const char *key[] = {MIGRATE_LOCK_KEY};
	int got = 0;
	bgw_err e;

	if ((e = query_bool(db, a, "m_try_lock", 1, key, &got)) != BGW_OK)
		return e;
	if (got)
		return BGW_OK;
	bgw_log(BGW_LOG_INFO, "waiting for another migration runner to finish");
	return db_exec(db, NULL, "m_lock", 1, key, NULL);
}

/* Connect as the runner: its statements prepared, the search path of the schema set. */
static bgw_err
connect_runner(const char *conninfo, bgw_db **out)
{
	static const db_stmt *const tables[] = {stmt_migrate, NULL};
	const char *search_path[] = {MIGRATE_SEARCH_PATH};
	bgw_db *db = db_open(conninfo, tables);
	bgw_err e;

	*out = NULL;
	if (db == NULL)
		return BGW_E_NOMEM;
	db_set_application_name(db, MIGRATE_APPLICATION_NAME);
	if ((e = db_ensure(db)) != BGW_OK ||
	    (e = db_exec(db, NULL, "m_search_path", 1, search_path, NULL)) != BGW_OK) {
		db_close(db);
		return e;
	}
	*out = db;
	return BGW_OK;
}

/* Compare the recorded migrations (creating their table first when applying) with the
 * plan; *first_new is the first file to apply. */
static bgw_err
check_applied(bgw_db *db, bgw_arena *a, const struct plan *p, const char *dir, int apply,
    size_t *first_new)
{
	db_rows *applied;
	int exists = 0;
	bgw_err e;

	*first_new = 0;
	if ((e = query_bool(db, a, "m_exists", 0, NULL, &exists)) != BGW_OK)
		return e;
	if (apply && !exists) {
		if ((e = db_exec(db, NULL, "m_create", 0, NULL, NULL)) != BGW_OK)
			return e;
		exists = 1;
	}
	if (!exists)
		return BGW_OK;
	if ((e = db_prepare(db, stmt_migrate_table)) != BGW_OK ||
	    (e = db_exec(db, a, "m_applied", 0, NULL, &applied)) != BGW_OK)
		return e;
	return verify(p, applied, dir, first_new);
}

static bgw_err
migrate_run(const char *conninfo, const char *dir, int apply, int *count)
{
	struct plan p;
	bgw_db *db = NULL;
	bgw_arena *a = NULL;
	size_t first_new = 0;
	bgw_err e;

	if (count != NULL)
		*count = 0;
	if ((e = scan_dir(dir, &p)) != BGW_OK)
		return e;
	if ((a = bgw_arena_new()) == NULL) {
		e = BGW_E_NOMEM;
		goto out;
	}
	if ((e = connect_runner(conninfo, &db)) != BGW_OK)
		goto out;
	if (apply && (e = take_lock(db, a)) != BGW_OK)
		goto out;
	if ((e = check_applied(db, a, &p, dir, apply, &first_new)) != BGW_OK)
		goto out;
	if (!apply) {
		if (count != NULL)
			*count = (int)(p.n - first_new);
		goto out;
	}
	for (size_t i = first_new; i < p.n; i++) {
		if ((e = apply_one(db, &p.m[i])) != BGW_OK)
			goto out;
		if (count != NULL)
			(*count)++;
	}
out:
	/* Closing the session releases the advisory lock. */
	db_close(db);
	bgw_arena_free(a);
	plan_free(&p);
	return e;
}

bgw_err
migrate_apply(const char *conninfo, const char *dir, int *applied_count)
{
	return migrate_run(conninfo, dir, 1, applied_count);
}

bgw_err
migrate_status(const char *conninfo, const char *dir, int *pending_count)
{
	return migrate_run(conninfo, dir, 0, pending_count);
}
