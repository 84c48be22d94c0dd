/* workflow.c - the one transition table of the confirmation lifecycle (see workflow.h). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "flow/workflow.h"

/* Every legal (state, action) pair; any pair not here is 409.  Grouped by action, in the
 * order of the diagram; the rows whose "to" equals "from" record actions that change nothing
 * but are allowed only in those states. */
static const wf_transition table[] = {
	{WF_DRAFT, WF_SUBMIT, WF_AWAITING_CLIENT},
	{WF_AWAITING_CLIENT, WF_AUTHORIZE, WF_AUTHORIZED},
	{WF_AWAITING_CLIENT, WF_RETURN_TO_DRAFT, WF_DRAFT},
	{WF_AWAITING_CLIENT, WF_REFUSE, WF_REFUSED},
	{WF_AUTHORIZED, WF_SEND, WF_SENT},
	{WF_SENT, WF_OPEN, WF_OPENED},
	{WF_OPENED, WF_RESPOND_MEMBER, WF_AWAITING_RESPONDENT_APPROVAL},
	{WF_OPENED, WF_RESPOND_ADMIN, WF_ANSWERED},
	{WF_AWAITING_RESPONDENT_APPROVAL, WF_APPROVE, WF_ANSWERED},
	{WF_AWAITING_RESPONDENT_APPROVAL, WF_SEND_BACK, WF_OPENED},
	{WF_OPENED, WF_DECLINE, WF_DECLINED},
	{WF_ANSWERED, WF_REVIEW_AGREED, WF_AGREED},
	{WF_ANSWERED, WF_REVIEW_EXCEPTION, WF_EXCEPTION},
	{WF_EXCEPTION, WF_RESOLVE, WF_RESOLVED},
	{WF_ANSWERED, WF_ASK_AGAIN, WF_OPENED},
	/* A refusal (ISA 505.8) is followed by alternative procedures. */
	{WF_REFUSED, WF_CLOSE_ALTERNATIVE, WF_ALTERNATIVE_PROCEDURES},
	{WF_SENT, WF_CLOSE_ALTERNATIVE, WF_ALTERNATIVE_PROCEDURES},
	{WF_OPENED, WF_CLOSE_ALTERNATIVE, WF_ALTERNATIVE_PROCEDURES},
	{WF_DECLINED, WF_CLOSE_ALTERNATIVE, WF_ALTERNATIVE_PROCEDURES},

	/* cancel: every state before answered on the way to an answer (not refused, declined) */
	{WF_DRAFT, WF_CANCEL, WF_CANCELLED},
	{WF_AWAITING_CLIENT, WF_CANCEL, WF_CANCELLED},
	{WF_AUTHORIZED, WF_CANCEL, WF_CANCELLED},
	{WF_SENT, WF_CANCEL, WF_CANCELLED},
	{WF_OPENED, WF_CANCEL, WF_CANCELLED},
	{WF_AWAITING_RESPONDENT_APPROVAL, WF_CANCEL, WF_CANCELLED},

	/* no state change */
	{WF_DRAFT, WF_EDIT, WF_DRAFT},
	{WF_DRAFT, WF_ADDRESS_CHECK, WF_DRAFT},
	{WF_AWAITING_CLIENT, WF_ADDRESS_CHECK, WF_AWAITING_CLIENT},
	{WF_AUTHORIZED, WF_ADDRESS_CHECK, WF_AUTHORIZED},
	{WF_SENT, WF_REMIND, WF_SENT},
	{WF_OPENED, WF_REMIND, WF_OPENED},

	{WF_SENT, WF_SHARE, WF_SENT},
	{WF_OPENED, WF_SHARE, WF_OPENED},
	{WF_AWAITING_RESPONDENT_APPROVAL, WF_SHARE, WF_AWAITING_RESPONDENT_APPROVAL},
	{WF_ANSWERED, WF_SHARE, WF_ANSWERED},
	{WF_DECLINED, WF_SHARE, WF_DECLINED},
	{WF_AGREED, WF_SHARE, WF_AGREED},
	{WF_EXCEPTION, WF_SHARE, WF_EXCEPTION},
	{WF_RESOLVED, WF_SHARE, WF_RESOLVED},
	{WF_ALTERNATIVE_PROCEDURES, WF_SHARE, WF_ALTERNATIVE_PROCEDURES},
	{WF_CANCELLED, WF_SHARE, WF_CANCELLED},

	{WF_DRAFT, WF_COMMENT, WF_DRAFT},
	{WF_AWAITING_CLIENT, WF_COMMENT, WF_AWAITING_CLIENT},
	{WF_REFUSED, WF_COMMENT, WF_REFUSED},
	{WF_AUTHORIZED, WF_COMMENT, WF_AUTHORIZED},
	{WF_SENT, WF_COMMENT, WF_SENT},
	{WF_OPENED, WF_COMMENT, WF_OPENED},
	{WF_AWAITING_RESPONDENT_APPROVAL, WF_COMMENT, WF_AWAITING_RESPONDENT_APPROVAL},
	{WF_ANSWERED, WF_COMMENT, WF_ANSWERED},
	{WF_DECLINED, WF_COMMENT, WF_DECLINED},
	{WF_AGREED, WF_COMMENT, WF_AGREED},
	{WF_EXCEPTION, WF_COMMENT, WF_EXCEPTION},
	{WF_RESOLVED, WF_COMMENT, WF_RESOLVED},
	{WF_ALTERNATIVE_PROCEDURES, WF_COMMENT, WF_ALTERNATIVE_PROCEDURES},
	{WF_CANCELLED, WF_COMMENT, WF_CANCELLED},
};

