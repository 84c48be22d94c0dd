#!/usr/bin/env bash
# package.sh - the Debian package (debian/, `./dev package`).
#
# Always: the package is built (or BGW_DEB names one already built) and checked with
# dpkg-deb: the programs, units, man pages, the nginx site, snippets and ModSecurity files
# under /etc as conffiles, the fail2ban filter and jail, the maintainer scripts, no file of
# the build or source tree; lintian finds no error or warning (its output is printed).
#
# With BGW_DEEP=1 (./dev test --deep ops), as an admin would on a bare Debian 12: a fresh
# chroot (debootstrap, minbase; the base is cached as a tarball in BGW_CHROOT_CACHE) gets
# the package with `apt-get install ./balance-gateway_*.deb`, which pulls its dependencies
# from Debian; PostgreSQL is started there; `bgw-admin setup` runs twice (idempotent) and
# the application role logs in with the password it set; the site is enabled and `nginx -t`
# passes on the installed files as they are; fail2ban accepts the jail; purge removes what
# the package made but keeps the data, and nginx still passes -t.  Nothing is rendered by
# hand.  Prints "N passed, N failed" last.
set -uo pipefail

SRC=${BGW_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
W=${BGW_STACK_DIR:-$SRC/var/package-test}/package
CACHE=${BGW_CHROOT_CACHE:-/var/tmp/bgw-chroot}
MIRROR=${BGW_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# shellcheck source=tests/ops/tap.sh
. "$SRC/tests/ops/tap.sh"

rm -rf "$W"
mkdir -p "$W"

# ---- build -----------------------------------------------------------------------------
DEB=${BGW_DEB:-}
if [ -z "$DEB" ]; then
	if DEB=$("$SRC/dev" package 2>"$W/package.log" | tail -n 1) && [ -f "$DEB" ]; then
		ok "./dev package built $(basename "$DEB")"
	else
		tail -n 30 "$W/package.log" | sed 's/^/# /'
		bad "./dev package"
		finish
	fi
fi

# ---- contents (dpkg-deb) ----------------------------------------------------------------
dpkg-deb --contents "$DEB" | awk '{print $NF}' | sed 's|^\./|/|' >"$W/contents"
mkdir -p "$W/control" "$W/root"
dpkg-deb --ctrl-tarfile "$DEB" | tar -C "$W/control" -xf -
has() { grep -qxF "$1" "$W/contents"; }
for f in /usr/sbin/bgw-fcgi /usr/sbin/bgw-admin /usr/sbin/bgw-notify \
	/usr/share/balance-gateway/db/roles.sql /usr/share/balance-gateway/deploy/bgw.conf \
	/usr/share/balance-gateway/deploy/bgw.cron /usr/share/man/man8/bgw-admin.8.gz \
	/usr/share/doc/balance-gateway/operations.md.gz /usr/share/doc/balance-gateway/copyright; do
	check "contents: $f" has "$f"
done
n=$(ls "$SRC"/db/migrations/*.sql | wc -l)
check "contents: all $n migrations" test "$(grep -c '^/usr/share/balance-gateway/db/migrations/.*\.sql$' "$W/contents")" = "$n"
check "contents: the static files nginx serves" grep -q '^/usr/share/balance-gateway/static/.' "$W/contents"
for u in bgw-fcgi.service bgw-notify-send.service bgw-batch.service bgw-batch.timer \
	bgw-purge.service bgw-purge.timer; do
	check "contents: unit $u in /lib/systemd/system" has "/lib/systemd/system/$u"
done
# What the admin edits or may edit lives in /etc, as the tree has it, each a conffile.
ETC_FILES=(/etc/nginx/sites-available/balance-gateway /etc/fail2ban/filter.d/balance-gateway.conf
	/etc/fail2ban/jail.d/balance-gateway.conf)
for f in "$SRC"/nginx/snippets/*.conf; do ETC_FILES+=("/etc/nginx/snippets/${f##*/}"); done
for f in "$SRC"/nginx/modsecurity/balance-gateway/*.conf; do
	ETC_FILES+=("/etc/modsecurity/balance-gateway/${f##*/}")
done
for f in "$SRC"/docs/deploy/alerts/*.yml; do ETC_FILES+=("/etc/prometheus/balance-gateway/${f##*/}"); done
missing=""
for f in "${ETC_FILES[@]}"; do
	has "$f" && grep -qxF "$f" "$W/control/conffiles" || missing+=" $f"
