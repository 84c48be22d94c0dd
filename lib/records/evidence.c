/* evidence.c - the evidence pack and its offline check. */
#include "records/evidence.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <zip.h>

#include "files/filename.h"
#include "flow/audit.h"
#include "flow/auditview.h"
#include "http/jsonout.h"
#include "pdf/receiptpdf.h"
#include "records/confexport.h"
#include "records/csv.h"
#include "records/xlsxexport.h"
#include "records/xmlio.h"
#include "records/zipw.h"

#define READ_BUF (64u * 1024u)

typedef struct listed {
	struct listed *next;
	const char *name;
	uint64_t size;
	char sha256[ZIPW_SHA256_HEX];
} listed;

typedef struct doc_ref {
	const char *id, *name;
} doc_ref;

struct evidence_pack {
	doc_env env;
	const char *project_id, *tmpdir, *base_url, *user_id, *ip;
	char created_at[32];
	time_t now;
	confexport_set set;
	confexport_work *work;
	doc_ref *docs;
	size_t ndocs;
	const char *chain_seq, *chain_head;
	zipw *z;
	listed *first, *last;
};

static bgw_err
load_documents(evidence_pack *p)
{
	db_rows *res;
	bgw_err err = db_exec(p->env.db, p->env.a, "evidence_documents", 1, &p->project_id, &res);
	int n;

	if (err != BGW_OK)
		return err;
	n = db_nrows(res);
	p->ndocs = (size_t)n;
	if ((p->docs = bgw_arena_calloc(p->env.a, n > 0 ? (size_t)n : 1, sizeof(*p->docs))) == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < n; i++)
		p->docs[i] = (doc_ref){db_value(res, i, 0), db_value(res, i, 1)};
	return BGW_OK;
}

static bgw_err
load_head(evidence_pack *p)
{
	db_rows *res;
	bgw_err err = db_exec(p->env.db, p->env.a, "evidence_chain_head", 1, &p->project_id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) == 0)
		return BGW_E_INTERNAL; /* the pack's own event is on the chain */
	p->chain_seq = db_value(res, 0, 0);
	p->chain_head = db_value(res, 0, 1);
	return BGW_OK;
}

bgw_err
evidence_prepare(const doc_env *env, const char *user_id, const evidence_in *in,
    evidence_pack **out)
{
	bgw_arena *a = env->a;
	evidence_pack *p = bgw_arena_calloc(a, 1, sizeof(*p));
	audit_event ev = {.project_id = in->project_id, .actor_id = user_id,
		.action = "project.evidence", .object_type = "project", .object_id = in->project_id,
		.ip = in->ip, .detail_json = "{\"format\":\"zip\"}"};
	struct tm tm;
	bgw_err err;

	if (p == NULL)
		return BGW_E_NOMEM;
	p->env = *env;
	p->project_id = in->project_id;
	p->tmpdir = in->tmpdir;
	p->base_url = in->base_url;
	p->user_id = user_id;
	p->ip = in->ip;
	p->now = time(NULL);
	gmtime_r(&p->now, &tm);
	strftime(p->created_at, sizeof(p->created_at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = audit_append(env->db, a, &ev, NULL)) != BGW_OK ||
	    (err = confexport_load(env->db, a, in->project_id, true, &p->set)) != BGW_OK ||
	    (err = confexport_load_work(env->db, a, in->project_id, &p->set, &p->work)) !=
	    BGW_OK ||
	    (err = load_documents(p)) != BGW_OK)
		return err;
	*out = p;
	return BGW_OK;
}

static bgw_err
entry_begin(evidence_pack *p, const char *name)
{
	return zipw_entry_begin(p->z, name);
}

/* Close the entry and list it for the manifest. */
static bgw_err
entry_end(evidence_pack *p, const char *name)
{
	listed *l = bgw_arena_calloc(p->env.a, 1, sizeof(*l));
	bgw_err err;

	if (l == NULL || (l->name = bgw_arena_strdup(p->env.a, name)) == NULL)
		return BGW_E_NOMEM;
	if ((err = zipw_entry_end(p->z, l->sha256, &l->size)) != BGW_OK)
		return err;
	if (p->last != NULL)
		p->last->next = l;
	else
		p->first = l;
	p->last = l;
	return BGW_OK;
}

