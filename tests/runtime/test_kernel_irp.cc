// IRP mechanics of the kernel runtime (capi/runtime/irp.c), point by point against wsk-api.md §8.1:
// allocation and stack locations, completion-routine filtering, PendingReturned, STATUS_MORE_PROCESSING_REQUIRED,
// two-level stacks with pending propagation, cancellation, reuse, and the misuse diagnostics.
//
// A fake "provider" written here plays the WSK side: it takes the IRP's next stack location
// (IoSetNextIrpStackLocation), then either completes inline or marks the IRP pending, returns STATUS_PENDING and
// completes it later with IoCompleteRequest from a simulator event at DISPATCH_LEVEL.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

// After the standard headers: the WDK headers define SAL macros such as __out and __reserved.
#include "kernel-fixture.h"

extern "C" {
#include "krt_irp.h"
}

using wsktest::KernelRun;

namespace {

constexpr ULONG kIrpTag = 0x20707249u; // 'Irp ', the runtime's IRP pool tag
constexpr uint64_t kSec = 1000000000ull;

std::string
Dump(const std::vector<std::string>& lines)
{
    std::string s;
    for (auto& l : lines)
        s += "  " + l + "\n";
    return s;
}

ULONG
LiveIrps(const KRT_INSTANCE* inst)
{
    for (ULONG i = 0; i < inst->TagCount; i++)
        if (inst->Tags[i].Tag == kIrpTag)
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

PIO_STACK_LOCATION
FirstLocation(PIRP irp)
{
    return reinterpret_cast<PIO_STACK_LOCATION>(irp + 1);
}

/* What one completion routine observed, and how it behaves. */
struct Seen
{
    int calls = 0;
    NTSTATUS status = 0;
    ULONG_PTR information = 0;
    BOOLEAN pendingReturned = FALSE;
    BOOLEAN cancel = FALSE;
    KIRQL irql = 0xFF;
    PDEVICE_OBJECT device = nullptr;
    int currentLocation = -1;
    uint64_t atNs = 0;
    NTSTATUS result = STATUS_MORE_PROCESSING_REQUIRED; // what the routine returns
    bool freeIrp = false;                              // IoFreeIrp inside the routine
    bool propagatePending = false;                     // if (Irp->PendingReturned) IoMarkIrpPending(Irp)
    PKEVENT event = nullptr;                           // signalled only when PendingReturned, as WSK clients do
};

NTSTATUS
Record(PDEVICE_OBJECT dev, PIRP irp, PVOID ctx)
{
    Seen* s = static_cast<Seen*>(ctx);
    s->calls++;
    s->status = irp->IoStatus.Status;
    s->information = irp->IoStatus.Information;
    s->pendingReturned = irp->PendingReturned;
    s->cancel = irp->Cancel;
    s->irql = KeGetCurrentIrql();
    s->device = dev;
    s->currentLocation = irp->CurrentLocation;
    s->atNs = KhNowNs();
    if (s->propagatePending && irp->PendingReturned)
        IoMarkIrpPending(irp);
    if (s->event != nullptr && irp->PendingReturned)
        KeSetEvent(s->event, IO_NO_INCREMENT, FALSE);
    NTSTATUS r = s->result;
    if (s->freeIrp)
        IoFreeIrp(irp); /* the IRP must not be touched after this */
    return r;
}

/* One pended request of the fake provider; it outlives the IRP so the late completion event can check it. */
struct PendingOp
{
    PIRP irp = nullptr;
    NTSTATUS status = STATUS_SUCCESS;
    ULONG_PTR information = 0;
    bool finished = false;
    int cancelCalls = 0;
    KIRQL cancelIrql = 0xFF;
    PDEVICE_OBJECT cancelDevice = nullptr;
};

VOID
ProviderCancel(PDEVICE_OBJECT dev, PIRP irp)
{
    PendingOp* op = static_cast<PendingOp*>(irp->Tail.Overlay.DriverContext[0]);
    op->cancelCalls++;
    op->cancelIrql = KeGetCurrentIrql(); /* the cancel spin lock is held */
    op->cancelDevice = dev;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    op->finished = true;
    irp->IoStatus.Status = STATUS_CANCELLED;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

class FakeProvider
{
  public:
    explicit FakeProvider(KernelRun& run)
        : m_run(run)
    {
    }

    /* Takes the stack location and completes inline: the returned status is the completion status. */
    NTSTATUS CompleteInline(PIRP irp, NTSTATUS status, ULONG_PTR information)
    {
        IoSetNextIrpStackLocation(irp);
        return CompleteTaken(irp, status, information);
    }

    NTSTATUS CompleteTaken(PIRP irp, NTSTATUS status, ULONG_PTR information)
    {
        irp->IoStatus.Status = status;
        irp->IoStatus.Information = information;
        IoCompleteRequest(irp, IO_NETWORK_INCREMENT);
        return status;
    }

    /* Takes the stack location, marks it pending and completes `delaySeconds` later unless cancelled first. */
    NTSTATUS Pend(PIRP irp, NTSTATUS status, ULONG_PTR information, double delaySeconds, bool cancellable)
    {
        IoSetNextIrpStackLocation(irp);
        return PendTaken(irp, status, information, delaySeconds, cancellable);
    }

    NTSTATUS PendTaken(PIRP irp, NTSTATUS status, ULONG_PTR information, double delaySeconds, bool cancellable)
    {
        auto op = std::make_unique<PendingOp>();
        op->irp = irp;
        op->status = status;
        op->information = information;
        PendingOp* p = op.get();
        ops.push_back(std::move(op));
        IoMarkIrpPending(irp);
        KrtIrpMarkOwned(irp, "FakeProvider");
        irp->Tail.Overlay.DriverContext[0] = p;
        if (cancellable)
            IoSetCancelRoutine(irp, ProviderCancel);
        m_run.Dispatch(
            [p] {
                if (p->finished)
                    return; /* cancelled: the IRP belongs to its owner again (maybe freed) */
                IoSetCancelRoutine(p->irp, nullptr);
                p->finished = true;
                p->irp->IoStatus.Status = p->status;
                p->irp->IoStatus.Information = p->information;
                IoCompleteRequest(p->irp, IO_NETWORK_INCREMENT);
            },
            delaySeconds);
        return STATUS_PENDING;
    }

    /* Used when the provider is reached through IoCallDriver (the I/O manager took the location already). */
    bool pend = true;
    NTSTATUS nextStatus = STATUS_SUCCESS;
    ULONG_PTR nextInformation = 0;
    double nextDelay = 0.5;
    int dispatchCalls = 0;
    int dispatchLocation = -1;
    UCHAR dispatchMajor = 0xFF;
    PDEVICE_OBJECT dispatchDevice = nullptr;
    std::vector<std::unique_ptr<PendingOp>> ops;

  private:
    KernelRun& m_run;
};

/* A fake driver object + device object whose IRP_MJ_INTERNAL_DEVICE_CONTROL handler is `dispatch`. */
struct FakeDevice
{
    DRIVER_OBJECT driver{};
    DEVICE_OBJECT device{};
    FakeDevice(PDRIVER_DISPATCH dispatch, void* extension)
    {
        driver.Type = IO_TYPE_DRIVER;
        driver.MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = dispatch;
        device.Type = IO_TYPE_DEVICE;
        device.DriverObject = &driver;
        device.DeviceExtension = extension;
        device.StackSize = 1;
    }
};

NTSTATUS
ProviderDispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    FakeProvider* p = static_cast<FakeProvider*>(dev->DeviceExtension);
    p->dispatchCalls++;
    p->dispatchLocation = irp->CurrentLocation;
    p->dispatchMajor = IoGetCurrentIrpStackLocation(irp)->MajorFunction;
    p->dispatchDevice = IoGetCurrentIrpStackLocation(irp)->DeviceObject;
    if (p->pend)
        return p->PendTaken(irp, p->nextStatus, p->nextInformation, p->nextDelay, false);
    return p->CompleteTaken(irp, p->nextStatus, p->nextInformation);
}

/* An intermediate driver: copies its location to the next one, optionally sets its own completion routine,
 * and passes the IRP down. */
struct Intermediate
{
    PDEVICE_OBJECT lower = nullptr;
    bool setRoutine = true;
    Seen seen;
};

NTSTATUS
IntermediateDispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    Intermediate* mid = static_cast<Intermediate*>(dev->DeviceExtension);
    IoCopyCurrentIrpStackLocationToNext(irp);
    if (mid->setRoutine)
        IoSetCompletionRoutine(irp, Record, &mid->seen, TRUE, TRUE, TRUE);
    return IoCallDriver(mid->lower, irp);
}

LARGE_INTEGER
Relative(double seconds)
{
    LARGE_INTEGER li;
    li.QuadPart = -(LONGLONG)(seconds * 1e7 + 0.5);
    return li;
}

} // namespace

