/* mailtpl.c - mail templates (ja, en) and their slot expansion. */
#include "mail/mailtpl.h"

#include <string.h>

#include "core/log.h"
#include "core/utf8.h"
#include "http/html.h"

/* Longest slot name between the braces. */
#define SLOT_NAME_MAX 32

/* Every slot any template may use.  No slot carries an amount: see mailtpl.h. */
static const char *const known_slots[] = {
	"name",       /* the recipient's name */
	"firm",       /* the audit firm */
	"client",     /* the audited company */
	"project",    /* the engagement's name */
	"reference",  /* the confirmation's reference, as printed */
	"as_of",      /* as-of date (基準日), formatted for the locale */
	"due_date",   /* due date (回答期限), formatted for the locale */
	"link",       /* the https link to act on (sign-in, reset, the confirmation) */
	"verify_url", /* the public page that checks a reference is genuine */
	"expires",    /* when the link stops working, formatted for the locale */
	"count",      /* a number of confirmations */
	"date",       /* the day a digest covers */
	"answered",   /* digest counts */
	"awaiting",
	"overdue",
	"exceptions",
	"code",       /* a respondent's first-access code: only in respondent_code, no link */
	"unsubscribe", /* the digest's signed link that turns the digest off (unsub.h) */
	NULL,
};

struct template {
	const char *name;
	const char *locale;
	const char *subject;
	const char *body;
};

static const char footer_ja[] =
	"\n"
	"※このメールは送信専用のアドレスから自動で送信しています。ご返信いただいても"
	"お答えできませんので、あらかじめご了承ください。\n"
	"--\n"
	"Balance Gateway 電子確認状サービス\n";

static const char footer_en[] =
	"\n"
	"This message was sent automatically from an address that cannot receive replies.\n"
	"--\n"
	"Balance Gateway electronic audit confirmations\n";

