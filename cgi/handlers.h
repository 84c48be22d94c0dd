/* handlers.h - every route handler, one file per resource. */
#ifndef BGW_HANDLERS_H
#define BGW_HANDLERS_H

#include "request.h"

bgw_err h_health(bgw_request *r);

#endif
