/* zipw.c - the streaming ZIP writer (APPNOTE 6.3.x: local headers with data descriptors,
 * deflate, ZIP64 where the classic fields overflow). */
#include "records/zipw.h"

#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#define SIG_LOCAL 0x04034b50u
#define SIG_DESCRIPTOR 0x08074b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64 0x06064b50u
#define SIG_LOCATOR64 0x07064b50u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_UTF8 0x0800u
#define METHOD_DEFLATE 8u
#define VERSION_ZIP64 45u
/* One "version needed" for every entry, local and central alike: whether an entry needs
 * ZIP64 is known only after its data, and the two headers must agree. */
#define VERSION_NEEDED VERSION_ZIP64
#define MADE_BY_UNIX (3u << 8)
#define EXT_ZIP64 0x0001u
#define MAX32 0xffffffffu
#define MAX16 0xffffu
#define FILE_MODE (0100644u << 16) /* a regular file, rw-r--r-- */
#define OUT_BUF (64u * 1024u)
#define DEFLATE_LEVEL 6
#define MAX_NAME 0xffffu

typedef struct entry {
	struct entry *next;
	const char *name;
	uint32_t crc;
	uint64_t csize, usize, offset;
} entry;

struct zipw {
	bgw_arena *a;
	bgw_sink sink;
	void *ud;
	uint16_t dos_time, dos_date;
	bool zip64_forced, open, finished, z_ready;
	z_stream z;
	EVP_MD_CTX *md;
	entry *first, *last, *cur;
	size_t nentries;
	uint64_t written;
	unsigned char out[OUT_BUF];
};

static void
release(void *p)
{
	zipw *z = p;

	if (z->z_ready)
		deflateEnd(&z->z);
	EVP_MD_CTX_free(z->md);
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)((v >> (8 * i)) & 0xff);
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)((v >> (8 * i)) & 0xff);
}

static bgw_err
emit(zipw *z, const void *buf, size_t n)
{
	bgw_err err;

	if (n == 0)
		return BGW_OK;
	if ((err = z->sink(z->ud, buf, n)) != BGW_OK)
		return err;
	z->written += n;
	return BGW_OK;
}

