/* i18n_conf.c - the UI strings of the confirmation form, bulk import, the inbox and the
 * answer form, comments, documents and history on the confirmation page, and the receipt
 * (ja, en). */
#include "core/i18n_catalogue.h"

const i18n_entry i18n_conf[] = {
	/* the respondent's first-access code, at sending (lane h2) */
	{"conf.code_channel", {"確認先の初回認証コードの伝達方法", "How the respondent's first-access code travels"}},
	{"conf.code_channel_help", {"確認先の組織には、被監査会社とは別の初回認証コードを発行します。この案件で初めてこの組織に発送するときに選んでください。",
	    "The respondent's organisation gets a first-access code of its own, separate from the audited company's. Choose how it travels when this project first sends to the organisation."}},
	{"conf.channel_phone", {"電話で伝える（この後に一度だけ表示）", "Read out on the phone (shown once, next)"}},
	{"conf.channel_letter", {"書面に印字して郵送する（この後に一度だけ表示）", "Printed on a letter (shown once, next)"}},
	{"conf.channel_mail", {"宛先に別のメールで送る（リンクなし）", "A second mail to the addressee (no link)"}},
	{"conf.code_reissue_help", {"確認先が初回認証コードを紛失した場合などに、新しいコードを発行します。以前のコードは使えなくなります（すでに入力済みの利用者はそのまま利用できます）。",
	    "If the respondent lost its first-access code, issue a new one. The old code stops working (users who already entered it keep their access)."}},
	{"act.respondent_code", {"確認先の初回認証コードを再発行", "Issue a new respondent code"}},
	{"conf.code_shown", {"確認先の初回認証コードです。この画面でしか表示されません。選んだ方法（電話・書面）で確認先にお伝えください。被監査会社には伝えないでください。",
	    "The respondent's first-access code. It is shown only now: pass it on the way you chose (phone or letter), and never to the audited company."}},
	/* the confirmation form */
	{"cform.form_help", {"積極式：残高を記載し、一致・不一致を回答してもらいます。白紙式：残高を記入してもらいます。消極式：不一致の場合のみ回答を求めます（単独では十分な証拠になりません）。",
	    "Positive: balances are stated and the respondent agrees or differs. Blank: the respondent fills in the amounts. Negative: an answer only if it disagrees (not sufficient evidence on its own)."}},
	{"dash.import", {"一括取込", "Bulk import"}},
	/* bulk import */
	{"imp.title", {"確認状の一括取込", "Bulk import of confirmations"}},
	{"imp.upload", {"ファイルを取り込む", "Upload a file"}},
	{"imp.help", {"CSV・Excel（XLSX）・XML のファイルから下書きを一括で作成します。1行でも誤りがあれば何も作成されず、誤りのある行をすべて表示します。ひな形をご利用ください。",
	    "Create drafts from a CSV, Excel (XLSX) or XML file. If any row is wrong nothing is created, and every wrong row is listed. Start from a template."}},
	{"imp.template_csv", {"CSV のひな形をダウンロード", "Download the CSV template"}},
	{"imp.template_xlsx", {"Excel のひな形をダウンロード", "Download the Excel template"}},
	{"imp.wait", {"大きなファイルは処理に時間がかかります。送信後、このページを開いたままお待ちください。",
	    "Large files take a while. After sending, keep this page open until it finishes."}},
	{"imp.submit", {"取り込む", "Import"}},
	{"imp.rows", {"誤りのある行", "Rows with problems"}},
	{"imp.row", {"行", "Row"}},
	{"imp.column", {"列", "Column"}},
	{"imp.problem", {"内容", "Problem"}},
	{"imp.failed", {"誤りがあるため、何も取り込まれませんでした。下の行を直して、もう一度お送りください。",
	    "Nothing was imported because some rows have problems. Correct the rows below and send the file again."}},
	{"imp.no_file", {"ファイルを選んでください。", "Please choose a file."}},
	{"imp.bad_type", {"CSV・XLSX・XML のファイルのみ取り込めます。", "Only CSV, XLSX and XML files can be imported."}},
	/* documents */
	{"doc.attachments", {"添付ファイル", "Attachments"}},
	{"doc.none", {"添付ファイルはありません。", "There are no attachments."}},
	{"doc.file", {"ファイル", "File"}},
	{"doc.upload", {"アップロード", "Upload"}},
	{"doc.bytes", {"バイト", "bytes"}},
	{"ans.attach_help", {"回答の裏付けとなる資料（残高証明書など）を添付できます。ファイルはウイルス検査のうえ暗号化して保管されます。",
	    "You may attach supporting documents (a balance certificate, for example). Files are scanned for viruses and stored encrypted."}},
	{"ans.attach", {"添付する", "Attach"}},
	{"ans.attached", {"添付しました：", "Attached:"}},
	{"v.not_attached", {"選んだファイルはまだ添付されていないため、回答は送信していません。ファイルをもう一度選んで「添付する」を押してから、回答を送信してください。",
	    "The answer was not sent: the file you chose was not attached yet. Choose it again, press Attach, then send the answer."}},
	/* progress of a long upload or import (app.js) */
	{"prog.label", {"送信の進み具合", "Progress"}},
	{"prog.sending", {"送信中", "Sending"}},
	{"prog.scanning", {"送信しました。ウイルス検査と保存を行っています…", "Sent. Checking for viruses and storing the file…"}},
	{"prog.importing", {"送信しました。各行を確認して取り込んでいます…", "Sent. Checking and importing the rows…"}},
	{"prog.failed", {"送信できませんでした。接続を確認して、もう一度お試しください。",
	    "The file could not be sent. Check your connection and try again."}},
	/* comments */
	{"cmt.title", {"コメント", "Comments"}},
	{"cmt.none", {"コメントはありません。", "There are no comments."}},
	{"cmt.thread", {"宛先", "Thread"}},
	{"cmt.audit_client", {"監査チームと被監査会社", "Audit team and client"}},
	{"cmt.audit_respondent", {"監査チームと確認回答者", "Audit team and respondent"}},
	{"cmt.body", {"コメント本文", "Comment"}},
	{"cmt.add", {"コメントを投稿", "Post the comment"}},
	/* history */
	{"hist.title", {"履歴（監査ログ）", "History (audit log)"}},
	/* exports and the evidence pack on the project page (lane e2) */
	{"dash.exports", {"出力", "Exports"}},
	{"dash.export_csv", {"CSV で出力", "Export as CSV"}},
	{"dash.export_xml", {"XML で出力", "Export as XML"}},
	{"dash.export_xlsx", {"Excel（XLSX）で出力", "Export as Excel (XLSX)"}},
	{"dash.evidence", {"証跡パッケージ（ZIP）をダウンロード", "Download the evidence pack (ZIP)"}},
	{"dash.evidence_help", {"回答・書類・エクスポート・監査ログと、各ファイルの SHA-256 を記載した manifest.json を一つの ZIP にまとめます。bgw-admin evidence-verify で改ざんの有無を確認できます。",
	    "Answers, documents, the exports and the audit log in one ZIP, with manifest.json listing each file's SHA-256; bgw-admin evidence-verify checks it has not been changed."}},
	{NULL, {NULL, NULL}},
};
