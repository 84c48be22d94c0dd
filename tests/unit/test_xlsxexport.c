/* test_xlsxexport.c - the XLSX export: the workbook libzip reads back has the header row,
 * frozen panes, autofilter and a number format per currency's minor unit; the client's
 * view leaves out the audit team's columns; no temporary file is left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "memsink.h"
#include "records/xlsxexport.h"


static import_item items_jpy[] = {
	{.row = 1, .label = "普通預金", .currency = "JPY", .amount = "1234567"},
	{.row = 2, .label = "定期預金", .currency = "JPY", .amount = "5000000"},
};
static import_item items_usd[] = {{.row = 1, .label = "Receivable", .currency = "USD",
	.amount = "1000.50"}};
static const char *ids_jpy[] = {"i1", "i2"};
static const char *ids_usd[] = {"i3"};
static import_confirmation c_jpy = {.type = "bank", .form = "positive",
	.respondent_org = "みずほ銀行", .as_of = "2026-03-31", .items = items_jpy, .nitems = 2};
static import_confirmation c_usd = {.type = "receivable", .form = "positive",
	.respondent_org = "Acme Inc", .as_of = "2026-03-31", .items = items_usd, .nitems = 1};
static export_response_item answers[] = {{.item_id = "i1", .agrees = true},
	{.item_id = "i2", .agrees = false, .amount = "4990000", .note = "利息"}};
static export_response resp = {.version = 1, .responder_name = "山田",
	.submitted_at = "2026-04-10T01:00:00Z", .seal = "ab12", .items = answers, .nitems = 2};

static confexport_set
sample(export_confirmation list[2])
{
	list[0] = (export_confirmation){.id = "c1", .reference = "BGW-0001", .status = "exception",
		.c = &c_jpy, .item_ids = ids_jpy, .responses = &resp, .nresponses = 1};
	list[1] = (export_confirmation){.id = "c2", .reference = "BGW-0002", .status = "sent",
		.c = &c_usd, .item_ids = ids_usd};
	return (confexport_set){.list = list, .n = 2};
}

static char *
part(bgw_arena *a, const mem *m, const char *name)
{
	zip_error_t e;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	zip_file_t *f;
	char *out;

	zip_error_init(&e);
	src = zip_source_buffer_create(m->buf, m->len, 0, &e);
	assert_non_null(z = zip_open_from_source(src, ZIP_RDONLY, &e));
	zip_error_fini(&e);
	assert_int_equal(zip_stat(z, name, 0, &st), 0);
	out = bgw_arena_alloc(a, st.size + 1);
	assert_non_null(f = zip_fopen(z, name, 0));
	assert_int_equal(zip_fread(f, out, st.size), (zip_int64_t)st.size);
	out[st.size] = '\0';
	zip_fclose(f);
	zip_discard(z);
	return out;
}

static size_t
files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
audit_view(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	export_confirmation list[2];
	confexport_set set = sample(list);
	confexport_work work[2] = {{.review_result = "exception", .review_note = "差異あり",
		.reconciling = "timing_difference JPY 10000", .address_check = "phone, 2026-03-01"},
		{0}};
	char dir[] = "/tmp/test_xlsxexport.XXXXXX";
	char *sheet, *styles;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(xlsxexport_write(a, &set, work, dir, to_mem, &m), BGW_OK);
	assert_int_equal(files_in(dir), 0);
	rmdir(dir);
	sheet = part(a, &m, "xl/worksheets/sheet1.xml");
	styles = part(a, &m, "xl/styles.xml");
	assert_non_null(strstr(sheet, "xSplit=\"1\" ySplit=\"1\" topLeftCell=\"B2\""));
	assert_non_null(strstr(sheet, "<autoFilter ref=\"A1:Q4\""));
	assert_non_null(strstr(sheet, "参照番号 Reference"));
	assert_non_null(strstr(sheet, "代替手続 Alternative procedures"));
	assert_non_null(strstr(sheet, "差異あり"));
	assert_non_null(strstr(sheet, "<v>-10000</v>")); /* the difference of item 2 */
	assert_non_null(strstr(styles, "formatCode=\"#,##0;[Red]-#,##0\""));
	assert_non_null(strstr(styles, "formatCode=\"#,##0.00;[Red]-#,##0.00\""));
	bgw_arena_free(a);
}

static void
client_view(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	export_confirmation list[2];
	confexport_set set = sample(list);
	char *sheet;

	(void)state;
	assert_int_equal(xlsxexport_write(a, &set, NULL, NULL, to_mem, &m), BGW_OK);
	sheet = part(a, &m, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<autoFilter ref=\"A1:L4\""));
	assert_null(strstr(sheet, "レビュー Review"));
	bgw_arena_free(a);
}

static void
decimals(void **state)
{
	(void)state;
	assert_int_equal(xlsxexport_decimals("JPY"), 0);
	assert_int_equal(xlsxexport_decimals("KRW"), 0);
	assert_int_equal(xlsxexport_decimals("USD"), 2);
	assert_int_equal(xlsxexport_decimals("EUR"), 2);
	assert_int_equal(xlsxexport_decimals(NULL), 2);
}

static void
unwritable_tmpdir(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	export_confirmation list[2];
	confexport_set set = sample(list);

	(void)state;
	assert_int_equal(xlsxexport_write(a, &set, NULL, "/nonexistent/dir", to_mem, &m),
	    BGW_E_IO);
	assert_int_equal(m.len, 0);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audit_view),
		cmocka_unit_test(client_view),
		cmocka_unit_test(decimals),
		cmocka_unit_test(unwritable_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
