/* i18n_account.c - the UI strings of invitation, password reset, account settings and MFA,
 * members, help, the public verify page and the operator pages (ja, en).  The first
 * strings of these pages (inv.*, reset.*, acct.*, mem.*, verify.*, help.*) were written
 * with the core part in i18n.c and stay there; what the pages added since lives here. */
#include "core/i18n_catalogue.h"

const i18n_entry i18n_account[] = {
	/* layout */
	{"nav.operator", {"運用管理", "Operations"}},

	/* invitation and reset */
	{"inv.intro_new", {"Balance Gateway に招待されました。氏名とパスワード（12文字以上）を設定してアカウントを開設してください。",
		"You have been invited to Balance Gateway. Set your name and a password (at least 12 characters) to open your account."}},
	{"inv.intro_existing", {"このメールアドレスのアカウントは既にあります。招待を受けると、今のアカウントにこのプロジェクトが追加されます。氏名とパスワードは変わりません。",
		"An account with this address already exists. Accepting adds this project to it; your name and password stay as they are."}},
	{"inv.email", {"招待先メールアドレス", "Invited address"}},
	{"inv.link", {"招待を受けてアカウントに追加", "Accept and add to my account"}},
	{"inv.ask_again", {"招待した方に、招待メールの再送を依頼してください。", "Ask whoever invited you to send a new invitation."}},
	{"reset.new_title", {"新しいパスワードの設定", "Set a new password"}},
	{"reset.again", {"再設定のリンクをもう一度送る", "Send a new reset link"}},

	/* account and MFA */
	{"acct.name", {"氏名", "Name"}},
	{"acct.back", {"アカウント設定に戻る", "Back to account settings"}},
	{"acct.mfa_code", {"認証アプリに表示された6桁のコード", "The 6-digit code your app shows"}},
	{"acct.mfa_restart", {"最初からやり直す（新しいセットアップキー）", "Start again (a new setup key)"}},
	{"acct.mfa_codes_title", {"リカバリーコード", "Recovery codes"}},
	{"acct.mfa_operator", {"運用担当者のアカウントでは二要素認証を無効にできません。",
		"Operator accounts always keep two-factor authentication."}},

	/* members and the first-access code */
	{"mem.actions", {"操作", "Actions"}},
	{"mem.code_title", {"初回認証コード", "First-access code"}},
	{"mem.code_help", {"新しいコードを発行すると、これまでのコードは使えなくなります。新しいコードは、まだコードを入力していないメンバーに別の経路で伝えてください。",
		"Issuing a new code makes the old one stop working. Hand the new code to members who have not yet entered it, by another channel than e-mail."}},
	{"mem.code_regenerate", {"新しいコードを発行", "Issue a new code"}},
	{"mem.code_new", {"新しい初回認証コードです。この画面でしか表示されません。",
		"The new first-access code. It is shown only now."}},

	/* operators */
	{"op.title", {"運用管理", "Operations"}},
	{"op.note", {"運用担当者には確認状の内容は表示されません。", "Operators see no confirmation content."}},
	{"op.firms", {"監査法人", "Audit firms"}},
	{"op.firm", {"監査法人名", "Firm"}},
	{"op.users_count", {"ユーザー数", "Users"}},
	{"op.users", {"ユーザー", "Users"}},
	{"op.state", {"状態", "State"}},
	{"op.active", {"利用可", "Active"}},
	{"op.locked", {"ロック中", "Locked"}},
	{"op.lock", {"ロック", "Lock"}},
	{"op.unlock", {"ロック解除", "Unlock"}},
	{"okind.audit_firm", {"監査法人", "audit firm"}},
	{"okind.client", {"被監査会社", "audited company"}},
	{"okind.respondent", {"確認回答者", "respondent"}},
	{"okind.operator", {"運用", "operator"}},
	/* the digest's unsubscribe link (page_unsub.c, issue 22 item 6) */
	{"unsub.title", {"状況のまとめの配信停止", "Stop the status digest"}},
	{"unsub.intro", {"このリンクを受け取ったアカウントへの「確認状の状況のお知らせ」（状況のまとめ）の配信を停止します。確認状の依頼・回答に関するメールは引き続き送られます。",
	    "This stops the status digest to the account this link was sent to. Mail about requests and answers still arrives."}},
	{"unsub.submit", {"配信を停止する", "Stop the digest"}},
	{"unsub.done", {"状況のまとめの配信を停止しました。アカウントページの「メール通知」でいつでも再開できます。",
	    "The status digest is stopped. You can turn it back on at any time under \"Mail notifications\" on your account page."}},
	{"unsub.account", {"アカウントページへ", "To your account page"}},
	{NULL, {NULL, NULL}},
};
