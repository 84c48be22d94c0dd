/* test_workflow.c - the confirmation lifecycle as a truth table.
 *
 * The matrix below is every (state, action) pair written out a second time, independently
 * of lib/flow/workflow.c: a change to the lifecycle has to be made in both places, on purpose.
 * Cells: the two-letter code of the next state, "==" for an action legal in that state that
 * changes nothing, ".." for 409 invalid_state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "flow/workflow.h"

/* State codes, in enum order. */
static const char *const codes[WF_STATE__COUNT] = {
	"DR", /* draft */
	"AC", /* awaiting_client */
	"RF", /* refused */
	"AU", /* authorized */
	"SE", /* sent */
	"OP", /* opened */
	"AA", /* awaiting_respondent_approval */
	"AN", /* answered */
	"DE", /* declined */
	"AG", /* agreed */
	"EX", /* exception */
	"RS", /* resolved */
	"AP", /* alternative_procedures */
	"CA", /* cancelled */
};

/* Columns, in enum wf_action order:
 * sub aut ret ref adr snd opn rsm rsa apr sbk dec rva rve rsl ask clo can rem edt shr cmt */
static const char *const matrix[WF_STATE__COUNT] = {
	/*         sub aut ret ref adr snd opn rsm rsa apr sbk dec rva rve rsl ask clo can rem edt shr cmt */
	[WF_DRAFT] =
	    "AC .. .. .. == .. .. .. .. .. .. .. .. .. .. .. .. CA .. == .. ==",
	[WF_AWAITING_CLIENT] =
	    ".. AU DR RF == .. .. .. .. .. .. .. .. .. .. .. .. CA .. .. .. ==",
	[WF_REFUSED] =
	    ".. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. AP .. .. .. .. ==",
	[WF_AUTHORIZED] =
	    ".. .. .. .. == SE .. .. .. .. .. .. .. .. .. .. .. CA .. .. .. ==",
	[WF_SENT] =
	    ".. .. .. .. .. .. OP .. .. .. .. .. .. .. .. .. AP CA == .. == ==",
	[WF_OPENED] =
	    ".. .. .. .. .. .. .. AA AN .. .. DE .. .. .. .. AP CA == .. == ==",
	[WF_AWAITING_RESPONDENT_APPROVAL] =
	    ".. .. .. .. .. .. .. .. .. AN OP .. .. .. .. .. .. CA .. .. == ==",
	[WF_ANSWERED] =
	    ".. .. .. .. .. .. .. .. .. .. .. .. AG EX .. OP .. .. .. .. == ==",
	[WF_DECLINED] =
	    ".. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. AP .. .. .. == ==",
	[WF_AGREED] =
	    ".. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. == ==",
	[WF_EXCEPTION] =
	    ".. .. .. .. .. .. .. .. .. .. .. .. .. .. RS .. .. .. .. .. == ==",
	[WF_RESOLVED] =
	    ".. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. == ==",
	[WF_ALTERNATIVE_PROCEDURES] =
	    ".. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. == ==",
	[WF_CANCELLED] =
	    ".. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. == ==",
};

#define CELL 3 /* two letters and a space */

/* The expected cell: 1 and *to, or 0 for 409. */
static int
expected(enum wf_state s, enum wf_action a, enum wf_state *to)
{
	const char *c = matrix[s] + (size_t)a * CELL;
	int i;

	if (strncmp(c, "..", 2) == 0)
		return 0;
	if (strncmp(c, "==", 2) == 0) {
		*to = s;
		return 1;
	}
	for (i = 0; i < WF_STATE__COUNT; i++) {
		if (strncmp(c, codes[i], 2) == 0) {
			*to = (enum wf_state)i;
			return 1;
		}
	}
	fail_msg("bad cell \"%.2s\" in row %s", c, codes[s]);
	return 0;
}

static void
test_matrix_shape(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < WF_STATE__COUNT; s++) {
		assert_non_null(matrix[s]);
		assert_int_equal(strlen(matrix[s]), WF_ACTION__COUNT * CELL - 1);
	}
}

