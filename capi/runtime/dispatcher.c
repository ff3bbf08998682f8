/*
 * dispatcher.c - dispatcher objects (events, semaphores, mutexes) and waits.
 *
 * A wait that cannot be satisfied at once parks the calling thread's coroutine; signalling an object
 * satisfies waiters in FIFO order and schedules their resumption as a new simulator event at the current
 * simulated time, so the signalling code (often a completion routine) finishes first, as on Windows.
 */
#include "krt_internal.h"

void KrtDispatcherInit(DISPATCHER_HEADER *h, UCHAR type, UCHAR sizeInLongs, LONG state)
{
    h->Type = type;
    h->Signalling = 0;
    h->Size = sizeInLongs;
    h->Reserved1 = 0;
    h->SignalState = state;
    InitializeListHead(&h->WaitListHead);
}

static BOOLEAN KrtKnownType(const DISPATCHER_HEADER *h)
{
    switch (h->Type) {
    case EventNotificationObject:
    case EventSynchronizationObject:
    case MutantObject:
    case SemaphoreObject:
    case ThreadObject:
    case TimerNotificationObject:
    case TimerSynchronizationObject:
        return h->WaitListHead.Flink != NULL && h->WaitListHead.Blink != NULL;
    default:
        return FALSE;
    }
}

static BOOLEAN KrtIsSignaled(DISPATCHER_HEADER *h, KTHREAD *t)
{
    if (h->Type == MutantObject)
        return (BOOLEAN)(h->SignalState > 0 || ((PKMUTANT)h)->OwnerThread == t);
    return (BOOLEAN)(h->SignalState > 0);
}

static void KrtConsume(DISPATCHER_HEADER *h, KTHREAD *t)
{
    switch (h->Type) {
    case EventSynchronizationObject:
    case TimerSynchronizationObject:
        h->SignalState = 0;
        break;
    case SemaphoreObject:
        h->SignalState--;
        break;
    case MutantObject:
        ((PKMUTANT)h)->OwnerThread = t;
        h->SignalState--; /* 1 = free, 0 = owned once, -n = owned recursively */
        break;
    default:
        break; /* notification objects stay signalled */
    }
}

static void KrtUnlinkWait(KTHREAD *t)
{
    for (ULONG i = 0; i < t->WaitCount; i++)
        RemoveEntryList(&t->WaitBlocks[i].WaitListEntry);
    if (t->WaitBlocks != t->InlineWaitBlocks && t->WaitBlocks != NULL && t->WaitBlocks[0].SparePtr == (PVOID)t)
        ExFreePoolWithTag(t->WaitBlocks, 0x7469614B /* 'Kait' */);
    t->WaitCount = 0;
    t->WaitBlocks = NULL;
}

static void KrtSatisfy(KTHREAD *t, NTSTATUS status)
{
    KrtUnlinkWait(t);
    KhEventCancel(&t->WaitTimeout);
    t->Waiting = FALSE;
    t->WaitStatus = status;
    KhThreadReady(t);
}

/* WaitAll: satisfied only when every object is signalled for this thread; then all are consumed. */
static BOOLEAN KrtTrySatisfyAll(KTHREAD *t)
{
    for (ULONG i = 0; i < t->WaitCount; i++)
        if (!KrtIsSignaled((DISPATCHER_HEADER *)t->WaitBlocks[i].Object, t))
            return FALSE;
    for (ULONG i = 0; i < t->WaitCount; i++)
        KrtConsume((DISPATCHER_HEADER *)t->WaitBlocks[i].Object, t);
    return TRUE;
}

void KrtSignalObject(DISPATCHER_HEADER *h)
{
    PLIST_ENTRY head = &h->WaitListHead;
    PLIST_ENTRY e = head->Flink;
    while (e != head && h->SignalState > 0) {
        PKWAIT_BLOCK b = CONTAINING_RECORD(e, KWAIT_BLOCK, WaitListEntry);
        KTHREAD *t = b->Thread;
        PLIST_ENTRY next = e->Flink;
        if (b->WaitType == WaitAny) {
            if (KrtIsSignaled(h, t)) {
                KrtConsume(h, t);
                KrtSatisfy(t, (NTSTATUS)(STATUS_WAIT_0 + b->WaitKey));
                next = head->Flink;
            }
        } else if (KrtTrySatisfyAll(t)) {
            KrtSatisfy(t, STATUS_WAIT_0);
            next = head->Flink;
        }
        e = next;
    }
}

