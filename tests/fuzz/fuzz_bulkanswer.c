/* fuzz_bulkanswer.c - libFuzzer harness for a desk's uploaded answer sheet (bulkanswer.h):
 * the first byte chooses the format (even: CSV, odd: XLSX), the rest is the file.  An error
 * lists at least one error; a good result has rows in increasing order, each with a value.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/bulkanswer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_rows(const bulk_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		bool any = false;

		for (int c = 0; c < BULK_COL__COUNT; c++)
			any = any || r->rows[i].v[c] != NULL;
		if (!any || (i > 0 && r->rows[i].row <= r->rows[i - 1].row))
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a;
	bulk_rows r;
	bgw_err e;

	if (size < 1 || (a = bgw_arena_new()) == NULL)
		return 0;
	e = bulkanswer_parse(a, data[0] % 2 == 0 ? CONFIMPORT_CSV : CONFIMPORT_XLSX,
	    (const char *)data + 1, size - 1, &r);
	if (e == BGW_OK)
		check_rows(&r);
	else if (e != BGW_E_NOMEM && r.result.nerrors == 0)
		__builtin_trap();
	bgw_arena_free(a);
	return 0;
}
