/* workflow.h - the confirmation lifecycle of docs/design.md as one transition table.
 *
 * Two questions are asked before a confirmation changes: WHO may act (policy.h, from the
 * user's role and what the user may see) and WHETHER the action is legal in the current state
 * and what the next state is (here).  The router asks policy first, so a user who may not see
 * a confirmation gets 404 before anything reveals its state; a handler then asks
 * workflow_next with the status it read, and writes the new status with
 * `UPDATE ... WHERE id = $1 AND status = $from AND version = $v` in the same transaction as
 * the audit event, so that of two racing transitions one wins and the other finds no row
 * and answers 409.
 *
 *   draft --submit--> awaiting_client --authorize--> authorized --send--> sent --open--> opened
 *   awaiting_client --return--> draft;   awaiting_client --refuse--> refused
 *   opened --respond_member--> awaiting_respondent_approval --approve--> answered
 *          awaiting_respondent_approval --send_back--> opened
 *   opened --respond_admin--> answered (an admin's own answer is final at once)
 *   opened --decline--> declined
 *   answered --review_agreed--> agreed;  answered --review_exception--> exception
 *   exception --resolve--> resolved;     answered --ask_again--> opened
 *   sent | opened | declined --close--> alternative_procedures
 *   draft | awaiting_client | authorized | sent | opened | awaiting_respondent_approval
 *       --cancel--> cancelled
 *
 * Decisions where docs/design.md leaves room (each one is a row or a missing row of the table):
 *   - cancel is "from any state before answered" on the path to an answer.  Not from refused
 *     nor declined: those are outcomes whose reason is audit evidence (ISA 505.8 for a
 *     refusal), and a cancellation would overwrite status_reason and hide them from the
 *     project's counts.  A declined confirmation is closed with alternative procedures.
 *   - open is the respondent's first access.  Respondent actions (respond, decline) are legal
 *     from opened only, as drawn; a handler that receives one on a `sent` confirmation applies
 *     open first, in the same transaction (answering is an access), so an API client that
 *     answers without a GET first is not refused.
 *   - address_check records how the audit team checked the respondent before sending: legal in
 *     draft, awaiting_client and authorized (nothing is sent yet); after send it would no
 *     longer guard anything.
 *   - share (with_client true or false): legal from sent on, in every later state including
 *     cancelled, so that a share can always be withdrawn; before sending there is no response
 *     nor respondent thread to share.
 *   - comment: legal in every state; who sees which thread is the policy layer's business.
 *   - remind: sent and opened only (docs/api.md).  edit (PATCH): draft only (docs/api.md).
 *   - close: sent, opened and declined only, as drawn.  The database requires sent_at for
 *     alternative_procedures, so a refused confirmation (never sent) cannot be closed; its
 *     alternative procedures are documented in comments.
 */
#ifndef BGW_WORKFLOW_H
#define BGW_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "auth/policy.h"

/* Every value of confirmations.status (db/migrations/0003_confirmations.sql). */
enum wf_state {
	WF_DRAFT,
	WF_AWAITING_CLIENT,
	WF_REFUSED,
	WF_AUTHORIZED,
	WF_SENT,
	WF_OPENED,
	WF_AWAITING_RESPONDENT_APPROVAL,
	WF_ANSWERED,
	WF_DECLINED,
	WF_AGREED,
	WF_EXCEPTION,
	WF_RESOLVED,
	WF_ALTERNATIVE_PROCEDURES,
	WF_CANCELLED,
	WF_STATE__COUNT
};

/* What can be done to a confirmation.  The names (wf_action_name) follow the API verbs:
 * "return" for POST .../return, "send_back" for .../response/return, "close" for .../close,
 * "ask_again" for .../ask-again. */
