/* test_migrate.c - the migration runner, and the schema's walls against a real cluster.
 *
 * Without a database: directory and file-name checks, and an unreachable server.
 * With BGW_TEST_PG set to the conninfo of a THROW-AWAY database (without user=; db/roles.sql
 * already run in it by a superuser), e.g. "host=/tmp/bgw-db.X dbname=bgw", the pg_* tests
 * connect as bgw_owner and bgw_app and prove: every migration applies, a re-run applies none,
 * a changed or missing applied file is refused with nothing applied, a failing migration
 * leaves nothing behind, bgw_app cannot create tables or change audit_events, row-level
 * security hides every tenant row when no user is bound, and db.c reconnects after its
 * backend dies.  tests/db/run.sh makes such a cluster and runs this program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/stmt.h"

#define UNREACHABLE "host=/nonexistent-bgw-test-socket-dir connect_timeout=2"

static char scratch[] = "/tmp/bgw-test-migrate.XXXXXX";

static const char *
srcdir(void)
{
	const char *s = getenv("BGW_SRCDIR");

	return s != NULL && *s != '\0' ? s : ".";
}

static const char *
migrations_dir(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/db/migrations", srcdir());
	return path;
}

static void
write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4096];
	FILE *f;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) <
	    sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A fresh empty directory under scratch. */
static const char *
new_dir(const char *name)
{
	static char path[4096];

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", scratch, name) <
	    sizeof(path));
	assert_int_equal(mkdir(path, 0700), 0);
	return path;
}

/* A copy of db/migrations, skipping the file called skip (may be NULL). */
static const char *
copy_migrations(const char *name, const char *skip)
{
	const char *dst = new_dir(name);
	DIR *d = opendir(migrations_dir());
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		char buf[1 << 16];
		FILE *f;
		size_t n;

		if (de->d_name[0] == '.' || (skip != NULL && strcmp(de->d_name, skip) == 0))
			continue;
		assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", migrations_dir(),
		    de->d_name) < sizeof(path));
		f = fopen(path, "rb");
		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		assert_true(n < sizeof(buf));
		fclose(f);
		write_file(dst, de->d_name, buf, n);
	}
	closedir(d);
	return dst;
}

static int
count_sql_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] != '.' && len > 4 && strcmp(de->d_name + len - 4, ".sql") == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* ---- without a database ------------------------------------------------------------- */

static void
missing_dir_is_io(void **state)
{
	int n = -1;

	(void)state;
	assert_int_equal(migrate_apply(UNREACHABLE, "/nonexistent/bgw/migrations", &n), BGW_E_IO);
	assert_int_equal(n, 0);
}

/* Malformed directories are refused before any connection is tried (UNREACHABLE would
 * answer BGW_E_UNAVAILABLE otherwise). */
static void
malformed_dirs_are_refused(void **state)
{
	static const struct {
		const char *file;
		const char *file2;
		bgw_err want;
	} cases[] = {
		{"0001-dash.sql", NULL, BGW_E_VALIDATION},
		{"1_short.sql", NULL, BGW_E_VALIDATION},
		{"0001_Upper.sql", NULL, BGW_E_VALIDATION},
		{"0001_.sql", NULL, BGW_E_VALIDATION},
		{"0000_zero.sql", NULL, BGW_E_VALIDATION},
		{"00a1_x.sql", NULL, BGW_E_VALIDATION},
		{"0001_a b.sql", NULL, BGW_E_VALIDATION},
		{"0001_one.sql", "0001_again.sql", BGW_E_VALIDATION},
		/* Not .sql or hidden: ignored, so the connection is tried. */
		{"README", NULL, BGW_E_UNAVAILABLE},
		{".0001_hidden.sql", NULL, BGW_E_UNAVAILABLE},
		{"0001_ok.sql", "0002_ok_too.sql", BGW_E_UNAVAILABLE},
	};
	char name[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *dir;
		int n = -1;

		snprintf(name, sizeof(name), "bad%zu", i);
		dir = new_dir(name);
		write_file(dir, cases[i].file, "SELECT 1;\n", 10);
		if (cases[i].file2 != NULL)
			write_file(dir, cases[i].file2, "SELECT 2;\n", 10);
		assert_int_equal(migrate_apply(UNREACHABLE, dir, &n), cases[i].want);
		assert_int_equal(n, 0);
		assert_int_equal(migrate_status(UNREACHABLE, dir, &n), cases[i].want);
	}
}

