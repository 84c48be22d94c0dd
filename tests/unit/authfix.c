/* authfix.c - the lib/auth unit tests' shared fixture (authfix.h). */
#include "authfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/rand.h>

#include "auth/mfa.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "core/base32.h"
#include "crypto/kdf.h"
#include "mail/outbox.h"
#include "store/stmt.h"

static const db_stmt *const tables[] = {stmt_core, stmt_outbox, stmt_audit, stmt_session,
	stmt_throttle, stmt_user, stmt_target, stmt_mfa, stmt_account, stmt_invite, stmt_project,
	stmt_operator, stmt_org, NULL};

/* Cheap scrypt: the tests check what is hashed and compared, not the cost. */
static const kdf_params fast = {.ln = 4, .r = 8, .p = 1};

authfix *
authfix_open(void)
{
	const char *conninfo = getenv("BGW_TEST_PG"), *src = getenv("BGW_SRCDIR");
	char path[512];
	authfix *f;
	pgfix *pg;

	if (conninfo == NULL || conninfo[0] == '\0' || (pg = pgfix_open()) == NULL)
		return NULL;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->pg = pg;
	f->a = bgw_arena_new();
	f->db = db_open(conninfo, tables);
	assert_non_null(f->db);
	assert_int_equal(db_ensure(f->db), BGW_OK);
	f->keys.count = 1;
	f->keys.keys[0].version = 1;
	assert_int_equal(RAND_bytes(f->keys.keys[0].key, MASTERKEY_LEN), 1);
	snprintf(path, sizeof(path), "%s/db/common-passwords.txt", src != NULL ? src : ".");
	assert_int_equal(password_list_load(path, &f->passwords), BGW_OK);
	snprintf(f->lock_dir, sizeof(f->lock_dir), "/tmp/bgw-authfix-XXXXXX");
	assert_non_null(mkdtemp(f->lock_dir));
	kdf_set_params(&fast);
	f->env = (auth_env){.lock_dir = f->lock_dir, .keys = &f->keys,
		.passwords = f->passwords, .base_url = "https://bg.example"};
	authfix_ip(f);
	return f;
}

void
authfix_close(authfix *f)
{
	char path[128];

	if (f == NULL)
		return;
	for (int i = 0; i < PASSWORD_KDF_SLOTS; i++) {
		snprintf(path, sizeof(path), "%s/kdf-slot-%d", f->lock_dir, i);
		unlink(path);
	}
	rmdir(f->lock_dir);
	kdf_set_params(NULL);
	password_list_free(f->passwords);
	db_close(f->db);
	bgw_arena_free(f->a);
	pgfix_close(f->pg);
	free(f);
}

const char *
authfix_user(authfix *f, const char *kind, const char **email)
{
	char hash[KDF_STORED_MAX];
	const char *id = pgfix_user(f->pg, pgfix_org(f->pg, kind));
	const char *p[3] = {id, hash, strcmp(kind, "operator") == 0 ? "true" : "false"};

	assert_int_equal(kdf_hash(AUTHFIX_PASSWORD, strlen(AUTHFIX_PASSWORD), hash, sizeof(hash)),
	    BGW_OK);
	pgfix_sql(f->pg, "UPDATE users SET password_hash = $2, is_operator = $3::boolean "
	    "WHERE id = $1", 3, p);
	if (email != NULL)
		*email = pgfix_sql(f->pg, "SELECT email FROM users WHERE id = $1", 1, &id);
	return id;
}

bgw_user
authfix_load(authfix *f, const char *user_id)
{
	bgw_user u;

	assert_int_equal(db_begin(f->db, user_id), BGW_OK);
	assert_int_equal(user_by_id(f->db, f->a, user_id, &u), BGW_OK);
	assert_int_equal(db_commit(f->db), BGW_OK);
	return u;
}

auth_caller
authfix_caller(authfix *f, const bgw_user *user, const char *session_id)
{
	return (auth_caller){.ip = f->ip, .user = user, .session_id = session_id};
}

const char *
authfix_session(authfix *f, const char *user_id, const char **session_id)
{
	char *token = bgw_arena_alloc(f->a, SESSION_TOKEN_LEN + 1);
	char csrf[SESSION_TOKEN_LEN + 1];

	assert_non_null(token);
	assert_int_equal(session_create(f->db, f->a, user_id, f->ip, token, csrf), BGW_OK);
	if (session_id != NULL) {
		bgw_session s;
		bgw_user u;
		session_auth sa;
		db_call c;

		assert_true(session_auth_prepare(&sa, token));
		c = session_auth_call(&sa);
		assert_int_equal(db_begin_with(f->db, f->a, &c, 1), BGW_OK);
		assert_int_equal(session_auth_result(&sa, token, &s, &u), BGW_OK);
		assert_int_equal(db_commit(f->db), BGW_OK);
		*session_id = s.id;
	}
	return token;
}

bool
authfix_session_live(authfix *f, const char *token)
{
	bgw_session s;
	bgw_user u;
	session_auth sa;
	db_call c;
	bgw_err err;

	if (!session_auth_prepare(&sa, token))
		return false;
	c = session_auth_call(&sa);
	assert_int_equal(db_begin_with(f->db, f->a, &c, 1), BGW_OK);
	err = session_auth_result(&sa, token, &s, &u);
	assert_int_equal(db_commit(f->db), BGW_OK);
	return err == BGW_OK;
}

void
authfix_totp(const char *secret_b32, int step_offset, char code[7])
{
	unsigned char key[MFA_SECRET_BYTES];
	size_t len;

	assert_int_equal(base32_decode(secret_b32, strlen(secret_b32), key, sizeof(key), &len),
	    BGW_OK);
	assert_int_equal(totp_code(key, len, (uint64_t)(totp_step(time(NULL)) + step_offset),
	    code), BGW_OK);
}

void
authfix_mfa_on(authfix *f, const char *user_id, char *secret, char ***codes)
{
	bgw_user u = authfix_load(f, user_id);
	auth_caller who = authfix_caller(f, &u, NULL);
	mfa_start_out start;
	mfa_session_out out;
	bgw_kv *errors = NULL;
	char code[7];

	assert_int_equal(db_begin(f->db, user_id), BGW_OK);
	assert_int_equal(mfa_start(f->db, f->a, &f->env, &who, &start), BGW_OK);
	/* The step before now: the cases then have now and the next step for their own codes. */
	authfix_totp(start.secret, -1, code);
	assert_int_equal(mfa_confirm(f->db, f->a, &f->env, &who, code, &out, &errors), BGW_OK);
	assert_int_equal(db_commit(f->db), BGW_OK);
	strcpy(secret, start.secret);
	if (codes != NULL)
		*codes = out.codes;
}

bgw_err
authfix_end(authfix *f, bgw_err err)
{
	if (err == BGW_OK)
		assert_int_equal(db_commit(f->db), BGW_OK);
	else
		db_rollback(f->db);
	return err;
}

long
authfix_events(authfix *f, const char *action, const char *object_id)
{
	const char *p[2] = {action, object_id};

	return pgfix_count(f->pg, "SELECT 1 FROM audit_events WHERE action = $1 "
	    "AND object_id = $2", 2, p);
}

const char *
authfix_ip(authfix *f)
{
	static unsigned serial;
	unsigned long n = ((unsigned long)getpid() << 8) + ++serial;

	/* 10.0.0.0/8 holds 2^24 addresses: the pid and a serial keep programs apart. */
	snprintf(f->ip, sizeof(f->ip), "10.%lu.%lu.%lu", (n >> 16) & 255, (n >> 8) & 255,
	    n & 255);
	return f->ip;
}
