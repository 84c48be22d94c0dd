/* test_log.c - the log as an operator reads it: one JSON object a line on stderr, with the
 * program, the level, the request's id while one is served, and any message text escaped so
 * that no input can forge or break a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/log.h"

/* stderr goes to a temporary file while a case logs; lines() reads what was written. */
static FILE *capture;
static int saved_stderr = -1;

static void
capture_begin(void)
{
	capture = tmpfile();
	assert_non_null(capture);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(capture), STDERR_FILENO) >= 0);
}

/* The captured lines, each parsed as JSON (the case fails on a line that is not). */
static size_t
capture_end(json_t **out, size_t cap)
{
	char line[8192];
	size_t n = 0;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(capture);
	while (fgets(line, sizeof(line), capture) != NULL) {
		json_error_t e;

		assert_true(n < cap);
		assert_int_equal(line[strlen(line) - 1], '\n');
		out[n] = json_loads(line, 0, &e);
		if (out[n] == NULL)
			fail_msg("not a JSON line: %s (%s)", line, e.text);
		n++;
	}
	fclose(capture);
	return n;
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void
test_a_line_names_program_level_and_message(void **state)
{
	json_t *l[4];

	(void)state;
	bgw_log_init("worker");
	bgw_log_set_request(NULL);
	capture_begin();
	bgw_log(BGW_LOG_ERROR, "could not connect to %s: %d", "clamd", 3);
	bgw_log(BGW_LOG_WARN, "slow");
	assert_int_equal(capture_end(l, 4), 2);
	assert_string_equal(str(l[0], "level"), "error");
	assert_string_equal(str(l[0], "prog"), "worker");
	assert_string_equal(str(l[0], "msg"), "could not connect to clamd: 3");
	assert_int_equal(json_integer_value(json_object_get(l[0], "pid")), getpid());
	assert_non_null(str(l[0], "ts"));
	assert_int_equal(str(l[0], "ts")[strlen(str(l[0], "ts")) - 1], 'Z');
	assert_null(json_object_get(l[0], "req"));
	assert_string_equal(str(l[1], "level"), "warn");
	json_decref(l[0]);
	json_decref(l[1]);
}

static void
test_the_request_id_is_on_every_line_while_served(void **state)
{
	json_t *l[4];

	(void)state;
	bgw_log_init("worker");
	capture_begin();
	bgw_log_set_request("req-42");
	bgw_log(BGW_LOG_INFO, "one");
	bgw_log_set_request(NULL);
	bgw_log(BGW_LOG_INFO, "two");
	assert_int_equal(capture_end(l, 4), 2);
	assert_string_equal(str(l[0], "req"), "req-42");
	assert_null(json_object_get(l[1], "req"));
	json_decref(l[0]);
	json_decref(l[1]);
}

static void
test_hostile_text_cannot_forge_a_line(void **state)
{
	static const char *const hostile = "x\"}\n{\"level\":\"error\",\"msg\":\"forged\\\t\x01";
	json_t *l[4];

	(void)state;
	bgw_log_init("admin");
	bgw_log_set_request(NULL);
	capture_begin();
	bgw_log(BGW_LOG_INFO, "%s", hostile);
	bgw_log_access("GET", "/a\"b\nc", 404, 1.5, "u\"1");
	assert_int_equal(capture_end(l, 4), 2);
	assert_string_equal(str(l[0], "msg"), hostile);
	assert_string_equal(str(l[0], "level"), "info");
	assert_string_equal(str(l[1], "method"), "GET");
	assert_string_equal(str(l[1], "path"), "/a\"b\nc");
	assert_int_equal(json_integer_value(json_object_get(l[1], "status")), 404);
	assert_string_equal(str(l[1], "user"), "u\"1");
	json_decref(l[0]);
	json_decref(l[1]);
}

static void
test_an_access_line_without_a_user_has_none(void **state)
{
	json_t *l[2];

	(void)state;
	capture_begin();
	bgw_log_access("POST", "/api/v1/session", 201, 12.25, NULL);
	assert_int_equal(capture_end(l, 2), 1);
	assert_null(json_object_get(l[0], "user"));
	assert_true(json_real_value(json_object_get(l[0], "duration_ms")) > 12.2);
	json_decref(l[0]);
}

static void
test_a_huge_message_is_cut_to_one_line(void **state)
{
	size_t n = 100000;
	char *big = malloc(n + 1);
	json_t *l[2];

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	capture_begin();
	bgw_log(BGW_LOG_INFO, "%s", big);
	assert_int_equal(capture_end(l, 2), 1);
	assert_true(strlen(str(l[0], "msg")) < n);
	json_decref(l[0]);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_line_names_program_level_and_message),
		cmocka_unit_test(test_the_request_id_is_on_every_line_while_served),
		cmocka_unit_test(test_hostile_text_cannot_forge_a_line),
		cmocka_unit_test(test_an_access_line_without_a_user_has_none),
		cmocka_unit_test(test_a_huge_message_is_cut_to_one_line),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
