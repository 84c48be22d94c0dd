/* metrics.h - request counters shared by every pre-forked worker, for GET /metrics.
 *
 * The master maps one anonymous shared region (mmap MAP_SHARED | MAP_ANONYMOUS) before it
 * forks the first worker; every worker inherits the same pages, so a counter bumped by one
 * worker is seen by the scrape that another worker answers, and the numbers survive a worker
 * being replaced (they live as long as the master).  Counters are C11 atomics updated with
 * relaxed ordering: each is a monotonic count and a scrape needs no consistent snapshot.
 *
 * Layout: one slot per route of the route tables (by its index over all tables, the same in
 * every worker since they run one binary), plus one slot for requests that matched no
 * route.  A slot holds
 *   - counts by exact HTTP status: METRICS_STATUS_SLOTS (status, count) pairs, a pair
 *     claimed by the first worker that sees a new status (compare-and-swap), the rest counted
 *     under status "other";
 *   - a latency histogram over METRICS_BUCKETS_MS (cumulative in the output, as Prometheus
 *     wants), with the sum in microseconds and the count.
 * and the region holds the count of workers replaced by the master and of password hashes
 * computed.
 *
 * Nothing here knows FastCGI or the route table: cgi/api/h_metrics.c maps a request to its slot
 * and supplies the labels when it renders.
 */
#ifndef BGW_METRICS_H
#define BGW_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

/* Route slots (the route tables hold far fewer); requests of a route past this count go to
 * the unmatched slot. */
#define METRICS_ROUTES_MAX 512
/* Distinct statuses remembered per route (200, 201, 204, 400, 401, 403, 404, 409, 422, 503
 * ...); further ones are counted as status "other". */
#define METRICS_STATUS_SLOTS 16
/* Upper bounds of the latency buckets in milliseconds (the +Inf bucket is implicit). */
#define METRICS_BUCKETS_MS {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000}
#define METRICS_NBUCKETS 12

/* The label pair of one route slot: method and pattern ("GET", "/api/v1/projects/{}"). */
typedef struct metrics_route_label {
	const char *method;
	const char *pattern;
} metrics_route_label;

/* Map the shared region.  Call once in the parent before the first fork; later calls are
 * no-ops.  BGW_OK; BGW_E_NOMEM (logged) if mmap fails, after which every other call is a
 * no-op and the endpoint reports nothing but gauges. */
bgw_err metrics_init(void);

/* True once metrics_init has mapped the region. */
int metrics_ready(void);

/* Count one finished request of route slot route_index (0..METRICS_ROUTES_MAX-1; any other
 * value, e.g. (size_t)-1 for a request that matched no route, counts as unmatched) with its
 * HTTP status and duration in milliseconds.  Async-signal-safe and lock-free. */
void metrics_observe(size_t route_index, int status, double duration_ms);

/* Count one worker replaced by the master (it died and a new one was forked). */
void metrics_worker_restarted(void);

/* Count one password hash (scrypt) computed, by lib/crypto/kdf.c: the costly work an
 * unauthenticated request can cause, so that an operator (and a test) can see which requests
 * paid for one.  Async-signal-safe and lock-free; a no-op before metrics_init. */
void metrics_password_hashed(void);

/* Write the request counters, the latency histograms, the restart and password-hash counters in the
 * Prometheus text exposition format (version 0.0.4) to f.  labels[i] names slot i for
 * i < nlabels; slots without traffic are left out.  BGW_OK or BGW_E_IO if f fails. */
bgw_err metrics_write(FILE *f, const metrics_route_label *labels, size_t nlabels);

/* Write one gauge: "# HELP", "# TYPE name gauge" and "name value" (value printed with %.17g;
 * a label pair may be given as labels = "name=\"value\"" or NULL). */
bgw_err metrics_write_gauge(FILE *f, const char *name, const char *help, const char *labels,
    double value);

/* Zero every counter (tests only; workers never call it). */
void metrics_reset(void);

#endif
