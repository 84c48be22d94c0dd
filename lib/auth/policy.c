/* policy.c - the action table and the one decision function. */
#include "auth/policy.h"

#include <stddef.h>
#include <string.h>

/* Role bits: side x admin flag. */
enum {
	AA = 1 << 0, /* audit admin */
	AM = 1 << 1, /* audit member */
	CA = 1 << 2, /* client admin */
	CM = 1 << 3, /* client member */
	RA = 1 << 4, /* respondent admin */
	RM = 1 << 5, /* respondent member */
	AUDIT = AA | AM,
	CLIENT = CA | CM,
	RESP = RA | RM,
	ANY = AUDIT | CLIENT | RESP,
};

enum who { WHO_ANYONE, WHO_SIGNED_IN, WHO_OPERATOR, WHO_FIRM_USER, WHO_MEMBER,
	WHO_RESPONDENT_USER };

struct rule {
	const char *name;
	enum policy_target_kind kind;
	enum who who;
	unsigned roles; /* WHO_MEMBER: which roles may act */
	bool write;     /* refused with 409 on a completed project */
	bool before_code; /* allowed before the first-access code is entered */
};

static const struct rule rules[ACT__COUNT] = {
	[ACT_PUBLIC] = {"public", TARGET_NONE, WHO_ANYONE, 0, false, true},
	[ACT_ACCOUNT] = {"account", TARGET_NONE, WHO_SIGNED_IN, 0, false, true},
	[ACT_OPERATOR] = {"operator", TARGET_NONE, WHO_OPERATOR, 0, false, true},
	[ACT_PROJECT_CREATE] = {"project.create", TARGET_NONE, WHO_FIRM_USER, 0, true, true},
	[ACT_PROJECT_LIST] = {"project.list", TARGET_NONE, WHO_SIGNED_IN, 0, false, true},
	[ACT_INBOX] = {"inbox", TARGET_NONE, WHO_SIGNED_IN, 0, false, true},
	[ACT_PROJECT_ACCESS] = {"project.access", TARGET_PROJECT, WHO_MEMBER, ANY, false, true},
	[ACT_PROJECT_READ] = {"project.read", TARGET_PROJECT, WHO_MEMBER, ANY, false, false},
	[ACT_PROJECT_SETTINGS] = {"project.settings", TARGET_PROJECT, WHO_MEMBER, AA, true, false},
	[ACT_PROJECT_COMPLETE] = {"project.complete", TARGET_PROJECT, WHO_MEMBER, AA, true, false},
	[ACT_PROJECT_EXPORT] = {"project.export", TARGET_PROJECT, WHO_MEMBER, AUDIT | CLIENT, false, false},
	/* The pack holds every answer, document and event: the audit admin's, like the log. */
	[ACT_PROJECT_EVIDENCE] = {"project.evidence", TARGET_PROJECT, WHO_MEMBER, AA, false, false},
	[ACT_PROJECT_AUDIT_LOG] = {"project.audit_log", TARGET_PROJECT, WHO_MEMBER, AA, false, false},
	[ACT_MEMBERS_READ] = {"members.read", TARGET_PROJECT, WHO_MEMBER, ANY, false, false},
	[ACT_MEMBERS_MANAGE] = {"members.manage", TARGET_PROJECT, WHO_MEMBER, AA | CA | RA, true, false},
	[ACT_MEMBER_UNLOCK] = {"members.unlock", TARGET_MEMBER, WHO_MEMBER, AA, true, false},
	[ACT_CONF_CREATE] = {"conf.create", TARGET_PROJECT, WHO_MEMBER, AUDIT | CLIENT, true, false},
	[ACT_CONF_LIST] = {"conf.list", TARGET_PROJECT, WHO_MEMBER, ANY, false, false},
	[ACT_CONF_READ] = {"conf.read", TARGET_CONFIRMATION, WHO_MEMBER, ANY, false, false},
	[ACT_CONF_EDIT] = {"conf.edit", TARGET_CONFIRMATION, WHO_MEMBER, AUDIT | CLIENT, true, false},
	[ACT_CONF_AUTHORIZE] = {"conf.authorize", TARGET_CONFIRMATION, WHO_MEMBER, CA, true, false},
	[ACT_CONF_ADDRESS_CHECK] = {"conf.address_check", TARGET_CONFIRMATION, WHO_MEMBER, AUDIT, true, false},
	[ACT_CONF_SEND] = {"conf.send", TARGET_CONFIRMATION, WHO_MEMBER, AA, true, false},
	[ACT_CONF_RESPOND] = {"conf.respond", TARGET_CONFIRMATION, WHO_MEMBER, RESP, true, false},
	[ACT_CONF_APPROVE] = {"conf.approve", TARGET_CONFIRMATION, WHO_MEMBER, RA, true, false},
	[ACT_CONF_REVIEW] = {"conf.review", TARGET_CONFIRMATION, WHO_MEMBER, AUDIT, true, false},
	[ACT_CONF_CANCEL] = {"conf.cancel", TARGET_CONFIRMATION, WHO_MEMBER, AA, true, false},
	/* Where a request goes is the audit team's channel: after sending only an admin moves
	 * it, as only an admin sends. */
	[ACT_CONF_READDRESS] = {"conf.readdress", TARGET_CONFIRMATION, WHO_MEMBER, AA, true, false},
	/* A receipt is the answer: the client reads it only while the audit team shares the
	 * answer (policy_may_see_response, in policy_decide). */
	[ACT_CONF_RECEIPT] = {"conf.receipt", TARGET_CONFIRMATION, WHO_MEMBER, ANY, false, false},
	[ACT_CONF_COMMENT] = {"conf.comment", TARGET_CONFIRMATION, WHO_MEMBER, ANY, false, false},
	[ACT_CONF_HISTORY] = {"conf.history", TARGET_CONFIRMATION, WHO_MEMBER, AUDIT, false, false},
	[ACT_DOC_UPLOAD] = {"doc.upload", TARGET_NONE, WHO_MEMBER, ANY, true, false},
	[ACT_DOC_LIST] = {"doc.list", TARGET_NONE, WHO_MEMBER, ANY, false, false},
	[ACT_DOC_READ] = {"doc.read", TARGET_DOCUMENT, WHO_MEMBER, ANY, false, false},
	/* Signed in is all the router checks; the handler loads the facts about the account
	 * and asks policy_account_delete. */
	[ACT_ACCOUNT_DELETE] = {"account.delete", TARGET_NONE, WHO_SIGNED_IN, 0, true, true},
	/* A printed letter carries a fresh first-access code of the respondent: only those who
	 * issue codes (ACT_CONF_SEND's audit admin) print one. */
	[ACT_CONF_LETTER] = {"conf.letter", TARGET_CONFIRMATION, WHO_MEMBER, AA, true, false},
	[ACT_PROJECT_LETTERS] = {"project.letters", TARGET_PROJECT, WHO_MEMBER, AA, true, false},
	/* A desk's bulk answers: only respondent users have a desk (others: 404, as if the
	 * route did not exist); the use case asks conf.respond / conf.approve of each request. */
	[ACT_BULK_ANSWER] = {"bulk.answer", TARGET_NONE, WHO_RESPONDENT_USER, 0, false, true},
	[ACT_BULK_APPROVE] = {"bulk.approve", TARGET_NONE, WHO_RESPONDENT_USER, 0, false, true},
	/* A respondent organisation is not a project: no code, never completed.  Its users
	 * are the target's respondent side (lib/auth/target.c, target_org). */
	[ACT_ORG_READ] = {"org.read", TARGET_ORG, WHO_MEMBER, RESP, false, true},
	[ACT_ORG_MANAGE] = {"org.manage", TARGET_ORG, WHO_MEMBER, RA, true, true},
	/* The certified respondents' directory is the auditors' address book: users of an
	 * audit firm search it (a pick is ACT_CONF_ADDRESS_CHECK on the confirmation). */
	[ACT_DIRECTORY] = {"directory", TARGET_NONE, WHO_FIRM_USER, 0, false, true},
	/* The desk's queue is the user's own organisation's: the use case binds the user's
	 * org_members row (desk or unit), row-level security the branch rule (0029). */
	[ACT_DESK] = {"desk", TARGET_NONE, WHO_SIGNED_IN, 0, true, true},
};

