/* blob_local.c - the blob store in a local directory: DIR/ab/cd/<id>.
 *
 * Every path below DIR is walked with openat(O_NOFOLLOW) one component at a time, so a
 * symlink planted inside the store (by a bug or a compromised neighbour) is refused instead
 * of being written through.  The fan-out keeps directories small (256 x 256 leaves for hex
 * ids) for any filesystem.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files/blobstore.h"
#include "core/log.h"

#define LOCAL_DIR_MODE 0700
#define LOCAL_FILE_MODE 0600
#define LOCAL_FANOUT_CHARS 2 /* characters of the id per fan-out level */
#define LOCAL_TMP_SUFFIX ".tmp"
/* Directory levels a walk reads: DIR and its two fan-out levels (nothing deeper is a blob). */
#define LOCAL_WALK_DEPTH 3

typedef struct local_store {
	blobstore base;
	char *dir;
} local_store;

typedef struct local_sink {
	blob_sink base;
	int fd;      /* the .tmp file */
	int dirfd;   /* its leaf directory */
	char tmp[BLOB_ID_MAX + sizeof(LOCAL_TMP_SUFFIX)];
} local_sink;

typedef struct local_source {
	blob_source base;
	int fd;
} local_source;

static const blob_sink_ops local_sink_ops;
static const blob_source_ops local_source_ops;

/* A full file system (or quota) is an outage of the store, not a bug: the upload answers
 * 503 and may be retried once space is freed (docs/api.md, "Disk full").  Other errors stay
 * BGW_E_IO. */
static bgw_err
write_error(int e)
{
	return e == ENOSPC || e == EDQUOT ? BGW_E_UNAVAILABLE : BGW_E_IO;
}

static int
open_root(const local_store *ls)
{
	int fd = open(ls->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		bgw_log(BGW_LOG_ERROR, "could not open blob directory \"%s\": %s", ls->dir,
		    strerror(errno));
	return fd;
}

/* Open (creating if create) the subdirectory name of parent without following a symlink;
 * a directory made here is fsynced into its parent so a committed blob's path survives a
 * crash.  Returns the fd or -1 with errno. */
static int
open_subdir(int parent, const char *name, bool create)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT || !create)
		return fd;
	if (mkdirat(parent, name, LOCAL_DIR_MODE) != 0 && errno != EEXIST)
		return -1;
	(void)fsync(parent);
	return openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The leaf directory DIR/ab/cd of id, or -1 (errno set; ENOENT if absent and !create). */
static int
open_leaf(const local_store *ls, const char *id, bool create)
{
	char l1[LOCAL_FANOUT_CHARS + 1], l2[LOCAL_FANOUT_CHARS + 1];
	int root, mid, leaf, saved;

	if (strlen(id) < 2 * LOCAL_FANOUT_CHARS) {
		errno = ENOENT;
		return -1;
	}
	memcpy(l1, id, LOCAL_FANOUT_CHARS);
	l1[LOCAL_FANOUT_CHARS] = '\0';
	memcpy(l2, id + LOCAL_FANOUT_CHARS, LOCAL_FANOUT_CHARS);
	l2[LOCAL_FANOUT_CHARS] = '\0';
	if ((root = open_root(ls)) < 0)
		return -1;
	mid = open_subdir(root, l1, create);
	saved = errno;
	close(root);
	if (mid < 0) {
		errno = saved;
		return -1;
	}
	leaf = open_subdir(mid, l2, create);
	saved = errno;
	close(mid);
	errno = saved;
	return leaf;
}

