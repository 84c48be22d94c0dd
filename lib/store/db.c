/* db.c - one libpq connection per process, its prepared statements, and error mapping.
 *
 * The connection is made lazily by db_ensure and dropped as soon as libpq reports it bad;
 * nothing reconnects in the middle of db_exec, because a fresh connection would silently
 * run the rest of a request outside the transaction it began in.  db_begin is the safe
 * place to reconnect, so it calls db_ensure.
 *
 * Parameters are never logged (they may be passwords or tokens), nor are server messages of
 * classes 22 and 23, which quote the offending value; the statement name, the SQLSTATE and
 * the constraint name say enough to find the bug.
 */
#include "store/db.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

/* Short enough that a worker answers 503 well before nginx gives up on it (seconds). */
#define DB_CONNECT_TIMEOUT "5"
/* TCP keepalives notice a PostgreSQL host that vanished without closing the connection
 * within idle + interval * count seconds, instead of the kernel's two hours. */
#define DB_KEEPALIVES_IDLE "30"
#define DB_KEEPALIVES_INTERVAL "10"
#define DB_KEEPALIVES_COUNT "3"
#define DB_APPLICATION_NAME "balance-gateway"
/* Every statement is prepared once and run with parameters that rarely change its best
 * plan (ids, optional filters); left to choose, PostgreSQL plans many of them afresh at
 * every execution (0.4 ms each, as long as the query itself).  Measured in tests/bench. */
/* No JIT: the row-level security policies' functions carry large cost estimates, so a
 * 20,000-row read (a desk's sheet of open requests) crossed jit_above_cost and spent 1-2 s
 * compiling to save milliseconds (docs/performance.md, "Row-level security at a desk's
 * scale").  The statements here are short OLTP queries; none gains from JIT. */
#define DB_OPTIONS "-c plan_cache_mode=force_generic_plan -c jit=off"
#define SQLSTATE_LEN 5
/* A COMMIT whose answer was lost (PostgreSQL stopped or the link broke while it ran) may
 * have happened or not.  Rather than answer 503 "nothing was stored" for work that was in
 * fact stored, the worker waits this long for PostgreSQL to come back and tell which. */
#define DB_COMMIT_RESOLVE_MS 15000
#define DB_COMMIT_RESOLVE_STEP_MS 200
#define DB_XID_MAX 24 /* a 64-bit xid8 in decimal, and its terminator */
/* Statement tables added after connecting (db_prepare): the migration runner's two. */
#define DB_LATE_TABLES_MAX 4

struct bgw_db {
	char *conninfo;
	const db_stmt *const *tables;
	/* Tables prepared by db_prepare once their objects exist; prepared again on reconnect. */
	const db_stmt *late[DB_LATE_TABLES_MAX];
	size_t nlate;
	const char *appname; /* application_name of the connection (a string literal) */
	const char *dbname;  /* NULL: conninfo's own database (db_set_database) */
	PGconn *conn; /* NULL: not connected, or dropped after a failure */
	bgw_arena *scratch; /* results db.c reads itself (db_commit), reset after each use */
};

/* Statements of db.c itself, prepared first on every connection.  Transaction control goes
 * through prepared statements too, so that nothing in lib/ ever sends SQL text. */
static const db_stmt db_internal[] = {
	{"db_begin", "BEGIN", 0},
	{"db_commit", "COMMIT", 0},
	{"db_rollback", "ROLLBACK", 0},
	/* is_local = true: the setting ends with the transaction, so a pooled connection never
	 * carries one request's user into the next (docs/field-notes.md). */
	{"db_set_user", "SELECT set_config('app.user_id', $1, true)", 1},
	/* NULL for a transaction that wrote nothing: no id is assigned just to ask. */
	{"db_xact_id", "SELECT pg_current_xact_id_if_assigned()::text", 0},
	{"db_xact_status", "SELECT pg_xact_status($1::xid8)", 1},
	/* For the statements that follow, until db_auto_plans or the end of the transaction:
	 * the plan made once per connection instead of one per call.  PostgreSQL keeps planning
	 * a statement whose LIMIT is a parameter at every call (a custom plan always looks
	 * cheaper than a generic one that cannot know the LIMIT). */
	{"db_generic_plans", "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", 0},
	{"db_auto_plans", "SELECT set_config('plan_cache_mode', 'auto', true)", 0},
	{NULL, NULL, 0},
};

