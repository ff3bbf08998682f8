/*
 * drv_msvc_idioms.c - C idioms that MSVC accepts and WDK drivers use, which GCC must accept too:
 * a LOG(fmt, __VA_ARGS__) wrapper called with no arguments, try/except without underscores around
 * MmProbeAndLockPages, and UInt32x32To64 / Int32x32To64 for 100 ns timeouts.
 */
#include <ntddk.h>

#define LOG(x, ...) DbgPrint((x), __VA_ARGS__)
#define LOGEX(x, ...) DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL, (x), __VA_ARGS__)

static VOID Unload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    CHAR buffer[32];
    BOOLEAN locked = FALSE;
    LARGE_INTEGER timeout, before, after;
    KEVENT never;
    PMDL mdl;
    ULONG (*print)(PCSTR, ...) = &DbgPrint; /* the macro must not stop drivers taking DbgPrint's address */
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = Unload;
    LOG("idioms: no arguments\n");
    LOG("idioms: %d argument\n", 1);
    LOGEX("idioms: ex no arguments\n");
    print("idioms: through a pointer %s\n", "ok");
    mdl = IoAllocateMdl(buffer, sizeof buffer, FALSE, FALSE, NULL);
    if (mdl == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    try {
        MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
        locked = TRUE;
    } except (EXCEPTION_EXECUTE_HANDLER) {
        LOG("idioms: probe raised\n");
    }
    if (locked)
        MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    LOG("idioms: locked=%u\n", locked);
    LOG("idioms: products %I64u %I64d\n", UInt32x32To64(0xFFFFFFFFu, 10000), Int32x32To64(-250, 10000));
    timeout.QuadPart = -(LONGLONG)UInt32x32To64(250, 10000); /* 250 ms, relative */
    KeInitializeEvent(&never, NotificationEvent, FALSE);
    KeQuerySystemTime(&before);
    NTSTATUS st = KeWaitForSingleObject(&never, Executive, KernelMode, FALSE, &timeout);
    KeQuerySystemTime(&after);
    LOG("idioms: wait=0x%08x waited=%I64d\n", st, after.QuadPart - before.QuadPart);
    return STATUS_SUCCESS;
}
