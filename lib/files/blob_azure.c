/* blob_azure.c - the blob store in Azure Blob Storage (or the Azurite emulator) over
 * libcurl, authorized with Shared Key.
 *
 * Shared Key (learn.microsoft.com, "Authorize with Shared Key", version 2009-09-19 and later):
 * Authorization: SharedKey ACCOUNT:base64(HMAC-SHA256(base64-decoded account key, S)) where S
 * is the verb, the standard headers Content-Encoding, Content-Language, Content-Length
 * (empty when 0), Content-MD5, Content-Type, Date, If-Modified-Since, If-Match,
 * If-None-Match, If-Unmodified-Since, Range, each followed by "\n", then every x-ms- header as
 * "name:value\n" sorted by name, then the canonicalized resource "/ACCOUNT/URL-PATH" and
 * "\nname:value" for each query parameter sorted by name.  We send exactly the headers we
 * sign (curl adds no Content-Type to an upload, and "Expect:" is suppressed).
 *
 * Upload: Put Block (blockid = base64 of the block's index as 6 hex digits, so every id of a
 * blob has the same length, as Azure requires) per BLOB_AZURE_BLOCK bytes, then Put Block
 * List naming them all; the blob exists only after that.  Download: one Get Blob on a curl
 * multi handle whose write callback pauses when the staging buffer is full, so the caller
 * pulls at its own pace with fixed memory.  Measure: List Blobs, page by page (NextMarker),
 * each answer parsed with libxml2 (no network, no entities).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "files/blobstore.h"
#include "core/log.h"

#define AZURE_KEY_MAX 128         /* decoded account keys are 64 bytes */
#define AZURE_NAME_MAX 256        /* account and container names are far shorter */
#define AZURE_URL_MAX 2048
#define AZURE_SIGN_MAX 4096
#define AZURE_ERRBODY_MAX 512     /* bytes of an error answer kept for the log */
#define AZURE_MAX_BLOCKS 50000    /* Azure's limit of blocks in one blob */
#define AZURE_BLOCKID_DIGITS 6    /* 16^6 > AZURE_MAX_BLOCKS */
#define AZURE_BLOCKID_B64 8       /* base64 of 6 bytes, no padding */
#define AZURE_STAGE (64u * 1024u) /* download staging: >= CURL_MAX_WRITE_SIZE */
#define AZURE_POLL_MS 1000
#define AZURE_LIST_QUERY 3        /* comp, marker, restype */
#define AZURE_MARKER_MAX 1024     /* NextMarker values are far shorter */

typedef struct azure_store {
	blobstore base;
	char account[AZURE_NAME_MAX];
	char container[AZURE_NAME_MAX];
	char base_url[AZURE_URL_MAX]; /* endpoint without a final '/' */
	char path_prefix[AZURE_URL_MAX]; /* the endpoint's path ("" or "/devstoreaccount1") */
	unsigned char key[AZURE_KEY_MAX];
	size_t keylen;
} azure_store;

typedef struct azure_sink {
	blob_sink base;
	azure_store *store;
	CURL *curl;          /* reused so the blocks share one connection */
	unsigned char *block;
	size_t fill;
	unsigned blocks;     /* blocks put so far */
} azure_sink;

typedef struct azure_source {
	blob_source base;
	CURLM *multi;
	CURL *curl;
	struct curl_slist *headers;
	unsigned char stage[AZURE_STAGE];
	size_t off, len;
	bool headers_done, done, paused;
	CURLcode result;
	long status;
	char errbody[AZURE_ERRBODY_MAX + 1];
	size_t errlen;
} azure_source;

/* One request's parameters: query parameters are given sorted by name. */
typedef struct azure_req {
	const char *verb;
	const char *blob;         /* NULL for a container request */
	const char *qname[AZURE_LIST_QUERY], *qvalue[AZURE_LIST_QUERY];
	size_t nq;
	const unsigned char *body;
	size_t len;
	bool upload;              /* PUT with a body (possibly empty) */
	bool if_none_match;       /* If-None-Match: * */
} azure_req;

