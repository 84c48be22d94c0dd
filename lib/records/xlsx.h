/* xlsx.h - confirmation import from the first worksheet of an Excel .xlsx (Office Open XML).
 *
 * The worksheet has the tabular layout of importrow.h (header row, one row per item, the
 * group column); the first row that has any cell is the header.  Cells: shared strings (t="s",
 * rich text runs joined, phonetic guides <rPh> left out), inline strings, formula results
 * (t="str", the cached value; the formula itself is ignored), booleans, and numbers kept
 * exactly as stored ("1250000", "1042.5"; an exponent form such as "1.25E+7" fails the
 * amount syntax, so amount columns are best formatted as text, as in the template).  A
 * number in the as_of or due_date column is a date serial of the workbook's date system
 * (1900, with Excel's phantom 1900-02-29, or 1904) and becomes YYYY-MM-DD; a serial with a
 * time of day is not a date.  Error cells (#N/A...) are row errors.  Cell references (A1,
 * AA10) place cells; missing cells are empty.  Row numbers in errors are the sheet's.
 *
 * The worksheet is found through xl/workbook.xml (first <sheet>) and
 * xl/_rels/workbook.xml.rels, falling back to xl/worksheets/sheet1.xml.
 *
 * Defences: the upload is at most IMPORT_MAX_BYTES; at most XLSX_MAX_ENTRIES archive
 * entries; an entry is read only if its declared size is within XLSX_MAX_ENTRY_BYTES and
 * the running total within XLSX_MAX_TOTAL_BYTES, checked BEFORE reading, and reading stops
 * one byte past the declared size (a lying header is refused, not trusted); encrypted
 * entries are refused; the XML parts are parsed by SAX (memory bounded by the row model,
 * not a tree), without network, and a DOCTYPE stops the parser at once.
 */
#ifndef BGW_XLSX_H
#define BGW_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/importrow.h"

#define XLSX_MAX_ENTRIES 1000
/* A worksheet of 100,000 item rows is about 50 MB of XML. */
#define XLSX_MAX_ENTRY_BYTES ((size_t)96 * 1024 * 1024)
#define XLSX_MAX_TOTAL_BYTES ((size_t)160 * 1024 * 1024)
/* Column letters in a cell reference: XFD (16384) is Excel's last column. */
#define XLSX_MAX_COLUMN 16384

/* Parse an .xlsx upload of n bytes into *out (arena a).  Returns BGW_OK (no errors);
 * BGW_E_VALIDATION with every bad row in out->errors; BGW_E_BAD_REQUEST for a file that is
 * not a readable xlsx (not a zip, no worksheet, encrypted, malformed XML, a DOCTYPE, a
 * shared string index out of range); BGW_E_TOO_LARGE past a size or count limit; BGW_E_NOMEM.
 * Each failure adds one entry to out->errors saying what it was. */
bgw_err xlsx_import(bgw_arena *a, const char *buf, size_t n, import_result *out);

/* Where xlsx_read_rows sends the first worksheet's rows (cells as import_cell, valid only
 * during the call; a row without any value is skipped).  header gets the first row that has
 * a value, row every later one; a non-OK return stops the reading and is returned (the sink
 * records why in the errors list).  date_column (may be NULL): is the 0-based column a date
 * column, whose numbers are date serials to turn into YYYY-MM-DD? */
typedef struct xlsx_rows {
	bgw_err (*header)(void *ud, int row, const import_cell *cells, size_t n);
	bgw_err (*row)(void *ud, int row, const import_cell *cells, size_t n);
	bool (*date_column)(void *ud, size_t col);
	void *ud;
} xlsx_rows;

/* Read the first worksheet of an .xlsx of n bytes row by row into sink, with the defences
 * above; problems of the file go to errors (arena a).  Returns BGW_OK when the sheet was
 * read to its end (row errors may still be in errors); BGW_E_BAD_REQUEST, BGW_E_TOO_LARGE,
 * BGW_E_NOMEM as xlsx_import; a sink's error. */
bgw_err xlsx_read_rows(bgw_arena *a, const char *buf, size_t n, const xlsx_rows *sink,
    import_result *errors);

#endif
