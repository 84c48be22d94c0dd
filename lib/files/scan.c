/* scan.c - clamd INSTREAM over a unix socket with bounded waits.
 *
 * The socket is non-blocking after connect; every send and receive waits in poll(2) against
 * a deadline, so no single clamd behaviour (hung, slow, closed) can hold the caller longer
 * than the scan timeout per step.  MSG_NOSIGNAL keeps a closed clamd from raising SIGPIPE in
 * a process that has not ignored it.
 */
#include "files/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

/* clamd answers a z-command with one NUL-terminated line; anything longer is not clamd. */
#define SCAN_REPLY_MAX 256

/* How many characters of an unexpected reply go to the log. */
#define SCAN_REPLY_LOG_MAX 64

static const char cmd_instream[] = "zINSTREAM"; /* sent with its NUL */
static const char cmd_ping[] = "zPING";
static const char reply_ok[] = "stream: OK";
static const char reply_found_prefix[] = "stream: ";
static const char reply_found_suffix[] = " FOUND";
static const char reply_too_large[] = "INSTREAM size limit exceeded. ERROR";
static const char reply_pong[] = "PONG";
static const char cmd_version[] = "zVERSION";
static const char reply_version_prefix[] = "ClamAV ";

struct scan_stream {
	int fd;
	bgw_err err;     /* sticky error of scan_write */
	int peer_closed; /* clamd closed while we were sending: its reason is in the reply */
};

enum io_result { IO_OK, IO_CLOSED, IO_TIMEOUT, IO_FAILED };

static int scan_timeout_ms = SCAN_TIMEOUT_MS_DEFAULT;

void
scan_set_timeout(int timeout_ms)
{
	scan_timeout_ms = timeout_ms > 0 ? timeout_ms : SCAN_TIMEOUT_MS_DEFAULT;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or deadline passes: 1 ready, 0 timed out, -1 error. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = {.fd = fd, .events = events};

	for (;;) {
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

static enum io_result
send_all(int fd, const void *buf, size_t n, int64_t deadline)
{
	const unsigned char *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			return IO_CLOSED;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int r = wait_fd(fd, POLLOUT, deadline);

			if (r == 0)
				return IO_TIMEOUT;
			if (r < 0)
				return IO_FAILED;
			continue;
		}
		return IO_FAILED;
	}
	return IO_OK;
}

/* Read one reply up to its NUL (or the end of the stream) into buf (cap > 1), NUL-terminated.
 * *terminated tells whether clamd sent the NUL.  IO_OK also covers an end of stream after
 * some bytes; IO_CLOSED means no byte at all arrived. */
static enum io_result
read_reply(int fd, char *buf, size_t cap, int *terminated, int64_t deadline)
{
	size_t len = 0;

	*terminated = 0;
	buf[0] = '\0';
	while (len < cap - 1) {
		ssize_t r = recv(fd, buf + len, cap - 1 - len, MSG_DONTWAIT);

		if (r > 0) {
			char *nul = memchr(buf + len, '\0', (size_t)r);

			len += (size_t)r;
			buf[len] = '\0';
			if (nul != NULL) {
				*terminated = 1;
				return IO_OK;
			}
			continue;
		}
		if (r == 0 || (errno == ECONNRESET && len > 0))
			return len > 0 ? IO_OK : IO_CLOSED;
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET)
			return IO_CLOSED;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int w = wait_fd(fd, POLLIN, deadline);

			if (w == 0)
				return IO_TIMEOUT;
			if (w < 0)
				return IO_FAILED;
			continue;
		}
		return IO_FAILED;
	}
	return IO_OK; /* full without a NUL: not a clamd reply, classified as such */
}

static const char *
io_text(enum io_result r)
{
	switch (r) {
	case IO_CLOSED:
		return "connection closed";
	case IO_TIMEOUT:
		return "timed out";
	default:
		return strerror(errno);
	}
}

/* Connect to the unix socket path; the fd is non-blocking afterwards.  -1 on failure
 * (logged). */
