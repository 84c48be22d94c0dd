/* notify_tpl.c - the wording of the batch job's own mails (the shared ones are in
 * lib/mail/mailtpl.c), expanded by mailtpl_expand with the same slot rules.  The mail to a
 * respondent admin carries the reference and the public verify address, never an amount. */
#include "mail/notify.h"

#include <string.h>

#include "core/log.h"
#include "mail/mailtpl.h"

struct tpl {
	const char *name, *locale, *subject, *body;
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
	"Balance Gateway, electronic audit confirmations\n";

static const struct tpl tpls[] = {
	/* To each client admin while a request waits for the client's authorisation. */
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
	    "{{firm}}からの確認状（参照番号：{{reference}}、回答期限：{{due_date}}）について、"
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
	    "An answer to the confirmation request from {{firm}} (reference {{reference}}, due "
	    "{{due_date}}) entered by a colleague is waiting for your approval as administrator.\n"
	    "Please review it and approve it or send it back.\n"
	    "\n"
	    "{{link}}\n"
	    "\n"
	    "To check that this request really comes from {{firm}} before opening any link, "
	    "enter the reference on this page:\n"
	    "{{verify_url}}\n"},
};

bgw_err
notify_tpl_render(bgw_arena *a, const char *name, const char *locale, const bgw_kv *vars,
    char **subject, char **body)
{
	for (size_t i = 0; i < sizeof(tpls) / sizeof(tpls[0]); i++) {
		char *text;
		bgw_err err;

		if (strcmp(tpls[i].name, name) != 0 || strcmp(tpls[i].locale, locale) != 0)
			continue;
		if ((err = mailtpl_expand(a, tpls[i].subject, vars, 1, subject)) != BGW_OK ||
		    (err = mailtpl_expand(a, tpls[i].body, vars, 0, &text)) != BGW_OK)
			return err;
		*body = bgw_arena_printf(a, "%s%s", text,
		    strcmp(locale, "ja") == 0 ? footer_ja : footer_en);
		return *body != NULL ? BGW_OK : BGW_E_NOMEM;
	}
	bgw_log(BGW_LOG_ERROR, "could not render mail: no template %s (%s)", name, locale);
	return BGW_E_INTERNAL;
}
