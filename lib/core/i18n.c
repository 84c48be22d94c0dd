/* i18n.c - the UI catalogue (ja, en), the language choice, dates and amounts per locale. */
#include "core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/httplist.h"
#include "core/i18n_catalogue.h"
#include "core/money.h"

/* The strings of the layout, errors, sign-in, projects and the confirmation page.  Keys
 * group by page; glossary words follow docs/design.md's glossary. */
const i18n_entry i18n_core[] = {
	/* layout */
	{"app.name", {"Balance Gateway", "Balance Gateway"}},
	{"app.tagline", {"電子確認状プラットフォーム", "Electronic audit confirmations"}},
	{"nav.main", {"メインメニュー", "Main menu"}},
	{"nav.skip", {"本文へ移動", "Skip to main content"}},
	{"nav.projects", {"プロジェクト", "Projects"}},
	{"nav.inbox", {"受信した確認依頼", "Inbox"}},
	{"nav.account", {"アカウント設定", "Account"}},
	{"nav.signout", {"サインアウト", "Sign out"}},
	{"nav.signin", {"サインイン", "Sign in"}},
	{"nav.help", {"確認状を受け取った方へ", "Received a confirmation request?"}},
	{"nav.verify", {"依頼の真正性を確認", "Check a request is genuine"}},
	{"nav.lang", {"言語", "Language"}},
	{"nav.lang_other", {"English", "日本語"}},
	{"nav.signed_in_as", {"サインイン中:", "Signed in as"}},
	{"footer.note", {"Balance Gateway は監査人・被監査会社・確認回答者のあいだの確認手続を電子化します。",
		"Balance Gateway carries audit confirmations between auditors, audited companies and respondents."}},
	{"msg.saved", {"保存しました。", "Saved."}},
	{"msg.done", {"完了しました。", "Done."}},
	{"common.yes", {"はい", "Yes"}},
	{"common.no", {"いいえ", "No"}},
	{"common.none", {"（なし）", "(none)"}},
	{"common.back", {"戻る", "Back"}},
	{"common.optional", {"（任意）", "(optional)"}},
	{"common.total", {"合計", "Total"}},
	{"common.errors", {"入力内容を確認してください。", "Please check the form."}},

	/* errors */
	{"err.title", {"エラー", "Error"}},
	{"err.bad_request", {"リクエストの形式が正しくありません。", "The request was malformed."}},
	{"err.unauthenticated", {"サインインしてください。", "Please sign in."}},
	{"err.csrf", {"フォームの有効期限が切れました。ページを開き直してもう一度お試しください。",
		"The form has expired. Reload the page and try again."}},
	{"err.forbidden", {"この操作を行う権限がありません。", "You may not do this."}},
	{"err.not_found", {"ページが見つからないか、表示する権限がありません。",
		"The page does not exist, or you may not see it."}},
	{"err.method_not_allowed", {"この方法ではアクセスできません。", "This method is not allowed here."}},
	{"err.invalid_state", {"この操作は現在の状態では行えません。ページを開き直してください。",
		"This cannot be done in the current state. Reload the page."}},
	{"err.conflict", {"既に登録されています。", "This already exists."}},
	{"err.project_completed", {"このプロジェクトは完了しています。変更はできません。",
		"This project is completed: nothing can be changed."}},
	{"err.address_not_checked", {"発送の前に、確認先の実在性・宛先の確認を記録してください。",
		"Record the address check before sending."}},
	{"err.respondent_locked", {"監査チームが確認先を確認済みのため、確認先は変更できません。変更はコメントで監査チームに依頼してください。",
		"The audit team has checked the respondent: it cannot be changed here. Ask the audit team in a comment."}},
	{"err.too_large", {"データが大きすぎます。", "The data is too large."}},
	{"err.unsupported_type", {"この形式は受け付けられません。", "This type is not accepted."}},
	{"err.validation", {"入力内容を確認してください。", "Please check what you entered."}},
	{"err.locked", {"試行回数の上限に達したためロックされています。監査チームの管理者に連絡してください。",
		"Locked after too many attempts. Ask the audit team's administrator."}},
	{"err.rate_limited", {"試行回数が多すぎます。しばらくしてからお試しください。",
		"Too many attempts. Please wait a minute and try again."}},
	{"err.unavailable", {"ただいまサービスを利用できません。しばらくしてからお試しください。",
		"The service is unavailable. Please try again shortly."}},
	{"err.invalid_credentials", {"メールアドレスまたはパスワードが正しくありません。",
		"The e-mail address or password is not correct."}},
	{"err.otp_required", {"確認コードが必要です。", "A verification code is required."}},
	{"err.first_access_code_required", {"初回認証コードを入力してください。", "Enter the first-access code."}},
	{"err.wrong_code", {"コードが正しくありません。", "The code is not correct."}},
	{"err.infected", {"ファイルはウイルス検査で拒否されました。", "The file was rejected by the virus scanner."}},
	{"err.scanner_unavailable", {"ウイルス検査を利用できないため、保存していません。しばらくしてからお試しください。",
		"The virus scanner is unavailable; nothing was stored. Please try again shortly."}},
	{"err.internal", {"エラーが発生しました。時間をおいてお試しください。",
		"Something went wrong. Please try again later."}},

	/* field validation reasons */
	{"v.required", {"入力してください。", "Required."}},
	{"v.invalid", {"正しくありません。", "Not valid."}},
	{"v.too_short", {"12文字以上にしてください。", "Use at least 12 characters."}},
	{"v.too_long", {"長すぎます。", "Too long."}},
	{"v.too_common", {"よく使われるパスワードは使えません。", "This password is too common."}},
	{"v.wrong", {"正しくありません。", "Not correct."}},
	{"v.invalid_or_expired", {"このリンクは無効か、期限が切れています。", "This link is invalid or has expired."}},

	/* sign-in */
	{"login.title", {"サインイン", "Sign in"}},
	{"login.email", {"メールアドレス", "E-mail address"}},
	{"login.password", {"パスワード", "Password"}},
	{"login.submit", {"サインイン", "Sign in"}},
	{"login.failed", {"メールアドレスまたはパスワードが正しくありません。",
		"The e-mail address or password is not correct."}},
	{"login.otp_title", {"確認コードの入力", "Enter your verification code"}},
	{"login.otp", {"確認コード", "Verification code"}},
	{"login.otp_help", {"認証アプリに表示されている6桁のコード、またはリカバリーコードを入力してください。",
		"Enter the 6-digit code from your authenticator app, or a recovery code."}},
	{"login.otp_failed", {"確認コードが正しくありません。", "The verification code is not correct."}},
	{"login.pending_expired", {"サインインの有効期限が切れました。もう一度パスワードから入力してください。",
		"Your sign-in has expired. Enter your password again."}},
	{"login.forgot", {"パスワードをお忘れの方", "Forgot your password?"}},
	{"logout.done", {"サインアウトしました。", "You have signed out."}},

	/* invitation, reset, account */
	{"inv.title", {"招待の受諾", "Accept your invitation"}},
	{"inv.intro", {"Balance Gateway に招待されました。氏名とパスワードを設定してアカウントを開設してください。既にアカウントをお持ちの方はパスワードは不要です。",
		"You have been invited to Balance Gateway. Set your name and a password to open your account. If you already have an account, leave the password empty."}},
	{"inv.name", {"氏名", "Full name"}},
	{"inv.password", {"パスワード（12文字以上）", "Password (at least 12 characters)"}},
	{"inv.submit", {"アカウントを開設", "Open my account"}},
	{"inv.done", {"アカウントの準備ができました。サインインしてください。", "Your account is ready. Please sign in."}},
	{"reset.title", {"パスワードの再設定", "Reset your password"}},
	{"reset.intro", {"登録しているメールアドレスを入力してください。再設定用のリンクをお送りします。",
		"Enter the e-mail address of your account. We will send you a link to set a new password."}},
	{"reset.submit", {"リンクを送る", "Send the link"}},
	{"reset.sent", {"登録されているアドレスであれば、再設定用のリンクをお送りしました（30分有効）。",
		"If the address belongs to an account, a link has been sent (valid for 30 minutes)."}},
	{"reset.new", {"新しいパスワード（12文字以上）", "New password (at least 12 characters)"}},
	{"reset.complete", {"パスワードを設定", "Set the password"}},
	{"reset.done", {"パスワードを再設定しました。サインインしてください。", "Your password has been reset. Please sign in."}},
	{"acct.title", {"アカウント設定", "Account settings"}},
	{"acct.profile", {"アカウント", "Your account"}},
	{"acct.org", {"所属", "Organisation"}},
	{"acct.password", {"パスワードの変更", "Change your password"}},
	{"acct.current", {"現在のパスワード", "Current password"}},
	{"acct.new", {"新しいパスワード（12文字以上）", "New password (at least 12 characters)"}},
	{"acct.change", {"変更する", "Change"}},
	{"acct.changed", {"パスワードを変更しました。他の端末のセッションは終了しました。",
		"Your password has been changed. Your other sessions have ended."}},
	{"prefs.title", {"メール通知", "Mail notifications"}},
	{"prefs.help", {"受け取るお知らせを選べます。確認状の依頼・回答用のメールは常に送られます。",
		"Choose which notices you receive. Mail needed to request or answer a confirmation is always sent."}},
	{"prefs.digest", {"状況のまとめ（監査法人の管理者）", "Status digest (audit admins)"}},
	{"prefs.digest_daily", {"毎日", "Daily"}},
	{"prefs.digest_weekly", {"毎週（月曜日）", "Weekly (Mondays)"}},
	{"prefs.digest_off", {"受け取らない", "Off"}},
	{"prefs.overdue", {"回答期限を過ぎた確認状のお知らせ", "Alerts about confirmations past their due date"}},
	{"prefs.save", {"保存する", "Save"}},
	{"acct.mfa", {"二要素認証", "Two-factor authentication"}},
	{"acct.mfa_on", {"有効です。", "On."}},
	{"acct.mfa_off", {"無効です。サインイン時に認証アプリのコードを求めるようにすると、アカウントをより安全に守れます。",
		"Off. Asking for a code from an authenticator app at sign-in protects your account better."}},
	{"acct.mfa_begin", {"二要素認証を設定する", "Set up two-factor authentication"}},
	{"acct.mfa_scan", {"認証アプリで QR コードを読み取るか、セットアップキーを入力してから、表示された6桁のコードを入力してください。",
		"Scan the QR code with your authenticator app, or type the setup key, then enter the 6-digit code it shows."}},
	{"acct.mfa_qr", {"二要素認証の設定用 QR コード", "QR code for two-factor set-up"}},
	{"acct.mfa_secret", {"セットアップキー", "Setup key"}},
	{"acct.mfa_verify", {"確認して有効にする", "Verify and turn on"}},
	{"acct.mfa_codes", {"リカバリーコード。認証アプリを使えないときに一度ずつ使えます。この画面でしか表示されません。安全な場所に保管してください。",
		"Recovery codes. Each works once when you cannot use your app. They are shown only now: keep them somewhere safe."}},
	{"acct.mfa_enabled", {"二要素認証を有効にしました。", "Two-factor authentication is on."}},
	{"acct.mfa_disable", {"二要素認証を無効にする", "Turn off two-factor authentication"}},
	{"acct.mfa_disabled", {"二要素認証を無効にしました。", "Two-factor authentication is off."}},

	/* projects */
	{"projects.title", {"プロジェクト一覧", "Projects"}},
	{"projects.locked_code", {"初回認証コードの入力が必要です", "First-access code required"}},
	{"projects.locked_mfa", {"二要素認証の設定が必要です", "Set up two-factor authentication first"}},
	{"projects.none", {"参加しているプロジェクトはありません。", "You are not a member of any project."}},
	{"projects.name", {"プロジェクト名", "Project"}},
	{"projects.client", {"被監査会社", "Audited company"}},
	{"projects.period_end", {"決算日", "Period end"}},
	{"projects.status", {"状態", "Status"}},
	{"projects.role", {"あなたの立場", "Your role"}},
	{"projects.create", {"新しいプロジェクト", "New project"}},
	{"projects.create_submit", {"作成する", "Create"}},
	{"projects.created", {"プロジェクトを作成しました。次の初回認証コードはこの一度だけ表示されます。メンバーに別の経路（電話など）で伝えてください:",
		"The project has been created. Its first-access code is shown only now; hand it to members by another channel (e.g. phone):"}},
	{"pstatus.active", {"進行中", "Active"}},
	{"pstatus.completed", {"完了", "Completed"}},
	{"side.audit", {"監査チーム", "Audit team"}},
	{"side.client", {"被監査会社", "Audited company"}},
	{"side.respondent", {"確認回答者", "Respondent"}},
	{"role.admin", {"管理者", "Administrator"}},
	{"role.member", {"メンバー", "Member"}},
	{"access.title", {"初回認証コードの入力", "Enter the first-access code"}},
	{"access.help", {"このプロジェクトを初めて開くときは、監査チームから別の経路で伝えられた初回認証コードが必要です。",
		"The first time you open this project you need the first-access code the audit team gave you by another channel."}},
	{"access.code", {"初回認証コード", "First-access code"}},
	{"access.submit", {"確認する", "Continue"}},
	{"access.wrong", {"コードが正しくありません。", "The code is not correct."}},

	/* dashboard */
	{"dash.counts", {"状況別の件数", "Confirmations by status"}},
	{"dash.overdue", {"回答期限超過", "Overdue"}},
	{"dash.exceptions", {"差異あり", "Exceptions"}},
	{"dash.filter", {"絞り込み", "Filter"}},
	{"dash.search", {"回答者名・メールアドレス", "Respondent name or e-mail"}},
	{"dash.all", {"すべて", "All"}},
	{"dash.only_overdue", {"期限超過のみ", "Overdue only"}},
	{"dash.apply", {"表示", "Show"}},
	{"dash.list", {"確認状", "Confirmations"}},
	{"dash.none", {"該当する確認状はありません。", "No confirmation matches."}},
	{"dash.prev", {"前へ", "Previous"}},
	{"dash.next", {"次へ", "Next"}},
	{"dash.page", {"ページ", "Page"}},
	{"dash.new", {"確認状を作成", "New confirmation"}},
	{"dash.members", {"メンバー", "Members"}},
	{"dash.select", {"選択", "Select"}},
	{"dash.select_row", {"この確認状を選択", "Select this confirmation"}},
	{"dash.authorize_selected", {"選択した確認状を一括承認", "Authorise the selected confirmations"}},
	{"dash.authorized_n", {"件の確認状を承認しました。", "confirmation(s) authorised."}},
	{"dash.complete", {"プロジェクトを完了する", "Complete the project"}},
	{"dash.complete_help", {"完了すると、被監査会社と確認回答者のアクセスは直ちに終了します。",
		"Completing ends the access of the audited company and the respondents at once."}},

	/* confirmation */
	{"conf.title", {"確認状", "Confirmation"}},
	{"conf.reference", {"参照番号", "Reference"}},
	{"conf.type", {"種類", "Type"}},
	{"conf.form", {"様式", "Form"}},
	{"conf.status", {"状態", "Status"}},
	{"conf.as_of", {"基準日", "As-of date"}},
	{"conf.due", {"回答期限", "Due date"}},
	{"conf.respondent", {"確認先", "Respondent"}},
	{"conf.respondent_org", {"確認先（組織名）", "Respondent organisation"}},
	{"conf.respondent_email", {"宛先メールアドレス", "Addressee e-mail"}},
	{"conf.respondent_name", {"宛先ご担当者名", "Addressee name"}},
	{"conf.items", {"確認項目", "Items"}},
	{"conf.reminders", {"督促回数", "Reminders sent"}},
	{"conf.negative_flag", {"否定式の確認状だけでは十分な監査証拠になりません。", "A negative request alone is not sufficient audit evidence."}},
	{"conf.status_reason", {"理由", "Reason"}},
	{"conf.alternative", {"代替手続", "Alternative procedures"}},
	{"conf.shared", {"回答は被監査会社に共有されています。", "The answer is shared with the audited company."}},
	{"conf.timeline", {"経過", "Timeline"}},
	{"tl.created", {"作成", "Created"}},
	{"tl.address_check", {"確認先の確認", "Address checked"}},
	{"cform.respondent_locked", {"監査チームが確認先を確認済みです。確認先の変更はコメントで監査チームに依頼してください。",
		"The audit team has checked the respondent. Ask the audit team in a comment to change it."}},
	{"tl.address_check_void", {"確認先の確認（無効: 確認後に確認先が変更されました）",
		"Address check (void: the respondent changed after it)"}},
	{"tl.address_check_voided", {"確認先の確認が無効になりました。発送には新しい確認が必要です。",
		"The address check became void. Sending needs a new check."}},
	{"tl.sent", {"発送", "Sent"}},
	{"tl.answered", {"回答", "Answered"}},
	{"tl.updated", {"最終更新", "Last change"}},
	{"conf.address_check", {"確認先の実在性・宛先の確認", "Address check"}},
	{"conf.check_method", {"確認方法", "Method"}},
	{"conf.check_note", {"確認内容", "What was checked"}},
	{"conf.no_actions", {"あなたが今この確認状に対して行える操作はありません。", "There is nothing for you to do on this confirmation now."}},
	{"conf.actions", {"操作", "Actions"}},
	{"item.label", {"勘定科目・口座", "Account"}},
	{"item.reference", {"口座番号等", "Reference"}},
	{"item.currency", {"通貨", "Currency"}},
	{"item.amount", {"記載残高", "Stated amount"}},
	{"resp.title", {"回答", "Answer"}},
	{"resp.pending", {"この回答は回答者側の承認待ちです。", "This answer waits for approval by the respondent's administrator."}},
	{"resp.result", {"結果", "Result"}},
	{"resp.agrees", {"一致", "Agrees"}},
	{"resp.differs", {"不一致", "Differs"}},
	{"resp.amount", {"回答額", "Amount given"}},
	{"resp.note", {"説明", "Explanation"}},
	{"resp.extra", {"追加で報告された項目", "Further items reported"}},
	{"resp.responder", {"回答者", "Answered by"}},
	{"resp.approver", {"承認者", "Approved by"}},
	{"resp.submitted_at", {"回答日時", "Answered at"}},
	{"resp.seal", {"シール（SHA-256）", "Seal (SHA-256)"}},
	{"resp.version", {"版", "Version"}},

	/* actions */
	{"act.submit", {"被監査会社に承認を依頼", "Send to the company for authorisation"}},
	{"act.authorize", {"承認する（発送に同意）", "Authorise (agree to sending)"}},
	{"act.return", {"差し戻す", "Return to draft"}},
	{"act.refuse", {"発送を拒否する", "Refuse sending"}},
	{"act.address_check", {"確認記録を保存", "Record the check"}},
	{"act.send", {"発送する", "Send"}},
	{"act.answer", {"回答を入力する", "Enter the answer"}},
	{"act.approve", {"回答を承認する（再鑑）", "Approve the answer"}},
	{"act.send_back", {"回答を差し戻す", "Send the answer back"}},
	{"act.decline", {"回答を辞退する", "Decline to answer"}},
	{"act.review", {"回答の検討結果を記録", "Record the review"}},
	{"act.review_agreed", {"一致", "Agreed"}},
	{"act.review_exception", {"差異あり", "Exception"}},
	{"act.resolve", {"差異を解消する", "Resolve the exception"}},
	{"act.ask_again", {"再回答を依頼する", "Ask again"}},
	{"act.close", {"代替手続による完了", "Close with alternative procedures"}},
	{"act.remind", {"督促する", "Send a reminder"}},
	{"act.cancel", {"取り消す", "Cancel"}},
	{"act.share", {"回答を被監査会社に共有", "Share the answer with the company"}},
	{"act.unshare", {"共有を取りやめる", "Stop sharing"}},
	{"act.edit", {"下書きを編集", "Edit the draft"}},
	{"act.receipt", {"回答控え（印刷用）", "Printable receipt"}},
	{"f.reason", {"理由", "Reason"}},
	{"f.note", {"メモ", "Note"}},
	{"f.alternative", {"実施した代替手続", "Alternative procedures performed"}},
	{"f.approver_name", {"承認者氏名", "Approver's name"}},
	{"f.approver_title", {"役職", "Title"}},
	{"f.rec_kind", {"調整項目の種類", "Reconciling item"}},
	{"f.rec_amount", {"金額", "Amount"}},
	{"kind.timing_difference", {"時点差異", "Timing difference"}},
	{"kind.cut_off", {"期ズレ（カットオフ）", "Cut-off"}},
	{"kind.error", {"誤謬", "Error"}},
	{"kind.unexplained", {"原因不明", "Unexplained"}},

	/* confirmation form */
	{"cform.new_title", {"確認状の作成", "New confirmation"}},
	{"cform.edit_title", {"確認状の編集", "Edit confirmation"}},
	{"cform.save", {"下書きを保存", "Save the draft"}},
	{"cform.items_help", {"金額は通貨の小数桁で入力してください（円は整数、米ドルは小数2桁）。白紙式では空欄にします。使わない行は空欄のままにしてください。",
		"Enter amounts with the currency's decimals (yen: none, US dollars: two). Leave them empty on a blank form. Leave unused rows empty."}},
	{"cform.item_n", {"項目", "Item"}},

	/* types, forms, statuses */
	{"type.bank", {"銀行", "Bank"}},
	{"type.receivable", {"売掛金", "Receivable"}},
	{"type.payable", {"買掛金", "Payable"}},
	{"type.securities", {"有価証券", "Securities"}},
	{"type.legal", {"弁護士", "Legal"}},
	{"type.other", {"その他", "Other"}},
	{"form.positive", {"肯定式", "Positive"}},
	{"form.blank", {"白紙式", "Blank"}},
	{"form.negative", {"否定式", "Negative"}},
	{"status.draft", {"下書き", "Draft"}},
	{"status.awaiting_client", {"被監査会社の承認待ち", "Awaiting the company"}},
	{"status.refused", {"発送拒否", "Refused"}},
	{"status.authorized", {"承認済み（発送待ち）", "Authorised"}},
	{"status.sent", {"発送済み", "Sent"}},
	{"status.opened", {"回答者が開封", "Opened"}},
	{"status.awaiting_respondent_approval", {"回答の承認待ち", "Awaiting approval"}},
	{"status.answered", {"回答済み", "Answered"}},
	{"status.declined", {"回答辞退", "Declined"}},
	{"status.agreed", {"一致", "Agreed"}},
	{"status.exception", {"差異あり", "Exception"}},
	{"status.resolved", {"差異解消", "Resolved"}},
	{"status.alternative_procedures", {"代替手続による完了", "Alternative procedures"}},
	{"status.cancelled", {"取消", "Cancelled"}},

	/* respondent */
	{"inbox.title", {"受信した確認依頼", "Confirmation requests"}},
	{"inbox.none", {"確認依頼はありません。", "There are no requests."}},
	{"inbox.mfa_setup", {"二要素認証を設定する", "Set up two-factor authentication"}},
	{"inbox.from", {"依頼元", "From"}},
	{"ans.title", {"回答の入力", "Your answer"}},
	{"ans.intro", {"各項目について、貴社の記録と一致するかをお答えください。一致しない場合は、貴社の記録上の金額と説明を入力してください。回答は監査人にのみ直接届きます。",
		"For each item, say whether it agrees with your records. If not, give the amount in your records and an explanation. Your answer goes to the auditor only."}},
	{"ans.agree", {"一致する", "Agrees"}},
	{"ans.differ", {"一致しない", "Differs"}},
	{"ans.amount", {"貴社記録上の金額", "Amount in your records"}},
	{"ans.extra", {"その他の取引（記載のない預金・借入金・保証など）", "Other items (accounts, loans or guarantees not listed)"}},
	{"ans.extra_help", {"記載のない取引があれば入力してください。なければ空欄のままにしてください。",
		"Add anything not listed above; otherwise leave these rows empty."}},
	{"ans.responder_name", {"回答者氏名", "Your name"}},
	{"ans.responder_title", {"役職・部署", "Your title or department"}},
	{"ans.submit", {"回答を送信", "Send the answer"}},
	{"ans.submit_member", {"回答を承認者に回す", "Send for approval"}},
	{"ans.member_note", {"メンバーの回答は、貴社の管理者が承認（再鑑）してから監査人に届きます。",
		"A member's answer reaches the auditor after your administrator approves it."}},

	/* receipt */
	{"rcpt.title", {"確認状回答控え", "Receipt of a confirmation answer"}},
	{"rcpt.print", {"印刷する", "Print"}},
	{"rcpt.seal_help", {"シールは回答内容と確認状の記録を連結したハッシュ値です。Balance Gateway で照合すれば、この控えの内容が改ざんされていないことを確かめられます。",
		"The seal is a hash over the answer and the confirmation's record. Balance Gateway can check it, which shows this receipt was not altered."}},
	{"rcpt.no_answer", {"確定した回答はまだありません。", "There is no final answer yet."}},

	/* members */
	{"mem.title", {"メンバー", "Members"}},
	{"mem.name", {"氏名", "Name"}},
	{"mem.email", {"メールアドレス", "E-mail"}},
	{"mem.org", {"組織", "Organisation"}},
	{"mem.side", {"立場", "Side"}},
	{"mem.role", {"権限", "Role"}},
	{"mem.locked", {"コード入力ロック中", "Code locked"}},
	{"mem.invite", {"メンバーを招待", "Invite a member"}},
	{"mem.admin", {"管理者として招待する", "Invite as administrator"}},
	{"mem.organization", {"組織 ID（確認回答者を招待する場合）", "Organisation id (for a respondent)"}},
	{"mem.invite_submit", {"招待メールを送る", "Send the invitation"}},
	{"mem.invited", {"招待メールを送りました。", "The invitation has been sent."}},
	{"mem.remove", {"削除", "Remove"}},
	{"mem.unlock", {"ロック解除", "Unlock"}},

	/* public pages */
	{"verify.title", {"確認依頼の真正性の確認", "Check that a request is genuine"}},
	{"verify.intro", {"メールや書面に記載された参照番号を入力すると、その依頼が Balance Gateway から実際に送られたものかを確認できます。表示されるのは監査法人名・被監査会社名・発送日だけです。",
		"Enter the reference printed in the e-mail or letter to check that the request really was sent through Balance Gateway. Only the audit firm, the audited company and the date sent are shown."}},
	{"verify.reference", {"参照番号", "Reference"}},
	{"verify.submit", {"確認する", "Check"}},
	{"verify.found", {"この参照番号の確認依頼は Balance Gateway から発送されています。", "A request with this reference was sent through Balance Gateway."}},
	{"verify.not_found", {"この参照番号の発送済みの依頼は見つかりません。メール内のリンクは使わず、監査法人に直接お問い合わせください。",
		"No sent request has this reference. Do not use the links in the message; contact the audit firm directly."}},
	{"verify.firm", {"監査法人", "Audit firm"}},
	{"verify.sent_on", {"発送日", "Sent on"}},
	{"verify.unavailable", {"照合機能は準備中です。監査法人に直接お問い合わせください。",
		"Checking is not available yet. Please contact the audit firm directly."}},
	{"help.title", {"確認状を受け取った方へ", "If you received a confirmation request"}},
	{"help.why_h", {"なぜ届いたのですか", "Why did I get this?"}},
	{"help.why", {"会社の決算書を監査している監査人（公認会計士・監査法人）は、取引先や銀行に残高などを直接確かめることが法令と監査基準で求められています。これを「確認状」といいます。あなたの組織が、監査を受けている会社の取引先または銀行であるため、この依頼が届きました。",
		"Auditors who audit a company's financial statements must, by law and auditing standards, check balances directly with the company's banks, customers and suppliers. This request is called a confirmation. You received it because your organisation does business with the audited company."}},
	{"help.genuine_h", {"本物ですか", "Is it genuine?"}},
	{"help.genuine", {"依頼に記載された参照番号を「依頼の真正性を確認」のページで入力すると、Balance Gateway から発送されたものかを確かめられます。不安な場合は、メール内の連絡先ではなく、ご自身で調べた監査法人の代表番号にお問い合わせください。Balance Gateway がパスワードや口座の暗証番号を尋ねることはありません。",
		"Enter the reference from the request on the \"Check a request is genuine\" page to see whether it was sent through Balance Gateway. If in doubt, call the audit firm on a number you looked up yourself, not one from the message. Balance Gateway never asks for passwords or PINs."}},
	{"help.what_h", {"何をすればよいですか", "What do I do?"}},
	{"help.what", {"メールのリンクからアカウントを開設し、初回認証コードを入力すると、依頼の内容が表示されます。各項目が貴社の記録と一致するかを答え、一致しない場合は貴社の記録上の金額と説明を入力して送信してください。回答は監査人だけに直接届き、依頼した会社が書き換えることはできません。回答期限までにお答えください。",
		"Open your account from the link in the e-mail and enter the first-access code; the request is then shown. For each item, say whether it agrees with your records; if not, give your amount and an explanation, and send. The answer goes straight to the auditor, and the audited company cannot change it. Please answer by the due date."}},
	{"help.cost_h", {"費用はかかりますか", "Does it cost anything?"}},
	{"help.cost", {"回答者の費用はかかりません。", "Answering is free of charge."}},
	{NULL, {NULL, NULL}},
};

