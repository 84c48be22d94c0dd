/* csv.h - RFC 4180 CSV: a pull parser, the confirmation importer, and a writer for exports.
 *
 * Reading.  Fields are separated by commas, records end in CRLF or LF (a bare CR outside
 * quotes is refused); a field in double quotes may hold commas, quotes written "" and line
 * breaks.  A quote inside an unquoted field, or anything but a comma or line end after a
 * closing quote, is a syntax error, as is an unterminated quoted field.  The input must be
 * UTF-8 (strict, lib/core/utf8.h), with or without a BOM (skipped).  A final line break is
 * optional.  Memory is bounded per record: the reader copies one record at a time into a
 * buffer of IMPORT_MAX_ROW_BYTES with at most CSV_MAX_FIELDS fields, allocated once.
 *
 * Row numbers are record numbers (the header is row 1), which is the row a spreadsheet
 * shows even when a quoted field spans lines; syntax errors also name the text line.
 *
 * Writing: see csv_write_field for quoting and formula neutralisation.
 */
#ifndef BGW_CSV_H
#define BGW_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/importrow.h"

/* Fields in one record; more is a syntax error (a real import has IMPORT_MAX_COLUMNS at most,
 * the slack lets trailing empty cells of a spreadsheet export through). */
#define CSV_MAX_FIELDS (IMPORT_MAX_COLUMNS * 4)

typedef struct csv_reader csv_reader;

/* A reader over the n bytes at buf (borrowed: they must outlive the reader), living in
 * arena a.  Returns BGW_OK and *out, or BGW_E_NOMEM. */
bgw_err csv_reader_new(bgw_arena *a, const char *buf, size_t n, csv_reader **out);

/* The next record.  Returns BGW_OK with *cells (valid until the next call), *ncells >= 1,
 * and *row (record number, 1-based); BGW_OK with *ncells == 0 at the end of input;
 * BGW_E_BAD_REQUEST for a syntax or encoding error; BGW_E_TOO_LARGE for a record over
 * IMPORT_MAX_ROW_BYTES or CSV_MAX_FIELDS.  After an error csv_reader_error describes it
 * and every later call returns the same error. */
bgw_err csv_reader_next(csv_reader *r, const import_cell **cells, size_t *ncells, int *row);

/* A static English description of the last error, naming its line ("line 3: ..."), held
 * in reader memory; "" if none. */
const char *csv_reader_error(const csv_reader *r);

/* Parse a CSV import (layout in importrow.h) of n bytes into *out, all in arena a.
 * Returns BGW_OK (out->nerrors == 0); BGW_E_VALIDATION with every bad row in out->errors;
 * BGW_E_BAD_REQUEST for a CSV syntax or UTF-8 error (one entry, with the row; rows before
 * it may have added entries too); BGW_E_TOO_LARGE past IMPORT_MAX_BYTES or a row/record
 * limit (one entry says which); BGW_E_NOMEM.  out->confirmations is meaningful only for
 * BGW_OK. */
bgw_err csv_import(bgw_arena *a, const char *buf, size_t n, import_result *out);

/* --- writing -------------------------------------------------------------------------- */

typedef struct csv_writer {
	bgw_sink sink;
	void *ud;
	bgw_err err;     /* the first sink error: sticky */
	bool in_row;     /* a field was written since the last end of row */
} csv_writer;

/* Kinds of cell for csv_write_field. */
enum csv_cell {
	CSV_TEXT,        /* user text: always neutralised */
	CSV_AMOUNT       /* a decimal amount: written as is when it is one, else as CSV_TEXT */
};

/* Start a writer sending bytes to sink(ud, ...).  Nothing is written yet. */
void csv_writer_init(csv_writer *w, bgw_sink sink, void *ud);

/* The UTF-8 byte order mark, which Excel needs to read UTF-8: call once, first. */
bgw_err csv_write_bom(csv_writer *w);

/* One field (s may be NULL for an empty one), after a comma unless first in its row.
 *
 * Formula injection (OWASP "CSV Injection"): a CSV_TEXT value that begins with = + - @ TAB
 * or CR is written with a leading apostrophe, so a spreadsheet shows it as text instead of
 * running it; so is a value that begins with an apostrophe followed by one of those, so the
 * importer's rule (drop one leading apostrophe before them) gives back exactly the original.
 * A CSV_AMOUNT that is a plain decimal (import_amount_valid, e.g. "-3000") is written bare:
 * prefixing it would turn a negative balance into text in Excel, and a cell holding only a
 * sign, digits and a dot cannot be a formula.  Anything else in an amount column is
 * neutralised like text.
 *
 * Quoting (RFC 4180): the field is quoted, with " doubled, when it holds a comma, quote, CR
 * or LF, or begins or ends with a space.  Returns BGW_OK or the sink's (sticky) error. */
bgw_err csv_write_field(csv_writer *w, const char *s, enum csv_cell kind);

/* End the row with CRLF.  Returns BGW_OK or the sink's error. */
bgw_err csv_end_row(csv_writer *w);

/* The export's header row: the import columns, then confirmation_reference and status, and
 * with responses the latest answer per item (response_version, response_agrees,
 * response_amount, response_note).  The import ignores the extra columns, so an export
 * imports back.  Returns BGW_OK or the sink's error. */
bgw_err csv_export_header(csv_writer *w, bool with_responses);

/* One row per item of ec->c, in the columns of csv_export_header; group is the value of the
 * group column (the confirmation's reference is a good one).  With responses, the latest
 * response's answer for each item is matched through ec->item_ids.  Returns BGW_OK, the
 * sink's error, or BGW_E_INTERNAL for a NULL confirmation. */
bgw_err csv_export_confirmation(csv_writer *w, const char *group,
    const export_confirmation *ec, bool with_responses);

#endif
