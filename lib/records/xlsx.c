/* xlsx.c - read the first worksheet of an .xlsx with libzip and libxml2 SAX into the row model. */
#include "records/xlsx.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <zip.h>

#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
#define SHEET_FALLBACK "xl/worksheets/sheet1.xml"
#define PATH_MAX_LEN 256
#define RID_MAX 64
#define INITIAL_STRINGS 256

/* --- the archive -------------------------------------------------------------------- */

struct archive {
	zip_t *za;
	size_t total;   /* bytes read so far, all entries */
};

struct ctx {
	bgw_arena *a;
	import_result *out;
	struct archive ar;
	/* workbook */
	bool date1904;
	char rid[RID_MAX];          /* r:id of the first sheet */
	char sheet_path[PATH_MAX_LEN];
	/* shared strings */
	const char **strings;
	size_t nstrings, cap_strings;
	/* parse state, per part */
	xmlParserCtxtPtr pctxt;
	bgw_err err;                /* set by a callback, stops the parse */
	bool dtd;
	int depth;
	bool in_text;               /* inside a <t> whose text counts */
	int rph_depth;              /* > 0 inside <rPh>: phonetic text, skipped */
	char *text;                 /* IMPORT_MAX_FIELD_BYTES + 1: the current string */
	size_t ntext;
	bool text_long;
	/* worksheet */
	const xlsx_rows *sink;
	bool have_header;
	int row;                    /* current sheet row, 1-based */
	int last_row;
	long col;                   /* current cell's column, 0-based */
	long last_col;
	char ctype[16];             /* the current cell's t attribute */
	bool in_value;              /* <v> or <is><t> */
	bool in_row;
	char *rowbuf;               /* IMPORT_MAX_ROW_BYTES */
	size_t rowlen;
	import_cell cells[IMPORT_MAX_COLUMNS];
	size_t ncells;
	bool row_has_value;
	bool row_error_beyond;
};

/* Record a fatal error (first one wins) and stop the current parse. */
static void
stop(struct ctx *c, bgw_err e, int row, const char *msg)
{
	if (c->err != BGW_OK)
		return;
	c->err = e;
	if (msg != NULL && import_error_add(c->a, c->out, row, NULL, msg) != BGW_OK)
		c->err = BGW_E_NOMEM;
	if (c->pctxt != NULL)
		xmlStopParser(c->pctxt);
}

/* Read entry name into a malloc'd buffer (*data, *len; NUL-terminated).  Returns BGW_OK,
 * BGW_E_NOT_FOUND if there is no such entry (nothing recorded), or an error recorded. */
static bgw_err
read_entry(struct ctx *c, const char *name, char **data, size_t *len)
{
	zip_stat_t st;
	zip_file_t *f;
	zip_int64_t idx, got;
	size_t size, off = 0;
	char *buf;

	*data = NULL;
	*len = 0;
	idx = zip_name_locate(c->ar.za, name, 0);
	if (idx < 0)
		return BGW_E_NOT_FOUND;
	zip_stat_init(&st);
	if (zip_stat_index(c->ar.za, (zip_uint64_t)idx, 0, &st) != 0 ||
	    !(st.valid & ZIP_STAT_SIZE)) {
		stop(c, BGW_E_BAD_REQUEST, 0, "not a readable xlsx file");
		return c->err;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
		stop(c, BGW_E_BAD_REQUEST, 0, "encrypted xlsx files are not accepted");
		return c->err;
	}
	if (st.size > XLSX_MAX_ENTRY_BYTES || st.size > XLSX_MAX_TOTAL_BYTES - c->ar.total) {
		stop(c, BGW_E_TOO_LARGE, 0, "xlsx content too large");
		return c->err;
	}
	size = (size_t)st.size;
	c->ar.total += size;
	buf = malloc(size + 2);
	if (buf == NULL) {
		stop(c, BGW_E_NOMEM, 0, NULL);
		return c->err;
	}
	f = zip_fopen_index(c->ar.za, (zip_uint64_t)idx, 0);
	if (f == NULL) {
		free(buf);
		stop(c, BGW_E_BAD_REQUEST, 0, "not a readable xlsx file");
		return c->err;
	}
	/* one byte more than declared: more data means the header lied */
	while (off < size + 1) {
		got = zip_fread(f, buf + off, size + 1 - off);
		if (got <= 0)
			break;
		off += (size_t)got;
	}
	if (zip_fclose(f) != 0 || got < 0 || off != size) {
		free(buf);
		stop(c, BGW_E_BAD_REQUEST, 0, "corrupt xlsx file");
		return c->err;
	}
	buf[size] = '\0';
	*data = buf;
	*len = size;
	return BGW_OK;
}

