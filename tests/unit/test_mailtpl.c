/* test_mailtpl.c - every template renders in both locales; respondent mails carry the
 * reference and the verify URL; slot errors are template bugs; values are inserted once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/kv.h"
#include "mail/mailtpl.h"
#include "core/utf8.h"

static const char *const names[] = {
    "invitation", "password_reset", "confirmation_request", "reminder", "overdue_alert",
    "digest", "respondent_code", "auth_reminder", "approval_reminder",
};
static const char *const locales[] = {"ja", "en"};

/* A value for every known slot, each distinct so a test can find where it went. */
static const char *const all_vars[][2] = {
    {"name", "山田 太郎"},
    {"firm", "監査法人サンプル"},
    {"client", "株式会社テスト商事"},
    {"project", "2025年3月期 期末監査"},
    {"reference", "BG7KQ2MX4P"},
    {"as_of", "2025年3月31日"},
    {"due_date", "2025年4月15日"},
    {"link", "https://gateway.example.jp/confirmations/abc"},
    {"verify_url", "https://gateway.example.jp/verify"},
    {"expires", "2025年4月2日 18:00"},
    {"count", "3"},
    {"date", "2025年4月1日"},
    {"answered", "5"},
    {"awaiting", "7"},
    {"overdue", "2"},
    {"exceptions", "1"},
    {"code", "K7QM-2XPR-9TWD"},
    {"unsubscribe", "https://gateway.example.jp/unsubscribe/AAAAAAAAAAAAAAAA.0123"},
};

static bgw_kv *
vars_without(bgw_arena *a, const char *skip)
{
	bgw_kv *head = NULL, **tail = &head;
	size_t i;

	for (i = 0; i < sizeof(all_vars) / sizeof(all_vars[0]); i++)
		if (skip == NULL || strcmp(all_vars[i][0], skip) != 0)
			assert_int_equal(kv_append(a, &tail, all_vars[i][0], all_vars[i][1],
			    strlen(all_vars[i][1])), BGW_OK);
	return head;
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

static void
test_all_render(void **state)
{
	bgw_kv *vars = vars_without(*state, NULL);
	size_t i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (k = 0; k < 2; k++) {
			char *subject, *body;

			if (mailtpl_render(*state, names[i], locales[k], vars, &subject, &body) !=
			    BGW_OK)
				fail_msg("%s/%s did not render", names[i], locales[k]);
			assert_true(strlen(subject) > 0 && strlen(subject) <= 998);
			assert_null(strchr(subject, '\n'));
			assert_null(strstr(subject, "{{"));
			assert_null(strstr(body, "{{"));
			assert_true(utf8_valid(body, strlen(body)));
			assert_non_null(strstr(body, "Balance Gateway"));
			/* Every mail addresses its recipient by name. */
			assert_non_null(strstr(body, "山田 太郎"));
			if (strcmp(locales[k], "ja") == 0)
				assert_non_null(strstr(body, "様\n"));
		}
	}
}

/* One catalogue, one footer: every mail of a locale ends with the same words, the batch
 * job's reminders included (they had drifted: "Balance Gateway, electronic ..."). */
static void
test_one_footer(void **state)
{
	static const char *const endings[] = {
		"\n--\nBalance Gateway 電子確認状サービス\n",
		"\n--\nBalance Gateway electronic audit confirmations\n",
	};
	bgw_kv *vars = vars_without(*state, NULL);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (size_t k = 0; k < 2; k++) {
			char *subject, *body;
			size_t len, elen = strlen(endings[k]);

			assert_int_equal(mailtpl_render(*state, names[i], locales[k], vars, &subject,
			    &body), BGW_OK);
			len = strlen(body);
			if (len < elen || strcmp(body + len - elen, endings[k]) != 0)
				fail_msg("%s/%s does not end with the catalogue's footer", names[i],
				    locales[k]);
		}
	}
}

