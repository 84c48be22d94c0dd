/* test_dsn.c - delivery status notifications as remote servers send them (RFC 3464):
 * permanent, delayed, success, several recipients, folded headers, LF-only mail; and what
 * is refused: another message, another report type, no status, a truncated report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mail/dsn.h"

#define HEAD \
	"Return-Path: <>\r\n" \
	"Delivered-To: bounces+AAAAAAAAAAAAAAAA.000000000000000000000000@gw.example.jp\r\n" \
	"From: MAILER-DAEMON@mx.bank.example\r\n" \
	"To: Gateway <bounces+AAAAAAAAAAAAAAAA.111111111111111111111111@gw.example.jp>\r\n" \
	"MIME-Version: 1.0\r\n"
#define REPORT_CT \
	"Content-Type: multipart/report; report-type=delivery-status;\r\n" \
	"\tboundary=\"=_b 1\"\r\n\r\n" \
	"preamble\r\n" \
	"--=_b 1\r\n" \
	"Content-Type: text/plain; charset=us-ascii\r\n\r\n" \
	"Your message could not be delivered.\r\n\r\n" \
	"--=_b 1\r\n" \
	"Content-Type: message/delivery-status\r\n\r\n" \
	"Reporting-MTA: dns; mx.bank.example\r\n" \
	"Status: 5.0.0\r\n\r\n"
#define TAIL \
	"\r\n--=_b 1\r\n" \
	"Content-Type: text/rfc822-headers\r\n\r\n" \
	"Subject: =?UTF-8?B?56K66KqN54q2?=\r\n" \
	"\r\n--=_b 1--\r\n"

static const char permanent[] = HEAD REPORT_CT
	"Final-Recipient: rfc822; taro@bank.example\r\n"
	"Action: failed\r\n"
	"Status: 5.1.1 (bad destination mailbox address)\r\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <taro@bank.example>:\r\n"
	"    Recipient address rejected: \"User unknown\"\r\n" TAIL;

static const char delayed[] = HEAD REPORT_CT
	"Final-Recipient: rfc822;taro@bank.example\r\n"
	"Action: delayed\r\n"
	"Status: 4.4.7\r\n" TAIL;

/* Two recipients: the worst (the failure) is the outcome, whatever the order. */
static const char two[] = HEAD REPORT_CT
	"Final-Recipient: rfc822; a@bank.example\r\n"
	"Action: delayed\r\n"
	"Status: 4.2.2\r\n\r\n"
	"Final-Recipient: rfc822; b@bank.example\r\n"
	"Action: failed\r\n"
	"Status: 5.2.1\r\n\r\n"
	"Final-Recipient: rfc822; c@bank.example\r\n"
	"Action: delivered\r\n"
	"Status: 2.0.0\r\n" TAIL;

static const char delivered[] = HEAD REPORT_CT
	"Final-Recipient: rfc822; taro@bank.example\r\n"
	"Action: relayed\r\n"
	"Status: 2.0.0\r\n" TAIL;

static void
test_permanent(void **state)
{
	bgw_arena *a = bgw_arena_new();
	dsn_report r;

	(void)state;
	assert_int_equal(dsn_parse(a, permanent, strlen(permanent), &r), BGW_OK);
	assert_int_equal(r.cls, DSN_PERMANENT);
	assert_string_equal(r.status, "5.1.1");
	assert_string_equal(r.recipient, "taro@bank.example");
	/* Unfolded; the quotes made harmless for the JSON and the log. */
	assert_string_equal(r.diagnostic, "smtp; 550 5.1.1 <taro@bank.example>: Recipient "
	    "address rejected: 'User unknown'");
	/* Delivered-To comes before To: the address the report was delivered to. */
	assert_non_null(strstr(r.to, "000000000000000000000000"));
	bgw_arena_free(a);
}

static void
test_delayed_and_worst_of_several(void **state)
{
	bgw_arena *a = bgw_arena_new();
	dsn_report r;

	(void)state;
	assert_int_equal(dsn_parse(a, delayed, strlen(delayed), &r), BGW_OK);
	assert_int_equal(r.cls, DSN_TRANSIENT);
	assert_string_equal(r.status, "4.4.7");
	assert_null(r.diagnostic);
	assert_int_equal(dsn_parse(a, two, strlen(two), &r), BGW_OK);
	assert_int_equal(r.cls, DSN_PERMANENT);
	assert_string_equal(r.status, "5.2.1");
	assert_string_equal(r.recipient, "b@bank.example");
	assert_int_equal(dsn_parse(a, delivered, strlen(delivered), &r), BGW_OK);
	assert_int_equal(r.cls, DSN_NONE);
	bgw_arena_free(a);
}

/* Mail handed over with bare LF line ends (an MTA pipe) reads the same. */
static void
test_lf_only(void **state)
{
	bgw_arena *a = bgw_arena_new();
	char *lf = bgw_arena_strdup(a, permanent), *w = lf;
	dsn_report r;

	(void)state;
	for (const char *p = permanent; *p != '\0'; p++)
		if (*p != '\r')
			*w++ = *p;
	*w = '\0';
	assert_int_equal(dsn_parse(a, lf, strlen(lf), &r), BGW_OK);
	assert_int_equal(r.cls, DSN_PERMANENT);
	assert_string_equal(r.status, "5.1.1");
	bgw_arena_free(a);
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		/* an ordinary message (an auto-reply to the bounce address) */
		HEAD "Content-Type: text/plain\r\n\r\nI am on holiday. Status: 5.1.1\r\n",
		/* another report type (a disposition notification) */
		HEAD "Content-Type: multipart/report; report-type=disposition-notification; "
		"boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\n"
		"Reporting-MTA: dns; x\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--x--\r\n",
		/* no recipient with a status */
		HEAD "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n"
		"\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n"
		"\r\nAction: failed\r\nStatus: 5.x.1\r\n\r\n--x--\r\n",
		/* truncated: no closing delimiter */
		HEAD "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n"
		"\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n"
		"\r\nAction: failed\r\nStatus: 5.1.1\r\n",
		/* no boundary */
		HEAD "Content-Type: multipart/report; report-type=delivery-status\r\n\r\nx\r\n",
		"",
		"\r\n\r\n",
		NULL,
	};
	bgw_arena *a = bgw_arena_new();
	dsn_report r;

	(void)state;
	for (const char *const *m = bad; *m != NULL; m++)
		assert_int_equal(dsn_parse(a, *m, strlen(*m), &r), BGW_E_VALIDATION);
	/* Thousands of empty parts: refused after a few, not searched through each. */
	{
		size_t cap = 64 * 1024, n;
		char *many = bgw_arena_alloc(a, cap);

		n = (size_t)snprintf(many, cap, "Content-Type: multipart/report; "
		    "report-type=delivery-status; boundary=x\r\n\r\n");
		while (n + 8 < cap)
			n += (size_t)snprintf(many + n, cap - n, "--x\r\n\r\n");
		assert_int_equal(dsn_parse(a, many, n, &r), BGW_E_VALIDATION);
	}
	/* A NUL inside is no mail we read. */
	assert_int_equal(dsn_parse(a, permanent, sizeof(permanent), &r), BGW_E_VALIDATION);
	assert_int_equal(dsn_parse(a, permanent, DSN_MAX_BYTES + 1, &r), BGW_E_TOO_LARGE);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_delayed_and_worst_of_several),
		cmocka_unit_test(test_lf_only),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("dsn", tests, NULL, NULL);
}
