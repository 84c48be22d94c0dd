/* session.c - create, look up, rotate and end sessions; the CSRF token bound to them. */
#include "auth/session.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth/token.h"

#define CSRF_LABEL "bgw-csrf-v1"

const db_stmt stmt_session[] = {
	{"session_insert",
	    "INSERT INTO sessions (token_hash, user_id, csrf_hash, expires_at, ip) "
	    "VALUES (decode($1, 'hex'), $2, decode($3, 'hex'), "
	    "now() + make_interval(secs => $4::int), $5::inet) RETURNING id", 5},
	/* One statement checks both timeouts and the user, binds the user for row-level
	 * security as db_set_user does, tells whether the idle timer is due to move (it moves at
	 * most once a SESSION_TOUCH_S, by session_touch: a write at every request would make
	 * every read wait for a WAL flush, and even an UPDATE that finds nothing to change costs
	 * a third of this statement), and returns the user: the first statement of a signed-in
	 * request's transaction. */
	{"session_auth",
	    "SELECT s.id, set_config('app.user_id', s.user_id, true), "
	    "s.last_seen_at < now() - make_interval(secs => $3::int), " USER_COLUMNS
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "JOIN organizations o ON o.id = u.organization_id "
	    "WHERE s.token_hash = decode($1, 'hex') AND s.expires_at > now() "
	    "AND s.last_seen_at > now() - make_interval(secs => $2::int) "
	    "AND u.deleted_at IS NULL AND (u.locked_until IS NULL OR u.locked_until < now())", 3},
	{"session_touch",
	    "UPDATE sessions SET last_seen_at = now() WHERE id = $1 "
	    "AND last_seen_at < now() - make_interval(secs => $2::int)", 2},
	{"session_delete", "DELETE FROM sessions WHERE token_hash = decode($1, 'hex')", 1},
	{"session_delete_user",
	    "DELETE FROM sessions WHERE user_id = $1 AND ($2::text IS NULL OR id <> $2)", 2},
	/* Pending sign-ins (db/migrations/0021_login_pending.sql).  Expired rows go whenever a
	 * new one is made: the table stays as small as the sign-ins of the last few minutes. */
	{"session_pending_purge", "DELETE FROM login_pending WHERE expires_at <= now()", 0},
	{"session_pending_insert",
	    "INSERT INTO login_pending (token_hash, user_id, expires_at) VALUES (decode($1, 'hex'), "
	    "$2, COALESCE($3::timestamptz, now() + make_interval(secs => $4::int)))", 4},
	{"session_pending_take",
	    "DELETE FROM login_pending WHERE token_hash = decode($1, 'hex') AND expires_at > now() "
	    "RETURNING user_id, expires_at::text", 1},
	{NULL, NULL, 0},
};

static void
hash_hex(const char *s, char out[TOKEN_HEX_LEN + 1])
{
	unsigned char h[TOKEN_HASH_LEN];

	token_hash(s, h);
	token_hex(h, sizeof(h), out, TOKEN_HEX_LEN + 1);
}

void
session_csrf_for(const char *token, char *csrf)
{
	unsigned char h[32];
	unsigned int len = sizeof(h);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int n;

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, CSRF_LABEL, sizeof(CSRF_LABEL));
	EVP_DigestUpdate(ctx, token, strlen(token));
	EVP_DigestFinal_ex(ctx, h, &len);
	EVP_MD_CTX_free(ctx);
	/* base64url without padding, like the session token */
	n = EVP_EncodeBlock((unsigned char *)csrf, h, sizeof(h));
	for (int i = 0; i < n; i++) {
		if (csrf[i] == '+')
			csrf[i] = '-';
		else if (csrf[i] == '/')
			csrf[i] = '_';
	}
	while (n > 0 && csrf[n - 1] == '=')
		n--;
	csrf[n] = '\0';
	OPENSSL_cleanse(h, sizeof(h));
}

bgw_err
session_create(bgw_db *db, bgw_arena *a, const char *user_id, const char *ip, char *token,
    char *csrf)
{
	char th[65], ch[65], secs[16];
	const char *params[5];
	bgw_err err = token_new(token, SESSION_TOKEN_LEN + 1);

	if (err != BGW_OK)
		return err;
	session_csrf_for(token, csrf);
	hash_hex(token, th);
	hash_hex(csrf, ch);
	snprintf(secs, sizeof(secs), "%d", SESSION_ABSOLUTE_S);
	params[0] = th;
	params[1] = user_id;
	params[2] = ch;
	params[3] = secs;
	params[4] = ip;
	return db_exec(db, a, "session_insert", 5, params, NULL);
}

