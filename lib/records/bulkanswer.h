/* bulkanswer.h - a respondent desk answers many requests at once (issue 17, item 4).
 *
 * The desk downloads its open requests (sent or opened, not yet answered) as a sheet, one row
 * per item, fills in the answer columns and uploads it.  Which requests are the desk's is
 * never decided here: candidates are read under row-level security and each one is then
 * asked of the policy layer (target_load + policy_decide, the same facts and the same rule
 * as POST /confirmations/{cid}/response), so the bulk routes follow whatever the single
 * routes allow.
 *
 * Sheet layout (CSV and XLSX alike; header names in English or Japanese):
 *   reference | item_id | section | label | currency | requested_amount | agrees | amount | note
 * The first six columns are given (locked in the XLSX), the last three are filled in.  Bank
 * requests get BULKANSWER_EXTRA_ROWS more rows with the reference only: a filled-in one is
 * an extra item (section, label, currency, amount, note), as the web form's extra items.
 * section is the item's section of the bank form (its Japanese label in a "ja" sheet, its
 * name otherwise; either is read back).  Each asked section or question gets a row of its
 * own after the items (reference and section only): "none" / 該当なし in agrees answers it
 * with none, note carries a lawyer's answer (confsection.h's rule checks them).
 *
 * Upload: all or nothing.  Every bad row is reported with its row number and column in the
 * import's error shape (confimport_rows_json); a request all of whose rows are left empty is
 * skipped; a request with any answer must answer every item.  Each answered request gets an
 * answer waiting for approval through conf_respond, the web form's use case, as a member's
 * answer does (awaiting_respondent_approval), whoever uploads.
 */
#ifndef BGW_BULKANSWER_H
#define BGW_BULKANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/policy.h"
#include "core/arena.h"
#include "core/err.h"
#include "flow/confflow.h"
#include "records/confimport.h"
#include "records/importrow.h"
#include "store/db.h"

/* Requests in one download or upload; past it the desk works in parts (by due date). */
#define BULKANSWER_MAX_REQUESTS 2000
/* Blank rows for extra items under each bank request. */
#define BULKANSWER_EXTRA_ROWS 3
/* Ids in one bulk approval. */
#define BULKANSWER_MAX_APPROVE 1000

typedef enum bulk_col {
	BULK_COL_REFERENCE, BULK_COL_ITEM_ID, BULK_COL_SECTION, BULK_COL_LABEL,
	BULK_COL_CURRENCY, BULK_COL_REQUESTED, BULK_COL_AGREES, BULK_COL_AMOUNT, BULK_COL_NOTE,
	BULK_COL__COUNT
} bulk_col;

/* The header name of column c in lang ("ja" or anything else: English); static. */
const char *bulkanswer_col_name(bulk_col c, const char *lang);

typedef struct bulk_item {
	const char *id, *label, *currency, *amount; /* amount NULL: none stated */
	const char *section;         /* the bank form's section, or NULL */
} bulk_item;

typedef struct bulk_request {
	const char *id, *reference, *type, *form;
	bool extra_rows;             /* a bank request: blank rows for extra items */
	bulk_item *items;
	size_t nitems;
	/* The sections (bank) or questions (legal) asked: one row each after the items, where
	 * the desk writes "none" (該当なし) in agrees, or a lawyer's answer in note. */
	const char **sections;
	size_t nsections;
} bulk_request;

typedef struct bulk_set {
	bulk_request *list;          /* by due date, then reference */
	size_t n;
} bulk_set;

/* The open requests (sent, opened) the user bound to the transaction may answer: read under
 * row-level security, each admitted by policy_decide(ACT_CONF_RESPOND) on its own facts.
 * refs (n, sorted by strcmp; NULL: all): only the requests of these references are judged
 * and kept (an upload asks only about the requests it names).  Arena memory.  BGW_OK;
 * database errors; BGW_E_NOMEM. */
bgw_err bulkanswer_open(bgw_db *db, bgw_arena *a, const policy_subject *s,
    const char *const *refs, size_t nrefs, bulk_set *out);

