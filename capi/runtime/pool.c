/* pool.c - kernel pool with per-instance, per-tag accounting, and lookaside lists. */
#include "krt_internal.h"
#include "krt_rtl_alloc.h"

#include <stdlib.h>

#define KRT_POOL_MAGIC 0x504F4F4Cu /* 'POOL' */
#define KRT_POOL_FREED 0x46524545u /* 'FREE' */

typedef struct KRT_POOL_HEADER {
    LIST_ENTRY Link;
    KRT_INSTANCE *Instance;
    void *Base;
    SIZE_T Size;
    ULONG Tag;
    ULONG Magic;
} KRT_POOL_HEADER;

static KRT_POOL_TAG *KrtTagSlot(KRT_INSTANCE *inst, ULONG tag)
{
    for (ULONG i = 0; i < inst->TagCount; i++)
        if (inst->Tags[i].Tag == tag)
            return &inst->Tags[i];
    if (inst->TagCount == KRT_MAX_TAGS)
        return &inst->Tags[KRT_MAX_TAGS - 1]; /* overflow bucket: shared by the rarest tags */
    if (inst->TagCount == inst->TagCapacity) {
        ULONG capacity = inst->TagCapacity ? inst->TagCapacity * 2 : 4;
        if (capacity > KRT_MAX_TAGS)
            capacity = KRT_MAX_TAGS;
        KRT_POOL_TAG *grown = realloc(inst->Tags, capacity * sizeof *grown);
        if (grown == NULL) {
            static KRT_POOL_TAG untracked; /* out of memory: the allocation is still made, just not counted */
            return &untracked;
        }
        inst->Tags = grown;
        inst->TagCapacity = capacity;
    }
    KRT_POOL_TAG *slot = &inst->Tags[inst->TagCount++];
    memset(slot, 0, sizeof *slot);
    slot->Tag = tag;
    return slot;
}

/* Tags print in memory order, as the Windows debugger shows them ('sksw' reads "wsks"). */
static void KrtTagText(ULONG tag, char out[5])
{
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)(tag >> (8 * i));
        out[i] = (c >= 32 && c < 127) ? (char)c : '.';
    }
    out[4] = 0;
}

static PVOID KrtPoolAllocate(POOL_TYPE type, SIZE_T n, ULONG tag, BOOLEAN zero, const char *call)
{
    KRT_INSTANCE *inst = g_KrtCur.Instance;
    if (n == 0)
        KrtReport(1, call, "zero-byte allocation (tag 0x%08x)", tag);
    if (((ULONG)type & 1u) == PagedPool && g_KrtCur.Irql > APC_LEVEL)
        KrtReport(2, call, "paged pool requested at IRQL %u (must be <= APC_LEVEL)", g_KrtCur.Irql);
    if (tag == 0 && call[0] != 'E')
        KrtReport(1, call, "pool tag is zero");
    size_t align = (type == NonPagedPoolCacheAligned || type == NonPagedPoolNxCacheAligned ||
                    type == PagedPoolCacheAligned)
                       ? 64
                       : 16;
    size_t hdr = (sizeof(KRT_POOL_HEADER) + align - 1) & ~(align - 1);
    size_t total = (hdr + n + align - 1) & ~(align - 1);
    if (n > ((SIZE_T)1 << 40))
        return NULL;
    char *base = aligned_alloc(align, total);
    if (base == NULL)
        return NULL;
    char *user = base + hdr;
    KRT_POOL_HEADER *h = (KRT_POOL_HEADER *)(user - sizeof(KRT_POOL_HEADER));
    h->Instance = inst;
    h->Base = base;
    h->Size = n;
    h->Tag = tag;
    h->Magic = KRT_POOL_MAGIC;
    if (zero)
        memset(user, 0, n);
    else
        memset(user, 0xCD, n); /* uninitialised pool is garbage on Windows too; make reads of it visible */
    if (inst != NULL) {
        InsertTailList(&inst->PoolAllocations, &h->Link);
        KRT_POOL_TAG *t = KrtTagSlot(inst, tag);
        t->LiveCount++;
        t->LiveBytes += n;
        t->TotalAllocations++;
        if (t->LiveBytes > t->PeakBytes)
            t->PeakBytes = t->LiveBytes;
        inst->PoolLiveBytes += n;
        inst->PoolAllocations_++;
        if (inst->PoolLiveBytes > inst->PoolPeakBytes)
            inst->PoolPeakBytes = inst->PoolLiveBytes;
    } else {
        h->Link.Flink = h->Link.Blink = &h->Link;
    }
    return user;
}