bool
session_auth_prepare(session_auth *sa, const char *token)
{
	memset(sa, 0, sizeof(*sa));
	if (token == NULL || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	hash_hex(token, sa->token_hash);
	snprintf(sa->idle, sizeof(sa->idle), "%d", SESSION_IDLE_S);
	snprintf(sa->touch, sizeof(sa->touch), "%d", SESSION_TOUCH_S);
	sa->params[0] = sa->token_hash;
	sa->params[1] = sa->idle;
	sa->params[2] = sa->touch;
	return true;
}

db_call
session_auth_call(session_auth *sa)
{
	return (db_call){"session_auth", 3, sa->params, &sa->res};
}

bgw_err
session_auth_result(const session_auth *sa, const char *token, bgw_session *s, bgw_user *u)
{
	if (sa->res == NULL || PQntuples(sa->res) != 1)
		return BGW_E_UNAUTHENTICATED;
	s->id = db_value(sa->res, 0, 0);
	s->user_id = db_value(sa->res, 0, 1);
	s->idle_timer_due = strcmp(db_value(sa->res, 0, 2), "t") == 0;
	user_from_row(sa->res, 0, 3, u);
	session_csrf_for(token, s->csrf);
	return BGW_OK;
}

bgw_err
session_touch(bgw_db *db, bgw_arena *a, const bgw_session *s)
{
	char touch[16];
	const char *params[2] = {s->id, touch};

	if (!s->idle_timer_due)
		return BGW_OK;
	snprintf(touch, sizeof(touch), "%d", SESSION_TOUCH_S);
	return db_exec(db, a, "session_touch", 2, params, NULL);
}

bgw_err
session_destroy(bgw_db *db, bgw_arena *a, const char *token)
{
	char th[65];
	const char *params[1] = {th};

	if (token == NULL)
		return BGW_OK;
	hash_hex(token, th);
	return db_exec(db, a, "session_delete", 1, params, NULL);
}

bgw_err
session_destroy_user(bgw_db *db, bgw_arena *a, const char *user_id, const char *keep_id)
{
	const char *params[2] = {user_id, keep_id};

	return db_exec(db, a, "session_delete_user", 2, params, NULL);
}

bgw_err
session_rotate(bgw_db *db, bgw_arena *a, const char *user_id, const char *ip, char *token,
    char *csrf)
{
	bgw_err err = session_destroy_user(db, a, user_id, NULL);

	return err == BGW_OK ? session_create(db, a, user_id, ip, token, csrf) : err;
}

bool
session_csrf_ok(const bgw_session *s, const char *header)
{
	size_t n = strlen(s->csrf);

	return header != NULL && strlen(header) == n && CRYPTO_memcmp(header, s->csrf, n) == 0;
}

bgw_err
session_pending_create(bgw_db *db, bgw_arena *a, const char *user_id, const char *expires_at,
    char *token)
{
	char hex[TOKEN_HEX_LEN + 1], ttl[16];
	const char *p[4] = {hex, user_id, expires_at, ttl};
	bgw_err err = token_new(token, SESSION_TOKEN_LEN + 1);

	if (err != BGW_OK)
		return err;
	hash_hex(token, hex);
	snprintf(ttl, sizeof(ttl), "%d", SESSION_PENDING_S);
	if ((err = db_exec(db, a, "session_pending_purge", 0, NULL, NULL)) != BGW_OK)
		return err;
	return db_exec(db, a, "session_pending_insert", 4, p, NULL);
}

bgw_err
session_pending_take(bgw_db *db, bgw_arena *a, const char *token, const char **user_id,
    const char **expires_at)
{
	char hex[TOKEN_HEX_LEN + 1];
	const char *p[1] = {hex};
	PGresult *res;
	bgw_err err;

	if (token == NULL || strlen(token) != SESSION_TOKEN_LEN)
		return BGW_E_VALIDATION;
	hash_hex(token, hex);
	if ((err = db_exec(db, a, "session_pending_take", 1, p, &res)) != BGW_OK)
		return err;
	if (PQntuples(res) != 1)
		return BGW_E_VALIDATION;
	*user_id = db_value(res, 0, 0);
	*expires_at = db_value(res, 0, 1);
	return BGW_OK;
}
