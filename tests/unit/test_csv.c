/* test_csv.c - the RFC 4180 reader (table of records), the CSV import into the row model
 * (good files, bad files with every bad row listed, BOM, Japanese headers, limits, 10,000
 * confirmations), the writer (quoting, formula neutralisation, BOM) and export -> import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "records/csv.h"
#include "core/err.h"
#include "records/importrow.h"

#define HDR "group,type,form,respondent_organization,respondent_email,respondent_name," \
	"as_of,due_date,label,reference,currency,amount\r\n"
#define ROW1 "A,bank,positive,Mizuho Bank,kakunin@mizuho.example,Taro Sato,2024-03-31," \
	"2024-04-30,Ordinary deposit,123-456,JPY,1250000\r\n"
#define ROW2 "A,,,,,,,,Time deposit,789,JPY,-3000\r\n"
#define ROW3 "B,receivable,blank,Acme KK,ar@acme.example,Hanako,2024-03-31,2024-05-15," \
	"Trade receivable,,USD,\r\n"

/* --- the reader ------------------------------------------------------------------------ */

/* Records as text: fields joined by |, records ended by ;. */
static bgw_err
records(const char *in, size_t n, char *out, size_t cap, int *last_row)
{
	bgw_arena *a = bgw_arena_new();
	csv_reader *r;
	const import_cell *cells;
	size_t nc, i;
	int row;
	bgw_err e;

	assert_non_null(a);
	assert_int_equal(csv_reader_new(a, in, n, &r), BGW_OK);
	out[0] = '\0';
	for (;;) {
		e = csv_reader_next(r, &cells, &nc, &row);
		if (e != BGW_OK || nc == 0)
			break;
		for (i = 0; i < nc; i++) {
			assert_true(strlen(out) + cells[i].n + 2 < cap);
			if (i > 0)
				strcat(out, "|");
			strncat(out, cells[i].s, cells[i].n);
		}
		strcat(out, ";");
		*last_row = row;
	}
	if (e != BGW_OK) {
		assert_true(csv_reader_error(r)[0] != '\0');
		/* sticky */
		assert_int_equal(csv_reader_next(r, &cells, &nc, &row), e);
		strncat(out, csv_reader_error(r), cap - strlen(out) - 1);
	}
	bgw_arena_free(a);
	return e;
}

static const struct {
	const char *in;
	bgw_err e;
	const char *out;
} reader_vectors[] = {
	{"", BGW_OK, ""},
	{"a", BGW_OK, "a;"},
	{"a,b\r\nc,d\r\n", BGW_OK, "a|b;c|d;"},
	{"a,b\nc,d", BGW_OK, "a|b;c|d;"},
	{"a,,b,\n", BGW_OK, "a||b|;"},
	{"\n\n", BGW_OK, ";;"},
	{"\"a,b\",\"c\"\"d\"\n", BGW_OK, "a,b|c\"d;"},
	{"\"multi\nline\",x\r\n", BGW_OK, "multi\nline|x;"},
	{"\"crlf\r\ninside\"", BGW_OK, "crlf\r\ninside;"},
	{"\"\"\n", BGW_OK, ";"},
	{"\xEF\xBB\xBFh1,h2\n", BGW_OK, "h1|h2;"},
	{"\xEF\xBB\xBF", BGW_OK, ""},
	{"\xE7\xA8\xAE\xE9\xA1\x9E,x\n", BGW_OK, "種類|x;"},
	{"a\"b\n", BGW_E_BAD_REQUEST, "line 1: quote inside an unquoted field"},
	{"ok\n\"open", BGW_E_BAD_REQUEST, "ok;line 2: quoted field not closed"},
	{"\"a\"b\n", BGW_E_BAD_REQUEST, "line 1: unexpected character after a closing quote"},
	{"a\rb\n", BGW_E_BAD_REQUEST, "line 1: carriage return without line feed outside quotes"},
	{"ok\n\xC3\x28\n", BGW_E_BAD_REQUEST, "ok;line 2: not valid UTF-8"},
	{"\xED\xA0\x80\n", BGW_E_BAD_REQUEST, "line 1: not valid UTF-8"},     /* surrogate */
	{"\xC0\xAF\n", BGW_E_BAD_REQUEST, "line 1: not valid UTF-8"},         /* overlong */
	{"\xEF\xBB\xBF\xEF\xBB\xBF", BGW_OK, "\xEF\xBB\xBF;"}, /* only one BOM is skipped */
};