// §8.1.3: IoAllocateIrp(n) sets StackCount = n, CurrentLocation = n + 1, CurrentStackLocation one past the last
// location, and IoGetNextIrpStackLocation == CurrentStackLocation - 1.
TEST(KernelIrp, AllocateIrpSetsStackCountCurrentLocationAndNextStackLocation)
{
    KernelRun run;
    bool done = false;
    run.Thread([&] {
        for (CCHAR n = 1; n <= 4; n++) {
            PIRP irp = IoAllocateIrp(n, FALSE);
            ASSERT_NE(irp, nullptr);
            EXPECT_EQ(irp->Type, IO_TYPE_IRP);
            EXPECT_EQ(irp->Size, IoSizeOfIrp(n));
            EXPECT_EQ((int)irp->StackCount, n);
            EXPECT_EQ((int)irp->CurrentLocation, n + 1);
            EXPECT_EQ(irp->Tail.Overlay.CurrentStackLocation, FirstLocation(irp) + n);
            EXPECT_EQ(IoGetNextIrpStackLocation(irp), irp->Tail.Overlay.CurrentStackLocation - 1);
            EXPECT_EQ(IoGetNextIrpStackLocation(irp), FirstLocation(irp) + (n - 1));
            EXPECT_FALSE(irp->PendingReturned);
            EXPECT_FALSE(irp->Cancel);
            EXPECT_TRUE(irp->CancelRoutine == nullptr);
            EXPECT_EQ(irp->MdlAddress, nullptr);
            EXPECT_EQ(irp->AllocationFlags, 0);
            EXPECT_EQ(LiveIrps(run.inst), 1u);

            /* The client's completion routine goes into the next location, with the Control bits. */
            int ctx = 0;
            IoSetCompletionRoutine(irp, Record, &ctx, TRUE, TRUE, TRUE);
            PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(irp);
            EXPECT_EQ(next->CompletionRoutine, &Record);
            EXPECT_EQ(next->Context, &ctx);
            EXPECT_EQ(next->Control, SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL);
            IoSetCompletionRoutine(irp, Record, &ctx, TRUE, FALSE, FALSE);
            EXPECT_EQ(next->Control, SL_INVOKE_ON_SUCCESS);
            IoSetCompletionRoutine(irp, Record, &ctx, FALSE, TRUE, FALSE);
            EXPECT_EQ(next->Control, SL_INVOKE_ON_ERROR);
            IoSetCompletionRoutine(irp, Record, &ctx, FALSE, FALSE, TRUE);
            EXPECT_EQ(next->Control, SL_INVOKE_ON_CANCEL);

            /* Taking the location decrements both. */
            IoSetNextIrpStackLocation(irp);
            EXPECT_EQ((int)irp->CurrentLocation, n);
            EXPECT_EQ(IoGetCurrentIrpStackLocation(irp), next);
            IoMarkIrpPending(irp);
            EXPECT_EQ(next->Control & SL_PENDING_RETURNED, SL_PENDING_RETURNED);
            IoFreeIrp(irp);
            EXPECT_EQ(LiveIrps(run.inst), 0u);
        }
        PIRP quota = IoAllocateIrp(2, TRUE);
        ASSERT_NE(quota, nullptr);
        EXPECT_EQ(quota->AllocationFlags, IRP_QUOTA_CHARGED);
        IoFreeIrp(quota);

        EXPECT_EQ(IoAllocateIrp(0, FALSE), nullptr);
        done = true;
    });
    run.Run();
    EXPECT_TRUE(done);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("IoAllocateIrp")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("stack size 0")) << Dump(run.host.errors);
}

