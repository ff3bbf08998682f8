// Kernel pool and lookaside lists (capi/runtime/pool.c) against wsk-api.md §7.7: per-instance, per-tag accounting,
// ExAllocatePool2 zeroing and flag checks, ExAllocatePoolZero, BAD_POOL_CALLER diagnostics, the leak report at
// unload, and NPAGED_LOOKASIDE_LIST / LOOKASIDE_LIST_EX with and without custom allocate/free callbacks.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

// After the standard headers: the WDK headers define SAL macros such as __out and __reserved.
#include "kernel-fixture.h"

using wsktest::KernelRun;

namespace {

constexpr ULONG kWsks = 'sksw'; // reads "wsks" in memory (and in the debugger)
constexpr ULONG kTest = 'tseT'; // "Test"

std::string
Dump(const std::vector<std::string>& lines)
{
    std::string s;
    for (auto& l : lines)
        s += "  " + l + "\n";
    return s;
}

const KRT_POOL_TAG*
FindTag(const KRT_INSTANCE* inst, ULONG tag)
{
    for (ULONG i = 0; i < inst->TagCount; i++)
        if (inst->Tags[i].Tag == tag)
            return &inst->Tags[i];
    return nullptr;
}

ULONG
Live(const KRT_INSTANCE* inst, ULONG tag)
{
    const KRT_POOL_TAG* t = FindTag(inst, tag);
    return t ? t->LiveCount : 0;
}

bool
AllBytes(const void* p, size_t n, unsigned char value)
{
    const unsigned char* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; i++)
        if (b[i] != value)
            return false;
    return true;
}

bool
Aligned(const void* p, uintptr_t alignment)
{
    return (reinterpret_cast<uintptr_t>(p) & (alignment - 1)) == 0;
}

} // namespace