/* Mails to respondents: the reference (also in the subject) and the verify URL, always. */
static void
test_respondent_mails(void **state)
{
	static const char *const respondent[] = {"confirmation_request", "reminder"};
	bgw_kv *vars = vars_without(*state, NULL);
	size_t i, k;

	for (i = 0; i < 2; i++) {
		for (k = 0; k < 2; k++) {
			char *subject, *body;

			assert_int_equal(mailtpl_render(*state, respondent[i], locales[k], vars,
			    &subject, &body), BGW_OK);
			assert_non_null(strstr(subject, "BG7KQ2MX4P"));
			assert_non_null(strstr(body, "BG7KQ2MX4P"));
			assert_non_null(strstr(body, "https://gateway.example.jp/verify\n"));
			assert_non_null(strstr(body, "https://gateway.example.jp/confirmations/abc"));
			assert_non_null(strstr(body, "監査法人サンプル"));
		}
	}
}

/* The code mail: the code and the reference, and no link at all (lane h2). */
static void
test_respondent_code_mail(void **state)
{
	bgw_kv *vars = vars_without(*state, NULL);

	for (size_t k = 0; k < 2; k++) {
		char *subject, *body;

		assert_int_equal(mailtpl_render(*state, "respondent_code", locales[k], vars,
		    &subject, &body), BGW_OK);
		assert_non_null(strstr(subject, "BG7KQ2MX4P"));
		assert_non_null(strstr(body, "K7QM-2XPR-9TWD"));
		assert_null(strstr(subject, "K7QM-2XPR-9TWD"));
		assert_null(strstr(body, "https://"));
		assert_null(strstr(body, "http://"));
	}
}

static void
test_japanese_wording(void **state)
{
	bgw_kv *vars = vars_without(*state, NULL);
	char *subject, *body;

	assert_int_equal(mailtpl_render(*state, "confirmation_request", "ja", vars, &subject,
	    &body), BGW_OK);
	assert_string_equal(subject,
	    "【監査法人サンプル】確認状のご回答のお願い（参照番号：BG7KQ2MX4P）");
	assert_non_null(strstr(body, "　回答期限：2025年4月15日\n"));
	assert_non_null(strstr(body, "送信専用"));
	assert_int_equal(mailtpl_render(*state, "password_reset", "en", vars, &subject, &body),
	    BGW_OK);
	assert_string_equal(subject, "[Balance Gateway] Resetting your password");
	assert_null(strstr(body, "送信専用"));
}

static void
test_missing_var(void **state)
{
	bgw_kv *vars = vars_without(*state, "verify_url");
	char *subject = (char *)"x", *body = (char *)"x";

	assert_int_equal(mailtpl_render(*state, "reminder", "ja", vars, &subject, &body),
	    BGW_E_INTERNAL);
	assert_null(subject);
	assert_null(body);
	/* A template that does not use the slot renders without it. */
	assert_int_equal(mailtpl_render(*state, "password_reset", "ja", vars, &subject, &body),
	    BGW_OK);
}

static void
test_unknown_template_or_locale(void **state)
{
	bgw_kv *vars = vars_without(*state, NULL);
	char *subject, *body;

	assert_int_equal(mailtpl_render(*state, "nope", "ja", vars, &subject, &body),
	    BGW_E_INTERNAL);
	assert_int_equal(mailtpl_render(*state, "reminder", "fr", vars, &subject, &body),
	    BGW_E_INTERNAL);
	assert_int_equal(mailtpl_render(*state, "reminder", "ja-JP", vars, &subject, &body),
	    BGW_E_INTERNAL);
	assert_int_equal(mailtpl_render(*state, NULL, "ja", vars, &subject, &body),
	    BGW_E_INTERNAL);
	assert_int_equal(mailtpl_render(*state, "reminder", NULL, vars, &subject, &body),
	    BGW_E_INTERNAL);
}

