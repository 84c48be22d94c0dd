/* metrics.c - request counters in one anonymous shared mapping (see metrics.h). */
#include "core/metrics.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "core/log.h"

/* Index of the slot for requests that matched no route. */
#define SLOT_UNMATCHED METRICS_ROUTES_MAX
#define NSLOTS (METRICS_ROUTES_MAX + 1)

struct status_count {
	_Atomic uint32_t status; /* 0 = free */
	_Atomic uint64_t count;
};

struct slot {
	struct status_count by_status[METRICS_STATUS_SLOTS];
	_Atomic uint64_t other_status;
	_Atomic uint64_t bucket[METRICS_NBUCKETS + 1]; /* per bucket, not cumulative; last +Inf */
	_Atomic uint64_t sum_us;
	_Atomic uint64_t count;
};

struct shared {
	_Atomic uint64_t worker_restarts;
	_Atomic uint64_t password_hashes;
	struct slot slots[NSLOTS];
};

static struct shared *shm;
static const double bounds_ms[METRICS_NBUCKETS] = METRICS_BUCKETS_MS;

/* The counters must really be shared memory operations, not a lock in one process. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");

bgw_err
metrics_init(void)
{
	void *p;

	if (shm != NULL)
		return BGW_OK;
	p = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		bgw_log(BGW_LOG_ERROR, "could not map the metrics region: %s", strerror(errno));
		return BGW_E_NOMEM;
	}
	/* Anonymous pages are zero: every counter starts at 0 and every status slot free. */
	shm = p;
	return BGW_OK;
}

int
metrics_ready(void)
{
	return shm != NULL;
}

static void
count_status(struct slot *s, int status)
{
	uint32_t want = status >= 100 && status <= 599 ? (uint32_t)status : 0;

	if (want == 0) {
		atomic_fetch_add_explicit(&s->other_status, 1, memory_order_relaxed);
		return;
	}
	for (int i = 0; i < METRICS_STATUS_SLOTS; i++) {
		struct status_count *sc = &s->by_status[i];
		uint32_t have = atomic_load_explicit(&sc->status, memory_order_relaxed);

		if (have == 0) {
			uint32_t expected = 0;

			/* Another worker may claim this pair first, for this or another status. */
			if (!atomic_compare_exchange_strong(&sc->status, &expected, want))
				have = expected;
			else
				have = want;
		}
		if (have == want) {
			atomic_fetch_add_explicit(&sc->count, 1, memory_order_relaxed);
			return;
		}
	}
	atomic_fetch_add_explicit(&s->other_status, 1, memory_order_relaxed);
}

void
metrics_observe(size_t route_index, int status, double duration_ms)
{
	struct slot *s;
	int b = METRICS_NBUCKETS;
	uint64_t us;

	if (shm == NULL)
		return;
	s = &shm->slots[route_index < METRICS_ROUTES_MAX ? route_index : SLOT_UNMATCHED];
	if (!(duration_ms >= 0)) /* negative or NaN: a clock step */
		duration_ms = 0;
	for (int i = 0; i < METRICS_NBUCKETS; i++) {
		if (duration_ms <= bounds_ms[i]) {
			b = i;
			break;
		}
	}
	us = duration_ms > (double)(UINT64_MAX / 2000) ? UINT64_MAX / 2000 :
	    (uint64_t)(duration_ms * 1000.0);
	count_status(s, status);
	atomic_fetch_add_explicit(&s->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_us, us, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

void
metrics_worker_restarted(void)
{
	if (shm != NULL)
		atomic_fetch_add_explicit(&shm->worker_restarts, 1, memory_order_relaxed);
}

void
metrics_password_hashed(void)
{
	if (shm != NULL)
		atomic_fetch_add_explicit(&shm->password_hashes, 1, memory_order_relaxed);
}

void
metrics_reset(void)
{
	if (shm != NULL)
		memset(shm, 0, sizeof(*shm));
}

/* A label value in the exposition format: backslash, double quote and newline escaped. */
static void
put_label(FILE *f, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*v, f);
	}
}

static void
put_route(FILE *f, const metrics_route_label *labels, size_t nlabels, size_t i)
{
	if (i < nlabels && labels[i].method != NULL && labels[i].pattern != NULL) {
		fputs("method=\"", f);
		put_label(f, labels[i].method);
		fputs("\",route=\"", f);
		put_label(f, labels[i].pattern);
		fputc('"', f);
	} else {
		fputs("method=\"\",route=\"unmatched\"", f);
	}
}