/* A freed block keeps its header (marked FREED) allocated until KRT_POOL_QUARANTINE more blocks have been
 * freed, so that freeing it again reads live memory and is reported rather than being undefined behaviour. */
#define KRT_POOL_QUARANTINE 64
static void *g_KrtPoolQuarantine[KRT_POOL_QUARANTINE];
static unsigned g_KrtPoolQuarantineNext;

static void KrtPoolRelease(KRT_POOL_HEADER *h)
{
    h->Magic = KRT_POOL_FREED;
    void *evicted = g_KrtPoolQuarantine[g_KrtPoolQuarantineNext];
    g_KrtPoolQuarantine[g_KrtPoolQuarantineNext] = h->Base;
    g_KrtPoolQuarantineNext = (g_KrtPoolQuarantineNext + 1) % KRT_POOL_QUARANTINE;
    free(evicted);
}

static void KrtPoolFree(PVOID p, ULONG tag, BOOLEAN checkTag, const char *call)
{
    if (p == NULL) {
        KrtReport(2, call, "NULL pointer (BAD_POOL_CALLER)");
        return;
    }
    KRT_POOL_HEADER *h = (KRT_POOL_HEADER *)((char *)p - sizeof(KRT_POOL_HEADER));
    if (h->Magic == KRT_POOL_FREED) {
        KrtReport(2, call, "%p freed twice (BAD_POOL_CALLER)", p);
        return;
    }
    if (h->Magic != KRT_POOL_MAGIC) {
        KrtReport(2, call, "%p was not allocated from the pool (BAD_POOL_CALLER)", p);
        return;
    }
    if (checkTag && h->Tag != tag) {
        char a[5], b[5];
        KrtTagText(h->Tag, a);
        KrtTagText(tag, b);
        KrtReport(2, call, "%p was allocated with tag '%s' but freed with tag '%s' (BAD_POOL_CALLER)", p, a, b);
    }
    KRT_INSTANCE *inst = h->Instance;
    if (inst != NULL) {
        RemoveEntryList(&h->Link);
        KRT_POOL_TAG *t = KrtTagSlot(inst, h->Tag);
        t->LiveCount--;
        t->LiveBytes -= h->Size;
        inst->PoolLiveBytes -= h->Size;
    }
    KrtPoolRelease(h);
}

PVOID NTAPI ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return KrtPoolAllocate(PoolType, NumberOfBytes, Tag, FALSE, "ExAllocatePoolWithTag");
}

PVOID NTAPI ExAllocatePoolWithQuotaTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return KrtPoolAllocate(PoolType, NumberOfBytes, Tag, FALSE, "ExAllocatePoolWithQuotaTag");
}

PVOID NTAPI ExAllocatePoolWithTagPriority(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag, int Priority)
{
    (void)Priority;
    return KrtPoolAllocate(PoolType, NumberOfBytes, Tag, FALSE, "ExAllocatePoolWithTagPriority");
}

PVOID NTAPI ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return KrtPoolAllocate(PoolType, NumberOfBytes, 0x656E6F4E /* 'None' */, FALSE, "ExAllocatePool");
}

PVOID NTAPI ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return KrtPoolAllocate(PoolType, NumberOfBytes, Tag, TRUE, "ExAllocatePoolZero");
}