bgw_db *
db_open(const char *conninfo, const db_stmt *const *tables)
{
	bgw_db *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->conninfo = strdup(conninfo != NULL ? conninfo : "");
	db->scratch = bgw_arena_new();
	if (db->conninfo == NULL || db->scratch == NULL) {
		free(db->conninfo);
		bgw_arena_free(db->scratch);
		free(db);
		return NULL;
	}
	db->tables = tables;
	db->appname = DB_APPLICATION_NAME;
	return db;
}

void
db_set_application_name(bgw_db *db, const char *name)
{
	db->appname = name;
}

void
db_set_database(bgw_db *db, const char *dbname)
{
	db->dbname = dbname;
}

/* s as libpq made it (freed with PQfreemem), copied into the arena. */
static char *
arena_copy(bgw_arena *a, char *s)
{
	char *copy = s != NULL ? bgw_arena_strndup(a, s, strlen(s)) : NULL;

	PQfreemem(s);
	return copy;
}

char *
db_quote_ident(bgw_db *db, bgw_arena *a, const char *name)
{
	if (db->conn == NULL)
		return NULL;
	return arena_copy(a, PQescapeIdentifier(db->conn, name, strlen(name)));
}

char *
db_quote_literal(bgw_db *db, bgw_arena *a, const char *value)
{
	if (db->conn == NULL)
		return NULL;
	return arena_copy(a, PQescapeLiteral(db->conn, value, strlen(value)));
}

char *
db_password_verifier(bgw_db *db, bgw_arena *a, const char *user, const char *password)
{
	if (db->conn == NULL)
		return NULL;
	return arena_copy(a, PQencryptPasswordConn(db->conn, password, user, "scram-sha-256"));
}

static void
drop_connection(bgw_db *db)
{
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
}

void
db_close(bgw_db *db)
{
	if (db == NULL)
		return;
	drop_connection(db);
	bgw_arena_free(db->scratch);
	free(db->conninfo);
	free(db);
}

/* Server notices (e.g. "there is no transaction in progress") go to our log, not to
 * libpq's default of raw text on stderr, which would break the one-JSON-line format. */
static void
log_notice(void *arg, const char *message)
{
	size_t len = strlen(message);

	(void)arg;
	while (len > 0 && message[len - 1] == '\n')
		len--;
	bgw_log(BGW_LOG_DEBUG, "postgresql notice: %.*s", (int)len, message);
}

