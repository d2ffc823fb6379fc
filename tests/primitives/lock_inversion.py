# SPDX-License-Identifier: MIT
# lock_inversion.py - two threading.Lock taken in opposite orders by two
# threads that run one after the other (so it cannot hang): CPython's
# Lock is a sem_t used as a lock, and the inversion is reported once.
# The threads name themselves through pthread_setname_np.
#
# EXPECT exit=66
# EXPECT reports=1
# EXPECT report kind=lock-order-inversion severity=error threads=first,second
# EXPECT stderr~=lock-order-inversion
import ctypes
import sys
import threading

libc = ctypes.CDLL(None)
libc.pthread_self.restype = ctypes.c_ulong
libc.pthread_setname_np.argtypes = [ctypes.c_ulong, ctypes.c_char_p]


def named(name, fn):
    def body():
        libc.pthread_setname_np(libc.pthread_self(), name.encode())
        fn()
    t = threading.Thread(target=body)
    t.start()
    t.join()


def main():
    if libc.coffman_report_count() < 0:
        print("libcoffman.so is not loaded")
        return 1
    a, b = threading.Lock(), threading.Lock()

    def a_then_b():
        with a:
            with b:
                pass

    def b_then_a():
        with b:
            with a:
                pass

    named("first", a_then_b)
    if libc.coffman_report_count() != 0:
        print("reported too early")
        return 1
    named("second", b_then_a)
    named("second", b_then_a)
    n = libc.coffman_report_count()
    if n != 1:
        print("%d report(s), expected 1" % n)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
