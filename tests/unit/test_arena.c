/* test_arena.c - the per-request arena: alignment, growth, reset and cleanup hooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"

static int calls[8];
static int ncalls;

static void
record(void *arg)
{
	calls[ncalls++] = (int)(intptr_t)arg;
}

static void
test_alloc_aligned_and_zeroed(void **state)
{
	bgw_arena *a = bgw_arena_new();

	(void)state;
	for (size_t n = 1; n < 100; n += 7) {
		unsigned char *p = bgw_arena_alloc(a, n);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xff, n);
	}
	bgw_arena_free(a);
}

static void
test_large_allocation_and_reset_shrinks(void **state)
{
	bgw_arena *a = bgw_arena_new();
	size_t idle = bgw_arena_footprint(a);
	char *big;

	(void)state;
	big = bgw_arena_alloc(a, 10u * 1024 * 1024);
	assert_non_null(big);
	big[10u * 1024 * 1024 - 1] = 'x';
	assert_true(bgw_arena_footprint(a) > idle);
	bgw_arena_reset(a);
	assert_int_equal(bgw_arena_footprint(a), idle);
	bgw_arena_free(a);
}

static void
test_overflow_refused(void **state)
{
	bgw_arena *a = bgw_arena_new();

	(void)state;
	assert_null(bgw_arena_alloc(a, SIZE_MAX));
	assert_null(bgw_arena_calloc(a, SIZE_MAX / 2, 4));
	bgw_arena_free(a);
}

static void
test_strings(void **state)
{
	bgw_arena *a = bgw_arena_new();

	(void)state;
	assert_string_equal(bgw_arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(bgw_arena_strdup(a, "確認状"), "確認状");
	assert_null(bgw_arena_strdup(a, NULL));
	assert_string_equal(bgw_arena_printf(a, "%s-%d", "x", 42), "x-42");
	bgw_arena_free(a);
}

static void
test_hooks_run_lifo_once(void **state)
{
	bgw_arena *a = bgw_arena_new();

	(void)state;
	ncalls = 0;
	assert_int_equal(bgw_arena_on_reset(a, record, (void *)1), 0);
	assert_int_equal(bgw_arena_on_reset(a, record, (void *)2), 0);
	assert_int_equal(bgw_arena_on_reset(a, record, (void *)3), 0);
	bgw_arena_reset(a);
	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[0], 3);
	assert_int_equal(calls[1], 2);
	assert_int_equal(calls[2], 1);
	bgw_arena_reset(a);
	assert_int_equal(ncalls, 3);
	assert_int_equal(bgw_arena_on_reset(a, record, (void *)4), 0);
	bgw_arena_free(a);
	assert_int_equal(ncalls, 4);
	assert_int_equal(calls[3], 4);
}

/* A growing buffer keeps its bytes, at least doubles, and refuses sizes that overflow. */
static void
test_grow_keeps_bytes_and_refuses_overflow(void **state)
{
	bgw_arena *a = bgw_arena_new();
	char *buf = NULL, *before;
	size_t cap = 0, used = 0;

	(void)state;
	assert_true(bgw_arena_grow(a, &buf, &cap, used, 3, 4));
	assert_int_equal(cap, 4);
	memcpy(buf, "abc", 3);
	used = 3;
	before = buf;
	assert_true(bgw_arena_grow(a, &buf, &cap, used, 1, 4));
	assert_ptr_equal(buf, before); /* it fits: no move */
	assert_true(bgw_arena_grow(a, &buf, &cap, used, 100, 4));
	assert_int_equal(cap, 128);
	assert_memory_equal(buf, "abc", 3);
	before = buf;
	assert_false(bgw_arena_grow(a, &buf, &cap, used, SIZE_MAX - 1, 4));
	assert_ptr_equal(buf, before);
	assert_int_equal(cap, 128);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_aligned_and_zeroed),
		cmocka_unit_test(test_large_allocation_and_reset_shrinks),
		cmocka_unit_test(test_overflow_refused),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_hooks_run_lifo_once),
		cmocka_unit_test(test_grow_keeps_bytes_and_refuses_overflow),
	};

	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
