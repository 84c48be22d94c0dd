/* router.c - match a route, run the checks it declares, call its handler, render errors. */
#include "route.h"

#include <string.h>
#include <strings.h>

#include "api/handlers.h"
#include "http/idempotency.h"
#include "http/jsonbody.h"
#include "http/jsonout.h"
#include "core/log.h"
#include "http/multipart.h"
#include "http/netacl.h"
#include "core/urlenc.h"

#define ROUTE_MAX_SEGMENTS 12
#define PATH_PARAM_MAX 64
#define FORM_MAX_PAIRS 256
/* A multipart form's csrf_token field must end within this many bytes of the body: the
 * pages send it first, and a form's text fields before it (none of ours has any) fit. */
#define CSRF_PREFIX_MAX (64 * 1024)
#define CSRF_PREFIX_CHUNK 8192
#define CSRF_TOKEN_MAX 128

/* A path parameter is an opaque id or a reference: nothing else may reach a handler. */
static bool
param_ok(const char *s, size_t n)
{
	if (n == 0 || n > PATH_PARAM_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.'))
			return false;
	}
	return !(n <= 2 && s[0] == '.');
}

/* Does path match pattern?  Fills params (pointers into the arena copy of path). */
static bool
match(bgw_arena *a, const char *pattern, const char *path, const char **params)
{
	int np = 0;

	while (*pattern != '\0' && *path != '\0') {
		const char *pe = strchr(pattern + 1, '/');
		const char *se = strchr(path + 1, '/');
		size_t pl, sl;

		if (*pattern != '/' || *path != '/')
			return false;
		pattern++;
		path++;
		pe = pe != NULL ? pe : pattern + strlen(pattern);
		se = se != NULL ? se : path + strlen(path);
		pl = (size_t)(pe - pattern);
		sl = (size_t)(se - path);
		if (pl == 2 && pattern[0] == '{' && pattern[1] == '}') {
			if (np >= REQUEST_MAX_PATH_PARAMS || !param_ok(path, sl))
				return false;
			params[np++] = bgw_arena_strndup(a, path, sl);
		} else if (pl != sl || memcmp(pattern, path, pl) != 0) {
			return false;
		}
		pattern = pe;
		path = se;
	}
	return *pattern == '\0' && *path == '\0';
}