typedef struct mem_reader {
	const unsigned char *p;
	size_t left;
} mem_reader;

typedef struct err_body {
	char buf[AZURE_ERRBODY_MAX + 1];
	size_t len;
} err_body;

static const blob_sink_ops azure_sink_ops;
static const blob_source_ops azure_source_ops;

/* RFC 3986 unreserved characters stay; everything else is %XX. */
static bool
url_encode(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			if (o + 1 >= cap)
				return false;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= cap)
				return false;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return true;
}

static void
http_date(char *out, size_t cap)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
	    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The URL and the signed headers of req; false if something does not fit. */
static bool
build_request(const azure_store *st, const azure_req *req, char *url, size_t urlcap,
    struct curl_slist **headers)
{
	char path[AZURE_URL_MAX], sts[AZURE_SIGN_MAX], date[64], clen[32], enc[AZURE_URL_MAX];
	char line[AZURE_SIGN_MAX];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned char sig[2 * EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t o;
	int n;

	*headers = NULL;
	n = req->blob != NULL ? snprintf(path, sizeof(path), "%s/%s/%s", st->path_prefix,
	    st->container, req->blob) : snprintf(path, sizeof(path), "%s/%s", st->path_prefix,
	    st->container);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	o = (size_t)snprintf(url, urlcap, "%s%s", st->base_url,
	    path + strlen(st->path_prefix));
	if (o >= urlcap)
		return false;
	for (size_t i = 0; i < req->nq; i++) {
		if (!url_encode(req->qvalue[i], enc, sizeof(enc)))
			return false;
		o += (size_t)snprintf(url + o, urlcap - o, "%c%s=%s", i == 0 ? '?' : '&',
		    req->qname[i], enc);
		if (o >= urlcap)
			return false;
	}
	http_date(date, sizeof(date));
	if (req->len > 0)
		snprintf(clen, sizeof(clen), "%zu", req->len);
	else
		clen[0] = '\0';
	o = (size_t)snprintf(sts, sizeof(sts),
	    "%s\n\n\n%s\n\n\n\n\n\n%s\n\n\nx-ms-date:%s\nx-ms-version:%s\n/%s%s", req->verb,
	    clen, req->if_none_match ? "*" : "", date, BLOB_AZURE_API_VERSION, st->account, path);
	if (o >= sizeof(sts))
		return false;
	for (size_t i = 0; i < req->nq; i++) {
		o += (size_t)snprintf(sts + o, sizeof(sts) - o, "\n%s:%s", req->qname[i],
		    req->qvalue[i]);
		if (o >= sizeof(sts))
			return false;
	}
	if (HMAC(EVP_sha256(), st->key, (int)st->keylen, (const unsigned char *)sts, o, mac,
	    &maclen) == NULL)
		return false;
	EVP_EncodeBlock(sig, mac, (int)maclen);

#define ADD(...) do { \
		struct curl_slist *t_; \
		snprintf(line, sizeof(line), __VA_ARGS__); \
		if ((t_ = curl_slist_append(*headers, line)) == NULL) \
			goto fail; \
		*headers = t_; \
	} while (0)
	ADD("x-ms-date: %s", date);
	ADD("x-ms-version: %s", BLOB_AZURE_API_VERSION);
	ADD("Authorization: SharedKey %s:%s", st->account, (const char *)sig);
	ADD("Expect:");
	if (req->if_none_match)
		ADD("If-None-Match: *");
#undef ADD
	return true;
fail:
	curl_slist_free_all(*headers);
	*headers = NULL;
	return false;
}

static void
common_options(CURL *c, const char *url, struct curl_slist *headers)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)BLOB_AZURE_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
}

static size_t
read_mem(char *dst, size_t size, size_t nmemb, void *ud)
{
	mem_reader *m = ud;
	size_t n = size * nmemb < m->left ? size * nmemb : m->left;

	memcpy(dst, m->p, n);
	m->p += n;
	m->left -= n;
	return n;
}