/* Every one of the 14 x 22 pairs answers exactly as the matrix says. */
static void
test_every_state_action_pair(void **state)
{
	int s, a, checked = 0;

	(void)state;
	for (s = 0; s < WF_STATE__COUNT; s++) {
		for (a = 0; a < WF_ACTION__COUNT; a++) {
			enum wf_state want = WF_STATE__COUNT, got = WF_STATE__COUNT;
			int legal = expected((enum wf_state)s, (enum wf_action)a, &want);
			bgw_err e = workflow_next((enum wf_state)s, (enum wf_action)a, &got);

			if (legal && (e != BGW_OK || got != want))
				fail_msg("%s + %s: want %s, got %s (%d)", wf_state_name(s),
				    wf_action_name(a), wf_state_name(want),
				    e == BGW_OK ? wf_state_name(got) : "error", (int)e);
			if (!legal && e != BGW_E_INVALID_STATE)
				fail_msg("%s + %s: want 409, got %d -> %s", wf_state_name(s),
				    wf_action_name(a), (int)e, e == BGW_OK ? wf_state_name(got) : "");
			if (!legal)
				assert_int_equal(got, WF_STATE__COUNT); /* *to untouched */
			assert_int_equal(workflow_allowed((enum wf_state)s, (enum wf_action)a), legal);
			checked++;
		}
	}
	assert_int_equal(checked, 14 * 22);
}

/* One step of a walk: apply act to *s and check the state reached. */
static void
step(enum wf_state *s, enum wf_action act, enum wf_state want)
{
	enum wf_state to;

	if (workflow_next(*s, act, &to) != BGW_OK || to != want)
		fail_msg("walk: %s + %s did not reach %s", wf_state_name(*s), wf_action_name(act),
		    wf_state_name(want));
	*s = to;
}

/* Prepare and send: draft to sent, with the no-op actions of each stage on the way. */
static enum wf_state
walk_to_sent(void)
{
	enum wf_state s = WF_DRAFT;

	step(&s, WF_EDIT, WF_DRAFT);
	step(&s, WF_COMMENT, WF_DRAFT);
	step(&s, WF_SUBMIT, WF_AWAITING_CLIENT);
	step(&s, WF_ADDRESS_CHECK, WF_AWAITING_CLIENT);
	step(&s, WF_AUTHORIZE, WF_AUTHORIZED);
	step(&s, WF_ADDRESS_CHECK, WF_AUTHORIZED);
	step(&s, WF_SEND, WF_SENT);
	return s;
}

/* Every path of the docs/design.md diagram, end to end. */
static void
test_walk_agreed_by_admin_answer(void **state)
{
	enum wf_state s = walk_to_sent();

	(void)state;
	step(&s, WF_REMIND, WF_SENT);
	step(&s, WF_OPEN, WF_OPENED);
	step(&s, WF_REMIND, WF_OPENED);
	step(&s, WF_RESPOND_ADMIN, WF_ANSWERED);
	step(&s, WF_SHARE, WF_ANSWERED);
	step(&s, WF_REVIEW_AGREED, WF_AGREED);
	assert_true(workflow_is_final(s));
}

static void
test_walk_maker_checker_exception_resolved(void **state)
{
	enum wf_state s = walk_to_sent();

	(void)state;
	step(&s, WF_OPEN, WF_OPENED);
	step(&s, WF_RESPOND_MEMBER, WF_AWAITING_RESPONDENT_APPROVAL);
	step(&s, WF_SEND_BACK, WF_OPENED);
	step(&s, WF_RESPOND_MEMBER, WF_AWAITING_RESPONDENT_APPROVAL);
	step(&s, WF_APPROVE, WF_ANSWERED);
	step(&s, WF_REVIEW_EXCEPTION, WF_EXCEPTION);
	step(&s, WF_RESOLVE, WF_RESOLVED);
	assert_true(workflow_is_final(s));
}

