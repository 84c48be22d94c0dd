/* confinput.c - nested validation of confirmation bodies over fields.c and money.c. */
#include "flow/confinput.h"

#include <string.h>

#include "http/fields.h"
#include "core/money.h"
#include "flow/workflow.h"


static const field_spec top_full[] = {
	{.name = "type", .type = FIELD_ENUM, .required = true, .enum_values = wf_type_names},
	{.name = "form", .type = FIELD_ENUM, .required = true, .enum_values = wf_form_names},
	{.name = "respondent", .type = FIELD_OBJECT, .required = true},
	{.name = "as_of", .type = FIELD_DATE, .required = true},
	{.name = "due_date", .type = FIELD_DATE, .required = true},
	{.name = "items", .type = FIELD_ARRAY, .required = true},
	{.name = NULL},
};
static const field_spec top_partial[] = {
	{.name = "type", .type = FIELD_ENUM, .enum_values = wf_type_names},
	{.name = "form", .type = FIELD_ENUM, .enum_values = wf_form_names},
	{.name = "respondent", .type = FIELD_OBJECT},
	{.name = "as_of", .type = FIELD_DATE},
	{.name = "due_date", .type = FIELD_DATE},
	{.name = "items", .type = FIELD_ARRAY},
	{.name = NULL},
};
/* The addressee's language (mails and the first pages of its journey). */
const char *const conf_locale_names[] = {"ja", "en", NULL};

static const field_spec respondent_full[] = {
	{.name = "organization", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "email", .type = FIELD_EMAIL, .required = true},
	{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "locale", .type = FIELD_ENUM, .enum_values = conf_locale_names},
	{.name = NULL},
};
static const field_spec respondent_partial[] = {
	{.name = "organization", .type = FIELD_STRING, .max_len = 200},
	{.name = "email", .type = FIELD_EMAIL},
	{.name = "name", .type = FIELD_STRING, .max_len = 200},
	{.name = "locale", .type = FIELD_ENUM, .enum_values = conf_locale_names},
	{.name = NULL},
};
static const field_spec item_spec[] = {
	{.name = "label", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "reference", .type = FIELD_STRING, .max_len = 100},
	{.name = "currency", .type = FIELD_STRING, .required = true, .max_len = 3},
	{.name = "amount", .type = FIELD_STRING, .max_len = 40},
	{.name = NULL},
};

static bgw_err
add_error(bgw_arena *a, bgw_kv ***tail, const char *name, const char *reason)
{
	return kv_append(a, tail, name, reason, strlen(reason));
}

/* One error on field key of the item named by prefix ("items[2]."). */
static bgw_err
item_error(bgw_arena *a, bgw_kv ***tail, const char *prefix, const char *key,
    const char *reason)
{
	char *name = bgw_arena_printf(a, "%s%s", prefix, key);

	if (name == NULL)
		return BGW_E_NOMEM;
	return add_error(a, tail, name, reason);
}

static const char *
str(const field_value *vals, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(vals, specs, name);

	return v != NULL && v->present ? v->s : NULL;
}