static void KrtWaitTimedOut(void *arg)
{
    KTHREAD *t = (KTHREAD *)arg;
    if (!t->Waiting)
        return;
    KrtUnlinkWait(t);
    t->Waiting = FALSE;
    t->WaitStatus = STATUS_TIMEOUT;
    KhThreadReady(t);
}

/* Parks the current thread until KhThreadReady; its IRQL is kept across the switch. */
static void KrtBlockCurrent(KTHREAD *t)
{
    t->Irql = g_KrtCur.Irql;
    KhThreadSuspend();
}

static BOOLEAN KrtCanBlock(const char *call)
{
    KTHREAD *t = g_KrtCur.Thread;
    if (t == NULL) {
        KrtReport(2, call, "blocking wait outside a thread (completion routine, DPC or event callback run at "
                           "DISPATCH_LEVEL and must not wait); returning STATUS_TIMEOUT");
        return FALSE;
    }
    if (g_KrtCur.Irql >= DISPATCH_LEVEL) {
        KrtReport(2, call, "blocking wait at IRQL %u (IRQL_NOT_LESS_OR_EQUAL); returning STATUS_TIMEOUT",
                  g_KrtCur.Irql);
        return FALSE;
    }
    if (t->SpinLocksHeld)
        KrtReport(2, call, "blocking wait while holding %u spin lock(s)", t->SpinLocksHeld);
    return TRUE;
}

NTSTATUS NTAPI KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                                        KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                        PKWAIT_BLOCK WaitBlockArray)
{
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;
    KTHREAD *t = g_KrtCur.Thread;
    if (Count == 0 || Count > MAXIMUM_WAIT_OBJECTS || Object == NULL || (WaitType != WaitAny && WaitType != WaitAll)) {
        KrtReport(2, "KeWaitForMultipleObjects", "invalid count %u or wait type %d", Count, (int)WaitType);
        return STATUS_INVALID_PARAMETER;
    }
    if (Count > THREAD_WAIT_OBJECTS && WaitBlockArray == NULL)
        KrtReport(2, "KeWaitForMultipleObjects", "%u objects need a caller-supplied WaitBlockArray", Count);
    for (ULONG i = 0; i < Count; i++) {
        if (Object[i] == NULL || !KrtKnownType((DISPATCHER_HEADER *)Object[i])) {
            KrtReport(2, "KeWaitForSingleObject", "object %p is not an initialised dispatcher object", Object[i]);
            return STATUS_INVALID_PARAMETER;
        }
    }
    /* Work deferred for this instance at this very time (completions of requests it pended) runs before
     * its thread would block, as another processor would have run it meanwhile. */
    if (t != NULL && g_KrtCur.Irql <= APC_LEVEL && (Timeout == NULL || Timeout->QuadPart != 0))
        KhRunDeferred(t->Instance);
    /* Satisfied now? */
    if (WaitType == WaitAny) {
        for (ULONG i = 0; i < Count; i++) {
            DISPATCHER_HEADER *h = (DISPATCHER_HEADER *)Object[i];
            if (KrtIsSignaled(h, t)) {
                KrtConsume(h, t);
                return (NTSTATUS)(STATUS_WAIT_0 + i);
            }
        }
    } else {
        BOOLEAN all = TRUE;
        for (ULONG i = 0; i < Count && all; i++)
            all = KrtIsSignaled((DISPATCHER_HEADER *)Object[i], t);
        if (all) {
            for (ULONG i = 0; i < Count; i++)
                KrtConsume((DISPATCHER_HEADER *)Object[i], t);
            return STATUS_WAIT_0;
        }
    }
    if (Timeout != NULL && Timeout->QuadPart == 0)
        return STATUS_TIMEOUT;
    if (!KrtCanBlock(Count == 1 ? "KeWaitForSingleObject" : "KeWaitForMultipleObjects"))
        return STATUS_TIMEOUT;

    PKWAIT_BLOCK blocks = t->InlineWaitBlocks;
    if (Count > THREAD_WAIT_OBJECTS) {
        blocks = WaitBlockArray;
        if (blocks == NULL) {
            blocks = ExAllocatePoolWithTag(NonPagedPoolNx, Count * sizeof(KWAIT_BLOCK), 0x7469614B);
            if (blocks == NULL)
                return STATUS_INSUFFICIENT_RESOURCES;
            blocks[0].SparePtr = (PVOID)t; /* marks an allocation to free */
        } else {
            blocks[0].SparePtr = NULL;
        }
    } else {
        blocks[0].SparePtr = NULL;
    }
    for (ULONG i = 0; i < Count; i++) {
        DISPATCHER_HEADER *h = (DISPATCHER_HEADER *)Object[i];
        blocks[i].Thread = t;
        blocks[i].Object = h;
        blocks[i].WaitKey = (USHORT)i;
        blocks[i].WaitType = (UCHAR)WaitType;
        InsertTailList(&h->WaitListHead, &blocks[i].WaitListEntry);
    }
    t->WaitBlocks = blocks;
    t->WaitCount = Count;
    t->WaitType = (UCHAR)WaitType;
    t->Waiting = TRUE;
    t->WaitStatus = STATUS_TIMEOUT;
    if (Timeout != NULL)
        KhEventSchedule(&t->WaitTimeout, t->Instance, KrtTimeoutToDelayNs(Timeout), KrtWaitTimedOut, t);
    KrtBlockCurrent(t);
    return t->WaitStatus;
}

