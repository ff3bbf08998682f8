/*
 * udp_echo_server.c - UDP request/response server: WSK_SET_STATIC_EVENT_CALLBACKS(WSK_EVENT_RECEIVE_FROM)
 * before the first socket, a datagram socket bound to Port (default 7100), and a WskReceiveFromEvent that
 * answers every request with WskSendTo to its sender (the datagram is copied, so the indication is given
 * back at once with STATUS_SUCCESS). Prints "RESULT udp_server requests=N bytes=M" at unload.
 */
#include <ntddk.h>
#include <wsk.h>

#define UDP_TAG 'vrSU'

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_sock;
static ULONG g_port = 7100;
static LONG g_requests;
static LONG64 g_bytes;

typedef struct _REPLY {
    SOCKADDR_STORAGE To;
    PMDL Mdl;
    UCHAR Data[1];
} REPLY, *PREPLY;

static NTSTATUS ReplySent(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    PREPLY r = (PREPLY)ctx;
    UNREFERENCED_PARAMETER(d);
    IoFreeMdl(r->Mdl);
    ExFreePoolWithTag(r, UDP_TAG);
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS WSKAPI OnReceiveFrom(PVOID ctx, ULONG flags, PWSK_DATAGRAM_INDICATION ind)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(flags);
    for (; ind != NULL; ind = ind->Next) {
        SIZE_T n = ind->Buffer.Length;
        PREPLY r = ExAllocatePoolWithTag(NonPagedPoolNx, FIELD_OFFSET(REPLY, Data) + (n ? n : 1), UDP_TAG);
        PIRP irp = IoAllocateIrp(1, FALSE);
        if (r == NULL || irp == NULL) {
            if (r)
                ExFreePoolWithTag(r, UDP_TAG);
            if (irp)
                IoFreeIrp(irp);
            continue;
        }
        if (n > 0) {
            PUCHAR src = (PUCHAR)MmGetSystemAddressForMdlSafe(ind->Buffer.Mdl, NormalPagePriority);
            RtlCopyMemory(r->Data, src + ind->Buffer.Offset, n); /* one datagram = one contiguous MDL */
        }
        RtlCopyMemory(&r->To, ind->RemoteAddress,
                      ind->RemoteAddress->sa_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN));
        r->Mdl = IoAllocateMdl(r->Data, (ULONG)(n ? n : 1), FALSE, FALSE, NULL);
        MmBuildMdlForNonPagedPool(r->Mdl);
        WSK_BUF wb = {r->Mdl, 0, n};
        IoSetCompletionRoutine(irp, ReplySent, r, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)
            ->WskSendTo(g_sock, &wb, 0, (PSOCKADDR)&r->To, 0, NULL, irp);
        g_requests++;
        g_bytes += (LONG64)n;
    }
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_DATAGRAM_DISPATCH g_dgramDispatch = {OnReceiveFrom};
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS SyncDone(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS Sync(PIRP irp, PKEVENT ev, ULONG_PTR *info)
{
    KeWaitForSingleObject(ev, Executive, KernelMode, FALSE, NULL);
    NTSTATUS st = irp->IoStatus.Status;
    if (info)
        *info = irp->IoStatus.Information;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, SyncDone, ev, TRUE, TRUE, TRUE);
    return st;
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    KEVENT ev;
    UNREFERENCED_PARAMETER(drv);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskCloseSocket(g_sock, irp);
    Sync(irp, &ev, NULL);
    IoFreeIrp(irp);
    DbgPrint("RESULT udp_server requests=%d bytes=%I64d\n", g_requests, g_bytes);
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    WSK_EVENT_CALLBACK_CONTROL statics = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE_FROM};
    RTL_QUERY_REGISTRY_TABLE q[2];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    ULONG_PTR info = 0;
    KEVENT ev;
    NTSTATUS st;
    RtlCopyUnicodeString(&key, RegistryPath);
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
        st = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof statics, &statics,
                                              0, NULL, NULL, NULL);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET, NULL,
                              &g_dgramDispatch, NULL, NULL, NULL, irp);
    st = Sync(irp, &ev, &info);
    if (NT_SUCCESS(st)) {
        SOCKADDR_IN any = {AF_INET, RtlUshortByteSwap((USHORT)g_port), {{{0}}}, {0}};
        g_sock = (PWSK_SOCKET)info;
        ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskBind(g_sock, (PSOCKADDR)&any, 0, irp);
        st = Sync(irp, &ev, NULL);
    }
    IoFreeIrp(irp);
    if (!NT_SUCCESS(st))
        return st;
    DriverObject->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