static bgw_err
local_prepare(blobstore *bs)
{
	local_store *ls = (local_store *)bs;
	struct stat st;

	if (stat(ls->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		bgw_log(BGW_LOG_ERROR, "cannot use blob directory \"%s\": not a directory", ls->dir);
		return BGW_E_IO;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		bgw_log(BGW_LOG_ERROR,
		    "cannot use blob directory \"%s\": mode %03o lets group or others write",
		    ls->dir, (unsigned)(st.st_mode & 0777));
		return BGW_E_IO;
	}
	return BGW_OK;
}

static void
local_close(blobstore *bs)
{
	local_store *ls = (local_store *)bs;

	free(ls->dir);
	free(ls);
}

static bgw_err
local_create(blobstore *bs, const char *id, blob_sink **out)
{
	local_store *ls = (local_store *)bs;
	local_sink *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return BGW_E_NOMEM;
	s->base.ops = &local_sink_ops;
	s->fd = -1;
	snprintf(s->tmp, sizeof(s->tmp), "%s%s", id, LOCAL_TMP_SUFFIX);
	s->dirfd = open_leaf(ls, id, true);
	if (s->dirfd >= 0)
		s->fd = openat(s->dirfd, s->tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, LOCAL_FILE_MODE);
	if (s->fd < 0) {
		int saved = errno;

		bgw_log(BGW_LOG_ERROR, "could not create blob in \"%s\": %s", ls->dir,
		    strerror(saved));
		if (s->dirfd >= 0)
			close(s->dirfd);
		free(s);
		return write_error(saved);
	}
	*out = &s->base;
	return BGW_OK;
}

static bgw_err
local_write(blob_sink *bs, const unsigned char *buf, size_t n)
{
	local_sink *s = (local_sink *)bs;

	while (n > 0) {
		ssize_t w = write(s->fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int saved = w < 0 ? errno : 0;

			bgw_log(BGW_LOG_ERROR, "could not write blob %s: %s", bs->id,
			    w < 0 ? strerror(saved) : "no progress");
			return write_error(saved);
		}
		buf += w;
		n -= (size_t)w;
	}
	return BGW_OK;
}

static void
local_abort(blob_sink *bs)
{
	local_sink *s = (local_sink *)bs;

	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	if (unlinkat(s->dirfd, s->tmp, 0) != 0 && errno != ENOENT)
		bgw_log(BGW_LOG_ERROR, "could not remove temporary blob %s: %s", bs->id,
		    strerror(errno));
}

static bgw_err
local_commit(blob_sink *bs)
{
	local_sink *s = (local_sink *)bs;
	int rc = fsync(s->fd);

	if (rc == 0) {
		rc = close(s->fd);
		s->fd = -1;
	}
	/* link, not rename: an existing blob of that id is an error, never replaced. */
	if (rc == 0)
		rc = linkat(s->dirfd, s->tmp, s->dirfd, bs->id, 0);
	if (rc != 0) {
		int saved = errno;
		/* fsync and close report a delayed ENOSPC of an earlier write. */
		bgw_err err = saved == EEXIST ? BGW_E_CONFLICT : write_error(saved);

		bgw_log(BGW_LOG_ERROR, "could not commit blob %s: %s", bs->id, strerror(saved));
		local_abort(bs);
		return err;
	}
	if (unlinkat(s->dirfd, s->tmp, 0) != 0)
		bgw_log(BGW_LOG_WARN, "could not remove temporary name of blob %s: %s", bs->id,
		    strerror(errno));
	if (fsync(s->dirfd) != 0) {
		/* The data may not survive a crash: do not claim it is stored. */
		bgw_log(BGW_LOG_ERROR, "could not sync the directory of blob %s: %s", bs->id,
		    strerror(errno));
		(void)unlinkat(s->dirfd, bs->id, 0);
		return BGW_E_IO;
	}
	return BGW_OK;
}

static void
local_sink_release(blob_sink *bs)
{
	local_sink *s = (local_sink *)bs;

	if (s->fd >= 0)
		close(s->fd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s);
}

static bgw_err
local_open_source(blobstore *bs, const char *id, blob_source **out)
{
	local_store *ls = (local_store *)bs;
	local_source *src;
	struct stat st;
	int leaf = open_leaf(ls, id, false), fd = -1, saved = errno;

	if (leaf >= 0) {
		fd = openat(leaf, id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		saved = errno;
		close(leaf);
	}
	if (fd < 0) {
		if (saved == ENOENT)
			return BGW_E_NOT_FOUND;
		bgw_log(BGW_LOG_ERROR, "could not open blob %s: %s", id, strerror(saved));
		return BGW_E_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		bgw_log(BGW_LOG_ERROR, "cannot open blob %s: not a regular file", id);
		close(fd);
		return BGW_E_IO;
	}
	if ((src = calloc(1, sizeof(*src))) == NULL) {
		close(fd);
		return BGW_E_NOMEM;
	}
	src->base.ops = &local_source_ops;
	src->fd = fd;
	*out = &src->base;
	return BGW_OK;
}

static bgw_err
local_read(blob_source *bs, unsigned char *buf, size_t cap, size_t *n)
{
	local_source *s = (local_source *)bs;

	for (;;) {
		ssize_t r = read(s->fd, buf, cap);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			bgw_log(BGW_LOG_ERROR, "could not read blob: %s", strerror(errno));
			return BGW_E_IO;
		}
		*n = (size_t)r;
		return BGW_OK;
	}
}

static void
local_source_release(blob_source *bs)
{
	local_source *s = (local_source *)bs;

	close(s->fd);
	free(s);
}

static bgw_err
local_delete(blobstore *bs, const char *id)
{
	local_store *ls = (local_store *)bs;
	int leaf = open_leaf(ls, id, false);
	bgw_err err = BGW_OK;

	if (leaf < 0)
		return errno == ENOENT ? BGW_E_NOT_FOUND : BGW_E_IO;
	/* unlinkat removes a symlink itself, never its target. */
	if (unlinkat(leaf, id, 0) != 0) {
		err = errno == ENOENT ? BGW_E_NOT_FOUND : BGW_E_IO;
		if (err == BGW_E_IO)
			bgw_log(BGW_LOG_ERROR, "could not delete blob %s: %s", id, strerror(errno));
	} else if (fsync(leaf) != 0) {
		bgw_log(BGW_LOG_WARN, "could not sync the directory of deleted blob %s: %s", id,
		    strerror(errno));
	}
	close(leaf);
	return err;
}

/* Add the blobs below the directory dirfd (closed here) to *u, descending depth levels.
 * Symlinks are neither followed nor counted; nor are .tmp files (uncommitted uploads). */
static bgw_err
walk(int dirfd, int depth, blob_usage *u)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	bgw_err err = BGW_OK;

	if (d == NULL) {
		close(dirfd);
		return BGW_E_IO;
	}
	errno = 0;
	while (err == BGW_OK && (e = readdir(d)) != NULL) {
		struct stat st;
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.' && (n == 1 || (n == 2 && e->d_name[1] == '.')))
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno != ENOENT) /* a blob deleted meanwhile is simply not counted */
				err = BGW_E_IO;
		} else if (S_ISDIR(st.st_mode) && depth > 0) {
			int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			err = sub >= 0 ? walk(sub, depth - 1, u) : errno == ENOENT ? BGW_OK : BGW_E_IO;
		} else if (S_ISREG(st.st_mode) && !(n > strlen(LOCAL_TMP_SUFFIX) &&
		    strcmp(e->d_name + n - strlen(LOCAL_TMP_SUFFIX), LOCAL_TMP_SUFFIX) == 0)) {
			u->blobs++;
			u->bytes += (long long)st.st_blocks * 512; /* st_blocks counts 512-byte units */
		}
		errno = 0;
	}
	if (err == BGW_OK && errno != 0)
		err = BGW_E_IO;
	closedir(d);
	return err;
}