#define NTRANSITIONS (sizeof table / sizeof table[0])

size_t
workflow_transitions(const wf_transition **rows)
{
	*rows = table;
	return NTRANSITIONS;
}

/* Per action: its name, the policy action guarding it, and what it must carry.  Indexed by
 * enum wf_action; the designated initialisers keep the order honest. */
static const struct action_info {
	const char *name;
	enum policy_action policy;
	bool reason;
	bool note;
	bool address_check;
} actions[WF_ACTION__COUNT] = {
	[WF_SUBMIT] = {"submit", ACT_CONF_EDIT, false, false, false},
	[WF_AUTHORIZE] = {"authorize", ACT_CONF_AUTHORIZE, false, false, false},
	[WF_RETURN_TO_DRAFT] = {"return", ACT_CONF_AUTHORIZE, true, false, false},
	[WF_REFUSE] = {"refuse", ACT_CONF_AUTHORIZE, true, false, false},
	[WF_ADDRESS_CHECK] = {"address_check", ACT_CONF_ADDRESS_CHECK, false, false, false},
	[WF_SEND] = {"send", ACT_CONF_SEND, false, false, true},
	[WF_OPEN] = {"open", ACT_CONF_READ, false, false, false},
	[WF_RESPOND_MEMBER] = {"respond_member", ACT_CONF_RESPOND, false, false, false},
	[WF_RESPOND_ADMIN] = {"respond_admin", ACT_CONF_RESPOND, false, false, false},
	[WF_APPROVE] = {"approve", ACT_CONF_APPROVE, false, false, false},
	[WF_SEND_BACK] = {"send_back", ACT_CONF_APPROVE, true, false, false},
	[WF_DECLINE] = {"decline", ACT_CONF_RESPOND, true, false, false},
	[WF_REVIEW_AGREED] = {"review_agreed", ACT_CONF_REVIEW, false, false, false},
	[WF_REVIEW_EXCEPTION] = {"review_exception", ACT_CONF_REVIEW, false, false, false},
	[WF_RESOLVE] = {"resolve", ACT_CONF_REVIEW, false, true, false},
	[WF_ASK_AGAIN] = {"ask_again", ACT_CONF_REVIEW, true, false, false},
	[WF_CLOSE_ALTERNATIVE] = {"close", ACT_CONF_REVIEW, false, true, false},
	[WF_CANCEL] = {"cancel", ACT_CONF_CANCEL, true, false, false},
	[WF_REMIND] = {"remind", ACT_CONF_REVIEW, false, false, false},
	[WF_EDIT] = {"edit", ACT_CONF_EDIT, false, false, false},
	[WF_SHARE] = {"share", ACT_CONF_REVIEW, false, false, false},
	[WF_COMMENT] = {"comment", ACT_CONF_COMMENT, false, false, false},
};

