/*
 * drv_wsk_disconnect.c - disconnect indications (wsk-api.md §4.4, §8.4), against drv_wsk_server.
 * Parameters: Server, Port, Case, DelayMs (before the client's own disconnect, default 100).
 *   abort          the client disconnects abortively (WSK_FLAG_ABORTIVE); the server reports the flag it saw
 *   graceful       the client posts a WskReceive, then disconnects gracefully; the server sees a graceful
 *                  disconnect, answers with its own, and the pending WskReceive completes with 0 bytes
 *   peer_graceful  the server disconnects gracefully: WskDisconnectEvent without WSK_FLAG_ABORTIVE, and the
 *                  pending WskReceive completes with STATUS_SUCCESS and 0 bytes
 *   peer_abort     the server disconnects abortively: WskDisconnectEvent with WSK_FLAG_ABORTIVE
 */
#include "drv_wsk_common.h"

static PETHREAD g_thread;
static WT_WSK g_wsk;
static WCHAR g_case[32];
static WCHAR g_server[64];
static ULONG g_port, g_delayMs;
static volatile LONG g_disconnectEvents;
static ULONG g_disconnectFlags;
static ULONGLONG g_disconnectUs;
static KEVENT g_disconnected;

static NTSTATUS WSKAPI DcDisconnectEvent(PVOID SocketContext, ULONG Flags)
{
    UNREFERENCED_PARAMETER(SocketContext);
    g_disconnectFlags = Flags & ~(ULONG)WSK_FLAG_AT_DISPATCH_LEVEL;
    g_disconnectUs = WtNowUs();
    InterlockedIncrement(&g_disconnectEvents);
    KeSetEvent(&g_disconnected, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_CONNECTION_DISPATCH g_dispatch = {NULL, DcDisconnectEvent, NULL};

static VOID Run(PWT_SYNC Sync)
{
    SOCKADDR_STORAGE remote;
    WSK_EVENT_CALLBACK_CONTROL control;
    PWSK_SOCKET socket = NULL;
    WT_SYNC receive;
    WT_BUFFER buffer;
    WSK_BUF wb;
    NTSTATUS status;
    BOOLEAN receiving = FALSE;
    BOOLEAN peer = WtIs(g_case, "peer_graceful") || WtIs(g_case, "peer_abort");

    if (!NT_SUCCESS(WtSyncInit(&receive)) || !NT_SUCCESS(WtBufferAlloc(&buffer, 4096))) {
        DbgPrint("RESULT setup_failed=1\n");
        WtSyncFree(&receive);
        return;
    }
    wb = WtWskBuf(&buffer, 4096);
    status = WtMakeAddress(&remote, AF_INET, g_server, (USHORT)g_port);
    if (NT_SUCCESS(status))
        status = WtCreateSocket(&g_wsk, Sync, remote.ss_family, WSK_FLAG_CONNECTION_SOCKET, NULL, &g_dispatch,
                                &socket);
    DbgPrint("RESULT socket=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        goto free;
    status = WtBindWildcard(Sync, socket, remote.ss_family, 0);
    if (NT_SUCCESS(status))
        status = WtConnect(Sync, socket, &remote);
    DbgPrint("RESULT connect=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        goto close;
    status = WtSetEventMask(socket, WSK_EVENT_DISCONNECT, NULL, &control);
    DbgPrint("RESULT enable_disconnect=0x%08X\n", (ULONG)status);

    if (!WtIs(g_case, "abort")) {
        /* a receive left pending: it must complete when the peer's side closes */
        WtSyncIssued(&receive, "WskReceive", WT_CONN(socket)->WskReceive(socket, &wb, 0, WtSyncBegin(&receive)));
        receiving = TRUE;
        DbgPrint("RESULT receive_returned=0x%08X\n", (ULONG)receive.Returned);
    }

    if (!peer) {
        WtSleepMs(g_delayMs);
        if (WtIs(g_case, "abort")) {
            status = WtSyncEnd(Sync, "WskDisconnect(abortive)",
                               WT_CONN(socket)->WskDisconnect(socket, NULL, WSK_FLAG_ABORTIVE, WtSyncBegin(Sync)));
            DbgPrint("RESULT client_abort=0x%08X client_abort_information=%Iu\n", (ULONG)status,
                     Sync->Irp->IoStatus.Information);
        } else {
            status = WtSyncEnd(Sync, "WskDisconnect(graceful)",
                               WT_CONN(socket)->WskDisconnect(socket, NULL, 0, WtSyncBegin(Sync)));
            DbgPrint("RESULT client_disconnect=0x%08X\n", (ULONG)status);
        }
    }

    if (receiving) {
        ULONGLONG completedUs;
        status = WtSyncWaitMs(&receive, 20000);
        completedUs = WtNowUs();
        receiving = FALSE;
        DbgPrint("RESULT receive=0x%08X receive_bytes=%Iu\n", (ULONG)status, receive.Irp->IoStatus.Information);
        WtWaitMs(&g_disconnected, 2000);
        DbgPrint("RESULT disconnect_event_before_receive_completion=%d\n",
                 g_disconnectEvents > 0 && g_disconnectUs <= completedUs);
    } else {
        WtWaitMs(&g_disconnected, peer ? 20000 : 500);
    }
    DbgPrint("RESULT disconnect_events=%d disconnect_flags=0x%X disconnect_abortive=%d\n", g_disconnectEvents,
             g_disconnectFlags, (g_disconnectFlags & WSK_FLAG_ABORTIVE) != 0);

    if (peer) {
        /* our side of the connection: after an abortive peer disconnect this may fail, which is fine */
        status = WtSyncEnd(Sync, "WskDisconnect(after peer)",
                           WT_CONN(socket)->WskDisconnect(socket, NULL, 0, WtSyncBegin(Sync)));
        DbgPrint("RESULT client_disconnect_after_peer=0x%08X\n", (ULONG)status);
    }
    WtSleepMs(100); /* let the server report what it saw before we close */
close:
    DbgPrint("RESULT close=0x%08X\n", (ULONG)WtCloseSocket(Sync, socket));
    if (receiving)
        DbgPrint("RESULT receive_after_close=0x%08X\n", (ULONG)WtSyncWaitMs(&receive, 20000));
free:
    WtBufferFree(&buffer);
    WtSyncFree(&receive);
}

static const WT_CASE g_run[] = {{"run", Run}, {NULL, NULL}};

static KSTART_ROUTINE TestThread;
static VOID TestThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    WtRunCase(&g_wsk, NULL, g_run, NULL);
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
    WtParamString(key, L"Case", g_case, ARRAYSIZE(g_case), L"graceful");
    WtParamString(key, L"Server", g_server, ARRAYSIZE(g_server), L"10.1.1.2");
    g_port = WtParamDword(key, L"Port", 5000);
    g_delayMs = WtParamDword(key, L"DelayMs", 100);
    WtCloseParameters(key);
    KeInitializeEvent(&g_disconnected, NotificationEvent, FALSE);
    DriverObject->DriverUnload = DriverUnload;
    return WtStartThread(TestThread, NULL, &g_thread);
}
