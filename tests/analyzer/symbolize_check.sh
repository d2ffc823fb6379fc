#!/bin/sh
# SPDX-License-Identifier: MIT
# symbolize_check.sh - offline symbolisation from a trace's module map:
# a hand-made trace places PROG (built from symprog.c) at a made-up load
# address, its call sites at the real offsets of three calls (one in a
# function of symprog.h) and its locks at the offsets of two globals.
# `coffman analyze` must name the functions, the source files and lines
# (by libdw, else by addr2line) and the variables (by nm), though the
# program never ran; and nothing when the trace's build id for it is
# another file's.
#
# usage: symbolize_check.sh COFFMAN PROG SRC NO_LIBDW_DIR
# NO_LIBDW_DIR holds a libdw.so.1 with none of libdw's functions.
set -eu
coffman=$1
prog=$2
src=$3
no_libdw=$4
hdr=${src%.c}.h
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
# Offset of the instruction after the first call in a function (objdump
# -l names the including file for a header's code, as addr2line does).
first_call_in() { # FUNCTION
	objdump -d --no-show-raw-insn "$prog" | awk -v f="<$1>:" '
		$2 == f { inside = 1; next }
		inside && /^$/ { exit }
		inside && /^ +[0-9a-f]+:/ {
			if (after) { sub(/^ +/, ""); sub(/:.*/, "");
				     print "0x" $0; exit }
			if (/call/) after = 1
		}'
}
sym() { # NAME
	nm "$prog" | awk -v n="$1" '$3 == n { print "0x" $1; exit }'
}
line_of() { grep -n "@$1" "${2:-$src}" | cut -d: -f1; }

l1=$(line_of transfer_lock)
l2=$(line_of audit_lock)
lh=$(line_of audit_all_lock "$hdr")
pc1=$(call_after "$l1")
pc2=$(call_after "$l2")
pc3=$(first_call_in audit_all)
acc=$(sym account_lock)
led=$(sym ledgers)
[ -n "$pc1" ] && [ -n "$pc2" ] && [ -n "$pc3" ] && [ -n "$acc" ] &&
[ -n "$led" ] || {
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
stack 3 $(hex "$base + $pc3")
T1 create T2
T2 lock mutex $a stack=1
T2 lock mutex $l stack=1
T2 unlock $l
T2 unlock $a
T1 lock mutex $l stack=2
T1 lock mutex $a stack=3
TRACE
fail=0
check() {
	grep -q -- "$1" "$tmp/out" || { echo "FAIL: $2: no '$1' in the report"; fail=1; }
}
# analyze WHAT HEADER [VAR=VALUE...]: coffman run with the variables set;
# HEADER, the file the function of symprog.h must be shown in.
analyze() {
	what=$1
	header=$2
	shift 2
	env "$@" "$coffman" analyze "$tmp/t.trace" >"$tmp/out" 2>&1 && status=0 || status=$?
	[ "$status" -eq 1 ] || { echo "FAIL: $what: exit status $status, want 1"; fail=1; }
	check "in transfer .*symprog.c:$l1 " "$what"
	check "in audit .*symprog.c:$l2 " "$what"
	check "in audit_all .*$header:$lh " "$what"
	check "mutex account_lock at $a" "$what"
	check "mutex ledgers\[2\] at $l" "$what"
	if [ "$fail" -ne 0 ]; then
		cat "$tmp/t.trace" "$tmp/out"
		exit 1
	fi
}
analyze "with the installed tools" 'symprog\.h'

# Tools missing: libdw, in the analyzer, names the code alone; nm still
# names the variables. Without eu-addr2line, binutils' addr2line (2.40)
# would name symprog.c for the header's function (gcc 12, DWARF 5).
mkdir "$tmp/nm" "$tmp/binutils"
ln -s "$(command -v nm)" "$tmp/nm/nm"
ln -s "$(command -v nm)" "$tmp/binutils/nm"
ln -s "$(command -v addr2line)" "$tmp/binutils/addr2line"
analyze "with no addr2line at all" 'symprog\.h' PATH="$tmp/nm"
analyze "without eu-addr2line" 'symprog\.h' PATH="$tmp/binutils"

# Without libdw, an eu-addr2line that reads no line table (as elfutils
# 0.188 with clang 14's DWARF 5): it names no line and exits 1. The lines
# must come from binutils' addr2line instead (which may name symprog.c
# for the header's function).
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
analyze "without libdw, when eu-addr2line finds no line" 'symprog\.[ch]' \
	PATH="$tmp/bin:$PATH" LD_LIBRARY_PATH="$no_libdw"

# Without libdw and tools, frames stay module+offset: the stand-in for
# libdw above did stand in.
env PATH="$tmp/nm" LD_LIBRARY_PATH="$no_libdw" "$coffman" analyze "$tmp/t.trace" >"$tmp/out" 2>&1 && status=0 || status=$?
if [ "$status" -ne 1 ] || grep -q 'symprog\.[ch]:' "$tmp/out"; then
	echo "FAIL: without libdw and addr2line: exit status $status (want 1), or a line named"
	cat "$tmp/out"
	exit 1
fi
# The trace's build id for the module: the file's own names it all as
# above; another's (the program rebuilt since the trace) names nothing,
# not another build's lines or variables, and says why once.
bid=$(readelf -n "$prog" | awk '/Build ID:/ { print $3; exit }')
[ -n "$bid" ] || { echo "FAIL: no build id in $prog"; exit 1; }
other=$(printf '%s' "$bid" | tr '0-9a-f' '1-9a-f0')
cp "$tmp/t.trace" "$tmp/plain.trace"
sed "s|^module .*|& build_id=$bid|" "$tmp/plain.trace" >"$tmp/t.trace"
analyze "with the module's own build id" 'symprog\.h'
if grep -q 'not the file the trace was made with' "$tmp/out"; then
	echo "FAIL: the module's own build id: a warning"
	cat "$tmp/out"
	exit 1
fi
sed "s|^module .*|& build_id=$other|" "$tmp/plain.trace" >"$tmp/t.trace"
"$coffman" analyze "$tmp/t.trace" >"$tmp/out" 2>&1 && status=0 || status=$?
n=$(grep -c "warning: $prog is not the file the trace was made with (build id $other there, $bid now)" "$tmp/out" || true)
if [ "$status" -ne 1 ] || [ "$n" -ne 1 ] ||
   grep -q 'symprog\.[ch]:\|account_lock\|ledgers\|in transfer\|in audit' "$tmp/out"; then
	echo "FAIL: another build id: exit status $status (want 1), $n warning(s) (want 1), or a name from the file"
	cat "$tmp/t.trace" "$tmp/out"
	exit 1
fi
echo "ok: functions, lines and variables named offline"
