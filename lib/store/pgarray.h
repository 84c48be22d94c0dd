/* pgarray.h - PostgreSQL text[] literals built in arena memory, for set-based statements
 * (INSERT ... SELECT FROM unnest($1::text[], ...)) that replace one statement per row.
 */
#ifndef BGW_PGARRAY_H
#define BGW_PGARRAY_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* A growing text[] literal: {"a","b",NULL}. */
typedef struct pgarray {
	bgw_arena *a;
	char *buf;
	size_t len, cap;
	size_t n;       /* elements so far */
	bgw_err err;    /* sticky: the first failure */
} pgarray;

/* Start an empty array in arena a (nothing is allocated yet). */
void pgarray_init(pgarray *p, bgw_arena *a);

/* Append s, or SQL NULL when s is NULL.  Every element is double-quoted with " and \
 * escaped, so no value (commas, braces, the word NULL) can change the array's shape.
 * Failures are sticky and reported by pgarray_finish. */
void pgarray_add(pgarray *p, const char *s);

/* The literal, NUL-terminated, in arena memory ("{}" for no elements), or NULL with the
 * first error (BGW_E_NOMEM) in *err. */
const char *pgarray_finish(pgarray *p, bgw_err *err);

#endif