/* The first table entry called name, or NULL. */
static const db_stmt *
find_stmt(const bgw_db *db, const char *name)
{
	const db_stmt *s;

	for (s = db_internal; s->name != NULL; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	for (size_t i = 0; i < db->nlate; i++)
		for (s = db->late[i]; s->name != NULL; s++)
			if (strcmp(s->name, name) == 0)
				return s;
	if (db->tables == NULL)
		return NULL;
	for (const db_stmt *const *t = db->tables; *t != NULL; t++)
		for (s = *t; s->name != NULL; s++)
			if (strcmp(s->name, name) == 0)
				return s;
	return NULL;
}

/* An error field of res, or dflt when res or the field is missing. */
static const char *
field_or(const PGresult *res, int field, const char *dflt)
{
	const char *v = res != NULL ? PQresultErrorField(res, field) : NULL;

	return v != NULL ? v : dflt;
}

/* Prepare one statement and check that the server counts the same parameters as the
 * table, so a wrong nparams is caught at start-up rather than on the first request. */
static bgw_err
prepare_one(PGconn *conn, const db_stmt *s)
{
	PGresult *res;
	int n;

	res = PQprepare(conn, s->name, s->sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		if (PQstatus(conn) != CONNECTION_OK) {
			PQclear(res);
			bgw_log(BGW_LOG_ERROR, "could not prepare statement %s: connection lost",
			    s->name);
			return BGW_E_UNAVAILABLE;
		}
		/* The message quotes the statement text at most, never a parameter. */
		bgw_log(BGW_LOG_ERROR, "could not prepare statement %s: %s (sqlstate %s)",
		    s->name, field_or(res, PG_DIAG_MESSAGE_PRIMARY, "no message"),
		    field_or(res, PG_DIAG_SQLSTATE, "none"));
		PQclear(res);
		return BGW_E_INTERNAL;
	}
	PQclear(res);

	res = PQdescribePrepared(conn, s->name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		if (PQstatus(conn) != CONNECTION_OK) {
			bgw_log(BGW_LOG_ERROR, "could not describe statement %s: connection lost",
			    s->name);
			return BGW_E_UNAVAILABLE;
		}
		bgw_log(BGW_LOG_ERROR, "could not describe statement %s", s->name);
		return BGW_E_INTERNAL;
	}
	n = PQnparams(res);
	PQclear(res);
	if (n != s->nparams) {
		bgw_log(BGW_LOG_ERROR, "cannot use statement %s: it takes %d parameters, its table "
		    "says %d", s->name, n, s->nparams);
		return BGW_E_INTERNAL;
	}
	return BGW_OK;
}

static bgw_err
prepare_table(PGconn *conn, const db_stmt *table)
{
	bgw_err e;

	for (const db_stmt *s = table; s->name != NULL; s++)
		if ((e = prepare_one(conn, s)) != BGW_OK)
			return e;
	return BGW_OK;
}

static bgw_err
prepare_all(const bgw_db *db, PGconn *conn)
{
	bgw_err e;

	if ((e = prepare_table(conn, db_internal)) != BGW_OK)
		return e;
	for (size_t i = 0; i < db->nlate; i++)
		if ((e = prepare_table(conn, db->late[i])) != BGW_OK)
			return e;
	if (db->tables == NULL)
		return BGW_OK;
	for (const db_stmt *const *t = db->tables; *t != NULL; t++)
		for (const db_stmt *s = *t; s->name != NULL; s++)
			if ((e = prepare_one(conn, s)) != BGW_OK)
				return e;
	return BGW_OK;
}

/* Is the server still at the other end of an idle connection?  Between transactions the
 * server sends nothing of its own accord (no LISTEN here), so anything readable on the
 * socket - the FATAL message of a shutdown or a terminated backend, or the end of the
 * stream - means it has gone.  libpq itself notices only when the next statement fails,
 * which would fail the request that sent it, possibly long after PostgreSQL is back; found
 * here, where no transaction is open, the connection is simply made again.  A connection in
 * a transaction is never judged: it must not be swapped under the work it holds. */
static bool
idle_connection_alive(PGconn *conn)
{
	struct pollfd pfd;

	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		return true;
	pfd.fd = PQsocket(conn);
	pfd.events = POLLIN;
	pfd.revents = 0;
	/* No socket: libpq has already marked the connection bad, which PQstatus reports. */
	if (pfd.fd < 0)
		return true;
	/* Zero timeout: a look, never a wait.  A failed poll (EINTR) proves nothing. */
	return poll(&pfd, 1, 0) <= 0;
}

bgw_err
db_ensure(bgw_db *db)
{
	/* Entries before dbname are defaults that the configured conninfo may override;
	 * expand_dbname = 1 lets dbname carry a whole conninfo string or URI. */
	/* A second dbname (db_set_database) replaces the database only. */
	const char *const keys[] = {"connect_timeout", "keepalives", "keepalives_idle",
	    "keepalives_interval", "keepalives_count", "application_name", "options", "dbname",
	    db->dbname != NULL ? "dbname" : NULL, NULL};
	const char *const values[] = {DB_CONNECT_TIMEOUT, "1", DB_KEEPALIVES_IDLE,
	    DB_KEEPALIVES_INTERVAL, DB_KEEPALIVES_COUNT, db->appname, DB_OPTIONS,
	    db->conninfo, db->dbname, NULL};
	PGconn *conn;
	bgw_err e;

	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK) {
		if (idle_connection_alive(db->conn))
			return BGW_OK;
		bgw_log(BGW_LOG_WARN, "postgresql closed the connection; reconnecting");
	}
	drop_connection(db);

	conn = PQconnectdbParams(keys, values, 1);
	if (conn == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not connect to postgresql: out of memory");
		return BGW_E_NOMEM;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		/* libpq's message names the host and the reason, never the password. */
		bgw_log(BGW_LOG_ERROR, "could not connect to postgresql: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return BGW_E_UNAVAILABLE;
	}
	PQsetNoticeProcessor(conn, log_notice, NULL);
	if ((e = prepare_all(db, conn)) != BGW_OK) {
		PQfinish(conn);
		return e;
	}
	db->conn = conn;
	return BGW_OK;
}

bgw_err
db_prepare(bgw_db *db, const db_stmt *table)
{
	bgw_err e;

	if (db->conn == NULL)
		return BGW_E_UNAVAILABLE;
	if (db->nlate == DB_LATE_TABLES_MAX) {
		bgw_log(BGW_LOG_ERROR, "cannot prepare a statement table: already %d added",
		    DB_LATE_TABLES_MAX);
		return BGW_E_INTERNAL;
	}
	if ((e = prepare_table(db->conn, table)) != BGW_OK) {
		if (e == BGW_E_UNAVAILABLE)
			drop_connection(db);
		return e;
	}
	db->late[db->nlate++] = table;
	return BGW_OK;
}

bgw_err
db_map_sqlstate(const char *sqlstate)
{
	if (sqlstate == NULL || strlen(sqlstate) != SQLSTATE_LEN)
		return BGW_E_INTERNAL;
	if (strcmp(sqlstate, "23505") == 0)
		return BGW_E_CONFLICT;
	if (strcmp(sqlstate, "40001") == 0 || strcmp(sqlstate, "40P01") == 0)
		return BGW_E_RETRY;
	if (strncmp(sqlstate, "08", 2) == 0 || strncmp(sqlstate, "57P0", 4) == 0)
		return BGW_E_UNAVAILABLE;
	if (strncmp(sqlstate, "22", 2) == 0 || strncmp(sqlstate, "23", 2) == 0)
		return BGW_E_VALIDATION;
	return BGW_E_INTERNAL;
}

/* The error of a failed result res of statement name (res may be NULL: libpq could not
 * even build one).  Drops the connection when libpq says it is gone. */
static bgw_err
result_error(bgw_db *db, const char *name, const PGresult *res)
{
	const char *state;
	bgw_err e;

	if (PQstatus(db->conn) != CONNECTION_OK) {
		bgw_log(BGW_LOG_ERROR, "could not run statement %s: connection lost", name);
		drop_connection(db);
		return BGW_E_UNAVAILABLE;
	}
	if (res == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not run statement %s: out of memory", name);
		return BGW_E_NOMEM;
	}
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	e = db_map_sqlstate(state);
	if (state != NULL && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)) {
		/* These messages quote values: log the constraint instead. */
		bgw_log(BGW_LOG_WARN, "could not run statement %s: sqlstate %s, constraint %s",
		    name, state, field_or(res, PG_DIAG_CONSTRAINT_NAME, "none"));
	} else {
		bgw_log(e == BGW_E_RETRY ? BGW_LOG_WARN : BGW_LOG_ERROR,
		    "could not run statement %s: %s (sqlstate %s)", name,
		    field_or(res, PG_DIAG_MESSAGE_PRIMARY, "no message"),
		    state != NULL ? state : "none");
	}
	return e;
}

