/* xlsxexport.h - a project's confirmations as an Excel workbook for the auditors' working
 * papers (libxlsxwriter): one row per requested item with the requested and answered
 * amounts and their difference, and, in the audit team's view, its work on the request
 * (review, reconciling items, address check, alternative procedures).  Header row, frozen
 * panes, autofilter, and a number format for each currency's minor unit.
 *
 * libxlsxwriter writes only to a named file: the workbook is built in an unnamed file
 * (O_TMPFILE, reached through /proc/self/fd), so no path ever exists that a crash could
 * leave behind, then streamed to the sink.
 */
#ifndef BGW_XLSXEXPORT_H
#define BGW_XLSXEXPORT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "records/confexport.h"
#include "records/importrow.h"

#define XLSXEXPORT_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The sheet's name and the first cells of the header row (tests read them). */
#define XLSXEXPORT_SHEET "確認状 Confirmations"


/* Write set as a workbook to sink(ud, ...).  work: the audit team's columns (NULL for the
 * client's view, which leaves them out).  tmpdir holds the unnamed build file (NULL:
 * TMPDIR or /tmp).  Nothing reaches the sink before the workbook is complete, so a build
 * error is still an ordinary error answer.  BGW_E_IO when the workbook cannot be built,
 * BGW_E_NOMEM, or the sink's error. */
bgw_err xlsxexport_write(bgw_arena *a, const confexport_set *set, const confexport_work *work,
    const char *tmpdir, bgw_sink sink, void *ud);

/* Minor-unit digits of ISO 4217 currency cur: 0 for JPY, KRW and the like, else 2. */
int xlsxexport_decimals(const char *cur);

#endif
