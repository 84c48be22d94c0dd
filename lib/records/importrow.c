/* importrow.c - header mapping, value checks and grouping of tabular import rows. */
#include "records/importrow.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "flow/workflow.h"

/* Initial capacities; arrays double as they fill. */
#define INITIAL_CONFIRMATIONS 64
#define INITIAL_ITEMS 128
/* Open-addressing table of group values seen: a power of two at least twice the most
 * confirmations, so probing stays short and never fills. */
#define GROUP_SLOTS 32768u

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

/* Header names: canonical English first.  Japanese aliases are the words of the template. */
static const struct {
	import_col col;
	const char *names[5];
} header_names[] = {
	{IMPORT_COL_GROUP, {"group", "グループ", "確認状番号", NULL}},
	{IMPORT_COL_TYPE, {"type", "種類", "確認状の種類", NULL}},
	{IMPORT_COL_FORM, {"form", "様式", "形式", NULL}},
	{IMPORT_COL_RESPONDENT_ORG,
	    {"respondent_organization", "respondent_org", "回答者組織", "確認先", NULL}},
	{IMPORT_COL_RESPONDENT_EMAIL, {"respondent_email", "回答者メール", "メールアドレス", NULL}},
	{IMPORT_COL_RESPONDENT_NAME, {"respondent_name", "回答者名", "回答者氏名", NULL}},
	{IMPORT_COL_AS_OF, {"as_of", "基準日", NULL}},
	{IMPORT_COL_DUE_DATE, {"due_date", "回答期限", NULL}},
	{IMPORT_COL_LABEL, {"label", "科目", "項目", NULL}},
	{IMPORT_COL_REFERENCE, {"reference", "参照番号", "口座番号", NULL}},
	{IMPORT_COL_CURRENCY, {"currency", "通貨", NULL}},
	{IMPORT_COL_AMOUNT, {"amount", "金額", NULL}},
	{IMPORT_COL_RESPONDENT_LOCALE, {"respondent_locale", "回答者言語", "言語", NULL}},
};

/* The columns of a confirmation (taken from its group's first row), as against its items'. */
static const import_col conf_cols[] = {IMPORT_COL_TYPE, IMPORT_COL_FORM,
	IMPORT_COL_RESPONDENT_ORG, IMPORT_COL_RESPONDENT_EMAIL, IMPORT_COL_RESPONDENT_NAME,
	IMPORT_COL_AS_OF, IMPORT_COL_DUE_DATE, IMPORT_COL_RESPONDENT_LOCALE};
#define CONF_COLS (sizeof(conf_cols) / sizeof(conf_cols[0]))

/* The addressee's languages and the Japanese words for them. */
static const char *const locale_values[] = {"ja", "en", NULL};
static const char *const locale_aliases[] = {"日本語", "英語", NULL};

/* Columns an export writes that an import ignores (plus every "response_..." column). */
static const char *const export_only[] = {
	"confirmation_id", "confirmation_reference", "status", "item_id",
};
#define EXPORT_RESPONSE_PREFIX "response_"

/* The Japanese words a sheet may use for a type or form, by the workflow table's value
 * (the names themselves come from flow/workflow.h). */
static const char *const type_aliases[WF_TYPE__COUNT] = {
	[WF_TYPE_BANK] = "銀行", [WF_TYPE_RECEIVABLE] = "売掛金", [WF_TYPE_PAYABLE] = "買掛金",
	[WF_TYPE_SECURITIES] = "有価証券", [WF_TYPE_LEGAL] = "弁護士", [WF_TYPE_OTHER] = "その他",
};
static const char *const form_aliases[WF_FORM__COUNT] = {
	[WF_FORM_POSITIVE] = "積極的", [WF_FORM_BLANK] = "白紙", [WF_FORM_NEGATIVE] = "消極的",
};

/* A column index of the header maps to a field, to an ignored export column, or (empty
 * header cell) to nothing, where any value is an error. */
#define MAP_EMPTY (-2)

