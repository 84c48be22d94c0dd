/* test_purge.c - the retention purge as the operator runs it (bgw-admin purge), against the
 * real PostgreSQL on the owner's connection and a local blob store in a temporary
 * directory (tests/unit/pgfix.h; skipped without it): a project past its retention is
 * listed and destroyed but for its scrubbed row and its chain, its blobs are deleted, the
 * purge is on record with its counts, and a second run finds nothing to do; a project
 * still active or within its retention is left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "files/blobstore.h"
#include "flow/purge.h"
#include "dbfix.h"
#include "pgfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	blobstore *bs;
	char dir[64];
	const char *firm, *client, *auditor;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	*state = w;
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, true))
		return 0;
	snprintf(w->dir, sizeof(w->dir), "/tmp/bgw-purge-XXXXXX");
	if (mkdtemp(w->dir) == NULL)
		return -1;
	w->bs = blobstore_open_local(w->dir);
	if (w->bs == NULL || blobstore_prepare(w->bs) != BGW_OK)
		return -1;
	w->firm = pgfix_org(w->fx, "audit_firm");
	w->client = pgfix_org(w->fx, "client");
	w->auditor = pgfix_user(w->fx, w->firm);
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];

	dbfix_close_all(w->fx, w->db, w->a);
	if (w->bs != NULL)
		blobstore_close(w->bs);
	if (w->dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
		if (system(cmd) != 0)
			return -1;
	}
	free(w);
	return 0;
}

/* A project completed on completed_at (NULL: still active), with a member and a document
 * whose blob is in the store; answers its id and, in *blob, the blob's id. */
static const char *
project(struct world *w, const char *completed_at, const char **blob)
{
	const char *pid = pgfix_project(w->fx, w->firm, w->client);
	blob_sink *sink;
	const char *p[3];

	pgfix_member(w->fx, pid, w->auditor, "audit", true, NULL);
	assert_int_equal(blobstore_create(w->bs, &sink), BGW_OK);
	assert_int_equal(blob_sink_write(sink, "ciphertext", 10), BGW_OK);
	assert_int_equal(blob_sink_commit(sink), BGW_OK);
	*blob = pgfix_unique(w->fx, "b");
	*blob = pgfix_sql(w->fx, "SELECT $1::text", 1, (const char *[]){blob_sink_id(sink)});
	blob_sink_free(sink);
	p[0] = pid;
	p[1] = *blob;
	p[2] = w->auditor;
	(void)pgfix_sql(w->fx, "INSERT INTO documents (project_id, name, size, sha256, "
	    "content_type, blob_id, wrapped_key, key_version, created_by, side) VALUES ($1, "
	    "'a.pdf', 10, gen_random_bytes(32), 'application/pdf', $2, gen_random_bytes(60), 1, "
	    "$3, 'audit')", 3, p);
	if (completed_at != NULL) {
		p[1] = completed_at;
		(void)pgfix_sql(w->fx, "UPDATE projects SET status = 'completed', completed_at = "
		    "$2::timestamptz, retention_days = 30 WHERE id = $1", 2, p);
	}
	return pid;
}

static bool
listed(struct world *w, const char *now_ts, const char *pid)
{
	const char **ids;
	int n;

	assert_int_equal(purge_due(w->db, w->a, now_ts, &ids, &n), BGW_OK);
	for (int i = 0; i < n; i++)
		if (strcmp(ids[i], pid) == 0)
			return true;
	return false;
}

static bool
blob_exists(struct world *w, const char *blob)
{
	blob_source *src;

	if (blobstore_open_source(w->bs, blob, &src) != BGW_OK)
		return false;
	blob_source_free(src);
	return true;
}

static void
test_a_project_past_retention_is_destroyed_but_its_chain(void **state)
{
	struct world *w = *state;
	const char *blob, *pid, *p[1];
	purge_result res;

	DBFIX_NEED(w->db);
	pid = project(w, "2001-01-01T00:00:00Z", &blob);
	p[0] = pid;
	assert_true(blob_exists(w, blob));
	assert_true(listed(w, "2001-03-01T00:00:00Z", pid));
	assert_int_equal(purge_project(w->db, w->a, w->bs, pid, "2001-03-01T00:00:00Z", &res),
	    BGW_OK);
	assert_int_equal(res.blobs_deleted, 1);
	assert_int_equal(res.blobs_left, 0);
	assert_false(blob_exists(w, blob));
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM projects WHERE id = $1 AND "
	    "status = 'purged' AND name = 'purged' AND purged_at IS NOT NULL", 1, p), 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM documents WHERE project_id = $1", 1,
	    p), 0);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM memberships WHERE project_id = $1", 1,
	    p), 0);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE project_id IS NULL "
	    "AND action = 'project.purged' AND object_id = $1 AND (detail->>'documents')::int = 1 "
	    "AND (detail->>'memberships')::int = 1", 1, p), 1);
	/* a second run has nothing to do */
	assert_false(listed(w, "2001-03-01T00:00:00Z", pid));
	assert_int_equal(purge_project(w->db, w->a, w->bs, pid, "2001-03-01T00:00:00Z", &res),
	    BGW_E_NOT_FOUND);
}

static void
test_active_and_retained_projects_are_left_alone(void **state)
{
	struct world *w = *state;
	const char *blob1, *blob2, *active, *recent, *p[1];
	purge_result res;

	DBFIX_NEED(w->db);
	active = project(w, NULL, &blob1);
	recent = project(w, "2001-01-01T00:00:00Z", &blob2);
	assert_false(listed(w, "2001-01-15T00:00:00Z", active));
	assert_false(listed(w, "2001-01-15T00:00:00Z", recent)); /* 14 of its 30 days */
	assert_int_equal(purge_project(w->db, w->a, w->bs, recent, "2001-01-15T00:00:00Z", &res),
	    BGW_E_NOT_FOUND);
	assert_true(blob_exists(w, blob2));
	p[0] = recent;
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM documents WHERE project_id = $1", 1,
	    p), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_project_past_retention_is_destroyed_but_its_chain),
		cmocka_unit_test(test_active_and_retained_projects_are_left_alone),
	};

	return cmocka_run_group_tests_name("purge", tests, setup, teardown);
}
