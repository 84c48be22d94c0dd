/* i18n_desk.c - the UI strings of a certified respondent's desk: its queue, routing to
 * branches, and what waits for whom (ja, en). */
#include "core/i18n_catalogue.h"

const i18n_entry i18n_desk[] = {
	{"deskq.title", {"回答窓口", "Response desk"}},
	{"deskq.not_member", {"このアカウントは認定回答者の回答窓口・支店に所属していません。",
	    "This account does not belong to a certified respondent's desk or branch."}},
	{"deskq.at_desk", {"回答窓口", "Response desk"}},
	{"deskq.branch", {"支店・部署", "Branch or department"}},
	{"deskq.all_units", {"すべて", "All"}},
	{"deskq.overdue_only", {"回答期限を過ぎたものだけ", "Overdue only"}},
	{"deskq.apply", {"絞り込む", "Filter"}},
	{"deskq.overdue", {"期限超過", "Overdue"}},
	{"deskq.select", {"選択", "Select"}},
	{"deskq.at", {"担当", "At"}},
	{"deskq.waiting_for", {"待ち", "Waiting for"}},
	{"deskq.wait_desk", {"回答窓口の回答作成", "The desk's answer"}},
	{"deskq.wait_branch", {"支店・部署の回答作成", "The branch's answer"}},
	{"deskq.wait_approver", {"承認者の再鑑", "The approver's check"}},
	{"deskq.wait_audit", {"監査チームの確認", "The audit team's review"}},
	{"deskq.wait_none", {"対応不要", "Nothing"}},
	{"deskq.none", {"該当する確認状はありません。", "No confirmations."}},
	{"deskq.route", {"支店・部署への回付", "Route to a branch or department"}},
	{"deskq.route_help", {"一覧で選んだ確認状を、回答を作成する支店・部署に回付します。回答は支店・部署で作成し、その支店・部署または回答窓口の承認者が再鑑します（作成者本人は承認できません）。",
	    "Route the confirmations selected above to the branch or department that prepares the answer. The answer is then checked by an approver of that branch or of the desk (never by its own maker)."}},
	{"deskq.route_to", {"回付先", "Route to"}},
	{"deskq.choose_unit", {"選んでください", "Choose"}},
	{"deskq.route_submit", {"選択した確認状を回付", "Route the selected confirmations"}},
	{"deskq.routed", {"回付しました", "Routed"}},
	{NULL, {NULL, NULL}},
};
