/* test_mime.c - message building: headers, RFC 2047 subjects decoded back by an independent
 * decoder written here, folding limits, base64 body, header injection refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "mail/mime.h"
#include "core/utf8.h"

/* RAND_bytes fails while this is set (linked with -Wl,--wrap=RAND_bytes). */
static int rand_fails;
int __real_RAND_bytes(unsigned char *buf, int num);
int __wrap_RAND_bytes(unsigned char *buf, int num);

int
__wrap_RAND_bytes(unsigned char *buf, int num)
{
	if (rand_fails)
		return 0;
	return __real_RAND_bytes(buf, num);
}

static int
setup(void **state)
{
	*state = bgw_arena_new();
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	bgw_arena_free(*state);
	return 0;
}

/* --- an independent decoder -------------------------------------------------------- */

static int
b64val(char c)
{
	const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(tab, c) : NULL;

	return p != NULL ? (int)(p - tab) : -1;
}

/* Decode n base64 characters (a multiple of 4) appending to out; -1 if malformed. */
static int
b64dec(const char *s, size_t n, char *out, size_t *olen)
{
	size_t i;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		int v[4], k;

		for (k = 0; k < 4; k++) {
			v[k] = s[i + k] == '=' ? 0 : b64val(s[i + k]);
			if (v[k] < 0)
				return -1;
		}
		out[(*olen)++] = (char)(v[0] << 2 | v[1] >> 4);
		if (s[i + 2] != '=')
			out[(*olen)++] = (char)((v[1] & 0xf) << 4 | v[2] >> 2);
		if (s[i + 3] != '=')
			out[(*olen)++] = (char)((v[2] & 0x3) << 6 | v[3]);
	}
	out[*olen] = '\0';
	return 0;
}

/* The value of header name in msg, unfolded (CRLF SP -> SP), in a static buffer. */
static const char *
header(const char *msg, const char *name)
{
	static char val[4096];
	size_t nl = strlen(name), n = 0;
	const char *end = strstr(msg, "\r\n\r\n");
	const char *p = msg;

	assert_non_null(end);
	while (p < end) {
		if (strncmp(p, name, nl) == 0 && p[nl] == ':' && p[nl + 1] == ' ') {
			p += nl + 2;
			for (;;) {
				const char *eol = strstr(p, "\r\n");

				memcpy(val + n, p, (size_t)(eol - p));
				n += (size_t)(eol - p);
				p = eol + 2;
				if (*p != ' ')
					break;
			}
			val[n] = '\0';
			return val;
		}
		p = strstr(p, "\r\n") + 2;
	}
	return NULL;
}

/* Decode an unstructured value: raw text, or encoded words separated by single spaces (the
 * space between adjacent encoded words is not part of the text, RFC 2047 section 6.2).
 * Each word must decode to valid UTF-8 on its own and be at most MIME_WORD_MAX long. */
static char *
decode_words(const char *v)
{
	static char out[4096];
	size_t olen = 0;

	if (strncmp(v, "=?", 2) != 0) {
		snprintf(out, sizeof(out), "%s", v);
		return out;
	}
	while (*v != '\0') {
		const char *end;
		size_t before = olen;

		assert_memory_equal(v, "=?UTF-8?B?", 10);
		end = strstr(v + 10, "?=");
		assert_non_null(end);
		assert_true((size_t)(end + 2 - v) <= MIME_WORD_MAX);
		assert_int_equal(b64dec(v + 10, (size_t)(end - v - 10), out, &olen), 0);
		if (!utf8_valid(out + before, olen - before))
			fail_msg("an encoded word splits a UTF-8 sequence");
		v = end + 2;
		if (*v == ' ')
			v++;
	}
	return out;
}

/* Every line of the message ends in CRLF and is at most MIME_LINE_MAX characters (the
 * header lines made here are all short). */
static void
check_lines(const char *msg, size_t len)
{
	size_t i, line = 0;

	for (i = 0; i < len; i++) {
		if (msg[i] == '\n') {
			assert_true(i > 0 && msg[i - 1] == '\r');
			line = 0;
		} else if (msg[i] == '\r') {
			assert_true(i + 1 < len && msg[i + 1] == '\n');
		} else if (++line > MIME_LINE_MAX) {
			fail_msg("line too long at offset %zu", i);
		}
	}
	assert_true(len >= 2 && msg[len - 2] == '\r' && msg[len - 1] == '\n');
}

