/* test_confview.c - every view of a final answer is recorded (lib/flow/confview.h), against
 * the real PostgreSQL: a final answer shown adds one response.view event with the version
 * shown; no answer, or one still waiting for the respondent admin's approval, adds none. */
#include <stdio.h>

#include <jansson.h>

#include "flow/confview.h"
#include "flowcase.h"

static void
test_final_answer_views_are_recorded(void **state)
{
	flowcase *c = flowcase_get(state);
	const char *firm = pgfix_org(c->f, "audit_firm");
	const char *auditor = pgfix_user(c->f, firm);
	const char *project = pgfix_project(c->f, firm, pgfix_org(c->f, "client"));
	confview_who who = {.project_id = project, .user_id = auditor, .ip = "192.0.2.1",
		.confirmation_id = pgfix_unique(c->f, "conf")};
	json_t *none = json_pack("{s:s}", "status", "sent");
	json_t *waiting = json_pack("{s:{s:b, s:i}}", "response", "final", 0, "version", 1);
	json_t *final = json_pack("{s:{s:b, s:i}}", "response", "final", 1, "version", 2);
	const char *p[] = {project};

	pgfix_member(c->f, project, auditor, "audit", true, NULL);
	flowcase_begin(c, auditor);
	assert_int_equal(confview_record_answer(c->db, c->a, &who, none), BGW_OK);
	assert_int_equal(confview_record_answer(c->db, c->a, &who, waiting), BGW_OK);
	assert_int_equal(confview_record_answer(c->db, c->a, &who, final), BGW_OK);
	flowcase_end(c, true);
	assert_int_equal(flowcase_events(c, project, "response.view"), 1);
	assert_string_equal(pgfix_sql(c->f, "SELECT detail->>'version' FROM audit_events "
	    "WHERE project_id = $1 AND action = 'response.view'", 1, p), "2");
	json_decref(none);
	json_decref(waiting);
	json_decref(final);
}

static void
test_answer_item(void **state)
{
	json_t *r = json_pack("{s:[{s:s, s:b}, {s:s, s:b}]}", "items", "item_id", "i1", "agrees", 1,
	    "item_id", "i2", "agrees", 0);

	(void)state;
	assert_false(json_is_true(json_object_get(confview_answer_item(r, "i2"), "agrees")));
	assert_true(json_is_true(json_object_get(confview_answer_item(r, "i1"), "agrees")));
	assert_null(confview_answer_item(r, "i3"));
	assert_null(confview_answer_item(r, NULL));
	assert_null(confview_answer_item(NULL, "i1"));
	json_decref(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_final_answer_views_are_recorded),
		cmocka_unit_test(test_answer_item),
	};

	return cmocka_run_group_tests(tests, flowcase_setup, flowcase_teardown);
}
