/*
 * admission_server.c - an admission-control TCP echo server built on conditional accept.
 *
 * Every connection request reaches WskInspectEvent before any SYN-ACK leaves the node:
 *   - a peer outside the allowed IPv4 prefix (Parameters AllowNet/AllowBits, default 10.0.0.0/8) is
 *     rejected at once (the peer sees STATUS_CONNECTION_REFUSED within one round trip);
 *   - every other request is pended and handed to a simulated authorization service: a system thread
 *     that takes AuthMs (default 50) of simulated time per decision and denies hosts whose third address
 *     byte (their subnet number in a star) is a multiple of DenyEvery (default 4). It then calls WskInspectComplete.
 * Accepted connections echo what they receive (receive events, WskSend from the callback).
 * Parameters: Port (default 7000), AllowNet (dotted IPv4), AllowBits, AuthMs, DenyEvery.
 */
#include <ntddk.h>
#include <wsk.h>
#include <ip2string.h>

#define ADM_TAG 'mdAW'
#define MAX_REQUESTS 4096

typedef struct _AUTH_REQUEST {
    LIST_ENTRY Link;
    WSK_INSPECT_ID Id;
    ULONG Remote; /* IPv4, host byte order */
    BOOLEAN Aborted;
} AUTH_REQUEST, *PAUTH_REQUEST;

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_listen;
static PETHREAD g_authThread;
static KEVENT g_authWake;
static KSPIN_LOCK g_lock;
static LIST_ENTRY g_queue;
static BOOLEAN g_stop;
static ULONG g_port = 7000, g_allowBits = 8, g_authMs = 50, g_denyEvery = 4;
static ULONG g_allowNet = 0x0A000000; /* 10.0.0.0 */
static LONG g_accepted, g_rejected, g_pended, g_denied, g_aborted, g_connections;
static LONG64 g_echoed;

static ULONG RemoteIpv4(PSOCKADDR sa)
{
    PSOCKADDR_IN in = (PSOCKADDR_IN)sa;
    return RtlUlongByteSwap(in->sin_addr.s_addr);
}

static BOOLEAN Allowed(ULONG ip)
{
    ULONG mask = g_allowBits == 0 ? 0 : (0xFFFFFFFFu << (32 - g_allowBits));
    return (BOOLEAN)((ip & mask) == (g_allowNet & mask));
}

