/* test_policy.c - the whole role matrix of the policy layer, written out as data.
 *
 * Each row gives, for the six roles (audit admin, audit member, client admin, client member,
 * respondent admin, respondent member), what a member who entered the code gets on a live
 * project, for a confirmation addressed to the respondent's organisation and sent:
 * Y allow, F 403 forbidden, S 409 invalid state (the client's upload to a sent confirmation);
 * a document is the audit team's (seen by whoever sees its confirmation).  Other rows cover
 * strangers, operators, other organisations, the code, completion, and documents of each
 * side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/policy.h"

static const struct {
	enum policy_action act;
	const char *roles; /* AA AM CA CM RA RM */
} matrix[] = {
	{ACT_PROJECT_READ, "YYYYYY"},
	{ACT_PROJECT_SETTINGS, "YFFFFF"},
	{ACT_PROJECT_COMPLETE, "YFFFFF"},
	{ACT_PROJECT_EXPORT, "YYYYFF"},
	{ACT_PROJECT_EVIDENCE, "YFFFFF"},
	{ACT_PROJECT_AUDIT_LOG, "YFFFFF"},
	{ACT_MEMBERS_READ, "YYYYYY"},
	{ACT_MEMBERS_MANAGE, "YFYFYF"},
	{ACT_MEMBER_UNLOCK, "YFFFFF"},
	{ACT_CONF_CREATE, "YYYYFF"},
	{ACT_CONF_LIST, "YYYYYY"},
	{ACT_CONF_READ, "YYYYYY"},
	{ACT_CONF_EDIT, "YYYYFF"},
	{ACT_CONF_AUTHORIZE, "FFYFFF"},
	{ACT_CONF_ADDRESS_CHECK, "YYFFFF"},
	{ACT_CONF_SEND, "YFFFFF"},
	{ACT_CONF_RESPOND, "FFFFYY"},
	{ACT_CONF_APPROVE, "FFFFYF"},
	{ACT_CONF_REVIEW, "YYFFFF"},
	{ACT_CONF_CANCEL, "YFFFFF"},
	{ACT_CONF_READDRESS, "YFFFFF"},
	{ACT_CONF_RECEIPT, "YYFFYY"},
	{ACT_CONF_COMMENT, "YYYYYY"},
	{ACT_CONF_HISTORY, "YYFFFF"},
	{ACT_DOC_UPLOAD, "YYSSYY"},
	{ACT_DOC_LIST, "YYYYYY"},
	{ACT_DOC_READ, "YYYYYY"},
	{ACT_CONF_LETTER, "YFFFFF"},
	{ACT_PROJECT_LETTERS, "YFFFFF"},
	/* A respondent organisation (TARGET_ORG): its users read, its admins manage.  Only its
	 * own users ever load it (lib/auth/target.c), as the respondent side. */
	{ACT_ORG_READ, "FFFFYY"},
	{ACT_ORG_MANAGE, "FFFFYF"},
};

static const policy_subject user = {.signed_in = true};

static policy_target
member(int role)
{
	static const enum policy_side sides[] = {SIDE_AUDIT, SIDE_AUDIT, SIDE_CLIENT, SIDE_CLIENT,
		SIDE_RESPONDENT, SIDE_RESPONDENT};
	policy_target t = {.kind = TARGET_CONFIRMATION, .exists = true, .member = true,
		.code_verified = true,
		.addressed_to_user_org = true, .released = true, .doc_side = SIDE_AUDIT};

	t.side = sides[role];
	t.admin = role % 2 == 0;
	return t;
}

static void
test_role_matrix(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++) {
		for (int role = 0; role < 6; role++) {
			policy_target t = member(role);
			char cell = matrix[i].roles[role];
			bgw_err want = cell == 'Y' ? BGW_OK : cell == 'S' ? BGW_E_INVALID_STATE :
			    BGW_E_FORBIDDEN;
			bgw_err got = policy_decide(matrix[i].act, &user, &t);

			if (got != want)
				fail_msg("%s role %d: got %d want %d", policy_action_name(matrix[i].act),
				    role, got, want);
		}
	}
}

