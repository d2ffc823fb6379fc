# SPDX-License-Identifier: MIT
# pyqueue.py - a CPython producer/consumer benchmark: 2 producer and 2
# consumer threads move ITEMS integers through one bounded queue.Queue
# (its mutex and condition variables, and the GIL, are pthread locks).
# usage: pyqueue.py [ITEMS]
import queue
import sys
import threading
import time

PRODUCERS = 2
CONSUMERS = 2


def main():
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    q = queue.Queue(maxsize=1000)
    sums = []

    def produce(first):
        for i in range(first, items, PRODUCERS):
            q.put(i)

    def consume():
        total = 0
        while True:
            v = q.get()
            if v is None:
                break
            total += v
        sums.append(total)

    t0 = time.perf_counter()
    consumers = [threading.Thread(target=consume) for _ in range(CONSUMERS)]
    producers = [threading.Thread(target=produce, args=(k,))
                 for k in range(PRODUCERS)]
    for t in consumers + producers:
        t.start()
    for t in producers:
        t.join()
    for _ in consumers:
        q.put(None)
    for t in consumers:
        t.join()
    elapsed = time.perf_counter() - t0
    if sum(sums) != items * (items - 1) // 2:
        sys.exit("pyqueue: items lost")
    print("pyqueue ops=%d ns/op=%.2f" % (items, elapsed * 1e9 / items))


if __name__ == "__main__":
    main()
