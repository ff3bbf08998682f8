/* driver.c - driver instances (one per driver per node), driver and device objects, symbolic links,
 * version queries, and the leak report at unload. */
#include "krt_internal.h"

#include <stdio.h>
#include <stdlib.h>

ULONG KrtPoolReportLeaks(KRT_INSTANCE *inst);
void KrtPoolReleaseAll(KRT_INSTANCE *inst);

static void KrtAsciiToWide(WCHAR *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (WCHAR)(unsigned char)src[i];
    dst[i] = 0;
}

size_t KrtWcsLen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

KRT_INSTANCE *KrtInstanceCreate(ULONG nodeId, const char *driverName, void *host)
{
    KRT_INSTANCE *inst = calloc(1, sizeof *inst);
    if (inst == NULL)
        return NULL;
    inst->Magic = KRT_INSTANCE_MAGIC;
    inst->NodeId = nodeId;
    inst->Host = host;
    snprintf(inst->DriverName, sizeof inst->DriverName, "%s", driverName);
    InitializeListHead(&inst->PoolAllocations);
    InitializeListHead(&inst->Threads);
    InitializeListHead(&inst->SymbolicLinks);
    InitializeListHead(&inst->WorkItems);
    InitializeListHead(&inst->RegistryKeys);

    char buf[200];
    snprintf(buf, sizeof buf, "\\Driver\\%s", driverName);
    KrtAsciiToWide(inst->NameBuffer, RTL_NUMBER_OF(inst->NameBuffer), buf);
    snprintf(buf, sizeof buf, "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\%s", driverName);
    KrtAsciiToWide(inst->RegistryBuffer, RTL_NUMBER_OF(inst->RegistryBuffer), buf);
    inst->RegistryPath.Buffer = inst->RegistryBuffer;
    inst->RegistryPath.Length = (USHORT)(KrtWcsLen(inst->RegistryBuffer) * sizeof(WCHAR));
    inst->RegistryPath.MaximumLength = (USHORT)(inst->RegistryPath.Length + sizeof(WCHAR));

    PDRIVER_OBJECT d = &inst->DriverObject;
    d->Type = IO_TYPE_DRIVER;
    d->Size = (CSHORT)sizeof(DRIVER_OBJECT);
    d->DriverExtension = &inst->DriverExtension;
    inst->DriverExtension.DriverObject = d;
    d->DriverName.Buffer = inst->NameBuffer;
    d->DriverName.Length = (USHORT)(KrtWcsLen(inst->NameBuffer) * sizeof(WCHAR));
    d->DriverName.MaximumLength = (USHORT)(d->DriverName.Length + sizeof(WCHAR));
    d->HardwareDatabase = NULL;
    d->DriverSection = inst;
    return inst;
}

typedef struct KRT_SYMLINK {
    LIST_ENTRY Link;
    UNICODE_STRING Name;
    WCHAR Buffer[1];
} KRT_SYMLINK;

ULONG KrtInstanceReportLeaks(KRT_INSTANCE *inst)
{
    ULONG leaked = KrtPoolReportLeaks(inst);
    for (PDEVICE_OBJECT dev = inst->DriverObject.DeviceObject; dev != NULL; dev = dev->NextDevice) {
        KrtReportFor(inst, 2, "DriverUnload", "device object %p was not deleted (IoDeleteDevice)", (void *)dev);
        leaked++;
    }
    for (PLIST_ENTRY e = inst->SymbolicLinks.Flink; e != &inst->SymbolicLinks; e = e->Flink) {
        KrtReportFor(inst, 1, "DriverUnload", "a symbolic link was not deleted (IoDeleteSymbolicLink)");
        leaked++;
    }
    for (PLIST_ENTRY e = inst->Threads.Flink; e != &inst->Threads; e = e->Flink) {
        KTHREAD *t = CONTAINING_RECORD(e, KTHREAD, InstanceLink);
        if (!t->Terminated && t != g_KrtCur.Thread) {
            KrtReportFor(inst, 2, "DriverUnload", "%s (thread %u) is still running after DriverUnload returned",
                         t->Name, t->Id);
            leaked++;
        }
    }
    leaked += KrtRegistryReportLeaks(inst);
    return leaked;
}

