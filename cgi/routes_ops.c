/* routes_ops.c - the routes of operations: metrics.
 *
 * /metrics is public in the router's sense (a Prometheus scraper has no session); the
 * handler itself answers 404 to any address outside loopback and operator_networks. */
#include "api/handlers.h"
#include "route.h"

const route routes_ops[] = {
	{"GET", "/metrics", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, h_metrics,
	    ANSWER_KEPT, TX_NONE, TARGET_NONE},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
