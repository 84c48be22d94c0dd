/* test_confflow.c - a confirmation's lifecycle through the use cases (lib/flow/confflow.h)
 * against the real PostgreSQL, each step as the side that takes it: the audit team drafts,
 * checks the address and submits, the client authorises, the audit team sends (the
 * respondent's code by phone), the respondent enters the code, opens and answers, the audit
 * team reviews.  A step from the wrong state is refused (409), a send without an address
 * check too, and the client never reads the answer until the audit team shares it. */
#include <stdio.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "auth/policy.h"
#include "flow/confflow.h"
#include "flow/confirmation.h"
#include "flow/project.h"
#include "flowcase.h"

typedef struct scene {
	const char *firm, *client_org, *resp_org;
	const char *auditor, *client_user, *resp_user, *resp_email;
	const char *project;
	conf_actor audit, client, resp;
} scene;

static scene
scene_new(flowcase *c)
{
	scene s;
	const char *p[1];

	s.firm = pgfix_org(c->f, "audit_firm");
	s.client_org = pgfix_org(c->f, "client");
	s.resp_org = pgfix_org(c->f, "respondent");
	s.auditor = pgfix_user(c->f, s.firm);
	s.client_user = pgfix_user(c->f, s.client_org);
	s.resp_user = pgfix_user(c->f, s.resp_org);
	p[0] = s.resp_user;
	s.resp_email = pgfix_sql(c->f, "SELECT email FROM users WHERE id = $1", 1, p);
	s.project = pgfix_project(c->f, s.firm, s.client_org);
	pgfix_member(c->f, s.project, s.auditor, "audit", true, NULL);
	pgfix_member(c->f, s.project, s.client_user, "client", true, NULL);
	s.audit = (conf_actor){.user_id = s.auditor, .ip = "192.0.2.1"};
	s.client = (conf_actor){.user_id = s.client_user, .ip = "192.0.2.2"};
	s.resp = (conf_actor){.user_id = s.resp_user, .ip = "192.0.2.3"};
	return s;
}

/* A draft to the scene's respondent, made by the audit team. */
static const char *
draft(flowcase *c, const scene *s)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:[{s:s, s:s, s:s}]}",
	    "type", "bank", "form", "positive", "as_of", "2026-03-31", "due_date", "2026-04-30",
	    "respondent", "organization", "Sample Bank", "email", s->resp_email, "name", "Tanaka",
	    "items", "label", "Ordinary deposit", "currency", "JPY", "amount", "1200000");
	bgw_kv *errors = NULL;
	const char *id = NULL;

	flowcase_begin(c, s->auditor);
	assert_int_equal(conf_draft_create(c->db, c->a, &s->audit, s->project, body, &id,
	    &errors), BGW_OK);
	flowcase_end(c, true);
	json_decref(body);
	return id;
}

static const char *
status_of(flowcase *c, const char *id)
{
	const char *p[] = {id};

	return pgfix_sql(c->f, "SELECT status FROM confirmations WHERE id = $1", 1, p);
}

/* End a step begun with flowcase_begin: committed when it worked, rolled back when not
 * (as the router does); answers its result. */
static bgw_err
step(flowcase *c, bgw_err err)
{
	flowcase_end(c, err == BGW_OK);
	return err;
}

/* The audit team sends id, the respondent's code to travel by channel (NULL: none chosen). */
static bgw_err
send_as_audit(flowcase *c, const scene *s, const char *id, const char *channel,
    conf_code *code, bgw_kv **errors)
{
	conf_mailer m;

	flowcase_begin(c, s->auditor);
	assert_int_equal(conf_mailer_load(c->db, c->a, s->project, "https://bg.example", &m),
	    BGW_OK);
	return step(c, conf_send_with_code(c->db, c->a, &s->audit, id, &m, channel, code, errors));
}

/* What a reader of side is shown (conf_view, with the policy's channel rule). */
static json_t *
view_as(flowcase *c, const scene *s, const char *id, const char *user,
    const conf_actor *who, enum policy_side side, bool shared)
{
	policy_target facts = {.side = side, .member = true, .shared_with_client = shared};
	conf_view_in in = {.project_id = s->project, .id = id, .side = side,
		.with_response = policy_may_see_response(&facts)};
	json_t *out = NULL;

	flowcase_begin(c, user);
	assert_int_equal(step(c, conf_view(c->db, c->a, who, &in, &out)), BGW_OK);
	return out;
}

/* The receipt as a reader of the audit team or the respondent (conf_receipt), expecting
 * want; NULL unless it worked. */
static json_t *
receipt_as(flowcase *c, const scene *s, const char *id, const char *user,
    const conf_actor *who, bgw_err want)
{
	conf_receipt_in in = {.project_id = s->project, .id = id, .side = SIDE_AUDIT};
	json_t *out = NULL;

	flowcase_begin(c, user);
	assert_int_equal(step(c, conf_receipt(c->db, c->a, who, &in, &out)), want);
	return want == BGW_OK ? out : NULL;
}