struct import_builder {
	bgw_arena *a;
	import_result *out;
	bool have_header;
	bool header_ok;                /* without it rows are not checked: the errors would be noise */
	int map[IMPORT_MAX_COLUMNS];   /* import_col, IMPORT_COL_NONE, or MAP_EMPTY */
	size_t ncols;
	size_t cap_conf, cap_start, cap_items;
	size_t *item_start;            /* per confirmation: its first item's index */
	import_item *items;            /* all items, in row order: a group's are contiguous */
	/* the current group, and the normalised confirmation values of its first row */
	const char *group;
	const char *first[IMPORT_COL__COUNT];
	const char **groups;           /* GROUP_SLOTS slots */
};

const char *
import_col_name(import_col c)
{
	if (c < 0 || c >= IMPORT_COL__COUNT)
		return NULL;
	return header_names[c].names[0];
}

bgw_err
import_error_add(bgw_arena *a, import_result *r, int row, const char *column,
    const char *message)
{
	import_error *e;

	if (r->errors_truncated)
		return BGW_OK;
	if (r->errors == NULL) {
		r->errors = bgw_arena_calloc(a, IMPORT_MAX_ERRORS + 1, sizeof(*r->errors));
		if (r->errors == NULL)
			return BGW_E_NOMEM;
	}
	e = &r->errors[r->nerrors];
	if (r->nerrors == IMPORT_MAX_ERRORS) {
		r->errors_truncated = true;
		e->row = 0;
		e->column = NULL;
		e->message = "too many errors: the list stops here";
		r->nerrors++;
		return BGW_OK;
	}
	e->row = row;
	e->column = column;
	e->message = bgw_arena_strdup(a, message);
	if (e->message == NULL)
		return BGW_E_NOMEM;
	r->nerrors++;
	return BGW_OK;
}

/* --- value checks ------------------------------------------------------------------- */

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim ASCII white space and U+3000 IDEOGRAPHIC SPACE (Japanese input) from both ends. */
static void
trim(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t len = *n;

	for (;;) {
		if (len > 0 && is_space(p[0])) {
			p++, len--;
		} else if (len >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3, len -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (len > 0 && is_space(p[len - 1])) {
			len--;
		} else if (len >= 3 && p[len - 3] == 0xE3 && p[len - 2] == 0x80 &&
		    p[len - 1] == 0x80) {
			len -= 3;
		} else {
			break;
		}
	}
	*s = (const char *)p;
	*n = len;
}

/* Undo the CSV writer's formula neutralisation: one apostrophe before = + - @ TAB CR, or
 * before another such apostrophe (see csv.h). */
static void
unneutralise(const char **s, size_t *n)
{
	const char *p = *s;

	if (*n >= 2 && p[0] == '\'' &&
	    (strchr("=+-@\t\r", p[1]) != NULL ||
	    (p[1] == '\'' && *n >= 3 && strchr("=+-@\t\r", p[2]) != NULL))) {
		(*s)++;
		(*n)--;
	}
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
import_amount_valid(const char *s)
{
	const char *dot;
	size_t n = strlen(s);

	if (n > 0 && s[0] == '-')
		s++, n--;
	dot = memchr(s, '.', n);
	if (dot == NULL)
		return n >= 1 && n <= IMPORT_AMOUNT_INT_DIGITS && all_digits(s, n);
	return dot > s && (size_t)(dot - s) <= IMPORT_AMOUNT_INT_DIGITS &&
	    all_digits(s, (size_t)(dot - s)) && n - (size_t)(dot - s) - 1 >= 1 &&
	    n - (size_t)(dot - s) - 1 <= IMPORT_AMOUNT_FRAC_DIGITS &&
	    all_digits(dot + 1, n - (size_t)(dot - s) - 1);
}

static int
days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Parse 1..max digits at s[*i]; -1 if none. */
static int
digits(const char *s, size_t n, size_t *i, size_t min, size_t max)
{
	int v = 0;
	size_t k = 0;

	while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++, k++;
	}
	return k >= min ? v : -1;
}

/* Years accepted: wide enough for any audit, narrow enough that the text is always
 * YYYY-MM-DD. */
#define DATE_YEAR_MIN 1900
#define DATE_YEAR_MAX 9999

/* YYYY-MM-DD, or YYYY/M/D (Japanese Excel's CSV), into out[11]; false if not a date. */
static bool
parse_date(const char *s, size_t n, char out[11])
{
	size_t i = 0;
	int y, m, d;
	char sep;

	y = digits(s, n, &i, 4, 4);
	if (y < 0 || i >= n || (s[i] != '-' && s[i] != '/'))
		return false;
	sep = s[i++];
	m = sep == '-' ? digits(s, n, &i, 2, 2) : digits(s, n, &i, 1, 2);
	if (m < 0 || i >= n || s[i++] != sep)
		return false;
	d = sep == '-' ? digits(s, n, &i, 2, 2) : digits(s, n, &i, 1, 2);
	if (d < 0 || i != n)
		return false;
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return false;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return true;
}

bool
import_date_valid(const char *s)
{
	char buf[11];
	size_t n = strlen(s);

	return n == 10 && s[4] == '-' && parse_date(s, n, buf);
}

/* A plain address check: the database checks length and '@'; we also refuse what cannot
 * be mailed (spaces, quotes, no dot in the domain) so the error comes with its row. */
static bool
email_valid(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t i, local;
	bool dot = false;

	if (at == NULL || memchr(at + 1, '@', n - (size_t)(at - s) - 1) != NULL)
		return false;
	local = (size_t)(at - s);
	if (local < 1 || local > 64 || n - local - 1 < 3)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
		    c == ';' || c == '<' || c == '>' || c == '[' || c == '\\' || c == ']' ||
		    c == 0x7F)
			return false;
		if (i > local && c == '.')
			dot = true;
	}
	return dot && at[1] != '.' && s[n - 1] != '.';
}