// ExAllocatePoolWithTag charges every allocation to the instance and its tag: live count and bytes, total
// allocations and peak, per tag and for the whole instance. Uninitialised pool is filled with 0xCD.
TEST(KernelPool, ExAllocatePoolWithTagAccountsPerTagInTheInstance)
{
    KernelRun run;
    bool done = false;
    run.Thread([&] {
        KRT_INSTANCE* inst = run.inst;
        EXPECT_EQ(inst->PoolLiveBytes, 0u);
        PVOID a = ExAllocatePoolWithTag(NonPagedPoolNx, 100, kWsks);
        PVOID b = ExAllocatePoolWithTag(NonPagedPool, 200, kWsks);
        PVOID c = ExAllocatePoolWithTag(PagedPool, 50, kTest);
        ASSERT_NE(a, nullptr);
        ASSERT_NE(b, nullptr);
        ASSERT_NE(c, nullptr);
        EXPECT_TRUE(Aligned(a, 16) && Aligned(b, 16) && Aligned(c, 16));
        EXPECT_TRUE(AllBytes(a, 100, 0xCD));
        const KRT_POOL_TAG* w = FindTag(inst, kWsks);
        const KRT_POOL_TAG* t = FindTag(inst, kTest);
        ASSERT_NE(w, nullptr);
        ASSERT_NE(t, nullptr);
        EXPECT_EQ(w->LiveCount, 2u);
        EXPECT_EQ(w->LiveBytes, 300u);
        EXPECT_EQ(w->TotalAllocations, 2u);
        EXPECT_EQ(w->PeakBytes, 300u);
        EXPECT_EQ(t->LiveCount, 1u);
        EXPECT_EQ(t->LiveBytes, 50u);
        EXPECT_EQ(inst->PoolLiveBytes, 350u);
        EXPECT_EQ(inst->PoolPeakBytes, 350u);
        EXPECT_EQ(inst->PoolAllocations_, 3u);

        ExFreePoolWithTag(a, kWsks);
        EXPECT_EQ(w->LiveCount, 1u);
        EXPECT_EQ(w->LiveBytes, 200u);
        EXPECT_EQ(w->PeakBytes, 300u);       /* peaks stay */
        EXPECT_EQ(w->TotalAllocations, 2u);  /* totals stay */
        EXPECT_EQ(inst->PoolLiveBytes, 250u);
        EXPECT_EQ(inst->PoolPeakBytes, 350u);

        PVOID d = ExAllocatePoolWithTag(NonPagedPoolNx, 10, kWsks);
        EXPECT_EQ(w->LiveCount, 2u);
        EXPECT_EQ(w->LiveBytes, 210u);
        EXPECT_EQ(w->TotalAllocations, 3u);
        EXPECT_EQ(w->PeakBytes, 300u);

        PVOID aligned = ExAllocatePoolWithTag(NonPagedPoolNxCacheAligned, 8, kTest);
        EXPECT_TRUE(Aligned(aligned, 64));
        PVOID untagged = ExAllocatePool(NonPagedPool, 24);
        EXPECT_EQ(Live(inst, 'enoN'), 1u); /* ExAllocatePool charges the tag "None" */

        ExFreePool(b);
        ExFreePoolWithTag(c, kTest);
        ExFreePoolWithTag(d, kWsks);
        ExFreePool(aligned);
        ExFreePool(untagged);
        EXPECT_EQ(w->LiveCount, 0u);
        EXPECT_EQ(w->LiveBytes, 0u);
        EXPECT_EQ(t->LiveCount, 0u);
        EXPECT_EQ(inst->PoolLiveBytes, 0u);
        EXPECT_EQ(inst->TagCount, 3u);
        done = true;
    });
    run.Run();
    EXPECT_TRUE(done);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// Paged pool at DISPATCH_LEVEL is misuse.
TEST(KernelPool, PagedPoolAtDispatchLevelIsDiagnosed)
{
    KernelRun run;
    PVOID nonPaged = nullptr, paged = nullptr;
    run.Dispatch([&] {
        nonPaged = ExAllocatePoolWithTag(NonPagedPoolNx, 16, kTest);
        EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
        paged = ExAllocatePoolWithTag(PagedPool, 16, kTest);
        ExFreePool(nonPaged);
        ExFreePool(paged);
    });
    run.Run();
    EXPECT_NE(nonPaged, nullptr);
    EXPECT_NE(paged, nullptr);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("paged pool requested at IRQL 2")) << Dump(run.host.errors);
}

