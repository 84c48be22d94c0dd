#!/bin/sh
# bgw-render-nginx.sh - render Balance Gateway's nginx and ModSecurity templates for a host.
#
#   bgw-render-nginx.sh VARS OUTDIR [TEMPLATES]
#
# TEMPLATES (default: the nginx/ folder beside this script's deploy/ folder, that is
# $(pkgdatadir)/nginx of an installed tree) holds the files of the repository's nginx/ as they
# are.  Each is written to OUTDIR (and OUTDIR/modsecurity) with every @NAME@ replaced by the
# value of NAME in VARS, a file of NAME=value lines (# comments; the value is taken literally,
# to the end of the line, and may be empty).  A file ending in .in loses that suffix.  A
# placeholder that VARS does not set is an error and leaves OUTDIR untouched: a typo must not
# reach nginx as a literal.  The same rule as ./dev's render, which writes the test stacks'.
# docs/deploy/nginx.vars is the production example; docs/operations.md says how nginx runs.
set -eu

die() { printf 'bgw-render-nginx: %s\n' "$*" >&2; exit 2; }
[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: bgw-render-nginx.sh VARS OUTDIR [TEMPLATES]"
vars=$1
out=$2
tpl=${3:-$(dirname "$0")/../nginx}
[ -r "$vars" ] || die "cannot read $vars"
[ -f "$tpl/nginx.conf.in" ] || die "no nginx.conf.in in $tpl"

# awk reads VARS once per file: the templates are a dozen small files.
prog='
BEGIN {
	while ((r = (getline line < vars)) > 0) {
		n++
		if (line ~ /^[ \t]*(#|$)/)
			continue
		eq = index(line, "=")
		name = substr(line, 1, eq - 1)
		if (eq == 0 || name !~ /^[A-Z0-9_]+$/) {
			printf "%s:%d: not a NAME=value line\n", vars, n > "/dev/stderr"
			failed = 1
			exit 2
		}
		val[name] = substr(line, eq + 1)
	}
	if (r < 0) {
		printf "%s: cannot read\n", vars > "/dev/stderr"
		failed = 1
		exit 2
	}
}
{
	done = ""
	rest = $0
	while (match(rest, /@[A-Z0-9_]+@/)) {
		name = substr(rest, RSTART + 1, RLENGTH - 2)
		if (!(name in val)) {
			printf "%s:%d: @%s@ is not set in %s\n", FILENAME, FNR, name, vars > "/dev/stderr"
			failed = 1
			exit 2
		}
		done = done substr(rest, 1, RSTART - 1) val[name]
		rest = substr(rest, RSTART + RLENGTH)
	}
	print done rest
}
END { if (failed) exit 2 }
'

stage=$(mktemp -d "${TMPDIR:-/tmp}/bgw-render.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/modsecurity"
for f in "$tpl"/*.conf "$tpl"/*.in "$tpl"/modsecurity/*.conf "$tpl"/modsecurity/*.in; do
	[ -f "$f" ] || continue
	rel=${f#"$tpl"/}
	case $rel in
	bench.conf.in) continue ;; # the benchmark's own server, never deployed
	esac
	awk -v vars="$vars" "$prog" "$f" >"$stage/${rel%.in}" || die "$rel: not rendered"
done
mkdir -p "$out/modsecurity"
for f in "$stage"/*.conf "$stage"/modsecurity/*.conf; do
	rel=${f#"$stage"/}
	install -m 0644 "$f" "$out/$rel"
done