void KrtInstanceDestroy(KRT_INSTANCE *inst)
{
    if (inst == NULL)
        return;
    while (!IsListEmpty(&inst->SymbolicLinks))
        free(CONTAINING_RECORD(RemoveHeadList(&inst->SymbolicLinks), KRT_SYMLINK, Link));
    while (!IsListEmpty(&inst->Threads)) {
        KTHREAD *t = CONTAINING_RECORD(RemoveHeadList(&inst->Threads), KTHREAD, InstanceLink);
        KhEventCancel(&t->WaitTimeout);
        KhThreadRelease(t); /* a thread still blocked when the simulation ends */
        t->Magic = 0;
        free(t);
    }
    KrtPoolReleaseAll(inst);
    KrtRegistryRelease(inst);
    if (inst->DataOwner != NULL && *inst->DataOwner == inst)
        *inst->DataOwner = NULL;
    free(inst->DataCopy);
    free(inst->Tags);
    inst->Magic = 0;
    free(inst);
}

/* ---- Device objects ---- */
NTSTATUS NTAPI IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
                              DEVICE_TYPE DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                              PDEVICE_OBJECT *DeviceObject)
{
    (void)DeviceName;
    (void)Exclusive;
    if (DriverObject == NULL || DeviceObject == NULL)
        return STATUS_INVALID_PARAMETER;
    if (g_KrtCur.Irql != PASSIVE_LEVEL)
        KrtReport(2, "IoCreateDevice", "called at IRQL %u (must be PASSIVE_LEVEL)", g_KrtCur.Irql);
    size_t size = sizeof(DEVICE_OBJECT) + ((DeviceExtensionSize + 15u) & ~15u);
    PDEVICE_OBJECT dev = ExAllocatePoolZero(NonPagedPoolNx, size, 0x69766544 /* 'Devi' */);
    if (dev == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    dev->Type = IO_TYPE_DEVICE;
    dev->Size = (USHORT)(size > 0xFFFF ? 0xFFFF : size);
    dev->ReferenceCount = 0;
    dev->DriverObject = DriverObject;
    dev->Flags = DO_DEVICE_INITIALIZING;
    dev->Characteristics = DeviceCharacteristics;
    dev->DeviceExtension = DeviceExtensionSize ? (PVOID)(dev + 1) : NULL;
    dev->DeviceType = DeviceType;
    dev->StackSize = 1;
    dev->AlignmentRequirement = 0;
    KeInitializeEvent(&dev->DeviceLock, SynchronizationEvent, TRUE);
    dev->NextDevice = DriverObject->DeviceObject;
    DriverObject->DeviceObject = dev;
    *DeviceObject = dev;
    return STATUS_SUCCESS;
}

VOID NTAPI IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    if (DeviceObject == NULL || DeviceObject->Type != IO_TYPE_DEVICE) {
        KrtReport(2, "IoDeleteDevice", "%p is not a device object", (void *)DeviceObject);
        return;
    }
    PDEVICE_OBJECT *p = &DeviceObject->DriverObject->DeviceObject;
    while (*p != NULL && *p != DeviceObject)
        p = &(*p)->NextDevice;
    if (*p == DeviceObject)
        *p = DeviceObject->NextDevice;
    DeviceObject->Type = 0;
    ExFreePool(DeviceObject);
}