static size_t
keep_error_body(char *p, size_t size, size_t nmemb, void *ud)
{
	err_body *e = ud;
	size_t n = size * nmemb, room = AZURE_ERRBODY_MAX - e->len;

	memcpy(e->buf + e->len, p, n < room ? n : room);
	e->len += n < room ? n : room;
	e->buf[e->len] = '\0';
	return n;
}

/* The Azure error code (<Code>...</Code>) of an answer body, for the log. */
static void
error_code(const char *body, char *out, size_t cap)
{
	const char *b = strstr(body, "<Code>"), *e;

	out[0] = '\0';
	if (b == NULL || (e = strstr(b + 6, "</Code>")) == NULL)
		return;
	snprintf(out, cap, "%.*s", (int)(e - b - 6), b + 6);
	for (char *p = out; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p))
			*p = '_';
}

static bgw_err
map_answer(CURLcode rc, long status, const char *body, const char *what)
{
	char code[64];

	if (rc != CURLE_OK) {
		bgw_log(BGW_LOG_ERROR, "could not %s: %s", what, curl_easy_strerror(rc));
		return BGW_E_UNAVAILABLE;
	}
	if (status >= 200 && status < 300)
		return BGW_OK;
	if (status == 404)
		return BGW_E_NOT_FOUND;
	error_code(body != NULL ? body : "", code, sizeof(code));
	if (status == 409 || status == 412) {
		bgw_log(BGW_LOG_ERROR, "could not %s: conflict (%ld %s)", what, status, code);
		return BGW_E_CONFLICT;
	}
	bgw_log(BGW_LOG_ERROR, "could not %s: http status %ld %s", what, status, code);
	if (status >= 500 || status == 408 || status == 429)
		return BGW_E_UNAVAILABLE;
	return BGW_E_INTERNAL;
}

/* Run req to completion on c (reset first) and map its answer.  NOT_FOUND is not logged:
 * callers decide whether a missing blob is an error. */
static bgw_err
perform(const azure_store *st, CURL *c, const azure_req *req, const char *what)
{
	struct curl_slist *headers = NULL;
	mem_reader body = {req->body, req->len};
	err_body eb = {{0}, 0};
	char url[AZURE_URL_MAX];
	long status = 0;
	CURLcode rc;

	curl_easy_reset(c);
	if (!build_request(st, req, url, sizeof(url), &headers)) {
		bgw_log(BGW_LOG_ERROR, "could not %s: request too long", what);
		return BGW_E_INTERNAL;
	}
	common_options(c, url, headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)BLOB_AZURE_REQUEST_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_error_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &eb);
	if (req->upload) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_mem);
		curl_easy_setopt(c, CURLOPT_READDATA, &body);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->len);
	} else if (strcmp(req->verb, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->verb);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	if (rc == CURLE_OK && status == 404)
		return BGW_E_NOT_FOUND;
	return map_answer(rc, status, eb.buf, what);
}

static bgw_err
perform_once(const azure_store *st, const azure_req *req, const char *what)
{
	CURL *c = curl_easy_init();
	bgw_err err;

	if (c == NULL)
		return BGW_E_NOMEM;
	err = perform(st, c, req, what);
	curl_easy_cleanup(c);
	return err;
}

static void
block_id(unsigned index, char out[AZURE_BLOCKID_B64 + 1])
{
	char raw[16]; /* room for any unsigned; index < AZURE_MAX_BLOCKS fits 6 digits */

	snprintf(raw, sizeof(raw), "%0*x", AZURE_BLOCKID_DIGITS, index);
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)raw, AZURE_BLOCKID_DIGITS);
}

