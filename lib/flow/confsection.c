/* confsection.c - every asked section answered once (see confsection.h). */
#include "flow/confsection.h"

#include <string.h>

#include "http/fields.h"

static const field_spec section_spec[] = {
	{.name = "section", .type = FIELD_STRING, .required = true, .max_len = 40},
	{.name = "none", .type = FIELD_BOOL},
	{.name = "answer", .type = FIELD_TEXT, .max_len = CONFSECTION_ANSWER_MAX},
	{.name = NULL},
};

static bool
listed(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static bgw_err
problem(bgw_arena *a, bgw_kv ***tail, const char *name, const char *reason, bgw_err *result)
{
	*result = BGW_E_VALIDATION;
	if (name == NULL)
		return BGW_E_NOMEM;
	return kv_append(a, tail, name, reason, strlen(reason));
}

/* One element: asked, once, and answered in the way its type answers. */
static bgw_err
check_one(bgw_arena *a, const resp_section_in *in, size_t i, const confsection_asked *q,
    bgw_kv ***tail, bgw_err *result)
{
	const char *field = NULL;
	const char *why = NULL;

	if (in[i].section == NULL)  /* reported by the caller */
		return BGW_OK;
	if (!listed(q->asked, q->nasked, in[i].section)) {
		field = "section";
		why = "not asked";
	} else {
		for (size_t k = 0; k < i && why == NULL; k++)
			if (in[k].section != NULL && strcmp(in[k].section, in[i].section) == 0) {
				field = "section";
				why = "answered twice";
			}
	}
	if (why == NULL && in[i].none && listed(q->filled, q->nfilled, in[i].section)) {
		field = "none";
		why = "rows are given for this section";
	}
	/* A question needs its text; a bank's section its rows or none (a remark alone does not
	 * say whether the bank holds anything there). */
	if (why == NULL && !in[i].none && (workflow_section_free_text(q->type) ?
	    in[i].answer == NULL : !listed(q->filled, q->nfilled, in[i].section))) {
		field = workflow_section_free_text(q->type) ? "answer" : "none";
		why = workflow_section_free_text(q->type) ? "required" : "rows or none";
	}
	if (why == NULL)
		return BGW_OK;
	return problem(a, tail, bgw_arena_printf(a, "sections[%zu].%s", i, field), why, result);
}

bgw_err
confsection_check(bgw_arena *a, const resp_section_in *in, size_t n,
    const confsection_asked *q, bgw_kv ***tail)
{
	bgw_err result = BGW_OK;

	for (size_t i = 0; i < n; i++)
		if (check_one(a, in, i, q, tail, &result) == BGW_E_NOMEM)
			return BGW_E_NOMEM;
	/* Coverage: an asked section without an element must be filled by rows (never so
	 * for free text). */
	for (size_t s = 0; s < q->nasked; s++) {
		bool answered = false;

		for (size_t i = 0; i < n && !answered; i++)
			answered = in[i].section != NULL && strcmp(in[i].section, q->asked[s]) == 0;
		if (answered || (!workflow_section_free_text(q->type) &&
		    listed(q->filled, q->nfilled, q->asked[s])))
			continue;
		if (problem(a, tail, bgw_arena_printf(a, "sections.%s", q->asked[s]),
		    workflow_section_free_text(q->type) ? "required" : "rows or none", &result) !=
		    BGW_OK)
			return BGW_E_NOMEM;
	}
	return result;
}

bgw_err
confsection_read(bgw_arena *a, const json_t *arr, const confsection_asked *q,
    resp_section_in **out, size_t *n, bgw_kv ***tail)
{
	size_t m = arr != NULL ? json_array_size(arr) : 0;
	bgw_err result = BGW_OK;

	*n = 0;
	*out = bgw_arena_calloc(a, m + 1, sizeof(**out));
	if (*out == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < m; i++) {
		const json_t *o = json_array_get(arr, i);
		bgw_kv *errs = NULL;
		field_value *vals;
		const field_value *v;
		bgw_err err;

		if (!json_is_object(o))
			return BGW_E_BAD_REQUEST;
		err = fields_from_json(a, o, section_spec, &vals, &errs);
		if (err == BGW_E_VALIDATION) {
			char *prefix = bgw_arena_printf(a, "sections[%zu].", i);

			result = err;
			if (prefix == NULL || kv_append_prefixed(a, tail, prefix, errs) != BGW_OK)
				return BGW_E_NOMEM;
			continue;
		}
		if (err != BGW_OK)
			return err;
		(*out)[i].section = fields_get(vals, section_spec, "section")->s;
		v = fields_get(vals, section_spec, "none");
		(*out)[i].none = v->present && v->b;
		v = fields_get(vals, section_spec, "answer");
		(*out)[i].answer = v->present && v->s[0] != '\0' ? v->s : NULL;
	}
	/* An element that did not parse keeps section NULL: its place keeps the indices. */
	*n = m;
	if (result != BGW_OK) {
		/* Report the elements that did parse too, but not the coverage of a broken list. */
		for (size_t i = 0; i < m; i++)
			if (check_one(a, *out, i, q, tail, &result) == BGW_E_NOMEM)
				return BGW_E_NOMEM;
		return result;
	}
	return confsection_check(a, *out, m, q, tail);
}