NTSTATUS NTAPI IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName)
{
    (void)DeviceName;
    KRT_INSTANCE *inst = g_KrtCur.Instance;
    if (SymbolicLinkName == NULL || inst == NULL)
        return STATUS_INVALID_PARAMETER;
    for (PLIST_ENTRY e = inst->SymbolicLinks.Flink; e != &inst->SymbolicLinks; e = e->Flink) {
        KRT_SYMLINK *l = CONTAINING_RECORD(e, KRT_SYMLINK, Link);
        if (RtlEqualUnicodeString(&l->Name, SymbolicLinkName, TRUE))
            return STATUS_OBJECT_NAME_COLLISION;
    }
    KRT_SYMLINK *l = calloc(1, sizeof *l + SymbolicLinkName->Length);
    if (l == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(l->Buffer, SymbolicLinkName->Buffer, SymbolicLinkName->Length);
    l->Name.Buffer = l->Buffer;
    l->Name.Length = l->Name.MaximumLength = SymbolicLinkName->Length;
    InsertTailList(&inst->SymbolicLinks, &l->Link);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName)
{
    KRT_INSTANCE *inst = g_KrtCur.Instance;
    if (SymbolicLinkName == NULL || inst == NULL)
        return STATUS_INVALID_PARAMETER;
    for (PLIST_ENTRY e = inst->SymbolicLinks.Flink; e != &inst->SymbolicLinks; e = e->Flink) {
        KRT_SYMLINK *l = CONTAINING_RECORD(e, KRT_SYMLINK, Link);
        if (RtlEqualUnicodeString(&l->Name, SymbolicLinkName, TRUE)) {
            RemoveEntryList(&l->Link);
            free(l);
            return STATUS_SUCCESS;
        }
    }
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

PDEVICE_OBJECT NTAPI IoGetRelatedDeviceObject(PFILE_OBJECT FileObject) { return FileObject ? FileObject->DeviceObject : NULL; }

NTSTATUS NTAPI IoGetDeviceObjectPointer(PUNICODE_STRING ObjectName, ACCESS_MASK DesiredAccess,
                                        PFILE_OBJECT *FileObject, PDEVICE_OBJECT *DeviceObject)
{
    (void)ObjectName;
    (void)DesiredAccess;
    *FileObject = NULL;
    *DeviceObject = NULL;
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

/* ---- Version: the simulated kernel is Windows 11 22H2 ---- */
NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW v)
{
    if (v == NULL || (v->dwOSVersionInfoSize != sizeof(RTL_OSVERSIONINFOW) &&
                      v->dwOSVersionInfoSize != sizeof(RTL_OSVERSIONINFOEXW)))
        return STATUS_INVALID_PARAMETER;
    ULONG size = v->dwOSVersionInfoSize;
    memset((char *)v + sizeof(ULONG), 0, size - sizeof(ULONG));
    v->dwMajorVersion = 10;
    v->dwMinorVersion = 0;
    v->dwBuildNumber = 22621;
    v->dwPlatformId = 2; /* VER_PLATFORM_WIN32_NT */
    if (size == sizeof(RTL_OSVERSIONINFOEXW))
        ((PRTL_OSVERSIONINFOEXW)v)->wProductType = 1; /* VER_NT_WORKSTATION */
    return STATUS_SUCCESS;
}

BOOLEAN NTAPI PsGetVersion(PULONG MajorVersion, PULONG MinorVersion, PULONG BuildNumber, PUNICODE_STRING CSDVersion)
{
    if (MajorVersion)
        *MajorVersion = 10;
    if (MinorVersion)
        *MinorVersion = 0;
    if (BuildNumber)
        *BuildNumber = 22621;
    if (CSDVersion)
        CSDVersion->Length = 0;
    return FALSE; /* not a checked build */
}

BOOLEAN NTAPI RtlIsNtDdiVersionAvailable(ULONG Version) { return (BOOLEAN)(Version <= NTDDI_WIN11_GE); }
BOOLEAN NTAPI IoIsWdmVersionAvailable(UCHAR MajorVersion, UCHAR MinorVersion)
{
    return (BOOLEAN)(MajorVersion < 6 || (MajorVersion == 6 && MinorVersion <= 0x30));
}