/* Every part of the catalogue; each ends with a NULL key. */
static const i18n_entry *const parts[] = {i18n_core, i18n_account, i18n_conf, i18n_org,
	i18n_journey, i18n_desk};
#define PARTS (sizeof(parts) / sizeof(parts[0]))

/* All entries sorted by key, built once per process on first use (workers are
 * single-threaded) so that a page's hundred lookups are binary searches. */
static const i18n_entry **sorted;
static size_t sorted_len;

static int
by_key(const void *a, const void *b)
{
	return strcmp((*(const i18n_entry *const *)a)->key, (*(const i18n_entry *const *)b)->key);
}

static bool
index_built(void)
{
	size_t n = 0, k = 0;

	if (sorted != NULL)
		return true;
	for (size_t p = 0; p < PARTS; p++)
		for (const i18n_entry *e = parts[p]; e->key != NULL; e++)
			n++;
	sorted = malloc(n * sizeof(*sorted));
	if (sorted == NULL)
		return false;
	for (size_t p = 0; p < PARTS; p++)
		for (const i18n_entry *e = parts[p]; e->key != NULL; e++)
			sorted[k++] = e;
	qsort(sorted, n, sizeof(*sorted), by_key);
	sorted_len = n;
	return true;
}

const char *
i18n_code(enum i18n_lang l)
{
	return l == I18N_EN ? "en" : "ja";
}

