/* test_confexport.c - the export use case (confexport_run) as the audit team, the client
 * and an outsider meet it, against the real PostgreSQL (tests/unit/pgfix.h; skipped
 * without BGW_TEST_PG): the export lists what the actor may see, with their items, and every export is on record with its format and view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "records/confexport.h"
#include "records/confimport.h"
#include "records/xmlio.h"
#include "dbfix.h"
#include "pgfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	const char *project, *auditor, *client_user, *outsider;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	const char *firm, *client, *other;
	confimport_run_in in = {.ip = "192.0.2.1", .format = CONFIMPORT_CSV};
	confimport_run_out out;
	static const char csv[] =
	    "group,type,form,respondent_organization,respondent_email,respondent_name,as_of,"
	    "due_date,label,reference,currency,amount\r\n"
	    "1,bank,positive,銀行A,a@example.test,担当,2026-03-31,2026-04-30,普通預金,,JPY,1000\r\n"
	    "1,,,,,,,,当座預金,,JPY,2000\r\n"
	    "2,payable,positive,C社,c@example.test,経理,2026-03-31,2026-04-30,買掛金,,USD,10.50\r\n";

	*state = w;
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, false))
		return 0;
	firm = pgfix_org(w->fx, "audit_firm");
	client = pgfix_org(w->fx, "client");
	other = pgfix_org(w->fx, "client");
	w->project = pgfix_project(w->fx, firm, client);
	w->auditor = pgfix_user(w->fx, firm);
	w->client_user = pgfix_user(w->fx, client);
	w->outsider = pgfix_user(w->fx, other);
	pgfix_member(w->fx, w->project, w->auditor, "audit", true, NULL);
	pgfix_member(w->fx, w->project, w->client_user, "client", true, NULL);
	/* The drafts come the way users make them: an import by the audit team. */
	in.project_id = w->project;
	in.buf = csv;
	in.len = strlen(csv);
	if (db_begin(w->db, w->auditor) != BGW_OK ||
	    confimport_run(w->db, w->a, w->auditor, &in, &out) != BGW_OK ||
	    db_commit(w->db) != BGW_OK)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	dbfix_close_all(w->fx, w->db, w->a);
	free(w);
	xmlio_cleanup();
	return 0;
}

static bgw_err
export_as(struct world *w, const char *user, bool audit, const char *format,
    confexport_set *set)
{
	confexport_run_in in = {.project_id = w->project, .ip = "192.0.2.9", .format = format,
		.audit_view = audit};
	bgw_err err;

	assert_int_equal(db_begin(w->db, user), BGW_OK);
	err = confexport_run(w->db, w->a, user, &in, set);
	return dbfix_end(w->db, err);
}

static long
events(struct world *w, const char *user, const char *detail)
{
	const char *p[] = {w->project, user, detail};

	return pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE project_id = $1 AND "
	    "actor_id = $2 AND action = 'project.export' AND detail = $3::jsonb", 3, p);
}

static void
test_the_audit_team_exports_every_confirmation_with_its_items(void **state)
{
	struct world *w = *state;
	confexport_set set;
	const export_confirmation *bank, *payable;

	DBFIX_NEED(w->db);
	assert_int_equal(export_as(w, w->auditor, true, "csv", &set), BGW_OK);
	assert_int_equal(set.n, 2);
	/* made in one statement: the order between them is the store's; find each */
	bank = strcmp(set.list[0].c->respondent_org, "銀行A") == 0 ? &set.list[0] : &set.list[1];
	payable = bank == &set.list[0] ? &set.list[1] : &set.list[0];
	assert_string_equal(bank->c->respondent_org, "銀行A");
	assert_int_equal(bank->c->nitems, 2);
	assert_string_equal(bank->c->items[0].label, "普通預金");
	assert_string_equal(bank->c->items[1].label, "当座預金");
	assert_string_equal(payable->c->respondent_email, "c@example.test");
	assert_string_equal(payable->c->items[0].currency, "USD");
	assert_non_null(bank->reference);
	assert_int_equal(bank->nresponses, 0); /* nothing answered yet */
	assert_int_equal(events(w, w->auditor, "{\"format\":\"csv\",\"view\":\"audit\"}"), 1);
}

static void
test_the_client_exports_its_view_and_it_is_on_record(void **state)
{
	struct world *w = *state;
	confexport_set set;

	DBFIX_NEED(w->db);
	assert_int_equal(export_as(w, w->client_user, false, "xml", &set), BGW_OK);
	assert_int_equal(set.n, 2);
	assert_int_equal(events(w, w->client_user, "{\"format\":\"xml\",\"view\":\"client\"}"),
	    1);
}

static void
test_an_outsider_exports_nothing(void **state)
{
	struct world *w = *state;
	confexport_set set = {0};

	DBFIX_NEED(w->db);
	/* The policy layer answers 404 first; row-level security is the second wall. */
	(void)export_as(w, w->outsider, true, "csv", &set);
	assert_int_equal(set.n, 0);
}

/* The audit team's work (XLSX, evidence pack) lines up with the set, row for row. */
static void
test_the_audit_work_lines_up_with_the_set(void **state)
{
	struct world *w = *state;
	confexport_set set;
	confexport_work *work;
	const char *p[] = {w->project};
	size_t bank;
	bgw_err err;

	DBFIX_NEED(w->db);
	pgfix_sql(w->fx, "INSERT INTO reconciling_items (confirmation_id, kind, currency, amount, "
	    "note) SELECT id, 'timing_difference', 'JPY', 500, '期ズレ' FROM confirmations "
	    "WHERE project_id = $1 AND respondent_email = 'a@example.test'", 1, p);
	pgfix_sql(w->fx, "INSERT INTO reviews (confirmation_id, result, note) SELECT id, "
	    "'exception', '差異' FROM confirmations WHERE project_id = $1 AND "
	    "respondent_email = 'a@example.test'", 1, p);
	assert_int_equal(db_begin(w->db, w->auditor), BGW_OK);
	err = confexport_load(w->db, w->a, w->project, true, &set);
	if (err == BGW_OK)
		err = confexport_load_work(w->db, w->a, w->project, &set, &work);
	assert_int_equal(dbfix_end(w->db, err), BGW_OK);
	assert_int_equal(set.n, 2);
	bank = strcmp(set.list[0].c->respondent_org, "銀行A") == 0 ? 0 : 1;
	assert_string_equal(work[bank].reconciling, "timing_difference JPY 500 (期ズレ)");
	assert_string_equal(work[bank].review_result, "exception");
	assert_string_equal(work[bank].review_note, "差異");
	assert_null(work[bank].address_check);
	assert_null(work[1 - bank].reconciling);
	assert_null(work[1 - bank].review_result);
}

static void
test_the_file_name_is_header_and_path_safe(void **state)
{
	bgw_arena *a = bgw_arena_new();

	(void)state;
	assert_string_equal(confexport_filename(a, "p01ABC_x-y", "csv"),
	    "confirmations-p01ABC_x-y.csv");
	assert_string_equal(confexport_filename(a, "../\"x\r\n", "xml"),
	    "confirmations-____x__.xml");
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_audit_team_exports_every_confirmation_with_its_items),
		cmocka_unit_test(test_the_client_exports_its_view_and_it_is_on_record),
		cmocka_unit_test(test_an_outsider_exports_nothing),
		cmocka_unit_test(test_the_audit_work_lines_up_with_the_set),
		cmocka_unit_test(test_the_file_name_is_header_and_path_safe),
	};

	return cmocka_run_group_tests_name("confexport", tests, setup, teardown);
}
