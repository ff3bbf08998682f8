/*
 * scn_echo_client.c - request/response client for scenarios and labs. From a system thread it connects to
 * Server:Port and does Count rounds of "send Chunk bytes, receive the Chunk-byte echo" (IRPs + KEVENT
 * waits), IntervalMs apart, then disconnects gracefully. Parameters (all optional):
 *   Server (REG_SZ, 10.1.1.2), Port (5000), Count (10), Chunk (1024), IntervalMs (0)
 * Prints: RESULT client received=N verified=yes|no elapsed_us=E rounds=R rtt_p50_ns=A rtt_p99_ns=B rtt_max_ns=C
 * (round-trip times measured with KeQueryInterruptTime: 100 ns resolution).
 */
#include <ntddk.h>
#include <wsk.h>
#include <ip2string.h>

#define TAG 'cEcS'
#define MAX_ROUNDS 100000

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PETHREAD g_thread;
static ULONG g_port = 5000, g_count = 10, g_chunk = 1024, g_interval = 0;
static WCHAR g_server[64] = L"10.1.1.2";
static const WSK_CLIENT_DISPATCH g_clientDispatch = {MAKE_WSK_VERSION(1, 0), 0, NULL};

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

/* insertion sort is enough for the sizes used (a few thousand rounds) */
static VOID Sort(PULONGLONG v, ULONG n)
{
    for (ULONG i = 1; i < n; i++) {
        ULONGLONG x = v[i];
        ULONG j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static VOID Worker(PVOID ctx)
{
    KEVENT ev;
    ULONG_PTR info = 0;
    NTSTATUS st = STATUS_UNSUCCESSFUL;
    SIZE_T total = 0;
    BOOLEAN ok = TRUE;
    ULONG rounds = 0;
    PCWSTR end;
    LARGE_INTEGER t0 = {0}, t1 = {0};
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    SOCKADDR_IN srv = {AF_INET, RtlUshortByteSwap((USHORT)g_port), {{{0}}}, {0}};
    PUCHAR tx = ExAllocatePoolWithTag(NonPagedPoolNx, g_chunk, TAG);
    PUCHAR rx = ExAllocatePoolZero(NonPagedPoolNx, g_chunk, TAG);
    PULONGLONG rtt = ExAllocatePoolZero(NonPagedPoolNx, sizeof(ULONGLONG) * g_count, TAG);
    PIRP irp = IoAllocateIrp(1, FALSE);
    PWSK_SOCKET s = NULL;
    UNREFERENCED_PARAMETER(ctx);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    if (tx == NULL || rx == NULL || rtt == NULL || irp == NULL) {
        DbgPrint("client: out of memory\n");
        goto out;
    }
    if (!NT_SUCCESS(RtlIpv4StringToAddressW(g_server, TRUE, &end, &srv.sin_addr))) {
        DbgPrint("client: Server=%ws is not an IPv4 address\n", g_server);
        goto out;
    }
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET, NULL,
                              NULL, NULL, NULL, NULL, irp);
    st = Wait(irp, &ev, &info);
    if (!NT_SUCCESS(st))
        goto out;
    s = (PWSK_SOCKET)info;
    PWSK_PROVIDER_CONNECTION_DISPATCH d = (PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch;
    d->WskBind(s, (PSOCKADDR)&any, 0, irp);
    Wait(irp, &ev, NULL);
    KeQuerySystemTime(&t0);
    d->WskConnect(s, (PSOCKADDR)&srv, 0, irp);
    st = Wait(irp, &ev, NULL);
    if (!NT_SUCCESS(st)) {
        DbgPrint("client: connect to %ws:%lu failed 0x%08x\n", g_server, g_port, st);
    } else {
        PMDL txm = IoAllocateMdl(tx, g_chunk, FALSE, FALSE, NULL);
        PMDL rxm = IoAllocateMdl(rx, g_chunk, FALSE, FALSE, NULL);
        MmBuildMdlForNonPagedPool(txm);
        MmBuildMdlForNonPagedPool(rxm);
        for (rounds = 0; rounds < g_count; rounds++) {
            for (ULONG i = 0; i < g_chunk; i++)
                tx[i] = (UCHAR)(i * 13 + 7 + rounds);
            ULONGLONG a = KeQueryInterruptTime();
            WSK_BUF tb = {txm, 0, g_chunk};
            d->WskSend(s, &tb, 0, irp);
            if (!NT_SUCCESS(st = Wait(irp, &ev, NULL)))
                break;
            WSK_BUF rb = {rxm, 0, g_chunk};
            d->WskReceive(s, &rb, WSK_FLAG_WAITALL, irp);
            if (!NT_SUCCESS(st = Wait(irp, &ev, &info)) || info != g_chunk)
                break;
            rtt[rounds] = (KeQueryInterruptTime() - a) * 100;
            total += info;
            if (RtlCompareMemory(tx, rx, g_chunk) != g_chunk)
                ok = FALSE;
            if (g_interval) {
                LARGE_INTEGER due;
                due.QuadPart = -(LONGLONG)g_interval * 10000;
                KeDelayExecutionThread(KernelMode, FALSE, &due);
            }
        }
        KeQuerySystemTime(&t1);
        d->WskDisconnect(s, NULL, 0, irp);
        Wait(irp, &ev, NULL);
        IoFreeMdl(txm);
        IoFreeMdl(rxm);
    }
    d->WskCloseSocket(s, irp);
    Wait(irp, &ev, NULL);
out:
    if (rounds < g_count)
        ok = FALSE;
    if (rtt != NULL && rounds > 0) {
        Sort(rtt, rounds);
        DbgPrint("RESULT client received=%Iu verified=%s elapsed_us=%I64d rounds=%lu rtt_p50_ns=%I64u "
                 "rtt_p99_ns=%I64u rtt_max_ns=%I64u\n", total, ok ? "yes" : "no",
                 (t1.QuadPart - t0.QuadPart) / 10, rounds, rtt[(rounds - 1) / 2], rtt[(rounds * 99 - 1) / 100],
                 rtt[rounds - 1]);
    } else {
        DbgPrint("RESULT client received=%Iu verified=no elapsed_us=0 rounds=0 status=0x%08x\n", total, st);
    }
    if (irp != NULL)
        IoFreeIrp(irp);
    if (tx != NULL)
        ExFreePoolWithTag(tx, TAG);
    if (rx != NULL)
        ExFreePoolWithTag(rx, TAG);
    if (rtt != NULL)
        ExFreePoolWithTag(rtt, TAG);
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

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WSK_CLIENT_NPI npi = {NULL, &g_clientDispatch};
    RTL_QUERY_REGISTRY_TABLE q[6];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    UNICODE_STRING server = {0, sizeof g_server - sizeof(WCHAR), g_server};
    HANDLE h;
    NTSTATUS st;
    server.Length = (USHORT)(wcslen(g_server) * sizeof(WCHAR));
    RtlCopyUnicodeString(&key, RegistryPath);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Port";
    q[0].EntryContext = &g_port;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[1].Name = L"Count";
    q[1].EntryContext = &g_count;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"Chunk";
    q[2].EntryContext = &g_chunk;
    q[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[3].Name = L"IntervalMs";
    q[3].EntryContext = &g_interval;
    q[4].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[4].Name = L"Server";
    q[4].EntryContext = &server;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    g_server[server.Length / sizeof(WCHAR)] = 0;
    if (g_chunk == 0)
        g_chunk = 1;
    if (g_count == 0 || g_count > MAX_ROUNDS)
        g_count = g_count ? MAX_ROUNDS : 1;
    st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (NT_SUCCESS(st))
        st = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, Worker, NULL);
    if (!NT_SUCCESS(st))
        return st;
    ObReferenceObjectByHandle(h, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_thread, NULL);
    ZwClose(h);
    DriverObject->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
