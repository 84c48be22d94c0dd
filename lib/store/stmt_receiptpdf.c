/* stmt_receiptpdf.c - the statements of lib/pdf/receiptpdf.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

/* The audit team's working papers on a confirmation, for its copy of the receipt PDF only
 * (row-level security lets the audit side alone read them, as the caller's side does). */
const db_stmt stmt_receiptpdf[] = {
	{"receiptpdf_reviews",
	    "SELECT result, coalesce(note, ''), reviewed_at::text FROM reviews "
	    "WHERE confirmation_id = $1 ORDER BY reviewed_at, id", 1},
	{"receiptpdf_reconciling",
	    "SELECT kind, currency::text, amount::text, coalesce(note, '') FROM reconciling_items "
	    "WHERE confirmation_id = $1 ORDER BY created_at, id", 1},
	{NULL, NULL, 0},
};