static void
test_reader_vectors(void **state)
{
	char out[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reader_vectors) / sizeof(reader_vectors[0]); i++) {
		int row = 0;
		bgw_err e = records(reader_vectors[i].in, strlen(reader_vectors[i].in), out,
		    sizeof(out), &row);

		if (e != reader_vectors[i].e || strcmp(out, reader_vectors[i].out) != 0)
			fail_msg("vector %zu: got %d \"%s\", want %d \"%s\"", i, e, out,
			    reader_vectors[i].e, reader_vectors[i].out);
	}
}

static void
test_reader_rows_and_lines(void **state)
{
	/* the third record starts on line 4: rows count records, errors name lines */
	const char in[] = "a\n\"x\ny\"\nb\n\"c\nd\"e\n";
	char out[256];
	int row = 0;

	(void)state;
	assert_int_equal(records(in, sizeof(in) - 1, out, sizeof(out), &row), BGW_E_BAD_REQUEST);
	assert_int_equal(row, 3);
	assert_string_equal(out, "a;x\ny;b;line 6: unexpected character after a closing quote");
}

static void
test_reader_nul_and_limits(void **state)
{
	static const char nul[] = "a\0b,c\n";
	static char out[4096];
	char *big;
	size_t i, n;
	int row = 0;

	(void)state;
	/* NUL is valid UTF-8 for the reader; the row model refuses it (tested below) */
	assert_int_equal(records(nul, sizeof(nul) - 1, out, sizeof(out), &row), BGW_OK);
	assert_int_equal(row, 1);

	/* one record over IMPORT_MAX_ROW_BYTES */
	n = IMPORT_MAX_ROW_BYTES + 10;
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	assert_int_equal(records(big, n, out, sizeof(out), &row), BGW_E_TOO_LARGE);
	/* too many fields */
	for (i = 0; i < n; i++)
		big[i] = i % 2 ? ',' : 'x';
	assert_int_equal(records(big, CSV_MAX_FIELDS * 2 + 2, out, sizeof(out), &row),
	    BGW_E_TOO_LARGE);
	assert_int_equal(records(big, CSV_MAX_FIELDS * 2 - 1, out, sizeof(out), &row), BGW_OK);
	free(big);
}

/* --- the import ------------------------------------------------------------------------ */

/* Errors as "row:column:message;" for comparison. */
static void
errors_text(const import_result *r, char *out, size_t cap)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < r->nerrors; i++) {
		char one[256];

		snprintf(one, sizeof(one), "%d:%s;", r->errors[i].row,
		    r->errors[i].column != NULL ? r->errors[i].column : "-");
		assert_true(strlen(out) + strlen(one) < cap);
		strcat(out, one);
	}
}

