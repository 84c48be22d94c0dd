/* handlers.h - every route handler, one file per resource. */
#ifndef BGW_HANDLERS_H
#define BGW_HANDLERS_H

#include "request.h"

bgw_err h_health(bgw_request *r);

extern const field_spec login_fields[];
bgw_err h_session_create(bgw_request *r);
bgw_err h_session_get(bgw_request *r);
bgw_err h_session_delete(bgw_request *r);

#endif
