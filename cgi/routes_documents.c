/* routes_documents.c - the routes of uploaded documents. */
#include "handlers.h"
#include "route.h"

const route routes_documents[] = {
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
