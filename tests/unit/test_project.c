/* test_project.c - the project use cases (lib/flow/project.h) against the real PostgreSQL,
 * as an audit team, a client and a respondent meet them: creating a project and its code,
 * entering the code (a wrong one counted and logged, the fifth locks), settings, completing,
 * inviting, removing and unlocking members under the side rules; each step's audit event. */
#include <stdio.h>

#include "flow/project.h"
#include "flowcase.h"

/* A firm with an audit admin, a client, and an active project of theirs. */
typedef struct scene {
	const char *firm, *client_org, *auditor, *client_user, *project;
} scene;

static scene
scene_new(flowcase *c)
{
	scene s;

	s.firm = pgfix_org(c->f, "audit_firm");
	s.client_org = pgfix_org(c->f, "client");
	s.auditor = pgfix_user(c->f, s.firm);
	s.client_user = pgfix_user(c->f, s.client_org);
	s.project = pgfix_project(c->f, s.firm, s.client_org);
	pgfix_member(c->f, s.project, s.auditor, "audit", true, NULL);
	pgfix_member(c->f, s.project, s.client_user, "client", false, NULL);
	return s;
}

static project_actor
auditor_of(const scene *s)
{
	return (project_actor){.user_id = s->auditor, .ip = "192.0.2.1", .org_id = s->firm,
		.side = SIDE_AUDIT, .admin = true};
}

/* The creator is shown a code in the display form once and becomes the audit admin. */
static void
test_create(void **state)
{
	flowcase *c = flowcase_get(state);
	const char *firm = pgfix_org(c->f, "audit_firm");
	const char *user = pgfix_user(c->f, firm);
	project_actor who = {.user_id = user, .ip = "192.0.2.1", .org_id = firm};
	project_new in = {.name = "FY2026 audit", .client_name = pgfix_unique(c->f, "client"),
		.period_end = "2026-03-31"};
	project_created out;
	bgw_kv *errors = NULL;
	const char *p[2];

	flowcase_begin(c, user);
	assert_int_equal(project_create(c->db, c->a, &who, &in, &out, &errors), BGW_OK);
	flowcase_end(c, true);
	assert_int_equal(strlen(out.code), PROJECT_CODE_DISPLAY_LEN);
	assert_true(out.code[4] == '-' && out.code[9] == '-');
	assert_int_equal(flowcase_events(c, out.id, "project.create"), 1);
	p[0] = out.id;
	p[1] = user;
	assert_int_equal(pgfix_count(c->f, "SELECT 1 FROM memberships WHERE project_id = $1 "
	    "AND user_id = $2 AND side = 'audit' AND admin", 2, p), 1);
	assert_string_equal(pgfix_sql(c->f, "SELECT retention_days::text FROM projects "
	    "WHERE id = $1", 1, p), "3650");
}

/* A retention out of range names its field; nothing is created. */
static void
test_create_retention_out_of_range(void **state)
{
	flowcase *c = flowcase_get(state);
	const char *firm = pgfix_org(c->f, "audit_firm");
	const char *user = pgfix_user(c->f, firm);
	project_actor who = {.user_id = user, .org_id = firm};
	project_new in = {.name = "x", .client_name = pgfix_unique(c->f, "client"),
		.period_end = "2026-03-31", .has_retention = true, .retention_days = 0};
	project_created out;
	bgw_kv *errors = NULL;
	const char *p[] = {user};

	flowcase_begin(c, user);
	assert_int_equal(project_create(c->db, c->a, &who, &in, &out, &errors), BGW_E_VALIDATION);
	flowcase_end(c, false);
	assert_string_equal(flowcase_field(errors), "retention_days");
	assert_int_equal(pgfix_count(c->f, "SELECT 1 FROM memberships WHERE user_id = $1", 1, p), 0);
}

/* The client enters the code the audit admin was given; a wrong one is counted and logged
 * (the caller commits), and the fifth wrong one locks the member out. */
