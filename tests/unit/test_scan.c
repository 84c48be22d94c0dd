/* test_scan.c - the clamd client against a scripted fake clamd (a unix socket served by a
 * thread), and, when BGW_TEST_CLAMD names a real clamd socket, against clamd itself
 * (BGW_TEST_CLAMD_MAX: its StreamMaxLength in bytes, to check the size limit too). */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "files/scan.h"

/* The test timeout: short, so the slow-clamd cases end quickly. */
#define TEST_TIMEOUT_MS 200
/* The fake's delay for "slow": well past the timeout. */
#define TEST_SLOW_MS 700

/* One scripted clamd connection.  The server thread only records; the test asserts. */
struct fake {
	char dir[64];
	char path[108];
	int lfd;
	pthread_t thread;
	/* script */
	const char *reply;      /* bytes sent after the stream (or the limit), NULL: none */
	size_t reply_len;
	size_t limit;           /* > 0: after this many data bytes, reply at once and close */
	int delay_ms;           /* before replying */
	int no_read;            /* never read (a hung clamd) */
	/* observed */
	char cmd[32];
	size_t received;
	size_t max_chunk;
	uint32_t hash;          /* FNV-1a of the data received */
	int terminated;         /* the zero-length chunk arrived */
};

static uint32_t
fnv(uint32_t h, const unsigned char *p, size_t n)
{
	while (n-- > 0) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

#define FNV_INIT 2166136261u

static int
read_full(int fd, void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = read(fd, p, n);

		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static void *
serve(void *arg)
{
	struct fake *f = arg;
	unsigned char buf[8192];
	size_t n = 0;
	int fd = accept(f->lfd, NULL, NULL);

	if (fd < 0)
		return NULL;
	f->hash = FNV_INIT;
	if (f->no_read) {
		sleep_ms(f->delay_ms);
		close(fd);
		return NULL;
	}
	/* The command, up to its NUL. */
	while (n < sizeof(f->cmd) - 1 && read(fd, &f->cmd[n], 1) == 1 && f->cmd[n] != '\0')
		n++;
	if (strcmp(f->cmd, "zINSTREAM") == 0) {
		for (;;) {
			unsigned char len[4];
			uint32_t chunk;

			if (f->limit > 0 && f->received > f->limit)
				break;
			if (read_full(fd, len, 4) != 0)
				break;
			chunk = (uint32_t)len[0] << 24 | (uint32_t)len[1] << 16 |
			    (uint32_t)len[2] << 8 | len[3];
			if (chunk == 0) {
				f->terminated = 1;
				break;
			}
			if (chunk > f->max_chunk)
				f->max_chunk = chunk;
			while (chunk > 0) {
				size_t want = chunk > sizeof(buf) ? sizeof(buf) : chunk;

				if (read_full(fd, buf, want) != 0)
					goto reply;
				f->hash = fnv(f->hash, buf, want);
				f->received += want;
				chunk -= (uint32_t)want;
			}
		}
	}
reply:
	sleep_ms(f->delay_ms);
	/* The client may have given up already: no SIGPIPE, and the error is expected. */
	if (f->reply != NULL)
		(void)send(fd, f->reply, f->reply_len, MSG_NOSIGNAL);
	close(fd);
	return NULL;
}

/* Start a fake that answers one connection with reply (reply_len bytes, NULs included). */
static void
fake_start(struct fake *f, const char *reply, size_t reply_len)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	snprintf(f->dir, sizeof(f->dir), "/tmp/bgw-scan-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/clamd.sock", f->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(f->lfd >= 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	f->reply = reply;
	f->reply_len = reply_len;
	assert_int_equal(pthread_create(&f->thread, NULL, serve, f), 0);
}

static void
fake_stop(struct fake *f)
{
	pthread_join(f->thread, NULL);
	close(f->lfd);
	unlink(f->path);
	rmdir(f->dir);
}

static int
setup(void **state)
{
	(void)state;
	scan_set_timeout(TEST_TIMEOUT_MS);
	return 0;
}

/* A deterministic, non-repeating test file. */
static unsigned char *
make_data(size_t n)
{
	unsigned char *d = malloc(n);
	uint32_t x = 12345;
	size_t i;

	assert_non_null(d);
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		d[i] = (unsigned char)(x >> 16);
	}
	return d;
}

#define R(s) s, sizeof(s) /* a reply literal with its NUL */

static void
test_ok_streams_all_bytes_in_bounded_chunks(void **state)
{
	struct fake f = {0};
	size_t n = 3 * SCAN_CHUNK_MAX + 123;
	unsigned char *d = make_data(n);
	scan_stream *s;
	char sig[SCAN_SIGNATURE_MAX] = "x";

	(void)state;
	fake_start(&f, R("stream: OK"));
	assert_int_equal(scan_begin(f.path, &s), BGW_OK);
	assert_int_equal(scan_write(s, d, 10), BGW_OK);
	assert_int_equal(scan_write(s, d + 10, 0), BGW_OK);
	assert_int_equal(scan_write(s, d + 10, n - 10), BGW_OK);
	assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_OK);
	assert_string_equal(sig, "");
	fake_stop(&f);
	assert_string_equal(f.cmd, "zINSTREAM");
	assert_int_equal(f.received, n);
	assert_int_equal(f.hash, fnv(FNV_INIT, d, n));
	assert_int_equal(f.max_chunk, SCAN_CHUNK_MAX);
	assert_true(f.terminated);
	free(d);
}

static void
test_found_copies_signature(void **state)
{
	struct fake f = {0};
	scan_stream *s;
	char sig[SCAN_SIGNATURE_MAX];
	char small[8];

	(void)state;
	fake_start(&f, R("stream: Eicar-Test-Signature FOUND"));
	assert_int_equal(scan_begin(f.path, &s), BGW_OK);
	assert_int_equal(scan_write(s, "data", 4), BGW_OK);
	assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_E_INFECTED);
	assert_string_equal(sig, "Eicar-Test-Signature");
	fake_stop(&f);

	/* Truncated to the caller's buffer. */
	memset(&f, 0, sizeof(f));
	fake_start(&f, R("stream: Eicar-Test-Signature FOUND"));
	assert_int_equal(scan_begin(f.path, &s), BGW_OK);
	assert_int_equal(scan_finish(s, small, sizeof(small)), BGW_E_INFECTED);
	assert_string_equal(small, "Eicar-T");
	fake_stop(&f);
}

