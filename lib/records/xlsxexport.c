/* xlsxexport.c - the XLSX export (libxlsxwriter into an unnamed temporary file). */
#include "records/xlsxexport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define COPY_BUF (64u * 1024u)

enum col {
	COL_REFERENCE, COL_STATUS, COL_TYPE, COL_RESPONDENT, COL_AS_OF, COL_ITEM, COL_CURRENCY,
	COL_REQUESTED, COL_ANSWERED, COL_DIFFERENCE, COL_AGREES, COL_SEAL,
	COL_REVIEW, COL_REVIEW_NOTE, COL_RECONCILING, COL_ADDRESS_CHECK, COL_ALTERNATIVE,
	COL__COUNT
};

/* Japanese first, English second, as every page. */
static const struct {
	const char *title;
	double width;
} columns[COL__COUNT] = {
	[COL_REFERENCE] = {"参照番号 Reference", 16},
	[COL_STATUS] = {"状態 Status", 14},
	[COL_TYPE] = {"種類 Type", 12},
	[COL_RESPONDENT] = {"回答者 Respondent", 28},
	[COL_AS_OF] = {"基準日 As of", 12},
	[COL_ITEM] = {"項目 Item", 24},
	[COL_CURRENCY] = {"通貨 Currency", 10},
	[COL_REQUESTED] = {"依頼金額 Requested", 18},
	[COL_ANSWERED] = {"回答金額 Answered", 18},
	[COL_DIFFERENCE] = {"差異 Difference", 18},
	[COL_AGREES] = {"一致 Agrees", 10},
	[COL_SEAL] = {"封印 Seal", 20},
	[COL_REVIEW] = {"レビュー Review", 14},
	[COL_REVIEW_NOTE] = {"レビューメモ Review note", 30},
	[COL_RECONCILING] = {"調整項目 Reconciling items", 36},
	[COL_ADDRESS_CHECK] = {"住所確認 Address check", 24},
	[COL_ALTERNATIVE] = {"代替手続 Alternative procedures", 36},
};

/* Currencies without a minor unit (ISO 4217 exponent 0) that audits here meet. */
static const char *const no_minor_unit[] = {"JPY", "KRW", "VND", "CLP", "ISK", "TWD", "HUF",
	NULL};

int
xlsxexport_decimals(const char *cur)
{
	for (size_t i = 0; cur != NULL && no_minor_unit[i] != NULL; i++)
		if (strcmp(cur, no_minor_unit[i]) == 0)
			return 0;
	return 2;
}

typedef struct sheet {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *header, *text, *amount[2]; /* amount[0]: no decimals, [1]: two */
	lxw_row_t row;
	int ncols;
} sheet;

static lxw_format *
amount_format(sheet *s, const char *cur)
{
	return s->amount[xlsxexport_decimals(cur) == 0 ? 0 : 1];
}

static void
put_text(sheet *s, int col, const char *v)
{
	if (v != NULL && col < s->ncols)
		worksheet_write_string(s->ws, s->row, (lxw_col_t)col, v, s->text);
}

static bool
put_amount(sheet *s, int col, const char *v, const char *cur, double *out)
{
	char *end;
	double d;

	if (v == NULL || *v == '\0')
		return false;
	d = strtod(v, &end);
	if (*end != '\0')
		return false;
	worksheet_write_number(s->ws, s->row, (lxw_col_t)col, d, amount_format(s, cur));
	if (out != NULL)
		*out = d;
	return true;
}

static const export_response_item *
answer_of(const export_response *r, const char *item_id)
{
	for (size_t i = 0; r != NULL && item_id != NULL && i < r->nitems; i++)
		if (strcmp(r->items[i].item_id, item_id) == 0)
			return &r->items[i];
	return NULL;
}

