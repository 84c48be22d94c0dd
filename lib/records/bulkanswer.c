/* bulkanswer.c - a desk's sheet of open requests out, its filled-in answers in. */
#include "records/bulkanswer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "auth/target.h"
#include "core/i18n.h"
#include "core/money.h"
#include "flow/workflow.h"
#include "records/csv.h"
#include "records/xlsx.h"
#include "store/pgarray.h"

#define LIMIT_TEXT_LEN 24
#define XLSX_NOTE_WIDTH 40
#define XLSX_LABEL_WIDTH 30
#define XLSX_ID_WIDTH 26
#define XLSX_NARROW_WIDTH 12
#define XLSX_READ_MAX ((size_t)64 * 1024 * 1024)
#define JUDGE_BATCH 256                 /* target loads in one round trip */

static const char *const col_en[BULK_COL__COUNT] = {"reference", "item_id", "section",
	"label", "currency", "requested_amount", "agrees", "amount", "note"};
static const char *const col_ja[BULK_COL__COUNT] = {"参照番号", "項目ID", "区分", "科目",
	"通貨", "依頼金額", "一致", "回答金額", "備考"};

const char *
bulkanswer_col_name(bulk_col c, const char *lang)
{
	if ((unsigned)c >= BULK_COL__COUNT)
		return "";
	return lang != NULL && strcmp(lang, "ja") == 0 ? col_ja[c] : col_en[c];
}

/* --- the open requests ------------------------------------------------------------------ */

/* policy_decide(act) for each of the n confirmations ids on its own facts (the single
 * routes' decision), the facts loaded JUDGE_BATCH at a time in one round trip each.
 * verdict[i] and t[i] (arena).  BGW_OK; database errors; BGW_E_NOMEM. */
static bgw_err
judge_all(bgw_db *db, bgw_arena *a, const policy_subject *s, enum policy_action act,
    const char *const *ids, size_t n, bgw_err **verdict, bgw_target **t)
{
	const char *stmt = target_statement(TARGET_CONFIRMATION);
	db_call *calls = bgw_arena_calloc(a, JUDGE_BATCH, sizeof(*calls));
	db_rows **res = bgw_arena_calloc(a, JUDGE_BATCH, sizeof(*res));
	bgw_err err;

	*verdict = bgw_arena_calloc(a, n + 1, sizeof(**verdict));
	*t = bgw_arena_calloc(a, n + 1, sizeof(**t));
	if (calls == NULL || res == NULL || *verdict == NULL || *t == NULL)
		return BGW_E_NOMEM;
	for (size_t k = 0; k < n; k += JUDGE_BATCH) {
		size_t m = n - k < JUDGE_BATCH ? n - k : JUDGE_BATCH;

		for (size_t i = 0; i < m; i++)
			calls[i] = (db_call){stmt, 1, &ids[k + i], &res[i]};
		if ((err = db_exec_batch(db, a, calls, m)) != BGW_OK)
			return err;
		for (size_t i = 0; i < m; i++) {
			target_from_result(res[i], TARGET_CONFIRMATION, &(*t)[k + i]);
			(*verdict)[k + i] = policy_decide(act, s, &(*t)[k + i].facts);
		}
	}
	return BGW_OK;
}

/* A refusal of the policy layer (the request is not the user's to act on), as opposed to a
 * failure. */
static bool
refused(bgw_err err)
{
	return err == BGW_E_NOT_FOUND || err == BGW_E_FORBIDDEN || err == BGW_E_CODE_REQUIRED ||
	    err == BGW_E_PROJECT_COMPLETED || err == BGW_E_LOCKED;
}

/* The asked sections of row r (names separated by one space) into q. */
static bgw_err
sections_from_row(bgw_arena *a, const db_rows *res, int r, bulk_request *q)
{
	char *copy, *save = NULL;

	q->sections = NULL;
	q->nsections = 0;
	if (db_isnull(res, r, 9))
		return BGW_OK;
	copy = bgw_arena_strdup(a, db_value(res, r, 9));
	q->sections = bgw_arena_calloc(a, strlen(db_value(res, r, 9)) / 2 + 2,
	    sizeof(*q->sections));
	if (copy == NULL || q->sections == NULL)
		return BGW_E_NOMEM;
	for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
		q->sections[q->nsections++] = w;
	return BGW_OK;
}

/* Start request k of out from row r of res. */
static bgw_err
request_from_row(bgw_arena *a, const db_rows *res, int r, bulk_request *q)
{
	q->id = db_value(res, r, 0);
	q->reference = db_value(res, r, 1);
	q->type = db_value(res, r, 2);
	q->form = db_value(res, r, 3);
	q->extra_rows = strcmp(q->type, "bank") == 0;
	q->items = NULL;
	q->nitems = 0;
	return sections_from_row(a, res, r, q);
}

