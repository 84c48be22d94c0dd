/* fuzz_xlsx.c - libFuzzer harness for the XLSX import: the input is the uploaded file (zip
 * parsing by libzip, part lookup, shared strings, the worksheet, the row model).  An error
 * result lists at least one error; a good result has confirmations, each with items or
 * with asked sections (a bank request may ask sections only: importrow.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/importrow.h"
#include "records/xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	import_result r;
	size_t i, items = 0;
	bgw_err e;

	if (a == NULL)
		return 0;
	e = xlsx_import(a, (const char *)data, size, &r);
	if (e != BGW_OK) {
		if (e != BGW_E_NOMEM && r.nerrors == 0)
			__builtin_trap();
	} else {
		for (i = 0; i < r.nconfirmations; i++) {
			if ((r.confirmations[i].nitems == 0 && r.confirmations[i].sections == NULL) ||
			    r.confirmations[i].type == NULL)
				__builtin_trap();
			items += r.confirmations[i].nitems;
		}
		if (r.nerrors != 0 || r.nconfirmations == 0 || items != r.nitems)
			__builtin_trap();
	}
	bgw_arena_free(a);
	return 0;
}
