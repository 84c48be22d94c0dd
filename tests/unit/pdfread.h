/* pdfread.h - read a PDF made in a unit test back with tools no part of the project wrote:
 * poppler's pdftotext, pdffonts and pdftoppm, zbar's zbarimg (and qpdf --check). */
#ifndef BGW_TEST_PDFREAD_H
#define BGW_TEST_PDFREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* A growing buffer the documents are written into (a pdf_write_fn's ud). */
typedef struct pdfbuf {
	unsigned char *data;
	size_t len, cap;
} pdfbuf;

/* pdf_write_fn appending to a pdfbuf. */
bgw_err pdfbuf_write(void *ud, const unsigned char *buf, size_t n);
void pdfbuf_free(pdfbuf *b);

/* Are the tools there?  (A test skips what it cannot read back.) */
bool pdfread_tools(void);

/* The output of the shell command cmd run in a temporary directory holding b's bytes as
 * doc.pdf ("pdftotext doc.pdf -"), malloc'd ("" when it printed nothing). */
char *pdfread_run(const pdfbuf *b, const char *cmd);

/* Count the occurrences of needle in hay. */
int pdfread_count(const char *hay, const char *needle);

#endif
