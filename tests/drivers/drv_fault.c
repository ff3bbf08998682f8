/* A driver that dereferences NULL in DriverEntry: the host must name the driver and node, not just crash. */
#include <ntddk.h>

static volatile PULONG g_null;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    *g_null = 0xBAD;
    return STATUS_SUCCESS;
}
