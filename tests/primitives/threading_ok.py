# SPDX-License-Identifier: MIT
# threading_ok.py - every threading primitive of CPython used correctly by
# several threads under libcoffman.so: Lock (nested in one order, with
# timeouts, and released by another thread as a signal), RLock,
# Condition (wait, wait_for, notify, notify_all), Semaphore,
# BoundedSemaphore, Event, Barrier, queue.Queue / LifoQueue /
# PriorityQueue / SimpleQueue. CPython builds them on sem_t locks
# (acquired trywait-first) and on its own mutexes and condition
# variables: nothing may be reported.
#
# EXPECT exit=0
# EXPECT reports=0
# EXPECT stderr!~=coffman:
import ctypes
import queue
import sys
import threading

THREADS = 4
ROUNDS = 300


def report_count():
    return ctypes.CDLL(None).coffman_report_count()


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)


def run_all(threads, timeout=30):
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        check(not t.is_alive(), "thread %s did not finish" % t.name)


def locks():
    outer, inner = threading.Lock(), threading.Lock()
    rlock = threading.RLock()
    state = {"n": 0}

    def work():
        for _ in range(ROUNDS):
            with outer:
                with rlock:
                    with rlock:
                        with inner:
                            state["n"] += 1
            # (A non-blocking outer.acquire(False) under inner would be
            # reported: CPython's blocking acquire also starts with the
            # same sem_trywait, so the runtime counts every successful
            # try of a semaphore as a blocking acquisition.)
            if outer.acquire(timeout=0.001):
                with inner:
                    state["n"] += 1
                outer.release()
            else:
                with outer:
                    state["n"] += 1

    run_all([threading.Thread(target=work) for _ in range(THREADS)])
    check(state["n"] == 2 * THREADS * ROUNDS, "lost updates")


def lock_as_signal():
    # A Lock taken by one thread and released by another: a signal.
    done = threading.Lock()
    guard = threading.Lock()
    done.acquire()
    result = []

    def worker():
        with guard:
            result.append(1)
        done.release()

    t = threading.Thread(target=worker)
    t.start()
    with guard:
        pass
    check(done.acquire(timeout=10), "never signalled")
    with guard:
        check(result == [1], "no result")
    t.join()


def conditions():
    cond = threading.Condition()
    items = []
    produced = ROUNDS * 2

    def producer():
        for i in range(produced):
            with cond:
                items.append(i)
                if i % 2:
                    cond.notify()
                else:
                    cond.notify_all()

    def consumer(out):
        got = 0
        while got < ROUNDS:
            with cond:
                cond.wait_for(lambda: items, timeout=1)
                if items:
                    items.pop()
                    got += 1
        out.append(got)

    out = []
    run_all([threading.Thread(target=producer)] +
            [threading.Thread(target=consumer, args=(out,))
             for _ in range(2)])
    check(sum(out) == produced, "consumed %d" % sum(out))


def semaphores():
    pool = threading.Semaphore(3)
    bounded = threading.BoundedSemaphore(2)
    mutex = threading.Lock()
    state = {"in": 0, "max": 0}

    def work(i):
        for _ in range(ROUNDS // 3):
            if i % 2:
                with mutex:
                    pass
                with pool:
                    with mutex:
                        state["in"] += 1
                        state["max"] = max(state["max"], state["in"])
                    with mutex:
                        state["in"] -= 1
            else:
                with bounded:
                    with pool:
                        with mutex:
                            state["in"] += 1
                            state["max"] = max(state["max"], state["in"])
                        with mutex:
                            state["in"] -= 1
    run_all([threading.Thread(target=work, args=(i,))
             for i in range(THREADS + 2)])
    check(state["max"] <= 3, "pool overrun")
    try:
        bounded.release()
    except ValueError:
        pass
    else:
        raise Failed("BoundedSemaphore released too often")


def events_and_barriers():
    start = threading.Event()
    barrier = threading.Barrier(THREADS)
    lock = threading.Lock()
    passed = []

    def work():
        check(start.wait(10), "start never set")
        for r in range(20):
            with lock:
                passed.append(r)
            barrier.wait(10)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    check(not start.wait(0.01), "event set too early")
    start.set()
    for t in threads:
        t.join(30)
        check(not t.is_alive(), "barrier thread stuck")
    check(len(passed) == 20 * THREADS, "barrier rounds")


def queues():
    kinds = [queue.Queue(maxsize=4), queue.LifoQueue(maxsize=4),
             queue.PriorityQueue(maxsize=4), queue.SimpleQueue()]
    total = {}

    def producer(q):
        for i in range(ROUNDS):
            q.put(i)
        q.put(-1)

    def consumer(q, key):
        s = 0
        while True:
            item = q.get(timeout=10)
            if item == -1:
                break
            s += item
            if hasattr(q, "task_done"):
                q.task_done()
        total[key] = s

    threads = []
    for n, q in enumerate(kinds):
        threads.append(threading.Thread(target=producer, args=(q,)))
        threads.append(threading.Thread(target=consumer, args=(q, n)))
    run_all(threads)
    want = ROUNDS * (ROUNDS - 1) // 2
    check(all(total[n] == want for n in range(len(kinds))), "lost items")


def main():
    if report_count() < 0:
        print("libcoffman.so is not loaded")
        return 1
    try:
        for step in (locks, lock_as_signal, conditions, semaphores,
                     events_and_barriers, queues):
            step()
            n = report_count()
            if n:
                print("%d report(s) after %s" % (n, step.__name__))
                return 1
    except Failed as e:
        print("FAILED: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
