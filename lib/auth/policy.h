/* policy.h - the one policy layer: who may do what to which object.
 *
 * Every route names a policy action.  Before its handler runs, the router loads the facts
 * about the user and the target (policy_target, from one query bound to the user's id) and
 * asks policy_decide.  Deny by default: an action missing from the table is refused.
 *
 * The answer distinguishes "may not see this at all" (BGW_E_NOT_FOUND: the same answer as a
 * missing object, so existence never leaks) from "sees it but may not do this"
 * (BGW_E_FORBIDDEN).
 */
#ifndef BGW_POLICY_H
#define BGW_POLICY_H

#include <stdbool.h>

#include "core/err.h"

enum policy_side { SIDE_NONE = 0, SIDE_AUDIT, SIDE_CLIENT, SIDE_RESPONDENT };

/* What a route acts on; decides which facts the router loads. */
enum policy_target_kind {
	TARGET_NONE,         /* no project object: public or account routes */
	TARGET_PROJECT,      /* {pid} */
	TARGET_CONFIRMATION, /* {cid} */
	TARGET_DOCUMENT,     /* {did} */
	TARGET_MEMBER,       /* {pid}/members/{uid} */
	TARGET_ORG,          /* {oid}: a respondent organisation (issue 17), seen by its users */
};

enum policy_action {
	ACT_PUBLIC,            /* health, verify, login, reset, invitation accept */
	ACT_ACCOUNT,           /* own session, password, MFA */
	ACT_OPERATOR,          /* operator pages and API */
	ACT_PROJECT_CREATE,
	ACT_PROJECT_LIST,
	ACT_INBOX,
	ACT_DIRECTORY,         /* search the certified respondents (lane rd) */
	ACT_DESK,              /* a certified respondent's desk queue and routing (lane rd) */
	ACT_PROJECT_ACCESS,    /* enter the first-access code */
	ACT_PROJECT_READ,
	ACT_PROJECT_SETTINGS,  /* reminder schedule, MFA requirement, regenerate code */
	ACT_PROJECT_COMPLETE,
	ACT_PROJECT_EXPORT,
	ACT_PROJECT_EVIDENCE,     /* the evidence pack: audit admin only */
	ACT_PROJECT_AUDIT_LOG,
	ACT_MEMBERS_READ,
	ACT_MEMBERS_MANAGE,    /* add/remove: the side rules are checked by policy_may_manage */
	ACT_MEMBER_UNLOCK,
	ACT_CONF_CREATE,
	ACT_CONF_LIST,
	ACT_CONF_READ,
	ACT_CONF_EDIT,         /* PATCH, submit */
	ACT_CONF_AUTHORIZE,    /* authorize, return, refuse */
	ACT_CONF_ADDRESS_CHECK,
	ACT_CONF_SEND,
	ACT_CONF_RESPOND,      /* response, decline */
	ACT_CONF_APPROVE,      /* response approve / return */
	ACT_CONF_REVIEW,       /* review, resolve, ask again, close, remind, share */
	ACT_CONF_CANCEL,
	ACT_CONF_READDRESS,    /* correct an undeliverable addressee, with a new address check */
	ACT_CONF_RECEIPT,
	ACT_CONF_COMMENT,      /* read and write the comments the user may see */
	ACT_CONF_HISTORY,
	ACT_DOC_UPLOAD,
	ACT_DOC_LIST,
	ACT_DOC_READ,
	ACT_ACCOUNT_DELETE,    /* delete an account: the facts are judged by policy_account_delete */
	/* lane e1: request letters on paper (issue 18) */
	ACT_CONF_LETTER,       /* print one request letter: issues the respondent's code */
	ACT_PROJECT_LETTERS,   /* print the letters of chosen confirmations */
	/* bulk answers (lib/records/bulkanswer.h): respondent users only; each confirmation of
	 * the selection is then judged as ACT_CONF_RESPOND or ACT_CONF_APPROVE on its own */
	ACT_BULK_ANSWER,       /* download the open requests, upload the answers */
	ACT_BULK_APPROVE,      /* approve a selection of waiting answers */
	/* A respondent organisation's own users and units (issue 17): its users read, its
	 * admins manage (a unit's admin its unit only: policy_may_manage_org_member). */
	ACT_ORG_READ,
	ACT_ORG_MANAGE,
	ACT__COUNT
};

