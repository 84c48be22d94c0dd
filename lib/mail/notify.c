/* notify.c - the batch job: queue what the calendar makes due, one transaction per notification.
 *
 * Exactly once (the full argument is in db/migrations/0010_batch.sql): a notification is
 * queued under its natural key with ON CONFLICT DO NOTHING RETURNING id, and its record
 * (counter, notification rows, audit event) is written only when that insert returned a
 * row, in the same transaction.  A second run that lists the same item either skips the
 * locked confirmation or inserts nothing and rolls back; a run killed half-way loses only
 * its open transaction, and the next run lists what is left.
 */
#include "mail/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "flow/audit.h"
#include "flow/auditcp.h"
#include "auth/invite.h"
#include "core/log.h"
#include "mail/mailtpl.h"
#include "mail/unsub.h"
#include "auth/token.h"

enum due_col {
	D_KEY, D_KIND, D_CONF, D_PROJECT, D_USER, D_TO, D_LOCALE, D_NAME, D_REFERENCE, D_DUE,
	D_AS_OF, D_FIRM, D_CLIENT, D_PROJECT_NAME, D_ORG, D_N1, D_N2, D_N3, D_N4, D_TODAY
};

/* What each kind needs: the states its confirmation must still be in (NULL: not about
 * one confirmation), whether it goes to the addressee, and whose template renders it. */
struct kind_rule {
	const char *kind;
	const char *states;  /* a PostgreSQL text[] literal */
	int addressee;
};

static const struct kind_rule kind_rules[] = {
	{"reminder", "{sent,opened}", 1},
	{"auth_reminder", "{awaiting_client}", 0},
	{"approval_reminder", "{awaiting_respondent_approval}", 0},
	{"overdue_alert", NULL, 0},
	{"digest", NULL, 0},
};

static const struct kind_rule *
rule_for(const char *kind)
{
	for (size_t i = 0; i < sizeof(kind_rules) / sizeof(kind_rules[0]); i++)
		if (strcmp(kind_rules[i].kind, kind) == 0)
			return &kind_rules[i];
	return NULL;
}

bgw_err
notify_set_now(notify_run *run, const char *now_arg)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	db_rows *res;
	bgw_err err;

	if (now_arg != NULL) {
		if (strlen(now_arg) != sizeof(shape) - 1)
			return BGW_E_VALIDATION;
		for (size_t i = 0; shape[i] != '\0'; i++)
			if (shape[i] == 'd' ? (now_arg[i] < '0' || now_arg[i] > '9') :
			    now_arg[i] != shape[i])
				return BGW_E_VALIDATION;
	}
	if ((err = db_ensure(run->db)) != BGW_OK)
		return err;
	/* An impossible date (2026-02-30) is refused by PostgreSQL: a validation error. */
	if ((err = db_exec(run->db, run->a, "notify_now", 1, &now_arg, &res)) != BGW_OK)
		return err;
	snprintf(run->now, sizeof(run->now), "%s", db_value(res, 0, 0));
	bgw_arena_reset(run->a);
	return BGW_OK;
}

static bgw_err
var(bgw_arena *a, bgw_kv ***tail, const char *k, const char *v)
{
	return kv_append(a, tail, k, v, strlen(v));
}

/* The link of a mail.  An addressee without an account gets a fresh single-use invitation
 * (the first one may have expired or gone); everyone else a page behind sign-in. */
