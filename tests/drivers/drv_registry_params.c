/*
 * Reads its configuration the Windows way, from <RegistryPath>\Parameters: "Port" (REG_DWORD) and
 * "Server" (REG_SZ), once with ZwOpenKey + ZwQueryValueKey and once with RtlQueryRegistryValues, and prints
 * what it found. Also prints the statuses for a missing value and for undersized buffers, so the tests can
 * check them from the log.
 */
#include <ntddk.h>

#define REG_TAG 'pRrD'

static DRIVER_UNLOAD Unload;
static VOID Unload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DbgPrint("unloaded\n");
}

static NTSTATUS OpenParameters(PUNICODE_STRING RegistryPath, PHANDLE Parameters)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING sub;
    HANDLE service;
    NTSTATUS status;

    InitializeObjectAttributes(&oa, RegistryPath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&service, KEY_READ, &oa);
    if (!NT_SUCCESS(status))
        return status;
    RtlInitUnicodeString(&sub, L"Parameters");
    InitializeObjectAttributes(&oa, &sub, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, service, NULL);
    status = ZwOpenKey(Parameters, KEY_READ, &oa);
    ZwClose(service);
    return status;
}

static NTSTATUS ReadWithZw(PUNICODE_STRING RegistryPath)
{
    HANDLE key;
    UNICODE_STRING name;
    ULONG needed = 0, port = 0;
    UCHAR small[FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data) + sizeof(ULONG)];
    PKEY_VALUE_PARTIAL_INFORMATION info = (PKEY_VALUE_PARTIAL_INFORMATION)small;
    PKEY_VALUE_PARTIAL_INFORMATION server;
    NTSTATUS status = OpenParameters(RegistryPath, &key);
    if (!NT_SUCCESS(status)) {
        DbgPrint("zw: cannot open Parameters: 0x%08X\n", status);
        return status;
    }

    RtlInitUnicodeString(&name, L"Port");
    status = ZwQueryValueKey(key, &name, KeyValuePartialInformation, info, sizeof small, &needed);
    if (!NT_SUCCESS(status) || info->Type != REG_DWORD || info->DataLength != sizeof(ULONG)) {
        DbgPrint("zw: Port: status 0x%08X\n", status);
        ZwClose(key);
        return NT_SUCCESS(status) ? STATUS_OBJECT_TYPE_MISMATCH : status;
    }
    RtlCopyMemory(&port, info->Data, sizeof port);

    /* The usual two calls: ask for the size, then allocate and read. */
    RtlInitUnicodeString(&name, L"Server");
    status = ZwQueryValueKey(key, &name, KeyValuePartialInformation, NULL, 0, &needed);
    DbgPrint("zw: Server size query: status 0x%08X needed %lu\n", status, needed);
    /* A buffer that holds the fixed part but not all the data. */
    status = ZwQueryValueKey(key, &name, KeyValuePartialInformation, small, sizeof small, &needed);
    DbgPrint("zw: Server short buffer: status 0x%08X needed %lu\n", status, needed);
    server = ExAllocatePool2(POOL_FLAG_PAGED, needed, REG_TAG);
    if (server == NULL) {
        ZwClose(key);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = ZwQueryValueKey(key, &name, KeyValuePartialInformation, server, needed, &needed);
    if (NT_SUCCESS(status) && server->Type == REG_SZ)
        DbgPrint("zw: Port=%lu Server=%ws\n", port, (PCWSTR)server->Data);
    else
        DbgPrint("zw: Server: status 0x%08X\n", status);
    ExFreePoolWithTag(server, REG_TAG);

    RtlInitUnicodeString(&name, L"NoSuchValue");
    DbgPrint("zw: NoSuchValue: status 0x%08X\n",
             ZwQueryValueKey(key, &name, KeyValuePartialInformation, small, sizeof small, &needed));
    ZwClose(key);
    return status;
}

