/* worker.c - one worker process: accept FastCGI requests on the shared socket until told to
 * stop, serving each completely before looking at the stop flag (a drain never drops an
 * accepted request). */
#include "worker.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth/account.h"
#include "flow/audit.h"
#include "flow/auditview.h"
#include "flow/comment.h"
#include "records/confexport.h"
#include "flow/confflow.h"
#include "records/confimport.h"
#include "flow/confirmation.h"
#include "http/cookie.h"
#include "files/document.h"
#include "api/handlers.h"
#include "http/idempotency.h"
#include "auth/invite.h"
#include "http/jsonout.h"
#include "core/log.h"
#include "crypto/masterkey.h"
#include "auth/mfa.h"
#include "mail/outbox.h"
#include "auth/password.h"
#include "flow/project.h"
#include "route.h"
#include "files/scan.h"
#include "crypto/secretbox.h"
#include "store/stmt.h"
#include "auth/throttle.h"
#include "core/urlenc.h"
#include "flow/verifyref.h"
#include "mail/smtp.h"

#define QUERY_MAX_PAIRS 64
#define REQUEST_ID_BYTES 12
#define ACCEPT_RETRY_US 10000

static volatile sig_atomic_t stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
	FCGX_ShutdownPending();
}

static const db_stmt *const statement_tables[] = {stmt_core, stmt_outbox, stmt_audit,
	stmt_session, stmt_throttle, stmt_user, stmt_target, stmt_mfa, stmt_account, stmt_invite,
	stmt_project, stmt_operator, stmt_confirmation, stmt_confflow, stmt_idempotency,
	stmt_document, stmt_metrics, stmt_h_notify, stmt_auditview, stmt_comment, stmt_confexport,
	stmt_confimport, stmt_verifyref, stmt_bulkanswer, stmt_prefs, stmt_org, stmt_receiptpdf,
	stmt_certified, stmt_desk, /* lane rd: certified respondents, desks */
	stmt_unsub, NULL};

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	/* No SA_RESTART: a blocked accept must return so the worker can exit. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void
block_stop(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(how, &set, NULL);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static const char *
new_request_id(bgw_arena *a)
{
	unsigned char raw[REQUEST_ID_BYTES];
	char *hex = bgw_arena_alloc(a, sizeof(raw) * 2 + 1);

	if (hex == NULL || RAND_bytes(raw, sizeof(raw)) != 1)
		return "-";
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	return hex;
}

/* Fill r from the FastCGI parameters; a malformed query or cookie is a 400. */
static bgw_err
request_init(bgw_request *r, bgw_app *app, FCGX_Request *fr)
{
	const char *s;

	memset(r, 0, sizeof(*r));
	r->content_length = -1; /* until CONTENT_LENGTH is read: unknown, not 0 */
	r->app = app;
	r->a = app->arena;
	r->fcgi = fr;
	s = request_param(r, "REQUEST_ID");
	r->request_id = s != NULL && *s != '\0' ? bgw_arena_strdup(r->a, s) : new_request_id(r->a);
	/* Copies: the parameters die with FCGX_Finish_r, before the access line is written. */
	s = request_param(r, "REQUEST_METHOD");
	r->method = bgw_arena_strdup(r->a, s != NULL ? s : "GET");
	/* nginx's $document_uri: decoded and normalised, without the query. */
	s = request_param(r, "DOCUMENT_URI");
	r->path = bgw_arena_strdup(r->a, s != NULL ? s : "/");
	if (r->method == NULL || r->path == NULL)
		return BGW_E_NOMEM;
	r->content_type = request_param(r, "CONTENT_TYPE");
	if (r->content_type != NULL && *r->content_type == '\0')
		r->content_type = NULL;
	s = request_param(r, "CONTENT_LENGTH");
	r->content_length = -1;
	if (s != NULL && *s != '\0') {
		char *end;
		long long n = strtoll(s, &end, 10);

		if (*end != '\0' || n < 0)
			return BGW_E_BAD_REQUEST;
		r->content_length = n;
	}
	r->remote_addr = request_param(r, "REMOTE_ADDR");
	s = request_param(r, "QUERY_STRING");
	if (s != NULL && *s != '\0' &&
	    urlenc_parse(r->a, s, strlen(s), QUERY_MAX_PAIRS, &r->query) != BGW_OK)
		return BGW_E_BAD_REQUEST;
	s = request_param(r, "HTTP_COOKIE");
	if (s != NULL && cookie_parse(r->a, s, &r->cookies) != BGW_OK)
		return BGW_E_BAD_REQUEST;
	return BGW_OK;
}

