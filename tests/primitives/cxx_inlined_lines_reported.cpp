// SPDX-License-Identifier: MIT
/*
 * cxx_inlined_lines_reported.cpp - built with -O2 and inlining: each
 * std::lock_guard's lock is libstdc++'s std::mutex::lock and
 * __gthread_mutex_lock inlined into the program's function, so the
 * innermost line at the call is in a system header (gthr-default.h). The
 * report names the program's own lines, going out through the inlined
 * calls (and offline the same, through addr2line -i). (clang keeps
 * std::mutex::lock out of line: its frame stays, and the next one is
 * the program's line.) The one-line
 * places (where a thread was created: std::thread's constructor) name
 * the program's first line too.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 objects=mu_a,mu_b
 * EXPECT stderr~=first seen at cxx_inlined_lines_reported.cpp:
 * EXPECT stderr!~=gthr-default.h
 * EXPECT stderr!~=first seen at std_mutex.h
 * EXPECT stderr!~=created at std_thread.h
 */
#include <mutex>
#include <thread>

std::mutex mu_a;
std::mutex mu_b;
int shared_value;

__attribute__((noinline)) void a_then_b()
{
	std::lock_guard<std::mutex> ga(mu_a); // @a1
	std::lock_guard<std::mutex> gb(mu_b); // @b1
	shared_value++;
}

__attribute__((noinline)) void b_then_a()
{
	std::lock_guard<std::mutex> gb(mu_b); // @b2
	std::lock_guard<std::mutex> ga(mu_a); // @a2
	shared_value--;
}

int main()
{
	std::thread(a_then_b).join();
	std::thread(b_then_a).join();
	return 0;
}