static bgw_err
link_for(notify_run *run, const db_rows *res, int r, const char **link)
{
	const char *kind = db_value(res, r, D_KIND);
	bgw_arena *a = run->a;

	if (strcmp(kind, "reminder") == 0 && db_isnull(res, r, D_USER)) {
		char token[TOKEN_LEN + 1];
		invite_spec spec = {.email = db_value(res, r, D_TO),
			.organization_id = db_value(res, r, D_ORG),
			.project_id = db_value(res, r, D_PROJECT), .side = "respondent",
			.admin = true, .created_by = NULL,
			.confirmation_id = db_value(res, r, D_CONF),
			.locale = db_value(res, r, D_LOCALE)};
		bgw_err err = invite_create(run->db, a, &spec, token);

		if (err != BGW_OK)
			return err;
		*link = invite_link(a, run->base_url, token);
		OPENSSL_cleanse(token, sizeof(token));
	} else if (strcmp(kind, "overdue_alert") == 0) {
		*link = bgw_arena_printf(a, "%s/projects/%s", run->base_url,
		    db_value(res, r, D_PROJECT));
	} else if (strcmp(kind, "digest") == 0) {
		*link = bgw_arena_printf(a, "%s/", run->base_url);
	} else {
		*link = bgw_arena_printf(a, "%s/confirmations/%s", run->base_url,
		    db_value(res, r, D_CONF));
	}
	return *link != NULL ? BGW_OK : BGW_E_NOMEM;
}

/* The digest's link that turns it off: signed (unsub.h) into *unsub, which also goes in
 * the List-Unsubscribe header; without the key, the account page's preferences and no
 * header (*unsub NULL).  *text is what the body shows.  Other kinds: both NULL. */
static bgw_err
unsubscribe_for(notify_run *run, const db_rows *res, int r, const char **text,
    const char **unsub)
{
	char *link;
	bgw_err err;

	*text = NULL;
	*unsub = NULL;
	if (strcmp(db_value(res, r, D_KIND), "digest") != 0)
		return BGW_OK;
	if (run->unsub_key == NULL) {
		*text = bgw_arena_printf(run->a, "%s/account", run->base_url);
		return *text != NULL ? BGW_OK : BGW_E_NOMEM;
	}
	if ((err = unsub_link(run->a, run->unsub_key, run->base_url, db_value(res, r, D_USER),
	    &link)) != BGW_OK)
		return err;
	*text = link;
	*unsub = link;
	return BGW_OK;
}

/* Render row r into *subject and *body.  Every slot any template of the kind may use is
 * given (unused ones are ignored); none holds an amount. */
static bgw_err
render(notify_run *run, const db_rows *res, int r, const struct kind_rule *rule,
    const char *link, const char *unsub_text, char **subject, char **body)
{
	bgw_arena *a = run->a;
	bgw_kv *vars = NULL, **tail = &vars;
	const char *locale = strcmp(db_value(res, r, D_LOCALE), "en") == 0 ? "en" : "ja";
	char *verify = bgw_arena_printf(a, "%s/verify", run->base_url);
	bgw_err err;

	if (verify == NULL)
		return BGW_E_NOMEM;
	if ((err = var(a, &tail, "name", db_value(res, r, D_NAME))) != BGW_OK ||
	    (err = var(a, &tail, "firm", db_value(res, r, D_FIRM))) != BGW_OK ||
	    (err = var(a, &tail, "client", db_value(res, r, D_CLIENT))) != BGW_OK ||
	    (err = var(a, &tail, "project", db_value(res, r, D_PROJECT_NAME))) != BGW_OK ||
	    (err = var(a, &tail, "reference", db_value(res, r, D_REFERENCE))) != BGW_OK ||
	    (err = var(a, &tail, "due_date", db_value(res, r, D_DUE))) != BGW_OK ||
	    (err = var(a, &tail, "as_of", db_value(res, r, D_AS_OF))) != BGW_OK ||
	    (err = var(a, &tail, "link", link)) != BGW_OK ||
	    (err = var(a, &tail, "verify_url", verify)) != BGW_OK ||
	    (err = var(a, &tail, "count", db_value(res, r, D_N1))) != BGW_OK ||
	    (err = var(a, &tail, "date", db_value(res, r, D_TODAY))) != BGW_OK ||
	    (err = var(a, &tail, "answered", db_value(res, r, D_N1))) != BGW_OK ||
	    (err = var(a, &tail, "awaiting", db_value(res, r, D_N2))) != BGW_OK ||
	    (err = var(a, &tail, "overdue", db_value(res, r, D_N3))) != BGW_OK ||
	    (err = var(a, &tail, "exceptions", db_value(res, r, D_N4))) != BGW_OK ||
	    (unsub_text != NULL &&
	     (err = var(a, &tail, "unsubscribe", unsub_text)) != BGW_OK))
		return err;
	return mailtpl_render(a, rule->kind, locale, vars, subject, body);
}

