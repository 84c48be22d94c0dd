/* routes_pages_account.c - the routes of the account-side HTML pages: invitation, password
 * reset, account settings and MFA, members, help, the public verify page, operator pages.
 * Conventions as in routes_pages.c (forms are BODY_FORM, each POST answers 303, except
 * where a secret is shown once: a new MFA secret, recovery codes, a new access code).
 *
 * Paths of forms that carry secrets (/invitations/accept, /password-reset, /me/password,
 * /me/mfa...) are the ones nginx's ModSecurity exclusion 10010 keeps out of inspection and
 * logs, like their /api/v1 twins. */
#include "api/handlers.h"
#include "route.h"

#define SIGNED ROUTE_SIGNED_IN
#define PUBLIC ROUTE_PUBLIC
#define OPERATOR ROUTE_OPERATOR
#define MEMBERS "/projects/{}/members"

const route routes_pages_account[] = {
	/* opened from a mailed link: no session yet */
	{"GET", "/invitation", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_invitation,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", "/invitations/accept", ACT_PUBLIC, PUBLIC, false, BODY_FORM, NULL,
	    page_invitation_accept, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"GET", "/password-reset", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_reset,
	    ANSWER_KEPT, TX_NONE, TARGET_NONE},
	{"POST", "/password-reset", ACT_PUBLIC, PUBLIC, false, BODY_FORM, NULL, page_reset_post,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", "/password-reset/complete", ACT_PUBLIC, PUBLIC, false, BODY_FORM, NULL,
	    page_reset_complete, ANSWER_KEPT, TX_WRITE, TARGET_NONE},

	/* account settings */
	{"GET", "/account", ACT_ACCOUNT, SIGNED, false, BODY_NONE, NULL, page_account, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},
	{"POST", "/me/password", ACT_ACCOUNT, SIGNED, true, BODY_FORM, NULL, page_password_change,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", "/me/mfa", ACT_ACCOUNT, SIGNED, true, BODY_FORM, NULL, page_mfa_begin,
	    ANSWER_SECRET, TX_WRITE, TARGET_NONE},
	{"POST", "/me/mfa/verify", ACT_ACCOUNT, SIGNED, true, BODY_FORM, NULL, page_mfa_verify,
	    ANSWER_SECRET, TX_WRITE, TARGET_NONE},
	{"POST", "/me/mfa/disable", ACT_ACCOUNT, SIGNED, true, BODY_FORM, NULL, page_mfa_disable,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},

	/* members of a project */
	{"GET", MEMBERS, ACT_MEMBERS_READ, SIGNED, false, BODY_NONE, NULL, page_members,
	    ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", MEMBERS, ACT_MEMBERS_MANAGE, SIGNED, true, BODY_FORM, NULL, page_member_add,
	    ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", MEMBERS "/{}/remove", ACT_MEMBERS_MANAGE, SIGNED, true, BODY_FORM, NULL,
	    page_member_remove, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", MEMBERS "/{}/unlock", ACT_MEMBER_UNLOCK, SIGNED, true, BODY_FORM, NULL,
	    page_member_unlock, ANSWER_KEPT, TX_WRITE, TARGET_MEMBER},
	{"POST", "/projects/{}/access-code", ACT_PROJECT_SETTINGS, SIGNED, true, BODY_FORM, NULL,
	    page_code_regenerate, ANSWER_SECRET, TX_WRITE, TARGET_PROJECT},

	/* public */
	{"GET", "/help", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_help, ANSWER_KEPT,
	    TX_NONE, TARGET_NONE},
	{"GET", "/verify", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_verify, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},

	/* operators */
	{"GET", "/operator", ACT_OPERATOR, OPERATOR, false, BODY_NONE, NULL, page_operator,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", "/operator/users/{}/lock", ACT_OPERATOR, OPERATOR, true, BODY_FORM, NULL,
	    page_operator_lock, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", "/operator/users/{}/unlock", ACT_OPERATOR, OPERATOR, true, BODY_FORM, NULL,
	    page_operator_unlock, ANSWER_KEPT, TX_WRITE, TARGET_NONE},

	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