static char *
body_of(const char *msg)
{
	static char out[16384];
	size_t olen = 0;
	const char *p = strstr(msg, "\r\n\r\n") + 4;

	while (*p != '\0') {
		const char *eol = strstr(p, "\r\n");

		assert_int_equal(b64dec(p, (size_t)(eol - p), out, &olen), 0);
		p = eol + 2;
	}
	out[olen] = '\0';
	return out;
}

static mime_msg
base_msg(void)
{
	mime_msg m = {
	    .from = "noreply@balance-gateway.example",
	    .to = "taro.yamada@bank.example.jp",
	    .subject = "Hello",
	    .body = "line one\nline two\n",
	    .date = 1709629200, /* 2024-03-05 09:00:00 UTC */
	};
	return m;
}

static const char *
build_ok(bgw_arena *a, const mime_msg *m, size_t *len)
{
	char *out, *id;

	assert_int_equal(mime_build(a, m, &out, len, &id), BGW_OK);
	assert_int_equal(strlen(out), *len);
	check_lines(out, *len);
	assert_string_equal(header(out, "Message-ID"), id);
	return out;
}

/* --- tests -------------------------------------------------------------------------- */

static void
test_headers(void **state)
{
	mime_msg m = base_msg();
	size_t len;
	const char *msg = build_ok(*state, &m, &len);

	assert_string_equal(header(msg, "From"), "noreply@balance-gateway.example");
	assert_string_equal(header(msg, "To"), "taro.yamada@bank.example.jp");
	assert_string_equal(header(msg, "Subject"), "Hello");
	assert_string_equal(header(msg, "Date"), "Tue, 05 Mar 2024 09:00:00 +0000");
	assert_string_equal(header(msg, "MIME-Version"), "1.0");
	assert_string_equal(header(msg, "Content-Type"), "text/plain; charset=UTF-8");
	assert_string_equal(header(msg, "Content-Transfer-Encoding"), "base64");
	assert_string_equal(header(msg, "Auto-Submitted"), "auto-generated");
	assert_null(header(msg, "Bcc"));
}

static void
test_message_id(void **state)
{
	mime_msg m = base_msg();
	char *out, *id1, *id2;
	size_t len, i;

	assert_int_equal(mime_build(*state, &m, &out, &len, &id1), BGW_OK);
	assert_int_equal(mime_build(*state, &m, &out, &len, &id2), BGW_OK);
	assert_int_equal(strlen(id1), 1 + 2 * MIME_MSGID_RANDOM + strlen("@balance-gateway.example>"));
	assert_int_equal(id1[0], '<');
	for (i = 1; i <= 2 * MIME_MSGID_RANDOM; i++)
		assert_non_null(strchr("0123456789abcdef", id1[i]));
	assert_string_equal(id1 + 1 + 2 * MIME_MSGID_RANDOM, "@balance-gateway.example>");
	assert_string_not_equal(id1, id2);

	m.domain = "mail.example.org";
	assert_int_equal(mime_build(*state, &m, &out, &len, &id1), BGW_OK);
	assert_string_equal(id1 + 1 + 2 * MIME_MSGID_RANDOM, "@mail.example.org>");

	/* A retried send keeps its Message-ID. */
	m.message_id = "<0123abcd@balance-gateway.example>";
	assert_int_equal(mime_build(*state, &m, &out, &len, &id1), BGW_OK);
	assert_string_equal(id1, m.message_id);
	assert_string_equal(header(out, "Message-ID"), m.message_id);
}

static void
test_subjects_round_trip(void **state)
{
	static const char *const vec[] = {
	    "確認状のご回答のお願い",
	    "【重要】確認状のご回答のお願い（参照番号: BG-2024-000123）株式会社サンプル商事 監査法人テスト",
	    "Reminder: confirmation BG-2024-000123 from Example Audit LLC for Sample Trading Co., Ltd. is due",
	    "Looks =?encoded?= but is not",
	    "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
	    "aé日😀aé日😀aé日😀aé日😀aé日😀aé日😀aé日😀aé日😀aé日😀aé日😀aé日😀aé日😀",
	    "",
	};
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		mime_msg m = base_msg();
		size_t len;
		const char *msg;

		m.subject = vec[i];
		msg = build_ok(*state, &m, &len);
		assert_string_equal(decode_words(header(msg, "Subject")), vec[i]);
	}
}

