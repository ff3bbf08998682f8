/*
 * A driver with a global counter and a system thread that waits on a periodic timer: every node's
 * instance must count only its own ticks, at its own simulated times.
 */
#include <ntddk.h>

static LONG g_ticks;
static KTIMER g_timer;
static PETHREAD g_thread;
static KEVENT g_stop;

static KSTART_ROUTINE TickThread;
static VOID TickThread(PVOID Context)
{
    PVOID objects[2];
    UNREFERENCED_PARAMETER(Context);
    objects[0] = &g_stop;
    objects[1] = &g_timer;
    for (;;) {
        NTSTATUS s = KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);
        if (s == STATUS_WAIT_0)
            break;
        InterlockedIncrement(&g_ticks);
        DbgPrint("tick %d at %I64u\n", g_ticks, KeQueryInterruptTime());
    }
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static DRIVER_UNLOAD Unload;
static VOID Unload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KeSetEvent(&g_stop, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(g_thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(g_thread);
    KeCancelTimer(&g_timer);
    DbgPrint("unloaded with ticks=%d\n", g_ticks);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    HANDLE h;
    LARGE_INTEGER due;
    NTSTATUS s;
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = Unload;
    KeInitializeEvent(&g_stop, NotificationEvent, FALSE);
    KeInitializeTimerEx(&g_timer, SynchronizationTimer);
    due.QuadPart = -10LL * 1000 * 1000; /* first tick after 1 s, then every 1000 ms */
    KeSetTimerEx(&g_timer, due, 1000, NULL);
    s = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, TickThread, NULL);
    if (!NT_SUCCESS(s))
        return s;
    s = ObReferenceObjectByHandle(h, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_thread, NULL);
    ZwClose(h);
    return s;
}
