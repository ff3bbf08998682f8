/*
 * drv_wsk_api.c - argument, state and IRP-contract rules that need no data exchange. Parameter "Case":
 *   socket        WskSocket with a NULL Irp (STATUS_INVALID_PARAMETER returned, nothing completed), with a NULL
 *                 Client (STATUS_INVALID_HANDLE), and successful creations of every TCP category in both
 *                 families (Irp->IoStatus.Information = the new PWSK_SOCKET, whose Dispatch is set), then closes
 *   unbound       WskGetLocalAddress on an unbound socket, WskConnect on an unbound socket (both
 *                 STATUS_INVALID_DEVICE_STATE), WskGetRemoteAddress on an unconnected socket, then
 *                 WskGetLocalAddress after a wildcard bind
 *   refused       WskConnect to "Server":"Port" where nothing listens (STATUS_CONNECTION_REFUSED)
 *   accept_cancel a WskAccept pending on a listener, then WskCloseSocket of the listener
 *                 (STATUS_CANCELLED, Information 0)
 *   static_late   WSK_SET_STATIC_EVENT_CALLBACKS after the client's first socket (and after it was closed)
 * Every IRP-taking call is checked against the IRP contract and logged as an IRPCHECK line.
 */
#include "drv_wsk_common.h"

static PETHREAD g_thread;
static WT_WSK g_wsk;
static WCHAR g_case[32];
static WCHAR g_server[64];
static ULONG g_port;

static VOID CaseSocket(PWT_SYNC Sync)
{
    static const struct {
        const char *Name;
        ADDRESS_FAMILY Family;
        ULONG Flags;
    } kinds[] = {
        {"connection4", AF_INET, WSK_FLAG_CONNECTION_SOCKET},
        {"connection6", AF_INET6, WSK_FLAG_CONNECTION_SOCKET},
        {"listen4", AF_INET, WSK_FLAG_LISTEN_SOCKET},
        {"listen6", AF_INET6, WSK_FLAG_LISTEN_SOCKET},
        {"basic4", AF_INET, WSK_FLAG_BASIC_SOCKET},
    };
    NTSTATUS status;
    ULONG i;

    /* NULL Irp: returned directly, nothing to complete ([OBS] §2.2, §8.1.4). */
    status = g_wsk.Npi.Dispatch->WskSocket(g_wsk.Npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                           WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, NULL, NULL, NULL, NULL);
    DbgPrint("RESULT socket_null_irp=0x%08X\n", (ULONG)status);

    /* NULL Client with an IRP ([OBS] §2.2): returned, and the IRP is not completed (the documented
     * exception to "returned means completed", like the NULL IRP). */
    status = g_wsk.Npi.Dispatch->WskSocket(NULL, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET,
                                           NULL, NULL, NULL, NULL, NULL, WtSyncBegin(Sync));
    DbgPrint("RESULT socket_null_client=0x%08X socket_null_client_completed=%d\n", (ULONG)status,
             (int)Sync->Completed);

    for (i = 0; i < ARRAYSIZE(kinds); i++) {
        PWSK_SOCKET socket = NULL;
        status = WtSyncEnd(Sync, "WskSocket",
                           g_wsk.Npi.Dispatch->WskSocket(g_wsk.Npi.Client, kinds[i].Family, SOCK_STREAM,
                                                         IPPROTO_TCP, kinds[i].Flags, NULL, NULL, NULL, NULL,
                                                         NULL, WtSyncBegin(Sync)));
        if (NT_SUCCESS(status))
            socket = (PWSK_SOCKET)Sync->Irp->IoStatus.Information;
        DbgPrint("RESULT socket_%s=0x%08X socket_%s_information_set=%d socket_%s_dispatch_set=%d\n",
                 kinds[i].Name, (ULONG)status, kinds[i].Name, socket != NULL, kinds[i].Name,
                 socket != NULL && socket->Dispatch != NULL);
        if (socket != NULL && socket->Dispatch != NULL) {
            status = WtCloseSocket(Sync, socket);
            DbgPrint("RESULT close_%s=0x%08X close_%s_information=%Iu\n", kinds[i].Name, (ULONG)status,
                     kinds[i].Name, Sync->Irp->IoStatus.Information);
        }
    }
}

