/* test_blobstore.c - the same cases against every backend: the local directory always, and
 * Azure Blob Storage when BGW_TEST_AZURE names an endpoint (Azurite:
 * BGW_TEST_AZURE=http://127.0.0.1:10000/devstoreaccount1; account devstoreaccount1 with the
 * emulator's published key unless BGW_TEST_AZURE_ACCOUNT / BGW_TEST_AZURE_KEY say otherwise).
 * Upload and download byte-identical at many sizes and piece sizes, a blob of many blocks,
 * abort and free-without-commit leave nothing, delete, missing and malformed ids, sticky
 * states; local: modes, fan-out, symlinks refused; Azure: bad key, unreachable service. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <ftw.h>

#include "files/blobstore.h"

/* Azurite's well-known development account key (public, in Microsoft's documentation). */
#define AZURITE_ACCOUNT "devstoreaccount1"
#define AZURITE_KEY "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/" \
	"K1SZFPTOtr/KBHBeksoGMGw=="
#define TEST_CONTAINER "bgw-unit"

typedef struct backend {
	const char *name;
	blobstore *bs;
	char dir[64]; /* local only */
} backend;

static backend local_be = {"local", NULL, ""};
static backend azure_be = {"azure", NULL, ""};

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int count_files_n;

static int
count_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)p;
	(void)st;
	(void)ftw;
	if (flag == FTW_F || flag == FTW_SL)
		count_files_n++;
	return 0;
}

static int
count_files(const char *dir)
{
	count_files_n = 0;
	assert_int_equal(nftw(dir, count_entry, 8, FTW_PHYS), 0);
	return count_files_n;
}

static int
setup_local(void **state)
{
	snprintf(local_be.dir, sizeof(local_be.dir), "/tmp/bgw-blobs-XXXXXX");
	if (mkdtemp(local_be.dir) == NULL)
		return -1;
	local_be.bs = blobstore_open_local(local_be.dir);
	(void)state;
	return local_be.bs != NULL && blobstore_prepare(local_be.bs) == BGW_OK ? 0 : -1;
}

static int
teardown_local(void **state)
{
	(void)state;
	blobstore_close(local_be.bs);
	return nftw(local_be.dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static const char *
env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : def;
}

static int
setup_azure(void **state)
{
	const char *ep = getenv("BGW_TEST_AZURE");

	(void)state;
	if (ep == NULL || ep[0] == '\0')
		return 0; /* each test skips */
	azure_be.bs = blobstore_open_azure(env_or("BGW_TEST_AZURE_ACCOUNT", AZURITE_ACCOUNT),
	    env_or("BGW_TEST_AZURE_KEY", AZURITE_KEY), TEST_CONTAINER, ep);
	if (azure_be.bs == NULL)
		return -1;
	return blobstore_prepare(azure_be.bs) == BGW_OK ? 0 : -1;
}

static int
teardown_azure(void **state)
{
	(void)state;
	blobstore_close(azure_be.bs);
	azure_be.bs = NULL;
	return 0;
}

static blobstore *
store(void **state)
{
	backend *be = *state;

	if (be->bs == NULL)
		skip();
	return be->bs;
}

static void
pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 131 + seed) ^ (i >> 9));
}

/* Write n bytes in pieces of step; returns the committed id (static buffer). */
static const char *
put(blobstore *bs, const unsigned char *data, size_t n, size_t step)
{
	static char id[BLOB_ID_MAX + 1];
	blob_sink *s;

	assert_int_equal(blobstore_create(bs, &s), BGW_OK);
	for (size_t i = 0; i < n;) {
		size_t k = n - i < step ? n - i : step;

		assert_int_equal(blob_sink_write(s, data + i, k), BGW_OK);
		i += k;
	}
	assert_int_equal(blob_sink_commit(s), BGW_OK);
	snprintf(id, sizeof(id), "%s", blob_sink_id(s));
	/* committed once: a second commit or a write is an error, the blob stays */
	assert_int_not_equal(blob_sink_commit(s), BGW_OK);
	assert_int_not_equal(blob_sink_write(s, data, 1), BGW_OK);
	blob_sink_abort(s); /* no-op after commit */
	blob_sink_free(s);
	return id;
}

