#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Damaged and foreign input for `coffman analyze`: one clear line with
the byte offset and exit status 2, never a crash; a trace cut inside its
last block is analyzed up to the last whole block, with a warning.

usage: bad_input.py MODE COFFMAN

The good trace is made here: a text trace (an inversion, then enough
lock traffic to fill a second block) turned binary by `coffman dump
--binary`, so the test needs no trace writer.
"""
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import zlib

HEADER = 296
BLOCK_HDR = 16


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(coffman, path, *extra):
    p = subprocess.run([coffman, "analyze", *extra, path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def good_trace(coffman, tmp):
    lines = ["T1 create T2", "T2 lock A @inv.c:1", "T2 lock B @inv.c:2",
             "T2 unlock B", "T2 unlock A", "T1 lock B @inv.c:3",
             "T1 lock A @inv.c:4", "T1 unlock A", "T1 unlock B"]
    # about 24000 events of 68 bytes: more than one 1 MiB block
    for i in range(12000):
        lines.append("T2 lock C%d @busy.c:%d" % (i % 50, 10 + i % 50))
        lines.append("T2 unlock C%d" % (i % 50))
    text = os.path.join(tmp, "good.trace")
    with open(text, "w") as f:
        f.write("\n".join(lines) + "\n")
    binary = os.path.join(tmp, "good.bin")
    p = subprocess.run([coffman, "dump", "--binary=" + binary, text],
                       stderr=subprocess.PIPE, timeout=60)
    if p.returncode != 0:
        fail("dump --binary: " + p.stderr.decode(errors="replace"))
    with open(binary, "rb") as f:
        return f.read()


def blocks(data):
    """(offset, length) of each block."""
    out, off = [], HEADER
    while off + BLOCK_HDR <= len(data):
        length = struct.unpack_from("<I", data, off + 4)[0]
        out.append((off, length))
        off += BLOCK_HDR + length
    return out


def fix_crc(data, off):
    length = struct.unpack_from("<I", data, off + 4)[0]
    crc = zlib.crc32(bytes(data[off + BLOCK_HDR:off + BLOCK_HDR + length]))
    struct.pack_into("<I", data, off + 8, crc & 0xffffffff)


def expect_error(coffman, path, pattern):
    status, out, err = run(coffman, path)
    lines = err.splitlines()
    if status != 2:
        fail("exit status %d, want 2 (stderr: %r)" % (status, err))
    if len(lines) != 1:
        fail("want one line on stderr, got %d: %r" % (len(lines), err))
    want = r"^coffman analyze: %s: %s" % (re.escape(path), pattern)
    if not re.search(want, lines[0]):
        fail("stderr %r does not match %r" % (lines[0], want))
    if out:
        fail("nothing may be printed on stdout, got %r" % out[:200])
    print("ok: " + lines[0])


def main():
    mode, coffman = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "t.trace")

        def write(b):
            with open(path, "wb") as f:
                f.write(b)

        if mode == "empty":
            write(b"")
            return expect_error(coffman, path,
                                r"offset 0: empty file, not a coffman "
                                r"trace$")
        if mode == "garbage":
            rng = random.Random(1)
            write(bytes(rng.randrange(256) for _ in range(4096)))
            return expect_error(coffman, path,
                                r"offset 0: not a coffman trace")
        if mode == "text_garbage":
            write(b"hello, world\n")
            return expect_error(coffman, path,
                                r"line 1: expected a thread \(T1, T2, "
                                r"\.\.\.\) or a directive, got 'hello,'$")

        data = bytearray(good_trace(coffman, tmp))
        blk = blocks(data)
        if len(blk) < 2:
            fail("the good trace should have two blocks, has %d" % len(blk))

        if mode == "good":
            write(data)
            status, out, err = run(coffman, path)
            if status != 1 or "lock-order-inversion" not in out or err:
                fail("good trace: status %d, stderr %r" % (status, err))
            print("ok: %d blocks, inversion found" % len(blk))
        elif mode == "wrong_version":
            struct.pack_into("<I", data, 8, 7)
            write(data)
            expect_error(coffman, path,
                         r"offset 8: unsupported version 7 \(this coffman "
                         r"reads versions 1 to 4\)$")
        elif mode == "truncated_header":
            write(data[:100])
            expect_error(coffman, path,
                         r"offset 0: truncated header \(100 of 296 "
                         r"bytes\)$")
        elif mode == "truncated_block":
            off, length = blk[-1]
            write(data[:off + BLOCK_HDR + length // 2])
            status, out, err = run(coffman, path)
            lines = err.splitlines()
            if status != 1 or "lock-order-inversion" not in out:
                fail("a cut trace must still be analyzed: status %d, %r"
                     % (status, err))
            want = (r"^coffman analyze: %s: warning: offset %d: truncated "
                    r"block \(\d+ of %d payload bytes\): the trace was cut "
                    r"short; analyzing the \d+ events before it$"
                    % (re.escape(path), off, length))
            if len(lines) != 1 or not re.search(want, lines[0]):
                fail("stderr %r does not match %r" % (err, want))
            print("ok: " + lines[0])
        elif mode == "bad_checksum":
            off, length = blk[0]
            data[off + BLOCK_HDR + length // 3] ^= 0x40
            write(data)
            expect_error(coffman, path,
                         r"offset %d: bad checksum in block \(stored "
                         r"0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$" % off)
        elif mode == "bad_block_magic":
            off, _ = blk[1]
            data[off] ^= 0xff
            write(data)
            expect_error(coffman, path,
                         r"offset %d: bad block magic 0x[0-9a-f]{8} "
                         r"\(want 0x4b4c4243\)$" % off)
        elif mode == "bad_record_length":
            # the first record of the first block claims 2 bytes, and the
            # checksum is made to agree: the record walk must catch it
            off, _ = blk[0]
            struct.pack_into("<H", data, off + BLOCK_HDR + 2, 2)
            fix_crc(data, off)
            write(data)
            expect_error(coffman, path,
                         r"offset %d: bad record length 2 " %
                         (off + BLOCK_HDR))
        elif mode == "count_mismatch":
            off, _ = blk[0]
            count = struct.unpack_from("<I", data, off + 12)[0]
            struct.pack_into("<I", data, off + 12, count + 1)
            write(data)
            expect_error(coffman, path,
                         r"offset %d: block header says %d records, its "
                         r"payload holds %d$" % (off, count + 1, count))
        elif mode == "block_too_long":
            off, _ = blk[0]
            struct.pack_into("<I", data, off + 4, (1 << 20) + 1)
            write(data)
            expect_error(coffman, path,
                         r"offset %d: block length 1048577 exceeds the "
                         r"maximum 1048576$" % off)
        elif mode == "random_damage":
            # Cut at random bytes and flip random bytes: whatever comes
            # out, no crash, and an error is one line with an offset.
            rng = random.Random(20240611)
            small = bytearray(data[:blk[0][0]])  # header only, then ...
            small += data[blk[0][0]:blk[0][0] + BLOCK_HDR + blk[0][1]]
            for i in range(120):
                d = bytearray(small)
                if i % 3 == 0:
                    d = d[:rng.randrange(len(d))]
                else:
                    for _ in range(rng.randrange(1, 8)):
                        d[rng.randrange(len(d))] = rng.randrange(256)
                    if i % 3 == 2:
                        fix_crc(d, HEADER)  # get past the checksum
                write(d)
                status, out, err = run(coffman, path)
                if status not in (0, 1, 2):
                    fail("case %d: exit status %d (a crash?): %r" %
                         (i, status, err[-300:]))
                if status == 2:
                    lines = err.splitlines()
                    if len(lines) != 1 or not re.search(
                            r": (offset|line) \d+: ", lines[0]):
                        fail("case %d: error is not one line with an "
                             "offset: %r" % (i, err))
            print("ok: 120 damaged traces, no crash")
        else:
            fail("unknown mode " + mode)


if __name__ == "__main__":
    main()