// §8.1.4: a non-pending return means the IRP was already completed with that status, the completion routine ran
// before the call returned, with PendingReturned FALSE, and IoStatus.Information is readable at once.
TEST(KernelIrp, InlineCompletionRunsRoutineBeforeReturnWithPendingReturnedFalse)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen ok, failed;
    NTSTATUS okReturned = 0, failedReturned = 0;
    int callsAtReturn = -1;
    ULONG_PTR infoAtReturn = 0;
    run.Thread(
        [&] {
            PIRP irp = IoAllocateIrp(1, FALSE);
            IoSetCompletionRoutine(irp, Record, &ok, TRUE, TRUE, TRUE);
            okReturned = provider.CompleteInline(irp, STATUS_SUCCESS, 42);
            callsAtReturn = ok.calls;
            infoAtReturn = irp->IoStatus.Information;
            EXPECT_EQ(KrtIrpOwner(irp), nullptr);
            IoFreeIrp(irp);

            irp = IoAllocateIrp(1, FALSE);
            IoSetCompletionRoutine(irp, Record, &failed, TRUE, TRUE, TRUE);
            failedReturned = provider.CompleteInline(irp, STATUS_INVALID_DEVICE_STATE, 0);
            IoFreeIrp(irp);
        },
        1.0);
    run.Run();
    EXPECT_EQ(okReturned, STATUS_SUCCESS);
    EXPECT_EQ(callsAtReturn, 1);
    EXPECT_EQ(infoAtReturn, 42u);
    EXPECT_EQ(ok.calls, 1);
    EXPECT_EQ(ok.status, STATUS_SUCCESS);
    EXPECT_EQ(ok.information, 42u);
    EXPECT_FALSE(ok.pendingReturned);
    EXPECT_EQ(ok.irql, PASSIVE_LEVEL); /* completed inline on the calling thread */
    EXPECT_EQ(ok.device, nullptr);     /* the top location has no device */
    EXPECT_EQ(ok.currentLocation, 2);  /* StackCount + 1 when the client's routine runs */
    EXPECT_EQ(ok.atNs, 1 * kSec);

    EXPECT_EQ(failedReturned, STATUS_INVALID_DEVICE_STATE);
    EXPECT_EQ(failed.calls, 1);
    EXPECT_EQ(failed.status, STATUS_INVALID_DEVICE_STATE);
    EXPECT_FALSE(failed.pendingReturned);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
}

// §8.1.3/§8.1.4: STATUS_PENDING, completion later at DISPATCH_LEVEL with PendingReturned TRUE; the client waits
// on an event its routine sets only when PendingReturned is TRUE (win-net-test / usbip-win2 / msquic style).
TEST(KernelIrp, PendedCompletionHasPendingReturnedTrueAndRunsLaterAtDispatch)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen seen;
    KEVENT done;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    seen.event = &done;
    NTSTATUS returned = 0, waited = 0;
    int callsAtReturn = -1;
    const char* ownerWhilePending = nullptr;
    const char* ownerAfter = "unset";
    uint64_t wokeNs = 0;
    run.Thread(
        [&] {
            PIRP irp = IoAllocateIrp(1, FALSE);
            IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
            returned = provider.Pend(irp, STATUS_SUCCESS, 1500, 0.25, false);
            callsAtReturn = seen.calls;
            ownerWhilePending = KrtIrpOwner(irp);
            waited = KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
            wokeNs = KhNowNs();
            ownerAfter = KrtIrpOwner(irp);
            IoFreeIrp(irp);
        },
        1.0);
    run.Run();
    EXPECT_EQ(returned, STATUS_PENDING);
    EXPECT_EQ(callsAtReturn, 0);
    ASSERT_NE(ownerWhilePending, nullptr);
    EXPECT_STREQ(ownerWhilePending, "FakeProvider");
    EXPECT_EQ(ownerAfter, nullptr);
    EXPECT_EQ(waited, STATUS_SUCCESS);
    EXPECT_EQ(wokeNs, 1250000000ull);
    EXPECT_EQ(seen.calls, 1);
    EXPECT_TRUE(seen.pendingReturned);
    EXPECT_EQ(seen.status, STATUS_SUCCESS);
    EXPECT_EQ(seen.information, 1500u);
    EXPECT_EQ(seen.irql, DISPATCH_LEVEL);
    EXPECT_EQ(seen.atNs, 1250000000ull);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
}

