/* reconcile.c - reconciling items from JSON or a form, one set of rules. */
#include "flow/reconcile.h"

#include <string.h>

#include "flow/confinput.h"

const char *const reconcile_kinds[] = {"timing_difference", "cut_off", "error", "unexplained",
	NULL};

static const field_spec json_spec[] = {
	{.name = "kind", .type = FIELD_ENUM, .required = true, .enum_values = reconcile_kinds},
	{.name = "currency", .type = FIELD_STRING, .required = true, .max_len = 3},
	{.name = "amount", .type = FIELD_STRING, .required = true, .max_len = 40},
	{.name = "note", .type = FIELD_TEXT, .max_len = RECONCILE_NOTE_MAX},
	{.name = NULL},
};

/* The same fields in a form, where "note" already names the resolution's own note. */
static const field_spec form_spec[] = {
	{.name = "kind", .type = FIELD_ENUM, .required = true, .enum_values = reconcile_kinds},
	{.name = "currency", .type = FIELD_STRING, .required = true, .max_len = 3},
	{.name = "amount", .type = FIELD_STRING, .required = true, .max_len = 40},
	{.name = "item_note", .type = FIELD_TEXT, .max_len = RECONCILE_NOTE_MAX},
	{.name = NULL},
};

/* The checks after the field types: the kind was checked by the spec; the amount follows
 * the items' money rules, negative allowed (a reconciling item may reduce a balance). */
static bgw_err
check(bgw_arena *a, const char *prefix, const field_spec *spec, const field_value *vals,
    const char *note_name, reconciling_in *out, bgw_kv ***tail)
{
	conf_item_in parsed;
	const field_value *note = fields_get(vals, spec, note_name);
	bgw_err err = confinput_item(a, prefix, "positive", "-", NULL,
	    fields_get(vals, spec, "currency")->s, fields_get(vals, spec, "amount")->s, &parsed,
	    tail);

	if (err != BGW_OK)
		return err;
	out->kind = fields_get(vals, spec, "kind")->s;
	out->currency = parsed.currency;
	out->amount = parsed.amount;
	out->note = note->present && note->s[0] != '\0' ? note->s : NULL;
	return BGW_OK;
}

bgw_err
reconcile_from_json(bgw_arena *a, const json_t *arr, reconciling_in **out, size_t *n,
    bgw_kv ***tail)
{
	size_t count = json_array_size(arr);
	reconciling_in *items;
	bgw_err result = BGW_OK, err;

	*out = NULL;
	*n = 0;
	if (count == 0 || count > RECONCILE_ITEMS_MAX) {
		const char *why = count == 0 ? "at least one item" : "too many items";

		return kv_append(a, tail, "reconciling_items", why, strlen(why)) == BGW_OK ?
		    BGW_E_VALIDATION : BGW_E_NOMEM;
	}
	if ((items = bgw_arena_calloc(a, count, sizeof(*items))) == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < count; i++) {
		const json_t *o = json_array_get(arr, i);
		const char *prefix = bgw_arena_printf(a, "reconciling_items[%zu].", i);
		field_value *vals;
		bgw_kv *errs = NULL;

		if (!json_is_object(o))
			return BGW_E_BAD_REQUEST;
		if (prefix == NULL)
			return BGW_E_NOMEM;
		err = fields_from_json(a, o, json_spec, &vals, &errs);
		if (kv_append_prefixed(a, tail, prefix, errs) != BGW_OK)
			return BGW_E_NOMEM;
		if (err == BGW_OK)
			err = check(a, prefix, json_spec, vals, "note", &items[i], tail);
		if (err == BGW_E_VALIDATION)
			result = err;
		else if (err != BGW_OK)
			return err;
	}
	if (result != BGW_OK)
		return result;
	*out = items;
	*n = count;
	return BGW_OK;
}

bgw_err
reconcile_from_form(bgw_arena *a, const bgw_kv *form, reconciling_in *out, bgw_kv ***tail)
{
	field_value *vals;
	bgw_kv *errs = NULL;
	bgw_err err = fields_from_form(a, form, form_spec, &vals, &errs);

	if (kv_append_prefixed(a, tail, "", errs) != BGW_OK)
		return BGW_E_NOMEM;
	if (err != BGW_OK)
		return err;
	return check(a, "", form_spec, vals, "item_note", out, tail);
}
