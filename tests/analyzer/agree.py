#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Online and offline must agree: run a test program under libcoffman.so
with json= and trace=, then `coffman analyze --json` each trace it left,
and compare the two lists of reports.

usage: agree.py --preload LIB --coffman COFFMAN --source SRC -- PROG [ARGS]

The program's EXPECT options= lines (see tests/preload/harness.py) are
used for both runs. Two reports are the same when they have the same kind,
severity, message (numbers aside: waits are timed differently), threads
(number and name), objects (kind and name) and the lines of SRC their
stacks show. Each list is a multiset: order does not matter, count does.

Needs the trace writer (trace=PATH): until it writes traces, this fails
with "no trace written".
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

# Options that mean the same offline; the others (log, json, trace) do not.
OFFLINE_KEYS = {"stack_depth", "watchdog_ms", "hold_wait_ms",
                "starvation_ms", "on_deadlock", "identity", "suppressions",
                "banker", "claims"}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def expect_options(source):
    opts = []
    with open(source, encoding="utf-8") as f:
        for line in f:
            m = re.search(r"EXPECT\s+options=(\S+)", line)
            if m:
                opts += m.group(1).replace(
                    "{srcdir}",
                    os.path.dirname(os.path.abspath(source))).split(":")
    return opts


def frames(report):
    for e in report.get("edges", []):
        yield from e.get("held_stack", [])
        yield from e.get("acquired_stack", [])
    for s in report.get("sites", []):
        yield from s.get("stack", [])
    for t in report.get("threads", []):
        yield from t.get("created_at", [])
    for o in report.get("objects", []):
        yield from o.get("init", [])


def signature(report, base):
    lines = sorted({f.get("line") for f in frames(report)
                    if os.path.basename(f.get("file", "")) == base})
    return (report.get("kind"), report.get("severity"),
            re.sub(r"\d+", "N", report.get("message", "")),
            tuple(sorted((t.get("id"), t.get("name"))
                         for t in report.get("threads", []))),
            tuple(sorted((o.get("kind"), o.get("name"))
                         for o in report.get("objects", []))),
            tuple(lines))


def read_jsonl(text, what):
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError as exc:
            fail("%s line %d is not JSON: %s" % (what, n, exc))
    return out


def main():
    args = sys.argv[1:]
    if "--" not in args:
        fail(__doc__.strip().splitlines()[3])
    split = args.index("--")
    opts, prog = args[:split], args[split + 1:]
    preload = opts[opts.index("--preload") + 1]
    coffman = opts[opts.index("--coffman") + 1]
    source = opts[opts.index("--source") + 1]
    base = os.path.basename(source)
    extra = expect_options(source)

    with tempfile.TemporaryDirectory() as tmp:
        jpath = os.path.join(tmp, "live.json")
        tpattern = os.path.join(tmp, "run.%p.trace")
        env = dict(os.environ)
        env["COFFMAN_OPTIONS"] = ":".join(
            ["json=" + jpath, "trace=" + tpattern] + extra)
        env["LD_PRELOAD"] = preload
        try:
            subprocess.run(prog, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30, cwd=tmp)
        except subprocess.TimeoutExpired:
            fail("program timed out (hung?)")
        live = []
        if os.path.exists(jpath):
            with open(jpath, encoding="utf-8") as f:
                live = read_jsonl(f.read(), "live report")
        traces = sorted(glob.glob(os.path.join(tmp, "run.*.trace")))
        if not traces:
            fail("no trace written (is the trace writer built?)")
        offline = []
        # an option the live run rejected is not passed on
        rejected = " ".join(r.get("message", "") for r in live
                            if r.get("kind") == "bad-option")
        analyze_opts = ["--" + o for o in extra
                        if o.split("=", 1)[0] in OFFLINE_KEYS and
                        "'" + o.split("=", 1)[-1] + "'" not in rejected]
        for t in traces:
            cmd = [coffman, "analyze", "--json"] + analyze_opts + [t]
            p = subprocess.run(cmd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
            err = p.stderr.decode(errors="replace")
            if p.returncode not in (0, 1):
                fail("%s: exit %d: %s" % (" ".join(map(shlex.quote, cmd)),
                                          p.returncode, err))
            offline += read_jsonl(p.stdout.decode(errors="replace"),
                                  "offline report")
            sys.stderr.write(err)

    # bad-option reports come from the environment, not from events
    live = [r for r in live if r.get("kind") != "bad-option"]
    want = sorted(signature(r, base) for r in live)
    got = sorted(signature(r, base) for r in offline)
    if want != got:
        print("live reports:")
        for s in want:
            print("  " + repr(s))
        print("offline reports:")
        for s in got:
            print("  " + repr(s))
        fail("online and offline reports differ (%d live, %d offline)" %
             (len(want), len(got)))
    print("ok: %d report(s) agree, from %d trace(s)" % (len(want),
                                                     len(traces)))


if __name__ == "__main__":
    main()
