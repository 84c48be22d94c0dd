/* fields.c - validation of declared input fields from a JSON object or a urlencoded form.
 *
 * Both sources are first reduced to a "raw" value per spec (absent, text, integer, boolean,
 * JSON container), so the checks themselves are written once.
 */
#include "http/fields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* Reasons shown to the user next to a field (docs/api.md "fields": {"name": "what is wrong"}). */
#define R_REQUIRED "required"
#define R_TOO_LONG "too long"
#define R_CHARS "contains characters that are not allowed"
#define R_EMAIL "not a valid e-mail address"
#define R_DATE "not a valid date (YYYY-MM-DD)"
#define R_ENUM "not one of the allowed values"
#define R_AMOUNT "not a valid amount"
#define R_ID "not a valid id"
#define R_INT "not a whole number"
#define R_INT_RANGE "number out of range"
#define R_BOOL "not true or false"

/* Longest decimal text of a long long: a sign and 19 digits. */
#define INT_TEXT_MAX 20
#define DATE_LEN 10

enum raw_kind { RAW_ABSENT, RAW_TEXT, RAW_INT, RAW_BOOL, RAW_JSON };

struct raw {
	enum raw_kind kind;
	const char *s; /* RAW_TEXT: n bytes, NUL-terminated by the source */
	size_t n;
	long long i;
	bool b;
	json_t *j;
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static bool
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
multiline(enum field_type t)
{
	return t == FIELD_TEXT;
}

static size_t
default_max(enum field_type t)
{
	switch (t) {
	case FIELD_TEXT:
		return FIELDS_TEXT_MAX;
	case FIELD_EMAIL:
		return FIELDS_EMAIL_MAX;
	case FIELD_ID:
		return FIELDS_ID_MAX;
	default:
		return FIELDS_STRING_MAX;
	}
}

/* RFC 5322 atext: the characters of a dot-atom besides '.'. */
static bool
atext(char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* local: RFC 5321 dot-atom, 1..64 bytes; no quoted strings (nobody needs them, and they are
 * a classic source of parser disagreement). */
static bool
email_local_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > FIELDS_EMAIL_LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!atext(s[i])) {
			return false;
		}
	}
	return true;
}

/* domain: two or more LDH labels of 1..63 bytes, no label starting or ending with '-', and a
 * top-level label that is not all digits (that would be an IP address, not a mail domain). */
static bool
email_domain_ok(const char *s, size_t n)
{
	size_t start = 0, labels = 0;

	while (start <= n) {
		const char *dot = memchr(s + start, '.', n - start);
		size_t end = dot == NULL ? n : (size_t)(dot - s), len = end - start, i;

		if (len == 0 || len > FIELDS_DOMAIN_LABEL_MAX || s[start] == '-' || s[end - 1] == '-')
			return false;
		for (i = start; i < end; i++)
			if (!is_alnum(s[i]) && s[i] != '-')
				return false;
		labels++;
		if (dot == NULL)
			return labels >= 2 && !all_digits(s + start, len);
		start = end + 1;
	}
	return false; /* a trailing dot */
}

/* An arena copy of the address with its domain lower-cased, NULL when it is not one; *nomem
 * tells the two apart. */
static char *
email_normalize(bgw_arena *a, const char *s, size_t n, bool *nomem)
{
	const char *at = memchr(s, '@', n);
	size_t llen, i;
	char *copy;

	*nomem = false;
	if (at == NULL || n > FIELDS_EMAIL_MAX)
		return NULL;
	llen = (size_t)(at - s);
	if (!email_local_ok(s, llen) || !email_domain_ok(at + 1, n - llen - 1))
		return NULL;
	copy = bgw_arena_strndup(a, s, n);
	if (copy == NULL) {
		*nomem = true;
		return NULL;
	}
	for (i = llen + 1; i < n; i++)
		if (copy[i] >= 'A' && copy[i] <= 'Z')
			copy[i] = (char)(copy[i] - 'A' + 'a');
	return copy;
}