static void
test_import_good(void **state)
{
	static const char *const files[] = {
		HDR ROW1 ROW2 ROW3,
		"\xEF\xBB\xBF" HDR ROW1 ROW2 ROW3,                 /* BOM */
		"group,type,form,respondent_organization,respondent_email,respondent_name,"
		"as_of,due_date,label,reference,currency,amount\n"
		"A,bank,positive,Mizuho Bank,kakunin@mizuho.example,Taro Sato,2024-03-31,"
		"2024-04-30,Ordinary deposit,123-456,JPY,1250000\n"
		"A,bank,positive,Mizuho Bank,kakunin@mizuho.example,Taro Sato,2024-03-31,"
		"2024-04-30,Time deposit,789,JPY,-3000\n"
		",,,,,,,,,,,\n"                                      /* empty row skipped */
		"B,receivable,blank,Acme KK,ar@acme.example,Hanako,2024/3/31,2024/5/15,"
		"Trade receivable,,usd,",                            /* no final newline */
		/* Japanese headers, columns reordered, an export-only column ignored */
		"\xEF\xBB\xBF金額,通貨,科目,口座番号,グループ,種類,様式,確認先,回答者メール,"
		"回答者名,基準日,回答期限,status\r\n"
		"1250000,JPY,Ordinary deposit,123-456,A,銀行,積極的,Mizuho Bank,"
		"kakunin@mizuho.example,Taro Sato,2024-03-31,2024-04-30,sent\r\n"
		"-3000,JPY,Time deposit,789,A,,,,,,,,\r\n"
		",USD,Trade receivable,,B,売掛金,白紙,Acme KK,ar@acme.example,Hanako,"
		"2024-03-31,2024-05-15,\r\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		bgw_arena *a = bgw_arena_new();
		import_result r;
		const import_confirmation *c;

		assert_non_null(a);
		if (csv_import(a, files[i], strlen(files[i]), &r) != BGW_OK)
			fail_msg("file %zu: %zu errors, first row %d %s", i, r.nerrors,
			    r.nerrors ? r.errors[0].row : 0,
			    r.nerrors ? r.errors[0].message : "");
		assert_int_equal(r.nerrors, 0);
		assert_int_equal(r.nconfirmations, 2);
		assert_int_equal(r.nitems, 3);
		c = &r.confirmations[0];
		assert_int_equal(c->row, 2);
		assert_string_equal(c->type, "bank");
		assert_string_equal(c->form, "positive");
		assert_string_equal(c->respondent_org, "Mizuho Bank");
		assert_string_equal(c->respondent_email, "kakunin@mizuho.example");
		assert_string_equal(c->respondent_name, "Taro Sato");
		assert_string_equal(c->as_of, "2024-03-31");
		assert_string_equal(c->due_date, "2024-04-30");
		assert_int_equal(c->nitems, 2);
		assert_string_equal(c->items[0].label, "Ordinary deposit");
		assert_string_equal(c->items[0].reference, "123-456");
		assert_string_equal(c->items[0].currency, "JPY");
		assert_string_equal(c->items[0].amount, "1250000");
		assert_int_equal(c->items[1].row, 3);
		assert_string_equal(c->items[1].amount, "-3000");
		c = &r.confirmations[1];
		assert_string_equal(c->type, "receivable");
		assert_string_equal(c->form, "blank");
		assert_string_equal(c->as_of, "2024-03-31");
		assert_string_equal(c->due_date, "2024-05-15");
		assert_int_equal(c->nitems, 1);
		assert_null(c->items[0].reference);
		assert_null(c->items[0].amount);
		assert_string_equal(c->items[0].currency, "USD");
		bgw_arena_free(a);
	}
}

static const struct {
	const char *name;
	const char *in;
	bgw_err e;
	const char *errors;   /* "row:column;" for every error, in order */
} bad_files[] = {
	{"empty", "", BGW_E_VALIDATION, "0:-;"},
	{"header only", HDR, BGW_E_VALIDATION, "0:-;"},
	{"missing columns", "group,type,label\nA,bank,x\n", BGW_E_VALIDATION,
	    "1:form;1:respondent_organization;1:respondent_email;1:respondent_name;1:as_of;"
	    "1:due_date;1:currency;"},
	{"unknown and duplicate column", "group,typo,type,type," HDR, BGW_E_VALIDATION,
	    "1:-;1:type;1:group;1:type;"},
	{"every bad row listed", HDR
	    "A,bank,positive,Mizuho Bank,kakunin@mizuho.example,Taro,2024-03-31,2024-04-30,"
	    "Deposit,,JPY,100\n"
	    "B,bnk,positive,Org,x@y.example,N,2024-03-31,2024-04-30,L,,JPY,1\n"
	    "C,bank,positive,Org,not-an-email,N,2024-02-30,2024-04-30,L,,JPY,1.23456\n"
	    "D,bank,sure,Org,x@y.example,N,2024-03-31,2024-03-30,L,,JP,1e5\n"
	    "E,bank,positive,Org,x@y.example,N,2024-03-31,2024-04-30,,,JPY,1\n"
	    "F,bank,positive,,x@y.example,,2024-03-31,2024-04-30,L,,JPY,1\n",
	    BGW_E_VALIDATION,
	    "3:type;4:respondent_email;4:as_of;4:amount;5:form;5:due_date;5:currency;5:amount;"
	    "6:label;7:respondent_organization;7:respondent_name;"},
	{"group rules", HDR ROW1
	    "A,payable,,,,,,,Time deposit,789,JPY,1\n"          /* differs from its first row */
	    ROW3
	    "A,,,,,,,,More,,JPY,1\n"                             /* group used again */
	    ",bank,positive,Org,x@y.example,N,2024-03-31,2024-04-30,L,,JPY,1\n",
	    BGW_E_VALIDATION, "3:type;5:group;6:group;"},
	{"value without header", "group,type,form,respondent_organization,respondent_email,"
	    "respondent_name,as_of,due_date,label,reference,currency,amount,,\n" ROW1
	    "A,,,,,,,,L2,,JPY,1,,stray\n", BGW_E_VALIDATION, "3:-;"},
	{"control characters and lines", HDR
	    "A,bank,positive,Org\x01,x@y.example,N,2024-03-31,2024-04-30,\"two\nlines\",,JPY,1\n",
	    BGW_E_VALIDATION, "2:respondent_organization;2:label;"},
	{"lengths", HDR
	    "A,bank,positive,Org,x@y.example,N,2024-03-31,2024-04-30,"
	    "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	    "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
	    "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL,,JPY,1234567890123456789\n", BGW_E_VALIDATION,
	    "2:label;2:amount;"},
	{"syntax error after a bad row", HDR
	    "A,bnk,positive,Org,x@y.example,N,2024-03-31,2024-04-30,L,,JPY,1\n"
	    "B,bank,\"bad\"x\n", BGW_E_BAD_REQUEST, "2:type;3:-;"},
	{"bad utf-8", HDR "A,bank,positive,Org\xFF,x@y.example,N,2024-03-31,2024-04-30,L,,JPY,1\n",
	    BGW_E_BAD_REQUEST, "2:-;"},
};

