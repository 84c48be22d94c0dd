/* test_db.c - db.c against a mocked libpq (-Wl,--wrap=PQ...): SQLSTATE mapping, preparing,
 * lost connections and reconnection, argument checks, result lifetime, transactions, and
 * that parameters never reach the log.  tests/unit/test_migrate.c runs db.c against a real
 * server as well. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "core/arena.h"
#include "store/db.h"

/* ---- the mock ------------------------------------------------------------------------ */

struct fake_res {
	ExecStatusType st;
	const char *sqlstate;
	const char *message;
	int nparams;
	const char *value; /* row 0, column 0; NULL for SQL NULL */
};

static struct {
	int connects, connect_fails, finishes;
	int conn_ok;
	int prepares, describes;
	const char *fail_prepare, *wrong_nparams;
	int execs;
	char last_name[64];
	char last_param[64];
	ExecStatusType exec_st;
	const char *exec_state, *exec_message, *fail_name;
	int exec_kills;
	int kill_commit;         /* the next COMMIT loses its answer (and the connection) */
	int xid_null;            /* the transaction wrote nothing: no xid */
	const char *xact_status; /* what pg_xact_status answers */
	int status_asks;
	int round_trips;
	int pipeline, queued, next, between, aborted, synced;
	struct {
		char name[64];
		char param[64];
		int n;
	} q[8];
	PGTransactionStatusType txn;
	int live; /* results not yet cleared */
} m;

static int fake_conn;

PGconn *__wrap_PQconnectdbParams(const char *const *k, const char *const *v, int expand);
ConnStatusType __wrap_PQstatus(const PGconn *c);
void __wrap_PQfinish(PGconn *c);
char *__wrap_PQerrorMessage(const PGconn *c);
PQnoticeProcessor __wrap_PQsetNoticeProcessor(PGconn *c, PQnoticeProcessor p, void *arg);
db_rows *__wrap_PQprepare(PGconn *c, const char *name, const char *sql, int n,
    const Oid *types);
db_rows *__wrap_PQdescribePrepared(PGconn *c, const char *name);
int __wrap_PQnparams(const db_rows *r);
db_rows *__wrap_PQexecPrepared(PGconn *c, const char *name, int n, const char *const *v,
    const int *l, const int *f, int rf);
ExecStatusType __wrap_PQresultStatus(const db_rows *r);
char *__wrap_PQresultErrorField(const db_rows *r, int field);
void __wrap_PQclear(db_rows *r);
PGTransactionStatusType __wrap_PQtransactionStatus(const PGconn *c);
char *__wrap_PQgetvalue(const db_rows *r, int row, int col);
int __wrap_PQgetisnull(const db_rows *r, int row, int col);
int __wrap_PQntuples(const db_rows *r);
int __wrap_PQenterPipelineMode(PGconn *c);
int __wrap_PQexitPipelineMode(PGconn *c);
int __wrap_PQsendQueryPrepared(PGconn *c, const char *name, int n, const char *const *v,
    const int *l, const int *f, int rf);
int __wrap_PQpipelineSync(PGconn *c);
db_rows *__wrap_PQgetResult(PGconn *c);
int __wrap_PQsocket(const PGconn *c);

static db_rows *
fake(ExecStatusType st, const char *sqlstate, const char *message, int nparams)
{
	struct fake_res *r = malloc(sizeof(*r));

	assert_non_null(r);
	r->st = st;
	r->sqlstate = sqlstate;
	r->message = message;
	r->nparams = nparams;
	r->value = "1";
	m.live++;
	return (db_rows *)r;
}

PGconn *
__wrap_PQconnectdbParams(const char *const *k, const char *const *v, int expand)
{
	int has_timeout = 0, jit_off = 0;

	assert_int_equal(expand, 1);
	for (size_t i = 0; k[i] != NULL; i++) {
		if (strcmp(k[i], "connect_timeout") == 0 && atoi(v[i]) > 0)
			has_timeout = 1;
		/* JIT off for every connection (docs/performance.md: 1-2 s per large read). */
		if (strcmp(k[i], "options") == 0 && strstr(v[i], "-c jit=off") != NULL)
			jit_off = 1;
	}
	assert_true(has_timeout);
	assert_true(jit_off);
	m.connects++;
	m.conn_ok = !m.connect_fails;
	return (PGconn *)&fake_conn;
}

