/* audit.c - appending to and verifying the hash chains of audit_events.
 *
 * The database supplies the canonical text of the time, the address and the JSON detail
 * (jsonb's text form is deterministic), so what is hashed at append is exactly what is read
 * back at verification.
 */
#include "flow/audit.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/log.h"

#define AUDIT_CANON_VERSION "bgw-audit-v1"
#define AUDIT_FIELDS 10

static void
to_hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
from_hex(const char *s, unsigned char *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

void
audit_hash(const unsigned char prev[AUDIT_HASH_LEN], const char *const fields[], int nfields,
    unsigned char out[AUDIT_HASH_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = AUDIT_HASH_LEN;

	/* Each field as "<length>:<bytes>\n" (NULL as "-\n"): no choice of field values can make
	 * two different events serialise alike. */
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		abort();
	EVP_DigestUpdate(ctx, prev, AUDIT_HASH_LEN);
	EVP_DigestUpdate(ctx, AUDIT_CANON_VERSION "\n", sizeof(AUDIT_CANON_VERSION));
	for (int i = 0; i < nfields; i++) {
		char head[32];
		int n;

		if (fields[i] == NULL) {
			EVP_DigestUpdate(ctx, "-\n", 2);
			continue;
		}
		n = snprintf(head, sizeof(head), "%zu:", strlen(fields[i]));
		EVP_DigestUpdate(ctx, head, (size_t)n);
		EVP_DigestUpdate(ctx, fields[i], strlen(fields[i]));
		EVP_DigestUpdate(ctx, "\n", 1);
	}
	EVP_DigestFinal_ex(ctx, out, &len);
	EVP_MD_CTX_free(ctx);
}

bgw_err
audit_append(bgw_db *db, bgw_arena *a, const audit_event *ev, char *hash_hex)
{
	const char *hp[3] = {ev->project_id, ev->detail_json, ev->ip};
	unsigned char prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
	char prev_hex[2 * AUDIT_HASH_LEN + 1], new_hex[2 * AUDIT_HASH_LEN + 1];
	db_rows *res;
	const char *at, *detail, *ip;
	char *seq;
	bgw_err err;

	err = db_exec(db, a, "audit_head", 3, hp, &res);
	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1 || from_hex(db_value(res, 0, 1), prev, sizeof(prev)) != 0) {
		bgw_log(BGW_LOG_ERROR, "cannot read audit chain head");
		return BGW_E_INTERNAL;
	}
	seq = bgw_arena_printf(a, "%lld", atoll(db_value(res, 0, 0)) + 1);
	at = db_value(res, 0, 2);
	detail = db_value(res, 0, 3);
	ip = db_isnull(res, 0, 4) ? NULL : db_value(res, 0, 4);
	if (seq == NULL)
		return BGW_E_NOMEM;
	{
		const char *fields[AUDIT_FIELDS] = {ev->project_id, seq, at, ev->actor_id, ev->action,
			ev->object_type, ev->object_id, ip, detail, NULL};

		audit_hash(prev, fields, AUDIT_FIELDS - 1, hash);
	}
	to_hex(prev, sizeof(prev), prev_hex);
	to_hex(hash, sizeof(hash), new_hex);
	{
		const char *ip_param[11] = {ev->project_id, seq, at, ev->actor_id, ev->action,
			ev->object_type, ev->object_id, ip, detail, prev_hex, new_hex};

		err = db_exec(db, a, "audit_insert", 11, ip_param, NULL);
	}
	if (err == BGW_OK && hash_hex != NULL)
		memcpy(hash_hex, new_hex, sizeof(new_hex));
	return err;
}

bgw_err
audit_verify_chain(bgw_db *db, bgw_arena *a, const char *project_id, long long *count,
    long long *bad_seq, char *bad_id, size_t bad_id_cap)
{
	unsigned char prev[AUDIT_HASH_LEN] = {0};
	db_rows *res;
	bgw_err err = db_exec(db, a, "audit_chain", 1, &project_id, &res);
	int n;

	*count = 0;
	*bad_seq = 0;
	if (err != BGW_OK)
		return err;
	n = db_nrows(res);
	for (int r = 0; r < n; r++) {
		unsigned char stored_prev[AUDIT_HASH_LEN], stored[AUDIT_HASH_LEN], want[AUDIT_HASH_LEN];
		const char *fields[AUDIT_FIELDS - 1];
		long long seq = atoll(db_value(res, r, 0));

		for (int c = 0; c < 8; c++)
			fields[c + 1] = db_isnull(res, r, c) ? NULL : db_value(res, r, c);
		fields[0] = db_isnull(res, r, 11) ? NULL : db_value(res, r, 11);
		/* fields: project, seq, at, actor, action, object_type, object_id, ip, detail */
		audit_hash(prev, fields, AUDIT_FIELDS - 1, want);
		if (seq != (long long)r + 1 ||
		    from_hex(db_value(res, r, 8), stored_prev, sizeof(stored_prev)) != 0 ||
		    from_hex(db_value(res, r, 9), stored, sizeof(stored)) != 0 ||
		    memcmp(stored_prev, prev, sizeof(prev)) != 0 ||
		    memcmp(stored, want, sizeof(want)) != 0) {
			*bad_seq = seq;
			snprintf(bad_id, bad_id_cap, "%s", db_value(res, r, 10));
			return BGW_E_VALIDATION;
		}
		memcpy(prev, stored, sizeof(prev));
		(*count)++;
	}
	return BGW_OK;
}
