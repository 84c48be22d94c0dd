/* upload.h - the HTTP side of an upload, shared by the API handler (h_document.c) and the
 * answer/confirmation page (page_conf_records.c): the request's document environment and
 * its upload use case (doc_store, lib/files/document.h). */
#ifndef BGW_UPLOAD_H
#define BGW_UPLOAD_H

#include "files/document.h"
#include "request.h"

/* r's database, arena, blob store, keys, scanner and upload limit. */
doc_env upload_env(bgw_request *r);

/* Store r's body (read through rd; max_parts as doc_store_in's) as a document of r's target
 * by r's user, in r's transaction: doc_store's answers, with *errors naming "file" on
 * BGW_E_VALIDATION (the API's r->field_errors; a page words it its own way).  A refused
 * infected file's doc.infected is kept with request_keep_event (doc_store says why). */
bgw_err upload_store(bgw_request *r, const doc_reader *rd, size_t max_parts, doc_info *out,
    bgw_kv **errors);

#endif
