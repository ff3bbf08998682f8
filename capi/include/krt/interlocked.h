/*
 * krt/interlocked.h - Interlocked* operations and barriers (part of wdm.h), over GCC atomics so that
 * they stay correct even if driver code is ever exercised from more than one OS thread.
 */
#ifndef WSKNS3_KRT_INTERLOCKED_H
#define WSKNS3_KRT_INTERLOCKED_H

#include <ntdef.h>

#define KRT_SEQ __ATOMIC_SEQ_CST

FORCEINLINE LONG InterlockedIncrement(LONG volatile *a) { return __atomic_add_fetch(a, 1, KRT_SEQ); }
FORCEINLINE LONG InterlockedDecrement(LONG volatile *a) { return __atomic_sub_fetch(a, 1, KRT_SEQ); }
FORCEINLINE LONG InterlockedExchange(LONG volatile *t, LONG v) { return __atomic_exchange_n(t, v, KRT_SEQ); }
FORCEINLINE LONG InterlockedExchangeAdd(LONG volatile *a, LONG v) { return __atomic_fetch_add(a, v, KRT_SEQ); }
FORCEINLINE LONG InterlockedAdd(LONG volatile *a, LONG v) { return __atomic_add_fetch(a, v, KRT_SEQ); }
FORCEINLINE LONG InterlockedCompareExchange(LONG volatile *d, LONG x, LONG c)
{
    __atomic_compare_exchange_n(d, &c, x, 0, KRT_SEQ, KRT_SEQ);
    return c;
}
FORCEINLINE LONG InterlockedOr(LONG volatile *d, LONG v) { return __atomic_fetch_or(d, v, KRT_SEQ); }
FORCEINLINE LONG InterlockedAnd(LONG volatile *d, LONG v) { return __atomic_fetch_and(d, v, KRT_SEQ); }
FORCEINLINE LONG InterlockedXor(LONG volatile *d, LONG v) { return __atomic_fetch_xor(d, v, KRT_SEQ); }
FORCEINLINE LONG64 InterlockedIncrement64(LONG64 volatile *a) { return __atomic_add_fetch(a, 1, KRT_SEQ); }
FORCEINLINE LONG64 InterlockedDecrement64(LONG64 volatile *a) { return __atomic_sub_fetch(a, 1, KRT_SEQ); }
FORCEINLINE LONG64 InterlockedExchange64(LONG64 volatile *t, LONG64 v) { return __atomic_exchange_n(t, v, KRT_SEQ); }
FORCEINLINE LONG64 InterlockedExchangeAdd64(LONG64 volatile *a, LONG64 v) { return __atomic_fetch_add(a, v, KRT_SEQ); }
FORCEINLINE LONG64 InterlockedAdd64(LONG64 volatile *a, LONG64 v) { return __atomic_add_fetch(a, v, KRT_SEQ); }
FORCEINLINE LONG64 InterlockedCompareExchange64(LONG64 volatile *d, LONG64 x, LONG64 c)
{
    __atomic_compare_exchange_n(d, &c, x, 0, KRT_SEQ, KRT_SEQ);
    return c;
}
FORCEINLINE LONG64 InterlockedOr64(LONG64 volatile *d, LONG64 v) { return __atomic_fetch_or(d, v, KRT_SEQ); }
FORCEINLINE LONG64 InterlockedAnd64(LONG64 volatile *d, LONG64 v) { return __atomic_fetch_and(d, v, KRT_SEQ); }
FORCEINLINE SHORT InterlockedIncrement16(SHORT volatile *a) { return __atomic_add_fetch(a, 1, KRT_SEQ); }
FORCEINLINE SHORT InterlockedDecrement16(SHORT volatile *a) { return __atomic_sub_fetch(a, 1, KRT_SEQ); }
FORCEINLINE SHORT InterlockedCompareExchange16(SHORT volatile *d, SHORT x, SHORT c)
{
    __atomic_compare_exchange_n(d, &c, x, 0, KRT_SEQ, KRT_SEQ);
    return c;
}
FORCEINLINE PVOID InterlockedExchangePointer(PVOID volatile *t, PVOID v) { return __atomic_exchange_n(t, v, KRT_SEQ); }
FORCEINLINE PVOID InterlockedCompareExchangePointer(PVOID volatile *d, PVOID x, PVOID c)
{
    __atomic_compare_exchange_n(d, &c, x, 0, KRT_SEQ, KRT_SEQ);
    return c;
}
FORCEINLINE BOOLEAN InterlockedBitTestAndSet(LONG volatile *Base, LONG Bit)
{
    LONG m = (LONG)(1u << (Bit & 31));
    return (BOOLEAN)((__atomic_fetch_or(Base + (Bit >> 5), m, KRT_SEQ) & m) != 0);
}
FORCEINLINE BOOLEAN InterlockedBitTestAndReset(LONG volatile *Base, LONG Bit)
{
    LONG m = (LONG)(1u << (Bit & 31));
    return (BOOLEAN)((__atomic_fetch_and(Base + (Bit >> 5), ~m, KRT_SEQ) & m) != 0);
}
FORCEINLINE BOOLEAN BitTest(const LONG *Base, LONG Bit) { return (BOOLEAN)((Base[Bit >> 5] >> (Bit & 31)) & 1); }
FORCEINLINE BOOLEAN InterlockedBitTestAndSet64(LONG64 volatile *Base, LONG64 Bit)
{
    LONG64 m = (LONG64)(1ull << (Bit & 63));
    return (BOOLEAN)((__atomic_fetch_or(Base + (Bit >> 6), m, KRT_SEQ) & m) != 0);
}
FORCEINLINE BOOLEAN InterlockedBitTestAndReset64(LONG64 volatile *Base, LONG64 Bit)
{
    LONG64 m = (LONG64)(1ull << (Bit & 63));
    return (BOOLEAN)((__atomic_fetch_and(Base + (Bit >> 6), ~m, KRT_SEQ) & m) != 0);
}
FORCEINLINE BOOLEAN BitTest64(const LONG64 *Base, LONG64 Bit)
{
    return (BOOLEAN)((Base[Bit >> 6] >> (Bit & 63)) & 1);
}

