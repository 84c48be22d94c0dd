/* zipw.h - a streaming ZIP writer: entries go out as they are written, never held whole.
 *
 * Each entry is deflated (zlib, raw deflate) with its sizes and CRC in a data descriptor
 * after the data (general purpose bit 3), so nothing is seeked back and the archive can go
 * straight to a client.  The central directory is kept in the arena (one small record per
 * entry) and written by zipw_finish.  ZIP64 records are written where a size, an offset or
 * the number of entries does not fit the classic fields, so a pack over 4 GiB stays
 * readable.  Names are UTF-8 (bit 11).  Each entry's SHA-256 and size are handed back to
 * the caller for its manifest.
 */
#ifndef BGW_ZIPW_H
#define BGW_ZIPW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/importrow.h"

#define ZIPW_SHA256_HEX 65 /* 64 hex digits and the NUL */

typedef struct zipw zipw;

/* A writer sending its bytes to sink(ud, ...); mtime stamps every entry.  The zlib and
 * digest state are released by an arena cleanup hook, so an abandoned writer leaks
 * nothing.  NULL on out of memory. */
zipw *zipw_new(bgw_arena *a, bgw_sink sink, void *ud, time_t mtime);

/* Tests only: write every ZIP64 record as if every entry were over 4 GiB. */
void zipw_force_zip64(zipw *z);

/* Start entry name (UTF-8, relative, '/' separated; the caller chooses safe names).
 * BGW_E_INVALID_STATE while an entry is open or after zipw_finish; the sink's error. */
bgw_err zipw_entry_begin(zipw *z, const char *name);

/* Add n bytes to the open entry.  BGW_E_INVALID_STATE without one; the sink's error. */
bgw_err zipw_entry_write(zipw *z, const void *buf, size_t n);

/* zipw_entry_write as a bgw_sink (ud is the zipw), for the CSV and XML writers. */
bgw_err zipw_sink(void *ud, const char *buf, size_t n);

/* Close the open entry: its data descriptor goes out; sha256_hex (ZIPW_SHA256_HEX bytes)
 * and *size (uncompressed) describe what was written, either may be NULL. */
bgw_err zipw_entry_end(zipw *z, char *sha256_hex, uint64_t *size);

/* Write the central directory and the end records; the writer takes nothing more.
 * BGW_E_INVALID_STATE while an entry is open. */
bgw_err zipw_finish(zipw *z);

/* d[0..n) as lower-case hex into out (2n + 1 bytes, NUL-terminated): the digests the
 * manifest lists and its check recomputes are spelled by this one function. */
void zipw_hex(const unsigned char *d, size_t n, char *out);

/* Bytes handed to the sink so far. */
uint64_t zipw_bytes(const zipw *z);

#endif