static void
test_size_limit_then_close(void **state)
{
	struct fake f = {0};
	size_t n = 4u * 1024u * 1024u; /* far more than the socket buffers hold */
	unsigned char *d = make_data(n);
	scan_stream *s;
	char sig[SCAN_SIGNATURE_MAX];

	(void)state;
	f.limit = 100000;
	fake_start(&f, R("INSTREAM size limit exceeded. ERROR"));
	assert_int_equal(scan_begin(f.path, &s), BGW_OK);
	/* The write notices the close but leaves the verdict to scan_finish. */
	assert_int_equal(scan_write(s, d, n), BGW_OK);
	assert_int_equal(scan_write(s, d, n), BGW_OK);
	assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_E_TOO_LARGE);
	fake_stop(&f);
	assert_false(f.terminated);
	free(d);
}

/* Everything but exactly "stream: OK" (with its NUL) is a rejection. */
static void
test_unexpected_replies_are_unavailable(void **state)
{
	static const struct {
		const char *reply;
		size_t len;
	} vec[] = {
	    {R("stream: OKAY")},
	    {R("stream: ok")},
	    {R("stream: OK ")},
	    {R(" stream: OK")},
	    {R("stream: FOUND")}, /* no name */
	    {R("stream:  FOUND")},
	    {R("stream: Eicar FOUND ")},
	    {R("UNKNOWN COMMAND")},
	    {R("")},
	    {"stream: OK", 10},           /* no NUL before the close */
	    {"stream: OK\n", 11},
	    {NULL, 0},                    /* closed without a reply */
	    {"\xff\xfe\x00", 3},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		struct fake f = {0};
		scan_stream *s;
		char sig[SCAN_SIGNATURE_MAX];

		fake_start(&f, vec[i].reply, vec[i].len);
		assert_int_equal(scan_begin(f.path, &s), BGW_OK);
		assert_int_equal(scan_write(s, "abc", 3), BGW_OK);
		if (scan_finish(s, sig, sizeof(sig)) != BGW_E_SCANNER_UNAVAILABLE)
			fail_msg("vector %zu was not rejected as unavailable", i);
		assert_string_equal(sig, "");
		fake_stop(&f);
	}
}

/* An "OK" after clamd dropped part of the stream vouches for bytes it never read. */
static void
test_ok_after_close_is_rejected(void **state)
{
	struct fake f = {0};
	size_t n = 4u * 1024u * 1024u;
	unsigned char *d = make_data(n);
	scan_stream *s;
	char sig[SCAN_SIGNATURE_MAX];

	(void)state;
	f.limit = 1000;
	fake_start(&f, R("stream: OK"));
	assert_int_equal(scan_begin(f.path, &s), BGW_OK);
	assert_int_equal(scan_write(s, d, n), BGW_OK);
	assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_E_SCANNER_UNAVAILABLE);
	fake_stop(&f);
	free(d);
}

