/* arena.c - bump allocator in linked blocks with LIFO cleanup hooks. */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First block size: most requests never need a second one. */
#define ARENA_BLOCK_SIZE (64u * 1024u)
#define ARENA_ALIGN (_Alignof(max_align_t))

struct block {
	struct block *next;
	size_t size;
	size_t used;
	_Alignas(max_align_t) unsigned char data[];
};

struct hook {
	struct hook *next;
	void (*fn)(void *);
	void *arg;
};

struct bgw_arena {
	struct block *head; /* current block; the first block is the last in the list */
	struct hook *hooks;
	size_t footprint;
};

static struct block *
block_new(size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

bgw_arena *
bgw_arena_new(void)
{
	bgw_arena *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->head = block_new(ARENA_BLOCK_SIZE);
	if (a->head == NULL) {
		free(a);
		return NULL;
	}
	a->footprint = ARENA_BLOCK_SIZE;
	return a;
}

void *
bgw_arena_alloc(bgw_arena *a, size_t size)
{
	struct block *b = a->head;
	size_t off = (b->used + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	void *p;

	if (size == 0)
		size = 1;
	if (off > b->size || size > b->size - off) {
		size_t want = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;

		b = block_new(want);
		if (b == NULL)
			return NULL;
		b->next = a->head;
		a->head = b;
		a->footprint += want;
		off = 0;
	}
	p = b->data + off;
	b->used = off + size;
	memset(p, 0, size);
	return p;
}

void *
bgw_arena_calloc(bgw_arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return bgw_arena_alloc(a, n * size);
}

char *
bgw_arena_strndup(bgw_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = bgw_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
bgw_arena_strdup(bgw_arena *a, const char *s)
{
	return s == NULL ? NULL : bgw_arena_strndup(a, s, strlen(s));
}

char *
bgw_arena_vprintf(bgw_arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	p = bgw_arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
bgw_arena_printf(bgw_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = bgw_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

int
bgw_arena_on_reset(bgw_arena *a, void (*fn)(void *), void *arg)
{
	struct hook *h = bgw_arena_alloc(a, sizeof(*h));

	if (h == NULL) {
		fn(arg);
		return -1;
	}
	h->fn = fn;
	h->arg = arg;
	h->next = a->hooks;
	a->hooks = h;
	return 0;
}

void
bgw_arena_reset(bgw_arena *a)
{
	/* Hooks live in arena memory: unlink each before running it. */
	while (a->hooks != NULL) {
		struct hook *h = a->hooks;

		a->hooks = h->next;
		h->fn(h->arg);
	}
	while (a->head->next != NULL) {
		struct block *b = a->head;

		a->head = b->next;
		a->footprint -= b->size;
		free(b);
	}
	a->head->used = 0;
}

void
bgw_arena_free(bgw_arena *a)
{
	if (a == NULL)
		return;
	bgw_arena_reset(a);
	free(a->head);
	free(a);
}

size_t
bgw_arena_footprint(const bgw_arena *a)
{
	return a->footprint;
}

bool
bgw_arena_grow(bgw_arena *a, char **buf, size_t *cap, size_t used, size_t need,
    size_t initial)
{
	size_t want, grown = *cap == 0 ? (initial > 0 ? initial : 1) : *cap;
	char *nb;

	if (need > SIZE_MAX - used)
		return false;
	want = used + need;
	if (want <= *cap)
		return true;
	while (grown < want) {
		if (grown > SIZE_MAX / 2)
			return false;
		grown *= 2;
	}
	if ((nb = bgw_arena_alloc(a, grown)) == NULL)
		return false;
	if (used > 0)
		memcpy(nb, *buf, used);
	*buf = nb;
	*cap = grown;
	return true;
}
