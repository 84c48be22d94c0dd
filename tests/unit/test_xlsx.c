/* test_xlsx.c - XLSX import: workbooks built here with libzip (shared and inline strings,
 * phonetic runs, numbers, date serials in both date systems, sheet lookup through the
 * workbook relationships and the fallback), every bad row listed with its sheet row, the
 * downloadable template, 10,000 confirmations, and the defences: not a zip, too many
 * entries, a declared size over the limit, a real deflate bomb, a size header that lies,
 * encryption, DOCTYPE / XXE in a part, bad references. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/importrow.h"
#include "records/xlsx.h"

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define NSR "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define SHEET(rows) "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet " NS "><sheetData>" \
	rows "</sheetData></worksheet>"
#define IS(ref, text) "<c r=\"" ref "\" t=\"inlineStr\"><is><t>" text "</t></is></c>"
#define SS(ref, idx) "<c r=\"" ref "\" t=\"s\"><v>" idx "</v></c>"
#define NUM(ref, v) "<c r=\"" ref "\"><v>" v "</v></c>"
#define HEADER_ROW "<row r=\"1\">" IS("A1", "group") IS("B1", "type") IS("C1", "form") \
	IS("D1", "respondent_organization") IS("E1", "respondent_email") \
	IS("F1", "respondent_name") IS("G1", "as_of") IS("H1", "due_date") IS("I1", "label") \
	IS("J1", "reference") IS("K1", "currency") IS("L1", "amount") "</row>"

struct entry {
	const char *name;
	const char *data;
	size_t len;        /* 0: strlen(data) */
	bool encrypt;
};

/* A zip of the entries, in malloc'd memory. */
static char *
make_zip(const struct entry *e, size_t n, size_t *len)
{
	char path[] = "/tmp/test_xlsx_XXXXXX";
	int fd = mkstemp(path);
	zip_t *za;
	FILE *f;
	char *buf;
	long size;
	size_t i;

	assert_true(fd >= 0);
	close(fd);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, NULL);
	assert_non_null(za);
	for (i = 0; i < n; i++) {
		size_t l = e[i].len != 0 ? e[i].len : strlen(e[i].data);
		zip_source_t *src = zip_source_buffer(za, e[i].data, l, 0);
		zip_int64_t idx;

		assert_non_null(src);
		idx = zip_file_add(za, e[i].name, src, ZIP_FL_ENC_UTF_8);
		assert_true(idx >= 0);
		if (e[i].encrypt)
			assert_int_equal(zip_file_set_encryption(za, (zip_uint64_t)idx,
			    ZIP_EM_AES_256, "secret"), 0);
	}
	assert_int_equal(zip_close(za), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	unlink(path);
	*len = (size_t)size;
	return buf;
}

/* A workbook whose first sheet is sheet; shared strings if sst is not NULL. */
static char *
book(const char *sheet, const char *sst, size_t *len)
{
	struct entry e[2] = {{"xl/worksheets/sheet1.xml", sheet, 0, false},
	    {"xl/sharedStrings.xml", sst, 0, false}};

	return make_zip(e, sst != NULL ? 2 : 1, len);
}

static void
errors_text(const import_result *r, char *out, size_t cap)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < r->nerrors; i++) {
		char one[64];

		snprintf(one, sizeof(one), "%d:%s;", r->errors[i].row,
		    r->errors[i].column != NULL ? r->errors[i].column : "-");
		assert_true(strlen(out) + strlen(one) < cap);
		strcat(out, one);
	}
}