PVOID NTAPI ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return KrtPoolAllocate(PoolType, NumberOfBytes, Tag, FALSE, "ExAllocatePoolUninitialized");
}

PVOID NTAPI ExAllocatePoolQuotaZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return KrtPoolAllocate(PoolType, NumberOfBytes, Tag, TRUE, "ExAllocatePoolQuotaZero");
}

PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    ULONGLONG typeFlags = Flags & (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED);
    if (typeFlags == 0 || (typeFlags & (typeFlags - 1)) != 0) {
        KrtReport(2, "ExAllocatePool2", "flags 0x%llx must name exactly one of POOL_FLAG_NON_PAGED, "
                  "POOL_FLAG_NON_PAGED_EXECUTE, POOL_FLAG_PAGED", (unsigned long long)Flags);
        return NULL;
    }
    if (Tag == 0) {
        KrtReport(2, "ExAllocatePool2", "pool tag must not be zero");
        return NULL;
    }
    POOL_TYPE type = (Flags & POOL_FLAG_PAGED) ? PagedPool : NonPagedPoolNx;
    if (Flags & POOL_FLAG_CACHE_ALIGNED)
        type = (type == PagedPool) ? PagedPoolCacheAligned : NonPagedPoolNxCacheAligned;
    return KrtPoolAllocate(type, NumberOfBytes, Tag, (BOOLEAN)!(Flags & POOL_FLAG_UNINITIALIZED), "ExAllocatePool2");
}

#undef ExFreePoolWithTag
VOID NTAPI ExFreePoolWithTag(PVOID P, ULONG Tag) { KrtPoolFree(P, Tag, TRUE, "ExFreePoolWithTag"); }
VOID NTAPI ExFreePool(PVOID P) { KrtPoolFree(P, 0, FALSE, "ExFreePool"); }
VOID NTAPI ExFreePool2(PVOID P, ULONG Tag, PVOID ExtendedParameters, ULONG ExtendedParametersCount)
{
    (void)ExtendedParameters;
    (void)ExtendedParametersCount;
    KrtPoolFree(P, Tag, TRUE, "ExFreePool2");
}
VOID NTAPI ExInitializeDriverRuntime(ULONG RuntimeFlags) { (void)RuntimeFlags; }

/* Allocation entry points for other runtime files that must be charged to the driver (Rtl strings). */
PVOID KrtRtlAlloc(SIZE_T n) { return KrtPoolAllocate(PagedPool, n, KRT_RTL_STRING_TAG, FALSE, "Rtl"); }
void KrtRtlFree(PVOID p)
{
    if (p != NULL)
        KrtPoolFree(p, 0, FALSE, "RtlFreeUnicodeString");
}

ULONG KrtPoolReportLeaks(KRT_INSTANCE *inst)
{
    ULONG leaked = 0;
    for (ULONG i = 0; i < inst->TagCount; i++) {
        KRT_POOL_TAG *t = &inst->Tags[i];
        if (t->LiveCount == 0)
            continue;
        char text[5];
        KrtTagText(t->Tag, text);
        KrtReportFor(inst, 2, "DriverUnload", "pool leak: tag '%s' (0x%08x) still has %u allocation(s), %zu bytes",
                     text, t->Tag, t->LiveCount, (size_t)t->LiveBytes);
        leaked += t->LiveCount;
    }
    return leaked;
}

void KrtPoolReleaseAll(KRT_INSTANCE *inst)
{
    while (!IsListEmpty(&inst->PoolAllocations)) {
        KRT_POOL_HEADER *h = CONTAINING_RECORD(RemoveHeadList(&inst->PoolAllocations), KRT_POOL_HEADER, Link);
        h->Magic = KRT_POOL_FREED;
        free(h->Base);
    }
}

