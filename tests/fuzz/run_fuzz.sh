#!/bin/sh
# SPDX-License-Identifier: MIT
# run_fuzz.sh - build one libFuzzer target with clang (address and
# undefined-behaviour sanitizers) and fuzz it for a bounded time from its
# seed corpus. Any crash, leak or failed check fails the test, with the
# input that did it left in the build tree.
#
# usage: run_fuzz.sh CLANG SRCDIR WORKDIR TARGET SECONDS COFFMAN SEED_DIR...
set -eu
clang=$1
src=$2
work=$3
target=$4
seconds=$5
coffman=$6
shift 6
mkdir -p "$work"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -D_GNU_SOURCE -std=c11 -I$src/preload/engine -I$src/include
       -I$src/analyzer -I${COFFMAN_UTHASH_INCLUDE:-/usr/include}"
engine="$src/preload/engine/trace_read.c $src/preload/engine/crc32.c"
# Inputs larger than any the parser has a use for only slow the run down.
max_len=65536
case $target in
trace_reader)
	sources="$src/tests/fuzz/trace_reader_fuzz.c $engine" ;;
text_trace)
	sources="$src/tests/fuzz/text_trace_fuzz.c $src/analyzer/text_trace.c
		 $src/analyzer/trace_build.c $src/analyzer/trace_load.c
		 $src/analyzer/dump.c $engine" ;;
banker)
	sources="$src/tests/fuzz/banker_fuzz.c $src/analyzer/banker.c
		 $src/preload/engine/banker.c"
	max_len=8192 ;;
options)
	sources="$src/tests/fuzz/options_fuzz.c $src/preload/engine/options.c"
	max_len=4096 ;;
suppress)
	e=$src/preload/engine
	sources="$src/tests/fuzz/suppress_fuzz.c $e/suppress.c $e/report.c
		 $e/alloc.c $e/lock.c"
	max_len=8192 ;;
claims)
	# claims.c is the live Banker's checks too: the whole engine.
	sources="$src/tests/fuzz/claims_fuzz.c $src/preload/engine/*.c"
	max_len=8192 ;;
*)
	echo "run_fuzz.sh: unknown target $target" >&2
	exit 2 ;;
esac
# shellcheck disable=SC2086 # word lists
"$clang" $flags $sources -o "$work/${target}_fuzz"
corpus=$work/corpus-$target
rm -rf "$corpus"
sh "$src/tests/fuzz/corpus.sh" "$target" "$coffman" "$corpus" "$@"
cd "$work"
exec "./${target}_fuzz" -max_total_time="$seconds" -timeout=10 \
	-rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 "$corpus"
