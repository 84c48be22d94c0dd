/* httplist.h - the weighted lists of HTTP request headers (RFC 9110 5.6.1 and 12.4.2):
 * Accept-Language, Accept-Encoding.  "a, b;q=0.5, *;q=0": elements split at commas, each a
 * token and an optional weight.
 */
#ifndef BGW_HTTPLIST_H
#define BGW_HTTPLIST_H

#include <stdbool.h>
#include <stddef.h>

#define HTTPLIST_Q_MAX 1000 /* q=1, in thousandths (a qvalue has at most three decimals) */

typedef struct httplist_item {
	const char *token; /* the element's first word (a language range, a coding): points into
	                    * the header, not NUL-terminated */
	size_t len;        /* 0 for an empty element */
	int q;             /* its weight in thousandths, HTTPLIST_Q_MAX without one; -1 when the
	                    * q parameter is malformed.  Other parameters are ignored. */
} httplist_item;

/* The element at *p into *out, and *p moved past it and its comma.  False at the end of
 * the header (or when *p is NULL). */
bool httplist_next(const char **p, httplist_item *out);

#endif