bool
i18n_parse(const char *s, enum i18n_lang *out)
{
	if (s == NULL)
		return false;
	if (strcmp(s, "ja") == 0)
		*out = I18N_JA;
	else if (strcmp(s, "en") == 0)
		*out = I18N_EN;
	else
		return false;
	return true;
}

/* Whether a language range's primary subtag is lang (two letters): ja-JP is ja. */
static bool
primary_subtag_is(const httplist_item *it, const char *lang)
{
	return it->len >= 2 && (it->len == 2 || it->token[2] == '-') &&
	    strncasecmp(it->token, lang, 2) == 0;
}

enum i18n_lang
i18n_pick(const char *query, const char *cookie, const char *accept_language)
{
	enum i18n_lang l = I18N_JA;
	int best = 0, bestq[I18N__COUNT] = {-1, -1};
	const char *p = accept_language;
	httplist_item it;

	if (i18n_parse(query, &l) || i18n_parse(cookie, &l))
		return l;
	while (httplist_next(&p, &it)) {
		enum i18n_lang which;

		if (primary_subtag_is(&it, "ja"))
			which = I18N_JA;
		else if (primary_subtag_is(&it, "en"))
			which = I18N_EN;
		else
			which = I18N__COUNT;
		if (which != I18N__COUNT && it.q > bestq[which])
			bestq[which] = it.q;
	}
	/* The higher q wins; on a tie, the default (Japanese). */
	best = bestq[I18N_JA] >= bestq[I18N_EN] ? I18N_JA : I18N_EN;
	if (bestq[best] <= 0)
		return I18N_JA;
	return (enum i18n_lang)best;
}

