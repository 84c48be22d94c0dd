/* ops_fixture.c - test-only helper of tests/ops/run.sh: builds a realistic project straight
 * through lib/ (rows as the owner role, encrypted blobs, audit chains made by audit_append)
 * and checks what the operations must preserve.  Never installed.
 *
 *   ops_fixture seed [--completed-days-ago N --retention-days D]   prints the project id
 *   ops_fixture verify-files      every document decrypts and matches its sha256
 *   ops_fixture verify-mfa        every MFA secret opens and equals what seed sealed
 *   ops_fixture verify-audit      every chain (each project's and the global one) verifies
 *   ops_fixture count-blobs ID... prints how many of the blob ids exist in the store
 *
 * The configuration comes from $BGW_CONFIG (db_owner, master_key_file, and the blob store:
 * blob_dir, or blob_backend = azure and its settings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/arena.h"
#include "flow/audit.h"
#include "files/blobstore.h"
#include "flow/confflow.h"
#include "core/config.h"
#include "store/db.h"
#include "files/filecrypt.h"
#include "core/log.h"
#include "crypto/masterkey.h"
#include "crypto/secretbox.h"
#include "auth/token.h"
#include "store/stmt.h"

#define FILES_PER_PROJECT 3
#define FILE_MAX ((size_t)200 * 1024)

static const db_stmt stmt_fixture[] = {
	{"fx_org", "INSERT INTO organizations (kind, name) VALUES ($1, $2) RETURNING id", 2},
	{"fx_user", "INSERT INTO users (organization_id, email, name) VALUES ($1, $2, 'Fixture') "
	    "RETURNING id", 2},
	{"fx_user_mfa", "UPDATE users SET mfa_secret_enc = decode($2, 'hex'), "
	    "mfa_key_version = $3::int, mfa_enabled = true WHERE id = $1", 3},
	{"fx_project", "INSERT INTO projects (name, client_name, client_org_id, audit_firm_id, "
	    "period_end, first_access_code_hash, status, completed_at, retention_days, created_by) "
	    "VALUES ('Fixture engagement', 'Fixture KK', $1, $2, '2026-03-31', "
	    "decode(repeat('ab', 32), 'hex'), CASE WHEN $3 = '' THEN 'active' ELSE 'completed' END, "
	    "CASE WHEN $3 = '' THEN NULL ELSE now() - make_interval(days => $3::int) END, "
	    "coalesce(nullif($4, '')::int, 3650), $5) RETURNING id", 5},
	{"fx_member", "INSERT INTO memberships (project_id, user_id, side, admin) "
	    "VALUES ($1, $2, 'audit', true)", 2},
	{"fx_conf", "INSERT INTO confirmations (project_id, type, form, status, respondent_org_id, "
	    "respondent_email, respondent_name, as_of, due_date, sent_at) VALUES ($1, 'bank', "
	    "'positive', 'answered', $2, 'bank@example.jp', 'みなと銀行', '2026-03-31', "
	    "'2026-04-30', now()) RETURNING id", 2},
	{"fx_item", "INSERT INTO confirmation_items (confirmation_id, position, label, currency, "
	    "amount) VALUES ($1, 0, '普通預金', 'JPY', 1250000) RETURNING id", 1},
	{"fx_response", "INSERT INTO responses (confirmation_id, version, responder_name, "
	    "responder_title, final) VALUES ($1, 1, '銀行 花子', '課長', false) RETURNING id", 1},
	{"fx_response_item", "INSERT INTO response_items (response_id, item_id, agrees) "
	    "VALUES ($1, $2, true)", 2},
	/* Final only once its items are in: a final response's items are frozen by trigger. */
	{"fx_response_final",
	    "UPDATE responses SET final = true, seal = decode($2, 'hex') WHERE id = $1", 2},
	{"fx_comment", "INSERT INTO comments (confirmation_id, visibility, body) "
	    "VALUES ($1, 'audit_client', 'fixture comment')", 1},
	{"fx_notification", "INSERT INTO notifications (natural_key, user_id, project_id, kind) "
	    "VALUES ('fx:' || new_id(), $1, $2, 'fixture')", 2},
	{"fx_outbox", "INSERT INTO outbox (natural_key, kind, project_id, to_address, subject, "
	    "body) VALUES ('fx:' || new_id(), 'fixture', $1, 'a@example.jp', 's', 'b')", 1},
	{"fx_new_id", "SELECT new_id()", 0},
	{"fx_active", "SELECT version FROM master_keys WHERE active", 0},
	/* A file of an answer is the respondent's, any other the audit team's (0020). */
	{"fx_document", "INSERT INTO documents (id, project_id, confirmation_id, response_id, name, "
	    "size, sha256, content_type, blob_id, wrapped_key, key_version, side) VALUES ($1, $2, "
	    "nullif($3, ''), nullif($4, ''), 'file.pdf', $5::bigint, decode($6, 'hex'), "
	    "'application/pdf', $7, decode($8, 'hex'), $9::int, "
	    "CASE WHEN $4 = '' THEN 'audit' ELSE 'respondent' END)", 9},
	{"fx_documents", "SELECT id, blob_id, encode(wrapped_key, 'hex'), key_version, "
	    "encode(sha256, 'hex'), size FROM documents ORDER BY id", 0},
	{"fx_mfa_users", "SELECT id, encode(mfa_secret_enc, 'hex'), mfa_key_version FROM users "
	    "WHERE mfa_secret_enc IS NOT NULL ORDER BY id", 0},
	{"fx_chains", "SELECT DISTINCT project_id FROM audit_events", 0},
	{NULL, NULL, 0},
};

