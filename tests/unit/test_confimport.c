/* test_confimport.c - the import use case (confimport_run) as the audit team meets it,
 * against the real PostgreSQL (tests/unit/pgfix.h; skipped without BGW_TEST_PG): a good
 * file creates every confirmation as a draft with one audit event; a file with a bad row
 * creates nothing and lists every bad row with its column; an XML file that breaks the
 * schema creates nothing; the formats are told from a Content-Type or a file name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/arena.h"
#include "records/confimport.h"
#include "records/xmlio.h"
#include "dbfix.h"
#include "pgfix.h"

#define HEADER "group,type,form,respondent_organization,respondent_email,respondent_name," \
	"as_of,due_date,label,reference,currency,amount\r\n"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	const char *firm, *client, *auditor;
	char xsd[512];
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	const char *src = getenv("BGW_SRCDIR");

	*state = w;
	snprintf(w->xsd, sizeof(w->xsd), "%s/db/confirmations.xsd", src != NULL ? src : ".");
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, false))
		return 0;
	w->firm = pgfix_org(w->fx, "audit_firm");
	w->client = pgfix_org(w->fx, "client");
	w->auditor = pgfix_user(w->fx, w->firm);
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

/* A project of its own with the auditor as its audit admin. */
static const char *
project(struct world *w)
{
	const char *pid = pgfix_project(w->fx, w->firm, w->client);

	pgfix_member(w->fx, pid, w->auditor, "audit", true, NULL);
	return pid;
}

/* Run the import as the auditor in a request's transaction: committed when it worked. */
static bgw_err
run(struct world *w, const char *pid, confimport_format fmt, const char *file,
    confimport_run_out *out)
{
	confimport_run_in in = {.project_id = pid, .ip = "192.0.2.1", .format = fmt,
		.buf = file, .len = strlen(file), .xsd_path = w->xsd};
	bgw_err err;

	assert_int_equal(db_begin(w->db, w->auditor), BGW_OK);
	err = confimport_run(w->db, w->a, w->auditor, &in, out);
	return dbfix_end(w->db, err);
}

static long
drafts(struct world *w, const char *pid)
{
	const char *p[] = {pid};

	return pgfix_count(w->fx, "SELECT 1 FROM confirmations WHERE project_id = $1 AND "
	    "status = 'draft'", 1, p);
}

static void
test_a_good_file_creates_every_draft_with_one_event(void **state)
{
	struct world *w = *state;
	const char *pid, *p[1];
	confimport_run_out out;
	static const char csv[] = HEADER
	    "1,bank,positive,銀行A,a@example.test,担当,2026-03-31,2026-04-30,普通預金,,JPY,1000\r\n"
	    "1,,,,,,,,外貨預金,,USD,10.50\r\n"
	    "2,receivable,blank,B社,b@example.test,経理,2026-03-31,2026-04-30,売掛金,INV-1,JPY,\r\n";

	DBFIX_NEED(w->db);
	pid = project(w);
	p[0] = pid;
	assert_int_equal(run(w, pid, CONFIMPORT_CSV, csv, &out), BGW_OK);
	assert_false(out.refused_rows);
	assert_int_equal(out.created, 2);
	assert_int_equal(out.items, 3);
	assert_int_equal(drafts(w, pid), 2);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM confirmation_items i JOIN "
	    "confirmations c ON c.id = i.confirmation_id WHERE c.project_id = $1", 1, p), 3);
	assert_string_equal(pgfix_sql(w->fx, "SELECT detail::text FROM audit_events WHERE "
	    "project_id = $1 AND action = 'conf.import'", 1, p),
	    "{\"count\": 2, \"items\": 3, \"format\": \"csv\"}");
}

