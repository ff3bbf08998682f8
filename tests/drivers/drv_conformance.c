/*
 * drv_conformance.c - a WSK conformance driver, written the way a test that must pass on Windows is
 * written: for each IRP-taking call it checks what the call returned, whether the completion routine saw
 * PendingReturned, the completion status and IoStatus.Information, against what Microsoft documents
 * ("Using IRPs with Winsock Kernel Functions", the WSK function pages; see wsk-ns3/doc/fidelity.md for
 * the observed statuses). A call may return STATUS_PENDING or its final status - Windows does both - but:
 *   returned STATUS_PENDING  => the completion routine runs with PendingReturned TRUE;
 *   returned anything else   => the IRP was already completed, PendingReturned FALSE, with that status.
 * Everything runs on one node, over its loopback addresses: 127.0.0.1 and ::1 (every Windows host has
 * both), so the driver needs no peer.
 *
 * One line per check, parsed by tests/provider/test_conformance.cc:
 *   CONF call=NAME returned=0x... pending_returned=0|1 status=0x... info=N|socket ok=0|1 [why=...]
 * and at the end "RESULT conformance checks=N failed=M".
 * Parameters: Family (2 or 23, default 2); LeakAddrInfo=1 keeps an ADDRINFOEXW list (reported at unload).
 */
#include "drv_wsk_common.h"

typedef struct _CONF_IRP {
    PIRP Irp;
    KEVENT Done;
    volatile LONG Completed;
    BOOLEAN PendingReturned;
    NTSTATUS Returned;
    const char *Call;
} CONF_IRP;

static WT_WSK g_wsk;
static ULONG g_family = AF_INET;
static ULONG g_leakAddrInfo; /* Parameter LeakAddrInfo=1: keep the WskGetAddressInfo result (a leak at unload) */
static LONG g_checks, g_failed;