/* libfcgi ends a connection with a "lingering close": it shuts down its side, then waits
 * (up to 2 s) for nginx to close the other, so that input it never read cannot reset the
 * connection under the answer.  Behind a busy nginx (ModSecurity runs its rules in nginx's
 * event loop) that wait held a worker ~24 ms per request, most of its time
 * (docs/performance.md).  Once the request's input has been read to its end nothing more
 * can come, so the worker closes at once: after FCGX_Detach, FCGX_Finish_r closes the
 * socket without the wait (libfcgi 2.4.2, FCGX_Free).
 *
 * A request known to have no body (a length of 0, or a GET or HEAD without one, which the
 * buffering locations of nginx always give a length) has only the empty STDIN record left,
 * sent with the parameters: reading it cannot wait on the client.  Anything else still
 * unread (a body refused before it was read, a streamed body of unknown length) keeps the
 * lingering close, whose wait is bounded. */
static void
close_without_linger_if_read(FCGX_Request *fr, const bgw_request *r)
{
	bool bodiless = r->content_length == 0 || (r->content_length < 0 && r->method != NULL &&
	    (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0));

	if (fr->keepConnection)
		return;
	if (FCGX_HasSeenEOF(fr->in) != EOF && !(bodiless && FCGX_GetChar(fr->in) == EOF))
		return;
	FCGX_Detach(fr);
}

static void
serve(bgw_app *app, FCGX_Request *fr)
{
	bgw_request r;
	double t0 = now_ms();
	bgw_err err = request_init(&r, app, fr);

	bgw_log_set_request(r.request_id);
	if (err == BGW_OK) {
		router_serve(&r);
	} else {
		json_t *e = jsonout_error(err, NULL);

		if (e == NULL || request_reply_json(&r, bgw_err_status(err), e) != BGW_OK)
			r.status = 500;
		json_decref(e);
	}
	request_send(&r);
	close_without_linger_if_read(fr, &r);
	FCGX_Finish_r(fr);
	bgw_log_access(r.method, r.path, r.status, now_ms() - t0, r.user_id);
	h_metrics_observe(&r, now_ms() - t0);
	bgw_log_set_request(NULL);
	/* Whatever the request left in a transaction (a handler bug) must not leak into the
	 * next one on this connection. */
	db_rollback(app->db);
	bgw_arena_reset(app->arena);
}

int
worker_run(const bgw_config *cfg, int listen_fd)
{
	FCGX_Request fr;
	bgw_app app;

	bgw_log_init("worker");
	install_signals();
	smtp_global_init();
	scan_set_timeout(cfg->request_timeout_ms);
	memset(&app, 0, sizeof(app));
	app.cfg = cfg;
	app.arena = bgw_arena_new();
	app.db = db_open(cfg->db, statement_tables);
	/* NULL when turned off (page_cache_entries = 0) or out of memory: every list then runs. */
	app.pages = pagecache_new((size_t)cfg->page_cache_entries, (size_t)cfg->page_cache_bytes);
	if (masterkey_load_all(cfg->master_key_file, &app.keys) != BGW_OK) {
		bgw_log(BGW_LOG_ERROR, "could not load the master keys from %s", cfg->master_key_file);
		return 1;
	}
	if ((app.blobs = blobstore_open_config(cfg)) == NULL || blobstore_prepare(app.blobs) != BGW_OK) {
		bgw_log(BGW_LOG_ERROR, "could not open the %s blob store", cfg->blob_backend);
		return 1;
	}
	{
		char path[CONFIG_PATH_MAX + 64];

		snprintf(path, sizeof(path), "%s/db/common-passwords.txt", cfg->srcdir);
		if (password_list_load(path, &app.passwords) != BGW_OK) {
			bgw_log(BGW_LOG_ERROR, "could not load the common-password list %s", path);
			return 1;
		}
	}
	if (app.arena == NULL || app.db == NULL || FCGX_Init() != 0 ||
	    FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not initialise worker");
		return 1;
	}
	/* Connect now so the first request is fast; if PostgreSQL is down, requests answer 503
	 * until it is back. */
	db_ensure(app.db);
	while (!stop_requested) {
		if (FCGX_Accept_r(&fr) < 0) {
			if (stop_requested)
				break;
			/* An accept error that is not a stop (EMFILE, ECONNABORTED): do not spin. */
			usleep(ACCEPT_RETRY_US);
			continue;
		}
		/* A stop during the request waits until the request is answered. */
		block_stop(SIG_BLOCK);
		serve(&app, &fr);
		block_stop(SIG_UNBLOCK);
	}
	FCGX_Free(&fr, 0);
	masterkey_wipe(&app.keys);
	blobstore_close(app.blobs);
	password_list_free(app.passwords);
	pagecache_free(app.pages);
	db_close(app.db);
	bgw_arena_free(app.arena);
	return 0;
}