static void
put_item(sheet *s, const export_confirmation *ec, size_t i, const confexport_work *w)
{
	const import_item *it = &ec->c->items[i];
	const export_response *r = ec->nresponses > 0 ? &ec->responses[ec->nresponses - 1] : NULL;
	const export_response_item *ans = answer_of(r, ec->item_ids ? ec->item_ids[i] : NULL);
	double req = 0, got = 0;
	bool have_req, have_got = false;

	put_text(s, COL_REFERENCE, ec->reference);
	put_text(s, COL_STATUS, ec->status);
	put_text(s, COL_TYPE, ec->c->type);
	put_text(s, COL_RESPONDENT, ec->c->respondent_org);
	put_text(s, COL_AS_OF, ec->c->as_of);
	put_text(s, COL_ITEM, it->label);
	put_text(s, COL_CURRENCY, it->currency);
	have_req = put_amount(s, COL_REQUESTED, it->amount, it->currency, &req);
	if (ans != NULL) {
		/* An agreeing answer confirms the requested amount. */
		const char *v = ans->agrees ? it->amount : ans->amount;

		have_got = put_amount(s, COL_ANSWERED, v, it->currency, &got);
		put_text(s, COL_AGREES, ans->agrees ? "はい yes" : "いいえ no");
	}
	if (have_req && have_got)
		worksheet_write_number(s->ws, s->row, COL_DIFFERENCE, got - req,
		    amount_format(s, it->currency));
	if (r != NULL)
		put_text(s, COL_SEAL, r->seal);
	if (w != NULL) {
		put_text(s, COL_REVIEW, w->review_result);
		put_text(s, COL_REVIEW_NOTE, w->review_note);
		put_text(s, COL_RECONCILING, w->reconciling);
		put_text(s, COL_ADDRESS_CHECK, w->address_check);
		put_text(s, COL_ALTERNATIVE, w->alternative_procedures);
	}
	s->row++;
}

static bgw_err
build(const confexport_set *set, const confexport_work *work, const char *path)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
	sheet s = {.ncols = work != NULL ? COL__COUNT : COL_REVIEW, .row = 1};

	if ((s.wb = workbook_new_opt(path, &opt)) == NULL)
		return BGW_E_IO;
	s.ws = workbook_add_worksheet(s.wb, XLSXEXPORT_SHEET);
	s.header = workbook_add_format(s.wb);
	s.text = workbook_add_format(s.wb);
	s.amount[0] = workbook_add_format(s.wb);
	s.amount[1] = workbook_add_format(s.wb);
	if (s.ws == NULL || s.header == NULL || s.text == NULL || s.amount[0] == NULL ||
	    s.amount[1] == NULL) {
		workbook_close(s.wb);
		return BGW_E_NOMEM;
	}
	format_set_bold(s.header);
	format_set_bg_color(s.header, 0xDDEBF7);
	format_set_bottom(s.header, LXW_BORDER_THIN);
	format_set_num_format(s.amount[0], "#,##0;[Red]-#,##0");
	format_set_num_format(s.amount[1], "#,##0.00;[Red]-#,##0.00");
	/* Constant-memory mode writes rows in order: the header first. */
	for (int c = 0; c < s.ncols; c++) {
		worksheet_set_column(s.ws, (lxw_col_t)c, (lxw_col_t)c, columns[c].width, NULL);
		worksheet_write_string(s.ws, 0, (lxw_col_t)c, columns[c].title, s.header);
	}
	for (size_t i = 0; i < set->n; i++)
		for (size_t j = 0; j < set->list[i].c->nitems; j++)
			put_item(&s, &set->list[i], j, work != NULL ? &work[i] : NULL);
	worksheet_freeze_panes(s.ws, 1, 1);
	worksheet_autofilter(s.ws, 0, 0, s.row > 1 ? s.row - 1 : 1, (lxw_col_t)(s.ncols - 1));
	return workbook_close(s.wb) == LXW_NO_ERROR ? BGW_OK : BGW_E_IO;
}

static bgw_err
copy_out(int fd, bgw_sink sink, void *ud)
{
	char buf[COPY_BUF];
	ssize_t n;
	bgw_err err;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return BGW_E_IO;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return BGW_E_IO;
		}
		if ((err = sink(ud, buf, (size_t)n)) != BGW_OK)
			return err;
	}
	return BGW_OK;
}

bgw_err
xlsxexport_write(bgw_arena *a, const confexport_set *set, const confexport_work *work,
    const char *tmpdir, bgw_sink sink, void *ud)
{
	const char *dir = tmpdir != NULL ? tmpdir : getenv("TMPDIR");
	char *path;
	int fd;
	bgw_err err;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	/* No name: whatever happens to this process, nothing is left on disk. */
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) < 0)
		return BGW_E_IO;
	if ((path = bgw_arena_printf(a, "/proc/self/fd/%d", fd)) == NULL)
		err = BGW_E_NOMEM;
	else if ((err = build(set, work, path)) == BGW_OK)
		err = copy_out(fd, sink, ud);
	close(fd);
	return err;
}
