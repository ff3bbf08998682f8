/*
 * drv_wsk_seed.c - drives the seed page's three samples (compiled unchanged from the page, see
 * extract_samples.py) through the provider and reports what happens, against drv_wsk_server in source mode
 * (Bytes sent after DelayMs, then a graceful disconnect AfterDelayMs later). Parameters: Server, Port, Bytes.
 *
 * Static callbacks must be set before the client's first socket, so the samples run on two registrations:
 *   registration A  SetStaticEventCallbacks (WSK_EVENT_RECEIVE_FROM | WSK_EVENT_RECEIVE), then two connection
 *                   sockets: both get WskReceiveEvent without any SO_WSK_EVENT_CALLBACK
 *   registration B  socket C: EnableDisconnectAndRecieveCallbacks, receive events fire, then
 *                   DisableDisconnectCallback: its completion routine (DisableDisconnectComplete) runs with
 *                   STATUS_SUCCESS, and no WskDisconnectEvent follows when the server disconnects (a pending
 *                   WskReceive completing with 0 bytes shows that it did);
 *                   socket D: EnableDisconnectAndRecieveCallbacks only, for contrast: its disconnect event fires
 */
#include "seed_app.h"

#include "../drivers/drv_wsk_common.h"

typedef struct _SEED_SOCKET {
    const char *Name;
    PWSK_SOCKET Socket;
    ULONGLONG RxOffset;
    SIZE_T RxBad;
    volatile LONG RxEvents;
    volatile LONG DisconnectEvents;
    ULONG DisconnectFlags;
    KEVENT Received;
    KEVENT Disconnected;
} SEED_SOCKET, *PSEED_SOCKET;

static PETHREAD g_thread;
static WT_WSK g_wskA, g_wskB;
static WCHAR g_server[64];
static ULONG g_port, g_bytes;
static SEED_SOCKET g_static[2], g_c, g_d;
static volatile LONG g_nextOperations, g_errors;
static NTSTATUS g_completionStatus = STATUS_PENDING;
static KEVENT g_disableCompleted;

/* The application's side of the '...' in DisableDisconnectComplete. */
void SeedAppNextOperation(PWSK_SOCKET Socket)
{
    InterlockedIncrement(&g_nextOperations);
    g_completionStatus = STATUS_SUCCESS;
    DbgPrint("RESULT seed_next_operation=%d seed_next_operation_socket_is_c=%d\n", g_nextOperations,
             Socket == g_c.Socket);
    KeSetEvent(&g_disableCompleted, IO_NO_INCREMENT, FALSE);
}

void SeedAppHandleError(PIRP Irp)
{
    InterlockedIncrement(&g_errors);
    g_completionStatus = Irp->IoStatus.Status;
    DbgPrint("RESULT seed_handle_error=0x%08X\n", (ULONG)Irp->IoStatus.Status);
    KeSetEvent(&g_disableCompleted, IO_NO_INCREMENT, FALSE);
}

