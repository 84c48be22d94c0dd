/* confsection.h - an answer's sections (bank) and questions (legal) checked against what the
 * auditor asked.
 *
 * A bank answers every asked section of the standard form with rows (its answers to the
 * items of that section, or extra items naming it) or with "none" (該当なし); a lawyer
 * answers every asked question in free text (or "none").  The rule is pure: it takes what
 * was asked and which sections the answer's rows fill, so the JSON answer, the answer page
 * and the bulk answer upload share it.  Fields are named as a client addresses them:
 * "sections[2].answer", and "sections.deposits" for an asked section left unanswered.
 */
#ifndef BGW_CONFSECTION_H
#define BGW_CONFSECTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"
#include "flow/workflow.h"

/* One asked section's answer (response_sections). */
typedef struct resp_section_in {
	const char *section;
	bool none;           /* 該当なし */
	const char *answer;  /* free text (a lawyer's answer, or a bank's remark), or NULL */
} resp_section_in;

/* What the answer is checked against: the confirmation's type, its asked sections, and the
 * sections the answer's rows fill (items of a section, extra items naming one; repeats
 * allowed). */
typedef struct confsection_asked {
	enum wf_type type;
	const char *const *asked;
	size_t nasked;
	const char *const *filled;
	size_t nfilled;
} confsection_asked;

/* Answers longer than this many bytes are refused (0032's CHECK is 10,000 characters). */
#define CONFSECTION_ANSWER_MAX 10000

/* Validate arr (the answer's "sections": [{section, none?, answer?}], or NULL when absent)
 * into *out (arena, *n of them).  Every asked section must be answered once: with rows or
 * none where rows answer it, with text or none where it is free text; "none" beside rows
 * of the same section is a contradiction.  BGW_OK; BGW_E_BAD_REQUEST when an element is
 * not an object; BGW_E_VALIDATION with every problem appended at *tail; BGW_E_NOMEM. */
bgw_err confsection_read(bgw_arena *a, const json_t *arr, const confsection_asked *q,
    resp_section_in **out, size_t *n, bgw_kv ***tail);

/* The same rule for answers already split into elements (the answer page and the bulk
 * upload build them from their own fields): checks in[0..n-1] and the coverage. */
bgw_err confsection_check(bgw_arena *a, const resp_section_in *in, size_t n,
    const confsection_asked *q, bgw_kv ***tail);

#endif
