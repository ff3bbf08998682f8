/*
 * echo_server.c - a TCP echo server written as a Windows WSK client driver.
 *
 * Parameters (<RegistryPath>\Parameters): Port (default 7), Family (4, the default, or 6).
 *
 *  - Before any socket exists, WSK_SET_STATIC_EVENT_CALLBACKS turns on WSK_EVENT_ACCEPT (for the listening
 *    socket) and WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT (for every connection socket): no socket ever needs
 *    SO_WSK_EVENT_CALLBACK.
 *  - A listening socket is bound to the wildcard address of the family, on Port.
 *  - WskAcceptEvent accepts every connection and gives it its own context.
 *  - WskReceiveEvent copies the indicated bytes into a buffer of its own and sends them back with WskSend;
 *    the send's completion routine frees the buffer, the MDL and the IRP. It returns STATUS_SUCCESS.
 *  - WskDisconnectEvent closes the connection. A callback must not wait, so it hands the connection to the
 *    server's worker thread, which (after a graceful disconnect by the peer) disconnects its own half
 *    gracefully and then calls WskCloseSocket.
 *  - DriverUnload closes everything and prints "echo: connections=<n> bytes=<echoed bytes>".
 */
#include <ntddk.h>
#include <wsk.h>

#define ECHO_TAG 'ohcE'

typedef struct _ECHO_CONNECTION {
    LIST_ENTRY Link;      /* g_connections */
    LIST_ENTRY CloseLink; /* g_closeQueue, while queued */
    PWSK_SOCKET Socket;
    volatile LONG References; /* the socket + one per WskSend in flight */
    BOOLEAN PeerGraceful;
    BOOLEAN Queued;
    BOOLEAN Closing;
} ECHO_CONNECTION, *PECHO_CONNECTION;

typedef struct _ECHO_SEND {
    PECHO_CONNECTION Connection;
    PMDL Mdl;
    WSK_BUF Buffer;
    UCHAR Data[1];
} ECHO_SEND, *PECHO_SEND;

static const WSK_CLIENT_DISPATCH g_clientDispatch = {MAKE_WSK_VERSION(1, 0), 0, NULL};
static WSK_REGISTRATION g_registration;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_listener;
static ULONG g_port = 7;
static ULONG g_family = 4;

static KSPIN_LOCK g_lock;
static LIST_ENTRY g_connections;
static LIST_ENTRY g_closeQueue;
static BOOLEAN g_stopping;
static KEVENT g_workEvent;
static PETHREAD g_worker;

static volatile LONG g_connectionCount;
static volatile LONG64 g_bytesEchoed;

static NTSTATUS WSKAPI EchoAcceptEvent(PVOID SocketContext, ULONG Flags, PSOCKADDR LocalAddress,
                                       PSOCKADDR RemoteAddress, PWSK_SOCKET AcceptSocket,
                                       PVOID *AcceptSocketContext,
                                       CONST WSK_CLIENT_CONNECTION_DISPATCH **AcceptSocketDispatch);
static NTSTATUS WSKAPI EchoReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                        SIZE_T BytesIndicated, SIZE_T *BytesAccepted);
static NTSTATUS WSKAPI EchoDisconnectEvent(PVOID SocketContext, ULONG Flags);

static const WSK_CLIENT_LISTEN_DISPATCH g_listenDispatch = {EchoAcceptEvent, NULL, NULL};
static const WSK_CLIENT_CONNECTION_DISPATCH g_connectionDispatch = {EchoReceiveEvent, EchoDisconnectEvent, NULL};

static VOID ReleaseConnection(PECHO_CONNECTION Connection)
{
    if (InterlockedDecrement(&Connection->References) == 0)
        ExFreePoolWithTag(Connection, ECHO_TAG);
}

/* ---- the synchronous pattern: an IRP whose completion routine sets a KEVENT ---- */

static IO_COMPLETION_ROUTINE SyncComplete;
static NTSTATUS SyncComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static PIRP SyncPrepare(PIRP Irp, PKEVENT Event)
{
    IoReuseIrp(Irp, STATUS_UNSUCCESSFUL);
    KeClearEvent(Event);
    IoSetCompletionRoutine(Irp, SyncComplete, Event, TRUE, TRUE, TRUE);
    return Irp;
}

static NTSTATUS SyncWait(NTSTATUS Status, PIRP Irp, PKEVENT Event)
{
    if (Status == STATUS_PENDING) {
        KeWaitForSingleObject(Event, Executive, KernelMode, FALSE, NULL);
        Status = Irp->IoStatus.Status;
    }
    return Status;
}

/* ---- callbacks ---- */