static int
two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* YYYY-MM-DD naming a day of the proleptic Gregorian calendar, years 0001..9999. */
static bool
date_ok(const char *s, size_t n)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, dim;

	if (n != DATE_LEN || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
	    !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
		return false;
	y = two(s) * 100 + two(s + 2);
	m = two(s + 5);
	d = two(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	dim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	return d <= dim;
}

/* [+-]?D{1,18}(.D{1,4})? : exact decimals only, no exponent, no bare "1." or ".5". */
static bool
amount_ok(const char *s, size_t n)
{
	size_t i = 0, int_digits, frac_digits = 0;
	const char *dot;

	if (n > 0 && (s[0] == '+' || s[0] == '-'))
		i = 1;
	dot = memchr(s + i, '.', n - i);
	int_digits = (dot == NULL ? n : (size_t)(dot - s)) - i;
	if (int_digits == 0 || int_digits > FIELDS_AMOUNT_INT_DIGITS ||
	    !all_digits(s + i, int_digits))
		return false;
	if (dot != NULL) {
		frac_digits = n - (size_t)(dot - s) - 1;
		if (frac_digits == 0 || frac_digits > FIELDS_AMOUNT_FRAC_DIGITS ||
		    !all_digits(dot + 1, frac_digits))
			return false;
	}
	return true;
}

static bool
id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > FIELDS_ID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool
enum_ok(const char *const *values, const char *s, size_t n)
{
	for (; *values != NULL; values++)
		if (strlen(*values) == n && memcmp(*values, s, n) == 0)
			return true;
	return false;
}

/* [-]digits within long long; "+1", " 1", "1.0", "0x1" are not numbers here. */
static const char *
int_parse(const char *s, size_t n, long long *out)
{
	size_t i = n > 0 && s[0] == '-';
	long long v;

	if (n == i || n > INT_TEXT_MAX || !all_digits(s + i, n - i))
		return R_INT;
	errno = 0;
	v = strtoll(s, NULL, 10); /* s is NUL-terminated right after the digits */
	if (errno == ERANGE)
		return R_INT_RANGE;
	*out = v;
	return NULL;
}

/* What HTML checkboxes ("on") and common form libraries send; nothing else. */
static const char *
bool_parse(const char *s, size_t n, bool *out)
{
	static const char *const yes[] = {"true", "on", "1", NULL};
	static const char *const no[] = {"false", "0", NULL};

	if (enum_ok(yes, s, n)) {
		*out = true;
		return NULL;
	}
	if (enum_ok(no, s, n)) {
		*out = false;
		return NULL;
	}
	return R_BOOL;
}

/* Check n bytes of text s (NUL-terminated at n) for sp and fill fv.  Returns BGW_OK with
 * either *absent (the text counts as not given), *reason (invalid), or neither (valid, fv->s
 * set); BGW_E_NOMEM. */
static bgw_err
take_text(bgw_arena *a, const field_spec *sp, const char *s, size_t n, field_value *fv,
    bool *absent, const char **reason)
{
	size_t max = sp->max_len != 0 ? sp->max_len : default_max(sp->type);
	bool nomem = false;
	size_t i;

	*absent = false;
	*reason = NULL;
	/* An empty typed value cannot be valid, so it means "not given"; an empty optional
	 * STRING or TEXT is a real value (a note cleared on purpose). */
	if (n == 0 && (sp->required || (sp->type != FIELD_STRING && sp->type != FIELD_TEXT))) {
		*absent = true;
		return BGW_OK;
	}
	if (!utf8_valid_text(s, n)) {
		*reason = R_CHARS;
		return BGW_OK;
	}
	if (!multiline(sp->type))
		for (i = 0; i < n; i++)
			if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
				*reason = R_CHARS;
				return BGW_OK;
			}
	if (utf8_count(s, n) > max) {
		*reason = R_TOO_LONG;
		return BGW_OK;
	}
	switch (sp->type) {
	case FIELD_EMAIL:
		fv->s = email_normalize(a, s, n, &nomem);
		if (nomem)
			return BGW_E_NOMEM;
		if (fv->s == NULL)
			*reason = R_EMAIL;
		return BGW_OK;
	case FIELD_DATE:
		*reason = date_ok(s, n) ? NULL : R_DATE;
		break;
	case FIELD_ENUM:
		*reason = enum_ok(sp->enum_values, s, n) ? NULL : R_ENUM;
		break;
	case FIELD_AMOUNT:
		*reason = amount_ok(s, n) ? NULL : R_AMOUNT;
		break;
	case FIELD_ID:
		*reason = id_ok(s, n) ? NULL : R_ID;
		break;
	case FIELD_INT:
		*reason = int_parse(s, n, &fv->i);
		break;
	case FIELD_BOOL:
		*reason = bool_parse(s, n, &fv->b);
		break;
	default:
		break;
	}
	if (*reason == NULL) {
		fv->s = bgw_arena_strndup(a, s, n);
		if (fv->s == NULL)
			return BGW_E_NOMEM;
	}
	return BGW_OK;
}

/* Apply one raw value to fv; a reason for *errors in *reason. */
static bgw_err
take(bgw_arena *a, const field_spec *sp, const struct raw *r, field_value *fv,
    const char **reason)
{
	bool absent = r->kind == RAW_ABSENT;
	bgw_err e = BGW_OK;

	*reason = NULL;
	switch (r->kind) {
	case RAW_TEXT:
		e = take_text(a, sp, r->s, r->n, fv, &absent, reason);
		break;
	case RAW_INT:
		fv->i = r->i;
		break;
	case RAW_BOOL:
		fv->b = r->b;
		break;
	case RAW_JSON:
		fv->j = r->j;
		break;
	case RAW_ABSENT:
		break;
	}
	if (e != BGW_OK)
		return e;
	if (absent) {
		if (sp->required)
			*reason = R_REQUIRED;
		return BGW_OK;
	}
	fv->present = *reason == NULL;
	return BGW_OK;
}