ConnStatusType
__wrap_PQstatus(const PGconn *c)
{
	assert_ptr_equal(c, &fake_conn);
	return m.conn_ok ? CONNECTION_OK : CONNECTION_BAD;
}

void
__wrap_PQfinish(PGconn *c)
{
	assert_ptr_equal(c, &fake_conn);
	m.finishes++;
	m.pipeline = 0; /* the next connection starts out of pipeline mode */
}

char *
__wrap_PQerrorMessage(const PGconn *c)
{
	(void)c;
	return (char *)"mock error\n";
}

PQnoticeProcessor
__wrap_PQsetNoticeProcessor(PGconn *c, PQnoticeProcessor p, void *arg)
{
	(void)c;
	(void)p;
	(void)arg;
	return NULL;
}

db_rows *
__wrap_PQprepare(PGconn *c, const char *name, const char *sql, int n, const Oid *types)
{
	(void)c;
	(void)sql;
	(void)n;
	(void)types;
	m.prepares++;
	if (m.fail_prepare != NULL && strcmp(name, m.fail_prepare) == 0)
		return fake(PGRES_FATAL_ERROR, "42601", "syntax error", 0);
	return fake(PGRES_COMMAND_OK, NULL, NULL, 0);
}

/* The server's parameter count: the table's, except for wrong_nparams. */
static int table_nparams(const char *name);

db_rows *
__wrap_PQdescribePrepared(PGconn *c, const char *name)
{
	int n = table_nparams(name);

	(void)c;
	m.describes++;
	if (m.wrong_nparams != NULL && strcmp(name, m.wrong_nparams) == 0)
		n++;
	return fake(PGRES_COMMAND_OK, NULL, NULL, n);
}

int
__wrap_PQnparams(const db_rows *r)
{
	return ((const struct fake_res *)r)->nparams;
}

/* What the server does with one statement (both the plain and the pipelined path). */
static db_rows *
run(const char *name, int n, const char *const *v)
{
	db_rows *r;

	m.execs++;
	snprintf(m.last_name, sizeof(m.last_name), "%s", name);
	snprintf(m.last_param, sizeof(m.last_param), "%s", n > 0 && v[0] != NULL ? v[0] : "");
	if (strcmp(name, "db_xact_status") == 0)
		m.status_asks++;
	if (m.kill_commit && strcmp(name, "db_commit") == 0) {
		/* PostgreSQL may or may not have committed: the mock's xact_status says. */
		m.kill_commit = 0;
		m.conn_ok = 0;
		m.txn = PQTRANS_UNKNOWN;
		return fake(PGRES_FATAL_ERROR, NULL, "server closed the connection", 0);
	}
	if (m.exec_kills) {
		m.conn_ok = 0;
		return fake(PGRES_FATAL_ERROR, NULL, "server closed the connection", 0);
	}
	if (m.exec_st == PGRES_FATAL_ERROR &&
	    (m.fail_name == NULL || strcmp(m.fail_name, name) == 0)) {
		if (m.txn == PQTRANS_INTRANS)
			m.txn = PQTRANS_INERROR;
		return fake(PGRES_FATAL_ERROR, m.exec_state, m.exec_message, 0);
	}
	if (strcmp(name, "db_begin") == 0)
		m.txn = PQTRANS_INTRANS;
	else if (strcmp(name, "db_commit") == 0 || strcmp(name, "db_rollback") == 0)
		m.txn = PQTRANS_IDLE;
	r = fake(PGRES_TUPLES_OK, NULL, NULL, 0);
	if (strcmp(name, "db_xact_status") == 0)
		((struct fake_res *)r)->value = m.xact_status;
	else if (strcmp(name, "db_xact_id") == 0)
		((struct fake_res *)r)->value = m.xid_null ? NULL : "7341";
	return r;
}

db_rows *
__wrap_PQexecPrepared(PGconn *c, const char *name, int n, const char *const *v,
    const int *l, const int *f, int rf)
{
	assert_ptr_equal(c, &fake_conn);
	assert_false(m.pipeline); /* a plain call in pipeline mode is a libpq error */
	assert_true(m.conn_ok);
	assert_null(l);
	assert_null(f);
	assert_int_equal(rf, 0); /* text results */
	m.round_trips++;
	return run(name, n, v);
}

