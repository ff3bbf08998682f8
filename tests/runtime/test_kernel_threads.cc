// System threads, thread objects and handles, delays and work items (capi/runtime/thread.c, dispatcher.c)
// against wsk-api.md §7.5: PsCreateSystemThread + ObReferenceObjectByHandle + waiting on the thread object,
// PsTerminateSystemThread, exact KeDelayExecutionThread timing, IO_WORKITEMs and ExQueueWorkItem running at
// PASSIVE_LEVEL on their own thread, and handle misuse.
#include <gtest/gtest.h>

#include <string>
#include <vector>

// After the standard headers: the WDK headers define SAL macros such as __out and __reserved.
#include "kernel-fixture.h"

using wsktest::KernelRun;

namespace {

constexpr uint64_t kMs = 1000000ull;
constexpr uint64_t kSec = 1000000000ull;
constexpr ULONG kWorkItemTag = 0x6B577049u; // 'IpWk', the runtime's IO_WORKITEM pool tag

std::string
Dump(const std::vector<std::string>& lines)
{
    std::string s;
    for (auto& l : lines)
        s += "  " + l + "\n";
    return s;
}

ULONG
Live(const KRT_INSTANCE* inst, ULONG tag)
{
    for (ULONG i = 0; i < inst->TagCount; i++)
        if (inst->Tags[i].Tag == tag)
            return inst->Tags[i].LiveCount;
    return 0;
}

LARGE_INTEGER
RelativeSeconds(double seconds)
{
    LARGE_INTEGER li;
    li.QuadPart = -(LONGLONG)(seconds * 1e7 + 0.5);
    return li;
}

void
Sleep(double seconds)
{
    LARGE_INTEGER d = RelativeSeconds(seconds);
    KeDelayExecutionThread(KernelMode, FALSE, &d);
}

size_t
ThreadCount(KRT_INSTANCE* inst)
{
    size_t n = 0;
    for (PLIST_ENTRY e = inst->Threads.Flink; e != &inst->Threads; e = e->Flink)
        n++;
    return n;
}

struct WorkerCtx
{
    uint64_t startedNs = 0;
    uint64_t endedNs = 0;
    KIRQL irql = 0xFF;
    PETHREAD self = nullptr;
    double runSeconds = 0;
    bool terminate = false;
    NTSTATUS exitStatus = STATUS_SUCCESS;
    bool afterTerminate = false;
};

VOID
Worker(PVOID p)
{
    WorkerCtx* c = static_cast<WorkerCtx*>(p);
    c->startedNs = KhNowNs();
    c->irql = KeGetCurrentIrql();
    c->self = PsGetCurrentThread();
    Sleep(c->runSeconds);
    c->endedNs = KhNowNs();
    if (c->terminate) {
        PsTerminateSystemThread(c->exitStatus);
        c->afterTerminate = true; /* never reached */
    }
}

} // namespace

