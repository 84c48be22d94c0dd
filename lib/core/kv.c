/* kv.c - ordered key/value list in arena memory. */
#include "core/kv.h"

#include <string.h>

const bgw_kv *
kv_find(const bgw_kv *l, const char *key)
{
	if (key == NULL)
		return NULL;
	for (; l != NULL; l = l->next)
		if (strcmp(l->key, key) == 0)
			return l;
	return NULL;
}

const char *
kv_get(const bgw_kv *l, const char *key)
{
	const bgw_kv *p = kv_find(l, key);

	return p == NULL ? NULL : p->value;
}

size_t
kv_count(const bgw_kv *l)
{
	size_t n = 0;

	for (; l != NULL; l = l->next)
		n++;
	return n;
}

bgw_err
kv_append(bgw_arena *a, bgw_kv ***tailp, const char *key, const char *value, size_t value_len)
{
	bgw_kv *p = bgw_arena_alloc(a, sizeof(*p));

	if (p == NULL)
		return BGW_E_NOMEM;
	p->key = bgw_arena_strdup(a, key);
	if (value == NULL) /* memcpy from NULL is undefined even for 0 bytes */
		value_len = 0;
	p->value = bgw_arena_strndup(a, value == NULL ? "" : value, value_len);
	if (p->key == NULL || p->value == NULL)
		return BGW_E_NOMEM;
	p->value_len = value_len;
	p->next = NULL;
	**tailp = p;
	*tailp = &p->next;
	return BGW_OK;
}

bgw_err
kv_append_prefixed(bgw_arena *a, bgw_kv ***tailp, const char *prefix, const bgw_kv *src)
{
	for (; src != NULL; src = src->next) {
		char *key = bgw_arena_printf(a, "%s%s", prefix, src->key);

		if (key == NULL || kv_append(a, tailp, key, src->value, src->value_len) != BGW_OK)
			return BGW_E_NOMEM;
	}
	return BGW_OK;
}
