/* confinput.h - the body of a confirmation (create and PATCH) validated into typed values.
 *
 * Nested fields are named in errors the way a client addresses them: "respondent.email",
 * "items[2].amount".  Amounts are checked against their currency's minor units (money.h).
 */
#ifndef BGW_CONFINPUT_H
#define BGW_CONFINPUT_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

#define CONF_ITEMS_MAX 200

/* "ja", "en", NULL: the languages an addressee may be written to in. */
extern const char *const conf_locale_names[];

typedef struct conf_item_in {
	const char *label;
	const char *reference;   /* NULL if none */
	const char *currency;
	const char *amount;      /* canonical text; NULL on a blank-form item */
} conf_item_in;

typedef struct conf_input {
	const char *type, *form;
	const char *org_name, *email, *name;  /* respondent */
	const char *locale;                   /* the addressee's language; NULL: unchanged (ja) */
	const char *as_of, *due_date;
	conf_item_in *items;
	size_t nitems;
	bool has_items;                       /* PATCH: items given (replace them all) */
} conf_input;

/* Validate body.  partial: a PATCH, where every field is optional; missing ones are NULL,
 * and stored_form (the draft's form) decides whether item amounts may be blank when the
 * body does not change the form.  BGW_OK; BGW_E_BAD_REQUEST for wrong JSON types;
 * BGW_E_VALIDATION with every bad field in *errors. */
bgw_err confinput_from_json(bgw_arena *a, const json_t *body, bool partial,
    const char *stored_form, conf_input *out, bgw_kv **errors);

/* Validate one item (shared with the importers); prefix names the fields in errors.  The
 * form decides whether the amount may be missing ("blank" forms). */
bgw_err confinput_item(bgw_arena *a, const char *prefix, const char *form, const char *label,
    const char *reference, const char *currency, const char *amount, conf_item_in *out,
    bgw_kv ***errors_tail);

#endif
