/* fields.h - declared input fields, validated once into typed values.
 *
 * A route declares its fields as a field_spec array; the body (JSON) or form (urlencoded) is
 * checked against it in one call, and handlers read only the typed field_value results, never
 * raw input.  Two kinds of failure, as docs/api.md wants them:
 *   - a value of the wrong JSON type (a number where a string is declared, ...) is a
 *     malformed request: BGW_E_BAD_REQUEST, reported at once;
 *   - a value of the right type that is not valid is BGW_E_VALIDATION, with every bad field
 *     and its reason listed, so a user fixes a form in one round.
 * Rules common to every string-carried type (STRING, TEXT, EMAIL, DATE, ENUM, AMOUNT, ID, and
 * every type in a form):
 *   - it must be UTF-8 text (utf8_valid_text); FIELD_TEXT may hold TAB, LF and CR, the others
 *     not;
 *   - max_len, when not 0, limits its length in code points; 0 means the type's default;
 *   - an absent field, a JSON null, or an empty string counts as "not given": the reason
 *     is "required" when the spec says required, else present = false; except that an
 *     empty STRING or TEXT that is not required is present with s = "".
 */
#ifndef BGW_FIELDS_H
#define BGW_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

/* Default max_len (code points) when a spec says 0. */
#define FIELDS_STRING_MAX 200
#define FIELDS_TEXT_MAX 10000
#define FIELDS_EMAIL_MAX 254 /* RFC 5321 path limit less the angle brackets */
#define FIELDS_EMAIL_LOCAL_MAX 64
#define FIELDS_DOMAIN_LABEL_MAX 63
#define FIELDS_ID_MAX 64
#define FIELDS_AMOUNT_INT_DIGITS 18
#define FIELDS_AMOUNT_FRAC_DIGITS 4

enum field_type {
	FIELD_STRING, /* one line of text */
	FIELD_TEXT,   /* multi-line text */
	FIELD_EMAIL,  /* local@domain, domain lower-cased in s */
	FIELD_DATE,   /* YYYY-MM-DD, a real calendar date */
	FIELD_INT,    /* JSON integer; in a form, [-]digits; in i */
	FIELD_BOOL,   /* JSON true/false; in a form, true/false/on/1/0; in b */
	FIELD_ENUM,   /* one of enum_values */
	FIELD_AMOUNT, /* [+-]digits[.digits]: up to 18 integer and 4 decimal digits */
	FIELD_ID,     /* opaque id: [A-Za-z0-9_-]{1,64} */
	FIELD_OBJECT, /* JSON object, in j (JSON only) */
	FIELD_ARRAY   /* JSON array, in j (JSON only) */
};

typedef struct field_spec {
	const char *name;
	enum field_type type;
	bool required;
	size_t max_len;                  /* code points; 0 = the type's default */
	const char *const *enum_values;  /* NULL-terminated, for FIELD_ENUM */
} field_spec;                            /* an array of specs ends with {NULL} */

typedef struct field_value {
	const char *name;     /* the spec's name */
	bool present;         /* false: not given (and not required) */
	enum field_type type; /* the spec's type */
	const char *s;        /* string types: an arena copy (INT, BOOL: the text as given in a form) */
	long long i;          /* FIELD_INT */
	bool b;               /* FIELD_BOOL */
	json_t *j;            /* FIELD_OBJECT, FIELD_ARRAY: borrowed from obj, valid while obj is */
} field_value;

/* Validate the JSON object obj against specs (unknown keys are ignored).
 * *out is an arena array parallel to specs (filled as far as validation got, also on
 * BGW_E_VALIDATION); *errors a list of field name -> reason, in spec order, or NULL.
 * Returns BGW_OK; BGW_E_BAD_REQUEST when obj is not an object or a field has the wrong JSON
 * type; BGW_E_VALIDATION with *errors set; BGW_E_NOMEM.  A spec of FIELD_ENUM without
 * enum_values is a programming error: BGW_E_INTERNAL. */
bgw_err fields_from_json(bgw_arena *a, const json_t *obj, const field_spec *specs,
    field_value **out, bgw_kv **errors);

/* The same for a urlencoded form, where every value is text: FIELD_INT from [-]digits,
 * FIELD_BOOL from true/false/on/1/0 (an absent checkbox is not given, so b = false), and a
 * FIELD_OBJECT or FIELD_ARRAY that is present is BGW_E_BAD_REQUEST.  A declared field sent
 * twice is BGW_E_BAD_REQUEST too: which copy a proxy or WAF looked at is unknowable. */
bgw_err fields_from_form(bgw_arena *a, const bgw_kv *form, const field_spec *specs,
    field_value **out, bgw_kv **errors);

/* The value for name in vals (as filled for specs), or NULL if specs declares no such
 * field. */
const field_value *fields_get(const field_value *vals, const field_spec *specs,
    const char *name);

/* Append the error name -> reason at the end of *errors (a use case's rule that no field
 * spec can say, e.g. "retention_days": "out_of_range").  Returns BGW_E_VALIDATION, or
 * BGW_E_NOMEM (the list unchanged). */
bgw_err fields_error(bgw_arena *a, bgw_kv **errors, const char *name, const char *reason);

#endif
