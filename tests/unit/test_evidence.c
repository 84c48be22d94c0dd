/* test_evidence.c - the offline check of an evidence pack: a pack whose files match its
 * manifest passes; a changed, missing or extra file is named; no ZIP or no manifest is
 * refused.  Packs are made with the ZIP writer the service uses (records/zipw.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "memsink.h"
#include "records/evidence.h"
#include "records/zipw.h"


static void
sha_hex(const char *s, char out[65])
{
	unsigned char d[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)s, strlen(s), d);
	for (size_t i = 0; i < sizeof(d); i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

typedef struct file {
	const char *name, *content; /* content as packed */
	const char *listed;         /* content the manifest describes; NULL: not listed */
} file;

/* A pack of files[] and a manifest listing each listed one (and ghost, when not NULL). */
static void
make_pack(mem *m, const file *files, size_t n, const char *ghost)
{
	zipw *w = zipw_new(m->a, to_mem, m, 1765000000);
	char manifest[4096], sha[65];
	size_t at;

	at = (size_t)snprintf(manifest, sizeof(manifest), "{\"format\":\"%s\",\"project_id\":"
	    "\"p1\",\"audit_chain\":{\"seq\":\"7\",\"head\":\"%064d\"},\"files\":[",
	    EVIDENCE_FORMAT, 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(zipw_entry_begin(w, files[i].name), BGW_OK);
		assert_int_equal(zipw_entry_write(w, files[i].content, strlen(files[i].content)),
		    BGW_OK);
		assert_int_equal(zipw_entry_end(w, NULL, NULL), BGW_OK);
		if (files[i].listed == NULL)
			continue;
		sha_hex(files[i].listed, sha);
		at += (size_t)snprintf(manifest + at, sizeof(manifest) - at,
		    "%s{\"name\":\"%s\",\"size\":%zu,\"sha256\":\"%s\"}", at > 80 &&
		    manifest[at - 1] == '}' ? "," : "", files[i].name, strlen(files[i].listed), sha);
	}
	if (ghost != NULL)
		at += (size_t)snprintf(manifest + at, sizeof(manifest) - at,
		    "%s{\"name\":\"%s\",\"size\":1,\"sha256\":\"00\"}",
		    manifest[at - 1] == '}' ? "," : "", ghost);
	snprintf(manifest + at, sizeof(manifest) - at, "]}");
	assert_int_equal(zipw_entry_begin(w, EVIDENCE_MANIFEST), BGW_OK);
	assert_int_equal(zipw_entry_write(w, manifest, strlen(manifest)), BGW_OK);
	assert_int_equal(zipw_entry_end(w, NULL, NULL), BGW_OK);
	assert_int_equal(zipw_finish(w), BGW_OK);
}

static void
good_pack_passes(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	file f[] = {{"confirmations.csv", "a,b\n", "a,b\n"},
		{"documents/x-請求書.pdf", "%PDF-1.4", "%PDF-1.4"}};
	evidence_report r;

	(void)state;
	make_pack(&m, f, 2, NULL);
	assert_int_equal(evidence_verify(a, (unsigned char *)m.buf, m.len, &r), BGW_OK);
	assert_int_equal(r.nproblems, 0);
	assert_int_equal(r.nfiles, 2);
	assert_string_equal(r.project_id, "p1");
	assert_string_equal(r.chain_seq, "7");
	bgw_arena_free(a);
}

static void
problems_named(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	file f[] = {{"confirmations.csv", "a,b\n", "a,b\n"},
		{"confirmations.xml", "<x>changed</x>", "<x>original</x>"},
		{"planted.txt", "hello", NULL}};
	evidence_report r;

	(void)state;
	make_pack(&m, f, 3, "audit-log.json");
	assert_int_equal(evidence_verify(a, (unsigned char *)m.buf, m.len, &r), BGW_OK);
	assert_int_equal(r.nproblems, 3);
	assert_int_equal(r.problems[0].kind, EVIDENCE_CHANGED);
	assert_string_equal(r.problems[0].name, "confirmations.xml");
	assert_int_equal(r.problems[1].kind, EVIDENCE_MISSING);
	assert_string_equal(r.problems[1].name, "audit-log.json");
	assert_int_equal(r.problems[2].kind, EVIDENCE_EXTRA);
	assert_string_equal(r.problems[2].name, "planted.txt");
	assert_string_equal(evidence_problem_name(EVIDENCE_CHANGED), "changed");
	bgw_arena_free(a);
}

static void
corrupt_entry_unreadable(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	file f[] = {{"data.txt", "the quick brown fox jumps over the lazy dog", NULL}};
	evidence_report r;

	(void)state;
	f[0].listed = f[0].content;
	make_pack(&m, f, 1, NULL);
	m.buf[30 + strlen("data.txt") + 3] ^= 0x55; /* a byte of the deflated data */
	assert_int_equal(evidence_verify(a, (unsigned char *)m.buf, m.len, &r), BGW_OK);
	assert_int_equal(r.nproblems, 1);
	assert_true(r.problems[0].kind == EVIDENCE_UNREADABLE ||
	    r.problems[0].kind == EVIDENCE_CHANGED);
	assert_string_equal(r.problems[0].name, "data.txt");
	bgw_arena_free(a);
}

static void
not_a_pack_refused(void **state)
{
	bgw_arena *a = bgw_arena_new();
	mem m = {.a = a};
	zipw *w = zipw_new(a, to_mem, &m, 0);
	evidence_report r;

	(void)state;
	assert_int_equal(evidence_verify(a, (const unsigned char *)"PK\3\4junk", 8, &r),
	    BGW_E_BAD_REQUEST);
	assert_int_equal(zipw_entry_begin(w, "x"), BGW_OK);
	assert_int_equal(zipw_entry_end(w, NULL, NULL), BGW_OK);
	assert_int_equal(zipw_finish(w), BGW_OK);
	assert_int_equal(evidence_verify(a, (unsigned char *)m.buf, m.len, &r),
	    BGW_E_BAD_REQUEST); /* no manifest.json */
	bgw_arena_free(a);
}

static void
download_name(void **state)
{
	bgw_arena *a = bgw_arena_new();

	(void)state;
	assert_string_equal(evidence_filename(a, "p1"), "evidence-p1.zip");
	assert_string_equal(evidence_filename(a, "a/b\"c"), "evidence-a_b_c.zip");
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_pack_passes),
		cmocka_unit_test(problems_named),
		cmocka_unit_test(corrupt_entry_unreadable),
		cmocka_unit_test(not_a_pack_refused),
		cmocka_unit_test(download_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
