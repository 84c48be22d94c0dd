/* test_auditview.c - the audit log as the audit team reads it (lib/flow/auditview.h), against
 * the real PostgreSQL: a confirmation's history holds its own events only, oldest first,
 * each with its actor and hash; the project's log comes page by page, each event carrying
 * the hash it was chained to. */
#include <stdio.h>

#include <jansson.h>

#include "flow/audit.h"
#include "flow/auditview.h"
#include "flowcase.h"

static void
append(flowcase *c, const char *project, const char *actor, const char *action,
    const char *otype, const char *oid)
{
	audit_event ev = {.project_id = project, .actor_id = actor, .action = action,
		.object_type = otype, .object_id = oid};

	assert_int_equal(audit_append(c->db, c->a, &ev, NULL), BGW_OK);
}

static void
test_history_and_log(void **state)
{
	flowcase *c = flowcase_get(state);
	const char *firm = pgfix_org(c->f, "audit_firm");
	const char *auditor = pgfix_user(c->f, firm);
	const char *project = pgfix_project(c->f, firm, pgfix_org(c->f, "client"));
	const char *cid = pgfix_unique(c->f, "conf");
	json_t *hist, *page1, *page2, *items;

	pgfix_member(c->f, project, auditor, "audit", true, NULL);
	flowcase_begin(c, auditor);
	append(c, project, auditor, "project.settings", "project", project);
	append(c, project, auditor, "conf.create", "confirmation", cid);
	append(c, project, auditor, "conf.submit", "confirmation", cid);
	flowcase_end(c, true);

	flowcase_begin(c, auditor);
	assert_int_equal(auditview_history_json(c->db, c->a, project, cid, &hist), BGW_OK);
	assert_int_equal(auditview_log_json(c->db, c->a, project, 1, 2, &page1), BGW_OK);
	assert_int_equal(auditview_log_json(c->db, c->a, project, 2, 2, &page2), BGW_OK);
	flowcase_end(c, true);

	items = json_object_get(hist, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0),
	    "action")), "conf.create");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(items, 1), "actor"), "id")), auditor);
	assert_int_equal(strlen(json_string_value(json_object_get(json_array_get(items, 1),
	    "hash"))), 64);

	assert_int_equal(json_integer_value(json_object_get(page1, "total")), 3);
	assert_int_equal(json_array_size(json_object_get(page1, "items")), 2);
	assert_int_equal(json_array_size(json_object_get(page2, "items")), 1);
	/* The third event was chained to the second's hash. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(page2, "items"), 0), "prev_hash")), json_string_value(
	    json_object_get(json_array_get(json_object_get(page1, "items"), 1), "hash")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_and_log),
	};

	return cmocka_run_group_tests(tests, flowcase_setup, flowcase_teardown);
}