/* Read the whole blob id with reads of at most cap bytes and compare with want. */
static void
get_equal(blobstore *bs, const char *id, const unsigned char *want, size_t n, size_t cap)
{
	unsigned char *buf = malloc(cap);
	blob_source *src;
	size_t got = 0, k;

	assert_int_equal(blobstore_open_source(bs, id, &src), BGW_OK);
	for (;;) {
		assert_int_equal(blob_source_read(src, buf, cap, &k), BGW_OK);
		if (k == 0)
			break;
		assert_true(k <= cap);
		assert_true(got + k <= n);
		assert_memory_equal(buf, want + got, k);
		got += k;
	}
	assert_int_equal(got, n);
	assert_int_equal(blob_source_read(src, buf, cap, &k), BGW_OK); /* the end stays */
	assert_int_equal(k, 0);
	blob_source_free(src);
	free(buf);
}

static void
test_round_trip(void **state)
{
	blobstore *bs = store(state);
	static const size_t sizes[] = {0, 1, 4095, 65536, 100 * 1024 + 7};
	static const size_t steps[] = {1, 1000, 65536};
	size_t max = 100 * 1024 + 7;
	unsigned char *data = malloc(max);

	pattern(data, max, 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
			const char *id;
			char keep[BLOB_ID_MAX + 1];

			if (steps[j] == 1 && sizes[i] > 4095)
				continue;
			id = put(bs, data, sizes[i], steps[j]);
			snprintf(keep, sizeof(keep), "%s", id);
			assert_true(blobstore_id_valid(keep));
			assert_int_equal(strlen(keep), 2 * BLOB_ID_RANDOM);
			get_equal(bs, keep, data, sizes[i], 1000);
			get_equal(bs, keep, data, sizes[i], 70000);
			assert_int_equal(blobstore_delete(bs, keep), BGW_OK);
		}
	free(data);
}

/* More than two Azure blocks, an odd tail, written in pieces that straddle blocks. */
static void
test_many_blocks(void **state)
{
	blobstore *bs = store(state);
	size_t n = 5 * BLOB_AZURE_BLOCK + 12345;
	unsigned char *data = malloc(n);
	char id[BLOB_ID_MAX + 1];

	pattern(data, n, 2);
	snprintf(id, sizeof(id), "%s", put(bs, data, n, 300001));
	get_equal(bs, id, data, n, 65536);
	get_equal(bs, id, data, n, 7);
	assert_int_equal(blobstore_delete(bs, id), BGW_OK);
	free(data);
}

static void
expect_absent(blobstore *bs, const char *id)
{
	blob_source *src = (blob_source *)1;

	assert_int_equal(blobstore_open_source(bs, id, &src), BGW_E_NOT_FOUND);
	assert_null(src);
}

static void
test_abort_leaves_nothing(void **state)
{
	backend *be = *state;
	blobstore *bs = store(state);
	size_t n = 2 * BLOB_AZURE_BLOCK + 10;
	unsigned char *data = malloc(n);
	char id[BLOB_ID_MAX + 1];
	blob_sink *s;

	pattern(data, n, 3);
	/* Explicit abort after blocks went out. */
	assert_int_equal(blobstore_create(bs, &s), BGW_OK);
	snprintf(id, sizeof(id), "%s", blob_sink_id(s));
	assert_int_equal(blob_sink_write(s, data, n), BGW_OK);
	blob_sink_abort(s);
	assert_int_not_equal(blob_sink_commit(s), BGW_OK); /* nothing to commit now */
	blob_sink_free(s);
	expect_absent(bs, id);
	/* Freed without commit (an error path; the arena hook does this). */
	assert_int_equal(blobstore_create(bs, &s), BGW_OK);
	snprintf(id, sizeof(id), "%s", blob_sink_id(s));
	assert_int_equal(blob_sink_write(s, data, 100), BGW_OK);
	blob_sink_free_hook(s);
	expect_absent(bs, id);
	/* Nothing written at all. */
	assert_int_equal(blobstore_create(bs, &s), BGW_OK);
	snprintf(id, sizeof(id), "%s", blob_sink_id(s));
	blob_sink_free(s);
	expect_absent(bs, id);
	if (be == &local_be)
		assert_int_equal(count_files(be->dir), 0);
	blob_sink_abort(NULL);
	blob_sink_free(NULL);
	free(data);
}

