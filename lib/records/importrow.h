/* importrow.h - the row model shared by the CSV, XML and XLSX importers and exporters.
 *
 * An import is a list of confirmations, each with its items.  Every importer fills one
 * import_result and collects EVERY bad row in its error list instead of stopping at the
 * first; creating nothing when there is any error (all-or-nothing) is the caller's job.
 *
 * Tabular layout (CSV and XLSX): a header row, then one row per item.  A required `group`
 * column ties items together: consecutive rows with the same group value form one
 * confirmation.  The confirmation's own columns (type, form, respondent, dates) are taken
 * from the group's first row; later rows of the group may leave them empty or repeat them
 * exactly (anything else is an error on that row, so a sorting mistake cannot silently
 * merge two letters).  A group value used again after another group is an error too.
 * Entirely empty rows are skipped.  Header names are matched after trimming, ASCII
 * case-insensitively, in English or Japanese (see importrow.c for the alias table); a
 * header cell left empty names no column, and a value under it is an error.  The export-only
 * columns (confirmation_reference, confirmation_id, item_id, status, response_*) are
 * accepted and ignored, so an export imports back.  Unknown, duplicate or missing required
 * header names are errors on row 1, and then the data rows are not checked (their errors
 * would only be noise).
 *
 * Values are trimmed of leading and trailing white space.  A text cell that begins with an
 * apostrophe followed by one of = + - @ TAB CR (the formula neutralisation the CSV writer
 * applies) loses that apostrophe.  Amounts are checked for syntax only and kept as strings:
 * -?[0-9]{1,18}(.[0-9]{1,4})?, or empty (no stated amount, as in a blank-form request); the
 * currency's minor units are checked later by the money code.  Dates are YYYY-MM-DD (a real
 * calendar date; YYYY/M/D as Japanese Excel writes it is accepted and normalised) and the
 * due date may not be before the as-of date.  Lengths are in code points and match
 * db/migrations/0003_confirmations.sql.
 */
#ifndef BGW_IMPORTROW_H
#define BGW_IMPORTROW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* Structural limits of one import (all formats).  Past them the import stops with
 * BGW_E_TOO_LARGE. */
#define IMPORT_MAX_BYTES ((size_t)32 * 1024 * 1024) /* the file as uploaded */
#define IMPORT_MAX_CONFIRMATIONS 10000
#define IMPORT_MAX_ITEMS 100000                     /* item rows, all confirmations */
#define IMPORT_MAX_COLUMNS 64                       /* columns of a tabular file */
#define IMPORT_MAX_FIELD_BYTES 1024                 /* one value; longer is a row error */
#define IMPORT_MAX_ROW_BYTES ((size_t)64 * 1024)    /* one tabular row; longer is fatal */
/* Errors collected before the list is cut with a final "too many errors" entry: enough for
 * any real file, while a garbage upload cannot make a response of megabytes. */
#define IMPORT_MAX_ERRORS 1000

/* Field limits, in code points, from db/migrations (organizations.name, confirmations,
 * confirmation_items). */
#define IMPORT_ORG_MAX 200
#define IMPORT_EMAIL_MIN 3
#define IMPORT_EMAIL_MAX 254
#define IMPORT_NAME_MAX 200
#define IMPORT_LABEL_MAX 200
#define IMPORT_REFERENCE_MAX 100
#define IMPORT_GROUP_MAX 100
#define IMPORT_AMOUNT_INT_DIGITS 18
#define IMPORT_AMOUNT_FRAC_DIGITS 4

typedef struct import_item {
	int row;                 /* source row (tabular) or line (XML), 1-based */
	const char *label;       /* never NULL or "" */
	const char *reference;   /* NULL when not given */
	const char *currency;    /* [A-Z]{3} */
	const char *amount;      /* decimal string, syntax checked only; NULL when not given */
} import_item;

typedef struct import_confirmation {
	int row;                 /* first source row (tabular) or line (XML), 1-based */
	const char *type;        /* bank receivable payable securities legal other */
	const char *form;        /* positive blank negative */
	const char *respondent_org;
	const char *respondent_email;
	const char *respondent_name;
	const char *as_of;       /* YYYY-MM-DD */
	const char *due_date;    /* YYYY-MM-DD, not before as_of */
	const char *respondent_locale; /* "ja" or "en": the addressee's language; NULL: not given */
	import_item *items;      /* at least one */
	size_t nitems;
} import_confirmation;

typedef struct import_error {
	int row;                 /* source row or XML line, 1-based; 0 for the whole file */
	const char *column;      /* canonical column / element name, or NULL */
	const char *message;     /* English, safe to show the uploader (may quote their data) */
} import_error;

typedef struct import_result {
	import_confirmation *confirmations;
	size_t nconfirmations;
	size_t nitems;
	import_error *errors;
	size_t nerrors;
	bool errors_truncated;   /* more than IMPORT_MAX_ERRORS: the last entry says so */
} import_result;

/* The columns of the tabular layout, in template order; IMPORT_COL_NONE for a column the
 * importer ignores. */
