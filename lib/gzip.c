/* gzip.c - gzip for answers (see gzip.h). */
#include "gzip.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

/* zlib's default level: the kept pages this serves are compressed once and sent many
 * times, so a level above 1 pays for itself. */
#define GZIP_LEVEL 6
#define GZIP_WINDOW_BITS (15 + 16) /* + 16: a gzip header and trailer, not zlib's */
#define GZIP_MEM_LEVEL 8
#define QVALUE_MAX_LEN 5           /* "0.001" (RFC 9110 12.4.2) */

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The quality of one element's parameters (after the coding and its ';'), 1000 for 1;
 * -1 when malformed.  Parameters other than q are ignored. */
static int
element_quality(const char *s, const char *end)
{
	int q = 1000;

	while (s < end) {
		const char *semi = memchr(s, ';', (size_t)(end - s));
		const char *stop = semi != NULL ? semi : end;

		s = skip_space(s);
		if (stop - s >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=') {
			const char *v = s + 2, *v_end = stop;
			int scale = 1000;

			while (v_end > v && (v_end[-1] == ' ' || v_end[-1] == '\t'))
				v_end--;
			if (v_end - v < 1 || v_end - v > QVALUE_MAX_LEN || (v[0] != '0' && v[0] != '1'))
				return -1;
			q = (v[0] - '0') * 1000;
			if (v + 1 < v_end) {
				if (v[1] != '.')
					return -1;
				for (const char *d = v + 2; d < v_end; d++) {
					if (!isdigit((unsigned char)*d))
						return -1;
					scale /= 10;
					q += (*d - '0') * scale;
				}
			}
			if (q > 1000)
				return -1;
		}
		s = stop < end ? stop + 1 : end;
	}
	return q;
}

bool
gzip_accepted(const char *accept_encoding)
{
	const char *s = accept_encoding;
	int gzip_q = -1, any_q = -1; /* -1: not named */

	if (s == NULL)
		return false;
	while (*s != '\0') {
		const char *comma = strchr(s, ',');
		const char *end = comma != NULL ? comma : s + strlen(s);
		const char *coding = skip_space(s), *coding_end = coding;
		size_t n;
		int q;

		while (coding_end < end && *coding_end != ';' && *coding_end != ' ' &&
		    *coding_end != '\t')
			coding_end++;
		n = (size_t)(coding_end - coding);
		q = element_quality(coding_end < end && *coding_end == ';' ? coding_end + 1 :
		    skip_space(coding_end), end);
		if (q < 0)
			return false;
		if ((n == 4 && strncasecmp(coding, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(coding, "x-gzip", 6) == 0))
			gzip_q = q;
		else if (n == 1 && *coding == '*')
			any_q = q;
		s = comma != NULL ? comma + 1 : end;
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