// PsCreateSystemThread returns a handle; ObReferenceObjectByHandle turns it into a waitable thread object; the
// handle can be closed at once; the wait on the object ends exactly when the thread's routine returns.
TEST(KernelThreads, CreateSystemThreadReferenceItAndWaitForItToTerminate)
{
    KernelRun run;
    WorkerCtx ctx;
    ctx.runSeconds = 2.0;
    NTSTATUS created = -1, referenced = -1, closed = -1, waited = -1, again = -1, mismatch = 0;
    HANDLE handle = nullptr;
    CLIENT_ID cid = {nullptr, nullptr};
    PVOID object = nullptr;
    uint64_t startedAtReturn = 1, waitedNs = 0;
    PETHREAD creator = nullptr;
    HANDLE idOfObject = nullptr;
    OBJECT_HANDLE_INFORMATION info = {0, 0};
    run.Thread(
        [&] {
            creator = PsGetCurrentThread();
            created = PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr, nullptr, &cid, Worker, &ctx);
            startedAtReturn = ctx.startedNs; /* the new thread has not run yet */
            referenced = ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, &object,
                                                   &info);
            PVOID wrongType = &ctx;
            mismatch = ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, *PsProcessType, KernelMode, &wrongType,
                                                 nullptr);
            EXPECT_EQ(wrongType, nullptr);
            closed = ZwClose(handle);
            waited = KeWaitForSingleObject(object, Executive, KernelMode, FALSE, nullptr);
            waitedNs = KhNowNs();
            LARGE_INTEGER zero;
            zero.QuadPart = 0;
            again = KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &zero); /* stays signalled */
            idOfObject = PsGetThreadId(static_cast<PETHREAD>(object));
            ObDereferenceObject(object);
        },
        1.0);
    run.Run();
    EXPECT_EQ(created, STATUS_SUCCESS);
    EXPECT_NE(handle, nullptr);
    EXPECT_EQ(cid.UniqueProcess, (HANDLE)(ULONG_PTR)4);
    EXPECT_NE(cid.UniqueThread, nullptr);
    EXPECT_EQ(idOfObject, cid.UniqueThread);
    EXPECT_EQ(startedAtReturn, 0u);
    EXPECT_EQ(referenced, STATUS_SUCCESS);
    EXPECT_EQ(info.GrantedAccess, (ACCESS_MASK)THREAD_ALL_ACCESS);
    EXPECT_EQ(mismatch, STATUS_OBJECT_TYPE_MISMATCH);
    EXPECT_EQ(closed, STATUS_SUCCESS);
    EXPECT_EQ(waited, STATUS_SUCCESS);
    EXPECT_EQ(again, STATUS_SUCCESS);
    EXPECT_EQ(ctx.startedNs, 1 * kSec);
    EXPECT_EQ(ctx.endedNs, 3 * kSec);
    EXPECT_EQ(waitedNs, 3 * kSec);
    EXPECT_EQ(ctx.irql, PASSIVE_LEVEL);
    EXPECT_EQ(static_cast<PVOID>(ctx.self), object);
    EXPECT_NE(ctx.self, creator);
    EXPECT_EQ(ThreadCount(run.inst), 0u); /* every reference was dropped: the thread objects are gone */
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.warnings.empty()) << Dump(run.host.warnings);
}

// PsTerminateSystemThread ends the thread at once with its exit status; waiters are released.
TEST(KernelThreads, PsTerminateSystemThreadEndsTheThreadWithItsStatus)
{
    KernelRun run;
    WorkerCtx ctx;
    ctx.runSeconds = 0.5;
    ctx.terminate = true;
    ctx.exitStatus = STATUS_CANCELLED;
    NTSTATUS exitStatus = 0, fromDispatch = 0;
    BOOLEAN terminated = FALSE;
    uint64_t waitedNs = 0;
    run.Thread([&] {
        HANDLE h;
        ASSERT_EQ(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, Worker, &ctx),
                  STATUS_SUCCESS);
        PVOID obj;
        ASSERT_EQ(ObReferenceObjectByHandle(h, SYNCHRONIZE, nullptr, KernelMode, &obj, nullptr), STATUS_SUCCESS);
        ZwClose(h);
        EXPECT_EQ(KeWaitForSingleObject(obj, Executive, KernelMode, FALSE, nullptr), STATUS_SUCCESS);
        waitedNs = KhNowNs();
        exitStatus = static_cast<KTHREAD*>(obj)->ExitStatus;
        terminated = static_cast<KTHREAD*>(obj)->Terminated;
        ObDereferenceObject(obj);
    });
    run.Dispatch([&] { fromDispatch = PsTerminateSystemThread(STATUS_SUCCESS); }, 1.0);
    run.Run();
    EXPECT_EQ(ctx.endedNs, 500 * kMs);
    EXPECT_FALSE(ctx.afterTerminate);
    EXPECT_EQ(waitedNs, 500 * kMs);
    EXPECT_EQ(exitStatus, STATUS_CANCELLED);
    EXPECT_TRUE(terminated);
    EXPECT_EQ(fromDispatch, STATUS_INVALID_PARAMETER);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("PsTerminateSystemThread: not called from a system thread"))
        << Dump(run.host.errors);
    EXPECT_EQ(ThreadCount(run.inst), 0u);
}

