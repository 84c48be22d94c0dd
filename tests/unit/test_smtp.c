/* test_smtp.c - smtp_send: permanent/transient classification through --wrap mocks of
 * curl_easy_perform and curl_easy_getinfo; real libcurl against a scripted SMTP server
 * thread (5xx, 4xx, refused, silent); and, when BGW_TEST_SMTP=smtp://127.0.0.1:PORT names
 * a sink (python3 -m aiosmtpd -n -l 127.0.0.1:PORT), a real delivery. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "core/arena.h"
#include "mail/mime.h"
#include "mail/smtp.h"

/* --- mocks: real calls unless mocking is on ---------------------------------------------- */

static int mocking;
static CURLcode mock_res;
static long mock_code;

CURLcode __real_curl_easy_perform(CURL *h);
CURLcode __wrap_curl_easy_perform(CURL *h);
CURLcode __real_curl_easy_getinfo(CURL *h, CURLINFO info, ...);
CURLcode __wrap_curl_easy_getinfo(CURL *h, CURLINFO info, ...);

CURLcode
__wrap_curl_easy_perform(CURL *h)
{
	return mocking ? mock_res : __real_curl_easy_perform(h);
}

CURLcode
__wrap_curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, info);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!mocking)
		return __real_curl_easy_getinfo(h, info, arg);
	if (info != CURLINFO_RESPONSE_CODE)
		return CURLE_BAD_FUNCTION_ARGUMENT;
	*(long *)arg = mock_code;
	return CURLE_OK;
}

static const char test_msg[] =
    "From: noreply@bg.example\r\nTo: t@bank.example\r\nSubject: test\r\n\r\n"
    "hello\r\n.leading dot\r\n";

static smtp_conf
conf(const char *url)
{
	smtp_conf c = {
	    .url = url,
	    .from = "noreply@bg.example",
	    .connect_timeout_ms = 2000,
	    .timeout_ms = 2000,
	};
	return c;
}

static void
test_classification_mocked(void **state)
{
	static const struct {
		CURLcode res;
		long code;
		bgw_err want;
		int permanent;
	} vec[] = {
	    {CURLE_OK, 250, BGW_OK, 0},
	    {CURLE_SEND_ERROR, 550, BGW_E_VALIDATION, 1},       /* RCPT refused: no such user */
	    {CURLE_SEND_ERROR, 553, BGW_E_VALIDATION, 1},
	    {CURLE_WEIRD_SERVER_REPLY, 554, BGW_E_VALIDATION, 1}, /* refused after DATA */
	    {CURLE_SEND_ERROR, 599, BGW_E_VALIDATION, 1},
	    {CURLE_SEND_ERROR, 450, BGW_E_UNAVAILABLE, 0},      /* mailbox busy */
	    {CURLE_SEND_ERROR, 451, BGW_E_UNAVAILABLE, 0},
	    {CURLE_WEIRD_SERVER_REPLY, 421, BGW_E_UNAVAILABLE, 0},
	    {CURLE_COULDNT_CONNECT, 0, BGW_E_UNAVAILABLE, 0},
	    {CURLE_COULDNT_RESOLVE_HOST, 0, BGW_E_UNAVAILABLE, 0},
	    {CURLE_OPERATION_TIMEDOUT, 250, BGW_E_UNAVAILABLE, 0},
	    {CURLE_USE_SSL_FAILED, 0, BGW_E_UNAVAILABLE, 0},
	    {CURLE_LOGIN_DENIED, 535, BGW_E_UNAVAILABLE, 0},    /* our configuration */
	    {CURLE_SEND_ERROR, 600, BGW_E_UNAVAILABLE, 0},
	};
	smtp_conf c = conf("smtp://127.0.0.1:1");
	size_t i;

	(void)state;
	mocking = 1;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		char err[256];
		int permanent = -1;
		bgw_err e;

		mock_res = vec[i].res;
		mock_code = vec[i].code;
		e = smtp_send(&c, c.from, "t@bank.example", test_msg, sizeof(test_msg) - 1, err,
		    sizeof(err), &permanent);
		if (e != vec[i].want || permanent != vec[i].permanent)
			fail_msg("vector %zu: got %d/%d", i, (int)e, permanent);
		if (e == BGW_OK) {
			assert_string_equal(err, "");
		} else {
			char prefix[32];

			snprintf(prefix, sizeof(prefix), "smtp %ld: ", vec[i].code);
			assert_memory_equal(err, prefix, strlen(prefix));
			assert_true(strlen(err) > strlen(prefix));
		}
	}
	mocking = 0;
}