/* ---- Lookaside lists ---- */
static void KrtLookasideInit(PGENERAL_LOOKASIDE L, PVOID alloc, PVOID freeFn, POOL_TYPE type, SIZE_T size, ULONG tag,
                             USHORT depth, ULONG exFlags)
{
    memset(L, 0, sizeof *L);
    InitializeSListHead(&L->ListHead);
    L->Type = type;
    L->Tag = tag;
    L->Size = (ULONG)(size < sizeof(SLIST_ENTRY) ? sizeof(SLIST_ENTRY) : size);
    L->Allocate = alloc;
    L->Free = freeFn;
    L->MaximumDepth = depth ? depth : 256;
    L->Depth = L->MaximumDepth;
    L->Flags = exFlags;
}

static PVOID KrtLookasideAlloc(PGENERAL_LOOKASIDE L)
{
    L->TotalAllocates++;
    PSLIST_ENTRY e = InterlockedPopEntrySList(&L->ListHead);
    if (e != NULL)
        return e;
    L->AllocateMisses++;
    if (L->Allocate == NULL)
        return ExAllocatePoolWithTag(L->Type, L->Size, L->Tag);
    if (L->Flags & 0x80000000u)
        return ((PALLOCATE_FUNCTION_EX)L->Allocate)(L->Type, L->Size, L->Tag, (PLOOKASIDE_LIST_EX)L);
    return ((PALLOCATE_FUNCTION)L->Allocate)(L->Type, L->Size, L->Tag);
}

static void KrtLookasideRelease(PGENERAL_LOOKASIDE L, PVOID p)
{
    if (L->Free == NULL)
        ExFreePoolWithTag(p, L->Tag);
    else if (L->Flags & 0x80000000u)
        ((PFREE_FUNCTION_EX)L->Free)(p, (PLOOKASIDE_LIST_EX)L);
    else
        ((PFREE_FUNCTION)L->Free)(p);
}

static void KrtLookasideFree(PGENERAL_LOOKASIDE L, PVOID p)
{
    L->TotalFrees++;
    if (QueryDepthSList(&L->ListHead) < L->Depth) {
        InterlockedPushEntrySList(&L->ListHead, (PSLIST_ENTRY)p);
        return;
    }
    L->FreeMisses++;
    KrtLookasideRelease(L, p);
}

static void KrtLookasideFlush(PGENERAL_LOOKASIDE L)
{
    PSLIST_ENTRY e;
    while ((e = InterlockedPopEntrySList(&L->ListHead)) != NULL)
        KrtLookasideRelease(L, e);
}

VOID NTAPI ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                           PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth)
{
    (void)Flags;
    KrtLookasideInit(&Lookaside->L, (PVOID)Allocate, (PVOID)Free, NonPagedPoolNx, Size, Tag, Depth, 0);
}
VOID NTAPI ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside) { KrtLookasideFlush(&Lookaside->L); }
PVOID NTAPI ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    return KrtLookasideAlloc(&Lookaside->L);
}
VOID NTAPI ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    KrtLookasideFree(&Lookaside->L, Entry);
}
NTSTATUS NTAPI ExInitializeLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PALLOCATE_FUNCTION_EX Allocate,
                                           PFREE_FUNCTION_EX Free, POOL_TYPE PoolType, ULONG Flags, SIZE_T Size,
                                           ULONG Tag, USHORT Depth)
{
    if ((Flags & ~(EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL | EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE)) != 0)
        return STATUS_INVALID_PARAMETER;
    KrtLookasideInit(&Lookaside->L, (PVOID)Allocate, (PVOID)Free, PoolType, Size, Tag, Depth,
                     (Allocate || Free) ? 0x80000000u : 0);
    if ((Allocate == NULL) != (Free == NULL))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}
VOID NTAPI ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside) { KrtLookasideFlush(&Lookaside->L); }
PVOID NTAPI ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside) { return KrtLookasideAlloc(&Lookaside->L); }
VOID NTAPI ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry) { KrtLookasideFree(&Lookaside->L, Entry); }
VOID NTAPI ExFlushLookasideListEx(PLOOKASIDE_LIST_EX Lookaside) { KrtLookasideFlush(&Lookaside->L); }