static bgw_err
azure_prepare(blobstore *bs)
{
	azure_store *st = (azure_store *)bs;
	azure_req req = {.verb = "PUT", .qname = {"restype"}, .qvalue = {"container"}, .nq = 1,
	    .upload = true};
	bgw_err err = perform_once(st, &req, "create the azure container");

	return err == BGW_E_CONFLICT ? BGW_OK : err; /* ContainerAlreadyExists */
}

static void
azure_close(blobstore *bs)
{
	azure_store *st = (azure_store *)bs;

	OPENSSL_cleanse(st->key, sizeof(st->key));
	free(st);
}

static bgw_err
azure_create(blobstore *bs, const char *id, blob_sink **out)
{
	azure_sink *s = calloc(1, sizeof(*s));

	(void)id;
	if (s == NULL)
		return BGW_E_NOMEM;
	s->base.ops = &azure_sink_ops;
	s->store = (azure_store *)bs;
	s->curl = curl_easy_init();
	s->block = malloc(BLOB_AZURE_BLOCK);
	if (s->curl == NULL || s->block == NULL) {
		curl_easy_cleanup(s->curl);
		free(s->block);
		free(s);
		return BGW_E_NOMEM;
	}
	*out = &s->base;
	return BGW_OK;
}

static bgw_err
put_block(azure_sink *s)
{
	char bid[AZURE_BLOCKID_B64 + 1];
	azure_req req = {.verb = "PUT", .blob = s->base.id, .qname = {"blockid", "comp"},
	    .qvalue = {bid, "block"}, .nq = 2, .body = s->block, .len = s->fill, .upload = true};
	bgw_err err;

	if (s->blocks >= AZURE_MAX_BLOCKS) {
		bgw_log(BGW_LOG_ERROR, "cannot upload blob %s: more than %d blocks", s->base.id,
		    AZURE_MAX_BLOCKS);
		return BGW_E_TOO_LARGE;
	}
	block_id(s->blocks, bid);
	/* Counted before the request: a failed Put Block may still have left a block. */
	s->blocks++;
	err = perform(s->store, s->curl, &req, "put an azure block");
	if (err == BGW_E_NOT_FOUND) {
		bgw_log(BGW_LOG_ERROR, "could not put an azure block: no container \"%s\"",
		    s->store->container);
		err = BGW_E_INTERNAL;
	}
	s->fill = 0;
	return err;
}

static bgw_err
azure_write(blob_sink *bs, const unsigned char *buf, size_t n)
{
	azure_sink *s = (azure_sink *)bs;

	while (n > 0) {
		size_t take = BLOB_AZURE_BLOCK - s->fill < n ? BLOB_AZURE_BLOCK - s->fill : n;
		bgw_err err;

		memcpy(s->block + s->fill, buf, take);
		s->fill += take;
		buf += take;
		n -= take;
		if (s->fill == BLOB_AZURE_BLOCK && (err = put_block(s)) != BGW_OK)
			return err;
	}
	return BGW_OK;
}

