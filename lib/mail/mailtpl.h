/* mailtpl.h - the text of every mail, in Japanese and English, with named slots.
 *
 * Templates are compiled in (they are part of the product's wording, reviewed like code).
 * A slot is written {{name}}; the names a template may use are fixed (known_slots in
 * mailtpl.c), so a typo in a template is a bug found by the unit test, not a mail with a
 * hole in it.  Mails to respondents (confirmation_request, reminder) always carry the
 * reference and the public verify URL, so a recipient can check the request is genuine
 * before following any link, and never an amount: balances are shown only after sign-in.
 */
#ifndef BGW_MAILTPL_H
#define BGW_MAILTPL_H

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"

/* Render template name ("invitation", "password_reset", "confirmation_request",
 * "reminder", "overdue_alert", "digest", the batch job's "auth_reminder" and
 * "approval_reminder", ...: the one catalogue of every mail's text) in locale ("ja" or "en") with the values in vars
 * (key = slot name, UTF-8).  Values are inserted once, as they are: a value holding "{{x}}"
 * is not expanded again.  On BGW_OK *subject and *body are in a (the body ends with the
 * locale's footer; LF line endings, mime_build makes them CRLF).
 *   BGW_E_INTERNAL    unknown template or locale, a slot the template uses that is not a
 *                     known slot, or a slot without a value in vars (template or caller
 *                     bug; logged with the names)
 *   BGW_E_VALIDATION  a value is not valid UTF-8 or holds a control character (any in the
 *                     subject; any but LF in the body)
 *   BGW_E_NOMEM */
bgw_err mailtpl_render(bgw_arena *a, const char *name, const char *locale,
    const bgw_kv *vars, char **subject, char **body);

/* Expand the slots of one template text tpl with vars into *out (in a), as
 * mailtpl_render does for each part; in_header = 1 refuses every control character in
 * values.  Same errors.  Exposed for tests and for callers with a text of their own. */
bgw_err mailtpl_expand(bgw_arena *a, const char *tpl, const bgw_kv *vars, int in_header,
    char **out);

/* The HTML part of a mail whose plain part is body (as mailtpl_render made it): the same
 * text, line for line, through the escaping HTML writer (lib/http/html.h), so no value can
 * become markup; a line that is an https link alone becomes that link.  lang ("ja", "en")
 * is the document's language.  On BGW_OK *out is the document in a.  BGW_E_NOMEM. */
bgw_err mailtpl_html(bgw_arena *a, const char *lang, const char *subject, const char *body,
    char **out);

#endif
