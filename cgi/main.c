/* main.c - bgw-fcgi: create the FastCGI socket and run the worker pool.
 *
 *   bgw-fcgi --config FILE      serve (foreground; SIGTERM drains, SIGHUP reloads)
 *   bgw-fcgi --routes           print the route table as JSON lines (for the access tests)
 *   bgw-fcgi --transitions      print the workflow's states, actions (with the policy action
 *                               guarding each) and transition table as one JSON object (for
 *                               tests/integration/workflow-matrix.test.mjs)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "master.h"
#include "route.h"
#include "flow/workflow.h"

#define LISTEN_BACKLOG 1024

static int
open_socket(const bgw_config *cfg)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(cfg->socket) >= sizeof(sun.sun_path)) {
		bgw_log(BGW_LOG_ERROR, "cannot use socket path %s: too long", cfg->socket);
		return -1;
	}
	memcpy(sun.sun_path, cfg->socket, strlen(cfg->socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		bgw_log(BGW_LOG_ERROR, "could not create socket: %s", strerror(errno));
		return -1;
	}
	/* A stale socket from a previous run would make bind fail. */
	unlink(cfg->socket);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(cfg->socket, (mode_t)cfg->socket_mode) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not listen on %s: %s", cfg->socket, strerror(errno));
		close(fd);
		return -1;
	}
	/* Workers inherit it across fork; no exec happens, but keep the flag off for clarity. */
	return fd;
}

static int
print_routes(void)
{
	for (const route *const *t = route_tables; *t != NULL; t++)
	for (const route *rt = *t; rt->method != NULL; rt++)
		printf("{\"method\":\"%s\",\"pattern\":\"%s\",\"action\":\"%s\",\"auth\":\"%s\","
		    "\"csrf\":%s,\"body\":\"%s\",\"secret_answer\":%s,\"tx\":\"%s\","
		    "\"target\":\"%s\",\"policy_target\":\"%s\"}\n", rt->method, rt->pattern,
		    policy_action_name(rt->action), route_auth_name(rt->auth),
		    rt->csrf ? "true" : "false", route_body_name(rt->body),
		    rt->answer == ANSWER_SECRET ? "true" : "false", route_tx_name(rt->tx),
		    route_target_name(rt->target),
		    route_target_name(policy_target_kind(rt->action)));
	return 0;
}

/* Names are the fixed identifiers of lib/flow/workflow.c and lib/auth/policy.c: no escaping needed. */
static int
print_transitions(void)
{
	const wf_transition *rows;
	size_t n = workflow_transitions(&rows);

	printf("{\"states\":[");
	for (int s = 0; s < WF_STATE__COUNT; s++)
		printf("%s\"%s\"", s > 0 ? "," : "", wf_state_name((enum wf_state)s));
	printf("],\"actions\":[");
	for (int a = 0; a < WF_ACTION__COUNT; a++)
		printf("%s{\"name\":\"%s\",\"policy\":\"%s\"}", a > 0 ? "," : "",
		    wf_action_name((enum wf_action)a),
		    policy_action_name(workflow_policy_action((enum wf_action)a)));
	printf("],\"transitions\":[");
	for (size_t i = 0; i < n; i++)
		printf("%s{\"from\":\"%s\",\"action\":\"%s\",\"to\":\"%s\"}", i > 0 ? "," : "",
		    wf_state_name(rows[i].from), wf_action_name(rows[i].act), wf_state_name(rows[i].to));
	printf("]}\n");
	return 0;
}

int
main(int argc, char **argv)
{
	bgw_config cfg;
	const char *path;
	int fd;

	bgw_log_init("master");
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--routes") == 0)
			return print_routes();
		else if (strcmp(argv[i], "--transitions") == 0)
			return print_transitions();
	path = config_path_from_args(argc, argv);
	if (path == NULL) {
		fprintf(stderr, "usage: bgw-fcgi --config FILE | --routes | --transitions\n");
		return 2;
	}
	if (config_load(&cfg, path) != BGW_OK)
		return 1;
	fd = open_socket(&cfg);
	if (fd < 0)
		return 1;
	return master_run(&cfg, path, fd);
}