static void
test_good(void **state)
{
	/* Japanese headers from shared strings (one with a phonetic guide, one in rich-text
	 * runs), values inline and numeric, dates as serials and as text */
	static const char sst[] = "<?xml version=\"1.0\"?><sst " NS " count=\"14\">"
	    "<si><t>グループ</t></si>"                                               /* 0 */
	    "<si><t>種類</t><rPh sb=\"0\" eb=\"2\"><t>シュルイ</t></rPh></si>"       /* 1 */
	    "<si><r><t>様</t></r><r><rPr><b/></rPr><t>式</t></r></si>"                /* 2 */
	    "<si><t>確認先</t></si><si><t>回答者メール</t></si><si><t>回答者名</t></si>"
	    "<si><t>基準日</t></si><si><t>回答期限</t></si><si><t>科目</t></si>"
	    "<si><t>口座番号</t></si><si><t>通貨</t></si><si><t>金額</t></si>"     /* 3..11 */
	    "<si><t xml:space=\"preserve\">普通預金 &amp; 当座</t></si>"               /* 12 */
	    "<si><t>bank</t></si>"                                                     /* 13 */
	    "</sst>";
	static const char sheet[] = SHEET(
	    "<row r=\"1\">" SS("A1", "0") SS("B1", "1") SS("C1", "2") SS("D1", "3")
	    SS("E1", "4") SS("F1", "5") SS("G1", "6") SS("H1", "7") SS("I1", "8") SS("J1", "9")
	    SS("K1", "10") SS("L1", "11") "</row>"
	    "<row r=\"2\">" NUM("A2", "1") SS("B2", "13") IS("C2", "positive")
	    IS("D2", "みずほ銀行") IS("E2", "k@bank.example") IS("F2", "佐藤")
	    NUM("G2", "45382") NUM("H2", "45412") SS("I2", "12") NUM("J2", "1234567")
	    IS("K2", "JPY") NUM("L2", "1250000") "</row>"
	    "<row r=\"3\">" NUM("A3", "1") IS("I3", "定期") "<c r=\"K3\" t=\"str\"><f>\"JPY\"</f>"
	    "<v>JPY</v></c>" NUM("L3", "1042.5") "</row>"
	    "<row r=\"5\"><c r=\"A5\" t=\"s\"/></row>"                   /* empty, skipped */
	    "<row r=\"7\">" IS("A7", "2") IS("B7", "payable") IS("C7", "blank") IS("D7", "Acme")
	    IS("E7", "a@acme.example") IS("F7", "N") IS("G7", "2024-03-31")
	    NUM("H7", "45382.0") IS("I7", "Payable") IS("K7", "USD") "</row>");
	bgw_arena *a = bgw_arena_new();
	import_result r;
	const import_confirmation *c;
	size_t len;
	char *zip = book(sheet, sst, &len);

	(void)state;
	if (xlsx_import(a, zip, len, &r) != BGW_OK)
		fail_msg("%zu errors: row %d %s %s", r.nerrors, r.errors[0].row,
		    r.errors[0].column ? r.errors[0].column : "-", r.errors[0].message);
	assert_int_equal(r.nconfirmations, 2);
	assert_int_equal(r.nitems, 3);
	c = &r.confirmations[0];
	assert_int_equal(c->row, 2);
	assert_string_equal(c->type, "bank");
	assert_string_equal(c->respondent_org, "みずほ銀行");
	assert_string_equal(c->as_of, "2024-03-31");
	assert_string_equal(c->due_date, "2024-04-30");
	assert_int_equal(c->nitems, 2);
	assert_string_equal(c->items[0].label, "普通預金 & 当座");
	assert_string_equal(c->items[0].reference, "1234567");
	assert_string_equal(c->items[0].amount, "1250000");
	assert_int_equal(c->items[1].row, 3);
	assert_string_equal(c->items[1].currency, "JPY");
	assert_string_equal(c->items[1].amount, "1042.5");
	c = &r.confirmations[1];
	assert_int_equal(c->row, 7);
	assert_string_equal(c->due_date, "2024-03-31");
	assert_null(c->items[0].amount);
	free(zip);
	bgw_arena_free(a);
}

static const struct {
	const char *serial;
	bool date1904;
	const char *date;  /* NULL: not a date, so the row has an error */
} serials[] = {
	{"1", false, "1900-01-01"},
	{"59", false, "1900-02-28"},
	{"60", false, NULL},            /* Excel's 1900-02-29 */
	{"61", false, "1900-03-01"},
	{"45382", false, "2024-03-31"},
	{"2958465", false, "9999-12-31"},
	{"2958466", false, NULL},
	{"45382.5", false, NULL},       /* a time of day */
	{"0", false, NULL},
	{"-1", false, NULL},
	{"4.5382E4", false, NULL},
	{"0", true, "1904-01-01"},
	{"43920", true, "2024-03-31"},
};

