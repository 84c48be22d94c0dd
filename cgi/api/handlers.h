/* handlers.h - every route handler (one file per resource) and the fields it declares. */
#ifndef BGW_HANDLERS_H
#define BGW_HANDLERS_H

#include "http/jsonout.h"
#include "records/importrow.h"
#include "request.h"

/* page_error.c: the error answer of an HTML page route (the router calls it) */
void page_render_error(bgw_request *r, bgw_err err);

/* The HTML pages (routes_pages.c; helpers in page.h).
 * page_layout.c */
bgw_err page_home(bgw_request *r);
bgw_err page_lang(bgw_request *r);
/* page_session.c */
bgw_err page_login(bgw_request *r);
bgw_err page_login_post(bgw_request *r);
bgw_err page_logout(bgw_request *r);
/* page_project.c */
bgw_err page_projects(bgw_request *r);
bgw_err page_project_create(bgw_request *r);
bgw_err page_dashboard(bgw_request *r);
bgw_err page_access(bgw_request *r);
bgw_err page_access_post(bgw_request *r);
bgw_err page_bulk_authorize(bgw_request *r);
bgw_err page_project_complete(bgw_request *r);
/* page_conf.c */
bgw_err page_conf(bgw_request *r);
bgw_err page_conf_submit(bgw_request *r);
bgw_err page_conf_authorize(bgw_request *r);
bgw_err page_conf_return(bgw_request *r);
bgw_err page_conf_refuse(bgw_request *r);
bgw_err page_conf_address_check(bgw_request *r);
bgw_err page_conf_send(bgw_request *r);
bgw_err page_conf_respondent_code(bgw_request *r);
bgw_err page_conf_approve(bgw_request *r);
bgw_err page_conf_send_back(bgw_request *r);
bgw_err page_conf_decline(bgw_request *r);
bgw_err page_conf_review(bgw_request *r);
bgw_err page_conf_resolve(bgw_request *r);
bgw_err page_conf_ask_again(bgw_request *r);
bgw_err page_conf_close(bgw_request *r);
bgw_err page_conf_remind(bgw_request *r);
bgw_err page_conf_cancel(bgw_request *r);
bgw_err page_conf_share(bgw_request *r);
/* page_conf_form.c, page_import.c, page_inbox.c, page_answer.c, page_receipt.c,
 * page_conf_records.c (pagesb: the confirmation-side pages) */
bgw_err page_conf_new(bgw_request *r);
bgw_err page_conf_new_post(bgw_request *r);
bgw_err page_conf_edit(bgw_request *r);
bgw_err page_conf_edit_post(bgw_request *r);
bgw_err page_import(bgw_request *r);
bgw_err page_import_post(bgw_request *r);
bgw_err page_inbox(bgw_request *r);
bgw_err page_answer(bgw_request *r);
bgw_err page_answer_post(bgw_request *r);
bgw_err page_receipt(bgw_request *r);
bgw_err page_comment_add(bgw_request *r);
bgw_err page_doc_upload(bgw_request *r);

/* The account-side pages (routes_pages_account.c; pagesa).
 * page_invite.c: links from mail (invitation, password reset) */
bgw_err page_invitation(bgw_request *r);
bgw_err page_invitation_accept(bgw_request *r);
bgw_err page_reset(bgw_request *r);
bgw_err page_reset_post(bgw_request *r);
bgw_err page_reset_complete(bgw_request *r);
/* page_account.c: account settings, password change, MFA */
bgw_err page_account(bgw_request *r);
bgw_err page_password_change(bgw_request *r);
bgw_err page_mfa_begin(bgw_request *r);
bgw_err page_mfa_verify(bgw_request *r);
bgw_err page_mfa_disable(bgw_request *r);
/* page_members.c: a project's members, the first-access code */
bgw_err page_members(bgw_request *r);
bgw_err page_member_add(bgw_request *r);
bgw_err page_member_remove(bgw_request *r);
bgw_err page_member_unlock(bgw_request *r);
bgw_err page_code_regenerate(bgw_request *r);
/* page_help.c: public help and verify pages */
bgw_err page_help(bgw_request *r);
bgw_err page_verify(bgw_request *r);
/* page_operator.c: firms, users, lock and unlock */
bgw_err page_operator(bgw_request *r);
bgw_err page_operator_lock(bgw_request *r);
bgw_err page_operator_unlock(bgw_request *r);

