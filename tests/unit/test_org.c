/* test_org.c - a respondent organisation's users and units (lib/auth/org.h), against the
 * real PostgreSQL as the application's role (row-level security on; tests/unit/authfix.h,
 * skipped without it): an admin invites a new address (a single-use link, mailed) or adds
 * an account of its own organisation at once, never one of another organisation; a unit's
 * admin manages its unit only; a deactivated user is no longer the organisation's (the
 * router's target for the organisation is gone); an admin never demotes itself; branch
 * codes are three digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "auth/org.h"
#include "auth/target.h"
#include "authfix.h"

static authfix *fx;

struct bank {
	const char *org, *admin, *desk, *branch;
	org_actor who;   /* its admin of the whole organisation */
};

/* A user of org, with its org_members row (admin, unit) made by the owner. */
static const char *
member(const char *org, bool admin, const char *unit)
{
	const char *id = pgfix_user(fx->pg, org);
	const char *p[4] = {org, id, admin ? "true" : "false", unit};

	pgfix_sql(fx->pg, "INSERT INTO org_members (organization_id, user_id, admin, unit_id) "
	    "VALUES ($1, $2, $3::boolean, $4) RETURNING user_id", 4, p);
	return id;
}

static void
make_bank(struct bank *b)
{
	const char *p[2];

	b->org = pgfix_org(fx->pg, "respondent");
	/* The desk is made with the organisation (0026's trigger). */
	b->desk = pgfix_sql(fx->pg, "SELECT id FROM org_units WHERE organization_id = $1 "
	    "AND kind = 'desk'", 1, &b->org);
	p[0] = b->org;
	p[1] = pgfix_unique(fx->pg, "支店");
	b->branch = pgfix_sql(fx->pg, "INSERT INTO org_units (organization_id, kind, code, name) "
	    "VALUES ($1, 'branch', '123', $2) RETURNING id", 2, p);
	b->admin = member(b->org, true, NULL);
	b->who = (org_actor){.user_id = b->admin, .org_id = b->org, .admin = true};
}

static void
begin(const char *user_id)
{
	assert_int_equal(db_begin(fx->db, user_id), BGW_OK);
}

static void
test_unit_codes(void **state)
{
	(void)state;
	assert_true(org_unit_code_valid("001"));
	assert_true(org_unit_code_valid("999"));
	assert_false(org_unit_code_valid(NULL));
	assert_false(org_unit_code_valid(""));
	assert_false(org_unit_code_valid("12"));
	assert_false(org_unit_code_valid("1234"));
	assert_false(org_unit_code_valid("12a"));
	assert_false(org_unit_code_valid("１２３"));
}

static void
test_invite_add_and_refuse(void **state)
{
	struct bank b;
	char email[128];
	org_invite_in in = {.base_url = "https://bg.example"};
	const char *status, *p[2];
	bgw_kv *errors = NULL;

	(void)state;
	AUTHFIX_NEED(fx);
	make_bank(&b);
	/* A new address: an invitation into the organisation's branch, mailed. */
	snprintf(email, sizeof(email), "%s@bank.example", pgfix_unique(fx->pg, "teller"));
	in.email = email;
	in.unit_id = b.branch;
	begin(b.admin);
	assert_int_equal(authfix_end(fx, org_member_invite(fx->db, fx->a, &b.who, &in, &status,
	    &errors)), BGW_OK);
	assert_string_equal(status, "invited");
	p[0] = email;
	p[1] = b.branch;
	assert_int_equal(pgfix_count(fx->pg, "SELECT 1 FROM tokens WHERE email = $1 AND "
	    "kind = 'invitation' AND project_id IS NULL AND unit_id = $2", 2, p), 1);
	/* (Its mail is checked end to end: tests/integration/respondent-orgs.test.mjs.) */
	/* An account of the organisation that is not yet a member joins at once. */
	{
		const char *id = pgfix_user(fx->pg, b.org);

		in.email = pgfix_sql(fx->pg, "SELECT email FROM users WHERE id = $1", 1, &id);
		in.unit_id = NULL;
		begin(b.admin);
		assert_int_equal(authfix_end(fx, org_member_invite(fx->db, fx->a, &b.who, &in,
		    &status, &errors)), BGW_OK);
		assert_string_equal(status, "added");
		assert_int_equal(pgfix_count(fx->pg, "SELECT 1 FROM org_members WHERE user_id = $1 "
		    "AND unit_id IS NULL AND NOT admin", 1, &id), 1);
		/* ... once. */
		begin(b.admin);
		assert_int_equal(authfix_end(fx, org_member_invite(fx->db, fx->a, &b.who, &in,
		    &status, &errors)), BGW_E_VALIDATION);
		assert_string_equal(kv_get(errors, "email"), "unavailable");
	}
	/* Another organisation's account: not this organisation's to add. */
	{
		const char *other;

		authfix_user(fx, "respondent", &other);
		in.email = other;
		errors = NULL;
		begin(b.admin);
		assert_int_equal(authfix_end(fx, org_member_invite(fx->db, fx->a, &b.who, &in,
		    &status, &errors)), BGW_E_VALIDATION);
		assert_string_equal(kv_get(errors, "email"), "unavailable");
	}
	/* A unit of another organisation is unknown here. */
	{
		struct bank o;

		make_bank(&o);
		snprintf(email, sizeof(email), "%s@bank.example", pgfix_unique(fx->pg, "x"));
		in.email = email;
		in.unit_id = o.branch;
		errors = NULL;
		begin(b.admin);
		assert_int_equal(authfix_end(fx, org_member_invite(fx->db, fx->a, &b.who, &in,
		    &status, &errors)), BGW_E_VALIDATION);
		assert_string_equal(kv_get(errors, "unit_id"), "unknown");
	}
}

