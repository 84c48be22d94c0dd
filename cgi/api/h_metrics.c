/* h_metrics.c - GET /metrics: Prometheus text for the operators' monitoring, answered only
 * to loopback and the operator networks (config operator_networks); anyone else gets the
 * same 404 as for a path that does not exist.
 *
 * The request counters live in lib/core/metrics.c's shared region, which must be mapped before
 * the master forks: the constructor below maps it when bgw-fcgi starts (this file is part
 * of bgw-fcgi only), so main.c and master.c need no start-up call.  The worker calls
 * h_metrics_observe after each request and the master metrics_worker_restarted when it
 * replaces a worker.  The gauges (PostgreSQL, clamd, outbox, blob-store disk) are measured
 * at scrape time by the worker that answers.
 */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "http/netacl.h"
#include "route.h"
#include "files/scan.h"

/* Always allowed besides operator_networks: a scraper on the host itself. */
#define METRICS_LOOPBACK "127.0.0.0/8 ::1/128"
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static metrics_route_label labels[METRICS_ROUTES_MAX];
static size_t nlabels;

__attribute__((constructor)) static void
map_before_fork(void)
{
	/* A failure is logged by metrics_init; the endpoint then serves the gauges only. */
	(void)metrics_init();
}

/* The route slots in route-table order: the same in every worker (one binary). */
static void
load_labels(void)
{
	if (nlabels > 0)
		return;
	for (const route *const *t = route_tables; *t != NULL; t++)
		for (const route *rt = *t; rt->method != NULL && nlabels < METRICS_ROUTES_MAX; rt++) {
			labels[nlabels].method = rt->method;
			labels[nlabels].pattern = rt->pattern;
			nlabels++;
		}
}

static size_t
route_index(const route *want)
{
	size_t i = 0;

	for (const route *const *t = route_tables; *t != NULL; t++)
		for (const route *rt = *t; rt->method != NULL; rt++, i++)
			if (rt == want)
				return i;
	return (size_t)-1;
}

void
h_metrics_observe(bgw_request *r, double duration_ms)
{
	const char *allow;
	const route *rt = NULL;
	bgw_err err;

	if (!metrics_ready())
		return;
	/* Matched again here rather than remembered by the router: a route is a pointer into
	 * a static table, and the label must be its pattern, never the raw path (ids would
	 * make every request a new series). */
	if (r->method != NULL && r->path != NULL)
		rt = route_match(r, r->method, r->path, &err, &allow);
	metrics_observe(rt != NULL ? route_index(rt) : (size_t)-1, r->status, duration_ms);
}

static bool
allowed(const bgw_request *r)
{
	const char *addr = r->remote_addr;

	return addr != NULL && (netacl_match(METRICS_LOOPBACK, addr) ||
	    netacl_match(r->app->cfg->operator_networks, addr));
}

/* Ages the alerts compare with their limits (docs/deploy/alerts/bgw.yml).  Each is left out
 * when it cannot be known, rather than reported as 0 (fresh): clamd without an official
 * database (the offline test signatures), no checkpoint written yet on this host. */
static void
write_ages(bgw_request *r, FILE *f, bool clamd_up)
{
	const char *cp = r->app->cfg->audit_checkpoint_file;
	time_t now = time(NULL), built;
	struct stat st;

	if (clamd_up && scan_signature_time(r->app->cfg->clamd_socket, &built) == BGW_OK &&
	    built != 0)
		metrics_write_gauge(f, "bgw_clamd_signatures_age_seconds",
		    "Age of the official signature database clamd has loaded.", NULL,
		    now > built ? (double)(now - built) : 0);
	/* The file is append-only and written only by a checkpoint: its mtime is the last. */
	if (cp[0] != '\0' && stat(cp, &st) == 0 && st.st_size > 0)
		metrics_write_gauge(f, "bgw_audit_checkpoint_age_seconds",
		    "Time since this host last appended an audit checkpoint.", NULL,
		    now > st.st_mtime ? (double)(now - st.st_mtime) : 0);
}

static void
write_gauges(bgw_request *r, FILE *f)
{
	bgw_err db = db_ensure(r->app->db);
	db_rows *res = NULL;
	struct statvfs vfs;
	bool clamd_up;

	if (db == BGW_OK)
		db = db_exec(r->app->db, r->a, "health_ping", 0, NULL, NULL);
	metrics_write_gauge(f, "bgw_postgresql_up", "1 if PostgreSQL answered a query.", NULL,
	    db == BGW_OK);
	clamd_up = scan_ping(r->app->cfg->clamd_socket) == BGW_OK;
	metrics_write_gauge(f, "bgw_clamd_up", "1 if clamd answered PING.", NULL, clamd_up);
	if (db == BGW_OK && db_exec(r->app->db, r->a, "metrics_outbox", 0, NULL, &res) == BGW_OK &&
	    db_nrows(res) == 1) {
		metrics_write_gauge(f, "bgw_outbox_backlog", "Mail queued or being sent.", NULL,
		    strtod(db_value(res, 0, 0), NULL));
		metrics_write_gauge(f, "bgw_outbox_oldest_seconds",
		    "Age of the oldest mail waiting in the outbox.", NULL,
		    strtod(db_value(res, 0, 1), NULL));
		metrics_write_gauge(f, "bgw_outbox_retrying",
		    "Mail waiting after a failed attempt (SMTP errors now).", NULL,
		    strtod(db_value(res, 0, 2), NULL));
		metrics_write_gauge(f, "bgw_outbox_failed",
		    "Mail given up after its last attempt (ever: watch it grow).", NULL,
		    strtod(db_value(res, 0, 3), NULL));
	}
	write_ages(r, f, clamd_up);
	if (r->app->cfg->blob_dir[0] != '\0' && statvfs(r->app->cfg->blob_dir, &vfs) == 0) {
		double frsize = (double)vfs.f_frsize;

		metrics_write_gauge(f, "bgw_blob_store_fs_size_bytes",
		    "Size of the file system holding blob_dir.", NULL, (double)vfs.f_blocks * frsize);
		metrics_write_gauge(f, "bgw_blob_store_fs_used_bytes",
		    "Bytes in use on the file system holding blob_dir.", NULL,
		    (double)(vfs.f_blocks - vfs.f_bfree) * frsize);
		metrics_write_gauge(f, "bgw_blob_store_fs_avail_bytes",
		    "Bytes still available to the service on the file system holding blob_dir.",
		    NULL, (double)vfs.f_bavail * frsize);
	}
}

static void
free_buffer(void *p)
{
	free(p);
}

bgw_err
h_metrics(bgw_request *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	bgw_err err;

	if (!allowed(r))
		return BGW_E_NOT_FOUND;
	load_labels();
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return BGW_E_NOMEM;
	err = metrics_write(f, labels, nlabels);
	write_gauges(r, f);
	if (fclose(f) != 0 || err != BGW_OK || buf == NULL) {
		free(buf);
		return BGW_E_NOMEM;
	}
	if (bgw_arena_on_reset(r->a, free_buffer, buf) != 0) {
		free(buf);
		return BGW_E_NOMEM;
	}
	r->status = 200;
	r->resp_type = METRICS_CONTENT_TYPE;
	r->resp_body = buf;
	r->resp_len = len;
	return BGW_OK;
}
