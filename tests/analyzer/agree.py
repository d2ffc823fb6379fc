#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Online and offline must agree: run a test program under libcoffman.so
with json= and trace=, then `coffman analyze --json` each trace it left,
and compare the two lists of reports.

usage: agree.py --preload LIB --coffman COFFMAN --source SRC -- PROG [ARGS]

Each trace's text dump (`coffman dump`) must give exactly the same
reports as the trace itself. The program's EXPECT options= lines (see tests/preload/harness.py) are
used for both runs. Two reports are the same when they have the same kind,
severity, message (numbers aside: waits are timed differently), threads
(number and name), objects (kind and name) and the lines of SRC their
stacks show. Each list is a multiset: order does not matter, count does.

Two allowances, both for facts the trace cannot hold: a livelock's lock
is not compared (which of the two tips the count is a race the trace
orders after the fact), and when the program forked, objects' first-use
sites are not compared (a child's trace starts at the fork).

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


def frames(report, with_init=True):
    for e in report.get("edges", []):
        yield from e.get("held_stack", [])
        yield from e.get("acquired_stack", [])
    for s in report.get("sites", []):
        yield from s.get("stack", [])
    for t in report.get("threads", []):
        yield from t.get("created_at", [])
    if with_init:
        for o in report.get("objects", []):
            yield from o.get("init", [])


def signature(report, base, forked):
    frames_ = frames(report, with_init=not forked)
    lines = sorted({f.get("line") for f in frames_
                    if os.path.basename(f.get("file", "")) == base})
    objects = tuple(sorted((o.get("kind"), o.get("name"))
                           for o in report.get("objects", [])))
    if report.get("kind") == "livelock":
        # Which of the two locks tips the count is a race between the
        # threads (the trace orders events after the engine saw them).
        objects = ()
    return (report.get("kind"), report.get("severity"),
            re.sub(r"\d+", "N", report.get("message", "")),
            tuple(sorted((t.get("id"), t.get("name"))
                         for t in report.get("threads", []))),
            objects, tuple(lines))


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
        # an exec'd image's trace takes its pid's name with .1, .2, ...
        traces = sorted(glob.glob(os.path.join(tmp, "run.*.trace")) +
                        glob.glob(os.path.join(tmp, "run.*.trace.[0-9]*")))
        traces = [t for t in traces if not t.endswith(".txt")]
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
            # and its text dump gives exactly the same reports
            dump = t + ".txt"
            with open(dump, "wb") as f:
                d = subprocess.run([coffman, "dump", t], stdout=f,
                                   stderr=subprocess.PIPE, timeout=60)
            if d.returncode != 0:
                fail("coffman dump %s: %s" % (t, d.stderr.decode(
                    errors="replace")))
            q = subprocess.run(cmd[:-1] + [dump], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
            if q.stdout != p.stdout or q.returncode != p.returncode:
                fail("analyzing the dump of %s differs from analyzing it"
                     % t)

    # bad-option reports come from the environment, not from events
    live = [r for r in live if r.get("kind") != "bad-option"]
    # A forked child's trace starts at the fork: where an object inherited
    # from the parent was first seen is not in it.
    forked = len(traces) > 1
    want = sorted(signature(r, base, forked) for r in live)
    got = sorted(signature(r, base, forked) for r in offline)
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
