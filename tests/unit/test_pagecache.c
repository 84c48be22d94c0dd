/* test_pagecache.c - a kept answer comes back only under its key and version, replacing and
 * evicting keep memory within the bounds, and no cache keeps nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/pagecache.h"

static void
assert_hit(pagecache *c, const char *key, const char *version, const char *body)
{
	size_t len;
	const char *got = pagecache_get(c, key, version, &len);

	assert_non_null(got);
	assert_int_equal(len, strlen(body));
	assert_memory_equal(got, body, len);
}

static void
assert_miss(pagecache *c, const char *key, const char *version)
{
	size_t len = 99;

	assert_null(pagecache_get(c, key, version, &len));
	assert_int_equal(len, 0);
}

static void
hit_needs_key_and_version(void **state)
{
	pagecache *c = pagecache_new(4, 1024);

	(void)state;
	assert_non_null(c);
	assert_miss(c, "u1|p1", "7");
	assert_true(pagecache_put(c, "u1|p1", "7", "{\"a\":1}", 7));
	assert_hit(c, "u1|p1", "7", "{\"a\":1}");
	assert_miss(c, "u1|p1", "8");   /* the data moved on */
	assert_miss(c, "u2|p1", "7");   /* another user */
	assert_miss(c, "u1|p", "7");    /* a prefix is not the key */
	assert_miss(c, "u1|p1|", "7");
	assert_miss(c, NULL, "7");
	assert_miss(c, "u1|p1", NULL);
	pagecache_free(c);
}

static void
put_replaces_older_version(void **state)
{
	pagecache *c = pagecache_new(2, 1024);

	(void)state;
	assert_true(pagecache_put(c, "k", "1", "old", 3));
	assert_true(pagecache_put(c, "other", "1", "x", 1));
	assert_true(pagecache_put(c, "k", "2", "new!", 4));
	assert_miss(c, "k", "1");
	assert_hit(c, "k", "2", "new!");
	/* the replacement took k's own slot: the other entry is still there */
	assert_hit(c, "other", "1", "x");
	pagecache_free(c);
}

static void
least_recently_used_makes_room(void **state)
{
	pagecache *c = pagecache_new(3, 1024);

	(void)state;
	assert_true(pagecache_put(c, "a", "1", "A", 1));
	assert_true(pagecache_put(c, "b", "1", "B", 1));
	assert_true(pagecache_put(c, "c", "1", "C", 1));
	assert_hit(c, "a", "1", "A");             /* a is now more recent than b */
	assert_true(pagecache_put(c, "d", "1", "D", 1));
	assert_miss(c, "b", "1");
	assert_hit(c, "a", "1", "A");
	assert_hit(c, "c", "1", "C");
	assert_hit(c, "d", "1", "D");
	pagecache_free(c);
}

static void
bytes_stay_within_bound(void **state)
{
	char body[40];
	pagecache *c = pagecache_new(100, 100);

	(void)state;
	memset(body, 'x', sizeof(body));
	assert_true(pagecache_put(c, "a", "1", body, 25));
	assert_true(pagecache_put(c, "b", "1", body, 25));
	assert_true(pagecache_put(c, "c", "1", body, 25));
	assert_true(pagecache_put(c, "d", "1", body, 25));
	/* 100 bytes are full: the fifth pushes out the oldest, and only it */
	assert_true(pagecache_put(c, "e", "1", body, 25));
	assert_miss(c, "a", "1");
	assert_non_null(pagecache_get(c, "b", "1", &(size_t){0}));
	assert_non_null(pagecache_get(c, "e", "1", &(size_t){0}));
	/* over a quarter of the bound is never kept, and pushes out nothing */
	assert_false(pagecache_put(c, "big", "1", body, 26));
	assert_miss(c, "big", "1");
	assert_non_null(pagecache_get(c, "b", "1", &(size_t){0}));
	pagecache_free(c);
}

static void
body_is_copied_exactly(void **state)
{
	char body[] = "a\0b\"c";
	size_t len;
	const char *got;
	pagecache *c = pagecache_new(1, 64);

	(void)state;
	assert_true(pagecache_put(c, "k", "1", body, sizeof(body) - 1));
	body[0] = 'Z';                           /* the cache holds its own copy */
	got = pagecache_get(c, "k", "1", &len);
	assert_int_equal(len, 5);
	assert_memory_equal(got, "a\0b\"c", 5);
	pagecache_free(c);
}

static void
no_cache_keeps_nothing(void **state)
{
	pagecache *c = pagecache_new(0, 1024);

	(void)state;
	assert_null(c);
	assert_false(pagecache_put(c, "k", "1", "x", 1));
	assert_miss(c, "k", "1");
	pagecache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hit_needs_key_and_version),
		cmocka_unit_test(put_replaces_older_version),
		cmocka_unit_test(least_recently_used_makes_room),
		cmocka_unit_test(bytes_stay_within_bound),
		cmocka_unit_test(body_is_copied_exactly),
		cmocka_unit_test(no_cache_keeps_nothing),
	};

	return cmocka_run_group_tests_name("pagecache", tests, NULL, NULL);
}