// §8.1.3: the routine runs if (NT_SUCCESS and InvokeOnSuccess) or (failure and InvokeOnError) or (Irp->Cancel and
// InvokeOnCancel); a routine is not invoked for a status it did not ask for. The lower location's routine is the
// one under test; a catch-all routine one location up proves the walk continued past it.
TEST(KernelIrp, CompletionRoutineInvokeOnSuccessErrorCancelFiltering)
{
    struct Case
    {
        const char* name;
        BOOLEAN onSuccess, onError, onCancel;
        bool cancelFlag;
        NTSTATUS status;
        bool invoked;
    };
    const Case cases[] = {
        {"success-only / SUCCESS", TRUE, FALSE, FALSE, false, STATUS_SUCCESS, true},
        {"success-only / informational RECEIVE_PARTIAL", TRUE, FALSE, FALSE, false, STATUS_RECEIVE_PARTIAL, true},
        {"success-only / warning BUFFER_OVERFLOW", TRUE, FALSE, FALSE, false, STATUS_BUFFER_OVERFLOW, false},
        {"success-only / CONNECTION_RESET", TRUE, FALSE, FALSE, false, STATUS_CONNECTION_RESET, false},
        {"error-only / SUCCESS", FALSE, TRUE, FALSE, false, STATUS_SUCCESS, false},
        {"error-only / CONNECTION_RESET", FALSE, TRUE, FALSE, false, STATUS_CONNECTION_RESET, true},
        {"error-only / warning BUFFER_OVERFLOW", FALSE, TRUE, FALSE, false, STATUS_BUFFER_OVERFLOW, true},
        {"cancel-only / CANCELLED without Irp->Cancel", FALSE, FALSE, TRUE, false, STATUS_CANCELLED, false},
        {"cancel-only / CANCELLED with Irp->Cancel", FALSE, FALSE, TRUE, true, STATUS_CANCELLED, true},
        {"cancel-only / SUCCESS with Irp->Cancel", FALSE, FALSE, TRUE, true, STATUS_SUCCESS, true},
        {"cancel-only / SUCCESS", FALSE, FALSE, TRUE, false, STATUS_SUCCESS, false},
        {"success+error / CANCELLED with Irp->Cancel", TRUE, TRUE, FALSE, true, STATUS_CANCELLED, true},
        {"none / SUCCESS", FALSE, FALSE, FALSE, false, STATUS_SUCCESS, false},
        {"none / CANCELLED with Irp->Cancel", FALSE, FALSE, FALSE, true, STATUS_CANCELLED, false},
    };
    KernelRun run;
    FakeProvider provider(run);
    std::vector<Seen> lower(sizeof cases / sizeof cases[0]), upper(sizeof cases / sizeof cases[0]);
    std::vector<BOOLEAN> cancelReturned(sizeof cases / sizeof cases[0], 2);
    run.Thread([&] {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const Case& c = cases[i];
            lower[i].result = STATUS_SUCCESS; /* let the walk continue to the catch-all routine */
            PIRP irp = IoAllocateIrp(2, FALSE);
            IoSetCompletionRoutine(irp, Record, &upper[i], TRUE, TRUE, TRUE);
            IoSetNextIrpStackLocation(irp); /* an intermediate driver takes the upper location */
            IoSetCompletionRoutine(irp, Record, &lower[i], c.onSuccess, c.onError, c.onCancel);
            if (c.cancelFlag)
                cancelReturned[i] = IoCancelIrp(irp); /* no cancel routine set: only the flag */
            NTSTATUS r = provider.CompleteInline(irp, c.status, 9);
            EXPECT_EQ(r, c.status) << c.name;
            IoFreeIrp(irp);
        }
    });
    run.Run();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const Case& c = cases[i];
        EXPECT_EQ(lower[i].calls, c.invoked ? 1 : 0) << c.name;
        if (c.invoked) {
            EXPECT_EQ(lower[i].status, c.status) << c.name;
            EXPECT_EQ(lower[i].cancel, c.cancelFlag ? TRUE : FALSE) << c.name;
        }
        EXPECT_EQ(upper[i].calls, 1) << c.name;
        EXPECT_EQ(upper[i].status, c.status) << c.name;
        EXPECT_EQ(upper[i].information, 9u) << c.name;
        if (c.cancelFlag) {
            EXPECT_EQ(cancelReturned[i], FALSE) << c.name;
            EXPECT_TRUE(upper[i].cancel) << c.name;
        }
    }
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
}

