/*
 * baseline_fcgi: the smallest honest FastCGI responder, for two jobs.
 *
 *   baseline_fcgi SOCKET [WORKERS]
 *
 * 1. The benchmark baseline: it measures what nginx + TLS + ModSecurity + libfcgi cost
 *    without any application work, so bench numbers of bgw-fcgi can be read against it.
 * 2. A stand-in upstream while the stack (nginx, WAF, headers) is developed.
 *
 * It binds SOCKET (mode 0660, so only its own user and group can connect), pre-forks WORKERS
 * processes (default 2) and answers every request 200 {"ok":true}.  It reads and discards
 * the request body, as a real application must, so uploads are measured fairly.  It does
 * not restart dead workers or reload: it is a baseline, not a server.  SIGTERM stops all.
 */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define BASELINE_BACKLOG 1024
#define BASELINE_DEFAULT_WORKERS 2
#define BASELINE_MAX_WORKERS 256
#define BASELINE_READ_CHUNK 65536

static const char reply[] =
	"Status: 200 OK\r\n"
	"Content-Type: application/json\r\n"
	"\r\n"
	"{\"ok\":true}";

static void
serve(int fd)
{
	FCGX_Request req;
	static char sink[BASELINE_READ_CHUNK];

	if (FCGX_InitRequest(&req, fd, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(sink, sizeof(sink), req.in) > 0)
			;
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, req.out);
		/* Read to its end: close without libfcgi's lingering wait, as bgw-fcgi does
		 * (cgi/worker.c, close_without_linger_if_read). */
		if (FCGX_HasSeenEOF(req.in) == EOF)
			FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int
main(int argc, char **argv)
{
	int workers = BASELINE_DEFAULT_WORKERS;
	pid_t pids[BASELINE_MAX_WORKERS];
	sigset_t stop;
	int fd, i, sig;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: baseline_fcgi SOCKET [WORKERS]\n");
		return 2;
	}
	if (argc == 3) {
		workers = atoi(argv[2]);
		if (workers < 1 || workers > BASELINE_MAX_WORKERS) {
			fprintf(stderr, "baseline_fcgi: workers must be 1..%d\n", BASELINE_MAX_WORKERS);
			return 2;
		}
	}
	if (FCGX_Init() != 0)
		return 1;
	unlink(argv[1]);
	umask(007);
	fd = FCGX_OpenSocket(argv[1], BASELINE_BACKLOG);
	if (fd < 0) {
		fprintf(stderr, "baseline_fcgi: could not listen on %s\n", argv[1]);
		return 1;
	}
	/* Block the stop signals before forking so none is lost; workers unblock them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	for (i = 0; i < workers; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			sigprocmask(SIG_UNBLOCK, &stop, NULL);
			serve(fd);
		}
		if (pids[i] < 0) {
			perror("baseline_fcgi: could not fork");
			workers = i;
			break;
		}
	}
	/* Wait for a stop signal, forward it to the workers and reap them. */
	sigwait(&stop, &sig);
	for (i = 0; i < workers; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < workers; i++)
		waitpid(pids[i], NULL, 0);
	unlink(argv[1]);
	return 0;
}