static const struct template templates[] = {
	/* An invitation to join an engagement, to any side.  The first-access code travels
	 * by another channel, never in this mail. */
	{"invitation", "ja",
	    "【{{firm}}】Balance Gateway へのご招待（{{project}}）",
	    "{{name}} 様\n"
	    "\n"
	    "{{firm}}より、監査業務「{{project}}」（被監査会社：{{client}}）の"
	    "電子確認状サービス Balance Gateway へご招待いたします。\n"
	    "下記のリンクからアカウントの登録を完了してください。\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "このリンクの有効期限は{{expires}}です。\n"
	    "プロジェクトへ初めてアクセスする際には、初回認証コードの入力が必要です。"
	    "初回認証コードは、このメールとは別の方法（お電話・書面など）でお知らせいたします。\n"
	    "\n"
	    "お心当たりのない場合は、お手数ですがこのメールを破棄してください。\n"},
	{"invitation", "en",
	    "[{{firm}}] Invitation to Balance Gateway ({{project}})",
	    "Dear {{name}},\n"
	    "\n"
	    "{{firm}} invites you to the engagement \"{{project}}\" (audited company: "
	    "{{client}}) on Balance Gateway, the electronic audit confirmation service.\n"
	    "Please complete your registration at the link below.\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "The link expires on {{expires}}.\n"
	    "The first time you open the project you will be asked for a first-access code. "
	    "It will reach you separately (by telephone or letter), never by e-mail.\n"
	    "\n"
	    "If you were not expecting this invitation, please delete this message.\n"},

	/* The first admin of a new audit firm, invited by the operators (bgw-admin
	 * firm-create).  No project yet, so no first-access code. */
	{"firm_invitation", "ja",
	    "【Balance Gateway】{{firm}} 様のアカウント開設のご案内",
	    "{{name}} 様\n"
	    "\n"
	    "電子確認状サービス Balance Gateway に、{{firm}} 様の管理者アカウントを"
	    "ご用意いたしました。\n"
	    "下記のリンクからお名前とパスワードを登録し、アカウントの開設を完了してください。\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "お心当たりのない場合は、このメールを破棄してください。\n"},
	{"firm_invitation", "en",
	    "[Balance Gateway] Your account for {{firm}}",
	    "Dear {{name}},\n"
	    "\n"
	    "An administrator account for {{firm}} has been prepared on Balance Gateway, the "
	    "electronic audit confirmation service.\n"
	    "Please register your name and password at the link below to open it.\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "If you were not expecting this message, please delete it.\n"},

	/* A new user of a respondent organisation, invited by its admin (lib/auth/org.c): the
	 * organisation's requests from every audit firm, in one inbox.  {{firm}} is the
	 * organisation's name. */
	{"org_invitation", "ja",
	    "【Balance Gateway】{{firm}} のアカウントのご案内",
	    "{{name}} 様\n"
	    "\n"
	    "{{firm}} の管理者より、電子確認状サービス Balance Gateway のアカウントへ"
	    "ご招待いたします。\n"
	    "監査法人から{{firm}}宛てに届いた確認状を、ひとつの受信箱で確認・回答できます。\n"
	    "下記のリンクからお名前とパスワードを登録してください。\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "このリンクの有効期限は{{expires}}です。\n"
	    "お心当たりのない場合は、このメールを破棄してください。\n"},
	{"org_invitation", "en",
	    "[Balance Gateway] Your account for {{firm}}",
	    "Dear {{name}},\n"
	    "\n"
	    "An administrator of {{firm}} invites you to Balance Gateway, the electronic audit "
	    "confirmation service.\n"
	    "You will see the confirmation requests audit firms send to {{firm}} in one inbox.\n"
	    "Please register your name and password at the link below.\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "The link expires on {{expires}}.\n"
	    "If you were not expecting this message, please delete it.\n"},

	{"password_reset", "ja",
	    "【Balance Gateway】パスワード再設定のご案内",
	    "{{name}} 様\n"
	    "\n"
	    "Balance Gateway のパスワード再設定のお申し込みを受け付けました。\n"
	    "下記のリンクから新しいパスワードを設定してください。\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "このリンクは一度のみご利用いただけます。有効期限は{{expires}}です。\n"
	    "お申し込みに心当たりのない場合は、このメールを破棄してください。"
	    "パスワードは変更されません。\n"},
	{"password_reset", "en",
	    "[Balance Gateway] Resetting your password",
	    "Dear {{name}},\n"
	    "\n"
	    "We received a request to reset your Balance Gateway password.\n"
	    "Please choose a new password at the link below.\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "The link works once and expires on {{expires}}.\n"
	    "If you did not ask for this, please delete this message: your password stays "
	    "unchanged.\n"},

	/* To the respondent: reference and verify URL, never amounts. */
	{"confirmation_request", "ja",
	    "【{{firm}}】確認状のご回答のお願い（参照番号：{{reference}}）",
	    "{{name}} 様\n"
	    "\n"
	    "平素より格別のご高配を賜り、厚く御礼申し上げます。\n"
	    "{{firm}}は、{{client}}の監査手続の一環として、貴社に確認状をお送りいたします。\n"
	    "\n"
	    "　参照番号：{{reference}}\n"
	    "　基準日　：{{as_of}}\n"
	    "　回答期限：{{due_date}}\n"
	    "\n"
	    "お手数をおかけいたしますが、下記のリンクから確認状の内容をご確認のうえ、"
	    "回答期限までにご回答くださいますようお願い申し上げます。\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "ご回答は監査人である{{firm}}に直接届き、{{client}}が内容を変更することは"
	    "できません。\n"
	    "初めてアクセスされる際には、別途お知らせする初回認証コードの入力が必要です。\n"
	    "\n"
	    "このご依頼が{{firm}}からのものであることは、リンクを開く前に下記のページで"
	    "参照番号を入力してご確認いただけます。\n"
	    "{{verify_url}}\n"},
	{"confirmation_request", "en",
	    "[{{firm}}] Request for audit confirmation (reference {{reference}})",
	    "Dear {{name}},\n"
	    "\n"
	    "As part of its audit of {{client}}, {{firm}} asks you to confirm the information "
	    "in the confirmation request below.\n"
	    "\n"
	    "  Reference: {{reference}}\n"
	    "  As of:     {{as_of}}\n"
	    "  Due date:  {{due_date}}\n"
	    "\n"
	    "Please review the request at the link below and reply by the due date.\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "Your reply goes directly to the auditor, {{firm}}; {{client}} cannot change it.\n"
	    "The first time you sign in you will be asked for a first-access code, which "
	    "reaches you separately.\n"
	    "\n"
	    "To check that this request really comes from {{firm}} before opening any link, "
	    "enter the reference on this page:\n"
	    "{{verify_url}}\n"},

	/* To the respondent, beside the request: the first-access code and the reference, and
	 * no link, so that neither mail alone opens the confirmation. */
	{"respondent_code", "ja",
	    "【{{firm}}】初回認証コードのお知らせ（参照番号：{{reference}}）",
	    "{{name}} 様\n"
	    "\n"
	    "{{firm}}より、{{client}}の監査に関する確認状（参照番号：{{reference}}）を"
	    "別のメールでお送りしております。\n"
	    "貴社が初めてアクセスされる際に入力いただく初回認証コードをお知らせいたします。\n"
	    "\n"
	    "　初回認証コード：{{code}}\n"
	    "\n"
	    "このコードは貴社の担当者の方のみにお使いいただくもので、{{client}}には"
	    "お知らせしておりません。第三者に開示しないでください。\n"},
	{"respondent_code", "en",
	    "[{{firm}}] Your first-access code (reference {{reference}})",
	    "Dear {{name}},\n"
	    "\n"
	    "{{firm}} has sent you, in a separate mail, an audit confirmation request concerning "
	    "{{client}} (reference {{reference}}).\n"
	    "The first time you or your colleagues sign in, you will be asked for this "
	    "first-access code:\n"
	    "\n"
	    "  First-access code: {{code}}\n"
	    "\n"
	    "The code is for your organisation only; {{client}} does not know it. Please do not "
	    "share it with anyone else.\n"},

	/* To the respondent, before the due date or while overdue. */
	{"reminder", "ja",
	    "【{{firm}}】確認状のご回答のお願い（再送・参照番号：{{reference}}）",
	    "{{name}} 様\n"
	    "\n"
	    "先日お送りいたしました確認状につきまして、現時点でご回答を確認できておりません。\n"
	    "ご多忙のところ誠に恐れ入りますが、下記のリンクからご回答くださいますよう"
	    "お願い申し上げます。\n"
	    "\n"
	    "　参照番号：{{reference}}\n"
	    "　依頼元　：{{firm}}（{{client}}の監査人）\n"
	    "　回答期限：{{due_date}}\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "すでにご回答いただいている場合は、本メールと行き違いとなりましたことを"
	    "ご容赦ください。\n"
	    "\n"
	    "このご依頼が{{firm}}からのものであることは、リンクを開く前に下記のページで"
	    "参照番号を入力してご確認いただけます。\n"
	    "{{verify_url}}\n"},
	{"reminder", "en",
	    "[{{firm}}] Reminder: audit confirmation (reference {{reference}})",
	    "Dear {{name}},\n"
	    "\n"
	    "We have not yet received your reply to the confirmation request we sent you "
	    "recently. We would be grateful if you could reply at the link below.\n"
	    "\n"
	    "  Reference: {{reference}}\n"
	    "  From:      {{firm}} (auditor of {{client}})\n"
	    "  Due date:  {{due_date}}\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "If you have already replied, please disregard this message.\n"
	    "\n"
	    "To check that this request really comes from {{firm}} before opening any link, "
	    "enter the reference on this page:\n"
	    "{{verify_url}}\n"},

	/* To the audit team. */
	{"overdue_alert", "ja",
	    "【Balance Gateway】回答期限を過ぎた確認状があります（{{project}}）",
	    "{{name}} 様\n"
	    "\n"
	    "監査業務「{{project}}」（被監査会社：{{client}}）において、回答期限を過ぎても"
	    "回答のない確認状が{{count}}件あります。\n"
	    "督促の送付、または代替手続の実施をご検討ください。\n"
	    "\n"
	    "{{link}}\n"},
	{"overdue_alert", "en",
	    "[Balance Gateway] Confirmations past their due date ({{project}})",
	    "Dear {{name}},\n"
	    "\n"
	    "In the engagement \"{{project}}\" (audited company: {{client}}), {{count}} "
	    "confirmation request(s) are past their due date without a reply.\n"
	    "Please consider sending a reminder or performing alternative procedures.\n"
	    "\n"
	    "{{link}}\n"},

	{"digest", "ja",
	    "【Balance Gateway】確認状の状況のお知らせ（{{date}}）",
	    "{{name}} 様\n"
	    "\n"
	    "{{date}}時点の、ご担当のプロジェクトにおける確認状の状況をお知らせいたします。\n"
	    "\n"
	    "　新たな回答　　　　：{{answered}}件\n"
	    "　回答待ち　　　　　：{{awaiting}}件\n"
	    "　回答期限超過　　　：{{overdue}}件\n"
	    "　未解決の差異　　　：{{exceptions}}件\n"
	    "\n"
	    "詳細は下記のリンクからご確認ください。\n"
	    "{{link}}\n"
	    "\n"
	    "このお知らせが不要な場合は、下記のリンクから配信を停止できます"
	    "（アカウントページの「メール通知」でいつでも再開できます）。\n"
	    "{{unsubscribe}}\n"},
	{"digest", "en",
	    "[Balance Gateway] Confirmation status for {{date}}",
	    "Dear {{name}},\n"
	    "\n"
	    "Here is the status of confirmations in your projects as of {{date}}.\n"
	    "\n"
	    "  New replies:            {{answered}}\n"
	    "  Awaiting a reply:       {{awaiting}}\n"
	    "  Past the due date:      {{overdue}}\n"
	    "  Unresolved exceptions:  {{exceptions}}\n"
	    "\n"
	    "Details are at the link below.\n"
	    "{{link}}\n"
	    "\n"
	    "If you no longer want this summary, stop it at the link below (you can turn it "
	    "back on at any time under \"Mail notifications\" on your account page).\n"
	    "{{unsubscribe}}\n"},
	/* The batch job's (tools/notify_due.c).  To each client admin while a request waits for the client's authorisation. */
	{"auth_reminder", "ja",
	    "【Balance Gateway】確認状の発送承認のお願い（{{project}}）",
	    "{{name}} 様\n"
	    "\n"
	    "監査業務「{{project}}」において、{{firm}}が作成した確認状（参照番号："
	    "{{reference}}）が、貴社の発送承認をお待ちしています。\n"
	    "内容をご確認のうえ、承認または差戻しをお願いいたします。\n"
	    "\n"
	    "{{link}}\n"},
	{"auth_reminder", "en",
	    "[Balance Gateway] A confirmation request awaits your authorisation ({{project}})",
	    "Dear {{name}},\n"
	    "\n"
	    "In the engagement \"{{project}}\", a confirmation request prepared by {{firm}} "
	    "(reference {{reference}}) is waiting for your company's authorisation.\n"
	    "Please review it and authorise or return it.\n"
	    "\n"
	    "{{link}}\n"},
	/* To each respondent admin while a member's answer waits for approval. */
	{"approval_reminder", "ja",
	    "【{{firm}}】確認状の回答の承認のお願い（参照番号：{{reference}}）",
	    "{{name}} 様\n"
	    "\n"
	    "{{firm}}からの確認状（被監査会社：{{client}}、参照番号：{{reference}}、"
	    "回答期限：{{due_date}}）について、"
	    "貴社のご担当者が入力した回答が、管理者の承認をお待ちしています。\n"
	    "内容をご確認のうえ、承認または差戻しをお願いいたします。\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "このご依頼が{{firm}}からのものであることは、リンクを開く前に下記のページで"
	    "参照番号を入力してご確認いただけます。\n"
	    "{{verify_url}}\n"},
	{"approval_reminder", "en",
	    "[{{firm}}] An answer awaits your approval (reference {{reference}})",
	    "Dear {{name}},\n"
	    "\n"
	    "An answer to the confirmation request from {{firm}} (audited company: {{client}}, "
	    "reference {{reference}}, due {{due_date}}) entered by a colleague is waiting for your approval as administrator.\n"
	    "Please review it and approve it or send it back.\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "To check that this request really comes from {{firm}} before opening any link, "
	    "enter the reference on this page:\n"
	    "{{verify_url}}\n"},
};

static int
slot_known(const char *name)
{
	size_t i;

	for (i = 0; known_slots[i] != NULL; i++)
		if (strcmp(known_slots[i], name) == 0)
			return 1;
	return 0;
}

static int
value_ok(const char *v, size_t n, int in_header)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && !(c == '\n' && !in_header)) || c == 0x7f)
			return 0;
	}
	return utf8_valid(v, n);
}

