#!/bin/sh
# SPDX-License-Identifier: MIT
# roundtrip.sh - `coffman dump` loses nothing the analysis needs: analyzing
# TRACE, its text dump, and its binary form (dump --binary) print the same
# reports; and a dump of the dump is the dump.
#
# usage: roundtrip.sh COFFMAN TRACE
set -u
coffman=$1
trace=$2
args=$(sed -n 's/^# args: //p' "$trace" | head -n 1)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}
cd "$(dirname "$trace")" || exit 2
base=$(basename "$trace")
"$coffman" dump "$base" >"$tmp/d1.trace" || fail "dump of $base"
"$coffman" dump --binary="$tmp/b.bin" "$base" || fail "dump --binary"
"$coffman" dump "$tmp/d1.trace" >"$tmp/d2.trace" || fail "dump of the dump"
"$coffman" dump "$tmp/b.bin" >"$tmp/d3.trace" || fail "dump of the binary"
# the first line names the file dumped
tail -n +2 "$tmp/d1.trace" >"$tmp/d1.body"
tail -n +2 "$tmp/d2.trace" >"$tmp/d2.body"
tail -n +2 "$tmp/d3.trace" >"$tmp/d3.body"
diff -u "$tmp/d1.body" "$tmp/d2.body" || fail "dump of the dump differs"
diff -u "$tmp/d1.body" "$tmp/d3.body" || fail "dump of the binary differs"
# shellcheck disable=SC2086 # args is a list of words
"$coffman" analyze $args "$base" >"$tmp/a0" 2>&1
s0=$?
# shellcheck disable=SC2086
"$coffman" analyze $args "$tmp/d1.trace" >"$tmp/a1" 2>&1
s1=$?
# shellcheck disable=SC2086
"$coffman" analyze $args "$tmp/b.bin" >"$tmp/a2" 2>&1
s2=$?
[ "$s0" -eq "$s1" ] && [ "$s0" -eq "$s2" ] ||
	fail "exit statuses differ: $s0 (trace) $s1 (dump) $s2 (binary)"
diff -u "$tmp/a0" "$tmp/a1" || fail "analyzing the dump differs"
diff -u "$tmp/a0" "$tmp/a2" || fail "analyzing the binary form differs"
echo "ok: same reports from the trace, its dump and its binary form"
