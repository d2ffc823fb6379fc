#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - what a golden test compares: `coffman analyze` of one trace,
# with the options on its "# args:" line, run from the trace's directory.
# Prints standard output, then "--- stderr" and standard error if there
# is any, then "--- exit N".
#
# usage: run.sh COFFMAN TRACE
set -u
coffman=$1
trace=$2
dir=$(dirname "$trace")
base=$(basename "$trace")
args=$(sed -n 's/^# args: //p' "$trace" | head -n 1)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086 # args is a list of words
(cd "$dir" && unset COFFMAN_OPTIONS && "$coffman" analyze $args "$base" \
	>"$tmp/out" 2>"$tmp/err")
status=$?
cat "$tmp/out"
if [ -s "$tmp/err" ]; then
	echo "--- stderr"
	cat "$tmp/err"
fi
echo "--- exit $status"
