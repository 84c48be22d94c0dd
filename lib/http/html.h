/* html.h - the HTML writer: every page is built through it, into arena memory.
 *
 * Two ways in, and only two:
 *   - text (html_text, html_attr, the slots of html_fill) is always escaped: & < > " ' become
 *     entities, so user data can never become markup, wherever it lands (element content or
 *     a double-quoted attribute value);
 *   - raw markup (html_raw, the template of html_fill) must be a string LITERAL: the macros
 *     paste "" around the argument, which compiles only for a literal, so no runtime string
 *     (user data, a catalogue entry, a database value) can ever be written unescaped.
 * Attributes are always written double-quoted.  URL attributes (href, action, src) go
 * through html_url_ok: only same-origin paths ("/x", not "//x" nor "/\x"), fragments and
 * https: URLs pass, so "javascript:" and "data:" never reach a link.
 *
 * Errors are sticky: after an allocation failure or a refused URL every later call does
 * nothing, and html_finish reports the first error, so page code need not check each call.
 */
#ifndef BGW_HTML_H
#define BGW_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

#define HTML_INITIAL_CAP 8192
#define HTML_MAX_BYTES (8 * 1024 * 1024) /* no page is larger; past it: BGW_E_TOO_LARGE */

typedef struct html {
	bgw_arena *a;
	char *buf;
	size_t len, cap;
	bgw_err err; /* the first failure, sticky */
} html;

/* A named slot of html_fill: its text is escaped (NULL writes nothing).  A fragment built
 * by another writer is appended with html_frag, between two html_fill or html_raw calls. */
typedef struct html_slot {
	const char *name;
	const char *text;
} html_slot;

/* Start an empty document in arena memory. */
void html_init(html *h, bgw_arena *a);

/* Markup: lit must be a string literal (enforced at compile time). */
#define html_raw(h, lit) html__raw((h), "" lit "", sizeof("" lit "") - 1)

/* Fill a template literal: "{name}" is replaced by the escaped text of the slot of that
 * name; "{{" writes "{".  An unknown slot name is a programming error: BGW_E_INTERNAL.
 *     html_fill(h, "<p class=\"who\">{name} ({org})</p>", {"name", u->name}, {"org", org});
 */
#define html_fill(h, tpl, ...) \
	html__fill((h), "" tpl "", (const html_slot[]){__VA_ARGS__, {NULL, NULL}})

/* Escaped text (NULL writes nothing). */
void html_text(html *h, const char *s);

/* The first n bytes of s, escaped. */
void html_textn(html *h, const char *s, size_t n);

/* A decimal integer. */
void html_int(html *h, long long v);

/* ` name="value"` with value escaped; name must be a literal. */
#define html_attr(h, name, value) html__attr((h), "" name "", (value))

/* ` name="url"` for a URL attribute: refused (BGW_E_INTERNAL, sticky) unless html_url_ok. */
#define html_attr_url(h, name, url) html__attr_url((h), "" name "", (url))

/* ` name` (a boolean attribute) when on. */
#define html_flag(h, name, on) html__flag((h), "" name "", (on))

/* Append everything fragment src holds (which was built by these functions). */
void html_frag(html *h, const html *src);

/* Is url safe in a link of ours: a same-origin absolute path ("/..." but not "//" nor
 * "/\"), a query ("?...") or fragment ("#..."), or an https: URL; with no control
 * characters, spaces or backslashes anywhere. */
bool html_url_ok(const char *url);

/* Is s a safe "next" target after sign-in: a same-origin path (html_url_ok, starting with
 * '/') that is not itself the sign-in page. */
bool html_next_ok(const char *s);

/* The document: *out (arena memory, NUL-terminated) and *len.  Returns the first error of
 * any call (then *out is NULL), or BGW_OK. */
bgw_err html_finish(html *h, const char **out, size_t *len);

/* Internal: use the macros, which enforce literals. */
void html__raw(html *h, const char *lit, size_t n);
void html__fill(html *h, const char *tpl, const html_slot *slots);
void html__attr(html *h, const char *name, const char *value);
void html__attr_url(html *h, const char *name, const char *url);
void html__flag(html *h, const char *name, bool on);

#endif