static int
cmp_ref(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Is row r's request one the caller asks about? */
static bool
wanted(const db_rows *res, int r, const char *const *refs, size_t nrefs)
{
	return refs == NULL || bsearch(db_value(res, r, 1), refs, nrefs, sizeof(*refs), cmp_ref) !=
	    NULL;
}

bgw_err
bulkanswer_open(bgw_db *db, bgw_arena *a, const policy_subject *s, const char *const *refs,
    size_t nrefs, bulk_set *out)
{
	char limit[LIMIT_TEXT_LEN];
	const char *p[2] = {limit, NULL};
	db_rows *res;
	bulk_item *items;
	const char **ids;
	bgw_err err, *verdict;
	bgw_target *t;
	size_t nids = 0, k = 0;
	bool keep = false;
	int n;

	memset(out, 0, sizeof(*out));
	snprintf(limit, sizeof(limit), "%d", BULKANSWER_MAX_REQUESTS);
	if (refs != NULL) {
		pgarray arr;

		pgarray_init(&arr, a);
		for (size_t i = 0; i < nrefs; i++)
			if (i == 0 || strcmp(refs[i], refs[i - 1]) != 0)
				pgarray_add(&arr, refs[i]);
		if ((p[1] = pgarray_finish(&arr, &err)) == NULL)
			return err;
	}
	if ((err = db_exec(db, a, refs != NULL ? "bulk_open_refs" : "bulk_open", refs != NULL ?
	    2 : 1, p, &res)) != BGW_OK)
		return err;
	n = db_nrows(res);
	out->list = bgw_arena_calloc(a, (size_t)n + 1, sizeof(*out->list));
	items = bgw_arena_calloc(a, (size_t)n + 1, sizeof(*items));
	ids = bgw_arena_calloc(a, (size_t)n + 1, sizeof(*ids));
	if (out->list == NULL || items == NULL || ids == NULL)
		return BGW_E_NOMEM;
	/* the distinct candidates asked about, judged in batches */
	for (int r = 0; r < n; r++)
		if ((r == 0 || strcmp(db_value(res, r - 1, 0), db_value(res, r, 0)) != 0) &&
		    wanted(res, r, refs, nrefs))
			ids[nids++] = db_value(res, r, 0);
	if ((err = judge_all(db, a, s, ACT_CONF_RESPOND, ids, nids, &verdict, &t)) != BGW_OK)
		return err;
	for (int r = 0; r < n; r++) {
		bulk_item *it = &items[r];

		if (r == 0 || strcmp(db_value(res, r - 1, 0), db_value(res, r, 0)) != 0) {
			/* a new request: answerable only if asked about and admitted */
			keep = k < nids && strcmp(ids[k], db_value(res, r, 0)) == 0;
			if (keep && !refused(verdict[k]) && verdict[k] != BGW_OK)
				return verdict[k];
			keep = keep && verdict[k++] == BGW_OK;
			if (keep) {
				if ((err = request_from_row(a, res, r, &out->list[out->n])) != BGW_OK)
					return err;
				out->list[out->n++].items = it;
			}
		}
		/* a request that asks sections only has one row and no item */
		if (!keep || db_isnull(res, r, 4))
			continue;
		it->id = db_value(res, r, 4);
		it->label = db_value(res, r, 5);
		it->currency = db_value(res, r, 6);
		it->amount = db_isnull(res, r, 7) ? NULL : db_value(res, r, 7);
		it->section = db_isnull(res, r, 8) ? NULL : db_value(res, r, 8);
		out->list[out->n - 1].nitems++;
	}
	return BGW_OK;
}

/* --- writing ----------------------------------------------------------------------------- */

/* A section as a sheet in lang shows it: its Japanese label, or its name; NULL stays NULL.
 * import_section_name reads either back. */
static const char *
section_word(const char *name, const char *lang)
{
	char key[64];

	if (name == NULL || lang == NULL || strcmp(lang, "ja") != 0)
		return name;
	snprintf(key, sizeof(key), "section.%s", name);
	return i18n_t(I18N_JA, key);
}

bgw_err
bulkanswer_write_csv(const bulk_set *set, const char *lang, bgw_sink sink, void *ud)
{
	csv_writer w;

	csv_writer_init(&w, sink, ud);
	csv_write_bom(&w);
	for (int c = 0; c < BULK_COL__COUNT; c++)
		csv_write_field(&w, bulkanswer_col_name((bulk_col)c, lang), CSV_TEXT);
	csv_end_row(&w);
	for (size_t k = 0; k < set->n; k++) {
		const bulk_request *q = &set->list[k];

		for (size_t i = 0; i < q->nitems; i++) {
			const bulk_item *it = &q->items[i];
			const char *row[BULK_COL__COUNT] = {q->reference, it->id,
				section_word(it->section, lang), it->label, it->currency, it->amount, NULL,
				NULL, NULL};

			for (int c = 0; c < BULK_COL__COUNT; c++)
				csv_write_field(&w, row[c], c == BULK_COL_REQUESTED ? CSV_AMOUNT :
				    CSV_TEXT);
			csv_end_row(&w);
		}
		for (size_t x = 0; x < q->nsections; x++) {
			csv_write_field(&w, q->reference, CSV_TEXT);
			csv_write_field(&w, NULL, CSV_TEXT);
			csv_write_field(&w, section_word(q->sections[x], lang), CSV_TEXT);
			for (int c = BULK_COL_SECTION + 1; c < BULK_COL__COUNT; c++)
				csv_write_field(&w, NULL, CSV_TEXT);
			csv_end_row(&w);
		}
		for (int x = 0; q->extra_rows && x < BULKANSWER_EXTRA_ROWS; x++) {
			csv_write_field(&w, q->reference, CSV_TEXT);
			for (int c = 1; c < BULK_COL__COUNT; c++)
				csv_write_field(&w, NULL, CSV_TEXT);
			csv_end_row(&w);
		}
	}
	return w.err;
}

/* The formats of one workbook: locked text for given cells, unlocked for the answers, and
 * an amount format per number of decimals (0 to 4). */
struct xfmt {
	lxw_format *head, *given, *open, *open_text;
	lxw_format *amount[IMPORT_AMOUNT_FRAC_DIGITS + 1];
};

static void
formats_new(lxw_workbook *wb, struct xfmt *f)
{
	static const char *const num[] = {"#,##0", "#,##0.0", "#,##0.00", "#,##0.000",
		"#,##0.0000"};

	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_bg_color(f->head, LXW_COLOR_SILVER);
	f->given = workbook_add_format(wb);
	format_set_num_format(f->given, "@");
	f->open = workbook_add_format(wb);
	format_set_unlocked(f->open);
	format_set_bg_color(f->open, 0xFFF2CC);
	/* Typed amounts stay exact text (the reader takes "1,250,000" too). */
	f->open_text = workbook_add_format(wb);
	format_set_unlocked(f->open_text);
	format_set_num_format(f->open_text, "@");
	format_set_bg_color(f->open_text, 0xFFF2CC);
	for (int d = 0; d <= IMPORT_AMOUNT_FRAC_DIGITS; d++) {
		f->amount[d] = workbook_add_format(wb);
		format_set_num_format(f->amount[d], num[d]);
	}
}

/* The requested amount as a formatted number with the currency's decimals; an amount a
 * double cannot hold exactly (over 15 digits) stays text. */
static void
write_amount(lxw_worksheet *ws, lxw_row_t row, const bulk_item *it, const struct xfmt *f)
{
	int d = money_minor_units(it->currency);

	if (it->amount == NULL)
		return;
	if (d < 0 || d > IMPORT_AMOUNT_FRAC_DIGITS)
		d = 0;
	if (strlen(it->amount) <= 15)
		worksheet_write_number(ws, row, BULK_COL_REQUESTED, strtod(it->amount, NULL),
		    f->amount[d]);
	else
		worksheet_write_string(ws, row, BULK_COL_REQUESTED, it->amount, f->given);
}

static void
write_answer_cells(lxw_worksheet *ws, lxw_row_t row, bool extra, const struct xfmt *f)
{
	if (extra) {
		worksheet_write_blank(ws, row, BULK_COL_SECTION, f->open);
		worksheet_write_blank(ws, row, BULK_COL_LABEL, f->open);
		worksheet_write_blank(ws, row, BULK_COL_CURRENCY, f->open);
	} else {
		worksheet_write_blank(ws, row, BULK_COL_AGREES, f->open);
	}
	worksheet_write_blank(ws, row, BULK_COL_AMOUNT, f->open_text);
	worksheet_write_blank(ws, row, BULK_COL_NOTE, f->open);
}

/* The rows of q's asked sections: agrees takes "none", note a lawyer's answer. */
static lxw_row_t
write_section_rows(lxw_worksheet *ws, lxw_row_t row, const bulk_request *q, const char *lang,
    const struct xfmt *f)
{
	for (size_t x = 0; x < q->nsections; x++, row++) {
		worksheet_write_string(ws, row, BULK_COL_REFERENCE, q->reference, f->given);
		worksheet_write_string(ws, row, BULK_COL_SECTION, section_word(q->sections[x], lang),
		    f->given);
		worksheet_write_blank(ws, row, BULK_COL_AGREES, f->open);
		worksheet_write_blank(ws, row, BULK_COL_NOTE, f->open);
	}
	return row;
}

static lxw_row_t
write_sheet_rows(lxw_worksheet *ws, const bulk_set *set, const char *lang, const struct xfmt *f)
{
	lxw_row_t row = 1;

	for (size_t k = 0; k < set->n; k++) {
		const bulk_request *q = &set->list[k];

		for (size_t i = 0; i < q->nitems; i++, row++) {
			const bulk_item *it = &q->items[i];

			worksheet_write_string(ws, row, BULK_COL_REFERENCE, q->reference, f->given);
			worksheet_write_string(ws, row, BULK_COL_ITEM_ID, it->id, f->given);
			if (it->section != NULL)
				worksheet_write_string(ws, row, BULK_COL_SECTION,
				    section_word(it->section, lang), f->given);
			worksheet_write_string(ws, row, BULK_COL_LABEL, it->label, f->given);
			worksheet_write_string(ws, row, BULK_COL_CURRENCY, it->currency, f->given);
			write_amount(ws, row, it, f);
			write_answer_cells(ws, row, false, f);
		}
		row = write_section_rows(ws, row, q, lang, f);
		for (int x = 0; q->extra_rows && x < BULKANSWER_EXTRA_ROWS; x++, row++) {
			worksheet_write_string(ws, row, BULK_COL_REFERENCE, q->reference, f->given);
			write_answer_cells(ws, row, true, f);
		}
	}
	return row;
}

static void
build_workbook(lxw_workbook *wb, const bulk_set *set, const char *lang)
{
	/* "none" answers an asked section's row (該当なし). */
	static const char *const yes_no[] = {"yes", "no", "none", NULL};
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_protection prot = {.no_select_locked_cells = 0};
	lxw_data_validation dv = {.validate = LXW_VALIDATION_TYPE_LIST,
		.value_list = (char **)yes_no};
	struct xfmt f;
	lxw_row_t last;

	formats_new(wb, &f);
	for (int c = 0; c < BULK_COL__COUNT; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, bulkanswer_col_name((bulk_col)c, lang),
		    f.head);
	worksheet_set_column(ws, BULK_COL_REFERENCE, BULK_COL_ITEM_ID, XLSX_ID_WIDTH, NULL);
	worksheet_set_column(ws, BULK_COL_SECTION, BULK_COL_SECTION, XLSX_NARROW_WIDTH, NULL);
	worksheet_set_column(ws, BULK_COL_LABEL, BULK_COL_LABEL, XLSX_LABEL_WIDTH, NULL);
	worksheet_set_column(ws, BULK_COL_CURRENCY, BULK_COL_AGREES, XLSX_NARROW_WIDTH, NULL);
	worksheet_set_column(ws, BULK_COL_AMOUNT, BULK_COL_AMOUNT, XLSX_NARROW_WIDTH + 4, NULL);
	worksheet_set_column(ws, BULK_COL_NOTE, BULK_COL_NOTE, XLSX_NOTE_WIDTH, NULL);
	worksheet_freeze_panes(ws, 1, 0);
	last = write_sheet_rows(ws, set, lang, &f);
	if (last > 1)
		worksheet_data_validation_range(ws, 1, BULK_COL_AGREES, last - 1, BULK_COL_AGREES,
		    &dv);
	worksheet_protect(ws, NULL, &prot);
}

/* Read the whole file at path into arena memory. */
static bgw_err
slurp(bgw_arena *a, const char *path, char **buf, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	long size;
	bgw_err err = BGW_E_IO;

	if (fp == NULL)
		return BGW_E_IO;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 &&
	    (size_t)size <= XLSX_READ_MAX && fseek(fp, 0, SEEK_SET) == 0) {
		*buf = bgw_arena_alloc(a, (size_t)size + 1);
		if (*buf == NULL)
			err = BGW_E_NOMEM;
		else if (fread(*buf, 1, (size_t)size, fp) == (size_t)size) {
			*len = (size_t)size;
			err = BGW_OK;
		}
	}
	fclose(fp);
	return err;
}