static void
nul_byte_is_refused(void **state)
{
	const char *dir = new_dir("nul");

	(void)state;
	write_file(dir, "0001_nul.sql", "SELECT 1;\0DROP TABLE x;\n", 24);
	assert_int_equal(migrate_apply(UNREACHABLE, dir, NULL), BGW_E_VALIDATION);
}

static void
unreachable_is_unavailable(void **state)
{
	(void)state;
	assert_int_equal(migrate_apply(UNREACHABLE, migrations_dir(), NULL), BGW_E_UNAVAILABLE);
}

/* ---- against a real cluster ---------------------------------------------------------- */

static char owner_ci[1024];
static char app_ci[1024];

static int
have_pg(void)
{
	const char *pg = getenv("BGW_TEST_PG");

	if (pg == NULL || *pg == '\0')
		return 0;
	snprintf(owner_ci, sizeof(owner_ci), "%s user=bgw_owner", pg);
	snprintf(app_ci, sizeof(app_ci), "%s user=bgw_app", pg);
	return 1;
}

#define NEED_PG() do { if (!have_pg()) skip(); } while (0)

static PGconn *
pg_connect(const char *ci)
{
	PGconn *c = PQconnectdb(ci);

	assert_non_null(c);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("could not connect: %s", PQerrorMessage(c));
	return c;
}

/* Run trusted test SQL; return the SQLSTATE ("" on success) in a static buffer. */
static const char *
sql_state(PGconn *c, const char *sql)
{
	static char st[8];
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	const char *f;

	st[0] = '\0';
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		f = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		snprintf(st, sizeof(st), "%s", f != NULL ? f : "?????");
	}
	PQclear(r);
	return st;
}

/* The single value of a query, as an integer (-1 on error). */
static long
sql_long(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	long v = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	else
		print_error("query failed: %s: %s\n", sql, PQerrorMessage(c));
	PQclear(r);
	return v;
}

static long
owner_long(const char *sql)
{
	PGconn *c = pg_connect(owner_ci);
	long v = sql_long(c, sql);

	PQfinish(c);
	return v;
}

static void
pg_all_migrations_apply(void **state)
{
	PGconn *c;
	long fresh;
	int n = -1, pending = -1;

	(void)state;
	NEED_PG();
	c = pg_connect(owner_ci);
	fresh = sql_long(c, "SELECT (to_regclass('bgw.schema_migrations') IS NULL)::int");
	PQfinish(c);
	assert_int_equal(migrate_status(owner_ci, migrations_dir(), &pending), BGW_OK);
	assert_int_equal(migrate_apply(owner_ci, migrations_dir(), &n), BGW_OK);
	if (fresh == 1) {
		assert_int_equal(pending, count_sql_files(migrations_dir()));
		assert_int_equal(n, count_sql_files(migrations_dir()));
	}
	assert_int_equal(owner_long("SELECT count(*) FROM bgw.schema_migrations"),
	    count_sql_files(migrations_dir()));
	assert_int_equal(migrate_status(owner_ci, migrations_dir(), &pending), BGW_OK);
	assert_int_equal(pending, 0);
}

static void
pg_rerun_applies_none(void **state)
{
	int n = -1;

	(void)state;
	NEED_PG();
	assert_int_equal(migrate_apply(owner_ci, migrations_dir(), &n), BGW_OK);
	assert_int_equal(n, 0);
}

static const char probe[] = "CREATE TABLE bgw.migrate_probe (a int);\n";

