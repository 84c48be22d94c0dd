/* test_config.c - the config reader is strict: a typo must not silently weaken a limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"

static const char *
write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/bgw-test-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_reads_values(void **state)
{
	bgw_config c;
	const char *p = write_tmp("# comment\n\nsocket = /tmp/x.sock\nworkers = 3\n"
	    "db = \"host=/tmp dbname=bgw user=bgw_app\"\nupload_max_bytes = 26214400\n"
	    "socket_mode = 0660\n");

	(void)state;
	assert_int_equal(config_load(&c, p), BGW_OK);
	assert_string_equal(c.socket, "/tmp/x.sock");
	assert_int_equal(c.workers, 3);
	assert_string_equal(c.db, "host=/tmp dbname=bgw user=bgw_app");
	assert_int_equal(c.upload_max_bytes, 26214400LL);
	assert_int_equal(c.socket_mode, 0660);
	unlink(p);
}

static void
test_rejects_bad_lines(void **state)
{
	static const char *const bad[] = {
		"uplaod_max_bytes = 1\n",     /* unknown key */
		"workers = many\n",           /* not a number */
		"workers = -1\n",
		"upload_max_bytes = 10MB\n",
		"socket /tmp/x\n",            /* no = */
	};
	bgw_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = write_tmp(bad[i]);

		assert_int_equal(config_load(&c, p), BGW_E_VALIDATION);
		unlink(p);
	}
	assert_int_equal(config_load(&c, "/nonexistent/bgw.conf"), BGW_E_IO);
}

static void
test_workers_default_to_cores(void **state)
{
	bgw_config c;
	const char *p = write_tmp("workers = 0\n");

	(void)state;
	assert_int_equal(config_load(&c, p), BGW_OK);
	assert_true(c.workers >= 1);
	unlink(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_values),
		cmocka_unit_test(test_rejects_bad_lines),
		cmocka_unit_test(test_workers_default_to_cores),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