// KeDelayExecutionThread resumes at exactly the requested simulated time: relative intervals (also a single 100 ns
// unit), absolute system times, and an absolute time already past (no wait); ten 100 ms steps do not drift.
TEST(KernelThreads, KeDelayExecutionThreadResumesAtTheExactTime)
{
    KernelRun run;
    std::vector<uint64_t> t;
    std::vector<NTSTATUS> st;
    run.Thread(
        [&] {
            LARGE_INTEGER d = RelativeSeconds(1.5);
            st.push_back(KeDelayExecutionThread(KernelMode, FALSE, &d));
            t.push_back(KhNowNs());
            d.QuadPart = -1;
            st.push_back(KeDelayExecutionThread(KernelMode, FALSE, &d));
            t.push_back(KhNowNs());
            LARGE_INTEGER now;
            KeQuerySystemTime(&now);
            d.QuadPart = now.QuadPart + 5000000; /* absolute: + 0.5 s */
            st.push_back(KeDelayExecutionThread(KernelMode, FALSE, &d));
            t.push_back(KhNowNs());
            d.QuadPart = now.QuadPart; /* absolute, in the past */
            st.push_back(KeDelayExecutionThread(KernelMode, TRUE, &d));
            t.push_back(KhNowNs());
            for (int i = 0; i < 10; i++)
                Sleep(0.1);
            t.push_back(KhNowNs());
        },
        0.25);
    run.Run();
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t[0], 1750 * kMs);
    EXPECT_EQ(t[1], 1750 * kMs + 100);
    EXPECT_EQ(t[2], 2250 * kMs + 100);
    EXPECT_EQ(t[3], t[2]);
    EXPECT_EQ(t[4], t[3] + 1 * kSec);
    for (NTSTATUS s : st)
        EXPECT_EQ(s, STATUS_SUCCESS);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

namespace {

struct WorkCtx
{
    int runs = 0;
    KIRQL irql = 0xFF;
    PETHREAD thread = nullptr;
    PVOID ioObject = nullptr;
    PIO_WORKITEM item = nullptr;
    uint64_t atNs = 0;
    uint64_t doneNs = 0;
    double block = 0;
    PKEVENT done = nullptr;
};

VOID
IoWork(PDEVICE_OBJECT dev, PVOID p)
{
    WorkCtx* c = static_cast<WorkCtx*>(p);
    c->runs++;
    c->irql = KeGetCurrentIrql();
    c->thread = PsGetCurrentThread();
    c->ioObject = dev;
    c->atNs = KhNowNs();
    if (c->block > 0)
        Sleep(c->block); /* a work item may block: it has its own thread */
    c->doneNs = KhNowNs();
    if (c->done)
        KeSetEvent(c->done, IO_NO_INCREMENT, FALSE);
}

VOID
IoWorkEx(PVOID ioObject, PVOID p, PIO_WORKITEM item)
{
    WorkCtx* c = static_cast<WorkCtx*>(p);
    c->item = item;
    IoWork(static_cast<PDEVICE_OBJECT>(ioObject), p);
}

VOID
ExWork(PVOID p)
{
    IoWork(nullptr, p);
}

} // namespace

// An IO_WORKITEM queued from DISPATCH_LEVEL runs its routine at PASSIVE_LEVEL on a thread of its own, with the
// device object and context, at the simulated time it was queued, and may block.
TEST(KernelThreads, IoQueueWorkItemRunsAtPassiveLevelOnItsOwnThread)
{
    KernelRun run;
    KEVENT done;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    WorkCtx ctx, exCtx;
    ctx.block = 0.5;
    ctx.done = &done;
    PDEVICE_OBJECT dev = nullptr;
    PIO_WORKITEM item = nullptr, exItem = nullptr;
    PETHREAD waiter = nullptr, dispatcherThread = nullptr;
    KIRQL queuedAt = 0xFF;
    uint64_t waitedNs = 0;
    ULONG liveWhileAllocated = 0;
    run.Thread([&] {
        waiter = PsGetCurrentThread();
        ASSERT_EQ(IoCreateDevice(&run.inst->DriverObject, 0, nullptr, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev),
                  STATUS_SUCCESS);
        item = IoAllocateWorkItem(dev);
        exItem = IoAllocateWorkItem(dev);
        ASSERT_NE(item, nullptr);
        liveWhileAllocated = Live(run.inst, kWorkItemTag);
        EXPECT_EQ(KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr), STATUS_SUCCESS);
        waitedNs = KhNowNs();
        Sleep(1.0); /* let the Ex item run */
        IoFreeWorkItem(item);
        IoFreeWorkItem(exItem);
        IoDeleteDevice(dev);
    });
    run.Dispatch(
        [&] {
            dispatcherThread = PsGetCurrentThread();
            queuedAt = KeGetCurrentIrql();
            IoQueueWorkItem(item, IoWork, DelayedWorkQueue, &ctx);
            IoQueueWorkItemEx(exItem, IoWorkEx, CriticalWorkQueue, &exCtx);
        },
        1.0);
    run.Run();
    EXPECT_EQ(queuedAt, DISPATCH_LEVEL);
    EXPECT_EQ(liveWhileAllocated, 2u);
    EXPECT_EQ(ctx.runs, 1);
    EXPECT_EQ(ctx.irql, PASSIVE_LEVEL);
    EXPECT_EQ(ctx.ioObject, static_cast<PVOID>(dev));
    EXPECT_EQ(ctx.atNs, 1 * kSec);
    EXPECT_EQ(ctx.doneNs, 1500 * kMs);
    EXPECT_EQ(waitedNs, 1500 * kMs);
    EXPECT_NE(ctx.thread, nullptr);
    EXPECT_NE(ctx.thread, waiter);
    EXPECT_NE(ctx.thread, dispatcherThread);
    EXPECT_EQ(exCtx.runs, 1);
    EXPECT_EQ(exCtx.irql, PASSIVE_LEVEL);
    EXPECT_EQ(exCtx.item, exItem);
    EXPECT_EQ(exCtx.ioObject, static_cast<PVOID>(dev));
    EXPECT_NE(exCtx.thread, ctx.thread);
    EXPECT_EQ(Live(run.inst, kWorkItemTag), 0u);
    EXPECT_EQ(ThreadCount(run.inst), 0u);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// Queuing an IO_WORKITEM again before its routine ran is diagnosed and runs the routine once; after it ran it