/* h_health.c */
bgw_err h_health(bgw_request *r);

/* h_session.c (fields and the use cases' glue: authglue.h) */
bgw_err h_session_create(bgw_request *r);
bgw_err h_session_get(bgw_request *r);
bgw_err h_session_delete(bgw_request *r);

/* h_account.c */
bgw_err h_invitation_accept(bgw_request *r);
bgw_err h_password_reset(bgw_request *r);
bgw_err h_password_reset_complete(bgw_request *r);
bgw_err h_password_change(bgw_request *r);
bgw_err h_mfa_begin(bgw_request *r);
bgw_err h_mfa_verify(bgw_request *r);
bgw_err h_mfa_disable(bgw_request *r);

/* h_account.c (ident): DELETE /api/v1/users/{uid}, account deletion */
bgw_err h_account_delete(bgw_request *r);

/* h_project.c */
extern const field_spec project_create_fields[], project_patch_fields[], access_fields[],
	member_add_fields[];
bgw_err h_project_patch(bgw_request *r);
bgw_err h_project_create(bgw_request *r);
bgw_err h_project_list(bgw_request *r);
bgw_err h_project_access(bgw_request *r);
bgw_err h_project_get(bgw_request *r);
bgw_err h_project_complete(bgw_request *r);
bgw_err h_project_code_regenerate(bgw_request *r);
bgw_err h_members_list(bgw_request *r);
bgw_err h_member_add(bgw_request *r);
bgw_err h_member_remove(bgw_request *r);
bgw_err h_member_unlock(bgw_request *r);

/* h_confirmation.c */
extern const field_spec reason_fields[], address_check_fields[], approve_fields[],
	review_fields[], resolve_fields[], close_fields[], share_fields[];
bgw_err h_conf_create(bgw_request *r);
bgw_err h_conf_list(bgw_request *r);
bgw_err h_inbox(bgw_request *r);
bgw_err h_conf_get(bgw_request *r);
bgw_err h_conf_receipt(bgw_request *r);
bgw_err h_conf_patch(bgw_request *r);
bgw_err h_conf_submit(bgw_request *r);
bgw_err h_conf_authorize(bgw_request *r);
bgw_err h_conf_return(bgw_request *r);
bgw_err h_conf_refuse(bgw_request *r);
bgw_err h_conf_cancel(bgw_request *r);
bgw_err h_conf_ask_again(bgw_request *r);
bgw_err h_conf_decline(bgw_request *r);
bgw_err h_conf_close(bgw_request *r);
bgw_err h_conf_address_check(bgw_request *r);
bgw_err h_conf_send(bgw_request *r);
bgw_err h_conf_respondent_code(bgw_request *r);
/* Send and code reissue: {code_channel: "phone" | "letter" | "mail"} (lib/flow/confflow.h). */
extern const field_spec send_fields[], respondent_code_fields[];
bgw_err h_conf_remind(bgw_request *r);
bgw_err h_conf_respond(bgw_request *r);
bgw_err h_conf_approve(bgw_request *r);
bgw_err h_conf_send_back(bgw_request *r);
bgw_err h_conf_review(bgw_request *r);
bgw_err h_conf_resolve(bgw_request *r);
bgw_err h_conf_share(bgw_request *r);

/* h_document.c */
bgw_err h_doc_upload(bgw_request *r);
bgw_err h_doc_list(bgw_request *r);
bgw_err h_doc_download(bgw_request *r);

bgw_err h_operator_firms(bgw_request *r);
bgw_err h_operator_users(bgw_request *r);
bgw_err h_operator_lock(bgw_request *r);
bgw_err h_operator_unlock(bgw_request *r);