static void
test_import_bad(void **state)
{
	char got[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		bgw_arena *a = bgw_arena_new();
		import_result r;
		bgw_err e;

		assert_non_null(a);
		e = csv_import(a, bad_files[i].in, strlen(bad_files[i].in), &r);
		errors_text(&r, got, sizeof(got));
		if (e != bad_files[i].e || strcmp(got, bad_files[i].errors) != 0)
			fail_msg("%s: got %d \"%s\", want %d \"%s\"", bad_files[i].name, e, got,
			    bad_files[i].e, bad_files[i].errors);
		bgw_arena_free(a);
	}
}

static void
test_import_error_messages(void **state)
{
	static const char in[] = HDR
	    "A,bank,positive,Org,x@y.example,N,2024-03-31,2024-04-30,L,,JPY,1\n"
	    "A,bank,positive,Org,x@y.example,N,2024-03-31,2024-04-30,L,,JPY,abc\n";
	bgw_arena *a = bgw_arena_new();
	import_result r;

	(void)state;
	assert_int_equal(csv_import(a, in, sizeof(in) - 1, &r), BGW_E_VALIDATION);
	assert_int_equal(r.nerrors, 1);
	assert_int_equal(r.errors[0].row, 3);
	assert_string_equal(r.errors[0].column, "amount");
	assert_non_null(strstr(r.errors[0].message, "decimal"));
	bgw_arena_free(a);
}

/* A CSV of n one-item confirmations (plus extra items for the first), in malloc'd memory. */
static char *
generate(size_t n, size_t extra_items, size_t *len)
{
	size_t cap = 256 + (n + extra_items) * 200, off = 0, i;
	char *buf = malloc(cap);

	assert_non_null(buf);
	off += (size_t)snprintf(buf + off, cap - off, "%s", HDR);
	for (i = 0; i < n + extra_items; i++) {
		size_t g = i < extra_items ? 0 : i - extra_items;

		off += (size_t)snprintf(buf + off, cap - off,
		    "G%zu,bank,positive,Bank %zu,c%zu@bank.example,Name %zu,2024-03-31,"
		    "2024-04-30,Deposit %zu,R%zu,JPY,%zu\r\n", g, g, g, g, i, i, i * 1000);
	}
	*len = off;
	return buf;
}

static void
test_import_ten_thousand(void **state)
{
	bgw_arena *a = bgw_arena_new();
	import_result r;
	size_t len;
	char *buf = generate(IMPORT_MAX_CONFIRMATIONS, 0, &len);

	(void)state;
	assert_int_equal(csv_import(a, buf, len, &r), BGW_OK);
	assert_int_equal(r.nconfirmations, IMPORT_MAX_CONFIRMATIONS);
	assert_int_equal(r.nitems, IMPORT_MAX_CONFIRMATIONS);
	assert_string_equal(r.confirmations[9999].respondent_org, "Bank 9999");
	assert_int_equal(r.confirmations[9999].row, 10001);
	assert_string_equal(r.confirmations[9999].items[0].amount, "9999000");
	free(buf);
	bgw_arena_reset(a);

	/* one more confirmation is too many */
	buf = generate(IMPORT_MAX_CONFIRMATIONS + 1, 0, &len);
	assert_int_equal(csv_import(a, buf, len, &r), BGW_E_TOO_LARGE);
	assert_int_equal(r.nerrors, 1);
	assert_int_equal(r.errors[0].row, 10002);
	free(buf);
	bgw_arena_free(a);
}

