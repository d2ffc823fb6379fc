/* SPDX-License-Identifier: MIT */
/*
 * objects.h - registry of sync objects: address -> record. A record's
 * identity is its id, unique for the life of the process: retiring an
 * object (destroy, memory freed, re-init) bumps its generation, and the same
 * address used again gets a new id. Records are type-stable: they are reused
 * only as records, so a racy read of a stale pointer is safe and the
 * generation check tells it is stale.
 */
#ifndef COFFMAN_OBJECTS_H
#define COFFMAN_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct eng_thread;

struct eng_obj {
	/* What the lock fast path reads, together at the start. */
	uint64_t id;	       /* unique; 0 while the record is free */
	uint64_t addr;	       /* the object's address in the program */
	uint32_t gen;	       /* bumped when retired */
	uint8_t kind;	       /* enum ev_kind */
	uint8_t mtype;	       /* enum ev_mutex_type for mutexes */
	uint8_t retired;       /* 1 once retired (record may be reused) */
	uint8_t is_signal;     /* semaphore seen posted by a non-holder:
				  a signal, never a lock */
	uint32_t waiters;      /* threads blocked on it now (a hint: the
				  fast path counts n_acquired only then) */
	uint8_t writer_pref;   /* rwlock: writers block new readers */
	uint8_t pshared;       /* process-shared: another process may hold,
				  post or signal it (a semaphore is then a
				  signal, and waiting for it is no proof of
				  a hang) */
	uint8_t robust;	       /* robust mutex: a dead owner is no hang */
	uint8_t pi;	       /* priority-inheriting mutex: the owner is
				  checked at unlock */
	uint8_t inited;	       /* seen through an init call (not static) */
	uint32_t units;	       /* semaphore: initial value, 0 unknown;
				  barrier: parties */
	uint8_t acquired;      /* acquired at least once */
	uint8_t life_lock;     /* semaphore its creator took at once and
				  still holds: a thread's "alive" lock
				  (CPython's tstate lock, released as the
				  thread ends; joiners wait for it) */
	uint8_t shared_use;    /* acquired by a thread other than the one
				  that initialised it */
	uint32_t init_thread;  /* thread (num) that initialised it, 0 none */
	uint32_t init_stack;   /* stack of init, or of first use */
	uint64_t class_pc;     /* call site of its init: the lock class */
	uint64_t n_acquired;   /* acquisitions so far (starvation) */
	uint64_t class_id;     /* lock class: init-site key */
	uint32_t holders;      /* condvar: threads waiting on it; barrier:
				  arrivals in its round (waitfor.c) */
	uint32_t name_len;     /* allocation size of name */
	char *name;	       /* from coffman_name(), or NULL */
	struct eng_obj *page_next; /* next record in the same page bucket */
	struct eng_obj **page_pprev; /* what points at it in that list */
	struct eng_obj *free_next; /* free list link */
};

/*
 * Find the live record for addr, creating it (kind, site stack) when absent
 * or when the address now holds an object of another kind (the old one is
 * retired first and its id returned in *retired_id, else 0). NULL when out
 * of memory. Takes the address's shard lock.
 */
struct eng_obj *objects_get(uint64_t addr, uint32_t kind, bool create,
			    uint32_t stack, uint64_t *retired_id);

/*
 * Retire the live record at addr, if any: returns its id (0 if none).
 * Its generation is bumped and the address forgets it.
 */
uint64_t objects_retire(uint64_t addr);

/*
 * Retire every record in [lo, hi). Each retired id is passed to cb (called
 * with no registry lock held). Returns how many were retired.
 */
int objects_retire_range(uint64_t lo, uint64_t hi,
			 void (*cb)(void *ctx, uint64_t id, uint64_t addr),
			 void *ctx);

/* Lock-free: false if no object was ever registered in addr's page. */
bool objects_page_maybe_tracked(uint64_t addr);

/* Lock-free read of a record's generation. */
static inline uint32_t objects_gen(const struct eng_obj *o)
{
	return __atomic_load_n(&o->gen, __ATOMIC_ACQUIRE);
}

/* Set the object's name (copied; truncated to 63 bytes). 0 or -ENOMEM. */
int objects_set_name(struct eng_obj *o, const char *name);

/* Bytes of one object of this kind (enum ev_kind) in this ABI, 0 if
 * unknown: names array elements ("forks[2]"). */
size_t objects_kind_size(uint32_t kind);

/* Number of live records. */
uint64_t objects_count(void);

/* Bytes of the shards' address indexes: each grows with the most records
 * its shard has held at once, and never shrinks. */
size_t objects_index_bytes(void);

/* Fork support: take/drop every shard lock. */
void objects_lock_all(void);
void objects_unlock_all(void);

#endif /* COFFMAN_OBJECTS_H */
