/* letters.c - the print run of request letters: codes issued, events written. */
#include "flow/letters.h"

#include <string.h>

#include <openssl/crypto.h>

#include "flow/audit.h"
#include "flow/confirmation.h"

/* The letters whose codes the arena holds (arena memory itself: the caller's letters_set
 * may be gone by the time the arena is reset). */
typedef struct printed {
	letter *list;
	size_t n;
} printed;

/* The printed codes live in the arena until the request ends: wipe them then. */
static void
cleanse_codes(void *arg)
{
	printed *pr = arg;

	for (size_t i = 0; i < pr->n; i++)
		if (pr->list[i].code != NULL)
			OPENSSL_cleanse(pr->list[i].code, strlen(pr->list[i].code));
}

static bool
duplicate(const letters_in *in, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(in->ids[j], in->ids[i]) == 0)
			return true;
	return false;
}

/* The code printed on letter i: the one issued earlier in this run to the same
 * organisation, or a fresh one (channel "letter"). */
static bgw_err
code_for(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_mailer *m,
    letters_set *set, const char *const *orgs, size_t i)
{
	conf_code code;
	bgw_err err;

	for (size_t j = 0; j < i; j++)
		if (strcmp(orgs[j], orgs[i]) == 0) {
			set->list[i].code = set->list[j].code;
			return BGW_OK;
		}
	if ((err = conf_respondent_code(db, a, who, set->list[i].id, m, "letter", true, &code)) !=
	    BGW_OK)
		return err;
	set->list[i].code = bgw_arena_strdup(a, code.code);
	OPENSSL_cleanse(code.code, sizeof(code.code));
	return set->list[i].code != NULL ? BGW_OK : BGW_E_NOMEM;
}

/* Read confirmation id of the project into l (after locking it into c). */
static bgw_err
load(bgw_db *db, bgw_arena *a, const letters_in *in, const char *id, conf_locked *c,
    letter *l)
{
	json_t *conf;
	bgw_err err = conf_lock(db, a, id, c);

	if (err != BGW_OK)
		return err;
	if (strcmp(c->project_id, in->project_id) != 0)
		return BGW_E_NOT_FOUND;
	if ((err = conf_get_json(db, a, id, SIDE_AUDIT, false, &conf)) != BGW_OK)
		return err;
	if (json_object_get(conf, "sent_at") == NULL || json_is_null(json_object_get(conf,
	    "sent_at")))
		return BGW_E_INVALID_STATE;
	*l = (letter){.id = c->id, .reference = c->reference, .person = c->name,
		.organization = json_string_value(json_object_get(json_object_get(conf,
		    "respondent"), "organization")),
		.as_of = c->as_of, .due_date = c->due_date, .items = json_object_get(conf, "items"),
		.answer_url = bgw_arena_printf(a, "%s/confirmations/%s", in->base_url, c->id)};
	return l->answer_url != NULL ? BGW_OK : BGW_E_NOMEM;
}

static bgw_err
record(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_locked *c, size_t n,
    bool code)
{
	char *detail = bgw_arena_printf(a, "{\"channel\":\"letter\",\"letters\":%zu,"
	    "\"code_issued\":%s}", n, code ? "true" : "false");
	audit_event ev = {.project_id = c->project_id, .actor_id = who->user_id,
		.action = "conf.letter", .object_type = "confirmation", .object_id = c->id,
		.ip = who->ip, .detail_json = detail};

	return detail != NULL ? audit_append(db, a, &ev, NULL) : BGW_E_NOMEM;
}

bgw_err
letters_prepare(bgw_db *db, bgw_arena *a, const conf_actor *who, const letters_in *in,
    letters_set *out)
{
	conf_mailer m;
	const char **orgs;
	printed *pr;
	bgw_err err;

	if (in->n == 0)
		return BGW_E_VALIDATION;
	if (in->n > LETTERS_MAX)
		return BGW_E_TOO_LARGE;
	for (size_t i = 0; i < in->n; i++)
		if (in->ids[i] == NULL || duplicate(in, i))
			return BGW_E_VALIDATION;
	if ((err = conf_mailer_load(db, a, in->project_id, in->base_url, &m)) != BGW_OK)
		return err;
	*out = (letters_set){.firm_name = m.firm_name, .client_name = m.client_name,
		.base_url = in->base_url, .n = 0};
	out->list = bgw_arena_calloc(a, in->n, sizeof(*out->list));
	orgs = bgw_arena_calloc(a, in->n, sizeof(*orgs));
	pr = bgw_arena_calloc(a, 1, sizeof(*pr));
	if (out->list == NULL || orgs == NULL || pr == NULL)
		return BGW_E_NOMEM;
	pr->list = out->list;
	if (bgw_arena_on_reset(a, cleanse_codes, pr) != 0)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < in->n; i++) {
		conf_locked c;

		if ((err = load(db, a, in, in->ids[i], &c, &out->list[i])) != BGW_OK)
			return err;
		orgs[i] = c.org_id;
		out->n = pr->n = i + 1;
		if ((in->issue_codes && (err = code_for(db, a, who, &m, out, orgs, i)) != BGW_OK) ||
		    (err = record(db, a, who, &c, in->n, in->issue_codes)) != BGW_OK)
			return err;
	}
	return BGW_OK;
}
