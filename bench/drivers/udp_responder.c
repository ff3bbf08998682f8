/*
 * udp_responder.c - benchmark UDP responder: a datagram socket bound to Port (default 9) with a static
 * WskReceiveFromEvent that sends every request back to its sender with WskSendTo. Nothing is copied: the
 * indication is kept (STATUS_PENDING), sent from its own MDL and given back with WskRelease when the send
 * completes; send IRPs come from a small pool of reused IRPs. Prints "RESULT udp_responder requests=N
 * bytes=M failed=F" at unload.
 */
#include <ntddk.h>
#include <wsk.h>

#define IRP_POOL 16

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_sock;
static ULONG g_port = 9;
static LONG g_requests, g_failed, g_inFlight;
static LONG64 g_bytes;
static PIRP g_pool[IRP_POOL];
static ULONG g_pooled;
static BOOLEAN g_unloading;
static KEVENT g_idle;
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS ReplySent(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    if (!NT_SUCCESS(irp->IoStatus.Status))
        g_failed++;
    /* the reply left (or failed): the request's datagram is no longer needed */
    ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskRelease(g_sock, (PWSK_DATAGRAM_INDICATION)ctx);
    if (g_pooled < IRP_POOL)
        g_pool[g_pooled++] = irp;
    else
        IoFreeIrp(irp);
    if (--g_inFlight == 0 && g_unloading)
        KeSetEvent(&g_idle, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS WSKAPI OnReceiveFrom(PVOID ctx, ULONG flags, PWSK_DATAGRAM_INDICATION ind)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(flags);
    if (g_unloading)
        return STATUS_SUCCESS; /* dropped: the socket is about to close */
    while (ind != NULL) {
        PWSK_DATAGRAM_INDICATION next = ind->Next;
        PIRP irp = g_pooled > 0 ? g_pool[--g_pooled] : IoAllocateIrp(1, FALSE);
        ind->Next = NULL; /* each element is released on its own, when its reply completes */
        if (irp == NULL) {
            g_failed++;
            ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskRelease(g_sock, ind);
            ind = next;
            continue;
        }
        g_requests++;
        g_inFlight++;
        g_bytes += (LONG64)ind->Buffer.Length;
        IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
        IoSetCompletionRoutine(irp, ReplySent, ind, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)
            ->WskSendTo(g_sock, &ind->Buffer, 0, ind->RemoteAddress, 0, NULL, irp);
        ind = next;
    }
    return STATUS_PENDING; /* every element is kept until ReplySent releases it */
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
    PIRP irp = IoAllocateIrp(1, FALSE);
    UNREFERENCED_PARAMETER(drv);
    /* replies still in flight release their indications on this socket: let them finish first */
    KeInitializeEvent(&g_idle, NotificationEvent, FALSE);
    g_unloading = TRUE;
    if (g_inFlight > 0)
        KeWaitForSingleObject(&g_idle, Executive, KernelMode, FALSE, NULL);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskCloseSocket(g_sock, irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    IoFreeIrp(irp);
    while (g_pooled > 0)
        IoFreeIrp(g_pool[--g_pooled]);
    DbgPrint("RESULT udp_responder requests=%d bytes=%I64d failed=%d\n", g_requests, g_bytes, g_failed);
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    WSK_EVENT_CALLBACK_CONTROL statics = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE_FROM};
    RTL_QUERY_REGISTRY_TABLE q[2];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    KEVENT ev;
    NTSTATUS st;
    PIRP irp;
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
        st = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof statics, &statics,
                                              0, NULL, NULL, NULL);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET, NULL,
                              &g_dgramDispatch, NULL, NULL, NULL, irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    st = irp->IoStatus.Status;
    if (NT_SUCCESS(st)) {
        SOCKADDR_IN any = {AF_INET, RtlUshortByteSwap((USHORT)g_port), {{{0}}}, {0}};
        g_sock = (PWSK_SOCKET)irp->IoStatus.Information;
        IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
        IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskBind(g_sock, (PSOCKADDR)&any, 0, irp);
        KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
        st = irp->IoStatus.Status;
        if (!NT_SUCCESS(st)) {
            IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
            IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
            ((PWSK_PROVIDER_DATAGRAM_DISPATCH)g_sock->Dispatch)->WskCloseSocket(g_sock, irp);
            KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
        }
    }
    IoFreeIrp(irp);
    if (!NT_SUCCESS(st)) {
        WskReleaseProviderNPI(&g_reg);
        WskDeregister(&g_reg);
        return st;
    }
    drv->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