static bgw_err
history(notify_run *run, const char *project_id, const char *conf_id, const char *kind,
    const char *outbox_id)
{
	char *action = bgw_arena_printf(run->a, "notify.%s", kind);
	char *detail = bgw_arena_printf(run->a, "{\"outbox_id\":\"%s\"}", outbox_id);
	audit_event ev = {.project_id = project_id, .actor_id = NULL, .action = action,
		.object_type = "confirmation", .object_id = conf_id, .detail_json = detail};

	if (action == NULL || detail == NULL)
		return BGW_E_NOMEM;
	return audit_append(run->db, run->a, &ev, NULL);
}

/* After the mail is queued: the reminder counter, or the overdue notices, and the events
 * in the history of each confirmation concerned. */
static bgw_err
record(notify_run *run, const db_rows *res, int r, const char *outbox_id)
{
	const char *kind = db_value(res, r, D_KIND);
	const char *conf = db_value(res, r, D_CONF);
	const char *project = db_value(res, r, D_PROJECT);
	db_rows *marked;
	bgw_err err;

	if (strcmp(kind, "reminder") == 0) {
		const char *p[2] = {conf, run->now};

		if ((err = db_exec(run->db, run->a, "notify_count_reminder", 2, p, NULL)) != BGW_OK)
			return err;
	}
	if (strcmp(kind, "overdue_alert") == 0) {
		const char *p[3] = {project, db_value(res, r, D_USER), run->now};

		if ((err = db_exec(run->db, run->a, "notify_mark_overdue", 3, p, &marked)) != BGW_OK)
			return err;
		for (int i = 0; i < db_nrows(marked); i++)
			if ((err = history(run, project, db_value(marked, i, 0), kind, outbox_id)) !=
			    BGW_OK)
				return err;
		return BGW_OK;
	}
	if (strcmp(kind, "digest") == 0)
		return BGW_OK; /* about no confirmation in particular */
	return history(run, project, conf, kind, outbox_id);
}

/* One notification in one transaction: 1 if it was queued by us, 0 if skipped. */
static bgw_err
queue_one(notify_run *run, const db_rows *res, int r, int *queued)
{
	const char *kind = db_value(res, r, D_KIND);
	const struct kind_rule *rule = rule_for(kind);
	const char *link, *unsub_text, *unsub, *p[7];
	char *subject, *body;
	db_rows *lock, *ins;
	bgw_err err;

	*queued = 0;
	if (rule == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not queue notification: unknown kind %s", kind);
		return BGW_E_INTERNAL;
	}
	if ((err = db_begin(run->db, NULL)) != BGW_OK)
		return err;
	if (rule->states != NULL) {
		const char *lp[3] = {db_value(res, r, D_CONF), rule->states,
			rule->addressee ? "true" : "false"};

		if ((err = db_exec(run->db, run->a, "notify_lock_confirmation", 3, lp, &lock)) !=
		    BGW_OK)
			goto out;
		if (db_isnull(lock, 0, 0))
			goto out; /* changed, or another run holds it */
	}
	if ((err = link_for(run, res, r, &link)) != BGW_OK ||
	    (err = unsubscribe_for(run, res, r, &unsub_text, &unsub)) != BGW_OK ||
	    (err = render(run, res, r, rule, link, unsub_text, &subject, &body)) != BGW_OK)
		goto out;
	p[0] = db_value(res, r, D_KEY);
	p[1] = kind;
	p[2] = db_isnull(res, r, D_PROJECT) ? NULL : db_value(res, r, D_PROJECT);
	p[3] = db_value(res, r, D_TO);
	p[4] = subject;
	p[5] = body;
	p[6] = unsub;
	if ((err = db_exec(run->db, run->a, "notify_outbox_insert", 7, p, &ins)) != BGW_OK)
		goto out;
	if (db_nrows(ins) != 1)
		goto out; /* queued by another run since we listed it */
	if ((err = record(run, res, r, db_value(ins, 0, 0))) != BGW_OK)
		goto out;
	if ((err = db_commit(run->db)) == BGW_OK)
		*queued = 1;
	return err;
out:
	db_rollback(run->db);
	return err;
}