static void
test_delete_and_missing(void **state)
{
	blobstore *bs = store(state);
	static const char *const bad_ids[] = {"", "../etc/passwd", "a/b", "a.b", "abcd.tmp",
	    "ab cd", "ab\ncd", "%2e%2e", "\xe6\xae\x8b\xe9\xab\x98"};
	char id[BLOB_ID_MAX + 1], longid[BLOB_ID_MAX + 2];

	snprintf(id, sizeof(id), "%s", put(bs, (const unsigned char *)"hello", 5, 5));
	assert_int_equal(blobstore_delete(bs, id), BGW_OK);
	expect_absent(bs, id);
	assert_int_equal(blobstore_delete(bs, id), BGW_E_NOT_FOUND);
	expect_absent(bs, "0123456789abcdef0123456789abcdef");
	expect_absent(bs, "abc"); /* valid characters, shorter than the fan-out */
	assert_int_equal(blobstore_delete(bs, "0123456789abcdef0123456789abcdef"),
	    BGW_E_NOT_FOUND);
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		assert_false(blobstore_id_valid(bad_ids[i]));
		expect_absent(bs, bad_ids[i]);
		assert_int_equal(blobstore_delete(bs, bad_ids[i]), BGW_E_NOT_FOUND);
	}
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_false(blobstore_id_valid(longid));
	longid[BLOB_ID_MAX] = '\0';
	assert_true(blobstore_id_valid(longid));
	assert_false(blobstore_id_valid(NULL));
	assert_true(blobstore_id_valid("Az09_-"));
	blob_source_free(NULL);
	blob_source_free_hook(NULL);
}

static void
test_ids_unique(void **state)
{
	blobstore *bs = store(state);
	char ids[20][BLOB_ID_MAX + 1];

	for (int i = 0; i < 20; i++) {
		blob_sink *s;

		assert_int_equal(blobstore_create(bs, &s), BGW_OK);
		snprintf(ids[i], sizeof(ids[i]), "%s", blob_sink_id(s));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
		blob_sink_free(s);
	}
}

/* ---- local only ---- */

static void
test_local_layout(void **state)
{
	backend *be = *state;
	blobstore *bs = store(state);
	char id[BLOB_ID_MAX + 1], p[512], other[] = "/tmp/bgw-elsewhere-XXXXXX";
	struct stat st;
	blob_sink *s;
	blob_source *src;

	snprintf(id, sizeof(id), "%s", put(bs, (const unsigned char *)"secret", 6, 6));
	snprintf(p, sizeof(p), "%s/%.2s/%.2s/%s", be->dir, id, id + 2, id);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s/%.2s", be->dir, id);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 0077, 0);

	/* The blob file replaced by a symlink: not followed for reading; deleting removes the
	 * link, not its target. */
	assert_non_null(mkdtemp(other));
	snprintf(p, sizeof(p), "%s/%.2s/%.2s/%s", be->dir, id, id + 2, id);
	assert_int_equal(unlink(p), 0);
	{
		char target[128];
		FILE *f;

		snprintf(target, sizeof(target), "%s/target", other);
		f = fopen(target, "w");
		assert_non_null(f);
		fputs("not a blob", f);
		fclose(f);
		assert_int_equal(symlink(target, p), 0);
		assert_int_equal(blobstore_open_source(bs, id, &src), BGW_E_IO);
		assert_int_equal(blobstore_delete(bs, id), BGW_OK);
		assert_int_equal(lstat(target, &st), 0);
		assert_int_equal(unlink(target), 0);
	}
	/* A fan-out directory that is a symlink: refused for reading and writing. */
	snprintf(p, sizeof(p), "%s/zz", be->dir);
	assert_int_equal(symlink(other, p), 0);
	assert_int_equal(blobstore_open_source(bs, "zzzz0000", &src), BGW_E_IO);
	assert_int_equal(blobstore_delete(bs, "zzzz0000"), BGW_E_IO);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(rmdir(other), 0);

	/* The store directory must not be writable by others. */
	assert_int_equal(chmod(be->dir, 0777), 0);
	assert_int_equal(blobstore_prepare(bs), BGW_E_IO);
	assert_int_equal(chmod(be->dir, 0700), 0);
	assert_int_equal(blobstore_prepare(bs), BGW_OK);
	assert_null(blobstore_open_local("/nonexistent/blobs"));
	assert_null(blobstore_open_local(NULL));

	/* Creating fails cleanly when the directory cannot be written (not as root). */
	if (geteuid() != 0) {
		assert_int_equal(chmod(be->dir, 0500), 0);
		s = (blob_sink *)1;
		assert_int_equal(blobstore_create(bs, &s), BGW_E_IO);
		assert_null(s);
		assert_int_equal(chmod(be->dir, 0700), 0);
	}
}