/* The raw value of v for type t; false when v has the wrong JSON type. */
static bool
raw_from_json(json_t *v, enum field_type t, struct raw *r)
{
	memset(r, 0, sizeof(*r));
	if (v == NULL || json_is_null(v)) {
		r->kind = RAW_ABSENT;
		return true;
	}
	switch (t) {
	case FIELD_INT:
		r->kind = RAW_INT;
		r->i = json_integer_value(v);
		return json_is_integer(v);
	case FIELD_BOOL:
		r->kind = RAW_BOOL;
		r->b = json_is_true(v);
		return json_is_boolean(v);
	case FIELD_OBJECT:
		r->kind = RAW_JSON;
		r->j = v;
		return json_is_object(v);
	case FIELD_ARRAY:
		r->kind = RAW_JSON;
		r->j = v;
		return json_is_array(v);
	default:
		r->kind = RAW_TEXT;
		r->s = json_string_value(v);
		r->n = json_string_length(v);
		return json_is_string(v);
	}
}

/* The raw value of field name in form; false when it is repeated or cannot be a form value. */
static bool
raw_from_form(const bgw_kv *form, const char *name, enum field_type t, struct raw *r)
{
	const bgw_kv *p = kv_find(form, name);

	memset(r, 0, sizeof(*r));
	if (p == NULL) {
		r->kind = RAW_ABSENT;
		return true;
	}
	if (kv_find(p->next, name) != NULL || t == FIELD_OBJECT || t == FIELD_ARRAY)
		return false;
	r->kind = RAW_TEXT;
	r->s = p->value;
	r->n = p->value_len;
	return true;
}

/* The shared loop: vals for specs from obj (JSON) or form. */
static bgw_err
validate(bgw_arena *a, const json_t *obj, const bgw_kv *form, const field_spec *specs,
    field_value **out, bgw_kv **errors)
{
	bgw_kv *ehead = NULL, **etail = &ehead;
	field_value *vals;
	size_t n = 0, k;

	*out = NULL;
	*errors = NULL;
	while (specs[n].name != NULL)
		n++;
	for (k = 0; k < n; k++)
		if (specs[k].type == FIELD_ENUM && specs[k].enum_values == NULL)
			return BGW_E_INTERNAL;
	vals = bgw_arena_calloc(a, n + 1, sizeof(*vals));
	if (vals == NULL)
		return BGW_E_NOMEM;
	for (k = 0; k < n; k++) {
		vals[k].name = specs[k].name;
		vals[k].type = specs[k].type;
	}
	*out = vals;
	for (k = 0; k < n; k++) {
		const field_spec *sp = &specs[k];
		const char *reason;
		struct raw r;
		bgw_err e;
		bool ok = obj != NULL ?
		    raw_from_json(json_object_get(obj, sp->name), sp->type, &r) :
		    raw_from_form(form, sp->name, sp->type, &r);

		if (!ok)
			return BGW_E_BAD_REQUEST;
		e = take(a, sp, &r, &vals[k], &reason);
		if (e == BGW_OK && reason != NULL)
			e = kv_append(a, &etail, sp->name, reason, strlen(reason));
		if (e != BGW_OK)
			return e;
	}
	*errors = ehead;
	return ehead == NULL ? BGW_OK : BGW_E_VALIDATION;
}

bgw_err
fields_from_json(bgw_arena *a, const json_t *obj, const field_spec *specs, field_value **out,
    bgw_kv **errors)
{
	*out = NULL;
	*errors = NULL;
	if (!json_is_object(obj))
		return BGW_E_BAD_REQUEST;
	return validate(a, obj, NULL, specs, out, errors);
}

bgw_err
fields_from_form(bgw_arena *a, const bgw_kv *form, const field_spec *specs, field_value **out,
    bgw_kv **errors)
{
	return validate(a, NULL, form, specs, out, errors);
}

const field_value *
fields_get(const field_value *vals, const field_spec *specs, const char *name)
{
	size_t k;

	if (vals == NULL || name == NULL)
		return NULL;
	for (k = 0; specs[k].name != NULL; k++)
		if (strcmp(specs[k].name, name) == 0)
			return &vals[k];
	return NULL;
}

bgw_err
fields_error(bgw_arena *a, bgw_kv **errors, const char *name, const char *reason)
{
	bgw_kv **tail = errors;

	while (*tail != NULL)
		tail = &(*tail)->next;
	return kv_append(a, &tail, name, reason, strlen(reason)) == BGW_OK ? BGW_E_VALIDATION :
	    BGW_E_NOMEM;
}
