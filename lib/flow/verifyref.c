/* verifyref.c - the public verify lookup. */
#include "flow/verifyref.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "http/jsonout.h"

static int
in_alphabet(char c)
{
	return (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O') || (c >= '2' && c <= '9');
}

int
verifyref_normalise(const char *in, char out[VERIFYREF_LEN + 1])
{
	char buf[VERIFYREF_LEN + 1];
	size_t n = 0;

	if (in == NULL || strlen(in) > VERIFYREF_INPUT_MAX)
		return -1;
	for (const char *p = in; *p != '\0'; p++) {
		char c = *p;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!in_alphabet(c) || n == VERIFYREF_LEN)
			return -1;
		buf[n++] = c;
	}
	if (n != VERIFYREF_LEN)
		return -1;
	buf[n] = '\0';
	memcpy(out, buf, sizeof(buf));
	return 0;
}

bgw_err
verifyref_lookup(bgw_db *db, bgw_arena *a, const char *ref, json_t **out)
{
	db_rows *res;
	json_t *v;
	bgw_err err = db_exec(db, a, "verifyref_lookup", 1, &ref, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	v = jsonout_own(a, json_pack("{s:s, s:s, s:s, s:s}", "audit_firm", db_value(res, 0, 0),
	    "client_name", db_value(res, 0, 1), "sent_on", db_value(res, 0, 2),
	    "status", db_value(res, 0, 3)));
	if (v == NULL)
		return BGW_E_NOMEM;
	*out = v;
	return BGW_OK;
}

static bool
seal_ok(const char *seal)
{
	if (seal == NULL || strlen(seal) != VERIFYREF_SEAL_HEX)
		return false;
	for (const char *p = seal; *p != '\0'; p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	return true;
}

bgw_err
verifyref_seal(bgw_db *db, bgw_arena *a, const char *ref, const char *seal, json_t **out)
{
	const char *p[2] = {ref, seal};
	db_rows *res;
	json_t *v;
	bgw_err err;

	if (!seal_ok(seal))
		return BGW_E_VALIDATION;
	if ((err = db_exec(db, a, "verifyref_seal", 2, p, &res)) != BGW_OK)
		return err;
	v = db_nrows(res) >= 1 ?
	    json_pack("{s:b, s:s}", "seal_valid", 1, "answered_on", db_value(res, 0, 0)) :
	    json_pack("{s:b}", "seal_valid", 0);
	if ((*out = jsonout_own(a, v)) == NULL)
		return BGW_E_NOMEM;
	return BGW_OK;
}
