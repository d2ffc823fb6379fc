// SPDX-License-Identifier: MIT
/*
 * cxx_names_without_libstdcxx_reported.cpp - C++ that uses nothing of
 * the C++ library, linked without it (as a C program is): an inversion
 * between two mutexes with internal linkage inside a namespace, taken in
 * member functions. The program has no demangler, but its symbols are
 * still mangled (_ZN5vault12_GLOBAL__N_14keysE...): the report names them
 * as C++ spells them, as the offline replay does.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@k1,@d1,@d2,@k2
 * EXPECT stderr~=in vault::Guard::open()
 * EXPECT stderr~=in vault::Guard::close()
 * EXPECT stderr~=mutex vault::(anonymous namespace)::keys at
 * EXPECT stderr~=mutex vault::(anonymous namespace)::doors at
 * EXPECT stderr!~=_ZN
 */
#include <pthread.h>

#include "check.h"

namespace vault {
namespace {
pthread_mutex_t keys = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t doors = PTHREAD_MUTEX_INITIALIZER;
} // namespace

struct Guard {
	__attribute__((noinline)) void open();
	__attribute__((noinline)) void close();
	int turns;
};

void Guard::open()
{
	CHECK_EQ(pthread_mutex_lock(&keys), 0);  // @k1
	CHECK_EQ(pthread_mutex_lock(&doors), 0); // @d1
	turns++;
	CHECK_EQ(pthread_mutex_unlock(&doors), 0);
	CHECK_EQ(pthread_mutex_unlock(&keys), 0);
}

void Guard::close()
{
	CHECK_EQ(pthread_mutex_lock(&doors), 0); // @d2
	CHECK_EQ(pthread_mutex_lock(&keys), 0);  // @k2
	turns--;
	CHECK_EQ(pthread_mutex_unlock(&keys), 0);
	CHECK_EQ(pthread_mutex_unlock(&doors), 0);
}
} // namespace vault

static vault::Guard guard;

static void *opener(void *)
{
	guard.open();
	return nullptr;
}

static void *closer(void *)
{
	guard.close();
	return nullptr;
}

int main()
{
	pthread_t t;

	CHECK_EQ(pthread_create(&t, nullptr, opener, nullptr), 0);
	CHECK_EQ(pthread_join(t, nullptr), 0);
	CHECK_EQ(pthread_create(&t, nullptr, closer, nullptr), 0);
	CHECK_EQ(pthread_join(t, nullptr), 0);
	return 0;
}
