#!/bin/sh
# SPDX-License-Identifier: MIT
# check.sh - one golden test: run.sh's output for TRACE must equal the
# checked-in TRACE's .expected (regenerate with regen.sh, then review the
# diff).
#
# usage: check.sh COFFMAN TRACE
set -u
here=$(dirname "$0")
expected=${2%.trace}.expected
if [ ! -f "$expected" ]; then
	echo "FAIL: $expected is missing (run $here/regen.sh)"
	exit 1
fi
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
sh "$here/run.sh" "$1" "$2" >"$tmp"
if ! diff -u "$expected" "$tmp"; then
	echo "FAIL: output differs from $expected (if the change is right," \
		"run $here/regen.sh and review the diff)"
	exit 1
fi
exit 0