static const char *
enum_value(const char *s, size_t n, bool type)
{
	const char *const *values = type ? wf_type_names : wf_form_names;
	const char *const *aliases = type ? type_aliases : form_aliases;

	for (size_t i = 0; values[i] != NULL; i++) {
		const char *v = values[i];
		const char *al = aliases[i];

		if ((strlen(v) == n && strncasecmp(v, s, n) == 0) ||
		    (strlen(al) == n && memcmp(al, s, n) == 0))
			return v;
	}
	return NULL;
}

/* Check one trimmed value of column col; on success *out is its normalised arena copy
 * (NULL for an empty optional value).  Returns NULL or a static error message; *nomem set
 * when out of memory. */
static const char *
check_value(bgw_arena *a, import_col col, const char *s, size_t n, const char **out,
    bool *nomem)
{
	char date[11], cur[4];
	const char *v = NULL;
	size_t cps;

	*out = NULL;
	if (n == 0) {
		if (col == IMPORT_COL_REFERENCE || col == IMPORT_COL_AMOUNT ||
		    col == IMPORT_COL_RESPONDENT_LOCALE)
			return NULL;
		return "required";
	}
	if (n > IMPORT_MAX_FIELD_BYTES)
		return "too long";
	if (!utf8_valid_text(s, n))
		return "not valid UTF-8 text";
	if (memchr(s, '\n', n) != NULL || memchr(s, '\r', n) != NULL || memchr(s, '\t', n))
		return "must be one line";
	cps = utf8_count(s, n);
	switch (col) {
	case IMPORT_COL_GROUP:
		if (cps > IMPORT_GROUP_MAX)
			return "too long (at most 100 characters)";
		break;
	case IMPORT_COL_TYPE:
		if ((v = enum_value(s, n, true)) == NULL)
			return "must be one of bank, receivable, payable, securities, legal, other";
		break;
	case IMPORT_COL_FORM:
		if ((v = enum_value(s, n, false)) == NULL)
			return "must be one of positive, blank, negative";
		break;
	case IMPORT_COL_RESPONDENT_ORG:
	case IMPORT_COL_RESPONDENT_NAME:
	case IMPORT_COL_LABEL:
		if (cps > IMPORT_NAME_MAX)
			return "too long (at most 200 characters)";
		break;
	case IMPORT_COL_RESPONDENT_EMAIL:
		if (cps < IMPORT_EMAIL_MIN || cps > IMPORT_EMAIL_MAX || !email_valid(s, n))
			return "not a valid e-mail address";
		break;
	case IMPORT_COL_AS_OF:
	case IMPORT_COL_DUE_DATE:
		if (!parse_date(s, n, date))
			return "not a date (YYYY-MM-DD)";
		v = date;
		break;
	case IMPORT_COL_REFERENCE:
		if (cps > IMPORT_REFERENCE_MAX)
			return "too long (at most 100 characters)";
		break;
	case IMPORT_COL_CURRENCY: {
		size_t i;

		if (n != 3)
			return "not an ISO 4217 currency code";
		for (i = 0; i < 3; i++) {
			char c = s[i];

			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (c < 'A' || c > 'Z')
				return "not an ISO 4217 currency code";
			cur[i] = c;
		}
		cur[3] = '\0';
		v = cur;
		break;
	}
	case IMPORT_COL_AMOUNT: {
		char tmp[IMPORT_AMOUNT_INT_DIGITS + IMPORT_AMOUNT_FRAC_DIGITS + 3];

		if (n >= sizeof(tmp))
			return "not a decimal amount (at most 18 digits and 4 decimals)";
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		if (!import_amount_valid(tmp))
			return "not a decimal amount (at most 18 digits and 4 decimals)";
		break;
	}
	case IMPORT_COL_RESPONDENT_LOCALE:
		for (size_t i = 0; v == NULL && locale_values[i] != NULL; i++)
			if ((n == 2 && strncasecmp(s, locale_values[i], 2) == 0) ||
			    (strlen(locale_aliases[i]) == n && memcmp(locale_aliases[i], s, n) == 0))
				v = locale_values[i];
		if (v == NULL)
			return "must be ja or en";
		break;
	default:
		return "unknown column";
	}
	*out = v != NULL ? bgw_arena_strdup(a, v) : bgw_arena_strndup(a, s, n);
	if (*out == NULL)
		*nomem = true;
	return NULL;
}

