/* test_filecrypt.c - chunked AES-256-GCM: round trips at the chunk edges, every class of
 * tampering (flipped bytes, swapped, moved, cut, extended, foreign chunks, wrong file id or
 * key) refused before any unverified plaintext is handed out, key wrapping, and 100 MiB
 * streamed through writer and reader with flat memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <ftw.h>
#include <openssl/evp.h>

#include "files/blobstore.h"
#include "files/filecrypt.h"

int __real_RAND_bytes(unsigned char *buf, int num);
int __wrap_RAND_bytes(unsigned char *buf, int num);

static bool rng_fails;

int
__wrap_RAND_bytes(unsigned char *buf, int num)
{
	return rng_fails ? 0 : __real_RAND_bytes(buf, num);
}

static const unsigned char key1[FILECRYPT_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char key2[FILECRYPT_KEY_LEN] = "0123456789abcdef0123456789abcdX";

#define C FILECRYPT_CHUNK
#define SEALED (C + FILECRYPT_TAG_LEN)
#define H FILECRYPT_HEADER_LEN

/* ---- an in-memory sink and source through the backend interface ---- */

typedef struct mem_sink {
	blob_sink base;
	unsigned char *buf;
	size_t len, cap;
	int fail_after; /* writes before an error; -1 never */
} mem_sink;

static bgw_err
mem_write(blob_sink *s, const unsigned char *p, size_t n)
{
	mem_sink *m = (mem_sink *)s;

	if (m->fail_after == 0)
		return BGW_E_IO;
	if (m->fail_after > 0)
		m->fail_after--;
	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		m->buf = realloc(m->buf, m->cap);
		assert_non_null(m->buf);
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	return BGW_OK;
}

static bgw_err mem_commit(blob_sink *s) { (void)s; return BGW_OK; }
static void mem_abort(blob_sink *s) { ((mem_sink *)s)->len = 0; }
static void mem_release(blob_sink *s) { (void)s; }
static const blob_sink_ops mem_sink_ops = {mem_write, mem_commit, mem_abort, mem_release};

static void
mem_sink_init(mem_sink *m)
{
	memset(m, 0, sizeof(*m));
	m->base.ops = &mem_sink_ops;
	m->base.state = BLOB_SINK_OPEN;
	m->fail_after = -1;
}

typedef struct mem_source {
	blob_source base;
	const unsigned char *p;
	size_t left, step; /* at most step bytes a read: exercises short reads */
} mem_source;

static bgw_err
mem_read(blob_source *s, unsigned char *buf, size_t cap, size_t *n)
{
	mem_source *m = (mem_source *)s;

	*n = m->left < cap ? m->left : cap;
	if (*n > m->step)
		*n = m->step;
	memcpy(buf, m->p, *n);
	m->p += *n;
	m->left -= *n;
	return BGW_OK;
}

static void mem_src_release(blob_source *s) { (void)s; }
static const blob_source_ops mem_source_ops = {mem_read, mem_src_release};

static void
mem_source_init(mem_source *m, const unsigned char *p, size_t n, size_t step)
{
	memset(m, 0, sizeof(*m));
	m->base.ops = &mem_source_ops;
	m->p = p;
	m->left = n;
	m->step = step;
}

/* ---- helpers ---- */

static void
pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 31 + seed) ^ (i >> 8));
}

/* Encrypt pt (n bytes) for file_id, writing in pieces of step bytes; the blob is returned
 * in *blob (malloc'd) and *blen. */
static void
encrypt(const unsigned char *key, const char *file_id, const unsigned char *pt, size_t n,
    size_t step, unsigned char **blob, size_t *blen)
{
	mem_sink m;
	filecrypt_writer *w;

	mem_sink_init(&m);
	w = filecrypt_writer_new(key, file_id, &m.base);
	assert_non_null(w);
	for (size_t i = 0; i < n;) {
		size_t k = n - i < step ? n - i : step;

		assert_int_equal(filecrypt_write(w, pt + i, k), BGW_OK);
		i += k;
	}
	assert_int_equal(filecrypt_write(w, pt, 0), BGW_OK);
	assert_int_equal(filecrypt_finish(w), BGW_OK);
	assert_int_equal(filecrypt_finish(w), BGW_E_INTERNAL);    /* once */
	assert_int_equal(filecrypt_write(w, pt, 1), BGW_E_INTERNAL);
	filecrypt_writer_free(w);
	*blob = m.buf;
	*blen = m.len;
}