static unsigned
role_bit(enum policy_side side, bool admin)
{
	switch (side) {
	case SIDE_AUDIT: return admin ? AA : AM;
	case SIDE_CLIENT: return admin ? CA : CM;
	case SIDE_RESPONDENT: return admin ? RA : RM;
	default: return 0;
	}
}

enum policy_target_kind
policy_target_kind(enum policy_action act)
{
	return (unsigned)act < ACT__COUNT ? rules[act].kind : TARGET_NONE;
}

const char *
policy_action_name(enum policy_action act)
{
	return (unsigned)act < ACT__COUNT && rules[act].name != NULL ? rules[act].name : "?";
}

/* Can the member see the target at all?  Respondents see only confirmations addressed to
 * their organisation once sent; client and respondent access ends with the project. */
static bool
visible(const policy_target *t, enum policy_target_kind kind)
{
	if (!t->exists || !t->member)
		return false;
	if (t->project_completed && t->side != SIDE_AUDIT)
		return false;
	if (t->side == SIDE_RESPONDENT && (kind == TARGET_CONFIRMATION || kind == TARGET_DOCUMENT))
		return t->addressed_to_user_org && t->released;
	return t->side != SIDE_NONE;
}

bgw_err
policy_decide(enum policy_action act, const policy_subject *s, const policy_target *t)
{
	const struct rule *r;
	enum policy_target_kind kind;

	if ((unsigned)act >= ACT__COUNT || rules[act].name == NULL)
		return BGW_E_FORBIDDEN; /* deny by default */
	r = &rules[act];
	if (r->who == WHO_ANYONE)
		return BGW_OK;
	if (s == NULL || !s->signed_in)
		return BGW_E_UNAUTHENTICATED;
	switch (r->who) {
	case WHO_SIGNED_IN:
		return BGW_OK;
	case WHO_OPERATOR:
		/* Operators work only with their second factor on (they can still enrol it:
		 * that is an account action). */
		if (!s->operator)
			return BGW_E_NOT_FOUND;
		return s->mfa ? BGW_OK : BGW_E_FORBIDDEN;
	case WHO_FIRM_USER:
		return s->audit_firm_user && !s->operator ? BGW_OK : BGW_E_FORBIDDEN;
	case WHO_RESPONDENT_USER:
		return s->respondent_user && !s->operator ? BGW_OK : BGW_E_NOT_FOUND;
	default:
		break;
	}
	/* Operators read no project content, whatever else they are. */
	if (s->operator || t == NULL)
		return BGW_E_NOT_FOUND;
	/* Routes on a project or a confirmation (document lists and uploads) judge visibility
	 * by what the loader found, so a respondent sees only its own confirmations' files. */
	kind = t->kind != TARGET_NONE ? t->kind : r->kind;
	if (!visible(t, kind))
		return BGW_E_NOT_FOUND;
	/* Project-level documents are for the audit team and the client only. */
	if ((act == ACT_DOC_UPLOAD || act == ACT_DOC_LIST || act == ACT_DOC_READ) &&
	    kind == TARGET_PROJECT && t->side == SIDE_RESPONDENT)
		return BGW_E_NOT_FOUND;
	/* A document belongs to the side that uploaded it: hidden as if it did not exist. */
	if (act == ACT_DOC_READ && !policy_may_see_document(t, t->doc_side))
		return BGW_E_NOT_FOUND;
	if (!r->before_code && !t->code_verified)
		return BGW_E_CODE_REQUIRED;
	if (t->mfa_required && !s->mfa && act != ACT_PROJECT_ACCESS)
		return BGW_E_FORBIDDEN;
	if (act == ACT_PROJECT_ACCESS && t->code_locked)
		return BGW_E_LOCKED;
	if ((r->roles & role_bit(t->side, t->admin)) == 0)
		return BGW_E_FORBIDDEN;
	if (act == ACT_CONF_RECEIPT && !policy_may_see_response(t))
		return BGW_E_FORBIDDEN;
	if (r->write && t->project_completed)
		return BGW_E_PROJECT_COMPLETED;
	/* The client never has a channel to the respondent: its files are for the audit team,
	 * and once the request is sent it adds none (the audit team's and the respondent's
	 * uploads go on). */
	if (act == ACT_DOC_UPLOAD && kind == TARGET_CONFIRMATION && t->side == SIDE_CLIENT &&
	    t->released)
		return BGW_E_INVALID_STATE;
	return BGW_OK;
}

