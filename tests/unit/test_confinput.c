/* test_confinput.c - a confirmation's body validated (lib/flow/confinput.h): every problem
 * named by the field a client addresses ("respondent.email", "items[1].amount"), amounts
 * against their currency's minor units, blank forms without amounts, a PATCH partial. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/arena.h"
#include "flow/confinput.h"

static bool
named(const bgw_kv *errors, const char *field)
{
	for (; errors != NULL; errors = errors->next)
		if (strcmp(errors->key, field) == 0)
			return true;
	return false;
}

static bgw_err
check(const char *json, bool partial, const char *stored_form, conf_input *in,
    bgw_kv **errors)
{
	static bgw_arena *a;
	json_t *body = json_loads(json, 0, NULL);
	bgw_err err;

	if (a == NULL)
		a = bgw_arena_new();
	assert_non_null(body);
	err = confinput_from_json(a, body, partial, stored_form, NULL, in, errors);
	json_decref(body);
	return err;
}

#define GOOD "{\"type\":\"bank\",\"form\":\"positive\",\"as_of\":\"2026-03-31\"," \
	"\"due_date\":\"2026-04-30\",\"respondent\":{\"organization\":\"Sample Bank\"," \
	"\"email\":\"kakunin@bank.example\",\"name\":\"Tanaka\"},\"items\":[" \
	"{\"label\":\"Deposit\",\"currency\":\"JPY\",\"amount\":\"1200000\"}," \
	"{\"label\":\"Loan\",\"reference\":\"L-1\",\"currency\":\"USD\",\"amount\":\"10.25\"}]}"

static void
test_valid(void **state)
{
	conf_input in;
	bgw_kv *errors = NULL;

	(void)state;
	assert_int_equal(check(GOOD, false, NULL, &in, &errors), BGW_OK);
	assert_null(errors);
	assert_string_equal(in.type, "bank");
	assert_string_equal(in.email, "kakunin@bank.example");
	assert_int_equal(in.nitems, 2);
	assert_string_equal(in.items[1].reference, "L-1");
	assert_string_equal(in.items[1].amount, "10.25");
}

static void
test_fields_named(void **state)
{
	conf_input in;
	bgw_kv *errors = NULL;

	(void)state;
	assert_int_equal(check("{\"type\":\"loan\",\"form\":\"positive\",\"as_of\":\"2026-03-31\","
	    "\"due_date\":\"2026-03-01\",\"respondent\":{\"organization\":\"B\",\"email\":\"x\","
	    "\"name\":\"T\"},\"items\":[{\"label\":\"D\",\"currency\":\"JPY\",\"amount\":\"1\"},"
	    "{\"label\":\"E\",\"currency\":\"JPY\",\"amount\":\"1.5\"}]}", false, NULL, &in,
	    &errors), BGW_E_VALIDATION);
	assert_true(named(errors, "type"));
	assert_true(named(errors, "respondent.email"));
	assert_true(named(errors, "items[1].amount")); /* yen have no minor unit */
	assert_false(named(errors, "items[0].amount"));
	assert_true(named(errors, "due_date"));        /* before the as-of date */
}

static void
test_items_required_and_blank_form(void **state)
{
	conf_input in;
	bgw_kv *errors = NULL;

	(void)state;
	assert_int_equal(check("{\"type\":\"bank\",\"form\":\"positive\",\"as_of\":\"2026-03-31\","
	    "\"due_date\":\"2026-04-30\",\"respondent\":{\"organization\":\"B\","
	    "\"email\":\"a@b.example\",\"name\":\"T\"},\"items\":[]}", false, NULL, &in, &errors),
	    BGW_E_VALIDATION);
	assert_true(named(errors, "items"));
	/* A blank form asks the respondent for the amounts: none is given. */
	assert_int_equal(check("{\"type\":\"bank\",\"form\":\"blank\",\"as_of\":\"2026-03-31\","
	    "\"due_date\":\"2026-04-30\",\"respondent\":{\"organization\":\"B\","
	    "\"email\":\"a@b.example\",\"name\":\"T\"},\"items\":[{\"label\":\"D\","
	    "\"currency\":\"JPY\"}]}", false, NULL, &in, &errors), BGW_OK);
	assert_null(in.items[0].amount);
	/* ... but a positive one needs them. */
	assert_int_equal(check("{\"type\":\"bank\",\"form\":\"positive\",\"as_of\":\"2026-03-31\","
	    "\"due_date\":\"2026-04-30\",\"respondent\":{\"organization\":\"B\","
	    "\"email\":\"a@b.example\",\"name\":\"T\"},\"items\":[{\"label\":\"D\","
	    "\"currency\":\"JPY\"}]}", false, NULL, &in, &errors), BGW_E_VALIDATION);
	assert_true(named(errors, "items[0].amount"));
}

/* A PATCH: everything optional; the stored form decides about blank amounts. */
static void
test_partial(void **state)
{
	conf_input in;
	bgw_kv *errors = NULL;

	(void)state;
	assert_int_equal(check("{}", true, "positive", &in, &errors), BGW_OK);
	assert_null(in.type);
	assert_false(in.has_items);
	assert_int_equal(check("{\"items\":[{\"label\":\"D\",\"currency\":\"JPY\"}]}", true,
	    "blank", &in, &errors), BGW_OK);
	assert_true(in.has_items);
	assert_int_equal(check("{\"items\":[{\"label\":\"D\",\"currency\":\"JPY\"}]}", true,
	    "positive", &in, &errors), BGW_E_VALIDATION);
	assert_true(named(errors, "items[0].amount"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_fields_named),
		cmocka_unit_test(test_items_required_and_blank_form),
		cmocka_unit_test(test_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