bgw_err
bulkanswer_write_xlsx(bgw_arena *a, const bulk_set *set, const char *lang, const char *tmpdir,
    char **buf, size_t *len)
{
	char *path = bgw_arena_printf(a, "%s/bgw-bulk-XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
	lxw_workbook *wb;
	bgw_err err;
	int fd;

	if (path == NULL)
		return BGW_E_NOMEM;
	/* libxlsxwriter 1.1 writes only to a named file: a private one, removed below. */
	if ((fd = mkstemp(path)) < 0)
		return BGW_E_IO;
	close(fd);
	opt.tmpdir = (char *)(tmpdir != NULL ? tmpdir : "/tmp");
	if ((wb = workbook_new_opt(path, &opt)) == NULL) {
		unlink(path);
		return BGW_E_NOMEM;
	}
	build_workbook(wb, set, lang);
	if (workbook_close(wb) != LXW_NO_ERROR) {
		unlink(path);
		return BGW_E_IO;
	}
	err = slurp(a, path, buf, len);
	unlink(path);
	return err;
}

/* --- reading ----------------------------------------------------------------------------- */

static bulk_col
col_of(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (int c = 0; c < BULK_COL__COUNT; c++) {
		if ((strlen(col_en[c]) == n && strncasecmp(col_en[c], s, n) == 0) ||
		    (strlen(col_ja[c]) == n && memcmp(col_ja[c], s, n) == 0))
			return (bulk_col)c;
	}
	return BULK_COL__COUNT;
}

static bgw_err
rows_header(void *ud, int row, const import_cell *cells, size_t n)
{
	bulk_rows *out = ud;
	bgw_err err = BGW_OK;

	for (size_t i = 0; i < n; i++) {
		bulk_col c;

		if (cells[i].n == 0)
			continue;
		c = col_of(cells[i].s, cells[i].n);
		if (c == BULK_COL__COUNT || out->col[c] >= 0) {
			if (import_error_add(out->a, &out->result, row, NULL, c == BULK_COL__COUNT ?
			    "unknown column in the header" : "a column named twice") != BGW_OK)
				return BGW_E_NOMEM;
			err = BGW_E_VALIDATION;
			continue;
		}
		out->col[c] = (int)i;
	}
	for (int c = 0; c < BULK_COL__COUNT; c++) {
		if (out->col[c] < 0 && c != BULK_COL_SECTION && c != BULK_COL_REQUESTED) {
			if (import_error_add(out->a, &out->result, row, col_en[c],
			    "missing column") != BGW_OK)
				return BGW_E_NOMEM;
			err = BGW_E_VALIDATION;
		}
	}
	return err;
}

/* A value trimmed of spaces, NULL when empty; the CSV writer's apostrophe before a formula
 * character is dropped again. */
static bgw_err
value(bulk_rows *out, int row, bulk_col c, const import_cell *cell, const char **v)
{
	const char *s = cell->s;
	size_t n = cell->n;

	*v = NULL;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	    s[n - 1] == '\n'))
		n--;
	if (n >= 2 && s[0] == '\'' && strchr("=+-@\t\r", s[1]) != NULL) {
		s++;
		n--;
	}
	if (n == 0)
		return BGW_OK;
	if (n > IMPORT_MAX_FIELD_BYTES) {
		if (import_error_add(out->a, &out->result, row, col_en[c], "value too long") !=
		    BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_VALIDATION;
	}
	*v = bgw_arena_strndup(out->a, s, n);
	return *v != NULL ? BGW_OK : BGW_E_NOMEM;
}

