/* xmlio.h - the XML exchange format of confirmations (db/confirmations.xsd): import and export.
 *
 * Import defences, in the order they act:
 * - size: more than XMLIO_MAX_BYTES is refused before parsing;
 * - no DTD at all: a DOCTYPE stops the parser the moment it is seen, before any internal
 *   subset is read, so entity tricks (XXE, billion laughs) never reach entity handling.
 *   XML_PARSE_NOENT, XML_PARSE_DTDLOAD and XML_PARSE_HUGE are never set; XML_PARSE_NONET is;
 * - depth: an element nested deeper than XMLIO_MAX_DEPTH stops the parser while the tree is
 *   built (a 10,000-level document is refused after 33 start tags);
 * - the schema (compiled once per process), then the row checks of importrow.h.
 * Errors carry XML line numbers in import_error.row.
 *
 * Export streams through xmlTextWriter, so user text is always escaped by libxml2.  The
 * document validates against the same schema; an export imports back (ids, status and
 * responses are ignored by the import).
 */
#ifndef BGW_XMLIO_H
#define BGW_XMLIO_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/importrow.h"

#define XMLIO_NAMESPACE "urn:balance-gateway:confirmations:1"
#define XMLIO_MAX_BYTES IMPORT_MAX_BYTES
/* The schema needs 6 levels (confirmations/confirmation/responses/response/answer/note);
 * room to spare, far below libxml2's own 256. */
#define XMLIO_MAX_DEPTH 32

/* Compile the schema at path (db/confirmations.xsd) for this process, once: later calls
 * with the same path return at once; another path replaces it.  Returns BGW_OK, or
 * BGW_E_INTERNAL if the file is missing or not a valid schema (logged). */
bgw_err xmlio_schema_load(const char *path);

/* Release the compiled schema and libxml2's global state (for leak checks at exit). */
void xmlio_cleanup(void);

/* Parse an XML import of n bytes into *out (arena a), validating against the schema at
 * xsd_path (loaded by xmlio_schema_load if not already).  Returns BGW_OK (no errors);
 * BGW_E_VALIDATION with every schema or row error in out->errors; BGW_E_BAD_REQUEST for a
 * document that is not well-formed, has a DOCTYPE or is nested too deeply (one entry);
 * BGW_E_TOO_LARGE past XMLIO_MAX_BYTES or the confirmation / item limits; BGW_E_INTERNAL if
 * the schema cannot be loaded; BGW_E_NOMEM.  No libxml2 memory outlives the call. */
bgw_err xmlio_import(bgw_arena *a, const char *buf, size_t n, const char *xsd_path,
    import_result *out);

typedef struct xmlio_writer xmlio_writer;

/* Start an export sending bytes to sink(ud, ...): the XML declaration and the root element
 * with optional attributes project (an id) and exported_at (RFC 3339 UTC); either may be
 * NULL.  The writer lives in arena a, which also releases its libxml2 handle if
 * xmlio_export_end is never called.  Returns BGW_OK and *out, the sink's error, or
 * BGW_E_NOMEM. */
bgw_err xmlio_export_begin(bgw_arena *a, bgw_sink sink, void *ud, const char *project,
    const char *exported_at, xmlio_writer **out);

/* One confirmation: ec->c's fields and items, with ec's id, reference, status, item ids
 * and responses where given.  Returns BGW_OK; the sink's error (sticky); BGW_E_INTERNAL if
 * a string is not UTF-8 text fit for XML (never written: the document stays well-formed). */
bgw_err xmlio_export_confirmation(xmlio_writer *w, const export_confirmation *ec);

/* Close the document and flush.  Returns BGW_OK or the first error of the export. */
bgw_err xmlio_export_end(xmlio_writer *w);

#endif
