/* test_document.c - the upload use case (doc_store) and the document list as a user meets
 * them, against the real PostgreSQL (BGW_TEST_PG / BGW_TEST_PG_OWNER, tests/unit/pgfix.h),
 * the real clamd (BGW_TEST_CLAMD) and a local blob store in a temporary directory: a clean
 * file is stored encrypted and listed for the sides that may see it, and downloads back
 * intact and on record; EICAR is refused, nothing of it is stored, and the refusal is
 * handed back to be kept; a form without a file names the field.  Without those services
 * every case skips. */
#include <dirent.h>
#include <fcntl.h>
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
#include <jansson.h>

#include "core/arena.h"
#include "files/blobstore.h"
#include "files/document.h"
#include "flow/audit.h"
#include "store/db.h"
#include "dbfix.h"
#include "pgfix.h"

#define BOUNDARY "----bgwtestboundary"
#define CONTENT_TYPE "multipart/form-data; boundary=" BOUNDARY
#define UPLOAD_MAX (1024 * 1024)

/* The EICAR test string, spelt in two pieces so this source is no test file itself. */
static const char eicar_a[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-";
static const char eicar_b[] = "STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	blobstore *bs;
	masterkeys keys;
	char dir[64], blobs[96], key[96];
	const char *clamd;
	const char *project, *auditor, *client_user, *respondent_user, *respondent_org;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	unsigned char raw[32];
	int fd;

	*state = w;
	w->clamd = getenv("BGW_TEST_CLAMD");
	if (w->clamd == NULL || w->clamd[0] == '\0' ||
	    !dbfix_open_all(&w->fx, &w->db, &w->a, false)) {
		dbfix_close_all(w->fx, w->db, w->a);
		w->fx = NULL;
		w->db = NULL;
		w->a = NULL;
		return 0;
	}
	snprintf(w->dir, sizeof(w->dir), "/tmp/bgw-doc-XXXXXX");
	if (mkdtemp(w->dir) == NULL)
		return -1;
	snprintf(w->blobs, sizeof(w->blobs), "%s/blobs", w->dir);
	snprintf(w->key, sizeof(w->key), "%s/master.key", w->dir);
	if (mkdir(w->blobs, 0700) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(rand() & 0xff);
	fd = open(w->key, O_WRONLY | O_CREAT | O_EXCL, 0400);
	if (fd < 0 || write(fd, raw, sizeof(raw)) != (ssize_t)sizeof(raw) || close(fd) != 0)
		return -1;
	if (masterkey_load_all(w->key, &w->keys) != BGW_OK)
		return -1;
	w->bs = blobstore_open_local(w->blobs);
	if (w->bs == NULL || blobstore_prepare(w->bs) != BGW_OK)
		return -1;
	{
		const char *firm = pgfix_org(w->fx, "audit_firm");
		const char *client = pgfix_org(w->fx, "client");

		w->respondent_org = pgfix_org(w->fx, "respondent");
		w->project = pgfix_project(w->fx, firm, client);
		w->auditor = pgfix_user(w->fx, firm);
		w->client_user = pgfix_user(w->fx, client);
		w->respondent_user = pgfix_user(w->fx, w->respondent_org);
		pgfix_member(w->fx, w->project, w->auditor, "audit", true, NULL);
		pgfix_member(w->fx, w->project, w->client_user, "client", true, NULL);
		pgfix_member(w->fx, w->project, w->respondent_user, "respondent", true,
		    w->respondent_org);
	}
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
	masterkey_wipe(&w->keys);
	if (w->dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
		if (system(cmd) != 0)
			return -1;
	}
	free(w);
	return 0;
}

/* A request body served from memory in small pieces, as FastCGI hands it on. */
struct mem_body {
	const char *p;
	size_t n, off;
};

static bgw_err
mem_read(void *ud, char *buf, size_t cap, size_t *n)
{
	struct mem_body *m = ud;
	size_t k = m->n - m->off;

	if (k > cap)
		k = cap;
	if (k > 1000)
		k = 1000;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	*n = k;
	return BGW_OK;
}

/* A multipart body with one part: a file (filename non-NULL) or a plain field. */
static char *
form(const char *name, const char *filename, const char *content, size_t *len)
{
	char *s = NULL;
	int n;

	if (filename != NULL)
		n = asprintf(&s, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"; "
		    "filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n%s\r\n--"
		    BOUNDARY "--\r\n", name, filename, content);
	else
		n = asprintf(&s, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\""
		    "\r\n\r\n%s\r\n--" BOUNDARY "--\r\n", name, content);
	assert_true(n > 0);
	*len = (size_t)n;
	return s;
}

static doc_env
env_of(struct world *w)
{
	return (doc_env){.db = w->db, .a = w->a, .bs = w->bs, .keys = &w->keys,
		.clamd_socket = w->clamd, .max_bytes = UPLOAD_MAX};
}

/* Upload body as user on side, in a transaction of the user's own (as the router runs a
 * request), committed on success and rolled back otherwise. */
static bgw_err
upload(struct world *w, const char *user, const char *side, const char *body, size_t len,
    doc_store_out *out, bgw_kv **errors)
{
	doc_env env = env_of(w);
	struct mem_body m = {body, len, 0};
	doc_reader rd = {mem_read, &m};
	doc_store_in in = {.project_id = w->project, .side = side, .ip = "192.0.2.7",
		.content_type = CONTENT_TYPE, .body = &rd};
	bgw_err err;

	assert_int_equal(db_begin(w->db, user), BGW_OK);
	err = doc_store(&env, user, &in, out, errors);
	return dbfix_end(w->db, err);
}

static size_t
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			char sub[512];
			struct stat st;

			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				n += count_files(sub);
			else
				n++;
		}
	closedir(d);
	return n;
}

