/*
 * udp_name_client.c - finds its server by name and does UDP request/response: WskGetAddressInfo(Server,
 * Port) (Parameters; defaults "server", "7100"), then Count requests (default 5) of Bytes bytes, each a
 * WskSendTo followed by a WskReceiveFrom that must bring the same bytes back. Prints
 * "udp_client: lookup=0x... address=a.b.c.d ok=N/Count rtt_us=..." (mean round trip).
 */
#include <ntddk.h>
#include <wsk.h>

#define CLI_TAG 'ilCU'

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PETHREAD g_thread;
static ULONG g_count = 5, g_bytes = 200, g_port = 7100;
static WCHAR g_serverName[64] = L"server";
static WCHAR g_service[16] = L"7100";
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

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
    UNICODE_STRING node, service;
    PADDRINFOEXW result = NULL;
    ADDRINFOEXW hints;
    SOCKADDR_IN server = {0};
    ULONG ok = 0;
    LONGLONG rttTotal = 0;
    NTSTATUS lookup;
    UNREFERENCED_PARAMETER(ctx);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    PUCHAR tx = ExAllocatePoolWithTag(NonPagedPoolNx, g_bytes, CLI_TAG);
    PUCHAR rx = ExAllocatePoolZero(NonPagedPoolNx, g_bytes, CLI_TAG);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    RtlInitUnicodeString(&node, g_serverName);
    RtlInitUnicodeString(&service, g_service);
    RtlZeroMemory(&hints, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_protocol = IPPROTO_UDP;
    g_npi.Dispatch->WskGetAddressInfo(g_npi.Client, &node, &service, NS_ALL, NULL, &hints, &result, NULL, NULL, irp);
    lookup = Wait(irp, &ev, NULL);
    if (NT_SUCCESS(lookup) && result != NULL)
        RtlCopyMemory(&server, result->ai_addr, sizeof server);
    if (result != NULL)
        g_npi.Dispatch->WskFreeAddressInfo(g_npi.Client, result);
    if (NT_SUCCESS(lookup)) {
        SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
        SOCKADDR_IN from;
        g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET, NULL,
                                  NULL, NULL, NULL, NULL, irp);
        Wait(irp, &ev, &info);
        PWSK_SOCKET s = (PWSK_SOCKET)info;
        PWSK_PROVIDER_DATAGRAM_DISPATCH d = (PWSK_PROVIDER_DATAGRAM_DISPATCH)s->Dispatch;
        d->WskBind(s, (PSOCKADDR)&any, 0, irp);
        Wait(irp, &ev, NULL);
        PMDL txm = IoAllocateMdl(tx, g_bytes, FALSE, FALSE, NULL);
        PMDL rxm = IoAllocateMdl(rx, g_bytes, FALSE, FALSE, NULL);
        MmBuildMdlForNonPagedPool(txm);
        MmBuildMdlForNonPagedPool(rxm);
        for (ULONG i = 0; i < g_count; i++) {
            LARGE_INTEGER t0, t1;
            for (ULONG k = 0; k < g_bytes; k++)
                tx[k] = (UCHAR)(i * 31 + k);
            WSK_BUF tb = {txm, 0, g_bytes};
            WSK_BUF rb = {rxm, 0, g_bytes};
            KeQuerySystemTime(&t0);
            d->WskSendTo(s, &tb, 0, (PSOCKADDR)&server, 0, NULL, irp);
            Wait(irp, &ev, NULL);
            d->WskReceiveFrom(s, &rb, 0, (PSOCKADDR)&from, NULL, NULL, NULL, irp);
            if (NT_SUCCESS(Wait(irp, &ev, &info)) && info == g_bytes && RtlCompareMemory(tx, rx, g_bytes) == g_bytes) {
                KeQuerySystemTime(&t1);
                rttTotal += t1.QuadPart - t0.QuadPart;
                ok++;
            }
        }
        d->WskCloseSocket(s, irp);
        Wait(irp, &ev, NULL);
        IoFreeMdl(txm);
        IoFreeMdl(rxm);
    }
    DbgPrint("udp_client: lookup=0x%08x address=%u.%u.%u.%u ok=%u/%u rtt_us=%I64d\n", lookup,
             server.sin_addr.S_un.S_un_b.s_b1, server.sin_addr.S_un.S_un_b.s_b2, server.sin_addr.S_un.S_un_b.s_b3,
             server.sin_addr.S_un.S_un_b.s_b4, ok, g_count, ok ? rttTotal / ok / 10 : 0);
    IoFreeIrp(irp);
    ExFreePoolWithTag(tx, CLI_TAG);
    ExFreePoolWithTag(rx, CLI_TAG);
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
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    RTL_QUERY_REGISTRY_TABLE q[5];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    UNICODE_STRING name = {0, sizeof g_serverName - sizeof(WCHAR), g_serverName};
    UNICODE_STRING svc = {0, sizeof g_service, g_service};
    HANDLE h;
    NTSTATUS st;
    RtlCopyUnicodeString(&key, RegistryPath);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    /* TYPECHECK: a Server value that is not REG_SZ must not be written over the UNICODE_STRING */
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
    q[0].Name = L"Server";
    q[0].EntryContext = &name;
    q[0].DefaultType = REG_SZ << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
    q[1].Name = L"Port";
    q[1].EntryContext = &g_port;
    q[1].DefaultType = REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"Count";
    q[2].EntryContext = &g_count;
    q[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[3].Name = L"Bytes";
    q[3].EntryContext = &g_bytes;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    if (name.Length > 0)
        g_serverName[name.Length / sizeof(WCHAR)] = 0;
    if (!NT_SUCCESS(RtlIntegerToUnicodeString(g_port, 10, &svc)))
        return STATUS_INVALID_PARAMETER;
    if (g_bytes == 0)
        g_bytes = 1;
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
