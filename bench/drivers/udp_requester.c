/*
 * udp_requester.c - benchmark UDP requester: sends Count requests (default 1000) of Size bytes (default 64)
 * to Server:Port at Rate requests per second (default 100) from a periodic KTIMER whose DPC issues one
 * WskSendTo on a preallocated, reused IRP; a static WskReceiveFromEvent counts the replies. A tick that
 * finds the previous send still pending is skipped (counted, not queued). Prints "RESULT udp_requester
 * sent=N replies=M skipped=S failed=F" at unload. No thread runs after DriverEntry.
 */
#include <ntddk.h>
#include <wsk.h>
#include <ip2string.h>

#define REQ_TAG 'qeRU'

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_sock;
static ULONG g_port = 9, g_size = 64, g_rate = 100, g_count = 1000;
static ULONG g_sent, g_replies, g_skipped, g_failed;
static SOCKADDR_IN g_srv;
static PUCHAR g_buf;
static PMDL g_mdl;
static PIRP g_irp;
static BOOLEAN g_sendBusy, g_unloading;
static KEVENT g_idle;
static KTIMER g_timer;
static KDPC g_dpc;
static WCHAR g_server[64] = L"10.1.1.2";
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS SendDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    if (!NT_SUCCESS(irp->IoStatus.Status))
        g_failed++;
    g_sendBusy = FALSE;
    if (g_unloading)
        KeSetEvent(&g_idle, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID Tick(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    WSK_BUF wb = {g_mdl, 0, g_size};
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    if (g_sendBusy) {
        g_skipped++; /* one IRP: a send that has not completed yet holds it */
    } else {
        g_sendBusy = TRUE;
        IoReuseIrp(g_irp, STATUS_UNSUCCESSFUL);
        IoSetCompletionRoutine(g_irp, SendDone, NULL, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskSendTo(g_sock, &wb, 0, (PSOCKADDR)&g_srv, 0, NULL,
                                                                       g_irp);
        g_sent++;
    }
    if (g_sent + g_skipped >= g_count)
        KeCancelTimer(&g_timer);
}

static NTSTATUS WSKAPI OnReceiveFrom(PVOID ctx, ULONG flags, PWSK_DATAGRAM_INDICATION ind)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(flags);
    for (; ind != NULL; ind = ind->Next) {
        const SOCKADDR_IN *from = (const SOCKADDR_IN *)ind->RemoteAddress;
        if (ind->Buffer.Length == g_size && from->sin_addr.s_addr == g_srv.sin_addr.s_addr)
            g_replies++;
    }
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_DATAGRAM_DISPATCH g_dgramDispatch = {OnReceiveFrom};

static NTSTATUS SyncDone(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    KEVENT ev;
    UNREFERENCED_PARAMETER(drv);
    KeCancelTimer(&g_timer);
    KeRemoveQueueDpc(&g_dpc);
    KeFlushQueuedDpcs();
    /* the send IRP must be back before the socket closes and the IRP is freed */
    KeInitializeEvent(&g_idle, NotificationEvent, FALSE);
    g_unloading = TRUE;
    if (g_sendBusy)
        KeWaitForSingleObject(&g_idle, Executive, KernelMode, FALSE, NULL);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoReuseIrp(g_irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(g_irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskCloseSocket(g_sock, g_irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    DbgPrint("RESULT udp_requester sent=%u replies=%u skipped=%u failed=%u\n", g_sent, g_replies, g_skipped,
             g_failed);
    IoFreeIrp(g_irp);
    IoFreeMdl(g_mdl);
    ExFreePoolWithTag(g_buf, REQ_TAG);
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    WSK_EVENT_CALLBACK_CONTROL statics = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE_FROM};
    RTL_QUERY_REGISTRY_TABLE q[6];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    UNICODE_STRING server = {0, sizeof g_server - sizeof(WCHAR), g_server};
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    LARGE_INTEGER due = {{0, 0}}; /* absolute time 0 is past: the first request goes at once */
    PCWSTR end;
    KEVENT ev;
    NTSTATUS st;
    RtlCopyUnicodeString(&key, path);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Port";
    q[0].EntryContext = &g_port;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[1].Name = L"Size";
    q[1].EntryContext = &g_size;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"Rate";
    q[2].EntryContext = &g_rate;
    q[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[3].Name = L"Count";
    q[3].EntryContext = &g_count;
    q[4].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[4].Name = L"Server";
    q[4].EntryContext = &server;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    g_server[server.Length / sizeof(WCHAR)] = 0;
    if (g_rate == 0 || g_rate > 1000 || g_size == 0 || g_count == 0)
        return STATUS_INVALID_PARAMETER; /* KeSetTimerEx periods are whole milliseconds */
    if (!NT_SUCCESS(RtlIpv4StringToAddressW(g_server, TRUE, &end, &g_srv.sin_addr)))
        return STATUS_INVALID_PARAMETER;
    g_srv.sin_family = AF_INET;
    g_srv.sin_port = RtlUshortByteSwap((USHORT)g_port);
    g_buf = ExAllocatePoolZero(NonPagedPoolNx, g_size, REQ_TAG);
    if (g_buf == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    g_mdl = IoAllocateMdl(g_buf, g_size, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(g_mdl);
    g_irp = IoAllocateIrp(1, FALSE);
    st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (NT_SUCCESS(st))
        st = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof statics, &statics,
                                              0, NULL, NULL, NULL);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoSetCompletionRoutine(g_irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET, NULL,
                              &g_dgramDispatch, NULL, NULL, NULL, g_irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    if (!NT_SUCCESS(g_irp->IoStatus.Status))
        return g_irp->IoStatus.Status;
    g_sock = (PWSK_SOCKET)g_irp->IoStatus.Information;
    IoReuseIrp(g_irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(g_irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskBind(g_sock, (PSOCKADDR)&any, 0, g_irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    if (!NT_SUCCESS(g_irp->IoStatus.Status))
        return g_irp->IoStatus.Status;
    drv->DriverUnload = Unload;
    KeInitializeTimerEx(&g_timer, NotificationTimer);
    KeInitializeDpc(&g_dpc, Tick, NULL);
    KeSetTimerEx(&g_timer, due, (LONG)(1000 / g_rate), &g_dpc);
    return STATUS_SUCCESS;
}