static VOID CaseUnbound(PWT_SYNC Sync)
{
    PWSK_SOCKET socket;
    SOCKADDR_STORAGE address, remote;
    NTSTATUS status;

    status = WtCreateSocket(&g_wsk, Sync, AF_INET, WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, &socket);
    DbgPrint("RESULT socket=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        return;

    RtlFillMemory(&address, sizeof(address), 0xEE);
    WtSyncIssued(Sync, "WskGetLocalAddress(unbound)",
                 WT_CONN(socket)->WskGetLocalAddress(socket, (PSOCKADDR)&address, WtSyncBegin(Sync)));
    DbgPrint("RESULT getlocal_unbound_returned=0x%08X\n", (ULONG)Sync->Returned);
    status = WtSyncWaitMs(Sync, WT_CALL_TIMEOUT_MS);
    DbgPrint("RESULT getlocal_unbound=0x%08X\n", (ULONG)status);

    RtlFillMemory(&address, sizeof(address), 0xEE);
    WtSyncIssued(Sync, "WskGetRemoteAddress(unconnected)",
                 WT_CONN(socket)->WskGetRemoteAddress(socket, (PSOCKADDR)&address, WtSyncBegin(Sync)));
    status = WtSyncWaitMs(Sync, WT_CALL_TIMEOUT_MS);
    DbgPrint("RESULT getremote_unconnected=0x%08X\n", (ULONG)status);

    WtMakeAddress(&remote, AF_INET, g_server, (USHORT)g_port);
    WtSyncIssued(Sync, "WskConnect(unbound)",
                 WT_CONN(socket)->WskConnect(socket, (PSOCKADDR)&remote, 0, WtSyncBegin(Sync)));
    DbgPrint("RESULT connect_unbound_returned=0x%08X connect_unbound_completed_in_call=%d\n", (ULONG)Sync->Returned,
             (int)Sync->Completed);
    status = WtSyncWaitMs(Sync, WT_CALL_TIMEOUT_MS);
    DbgPrint("RESULT connect_unbound=0x%08X\n", (ULONG)status);

    status = WtBindWildcard(Sync, socket, AF_INET, 0);
    DbgPrint("RESULT bind=0x%08X bind_information=%Iu\n", (ULONG)status, Sync->Irp->IoStatus.Information);
    RtlFillMemory(&address, sizeof(address), 0xEE);
    status = WtSyncEnd(Sync, "WskGetLocalAddress",
                       WT_CONN(socket)->WskGetLocalAddress(socket, (PSOCKADDR)&address, WtSyncBegin(Sync)));
    DbgPrint("RESULT getlocal_bound=0x%08X getlocal_bound_family=%u\n", (ULONG)status,
             (ULONG)((PSOCKADDR)&address)->sa_family);

    DbgPrint("RESULT close=0x%08X\n", (ULONG)WtCloseSocket(Sync, socket));
}

static VOID CaseRefused(PWT_SYNC Sync)
{
    PWSK_SOCKET socket;
    SOCKADDR_STORAGE remote;
    NTSTATUS status;

    status = WtMakeAddress(&remote, AF_INET, g_server, (USHORT)g_port);
    if (!NT_SUCCESS(status)) {
        DbgPrint("RESULT bad_server=0x%08X\n", (ULONG)status);
        return;
    }
    status = WtCreateSocket(&g_wsk, Sync, remote.ss_family, WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, &socket);
    DbgPrint("RESULT socket=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        return;
    status = WtBindWildcard(Sync, socket, remote.ss_family, 0);
    DbgPrint("RESULT bind=0x%08X\n", (ULONG)status);
    if (NT_SUCCESS(status)) {
        ULONGLONG start = WtNowUs();
        status = WtConnect(Sync, socket, &remote);
        DbgPrint("RESULT connect_refused=0x%08X connect_refused_information=%Iu connect_refused_us=%I64u\n",
                 (ULONG)status, Sync->Irp->IoStatus.Information, WtNowUs() - start);
    }
    DbgPrint("RESULT close=0x%08X\n", (ULONG)WtCloseSocket(Sync, socket));
}

static VOID CaseAcceptCancel(PWT_SYNC Sync)
{
    WT_SYNC accept;
    PWSK_SOCKET listener;
    SOCKADDR_STORAGE local, remote;
    NTSTATUS status;

    status = WtSyncInit(&accept);
    if (!NT_SUCCESS(status))
        return;
    status = WtCreateSocket(&g_wsk, Sync, AF_INET, WSK_FLAG_LISTEN_SOCKET, NULL, NULL, &listener);
    DbgPrint("RESULT listen_socket=0x%08X\n", (ULONG)status);
    if (NT_SUCCESS(status)) {
        status = WtBindWildcard(Sync, listener, AF_INET, (USHORT)g_port);
        DbgPrint("RESULT listen_bind=0x%08X\n", (ULONG)status);

        WtSyncIssued(&accept, "WskAccept",
                     WT_LISTEN(listener)->WskAccept(listener, 0, NULL, NULL, (PSOCKADDR)&local, (PSOCKADDR)&remote,
                                                    WtSyncBegin(&accept)));
        DbgPrint("RESULT accept_returned=0x%08X\n", (ULONG)accept.Returned);
        WtSleepMs(100);
        DbgPrint("RESULT accept_completed_before_close=%d\n", (int)accept.Completed);

        status = WtCloseSocket(Sync, listener);
        DbgPrint("RESULT close_listener=0x%08X accept_completed_when_close_done=%d\n", (ULONG)status,
                 (int)accept.Completed);
        status = WtSyncWaitMs(&accept, 10000);
        DbgPrint("RESULT accept_status=0x%08X accept_information=%Iu\n", (ULONG)status,
                 accept.Irp->IoStatus.Information);
    }
    WtSyncFree(&accept);
}

static VOID CaseStaticLate(PWT_SYNC Sync)
{
    WSK_EVENT_CALLBACK_CONTROL control;
    PWSK_SOCKET socket;
    NTSTATUS status;

    status = WtCreateSocket(&g_wsk, Sync, AF_INET, WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, &socket);
    DbgPrint("RESULT socket=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        return;
    control.NpiId = &NPI_WSK_INTERFACE_ID;
    control.EventMask = WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT;
    status = g_wsk.Npi.Dispatch->WskControlClient(g_wsk.Npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control),
                                                  &control, 0, NULL, NULL, NULL);
    DbgPrint("RESULT static_after_socket=0x%08X\n", (ULONG)status);
    DbgPrint("RESULT close=0x%08X\n", (ULONG)WtCloseSocket(Sync, socket));
    status = g_wsk.Npi.Dispatch->WskControlClient(g_wsk.Npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control),
                                                  &control, 0, NULL, NULL, NULL);
    DbgPrint("RESULT static_after_close=0x%08X\n", (ULONG)status);
}

static const WT_CASE g_cases[] = {
    {"socket", CaseSocket},           {"unbound", CaseUnbound},         {"refused", CaseRefused},
    {"accept_cancel", CaseAcceptCancel}, {"static_late", CaseStaticLate}, {NULL, NULL},
};

static KSTART_ROUTINE TestThread;
static VOID TestThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    WtRunCase(&g_wsk, g_case, g_cases, NULL);
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
    WtParamString(key, L"Case", g_case, ARRAYSIZE(g_case), L"socket");
    WtParamString(key, L"Server", g_server, ARRAYSIZE(g_server), L"10.1.1.2");
    g_port = WtParamDword(key, L"Port", 5000);
    WtCloseParameters(key);
    DriverObject->DriverUnload = DriverUnload;
    return WtStartThread(TestThread, NULL, &g_thread);
}
