/* test_target.c - the facts the policy layer decides on (lib/auth/target.h), loaded against
 * the real PostgreSQL as the router loads them: inside a transaction bound to the user, so
 * row-level security applies.  A member gets its side, admin flag, code state and the
 * target's state; an outsider gets nothing (the policy then answers 404), whatever exists.
 * Without BGW_TEST_PG the database cases skip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "auth/target.h"
#include "authfix.h"

static authfix *fx;

struct world {
	const char *firm, *client_org, *bank, *project;
	const char *auditor, *client, *banker, *outsider;
	const char *conf;    /* a sent confirmation to the bank */
	const char *draft;   /* a draft to the bank */
};

static const char *
person(const char *org)
{
	const char *id = authfix_user(fx, "client", NULL);
	const char *p[2] = {org, id};

	pgfix_sql(fx->pg, "UPDATE users SET organization_id = $1 WHERE id = $2", 2, p);
	return id;
}

static const char *
confirmation(const struct world *w, bool sent)
{
	const char *p[3] = {w->project, w->bank, sent ? "sent" : "draft"};

	return pgfix_sql(fx->pg, "INSERT INTO confirmations (project_id, type, form, status, "
	    "respondent_org_id, respondent_email, respondent_name, as_of, due_date, sent_at) "
	    "VALUES ($1, 'bank', 'positive', $3, $2, 'desk@bank.example', '預金係', "
	    "'2026-03-31', '2026-04-30', CASE WHEN $3 = 'sent' THEN now() END) RETURNING id",
	    3, p);
}

static void
make_world(struct world *w)
{
	w->firm = pgfix_org(fx->pg, "audit_firm");
	w->client_org = pgfix_org(fx->pg, "client");
	w->bank = pgfix_org(fx->pg, "respondent");
	w->project = pgfix_project(fx->pg, w->firm, w->client_org);
	w->auditor = person(w->firm);
	w->client = person(w->client_org);
	w->banker = person(w->bank);
	w->outsider = person(pgfix_org(fx->pg, "audit_firm"));
	pgfix_member(fx->pg, w->project, w->auditor, "audit", true, NULL);
	pgfix_member(fx->pg, w->project, w->client, "client", false, NULL);
	pgfix_member(fx->pg, w->project, w->banker, "respondent", false, w->bank);
	w->conf = confirmation(w, true);
	w->draft = confirmation(w, false);
}

static bgw_target
load(const char *user_id, enum policy_target_kind kind, const char *id)
{
	bgw_target t;

	assert_int_equal(db_begin(fx->db, user_id), BGW_OK);
	assert_int_equal(target_load(fx->db, fx->a, kind, id, &t), BGW_OK);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	return t;
}

static void
test_statements(void **state)
{
	(void)state;
	assert_string_equal(target_statement(TARGET_PROJECT), "target_project");
	assert_string_equal(target_statement(TARGET_MEMBER), "target_project");
	assert_string_equal(target_statement(TARGET_CONFIRMATION), "target_confirmation");
	assert_string_equal(target_statement(TARGET_DOCUMENT), "target_document");
	assert_string_equal(target_statement(TARGET_ORG), "target_org");
	assert_null(target_statement(TARGET_NONE));
}

static void
test_project_facts_of_members(void **state)
{
	struct world w;
	bgw_target t;

	(void)state;
	AUTHFIX_NEED(fx);
	make_world(&w);
	t = load(w.auditor, TARGET_PROJECT, w.project);
	assert_true(t.facts.exists);
	assert_true(t.facts.member);
	assert_int_equal(t.facts.kind, TARGET_PROJECT);
	assert_int_equal(t.facts.side, SIDE_AUDIT);
	assert_true(t.facts.admin);
	assert_false(t.facts.project_completed);
	assert_string_equal(t.project_id, w.project);
	assert_string_equal(t.status, "active");
	assert_non_null(t.list_version);
	t = load(w.client, TARGET_MEMBER, w.project);
	assert_int_equal(t.facts.kind, TARGET_PROJECT);
	assert_int_equal(t.facts.side, SIDE_CLIENT);
	assert_false(t.facts.admin);
	assert_true(t.facts.code_verified);
	t = load(w.banker, TARGET_PROJECT, w.project);
	assert_int_equal(t.facts.side, SIDE_RESPONDENT);
	assert_string_equal(t.member_org_id, w.bank);
	/* A completed project says so. */
	pgfix_sql(fx->pg, "UPDATE projects SET status = 'completed', completed_at = now() "
	    "WHERE id = $1", 1, &w.project);
	assert_true(load(w.auditor, TARGET_PROJECT, w.project).facts.project_completed);
}