static bgw_err
local_measure(blobstore *bs, blob_usage *u)
{
	local_store *ls = (local_store *)bs;
	int root = open_root(ls);
	bgw_err err;

	if (root < 0)
		return BGW_E_IO;
	err = walk(root, LOCAL_WALK_DEPTH - 1, u);
	if (err != BGW_OK)
		bgw_log(BGW_LOG_ERROR, "could not walk blob directory \"%s\": %s", ls->dir,
		    strerror(errno));
	return err;
}

static const blobstore_ops local_ops = {
	local_prepare, local_close, local_create, local_open_source, local_delete, local_measure,
};
static const blob_sink_ops local_sink_ops = {
	local_write, local_commit, local_abort, local_sink_release,
};
static const blob_source_ops local_source_ops = {
	local_read, local_source_release,
};

blobstore *
blobstore_open_local(const char *dir)
{
	struct stat st;
	local_store *ls;

	if (dir == NULL || dir[0] == '\0' || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		bgw_log(BGW_LOG_ERROR, "cannot use blob directory \"%s\": not a directory",
		    dir != NULL ? dir : "");
		return NULL;
	}
	if ((ls = calloc(1, sizeof(*ls))) == NULL || (ls->dir = strdup(dir)) == NULL) {
		free(ls);
		return NULL;
	}
	ls->base.ops = &local_ops;
	return &ls->base;
}
