/*
 * scn_echo_server.c - echo server for scenarios and labs, receiving in one of two ways (Parameters):
 *   Mode=event (default)  WskAcceptEvent + WskReceiveEvent: echoes from the receive callback (DISPATCH_LEVEL)
 *   Mode=irp              a system thread accepts with WskAccept IRPs; one thread per connection loops on
 *                         WskReceive (waits on the IRP's completion) and echoes with WskSend (not waited for)
 *   Callbacks=static (default) | socket   (Mode=event) how the events are enabled: static callbacks
 *                         (WSK_SET_STATIC_EVENT_CALLBACKS, before the first socket) or SO_WSK_EVENT_CALLBACK on
 *                         the listening socket (the accepted sockets inherit receive/disconnect)
 *   Port (5000)
 * At unload prints: RESULT server mode=event|irp callbacks=static|socket connections=N bytes=B
 */
#include <ntddk.h>
#include <wsk.h>

#define TAG 'sEcS'
#define IRP_BUF 65536

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_listen;
static LONG64 g_bytes;
static LONG g_conns;
static LONG g_workers;           /* IRP mode: connection threads still running */
static KEVENT g_noWorkers;       /* IRP mode: signalled when g_workers drops to 0 */
static PETHREAD g_acceptThread;
static ULONG g_port = 5000;
static BOOLEAN g_irpMode, g_socketCallbacks;
static WCHAR g_modeText[16] = L"event", g_cbText[16] = L"static";

/* ---- event mode ---- */

