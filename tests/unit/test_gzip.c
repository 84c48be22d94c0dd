/* test_gzip.c - which Accept-Encoding values admit gzip, and that an encoded answer is one
 * gzip member that inflates back to the bytes it was made from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "core/gzip.h"

static const struct {
	const char *header;
	bool accepted;
} vectors[] = {
	{"gzip", true},
	{"gzip, deflate, br", true},        /* Chromium */
	{"gzip, deflate, br, zstd", true},
	{"deflate, gzip;q=1.0, *;q=0.5", true},
	{"GZIP", true},                     /* codings are case-insensitive */
	{"x-gzip", true},
	{"*", true},
	{"gzip;q=0.001", true},
	{"gzip ;q=0.5", true},
	{"br;q=1, gzip; q=0.8", true},
	{" gzip ", true},
	{"identity", false},
	{"deflate, br", false},
	{"", false},
	{"gzip;q=0", false},
	{"gzip;q=0.000", false},
	{"*;q=0", false},
	{"gzip;q=0, *", false},             /* refused by name wins over the wildcard */
	{"*, gzip;q=0", false},
	{"identity, *;q=0", false},
	{"gzips", false},
	{"xgzip", false},
	{"gzip;q=2", false},                /* malformed: as if no header */
	{"gzip;q=1.5", false},
	{"gzip;q=0.0001", false},
	{"gzip;q=abc", false},
	{"gzip;q=", false},
	{"gzip;q=.5", false},
	{"gzip;level=9", true},             /* other parameters are ignored */
};

static void
accepted_vectors(void **state)
{
	(void)state;
	assert_false(gzip_accepted(NULL));
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		if (gzip_accepted(vectors[i].header) != vectors[i].accepted)
			fail_msg("\"%s\": expected %s", vectors[i].header,
			    vectors[i].accepted ? "accepted" : "not accepted");
	}
}

/* Inflate a gzip member (windowBits 15 + 16 accepts only the gzip wrapper). */
static size_t
inflate_all(const char *in, size_t len, char *out, size_t cap)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	rc = inflate(&z, Z_FINISH);
	assert_int_equal(rc, Z_STREAM_END);
	assert_int_equal(z.avail_in, 0); /* one member, nothing after it */
	inflateEnd(&z);
	return z.total_out;
}

static void
encodes_one_gzip_member(void **state)
{
	bgw_arena *a = bgw_arena_new();
	static char page[64 * 1024], back[sizeof(page)];
	size_t used = 0, out_len, n;
	char *out;

	(void)state;
	assert_non_null(a);
	/* A list page: repetitive JSON with Japanese text. */
	while (used + 200 < sizeof(page))
		used += (size_t)snprintf(page + used, sizeof(page) - used,
		    "{\"id\":\"c%05zu\",\"respondent\":\"株式会社みずなみ銀行\",\"amount\":\"-1234567\"},",
		    used);
	assert_int_equal(gzip_encode(a, page, used, &out, &out_len), BGW_OK);
	assert_true(out_len >= 18);
	assert_int_equal((unsigned char)out[0], 0x1f); /* RFC 1952 magic */
	assert_int_equal((unsigned char)out[1], 0x8b);
	assert_true(out_len < used / 4);
	n = inflate_all(out, out_len, back, sizeof(back));
	assert_int_equal(n, used);
	assert_memory_equal(back, page, used);
	bgw_arena_free(a);
}

static void
encodes_empty_and_incompressible(void **state)
{
	bgw_arena *a = bgw_arena_new();
	char noise[4096], back[sizeof(noise)];
	uint32_t x = 2463534242u;
	size_t out_len;
	char *out;

	(void)state;
	assert_int_equal(gzip_encode(a, "", 0, &out, &out_len), BGW_OK);
	assert_int_equal(inflate_all(out, out_len, back, sizeof(back)), 0);
	for (size_t i = 0; i < sizeof(noise); i++) { /* xorshift: bytes deflate cannot shrink */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (char)(x & 0xff);
	}
	assert_int_equal(gzip_encode(a, noise, sizeof(noise), &out, &out_len), BGW_OK);
	assert_true(out_len > sizeof(noise)); /* deflateBound left room for the growth */
	assert_int_equal(inflate_all(out, out_len, back, sizeof(back)), sizeof(noise));
	assert_memory_equal(back, noise, sizeof(noise));
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted_vectors),
		cmocka_unit_test(encodes_one_gzip_member),
		cmocka_unit_test(encodes_empty_and_incompressible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