static bgw_err
write_csv(evidence_pack *p)
{
	static const char name[] = "confirmations.csv";
	csv_writer w;
	bgw_err err = entry_begin(p, name);

	if (err != BGW_OK)
		return err;
	csv_writer_init(&w, zipw_sink, p->z);
	csv_write_bom(&w);
	csv_export_header(&w, true);
	for (size_t i = 0; i < p->set.n && w.err == BGW_OK; i++)
		csv_export_confirmation(&w, p->set.list[i].reference, &p->set.list[i], true);
	return w.err != BGW_OK ? w.err : entry_end(p, name);
}

static bgw_err
write_xml(evidence_pack *p)
{
	static const char name[] = "confirmations.xml";
	xmlio_writer *w;
	bgw_err err;

	if ((err = entry_begin(p, name)) != BGW_OK ||
	    (err = xmlio_export_begin(p->env.a, zipw_sink, p->z, p->project_id, p->created_at,
	    &w)) != BGW_OK)
		return err;
	for (size_t i = 0; i < p->set.n && err == BGW_OK; i++)
		err = xmlio_export_confirmation(w, &p->set.list[i]);
	if (err != BGW_OK || (err = xmlio_export_end(w)) != BGW_OK)
		return err;
	return entry_end(p, name);
}

static bgw_err
write_xlsx(evidence_pack *p)
{
	static const char name[] = "confirmations.xlsx";
	bgw_err err;

	if ((err = entry_begin(p, name)) != BGW_OK ||
	    (err = xlsxexport_write(p->env.a, &p->set, p->work, p->tmpdir, zipw_sink, p->z)) !=
	    BGW_OK)
		return err;
	return entry_end(p, name);
}

static bgw_err
to_zip(void *ud, const unsigned char *buf, size_t n)
{
	return zipw_entry_write(ud, buf, n);
}

/* receipts/<reference>.pdf for each confirmation with a sealed final answer, drawn by the
 * receipt route's renderer in an arena of its own, reset after each, so a project of
 * thousands of receipts keeps flat memory. */
static bgw_err
write_receipts(evidence_pack *p)
{
	conf_actor who = {.user_id = p->user_id, .ip = p->ip};
	bgw_arena *scratch = bgw_arena_new();
	bgw_err err = scratch != NULL ? BGW_OK : BGW_E_NOMEM;

	for (size_t i = 0; i < p->set.n && err == BGW_OK; i++) {
		const export_confirmation *ec = &p->set.list[i];
		conf_receipt_in in = {.project_id = p->project_id, .id = ec->id, .side = SIDE_AUDIT};
		char *name;

		if (ec->nresponses == 0)
			continue;
		if ((name = bgw_arena_printf(p->env.a, "receipts/%s.pdf", ec->reference)) == NULL)
			err = BGW_E_NOMEM;
		else if ((err = entry_begin(p, name)) == BGW_OK &&
		    (err = receiptpdf_write(p->env.db, scratch, &who, &in, p->base_url, to_zip,
		    p->z)) == BGW_OK)
			err = entry_end(p, name);
		bgw_arena_reset(scratch);
	}
	bgw_arena_free(scratch);
	return err;
}

/* documents/<id>-<name>: the id keeps two files of one name apart; the name is the
 * sanitised one a download gets, so no entry climbs out of the folder it is unpacked in. */
