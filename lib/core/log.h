/* log.h - one JSON line per event on stderr (the service manager or ./dev sends it to a file).
 *
 * Never pass a password, token, code, session id or document content: messages are for
 * operators and may be shipped elsewhere.
 */
#ifndef BGW_LOG_H
#define BGW_LOG_H

#include <stdarg.h>

enum bgw_log_level { BGW_LOG_ERROR, BGW_LOG_WARN, BGW_LOG_INFO, BGW_LOG_DEBUG };

/* Name this process in every line ("worker", "master", "notify", "admin"); a static string. */
void bgw_log_init(const char *program);

/* The id of the request being served (copied), or NULL between requests. */
void bgw_log_set_request(const char *request_id);

/* A line {"ts","level","prog","pid","req"?,"msg"}; the message is JSON-escaped. */
void bgw_log(enum bgw_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The access line of one request: method, path without query, status, duration, user. */
void bgw_log_access(const char *method, const char *path, int status, double duration_ms,
    const char *user_id);

#endif