/* Decrypt blob; the plaintext handed out goes to out (cap bytes), its length to *got.
 * Returns the reader's final status. */
static bgw_err
decrypt(const unsigned char *key, const char *file_id, const unsigned char *blob, size_t blen,
    size_t step, unsigned char *out, size_t cap, size_t *got)
{
	mem_source src;
	filecrypt_reader *r;
	bgw_err err;

	mem_source_init(&src, blob, blen, step);
	r = filecrypt_reader_new(key, file_id, &src.base);
	assert_non_null(r);
	*got = 0;
	for (;;) {
		const unsigned char *p;
		size_t n;

		err = filecrypt_read(r, &p, &n);
		if (err != BGW_OK) {
			assert_int_equal(n, 0);
			/* sticky */
			assert_int_equal(filecrypt_read(r, &p, &n), err);
			break;
		}
		if (n == 0) {
			/* the end stays the end */
			assert_int_equal(filecrypt_read(r, &p, &n), BGW_OK);
			assert_int_equal(n, 0);
			break;
		}
		assert_true(n <= C);
		assert_true(*got + n <= cap);
		memcpy(out + *got, p, n);
		*got += n;
	}
	filecrypt_reader_free(r);
	return err;
}

/* ---- tests ---- */

static void
test_round_trip(void **state)
{
	static const size_t sizes[] = {0, 1, 15, 16, 17, C - 1, C, C + 1, 2 * C, 3 * C + 17};
	static const size_t steps[] = {1, 1000, C, 3 * C + 100};
	size_t max = 3 * C + 17;
	unsigned char *pt = malloc(max), *back = malloc(max), *blob;
	size_t blen, got;

	(void)state;
	pattern(pt, max, 7);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
			size_t n = sizes[i];

			if (steps[j] == 1 && n > 2 * C)
				continue; /* slow and adds nothing */
			encrypt(key1, "doc-1", pt, n, steps[j], &blob, &blen);
			assert_int_equal(blen, FILECRYPT_BLOB_SIZE(n));
			assert_memory_equal(blob, FILECRYPT_MAGIC, 4);
			assert_int_equal(blob[4], FILECRYPT_VERSION);
			if (n >= 64) /* the plaintext does not show through */
				assert_null(memmem(blob, blen, pt + n / 2 - 32, 32));
			assert_int_equal(decrypt(key1, "doc-1", blob, blen, steps[j] + 3, back, max,
			    &got), BGW_OK);
			assert_int_equal(got, n);
			assert_memory_equal(back, pt, n);
			free(blob);
		}
	/* The same plaintext twice encrypts differently (fresh nonce prefix). */
	{
		unsigned char *b2;
		size_t l2;

		encrypt(key1, "doc-1", pt, 100, 100, &blob, &blen);
		encrypt(key1, "doc-1", pt, 100, 100, &b2, &l2);
		assert_int_equal(blen, l2);
		assert_memory_not_equal(blob + 9, b2 + 9, FILECRYPT_NONCE_PREFIX_LEN);
		assert_memory_not_equal(blob + H, b2 + H, 100);
		free(blob);
		free(b2);
	}
	free(pt);
	free(back);
}

/* A tampered blob fails, and no plaintext of the bad chunk or after it is handed out. */
static void
expect_refused(const unsigned char *blob, size_t blen, size_t first_bad_chunk,
    const char *file_id, const unsigned char *key, const unsigned char *pt)
{
	size_t cap = 4 * C, got;
	unsigned char *back = malloc(cap);

	assert_int_equal(decrypt(key, file_id, blob, blen, C / 3, back, cap, &got),
	    BGW_E_INTERNAL);
	assert_true(got <= first_bad_chunk * C);
	assert_memory_equal(back, pt, got); /* what was handed out was verified plaintext */
	free(back);
}