bool
policy_may_manage(enum policy_side side, bool admin, enum policy_side new_side, bool same_org)
{
	if (!admin)
		return false;
	switch (side) {
	case SIDE_AUDIT: return new_side != SIDE_NONE;
	case SIDE_CLIENT: return new_side == SIDE_CLIENT;
	case SIDE_RESPONDENT: return new_side == SIDE_RESPONDENT && same_org;
	default: return false;
	}
}

bgw_err
policy_account_delete(const policy_subject *s, const policy_account_facts *f)
{
	if (s == NULL || !s->signed_in)
		return BGW_E_UNAUTHENTICATED;
	if (f == NULL || !f->found || (!f->self && !f->same_org))
		return BGW_E_NOT_FOUND;
	/* Operators manage accounts with their own tools (lock), not as an organisation. */
	if (s->operator || (!f->self && !f->admin))
		return BGW_E_FORBIDDEN;
	if (f->last_admin)
		return BGW_E_INVALID_STATE;
	return BGW_OK;
}

bool
policy_may_see_document(const policy_target *t, enum policy_side uploaded_by)
{
	switch (uploaded_by) {
	case SIDE_AUDIT: return true;
	case SIDE_CLIENT: return t->side == SIDE_AUDIT || t->side == SIDE_CLIENT;
	case SIDE_RESPONDENT: return policy_may_see_response(t);
	default: return t->side == SIDE_AUDIT; /* fail closed */
	}
}

bool
policy_may_manage_org_member(bool admin, const char *admin_unit, const char *old_unit,
    const char *new_unit)
{
	if (!admin)
		return false;
	if (admin_unit == NULL)
		return true;
	return old_unit != NULL && new_unit != NULL && strcmp(admin_unit, old_unit) == 0 &&
	    strcmp(admin_unit, new_unit) == 0;
}

const char *
policy_side_name(enum policy_side side)
{
	switch (side) {
	case SIDE_AUDIT: return "audit";
	case SIDE_CLIENT: return "client";
	case SIDE_RESPONDENT: return "respondent";
	default: return NULL;
	}
}

bool
policy_may_see_response(const policy_target *t)
{
	switch (t->side) {
	case SIDE_AUDIT: return true;
	case SIDE_RESPONDENT: return t->addressed_to_user_org;
	case SIDE_CLIENT: return t->shared_with_client;
	default: return false;
	}
}
