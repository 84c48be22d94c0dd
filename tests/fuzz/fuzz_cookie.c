/* fuzz_cookie.c - a Cookie header through cookie_parse; every kept pair must be a token name
 * and a cookie-octet value, so that cookie_format_session accepts it back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	char *header;
	bgw_kv *out, *p;

	if (a == NULL)
		return 0;
	/* A header arrives NUL-terminated from FastCGI; an embedded NUL ends it early. */
	header = bgw_arena_strndup(a, (const char *)data, size);
	if (header == NULL)
		goto done;
	if (cookie_parse(a, header, &out) != BGW_OK) {
		if (strlen(header) <= COOKIE_MAX_HEADER_LEN)
			abort();
		goto done;
	}
	if (kv_count(out) > COOKIE_MAX_PAIRS)
		abort();
	for (p = out; p != NULL; p = p->next) {
		if (strlen(p->value) != p->value_len || p->value_len > COOKIE_MAX_VALUE_LEN)
			abort();
		if (cookie_format_session(a, p->key, p->value, 0) == NULL)
			abort();
	}
done:
	bgw_arena_free(a);
	return 0;
}
