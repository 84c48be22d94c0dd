/* letters.h - the paper bridge (issue 18): request letters printed by the audit team for
 * respondents who still work on paper.  A letter is written in the client's name and asks
 * the respondent to answer to the auditor (as Japanese confirmation letters are), on the
 * web, with the respondent organisation's first-access code printed on it.
 *
 * Printing is a use case, not only a rendering: it records a conf.letter event per letter,
 * and when asked to (issue_codes), each letter carries a fresh first-access code for its
 * respondent organisation with channel "letter" (conf_respondent_code; only the hash is
 * kept, so a code cannot be printed twice, and the organisation's previous code stops
 * working).  Several letters to one organisation in one print run share the code issued
 * for the first of them.  Without issue_codes a letter says the code comes separately:
 * reading a letter (a GET) then changes no credential.
 */
#ifndef BGW_LETTERS_H
#define BGW_LETTERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "flow/confflow.h"
#include "store/db.h"

#define LETTERS_MAX 1000 /* letters in one print run (a bulk POST's ids) */

/* One letter: what the page shows.  Strings are arena-owned; code is cleansed when the
 * arena is reset (a hook registered by letters_prepare). */
typedef struct letter {
	const char *id, *reference;
	const char *organization, *person; /* the addressee */
	const char *as_of, *due_date;
	const json_t *items;               /* conf_get_json's items: label, reference, amount */
	const char *answer_url;            /* where the respondent answers (the QR code) */
	char *code;                        /* the organisation's first-access code, display
	                                    * form; NULL: not issued with this letter */
} letter;

/* A print run: the project's parties and its letters, in the order asked. */
typedef struct letters_set {
	const char *firm_name, *client_name, *base_url;
	letter *list;
	size_t n;
} letters_set;

/* What is to be printed: confirmations ids[n] (1 <= n <= LETTERS_MAX) of project_id. */
typedef struct letters_in {
	const char *project_id;
	const char *const *ids;
	size_t n;
	const char *base_url;
	bool issue_codes;                  /* print a fresh code on each letter */
} letters_in;

/* Prepare the letters of in (codes issued, events written, in the caller's transaction)
 * into *out.  Everything is read before anything is drawn, so the caller streams the PDF
 * only after BGW_OK.  BGW_E_VALIDATION: no ids, or a duplicate; BGW_E_TOO_LARGE: more than
 * LETTERS_MAX; BGW_E_NOT_FOUND: an id the user cannot see or of another project;
 * BGW_E_INVALID_STATE: a confirmation not sent yet (not with the respondent, no code to
 * issue); database errors as db_exec maps them. */
bgw_err letters_prepare(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const letters_in *in, letters_set *out);

#endif
