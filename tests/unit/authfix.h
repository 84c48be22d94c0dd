/* authfix.h - what the lib/auth unit tests share: the application's connection (bgw_app,
 * row-level security on), the use cases' settings (a master key of version 1, the shipped
 * common-password list, KDF slots in a directory of their own, fast scrypt parameters), and
 * accounts with passwords, sessions and MFA seeded for a case.  Rows are made through pgfix
 * (pgfix.h) with unique names; nothing is ever emptied. */
#ifndef BGW_TEST_AUTHFIX_H
#define BGW_TEST_AUTHFIX_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/authctx.h"
#include "auth/password.h"
#include "core/arena.h"
#include "store/db.h"
#include "pgfix.h"

#define AUTHFIX_PASSWORD "correct horse battery staple 2026"

typedef struct authfix {
	pgfix *pg;                 /* the owner's connection */
	bgw_db *db;                /* bgw_app, every statement table prepared */
	bgw_arena *a;
	masterkeys keys;
	password_list *passwords;
	char lock_dir[64];
	auth_env env;
	char ip[48];               /* a documentation address no other program uses */
} authfix;

/* Skip the case when the database is not there (f NULL). */
#define AUTHFIX_NEED(f) \
	do { \
		if ((f) == NULL) \
			skip(); \
	} while (0)

/* NULL (the caller skips) unless BGW_TEST_PG and BGW_TEST_PG_OWNER are set. */
authfix *authfix_open(void);
void authfix_close(authfix *f);

/* A user of a new organisation of kind (audit_firm, client, respondent, operator) whose
 * password is AUTHFIX_PASSWORD (operator: also is_operator); answers its id, *email its
 * address. */
const char *authfix_user(authfix *f, const char *kind, const char **email);

/* The user as the application reads it (user_by_id inside a transaction as that user). */
bgw_user authfix_load(authfix *f, const char *user_id);

/* The caller for user (NULL: an anonymous one), from f->ip. */
auth_caller authfix_caller(authfix *f, const bgw_user *user, const char *session_id);

/* A session of user_id made as the application makes it; *session_id its row's id.
 * Answers its token (arena memory). */
const char *authfix_session(authfix *f, const char *user_id, const char **session_id);

/* Is token a live session?  (The router's lookup: session_auth, in a transaction.) */
bool authfix_session_live(authfix *f, const char *token);

/* The TOTP code of secret_b32 for now + step_offset steps (7 bytes into code). */
void authfix_totp(const char *secret_b32, int step_offset, char code[7]);

/* MFA on for user_id (mfa_start, mfa_confirm as itself); secret (33 bytes) receives its
 * setup key, codes (when not NULL) the recovery codes (arena memory).  The code used is
 * spent (the step before now): codes of now and the next step (offsets 0 and 1) still work. */
void authfix_mfa_on(authfix *f, const char *user_id, char *secret, char ***codes);

/* End the transaction a case opened around a use case: commit after BGW_OK (a failed
 * commit fails the case), roll back after anything else, as the router does.  Answers err. */
bgw_err authfix_end(authfix *f, bgw_err err);

/* How many audit events of action the global chain holds about object_id. */
long authfix_events(authfix *f, const char *action, const char *object_id);

/* A fresh address for the address throttles (192.0.2.x / 198.51.100.x style, unique). */
const char *authfix_ip(authfix *f);

#endif
