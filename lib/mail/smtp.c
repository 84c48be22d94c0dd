/* smtp.c - one SMTP transaction per message with libcurl's easy interface. */
#include "mail/smtp.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "core/log.h"

/* SMTP reply classes (RFC 5321 section 4.2.1): 5yz is a permanent negative completion. */
#define SMTP_PERMANENT_MIN 500
#define SMTP_PERMANENT_MAX 599

struct reader {
	const char *p;
	size_t left;
};

static size_t
read_msg(char *buf, size_t size, size_t nitems, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nitems;

	if (n > r->left)
		n = r->left;
	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

void
smtp_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* An address for the envelope: libcurl writes it into "MAIL FROM:<...>" and "RCPT TO:<...>"
 * as given, so a CR or LF here would inject SMTP commands. */
static int
envelope_addr_ok(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>')
			return 0;
	}
	return 1;
}

static void
set_err(char *err, size_t errcap, long code, const char *text)
{
	if (errcap > 0)
		snprintf(err, errcap, "smtp %ld: %s", code, text);
}

/* 5xx is the relay's final word on this message, except a refused login: that is our
 * configuration, fixed once for every message, so the messages wait for the fix. */
static int
is_permanent(CURLcode res, long code)
{
	if (res == CURLE_LOGIN_DENIED)
		return 0;
	return code >= SMTP_PERMANENT_MIN && code <= SMTP_PERMANENT_MAX;
}

bgw_err
smtp_send(const smtp_conf *c, const char *from, const char *to, const char *msg,
    size_t len, char *err, size_t errcap, int *permanent)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	char mailfrom[512];
	struct reader rd = {msg, len};
	struct curl_slist *rcpt = NULL;
	CURL *h;
	CURLcode res;
	long code = 0;
	bgw_err e;

	*permanent = 0;
	if (errcap > 0)
		err[0] = '\0';
	if (!envelope_addr_ok(from) || !envelope_addr_ok(to) ||
	    strlen(from) + 3 > sizeof(mailfrom)) {
		set_err(err, errcap, 0, "invalid envelope address");
		*permanent = 1;
		return BGW_E_VALIDATION;
	}
	snprintf(mailfrom, sizeof(mailfrom), "<%s>", from);
	h = curl_easy_init();
	if (h == NULL) {
		set_err(err, errcap, 0, "could not create curl handle");
		return BGW_E_NOMEM;
	}
	rcpt = curl_slist_append(NULL, to);
	if (rcpt == NULL) {
		curl_easy_cleanup(h);
		set_err(err, errcap, 0, "out of memory");
		return BGW_E_NOMEM;
	}
	curl_easy_setopt(h, CURLOPT_URL, c->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	curl_easy_setopt(h, CURLOPT_USE_SSL, c->require_tls ? (long)CURLUSESSL_ALL :
	    (long)CURLUSESSL_TRY);
	if (c->username != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password != NULL ? c->password : "");
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, mailfrom);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_msg);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms > 0 ?
	    c->connect_timeout_ms : (long)SMTP_CONNECT_TIMEOUT_MS_DEFAULT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms > 0 ? c->timeout_ms :
	    (long)SMTP_TIMEOUT_MS_DEFAULT);
	/* Timeouts by alarm() would raise SIGALRM in a FastCGI worker. */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

	res = curl_easy_perform(h);
	if (res == CURLE_OK) {
		e = BGW_OK;
	} else {
		if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
			code = 0;
		*permanent = is_permanent(res, code);
		e = *permanent ? BGW_E_VALIDATION : BGW_E_UNAVAILABLE;
		set_err(err, errcap, code,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(res));
		bgw_log(BGW_LOG_WARN, "could not send mail (%s): smtp %ld: %s",
		    *permanent ? "permanent" : "transient", code,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(res));
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return e;
}
