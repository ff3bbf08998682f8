/*
 * echo_client.c - a TCP echo client written as a Windows WSK client driver, in the synchronous style: a
 * system thread created by DriverEntry does everything with IRPs whose completion routine sets a KEVENT
 * (and returns STATUS_MORE_PROCESSING_REQUIRED), waiting with KeWaitForSingleObject when a call returns
 * STATUS_PENDING and reusing the IRP with IoReuseIrp.
 *
 * Parameters (<RegistryPath>\Parameters):
 *   Server  IPv4 or IPv6 address text (default 10.1.1.2), parsed with RtlIpv4/Ipv6StringToAddressW
 *   Port    (default 7)
 *   Bytes   how many bytes to send (default 100000), a deterministic pattern
 *   Chunk   bytes per WskSend / WskReceive (default 16384)
 *
 * WskSocket (connection) -> WskBind (wildcard) -> WskConnect -> sends and receives the echo, checking
 * every byte (one WskSend and one WskReceive in flight at a time, at most 4 chunks sent ahead of the
 * echo) -> WskDisconnect (graceful) -> waits for the server's own disconnect (a receive of 0 bytes) ->
 * WskCloseSocket. Prints
 *   echo_client: sent=<n> received=<n> verified=yes|no elapsed_us=<connect to last byte>
 * and, for any call that fails, "echo_client: <call> failed: 0x<NTSTATUS>".
 */
#include <ntddk.h>
#include <wsk.h>
#include <ip2string.h>

#define CLIENT_TAG 'lcoE'

static const WSK_CLIENT_DISPATCH g_clientDispatch = {MAKE_WSK_VERSION(1, 0), 0, NULL};
static WSK_REGISTRATION g_registration;
static WSK_PROVIDER_NPI g_npi;
static PETHREAD g_thread;
static WCHAR g_server[64] = L"10.1.1.2";
static ULONG g_port = 7;
static ULONG g_bytes = 100000;
static ULONG g_chunk = 16384;

/* One IRP, its KEVENT and its buffer. */
typedef struct _CALL {
    PIRP Irp;
    KEVENT Done;
    PUCHAR Data;
    PMDL Mdl;
    WSK_BUF Buffer;
    BOOLEAN Busy;
} CALL, *PCALL;

static UCHAR Pattern(ULONGLONG Offset)
{
    return (UCHAR)(((ULONG)Offset * 2654435761u) >> 24);
}

static IO_COMPLETION_ROUTINE CallComplete;
static NTSTATUS CallComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Makes the IRP ready for the next call. */
static PIRP Prepare(PCALL Call)
{
    IoReuseIrp(Call->Irp, STATUS_UNSUCCESSFUL);
    KeClearEvent(&Call->Done);
    IoSetCompletionRoutine(Call->Irp, CallComplete, &Call->Done, TRUE, TRUE, TRUE);
    return Call->Irp;
}

/* The result of a call: waits for its completion if it returned STATUS_PENDING. */
static NTSTATUS Wait(PCALL Call, NTSTATUS Returned)
{
    if (Returned == STATUS_PENDING) {
        KeWaitForSingleObject(&Call->Done, Executive, KernelMode, FALSE, NULL);
        return Call->Irp->IoStatus.Status;
    }
    return Returned;
}

static NTSTATUS Check(const char *Name, NTSTATUS Status)
{
    if (!NT_SUCCESS(Status))
        DbgPrint("echo_client: %s failed: 0x%08X\n", Name, Status);
    return Status;
}

static BOOLEAN CallInit(PCALL Call, SIZE_T Size)
{
    RtlZeroMemory(Call, sizeof(*Call));
    KeInitializeEvent(&Call->Done, NotificationEvent, FALSE);
    Call->Irp = IoAllocateIrp(1, FALSE);
    Call->Data = (PUCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, CLIENT_TAG);
    Call->Mdl = Call->Data != NULL ? IoAllocateMdl(Call->Data, (ULONG)Size, FALSE, FALSE, NULL) : NULL;
    if (Call->Mdl != NULL)
        MmBuildMdlForNonPagedPool(Call->Mdl);
    return Call->Irp != NULL && Call->Mdl != NULL;
}

static VOID CallFree(PCALL Call)
{
    if (Call->Mdl != NULL)
        IoFreeMdl(Call->Mdl);
    if (Call->Data != NULL)
        ExFreePoolWithTag(Call->Data, CLIENT_TAG);
    if (Call->Irp != NULL)
        IoFreeIrp(Call->Irp);
}

