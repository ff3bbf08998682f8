/* thread.c - system threads as coroutines, thread objects and handles, processes, work items. */
#include "krt_internal.h"

#include <stdio.h>
#include <stdlib.h>

struct _KPROCESS {
    DISPATCHER_HEADER Header;
    ULONG ProcessId;
};
/* The executive process object begins with the kernel one (its Pcb), as on Windows. */
struct _EPROCESS {
    struct _KPROCESS Pcb;
};

/* The simulated kernel has one process ("System", pid 4); code on the simulator's own stack sees an
 * idle thread object, as a DPC sees whatever thread it interrupted. */
static struct _EPROCESS g_KrtSystemProcess = {{{{{ProcessObject, 0, 0, 0}}, 0, {NULL, NULL}}, 4}};
static KTHREAD g_KrtIdleThread;

static POBJECT_TYPE g_KrtThreadType = (POBJECT_TYPE)0x1;
static POBJECT_TYPE g_KrtProcessType = (POBJECT_TYPE)0x2;
static POBJECT_TYPE g_KrtEventType = (POBJECT_TYPE)0x3;
static POBJECT_TYPE g_KrtFileType = (POBJECT_TYPE)0x4;
POBJECT_TYPE *PsThreadType = &g_KrtThreadType;
POBJECT_TYPE *PsProcessType = &g_KrtProcessType;
POBJECT_TYPE *ExEventObjectType = &g_KrtEventType;
POBJECT_TYPE *IoFileObjectType = &g_KrtFileType;
CCHAR KeNumberProcessors = 1;

/* Handles and object pointers are thread addresses; only those of this instance's live thread objects are
 * valid, so a made-up, pseudo or already-closed handle is rejected without being dereferenced. */
static KTHREAD *KrtAsThread(PVOID p)
{
    KRT_INSTANCE *inst = g_KrtCur.Instance;
    if (p == NULL || inst == NULL)
        return NULL;
    for (PLIST_ENTRY e = inst->Threads.Flink; e != &inst->Threads; e = e->Flink) {
        KTHREAD *t = CONTAINING_RECORD(e, KTHREAD, InstanceLink);
        if (t == (KTHREAD *)p)
            return t->Magic == KRT_THREAD_MAGIC ? t : NULL;
    }
    return NULL;
}

static NTSTATUS KrtCreateThreadImpl(KRT_INSTANCE *inst, PKSTART_ROUTINE start, PVOID ctx, const char *name,
                                    KTHREAD **out, BOOLEAN runNow);

NTSTATUS KrtCreateThread(KRT_INSTANCE *inst, PKSTART_ROUTINE start, PVOID ctx, const char *name, KTHREAD **out)
{
    return KrtCreateThreadImpl(inst, start, ctx, name, out, FALSE);
}

NTSTATUS KrtCreateThreadRunNow(KRT_INSTANCE *inst, PKSTART_ROUTINE start, PVOID ctx, const char *name)
{
    return KrtCreateThreadImpl(inst, start, ctx, name, NULL, TRUE);
}