// may be queued again. Freeing a queued work item is diagnosed and does not free it under the routine.
TEST(KernelThreads, QueuingAWorkItemTwiceIsDiagnosed)
{
    KernelRun run;
    WorkCtx ctx;
    PIO_WORKITEM item = nullptr, freedEarly = nullptr;
    int runsAfterDouble = -1;
    ULONG liveAfterBadFree = 0;
    WorkCtx early;
    run.Thread([&] {
        item = IoAllocateWorkItem(nullptr);
        freedEarly = IoAllocateWorkItem(nullptr);
    });
    run.Dispatch(
        [&] {
            IoQueueWorkItem(item, IoWork, DelayedWorkQueue, &ctx);
            IoQueueWorkItem(item, IoWork, DelayedWorkQueue, &ctx); /* again, before it ran */
        },
        1.0);
    run.Thread(
        [&] {
            runsAfterDouble = ctx.runs;
            IoQueueWorkItem(item, IoWork, DelayedWorkQueue, &ctx); /* it ran: fine */
            Sleep(0.1);
            IoFreeWorkItem(item);

            IoQueueWorkItem(freedEarly, IoWork, DelayedWorkQueue, &early);
            IoFreeWorkItem(freedEarly); /* still queued */
            liveAfterBadFree = Live(run.inst, kWorkItemTag);
            Sleep(0.1);
            IoFreeWorkItem(freedEarly); /* now it may go */
        },
        2.0);
    run.Run();
    EXPECT_EQ(runsAfterDouble, 1);
    EXPECT_EQ(ctx.runs, 2);
    EXPECT_EQ(early.runs, 1);
    EXPECT_EQ(liveAfterBadFree, 1u);
    EXPECT_EQ(Live(run.inst, kWorkItemTag), 0u);
    ASSERT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("IoQueueWorkItem: work item")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("queued again before its routine ran")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("freed while still queued")) << Dump(run.host.errors);
}

// ExQueueWorkItem runs a WORK_QUEUE_ITEM at PASSIVE_LEVEL on its own thread; queuing it again before it ran is
// diagnosed and it runs once.
TEST(KernelThreads, ExQueueWorkItemRunsAtPassiveLevelAndDoubleQueueIsDiagnosed)
{
    KernelRun run;
    WorkCtx ctx, twice;
    ctx.block = 0.25;
    WORK_QUEUE_ITEM item, item2;
    ExInitializeWorkItem(&item, ExWork, &ctx);
    ExInitializeWorkItem(&item2, ExWork, &twice);
    PETHREAD dispatcherThread = nullptr;
    run.Dispatch(
        [&] {
            dispatcherThread = PsGetCurrentThread();
            ExQueueWorkItem(&item, DelayedWorkQueue);
        },
        2.0);
    run.Dispatch(
        [&] {
            ExQueueWorkItem(&item2, DelayedWorkQueue);
            ExQueueWorkItem(&item2, DelayedWorkQueue);
        },
        3.0);
    run.Run();
    EXPECT_EQ(ctx.runs, 1);
    EXPECT_EQ(ctx.irql, PASSIVE_LEVEL);
    EXPECT_EQ(ctx.atNs, 2 * kSec);
    EXPECT_EQ(ctx.doneNs, 2250 * kMs);
    EXPECT_NE(ctx.thread, nullptr);
    EXPECT_NE(ctx.thread, dispatcherThread);
    EXPECT_EQ(twice.runs, 1);
    EXPECT_EQ(twice.atNs, 3 * kSec);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("ExQueueWorkItem: work item")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("queued again before its routine ran")) << Dump(run.host.errors);
    EXPECT_EQ(ThreadCount(run.inst), 0u);
}