/* ---- accepted connections: echo ---- */
static NTSTATUS FreeSend(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    PMDL mdl = (PMDL)ctx;
    PVOID buf = MmGetMdlVirtualAddress(mdl);
    UNREFERENCED_PARAMETER(d);
    IoFreeMdl(mdl);
    ExFreePoolWithTag(buf, ADM_TAG);
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS WSKAPI OnReceive(PVOID ctx, ULONG flags, PWSK_DATA_INDICATION ind, SIZE_T n, SIZE_T *accepted)
{
    PWSK_SOCKET s = (PWSK_SOCKET)ctx;
    PUCHAR buf;
    SIZE_T off = 0;
    UNREFERENCED_PARAMETER(flags);
    UNREFERENCED_PARAMETER(accepted);
    if (ind == NULL || n == 0)
        return STATUS_SUCCESS;
    buf = ExAllocatePoolWithTag(NonPagedPoolNx, n, ADM_TAG);
    if (buf == NULL)
        return STATUS_DATA_NOT_ACCEPTED;
    for (PWSK_DATA_INDICATION i = ind; i != NULL; i = i->Next) {
        SIZE_T left = i->Buffer.Length;
        ULONG o = i->Buffer.Offset;
        for (PMDL m = i->Buffer.Mdl; m != NULL && left > 0; m = m->Next, o = 0) {
            SIZE_T k = min(left, (SIZE_T)(MmGetMdlByteCount(m) - o));
            RtlCopyMemory(buf + off, (PUCHAR)MmGetSystemAddressForMdlSafe(m, NormalPagePriority) + o, k);
            off += k;
            left -= k;
        }
    }
    PMDL mdl = IoAllocateMdl(buf, (ULONG)n, FALSE, FALSE, NULL);
    PIRP irp = IoAllocateIrp(1, FALSE);
    if (mdl == NULL || irp == NULL) {
        if (mdl)
            IoFreeMdl(mdl);
        if (irp)
            IoFreeIrp(irp);
        ExFreePoolWithTag(buf, ADM_TAG);
        return STATUS_DATA_NOT_ACCEPTED;
    }
    MmBuildMdlForNonPagedPool(mdl);
    WSK_BUF wb = {mdl, 0, n};
    IoSetCompletionRoutine(irp, FreeSend, mdl, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskSend(s, &wb, 0, irp);
    g_echoed += (LONG64)n;
    return STATUS_SUCCESS;
}

static NTSTATUS CloseDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    InterlockedDecrement(&g_connections);
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Our half is closed once the peer's close has been answered: then close the socket. */
static NTSTATUS DisconnectDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    PWSK_SOCKET s = (PWSK_SOCKET)ctx;
    UNREFERENCED_PARAMETER(d);
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, CloseDone, NULL, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskCloseSocket(s, irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS WSKAPI OnDisconnect(PVOID ctx, ULONG flags)
{
    PWSK_SOCKET s = (PWSK_SOCKET)ctx;
    PIRP irp = IoAllocateIrp(1, FALSE);
    if (irp == NULL)
        return STATUS_SUCCESS;
    if (flags & WSK_FLAG_ABORTIVE) {
        IoSetCompletionRoutine(irp, CloseDone, NULL, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskCloseSocket(s, irp);
    } else {
        IoSetCompletionRoutine(irp, DisconnectDone, s, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskDisconnect(s, NULL, 0, irp);
    }
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_CONNECTION_DISPATCH g_connDispatch = {OnReceive, OnDisconnect, NULL};

/* ---- conditional accept ---- */
static WSK_INSPECT_ACTION WSKAPI OnInspect(PVOID ctx, PSOCKADDR local, PSOCKADDR remote, PWSK_INSPECT_ID id)
{
    KIRQL irql;
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(local);
    if (id == NULL)
        return WskInspectReject;
    ULONG ip = RemoteIpv4(remote);
    if (!Allowed(ip)) {
        InterlockedIncrement(&g_rejected);
        return WskInspectReject;
    }
    PAUTH_REQUEST r = ExAllocatePoolZero(NonPagedPoolNx, sizeof *r, ADM_TAG);
    if (r == NULL) {
        InterlockedIncrement(&g_rejected);
        return WskInspectReject;
    }
    r->Id = *id; /* the ID is valid only during this call: keep a copy */
    r->Remote = ip;
    KeAcquireSpinLock(&g_lock, &irql);
    InsertTailList(&g_queue, &r->Link);
    KeReleaseSpinLock(&g_lock, irql);
    KeSetEvent(&g_authWake, IO_NO_INCREMENT, FALSE);
    InterlockedIncrement(&g_pended);
    return WskInspectPend;
}

static NTSTATUS WSKAPI OnAbort(PVOID ctx, PWSK_INSPECT_ID id)
{
    KIRQL irql;
    UNREFERENCED_PARAMETER(ctx);
    KeAcquireSpinLock(&g_lock, &irql);
    for (PLIST_ENTRY e = g_queue.Flink; e != &g_queue; e = e->Flink) {
        PAUTH_REQUEST r = CONTAINING_RECORD(e, AUTH_REQUEST, Link);
        if (r->Id.Key == id->Key && r->Id.SerialNumber == id->SerialNumber)
            r->Aborted = TRUE;
    }
    KeReleaseSpinLock(&g_lock, irql);
    InterlockedIncrement(&g_aborted);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI OnAccept(PVOID ctx, ULONG flags, PSOCKADDR local, PSOCKADDR remote, PWSK_SOCKET s,
                                PVOID *sctx, const WSK_CLIENT_CONNECTION_DISPATCH **disp)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(flags);
    UNREFERENCED_PARAMETER(local);
    UNREFERENCED_PARAMETER(remote);
    if (s == NULL)
        return STATUS_REQUEST_NOT_ACCEPTED;
    *sctx = s;
    *disp = &g_connDispatch;
    InterlockedIncrement(&g_accepted);
    InterlockedIncrement(&g_connections);
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_LISTEN_DISPATCH g_listenDispatch = {OnAccept, OnInspect, OnAbort};
static const WSK_CLIENT_DISPATCH g_clientDispatch = {MAKE_WSK_VERSION(1, 0), 0, NULL};

/* ---- the simulated authorization service ---- */
static NTSTATUS SyncDone(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID AuthService(PVOID ctx)
{
    KEVENT done;
    PIRP irp = IoAllocateIrp(1, FALSE);
    UNREFERENCED_PARAMETER(ctx);
    KeInitializeEvent(&done, SynchronizationEvent, FALSE);
    for (;;) {
        KIRQL irql;
        PAUTH_REQUEST r = NULL;
        KeAcquireSpinLock(&g_lock, &irql);
        if (!IsListEmpty(&g_queue))
            r = CONTAINING_RECORD(RemoveHeadList(&g_queue), AUTH_REQUEST, Link);
        KeReleaseSpinLock(&g_lock, irql);
        if (r == NULL) {
            if (g_stop)
                break;
            KeWaitForSingleObject(&g_authWake, Executive, KernelMode, FALSE, NULL);
            continue;
        }
        LARGE_INTEGER think;
        think.QuadPart = -(LONGLONG)g_authMs * 10000;
        KeDelayExecutionThread(KernelMode, FALSE, &think); /* the service takes its time */
        if (!r->Aborted && irp != NULL) {
            BOOLEAN deny = g_denyEvery != 0 && ((r->Remote >> 8) & 0xFF) % g_denyEvery == 0;
            if (deny)
                InterlockedIncrement(&g_denied);
            IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
            IoSetCompletionRoutine(irp, SyncDone, &done, TRUE, TRUE, TRUE);
            ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)
                ->WskInspectComplete(g_listen, &r->Id, deny ? WskInspectReject : WskInspectAccept, irp);
            KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        }
        ExFreePoolWithTag(r, ADM_TAG);
    }
    if (irp != NULL)
        IoFreeIrp(irp);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static NTSTATUS Sync(PIRP irp, PKEVENT ev, ULONG_PTR *info)
{
    KeWaitForSingleObject(ev, Executive, KernelMode, FALSE, NULL);
    NTSTATUS st = irp->IoStatus.Status;
    if (info != NULL)
        *info = irp->IoStatus.Information;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, SyncDone, ev, TRUE, TRUE, TRUE);
    return st;
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    KEVENT ev;
    UNREFERENCED_PARAMETER(drv);
    g_stop = TRUE;
    KeSetEvent(&g_authWake, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(g_authThread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(g_authThread);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskCloseSocket(g_listen, irp);
    Sync(irp, &ev, NULL);
    IoFreeIrp(irp);
    DbgPrint("RESULT admission accepted=%d rejected=%d pended=%d denied=%d aborted=%d echoed=%I64d open=%d\n",
             g_accepted, g_rejected, g_pended, g_denied, g_aborted, g_echoed, g_connections);
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg); /* waits until every accepted connection has been closed */
}

static VOID ReadParameters(PUNICODE_STRING path)
{
    RTL_QUERY_REGISTRY_TABLE q[6];
    WCHAR keyBuf[256];
    WCHAR netBuf[32];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    UNICODE_STRING net = {0, sizeof netBuf, netBuf};
    RtlCopyUnicodeString(&key, path);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Port";
    q[0].EntryContext = &g_port;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[1].Name = L"AllowBits";
    q[1].EntryContext = &g_allowBits;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"AuthMs";
    q[2].EntryContext = &g_authMs;
    q[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[3].Name = L"DenyEvery";
    q[3].EntryContext = &g_denyEvery;
    q[4].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[4].Name = L"AllowNet";
    q[4].EntryContext = &net;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    if (net.Length > 0) {
        IN_ADDR a;
        PCWSTR end;
        netBuf[net.Length / sizeof(WCHAR)] = 0;
        if (NT_SUCCESS(RtlIpv4StringToAddressW(netBuf, TRUE, &end, &a)))
            g_allowNet = RtlUlongByteSwap(a.s_addr);
    }
    if (g_allowBits > 32)
        g_allowBits = 32;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WSK_CLIENT_NPI npi = {NULL, &g_clientDispatch};
    WSK_EVENT_CALLBACK_CONTROL statics = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE |
                                                                      WSK_EVENT_DISCONNECT};
    ULONG on = 1;
    ULONG_PTR info = 0;
    HANDLE h;
    KEVENT ev;
    NTSTATUS st;

    ReadParameters(RegistryPath);
    KeInitializeSpinLock(&g_lock);
    InitializeListHead(&g_queue);
    KeInitializeEvent(&g_authWake, SynchronizationEvent, FALSE);
    st = WskRegister(&npi, &g_reg);
    if (!NT_SUCCESS(st))
        return st;
    st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (NT_SUCCESS(st))
        st = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof statics, &statics,
                                              0, NULL, NULL, NULL);
    PIRP irp = NT_SUCCESS(st) ? IoAllocateIrp(1, FALSE) : NULL;
    if (irp != NULL) {
        KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
        IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
        g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET, NULL,
                                  &g_listenDispatch, NULL, NULL, NULL, irp);
        st = Sync(irp, &ev, &info);
        g_listen = (PWSK_SOCKET)info;
        if (NT_SUCCESS(st)) {
            PWSK_PROVIDER_LISTEN_DISPATCH d = (PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch;
            SOCKADDR_IN any = {AF_INET, RtlUshortByteSwap((USHORT)g_port), {{{0}}}, {0}};
            d->WskControlSocket(g_listen, WskSetOption, SO_CONDITIONAL_ACCEPT, SOL_SOCKET, sizeof on, &on, 0, NULL,
                                NULL, irp); /* before bind, as required */
            st = Sync(irp, &ev, NULL);
            if (NT_SUCCESS(st)) {
                d->WskBind(g_listen, (PSOCKADDR)&any, 0, irp);
                st = Sync(irp, &ev, NULL);
            }
        }
        IoFreeIrp(irp);
    } else if (NT_SUCCESS(st)) {
        st = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (NT_SUCCESS(st))
        st = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, AuthService, NULL);
    if (NT_SUCCESS(st)) {
        ObReferenceObjectByHandle(h, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_authThread, NULL);
        ZwClose(h);
    }
    if (!NT_SUCCESS(st)) {
        DbgPrint("admission: setup failed 0x%08x\n", st);
        WskReleaseProviderNPI(&g_reg);
        WskDeregister(&g_reg);
        return st;
    }
    DriverObject->DriverUnload = Unload;
    DbgPrint("admission: listening on port %u, allowing %u.%u.%u.%u/%u, %u ms per decision\n", g_port,
             g_allowNet >> 24, (g_allowNet >> 16) & 0xFF, (g_allowNet >> 8) & 0xFF, g_allowNet & 0xFF, g_allowBits,
             g_authMs);
    return STATUS_SUCCESS;
}