static const i18n_entry *
find(const char *key)
{
	i18n_entry probe = {key, {NULL, NULL}};
	const i18n_entry *pp = &probe;
	const i18n_entry *const *hit;

	if (key == NULL || !index_built())
		return NULL;
	hit = bsearch(&pp, sorted, sorted_len, sizeof(*sorted), by_key);
	return hit != NULL ? *hit : NULL;
}

const char *
i18n_t(enum i18n_lang l, const char *key)
{
	const i18n_entry *e = find(key);

	if (e == NULL)
		return key != NULL ? key : "";
	return e->text[l == I18N_EN ? I18N_EN : I18N_JA];
}

bool
i18n_has(const char *key)
{
	return find(key) != NULL;
}

size_t
i18n_count(void)
{
	return index_built() ? sorted_len : 0;
}

const char *
i18n_key_at(size_t i)
{
	return i < i18n_count() ? sorted[i]->key : NULL;
}

const char *
i18n_text_at(size_t i, enum i18n_lang l)
{
	return i < i18n_count() && l < I18N__COUNT ? sorted[i]->text[l] : NULL;
}

static const char *const months_en[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
	"Sep", "Oct", "Nov", "Dec"};

static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Read "YYYY-MM-DD" at s into y, m, d (a real calendar date). */
static bool
read_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap;

	if (s == NULL || strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return false;
	*y = atoi(s);
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *m >= 1 && *m <= 12 && *d >= 1 &&
	    *d <= mdays[*m - 1] + (*m == 2 && leap ? 1 : 0);
}