static void
test_flipped_bytes(void **state)
{
	size_t n = 2 * C + 100; /* chunks: full, full, last of 100 */
	unsigned char *pt = malloc(n), *blob;
	size_t blen;
	/* Byte positions by class, and the first chunk that must fail. */
	const struct {
		size_t at, bad;
	} cases[] = {
		{0, 0}, {3, 0},                    /* magic */
		{4, 0},                            /* version */
		{5, 0}, {8, 0},                    /* chunk size */
		{9, 0}, {H - 1, 0},                /* nonce prefix: authenticated via the aad */
		{H, 0}, {H + C / 2, 0}, {H + C - 1, 0}, /* chunk 0 ciphertext */
		{H + C, 0}, {H + SEALED - 1, 0},   /* chunk 0 tag */
		{H + SEALED, 1}, {H + 2 * SEALED - 1, 1},
		{H + 2 * SEALED, 2}, {H + 2 * SEALED + 99, 2}, /* last chunk ciphertext */
		{H + 2 * SEALED + 100, 2}, {H + 2 * SEALED + 115, 2}, /* last tag */
	};

	(void)state;
	pattern(pt, n, 3);
	encrypt(key1, "doc-7", pt, n, C, &blob, &blen);
	assert_int_equal(blen, H + 2 * SEALED + 100 + FILECRYPT_TAG_LEN);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (unsigned bit = 0; bit < 8; bit += 7) {
			blob[cases[i].at] ^= (unsigned char)(1u << bit);
			expect_refused(blob, blen, cases[i].bad, "doc-7", key1, pt);
			blob[cases[i].at] ^= (unsigned char)(1u << bit);
		}
	/* And a sweep over the whole blob at a prime stride. */
	for (size_t at = 0; at < blen; at += 1009) {
		size_t bad = at < H ? 0 : (at - H) / SEALED;

		blob[at] ^= 0x40;
		expect_refused(blob, blen, bad, "doc-7", key1, pt);
		blob[at] ^= 0x40;
	}
	free(blob);
	free(pt);
}