static void
test_a_bad_row_creates_nothing_and_every_bad_row_is_listed(void **state)
{
	struct world *w = *state;
	const char *pid, *p[1];
	confimport_run_out out;
	json_t *rows, *row;
	size_t i;
	bool seen[10] = {false};
	static const char csv[] = HEADER
	    "1,bank,positive,銀行A,a@example.test,担当,2026-03-31,2026-04-30,普通預金,,JPY,1000\r\n"
	    "2,receivable,positive,B社,not-an-email,担当,2026-03-31,2026-04-30,売掛金,,JPY,5\r\n"
	    "3,bank,positive,D社,d@example.test,担当,2026-03-31,2026-04-30,預金,,XYZ,5\r\n"
	    "4,bank,positive,F社,f@example.test,担当,2026-03-31,2026-04-30,預金,,JPY,100\r\n";

	DBFIX_NEED(w->db);
	pid = project(w);
	p[0] = pid;
	assert_int_equal(run(w, pid, CONFIMPORT_CSV, csv, &out), BGW_E_VALIDATION);
	assert_true(out.refused_rows);
	assert_int_equal(drafts(w, pid), 0);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE project_id = $1 "
	    "AND action = 'conf.import'", 1, p), 0);
	rows = confimport_rows_json(&out.result);
	assert_non_null(rows);
	json_array_foreach(rows, i, row) {
		json_int_t n = json_integer_value(json_object_get(row, "row"));
		const char *col = json_string_value(json_object_get(row, "column"));

		assert_true(n == 3 || n == 4);
		if (n == 3 && col != NULL && strcmp(col, "respondent_email") == 0)
			seen[3] = true;
		if (n == 4 && col != NULL && strcmp(col, "currency") == 0)
			seen[4] = true;
	}
	json_decref(rows);
	assert_true(seen[3]);
	assert_true(seen[4]);
}

static void
test_a_broken_file_is_refused_with_its_line(void **state)
{
	struct world *w = *state;
	const char *pid;
	confimport_run_out out;

	DBFIX_NEED(w->db);
	pid = project(w);
	assert_int_equal(run(w, pid, CONFIMPORT_CSV, HEADER "1,bank,\"unterminated", &out),
	    BGW_E_BAD_REQUEST);
	assert_true(out.refused_rows);
	assert_true(out.result.nerrors >= 1);
	assert_int_equal(drafts(w, pid), 0);
}

static void
test_xml_against_the_schema(void **state)
{
	struct world *w = *state;
	const char *pid;
	confimport_run_out out;

	DBFIX_NEED(w->db);
	pid = project(w);
	assert_int_equal(run(w, pid, CONFIMPORT_XML, "<?xml version=\"1.0\"?><nothing/>", &out),
	    BGW_E_VALIDATION);
	assert_true(out.refused_rows);
	assert_int_equal(drafts(w, pid), 0);
}

static void
test_an_unknown_format_is_refused_before_reading(void **state)
{
	struct world *w = *state;
	confimport_run_out out;

	DBFIX_NEED(w->db);
	assert_int_equal(run(w, project(w), CONFIMPORT_NONE, "{}", &out),
	    BGW_E_UNSUPPORTED_TYPE);
	assert_false(out.refused_rows);
}

static void
test_formats_from_type_and_name(void **state)
{
	(void)state;
	assert_int_equal(confimport_format_of_type("text/csv"), CONFIMPORT_CSV);
	assert_int_equal(confimport_format_of_type("text/csv; charset=utf-8"), CONFIMPORT_CSV);
	assert_int_equal(confimport_format_of_type("TEXT/CSV"), CONFIMPORT_CSV);
	assert_int_equal(confimport_format_of_type("text/csvx"), CONFIMPORT_NONE);
	assert_int_equal(confimport_format_of_type("application/xml"), CONFIMPORT_XML);
	assert_int_equal(confimport_format_of_type("text/xml;charset=utf-8"), CONFIMPORT_XML);
	assert_int_equal(confimport_format_of_type(
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
	    CONFIMPORT_XLSX);
	assert_int_equal(confimport_format_of_type("application/json"), CONFIMPORT_NONE);
	assert_int_equal(confimport_format_of_type(NULL), CONFIMPORT_NONE);
	assert_int_equal(confimport_format_of_name("残高.CSV"), CONFIMPORT_CSV);
	assert_int_equal(confimport_format_of_name("book.xlsx"), CONFIMPORT_XLSX);
	assert_int_equal(confimport_format_of_name("a.xml"), CONFIMPORT_XML);
	assert_int_equal(confimport_format_of_name("a.csv.exe"), CONFIMPORT_NONE);
	assert_int_equal(confimport_format_of_name(""), CONFIMPORT_NONE);
	assert_int_equal(confimport_format_of_name(NULL), CONFIMPORT_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_good_file_creates_every_draft_with_one_event),
		cmocka_unit_test(test_a_bad_row_creates_nothing_and_every_bad_row_is_listed),
		cmocka_unit_test(test_a_broken_file_is_refused_with_its_line),
		cmocka_unit_test(test_xml_against_the_schema),
		cmocka_unit_test(test_an_unknown_format_is_refused_before_reading),
		cmocka_unit_test(test_formats_from_type_and_name),
	};

	return cmocka_run_group_tests_name("confimport", tests, setup, teardown);
}