/* --- SAX plumbing ------------------------------------------------------------------- */

static void
refuse_dtd(void *ud, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
	struct ctx *c = ud;

	(void)name, (void)eid, (void)sid;
	c->dtd = true;
	stop(c, BGW_E_BAD_REQUEST, 0, "a DOCTYPE is not accepted in an xlsx part");
}

static void
sax_error(void *ud, xmlErrorPtr err)
{
	(void)ud, (void)err; /* wellFormed says it; the message is not for users */
}

/* Parse one XML part with handler h (startElementNs, endElementNs, characters); returns
 * BGW_OK or the recorded error. */
static bgw_err
parse_part(struct ctx *c, const char *buf, size_t n, xmlSAXHandler *h, const char *what)
{
	xmlParserCtxtPtr p;
	xmlSAXHandlerPtr saved;
	bool ok;

	if (n > INT_MAX) {
		stop(c, BGW_E_TOO_LARGE, 0, "xlsx content too large");
		return c->err;
	}
	h->initialized = XML_SAX2_MAGIC;
	h->internalSubset = refuse_dtd;
	h->serror = sax_error;
	p = xmlCreateMemoryParserCtxt(buf, (int)n);
	if (p == NULL) {
		stop(c, BGW_E_NOMEM, 0, NULL);
		return c->err;
	}
	xmlCtxtUseOptions(p, PARSE_OPTIONS);
	saved = p->sax;
	p->sax = h;
	p->userData = c;
	c->pctxt = p;
	c->depth = 0;
	xmlParseDocument(p);
	ok = p->wellFormed;
	p->sax = saved;
	c->pctxt = NULL;
	if (p->myDoc != NULL)
		xmlFreeDoc(p->myDoc);
	xmlFreeParserCtxt(p);
	if (c->err == BGW_OK && !ok)
		stop(c, BGW_E_BAD_REQUEST, 0, what);
	return c->err;
}

/* The value of attribute localname (any namespace if uri_part is NULL, else one whose URI
 * contains uri_part) as a NUL-terminated copy in out; false if absent or too long. */
static bool
attr(const xmlChar **attrs, int nattrs, const char *localname, const char *uri_part,
    char *out, size_t cap)
{
	int i;

	for (i = 0; i < nattrs; i++) {
		const xmlChar **at = attrs + i * 5;
		size_t len = (size_t)(at[4] - at[3]);

		if (strcmp((const char *)at[0], localname) != 0)
			continue;
		if (uri_part != NULL && (at[2] == NULL || strstr((const char *)at[2], uri_part) == NULL))
			continue;
		if (uri_part == NULL && at[2] != NULL)
			continue;
		if (len >= cap)
			return false;
		memcpy(out, at[3], len);
		out[len] = '\0';
		return true;
	}
	return false;
}

static bool
named(const xmlChar *name, const char *s)
{
	return strcmp((const char *)name, s) == 0;
}

/* Append text to the current string, keeping one byte past the field limit so that an
 * over-long value is still reported as too long. */
static void
text_add(struct ctx *c, const xmlChar *s, int len)
{
	size_t n = (size_t)len;

	if (c->ntext + n > IMPORT_MAX_FIELD_BYTES + 1) {
		n = IMPORT_MAX_FIELD_BYTES + 1 - c->ntext;
		c->text_long = true;
	}
	memcpy(c->text + c->ntext, s, n);
	c->ntext += n;
}

