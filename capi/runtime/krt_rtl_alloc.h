/*
 * krt_rtl_alloc.h - how the Rtl string routines get memory (internal to the runtime).
 *
 * RtlCreateUnicodeString, RtlDuplicateUnicodeString and the conversions called with
 * AllocateDestinationString == TRUE allocate through KrtRtlAlloc so that the block is charged to the
 * current node's pool (Windows takes these from paged pool with the tag 'Strg'/'rtsU'); RtlFree*String
 * returns it with KrtRtlFree. The pool implementation provides strong definitions; rtl_alloc_default.c
 * has weak malloc/free fallbacks so that the Rtl files can be unit-tested on their own.
 */
#ifndef WSKNS3_KRT_RTL_ALLOC_H
#define WSKNS3_KRT_RTL_ALLOC_H

#include <ntdef.h>

EXTERN_C_START

/* Pool tag the pool implementation should charge Rtl string buffers to ('Ustr' in a pool dump). */
#define KRT_RTL_STRING_TAG 'rtsU'

/* Returns NULL when out of memory; the block is not zeroed. */
PVOID KrtRtlAlloc(SIZE_T NumberOfBytes);
/* Accepts NULL. */
void KrtRtlFree(PVOID Block);

EXTERN_C_END

#endif /* WSKNS3_KRT_RTL_ALLOC_H */