#define InterlockedIncrementAcquire InterlockedIncrement
#define InterlockedIncrementRelease InterlockedIncrement
#define InterlockedIncrementNoFence InterlockedIncrement
#define InterlockedDecrementAcquire InterlockedDecrement
#define InterlockedDecrementRelease InterlockedDecrement
#define InterlockedDecrementNoFence InterlockedDecrement
#define InterlockedExchangeAcquire InterlockedExchange
#define InterlockedExchangeNoFence InterlockedExchange
#define InterlockedCompareExchangeAcquire InterlockedCompareExchange
#define InterlockedCompareExchangeRelease InterlockedCompareExchange
#define InterlockedCompareExchangeNoFence InterlockedCompareExchange
#define InterlockedOrRelease InterlockedOr
#define InterlockedOrNoFence InterlockedOr
#define InterlockedAndNoFence InterlockedAnd
#define InterlockedExchangePointerAcquire InterlockedExchangePointer
#define InterlockedExchangePointerRelease InterlockedExchangePointer
#define InterlockedExchangePointerNoFence InterlockedExchangePointer
#define InterlockedCompareExchangePointerAcquire InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerRelease InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerNoFence InterlockedCompareExchangePointer
#define InterlockedIncrementSizeT(a) ((SIZE_T)InterlockedIncrement64((LONG64 volatile *)(a)))
#define InterlockedDecrementSizeT(a) ((SIZE_T)InterlockedDecrement64((LONG64 volatile *)(a)))
#define InterlockedExchangeAddSizeT(a, b) ((SIZE_T)InterlockedExchangeAdd64((LONG64 volatile *)(a), (LONG64)(b)))
#define _InterlockedIncrement InterlockedIncrement
#define _InterlockedDecrement InterlockedDecrement
#define _InterlockedExchange InterlockedExchange
#define _InterlockedCompareExchange InterlockedCompareExchange
#define _InterlockedExchangeAdd InterlockedExchangeAdd
#define _InterlockedOr InterlockedOr
#define _InterlockedAnd InterlockedAnd

FORCEINLINE LONG ReadNoFence(LONG const volatile *s) { return __atomic_load_n(s, __ATOMIC_RELAXED); }
FORCEINLINE LONG ReadAcquire(LONG const volatile *s) { return __atomic_load_n(s, __ATOMIC_ACQUIRE); }
FORCEINLINE VOID WriteNoFence(LONG volatile *d, LONG v) { __atomic_store_n(d, v, __ATOMIC_RELAXED); }
FORCEINLINE VOID WriteRelease(LONG volatile *d, LONG v) { __atomic_store_n(d, v, __ATOMIC_RELEASE); }
FORCEINLINE LONG64 ReadNoFence64(LONG64 const volatile *s) { return __atomic_load_n(s, __ATOMIC_RELAXED); }
FORCEINLINE PVOID ReadPointerAcquire(PVOID const volatile *s) { return __atomic_load_n(s, __ATOMIC_ACQUIRE); }
FORCEINLINE PVOID ReadPointerNoFence(PVOID const volatile *s) { return __atomic_load_n(s, __ATOMIC_RELAXED); }
FORCEINLINE VOID WritePointerRelease(PVOID volatile *d, PVOID v) { __atomic_store_n(d, v, __ATOMIC_RELEASE); }
FORCEINLINE VOID WritePointerNoFence(PVOID volatile *d, PVOID v) { __atomic_store_n(d, v, __ATOMIC_RELAXED); }

#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define KeMemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define KeMemoryBarrierWithoutFence() __asm__ __volatile__("" ::: "memory")
#define _ReadWriteBarrier() __asm__ __volatile__("" ::: "memory")
#define _ReadBarrier() __asm__ __volatile__("" ::: "memory")
#define _WriteBarrier() __asm__ __volatile__("" ::: "memory")
#define YieldProcessor() __builtin_ia32_pause()
#define _mm_pause() __builtin_ia32_pause()

#endif /* WSKNS3_KRT_INTERLOCKED_H */
