/* config.c - a strict `key = value` reader into the fixed bgw_config struct. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

#ifndef BGW_SYSCONFDIR /* set by the build (Makefile.am): $(sysconfdir)/balance-gateway */
#define BGW_SYSCONFDIR "/etc/balance-gateway"
#endif

#define CONFIG_LINE_MAX 4096

enum kind { STR, INT, OCTAL, SIZE };

struct key {
	const char *name;
	enum kind kind;
	size_t offset;
	size_t cap; /* for STR */
};

#define S(f) {#f, STR, offsetof(bgw_config, f), sizeof(((bgw_config *)0)->f)}
#define I(f) {#f, INT, offsetof(bgw_config, f), 0}
#define O(f) {#f, OCTAL, offsetof(bgw_config, f), 0}
#define Z(f) {#f, SIZE, offsetof(bgw_config, f), 0}

static const struct key keys[] = {
	S(socket), O(socket_mode), I(workers), S(db), S(db_owner), S(clamd_socket),
	S(smtp_url), S(mail_from), S(base_url), Z(upload_max_bytes), Z(body_max_bytes),
	S(master_key_file), S(blob_dir), S(blob_backend), S(azure_endpoint), S(azure_account),
	S(azure_container), S(azure_key_file), S(lock_dir), S(operator_networks), S(srcdir),
	I(request_timeout_ms), I(page_cache_entries), Z(page_cache_bytes),
	S(audit_key_file), S(audit_checkpoint_file),
};

void
config_defaults(bgw_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "/run/balance-gateway/fcgi.sock");
	c->socket_mode = 0660;
	c->workers = 0;
	snprintf(c->db, sizeof(c->db), "dbname=bgw user=bgw_app");
	snprintf(c->db_owner, sizeof(c->db_owner), "dbname=bgw user=bgw_owner");
	snprintf(c->clamd_socket, sizeof(c->clamd_socket), "/run/clamav/clamd.ctl");
	snprintf(c->smtp_url, sizeof(c->smtp_url), "smtp://127.0.0.1:25");
	snprintf(c->mail_from, sizeof(c->mail_from), "no-reply@localhost");
	snprintf(c->base_url, sizeof(c->base_url), "https://localhost");
	c->upload_max_bytes = 100LL * 1024 * 1024;
	c->body_max_bytes = 1024LL * 1024;
	snprintf(c->master_key_file, sizeof(c->master_key_file),
	    "/etc/balance-gateway/master.key");
	snprintf(c->blob_dir, sizeof(c->blob_dir), "/var/lib/balance-gateway/blobs");
	snprintf(c->blob_backend, sizeof(c->blob_backend), "local");
	snprintf(c->azure_container, sizeof(c->azure_container), "documents");
	snprintf(c->lock_dir, sizeof(c->lock_dir), "/run/balance-gateway/locks");
	snprintf(c->operator_networks, sizeof(c->operator_networks), "127.0.0.0/8 ::1/128");
	snprintf(c->srcdir, sizeof(c->srcdir), "%s", BGW_DATADIR);
	c->request_timeout_ms = 30000;
	c->page_cache_entries = 64;
	c->page_cache_bytes = 8LL * 1024 * 1024;
	snprintf(c->audit_key_file, sizeof(c->audit_key_file),
	    "/etc/balance-gateway/audit.key");
	snprintf(c->audit_checkpoint_file, sizeof(c->audit_checkpoint_file),
	    "/var/lib/balance-gateway/audit/checkpoints");
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
set_value(bgw_config *c, const struct key *k, const char *v)
{
	char *end;
	long long n;

	if (k->kind == STR) {
		size_t len = strlen(v);

		if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
			v++;
			len -= 2;
		}
		if (len >= k->cap)
			return -1;
		memcpy((char *)c + k->offset, v, len);
		((char *)c + k->offset)[len] = '\0';
		return 0;
	}
	errno = 0;
	n = strtoll(v, &end, k->kind == OCTAL ? 8 : 10);
	if (errno != 0 || end == v || *end != '\0' || n < 0)
		return -1;
	if (k->kind == SIZE) {
		*(long long *)((char *)c + k->offset) = n;
	} else {
		if (n > 1000000)
			return -1;
		*(int *)((char *)c + k->offset) = (int)n;
	}
	return 0;
}

bgw_err
config_load(bgw_config *c, const char *path)
{
	char line[CONFIG_LINE_MAX];
	FILE *f;
	int lineno = 0;
	bgw_err err = BGW_OK;

	config_defaults(c);
	f = fopen(path, "r");
	if (f == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not open config %s: %s", path, strerror(errno));
		return BGW_E_IO;
	}
	while (err == BGW_OK && fgets(line, sizeof(line), f) != NULL) {
		char *eq, *name, *value;
		size_t i;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			bgw_log(BGW_LOG_ERROR, "config %s:%d: line too long", path, lineno);
			err = BGW_E_VALIDATION;
			break;
		}
		name = trim(line);
		if (*name == '\0' || *name == '#')
			continue;
		eq = strchr(name, '=');
		if (eq == NULL) {
			bgw_log(BGW_LOG_ERROR, "config %s:%d: expected key = value", path, lineno);
			err = BGW_E_VALIDATION;
			break;
		}
		*eq = '\0';
		value = trim(eq + 1);
		name = trim(name);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(keys[i].name, name) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			bgw_log(BGW_LOG_ERROR, "config %s:%d: unknown key %s", path, lineno, name);
			err = BGW_E_VALIDATION;
		} else if (set_value(c, &keys[i], value) != 0) {
			bgw_log(BGW_LOG_ERROR, "config %s:%d: invalid value for %s", path, lineno, name);
			err = BGW_E_VALIDATION;
		}
	}
	fclose(f);
	if (err == BGW_OK && strcmp(c->blob_backend, "local") != 0 &&
	    strcmp(c->blob_backend, "azure") != 0) {
		bgw_log(BGW_LOG_ERROR, "config %s: blob_backend is local or azure", path);
		err = BGW_E_VALIDATION;
	}
	if (err == BGW_OK && c->workers == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		c->workers = n > 0 ? (int)n : 1;
	}
	return err;
}

const char *
config_path_from_args(int argc, char **argv)
{
	const char *env = getenv("BGW_CONFIG");

	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--config") == 0)
			return argv[i + 1];
	/* An operator on an installed host types `bgw-admin setup`: the file the package made. */
	return env != NULL ? env : BGW_SYSCONFDIR "/bgw.conf";
}
