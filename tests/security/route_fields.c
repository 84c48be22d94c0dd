/* route_fields.c - print every route with its declared body fields, for the sqlmap check.
 *
 * `bgw-fcgi --routes` prints method, pattern, auth, csrf and body kind but not the fields a
 * JSON or form body declares; sqlmap needs them to build a body whose every value it can
 * test.  This program is linked by tests/security/sqlmap.sh against the objects of a build
 * (every object of cgi/ but main.o, and lib/libbgw.a), so it reads the same route tables the worker
 * serves: a route or field added later is tested without anyone editing a list.
 *
 * Output: one JSON line per route,
 *   {"method":"POST","pattern":"/api/v1/projects","auth":"signed_in","body":"json",
 *    "fields":[{"name":"name","type":"string","required":true,"enum":["a","b"]},...]}
 * Names and enum values are identifiers of our own tables: no escaping is needed, and the
 * program refuses (exit 1) a character that would need it rather than print broken JSON.
 */
#include <stdio.h>
#include <string.h>

#include "route.h"

static const char *const auth_names[] = {"public", "signed_in", "operator"};
static const char *const body_names[] = {"none", "json", "form", "stream"};
static const char *const type_names[] = {"string", "text", "email", "date", "int", "bool",
	"enum", "amount", "id", "object", "array"};

/* Whether s can be printed inside a JSON string as is. */
static int
plain(const char *s)
{
	return strpbrk(s, "\"\\\n\r\t") == NULL;
}

int
main(void)
{
	for (const route *const *t = route_tables; *t != NULL; t++)
	for (const route *rt = *t; rt->method != NULL; rt++) {
		if (!plain(rt->pattern))
			return 1;
		printf("{\"method\":\"%s\",\"pattern\":\"%s\",\"auth\":\"%s\",\"body\":\"%s\","
		    "\"fields\":[", rt->method, rt->pattern, auth_names[rt->auth],
		    body_names[rt->body]);
		for (const field_spec *f = rt->fields; f != NULL && f->name != NULL; f++) {
			if (!plain(f->name))
				return 1;
			printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"required\":%s,\"enum\":[",
			    f == rt->fields ? "" : ",", f->name, type_names[f->type],
			    f->required ? "true" : "false");
			for (const char *const *e = f->enum_values; e != NULL && *e != NULL; e++) {
				if (!plain(*e))
					return 1;
				printf("%s\"%s\"", e == f->enum_values ? "" : ",", *e);
			}
			printf("]}");
		}
		printf("]}\n");
	}
	return 0;
}
