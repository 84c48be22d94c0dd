/* dsn.c - read a delivery status notification (dsn.h).
 *
 * The whole message is copied once into the arena with LF line ends; every step after is a
 * search in that copy.  Headers are unfolded when read; MIME parts are found by their
 * boundary at the start of a line (RFC 2046 section 5.1.1); the delivery-status part is a
 * block of header-like fields per message, then one block per recipient (RFC 3464 section
 * 2.1), blocks separated by blank lines.
 */
#include "mail/dsn.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* RFC 2046 section 5.1.1: a boundary is 1 to 70 characters. */
#define BOUNDARY_MAX 70
/* A report has three parts (RFC 3464 section 2: text, delivery-status, the original); each
 * part costs a search over the rest of the message, so their number is bounded. */
#define PARTS_MAX 16

/* msg with CRLF (and lone CR) turned into LF, NUL-terminated, in a; NULL for a NUL byte
 * inside (not mail we read) or no memory (*nomem set). */
static char *
normalize(bgw_arena *a, const char *msg, size_t len, bool *nomem)
{
	char *out = bgw_arena_alloc(a, len + 1), *w = out;

	*nomem = out == NULL;
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (msg[i] == '\0')
			return NULL;
		if (msg[i] == '\r') {
			*w++ = '\n';
			if (i + 1 < len && msg[i + 1] == '\n')
				i++;
			continue;
		}
		*w++ = msg[i];
	}
	*w = '\0';
	return out;
}

/* Split text at its first empty line: *body after it (NULL when there is none). */
static void
split_head(const char *text, const char **body)
{
	const char *p;

	if (text[0] == '\n') {
		*body = text + 1;
		return;
	}
	p = strstr(text, "\n\n");
	*body = p != NULL ? p + 2 : NULL;
}

/* The unfolded value of the first field name in the header block starting at head (which
 * ends at the first empty line or the end), trimmed, in a; NULL if absent. */
static char *
field(bgw_arena *a, const char *head, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = head; *l != '\0' && *l != '\n'; ) {
		const char *eol = strchr(l, '\n'), *v;

		if (eol == NULL)
			eol = l + strlen(l);
		if (strncasecmp(l, name, n) == 0) {
			v = l + n;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			if (v < eol && *v == ':') {
				size_t cap = 0, used = 0;
				const char *e;
				char *out;

				/* The value runs on over continuation lines (a leading space or tab). */
				for (e = eol; *e == '\n' && (e[1] == ' ' || e[1] == '\t'); ) {
					const char *next = strchr(e + 1, '\n');

					e = next != NULL ? next : e + 1 + strlen(e + 1);
				}
				cap = (size_t)(e - v);
				if ((out = bgw_arena_alloc(a, cap + 1)) == NULL)
					return NULL;
				for (const char *c = v + 1; c < e; c++) {
					char ch = *c == '\n' || *c == '\t' ? ' ' : *c;

					if (ch == ' ' && (used == 0 || out[used - 1] == ' '))
						continue;
					out[used++] = ch;
				}
				while (used > 0 && out[used - 1] == ' ')
					used--;
				out[used] = '\0';
				return out;
			}
		}
		if (*eol == '\0')
			break;
		l = eol + 1;
	}
	return NULL;
}

/* Whether the header value s names the MIME type type (case-insensitive, then ';' or end). */
static bool
is_type(const char *s, const char *type)
{
	size_t n = strlen(type);

	return s != NULL && strncasecmp(s, type, n) == 0 &&
	    (s[n] == '\0' || s[n] == ';' || s[n] == ' ');
}

/* The value of parameter name in a Content-Type value, unquoted, in out (cap bytes with
 * the NUL); false if absent, empty or too long. */
static bool
param(const char *ctype, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);

	for (const char *p = strchr(ctype, ';'); p != NULL; p = strchr(p + 1, ';')) {
		const char *v = p + 1;
		size_t len;

		while (*v == ' ')
			v++;
		if (strncasecmp(v, name, n) != 0)
			continue;
		v += n;
		while (*v == ' ')
			v++;
		if (*v++ != '=')
			continue;
		while (*v == ' ')
			v++;
		if (*v == '"') {
			const char *q = strchr(++v, '"');

			if (q == NULL)
				return false;
			len = (size_t)(q - v);
		} else {
			len = strcspn(v, "; ");
		}
		if (len == 0 || len >= cap)
			return false;
		memcpy(out, v, len);
		out[len] = '\0';
		return true;
	}
	return false;
}

/* The start of the part after the delimiter line "--boundary" found at or after p (at the
 * start of a line); NULL when there is none or it is the close delimiter. */
static const char *
next_part(const char *body, const char *p, const char *boundary, const char **delim)
{
	size_t n = strlen(boundary);

	for (const char *d = p; (d = strstr(d, "--")) != NULL; d += 2) {
		if ((d != body && d[-1] != '\n') || strncmp(d + 2, boundary, n) != 0)
			continue;
		*delim = d;
		if (d[2 + n] == '-' && d[3 + n] == '-')
			return NULL;
		d = strchr(d + 2 + n, '\n');
		return d != NULL ? d + 1 : NULL;
	}
	*delim = NULL;
	return NULL;
}

