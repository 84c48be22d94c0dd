/* mime.c - RFC 5322 / MIME text mail in arena memory.
 *
 * The body is always base64: it keeps every line short and every byte safe whatever the
 * text holds (a line starting with "." or "From ", long Japanese lines), at a cost of a
 * third more bytes that nobody notices in short transactional mail.
 */
#include "mail/mime.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/log.h"
#include "core/utf8.h"

/* "=?UTF-8?B?" and "?=" around the base64 of an encoded word. */
#define WORD_OPEN "=?UTF-8?B?"
#define WORD_CLOSE "?="
#define WORD_OVERHEAD (sizeof(WORD_OPEN) - 1 + sizeof(WORD_CLOSE) - 1)

/* Raw body bytes per base64 line: 57 bytes make exactly MIME_LINE_MAX (76) characters. */
#define BODY_LINE_RAW (MIME_LINE_MAX / 4 * 3)

/* A growing string in arena memory; the first failed allocation sticks in oom. */
struct sbuf {
	bgw_arena *a;
	char *p;
	size_t len, cap;
	int oom;
};

static void
sb_reserve(struct sbuf *b, size_t more)
{
	char *np;
	size_t ncap;

	if (b->oom)
		return;
	if (more < b->cap - b->len)
		return;
	ncap = b->cap > 0 ? b->cap : 256;
	while (ncap - b->len <= more) {
		if (ncap > SIZE_MAX / 2) {
			b->oom = 1;
			return;
		}
		ncap *= 2;
	}
	np = bgw_arena_alloc(b->a, ncap);
	if (np == NULL) {
		b->oom = 1;
		return;
	}
	if (b->len > 0)
		memcpy(np, b->p, b->len);
	b->p = np;
	b->cap = ncap;
	b->p[b->len] = '\0';
}

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Characters on the current (last) line of b. */
static size_t
sb_line_len(const struct sbuf *b)
{
	size_t i = b->len;

	while (i > 0 && b->p[i - 1] != '\n')
		i--;
	return b->len - i;
}

/* Base64 of n bytes appended to b (no line breaks). */
static void
sb_base64(struct sbuf *b, const unsigned char *s, size_t n)
{
	size_t enc = (n + 2) / 3 * 4;

	sb_reserve(b, enc);
	if (b->oom)
		return;
	EVP_EncodeBlock((unsigned char *)b->p + b->len, s, (int)n);
	b->len += enc;
	b->p[b->len] = '\0';
}

/* A header value may hold no control character at all: CR and LF would start a new header
 * (injection); the others have no business in a subject or a name. */
static int
header_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return utf8_valid(s, strlen(s));
}

static int
is_utf8_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Append s as encoded words, the first one on the current line of b, the others on folded
 * lines; s is valid UTF-8. */
static void
encode_words(struct sbuf *b, const char *s)
{
	size_t n = strlen(s), used = sb_line_len(b);

	while (n > 0) {
		size_t room = MIME_LINE_MAX - used, b64, take;

		if (room > MIME_WORD_MAX)
			room = MIME_WORD_MAX;
		/* The longest UTF-8 sequence (4 bytes) takes 8 base64 characters. */
		if (room < WORD_OVERHEAD + 8) {
			sb_str(b, "\r\n ");
			used = 1;
			continue;
		}
		b64 = (room - WORD_OVERHEAD) / 4 * 4;
		take = b64 / 4 * 3;
		if (take >= n) {
			take = n;
		} else {
			while (take > 0 && is_utf8_continuation((unsigned char)s[take]))
				take--;
		}
		sb_str(b, WORD_OPEN);
		sb_base64(b, (const unsigned char *)s, take);
		sb_str(b, WORD_CLOSE);
		s += take;
		n -= take;
		if (n > 0) {
			sb_str(b, "\r\n ");
			used = 1;
		}
	}
}

static int
is_printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* Unstructured text (RFC 5322 section 3.2.5) appended to b, encoded when needed. */
static bgw_err
add_unstructured(struct sbuf *b, const char *s)
{
	if (!header_text_ok(s))
		return BGW_E_VALIDATION;
	if (is_printable_ascii(s) && strstr(s, "=?") == NULL &&
	    sb_line_len(b) + strlen(s) <= MIME_LINE_MAX)
		sb_str(b, s);
	else
		encode_words(b, s);
	return BGW_OK;
}

bgw_err
mime_encode_header(bgw_arena *a, const char *s, size_t first_used, char **out)
{
	struct sbuf b = {.a = a};
	bgw_err e;

	*out = NULL;
	if (first_used >= MIME_LINE_MAX)
		return BGW_E_INTERNAL;
	/* Stand-ins for the header name, cut off below, so line lengths count it. */
	sb_reserve(&b, first_used);
	if (b.oom)
		return BGW_E_NOMEM;
	memset(b.p, 'X', first_used);
	b.len = first_used;
	b.p[b.len] = '\0';
	e = add_unstructured(&b, s);
	if (e != BGW_OK)
		return e;
	if (b.oom)
		return BGW_E_NOMEM;
	*out = b.p + first_used;
	return BGW_OK;
}

