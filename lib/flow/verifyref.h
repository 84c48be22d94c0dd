/* verifyref.h - the public verify route: is a reference printed in a mail a real, sent
 * request?  Answers only the audit firm, the client, the date sent and a coarse status.
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


#endif
