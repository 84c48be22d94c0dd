/* log.c - JSON lines on stderr, written with one write(2) so lines of workers never mix. */
#include "core/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096

static const char *program_name = "bgw";
static char request_id[64];

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void
bgw_log_init(const char *program)
{
	program_name = program;
}

void
bgw_log_set_request(const char *id)
{
	if (id == NULL)
		request_id[0] = '\0';
	else
		snprintf(request_id, sizeof(request_id), "%s", id);
}

/* Append s JSON-escaped to buf at *len, never past cap - 1. */
static void
append_escaped(char *buf, size_t *len, size_t cap, const char *s)
{
	for (; *s != '\0' && *len + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf[(*len)++] = '\\';
			buf[(*len)++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			*len += (size_t)snprintf(buf + *len, cap - *len, "\\u%04x", c);
		} else {
			buf[(*len)++] = (char)c;
		}
	}
	buf[*len] = '\0';
}

static void
append_raw(char *buf, size_t *len, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n > cap - 1 - *len)
		n = cap - 1 - *len;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

static void
line_start(char *buf, size_t *len, size_t cap, const char *level)
{
	char ts[40];
	struct timespec now;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	*len = (size_t)snprintf(buf, cap, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"prog\":\"%s\",\"pid\":%ld",
	    ts, now.tv_nsec / 1000000, level, program_name, (long)getpid());
	if (request_id[0] != '\0') {
		append_raw(buf, len, cap, ",\"req\":\"");
		append_escaped(buf, len, cap, request_id);
		append_raw(buf, len, cap, "\"");
	}
}

static void
line_end(char *buf, size_t len, size_t cap)
{
	if (len > cap - 3)
		len = cap - 3;
	buf[len++] = '}';
	buf[len++] = '\n';
	/* One write per line: short writes to a pipe or file of this size do not interleave. */
	if (write(STDERR_FILENO, buf, len) < 0)
		return;
}

void
bgw_log(enum bgw_log_level level, const char *fmt, ...)
{
	char msg[LOG_LINE_MAX / 2];
	char buf[LOG_LINE_MAX];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line_start(buf, &len, sizeof(buf), level_names[level]);
	append_raw(buf, &len, sizeof(buf), ",\"msg\":\"");
	append_escaped(buf, &len, sizeof(buf), msg);
	append_raw(buf, &len, sizeof(buf), "\"");
	line_end(buf, len, sizeof(buf));
}

void
bgw_log_access(const char *method, const char *path, int status, double duration_ms,
    const char *user_id)
{
	char buf[LOG_LINE_MAX];
	char num[64];
	size_t len;

	line_start(buf, &len, sizeof(buf), "info");
	append_raw(buf, &len, sizeof(buf), ",\"method\":\"");
	append_escaped(buf, &len, sizeof(buf), method != NULL ? method : "");
	append_raw(buf, &len, sizeof(buf), "\",\"path\":\"");
	append_escaped(buf, &len, sizeof(buf), path != NULL ? path : "");
	snprintf(num, sizeof(num), "\",\"status\":%d,\"duration_ms\":%.3f", status, duration_ms);
	append_raw(buf, &len, sizeof(buf), num);
	if (user_id != NULL && user_id[0] != '\0') {
		append_raw(buf, &len, sizeof(buf), ",\"user\":\"");
		append_escaped(buf, &len, sizeof(buf), user_id);
		append_raw(buf, &len, sizeof(buf), "\"");
	}
	line_end(buf, len, sizeof(buf));
}
