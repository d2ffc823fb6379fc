#!/bin/sh
# SPDX-License-Identifier: MIT
# regen.sh - rewrite every golden *.expected from its *.trace with the
# coffman binary given (default: build/coffman of this source tree). The
# only way golden files change: review `git diff` afterwards.
#
# usage: regen.sh [COFFMAN]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
coffman=${1:-$here/../../../build/coffman}
coffman=$(cd "$(dirname "$coffman")" && pwd)/$(basename "$coffman")
[ -x "$coffman" ] || { echo "regen.sh: no coffman at $coffman" >&2; exit 2; }
for t in "$here"/*.trace; do
	sh "$here/run.sh" "$coffman" "$t" >"${t%.trace}.expected"
	echo "regen.sh: $(basename "${t%.trace}").expected"
done