static void
test_rearranged_chunks(void **state)
{
	size_t n = 3 * C + 10, blen, blen2;
	unsigned char *pt = malloc(n), *blob, *blob2, *t = malloc(n + 8 * SEALED);

	(void)state;
	pattern(pt, n, 5);
	encrypt(key1, "doc-9", pt, n, 4096, &blob, &blen);

	/* Chunks 0 and 1 swapped. */
	memcpy(t, blob, blen);
	memcpy(t + H, blob + H + SEALED, SEALED);
	memcpy(t + H + SEALED, blob + H, SEALED);
	expect_refused(t, blen, 0, "doc-9", key1, pt);
	/* Chunks 1 and 2 swapped: chunk 0 may be delivered, nothing after it. */
	memcpy(t, blob, blen);
	memcpy(t + H + SEALED, blob + H + 2 * SEALED, SEALED);
	memcpy(t + H + 2 * SEALED, blob + H + SEALED, SEALED);
	expect_refused(t, blen, 1, "doc-9", key1, pt);
	/* Chunk 1 duplicated over chunk 2. */
	memcpy(t, blob, blen);
	memcpy(t + H + 2 * SEALED, blob + H + SEALED, SEALED);
	expect_refused(t, blen, 2, "doc-9", key1, pt);
	/* Chunk 1 dropped (the rest shifted up). */
	memcpy(t, blob, H + SEALED);
	memcpy(t + H + SEALED, blob + H + 2 * SEALED, blen - H - 2 * SEALED);
	expect_refused(t, blen - SEALED, 1, "doc-9", key1, pt);

	/* Cut at every chunk boundary and inside chunks: never a clean end. */
	{
		const size_t cuts[] = {0, 1, H - 1, H, H + 1, H + FILECRYPT_TAG_LEN - 1,
		    H + FILECRYPT_TAG_LEN, H + C, H + SEALED - 1, H + SEALED, H + SEALED + 1,
		    H + 2 * SEALED, H + 2 * SEALED + 5000, H + 3 * SEALED,
		    H + 3 * SEALED + FILECRYPT_TAG_LEN, blen - 1};

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			size_t bad = cuts[i] <= H ? 0 : (cuts[i] - H) / SEALED;

			expect_refused(blob, cuts[i], bad, "doc-9", key1, pt);
		}
	}
	/* Extended: a byte, a copy of the last chunk, a whole extra chunk, a zero chunk. */
	memcpy(t, blob, blen);
	t[blen] = 0;
	expect_refused(t, blen + 1, 3, "doc-9", key1, pt);
	memcpy(t + blen, blob + H + 3 * SEALED, blen - H - 3 * SEALED);
	expect_refused(t, blen + (blen - H - 3 * SEALED), 3, "doc-9", key1, pt);
	memcpy(t + blen, blob + H, SEALED);
	expect_refused(t, blen + SEALED, 3, "doc-9", key1, pt);
	memset(t + blen, 0, FILECRYPT_TAG_LEN);
	expect_refused(t, blen + FILECRYPT_TAG_LEN, 3, "doc-9", key1, pt);

	/* Moved to another file id, opened with another key. */
	expect_refused(blob, blen, 0, "doc-8", key1, pt);
	expect_refused(blob, blen, 0, "doc-99", key1, pt);
	expect_refused(blob, blen, 0, "doc-9", key2, pt);

	/* A chunk from another file with the same key and id (a second upload). */
	encrypt(key1, "doc-9", pt, n, 4096, &blob2, &blen2);
	assert_int_equal(blen, blen2);
	memcpy(t, blob, blen);
	memcpy(t + H + SEALED, blob2 + H + SEALED, SEALED);
	expect_refused(t, blen, 1, "doc-9", key1, pt);
	/* Its header with our chunks. */
	memcpy(t, blob, blen);
	memcpy(t, blob2, H);
	expect_refused(t, blen, 0, "doc-9", key1, pt);

	/* The intact blob still opens. */
	{
		size_t got;
		unsigned char *back = malloc(n);

		assert_int_equal(decrypt(key1, "doc-9", blob, blen, 777, back, n, &got), BGW_OK);
		assert_int_equal(got, n);
		assert_memory_equal(back, pt, n);
		free(back);
	}
	free(blob);
	free(blob2);
	free(t);
	free(pt);
}

static void
test_empty_file(void **state)
{
	unsigned char *blob, back[1] = {0};
	size_t blen, got;

	(void)state;
	encrypt(key1, "empty", back, 0, 1, &blob, &blen);
	assert_int_equal(blen, H + FILECRYPT_TAG_LEN);
	assert_int_equal(decrypt(key1, "empty", blob, blen, 5, back, 0, &got), BGW_OK);
	assert_int_equal(got, 0);
	/* Only the header: the empty last chunk is missing. */
	assert_int_equal(decrypt(key1, "empty", blob, H, 5, back, 0, &got), BGW_E_INTERNAL);
	free(blob);
}

static void
test_bad_arguments_and_errors(void **state)
{
	char long_id[FILECRYPT_FILE_ID_MAX + 2];
	mem_sink m;
	mem_source src;
	filecrypt_writer *w;
	unsigned char buf[C + 10] = {0}, k[FILECRYPT_KEY_LEN];

	(void)state;
	mem_sink_init(&m);
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	assert_null(filecrypt_writer_new(key1, "", &m.base));
	assert_null(filecrypt_writer_new(key1, NULL, &m.base));
	assert_null(filecrypt_writer_new(key1, long_id, &m.base));
	assert_null(filecrypt_writer_new(key1, "x", NULL));
	mem_source_init(&src, buf, 0, 1);
	assert_null(filecrypt_reader_new(key1, "", &src.base));
	assert_null(filecrypt_reader_new(key1, "x", NULL));
	filecrypt_writer_free(NULL);
	filecrypt_reader_free(NULL);

	/* RNG failure: no writer, no key. */
	rng_fails = true;
	assert_null(filecrypt_writer_new(key1, "x", &m.base));
	assert_int_equal(filecrypt_new_key(k), BGW_E_INTERNAL);
	rng_fails = false;
	assert_int_equal(filecrypt_new_key(k), BGW_OK);

	/* A sink error is returned and sticky. */
	m.fail_after = 1; /* the header goes out, the first chunk does not */
	w = filecrypt_writer_new(key1, "x", &m.base);
	assert_non_null(w);
	assert_int_equal(filecrypt_write(w, buf, C), BGW_OK); /* buffered */
	assert_int_equal(filecrypt_write(w, buf, 10), BGW_E_IO);
	assert_int_equal(filecrypt_write(w, buf, 10), BGW_E_IO);
	assert_int_equal(filecrypt_finish(w), BGW_E_IO);
	filecrypt_writer_free(w);
	free(m.buf);

	/* Not one of ours. */
	{
		static const unsigned char junk[] = "%PDF-1.7 this is not an encrypted blob at all";
		size_t got;

		assert_int_equal(decrypt(key1, "x", junk, sizeof(junk), 100, buf, sizeof(buf), &got),
		    BGW_E_INTERNAL);
	}
}