static void
pg_changed_file_is_refused(void **state)
{
	const char *dir;
	char path[4096];
	FILE *f;
	int n = -1;

	(void)state;
	NEED_PG();
	dir = copy_migrations("changed", NULL);
	snprintf(path, sizeof(path), "%s/0001_identity.sql", dir);
	f = fopen(path, "ab");
	assert_non_null(f);
	fputs("-- an innocent-looking edit\n", f);
	fclose(f);
	write_file(dir, "9999_probe.sql", probe, sizeof(probe) - 1);
	assert_int_equal(migrate_apply(owner_ci, dir, &n), BGW_E_INVALID_STATE);
	assert_int_equal(n, 0);
	assert_int_equal(migrate_status(owner_ci, dir, &n), BGW_E_INVALID_STATE);
	assert_int_equal(owner_long("SELECT (to_regclass('bgw.migrate_probe') IS NULL)::int"), 1);
}

static void
pg_missing_file_is_refused(void **state)
{
	const char *dir;
	int n = -1;

	(void)state;
	NEED_PG();
	dir = copy_migrations("missing", "0003_confirmations.sql");
	write_file(dir, "9999_probe.sql", probe, sizeof(probe) - 1);
	assert_int_equal(migrate_apply(owner_ci, dir, &n), BGW_E_INVALID_STATE);
	assert_int_equal(n, 0);
	assert_int_equal(owner_long("SELECT (to_regclass('bgw.migrate_probe') IS NULL)::int"), 1);
}

static void
pg_failed_migration_leaves_nothing(void **state)
{
	static const char bad[] = "CREATE TABLE bgw.half_done (a int);\nSELECT 1 / 0;\n";
	const char *dir;
	int n = -1;

	(void)state;
	NEED_PG();
	dir = copy_migrations("failing", NULL);
	write_file(dir, "9998_bad.sql", bad, sizeof(bad) - 1);
	assert_int_not_equal(migrate_apply(owner_ci, dir, &n), BGW_OK);
	assert_int_equal(n, 0);
	assert_int_equal(owner_long("SELECT (to_regclass('bgw.half_done') IS NULL)::int"), 1);
	assert_int_equal(owner_long(
	    "SELECT count(*) FROM bgw.schema_migrations WHERE version = 9998"), 0);
}

/* A new file applies, is recorded, and is then taken away again so that the database
 * matches db/migrations for the tests that follow. */
