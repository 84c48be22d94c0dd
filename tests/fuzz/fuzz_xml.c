/* fuzz_xml.c - libFuzzer harness for the XML import (parse limits, DOCTYPE refusal, XSD,
 * row checks) and the XML export.
 *
 * The schema is read from $BGW_SRCDIR/db/confirmations.xsd (default: the current
 * directory is the top of the tree).  Whatever the input: an error result lists at least
 * one error; a good result exported with the XML writer imports back to the same number of
 * confirmations and items.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/importrow.h"
#include "records/xmlio.h"

static char xsd[4096];

struct sbuf {
	char *p;
	size_t len, cap;
};

static bgw_err
sink(void *ud, const char *s, size_t n)
{
	struct sbuf *b = ud;

	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2;
		char *p = realloc(b->p, cap);

		if (p == NULL)
			return BGW_E_NOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return BGW_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("BGW_SRCDIR");

	(void)argc, (void)argv;
	snprintf(xsd, sizeof(xsd), "%s/db/confirmations.xsd", src != NULL ? src : ".");
	if (xmlio_schema_load(xsd) != BGW_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	import_result r, back;
	struct sbuf b = {0};
	xmlio_writer *w;
	size_t i;
	bgw_err e;

	if (a == NULL)
		return 0;
	e = xmlio_import(a, (const char *)data, size, xsd, &r);
	if (e != BGW_OK) {
		if (e != BGW_E_NOMEM && r.nerrors == 0)
			__builtin_trap();
		bgw_arena_free(a);
		return 0;
	}
	if (r.nerrors != 0 || r.nconfirmations == 0)
		__builtin_trap();
	e = xmlio_export_begin(a, sink, &b, NULL, NULL, &w);
	for (i = 0; e == BGW_OK && i < r.nconfirmations; i++) {
		export_confirmation ec = {0};

		ec.c = &r.confirmations[i];
		e = xmlio_export_confirmation(w, &ec);
	}
	if (e == BGW_OK)
		e = xmlio_export_end(w);
	if (e == BGW_OK) {
		e = xmlio_import(a, b.p, b.len, xsd, &back);
		if (e != BGW_OK || back.nconfirmations != r.nconfirmations ||
		    back.nitems != r.nitems)
			__builtin_trap();
	}
	free(b.p);
	bgw_arena_free(a);
	return 0;
}
