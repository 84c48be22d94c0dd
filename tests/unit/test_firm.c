/* test_firm.c - opening the service to a new audit firm (bgw-admin firm-create,
 * operator-create), against the real PostgreSQL on the owner's connection
 * (tests/unit/pgfix.h; skipped without it): the firm exists, its first admin is invited
 * with a single-use link that is mailed, the event is on record; a bad e-mail names the
 * field and creates nothing; operators share one organisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/firm.h"
#include "core/arena.h"
#include "dbfix.h"
#include "pgfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	*state = w;
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, true))
		return 0;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	dbfix_close_all(w->fx, w->db, w->a);
	free(w);
	return 0;
}

static bgw_err
invite(struct world *w, const firm_invite_in *in, firm_invite_out *out, bgw_kv **errors)
{
	bgw_err err;

	assert_int_equal(db_begin(w->db, NULL), BGW_OK);
	err = firm_invite(w->db, w->a, in, out, errors);
	return dbfix_end(w->db, err);
}

static void
test_a_firm_and_its_first_admins_invitation(void **state)
{
	struct world *w = *state;
	char email[128];
	firm_invite_in in = {.base_url = "https://bg.example"};
	firm_invite_out out;
	bgw_kv *errors = NULL;
	const char *p[2];

	DBFIX_NEED(w->db);
	in.name = pgfix_unique(w->fx, "監査法人");
	snprintf(email, sizeof(email), "%s@Example.TEST", pgfix_unique(w->fx, "admin"));
	in.email = email;
	assert_int_equal(invite(w, &in, &out, &errors), BGW_OK);
	assert_null(errors);
	assert_int_equal(strncmp(out.link, "https://bg.example/", 19), 0);
	p[0] = out.organization_id;
	p[1] = in.name;
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM organizations WHERE id = $1 AND "
	    "kind = 'audit_firm' AND name = $2", 2, p), 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 "
	    "AND action = 'firm.create'", 1, p), 1);
	/* the invitation mail waits in the outbox, with the link in it */
	p[1] = out.link;
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM outbox WHERE kind = 'firm_invitation' "
	    "AND to_address = $1 AND strpos(body, $2) > 0",
	    2, (const char *[]){email, out.link}), 1);
}

static void
test_a_bad_email_names_the_field_and_creates_nothing(void **state)
{
	struct world *w = *state;
	firm_invite_in in = {.email = "not-an-email", .base_url = "https://bg.example"};
	firm_invite_out out;
	bgw_kv *errors = NULL;
	const char *p[1];

	DBFIX_NEED(w->db);
	in.name = pgfix_unique(w->fx, "firm");
	p[0] = in.name;
	assert_int_equal(invite(w, &in, &out, &errors), BGW_E_VALIDATION);
	assert_non_null(errors);
	assert_string_equal(errors->key, "email");
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM organizations WHERE name = $1", 1, p),
	    0);
}

static void
test_operators_share_one_organisation(void **state)
{
	struct world *w = *state;
	char e1[128], e2[128];
	firm_invite_in in = {.name = FIRM_OPERATOR_ORG_NAME, .operator = true,
		.base_url = "https://bg.example"};
	firm_invite_out one, two;
	bgw_kv *errors = NULL;

	DBFIX_NEED(w->db);
	snprintf(e1, sizeof(e1), "%s@example.test", pgfix_unique(w->fx, "op"));
	snprintf(e2, sizeof(e2), "%s@example.test", pgfix_unique(w->fx, "op"));
	in.email = e1;
	assert_int_equal(invite(w, &in, &one, &errors), BGW_OK);
	in.email = e2;
	assert_int_equal(invite(w, &in, &two, &errors), BGW_OK);
	assert_string_equal(one.organization_id, two.organization_id);
	assert_true(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 "
	    "AND action = 'operator.invite'", 1, (const char *[]){one.organization_id}) >= 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_firm_and_its_first_admins_invitation),
		cmocka_unit_test(test_a_bad_email_names_the_field_and_creates_nothing),
		cmocka_unit_test(test_operators_share_one_organisation),
	};

	return cmocka_run_group_tests_name("firm", tests, setup, teardown);
}
