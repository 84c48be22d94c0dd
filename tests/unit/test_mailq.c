/* test_mailq.c - a mail rendered from its template and queued in the outbox in one call, as
 * the use cases queue theirs, against the real PostgreSQL as bgw_app (tests/unit/pgfix.h;
 * skipped without it): the rendered subject and body wait in the outbox for the address,
 * the same natural key queues once, a rolled-back change queues nothing, and a template or
 * value that cannot be rendered queues nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/kv.h"
#include "mail/mailq.h"
#include "dbfix.h"
#include "pgfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	const char *user;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	*state = w;
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, false))
		return 0;
	w->user = pgfix_user(w->fx, pgfix_org(w->fx, "audit_firm"));
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	dbfix_close_all(w->fx, w->db, w->a);
	free(w);
	return 0;
}

static const bgw_kv *
vars(struct world *w, const char *firm, const char *link)
{
	bgw_kv *head = NULL, **tail = &head;

	assert_int_equal(kv_append(w->a, &tail, "firm", firm, strlen(firm)), BGW_OK);
	assert_int_equal(kv_append(w->a, &tail, "link", link, strlen(link)), BGW_OK);
	assert_int_equal(kv_append(w->a, &tail, "name", "鈴木", strlen("鈴木")), BGW_OK);
	return head;
}

/* mailq_send in a transaction of w->user's, committed (or rolled back when commit is
 * false or it failed). */
static bgw_err
send(struct world *w, const char *tpl, const char *locale, const char *to, const char *key,
    const bgw_kv *v, bool commit)
{
	bgw_err err;

	assert_int_equal(db_begin(w->db, w->user), BGW_OK);
	err = mailq_send(w->db, w->a, tpl, locale, to, key, NULL, v);
	if (!commit) {
		db_rollback(w->db);
		return err;
	}
	return dbfix_end(w->db, err);
}

static long
queued(struct world *w, const char *to)
{
	return pgfix_count(w->fx, "SELECT 1 FROM outbox WHERE to_address = $1", 1,
	    (const char *[]){to});
}

/* A fresh address of its own, so parallel programs never count each other's mail. */
static const char *
address(struct world *w)
{
	return bgw_arena_printf(w->a, "%s@example.test", pgfix_unique(w->fx, "to"));
}

static void
test_the_rendered_mail_waits_in_the_outbox_once(void **state)
{
	struct world *w = *state;
	const char *key = pgfix_unique(w->fx, "mailq"), *to;
	const char *p[2];

	DBFIX_NEED(w->db);
	to = address(w);
	assert_int_equal(send(w, "firm_invitation", "en", to, key,
	    vars(w, "Sakura & Co", "https://bg.example/invite/x"), true), BGW_OK);
	assert_int_equal(queued(w, to), 1);
	p[0] = to;
	p[1] = key;
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM outbox WHERE to_address = $1 AND "
	    "kind = 'firm_invitation' AND status = 'queued' AND "
	    "subject = '[Balance Gateway] Your account for Sakura & Co' AND "
	    "strpos(body, 'https://bg.example/invite/x') > 0 AND strpos(body, 'Dear 鈴木,') = 1",
	    1, p), 1);
	/* a key that carries a single-use link's token is kept only as its hash */
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM outbox WHERE to_address = $1 AND "
	    "natural_key LIKE 'firm_invitation:sha256:%' AND strpos(natural_key, $2) = 0", 2, p),
	    1);
	/* the same key again (a retried request): still one mail */
	assert_int_equal(send(w, "firm_invitation", "en", to, key,
	    vars(w, "Sakura & Co", "https://bg.example/invite/x"), true), BGW_OK);
	assert_int_equal(queued(w, to), 1);
}

static void
test_a_rolled_back_change_sends_nothing(void **state)
{
	struct world *w = *state;
	const char *key = pgfix_unique(w->fx, "mailq"), *to;

	DBFIX_NEED(w->db);
	to = address(w);
	assert_int_equal(send(w, "firm_invitation", "ja", to, key,
	    vars(w, "桜監査法人", "https://bg.example/i"), false), BGW_OK);
	assert_int_equal(queued(w, to), 0);
}

static void
test_what_cannot_be_rendered_is_not_queued(void **state)
{
	struct world *w = *state;
	const char *k1 = pgfix_unique(w->fx, "mailq"), *k2 = pgfix_unique(w->fx, "mailq");
	const char *k3 = pgfix_unique(w->fx, "mailq"), *to;

	DBFIX_NEED(w->db);
	to = address(w);
	assert_int_equal(send(w, "no_such_template", "ja", to, k1, vars(w, "x", "y"), true),
	    BGW_E_INTERNAL);
	assert_int_equal(send(w, "firm_invitation", "fr", to, k2, vars(w, "x", "y"), true),
	    BGW_E_INTERNAL);
	/* a header injection through a value */
	assert_int_equal(send(w, "firm_invitation", "en", to, k3,
	    vars(w, "x\r\nBcc: victim@example.test", "y"), true), BGW_E_VALIDATION);
	assert_int_equal(queued(w, to), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_rendered_mail_waits_in_the_outbox_once),
		cmocka_unit_test(test_a_rolled_back_change_sends_nothing),
		cmocka_unit_test(test_what_cannot_be_rendered_is_not_queued),
	};

	return cmocka_run_group_tests_name("mailq", tests, setup, teardown);
}