static void
test_wrap_key(void **state)
{
	unsigned char fk[FILECRYPT_KEY_LEN], back[FILECRYPT_KEY_LEN], w[FILECRYPT_WRAPPED_LEN + 8],
	    w2[FILECRYPT_WRAPPED_LEN];
	size_t len, len2;

	(void)state;
	assert_int_equal(filecrypt_new_key(fk), BGW_OK);
	assert_int_equal(filecrypt_wrap_key(key1, 1, "doc-1", fk, w, sizeof(w), &len), BGW_OK);
	assert_int_equal(len, FILECRYPT_WRAPPED_LEN);
	assert_true(len >= 32 && len <= 256); /* documents.wrapped_key */
	assert_null(memmem(w, len, fk, 8));
	assert_int_equal(filecrypt_unwrap_key(key1, 1, "doc-1", w, len, back), BGW_OK);
	assert_memory_equal(back, fk, sizeof(fk));
	/* Wrong master, version, file id; tampered; wrong length. */
	assert_int_equal(filecrypt_unwrap_key(key2, 1, "doc-1", w, len, back), BGW_E_INTERNAL);
	assert_memory_not_equal(back, fk, sizeof(fk));
	assert_int_equal(filecrypt_unwrap_key(key1, 2, "doc-1", w, len, back), BGW_E_INTERNAL);
	assert_int_equal(filecrypt_unwrap_key(key1, 1, "doc-2", w, len, back), BGW_E_INTERNAL);
	assert_int_equal(filecrypt_unwrap_key(key1, 11, "doc-1", w, len, back), BGW_E_INTERNAL);
	for (size_t i = 0; i < len; i++) {
		w[i] ^= 0x01;
		assert_int_equal(filecrypt_unwrap_key(key1, 1, "doc-1", w, len, back),
		    BGW_E_INTERNAL);
		w[i] ^= 0x01;
	}
	assert_int_equal(filecrypt_unwrap_key(key1, 1, "doc-1", w, len - 1, back), BGW_E_INTERNAL);
	assert_int_equal(filecrypt_unwrap_key(key1, 1, "doc-1", w, len + 1, back), BGW_E_INTERNAL);
	/* Bad arguments. */
	assert_int_equal(filecrypt_wrap_key(key1, 0, "doc-1", fk, w, sizeof(w), &len2),
	    BGW_E_INTERNAL);
	assert_int_equal(filecrypt_wrap_key(key1, 1, "", fk, w, sizeof(w), &len2), BGW_E_INTERNAL);
	assert_int_equal(filecrypt_wrap_key(key1, 1, "doc-1", fk, w2, sizeof(w2) - 1, &len2),
	    BGW_E_INTERNAL);
	/* Rotation: unwrap with the old master, wrap with the new; the content is untouched. */
	{
		unsigned char pt[300], *blob, out[300], fk2[FILECRYPT_KEY_LEN];
		size_t blen, got;

		pattern(pt, sizeof(pt), 9);
		encrypt(fk, "doc-1", pt, sizeof(pt), 50, &blob, &blen);
		assert_int_equal(filecrypt_unwrap_key(key1, 1, "doc-1", w, len, fk2), BGW_OK);
		assert_int_equal(filecrypt_wrap_key(key2, 2, "doc-1", fk2, w2, sizeof(w2), &len2),
		    BGW_OK);
		assert_int_equal(filecrypt_unwrap_key(key2, 2, "doc-1", w2, len2, back), BGW_OK);
		assert_int_equal(decrypt(back, "doc-1", blob, blen, 64, out, sizeof(out), &got),
		    BGW_OK);
		assert_int_equal(got, sizeof(pt));
		assert_memory_equal(out, pt, sizeof(pt));
		free(blob);
	}
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static long
max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* 100 MiB through writer -> local blob store -> reader, compared by SHA-256, with the peak
 * RSS growth measured: the pipeline holds a few chunk buffers, not the file. */
static void
test_streaming_100mib(void **state)
{
	const size_t total = (size_t)100 * 1024 * 1024, piece = 8192 + 13;
	char dir[] = "/tmp/bgw-filecrypt-XXXXXX";
	unsigned char buf[8192 + 13], din[32], dout[32];
	EVP_MD_CTX *hin = EVP_MD_CTX_new(), *hout = EVP_MD_CTX_new();
	blobstore *bs;
	blob_sink *sink;
	blob_source *src;
	filecrypt_writer *w;
	filecrypt_reader *r;
	size_t done = 0, got = 0;
	long before, after;
	char id[BLOB_ID_MAX + 1];

	(void)state;
	assert_non_null(mkdtemp(dir));
	bs = blobstore_open_local(dir);
	assert_non_null(bs);
	before = max_rss_kib();
	EVP_DigestInit_ex(hin, EVP_sha256(), NULL);
	EVP_DigestInit_ex(hout, EVP_sha256(), NULL);
	assert_int_equal(blobstore_create(bs, &sink), BGW_OK);
	w = filecrypt_writer_new(key1, "big", sink);
	assert_non_null(w);
	for (unsigned seed = 0; done < total; seed++) {
		size_t k = total - done < piece ? total - done : piece;

		pattern(buf, k, seed);
		EVP_DigestUpdate(hin, buf, k);
		assert_int_equal(filecrypt_write(w, buf, k), BGW_OK);
		done += k;
	}
	assert_int_equal(filecrypt_finish(w), BGW_OK);
	filecrypt_writer_free(w);
	assert_int_equal(blob_sink_commit(sink), BGW_OK);
	snprintf(id, sizeof(id), "%s", blob_sink_id(sink));
	blob_sink_free(sink);

	assert_int_equal(blobstore_open_source(bs, id, &src), BGW_OK);
	r = filecrypt_reader_new(key1, "big", src);
	assert_non_null(r);
	for (;;) {
		const unsigned char *p;
		size_t n;

		assert_int_equal(filecrypt_read(r, &p, &n), BGW_OK);
		if (n == 0)
			break;
		EVP_DigestUpdate(hout, p, n);
		got += n;
	}
	filecrypt_reader_free(r);
	blob_source_free(src);
	after = max_rss_kib();
	EVP_DigestFinal_ex(hin, din, NULL);
	EVP_DigestFinal_ex(hout, dout, NULL);
	assert_int_equal(got, total);
	assert_memory_equal(din, dout, sizeof(din));
	print_message("100 MiB through writer and reader: peak RSS grew %ld KiB\n",
	    after - before);
	/* Far below the file's size: nothing holds more than a few chunks. */
	assert_true(after - before < 8 * 1024);
	assert_int_equal(blobstore_delete(bs, id), BGW_OK);
	blobstore_close(bs);
	EVP_MD_CTX_free(hin);
	EVP_MD_CTX_free(hout);
	assert_int_equal(nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test(test_rearranged_chunks),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_bad_arguments_and_errors),
		cmocka_unit_test(test_wrap_key),
		cmocka_unit_test(test_streaming_100mib),
	};

	return cmocka_run_group_tests_name("filecrypt", tests, NULL, NULL);
}