// §8.1.3: a STATUS_MORE_PROCESSING_REQUIRED return stops the walk at once; the driver that stopped it may complete
// the IRP again later (§8.1.2), which resumes the walk at the next location up.
TEST(KernelIrp, MoreProcessingRequiredStopsTheWalkAndRecompletionResumesIt)
{
    KernelRun run;
    FakeProvider provider(run);
    Intermediate midState;
    FakeDevice mid(IntermediateDispatch, &midState);
    Seen upper, lower;
    int upperCallsAfterFirst = -1, locationAfterFirst = -1;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(2, FALSE);
        IoSetCompletionRoutine(irp, Record, &upper, TRUE, TRUE, TRUE);
        IoSetNextIrpStackLocation(irp);
        IoGetCurrentIrpStackLocation(irp)->DeviceObject = &mid.device;
        lower.result = STATUS_MORE_PROCESSING_REQUIRED;
        IoSetCompletionRoutine(irp, Record, &lower, TRUE, TRUE, TRUE);
        EXPECT_EQ(provider.CompleteInline(irp, STATUS_SUCCESS, 5), STATUS_SUCCESS);
        upperCallsAfterFirst = upper.calls;
        locationAfterFirst = irp->CurrentLocation;
        /* the intermediate finishes its own work and completes the IRP again */
        irp->IoStatus.Status = STATUS_CONNECTION_RESET;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        IoFreeIrp(irp);
    });
    run.Run();
    EXPECT_EQ(lower.calls, 1);
    EXPECT_EQ(lower.status, STATUS_SUCCESS);
    EXPECT_EQ(lower.information, 5u);
    EXPECT_EQ(lower.device, &mid.device); /* a routine gets the device of its own (upper) location */
    EXPECT_EQ(upperCallsAfterFirst, 0);
    EXPECT_EQ(locationAfterFirst, 2);
    EXPECT_EQ(upper.calls, 1);
    EXPECT_EQ(upper.status, STATUS_CONNECTION_RESET);
    EXPECT_EQ(upper.device, nullptr);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
}

// §8.1.2/§8.1.3: the routine may free the IRP inside and return STATUS_MORE_PROCESSING_REQUIRED; completion then
// touches nothing, for inline and for pended completion.
TEST(KernelIrp, RoutineMayFreeTheIrpInsideWhenReturningMoreProcessingRequired)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen inlineSeen, pendedSeen;
    inlineSeen.freeIrp = true;
    pendedSeen.freeIrp = true;
    NTSTATUS inlineReturned = 0, pendedReturned = 0;
    ULONG liveAfterInline = 99;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &inlineSeen, TRUE, TRUE, TRUE);
        inlineReturned = provider.CompleteInline(irp, STATUS_CONNECTION_REFUSED, 0);
        liveAfterInline = LiveIrps(run.inst);

        irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &pendedSeen, TRUE, TRUE, TRUE);
        pendedReturned = provider.Pend(irp, STATUS_SUCCESS, 64, 2.0, true);
    });
    run.Run();
    EXPECT_EQ(inlineReturned, STATUS_CONNECTION_REFUSED);
    EXPECT_EQ(inlineSeen.calls, 1);
    EXPECT_EQ(liveAfterInline, 0u);
    EXPECT_EQ(pendedReturned, STATUS_PENDING);
    EXPECT_EQ(pendedSeen.calls, 1);
    EXPECT_TRUE(pendedSeen.pendingReturned);
    EXPECT_EQ(pendedSeen.information, 64u);
    EXPECT_EQ(pendedSeen.atNs, 2 * kSec);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.warnings.empty()) << Dump(run.host.warnings);
}

// §8.1.2/§8.1.3: IoAllocateIrp(2) through an intermediate driver whose own completion routine returns STATUS_SUCCESS
// and propagates IoMarkIrpPending; the pending bit reaches the client's location only through that propagation.
TEST(KernelIrp, TwoLevelStackPropagatesPendingToTheUpperLocation)
{
    struct Variant
    {
        const char* name;
        bool midSetsRoutine;
        bool midPropagates;
        bool providerPends;
        bool clientSeesPending;
    };
    const Variant variants[] = {
        {"routine propagates", true, true, true, true},
        {"routine forgets to propagate", true, false, true, false},
        {"no routine: the I/O manager propagates", false, false, true, true},
        {"inline completion", true, true, false, false},
    };
    for (const Variant& v : variants) {
        KernelRun run;
        FakeProvider provider(run);
        provider.pend = v.providerPends;
        provider.nextStatus = STATUS_SUCCESS;
        provider.nextInformation = 777;
        provider.nextDelay = 0.5;
        FakeDevice lower(ProviderDispatch, &provider);
        Intermediate midState;
        midState.lower = &lower.device;
        midState.setRoutine = v.midSetsRoutine;
        midState.seen.result = STATUS_SUCCESS;
        midState.seen.propagatePending = v.midPropagates;
        FakeDevice mid(IntermediateDispatch, &midState);
        Seen client;
        NTSTATUS returned = 0;
        run.Thread(
            [&] {
                PIRP irp = IoAllocateIrp(2, FALSE);
                IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
                IoSetCompletionRoutine(irp, Record, &client, TRUE, TRUE, TRUE);
                client.freeIrp = true;
                returned = IoCallDriver(&mid.device, irp);
            },
            1.0);
        run.Run();
        SCOPED_TRACE(v.name);
        EXPECT_EQ(returned, v.providerPends ? STATUS_PENDING : STATUS_SUCCESS);
        EXPECT_EQ(provider.dispatchCalls, 1);
        EXPECT_EQ(provider.dispatchLocation, 1);
        EXPECT_EQ(provider.dispatchMajor, IRP_MJ_INTERNAL_DEVICE_CONTROL);
        EXPECT_EQ(provider.dispatchDevice, &lower.device);
        if (v.midSetsRoutine) {
            EXPECT_EQ(midState.seen.calls, 1);
            EXPECT_EQ(midState.seen.pendingReturned, v.providerPends ? TRUE : FALSE);
            EXPECT_EQ(midState.seen.device, &mid.device);
            EXPECT_EQ(midState.seen.currentLocation, 2);
        } else {
            EXPECT_EQ(midState.seen.calls, 0);
        }
        EXPECT_EQ(client.calls, 1);
        EXPECT_EQ(client.pendingReturned, v.clientSeesPending ? TRUE : FALSE);
        EXPECT_EQ(client.status, STATUS_SUCCESS);
        EXPECT_EQ(client.information, 777u);
        EXPECT_EQ(client.device, nullptr);
        EXPECT_EQ(client.currentLocation, 3);
        EXPECT_EQ(client.atNs, v.providerPends ? 1500000000ull : 1 * kSec);
        EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
        EXPECT_EQ(LiveIrps(run.inst), 0u);
    }
}