static int
clamd_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv;
	int fd, flags;

	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		bgw_log(BGW_LOG_ERROR, "cannot use clamd socket path: empty or too long");
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		bgw_log(BGW_LOG_ERROR, "could not create socket for clamd: %s", strerror(errno));
		return -1;
	}
	/* A blocking unix connect waits while clamd's listen backlog is full; SO_SNDTIMEO
	 * bounds that wait. */
	tv.tv_sec = scan_timeout_ms / 1000;
	tv.tv_usec = (scan_timeout_ms % 1000) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not connect to clamd at %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not set clamd socket non-blocking: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Send one z-command (cmd with its NUL) and read clamd's NUL-terminated reply into reply
 * (cap bytes).  BGW_OK when a whole reply came; else BGW_E_SCANNER_UNAVAILABLE, logged as
 * "could not WHAT". */
static bgw_err
ask(const char *clamd_socket, const char *cmd, size_t cmdlen, const char *what, char *reply,
    size_t cap)
{
	int fd, terminated;
	enum io_result r;

	fd = clamd_connect(clamd_socket);
	if (fd < 0)
		return BGW_E_SCANNER_UNAVAILABLE;
	r = send_all(fd, cmd, cmdlen, now_ms() + scan_timeout_ms);
	if (r == IO_OK)
		r = read_reply(fd, reply, cap, &terminated, now_ms() + scan_timeout_ms);
	close(fd);
	if (r != IO_OK) {
		bgw_log(BGW_LOG_ERROR, "could not %s: %s", what, io_text(r));
		return BGW_E_SCANNER_UNAVAILABLE;
	}
	if (!terminated) {
		bgw_log(BGW_LOG_ERROR, "could not %s: unexpected reply", what);
		return BGW_E_SCANNER_UNAVAILABLE;
	}
	return BGW_OK;
}

bgw_err
scan_ping(const char *clamd_socket)
{
	char reply[SCAN_REPLY_MAX];
	bgw_err err = ask(clamd_socket, cmd_ping, sizeof(cmd_ping), "ping clamd", reply,
	    sizeof(reply));

	if (err != BGW_OK)
		return err;
	if (strcmp(reply, reply_pong) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not ping clamd: unexpected reply");
		return BGW_E_SCANNER_UNAVAILABLE;
	}
	return BGW_OK;
}

bgw_err
scan_signature_time(const char *clamd_socket, time_t *built)
{
	char reply[SCAN_REPLY_MAX];
	const char *date;
	struct tm tm;
	char *end;
	bgw_err err;

	*built = 0;
	err = ask(clamd_socket, cmd_version, sizeof(cmd_version), "ask clamd its version", reply,
	    sizeof(reply));
	if (err != BGW_OK)
		return err;
	if (strncmp(reply, reply_version_prefix, sizeof(reply_version_prefix) - 1) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not ask clamd its version: unexpected reply");
		return BGW_E_SCANNER_UNAVAILABLE;
	}
	/* "ClamAV 1.4.6" alone: no official database is loaded (the offline test signatures). */
	date = strchr(reply, '/');
	if (date == NULL || (date = strchr(date + 1, '/')) == NULL)
		return BGW_OK;
	memset(&tm, 0, sizeof(tm));
	end = strptime(date + 1, "%a %b %e %H:%M:%S %Y", &tm);
	if (end == NULL || *end != '\0') {
		bgw_log(BGW_LOG_ERROR, "could not read clamd's signature date: unexpected reply");
		return BGW_E_SCANNER_UNAVAILABLE;
	}
	/* clamd writes the date in its host's local time, which is ours (same host or zone). */
	tm.tm_isdst = -1;
	*built = mktime(&tm);
	if (*built == (time_t)-1) {
		*built = 0;
		return BGW_E_SCANNER_UNAVAILABLE;
	}
	return BGW_OK;
}

bgw_err
scan_begin(const char *clamd_socket, scan_stream **out)
{
	scan_stream *s;
	enum io_result r;
	int fd;

	*out = NULL;
	fd = clamd_connect(clamd_socket);
	if (fd < 0)
		return BGW_E_SCANNER_UNAVAILABLE;
	r = send_all(fd, cmd_instream, sizeof(cmd_instream), now_ms() + scan_timeout_ms);
	if (r != IO_OK) {
		bgw_log(BGW_LOG_ERROR, "could not start clamd scan: %s", io_text(r));
		close(fd);
		return BGW_E_SCANNER_UNAVAILABLE;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		close(fd);
		return BGW_E_NOMEM;
	}
	s->fd = fd;
	s->err = BGW_OK;
	*out = s;
	return BGW_OK;
}

