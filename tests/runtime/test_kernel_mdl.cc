// Memory descriptor lists (capi/runtime/mdl.c) against wsk-api.md §7.3: IoAllocateMdl fields, chaining onto an
// IRP, nonpaged-pool MDLs and MmGetSystemAddressForMdlSafe, probe-and-lock flags and misuse, partial MDLs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

// After the standard headers: the WDK headers define SAL macros such as __out and __reserved.
#include "kernel-fixture.h"

using wsktest::KernelRun;

namespace {

constexpr ULONG kMdlTag = 0x206C644Du; // 'Mdl ', the runtime's MDL pool tag

alignas(4096) unsigned char g_pages[4 * 4096];

std::string
Dump(const std::vector<std::string>& lines)
{
    std::string s;
    for (auto& l : lines)
        s += "  " + l + "\n";
    return s;
}

ULONG
LiveMdls(const KRT_INSTANCE* inst)
{
    for (ULONG i = 0; i < inst->TagCount; i++)
        if (inst->Tags[i].Tag == kMdlTag)
            return inst->Tags[i].LiveCount;
    return 0;
}

size_t
CountErrors(const wsktest::TestHost& host, const std::string& needle)
{
    size_t n = 0;
    for (auto& l : host.errors)
        if (l.find(needle) != std::string::npos)
            n++;
    return n;
}

} // namespace

// IoAllocateMdl: StartVa = page-aligned VA, ByteOffset = VA & 0xFFF, ByteCount = Length, a PFN per spanned page.
TEST(KernelMdl, IoAllocateMdlDescribesTheBuffer)
{
    KernelRun run;
    bool done = false;
    run.Thread([&] {
        unsigned char* va = g_pages + 0x123;
        PMDL mdl = IoAllocateMdl(va, 0x2000, FALSE, FALSE, nullptr);
        ASSERT_NE(mdl, nullptr);
        EXPECT_EQ(mdl->StartVa, static_cast<PVOID>(g_pages));
        EXPECT_EQ(mdl->ByteOffset, 0x123u);
        EXPECT_EQ(mdl->ByteCount, 0x2000u);
        EXPECT_EQ(MmGetMdlVirtualAddress(mdl), static_cast<PVOID>(va));
        EXPECT_EQ(MmGetMdlByteCount(mdl), 0x2000u);
        EXPECT_EQ(MmGetMdlByteOffset(mdl), 0x123u);
        EXPECT_EQ(MmGetMdlBaseVa(mdl), static_cast<PVOID>(g_pages));
        EXPECT_EQ(mdl->MdlFlags, 0);
        EXPECT_EQ(mdl->Next, nullptr);
        EXPECT_EQ(mdl->MappedSystemVa, nullptr);
        /* 0x123 + 0x2000 bytes span three pages */
        EXPECT_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, 0x2000), 3u);
        EXPECT_EQ((size_t)mdl->Size, sizeof(MDL) + 3 * sizeof(PFN_NUMBER));
        EXPECT_EQ(MmSizeOfMdl(va, 0x2000), sizeof(MDL) + 3 * sizeof(PFN_NUMBER));
        PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
        for (int i = 0; i < 3; i++)
            EXPECT_EQ(pfn[i], ((ULONG_PTR)g_pages >> PAGE_SHIFT) + i);
        EXPECT_EQ(LiveMdls(run.inst), 1u);

        /* a page-aligned, exactly one-page buffer spans one page; an unaligned 2-byte one across a page two */
        PMDL one = IoAllocateMdl(g_pages + 4096, 4096, FALSE, FALSE, nullptr);
        ASSERT_NE(one, nullptr);
        EXPECT_EQ(one->ByteOffset, 0u);
        EXPECT_EQ(one->StartVa, static_cast<PVOID>(g_pages + 4096));
        EXPECT_EQ((size_t)one->Size, sizeof(MDL) + sizeof(PFN_NUMBER));
        PMDL straddle = IoAllocateMdl(g_pages + 4095, 2, FALSE, FALSE, nullptr);
        ASSERT_NE(straddle, nullptr);
        EXPECT_EQ(straddle->ByteOffset, 0xFFFu);
        EXPECT_EQ((size_t)straddle->Size, sizeof(MDL) + 2 * sizeof(PFN_NUMBER));
        EXPECT_EQ(LiveMdls(run.inst), 3u);

        EXPECT_EQ(IoAllocateMdl(va, 0, FALSE, FALSE, nullptr), nullptr); /* zero length */
        IoFreeMdl(mdl);
        IoFreeMdl(one);
        IoFreeMdl(straddle);
        EXPECT_EQ(LiveMdls(run.inst), 0u);
        done = true;
    });
    run.Run();
    EXPECT_TRUE(done);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.warnings.empty()) << Dump(run.host.warnings);
}

