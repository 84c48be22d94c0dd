/* smtp.h - hand one message to the mail relay over SMTP (libcurl).
 *
 * The program calls smtp_global_init once at start-up, before any thread exists; smtp_send
 * makes a fresh easy handle per message, so nothing is shared.
 */
#ifndef BGW_SMTP_H
#define BGW_SMTP_H

#include <stddef.h>

#include "core/err.h"

/* libcurl's process-wide set-up (curl_global_init), for this client and the Azure blob store
 * (lib/files/blob_azure.c) alike: each program calls it once at start-up, before any other
 * thread, so that libcurl stays inside the two modules that use it (docs/architecture.md). */
void smtp_global_init(void);

/* Default bounds when the configuration leaves them at 0. */
#define SMTP_CONNECT_TIMEOUT_MS_DEFAULT 10000
#define SMTP_TIMEOUT_MS_DEFAULT 60000

/* The relay and the sender identity.  Built once at start-up from the configuration; the
 * strings belong to the configuration and outlive every call. */
typedef struct smtp_conf {
	const char *url;          /* smtp://host:port (STARTTLS when offered) or smtps://host */
	const char *username;     /* NULL: no AUTH */
	const char *password;     /* with username; never logged */
	int require_tls;          /* 1: refuse to send in clear (CURLUSESSL_ALL), 0: TRY */
	const char *from;         /* envelope sender and From address: noreply@example.jp */
	const char *from_name;    /* From display name, UTF-8, or NULL */
	const char *msgid_domain; /* right side of Message-IDs; NULL: the domain of from */
	long connect_timeout_ms;  /* 0: SMTP_CONNECT_TIMEOUT_MS_DEFAULT */
	long timeout_ms;          /* whole transaction; 0: SMTP_TIMEOUT_MS_DEFAULT */
	const unsigned char *bounce_key; /* BOUNCE_KEY_LEN bytes: the outbox sends each message
	                          * from its own return path (lib/mail/bounce.h); NULL: from */
} smtp_conf;

/* Send the len bytes of msg (an RFC 5322 message with CRLF lines, from mime_build) from the
 * envelope sender from to the one recipient to.  msg is only read.
 *   BGW_OK              the relay accepted the message (250 after DATA)
 *   BGW_E_VALIDATION    the relay refused it for good (a 5xx reply): *permanent = 1
 *   BGW_E_UNAVAILABLE   it may work later (connection refused, timeout, TLS failure, 4xx,
 *                       authentication refused, which is a configuration fault that must
 *                       not fail every message for good): *permanent = 0
 *   BGW_E_NOMEM         no curl handle: *permanent = 0
 * On failure err (errcap bytes with the NUL, errcap may be 0) receives a one-line reason
 * for the outbox row and the log: "smtp 550: RCPT failed: 550"; it holds neither the
 * password nor the message. */
bgw_err smtp_send(const smtp_conf *c, const char *from, const char *to, const char *msg,
    size_t len, char *err, size_t errcap, int *permanent);

#endif
