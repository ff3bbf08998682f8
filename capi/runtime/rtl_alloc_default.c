/*
 * rtl_alloc_default.c - weak fallback allocator for the Rtl string routines.
 *
 * The pool implementation overrides both functions with strong definitions that charge the current
 * node; these exist so that rtl_string.c can be linked and unit-tested without the rest of the runtime.
 */
#include <stdlib.h>

#include "krt_rtl_alloc.h"

__attribute__((weak)) PVOID KrtRtlAlloc(SIZE_T NumberOfBytes)
{
    return malloc(NumberOfBytes ? NumberOfBytes : 1);
}

__attribute__((weak)) void KrtRtlFree(PVOID Block)
{
    free(Block);
}
