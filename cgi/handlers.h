/* handlers.h - every route handler (one file per resource) and the fields it declares. */
#ifndef BGW_HANDLERS_H
#define BGW_HANDLERS_H

#include "jsonout.h"
#include "request.h"

/* h_health.c */
bgw_err h_health(bgw_request *r);

/* h_session.c */
extern const field_spec login_fields[];
bgw_err h_session_create(bgw_request *r);
bgw_err h_session_get(bgw_request *r);
bgw_err h_session_delete(bgw_request *r);

/* h_account.c */
extern const field_spec accept_fields[], reset_fields[], reset_complete_fields[],
	password_change_fields[], otp_fields[], mfa_off_fields[];
bgw_err h_invitation_accept(bgw_request *r);
bgw_err h_password_reset(bgw_request *r);
bgw_err h_password_reset_complete(bgw_request *r);
bgw_err h_password_change(bgw_request *r);
bgw_err h_mfa_begin(bgw_request *r);
bgw_err h_mfa_verify(bgw_request *r);
bgw_err h_mfa_disable(bgw_request *r);

/* h_project.c */
extern const field_spec project_create_fields[], access_fields[], member_add_fields[];
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

/* h_operator.c */
extern const db_stmt stmt_operator[];
bgw_err h_operator_firms(bgw_request *r);
bgw_err h_operator_users(bgw_request *r);
bgw_err h_operator_lock(bgw_request *r);
bgw_err h_operator_unlock(bgw_request *r);

#endif