static bgw_err
rows_row(void *ud, int row, const import_cell *cells, size_t n)
{
	bulk_rows *out = ud;
	bulk_row r = {.row = row};
	bool any = false;

	for (int c = 0; c < BULK_COL__COUNT; c++) {
		int i = out->col[c];
		bgw_err err;

		if (i < 0 || (size_t)i >= n)
			continue;
		err = value(out, row, (bulk_col)c, &cells[i], &r.v[c]);
		if (err == BGW_E_NOMEM)
			return err;
		any = any || r.v[c] != NULL || err != BGW_OK;
	}
	if (!any)
		return BGW_OK;
	if (out->n == out->cap) {
		size_t cap = out->cap > 0 ? out->cap * 2 : 256;
		bulk_row *rows;

		if (out->n >= IMPORT_MAX_ITEMS) {
			if (import_error_add(out->a, &out->result, row, NULL, "too many rows") != BGW_OK)
				return BGW_E_NOMEM;
			return BGW_E_TOO_LARGE;
		}
		if ((rows = bgw_arena_calloc(out->a, cap, sizeof(*rows))) == NULL)
			return BGW_E_NOMEM;
		if (out->n > 0)
			memcpy(rows, out->rows, out->n * sizeof(*rows));
		out->rows = rows;
		out->cap = cap;
	}
	out->rows[out->n++] = r;
	return BGW_OK;
}