static void
characters(void *ud, const xmlChar *s, int len)
{
	struct ctx *c = ud;

	if (c->in_text && c->rph_depth == 0)
		text_add(c, s, len);
}

/* --- workbook and relationships ----------------------------------------------------- */

static void
workbook_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattrs, int ndef, const xmlChar **attrs)
{
	struct ctx *c = ud;
	char v[8];

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	if (named(name, "workbookPr") && attr(attrs, nattrs, "date1904", NULL, v, sizeof(v)))
		c->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	else if (named(name, "sheet") && c->rid[0] == '\0' &&
	    !attr(attrs, nattrs, "id", "relationships", c->rid, sizeof(c->rid)))
		c->rid[0] = '\0';
}

static void
rels_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattrs, int ndef, const xmlChar **attrs)
{
	struct ctx *c = ud;
	char id[RID_MAX], target[PATH_MAX_LEN];

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	if (!named(name, "Relationship") || c->sheet_path[0] != '\0' ||
	    !attr(attrs, nattrs, "Id", NULL, id, sizeof(id)) || strcmp(id, c->rid) != 0 ||
	    !attr(attrs, nattrs, "Target", NULL, target, sizeof(target)))
		return;
	/* relative to xl/, or absolute in the package; never outside it */
	if (strstr(target, "..") != NULL || strstr(target, "://") != NULL)
		return;
	if (target[0] == '/')
		snprintf(c->sheet_path, sizeof(c->sheet_path), "%s", target + 1);
	else if (strlen(target) + 3 < sizeof(c->sheet_path)) {
		memcpy(c->sheet_path, "xl/", 3);
		memcpy(c->sheet_path + 3, target, strlen(target) + 1);
	}
}

/* Find the first worksheet's path; the fallback when the workbook does not say. */
static bgw_err
find_sheet(struct ctx *c)
{
	xmlSAXHandler h;
	char *data;
	size_t len;
	bgw_err e;

	memset(&h, 0, sizeof(h));
	h.startElementNs = workbook_start;
	e = read_entry(c, "xl/workbook.xml", &data, &len);
	if (e == BGW_OK) {
		e = parse_part(c, data, len, &h, "malformed xlsx workbook");
		free(data);
	}
	if (e != BGW_OK && e != BGW_E_NOT_FOUND)
		return e;
	if (c->rid[0] != '\0') {
		memset(&h, 0, sizeof(h));
		h.startElementNs = rels_start;
		e = read_entry(c, "xl/_rels/workbook.xml.rels", &data, &len);
		if (e == BGW_OK) {
			e = parse_part(c, data, len, &h, "malformed xlsx relationships");
			free(data);
		}
		if (e != BGW_OK && e != BGW_E_NOT_FOUND)
			return e;
	}
	if (c->sheet_path[0] == '\0')
		snprintf(c->sheet_path, sizeof(c->sheet_path), "%s", SHEET_FALLBACK);
	return BGW_OK;
}

/* --- shared strings ----------------------------------------------------------------- */

static void
sst_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattrs, int ndef, const xmlChar **attrs)
{
	struct ctx *c = ud;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)nattrs, (void)ndef, (void)attrs;
	if (named(name, "si")) {
		c->ntext = 0;
		c->text_long = false;
	} else if (named(name, "rPh")) {
		c->rph_depth++;
	} else if (named(name, "t")) {
		c->in_text = true;
	}
}