/* CR or LF in an envelope address would inject SMTP commands: refused before connecting. */
static void
test_envelope_injection(void **state)
{
	static const char *const bad[] = {
	    "t@bank.example\r\nRCPT TO:<x@evil.example>",
	    "t@bank.example\n",
	    "t@bank.example>",
	    "<t@bank.example",
	    "t @bank.example",
	    "",
	};
	smtp_conf c = conf("smtp://127.0.0.1:1");
	size_t i;

	(void)state;
	mocking = 1;
	mock_res = CURLE_OK; /* would "succeed" if it got that far */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[128];
		int permanent = 0;

		assert_int_equal(smtp_send(&c, c.from, bad[i], test_msg, sizeof(test_msg) - 1,
		    err, sizeof(err), &permanent), BGW_E_VALIDATION);
		assert_int_equal(permanent, 1);
		assert_int_equal(smtp_send(&c, bad[i], "t@bank.example", test_msg,
		    sizeof(test_msg) - 1, err, sizeof(err), &permanent), BGW_E_VALIDATION);
	}
	mocking = 0;
}

/* --- a scripted SMTP server on a loopback port --------------------------------------- */

struct fake_smtp {
	int lfd;
	int port;
	pthread_t thread;
	const char *rcpt_reply;   /* e.g. "550 5.1.1 no such user" */
	const char *data_reply;   /* after the final dot */
	const char *auth_reply;
	int silent;               /* accept, then say nothing */
	char data[4096];          /* what arrived between DATA and the dot */
	char rcpt[256];
};

static int
read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		char ch;

		if (read(fd, &ch, 1) != 1)
			return -1;
		buf[n++] = ch;
		if (ch == '\n')
			break;
	}
	buf[n] = '\0';
	return 0;
}

static void
say(int fd, const char *s)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%s\r\n", s);

	(void)send(fd, line, (size_t)n, MSG_NOSIGNAL);
}

static void *
smtp_serve(void *arg)
{
	struct fake_smtp *f = arg;
	char line[1024];
	int fd;

	fd = accept(f->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	if (f->silent) {
		/* Hold the connection until the client gives up. */
		while (read(fd, line, sizeof(line)) > 0)
			;
		close(fd);
		return NULL;
	}
	say(fd, "220 fake ESMTP");
	while (read_line(fd, line, sizeof(line)) == 0) {
		if (strncmp(line, "EHLO", 4) == 0) {
			say(fd, f->auth_reply != NULL ? "250-fake" : "250 fake");
			if (f->auth_reply != NULL)
				say(fd, "250 AUTH PLAIN");
		} else if (strncmp(line, "AUTH", 4) == 0) {
			say(fd, f->auth_reply);
		} else if (strncmp(line, "MAIL FROM:", 10) == 0) {
			say(fd, "250 ok");
		} else if (strncmp(line, "RCPT TO:", 8) == 0) {
			snprintf(f->rcpt, sizeof(f->rcpt), "%.200s", line);
			say(fd, f->rcpt_reply != NULL ? f->rcpt_reply : "250 ok");
		} else if (strncmp(line, "DATA", 4) == 0) {
			size_t n = 0;

			say(fd, "354 go ahead");
			while (read_line(fd, line, sizeof(line)) == 0 &&
			    strcmp(line, ".\r\n") != 0) {
				size_t l = strlen(line);

				if (n + l < sizeof(f->data)) {
					memcpy(f->data + n, line, l + 1);
					n += l;
				}
			}
			say(fd, f->data_reply != NULL ? f->data_reply : "250 queued");
		} else if (strncmp(line, "QUIT", 4) == 0) {
			say(fd, "221 bye");
			break;
		} else {
			say(fd, "502 unknown");
		}
	}
	close(fd);
	return NULL;
}

static void
fake_start(struct fake_smtp *f)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(f->lfd >= 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sa, &sl), 0);
	f->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&f->thread, NULL, smtp_serve, f), 0);
}

static void
fake_stop(struct fake_smtp *f)
{
	pthread_join(f->thread, NULL);
	close(f->lfd);
}

static bgw_err
send_to_fake(struct fake_smtp *f, const char *user, char *err, size_t errcap, int *permanent)
{
	char url[64];
	smtp_conf c;

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", f->port);
	c = conf(url);
	if (user != NULL) {
		c.username = user;
		c.password = "secret-password";
	}
	return smtp_send(&c, c.from, "t@bank.example", test_msg, sizeof(test_msg) - 1, err,
	    errcap, permanent);
}

