/* fuzz_dsn.c - any bytes through dsn_parse: it must answer, never crash, and on BGW_OK hand
 * back a status of the form d.d.d and a class that fits it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/dsn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	dsn_report r;

	if (a == NULL)
		return 0;
	if (dsn_parse(a, (const char *)data, size, &r) == BGW_OK) {
		if (strlen(r.status) < 5 || strchr("245", r.status[0]) == NULL)
			abort();
		if (r.cls == DSN_PERMANENT && r.status[0] != '5')
			abort();
		if (r.diagnostic != NULL && strlen(r.diagnostic) > DSN_DIAG_MAX)
			abort();
	}
	bgw_arena_free(a);
	return 0;
}