static void
test_outsider_learns_nothing(void **state)
{
	struct world w;
	bgw_target t;

	(void)state;
	AUTHFIX_NEED(fx);
	make_world(&w);
	t = load(w.outsider, TARGET_PROJECT, w.project);
	assert_false(t.facts.exists);
	assert_null(t.project_id);
	t = load(w.outsider, TARGET_CONFIRMATION, w.conf);
	assert_false(t.facts.exists);
	assert_null(t.confirmation_id);
	/* The same answer as for what does not exist at all. */
	t = load(w.auditor, TARGET_PROJECT, "no-such-project");
	assert_false(t.facts.exists);
	t = load(w.auditor, TARGET_NONE, w.project);
	assert_false(t.facts.exists);
}

static void
test_confirmation_facts(void **state)
{
	struct world w;
	bgw_target t;

	(void)state;
	AUTHFIX_NEED(fx);
	make_world(&w);
	t = load(w.auditor, TARGET_CONFIRMATION, w.draft);
	assert_true(t.facts.exists);
	assert_int_equal(t.facts.kind, TARGET_CONFIRMATION);
	assert_string_equal(t.confirmation_id, w.draft);
	assert_string_equal(t.project_id, w.project);
	assert_string_equal(t.status, "draft");
	assert_false(t.facts.released);
	assert_false(t.facts.addressed_to_user_org);
	/* The bank's member: addressed to its organisation, and released once sent. */
	t = load(w.banker, TARGET_CONFIRMATION, w.conf);
	assert_true(t.facts.exists);
	assert_int_equal(t.facts.side, SIDE_RESPONDENT);
	assert_true(t.facts.addressed_to_user_org);
	assert_true(t.facts.released);
	assert_false(t.facts.shared_with_client);
	assert_string_equal(t.status, "sent");
	/* Another respondent of the project: row-level security hides the request. */
	{
		const char *other_org = pgfix_org(fx->pg, "respondent");
		const char *other = person(other_org);

		pgfix_member(fx->pg, w.project, other, "respondent", true, other_org);
		t = load(other, TARGET_CONFIRMATION, w.conf);
		assert_false(t.facts.exists);
		assert_true(load(other, TARGET_PROJECT, w.project).facts.exists);
	}
	/* The client sees the request's facts, its answer only once shared. */
	pgfix_sql(fx->pg, "UPDATE confirmations SET shared_with_client = true WHERE id = $1", 1,
	    &w.conf);
	t = load(w.client, TARGET_CONFIRMATION, w.conf);
	assert_int_equal(t.facts.side, SIDE_CLIENT);
	assert_true(t.facts.shared_with_client);
	assert_false(t.facts.addressed_to_user_org);
}

/* A user of the bank's organisation without any membership (issue 17): org_members only. */
static const char *
org_user(const char *org, bool admin)
{
	const char *id = person(org);
	const char *p[3] = {org, id, admin ? "true" : "false"};

	pgfix_sql(fx->pg, "INSERT INTO org_members (organization_id, user_id, admin) "
	    "VALUES ($1, $2, $3::boolean) RETURNING user_id", 3, p);
	return id;
}

/* The code check as the router runs it for user_id: the verdict membership_code_check
 * gives. */
static const char *
code_check(const char *user_id, const char *project, const char *code)
{
	const char *p[2] = {project, code};
	db_rows *res;
	const char *v;

	assert_int_equal(db_begin(fx->db, user_id), BGW_OK);
	assert_int_equal(db_exec(fx->db, fx->a, "project_code_check", 2, p, &res), BGW_OK);
	v = db_isnull(res, 0, 0) ? "null" : db_value(res, 0, 0);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	return v;
}

/* Issue 17: a user of the respondent organisation is its respondent in every project with
 * a request sent to the organisation, membership or not; its code is entered once for the
 * organisation; deactivated, it sees nothing. */