/* --- the builder -------------------------------------------------------------------- */

bgw_err
import_builder_new(bgw_arena *a, import_result *out, import_builder **bp)
{
	import_builder *b;

	memset(out, 0, sizeof(*out));
	*bp = NULL;
	b = bgw_arena_alloc(a, sizeof(*b));
	if (b == NULL)
		return BGW_E_NOMEM;
	b->a = a;
	b->out = out;
	*bp = b;
	return BGW_OK;
}

static bool
header_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

static int
header_lookup(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < sizeof(header_names) / sizeof(header_names[0]); i++)
		for (k = 0; header_names[i].names[k] != NULL; k++)
			if (header_is(s, n, header_names[i].names[k]))
				return header_names[i].col;
	for (i = 0; i < sizeof(export_only) / sizeof(export_only[0]); i++)
		if (header_is(s, n, export_only[i]))
			return IMPORT_COL_NONE;
	if (n > strlen(EXPORT_RESPONSE_PREFIX) &&
	    strncasecmp(s, EXPORT_RESPONSE_PREFIX, strlen(EXPORT_RESPONSE_PREFIX)) == 0)
		return IMPORT_COL_NONE;
	return MAP_EMPTY - 1; /* unknown */
}

bgw_err
import_builder_header(import_builder *b, int row, const import_cell *cells, size_t n)
{
	bool seen[IMPORT_COL__COUNT] = {false};
	bgw_err e;
	size_t i;
	int c;

	if (b->have_header)
		return BGW_E_INTERNAL;
	b->have_header = true;
	while (n > 0) { /* trailing empty header cells name nothing */
		const char *s = cells[n - 1].s;
		size_t len = cells[n - 1].n;

		trim(&s, &len);
		if (len > 0)
			break;
		n--;
	}
	if (n > IMPORT_MAX_COLUMNS) {
		n = IMPORT_MAX_COLUMNS;
		if ((e = import_error_add(b->a, b->out, row, NULL, "too many columns")) != BGW_OK)
			return e;
	}
	b->ncols = n;
	for (i = 0; i < n; i++) {
		const char *s = cells[i].s;
		size_t len = cells[i].n;
		char msg[96];

		trim(&s, &len);
		if (len == 0) {
			b->map[i] = MAP_EMPTY;
			continue;
		}
		c = utf8_valid_text(s, len) ? header_lookup(s, len) : MAP_EMPTY - 1;
		if (c == MAP_EMPTY - 1) {
			b->map[i] = MAP_EMPTY;
			snprintf(msg, sizeof(msg), "unknown column %zu in the header", i + 1);
			if ((e = import_error_add(b->a, b->out, row, NULL, msg)) != BGW_OK)
				return e;
			continue;
		}
		b->map[i] = c;
		if (c == IMPORT_COL_NONE)
			continue;
		if (seen[c]) {
			if ((e = import_error_add(b->a, b->out, row, import_col_name(c),
			    "column given twice")) != BGW_OK)
				return e;
			b->map[i] = MAP_EMPTY;
		}
		seen[c] = true;
	}
	for (c = 0; c < IMPORT_COL__COUNT; c++) {
		if (seen[c] || c == IMPORT_COL_REFERENCE || c == IMPORT_COL_AMOUNT ||
		    c == IMPORT_COL_RESPONDENT_LOCALE)
			continue;
		if ((e = import_error_add(b->a, b->out, row, import_col_name(c),
		    "required column missing from the header")) != BGW_OK)
			return e;
	}
	b->header_ok = b->out->nerrors == 0;
	return BGW_OK;
}