// IoCallDriver: a driver without a handler completes with STATUS_INVALID_DEVICE_REQUEST; an IRP without a free
// stack location is diagnosed (NO_MORE_IRP_STACK_LOCATIONS).
TEST(KernelIrp, IoCallDriverWithoutHandlerAndWithoutStackLocation)
{
    KernelRun run;
    FakeProvider provider(run);
    FakeDevice lower(ProviderDispatch, &provider);
    lower.driver.MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = nullptr;
    Seen seen;
    NTSTATUS noHandler = 0, noLocation = 0;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, FALSE);
        IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
        IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
        noHandler = IoCallDriver(&lower.device, irp);
        /* reuse it and take its only location ourselves: nothing is left for a lower driver */
        IoReuseIrp(irp, STATUS_SUCCESS);
        IoSetNextIrpStackLocation(irp);
        noLocation = IoCallDriver(&lower.device, irp);
        IoFreeIrp(irp);
    });
    run.Run();
    EXPECT_EQ(noHandler, STATUS_INVALID_DEVICE_REQUEST);
    EXPECT_EQ(seen.calls, 1);
    EXPECT_EQ(seen.status, STATUS_INVALID_DEVICE_REQUEST);
    EXPECT_FALSE(seen.pendingReturned);
    EXPECT_EQ(noLocation, STATUS_INVALID_PARAMETER);
    EXPECT_EQ(provider.dispatchCalls, 0);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("NO_MORE_IRP_STACK_LOCATIONS")) << Dump(run.host.errors);
}

// §8.1.6: IoCancelIrp sets Cancel and calls the cancel routine (at DISPATCH_LEVEL, holding the cancel spin lock),
// which completes with STATUS_CANCELLED and Information 0; the provider's late completion then does nothing.
TEST(KernelIrp, IoCancelIrpCallsCancelRoutineThatCompletesWithStatusCancelled)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen seen;
    KEVENT done;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    seen.event = &done;
    NTSTATUS returned = 0;
    BOOLEAN cancelled = FALSE;
    bool routineSetWhilePending = false, routineClearedAfter = false;
    int callsRightAfterCancel = -1;
    KIRQL irqlAfterCancel = 0xFF;
    uint64_t cancelledAtNs = 0;
    run.Thread(
        [&] {
            PIRP irp = IoAllocateIrp(1, FALSE);
            IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
            returned = provider.Pend(irp, STATUS_SUCCESS, 999, 10.0, true);
            routineSetWhilePending = irp->CancelRoutine == &ProviderCancel;
            LARGE_INTEGER wait = Relative(0.5);
            KeDelayExecutionThread(KernelMode, FALSE, &wait);
            cancelledAtNs = KhNowNs();
            cancelled = IoCancelIrp(irp);
            callsRightAfterCancel = seen.calls;
            irqlAfterCancel = KeGetCurrentIrql();
            routineClearedAfter = irp->CancelRoutine == nullptr;
            EXPECT_EQ(KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr), STATUS_SUCCESS);
            IoFreeIrp(irp);
        },
        1.0);
    run.Run();
    EXPECT_EQ(returned, STATUS_PENDING);
    EXPECT_TRUE(routineSetWhilePending);
    EXPECT_TRUE(cancelled);
    EXPECT_EQ(cancelledAtNs, 1500000000ull);
    EXPECT_EQ(callsRightAfterCancel, 1); /* the cancel routine completed synchronously */
    EXPECT_EQ(irqlAfterCancel, PASSIVE_LEVEL);
    EXPECT_TRUE(routineClearedAfter);
    ASSERT_EQ(provider.ops.size(), 1u);
    EXPECT_EQ(provider.ops[0]->cancelCalls, 1);
    EXPECT_EQ(provider.ops[0]->cancelIrql, DISPATCH_LEVEL);
    EXPECT_EQ(seen.calls, 1); /* the provider's completion at t = 11 s found the IRP cancelled */
    EXPECT_EQ(seen.status, STATUS_CANCELLED);
    EXPECT_EQ(seen.information, 0u);
    EXPECT_TRUE(seen.cancel);
    EXPECT_TRUE(seen.pendingReturned);
    EXPECT_EQ(seen.atNs, 1500000000ull);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.warnings.empty()) << Dump(run.host.warnings);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
}