static void
sst_end(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct ctx *c = ud;
	char *s;

	(void)prefix, (void)uri;
	if (named(name, "t")) {
		c->in_text = false;
	} else if (named(name, "rPh")) {
		c->rph_depth--;
	} else if (named(name, "si")) {
		if (c->nstrings == c->cap_strings) {
			size_t ncap = c->cap_strings == 0 ? INITIAL_STRINGS : c->cap_strings * 2;
			const char **p = bgw_arena_calloc(c->a, ncap, sizeof(*p));

			if (p == NULL) {
				stop(c, BGW_E_NOMEM, 0, NULL);
				return;
			}
			if (c->strings != NULL)
				memcpy(p, c->strings, c->nstrings * sizeof(*p));
			c->strings = p;
			c->cap_strings = ncap;
		}
		s = bgw_arena_strndup(c->a, c->text, c->ntext);
		if (s == NULL) {
			stop(c, BGW_E_NOMEM, 0, NULL);
			return;
		}
		c->strings[c->nstrings++] = s;
	}
}

/* --- the worksheet ------------------------------------------------------------------ */

/* "AA10" -> column 26 (0-based); -1 if malformed. */
static long
ref_column(const char *ref)
{
	long col = 0;
	size_t i;

	for (i = 0; ref[i] >= 'A' && ref[i] <= 'Z'; i++) {
		col = col * 26 + (ref[i] - 'A' + 1);
		if (col > XLSX_MAX_COLUMN)
			return -1;
	}
	if (i == 0 || ref[i] < '1' || ref[i] > '9')
		return -1;
	for (; ref[i] != '\0'; i++)
		if (ref[i] < '0' || ref[i] > '9')
			return -1;
	return col - 1;
}

/* A positive decimal integer of at most 9 digits; -1 otherwise. */
static long
small_number(const char *s)
{
	long v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 9)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return i > 0 ? v : -1;
}

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms). */
static long
days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, long *y, long *m, long *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* Largest serial taken as a date: 9999-12-31 in the 1900 system. */
#define SERIAL_MAX 2958465L
#define SERIAL_PHANTOM 60L /* 1900-02-29, which Excel counts and the calendar does not */

/* A date serial ("45382" or "45382.0") as YYYY-MM-DD in out[11]; false if it is not a
 * whole-day serial of a real date. */
static bool
serial_to_date(const char *s, size_t n, bool date1904, char out[11])
{
	long serial = 0, y, m, d, days;
	size_t i = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		serial = serial * 10 + (s[i] - '0');
		if (serial > SERIAL_MAX)
			return false;
	}
	if (i == 0)
		return false;
	if (i < n) {
		if (s[i++] != '.' || i == n)
			return false;
		for (; i < n; i++)
			if (s[i] != '0')
				return false;
	}
	if (date1904) {
		days = days_from_civil(1904, 1, 1) + serial;
	} else {
		if (serial < 1 || serial == SERIAL_PHANTOM)
			return false;
		days = days_from_civil(1899, 12, 30) + serial + (serial < SERIAL_PHANTOM);
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 1900 || y > 9999)
		return false;
	{
		char tmp[48];

		snprintf(tmp, sizeof(tmp), "%04ld-%02ld-%02ld", y, m, d);
		memcpy(out, tmp, 10);
		out[10] = '\0';
	}
	return true;
}

static void
sheet_start(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattrs, int ndef, const xmlChar **attrs)
{
	struct ctx *c = ud;
	char v[32];

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	if (named(name, "row")) {
		long r = attr(attrs, nattrs, "r", NULL, v, sizeof(v)) ? small_number(v) :
		    c->last_row + 1;

		if (r <= c->last_row || r > INT_MAX) {
			stop(c, BGW_E_BAD_REQUEST, c->last_row + 1, "rows out of order in the sheet");
			return;
		}
		c->row = (int)r;
		c->in_row = true;
		c->rowlen = 0;
		c->ncells = 0;
		c->last_col = -1;
		c->row_has_value = false;
		c->row_error_beyond = false;
		memset(c->cells, 0, sizeof(c->cells));
	} else if (named(name, "c") && c->in_row) {
		long col = attr(attrs, nattrs, "r", NULL, v, sizeof(v)) ? ref_column(v) :
		    c->last_col + 1;

		if (col < 0 || col <= c->last_col) {
			stop(c, BGW_E_BAD_REQUEST, c->row, "bad or out-of-order cell reference");
			return;
		}
		c->col = col;
		c->last_col = col;
		if (!attr(attrs, nattrs, "t", NULL, c->ctype, sizeof(c->ctype)))
			snprintf(c->ctype, sizeof(c->ctype), "n");
		c->ntext = 0;
		c->text_long = false;
		c->rph_depth = 0;
	} else if (named(name, "v") || (named(name, "t") && c->in_row)) {
		c->in_text = true;
	} else if (named(name, "rPh")) {
		c->rph_depth++;
	}
}