static void
test_walk_ask_again(void **state)
{
	enum wf_state s = walk_to_sent();

	(void)state;
	step(&s, WF_OPEN, WF_OPENED);
	step(&s, WF_RESPOND_ADMIN, WF_ANSWERED);
	step(&s, WF_ASK_AGAIN, WF_OPENED);
	step(&s, WF_RESPOND_MEMBER, WF_AWAITING_RESPONDENT_APPROVAL);
	step(&s, WF_APPROVE, WF_ANSWERED);
	step(&s, WF_REVIEW_AGREED, WF_AGREED);
}

static void
test_walk_return_and_refuse(void **state)
{
	enum wf_state s = WF_DRAFT;

	(void)state;
	step(&s, WF_SUBMIT, WF_AWAITING_CLIENT);
	step(&s, WF_RETURN_TO_DRAFT, WF_DRAFT);
	step(&s, WF_EDIT, WF_DRAFT);
	step(&s, WF_SUBMIT, WF_AWAITING_CLIENT);
	step(&s, WF_REFUSE, WF_REFUSED);
	step(&s, WF_COMMENT, WF_REFUSED);
	assert_false(workflow_is_final(s));
	/* ISA 505.8: the audit team documents alternative procedures for a refusal. */
	step(&s, WF_CLOSE_ALTERNATIVE, WF_ALTERNATIVE_PROCEDURES);
	assert_true(workflow_is_final(s));
}

static void
test_walk_alternative_procedures(void **state)
{
	static const enum wf_action before[][2] = {
		{WF_COMMENT, WF_COMMENT},  /* from sent */
		{WF_OPEN, WF_COMMENT},     /* from opened */
		{WF_OPEN, WF_DECLINE},     /* from declined */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof before / sizeof before[0]; i++) {
		enum wf_state s = walk_to_sent(), to;

		assert_int_equal(workflow_next(s, before[i][0], &to), BGW_OK);
		assert_int_equal(workflow_next(to, before[i][1], &s), BGW_OK);
		step(&s, WF_CLOSE_ALTERNATIVE, WF_ALTERNATIVE_PROCEDURES);
		step(&s, WF_SHARE, WF_ALTERNATIVE_PROCEDURES);
		assert_true(workflow_is_final(s));
	}
}

static void
test_walk_cancel_before_answered(void **state)
{
	static const enum wf_state cancellable[] = {WF_DRAFT, WF_AWAITING_CLIENT,
		WF_AUTHORIZED, WF_SENT, WF_OPENED, WF_AWAITING_RESPONDENT_APPROVAL};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cancellable / sizeof cancellable[0]; i++) {
		enum wf_state s = cancellable[i];

		step(&s, WF_CANCEL, WF_CANCELLED);
	}
	/* not once answered, nor after an outcome that is itself evidence */
	assert_false(workflow_allowed(WF_ANSWERED, WF_CANCEL));
	assert_false(workflow_allowed(WF_REFUSED, WF_CANCEL));
	assert_false(workflow_allowed(WF_DECLINED, WF_CANCEL));
	assert_false(workflow_allowed(WF_CANCELLED, WF_CANCEL));
}

/* Every state is reachable from draft, and from every state a final one is reachable. */
static void
test_reachability(void **state)
{
	bool reach[WF_STATE__COUNT] = {false};
	bool ends[WF_STATE__COUNT] = {false};
	bool changed = true;
	int s, a;

	(void)state;
	reach[WF_DRAFT] = true;
	for (s = 0; s < WF_STATE__COUNT; s++)
		ends[s] = workflow_is_final((enum wf_state)s);
	while (changed) {
		changed = false;
		for (s = 0; s < WF_STATE__COUNT; s++) {
			for (a = 0; a < WF_ACTION__COUNT; a++) {
				enum wf_state to;

				if (workflow_next((enum wf_state)s, (enum wf_action)a, &to) != BGW_OK)
					continue;
				if (reach[s] && !reach[to])
					reach[to] = changed = true;
				if (ends[to] && !ends[s])
					ends[s] = changed = true;
			}
		}
	}
	for (s = 0; s < WF_STATE__COUNT; s++) {
		if (!reach[s])
			fail_msg("%s is unreachable", wf_state_name(s));
		if (!ends[s])
			fail_msg("%s cannot finish", wf_state_name(s));
	}
}

