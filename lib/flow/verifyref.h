/* verifyref.h - the public verify route: is a reference printed in a mail a real, sent
 * request?  Answers only the audit firm, the client, the date sent and a coarse status.
 * And is a seal printed on a receipt the seal of a final answer of that request?  Answers
 * only yes or no and the day it was sealed.
 */
#ifndef BGW_VERIFYREF_H
#define BGW_VERIFYREF_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

#define VERIFYREF_LEN 10
/* What a person may type: the reference with dashes and spaces, in any case. */
#define VERIFYREF_INPUT_MAX 32

/* Normalise a reference as typed by a person: drop '-' and ' ', upper-case ASCII letters;
 * the result must be VERIFYREF_LEN characters of [A-HJ-NP-Z2-9].  Writes it NUL-terminated
 * to out (VERIFYREF_LEN + 1 bytes).  Returns 0, or -1 (out untouched) for anything else. */
int verifyref_normalise(const char *in, char out[VERIFYREF_LEN + 1]);

/* Look the normalised reference up (no user needed: a SECURITY DEFINER function decides
 * what is shown).  BGW_OK with *out = {audit_firm, client_name, sent_on, status} (a new
 * reference owned by the arena); BGW_E_NOT_FOUND for an unknown or unsent reference;
 * database errors as db_exec maps them. */
bgw_err verifyref_lookup(bgw_db *db, bgw_arena *a, const char *ref, json_t **out);

/* The seal printed on a receipt: SHA-256 in hex, either case. */
#define VERIFYREF_SEAL_HEX 64

/* Is seal (VERIFYREF_SEAL_HEX hex digits) the seal of a final answer of the normalised
 * reference ref?  Answers that and the day it was sealed, nothing more (0036_seal_check):
 * BGW_OK with *out = {seal_valid: true, answered_on: "YYYY-MM-DD"} (the day the answer
 * was sealed: approved, or submitted when no approval was needed) or {seal_valid: false}
 * (an arena reference; API.md's answer as it is); BGW_E_VALIDATION for a seal that is not hex of that length; database errors
 * as db_exec maps them.  Whether ref is a sent request at all is verifyref_lookup's. */
bgw_err verifyref_seal(bgw_db *db, bgw_arena *a, const char *ref, const char *seal,
    json_t **out);


#endif
