/* outbox.c - queue mail in PostgreSQL, and drain it to the relay.
 *
 * Why at least once, not exactly once.  Sending is an effect outside the database: no
 * transaction can cover both "the relay accepted it" and "we recorded that".  So a row is
 * claimed in one short statement (status 'sending', attempts + 1, a lease in locked_until),
 * sent with no transaction open (a slow relay must not hold row locks or an open
 * transaction), and its outcome recorded in another short statement.  Consequences:
 *   - Two live senders never send the same row: the claim takes row locks with SKIP LOCKED
 *     and flips the status in the same statement, so a second sender neither waits for nor
 *     sees the row until the lease ends.  The lease covers the whole batch's SMTP timeouts,
 *     so it cannot end while its sender is still working on the row.
 *   - A sender that dies between the relay's 250 and "mark sent" leaves the row 'sending';
 *     after the lease it is claimed again and sent a second time.  That is the one
 *     duplicate we accept: the alternative (mark sent before sending) loses mail, and a lost
 *     confirmation request is worse than a doubled one.  The Message-ID is made at the
 *     first claim and kept, so the duplicate carries the same id.
 *   - Every outcome statement matches the attempts value of its claim, so a sender that
 *     lost its claim records nothing over the newer one.
 */
#include "mail/outbox.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "core/log.h"
#include "mail/bounce.h"
#include "mail/mailtpl.h"
#include "mail/mime.h"
#include "auth/token.h"

/* Room for a number as text. */
#define NUM_MAX 24
#define DOMAIN_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"
/* Room for the reason of a failure, as stored in last_error. */
#define ERR_MAX 256

enum claim_col {
	COL_ID, COL_ATTEMPTS, COL_KIND, COL_NATURAL_KEY, COL_TO, COL_SUBJECT, COL_BODY,
	COL_MESSAGE_ID, COL_LIST_UNSUBSCRIBE
};

/* Kinds whose natural key names a live token or code ("invitation:<token>"): the row keeps
 * only the key's SHA-256, which still makes a retried request queue nothing twice but
 * opens nothing in a dump or a backup.  Their bodies hold the link too, until the mail is
 * sent or given up (outbox_mark_sent / outbox_mark_failed empty them). */
static const char *const secret_key_kinds[] = {"invitation", "password_reset",
	"firm_invitation", "respondent_code", "org_invitation", NULL};

static bool
secret_key_kind(const char *kind)
{
	for (const char *const *k = secret_key_kinds; *k != NULL; k++)
		if (strcmp(*k, kind) == 0)
			return true;
	return false;
}

/* Room for "<kind>:sha256:<hex>": a kind is at most 32 characters (the table's check). */
#define HASHED_KEY_MAX (32 + 8 + TOKEN_HASH_LEN * 2 + 1)

/* "<kind>:sha256:<hex of SHA-256 of key>" into out, as migration 0022 rewrote older rows;
 * false if it does not fit (a kind the table would refuse anyway). */
static bool
hashed_key(const char *kind, const char *key, char out[HASHED_KEY_MAX])
{
	unsigned char h[TOKEN_HASH_LEN];
	char hex[TOKEN_HASH_LEN * 2 + 1];
	int n;

	token_hash(key, h);
	if (token_hex(h, sizeof(h), hex, sizeof(hex)) != BGW_OK)
		return false;
	n = snprintf(out, HASHED_KEY_MAX, "%s:sha256:%s", kind, hex);
	return n > 0 && n < HASHED_KEY_MAX;
}

bgw_err
outbox_enqueue(bgw_db *db, bgw_arena *a, const outbox_msg *m)
{
	const char *params[6];
	char hashed[HASHED_KEY_MAX];

	if (m->natural_key == NULL || m->kind == NULL || m->to == NULL || m->subject == NULL ||
	    m->body == NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot queue mail: a field is missing");
		return BGW_E_INTERNAL;
	}
	params[0] = m->natural_key;
	if (secret_key_kind(m->kind)) {
		if (!hashed_key(m->kind, m->natural_key, hashed))
			return BGW_E_VALIDATION;
		params[0] = hashed;
	}
	params[1] = m->kind;
	params[2] = m->project_id;
	params[3] = m->to;
	params[4] = m->subject;
	params[5] = m->body;
	return db_exec(db, a, "outbox_insert", 6, params, NULL);
}