import_col
import_builder_column(const import_builder *b, size_t col)
{
	if (!b->have_header || col >= b->ncols || b->map[col] < 0)
		return IMPORT_COL_NONE;
	return (import_col)b->map[col];
}

static uint32_t
fnv(const char *s)
{
	uint32_t h = FNV_OFFSET;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= FNV_PRIME;
	}
	return h;
}

/* Remember group g; false if it was seen before.  *nomem on allocation failure. */
static bool
group_insert(import_builder *b, const char *g, bool *nomem)
{
	uint32_t i;

	if (b->groups == NULL) {
		b->groups = bgw_arena_calloc(b->a, GROUP_SLOTS, sizeof(*b->groups));
		if (b->groups == NULL) {
			*nomem = true;
			return true;
		}
	}
	for (i = fnv(g) & (GROUP_SLOTS - 1); b->groups[i] != NULL; i = (i + 1) & (GROUP_SLOTS - 1))
		if (strcmp(b->groups[i], g) == 0)
			return false;
	b->groups[i] = g;
	return true;
}

static bgw_err
grow(bgw_arena *a, void **arr, size_t *cap, size_t need, size_t size, size_t initial)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return BGW_OK;
	ncap = *cap == 0 ? initial : *cap * 2;
	while (ncap < need)
		ncap *= 2;
	p = bgw_arena_calloc(a, ncap, size);
	if (p == NULL)
		return BGW_E_NOMEM;
	if (*arr != NULL)
		memcpy(p, *arr, *cap * size);
	*arr = p;
	*cap = ncap;
	return BGW_OK;
}

#define TRY(x) do { bgw_err e_ = (x); if (e_ != BGW_OK) return e_; } while (0)

static bgw_err
row_error(import_builder *b, int row, import_col col, const char *msg)
{
	return import_error_add(b->a, b->out, row, import_col_name(col), msg);
}