static bgw_config cfg;
static bgw_db *db;
static bgw_arena *a;

static void
die(const char *what)
{
	fprintf(stderr, "ops_fixture: %s\n", what);
	exit(1);
}

static const char *
one(const char *stmt, int n, const char *const *p)
{
	db_rows *res;

	if (db_exec(db, a, stmt, n, p, &res) != BGW_OK)
		die(stmt);
	return db_nrows(res) > 0 ? db_value(res, 0, 0) : "";
}

static void
hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

static size_t
unhex(const char *h, unsigned char *out, size_t cap)
{
	size_t n = strlen(h) / 2;

	if (n > cap)
		die("hex too long");
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
	return n;
}

/* The MFA secret seed gives user id: derived, so verify-mfa can recompute it. */
static void
mfa_secret(const char *uid, unsigned char out[32])
{
	unsigned int n;

	EVP_Digest(uid, strlen(uid), out, &n, EVP_sha256(), NULL);
}

static void
event(const char *pid, const char *action, const char *otype, const char *oid)
{
	audit_event ev = {.project_id = pid, .action = action, .object_type = otype,
		.object_id = oid, .detail_json = "{\"fixture\":true}"};

	if (audit_append(db, a, &ev, NULL) != BGW_OK)
		die("audit_append");
}

/* Seal an answer the way the application does (lib/flow/confflow.c): its content digest goes
 * into a response.final event, whose hash is the seal, so audit-verify accepts it. */
static void
seal(const char *pid, const char *cid, const char *rid)
{
	char digest[TOKEN_HEX_LEN + 1], hash[TOKEN_HEX_LEN + 1];
	const char *p[2] = {rid, hash};
	audit_event ev = {.project_id = pid, .action = "response.final",
		.object_type = "response", .object_id = rid};

	if (conf_response_digest(db, a, rid, "", "", digest) != BGW_OK)
		die("conf_response_digest");
	ev.detail_json = bgw_arena_printf(a, "{\"confirmation_id\":\"%s\",\"version\":1,"
	    "\"content_sha256\":\"%s\"}", cid, digest);
	if (ev.detail_json == NULL || audit_append(db, a, &ev, hash) != BGW_OK)
		die("seal");
	one("fx_response_final", 2, p);
}