static void
test_import_limits(void **state)
{
	bgw_arena *a = bgw_arena_new();
	import_result r;
	size_t len, i;
	char *buf;

	(void)state;
	/* too many items: one confirmation with IMPORT_MAX_ITEMS + 1 rows */
	buf = generate(1, IMPORT_MAX_ITEMS, &len);
	assert_int_equal(csv_import(a, buf, len, &r), BGW_E_TOO_LARGE);
	assert_int_equal(r.errors[r.nerrors - 1].row, IMPORT_MAX_ITEMS + 2);
	free(buf);
	bgw_arena_reset(a);

	/* the size limit is checked before parsing */
	assert_int_equal(csv_import(a, "x", IMPORT_MAX_BYTES + 1, &r), BGW_E_TOO_LARGE);
	assert_int_equal(r.nerrors, 1);
	bgw_arena_reset(a);

	/* the error list is cut at IMPORT_MAX_ERRORS */
	len = 0;
	buf = malloc(256 + 2000 * 80);
	assert_non_null(buf);
	len += (size_t)sprintf(buf, "%s", HDR);
	for (i = 0; i < 2000; i++)
		len += (size_t)sprintf(buf + len,
		    "G%zu,bnk,positive,Org,x@y.example,N,2024-03-31,2024-04-30,L,,JPY,1\n", i);
	assert_int_equal(csv_import(a, buf, len, &r), BGW_E_VALIDATION);
	assert_int_equal(r.nerrors, IMPORT_MAX_ERRORS + 1);
	assert_true(r.errors_truncated);
	assert_int_equal(r.errors[IMPORT_MAX_ERRORS - 1].row, IMPORT_MAX_ERRORS + 1);
	assert_int_equal(r.errors[IMPORT_MAX_ERRORS].row, 0);
	free(buf);
	bgw_arena_free(a);
}

/* --- the writer ------------------------------------------------------------------------ */

struct sbuf {
	char *p;
	size_t len, cap;
	size_t fail_after;  /* sink fails once len would pass it, if non-zero */
};

static bgw_err
sink(void *ud, const char *s, size_t n)
{
	struct sbuf *b = ud;

	if (b->fail_after != 0 && b->len + n > b->fail_after)
		return BGW_E_IO;
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return BGW_OK;
}

static const struct {
	const char *in;
	enum csv_cell kind;
	const char *out;
} field_vectors[] = {
	{"plain", CSV_TEXT, "plain"},
	{"", CSV_TEXT, ""},
	{NULL, CSV_TEXT, ""},
	{"a,b", CSV_TEXT, "\"a,b\""},
	{"say \"hi\"", CSV_TEXT, "\"say \"\"hi\"\"\""},
	{"two\nlines", CSV_TEXT, "\"two\nlines\""},
	{" padded ", CSV_TEXT, "\" padded \""},
	{"=SUM(A1:A2)", CSV_TEXT, "'=SUM(A1:A2)"},
	{"+81 3 1234", CSV_TEXT, "'+81 3 1234"},
	{"-3000", CSV_TEXT, "'-3000"},
	{"@cmd", CSV_TEXT, "'@cmd"},
	{"\tx", CSV_TEXT, "'\tx"},
	{"\rx", CSV_TEXT, "\"'\rx\""},
	{"=HYPERLINK(\"http://evil\",\"x\")", CSV_TEXT, "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""},
	{"'=already", CSV_TEXT, "''=already"},
	{"'quoted", CSV_TEXT, "'quoted"},
	{"a=b", CSV_TEXT, "a=b"},
	{"-3000", CSV_AMOUNT, "-3000"},
	{"1042.50", CSV_AMOUNT, "1042.50"},
	{"-1+2", CSV_AMOUNT, "'-1+2"},
	{"=1+2", CSV_AMOUNT, "'=1+2"},
	{"-", CSV_AMOUNT, "'-"},
	{"日本語", CSV_TEXT, "日本語"},
};

static void
test_write_fields(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(field_vectors) / sizeof(field_vectors[0]); i++) {
		struct sbuf b = {0};
		csv_writer w;

		csv_writer_init(&w, sink, &b);
		assert_int_equal(csv_write_field(&w, field_vectors[i].in, field_vectors[i].kind),
		    BGW_OK);
		if (strcmp(b.p != NULL ? b.p : "", field_vectors[i].out) != 0)
			fail_msg("vector %zu: got [%s] want [%s]", i, b.p, field_vectors[i].out);
		free(b.p);
	}
}