static void
test_date_serials(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(serials) / sizeof(serials[0]); i++) {
		char sheet[4096], wb[512];
		struct entry e[2] = {{"xl/worksheets/sheet1.xml", sheet, 0, false},
		    {"xl/workbook.xml", wb, 0, false}};
		bgw_arena *a = bgw_arena_new();
		import_result r;
		size_t len;
		char *zip;
		bgw_err err;

		snprintf(sheet, sizeof(sheet), SHEET(HEADER_ROW "<row r=\"2\">" IS("A2", "g")
		    IS("B2", "bank") IS("C2", "positive") IS("D2", "O") IS("E2", "o@x.example")
		    IS("F2", "N") NUM("G2", "%s") IS("H2", "9999-12-31") IS("I2", "L")
		    IS("K2", "JPY") "</row>"), serials[i].serial);
		snprintf(wb, sizeof(wb), "<workbook " NS "><workbookPr date1904=\"%s\"/>"
		    "</workbook>", serials[i].date1904 ? "1" : "false");
		zip = make_zip(e, 2, &len);
		err = xlsx_import(a, zip, len, &r);
		if (serials[i].date != NULL) {
			if (err != BGW_OK)
				fail_msg("serial %s: %s", serials[i].serial, r.errors[0].message);
			assert_string_equal(r.confirmations[0].as_of, serials[i].date);
		} else {
			assert_int_equal(err, BGW_E_VALIDATION);
			assert_int_equal(r.errors[0].row, 2);
			assert_string_equal(r.errors[0].column, "as_of");
		}
		free(zip);
		bgw_arena_free(a);
	}
}

static void
test_sheet_lookup(void **state)
{
	static const char wb[] = "<workbook " NS " " NSR "><sheets>"
	    "<sheet name=\"data\" sheetId=\"5\" r:id=\"rId7\"/>"
	    "<sheet name=\"other\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	static const char rels[] = "<Relationships xmlns=\"http://schemas.openxmlformats.org/"
	    "package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" Type=\"x\" Target=\"worksheets/sheet1.xml\"/>"
	    "<Relationship Id=\"rId7\" Type=\"x\" Target=\"/xl/worksheets/data.xml\"/>"
	    "</Relationships>";
	static const char good[] = SHEET(HEADER_ROW "<row r=\"2\">" IS("A2", "g")
	    IS("B2", "bank") IS("C2", "positive") IS("D2", "O") IS("E2", "o@x.example")
	    IS("F2", "N") IS("G2", "2024-03-31") IS("H2", "2024-04-30") IS("I2", "L")
	    IS("K2", "JPY") "</row>");
	static const char wrong[] = SHEET("<row r=\"1\">" IS("A1", "not the sheet") "</row>");
	struct entry e[4] = {{"xl/workbook.xml", wb, 0, false},
	    {"xl/_rels/workbook.xml.rels", rels, 0, false},
	    {"xl/worksheets/sheet1.xml", wrong, 0, false},
	    {"xl/worksheets/data.xml", good, 0, false}};
	bgw_arena *a = bgw_arena_new();
	import_result r;
	size_t len;
	char *zip;

	(void)state;
	zip = make_zip(e, 4, &len);
	assert_int_equal(xlsx_import(a, zip, len, &r), BGW_OK);
	assert_int_equal(r.nconfirmations, 1);
	free(zip);

	/* the relationship escapes the package: refused, the fallback is read instead */
	e[1].data = "<Relationships><Relationship Id=\"rId7\" Target=\"../../etc/passwd\"/>"
	    "</Relationships>";
	zip = make_zip(e, 4, &len);
	assert_int_equal(xlsx_import(a, zip, len, &r), BGW_E_VALIDATION);
	free(zip);

	/* no worksheet at all */
	zip = make_zip(e, 2, &len);
	assert_int_equal(xlsx_import(a, zip, len, &r), BGW_E_BAD_REQUEST);
	assert_string_equal(r.errors[0].message, "no worksheet in the xlsx file");
	free(zip);
	bgw_arena_free(a);
}

