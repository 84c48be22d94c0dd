/*
 * baseline_pg_fcgi: the one-query benchmark baseline.
 *
 *   baseline_pg_fcgi SOCKET WORKERS CONNINFO
 *
 * It is baseline_fcgi plus exactly one PostgreSQL round trip per request: each pre-forked
 * worker opens one libpq connection (CONNINFO, e.g. "host=... dbname=bgw user=bgw_app"),
 * prepares one statement once, and for every request runs it with PQexecPrepared and answers
 * 200 {"ok":true,"rows":N} (503 if the query failed).  The statement is a primary-key lookup
 * on a table without row-level security, so the number measures what the database round trip
 * costs (libpq, the unix socket, the executor, an index probe) and nothing of our own code:
 * DB-bound routes of bgw-fcgi are read against it.  No transaction, no session lookup, no
 * JSON library: those are the application's work, which the ratio is meant to show.
 *
 * With bench_pad=N in the query string the answer is padded to N bytes of JSON (a "pad"
 * string, N up to BASELINE_PAD_MAX): the same query with an answer as large as the route's,
 * so that a ratio can also be read without the cost of moving a larger body through nginx,
 * TLS and the client (run.sh prints it as ratio_samebody).
 *
 * Like baseline_fcgi it reads and discards the body, binds SOCKET with mode 0660, does not
 * restart dead workers, and stops all on SIGTERM.  A lost connection is reset once per
 * request that finds it broken.
 */
#include <fcgiapp.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define BASELINE_BACKLOG 1024
#define BASELINE_MAX_WORKERS 256
#define BASELINE_READ_CHUNK 65536
#define BASELINE_REPLY_MAX 128
#define BASELINE_PAD_MAX (1024 * 1024)

#define STMT_NAME "bench_lookup"
/* A primary-key probe that finds nothing or one row; users has no row-level security. */
#define STMT_SQL "SELECT count(*) FROM users WHERE id = $1"
#define STMT_PARAM "bench-baseline-no-such-id"

static const char fail_reply[] =
	"Status: 503 Service Unavailable\r\n"
	"Content-Type: application/json\r\n"
	"\r\n"
	"{\"ok\":false}";

/* Connect and prepare; NULL (after a message on stderr) if either fails. */
static PGconn *
connect_db(const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *res;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "baseline_pg_fcgi: could not connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	res = PQprepare(c, STMT_NAME, STMT_SQL, 1, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "baseline_pg_fcgi: could not prepare: %s", PQerrorMessage(c));
		PQclear(res);
		PQfinish(c);
		return NULL;
	}
	PQclear(res);
	return c;
}

/* The one query of a request: the count it returns, or -1 on failure. */
static long
run_query(PGconn **c, const char *conninfo)
{
	const char *params[1] = {STMT_PARAM};
	PGresult *res;
	long n = -1;

	if (*c == NULL || PQstatus(*c) != CONNECTION_OK) {
		PQfinish(*c);
		*c = connect_db(conninfo);
		if (*c == NULL)
			return -1;
	}
	res = PQexecPrepared(*c, STMT_NAME, 1, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	else
		fprintf(stderr, "baseline_pg_fcgi: query failed: %s", PQerrorMessage(*c));
	PQclear(res);
	return n;
}

/* The N of bench_pad=N in the query string, or 0. */
static long
pad_wanted(FCGX_ParamArray envp)
{
	const char *q = FCGX_GetParam("QUERY_STRING", envp);
	const char *p = q != NULL ? strstr(q, "bench_pad=") : NULL;
	long n = p != NULL ? strtol(p + strlen("bench_pad="), NULL, 10) : 0;

	return n > 0 && n <= BASELINE_PAD_MAX ? n : 0;
}

/* {"ok":true,"rows":N,"pad":"xxx…"} of total bytes (at least the unpadded answer). */
static void
put_padded(FCGX_Stream *out, long rows, long total)
{
	static char xs[4096];
	char head[BASELINE_REPLY_MAX];
	int len = snprintf(head, sizeof(head),
	    "Status: 200 OK\r\nContent-Type: application/json\r\n\r\n"
	    "{\"ok\":true,\"rows\":%ld,\"pad\":\"", rows);
	long body = len - (long)strlen("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n");
	long left = total - body - 2; /* the closing quote and brace */

	if (xs[0] != 'x')
		memset(xs, 'x', sizeof(xs));
	FCGX_PutStr(head, len, out);
	while (left > 0) {
		int chunk = left > (long)sizeof(xs) ? (int)sizeof(xs) : (int)left;

		FCGX_PutStr(xs, chunk, out);
		left -= chunk;
	}
	FCGX_PutStr("\"}", 2, out);
}

static void
serve(int fd, const char *conninfo)
{
	FCGX_Request req;
	static char sink[BASELINE_READ_CHUNK];
	char reply[BASELINE_REPLY_MAX];
	PGconn *c = connect_db(conninfo);
	long n, pad;
	int len;

	if (FCGX_InitRequest(&req, fd, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(sink, sizeof(sink), req.in) > 0)
			;
		n = run_query(&c, conninfo);
		if (n < 0) {
			FCGX_PutStr(fail_reply, (int)sizeof(fail_reply) - 1, req.out);
		} else if ((pad = pad_wanted(req.envp)) > 0) {
			put_padded(req.out, n, pad);
		} else {
			len = snprintf(reply, sizeof(reply),
			    "Status: 200 OK\r\nContent-Type: application/json\r\n\r\n"
			    "{\"ok\":true,\"rows\":%ld}", n);
			FCGX_PutStr(reply, len, req.out);
		}
		/* Read to its end: close without libfcgi's lingering wait, as bgw-fcgi does
		 * (cgi/worker.c, close_without_linger_if_read). */
		if (FCGX_HasSeenEOF(req.in) == EOF)
			FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	PQfinish(c);
	_exit(0);
}

int
main(int argc, char **argv)
{
	pid_t pids[BASELINE_MAX_WORKERS];
	sigset_t stop;
	int workers, fd, i, sig;

	if (argc != 4) {
		fprintf(stderr, "usage: baseline_pg_fcgi SOCKET WORKERS CONNINFO\n");
		return 2;
	}
	workers = atoi(argv[2]);
	if (workers < 1 || workers > BASELINE_MAX_WORKERS) {
		fprintf(stderr, "baseline_pg_fcgi: workers must be 1..%d\n", BASELINE_MAX_WORKERS);
		return 2;
	}
	if (FCGX_Init() != 0)
		return 1;
	unlink(argv[1]);
	umask(007);
	fd = FCGX_OpenSocket(argv[1], BASELINE_BACKLOG);
	if (fd < 0) {
		fprintf(stderr, "baseline_pg_fcgi: could not listen on %s\n", argv[1]);
		return 1;
	}
	/* Block the stop signals before forking so none is lost; workers unblock them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	for (i = 0; i < workers; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			sigprocmask(SIG_UNBLOCK, &stop, NULL);
			serve(fd, argv[3]);
		}
		if (pids[i] < 0) {
			perror("baseline_pg_fcgi: could not fork");
			workers = i;
			break;
		}
	}
	sigwait(&stop, &sig);
	for (i = 0; i < workers; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < workers; i++)
		waitpid(pids[i], NULL, 0);
	unlink(argv[1]);
	return 0;
}
