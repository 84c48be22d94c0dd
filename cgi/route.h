/* route.h - the route table: every route the program answers, declared in one place.
 *
 * A route names its method and path pattern, who may call it (auth), whether it needs a
 * CSRF token, what body it takes and which fields, its handler, and whether its answer
 * may be kept for an Idempotency-Key replay.  The router does all of
 * that before the handler runs; the integration tests generate the role matrix from this
 * table (bgw-fcgi --routes prints it).
 */
#ifndef BGW_ROUTE_H
#define BGW_ROUTE_H

#include <stdbool.h>

#include "http/fields.h"
#include "auth/policy.h"
#include "request.h"

enum route_auth {
	ROUTE_PUBLIC,    /* anyone, signed in or not */
	ROUTE_SIGNED_IN, /* a live session */
	ROUTE_OPERATOR,  /* an operator, from an operator network */
};

enum route_body {
	BODY_NONE,      /* a body is refused (400) */
	BODY_JSON,      /* application/json object, validated against fields */
	BODY_FORM,      /* application/x-www-form-urlencoded, validated against fields */
	BODY_STREAM,    /* the handler streams it itself (multipart uploads, imports) */
};

/* What an Idempotency-Key keeps of the answer (docs/api.md).  ANSWER_SECRET: the answer
 * carries a secret (a first-access code, an MFA secret, recovery codes, a respondent's
 * code), so it is never stored: a repeat of the key is 409 idempotency_key_used instead of
 * the secret again, and the action still runs only once. */
enum route_answer {
	ANSWER_KEPT,    /* stored for 24 hours and replayed */
	ANSWER_SECRET,  /* never stored; a repeat is 409 */
};

typedef bgw_err (*route_handler)(bgw_request *r);

typedef struct route {
	const char *method;        /* GET, POST, PUT, PATCH, DELETE */
	const char *pattern;       /* segments; "{}" matches one path parameter */
	enum policy_action action; /* what the policy layer decides on */
	enum route_auth auth;
	bool csrf;                 /* unsafe method that needs X-CSRF-Token */
	enum route_body body;
	const field_spec *fields;  /* for BODY_JSON / BODY_FORM; NULL = no fields */
	route_handler handler;
	enum route_answer answer;  /* what an Idempotency-Key keeps of the answer */
} route;

/* The route tables, one per area of the program, each ending with a route whose method is
 * NULL; route_tables lists them all (NULL-terminated) in the order they are matched. */
extern const route routes_core[];       /* routes.c: health, accounts, projects, confirmations */
extern const route routes_records[];    /* routes_records.c: comments, history, receipts,
                                         * verify, import, export, audit log */
extern const route routes_documents[];  /* routes_documents.c: uploads and downloads */
extern const route routes_pages[];      /* routes_pages.c: the HTML pages */
extern const route routes_pages_account[]; /* routes_pages_account.c: account-side pages */
extern const route routes_notify[];     /* routes_notify.c: reminder schedules */
extern const route routes_ops[];        /* routes_ops.c: metrics */
extern const route *const route_tables[];

/* Find the route for method and path; path parameters go to r->path_params.  Returns the
 * route, or NULL with *err = BGW_E_NOT_FOUND (no such path) or BGW_E_METHOD (path known,
 * method not; *allow lists the methods, arena memory). */
const route *route_match(bgw_request *r, const char *method, const char *path, bgw_err *err,
    const char **allow);

/* Serve one request: match, authenticate, check CSRF, parse and validate the body, call the
 * handler, and render any error in docs/api.md's format. */
void router_serve(bgw_request *r);

#endif
