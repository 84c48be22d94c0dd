/* test_zipw.c - the streaming ZIP writer: what it writes is read back by libzip (a reader it
 * did not write), classic and ZIP64, with the SHA-256 it reports; misuse is refused and a
 * sink error stops it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>
#include <zip.h>

#include "memsink.h"
#include "records/zipw.h"


static void
hex_of(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static unsigned char *
noise(size_t n)
{
	unsigned char *p = malloc(n);
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
	return p;
}

static zip_t *
open_mem(const mem *m)
{
	zip_error_t e;
	zip_source_t *src;
	zip_t *z;

	zip_error_init(&e);
	src = zip_source_buffer_create(m->buf, m->len, 0, &e);
	z = src != NULL ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &e) : NULL;
	zip_error_fini(&e);
	return z;
}

static void
expect_entry(zip_t *z, const char *name, const void *want, size_t n)
{
	zip_stat_t st;
	zip_file_t *f;
	unsigned char *got = malloc(n + 1);

	assert_int_equal(zip_stat(z, name, 0, &st), 0);
	assert_int_equal(st.size, n);
	assert_non_null(f = zip_fopen(z, name, 0));
	assert_int_equal(zip_fread(f, got, n + 1), (zip_int64_t)n); /* the CRC is checked */
	zip_fclose(f);
	assert_memory_equal(got, want, n);
	free(got);
}

static void
write_and_read(bool zip64)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	zipw *w = zipw_new(a, to_mem, &m, 1765000000);
	size_t big_n = 300 * 1024;
	unsigned char *big = noise(big_n), d[SHA256_DIGEST_LENGTH];
	const char *text = "参照番号,金額\nBGW-1,1000\n";
	char sha[ZIPW_SHA256_HEX], want[ZIPW_SHA256_HEX];
	uint64_t size;
	zip_t *z;

	assert_non_null(w);
	if (zip64)
		zipw_force_zip64(w);
	assert_int_equal(zipw_entry_begin(w, "a/日本語.csv"), BGW_OK);
	assert_int_equal(zipw_sink(w, text, 10), BGW_OK);
	assert_int_equal(zipw_entry_write(w, text + 10, strlen(text) - 10), BGW_OK);
	assert_int_equal(zipw_entry_end(w, sha, &size), BGW_OK);
	assert_int_equal(size, strlen(text));
	SHA256((const unsigned char *)text, strlen(text), d);
	hex_of(d, sizeof(d), want);
	assert_string_equal(sha, want);
	assert_int_equal(zipw_entry_begin(w, "empty"), BGW_OK);
	assert_int_equal(zipw_entry_end(w, NULL, NULL), BGW_OK);
	assert_int_equal(zipw_entry_begin(w, "big.bin"), BGW_OK);
	assert_int_equal(zipw_entry_write(w, big, big_n), BGW_OK);
	assert_int_equal(zipw_entry_end(w, sha, &size), BGW_OK);
	SHA256(big, big_n, d);
	hex_of(d, sizeof(d), want);
	assert_string_equal(sha, want);
	assert_int_equal(zipw_finish(w), BGW_OK);
	assert_int_equal(zipw_bytes(w), m.len);

	assert_non_null(z = open_mem(&m));
	assert_int_equal(zip_get_num_entries(z, 0), 3);
	expect_entry(z, "a/日本語.csv", text, strlen(text));
	expect_entry(z, "empty", "", 0);
	expect_entry(z, "big.bin", big, big_n);
	zip_discard(z);
	free(big);
	bgw_arena_free(a);
}

static void
classic_read_back(void **state)
{
	(void)state;
	write_and_read(false);
}

static void
zip64_read_back(void **state)
{
	(void)state;
	write_and_read(true);
}

static void
zip64_records_present(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	zipw *w = zipw_new(a, to_mem, &m, 0);
	static const unsigned char end64[4] = {0x50, 0x4b, 0x06, 0x06};

	(void)state;
	zipw_force_zip64(w);
	assert_int_equal(zipw_entry_begin(w, "x"), BGW_OK);
	assert_int_equal(zipw_entry_write(w, "x", 1), BGW_OK);
	assert_int_equal(zipw_entry_end(w, NULL, NULL), BGW_OK);
	assert_int_equal(zipw_finish(w), BGW_OK);
	assert_non_null(memmem(m.buf, m.len, end64, sizeof(end64)));
	bgw_arena_free(a);
}

static void
misuse_refused(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	zipw *w = zipw_new(a, to_mem, &m, 0);

	(void)state;
	assert_int_equal(zipw_entry_write(w, "x", 1), BGW_E_INVALID_STATE);
	assert_int_equal(zipw_entry_end(w, NULL, NULL), BGW_E_INVALID_STATE);
	assert_int_equal(zipw_entry_begin(w, ""), BGW_E_BAD_REQUEST);
	assert_int_equal(zipw_entry_begin(w, "a"), BGW_OK);
	assert_int_equal(zipw_entry_begin(w, "b"), BGW_E_INVALID_STATE);
	assert_int_equal(zipw_finish(w), BGW_E_INVALID_STATE);
	assert_int_equal(zipw_entry_end(w, NULL, NULL), BGW_OK);
	assert_int_equal(zipw_finish(w), BGW_OK);
	assert_int_equal(zipw_entry_begin(w, "c"), BGW_E_INVALID_STATE);
	bgw_arena_free(a);
}

static void
sink_error_stops(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a, .fail_after = 100};
	zipw *w = zipw_new(a, to_mem, &m, 0);
	unsigned char *big = noise(200 * 1024);
	bgw_err err;

	(void)state;
	assert_int_equal(zipw_entry_begin(w, "big"), BGW_OK);
	err = zipw_entry_write(w, big, 200 * 1024);
	if (err == BGW_OK)
		err = zipw_entry_end(w, NULL, NULL);
	assert_int_equal(err, BGW_E_IO);
	free(big);
	bgw_arena_free(a); /* the zlib and digest state go with the arena (ASan checks) */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classic_read_back),
		cmocka_unit_test(zip64_read_back),
		cmocka_unit_test(zip64_records_present),
		cmocka_unit_test(misuse_refused),
		cmocka_unit_test(sink_error_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
