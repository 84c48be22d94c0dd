/* test_outbox.c - the outbox.
 *
 * Always: backoff vectors, enqueue parameters (db_exec mocked through --wrap), argument
 * checks.  With BGW_TEST_PG set to the conninfo of the application role on a migrated
 * throw-away database (e.g. "host=/tmp/x port=5432 dbname=bgw user=bgw_app"; the test
 * EMPTIES ITS OUTBOX TABLE): the real statements,
 * with smtp_send mocked (--wrap) to script the relay, including two senders at once, a
 * locked row skipped, and a crashed sender's lease expiring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "store/db.h"
#include "mail/outbox.h"
#include "mail/smtp.h"

/* --- db_exec: recorded (mock mode) or real ------------------------------------------- */

static int db_mocking;
static char mock_stmt[64];
static const char *mock_params[8];
static int mock_nparams;

bgw_err __real_db_exec(bgw_db *db, bgw_arena *a, const char *name, int nparams,
    const char *const *params, PGresult **res);
bgw_err __wrap_db_exec(bgw_db *db, bgw_arena *a, const char *name, int nparams,
    const char *const *params, PGresult **res);

bgw_err
__wrap_db_exec(bgw_db *db, bgw_arena *a, const char *name, int nparams,
    const char *const *params, PGresult **res)
{
	int i;

	if (!db_mocking)
		return __real_db_exec(db, a, name, nparams, params, res);
	snprintf(mock_stmt, sizeof(mock_stmt), "%s", name);
	mock_nparams = nparams;
	for (i = 0; i < nparams && i < 8; i++)
		mock_params[i] = params[i];
	if (res != NULL)
		*res = NULL;
	return mock_type(bgw_err);
}

/* --- smtp_send: scripted relay ------------------------------------------------------- */

static bgw_err smtp_result;
static int smtp_permanent;
static int smtp_calls;
static char smtp_last_msgid[128];
static char smtp_last_to[128];
static void (*smtp_during)(void); /* runs inside the "send", as if it took a while */

bgw_err __wrap_smtp_send(const smtp_conf *c, const char *from, const char *to,
    const char *msg, size_t len, char *err, size_t errcap, int *permanent);

bgw_err
__wrap_smtp_send(const smtp_conf *c, const char *from, const char *to, const char *msg,
    size_t len, char *err, size_t errcap, int *permanent)
{
	const char *h = strstr(msg, "\r\nMessage-ID: ");

	(void)c;
	(void)from;
	(void)len;
	smtp_calls++;
	snprintf(smtp_last_to, sizeof(smtp_last_to), "%s", to);
	if (h != NULL)
		snprintf(smtp_last_msgid, sizeof(smtp_last_msgid), "%.*s",
		    (int)strcspn(h + 14, "\r"), h + 14);
	if (smtp_during != NULL)
		smtp_during();
	*permanent = smtp_permanent;
	if (smtp_result != BGW_OK)
		snprintf(err, errcap, "smtp %d: scripted", smtp_permanent ? 550 : 451);
	return smtp_result;
}

static const smtp_conf relay = {
    .url = "smtp://127.0.0.1:1",
    .from = "noreply@bg.example",
    .from_name = "Balance Gateway",
    .timeout_ms = 1000,
};

/* --- always ---------------------------------------------------------------------------- */