static NTSTATUS KrtCreateThreadImpl(KRT_INSTANCE *inst, PKSTART_ROUTINE start, PVOID ctx, const char *name,
                                    KTHREAD **out, BOOLEAN runNow)
{
    KTHREAD *t = calloc(1, sizeof *t);
    if (t == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    KrtDispatcherInit(&t->Header, ThreadObject, (UCHAR)(sizeof(DISPATCHER_HEADER) / sizeof(LONG)), 0);
    t->Magic = KRT_THREAD_MAGIC;
    t->Id = ++inst->NextThreadId;
    t->Instance = inst;
    t->RefCount = 1; /* dropped when the coroutine has finished */
    t->StartRoutine = start;
    t->StartContext = ctx;
    t->Irql = PASSIVE_LEVEL;
    t->Priority = 8;
    snprintf(t->Name, sizeof t->Name, "%s", name ? name : "thread");
    InsertTailList(&inst->Threads, &t->InstanceLink);
    if (KhThreadCreate(t, 0) != 0) {
        RemoveEntryList(&t->InstanceLink);
        free(t);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (out)
        *out = t;
    if (runNow)
        KhThreadRunNow(t);
    else
        KhThreadReady(t);
    return STATUS_SUCCESS;
}

static void KrtThreadTerminate(KTHREAD *t, NTSTATUS status) __attribute__((noreturn));
static void KrtThreadTerminate(KTHREAD *t, NTSTATUS status)
{
    if (t->SpinLocksHeld)
        KrtReport(2, "PsTerminateSystemThread", "thread '%s' ends while holding %u spin lock(s)", t->Name,
                  t->SpinLocksHeld);
    if (g_KrtCur.Irql != PASSIVE_LEVEL)
        KrtReport(2, "PsTerminateSystemThread", "thread '%s' ends at IRQL %u (must be PASSIVE_LEVEL)", t->Name,
                  g_KrtCur.Irql);
    t->ExitStatus = status;
    t->Terminated = TRUE;
    t->Header.SignalState = 1;
    KrtSignalObject(&t->Header);
    KhThreadExit();
}

void KrtThreadMain(KTHREAD *t)
{
    t->Started = TRUE;
    t->StartRoutine(t->StartContext);
    KrtThreadTerminate(t, STATUS_SUCCESS);
}

/* Called by the host once a finished coroutine's stack has been released. */
void KrtThreadExited(KTHREAD *t) { KrtThreadDereference(t); }

void KrtThreadDereference(KTHREAD *t)
{
    if (--t->RefCount > 0)
        return;
    if (!t->Terminated)
        KrtReport(2, "ObDereferenceObject", "last reference to running thread '%s' released", t->Name);
    RemoveEntryList(&t->InstanceLink);
    t->Magic = 0;
    free(t);
}

NTSTATUS NTAPI PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                    HANDLE ProcessHandle, PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine,
                                    PVOID StartContext)
{
    (void)DesiredAccess;
    (void)ObjectAttributes;
    (void)ProcessHandle;
    KRT_INSTANCE *inst = g_KrtCur.Instance;
    if (ThreadHandle == NULL || StartRoutine == NULL || inst == NULL) {
        KrtReport(2, "PsCreateSystemThread", "ThreadHandle and StartRoutine are required");
        return STATUS_INVALID_PARAMETER;
    }
    if (g_KrtCur.Irql != PASSIVE_LEVEL)
        KrtReport(2, "PsCreateSystemThread", "called at IRQL %u (must be PASSIVE_LEVEL)", g_KrtCur.Irql);
    KTHREAD *t;
    char name[48];
    snprintf(name, sizeof name, "system thread %u", inst->NextThreadId + 1);
    NTSTATUS s = KrtCreateThread(inst, StartRoutine, StartContext, name, &t);
    if (!NT_SUCCESS(s))
        return s;
    t->RefCount++; /* the handle */
    *ThreadHandle = (HANDLE)t;
    if (ClientId) {
        ClientId->UniqueProcess = (HANDLE)(ULONG_PTR)4;
        ClientId->UniqueThread = (HANDLE)(ULONG_PTR)(t->Id * 4);
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    KTHREAD *t = g_KrtCur.Thread;
    if (t == NULL) {
        KrtReport(2, "PsTerminateSystemThread", "not called from a system thread");
        return STATUS_INVALID_PARAMETER;
    }
    KrtThreadTerminate(t, ExitStatus);
}

PETHREAD NTAPI PsGetCurrentThread(VOID) { return g_KrtCur.Thread ? g_KrtCur.Thread : &g_KrtIdleThread; }
PKTHREAD NTAPI KeGetCurrentThread(VOID) { return PsGetCurrentThread(); }
HANDLE NTAPI PsGetCurrentThreadId(VOID) { return (HANDLE)(ULONG_PTR)(PsGetCurrentThread()->Id * 4); }
HANDLE NTAPI PsGetThreadId(PETHREAD Thread) { return (HANDLE)(ULONG_PTR)(Thread->Id * 4); }
PEPROCESS NTAPI PsGetCurrentProcess(VOID) { return &g_KrtSystemProcess; }
HANDLE NTAPI PsGetCurrentProcessId(VOID) { return (HANDLE)(ULONG_PTR)4; }
BOOLEAN NTAPI PsIsSystemThread(PETHREAD Thread) { return (BOOLEAN)(Thread != NULL); }
KPRIORITY NTAPI KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    KPRIORITY old = Thread->Priority;
    Thread->Priority = Priority;
    return old;
}
LONG NTAPI KeSetBasePriorityThread(PKTHREAD Thread, LONG Increment)
{
    LONG old = Thread->Priority - 8;
    Thread->Priority = 8 + Increment;
    return old;
}
KPRIORITY NTAPI KeQueryPriorityThread(PKTHREAD Thread) { return Thread->Priority; }
VOID NTAPI KeStackAttachProcess(PRKPROCESS Process, PRKAPC_STATE ApcState)
{
    (void)Process;
    memset(ApcState, 0, sizeof *ApcState);
}
VOID NTAPI KeUnstackDetachProcess(PRKAPC_STATE ApcState) { (void)ApcState; }

/* ---- Object references and handles: a handle is the object's address ---- */
NTSTATUS NTAPI ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                         KPROCESSOR_MODE AccessMode, PVOID *Object,
                                         POBJECT_HANDLE_INFORMATION HandleInformation)
{
    (void)DesiredAccess;
    (void)AccessMode;
    if (Object == NULL)
        return STATUS_INVALID_PARAMETER;
    *Object = NULL;
    KTHREAD *t = (Handle == NtCurrentThread()) ? g_KrtCur.Thread : KrtAsThread(Handle);
    if (Handle == NtCurrentProcess()) {
        if (ObjectType != NULL && ObjectType != *PsProcessType)
            return STATUS_OBJECT_TYPE_MISMATCH;
        *Object = &g_KrtSystemProcess;
        return STATUS_SUCCESS;
    }
    if (t == NULL) {
        KrtReport(1, "ObReferenceObjectByHandle", "handle %p is not a valid handle", Handle);
        return STATUS_INVALID_HANDLE;
    }
    if (ObjectType != NULL && ObjectType != *PsThreadType)
        return STATUS_OBJECT_TYPE_MISMATCH;
    t->RefCount++;
    *Object = t;
    if (HandleInformation) {
        HandleInformation->GrantedAccess = THREAD_ALL_ACCESS;
        HandleInformation->HandleAttributes = 0;
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI ObReferenceObjectByPointer(PVOID Object, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                          KPROCESSOR_MODE AccessMode)
{
    (void)DesiredAccess;
    (void)ObjectType;
    (void)AccessMode;
    ObfReferenceObject(Object);
    return STATUS_SUCCESS;
}

LONG_PTR NTAPI ObfReferenceObject(PVOID Object)
{
    KTHREAD *t = KrtAsThread(Object);
    return t ? ++t->RefCount : 1;
}

LONG_PTR NTAPI ObfDereferenceObject(PVOID Object)
{
    KTHREAD *t = KrtAsThread(Object);
    if (t == NULL)
        return 0;
    LONG left = t->RefCount - 1;
    KrtThreadDereference(t);
    return left;
}

NTSTATUS NTAPI ZwClose(HANDLE Handle)
{
    if (KrtRegistryCloseKey(Handle))
        return STATUS_SUCCESS;
    KTHREAD *t = KrtAsThread(Handle);
    if (t == NULL) {
        KrtReport(2, "ZwClose", "handle %p is not a valid handle (STATUS_INVALID_HANDLE)", Handle);
        return STATUS_INVALID_HANDLE;
    }
    KrtThreadDereference(t);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI NtClose(HANDLE Handle) { return ZwClose(Handle); }

NTSTATUS NTAPI ZwWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    KTHREAD *t = KrtAsThread(Handle);
    if (t == NULL)
        return STATUS_INVALID_HANDLE;
    return KeWaitForSingleObject(t, Executive, KernelMode, Alertable, Timeout);
}

/* ---- Work items: each queued item runs on a fresh system-thread coroutine at PASSIVE_LEVEL ---- */
typedef struct _IO_WORKITEM {
    PVOID IoObject;
    BOOLEAN Queued;
    BOOLEAN Allocated;
    PIO_WORKITEM_ROUTINE Routine;
    PIO_WORKITEM_ROUTINE_EX RoutineEx;
    PVOID Context;
} IO_WORKITEM;

static VOID KrtRunIoWorkItem(PVOID p)
{
    IO_WORKITEM *w = (IO_WORKITEM *)p;
    w->Queued = FALSE;
    if (w->RoutineEx)
        w->RoutineEx(w->IoObject, w->Context, w);
    else
        w->Routine((PDEVICE_OBJECT)w->IoObject, w->Context);
    if (g_KrtCur.Irql != PASSIVE_LEVEL)
        KrtReport(2, "IoQueueWorkItem", "work item routine returned at IRQL %u", g_KrtCur.Irql);
}

ULONG NTAPI IoSizeofWorkItem(VOID) { return sizeof(IO_WORKITEM); }

VOID NTAPI IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem)
{
    memset(IoWorkItem, 0, sizeof *IoWorkItem);
    IoWorkItem->IoObject = IoObject;
}

VOID NTAPI IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem)
{
    if (IoWorkItem->Queued)
        KrtReport(2, "IoUninitializeWorkItem", "work item %p is still queued", (void *)IoWorkItem);
}

