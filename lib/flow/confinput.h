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
/* At most every section or question of a type once (workflow_sections). */
#define CONF_SECTIONS_MAX 16
/* Integer digits and decimals of a holding's quantity (0032_sections.sql's CHECK). */
#define CONF_QUANTITY_DIGITS 18
#define CONF_QUANTITY_DECIMALS 6

/* "ja", "en", NULL: the languages an addressee may be written to in. */
extern const char *const conf_locale_names[];

typedef struct conf_item_in {
	const char *label;
	const char *reference;   /* NULL if none */
	const char *currency;
	const char *amount;      /* canonical text; NULL on a blank-form item */
	const char *section;     /* bank section (workflow_sections), or NULL */
	const char *quantity;    /* securities: canonical quantity, or NULL */
	const char *custody;     /* securities: custody place, or NULL */
} conf_item_in;

typedef struct conf_input {
	const char *type, *form;
	const char *org_name, *email, *name;  /* respondent */
	const char *locale;                   /* the addressee's language; NULL: unchanged (ja) */
	const char *as_of, *due_date;
	conf_item_in *items;
	size_t nitems;
	bool has_items;                       /* PATCH: items given (replace them all) */
	/* The sections (bank) or questions (legal) asked: those the body names, then those its
	 * items name, each once. */
	const char **sections;
	size_t nsections;
	bool has_sections;                    /* PATCH: "sections" given (replace them) */
} conf_input;

/* Validate body.  partial: a PATCH, where every field is optional; missing ones are NULL,
 * and stored_form and stored_type (the draft's) decide whether item amounts may be blank
 * and which sections exist when the body does not change them.  BGW_OK;
 * BGW_E_BAD_REQUEST for wrong JSON types; BGW_E_VALIDATION with every bad field in
 * *errors. */
bgw_err confinput_from_json(bgw_arena *a, const json_t *body, bool partial,
    const char *stored_form, const char *stored_type, conf_input *out, bgw_kv **errors);

/* A holding's quantity in canonical form (no leading zeros, no trailing decimal zeros),
 * in a, or NULL when text is not a non-negative decimal of at most CONF_QUANTITY_DIGITS
 * integer digits and CONF_QUANTITY_DECIMALS decimals. */
const char *confinput_quantity(bgw_arena *a, const char *text);

/* The section and holding fields of one item (shared with the importers): section must be
 * one of type's (workflow_sections); quantity and custody only on securities, where a
 * quantity makes the amount optional.  Sets out->section, ->quantity, ->custody; errors
 * under prefix.  BGW_OK, BGW_E_VALIDATION or BGW_E_NOMEM. */
bgw_err confinput_item_extent(bgw_arena *a, const char *prefix, const char *type,
    const char *section, const char *quantity, const char *custody, conf_item_in *out,
    bgw_kv ***errors_tail);

/* Gather the asked sections: names (n of them, from the body or the import) checked
 * against type's, then every section the items name, each once, into out->sections.  A
 * type without sections asks none.  The body's own names are reported as field
 * "sections[i]".  BGW_OK, BGW_E_VALIDATION or BGW_E_NOMEM. */
bgw_err confinput_sections(bgw_arena *a, const char *type, const char *const *names, size_t n,
    conf_input *out, bgw_kv ***errors_tail);

/* true if an item with this type and quantity may leave its amount empty: a blank form,
 * or a holding stated by quantity. */
bool confinput_amount_optional(const char *form, const char *type, const char *quantity);

/* Validate one item (shared with the importers); prefix names the fields in errors.  The
 * form decides whether the amount may be missing ("blank" forms). */
bgw_err confinput_item(bgw_arena *a, const char *prefix, const char *form, const char *label,
    const char *reference, const char *currency, const char *amount, conf_item_in *out,
    bgw_kv ***errors_tail);

#endif
