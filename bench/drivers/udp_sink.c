/*
 * udp_sink.c - callback-dispatch micro-benchmark driver (wsk-bench-socket): a datagram socket bound to Port
 * (default 9) with a static WskReceiveFromEvent that counts the datagrams of each indication chain and
 * gives them back at once (STATUS_SUCCESS). Prints "RESULT udp_sink datagrams=N bytes=M" at unload.
 */
#include <ntddk.h>
#include <wsk.h>

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_sock;
static ULONG g_port = 9;
static LONG64 g_datagrams, g_bytes;

static NTSTATUS WSKAPI OnReceiveFrom(PVOID ctx, ULONG flags, PWSK_DATAGRAM_INDICATION ind)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(flags);
    for (; ind != NULL; ind = ind->Next) {
        g_datagrams++;
        g_bytes += (LONG64)ind->Buffer.Length;
    }
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_DATAGRAM_DISPATCH g_dgram = {OnReceiveFrom};
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
    PIRP irp = IoAllocateIrp(1, FALSE);
    UNREFERENCED_PARAMETER(drv);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskCloseSocket(g_sock, irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    IoFreeIrp(irp);
    DbgPrint("RESULT udp_sink datagrams=%I64d bytes=%I64d\n", g_datagrams, g_bytes);
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    WSK_EVENT_CALLBACK_CONTROL cb = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE_FROM};
    RTL_QUERY_REGISTRY_TABLE q[2];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    KEVENT ev;
    PIRP irp;
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
    irp = NT_SUCCESS(st) ? IoAllocateIrp(1, FALSE) : NULL;
    if (irp == NULL)
        return NT_SUCCESS(st) ? STATUS_INSUFFICIENT_RESOURCES : st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET, NULL,
                              &g_dgram, NULL, NULL, NULL, irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    st = irp->IoStatus.Status;
    g_sock = (PWSK_SOCKET)irp->IoStatus.Information;
    if (NT_SUCCESS(st)) {
        any.sin_port = RtlUshortByteSwap((USHORT)g_port);
        IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
        IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskBind(g_sock, (PSOCKADDR)&any, 0, irp);
        KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
        st = irp->IoStatus.Status;
    }
    IoFreeIrp(irp);
    return st;
}