static void
write_requests(FILE *f, const metrics_route_label *labels, size_t nlabels)
{
	fputs("# HELP bgw_http_requests_total Requests answered by the worker pool, by route and "
	    "status.\n# TYPE bgw_http_requests_total counter\n", f);
	for (size_t i = 0; i < NSLOTS; i++) {
		struct slot *s = &shm->slots[i];
		uint64_t other;

		if (atomic_load_explicit(&s->count, memory_order_relaxed) == 0)
			continue;
		for (int k = 0; k < METRICS_STATUS_SLOTS; k++) {
			uint32_t st = atomic_load_explicit(&s->by_status[k].status,
			    memory_order_relaxed);

			if (st == 0)
				continue;
			fputs("bgw_http_requests_total{", f);
			put_route(f, labels, nlabels, i);
			fprintf(f, ",status=\"%u\"} %llu\n", (unsigned)st, (unsigned long long)
			    atomic_load_explicit(&s->by_status[k].count, memory_order_relaxed));
		}
		other = atomic_load_explicit(&s->other_status, memory_order_relaxed);
		if (other > 0) {
			fputs("bgw_http_requests_total{", f);
			put_route(f, labels, nlabels, i);
			fprintf(f, ",status=\"other\"} %llu\n", (unsigned long long)other);
		}
	}
}

static void
write_latency(FILE *f, const metrics_route_label *labels, size_t nlabels)
{
	fputs("# HELP bgw_http_request_duration_seconds Time from accepting a request to "
	    "finishing its answer.\n# TYPE bgw_http_request_duration_seconds histogram\n", f);
	for (size_t i = 0; i < NSLOTS; i++) {
		struct slot *s = &shm->slots[i];
		uint64_t cum = 0, count;

		count = atomic_load_explicit(&s->count, memory_order_relaxed);
		if (count == 0)
			continue;
		for (int b = 0; b <= METRICS_NBUCKETS; b++) {
			cum += atomic_load_explicit(&s->bucket[b], memory_order_relaxed);
			fputs("bgw_http_request_duration_seconds_bucket{", f);
			put_route(f, labels, nlabels, i);
			if (b < METRICS_NBUCKETS)
				fprintf(f, ",le=\"%g\"} %llu\n", bounds_ms[b] / 1000.0,
				    (unsigned long long)cum);
			else
				fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
		}
		fputs("bgw_http_request_duration_seconds_sum{", f);
		put_route(f, labels, nlabels, i);
		fprintf(f, "} %.6f\n", (double)atomic_load_explicit(&s->sum_us,
		    memory_order_relaxed) / 1e6);
		fputs("bgw_http_request_duration_seconds_count{", f);
		put_route(f, labels, nlabels, i);
		/* The buckets are read one by one while workers count: report their sum as the
		 * count so that +Inf and _count always agree within one scrape. */
		fprintf(f, "} %llu\n", (unsigned long long)cum);
	}
}

bgw_err
metrics_write(FILE *f, const metrics_route_label *labels, size_t nlabels)
{
	if (shm != NULL) {
		write_requests(f, labels, nlabels);
		write_latency(f, labels, nlabels);
	}
	fprintf(f, "# HELP bgw_worker_restarts_total Workers that died and were replaced by "
	    "the master.\n# TYPE bgw_worker_restarts_total counter\nbgw_worker_restarts_total "
	    "%llu\n", shm != NULL ? (unsigned long long)atomic_load_explicit(
	    &shm->worker_restarts, memory_order_relaxed) : 0ULL);
	fprintf(f, "# HELP bgw_password_hashes_total Password hashes (scrypt) computed: sign-ins, "
	    "new passwords, and the stand-in for unknown accounts.\n"
	    "# TYPE bgw_password_hashes_total counter\nbgw_password_hashes_total %llu\n",
	    shm != NULL ? (unsigned long long)atomic_load_explicit(&shm->password_hashes,
	    memory_order_relaxed) : 0ULL);
	return ferror(f) ? BGW_E_IO : BGW_OK;
}

bgw_err
metrics_write_gauge(FILE *f, const char *name, const char *help, const char *labels,
    double value)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s%s%s%s %.17g\n", name, help, name, name,
	    labels != NULL ? "{" : "", labels != NULL ? labels : "", labels != NULL ? "}" : "",
	    value);
	return ferror(f) ? BGW_E_IO : BGW_OK;
}
