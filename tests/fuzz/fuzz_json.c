/* fuzz_json.c - a JSON request body through jsonbody_parse, fields_from_json and back out
 * through jsonout_dump, whose output must parse again to an equal value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/fields.h"
#include "http/jsonbody.h"
#include "http/jsonout.h"
#include "flow/confinput.h"
#include "flow/confsection.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {"bank", "receivable", "payable", "other", NULL};

/* Shaped like POST /projects/{pid}/confirmations, with one field of every type. */
static const field_spec specs[] = {
	{"type", FIELD_ENUM, true, 0, kinds},
	{"name", FIELD_STRING, true, 0, NULL},
	{"note", FIELD_TEXT, false, 0, NULL},
	{"email", FIELD_EMAIL, true, 0, NULL},
	{"as_of", FIELD_DATE, true, 0, NULL},
	{"count", FIELD_INT, false, 0, NULL},
	{"shared", FIELD_BOOL, false, 0, NULL},
	{"amount", FIELD_AMOUNT, false, 0, NULL},
	{"id", FIELD_ID, false, 0, NULL},
	{"respondent", FIELD_OBJECT, false, 0, NULL},
	{"items", FIELD_ARRAY, false, 0, NULL},
	{NULL, FIELD_STRING, false, 0, NULL},
};

/* The confirmation body (confinput, with its sections and holdings) and an answer's
 * "response_sections" (confsection) checked against a bank asking three sections: a
 * validation error always names a field. */
static void
sections(bgw_arena *a, const json_t *obj)
{
	static const char *const asked[] = {"deposits", "guarantees", "derivatives"};
	static const char *const filled[] = {"deposits"};
	confsection_asked q = {.type = WF_TYPE_BANK, .asked = asked, .nasked = 3,
		.filled = filled, .nfilled = 1};
	const json_t *arr = json_object_get(obj, "response_sections");
	resp_section_in *out;
	bgw_kv *errors = NULL, **tail = &errors;
	conf_input in;
	size_t n;
	bgw_err e;

	e = confinput_from_json(a, obj, false, NULL, NULL, &in, &errors);
	if (e == BGW_E_VALIDATION && errors == NULL)
		abort();
	e = confinput_from_json(a, obj, true, "blank", "securities", &in, &errors);
	if (e == BGW_E_VALIDATION && errors == NULL)
		abort();
	if (!json_is_array(arr))
		return;
	errors = NULL;
	e = confsection_read(a, arr, &q, &out, &n, &tail);
	/* confsection.h's contract: a validation error names a field, success names none.  A
	 * hard error (400 for an element of the wrong type) may follow problems already
	 * appended for earlier elements; the caller answers 400 and ignores them. */
	if (e == BGW_E_VALIDATION && errors == NULL)
		abort();
	if (e == BGW_OK && errors != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	field_value *vals;
	bgw_kv *errors;
	json_t *obj, *back, *err;
	bgw_err e;
	char *out;
	size_t len;

	if (a == NULL)
		return 0;
	if (jsonbody_parse(a, (const char *)data, size, &obj) != BGW_OK)
		goto done;
	if (json_is_object(obj))
		sections(a, obj);
	e = fields_from_json(a, obj, specs, &vals, &errors);
	if (e == BGW_OK && errors != NULL)
		abort();
	if (e == BGW_E_VALIDATION && errors == NULL)
		abort();
	if (e == BGW_OK) {
		const field_value *fv = fields_get(vals, specs, "email");

		/* a valid required field is present with its text */
		if (!fv->present || fv->s == NULL || strchr(fv->s, '@') == NULL)
			abort();
	}
	err = jsonout_own(a, jsonout_error(e, errors));
	if (err == NULL || jsonout_dump(a, err, NULL) == NULL)
		abort();
	out = jsonout_dump(a, obj, &len);
	if (out == NULL)
		abort();
	if (memchr(out, '<', len) != NULL || memchr(out, '&', len) != NULL)
		abort();
	if (jsonbody_parse(a, out, len, &back) != BGW_OK || !json_equal(obj, back))
		abort();
done:
	bgw_arena_free(a);
	return 0;
}