const char *const wf_state_names[WF_STATE__COUNT + 1] = {
	[WF_DRAFT] = "draft",
	[WF_AWAITING_CLIENT] = "awaiting_client",
	[WF_REFUSED] = "refused",
	[WF_AUTHORIZED] = "authorized",
	[WF_SENT] = "sent",
	[WF_OPENED] = "opened",
	[WF_AWAITING_RESPONDENT_APPROVAL] = "awaiting_respondent_approval",
	[WF_ANSWERED] = "answered",
	[WF_DECLINED] = "declined",
	[WF_AGREED] = "agreed",
	[WF_EXCEPTION] = "exception",
	[WF_RESOLVED] = "resolved",
	[WF_ALTERNATIVE_PROCEDURES] = "alternative_procedures",
	[WF_CANCELLED] = "cancelled",
};

const char *const wf_form_names[WF_FORM__COUNT + 1] = {
	[WF_FORM_POSITIVE] = "positive",
	[WF_FORM_BLANK] = "blank",
	[WF_FORM_NEGATIVE] = "negative",
};

const char *const wf_type_names[WF_TYPE__COUNT + 1] = {
	[WF_TYPE_BANK] = "bank",
	[WF_TYPE_RECEIVABLE] = "receivable",
	[WF_TYPE_PAYABLE] = "payable",
	[WF_TYPE_SECURITIES] = "securities",
	[WF_TYPE_LEGAL] = "legal",
	[WF_TYPE_OTHER] = "other",
};

const char *const wf_bank_section_names[WF_SECTION__COUNT + 1] = {
	[WF_SECTION_DEPOSITS] = "deposits",
	[WF_SECTION_BORROWINGS] = "borrowings",
	[WF_SECTION_GUARANTEES] = "guarantees",
	[WF_SECTION_DISCOUNTED_BILLS] = "discounted_bills",
	[WF_SECTION_DERIVATIVES] = "derivatives",
	[WF_SECTION_CUSTODY_SECURITIES] = "custody_securities",
	[WF_SECTION_OTHER] = "other",
};

const char *const wf_legal_question_names[WF_QUESTION__COUNT + 1] = {
	[WF_QUESTION_PENDING_LITIGATION] = "pending_litigation",
	[WF_QUESTION_THREATENED_LITIGATION] = "threatened_litigation",
	[WF_QUESTION_CLAIMS] = "claims",
	[WF_QUESTION_CONTINGENT_LIABILITIES] = "contingent_liabilities",
	[WF_QUESTION_FEES_OUTSTANDING] = "fees_outstanding",
};

static bool
state_ok(enum wf_state s)
{
	return (unsigned)s < WF_STATE__COUNT;
}

static bool
action_ok(enum wf_action a)
{
	return (unsigned)a < WF_ACTION__COUNT;
}