NTSTATUS NTAPI KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                     BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    PVOID objects[1] = {Object};
    return KeWaitForMultipleObjects(1, objects, WaitAny, WaitReason, WaitMode, Alertable, Timeout, NULL);
}

static void KrtDelayDone(void *arg)
{
    KTHREAD *t = (KTHREAD *)arg;
    t->Waiting = FALSE;
    t->WaitStatus = STATUS_SUCCESS;
    KhThreadReady(t);
}

NTSTATUS NTAPI KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval)
{
    (void)WaitMode;
    (void)Alertable;
    if (Interval == NULL) {
        KrtReport(2, "KeDelayExecutionThread", "Interval is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    if (!KrtCanBlock("KeDelayExecutionThread"))
        return STATUS_SUCCESS;
    KTHREAD *t = g_KrtCur.Thread;
    t->Waiting = TRUE;
    t->WaitCount = 0;
    KhEventSchedule(&t->WaitTimeout, t->Instance, KrtTimeoutToDelayNs(Interval), KrtDelayDone, t);
    KrtBlockCurrent(t);
    return STATUS_SUCCESS;
}

/* Busy-waiting costs no simulated time: driver CPU time is zero unless a host latency model adds it. */
VOID NTAPI KeStallExecutionProcessor(ULONG MicroSeconds) { (void)MicroSeconds; }

/* ---- Events ---- */
VOID NTAPI KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    KrtDispatcherInit(&Event->Header, (UCHAR)(Type == SynchronizationEvent ? EventSynchronizationObject
                                                                            : EventNotificationObject),
                      (UCHAR)(sizeof(KEVENT) / sizeof(LONG)), State ? 1 : 0);
}

static BOOLEAN KrtCheckEvent(PRKEVENT Event, const char *call)
{
    if (Event == NULL || (Event->Header.Type != EventNotificationObject &&
                          Event->Header.Type != EventSynchronizationObject) ||
        Event->Header.WaitListHead.Flink == NULL) {
        KrtReport(2, call, "%p is not an initialised KEVENT", (void *)Event);
        return FALSE;
    }
    return TRUE;
}

LONG NTAPI KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    (void)Increment;
    (void)Wait;
    if (!KrtCheckEvent(Event, "KeSetEvent"))
        return 0;
    if (g_KrtCur.Irql > DISPATCH_LEVEL)
        KrtReport(2, "KeSetEvent", "called at IRQL %u (must be <= DISPATCH_LEVEL)", g_KrtCur.Irql);
    LONG prev = Event->Header.SignalState;
    Event->Header.SignalState = 1;
    KrtSignalObject(&Event->Header);
    return prev;
}

LONG NTAPI KeResetEvent(PRKEVENT Event)
{
    if (!KrtCheckEvent(Event, "KeResetEvent"))
        return 0;
    LONG prev = Event->Header.SignalState;
    Event->Header.SignalState = 0;
    return prev;
}

VOID NTAPI KeClearEvent(PRKEVENT Event)
{
    if (KrtCheckEvent(Event, "KeClearEvent"))
        Event->Header.SignalState = 0;
}

LONG NTAPI KeReadStateEvent(PRKEVENT Event) { return Event->Header.SignalState; }