long
outbox_backoff(int attempts)
{
	long d = OUTBOX_BACKOFF_BASE_S;
	int i;

	for (i = 1; i < attempts && d < OUTBOX_BACKOFF_CAP_S; i++)
		d *= 2;
	return d < OUTBOX_BACKOFF_CAP_S ? d : OUTBOX_BACKOFF_CAP_S;
}

/* The claim lease: every message of the batch may take the full SMTP timeout. */
static long
lease_seconds(const smtp_conf *c, int batch)
{
	long t = c->timeout_ms > 0 ? c->timeout_ms : SMTP_TIMEOUT_MS_DEFAULT;

	return (long)batch * ((t + 999) / 1000) + OUTBOX_LEASE_MARGIN_S;
}

/* Run an outcome statement; *lost = 1 if the row was no longer ours. */
static bgw_err
record(bgw_db *db, bgw_arena *a, const char *stmt, int n, const char *const *params,
    int *lost)
{
	db_rows *res;
	bgw_err e = db_exec(db, a, stmt, n, params, &res);

	*lost = 0;
	if (e != BGW_OK) {
		bgw_log(BGW_LOG_ERROR, "could not record mail outcome (%s) for %s: %s", stmt,
		    params[0], bgw_err_code(e));
		return e;
	}
	if (db_affected(res) != 1) {
		bgw_log(BGW_LOG_WARN, "mail %s was claimed again before %s: outcome dropped",
		    params[0], stmt);
		*lost = 1;
	}
	return BGW_OK;
}

static bgw_err
add_failure(bgw_arena *a, outbox_failure **failed, const db_rows *res, int r,
    const char *error)
{
	outbox_failure *f = bgw_arena_alloc(a, sizeof(*f));

	if (f == NULL)
		return BGW_E_NOMEM;
	f->id = db_value(res, r, COL_ID);
	f->kind = db_value(res, r, COL_KIND);
	f->natural_key = db_value(res, r, COL_NATURAL_KEY);
	f->to = db_value(res, r, COL_TO);
	f->error = bgw_arena_strdup(a, error);
	if (f->error == NULL)
		return BGW_E_NOMEM;
	f->next = *failed;
	*failed = f;
	return BGW_OK;
}

/* The envelope sender of outbox row id: its own return path when bounces are read, so a
 * report that comes back days later names the row (bounce.h); else the From address. */
static bgw_err
envelope_from(bgw_arena *a, const smtp_conf *c, const char *id, const char **out)
{
	const char *at = strchr(c->from, '@');
	char *verp;
	bgw_err e;

	*out = c->from;
	if (c->bounce_key == NULL || at == NULL)
		return BGW_OK;
	if ((e = bounce_address(a, c->bounce_key, id, at + 1, &verp)) != BGW_OK)
		return e;
	*out = verp;
	return BGW_OK;
}

/* The HTML part of m, the same text as its plain body (mailtpl_html).  The row keeps no
 * locale: a body with any non-ASCII byte is Japanese (every ja template is), else
 * English; it only sets the document's lang attribute. */
static bgw_err
html_part(bgw_arena *a, mime_msg *m)
{
	const char *lang = "en";
	char *doc;
	bgw_err e;

	if (m->body == NULL || m->subject == NULL)
		return BGW_E_VALIDATION;
	for (const unsigned char *p = (const unsigned char *)m->body; *p != '\0'; p++)
		if (*p >= 0x80) {
			lang = "ja";
			break;
		}
	if ((e = mailtpl_html(a, lang, m->subject, m->body, &doc)) != BGW_OK)
		return e;
	m->html = doc;
	return BGW_OK;
}