/* Growing output in arena memory: measured first, then copied, so the text is allocated
 * once.  pass 0 counts into *len, pass 1 writes into out. */
bgw_err
mailtpl_expand(bgw_arena *a, const char *tpl, const bgw_kv *vars, int in_header, char **out)
{
	size_t len = 0;
	char *buf = NULL;
	int pass;

	*out = NULL;
	for (pass = 0; pass < 2; pass++) {
		const char *p = tpl;
		size_t o = 0;

		while (*p != '\0') {
			const char *open = strstr(p, "{{");
			const char *close;
			char name[SLOT_NAME_MAX + 1];
			const bgw_kv *kv;
			size_t lit = open != NULL ? (size_t)(open - p) : strlen(p);

			if (pass == 1)
				memcpy(buf + o, p, lit);
			o += lit;
			if (open == NULL)
				break;
			close = strstr(open + 2, "}}");
			if (close == NULL || (size_t)(close - open - 2) > SLOT_NAME_MAX ||
			    close == open + 2) {
				bgw_log(BGW_LOG_ERROR, "cannot render mail template: malformed slot");
				return BGW_E_INTERNAL;
			}
			memcpy(name, open + 2, (size_t)(close - open - 2));
			name[close - open - 2] = '\0';
			if (!slot_known(name)) {
				bgw_log(BGW_LOG_ERROR, "cannot render mail template: unknown slot %.32s",
				    name);
				return BGW_E_INTERNAL;
			}
			kv = kv_find(vars, name);
			if (kv == NULL || kv->value == NULL) {
				bgw_log(BGW_LOG_ERROR, "cannot render mail template: no value for %s",
				    name);
				return BGW_E_INTERNAL;
			}
			if (pass == 0 && !value_ok(kv->value, kv->value_len, in_header))
				return BGW_E_VALIDATION;
			if (pass == 1)
				memcpy(buf + o, kv->value, kv->value_len);
			o += kv->value_len;
			p = close + 2;
		}
		if (pass == 0) {
			len = o;
			buf = bgw_arena_alloc(a, len + 1);
			if (buf == NULL)
				return BGW_E_NOMEM;
		}
	}
	buf[len] = '\0';
	*out = buf;
	return BGW_OK;
}