static const struct {
	const char *name;
	const char *sheet;
	const char *sst;
	bgw_err e;
	const char *errors;
} bad_books[] = {
	{"every bad row listed", SHEET(HEADER_ROW
	    "<row r=\"2\">" IS("A2", "1") IS("B2", "bnk") IS("C2", "positive") IS("D2", "O")
	    IS("E2", "o@x.example") IS("F2", "N") IS("G2", "2024-03-31") IS("H2", "2024-04-30")
	    IS("I2", "L") IS("K2", "JPY") NUM("L2", "1.25E+7") "</row>"
	    "<row r=\"3\">" IS("A3", "1") IS("I3", "L2") IS("K3", "JPY") "</row>"
	    "<row r=\"9\">" IS("A9", "2") IS("B9", "bank") IS("C9", "positive") IS("D9", "O")
	    IS("E9", "bad") IS("F9", "N") IS("G9", "2024-03-31") IS("H9", "2024-04-30")
	    IS("K9", "JPY") "<c r=\"L9\" t=\"e\"><v>#N/A</v></c>" "</row>"
	    "<row r=\"10\">" IS("A10", "3") IS("ZZ10", "far away") "</row>"), NULL,
	    BGW_E_VALIDATION, "2:type;2:amount;9:-;9:respondent_email;9:label;10:-;10:type;"
	    "10:form;10:respondent_organization;10:respondent_email;10:respondent_name;"
	    "10:as_of;10:due_date;10:label;10:currency;"},
	{"header only", SHEET(HEADER_ROW), NULL, BGW_E_VALIDATION, "0:-;"},
	{"empty sheet", SHEET(""), NULL, BGW_E_VALIDATION, "0:-;"},
	{"bad shared string index", SHEET("<row r=\"1\">" SS("A1", "3") "</row>"),
	    "<sst " NS "><si><t>x</t></si></sst>", BGW_E_BAD_REQUEST, "1:-;"},
	{"shared string index not a number", SHEET("<row r=\"1\">" SS("A1", "-1") "</row>"),
	    "<sst " NS "><si><t>x</t></si></sst>", BGW_E_BAD_REQUEST, "1:-;"},
	{"rows out of order", SHEET("<row r=\"2\"/><row r=\"1\"/>"), NULL, BGW_E_BAD_REQUEST,
	    "3:-;"},
	{"cells out of order", SHEET("<row r=\"1\">" IS("B1", "x") IS("A1", "y") "</row>"),
	    NULL, BGW_E_BAD_REQUEST, "1:-;"},
	{"bad cell reference", SHEET("<row r=\"1\">" IS("1A", "x") "</row>"), NULL,
	    BGW_E_BAD_REQUEST, "1:-;"},
	{"column past XFD", SHEET("<row r=\"1\">" IS("XFE1", "x") "</row>"), NULL,
	    BGW_E_BAD_REQUEST, "1:-;"},
	{"malformed sheet", "<worksheet><sheetData><row></sheetData>", NULL,
	    BGW_E_BAD_REQUEST, "0:-;"},
	{"xxe in the sheet", "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY e SYSTEM "
	    "\"file:///etc/passwd\">]><worksheet " NS "><sheetData><row r=\"1\">"
	    "<c r=\"A1\" t=\"inlineStr\"><is><t>&e;</t></is></c></row></sheetData></worksheet>",
	    NULL, BGW_E_BAD_REQUEST, "0:-;"},
	{"billion laughs in shared strings", SHEET(""),
	    "<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY a \"aaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">"
	    "]><sst " NS "><si><t>&c;</t></si></sst>", BGW_E_BAD_REQUEST, "0:-;"},
};

static void
test_bad(void **state)
{
	char got[1024];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(bad_books) / sizeof(bad_books[0]); i++) {
		bgw_arena *a = bgw_arena_new();
		import_result r;
		size_t len;
		char *zip = book(bad_books[i].sheet, bad_books[i].sst, &len);
		bgw_err e = xlsx_import(a, zip, len, &r);

		errors_text(&r, got, sizeof(got));
		if (e != bad_books[i].e || strcmp(got, bad_books[i].errors) != 0)
			fail_msg("%s: got %d \"%s\" (%s), want %d \"%s\"", bad_books[i].name, e, got,
			    r.nerrors > 0 ? r.errors[0].message : "", bad_books[i].e,
			    bad_books[i].errors);
		for (k = 0; k < r.nerrors; k++)
			assert_null(strstr(r.errors[k].message, "root:"));
		free(zip);
		bgw_arena_free(a);
	}
}

static void
test_not_a_zip(void **state)
{
	static const char *const inputs[] = {"", "PK\x03\x04garbage", "hello world",
	    "group,type\n1,bank\n"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		bgw_arena *a = bgw_arena_new();
		import_result r;

		assert_int_equal(xlsx_import(a, inputs[i], strlen(inputs[i]), &r),
		    BGW_E_BAD_REQUEST);
		assert_string_equal(r.errors[0].message, "not an xlsx file");
		bgw_arena_free(a);
	}
}

