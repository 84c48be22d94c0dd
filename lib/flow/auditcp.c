/* auditcp.c - writing, reading and checking audit checkpoints (the contract is in
 * auditcp.h).  The key is held by the service user only; PostgreSQL runs as its own user and
 * bgw_app never sees it, so nobody who controls only the database can forge a line. */
#include "flow/auditcp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/log.h"
#include "mail/outbox.h"
#include "crypto/secretbox.h"

#define CP_TAG "bgw-cp1"
#define CP_GLOBAL "-"
/* A line is far shorter: tag, instant, id, length, two hashes. */
#define CP_LINE_MAX 512
#define CP_MAC_HEX 65
/* The mail carries the lines up to this size (outbox bodies are at most 1,000,000 bytes);
 * past it, the file alone holds the rest, and the mail says so. */
#define CP_MAIL_LINES_MAX (512 * 1024)

bgw_err
auditcp_load_key(const char *path, unsigned char key[AUDITCP_KEY_LEN])
{
	return secretbox_load_key(path, key);
}

/* The line's MAC over its canonical text, in hex. */
static void
line_mac(const unsigned char key[AUDITCP_KEY_LEN], const char *at, const char *chain,
    long long length, const char *head, char mac[CP_MAC_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int outlen = 0;
	char text[CP_LINE_MAX];
	int n = snprintf(text, sizeof(text), CP_TAG "\n%s\n%s\n%lld\n%s\n", at,
	    chain != NULL ? chain : CP_GLOBAL, length, head);

	if (n < 0 || (size_t)n >= sizeof(text) ||
	    HMAC(EVP_sha256(), key, AUDITCP_KEY_LEN, (const unsigned char *)text, (size_t)n, out,
	    &outlen) == NULL || outlen != 32)
		abort(); /* sizes are fixed by the callers' checks; OpenSSL out of memory */
	for (unsigned int i = 0; i < outlen; i++) {
		mac[2 * i] = digits[out[i] >> 4];
		mac[2 * i + 1] = digits[out[i] & 15];
	}
	mac[2 * outlen] = '\0';
}

/* The instant of the file's last line (at is left empty when there is none). */
static void
last_at(int fd, char at[AUDITCP_AT_LEN + 1])
{
	char buf[CP_LINE_MAX], *p;
	off_t end = lseek(fd, 0, SEEK_END), from;
	ssize_t n;

	at[0] = '\0';
	if (end <= 0)
		return;
	from = end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0;
	n = pread(fd, buf, (size_t)(end - from), from);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	p = strrchr(buf, '\n');
	p = p != NULL ? p + 1 : buf;
	if (strncmp(p, CP_TAG " ", sizeof(CP_TAG)) == 0 &&
	    strlen(p) > sizeof(CP_TAG) + AUDITCP_AT_LEN) {
		memcpy(at, p + sizeof(CP_TAG), AUDITCP_AT_LEN);
		at[AUDITCP_AT_LEN] = '\0';
	}
}

static int
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The signed lines of the heads in res, joined, in *text. */
static bgw_err
render_lines(bgw_arena *a, const unsigned char key[AUDITCP_KEY_LEN], const db_rows *res,
    const char *at, char **text)
{
	int rows = db_nrows(res);
	size_t len = 0;
	char *out = bgw_arena_alloc(a, (size_t)rows * CP_LINE_MAX + 1);

	if (out == NULL)
		return BGW_E_NOMEM;
	for (int r = 0; r < rows; r++) {
		const char *chain = db_isnull(res, r, 0) ? NULL : db_value(res, r, 0);
		const char *head = db_value(res, r, 2);
		long long length = db_int(res, r, 1);
		char mac[CP_MAC_HEX];
		int n;

		if (strlen(head) != 64 || (chain != NULL && strlen(chain) > 64)) {
			bgw_log(BGW_LOG_ERROR, "cannot checkpoint a malformed chain head");
			return BGW_E_INTERNAL;
		}
		line_mac(key, at, chain, length, head, mac);
		n = snprintf(out + len, CP_LINE_MAX, CP_TAG " %s %s %lld %s %s\n", at,
		    chain != NULL ? chain : CP_GLOBAL, length, head, mac);
		if (n < 0 || n >= CP_LINE_MAX)
			return BGW_E_INTERNAL;
		len += (size_t)n;
	}
	out[len] = '\0';
	*text = out;
	return BGW_OK;
}

bgw_err
auditcp_compare(bgw_db *db, bgw_arena *a, const auditcp_entry *e, const char **verdict,
    long long *now_len)
{
	char *seq = bgw_arena_printf(a, "%lld", e->length);
	const char *p[2] = {e->chain, seq};
	db_rows *res;
	bgw_err err;

	*verdict = NULL;
	if (seq == NULL)
		return BGW_E_NOMEM;
	if ((err = db_exec(db, a, "auditcp_at", 2, p, &res)) != BGW_OK)
		return err;
	*now_len = db_int(res, 0, 0);
	if (db_isnull(res, 0, 1))
		*verdict = "cut short";
	else if (strcmp(db_value(res, 0, 1), e->head) != 0)
		*verdict = "rewritten";
	return BGW_OK;
}

char *
auditcp_describe(bgw_arena *a, const auditcp_entry *e, const char *verdict, long long now_len)
{
	const char *label = e->chain != NULL ? e->chain : "(global)";

	if (strcmp(verdict, "cut short") == 0)
		return bgw_arena_printf(a, "chain %s: CUT SHORT: %lld events, the checkpoint of %s "
		    "recorded %lld", label, now_len, e->at, e->length);
	return bgw_arena_printf(a, "chain %s: REWRITTEN: event %lld is not the one the checkpoint "
	    "of %s recorded", label, e->length, e->at);
}

/* Every chain that disagrees with the previous checkpoint, one line each, in *out (NULL
 * when all agree or there is none). */
static bgw_err
disagreements(bgw_db *db, bgw_arena *a, const unsigned char key[AUDITCP_KEY_LEN],
    const char *path, char **out)
{
	auditcp_entry *latest;
	auditcp_bad *bad;
	bgw_err err = auditcp_read(a, key, path, &latest, &bad);

	*out = NULL;
	if (err == BGW_E_NOT_FOUND)
		return BGW_OK;
	if (err != BGW_OK)
		return err;
	/* Tampered lines are audit-verify's to report; they anchor nothing here. */
	for (auditcp_entry *e = latest; e != NULL; e = e->next) {
		const char *verdict;
		long long now_len;

		if ((err = auditcp_compare(db, a, e, &verdict, &now_len)) != BGW_OK)
			return err;
		if (verdict == NULL)
			continue;
		*out = bgw_arena_printf(a, "%s%s\n", *out != NULL ? *out : "",
		    auditcp_describe(a, e, verdict, now_len));
		if (*out == NULL)
			return BGW_E_NOMEM;
	}
	return BGW_OK;
}

bgw_err
auditcp_take(bgw_db *db, bgw_arena *a, const unsigned char key[AUDITCP_KEY_LEN],
    const char *path, int daily, int force, int *taken, char **text, long long *chains,
    char at[AUDITCP_AT_LEN + 1], char **refused)
{
	char prev[AUDITCP_AT_LEN + 1];
	db_rows *res;
	bgw_err err;
	int fd;

	*taken = 0;
	*chains = 0;
	*text = NULL;
	*refused = NULL;
	/* O_APPEND: a line is only ever added; the lock makes one taker's lines contiguous and
	 * its "already today" look and its write one step. */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		bgw_log(BGW_LOG_ERROR, "could not open the checkpoint file %s: %s", path,
		    strerror(errno));
		return BGW_E_IO;
	}
	if (flock(fd, LOCK_EX) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not lock the checkpoint file %s: %s", path,
		    strerror(errno));
		close(fd);
		return BGW_E_IO;
	}
	if ((err = db_exec(db, a, "auditcp_now", 0, NULL, &res)) != BGW_OK)
		goto out;
	snprintf(at, AUDITCP_AT_LEN + 1, "%s", db_value(res, 0, 0));
	last_at(fd, prev);
	if (daily && prev[0] != '\0' && strncmp(prev, at, 10) == 0)
		goto out; /* today's is written */
	/* A chain cut short or rewritten since the last checkpoint is not anchored in its new
	 * state: the last good checkpoint stays the one audit-verify compares with. */
	if (!force && (err = disagreements(db, a, key, path, refused)) == BGW_OK &&
	    *refused != NULL)
		err = BGW_E_CONFLICT;
	if (err != BGW_OK)
		goto out;
	if ((err = db_exec(db, a, "auditcp_heads", 0, NULL, &res)) != BGW_OK)
		goto out;
	if (db_nrows(res) > 0)
		snprintf(at, AUDITCP_AT_LEN + 1, "%s", db_value(res, 0, 3));
	if ((err = render_lines(a, key, res, at, text)) != BGW_OK)
		goto out;
	if (write_all(fd, *text, strlen(*text)) != 0 || fsync(fd) != 0) {
		bgw_log(BGW_LOG_ERROR, "could not write the checkpoint file %s: %s", path,
		    strerror(errno));
		err = BGW_E_IO;
		goto out;
	}
	*chains = db_nrows(res);
	*taken = 1;
