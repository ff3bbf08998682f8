/*
 * socket_mem.c - memory micro-benchmark driver (wsk-bench-socket). Its phases are set by simulated time so
 * that the benchmark can sample the process's memory between them:
 *   t = 0      register, allocate Irps receive IRPs, connect a socket to its own listener over loopback;
 *   t = 1 s    create and bind Sockets listening sockets (ports 20000, 20001, ...);
 *   t = 2 s    post the Irps receives on the connected socket (they stay pending: nothing is sent);
 *   t = 3 s    close everything (the pending receives complete with STATUS_CANCELLED).
 * Parameters: Sockets (default 10000), Irps (default 10000). Prints "RESULT socket_mem sockets=N
 * cancelled=M" at the end.
 */
#include <ntddk.h>
#include <wsk.h>

#define MEM_TAG 'meMS'

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};
static ULONG g_sockets = 10000, g_irps = 10000;
static PETHREAD g_thread;
static LONG g_created, g_cancelled;

static NTSTATUS SyncDone(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, 0, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Waits for a call made with `irp`, then rearms it for the next one. */
static NTSTATUS Wait(PIRP irp, PKEVENT ev, ULONG_PTR *info)
{
    NTSTATUS st;
    KeWaitForSingleObject(ev, Executive, KernelMode, FALSE, NULL);
    st = irp->IoStatus.Status;
    if (info != NULL)
        *info = irp->IoStatus.Information;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, SyncDone, ev, TRUE, TRUE, TRUE);
    return st;
}

static NTSTATUS ReceiveDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    if (irp->IoStatus.Status == STATUS_CANCELLED)
        InterlockedIncrement(&g_cancelled);
    return STATUS_MORE_PROCESSING_REQUIRED; /* the IRPs are freed by the thread */
}

static VOID SleepUntil(LONGLONG seconds)
{
    LARGE_INTEGER due;
    due.QuadPart = -(seconds * 10000000LL - (LONGLONG)KeQueryInterruptTime());
    if (due.QuadPart < 0)
        KeDelayExecutionThread(KernelMode, FALSE, &due);
}

static PWSK_SOCKET NewSocket(PIRP irp, PKEVENT ev, ULONG flags)
{
    ULONG_PTR info = 0;
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, flags, NULL, NULL, NULL, NULL, NULL,
                              irp);
    return NT_SUCCESS(Wait(irp, ev, &info)) ? (PWSK_SOCKET)info : NULL;
}

static VOID Close(PIRP irp, PKEVENT ev, PWSK_SOCKET s)
{
    if (s == NULL)
        return;
    ((PWSK_PROVIDER_BASIC_DISPATCH)s->Dispatch)->WskCloseSocket(s, irp);
    Wait(irp, ev, NULL);
}

static VOID Worker(PVOID ctx)
{
    KEVENT ev;
    PIRP irp = IoAllocateIrp(1, FALSE);
    PIRP *receives = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(PIRP) * (g_irps ? g_irps : 1), MEM_TAG);
    PWSK_SOCKET *listeners = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(PWSK_SOCKET) * (g_sockets ? g_sockets : 1),
                                             MEM_TAG);
    UCHAR *buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4096, MEM_TAG);
    PMDL mdl = buffer ? IoAllocateMdl(buffer, 4096, FALSE, FALSE, NULL) : NULL;
    PWSK_SOCKET listener = NULL, client = NULL, server = NULL;
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    SOCKADDR_IN loop = {AF_INET, RtlUshortByteSwap(5000), {{{0}}}, {0}};
    ULONG_PTR info = 0;
    ULONG i;
    UNREFERENCED_PARAMETER(ctx);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    if (irp == NULL || receives == NULL || listeners == NULL || mdl == NULL)
        goto out;
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    MmBuildMdlForNonPagedPool(mdl);
    for (i = 0; i < g_irps; i++)
        receives[i] = IoAllocateIrp(1, FALSE);
    /* t = 0: one connection over loopback, accepted with WskAccept */
    listener = NewSocket(irp, &ev, WSK_FLAG_LISTEN_SOCKET);
    client = NewSocket(irp, &ev, WSK_FLAG_CONNECTION_SOCKET);
    if (listener == NULL || client == NULL)
        goto out;
    loop.sin_addr.S_un.S_un_b.s_b1 = 127;
    loop.sin_addr.S_un.S_un_b.s_b4 = 1;
    any.sin_port = RtlUshortByteSwap(5000);
    ((PWSK_PROVIDER_LISTEN_DISPATCH)listener->Dispatch)->WskBind(listener, (PSOCKADDR)&any, 0, irp);
    Wait(irp, &ev, NULL);
    any.sin_port = 0;
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)client->Dispatch)->WskBind(client, (PSOCKADDR)&any, 0, irp);
    Wait(irp, &ev, NULL);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)client->Dispatch)->WskConnect(client, (PSOCKADDR)&loop, 0, irp);
    Wait(irp, &ev, NULL);
    ((PWSK_PROVIDER_LISTEN_DISPATCH)listener->Dispatch)->WskAccept(listener, 0, NULL, NULL, NULL, NULL, irp);
    if (NT_SUCCESS(Wait(irp, &ev, &info)))
        server = (PWSK_SOCKET)info;
    /* t = 1 s: bound listening sockets */
    SleepUntil(1);
    for (i = 0; i < g_sockets; i++) {
        listeners[i] = NewSocket(irp, &ev, WSK_FLAG_LISTEN_SOCKET);
        if (listeners[i] == NULL)
            continue;
        any.sin_port = RtlUshortByteSwap((USHORT)(20000 + i % 40000));
        ((PWSK_PROVIDER_LISTEN_DISPATCH)listeners[i]->Dispatch)->WskBind(listeners[i], (PSOCKADDR)&any, 0, irp);
        if (NT_SUCCESS(Wait(irp, &ev, NULL)))
            g_created++;
    }
    /* t = 2 s: pending receives */
    SleepUntil(2);
    for (i = 0; i < g_irps && server != NULL; i++) {
        WSK_BUF wb = {mdl, 0, 4096};
        IoSetCompletionRoutine(receives[i], ReceiveDone, NULL, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_CONNECTION_DISPATCH)server->Dispatch)->WskReceive(server, &wb, 0, receives[i]);
    }
    /* t = 3 s: closing cancels the receives */
    SleepUntil(3);
    Close(irp, &ev, server);
    Close(irp, &ev, client);
    Close(irp, &ev, listener);
    for (i = 0; i < g_sockets; i++)
        Close(irp, &ev, listeners[i]);
out:
    DbgPrint("RESULT socket_mem sockets=%d cancelled=%d\n", g_created, g_cancelled);
    for (i = 0; receives != NULL && i < g_irps; i++)
        if (receives[i] != NULL)
            IoFreeIrp(receives[i]);
    if (mdl != NULL)
        IoFreeMdl(mdl);
    if (buffer != NULL)
        ExFreePoolWithTag(buffer, MEM_TAG);
    if (listeners != NULL)
        ExFreePoolWithTag(listeners, MEM_TAG);
    if (receives != NULL)
        ExFreePoolWithTag(receives, MEM_TAG);
    if (irp != NULL)
        IoFreeIrp(irp);
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
    RTL_QUERY_REGISTRY_TABLE q[3];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    HANDLE h;
    NTSTATUS st;
    RtlCopyUnicodeString(&key, path);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Sockets";
    q[0].EntryContext = &g_sockets;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[1].Name = L"Irps";
    q[1].EntryContext = &g_irps;
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