/* Pipeline mode: statements are queued and run when their results are read, in order;
 * after a failed one the rest are aborted, as PostgreSQL does. */
int
__wrap_PQenterPipelineMode(PGconn *c)
{
	assert_ptr_equal(c, &fake_conn);
	assert_false(m.pipeline);
	m.pipeline = 1;
	m.queued = m.next = 0;
	m.between = 0;
	m.aborted = 0;
	m.synced = 0;
	return 1;
}

int
__wrap_PQexitPipelineMode(PGconn *c)
{
	(void)c;
	/* libpq refuses while results are pending. */
	if (m.next < m.queued || m.synced)
		return 0;
	m.pipeline = 0;
	return 1;
}

int
__wrap_PQsendQueryPrepared(PGconn *c, const char *name, int n, const char *const *v,
    const int *l, const int *f, int rf)
{
	(void)c;
	(void)l;
	(void)f;
	(void)rf;
	assert_true(m.pipeline);
	assert_true(m.queued < (int)(sizeof(m.q) / sizeof(m.q[0])));
	snprintf(m.q[m.queued].name, sizeof(m.q[0].name), "%s", name);
	snprintf(m.q[m.queued].param, sizeof(m.q[0].param), "%s", n > 0 && v[0] != NULL ? v[0] : "");
	m.q[m.queued].n = n;
	m.queued++;
	return 1;
}

int
__wrap_PQpipelineSync(PGconn *c)
{
	(void)c;
	assert_true(m.pipeline);
	m.synced = 1;
	m.round_trips++;
	return 1;
}

db_rows *
__wrap_PQgetResult(PGconn *c)
{
	db_rows *r;

	(void)c;
	if (m.between) { /* each statement's results end with NULL */
		m.between = 0;
		return NULL;
	}
	if (m.next < m.queued) {
		const char *p = m.q[m.next].param;

		m.between = 1;
		if (!m.conn_ok) {
			m.next = m.queued;
			m.synced = 0;
			return NULL;
		}
		if (m.aborted) {
			m.next++;
			return fake(PGRES_PIPELINE_ABORTED, NULL, NULL, 0);
		}
		r = run(m.q[m.next].name, m.q[m.next].n, &p);
		m.next++;
		if (((struct fake_res *)r)->st == PGRES_FATAL_ERROR)
			m.aborted = 1;
		return r;
	}
	if (m.synced) {
		m.synced = 0;
		return fake(PGRES_PIPELINE_SYNC, NULL, NULL, 0);
	}
	return NULL;
}

ExecStatusType
__wrap_PQresultStatus(const db_rows *r)
{
	return r != NULL ? ((const struct fake_res *)r)->st : PGRES_FATAL_ERROR;
}

char *
__wrap_PQresultErrorField(const db_rows *r, int field)
{
	const struct fake_res *f = (const struct fake_res *)r;

	if (f == NULL)
		return NULL;
	if (field == PG_DIAG_SQLSTATE)
		return (char *)f->sqlstate;
	if (field == PG_DIAG_MESSAGE_PRIMARY)
		return (char *)f->message;
	return NULL;
}

void
__wrap_PQclear(db_rows *r)
{
	if (r == NULL)
		return;
	m.live--;
	free(r);
}

/* No real socket behind the fake connection: db_ensure's idle probe cannot tell, and
 * trusts PQstatus. */
int
__wrap_PQsocket(const PGconn *c)
{
	(void)c;
	return -1;
}

PGTransactionStatusType
__wrap_PQtransactionStatus(const PGconn *c)
{
	(void)c;
	return m.txn;
}

char *
__wrap_PQgetvalue(const db_rows *r, int row, int col)
{
	const struct fake_res *f = (const struct fake_res *)r;

	return row == 0 && col == 0 && f->value != NULL ? (char *)f->value : (char *)"";
}

int
__wrap_PQgetisnull(const db_rows *r, int row, int col)
{
	const struct fake_res *f = (const struct fake_res *)r;

	return !(row == 0 && col == 0) || f->value == NULL;
}

int
__wrap_PQntuples(const db_rows *r)
{
	(void)r;
	return 1;
}

