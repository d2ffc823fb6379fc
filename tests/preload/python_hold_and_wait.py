# SPDX-License-Identifier: MIT
# python_hold_and_wait.py - CPython threads that wait longer than
# hold_wait_ms: a consumer in queue.Queue.get() (a Condition: its waiter
# lock is taken, then waited for again until notify releases it), a
# joiner waiting for a worker that sleeps while holding nothing but its
# own "tstate" lock, and an Event. None of them holds a lock anyone needs
# while it waits: no hold-and-wait, no report. Then a Lock that another
# thread has used too is held across a long wait: a hold-and-wait.
#
# EXPECT options=hold_wait_ms=200
# EXPECT exit=0
# EXPECT reports=1
# EXPECT report kind=hold-and-wait severity=warning
import queue
import threading
import time

q = queue.Queue()
done = threading.Event()


def producer():
    time.sleep(0.5)
    q.put(1)


def sleeper():
    done.wait()


p = threading.Thread(target=producer)
s = threading.Thread(target=sleeper)
p.start()
s.start()
assert q.get() == 1   # waits 0.5 s in a Condition
p.join()
threading.Timer(0.5, done.set).start()
s.join()              # waits 0.5 s for a thread in Event.wait()

held = threading.Lock()
user = threading.Thread(target=lambda: held.acquire() and held.release())
user.start()
user.join()
late = queue.Queue()
threading.Timer(0.5, late.put, args=(2,)).start()
with held:
    assert late.get() == 2   # holds 'held' across a 0.5 s wait
