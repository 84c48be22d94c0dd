/* scan.h - the clamd client: every upload is streamed through clamd (INSTREAM) before it is
 * stored.
 *
 * The socket is clamd's LocalSocket (config key clamd_socket).  Every wait on the socket
 * (connect, each send, the reply) is bounded by the scan timeout, so a hung clamd answers
 * BGW_E_SCANNER_UNAVAILABLE instead of holding a worker.  Only the exact reply "stream: OK"
 * accepts a file: anything else is a rejection (fail closed).
 */
#ifndef BGW_SCAN_H
#define BGW_SCAN_H

#include <stddef.h>
#include <time.h>

#include "core/err.h"

/* Largest INSTREAM chunk sent: clamd reads chunks into a buffer of its own, and smaller
 * chunks let it notice StreamMaxLength early. */
#define SCAN_CHUNK_MAX (64u * 1024u)

/* Default bound on each wait on the clamd socket until scan_set_timeout is called. */
#define SCAN_TIMEOUT_MS_DEFAULT 10000

/* Longest signature name copied out by scan_finish (clamd's own names are far shorter). */
#define SCAN_SIGNATURE_MAX 128

/* Set the bound, in milliseconds, on each wait on the clamd socket (config
 * request_timeout_ms).  Process-wide: call at start-up; values <= 0 restore the default. */
void scan_set_timeout(int timeout_ms);

/* Ask clamd at the unix socket path clamd_socket whether it is alive ("zPING" -> "PONG").
 * BGW_OK, else BGW_E_SCANNER_UNAVAILABLE (logged). */
bgw_err scan_ping(const char *clamd_socket);

/* Signatures older than this are stale: /healthz says so and the alert fires
 * (docs/deploy/alerts/bgw.yml, BgwClamdSignaturesStale: 3 days). */
#define SCAN_SIGNATURES_STALE_S (3 * 24 * 3600)

/* Ask clamd (VERSION) when the official signature database it has loaded was built.
 * BGW_OK with *built the build time (clamd's "ClamAV 1.4.6/27480/Mon Dec  7 08:25:43 2026"),
 * or BGW_OK with *built 0 when clamd has no official database loaded (only custom
 * signatures, as in the offline test stack); BGW_E_SCANNER_UNAVAILABLE (logged) when clamd
 * cannot be reached or answers something else. */
bgw_err scan_signature_time(const char *clamd_socket, time_t *built);

typedef struct scan_stream scan_stream;

/* Connect to clamd and start an INSTREAM scan.  On BGW_OK *out is a stream owned by the
 * caller, ended by exactly one scan_finish or scan_abort.  BGW_E_SCANNER_UNAVAILABLE if
 * clamd cannot be reached (logged), BGW_E_NOMEM; *out is then NULL. */
bgw_err scan_begin(const char *clamd_socket, scan_stream **out);

/* Send n bytes of the file (n may be 0; buf is only read).  The data goes out in chunks of
 * at most SCAN_CHUNK_MAX.  If clamd has closed the connection (it does so at its
 * StreamMaxLength) the error is remembered and BGW_OK returned, so the caller learns the
 * verdict from scan_finish.  BGW_E_SCANNER_UNAVAILABLE on a timeout or another socket error;
 * the error is sticky and scan_finish answers it too.  The stream stays owned by the caller
 * in every case. */
bgw_err scan_write(scan_stream *s, const void *buf, size_t n);

/* End the stream and read clamd's verdict; frees s in every case.
 *   BGW_OK                     the reply was exactly "stream: OK"
 *   BGW_E_INFECTED             "stream: NAME FOUND": NAME copied into signature (cap bytes
 *                              with the NUL, truncated if longer; signature may be NULL
 *                              when cap is 0)
 *   BGW_E_TOO_LARGE            "INSTREAM size limit exceeded. ERROR"
 *   BGW_E_SCANNER_UNAVAILABLE  any other reply, no reply, a closed socket, a timeout, or an
 *                              earlier error of scan_write (logged)
 * On anything but BGW_E_INFECTED, signature (if cap > 0) is set to "". */
bgw_err scan_finish(scan_stream *s, char *signature, size_t cap);

/* Drop the stream without a verdict (the caller gave up on the upload); frees s.  NULL is
 * allowed. */
void scan_abort(scan_stream *s);

#endif