static NTSTATUS WSKAPI SeedReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                        SIZE_T BytesIndicated, SIZE_T *BytesAccepted)
{
    PSEED_SOCKET s = (PSEED_SOCKET)SocketContext;
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(BytesIndicated);
    UNREFERENCED_PARAMETER(BytesAccepted);
    if (DataIndication == NULL)
        return STATUS_SUCCESS;
    InterlockedIncrement(&s->RxEvents);
    s->RxBad += WtCheckIndication(DataIndication, &s->RxOffset, 0, NULL);
    if (s->RxOffset >= g_bytes)
        KeSetEvent(&s->Received, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI SeedDisconnectEvent(PVOID SocketContext, ULONG Flags)
{
    PSEED_SOCKET s = (PSEED_SOCKET)SocketContext;
    s->DisconnectFlags = Flags & ~(ULONG)WSK_FLAG_AT_DISPATCH_LEVEL;
    InterlockedIncrement(&s->DisconnectEvents);
    KeSetEvent(&s->Disconnected, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_CONNECTION_DISPATCH g_dispatch = {SeedReceiveEvent, SeedDisconnectEvent, NULL};

static NTSTATUS SeedConnect(PWT_WSK Wsk, PWT_SYNC Sync, PSEED_SOCKET s, const char *Name)
{
    SOCKADDR_STORAGE remote;
    NTSTATUS status;
    s->Name = Name;
    KeInitializeEvent(&s->Received, NotificationEvent, FALSE);
    KeInitializeEvent(&s->Disconnected, NotificationEvent, FALSE);
    status = WtMakeAddress(&remote, AF_INET, g_server, (USHORT)g_port);
    if (NT_SUCCESS(status))
        status = WtCreateSocket(Wsk, Sync, remote.ss_family, WSK_FLAG_CONNECTION_SOCKET, s, &g_dispatch, &s->Socket);
    if (NT_SUCCESS(status))
        status = WtBindWildcard(Sync, s->Socket, remote.ss_family, 0);
    if (NT_SUCCESS(status))
        status = WtConnect(Sync, s->Socket, &remote);
    DbgPrint("RESULT seed_connect_%s=0x%08X\n", Name, (ULONG)status);
    return status;
}

static VOID SeedClose(PWT_SYNC Sync, PSEED_SOCKET s)
{
    if (s->Socket != NULL)
        WtCloseSocket(Sync, s->Socket);
    s->Socket = NULL;
}

static VOID RunStatic(PWT_SYNC Sync)
{
    WSK_APP_BINDING_CONTEXT binding;
    NTSTATUS status;
    ULONG i, withRx = 0, eventsOnly = 0;

    binding.WskClient = g_wskA.Npi.Client;
    binding.WskProviderDispatch = g_wskA.Npi.Dispatch;
    status = SetStaticEventCallbacks(&binding);
    DbgPrint("RESULT seed_static=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        return;
    for (i = 0; i < ARRAYSIZE(g_static); i++)
        if (!NT_SUCCESS(SeedConnect(&g_wskA, Sync, &g_static[i], i == 0 ? "static0" : "static1")))
            break;
    for (i = 0; i < ARRAYSIZE(g_static); i++) {
        if (g_static[i].Socket == NULL)
            continue;
        WtWaitMs(&g_static[i].Received, 10000);
        if (g_static[i].RxEvents > 0)
            eventsOnly++;
        if (g_static[i].RxOffset == g_bytes && g_static[i].RxBad == 0)
            withRx++;
    }
    DbgPrint("RESULT seed_static_sockets_with_events=%u seed_static_sockets_complete=%u\n", eventsOnly, withRx);
    for (i = 0; i < ARRAYSIZE(g_static); i++)
        SeedClose(Sync, &g_static[i]);
}

static VOID RunEnableDisable(PWT_SYNC Sync)
{
    WT_SYNC receive;
    WT_BUFFER buffer;
    WSK_BUF wb;
    NTSTATUS status;

    if (!NT_SUCCESS(WtSyncInit(&receive)) || !NT_SUCCESS(WtBufferAlloc(&buffer, 1024))) {
        WtSyncFree(&receive);
        DbgPrint("RESULT setup_failed=1\n");
        return;
    }
    if (NT_SUCCESS(SeedConnect(&g_wskB, Sync, &g_c, "c")) && NT_SUCCESS(SeedConnect(&g_wskB, Sync, &g_d, "d"))) {
        /* sample 1 on both sockets */
        DbgPrint("RESULT seed_enable_c=0x%08X\n", (ULONG)EnableDisconnectAndRecieveCallbacks(g_c.Socket));
        DbgPrint("RESULT seed_enable_d=0x%08X\n", (ULONG)EnableDisconnectAndRecieveCallbacks(g_d.Socket));
        WtWaitMs(&g_c.Received, 10000);
        WtWaitMs(&g_d.Received, 10000);
        DbgPrint("RESULT seed_enable_rx_c=%I64u seed_enable_rx_d=%I64u seed_enable_rx_bad=%Iu\n", g_c.RxOffset,
                 g_d.RxOffset, g_c.RxBad + g_d.RxBad);

        /* sample 2 on C only */
        status = DisableDisconnectCallback(g_c.Socket);
        DbgPrint("RESULT seed_disable_returned=0x%08X\n", (ULONG)status);
        WtWaitMs(&g_disableCompleted, 10000);
        DbgPrint("RESULT seed_disable_completion=0x%08X seed_next_operations=%d seed_errors=%d\n",
                 (ULONG)g_completionStatus, g_nextOperations, g_errors);

        /* the server's graceful disconnect: C's pending receive completes with 0 bytes, D's event fires */
        wb = WtWskBuf(&buffer, 1024);
        WtSyncIssued(&receive, "WskReceive", WT_CONN(g_c.Socket)->WskReceive(g_c.Socket, &wb, 0, WtSyncBegin(&receive)));
        status = WtSyncWaitMs(&receive, 20000);
        DbgPrint("RESULT seed_c_receive=0x%08X seed_c_receive_bytes=%Iu\n", (ULONG)status,
                 receive.Irp->IoStatus.Information);
        WtWaitMs(&g_d.Disconnected, 5000);
        WtSleepMs(200);
        DbgPrint("RESULT seed_c_disconnect_events=%d seed_d_disconnect_events=%d seed_d_disconnect_flags=0x%X\n",
                 g_c.DisconnectEvents, g_d.DisconnectEvents, g_d.DisconnectFlags);
    }
    SeedClose(Sync, &g_c);
    SeedClose(Sync, &g_d);
    WtBufferFree(&buffer);
    WtSyncFree(&receive);
}

static KSTART_ROUTINE TestThread;
static VOID TestThread(PVOID Context)
{
    WT_SYNC sync;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Context);
    status = WtSyncInit(&sync);
    if (NT_SUCCESS(status))
        status = WtWskOpen(&g_wskA, WSK_INFINITE_WAIT);
    if (NT_SUCCESS(status))
        status = WtWskOpen(&g_wskB, WSK_INFINITE_WAIT);
    if (NT_SUCCESS(status)) {
        RunStatic(&sync);
        RunEnableDisable(&sync);
    } else {
        DbgPrint("RESULT setup_failed=0x%08X\n", (ULONG)status);
    }
    WtSyncFree(&sync);
    WtWskClose(&g_wskB);
    WtWskClose(&g_wskA);
    WtReportIrpChecks();
    DbgPrint("RESULT done=1\n");
    PsTerminateSystemThread(STATUS_SUCCESS);
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
    g_bytes = WtParamDword(key, L"Bytes", 1000);
    WtCloseParameters(key);
    if (g_bytes == 0)
        g_bytes = 1;
    KeInitializeEvent(&g_disableCompleted, NotificationEvent, FALSE);
    DriverObject->DriverUnload = DriverUnload;
    return WtStartThread(TestThread, NULL, &g_thread);
}