/* Server text -> SOCKADDR_IN or SOCKADDR_IN6 with Port. */
static NTSTATUS ParseServer(PSOCKADDR_STORAGE Address)
{
    PCWSTR end;
    NTSTATUS status;
    RtlZeroMemory(Address, sizeof(*Address));
    status = RtlIpv4StringToAddressW(g_server, TRUE, &end, &((PSOCKADDR_IN)Address)->sin_addr);
    if (NT_SUCCESS(status) && *end == 0) {
        ((PSOCKADDR_IN)Address)->sin_family = AF_INET;
        ((PSOCKADDR_IN)Address)->sin_port = RtlUshortByteSwap((USHORT)g_port);
        return STATUS_SUCCESS;
    }
    RtlZeroMemory(Address, sizeof(*Address));
    status = RtlIpv6StringToAddressW(g_server, &end, &((PSOCKADDR_IN6)Address)->sin6_addr);
    if (NT_SUCCESS(status) && *end == 0) {
        ((PSOCKADDR_IN6)Address)->sin6_family = AF_INET6;
        ((PSOCKADDR_IN6)Address)->sin6_port = RtlUshortByteSwap((USHORT)g_port);
        return STATUS_SUCCESS;
    }
    return STATUS_INVALID_ADDRESS;
}

/* Sends g_bytes and receives them back, one send and one receive in flight; returns the first failure. */
static NTSTATUS Exchange(PWSK_SOCKET Socket, PCALL Send, PCALL Receive, ULONGLONG *Sent, ULONGLONG *Received,
                         BOOLEAN *Verified)
{
    PWSK_PROVIDER_CONNECTION_DISPATCH dispatch = (PWSK_PROVIDER_CONNECTION_DISPATCH)Socket->Dispatch;
    const ULONGLONG ahead = 4ull * g_chunk; /* bytes sent but not yet echoed, at most */
    NTSTATUS status = STATUS_SUCCESS;
    SIZE_T length = 0;

    while (*Received < g_bytes) {
        PVOID events[2];
        ULONG count = 0;
        if (!Send->Busy && *Sent < g_bytes && *Sent - *Received < ahead) {
            SIZE_T i;
            length = g_bytes - *Sent < g_chunk ? (SIZE_T)(g_bytes - *Sent) : g_chunk;
            for (i = 0; i < length; i++)
                Send->Data[i] = Pattern(*Sent + i);
            Send->Buffer.Mdl = Send->Mdl;
            Send->Buffer.Offset = 0;
            Send->Buffer.Length = length;
            dispatch->WskSend(Socket, &Send->Buffer, 0, Prepare(Send));
            Send->Busy = TRUE; /* its KEVENT says when it is done, whatever it returned */
        }
        if (!Receive->Busy) {
            Receive->Buffer.Mdl = Receive->Mdl;
            Receive->Buffer.Offset = 0;
            Receive->Buffer.Length = g_chunk;
            dispatch->WskReceive(Socket, &Receive->Buffer, 0, Prepare(Receive));
            Receive->Busy = TRUE;
        }
        if (Send->Busy)
            events[count++] = &Send->Done;
        events[count++] = &Receive->Done;
        KeWaitForMultipleObjects(count, events, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);

        if (Send->Busy && KeReadStateEvent(&Send->Done)) {
            Send->Busy = FALSE;
            status = Check("WskSend", Send->Irp->IoStatus.Status);
            if (!NT_SUCCESS(status))
                return status;
            *Sent += Send->Irp->IoStatus.Information;
        }
        if (Receive->Busy && KeReadStateEvent(&Receive->Done)) {
            SIZE_T n = Receive->Irp->IoStatus.Information, i;
            Receive->Busy = FALSE;
            status = Check("WskReceive", Receive->Irp->IoStatus.Status);
            if (!NT_SUCCESS(status))
                return status;
            if (n == 0)
                return Check("WskReceive (server closed early)", STATUS_CONNECTION_DISCONNECTED);
            for (i = 0; i < n; i++)
                if (Receive->Data[i] != Pattern(*Received + i))
                    *Verified = FALSE;
            *Received += n;
        }
    }
    return status;
}