bgw_err
notify_queue_due(notify_run *run, int *queued)
{
	char limit[16];
	bgw_err err;

	*queued = 0;
	snprintf(limit, sizeof(limit), "%d", NOTIFY_DUE_BATCH);
	for (;;) {
		const char *p[2] = {run->now, limit};
		db_rows *res;
		int n, progress = 0;

		if ((err = db_ensure(run->db)) != BGW_OK ||
		    (err = db_exec(run->db, run->a, "notify_due", 2, p, &res)) != BGW_OK)
			return err;
		n = db_nrows(res);
		for (int r = 0; r < n; r++) {
			int q;

			/* A mail that cannot be rendered (bad data in one row) must not stop the
			 * others: it is logged and listed again by the next run. */
			err = queue_one(run, res, r, &q);
			if (err == BGW_E_UNAVAILABLE || err == BGW_E_NOMEM)
				return err;
			if (err != BGW_OK)
				bgw_log(BGW_LOG_ERROR, "could not queue %s: %s",
				    db_value(res, r, D_KIND), bgw_err_code(err));
			progress += q;
		}
		*queued += progress;
		bgw_arena_reset(run->a);
		/* A short list is the end; a round that queued nothing means the rest is held
		 * by another run (or fails): either way this run is done with it. */
		if (n < NOTIFY_DUE_BATCH || progress == 0)
			return BGW_OK;
	}
}

/* The day's audit checkpoint (lib/flow/auditcp.h), unless this host's file holds one of today
 * already: the chains' heads signed into the checkpoint file, and the same lines mailed to
 * the operators, in one transaction with the file written first.  A chain that disagrees
 * with the last checkpoint stops it: the operators get the alarm instead.  0, or 1
 * (logged). */
bgw_err
notify_checkpoint(bgw_db *db, bgw_arena *a, const char *key_file,
    const char *checkpoint_file)
{
	unsigned char key[AUDITCP_KEY_LEN];
	char at[AUDITCP_AT_LEN + 1], *text, *refused = NULL;
	long long chains = 0;
	int taken = 0, mailed = 0;
	bgw_err err = auditcp_load_key(key_file, key);

	if (err == BGW_OK && (err = db_begin(db, NULL)) == BGW_OK) {
		err = auditcp_take(db, a, key, checkpoint_file, 1, 0, &taken, &text,
		    &chains, at, &refused);
		if (err == BGW_OK && taken)
			err = auditcp_mail(db, a, at, text, chains, NULL, &mailed);
		if (err == BGW_E_CONFLICT && refused != NULL) {
			bgw_log(BGW_LOG_ERROR, "audit checkpoint refused, chains disagree with the "
			    "last one:\n%s", refused);
			if (auditcp_mail(db, a, at, NULL, 0, refused, &mailed) != BGW_OK)
				mailed = -1;
		}
		if (err == BGW_OK || (err == BGW_E_CONFLICT && mailed >= 0)) {
			bgw_err cerr = db_commit(db);

			err = cerr != BGW_OK ? cerr : err;
		} else
			db_rollback(db);
	}
	OPENSSL_cleanse(key, sizeof(key));
	bgw_arena_reset(a);
	if (err != BGW_OK) {
		bgw_log(BGW_LOG_ERROR, "could not take the audit checkpoint: %s", bgw_err_code(err));
		return err;
	}
	if (taken)
		bgw_log(BGW_LOG_INFO, "audit checkpoint %s: %lld chains, mailed to %d operators", at,
		    chains, mailed);
	return BGW_OK;
}
