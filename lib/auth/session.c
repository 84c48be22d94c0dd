/* session.c - create, look up, rotate and end sessions; the CSRF token bound to them. */
#include "auth/session.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth/token.h"

#define CSRF_LABEL "bgw-csrf-v1"

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
	if (sa->res == NULL || db_nrows(sa->res) != 1)
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
	db_rows *res;
	bgw_err err;

	if (token == NULL || strlen(token) != SESSION_TOKEN_LEN)
		return BGW_E_VALIDATION;
	hash_hex(token, hex);
	if ((err = db_exec(db, a, "session_pending_take", 1, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_VALIDATION;
	*user_id = db_value(res, 0, 0);
	*expires_at = db_value(res, 0, 1);
	return BGW_OK;
}