static RTL_QUERY_REGISTRY_ROUTINE PrintValue;
static NTSTATUS PrintValue(PWSTR ValueName, ULONG ValueType, PVOID ValueData, ULONG ValueLength, PVOID Context,
                           PVOID EntryContext)
{
    UNREFERENCED_PARAMETER(ValueData);
    UNREFERENCED_PARAMETER(EntryContext);
    ++*(ULONG *)Context;
    DbgPrint("rtl callback: %ws type %lu length %lu\n", ValueName, ValueType, ValueLength);
    return STATUS_SUCCESS;
}

/* "<service name>\Parameters", the service name being the last component of RegistryPath. */
static VOID ServiceRelativePath(PCUNICODE_STRING RegistryPath, PUNICODE_STRING Path)
{
    UNICODE_STRING service;
    USHORT i = RegistryPath->Length / sizeof(WCHAR);
    while (i > 0 && RegistryPath->Buffer[i - 1] != L'\\')
        i--;
    service.Buffer = RegistryPath->Buffer + i;
    service.Length = (USHORT)(RegistryPath->Length - i * sizeof(WCHAR));
    service.MaximumLength = service.Length;
    Path->Length = 0;
    RtlAppendUnicodeStringToString(Path, &service);
    RtlAppendUnicodeToString(Path, L"\\Parameters");
    Path->Buffer[Path->Length / sizeof(WCHAR)] = UNICODE_NULL;
}

static NTSTATUS ReadWithRtl(PUNICODE_STRING RegistryPath)
{
    RTL_QUERY_REGISTRY_TABLE table[4];
    ULONG port = 0, timeout = 0, defaultTimeout = 30, seen = 0;
    UNICODE_STRING server = {0, 0, NULL};
    WCHAR pathBuffer[200];
    UNICODE_STRING path = {0, sizeof pathBuffer, pathBuffer};
    NTSTATUS status;

    /* Absolute path: <RegistryPath>\Parameters */
    RtlCopyUnicodeString(&path, RegistryPath);
    RtlAppendUnicodeToString(&path, L"\\Parameters");
    path.Buffer[path.Length / sizeof(WCHAR)] = UNICODE_NULL;

    RtlZeroMemory(table, sizeof table);
    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED | RTL_QUERY_REGISTRY_TYPECHECK;
    table[0].Name = L"Port";
    table[0].EntryContext = &port;
    table[0].DefaultType = (REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE;
    table[1].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_NOEXPAND;
    table[1].Name = L"Server";
    table[1].EntryContext = &server;
    table[1].DefaultType = REG_SZ;
    table[1].DefaultData = L"localhost";
    table[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[2].Name = L"TimeoutSeconds";
    table[2].EntryContext = &timeout;
    table[2].DefaultType = REG_DWORD;
    table[2].DefaultData = &defaultTimeout;
    table[2].DefaultLength = sizeof(ULONG);
    status = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, path.Buffer, table, NULL, NULL);
    if (!NT_SUCCESS(status)) {
        DbgPrint("rtl: status 0x%08X\n", status);
        return status;
    }
    DbgPrint("rtl: Port=%lu Server=%wZ TimeoutSeconds=%lu\n", port, &server, timeout);
    RtlFreeUnicodeString(&server);

    /* Relative to the Services key, with a callback for every value of Parameters. */
    RtlZeroMemory(table, sizeof table);
    table[0].QueryRoutine = PrintValue;
    table[0].Flags = RTL_QUERY_REGISTRY_NOEXPAND;
    ServiceRelativePath(RegistryPath, &path);
    status = RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, path.Buffer, table, &seen, NULL);
    DbgPrint("rtl services: status 0x%08X values %lu\n", status, seen);

    /* A required value that is missing. */
    RtlZeroMemory(table, sizeof table);
    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
    table[0].Name = L"NoSuchValue";
    table[0].EntryContext = &timeout;
    DbgPrint("rtl: required NoSuchValue: status 0x%08X\n",
             RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, path.Buffer, table, NULL, NULL));
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;
    DriverObject->DriverUnload = Unload;
    status = ReadWithZw(RegistryPath);
    if (!NT_SUCCESS(status))
        return status;
    return ReadWithRtl(RegistryPath);
}
