#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""trace_check.py - an independent reader of the binary trace format
(include/coffman/trace.h), used to test the writer in libcoffman.so.

  trace_check.py check [options] TRACE...
      Parse each file and check it: header, every block's magic, length and
      CRC (zlib.crc32), every record, unique sequence numbers, and that the
      threads, stacks and strings events refer to are all in the file.
  trace_check.py run [options] -- PROGRAM ARGS...
      Run PROGRAM under the preload with trace=DIR/t.trace (or --pattern) in
      a fresh directory, then check every trace file it left there.

Exit status 0 if all is well, 1 if a check failed, 2 on a usage error.
"""
import argparse
import collections
import glob
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

MAGIC = b"COFFTRC1"
VERSIONS = (1, 2, 3, 4)
BLOCK_MAGIC = 0x4B4C4243
BLOCK_MAX = 1 << 20

HDR = struct.Struct("<8sIIIIQQ256s")
BLK = struct.Struct("<IIII")
REC = struct.Struct("<BBH")
EVENT = struct.Struct("<BBHBBBBIQQQQQIiII")
STACK = struct.Struct("<BBHII")
THREAD = struct.Struct("<BBHIiII16s")
STRING = struct.Struct("<BBHI")
MODULE = struct.Struct("<BBHQQQB3s")
assert (HDR.size, EVENT.size, STACK.size, THREAD.size, STRING.size,
        MODULE.size) == (296, 68, 12, 36, 8, 32)

FAST = struct.Struct("<BBHIQ")
T_EVENT, T_STACK, T_THREAD, T_STRING, T_MODULE, T_FAST = 1, 2, 3, 4, 5, 8
OP_ACQUIRED, OP_TRY_FAILED, OP_RELEASE = 4, 5, 7
KIND_THREAD = 7
OP_THREAD_START, OP_WAIT, OP_WOKEN, OP_JOIN, OP_NAME, OP_PROBE = \
    10, 8, 9, 12, 15, 17
THREAD_REF_OPS = {OP_THREAD_START, OP_WAIT, OP_WOKEN, OP_JOIN, OP_NAME,
                  OP_PROBE}


class Bad(Exception):
    pass


AGAIN = -1   # the kind of a compact acquisition of the lock above the top


def resolve_again(events, fast):
    """The compact events with each acquisition of the lock above the
    top given that lock's address: each thread's events in order (its
    compact records right after the event they follow), on a model of its
    held stack that keeps the entries released from it."""
    order = sorted([(e[0], 0, i, e) for i, e in enumerate(events)] +
                   [(f[0], 1, i, f) for i, f in enumerate(fast)],
                   key=lambda x: (x[0], x[1], x[2]))
    stacks, above, out = {}, {}, list(fast)
    for _, is_fast, i, e in order:
        thread, op, kind, addr = e[1], e[2], e[3], e[4]
        st = stacks.setdefault(thread, [])
        ab = above.setdefault(thread, {})
        if op == OP_ACQUIRED:
            if kind == AGAIN:
                addr = ab.get(len(st), 0)
                out[i] = e[:3] + (0, addr) + e[5:]
            elif addr in st:
                continue   # taken again while held: counted, not pushed
            ab[len(st)] = addr
            st.append(addr)
        elif op == OP_RELEASE:
            if not addr:
                if st:
                    st.pop()
            elif addr in st:
                j = len(st) - 1 - st[::-1].index(addr)
                del st[j]
                for k in range(j, len(st)):
                    ab[k] = st[k]
    return out


def decode_fast(b, where, version):
    """The compact events of a TRACE_FAST record's body: (op, kind, addr,
    stack) each, as include/coffman/trace.h describes them. From version
    3 a release tag counts releases of the top of the held stack (kind
    and addr 0: which lock, only a held stack knows); from version 4 the
    tag 0x80 or 0x82 alone takes again the lock above the top (kind
    AGAIN, addr 0: see resolve_again)."""
    pos, vals, out = 0, [0, 0, 0], []

    def varint():
        nonlocal pos
        v, shift = 0, 0
        while True:
            if pos >= len(b) or shift >= 64:
                raise Bad("%s: compact event cut short" % where)
            c = b[pos]
            pos += 1
            v |= (c & 0x7f) << shift
            if not c & 0x80:
                return v
            shift += 7

    level, last = 0, {}    # version 3: nesting level, its acquisitions
    while pos < len(b):
        tag = b[pos]
        pos += 1
        op = tag & 3   # 0 acquired, 1 released, 2 acquired shared, 3 try
        acquired = op in (0, 2)
        if version < 3:
            kind = tag >> 3
        elif op == 1:
            if not tag >> 2:
                raise Bad("%s: a count of 0 releases" % where)
            out.extend([(OP_RELEASE, 0, 0, 0)] * (tag >> 2))
            level = max(0, level - (tag >> 2))
            continue
        else:
            kind = (tag >> 3) & 15
        if version >= 4 and tag | 2 == 0x82:
            out.append((OP_ACQUIRED, AGAIN, 0, 0))
            last.pop(level, None)
            level += 1
            continue
        if version >= 3 and tag & 0x80:
            if not acquired or level not in last:
                raise Bad("%s: a short form without a previous "
                          "acquisition at level %d" % (where, level))
            # the full form's previous values stay as they are
            v = varint()
            z = v >> 1
            d = (z >> 1) ^ -(z & 1)
            last[level][0] = (last[level][0] + (d * 8 if v & 1 else d)) \
                % (1 << 64)
            out.append((OP_ACQUIRED, kind, last[level][0], last[level][2]))
            level += 1
            continue
        for i in range(3 if acquired else 2):
            z = varint()
            vals[i] = (vals[i] + ((z >> 1) ^ -(z & 1))) % (1 << 64)
        if acquired and version >= 3:
            if level < 8:
                last[level] = list(vals)
            level += 1
        out.append((OP_ACQUIRED if acquired else
                    OP_RELEASE if op == 1 else OP_TRY_FAILED, kind,
                    vals[0], vals[2] if acquired else 0))
    return out


class Trace:
    """Everything one file holds, and what went wrong reading it."""

    def __init__(self, path):
        self.path = path
        self.events = []      # (seq, thread, op, kind, addr, stack, str)
        self.fast = []        # compact: (after_seq, thread, op, kind, addr,
        #                       stack, 0)
        self.stacks = {}      # id -> frames
        self.threads = {}     # num -> last (tid, parent, create_stack, name)
        self.strings = {}     # id -> bytes
        self.modules = []     # (path, base, start, end, build_id)
        self.blocks = 0
        self.tail = 0         # bytes after the last whole block
        self.damage = None    # why reading stopped early, None if it did not
        self.seq_order_errors = 0
        self.parse()

    def parse(self):
        with open(self.path, "rb") as f:
            data = f.read()
        if len(data) < HDR.size:
            raise Bad("%s: %d bytes, shorter than the header" %
                      (self.path, len(data)))
        (magic, self.version, hsize, self.pid, self.ppid, self.start_ns,
         self.start_rt, exe) = HDR.unpack_from(data, 0)
        if magic != MAGIC:
            raise Bad("%s: offset 0: bad magic %r" % (self.path, magic))
        if self.version not in VERSIONS or hsize != HDR.size:
            raise Bad("%s: version %d, header size %d" %
                      (self.path, self.version, hsize))
        if b"\0" not in exe:
            raise Bad("%s: exe not NUL-terminated" % self.path)
        self.exe = exe.split(b"\0", 1)[0].decode(errors="replace")
        off = hsize
        while off < len(data):
            if len(data) - off < BLK.size:
                self.tail = len(data) - off
                self.damage = "offset %d: partial block header" % off
                return
            magic, length, crc, count = BLK.unpack_from(data, off)
            if magic != BLOCK_MAGIC or length > BLOCK_MAX:
                self.tail = len(data) - off
                self.damage = "offset %d: bad block magic/length" % off
                return
            if off + BLK.size + length > len(data):
                self.tail = len(data) - off
                self.damage = "offset %d: block cut short" % off
                return
            payload = data[off + BLK.size:off + BLK.size + length]
            if zlib.crc32(payload) != crc:
                self.tail = len(data) - off
                self.damage = "offset %d: CRC mismatch" % off
                return
            n = self.records(payload, off + BLK.size)
            if n != count:
                raise Bad("%s: offset %d: block says %d records, holds %d" %
                          (self.path, off, count, n))
            self.blocks += 1
            off += BLK.size + length

    def records(self, p, base):
        off, n, last_seq = 0, 0, {}
        while off < len(p):
            if len(p) - off < REC.size:
                raise Bad("%s: offset %d: partial record" %
                          (self.path, base + off))
            rtype, zero, length = REC.unpack_from(p, off)
            if zero != 0 or length < REC.size or off + length > len(p):
                raise Bad("%s: offset %d: bad record (type %d, length %d)"
                          % (self.path, base + off, rtype, length))
            rec = p[off:off + length]
            where = "%s: offset %d" % (self.path, base + off)
            if rtype == T_EVENT:
                if length != EVENT.size:
                    raise Bad("%s: event length %d" % (where, length))
                (_, _, _, op, kind, mode, flags, thread, seq, ts, addr, arg,
                 pc, stack, owner, sid, reserved) = EVENT.unpack(rec)
                if seq == 0 or reserved != 0:
                    raise Bad("%s: event seq %d reserved %d" %
                              (where, seq, reserved))
                # A thread's events are appended in order under its lock.
                if seq <= last_seq.get(thread, 0):
                    self.seq_order_errors += 1
                last_seq[thread] = seq
                self.events.append((seq, thread, op, kind, addr, stack, sid))
            elif rtype == T_STACK:
                _, _, _, sid, nframes = STACK.unpack_from(rec)
                if length != STACK.size + 8 * nframes or sid == 0:
                    raise Bad("%s: stack %d, %d frames, length %d" %
                              (where, sid, nframes, length))
                self.stacks[sid] = struct.unpack_from("<%dQ" % nframes, rec,
                                                      STACK.size)
            elif rtype == T_THREAD:
                if length != THREAD.size:
                    raise Bad("%s: thread length %d" % (where, length))
                _, _, _, num, tid, parent, cstack, name = THREAD.unpack(rec)
                if num == 0:
                    raise Bad("%s: thread number 0" % where)
                self.threads[num] = (tid, parent, cstack,
                                     name.split(b"\0", 1)[0].decode(
                                         errors="replace"))
            elif rtype == T_STRING:
                _, _, _, sid = STRING.unpack_from(rec)
                if sid == 0 or sid in self.strings:
                    raise Bad("%s: string id %d" % (where, sid))
                self.strings[sid] = rec[STRING.size:]
            elif rtype == T_MODULE:
                if length < MODULE.size:
                    raise Bad("%s: module length %d" % (where, length))
                _, _, _, mbase, start, end, idlen, _ = MODULE.unpack_from(rec)
                if MODULE.size + idlen > length or start > end:
                    raise Bad("%s: module build id %d, range %x-%x" %
                              (where, idlen, start, end))
                bid = rec[MODULE.size:MODULE.size + idlen]
                mpath = rec[MODULE.size + idlen:].decode(errors="replace")
                self.modules.append((mpath, mbase, start, end, bid))
            elif rtype == T_FAST:
                if length < FAST.size:
                    raise Bad("%s: compact record length %d" % (where,
                                                               length))
                _, _, _, thread, after = FAST.unpack_from(rec)
                self.fast.extend((after, thread, op, kind, addr, stack, 0)
                                 for op, kind, addr, stack in
                                 decode_fast(rec[FAST.size:], where,
                                             self.version))
            # unknown types are skipped, as the format allows
            off += length
            n += 1
        return n

    def problems(self, complete):
        """What is wrong with the parsed content (a list of strings)."""
        out = []
        seqs = [e[0] for e in self.events]
        if len(set(seqs)) != len(seqs):
            out.append("duplicate sequence numbers")
        if self.seq_order_errors:
            out.append("%d events out of order within a thread's block"
                       % self.seq_order_errors)
        if not complete:
            return out
        if self.damage:
            out.append("damaged: " + self.damage)
        if seqs and sorted(seqs) != list(range(1, len(seqs) + 1)):
            out.append("sequence numbers not 1..%d" % len(seqs))
        missing_t, missing_s, missing_str = set(), set(), set()
        # Compact events follow an event of their own thread, or none.
        own = {(e[1], e[0]) for e in self.events}
        stray = {(f[1], f[0]) for f in self.fast
                 if f[0] and (f[1], f[0]) not in own}
        if stray:
            out.append("compact events after no event of their thread: %s"
                       % sorted(stray)[:10])
        for seq, thread, op, kind, addr, stack, sid in self.events + \
                self.fast:
            if thread not in self.threads:
                missing_t.add(thread)
            if kind == KIND_THREAD and op in THREAD_REF_OPS and addr and \
                    addr not in self.threads:
                missing_t.add(addr)
            if stack and stack not in self.stacks:
                missing_s.add(stack)
            if sid and sid not in self.strings:
                missing_str.add(sid)
        for num, (tid, parent, cstack, name) in self.threads.items():
            if parent and parent not in self.threads:
                missing_t.add(parent)
            if cstack and cstack not in self.stacks:
                missing_s.add(cstack)
        active = {e[1] for e in self.events + self.fast}
        no_tid = sorted(n for n in active
                        if n in self.threads and self.threads[n][0] <= 0)
        if missing_t:
            out.append("threads referred to but absent: %s" %
                       sorted(missing_t))
        if missing_s:
            out.append("stacks referred to but absent: %s" %
                       sorted(missing_s)[:20])
        if missing_str:
            out.append("strings referred to but absent: %s" %
                       sorted(missing_str))
        if no_tid:
            out.append("threads with events but no tid: %s" % no_tid)
        if not any(m[0] == self.exe for m in self.modules):
            out.append("no module for the program %s" % self.exe)
        return out

    def summary(self):
        names = sorted({t[3] for t in self.threads.values() if t[3]})
        return ("%s: pid %d exe %s: %d blocks, %d events, %d threads %s, "
                "%d stacks, %d strings, %d modules%s" %
                (self.path, self.pid, self.exe, self.blocks,
                 len(self.events) + len(self.fast),
                 len(self.threads), names, len(self.stacks),
                 len(self.strings), len(self.modules),
                 ", stopped at " + self.damage if self.damage else ""))


def check_files(paths, args):
    ok = True
    traces = []
    for path in paths:
        try:
            t = Trace(path)
        except Bad as e:
            print("FAIL %s" % e)
            ok = False
            continue
        traces.append(t)
        print(t.summary())
        for p in t.problems(complete=not args.truncated_ok):
            print("FAIL %s: %s" % (path, p))
            ok = False
    return ok, traces


def expect(cond, msg):
    if not cond:
        print("FAIL " + msg)
    return cond


def name_ok(path, pattern, t, main_pid):
    """A file's name carries its writer's pid, except the first process's
    when the pattern has no %p."""
    name = os.path.basename(path)
    base = os.path.basename(pattern)
    if "%p" in base:
        want = re.escape(base).replace("%p", str(t.pid))
        return re.fullmatch(want + r"(\.\d+)?", name) is not None
    if t.pid == main_pid and name == base:
        return True
    return re.fullmatch(re.escape(base) + r"(\.%d)(\.\d+)?" % t.pid,
                        name) is not None


def run(args):
    tmp = tempfile.mkdtemp(prefix="coffman-trace-")
    try:
        pattern = os.path.join(tmp, args.pattern)
        env = dict(os.environ)
        env["LD_PRELOAD"] = args.preload
        opts = "trace=" + pattern
        if args.options:
            opts += ":" + args.options
        env["COFFMAN_OPTIONS"] = opts
        proc = subprocess.Popen(args.program, env=env, cwd=tmp,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        if args.kill_after is not None:
            time.sleep(args.kill_after)
            proc.send_signal(signal.SIGKILL)
        try:
            out, err = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            print("FAIL timed out")
            return 1
        sys.stdout.write(out.decode(errors="replace"))
        sys.stdout.write(err.decode(errors="replace"))
        ok = True
        if args.kill_after is not None:
            ok &= expect(proc.returncode == -signal.SIGKILL,
                         "status %d, wanted SIGKILL" % proc.returncode)
        elif args.signal:
            want = -getattr(signal, args.signal)
            ok &= expect(proc.returncode == want,
                         "status %d, wanted %s" %
                         (proc.returncode, args.signal))
        else:
            ok &= expect(proc.returncode == args.status,
                         "status %d, wanted %d" %
                         (proc.returncode, args.status))
        for pat in args.stderr:
            ok &= expect(re.search(pat, err.decode(errors="replace"),
                                   re.M) is not None,
                         "stderr does not match %r" % pat)
        paths = sorted(p for p in glob.glob(os.path.join(tmp, "*"))
                       if os.path.isfile(p))
        if args.files is not None:
            ok &= expect(len(paths) == args.files,
                         "%d trace files, wanted %d: %s" %
                         (len(paths), args.files,
                          [os.path.basename(p) for p in paths]))
        good, traces = check_files(paths, args)
        ok &= good
        if not traces:
            return 0 if ok and args.files == 0 else 1
        main = [t for t in traces if t.pid == proc.pid]
        ok &= expect(len(main) >= 1,
                     "no trace written by pid %d" % proc.pid)
        for t in traces:
            ok &= expect(name_ok(t.path, pattern, t, proc.pid),
                         "%s: name does not carry pid %d" % (t.path, t.pid))
        for t in traces:
            ok &= expect(t.ppid == proc.pid or t.pid == proc.pid or
                         any(u.pid == t.ppid or u.pid == t.pid
                             for u in traces if u is not t),
                         "%s: pid %d ppid %d unrelated" %
                         (t.path, t.pid, t.ppid))
        ok &= apply_expectations(main[0] if main else traces[0], traces, args)
        if args.coffman:
            for t in traces:
                ok &= readers_agree(t, args.coffman)
        return 0 if ok else 1
    finally:
        if args.keep:
            print("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def readers_agree(t, coffman):
    """coffman's own reader (coffman dump) finds the acquisitions this
    one does: as many, of the same locks."""
    out = subprocess.run([coffman, "dump", t.path], capture_output=True,
                         check=False).stdout.decode(errors="replace")
    theirs = collections.Counter(
        int(m.group(1), 16)
        for m in re.finditer(r"^T\d+ acquired \S+ (0x[0-9a-f]+)", out, re.M))
    ours = collections.Counter(e[4] for e in t.events + t.fast
                               if e[2] == OP_ACQUIRED)
    return expect(theirs == ours and bool(ours),
                  "%s: coffman dump reads %d acquisitions of %d locks, "
                  "this reader %d of %d" %
                  (t.path, sum(theirs.values()), len(theirs),
                   sum(ours.values()), len(ours)))


def apply_expectations(t, traces, args):
    ok = True
    if args.min_events:
        n = len(t.events) + len(t.fast)
        ok &= expect(n >= args.min_events,
                     "%d events, wanted >= %d" % (n, args.min_events))
    if args.min_threads:
        active = {e[1] for e in t.events + t.fast}
        ok &= expect(len(active) >= args.min_threads,
                     "%d threads with events, wanted >= %d" %
                     (len(active), args.min_threads))
    names = {v[3] for v in t.threads.values()}
    for spec in args.thread_events:
        name, want = spec.rsplit("=", 1)
        nums = {n for n, v in t.threads.items() if v[3] == name}
        got = sum(1 for e in t.events + t.fast
                  if e[1] in nums and e[2] in (OP_ACQUIRED, OP_RELEASE))
        ok &= expect(got == int(want),
                     "thread %r: %d lock events, wanted %s" %
                     (name, got, want))
    for n in args.thread_name:
        ok &= expect(n in names, "no thread named %r in %s" % (n, names))
    for m in args.module:
        ok &= expect(any(m in mod[0] for mod in t.modules),
                     "no module matching %r" % m)
    for e in args.exe:
        ok &= expect(any(e in u.exe for u in traces),
                     "no trace written by a program matching %r" % e)
    if args.compact_sem_tries:
        # op, kind: failed tries of a semaphore (kind 4), compact or not
        fast = sum(1 for e in t.fast if e[2] == OP_TRY_FAILED and e[3] == 4)
        full = sum(1 for e in t.events
                   if e[2] == OP_TRY_FAILED and e[3] == 4)
        ok &= expect(fast >= args.compact_sem_tries and full == 0,
                     "%d compact and %d full failed semaphore tries, "
                     "wanted >= %d compact and no full one" %
                     (fast, full, args.compact_sem_tries))
    if args.acquisitions_per_lock:
        per_addr = collections.Counter(
            e[4] for e in t.events + resolve_again(t.events, t.fast)
            if e[2] == OP_ACQUIRED)
        got = collections.Counter(per_addr.values())
        want = collections.Counter()
        for spec in args.acquisitions_per_lock.split(","):
            count, locks = spec.split(":")
            want[int(count)] += int(locks)
        ok &= expect(got == want,
                     "locks by acquisitions (count: locks) %s, wanted %s" %
                     (dict(sorted(got.items())), dict(sorted(want.items()))))
    if args.build_id:
        ok &= expect(any(mod[0] == t.exe and mod[4] for mod in t.modules),
                     "no build id for %s" % t.exe)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("check", "run"):
        p = sub.add_parser(name)
        p.add_argument("--truncated-ok", action="store_true",
                       help="a cut or damaged tail and unresolved "
                       "references are fine (process killed)")
        p.add_argument("--min-events", type=int, default=0)
        p.add_argument("--min-threads", type=int, default=0)
        p.add_argument("--thread-events", action="append", default=[],
                       metavar="NAME=N",
                       help="the thread named NAME has N lock events "
                       "(acquired and released, full or compact)")
        p.add_argument("--thread-name", action="append", default=[])
        p.add_argument("--module", action="append", default=[])
        p.add_argument("--exe", action="append", default=[])
        p.add_argument("--acquisitions-per-lock", default="",
                       help="COUNT:LOCKS,...: LOCKS addresses acquired "
                       "COUNT times each, and no other")
        p.add_argument("--compact-sem-tries", type=int, default=0,
                       help="at least this many failed semaphore tries, "
                       "all as compact events")
        p.add_argument("--build-id", action="store_true",
                       help="the program's module has a build id")
    chk = sub.choices["check"]
    chk.add_argument("traces", nargs="+")
    r = sub.choices["run"]
    r.add_argument("--preload", required=True)
    r.add_argument("--pattern", default="t.trace",
                   help="trace file name in the run's directory (%%p ok)")
    r.add_argument("--options", default="", help="more COFFMAN_OPTIONS")
    r.add_argument("--files", type=int, help="trace files expected")
    r.add_argument("--status", type=int, default=0)
    r.add_argument("--coffman", help="the coffman command: its dump of "
                   "each trace must hold the same acquisitions")
    r.add_argument("--signal", help="expected fatal signal, e.g. SIGSEGV")
    r.add_argument("--kill-after", type=float,
                   help="SIGKILL the program after this many seconds")
    r.add_argument("--stderr", action="append", default=[],
                   help="regex stderr must match")
    r.add_argument("--timeout", type=float, default=20)
    r.add_argument("--keep", action="store_true")
    r.add_argument("program", nargs="+")
    args = ap.parse_args()
    if args.cmd == "check":
        ok, traces = check_files(args.traces, args)
        for t in traces:
            ok &= apply_expectations(t, traces, args)
        return 0 if ok else 1
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