static void
store_file(blobstore *bs, const masterkeys *ks, int ver, const char *pid, const char *cid,
    const char *rid)
{
	static unsigned char buf[FILE_MAX];
	unsigned char key[FILECRYPT_KEY_LEN], wrapped[FILECRYPT_WRAPPED_LEN], sha[32];
	char sha_hex[65], wrapped_hex[2 * FILECRYPT_WRAPPED_LEN + 1], size[32], vs[16];
	const char *id = bgw_arena_strdup(a, one("fx_new_id", 0, NULL));
	size_t n = 1 + (size_t)(rand() % (int)FILE_MAX), wlen;
	unsigned int shalen;
	blob_sink *sink;
	filecrypt_writer *w;

	if (RAND_bytes(buf, (int)n) != 1 || filecrypt_new_key(key) != BGW_OK)
		die("rng");
	EVP_Digest(buf, n, sha, &shalen, EVP_sha256(), NULL);
	if (blobstore_create(bs, &sink) != BGW_OK ||
	    (w = filecrypt_writer_new(key, id, sink)) == NULL ||
	    filecrypt_write(w, buf, n) != BGW_OK || filecrypt_finish(w) != BGW_OK ||
	    blob_sink_commit(sink) != BGW_OK)
		die("could not store a blob");
	filecrypt_writer_free(w);
	if (filecrypt_wrap_key(masterkey_get(ks, ver), ver, id, key, wrapped, sizeof(wrapped),
	    &wlen) != BGW_OK)
		die("wrap");
	OPENSSL_cleanse(key, sizeof(key));
	hex(sha, 32, sha_hex);
	hex(wrapped, wlen, wrapped_hex);
	snprintf(size, sizeof(size), "%zu", n);
	snprintf(vs, sizeof(vs), "%d", ver);
	{
		const char *p[9] = {id, pid, cid, rid, size, sha_hex, blob_sink_id(sink),
			wrapped_hex, vs};

		one("fx_document", 9, p);
	}
	event(pid, "document.upload", "document", id);
	blob_sink_free(sink);
}

static int
seed(int argc, char **argv)
{
	const char *ago = "", *retention = "";
	char tag[33], email[80], vs[16];
	unsigned char rnd[16];
	masterkeys ks;
	blobstore *bs;
	int ver;

	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--completed-days-ago") == 0)
			ago = argv[i + 1];
		else if (strcmp(argv[i], "--retention-days") == 0)
			retention = argv[i + 1];
	}
	RAND_bytes(rnd, sizeof(rnd));
	hex(rnd, sizeof(rnd), tag);
	srand((unsigned)rnd[0] << 8 | rnd[1]);
	if (masterkey_load_all(cfg.master_key_file, &ks) != BGW_OK)
		die("master keys");
	if ((bs = blobstore_open_config(&cfg)) == NULL || blobstore_prepare(bs) != BGW_OK)
		die("blob store");
	if (db_begin(db, NULL) != BGW_OK)
		die("begin");
	ver = atoi(one("fx_active", 0, NULL));
	if (masterkey_get(&ks, ver) == NULL)
		die("the active master key file is missing");
	snprintf(vs, sizeof(vs), "%d", ver);
	{
		const char *firm_p[2] = {"audit_firm", "Fixture Audit LLC"};
		const char *firm = bgw_arena_strdup(a, one("fx_org", 2, firm_p));
		const char *client_p[2] = {"client", "Fixture KK"};
		const char *client = bgw_arena_strdup(a, one("fx_org", 2, client_p));
		const char *bank_p[2] = {"respondent", "みなと銀行"};
		const char *bank = bgw_arena_strdup(a, one("fx_org", 2, bank_p));
		const char *uid, *pid;
		unsigned char secret[32], box[32 + SECRETBOX_OVERHEAD];
		char box_hex[2 * sizeof(box) + 1], aad[96];
		size_t blen;

		snprintf(email, sizeof(email), "fx-%s@example.jp", tag);
		{
			const char *p[2] = {firm, email};

			uid = bgw_arena_strdup(a, one("fx_user", 2, p));
		}
		mfa_secret(uid, secret);
		snprintf(aad, sizeof(aad), "mfa-secret:%s", uid);
		if (secretbox_seal(masterkey_get(&ks, ver), secret, sizeof(secret), aad, box,
		    sizeof(box), &blen) != BGW_OK)
			die("seal");
		hex(box, blen, box_hex);
		{
			const char *p[3] = {uid, box_hex, vs};

			one("fx_user_mfa", 3, p);
		}
		{
			const char *p[5] = {client, firm, ago, retention, uid};

			pid = bgw_arena_strdup(a, one("fx_project", 5, p));
		}
		{
			const char *p[2] = {pid, uid};

			one("fx_member", 2, p);
		}
		event(pid, "project.create", "project", pid);
		for (int c = 0; c < 2; c++) {
			const char *p[2] = {pid, bank};
			const char *cid = bgw_arena_strdup(a, one("fx_conf", 2, p));
			const char *item = bgw_arena_strdup(a, one("fx_item", 1, &cid));
			const char *rid = bgw_arena_strdup(a, one("fx_response", 1, &cid));
			const char *ri[2] = {rid, item};

			one("fx_response_item", 2, ri);
			seal(pid, cid, rid);
			one("fx_comment", 1, &cid);
			event(pid, "conf.send", "confirmation", cid);
			event(pid, "conf.approve", "confirmation", cid);
			store_file(bs, &ks, ver, pid, cid, rid);
		}
		for (int f = 0; f < FILES_PER_PROJECT - 2; f++)
			store_file(bs, &ks, ver, pid, "", "");
		{
			const char *p[2] = {uid, pid};

			one("fx_notification", 2, p);
		}
		one("fx_outbox", 1, &pid);
		if (ago[0] != '\0')
			event(pid, "project.complete", "project", pid);
		if (db_commit(db) != BGW_OK)
			die("commit");
		printf("%s\n", pid);
	}
	masterkey_wipe(&ks);
	blobstore_close(bs);
	return 0;
}