static void
test_expand_vectors(void **state)
{
	static const struct {
		const char *tpl;
		int in_header;
		bgw_err want;
		const char *out;
	} vec[] = {
	    {"plain text", 0, BGW_OK, "plain text"},
	    {"", 0, BGW_OK, ""},
	    {"{{reference}}", 1, BGW_OK, "BG7KQ2MX4P"},
	    {"a {{firm}} b {{firm}}", 0, BGW_OK, "a 監査法人サンプル b 監査法人サンプル"},
	    {"single { brace } ok", 0, BGW_OK, "single { brace } ok"},
	    {"{{amount}}", 0, BGW_E_INTERNAL, NULL},      /* not a slot: no amounts in mail */
	    {"{{Firm}}", 0, BGW_E_INTERNAL, NULL},
	    {"{{firm", 0, BGW_E_INTERNAL, NULL},
	    {"{{}}", 0, BGW_E_INTERNAL, NULL},
	    {"{{firm }}", 0, BGW_E_INTERNAL, NULL},
	    {"{{an_extremely_long_slot_name_that_is_no_slot}}", 0, BGW_E_INTERNAL, NULL},
	    {"{{evil}}", 0, BGW_OK, "{{firm}}"},             /* values are not expanded again */
	    {"{{multi}}", 0, BGW_OK, "line1\nline2"},
	    {"{{multi}}", 1, BGW_E_VALIDATION, NULL},        /* no LF in a subject */
	    {"{{crlf}}", 0, BGW_E_VALIDATION, NULL},
	    {"{{badutf}}", 0, BGW_E_VALIDATION, NULL},
	};
	bgw_kv *vars = vars_without(*state, NULL);
	size_t i;

	/* Odd values ride in front of the list under a known slot (the first match wins). */
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		const char *tpl = vec[i].tpl;
		const char *slot_value = NULL;
		bgw_kv *l = vars, *head = NULL, **t = &head;
		char *out = (char *)"x";

		if (strcmp(tpl, "{{evil}}") == 0)
			slot_value = "{{firm}}";
		else if (strcmp(tpl, "{{multi}}") == 0)
			slot_value = "line1\nline2";
		else if (strcmp(tpl, "{{crlf}}") == 0)
			slot_value = "line1\r\nBcc: x";
		else if (strcmp(tpl, "{{badutf}}") == 0)
			slot_value = "\xff\xfe";
		if (slot_value != NULL) {
			assert_int_equal(kv_append(*state, &t, "client", slot_value,
			    strlen(slot_value)), BGW_OK);
			*t = vars;
			l = head;
			tpl = "{{client}}";
		}
		if (mailtpl_expand(*state, tpl, l, vec[i].in_header, &out) != vec[i].want)
			fail_msg("vector %zu", i);
		if (vec[i].out != NULL)
			assert_string_equal(out, vec[i].out);
		else
			assert_null(out);
	}
}

/* The HTML part: every line of the plain text, escaped (a value cannot become markup),
 * https links alone on a line as links, anything else never a link. */
static void
test_html_part(void **state)
{
	char *html;

	assert_int_equal(mailtpl_html(*state, "ja", "件名 <b>", "山田 <script>alert(1)</script> 様\n"
	    "\n"
	    "A & B \"quoted\"\n"
	    "https://gateway.example.jp/confirmations/abc\n"
	    "javascript:alert(1)\n"
	    "--\n"
	    "Balance Gateway\n", &html), BGW_OK);
	assert_non_null(strstr(html, "<html lang=\"ja\">"));
	assert_non_null(strstr(html, "<title>件名 &lt;b&gt;</title>"));
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "<p>山田 &lt;script&gt;alert(1)&lt;/script&gt; 様</p>"));
	assert_non_null(strstr(html, "A &amp; B &quot;quoted&quot;<br>"));
	assert_non_null(strstr(html, "<a href=\"https://gateway.example.jp/confirmations/abc\">"
	    "https://gateway.example.jp/confirmations/abc</a>"));
	assert_null(strstr(html, "href=\"javascript"));
	assert_non_null(strstr(html, "javascript:alert(1)</p>\n<hr>"));
	assert_non_null(strstr(html, "<p>Balance Gateway</p>"));
	assert_int_equal(mailtpl_html(*state, "en", "s", "x\n", &html), BGW_OK);
	assert_non_null(strstr(html, "<html lang=\"en\">"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_all_render, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_footer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_respondent_mails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_respondent_code_mail, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_japanese_wording, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_var, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_template_or_locale, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expand_vectors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_html_part, setup, teardown),
	};

	return cmocka_run_group_tests_name("mailtpl", tests, NULL, NULL);
}