/* The current cell is complete: place its value. */
static void
cell_end(struct ctx *c)
{
	const char *s = c->text;
	size_t n = c->ntext;
	char date[11];

	if (n == 0)
		return;
	if (strcmp(c->ctype, "s") == 0) {
		long idx;

		c->text[c->ntext] = '\0';
		idx = small_number(c->text);
		if (idx < 0 || (size_t)idx >= c->nstrings) {
			stop(c, BGW_E_BAD_REQUEST, c->row, "bad shared string reference");
			return;
		}
		s = c->strings[idx];
		n = strlen(s);
	} else if (strcmp(c->ctype, "e") == 0) {
		if (import_error_add(c->a, c->out, c->row, NULL,
		    "a cell holds an Excel error value") != BGW_OK)
			stop(c, BGW_E_NOMEM, 0, NULL);
		return;
	} else if (strcmp(c->ctype, "n") == 0 && c->have_header && n > 0) {
		if (c->sink->date_column != NULL && c->sink->date_column(c->sink->ud, (size_t)c->col) &&
		    serial_to_date(s, n, c->date1904, date)) {
			s = date;
			n = 10;
		}
	}
	if (n == 0)
		return;
	c->row_has_value = true;
	if (c->col >= IMPORT_MAX_COLUMNS) {
		c->row_error_beyond = true;
		return;
	}
	if (c->rowlen + n > IMPORT_MAX_ROW_BYTES) {
		stop(c, BGW_E_TOO_LARGE, c->row, "row too long");
		return;
	}
	memcpy(c->rowbuf + c->rowlen, s, n);
	c->cells[c->col].s = c->rowbuf + c->rowlen;
	c->cells[c->col].n = n;
	c->rowlen += n;
	if ((size_t)c->col + 1 > c->ncells)
		c->ncells = (size_t)c->col + 1;
}

static void
row_end(struct ctx *c)
{
	bgw_err e;

	c->in_row = false;
	c->last_row = c->row;
	if (!c->row_has_value)
		return;
	if (c->row_error_beyond && import_error_add(c->a, c->out, c->row, NULL,
	    c->have_header ? "a value in a column without a header" :
	    "too many columns") != BGW_OK) {
		stop(c, BGW_E_NOMEM, 0, NULL);
		return;
	}
	if (!c->have_header) {
		c->have_header = true;
		e = c->sink->header(c->sink->ud, c->row, c->cells, c->ncells);
	} else {
		e = c->sink->row(c->sink->ud, c->row, c->cells, c->ncells);
	}
	if (e != BGW_OK)
		stop(c, e, 0, NULL); /* the sink has recorded why */
}

static void
sheet_end(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct ctx *c = ud;

	(void)prefix, (void)uri;
	if (named(name, "v") || named(name, "t")) {
		c->in_text = false;
	} else if (named(name, "rPh")) {
		c->rph_depth--;
	} else if (named(name, "c") && c->in_row) {
		cell_end(c);
	} else if (named(name, "row") && c->in_row) {
		row_end(c);
	}
}

/* --- the import --------------------------------------------------------------------- */

