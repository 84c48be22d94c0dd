/* route.h - the route table: every route the program answers, declared in one place.
 *
 * A route names its method and path pattern, who may call it (auth), whether it needs a
 * CSRF token, what body it takes and which fields, its handler, whether its answer may be
 * kept for an Idempotency-Key replay, how its database work is bracketed (tx) and what its
 * first path parameter names (target).  The row is the whole truth: the router does all of
 * that around the handler, and no handler opens, commits or rolls back a transaction or
 * checks a CSRF token itself.  The integration tests generate the role matrix from this
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
	BODY_STREAM,    /* the handler streams it itself (API uploads, imports) */
	BODY_MULTIPART, /* a multipart HTML form that the handler streams (uploads, imports from
	                 * the pages): its CSRF token is its csrf_token field, which the form
	                 * sends before the file and the router reads before the handler reads
	                 * any of the body (the header does not stand in for it: a page's form
	                 * carries its own token) */
};

/* What an Idempotency-Key keeps of the answer (docs/api.md).  ANSWER_SECRET: the answer
 * carries a secret (a first-access code, an MFA secret, recovery codes, a respondent's
 * code), so it is never stored: a repeat of the key is 409 idempotency_key_used instead of
 * the secret again, and the action still runs only once. */
enum route_answer {
	ANSWER_KEPT,    /* stored for 24 hours and replayed */
	ANSWER_SECRET,  /* never stored; a repeat is 409 */
};

/* Who brackets the route's database work.  The router opens the transaction before the
 * handler runs (for a signed-in route, in the same round trip as the session and target
 * lookup) and ends it after the handler: no handler or page begins, commits or rolls back.
 *
 * There is no mode in which a handler runs transactions of its own: what once needed one
 * is an event that must stay though the request fails, which request_keep_event hands to
 * the router (recorded with the request's transaction, or in one of its own after the
 * rollback).  Sign-in is TX_NONE: a wrong password is counted in the throttles by
 * autocommit statements and recorded (session.login_failed) though the answer is 401, and
 * the password hash (scrypt, which may wait for a slot) runs outside any transaction, so no
 * row lock is held while it runs.  Uploads are TX_WRITE: clamd answers before the
 * document's row is written, and a refused file's doc.infected is a kept event. */
enum route_tx {
	TX_NONE,          /* no transaction: each statement the handler runs (if any) commits on
	                   * its own; health, metrics, static pages and forms, sign-in */
	TX_READ,          /* signed in, reads only, no BEGIN: the session and target, then the
	                   * handler's reads, each in round trips of their own that bind the
	                   * user (db_read); the busiest read, the confirmation list, whose
	                   * BEGIN and COMMIT would cost as many round trips as its query
	                   * (docs/performance.md) */
	TX_WRITE,         /* one transaction, bound to the signed-in user (unbound on a public
	                   * route): COMMIT when the handler succeeds, ROLLBACK when it answers
	                   * an error; a signed-in GET reads one snapshot so too */
	TX_KEEP_ON_ERROR, /* TX_WRITE, but what the handler wrote commits even when it answers an
	                   * error: the first-access code, whose wrong try is counted and logged
	                   * though the answer is 422 (a database error still rolls back:
	                   * PostgreSQL turns the COMMIT of a failed transaction into ROLLBACK) */
};

typedef bgw_err (*route_handler)(bgw_request *r);

typedef struct route {
	const char *method;        /* GET, POST, PUT, PATCH, DELETE */
	const char *pattern;       /* segments; "{}" matches one path parameter */
	enum policy_action action; /* what the policy layer decides on */
	enum route_auth auth;
	bool csrf;                 /* unsafe method that needs the session's CSRF token: the
	                            * X-CSRF-Token header, or the form's csrf_token field (a
	                            * multipart form's before any file part, read by the
	                            * router before the handler reads the body) */
	enum route_body body;
	const field_spec *fields;  /* for BODY_JSON / BODY_FORM; NULL = no fields */
	route_handler handler;
	enum route_answer answer;  /* what an Idempotency-Key keeps of the answer */
	enum route_tx tx;          /* who brackets the database work */
	enum policy_target_kind target; /* what the first path parameter names, loaded with the
	                            * session for the policy: the action's kind
	                            * (policy_target_kind), except documents' lists and uploads,
	                            * which hang off a project or a confirmation */
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
extern const route routes_prefs[];      /* routes_prefs.c: notification preferences */
extern const route routes_controls[];   /* routes_controls.c: settings, audit log, documents, undeliverable pages */
extern const route routes_ops[];        /* routes_ops.c: metrics */
extern const route routes_pdf[];        /* routes_pdf.c: receipt and letter PDFs */
extern const route routes_bulkanswer[]; /* routes_bulkanswer.c: a desk's bulk answers */
extern const route routes_mailact[];    /* routes_mailact.c: where mail links lead */
extern const route routes_org[];        /* routes_org.c: respondent organisations */
extern const route routes_certified[];   /* routes_certified.c: certified respondents, desks */
extern const route *const route_tables[];

/* Find the route for method and path; path parameters go to r->path_params.  Returns the
 * route, or NULL with *err = BGW_E_NOT_FOUND (no such path) or BGW_E_METHOD (path known,
 * method not; *allow lists the methods, arena memory). */
const route *route_match(bgw_request *r, const char *method, const char *path, bgw_err *err,
    const char **allow);

/* The names bgw-fcgi --routes prints. */
const char *route_auth_name(enum route_auth auth);
const char *route_body_name(enum route_body body);
const char *route_tx_name(enum route_tx tx);
const char *route_target_name(enum policy_target_kind kind);

/* Serve one request: match, authenticate, check CSRF, parse and validate the body, open the
 * route's transaction, call the handler, end the transaction, and render any error in
 * docs/api.md's format. */
void router_serve(bgw_request *r);

#endif
