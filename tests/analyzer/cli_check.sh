#!/bin/sh
# SPDX-License-Identifier: MIT
# cli_check.sh - run one command and check its exit status and output, for
# the analyzer ctests (POSIX sh).
#
# usage: cli_check.sh [--status N] [--stdout ERE] [--stderr ERE]
#                     [--stderr-lines N] -- COMMAND [ARGS...]
#   --status N        exit status COMMAND must return (default 0)
#   --stdout ERE      some line of its stdout must match (grep -E)
#   --stderr ERE      some line of its stderr must match (grep -E)
#   --stderr-lines N  its stderr must have exactly N lines
# COFFMAN_OPTIONS, COFFMAN_LIB and LD_PRELOAD are cleared first so the
# caller's environment cannot leak in; set them with env(1) in COMMAND.

want_status=0
want_out=
want_err=
want_err_lines=
while [ $# -gt 0 ]; do
	case $1 in
	--status) want_status=$2; shift 2 ;;
	--stdout) want_out=$2; shift 2 ;;
	--stderr) want_err=$2; shift 2 ;;
	--stderr-lines) want_err_lines=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "cli_check.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
if [ $# -eq 0 ]; then
	echo "cli_check.sh: no command given" >&2
	exit 2
fi

unset COFFMAN_OPTIONS COFFMAN_LIB LD_PRELOAD

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

"$@" >"$tmp/out" 2>"$tmp/err"
status=$?

failed=0
fail() {
	echo "FAIL: $*" >&2
	failed=1
}

[ "$status" -eq "$want_status" ] ||
	fail "exit status $status, want $want_status"
if [ -n "$want_out" ] && ! grep -Eq -- "$want_out" "$tmp/out"; then
	fail "no line of stdout matches: $want_out"
fi
if [ -n "$want_err" ] && ! grep -Eq -- "$want_err" "$tmp/err"; then
	fail "no line of stderr matches: $want_err"
fi
if [ -n "$want_err_lines" ]; then
	n=$(wc -l <"$tmp/err" | tr -d ' ')
	[ "$n" -eq "$want_err_lines" ] ||
		fail "stderr has $n lines, want $want_err_lines"
fi

if [ "$failed" -ne 0 ]; then
	echo "command: $*" >&2
	echo "--- stdout:" >&2
	cat "$tmp/out" >&2
	echo "--- stderr:" >&2
	cat "$tmp/err" >&2
	exit 1
fi
exit 0
