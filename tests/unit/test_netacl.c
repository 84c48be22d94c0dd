/* test_netacl.c - operator networks: CIDR matching that fails closed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/netacl.h"

static const struct {
	const char *list, *addr;
	bool want;
} vectors[] = {
	{"127.0.0.0/8 ::1/128", "127.0.0.1", true},
	{"127.0.0.0/8 ::1/128", "127.255.1.2", true},
	{"127.0.0.0/8 ::1/128", "::1", true},
	{"127.0.0.0/8 ::1/128", "128.0.0.1", false},
	{"127.0.0.0/8", "::ffff:127.0.0.1", true},
	{"10.1.2.0/24", "10.1.2.255", true},
	{"10.1.2.0/24", "10.1.3.0", false},
	{"10.1.2.3", "10.1.2.3", true},
	{"10.1.2.3", "10.1.2.4", false},
	{"2001:db8::/32", "2001:db8:1::5", true},
	{"2001:db8::/32", "2001:db9::5", false},
	{"0.0.0.0/0", "8.8.8.8", true},
	{"", "127.0.0.1", false},
	{"127.0.0.0/33", "127.0.0.1", false},
	{"127.0.0.0/x", "127.0.0.1", false},
	{"garbage", "127.0.0.1", false},
	{"127.0.0.0/8", "not-an-address", false},
	{"127.0.0.0/8", "", false},
	{"10.0.0.0/8,127.0.0.0/8", "127.0.0.1", true},
};

static void
test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		if (netacl_match(vectors[i].list, vectors[i].addr) != vectors[i].want)
			fail_msg("%s in [%s]: want %d", vectors[i].addr, vectors[i].list, vectors[i].want);
	assert_false(netacl_match(NULL, "127.0.0.1"));
	assert_false(netacl_match("127.0.0.0/8", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_vectors)};

	return cmocka_run_group_tests_name("netacl", tests, NULL, NULL);
}