static int
verify_files(void)
{
	masterkeys ks;
	blobstore *bs;
	db_rows *res;
	int bad = 0, n;

	if (masterkey_load_all(cfg.master_key_file, &ks) != BGW_OK)
		die("master keys");
	if ((bs = blobstore_open_config(&cfg)) == NULL)
		die("blob store");
	if (db_exec(db, a, "fx_documents", 0, NULL, &res) != BGW_OK)
		die("documents");
	n = db_nrows(res);
	for (int i = 0; i < n; i++) {
		const char *id = db_value(res, i, 0);
		int ver = atoi(db_value(res, i, 3));
		unsigned char wrapped[256], key[FILECRYPT_KEY_LEN], sha[32];
		char sha_hex[65];
		size_t wn = unhex(db_value(res, i, 2), wrapped, sizeof(wrapped)), total = 0, got;
		const unsigned char *mk = masterkey_get(&ks, ver), *piece;
		blob_source *src = NULL;
		filecrypt_reader *rd = NULL;
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		unsigned int shalen;
		bool ok = mk != NULL && md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
		    filecrypt_unwrap_key(mk, ver, id, wrapped, wn, key) == BGW_OK &&
		    blobstore_open_source(bs, db_value(res, i, 1), &src) == BGW_OK &&
		    (rd = filecrypt_reader_new(key, id, src)) != NULL;

		while (ok) {
			ok = filecrypt_read(rd, &piece, &got) == BGW_OK;
			if (!ok || got == 0)
				break;
			EVP_DigestUpdate(md, piece, got);
			total += got;
		}
		if (ok) {
			EVP_DigestFinal_ex(md, sha, &shalen);
			hex(sha, 32, sha_hex);
			ok = strcmp(sha_hex, db_value(res, i, 4)) == 0 &&
			    total == (size_t)atoll(db_value(res, i, 5));
		}
		if (!ok) {
			fprintf(stderr, "document %s (key version %d) does not decrypt to its sha256\n",
			    id, ver);
			bad++;
		}
		OPENSSL_cleanse(key, sizeof(key));
		EVP_MD_CTX_free(md);
		filecrypt_reader_free(rd);
		blob_source_free(src);
	}
	printf("files %d ok %d bad\n", n - bad, bad);
	if (n == 0)
		bad++; /* nothing to check is a failed check */
	masterkey_wipe(&ks);
	blobstore_close(bs);
	return bad == 0 ? 0 : 1;
}

