/* bounce.h - per-message return paths (VERP) and reading the reports that come back to them.
 *
 * Every outgoing message's envelope sender is bounces+<outbox id>.<signature>@<domain of
 * mail_from>, the signature an HMAC-SHA256 over the outbox id (its first BOUNCE_SIG_BYTES,
 * hex) with a key derived from the master key.  A report (lib/mail/dsn.h) names the message
 * it is about only through that address, so a forged report (someone mailing our bounce
 * address to flag a confirmation undeliverable) fails the signature and changes nothing.
 */
#ifndef BGW_BOUNCE_H
#define BGW_BOUNCE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

#define BOUNCE_KEY_LEN 32
/* The local part's prefix: an MTA routes bounces+*@domain to bgw-notify --bounces. */
#define BOUNCE_PREFIX "bounces+"
/* Outbox ids are 16 characters of base64url (new_id(), db/schema.sql). */
#define BOUNCE_ID_LEN 16
/* 96 bits of HMAC: a local part of 8 + 16 + 1 + 24 = 49 characters (at most 64). */
#define BOUNCE_SIG_BYTES 12

/* The bounce key from the master key (version 1, which never changes: a report may come
 * back weeks after sending) into out.  BGW_E_INTERNAL if HMAC fails. */
bgw_err bounce_key_derive(const unsigned char *master, size_t master_len,
    unsigned char out[BOUNCE_KEY_LEN]);

/* "bounces+<id>.<sig>@<domain>" in a for outbox id (BOUNCE_ID_LEN characters of
 * [A-Za-z0-9_-]) into *out.  BGW_E_VALIDATION for another id or an empty domain;
 * BGW_E_NOMEM; BGW_E_INTERNAL. */
bgw_err bounce_address(bgw_arena *a, const unsigned char key[BOUNCE_KEY_LEN],
    const char *outbox_id, const char *domain, char **out);

/* Find a bounce address in text (a header value such as "Gateway <bounces+...@x>") and
 * check its signature; on BGW_OK id (BOUNCE_ID_LEN + 1 bytes) holds the outbox id.
 *   BGW_E_NOT_FOUND   no bounce address in text (not a report about our mail)
 *   BGW_E_FORBIDDEN   one, but its signature is wrong (forged or altered)
 * The comparison takes constant time. */
bgw_err bounce_match(const unsigned char key[BOUNCE_KEY_LEN], const char *text,
    char id[BOUNCE_ID_LEN + 1]);

#endif