static void
test_validation_names_fields(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:[]}", "type", "bank",
	    "form", "positive", "as_of", "2026-03-31", "due_date", "2026-04-30", "respondent",
	    "organization", "Sample Bank", "email", "not-an-address", "items");
	bgw_kv *errors = NULL;
	const char *id;
	bool email = false, items = false;

	flowcase_begin(c, s.auditor);
	assert_int_equal(conf_draft_create(c->db, c->a, &s.audit, s.project, body, &id, &errors),
	    BGW_E_VALIDATION);
	flowcase_end(c, false);
	json_decref(body);
	for (const bgw_kv *e = errors; e != NULL; e = e->next) {
		email |= strcmp(e->key, "respondent.email") == 0;
		items |= strcmp(e->key, "items") == 0;
	}
	assert_true(email && items);
	assert_int_equal(flowcase_events(c, s.project, "conf.create"), 0);
}

static void
test_lifecycle(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	const char *id = draft(c, &s);
	conf_code code = {.code = ""};
	bgw_kv *errors = NULL;
	json_t *seen, *answer, *empty, *items, *receipt;
	const char *p[2];
	char seal[65];

	assert_string_equal(status_of(c, id), "draft");
	assert_int_equal(flowcase_events(c, s.project, "conf.create"), 1);

	/* Wrong states: nothing to authorise or send in a draft. */
	flowcase_begin(c, s.client_user);
	assert_int_equal(step(c, conf_transition(c->db, c->a, &s.client, id,
	    WF_AUTHORIZE, NULL, NULL)), BGW_E_INVALID_STATE);

	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_address_check(c->db, c->a, &s.audit, id,
	    "phone", "called the number on the bank's site")), BGW_OK);
	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_transition(c->db, c->a, &s.audit, id, WF_SUBMIT,
	    NULL, NULL)), BGW_OK);
	assert_string_equal(status_of(c, id), "awaiting_client");
	flowcase_begin(c, s.client_user);
	assert_int_equal(step(c, conf_transition(c->db, c->a, &s.client, id,
	    WF_AUTHORIZE, NULL, NULL)), BGW_OK);
	assert_string_equal(status_of(c, id), "authorized");

	/* The send needs the code's channel when the respondent holds no code yet. */
	assert_int_equal(send_as_audit(c, &s, id, NULL, &code, &errors), BGW_E_VALIDATION);
	assert_string_equal(flowcase_field(errors), "code_channel");
	assert_int_equal(send_as_audit(c, &s, id, "phone", &code, &errors), BGW_OK);
	assert_string_equal(status_of(c, id), "sent");
	assert_true(code.issued);
	assert_int_equal(strlen(code.code), PROJECT_CODE_DISPLAY_LEN);
	assert_int_equal(flowcase_events(c, s.project, "conf.send"), 1);

	/* The respondent enters the code read out on the phone, then looks: opened. */
	flowcase_begin(c, s.resp_user);
	assert_int_equal(step(c, project_access(c->db, c->a,
	    &(project_actor){.user_id = s.resp_user, .side = SIDE_RESPONDENT}, s.project,
	    code.code)), BGW_OK);
	OPENSSL_cleanse(code.code, sizeof(code.code));
	seen = view_as(c, &s, id, s.resp_user, &s.resp, SIDE_RESPONDENT, false);
	assert_string_equal(status_of(c, id), "opened");
	/* No receipt before a final answer (the page's "no answer yet", the API's 409). */
	assert_null(receipt_as(c, &s, id, s.auditor, &s.audit, BGW_E_INVALID_STATE));
	items = json_object_get(seen, "items");
	assert_int_equal(json_array_size(items), 1);

	/* The respondent admin answers: final at once, sealed. */
	empty = json_pack("{s:[], s:{s:s}}", "items", "responder", "name", "Sato");
	answer = json_pack("{s:[{s:s, s:b}], s:{s:s}}", "items", "item_id",
	    json_string_value(json_object_get(json_array_get(items, 0), "id")), "agrees", 1,
	    "responder", "name", "Sato");
	p[0] = s.project;
	p[1] = s.resp_user;
	/* Every item must be answered. */
	flowcase_begin(c, s.resp_user);
	assert_int_equal(step(c, conf_answer(c->db, c->a, &s.resp, id, true, empty, seal,
	    &errors)), BGW_E_VALIDATION);
	assert_non_null(errors);
	assert_string_equal(status_of(c, id), "opened");
	flowcase_begin(c, s.resp_user);
	assert_int_equal(step(c, conf_answer(c->db, c->a, &s.resp, id,
	    strcmp(pgfix_sql(c->f, "SELECT admin::text FROM memberships WHERE project_id = $1 "
	    "AND user_id = $2", 2, p), "true") == 0, answer, seal, &errors)), BGW_OK);
	json_decref(answer);
	json_decref(empty);
	assert_string_equal(status_of(c, id), "answered");
	assert_int_equal(strlen(seal), 64);

	/* The channel: the client sees no answer until the audit team shares it. */
	seen = view_as(c, &s, id, s.client_user, &s.client, SIDE_CLIENT, false);
	assert_null(json_object_get(seen, "response"));
	seen = view_as(c, &s, id, s.auditor, &s.audit, SIDE_AUDIT, false);
	assert_non_null(json_object_get(seen, "response"));
	assert_int_equal(flowcase_events(c, s.project, "response.view"), 1);
	/* The receipt: what was asked and the final answer with its seal; a view of it. */
	receipt = receipt_as(c, &s, id, s.auditor, &s.audit, BGW_OK);
	assert_string_equal(json_string_value(json_object_get(json_object_get(receipt,
	    "confirmation"), "type")), "bank");
	assert_null(json_object_get(json_object_get(receipt, "confirmation"), "status"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(receipt,
	    "response"), "seal")), seal);
	assert_int_equal(flowcase_events(c, s.project, "response.view"), 2);

	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_review(c->db, c->a, &s.audit, id, true,
	    "agrees with the ledger")), BGW_OK);
	assert_string_equal(status_of(c, id), "agreed");
	/* Reviewed once: a second review finds the new state. */
	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_review(c->db, c->a, &s.audit, id, true, NULL)),
	    BGW_E_INVALID_STATE);

	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_share(c->db, c->a, &s.audit, id, true)), BGW_OK);
	seen = view_as(c, &s, id, s.client_user, &s.client, SIDE_CLIENT, true);
	assert_non_null(json_object_get(seen, "response"));
}