/* ---- fixtures ------------------------------------------------------------------------ */

static const db_stmt table_a[] = {
	{"s_one", "SELECT $1::text", 1},
	{"s_two", "SELECT 2", 0},
	{NULL, NULL, 0},
};
static const db_stmt table_b[] = {
	{"s_three", "SELECT $1::text, $2::text", 2},
	{NULL, NULL, 0},
};
static const db_stmt *const tables[] = {table_a, table_b, NULL};
#define TABLE_STMTS 3
/* db_begin, db_commit, db_rollback, db_set_user, db_xact_id, db_xact_status,
 * db_generic_plans, db_auto_plans */
#define INTERNAL_STMTS 8

static int
table_nparams(const char *name)
{
	for (const db_stmt *const *t = tables; *t != NULL; t++)
		for (const db_stmt *s = *t; s->name != NULL; s++)
			if (strcmp(s->name, name) == 0)
				return s->nparams;
	return strcmp(name, "db_set_user") == 0 || strcmp(name, "db_xact_status") == 0 ? 1 : 0;
}

struct fixture {
	bgw_db *db;
	bgw_arena *a;
};

static int
setup(void **state)
{
	static struct fixture fx;

	memset(&m, 0, sizeof(m));
	m.txn = PQTRANS_IDLE;
	fx.db = db_open("host=/nowhere dbname=bgw", tables);
	fx.a = bgw_arena_new();
	if (fx.db == NULL || fx.a == NULL)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	db_close(fx->db);
	bgw_arena_free(fx->a);
	/* Every result the code obtained was released, by now at the latest. */
	return m.live == 0 ? 0 : -1;
}

/* ---- tests --------------------------------------------------------------------------- */

static void
sqlstate_mapping(void **state)
{
	static const struct {
		const char *state;
		bgw_err want;
	} cases[] = {
		{"23505", BGW_E_CONFLICT},
		{"40001", BGW_E_RETRY},
		{"40P01", BGW_E_RETRY},
		{"08000", BGW_E_UNAVAILABLE},
		{"08006", BGW_E_UNAVAILABLE},
		{"08P01", BGW_E_UNAVAILABLE},
		{"57P01", BGW_E_UNAVAILABLE},
		{"57P02", BGW_E_UNAVAILABLE},
		{"57P03", BGW_E_UNAVAILABLE},
		{"57014", BGW_E_INTERNAL}, /* query_canceled: not a lost server */
		{"22001", BGW_E_VALIDATION},
		{"22P02", BGW_E_VALIDATION},
		{"22012", BGW_E_VALIDATION},
		{"23502", BGW_E_VALIDATION},
		{"23503", BGW_E_VALIDATION},
		{"23514", BGW_E_VALIDATION},
		{"42501", BGW_E_INTERNAL},
		{"42P01", BGW_E_INTERNAL},
		{"XX000", BGW_E_INTERNAL},
		{"P0001", BGW_E_INTERNAL},
		{"40000", BGW_E_INTERNAL},
		{"2350", BGW_E_INTERNAL},
		{"235050", BGW_E_INTERNAL},
		{"", BGW_E_INTERNAL},
		{NULL, BGW_E_INTERNAL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(db_map_sqlstate(cases[i].state), cases[i].want);
}

static void
ensure_prepares_every_statement_once(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(m.connects, 0); /* db_open does not connect */
	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(m.connects, 1);
	assert_int_equal(m.prepares, TABLE_STMTS + INTERNAL_STMTS);
	assert_int_equal(m.describes, TABLE_STMTS + INTERNAL_STMTS);
	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(m.connects, 1);
	assert_int_equal(m.prepares, TABLE_STMTS + INTERNAL_STMTS);
}

static void
connect_failure_is_unavailable(void **state)
{
	struct fixture *fx = *state;

	m.connect_fails = 1;
	assert_int_equal(db_ensure(fx->db), BGW_E_UNAVAILABLE);
	assert_int_equal(m.prepares, 0);
	assert_int_equal(m.finishes, 1);
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_E_UNAVAILABLE);
	assert_int_equal(m.execs, 0);
	m.connect_fails = 0; /* PostgreSQL is back */
	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_OK);
}