static void
test_no_listener(void **state)
{
	struct fake f = {0};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	scan_stream *s = (scan_stream *)&f;
	int fd;

	(void)state;
	assert_int_equal(scan_begin("/nonexistent/clamd.sock", &s), BGW_E_SCANNER_UNAVAILABLE);
	assert_null(s);
	assert_int_equal(scan_ping("/nonexistent/clamd.sock"), BGW_E_SCANNER_UNAVAILABLE);
	assert_int_equal(scan_begin("", &s), BGW_E_SCANNER_UNAVAILABLE);
	{
		char longpath[300];

		memset(longpath, 'a', sizeof(longpath) - 1);
		longpath[sizeof(longpath) - 1] = '\0';
		assert_int_equal(scan_begin(longpath, &s), BGW_E_SCANNER_UNAVAILABLE);
	}

	/* A socket file left behind by a stopped clamd: connection refused. */
	snprintf(f.dir, sizeof(f.dir), "/tmp/bgw-scan-XXXXXX");
	assert_non_null(mkdtemp(f.dir));
	snprintf(f.path, sizeof(f.path), "%s/clamd.sock", f.dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f.path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(scan_begin(f.path, &s), BGW_E_SCANNER_UNAVAILABLE);
	assert_null(s);
	unlink(f.path);
	rmdir(f.dir);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_slow_verdict_times_out(void **state)
{
	struct fake f = {0};
	scan_stream *s;
	char sig[SCAN_SIGNATURE_MAX];
	int64_t t0;

	(void)state;
	f.delay_ms = TEST_SLOW_MS;
	fake_start(&f, R("stream: OK"));
	assert_int_equal(scan_begin(f.path, &s), BGW_OK);
	assert_int_equal(scan_write(s, "abc", 3), BGW_OK);
	t0 = mono_ms();
	assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_E_SCANNER_UNAVAILABLE);
	assert_true(mono_ms() - t0 < TEST_SLOW_MS);
	fake_stop(&f);
}

/* A clamd that accepts and never reads: the send blocks on full buffers and times out; the
 * error sticks. */
static void
test_hung_reader_times_out(void **state)
{
	struct fake f = {0};
	size_t n = 8u * 1024u * 1024u;
	unsigned char *d = make_data(n);
	scan_stream *s;
	char sig[SCAN_SIGNATURE_MAX];
	int64_t t0;

	(void)state;
	f.no_read = 1;
	f.delay_ms = TEST_SLOW_MS;
	fake_start(&f, NULL, 0);
	assert_int_equal(scan_begin(f.path, &s), BGW_OK);
	t0 = mono_ms();
	assert_int_equal(scan_write(s, d, n), BGW_E_SCANNER_UNAVAILABLE);
	assert_true(mono_ms() - t0 < TEST_SLOW_MS);
	assert_int_equal(scan_write(s, d, 1), BGW_E_SCANNER_UNAVAILABLE);
	assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_E_SCANNER_UNAVAILABLE);
	fake_stop(&f);
	free(d);
}

static void
test_abort_frees(void **state)
{
	struct fake f = {0};
	scan_stream *s;

	(void)state;
	fake_start(&f, NULL, 0);
	assert_int_equal(scan_begin(f.path, &s), BGW_OK);
	assert_int_equal(scan_write(s, "abc", 3), BGW_OK);
	scan_abort(s);
	scan_abort(NULL);
	fake_stop(&f);
}

static void
test_ping(void **state)
{
	static const struct {
		const char *reply;
		size_t len;
		bgw_err want;
	} vec[] = {
	    {R("PONG"), BGW_OK},
	    {"PONG", 4, BGW_E_SCANNER_UNAVAILABLE},
	    {R("PONG!"), BGW_E_SCANNER_UNAVAILABLE},
	    {R("ERROR"), BGW_E_SCANNER_UNAVAILABLE},
	    {NULL, 0, BGW_E_SCANNER_UNAVAILABLE},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		struct fake f = {0};

		fake_start(&f, vec[i].reply, vec[i].len);
		if (scan_ping(f.path) != vec[i].want)
			fail_msg("ping vector %zu", i);
		fake_stop(&f);
		assert_string_equal(f.cmd, "zPING");
	}
}

/* VERSION: the daily database's date, in local time as clamd writes it; none without an
 * official database; anything else is no answer. */
