#!/bin/sh
# SPDX-License-Identifier: MIT
# live_to_offline.sh PRELOAD PROGRAM COFFMAN [CLAIMS] - run PROGRAM, which
# reaches an unsafe state among threads with claims, under the preload
# with a trace, then check that `coffman analyze` finds it offline:
#  - without CLAIMS, PROGRAM declares its claims with coffman_claim and
#    runs with banker=off: nothing is reported live, and
#    `coffman analyze --banker=warn` finds the state in the claims and
#    acquisitions the trace recorded;
#  - with CLAIMS (a claims file), PROGRAM runs with banker=warn and that
#    file, and `coffman analyze --claims=CLAIMS` applies it to the binary
#    trace (threads by name, objects by their variables' names).
# Either way a plain `coffman analyze` stays silent.
preload=$1 prog=$2 coffman=$3 claims=$4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
unset COFFMAN_OPTIONS
if [ -n "$claims" ]; then
	opts="trace=$tmp/t.trace:banker=warn:claims=$claims"
	offline="--claims=$claims"
else
	opts="trace=$tmp/t.trace"
	offline="--banker=warn"
fi
LD_PRELOAD=$preload COFFMAN_OPTIONS=$opts "$prog" >"$tmp/live.out" 2>&1 ||
	{ cat "$tmp/live.out"; echo "FAIL: the live run failed"; exit 1; }
if [ -z "$claims" ] && grep -q 'unsafe-state' "$tmp/live.out"; then
	echo "FAIL: reported live with banker=off"; exit 1
fi
"$coffman" analyze "$tmp/t.trace" >"$tmp/plain.out" 2>&1
st=$?
[ $st -eq 0 ] || { cat "$tmp/plain.out"; echo "FAIL: plain analyze: status $st"; exit 1; }
"$coffman" analyze "$offline" "$tmp/t.trace" >"$tmp/bk.out" 2>&1
st=$?
cat "$tmp/bk.out"
[ $st -eq 1 ] || { echo "FAIL: status $st, expected 1"; exit 1; }
grep -q '==== unsafe-state (warning)' "$tmp/bk.out" || { echo "FAIL: no unsafe-state"; exit 1; }
grep -q 'philo-4' "$tmp/bk.out" || { echo "FAIL: philo-4 not named"; exit 1; }
grep -q 'forks\[4\]' "$tmp/bk.out" || { echo "FAIL: forks[4] not named"; exit 1; }
[ "$(grep -c '^coffman: ==== ' "$tmp/bk.out")" -eq 1 ] || { echo "FAIL: more than one report"; exit 1; }
echo ok
