/*
 * drv_wsk_many.c - many concurrent connections to one listener (drv_wsk_server, Mode=echo).
 * Parameters: Server, Port, Connections (1000), Bytes (64 per connection).
 * Static callbacks (RECEIVE|DISCONNECT) are set before the first socket; every socket is created and bound
 * on the system thread, then all WskConnect IRPs are issued at once. When every connect has completed, each
 * connection sends Bytes bytes (its own pattern) and the echo arrives through WskReceiveEvent. Only when every
 * echo is back (or a deadline passes) are the sockets closed, so all connections are open at the same time.
 */
#include "drv_wsk_common.h"

typedef struct _MANY_CONN {
    PWSK_SOCKET Socket;
    ULONG Index;
    PIRP Irp; /* connect */
    PIRP SendIrp;
    PIRP CloseIrp;
    WT_BUFFER Data;
    WSK_BUF SendBuf;
    NTSTATUS ConnectStatus;
    NTSTATUS SendStatus;
    NTSTATUS CloseStatus;
    ULONGLONG RxOffset;
    SIZE_T RxBad;
    volatile LONG Echoed;
    volatile LONG DisconnectEvents;
} MANY_CONN, *PMANY_CONN;

static PETHREAD g_thread;
static WT_WSK g_wsk;
static WCHAR g_server[64];
static ULONG g_port, g_count, g_bytes;
static PMANY_CONN g_conns;
static SOCKADDR_STORAGE g_remote;

static volatile LONG g_connectsDone, g_sendsDone, g_echoed, g_closesDone, g_issued;
static volatile LONG g_unexpectedDisconnects;
static KEVENT g_allConnected, g_allSent, g_allEchoed, g_allClosed;

