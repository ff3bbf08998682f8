/* DriverEntry blocks on a kernel timer that fires 5 s after load, then returns. */
#include <ntddk.h>

static KTIMER g_timer;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    LARGE_INTEGER due;
    LARGE_INTEGER now;
    UNREFERENCED_PARAMETER(DriverObject);
    DbgPrint("DriverEntry at %I64d registry %wZ\n", (LONGLONG)KeQueryInterruptTime(), RegistryPath);
    KeInitializeTimer(&g_timer);
    due.QuadPart = -5LL * 10 * 1000 * 1000; /* 5 s, relative */
    KeSetTimer(&g_timer, due, NULL);
    if (KeWaitForSingleObject(&g_timer, Executive, KernelMode, FALSE, NULL) != STATUS_SUCCESS)
        return STATUS_UNSUCCESSFUL;
    KeQuerySystemTime(&now);
    DbgPrint("timer fired at interrupt time %I64u\n", KeQueryInterruptTime());
    return STATUS_SUCCESS;
}