/* "5.1.1" (an optional comment after it ignored) into out; false if s is no status. */
static bool
status_code(const char *s, char out[DSN_STATUS_MAX])
{
	size_t i = 0;
	int dots = 0, digits = 0;

	if (s == NULL || (s[0] != '2' && s[0] != '4' && s[0] != '5'))
		return false;
	for (; s[i] != '\0' && s[i] != ' ' && s[i] != '('; i++) {
		if (i + 1 >= DSN_STATUS_MAX)
			return false;
		if (s[i] == '.') {
			if (digits == 0 || ++dots > 2)
				return false;
			digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9') {
			if (++digits > 3)
				return false;
		} else {
			return false;
		}
		out[i] = s[i];
	}
	out[i] = '\0';
	return dots == 2 && digits > 0;
}

/* Printable ASCII only, at most DSN_DIAG_MAX bytes, no quote or backslash: the text goes
 * into logs, the outbox and the audit event's JSON as it is. */
static const char *
clean(const char *s)
{
	char *w = (char *)s;
	size_t n = 0;

	if (s == NULL)
		return NULL;
	for (const char *r = s; *r != '\0' && n < DSN_DIAG_MAX; r++, n++) {
		unsigned char c = (unsigned char)*r;

		*w++ = c < 0x20 || c > 0x7e ? '?' : c == '"' || c == '\\' ? '\'' : (char)c;
	}
	*w = '\0';
	return s;
}

/* One recipient's block: keep it in out if it is worse than what out holds. */
static bgw_err
recipient(bgw_arena *a, const char *block, dsn_report *out, bool *any)
{
	char code[DSN_STATUS_MAX];
	char *action = field(a, block, "Action");
	char *status = field(a, block, "Status");
	char *final, *semi;
	dsn_class cls = DSN_NONE;

	if (!status_code(status, code))
		return BGW_OK;
	*any = true;
	if (code[0] == '5' && action != NULL && strcasecmp(action, "failed") == 0)
		cls = DSN_PERMANENT;
	else if (code[0] != '2' || (action != NULL && strcasecmp(action, "delayed") == 0))
		cls = DSN_TRANSIENT;
	if (cls <= out->cls && out->status[0] != '\0')
		return BGW_OK;
	out->cls = cls;
	memcpy(out->status, code, sizeof(code));
	out->diagnostic = clean(field(a, block, "Diagnostic-Code"));
	final = field(a, block, "Final-Recipient");
	if (final != NULL && (semi = strchr(final, ';')) != NULL) {
		final = semi + 1;
		while (*final == ' ')
			final++;
	}
	out->recipient = clean(final);
	return BGW_OK;
}

/* The blocks of a delivery-status body: the per-message one, then one per recipient. */
static bgw_err
delivery_status(bgw_arena *a, const char *ds, const char *end, dsn_report *out)
{
	char *copy = bgw_arena_strndup(a, ds, (size_t)(end - ds));
	bool first = true, any = false;
	char *p;

	if (copy == NULL)
		return BGW_E_NOMEM;
	for (p = copy; *p != '\0'; ) {
		char *stop = strstr(p, "\n\n");
		bgw_err e;

		if (stop != NULL)
			stop[1] = '\0';
		if (*p != '\n' && !first && (e = recipient(a, p, out, &any)) != BGW_OK)
			return e;
		if (*p != '\n')
			first = false;
		if (stop == NULL)
			break;
		p = stop + 2;
	}
	return any ? BGW_OK : BGW_E_VALIDATION;
}

static const char *const to_fields[] = {"X-Original-To", "Delivered-To", "Envelope-To", "To",
	NULL};

bgw_err
dsn_parse(bgw_arena *a, const char *msg, size_t len, dsn_report *out)
{
	char boundary[BOUNDARY_MAX + 1], rtype[32];
	const char *body, *part, *delim;
	char *text, *ctype;
	int parts = 0;
	bool nomem;

	memset(out, 0, sizeof(*out));
	if (len > DSN_MAX_BYTES)
		return BGW_E_TOO_LARGE;
	if ((text = normalize(a, msg, len, &nomem)) == NULL)
		return nomem ? BGW_E_NOMEM : BGW_E_VALIDATION;
	split_head(text, &body);
	ctype = field(a, text, "Content-Type");
	if (body == NULL || !is_type(ctype, "multipart/report") ||
	    !param(ctype, "report-type", rtype, sizeof(rtype)) ||
	    strcasecmp(rtype, "delivery-status") != 0 ||
	    !param(ctype, "boundary", boundary, sizeof(boundary)))
		return BGW_E_VALIDATION;
	for (const char *const *f = to_fields; *f != NULL && out->to == NULL; f++)
		out->to = field(a, text, *f);
	for (part = next_part(body, body, boundary, &delim); part != NULL;
	    part = next_part(body, delim, boundary, &delim)) {
		const char *pbody, *pend;
		const char *pctype;

		if (++parts > PARTS_MAX)
			return BGW_E_VALIDATION;
		pctype = field(a, part, "Content-Type");

		split_head(part, &pbody);
		next_part(body, part, boundary, &delim);
		if (delim == NULL)
			return BGW_E_VALIDATION; /* truncated: no closing delimiter */
		if (pbody == NULL || pbody > delim)
			continue;
		pend = delim;
		if (is_type(pctype, "message/delivery-status") ||
		    is_type(pctype, "message/global-delivery-status"))
			return delivery_status(a, pbody, pend, out);
	}
	return BGW_E_VALIDATION;
}