static void
test_real_curl_against_script(void **state)
{
	static const struct {
		const char *rcpt_reply, *data_reply, *auth_reply;
		bgw_err want;
		int permanent;
		const char *err_prefix;
	} vec[] = {
	    {NULL, NULL, NULL, BGW_OK, 0, ""},
	    {"550 5.1.1 no such user", NULL, NULL, BGW_E_VALIDATION, 1, "smtp 550: "},
	    {"451 4.3.0 try again later", NULL, NULL, BGW_E_UNAVAILABLE, 0, "smtp 451: "},
	    {NULL, "554 5.7.1 rejected as spam", NULL, BGW_E_VALIDATION, 1, "smtp 554: "},
	    {NULL, "452 4.3.1 insufficient storage", NULL, BGW_E_UNAVAILABLE, 0, "smtp 452: "},
	    {NULL, NULL, "535 5.7.8 bad credentials", BGW_E_UNAVAILABLE, 0, "smtp 535: "},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		struct fake_smtp f = {0};
		char err[256];
		int permanent = -1;
		bgw_err e;

		f.rcpt_reply = vec[i].rcpt_reply;
		f.data_reply = vec[i].data_reply;
		f.auth_reply = vec[i].auth_reply;
		fake_start(&f);
		e = send_to_fake(&f, vec[i].auth_reply != NULL ? "user" : NULL, err, sizeof(err),
		    &permanent);
		fake_stop(&f);
		if (e != vec[i].want || permanent != vec[i].permanent)
			fail_msg("vector %zu: got %d/%d (%s)", i, (int)e, permanent, err);
		assert_memory_equal(err, vec[i].err_prefix, strlen(vec[i].err_prefix));
		assert_null(strstr(err, "secret-password"));
		if (e == BGW_OK) {
			assert_string_equal(f.rcpt, "RCPT TO:<t@bank.example>\r\n");
			/* The body arrives dot-stuffed. */
			assert_non_null(strstr(f.data, "hello\r\n..leading dot\r\n"));
		}
	}
}

static void
test_refused_and_silent_are_transient(void **state)
{
	struct fake_smtp f = {0};
	smtp_conf c;
	char url[64], err[256];
	int permanent = -1;
	int fd;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);

	(void)state;
	/* A port nobody listens on: bind one, learn its number, close it. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", ntohs(sa.sin_port));
	c = conf(url);
	assert_int_equal(smtp_send(&c, c.from, "t@bank.example", test_msg, sizeof(test_msg) - 1,
	    err, sizeof(err), &permanent), BGW_E_UNAVAILABLE);
	assert_int_equal(permanent, 0);
	assert_memory_equal(err, "smtp 0: ", 8);

	/* A relay that accepts and never greets: the transaction timeout ends it. */
	f.silent = 1;
	fake_start(&f);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", f.port);
	c = conf(url);
	c.timeout_ms = 300;
	permanent = -1;
	assert_int_equal(smtp_send(&c, c.from, "t@bank.example", test_msg, sizeof(test_msg) - 1,
	    err, sizeof(err), &permanent), BGW_E_UNAVAILABLE);
	assert_int_equal(permanent, 0);
	fake_stop(&f);

	/* A URL of another protocol is refused, not fetched. */
	c = conf("http://127.0.0.1:1/");
	assert_int_equal(smtp_send(&c, c.from, "t@bank.example", test_msg, sizeof(test_msg) - 1,
	    err, sizeof(err), &permanent), BGW_E_UNAVAILABLE);
	assert_int_equal(permanent, 0);
}

/* A real message from mime_build into a real sink. */
static void
test_real_sink(void **state)
{
	const char *url = getenv("BGW_TEST_SMTP");
	bgw_arena *a = *state;
	smtp_conf c;
	mime_msg m = {0};
	char *msg, err[256];
	size_t len;
	int permanent = -1;

	if (url == NULL || url[0] == '\0')
		skip();
	c = conf(url);
	m.from = c.from;
	m.from_name = "Balance Gateway";
	m.to = "taro.yamada@bank.example.jp";
	m.subject = "確認状のご回答のお願い（参照番号: BG-TEST-0001）";
	m.body = "山田 太郎 様\n\nこれは smtp_send の試験送信です。\n.\n";
	assert_int_equal(mime_build(a, &m, &msg, &len, NULL), BGW_OK);
	assert_int_equal(smtp_send(&c, c.from, m.to, msg, len, err, sizeof(err), &permanent),
	    BGW_OK);
	assert_int_equal(permanent, 0);
}

static int
setup(void **state)
{
	*state = bgw_arena_new();
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	bgw_arena_free(*state);
	return 0;
}

static int
group_setup(void **state)
{
	(void)state;
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	curl_global_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classification_mocked),
	    cmocka_unit_test(test_envelope_injection),
	    cmocka_unit_test(test_real_curl_against_script),
	    cmocka_unit_test(test_refused_and_silent_are_transient),
	    cmocka_unit_test_setup_teardown(test_real_sink, setup, teardown),
	};

	return cmocka_run_group_tests_name("smtp", tests, group_setup, group_teardown);
}
