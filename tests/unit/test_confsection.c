/* test_confsection.c - every asked section answered once (lib/flow/confsection.h): a bank's
 * sections with rows or "none", a lawyer's questions in free text, each problem named the
 * way a client addresses it ("sections[1].none", "sections.guarantees"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/arena.h"
#include "flow/confsection.h"

static const char *
reason(const bgw_kv *errors, const char *field)
{
	for (; errors != NULL; errors = errors->next)
		if (strcmp(errors->key, field) == 0)
			return errors->value;
	return NULL;
}

static size_t
count(const bgw_kv *errors)
{
	size_t n = 0;

	for (; errors != NULL; errors = errors->next)
		n++;
	return n;
}

static bgw_err
run(const char *json, const confsection_asked *q, resp_section_in **out, size_t *n,
    bgw_kv **errors)
{
	static bgw_arena *a;
	json_t *arr = json != NULL ? json_loads(json, 0, NULL) : NULL;
	bgw_kv **tail = errors;
	bgw_err err;

	if (a == NULL)
		a = bgw_arena_new();
	*errors = NULL;
	if (json != NULL)
		assert_non_null(arr);
	err = confsection_read(a, arr, q, out, n, &tail);
	json_decref(arr);
	return err;
}

static const char *const bank_asked[] = {"deposits", "borrowings", "guarantees"};
static const char *const bank_filled[] = {"deposits", "deposits"};

static void
test_bank_rows_or_none(void **state)
{
	confsection_asked q = {.type = WF_TYPE_BANK, .asked = bank_asked, .nasked = 3,
		.filled = bank_filled, .nfilled = 2};
	resp_section_in *s;
	size_t n;
	bgw_kv *errors;

	(void)state;
	assert_int_equal(run("[{\"section\":\"borrowings\",\"none\":true},"
	    "{\"section\":\"guarantees\",\"none\":true}]", &q, &s, &n, &errors), BGW_OK);
	assert_null(errors);
	assert_int_equal(n, 2);
	assert_string_equal(s[1].section, "guarantees");
	assert_true(s[1].none);
	assert_null(s[1].answer);

	/* Absent: every asked section without rows is named. */
	assert_int_equal(run(NULL, &q, &s, &n, &errors), BGW_E_VALIDATION);
	assert_int_equal(count(errors), 2);
	assert_string_equal(reason(errors, "sections.borrowings"), "rows or none");
	assert_string_equal(reason(errors, "sections.guarantees"), "rows or none");
	assert_null(reason(errors, "sections.deposits"));
}

static void
test_bank_contradictions(void **state)
{
	confsection_asked q = {.type = WF_TYPE_BANK, .asked = bank_asked, .nasked = 3,
		.filled = bank_filled, .nfilled = 2};
	resp_section_in *s;
	size_t n;
	bgw_kv *errors;

	(void)state;
	assert_int_equal(run("[{\"section\":\"deposits\",\"none\":true},"
	    "{\"section\":\"derivatives\",\"none\":true},"
	    "{\"section\":\"borrowings\",\"none\":true},"
	    "{\"section\":\"borrowings\",\"none\":true},"
	    "{\"section\":\"guarantees\"}]", &q, &s, &n, &errors), BGW_E_VALIDATION);
	assert_string_equal(reason(errors, "sections[0].none"), "rows are given for this section");
	assert_string_equal(reason(errors, "sections[1].section"), "not asked");
	assert_string_equal(reason(errors, "sections[3].section"), "answered twice");
	assert_string_equal(reason(errors, "sections[4].none"), "rows or none");
	assert_null(reason(errors, "sections[2].section"));
}

static void
test_legal_free_text(void **state)
{
	static const char *const asked[] = {"pending_litigation", "claims", "fees_outstanding"};
	confsection_asked q = {.type = WF_TYPE_LEGAL, .asked = asked, .nasked = 3};
	resp_section_in *s;
	size_t n;
	bgw_kv *errors;

	(void)state;
	assert_int_equal(run("[{\"section\":\"pending_litigation\",\"answer\":\"係属中 1件\"},"
	    "{\"section\":\"claims\",\"none\":true},"
	    "{\"section\":\"fees_outstanding\",\"answer\":\"なし\"}]", &q, &s, &n, &errors),
	    BGW_OK);
	assert_int_equal(n, 3);
	assert_string_equal(s[0].answer, "係属中 1件");
	assert_int_equal(run("[{\"section\":\"pending_litigation\",\"answer\":\"\"}]", &q, &s, &n,
	    &errors), BGW_E_VALIDATION);
	assert_string_equal(reason(errors, "sections[0].answer"), "required");
	assert_string_equal(reason(errors, "sections.claims"), "required");
	assert_string_equal(reason(errors, "sections.fees_outstanding"), "required");
}

static void
test_malformed(void **state)
{
	confsection_asked q = {.type = WF_TYPE_BANK, .asked = bank_asked, .nasked = 3,
		.filled = bank_filled, .nfilled = 2};
	resp_section_in *s;
	size_t n;
	bgw_kv *errors;

	(void)state;
	assert_int_equal(run("[1]", &q, &s, &n, &errors), BGW_E_BAD_REQUEST);
	/* A wrong JSON type is a bad request (400), as everywhere in the API. */
	assert_int_equal(run("[{\"section\":\"guarantees\",\"none\":\"yes\"}]", &q, &s, &n,
	    &errors), BGW_E_BAD_REQUEST);
	/* A missing name is reported, and the elements that parsed are still checked. */
	assert_int_equal(run("[{\"none\":true},{\"section\":\"loans\",\"none\":true}]", &q,
	    &s, &n, &errors), BGW_E_VALIDATION);
	assert_non_null(reason(errors, "sections[0].section"));
	assert_string_equal(reason(errors, "sections[0].section"), "required");
	assert_string_equal(reason(errors, "sections[1].section"), "not asked");
	/* Nothing asked: any element is "not asked". */
	q.nasked = 0;
	assert_int_equal(run("[{\"section\":\"deposits\",\"none\":true}]", &q, &s, &n, &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(reason(errors, "sections[0].section"), "not asked");
	assert_int_equal(run("[]", &q, &s, &n, &errors), BGW_OK);
}

/* The checked form of the same rule, as the answer page and the bulk upload call it. */
static void
test_check_direct(void **state)
{
	static bgw_arena *a;
	confsection_asked q = {.type = WF_TYPE_BANK, .asked = bank_asked, .nasked = 3,
		.filled = bank_filled, .nfilled = 2};
	resp_section_in in[] = {{.section = "borrowings", .none = true},
		{.section = "guarantees", .answer = "保証なし（備考）"}};
	bgw_kv *errors = NULL, **tail = &errors;

	(void)state;
	if (a == NULL)
		a = bgw_arena_new();
	/* A remark on a bank section without rows does not say "none". */
	assert_int_equal(confsection_check(a, in, 2, &q, &tail), BGW_E_VALIDATION);
	assert_string_equal(reason(errors, "sections[1].none"), "rows or none");
	assert_null(reason(errors, "sections.guarantees"));
	in[1].none = true;
	errors = NULL;
	tail = &errors;
	assert_int_equal(confsection_check(a, in, 2, &q, &tail), BGW_OK);
	assert_null(errors);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bank_rows_or_none),
		cmocka_unit_test(test_bank_contradictions),
		cmocka_unit_test(test_legal_free_text),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_check_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
