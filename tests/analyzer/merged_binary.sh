#!/bin/sh
# SPDX-License-Identifier: MIT
# merged_binary.sh - the merged-runs inversion from binary traces: both
# runs turned binary (coffman dump --binary), analyzed together, give one
# inversion; each alone gives none.
#
# usage: merged_binary.sh COFFMAN RUN1 RUN2
set -u
coffman=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$coffman" dump --binary="$tmp/1.bin" "$2" || exit 1
"$coffman" dump --binary="$tmp/2.bin" "$3" || exit 1
for one in 1 2; do
	"$coffman" analyze "$tmp/$one.bin" >"$tmp/out" 2>&1
	s=$?
	[ "$s" -eq 0 ] || { echo "FAIL: run $one alone: exit $s"; cat "$tmp/out"; exit 1; }
done
"$coffman" analyze "$tmp/1.bin" "$tmp/2.bin" >"$tmp/out" 2>&1
s=$?
n=$(grep -c '^coffman: ==== lock-order-inversion (error)' "$tmp/out")
if [ "$s" -ne 1 ] || [ "$n" -ne 1 ]; then
	echo "FAIL: together: exit $s, $n inversion(s), want 1 and 1"
	cat "$tmp/out"
	exit 1
fi
echo "ok: one inversion from two binary runs, none from either alone"