/* ---- azure only ---- */

static void
test_azure_errors(void **state)
{
	blobstore *good = store(state), *bad;
	const char *ep = getenv("BGW_TEST_AZURE");
	char id[BLOB_ID_MAX + 1];
	blob_source *src;
	blob_sink *s;

	snprintf(id, sizeof(id), "%s", put(good, (const unsigned char *)"abc", 3, 3));
	/* A wrong key: refused by the service, not "missing" and not "unavailable". */
	bad = blobstore_open_azure(AZURITE_ACCOUNT,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
	    TEST_CONTAINER, ep);
	assert_non_null(bad);
	assert_int_equal(blobstore_open_source(bad, id, &src), BGW_E_INTERNAL);
	assert_int_equal(blobstore_delete(bad, id), BGW_E_INTERNAL);
	blobstore_close(bad);
	/* Nothing listens: unavailable, for every operation. */
	bad = blobstore_open_azure(AZURITE_ACCOUNT, AZURITE_KEY, TEST_CONTAINER,
	    "http://127.0.0.1:9/devstoreaccount1");
	assert_non_null(bad);
	assert_int_equal(blobstore_prepare(bad), BGW_E_UNAVAILABLE);
	assert_int_equal(blobstore_open_source(bad, id, &src), BGW_E_UNAVAILABLE);
	assert_int_equal(blobstore_delete(bad, id), BGW_E_UNAVAILABLE);
	assert_int_equal(blobstore_create(bad, &s), BGW_OK); /* nothing sent yet */
	assert_int_equal(blob_sink_write(s, "x", 1), BGW_OK);
	assert_int_equal(blob_sink_commit(s), BGW_E_UNAVAILABLE);
	blob_sink_free(s);
	blobstore_close(bad);
	/* A missing container is not a missing blob. */
	bad = blobstore_open_azure(AZURITE_ACCOUNT, AZURITE_KEY, "bgw-no-such-container", ep);
	assert_int_equal(blobstore_create(bad, &s), BGW_OK);
	assert_int_equal(blob_sink_write(s, "x", 1), BGW_OK);
	assert_int_equal(blob_sink_commit(s), BGW_E_INTERNAL);
	blob_sink_free(s);
	blobstore_close(bad);
	/* Malformed configuration is refused before anything is sent. */
	assert_null(blobstore_open_azure("Dev", AZURITE_KEY, TEST_CONTAINER, ep));
	assert_null(blobstore_open_azure(AZURITE_ACCOUNT, "not base64!", TEST_CONTAINER, ep));
	assert_null(blobstore_open_azure(AZURITE_ACCOUNT, AZURITE_KEY, "Bad_Name", ep));
	assert_null(blobstore_open_azure(AZURITE_ACCOUNT, AZURITE_KEY, "-x-", ep));
	assert_null(blobstore_open_azure(AZURITE_ACCOUNT, AZURITE_KEY, TEST_CONTAINER,
	    "ftp://127.0.0.1/"));
	assert_null(blobstore_open_azure(AZURITE_ACCOUNT, AZURITE_KEY, TEST_CONTAINER,
	    "http://127.0.0.1:10000/x?y=1"));
	assert_int_equal(blobstore_delete(good, id), BGW_OK);
}

/* One group (one TAP plan): every case once per backend, named after it. */
#define ON(be, f) {#be ": " #f, f, NULL, NULL, &be##_be}

static int
setup_all(void **state)
{
	return setup_local(state) == 0 && setup_azure(state) == 0 ? 0 : -1;
}

static int
teardown_all(void **state)
{
	return teardown_azure(state) + teardown_local(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ON(local, test_round_trip),
		ON(local, test_many_blocks),
		ON(local, test_abort_leaves_nothing),
		ON(local, test_delete_and_missing),
		ON(local, test_ids_unique),
		ON(local, test_local_layout),
		ON(azure, test_round_trip),
		ON(azure, test_many_blocks),
		ON(azure, test_abort_leaves_nothing),
		ON(azure, test_delete_and_missing),
		ON(azure, test_ids_unique),
		ON(azure, test_azure_errors),
	};
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	failed = cmocka_run_group_tests_name("blobstore", tests, setup_all, teardown_all);
	curl_global_cleanup();
	return failed;
}
