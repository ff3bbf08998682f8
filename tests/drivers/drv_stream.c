/*
 * Stream sockets (WSK_FLAG_STREAM_SOCKET): Role=server binds, commits with WskListen and accepts with a
 * WskAccept IRP, then receives with WskReceive and echoes; Role=client binds, commits with WskConnect and
 * exchanges a message. Both probe the flow rules (a call of the other flow -> STATUS_INVALID_DEVICE_STATE).
 */
#include <ntddk.h>
#include <wsk.h>

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static ULONG g_role; /* 0 server, 1 client */
static PETHREAD g_thread;
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};
static const WSK_CLIENT_STREAM_DISPATCH g_streamTables = {NULL, NULL};

static NTSTATUS Done(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, 0, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS Call(PIRP irp, PKEVENT ev, ULONG_PTR *info)
{
    KeWaitForSingleObject(ev, Executive, KernelMode, FALSE, NULL);
    NTSTATUS st = irp->IoStatus.Status;
    if (info)
        *info = irp->IoStatus.Information;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, Done, ev, TRUE, TRUE, TRUE);
    return st;
}

static VOID Worker(PVOID ctx)
{
    KEVENT ev;
    ULONG_PTR info = 0;
    UCHAR buf[64];
    PMDL mdl = IoAllocateMdl(buf, sizeof buf, FALSE, FALSE, NULL);
    SOCKADDR_IN local = {AF_INET, g_role ? 0 : RtlUshortByteSwap(8000), {{{0}}}, {0}};
    SOCKADDR_IN srv = {AF_INET, RtlUshortByteSwap(8000), {{{10, 1, 1, 2}}}, {0}};
    PWSK_SOCKET s, a;
    NTSTATUS st;
    UNREFERENCED_PARAMETER(ctx);
    MmBuildMdlForNonPagedPool(mdl);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_STREAM_SOCKET, NULL,
                              &g_streamTables, NULL, NULL, NULL, irp);
    st = Call(irp, &ev, &info);
    s = (PWSK_SOCKET)info;
    PWSK_PROVIDER_STREAM_DISPATCH d = (PWSK_PROVIDER_STREAM_DISPATCH)s->Dispatch;
    DbgPrint("stream: WskSocket 0x%08x\n", st);
    d->WskListen(s, irp);
    DbgPrint("stream: WskListen before bind 0x%08x\n", Call(irp, &ev, NULL));
    d->WskBind(s, (PSOCKADDR)&local, 0, irp);
    DbgPrint("stream: WskBind 0x%08x\n", Call(irp, &ev, NULL));
    WSK_BUF wb = {mdl, 0, sizeof buf};
    if (g_role == 0) {
        d->WskListen(s, irp);
        DbgPrint("stream: WskListen 0x%08x\n", Call(irp, &ev, NULL));
        d->WskSend(s, &wb, 0, irp);
        DbgPrint("stream: WskSend on listener 0x%08x\n", Call(irp, &ev, NULL));
        d->WskAccept(s, 0, NULL, NULL, NULL, NULL, irp);
        st = Call(irp, &ev, &info);
        a = (PWSK_SOCKET)info;
        /* an accepted socket is connection-oriented ("WSK_SOCKET structure"): not the listener's stream table */
        DbgPrint("stream: WskAccept 0x%08x same-table=%d\n", st, a != NULL && a->Dispatch == s->Dispatch);
        PWSK_PROVIDER_CONNECTION_DISPATCH ad = (PWSK_PROVIDER_CONNECTION_DISPATCH)a->Dispatch;
        ad->WskReceive(a, &wb, 0, irp);
        st = Call(irp, &ev, &info);
        DbgPrint("stream: WskReceive 0x%08x %Iu bytes '%s'\n", st, info, (char *)buf);
        wb.Length = info;
        ad->WskSend(a, &wb, 0, irp);
        DbgPrint("stream: echo WskSend 0x%08x\n", Call(irp, &ev, NULL));
        ad->WskReceive(a, &wb, 0, irp); /* the peer's FIN: 0 bytes */
        st = Call(irp, &ev, &info);
        DbgPrint("stream: final WskReceive 0x%08x %Iu bytes\n", st, info);
        ad->WskDisconnect(a, NULL, 0, irp);
        Call(irp, &ev, NULL);
        ad->WskCloseSocket(a, irp);
        Call(irp, &ev, NULL);
    } else {
        d->WskConnect(s, (PSOCKADDR)&srv, 0, irp);
        DbgPrint("stream: WskConnect 0x%08x\n", Call(irp, &ev, NULL));
        d->WskListen(s, irp);
        DbgPrint("stream: WskListen after connect 0x%08x\n", Call(irp, &ev, NULL));
        RtlCopyMemory(buf, "hello stream", 13);
        wb.Length = 13;
        d->WskSend(s, &wb, 0, irp);
        DbgPrint("stream: WskSend 0x%08x\n", Call(irp, &ev, NULL));
        d->WskDisconnect(s, NULL, 0, irp);
        DbgPrint("stream: WskDisconnect 0x%08x\n", Call(irp, &ev, NULL));
        RtlZeroMemory(buf, sizeof buf);
        wb.Length = sizeof buf;
        d->WskReceive(s, &wb, WSK_FLAG_WAITALL, irp);
        /* the IRP is pending in WskReceive: passing it again is misuse, diagnosed and refused */
        SOCKADDR_IN me;
        st = d->WskGetLocalAddress(s, (PSOCKADDR)&me, irp);
        DbgPrint("stream: IRP reused while pending 0x%08x\n", st);
        /* WAITALL with a 64-byte buffer completes when the peer closes after echoing 13 bytes */
        st = Call(irp, &ev, &info);
        DbgPrint("stream: WskReceive 0x%08x %Iu bytes '%s'\n", st, info, (char *)buf);
    }
    d->WskCloseSocket(s, irp);
    Call(irp, &ev, NULL);
    IoFreeIrp(irp);
    IoFreeMdl(mdl);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
    KeWaitForSingleObject(g_thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(g_thread);
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    RTL_QUERY_REGISTRY_TABLE q[2];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    HANDLE h;
    NTSTATUS st;
    RtlCopyUnicodeString(&key, path);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Role";
    q[0].EntryContext = &g_role;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    drv->DriverUnload = Unload;
    st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (NT_SUCCESS(st))
        st = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, Worker, NULL);
    if (!NT_SUCCESS(st))
        return st;
    ObReferenceObjectByHandle(h, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_thread, NULL);
    ZwClose(h);
    return STATUS_SUCCESS;
}