out:
	close(fd); /* also releases the lock */
	return err;
}

static int
is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Parse and check one line; NULL and *why when it is not a valid checkpoint entry. */
static auditcp_entry *
parse_line(bgw_arena *a, const unsigned char key[AUDITCP_KEY_LEN], char *s, long lineno,
    const char **why)
{
	char *f[6], *save = NULL, *end;
	char mac[CP_MAC_HEX];
	auditcp_entry *e;
	int n = 0;

	for (char *t = strtok_r(s, " ", &save); t != NULL && n < 6; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	*why = "malformed line";
	if (n != 6 || strtok_r(NULL, " ", &save) != NULL || strcmp(f[0], CP_TAG) != 0 ||
	    strlen(f[1]) != AUDITCP_AT_LEN || strlen(f[2]) > 64 || !is_hex(f[4], 64) ||
	    !is_hex(f[5], 64))
		return NULL;
	errno = 0;
	long long length = strtoll(f[3], &end, 10);
	if (errno != 0 || *end != '\0' || length < 1)
		return NULL;
	line_mac(key, f[1], strcmp(f[2], CP_GLOBAL) == 0 ? NULL : f[2], length, f[4], mac);
	if (CRYPTO_memcmp(mac, f[5], 64) != 0) {
		*why = "bad HMAC (tampered, or signed with another key)";
		return NULL;
	}
	if ((e = bgw_arena_alloc(a, sizeof(*e))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	memcpy(e->at, f[1], AUDITCP_AT_LEN + 1);
	e->chain = strcmp(f[2], CP_GLOBAL) == 0 ? NULL : bgw_arena_strdup(a, f[2]);
	e->length = length;
	memcpy(e->head, f[4], sizeof(e->head));
	e->line = lineno;
	return e;
}

static int
same_chain(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

static int
cmp_chain(const void *p, const void *q)
{
	const auditcp_entry *x = *(auditcp_entry *const *)p, *y = *(auditcp_entry *const *)q;
	int c;

	if (x->chain == NULL || y->chain == NULL)
		c = (x->chain != NULL) - (y->chain != NULL);
	else
		c = strcmp(x->chain, y->chain);
	/* Within a chain, file order: the last line is the latest checkpoint. */
	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

bgw_err
auditcp_read(bgw_arena *a, const unsigned char key[AUDITCP_KEY_LEN], const char *path,
    auditcp_entry **latest, auditcp_bad **bad)
{
	FILE *f = fopen(path, "re");
	auditcp_entry *all = NULL, **vec, **tail = latest;
	auditcp_bad **btail = bad;
	char line[CP_LINE_MAX];
	size_t count = 0, k = 0;
	long lineno = 0;

	*latest = NULL;
	*bad = NULL;
	if (f == NULL) {
		if (errno == ENOENT)
			return BGW_E_NOT_FOUND;
		bgw_log(BGW_LOG_ERROR, "could not read the checkpoint file %s: %s", path,
		    strerror(errno));
		return BGW_E_IO;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);
		const char *why;
		auditcp_entry *e;

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f)) { /* longer than any real line: skip the rest of it */
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			line[0] = '\0';
		}
		if ((e = parse_line(a, key, line, lineno, &why)) == NULL) {
			auditcp_bad *b = bgw_arena_alloc(a, sizeof(*b));

			if (b == NULL) {
				(void)fclose(f); /* read only: nothing of ours is lost */
				return BGW_E_NOMEM;
			}
			*b = (auditcp_bad){.line = lineno, .why = why};
			*btail = b;
			btail = &b->next;
			continue;
		}
		e->next = all;
		all = e;
		count++;
	}
	(void)fclose(f); /* read only: nothing of ours is lost */
	if (count == 0)
		return BGW_OK;
	if ((vec = bgw_arena_alloc(a, count * sizeof(*vec))) == NULL)
		return BGW_E_NOMEM;
	for (auditcp_entry *e = all; e != NULL; e = e->next)
		vec[k++] = e;
	qsort(vec, count, sizeof(*vec), cmp_chain);
	for (k = 0; k < count; k++) {
		if (k + 1 < count && same_chain(vec[k]->chain, vec[k + 1]->chain))
			continue; /* an older checkpoint of the same chain */
		vec[k]->next = NULL;
		*tail = vec[k];
		tail = &vec[k]->next;
	}
	return BGW_OK;
}

/* The subject and body of a checkpoint's mail, or of the alarm when one was refused. */
static bgw_err
mail_text(bgw_arena *a, const char *at, const char *text, long long chains,
    const char *refused, char **subject, char **body)
{
	if (refused != NULL) {
		*subject = bgw_arena_printf(a, "Balance Gateway: audit checkpoint REFUSED %s", at);
		*body = bgw_arena_printf(a,
		    "監査ログのチェックポイントを作成できませんでした / No audit checkpoint was taken %s\n\n"
		    "These chains disagree with their last checkpoint: events were removed or\n"
		    "rewritten in the database since then.  Treat it as an incident\n"
		    "(docs/operations.md, \"Audit checkpoints\"); the last good checkpoint stays the\n"
		    "one bgw-admin audit-verify compares with.\n\n%s", at, refused);
		return *subject != NULL && *body != NULL ? BGW_OK : BGW_E_NOMEM;
	}
	if (strlen(text) > CP_MAIL_LINES_MAX) {
		const char *cut = text + CP_MAIL_LINES_MAX;

		while (cut > text && cut[-1] != '\n')
			cut--;
		text = bgw_arena_printf(a, "%.*s(%s: the remaining lines are in the checkpoint "
		    "file only)\n", (int)(cut - text), text, "truncated");
		if (text == NULL)
			return BGW_E_NOMEM;
	}
	*subject = bgw_arena_printf(a, "Balance Gateway: audit checkpoint %s", at);
	*body = bgw_arena_printf(a,
	    "監査ログのチェックポイント / Audit log checkpoint %s\n\n"
	    "Chains: %lld.  Keep this mail: it is a copy of the checkpoint outside the\n"
	    "database.  bgw-admin audit-verify compares every chain with its last checkpoint\n"
	    "(docs/operations.md, \"Audit checkpoints\").\n\n"
	    "Each line: tag, instant, chain (\"-\" the global one), events, last hash, HMAC.\n\n"
	    "%s", at, chains, text);
	return *subject != NULL && *body != NULL ? BGW_OK : BGW_E_NOMEM;
}

bgw_err
auditcp_mail(bgw_db *db, bgw_arena *a, const char *at, const char *text, long long chains,
    const char *refused, int *sent)
{
	db_rows *res;
	char *subject, *body;
	bgw_err err;

	*sent = 0;
	if ((err = mail_text(a, at, text, chains, refused, &subject, &body)) != BGW_OK)
		return err;
	if ((err = db_exec(db, a, "auditcp_recipients", 0, NULL, &res)) != BGW_OK)
		return err;
	for (int r = 0; r < db_nrows(res); r++) {
		outbox_msg m = {.kind = "audit_checkpoint", .project_id = NULL,
			.to = db_value(res, r, 1), .subject = subject, .body = body};

		/* A checkpoint is mailed once; an alarm once a day, however often the job runs. */
		m.natural_key = refused != NULL ?
		    bgw_arena_printf(a, "audit_checkpoint_refused:%s:%.10s", db_value(res, r, 0), at) :
		    bgw_arena_printf(a, "audit_checkpoint:%s:%s", db_value(res, r, 0), at);
		if (m.natural_key == NULL)
			return BGW_E_NOMEM;
		if ((err = outbox_enqueue(db, a, &m)) != BGW_OK)
			return err;
		(*sent)++;
	}
	return BGW_OK;
}

bgw_err
auditcp_chains(bgw_db *db, bgw_arena *a, const char *only, const char ***ids, int *n)
{
	db_rows *res;
	bgw_err err = only != NULL ? db_exec(db, a, "admin_audit_project", 1, &only, &res) :
	    db_exec(db, a, "admin_audit_projects", 0, NULL, &res);

	if (err != BGW_OK)
		return err;
	return (*ids = db_column(a, res, 0, n)) != NULL ? BGW_OK : BGW_E_NOMEM;
}