const route *
route_match(bgw_request *r, const char *method, const char *path, bgw_err *err,
    const char **allow)
{
	const char *params[REQUEST_MAX_PATH_PARAMS];
	char *methods = NULL;

	*err = BGW_E_NOT_FOUND;
	*allow = NULL;
	for (const route *const *t = route_tables; *t != NULL; t++) {
		for (const route *rt = *t; rt->method != NULL; rt++) {
			memset(params, 0, sizeof(params));
			if (!match(r->a, rt->pattern, path, params))
				continue;
			if (strcmp(rt->method, method) == 0 ||
			    (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
				memcpy(r->path_params, params, sizeof(params));
				*err = BGW_OK;
				return rt;
			}
			*err = BGW_E_METHOD;
			methods = methods == NULL ? bgw_arena_strdup(r->a, rt->method) :
			    bgw_arena_printf(r->a, "%s, %s", methods, rt->method);
		}
	}
	*allow = methods;
	return NULL;
}

static bool
content_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct != NULL && strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static bool
any_required(const field_spec *f)
{
	for (; f != NULL && f->name != NULL; f++)
		if (f->required)
			return true;
	return false;
}

/* Read an urlencoded form body into r->form (not yet validated). */
static bgw_err
read_form(bgw_request *r)
{
	char *body;
	size_t len;
	bgw_err err;

	if (!content_type_is(r->content_type, "application/x-www-form-urlencoded"))
		return BGW_E_UNSUPPORTED_TYPE;
	err = request_read_body(r, r->app->cfg->body_max_bytes, &body, &len);
	if (err != BGW_OK)
		return err;
	return urlenc_parse(r->a, body, len, FORM_MAX_PAIRS, &r->form);
}

/* Looking for a multipart form's csrf_token field. */
struct csrf_scan {
	bool in_token, found;
	char token[CSRF_TOKEN_MAX + 1];
	size_t len;
};

static bgw_err
scan_begin(void *ud, const multipart_part *p)
{
	struct csrf_scan *s = ud;

	if (s->found)
		return BGW_OK;
	/* A file before the token: refused before any of it reaches a handler. */
	if (p->filename != NULL || strcmp(p->name, "file") == 0)
		return BGW_E_CSRF;
	s->in_token = strcmp(p->name, "csrf_token") == 0;
	return BGW_OK;
}

static bgw_err
scan_data(void *ud, const char *buf, size_t n)
{
	struct csrf_scan *s = ud;

	if (s->found || !s->in_token)
		return BGW_OK;
	if (s->len + n > CSRF_TOKEN_MAX)
		return BGW_E_CSRF;
	memcpy(s->token + s->len, buf, n);
	s->len += n;
	return BGW_OK;
}

static bgw_err
scan_end(void *ud)
{
	struct csrf_scan *s = ud;

	if (!s->found && s->in_token) {
		s->token[s->len] = '\0';
		s->found = true;
	}
	return BGW_OK;
}

/* The csrf_token field of a multipart form, read from the start of the body up to the end
 * of that field (NULL if the body has none before a file or within CSRF_PREFIX_MAX).  What
 * was read is kept in r->body_read, so that the handler reads the body whole
 * (request_body_get); nothing of a file is passed on before the token was checked. */
static bgw_err
multipart_csrf_token(bgw_request *r, const char **token)
{
	static const multipart_callbacks cb = {scan_begin, scan_data, scan_end};
	const multipart_limits lim = {.max_parts = CSRF_PREFIX_MAX,
		.max_header_bytes = MULTIPART_DEFAULT_MAX_HEADER_BYTES, .max_total = CSRF_PREFIX_MAX};
	struct csrf_scan *s = bgw_arena_alloc(r->a, sizeof(*s));
	char *buf = bgw_arena_alloc(r->a, CSRF_PREFIX_MAX);
	multipart_parser *mp;
	size_t used = 0;
	bgw_err err = BGW_OK;

	*token = NULL;
	if (s == NULL || buf == NULL)
		return BGW_E_NOMEM;
	memset(s, 0, sizeof(*s));
	if ((err = multipart_new(r->a, r->content_type, &lim, &cb, s, &mp)) != BGW_OK)
		return err;
	while (!s->found && err == BGW_OK && used < CSRF_PREFIX_MAX) {
		size_t want = CSRF_PREFIX_MAX - used;
		int n = FCGX_GetStr(buf + used, (int)(want < CSRF_PREFIX_CHUNK ? want :
		    CSRF_PREFIX_CHUNK), r->fcgi->in);

		if (n <= 0)
			break;
		err = multipart_feed(mp, buf + used, (size_t)n);
		used += (size_t)n;
	}
	r->body_read = buf;
	r->body_read_len = used;
	/* Whatever the parser minds after the token is the handler's to find. */
	if (s->found)
		*token = s->token;
	return s->found || err == BGW_E_CSRF ? BGW_OK : err;
}

/* The CSRF token of an unsafe request: the X-CSRF-Token header, or for an HTML form the
 * csrf_token field (read before the rest of the form is validated; a multipart form's
 * before the handler reads any of the body, and only there). */
static bgw_err
csrf_token(bgw_request *r, const route *rt, const char **token)
{
	bgw_err err;

	if (rt->body == BODY_MULTIPART)
		return multipart_csrf_token(r, token);
	*token = request_param(r, "HTTP_X_CSRF_TOKEN");
	if (*token != NULL || rt->body != BODY_FORM)
		return BGW_OK;
	if ((err = read_form(r)) != BGW_OK)
		return err;
	*token = kv_get(r->form, "csrf_token");
	return BGW_OK;
}

/* Parse and validate the body the route declares. */
static bgw_err
read_input(bgw_request *r, const route *rt)
{
	const field_spec *none = (const field_spec[]){{.name = NULL}};
	const field_spec *specs = rt->fields != NULL ? rt->fields : none;
	char *body;
	size_t len;
	bgw_err err;

	switch (rt->body) {
	case BODY_STREAM:
	case BODY_MULTIPART:
		return BGW_OK;
	case BODY_NONE:
		/* Actions without input still accept the empty object some clients send. */
		if (r->content_length <= 0)
			return BGW_OK;
		err = request_read_body(r, r->app->cfg->body_max_bytes, &body, &len);
		if (err != BGW_OK)
			return err;
		if (len == 0)
			return BGW_OK;
		return jsonbody_parse(r->a, body, len, &r->json);
	case BODY_JSON:
		if (r->content_length <= 0 && !any_required(specs)) {
			r->json = json_object();
			if (r->json == NULL || bgw_arena_on_reset(r->a,
			    (void (*)(void *))json_decref, r->json) != 0)
				return BGW_E_NOMEM;
		} else {
			if (!content_type_is(r->content_type, "application/json"))
				return BGW_E_UNSUPPORTED_TYPE;
			err = request_read_body(r, r->app->cfg->body_max_bytes, &body, &len);
			if (err != BGW_OK)
				return err;
			err = jsonbody_parse(r->a, body, len, &r->json);
			if (err != BGW_OK)
				return err;
		}
		return fields_from_json(r->a, r->json, specs, &r->fields, &r->field_errors);
	case BODY_FORM:
		if (r->form == NULL && (err = read_form(r)) != BGW_OK)
			return err;
		return fields_from_form(r->a, r->form, specs, &r->fields, &r->field_errors);
	}
	return BGW_E_INTERNAL;
}

static bool
is_page(const char *path)
{
	return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/healthz") != 0;
}

static void
render_error(bgw_request *r, bgw_err err)
{
	json_t *body;

	/* A handler may have set headers for a success it then abandoned; drop them. */
	r->nresp_headers = 0;
	if (is_page(r->path)) {
		page_render_error(r, err);
		return;
	}
	body = jsonout_error(err, err == BGW_E_VALIDATION ? r->field_errors : NULL);
	if (body == NULL || request_reply_json(r, bgw_err_status(err), body) != BGW_OK) {
		r->status = 500;
		r->resp_type = "application/json; charset=utf-8";
		r->resp_body = "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";
		r->resp_len = strlen(r->resp_body);
	}
	json_decref(body);
}

static bool
unsafe_method(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* A cross-site request never carries our own origin: refuse unsafe requests from elsewhere
 * even before the CSRF token is checked (and for the login form, which has no token yet). */
static bgw_err
check_origin(bgw_request *r)
{
	const char *origin = request_param(r, "HTTP_ORIGIN");
	const char *site = request_param(r, "HTTP_SEC_FETCH_SITE");

	if (origin != NULL && *origin != '\0' && strcmp(origin, r->app->cfg->base_url) != 0)
		return BGW_E_CSRF;
	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return BGW_E_CSRF;
	return BGW_OK;
}

/* A route's target is always its first path parameter: /projects/{pid}/members/{uid} acts
 * on the project, /confirmations/{cid}/documents on the confirmation. */
static const char *
target_id(const bgw_request *r)
{
	return r->path_params[0];
}

/* Does the router bracket the route's work in one transaction? */
static bool
tx_router_owned(enum route_tx tx)
{
	return tx == TX_WRITE || tx == TX_KEEP_ON_ERROR;
}

/* A signed-in request's first round trip: the cookie's session (which binds its user for
 * row-level security) and the target in one batch.  With BEGIN for a route whose
 * transaction the router brackets (*open turns true), so the rest of the request runs in
 * that transaction as that user; otherwise (TX_READ) as one implicit transaction that ends
 * with the batch.  No cookie, or a stale one, leaves r->user_id NULL. */
static bgw_err
begin_signed_in(bgw_request *r, const route *rt, bool *open)
{
	enum policy_target_kind kind = rt->target;
	const char *id = target_id(r);
	session_auth sa;
	db_rows *target_res = NULL;
	db_call calls[2];
	size_t n = 0;
	bgw_err err;

	r->session_token = kv_get(r->cookies, SESSION_COOKIE);
	if (!session_auth_prepare(&sa, r->session_token))
		return BGW_OK; /* a malformed cookie is the same as none */
	calls[n++] = session_auth_call(&sa);
	if (id != NULL && target_statement(kind) != NULL)
		calls[n++] = (db_call){target_statement(kind), 1, &r->path_params[0], &target_res};
	if (!tx_router_owned(rt->tx))
		err = db_read(r->app->db, r->a, NULL, calls, n);
	else if ((err = db_begin_with(r->app->db, r->a, calls, n)) == BGW_OK)
		*open = true;
	if (err != BGW_OK)
		return err;
	if (session_auth_result(&sa, r->session_token, &r->session, &r->user) != BGW_OK)
		return BGW_OK; /* a stale cookie is the same as none */
	r->user_id = r->user.id;
	target_from_result(target_res, kind, &r->target);
	/* Once a minute at most, a round trip of its own moves the idle timer. */
	return session_touch(r->app->db, r->a, &r->session);
}

/* The session's CSRF token, or BGW_E_CSRF. */
static bgw_err
check_csrf(bgw_request *r, const route *rt)
{
	const char *token;
	bgw_err err = csrf_token(r, rt, &token);

	if (err != BGW_OK)
		return err;
	return session_csrf_ok(&r->session, token) ? BGW_OK : BGW_E_CSRF;
}

/* A public route's transaction: bound to no user (the functions it calls decide what an
 * anonymous caller sees), begun once its input is valid. */
static bgw_err
admit_public(bgw_request *r, const route *rt, bool *open)
{
	bgw_err err = read_input(r, rt);

	if (err != BGW_OK || !tx_router_owned(rt->tx))
		return err;
	if ((err = db_begin(r->app->db, NULL)) == BGW_OK)
		*open = true;
	return err;
}

/* Everything the route declares, in order: who, CSRF, policy, input, and the transaction
 * (*open: the router began one, which finish_transaction ends). */
static bgw_err
admit(bgw_request *r, const route *rt, bool *open)
{
	policy_subject subject = {0};
	enum policy_target_kind kind = rt->target;
	bgw_err err;

	if (unsafe_method(r->method) && (err = check_origin(r)) != BGW_OK)
		return err;
	if (rt->auth == ROUTE_PUBLIC)
		return admit_public(r, rt, open);
	/* The rest of the request runs as the user, so row-level security applies to the target
	 * lookup and to everything the handler does: in one transaction bound to the user, or,
	 * for a TX_READ route, in round trips that each bind the user. */
	if ((err = begin_signed_in(r, rt, open)) != BGW_OK)
		return err;
	if (r->user_id == NULL)
		return BGW_E_UNAUTHENTICATED;
	if (rt->csrf && rt->body != BODY_MULTIPART && (err = check_csrf(r, rt)) != BGW_OK)
		return err;
	/* Operator routes do not exist for anyone outside the operator networks. */
	if (rt->auth == ROUTE_OPERATOR &&
	    !netacl_match(r->app->cfg->operator_networks, r->remote_addr))
		return BGW_E_NOT_FOUND;
	subject.signed_in = true;
	subject.operator = r->user.operator;
	subject.mfa = r->user.mfa_enabled;
	subject.audit_firm_user = strcmp(r->user.org_kind, "audit_firm") == 0;
	subject.respondent_user = strcmp(r->user.org_kind, "respondent") == 0;
	r->subject = subject;
	err = policy_decide(rt->action, &subject, kind != TARGET_NONE ? &r->target.facts : NULL);
	if (err != BGW_OK)
		return err;
	/* A multipart form's token is in its body: read once the policy let the user act on the
	 * target (an upload to a confirmation the user cannot see is 404, not 403). */
	if (rt->csrf && rt->body == BODY_MULTIPART && (err = check_csrf(r, rt)) != BGW_OK)
		return err;
	return read_input(r, rt);
}

/* The events the request keeps whatever its outcome (request_keep_event), appended to the
 * open transaction. */
static bgw_err
append_kept(bgw_request *r)
{
	bgw_err err = BGW_OK;

	for (int i = 0; i < r->nkept && err == BGW_OK; i++)
		err = audit_append(r->app->db, r->a, &r->kept[i], NULL);
	return err;
}

/* The kept events after the request's own work was rolled back (or had no transaction):
 * in a transaction of their own, bound to the user. */
static void
record_kept_alone(bgw_request *r)
{
	if (r->nkept == 0)
		return;
	if (db_begin(r->app->db, r->user_id) != BGW_OK || append_kept(r) != BGW_OK ||
	    db_commit(r->app->db) != BGW_OK) {
		db_rollback(r->app->db);
		bgw_log(BGW_LOG_ERROR, "could not record %s of a failed request", r->kept[0].action);
	}
}

/* End the transaction the router began: COMMIT when the handler succeeded (or, for
 * TX_KEEP_ON_ERROR, when it ran at all), else ROLLBACK.  ran: the handler was called. */
static bgw_err
finish_transaction(bgw_request *r, const route *rt, bool open, bool ran, bgw_err err)
{
	bool commit = open && (err == BGW_OK || (ran && rt->tx == TX_KEEP_ON_ERROR));
	bgw_err cerr;

	if (commit) {
		if ((cerr = append_kept(r)) == BGW_OK) {
			cerr = db_commit(r->app->db);
			return cerr != BGW_OK ? cerr : err;
		}
		if (err == BGW_OK)
			err = cerr;
	}
	if (open)
		db_rollback(r->app->db);
	record_kept_alone(r);
	return err;
}

/* An unsafe request with an Idempotency-Key runs once per user and key (a retried POST
 * after a 502 creates nothing twice); a repeat gets the stored answer. */
static bgw_err
idempotent_claim(bgw_request *r, bool open, const char **key, bool *replay)
{
	idem_answer ans;
	bgw_err err;

	*key = NULL;
	*replay = false;
	if (!open || r->user_id == NULL || !unsafe_method(r->method))
		return BGW_OK;
	*key = request_param(r, "HTTP_IDEMPOTENCY_KEY");
	if (*key == NULL)
		return BGW_OK;
	if (!idem_key_valid(*key))
		return BGW_E_BAD_REQUEST;
	err = idem_claim(r->app->db, r->a, r->user_id, *key, r->method, r->path, replay, &ans);
	if (err == BGW_E_VALIDATION)
		return request_field_error(r, "Idempotency-Key", "used for another request");
	if (err == BGW_OK && *replay) {
		r->status = ans.status;
		r->resp_type = ans.content_type;
		r->resp_body = ans.body;
		r->resp_len = ans.body != NULL ? strlen(ans.body) : 0;
		request_add_header(r, "Idempotent-Replayed", "true");
	}
	return err;
}

/* The answer is bound to the request's project, if it has one, so the project's purge
 * deletes it; an answer carrying a secret keeps only that the key was used. */
static bgw_err
idempotent_store(bgw_request *r, const route *rt, const char *key)
{
	idem_answer ans = {.status = r->status, .withheld = rt->answer == ANSWER_SECRET};

	if (r->headers_sent)
		return BGW_OK; /* a streamed answer is not kept */
	if (!ans.withheld) {
		ans.content_type = r->resp_type;
		ans.body = r->resp_body != NULL ?
		    bgw_arena_strndup(r->a, r->resp_body, r->resp_len) : NULL;
	}
	return idem_store(r->app->db, r->a, r->user_id, key, r->target.project_id, &ans);
}

void
router_serve(bgw_request *r)
{
	const char *allow = NULL, *key;
	bool replay, open = false, ran = false;
	bgw_err err;
	const route *rt = route_match(r, r->method, r->path, &err, &allow);

	if (rt == NULL) {
		render_error(r, err);
		if (allow != NULL)
			request_add_header(r, "Allow", allow);
		return;
	}
	r->route = rt;
	err = admit(r, rt, &open);
	if (err == BGW_OK && (err = idempotent_claim(r, open, &key, &replay)) == BGW_OK &&
	    !replay) {
		r->status = 0;
		ran = true;
		err = rt->handler(r);
		if (err == BGW_OK && r->status == 0 && !r->headers_sent) {
			bgw_log(BGW_LOG_ERROR, "handler for %s %s set no answer", rt->method, rt->pattern);
			err = BGW_E_INTERNAL;
		}
		if (err == BGW_OK && key != NULL)
			err = idempotent_store(r, rt, key);
	}
	err = finish_transaction(r, rt, open, ran, err);
	if (err != BGW_OK && !r->headers_sent) {
		if (bgw_err_status(err) >= 500)
			bgw_log(BGW_LOG_WARN, "%s %s failed: %s", rt->method, rt->pattern, bgw_err_code(err));
		render_error(r, err);
	}
}

const char *
route_auth_name(enum route_auth auth)
{
	static const char *const names[] = {"public", "signed_in", "operator"};

	return (unsigned)auth < sizeof(names) / sizeof(names[0]) ? names[auth] : "?";
}

const char *
route_body_name(enum route_body body)
{
	static const char *const names[] = {"none", "json", "form", "stream", "multipart"};

	return (unsigned)body < sizeof(names) / sizeof(names[0]) ? names[body] : "?";
}

const char *
route_tx_name(enum route_tx tx)
{
	static const char *const names[] = {"none", "read", "write", "keep_on_error"};

	return (unsigned)tx < sizeof(names) / sizeof(names[0]) ? names[tx] : "?";
}

const char *
route_target_name(enum policy_target_kind kind)
{
	static const char *const names[] = {"none", "project", "confirmation", "document",
		"member", "org"};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}
