/* i18n_journey.c - the UI strings of the first-time respondent's journey (jr.*: the page a
 * request mail's link opens) and of the addressee's language on the confirmation form
 * (ja, en). */
#include "core/i18n_catalogue.h"

const i18n_entry i18n_journey[] = {
	{"jr.title", {"確認状へのご回答", "Answering an audit confirmation request"}},
	{"jr.intro", {"監査人から、貴社に確認状のご回答をお願いしています。回答は監査人に直接届き、被監査会社が見たり変えたりすることはできません。",
	    "An auditor asks you to answer an audit confirmation request. Your answer goes directly to the auditor; the audited company can neither see nor change it."}},
	{"jr.firm", {"依頼元（監査人）", "Requested by (auditor)"}},
	{"jr.client", {"被監査会社", "Audited company"}},
	{"jr.reference", {"参照番号", "Reference"}},
	{"jr.due", {"回答期限", "Due date"}},
	{"jr.addressee", {"宛先", "Addressed to"}},
	{"jr.genuine_h", {"本物のご依頼か確かめるには", "Is this request genuine?"}},
	{"jr.genuine", {"公開の確認ページで参照番号を入力すると、この依頼が監査人から送られたものか確かめられます。パスワードやコードを入力する前にご確認いただけます。",
	    "On the public verification page, enter the reference to check that this request was sent by the auditor. You can check before typing any password or code."}},
	{"jr.verify_link", {"参照番号を確認する（公開ページ）", "Check the reference (public page)"}},
	{"jr.form_new", {"別途お知らせした初回認証コードと、これから使うパスワードを入力してください。次の画面が回答の入力です。",
	    "Enter the first-access code that reached you separately, and choose a password. The next screen is the answer form."}},
	{"jr.form_existing", {"このメールアドレスのアカウントは既にあります。初回認証コードと、そのアカウントのパスワードを入力してください。次の画面が回答の入力です。",
	    "An account with this address already exists. Enter the first-access code and that account's password. The next screen is the answer form."}},
	{"jr.code", {"初回認証コード（電話・書面・別のメールでお知らせしたもの）", "First-access code (given to you by phone, letter or a separate mail)"}},
	{"jr.password_new", {"新しいパスワード（12文字以上）", "New password (at least 12 characters)"}},
	{"jr.password_existing", {"アカウントのパスワード", "Your account's password"}},
	{"jr.submit", {"確認状を開く", "Open the request"}},
	{"jr.wrong_code", {"初回認証コードが正しくありません。アカウントは作成されていません。お知らせしたコードをもう一度ご確認ください（5回誤ると、このリンクは使えなくなります）。",
	    "The first-access code is not correct. No account was created. Please check the code you were given (after five wrong codes this link stops working)."}},
	{"jr.locked", {"初回認証コードの誤りが続いたため、このリンクは使えなくなりました。依頼元の監査人に、新しいご案内を依頼してください。",
	    "After several wrong codes this link no longer works. Please ask the auditor who sent the request for a new one."}},
	{"jr.wrong_password", {"パスワードが正しくありません。", "The password is not correct."}},
	{"jr.mfa", {"このアカウントは二要素認証を使っています。サインインしてから確認状を開いてください。",
	    "This account uses two-factor authentication. Please sign in, then open the request."}},

	/* the addressee's language on the confirmation form */
	{"cform.locale", {"確認先の言語（依頼メール・督促・最初の画面）", "Addressee's language (request mail, reminders, first pages)"}},
	{"cform.locale.ja", {"日本語", "Japanese"}},
	{"cform.locale.en", {"英語", "English"}},
	{NULL, {NULL, NULL}},
};
