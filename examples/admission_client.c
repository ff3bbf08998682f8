/*
 * admission_client.c - a client for admission_server.c: from a system thread it connects to Server:Port
 * (Parameters; default 10.1.1.1:7000), sends Bytes bytes (default 4000), reads the echo back, disconnects
 * gracefully, and prints one line: "admission_client: connect=0x... echoed=N verified=yes|no".
 */
#include <ntddk.h>
#include <wsk.h>
#include <ip2string.h>

#define CLIENT_TAG 'ilCA'

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PETHREAD g_thread;
static ULONG g_port = 7000, g_bytes = 4000;
static WCHAR g_server[64] = L"10.1.1.1";
static const WSK_CLIENT_DISPATCH g_clientDispatch = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS Done(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* The synchronous pattern: wait for the completion routine, then make the IRP ready for the next call. */
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

static VOID Worker(PVOID ctx)
{
    KEVENT ev;
    ULONG_PTR info = 0;
    NTSTATUS connect = STATUS_UNSUCCESSFUL;
    SIZE_T got = 0;
    PCWSTR end;
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    SOCKADDR_IN srv = {AF_INET, RtlUshortByteSwap((USHORT)g_port), {{{0}}}, {0}};
    PUCHAR tx = ExAllocatePoolWithTag(NonPagedPoolNx, g_bytes, CLIENT_TAG);
    PUCHAR rx = ExAllocatePoolZero(NonPagedPoolNx, g_bytes, CLIENT_TAG);
    PIRP irp = IoAllocateIrp(1, FALSE);
    UNREFERENCED_PARAMETER(ctx);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    if (tx == NULL || rx == NULL || irp == NULL ||
        !NT_SUCCESS(RtlIpv4StringToAddressW(g_server, TRUE, &end, &srv.sin_addr)))
        goto out;
    for (ULONG i = 0; i < g_bytes; i++)
        tx[i] = (UCHAR)(i * 13 + 7);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET, NULL,
                              NULL, NULL, NULL, NULL, irp);
    if (!NT_SUCCESS(Wait(irp, &ev, &info)))
        goto out;
    PWSK_SOCKET s = (PWSK_SOCKET)info;
    PWSK_PROVIDER_CONNECTION_DISPATCH d = (PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch;
    d->WskBind(s, (PSOCKADDR)&any, 0, irp);
    Wait(irp, &ev, NULL);
    d->WskConnect(s, (PSOCKADDR)&srv, 0, irp);
    connect = Wait(irp, &ev, NULL);
    if (NT_SUCCESS(connect)) {
        PMDL txm = IoAllocateMdl(tx, g_bytes, FALSE, FALSE, NULL);
        PMDL rxm = IoAllocateMdl(rx, g_bytes, FALSE, FALSE, NULL);
        MmBuildMdlForNonPagedPool(txm);
        MmBuildMdlForNonPagedPool(rxm);
        WSK_BUF tb = {txm, 0, g_bytes};
        d->WskSend(s, &tb, 0, irp);
        Wait(irp, &ev, NULL);
        WSK_BUF rb = {rxm, 0, g_bytes};
        d->WskReceive(s, &rb, WSK_FLAG_WAITALL, irp);
        if (NT_SUCCESS(Wait(irp, &ev, &info)))
            got = info;
        d->WskDisconnect(s, NULL, 0, irp);
        Wait(irp, &ev, NULL);
        IoFreeMdl(txm);
        IoFreeMdl(rxm);
    }
    d->WskCloseSocket(s, irp);
    Wait(irp, &ev, NULL);
out:
    DbgPrint("admission_client: connect=0x%08x echoed=%Iu verified=%s\n", connect, got,
             got == g_bytes && RtlCompareMemory(tx, rx, g_bytes) == g_bytes ? "yes" : "no");
    if (irp != NULL)
        IoFreeIrp(irp);
    if (tx != NULL)
        ExFreePoolWithTag(tx, CLIENT_TAG);
    if (rx != NULL)
        ExFreePoolWithTag(rx, CLIENT_TAG);
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
    RTL_QUERY_REGISTRY_TABLE q[4];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    UNICODE_STRING server = {0, sizeof g_server - sizeof(WCHAR), g_server};
    HANDLE h;
    NTSTATUS st;
    RtlCopyUnicodeString(&key, RegistryPath);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Port";
    q[0].EntryContext = &g_port;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[1].Name = L"Bytes";
    q[1].EntryContext = &g_bytes;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"Server";
    q[2].EntryContext = &server;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    g_server[server.Length / sizeof(WCHAR)] = 0;
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
