/* confflow.h - every state change of a confirmation, through the one transition table.
 *
 * Each function locks the confirmation row (SELECT ... FOR UPDATE), asks workflow_next
 * whether the action is legal from the state it finds, applies it and appends the event to
 * the project's audit chain, all in the caller's transaction: two racing requests on one
 * confirmation serialise on the lock, and the second finds the new state (409).
 */
#ifndef BGW_CONFFLOW_H
#define BGW_CONFFLOW_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "flow/audit.h"
#include "store/db.h"
#include "core/err.h"
#include "core/kv.h"
#include "flow/project.h"
#include "flow/workflow.h"

#define RESPONSE_EXTRA_MAX 100

typedef struct conf_locked {
	const char *id, *project_id, *reference, *type, *form, *org_id;
	const char *email, *name, *as_of, *due_date;
	enum wf_state status;
	const char *version;
	const char *locale;  /* the addressee's language: its mails are written in it */
} conf_locked;

/* Who acts, for the audit log. */
typedef struct conf_actor {
	const char *user_id;
	const char *ip;
} conf_actor;

/* The link of the addressee email's mail about the locked confirmation c: an existing
 * account joins the project at once and gets the confirmation's page; anyone else a fresh
 * single-use invitation as the first (admin) user of the respondent organisation, bound to
 * c and in c's language (the first page of the journey, page_invite.c).  In the caller's
 * transaction. */
bgw_err conf_addressee_link(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const conf_locked *c, const char *email, const char *base_url, const char **link);

/* Lock and read the confirmation.  BGW_E_NOT_FOUND if the user cannot see it. */
bgw_err conf_lock(bgw_db *db, bgw_arena *a, const char *id, conf_locked *out);

/* A plain transition: action from the locked state, with a reason (return, refuse,
 * decline, cancel, ask again) or the alternative-procedures note (close).  A decline is
 * a look at the request too: a sent one is opened first (conf_open).
 * BGW_E_INVALID_STATE when the table does not allow it. */
bgw_err conf_transition(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    enum wf_action act, const char *reason, const char *alternative);

/* A new draft of project_id from body (confinput_from_json's body: the API's JSON, or a
 * page's form turned into it), logged as conf.create; *id is its id.  BGW_E_VALIDATION
 * with every bad field in *errors. */
bgw_err conf_draft_create(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const char *project_id, const json_t *body, const char **id, bgw_kv **errors);

/* A change of a draft (PATCH): what the policy layer found, and the body. */
typedef struct conf_edit_in {
	const char *project_id, *id;
	const char *status;        /* the confirmation's status as the target was loaded */
	enum policy_side side;     /* the editor's side (conf_update's respondent lock) */
	const json_t *body;
} conf_edit_in;

/* Validate in->body against the draft's form, apply it (conf_update) and log conf.edit.
 * BGW_E_VALIDATION with the fields in *errors (also "respondent" for an organisation
 * without its e-mail or the reverse, "due_date" before the stored as-of date);
 * BGW_E_INVALID_STATE (after validation) unless a draft; BGW_E_RESPONDENT_LOCKED. */
bgw_err conf_draft_edit(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const conf_edit_in *in, bgw_kv **errors);

/* A look at a confirmation: what the policy layer found about the reader. */
typedef struct conf_view_in {
	const char *project_id, *id;
	enum policy_side side;
	bool project_completed;
	bool with_response;        /* policy_may_see_response: the channel rule */
} conf_view_in;

/* The confirmation as the reader may see it (conf_get_json) into *out.  A respondent's
 * first look at a sent request opens it (sent -> opened; not in a completed project), and
 * a final answer shown is recorded as a response.view event (confview.h). */
bgw_err conf_view(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_view_in *in,
    json_t **out);

/* What a receipt is asked for: the confirmation and the reader's side (the route's policy,
 * ACT_CONF_RECEIPT, admits the audit team and the respondent). */
typedef struct conf_receipt_in {
	const char *project_id, *id;
	enum policy_side side;
} conf_receipt_in;

/* The receipt of the final answer of confirmation id into *out: {confirmation: {id,
 * reference, type, form, as_of, respondent, items}, response: {the final answer with its
 * version, approver and seal}}, shown to the page and the JSON API alike.  A receipt never
 * opens a request, and it is a view of the answer (response.view, confview.h).
 * BGW_E_INVALID_STATE while there is no final answer. */
bgw_err conf_receipt(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const conf_receipt_in *in, json_t **out);

/* Record how the audit team checked the respondent's address and authority, bound to what
 * the confirmation is addressed to now (e-mail, organisation, person) and its version.
 * The first check locks the respondent against every side but the audit team. */
bgw_err conf_address_check(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const char *method, const char *note);

/* Void every live address check of confirmation id (of project project_id), because the
 * respondent changed (reason "respondent_changed") or was readdressed ("readdressed"); the
 * conf.address_check_void event records the reason and how many.  Nothing to void: BGW_OK
 * and no event. */
bgw_err conf_address_checks_void(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const char *project_id, const char *id, const char *reason);

/* A corrected addressee and the audit admin's check of it. */
typedef struct conf_readdress_in {
	const char *email, *name;
	const char *method, *note; /* the check of the new address; NULL: none was given */
} conf_readdress_in;

/* Readdress an undeliverable (未達) sent or opened confirmation: the old checks are void
 * ("readdressed"), the new addressee is set and a check of it is recorded, all or nothing.
 * BGW_E_INVALID_STATE when the confirmation is not sent/opened or not undeliverable;
 * BGW_E_ADDRESS_NOT_CHECKED without a check.  *out is the locked row as changed (new
 * e-mail, name and version), for mailing the request again. */