bgw_err
confinput_item(bgw_arena *a, const char *prefix, const char *form, const char *label,
    const char *reference, const char *currency, const char *amount, conf_item_in *out,
    bgw_kv ***tail)
{
	char canonical[MONEY_TEXT_MAX];
	money m;
	bgw_err err = BGW_OK;

	out->label = label;
	out->reference = reference;
	out->currency = currency;
	out->amount = NULL;
	if (currency == NULL || !money_currency_valid(currency)) {
		if (item_error(a, tail, prefix, "currency", "not an ISO 4217 code") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_VALIDATION;
	}
	if (amount == NULL) {
		/* A blank form asks the respondent to fill the amounts in. */
		if (form != NULL && strcmp(form, "blank") == 0)
			return BGW_OK;
		if (item_error(a, tail, prefix, "amount", "required") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_VALIDATION;
	}
	if (money_parse(amount, currency, &m) != BGW_OK ||
	    money_format(&m, canonical, sizeof(canonical)) != BGW_OK) {
		if (item_error(a, tail, prefix, "amount",
		    "not an exact amount with the currency's decimals") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_VALIDATION;
	}
	out->amount = bgw_arena_strdup(a, canonical);
	if (out->amount == NULL)
		err = BGW_E_NOMEM;
	return err;
}

static bgw_err
read_items(bgw_arena *a, const json_t *arr, const char *form, conf_input *out, bgw_kv ***tail)
{
	size_t n = json_array_size(arr);
	bgw_err result = BGW_OK;

	if (n == 0 || n > CONF_ITEMS_MAX)
		return add_error(a, tail, "items", n == 0 ? "at least one item" : "too many items") ==
		    BGW_OK ? BGW_E_VALIDATION : BGW_E_NOMEM;
	out->items = bgw_arena_calloc(a, n, sizeof(*out->items));
	if (out->items == NULL)
		return BGW_E_NOMEM;
	out->nitems = n;
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_array_get(arr, i);
		char *prefix = bgw_arena_printf(a, "items[%zu].", i);
		bgw_kv *errs = NULL;
		field_value *vals;
		bgw_err err;

		if (prefix == NULL)
			return BGW_E_NOMEM;
		if (!json_is_object(item))
			return BGW_E_BAD_REQUEST;
		err = fields_from_json(a, item, item_spec, &vals, &errs);
		if (err == BGW_E_VALIDATION) {
			if (kv_append_prefixed(a, tail, prefix, errs) != BGW_OK)
				return BGW_E_NOMEM;
			result = BGW_E_VALIDATION;
			continue;
		}
		if (err != BGW_OK)
			return err;
		err = confinput_item(a, prefix, form, str(vals, item_spec, "label"),
		    str(vals, item_spec, "reference"), str(vals, item_spec, "currency"),
		    str(vals, item_spec, "amount"), &out->items[i], tail);
		if (err == BGW_E_VALIDATION)
			result = err;
		else if (err != BGW_OK)
			return err;
	}
	return result;
}

bgw_err
confinput_from_json(bgw_arena *a, const json_t *body, bool partial, const char *stored_form,
    conf_input *out, bgw_kv **errors)
{
	const field_spec *top = partial ? top_partial : top_full;
	const field_spec *resp = partial ? respondent_partial : respondent_full;
	bgw_kv **tail = errors;
	field_value *vals;
	const field_value *v;
	bgw_err err, result = BGW_OK;

	memset(out, 0, sizeof(*out));
	*errors = NULL;
	err = fields_from_json(a, body, top, &vals, errors);
	if (err != BGW_OK && err != BGW_E_VALIDATION)
		return err;
	result = err;
	while (*tail != NULL)
		tail = &(*tail)->next;
	out->type = str(vals, top, "type");
	out->form = str(vals, top, "form");
	out->as_of = str(vals, top, "as_of");
	out->due_date = str(vals, top, "due_date");
	v = fields_get(vals, top, "respondent");
	if (v != NULL && v->present) {
		bgw_kv *errs = NULL;
		field_value *rv;

		err = fields_from_json(a, v->j, resp, &rv, &errs);
		if (err == BGW_E_VALIDATION) {
			if (kv_append_prefixed(a, &tail, "respondent.", errs) != BGW_OK)
				return BGW_E_NOMEM;
			result = err;
		} else if (err != BGW_OK) {
			return err;
		} else {
			out->org_name = str(rv, resp, "organization");
			out->email = str(rv, resp, "email");
			out->name = str(rv, resp, "name");
			out->locale = str(rv, resp, "locale");
		}
	}
	v = fields_get(vals, top, "items");
	if (v != NULL && v->present) {
		out->has_items = true;
		err = read_items(a, v->j, out->form != NULL ? out->form : stored_form, out, &tail);
		if (err == BGW_E_VALIDATION)
			result = err;
		else if (err != BGW_OK)
			return err;
	}
	/* ISO dates compare as strings. */
	if (out->as_of != NULL && out->due_date != NULL && strcmp(out->due_date, out->as_of) < 0) {
		if (add_error(a, &tail, "due_date", "before the as-of date") != BGW_OK)
			return BGW_E_NOMEM;
		result = BGW_E_VALIDATION;
	}
	return result;
}
