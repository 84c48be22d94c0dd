/* fuzz_evidence.c - libFuzzer harness for bgw-admin evidence-verify's reading of a pack:
 * the input is the ZIP (libzip's central directory and inflate, the manifest's JSON, the
 * comparison).  A readable pack reports no more problems than it has names to report. */
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	evidence_report r;
	bgw_err e;

	if (a == NULL)
		return 0;
	e = evidence_verify(a, data, size, &r);
	if (e == BGW_OK) {
		for (size_t i = 0; i < r.nproblems; i++)
			if (r.problems[i].name == NULL)
				__builtin_trap();
	} else if (e != BGW_E_BAD_REQUEST && e != BGW_E_NOMEM) {
		__builtin_trap();
	}
	bgw_arena_free(a);
	return 0;
}