static void
test_write_rows_bom_and_errors(void **state)
{
	struct sbuf b = {0};
	csv_writer w;

	(void)state;
	csv_writer_init(&w, sink, &b);
	assert_int_equal(csv_write_bom(&w), BGW_OK);
	csv_write_field(&w, "a", CSV_TEXT);
	csv_write_field(&w, NULL, CSV_TEXT);
	csv_write_field(&w, "c", CSV_TEXT);
	assert_int_equal(csv_end_row(&w), BGW_OK);
	csv_write_field(&w, "d", CSV_TEXT);
	assert_int_equal(csv_end_row(&w), BGW_OK);
	assert_string_equal(b.p, "\xEF\xBB\xBF" "a,,c\r\nd\r\n");
	free(b.p);

	/* a sink error is sticky */
	memset(&b, 0, sizeof(b));
	b.fail_after = 4;
	csv_writer_init(&w, sink, &b);
	assert_int_equal(csv_write_field(&w, "abc", CSV_TEXT), BGW_OK);
	assert_int_equal(csv_write_field(&w, "def", CSV_TEXT), BGW_E_IO);
	assert_int_equal(csv_end_row(&w), BGW_E_IO);
	assert_string_equal(b.p, "abc,");
	free(b.p);
}

/* Export what was imported, import the export: the same confirmations come back. */
static void
test_round_trip(void **state)
{
	static const char in[] = HDR ROW1 ROW2 ROW3
	    "C,other,negative,\"=cmd|' /C calc'!A0\",o@x.example,\"-Sato, \"\"Jr\"\"\",2024-03-31,"
	    "2024-04-30,\"+line\",'@ref,EUR,0.5\n";
	bgw_arena *a = bgw_arena_new();
	import_result r1, r2;
	struct sbuf b = {0};
	csv_writer w;
	size_t i, k;

	(void)state;
	assert_int_equal(csv_import(a, in, sizeof(in) - 1, &r1), BGW_OK);
	assert_int_equal(r1.nconfirmations, 3);
	assert_string_equal(r1.confirmations[2].respondent_org, "=cmd|' /C calc'!A0");
	assert_string_equal(r1.confirmations[2].items[0].reference, "@ref"); /* unneutralised */

	csv_writer_init(&w, sink, &b);
	csv_write_bom(&w);
	csv_export_header(&w, true);
	for (i = 0; i < r1.nconfirmations; i++) {
		export_confirmation ec = {0};
		char group[24];

		ec.c = &r1.confirmations[i];
		ec.reference = "ABCDEFGH23";
		ec.status = "draft";
		snprintf(group, sizeof(group), "%zu", i + 1);
		assert_int_equal(csv_export_confirmation(&w, group, &ec, true), BGW_OK);
	}
	/* the dangerous cells went out neutralised */
	assert_non_null(strstr(b.p, "'=cmd|"));
	assert_non_null(strstr(b.p, "\"'-Sato, \"\"Jr\"\"\""));
	assert_non_null(strstr(b.p, ",'+line,"));
	assert_non_null(strstr(b.p, ",-3000,"));

	assert_int_equal(csv_import(a, b.p, b.len, &r2), BGW_OK);
	assert_int_equal(r2.nconfirmations, r1.nconfirmations);
	for (i = 0; i < r1.nconfirmations; i++) {
		const import_confirmation *x = &r1.confirmations[i], *y = &r2.confirmations[i];

		assert_string_equal(x->type, y->type);
		assert_string_equal(x->form, y->form);
		assert_string_equal(x->respondent_org, y->respondent_org);
		assert_string_equal(x->respondent_email, y->respondent_email);
		assert_string_equal(x->respondent_name, y->respondent_name);
		assert_string_equal(x->as_of, y->as_of);
		assert_string_equal(x->due_date, y->due_date);
		assert_int_equal(x->nitems, y->nitems);
		for (k = 0; k < x->nitems; k++) {
			assert_string_equal(x->items[k].label, y->items[k].label);
			if (x->items[k].reference == NULL)
				assert_null(y->items[k].reference);
			else
				assert_string_equal(x->items[k].reference, y->items[k].reference);
			assert_string_equal(x->items[k].currency, y->items[k].currency);
			if (x->items[k].amount == NULL)
				assert_null(y->items[k].amount);
			else
				assert_string_equal(x->items[k].amount, y->items[k].amount);
		}
	}
	free(b.p);
	bgw_arena_free(a);
}

