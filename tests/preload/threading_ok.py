# SPDX-License-Identifier: MIT
# threading_ok.py - CPython's own locking (the GIL, threading.Lock, RLock,
# Condition, Event, queue.Queue), used correctly by a few threads, run
# under libcoffman.so: the interpreter's internal mutexes and condition
# variables must not produce a report.
#
# EXPECT exit=0
# EXPECT reports=0
# EXPECT stderr!~=coffman:
import ctypes
import queue
import sys
import threading

ITEMS = 2000


def report_count():
    # The runtime's exported function, found in the global scope.
    return ctypes.CDLL(None).coffman_report_count()


def main():
    if report_count() < 0:
        print("libcoffman.so is not loaded")
        return 1

    outer, inner = threading.Lock(), threading.Lock()
    rlock = threading.RLock()
    cond = threading.Condition(threading.Lock())
    ready = threading.Event()
    work = queue.Queue(maxsize=8)
    results = queue.Queue()
    state = {"count": 0, "items": []}

    def nested(n):
        for _ in range(n):
            with outer:
                with inner:
                    with rlock:
                        with rlock:
                            state["count"] += 1

    def producer():
        ready.wait()
        for i in range(ITEMS):
            work.put(i)
            with cond:
                state["items"].append(i)
                cond.notify()
        work.put(None)
        work.put(None)

    def consumer():
        total = 0
        while True:
            item = work.get()
            if item is None:
                break
            total += item
            with outer:
                with inner:
                    state["count"] += 1
        results.put(total)

    def watcher():
        seen = 0
        with cond:
            while seen < ITEMS:
                cond.wait_for(lambda: len(state["items"]) > seen, timeout=5)
                seen = len(state["items"])

    threads = [threading.Thread(target=nested, args=(500,)) for _ in range(3)]
    threads += [threading.Thread(target=producer),
                threading.Thread(target=consumer),
                threading.Thread(target=consumer),
                threading.Thread(target=watcher)]
    for t in threads:
        t.start()
    ready.set()
    for t in threads:
        t.join(timeout=20)
        if t.is_alive():
            print("thread %s did not finish" % t.name)
            return 1

    total = results.get() + results.get()
    if total != ITEMS * (ITEMS - 1) // 2:
        print("lost items: %d" % total)
        return 1
    if state["count"] != 3 * 500 + ITEMS:
        print("bad count %d" % state["count"])
        return 1
    n = report_count()
    if n != 0:
        print("%d report(s) during the run" % n)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