// ExAllocatePool2 zeroes unless POOL_FLAG_UNINITIALIZED, honours POOL_FLAG_CACHE_ALIGNED, and rejects flags that do
// not name exactly one pool type, and a zero tag, with NULL and a diagnostic.
TEST(KernelPool, ExAllocatePool2ZeroesAndChecksItsFlags)
{
    KernelRun run;
    bool done = false;
    size_t errorsBeforeInvalid = 99;
    run.Thread([&] {
        unsigned char* z = static_cast<unsigned char*>(ExAllocatePool2(POOL_FLAG_NON_PAGED, 300, kTest));
        ASSERT_NE(z, nullptr);
        EXPECT_TRUE(AllBytes(z, 300, 0));
        unsigned char* u =
            static_cast<unsigned char*>(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 64, kTest));
        ASSERT_NE(u, nullptr);
        EXPECT_TRUE(AllBytes(u, 64, 0xCD));
        PVOID ca = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED, 10, kTest);
        EXPECT_TRUE(Aligned(ca, 64));
        PVOID pg = ExAllocatePool2(POOL_FLAG_PAGED, 10, kTest);
        PVOID ex = ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_USE_QUOTA, 10, kTest);
        ASSERT_NE(pg, nullptr);
        ASSERT_NE(ex, nullptr);
        EXPECT_TRUE(AllBytes(pg, 10, 0));
        EXPECT_EQ(Live(run.inst, kTest), 5u);
        errorsBeforeInvalid = run.host.errors.size();

        EXPECT_EQ(ExAllocatePool2(0, 10, kTest), nullptr);                                       /* no type */
        EXPECT_EQ(ExAllocatePool2(POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED, 10, kTest), nullptr); /* no type */
        EXPECT_EQ(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 10, kTest), nullptr);   /* two types */
        EXPECT_EQ(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE, 10, kTest), nullptr);
        EXPECT_EQ(ExAllocatePool2(POOL_FLAG_NON_PAGED, 10, 0), nullptr); /* zero tag */
        EXPECT_EQ(Live(run.inst, kTest), 5u);                             /* nothing charged for failures */
        EXPECT_EQ(FindTag(run.inst, 0), nullptr);

        ExFreePoolWithTag(z, kTest);
        ExFreePoolWithTag(u, kTest);
        ExFreePoolWithTag(ca, kTest);
        ExFreePoolWithTag(pg, kTest);
        ExFreePool2(ex, kTest, nullptr, 0);
        EXPECT_EQ(Live(run.inst, kTest), 0u);
        done = true;
    });
    run.Run();
    EXPECT_TRUE(done);
    EXPECT_EQ(errorsBeforeInvalid, 0u);
    ASSERT_EQ(run.host.errors.size(), 5u) << Dump(run.host.errors);
    size_t typeErrors = 0;
    for (auto& e : run.host.errors)
        if (e.find("ExAllocatePool2") != std::string::npos && e.find("exactly one of") != std::string::npos)
            typeErrors++;
    EXPECT_EQ(typeErrors, 4u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("pool tag must not be zero")) << Dump(run.host.errors);
    EXPECT_EQ(run.inst->ErrorCount, 5u);
}

// ExAllocatePoolZero returns zeroed memory even where the same block previously held data.
TEST(KernelPool, ExAllocatePoolZeroReturnsZeroedMemory)
{
    KernelRun run;
    bool zeroed = false, zeroedAgain = false;
    run.Thread([&] {
        for (int round = 0; round < 2; round++) {
            unsigned char* dirty = static_cast<unsigned char*>(ExAllocatePoolWithTag(NonPagedPoolNx, 512, kTest));
            memset(dirty, 0x5A, 512);
            ExFreePoolWithTag(dirty, kTest);
            unsigned char* z = static_cast<unsigned char*>(ExAllocatePoolZero(NonPagedPoolNx, 512, kWsks));
            ASSERT_NE(z, nullptr);
            (round == 0 ? zeroed : zeroedAgain) = AllBytes(z, 512, 0);
            EXPECT_EQ(Live(run.inst, kWsks), 1u);
            ExFreePoolWithTag(z, kWsks);
        }
        PVOID q = ExAllocatePoolQuotaZero(NonPagedPoolNx, 40, kWsks);
        EXPECT_TRUE(AllBytes(q, 40, 0));
        ExFreePool(q);
    });
    run.Run();
    EXPECT_TRUE(zeroed);
    EXPECT_TRUE(zeroedAgain);
    EXPECT_EQ(Live(run.inst, kWsks), 0u);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// Freeing with a tag other than the allocation's is BAD_POOL_CALLER (reported with both tags in memory order); the
// block is still released and charged back to the tag it was allocated with.
TEST(KernelPool, FreeingWithTheWrongTagIsDiagnosed)
{
    KernelRun run;
    ULONG liveAfter = 99;
    run.Thread([&] {
        PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 64, kWsks);
        ExFreePoolWithTag(p, kTest);
        liveAfter = Live(run.inst, kWsks);
        PVOID q = ExAllocatePoolWithTag(NonPagedPoolNx, 64, kWsks);
        ExFreePool(q); /* no tag given: no check */
    });
    run.Run();
    EXPECT_EQ(liveAfter, 0u);
    EXPECT_EQ(Live(run.inst, kTest), 0u);
    EXPECT_EQ(run.inst->PoolLiveBytes, 0u);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("ExFreePoolWithTag")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("allocated with tag 'wsks' but freed with tag 'Test' (BAD_POOL_CALLER)"))
        << Dump(run.host.errors);
}