static NTSTATUS WSKAPI EchoAcceptEvent(PVOID SocketContext, ULONG Flags, PSOCKADDR LocalAddress,
                                       PSOCKADDR RemoteAddress, PWSK_SOCKET AcceptSocket,
                                       PVOID *AcceptSocketContext,
                                       CONST WSK_CLIENT_CONNECTION_DISPATCH **AcceptSocketDispatch)
{
    PECHO_CONNECTION connection;
    KIRQL irql;
    UNREFERENCED_PARAMETER(SocketContext);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(LocalAddress);
    UNREFERENCED_PARAMETER(RemoteAddress);

    if (AcceptSocket == NULL) {
        /* the listening socket is no longer functional; DriverUnload closes it */
        DbgPrint("echo: the listening socket stopped working\n");
        return STATUS_REQUEST_NOT_ACCEPTED;
    }
    connection = (PECHO_CONNECTION)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*connection), ECHO_TAG);
    if (connection == NULL)
        return STATUS_REQUEST_NOT_ACCEPTED; /* the provider closes the socket */
    connection->Socket = AcceptSocket;
    connection->References = 1;
    KeAcquireSpinLock(&g_lock, &irql);
    InsertTailList(&g_connections, &connection->Link);
    KeReleaseSpinLock(&g_lock, irql);
    InterlockedIncrement(&g_connectionCount);

    *AcceptSocketContext = connection;
    *AcceptSocketDispatch = &g_connectionDispatch;
    return STATUS_SUCCESS;
}

static IO_COMPLETION_ROUTINE EchoSendComplete;
static NTSTATUS EchoSendComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PECHO_SEND send = (PECHO_SEND)Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (NT_SUCCESS(Irp->IoStatus.Status))
        InterlockedAdd64(&g_bytesEchoed, (LONG64)Irp->IoStatus.Information);
    IoFreeMdl(send->Mdl);
    IoFreeIrp(Irp);
    ReleaseConnection(send->Connection);
    ExFreePoolWithTag(send, ECHO_TAG);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Copies every byte of the indication list (MDL chains, each starting at its Offset) into Destination. */
static VOID CopyIndication(PWSK_DATA_INDICATION Indication, PUCHAR Destination)
{
    for (; Indication != NULL; Indication = Indication->Next) {
        PMDL mdl = Indication->Buffer.Mdl;
        ULONG offset = Indication->Buffer.Offset;
        SIZE_T left = Indication->Buffer.Length;
        while (left > 0 && mdl != NULL) {
            PUCHAR va = (PUCHAR)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
            SIZE_T n = MmGetMdlByteCount(mdl) - offset;
            if (n > left)
                n = left;
            RtlCopyMemory(Destination, va + offset, n);
            Destination += n;
            left -= n;
            offset = 0;
            mdl = mdl->Next;
        }
    }
}