static void
test_final_states(void **state)
{
	static const bool final[WF_STATE__COUNT] = {
		[WF_AGREED] = true, [WF_RESOLVED] = true,
		[WF_ALTERNATIVE_PROCEDURES] = true, [WF_CANCELLED] = true,
	};
	static const bool answer[WF_STATE__COUNT] = {
		[WF_ANSWERED] = true, [WF_AGREED] = true, [WF_EXCEPTION] = true,
		[WF_RESOLVED] = true,
	};
	static const bool awaits[WF_STATE__COUNT] = {
		[WF_SENT] = true, [WF_OPENED] = true, [WF_AWAITING_RESPONDENT_APPROVAL] = true,
	};
	int s;

	(void)state;
	for (s = 0; s < WF_STATE__COUNT; s++) {
		if (workflow_is_final((enum wf_state)s) != final[s])
			fail_msg("is_final(%s)", wf_state_name(s));
		if (workflow_has_final_answer((enum wf_state)s) != answer[s])
			fail_msg("has_final_answer(%s)", wf_state_name(s));
		if (workflow_awaits_respondent((enum wf_state)s) != awaits[s])
			fail_msg("awaits_respondent(%s)", wf_state_name(s));
	}
	assert_false(workflow_is_final(WF_STATE__COUNT));
}

/* Per action: its API name, the policy action guarding it, reason, note, address check. */
static const struct {
	enum wf_action act;
	const char *name;
	enum policy_action policy;
	bool reason, note, address_check;
} actions[WF_ACTION__COUNT] = {
	{WF_SUBMIT, "submit", ACT_CONF_EDIT, false, false, false},
	{WF_AUTHORIZE, "authorize", ACT_CONF_AUTHORIZE, false, false, false},
	{WF_RETURN_TO_DRAFT, "return", ACT_CONF_AUTHORIZE, true, false, false},
	{WF_REFUSE, "refuse", ACT_CONF_AUTHORIZE, true, false, false},
	{WF_ADDRESS_CHECK, "address_check", ACT_CONF_ADDRESS_CHECK, false, false, false},
	{WF_SEND, "send", ACT_CONF_SEND, false, false, true},
	{WF_OPEN, "open", ACT_CONF_READ, false, false, false},
	{WF_RESPOND_MEMBER, "respond_member", ACT_CONF_RESPOND, false, false, false},
	{WF_RESPOND_ADMIN, "respond_admin", ACT_CONF_RESPOND, false, false, false},
	{WF_APPROVE, "approve", ACT_CONF_APPROVE, false, false, false},
	{WF_SEND_BACK, "send_back", ACT_CONF_APPROVE, true, false, false},
	{WF_DECLINE, "decline", ACT_CONF_RESPOND, true, false, false},
	{WF_REVIEW_AGREED, "review_agreed", ACT_CONF_REVIEW, false, false, false},
	{WF_REVIEW_EXCEPTION, "review_exception", ACT_CONF_REVIEW, false, false, false},
	{WF_RESOLVE, "resolve", ACT_CONF_REVIEW, false, true, false},
	{WF_ASK_AGAIN, "ask_again", ACT_CONF_REVIEW, true, false, false},
	{WF_CLOSE_ALTERNATIVE, "close", ACT_CONF_REVIEW, false, true, false},
	{WF_CANCEL, "cancel", ACT_CONF_CANCEL, true, false, false},
	{WF_REMIND, "remind", ACT_CONF_REVIEW, false, false, false},
	{WF_EDIT, "edit", ACT_CONF_EDIT, false, false, false},
	{WF_SHARE, "share", ACT_CONF_REVIEW, false, false, false},
	{WF_COMMENT, "comment", ACT_CONF_COMMENT, false, false, false},
};

