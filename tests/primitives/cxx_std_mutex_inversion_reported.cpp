// SPDX-License-Identifier: MIT
/*
 * cxx_std_mutex_inversion_reported.cpp - two std::mutex taken through
 * std::lock_guard in opposite orders by two std::thread run one after the
 * other: libstdc++ calls pthread_mutex_lock, and the report points at the
 * C++ source lines of the lock_guards.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=mu_a,mu_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <pthread.h>

#include <mutex>
#include <thread>

#include "check.h"

// Global (external linkage), so the symbol table names them plainly.
std::mutex mu_a;
std::mutex mu_b;
int shared_value;

static void a_then_b()
{
	std::lock_guard<std::mutex> ga(mu_a); // @a1
	std::lock_guard<std::mutex> gb(mu_b); // @b1
	shared_value++;
}

static void b_then_a()
{
	std::lock_guard<std::mutex> gb(mu_b); // @b2
	std::lock_guard<std::mutex> ga(mu_a); // @a2
	shared_value++;
}

static void run(const char *name, void (*fn)())
{
	std::thread t([name, fn] {
		pthread_setname_np(pthread_self(), name);
		fn();
	});
	t.join();
}

int main()
{
	run("first", a_then_b);
	CHECK_EQ(preload_reports(), 0);
	run("second", b_then_a);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(shared_value, 2);
	return 0;
}
