#include "CDatastarBenchSupport.h"
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
size_t datastar_bench_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

datastar_bench_heap_stats datastar_bench_heap(void) {
    struct mallinfo2 info = mallinfo2();
    datastar_bench_heap_stats stats = {info.uordblks, info.fordblks, info.hblkhd};
    return stats;
}

int datastar_bench_heap_trim(void) { return malloc_trim(0); }
#else
size_t datastar_bench_heap_in_use(void) { return 0; }
datastar_bench_heap_stats datastar_bench_heap(void) {
    datastar_bench_heap_stats stats = {0, 0, 0};
    return stats;
}
int datastar_bench_heap_trim(void) { return 0; }
#endif
