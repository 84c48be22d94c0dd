/* gzip.c - gzip for answers (see gzip.h). */
#include "core/gzip.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "http/httplist.h"

/* zlib's default level: the kept pages this serves are compressed once and sent many
 * times, so a level above 1 pays for itself. */
#define GZIP_LEVEL 6
#define GZIP_WINDOW_BITS (15 + 16) /* + 16: a gzip header and trailer, not zlib's */
#define GZIP_MEM_LEVEL 8

bool
gzip_accepted(const char *accept_encoding)
{
	const char *p = accept_encoding;
	int gzip_q = -1, any_q = -1; /* -1: not named */
	httplist_item it;

	if (p == NULL)
		return false;
	while (httplist_next(&p, &it)) {
		if (it.q < 0)
			return false;
		if ((it.len == 4 && strncasecmp(it.token, "gzip", 4) == 0) ||
		    (it.len == 6 && strncasecmp(it.token, "x-gzip", 6) == 0))
			gzip_q = it.q;
		else if (it.len == 1 && *it.token == '*')
			any_q = it.q;
	}
	return gzip_q >= 0 ? gzip_q > 0 : any_q > 0;
}

bgw_err
gzip_encode(bgw_arena *a, const char *in, size_t len, char **out, size_t *out_len)
{
	z_stream z;
	uLong bound;
	char *buf;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (len > UINT_MAX)
		return BGW_E_INTERNAL; /* one deflate call takes at most UINT_MAX bytes */
	memset(&z, 0, sizeof(z));
	rc = deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, GZIP_WINDOW_BITS, GZIP_MEM_LEVEL,
	    Z_DEFAULT_STRATEGY);
	if (rc != Z_OK)
		return rc == Z_MEM_ERROR ? BGW_E_NOMEM : BGW_E_INTERNAL;
	/* deflateBound with the gzip wrapper: the whole member fits, one call finishes it. */
	bound = deflateBound(&z, (uLong)len);
	if (bound > UINT_MAX || (buf = bgw_arena_alloc(a, bound)) == NULL) {
		deflateEnd(&z);
		return BGW_E_NOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		*out_len = 0;
		return BGW_E_INTERNAL;
	}
	*out = buf;
	return BGW_OK;
}