static void
prepare_failure_is_internal(void **state)
{
	struct fixture *fx = *state;

	m.fail_prepare = "s_two";
	assert_int_equal(db_ensure(fx->db), BGW_E_INTERNAL);
	assert_int_equal(m.finishes, 1);
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_E_UNAVAILABLE);
	assert_int_equal(m.execs, 0);
}

static void
table_nparams_disagreeing_with_server_is_internal(void **state)
{
	struct fixture *fx = *state;

	m.wrong_nparams = "s_three";
	assert_int_equal(db_ensure(fx->db), BGW_E_INTERNAL);
	assert_int_equal(m.finishes, 1);
}

static void
unknown_statement_is_internal(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = {"x"};

	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(db_exec(fx->db, NULL, "no_such_statement", 0, NULL, NULL),
	    BGW_E_INTERNAL);
	assert_int_equal(db_exec(fx->db, NULL, "s_one_", 1, p, NULL), BGW_E_INTERNAL);
	assert_int_equal(db_exec(fx->db, NULL, NULL, 0, NULL, NULL), BGW_E_INTERNAL);
	assert_int_equal(m.execs, 0);
}

static void
nparams_mismatch_is_internal(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = {"a", "b"};
	db_rows *r = (db_rows *)&fake_conn;

	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(db_exec(fx->db, NULL, "s_one", 0, NULL, NULL), BGW_E_INTERNAL);
	assert_int_equal(db_exec(fx->db, NULL, "s_one", 2, p, NULL), BGW_E_INTERNAL);
	assert_int_equal(db_exec(fx->db, NULL, "s_three", 1, p, NULL), BGW_E_INTERNAL);
	assert_int_equal(db_exec(fx->db, NULL, "s_three", 2, NULL, NULL), BGW_E_INTERNAL);
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, &r), BGW_E_INTERNAL); /* no arena */
	assert_null(r);
	assert_int_equal(m.execs, 0);
	assert_int_equal(db_exec(fx->db, NULL, "s_three", 2, p, NULL), BGW_OK);
	assert_int_equal(m.execs, 1);
}

static void
sqlstate_of_failed_statement_is_mapped(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = {"x"};
	db_rows *r = (db_rows *)&fake_conn;

	assert_int_equal(db_ensure(fx->db), BGW_OK);
	m.exec_st = PGRES_FATAL_ERROR;
	m.exec_state = "23505";
	assert_int_equal(db_exec(fx->db, fx->a, "s_one", 1, p, &r), BGW_E_CONFLICT);
	assert_null(r);
	m.exec_state = "40001";
	assert_int_equal(db_exec(fx->db, fx->a, "s_one", 1, p, NULL), BGW_E_RETRY);
	m.exec_state = NULL; /* no SQLSTATE at all */
	assert_int_equal(db_exec(fx->db, fx->a, "s_one", 1, p, NULL), BGW_E_INTERNAL);
	/* An error that leaves the connection up keeps it. */
	assert_int_equal(m.finishes, 0);
	assert_int_equal(m.live, 0);
}

static void
lost_connection_then_reconnect(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(db_ensure(fx->db), BGW_OK);
	m.exec_kills = 1;
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_E_UNAVAILABLE);
	assert_int_equal(m.finishes, 1);
	assert_int_equal(m.execs, 1);
	/* No reconnect behind the caller's back (it may have been inside a transaction). */
	m.exec_kills = 0;
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_E_UNAVAILABLE);
	assert_int_equal(m.execs, 1);
	assert_int_equal(m.connects, 1);
	/* PostgreSQL down at first, then back. */
	m.connect_fails = 1;
	assert_int_equal(db_ensure(fx->db), BGW_E_UNAVAILABLE);
	m.connect_fails = 0;
	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(m.connects, 3);
	assert_int_equal(m.prepares, 2 * (TABLE_STMTS + INTERNAL_STMTS));
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_OK);
	assert_int_equal(m.execs, 2);
}

/* A table added after connecting (the migration runner's, once its table exists) is
 * prepared at once, known to db_exec from then on, and prepared again on a reconnect. */
