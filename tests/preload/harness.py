#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run one test program under libcoffman.so and check its reports.

Expectations live in the test's source, in comments:

  EXPECT exit=66                      the program's exit status
  EXPECT reports=1                    number of reports (JSON lines)
  EXPECT options=on_deadlock=exit     extra COFFMAN_OPTIONS ({srcdir} is
                                      the source's directory)
  EXPECT report kind=lock-order-inversion severity=error
         lines=@a1,@b1 threads=left,right objects=lock_a,lock_b
                                      a report with this kind and severity
                                      whose stacks contain every marked line
                                      of this source file, whose threads
                                      carry these names and whose objects
                                      these names (one EXPECT per line)
  EXPECT stderr~=lock-order-inversion text that must appear on stderr
  EXPECT stderr!~=coffman:            text that must not appear

A marker is a comment `@name` at the end of a source line: `@name` in
lines= stands for that line's number. Without any `EXPECT reports=` the
default is 0: a program that expects nothing must stay silent.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def parse_source(path, markers=None, depth=0):
    """Markers map a name to (file base name, line). Markers are also
    read from headers the source includes from its own directory
    (#include "x.h"), so tests can share a marked program; EXPECT lines
    come from the source alone."""
    markers = {} if markers is None else markers
    expects = []
    base = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            for m in re.finditer(r"@([A-Za-z_][A-Za-z0-9_]*)", line):
                if "EXPECT" not in line:
                    markers[m.group(1)] = (base, no)
            m = re.search(r'^#include "([^"/]+)"', line)
            here = os.path.join(os.path.dirname(path), m.group(1)) if m \
                else None
            if here and depth < 2 and os.path.exists(here):
                parse_source(here, markers, depth + 1)
            m = re.search(r"EXPECT\s+(.*?)\s*(\*/)?\s*$", line)
            if m and depth == 0:
                expects.append(m.group(1))
    return markers, expects


def parse_fields(text):
    out = {}
    for tok in shlex.split(text):
        if "=" in tok:
            k, v = tok.split("=", 1)
            out[k] = v
        else:
            out[tok] = ""
    return out


def frames_of(report):
    for e in report.get("edges", []):
        yield from e.get("held_stack", [])
        yield from e.get("acquired_stack", [])
    for s in report.get("sites", []):
        yield from s.get("stack", [])


def main():
    args = sys.argv[1:]
    if "--" not in args:
        fail("usage: harness.py --preload LIB --source SRC -- PROG [ARGS]")
    split = args.index("--")
    opts, prog = args[:split], args[split + 1:]
    preload = opts[opts.index("--preload") + 1]
    source = opts[opts.index("--source") + 1]
    markers, expects = parse_source(source)
    base = os.path.basename(source)

    want_exit, want_reports, extra, report_specs = 0, 0, [], []
    stderr_has, stderr_not = [], []
    for e in expects:
        if e.startswith("exit="):
            want_exit = int(e[5:])
        elif e.startswith("reports="):
            want_reports = int(e[8:])
        elif e.startswith("options="):
            # {srcdir}: the directory of the test's source (data files).
            extra.append(e[8:].replace(
                "{srcdir}", os.path.dirname(os.path.abspath(source))))
        elif e.startswith("report "):
            report_specs.append(parse_fields(e[7:]))
        elif e.startswith("stderr~="):
            stderr_has.append(e[8:])
        elif e.startswith("stderr!~="):
            stderr_not.append(e[9:])
        else:
            fail("bad EXPECT line: " + e)

    with tempfile.TemporaryDirectory() as tmp:
        jpath = os.path.join(tmp, "reports.json")
        options = ["json=" + jpath] + extra
        env = dict(os.environ)
        env["COFFMAN_OPTIONS"] = ":".join(options)
        env["LD_PRELOAD"] = preload
        try:
            p = subprocess.run(prog, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=30)
        except subprocess.TimeoutExpired:
            fail("program timed out (hung?)")
        err = p.stderr.decode(errors="replace")
        sys.stderr.write(err)
        reports = []
        if os.path.exists(jpath):
            with open(jpath, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    try:
                        reports.append(json.loads(line))
                    except ValueError as exc:
                        fail("report line %d is not JSON: %s" % (n, exc))

    if p.returncode != want_exit:
        fail("exit status %d, expected %d" % (p.returncode, want_exit))
    if len(reports) != want_reports:
        fail("%d report(s), expected %d: %s" % (
            len(reports), want_reports,
            ", ".join(r.get("kind", "?") for r in reports)))
    for spec in report_specs:
        lines = [s for s in spec.get("lines", "").split(",") if s]
        for s in lines:
            if s[1:] not in markers:
                fail("marker %s not found in %s" % (s, base))
        want_lines = {markers[s[1:]] for s in lines}
        threads = [s for s in spec.get("threads", "").split(",") if s]
        objects = [s for s in spec.get("objects", "").split(",") if s]
        why = []
        for r in reports:
            if r.get("kind") != spec.get("kind"):
                continue
            if "severity" in spec and r.get("severity") != spec["severity"]:
                why.append("severity %s" % r.get("severity"))
                continue
            seen = {(os.path.basename(f.get("file", "")), f.get("line"))
                    for f in frames_of(r)}
            if not want_lines <= seen:
                why.append("lines %s missing (have %s)" % (
                    sorted(want_lines - seen), sorted(seen)))
                continue
            names = {t.get("name") for t in r.get("threads", [])}
            if not set(threads) <= names:
                why.append("threads %s missing" % (set(threads) - names))
                continue
            onames = {o.get("name") for o in r.get("objects", [])}
            if not set(objects) <= onames:
                why.append("objects %s missing (have %s)" % (
                    set(objects) - onames, onames))
                continue
            break
        else:
            fail("no report matches %s (%s)" % (spec, "; ".join(why)))
    for s in stderr_has:
        if s not in err:
            fail("stderr lacks %r" % s)
    for s in stderr_not:
        if s in err:
            fail("stderr has %r" % s)
    print("ok: exit %d, %d report(s)" % (p.returncode, len(reports)))


if __name__ == "__main__":
    main()