// With an IRP: the first MDL becomes Irp->MdlAddress, SecondaryBuffer ones are chained through Next; a second
// non-secondary MDL replaces the first, with a warning.
TEST(KernelMdl, IoAllocateMdlChainsSecondaryBuffersOnTheIrp)
{
    KernelRun run;
    bool done = false;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, FALSE);
        PMDL m1 = IoAllocateMdl(g_pages, 100, FALSE, FALSE, irp);
        EXPECT_EQ(irp->MdlAddress, m1);
        PMDL m2 = IoAllocateMdl(g_pages + 200, 50, TRUE, FALSE, irp);
        PMDL m3 = IoAllocateMdl(g_pages + 5000, 60, TRUE, FALSE, irp);
        EXPECT_EQ(irp->MdlAddress, m1);
        EXPECT_EQ(m1->Next, m2);
        EXPECT_EQ(m2->Next, m3);
        EXPECT_EQ(m3->Next, nullptr);
        ULONG total = 0;
        for (PMDL m = irp->MdlAddress; m != nullptr; m = m->Next)
            total += MmGetMdlByteCount(m);
        EXPECT_EQ(total, 210u);
        EXPECT_TRUE(run.host.warnings.empty()) << Dump(run.host.warnings);

        PMDL m4 = IoAllocateMdl(g_pages + 8000, 10, FALSE, FALSE, irp);
        EXPECT_EQ(irp->MdlAddress, m4);
        EXPECT_EQ(run.host.warnings.size(), 1u) << Dump(run.host.warnings);

        irp->MdlAddress = nullptr;
        IoFreeMdl(m1);
        IoFreeMdl(m2);
        IoFreeMdl(m3);
        IoFreeMdl(m4);
        IoFreeIrp(irp);
        EXPECT_EQ(LiveMdls(run.inst), 0u);
        done = true;
    });
    run.Run();
    EXPECT_TRUE(done);
    ASSERT_EQ(run.host.warnings.size(), 1u) << Dump(run.host.warnings);
    EXPECT_NE(run.host.warnings[0].find("already has an MDL"), std::string::npos);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// MmBuildMdlForNonPagedPool sets MDL_SOURCE_IS_NONPAGED_POOL and MappedSystemVa, so MmGetSystemAddressForMdlSafe
// returns the original address without mapping anything; probing such an MDL is misuse.
TEST(KernelMdl, NonPagedPoolMdlGivesBackTheOriginalAddress)
{
    KernelRun run;
    PVOID buffer = nullptr, systemVa = nullptr, systemVaNoExecute = nullptr;
    CSHORT flagsAfterBuild = 0, flagsAfterGet = 0;
    run.Thread([&] {
        buffer = ExAllocatePoolWithTag(NonPagedPoolNx, 3000, 'fuBT');
        PMDL mdl = IoAllocateMdl(buffer, 3000, FALSE, FALSE, nullptr);
        MmBuildMdlForNonPagedPool(mdl);
        flagsAfterBuild = mdl->MdlFlags;
        EXPECT_EQ(mdl->MappedSystemVa, buffer);
        systemVa = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
        systemVaNoExecute = MmGetSystemAddressForMdlSafe(mdl, HighPagePriority | MdlMappingNoExecute);
        flagsAfterGet = mdl->MdlFlags;
        EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);

        MmProbeAndLockPages(mdl, KernelMode, IoReadAccess); /* misuse: built for nonpaged pool */
        EXPECT_EQ(mdl->MdlFlags & MDL_PAGES_LOCKED, 0);
        IoFreeMdl(mdl);
        ExFreePoolWithTag(buffer, 'fuBT');
    });
    run.Run();
    EXPECT_EQ(flagsAfterBuild, MDL_SOURCE_IS_NONPAGED_POOL);
    EXPECT_EQ(systemVa, buffer);
    EXPECT_EQ(systemVaNoExecute, buffer);
    EXPECT_EQ(flagsAfterGet, MDL_SOURCE_IS_NONPAGED_POOL); /* nothing was mapped */
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("MmProbeAndLockPages")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("built for nonpaged pool")) << Dump(run.host.errors);
    EXPECT_EQ(LiveMdls(run.inst), 0u);
}