bgw_err
mailtpl_render(bgw_arena *a, const char *name, const char *locale, const bgw_kv *vars,
    char **subject, char **body)
{
	const struct template *t = NULL;
	const char *footer;
	char *text;
	size_t i;
	bgw_err e;

	*subject = NULL;
	*body = NULL;
	for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
		if (name != NULL && locale != NULL && strcmp(templates[i].name, name) == 0 &&
		    strcmp(templates[i].locale, locale) == 0)
			t = &templates[i];
	if (t == NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot render mail template %.32s: unknown for locale %.8s",
		    name != NULL ? name : "(null)", locale != NULL ? locale : "(null)");
		return BGW_E_INTERNAL;
	}
	footer = strcmp(locale, "ja") == 0 ? footer_ja : footer_en;
	if ((e = mailtpl_expand(a, t->subject, vars, 1, subject)) != BGW_OK ||
	    (e = mailtpl_expand(a, t->body, vars, 0, &text)) != BGW_OK) {
		*subject = NULL;
		return e;
	}
	*body = bgw_arena_printf(a, "%s%s", text, footer);
	if (*body == NULL) {
		*subject = NULL;
		return BGW_E_NOMEM;
	}
	return BGW_OK;
}

/* One line of a rendered body into h: a line that is a link alone becomes that link (the
 * text escaped, the href through html_url_ok, so only https: links); any other line is
 * escaped text. */
