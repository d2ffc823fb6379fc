# SPDX-License-Identifier: MIT
# python_join_deadlock_reported.py - the main thread holds a Lock and
# joins a worker that needs that Lock: the worker waits for the Lock, the
# main thread for the worker's "tstate" lock. Holding a thread's alive
# lock orders nothing for lock-order purposes, but this join really
# hangs: a deadlock, reported as it forms, and on_deadlock=exit ends it.
#
# EXPECT options=on_deadlock=exit
# EXPECT exit=66
# EXPECT reports=1
# EXPECT report kind=deadlock severity=error
# EXPECT stderr!~=NOT REACHED
import threading
import time

lock = threading.Lock()


def worker():
    time.sleep(0.1)
    with lock:
        pass


lock.acquire()
t = threading.Thread(target=worker)
t.start()
t.join()
print("NOT REACHED")
