/* unsub.h - the signed link in a digest that turns the digest off (List-Unsubscribe, RFC
 * 8058 one-click), issue 22 item 6.
 *
 * The link is <base>/unsubscribe/<user id>.<signature>, the signature an HMAC-SHA256 over
 * "digest-off:" and the user id (its first UNSUB_SIG_BYTES, hex) with a key derived from
 * master key version 1 (which never changes: a digest may be read weeks later).  The link
 * carries no session and no secret of the user's: a mail provider POSTs to it without any
 * cookie, so the signature alone says the holder received that user's digest, and all it
 * can do is what the footer says (digest off).  A forged or altered link changes nothing.
 */
#ifndef BGW_UNSUB_H
#define BGW_UNSUB_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

#define UNSUB_KEY_LEN 32
/* User ids are 16 characters of base64url (new_id(), db/schema.sql). */
#define UNSUB_ID_LEN 16
/* 128 bits of HMAC: a token of 16 + 1 + 32 characters. */
#define UNSUB_SIG_BYTES 16
#define UNSUB_TOKEN_LEN (UNSUB_ID_LEN + 1 + 2 * UNSUB_SIG_BYTES)

/* The unsubscribe key from master key version 1 into out.  BGW_E_INTERNAL if HMAC fails. */
bgw_err unsub_key_derive(const unsigned char *master, size_t master_len,
    unsigned char out[UNSUB_KEY_LEN]);

/* "<base_url>/unsubscribe/<token>" in a for user_id into *out.  BGW_E_VALIDATION for a
 * user id that is not UNSUB_ID_LEN characters of [A-Za-z0-9_-]; BGW_E_NOMEM;
 * BGW_E_INTERNAL. */
bgw_err unsub_link(bgw_arena *a, const unsigned char key[UNSUB_KEY_LEN],
    const char *base_url, const char *user_id, char **out);

/* Check token (the last path segment of the link); on BGW_OK user_id holds the user id.
 * BGW_E_FORBIDDEN for a token of another shape or a wrong signature (constant-time
 * comparison). */
bgw_err unsub_check(const unsigned char key[UNSUB_KEY_LEN], const char *token,
    char user_id[UNSUB_ID_LEN + 1]);

/* The link's action: if token checks out, turn its user's digest off (0042's
 * prefs_digest_off, which the link may call though no one is signed in).  In the caller's
 * transaction.  BGW_E_FORBIDDEN for a forged or altered token (nothing changes);
 * BGW_E_NOT_FOUND for a user who no longer exists; database errors. */
bgw_err unsub_digest_off(bgw_db *db, bgw_arena *a, const unsigned char key[UNSUB_KEY_LEN],
    const char *token);

#endif
