#ifndef C_DATASTAR_BENCH_SUPPORT_H
#define C_DATASTAR_BENCH_SUPPORT_H
#include <stddef.h>

#include "DatastarChurn.h"

/// Bytes the C allocator has handed out and not taken back (glibc: heap in use plus mmap'd
/// blocks, from mallinfo2); 0 where the allocator does not tell.
size_t datastar_bench_heap_in_use(void);

/// What the C allocator holds: bytes in use, bytes free but kept in its arenas, bytes in
/// mmap'd blocks (glibc's mallinfo2); zeros where the allocator does not tell.
typedef struct {
    size_t in_use;
    size_t free_kept;
    size_t mmapped;
} datastar_bench_heap_stats;

datastar_bench_heap_stats datastar_bench_heap(void);

/// Gives the allocator's free memory back to the system (glibc: malloc_trim(0)); returns 1 if
/// any was given back.
int datastar_bench_heap_trim(void);

#endif
