/* master.c - pre-fork pool: fork N workers on the shared socket, replace any that dies,
 * replace all of them on SIGHUP, drain on SIGTERM. */
#include "master.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "worker.h"

#define MASTER_MAX_WORKERS 256
/* Workers that die faster than this after their start are restarted with a pause, so a
 * crash loop (e.g. a bad config) does not burn the machine. */
#define MASTER_FAST_DEATH_S 1
#define MASTER_RESTART_PAUSE_US 200000
/* How often an idle worker blocked in accept is poked again during a stop, and how long a
 * busy one may take to finish before it is killed. */
#define MASTER_POKE_US 200000
#define MASTER_DRAIN_TIMEOUT_S 60

struct slot {
	pid_t pid;
	unsigned generation;
	time_t started;
};

static volatile sig_atomic_t got_term, got_hup;
static struct slot slots[MASTER_MAX_WORKERS];
static unsigned generation;

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
}

static void
on_chld(int sig)
{
	(void)sig; /* only interrupts sleep so the loop reaps at once */
}

static pid_t
spawn(const bgw_config *cfg, int listen_fd, int i)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
		_exit(worker_run(cfg, listen_fd));
	}
	if (pid < 0) {
		bgw_log(BGW_LOG_ERROR, "could not fork worker: %s", strerror(errno));
		return -1;
	}
	slots[i].pid = pid;
	slots[i].generation = generation;
	slots[i].started = time(NULL);
	return pid;
}

static int
live_workers(void)
{
	int n = 0;

	for (int i = 0; i < MASTER_MAX_WORKERS; i++)
		if (slots[i].pid > 0)
			n++;
	return n;
}

/* Reap every dead child; returns how many died unexpectedly and quickly. */
static int
reap(void)
{
	int status, fast = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < MASTER_MAX_WORKERS; i++) {
			if (slots[i].pid != pid)
				continue;
			if (!got_term && slots[i].generation == generation) {
				bgw_log(BGW_LOG_WARN, "worker %ld died (%s %d); replacing it", (long)pid,
				    WIFSIGNALED(status) ? "signal" : "exit",
				    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
				metrics_worker_restarted();
				if (time(NULL) - slots[i].started < MASTER_FAST_DEATH_S)
					fast++;
			}
			slots[i].pid = 0;
		}
	}
	return fast;
}

static void
signal_generation(int sig, unsigned older_than)
{
	for (int i = 0; i < MASTER_MAX_WORKERS; i++)
		if (slots[i].pid > 0 && slots[i].generation < older_than)
			kill(slots[i].pid, sig);
}

/* Start workers of the current generation until cfg->workers of them run. */
static void
fill(const bgw_config *cfg, int listen_fd)
{
	int want = cfg->workers, have = 0;

	for (int i = 0; i < MASTER_MAX_WORKERS; i++)
		if (slots[i].pid > 0 && slots[i].generation == generation)
			have++;
	for (int i = 0; i < MASTER_MAX_WORKERS && have < want; i++) {
		if (slots[i].pid != 0)
			continue;
		if (spawn(cfg, listen_fd, i) > 0)
			have++;
	}
}

static void
drain(void)
{
	time_t deadline = time(NULL) + MASTER_DRAIN_TIMEOUT_S;

	bgw_log(BGW_LOG_INFO, "draining %d workers", live_workers());
	while (live_workers() > 0) {
		if (time(NULL) > deadline) {
			bgw_log(BGW_LOG_ERROR, "workers did not finish in %d s; killing them",
			    MASTER_DRAIN_TIMEOUT_S);
			signal_generation(SIGKILL, generation + 1);
		} else {
			/* Repeated: a worker that was between its stop check and accept() when the
			 * first signal came is still blocked in accept. */
			signal_generation(SIGTERM, generation + 1);
		}
		usleep(MASTER_POKE_US);
		reap();
	}
}

int
master_run(bgw_config *cfg, const char *config_path, int listen_fd)
{
	struct sigaction sa;

	bgw_log_init("master");
	if (cfg->workers > MASTER_MAX_WORKERS)
		cfg->workers = MASTER_MAX_WORKERS;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	generation = 1;
	fill(cfg, listen_fd);
	bgw_log(BGW_LOG_INFO, "serving with %d workers", cfg->workers);
	while (!got_term) {
		if (got_hup) {
			bgw_config fresh;

			got_hup = 0;
			if (config_load(&fresh, config_path) != BGW_OK) {
				bgw_log(BGW_LOG_ERROR, "reload refused: config is not valid");
			} else {
				if (strcmp(fresh.socket, cfg->socket) != 0)
					bgw_log(BGW_LOG_WARN, "socket change needs a restart; keeping %s",
					    cfg->socket);
				snprintf(fresh.socket, sizeof(fresh.socket), "%s", cfg->socket);
				*cfg = fresh;
				if (cfg->workers > MASTER_MAX_WORKERS)
					cfg->workers = MASTER_MAX_WORKERS;
				generation++;
				/* New workers first, then the old ones finish their request and go. */
				fill(cfg, listen_fd);
				signal_generation(SIGTERM, generation);
				bgw_log(BGW_LOG_INFO, "reloaded; %d workers", cfg->workers);
			}
		}
		if (reap() > 0)
			usleep(MASTER_RESTART_PAUSE_US);
		/* Old generations may still be draining; poke them in case one was about to
		 * block in accept when its signal came. */
		signal_generation(SIGTERM, generation);
		fill(cfg, listen_fd);
		usleep(MASTER_POKE_US);
	}
	drain();
	bgw_log(BGW_LOG_INFO, "stopped");
	return 0;
}