static void
late_table_prepared_now_and_after_reconnect(void **state)
{
	static const db_stmt late[] = {{"s_late", "SELECT 3", 0}, {NULL, NULL, 0}};
	struct fixture *fx = *state;

	assert_int_equal(db_prepare(fx->db, late), BGW_E_UNAVAILABLE); /* not connected */
	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(db_exec(fx->db, NULL, "s_late", 0, NULL, NULL), BGW_E_INTERNAL);
	m.fail_prepare = "s_late";
	assert_int_equal(db_prepare(fx->db, late), BGW_E_INTERNAL);
	assert_int_equal(db_exec(fx->db, NULL, "s_late", 0, NULL, NULL), BGW_E_INTERNAL);
	m.fail_prepare = NULL;
	assert_int_equal(db_prepare(fx->db, late), BGW_OK);
	assert_int_equal(m.prepares, TABLE_STMTS + INTERNAL_STMTS + 2);
	assert_int_equal(db_exec(fx->db, NULL, "s_late", 0, NULL, NULL), BGW_OK);
	/* The connection is lost; the next one prepares the late table too. */
	m.exec_kills = 1;
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_E_UNAVAILABLE);
	m.exec_kills = 0;
	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(m.prepares, 2 * (TABLE_STMTS + INTERNAL_STMTS) + 3);
	assert_int_equal(db_exec(fx->db, NULL, "s_late", 0, NULL, NULL), BGW_OK);
}

static void
results_live_until_arena_reset(void **state)
{
	struct fixture *fx = *state;
	db_rows *r = NULL;

	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(m.live, 0);
	assert_int_equal(db_exec(fx->db, fx->a, "s_two", 0, NULL, &r), BGW_OK);
	assert_non_null(r);
	assert_int_equal(m.live, 1);
	assert_string_equal(db_value(r, 0, 0), "1");
	assert_string_equal(db_value(r, 5, 0), ""); /* out of range: "" not NULL */
	assert_int_equal(db_isnull(r, 0, 0), 0);
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_OK);
	assert_int_equal(m.live, 1); /* no res wanted: freed at once */
	bgw_arena_reset(fx->a);
	assert_int_equal(m.live, 0);
}

static void
begin_binds_user_for_row_security(void **state)
{
	struct fixture *fx = *state;

	/* db_begin connects if needed: the safe moment, no transaction can be lost. */
	assert_int_equal(db_begin(fx->db, "user-42"), BGW_OK);
	assert_int_equal(m.connects, 1);
	assert_int_equal(m.execs, 2);
	assert_string_equal(m.last_name, "db_set_user");
	assert_string_equal(m.last_param, "user-42");
	assert_int_equal(db_commit(fx->db), BGW_OK);
	assert_string_equal(m.last_name, "db_commit");
	assert_int_equal(m.execs, 4); /* the transaction id is asked first, for a lost answer */
	assert_int_equal(m.round_trips, 2); /* BEGIN with the user, the id with COMMIT */

	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	assert_int_equal(m.execs, 5);
	assert_string_equal(m.last_name, "db_begin");
	db_rollback(fx->db);
	assert_string_equal(m.last_name, "db_rollback");
	assert_int_equal(m.execs, 6);
}

static void
begin_fails_when_user_cannot_be_bound(void **state)
{
	struct fixture *fx = *state;

	m.exec_st = PGRES_FATAL_ERROR;
	m.exec_state = "XX000";
	m.fail_name = "db_set_user";
	assert_int_equal(db_begin(fx->db, "user-42"), BGW_E_INTERNAL);
	/* The half-open transaction was rolled back. */
	assert_string_equal(m.last_name, "db_rollback");
	assert_int_equal(m.txn, PQTRANS_IDLE);
}

static void
rollback_is_a_noop_outside_a_transaction(void **state)
{
	struct fixture *fx = *state;

	db_rollback(NULL);
	db_rollback(fx->db); /* not even connected */
	assert_int_equal(db_ensure(fx->db), BGW_OK);
	db_rollback(fx->db);
	assert_int_equal(m.execs, 0);
	m.txn = PQTRANS_INERROR;
	db_rollback(fx->db);
	assert_int_equal(m.execs, 1);
	assert_string_equal(m.last_name, "db_rollback");
}

