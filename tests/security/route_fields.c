/* route_fields.c - print every route with its declared body fields, for the sqlmap check.
 *
 * `bgw-fcgi --routes` prints method, pattern, auth, csrf and body kind but not the fields a
 * JSON or form body declares; sqlmap needs them to build a body whose every value it can
 * test.  This program is linked by tests/security/security.sh against the objects of a build
 * (every object of cgi/ but main.o, and lib/libbgw.a), so it reads the same route tables the worker
 * serves: a route or field added later is tested without anyone editing a list.
 *
 * Output: one JSON line per route,
 *   {"method":"POST","pattern":"/api/v1/projects","auth":"signed_in","body":"json",
 *    "fields":[{"name":"name","type":"string","required":true,"enum":["a","b"]},...]}
 * then one per field table the page handlers share with the API (cgi/api/handlers.h), which
 * they validate their forms against (page_fields): sqlmap_check.py checks that the form
 * body it sends for a page route holds every field the handler reads,
 *   {"spec":"reason_fields","fields":[...]}
 * Names and enum values are identifiers of our own tables: no escaping is needed, and the
 * program refuses (exit 1) a character that would need it rather than print broken JSON.
 */
#include <stdio.h>
#include <string.h>

#include "api/h_org.h"
#include "api/handlers.h"
#include "authglue.h"
#include "route.h"

static const char *const type_names[] = {"string", "text", "email", "date", "int", "bool",
	"enum", "amount", "id", "object", "array"};

/* Whether s can be printed inside a JSON string as is. */
static int
plain(const char *s)
{
	return strpbrk(s, "\"\\\n\r\t") == NULL;
}

/* The fields of a table as a JSON array; 0, or 1 for a name that needs escaping. */
static int
print_fields(const field_spec *fields)
{
	printf("[");
	for (const field_spec *f = fields; f != NULL && f->name != NULL; f++) {
		if (!plain(f->name))
			return 1;
		printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"required\":%s,\"enum\":[",
		    f == fields ? "" : ",", f->name, type_names[f->type],
		    f->required ? "true" : "false");
		for (const char *const *e = f->enum_values; e != NULL && *e != NULL; e++) {
			if (!plain(*e))
				return 1;
			printf("%s\"%s\"", e == f->enum_values ? "" : ",", *e);
		}
		printf("]}");
	}
	printf("]");
	return 0;
}

/* The shared field tables, by the name the page handlers pass to page_fields. */
#define SPEC(x) {#x, x}
static const struct {
	const char *name;
	const field_spec *fields;
} specs[] = {
	SPEC(login_fields), SPEC(accept_fields), SPEC(reset_fields), SPEC(reset_complete_fields),
	SPEC(password_change_fields), SPEC(otp_fields), SPEC(mfa_off_fields),
	SPEC(project_create_fields), SPEC(project_patch_fields), SPEC(access_fields),
	SPEC(member_add_fields), SPEC(reason_fields), SPEC(address_check_fields),
	SPEC(approve_fields), SPEC(review_fields), SPEC(resolve_fields), SPEC(close_fields),
	SPEC(share_fields), SPEC(reminders_fields), SPEC(addressee_fields), SPEC(comment_fields),
	SPEC(org_invite_fields), SPEC(org_change_fields), SPEC(org_unit_fields),
};

int
main(void)
{
	for (const route *const *t = route_tables; *t != NULL; t++)
	for (const route *rt = *t; rt->method != NULL; rt++) {
		if (!plain(rt->pattern))
			return 1;
		printf("{\"method\":\"%s\",\"pattern\":\"%s\",\"auth\":\"%s\",\"body\":\"%s\","
		    "\"fields\":", rt->method, rt->pattern, route_auth_name(rt->auth),
		    route_body_name(rt->body));
		if (print_fields(rt->fields) != 0)
			return 1;
		printf("}\n");
	}
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		printf("{\"spec\":\"%s\",\"fields\":", specs[i].name);
		if (print_fields(specs[i].fields) != 0)
			return 1;
		printf("}\n");
	}
	return 0;
}
