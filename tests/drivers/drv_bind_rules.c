/* Address sharing at bind (wsk-api.md §6.5): a second bind onto a port a first listener holds. */
#include <ntddk.h>
#include <wsk.h>

static WSK_REGISTRATION g_reg;
static WSK_PROVIDER_NPI g_npi;
static const WSK_CLIENT_DISPATCH g_client = {MAKE_WSK_VERSION(1, 0), 0, NULL};

static NTSTATUS Done(PDEVICE_OBJECT d, PIRP irp, PVOID ev)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ev, 0, FALSE);
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

/* Creates a listening socket, applies `option` (0, SO_REUSEADDR or SO_EXCLUSIVEADDRUSE), binds it. */
static NTSTATUS Bind(PIRP irp, PKEVENT ev, ULONG option, BOOLEAN specific, PWSK_SOCKET *out)
{
    ULONG_PTR info;
    ULONG one = 1;
    SOCKADDR_IN a = {AF_INET, RtlUshortByteSwap(9100), {{{0}}}, {0}};
    if (specific) {
        a.sin_addr.S_un.S_un_b.s_b1 = 10;
        a.sin_addr.S_un.S_un_b.s_b2 = 1;
        a.sin_addr.S_un.S_un_b.s_b3 = 1;
        a.sin_addr.S_un.S_un_b.s_b4 = 2;
    }
    g_npi.Dispatch->WskSocket(g_npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET, NULL, NULL,
                              NULL, NULL, NULL, irp);
    Wait(irp, ev, &info);
    PWSK_SOCKET s = (PWSK_SOCKET)info;
    PWSK_PROVIDER_LISTEN_DISPATCH d = (PWSK_PROVIDER_LISTEN_DISPATCH)s->Dispatch;
    if (option != 0) {
        d->WskControlSocket(s, WskSetOption, option, SOL_SOCKET, sizeof one, &one, 0, NULL, NULL, irp);
        Wait(irp, ev, NULL);
    }
    d->WskBind(s, (PSOCKADDR)&a, 0, irp);
    *out = s;
    return Wait(irp, ev, NULL);
}

static VOID Close(PIRP irp, PKEVENT ev, PWSK_SOCKET s)
{
    ((PWSK_PROVIDER_LISTEN_DISPATCH)s->Dispatch)->WskCloseSocket(s, irp);
    Wait(irp, ev, NULL);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    WSK_CLIENT_NPI npi = {NULL, &g_client};
    KEVENT ev;
    PWSK_SOCKET first, s;
    UNREFERENCED_PARAMETER(drv);
    UNREFERENCED_PARAMETER(path);
    NTSTATUS st = WskRegister(&npi, &g_reg);
    if (NT_SUCCESS(st))
        st = WskCaptureProviderNPI(&g_reg, WSK_INFINITE_WAIT, &g_npi);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, Done, &ev, TRUE, TRUE, TRUE);
    DbgPrint("RESULT first_wildcard=0x%08x\n", Bind(irp, &ev, 0, FALSE, &first));
    DbgPrint("RESULT none_wildcard=0x%08x\n", Bind(irp, &ev, 0, FALSE, &s));
    Close(irp, &ev, s);
    DbgPrint("RESULT none_specific=0x%08x\n", Bind(irp, &ev, 0, TRUE, &s));
    Close(irp, &ev, s);
    DbgPrint("RESULT reuse_wildcard=0x%08x\n", Bind(irp, &ev, SO_REUSEADDR, FALSE, &s));
    Close(irp, &ev, s);
    DbgPrint("RESULT exclusive_wildcard=0x%08x\n", Bind(irp, &ev, (ULONG)SO_EXCLUSIVEADDRUSE, FALSE, &s));
    Close(irp, &ev, s);
    Close(irp, &ev, first);
    DbgPrint("RESULT after_close=0x%08x\n", Bind(irp, &ev, 0, FALSE, &s));
    Close(irp, &ev, s);
    IoFreeIrp(irp);
    WskReleaseProviderNPI(&g_reg);
    WskDeregister(&g_reg);
    return STATUS_SUCCESS;
}
