#!/bin/sh
# SPDX-License-Identifier: MIT
# corpus.sh - seed corpus of a fuzz target in OUT: the text seeds as they
# are (text_trace), or turned binary by `coffman dump --binary` together
# with copies cut short and with a byte flipped (trace_reader), which also
# takes the binary seeds (*.bin: traces the runtime wrote) the same way.
# The other targets take their seed directories' files as they are
# (banker: the *.txt examples beside the scripts that check them).
#
# usage: corpus.sh TARGET COFFMAN OUT SEED_DIR...
set -eu
target=$1
coffman=$2
out=$3
shift 3
mkdir -p "$out"
n=0
case $target in
trace_reader | text_trace) ;;
*)
	glob='*'
	[ "$target" = banker ] && glob='*.txt'
	for dir in "$@"; do
		for f in "$dir"/$glob; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			cp "$f" "$out/$n-$(basename "$f")"
		done
	done
	[ "$n" -gt 0 ] || { echo "corpus.sh: no seeds in $*" >&2; exit 1; }
	exit 0 ;;
esac
for dir in "$@"; do
	for f in "$dir"/*.trace "$dir"/*.bin; do
		[ -f "$f" ] || continue
		case $f in
		*.bin) [ "$target" = trace_reader ] || continue ;;
		esac
		n=$((n + 1))
		name=$n-$(basename "$f" | sed 's/\.[a-z]*$//')
		if [ "$target" = text_trace ]; then
			cp "$f" "$out/$name.trace"
			continue
		fi
		case $f in
		*.bin) cp "$f" "$out/$name.bin" ;;
		*) "$coffman" dump --binary="$out/$name.bin" "$f" 2>/dev/null ||
			continue ;;
		esac
		size=$(wc -c <"$out/$name.bin")
		head -c $((size * 2 / 3)) "$out/$name.bin" >"$out/$name.cut"
		# a flipped byte in the middle of the first block
		cp "$out/$name.bin" "$out/$name.flip"
		printf '\377' | dd of="$out/$name.flip" bs=1 seek=$((296 + 40)) \
			conv=notrunc 2>/dev/null
	done
done
[ "$n" -gt 0 ] || { echo "corpus.sh: no seeds in $*" >&2; exit 1; }