static void
html_line(html *h, bgw_arena *a, const char *line, size_t n)
{
	char *text = bgw_arena_strndup(a, line, n);

	if (text != NULL && html_url_ok(text)) {
		html_raw(h, "<a");
		html_attr_url(h, "href", text);
		html_fill(h, ">{t}</a>", {"t", text});
	} else {
		html_textn(h, line, n);
	}
}

bgw_err
mailtpl_html(bgw_arena *a, const char *lang, const char *subject, const char *body,
    char **out)
{
	html h;
	const char *p = body, *doc;
	size_t len;
	int open = 0;

	*out = NULL;
	html_init(&h, a);
	html_fill(&h, "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
	    "<title>{subject}</title></head>\n<body style=\"font-family:sans-serif;"
	    "line-height:1.6;max-width:40em\">\n",
	    {"lang", lang != NULL && strcmp(lang, "en") == 0 ? "en" : "ja"}, {"subject", subject});
	/* Paragraphs at blank lines, <br> within one: the plain part's layout, word for word. */
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (n > 0 && n < 3 && strncmp(p, "--", 2) == 0 && open) {
			html_raw(&h, "</p>\n<hr>\n");
			open = 0;
		} else if (n == 0 && open) {
			html_raw(&h, "</p>\n");
			open = 0;
		} else if (n > 0) {
			if (open)
				html_raw(&h, "<br>\n");
			else
				html_raw(&h, "<p>");
			open = 1;
			html_line(&h, a, p, n);
		}
		p += n + (nl != NULL);
	}
	if (open)
		html_raw(&h, "</p>\n");
	html_raw(&h, "</body></html>\n");
	if (html_finish(&h, &doc, &len) != BGW_OK)
		return BGW_E_NOMEM;
	*out = (char *)doc;
	return BGW_OK;
}
