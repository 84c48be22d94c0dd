/* admin_doctor.c - bgw-admin doctor: is this host set up the way docs/operations.md asks?
 *
 *   bgw-admin doctor [--pgdata DIR] [--sysfs DIR] [--mountinfo FILE]
 *
 * One line per check, "NAME: ok ..." or "NAME: NOT ok ...", exit 0 when every check is ok:
 *   - database volume: the file system holding PostgreSQL's data directory (--pgdata,
 *     default /var/lib/postgresql) sits on dm-crypt (LUKS), directly or under LVM;
 *   - blob volume: the same for blob_dir (local blob store only);
 *   - clamd signatures: clamd answers and its official database is at most 3 days old.
 * A volume is found through /proc/self/mountinfo (the mount whose mount point is the
 * longest prefix of the directory) and its device through sysfs: a device-mapper device
 * whose dm/uuid starts with "CRYPT-" is encrypted; any other device-mapper device (LVM) is
 * encrypted when every device under it (slaves/) is.  --sysfs and --mountinfo read
 * another tree (tests).  A self-encrypting disk cannot be seen from here: it reports NOT
 * ok, and the operator records it in the operations log instead.
 */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "files/scan.h"

#define DOCTOR_PGDATA_DEFAULT "/var/lib/postgresql"
#define DOCTOR_SYSFS_DEFAULT "/sys"
#define DOCTOR_MOUNTINFO_DEFAULT "/proc/self/mountinfo"
/* dm devices stacked deeper than this (crypt under LVM under RAID...) are not followed. */
#define DOCTOR_STACK_MAX 8
#define DOCTOR_LINE_MAX 4096

struct volume {
	unsigned maj, min;
	char source[PATH_MAX];
	char fstype[64];
};