static void
commit_refuses_failed_transaction(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	m.exec_st = PGRES_FATAL_ERROR;
	m.exec_state = "23505";
	m.fail_name = "s_two";
	assert_int_equal(db_exec(fx->db, NULL, "s_two", 0, NULL, NULL), BGW_E_CONFLICT);
	assert_int_equal(db_commit(fx->db), BGW_E_INTERNAL);
	assert_string_equal(m.last_name, "db_rollback");
	assert_int_equal(db_commit(fx->db), BGW_E_INTERNAL); /* none open */

	/* A serialization failure at COMMIT is the caller's cue to retry. */
	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	m.fail_name = "db_commit";
	m.exec_state = "40001";
	assert_int_equal(db_commit(fx->db), BGW_E_RETRY);
}

/* A batch runs in one round trip, hands out the results it was asked for, and stops at the
 * first failure: the statements after it are not run. */
static void
batch_runs_in_one_round_trip(void **state)
{
	struct fixture *fx = *state;
	const char *one[] = {"a"}, *three[] = {"b", "c"};
	db_rows *r1 = NULL, *r3 = NULL;
	const db_call calls[] = {
		{"s_one", 1, one, &r1},
		{"s_two", 0, NULL, NULL},
		{"s_three", 2, three, &r3},
	};

	assert_int_equal(db_ensure(fx->db), BGW_OK);
	assert_int_equal(db_exec_batch(fx->db, fx->a, calls, 3), BGW_OK);
	assert_int_equal(m.round_trips, 1);
	assert_int_equal(m.execs, 3);
	assert_non_null(r1);
	assert_non_null(r3);
	assert_int_equal(m.live, 2); /* s_two's result was not wanted: freed */
	bgw_arena_reset(fx->a);
	assert_int_equal(m.live, 0);

	m.exec_st = PGRES_FATAL_ERROR;
	m.exec_state = "23505";
	m.fail_name = "s_two";
	assert_int_equal(db_exec_batch(fx->db, fx->a, calls, 3), BGW_E_CONFLICT);
	assert_int_equal(m.execs, 5); /* s_three never ran */
	assert_null(r3);
	assert_false(m.pipeline); /* back to normal mode */
	bgw_arena_reset(fx->a);
	assert_int_equal(m.live, 0);

	/* A wrong call is refused before anything is sent. */
	const db_call bad[] = {{"s_one", 1, one, NULL}, {"s_one", 0, NULL, NULL}};
	assert_int_equal(db_exec_batch(fx->db, fx->a, bad, 2), BGW_E_INTERNAL);
	assert_int_equal(m.execs, 5);
}

/* A read of its own: the user bound first and the calls after it, in one round trip and
 * no BEGIN or COMMIT; refused inside a transaction, whose statements it would not join. */
static void
read_binds_user_without_begin(void **state)
{
	struct fixture *fx = *state;
	const char *one[] = {"a"};
	db_rows *r1 = NULL;
	const db_call calls[] = {{"s_one", 1, one, &r1}, {"s_two", 0, NULL, NULL}};
	const db_call too_many[DB_READ_MAX + 1] = {{"s_two", 0, NULL, NULL}};

	/* Connects if needed, like db_begin. */
	assert_int_equal(db_read(fx->db, fx->a, "user-7", calls, 2), BGW_OK);
	assert_int_equal(m.connects, 1);
	assert_int_equal(m.round_trips, 1);
	assert_int_equal(m.execs, 3); /* db_set_user, s_one, s_two: no db_begin */
	assert_string_equal(m.last_name, "s_two");
	assert_non_null(r1);
	assert_int_equal(m.txn, PQTRANS_IDLE);
	/* The binding is db_set_user with the user (the calls come after it). */
	assert_int_equal(db_read(fx->db, fx->a, "user-7", calls, 0), BGW_OK);
	assert_int_equal(m.execs, 4);
	assert_string_equal(m.last_name, "db_set_user");
	assert_string_equal(m.last_param, "user-7");

	/* Without a user: the calls alone (the session statement binds the user itself). */
	assert_int_equal(db_read(fx->db, fx->a, NULL, calls, 1), BGW_OK);
	assert_int_equal(m.execs, 5);
	assert_string_equal(m.last_name, "s_one");
	assert_string_equal(m.last_param, "a");

	assert_int_equal(db_read(fx->db, fx->a, NULL, too_many, DB_READ_MAX + 1), BGW_E_INTERNAL);
	assert_int_equal(m.execs, 5);

	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	assert_int_equal(db_read(fx->db, fx->a, "user-7", calls, 2), BGW_E_INTERNAL);
	assert_int_equal(m.execs, 6); /* only the BEGIN */
	db_rollback(fx->db);
}