static IO_COMPLETION_ROUTINE ConfComplete;
static NTSTATUS ConfComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    CONF_IRP *c = (CONF_IRP *)Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    c->PendingReturned = Irp->PendingReturned;
    InterlockedExchange(&c->Completed, 1);
    KeSetEvent(&c->Done, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static PIRP ConfBegin(CONF_IRP *c)
{
    if (c->Irp == NULL) {
        c->Irp = IoAllocateIrp(1, FALSE);
        KeInitializeEvent(&c->Done, NotificationEvent, FALSE);
    }
    IoReuseIrp(c->Irp, STATUS_UNSUCCESSFUL);
    KeClearEvent(&c->Done);
    c->Completed = 0;
    c->PendingReturned = FALSE;
    IoSetCompletionRoutine(c->Irp, ConfComplete, c, TRUE, TRUE, TRUE);
    return c->Irp;
}

/* Records what the call returned; the IRP-contract half that must hold at return time is checked here. */
static BOOLEAN ConfIssued(CONF_IRP *c, const char *Call, NTSTATUS Returned)
{
    c->Call = Call;
    c->Returned = Returned;
    return Returned == STATUS_PENDING || (c->Completed && !c->PendingReturned && c->Irp->IoStatus.Status == Returned);
}

/* Waits for the completion (at most 10 simulated seconds), then checks the status and Information.
 * WantInfo: the Information expected, or (ULONG_PTR)-1 for "a socket" (non-zero). */
static NTSTATUS ConfCheck(CONF_IRP *c, BOOLEAN IssuedOk, NTSTATUS WantStatus, ULONG_PTR WantInfo)
{
    LARGE_INTEGER timeout;
    const char *why = NULL;
    NTSTATUS status;
    ULONG_PTR info;
    BOOLEAN ok;

    timeout.QuadPart = -10LL * 1000 * 1000 * 10;
    if (c->Returned == STATUS_PENDING &&
        KeWaitForSingleObject(&c->Done, Executive, KernelMode, FALSE, &timeout) == STATUS_TIMEOUT) {
        IoCancelIrp(c->Irp);
        KeWaitForSingleObject(&c->Done, Executive, KernelMode, FALSE, NULL);
        why = "not_completed_in_10s";
    }
    status = c->Irp->IoStatus.Status;
    info = c->Irp->IoStatus.Information;
    if (why == NULL && !IssuedOk)
        why = "returned_without_completing_with_that_status";
    else if (why == NULL && c->Returned == STATUS_PENDING && !c->PendingReturned)
        why = "pending_without_PendingReturned";
    else if (why == NULL && status != WantStatus)
        why = "status";
    else if (why == NULL && (WantInfo == (ULONG_PTR)-1 ? info == 0 : info != WantInfo))
        why = "information";
    ok = why == NULL;
    g_checks++;
    if (!ok)
        g_failed++;
    if (WantInfo == (ULONG_PTR)-1 && info != 0)
        DbgPrint("CONF call=%s returned=0x%08X pending_returned=%d status=0x%08X info=socket ok=%d%s%s\n", c->Call,
                 (ULONG)c->Returned, (int)c->PendingReturned, (ULONG)status, (int)ok, why ? " why=" : "",
                 why ? why : "");
    else
        DbgPrint("CONF call=%s returned=0x%08X pending_returned=%d status=0x%08X info=%Iu ok=%d%s%s\n", c->Call,
                 (ULONG)c->Returned, (int)c->PendingReturned, (ULONG)status, info, (int)ok, why ? " why=" : "",
                 why ? why : "");
    return status;
}

/* Issue and check in one: for calls whose completion needs nothing else to happen first. */
#define CONF(c, Call, Expr, WantStatus, WantInfo) ConfCheck((c), ConfIssued((c), (Call), (Expr)), (WantStatus), (WantInfo))

static VOID Loopback(PSOCKADDR_STORAGE a, USHORT Port)
{
    WtMakeAddress(a, (ADDRESS_FAMILY)g_family, g_family == AF_INET6 ? L"::1" : L"127.0.0.1", Port);
}

static PWSK_SOCKET NewSocket(CONF_IRP *c, const char *Call, USHORT Type, ULONG Protocol, ULONG Flags)
{
    NTSTATUS st = CONF(c, Call,
                       g_wsk.Npi.Dispatch->WskSocket(g_wsk.Npi.Client, (ADDRESS_FAMILY)g_family, Type, Protocol, Flags,
                                                     NULL, NULL, NULL, NULL, NULL, ConfBegin(c)),
                       STATUS_SUCCESS, (ULONG_PTR)-1);
    return NT_SUCCESS(st) ? (PWSK_SOCKET)c->Irp->IoStatus.Information : NULL;
}

static VOID Close(CONF_IRP *c, PWSK_SOCKET s)
{
    if (s != NULL)
        CONF(c, "WskCloseSocket", WT_BASIC(s)->WskCloseSocket(s, ConfBegin(c)), STATUS_SUCCESS, 0);
}

/* Listen, WskAccept, WskSocketConnect, addresses, WskControlSocket with an IRP, send/receive (and Ex),
 * WskDisconnect, the FIN as a zero-byte receive, close. */
static VOID StreamCalls(CONF_IRP *c)
{
    CONF_IRP accept = {0}, recv = {0}, echo = {0};
    SOCKADDR_STORAGE local, remote, any, got;
    ULONGLONG start;
    PWSK_SOCKET listener, client = NULL, server = NULL;
    UCHAR data[100], in[100];
    ULONG rcvbuf = 65536, value = 0;
    WSK_BUF buf;
    PMDL outMdl, inMdl;
    BOOLEAN issued;

    RtlFillMemory(data, sizeof(data), 0x5A);
    outMdl = IoAllocateMdl(data, sizeof(data), FALSE, FALSE, NULL);
    inMdl = IoAllocateMdl(in, sizeof(in), FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(outMdl);
    MmBuildMdlForNonPagedPool(inMdl);

    listener = NewSocket(c, "WskSocket(listen)", SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET);
    if (listener == NULL)
        return;
    Loopback(&local, 6001);
    CONF(c, "WskBind(listen)", WT_LISTEN(listener)->WskBind(listener, (PSOCKADDR)&local, 0, ConfBegin(c)),
         STATUS_SUCCESS, 0);
    CONF(c, "WskControlSocket(set SO_RCVBUF)",
         WT_BASIC(listener)->WskControlSocket(listener, WskSetOption, SO_RCVBUF, SOL_SOCKET, sizeof(rcvbuf), &rcvbuf,
                                              0, NULL, NULL, ConfBegin(c)),
         STATUS_SUCCESS, 0);
    CONF(c, "WskControlSocket(get SO_RCVBUF)",
         WT_BASIC(listener)->WskControlSocket(listener, WskGetOption, SO_RCVBUF, SOL_SOCKET, 0, NULL, sizeof(value),
                                              &value, NULL, ConfBegin(c)),
         STATUS_SUCCESS, sizeof(ULONG));
    issued = ConfIssued(&accept, "WskAccept",
                        WT_LISTEN(listener)->WskAccept(listener, 0, NULL, NULL, NULL, NULL, ConfBegin(&accept)));

    WtMakeAddress(&any, (ADDRESS_FAMILY)g_family, NULL, 0);
    Loopback(&remote, 6001);
    if (NT_SUCCESS(CONF(c, "WskSocketConnect",
                        g_wsk.Npi.Dispatch->WskSocketConnect(g_wsk.Npi.Client, SOCK_STREAM, IPPROTO_TCP,
                                                             (PSOCKADDR)&any, (PSOCKADDR)&remote, 0, NULL, NULL, NULL,
                                                             NULL, NULL, ConfBegin(c)),
                        STATUS_SUCCESS, (ULONG_PTR)-1)))
        client = (PWSK_SOCKET)c->Irp->IoStatus.Information;
    if (NT_SUCCESS(ConfCheck(&accept, issued, STATUS_SUCCESS, (ULONG_PTR)-1)))
        server = (PWSK_SOCKET)accept.Irp->IoStatus.Information;
    if (client == NULL || server == NULL)
        goto out;

    CONF(c, "WskGetLocalAddress", WT_CONN(client)->WskGetLocalAddress(client, (PSOCKADDR)&got, ConfBegin(c)),
         STATUS_SUCCESS, 0);
    CONF(c, "WskGetRemoteAddress", WT_CONN(client)->WskGetRemoteAddress(client, (PSOCKADDR)&got, ConfBegin(c)),
         STATUS_SUCCESS, 0);

    buf.Mdl = outMdl;
    buf.Offset = 0;
    buf.Length = sizeof(data);
    CONF(c, "WskSend", WT_CONN(client)->WskSend(client, &buf, 0, ConfBegin(c)), STATUS_SUCCESS, sizeof(data));
    buf.Mdl = inMdl;
    CONF(&recv, "WskReceive", WT_CONN(server)->WskReceive(server, &buf, WSK_FLAG_WAITALL, ConfBegin(&recv)),
         STATUS_SUCCESS, sizeof(in));
    buf.Mdl = outMdl;
    CONF(c, "WskSendEx", WT_CONN(client)->WskSendEx(client, &buf, 0, 0, NULL, ConfBegin(c)), STATUS_SUCCESS,
         sizeof(data));
    buf.Mdl = inMdl;
    CONF(&recv, "WskReceiveEx",
         WT_CONN(server)->WskReceiveEx(server, &buf, WSK_FLAG_WAITALL, NULL, NULL, NULL, ConfBegin(&recv)),
         STATUS_SUCCESS, sizeof(in));
    /* an echo the client acknowledges only with its FIN (it disconnects as soon as the bytes are in): the
     * server's WskSend completes when that FIN arrives, as TCP processes the ACK field of every segment */
    buf.Mdl = outMdl;
    issued = ConfIssued(&echo, "WskSend(acked by FIN)", WT_CONN(server)->WskSend(server, &buf, 0, ConfBegin(&echo)));
    start = KeQueryInterruptTime();
    buf.Mdl = inMdl;
    CONF(&recv, "WskReceive(echo)", WT_CONN(client)->WskReceive(client, &buf, WSK_FLAG_WAITALL, ConfBegin(&recv)),
         STATUS_SUCCESS, sizeof(in));
    CONF(c, "WskDisconnect", WT_CONN(client)->WskDisconnect(client, NULL, 0, ConfBegin(c)), STATUS_SUCCESS, 0);
    ConfCheck(&echo, issued, STATUS_SUCCESS, sizeof(data));
    DbgPrint("RESULT echo_send_completed_after_us=%I64u\n", (KeQueryInterruptTime() - start) / 10);
    CONF(&recv, "WskReceive(after FIN)", WT_CONN(server)->WskReceive(server, &buf, 0, ConfBegin(&recv)),
         STATUS_SUCCESS, 0);
out:
    Close(c, client);
    Close(c, server);
    Close(c, listener);
    if (accept.Irp != NULL)
        IoFreeIrp(accept.Irp);
    if (recv.Irp != NULL)
        IoFreeIrp(recv.Irp);
    if (echo.Irp != NULL)
        IoFreeIrp(echo.Irp);
    IoFreeMdl(outMdl);
    IoFreeMdl(inMdl);
}

/* WskSocket + WskBind + WskConnect, and the rule that WskConnect needs a bound socket. */
static VOID ConnectionCalls(CONF_IRP *c)
{
    CONF_IRP accept = {0};
    SOCKADDR_STORAGE local, remote, any;
    PWSK_SOCKET listener, conn, unbound, server = NULL;
    BOOLEAN issued;

    listener = NewSocket(c, "WskSocket(listen)", SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET);
    conn = NewSocket(c, "WskSocket(connection)", SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET);
    unbound = NewSocket(c, "WskSocket(connection)", SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET);
    if (listener == NULL || conn == NULL || unbound == NULL)
        return;
    Loopback(&local, 6002);
    CONF(c, "WskBind(listen)", WT_LISTEN(listener)->WskBind(listener, (PSOCKADDR)&local, 0, ConfBegin(c)),
         STATUS_SUCCESS, 0);
    issued = ConfIssued(&accept, "WskAccept",
                        WT_LISTEN(listener)->WskAccept(listener, 0, NULL, NULL, NULL, NULL, ConfBegin(&accept)));
    Loopback(&remote, 6002);
    /* Windows: WskConnect on a socket that is not bound fails with STATUS_INVALID_DEVICE_STATE */
    CONF(c, "WskConnect(unbound)", WT_CONN(unbound)->WskConnect(unbound, (PSOCKADDR)&remote, 0, ConfBegin(c)),
         STATUS_INVALID_DEVICE_STATE, 0);
    WtMakeAddress(&any, (ADDRESS_FAMILY)g_family, NULL, 0);
    CONF(c, "WskBind(connection)", WT_CONN(conn)->WskBind(conn, (PSOCKADDR)&any, 0, ConfBegin(c)), STATUS_SUCCESS,
         0);
    CONF(c, "WskConnect", WT_CONN(conn)->WskConnect(conn, (PSOCKADDR)&remote, 0, ConfBegin(c)), STATUS_SUCCESS, 0);
    if (NT_SUCCESS(ConfCheck(&accept, issued, STATUS_SUCCESS, (ULONG_PTR)-1)))
        server = (PWSK_SOCKET)accept.Irp->IoStatus.Information;
    Close(c, server);
    Close(c, conn);
    Close(c, unbound);
    Close(c, listener);
    IoFreeIrp(accept.Irp);
}

/* WskSendTo, WskReceiveFrom, WskSendMessages on one datagram socket sending to itself. */
static VOID DatagramCalls(CONF_IRP *c)
{
    CONF_IRP recv = {0};
    SOCKADDR_STORAGE local, from;
    PWSK_SOCKET s;
    UCHAR data[64], in[64];
    WSK_BUF buf, inBuf;
    WSK_BUF_LIST list[2];
    PMDL outMdl, inMdl;
    const WSK_PROVIDER_DATAGRAM_DISPATCH *d;

    RtlFillMemory(data, sizeof(data), 0xA5);
    outMdl = IoAllocateMdl(data, sizeof(data), FALSE, FALSE, NULL);
    inMdl = IoAllocateMdl(in, sizeof(in), FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(outMdl);
    MmBuildMdlForNonPagedPool(inMdl);
    s = NewSocket(c, "WskSocket(datagram)", SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET);
    if (s == NULL)
        goto out;
    d = (const WSK_PROVIDER_DATAGRAM_DISPATCH *)s->Dispatch;
    Loopback(&local, 6003);
    CONF(c, "WskBind(datagram)", d->WskBind(s, (PSOCKADDR)&local, 0, ConfBegin(c)), STATUS_SUCCESS, 0);
    CONF(c, "WskGetLocalAddress(datagram)", d->WskGetLocalAddress(s, (PSOCKADDR)&from, ConfBegin(c)),
         STATUS_SUCCESS, 0);
    buf.Mdl = outMdl;
    buf.Offset = 0;
    buf.Length = 40;
    CONF(c, "WskSendTo", d->WskSendTo(s, &buf, 0, (PSOCKADDR)&local, 0, NULL, ConfBegin(c)), STATUS_SUCCESS, 40);
    inBuf.Mdl = inMdl;
    inBuf.Offset = 0;
    inBuf.Length = sizeof(in);
    CONF(&recv, "WskReceiveFrom",
         d->WskReceiveFrom(s, &inBuf, 0, (PSOCKADDR)&from, NULL, NULL, NULL, ConfBegin(&recv)), STATUS_SUCCESS, 40);
    list[0].Next = &list[1];
    list[0].Buffer = buf;
    list[0].Buffer.Length = 10;
    list[1].Next = NULL;
    list[1].Buffer = buf;
    list[1].Buffer.Length = 20;
    CONF(c, "WskSendMessages", d->WskSendMessages(s, list, 0, (PSOCKADDR)&local, 0, NULL, ConfBegin(c)),
         STATUS_SUCCESS, 30);
    CONF(&recv, "WskReceiveFrom",
         d->WskReceiveFrom(s, &inBuf, 0, (PSOCKADDR)&from, NULL, NULL, NULL, ConfBegin(&recv)), STATUS_SUCCESS, 10);
    CONF(&recv, "WskReceiveFrom",
         d->WskReceiveFrom(s, &inBuf, 0, (PSOCKADDR)&from, NULL, NULL, NULL, ConfBegin(&recv)), STATUS_SUCCESS, 20);
    Close(c, s);
out:
    if (recv.Irp != NULL)
        IoFreeIrp(recv.Irp);
    IoFreeMdl(outMdl);
    IoFreeMdl(inMdl);
}

/* WskSocket(stream) + WskBind + WskListen. */
static VOID StreamSocketCalls(CONF_IRP *c)
{
    SOCKADDR_STORAGE local;
    PWSK_SOCKET s = NewSocket(c, "WskSocket(stream)", SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_STREAM_SOCKET);
    const WSK_PROVIDER_STREAM_DISPATCH *d;
    if (s == NULL)
        return;
    d = (const WSK_PROVIDER_STREAM_DISPATCH *)s->Dispatch;
    Loopback(&local, 6004);
    CONF(c, "WskBind(stream)", d->WskBind(s, (PSOCKADDR)&local, 0, ConfBegin(c)), STATUS_SUCCESS, 0);
    CONF(c, "WskListen", d->WskListen(s, ConfBegin(c)), STATUS_SUCCESS, 0);
    Close(c, s);
}

/* The rules real code relies on, as observed on Windows (wsk-ns3/doc/fidelity.md, "IRP completion"). */
static VOID Rules(CONF_IRP *c)
{
    UNICODE_STRING unknown, numeric, service, host, serv;
    WCHAR hostBuf[64], servBuf[16];
    PADDRINFOEXW result = NULL;
    SOCKADDR_STORAGE local;
    PWSK_SOCKET s;
    NTSTATUS st;

    /* a UDP socket asked for as a listening socket is created; its WskBind is not implemented */
    s = NewSocket(c, "WskSocket(udp listen)", SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_LISTEN_SOCKET);
    if (s != NULL) {
        Loopback(&local, 6005);
        CONF(c, "WskBind(udp listen)", WT_LISTEN(s)->WskBind(s, (PSOCKADDR)&local, 0, ConfBegin(c)),
             STATUS_NOT_IMPLEMENTED, 0);
        Close(c, s);
    }
    /* WskSocket with a NULL IRP: STATUS_INVALID_PARAMETER, returned */
    st = g_wsk.Npi.Dispatch->WskSocket(g_wsk.Npi.Client, (ADDRESS_FAMILY)g_family, SOCK_STREAM, IPPROTO_TCP,
                                       WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, NULL, NULL, NULL, NULL);
    g_checks++;
    g_failed += st != STATUS_INVALID_PARAMETER;
    DbgPrint("CONF call=WskSocket(null_irp) returned=0x%08X ok=%d\n", (ULONG)st, st == STATUS_INVALID_PARAMETER);
    /* WskSocket with a NULL Client: STATUS_INVALID_HANDLE, returned, the IRP not completed */
    st = g_wsk.Npi.Dispatch->WskSocket(NULL, (ADDRESS_FAMILY)g_family, SOCK_STREAM, IPPROTO_TCP,
                                       WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, NULL, NULL, NULL, ConfBegin(c));
    g_checks++;
    g_failed += st != STATUS_INVALID_HANDLE || c->Completed;
    DbgPrint("CONF call=WskSocket(null_client) returned=0x%08X completed=%d ok=%d\n", (ULONG)st, (int)c->Completed,
             st == STATUS_INVALID_HANDLE && !c->Completed);

    RtlInitUnicodeString(&unknown, L"no-such-host");
    RtlInitUnicodeString(&numeric, g_family == AF_INET6 ? L"::1" : L"127.0.0.1");
    RtlInitUnicodeString(&service, L"7000");
    /* WskGetAddressInfo with a NULL IRP: STATUS_INVALID_PARAMETER, returned */
    st = g_wsk.Npi.Dispatch->WskGetAddressInfo(g_wsk.Npi.Client, &numeric, &service, NS_ALL, NULL, NULL, &result,
                                               NULL, NULL, NULL);
    g_checks++;
    g_failed += st != STATUS_INVALID_PARAMETER;
    DbgPrint("CONF call=WskGetAddressInfo(null_irp) returned=0x%08X ok=%d\n", (ULONG)st,
             st == STATUS_INVALID_PARAMETER);
    /* an unknown name: STATUS_NOT_FOUND, Information 0 */
    CONF(c, "WskGetAddressInfo(unknown)",
         g_wsk.Npi.Dispatch->WskGetAddressInfo(g_wsk.Npi.Client, &unknown, &service, NS_ALL, NULL, NULL, &result, NULL,
                                               NULL, ConfBegin(c)),
         STATUS_NOT_FOUND, 0);
    /* a numeric name: STATUS_SUCCESS, Information 0 */
    result = NULL;
    CONF(c, "WskGetAddressInfo(numeric)",
         g_wsk.Npi.Dispatch->WskGetAddressInfo(g_wsk.Npi.Client, &numeric, &service, NS_ALL, NULL, NULL, &result, NULL,
                                               NULL, ConfBegin(c)),
         STATUS_SUCCESS, 0);
    if (result != NULL) {
        RtlInitEmptyUnicodeString(&host, hostBuf, sizeof(hostBuf));
        RtlInitEmptyUnicodeString(&serv, servBuf, sizeof(servBuf));
        CONF(c, "WskGetNameInfo(numeric)",
             g_wsk.Npi.Dispatch->WskGetNameInfo(g_wsk.Npi.Client, result->ai_addr, (ULONG)result->ai_addrlen, &host,
                                                &serv, NI_NUMERICHOST | NI_NUMERICSERV, NULL, NULL, ConfBegin(c)),
             STATUS_SUCCESS, 0);
        if (!g_leakAddrInfo)
            g_wsk.Npi.Dispatch->WskFreeAddressInfo(g_wsk.Npi.Client, result);
    }
}

static VOID Run(PWT_SYNC Sync)
{
    CONF_IRP c = {0};
    UNREFERENCED_PARAMETER(Sync);
    StreamCalls(&c);
    ConnectionCalls(&c);
    DatagramCalls(&c);
    StreamSocketCalls(&c);
    Rules(&c);
    if (c.Irp != NULL)
        IoFreeIrp(c.Irp);
    DbgPrint("RESULT conformance checks=%d failed=%d\n", g_checks, g_failed);
}

static const WT_CASE g_cases[] = {{"all", Run}, {NULL, NULL}};

static KSTART_ROUTINE ConfThread;
static VOID ConfThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    WtRunCase(&g_wsk, NULL, g_cases, NULL);
}

static VOID DriverUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DbgPrint("RESULT unloaded=1\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    HANDLE key, thread;
    NTSTATUS status;
    WtOpenParameters(RegistryPath, &key);
    g_family = WtParamDword(key, L"Family", AF_INET);
    g_leakAddrInfo = WtParamDword(key, L"LeakAddrInfo", 0);
    WtCloseParameters(key);
    DriverObject->DriverUnload = DriverUnload;
    status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, ConfThread, NULL);
    if (NT_SUCCESS(status))
        ZwClose(thread);
    return status;
}
