/* test_readdress.c - correcting an undeliverable (未達) addressee, as the audit admin does
 * it, against the real PostgreSQL as bgw_app (tests/unit/pgfix.h; skipped without it): the
 * bounced request goes again to the corrected address (a stranger gets a new invitation, a
 * known account joins the project) and the correction is on record; without a check of the
 * new address, or for a confirmation not sent, nothing changes and nothing is mailed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "flow/readdress.h"
#include "records/confimport.h"
#include "dbfix.h"
#include "pgfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	const char *firm, *client, *admin;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	*state = w;
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, false))
		return 0;
	w->firm = pgfix_org(w->fx, "audit_firm");
	w->client = pgfix_org(w->fx, "client");
	w->admin = pgfix_user(w->fx, w->firm);
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

/* A confirmation of a new project, made by import and then (as the owner) sent and
 * bounced when bounced is true, else left a draft; answers its id. */
static const char *
confirmation(struct world *w, bool bounced)
{
	static const char csv[] = "group,type,form,respondent_organization,respondent_email,"
	    "respondent_name,as_of,due_date,label,reference,currency,amount\r\n"
	    "1,bank,positive,宛先銀行,old@example.test,担当,2026-03-31,2026-04-30,預金,,JPY,1\r\n";
	const char *pid = pgfix_project(w->fx, w->firm, w->client);
	confimport_run_in in = {.project_id = pid, .format = CONFIMPORT_CSV, .buf = csv,
		.len = strlen(csv)};
	confimport_run_out out;

	pgfix_member(w->fx, pid, w->admin, "audit", true, NULL);
	assert_int_equal(db_begin(w->db, w->admin), BGW_OK);
	assert_int_equal(confimport_run(w->db, w->a, w->admin, &in, &out), BGW_OK);
	assert_int_equal(db_commit(w->db), BGW_OK);
	if (bounced)
		(void)pgfix_sql(w->fx, "UPDATE confirmations SET status = 'sent', sent_at = now(), "
		    "undeliverable = true WHERE project_id = $1", 1, (const char *[]){pid});
	return pgfix_sql(w->fx, "SELECT id FROM confirmations WHERE project_id = $1", 1,
	    (const char *[]){pid});
}

static bgw_err
readdress(struct world *w, const char *cid, const conf_readdress_in *in, conf_locked *out)
{
	conf_actor who = {.user_id = w->admin, .ip = "192.0.2.4"};
	bgw_err err;

	assert_int_equal(db_begin(w->db, w->admin), BGW_OK);
	err = readdress_run(w->db, w->a, &who, cid, in, "https://bg.example", out);
	return dbfix_end(w->db, err);
}

static long
mails_to(struct world *w, const char *email)
{
	return pgfix_count(w->fx, "SELECT 1 FROM outbox WHERE to_address = $1 AND "
	    "kind = 'confirmation_request'", 1, (const char *[]){email});
}

static void
test_a_stranger_at_the_corrected_address_is_invited(void **state)
{
	struct world *w = *state;
	char email[128];
	const char *cid;
	conf_readdress_in in = {.name = "新担当", .method = "phone",
		.note = "called the bank's main number"};
	conf_locked c;

	DBFIX_NEED(w->db);
	cid = confirmation(w, true);
	snprintf(email, sizeof(email), "%s@example.test", pgfix_unique(w->fx, "new"));
	in.email = email;
	assert_int_equal(readdress(w, cid, &in, &c), BGW_OK);
	assert_string_equal(c.email, email);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM confirmations WHERE id = $1 AND "
	    "respondent_email = $2 AND NOT undeliverable", 2, (const char *[]){cid, email}), 1);
	assert_int_equal(mails_to(w, email), 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM outbox WHERE to_address = $1 AND "
	    "strpos(body, 'https://bg.example/') > 0", 1, (const char *[]){email}), 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 AND "
	    "action = 'conf.addressee'", 1, (const char *[]){cid}), 1);
}

static void
test_a_known_account_joins_the_project(void **state)
{
	struct world *w = *state;
	const char *cid, *user, *email, *pid;
	conf_readdress_in in = {.name = "既存", .method = "letter", .note = "letterhead"};
	conf_locked c;

	DBFIX_NEED(w->db);
	cid = confirmation(w, true);
	pid = pgfix_sql(w->fx, "SELECT project_id FROM confirmations WHERE id = $1", 1,
	    (const char *[]){cid});
	user = pgfix_user(w->fx, pgfix_org(w->fx, "respondent"));
	email = pgfix_sql(w->fx, "SELECT email FROM users WHERE id = $1", 1,
	    (const char *[]){user});
	in.email = email;
	assert_int_equal(readdress(w, cid, &in, &c), BGW_OK);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM memberships WHERE project_id = $1 AND "
	    "user_id = $2 AND side = 'respondent'", 2, (const char *[]){pid, user}), 1);
	assert_int_equal(mails_to(w, email), 1);
}

static void
test_nothing_changes_without_a_check_or_before_sending(void **state)
{
	struct world *w = *state;
	const char *bounced, *draft;
	conf_readdress_in unchecked = {.email = "x1@example.test", .name = "x"};
	conf_readdress_in checked = {.email = "x2@example.test", .name = "x", .method = "phone",
		.note = "n"};
	conf_locked c;

	DBFIX_NEED(w->db);
	bounced = confirmation(w, true);
	draft = confirmation(w, false);
	assert_int_equal(readdress(w, bounced, &unchecked, &c), BGW_E_ADDRESS_NOT_CHECKED);
	assert_int_equal(readdress(w, draft, &checked, &c), BGW_E_INVALID_STATE);
	assert_int_equal(mails_to(w, "x1@example.test") + mails_to(w, "x2@example.test"), 0);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM confirmations WHERE id = $1 AND "
	    "respondent_email = 'old@example.test' AND undeliverable", 1,
	    (const char *[]){bounced}), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_stranger_at_the_corrected_address_is_invited),
		cmocka_unit_test(test_a_known_account_joins_the_project),
		cmocka_unit_test(test_nothing_changes_without_a_check_or_before_sending),
	};

	return cmocka_run_group_tests_name("readdress", tests, setup, teardown);
}