static KSTART_ROUTINE ClientThread;
static VOID ClientThread(PVOID Context)
{
    CALL control, send, receive;
    SOCKADDR_STORAGE remote, local;
    PWSK_SOCKET socket = NULL;
    ULONGLONG sent = 0, received = 0, start = 0, elapsed = 0;
    BOOLEAN verified = TRUE;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Context);

    if (!CallInit(&control, 1) || !CallInit(&send, g_chunk) || !CallInit(&receive, g_chunk)) {
        Check("allocation", STATUS_INSUFFICIENT_RESOURCES);
        goto free;
    }
    status = Check("RtlIpv4StringToAddressW/RtlIpv6StringToAddressW", ParseServer(&remote));
    if (!NT_SUCCESS(status))
        goto free;

    status = Check("WskSocket", Wait(&control, g_npi.Dispatch->WskSocket(g_npi.Client, remote.ss_family,
                                                                         SOCK_STREAM, IPPROTO_TCP,
                                                                         WSK_FLAG_CONNECTION_SOCKET, NULL, NULL,
                                                                         NULL, NULL, NULL, Prepare(&control))));
    if (!NT_SUCCESS(status))
        goto free;
    socket = (PWSK_SOCKET)control.Irp->IoStatus.Information;

    RtlZeroMemory(&local, sizeof(local));
    local.ss_family = remote.ss_family; /* the wildcard address, any port */
    status = Check("WskBind", Wait(&control, ((PWSK_PROVIDER_CONNECTION_DISPATCH)socket->Dispatch)
                                                 ->WskBind(socket, (PSOCKADDR)&local, 0, Prepare(&control))));
    if (NT_SUCCESS(status)) {
        start = KeQueryInterruptTime();
        status = Check("WskConnect", Wait(&control, ((PWSK_PROVIDER_CONNECTION_DISPATCH)socket->Dispatch)
                                                        ->WskConnect(socket, (PSOCKADDR)&remote, 0,
                                                                     Prepare(&control))));
    }
    if (NT_SUCCESS(status)) {
        status = Exchange(socket, &send, &receive, &sent, &received, &verified);
        elapsed = (KeQueryInterruptTime() - start) / 10;
    }
    if (NT_SUCCESS(status)) {
        status = Check("WskDisconnect", Wait(&control, ((PWSK_PROVIDER_CONNECTION_DISPATCH)socket->Dispatch)
                                                           ->WskDisconnect(socket, NULL, 0, Prepare(&control))));
        if (NT_SUCCESS(status)) {
            /* the server closes its half too: a receive then completes with 0 bytes */
            receive.Buffer.Mdl = receive.Mdl;
            receive.Buffer.Offset = 0;
            receive.Buffer.Length = g_chunk;
            Check("WskReceive (end of stream)",
                  Wait(&receive, ((PWSK_PROVIDER_CONNECTION_DISPATCH)socket->Dispatch)
                                     ->WskReceive(socket, &receive.Buffer, 0, Prepare(&receive))));
        }
    }
    Check("WskCloseSocket", Wait(&control, ((PWSK_PROVIDER_CONNECTION_DISPATCH)socket->Dispatch)
                                               ->WskCloseSocket(socket, Prepare(&control))));
    /* the close completed every IRP still pending */
    if (send.Busy)
        KeWaitForSingleObject(&send.Done, Executive, KernelMode, FALSE, NULL);
    if (receive.Busy)
        KeWaitForSingleObject(&receive.Done, Executive, KernelMode, FALSE, NULL);
    DbgPrint("echo_client: sent=%I64u received=%I64u verified=%s elapsed_us=%I64u\n", sent, received,
             verified && received == g_bytes ? "yes" : "no", elapsed);
free:
    CallFree(&control);
    CallFree(&send);
    CallFree(&receive);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static DRIVER_UNLOAD ClientUnload;
static VOID ClientUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KeWaitForSingleObject(g_thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(g_thread);
    WskReleaseProviderNPI(&g_registration);
    WskDeregister(&g_registration);
}

static VOID ReadParameters(PUNICODE_STRING RegistryPath)
{
    RTL_QUERY_REGISTRY_TABLE table[5];
    WCHAR pathBuffer[256];
    UNICODE_STRING path;
    UNICODE_STRING server;
    RtlInitEmptyUnicodeString(&path, pathBuffer, sizeof(pathBuffer) - sizeof(WCHAR));
    RtlCopyUnicodeString(&path, RegistryPath);
    RtlAppendUnicodeToString(&path, L"\\Parameters");
    pathBuffer[path.Length / sizeof(WCHAR)] = 0;
    RtlInitEmptyUnicodeString(&server, g_server, sizeof(g_server) - sizeof(WCHAR));
    server.Length = (USHORT)(wcslen(g_server) * sizeof(WCHAR));
    RtlZeroMemory(table, sizeof(table));
    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[0].Name = L"Server";
    table[0].EntryContext = &server;
    table[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[1].Name = L"Port";
    table[1].EntryContext = &g_port;
    table[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[2].Name = L"Bytes";
    table[2].EntryContext = &g_bytes;
    table[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[3].Name = L"Chunk";
    table[3].EntryContext = &g_chunk;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, pathBuffer, table, NULL, NULL);
    g_server[server.Length / sizeof(WCHAR)] = 0;
    if (g_chunk == 0)
        g_chunk = 16384;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WSK_CLIENT_NPI clientNpi = {NULL, &g_clientDispatch};
    HANDLE thread;
    NTSTATUS status;

    ReadParameters(RegistryPath);
    status = WskRegister(&clientNpi, &g_registration);
    if (!NT_SUCCESS(status))
        return Check("WskRegister", status);
    status = WskCaptureProviderNPI(&g_registration, WSK_INFINITE_WAIT, &g_npi);
    if (!NT_SUCCESS(status)) {
        WskDeregister(&g_registration);
        return Check("WskCaptureProviderNPI", status);
    }
    status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, ClientThread, NULL);
    if (!NT_SUCCESS(status)) {
        WskReleaseProviderNPI(&g_registration);
        WskDeregister(&g_registration);
        return Check("PsCreateSystemThread", status);
    }
    ObReferenceObjectByHandle(thread, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_thread, NULL);
    ZwClose(thread);
    DriverObject->DriverUnload = ClientUnload;
    return STATUS_SUCCESS;
}