// IoCancelIrp on an IRP without a cancel routine returns FALSE but still sets Irp->Cancel; the request then
// completes normally and the routine sees Cancel TRUE.
TEST(KernelIrp, IoCancelIrpWithoutCancelRoutineReturnsFalseAndSetsTheFlag)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen seen;
    BOOLEAN cancelled = TRUE, flag = FALSE;
    int callsAfterCancel = -1;
    KIRQL irqlAfter = 0xFF;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
        seen.freeIrp = true;
        EXPECT_EQ(provider.Pend(irp, STATUS_SUCCESS, 7, 1.0, false), STATUS_PENDING);
        cancelled = IoCancelIrp(irp);
        flag = irp->Cancel;
        callsAfterCancel = seen.calls;
        irqlAfter = KeGetCurrentIrql();
    });
    run.Run();
    EXPECT_FALSE(cancelled);
    EXPECT_TRUE(flag);
    EXPECT_EQ(callsAfterCancel, 0);
    EXPECT_EQ(irqlAfter, PASSIVE_LEVEL);
    EXPECT_EQ(seen.calls, 1);
    EXPECT_EQ(seen.status, STATUS_SUCCESS);
    EXPECT_EQ(seen.information, 7u);
    EXPECT_TRUE(seen.cancel);
    EXPECT_EQ(seen.atNs, 1 * kSec);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// IoReuseIrp re-initialises a completed IRP (locations, flags, routine) and sets IoStatus.Status; the completion
// routine must be set again. Reusing an IRP a provider still holds is diagnosed and changes nothing.
TEST(KernelIrp, IoReuseIrpResetsTheIrpAndSetsTheStatus)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen first, second;
    KEVENT done;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    second.event = &done;
    bool checked = false;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, TRUE);
        IoSetCompletionRoutine(irp, Record, &first, TRUE, TRUE, TRUE);
        EXPECT_FALSE(IoCancelIrp(irp));
        provider.Pend(irp, STATUS_CONNECTION_RESET, 3, 0.5, false);
        LARGE_INTEGER wait = Relative(1.0);
        KeDelayExecutionThread(KernelMode, FALSE, &wait);
        ASSERT_EQ(first.calls, 1);
        ASSERT_TRUE(irp->PendingReturned);
        ASSERT_TRUE(irp->Cancel);

        IoReuseIrp(irp, STATUS_NOT_SUPPORTED);
        EXPECT_EQ(irp->Type, IO_TYPE_IRP);
        EXPECT_EQ(irp->Size, IoSizeOfIrp(1));
        EXPECT_EQ((int)irp->StackCount, 1);
        EXPECT_EQ((int)irp->CurrentLocation, 2);
        EXPECT_EQ(irp->Tail.Overlay.CurrentStackLocation, FirstLocation(irp) + 1);
        EXPECT_EQ(irp->IoStatus.Status, STATUS_NOT_SUPPORTED);
        EXPECT_EQ(irp->IoStatus.Information, 0u);
        EXPECT_FALSE(irp->PendingReturned);
        EXPECT_FALSE(irp->Cancel);
        EXPECT_TRUE(irp->CancelRoutine == nullptr);
        EXPECT_EQ(irp->AllocationFlags, IRP_QUOTA_CHARGED); /* preserved */
        EXPECT_EQ(IoGetNextIrpStackLocation(irp)->CompletionRoutine, nullptr);
        EXPECT_EQ(IoGetNextIrpStackLocation(irp)->Control, 0);

        /* second use */
        IoSetCompletionRoutine(irp, Record, &second, TRUE, TRUE, TRUE);
        EXPECT_EQ(provider.Pend(irp, STATUS_SUCCESS, 11, 0.5, false), STATUS_PENDING);
        IoReuseIrp(irp, STATUS_SUCCESS); /* misuse: still pending in the provider */
        EXPECT_EQ((int)irp->CurrentLocation, 1);
        EXPECT_EQ(irp->IoStatus.Status, STATUS_NOT_SUPPORTED);
        EXPECT_EQ(KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr), STATUS_SUCCESS);
        IoFreeIrp(irp);
        checked = true;
    });
    run.Run();
    EXPECT_TRUE(checked);
    EXPECT_EQ(first.calls, 1);
    EXPECT_EQ(first.status, STATUS_CONNECTION_RESET);
    EXPECT_TRUE(first.cancel);
    EXPECT_EQ(second.calls, 1);
    EXPECT_EQ(second.status, STATUS_SUCCESS);
    EXPECT_EQ(second.information, 11u);
    EXPECT_FALSE(second.cancel);
    EXPECT_TRUE(second.pendingReturned);
    EXPECT_EQ(second.atNs, 1500000000ull);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("IoReuseIrp")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("still pending in FakeProvider")) << Dump(run.host.errors);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
}