/* The index of name in names[0..n-1], or -1. */
static int
lookup(const char *const *names, int n, const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *
wf_state_name(enum wf_state s)
{
	return state_ok(s) ? wf_state_names[s] : NULL;
}

const char *
wf_action_name(enum wf_action a)
{
	return action_ok(a) ? actions[a].name : NULL;
}

const char *
wf_form_name(enum wf_form f)
{
	return (unsigned)f < WF_FORM__COUNT ? wf_form_names[f] : NULL;
}

const char *
wf_type_name(enum wf_type t)
{
	return (unsigned)t < WF_TYPE__COUNT ? wf_type_names[t] : NULL;
}

bool
wf_state_from_string(const char *s, enum wf_state *out)
{
	int i = lookup(wf_state_names, WF_STATE__COUNT, s);

	if (i < 0)
		return false;
	*out = (enum wf_state)i;
	return true;
}

bool
wf_action_from_string(const char *s, enum wf_action *out)
{
	int i;

	if (s == NULL)
		return false;
	for (i = 0; i < WF_ACTION__COUNT; i++) {
		if (strcmp(actions[i].name, s) == 0) {
			*out = (enum wf_action)i;
			return true;
		}
	}
	return false;
}

bool
wf_form_from_string(const char *s, enum wf_form *out)
{
	int i = lookup(wf_form_names, WF_FORM__COUNT, s);

	if (i < 0)
		return false;
	*out = (enum wf_form)i;
	return true;
}

bool
wf_type_from_string(const char *s, enum wf_type *out)
{
	int i = lookup(wf_type_names, WF_TYPE__COUNT, s);

	if (i < 0)
		return false;
	*out = (enum wf_type)i;
	return true;
}

bgw_err
workflow_next(enum wf_state from, enum wf_action act, enum wf_state *to)
{
	size_t i;

	if (!state_ok(from) || !action_ok(act) || to == NULL)
		return BGW_E_INTERNAL;
	for (i = 0; i < NTRANSITIONS; i++) {
		if (table[i].from == from && table[i].act == act) {
			*to = table[i].to;
			return BGW_OK;
		}
	}
	return BGW_E_INVALID_STATE;
}

bool
workflow_allowed(enum wf_state from, enum wf_action act)
{
	enum wf_state to;

	return workflow_next(from, act, &to) == BGW_OK;
}

enum policy_action
workflow_policy_action(enum wf_action act)
{
	/* Deny by default: ACT__COUNT is outside policy's table, and policy_decide refuses it. */
	return action_ok(act) ? actions[act].policy : ACT__COUNT;
}

enum wf_action
workflow_respond_action(bool respondent_admin)
{
	return respondent_admin ? WF_RESPOND_ADMIN : WF_RESPOND_MEMBER;
}

bool
workflow_needs_reason(enum wf_action act)
{
	return action_ok(act) && actions[act].reason;
}

bool
workflow_needs_note(enum wf_action act)
{
	return action_ok(act) && actions[act].note;
}

bool
workflow_requires_address_check(enum wf_action act)
{
	return action_ok(act) && actions[act].address_check;
}

bool
workflow_is_final(enum wf_state s)
{
	size_t i;

	if (!state_ok(s))
		return false;
	for (i = 0; i < NTRANSITIONS; i++)
		if (table[i].from == s && table[i].to != s)
			return false;
	return true;
}

bool
workflow_has_final_answer(enum wf_state s)
{
	return s == WF_ANSWERED || s == WF_AGREED || s == WF_EXCEPTION || s == WF_RESOLVED;
}

bool
workflow_awaits_respondent(enum wf_state s)
{
	return s == WF_SENT || s == WF_OPENED || s == WF_AWAITING_RESPONDENT_APPROVAL;
}

bool
workflow_form_sufficient_alone(enum wf_form f)
{
	return f == WF_FORM_POSITIVE || f == WF_FORM_BLANK;
}

bool
workflow_extra_items_allowed(enum wf_type t)
{
	return t == WF_TYPE_BANK || t == WF_TYPE_SECURITIES;
}

const char *const *
workflow_sections(enum wf_type t)
{
	if (t == WF_TYPE_BANK)
		return wf_bank_section_names;
	if (t == WF_TYPE_LEGAL)
		return wf_legal_question_names;
	return NULL;
}

bool
workflow_section_allowed(enum wf_type t, const char *name)
{
	const char *const *names = workflow_sections(t);

	if (names == NULL || name == NULL)
		return false;
	for (; *names != NULL; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

bool
workflow_section_free_text(enum wf_type t)
{
	return t == WF_TYPE_LEGAL;
}

bool
workflow_items_are_holdings(enum wf_type t)
{
	return t == WF_TYPE_SECURITIES;
}

bool
workflow_event_changes_state(const char *action)
{
	enum wf_action act;

	if (action == NULL)
		return false;
	if (strcmp(action, "conf.create") == 0 || strcmp(action, "response.submit") == 0 ||
	    strcmp(action, "response.final") == 0)
		return true;
	if (strncmp(action, "conf.", 5) != 0 || !wf_action_from_string(action + 5, &act))
		return false;
	/* The actions that leave the state as it is (workflow.h's enum). */
	return act != WF_ADDRESS_CHECK && act != WF_REMIND && act != WF_EDIT && act != WF_SHARE &&
	    act != WF_COMMENT;
}
