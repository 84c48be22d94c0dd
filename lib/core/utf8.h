/* utf8.h - strict UTF-8 validation of request input.
 *
 * Strict means RFC 3629 / Unicode Table 3-7: no overlong forms, no surrogates (U+D800..DFFF),
 * nothing above U+10FFFF, no truncated or stray continuation bytes.  Pure functions; s need
 * not be NUL-terminated and may be NULL when n is 0.
 */
#ifndef BGW_UTF8_H
#define BGW_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* true if the n bytes at s are well-formed UTF-8 (NUL bytes are allowed here). */
bool utf8_valid(const char *s, size_t n);

/* true if the n bytes at s are well-formed UTF-8 and fit for a text field value: no NUL, no
 * C0 control other than TAB, LF and CR, no DEL, and no C1 control (U+0080..U+009F, which
 * no real text contains but some terminals and old software interpret). */
bool utf8_valid_text(const char *s, size_t n);

/* The number of code points in n bytes of valid UTF-8 (the length users see, for max_len
 * limits).  Undefined for invalid input: validate first. */
size_t utf8_count(const char *s, size_t n);

#endif
