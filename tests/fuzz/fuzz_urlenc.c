/* fuzz_urlenc.c - a query string or form body through urlenc_parse and fields_from_form;
 * every parsed pair must survive urlenc_encode and parse back unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/fields.h"
#include "core/urlenc.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PAIRS 64

static const char *const sides[] = {"audit", "client", "respondent", NULL};

static const field_spec specs[] = {
	{"email", FIELD_EMAIL, true, 0, NULL},
	{"name", FIELD_STRING, false, 20, NULL},
	{"note", FIELD_TEXT, false, 0, NULL},
	{"due", FIELD_DATE, false, 0, NULL},
	{"page", FIELD_INT, false, 0, NULL},
	{"admin", FIELD_BOOL, false, 0, NULL},
	{"side", FIELD_ENUM, false, 0, sides},
	{"amount", FIELD_AMOUNT, false, 0, NULL},
	{"id", FIELD_ID, false, 0, NULL},
	{NULL, FIELD_STRING, false, 0, NULL},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	bgw_kv *form, *errors, *p;
	field_value *vals;
	bgw_err e;

	if (a == NULL)
		return 0;
	if (urlenc_parse(a, (const char *)data, size, FUZZ_MAX_PAIRS, &form) != BGW_OK)
		goto done;
	if (kv_count(form) > FUZZ_MAX_PAIRS)
		abort();
	for (p = form; p != NULL; p = p->next) {
		char *ek = urlenc_encode(a, p->key), *ev = urlenc_encode(a, p->value);
		char *q = bgw_arena_printf(a, "%s=%s", ek, ev);
		bgw_kv *back;

		if (p->key[0] == '\0' || strlen(p->value) != p->value_len ||
		    !utf8_valid(p->value, p->value_len))
			abort();
		if (urlenc_parse(a, q, strlen(q), 1, &back) != BGW_OK || back == NULL ||
		    strcmp(back->key, p->key) != 0 || strcmp(back->value, p->value) != 0)
			abort();
	}
	e = fields_from_form(a, form, specs, &vals, &errors);
	if ((e == BGW_E_VALIDATION) != (errors != NULL))
		abort();
done:
	bgw_arena_free(a);
	return 0;
}
