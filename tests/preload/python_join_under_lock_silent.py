# SPDX-License-Identifier: MIT
# python_join_under_lock_silent.py - the worker takes a Condition's lock
# and notifies; the main thread, woken and still inside `with cond`,
# joins it (CPython's multiprocessing tests do this). A join waits for
# the worker's "tstate" lock, which the worker holds all its life, so
# lock-order edges from that lock would close a cycle with every lock
# the worker took. The worker is done with the Condition before the
# join: no report. (A join is no lock-order edge, as pthread_join is
# not; a join that really hangs is a deadlock, found as it forms.)
#
# EXPECT exit=0
# EXPECT reports=0
# EXPECT stderr!~=coffman:
import threading
import time

cond = threading.Condition()
lock = threading.Lock()


def worker():
    with lock:
        with cond:
            cond.notify()
    time.sleep(0.05)


for _ in range(3):
    with cond:
        t = threading.Thread(target=worker)
        t.start()
        assert cond.wait(60)
        t.join()
    with lock:
        pass
print("ok")