static bgw_err
write_document(evidence_pack *p, const doc_ref *d)
{
	char *safe = filename_sanitize(p->env.a, d->name);
	char *name = safe != NULL ? bgw_arena_printf(p->env.a, "documents/%s-%s", d->id, safe) :
	    NULL;
	doc_download dl;
	const unsigned char *buf;
	size_t n;
	bgw_err err;

	if (name == NULL)
		return BGW_E_NOMEM;
	if ((err = doc_open(&p->env, d->id, &dl, &buf, &n)) != BGW_OK ||
	    (err = entry_begin(p, name)) != BGW_OK)
		return err;
	while (n > 0) {
		if ((err = zipw_entry_write(p->z, buf, n)) != BGW_OK ||
		    (err = doc_next(&dl, &buf, &n)) != BGW_OK)
			return err;
	}
	return entry_end(p, name);
}

static bgw_err
write_json(evidence_pack *p, json_t *j, size_t flags)
{
	char *s = json_dumps(j, flags);
	bgw_err err;

	if (s == NULL)
		return BGW_E_NOMEM;
	err = zipw_entry_write(p->z, s, strlen(s));
	free(s);
	return err;
}

/* The chain page by page: {"project_id", "events": [...]}, each event as the audit-log
 * API gives it (with hash and prev_hash, so a reader can recompute the chain). */
static bgw_err
write_audit_log(evidence_pack *p)
{
	static const char name[] = "audit-log.json";
	bgw_err err;
	json_t *head = json_pack("{s:s}", "project_id", p->project_id);
	char *open = head != NULL ? json_dumps(head, JSON_COMPACT) : NULL;
	size_t len;

	json_decref(head);
	if (open == NULL)
		return BGW_E_NOMEM;
	len = strlen(open);
	/* {"project_id":"…"} becomes {"project_id":"…","events":[ */
	err = entry_begin(p, name);
	if (err == BGW_OK)
		err = zipw_entry_write(p->z, open, len - 1);
	free(open);
	if (err != BGW_OK || (err = zipw_entry_write(p->z, ",\"events\":[", 11)) != BGW_OK)
		return err;
	for (long long page = 1, done = 0;; page++) {
		json_t *body, *items;
		size_t n;

		if ((err = auditview_log_json(p->env.db, p->env.a, p->project_id, page,
		    EVIDENCE_LOG_PAGE, &body)) != BGW_OK)
			return err;
		items = json_object_get(body, "items");
		if ((n = json_array_size(items)) == 0)
			break;
		for (size_t i = 0; i < n; i++, done++) {
			if ((done > 0 && (err = zipw_entry_write(p->z, ",", 1)) != BGW_OK) ||
			    (err = write_json(p, json_array_get(items, i), JSON_COMPACT)) != BGW_OK)
				return err;
		}
		/* The page's JSON is arena-owned; drop the events now, not at the reset. */
		json_array_clear(items);
	}
	if ((err = zipw_entry_write(p->z, "]}\n", 3)) != BGW_OK)
		return err;
	return entry_end(p, name);
}

static bgw_err
write_manifest(evidence_pack *p)
{
	json_t *files = json_array();
	json_t *m = jsonout_own(p->env.a, json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:o}",
	    "format", EVIDENCE_FORMAT, "project_id", p->project_id, "created_at", p->created_at,
	    "audit_chain", "seq", p->chain_seq, "head", p->chain_head, "files", files));
	bgw_err err;

	if (m == NULL)
		return BGW_E_NOMEM;
	for (const listed *l = p->first; l != NULL; l = l->next)
		if (json_array_append_new(files, json_pack("{s:s, s:I, s:s}", "name", l->name,
		    "size", (json_int_t)l->size, "sha256", l->sha256)) != 0)
			return BGW_E_NOMEM;
	if ((err = zipw_entry_begin(p->z, EVIDENCE_MANIFEST)) != BGW_OK ||
	    (err = write_json(p, m, JSON_INDENT(2))) != BGW_OK ||
	    (err = zipw_entry_write(p->z, "\n", 1)) != BGW_OK)
		return err;
	return zipw_entry_end(p->z, NULL, NULL);
}

