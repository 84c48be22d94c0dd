/* request.h - one FastCGI request as the router and handlers see it.
 *
 * Everything hangs off the per-request arena `a`, reset when the request ends.  Handlers get
 * typed, validated input (fields, path parameters) and return a bgw_err; only the router
 * renders errors.
 */
#ifndef BGW_REQUEST_H
#define BGW_REQUEST_H

#include <fcgiapp.h>
#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/config.h"
#include "files/blobstore.h"
#include "store/db.h"
#include "core/err.h"
#include "http/fields.h"
#include "core/kv.h"
#include "crypto/masterkey.h"
#include "http/pagecache.h"
#include "auth/session.h"
#include "auth/target.h"
#include "auth/user.h"
#include "flow/audit.h"

#define REQUEST_MAX_PATH_PARAMS 4
#define REQUEST_MAX_HEADERS 16
#define REQUEST_MAX_KEPT_EVENTS 2

struct route;

/* What the process keeps between requests: built once at start-up. */
typedef struct bgw_app {
	const bgw_config *cfg;
	bgw_db *db;
	bgw_arena *arena;
	masterkeys keys;             /* wrap file keys and MFA secrets; never logged */
	blobstore *blobs;            /* where encrypted documents live */
	struct password_list *passwords; /* the common-password list */
	pagecache *pages;            /* list pages answered lately (h_conf_list); NULL: none */
} bgw_app;

typedef struct bgw_request {
	bgw_app *app;
	bgw_arena *a;
	FCGX_Request *fcgi;
	const char *request_id;
	const char *method;
	const char *path;            /* decoded path, without query */
	const char *content_type;    /* NULL if none */
	long long content_length;    /* -1 if not given */
	const char *remote_addr;
	bgw_kv *query;
	policy_subject subject;      /* the user as the policy layer saw them (signed-in routes) */
	bgw_kv *cookies;
	const char *path_params[REQUEST_MAX_PATH_PARAMS];
	const struct route *route;   /* the matched route (route.h): its declared transaction
	                              * mode is the one the handler runs in */
	const char *body_read;       /* the start of the body the router read to find a
	                              * multipart form's CSRF token; request_body_get gives
	                              * it again before the rest of the stream */
	size_t body_read_len, body_read_off;

	/* parsed body, per the route's declared body kind */
	json_t *json;
	bgw_kv *form;
	field_value *fields;
	bgw_kv *field_errors;        /* for a 422 */

	/* the signed-in user, once the session layer has run */
	const char *user_id;
	const char *session_token;   /* the cookie value (never logged) */
	bgw_session session;
	bgw_user user;
	bgw_target target;           /* what the route's path parameter names */
	audit_event kept[REQUEST_MAX_KEPT_EVENTS]; /* request_keep_event */
	int nkept;

	/* response */
	int status;
	const char *resp_type;       /* Content-Type */
	const char *resp_headers[REQUEST_MAX_HEADERS];  /* "Name: value" lines */
	int nresp_headers;
	const char *resp_body;
	size_t resp_len;
	const char *resp_gzipped;    /* a gzip body: sent with Content-Encoding: gzip while it
	                              * is still resp_body (an error answer replaces it) */
	bool headers_sent;           /* a handler that streams has already answered */
} bgw_request;

/* A FastCGI parameter of the request (e.g. "HTTP_ORIGIN"), or NULL. */
const char *request_param(const bgw_request *r, const char *name);

/* Add a response header line "Name: value" (copied).  Returns BGW_E_NOMEM or
 * BGW_E_INTERNAL when the line holds CR/LF (header injection) or the list is full. */
bgw_err request_add_header(bgw_request *r, const char *name, const char *value);

/* Answer status with a JSON body built from v (not consumed). */
bgw_err request_reply_json(bgw_request *r, int status, const json_t *v);

/* Answer status with JSON text already written (lib/http/jsonw.h), len bytes the arena owns. */
void request_reply_json_text(bgw_request *r, int status, const char *text, size_t len);

/* The same for JSON text gzip-encoded (lib/core/gzip.h), for a client that accepts gzip. */
void request_reply_json_gzip(bgw_request *r, int status, const char *gz, size_t len);

/* Fail field `name` with `reason` (a 422 listing it); returns BGW_E_VALIDATION. */
bgw_err request_field_error(bgw_request *r, const char *name, const char *reason);

/* page and per_page from the query (docs/api.md: from 1; default 50, at most 500).
 * BGW_E_VALIDATION for values out of range or not numbers. */
bgw_err request_paging(bgw_request *r, long long *page, long long *per_page);

/* Up to cap bytes of the request body, as FCGX_GetStr reads them (fewer only at its end;
 * 0 at the end, negative on a stream error): what the router already read of it first.
 * Every reader of the body goes through here. */
int request_body_get(bgw_request *r, char *buf, int cap);

/* Record ev whatever the request's outcome: with the request's transaction when it
 * commits, else (rolled back, or none) in a transaction of its own that the router opens
 * after the rollback.  For the refusal of what the request tried, e.g. an infected upload
 * (doc.infected).  Copies ev's strings; BGW_E_NOMEM, or BGW_E_INTERNAL past
 * REQUEST_MAX_KEPT_EVENTS. */
bgw_err request_keep_event(bgw_request *r, const audit_event *ev);

/* Read the whole request body, at most max bytes: BGW_E_TOO_LARGE beyond, BGW_E_BAD_REQUEST
 * if shorter than Content-Length.  *buf is arena memory, NUL-terminated. */
bgw_err request_read_body(bgw_request *r, long long max, char **buf, size_t *len);

/* Write one header line "Name: value" straight to a FastCGI stream (for handlers that stream
 * their answer).  FCGX_FPrintF is never used: its own formatter lacks %zu. */
void request_put_header(FCGX_Stream *out, const char *name, const char *value);

/* The head of a streamed 200 download (the body follows on r->fcgi->out): no-store, since
 * every download holds confirmation data; disposition "inline" or "attachment"; name the
 * header-safe file name.  BGW_E_NOMEM for a NULL name (a failed arena copy). */
bgw_err request_start_download(bgw_request *r, const char *type, const char *disposition,
    const char *name);

/* Send status line, headers and body of r to the client. */
void request_send(bgw_request *r);

#endif
