/* fuzz_csv.c - libFuzzer harness for the CSV import and writer.
 *
 * The input is a CSV upload.  Whatever it holds: an error result lists at least one error;
 * a good result has confirmations with items and checked values; and a good result
 * exported with the CSV writer imports back to the same number of confirmations and items
 * (the writer's quoting and formula neutralisation are the importer's inverse).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "records/csv.h"
#include "core/err.h"
#include "records/importrow.h"
#include "core/utf8.h"

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

static void
check_result(const import_result *r)
{
	size_t i, k, items = 0;

	for (i = 0; i < r->nconfirmations; i++) {
		const import_confirmation *c = &r->confirmations[i];

		if (c->nitems == 0 || c->type == NULL || c->as_of == NULL ||
		    !import_date_valid(c->as_of) || !import_date_valid(c->due_date) ||
		    strcmp(c->due_date, c->as_of) < 0 ||
		    !utf8_valid_text(c->respondent_org, strlen(c->respondent_org)))
			__builtin_trap();
		for (k = 0; k < c->nitems; k++)
			if (c->items[k].label == NULL || strlen(c->items[k].currency) != 3 ||
			    (c->items[k].amount != NULL && !import_amount_valid(c->items[k].amount)))
				__builtin_trap();
		items += c->nitems;
	}
	if (items != r->nitems || r->nconfirmations == 0)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bgw_arena *a = bgw_arena_new();
	import_result r, back;
	struct sbuf b = {0};
	csv_writer w;
	size_t i;
	bgw_err e;

	if (a == NULL)
		return 0;
	e = csv_import(a, (const char *)data, size, &r);
	if (e != BGW_OK) {
		if (e != BGW_E_NOMEM && r.nerrors == 0)
			__builtin_trap();
		bgw_arena_free(a);
		return 0;
	}
	if (r.nerrors != 0)
		__builtin_trap();
	check_result(&r);

	csv_writer_init(&w, sink, &b);
	csv_write_bom(&w);
	csv_export_header(&w, false);
	for (i = 0; i < r.nconfirmations; i++) {
		export_confirmation ec = {0};
		char group[32];

		ec.c = &r.confirmations[i];
		snprintf(group, sizeof(group), "%zu", i);
		csv_export_confirmation(&w, group, &ec, false);
	}
	if (w.err == BGW_OK) {
		e = csv_import(a, b.p, b.len, &back);
		if (e != BGW_OK || back.nconfirmations != r.nconfirmations ||
		    back.nitems != r.nitems)
			__builtin_trap();
		for (i = 0; i < r.nconfirmations; i++)
			if (strcmp(back.confirmations[i].respondent_name,
			    r.confirmations[i].respondent_name) != 0)
				__builtin_trap();
	}
	free(b.p);
	bgw_arena_free(a);
	return 0;
}