enum wf_action {
	WF_SUBMIT,            /* draft -> awaiting_client */
	WF_AUTHORIZE,         /* client admin: -> authorized */
	WF_RETURN_TO_DRAFT,   /* client admin, reason: -> draft */
	WF_REFUSE,            /* client admin, reason: -> refused */
	WF_ADDRESS_CHECK,     /* record the address check (no state change) */
	WF_SEND,              /* audit admin, after an address check: -> sent */
	WF_OPEN,              /* the respondent's first access: -> opened */
	WF_RESPOND_MEMBER,    /* respondent member's answer: -> awaiting_respondent_approval */
	WF_RESPOND_ADMIN,     /* respondent admin's answer, final at once: -> answered */
	WF_APPROVE,           /* respondent admin approves the member's answer: -> answered */
	WF_SEND_BACK,         /* respondent admin returns it, reason: -> opened */
	WF_DECLINE,           /* respondent, reason: -> declined */
	WF_REVIEW_AGREED,     /* audit review: -> agreed */
	WF_REVIEW_EXCEPTION,  /* audit review: -> exception */
	WF_RESOLVE,           /* reconciling items and note: exception -> resolved */
	WF_ASK_AGAIN,         /* audit, reason: answered -> opened, the answer kept as a version */
	WF_CLOSE_ALTERNATIVE, /* audit, note: -> alternative_procedures */
	WF_CANCEL,            /* audit admin, reason: -> cancelled */
	WF_REMIND,            /* second request by hand (no state change) */
	WF_EDIT,              /* PATCH (no state change) */
	WF_SHARE,             /* share with the client or withdraw it (no state change) */
	WF_COMMENT,           /* add a comment (no state change) */
	WF_ACTION__COUNT
};

enum wf_form { WF_FORM_POSITIVE, WF_FORM_BLANK, WF_FORM_NEGATIVE, WF_FORM__COUNT };

enum wf_type {
	WF_TYPE_BANK,
	WF_TYPE_RECEIVABLE,
	WF_TYPE_PAYABLE,
	WF_TYPE_SECURITIES,
	WF_TYPE_LEGAL,
	WF_TYPE_OTHER,
	WF_TYPE__COUNT
};

/* The sections of the standard bank confirmation form (銀行確認状): 預金, 借入金, 保証債務,
 * 割引手形・裏書手形, デリバティブ, 保護預り有価証券, その他. */
enum wf_bank_section {
	WF_SECTION_DEPOSITS,
	WF_SECTION_BORROWINGS,
	WF_SECTION_GUARANTEES,
	WF_SECTION_DISCOUNTED_BILLS,
	WF_SECTION_DERIVATIVES,
	WF_SECTION_CUSTODY_SECURITIES,
	WF_SECTION_OTHER,
	WF_SECTION__COUNT
};

/* The questions of a lawyer's letter (弁護士確認状), each answered in free text. */
enum wf_legal_question {
	WF_QUESTION_PENDING_LITIGATION,
	WF_QUESTION_THREATENED_LITIGATION,
	WF_QUESTION_CLAIMS,
	WF_QUESTION_CONTINGENT_LIABILITIES,
	WF_QUESTION_FEES_OUTSTANDING,
	WF_QUESTION__COUNT
};

/* The vocabularies, defined here once: the database / API names of every state, form and
 * type in enum order, NULL-terminated (the shape of field_spec.enum_values), for field
 * validation, list filters, select boxes and import/export.  Their ja/en labels are the
 * i18n catalogue's "status.<name>", "form.<name>" and "type.<name>"; db/confirmations.xsd
 * and the CHECK constraints of 0003_confirmations.sql list the same names (test_workflow
 * compares the XSD). */
extern const char *const wf_state_names[WF_STATE__COUNT + 1];
extern const char *const wf_form_names[WF_FORM__COUNT + 1];
extern const char *const wf_type_names[WF_TYPE__COUNT + 1];
/* The sections a bank request asks and the questions a lawyer's letter asks, by their API
 * names; labels "section.<name>" in the i18n catalogue.  The CHECK of
 * 0032_sections.sql (section_name_ok) and db/confirmations.xsd list both. */
extern const char *const wf_bank_section_names[WF_SECTION__COUNT + 1];
extern const char *const wf_legal_question_names[WF_QUESTION__COUNT + 1];

/* The database / API name of a state, action, form or type (a static string), or NULL for
 * a value out of range. */
const char *wf_state_name(enum wf_state s);
const char *wf_action_name(enum wf_action a);
const char *wf_form_name(enum wf_form f);
const char *wf_type_name(enum wf_type t);