static void
test_encoding_choice(void **state)
{
	char *v;

	/* Short ASCII stays as it is. */
	assert_int_equal(mime_encode_header(*state, "Password reset", 9, &v), BGW_OK);
	assert_string_equal(v, "Password reset");
	/* Japanese is encoded; a 33-character subject needs several folded words. */
	assert_int_equal(mime_encode_header(*state, "確認状のご回答のお願い", 9, &v), BGW_OK);
	assert_string_equal(v, "=?UTF-8?B?56K66KqN54q244Gu44GU5Zue562U44Gu44GK6aGY44GE?=");
	assert_int_equal(mime_encode_header(*state,
	    "確認状のご回答のお願い確認状のご回答のお願い確認状のご回答のお願い", 9, &v), BGW_OK);
	assert_non_null(strstr(v, "?=\r\n =?UTF-8?B?"));
	/* Text that looks like an encoded word is encoded so no reader decodes it. */
	assert_int_equal(mime_encode_header(*state, "=?UTF-8?B?QQ==?=", 9, &v), BGW_OK);
	assert_string_equal(decode_words(v), "=?UTF-8?B?QQ==?=");
	assert_int_not_equal(strcmp(v, "=?UTF-8?B?QQ==?="), 0);
	/* A header name too long for any word. */
	assert_int_equal(mime_encode_header(*state, "x", MIME_LINE_MAX, &v), BGW_E_INTERNAL);
}

static void
test_from_display_name(void **state)
{
	static const struct {
		const char *name;
		const char *want; /* the From value decoded, NULL: raw as given */
	} vec[] = {
	    {"Balance Gateway", NULL},
	    {"バランスゲートウェイ 確認状事務局", "バランスゲートウェイ 確認状事務局"},
	    {"Example Co., Ltd.", "Example Co., Ltd."},
	    {"Quote \" and <angle>", "Quote \" and <angle>"},
	};
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		mime_msg m = base_msg();
		size_t len;
		const char *msg, *from;
		char name[512];
		const char *lt;

		m.from_name = vec[i].name;
		msg = build_ok(*state, &m, &len);
		from = header(msg, "From");
		lt = strrchr(from, '<');
		assert_non_null(lt);
		assert_string_equal(lt, "<noreply@balance-gateway.example>");
		snprintf(name, sizeof(name), "%.*s", (int)(lt - from - 1), from);
		if (vec[i].want == NULL)
			assert_string_equal(name, vec[i].name);
		else
			assert_string_equal(decode_words(name), vec[i].want);
	}
}

static void
test_body_base64_crlf(void **state)
{
	mime_msg m = base_msg();
	size_t len;
	const char *msg;
	char longbody[4000];
	size_t i;

	m.body = "拝啓\n.leading dot\r\nFrom here\rend";
	msg = build_ok(*state, &m, &len);
	assert_string_equal(body_of(msg), "拝啓\r\n.leading dot\r\nFrom here\r\nend");

	for (i = 0; i + 1 < sizeof(longbody); i++)
		longbody[i] = (char)('a' + i % 26);
	longbody[sizeof(longbody) - 1] = '\0';
	m.body = longbody;
	msg = build_ok(*state, &m, &len);
	assert_string_equal(body_of(msg), longbody);

	m.body = "";
	msg = build_ok(*state, &m, &len);
	assert_string_equal(body_of(msg), "");
}

/* Header injection and malformed input are refused, not cleaned. */
static void
test_rejects(void **state)
{
	static const struct {
		const char *field;
		const char *value;
	} vec[] = {
	    {"subject", "Hello\r\nBcc: victim@example.com"},
	    {"subject", "Hello\nBcc: victim@example.com"},
	    {"subject", "Hello\rBcc: victim@example.com"},
	    {"subject", "tab\there"},
	    {"subject", "\x7f"},
	    {"subject", "bad \xff utf-8"},
	    {"subject", "\xe7\xa2"},                     /* truncated sequence */
	    {"to", "a@example.com\r\nBcc: victim@example.com"},
	    {"to", "a@example.com\n"},
	    {"to", "Name <a@example.com>"},
	    {"to", "a@b@example.com"},
	    {"to", "@example.com"},
	    {"to", "a@"},
	    {"to", "a..b@example.com"},
	    {"to", ".a@example.com"},
	    {"to", "a.@example.com"},
	    {"to", "a b@example.com"},
	    {"to", "a@-example.com"},
	    {"to", "a@example-.com"},
	    {"to", "a@example..com"},
	    {"to", "a@[127.0.0.1]"},
	    {"to", "山田@example.jp"},
	    {"to", ""},
	    {"from", "noreply@example.com\r\nBcc: victim@example.com"},
	    {"from_name", "Evil\r\nBcc: victim@example.com"},
	    {"from_name", "Evil\n"},
	    {"message_id", "<abc@example.com>\r\nBcc: victim@example.com"},
	    {"message_id", "abc@example.com"},
	    {"message_id", "<abc example@com>"},
	    {"message_id", "<abc>"},
	    {"domain", "example.com\r\nBcc: x"},
	    {"domain", "bad_domain.com"},
	    {"body", "invalid \xc0\xaf utf-8"},
	};
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		mime_msg m = base_msg();
		char *out = (char *)"x", *id = (char *)"x";
		size_t len = 1;
		const char *f = vec[i].field;

		if (strcmp(f, "subject") == 0)
			m.subject = vec[i].value;
		else if (strcmp(f, "to") == 0)
			m.to = vec[i].value;
		else if (strcmp(f, "from") == 0)
			m.from = vec[i].value;
		else if (strcmp(f, "from_name") == 0)
			m.from_name = vec[i].value;
		else if (strcmp(f, "message_id") == 0)
			m.message_id = vec[i].value;
		else if (strcmp(f, "domain") == 0)
			m.domain = vec[i].value;
		else
			m.body = vec[i].value;
		if (mime_build(*state, &m, &out, &len, &id) != BGW_E_VALIDATION)
			fail_msg("vector %zu (%s) was not refused", i, f);
		assert_null(out);
		assert_null(id);
		assert_int_equal(len, 0);
	}
}

