/* evidence.h - the evidence pack: everything the audit team holds about a project in one
 * ZIP for the working papers (and the data export at contract end), and its offline check.
 *
 * The pack is streamed (records/zipw.h) as it is made: the CSV, XML and XLSX exports (the
 * audit team's view), the receipt PDF of every answered confirmation (lib/pdf/receiptpdf.h;
 * each is a view of the answer on the chain, as the receipt route's), every document of
 * the project decrypted, the project's audit log as
 * JSON, and last manifest.json, which lists every other file with its size and SHA-256 and
 * names the head of the project's audit chain at the time of the pack (which includes the
 * pack's own project.evidence event and its receipts' views; it is the last event of the
 * pack's audit-log.json).  Whoever holds a pack can check it without the
 * service: evidence_verify recomputes each file's hash and names what was changed, removed
 * or added.
 */
#ifndef BGW_EVIDENCE_H
#define BGW_EVIDENCE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "files/document.h"
#include "records/importrow.h"

#define EVIDENCE_MANIFEST "manifest.json"
#define EVIDENCE_FORMAT "bgw-evidence/1"
#define EVIDENCE_TYPE "application/zip"
#define EVIDENCE_LOG_PAGE 500                         /* audit events read per query */
#define EVIDENCE_MANIFEST_MAX ((size_t)64 * 1024 * 1024) /* largest manifest a check reads */

typedef struct evidence_in {
	const char *project_id;
	const char *ip;
	const char *tmpdir;   /* for the XLSX build (xlsxexport_write); NULL: TMPDIR or /tmp */
	const char *base_url; /* the service's address, for the receipts' QR codes */
} evidence_in;

typedef struct evidence_pack evidence_pack;

/* The pack use case, first half: record the pack as audit event project.evidence in the
 * caller's transaction (every export of evidence is logged), then read what the pack lists
 * (the confirmations with the audit team's work, the documents), so a
 * database error is still an ordinary error answer.  *out is arena memory.  Database
 * errors, BGW_E_NOMEM. */
bgw_err evidence_prepare(const doc_env *env, const char *user_id, const evidence_in *in,
    evidence_pack **out);

/* The second half: write the pack to sink(ud, ...) as it is made (documents are decrypted
 * and verified chunk by chunk, the audit log read page by page).  An error after the first
 * byte leaves a truncated ZIP that evidence_verify refuses.  The sink's error, doc_open's
 * and doc_next's, database errors, BGW_E_NOMEM. */
bgw_err evidence_write(evidence_pack *p, bgw_sink sink, void *ud);

/* The file name of the download: "evidence-<pid>.zip", header- and path-safe. */
char *evidence_filename(bgw_arena *a, const char *pid);

typedef enum evidence_problem_kind {
	EVIDENCE_CHANGED,     /* its SHA-256 or size differs from the manifest's */
	EVIDENCE_MISSING,     /* in the manifest, not in the ZIP */
	EVIDENCE_EXTRA,       /* in the ZIP, not in the manifest */
	EVIDENCE_UNREADABLE,  /* in the ZIP but cannot be read back (CRC, deflate) */
} evidence_problem_kind;

typedef struct evidence_problem {
	evidence_problem_kind kind;
	const char *name;
} evidence_problem;

typedef struct evidence_report {
	const char *project_id, *chain_seq, *chain_head; /* from the manifest */
	size_t nfiles;                                   /* files the manifest lists */
	evidence_problem *problems;
	size_t nproblems;
} evidence_report;

/* Check the pack in buf[0..n) against its manifest: every file's SHA-256 and size.
 * BGW_OK with *out (no problem when out->nproblems is 0); BGW_E_BAD_REQUEST when buf is no
 * readable ZIP or has no well-formed manifest.json; BGW_E_NOMEM.  Arena memory. */
bgw_err evidence_verify(bgw_arena *a, const unsigned char *buf, size_t n,
    evidence_report *out);

/* "changed", "missing", "extra", "unreadable". */
const char *evidence_problem_name(evidence_problem_kind k);

#endif