static void
test_backoff(void **state)
{
	static const struct {
		int attempts;
		long want;
	} vec[] = {
	    {1, OUTBOX_BACKOFF_BASE_S},
	    {2, 2 * OUTBOX_BACKOFF_BASE_S},
	    {3, 4 * OUTBOX_BACKOFF_BASE_S},
	    {6, 32 * OUTBOX_BACKOFF_BASE_S},
	    {7, OUTBOX_BACKOFF_CAP_S},
	    {OUTBOX_MAX_ATTEMPTS, OUTBOX_BACKOFF_CAP_S},
	    {1000000, OUTBOX_BACKOFF_CAP_S},
	    {0, OUTBOX_BACKOFF_BASE_S},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
		assert_int_equal(outbox_backoff(vec[i].attempts), vec[i].want);
}

static void
test_enqueue_mocked(void **state)
{
	outbox_msg m = {"invitation:u1:p1", "invitation", NULL, "a@b.jp", "subject", "body"};

	db_mocking = 1;
	will_return(__wrap_db_exec, BGW_OK);
	assert_int_equal(outbox_enqueue(NULL, *state, &m), BGW_OK);
	assert_string_equal(mock_stmt, "outbox_insert");
	assert_int_equal(mock_nparams, 6);
	/* An invitation's key names its token: only its SHA-256 is sent (migration 0022).
	 * printf 'invitation:u1:p1' | sha256sum */
	assert_string_equal(mock_params[0], "invitation:sha256:"
	    "549238dc4a8f29b94a2906a0680974e9941cca564b1ba67da222c81fdbdba6df");
	assert_string_equal(mock_params[1], "invitation");
	assert_null(mock_params[2]);
	assert_string_equal(mock_params[3], "a@b.jp");
	assert_string_equal(mock_params[4], "subject");
	assert_string_equal(mock_params[5], "body");

	/* The database's verdict is passed on. */
	will_return(__wrap_db_exec, BGW_E_UNAVAILABLE);
	assert_int_equal(outbox_enqueue(NULL, *state, &m), BGW_E_UNAVAILABLE);

	/* A missing field is a caller bug, caught before the database. */
	m.subject = NULL;
	assert_int_equal(outbox_enqueue(NULL, *state, &m), BGW_E_INTERNAL);
	db_mocking = 0;
}

static void
test_drain_arguments(void **state)
{
	smtp_conf c = relay;
	outbox_failure *failed = (outbox_failure *)&c;
	int sent = 7, claimed = 7;

	db_mocking = 1; /* any statement would fail the test: no will_return queued */
	assert_int_equal(outbox_drain(NULL, *state, &c, 0, &claimed, &sent, &failed),
	    BGW_E_INTERNAL);
	assert_int_equal(sent, 0);
	assert_int_equal(claimed, 0);
	assert_null(failed);
	assert_int_equal(outbox_drain(NULL, *state, &c, OUTBOX_BATCH_MAX + 1, &claimed, &sent,
	    &failed), BGW_E_INTERNAL);
	c.msgid_domain = "bad domain";
	assert_int_equal(outbox_drain(NULL, *state, &c, 1, &claimed, &sent, &failed),
	    BGW_E_INTERNAL);
	c.msgid_domain = NULL;
	c.from = "no-domain";
	assert_int_equal(outbox_drain(NULL, *state, &c, 1, &claimed, &sent, &failed),
	    BGW_E_INTERNAL);
	db_mocking = 0;
}

/* --- against PostgreSQL ---------------------------------------------------------------- */

static const db_stmt stmt_test[] = {
	{"t_outbox_clear", "DELETE FROM outbox", 0},
	{"t_outbox_count", "SELECT count(*) FROM outbox WHERE natural_key = $1", 1},
	{"t_outbox_row",
	    "SELECT status, attempts, coalesce(last_error, ''), body, coalesce(message_id, ''), "
	    "sent_at IS NOT NULL, next_attempt_at > now(), locked_until IS NULL "
	    "FROM outbox WHERE natural_key = $1", 1},
	{"t_outbox_due", "UPDATE outbox SET next_attempt_at = now() WHERE natural_key = $1", 1},
	{"t_outbox_expire",
	    "UPDATE outbox SET locked_until = now() - interval '1 second' "
	    "WHERE natural_key = $1", 1},
	{"t_outbox_attempts", "UPDATE outbox SET attempts = $2::integer WHERE natural_key = $1",
	    2},
	{"t_outbox_lock", "SELECT id FROM outbox WHERE natural_key = $1 FOR UPDATE", 1},
	/* The batch job's bulk mail, queued a minute before (tools/notify_stmt.c's insert). */
	{"t_outbox_bulk",
	    "INSERT INTO outbox (natural_key, kind, to_address, subject, body, bulk, "
	    "next_attempt_at) VALUES ($1, 'reminder', $1 || '@bank.example.jp', 's', 'b', true, "
	    "now() - interval '1 minute')", 1},
	{NULL, NULL, 0},
};

static const db_stmt *const tables[] = {stmt_outbox, stmt_test, NULL};

struct pg {
	bgw_arena *a;
	bgw_db *db, *db2;
};

static struct pg *current; /* for smtp_during hooks */

static int
pg_setup(void **state)
{
	const char *conninfo = getenv("BGW_TEST_PG");
	struct pg *p;

	if (conninfo == NULL || conninfo[0] == '\0') {
		*state = NULL;
		return 0;
	}
	p = calloc(1, sizeof(*p));
	p->a = bgw_arena_new();
	p->db = db_open(conninfo, tables);
	p->db2 = db_open(conninfo, tables);
	if (p->a == NULL || p->db == NULL || p->db2 == NULL || db_ensure(p->db) != BGW_OK ||
	    db_ensure(p->db2) != BGW_OK)
		return -1;
	if (db_exec(p->db, NULL, "t_outbox_clear", 0, NULL, NULL) != BGW_OK)
		return -1;
	smtp_result = BGW_OK;
	smtp_permanent = 0;
	smtp_calls = 0;
	smtp_during = NULL;
	current = p;
	*state = p;
	return 0;
}

static int
pg_teardown(void **state)
{
	struct pg *p = *state;

	if (p == NULL)
		return 0;
	db_close(p->db);
	db_close(p->db2);
	bgw_arena_free(p->a);
	free(p);
	current = NULL;
	return 0;
}

#define NEED_PG(state) \
	do { \
		if (*(state) == NULL) \
			skip(); \
	} while (0)

struct row {
	char status[16];
	int attempts;
	char last_error[256];
	char body[256];
	char message_id[128];
	int has_sent_at, later, unlocked;
};

static struct row
row_of(struct pg *p, const char *key)
{
	const char *params[] = {key};
	PGresult *res;
	struct row r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(db_exec(p->db, p->a, "t_outbox_row", 1, params, &res), BGW_OK);
	assert_int_equal(PQntuples(res), 1);
	snprintf(r.status, sizeof(r.status), "%s", db_value(res, 0, 0));
	r.attempts = atoi(db_value(res, 0, 1));
	snprintf(r.last_error, sizeof(r.last_error), "%s", db_value(res, 0, 2));
	snprintf(r.body, sizeof(r.body), "%s", db_value(res, 0, 3));
	snprintf(r.message_id, sizeof(r.message_id), "%s", db_value(res, 0, 4));
	r.has_sent_at = db_value(res, 0, 5)[0] == 't';
	r.later = db_value(res, 0, 6)[0] == 't';
	r.unlocked = db_value(res, 0, 7)[0] == 't';
	return r;
}

static void
run(struct pg *p, const char *stmt, const char *key)
{
	const char *params[] = {key};

	assert_int_equal(db_exec(p->db, NULL, stmt, 1, params, NULL), BGW_OK);
}

static void
enqueue(struct pg *p, const char *key, const char *to)
{
	outbox_msg m = {key, "reminder", NULL, to, "確認状のご回答のお願い",
	    "山田様\nhttps://gateway.example.jp/reset/one-time-token\n"};

	assert_int_equal(outbox_enqueue(p->db, p->a, &m), BGW_OK);
}

static int
drain(struct pg *p, bgw_db *db, outbox_failure **failed)
{
	int sent = -1, claimed = -1;
	outbox_failure *f;

	assert_int_equal(outbox_drain(db, p->a, &relay, 10, &claimed, &sent,
	    failed != NULL ? failed : &f), BGW_OK);
	assert_true(claimed >= sent);
	return sent;
}

static void
test_pg_enqueue_once(void **state)
{
	struct pg *p = *state;
	const char *params[] = {"k1"};
	PGresult *res;

	NEED_PG(state);
	enqueue(p, "k1", "a@b.jp");
	enqueue(p, "k1", "other@b.jp"); /* a retried request: nothing new */
	assert_int_equal(db_exec(p->db, p->a, "t_outbox_count", 1, params, &res), BGW_OK);
	assert_string_equal(db_value(res, 0, 0), "1");

	/* Inside the caller's transaction: gone with its rollback. */
	assert_int_equal(db_begin(p->db, NULL), BGW_OK);
	enqueue(p, "k2", "a@b.jp");
	db_rollback(p->db);
	params[0] = "k2";
	assert_int_equal(db_exec(p->db, p->a, "t_outbox_count", 1, params, &res), BGW_OK);
	assert_string_equal(db_value(res, 0, 0), "0");

	/* The table's checks answer validation. */
	{
		outbox_msg m = {"k3", "Bad Kind", NULL, "a@b.jp", "s", "b"};

		assert_int_equal(outbox_enqueue(p->db, p->a, &m), BGW_E_VALIDATION);
	}
}

/* A mail whose key names a live token keeps only the key's SHA-256 (migration 0022's
 * form), and still queues once per key. */
static void
test_pg_token_key_hashed(void **state)
{
	struct pg *p = *state;
	/* printf 'invitation:TOKEN-abc' | sha256sum */
	const char *params[] = {"invitation:sha256:"
	    "a4d4056d3f22971bf7087c703d39a3f4273c587650b874c3dafb08cbbcf0bbb3"};
	outbox_msg m = {"invitation:TOKEN-abc", "invitation", NULL, "a@b.jp", "s", "b"};
	PGresult *res;

	NEED_PG(state);
	assert_int_equal(outbox_enqueue(p->db, p->a, &m), BGW_OK);
	assert_int_equal(outbox_enqueue(p->db, p->a, &m), BGW_OK);
	assert_int_equal(db_exec(p->db, p->a, "t_outbox_count", 1, params, &res), BGW_OK);
	assert_string_equal(db_value(res, 0, 0), "1");
	params[0] = "invitation:TOKEN-abc";
	assert_int_equal(db_exec(p->db, p->a, "t_outbox_count", 1, params, &res), BGW_OK);
	assert_string_equal(db_value(res, 0, 0), "0");
}

static void
test_pg_sent(void **state)
{
	struct pg *p = *state;
	struct row r;

	NEED_PG(state);
	enqueue(p, "k1", "taro@bank.example.jp");
	assert_int_equal(drain(p, p->db, NULL), 1);
	assert_int_equal(smtp_calls, 1);
	assert_string_equal(smtp_last_to, "taro@bank.example.jp");
	r = row_of(p, "k1");
	assert_string_equal(r.status, "sent");
	assert_int_equal(r.attempts, 1);
	assert_true(r.has_sent_at && r.unlocked);
	assert_string_equal(r.body, ""); /* the one-time link is gone */
	assert_string_equal(r.message_id, smtp_last_msgid);
	assert_int_equal(r.message_id[0], '<');
	assert_non_null(strstr(r.message_id, "@bg.example>"));
	/* Nothing left to send. */
	assert_int_equal(drain(p, p->db, NULL), 0);
	assert_int_equal(smtp_calls, 1);
}

static void
test_pg_transient_then_sent(void **state)
{
	struct pg *p = *state;
	struct row r;
	char first_id[128];

	NEED_PG(state);
	enqueue(p, "k1", "taro@bank.example.jp");
	smtp_result = BGW_E_UNAVAILABLE;
	assert_int_equal(drain(p, p->db, NULL), 0);
	r = row_of(p, "k1");
	assert_string_equal(r.status, "queued");
	assert_int_equal(r.attempts, 1);
	assert_true(r.later && r.unlocked);
	assert_string_equal(r.last_error, "smtp 451: scripted");
	snprintf(first_id, sizeof(first_id), "%s", smtp_last_msgid);

	/* Not due yet: untouched. */
	assert_int_equal(drain(p, p->db, NULL), 0);
	assert_int_equal(smtp_calls, 1);

	run(p, "t_outbox_due", "k1");
	smtp_result = BGW_OK;
	assert_int_equal(drain(p, p->db, NULL), 1);
	r = row_of(p, "k1");
	assert_string_equal(r.status, "sent");
	assert_int_equal(r.attempts, 2);
	assert_string_equal(r.last_error, "");
	assert_string_equal(smtp_last_msgid, first_id); /* the same Message-ID on retry */
}

static void
test_pg_permanent(void **state)
{
	struct pg *p = *state;
	outbox_failure *failed;
	struct row r;

	NEED_PG(state);
	enqueue(p, "k1", "nobody@bank.example.jp");
	enqueue(p, "k2", "not an address");
	smtp_result = BGW_E_VALIDATION;
	smtp_permanent = 1;
	assert_int_equal(drain(p, p->db, &failed), 0);
	assert_int_equal(smtp_calls, 1); /* the bad address never reached the relay */

	r = row_of(p, "k1");
	assert_string_equal(r.status, "failed");
	assert_string_equal(r.last_error, "smtp 550: scripted");
	assert_string_equal(r.body, "");
	r = row_of(p, "k2");
	assert_string_equal(r.status, "failed");
	assert_non_null(strstr(r.last_error, "cannot build message"));

	/* Both are handed back for 未達. */
	assert_non_null(failed);
	assert_non_null(failed->next);
	assert_null(failed->next->next);
	assert_true((strcmp(failed->natural_key, "k1") == 0 &&
	    strcmp(failed->next->natural_key, "k2") == 0) ||
	    (strcmp(failed->natural_key, "k2") == 0 &&
	    strcmp(failed->next->natural_key, "k1") == 0));
	assert_string_equal(failed->kind, "reminder");
	/* Failed rows are never claimed again. */
	assert_int_equal(drain(p, p->db, NULL), 0);
	assert_int_equal(smtp_calls, 1);
}

static void
test_pg_out_of_attempts(void **state)
{
	struct pg *p = *state;
	const char *params[] = {"k1", NULL};
	char n[16];
	outbox_failure *failed;
	struct row r;

	NEED_PG(state);
	enqueue(p, "k1", "taro@bank.example.jp");
	snprintf(n, sizeof(n), "%d", OUTBOX_MAX_ATTEMPTS - 1);
	params[1] = n;
	assert_int_equal(db_exec(p->db, NULL, "t_outbox_attempts", 2, params, NULL), BGW_OK);
	smtp_result = BGW_E_UNAVAILABLE;
	assert_int_equal(drain(p, p->db, &failed), 0);
	r = row_of(p, "k1");
	assert_string_equal(r.status, "failed");
	assert_int_equal(r.attempts, OUTBOX_MAX_ATTEMPTS);
	assert_non_null(strstr(r.last_error, "gave up after"));
	assert_non_null(failed);
	assert_string_equal(failed->natural_key, "k1");
}

/* While the first sender is inside its SMTP call, a second sender finds nothing to send. */
static int during_sent = -1;
static int during_calls;

static void
second_sender(void)
{
	outbox_failure *f;
	int calls = smtp_calls, claimed;

	smtp_during = NULL; /* the inner drain must not recurse */
	assert_int_equal(outbox_drain(current->db2, current->a, &relay, 10, &claimed,
	    &during_sent, &f), BGW_OK);
	during_calls = smtp_calls - calls;
}

static void
test_pg_two_senders(void **state)
{
	struct pg *p = *state;

	NEED_PG(state);
	enqueue(p, "k1", "taro@bank.example.jp");
	smtp_during = second_sender;
	assert_int_equal(drain(p, p->db, NULL), 1);
	assert_int_equal(during_sent, 0);
	assert_int_equal(during_calls, 0);
	assert_int_equal(smtp_calls, 1);
	assert_string_equal(row_of(p, "k1").status, "sent");
}

/* A row locked by another transaction is skipped, not waited for. */
static void
test_pg_skip_locked(void **state)
{
	struct pg *p = *state;
	const char *params[] = {"k1"};

	NEED_PG(state);
	enqueue(p, "k1", "taro@bank.example.jp");
	enqueue(p, "k2", "hanako@bank.example.jp");
	assert_int_equal(db_begin(p->db2, NULL), BGW_OK);
	assert_int_equal(db_exec(p->db2, NULL, "t_outbox_lock", 1, params, NULL), BGW_OK);
	assert_int_equal(drain(p, p->db, NULL), 1);
	assert_string_equal(smtp_last_to, "hanako@bank.example.jp");
	db_rollback(p->db2);
	assert_string_equal(row_of(p, "k1").status, "queued");
	assert_int_equal(drain(p, p->db, NULL), 1);
	assert_string_equal(smtp_last_to, "taro@bank.example.jp");
}

/* A batch run's reminders were due first, but the request queued after them leaves first:
 * transactional mail never waits behind bulk mail (the sender takes 10 a claim here). */
static void
test_pg_transactional_first(void **state)
{
	struct pg *p = *state;
	char key[32];

	NEED_PG(state);
	for (int i = 0; i < 25; i++) {
		snprintf(key, sizeof(key), "bulk%02d", i);
		run(p, "t_outbox_bulk", key);
	}
	enqueue(p, "request", "corrected@bank.example.jp");
	assert_int_equal(drain(p, p->db, NULL), 1 + OUTBOX_BULK_SLICE);
	assert_string_equal(row_of(p, "request").status, "sent");
	assert_string_equal(row_of(p, "bulk24").status, "queued");
}

/* The notify.test failure on a fresh machine (issue 22): a request readdressed while the
 * sender works through a batch run's reminders.  A sender sends its whole claim before it
 * claims again, so with 50 reminders a claim, the request waited for 50 sends (over 30 s
 * on a loaded host).  Now a claim takes a slice of bulk mail: the request queued during the
 * first send leaves in the very next claim, before the rest of the reminders. */
static void
queue_request(void)
{
	outbox_msg m = {"request", "confirmation_request", NULL, "corrected@bank.example.jp",
	    "確認状のご依頼", "https://gateway.example.jp/invitation\n"};

	smtp_during = NULL;
	assert_int_equal(outbox_enqueue(current->db2, current->a, &m), BGW_OK);
}

static void
test_pg_request_during_bulk(void **state)
{
	struct pg *p = *state;
	char key[32];
	int sent;

	NEED_PG(state);
	for (int i = 0; i < 25; i++) {
		snprintf(key, sizeof(key), "bulk%02d", i);
		run(p, "t_outbox_bulk", key);
	}
	smtp_during = queue_request;
	sent = drain(p, p->db, NULL);
	assert_int_equal(sent, OUTBOX_BULK_SLICE);
	assert_string_equal(row_of(p, "request").status, "queued");
	assert_int_equal(drain(p, p->db, NULL), 1 + OUTBOX_BULK_SLICE);
	assert_string_equal(row_of(p, "request").status, "sent");
	assert_string_equal(row_of(p, "bulk24").status, "queued");
}

/* A sender that died after claiming: the row waits for the lease, then goes out again with
 * the same Message-ID; the dead sender's late outcome is dropped. */
static void
test_pg_crashed_sender(void **state)
{
	struct pg *p = *state;
	const char *claim[] = {"10", "600", "bg.example", "5"};
	PGresult *res;
	char id[64], msgid[128];
	struct row r;

	NEED_PG(state);
	enqueue(p, "k1", "taro@bank.example.jp");
	assert_int_equal(db_exec(p->db2, p->a, "outbox_claim", 4, claim, &res), BGW_OK);
	assert_int_equal(PQntuples(res), 1);
	snprintf(id, sizeof(id), "%s", db_value(res, 0, 0));
	snprintf(msgid, sizeof(msgid), "%s", db_value(res, 0, 7));

	assert_int_equal(drain(p, p->db, NULL), 0); /* leased */
	assert_int_equal(smtp_calls, 0);
	run(p, "t_outbox_expire", "k1");
	assert_int_equal(drain(p, p->db, NULL), 1);
	assert_string_equal(smtp_last_msgid, msgid);
	r = row_of(p, "k1");
	assert_string_equal(r.status, "sent");
	assert_int_equal(r.attempts, 2);

	/* The first claim (attempts 1) records nothing over the second. */
	{
		const char *late[] = {id, "1", "60", "late"};

		assert_int_equal(db_exec(p->db2, p->a, "outbox_retry", 4, late, &res), BGW_OK);
		assert_string_equal(PQcmdTuples(res), "0");
	}
	assert_string_equal(row_of(p, "k1").status, "sent");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backoff),
	    cmocka_unit_test_setup_teardown(test_enqueue_mocked, NULL, NULL),
	    cmocka_unit_test(test_drain_arguments),
	    cmocka_unit_test_setup_teardown(test_pg_enqueue_once, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_token_key_hashed, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_sent, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_transient_then_sent, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_permanent, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_out_of_attempts, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_two_senders, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_skip_locked, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_crashed_sender, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_request_during_bulk, pg_setup, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_transactional_first, pg_setup, pg_teardown),
	};

	return cmocka_run_group_tests_name("outbox", tests, NULL, NULL);
}