/* Facts about the signed-in user. */
typedef struct policy_subject {
	bool signed_in;
	bool operator;
	bool mfa;             /* signed in with a second factor */
	bool audit_firm_user; /* belongs to an audit firm: may create projects */
	bool respondent_user; /* belongs to a respondent organisation: may use the bulk answers */
} policy_subject;

/* Facts about the target and the user's membership in its project. */
typedef struct policy_target {
	enum policy_target_kind kind; /* what the loader loaded (documents: their parent) */
	bool exists;
	bool member;
	enum policy_side side;
	bool admin;
	bool code_verified;
	bool code_locked;
	bool project_completed;
	bool mfa_required;          /* the audit admin requires MFA of everyone in the project */
	/* confirmations and their documents */
	bool addressed_to_user_org; /* the confirmation's respondent organisation is the user's */
	bool released;              /* sent to the respondent (respondents see nothing before) */
	bool shared_with_client;    /* the audit team shared the response with the client */
	enum policy_side doc_side;  /* a document: the side that uploaded it (migration 0020) */
} policy_target;

/* The target kind an action works on. */
enum policy_target_kind policy_target_kind(enum policy_action act);

/* The action's name, for logs and the route listing ("conf.send"). */
const char *policy_action_name(enum policy_action act);

/* Decide.  Documents (ACT_DOC_*) follow the side that uploaded them, see
 * policy_may_see_document; a hidden document is BGW_E_NOT_FOUND, and a client's upload to a
 * confirmation already sent is BGW_E_INVALID_STATE (409: no file channel to the respondent).
 * BGW_OK; BGW_E_UNAUTHENTICATED (no session where one is needed);
 * BGW_E_NOT_FOUND (cannot see the target); BGW_E_CODE_REQUIRED (member who has not entered
 * the project's code); BGW_E_LOCKED (too many wrong codes, for ACT_PROJECT_ACCESS);
 * BGW_E_FORBIDDEN (sees it, may not do it, or the project requires MFA the user lacks); BGW_E_PROJECT_COMPLETED (a write to a completed
 * project by the audit team, who keep read access). */
bgw_err policy_decide(enum policy_action act, const policy_subject *s, const policy_target *t);

/* May a member with (side, admin) add or remove a member of new_side?  Audit admins: any
 * side; client admins: client side; respondent admins: respondent side of their own
 * organisation (same_org).  Others: no. */
bool policy_may_manage(enum policy_side side, bool admin, enum policy_side new_side,
    bool same_org);

/* Facts about deleting an account (db function account_delete_facts). */
typedef struct policy_account_facts {
	bool found;      /* a live account that is not an operator's */
	bool self;       /* the user's own account */
	bool same_org;   /* of the user's own organisation */
	bool admin;      /* the user is an admin of that organisation's side in an active project */
	bool last_admin; /* the account is the only admin of its side in an active project */
} policy_account_facts;

/* May s delete the account described by f?  A user may delete its own account; an admin
 * the accounts of its own organisation (its own side).  BGW_OK; BGW_E_NOT_FOUND (no such
 * live account, an operator's, or one of another organisation: not this user's business);
 * BGW_E_FORBIDDEN (own organisation, but s is no admin of it, or s is an operator);
 * BGW_E_INVALID_STATE (409: the account is the last admin of its side in an active project,
 * which would be left without one; make someone else admin first). */
bgw_err policy_account_delete(const policy_subject *s, const policy_account_facts *f);

/* May this member see the response of a confirmation (audit; the respondent; the client when
 * shared)? */
bool policy_may_see_response(const policy_target *t);

/* May this member, who sees the document's confirmation or project (t), see a document
 * uploaded by a member of side uploaded_by?  The audit team's files: whoever sees the parent.
 * The client's: the audit team and the client, never the respondent.  The respondent's are
 * part of its answer: whoever may see the response (the client only while shared). */
bool policy_may_see_document(const policy_target *t, enum policy_side uploaded_by);

/* May an organisation admin whose unit is admin_unit (NULL: the whole organisation) manage
 * a user now in unit old_unit and leave it in new_unit (NULL: the desk, the whole
 * organisation)?  An admin without a unit manages everyone; an admin of a unit only the
 * users of its unit, who stay in it.  Not an admin: no. */
bool policy_may_manage_org_member(bool admin, const char *admin_unit, const char *old_unit,
    const char *new_unit);

/* "audit", "client", "respondent" (as stored), or NULL for SIDE_NONE. */
const char *policy_side_name(enum policy_side side);

#endif