static bgw_err
parse_csv(bgw_arena *a, const char *buf, size_t len, bulk_rows *out)
{
	csv_reader *rd;
	const import_cell *cells;
	size_t n;
	int row;
	bool header = true;
	bgw_err err, result = BGW_OK;

	if ((err = csv_reader_new(a, buf, len, &rd)) != BGW_OK)
		return err;
	for (;;) {
		err = csv_reader_next(rd, &cells, &n, &row);
		if (err != BGW_OK) {
			if (import_error_add(a, &out->result, row, NULL, csv_reader_error(rd)) !=
			    BGW_OK)
				return BGW_E_NOMEM;
			return err;
		}
		if (n == 0)
			break;
		if (n == 1 && cells[0].n == 0)
			continue;
		err = header ? rows_header(out, row, cells, n) : rows_row(out, row, cells, n);
		if (header && err == BGW_E_VALIDATION)
			return err; /* the data rows would only be noise */
		header = false;
		if (err == BGW_E_VALIDATION)
			result = err;
		else if (err != BGW_OK)
			return err;
	}
	if (header) {
		if (import_error_add(a, &out->result, 0, NULL, "empty file") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_VALIDATION;
	}
	return result;
}

static bgw_err
parse_xlsx(bgw_arena *a, const char *buf, size_t len, bulk_rows *out)
{
	xlsx_rows sink = {rows_header, rows_row, NULL, out};
	bgw_err err = xlsx_read_rows(a, buf, len, &sink, &out->result);

	if (err == BGW_OK && out->result.nerrors > 0)
		return BGW_E_VALIDATION;
	return err;
}

bgw_err
bulkanswer_parse(bgw_arena *a, confimport_format format, const char *buf, size_t n,
    bulk_rows *out)
{
	memset(out, 0, sizeof(*out));
	out->a = a;
	for (int c = 0; c < BULK_COL__COUNT; c++)
		out->col[c] = -1;
	if (n > IMPORT_MAX_BYTES) {
		if (import_error_add(a, &out->result, 0, NULL, "file too large") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_TOO_LARGE;
	}
	switch (format) {
	case CONFIMPORT_CSV:
		return parse_csv(a, buf, n, out);
	case CONFIMPORT_XLSX:
		return parse_xlsx(a, buf, n, out);
	default:
		return BGW_E_UNSUPPORTED_TYPE;
	}
}

/* --- checking and answering -------------------------------------------------------------- */

/* One request of the upload: its rows, the answer built from them. */
struct answer {
	const bulk_request *q;
	json_t *items, *extra, *sections;
	int *item_rows, *extra_rows, *section_rows; /* source row of each entry */
	bool *seen;                     /* per item of q */
	int first_row;
	bool filled;
	resp_input in;
};

static bgw_err
row_error(bulk_rows *rows, int row, const char *column, const char *message, bgw_err *result)
{
	*result = BGW_E_VALIDATION;
	return import_error_add(rows->a, &rows->result, row, column, message) == BGW_OK ?
	    BGW_OK : BGW_E_NOMEM;
}

/* yes/no as a desk writes it. */
static int
agrees_of(const char *s)
{
	static const char *const yes[] = {"yes", "y", "true", "1", "はい", "一致", "○", NULL};
	static const char *const no[] = {"no", "n", "false", "0", "いいえ", "不一致", "×", NULL};

	for (int i = 0; yes[i] != NULL; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (int i = 0; no[i] != NULL; i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/* An amount as typed into a sheet: thousands separators dropped, and a number Excel kept
 * with fewer decimals than the currency's ("1042.5" for USD) padded with zeros.  Anything
 * else is left for money_parse to refuse. */
static const char *
amount_of(bgw_arena *a, const char *s, const char *currency)
{
	size_t n = strlen(s), k = 0;
	char *t = bgw_arena_alloc(a, n + IMPORT_AMOUNT_FRAC_DIGITS + 2);
	const char *dot;
	int d = money_minor_units(currency), have;

	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ',')
			t[k++] = s[i];
	t[k] = '\0';
	if (d <= 0 || !import_amount_valid(t))
		return t;
	dot = strchr(t, '.');
	have = dot != NULL ? (int)strlen(dot + 1) : 0;
	if (have >= d)
		return t;
	if (dot == NULL)
		t[k++] = '.';
	for (; have < d; have++)
		t[k++] = '0';
	t[k] = '\0';
	return t;
}

static int
by_reference(const void *x, const void *y)
{
	return strcmp((*(const struct answer *const *)x)->q->reference,
	    (*(const struct answer *const *)y)->q->reference);
}

static int
find_reference(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct answer *const *)elem)->q->reference);
}

/* Answers for every open request, and an index of them by reference. */
static bgw_err
answers_new(bgw_arena *a, const bulk_set *set, struct answer **ans, struct answer ***index)
{
	*ans = bgw_arena_calloc(a, set->n + 1, sizeof(**ans));
	*index = bgw_arena_calloc(a, set->n + 1, sizeof(**index));
	if (*ans == NULL || *index == NULL)
		return BGW_E_NOMEM;
	for (size_t k = 0; k < set->n; k++) {
		struct answer *an = &(*ans)[k];

		an->q = &set->list[k];
		an->seen = bgw_arena_calloc(a, an->q->nitems + 1, sizeof(bool));
		an->item_rows = bgw_arena_calloc(a, an->q->nitems + 1, sizeof(int));
		an->extra_rows = bgw_arena_calloc(a, RESPONSE_EXTRA_MAX + 1, sizeof(int));
		an->section_rows = bgw_arena_calloc(a, an->q->nsections + 1, sizeof(int));
		if (an->seen == NULL || an->item_rows == NULL || an->extra_rows == NULL ||
		    an->section_rows == NULL)
			return BGW_E_NOMEM;
		(*index)[k] = an;
	}
	qsort(*index, set->n, sizeof(**index), by_reference);
	return BGW_OK;
}

static void
answers_free(struct answer *ans, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		json_decref(ans[k].items);
		json_decref(ans[k].extra);
		json_decref(ans[k].sections);
	}
}

static json_t *
arr(json_t **slot)
{
	if (*slot == NULL)
		*slot = json_array();
	return *slot;
}

