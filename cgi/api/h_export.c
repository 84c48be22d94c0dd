/* h_export.c - GET /projects/{pid}/export.csv, export.xml, export.xlsx and evidence.zip,
 * streamed to the client.
 *
 * Everything is read before the first byte goes out, so a database error is still an
 * ordinary error answer; only a failing client connection can cut a download short.
 */
#include "api/handlers.h"

#include <string.h>
#include <time.h>

#include "records/confexport.h"
#include "records/csv.h"
#include "records/evidence.h"
#include "records/xlsxexport.h"
#include "records/xmlio.h"
#include "upload.h"

#define CSV_TYPE "text/csv; charset=utf-8"
#define XML_TYPE "application/xml; charset=utf-8"

typedef struct out_sink {
	FCGX_Stream *out;
	bool discard; /* HEAD: headers only */
	/* Set for a body whose head goes out with its first byte (the XLSX, built whole
	 * before it is sent, so that a build error is still an ordinary error answer). */
	bgw_request *lazy;
	const char *type, *name;
} out_sink;

static bgw_err start_download(bgw_request *r, const char *type, const char *name);

static bgw_err
to_client(void *ud, const char *buf, size_t n)
{
	out_sink *s = ud;
	bgw_err err;

	if (s->lazy != NULL) {
		if ((err = start_download(s->lazy, s->type, s->name)) != BGW_OK)
			return err;
		s->lazy = NULL;
	}
	if (s->discard || n == 0)
		return BGW_OK;
	return FCGX_PutStr(buf, (int)n, s->out) == (int)n ? BGW_OK : BGW_E_IO;
}

/* The answer's head; the body follows through to_client.  nginx adds the security headers
 * (nginx/README.md); no-store because an export holds confirmation data.  name: the
 * file name, header-safe (confexport_filename, evidence_filename). */
static bgw_err
start_download(bgw_request *r, const char *type, const char *name)
{
	return request_start_download(r, type, "attachment", name);
}

/* Load what the user may export and record the download (confexport_run). */
static bgw_err
prepare(bgw_request *r, const char *format, confexport_set *set)
{
	confexport_run_in in = {.project_id = r->target.project_id, .ip = r->remote_addr,
		.format = format, .audit_view = r->target.facts.side == SIDE_AUDIT};

	return confexport_run(r->app->db, r->a, r->user_id, &in, set);
}

bgw_err
h_export_csv(bgw_request *r)
{
	out_sink sink = {.out = r->fcgi->out, .discard = strcmp(r->method, "HEAD") == 0};
	confexport_set set;
	csv_writer w;
	bool responses = true; /* the client's view: only the shared ones, the loader decides */
	bgw_err err = prepare(r, "csv", &set);

	if (err != BGW_OK ||
	    (err = start_download(r, CSV_TYPE, confexport_filename(r->a, r->target.project_id,
	    "csv"))) != BGW_OK)
		return err;
	csv_writer_init(&w, to_client, &sink);
	csv_write_bom(&w);
	csv_export_header(&w, responses);
	for (size_t i = 0; i < set.n && w.err == BGW_OK; i++)
		csv_export_confirmation(&w, set.list[i].reference, &set.list[i], responses);
	return w.err;
}

bgw_err
h_export_xml(bgw_request *r)
{
	out_sink sink = {.out = r->fcgi->out, .discard = strcmp(r->method, "HEAD") == 0};
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	confexport_set set;
	xmlio_writer *w;
	bgw_err err = prepare(r, "xml", &set);

	if (err != BGW_OK)
		return err;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = start_download(r, XML_TYPE, confexport_filename(r->a, r->target.project_id,
	    "xml"))) != BGW_OK ||
	    (err = xmlio_export_begin(r->a, to_client, &sink, r->target.project_id, now, &w)) !=
	    BGW_OK)
		return err;
	for (size_t i = 0; i < set.n && err == BGW_OK; i++)
		err = xmlio_export_confirmation(w, &set.list[i]);
	if (err != BGW_OK)
		return err;
	return xmlio_export_end(w);
}

/* The audit team's workbook carries its work on each request; the client's only what the
 * CSV gives it. */
bgw_err
h_export_xlsx(bgw_request *r)
{
	out_sink sink = {.out = r->fcgi->out, .discard = strcmp(r->method, "HEAD") == 0,
		.lazy = r, .type = XLSXEXPORT_TYPE,
		.name = confexport_filename(r->a, r->target.project_id, "xlsx")};
	confexport_set set;
	confexport_work *work = NULL;
	bgw_err err = prepare(r, "xlsx", &set);

	if (err == BGW_OK && r->target.facts.side == SIDE_AUDIT)
		err = confexport_load_work(r->app->db, r->a, r->target.project_id, &set, &work);
	if (err != BGW_OK)
		return err;
	if (sink.name == NULL)
		return BGW_E_NOMEM;
	if ((err = xlsxexport_write(r->a, &set, work, NULL, to_client, &sink)) != BGW_OK)
		return err;
	return sink.lazy != NULL ? to_client(&sink, "", 0) : BGW_OK;
}

/* The pack is made as it is sent: everything it lists is read first (evidence_prepare),
 * then a failure on the way leaves a truncated ZIP, which evidence-verify refuses. */
bgw_err
h_evidence_zip(bgw_request *r)
{
	out_sink sink = {.out = r->fcgi->out, .discard = strcmp(r->method, "HEAD") == 0};
	doc_env env = upload_env(r);
	evidence_in in = {.project_id = r->target.project_id, .ip = r->remote_addr,
		.base_url = r->app->cfg->base_url};
	evidence_pack *pack;
	bgw_err err = evidence_prepare(&env, r->user_id, &in, &pack);

	if (err != BGW_OK ||
	    (err = start_download(r, EVIDENCE_TYPE, evidence_filename(r->a, in.project_id))) !=
	    BGW_OK)
		return err;
	return sink.discard ? BGW_OK : evidence_write(pack, to_client, &sink);
}
