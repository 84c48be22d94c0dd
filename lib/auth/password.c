/* password.c - length policy in code points and a sorted common-password list. */
#include "auth/password.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/log.h"
#include "core/utf8.h"
#include "crypto/kdf.h"

struct entry {
	const char *s; /* into text */
	size_t len;
};

struct password_list {
	char *text;           /* the file, lower-cased in place */
	size_t text_len;
	struct entry *entries; /* sorted, distinct */
	size_t count;
};

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int
entry_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
entry_qsort_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	return entry_cmp(a->s, a->len, b->s, b->len);
}

/* The whole file into a NUL-terminated heap buffer; NULL on error (logged). */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (f == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not open password list \"%s\": %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not read password list \"%s\": %s", path,
		    strerror(errno));
		fclose(f);
		return NULL;
	}
	if ((unsigned long)size > PASSWORD_LIST_MAX_BYTES) {
		bgw_log(BGW_LOG_ERROR, "cannot use password list \"%s\": larger than %u bytes", path,
		    PASSWORD_LIST_MAX_BYTES);
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)size + 1);
	if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		if (buf != NULL)
			bgw_log(BGW_LOG_ERROR, "could not read password list \"%s\": short read",
			    path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[size] = '\0';
	*len = (size_t)size;
	return buf;
}

bgw_err
password_list_load(const char *path, password_list **out)
{
	password_list *l;
	size_t lines = 1, n = 0;
	char *p, *end;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return BGW_E_NOMEM;
	l->text = read_file(path, &l->text_len);
	if (l->text == NULL) {
		free(l);
		return BGW_E_IO;
	}
	for (size_t i = 0; i < l->text_len; i++)
		lines += l->text[i] == '\n';
	l->entries = calloc(lines, sizeof(*l->entries));
	if (l->entries == NULL) {
		password_list_free(l);
		return BGW_E_NOMEM;
	}
	for (p = l->text, end = l->text + l->text_len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p);
		size_t chars;

		if (len > 0 && p[len - 1] == '\r')
			len--;
		/* Entries the policy refuses anyway would never be looked up. */
		if (len > 0 && p[0] != '#' && len <= PASSWORD_MAX_BYTES &&
		    memchr(p, '\0', len) == NULL && utf8_valid(p, len) &&
		    (chars = utf8_count(p, len)) >= PASSWORD_MIN_CHARS &&
		    chars <= PASSWORD_MAX_CHARS) {
			for (size_t i = 0; i < len; i++)
				p[i] = ascii_lower(p[i]);
			l->entries[n].s = p;
			l->entries[n].len = len;
			n++;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	qsort(l->entries, n, sizeof(*l->entries), entry_qsort_cmp);
	/* Drop duplicates (the list folds case, so "Password1234" and "password1234" meet). */
	l->count = 0;
	for (size_t i = 0; i < n; i++)
		if (l->count == 0 || entry_cmp(l->entries[l->count - 1].s,
		    l->entries[l->count - 1].len, l->entries[i].s, l->entries[i].len) != 0)
			l->entries[l->count++] = l->entries[i];
	*out = l;
	return BGW_OK;
}

void
password_list_free(password_list *l)
{
	if (l == NULL)
		return;
	free(l->entries);
	free(l->text);
	free(l);
}

size_t
password_list_count(const password_list *l)
{
	return l != NULL ? l->count : 0;
}

bool
password_list_contains(const password_list *l, const char *pw, size_t len)
{
	char folded[PASSWORD_MAX_BYTES];
	size_t lo = 0, hi;
	bool found = false;

	if (l == NULL || len > sizeof(folded) || (pw == NULL && len != 0))
		return false;
	for (size_t i = 0; i < len; i++)
		folded[i] = ascii_lower(pw[i]);
	for (hi = l->count; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		int c = entry_cmp(folded, len, l->entries[mid].s, l->entries[mid].len);

		if (c == 0) {
			found = true;
			break;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	OPENSSL_cleanse(folded, len);
	return found;
}

bgw_err
password_check_policy(const char *pw, size_t len, const password_list *list,
    const char **reason)
{
	const char *why = NULL;
	size_t chars;

	if (reason != NULL)
		*reason = NULL;
	if (list == NULL) {
		bgw_log(BGW_LOG_ERROR, "cannot check password: common password list not loaded");
		return BGW_E_INTERNAL;
	}
	if (pw == NULL && len != 0)
		return BGW_E_INTERNAL;
	/* NUL first: C strings downstream would cut the password there, and HMAC (in scrypt)
	 * treats trailing NULs as absent. */
	if (len > 0 && memchr(pw, '\0', len) != NULL)
		why = PASSWORD_INVALID_CHARACTER;
	else if (!utf8_valid(pw, len))
		why = PASSWORD_INVALID_UTF8;
	else if ((chars = utf8_count(pw, len)) < PASSWORD_MIN_CHARS)
		why = PASSWORD_TOO_SHORT;
	else if (chars > PASSWORD_MAX_CHARS)
		why = PASSWORD_TOO_LONG;
	else if (password_list_contains(list, pw, len))
		why = PASSWORD_TOO_COMMON;
	if (why == NULL)
		return BGW_OK;
	if (reason != NULL)
		*reason = why;
	return BGW_E_VALIDATION;
}

bgw_err
password_verify(const char *lock_dir, const char *pw, const char *stored, bool *ok)
{
	int slot;
	bool rehash = false;
	bgw_err err = kdf_slot_acquire(lock_dir, PASSWORD_KDF_SLOTS, PASSWORD_KDF_WAIT_MS, &slot);

	*ok = false;
	if (err != BGW_OK)
		return err;
	if (stored != NULL)
		err = kdf_verify(pw, strlen(pw), stored, ok, &rehash);
	else
		kdf_verify_dummy(pw, strlen(pw));
	kdf_slot_release(slot);
	return err == BGW_OK ? BGW_OK : BGW_E_INTERNAL;
}

bgw_err
password_hash_new(const char *lock_dir, const password_list *list, const char *pw, char *out,
    const char **reason)
{
	int slot;
	bgw_err err = password_check_policy(pw, strlen(pw), list, reason);

	if (err != BGW_OK)
		return err;
	if ((err = kdf_slot_acquire(lock_dir, PASSWORD_KDF_SLOTS, PASSWORD_KDF_WAIT_MS, &slot)) !=
	    BGW_OK)
		return err;
	err = kdf_hash(pw, strlen(pw), out, KDF_STORED_MAX);
	kdf_slot_release(slot);
	return err;
}