/* Does any file under dir contain needle? */
static bool
grep_dir(const char *dir, const char *needle)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "grep -rqF -- '%s' '%s'", needle, dir);
	return system(cmd) == 0;
}

/* The names that viewer (a member of side) sees in the project's list. */
static const char *
listed_names(struct world *w, const char *user, enum policy_side side)
{
	policy_target viewer = {.kind = TARGET_PROJECT, .exists = true, .member = true,
		.side = side, .code_verified = true};
	json_t *body, *item;
	size_t i;
	const char *names = "";

	assert_int_equal(db_begin(w->db, user), BGW_OK);
	assert_int_equal(doc_list_json(w->db, w->a, w->project, NULL, &viewer, &body), BGW_OK);
	json_array_foreach(json_object_get(body, "items"), i, item)
		names = bgw_arena_printf(w->a, "%s%s%s", names, *names ? "," : "",
		    json_string_value(json_object_get(item, "name")));
	db_rollback(w->db);
	return names;
}

static void
test_a_clean_file_is_stored_encrypted_and_listed_for_its_side(void **state)
{
	struct world *w = *state;
	static const char content[] = "Balance as of 2026-03-31: JPY 1,234,567 (secret-marker-7f3a)";
	size_t len;
	char *body;
	doc_store_out out;
	bgw_kv *errors = NULL;
	const char *p[2];

	DBFIX_NEED(w->db);
	body = form("file", "balances-note.txt", content, &len);
	assert_int_equal(upload(w, w->client_user, "client", body, len, &out, &errors), BGW_OK);
	free(body);
	assert_null(errors);
	assert_string_equal(out.info.name, "balances-note.txt");
	assert_int_equal(out.info.size, (long long)strlen(content));
	assert_int_equal(strlen(out.info.sha256), 64);
	/* the row records who uploaded it and from which side; the blob is not the plain text */
	p[0] = out.info.id;
	p[1] = w->client_user;
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM documents WHERE id = $1 AND "
	    "created_by = $2 AND side = 'client' AND confirmation_id IS NULL", 2, p), 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 "
	    "AND action = 'doc.upload'", 1, p), 1);
	assert_true(count_files(w->blobs) >= 1);
	assert_false(grep_dir(w->blobs, "secret-marker-7f3a"));
	/* the audit team and the client see it, the respondent does not */
	assert_non_null(strstr(listed_names(w, w->auditor, SIDE_AUDIT), "balances-note.txt"));
	assert_non_null(strstr(listed_names(w, w->client_user, SIDE_CLIENT), "balances-note.txt"));
	assert_null(strstr(listed_names(w, w->respondent_user, SIDE_RESPONDENT),
	    "balances-note.txt"));
}

