/* cookie.h - the Cookie request header in, a session Set-Cookie value out (RFC 6265). */
#ifndef BGW_COOKIE_H
#define BGW_COOKIE_H

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

/* Limits: a browser sends at most ~4 KiB per cookie; nginx caps a header line at 8 KiB. */
#define COOKIE_MAX_HEADER_LEN 8192
#define COOKIE_MAX_PAIRS 64
#define COOKIE_MAX_NAME_LEN 256
#define COOKIE_MAX_VALUE_LEN 4096

/* Parse a Cookie header ("a=1; b=2", NUL-terminated; NULL means no header).  Pairs are split
 * on ';' with spaces and tabs around names and values ignored; a value wrapped in DQUOTEs is
 * unwrapped.  As browsers do, a malformed pair is skipped, not fatal: no '=', a name that is
 * not an RFC 7230 token, a value with bytes outside RFC 6265 cookie-octet (controls, NUL,
 * space, '"', ',', ';', '\\', non-ASCII), or a name or value over its limit.  Pairs after the
 * first COOKIE_MAX_PAIRS are ignored.  Order is kept, so kv_get finds the first.
 * Returns BGW_OK with *out the list (NULL when nothing usable); BGW_E_BAD_REQUEST when the
 * header is longer than COOKIE_MAX_HEADER_LEN; BGW_E_NOMEM.  On error *out is NULL. */
bgw_err cookie_parse(bgw_arena *a, const char *header, bgw_kv **out);

/* The Set-Cookie header value of a session cookie:
 *     NAME=VALUE; Path=/; Secure; HttpOnly; SameSite=Strict[; Max-Age=N]
 * with Max-Age only when max_age_seconds >= 0 (0 clears the cookie; negative makes a
 * browser-session cookie).  Returns an arena string, or NULL when name is not a token, value
 * (which may be empty) holds a byte outside cookie-octet, or on out of memory. */
char *cookie_format_session(bgw_arena *a, const char *name, const char *value,
    long max_age_seconds);

#endif
