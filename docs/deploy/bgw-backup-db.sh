#!/bin/sh
# bgw-backup-db.sh - one pgBackRest backup of the bgw stanza into ONE repository, and the
# time of its success for the alert on backup age (docs/deploy/alerts/).
#
#   bgw-backup-db.sh REPO TYPE      REPO 1 or 2, TYPE full, diff or incr; run as postgres
#
# pgBackRest backs up one repository per run: without --repo it takes repo1 only and the
# mirror (repo2) gets WAL but no backup to restore it from.  bgw.cron runs this once per
# repository on each one's schedule.  On success the time is written, in the Prometheus
# text format, to BGW_BACKUP_METRICS_DIR (default: prometheus-node-exporter's textfile
# directory), where node_exporter exports it as
#   bgw_backup_last_success_timestamp_seconds{repo="N",type="T"}
# and the BgwBackupTooOld alert compares it with the clock.  A failure writes nothing, so
# the metric keeps the last good backup's time and the alert fires when it gets too old.
set -eu
repo=${1:?usage: bgw-backup-db.sh REPO TYPE}
type=${2:?usage: bgw-backup-db.sh REPO TYPE}
stanza=${BGW_BACKUP_STANZA:-bgw}
dir=${BGW_BACKUP_METRICS_DIR:-/var/lib/prometheus/node-exporter}
case $repo in 1|2) ;; *) echo "bgw-backup-db.sh: REPO is 1 or 2" >&2; exit 2 ;; esac
case $type in full|diff|incr) ;; *) echo "bgw-backup-db.sh: TYPE is full, diff or incr" >&2; exit 2 ;; esac

# pgBackRest's own PGBACKREST_* variables (PGBACKREST_CONFIG, ...) pass through.
pgbackrest --stanza="$stanza" --repo="$repo" --type="$type" backup

[ -d "$dir" ] || exit 0
# One file per repository and type, replaced in one rename so a scrape never reads half.
f=$dir/bgw-backup-repo$repo-$type.prom
tmp=$(mktemp "$dir/.bgw-backup.XXXXXX")
{
	echo "# HELP bgw_backup_last_success_timestamp_seconds End of the last successful pgBackRest backup."
	echo "# TYPE bgw_backup_last_success_timestamp_seconds gauge"
	echo "bgw_backup_last_success_timestamp_seconds{repo=\"$repo\",type=\"$type\"} $(date +%s)"
} >"$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$f"
