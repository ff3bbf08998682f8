/*
 * Conditional-accept listener. Parameters: Port (default 6000), Policy (0 reject, 1 accept, 2 pend,
 * 3 accept even-numbered requests and reject odd ones), PendMs (how long a pended decision takes; the
 * decision is WskInspectComplete(accept) from a timer DPC, or reject with PendReject=1).
 * Logs "INSPECT serial=N", "ABORT serial=N", "ACCEPTED serial=N" (the serial read back with
 * SIO_WSK_QUERY_INSPECT_ID on the accepted socket) and "COMPLETE serial=N status=0x...".
 */
#include <ntddk.h>
#include <wsk.h>

#define MAX_PENDED 2048

typedef struct _PENDED {
    WSK_INSPECT_ID Id;
    KTIMER Timer;
    KDPC Dpc;
    PIRP Irp;
    BOOLEAN Used;
} PENDED;

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static PWSK_SOCKET g_listen;
static ULONG g_port = 6000, g_policy = 1, g_pendMs = 2000, g_pendReject = 0, g_noConditional = 0, g_probeLate = 0;
static PENDED g_pended[MAX_PENDED];
static LONG g_inspects, g_aborts, g_accepts;

static NTSTATUS FreeIrpDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    PENDED *p = (PENDED *)ctx;
    UNREFERENCED_PARAMETER(d);
    if (p != NULL) {
        DbgPrint("COMPLETE serial=%u status=0x%08x\n", p->Id.SerialNumber, irp->IoStatus.Status);
        p->Used = FALSE;
    }
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID DecideDpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    PENDED *p = (PENDED *)ctx;
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, FreeIrpDone, p, TRUE, TRUE, TRUE);
    ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)
        ->WskInspectComplete(g_listen, &p->Id, g_pendReject ? WskInspectReject : WskInspectAccept, irp);
}

static WSK_INSPECT_ACTION WSKAPI OnInspect(PVOID ctx, PSOCKADDR local, PSOCKADDR remote, PWSK_INSPECT_ID id)
{
    ULONG policy = g_policy;
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(local);
    UNREFERENCED_PARAMETER(remote);
    if (id == NULL)
        return WskInspectReject;
    InterlockedIncrement(&g_inspects);
    DbgPrint("INSPECT serial=%u at %I64u\n", id->SerialNumber, KeQueryInterruptTime());
    if (policy == 3)
        policy = (id->SerialNumber % 2) ? 0 : 1;
    if (policy == 0)
        return WskInspectReject;
    if (policy == 1)
        return WskInspectAccept;
    for (ULONG i = 0; i < MAX_PENDED; i++) {
        if (!g_pended[i].Used) {
            LARGE_INTEGER due;
            g_pended[i].Used = TRUE;
            g_pended[i].Id = *id; /* copied before returning, as the documentation requires */
            KeInitializeTimer(&g_pended[i].Timer);
            KeInitializeDpc(&g_pended[i].Dpc, DecideDpc, &g_pended[i]);
            due.QuadPart = -(LONGLONG)g_pendMs * 10000;
            KeSetTimer(&g_pended[i].Timer, due, &g_pended[i].Dpc);
            return WskInspectPend;
        }
    }
    return WskInspectReject;
}

