// SPDX-License-Identifier: MIT
/*
 * cxx_silent.cpp - the C++ standard library's locks used correctly by
 * several std::threads: std::mutex, std::recursive_mutex (re-locked),
 * std::shared_mutex (shared and unique), std::shared_timed_mutex,
 * std::timed_mutex with try_lock_for (some of which time out), a
 * std::condition_variable hand-off (wait and wait_for), and
 * std::scoped_lock of two mutexes named in opposite orders in two
 * threads: std::lock takes the first and only tries the rest, backing
 * off on failure, so it cannot deadlock and must not be reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "check.h"

using namespace std::chrono_literals;

std::mutex plain;
std::recursive_mutex rec;
std::shared_mutex rw;
std::shared_timed_mutex rw_timed;
std::timed_mutex timed;
std::mutex pair_a, pair_b;
long counter;
long rw_value;

static void recursive_depth(int n)
{
	std::lock_guard<std::recursive_mutex> g(rec);
	if (n > 0)
		recursive_depth(n - 1);
	else {
		std::lock_guard<std::mutex> inner(plain);
		counter++;
	}
}

static void locks(int id)
{
	for (int i = 0; i < 500; i++) {
		recursive_depth(3);
		if (i % 4 == id % 4) {
			std::unique_lock<std::shared_mutex> w(rw);
			rw_value++;
		} else {
			std::shared_lock<std::shared_mutex> r(rw);
			CHECK(rw_value >= 0);
		}
		{
			std::shared_lock<std::shared_timed_mutex> r(
				rw_timed, std::defer_lock);
			if (r.try_lock_for(100ms))
				CHECK(rw_value >= 0);
		}
		{
			std::unique_lock<std::timed_mutex> t(timed,
							     std::defer_lock);
			CHECK(t.try_lock_for(1s));
			std::lock_guard<std::mutex> inner(plain);
			counter++;
		}
		if (id % 2) {
			std::scoped_lock both(pair_a, pair_b);
			counter += 0;
		} else {
			std::scoped_lock both(pair_b, pair_a);
			counter += 0;
		}
	}
}

// A timed_mutex held by one thread while another's try_lock_for gives up.
static void timeouts()
{
	std::mutex step;
	std::condition_variable cv;
	bool held = false, done = false;

	std::thread holder([&] {
		std::lock_guard<std::timed_mutex> g(timed);
		std::unique_lock<std::mutex> l(step);
		held = true;
		cv.notify_all();
		cv.wait(l, [&] { return done; });
	});
	{
		std::unique_lock<std::mutex> l(step);
		cv.wait(l, [&] { return held; });
	}
	CHECK(!timed.try_lock_for(10ms));
	CHECK(!timed.try_lock_until(std::chrono::steady_clock::now() + 10ms));
	{
		std::lock_guard<std::mutex> l(step);
		done = true;
	}
	cv.notify_all();
	holder.join();
}

// A bounded queue hand-off with condition variables.
static void handoff()
{
	std::mutex m;
	std::condition_variable not_empty, not_full;
	std::deque<int> q;
	long sum = 0;
	const int items = 5000;

	std::thread producer([&] {
		for (int i = 1; i <= items; i++) {
			std::unique_lock<std::mutex> l(m);
			not_full.wait(l, [&] { return q.size() < 4; });
			q.push_back(i);
			not_empty.notify_one();
		}
	});
	std::thread consumer([&] {
		for (int i = 0; i < items; i++) {
			std::unique_lock<std::mutex> l(m);
			while (q.empty())
				not_empty.wait_for(l, 1ms);
			sum += q.front();
			q.pop_front();
			not_full.notify_one();
		}
	});
	producer.join();
	consumer.join();
	CHECK_EQ(sum, (long)items * (items + 1) / 2);
}

int main()
{
	std::vector<std::thread> threads;

	timeouts();
	handoff();
	for (int id = 0; id < 4; id++)
		threads.emplace_back(locks, id);
	for (auto &t : threads)
		t.join();
	CHECK_EQ(counter, 4 * 500 * 2);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