done
check "contents: the nginx site, snippets, ModSecurity, fail2ban and alert-rule files (${#ETC_FILES[@]}) are conffiles in /etc${missing:+ (missing:$missing)}" \
	test -z "$missing"
check "contents: no nginx template left to render (/usr/share/balance-gateway/nginx)" \
	bash -c '! grep -q "^/usr/share/balance-gateway/nginx" "$1"' _ "$W/contents"
check "contents: maintainer scripts postinst and postrm" test -x "$W/control/postinst" -a -x "$W/control/postrm"
check "contents: the units are enabled by the postinst, never started (dh_installsystemd --no-start)" \
	bash -c 'grep -q "deb-systemd-helper enable" "$1" && ! grep -q "deb-systemd-invoke start\|deb-systemd-invoke restart" "$1"' _ "$W/control/postinst"
dpkg-deb --fsys-tarfile "$DEB" | tar -C "$W/root" -xf -
check "contents: no file names the build or source tree" \
	bash -c '! grep -rlIF -e "$1/" "$2/root/etc" "$2/root/lib" "$2/root/usr/share/balance-gateway"' _ "$SRC" "$W"
check "contents: the installed nginx and ModSecurity files are the tree's" bash -c '
	cmp -s "$1/nginx/sites-available/balance-gateway" "$2/root/etc/nginx/sites-available/balance-gateway" &&
	for f in "$1"/nginx/snippets/*.conf; do cmp -s "$f" "$2/root/etc/nginx/snippets/${f##*/}" || exit 1; done &&
	for f in "$1"/nginx/modsecurity/balance-gateway/*.conf; do
		cmp -s "$f" "$2/root/etc/modsecurity/balance-gateway/${f##*/}" || exit 1
	done' _ "$SRC" "$W"

# ---- lintian -------------------------------------------------------------------------------
if command -v lintian >/dev/null; then
	lintian "$DEB" >"$W/lintian.log" 2>&1
	sed 's/^/# lintian: /' "$W/lintian.log"
	check "lintian: no error and no warning" bash -c '! grep -q "^[EW]: " "$1"' _ "$W/lintian.log"
else
	bad "lintian is not installed (./dev installs it)"
fi

if [ "${BGW_DEEP:-0}" != 1 ]; then
	skip "install in a fresh Debian 12 chroot: ./dev test --deep ops"
	finish
fi