static void
test_access_code(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	project_actor audit = auditor_of(&s);
	project_actor client = {.user_id = s.client_user, .side = SIDE_CLIENT};
	char code[PROJECT_CODE_DISPLAY_LEN + 1];
	bgw_err err;

	flowcase_begin(c, s.auditor);
	assert_int_equal(project_code_regenerate(c->db, c->a, &audit, s.project, code), BGW_OK);
	flowcase_end(c, true);
	assert_int_equal(flowcase_events(c, s.project, "project.code_regenerate"), 1);

	flowcase_begin(c, s.client_user);
	assert_int_equal(project_access(c->db, c->a, &client, s.project, code), BGW_OK);
	flowcase_end(c, true);
	assert_int_equal(flowcase_events(c, s.project, "project.code_ok"), 1);

	for (int i = 1; i <= PROJECT_CODE_MAX_FAILURES; i++) {
		flowcase_begin(c, s.client_user);
		err = project_access(c->db, c->a, &client, s.project, "AAAA-AAAA-AAAA");
		flowcase_end(c, true);
		assert_int_equal(err, i < PROJECT_CODE_MAX_FAILURES ? BGW_E_WRONG_CODE : BGW_E_LOCKED);
	}
	assert_int_equal(flowcase_events(c, s.project, "project.code_wrong"),
	    PROJECT_CODE_MAX_FAILURES - 1);
	assert_int_equal(flowcase_events(c, s.project, "project.code_locked"), 1);
	/* Locked: even the right code no longer opens the project ... */
	flowcase_begin(c, s.client_user);
	assert_int_equal(project_access(c->db, c->a, &client, s.project, code), BGW_E_LOCKED);
	flowcase_end(c, true);
	/* ... until the audit admin unlocks the member. */
	flowcase_begin(c, s.auditor);
	assert_int_equal(project_member_unlock(c->db, c->a, &audit, s.project, s.client_user),
	    BGW_OK);
	flowcase_end(c, true);
	assert_int_equal(flowcase_events(c, s.project, "member.unlock"), 1);
	flowcase_begin(c, s.client_user);
	assert_int_equal(project_access(c->db, c->a, &client, s.project, code), BGW_OK);
	flowcase_end(c, true);
}

/* Settings: an admin without MFA cannot require it of everyone; a retention out of range
 * is refused; a good change is stored and logged. */