static void
test_action_properties(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < WF_ACTION__COUNT; i++) {
		enum wf_action a = actions[i].act, back;

		assert_int_equal(a, i);
		assert_string_equal(wf_action_name(a), actions[i].name);
		assert_true(wf_action_from_string(actions[i].name, &back));
		assert_int_equal(back, a);
		if (workflow_policy_action(a) != actions[i].policy)
			fail_msg("policy action of %s", actions[i].name);
		if (workflow_needs_reason(a) != actions[i].reason)
			fail_msg("needs_reason(%s)", actions[i].name);
		if (workflow_needs_note(a) != actions[i].note)
			fail_msg("needs_note(%s)", actions[i].name);
		if (workflow_requires_address_check(a) != actions[i].address_check)
			fail_msg("requires_address_check(%s)", actions[i].name);
	}
	assert_int_equal(workflow_respond_action(true), WF_RESPOND_ADMIN);
	assert_int_equal(workflow_respond_action(false), WF_RESPOND_MEMBER);
	/* out of range: nothing, and a policy action that policy refuses */
	assert_null(wf_action_name(WF_ACTION__COUNT));
	assert_int_equal(workflow_policy_action(WF_ACTION__COUNT), ACT__COUNT);
	assert_false(workflow_needs_reason(WF_ACTION__COUNT));
	assert_false(workflow_needs_note((enum wf_action)-1));
	assert_false(workflow_requires_address_check(WF_ACTION__COUNT));
}

static void
test_out_of_range(void **state)
{
	enum wf_state to = WF_DRAFT;

	(void)state;
	assert_int_equal(workflow_next(WF_STATE__COUNT, WF_SUBMIT, &to), BGW_E_INTERNAL);
	assert_int_equal(workflow_next((enum wf_state)-1, WF_SUBMIT, &to), BGW_E_INTERNAL);
	assert_int_equal(workflow_next(WF_DRAFT, WF_ACTION__COUNT, &to), BGW_E_INTERNAL);
	assert_int_equal(workflow_next(WF_DRAFT, WF_SUBMIT, NULL), BGW_E_INTERNAL);
	assert_int_equal(to, WF_DRAFT);
	assert_false(workflow_allowed(WF_STATE__COUNT, WF_COMMENT));
}

/* Names: the exact strings of the schema's CHECK lists, both ways. */
static void
test_names(void **state)
{
	static const char *const states[] = {"draft", "awaiting_client", "refused",
		"authorized", "sent", "opened", "awaiting_respondent_approval", "answered",
		"declined", "agreed", "exception", "resolved", "alternative_procedures",
		"cancelled"};
	static const char *const forms[] = {"positive", "blank", "negative"};
	static const char *const types[] = {"bank", "receivable", "payable", "securities",
		"legal", "other"};
	static const char *const bad[] = {"", "Draft", "DRAFT", "draft ", " draft", "drafts",
		"awaiting-client", "canceled", "return_to_draft", "close_alternative", "POSITIVE",
		"Bank", "respond"};
	enum wf_state st;
	enum wf_action ac;
	enum wf_form fo;
	enum wf_type ty;
	size_t i;

	(void)state;
	assert_int_equal(sizeof states / sizeof states[0], WF_STATE__COUNT);
	for (i = 0; i < WF_STATE__COUNT; i++) {
		assert_string_equal(wf_state_name((enum wf_state)i), states[i]);
		assert_true(wf_state_from_string(states[i], &st));
		assert_int_equal(st, i);
	}
	assert_int_equal(sizeof forms / sizeof forms[0], WF_FORM__COUNT);
	for (i = 0; i < WF_FORM__COUNT; i++) {
		assert_string_equal(wf_form_name((enum wf_form)i), forms[i]);
		assert_true(wf_form_from_string(forms[i], &fo));
		assert_int_equal(fo, i);
	}
	assert_int_equal(sizeof types / sizeof types[0], WF_TYPE__COUNT);
	for (i = 0; i < WF_TYPE__COUNT; i++) {
		assert_string_equal(wf_type_name((enum wf_type)i), types[i]);
		assert_true(wf_type_from_string(types[i], &ty));
		assert_int_equal(ty, i);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		st = WF_STATE__COUNT;
		ac = WF_ACTION__COUNT;
		fo = WF_FORM__COUNT;
		ty = WF_TYPE__COUNT;
		if (wf_state_from_string(bad[i], &st) || wf_action_from_string(bad[i], &ac) ||
		    wf_form_from_string(bad[i], &fo) || wf_type_from_string(bad[i], &ty))
			fail_msg("accepted \"%s\"", bad[i]);
		/* untouched on failure */
		assert_int_equal(st, WF_STATE__COUNT);
		assert_int_equal(ac, WF_ACTION__COUNT);
	}
	assert_false(wf_state_from_string(NULL, &st));
	assert_false(wf_action_from_string(NULL, &ac));
	assert_false(wf_form_from_string(NULL, &fo));
	assert_false(wf_type_from_string(NULL, &ty));
	assert_null(wf_state_name(WF_STATE__COUNT));
	assert_null(wf_form_name(WF_FORM__COUNT));
	assert_null(wf_type_name(WF_TYPE__COUNT));
}

