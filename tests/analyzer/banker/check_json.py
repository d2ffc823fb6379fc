#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_json.py - run `coffman banker --json` on a file and check the
document: it parses, its matrices agree (Need = Max - Allocation, Total =
Available + held), a safe sequence really is one, each request's outcome
follows from the state before it, and the expected answers come out.

usage: check_json.py COFFMAN FILE --safe yes|no --outcomes a,b,...
                     [--explain]
"""
import argparse
import json
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def runs_safe(avail, need, alloc, order):
    """True if every thread in 'order' can finish in turn."""
    work = list(avail)
    for t in order:
        if any(n > w for n, w in zip(need[t], work)):
            return False
        work = [w + a for w, a in zip(work, alloc[t])]
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("coffman")
    ap.add_argument("file")
    ap.add_argument("--safe", choices=["yes", "no"], required=True)
    ap.add_argument("--outcomes", default="")
    ap.add_argument("--explain", action="store_true")
    args = ap.parse_args()

    cmd = [args.coffman, "banker", "--json"]
    if args.explain:
        cmd.append("--explain")
    proc = subprocess.run(cmd + [args.file], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=10)
    want_status = 0 if args.safe == "yes" else 1
    if proc.returncode != want_status:
        fail("exit status %d, want %d; stderr: %s"
             % (proc.returncode, want_status, proc.stderr))
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        fail("not JSON (%s):\n%s" % (e, proc.stdout))

    names = doc["threads"]
    idx = {n: i for i, n in enumerate(names)}
    m = len(doc["resources"])
    avail, mx, alloc, need = (doc["available"], doc["max"],
                              doc["allocation"], doc["need"])
    if len(avail) != m or len(doc["total"]) != m:
        fail("vector lengths")
    for t in range(len(names)):
        for r in range(m):
            if need[t][r] != mx[t][r] - alloc[t][r]:
                fail("need[%d][%d] is not max - allocation" % (t, r))
    for r in range(m):
        if doc["total"][r] != avail[r] + sum(a[r] for a in alloc):
            fail("total[%d] is not available + held" % r)

    if doc["safe"] != (args.safe == "yes"):
        fail("safe is %s" % doc["safe"])
    if doc["safe"]:
        seq = [idx[n] for n in doc["sequence"]]
        if sorted(seq) != list(range(len(names))):
            fail("sequence is not a permutation: %s" % doc["sequence"])
        if not runs_safe(avail, need, alloc, seq):
            fail("sequence %s is not safe" % doc["sequence"])
    else:
        if doc["sequence"] is not None:
            fail("an unsafe state has a sequence")
        done = [idx[n] for n in doc["can_finish"]]
        stuck = [idx[n] for n in doc["stuck"]]
        if sorted(done + stuck) != list(range(len(names))):
            fail("can_finish + stuck is not every thread")
        if not runs_safe(avail, need, alloc, done):
            fail("can_finish is not a valid order")
    if args.explain:
        steps = doc["steps"]
        if steps[0]["step"] != "start":
            fail("steps do not begin with start")
        if steps[-1]["step"] != ("done" if doc["safe"] else "stuck"):
            fail("steps do not end with done/stuck")
        if steps[0]["work"] != avail:
            fail("first Work is not Available")
        finishes = [s["thread"] for s in steps if s["step"] == "finish"]
        if doc["safe"] and finishes != doc["sequence"]:
            fail("finish steps %s differ from the sequence" % finishes)
    elif "steps" in doc:
        fail("steps without --explain")

    # Replay the requests against the evolving state.
    alloc = [list(a) for a in alloc]
    outcomes = []
    for rq in doc["requests"]:
        t, req = idx[rq["thread"]], rq["request"]
        need_t = [x - a for x, a in zip(mx[t], alloc[t])]
        if any(q > n for q, n in zip(req, need_t)):
            want = "invalid"
        elif any(q > a for q, a in zip(req, avail)):
            want = "must-wait"
        else:
            new_avail = [a - q for a, q in zip(avail, req)]
            new_alloc = [list(a) for a in alloc]
            new_alloc[t] = [a + q for a, q in zip(alloc[t], req)]
            new_need = [[x - a for x, a in zip(mx[i], new_alloc[i])]
                        for i in range(len(names))]
            if rq["outcome"] == "granted":
                seq = [idx[n] for n in rq["sequence"]]
                if not runs_safe(new_avail, new_need, new_alloc, seq) or \
                        sorted(seq) != list(range(len(names))):
                    fail("line %d: granted with a bad sequence" % rq["line"])
                want = "granted"
                avail, alloc = new_avail, new_alloc
            else:
                want = "denied-unsafe"
        if rq["outcome"] != want:
            fail("line %d: outcome %s, want %s"
                 % (rq["line"], rq["outcome"], want))
        if rq["available"] != avail:
            fail("line %d: available %s, want %s"
                 % (rq["line"], rq["available"], avail))
        outcomes.append(rq["outcome"])
    want_outcomes = [o for o in args.outcomes.split(",") if o]
    if outcomes != want_outcomes:
        fail("outcomes %s, want %s" % (outcomes, want_outcomes))


if __name__ == "__main__":
    main()
