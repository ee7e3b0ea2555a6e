#ifndef C_DATASTAR_BENCH_SUPPORT_H
#define C_DATASTAR_BENCH_SUPPORT_H
#include <stddef.h>

/// Bytes the C allocator has handed out and not taken back (glibc: heap in use plus mmap'd
/// blocks, from mallinfo2); 0 where the allocator does not tell.
size_t datastar_bench_heap_in_use(void);

#endif
