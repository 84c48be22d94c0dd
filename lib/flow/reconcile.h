/* reconcile.h - the reconciling items that resolve an exception (docs/design.md: timing
 * difference, cut-off, error, unexplained), validated once for every caller: the JSON
 * handler (an array of objects) and the HTML form (one item).
 *
 * An item is {kind, currency, amount, note?}; its amount follows the confirmation items'
 * money rules (confinput_item: the currency's minor units exactly) and may be negative.
 * Errors are named the way the caller's user addresses the field: "reconciling_items[1].amount"
 * for the API, "amount" for the form.
 */
#ifndef BGW_RECONCILE_H
#define BGW_RECONCILE_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "flow/confflow.h"
#include "core/err.h"
#include "http/fields.h"
#include "core/kv.h"

#define RECONCILE_ITEMS_MAX 100
#define RECONCILE_NOTE_MAX 2000

/* The kinds, NULL-terminated (for forms that list them). */
extern const char *const reconcile_kinds[];

/* The JSON array arr (the API's reconciling_items) as *out (arena array of *n items, every
 * string arena-owned or borrowed from arr, which must outlive them).  BGW_OK;
 * BGW_E_VALIDATION with every problem appended to *errors_tail (an empty or too long array
 * is "reconciling_items"); BGW_E_BAD_REQUEST when an element is not an object or a field
 * has the wrong JSON type; BGW_E_NOMEM. */
bgw_err reconcile_from_json(bgw_arena *a, const json_t *arr, reconciling_in **out, size_t *n,
    bgw_kv ***errors_tail);

/* One item from a urlencoded form with fields kind, currency, amount and item_note
 * (optional), into *out.  BGW_OK; BGW_E_VALIDATION with the problems (named "kind",
 * "currency", "amount", "item_note") appended to *errors_tail; BGW_E_BAD_REQUEST; BGW_E_NOMEM. */
bgw_err reconcile_from_form(bgw_arena *a, const bgw_kv *form, reconciling_in *out,
    bgw_kv ***errors_tail);

#endif