PIO_WORKITEM NTAPI IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    IO_WORKITEM *w = ExAllocatePoolZero(NonPagedPoolNx, sizeof(IO_WORKITEM), 0x6B577049 /* 'IpWk' */);
    if (w) {
        w->IoObject = DeviceObject;
        w->Allocated = TRUE;
    }
    return w;
}

VOID NTAPI IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    if (IoWorkItem->Queued) {
        KrtReport(2, "IoFreeWorkItem", "work item %p freed while still queued (not freed: its routine will run)",
                  (void *)IoWorkItem);
        return;
    }
    ExFreePool(IoWorkItem);
}

static void KrtQueueIo(PIO_WORKITEM w, const char *call)
{
    if (w->Queued) {
        KrtReport(2, call, "work item %p queued again before its routine ran", (void *)w);
        return;
    }
    if (g_KrtCur.Instance == NULL) {
        KrtReport(2, call, "no driver context");
        return;
    }
    w->Queued = TRUE;
    if (!NT_SUCCESS(KrtCreateThread(g_KrtCur.Instance, KrtRunIoWorkItem, w, "work item", NULL)))
        KrtReport(2, call, "could not start a worker thread");
}

VOID NTAPI IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine, WORK_QUEUE_TYPE QueueType,
                           PVOID Context)
{
    (void)QueueType;
    IoWorkItem->Routine = WorkerRoutine;
    IoWorkItem->RoutineEx = NULL;
    IoWorkItem->Context = Context;
    KrtQueueIo(IoWorkItem, "IoQueueWorkItem");
}

VOID NTAPI IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                             WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    (void)QueueType;
    IoWorkItem->Routine = NULL;
    IoWorkItem->RoutineEx = WorkerRoutine;
    IoWorkItem->Context = Context;
    KrtQueueIo(IoWorkItem, "IoQueueWorkItemEx");
}

static VOID KrtRunExWorkItem(PVOID p)
{
    PWORK_QUEUE_ITEM item = (PWORK_QUEUE_ITEM)p;
    item->List.Flink = NULL;
    item->WorkerRoutine(item->Parameter);
}

VOID NTAPI ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType)
{
    (void)QueueType;
    if (WorkItem == NULL || WorkItem->WorkerRoutine == NULL || g_KrtCur.Instance == NULL) {
        KrtReport(2, "ExQueueWorkItem", "work item without a routine, or no driver context");
        return;
    }
    if (WorkItem->List.Flink != NULL) {
        KrtReport(2, "ExQueueWorkItem", "work item %p queued again before its routine ran", (void *)WorkItem);
        return;
    }
    WorkItem->List.Flink = &WorkItem->List;
    KrtCreateThread(g_KrtCur.Instance, KrtRunExWorkItem, WorkItem, "executive work item", NULL);
}
