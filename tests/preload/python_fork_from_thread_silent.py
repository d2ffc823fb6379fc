# SPDX-License-Identifier: MIT
# python_fork_from_thread_silent.py - a thread forks; in the child, a new
# thread joins the (stopped) main thread and is joined in turn (CPython's
# test_threading does this). Every thread holds its own "tstate" lock,
# which it creates and takes at once: no lock-order report may come of it,
# in the parent or in the child, and the child exits 0.
#
# EXPECT exit=0
# EXPECT reports=0
# EXPECT stderr!~=coffman:
import os
import sys
import threading

main_thread = threading.current_thread()


def joiningfunc(mainthread):
    mainthread.join()


def worker():
    pid = os.fork()
    if pid != 0:
        _, status = os.waitpid(pid, 0)
        if status != 0:
            print("child exited with status %d" % status, file=sys.stderr)
            os._exit(1)
        return
    t = threading.Thread(target=joiningfunc, args=(main_thread,))
    t.start()
    t.join()
    os._exit(0)


w = threading.Thread(target=worker)
w.start()
w.join()
