/* fuzz_gzip.c - the input as an Accept-Encoding value through gzip_accepted (no crash, and
 * gzip admitted only when the value names it or "*"), and as an answer through
 * gzip_encode, which must inflate back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/gzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_round_trip(const char *in, size_t len, const char *gz, size_t gz_len)
{
	char *back = malloc(len + 1);
	z_stream z;

	if (back == NULL)
		return;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		abort();
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)gz_len;
	z.next_out = (Bytef *)back;
	z.avail_out = (uInt)(len + 1);
	if (inflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out != len || z.avail_in != 0 ||
	    memcmp(back, in, len) != 0)
		abort();
	inflateEnd(&z);
	free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	char *header, *gz;
	size_t gz_len;

	if (a == NULL)
		return 0;
	/* A header arrives NUL-terminated from FastCGI; an embedded NUL ends it early. */
	header = bgw_arena_strndup(a, (const char *)data, size);
	/* gzip is admitted only by naming it or the wildcard. */
	if (header != NULL && gzip_accepted(header) && strcasestr(header, "gzip") == NULL &&
	    strchr(header, '*') == NULL)
		abort();
	if (gzip_encode(a, (const char *)data, size, &gz, &gz_len) == BGW_OK)
		check_round_trip((const char *)data, size, gz, gz_len);
	bgw_arena_free(a);
	return 0;
}
