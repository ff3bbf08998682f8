/* mdl.c - memory descriptor lists. Every address is already mapped kernel memory in the simulation, so
 * "locking" and "mapping" are state transitions that the runtime checks for misuse. */
#include "krt_internal.h"

#define KRT_MDL_TAG 0x206C644Du /* 'Mdl ' */

SIZE_T NTAPI MmSizeOfMdl(PVOID Base, SIZE_T Length)
{
    return sizeof(MDL) + sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES(Base, Length);
}

static void KrtFillPfns(PMDL mdl)
{
    PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
    size_t pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl), mdl->ByteCount);
    for (size_t i = 0; i < pages; i++)
        pfn[i] = ((ULONG_PTR)mdl->StartVa >> PAGE_SHIFT) + i;
}

PMDL NTAPI IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer, BOOLEAN ChargeQuota, PIRP Irp)
{
    (void)ChargeQuota;
    if (Length == 0 || Length > 0xFFFFFFFFu - PAGE_SIZE * 2)
        return NULL;
    SIZE_T size = MmSizeOfMdl(VirtualAddress, Length);
    PMDL mdl = ExAllocatePoolWithTag(NonPagedPoolNx, size, KRT_MDL_TAG);
    if (mdl == NULL)
        return NULL;
    MmInitializeMdl(mdl, VirtualAddress, Length);
    mdl->Size = (CSHORT)(size > 0x7FFF ? 0x7FFF : size);
    KrtFillPfns(mdl);
    if (Irp != NULL) {
        if (!SecondaryBuffer) {
            if (Irp->MdlAddress != NULL)
                KrtReport(1, "IoAllocateMdl", "IRP %p already has an MDL; the new one replaces it", (void *)Irp);
            Irp->MdlAddress = mdl;
        } else {
            PMDL *tail = &Irp->MdlAddress;
            while (*tail != NULL)
                tail = &(*tail)->Next;
            *tail = mdl;
        }
    }
    return mdl;
}

VOID NTAPI IoFreeMdl(PMDL Mdl)
{
    if (Mdl == NULL)
        return;
    if ((Mdl->MdlFlags & MDL_PAGES_LOCKED) && !(Mdl->MdlFlags & MDL_PARTIAL))
        KrtReport(1, "IoFreeMdl", "MDL %p freed while its pages are still locked (call MmUnlockPages first)",
                  (void *)Mdl);
    ExFreePoolWithTag(Mdl, KRT_MDL_TAG);
}

PMDL NTAPI MmCreateMdl(PMDL MemoryDescriptorList, PVOID Base, SIZE_T Length)
{
    PMDL mdl = MemoryDescriptorList;
    if (mdl == NULL) {
        mdl = ExAllocatePoolWithTag(NonPagedPoolNx, MmSizeOfMdl(Base, Length), KRT_MDL_TAG);
        if (mdl == NULL)
            return NULL;
    }
    MmInitializeMdl(mdl, Base, Length);
    KrtFillPfns(mdl);
    return mdl;
}

VOID NTAPI MmBuildMdlForNonPagedPool(PMDL Mdl)
{
    if (Mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL))
        KrtReport(2, "MmBuildMdlForNonPagedPool", "MDL %p is locked, mapped or partial", (void *)Mdl);
    Mdl->MappedSystemVa = MmGetMdlVirtualAddress(Mdl);
    Mdl->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
    KrtFillPfns(Mdl);
}

VOID NTAPI MmProbeAndLockPages(PMDL Mdl, KPROCESSOR_MODE AccessMode, LOCK_OPERATION Operation)
{
    (void)AccessMode;
    if (Mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL)) {
        KrtReport(2, "MmProbeAndLockPages", "MDL %p is already locked, built for nonpaged pool, or partial",
                  (void *)Mdl);
        return;
    }
    if (Mdl->StartVa == NULL && Mdl->ByteOffset == 0 && Mdl->ByteCount != 0)
        KrtReport(2, "MmProbeAndLockPages", "MDL %p describes address 0 (STATUS_ACCESS_VIOLATION on Windows)",
                  (void *)Mdl);
    Mdl->MdlFlags |= MDL_PAGES_LOCKED;
    if (Operation != IoReadAccess)
        Mdl->MdlFlags |= MDL_WRITE_OPERATION;
}

VOID NTAPI MmUnlockPages(PMDL Mdl)
{
    if (!(Mdl->MdlFlags & MDL_PAGES_LOCKED)) {
        KrtReport(2, "MmUnlockPages", "MDL %p is not locked", (void *)Mdl);
        return;
    }
    Mdl->MdlFlags &= (CSHORT) ~(MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA | MDL_WRITE_OPERATION);
}

PVOID NTAPI MmMapLockedPagesSpecifyCache(PMDL Mdl, KPROCESSOR_MODE AccessMode, MEMORY_CACHING_TYPE CacheType,
                                         PVOID RequestedAddress, ULONG BugCheckOnFailure, ULONG Priority)
{
    (void)AccessMode;
    (void)CacheType;
    (void)RequestedAddress;
    (void)BugCheckOnFailure;
    (void)Priority;
    if (!(Mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL)))
        KrtReport(2, "MmMapLockedPagesSpecifyCache", "MDL %p is neither locked nor built for nonpaged pool",
                  (void *)Mdl);
    Mdl->MappedSystemVa = MmGetMdlVirtualAddress(Mdl);
    Mdl->MdlFlags |= (Mdl->MdlFlags & MDL_PARTIAL) ? MDL_PARTIAL_HAS_BEEN_MAPPED : MDL_MAPPED_TO_SYSTEM_VA;
    return Mdl->MappedSystemVa;
}

PVOID NTAPI MmMapLockedPages(PMDL Mdl, KPROCESSOR_MODE AccessMode)
{
    return MmMapLockedPagesSpecifyCache(Mdl, AccessMode, MmCached, NULL, TRUE, NormalPagePriority);
}

VOID NTAPI MmUnmapLockedPages(PVOID BaseAddress, PMDL Mdl)
{
    (void)BaseAddress;
    Mdl->MdlFlags &= (CSHORT) ~(MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED);
}

VOID NTAPI IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress, ULONG Length)
{
    char *srcVa = (char *)MmGetMdlVirtualAddress(SourceMdl);
    char *va = (char *)VirtualAddress;
    if (va < srcVa || va > srcVa + SourceMdl->ByteCount) {
        KrtReport(2, "IoBuildPartialMdl", "address %p lies outside the source MDL %p", VirtualAddress,
                  (void *)SourceMdl);
        return;
    }
    if (Length == 0)
        Length = (ULONG)(srcVa + SourceMdl->ByteCount - va);
    if (va + Length > srcVa + SourceMdl->ByteCount)
        KrtReport(2, "IoBuildPartialMdl", "range exceeds the source MDL %p", (void *)SourceMdl);
    TargetMdl->StartVa = PAGE_ALIGN(va);
    TargetMdl->ByteOffset = BYTE_OFFSET(va);
    TargetMdl->ByteCount = Length;
    TargetMdl->Process = SourceMdl->Process;
    TargetMdl->MdlFlags = (CSHORT)(MDL_PARTIAL | (SourceMdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL));
    TargetMdl->MappedSystemVa = va;
    if (SourceMdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))
        TargetMdl->MdlFlags |= MDL_PARENT_MAPPED_SYSTEM_VA;
    KrtFillPfns(TargetMdl);
}

BOOLEAN NTAPI MmIsAddressValid(PVOID VirtualAddress) { return (BOOLEAN)(VirtualAddress != NULL); }