bgw_err
evidence_write(evidence_pack *p, bgw_sink sink, void *ud)
{
	bgw_err err;

	if ((p->z = zipw_new(p->env.a, sink, ud, p->now)) == NULL)
		return BGW_E_NOMEM;
	if ((err = write_csv(p)) != BGW_OK || (err = write_xml(p)) != BGW_OK ||
	    (err = write_xlsx(p)) != BGW_OK || (err = write_receipts(p)) != BGW_OK)
		return err;
	for (size_t i = 0; i < p->ndocs; i++)
		if ((err = write_document(p, &p->docs[i])) != BGW_OK)
			return err;
	/* The head after the receipts' views: the last event of audit-log.json. */
	if ((err = load_head(p)) != BGW_OK || (err = write_audit_log(p)) != BGW_OK ||
	    (err = write_manifest(p)) != BGW_OK)
		return err;
	return zipw_finish(p->z);
}

char *
evidence_filename(bgw_arena *a, const char *pid)
{
	char *name = confexport_filename(a, pid, "zip");

	/* confirmations-<pid>.zip: the same safe characters, another prefix */
	return name != NULL ? bgw_arena_printf(a, "evidence-%s", name + strlen("confirmations-")) :
	    NULL;
}

/* ---- the offline check ------------------------------------------------------------ */

const char *
evidence_problem_name(evidence_problem_kind k)
{
	switch (k) {
	case EVIDENCE_CHANGED: return "changed";
	case EVIDENCE_MISSING: return "missing";
	case EVIDENCE_EXTRA: return "extra";
	case EVIDENCE_UNREADABLE: return "unreadable";
	}
	return "unknown";
}

typedef struct check {
	bgw_arena *a;
	zip_t *zip;
	evidence_report *r;
	size_t cap;
} check;

static void
zip_release(void *z)
{
	zip_discard(z);
}

static bgw_err
add_problem(check *c, evidence_problem_kind k, const char *name)
{
	evidence_report *r = c->r;

	if (r->nproblems == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		evidence_problem *np = bgw_arena_calloc(c->a, cap, sizeof(*np));

		if (np == NULL)
			return BGW_E_NOMEM;
		if (r->nproblems > 0)
			memcpy(np, r->problems, r->nproblems * sizeof(*np));
		r->problems = np;
		c->cap = cap;
	}
	r->problems[r->nproblems++] = (evidence_problem){k, bgw_arena_strdup(c->a, name)};
	return r->problems[r->nproblems - 1].name != NULL ? BGW_OK : BGW_E_NOMEM;
}

/* Hash entry idx; false when it cannot be read back whole (libzip checks the CRC). */
static bool
hash_entry(zip_t *zip, zip_uint64_t idx, char hex[ZIPW_SHA256_HEX], uint64_t *size)
{
	unsigned char buf[READ_BUF], d[EVP_MAX_MD_SIZE];
	unsigned dn = 0;
	zip_file_t *f = zip_fopen_index(zip, idx, 0);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	zip_int64_t n;
	bool ok = f != NULL && md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;

	*size = 0;
	while (ok && (n = zip_fread(f, buf, sizeof(buf))) != 0) {
		if (n < 0 || EVP_DigestUpdate(md, buf, (size_t)n) != 1)
			ok = false;
		else
			*size += (uint64_t)n;
	}
	ok = ok && EVP_DigestFinal_ex(md, d, &dn) == 1;
	if (ok)
		zipw_hex(d, dn, hex);
	if (f != NULL)
		zip_fclose(f);
	EVP_MD_CTX_free(md);
	return ok;
}

static json_t *
read_manifest(check *c)
{
	zip_stat_t st;
	zip_file_t *f;
	char *buf;
	zip_int64_t n;
	json_t *m;

	if (zip_stat(c->zip, EVIDENCE_MANIFEST, ZIP_FL_ENC_GUESS, &st) != 0 ||
	    !(st.valid & ZIP_STAT_SIZE) || st.size > EVIDENCE_MANIFEST_MAX ||
	    (buf = bgw_arena_alloc(c->a, (size_t)st.size + 1)) == NULL ||
	    (f = zip_fopen(c->zip, EVIDENCE_MANIFEST, 0)) == NULL)
		return NULL;
	n = zip_fread(f, buf, st.size);
	zip_fclose(f);
	if (n < 0 || (zip_uint64_t)n != st.size)
		return NULL;
	m = jsonout_own(c->a, json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL));
	return json_is_object(m) && json_is_array(json_object_get(m, "files")) ? m : NULL;
}