// ZwClose of something that is not an open handle (NULL, a made-up value, a handle whose thread is gone) returns
// STATUS_INVALID_HANDLE with a diagnostic; so do the other handle-taking calls.
TEST(KernelThreads, ZwCloseOfABadHandleReturnsStatusInvalidHandle)
{
    KernelRun run;
    WorkerCtx ctx;
    ctx.runSeconds = 0.1;
    NTSTATUS closeNull = 0, closeMadeUp = 0, closeStale = 0, refMadeUp = 0, waitMadeUp = 0, closeGood = -1;
    PVOID refObject = &ctx;
    run.Thread([&] {
        closeNull = ZwClose(nullptr);
        closeMadeUp = ZwClose((HANDLE)(ULONG_PTR)0x44);
        refMadeUp = ObReferenceObjectByHandle((HANDLE)(ULONG_PTR)0x44, 0, *PsThreadType, KernelMode, &refObject,
                                              nullptr);
        waitMadeUp = ZwWaitForSingleObject((HANDLE)(ULONG_PTR)0x44, FALSE, nullptr);

        HANDLE h;
        ASSERT_EQ(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, Worker, &ctx),
                  STATUS_SUCCESS);
        EXPECT_EQ(ZwWaitForSingleObject(h, FALSE, nullptr), STATUS_SUCCESS); /* a live handle is waitable */
        closeGood = ZwClose(h);  /* last reference: the thread object goes away */
        closeStale = ZwClose(h); /* closed twice */
    });
    run.Run();
    EXPECT_EQ(closeNull, STATUS_INVALID_HANDLE);
    EXPECT_EQ(closeMadeUp, STATUS_INVALID_HANDLE);
    EXPECT_EQ(refMadeUp, STATUS_INVALID_HANDLE);
    EXPECT_EQ(refObject, nullptr);
    EXPECT_EQ(waitMadeUp, STATUS_INVALID_HANDLE);
    EXPECT_EQ(closeGood, STATUS_SUCCESS);
    EXPECT_EQ(closeStale, STATUS_INVALID_HANDLE);
    ASSERT_EQ(run.host.errors.size(), 3u) << Dump(run.host.errors);
    for (auto& e : run.host.errors)
        EXPECT_NE(e.find("ZwClose"), std::string::npos) << e;
    EXPECT_TRUE(run.host.ErrorContains("(STATUS_INVALID_HANDLE)")) << Dump(run.host.errors);
    ASSERT_EQ(run.host.warnings.size(), 1u) << Dump(run.host.warnings);
    EXPECT_NE(run.host.warnings[0].find("ObReferenceObjectByHandle"), std::string::npos);
    EXPECT_EQ(ThreadCount(run.inst), 0u);
}

// The pseudo-handles: NtCurrentThread() names the calling thread, NtCurrentProcess() the System process.
TEST(KernelThreads, CurrentThreadAndProcessPseudoHandles)
{
    KernelRun run;
    PVOID thread = nullptr, process = nullptr;
    PETHREAD self = nullptr;
    NTSTATUS t = -1, p = -1, wrong = 0;
    HANDLE pid = nullptr;
    run.Thread([&] {
        self = PsGetCurrentThread();
        t = ObReferenceObjectByHandle(NtCurrentThread(), 0, *PsThreadType, KernelMode, &thread, nullptr);
        p = ObReferenceObjectByHandle(NtCurrentProcess(), 0, *PsProcessType, KernelMode, &process, nullptr);
        PVOID dummy;
        wrong = ObReferenceObjectByHandle(NtCurrentProcess(), 0, *PsThreadType, KernelMode, &dummy, nullptr);
        pid = PsGetCurrentProcessId();
        ObDereferenceObject(thread);
    });
    run.Run();
    EXPECT_EQ(t, STATUS_SUCCESS);
    EXPECT_EQ(thread, static_cast<PVOID>(self));
    EXPECT_EQ(p, STATUS_SUCCESS);
    EXPECT_EQ(process, static_cast<PVOID>(PsGetCurrentProcess()));
    EXPECT_EQ(wrong, STATUS_OBJECT_TYPE_MISMATCH);
    EXPECT_EQ(pid, (HANDLE)(ULONG_PTR)4);
    EXPECT_EQ(ThreadCount(run.inst), 0u);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}