// MmProbeAndLockPages sets MDL_PAGES_LOCKED (plus MDL_WRITE_OPERATION for write/modify access); mapping sets
// MDL_MAPPED_TO_SYSTEM_VA; MmUnlockPages clears all three.
TEST(KernelMdl, ProbeAndLockPagesAndUnlockPagesFlags)
{
    KernelRun run;
    struct Step
    {
        LOCK_OPERATION op;
        CSHORT locked;
        CSHORT mapped;
        CSHORT unlocked;
        PVOID address;
    };
    Step steps[] = {
        {IoReadAccess, 0, 0, -1, nullptr},
        {IoWriteAccess, 0, 0, -1, nullptr},
        {IoModifyAccess, 0, 0, -1, nullptr},
    };
    run.Thread([&] {
        for (Step& s : steps) {
            PMDL mdl = IoAllocateMdl(g_pages + 0x40, 0x1800, FALSE, FALSE, nullptr);
            MmProbeAndLockPages(mdl, KernelMode, s.op);
            s.locked = mdl->MdlFlags;
            s.address = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
            s.mapped = mdl->MdlFlags;
            MmUnlockPages(mdl);
            s.unlocked = mdl->MdlFlags;
            IoFreeMdl(mdl);
        }
    });
    run.Run();
    EXPECT_EQ(steps[0].locked, MDL_PAGES_LOCKED);
    EXPECT_EQ(steps[1].locked, MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
    EXPECT_EQ(steps[2].locked, MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
    for (const Step& s : steps) {
        EXPECT_EQ(s.address, static_cast<PVOID>(g_pages + 0x40));
        EXPECT_EQ(s.mapped, s.locked | MDL_MAPPED_TO_SYSTEM_VA);
        EXPECT_EQ(s.unlocked, 0);
    }
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.warnings.empty()) << Dump(run.host.warnings);
    EXPECT_EQ(LiveMdls(run.inst), 0u);
}

// Misuse around locking: locking twice, unlocking an unlocked MDL, mapping an MDL that is neither locked nor
// built for nonpaged pool, building a locked MDL for nonpaged pool, probing address 0, and freeing a locked MDL.
TEST(KernelMdl, ProbeAndLockMisuseIsDiagnosed)
{
    KernelRun run;
    std::vector<size_t> errorsAfter;
    size_t warningsAfterFree = 99;
    run.Thread([&] {
        PMDL mdl = IoAllocateMdl(g_pages, 100, FALSE, FALSE, nullptr);
        MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
        MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess); /* already locked */
        EXPECT_EQ(mdl->MdlFlags, MDL_PAGES_LOCKED);          /* unchanged by the rejected call */
        errorsAfter.push_back(run.host.errors.size());
        MmBuildMdlForNonPagedPool(mdl); /* locked */
        errorsAfter.push_back(run.host.errors.size());
        MmUnlockPages(mdl);
        MmUnlockPages(mdl); /* not locked */
        errorsAfter.push_back(run.host.errors.size());
        IoFreeMdl(mdl);

        mdl = IoAllocateMdl(g_pages, 100, FALSE, FALSE, nullptr);
        PVOID va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority); /* neither locked nor nonpaged */
        EXPECT_EQ(va, static_cast<PVOID>(g_pages));
        errorsAfter.push_back(run.host.errors.size());
        IoFreeMdl(mdl);

        mdl = IoAllocateMdl(nullptr, 100, FALSE, FALSE, nullptr);
        ASSERT_NE(mdl, nullptr);
        MmProbeAndLockPages(mdl, KernelMode, IoReadAccess); /* address 0 */
        errorsAfter.push_back(run.host.errors.size());
        MmUnlockPages(mdl);
        IoFreeMdl(mdl);

        MmProbeAndLockPages(mdl = IoAllocateMdl(g_pages, 10, FALSE, FALSE, nullptr), KernelMode, IoReadAccess);
        IoFreeMdl(mdl); /* still locked */
        warningsAfterFree = run.host.warnings.size();
    });
    run.Run();
    ASSERT_EQ(errorsAfter.size(), 5u);
    EXPECT_EQ(errorsAfter[0], 1u);
    EXPECT_EQ(errorsAfter[1], 2u);
    EXPECT_EQ(errorsAfter[2], 3u);
    EXPECT_EQ(errorsAfter[3], 4u);
    EXPECT_EQ(errorsAfter[4], 5u);
    EXPECT_EQ(run.host.errors.size(), 5u) << Dump(run.host.errors);
    EXPECT_EQ(CountErrors(run.host, "MmProbeAndLockPages"), 2u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("already locked")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("MmBuildMdlForNonPagedPool")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("MmUnlockPages")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("is not locked")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("neither locked nor built for nonpaged pool")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("STATUS_ACCESS_VIOLATION")) << Dump(run.host.errors);
    EXPECT_EQ(warningsAfterFree, 1u) << Dump(run.host.warnings);
    EXPECT_TRUE(run.host.Logged("freed while its pages are still locked")) << Dump(run.host.warnings);
    EXPECT_EQ(LiveMdls(run.inst), 0u);
}