static NTSTATUS WSKAPI ManyReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                        SIZE_T BytesIndicated, SIZE_T *BytesAccepted)
{
    PMANY_CONN c = (PMANY_CONN)SocketContext;
    SIZE_T n = 0;
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(BytesIndicated);
    UNREFERENCED_PARAMETER(BytesAccepted);
    if (DataIndication == NULL)
        return STATUS_SUCCESS;
    c->RxBad += WtCheckIndication(DataIndication, &c->RxOffset, c->Index + 1, &n);
    if (c->RxOffset >= g_bytes && InterlockedCompareExchange(&c->Echoed, 1, 0) == 0) {
        if (InterlockedIncrement(&g_echoed) == g_issued)
            KeSetEvent(&g_allEchoed, IO_NO_INCREMENT, FALSE);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI ManyDisconnectEvent(PVOID SocketContext, ULONG Flags)
{
    PMANY_CONN c = (PMANY_CONN)SocketContext;
    UNREFERENCED_PARAMETER(Flags);
    InterlockedIncrement(&c->DisconnectEvents);
    InterlockedIncrement(&g_unexpectedDisconnects);
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_CONNECTION_DISPATCH g_dispatch = {ManyReceiveEvent, ManyDisconnectEvent, NULL};

static IO_COMPLETION_ROUTINE ConnectComplete;
static NTSTATUS ConnectComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PMANY_CONN c = (PMANY_CONN)Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    c->ConnectStatus = Irp->IoStatus.Status;
    if (InterlockedIncrement(&g_connectsDone) == g_issued)
        KeSetEvent(&g_allConnected, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static IO_COMPLETION_ROUTINE SendComplete;
static NTSTATUS SendComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PMANY_CONN c = (PMANY_CONN)Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    c->SendStatus = Irp->IoStatus.Status;
    if (InterlockedIncrement(&g_sendsDone) == g_issued)
        KeSetEvent(&g_allSent, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static IO_COMPLETION_ROUTINE CloseComplete;
static NTSTATUS CloseComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PMANY_CONN c = (PMANY_CONN)Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    c->CloseStatus = Irp->IoStatus.Status;
    if (InterlockedIncrement(&g_closesDone) == g_issued)
        KeSetEvent(&g_allClosed, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID Run(PWT_SYNC Sync)
{
    WSK_EVENT_CALLBACK_CONTROL control;
    NTSTATUS status;
    ULONG i, created = 0, connected = 0, sendFailed = 0, verified = 0, closeFailed = 0;
    NTSTATUS firstConnectFailure = STATUS_SUCCESS;
    ULONGLONG start;

    control.NpiId = &NPI_WSK_INTERFACE_ID;
    control.EventMask = WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT;
    status = g_wsk.Npi.Dispatch->WskControlClient(g_wsk.Npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control),
                                                  &control, 0, NULL, NULL, NULL);
    DbgPrint("RESULT many_static=0x%08X\n", (ULONG)status);
    status = WtMakeAddress(&g_remote, AF_INET, g_server, (USHORT)g_port);
    if (!NT_SUCCESS(status))
        return;

    g_conns = (PMANY_CONN)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(MANY_CONN) * g_count, WT_TAG);
    if (g_conns == NULL) {
        DbgPrint("RESULT setup_failed=conns\n");
        return;
    }
    for (i = 0; i < g_count; i++) {
        PMANY_CONN c = &g_conns[i];
        c->Index = i;
        c->Irp = IoAllocateIrp(1, FALSE);
        c->SendIrp = IoAllocateIrp(1, FALSE);
        c->CloseIrp = IoAllocateIrp(1, FALSE);
        if (c->Irp == NULL || c->SendIrp == NULL || c->CloseIrp == NULL || !NT_SUCCESS(WtBufferAlloc(&c->Data, g_bytes)))
            break;
        WtFillPattern(c->Data.Data, g_bytes, 0, i + 1);
        status = WtCreateSocket(&g_wsk, Sync, g_remote.ss_family, WSK_FLAG_CONNECTION_SOCKET, c, &g_dispatch,
                                &c->Socket);
        if (NT_SUCCESS(status))
            status = WtBindWildcard(Sync, c->Socket, g_remote.ss_family, 0);
        if (!NT_SUCCESS(status)) {
            DbgPrint("RESULT many_setup_socket=%u many_setup_status=0x%08X\n", i, (ULONG)status);
            if (c->Socket != NULL)
                WtCloseSocket(Sync, c->Socket);
            c->Socket = NULL;
            break;
        }
        created++;
    }
    DbgPrint("RESULT many_created=%u\n", created);

    /* every connect in flight at once */
    g_issued = (LONG)created;
    start = WtNowUs();
    for (i = 0; i < created; i++) {
        PMANY_CONN c = &g_conns[i];
        IoSetCompletionRoutine(c->Irp, ConnectComplete, c, TRUE, TRUE, TRUE);
        WT_CONN(c->Socket)->WskConnect(c->Socket, (PSOCKADDR)&g_remote, 0, c->Irp);
    }
    if (created > 0 && !WtWaitMs(&g_allConnected, 120000))
        DbgPrint("RESULT many_connect_timeout=1 many_connects_done=%d\n", g_connectsDone);
    for (i = 0; i < created; i++) {
        if (g_conns[i].ConnectStatus == STATUS_SUCCESS)
            connected++;
        else if (firstConnectFailure == STATUS_SUCCESS)
            firstConnectFailure = g_conns[i].ConnectStatus;
    }
    DbgPrint("RESULT many_connected=%u many_connect_failed=%u many_first_connect_failure=0x%08X "
             "many_connect_us=%I64u\n",
             connected, created - connected, (ULONG)firstConnectFailure, WtNowUs() - start);

    /* one send per connected socket; the echoes come back through WskReceiveEvent */
    g_issued = (LONG)connected;
    for (i = 0; i < created; i++) {
        PMANY_CONN c = &g_conns[i];
        if (c->ConnectStatus != STATUS_SUCCESS)
            continue;
        c->SendBuf = WtWskBuf(&c->Data, g_bytes);
        IoSetCompletionRoutine(c->SendIrp, SendComplete, c, TRUE, TRUE, TRUE);
        WT_CONN(c->Socket)->WskSend(c->Socket, &c->SendBuf, 0, c->SendIrp);
    }
    if (connected > 0) {
        if (!WtWaitMs(&g_allSent, 120000))
            DbgPrint("RESULT many_send_timeout=1 many_sends_done=%d\n", g_sendsDone);
        if (!WtWaitMs(&g_allEchoed, 120000))
            DbgPrint("RESULT many_echo_timeout=1\n");
    }
    for (i = 0; i < created; i++) {
        PMANY_CONN c = &g_conns[i];
        if (c->ConnectStatus != STATUS_SUCCESS)
            continue;
        if (c->SendStatus != STATUS_SUCCESS)
            sendFailed++;
        if (c->Echoed && c->RxBad == 0 && c->RxOffset == g_bytes)
            verified++;
    }
    DbgPrint("RESULT many_echoed=%d many_verified=%u many_send_failed=%u many_unexpected_disconnects=%d "
             "many_elapsed_us=%I64u\n",
             g_echoed, verified, sendFailed, g_unexpectedDisconnects, WtNowUs() - start);

    /* close everything at once */
    g_issued = (LONG)created;
    for (i = 0; i < created; i++) {
        PMANY_CONN c = &g_conns[i];
        IoSetCompletionRoutine(c->CloseIrp, CloseComplete, c, TRUE, TRUE, TRUE);
        WT_BASIC(c->Socket)->WskCloseSocket(c->Socket, c->CloseIrp);
    }
    if (created > 0 && !WtWaitMs(&g_allClosed, 60000))
        DbgPrint("RESULT many_close_timeout=1\n");
    for (i = 0; i < created; i++)
        if (g_conns[i].CloseStatus != STATUS_SUCCESS)
            closeFailed++;
    DbgPrint("RESULT many_closed=%d many_close_failed=%u\n", g_closesDone, closeFailed);
}

static VOID FreeConns(VOID)
{
    ULONG i;
    if (g_conns == NULL)
        return;
    for (i = 0; i < g_count; i++) {
        PMANY_CONN c = &g_conns[i];
        if (c->Irp != NULL)
            IoFreeIrp(c->Irp);
        if (c->SendIrp != NULL)
            IoFreeIrp(c->SendIrp);
        if (c->CloseIrp != NULL)
            IoFreeIrp(c->CloseIrp);
        WtBufferFree(&c->Data);
    }
    ExFreePoolWithTag(g_conns, WT_TAG);
    g_conns = NULL;
}

static VOID Finish(PWT_SYNC Sync)
{
    UNREFERENCED_PARAMETER(Sync);
    FreeConns();
}

static const WT_CASE g_run[] = {{"run", Run}, {NULL, NULL}};

static KSTART_ROUTINE TestThread;
static VOID TestThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    WtRunCase(&g_wsk, NULL, g_run, Finish);
}

static DRIVER_UNLOAD DriverUnload;
static VOID DriverUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    WtJoinThread(&g_thread);
    DbgPrint("RESULT unloaded=1\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    HANDLE key;
    WtOpenParameters(RegistryPath, &key);
    WtParamString(key, L"Server", g_server, ARRAYSIZE(g_server), L"10.1.1.2");
    g_port = WtParamDword(key, L"Port", 5000);
    g_count = WtParamDword(key, L"Connections", 1000);
    g_bytes = WtParamDword(key, L"Bytes", 64);
    WtCloseParameters(key);
    if (g_bytes == 0)
        g_bytes = 1;
    g_WtIrpLogAll = FALSE;
    KeInitializeEvent(&g_allConnected, NotificationEvent, FALSE);
    KeInitializeEvent(&g_allSent, NotificationEvent, FALSE);
    KeInitializeEvent(&g_allEchoed, NotificationEvent, FALSE);
    KeInitializeEvent(&g_allClosed, NotificationEvent, FALSE);
    DriverObject->DriverUnload = DriverUnload;
    return WtStartThread(TestThread, NULL, &g_thread);
}