static int
verify_mfa(void)
{
	masterkeys ks;
	db_rows *res;
	int bad = 0, n;

	if (masterkey_load_all(cfg.master_key_file, &ks) != BGW_OK)
		die("master keys");
	if (db_exec(db, a, "fx_mfa_users", 0, NULL, &res) != BGW_OK)
		die("users");
	n = db_nrows(res);
	for (int i = 0; i < n; i++) {
		const char *uid = db_value(res, i, 0);
		unsigned char box[256], out[256], want[32];
		size_t bn = unhex(db_value(res, i, 1), box, sizeof(box)), on = 0;
		const unsigned char *mk = masterkey_get(&ks, atoi(db_value(res, i, 2)));
		char aad[96];

		snprintf(aad, sizeof(aad), "mfa-secret:%s", uid);
		mfa_secret(uid, want);
		if (mk == NULL || secretbox_open(mk, box, bn, aad, out, sizeof(out), &on) != BGW_OK ||
		    on != 32 || memcmp(out, want, 32) != 0) {
			fprintf(stderr, "mfa secret of %s does not open to its value\n", uid);
			bad++;
		}
	}
	printf("mfa %d ok %d bad\n", n - bad, bad);
	if (n == 0)
		bad++;
	masterkey_wipe(&ks);
	return bad == 0 ? 0 : 1;
}

static int
verify_audit(void)
{
	db_rows *res;
	int bad = 0, n;
	long long total = 0;

	if (db_exec(db, a, "fx_chains", 0, NULL, &res) != BGW_OK)
		die("chains");
	n = db_nrows(res);
	for (int i = 0; i < n; i++) {
		const char *pid = db_isnull(res, i, 0) ? NULL : db_value(res, i, 0);
		long long count = 0, bad_seq = 0;
		char bad_id[32];

		if (audit_verify_chain(db, a, pid, &count, &bad_seq, bad_id, sizeof(bad_id)) !=
		    BGW_OK) {
			fprintf(stderr, "chain %s breaks at seq %lld\n", pid ? pid : "(global)", bad_seq);
			bad++;
		}
		total += count;
	}
	printf("chains %d ok %d bad, %lld events\n", n - bad, bad, total);
	if (n == 0)
		bad++;
	return bad == 0 ? 0 : 1;
}

static int
count_blobs(int argc, char **argv)
{
	blobstore *bs = blobstore_open_config(&cfg);
	int n = 0;

	if (bs == NULL)
		die("blob store");
	for (int i = 2; i < argc; i++) {
		blob_source *src = NULL;

		if (blobstore_open_source(bs, argv[i], &src) == BGW_OK)
			n++;
		blob_source_free(src);
	}
	printf("%d\n", n);
	blobstore_close(bs);
	return 0;
}

int
main(int argc, char **argv)
{
	static const db_stmt *const tables[] = {stmt_audit, stmt_confflow, stmt_fixture, NULL};
	const char *path = getenv("BGW_CONFIG");
	int rc;

	bgw_log_init("ops_fixture");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc < 2 || path == NULL || config_load(&cfg, path) != BGW_OK)
		die("usage: BGW_CONFIG=FILE ops_fixture seed|verify-files|verify-mfa|verify-audit|"
		    "count-blobs");
	db = db_open(cfg.db_owner, tables);
	a = bgw_arena_new();
	if (db == NULL || a == NULL || db_ensure(db) != BGW_OK)
		die("could not connect as db_owner");
	if (strcmp(argv[1], "seed") == 0)
		rc = seed(argc, argv);
	else if (strcmp(argv[1], "verify-files") == 0)
		rc = verify_files();
	else if (strcmp(argv[1], "verify-mfa") == 0)
		rc = verify_mfa();
	else if (strcmp(argv[1], "verify-audit") == 0)
		rc = verify_audit();
	else if (strcmp(argv[1], "count-blobs") == 0)
		rc = count_blobs(argc, argv);
	else
		die("unknown command");
	db_close(db);
	bgw_arena_free(a);
	return rc;
}
