/* test_reconcile.c - reconciling items from the API's JSON and from the page's form: one
 * set of rules, errors named as each caller's user addresses the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flow/reconcile.h"

static int
setup(void **state)
{
	*state = bgw_arena_new();
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	bgw_arena_free(*state);
	return 0;
}

/* The errors as "name=reason;..." for comparison. */
static const char *
names(bgw_arena *a, const bgw_kv *e)
{
	const char *s = "";

	for (; e != NULL; e = e->next)
		s = bgw_arena_printf(a, "%s%s;", s, e->key);
	return s;
}

static void
test_json(void **state)
{
	static const struct {
		const char *body;
		bgw_err want;
		const char *errors; /* the field names in errors, in order */
		const char *amount0;
	} v[] = {
		{"[{\"kind\":\"timing_difference\",\"currency\":\"JPY\",\"amount\":\"-1000\"}]",
		    BGW_OK, "", "-1000"},
		{"[{\"kind\":\"cut_off\",\"currency\":\"USD\",\"amount\":\"12.50\",\"note\":\"x\"}]",
		    BGW_OK, "", "12.50"},
		{"[]", BGW_E_VALIDATION, "reconciling_items;", NULL},
		{"[{\"kind\":\"guess\",\"currency\":\"JPY\",\"amount\":\"1\"}]", BGW_E_VALIDATION,
		    "reconciling_items[0].kind;", NULL},
		{"[{\"kind\":\"error\",\"currency\":\"JPY\",\"amount\":\"1.5\"}]", BGW_E_VALIDATION,
		    "reconciling_items[0].amount;", NULL},
		{"[{\"kind\":\"error\",\"currency\":\"XXY\",\"amount\":\"1\"}]", BGW_E_VALIDATION,
		    "reconciling_items[0].currency;", NULL},
		{"[{\"kind\":\"error\",\"currency\":\"JPY\",\"amount\":\"1\"},"
		    "{\"currency\":\"USD\",\"amount\":\"1.234\"}]", BGW_E_VALIDATION,
		    "reconciling_items[1].kind;", NULL},
		{"[{\"kind\":\"error\",\"currency\":\"JPY\"},{\"kind\":\"error\",\"currency\":\"USD\","
		    "\"amount\":\"1.234\"}]", BGW_E_VALIDATION,
		    "reconciling_items[0].amount;reconciling_items[1].amount;", NULL},
		{"[1]", BGW_E_BAD_REQUEST, "", NULL},
		{"[{\"kind\":\"error\",\"currency\":\"JPY\",\"amount\":5}]", BGW_E_BAD_REQUEST, "",
		    NULL},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		bgw_arena *a = *state;
		json_t *arr = json_loads(v[i].body, 0, NULL);
		bgw_kv *errors = NULL, **tail = &errors;
		reconciling_in *items;
		size_t n;
		bgw_err err;

		assert_non_null(arr);
		err = reconcile_from_json(a, arr, &items, &n, &tail);
		assert_int_equal(err, v[i].want);
		if (v[i].want != BGW_E_BAD_REQUEST)
			assert_string_equal(names(a, errors), v[i].errors);
		if (v[i].amount0 != NULL) {
			assert_true(n >= 1);
			assert_string_equal(items[0].amount, v[i].amount0);
		} else {
			assert_null(items);
			assert_int_equal(n, 0);
		}
		json_decref(arr);
	}
}

static void
test_too_many(void **state)
{
	bgw_arena *a = *state;
	json_t *arr = json_array();
	bgw_kv *errors = NULL, **tail = &errors;
	reconciling_in *items;
	size_t n;

	for (int i = 0; i <= RECONCILE_ITEMS_MAX; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "kind", "error",
		    "currency", "JPY", "amount", "1"));
	assert_int_equal(reconcile_from_json(a, arr, &items, &n, &tail), BGW_E_VALIDATION);
	assert_string_equal(names(a, errors), "reconciling_items;");
	json_array_remove(arr, 0);
	errors = NULL;
	tail = &errors;
	assert_int_equal(reconcile_from_json(a, arr, &items, &n, &tail), BGW_OK);
	assert_int_equal(n, RECONCILE_ITEMS_MAX);
	json_decref(arr);
}

/* A form as a kv list from "k=v&k=v" (no escapes needed here). */
static bgw_kv *
form_of(bgw_arena *a, const char *s)
{
	bgw_kv *head = NULL, **tail = &head;
	char *copy = bgw_arena_strdup(a, s), *save = NULL;

	for (char *pair = strtok_r(copy, "&", &save); pair != NULL;
	    pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');

		*eq = '\0';
		assert_int_equal(kv_append(a, &tail, pair, eq + 1, strlen(eq + 1)), BGW_OK);
	}
	return head;
}

static void
test_form(void **state)
{
	static const struct {
		const char *form;
		bgw_err want;
		const char *errors;
		const char *amount, *note;
	} v[] = {
		{"kind=error&currency=JPY&amount=-250&note=resolution&csrf_token=t", BGW_OK, "",
		    "-250", NULL},
		{"kind=cut_off&currency=USD&amount=3.10&item_note=late", BGW_OK, "", "3.10", "late"},
		{"kind=&currency=JPY&amount=1", BGW_E_VALIDATION, "kind;", NULL, NULL},
		{"kind=error&currency=JPY&amount=1.25", BGW_E_VALIDATION, "amount;", NULL, NULL},
		{"kind=error&currency=jpy&amount=1", BGW_E_VALIDATION, "currency;", NULL, NULL},
		{"kind=unexplained&currency=JPY", BGW_E_VALIDATION, "amount;", NULL, NULL},
		{"kind=error&kind=cut_off&currency=JPY&amount=1", BGW_E_BAD_REQUEST, "", NULL, NULL},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		bgw_arena *a = *state;
		bgw_kv *errors = NULL, **tail = &errors;
		reconciling_in item = {0};
		bgw_err err = reconcile_from_form(a, form_of(a, v[i].form), &item, &tail);

		assert_int_equal(err, v[i].want);
		if (err != BGW_E_BAD_REQUEST)
			assert_string_equal(names(a, errors), v[i].errors);
		if (v[i].amount != NULL) {
			assert_string_equal(item.amount, v[i].amount);
			if (v[i].note != NULL)
				assert_string_equal(item.note, v[i].note);
			else
				assert_null(item.note);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form, setup, teardown),
	};

	return cmocka_run_group_tests_name("reconcile", tests, NULL, NULL);
}
