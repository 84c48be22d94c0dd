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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