/* RFC 5322 atext. */
static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* A domain of dot-separated labels of letters, digits and inner hyphens. */
static int
domain_ok(const char *d, size_t n)
{
	size_t i, label = 0;

	if (n == 0 || n > MIME_ADDR_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
			label++;
		} else {
			return 0;
		}
	}
	return label > 0 && d[n - 1] != '-';
}

/* A plain addr-spec: dot-atom local part, '@', domain; no quoting, no IP literals, ASCII
 * only (SMTPUTF8 is not used). */
static int
addr_ok(const char *s)
{
	const char *at;
	size_t n, i;

	if (s == NULL)
		return 0;
	n = strlen(s);
	at = strchr(s, '@');
	if (n > MIME_ADDR_MAX || at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return 0;
	for (i = 0; s + i < at; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (i == 0 || s[i - 1] == '.' || s + i + 1 == at)
				return 0;
		} else if (!is_atext(c)) {
			return 0;
		}
	}
	return domain_ok(at + 1, strlen(at + 1));
}

/* A display name is written raw only when it is atoms and single spaces; anything else
 * (specials such as "." in "Co., Ltd.", non-ASCII) becomes encoded words, which a phrase
 * may hold (RFC 2047 section 5 (3)). */
static int
phrase_plain(const char *s)
{
	if (*s == '\0' || *s == ' ')
		return 0;
	for (; *s != '\0'; s++)
		if (!is_atext((unsigned char)*s) && !(*s == ' ' && s[1] != ' ' && s[1] != '\0'))
			return 0;
	return 1;
}

static bgw_err
add_from(struct sbuf *b, const mime_msg *m)
{
	sb_str(b, "From: ");
	if (m->from_name != NULL && m->from_name[0] != '\0') {
		if (!header_text_ok(m->from_name))
			return BGW_E_VALIDATION;
		if (phrase_plain(m->from_name) &&
		    sb_line_len(b) + strlen(m->from_name) <= MIME_LINE_MAX)
			sb_str(b, m->from_name);
		else
			encode_words(b, m->from_name);
		/* The address goes on a folded line of its own when it does not fit. */
		if (sb_line_len(b) + 3 + strlen(m->from) > MIME_LINE_MAX)
			sb_str(b, "\r\n <");
		else
			sb_str(b, " <");
		sb_str(b, m->from);
		sb_str(b, ">");
	} else {
		sb_str(b, m->from);
	}
	sb_str(b, "\r\n");
	return BGW_OK;
}

/* RFC 5322 section 3.3 date-time in UTC, spelled without the C locale's help. */
static void
add_date(struct sbuf *b, time_t t)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	char line[64];

	if (t == 0)
		t = time(NULL);
	gmtime_r(&t, &tm);
	snprintf(line, sizeof(line), "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	sb_str(b, line);
}

/* A given Message-ID: "<left@right>" of printable ASCII without spaces or brackets
 * inside. */
static int
msgid_ok(const char *s)
{
	size_t n = strlen(s), i;
	const char *at = strchr(s, '@');

	if (n < 5 || n > MIME_ADDR_MAX || s[0] != '<' || s[n - 1] != '>' || at == NULL ||
	    at == s + 1 || at == s + n - 2)
		return 0;
	for (i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>')
			return 0;
	}
	return 1;
}

static bgw_err
make_msgid(bgw_arena *a, const mime_msg *m, char **out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[MIME_MSGID_RANDOM];
	char text[2 * MIME_MSGID_RANDOM + 1];
	const char *domain = m->domain != NULL ? m->domain : strchr(m->from, '@') + 1;
	size_t i;

	if (!domain_ok(domain, strlen(domain)))
		return BGW_E_VALIDATION;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		bgw_log(BGW_LOG_ERROR, "could not get random bytes for a message id");
		return BGW_E_INTERNAL;
	}
	for (i = 0; i < sizeof(rnd); i++) {
		text[2 * i] = hex[rnd[i] >> 4];
		text[2 * i + 1] = hex[rnd[i] & 0xf];
	}
	text[2 * sizeof(rnd)] = '\0';
	*out = bgw_arena_printf(a, "<%s@%s>", text, domain);
	return *out != NULL ? BGW_OK : BGW_E_NOMEM;
}

/* The body with every line ending made CRLF (RFC 2046 section 4.1.1: the canonical form of
 * text), base64 in lines of MIME_LINE_MAX. */