static void
test_organisation_users(void **state)
{
	struct world w;
	const char *teller, *clerk, *p[2];
	bgw_target t;

	(void)state;
	AUTHFIX_NEED(fx);
	make_world(&w);
	teller = org_user(w.bank, false);
	clerk = org_user(w.bank, true);
	t = load(teller, TARGET_PROJECT, w.project);
	assert_true(t.facts.exists);
	assert_int_equal(t.facts.side, SIDE_RESPONDENT);
	assert_false(t.facts.admin);
	assert_string_equal(t.member_org_id, w.bank);
	/* The banker's membership verified the code before 0027: it counts for nobody else. */
	assert_false(t.facts.code_verified);
	assert_true(load(clerk, TARGET_PROJECT, w.project).facts.admin);
	t = load(teller, TARGET_CONFIRMATION, w.conf);
	assert_true(t.facts.exists);
	assert_true(t.facts.addressed_to_user_org);
	assert_true(t.facts.released);
	/* Nothing of a draft, nor of another firm's project without a request sent to it. */
	assert_false(load(teller, TARGET_CONFIRMATION, w.draft).facts.exists);
	{
		struct world o;

		make_world(&o);
		assert_false(load(teller, TARGET_PROJECT, o.project).facts.exists);
		assert_false(load(teller, TARGET_CONFIRMATION, o.conf).facts.exists);
	}
	/* The organisation's code, entered once by the clerk, lets the teller in too. */
	p[0] = w.project;
	p[1] = w.bank;
	pgfix_sql(fx->pg, "INSERT INTO respondent_codes (project_id, organization_id, code_hash, "
	    "channel) VALUES ($1, $2, access_code_hash('bgw-respondent-code-v1', $1, "
	    "'BANK-CODE-2026'), 'phone') RETURNING id", 2, p);
	assert_string_equal(code_check(teller, w.project, "WRONG-CODE-0000"), "wrong");
	assert_string_equal(code_check(clerk, w.project, "bank-code-2026"), "ok");
	assert_true(load(teller, TARGET_PROJECT, w.project).facts.code_verified);
	assert_int_equal(pgfix_count(fx->pg, "SELECT 1 FROM org_code_verifications "
	    "WHERE project_id = $1 AND organization_id = $2", 2, p), 1);
	/* Deactivated: nothing, as for an outsider; its old membership neither. */
	pgfix_sql(fx->pg, "UPDATE org_members SET deactivated_at = now() WHERE user_id = $1 "
	    "RETURNING user_id", 1, &teller);
	assert_false(load(teller, TARGET_PROJECT, w.project).facts.exists);
	assert_false(load(teller, TARGET_CONFIRMATION, w.conf).facts.exists);
	assert_string_equal(code_check(teller, w.project, "BANK-CODE-2026"), "null");
	pgfix_sql(fx->pg, "UPDATE org_members SET deactivated_at = now() WHERE user_id = $1 "
	    "RETURNING user_id", 1, &w.banker);
	assert_false(load(w.banker, TARGET_PROJECT, w.project).facts.exists);
	assert_false(load(w.banker, TARGET_CONFIRMATION, w.conf).facts.exists);
}

/* Five wrong codes of the organisation's users together lock the organisation's tries. */
static void
test_organisation_code_lock(void **state)
{
	struct world w;
	const char *a, *b, *p[2];

	(void)state;
	AUTHFIX_NEED(fx);
	make_world(&w);
	a = org_user(w.bank, false);
	b = org_user(w.bank, false);
	p[0] = w.project;
	p[1] = w.bank;
	pgfix_sql(fx->pg, "INSERT INTO respondent_codes (project_id, organization_id, code_hash, "
	    "channel) VALUES ($1, $2, access_code_hash('bgw-respondent-code-v1', $1, "
	    "'BANK-CODE-2026'), 'phone') RETURNING id", 2, p);
	for (int i = 0; i < 4; i++)
		assert_string_equal(code_check(i % 2 ? a : b, w.project, "WRONG-CODE-0000"), "wrong");
	assert_string_equal(code_check(a, w.project, "WRONG-CODE-0000"), "locked");
	assert_string_equal(code_check(b, w.project, "BANK-CODE-2026"), "locked");
	assert_true(load(b, TARGET_PROJECT, w.project).facts.code_locked);
	assert_false(load(b, TARGET_PROJECT, w.project).facts.code_verified);
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
		cmocka_unit_test(test_statements),
		cmocka_unit_test(test_project_facts_of_members),
		cmocka_unit_test(test_outsider_learns_nothing),
		cmocka_unit_test(test_confirmation_facts),
		cmocka_unit_test(test_organisation_users),
		cmocka_unit_test(test_organisation_code_lock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