static void
set_dos_time(zipw *z, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (tm.tm_year < 80) /* DOS dates start in 1980 */
		tm = (struct tm){.tm_year = 80, .tm_mday = 1};
	z->dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	z->dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

zipw *
zipw_new(bgw_arena *a, bgw_sink sink, void *ud, time_t mtime)
{
	zipw *z = bgw_arena_calloc(a, 1, sizeof(*z));

	if (z == NULL)
		return NULL;
	*z = (zipw){.a = a, .sink = sink, .ud = ud};
	set_dos_time(z, mtime);
	if (bgw_arena_on_reset(a, release, z) != 0)
		return NULL;
	if ((z->md = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (deflateInit2(&z->z, DEFLATE_LEVEL, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return NULL;
	z->z_ready = true;
	return z;
}

void
zipw_force_zip64(zipw *z)
{
	z->zip64_forced = true;
}

uint64_t
zipw_bytes(const zipw *z)
{
	return z->written;
}

bgw_err
zipw_entry_begin(zipw *z, const char *name)
{
	size_t len = strlen(name);
	unsigned char h[30];
	entry *e;
	bgw_err err;

	if (z->open || z->finished)
		return BGW_E_INVALID_STATE;
	if (len == 0 || len > MAX_NAME)
		return BGW_E_BAD_REQUEST;
	if ((e = bgw_arena_calloc(z->a, 1, sizeof(*e))) == NULL ||
	    (e->name = bgw_arena_strdup(z->a, name)) == NULL)
		return BGW_E_NOMEM;
	e->offset = z->written;
	e->crc = (uint32_t)crc32_z(0L, Z_NULL, 0);
	if (deflateReset(&z->z) != Z_OK || EVP_DigestInit_ex(z->md, EVP_sha256(), NULL) != 1)
		return BGW_E_INTERNAL;
	put32(h, SIG_LOCAL);
	put16(h + 4, VERSION_NEEDED);
	put16(h + 6, FLAG_DESCRIPTOR | FLAG_UTF8);
	put16(h + 8, METHOD_DEFLATE);
	put16(h + 10, z->dos_time);
	put16(h + 12, z->dos_date);
	memset(h + 14, 0, 12); /* CRC and sizes: in the data descriptor */
	put16(h + 26, (unsigned)len);
	put16(h + 28, 0);
	if ((err = emit(z, h, sizeof(h))) != BGW_OK || (err = emit(z, name, len)) != BGW_OK)
		return err;
	if (z->last != NULL)
		z->last->next = e;
	else
		z->first = e;
	z->last = z->cur = e;
	z->nentries++;
	z->open = true;
	return BGW_OK;
}

/* Run deflate over what is in z->z with flush, sending each full output buffer. */
static bgw_err
pump(zipw *z, int flush)
{
	int rc;

	do {
		size_t have;
		bgw_err err;

		z->z.next_out = z->out;
		z->z.avail_out = OUT_BUF;
		rc = deflate(&z->z, flush);
		if (rc == Z_STREAM_ERROR)
			return BGW_E_INTERNAL;
		have = OUT_BUF - z->z.avail_out;
		z->cur->csize += have;
		if ((err = emit(z, z->out, have)) != BGW_OK)
			return err;
	} while (z->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
	return BGW_OK;
}

bgw_err
zipw_entry_write(zipw *z, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (!z->open)
		return BGW_E_INVALID_STATE;
	if (n == 0)
		return BGW_OK;
	if (EVP_DigestUpdate(z->md, buf, n) != 1)
		return BGW_E_INTERNAL;
	z->cur->crc = (uint32_t)crc32_z(z->cur->crc, p, n);
	z->cur->usize += n;
	/* avail_in is an unsigned int: feed a huge buffer in slices. */
	while (n > 0) {
		size_t slice = n > OUT_BUF ? OUT_BUF : n;
		bgw_err err;

		z->z.next_in = (unsigned char *)(uintptr_t)p;
		z->z.avail_in = (unsigned)slice;
		if ((err = pump(z, Z_NO_FLUSH)) != BGW_OK)
			return err;
		p += slice;
		n -= slice;
	}
	return BGW_OK;
}

bgw_err
zipw_sink(void *ud, const char *buf, size_t n)
{
	return zipw_entry_write(ud, buf, n);
}

static bool
entry_zip64(const zipw *z, const entry *e)
{
	return z->zip64_forced || e->csize >= MAX32 || e->usize >= MAX32 || e->offset >= MAX32;
}

void
zipw_hex(const unsigned char *d, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[2 * n] = '\0';
}

bgw_err
zipw_entry_end(zipw *z, char *sha256_hex, uint64_t *size)
{
	unsigned char d[24], digest[EVP_MAX_MD_SIZE];
	unsigned dn = 0;
	entry *e = z->cur;
	size_t len;
	bgw_err err;

	if (!z->open)
		return BGW_E_INVALID_STATE;
	z->z.next_in = NULL;
	z->z.avail_in = 0;
	if ((err = pump(z, Z_FINISH)) != BGW_OK)
		return err;
	if (EVP_DigestFinal_ex(z->md, digest, &dn) != 1)
		return BGW_E_INTERNAL;
	put32(d, SIG_DESCRIPTOR);
	put32(d + 4, e->crc);
	/* The 8-byte sizes of a ZIP64 descriptor only where they are needed (as Go's
	 * archive/zip does): readers take the sizes from the central directory. */
	if (e->csize >= MAX32 || e->usize >= MAX32 || z->zip64_forced) {
		put64(d + 8, e->csize);
		put64(d + 16, e->usize);
		len = 24;
	} else {
		put32(d + 8, (uint32_t)e->csize);
		put32(d + 12, (uint32_t)e->usize);
		len = 16;
	}
	if ((err = emit(z, d, len)) != BGW_OK)
		return err;
	z->open = false;
	if (sha256_hex != NULL)
		zipw_hex(digest, dn, sha256_hex);
	if (size != NULL)
		*size = e->usize;
	return BGW_OK;
}

static bgw_err
central_record(zipw *z, const entry *e)
{
	unsigned char h[46], x[28];
	size_t len = strlen(e->name), xlen = 0;
	bool big = entry_zip64(z, e);
	bgw_err err;

	if (big) {
		put16(x, EXT_ZIP64);
		put16(x + 2, 24);
		put64(x + 4, e->usize);
		put64(x + 12, e->csize);
		put64(x + 20, e->offset);
		xlen = 28;
	}
	put32(h, SIG_CENTRAL);
	put16(h + 4, MADE_BY_UNIX | VERSION_ZIP64);
	put16(h + 6, VERSION_NEEDED);
	put16(h + 8, FLAG_DESCRIPTOR | FLAG_UTF8);
	put16(h + 10, METHOD_DEFLATE);
	put16(h + 12, z->dos_time);
	put16(h + 14, z->dos_date);
	put32(h + 16, e->crc);
	put32(h + 20, big ? MAX32 : (uint32_t)e->csize);
	put32(h + 24, big ? MAX32 : (uint32_t)e->usize);
	put16(h + 28, (unsigned)len);
	put16(h + 30, (unsigned)xlen);
	put16(h + 32, 0);  /* comment */
	put16(h + 34, 0);  /* disk */
	put16(h + 36, 0);  /* internal attributes */
	put32(h + 38, FILE_MODE);
	put32(h + 42, big ? MAX32 : (uint32_t)e->offset);
	if ((err = emit(z, h, sizeof(h))) != BGW_OK || (err = emit(z, e->name, len)) != BGW_OK)
		return err;
	return emit(z, x, xlen);
}

static bgw_err
end_records64(zipw *z, uint64_t cd_offset, uint64_t cd_size)
{
	unsigned char r[56], l[20];
	uint64_t at = z->written;
	bgw_err err;

	put32(r, SIG_END64);
	put64(r + 4, sizeof(r) - 12);
	put16(r + 12, MADE_BY_UNIX | VERSION_ZIP64);
	put16(r + 14, VERSION_ZIP64);
	put32(r + 16, 0);
	put32(r + 20, 0);
	put64(r + 24, z->nentries);
	put64(r + 32, z->nentries);
	put64(r + 40, cd_size);
	put64(r + 48, cd_offset);
	put32(l, SIG_LOCATOR64);
	put32(l + 4, 0);
	put64(l + 8, at);
	put32(l + 16, 1);
	if ((err = emit(z, r, sizeof(r))) != BGW_OK)
		return err;
	return emit(z, l, sizeof(l));
}

bgw_err
zipw_finish(zipw *z)
{
	unsigned char end[22];
	uint64_t cd_offset = z->written, cd_size;
	bool big;
	bgw_err err;

	if (z->open || z->finished)
		return BGW_E_INVALID_STATE;
	for (const entry *e = z->first; e != NULL; e = e->next)
		if ((err = central_record(z, e)) != BGW_OK)
			return err;
	cd_size = z->written - cd_offset;
	big = z->zip64_forced || z->nentries >= MAX16 || cd_size >= MAX32 || cd_offset >= MAX32;
	if (big && (err = end_records64(z, cd_offset, cd_size)) != BGW_OK)
		return err;
	put32(end, SIG_END);
	put16(end + 4, 0);
	put16(end + 6, 0);
	put16(end + 8, big ? MAX16 : (unsigned)z->nentries);
	put16(end + 10, big ? MAX16 : (unsigned)z->nentries);
	put32(end + 12, big ? MAX32 : (uint32_t)cd_size);
	put32(end + 16, big ? MAX32 : (uint32_t)cd_offset);
	put16(end + 20, 0);
	z->finished = true;
	return emit(z, end, sizeof(end));
}