static void
test_export_responses(void **state)
{
	import_item items[2] = {
		{2, "Deposit", NULL, "JPY", "100"},
		{3, "Loan", NULL, "JPY", "-50"},
	};
	import_confirmation c = {2, "bank", "positive", "Bank", "b@x.example", "N",
	    "2024-03-31", "2024-04-30", "en", items, 2};
	const char *ids[2] = {"i1", "i2"};
	export_response_item ans[2] = {{"i2", false, "-60", "repaid =early"}, {"i1", true, NULL,
	    NULL}};
	export_response resp[2] = {{.version = 1}, {.version = 2, .items = ans, .nitems = 2}};
	export_confirmation ec = {"id1", "REF2345678", "answered", &c, ids, resp, 2};
	struct sbuf b = {0};
	csv_writer w;

	(void)state;
	csv_writer_init(&w, sink, &b);
	assert_int_equal(csv_export_confirmation(&w, "g", &ec, true), BGW_OK);
	assert_string_equal(b.p,
	    "g,bank,positive,Bank,b@x.example,N,2024-03-31,2024-04-30,Deposit,,JPY,100,en,"
	    "REF2345678,answered,2,yes,,\r\n"
	    "g,bank,positive,Bank,b@x.example,N,2024-03-31,2024-04-30,Loan,,JPY,-50,en,"
	    "REF2345678,answered,2,no,-60,repaid =early\r\n");
	free(b.p);
	ec.c = NULL;
	assert_int_equal(csv_export_confirmation(&w, "g", &ec, true), BGW_E_INTERNAL);
}

/* The sample fixture and the downloadable template import as documented. */
static void
test_fixtures(void **state)
{
	static const struct {
		const char *path;
		bgw_err e;
		size_t nconfirmations;
	} files[] = {
		{"tests/fixtures/sample-confirmations.csv", BGW_OK, 3},
		{"tests/fixtures/bad-confirmations.csv", BGW_E_VALIDATION, 0},
		{"db/templates/confirmations-template.csv", BGW_E_VALIDATION, 0},
	};
	const char *src = getenv("BGW_SRCDIR");
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		bgw_arena *a = bgw_arena_new();
		import_result r;
		char path[4096], *buf;
		long size;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", src != NULL ? src : ".", files[i].path);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		buf = malloc((size_t)size + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
		fclose(f);
		assert_int_equal(csv_import(a, buf, (size_t)size, &r), files[i].e);
		if (files[i].e == BGW_OK) {
			assert_int_equal(r.nconfirmations, files[i].nconfirmations);
			assert_string_equal(r.confirmations[2].respondent_name, "John \"JJ\" Smith");
			assert_string_equal(r.confirmations[2].items[0].amount, "-1042.50");
			assert_string_equal(r.confirmations[1].respondent_org,
			    "株式会社サンプル商事, 経理部");
		} else if (i == 1) {
			assert_int_equal(r.nerrors, 8); /* every bad row */
		} else {
			assert_string_equal(r.errors[0].message, "no confirmations in the file");
		}
		free(buf);
		bgw_arena_free(a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_vectors),
		cmocka_unit_test(test_reader_rows_and_lines),
		cmocka_unit_test(test_reader_nul_and_limits),
		cmocka_unit_test(test_import_good),
		cmocka_unit_test(test_import_bad),
		cmocka_unit_test(test_import_error_messages),
		cmocka_unit_test(test_import_ten_thousand),
		cmocka_unit_test(test_import_limits),
		cmocka_unit_test(test_write_fields),
		cmocka_unit_test(test_write_rows_bom_and_errors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_export_responses),
		cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