static void
test_unit_admin_manages_its_unit_only(void **state)
{
	struct bank b;
	org_actor branch_admin;
	org_invite_in in = {.base_url = "https://bg.example"};
	org_change_in move = {0};
	char email[128];
	const char *status, *teller, *clerk;
	bgw_kv *errors = NULL;

	(void)state;
	AUTHFIX_NEED(fx);
	make_bank(&b);
	branch_admin = (org_actor){.user_id = member(b.org, true, b.branch), .org_id = b.org,
		.admin = true, .unit_id = b.branch};
	teller = member(b.org, false, b.branch);
	clerk = member(b.org, false, NULL);
	snprintf(email, sizeof(email), "%s@bank.example", pgfix_unique(fx->pg, "teller"));
	in.email = email;
	/* Not into the whole organisation... */
	begin(branch_admin.user_id);
	assert_int_equal(authfix_end(fx, org_member_invite(fx->db, fx->a, &branch_admin, &in,
	    &status, &errors)), BGW_E_FORBIDDEN);
	/* ... into its branch. */
	in.unit_id = b.branch;
	begin(branch_admin.user_id);
	assert_int_equal(authfix_end(fx, org_member_invite(fx->db, fx->a, &branch_admin, &in,
	    &status, &errors)), BGW_OK);
	/* It deactivates its branch's teller, not the desk's clerk. */
	begin(branch_admin.user_id);
	assert_int_equal(authfix_end(fx, org_member_activate(fx->db, fx->a, &branch_admin, teller,
	    false)), BGW_OK);
	begin(branch_admin.user_id);
	assert_int_equal(authfix_end(fx, org_member_activate(fx->db, fx->a, &branch_admin, clerk,
	    false)), BGW_E_FORBIDDEN);
	/* Nor moves its teller out of the branch; the whole organisation's admin does. */
	move.user_id = teller;
	move.set_unit = true;
	move.unit_id = NULL;
	begin(branch_admin.user_id);
	assert_int_equal(authfix_end(fx, org_member_change(fx->db, fx->a, &branch_admin, &move,
	    &errors)), BGW_E_FORBIDDEN);
	begin(b.admin);
	assert_int_equal(authfix_end(fx, org_member_change(fx->db, fx->a, &b.who, &move,
	    &errors)), BGW_OK);
	assert_int_equal(pgfix_count(fx->pg, "SELECT 1 FROM org_members WHERE user_id = $1 "
	    "AND unit_id IS NULL", 1, &teller), 1);
	/* Row-level security says the same if the check above were missing. */
	begin(branch_admin.user_id);
	{
		const char *p[3] = {b.org, clerk, "false"};
		db_rows *res;

		assert_int_equal(db_exec(fx->db, fx->a, "org_member_active", 3, p, &res), BGW_OK);
		assert_int_equal(db_nrows(res), 0);
	}
	assert_int_equal(authfix_end(fx, BGW_OK), BGW_OK);
	/* Units are the whole organisation's admins' to make. */
	{
		org_unit_in u = {.kind = "branch", .name = "梅田支店", .code = "456"};
		const char *id;

		begin(branch_admin.user_id);
		assert_int_equal(authfix_end(fx, org_unit_create(fx->db, fx->a, &branch_admin, &u,
		    &id, &errors)), BGW_E_FORBIDDEN);
		begin(b.admin);
		assert_int_equal(authfix_end(fx, org_unit_create(fx->db, fx->a, &b.who, &u, &id,
		    &errors)), BGW_OK);
		u.code = "45";
		begin(b.admin);
		assert_int_equal(authfix_end(fx, org_unit_create(fx->db, fx->a, &b.who, &u, &id,
		    &errors)), BGW_E_VALIDATION);
		assert_string_equal(kv_get(errors, "code"), "invalid");
		/* The branch code is the organisation's key for the branch. */
		u.code = "123";
		begin(b.admin);
		assert_int_equal(authfix_end(fx, org_unit_create(fx->db, fx->a, &b.who, &u, &id,
		    &errors)), BGW_E_CONFLICT);
	}
}