// A second free of the same block, a NULL free, and freeing memory that never came from the pool are
// BAD_POOL_CALLER; the accounting is not disturbed.
TEST(KernelPool, DoubleFreeAndForeignFreeAreDiagnosed)
{
    KernelRun run;
    ULONG liveAfterFirst = 99, liveAfterSecond = 99;
    SIZE_T bytesAfterSecond = 99;
    run.Thread([&] {
        PVOID keep = ExAllocatePoolWithTag(NonPagedPoolNx, 32, kWsks);
        PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 64, kWsks);
        ExFreePoolWithTag(p, kWsks);
        liveAfterFirst = Live(run.inst, kWsks);
        ExFreePoolWithTag(p, kWsks); /* double free */
        liveAfterSecond = Live(run.inst, kWsks);
        bytesAfterSecond = run.inst->PoolLiveBytes;
        ExFreePool(nullptr);
        alignas(16) unsigned char notPool[128] = {};
        ExFreePool(notPool + 64);
        ExFreePoolWithTag(keep, kWsks);
    });
    run.Run();
    EXPECT_EQ(liveAfterFirst, 1u);
    EXPECT_EQ(liveAfterSecond, 1u);
    EXPECT_EQ(bytesAfterSecond, 32u);
    EXPECT_EQ(Live(run.inst, kWsks), 0u);
    ASSERT_EQ(run.host.errors.size(), 3u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("freed twice (BAD_POOL_CALLER)")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("NULL pointer (BAD_POOL_CALLER)")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("was not allocated from the pool (BAD_POOL_CALLER)")) << Dump(run.host.errors);
}

// At unload the leak report names each tag that still holds memory, as it reads in memory ('sksw' -> "wsks"),
// with its count and bytes; tags whose allocations were all freed are not mentioned.
TEST(KernelPool, LeakReportNamesTheTagInMemoryOrder)
{
    KernelRun run;
    run.Thread([&] {
        ExAllocatePoolWithTag(NonPagedPoolNx, 100, kWsks);
        ExAllocatePoolWithTag(NonPagedPoolNx, 200, kWsks);
        PVOID freed = ExAllocatePoolWithTag(NonPagedPoolNx, 10, kTest);
        ExFreePoolWithTag(freed, kTest);
        ExAllocatePoolWithTag(NonPagedPoolNx, 7, 0x01424344); /* bytes 44 43 42 01: "DCB." */
    });
    run.Run();
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    ULONG leaked = KrtInstanceReportLeaks(run.inst);
    EXPECT_EQ(leaked, 3u);
    ASSERT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("DriverUnload")) << Dump(run.host.errors);
    EXPECT_TRUE(
        run.host.ErrorContains("pool leak: tag 'wsks' (0x736b7377) still has 2 allocation(s), 300 bytes"))
        << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("pool leak: tag 'DCB.' (0x01424344) still has 1 allocation(s), 7 bytes"))
        << Dump(run.host.errors);
    EXPECT_FALSE(run.host.ErrorContains("'Test'")) << Dump(run.host.errors);
    EXPECT_EQ(run.inst->ErrorCount, 2u);
}

namespace {

struct LookasideCalls
{
    int allocs = 0;
    int frees = 0;
    POOL_TYPE type = MaxPoolType;
    SIZE_T size = 0;
    ULONG tag = 0;
    PLOOKASIDE_LIST_EX list = nullptr;
    std::set<PVOID> outstanding;
};
LookasideCalls g_calls;

PVOID
CountingAllocate(POOL_TYPE type, SIZE_T size, ULONG tag)
{
    g_calls.allocs++;
    g_calls.type = type;
    g_calls.size = size;
    g_calls.tag = tag;
    PVOID p = ExAllocatePoolWithTag(type, size, tag);
    g_calls.outstanding.insert(p);
    return p;
}

VOID
CountingFree(PVOID p)
{
    g_calls.frees++;
    EXPECT_EQ(g_calls.outstanding.erase(p), 1u);
    ExFreePool(p);
}

PVOID
CountingAllocateEx(POOL_TYPE type, SIZE_T size, ULONG tag, PLOOKASIDE_LIST_EX list)
{
    g_calls.list = list;
    return CountingAllocate(type, size, tag);
}

VOID
CountingFreeEx(PVOID p, PLOOKASIDE_LIST_EX list)
{
    g_calls.list = list;
    CountingFree(p);
}

} // namespace

