/* Smoke-test echo server: static accept/receive callbacks, echoes every indication with WskSend. */
#include <ntddk.h>
#include <wsk.h>

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_listen;
static LONG64 g_bytes;
static LONG g_conns;

static NTSTATUS SendDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    PMDL mdl = (PMDL)ctx;
    PVOID buf = MmGetMdlVirtualAddress(mdl);
    if (!NT_SUCCESS(irp->IoStatus.Status))
        DbgPrint("server: send failed 0x%08x\n", irp->IoStatus.Status);
    IoFreeMdl(mdl);
    ExFreePoolWithTag(buf, 'ohcE');
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
    PUCHAR buf = ExAllocatePoolWithTag(NonPagedPoolNx, n, 'ohcE');
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

/* Our side's graceful disconnect finished: now close (a close before that would be abortive). */
static NTSTATUS DisconnectDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    PWSK_SOCKET s = (PWSK_SOCKET)ctx;
    UNREFERENCED_PARAMETER(d);
    DbgPrint("server: disconnect completed 0x%08x\n", irp->IoStatus.Status);
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, CloseDone, NULL, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)->WskCloseSocket(s, irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS WSKAPI OnDisconnect(PVOID ctx, ULONG flags)
{
    PWSK_SOCKET s = (PWSK_SOCKET)ctx;
    DbgPrint("server: disconnect event flags 0x%x\n", flags);
    PIRP irp = IoAllocateIrp(1, FALSE);
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

static NTSTATUS Done(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    if (irp->PendingReturned) /* inline completions are not waited for */
        KeSetEvent((PKEVENT)ev, 0, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    KEVENT ev;
    UNREFERENCED_PARAMETER(drv);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    if (((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskCloseSocket(g_listen, irp) == STATUS_PENDING)
        KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    IoFreeIrp(irp);
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
    DbgPrint("RESULT server connections=%d bytes=%I64d\n", g_conns, g_bytes);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    WSK_EVENT_CALLBACK_CONTROL cb = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT};
    SOCKADDR_IN any = {AF_INET, 0x8813 /* 5000 */, {{{0}}}, {0}};
    KEVENT ev;
    NTSTATUS st;
    UNREFERENCED_PARAMETER(path);
    drv->DriverUnload = Unload;
    st = WskRegister(&npi, &g_reg);
    if (!NT_SUCCESS(st))
        return st;
    st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (!NT_SUCCESS(st))
        return st;
    st = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof cb, &cb, 0, NULL, NULL,
                                          NULL);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    st = g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET, NULL,
                                   &g_listenDisp, NULL, NULL, NULL, irp);
    if (st == STATUS_PENDING)
        KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    if (!NT_SUCCESS(irp->IoStatus.Status))
        return irp->IoStatus.Status;
    g_listen = (PWSK_SOCKET)irp->IoStatus.Information;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    st = ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskBind(g_listen, (PSOCKADDR)&any, 0, irp);
    if (st == STATUS_PENDING)
        KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    st = irp->IoStatus.Status;
    IoFreeIrp(irp);
    DbgPrint("server: listening, bind status 0x%08x\n", st);
    return st;
}