static void
test_valid_addresses(void **state)
{
	static const char *const vec[] = {
	    "a@b.jp",
	    "taro.yamada+audit@bank-1.example.co.jp",
	    "o'brien@example.ie",
	    "x@localhost",
	};
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		mime_msg m = base_msg();
		size_t len;
		const char *msg;

		m.to = vec[i];
		msg = build_ok(*state, &m, &len);
		assert_string_equal(header(msg, "To"), vec[i]);
	}
}

/* With an HTML part: multipart/alternative, plain first, both base64 with CRLF lines, the
 * boundary nowhere inside a part; List-Unsubscribe and the one-click header when asked. */
static void
test_alternative_and_unsubscribe(void **state)
{
	mime_msg m = base_msg();
	size_t len;
	const char *msg, *plain, *html;

	m.html = "<p>line one<br>\nline two</p>\n";
	m.list_unsubscribe = "https://gw.example.jp/unsubscribe/AAAAAAAAAAAAAAAA.0123";
	msg = build_ok(*state, &m, &len);
	assert_string_equal(header(msg, "Content-Type"),
	    "multipart/alternative; boundary=\"=_bgw-alternative\"");
	assert_string_equal(header(msg, "List-Unsubscribe"),
	    "<https://gw.example.jp/unsubscribe/AAAAAAAAAAAAAAAA.0123>");
	assert_string_equal(header(msg, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
	plain = strstr(msg, "--=_bgw-alternative\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	html = strstr(msg, "--=_bgw-alternative\r\nContent-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	assert_non_null(plain);
	assert_non_null(html);
	assert_true(plain < html);
	assert_non_null(strstr(msg, "--=_bgw-alternative--\r\n"));
	/* Three boundary lines and the closing one: none inside the base64. */
	{
		int n = 0;

		for (const char *p = msg; (p = strstr(p, "=_bgw-alternative")) != NULL; p++)
			n++;
		assert_int_equal(n, 4);
	}
	/* No List-Unsubscribe unless asked; a link that could break the header is refused. */
	m.list_unsubscribe = NULL;
	assert_null(header(build_ok(*state, &m, &len), "List-Unsubscribe"));
	{
		static const char *const bad[] = {"https://x/u\r\nBcc: a@b.c", "http://x/u",
		    "https://x/u>, <mailto:a@b.c", "https://x/u v"};
		char *out;

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			m.list_unsubscribe = bad[i];
			assert_int_equal(mime_build(*state, &m, &out, &len, NULL), BGW_E_VALIDATION);
		}
	}
}

static void
test_random_failure(void **state)
{
	mime_msg m = base_msg();
	char *out, *id;
	size_t len;

	rand_fails = 1;
	assert_int_equal(mime_build(*state, &m, &out, &len, &id), BGW_E_INTERNAL);
	/* A given Message-ID needs no random bytes. */
	m.message_id = "<1@example.com>";
	assert_int_equal(mime_build(*state, &m, &out, &len, &id), BGW_OK);
	rand_fails = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_message_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_subjects_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_encoding_choice, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_from_display_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_body_base64_crlf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_valid_addresses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_random_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_alternative_and_unsubscribe, setup, teardown),
	};

	return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
