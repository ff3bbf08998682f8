/*
 * bulk_sender.c - benchmark TCP source: connects to Server:Port and sends Bytes bytes from a completion-
 * driven pipeline that keeps Depth (default 4) WskSend IRPs of Chunk bytes (default 65536) outstanding,
 * then disconnects gracefully. Everything runs from completion routines (no thread after DriverEntry).
 */
#include <ntddk.h>
#include <wsk.h>
#include <ip2string.h>

#define MAX_DEPTH 16

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_sock;
static ULONG g_port = 9, g_chunk = 65536, g_depth = 4, g_bytesParam = 1000000;
static ULONG64 g_total, g_queued, g_done;
static PUCHAR g_buf;
static PMDL g_mdl;
static PIRP g_irps[MAX_DEPTH];
static PIRP g_ctl;
static LARGE_INTEGER g_start;
static WCHAR g_server[64] = L"10.1.1.2";
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS SendDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx);

static VOID Finish(VOID)
{
    LARGE_INTEGER now;
    KeQuerySystemTime(&now);
    DbgPrint("RESULT sender bytes=%I64u elapsed_us=%I64d\n", g_done, (now.QuadPart - g_start.QuadPart) / 10);
}

static NTSTATUS DisconnectDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    UNREFERENCED_PARAMETER(ctx);
    Finish();
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID SendNext(PIRP irp)
{
    if (g_queued >= g_total)
        return;
    ULONG n = (ULONG)min((ULONG64)g_chunk, g_total - g_queued);
    WSK_BUF wb = {g_mdl, 0, n};
    g_queued += n;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, SendDone, NULL, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)g_sock->Dispatch)->WskSend(g_sock, &wb, 0, irp);
}

static NTSTATUS SendDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    if (!NT_SUCCESS(irp->IoStatus.Status)) {
        DbgPrint("sender: send failed 0x%08x\n", irp->IoStatus.Status);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    g_done += irp->IoStatus.Information;
    if (g_done >= g_total) {
        IoReuseIrp(g_ctl, STATUS_UNSUCCESSFUL);
        IoSetCompletionRoutine(g_ctl, DisconnectDone, NULL, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_CONNECTION_DISPATCH)g_sock->Dispatch)->WskDisconnect(g_sock, NULL, 0, g_ctl);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    SendNext(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS ConnectDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    if (!NT_SUCCESS(irp->IoStatus.Status)) {
        DbgPrint("sender: connect failed 0x%08x\n", irp->IoStatus.Status);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    KeQuerySystemTime(&g_start);
    for (ULONG i = 0; i < g_depth; i++)
        SendNext(g_irps[i]);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

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
    UNREFERENCED_PARAMETER(drv);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoReuseIrp(g_ctl, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(g_ctl, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)g_sock->Dispatch)->WskCloseSocket(g_sock, g_ctl);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    IoFreeIrp(g_ctl);
    for (ULONG i = 0; i < g_depth; i++)
        IoFreeIrp(g_irps[i]);
    IoFreeMdl(g_mdl);
    ExFreePoolWithTag(g_buf, 'kluB');
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    RTL_QUERY_REGISTRY_TABLE q[6];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    UNICODE_STRING server = {0, sizeof g_server - sizeof(WCHAR), g_server};
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    SOCKADDR_IN srv = {AF_INET, 0, {{{0}}}, {0}};
    PCWSTR end;
    KEVENT ev;
    NTSTATUS st;
    RtlCopyUnicodeString(&key, path);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Port";
    q[0].EntryContext = &g_port;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[1].Name = L"Bytes";
    q[1].EntryContext = &g_bytesParam;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"Chunk";
    q[2].EntryContext = &g_chunk;
    q[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[3].Name = L"Depth";
    q[3].EntryContext = &g_depth;
    q[4].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[4].Name = L"Server";
    q[4].EntryContext = &server;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    g_server[server.Length / sizeof(WCHAR)] = 0;
    g_total = g_bytesParam;
    if (g_depth == 0 || g_depth > MAX_DEPTH)
        g_depth = 4;
    if (!NT_SUCCESS(RtlIpv4StringToAddressW(g_server, TRUE, &end, &srv.sin_addr)))
        return STATUS_INVALID_PARAMETER;
    srv.sin_port = RtlUshortByteSwap((USHORT)g_port);
    drv->DriverUnload = Unload;
    g_buf = ExAllocatePoolZero(NonPagedPoolNx, g_chunk, 'kluB');
    g_mdl = IoAllocateMdl(g_buf, g_chunk, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(g_mdl);
    for (ULONG i = 0; i < g_depth; i++)
        g_irps[i] = IoAllocateIrp(1, FALSE);
    g_ctl = IoAllocateIrp(1, FALSE);
    st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    IoSetCompletionRoutine(g_ctl, SyncDone, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET, NULL, NULL,
                              NULL, NULL, NULL, g_ctl);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    g_sock = (PWSK_SOCKET)g_ctl->IoStatus.Information;
    IoReuseIrp(g_ctl, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(g_ctl, SyncDone, &ev, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)g_sock->Dispatch)->WskBind(g_sock, (PSOCKADDR)&any, 0, g_ctl);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    IoReuseIrp(g_ctl, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(g_ctl, ConnectDone, NULL, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_CONNECTION_DISPATCH)g_sock->Dispatch)->WskConnect(g_sock, (PSOCKADDR)&srv, 0, g_ctl);
    return STATUS_SUCCESS;
}