/* The quoted words of the CHECK (col IN (...)) list in the migration, NUL-separated. */
static size_t
schema_list(const char *sql, const char *col, char *out, size_t cap)
{
	char key[64];
	const char *p, *end;
	size_t n = 0, count = 0;

	snprintf(key, sizeof key, "CHECK (%s IN", col);
	p = strstr(sql, key);
	assert_non_null(p);
	end = strstr(p, "))");
	assert_non_null(end);
	while ((p = memchr(p, '\'', (size_t)(end - p))) != NULL) {
		const char *q = memchr(p + 1, '\'', (size_t)(end - p - 1));

		assert_non_null(q);
		assert_true(n + (size_t)(q - p) < cap);
		memcpy(out + n, p + 1, (size_t)(q - p - 1));
		n += (size_t)(q - p - 1);
		out[n++] = '\0';
		count++;
		p = q + 1;
	}
	return count;
}

/* The text of a file of the source tree (BGW_SRCDIR), for test_free. */
static char *
read_src(const char *rel)
{
	const char *dir = getenv("BGW_SRCDIR");
	char path[4096];
	char *text;
	FILE *f;
	long len;

	snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : ".", rel);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("could not open %s (set BGW_SRCDIR)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	text = test_malloc((size_t)len + 1);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	return text;
}

/* The enums cover exactly the values the database allows, in its order. */
static void
test_names_match_schema(void **state)
{
	char words[1024];
	char *sql;
	size_t n, i;
	const char *w;

	(void)state;
	sql = read_src("db/migrations/0003_confirmations.sql");

	n = schema_list(sql, "status", words, sizeof words);
	assert_int_equal(n, WF_STATE__COUNT);
	for (i = 0, w = words; i < n; i++, w += strlen(w) + 1)
		assert_string_equal(wf_state_name((enum wf_state)i), w);
	n = schema_list(sql, "form", words, sizeof words);
	assert_int_equal(n, WF_FORM__COUNT);
	for (i = 0, w = words; i < n; i++, w += strlen(w) + 1)
		assert_string_equal(wf_form_name((enum wf_form)i), w);
	n = schema_list(sql, "type", words, sizeof words);
	assert_int_equal(n, WF_TYPE__COUNT);
	for (i = 0, w = words; i < n; i++, w += strlen(w) + 1)
		assert_string_equal(wf_type_name((enum wf_type)i), w);
	test_free(sql);
}

/* The enumeration of <xs:simpleType name="name"> in xsd equals list (NULL-terminated), in
 * order. */
static void
xsd_enum_equals(const char *xsd, const char *name, const char *const *list)
{
	char open[64];
	const char *p = NULL, *end;
	size_t i = 0;

	snprintf(open, sizeof open, "<xs:simpleType name=\"%s\">", name);
	p = strstr(xsd, open);
	if (p == NULL)
		fail_msg("db/confirmations.xsd has no simpleType %s", name);
	end = strstr(p, "</xs:simpleType>");
	assert_non_null(end);
	while ((p = strstr(p, "<xs:enumeration value=\"")) != NULL && p < end) {
		const char *v = p + strlen("<xs:enumeration value=\"");
		size_t len = strcspn(v, "\"");

		if (list[i] == NULL || strlen(list[i]) != len || memcmp(list[i], v, len) != 0)
			fail_msg("%s value %zu of the XSD is %.*s, the workflow table says %s", name,
			    i, (int)len, v, list[i] != NULL ? list[i] : "(end)");
		i++;
		p = v + len;
	}
	if (list[i] != NULL)
		fail_msg("%s: the XSD lacks %s", name, list[i]);
}

