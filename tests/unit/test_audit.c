/* test_audit.c - the hash chain (lib/flow/audit.h) against the real PostgreSQL: events of a
 * project chain one after another and verify; an event changed afterwards (as only someone
 * with the database owner's rights could) breaks verification at that event. */
#include <stdio.h>

#include "flow/audit.h"
#include "flowcase.h"

typedef struct scene {
	const char *auditor, *project;
} scene;

static scene
scene_new(flowcase *c)
{
	const char *firm = pgfix_org(c->f, "audit_firm");
	scene s = {.auditor = pgfix_user(c->f, firm)};

	s.project = pgfix_project(c->f, firm, pgfix_org(c->f, "client"));
	pgfix_member(c->f, s.project, s.auditor, "audit", true, NULL);
	return s;
}

/* Three events of one project, as the audit admin; their hashes in hex. */
static void
append_three(flowcase *c, const scene *s, char hex[3][65])
{
	static const char *const actions[] = {"project.settings", "conf.create", "conf.edit"};

	flowcase_begin(c, s->auditor);
	for (int i = 0; i < 3; i++) {
		audit_event ev = {.project_id = s->project, .actor_id = s->auditor,
			.action = actions[i], .object_type = "project", .object_id = s->project,
			.ip = "192.0.2.1", .detail_json = "{\"n\":1}"};

		assert_int_equal(audit_append(c->db, c->a, &ev, hex[i]), BGW_OK);
	}
	flowcase_end(c, true);
}

static void
test_events_chain(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	char hex[3][65], bad_id[32] = "";
	long long count = 0, bad_seq = 0;
	const char *p[] = {s.project, "2"};

	append_three(c, &s, hex);
	/* Each event starts from the hash of the one before. */
	assert_string_equal(pgfix_sql(c->f, "SELECT encode(prev_hash, 'hex') FROM audit_events "
	    "WHERE project_id = $1 AND seq = $2::bigint", 2, p), hex[0]);
	assert_string_equal(pgfix_sql(c->f, "SELECT encode(hash, 'hex') FROM audit_events "
	    "WHERE project_id = $1 AND seq = $2::bigint", 2, p), hex[1]);
	flowcase_begin(c, s.auditor);
	assert_int_equal(audit_verify_chain(c->db, c->a, s.project, &count, &bad_seq, bad_id,
	    sizeof(bad_id)), BGW_OK);
	flowcase_end(c, true);
	assert_int_equal(count, 3);
}

/* Changing a stored event (the append-only trigger switched off for the owner's session,
 * as an intruder with those rights could) is found at that event. */
static void
test_changed_event_breaks_verification(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	char hex[3][65], bad_id[32] = "";
	long long count = 0, bad_seq = 0;
	const char *p[] = {s.project};

	append_three(c, &s, hex);
	(void)pgfix_sql(c->f, "SET session_replication_role = replica", 0, NULL);
	(void)pgfix_sql(c->f, "UPDATE audit_events SET action = 'conf.cancel' "
	    "WHERE project_id = $1 AND seq = 2", 1, p);
	(void)pgfix_sql(c->f, "SET session_replication_role = origin", 0, NULL);
	flowcase_begin(c, s.auditor);
	assert_int_equal(audit_verify_chain(c->db, c->a, s.project, &count, &bad_seq, bad_id,
	    sizeof(bad_id)), BGW_E_VALIDATION);
	flowcase_end(c, true);
	assert_int_equal(bad_seq, 2);
}

/* The hash is SHA-256 over the previous hash and the length-prefixed fields: moving a byte
 * from one field to the next changes it. */
static void
test_fields_are_length_prefixed(void **state)
{
	unsigned char zero[AUDIT_HASH_LEN] = {0}, h1[AUDIT_HASH_LEN], h2[AUDIT_HASH_LEN];
	const char *const f1[] = {"ab", "c"};
	const char *const f2[] = {"a", "bc"};

	(void)state;
	audit_hash(zero, f1, 2, h1);
	audit_hash(zero, f2, 2, h2);
	assert_memory_not_equal(h1, h2, AUDIT_HASH_LEN);
	audit_hash(zero, f1, 2, h2);
	assert_memory_equal(h1, h2, AUDIT_HASH_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_chain),
		cmocka_unit_test(test_changed_event_breaks_verification),
		cmocka_unit_test(test_fields_are_length_prefixed),
	};

	return cmocka_run_group_tests(tests, flowcase_setup, flowcase_teardown);
}