/* The sheet as CSV (UTF-8 with BOM, CRLF, formula neutralisation: csv.h) to sink. */
bgw_err bulkanswer_write_csv(const bulk_set *set, const char *lang, bgw_sink sink, void *ud);

/* The sheet as XLSX (libxlsxwriter through a temporary file in tmpdir, removed before
 * returning): given columns locked, the sheet protected without a password, amounts
 * formatted with the currency's decimals, agrees a yes/no list.  *buf (arena) and *len.
 * BGW_OK; BGW_E_IO; BGW_E_NOMEM. */
bgw_err bulkanswer_write_xlsx(bgw_arena *a, const bulk_set *set, const char *lang,
    const char *tmpdir, char **buf, size_t *len);

/* One data row of an upload, values trimmed, NULL when empty. */
typedef struct bulk_row {
	int row;
	const char *v[BULK_COL__COUNT];
} bulk_row;

typedef struct bulk_rows {
	bulk_row *rows;
	size_t n, cap;
	import_result result;        /* only its errors are used (confimport_rows_json) */
	int col[BULK_COL__COUNT];    /* header index of each column, -1 when absent */
	bgw_arena *a;
} bulk_rows;

/* Parse an upload (CONFIMPORT_CSV or CONFIMPORT_XLSX) into rows, entirely empty rows left
 * out.  BGW_OK; BGW_E_VALIDATION (a bad header: row 1; a value too long) with the errors in
 * out->result; BGW_E_BAD_REQUEST or BGW_E_TOO_LARGE for the file (one error entry);
 * BGW_E_UNSUPPORTED_TYPE for another format; BGW_E_NOMEM.  No database: the fuzz target's
 * entry point. */
bgw_err bulkanswer_parse(bgw_arena *a, confimport_format format, const char *buf, size_t n,
    bulk_rows *out);

typedef struct bulkanswer_upload_in {
	confimport_format format;
	const char *buf;
	size_t len;
	const char *responder_name, *responder_title;
} bulkanswer_upload_in;

typedef struct bulkanswer_upload_out {
	size_t answered;             /* on BGW_OK */
	const char **ids;            /* the answered confirmations */
	bool refused_rows;           /* rows.result lists why (confimport_rows_json) */
	bulk_rows rows;
} bulkanswer_upload_out;

/* The upload use case: parse, check every row against the user's open requests
 * (bulkanswer_open) and every answer with resp_input_from_json, and only when nothing is
 * wrong give each answered request its answer with conf_respond as a member's (waiting for
 * approval), in the caller's transaction.  BGW_OK; with out->refused_rows
 * BGW_E_VALIDATION, BGW_E_BAD_REQUEST or BGW_E_TOO_LARGE and nothing written; database
 * errors. */
bgw_err bulkanswer_upload(bgw_db *db, bgw_arena *a, const policy_subject *s,
    const conf_actor *who, const bulkanswer_upload_in *in, bulkanswer_upload_out *out);

typedef struct bulk_approval {
	const char *id;
	const char *code;            /* "approved", or why not: not_found, forbidden,
	                              * invalid_state, same_person (maker-checker) */
} bulk_approval;

/* Approve the waiting answers of ids as the user (approver name and title), all or nothing:
 * each id is judged first (policy_decide(ACT_CONF_APPROVE) on its facts, a waiting answer,
 * and not one the approver prepared: maker is not checker); only when every id passes is
 * each approved with conf_approve.  results: n entries, in ids' order.  BGW_OK (all
 * approved); BGW_E_INVALID_STATE when any id failed (nothing written, results say which);
 * BGW_E_VALIDATION for no ids, too many or a repeated id; database errors. */
bgw_err bulkanswer_approve(bgw_db *db, bgw_arena *a, const policy_subject *s,
    const conf_actor *who, const char *const *ids, size_t n, const char *approver_name,
    const char *approver_title, bulk_approval *results);

#endif
