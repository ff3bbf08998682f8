/*
 * Conditional-accept test client: Connections (default 1) connection sockets connect to Server:Port
 * (default 10.1.1.2:6000) at once. With CancelMs > 0 each connect IRP is cancelled with IoCancelIrp after
 * that many ms (the connector resets the request). Logs "CONNECT i=N status=0x... at <100ns>".
 */
#include <ntddk.h>
#include <wsk.h>

#define MAX_CONN 2048

typedef struct _CONN {
    PWSK_SOCKET Socket;
    PIRP Irp;
    KTIMER Timer;
    KDPC Dpc;
    ULONG Index;
} CONN;

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static ULONG g_port = 6000, g_count = 1, g_cancelMs = 0;
static CONN g_conn[MAX_CONN];
static LONG g_done, g_ok, g_refused, g_cancelled;
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static VOID CancelDpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    CONN *c = (CONN *)ctx;
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    if (c->Irp != NULL)
        IoCancelIrp(c->Irp);
}

static NTSTATUS ConnectDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    CONN *c = (CONN *)ctx;
    NTSTATUS st = irp->IoStatus.Status;
    UNREFERENCED_PARAMETER(d);
    KeCancelTimer(&c->Timer);
    c->Irp = NULL;
    DbgPrint("CONNECT i=%u status=0x%08x at %I64u\n", c->Index, st, KeQueryInterruptTime());
    if (NT_SUCCESS(st))
        g_ok++;
    else if (st == STATUS_CONNECTION_REFUSED)
        g_refused++;
    else if (st == STATUS_CANCELLED)
        g_cancelled++;
    g_done++;
    IoFreeIrp(irp);
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
    UNREFERENCED_PARAMETER(drv);
    DbgPrint("RESULT caclient done=%d ok=%d refused=%d cancelled=%d\n", g_done, g_ok, g_refused, g_cancelled);
    WskReleaseProviderNPI(&g_reg);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    RTL_QUERY_REGISTRY_TABLE q[4];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    SOCKADDR_IN any = {AF_INET, 0, {{{0}}}, {0}};
    KEVENT ev;
    NTSTATUS st;
    drv->DriverUnload = Unload;
    RtlCopyUnicodeString(&key, path);
    RtlAppendUnicodeToString(&key, L"\\Parameters");
    RtlZeroMemory(q, sizeof q);
    q[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[0].Name = L"Port";
    q[0].EntryContext = &g_port;
    q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[1].Name = L"Connections";
    q[1].EntryContext = &g_count;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"CancelMs";
    q[2].EntryContext = &g_cancelMs;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    if (g_count > MAX_CONN)
        g_count = MAX_CONN;
    SOCKADDR_IN srv = {AF_INET, RtlUshortByteSwap((USHORT)g_port), {{{10, 1, 1, 2}}}, {0}};
    st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    for (ULONG i = 0; i < g_count; i++) {
        CONN *c = &g_conn[i];
        PIRP irp = IoAllocateIrp(1, FALSE);
        c->Index = i;
        IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
        g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET, NULL,
                                  NULL, NULL, NULL, NULL, irp);
        KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
        c->Socket = (PWSK_SOCKET)irp->IoStatus.Information;
        IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
        IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_CONNECTION_DISPATCH)c->Socket->Dispatch)->WskBind(c->Socket, (PSOCKADDR)&any, 0, irp);
        KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
        IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
        IoSetCompletionRoutine(irp, ConnectDone, c, TRUE, TRUE, TRUE);
        KeInitializeTimer(&c->Timer);
        KeInitializeDpc(&c->Dpc, CancelDpc, c);
        c->Irp = irp;
        ((PWSK_PROVIDER_CONNECTION_DISPATCH)c->Socket->Dispatch)->WskConnect(c->Socket, (PSOCKADDR)&srv, 0, irp);
        if (g_cancelMs > 0 && c->Irp != NULL) {
            LARGE_INTEGER due;
            due.QuadPart = -(LONGLONG)g_cancelMs * 10000;
            KeSetTimer(&c->Timer, due, &c->Dpc);
        }
    }
    return STATUS_SUCCESS;
}