static void
test_limits(void **state)
{
	bgw_arena *a = bgw_arena_new();
	struct entry *many;
	import_result r;
	size_t len, i;
	char *zip, *zeros, (*names)[32];

	(void)state;
	/* the upload size, before anything is opened */
	assert_int_equal(xlsx_import(a, "PK", IMPORT_MAX_BYTES + 1, &r), BGW_E_TOO_LARGE);

	/* too many entries */
	many = calloc(XLSX_MAX_ENTRIES + 1, sizeof(*many));
	names = calloc(XLSX_MAX_ENTRIES + 1, sizeof(*names));
	assert_non_null(many);
	assert_non_null(names);
	for (i = 0; i <= XLSX_MAX_ENTRIES; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		many[i].name = names[i];
		many[i].data = "x";
	}
	zip = make_zip(many, XLSX_MAX_ENTRIES + 1, &len);
	assert_int_equal(xlsx_import(a, zip, len, &r), BGW_E_TOO_LARGE);
	assert_string_equal(r.errors[0].message, "too many entries in the xlsx file");
	free(zip);
	free(many);
	free(names);

	/* a real deflate bomb: a worksheet of zeros one byte over the entry limit, a few
	 * hundred kilobytes compressed, refused from its declared size without inflating */
	zeros = calloc(1, XLSX_MAX_ENTRY_BYTES + 1);
	assert_non_null(zeros);
	{
		struct entry e = {"xl/worksheets/sheet1.xml", zeros, XLSX_MAX_ENTRY_BYTES + 1,
		    false};

		zip = make_zip(&e, 1, &len);
	}
	free(zeros);
	assert_true(len < IMPORT_MAX_BYTES);
	assert_int_equal(xlsx_import(a, zip, len, &r), BGW_E_TOO_LARGE);
	assert_string_equal(r.errors[0].message, "xlsx content too large");
	free(zip);
	bgw_arena_free(a);
}

/* Offsets of every central directory and local header of a zip. */
static void
patch_sizes(char *zip, size_t len, uint32_t size)
{
	size_t i;

	for (i = 0; i + 30 < len; i++) {
		unsigned char *p = (unsigned char *)zip + i;

		if (memcmp(p, "PK\x01\x02", 4) == 0) {        /* central: size at 24 */
			p[24] = size & 0xFF, p[25] = (size >> 8) & 0xFF;
			p[26] = (size >> 16) & 0xFF, p[27] = size >> 24;
		} else if (memcmp(p, "PK\x03\x04", 4) == 0) { /* local: size at 22 */
			p[22] = size & 0xFF, p[23] = (size >> 8) & 0xFF;
			p[24] = (size >> 16) & 0xFF, p[25] = size >> 24;
		}
	}
}

static void
test_lying_sizes(void **state)
{
	static const char sheet[] = SHEET(HEADER_ROW HEADER_ROW HEADER_ROW HEADER_ROW);
	bgw_arena *a = bgw_arena_new();
	import_result r;
	size_t len;
	char *zip;
	bgw_err e;

	(void)state;
	/* declared far larger than the limit: refused before reading */
	zip = book(sheet, NULL, &len);
	patch_sizes(zip, len, 0xF0000000u);
	assert_int_equal(xlsx_import(a, zip, len, &r), BGW_E_TOO_LARGE);
	free(zip);

	/* declared smaller than the data: never trusted, refused */
	zip = book(sheet, NULL, &len);
	patch_sizes(zip, len, 100);
	e = xlsx_import(a, zip, len, &r);
	assert_true(e == BGW_E_BAD_REQUEST);
	assert_int_equal(r.nconfirmations, 0);
	free(zip);
	bgw_arena_free(a);
}

static void
test_encrypted(void **state)
{
	static const char sheet[] = SHEET(HEADER_ROW);
	struct entry e = {"xl/worksheets/sheet1.xml", sheet, 0, true};
	bgw_arena *a = bgw_arena_new();
	import_result r;
	size_t len;
	char *zip;

	(void)state;
	zip = make_zip(&e, 1, &len);
	assert_int_equal(xlsx_import(a, zip, len, &r), BGW_E_BAD_REQUEST);
	assert_string_equal(r.errors[0].message, "encrypted xlsx files are not accepted");
	free(zip);
	bgw_arena_free(a);
}

