/* page_conf_records.h - the records sections of the confirmation page (comments, documents,
 * history), written by page_conf_records.c and placed by page_conf.c's view. */
#ifndef BGW_PAGE_CONF_RECORDS_H
#define BGW_PAGE_CONF_RECORDS_H

#include "pages/page.h"

/* The comment threads the user may read (comment_list_json) and the form for the thread
 * the user writes.  BGW_OK or the lib/ error. */
bgw_err page_conf_comments(page *p);

/* The confirmation's documents with download links (the API's download route, same policy)
 * and, unless the project is completed, the upload form. */
bgw_err page_conf_documents(page *p);

/* One document of a list (doc_list_json's item): its download link and, opened and left
 * open for the caller to add to and close, `<span class="sub">` with its size. */
void page_doc_link(page *p, json_t *item);

/* The history (audit events with their hashes) when the user may read it (the audit team). */
bgw_err page_conf_history(page *p);

#endif