# ---- a fresh Debian 12 ------------------------------------------------------------------
R=$W/chroot
MOUNTS=()
cleanup() {
	local m
	[ -x "$R/usr/bin/pg_ctlcluster" ] && chroot "$R" pg_ctlcluster 15 main stop -m immediate >/dev/null 2>&1
	for ((m = ${#MOUNTS[@]} - 1; m >= 0; m--)); do umount -l "${MOUNTS[$m]}" 2>/dev/null; done
}
trap cleanup EXIT
mkdir -p "$CACHE"
if [ ! -s "$CACHE/bookworm-minbase.tar" ]; then
	log "debootstrap bookworm (minbase) into the cache, once: a few minutes"
	rm -rf "$CACHE/base"
	if debootstrap --variant=minbase bookworm "$CACHE/base" "$MIRROR" >"$W/debootstrap.log" 2>&1 &&
		tar -C "$CACHE/base" -cf "$CACHE/bookworm-minbase.tar.new" . &&
		mv "$CACHE/bookworm-minbase.tar.new" "$CACHE/bookworm-minbase.tar"; then
		rm -rf "$CACHE/base"
	else
		tail -n 20 "$W/debootstrap.log" | sed 's/^/# /'
		bad "debootstrap bookworm"
		finish
	fi
fi
mkdir -p "$R"
check "a fresh chroot from the debootstrapped Debian 12 base" tar -C "$R" -xf "$CACHE/bookworm-minbase.tar"
for m in proc dev/pts dev/shm; do mkdir -p "$R/$m"; done
mount -t proc proc "$R/proc" && MOUNTS+=("$R/proc")
mount -t tmpfs tmpfs "$R/dev/shm" && MOUNTS+=("$R/dev/shm")
# No service is started by a package script in a chroot (there is no init here).
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 0755 "$R/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$R/etc/resolv.conf"
printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' \
	"$MIRROR" "$MIRROR" >"$R/etc/apt/sources.list"
cp "$DEB" "$R/root/"
IN() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
	DEBIAN_FRONTEND=noninteractive "$@"; }

log "apt-get install ./$(basename "$DEB") in the chroot (dependencies from Debian)"
if IN apt-get update -q >"$W/apt.log" 2>&1 &&
	IN sh -c "cd /root && apt-get install -y -q ./$(basename "$DEB")" >>"$W/apt.log" 2>&1; then
	ok "apt-get install ./$(basename "$DEB") on a bare Debian 12 pulls its dependencies"
else
	tail -n 30 "$W/apt.log" | sed 's/^/# /'
	bad "apt-get install ./$(basename "$DEB") on a bare Debian 12 pulls its dependencies"
	finish
fi
mode() { IN stat -c '%a %U:%G' "$1" 2>/dev/null; }
check "the system user bgw, no login shell" bash -c '[ "$(chroot "$1" getent passwd bgw | cut -d: -f7)" = /usr/sbin/nologin ]' _ "$R"
check "www-data is in group bgw (the pool's socket)" bash -c 'chroot "$1" id -nG www-data | grep -qw bgw' _ "$R"
check "/etc/balance-gateway 750 root:bgw" test "$(mode /etc/balance-gateway)" = "750 root:bgw"
check "bgw.conf 400 bgw:bgw" test "$(mode /etc/balance-gateway/bgw.conf)" = "400 bgw:bgw"
check "master key: 32 bytes, 400 bgw:bgw" bash -c '[ "$(stat -c %s "$1/etc/balance-gateway/master.key")" = 32 ] && [ "$2" = "400 bgw:bgw" ]' _ "$R" "$(mode /etc/balance-gateway/master.key)"
check "audit key 400 bgw:bgw" test "$(mode /etc/balance-gateway/audit.key)" = "400 bgw:bgw"
for d in /var/lib/balance-gateway /var/lib/balance-gateway/blobs /var/lib/balance-gateway/audit; do
	check "$d 750 bgw:bgw" test "$(mode $d)" = "750 bgw:bgw"
done
check "ModSecurity's folder 700 www-data" test "$(mode /var/cache/modsecurity/balance-gateway)" = "700 www-data:www-data"
check "units enabled: bgw-fcgi, bgw-notify-send, both timers" test -L "$R/etc/systemd/system/multi-user.target.wants/bgw-fcgi.service" \
	-a -L "$R/etc/systemd/system/multi-user.target.wants/bgw-notify-send.service" \
	-a -L "$R/etc/systemd/system/timers.target.wants/bgw-batch.timer" \
	-a -L "$R/etc/systemd/system/timers.target.wants/bgw-purge.timer"
key_before=$(sha256sum "$R/etc/balance-gateway/master.key")

# ---- bgw-admin setup, against PostgreSQL there ---------------------------------------------
check "PostgreSQL (Recommends) installed and started" IN pg_ctlcluster 15 main start
out=$(IN bgw-admin setup 2>&1)
printf '%s\n' "$out" | sed 's/^/# setup: /'
check "bgw-admin setup: database, roles and migrations" grep -q '^migrations applied: [1-9]' <<<"$out"
check "bgw-admin setup wrote the roles' passwords to a passfile, 400 bgw:bgw" test "$(mode /etc/balance-gateway/pgpass)" = "400 bgw:bgw"
pass_before=$(sha256sum "$R/etc/balance-gateway/pgpass")
out=$(IN bgw-admin setup 2>&1)
check "bgw-admin setup again: nothing to do (idempotent)" grep -q '^migrations applied: 0' <<<"$out"
check "bgw-admin setup again: the passwords are kept" bash -c '[ -s "$1" ] && [ "$(sha256sum "$1")" = "$2" ]' _ "$R/etc/balance-gateway/pgpass" "$pass_before"
got=$(IN runuser -u postgres -- psql -At -d bgw -c 'SELECT count(*) FROM bgw.schema_migrations' 2>&1)
check "all $n migrations applied ($got)" test "$got" = "$n"
check "the service user logs in as bgw_app with the password setup set (TCP, scram)" \
	IN runuser -u bgw -- psql -At -o /dev/null "host=localhost dbname=bgw user=bgw_app passfile=/etc/balance-gateway/pgpass" -c 'SELECT 1'
check "bgw_app is not the owner and cannot bypass row-level security" bash -c \
	'[ "$(chroot "$1" runuser -u postgres -- psql -At -d bgw -c "SELECT rolsuper OR rolbypassrls OR pg_has_role('"'"'bgw_app'"'"', '"'"'bgw_owner'"'"', '"'"'MEMBER'"'"') FROM pg_roles WHERE rolname = '"'"'bgw_app'"'"'")" = f ]' _ "$R"

# ---- nginx and fail2ban on the installed files --------------------------------------------
IN ln -s ../sites-available/balance-gateway /etc/nginx/sites-enabled/balance-gateway
out=$(IN nginx -t 2>&1)
printf '%s\n' "$out" | sed 's/^/# nginx -t: /'
check "nginx -t with the site enabled, as installed (Debian's nginx.conf, snippets, CRS)" \
	grep -q 'test is successful' <<<"$out"
check "ModSecurity loaded the CRS and our exclusions from /etc/modsecurity/balance-gateway" \
	bash -c 'grep -q "rules loaded inline/local/remote: [0-9]*/[1-9][0-9]*/" <<<"$1"' _ "$out"
if IN test -x /usr/bin/fail2ban-client; then
	# Debian's own sshd jail needs sshd's log, which a chroot has not: off for this check.
	printf '[sshd]\nenabled = false\n' >"$R/etc/fail2ban/jail.d/zz-test-no-sshd.local"
	out=$(IN fail2ban-client -t 2>&1; IN fail2ban-client -d 2>&1)
	check "fail2ban (Recommends) accepts the installed jail and filter, on the site's access log" bash -c \
		'grep -q "configuration test is successful" <<<"$1" &&
		 grep -q "balance-gateway.*addlogpath.*/var/log/nginx/balance-gateway.access.log" <<<"$1"' _ "$out"
	rm -f "$R/etc/fail2ban/jail.d/zz-test-no-sshd.local"
else
	bad "fail2ban (Recommends) was not installed"
fi

# ---- purge ----------------------------------------------------------------------------------
IN pg_ctlcluster 15 main stop >/dev/null 2>&1
if IN apt-get purge -y -q balance-gateway >"$W/purge.log" 2>&1; then
	ok "apt-get purge balance-gateway"
else
	tail -n 20 "$W/purge.log" | sed 's/^/# /'
	bad "apt-get purge balance-gateway"
fi
check "purge: bgw.conf and the passfile are gone" test ! -e "$R/etc/balance-gateway/bgw.conf" -a ! -e "$R/etc/balance-gateway/pgpass"
check "purge: the site, its link, snippets and ModSecurity files are gone" test ! -e "$R/etc/nginx/sites-available/balance-gateway" \
	-a ! -L "$R/etc/nginx/sites-enabled/balance-gateway" -a ! -e "$R/etc/nginx/snippets/balance-gateway-tls.conf" \
	-a ! -e "$R/etc/modsecurity/balance-gateway"
check "purge: ModSecurity's cache and the site's logs are gone" test ! -e "$R/var/cache/modsecurity/balance-gateway" \
	-a ! -e "$R/var/log/nginx/balance-gateway.access.log"
check "purge: www-data left group bgw" bash -c '! chroot "$1" id -nG www-data | grep -qw bgw' _ "$R"
check "purge: the data is kept (keys unchanged, /var/lib/balance-gateway)" bash -c \
	'[ "$(sha256sum "$1/etc/balance-gateway/master.key")" = "$2" ] && [ -d "$1/var/lib/balance-gateway/blobs" ]' _ "$R" "$key_before"
check "purge: nginx -t still passes (nothing dangling)" IN nginx -t -q
check "purge: the database is kept" bash -c 'chroot "$1" pg_ctlcluster 15 main start && [ "$(chroot "$1" runuser -u postgres -- psql -At -d bgw -c "SELECT count(*) > 0 FROM bgw.schema_migrations")" = t ]' _ "$R"

finish