/* The catalogue has "group.name" in both languages. */
static void
label_exists(const char *group, const char *name)
{
	char key[96];

	snprintf(key, sizeof key, "%s.%s", group, name);
	if (!i18n_has(key))
		fail_msg("no i18n label %s", key);
	assert_true(strlen(i18n_t(I18N_JA, key)) > 0);
	assert_true(strlen(i18n_t(I18N_EN, key)) > 0);
	assert_string_not_equal(i18n_t(I18N_JA, key), i18n_t(I18N_EN, key));
}

/* One vocabulary: the exported lists are the names, NULL-terminated, and the XSD that
 * checks imports lists the same values in the same order. */
static void
test_vocabulary_lists(void **state)
{
	char *xsd;

	(void)state;
	for (int i = 0; i < WF_STATE__COUNT; i++)
		assert_string_equal(wf_state_names[i], wf_state_name((enum wf_state)i));
	assert_null(wf_state_names[WF_STATE__COUNT]);
	for (int i = 0; i < WF_FORM__COUNT; i++)
		assert_string_equal(wf_form_names[i], wf_form_name((enum wf_form)i));
	assert_null(wf_form_names[WF_FORM__COUNT]);
	for (int i = 0; i < WF_TYPE__COUNT; i++)
		assert_string_equal(wf_type_names[i], wf_type_name((enum wf_type)i));
	assert_null(wf_type_names[WF_TYPE__COUNT]);
	/* Every name has its ja and en label in the i18n catalogue. */
	for (int i = 0; i < WF_STATE__COUNT; i++)
		label_exists("status", wf_state_names[i]);
	for (int i = 0; i < WF_FORM__COUNT; i++)
		label_exists("form", wf_form_names[i]);
	for (int i = 0; i < WF_TYPE__COUNT; i++)
		label_exists("type", wf_type_names[i]);
	xsd = read_src("db/confirmations.xsd");
	xsd_enum_equals(xsd, "type", wf_type_names);
	xsd_enum_equals(xsd, "form", wf_form_names);
	xsd_enum_equals(xsd, "status", wf_state_names);
	test_free(xsd);
}

static void
test_form_and_type_rules(void **state)
{
	(void)state;
	assert_true(workflow_form_sufficient_alone(WF_FORM_POSITIVE));
	assert_true(workflow_form_sufficient_alone(WF_FORM_BLANK));
	assert_false(workflow_form_sufficient_alone(WF_FORM_NEGATIVE));
	assert_false(workflow_form_sufficient_alone(WF_FORM__COUNT));
	assert_true(workflow_extra_items_allowed(WF_TYPE_BANK));
	assert_false(workflow_extra_items_allowed(WF_TYPE_RECEIVABLE));
	assert_false(workflow_extra_items_allowed(WF_TYPE_PAYABLE));
	/* A custodian reports the other holdings it keeps for the client (0032). */
	assert_true(workflow_extra_items_allowed(WF_TYPE_SECURITIES));
	assert_false(workflow_extra_items_allowed(WF_TYPE_LEGAL));
	assert_false(workflow_extra_items_allowed(WF_TYPE_OTHER));
	assert_false(workflow_extra_items_allowed(WF_TYPE__COUNT));
}

/* The bank form's sections and the lawyer's questions: one vocabulary, asked by the types
 * that have them, with labels, and the same names in 0032's CHECK and in the XSD. */
