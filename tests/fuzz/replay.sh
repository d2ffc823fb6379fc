#!/bin/sh
# SPDX-License-Identifier: MIT
# replay.sh - the fuzz corpus of one target as a plain test: build the
# binary seeds (the text seeds through `coffman dump --binary`, plus cut
# and damaged copies), then run every seed once through the target
# (fuzz_replay.c) in this build, sanitizers included when it has them.
#
# usage: replay.sh TARGET REPLAY_BIN COFFMAN SEED_DIR...
set -eu
target=$1
replay=$2
coffman=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/corpus.sh" "$target" "$coffman" "$tmp" "$@"
"$replay" "$tmp"