/* The value named s (exact, case-sensitive match).  true and *out set, or false for an
 * unknown name or NULL (and *out untouched). */
bool wf_state_from_string(const char *s, enum wf_state *out);
bool wf_action_from_string(const char *s, enum wf_action *out);
bool wf_form_from_string(const char *s, enum wf_form *out);
bool wf_type_from_string(const char *s, enum wf_type *out);

/* One row of the transition table: act is legal in from and leads to to. */
typedef struct wf_transition {
	enum wf_state from;
	enum wf_action act;
	enum wf_state to;
} wf_transition;

/* The whole transition table, for listings (bgw-fcgi --transitions, the tests that walk
 * it): *rows points at static storage; returns the number of rows. */
size_t workflow_transitions(const wf_transition **rows);

/* The state after act in state from.  BGW_OK and *to set (to from itself for the actions
 * that change nothing: address_check, remind, edit, share, comment); BGW_E_INVALID_STATE
 * (409) when the table has no such transition; BGW_E_INTERNAL for an out-of-range value. */
bgw_err workflow_next(enum wf_state from, enum wf_action act, enum wf_state *to);

/* true if workflow_next(from, act) would succeed. */
bool workflow_allowed(enum wf_state from, enum wf_action act);

/* The policy action that decides who may run act (the route's policy check); ACT__COUNT,
 * which policy_decide refuses, for an out-of-range act. */
enum policy_action workflow_policy_action(enum wf_action act);

/* The answer action for a respondent: an admin's answer is final at once, a member's waits
 * for an admin's approval. */
enum wf_action workflow_respond_action(bool respondent_admin);

/* true if act needs a non-empty reason (return, refuse, send_back, decline, ask_again,
 * cancel); it is stored in status_reason and the audit event. */
bool workflow_needs_reason(enum wf_action act);

/* true if act needs a non-empty note: close (the alternative procedures) and resolve. */
bool workflow_needs_note(enum wf_action act);

/* true if act may run only after the respondent's address was checked and recorded (send);
 * the handler checks address_checks in the same transaction and answers 409
 * address_not_checked without one. */
bool workflow_requires_address_check(enum wf_action act);

/* true if no action leads out of s (refused, agreed, resolved, alternative_procedures,
 * cancelled): derived from the table. */
bool workflow_is_final(enum wf_state s);

/* true in the states where the current answer is final and readable (answered, agreed,
 * exception, resolved): receipts and the response field.  Earlier versions, kept after
 * ask_again, are readable whatever the state. */
bool workflow_has_final_answer(enum wf_state s);

/* true while the request waits on the respondent (sent, opened,
 * awaiting_respondent_approval): overdue filters and scheduled reminders. */
bool workflow_awaits_respondent(enum wf_state s);

/* false for the negative form: it is accepted but flagged, since negative requests alone
 * are not sufficient audit evidence (ISA 505.15). */
bool workflow_form_sufficient_alone(enum wf_form f);

/* true if a response to this type may add items not asked for (banks report other
 * accounts, loans and guarantees; a custodian reports other holdings). */
bool workflow_extra_items_allowed(enum wf_type t);

/* The sections (bank) or questions (legal) a request of type t may ask: a NULL-terminated
 * static name table, or NULL for a type that asks none. */
const char *const *workflow_sections(enum wf_type t);

/* true if name is a section or question of type t (workflow_sections). */
bool workflow_section_allowed(enum wf_type t, const char *name);

/* true if an asked section of type t is answered in free text (the lawyer's questions);
 * false where it is answered with rows or "none" (the bank's sections). */
bool workflow_section_free_text(enum wf_type t);

/* true if the items of type t are holdings by issue with a quantity and a custody place
 * (securities), so a stated amount is optional and a difference may be in either. */
bool workflow_items_are_holdings(enum wf_type t);
/* true if the audit event action (as recorded: "conf.send", "response.submit", ...) is a
 * step of the confirmation's life: its creation, a transition that changes its state, or
 * an answer given.  The history shows these first and the rest (views, downloads, mails,
 * comments, edits) after them (issue 22 item 5).  NULL or anything else: false. */
bool workflow_event_changes_state(const char *action);

#endif
