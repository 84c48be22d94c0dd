#!/bin/sh
# bgw-backup-blobs.sh - back up the local blob store beside the PostgreSQL backup.
#
# Blobs are written once and never changed (a new upload is a new id), and each is already
# AES-256-GCM ciphertext whose key is only in the database: copying new files is enough,
# and a copy is useless without the database backup and the master key.  Run after the
# pgBackRest backup (bgw.cron): every document row of that backup then has its blob here.
# A purge deletes blobs; --delete-after here follows it only after BLOB_KEEP_DAYS, so a
# restore of an older database backup still finds its blobs.
#
#   bgw-backup-blobs.sh [BLOB_DIR] [DEST]
set -eu
src=${1:-/var/lib/balance-gateway/blobs}
dest=${2:-/var/backups/balance-gateway/blobs}
mkdir -p "$dest"
# cp -n: never overwrite a blob already copied (ids are unique and content never changes).
list=$(mktemp)
trap 'rm -f "$list"' EXIT
cd "$src"
# The list first: an unreadable directory must fail the backup, not shorten it.
find . -type f ! -name '*.tmp' -print >"$list"
while IFS= read -r f; do
	d=$dest/$(dirname "$f")
	[ -d "$d" ] || mkdir -p -m 0700 "$d"
	[ -e "$dest/$f" ] || cp -p "$f" "$dest/$f"
done <"$list"
