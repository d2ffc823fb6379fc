#!/bin/sh
# SPDX-License-Identifier: MIT
# symbolize_check.sh - offline symbolisation from a trace's module map:
# a hand-made trace places PROG (built from symprog.c) at a made-up load
# address, its call sites at the real offsets of two calls and its locks
# at the offsets of two globals. `coffman analyze` must name the
# functions, the source lines (by addr2line) and the variables (by nm),
# though the program never ran.
#
# usage: symbolize_check.sh COFFMAN PROG SRC
set -eu
coffman=$1
prog=$2
src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base=0x7f1234000000

# Offset of the instruction after the call that sits on a marked line.
call_after() { # LINE
	objdump -d -l --no-show-raw-insn "$prog" | awk -v want="symprog.c:$1" '
		/^\/.*:[0-9]+/ { here = ($0 ~ ("/" want "( |$)")); next }
		/^ +[0-9a-f]+:/ {
			if (after) { sub(/^ +/, ""); sub(/:.*/, "");
				     print "0x" $0; exit }
			if (here && /call/) after = 1
		}'
}
sym() { # NAME
	nm "$prog" | awk -v n="$1" '$3 == n { print "0x" $1; exit }'
}
line_of() { grep -n "@$1" "$src" | cut -d: -f1; }

l1=$(line_of transfer_lock)
l2=$(line_of audit_lock)
pc1=$(call_after "$l1")
pc2=$(call_after "$l2")
acc=$(sym account_lock)
led=$(sym ledgers)
[ -n "$pc1" ] && [ -n "$pc2" ] && [ -n "$acc" ] && [ -n "$led" ] || {
	echo "FAIL: could not find the calls or symbols in $prog"
	exit 1
}
hex() { printf '0x%x' "$(($1))"; }
a=$(hex "$base + $acc")
l=$(hex "$base + $led + 80")    # ledgers[2]
cat >"$tmp/t.trace" <<TRACE
process pid=77
module $base $base-$(hex "$base + 0x100000") "$prog"
stack 1 $(hex "$base + $pc1")
stack 2 $(hex "$base + $pc2")
T1 create T2
T2 lock mutex $a stack=1
T2 lock mutex $l stack=1
T2 unlock $l
T2 unlock $a
T1 lock mutex $l stack=2
T1 lock mutex $a stack=2
TRACE
fail=0
check() {
	grep -q -- "$1" "$tmp/out" || { echo "FAIL: $2: no '$1' in the report"; fail=1; }
}
analyze() { # WHAT
	"$coffman" analyze "$tmp/t.trace" >"$tmp/out" 2>&1 && status=0 || status=$?
	[ "$status" -eq 1 ] || { echo "FAIL: $1: exit status $status, want 1"; fail=1; }
	check "in transfer .*symprog.c:$l1 " "$1"
	check "in audit .*symprog.c:$l2 " "$1"
	check "mutex account_lock at $a" "$1"
	check "mutex ledgers\[2\] at $l" "$1"
	if [ "$fail" -ne 0 ]; then
		cat "$tmp/t.trace" "$tmp/out"
		exit 1
	fi
}
analyze "with the installed tools"

# An eu-addr2line that reads no line table (as elfutils 0.188 with
# clang 14's DWARF 5): it names no line and exits 1. The lines must
# come from binutils' addr2line instead.
mkdir "$tmp/bin"
cat >"$tmp/bin/eu-addr2line" <<'STUB'
#!/bin/sh
while [ "$#" -gt 0 ]; do
	case $1 in
	-e) shift 2 ;;
	-*) shift ;;
	*) printf '%s\n??\n??:0\n' "$1"; shift ;;
	esac
done
exit 1
STUB
chmod +x "$tmp/bin/eu-addr2line"
PATH="$tmp/bin:$PATH" analyze "when eu-addr2line finds no line"
echo "ok: functions, lines and variables named offline"