// Completing an IRP that has already been completed is MULTIPLE_IRP_COMPLETE_REQUESTS; the routine does not run
// again. Here the client's routine kept the IRP (STATUS_MORE_PROCESSING_REQUIRED) and the provider completes twice.
TEST(KernelIrp, CompletingTheSameIrpTwiceIsDiagnosed)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen seen;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
        provider.CompleteInline(irp, STATUS_SUCCESS, 1);
        irp->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(irp, IO_NO_INCREMENT); /* the provider's bug */
        IoFreeIrp(irp);

        /* the same through a pended request: the late completion runs twice */
        irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
        provider.Pend(irp, STATUS_SUCCESS, 2, 1.0, false);
        PendingOp* op = provider.ops.back().get();
        run.Dispatch(
            [op] {
                op->irp->IoStatus.Status = STATUS_SUCCESS;
                IoCompleteRequest(op->irp, IO_NO_INCREMENT);
            },
            1.0);
        LARGE_INTEGER wait = Relative(2.0);
        KeDelayExecutionThread(KernelMode, FALSE, &wait);
        IoFreeIrp(irp);
    });
    run.Run();
    EXPECT_EQ(seen.calls, 2); /* once per IRP */
    EXPECT_EQ(CountErrors(run.host, "MULTIPLE_IRP_COMPLETE_REQUESTS"), 2u) << Dump(run.host.errors);
    EXPECT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    EXPECT_FALSE(run.host.ErrorContains("completed to the top")) << Dump(run.host.errors);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
}

// An IoAllocateIrp IRP whose completion reaches the top of its stack (the routine returned something other than
// STATUS_MORE_PROCESSING_REQUIRED, or there was no routine) is diagnosed; with UserIosb/UserEvent the I/O manager's
// final step copies the status and signals the event instead.
TEST(KernelIrp, CompletionToTheTopWithoutMoreProcessingRequiredIsDiagnosed)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen returnsSuccess;
    returnsSuccess.result = STATUS_SUCCESS;
    IO_STATUS_BLOCK iosb;
    iosb.Status = STATUS_PENDING;
    iosb.Information = 0;
    KEVENT userEvent;
    KeInitializeEvent(&userEvent, NotificationEvent, FALSE);
    size_t errorsAfterFirst = 99, errorsAfterSecond = 99;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &returnsSuccess, TRUE, TRUE, TRUE);
        provider.CompleteInline(irp, STATUS_SUCCESS, 0);
        errorsAfterFirst = run.host.errors.size();
        IoFreeIrp(irp);

        irp = IoAllocateIrp(1, FALSE); /* no completion routine at all */
        provider.CompleteInline(irp, STATUS_SUCCESS, 0);
        errorsAfterSecond = run.host.errors.size();
        IoFreeIrp(irp);

        irp = IoAllocateIrp(1, FALSE);
        irp->UserIosb = &iosb;
        irp->UserEvent = &userEvent;
        provider.CompleteInline(irp, STATUS_BUFFER_OVERFLOW, 123);
        IoFreeIrp(irp);
    });
    run.Run();
    EXPECT_EQ(returnsSuccess.calls, 1);
    EXPECT_EQ(errorsAfterFirst, 1u);
    EXPECT_EQ(errorsAfterSecond, 2u);
    EXPECT_EQ(CountErrors(run.host, "completed to the top of its stack"), 2u) << Dump(run.host.errors);
    EXPECT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    EXPECT_EQ(iosb.Status, STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(iosb.Information, 123u);
    EXPECT_EQ(KeReadStateEvent(&userEvent), 1);
}

// Freeing an IRP that a provider still holds (KrtIrpMarkOwned) is diagnosed and the IRP is not freed; it completes
// normally afterwards and can be freed then.
TEST(KernelIrp, FreeingAnIrpStillOwnedByTheProviderIsDiagnosedAndNotFreed)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen seen;
    seen.freeIrp = true;
    ULONG liveAfterBadFree = 0;
    CSHORT typeAfterBadFree = 0;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
        provider.Pend(irp, STATUS_SUCCESS, 5, 1.0, false);
        IoFreeIrp(irp); /* misuse */
        liveAfterBadFree = LiveIrps(run.inst);
        typeAfterBadFree = irp->Type;
    });
    run.Run();
    EXPECT_EQ(liveAfterBadFree, 1u);
    EXPECT_EQ(typeAfterBadFree, IO_TYPE_IRP);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("IoFreeIrp")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("still pending in FakeProvider")) << Dump(run.host.errors);
    EXPECT_EQ(seen.calls, 1);
    EXPECT_EQ(seen.information, 5u);
    EXPECT_EQ(LiveIrps(run.inst), 0u); /* the routine freed it after completion */
}

// Completing with STATUS_PENDING is an error; completing with a cancel routine still set is a warning (the
// runtime clears it).
TEST(KernelIrp, CompletionWithStatusPendingOrCancelRoutineSetIsDiagnosed)
{
    KernelRun run;
    FakeProvider provider(run);
    Seen seen;
    seen.freeIrp = true;
    run.Thread([&] {
        PIRP irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
        provider.CompleteInline(irp, STATUS_PENDING, 0);

        irp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(irp, Record, &seen, TRUE, TRUE, TRUE);
        IoSetNextIrpStackLocation(irp);
        IoSetCancelRoutine(irp, ProviderCancel);
        provider.CompleteTaken(irp, STATUS_SUCCESS, 0);
    });
    run.Run();
    EXPECT_EQ(seen.calls, 2);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("completed with STATUS_PENDING")) << Dump(run.host.errors);
    ASSERT_EQ(run.host.warnings.size(), 1u) << Dump(run.host.warnings);
    EXPECT_NE(run.host.warnings[0].find("cancel routine still set"), std::string::npos) << Dump(run.host.warnings);
    EXPECT_EQ(LiveIrps(run.inst), 0u);
}