static bgw_err
add_body(struct sbuf *b, const char *body)
{
	struct sbuf t = {.a = b->a};
	const char *p;
	size_t off;

	if (!utf8_valid(body, strlen(body)))
		return BGW_E_VALIDATION;
	for (p = body; *p != '\0'; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			sb_add(&t, "\r\n", 2);
		else if (*p == '\r' && p[1] != '\n')
			sb_add(&t, "\r\n", 2);
		else
			sb_add(&t, p, 1);
	}
	if (t.oom)
		return BGW_E_NOMEM;
	for (off = 0; off < t.len; off += BODY_LINE_RAW) {
		size_t n = t.len - off < BODY_LINE_RAW ? t.len - off : BODY_LINE_RAW;

		sb_base64(b, (const unsigned char *)t.p + off, n);
		sb_str(b, "\r\n");
	}
	return BGW_OK;
}

/* Base64 never holds "=_" ("=" only pads the end), so this boundary cannot occur inside
 * a part (RFC 2045 section 6.7 uses the same argument for quoted-printable). */
#define ALT_BOUNDARY "=_bgw-alternative"

/* The List-Unsubscribe pair (RFC 2369, RFC 8058): one-click only for an https link with
 * nothing that could end the header or the angle brackets. */
static bgw_err
add_unsubscribe(struct sbuf *b, const char *url)
{
	if (url == NULL)
		return BGW_OK;
	if (!header_text_ok(url) || strncmp(url, "https://", 8) != 0 ||
	    strpbrk(url, " <>,\"") != NULL || strlen(url) + 19 > 998)
		return BGW_E_VALIDATION;
	sb_str(b, "List-Unsubscribe: <");
	sb_str(b, url);
	sb_str(b, ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	return BGW_OK;
}

/* The content: one text/plain part, or plain and HTML as multipart/alternative. */
static bgw_err
add_content(struct sbuf *b, const mime_msg *m)
{
	bgw_err e;

	if (m->html == NULL) {
		sb_str(b, "Content-Type: text/plain; charset=UTF-8\r\n"
			  "Content-Transfer-Encoding: base64\r\n"
			  "Auto-Submitted: auto-generated\r\n"
			  "\r\n");
		return add_body(b, m->body);
	}
	sb_str(b, "Content-Type: multipart/alternative; boundary=\"" ALT_BOUNDARY "\"\r\n"
		  "Auto-Submitted: auto-generated\r\n"
		  "\r\n"
		  "--" ALT_BOUNDARY "\r\n"
		  "Content-Type: text/plain; charset=UTF-8\r\n"
		  "Content-Transfer-Encoding: base64\r\n"
		  "\r\n");
	if ((e = add_body(b, m->body)) != BGW_OK)
		return e;
	sb_str(b, "--" ALT_BOUNDARY "\r\n"
		  "Content-Type: text/html; charset=UTF-8\r\n"
		  "Content-Transfer-Encoding: base64\r\n"
		  "\r\n");
	if ((e = add_body(b, m->html)) != BGW_OK)
		return e;
	sb_str(b, "--" ALT_BOUNDARY "--\r\n");
	return BGW_OK;
}

bgw_err
mime_build(bgw_arena *a, const mime_msg *m, char **out, size_t *len, char **message_id)
{
	struct sbuf b = {.a = a};
	char *msgid;
	bgw_err e;

	*out = NULL;
	*len = 0;
	if (message_id != NULL)
		*message_id = NULL;
	if (!addr_ok(m->from) || !addr_ok(m->to) || m->subject == NULL || m->body == NULL)
		return BGW_E_VALIDATION;
	if (m->message_id != NULL) {
		if (!msgid_ok(m->message_id))
			return BGW_E_VALIDATION;
		msgid = bgw_arena_strdup(a, m->message_id);
		if (msgid == NULL)
			return BGW_E_NOMEM;
	} else if ((e = make_msgid(a, m, &msgid)) != BGW_OK) {
		return e;
	}

	if ((e = add_from(&b, m)) != BGW_OK)
		return e;
	sb_str(&b, "To: ");
	sb_str(&b, m->to);
	sb_str(&b, "\r\nSubject: ");
	if ((e = add_unstructured(&b, m->subject)) != BGW_OK)
		return e;
	sb_str(&b, "\r\n");
	add_date(&b, m->date);
	sb_str(&b, "Message-ID: ");
	sb_str(&b, msgid);
	sb_str(&b, "\r\n");
	if ((e = add_unsubscribe(&b, m->list_unsubscribe)) != BGW_OK)
		return e;
	sb_str(&b, "MIME-Version: 1.0\r\n");
	if ((e = add_content(&b, m)) != BGW_OK)
		return e;
	if (b.oom)
		return BGW_E_NOMEM;
	*out = b.p;
	*len = b.len;
	if (message_id != NULL)
		*message_id = msgid;
	return BGW_OK;
}
