/* Smoke-test client: a system thread does socket/bind/connect/send/receive/disconnect/close with IRPs and
 * KEVENT waits, verifying the echoed bytes. */
#include <ntddk.h>
#include <wsk.h>

#define TOTAL (200 * 1024)
static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PETHREAD g_thread;
static UCHAR g_tx[TOTAL];
static UCHAR g_rx[TOTAL];
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS Done(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    if (irp->PendingReturned) /* inline completions are not waited for */
        KeSetEvent((PKEVENT)ev, 0, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS Wait(NTSTATUS st, PIRP irp, PKEVENT ev)
{
    if (st == STATUS_PENDING) {
        KeWaitForSingleObject(ev, Executive, KernelMode, FALSE, NULL);
        st = irp->IoStatus.Status;
    }
    return st;
}

#define REARM() (IoReuseIrp(irp, STATUS_UNSUCCESSFUL), IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE))

static VOID Worker(PVOID ctx)
{
    KEVENT ev;
    NTSTATUS st;
    PWSK_SOCKET s;
#ifdef SMOKE_IPV6
    SOCKADDR_IN6 any = {AF_INET6, 0, 0, IN6ADDR_ANY_INIT, {0}};
    SOCKADDR_IN6 srv = {AF_INET6, 0x479c /* 40007 */, 0, {{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}}}, {0}};
#define SMOKE_FAMILY AF_INET6
#else
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    SOCKADDR_IN srv = {AF_INET, 0x8813, {{{10, 1, 1, 2}}}, {0}};
#define SMOKE_FAMILY AF_INET
#endif
    SIZE_T got = 0;
    LARGE_INTEGER t0, t1;
    UNREFERENCED_PARAMETER(ctx);
    for (ULONG i = 0; i < TOTAL; i++)
        g_tx[i] = (UCHAR)(i * 7 + 3);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    REARM();
    st = Wait(g_npi.Dispatch->WskSocket(g_npi.Client, SMOKE_FAMILY, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET,
                                        NULL, NULL, NULL, NULL, NULL, irp), irp, &ev);
    DbgPrint("client: WskSocket 0x%08x\n", st);
    s = (PWSK_SOCKET)irp->IoStatus.Information;
    PWSK_PROVIDER_CONNECTION_DISPATCH d = (PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch;
    REARM();
    st = Wait(d->WskBind(s, (PSOCKADDR)&any, 0, irp), irp, &ev);
    DbgPrint("client: WskBind 0x%08x\n", st);
    KeQuerySystemTime(&t0);
    REARM();
    st = Wait(d->WskConnect(s, (PSOCKADDR)&srv, 0, irp), irp, &ev);
    DbgPrint("client: WskConnect 0x%08x\n", st);
    PMDL txm = IoAllocateMdl(g_tx, TOTAL, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(txm);
    PMDL rxm = IoAllocateMdl(g_rx, TOTAL, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(rxm);
    WSK_BUF tb = {txm, 0, TOTAL};
    REARM();
    st = Wait(d->WskSend(s, &tb, 0, irp), irp, &ev);
    DbgPrint("client: WskSend 0x%08x info %Iu\n", st, irp->IoStatus.Information);
    while (got < TOTAL) {
        WSK_BUF rb = {rxm, (ULONG)got, TOTAL - got};
        REARM();
        st = Wait(d->WskReceive(s, &rb, 0, irp), irp, &ev);
        if (!NT_SUCCESS(st) || irp->IoStatus.Information == 0) {
            DbgPrint("client: WskReceive 0x%08x after %Iu bytes\n", st, got);
            break;
        }
        got += irp->IoStatus.Information;
    }
    KeQuerySystemTime(&t1);
    REARM();
    st = Wait(d->WskDisconnect(s, NULL, 0, irp), irp, &ev);
    DbgPrint("client: WskDisconnect 0x%08x\n", st);
    REARM();
    st = Wait(d->WskCloseSocket(s, irp), irp, &ev);
    DbgPrint("client: WskCloseSocket 0x%08x\n", st);
    IoFreeIrp(irp);
    IoFreeMdl(txm);
    IoFreeMdl(rxm);
    DbgPrint("RESULT client received=%Iu verified=%s elapsed_us=%I64d\n", got,
             RtlCompareMemory(g_tx, g_rx, TOTAL) == TOTAL ? "yes" : "no", (t1.QuadPart - t0.QuadPart) / 10);
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
    HANDLE h;
    NTSTATUS st;
    UNREFERENCED_PARAMETER(path);
    drv->DriverUnload = Unload;
    st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (!NT_SUCCESS(st))
        return st;
    st = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, Worker, NULL);
    if (!NT_SUCCESS(st))
        return st;
    ObReferenceObjectByHandle(h, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_thread, NULL);
    ZwClose(h);
    return STATUS_SUCCESS;
}