static void
test_sections(void **state)
{
	const char *all[WF_SECTION__COUNT + WF_QUESTION__COUNT + 1];
	char *sql, *xsd;
	size_t n = 0;

	(void)state;
	assert_ptr_equal(workflow_sections(WF_TYPE_BANK), wf_bank_section_names);
	assert_ptr_equal(workflow_sections(WF_TYPE_LEGAL), wf_legal_question_names);
	for (int t = 0; t < WF_TYPE__COUNT; t++)
		if (t != WF_TYPE_BANK && t != WF_TYPE_LEGAL)
			assert_null(workflow_sections((enum wf_type)t));
	assert_null(workflow_sections(WF_TYPE__COUNT));
	assert_true(workflow_section_allowed(WF_TYPE_BANK, "discounted_bills"));
	assert_true(workflow_section_allowed(WF_TYPE_BANK, "custody_securities"));
	assert_false(workflow_section_allowed(WF_TYPE_BANK, "claims"));
	assert_true(workflow_section_allowed(WF_TYPE_LEGAL, "fees_outstanding"));
	assert_false(workflow_section_allowed(WF_TYPE_LEGAL, "deposits"));
	assert_false(workflow_section_allowed(WF_TYPE_RECEIVABLE, "deposits"));
	assert_false(workflow_section_allowed(WF_TYPE_BANK, NULL));
	assert_false(workflow_section_allowed(WF_TYPE_BANK, "Deposits"));
	assert_true(workflow_section_free_text(WF_TYPE_LEGAL));
	assert_false(workflow_section_free_text(WF_TYPE_BANK));
	assert_true(workflow_items_are_holdings(WF_TYPE_SECURITIES));
	assert_false(workflow_items_are_holdings(WF_TYPE_BANK));
	assert_null(wf_bank_section_names[WF_SECTION__COUNT]);
	assert_null(wf_legal_question_names[WF_QUESTION__COUNT]);
	sql = read_src("db/migrations/0032_sections.sql");
	for (int i = 0; i < WF_SECTION__COUNT; i++)
		all[n++] = wf_bank_section_names[i];
	for (int i = 0; i < WF_QUESTION__COUNT; i++)
		all[n++] = wf_legal_question_names[i];
	all[n] = NULL;
	for (size_t i = 0; i < n; i++) {
		char quoted[64];

		label_exists("section", all[i]);
		snprintf(quoted, sizeof quoted, "'%s'", all[i]);
		if (strstr(sql, quoted) == NULL)
			fail_msg("0032_sections.sql's section_name_ok lacks %s", all[i]);
	}
	xsd = read_src("db/confirmations.xsd");
	xsd_enum_equals(xsd, "section", all);
	test_free(xsd);
	test_free(sql);
}

/* The history's first group: creation, transitions that change the state, answers. */
static void
test_event_changes_state(void **state)
{
	static const char *const yes[] = {"conf.create", "conf.submit", "conf.authorize",
	    "conf.return", "conf.send", "conf.open", "conf.approve", "conf.review_agreed",
	    "conf.cancel", "response.submit", "response.final"};
	static const char *const no[] = {"response.view", "conf.address_check", "conf.remind",
	    "conf.edit", "conf.share", "conf.unshare", "conf.letter", "doc.download",
	    "notify.reminder", "comment.add", "conf.", "conf.nosuch", "", "send"};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!workflow_event_changes_state(yes[i]))
			fail_msg("%s is a change of state", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (workflow_event_changes_state(no[i]))
			fail_msg("%s is no change of state", no[i]);
	assert_false(workflow_event_changes_state(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_shape),
		cmocka_unit_test(test_every_state_action_pair),
		cmocka_unit_test(test_walk_agreed_by_admin_answer),
		cmocka_unit_test(test_walk_maker_checker_exception_resolved),
		cmocka_unit_test(test_walk_ask_again),
		cmocka_unit_test(test_walk_return_and_refuse),
		cmocka_unit_test(test_walk_alternative_procedures),
		cmocka_unit_test(test_walk_cancel_before_answered),
		cmocka_unit_test(test_reachability),
		cmocka_unit_test(test_final_states),
		cmocka_unit_test(test_action_properties),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_match_schema),
		cmocka_unit_test(test_vocabulary_lists),
		cmocka_unit_test(test_form_and_type_rules),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_event_changes_state),
	};

	return cmocka_run_group_tests_name("workflow", tests, NULL, NULL);
}
