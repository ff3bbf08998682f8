/*
 * A system thread still in a timed wait (KeDelayExecutionThread for 100 s) when the simulation ends: the
 * host must tear the instance down without touching the simulation's freed event records, whether its
 * application object goes during Simulator::Destroy or after it.
 */
#include <ntddk.h>

static KSTART_ROUTINE SleepThread;
static VOID SleepThread(PVOID Context)
{
    LARGE_INTEGER delay;
    UNREFERENCED_PARAMETER(Context);
    delay.QuadPart = -100LL * 1000 * 1000 * 10; /* 100 s */
    DbgPrint("sleeping\n");
    KeDelayExecutionThread(KernelMode, FALSE, &delay);
    DbgPrint("woke\n");
    PsTerminateSystemThread(STATUS_SUCCESS);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    HANDLE h;
    NTSTATUS s;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    s = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, SleepThread, NULL);
    if (NT_SUCCESS(s))
        ZwClose(h);
    return s;
}