/* A file of the source tree, in malloc'd memory. */
static char *
slurp(const char *rel, long *size)
{
	const char *src = getenv("BGW_SRCDIR");
	char path[4096];
	FILE *f;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", src != NULL ? src : ".", rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	rewind(f);
	buf = malloc((size_t)*size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)*size, f), (size_t)*size);
	fclose(f);
	return buf;
}

static void
test_sample_fixture(void **state)
{
	bgw_arena *a = bgw_arena_new();
	import_result r;
	long size;
	char *buf = slurp("tests/fixtures/sample-confirmations.xlsx", &size);

	(void)state;
	assert_int_equal(xlsx_import(a, buf, (size_t)size, &r), BGW_OK);
	assert_int_equal(r.nconfirmations, 2);
	assert_int_equal(r.nitems, 3);
	assert_string_equal(r.confirmations[0].respondent_org, "みずほ銀行 丸の内支店");
	assert_string_equal(r.confirmations[0].items[1].amount, "30000000");
	assert_string_equal(r.confirmations[1].form, "blank");
	free(buf);
	bgw_arena_free(a);
}

static void
test_template(void **state)
{
	const char *src = getenv("BGW_SRCDIR");
	char path[4096];
	bgw_arena *a = bgw_arena_new();
	import_result r;
	FILE *f;
	char *buf;
	long size;

	(void)state;
	snprintf(path, sizeof(path), "%s/db/templates/confirmations-template.xlsx",
	    src != NULL ? src : ".");
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	/* the header is understood; an untouched template has no confirmations */
	assert_int_equal(xlsx_import(a, buf, (size_t)size, &r), BGW_E_VALIDATION);
	assert_int_equal(r.nerrors, 1);
	assert_string_equal(r.errors[0].message, "no confirmations in the file");
	free(buf);
	bgw_arena_free(a);
}

static void
test_ten_thousand(void **state)
{
	size_t cap = 2000 + (size_t)IMPORT_MAX_CONFIRMATIONS * 700, off = 0, i, len;
	char *sheet = malloc(cap), *zip;
	bgw_arena *a = bgw_arena_new();
	import_result r;

	(void)state;
	assert_non_null(sheet);
	off += (size_t)snprintf(sheet, cap, "<worksheet " NS "><sheetData>" HEADER_ROW);
	for (i = 0; i < IMPORT_MAX_CONFIRMATIONS; i++) {
		size_t row = i + 2;

		off += (size_t)snprintf(sheet + off, cap - off,
		    "<row r=\"%zu\"><c r=\"A%zu\"><v>%zu</v></c>"
		    "<c r=\"B%zu\" t=\"inlineStr\"><is><t>bank</t></is></c>"
		    "<c r=\"C%zu\" t=\"inlineStr\"><is><t>positive</t></is></c>"
		    "<c r=\"D%zu\" t=\"inlineStr\"><is><t>Bank %zu</t></is></c>"
		    "<c r=\"E%zu\" t=\"inlineStr\"><is><t>c%zu@bank.example</t></is></c>"
		    "<c r=\"F%zu\" t=\"inlineStr\"><is><t>N</t></is></c>"
		    "<c r=\"G%zu\"><v>45382</v></c><c r=\"H%zu\"><v>45412</v></c>"
		    "<c r=\"I%zu\" t=\"inlineStr\"><is><t>Deposit</t></is></c>"
		    "<c r=\"K%zu\" t=\"inlineStr\"><is><t>JPY</t></is></c>"
		    "<c r=\"L%zu\"><v>%zu</v></c></row>",
		    row, row, i, row, row, row, i, row, i, row, row, row, row, row, row, i * 100);
	}
	snprintf(sheet + off, cap - off, "</sheetData></worksheet>");
	zip = book(sheet, NULL, &len);
	free(sheet);
	assert_int_equal(xlsx_import(a, zip, len, &r), BGW_OK);
	assert_int_equal(r.nconfirmations, IMPORT_MAX_CONFIRMATIONS);
	assert_string_equal(r.confirmations[9999].respondent_org, "Bank 9999");
	assert_string_equal(r.confirmations[9999].as_of, "2024-03-31");
	assert_int_equal(r.confirmations[9999].row, 10001);
	free(zip);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_date_serials),
		cmocka_unit_test(test_sheet_lookup),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_not_a_zip),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lying_sizes),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_sample_fixture),
		cmocka_unit_test(test_ten_thousand),
	};

	return cmocka_run_group_tests_name("xlsx", tests, NULL, NULL);
}