/* A COMMIT whose answer is lost may have happened: the outcome is asked of PostgreSQL
 * once it answers again, so that a 503 ("nothing was stored") is never said of stored
 * work, and stored work is not reported as failed. */
static void
lost_commit_answer_is_resolved(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(db_begin(fx->db, "user-1"), BGW_OK);
	m.kill_commit = 1;
	m.xact_status = "committed";
	assert_int_equal(db_commit(fx->db), BGW_OK);
	assert_int_equal(m.connects, 2); /* reconnected to ask */
	assert_int_equal(m.status_asks, 1);
	assert_string_equal(m.last_param, "7341");

	m.txn = PQTRANS_IDLE;
	assert_int_equal(db_begin(fx->db, "user-1"), BGW_OK);
	m.kill_commit = 1;
	m.xact_status = "aborted";
	assert_int_equal(db_commit(fx->db), BGW_E_UNAVAILABLE);
	assert_int_equal(m.status_asks, 2);

	/* A transaction that wrote nothing has no id and nothing to resolve. */
	m.txn = PQTRANS_IDLE;
	assert_int_equal(db_begin(fx->db, "user-1"), BGW_OK);
	m.kill_commit = 1;
	m.xid_null = 1;
	assert_int_equal(db_commit(fx->db), BGW_E_UNAVAILABLE);
	assert_int_equal(m.status_asks, 2);
	assert_int_equal(m.connects, 3);
	assert_int_equal(m.live, 0);
}

/* Values quoted by the server in class 22/23 messages (and parameters) never reach the log. */
static void
parameters_never_logged(void **state)
{
	struct fixture *fx = *state;
	static const char *const states[] = {"22P02", "23505", "23514", "XX000", "40001"};
	const char *p[] = {"hunter2-secret"};
	char path[] = "/tmp/bgw-test-db-log.XXXXXX";
	char buf[8192];
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(db_ensure(fx->db), BGW_OK);
	m.exec_st = PGRES_FATAL_ERROR;
	m.exec_message = "invalid input syntax for type integer: \"hunter2-secret\"";
	assert_true(dup2(fd, 2) >= 0);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		m.exec_state = states[i];
		if (strcmp(states[i], "XX000") == 0 || strcmp(states[i], "40001") == 0)
			m.exec_message = "internal failure";
		assert_int_not_equal(db_exec(fx->db, NULL, "s_one", 1, p, NULL), BGW_OK);
	}
	m.exec_kills = 1;
	assert_int_equal(db_exec(fx->db, NULL, "s_one", 1, p, NULL), BGW_E_UNAVAILABLE);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_null(strstr(buf, "hunter2"));
	assert_non_null(strstr(buf, "s_one")); /* but the failures were logged */
	assert_non_null(strstr(buf, "22P02"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sqlstate_mapping),
		cmocka_unit_test_setup_teardown(ensure_prepares_every_statement_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(connect_failure_is_unavailable, setup, teardown),
		cmocka_unit_test_setup_teardown(prepare_failure_is_internal, setup, teardown),
		cmocka_unit_test_setup_teardown(table_nparams_disagreeing_with_server_is_internal,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_statement_is_internal, setup, teardown),
		cmocka_unit_test_setup_teardown(nparams_mismatch_is_internal, setup, teardown),
		cmocka_unit_test_setup_teardown(sqlstate_of_failed_statement_is_mapped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(lost_connection_then_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(late_table_prepared_now_and_after_reconnect, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(results_live_until_arena_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(begin_binds_user_for_row_security, setup, teardown),
		cmocka_unit_test_setup_teardown(begin_fails_when_user_cannot_be_bound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(rollback_is_a_noop_outside_a_transaction, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(commit_refuses_failed_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(batch_runs_in_one_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(read_binds_user_without_begin, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_commit_answer_is_resolved, setup, teardown),
		cmocka_unit_test_setup_teardown(parameters_never_logged, setup, teardown),
	};

	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
