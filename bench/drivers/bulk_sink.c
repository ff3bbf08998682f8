/*
 * bulk_sink.c - benchmark TCP sink: a listening socket with static accept/receive/disconnect callbacks
 * that counts and drops every byte (STATUS_SUCCESS from WskReceiveEvent). Parameters: Port (default 9).
 */
#include <ntddk.h>
#include <wsk.h>

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_listen;
static ULONG g_port = 9;
static LONG64 g_bytes;
static LONG g_conns;

static NTSTATUS WSKAPI OnReceive(PVOID ctx, ULONG flags, PWSK_DATA_INDICATION ind, SIZE_T n, SIZE_T *accepted)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(flags);
    UNREFERENCED_PARAMETER(ind);
    UNREFERENCED_PARAMETER(accepted);
    g_bytes += (LONG64)n;
    return STATUS_SUCCESS;
}

static NTSTATUS FreeIrp(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS WSKAPI OnDisconnect(PVOID ctx, ULONG flags)
{
    PWSK_SOCKET s = (PWSK_SOCKET)ctx;
    PIRP irp = IoAllocateIrp(1, FALSE);
    UNREFERENCED_PARAMETER(flags);
    IoSetCompletionRoutine(irp, FreeIrp, NULL, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskCloseSocket(s, irp);
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_CONNECTION_DISPATCH g_conn = {OnReceive, OnDisconnect, NULL};

static NTSTATUS WSKAPI OnAccept(PVOID ctx, ULONG flags, PSOCKADDR l, PSOCKADDR r, PWSK_SOCKET s, PVOID *sctx,
                                const WSK_CLIENT_CONNECTION_DISPATCH **disp)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(flags);
    UNREFERENCED_PARAMETER(l);
    UNREFERENCED_PARAMETER(r);
    if (s == NULL)
        return STATUS_REQUEST_NOT_ACCEPTED;
    *sctx = s;
    *disp = &g_conn;
    g_conns++;
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_LISTEN_DISPATCH g_listenDisp = {OnAccept, NULL, NULL};
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS SyncDone(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, 0, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    KEVENT ev;
    UNREFERENCED_PARAMETER(drv);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskCloseSocket(g_listen, irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    IoFreeIrp(irp);
    DbgPrint("RESULT sink connections=%d bytes=%I64d\n", g_conns, g_bytes);
    WskReleaseProviderNPI(&g_reg);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    WSK_EVENT_CALLBACK_CONTROL cb = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT};
    RTL_QUERY_REGISTRY_TABLE q[2];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    KEVENT ev;
    NTSTATUS st;
    drv->DriverUnload = Unload;
    RtlCopyUnicodeString(&key, path);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Port";
    q[0].EntryContext = &g_port;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (NT_SUCCESS(st))
        st = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof cb, &cb, 0, NULL,
                                              NULL, NULL);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET, NULL,
                              &g_listenDisp, NULL, NULL, NULL, irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    g_listen = (PWSK_SOCKET)irp->IoStatus.Information;
    SOCKADDR_IN any = {AF_INET, RtlUshortByteSwap((USHORT)g_port), {{{0}}}, {0}};
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskBind(g_listen, (PSOCKADDR)&any, 0, irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    st = irp->IoStatus.Status;
    IoFreeIrp(irp);
    return st;
}