static void
clear_result(void *res)
{
	PQclear(res);
}

/* Is this a call the statement tables allow?  BGW_E_INTERNAL (logged) if not. */
static bgw_err
check_call(const bgw_db *db, const bgw_arena *a, const char *name, int nparams,
    const char *const *params, bool wants_result)
{
	const db_stmt *s;

	if (name == NULL || (s = find_stmt(db, name)) == NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot run statement %s: unknown",
		    name != NULL ? name : "(null)");
		return BGW_E_INTERNAL;
	}
	if (nparams != s->nparams || (nparams > 0 && params == NULL)) {
		bgw_log(BGW_LOG_ERROR, "cannot run statement %s: called with %d parameters, "
		    "takes %d", name, nparams, s->nparams);
		return BGW_E_INTERNAL;
	}
	if (wants_result && a == NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot run statement %s: no arena to hold its result",
		    name);
		return BGW_E_INTERNAL;
	}
	return BGW_OK;
}

/* Hand a successful result r to the caller through *res (owned by the arena), or free it. */
static bgw_err
keep_result(bgw_arena *a, PGresult *r, PGresult **res)
{
	if (res == NULL) {
		PQclear(r);
		return BGW_OK;
	}
	/* On failure the hook has already cleared r. */
	if (bgw_arena_on_reset(a, clear_result, r) != 0)
		return BGW_E_NOMEM;
	*res = r;
	return BGW_OK;
}

