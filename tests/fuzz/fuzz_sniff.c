/* fuzz_sniff.c - any bytes through the streaming sniffer: the answer is NULL or one of the
 * canonical types, and it is the same whether the file arrives at once or cut into pieces
 * (the first input byte picks the piece size), so chunk boundaries can never change what is
 * accepted. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "files/sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* String literals are compared by content: copies in two files need not share an address. */
static const char *const known[] = {SNIFF_PDF, SNIFF_PNG, SNIFF_JPEG, SNIFF_GIF, SNIFF_WEBP,
    SNIFF_TIFF, SNIFF_ZIP, SNIFF_XLSX, SNIFF_DOCX, SNIFF_CSV, SNIFF_TEXT};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *whole, *pieces;
	sniff_state *s;
	size_t step;
	bool found = false;
	bgw_err last = BGW_OK;

	if (size == 0)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	data++;
	size--;
	whole = sniff_type(data, size, "fuzz.csv");
	if ((s = sniff_new()) == NULL)
		return 0;
	for (size_t i = 0; i < size; i += step) {
		bgw_err e = sniff_feed(s, data + i, size - i < step ? size - i : step);

		/* A refusal is final. */
		if (last == BGW_E_UNSUPPORTED_TYPE && e != BGW_E_UNSUPPORTED_TYPE)
			abort();
		last = e;
	}
	pieces = sniff_finish(s, "fuzz.csv");
	sniff_free(s);
	if ((whole == NULL) != (pieces == NULL) || (whole != NULL && strcmp(whole, pieces) != 0))
		abort();
	if (last == BGW_E_UNSUPPORTED_TYPE && whole != NULL)
		abort();
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		found |= whole != NULL && strcmp(whole, known[i]) == 0;
	if (whole != NULL && !found)
		abort();
	return 0;
}
