/* i18n_org.c - the UI strings of a respondent organisation's own page (cgi/pages/page_org.c,
 * issue 17): its users and units (ja, en). */
#include "core/i18n_catalogue.h"

const i18n_entry i18n_org[] = {
	{"nav.org", {"組織", "Organisation"}},
	{"org.title", {"組織のユーザーと部署", "Your organisation's users and units"}},
	{"org.help", {"組織宛ての確認状は、すべての監査法人・監査業務の分がひとつの受信箱に届きます。"
		"プロジェクトごとの招待は不要です。初回認証コードは、組織として監査業務ごとに一度入力すれば足ります。",
		"Confirmation requests to your organisation from every audit firm and engagement arrive in one inbox; "
		"no invitation per project is needed.  The first-access code is entered once per engagement for the whole organisation."}},
	{"org.users", {"ユーザー", "Users"}},
	{"org.unit", {"所属", "Unit"}},
	{"org.whole", {"組織全体（回答窓口）", "Whole organisation (the desk)"}},
	{"org.state", {"状態", "State"}},
	{"org.active", {"有効", "Active"}},
	{"org.inactive", {"無効", "Deactivated"}},
	{"org.admin", {"管理者にする（ユーザー管理と回答の承認）", "Make an admin (manages users, approves answers)"}},
	{"org.change", {"変更", "Change"}},
	{"org.deactivate", {"無効にする", "Deactivate"}},
	{"org.reactivate", {"有効に戻す", "Reactivate"}},
	{"org.units", {"回答窓口・支店・部署", "Desk, branches and departments"}},
	{"org.unit_add", {"支店・部署を追加", "Add a branch or department"}},
	{"org.unit_name", {"名称", "Name"}},
	{"org.unit_kind", {"種別", "Kind"}},
	{"org.unit_code", {"店番（3桁）", "Branch code (3 digits)"}},
	{"org.unit_email", {"窓口のメールアドレス", "Desk address"}},
	{"org.kind.desk", {"回答窓口", "Desk"}},
	{"org.kind.branch", {"支店", "Branch"}},
	{"org.kind.department", {"部署", "Department"}},
	{NULL, {NULL, NULL}},
};