static NTSTATUS WSKAPI EchoReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                        SIZE_T BytesIndicated, SIZE_T *BytesAccepted)
{
    PECHO_CONNECTION connection = (PECHO_CONNECTION)SocketContext;
    PECHO_SEND send;
    PIRP irp;
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(BytesAccepted);

    if (DataIndication == NULL) {
        /* the socket is no longer functional: close it */
        EchoDisconnectEvent(SocketContext, WSK_FLAG_ABORTIVE);
        return STATUS_SUCCESS;
    }
    if (BytesIndicated == 0 || connection->Closing)
        return STATUS_SUCCESS;

    send = (PECHO_SEND)ExAllocatePool2(POOL_FLAG_NON_PAGED, FIELD_OFFSET(ECHO_SEND, Data) + BytesIndicated,
                                       ECHO_TAG);
    if (send == NULL)
        return STATUS_SUCCESS; /* dropped: an echo server may, a real protocol would return DATA_NOT_ACCEPTED */
    CopyIndication(DataIndication, send->Data);
    send->Mdl = IoAllocateMdl(send->Data, (ULONG)BytesIndicated, FALSE, FALSE, NULL);
    irp = IoAllocateIrp(1, FALSE);
    if (send->Mdl == NULL || irp == NULL) {
        if (send->Mdl != NULL)
            IoFreeMdl(send->Mdl);
        if (irp != NULL)
            IoFreeIrp(irp);
        ExFreePoolWithTag(send, ECHO_TAG);
        return STATUS_SUCCESS;
    }
    MmBuildMdlForNonPagedPool(send->Mdl);
    send->Connection = connection;
    send->Buffer.Mdl = send->Mdl;
    send->Buffer.Offset = 0;
    send->Buffer.Length = BytesIndicated;
    InterlockedIncrement(&connection->References);
    IoSetCompletionRoutine(irp, EchoSendComplete, send, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)connection->Socket->Dispatch)
        ->WskSend(connection->Socket, &send->Buffer, 0, irp);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI EchoDisconnectEvent(PVOID SocketContext, ULONG Flags)
{
    PECHO_CONNECTION connection = (PECHO_CONNECTION)SocketContext;
    KIRQL irql;
    KeAcquireSpinLock(&g_lock, &irql);
    if (!g_stopping && !connection->Closing && !connection->Queued) {
        connection->PeerGraceful = (Flags & WSK_FLAG_ABORTIVE) == 0;
        connection->Queued = TRUE;
        InsertTailList(&g_closeQueue, &connection->CloseLink);
    }
    KeReleaseSpinLock(&g_lock, irql);
    KeSetEvent(&g_workEvent, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
}

/* ---- closing connections (worker thread and DriverUnload) ---- */

/* Takes a connection out of both lists; FALSE if it is already being closed. */
static BOOLEAN DetachConnection(PECHO_CONNECTION Connection)
{
    KIRQL irql;
    BOOLEAN mine = FALSE;
    KeAcquireSpinLock(&g_lock, &irql);
    if (!Connection->Closing) {
        Connection->Closing = TRUE;
        RemoveEntryList(&Connection->Link);
        if (Connection->Queued) {
            RemoveEntryList(&Connection->CloseLink);
            Connection->Queued = FALSE;
        }
        mine = TRUE;
    }
    KeReleaseSpinLock(&g_lock, irql);
    return mine;
}

static VOID CloseConnection(PECHO_CONNECTION Connection, PIRP Irp, PKEVENT Event)
{
    PWSK_PROVIDER_CONNECTION_DISPATCH dispatch = (PWSK_PROVIDER_CONNECTION_DISPATCH)Connection->Socket->Dispatch;
    if (Connection->PeerGraceful) {
        /* our half too: pending echoes are sent first, then the FIN */
        SyncWait(dispatch->WskDisconnect(Connection->Socket, NULL, 0, SyncPrepare(Irp, Event)), Irp, Event);
    }
    SyncWait(dispatch->WskCloseSocket(Connection->Socket, SyncPrepare(Irp, Event)), Irp, Event);
    ReleaseConnection(Connection);
}

static KSTART_ROUTINE EchoWorker;
static VOID EchoWorker(PVOID Context)
{
    KEVENT event;
    PIRP irp = IoAllocateIrp(1, FALSE);
    UNREFERENCED_PARAMETER(Context);
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    for (;;) {
        PECHO_CONNECTION connection = NULL;
        KIRQL irql;
        BOOLEAN stopping;
        KeAcquireSpinLock(&g_lock, &irql);
        stopping = g_stopping;
        if (!IsListEmpty(&g_closeQueue))
            connection = CONTAINING_RECORD(g_closeQueue.Flink, ECHO_CONNECTION, CloseLink);
        KeReleaseSpinLock(&g_lock, irql);
        if (stopping)
            break;
        if (connection == NULL) {
            KeWaitForSingleObject(&g_workEvent, Executive, KernelMode, FALSE, NULL);
            continue;
        }
        if (DetachConnection(connection)) {
            if (irp != NULL)
                CloseConnection(connection, irp, &event);
        }
    }
    if (irp != NULL)
        IoFreeIrp(irp);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static DRIVER_UNLOAD EchoUnload;
static VOID EchoUnload(PDRIVER_OBJECT DriverObject)
{
    KEVENT event;
    KIRQL irql;
    PIRP irp;
    UNREFERENCED_PARAMETER(DriverObject);

    KeAcquireSpinLock(&g_lock, &irql);
    g_stopping = TRUE;
    KeReleaseSpinLock(&g_lock, irql);
    KeSetEvent(&g_workEvent, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(g_worker, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(g_worker);

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    irp = IoAllocateIrp(1, FALSE);
    if (irp != NULL) {
        SyncWait(((PWSK_PROVIDER_LISTEN_DISPATCH)g_listener->Dispatch)
                     ->WskCloseSocket(g_listener, SyncPrepare(irp, &event)),
                 irp, &event);
        for (;;) {
            PECHO_CONNECTION connection = NULL;
            KeAcquireSpinLock(&g_lock, &irql);
            if (!IsListEmpty(&g_connections))
                connection = CONTAINING_RECORD(g_connections.Flink, ECHO_CONNECTION, Link);
            KeReleaseSpinLock(&g_lock, irql);
            if (connection == NULL)
                break;
            if (DetachConnection(connection))
                CloseConnection(connection, irp, &event);
        }
        IoFreeIrp(irp);
    }
    DbgPrint("echo: connections=%u bytes=%I64u\n", (ULONG)g_connectionCount, (ULONGLONG)g_bytesEchoed);
    WskReleaseProviderNPI(&g_registration);
    WskDeregister(&g_registration);
}

/* Port and Family from <RegistryPath>\Parameters (both optional). */
static VOID ReadParameters(PUNICODE_STRING RegistryPath)
{
    RTL_QUERY_REGISTRY_TABLE table[3];
    WCHAR pathBuffer[256];
    UNICODE_STRING path;
    RtlInitEmptyUnicodeString(&path, pathBuffer, sizeof(pathBuffer) - sizeof(WCHAR));
    RtlCopyUnicodeString(&path, RegistryPath);
    RtlAppendUnicodeToString(&path, L"\\Parameters");
    pathBuffer[path.Length / sizeof(WCHAR)] = 0;
    RtlZeroMemory(table, sizeof(table));
    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[0].Name = L"Port";
    table[0].EntryContext = &g_port;
    table[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[1].Name = L"Family";
    table[1].EntryContext = &g_family;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, pathBuffer, table, NULL, NULL);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WSK_CLIENT_NPI clientNpi = {NULL, &g_clientDispatch};
    WSK_EVENT_CALLBACK_CONTROL callbacks;
    SOCKADDR_STORAGE local;
    ADDRESS_FAMILY family;
    KEVENT event;
    HANDLE thread;
    PIRP irp;
    NTSTATUS status;

    ReadParameters(RegistryPath);
    family = g_family == 6 ? AF_INET6 : AF_INET;
    KeInitializeSpinLock(&g_lock);
    InitializeListHead(&g_connections);
    InitializeListHead(&g_closeQueue);
    KeInitializeEvent(&g_workEvent, SynchronizationEvent, FALSE);
    KeInitializeEvent(&event, NotificationEvent, FALSE);

    status = WskRegister(&clientNpi, &g_registration);
    if (!NT_SUCCESS(status))
        return status;
    status = WskCaptureProviderNPI(&g_registration, WSK_INFINITE_WAIT, &g_npi);
    if (!NT_SUCCESS(status)) {
        WskDeregister(&g_registration);
        return status;
    }

    /* static callbacks: before the first socket */
    callbacks.NpiId = &NPI_WSK_INTERFACE_ID;
    callbacks.EventMask = WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT;
    status = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(callbacks),
                                              &callbacks, 0, NULL, NULL, NULL);
    irp = NT_SUCCESS(status) ? IoAllocateIrp(1, FALSE) : NULL;
    if (irp == NULL) {
        DbgPrint("echo: setup failed: 0x%08X\n", NT_SUCCESS(status) ? STATUS_INSUFFICIENT_RESOURCES : status);
        WskReleaseProviderNPI(&g_registration);
        WskDeregister(&g_registration);
        return NT_SUCCESS(status) ? STATUS_INSUFFICIENT_RESOURCES : status;
    }

    status = SyncWait(g_npi.Dispatch->WskSocket(g_npi.Client, family, SOCK_STREAM, IPPROTO_TCP,
                                                WSK_FLAG_LISTEN_SOCKET, NULL, &g_listenDispatch, NULL, NULL, NULL,
                                                SyncPrepare(irp, &event)),
                      irp, &event);
    if (NT_SUCCESS(status)) {
        g_listener = (PWSK_SOCKET)irp->IoStatus.Information;
        RtlZeroMemory(&local, sizeof(local));
        if (family == AF_INET6) {
            ((PSOCKADDR_IN6)&local)->sin6_family = AF_INET6;
            ((PSOCKADDR_IN6)&local)->sin6_port = RtlUshortByteSwap((USHORT)g_port);
        } else {
            ((PSOCKADDR_IN)&local)->sin_family = AF_INET;
            ((PSOCKADDR_IN)&local)->sin_port = RtlUshortByteSwap((USHORT)g_port);
        }
        status = SyncWait(((PWSK_PROVIDER_LISTEN_DISPATCH)g_listener->Dispatch)
                              ->WskBind(g_listener, (PSOCKADDR)&local, 0, SyncPrepare(irp, &event)),
                          irp, &event);
        if (NT_SUCCESS(status))
            status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, EchoWorker, NULL);
        if (NT_SUCCESS(status)) {
            ObReferenceObjectByHandle(thread, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_worker, NULL);
            ZwClose(thread);
        } else {
            SyncWait(((PWSK_PROVIDER_LISTEN_DISPATCH)g_listener->Dispatch)
                         ->WskCloseSocket(g_listener, SyncPrepare(irp, &event)),
                     irp, &event);
        }
    }
    IoFreeIrp(irp);
    if (!NT_SUCCESS(status)) {
        DbgPrint("echo: cannot listen on port %u: 0x%08X\n", g_port, status);
        WskReleaseProviderNPI(&g_registration);
        WskDeregister(&g_registration);
        return status;
    }
    DbgPrint("echo: listening on port %u (IPv%u)\n", g_port, family == AF_INET6 ? 6u : 4u);
    DriverObject->DriverUnload = EchoUnload;
    return STATUS_SUCCESS;
}
