// SPDX-License-Identifier: MIT
/*
 * cxx_names_demangled_reported.cpp - an inversion between two mutexes
 * with internal linkage inside a namespace, taken in member functions.
 * Their symbols are mangled (_ZN4bank12_GLOBAL__N_17ledgersE...); the
 * report names them as C++ spells them: the variables "bank::(anonymous
 * namespace)::ledgers" and the functions "bank::Teller::transfer()".
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@l1,@a1,@a2,@l2
 * EXPECT stderr~=in bank::Teller::transfer()
 * EXPECT stderr~=in bank::Teller::audit()
 * EXPECT stderr~=mutex bank::(anonymous namespace)::ledgers at
 * EXPECT stderr~=mutex bank::(anonymous namespace)::accounts at
 * EXPECT stderr!~=_ZN
 */
#include <pthread.h>

#include <thread>

#include "check.h"

namespace bank {
namespace {
pthread_mutex_t ledgers = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
} // namespace

struct Teller {
	__attribute__((noinline)) void transfer();
	__attribute__((noinline)) void audit();
	int moved = 0;
};

void Teller::transfer()
{
	CHECK_EQ(pthread_mutex_lock(&ledgers), 0);  // @l1
	CHECK_EQ(pthread_mutex_lock(&accounts), 0); // @a1
	moved++;
	CHECK_EQ(pthread_mutex_unlock(&accounts), 0);
	CHECK_EQ(pthread_mutex_unlock(&ledgers), 0);
}

void Teller::audit()
{
	CHECK_EQ(pthread_mutex_lock(&accounts), 0); // @a2
	CHECK_EQ(pthread_mutex_lock(&ledgers), 0);  // @l2
	moved--;
	CHECK_EQ(pthread_mutex_unlock(&ledgers), 0);
	CHECK_EQ(pthread_mutex_unlock(&accounts), 0);
}
} // namespace bank

int main()
{
	bank::Teller teller;

	std::thread([&teller] { teller.transfer(); }).join();
	std::thread([&teller] { teller.audit(); }).join();
	return 0;
}