/* An item row: the item's answer. */
static bgw_err
add_item_row(bulk_rows *rows, struct answer *an, const bulk_row *r, bgw_err *result)
{
	const bulk_request *q = an->q;
	const char *agrees = r->v[BULK_COL_AGREES], *amount = r->v[BULK_COL_AMOUNT];
	size_t i;
	json_t *o;
	int yes;

	for (i = 0; i < q->nitems; i++)
		if (strcmp(q->items[i].id, r->v[BULK_COL_ITEM_ID]) == 0)
			break;
	if (i == q->nitems)
		return row_error(rows, r->row, "item_id", "not an item of this request", result);
	if (an->seen[i])
		return row_error(rows, r->row, "item_id", "answered twice", result);
	an->seen[i] = true;
	if (agrees == NULL && amount == NULL && r->v[BULK_COL_NOTE] == NULL)
		return BGW_OK; /* unfilled: an error only if the request is answered (below) */
	an->filled = true;
	if (agrees == NULL)
		return row_error(rows, r->row, "agrees", "required (yes or no)", result);
	if ((yes = agrees_of(agrees)) < 0)
		return row_error(rows, r->row, "agrees", "yes or no", result);
	o = json_pack("{s:s, s:b}", "item_id", q->items[i].id, "agrees", yes);
	if (o == NULL)
		return BGW_E_NOMEM;
	if (amount != NULL)
		json_object_set_new(o, "amount", json_string(amount_of(rows->a, amount,
		    q->items[i].currency)));
	if (r->v[BULK_COL_NOTE] != NULL)
		json_object_set_new(o, "note", json_string(r->v[BULK_COL_NOTE]));
	an->item_rows[json_array_size(arr(&an->items))] = r->row;
	return json_array_append_new(an->items, o) == 0 ? BGW_OK : BGW_E_NOMEM;
}

/* A row without an item id: an extra item, or a blank extra row left empty. */
static bgw_err
add_extra_row(bulk_rows *rows, struct answer *an, const bulk_row *r, bgw_err *result)
{
	const char *label = r->v[BULK_COL_LABEL], *cur = r->v[BULK_COL_CURRENCY];
	const char *amount = r->v[BULK_COL_AMOUNT], *note = r->v[BULK_COL_NOTE];
	json_t *o;

	if (label == NULL && cur == NULL && amount == NULL && note == NULL &&
	    r->v[BULK_COL_AGREES] == NULL && r->v[BULK_COL_SECTION] == NULL)
		return BGW_OK;
	an->filled = true;
	if (r->v[BULK_COL_AGREES] != NULL)
		return row_error(rows, r->row, "agrees", "only on a requested item", result);
	if (json_array_size(arr(&an->extra)) >= RESPONSE_EXTRA_MAX)
		return row_error(rows, r->row, "label", "too many extra items", result);
	o = json_object();
	if (o == NULL)
		return BGW_E_NOMEM;
	/* Missing values are left out, so the web form's checks name them. */
	if (label != NULL)
		json_object_set_new(o, "label", json_string(label));
	if (cur != NULL)
		json_object_set_new(o, "currency", json_string(cur));
	if (amount != NULL)
		json_object_set_new(o, "amount", json_string(amount_of(rows->a, amount,
		    cur != NULL ? cur : "")));
	if (note != NULL)
		json_object_set_new(o, "note", json_string(note));
	if (r->v[BULK_COL_SECTION] != NULL) {
		const char *name = import_section_name(r->v[BULK_COL_SECTION],
		    strlen(r->v[BULK_COL_SECTION]));

		/* An unknown word goes on as written: the web form's check names it. */
		json_object_set_new(o, "section", json_string(name != NULL ? name :
		    r->v[BULK_COL_SECTION]));
	}
	an->extra_rows[json_array_size(an->extra)] = r->row;
	return json_array_append_new(an->extra, o) == 0 ? BGW_OK : BGW_E_NOMEM;
}

/* Does s say "none" (該当なし) as a desk writes it? */
static bool
none_of(const char *s)
{
	static const char *const none[] = {"none", "該当なし", "なし", "-", "ー", NULL};

	for (int i = 0; none[i] != NULL; i++)
		if (strcasecmp(s, none[i]) == 0)
			return true;
	return false;
}

/* The row of an asked section (no item, no label, currency nor amount): "none" in agrees,
 * the text in note; the rule is confsection's, through resp_input_from_json. */
static bgw_err
add_section_row(bulk_rows *rows, struct answer *an, const bulk_row *r, const char *name,
    bgw_err *result)
{
	const char *agrees = r->v[BULK_COL_AGREES], *note = r->v[BULK_COL_NOTE];
	json_t *o;

	if (agrees == NULL && note == NULL)
		return BGW_OK; /* unfilled: an error only if the request is answered */
	an->filled = true;
	if (agrees != NULL && !none_of(agrees))
		return row_error(rows, r->row, "agrees", "none (該当なし) or empty on a section's row",
		    result);
	if (an->q->nsections == 0)
		return row_error(rows, r->row, "section", "not asked", result);
	if (json_array_size(arr(&an->sections)) >= an->q->nsections)
		return row_error(rows, r->row, "section", "answered twice", result);
	o = json_pack("{s:s, s:b}", "section", name, "none", agrees != NULL);
	if (o == NULL)
		return BGW_E_NOMEM;
	if (note != NULL)
		json_object_set_new(o, "answer", json_string(note));
	an->section_rows[json_array_size(an->sections)] = r->row;
	return json_array_append_new(an->sections, o) == 0 ? BGW_OK : BGW_E_NOMEM;
}

/* A row without an item id: an asked section's, or an extra item's. */
static bgw_err
add_other_row(bulk_rows *rows, struct answer *an, const bulk_row *r, bgw_err *result)
{
	const char *section = r->v[BULK_COL_SECTION];
	const char *name = section != NULL ? import_section_name(section, strlen(section)) : NULL;

	if (section != NULL && r->v[BULK_COL_LABEL] == NULL && r->v[BULK_COL_CURRENCY] == NULL &&
	    r->v[BULK_COL_AMOUNT] == NULL) {
		if (name == NULL)
			return row_error(rows, r->row, "section", "not a section", result);
		return add_section_row(rows, an, r, name, result);
	}
	return add_extra_row(rows, an, r, result);
}

