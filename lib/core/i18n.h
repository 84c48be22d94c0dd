/* i18n.h - the catalogue of every UI string, in Japanese (the default) and English, and
 * dates and amounts formatted per locale.
 *
 * A string is looked up by key ("nav.projects", "status.sent"); the catalogue holds both
 * languages for every key (the unit test checks it), so a page can never show a key to a
 * user unless the key itself is missing from the catalogue, which i18n_has answers and the
 * tests check for each key the pages use.  Catalogue strings are plain text: the HTML writer
 * escapes them like any other text.
 */
#ifndef BGW_I18N_H
#define BGW_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum i18n_lang { I18N_JA = 0, I18N_EN = 1, I18N__COUNT };

#define I18N_COOKIE "lang"
#define I18N_DATE_MAX 64  /* enough for every date or time text below */

/* "ja" or "en". */
const char *i18n_code(enum i18n_lang l);

/* The language named by a `lang` value ("ja", "en"); false for anything else. */
bool i18n_parse(const char *s, enum i18n_lang *out);

/* Pick the language of a request: an explicit switch (?lang=), else the `lang` cookie, else
 * the first of ja / en that Accept-Language ranks highest (q-values honoured, q=0 means
 * "not this one"), else Japanese.  Any argument may be NULL. */
enum i18n_lang i18n_pick(const char *query, const char *cookie, const char *accept_language);

/* The text of key in l.  A missing key gives the key itself (visible in tests, never NULL). */
const char *i18n_t(enum i18n_lang l, const char *key);

/* Is key in the catalogue? */
bool i18n_has(const char *key);

/* The catalogue, for tests: its size and the i-th key / text (NULL past the end). */
size_t i18n_count(void);
const char *i18n_key_at(size_t i);
const char *i18n_text_at(size_t i, enum i18n_lang l);

/* A calendar date "YYYY-MM-DD" as people read it: ja "2026年3月31日", en "31 Mar 2026".
 * BGW_E_VALIDATION if ymd is not such a date (out then ""). */
bgw_err i18n_date(enum i18n_lang l, const char *ymd, char *out, size_t cap);

/* A timestamp as PostgreSQL or RFC 3339 writes it in UTC ("2026-03-31 09:05:00+00",
 * "2026-03-31T09:05:00Z"): ja "2026年3月31日 09:05 UTC", en "31 Mar 2026 09:05 UTC".
 * BGW_E_VALIDATION for anything else. */
bgw_err i18n_datetime(enum i18n_lang l, const char *ts, char *out, size_t cap);

/* A stored amount (canonical decimal text) in currency as people read it
 * (money_format_display: ja "1,250,000円", en "JPY 1,250,000").  BGW_E_VALIDATION if amount
 * or currency is not valid. */
bgw_err i18n_amount(enum i18n_lang l, const char *amount, const char *currency, char *out,
    size_t cap);

#endif