static void
test_signature_time(void **state)
{
	static const struct {
		const char *reply;
		size_t len;
		bgw_err want;
		int dated; /* 1: *built is the date below, 0: *built is 0 */
	} vec[] = {
	    {R("ClamAV 1.4.6/27480/Mon Dec  7 08:25:43 2026"), BGW_OK, 1},
	    {R("ClamAV 1.4.6"), BGW_OK, 0},
	    {R("ClamAV 1.4.6/27480/yesterday"), BGW_E_SCANNER_UNAVAILABLE, 0},
	    {R("ClamAV 1.4.6/27480/Mon Dec  7 08:25:43 2026 extra"), BGW_E_SCANNER_UNAVAILABLE, 0},
	    {R("PONG"), BGW_E_SCANNER_UNAVAILABLE, 0},
	    {"ClamAV 1.4.6/27480/Mon Dec  7 08:25:43 2026", 43, BGW_E_SCANNER_UNAVAILABLE, 0},
	    {NULL, 0, BGW_E_SCANNER_UNAVAILABLE, 0},
	};
	struct tm want_tm = {.tm_year = 2026 - 1900, .tm_mon = 11, .tm_mday = 7, .tm_hour = 8,
		.tm_min = 25, .tm_sec = 43, .tm_isdst = -1};
	time_t want = mktime(&want_tm);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		struct fake f = {0};
		time_t built = 12345;

		fake_start(&f, vec[i].reply, vec[i].len);
		if (scan_signature_time(f.path, &built) != vec[i].want)
			fail_msg("version vector %zu", i);
		fake_stop(&f);
		assert_string_equal(f.cmd, "zVERSION");
		if (built != (vec[i].dated ? want : 0))
			fail_msg("version vector %zu: built %lld", i, (long long)built);
	}
}

/* The EICAR test file, from the hex of its well-known signature (so this source file is
 * not itself flagged by scanners on developer machines). */
static const char eicar_hex[] =
    "58354f2150254041505b345c505a58353428505e2937434329377d2445494341522d5354414e4441"
    "52442d414e544956495255532d544553542d46494c452124482b482a";

static void
test_real_clamd(void **state)
{
	const char *sock = getenv("BGW_TEST_CLAMD");
	unsigned char eicar[sizeof(eicar_hex) / 2];
	unsigned char *clean;
	scan_stream *s;
	char sig[SCAN_SIGNATURE_MAX];
	size_t i;

	(void)state;
	if (sock == NULL || sock[0] == '\0')
		skip();
	scan_set_timeout(SCAN_TIMEOUT_MS_DEFAULT);
	for (i = 0; i < sizeof(eicar); i++) {
		unsigned int b;

		assert_int_equal(sscanf(eicar_hex + 2 * i, "%2x", &b), 1);
		eicar[i] = (unsigned char)b;
	}
	assert_int_equal(scan_ping(sock), BGW_OK);
	{
		time_t built;

		/* Dated with freshclam's database, 0 with the offline test signatures. */
		assert_int_equal(scan_signature_time(sock, &built), BGW_OK);
	}

	assert_int_equal(scan_begin(sock, &s), BGW_OK);
	assert_int_equal(scan_write(s, eicar, sizeof(eicar)), BGW_OK);
	assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_E_INFECTED);
	assert_non_null(strstr(sig, "Eicar"));

	clean = make_data(3 * SCAN_CHUNK_MAX);
	assert_int_equal(scan_begin(sock, &s), BGW_OK);
	assert_int_equal(scan_write(s, clean, 3 * SCAN_CHUNK_MAX), BGW_OK);
	assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_OK);
	free(clean);

	/* With BGW_TEST_CLAMD_MAX set to clamd's StreamMaxLength, a longer stream is refused. */
	if (getenv("BGW_TEST_CLAMD_MAX") != NULL) {
		size_t max = (size_t)strtoull(getenv("BGW_TEST_CLAMD_MAX"), NULL, 10);
		size_t n = max + 4 * SCAN_CHUNK_MAX;
		unsigned char *big = make_data(n);

		assert_int_equal(scan_begin(sock, &s), BGW_OK);
		assert_int_equal(scan_write(s, big, n), BGW_OK);
		assert_int_equal(scan_finish(s, sig, sizeof(sig)), BGW_E_TOO_LARGE);
		free(big);
	}
	scan_set_timeout(TEST_TIMEOUT_MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ok_streams_all_bytes_in_bounded_chunks),
	    cmocka_unit_test(test_found_copies_signature),
	    cmocka_unit_test(test_size_limit_then_close),
	    cmocka_unit_test(test_unexpected_replies_are_unavailable),
	    cmocka_unit_test(test_ok_after_close_is_rejected),
	    cmocka_unit_test(test_no_listener),
	    cmocka_unit_test(test_slow_verdict_times_out),
	    cmocka_unit_test(test_hung_reader_times_out),
	    cmocka_unit_test(test_abort_frees),
	    cmocka_unit_test(test_ping),
	    cmocka_unit_test(test_signature_time),
	    cmocka_unit_test(test_real_clamd),
	};

	return cmocka_run_group_tests_name("scan", tests, setup, NULL);
}