LONG NTAPI KePulseEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    LONG prev = KeSetEvent(Event, Increment, Wait);
    Event->Header.SignalState = 0;
    return prev;
}

/* ---- Semaphores ---- */
VOID NTAPI KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
    if (Count < 0 || Limit <= 0 || Count > Limit)
        KrtReport(2, "KeInitializeSemaphore", "count %d / limit %d out of range", Count, Limit);
    KrtDispatcherInit(&Semaphore->Header, SemaphoreObject, (UCHAR)(sizeof(KSEMAPHORE) / sizeof(LONG)), Count);
    Semaphore->Limit = Limit;
}

LONG NTAPI KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment, LONG Adjustment, BOOLEAN Wait)
{
    (void)Increment;
    (void)Wait;
    LONG prev = Semaphore->Header.SignalState;
    if (Adjustment <= 0 || prev + Adjustment > Semaphore->Limit || prev + Adjustment < prev) {
        KrtReport(2, "KeReleaseSemaphore", "adjustment %d exceeds the limit %d (STATUS_SEMAPHORE_LIMIT_EXCEEDED)",
                  Adjustment, Semaphore->Limit);
        return prev;
    }
    Semaphore->Header.SignalState = prev + Adjustment;
    KrtSignalObject(&Semaphore->Header);
    return prev;
}

LONG NTAPI KeReadStateSemaphore(PRKSEMAPHORE Semaphore) { return Semaphore->Header.SignalState; }

/* ---- Mutexes ---- */
VOID NTAPI KeInitializeMutex(PRKMUTEX Mutex, ULONG Level)
{
    (void)Level;
    KrtDispatcherInit(&Mutex->Header, MutantObject, (UCHAR)(sizeof(KMUTEX) / sizeof(LONG)), 1);
    Mutex->OwnerThread = NULL;
    Mutex->Abandoned = FALSE;
    Mutex->ApcDisable = 1;
    InitializeListHead(&Mutex->MutantListEntry);
}

LONG NTAPI KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait)
{
    (void)Wait;
    LONG prev = Mutex->Header.SignalState;
    if (Mutex->OwnerThread != g_KrtCur.Thread || prev > 0) {
        KrtReport(2, "KeReleaseMutex", "mutex %p is not owned by the current thread (THREAD_NOT_MUTEX_OWNER)",
                  (void *)Mutex);
        return prev;
    }
    Mutex->Header.SignalState++;
    if (Mutex->Header.SignalState > 0) {
        Mutex->OwnerThread = NULL;
        KrtSignalObject(&Mutex->Header);
    }
    return prev;
}

LONG NTAPI KeReadStateMutex(PRKMUTEX Mutex) { return Mutex->Header.SignalState; }

/* ---- Fast mutexes: acquire waits on the embedded synchronization event when owned ---- */
VOID NTAPI ExInitializeFastMutex(PFAST_MUTEX FastMutex)
{
    FastMutex->Count = 1;
    FastMutex->Owner = NULL;
    FastMutex->Contention = 0;
    KeInitializeEvent(&FastMutex->Event, SynchronizationEvent, FALSE);
    FastMutex->OldIrql = 0;
}

VOID NTAPI ExAcquireFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    if (FastMutex->Owner == (PVOID)g_KrtCur.Thread && g_KrtCur.Thread != NULL) {
        KrtReport(2, "ExAcquireFastMutex", "fast mutex %p acquired recursively (deadlock)", (void *)FastMutex);
        return;
    }
    while (FastMutex->Count <= 0) {
        FastMutex->Contention++;
        if (KeWaitForSingleObject(&FastMutex->Event, Executive, KernelMode, FALSE, NULL) != STATUS_SUCCESS)
            break;
    }
    FastMutex->Count = 0;
    FastMutex->Owner = (PVOID)g_KrtCur.Thread;
}

VOID NTAPI ExReleaseFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    if (FastMutex->Count > 0) {
        KrtReport(2, "ExReleaseFastMutex", "fast mutex %p is not held", (void *)FastMutex);
        return;
    }
    FastMutex->Count = 1;
    FastMutex->Owner = NULL;
    if (!IsListEmpty(&FastMutex->Event.Header.WaitListHead))
        KeSetEvent(&FastMutex->Event, 0, FALSE);
}

