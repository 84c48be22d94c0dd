/* throttle.h - counting failed attempts per bucket and key, and locking a key out.
 *
 * Buckets: login per account (lower-cased e-mail) and per address; password reset per
 * address.  A key with `limit` failures inside `window_s` seconds is locked for `lock_s`.
 * The answer to a locked key is the same whether or not an account exists behind it.
 */
#ifndef BGW_THROTTLE_H
#define BGW_THROTTLE_H

#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

typedef struct throttle_rule {
	const char *bucket;
	int limit;
	int window_s;
	int lock_s;
} throttle_rule;

extern const throttle_rule THROTTLE_LOGIN_ACCOUNT;
extern const throttle_rule THROTTLE_LOGIN_ADDRESS;
extern const throttle_rule THROTTLE_RESET_ADDRESS;

/* BGW_OK, or BGW_E_RATE_LIMITED while key is locked in rule's bucket. */
bgw_err throttle_check(bgw_db *db, bgw_arena *a, const throttle_rule *rule, const char *key);

/* Count one failure (locking the key when it reaches the limit).  Autocommit: call it
 * outside any transaction that will roll back. */
bgw_err throttle_fail(bgw_db *db, bgw_arena *a, const throttle_rule *rule, const char *key);

/* Forget the failures of key (after a success). */
bgw_err throttle_clear(bgw_db *db, bgw_arena *a, const throttle_rule *rule, const char *key);


#endif