static NTSTATUS SendDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    PMDL mdl = (PMDL)ctx;
    PVOID buf = MmGetMdlVirtualAddress(mdl);
    IoFreeMdl(mdl);
    ExFreePoolWithTag(buf, TAG);
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS WSKAPI OnReceive(PVOID ctx, ULONG flags, PWSK_DATA_INDICATION ind, SIZE_T n, SIZE_T *accepted)
{
    PWSK_SOCKET s = (PWSK_SOCKET)ctx;
    UNREFERENCED_PARAMETER(flags);
    UNREFERENCED_PARAMETER(accepted);
    if (ind == NULL)
        return STATUS_SUCCESS;
    PUCHAR buf = ExAllocatePoolWithTag(NonPagedPoolNx, n, TAG);
    if (buf == NULL)
        return STATUS_DATA_NOT_ACCEPTED;
    SIZE_T off = 0;
    for (PWSK_DATA_INDICATION i = ind; i; i = i->Next) {
        SIZE_T left = i->Buffer.Length, o = i->Buffer.Offset;
        for (PMDL m = i->Buffer.Mdl; m && left; m = m->Next, o = 0) {
            SIZE_T k = min(left, MmGetMdlByteCount(m) - o);
            RtlCopyMemory(buf + off, (PUCHAR)MmGetSystemAddressForMdlSafe(m, NormalPagePriority) + o, k);
            off += k;
            left -= k;
        }
    }
    PMDL mdl = IoAllocateMdl(buf, (ULONG)n, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(mdl);
    WSK_BUF wb = {mdl, 0, n};
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SendDone, mdl, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskSend(s, &wb, 0, irp);
    g_bytes += (LONG64)n;
    return STATUS_SUCCESS;
}

static NTSTATUS CloseDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

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
    if (flags & WSK_FLAG_ABORTIVE) {
        IoSetCompletionRoutine(irp, CloseDone, NULL, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskCloseSocket(s, irp);
        return STATUS_SUCCESS;
    }
    IoSetCompletionRoutine(irp, DisconnectDone, s, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskDisconnect(s, NULL, 0, irp);
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_CONNECTION_DISPATCH g_conn = {OnReceive, OnDisconnect, NULL};

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
    *disp = &g_conn;
    g_conns++;
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_LISTEN_DISPATCH g_listenDisp = {OnAccept, NULL, NULL};
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

/* ---- shared: synchronous IRP pattern ---- */

static NTSTATUS Done(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS Wait(PIRP irp, PKEVENT ev, ULONG_PTR *info)
{
    KeWaitForSingleObject(ev, Executive, KernelMode, FALSE, NULL);
    NTSTATUS st = irp->IoStatus.Status;
    if (info != NULL)
        *info = irp->IoStatus.Information;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, Done, ev, TRUE, TRUE, TRUE);
    return st;
}

/* ---- IRP mode ---- */

static VOID ConnectionThread(PVOID ctx)
{
    PWSK_SOCKET s = (PWSK_SOCKET)ctx;
    PWSK_PROVIDER_CONNECTION_DISPATCH d = (PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch;
    KEVENT ev;
    ULONG_PTR info = 0;
    PUCHAR buf = ExAllocatePoolWithTag(NonPagedPoolNx, IRP_BUF, TAG);
    PMDL mdl = buf ? IoAllocateMdl(buf, IRP_BUF, FALSE, FALSE, NULL) : NULL;
    PIRP irp = IoAllocateIrp(1, FALSE);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    if (mdl != NULL) {
        MmBuildMdlForNonPagedPool(mdl);
        for (;;) {
            WSK_BUF rb = {mdl, 0, IRP_BUF};
            d->WskReceive(s, &rb, 0, irp);
            if (!NT_SUCCESS(Wait(irp, &ev, &info)) || info == 0)
                break;
            g_bytes += (LONG64)info;
            /* echo without waiting for the send to complete (as the event path does): waiting would leave no
             * receive posted while the peer delays its ACK */
            PUCHAR copy = ExAllocatePoolWithTag(NonPagedPoolNx, info, TAG);
            if (copy == NULL)
                break;
            RtlCopyMemory(copy, buf, info);
            PMDL cm = IoAllocateMdl(copy, (ULONG)info, FALSE, FALSE, NULL);
            MmBuildMdlForNonPagedPool(cm);
            WSK_BUF tb = {cm, 0, info};
            PIRP sirp = IoAllocateIrp(1, FALSE);
            IoSetCompletionRoutine(sirp, SendDone, cm, TRUE, TRUE, TRUE);
            d->WskSend(s, &tb, 0, sirp);
        }
        d->WskDisconnect(s, NULL, 0, irp);
        Wait(irp, &ev, NULL);
        IoFreeMdl(mdl);
    }
    d->WskCloseSocket(s, irp);
    Wait(irp, &ev, NULL);
    IoFreeIrp(irp);
    if (buf != NULL)
        ExFreePoolWithTag(buf, TAG);
    if (InterlockedDecrement(&g_workers) == 0)
        KeSetEvent(&g_noWorkers, IO_NO_INCREMENT, FALSE);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID AcceptThread(PVOID ctx)
{
    KEVENT ev;
    ULONG_PTR info = 0;
    PIRP irp = IoAllocateIrp(1, FALSE);
    UNREFERENCED_PARAMETER(ctx);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    for (;;) {
        ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskAccept(g_listen, 0, NULL, NULL, NULL, NULL, irp);
        if (!NT_SUCCESS(Wait(irp, &ev, &info)))
            break; /* the listening socket was closed: STATUS_CANCELLED */
        HANDLE h;
        g_conns++;
        InterlockedIncrement(&g_workers);
        KeClearEvent(&g_noWorkers);
        if (NT_SUCCESS(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, ConnectionThread, (PVOID)info)))
            ZwClose(h);
        else if (InterlockedDecrement(&g_workers) == 0)
            KeSetEvent(&g_noWorkers, IO_NO_INCREMENT, FALSE);
    }
    IoFreeIrp(irp);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    KEVENT ev;
    UNREFERENCED_PARAMETER(drv);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskCloseSocket(g_listen, irp);
    Wait(irp, &ev, NULL);
    IoFreeIrp(irp);
    if (g_acceptThread != NULL) {
        KeWaitForSingleObject(g_acceptThread, Executive, KernelMode, FALSE, NULL);
        ObDereferenceObject(g_acceptThread);
        KeWaitForSingleObject(&g_noWorkers, Executive, KernelMode, FALSE, NULL);
    }
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
    DbgPrint("RESULT server mode=%ws callbacks=%ws connections=%d bytes=%I64d\n", g_irpMode ? L"irp" : L"event",
             g_irpMode ? L"none" : (g_socketCallbacks ? L"socket" : L"static"), g_conns, g_bytes);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    WSK_EVENT_CALLBACK_CONTROL cb = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT};
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    RTL_QUERY_REGISTRY_TABLE q[4];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    UNICODE_STRING mode = {0, sizeof g_modeText - sizeof(WCHAR), g_modeText};
    UNICODE_STRING cbs = {0, sizeof g_cbText - sizeof(WCHAR), g_cbText};
    UNICODE_STRING irpWord, socketWord;
    KEVENT ev;
    NTSTATUS st;
    ULONG_PTR info = 0;
    mode.Length = (USHORT)(wcslen(g_modeText) * sizeof(WCHAR));
    cbs.Length = (USHORT)(wcslen(g_cbText) * sizeof(WCHAR));
    RtlCopyUnicodeString(&key, path);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Port";
    q[0].EntryContext = &g_port;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[1].Name = L"Mode";
    q[1].EntryContext = &mode;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"Callbacks";
    q[2].EntryContext = &cbs;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    RtlInitUnicodeString(&irpWord, L"irp");
    RtlInitUnicodeString(&socketWord, L"socket");
    g_irpMode = RtlEqualUnicodeString(&mode, &irpWord, TRUE);
    g_socketCallbacks = !g_irpMode && RtlEqualUnicodeString(&cbs, &socketWord, TRUE);
    any.sin_port = RtlUshortByteSwap((USHORT)g_port);
    KeInitializeEvent(&g_noWorkers, NotificationEvent, TRUE);

    drv->DriverUnload = Unload;
    st = WskRegister(&npi, &g_reg);
    if (!NT_SUCCESS(st))
        return st;
    st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (!NT_SUCCESS(st))
        return st;
    if (!g_irpMode && !g_socketCallbacks) {
        st = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof cb, &cb, 0, NULL,
                                              NULL, NULL);
        if (!NT_SUCCESS(st))
            return st;
    }
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET, NULL,
                              g_irpMode ? NULL : &g_listenDisp, NULL, NULL, NULL, irp);
    st = Wait(irp, &ev, &info);
    if (!NT_SUCCESS(st)) {
        IoFreeIrp(irp);
        return st;
    }
    g_listen = (PWSK_SOCKET)info;
    ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskBind(g_listen, (PSOCKADDR)&any, 0, irp);
    st = Wait(irp, &ev, NULL);
    if (NT_SUCCESS(st) && g_socketCallbacks) {
        ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskControlSocket(
            g_listen, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET, sizeof cb, &cb, 0, NULL, NULL, irp);
        st = Wait(irp, &ev, NULL);
    }
    IoFreeIrp(irp);
    if (NT_SUCCESS(st) && g_irpMode) {
        HANDLE h;
        st = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, AcceptThread, NULL);
        if (NT_SUCCESS(st)) {
            ObReferenceObjectByHandle(h, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_acceptThread, NULL);
            ZwClose(h);
        }
    }
    DbgPrint("server: listening on port %lu, mode %ws, status 0x%08x\n", g_port, g_irpMode ? L"irp" : L"event", st);
    return st;
}
