/* letterpdf.h - request letters as one PDF (the paper bridge, issue 18): a letter a
 * confirmation, each starting on a new page with its own page numbers.
 *
 * The addressee block sits where the window of a 長形3号 envelope shows it once the A4
 * sheet is folded in three (LETTERPDF_WINDOW_*: 90 x 45 mm, 20 mm from the left and 13 mm
 * from the top are the common window; the block keeps a margin inside it).  The letter is
 * in the client's name, asks for the reply to go to the auditor, lists the items, and
 * tells how to answer on the web: the address, a QR code of it and the respondent
 * organisation's first-access code (or, for a letter printed without one, that it comes
 * separately); then how to check that the request is genuine.
 */
#ifndef BGW_LETTERPDF_H
#define BGW_LETTERPDF_H

#include "core/arena.h"
#include "core/err.h"
#include "flow/letters.h"
#include "pdf/pdf.h"

#define LETTERPDF_WINDOW_X_MM 25.0 /* the addressee block's top left and width */
#define LETTERPDF_WINDOW_Y_MM 20.0
#define LETTERPDF_WINDOW_W_MM 80.0

/* Draw the letters of set (letters_prepare) as one PDF to write(ud); today ("YYYY-MM-DD")
 * is the letters' date.  BGW_OK; BGW_E_VALIDATION for an empty set; the write callback's
 * error; BGW_E_NOMEM. */
bgw_err letterpdf_render(bgw_arena *a, const letters_set *set, const char *today,
    pdf_write_fn write, void *ud);

#endif