/* Each listed file against the ZIP. */
static bgw_err
check_listed(check *c, json_t *files)
{
	size_t i;
	json_t *f;

	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *want = json_string_value(json_object_get(f, "sha256"));
		json_t *size = json_object_get(f, "size");
		zip_int64_t idx;
		char got[ZIPW_SHA256_HEX];
		uint64_t n;
		bgw_err err = BGW_OK;

		if (name == NULL || want == NULL || !json_is_integer(size))
			return BGW_E_BAD_REQUEST;
		if ((idx = zip_name_locate(c->zip, name, ZIP_FL_ENC_GUESS)) < 0)
			err = add_problem(c, EVIDENCE_MISSING, name);
		else if (!hash_entry(c->zip, (zip_uint64_t)idx, got, &n))
			err = add_problem(c, EVIDENCE_UNREADABLE, name);
		else if (strcmp(got, want) != 0 || (json_int_t)n != json_integer_value(size))
			err = add_problem(c, EVIDENCE_CHANGED, name);
		if (err != BGW_OK)
			return err;
	}
	c->r->nfiles = json_array_size(files);
	return BGW_OK;
}

static bool
listed_in(json_t *files, const char *name)
{
	size_t i;
	json_t *f;

	json_array_foreach(files, i, f) {
		const char *n = json_string_value(json_object_get(f, "name"));

		if (n != NULL && strcmp(n, name) == 0)
			return true;
	}
	return false;
}

/* Each file of the ZIP the manifest does not list. */
static bgw_err
check_extra(check *c, json_t *files)
{
	zip_int64_t n = zip_get_num_entries(c->zip, 0);

	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(c->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
		bgw_err err;

		if (name == NULL)
			return BGW_E_BAD_REQUEST;
		if (strcmp(name, EVIDENCE_MANIFEST) != 0 && !listed_in(files, name) &&
		    (err = add_problem(c, EVIDENCE_EXTRA, name)) != BGW_OK)
			return err;
	}
	return BGW_OK;
}

static const char *
chain_value(bgw_arena *a, json_t *m, const char *key)
{
	json_t *v = json_object_get(json_object_get(m, "audit_chain"), key);

	return json_is_string(v) ? bgw_arena_strdup(a, json_string_value(v)) : NULL;
}

bgw_err
evidence_verify(bgw_arena *a, const unsigned char *buf, size_t n, evidence_report *out)
{
	check c = {.a = a, .r = out};
	zip_error_t zerr;
	zip_source_t *src;
	json_t *m, *files;
	bgw_err err;

	*out = (evidence_report){0};
	zip_error_init(&zerr);
	if ((src = zip_source_buffer_create(buf, n, 0, &zerr)) == NULL) {
		zip_error_fini(&zerr);
		return BGW_E_NOMEM;
	}
	c.zip = zip_open_from_source(src, ZIP_RDONLY, &zerr);
	zip_error_fini(&zerr);
	if (c.zip == NULL) {
		zip_source_free(src);
		return BGW_E_BAD_REQUEST;
	}
	if (bgw_arena_on_reset(a, zip_release, c.zip) != 0)
		return BGW_E_NOMEM;
	if ((m = read_manifest(&c)) == NULL)
		return BGW_E_BAD_REQUEST;
	files = json_object_get(m, "files");
	out->project_id = json_string_value(json_object_get(m, "project_id"));
	out->chain_seq = chain_value(a, m, "seq");
	out->chain_head = chain_value(a, m, "head");
	if ((err = check_listed(&c, files)) != BGW_OK)
		return err;
	return check_extra(&c, files);
}