static bool
succeeded(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);

	return r != NULL && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

bgw_err
db_exec(bgw_db *db, bgw_arena *a, const char *name, int nparams,
    const char *const *params, PGresult **res)
{
	PGresult *r;
	bgw_err e;

	if (res != NULL)
		*res = NULL;
	if ((e = check_call(db, a, name, nparams, params, res != NULL)) != BGW_OK)
		return e;
	if (db->conn == NULL)
		return BGW_E_UNAVAILABLE;

	r = PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0);
	if (!succeeded(r)) {
		e = result_error(db, name, r);
		PQclear(r);
		return e;
	}
	return keep_result(a, r, res);
}

bgw_err
db_run_script(bgw_db *db, const char *what, const char *sql)
{
	PGresult *r;
	ExecStatusType st;
	bgw_err e;

	if (db->conn == NULL)
		return BGW_E_UNAVAILABLE;
	/* The one place in the project that sends SQL text (see db.h): the simple-query
	 * protocol is the only one that takes a file of many statements. */
	r = PQexec(db->conn, sql);
	st = PQresultStatus(r);
	if (r != NULL && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
	    st == PGRES_EMPTY_QUERY)) {
		PQclear(r);
		return BGW_OK;
	}
	if (PQstatus(db->conn) != CONNECTION_OK || r == NULL) {
		e = result_error(db, what, r);
		PQclear(r);
		return e;
	}
	/* A script is our own file and holds no secrets: the whole message and the position
	 * in the file say where it went wrong. */
	e = db_map_sqlstate(PQresultErrorField(r, PG_DIAG_SQLSTATE));
	bgw_log(BGW_LOG_ERROR, "could not %s: %s (sqlstate %s%s%s)", what,
	    field_or(r, PG_DIAG_MESSAGE_PRIMARY, "no message"),
	    field_or(r, PG_DIAG_SQLSTATE, "none"),
	    PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) != NULL ? ", at character " : "",
	    field_or(r, PG_DIAG_STATEMENT_POSITION, ""));
	PQclear(r);
	return e;
}

/* The pipeline broke in a way that leaves libpq's state unknown: start afresh. */
static bgw_err
pipeline_lost(bgw_db *db, const char *what)
{
	bgw_log(BGW_LOG_ERROR, "could not run a batch of statements: %s", what);
	drop_connection(db);
	return BGW_E_UNAVAILABLE;
}

bgw_err
db_exec_batch(bgw_db *db, bgw_arena *a, const db_call *calls, size_t n)
{
	bgw_err first = BGW_OK, e;
	PGresult *r;

	for (size_t i = 0; i < n; i++) {
		if (calls[i].res != NULL)
			*calls[i].res = NULL;
		if ((e = check_call(db, a, calls[i].name, calls[i].nparams, calls[i].params,
		    calls[i].res != NULL)) != BGW_OK)
			return e;
	}
	if (db->conn == NULL)
		return BGW_E_UNAVAILABLE;
	if (PQenterPipelineMode(db->conn) != 1)
		return pipeline_lost(db, "cannot enter pipeline mode");
	for (size_t i = 0; i < n; i++)
		if (PQsendQueryPrepared(db->conn, calls[i].name, calls[i].nparams, calls[i].params,
		    NULL, NULL, 0) != 1)
			return pipeline_lost(db, "cannot send");
	if (PQpipelineSync(db->conn) != 1)
		return pipeline_lost(db, "cannot send");
	/* Each statement's result is followed by a NULL; after a failure the rest come back
	 * PGRES_PIPELINE_ABORTED.  The first failure is the answer. */
	for (size_t i = 0; i < n; i++) {
		r = PQgetResult(db->conn);
		if (succeeded(r)) {
			e = first == BGW_OK ? keep_result(a, r, calls[i].res) : BGW_OK;
			if (first != BGW_OK)
				PQclear(r);
			if (first == BGW_OK && e != BGW_OK)
				first = e;
		} else {
			if (first == BGW_OK)
				first = PQresultStatus(r) == PGRES_PIPELINE_ABORTED ? BGW_E_INTERNAL :
				    result_error(db, calls[i].name, r);
			PQclear(r);
			if (db->conn == NULL) /* result_error found the connection gone */
				return first;
		}
		if (r == NULL)
			return pipeline_lost(db, "the connection ended");
		if ((r = PQgetResult(db->conn)) != NULL) {
			PQclear(r);
			return pipeline_lost(db, "more than one result for a statement");
		}
	}
	r = PQgetResult(db->conn);
	if (PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
		PQclear(r);
		return pipeline_lost(db, "no end of the batch");
	}
	PQclear(r);
	if (PQexitPipelineMode(db->conn) != 1)
		return pipeline_lost(db, "cannot leave pipeline mode");
	return first;
}