/* Sort every row into its request's answer. */
static bgw_err
collect(bulk_rows *rows, struct answer **index, size_t n, bgw_err *result)
{
	for (size_t k = 0; k < rows->n; k++) {
		const bulk_row *r = &rows->rows[k];
		struct answer **hit;
		bgw_err err;

		if (r->v[BULK_COL_REFERENCE] == NULL) {
			err = row_error(rows, r->row, "reference", "required", result);
		} else if ((hit = bsearch(r->v[BULK_COL_REFERENCE], index, n, sizeof(*index),
		    find_reference)) == NULL) {
			err = row_error(rows, r->row, "reference",
			    "not an open request of your organisation", result);
		} else {
			if ((*hit)->first_row == 0)
				(*hit)->first_row = r->row;
			err = r->v[BULK_COL_ITEM_ID] != NULL ? add_item_row(rows, *hit, r, result) :
			    add_other_row(rows, *hit, r, result);
		}
		if (err != BGW_OK)
			return err;
	}
	return BGW_OK;
}

/* "items[3].amount" -> (3, "amount"); NULL when key names no element of prefix. */
static const char *
element(const char *key, const char *prefix, size_t *i)
{
	size_t n = strlen(prefix);
	char *end;

	if (strncmp(key, prefix, n) != 0 || key[n] < '0' || key[n] > '9')
		return NULL;
	*i = strtoul(key + n, &end, 10);
	if (end[0] != ']')
		return NULL;
	return end[1] == '.' ? end + 2 : "";
}

/* The sheet's column of an answer's "sections[i].<field>". */
static const char *
section_column(const char *field)
{
	if (strcmp(field, "none") == 0)
		return "agrees";
	if (strcmp(field, "answer") == 0)
		return "note";
	return "section";
}

/* The row of an's asked section name (its request's first row if the sheet lost it). */
static int
section_row_of(const bulk_rows *rows, const struct answer *an, const char *name)
{
	for (size_t k = 0; k < rows->n; k++) {
		const bulk_row *r = &rows->rows[k];
		const char *s = r->v[BULK_COL_SECTION];
		const char *n = s != NULL ? import_section_name(s, strlen(s)) : NULL;

		if (r->v[BULK_COL_REFERENCE] != NULL && r->v[BULK_COL_ITEM_ID] == NULL &&
		    n != NULL && strcmp(n, name) == 0 && r->v[BULK_COL_LABEL] == NULL &&
		    strcmp(r->v[BULK_COL_REFERENCE], an->q->reference) == 0)
			return r->row;
	}
	return an->first_row;
}

/* resp_input_from_json's field errors back onto the rows they came from. */
static bgw_err
map_errors(bulk_rows *rows, const struct answer *an, const bgw_kv *errs, bgw_err *result)
{
	for (const bgw_kv *e = errs; e != NULL; e = e->next) {
		size_t i;
		const char *field;
		int row = an->first_row;
		const char *column = NULL;
		bgw_err err;

		if ((field = element(e->key, "items[", &i)) != NULL &&
		    i < json_array_size(an->items)) {
			row = an->item_rows[i];
			column = *field != '\0' ? field : NULL;
		} else if ((field = element(e->key, "extra_items[", &i)) != NULL &&
		    i < json_array_size(an->extra)) {
			row = an->extra_rows[i];
			column = *field != '\0' ? field : NULL;
		} else if ((field = element(e->key, "sections[", &i)) != NULL &&
		    i < json_array_size(an->sections)) {
			row = an->section_rows[i];
			column = section_column(field);
		} else if (strncmp(e->key, "sections.", 9) == 0) {
			row = section_row_of(rows, an, e->key + 9);
			column = "agrees";
		} else if (strncmp(e->key, "items[", 6) == 0) {
			continue; /* an item without its answer: its row is named already */
		} else if (strncmp(e->key, "extra_items", 11) == 0) {
			column = "label";
		}
		if (column != NULL && strcmp(column, "extra_items") == 0)
			column = "label";
		err = row_error(rows, row, column, e->value, result);
		if (err != BGW_OK)
			return err;
	}
	return BGW_OK;
}

