# SPDX-License-Identifier: MIT
# python_abba_deadlock.py - two threading.Lock()s taken in opposite orders
# by two Python threads that meet at a threading.Barrier once each holds
# its first lock: a real deadlock inside CPython (its locks are POSIX
# semaphores used as locks). Reported as it forms; on_deadlock=exit ends
# the hung interpreter with 66.
#
# EXPECT options=on_deadlock=exit
# EXPECT exit=66
# EXPECT reports=1
# EXPECT report kind=deadlock severity=error
# EXPECT stderr!~=NOT REACHED
import ctypes
import sys
import threading


def main():
    if ctypes.CDLL(None).coffman_report_count() < 0:
        print("libcoffman.so is not loaded")
        return 1
    lock_a, lock_b = threading.Lock(), threading.Lock()
    both_hold_one = threading.Barrier(2)

    def take(first, second):
        with first:
            both_hold_one.wait()
            with second:
                sys.stderr.write("NOT REACHED: got both locks\n")

    left = threading.Thread(target=take, args=(lock_a, lock_b))
    right = threading.Thread(target=take, args=(lock_b, lock_a))
    left.start()
    right.start()
    left.join()
    right.join()
    return 1


if __name__ == "__main__":
    sys.exit(main())