/* Put Block List naming the first count blocks (count 0: an empty blob). */
static bgw_err
put_block_list(azure_sink *s, unsigned count)
{
	static const char head[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
	static const char tail[] = "</BlockList>";
	static const char item[] = "<Latest>%s</Latest>";
	size_t cap = sizeof(head) + sizeof(tail) +
	    (size_t)count * (sizeof(item) + AZURE_BLOCKID_B64), o;
	char *xml = malloc(cap), bid[AZURE_BLOCKID_B64 + 1];
	azure_req req = {.verb = "PUT", .blob = s->base.id, .qname = {"comp"},
	    .qvalue = {"blocklist"}, .nq = 1, .upload = true, .if_none_match = true};
	bgw_err err;

	if (xml == NULL)
		return BGW_E_NOMEM;
	o = (size_t)snprintf(xml, cap, "%s", head);
	for (unsigned i = 0; i < count; i++) {
		block_id(i, bid);
		o += (size_t)snprintf(xml + o, cap - o, item, bid);
	}
	o += (size_t)snprintf(xml + o, cap - o, "%s", tail);
	req.body = (const unsigned char *)xml;
	req.len = o;
	err = perform(s->store, s->curl, &req, "put an azure block list");
	free(xml);
	return err == BGW_E_NOT_FOUND ? BGW_E_INTERNAL : err;
}

static void
azure_abort(blob_sink *bs)
{
	azure_sink *s = (azure_sink *)bs;
	azure_req del = {.verb = "DELETE", .blob = bs->id};

	if (s->blocks == 0)
		return; /* nothing reached the service */
	/* Uncommitted blocks cannot be deleted directly; committing an empty list drops them
	 * at once (instead of after Azure's week), and the empty blob is then deleted. */
	if (put_block_list(s, 0) == BGW_OK &&
	    perform(s->store, s->curl, &del, "delete an aborted azure blob") == BGW_OK)
		return;
	bgw_log(BGW_LOG_WARN, "could not discard the uncommitted blocks of blob %s", bs->id);
}

static bgw_err
azure_commit(blob_sink *bs)
{
	azure_sink *s = (azure_sink *)bs;
	bgw_err err = BGW_OK;

	if (s->fill > 0)
		err = put_block(s);
	if (err == BGW_OK)
		err = put_block_list(s, s->blocks);
	if (err != BGW_OK && err != BGW_E_CONFLICT)
		azure_abort(bs);
	return err;
}

static void
azure_sink_release(blob_sink *bs)
{
	azure_sink *s = (azure_sink *)bs;

	curl_easy_cleanup(s->curl);
	OPENSSL_cleanse(s->block, BLOB_AZURE_BLOCK);
	free(s->block);
	free(s);
}

static size_t
source_write(char *p, size_t size, size_t nmemb, void *ud)
{
	azure_source *s = ud;
	size_t n = size * nmemb;

	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
	if (s->status != 200) {
		size_t room = AZURE_ERRBODY_MAX - s->errlen;

		memcpy(s->errbody + s->errlen, p, n < room ? n : room);
		s->errlen += n < room ? n : room;
		s->errbody[s->errlen] = '\0';
		return n;
	}
	if (AZURE_STAGE - s->len < n && s->off > 0) {
		memmove(s->stage, s->stage + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	if (AZURE_STAGE - s->len < n) {
		s->paused = true;
		return CURL_WRITEFUNC_PAUSE;
	}
	memcpy(s->stage + s->len, p, n);
	s->len += n;
	return n;
}

static size_t
source_header(char *p, size_t size, size_t nmemb, void *ud)
{
	azure_source *s = ud;
	size_t n = size * nmemb;

	if (n == 2 && p[0] == '\r' && p[1] == '\n') {
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
		if (s->status != 100)
			s->headers_done = true;
	}
	return n;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum pump_until { UNTIL_HEADERS, UNTIL_DATA, UNTIL_DONE };

/* Drive the transfer until the headers are in, bytes are staged, or it has ended (always
 * returning when it ends).  BGW_E_UNAVAILABLE when that takes BLOB_AZURE_IDLE_TIMEOUT_MS. */
static bgw_err
pump(azure_source *s, enum pump_until until)
{
	long long start = now_ms();

	for (;;) {
		int running = 0, left;
		CURLMsg *msg;

		if (curl_multi_perform(s->multi, &running) != CURLM_OK)
			return BGW_E_INTERNAL;
		while ((msg = curl_multi_info_read(s->multi, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE) {
				s->done = true;
				s->result = msg->data.result;
			}
		if (s->done || (until == UNTIL_HEADERS && s->headers_done) ||
		    (until == UNTIL_DATA && s->len > s->off))
			return BGW_OK;
		if (now_ms() - start > BLOB_AZURE_IDLE_TIMEOUT_MS) {
			bgw_log(BGW_LOG_ERROR, "could not read azure blob: no data for %d ms",
			    BLOB_AZURE_IDLE_TIMEOUT_MS);
			return BGW_E_UNAVAILABLE;
		}
		if (curl_multi_poll(s->multi, NULL, 0, AZURE_POLL_MS, NULL) != CURLM_OK)
			return BGW_E_INTERNAL;
	}
}

static void
azure_source_release(blob_source *bs)
{
	azure_source *s = (azure_source *)bs;

	if (s->multi != NULL && s->curl != NULL)
		curl_multi_remove_handle(s->multi, s->curl);
	curl_easy_cleanup(s->curl);
	curl_multi_cleanup(s->multi);
	curl_slist_free_all(s->headers);
	OPENSSL_cleanse(s->stage, sizeof(s->stage));
	free(s);
}

static bgw_err
azure_open_source(blobstore *bs, const char *id, blob_source **out)
{
	azure_store *st = (azure_store *)bs;
	azure_req req = {.verb = "GET", .blob = id};
	azure_source *s = calloc(1, sizeof(*s));
	char url[AZURE_URL_MAX];
	bgw_err err;

	if (s == NULL)
		return BGW_E_NOMEM;
	s->base.ops = &azure_source_ops;
	if ((s->multi = curl_multi_init()) == NULL || (s->curl = curl_easy_init()) == NULL) {
		azure_source_release(&s->base);
		return BGW_E_NOMEM;
	}
	if (!build_request(st, &req, url, sizeof(url), &s->headers)) {
		azure_source_release(&s->base);
		return BGW_E_INTERNAL;
	}
	common_options(s->curl, url, s->headers);
	curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, source_write);
	curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_HEADERFUNCTION, source_header);
	curl_easy_setopt(s->curl, CURLOPT_HEADERDATA, s);
	if (curl_multi_add_handle(s->multi, s->curl) != CURLM_OK) {
		curl_multi_cleanup(s->multi);
		s->multi = NULL;
		azure_source_release(&s->base);
		return BGW_E_INTERNAL;
	}
	err = pump(s, UNTIL_HEADERS);
	if (err == BGW_OK && !s->headers_done) /* ended before an answer */
		err = map_answer(s->result != CURLE_OK ? s->result : CURLE_RECV_ERROR, 0, NULL,
		    "get an azure blob");
	else if (err == BGW_OK && s->status != 200) {
		/* Let the short error body arrive for the log. */
		(void)pump(s, UNTIL_DONE);
		err = s->status == 404 ? BGW_E_NOT_FOUND :
		    map_answer(CURLE_OK, s->status, s->errbody, "get an azure blob");
		if (err == BGW_OK)
			err = BGW_E_INTERNAL; /* a 2xx other than 200: not what we asked for */
	}
	if (err != BGW_OK) {
		azure_source_release(&s->base);
		return err;
	}
	*out = &s->base;
	return BGW_OK;
}

static bgw_err
azure_read(blob_source *bs, unsigned char *buf, size_t cap, size_t *n)
{
	azure_source *s = (azure_source *)bs;

	for (;;) {
		bgw_err err;

		if (s->len > s->off) {
			*n = s->len - s->off < cap ? s->len - s->off : cap;
			memcpy(buf, s->stage + s->off, *n);
			s->off += *n;
			if (s->off == s->len)
				s->off = s->len = 0;
			return BGW_OK;
		}
		if (s->done) {
			if (s->result != CURLE_OK)
				return map_answer(s->result, 0, NULL, "read an azure blob");
			*n = 0;
			return BGW_OK;
		}
		if (s->paused) {
			s->paused = false;
			/* May call source_write at once with the held-back bytes. */
			curl_easy_pause(s->curl, CURLPAUSE_CONT);
		}
		if ((err = pump(s, UNTIL_DATA)) != BGW_OK)
			return err;
	}
}

static bgw_err
azure_delete(blobstore *bs, const char *id)
{
	azure_req req = {.verb = "DELETE", .blob = id};

	return perform_once((azure_store *)bs, &req, "delete an azure blob");
}

/* A List Blobs answer, kept whole (one page) up to BLOB_AZURE_LIST_MAX bytes. */
typedef struct list_body {
	char *buf;
	size_t len, cap;
	bool too_long;
} list_body;

static size_t
keep_list_body(char *p, size_t size, size_t nmemb, void *ud)
{
	list_body *b = ud;
	size_t n = size * nmemb;

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 64 * 1024 : b->cap;
		char *nb;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > BLOB_AZURE_LIST_MAX + 1 || (nb = realloc(b->buf, cap)) == NULL) {
			b->too_long = true;
			return 0; /* curl stops with CURLE_WRITE_ERROR */
		}
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return n;
}

static xmlNode *
child(xmlNode *parent, const char *name)
{
	for (xmlNode *n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0)
			return n;
	return NULL;
}

/* Add one page's blobs to *u and copy its NextMarker ("" on the last page) to marker. */
static bgw_err
parse_list(const list_body *b, blob_usage *u, char *marker, size_t cap)
{
	xmlDoc *doc = xmlReadMemory(b->buf, (int)b->len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root = doc != NULL ? xmlDocGetRootElement(doc) : NULL, *next;
	bgw_err err = BGW_OK;

	marker[0] = '\0';
	if (root == NULL || xmlStrcmp(root->name, (const xmlChar *)"EnumerationResults") != 0) {
		xmlFreeDoc(doc);
		return BGW_E_INTERNAL;
	}
	for (xmlNode *n = child(child(root, "Blobs"), "Blob"); n != NULL; n = n->next) {
		xmlNode *len;
		xmlChar *v;

		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, (const xmlChar *)"Blob") != 0)
			continue;
		u->blobs++;
		if ((len = child(child(n, "Properties"), "Content-Length")) != NULL &&
		    (v = xmlNodeGetContent(len)) != NULL) {
			u->bytes += strtoll((const char *)v, NULL, 10);
			xmlFree(v);
		}
	}
	if ((next = child(root, "NextMarker")) != NULL) {
		xmlChar *v = xmlNodeGetContent(next);

		if (v != NULL && (size_t)xmlStrlen(v) >= cap)
			err = BGW_E_INTERNAL;
		else if (v != NULL)
			snprintf(marker, cap, "%s", (const char *)v);
		xmlFree(v);
	}
	xmlFreeDoc(doc);
	return err;
}

static bgw_err
azure_measure(blobstore *bs, blob_usage *u)
{
	azure_store *st = (azure_store *)bs;
	char marker[AZURE_MARKER_MAX] = "", url[AZURE_URL_MAX];
	CURL *c = curl_easy_init();
	bgw_err err = BGW_OK;

	if (c == NULL)
		return BGW_E_NOMEM;
	do {
		azure_req req = {.verb = "GET"};
		struct curl_slist *headers = NULL;
		list_body body = {NULL, 0, 0, false};
		long status = 0;
		CURLcode rc;

		/* Query parameters sorted by name, as the signature wants them. */
		req.qname[req.nq] = "comp";
		req.qvalue[req.nq++] = "list";
		if (marker[0] != '\0') {
			req.qname[req.nq] = "marker";
			req.qvalue[req.nq++] = marker;
		}
		req.qname[req.nq] = "restype";
		req.qvalue[req.nq++] = "container";
		curl_easy_reset(c);
		if (!build_request(st, &req, url, sizeof(url), &headers)) {
			bgw_log(BGW_LOG_ERROR, "could not list azure blobs: request too long");
			err = BGW_E_INTERNAL;
			break;
		}
		common_options(c, url, headers);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)BLOB_AZURE_REQUEST_TIMEOUT_MS);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_list_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_slist_free_all(headers);
		if (body.too_long) {
			bgw_log(BGW_LOG_ERROR, "could not list azure blobs: answer longer than %zu bytes",
			    BLOB_AZURE_LIST_MAX);
			err = BGW_E_INTERNAL;
		} else {
			err = map_answer(rc, status, body.buf, "list azure blobs");
			if (err == BGW_OK && (body.buf == NULL ||
			    parse_list(&body, u, marker, sizeof(marker)) != BGW_OK)) {
				bgw_log(BGW_LOG_ERROR, "could not list azure blobs: unreadable answer");
				err = BGW_E_INTERNAL;
			}
		}
		free(body.buf);
	} while (err == BGW_OK && marker[0] != '\0');
	curl_easy_cleanup(c);
	return err;
}