static void
pg_new_migration_applies_once(void **state)
{
	const char *dir;
	PGconn *c;
	int n = -1;

	(void)state;
	NEED_PG();
	dir = copy_migrations("new", NULL);
	write_file(dir, "9999_probe.sql", probe, sizeof(probe) - 1);
	assert_int_equal(migrate_apply(owner_ci, dir, &n), BGW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(migrate_apply(owner_ci, dir, &n), BGW_OK);
	assert_int_equal(n, 0);
	c = pg_connect(owner_ci);
	assert_string_equal(sql_state(c, "DROP TABLE bgw.migrate_probe"), "");
	assert_string_equal(sql_state(c,
	    "DELETE FROM bgw.schema_migrations WHERE version = 9999"), "");
	PQfinish(c);
}

static void
pg_app_cannot_create(void **state)
{
	static const char *const ddl[] = {
		"CREATE TABLE bgw.intruder (a int)",
		"CREATE TABLE public.intruder (a int)",
		"CREATE TEMP TABLE intruder (a int)",
		"CREATE SCHEMA intruder",
		"CREATE FUNCTION bgw.app_user_id2() RETURNS int LANGUAGE sql AS 'SELECT 1'",
	};
	PGconn *c;

	(void)state;
	NEED_PG();
	c = pg_connect(app_ci);
	for (size_t i = 0; i < sizeof(ddl) / sizeof(ddl[0]); i++)
		assert_string_equal(sql_state(c, ddl[i]), "42501");
	assert_int_equal(sql_long(c, "SELECT (rolsuper OR rolbypassrls OR rolcreaterole "
	    "OR rolcreatedb)::int FROM pg_roles WHERE rolname = current_user"), 0);
	PQfinish(c);
}

static void
pg_audit_events_are_append_only(void **state)
{
	PGconn *c;

	(void)state;
	NEED_PG();
	c = pg_connect(app_ci);
	/* Outside any project and with no user bound: a failed login, say. */
	assert_string_equal(sql_state(c, "BEGIN"), "");
	assert_string_equal(sql_state(c, "INSERT INTO bgw.audit_events "
	    "(project_id, seq, action, prev_hash, hash) SELECT NULL, h.last_seq + 1, "
	    "'session.failed', h.last_hash, sha256('test') FROM bgw.audit_chain_head(NULL) h"), "");
	assert_string_equal(sql_state(c, "COMMIT"), "");
	assert_string_equal(sql_state(c, "UPDATE bgw.audit_events SET action = 'x'"), "42501");
	assert_string_equal(sql_state(c, "DELETE FROM bgw.audit_events"), "42501");
	assert_string_equal(sql_state(c, "TRUNCATE bgw.audit_events"), "42501");
	PQfinish(c);
	/* Not even the owner: the trigger refuses. */
	c = pg_connect(owner_ci);
	assert_true(sql_long(c, "SELECT count(*) FROM bgw.audit_events") >= 1);
	assert_string_equal(sql_state(c, "UPDATE bgw.audit_events SET action = 'x'"), "42501");
	assert_string_equal(sql_state(c, "DELETE FROM bgw.audit_events"), "42501");
	assert_string_equal(sql_state(c, "TRUNCATE bgw.audit_events"), "42501");
	PQfinish(c);
}

static const char seed[] =
    "INSERT INTO bgw.organizations (id, kind, name) VALUES "
    "('t-firm', 'audit_firm', 'Firm'), ('t-client', 'client', 'Client'), "
    "('t-bank', 'respondent', 'Bank'), ('t-bank2', 'respondent', 'Other bank') "
    "ON CONFLICT DO NOTHING;"
    "INSERT INTO bgw.users (id, organization_id, email, name) VALUES "
    "('t-auditor', 't-firm', 'auditor@example.jp', 'A'), "
    "('t-clerk', 't-client', 'clerk@example.jp', 'C'), "
    "('t-banker', 't-bank', 'banker@example.jp', 'B'), "
    "('t-banker2', 't-bank2', 'banker2@example.jp', 'B2') ON CONFLICT DO NOTHING;"
    "INSERT INTO bgw.projects (id, name, client_name, client_org_id, audit_firm_id, "
    "period_end, first_access_code_hash, created_by) VALUES ('t-project', 'FY2024', "
    "'Client', 't-client', 't-firm', '2025-03-31', sha256('code'), 't-auditor') "
    "ON CONFLICT DO NOTHING;"
    "INSERT INTO bgw.memberships (project_id, user_id, side, admin, organization_id) VALUES "
    "('t-project', 't-auditor', 'audit', true, 't-firm'), "
    "('t-project', 't-clerk', 'client', true, 't-client'), "
    "('t-project', 't-banker', 'respondent', false, 't-bank'), "
    "('t-project', 't-banker2', 'respondent', false, 't-bank2') ON CONFLICT DO NOTHING;"
    "INSERT INTO bgw.confirmations (id, project_id, type, form, status, respondent_org_id, "
    "respondent_email, respondent_name, as_of, due_date, sent_at) VALUES "
    "('t-draft', 't-project', 'bank', 'positive', 'draft', 't-bank', 'banker@example.jp', "
    "'B', '2025-03-31', '2025-04-30', NULL), "
    "('t-sent', 't-project', 'bank', 'positive', 'sent', 't-bank', 'banker@example.jp', "
    "'B', '2025-03-31', '2025-04-30', now()) ON CONFLICT DO NOTHING;"
    "INSERT INTO bgw.confirmation_items (id, confirmation_id, position, label, currency, "
    "amount) VALUES ('t-item', 't-sent', 0, 'Deposit', 'JPY', 1250000) "
    "ON CONFLICT DO NOTHING;";

static const db_stmt rls_stmts[] = {
	{"t_count_confirmations", "SELECT count(*) FROM confirmations", 0},
	{"t_count_items", "SELECT count(*) FROM confirmation_items", 0},
	{"t_count_projects", "SELECT count(*) FROM projects", 0},
	{"t_count_memberships", "SELECT count(*) FROM memberships", 0},
	{"t_count_responses", "SELECT count(*) FROM responses", 0},
	{"t_count_documents", "SELECT count(*) FROM documents", 0},
	{"t_count_comments", "SELECT count(*) FROM comments", 0},
	{"t_count_audit", "SELECT count(*) FROM audit_events", 0},
	{"t_throttle_add", "INSERT INTO throttle (bucket, key) VALUES ('test', $1)", 1},
	{"t_int", "SELECT $1::integer", 1},
	{"t_suicide", "SELECT pg_terminate_backend(pg_backend_pid())", 0},
	{NULL, NULL, 0},
};
static const db_stmt *const rls_tables[] = {stmt_core, rls_stmts, NULL};

static long
db_count(bgw_db *db, bgw_arena *a, const char *name)
{
	PGresult *r = NULL;

	assert_int_equal(db_exec(db, a, name, 0, NULL, &r), BGW_OK);
	assert_non_null(r);
	return strtol(db_value(r, 0, 0), NULL, 10);
}

/* Counts visible to user_id (NULL: none bound) of confirmations, items, projects. */
static void
visible(bgw_db *db, bgw_arena *a, const char *user_id, long want_conf, long want_items,
    long want_projects)
{
	static const char *const tenant[] = {"t_count_memberships", "t_count_responses",
	    "t_count_documents", "t_count_comments", "t_count_audit"};

	assert_int_equal(db_begin(db, user_id), BGW_OK);
	assert_int_equal(db_count(db, a, "t_count_confirmations"), want_conf);
	assert_int_equal(db_count(db, a, "t_count_items"), want_items);
	assert_int_equal(db_count(db, a, "t_count_projects"), want_projects);
	if (user_id == NULL)
		for (size_t i = 0; i < sizeof(tenant) / sizeof(tenant[0]); i++)
			assert_int_equal(db_count(db, a, tenant[i]), 0);
	assert_int_equal(db_commit(db), BGW_OK);
	bgw_arena_reset(a);
}

/* A connection as bgw_app with the row-security probes prepared, and an arena. */
static void
open_as_app(bgw_db **db, bgw_arena **a)
{
	*a = bgw_arena_new();
	*db = db_open(app_ci, rls_tables);
	assert_non_null(*a);
	assert_non_null(*db);
	assert_int_equal(db_ensure(*db), BGW_OK);
}

static void
pg_rls_hides_rows_without_user(void **state)
{
	PGconn *c;
	bgw_db *db;
	bgw_arena *a;

	(void)state;
	NEED_PG();
	c = pg_connect(owner_ci);
	assert_string_equal(sql_state(c, seed), "");
	/* The rows exist: the owner (not subject to row security) sees them. */
	assert_true(sql_long(c, "SELECT count(*) FROM bgw.confirmations") >= 2);
	assert_true(sql_long(c, "SELECT count(*) FROM bgw.memberships") >= 4);
	PQfinish(c);

	open_as_app(&db, &a);
	visible(db, a, NULL, 0, 0, 0);
	visible(db, a, "t-auditor", 2, 1, 1);
	visible(db, a, "t-clerk", 2, 1, 1);
	visible(db, a, "t-banker", 1, 1, 1);   /* only the sent one */
	visible(db, a, "t-banker2", 0, 0, 1);  /* another bank's request */
	visible(db, a, "t-nobody", 0, 0, 0);
	/* The user ends with the transaction: nothing leaks into the next one. */
	visible(db, a, NULL, 0, 0, 0);
	db_close(db);
	bgw_arena_free(a);
}

/* 0017: reading a project calls no SECURITY DEFINER function (project_side cost a nested
 * query per read), and the rule is the same: members read their project, and after its
 * completion only the audit side does. */
static void
pg_projects_read_inline(void **state)
{
	PGconn *c;
	bgw_db *db;
	bgw_arena *a;

	(void)state;
	NEED_PG();
	c = pg_connect(owner_ci);
	assert_string_equal(sql_state(c, seed), "");
	assert_int_equal(sql_long(c, "SELECT count(*) FROM pg_policy WHERE polname = 'projects_read' "
	    "AND pg_get_expr(polqual, polrelid) LIKE '%project_side%'"), 0);
	assert_string_equal(sql_state(c, "UPDATE bgw.projects SET status = 'completed', "
	    "completed_at = now() WHERE id = 't-project'"), "");
	open_as_app(&db, &a);
	visible(db, a, "t-auditor", 2, 1, 1);
	visible(db, a, "t-clerk", 0, 0, 0);
	visible(db, a, "t-banker", 0, 0, 0);
	visible(db, a, "t-nobody", 0, 0, 0);
	visible(db, a, NULL, 0, 0, 0);
	assert_string_equal(sql_state(c, "UPDATE bgw.projects SET status = 'active', "
	    "completed_at = NULL WHERE id = 't-project'"), "");
	visible(db, a, "t-clerk", 2, 1, 1);
	visible(db, a, "t-banker2", 0, 0, 1);
	db_close(db);
	bgw_arena_free(a);
	PQfinish(c);
}

/* The reminder slot on every branch (before the due date, after it, every N days after
 * that, a setting turned off, a request sent on or after the slot): the answers 0016 must
 * keep when it rewrote the function as one expression. */
static const char slot_cases[] =
	"SELECT count(*) FROM (VALUES "
	"('2026-04-25'::date, '2026-04-30'::date, '2026-04-01'::date, 7, 7, 7, '2026-04-23'::date),"
	"('2026-04-30', '2026-04-30', '2026-04-01', 7, 7, 7, '2026-04-23'),"
	"('2026-04-22', '2026-04-30', '2026-04-01', 7, 7, 7, NULL),"
	"('2026-05-01', '2026-04-30', '2026-04-01', 7, 7, 7, NULL),"
	"('2026-05-07', '2026-04-30', '2026-04-01', 7, 7, 7, '2026-05-07'),"
	"('2026-05-20', '2026-04-30', '2026-04-01', 7, 7, 7, '2026-05-14'),"
	"('2026-05-20', '2026-04-30', '2026-04-01', 7, 7, NULL, '2026-05-07'),"
	"('2026-05-20', '2026-04-30', '2026-05-15', 7, 7, 7, NULL),"
	"('2026-05-20', '2026-04-30', '2026-05-14', 7, 7, 7, NULL),"
	"('2026-05-20', '2026-04-30', '2026-05-13', 7, 7, 7, '2026-05-14'),"
	"('2026-04-25', '2026-04-30', '2026-04-01', NULL, 7, 7, NULL),"
	"('2026-05-20', '2026-04-30', '2026-04-01', 7, NULL, 7, NULL),"
	"('2026-04-25', '2026-04-30', '2026-04-24', 7, 7, 7, NULL),"
	"('2026-04-25', '2026-04-30', NULL, 7, 7, 7, NULL)"
	") t(today, due, sent, b, a, e, want) "
	"WHERE bgw.batch_reminder_slot(today, due, sent, b, a, e) IS DISTINCT FROM want";

/* Whether the plan of sql, as EXPLAIN VERBOSE prints it, names fn (a function PostgreSQL
 * calls rather than inlines). */
static bool
plan_calls(PGconn *c, const char *sql, const char *fn)
{
	char explain[512];
	PGresult *r;
	bool found = false;

	snprintf(explain, sizeof(explain), "EXPLAIN (VERBOSE, COSTS OFF) %s", sql);
	r = PQexec(c, explain);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	for (int i = 0; i < PQntuples(r); i++)
		found = found || strstr(PQgetvalue(r, i, 0), fn) != NULL;
	PQclear(r);
	return found;
}

/* 0016: the batch job's listing runs without JIT (compiling its plan cost seconds a call)
 * and with the reminder slot inlined (a function call per sent confirmation), and the slot
 * still answers as before. */
static void
pg_batch_listing_plans_cheaply(void **state)
{
	PGconn *c;

	(void)state;
	NEED_PG();
	c = pg_connect(owner_ci);
	assert_int_equal(sql_long(c, "SELECT count(*) FROM pg_proc WHERE oid = "
	    "'bgw.batch_due(timestamptz, integer)'::regprocedure AND 'jit=off' = ANY (proconfig)"), 1);
	assert_false(plan_calls(c, "SELECT bgw.batch_reminder_slot(d, d + 10, d - 5, 7, 7, 7) "
	    "FROM (VALUES (current_date)) v(d)", "batch_reminder_slot"));
	assert_int_equal(sql_long(c, slot_cases), 0);
	PQfinish(c);
}

static void
pg_db_maps_errors_and_reconnects(void **state)
{
	const char *k[] = {"duplicate-key"};
	const char *bad[] = {"not a number"};
	bgw_db *db;
	bgw_arena *a;

	(void)state;
	NEED_PG();
	a = bgw_arena_new();
	db = db_open(app_ci, rls_tables);
	assert_int_equal(db_ensure(db), BGW_OK);

	assert_int_equal(db_begin(db, NULL), BGW_OK);
	assert_int_equal(db_exec(db, a, "t_throttle_add", 1, k, NULL), BGW_OK);
	assert_int_equal(db_exec(db, a, "t_throttle_add", 1, k, NULL), BGW_E_CONFLICT);
	/* The failed transaction must not look committed. */
	assert_int_equal(db_commit(db), BGW_E_INTERNAL);
	assert_int_equal(db_exec(db, a, "t_int", 1, bad, NULL), BGW_E_VALIDATION);
	db_rollback(db); /* outside a transaction: nothing happens */

	/* The backend dies under us: UNAVAILABLE, still UNAVAILABLE until db_ensure. */
	assert_int_equal(db_exec(db, a, "t_suicide", 0, NULL, NULL), BGW_E_UNAVAILABLE);
	assert_int_equal(db_exec(db, a, "health_ping", 0, NULL, NULL), BGW_E_UNAVAILABLE);
	assert_int_equal(db_ensure(db), BGW_OK);
	assert_int_equal(db_exec(db, a, "health_ping", 0, NULL, NULL), BGW_OK);
	db_close(db);
	bgw_arena_free(a);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(scratch) != NULL ? 0 : -1;
}

static int
rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d == NULL)
		return unlink(path);
	while ((de = readdir(d)) != NULL) {
		char sub[4096];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub))
			continue;
		rm_tree(sub);
	}
	closedir(d);
	return rmdir(path);
}

static int
teardown(void **state)
{
	(void)state;
	return rm_tree(scratch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_dir_is_io),
		cmocka_unit_test(malformed_dirs_are_refused),
		cmocka_unit_test(nul_byte_is_refused),
		cmocka_unit_test(unreachable_is_unavailable),
		/* In this order: each leaves the database as db/migrations describes it. */
		cmocka_unit_test(pg_all_migrations_apply),
		cmocka_unit_test(pg_rerun_applies_none),
		cmocka_unit_test(pg_changed_file_is_refused),
		cmocka_unit_test(pg_missing_file_is_refused),
		cmocka_unit_test(pg_failed_migration_leaves_nothing),
		cmocka_unit_test(pg_new_migration_applies_once),
		cmocka_unit_test(pg_app_cannot_create),
		cmocka_unit_test(pg_audit_events_are_append_only),
		cmocka_unit_test(pg_rls_hides_rows_without_user),
		cmocka_unit_test(pg_batch_listing_plans_cheaply),
		cmocka_unit_test(pg_projects_read_inline),
		cmocka_unit_test(pg_db_maps_errors_and_reconnects),
	};

	return cmocka_run_group_tests_name("migrate", tests, setup, teardown);
}
