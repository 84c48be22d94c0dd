/* admin_evidence.c - bgw-admin evidence-verify FILE.zip: an evidence pack checked offline
 * against its manifest (lib/records/evidence.h).  Needs no configuration, database or key:
 * whoever holds a pack can run it. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"

#include "core/arena.h"
#include "records/evidence.h"

static int
report(const char *path, const evidence_report *r)
{
	for (size_t i = 0; i < r->nproblems; i++)
		printf("%s: %s\n", evidence_problem_name(r->problems[i].kind), r->problems[i].name);
	printf("%s: project %s, %zu files listed, audit chain seq %s head %s\n", path,
	    r->project_id != NULL ? r->project_id : "?", r->nfiles,
	    r->chain_seq != NULL ? r->chain_seq : "?", r->chain_head != NULL ? r->chain_head : "?");
	if (r->nproblems > 0) {
		printf("evidence-verify: FAILED (%zu problems)\n", r->nproblems);
		return 1;
	}
	printf("evidence-verify: OK\n");
	return 0;
}

int
admin_evidence_verify(int argc, char **argv)
{
	const char *path = argc == 2 ? argv[1] : NULL;
	bgw_arena *a;
	evidence_report r;
	struct stat st;
	void *map;
	int fd, rc;
	bgw_err err;

	if (path == NULL) {
		fprintf(stderr, "usage: bgw-admin evidence-verify FILE.zip\n");
		return 2;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0 ||
	    st.st_size <= 0) {
		fprintf(stderr, "evidence-verify: cannot read %s\n", path);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED || (a = bgw_arena_new()) == NULL) {
		fprintf(stderr, "evidence-verify: could not map %s\n", path);
		return 1;
	}
	err = evidence_verify(a, map, (size_t)st.st_size, &r);
	if (err == BGW_OK)
		rc = report(path, &r);
	else {
		fprintf(stderr, "evidence-verify: %s is not a readable evidence pack (%s)\n", path,
		    err == BGW_E_BAD_REQUEST ? "no ZIP or no manifest.json" : "out of memory");
		rc = 1;
	}
	bgw_arena_free(a);
	munmap(map, (size_t)st.st_size);
	return rc;
}