static bgw_target
load_org(const char *user_id, const char *org)
{
	bgw_target t;

	begin(user_id);
	assert_int_equal(target_load(fx->db, fx->a, TARGET_ORG, org, &t), BGW_OK);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	return t;
}

static void
test_deactivation_and_admins(void **state)
{
	struct bank b;
	const char *clerk, *second;
	org_change_in demote = {.set_admin = true, .admin = false};
	bgw_kv *errors = NULL;
	bgw_target t;

	(void)state;
	AUTHFIX_NEED(fx);
	make_bank(&b);
	clerk = member(b.org, false, NULL);
	t = load_org(clerk, b.org);
	assert_true(t.facts.exists);
	assert_int_equal(t.facts.side, SIDE_RESPONDENT);
	assert_false(t.facts.admin);
	assert_true(load_org(b.admin, b.org).facts.admin);
	/* A user of another organisation learns nothing of this one. */
	assert_false(load_org(authfix_user(fx, "respondent", NULL), b.org).facts.exists);
	begin(b.admin);
	assert_int_equal(authfix_end(fx, org_member_activate(fx->db, fx->a, &b.who, clerk, false)),
	    BGW_OK);
	assert_false(load_org(clerk, b.org).facts.exists);
	assert_int_equal(authfix_events(fx, "org.member_deactivate", clerk), 1);
	begin(b.admin);
	assert_int_equal(authfix_end(fx, org_member_activate(fx->db, fx->a, &b.who, clerk, true)),
	    BGW_OK);
	assert_true(load_org(clerk, b.org).facts.exists);
	/* An admin does not demote or deactivate itself... */
	demote.user_id = b.admin;
	begin(b.admin);
	assert_int_equal(authfix_end(fx, org_member_change(fx->db, fx->a, &b.who, &demote,
	    &errors)), BGW_E_FORBIDDEN);
	/* Another admin of the whole may; an admin of a unit may not touch the whole's. */
	second = member(b.org, true, NULL);
	{
		org_actor by_second = {.user_id = second, .org_id = b.org, .admin = true};
		org_actor unit_admin = {.user_id = member(b.org, true, b.branch), .org_id = b.org,
			.admin = true, .unit_id = b.branch};

		begin(unit_admin.user_id);
		assert_int_equal(authfix_end(fx, org_member_activate(fx->db, fx->a, &unit_admin,
		    b.admin, false)), BGW_E_FORBIDDEN);
		begin(second);
		assert_int_equal(authfix_end(fx, org_member_change(fx->db, fx->a, &by_second, &demote,
		    &errors)), BGW_OK);
		assert_false(load_org(b.admin, b.org).facts.admin);
	}
}

static void
test_view_and_list(void **state)
{
	struct bank b;
	json_t *org, *members;

	(void)state;
	AUTHFIX_NEED(fx);
	make_bank(&b);
	(void)member(b.org, false, b.branch);
	begin(b.admin);
	assert_int_equal(org_view(fx->db, fx->a, &b.who, &org), BGW_OK);
	assert_int_equal(org_member_list(fx->db, fx->a, &b.who, &members), BGW_OK);
	assert_int_equal(authfix_end(fx, BGW_OK), BGW_OK);
	assert_string_equal(json_string_value(json_object_get(json_object_get(org,
	    "organization"), "id")), b.org);
	/* The desk first, then the branch. */
	assert_int_equal(json_array_size(json_object_get(org, "units")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(org,
	    "units"), 0), "kind")), "desk");
	assert_int_equal(json_integer_value(json_object_get(members, "total")), 2);
	/* org_own: the admin's organisation; none for a user of none. */
	{
		const char *own;

		begin(b.admin);
		assert_int_equal(org_own(fx->db, fx->a, &own), BGW_OK);
		assert_int_equal(authfix_end(fx, BGW_OK), BGW_OK);
		assert_string_equal(own, b.org);
		begin(authfix_user(fx, "audit_firm", NULL));
		assert_int_equal(org_own(fx->db, fx->a, &own), BGW_OK);
		assert_int_equal(authfix_end(fx, BGW_OK), BGW_OK);
		assert_null(own);
	}
}

static int
setup(void **state)
{
	(void)state;
	fx = authfix_open();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	authfix_close(fx);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_codes),
		cmocka_unit_test(test_invite_add_and_refuse),
		cmocka_unit_test(test_unit_admin_manages_its_unit_only),
		cmocka_unit_test(test_deactivation_and_admins),
		cmocka_unit_test(test_view_and_list),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