bgw_err
db_begin(bgw_db *db, const char *user_id)
{
	const char *params[] = {user_id};
	const db_call set_user = {"db_set_user", 1, params, NULL};

	return db_begin_with(db, NULL, &set_user, user_id != NULL ? 1 : 0);
}

bgw_err
db_begin_with(bgw_db *db, bgw_arena *a, const db_call *calls, size_t n)
{
	db_call all[DB_BEGIN_WITH_MAX + 1] = {{"db_begin", 0, NULL, NULL}};
	bgw_err e;

	if (n > DB_BEGIN_WITH_MAX)
		return BGW_E_INTERNAL;
	memcpy(all + 1, calls, n * sizeof(*calls));
	if ((e = db_ensure(db)) != BGW_OK)
		return e;
	/* BEGIN and what the transaction starts with, in one round trip. */
	e = db_exec_batch(db, a, all, n + 1);
	if (e != BGW_OK)
		db_rollback(db);
	return e;
}

bgw_err
db_read(bgw_db *db, bgw_arena *a, const char *user_id, const db_call *calls, size_t n)
{
	const char *params[] = {user_id};
	db_call all[DB_READ_MAX + 1] = {{"db_set_user", 1, params, NULL}};
	const size_t first = user_id != NULL ? 1 : 0;
	bgw_err e;

	if (n > DB_READ_MAX)
		return BGW_E_INTERNAL;
	if ((e = db_ensure(db)) != BGW_OK)
		return e;
	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
		bgw_log(BGW_LOG_ERROR, "db_read inside an open transaction");
		return BGW_E_INTERNAL;
	}
	memcpy(all + first, calls, n * sizeof(*calls));
	return db_exec_batch(db, a, all, first + n);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After the answer to COMMIT of transaction xid was lost: reconnect and ask PostgreSQL
 * whether it committed.  BGW_OK if it did, BGW_E_UNAVAILABLE if it did not or if nobody
 * can tell within DB_COMMIT_RESOLVE_MS (logged: the one case where a 503 may hide a
 * stored change, which an Idempotency-Key retry then finds). */
static bgw_err
resolve_lost_commit(bgw_db *db, const char *xid)
{
	const long long deadline = now_ms() + DB_COMMIT_RESOLVE_MS;
	const struct timespec step = {0, DB_COMMIT_RESOLVE_STEP_MS * 1000000L};
	const char *params[] = {xid};

	bgw_log(BGW_LOG_WARN, "commit of transaction %s lost its answer; asking postgresql", xid);
	do {
		PGresult *res;
		const char *status = NULL;

		if (db_ensure(db) == BGW_OK) {
			res = PQexecPrepared(db->conn, "db_xact_status", 1, params, NULL, NULL, 0);
			if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
				status = PQgetvalue(res, 0, 0);
			else if (PQstatus(db->conn) != CONNECTION_OK)
				drop_connection(db);
			if (status != NULL && strcmp(status, "committed") == 0) {
				PQclear(res);
				bgw_log(BGW_LOG_WARN, "transaction %s did commit", xid);
				return BGW_OK;
			}
			if (status != NULL && strcmp(status, "aborted") == 0) {
				PQclear(res);
				bgw_log(BGW_LOG_WARN, "transaction %s did not commit", xid);
				return BGW_E_UNAVAILABLE;
			}
			PQclear(res);
		}
		nanosleep(&step, NULL);
	} while (now_ms() < deadline);
	bgw_log(BGW_LOG_ERROR, "could not learn whether transaction %s committed: "
	    "postgresql did not come back in time", xid);
	return BGW_E_UNAVAILABLE;
}