static void
test_every_member_action_is_in_matrix(void **state)
{
	(void)state;
	/* A new member action without a row above fails here. */
	for (int act = ACT_PROJECT_READ; act < ACT__COUNT; act++) {
		bool found = false;

		for (size_t i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++)
			found = found || matrix[i].act == (enum policy_action)act;
		if (!found && act != ACT_PROJECT_ACCESS && act != ACT_ACCOUNT_DELETE &&
		    act != ACT_BULK_ANSWER && act != ACT_BULK_APPROVE) /* test_bulk_actions */
			fail_msg("action %s has no matrix row", policy_action_name((enum policy_action)act));
	}
}

/* A desk's bulk routes exist for respondent users only (404 for everyone else, operators
 * too); each request of a selection is judged again as conf.respond / conf.approve. */
static void
test_bulk_actions(void **state)
{
	static const enum policy_action acts[] = {ACT_BULK_ANSWER, ACT_BULK_APPROVE};
	policy_subject resp = {.signed_in = true, .respondent_user = true};
	policy_subject firm = {.signed_in = true, .audit_firm_user = true};
	policy_subject client = {.signed_in = true};
	policy_subject op = {.signed_in = true, .operator = true, .mfa = true,
		.respondent_user = true};
	policy_subject anon = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		assert_int_equal(policy_decide(acts[i], &resp, NULL), BGW_OK);
		assert_int_equal(policy_decide(acts[i], &firm, NULL), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(acts[i], &client, NULL), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(acts[i], &op, NULL), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(acts[i], &anon, NULL), BGW_E_UNAUTHENTICATED);
	}
}

static void
test_strangers_and_operators_see_nothing(void **state)
{
	policy_target stranger = {.exists = true};
	policy_target missing = {0};
	policy_subject op = {.signed_in = true, .operator = true, .mfa = true};
	policy_subject op_without_mfa = {.signed_in = true, .operator = true};

	(void)state;
	for (size_t i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++) {
		policy_target m = member(0);

		assert_int_equal(policy_decide(matrix[i].act, &user, &stranger), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(matrix[i].act, &user, &missing), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(matrix[i].act, &op, &m), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(matrix[i].act, NULL, &m), BGW_E_UNAUTHENTICATED);
	}
	assert_int_equal(policy_decide(ACT_OPERATOR, &user, NULL), BGW_E_NOT_FOUND);
	assert_int_equal(policy_decide(ACT_OPERATOR, &op, NULL), BGW_OK);
	assert_int_equal(policy_decide(ACT_OPERATOR, &op_without_mfa, NULL), BGW_E_FORBIDDEN);
	assert_int_equal(policy_decide(ACT_ACCOUNT, &op_without_mfa, NULL), BGW_OK);
}

static void
test_respondent_of_other_org_or_unsent_sees_nothing(void **state)
{
	(void)state;
	for (int role = 4; role < 6; role++) {
		policy_target other = member(role), unsent = member(role);

		other.addressed_to_user_org = false;
		unsent.released = false;
		assert_int_equal(policy_decide(ACT_CONF_READ, &user, &other), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(ACT_CONF_RESPOND, &user, &other), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(ACT_DOC_READ, &user, &other), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(ACT_DOC_UPLOAD, &user, &other), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(ACT_DOC_LIST, &user, &other), BGW_E_NOT_FOUND);
		assert_int_equal(policy_decide(ACT_CONF_READ, &user, &unsent), BGW_E_NOT_FOUND);
	}
}

static void
test_project_documents_hidden_from_respondents(void **state)
{
	(void)state;
	for (int role = 0; role < 6; role++) {
		policy_target t = member(role);
		bgw_err want = role >= 4 ? BGW_E_NOT_FOUND : BGW_OK;

		t.kind = TARGET_PROJECT;
		assert_int_equal(policy_decide(ACT_DOC_LIST, &user, &t), want);
		assert_int_equal(policy_decide(ACT_DOC_UPLOAD, &user, &t), want);
		assert_int_equal(policy_decide(ACT_DOC_READ, &user, &t), want);
	}
}

/* Documents belong to a side: for each uploader's side, which roles read it (Y) and which
 * get 404 (N), unshared and shared; lists select by the same function. */