static void
test_a_stored_file_downloads_intact_and_on_record(void **state)
{
	struct world *w = *state;
	char content[3000];
	char *body, *back;
	size_t len, got = 0, n;
	doc_store_out out;
	bgw_kv *errors = NULL;
	doc_env env;
	doc_download d;
	const unsigned char *buf;

	DBFIX_NEED(w->db);
	for (size_t i = 0; i < sizeof(content) - 1; i++)
		content[i] = (char)('a' + i % 26);
	content[sizeof(content) - 1] = '\0';
	body = form("file", "letters.txt", content, &len);
	assert_int_equal(upload(w, w->auditor, "audit", body, len, &out, &errors), BGW_OK);
	free(body);
	env = env_of(w);
	back = bgw_arena_alloc(w->a, sizeof(content));
	assert_int_equal(db_begin(w->db, w->auditor), BGW_OK);
	assert_int_equal(doc_fetch(&env, w->auditor, "192.0.2.8", w->project, out.info.id, &d,
	    &buf, &n), BGW_OK);
	while (n > 0) {
		assert_true(got + n < sizeof(content));
		memcpy(back + got, buf, n);
		got += n;
		assert_int_equal(doc_next(&d, &buf, &n), BGW_OK);
	}
	assert_int_equal(db_commit(w->db), BGW_OK);
	assert_int_equal(got, strlen(content));
	assert_memory_equal(back, content, got);
	/* every download is on record */
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 "
	    "AND action = 'doc.download' AND actor_id = $2", 2,
	    (const char *[]){out.info.id, w->auditor}), 1);
}

static void
test_eicar_is_refused_nothing_is_stored_and_the_refusal_is_on_record(void **state)
{
	struct world *w = *state;
	char eicar[sizeof(eicar_a) + sizeof(eicar_b)];
	char *body;
	size_t len, blobs_before = count_files(w->blobs);
	doc_store_out out;
	bgw_kv *errors = NULL;
	const char *p[1];
	long docs_before;

	DBFIX_NEED(w->db);
	p[0] = w->project;
	docs_before = pgfix_count(w->fx, "SELECT 1 FROM documents WHERE project_id = $1", 1, p);
	snprintf(eicar, sizeof(eicar), "%s%s", eicar_a, eicar_b);
	body = form("file", "eicar.txt", eicar, &len);
	assert_int_equal(upload(w, w->auditor, "audit", body, len, &out, &errors),
	    BGW_E_INFECTED);
	free(body);
	/* The refusal, to be kept outside the rolled-back transaction (upload() rolled it back):
	 * who, where, which signature, never the content.  Recorded here as the router's
	 * request_keep_event records it. */
	assert_string_equal(out.refusal.action, "doc.infected");
	assert_string_equal(out.refusal.actor_id, w->auditor);
	assert_string_equal(out.refusal.project_id, w->project);
	assert_non_null(strstr(out.refusal.detail_json, "Eicar"));
	assert_null(strstr(out.refusal.detail_json, "EICAR-STANDARD"));
	assert_int_equal(db_begin(w->db, w->auditor), BGW_OK);
	assert_int_equal(audit_append(w->db, w->a, &out.refusal, NULL), BGW_OK);
	assert_int_equal(db_commit(w->db), BGW_OK);
	bgw_arena_reset(w->a); /* the request's end: cleanup hooks remove any partial blob */
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM documents WHERE project_id = $1", 1,
	    p), docs_before);
	assert_int_equal(count_files(w->blobs), blobs_before);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE project_id = $1 "
	    "AND action = 'doc.infected' AND detail->>'signature' LIKE '%Eicar%'", 1, p), 1);
}

static void
test_a_form_without_a_file_names_the_field(void **state)
{
	struct world *w = *state;
	char *body;
	size_t len;
	doc_store_out out;
	bgw_kv *errors = NULL;

	DBFIX_NEED(w->db);
	body = form("note", NULL, "no file here", &len);
	assert_int_equal(upload(w, w->auditor, "audit", body, len, &out, &errors),
	    BGW_E_VALIDATION);
	free(body);
	assert_non_null(errors);
	assert_string_equal(errors->key, "file");
	assert_string_equal(errors->value, "required");
}

static void
test_an_upload_without_a_side_is_refused(void **state)
{
	struct world *w = *state;
	char *body;
	size_t len;
	doc_store_out out;
	bgw_kv *errors = NULL;

	DBFIX_NEED(w->db);
	body = form("file", "a.txt", "hello", &len);
	assert_int_equal(upload(w, w->auditor, NULL, body, len, &out, &errors), BGW_E_FORBIDDEN);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_clean_file_is_stored_encrypted_and_listed_for_its_side),
		cmocka_unit_test(test_a_stored_file_downloads_intact_and_on_record),
		cmocka_unit_test(test_eicar_is_refused_nothing_is_stored_and_the_refusal_is_on_record),
		cmocka_unit_test(test_a_form_without_a_file_names_the_field),
		cmocka_unit_test(test_an_upload_without_a_side_is_refused),
	};

	return cmocka_run_group_tests_name("document", tests, setup, teardown);
}