/* Read the first line of path into buf (newline removed).  0, or -1 if unreadable. */
static int
read_line(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	bool got;

	if (f == NULL)
		return -1;
	got = fgets(buf, (int)cap, f) != NULL;
	(void)fclose(f);
	if (!got)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* "MAJ:MIN" (sysfs dev files, mountinfo's third field): 0, or -1 if malformed. */
static int
parse_devno(const char *s, unsigned *maj, unsigned *min)
{
	unsigned long a, b;
	char *end;

	a = strtoul(s, &end, 10);
	if (end == s || *end != ':')
		return -1;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || (*end != '\0' && *end != ' ') || a > UINT_MAX || b > UINT_MAX)
		return -1;
	*maj = (unsigned)a;
	*min = (unsigned)b;
	return 0;
}

/* Is mount point mp a prefix of path at a component boundary? */
static bool
covers(const char *mp, const char *path)
{
	size_t n = strlen(mp);

	if (strcmp(mp, "/") == 0)
		return true;
	return strncmp(mp, path, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The mount holding path, from mountinfo: 0, or -1 if none matched or unreadable. */
static int
find_mount(const char *mountinfo, const char *path, struct volume *v)
{
	char line[DOCTOR_LINE_MAX], mp[PATH_MAX], best[PATH_MAX] = "";
	FILE *f = fopen(mountinfo, "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* id parent maj:min root mountpoint options [optional...] - fstype source ... */
		char *sep = strstr(line, " - "), *field[5], *save = NULL, *fstype, *source;
		unsigned maj, min;
		int n = 0;

		if (sep == NULL)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t != NULL && n < 5;
		    t = strtok_r(NULL, " ", &save))
			field[n++] = t;
		fstype = strtok_r(sep + 3, " ", &save);
		source = strtok_r(NULL, " \n", &save);
		if (n < 5 || fstype == NULL || source == NULL ||
		    parse_devno(field[2], &maj, &min) != 0)
			continue;
		snprintf(mp, sizeof(mp), "%s", field[4]);
		if (!covers(mp, path) || strlen(mp) < strlen(best))
			continue;
		snprintf(best, sizeof(best), "%s", mp);
		v->maj = maj;
		v->min = min;
		snprintf(v->fstype, sizeof(v->fstype), "%s", fstype);
		snprintf(v->source, sizeof(v->source), "%s", source);
	}
	(void)fclose(f);
	return best[0] != '\0' ? 0 : -1;
}

/* Whether block device maj:min is encrypted: 1 yes (kind set from dm/uuid, e.g. "LUKS2"),
 * 0 no, -1 unknown (sysfs unreadable). */
static int
encrypted(const char *sysfs, unsigned maj, unsigned min, int depth, char *kind, size_t cap)
{
	char path[PATH_MAX], buf[256];
	struct dirent *e;
	int verdict = 0; /* a device-mapper device with nothing beneath it is not encrypted */
	DIR *d;

	if (depth > DOCTOR_STACK_MAX)
		return -1;
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sysfs, maj, min);
	if (access(path, F_OK) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/dm/uuid", sysfs, maj, min);
	if (read_line(path, buf, sizeof(buf)) == 0 && strncmp(buf, "CRYPT-", 6) == 0) {
		/* "CRYPT-LUKS2-<uuid>-<name>": the kind is the word after CRYPT-. */
		snprintf(kind, cap, "%.*s", (int)strcspn(buf + 6, "-"), buf + 6);
		return 1;
	}
	/* LVM and other stacking: encrypted only if every device beneath is. */
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/slaves", sysfs, maj, min);
	if ((d = opendir(path)) == NULL)
		return 0; /* a disk or a partition */
	while ((e = readdir(d)) != NULL) {
		unsigned smaj, smin;
		int r;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/class/block/%s/dev", sysfs, e->d_name);
		if (read_line(path, buf, sizeof(buf)) != 0 || parse_devno(buf, &smaj, &smin) != 0) {
			verdict = -1;
			break;
		}
		r = encrypted(sysfs, smaj, smin, depth + 1, kind, cap);
		verdict = r;
		if (r != 1)
			break;
	}
	closedir(d);
	return verdict;
}

/* One "NAME: ..." line for the volume holding dir; returns whether it is encrypted. */
static bool
check_volume(const char *name, const char *dir, const char *sysfs, const char *mountinfo)
{
	char real[PATH_MAX], kind[32] = "";
	struct volume v = {0};
	struct stat st;
	int r;

	if (realpath(dir, real) == NULL)
		snprintf(real, sizeof(real), "%s", dir);
	if (find_mount(mountinfo, real, &v) != 0) {
		printf("%s: NOT ok: cannot tell (no mount for %s)\n", name, real);
		return false;
	}
	/* btrfs and some others report an anonymous device (major 0): take the source's. */
	if (v.maj == 0 && strncmp(v.source, "/dev/", 5) == 0 && stat(v.source, &st) == 0 &&
	    S_ISBLK(st.st_mode)) {
		v.maj = major(st.st_rdev);
		v.min = minor(st.st_rdev);
	}
	if (v.maj == 0) {
		printf("%s: NOT ok: cannot tell (%s on %s is not a block device)\n", name, real,
		    v.fstype);
		return false;
	}
	r = encrypted(sysfs, v.maj, v.min, 0, kind, sizeof(kind));
	if (r == 1) {
		printf("%s: ok: encrypted (dm-crypt %s, %s on %s, device %u:%u)\n", name, kind, real,
		    v.source, v.maj, v.min);
		return true;
	}
	printf("%s: NOT ok: %s (%s on %s, device %u:%u): see docs/operations.md, "
	    "\"Encryption at rest\"\n", name, r == 0 ? "not encrypted" : "cannot tell", real,
	    v.source, v.maj, v.min);
	return false;
}

static bool
check_signatures(const bgw_config *cfg)
{
	time_t built, now = time(NULL);

	if (scan_signature_time(cfg->clamd_socket, &built) != BGW_OK) {
		printf("clamd signatures: NOT ok: clamd does not answer (%s)\n", cfg->clamd_socket);
		return false;
	}
	if (built == 0) {
		printf("clamd signatures: NOT ok: no official database loaded (offline signatures "
		    "only): see docs/operations.md, \"Signatures\"\n");
		return false;
	}
	if (now - built > SCAN_SIGNATURES_STALE_S) {
		printf("clamd signatures: NOT ok: %lld hours old (limit %d): is clamav-freshclam "
		    "running?\n", (long long)(now - built) / 3600, SCAN_SIGNATURES_STALE_S / 3600);
		return false;
	}
	printf("clamd signatures: ok: %lld hours old\n", (long long)(now - built) / 3600);
	return true;
}

int
admin_doctor(const bgw_config *cfg, int argc, char **argv)
{
	const char *pgdata = DOCTOR_PGDATA_DEFAULT, *sysfs = DOCTOR_SYSFS_DEFAULT;
	const char *mountinfo = DOCTOR_MOUNTINFO_DEFAULT;
	bool all = true;

	for (int i = 1; i < argc; i++) {
		const char **opt = strcmp(argv[i], "--pgdata") == 0 ? &pgdata :
		    strcmp(argv[i], "--sysfs") == 0 ? &sysfs :
		    strcmp(argv[i], "--mountinfo") == 0 ? &mountinfo : NULL;

		if (opt == NULL || i + 1 >= argc) {
			fprintf(stderr, "usage: bgw-admin doctor [--pgdata DIR] [--sysfs DIR] "
			    "[--mountinfo FILE]\n");
			return 2;
		}
		*opt = argv[++i];
	}
	all &= check_volume("database volume", pgdata, sysfs, mountinfo);
	if (strcmp(cfg->blob_backend, "azure") != 0)
		all &= check_volume("blob volume", cfg->blob_dir, sysfs, mountinfo);
	all &= check_signatures(cfg);
	return all ? 0 : 1;
}