bgw_err
db_commit(bgw_db *db)
{
	PGTransactionStatusType ts;
	char xid[DB_XID_MAX];
	PGresult *idres = NULL;
	const db_call calls[] = {
		{"db_xact_id", 0, NULL, &idres},
		{"db_commit", 0, NULL, NULL},
	};
	bgw_err e;

	if (db->conn == NULL)
		return BGW_E_UNAVAILABLE;
	ts = PQtransactionStatus(db->conn);
	/* COMMIT of a failed transaction "succeeds" with a ROLLBACK tag: refuse it here, so a
	 * caller that ignored an error cannot believe its work was stored. */
	if (ts == PQTRANS_INERROR) {
		bgw_log(BGW_LOG_ERROR, "cannot commit: the transaction failed earlier");
		db_rollback(db);
		return BGW_E_INTERNAL;
	}
	if (ts != PQTRANS_INTRANS) {
		bgw_log(BGW_LOG_ERROR, "cannot commit: no transaction is open");
		return BGW_E_INTERNAL;
	}
	/* The transaction's id is asked in the same round trip, just before COMMIT: should
	 * COMMIT's answer be lost, it names the transaction to look up. */
	e = db_exec_batch(db, db->scratch, calls, 2);
	xid[0] = '\0';
	if (idres != NULL && PQntuples(idres) == 1 && !PQgetisnull(idres, 0, 0))
		snprintf(xid, sizeof(xid), "%s", PQgetvalue(idres, 0, 0));
	bgw_arena_reset(db->scratch);
	if (e == BGW_E_UNAVAILABLE && xid[0] != '\0')
		return resolve_lost_commit(db, xid);
	if (e != BGW_OK)
		db_rollback(db);
	return e;
}

void
db_rollback(bgw_db *db)
{
	PGTransactionStatusType ts;

	if (db == NULL || db->conn == NULL)
		return;
	ts = PQtransactionStatus(db->conn);
	if (ts == PQTRANS_UNKNOWN) {
		drop_connection(db);
		return;
	}
	if (ts != PQTRANS_INTRANS && ts != PQTRANS_INERROR)
		return;
	(void)db_exec(db, NULL, "db_rollback", 0, NULL, NULL);
}

const char *
db_value(const PGresult *res, int r, int c)
{
	const char *v = PQgetvalue(res, r, c);

	return v != NULL ? v : "";
}

long long
db_int(const PGresult *res, int r, int c)
{
	const char *v = db_value(res, r, c);
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	return *v == '\0' || *end != '\0' || errno != 0 ? 0 : n;
}

int
db_isnull(const PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c);
}

int
db_nrows(const PGresult *res)
{
	return PQntuples(res);
}

int
db_ncols(const PGresult *res)
{
	return PQnfields(res);
}

long long
db_affected(const PGresult *res)
{
	return strtoll(PQcmdTuples((PGresult *)res), NULL, 10);
}

bgw_err
db_ping(bgw_db *db, bgw_arena *a)
{
	bgw_err err = db_ensure(db);

	return err == BGW_OK ? db_exec(db, a, "health_ping", 0, NULL, NULL) : err;
}

const char **
db_column(bgw_arena *a, const db_rows *res, int c, int *n)
{
	int rows = db_nrows(res);
	const char **list = bgw_arena_alloc(a, sizeof(*list) * (size_t)(rows + 1));

	if (list == NULL)
		return NULL;
	for (int i = 0; i < rows; i++)
		list[i] = db_value(res, i, c);
	list[rows] = NULL;
	if (n != NULL)
		*n = rows;
	return list;
}