static bgw_err
import(struct ctx *c)
{
	xmlSAXHandler h;
	char *data;
	size_t len;
	bgw_err e;

	if (zip_get_num_entries(c->ar.za, 0) > XLSX_MAX_ENTRIES) {
		stop(c, BGW_E_TOO_LARGE, 0, "too many entries in the xlsx file");
		return c->err;
	}
	if ((e = find_sheet(c)) != BGW_OK)
		return e;

	memset(&h, 0, sizeof(h));
	h.startElementNs = sst_start;
	h.endElementNs = sst_end;
	h.characters = characters;
	e = read_entry(c, "xl/sharedStrings.xml", &data, &len);
	if (e == BGW_OK) {
		e = parse_part(c, data, len, &h, "malformed xlsx shared strings");
		free(data);
	}
	if (e != BGW_OK && e != BGW_E_NOT_FOUND)
		return e;

	c->in_text = false;
	c->rph_depth = 0;
	memset(&h, 0, sizeof(h));
	h.startElementNs = sheet_start;
	h.endElementNs = sheet_end;
	h.characters = characters;
	e = read_entry(c, c->sheet_path, &data, &len);
	if (e == BGW_E_NOT_FOUND) {
		stop(c, BGW_E_BAD_REQUEST, 0, "no worksheet in the xlsx file");
		return c->err;
	}
	if (e != BGW_OK)
		return e;
	e = parse_part(c, data, len, &h, "malformed xlsx worksheet");
	free(data);
	return e;
}

/* The import's sink: the confirmation row builder. */
static bgw_err
builder_header(void *ud, int row, const import_cell *cells, size_t n)
{
	return import_builder_header(ud, row, cells, n);
}

static bgw_err
builder_row(void *ud, int row, const import_cell *cells, size_t n)
{
	return import_builder_row(ud, row, cells, n);
}

static bool
builder_date_column(void *ud, size_t col)
{
	import_col c = import_builder_column(ud, col);

	return c == IMPORT_COL_AS_OF || c == IMPORT_COL_DUE_DATE;
}

bgw_err
xlsx_read_rows(bgw_arena *a, const char *buf, size_t n, const xlsx_rows *sink,
    import_result *errors)
{
	struct ctx *c;
	zip_source_t *src;
	zip_error_t zerr;
	bgw_err e;

	c = bgw_arena_calloc(a, 1, sizeof(*c));
	if (c == NULL)
		return BGW_E_NOMEM;
	c->a = a;
	c->out = errors;
	c->sink = sink;
	if (n > IMPORT_MAX_BYTES) {
		stop(c, BGW_E_TOO_LARGE, 0, "file too large");
		return c->err;
	}
	c->text = bgw_arena_alloc(a, IMPORT_MAX_FIELD_BYTES + 2);
	c->rowbuf = bgw_arena_alloc(a, IMPORT_MAX_ROW_BYTES);
	if (c->text == NULL || c->rowbuf == NULL)
		return BGW_E_NOMEM;
	/* an xlsx starts with a local file header; libzip would also take an empty archive or
	 * data before the archive */
	if (n < 4 || memcmp(buf, "PK\x03\x04", 4) != 0) {
		stop(c, BGW_E_BAD_REQUEST, 0, "not an xlsx file");
		return c->err;
	}
	xmlInitParser();
	zip_error_init(&zerr);
	src = zip_source_buffer_create(buf, n, 0, &zerr);
	if (src == NULL) {
		zip_error_fini(&zerr);
		return BGW_E_NOMEM;
	}
	c->ar.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	zip_error_fini(&zerr);
	if (c->ar.za == NULL) {
		zip_source_free(src);
		stop(c, BGW_E_BAD_REQUEST, 0, "not an xlsx file");
		return c->err;
	}
	e = import(c);
	zip_discard(c->ar.za);
	return e;
}

bgw_err
xlsx_import(bgw_arena *a, const char *buf, size_t n, import_result *out)
{
	import_builder *b;
	xlsx_rows sink = {builder_header, builder_row, builder_date_column, NULL};
	bgw_err e;

	memset(out, 0, sizeof(*out));
	if ((e = import_builder_new(a, out, &b)) != BGW_OK)
		return e;
	sink.ud = b;
	if ((e = xlsx_read_rows(a, buf, n, &sink, out)) != BGW_OK)
		return e;
	return import_builder_finish(b);
}