static void
test_documents_belong_to_a_side(void **state)
{
	static const struct {
		enum policy_side uploaded_by;
		const char *unshared, *shared; /* AA AM CA CM RA RM */
	} v[] = {
		{SIDE_AUDIT, "YYYYYY", "YYYYYY"},
		{SIDE_CLIENT, "YYYYNN", "YYYYNN"},
		{SIDE_RESPONDENT, "YYNNYY", "YYYYYY"},
		{SIDE_NONE, "YYNNNN", "YYNNNN"}, /* never stored; fail closed */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (int role = 0; role < 6; role++) {
			policy_target t = member(role);

			t.doc_side = v[i].uploaded_by;
			assert_int_equal(policy_decide(ACT_DOC_READ, &user, &t),
			    v[i].unshared[role] == 'Y' ? BGW_OK : BGW_E_NOT_FOUND);
			assert_int_equal(policy_may_see_document(&t, v[i].uploaded_by),
			    v[i].unshared[role] == 'Y');
			t.shared_with_client = true;
			assert_int_equal(policy_decide(ACT_DOC_READ, &user, &t),
			    v[i].shared[role] == 'Y' ? BGW_OK : BGW_E_NOT_FOUND);
		}
	/* Before sending the client may upload; a project's documents it always may. */
	for (int role = 2; role < 4; role++) {
		policy_target draft = member(role), project = member(role);

		draft.released = false;
		project.kind = TARGET_PROJECT;
		assert_int_equal(policy_decide(ACT_DOC_UPLOAD, &user, &draft), BGW_OK);
		assert_int_equal(policy_decide(ACT_DOC_UPLOAD, &user, &project), BGW_OK);
	}
	assert_string_equal(policy_side_name(SIDE_RESPONDENT), "respondent");
	assert_null(policy_side_name(SIDE_NONE));
}

static void
test_code_required_and_locked(void **state)
{
	(void)state;
	for (int role = 0; role < 6; role++) {
		policy_target t = member(role);

		t.code_verified = false;
		assert_int_equal(policy_decide(ACT_PROJECT_READ, &user, &t), BGW_E_CODE_REQUIRED);
		assert_int_equal(policy_decide(ACT_CONF_READ, &user, &t), BGW_E_CODE_REQUIRED);
		assert_int_equal(policy_decide(ACT_PROJECT_ACCESS, &user, &t), BGW_OK);
		t.code_locked = true;
		assert_int_equal(policy_decide(ACT_PROJECT_ACCESS, &user, &t), BGW_E_LOCKED);
	}
}

static void
test_project_mfa_requirement(void **state)
{
	policy_subject with_mfa = {.signed_in = true, .mfa = true};

	(void)state;
	for (int role = 0; role < 6; role++) {
		policy_target t = member(role);

		t.mfa_required = true;
		assert_int_equal(policy_decide(ACT_CONF_READ, &user, &t), BGW_E_FORBIDDEN);
		assert_int_equal(policy_decide(ACT_PROJECT_READ, &user, &t), BGW_E_FORBIDDEN);
		assert_int_equal(policy_decide(ACT_CONF_READ, &with_mfa, &t), BGW_OK);
	}
}

static void
test_completion_ends_access(void **state)
{
	(void)state;
	for (int role = 0; role < 6; role++) {
		policy_target t = member(role);

		t.project_completed = true;
		if (role < 2) {
			assert_int_equal(policy_decide(ACT_CONF_READ, &user, &t), BGW_OK);
			assert_int_equal(policy_decide(ACT_CONF_REVIEW, &user, &t), BGW_E_PROJECT_COMPLETED);
			assert_int_equal(policy_decide(ACT_DOC_READ, &user, &t), BGW_OK);
		} else {
			assert_int_equal(policy_decide(ACT_PROJECT_READ, &user, &t), BGW_E_NOT_FOUND);
			assert_int_equal(policy_decide(ACT_CONF_READ, &user, &t), BGW_E_NOT_FOUND);
		}
	}
}

static void
test_manage_sides(void **state)
{
	(void)state;
	assert_true(policy_may_manage(SIDE_AUDIT, true, SIDE_CLIENT, false));
	assert_true(policy_may_manage(SIDE_AUDIT, true, SIDE_RESPONDENT, false));
	assert_false(policy_may_manage(SIDE_AUDIT, false, SIDE_AUDIT, true));
	assert_true(policy_may_manage(SIDE_CLIENT, true, SIDE_CLIENT, true));
	assert_false(policy_may_manage(SIDE_CLIENT, true, SIDE_AUDIT, true));
	assert_true(policy_may_manage(SIDE_RESPONDENT, true, SIDE_RESPONDENT, true));
	assert_false(policy_may_manage(SIDE_RESPONDENT, true, SIDE_RESPONDENT, false));
	assert_false(policy_may_manage(SIDE_RESPONDENT, true, SIDE_CLIENT, true));
}

static void
test_response_visibility(void **state)
{
	policy_target c = member(2), r = member(4), a = member(1);

	(void)state;
	assert_true(policy_may_see_response(&a));
	assert_true(policy_may_see_response(&r));
	assert_false(policy_may_see_response(&c));
	c.shared_with_client = true;
	assert_true(policy_may_see_response(&c));
}

/* The receipt is the answer: the client (admin and member) reads it only while shared. */
static void
test_client_receipt_only_when_shared(void **state)
{
	(void)state;
	for (int role = 2; role <= 3; role++) {
		policy_target c = member(role);

		assert_int_equal(policy_decide(ACT_CONF_RECEIPT, &user, &c), BGW_E_FORBIDDEN);
		c.shared_with_client = true;
		assert_int_equal(policy_decide(ACT_CONF_RECEIPT, &user, &c), BGW_OK);
	}
}

static void
test_firm_users_create_projects(void **state)
{
	policy_subject firm = {.signed_in = true, .audit_firm_user = true};

	(void)state;
	assert_int_equal(policy_decide(ACT_PROJECT_CREATE, &firm, NULL), BGW_OK);
	assert_int_equal(policy_decide(ACT_PROJECT_CREATE, &user, NULL), BGW_E_FORBIDDEN);
	assert_int_equal(policy_decide(ACT_PUBLIC, NULL, NULL), BGW_OK);
	assert_int_equal(policy_decide((enum policy_action)999, &user, NULL), BGW_E_FORBIDDEN);
}

/* Deleting accounts: every combination of the facts, against the rule written out. */
static void
test_account_delete(void **state)
{
	static const struct {
		policy_account_facts f;
		bgw_err want;
	} v[] = {
		/* found self  same   admin  last */
		{{false, false, false, false, false}, BGW_E_NOT_FOUND},
		{{false, true, true, true, false}, BGW_E_NOT_FOUND},
		{{true, false, false, true, false}, BGW_E_NOT_FOUND},   /* another organisation */
		{{true, false, true, false, false}, BGW_E_FORBIDDEN},   /* colleague, no admin */
		{{true, false, true, true, false}, BGW_OK},             /* admin of its side */
		{{true, false, true, true, true}, BGW_E_INVALID_STATE}, /* the last admin somewhere */
		{{true, true, true, false, false}, BGW_OK},             /* one's own account */
		{{true, true, true, true, false}, BGW_OK},
		{{true, true, true, true, true}, BGW_E_INVALID_STATE},  /* oneself, last admin */
	};
	policy_subject op = {.signed_in = true, .operator = true, .mfa = true};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (policy_account_delete(&user, &v[i].f) != v[i].want)
			fail_msg("vector %zu: got %d want %d", i, policy_account_delete(&user, &v[i].f),
			    v[i].want);
	assert_int_equal(policy_account_delete(NULL, &v[4].f), BGW_E_UNAUTHENTICATED);
	assert_int_equal(policy_account_delete(&user, NULL), BGW_E_NOT_FOUND);
	assert_int_equal(policy_account_delete(&op, &v[4].f), BGW_E_FORBIDDEN);
	/* The router lets any signed-in user through to the handler, which decides. */
	assert_int_equal(policy_decide(ACT_ACCOUNT_DELETE, &user, NULL), BGW_OK);
	assert_int_equal(policy_decide(ACT_ACCOUNT_DELETE, NULL, NULL), BGW_E_UNAUTHENTICATED);
	assert_string_equal(policy_action_name(ACT_ACCOUNT_DELETE), "account.delete");
}

/* A respondent organisation: only its live users load it as a target; anyone else gets
 * nothing (404), and it needs no code.  Inside it, a unit's admin manages its unit only. */
static void
test_respondent_organisation(void **state)
{
	policy_target org_user = {.kind = TARGET_ORG, .exists = true, .member = true,
		.side = SIDE_RESPONDENT, .code_verified = true};
	policy_target org_admin = org_user;
	policy_target outsider = {0};
	policy_target unverified = org_user;

	(void)state;
	org_admin.admin = true;
	unverified.code_verified = false;
	assert_int_equal(policy_decide(ACT_ORG_READ, &user, &org_user), BGW_OK);
	assert_int_equal(policy_decide(ACT_ORG_MANAGE, &user, &org_user), BGW_E_FORBIDDEN);
	assert_int_equal(policy_decide(ACT_ORG_MANAGE, &user, &org_admin), BGW_OK);
	assert_int_equal(policy_decide(ACT_ORG_READ, &user, &outsider), BGW_E_NOT_FOUND);
	assert_int_equal(policy_decide(ACT_ORG_MANAGE, &user, &outsider), BGW_E_NOT_FOUND);
	assert_int_equal(policy_decide(ACT_ORG_READ, &user, &unverified), BGW_OK);
	assert_int_equal(policy_decide(ACT_ORG_READ, NULL, &org_user), BGW_E_UNAUTHENTICATED);
	assert_int_equal(policy_target_kind(ACT_ORG_MANAGE), TARGET_ORG);
	assert_string_equal(policy_action_name(ACT_ORG_READ), "org.read");
	/* admin of the whole (NULL unit), of a unit, or none */
	assert_true(policy_may_manage_org_member(true, NULL, NULL, "u1"));
	assert_true(policy_may_manage_org_member(true, NULL, "u1", NULL));
	assert_true(policy_may_manage_org_member(true, "u1", "u1", "u1"));
	assert_false(policy_may_manage_org_member(true, "u1", "u1", NULL));
	assert_false(policy_may_manage_org_member(true, "u1", NULL, "u1"));
	assert_false(policy_may_manage_org_member(true, "u1", "u2", "u2"));
	assert_false(policy_may_manage_org_member(true, "u1", NULL, NULL));
	assert_false(policy_may_manage_org_member(false, NULL, NULL, NULL));
	assert_false(policy_may_manage_org_member(false, "u1", "u1", "u1"));
}

/* The certified respondents' directory is for audit firms' users; the desk's queue for any
 * signed-in user (the use case binds its organisation and unit). */
static void
test_directory_and_desk(void **state)
{
	policy_subject firm = {.signed_in = true, .audit_firm_user = true};
	policy_subject op = {.signed_in = true, .operator = true, .mfa = true};

	(void)state;
	assert_int_equal(policy_decide(ACT_DIRECTORY, &firm, NULL), BGW_OK);
	assert_int_equal(policy_decide(ACT_DIRECTORY, &user, NULL), BGW_E_FORBIDDEN);
	assert_int_equal(policy_decide(ACT_DIRECTORY, &op, NULL), BGW_E_FORBIDDEN);
	assert_int_equal(policy_decide(ACT_DIRECTORY, NULL, NULL), BGW_E_UNAUTHENTICATED);
	assert_int_equal(policy_decide(ACT_DESK, &user, NULL), BGW_OK);
	assert_int_equal(policy_decide(ACT_DESK, NULL, NULL), BGW_E_UNAUTHENTICATED);
	assert_string_equal(policy_action_name(ACT_DESK), "desk");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_matrix),
		cmocka_unit_test(test_every_member_action_is_in_matrix),
		cmocka_unit_test(test_bulk_actions),
		cmocka_unit_test(test_directory_and_desk),
		cmocka_unit_test(test_strangers_and_operators_see_nothing),
		cmocka_unit_test(test_respondent_of_other_org_or_unsent_sees_nothing),
		cmocka_unit_test(test_project_documents_hidden_from_respondents),
		cmocka_unit_test(test_documents_belong_to_a_side),
		cmocka_unit_test(test_code_required_and_locked),
		cmocka_unit_test(test_project_mfa_requirement),
		cmocka_unit_test(test_completion_ends_access),
		cmocka_unit_test(test_manage_sides),
		cmocka_unit_test(test_response_visibility),
		cmocka_unit_test(test_client_receipt_only_when_shared),
		cmocka_unit_test(test_firm_users_create_projects),
		cmocka_unit_test(test_account_delete),
		cmocka_unit_test(test_respondent_organisation),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