static const blobstore_ops azure_ops = {
	azure_prepare, azure_close, azure_create, azure_open_source, azure_delete, azure_measure,
};
static const blob_sink_ops azure_sink_ops = {
	azure_write, azure_commit, azure_abort, azure_sink_release,
};
static const blob_source_ops azure_source_ops = {
	azure_read, azure_source_release,
};

/* Azure names: account 3-24 lowercase letters and digits; container 3-63 of lowercase
 * letters, digits and single inner '-'.  Checked so nothing odd reaches a URL. */
static bool
name_ok(const char *s, bool dashes)
{
	size_t n = strlen(s);

	if (n < 3 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (dashes && s[i] == '-' && i > 0 && i + 1 < n && s[i - 1] != '-')
			continue;
		return false;
	}
	return true;
}

blobstore *
blobstore_open_azure(const char *account, const char *key_b64, const char *container,
    const char *endpoint)
{
	unsigned char key[AZURE_KEY_MAX * 2];
	azure_store *st;
	const char *p;
	size_t klen, elen;
	int dec;

	if (account == NULL || key_b64 == NULL || container == NULL || endpoint == NULL ||
	    !name_ok(account, false) || strlen(account) > 24 || !name_ok(container, true)) {
		bgw_log(BGW_LOG_ERROR, "cannot use azure blob store: bad account or container name");
		return NULL;
	}
	klen = strlen(key_b64);
	if (klen == 0 || klen % 4 != 0 || klen / 4 * 3 > sizeof(key) ||
	    (dec = EVP_DecodeBlock(key, (const unsigned char *)key_b64, (int)klen)) < 0) {
		bgw_log(BGW_LOG_ERROR, "cannot use azure blob store: the key is not base64");
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	dec -= (key_b64[klen - 1] == '=') + (key_b64[klen - 2] == '=');
	if (dec <= 0 || (size_t)dec > AZURE_KEY_MAX) {
		OPENSSL_cleanse(key, sizeof(key));
		bgw_log(BGW_LOG_ERROR, "cannot use azure blob store: key of a wrong length");
		return NULL;
	}
	if (strncmp(endpoint, "https://", 8) == 0)
		p = endpoint + 8;
	else if (strncmp(endpoint, "http://", 7) == 0)
		p = endpoint + 7;
	else
		p = NULL;
	elen = strlen(endpoint);
	while (elen > 0 && endpoint[elen - 1] == '/')
		elen--;
	if (p == NULL || elen >= AZURE_URL_MAX || strpbrk(endpoint, "?#@ \t\r\n") != NULL ||
	    (st = calloc(1, sizeof(*st))) == NULL) {
		OPENSSL_cleanse(key, sizeof(key));
		bgw_log(BGW_LOG_ERROR, "cannot use azure blob store: bad endpoint");
		return NULL;
	}
	st->base.ops = &azure_ops;
	snprintf(st->account, sizeof(st->account), "%s", account);
	snprintf(st->container, sizeof(st->container), "%s", container);
	snprintf(st->base_url, sizeof(st->base_url), "%.*s", (int)elen, endpoint);
	p = strchr(p, '/');
	if (p != NULL && p < endpoint + elen)
		snprintf(st->path_prefix, sizeof(st->path_prefix), "%.*s",
		    (int)(endpoint + elen - p), p);
	memcpy(st->key, key, (size_t)dec);
	st->keylen = (size_t)dec;
	OPENSSL_cleanse(key, sizeof(key));
	return &st->base;
}
