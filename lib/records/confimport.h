/* confimport.h - an import (csv.h, xmlio.h, xlsx.h parse it into importrow.h's model)
 * checked with the API's own rules and stored all at once.
 *
 * confimport_check applies to every imported confirmation what POST /confirmations applies
 * to one (fields.h for the respondent, the enums and the dates; confinput_item for each
 * item's currency and the currency's decimals), adding each problem to the result's error
 * list with its source row, so a user sees every bad row in one answer.  confimport_store
 * then writes everything in a handful of set-based statements (unnest of text arrays), in
 * the caller's transaction: all or nothing.
 */
#ifndef BGW_CONFIMPORT_H
#define BGW_CONFIMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "flow/confinput.h"
#include "store/db.h"
#include "core/err.h"
#include "records/importrow.h"

/* The formats a file may come in. */
typedef enum confimport_format {
	CONFIMPORT_NONE, CONFIMPORT_CSV, CONFIMPORT_XML, CONFIMPORT_XLSX
} confimport_format;

/* The format a Content-Type names (the API: text/csv, application/xml or text/xml, the
 * XLSX type; parameters allowed), or CONFIMPORT_NONE. */
confimport_format confimport_format_of_type(const char *content_type);

/* The format a file name's extension names (the page: .csv, .xlsx, .xml, any case), or
 * CONFIMPORT_NONE. */
confimport_format confimport_format_of_name(const char *filename);

/* An import as the API and the page both make it. */
typedef struct confimport_run_in {
	const char *project_id;
	const char *ip;
	confimport_format format;
	const char *buf;             /* the file */
	size_t len;
	const char *xsd_path;        /* db/confirmations.xsd, which an XML file must satisfy */
} confimport_run_in;

typedef struct confimport_run_out {
	size_t created, items;       /* on BGW_OK */
	bool refused_rows;           /* the file was refused row by row: result lists them */
	import_result result;        /* the parsed file and its bad rows (confimport_rows_json) */
} confimport_run_out;

/* The import use case: parse in's file, check every confirmation with the API's rules and,
 * only when not a single row is bad, create them all as drafts by user_id with one audit
 * event conf.import ({count, items, format}), in the caller's transaction: all or nothing.
 * BGW_OK (out->created, out->items); with out->refused_rows, BGW_E_VALIDATION,
 * BGW_E_BAD_REQUEST or BGW_E_TOO_LARGE and every bad row in out->result (nothing
 * written); BGW_E_UNSUPPORTED_TYPE for CONFIMPORT_NONE; BGW_E_TOO_LARGE without rows; the
 * store's errors (confimport_store). */
bgw_err confimport_run(bgw_db *db, bgw_arena *a, const char *user_id,
    const confimport_run_in *in, confimport_run_out *out);

/* Validate r's confirmations.  BGW_OK with *out (r->nconfirmations typed inputs, arena
 * memory); BGW_E_VALIDATION with every problem appended to r->errors; BGW_E_NOMEM.
 *
 * after_errors: the tabular importer already failed r with row errors (it still builds the
 * confirmations, leaving each bad value NULL): check what it let through, so one answer
 * lists every bad row, without repeating a (row, column) it reported or calling the
 * values it dropped missing. */
bgw_err confimport_check(bgw_arena *a, import_result *r, bool after_errors, conf_input **out);

/* Create n drafts of project pid by the user bound to the transaction (their creator) from
 * in (as confimport_check made them), with respondent organisations resolved once per
 * distinct e-mail by the rules of conf_respondent_org (confirmation.h), set-based.
 * BGW_OK; database errors as db_exec maps them (BGW_E_CONFLICT on a reference collision,
 * which a retry cures). */
bgw_err confimport_store(bgw_db *db, bgw_arena *a, const char *pid, const conf_input *in,
    size_t n);

/* The rows of r->errors as docs/api.md's 422 body lists them, ordered by row (then as found):
 * [{"row": N, "column": "..." | null, "message": "..."}], a new reference, or NULL on out
 * of memory. */
json_t *confimport_rows_json(const import_result *r);


#endif
