#!/bin/sh
# SPDX-License-Identifier: MIT
# dot_check.sh - `coffman analyze --dot` of a trace with a cycle of N
# locks: a digraph with N red edges; if Graphviz is installed, `dot -Tsvg`
# renders it.
#
# usage: dot_check.sh COFFMAN TRACE N
set -u
coffman=$1
trace=$2
want=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$coffman" analyze --dot "$trace" >"$tmp/g.dot" 2>"$tmp/err"
status=$?
fail() {
	echo "FAIL: $*"
	cat "$tmp/g.dot" "$tmp/err"
	exit 1
}
[ "$status" -eq 1 ] || fail "exit status $status, want 1 (a cycle)"
head -n 1 "$tmp/g.dot" | grep -q '^digraph coffman {$' || fail "not a digraph"
tail -n 1 "$tmp/g.dot" | grep -q '^}$' || fail "unterminated graph"
red=$(grep -c 'color=red' "$tmp/g.dot")
[ "$red" -eq "$want" ] || fail "$red red edges, want $want"
grep -q 'coffman: ====' "$tmp/g.dot" && fail "reports mixed into the graph"
if command -v dot >/dev/null 2>&1; then
	dot -Tsvg "$tmp/g.dot" >"$tmp/g.svg" || fail "dot -Tsvg failed"
	grep -q '<svg' "$tmp/g.svg" || fail "dot made no SVG"
	echo "ok: $red red edges, rendered by dot"
else
	echo "ok: $red red edges (Graphviz not installed: not rendered)"
fi
