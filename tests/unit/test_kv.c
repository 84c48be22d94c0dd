/* test_kv.c - the ordered key/value lists that carry query strings, forms and validation
 * errors: order kept, the first match wins, copies owned by the arena, nested error names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/kv.h"

static void
test_pairs_keep_their_order_and_the_first_match_wins(void **state)
{
	bgw_arena *a = bgw_arena_new();
	bgw_kv *head = NULL, **tail = &head;
	const bgw_kv *p;

	(void)state;
	assert_non_null(a);
	assert_null(kv_get(head, "x"));
	assert_int_equal(kv_count(head), 0);
	assert_int_equal(kv_append(a, &tail, "page", "2", 1), BGW_OK);
	assert_int_equal(kv_append(a, &tail, "q", "ab", 2), BGW_OK);
	assert_int_equal(kv_append(a, &tail, "page", "9", 1), BGW_OK);
	assert_int_equal(kv_count(head), 3);
	assert_string_equal(kv_get(head, "page"), "2");
	assert_string_equal(kv_get(head, "q"), "ab");
	assert_null(kv_get(head, "Page"));
	assert_string_equal(head->next->next->value, "9");
	p = kv_find(head, "q");
	assert_non_null(p);
	assert_int_equal(p->value_len, 2);
	bgw_arena_free(a);
}

static void
test_values_are_copies_of_the_given_length(void **state)
{
	bgw_arena *a = bgw_arena_new();
	bgw_kv *head = NULL, **tail = &head;
	char key[] = "name", value[] = "Suzuki Taro";

	(void)state;
	assert_int_equal(kv_append(a, &tail, key, value, 6), BGW_OK);
	key[0] = 'X';
	value[0] = 'X';
	assert_string_equal(kv_get(head, "name"), "Suzuki");
	assert_int_equal(kv_find(head, "name")->value_len, 6);
	bgw_arena_free(a);
}

static void
test_nested_errors_are_named_as_a_client_addresses_them(void **state)
{
	bgw_arena *a = bgw_arena_new();
	bgw_kv *inner = NULL, **itail = &inner, *outer = NULL, **otail = &outer;

	(void)state;
	assert_int_equal(kv_append(a, &otail, "type", "required", 8), BGW_OK);
	assert_int_equal(kv_append(a, &itail, "amount", "too_many_decimals", 17), BGW_OK);
	assert_int_equal(kv_append(a, &itail, "currency", "unknown", 7), BGW_OK);
	assert_int_equal(kv_append_prefixed(a, &otail, "items[2].", inner), BGW_OK);
	assert_int_equal(kv_append_prefixed(a, &otail, "x.", NULL), BGW_OK);
	assert_int_equal(kv_count(outer), 3);
	assert_string_equal(outer->key, "type");
	assert_string_equal(outer->next->key, "items[2].amount");
	assert_string_equal(kv_get(outer, "items[2].currency"), "unknown");
	/* the tail still appends at the end */
	assert_int_equal(kv_append(a, &otail, "due_date", "invalid", 7), BGW_OK);
	assert_string_equal(outer->next->next->next->key, "due_date");
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairs_keep_their_order_and_the_first_match_wins),
		cmocka_unit_test(test_values_are_copies_of_the_given_length),
		cmocka_unit_test(test_nested_errors_are_named_as_a_client_addresses_them),
	};

	return cmocka_run_group_tests_name("kv", tests, NULL, NULL);
}