// A plain lookaside list without callbacks draws blocks from the pool with its tag, keeps freed blocks for reuse,
// and gives them back to the pool when deleted.
TEST(KernelPool, NPagedLookasideListReusesBlocksAndReleasesThemOnDelete)
{
    KernelRun run;
    bool done = false;
    run.Thread([&] {
        static NPAGED_LOOKASIDE_LIST list;
        ExInitializeNPagedLookasideList(&list, nullptr, nullptr, 0, 100, 'kLpN', 0);
        PVOID a = ExAllocateFromNPagedLookasideList(&list);
        PVOID b = ExAllocateFromNPagedLookasideList(&list);
        ASSERT_NE(a, nullptr);
        ASSERT_NE(b, nullptr);
        EXPECT_NE(a, b);
        EXPECT_EQ(Live(run.inst, 'kLpN'), 2u);
        EXPECT_EQ(FindTag(run.inst, 'kLpN')->LiveBytes, 200u);
        ExFreeToNPagedLookasideList(&list, a);
        EXPECT_EQ(Live(run.inst, 'kLpN'), 2u); /* kept on the list */
        PVOID c = ExAllocateFromNPagedLookasideList(&list);
        EXPECT_EQ(c, a);                       /* reused */
        EXPECT_EQ(list.L.TotalAllocates, 3u);
        EXPECT_EQ(list.L.AllocateMisses, 2u);
        ExFreeToNPagedLookasideList(&list, b);
        ExFreeToNPagedLookasideList(&list, c);
        EXPECT_EQ(list.L.TotalFrees, 3u);
        EXPECT_EQ(list.L.FreeMisses, 0u);
        ExDeleteNPagedLookasideList(&list);
        EXPECT_EQ(Live(run.inst, 'kLpN'), 0u);
        done = true;
    });
    run.Run();
    EXPECT_TRUE(done);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// Custom allocate/free callbacks of a plain lookaside list are called on misses and on delete, with the list's
// pool type, block size and tag.
TEST(KernelPool, NPagedLookasideListCallsCustomAllocateAndFree)
{
    KernelRun run;
    g_calls = LookasideCalls();
    int allocsAfterReuse = -1, freesBeforeDelete = -1;
    run.Thread([&] {
        static NPAGED_LOOKASIDE_LIST list;
        ExInitializeNPagedLookasideList(&list, CountingAllocate, CountingFree, 0, 72, 'CkLN', 0);
        PVOID a = ExAllocateFromNPagedLookasideList(&list);
        PVOID b = ExAllocateFromNPagedLookasideList(&list);
        EXPECT_EQ(g_calls.outstanding.count(a), 1u);
        EXPECT_EQ(g_calls.outstanding.count(b), 1u);
        ExFreeToNPagedLookasideList(&list, a);
        PVOID c = ExAllocateFromNPagedLookasideList(&list);
        EXPECT_EQ(c, a);
        allocsAfterReuse = g_calls.allocs;
        ExFreeToNPagedLookasideList(&list, b);
        ExFreeToNPagedLookasideList(&list, c);
        freesBeforeDelete = g_calls.frees;
        ExDeleteNPagedLookasideList(&list);
    });
    run.Run();
    EXPECT_EQ(allocsAfterReuse, 2);
    EXPECT_EQ(g_calls.allocs, 2);
    EXPECT_EQ(g_calls.type, NonPagedPoolNx);
    EXPECT_EQ(g_calls.size, 72u);
    EXPECT_EQ(g_calls.tag, (ULONG)'CkLN');
    EXPECT_EQ(freesBeforeDelete, 0);
    EXPECT_EQ(g_calls.frees, 2);
    EXPECT_TRUE(g_calls.outstanding.empty());
    EXPECT_EQ(Live(run.inst, 'CkLN'), 0u);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// LOOKASIDE_LIST_EX: the Ex callbacks receive the list itself plus the pool type, size and tag given at
// initialisation; flushing gives cached blocks back through the free callback. Mismatched callbacks and unknown
// flags are rejected; without callbacks the pool is used with the list's tag.
TEST(KernelPool, LookasideListExCallsExCallbacksWithTheList)
{
    KernelRun run;
    g_calls = LookasideCalls();
    NTSTATUS init = -1, onlyAllocate = 0, badFlags = 0, plain = -1;
    int freesAfterFlush = -1;
    PLOOKASIDE_LIST_EX expectedList = nullptr;
    run.Thread([&] {
        static LOOKASIDE_LIST_EX list, other, plainList;
        expectedList = &list;
        init = ExInitializeLookasideListEx(&list, CountingAllocateEx, CountingFreeEx, PagedPool, 0, 40, 'xEkL', 0);
        PVOID a = ExAllocateFromLookasideListEx(&list);
        PVOID b = ExAllocateFromLookasideListEx(&list);
        EXPECT_NE(a, b);
        EXPECT_EQ(Live(run.inst, 'xEkL'), 2u);
        ExFreeToLookasideListEx(&list, a);
        ExFreeToLookasideListEx(&list, b);
        ExFlushLookasideListEx(&list);
        freesAfterFlush = g_calls.frees;
        EXPECT_EQ(Live(run.inst, 'xEkL'), 0u);
        PVOID c = ExAllocateFromLookasideListEx(&list);
        ExFreeToLookasideListEx(&list, c);
        ExDeleteLookasideListEx(&list);

        onlyAllocate = ExInitializeLookasideListEx(&other, CountingAllocateEx, nullptr, NonPagedPoolNx, 0, 40,
                                                   'xEkL', 0);
        badFlags = ExInitializeLookasideListEx(&other, nullptr, nullptr, NonPagedPoolNx, 0x4, 40, 'xEkL', 0);

        plain = ExInitializeLookasideListEx(&plainList, nullptr, nullptr, NonPagedPoolNx,
                                            EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE, 24, 'nlPL', 0);
        PVOID d = ExAllocateFromLookasideListEx(&plainList);
        EXPECT_EQ(Live(run.inst, 'nlPL'), 1u);
        ExFreeToLookasideListEx(&plainList, d);
        ExDeleteLookasideListEx(&plainList);
        EXPECT_EQ(Live(run.inst, 'nlPL'), 0u);
    });
    run.Run();
    EXPECT_EQ(init, STATUS_SUCCESS);
    EXPECT_EQ(g_calls.allocs, 3);
    EXPECT_EQ(g_calls.frees, 3);
    EXPECT_EQ(freesAfterFlush, 2);
    EXPECT_EQ(g_calls.list, expectedList);
    EXPECT_EQ(g_calls.type, PagedPool);
    EXPECT_EQ(g_calls.size, 40u);
    EXPECT_EQ(g_calls.tag, (ULONG)'xEkL');
    EXPECT_TRUE(g_calls.outstanding.empty());
    EXPECT_EQ(onlyAllocate, STATUS_INVALID_PARAMETER);
    EXPECT_EQ(badFlags, STATUS_INVALID_PARAMETER);
    EXPECT_EQ(plain, STATUS_SUCCESS);
    EXPECT_EQ(Live(run.inst, 'xEkL'), 0u);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}