/* Check one filled request: every item answered, then the web form's rules. */
static bgw_err
check_answer(bgw_db *db, bulk_rows *rows, struct answer *an, const bulkanswer_upload_in *in,
    bgw_err *result)
{
	json_t *body;
	bgw_kv *errs = NULL;
	bgw_err err;

	if (json_array_size(arr(&an->items)) != an->q->nitems) {
		/* Name the unfilled rows: an answered request answers every item. */
		for (size_t k = 0; k < rows->n; k++) {
			const bulk_row *r = &rows->rows[k];

			if (r->v[BULK_COL_REFERENCE] != NULL && r->v[BULK_COL_ITEM_ID] != NULL &&
			    strcmp(r->v[BULK_COL_REFERENCE], an->q->reference) == 0 &&
			    r->v[BULK_COL_AGREES] == NULL && r->v[BULK_COL_AMOUNT] == NULL &&
			    r->v[BULK_COL_NOTE] == NULL &&
			    (err = row_error(rows, r->row, "agrees", "required: the request is answered",
			    result)) != BGW_OK)
				return err;
		}
		for (size_t i = 0; i < an->q->nitems; i++)
			if (!an->seen[i] && (err = row_error(rows, an->first_row, "item_id",
			    "an item of this request has no row", result)) != BGW_OK)
				return err;
		/* and still the web form's checks of what is there, so every bad row shows */
	}
	body = json_pack("{s:O, s:o, s:o, s:{s:s, s:s}}", "items", an->items, "extra_items",
	    an->extra != NULL ? json_incref(an->extra) : json_array(), "sections",
	    an->sections != NULL ? json_incref(an->sections) : json_array(), "responder",
	    "name", in->responder_name, "title", in->responder_title != NULL ?
	    in->responder_title : "");
	if (body == NULL)
		return BGW_E_NOMEM;
	err = resp_input_from_json(db, rows->a, an->q->id, body, &an->in, &errs);
	json_decref(body);
	if (err == BGW_E_VALIDATION)
		return map_errors(rows, an, errs, result);
	return err;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The distinct references the rows name, sorted. */
static bgw_err
named_refs(const bulk_rows *rows, const char ***refs, size_t *n)
{
	*n = 0;
	if ((*refs = bgw_arena_calloc(rows->a, rows->n + 1, sizeof(**refs))) == NULL)
		return BGW_E_NOMEM;
	for (size_t k = 0; k < rows->n; k++)
		if (rows->rows[k].v[BULK_COL_REFERENCE] != NULL)
			(*refs)[(*n)++] = rows->rows[k].v[BULK_COL_REFERENCE];
	qsort(*refs, *n, sizeof(**refs), cmp_str);
	return BGW_OK;
}

bgw_err
bulkanswer_upload(bgw_db *db, bgw_arena *a, const policy_subject *s, const conf_actor *who,
    const bulkanswer_upload_in *in, bulkanswer_upload_out *out)
{
	bulk_set set;
	struct answer *ans = NULL, **index = NULL;
	const char **refs;
	bgw_err err, result = BGW_OK;
	size_t nfilled = 0, nrefs;

	memset(out, 0, sizeof(*out));
	err = bulkanswer_parse(a, in->format, in->buf, in->len, &out->rows);
	if (err == BGW_E_UNSUPPORTED_TYPE || err == BGW_E_NOMEM)
		return err;
	if (err != BGW_OK) {
		out->refused_rows = true;
		return err;
	}
	if ((err = named_refs(&out->rows, &refs, &nrefs)) != BGW_OK ||
	    (err = bulkanswer_open(db, a, s, refs, nrefs, &set)) != BGW_OK ||
	    (err = answers_new(a, &set, &ans, &index)) != BGW_OK)
		return err;
	err = collect(&out->rows, index, set.n, &result);
	for (size_t k = 0; err == BGW_OK && k < set.n; k++) {
		if (!ans[k].filled)
			continue;
		nfilled++;
		err = check_answer(db, &out->rows, &ans[k], in, &result);
	}
	if (err == BGW_OK && result == BGW_OK && nfilled == 0)
		err = row_error(&out->rows, 0, NULL, "no answers in the file", &result);
	answers_free(ans, set.n);
	if (err != BGW_OK)
		return err;
	if (result != BGW_OK) {
		out->refused_rows = true;
		return result;
	}
	/* Every answer is good: give them, as the web form gives a member's. */
	out->ids = bgw_arena_calloc(a, nfilled + 1, sizeof(*out->ids));
	if (out->ids == NULL)
		return BGW_E_NOMEM;
	for (size_t k = 0; k < set.n; k++) {
		if (!ans[k].filled)
			continue;
		if ((err = conf_respond(db, a, who, ans[k].q->id, false, &ans[k].in, NULL)) != BGW_OK)
			return err;
		out->ids[out->answered++] = ans[k].q->id;
	}
	return BGW_OK;
}

/* --- approving a selection --------------------------------------------------------------- */

/* Why each of ids may not be approved by the user now (code[i], NULL: it may): the policy
 * layer on its facts, an answer waiting, and not one the approver prepared. */
static bgw_err
judge_approvals(bgw_db *db, bgw_arena *a, const policy_subject *s, const conf_actor *who,
    const char *const *ids, size_t n, bulk_approval *results)
{
	db_call *calls = bgw_arena_calloc(a, n + 1, sizeof(*calls));
	db_rows **res = bgw_arena_calloc(a, n + 1, sizeof(*res));
	bgw_err err, *verdict;
	bgw_target *t;

	if (calls == NULL || res == NULL)
		return BGW_E_NOMEM;
	if ((err = judge_all(db, a, s, ACT_CONF_APPROVE, ids, n, &verdict, &t)) != BGW_OK)
		return err;
	for (size_t i = 0; i < n; i++)
		calls[i] = (db_call){"bulk_pending_responder", 1, &ids[i], &res[i]};
	if ((err = db_exec_batch(db, a, calls, n)) != BGW_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		results[i].id = ids[i];
		results[i].code = NULL;
		if (refused(verdict[i]))
			results[i].code = bgw_err_code(verdict[i]);
		else if (verdict[i] != BGW_OK)
			return verdict[i];
		else if (t[i].status == NULL ||
		    strcmp(t[i].status, "awaiting_respondent_approval") != 0 || db_nrows(res[i]) != 1)
			results[i].code = bgw_err_code(BGW_E_INVALID_STATE);
		else if (strcmp(db_value(res[i], 0, 0), who->user_id) == 0)
			results[i].code = "same_person"; /* maker is not checker (再鑑) */
	}
	return BGW_OK;
}

bgw_err
bulkanswer_approve(bgw_db *db, bgw_arena *a, const policy_subject *s, const conf_actor *who,
    const char *const *ids, size_t n, const char *approver_name, const char *approver_title,
    bulk_approval *results)
{
	bool held = false;
	bgw_err err;

	if (n == 0 || n > BULKANSWER_MAX_APPROVE)
		return BGW_E_VALIDATION;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(ids[i], ids[j]) == 0)
				return BGW_E_VALIDATION;
	if ((err = judge_approvals(db, a, s, who, ids, n, results)) != BGW_OK)
		return err;
	for (size_t i = 0; i < n; i++)
		held = held || results[i].code != NULL;
	for (size_t i = 0; i < n; i++) {
		if (held) {
			if (results[i].code == NULL)
				results[i].code = "not_approved"; /* would pass, held back: all or nothing */
			continue;
		}
		err = conf_approve(db, a, who, ids[i], approver_name, approver_title, NULL);
		if (err != BGW_OK)
			return err;
		results[i].code = "approved";
	}
	return held ? BGW_E_INVALID_STATE : BGW_OK;
}