bgw_err h_metrics(bgw_request *r);
/* Count r (its route, status and duration) in the shared counters; call once per request
 * after the answer is sent and before the arena is reset. */
void h_metrics_observe(bgw_request *r, double duration_ms);

/* h_notify.c (notify) */
extern const field_spec reminders_fields[], addressee_fields[];
bgw_err h_reminders_get(bgw_request *r);
bgw_err h_reminders_set(bgw_request *r);

/* h_prefs.c: the signed-in user's notification preferences */
extern const field_spec prefs_fields[];
bgw_err h_prefs_get(bgw_request *r);
bgw_err h_prefs_set(bgw_request *r);
bgw_err page_prefs_save(bgw_request *r);  /* page_prefs.c: POST /me/notifications */

/* page_controls.c: the project's controls (routes_controls.c) */
bgw_err page_settings(bgw_request *r);
bgw_err page_settings_post(bgw_request *r);
bgw_err page_audit_log(bgw_request *r);
bgw_err page_project_documents(bgw_request *r);
bgw_err page_undeliverable(bgw_request *r);
bgw_err page_readdress(bgw_request *r);
/* page_unsub.c: the digest's signed unsubscribe link */
bgw_err page_unsub_show(bgw_request *r);
bgw_err page_unsub_post(bgw_request *r);
bgw_err h_conf_addressee(bgw_request *r);

/* h_comment.c, h_history.c, h_verify.c, h_export.c, h_import.c (routes_records.c) */
extern const field_spec comment_fields[];
bgw_err h_comment_list(bgw_request *r);
bgw_err h_comment_add(bgw_request *r);
bgw_err h_conf_history(bgw_request *r);
bgw_err h_project_audit_log(bgw_request *r);
bgw_err h_verify(bgw_request *r);

/* h_pdf.c (routes_pdf.c) */
bgw_err h_conf_receipt_pdf(bgw_request *r);
bgw_err h_conf_letter_pdf(bgw_request *r);
bgw_err h_project_letters_pdf(bgw_request *r);
bgw_err page_letters_pdf(bgw_request *r);  /* the dashboard's form of the same */
bgw_err h_export_csv(bgw_request *r);
bgw_err h_export_xml(bgw_request *r);
bgw_err h_export_xlsx(bgw_request *r);
bgw_err h_evidence_zip(bgw_request *r);
/* 422 (or 400, 413) {"error": {code, message, rows}} with every bad row of res, as imports
 * answer (h_import.c); nothing was written, so the transaction may commit. */
bgw_err h_reply_rows(bgw_request *r, bgw_err kind, const import_result *res);
bgw_err h_conf_import(bgw_request *r);
bgw_err h_import_template(bgw_request *r);

/* h_bulkanswer.c: a respondent desk's bulk answers */
extern const field_spec bulk_approve_fields[];
bgw_err h_bulk_open_csv(bgw_request *r);
bgw_err h_bulk_open_xlsx(bgw_request *r);
bgw_err h_bulk_answers(bgw_request *r);
bgw_err h_bulk_approve(bgw_request *r);
/* page_desk.c: the same as pages (/inbox/desk) */
bgw_err page_desk(bgw_request *r);
bgw_err page_desk_upload(bgw_request *r);
bgw_err page_desk_approve(bgw_request *r);
/* h_certified.c (routes_certified.c): certified respondents, the directory, desk routing */
extern const field_spec certified_fields[], directory_pick_fields[], desk_route_fields[];
bgw_err h_certified_register(bgw_request *r);
bgw_err h_certified_list(bgw_request *r);
bgw_err h_conf_directory_pick(bgw_request *r);
bgw_err h_desk_list(bgw_request *r);
bgw_err h_desk_route(bgw_request *r);
/* page_desk_queue.c: a certified respondent's desk queue and routing (/desk) */
bgw_err page_desk_queue(bgw_request *r);
bgw_err page_desk_queue_route(bgw_request *r);

#endif