static void
test_update(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	project_actor audit = auditor_of(&s);
	project_update_in mfa = {.has_mfa_required = true, .mfa_required = true};
	project_update_in bad = {.has_retention = true, .retention_days = PROJECT_RETENTION_MAX_DAYS + 1};
	project_update_in good = {.has_retention = true, .retention_days = 400};
	bgw_kv *errors = NULL;
	const char *p[] = {s.project};

	flowcase_begin(c, s.auditor);
	assert_int_equal(project_update(c->db, c->a, &audit, s.project, &mfa, &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(flowcase_field(errors), "mfa_required");
	assert_int_equal(project_update(c->db, c->a, &audit, s.project, &bad, &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(flowcase_field(errors), "retention_days");
	assert_int_equal(project_update(c->db, c->a, &audit, s.project, &good, &errors), BGW_OK);
	flowcase_end(c, true);
	assert_string_equal(pgfix_sql(c->f, "SELECT retention_days::text FROM projects "
	    "WHERE id = $1", 1, p), "400");
	assert_int_equal(flowcase_events(c, s.project, "project.settings"), 1);
}

/* Completing ends the project once; a second time is a state error. */
static void
test_complete(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	project_actor audit = auditor_of(&s);
	const char *p[] = {s.project};

	flowcase_begin(c, s.auditor);
	assert_int_equal(project_complete(c->db, c->a, &audit, s.project), BGW_OK);
	flowcase_end(c, true);
	assert_string_not_equal(pgfix_sql(c->f, "SELECT status FROM projects WHERE id = $1", 1,
	    p), "active");
	assert_int_equal(flowcase_events(c, s.project, "project.complete"), 1);
	flowcase_begin(c, s.auditor);
	assert_int_equal(project_complete(c->db, c->a, &audit, s.project), BGW_E_INVALID_STATE);
	flowcase_end(c, false);
}

/* The audit admin invites a client member: the invitation is mailed (outbox) and logged.
 * A respondent needs an organisation of the project; a client member may not invite the
 * audit side. */
static void
test_member_add(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	project_actor audit = auditor_of(&s);
	project_actor client = {.user_id = s.client_user, .side = SIDE_CLIENT, .admin = false};
	const char *email = bgw_arena_printf(c->a, "%s@example.test", pgfix_unique(c->f, "inv"));
	project_member_add_in in = {.email = email, .side = "client", .admin = false,
		.base_url = "https://bg.example"};
	project_member_add_in resp = {.email = email, .side = "respondent",
		.base_url = "https://bg.example"};
	project_member_add_in audit_side = {.email = email, .side = "audit",
		.base_url = "https://bg.example"};
	const char *org = NULL;
	bgw_kv *errors = NULL;
	const char *p[] = {email};

	flowcase_begin(c, s.auditor);
	assert_int_equal(project_member_add(c->db, c->a, &audit, s.project, &resp, &org, &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(flowcase_field(errors), "organization");
	resp.organization = pgfix_org(c->f, "respondent"); /* not one of this project's */
	assert_int_equal(project_member_add(c->db, c->a, &audit, s.project, &resp, &org, &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(errors->value, "not_a_respondent_of_this_project");
	assert_int_equal(project_member_add(c->db, c->a, &audit, s.project, &in, &org, &errors),
	    BGW_OK);
	flowcase_end(c, true);
	assert_string_equal(org, s.client_org);
	assert_int_equal(flowcase_events(c, s.project, "member.invite"), 1);
	assert_int_equal(pgfix_count(c->f, "SELECT 1 FROM outbox WHERE to_address = $1 "
	    "AND kind = 'invitation'", 1, p), 1);

	flowcase_begin(c, s.client_user);
	assert_int_equal(project_member_add(c->db, c->a, &client, s.project, &audit_side, &org,
	    &errors), BGW_E_FORBIDDEN);
	flowcase_end(c, false);
}

/* Removing: never the last audit admin; a client member by the audit admin, logged; a
 * client may not remove the audit team. */
static void
test_member_remove(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	project_actor audit = auditor_of(&s);
	project_actor client = {.user_id = s.client_user, .side = SIDE_CLIENT, .admin = true};
	const char *p[] = {s.project, s.client_user};

	flowcase_begin(c, s.client_user);
	assert_int_equal(project_member_remove(c->db, c->a, &client, s.project, s.auditor),
	    BGW_E_FORBIDDEN);
	flowcase_end(c, false);
	flowcase_begin(c, s.auditor);
	assert_int_equal(project_member_remove(c->db, c->a, &audit, s.project, s.auditor),
	    BGW_E_INVALID_STATE);
	flowcase_end(c, false);
	flowcase_begin(c, s.auditor);
	assert_int_equal(project_member_remove(c->db, c->a, &audit, s.project, s.client_user),
	    BGW_OK);
	flowcase_end(c, true);
	assert_int_equal(pgfix_count(c->f, "SELECT 1 FROM memberships WHERE project_id = $1 "
	    "AND user_id = $2", 2, p), 0);
	assert_int_equal(flowcase_events(c, s.project, "member.remove"), 1);
	flowcase_begin(c, s.auditor);
	assert_int_equal(project_member_unlock(c->db, c->a, &audit, s.project, s.client_user),
	    BGW_E_NOT_FOUND);
	flowcase_end(c, false);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_retention_out_of_range),
		cmocka_unit_test(test_access_code),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_member_add),
		cmocka_unit_test(test_member_remove),
	};

	return cmocka_run_group_tests(tests, flowcase_setup, flowcase_teardown);
}
