/*
 * seed_harness.c - the application around the seed samples: the elided bodies, and a DriverEntry so the
 * samples load as a driver. The behaviour tests of the samples drive them through the WSK provider.
 */
#include "seed_app.h"

static LONG g_nextOperations;
static LONG g_errors;

void SeedAppNextOperation(PWSK_SOCKET Socket)
{
    InterlockedIncrement(&g_nextOperations);
    DbgPrint("seed: disconnect callback disabled on socket %p, next operation %d\n", (PVOID)Socket,
             g_nextOperations);
}

void SeedAppHandleError(PIRP Irp)
{
    InterlockedIncrement(&g_errors);
    DbgPrint("seed: disable failed with 0x%08x\n", Irp->IoStatus.Status);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    DbgPrint("seed samples loaded: %p %p %p\n", (PVOID)(ULONG_PTR)EnableDisconnectAndRecieveCallbacks,
             (PVOID)(ULONG_PTR)DisableDisconnectCallback, (PVOID)(ULONG_PTR)SetStaticEventCallbacks);
    return STATUS_SUCCESS;
}