bgw_err conf_readdress(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_readdress_in *in, conf_locked *out);

/* The mail settings a send or a reminder needs. */
typedef struct conf_mailer {
	const char *base_url;
	const char *firm_name, *client_name;
} conf_mailer;

/* The mail settings of project_id: its firm's and client's names, and base_url. */
bgw_err conf_mailer_load(bgw_db *db, bgw_arena *a, const char *project_id,
    const char *base_url, conf_mailer *out);

/* Send (authorized -> sent): needs a valid address check of the current respondent
 * (CONF_CHECK_VALID; else BGW_E_ADDRESS_NOT_CHECKED); the
 * addressee becomes a respondent member of the project (an existing account is linked, a
 * new one is invited as its organisation's admin) and is mailed the request. */
bgw_err conf_send(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_mailer *m);

/* How a respondent organisation's first-access code travels: read out on the phone or
 * printed on a letter (the code is in the answer, once), or a second mail to the addressee. */
#define CONF_CODE_CHANNELS "phone", "letter", "mail"

/* What happened to the respondent code at a send or a reissue. */
typedef struct conf_code {
	bool issued;         /* a new code was issued now */
	const char *channel; /* the channel of the organisation's current code (NULL: none) */
	char code[PROJECT_CODE_DISPLAY_LEN + 1]; /* phone, letter: the new code; else "" */
} conf_code;

/* The first-access code of the respondent organisation of a sent confirmation (after
 * conf_send, in its transaction; or alone, to replace a lost code).  When the organisation
 * already holds a code in the project and fresh is false, nothing is issued.  Otherwise a
 * new code replaces the old one, the channel is recorded in the audit log (never the
 * code), and for "mail" the code goes to the addressee in a mail of its own.  The caller
 * shows out->code once and cleanses it.  BGW_E_VALIDATION: channel missing or unknown when
 * a code is to be issued; BGW_E_INVALID_STATE: not sent yet. */
bgw_err conf_respondent_code(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_mailer *m, const char *channel, bool fresh, conf_code *out);

/* The send as a user asks for it: conf_send, then the respondent organisation's code
 * (conf_respondent_code, fresh false) travelling by channel (NULL: none chosen).
 * BGW_E_VALIDATION with "code_channel" in *errors when a code is to be issued and no
 * channel was chosen.  The caller shows code->code once (phone, letter) and cleanses it. */
bgw_err conf_send_with_code(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_mailer *m, const char *channel, conf_code *code, bgw_kv **errors);

/* A second request by hand (sent/opened): mailed and counted. */
bgw_err conf_remind(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_mailer *m);

/* The respondent's first look at a sent confirmation (sent -> opened); nothing otherwise. */
bgw_err conf_open(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id);

typedef struct resp_item_in {
	const char *item_id;
	bool agrees;
	const char *amount; /* canonical, or NULL */
	const char *note;
} resp_item_in;

typedef struct resp_extra_in {
	const char *label, *currency, *amount, *note;
} resp_extra_in;

typedef struct resp_input {
	resp_item_in *items;
	size_t nitems;
	resp_extra_in *extra;
	size_t nextra;
	const char *responder_name, *responder_title;
} resp_input;

/* Validate an answer against the confirmation's items: every item answered once; a
 * difference needs the actual amount; a blank form needs every amount; extra items only on
 * bank confirmations.  BGW_E_VALIDATION with every problem in *errors. */
bgw_err resp_input_from_json(bgw_db *db, bgw_arena *a, const char *id, const json_t *body,
    resp_input *out, bgw_kv **errors);

/* Answer (opened, or sent: opened first).  From a respondent admin (not of a certified
 * organisation, whose answers all wait for a checker: certified.h) the answer is final at
 * once (answered, sealed); from a member it waits for approval.  *seal_hex (65 bytes, may be
 * NULL) receives the seal of a final answer, or "" when it waits. */
bgw_err conf_respond(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    bool admin, const resp_input *in, char *seal_hex);

/* An answer as the respondent gives it: body validated (resp_input_from_json, every
 * problem in *errors with BGW_E_VALIDATION), then conf_respond. */
bgw_err conf_answer(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    bool admin, const json_t *body, char *seal_hex, bgw_kv **errors);

/* A respondent admin approves the waiting answer (answered, sealed) or sends it back with a
 * reason (opened). */
bgw_err conf_approve(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const char *approver_name, const char *approver_title, char *seal_hex);
bgw_err conf_send_back(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const char *reason);

/* The audit team's review of an answer: agreed or exception, with a note. */
bgw_err conf_review(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    bool agreed, const char *note);

typedef struct reconciling_in {
	const char *kind, *currency, *amount, *note;
} reconciling_in;

/* Resolve an exception with reconciling items and a note. */
bgw_err conf_resolve(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const reconciling_in *items, size_t n, const char *note);

/* Share the answer (and the audit-respondent thread) with the client, or stop sharing. */
bgw_err conf_share(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id, bool on);

/* SHA-256 over the canonical content of a stored answer (hex, 65 bytes).  approver_name and
 * approver_title override the stored ones (NULL: use the stored values). */
bgw_err conf_response_digest(bgw_db *db, bgw_arena *a, const char *response_id,
    const char *approver_name, const char *approver_title, char *hex);

/* Check every final answer of the project: its content digest is the one its
 * response.final event recorded, and its seal is that event's hash.  BGW_OK, or
 * BGW_E_VALIDATION with the bad answer's id in bad_id. */
bgw_err conf_verify_responses(bgw_db *db, bgw_arena *a, const char *project_id, char *bad_id,
    size_t cap);


#endif