/* No send without a valid check of the current respondent's address. */
static void
test_send_needs_address_check(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	const char *id = draft(c, &s);
	conf_code code = {.code = ""};
	bgw_kv *errors = NULL;

	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_transition(c->db, c->a, &s.audit, id, WF_SUBMIT,
	    NULL, NULL)), BGW_OK);
	flowcase_begin(c, s.client_user);
	assert_int_equal(step(c, conf_transition(c->db, c->a, &s.client, id,
	    WF_AUTHORIZE, NULL, NULL)), BGW_OK);
	assert_int_equal(send_as_audit(c, &s, id, "phone", &code, &errors),
	    BGW_E_ADDRESS_NOT_CHECKED);
	assert_string_equal(status_of(c, id), "authorized");
	assert_int_equal(flowcase_events(c, s.project, "conf.send"), 0);
}

/* An edit names the field the stored row refuses, is logged when it works, and is refused
 * (after validation) once the confirmation is no longer a draft. */
static void
test_edit(void **state)
{
	flowcase *c = flowcase_get(state);
	scene s = scene_new(c);
	const char *id = draft(c, &s);
	json_t *due = json_pack("{s:s, s:{s:s, s:s}}", "due_date", "2026-01-01", "respondent",
	    "organization", "Sample Bank", "email", s.resp_email);
	json_t *half = json_pack("{s:{s:s}}", "respondent", "email", "other@bank.example");
	json_t *name = json_pack("{s:{s:s}}", "respondent", "name", "Suzuki");
	conf_edit_in in = {.project_id = s.project, .id = id, .status = "draft",
		.side = SIDE_AUDIT, .body = due};
	bgw_kv *errors = NULL;

	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_draft_edit(c->db, c->a, &s.audit, &in,
	    &errors)), BGW_E_VALIDATION);
	assert_string_equal(flowcase_field(errors), "due_date");
	/* A new e-mail needs its organisation (and the reverse). */
	in.body = half;
	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_draft_edit(c->db, c->a, &s.audit, &in, &errors)),
	    BGW_E_VALIDATION);
	assert_string_equal(flowcase_field(errors), "respondent");
	in.body = name;
	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_draft_edit(c->db, c->a, &s.audit, &in,
	    &errors)), BGW_OK);
	assert_int_equal(flowcase_events(c, s.project, "conf.edit"), 1);
	in.status = "authorized";
	flowcase_begin(c, s.auditor);
	assert_int_equal(step(c, conf_draft_edit(c->db, c->a, &s.audit, &in,
	    &errors)), BGW_E_INVALID_STATE);
	json_decref(due);
	json_decref(half);
	json_decref(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validation_names_fields),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_send_needs_address_check),
		cmocka_unit_test(test_edit),
	};

	return cmocka_run_group_tests(tests, flowcase_setup, flowcase_teardown);
}