typedef enum import_col {
	IMPORT_COL_NONE = -1,
	IMPORT_COL_GROUP = 0,
	IMPORT_COL_TYPE,
	IMPORT_COL_FORM,
	IMPORT_COL_RESPONDENT_ORG,
	IMPORT_COL_RESPONDENT_EMAIL,
	IMPORT_COL_RESPONDENT_NAME,
	IMPORT_COL_AS_OF,
	IMPORT_COL_DUE_DATE,
	IMPORT_COL_LABEL,
	IMPORT_COL_REFERENCE,
	IMPORT_COL_CURRENCY,
	IMPORT_COL_AMOUNT,
	/* Optional, of the confirmation (its group's first row): ja or en (日本語, 英語). */
	IMPORT_COL_RESPONDENT_LOCALE,
	IMPORT_COL__COUNT
} import_col;

/* The canonical (English) header name of a column; a static string. */
const char *import_col_name(import_col c);

/* One cell of a tabular row: n bytes at s (need not be NUL-terminated; NULL when n is 0). */
typedef struct import_cell {
	const char *s;
	size_t n;
} import_cell;

typedef struct import_builder import_builder;

/* A builder filling *out (zeroed here) from tabular rows; it lives in arena a.  Returns
 * BGW_OK or BGW_E_NOMEM. */
bgw_err import_builder_new(bgw_arena *a, import_result *out, import_builder **b);

/* The header row (source row `row`).  Unknown, duplicate or missing required names are
 * recorded as errors.  Returns BGW_OK (check out->nerrors), BGW_E_NOMEM, or
 * BGW_E_INTERNAL if called twice. */
bgw_err import_builder_header(import_builder *b, int row, const import_cell *cells,
    size_t n);

/* Which column index `col` of the header maps to (IMPORT_COL_NONE if unknown or before the
 * header): lets the XLSX reader turn date serials into dates in the date columns only. */
import_col import_builder_column(const import_builder *b, size_t col);

/* One data row (source row `row`, increasing); the cells are copied.  Bad values become
 * errors on that row.  Returns BGW_OK; BGW_E_TOO_LARGE past IMPORT_MAX_CONFIRMATIONS or
 * IMPORT_MAX_ITEMS (an error entry says which); BGW_E_NOMEM; BGW_E_INTERNAL before the
 * header. */
bgw_err import_builder_row(import_builder *b, int row, const import_cell *cells, size_t n);

/* The input has ended.  Returns BGW_OK if there is at least one confirmation and no error;
 * BGW_E_VALIDATION if out->errors lists anything (an empty file is one error); BGW_E_NOMEM. */
bgw_err import_builder_finish(import_builder *b);

/* Add an error (row, column, message: copied) to r, cutting the list at IMPORT_MAX_ERRORS.
 * Returns BGW_OK or BGW_E_NOMEM. */
bgw_err import_error_add(bgw_arena *a, import_result *r, int row, const char *column,
    const char *message);

/* Check the values of one confirmation built by a non-tabular importer (XML): the same
 * rules as tabular rows, each error recorded on the item's or confirmation's row.  Trims
 * and normalises the strings in place (they must be arena-owned and writable), so call it
 * once.  Returns BGW_OK (check r->nerrors) or BGW_E_NOMEM. */
bgw_err import_check_confirmation(bgw_arena *a, import_result *r, import_confirmation *c);

/* Syntax checks shared with the writers: an amount as described above (non-empty); a real
 * calendar date written YYYY-MM-DD. */
bool import_amount_valid(const char *s);
bool import_date_valid(const char *s);

/* What an export adds to a confirmation: its identity and status, and for the audit team's
 * export its responses (oldest version first).  Strings are borrowed. */
typedef struct export_response_item {
	const char *item_id;     /* the id of the confirmation item answered */
	bool agrees;
	const char *amount;      /* NULL when agrees */
	const char *note;        /* NULL when none */
} export_response_item;

typedef struct export_extra_item {
	const char *label;
	const char *currency;
	const char *amount;
	const char *note;        /* NULL when none */
} export_extra_item;

typedef struct export_response {
	int version;             /* 1, 2, ... */
	const char *responder_name, *responder_title;
	const char *approver_name, *approver_title; /* NULL when there was no approver */
	const char *submitted_at; /* RFC 3339 UTC */
	const char *seal;        /* 64 lower-case hex digits, NULL while not final */
	const export_response_item *items;
	size_t nitems;
	const export_extra_item *extra_items;
	size_t nextra_items;
} export_response;

typedef struct export_confirmation {
	const char *id;          /* NULL to leave out */
	const char *reference;   /* NULL to leave out */
	const char *status;      /* NULL to leave out */
	const import_confirmation *c;
	const char *const *item_ids; /* c->nitems ids, or NULL */
	const export_response *responses;
	size_t nresponses;
} export_confirmation;

/* Where a writer sends its bytes; returns BGW_OK or an error that stops the writer. */
typedef bgw_err (*bgw_sink)(void *ud, const char *buf, size_t n);

#endif