static NTSTATUS WSKAPI OnAbort(PVOID ctx, PWSK_INSPECT_ID id)
{
    UNREFERENCED_PARAMETER(ctx);
    InterlockedIncrement(&g_aborts);
    DbgPrint("ABORT serial=%u\n", id->SerialNumber);
    for (ULONG i = 0; i < MAX_PENDED; i++) {
        if (g_pended[i].Used && g_pended[i].Id.Key == id->Key && g_pended[i].Id.SerialNumber == id->SerialNumber) {
            KeCancelTimer(&g_pended[i].Timer);
            g_pended[i].Used = FALSE;
        }
    }
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI OnAccept(PVOID ctx, ULONG flags, PSOCKADDR local, PSOCKADDR remote, PWSK_SOCKET s, PVOID *sctx,
                                const WSK_CLIENT_CONNECTION_DISPATCH **disp)
{
    WSK_INSPECT_ID id;
    SIZE_T got = 0;
    NTSTATUS st;
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(flags);
    UNREFERENCED_PARAMETER(local);
    UNREFERENCED_PARAMETER(remote);
    if (s == NULL)
        return STATUS_REQUEST_NOT_ACCEPTED;
    st = ((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Dispatch)
             ->WskControlSocket(s, WskIoctl, SIO_WSK_QUERY_INSPECT_ID, 0, 0, NULL, sizeof id, &id, &got, NULL);
    InterlockedIncrement(&g_accepts);
    DbgPrint("ACCEPTED serial=%u query=0x%08x at %I64u\n", NT_SUCCESS(st) ? id.SerialNumber : 0, st,
             KeQueryInterruptTime());
    *sctx = NULL;
    *disp = NULL;
    return STATUS_SUCCESS; /* accepted sockets are closed by WskDeregister's wait... closed at unload below */
}

static const WSK_CLIENT_LISTEN_DISPATCH g_listenDisp = {OnAccept, OnInspect, OnAbort};
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS SyncDone(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, 0, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static ULONG_PTR g_info;

static NTSTATUS Sync(PIRP irp, PKEVENT ev, NTSTATUS st)
{
    UNREFERENCED_PARAMETER(st);
    KeWaitForSingleObject(ev, Executive, KernelMode, FALSE, NULL);
    st = irp->IoStatus.Status;
    g_info = irp->IoStatus.Information;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, SyncDone, ev, TRUE, TRUE, TRUE);
    return st;
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    KEVENT ev;
    UNREFERENCED_PARAMETER(drv);
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    Sync(irp, &ev, ((PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch)->WskCloseSocket(g_listen, irp));
    IoFreeIrp(irp);
    for (ULONG i = 0; i < MAX_PENDED; i++)
        if (g_pended[i].Used)
            KeCancelTimer(&g_pended[i].Timer);
    DbgPrint("RESULT ca inspects=%d aborts=%d accepts=%d\n", g_inspects, g_aborts, g_accepts);
    WskReleaseProviderNPI(&g_reg);
    /* accepted sockets are left open on purpose: WskDeregister would wait for them, so skip it */
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    WSK_EVENT_CALLBACK_CONTROL cb = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_ACCEPT};
    RTL_QUERY_REGISTRY_TABLE q[7];
    WCHAR keyBuf[256];
    UNICODE_STRING key = {0, sizeof keyBuf, keyBuf};
    ULONG on = 1;
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
    q[1].Name = L"Policy";
    q[1].EntryContext = &g_policy;
    q[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[2].Name = L"PendMs";
    q[2].EntryContext = &g_pendMs;
    q[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[3].Name = L"PendReject";
    q[3].EntryContext = &g_pendReject;
    q[4].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[4].Name = L"NoConditional";
    q[4].EntryContext = &g_noConditional;
    q[5].Flags = RTL_QUERY_REGISTRY_DIRECT;
    q[5].Name = L"ProbeLate";
    q[5].EntryContext = &g_probeLate;
    RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, keyBuf, q, NULL, NULL);
    st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (NT_SUCCESS(st))
        st = g_npi.Dispatch->WskControlClient(g_npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof cb, &cb, 0, NULL,
                                              NULL, NULL);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, SyncDone, &ev, TRUE, TRUE, TRUE);
    st = Sync(irp, &ev, g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                                  WSK_FLAG_LISTEN_SOCKET, NULL, &g_listenDisp, NULL, NULL, NULL, irp));
    if (!NT_SUCCESS(st))
        return st;
    g_listen = (PWSK_SOCKET)g_info;
    PWSK_PROVIDER_LISTEN_DISPATCH d = (PWSK_PROVIDER_LISTEN_DISPATCH)g_listen->Dispatch;
    if (!g_noConditional) {
        st = Sync(irp, &ev, d->WskControlSocket(g_listen, WskSetOption, SO_CONDITIONAL_ACCEPT, SOL_SOCKET, sizeof on,
                                                &on, 0, NULL, NULL, irp));
        DbgPrint("SO_CONDITIONAL_ACCEPT 0x%08x\n", st);
    }
    SOCKADDR_IN any = {AF_INET, RtlUshortByteSwap((USHORT)g_port), {{{0}}}, {0}};
    st = Sync(irp, &ev, d->WskBind(g_listen, (PSOCKADDR)&any, 0, irp));
    DbgPrint("bind 0x%08x\n", st);
    if (g_probeLate) {
        /* an InspectID that names no pended request */
        WSK_INSPECT_ID bogus = {(ULONG_PTR)0x1234, 0xBADu};
        NTSTATUS r1 = Sync(irp, &ev, d->WskInspectComplete(g_listen, &bogus, WskInspectAccept, irp));
        DbgPrint("WskInspectComplete unknown id 0x%08x\n", r1);
        NTSTATUS r2 = Sync(irp, &ev, d->WskInspectComplete(g_listen, &bogus, WskInspectPend, irp));
        DbgPrint("WskInspectComplete with Pend 0x%08x\n", r2);
        /* after bind the option is refused, as documented (and diagnosed as a driver error) */
        NTSTATUS late = Sync(irp, &ev, d->WskControlSocket(g_listen, WskSetOption, SO_CONDITIONAL_ACCEPT, SOL_SOCKET,
                                                           sizeof on, &on, 0, NULL, NULL, irp));
        DbgPrint("SO_CONDITIONAL_ACCEPT after bind 0x%08x\n", late);
    }
    IoFreeIrp(irp);
    return st;
}