bgw_err
import_builder_row(import_builder *b, int row, const import_cell *cells, size_t n)
{
	const char *v[IMPORT_COL__COUNT] = {NULL};
	size_t vn[IMPORT_COL__COUNT] = {0};
	const char *norm[IMPORT_COL__COUNT] = {NULL};
	import_result *r = b->out;
	import_confirmation *c;
	import_item *it;
	bool empty = true, nomem = false, stray = false, fresh, reused = false;
	size_t i;
	int k;

	if (!b->have_header)
		return BGW_E_INTERNAL;
	if (!b->header_ok)
		return BGW_OK;
	for (i = 0; i < n; i++) {
		const char *s = cells[i].s;
		size_t len = cells[i].n;
		int m = i < b->ncols ? b->map[i] : MAP_EMPTY;

		trim(&s, &len);
		if (len == 0)
			continue;
		empty = false;
		if (m == MAP_EMPTY)
			stray = true;
		if (m < 0)
			continue;
		unneutralise(&s, &len);
		v[m] = s;
		vn[m] = len;
	}
	if (empty)
		return BGW_OK;
	if (stray)
		TRY(row_error(b, row, IMPORT_COL_NONE, "a value in a column without a header"));

	if (vn[IMPORT_COL_GROUP] == 0) {
		TRY(row_error(b, row, IMPORT_COL_GROUP, "required"));
		fresh = true; /* each ungrouped row stands alone, so its errors are all reported */
	} else {
		const char *msg = check_value(b->a, IMPORT_COL_GROUP, v[IMPORT_COL_GROUP],
		    vn[IMPORT_COL_GROUP], &norm[IMPORT_COL_GROUP], &nomem);

		if (nomem)
			return BGW_E_NOMEM;
		if (msg != NULL) {
			TRY(row_error(b, row, IMPORT_COL_GROUP, msg));
			norm[IMPORT_COL_GROUP] = NULL;
			fresh = true;
		} else {
			fresh = b->group == NULL || strcmp(b->group, norm[IMPORT_COL_GROUP]) != 0;
			reused = fresh && !group_insert(b, norm[IMPORT_COL_GROUP], &nomem);
			if (reused)
				TRY(row_error(b, row, IMPORT_COL_GROUP,
				    "group used again after another group: keep a group's rows together"));
			if (nomem)
				return BGW_E_NOMEM;
		}
	}

	if (fresh) {
		if (r->nconfirmations == IMPORT_MAX_CONFIRMATIONS) {
			TRY(row_error(b, row, IMPORT_COL_NONE,
			    "too many confirmations (at most 10000)"));
			return BGW_E_TOO_LARGE;
		}
		TRY(grow(b->a, (void **)&r->confirmations, &b->cap_conf, r->nconfirmations + 1,
		    sizeof(*r->confirmations), INITIAL_CONFIRMATIONS));
		TRY(grow(b->a, (void **)&b->item_start, &b->cap_start, r->nconfirmations + 1,
		    sizeof(*b->item_start), INITIAL_CONFIRMATIONS));
		c = &r->confirmations[r->nconfirmations];
		c->row = row;
		b->item_start[r->nconfirmations] = r->nitems;
		r->nconfirmations++;
		b->group = norm[IMPORT_COL_GROUP];
		for (size_t ci = 0; ci < CONF_COLS; ci++) {
			const char *msg;

			k = conf_cols[ci];
			msg = check_value(b->a, (import_col)k, v[k], vn[k], &norm[k], &nomem);

			if (nomem)
				return BGW_E_NOMEM;
			/* a stray row of an earlier group has already been reported as such */
			if (msg != NULL && !reused)
				TRY(row_error(b, row, (import_col)k, msg));
			/* later rows are compared with the text as written, trimmed */
			b->first[k] = vn[k] > 0 ? bgw_arena_strndup(b->a, v[k], vn[k]) : "";
			if (b->first[k] == NULL)
				return BGW_E_NOMEM;
		}
		c->type = norm[IMPORT_COL_TYPE];
		c->form = norm[IMPORT_COL_FORM];
		c->respondent_org = norm[IMPORT_COL_RESPONDENT_ORG];
		c->respondent_email = norm[IMPORT_COL_RESPONDENT_EMAIL];
		c->respondent_name = norm[IMPORT_COL_RESPONDENT_NAME];
		c->as_of = norm[IMPORT_COL_AS_OF];
		c->due_date = norm[IMPORT_COL_DUE_DATE];
		c->respondent_locale = norm[IMPORT_COL_RESPONDENT_LOCALE];
		if (c->as_of != NULL && c->due_date != NULL && strcmp(c->due_date, c->as_of) < 0)
			TRY(row_error(b, row, IMPORT_COL_DUE_DATE, "before the as-of date"));
	} else {
		for (size_t ci = 0; ci < CONF_COLS; ci++) {
			k = conf_cols[ci];
			if (vn[k] == 0)
				continue;
			if (strlen(b->first[k]) != vn[k] || memcmp(b->first[k], v[k], vn[k]) != 0)
				TRY(row_error(b, row, (import_col)k,
				    "differs from the first row of its group"));
		}
	}

	if (r->nitems == IMPORT_MAX_ITEMS) {
		TRY(row_error(b, row, IMPORT_COL_NONE, "too many item rows (at most 100000)"));
		return BGW_E_TOO_LARGE;
	}
	TRY(grow(b->a, (void **)&b->items, &b->cap_items, r->nitems + 1, sizeof(*b->items),
	    INITIAL_ITEMS));
	it = &b->items[r->nitems++];
	it->row = row;
	for (k = IMPORT_COL_LABEL; k <= IMPORT_COL_AMOUNT; k++) {
		const char *msg = check_value(b->a, (import_col)k, v[k], vn[k], &norm[k], &nomem);

		if (nomem)
			return BGW_E_NOMEM;
		if (msg != NULL)
			TRY(row_error(b, row, (import_col)k, msg));
	}
	it->label = norm[IMPORT_COL_LABEL];
	it->reference = norm[IMPORT_COL_REFERENCE];
	it->currency = norm[IMPORT_COL_CURRENCY];
	it->amount = norm[IMPORT_COL_AMOUNT];
	return BGW_OK;
}

