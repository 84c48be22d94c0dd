/* receiptpdf.h - the sealed answer receipt as a PDF (issue 18): the confirmation, its items
 * with the requested and the answered amounts, further items reported, the respondent and
 * the approver, the answer's version, the seal, and a QR code opening the public seal check
 * of this answer (/verify?reference=...&seal=...).  Japanese first, English second.
 *
 * How to call it (e.g. to put a receipt into an evidence pack's zip stream):
 *
 *     conf_receipt_in in = {.project_id = pid, .id = cid, .side = SIDE_AUDIT};
 *     bgw_err err = receiptpdf_write(db, a, &who, &in, cfg->base_url, my_write, my_ud);
 *
 * where my_write(my_ud, buf, n) appends n bytes to the zip entry (pdf_write_fn, pdf.h) and
 * returns BGW_OK.  receiptpdf_write reads everything first (conf_receipt: the same policy
 * data and the same response.view event as the JSON receipt; for the audit side also its
 * review and reconciling items), so a database error or
 * BGW_E_INVALID_STATE (no final answer yet) comes before the first byte is written.  A
 * caller that already holds the receipt JSON calls receiptpdf_render.  The receipt PDF also
 * shows the audit team's review and reconciling items (audit side only).
 */
#ifndef BGW_RECEIPTPDF_H
#define BGW_RECEIPTPDF_H

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "flow/confflow.h"
#include "pdf/pdf.h"
#include "store/db.h"

/* The public seal check's address for reference and seal (hex): base_url (no trailing
 * slash) + "/verify?reference=REF&seal=HEX", both URL-encoded.  Arena-owned; NULL for
 * NOMEM or a NULL argument. */
char *receiptpdf_verify_url(bgw_arena *a, const char *base_url, const char *reference,
    const char *seal);

/* Draw receipt (receiptpdf_load's or conf_receipt's *out: {confirmation, response,
 * [reviews, reconciling_items]}) as a PDF to write(ud).
 * base_url makes the QR code's address (receiptpdf_verify_url).  BGW_OK; BGW_E_VALIDATION
 * for a receipt without a sealed final answer; the write callback's error; BGW_E_NOMEM. */
bgw_err receiptpdf_render(bgw_arena *a, const json_t *receipt, const char *base_url,
    pdf_write_fn write, void *ud);

/* What a receipt PDF shows to in->side: conf_receipt(db, a, who, in), and for the audit
 * side its working papers on the confirmation too: "reviews" [{result, note, reviewed_at}]
 * and "reconciling_items" [{kind, currency, amount, note}] (the respondent's copy never
 * holds them).  The returns of conf_receipt, and database errors. */
bgw_err receiptpdf_load(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const conf_receipt_in *in, json_t **out);

/* receiptpdf_load then receiptpdf_render: the returns of both. */
bgw_err receiptpdf_write(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const conf_receipt_in *in, const char *base_url, pdf_write_fn write, void *ud);

#endif