VOID NTAPI ExAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    KIRQL old = g_KrtCur.Irql;
    if (old > APC_LEVEL)
        KrtReport(2, "ExAcquireFastMutex", "called at IRQL %u (must be <= APC_LEVEL)", old);
    BOOLEAN recursive = (BOOLEAN)(g_KrtCur.Thread != NULL && FastMutex->Owner == (PVOID)g_KrtCur.Thread);
    ExAcquireFastMutexUnsafe(FastMutex);
    if (recursive)
        return; /* reported; the holder's saved IRQL stays */
    FastMutex->OldIrql = old;
    g_KrtCur.Irql = APC_LEVEL;
}

VOID NTAPI ExReleaseFastMutex(PFAST_MUTEX FastMutex)
{
    KIRQL old = (KIRQL)FastMutex->OldIrql;
    ExReleaseFastMutexUnsafe(FastMutex);
    g_KrtCur.Irql = old;
}

BOOLEAN NTAPI ExTryToAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    if (FastMutex->Count <= 0)
        return FALSE;
    ExAcquireFastMutex(FastMutex);
    return TRUE;
}

/* ---- Rundown protection: the waiter polls on a notification event set by the last release ---- */
#define KRT_RUNDOWN_ACTIVE ((ULONG_PTR)1)

VOID NTAPI ExInitializeRundownProtection(PEX_RUNDOWN_REF RunRef) { RunRef->Count = 0; }
VOID NTAPI ExReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef) { RunRef->Count = 0; }
VOID NTAPI ExRundownCompleted(PEX_RUNDOWN_REF RunRef) { RunRef->Count = KRT_RUNDOWN_ACTIVE; }

BOOLEAN NTAPI ExAcquireRundownProtection(PEX_RUNDOWN_REF RunRef)
{
    if (RunRef->Count & KRT_RUNDOWN_ACTIVE)
        return FALSE;
    RunRef->Count += 2;
    return TRUE;
}

VOID NTAPI ExReleaseRundownProtection(PEX_RUNDOWN_REF RunRef)
{
    if ((RunRef->Count & ~KRT_RUNDOWN_ACTIVE) == 0) {
        KrtReport(2, "ExReleaseRundownProtection", "no protection is held on %p", (void *)RunRef);
        return;
    }
    RunRef->Count -= 2;
}

VOID NTAPI ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef)
{
    RunRef->Count |= KRT_RUNDOWN_ACTIVE;
    LARGE_INTEGER poll;
    poll.QuadPart = -10000; /* 1 ms */
    while ((RunRef->Count & ~KRT_RUNDOWN_ACTIVE) != 0) {
        if (g_KrtCur.Thread == NULL) {
            KrtReport(2, "ExWaitForRundownProtectionRelease", "must be called from a thread at PASSIVE_LEVEL");
            return;
        }
        KeDelayExecutionThread(KernelMode, FALSE, &poll);
    }
}

/* ---- Push locks (exclusive and shared; contention waits in 1 ms steps of simulated time) ---- */
VOID NTAPI ExInitializePushLock(PEX_PUSH_LOCK PushLock) { PushLock->Value = 0; }

static void KrtPushLockWait(PEX_PUSH_LOCK PushLock, BOOLEAN exclusive)
{
    LARGE_INTEGER poll;
    poll.QuadPart = -10000;
    while (exclusive ? PushLock->Value != 0 : (PushLock->Value & 1) != 0) {
        if (g_KrtCur.Thread == NULL) {
            KrtReport(2, "ExAcquirePushLock", "contended push lock %p outside a thread (deadlock)", (void *)PushLock);
            return;
        }
        KeDelayExecutionThread(KernelMode, FALSE, &poll);
    }
}

VOID NTAPI ExAcquirePushLockExclusive(PEX_PUSH_LOCK PushLock)
{
    KrtPushLockWait(PushLock, TRUE);
    PushLock->Value = 1;
}
VOID NTAPI ExReleasePushLockExclusive(PEX_PUSH_LOCK PushLock) { PushLock->Value = 0; }
VOID NTAPI ExAcquirePushLockShared(PEX_PUSH_LOCK PushLock)
{
    KrtPushLockWait(PushLock, FALSE);
    PushLock->Value += 2;
}
VOID NTAPI ExReleasePushLockShared(PEX_PUSH_LOCK PushLock)
{
    if (PushLock->Value >= 2)
        PushLock->Value -= 2;
}
