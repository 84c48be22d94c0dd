/* test_metrics.c - the shared request counters: what one process counts, another (a forked
 * worker) sees, and the exposition text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/metrics.h"

static const metrics_route_label labels[] = {
	{"GET", "/healthz"},
	{"POST", "/api/v1/projects/{}/confirmations"},
	{"GET", "/api/v1/\"odd\"\\route"},
};

static char *
render(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(f, labels, 3), BGW_OK);
	fclose(f);
	return buf;
}

static int
setup(void **state)
{
	(void)state;
	if (metrics_init() != BGW_OK)
		return -1;
	metrics_reset();
	return 0;
}

static void
has(const char *text, const char *line)
{
	if (strstr(text, line) == NULL)
		fail_msg("missing line: %s\n--- in ---\n%s", line, text);
}

static void
test_counts_by_route_and_status(void **state)
{
	char *t;

	(void)state;
	metrics_observe(0, 200, 1.0);
	metrics_observe(0, 200, 2.0);
	metrics_observe(0, 503, 3.0);
	metrics_observe(1, 201, 40.0);
	metrics_observe((size_t)-1, 404, 0.5);
	metrics_observe(METRICS_ROUTES_MAX + 7, 404, 0.5);
	t = render();
	has(t, "# TYPE bgw_http_requests_total counter\n");
	has(t, "bgw_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n");
	has(t, "bgw_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"503\"} 1\n");
	has(t, "bgw_http_requests_total{method=\"POST\",route=\"/api/v1/projects/{}/confirmations\","
	    "status=\"201\"} 1\n");
	has(t, "bgw_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 2\n");
	/* a route without traffic is left out */
	assert_null(strstr(t, "odd"));
	free(t);
}

static void
test_histogram_is_cumulative(void **state)
{
	const double ms[] = {1, 7, 30, 30, 400, 60000};
	char *t;

	(void)state;
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		metrics_observe(0, 200, ms[i]);
	t = render();
	has(t, "# TYPE bgw_http_request_duration_seconds histogram\n");
	has(t, "_bucket{method=\"GET\",route=\"/healthz\",le=\"0.005\"} 1\n");
	has(t, "_bucket{method=\"GET\",route=\"/healthz\",le=\"0.01\"} 2\n");
	has(t, "_bucket{method=\"GET\",route=\"/healthz\",le=\"0.05\"} 4\n");
	has(t, "_bucket{method=\"GET\",route=\"/healthz\",le=\"0.5\"} 5\n");
	has(t, "_bucket{method=\"GET\",route=\"/healthz\",le=\"30\"} 5\n");
	has(t, "_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"} 6\n");
	has(t, "_count{method=\"GET\",route=\"/healthz\"} 6\n");
	has(t, "_sum{method=\"GET\",route=\"/healthz\"} 60.468000\n");
	free(t);
}

static void
test_status_overflow_and_invalid(void **state)
{
	char *t;

	(void)state;
	for (int s = 0; s < METRICS_STATUS_SLOTS; s++)
		metrics_observe(1, 400 + s, 1);
	metrics_observe(1, 599, 1); /* no slot left */
	metrics_observe(1, 0, 1);   /* a streamed answer without a status */
	metrics_observe(1, 1000, -5); /* out of range; negative duration */
	t = render();
	has(t, "route=\"/api/v1/projects/{}/confirmations\",status=\"415\"} 1\n");
	has(t, "route=\"/api/v1/projects/{}/confirmations\",status=\"other\"} 3\n");
	has(t, "route=\"/api/v1/projects/{}/confirmations\",le=\"0.005\"} 19\n");
	free(t);
}

static void
test_label_escaping(void **state)
{
	char *t;

	(void)state;
	metrics_observe(2, 200, 1);
	t = render();
	has(t, "route=\"/api/v1/\\\"odd\\\"\\\\route\",status=\"200\"} 1\n");
	free(t);
}

/* The point of the shared mapping: counts made in forked children add up in the parent. */
static void
test_forked_workers_aggregate(void **state)
{
	enum { CHILDREN = 4, EACH = 1000 };
	char *t;

	(void)state;
	for (int c = 0; c < CHILDREN; c++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			for (int i = 0; i < EACH; i++)
				metrics_observe(0, 200, 1);
			metrics_worker_restarted();
			metrics_password_hashed();
			_exit(0);
		}
	}
	for (int c = 0; c < CHILDREN; c++)
		wait(NULL);
	t = render();
	has(t, "bgw_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 4000\n");
	has(t, "bgw_worker_restarts_total 4\n");
	has(t, "# TYPE bgw_password_hashes_total counter\nbgw_password_hashes_total 4\n");
	free(t);
}

static void
test_gauge(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(metrics_write_gauge(f, "bgw_outbox_backlog", "Mail waiting.", NULL, 3),
	    BGW_OK);
	assert_int_equal(metrics_write_gauge(f, "bgw_up", "Up.", "service=\"clamd\"", 1), BGW_OK);
	fclose(f);
	assert_string_equal(buf, "# HELP bgw_outbox_backlog Mail waiting.\n"
	    "# TYPE bgw_outbox_backlog gauge\nbgw_outbox_backlog 3\n"
	    "# HELP bgw_up Up.\n# TYPE bgw_up gauge\nbgw_up{service=\"clamd\"} 1\n");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_counts_by_route_and_status, setup),
		cmocka_unit_test_setup(test_histogram_is_cumulative, setup),
		cmocka_unit_test_setup(test_status_overflow_and_invalid, setup),
		cmocka_unit_test_setup(test_label_escaping, setup),
		cmocka_unit_test_setup(test_forked_workers_aggregate, setup),
		cmocka_unit_test_setup(test_gauge, setup),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