static bgw_err
put_date(enum i18n_lang l, int y, int m, int d, const char *tail, char *out, size_t cap)
{
	int n = l == I18N_EN ? snprintf(out, cap, "%d %s %04d%s", d, months_en[m - 1], y, tail) :
	    snprintf(out, cap, "%04d年%d月%d日%s", y, m, d, tail);

	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return BGW_E_INTERNAL;
	}
	return BGW_OK;
}

bgw_err
i18n_date(enum i18n_lang l, const char *ymd, char *out, size_t cap)
{
	int y, m, d;

	if (cap > 0)
		out[0] = '\0';
	if (!read_date(ymd, &y, &m, &d) || ymd[10] != '\0')
		return BGW_E_VALIDATION;
	return put_date(l, y, m, d, "", out, cap);
}

bgw_err
i18n_datetime(enum i18n_lang l, const char *ts, char *out, size_t cap)
{
	int y, m, d, hh, mm;
	char tail[24];
	const char *z;

	if (cap > 0)
		out[0] = '\0';
	if (!read_date(ts, &y, &m, &d) || (ts[10] != ' ' && ts[10] != 'T') ||
	    strlen(ts) < 16 || !digits(ts + 11, 2) || ts[13] != ':' || !digits(ts + 14, 2))
		return BGW_E_VALIDATION;
	hh = (ts[11] - '0') * 10 + (ts[12] - '0');
	mm = (ts[14] - '0') * 10 + (ts[15] - '0');
	if (hh > 23 || mm > 59)
		return BGW_E_VALIDATION;
	/* Only UTC is shown as UTC: an offset we do not expect is not silently relabelled. */
	z = ts + 16;
	if (*z == ':' && digits(z + 1, 2))
		z += 3;
	if (*z == '.')
		for (z++; *z >= '0' && *z <= '9'; z++)
			;
	if (strcmp(z, "Z") != 0 && strcmp(z, "+00") != 0 && strcmp(z, "+00:00") != 0)
		return BGW_E_VALIDATION;
	snprintf(tail, sizeof(tail), " %02d:%02d UTC", hh, mm);
	return put_date(l, y, m, d, tail, out, cap);
}

bgw_err
i18n_amount(enum i18n_lang l, const char *amount, const char *currency, char *out, size_t cap)
{
	money m;
	bgw_err err;

	if (cap > 0)
		out[0] = '\0';
	if ((err = money_parse_stored(amount, currency, &m)) != BGW_OK)
		return err;
	return money_format_display(&m, i18n_code(l), out, cap);
}