/* Build and send row r of the claim; record its outcome. */
static bgw_err
send_one(bgw_db *db, bgw_arena *a, const smtp_conf *c, const db_rows *res, int r,
    int *sent, outbox_failure **failed)
{
	const char *id = db_value(res, r, COL_ID);
	const char *attempts_text = db_value(res, r, COL_ATTEMPTS);
	int attempts = atoi(attempts_text);
	mime_msg m = {0};
	const char *envelope = NULL;
	char err[ERR_MAX] = "", delay[NUM_MAX];
	char *msg;
	size_t len;
	int permanent = 0, lost;
	bgw_err e;

	m.from = c->from;
	m.from_name = c->from_name;
	m.to = db_value(res, r, COL_TO);
	m.subject = db_value(res, r, COL_SUBJECT);
	m.body = db_value(res, r, COL_BODY);
	m.message_id = db_value(res, r, COL_MESSAGE_ID);
	m.domain = c->msgid_domain;
	m.list_unsubscribe = db_isnull(res, r, COL_LIST_UNSUBSCRIBE) ? NULL :
	    db_value(res, r, COL_LIST_UNSUBSCRIBE);
	e = html_part(a, &m);
	if (e == BGW_OK)
		e = mime_build(a, &m, &msg, &len, NULL);
	if (e == BGW_OK)
		e = envelope_from(a, c, id, &envelope);
	if (e == BGW_E_VALIDATION) {
		snprintf(err, sizeof(err), "cannot build message: invalid address or header");
		permanent = 1;
	} else if (e != BGW_OK) {
		return e;
	} else {
		e = smtp_send(c, envelope, m.to, msg, len, err, sizeof(err), &permanent);
		if (e == BGW_OK) {
			const char *params[] = {id, attempts_text};

			if ((e = record(db, a, "outbox_mark_sent", 2, params, &lost)) != BGW_OK)
				return e;
			(*sent)++;
			return BGW_OK;
		}
	}
	if (!permanent && attempts < OUTBOX_MAX_ATTEMPTS) {
		const char *params[] = {id, attempts_text, delay, err};

		snprintf(delay, sizeof(delay), "%ld", outbox_backoff(attempts));
		return record(db, a, "outbox_retry", 4, params, &lost);
	}
	if (!permanent) {
		char why[ERR_MAX];

		snprintf(why, sizeof(why), "gave up after %d attempts: %.200s", attempts, err);
		memcpy(err, why, sizeof(err));
	}
	{
		const char *params[] = {id, attempts_text, err};

		if ((e = record(db, a, "outbox_mark_failed", 3, params, &lost)) != BGW_OK)
			return e;
	}
	bgw_log(BGW_LOG_WARN, "mail %s failed for good: %s", id, err);
	return lost ? BGW_OK : add_failure(a, failed, res, r, err);
}

bgw_err
outbox_drain(bgw_db *db, bgw_arena *a, const smtp_conf *c, int batch, int *claimed,
    int *sent, outbox_failure **failed)
{
	char limit[NUM_MAX], lease[NUM_MAX], slice[NUM_MAX];
	const char *domain = c->msgid_domain;
	const char *params[4];
	db_rows *res;
	int r, n;
	bgw_err e;

	*claimed = 0;
	*sent = 0;
	*failed = NULL;
	if (batch < 1 || batch > OUTBOX_BATCH_MAX || c->from == NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot drain outbox: batch %d or sender invalid", batch);
		return BGW_E_INTERNAL;
	}
	if (domain == NULL) {
		domain = strchr(c->from, '@');
		if (domain == NULL) {
			bgw_log(BGW_LOG_ERROR, "cannot drain outbox: sender has no domain");
			return BGW_E_INTERNAL;
		}
		domain++;
	}
	/* A bad domain would fail every message at mime_build: refuse the configuration. */
	if (domain[0] == '\0' || strspn(domain, DOMAIN_CHARS) != strlen(domain)) {
		bgw_log(BGW_LOG_ERROR, "cannot drain outbox: invalid message id domain");
		return BGW_E_INTERNAL;
	}
	if ((e = db_ensure(db)) != BGW_OK)
		return e;
	snprintf(limit, sizeof(limit), "%d", batch);
	/* A claim holds at most batch - 1 transactional rows beside a bulk slice. */
	snprintf(lease, sizeof(lease), "%ld", lease_seconds(c, batch + OUTBOX_BULK_SLICE));
	snprintf(slice, sizeof(slice), "%d", OUTBOX_BULK_SLICE);
	params[0] = limit;
	params[1] = lease;
	params[2] = domain;
	params[3] = slice;
	if ((e = db_exec(db, a, "outbox_claim", 4, params, &res)) != BGW_OK)
		return e;
	n = db_nrows(res);
	*claimed = n;
	for (r = 0; r < n; r++)
		if ((e = send_one(db, a, c, res, r, sent, failed)) != BGW_OK)
			return e;
	return BGW_OK;
}

bgw_err
outbox_backlog(bgw_db *db, bgw_arena *a, outbox_state *out)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "metrics_outbox", 0, NULL, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INTERNAL;
	out->backlog = strtod(db_value(res, 0, 0), NULL);
	out->oldest_s = strtod(db_value(res, 0, 1), NULL);
	out->retrying = strtod(db_value(res, 0, 2), NULL);
	out->failed = strtod(db_value(res, 0, 3), NULL);
	return BGW_OK;
}
