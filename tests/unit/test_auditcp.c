/* test_auditcp.c - the checkpoint file as auditcp.h describes it: each line's HMAC computed
 * here from the documented text (not by the module's own helper), the last valid line of
 * each chain wins, and every forged or malformed line is reported, never trusted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "flow/auditcp.h"

static const unsigned char key[AUDITCP_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const char h1[] = "1111111111111111111111111111111111111111111111111111111111111111";
static const char h2[] = "2222222222222222222222222222222222222222222222222222222222222222";
static const char h3[] = "3333333333333333333333333333333333333333333333333333333333333333";

/* One line as the documentation says: MAC over "bgw-cp1\n<at>\n<chain>\n<length>\n<head>\n". */
static char *
line(const unsigned char *k, const char *at, const char *chain, long long length,
    const char *head)
{
	static char out[8][512];
	static int next;
	char text[256], mac[65];
	unsigned char m[32];
	unsigned int mlen = 0;
	int n = snprintf(text, sizeof(text), "bgw-cp1\n%s\n%s\n%lld\n%s\n", at, chain, length, head);
	char *o = out[next++ % 8];

	HMAC(EVP_sha256(), k, AUDITCP_KEY_LEN, (unsigned char *)text, (size_t)n, m, &mlen);
	for (unsigned int i = 0; i < mlen; i++)
		snprintf(mac + 2 * i, 3, "%02x", m[i]);
	snprintf(o, 512, "bgw-cp1 %s %s %lld %s %s\n", at, chain, length, head, mac);
	return o;
}

static char path[64];

static void
write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/bgw-test-auditcp-%ld", (long)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_latest_of_each_chain(void **state)
{
	bgw_arena *a = bgw_arena_new();
	auditcp_entry *e;
	auditcp_bad *bad;
	char text[4096];

	(void)state;
	/* Day 1: global, P1, P2; day 2: global, P1 (P2 missing from day 2 still counts). */
	snprintf(text, sizeof(text), "%s%s%s%s%s",
	    line(key, "2026-12-06T00:00:01Z", "-", 5, h1),
	    line(key, "2026-12-06T00:00:01Z", "P1", 3, h1),
	    line(key, "2026-12-06T00:00:01Z", "P2", 7, h2),
	    line(key, "2026-12-07T00:00:01Z", "P1", 9, h3),
	    line(key, "2026-12-07T00:00:01Z", "-", 6, h2));
	write_file(text);
	assert_int_equal(auditcp_read(a, key, path, &e, &bad), BGW_OK);
	assert_null(bad);
	assert_non_null(e);
	assert_null(e->chain);
	assert_int_equal(e->length, 6);
	assert_string_equal(e->head, h2);
	assert_string_equal(e->at, "2026-12-07T00:00:01Z");
	e = e->next;
	assert_string_equal(e->chain, "P1");
	assert_int_equal(e->length, 9);
	assert_int_equal(e->line, 4);
	e = e->next;
	assert_string_equal(e->chain, "P2");
	assert_int_equal(e->length, 7);
	assert_null(e->next);
	unlink(path);
	bgw_arena_free(a);
}

static void
test_forged_lines_are_reported_never_trusted(void **state)
{
	static const unsigned char other[AUDITCP_KEY_LEN] = "another key, another key, anoth";
	bgw_arena *a = bgw_arena_new();
	auditcp_entry *e;
	auditcp_bad *bad;
	char text[4096], edited[512];

	(void)state;
	/* A real line, then: its length lowered by hand (to hide a deletion), a line signed
	 * with another key, and malformed lines. */
	snprintf(edited, sizeof(edited), "%s", line(key, "2026-12-07T00:00:01Z", "P1", 9, h3));
	edited[strlen("bgw-cp1 2026-12-07T00:00:01Z P1 ")] = '8';
	snprintf(text, sizeof(text), "%s%s%s%s%s%s%s%s",
	    line(key, "2026-12-06T00:00:01Z", "P1", 9, h3), edited,
	    line(other, "2026-12-07T00:00:02Z", "P1", 2, h1),
	    "bgw-cp1 2026-12-07T00:00:01Z P1 9\n",
	    "bgw-cp2 2026-12-07T00:00:01Z P1 9 x y\n",
	    "\n",
	    "bgw-cp1 2026-12-07T00:00:01Z P1 0 1111111111111111111111111111111111111111111111111111111111111111 2222222222222222222222222222222222222222222222222222222222222222\n",
	    "bgw-cp1 2026-12-07T00:00:01Z P1 -3 1111111111111111111111111111111111111111111111111111111111111111 2222222222222222222222222222222222222222222222222222222222222222\n");
	write_file(text);
	assert_int_equal(auditcp_read(a, key, path, &e, &bad), BGW_OK);
	/* Only the first line anchors P1. */
	assert_non_null(e);
	assert_string_equal(e->chain, "P1");
	assert_int_equal(e->length, 9);
	assert_int_equal(e->line, 1);
	assert_null(e->next);
	{
		static const long want_line[] = {2, 3, 4, 5, 6, 7, 8};
		size_t i = 0;

		for (auditcp_bad *b = bad; b != NULL; b = b->next, i++) {
			assert_true(i < sizeof(want_line) / sizeof(want_line[0]));
			assert_int_equal(b->line, want_line[i]);
			if (i < 2)
				assert_non_null(strstr(b->why, "bad HMAC"));
			else
				assert_string_equal(b->why, "malformed line");
		}
		assert_int_equal(i, sizeof(want_line) / sizeof(want_line[0]));
	}
	unlink(path);
	bgw_arena_free(a);
}

static void
test_no_file_is_not_found(void **state)
{
	bgw_arena *a = bgw_arena_new();
	auditcp_entry *e;
	auditcp_bad *bad;

	(void)state;
	assert_int_equal(auditcp_read(a, key, "/nonexistent/bgw/checkpoints", &e, &bad),
	    BGW_E_NOT_FOUND);
	assert_null(e);
	assert_null(bad);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latest_of_each_chain),
		cmocka_unit_test(test_forged_lines_are_reported_never_trusted),
		cmocka_unit_test(test_no_file_is_not_found),
	};

	return cmocka_run_group_tests_name("auditcp", tests, NULL, NULL);
}
