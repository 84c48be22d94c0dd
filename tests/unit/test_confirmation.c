/* test_confirmation.c - confirmations as stored and rendered (lib/flow/confirmation.h),
 * against the real PostgreSQL: a draft as its creator reads it, the project's list for the
 * audit team and the client, and nothing of it for a respondent before it is sent (the
 * row-level security behind the policy layer); a second draft to the same address finds
 * the same respondent organisation, never one by name. */
#include <stdio.h>

#include <jansson.h>

#include "flow/confirmation.h"
#include "flowcase.h"

static conf_input
input(const char *org_name, const char *email)
{
	static conf_item_in item = {.label = "Deposit", .currency = "JPY", .amount = "5000"};

	return (conf_input){.type = "bank", .form = "positive", .org_name = org_name,
		.email = email, .name = "Tanaka", .as_of = "2026-03-31", .due_date = "2026-04-30",
		.items = &item, .nitems = 1, .has_items = true};
}

static void
test_create_read_list(void **state)
{
	flowcase *c = flowcase_get(state);
	const char *firm = pgfix_org(c->f, "audit_firm");
	const char *client_org = pgfix_org(c->f, "client");
	const char *resp_org = pgfix_org(c->f, "respondent");
	const char *auditor = pgfix_user(c->f, firm);
	const char *client = pgfix_user(c->f, client_org);
	const char *resp = pgfix_user(c->f, resp_org);
	const char *project = pgfix_project(c->f, firm, client_org);
	const char *email = bgw_arena_printf(c->a, "%s@bank.example", pgfix_unique(c->f, "k"));
	conf_input one = input("Sample Bank", email), two = input("Another name", email);
	conf_filter all = {.page = 1, .per_page = 50, .sees_all = true};
	const char *id1, *id2, *p[2];
	json_t *conf, *list;

	pgfix_member(c->f, project, auditor, "audit", true, NULL);
	pgfix_member(c->f, project, client, "client", true, NULL);
	pgfix_member(c->f, project, resp, "respondent", true, resp_org);
	flowcase_begin(c, auditor);
	assert_int_equal(conf_create(c->db, c->a, project, auditor, &one, &id1), BGW_OK);
	assert_int_equal(conf_create(c->db, c->a, project, auditor, &two, &id2), BGW_OK);
	assert_int_equal(conf_get_json(c->db, c->a, id1, SIDE_AUDIT, false, &conf), BGW_OK);
	flowcase_end(c, true);
	assert_string_equal(json_string_value(json_object_get(conf, "status")), "draft");
	assert_string_equal(json_string_value(json_object_get(json_object_get(conf,
	    "respondent"), "email")), email);
	assert_int_equal(json_array_size(json_object_get(conf, "items")), 1);
	/* The same address, whatever the name typed: the same organisation. */
	p[0] = id1;
	p[1] = id2;
	assert_int_equal(pgfix_count(c->f, "SELECT DISTINCT respondent_org_id FROM confirmations "
	    "WHERE id IN ($1, $2)", 2, p), 1);

	flowcase_begin(c, client);
	assert_int_equal(conf_list_json(c->db, c->a, project, &all, &list), BGW_OK);
	flowcase_end(c, true);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 2);

	/* A respondent sees nothing of a request not sent to it. */
	all.sees_all = false;
	flowcase_begin(c, resp);
	assert_int_equal(conf_list_json(c->db, c->a, project, &all, &list), BGW_OK);
	assert_int_equal(conf_get_json(c->db, c->a, id1, SIDE_RESPONDENT, false, &conf),
	    BGW_E_NOT_FOUND);
	flowcase_end(c, false);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_read_list),
	};

	return cmocka_run_group_tests(tests, flowcase_setup, flowcase_teardown);
}