// IoBuildPartialMdl describes a sub-range of the source: its own StartVa/ByteOffset/ByteCount, MDL_PARTIAL, and a
// system address that is the sub-range's address whether the source was built for nonpaged pool or locked.
TEST(KernelMdl, IoBuildPartialMdlDescribesASubRange)
{
    KernelRun run;
    unsigned char* base = g_pages + 0x10;
    const ULONG length = 0x2F00;
    unsigned char* sub = base + 0x1800;
    PMDL partial = nullptr;
    PVOID partialVa = nullptr, restVa = nullptr, lockedPartialVa = nullptr;
    CSHORT partialFlags = 0, restFlags = 0, lockedFlagsBefore = 0, lockedFlagsMapped = 0, lockedFlagsReused = 0;
    ULONG restCount = 0;
    PVOID partialStart = nullptr;
    ULONG partialOffset = 0, partialCount = 0;
    size_t errorsBeforeMisuse = 99;
    run.Thread([&] {
        PMDL source = IoAllocateMdl(base, length, FALSE, FALSE, nullptr);
        MmBuildMdlForNonPagedPool(source);
        partial = IoAllocateMdl(sub, 0x100, FALSE, FALSE, nullptr);
        IoBuildPartialMdl(source, partial, sub, 0x100);
        partialStart = partial->StartVa;
        partialOffset = partial->ByteOffset;
        partialCount = partial->ByteCount;
        partialFlags = partial->MdlFlags;
        partialVa = MmGetSystemAddressForMdlSafe(partial, NormalPagePriority);
        EXPECT_EQ(MmGetMdlVirtualAddress(partial), static_cast<PVOID>(sub));

        /* Length 0: the rest of the source from VirtualAddress on */
        PMDL rest = IoAllocateMdl(sub, length - 0x1800, FALSE, FALSE, nullptr);
        IoBuildPartialMdl(source, rest, sub, 0);
        restCount = rest->ByteCount;
        restFlags = rest->MdlFlags;
        restVa = MmGetSystemAddressForMdlSafe(rest, NormalPagePriority);
        IoFreeMdl(rest);

        /* A locked (not mapped) source: the partial MDL is mapped on demand and unmapped for reuse */
        PMDL locked = IoAllocateMdl(base, length, FALSE, FALSE, nullptr);
        MmProbeAndLockPages(locked, KernelMode, IoWriteAccess);
        PMDL lockedPartial = IoAllocateMdl(sub, 0x100, FALSE, FALSE, nullptr);
        IoBuildPartialMdl(locked, lockedPartial, sub, 0x100);
        lockedFlagsBefore = lockedPartial->MdlFlags;
        lockedPartialVa = MmGetSystemAddressForMdlSafe(lockedPartial, NormalPagePriority);
        lockedFlagsMapped = lockedPartial->MdlFlags;
        MmPrepareMdlForReuse(lockedPartial);
        lockedFlagsReused = lockedPartial->MdlFlags;
        IoFreeMdl(lockedPartial);
        MmUnlockPages(locked);
        IoFreeMdl(locked);
        errorsBeforeMisuse = run.host.errors.size();

        /* misuse: outside the source, and running past its end */
        PMDL bad = IoAllocateMdl(g_pages, 0x100, FALSE, FALSE, nullptr);
        IoBuildPartialMdl(source, bad, base + length + 0x10, 0x10);
        IoBuildPartialMdl(source, bad, base + length - 0x10, 0x20);
        IoFreeMdl(bad);
        IoFreeMdl(partial);
        IoFreeMdl(source);
    });
    run.Run();
    EXPECT_EQ(partialStart, PAGE_ALIGN(sub));
    EXPECT_EQ(partialOffset, BYTE_OFFSET(sub));
    EXPECT_EQ(partialCount, 0x100u);
    EXPECT_EQ(partialFlags, MDL_PARTIAL | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARENT_MAPPED_SYSTEM_VA);
    EXPECT_EQ(partialVa, static_cast<PVOID>(sub));
    EXPECT_EQ(restCount, length - 0x1800);
    EXPECT_EQ(restFlags, partialFlags);
    EXPECT_EQ(restVa, static_cast<PVOID>(sub));
    EXPECT_EQ(lockedFlagsBefore, MDL_PARTIAL);
    EXPECT_EQ(lockedPartialVa, static_cast<PVOID>(sub));
    EXPECT_EQ(lockedFlagsMapped, MDL_PARTIAL | MDL_PARTIAL_HAS_BEEN_MAPPED);
    EXPECT_EQ(lockedFlagsReused, MDL_PARTIAL);
    EXPECT_EQ(errorsBeforeMisuse, 0u) << Dump(run.host.errors);
    EXPECT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("lies outside the source MDL")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("range exceeds the source MDL")) << Dump(run.host.errors);
    EXPECT_EQ(LiveMdls(run.inst), 0u);
}