bgw_err
import_builder_finish(import_builder *b)
{
	import_result *r = b->out;
	size_t i;

	if (!b->have_header)
		TRY(import_error_add(b->a, r, 0, NULL, "empty file: no header row"));
	else if (r->nconfirmations == 0 && r->nerrors == 0)
		TRY(import_error_add(b->a, r, 0, NULL, "no confirmations in the file"));
	/* the items array has stopped moving: point each confirmation at its own */
	for (i = 0; i < r->nconfirmations; i++) {
		size_t end = i + 1 < r->nconfirmations ? b->item_start[i + 1] : r->nitems;

		r->confirmations[i].items = b->items + b->item_start[i];
		r->confirmations[i].nitems = end - b->item_start[i];
	}
	return r->nerrors > 0 ? BGW_E_VALIDATION : BGW_OK;
}

/* --- non-tabular input -------------------------------------------------------------- */

/* Check and normalise one value in place: *p is replaced by its normalised copy. */
static bgw_err
check_field(bgw_arena *a, import_result *r, int row, import_col col, const char **p)
{
	const char *s = *p != NULL ? *p : "", *norm;
	size_t n = strlen(s);
	bool nomem = false;
	const char *msg;

	trim(&s, &n);
	msg = check_value(a, col, s, n, &norm, &nomem);
	if (nomem)
		return BGW_E_NOMEM;
	*p = norm;
	if (msg != NULL)
		return import_error_add(a, r, row, import_col_name(col), msg);
	return BGW_OK;
}

bgw_err
import_check_confirmation(bgw_arena *a, import_result *r, import_confirmation *c)
{
	size_t i;

	TRY(check_field(a, r, c->row, IMPORT_COL_TYPE, &c->type));
	TRY(check_field(a, r, c->row, IMPORT_COL_FORM, &c->form));
	TRY(check_field(a, r, c->row, IMPORT_COL_RESPONDENT_ORG, &c->respondent_org));
	TRY(check_field(a, r, c->row, IMPORT_COL_RESPONDENT_EMAIL, &c->respondent_email));
	TRY(check_field(a, r, c->row, IMPORT_COL_RESPONDENT_NAME, &c->respondent_name));
	TRY(check_field(a, r, c->row, IMPORT_COL_AS_OF, &c->as_of));
	TRY(check_field(a, r, c->row, IMPORT_COL_DUE_DATE, &c->due_date));
	if (c->as_of != NULL && c->due_date != NULL && strcmp(c->due_date, c->as_of) < 0)
		TRY(import_error_add(a, r, c->row, "due_date", "before the as-of date"));
	if (c->nitems == 0)
		TRY(import_error_add(a, r, c->row, "items", "at least one item is required"));
	for (i = 0; i < c->nitems; i++) {
		import_item *it = &c->items[i];

		TRY(check_field(a, r, it->row, IMPORT_COL_LABEL, &it->label));
		TRY(check_field(a, r, it->row, IMPORT_COL_REFERENCE, &it->reference));
		TRY(check_field(a, r, it->row, IMPORT_COL_CURRENCY, &it->currency));
		TRY(check_field(a, r, it->row, IMPORT_COL_AMOUNT, &it->amount));
	}
	return BGW_OK;
}