/* Send one chunk: its length as 4 bytes big-endian, then the bytes. */
static enum io_result
send_chunk(int fd, const unsigned char *p, uint32_t n)
{
	unsigned char len[4] = {
	    (unsigned char)(n >> 24), (unsigned char)(n >> 16),
	    (unsigned char)(n >> 8), (unsigned char)n};
	int64_t deadline = now_ms() + scan_timeout_ms;
	enum io_result r = send_all(fd, len, sizeof(len), deadline);

	if (r == IO_OK && n > 0)
		r = send_all(fd, p, n, deadline);
	return r;
}

bgw_err
scan_write(scan_stream *s, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (s->err != BGW_OK)
		return s->err;
	while (n > 0 && !s->peer_closed) {
		uint32_t chunk = n > SCAN_CHUNK_MAX ? SCAN_CHUNK_MAX : (uint32_t)n;
		enum io_result r = send_chunk(s->fd, p, chunk);

		if (r == IO_CLOSED) {
			s->peer_closed = 1;
			break;
		}
		if (r != IO_OK) {
			bgw_log(BGW_LOG_ERROR, "could not send to clamd: %s", io_text(r));
			s->err = BGW_E_SCANNER_UNAVAILABLE;
			return s->err;
		}
		p += chunk;
		n -= chunk;
	}
	return BGW_OK;
}

/* Copy n bytes of clamd's text into dst (cap bytes with the NUL), truncated.  The text may
 * be shown to users and is logged: keep it to printable ASCII. */
static void
copy_printable(char *dst, size_t cap, const char *name, size_t n)
{
	size_t i;

	if (cap == 0)
		return;
	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[n] = '\0';
}

/* Classify a complete reply (see scan.h). */
static bgw_err
classify(const char *reply, int terminated, int peer_closed, char *signature, size_t cap)
{
	size_t len = strlen(reply);
	size_t pre = sizeof(reply_found_prefix) - 1, suf = sizeof(reply_found_suffix) - 1;

	if (strcmp(reply, reply_too_large) == 0)
		return BGW_E_TOO_LARGE;
	if (!terminated)
		return BGW_E_SCANNER_UNAVAILABLE;
	/* "OK" after clamd dropped part of the stream would vouch for bytes it never saw. */
	if (strcmp(reply, reply_ok) == 0)
		return peer_closed ? BGW_E_SCANNER_UNAVAILABLE : BGW_OK;
	if (len > pre + suf && strncmp(reply, reply_found_prefix, pre) == 0 &&
	    strcmp(reply + len - suf, reply_found_suffix) == 0) {
		copy_printable(signature, cap, reply + pre, len - pre - suf);
		return BGW_E_INFECTED;
	}
	return BGW_E_SCANNER_UNAVAILABLE;
}

bgw_err
scan_finish(scan_stream *s, char *signature, size_t cap)
{
	char reply[SCAN_REPLY_MAX];
	int terminated = 0;
	enum io_result r = IO_OK;
	bgw_err e = s->err;

	if (cap > 0)
		signature[0] = '\0';
	if (e != BGW_OK)
		goto out;
	if (!s->peer_closed) {
		r = send_chunk(s->fd, NULL, 0);
		if (r == IO_CLOSED)
			s->peer_closed = 1;
		else if (r != IO_OK)
			goto fail;
	}
	/* Scanning starts after the last chunk, so the wait for the verdict has its own
	 * full timeout. */
	r = read_reply(s->fd, reply, sizeof(reply), &terminated, now_ms() + scan_timeout_ms);
	if (r != IO_OK)
		goto fail;
	e = classify(reply, terminated, s->peer_closed, signature, cap);
	if (e == BGW_E_SCANNER_UNAVAILABLE) {
		char shown[SCAN_REPLY_LOG_MAX];

		copy_printable(shown, sizeof(shown), reply, strlen(reply));
		bgw_log(BGW_LOG_ERROR, "could not scan: unexpected clamd reply \"%s\"%s", shown,
		    s->peer_closed ? " after it closed the stream" : "");
	}
	goto out;
fail:
	bgw_log(BGW_LOG_ERROR, "could not read clamd verdict: %s", io_text(r));
	e = BGW_E_SCANNER_UNAVAILABLE;
out:
	scan_abort(s);
	return e;
}

void
scan_abort(scan_stream *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s);
}
