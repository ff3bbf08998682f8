/*
 * drv_socket_options.c - the socket options and IOCTLs of wsk-api.md §6.2 observed from a driver, on the
 * two-node link of tests/support/wsk-topology.h (node 0 = 10.1.1.1 / 2001:db8::1, node 1 = 10.1.1.2 /
 * 2001:db8::2). Parameter Role:
 *   server (node 1): option statuses on an unbound and a bound listener, SIO_ADDRESS_LIST_QUERY/CHANGE,
 *     a dual-stack AF_INET6 listener (IPV6_V6ONLY = 0) on 9300, a v6-only one on 9301 and an AF_INET
 *     listener with SO_KEEPALIVE/SO_RCVBUF/TCP_KEEPIDLE on 9302 whose accepted socket inherits them;
 *     sends to a peer in TCP silent mode.
 *   client (node 0, from t = 1 s): connects over IPv4 and IPv6 to the dual-stack listener, to the v6-only
 *     listener over IPv4 (refused), and from a dual-stack AF_INET6 socket to a v4-mapped address, which it
 *     then puts in silent mode.
 * Every observation is a "RESULT name=value" line (statuses 0x%08X); tests/host/test_socket_options.cc
 * holds them against the documentation.
 */
#include "drv_wsk_common.h"

#include <mstcpip.h>

static WT_WSK g_wsk;
static PETHREAD g_thread;
static WCHAR g_role[16];

#define R(name, value) DbgPrint("RESULT " name "=0x%08X\n", (ULONG)(value))

/* One WskControlSocket with a ULONG in and/or out; Irp TRUE passes an IRP (waited for), FALSE passes NULL. */
static NTSTATUS Ctl(PWT_SYNC s, PWSK_SOCKET k, WSK_CONTROL_SOCKET_TYPE type, ULONG code, ULONG level, ULONG in,
                    ULONG *out, BOOLEAN irp)
{
    SIZE_T returned = 0;
    ULONG value = 0;
    NTSTATUS st;
    PVOID inBuf = type == WskSetOption ? &in : NULL;
    SIZE_T inSize = type == WskSetOption ? sizeof in : 0;
    PVOID outBuf = type == WskGetOption ? &value : NULL;
    SIZE_T outSize = type == WskGetOption ? sizeof value : 0;
    if (irp) {
        st = WtSyncEnd(s, "WskControlSocket",
                       WT_BASIC(k)->WskControlSocket(k, type, code, level, inSize, inBuf, outSize, outBuf, NULL,
                                                     WtSyncBegin(s)));
    } else {
        st = WT_BASIC(k)->WskControlSocket(k, type, code, level, inSize, inBuf, outSize, outBuf, &returned, NULL);
    }
    if (out != NULL)
        *out = value;
    return st;
}

static PWSK_SOCKET Listener(PWT_SYNC s, ADDRESS_FAMILY family)
{
    PWSK_SOCKET k;
    return NT_SUCCESS(WtCreateSocket(&g_wsk, s, family, WSK_FLAG_LISTEN_SOCKET, NULL, NULL, &k)) ? k : NULL;
}

static PWSK_SOCKET Accept(PWT_SYNC s, PWSK_SOCKET l, PSOCKADDR_STORAGE local, PSOCKADDR_STORAGE remote)
{
    NTSTATUS st = WtSyncEnd(s, "WskAccept",
                            WT_LISTEN(l)->WskAccept(l, 0, NULL, NULL, (PSOCKADDR)local, (PSOCKADDR)remote,
                                                    WtSyncBegin(s)));
    return NT_SUCCESS(st) ? (PWSK_SOCKET)s->Irp->IoStatus.Information : NULL;
}

static BOOLEAN IsV4Mapped(const SOCKADDR_STORAGE *a, UCHAR lastByte)
{
    const SOCKADDR_IN6 *a6 = (const SOCKADDR_IN6 *)a;
    const UCHAR *b = a6->sin6_addr.u.Byte;
    return a->ss_family == AF_INET6 && b[0] == 0 && b[9] == 0 && b[10] == 0xFF && b[11] == 0xFF && b[12] == 10 &&
           b[13] == 1 && b[14] == 1 && b[15] == lastByte;
}

/* The statuses of §6.2 on one AF_INET listener, before and after bind, and the address-list IOCTLs. */
static VOID OptionStatuses(PWT_SYNC s)
{
    PWSK_SOCKET l = Listener(s, AF_INET);
    ULONG v = 0xFFFF;
    SIZE_T need = 0;
    PVOID sd = (PVOID)(ULONG_PTR)0x5D5D5D00, sdOut = NULL;
    UCHAR list[256];
    PSOCKET_ADDRESS_LIST addresses = (PSOCKET_ADDRESS_LIST)list;
    WT_SYNC change;
    NTSTATUS st;
    if (l == NULL)
        return;
    R("get_reuseaddr", Ctl(s, l, WskGetOption, SO_REUSEADDR, SOL_SOCKET, 0, &v, TRUE));
    R("reuseaddr_default", v);
    R("get_exclusive", Ctl(s, l, WskGetOption, SO_EXCLUSIVEADDRUSE, SOL_SOCKET, 0, &v, TRUE));
    R("exclusive_default", v);
    R("get_keepalive", Ctl(s, l, WskGetOption, SO_KEEPALIVE, SOL_SOCKET, 0, &v, TRUE));
    R("keepalive_default", v);
    R("get_conditional", Ctl(s, l, WskGetOption, SO_CONDITIONAL_ACCEPT, SOL_SOCKET, 0, &v, TRUE));
    R("conditional_default", v);
    R("set_reuseaddr", Ctl(s, l, WskSetOption, SO_REUSEADDR, SOL_SOCKET, 1, NULL, TRUE));
    Ctl(s, l, WskGetOption, SO_REUSEADDR, SOL_SOCKET, 0, &v, TRUE);
    R("reuseaddr_after", v);
    R("set_rcvbuf", Ctl(s, l, WskSetOption, SO_RCVBUF, SOL_SOCKET, 200000, NULL, TRUE));
    Ctl(s, l, WskGetOption, SO_RCVBUF, SOL_SOCKET, 0, &v, TRUE);
    R("rcvbuf_after", v);
    R("set_rcvbuf_zero", Ctl(s, l, WskSetOption, SO_RCVBUF, SOL_SOCKET, 0, NULL, TRUE));
    R("set_sndbuf", Ctl(s, l, WskSetOption, SO_SNDBUF, SOL_SOCKET, 65536, NULL, TRUE));
    R("set_nodelay", Ctl(s, l, WskSetOption, TCP_NODELAY, IPPROTO_TCP, 1, NULL, TRUE));
    R("set_keepidle", Ctl(s, l, WskSetOption, TCP_KEEPIDLE, IPPROTO_TCP, 60, NULL, TRUE));
    Ctl(s, l, WskGetOption, TCP_KEEPIDLE, IPPROTO_TCP, 0, &v, TRUE);
    R("keepidle_after", v);
    R("set_keepidle_zero", Ctl(s, l, WskSetOption, TCP_KEEPIDLE, IPPROTO_TCP, 0, NULL, TRUE));
    R("set_v6only_on_inet", Ctl(s, l, WskSetOption, IPV6_V6ONLY, IPPROTO_IPV6, 0, NULL, TRUE));
    R("set_unknown_option", Ctl(s, l, WskSetOption, 0x7777, SOL_SOCKET, 1, NULL, TRUE));
    R("set_unknown_level", Ctl(s, l, WskSetOption, SO_REUSEADDR, 0x4242, 1, NULL, TRUE));
    R("ioctl_unknown", Ctl(s, l, WskIoctl, 0x98009999, 0, 0, NULL, TRUE));
    R("register_extension", WT_BASIC(l)->WskControlSocket(l, WskIoctl, SIO_WSK_REGISTER_EXTENSION, 0, 0, NULL, 0,
                                                          NULL, NULL, NULL));
    R("query_inspect_id", WT_BASIC(l)->WskControlSocket(l, WskIoctl, SIO_WSK_QUERY_INSPECT_ID, 0, 0, NULL, 0, NULL,
                                                        &need, NULL));
    R("security_no_irp", WT_BASIC(l)->WskControlSocket(l, WskSetOption, SO_WSK_SECURITY, SOL_SOCKET, sizeof sd, &sd,
                                                       0, NULL, NULL, NULL));
    R("security_set", WtSyncEnd(s, "WskControlSocket",
                                WT_BASIC(l)->WskControlSocket(l, WskSetOption, SO_WSK_SECURITY, SOL_SOCKET, sizeof sd,
                                                              &sd, 0, NULL, NULL, WtSyncBegin(s))));
    R("security_get", WtSyncEnd(s, "WskControlSocket",
                                WT_BASIC(l)->WskControlSocket(l, WskGetOption, SO_WSK_SECURITY, SOL_SOCKET, 0, NULL,
                                                              sizeof sdOut, &sdOut, NULL, WtSyncBegin(s))));
    R("security_same", sdOut == sd);
    /* SIO_ADDRESS_LIST_QUERY: probe for the size, then the list */
    need = 0;
    R("addrlist_probe", WT_BASIC(l)->WskControlSocket(l, WskIoctl, SIO_ADDRESS_LIST_QUERY, 0, 0, NULL, 0, NULL, &need,
                                                      NULL));
    R("addrlist_need_enough", need >= SIZEOF_SOCKET_ADDRESS_LIST(1) + sizeof(SOCKADDR_IN) && need <= sizeof list);
    R("addrlist_query", WT_BASIC(l)->WskControlSocket(l, WskIoctl, SIO_ADDRESS_LIST_QUERY, 0, 0, NULL, sizeof list,
                                                      list, &need, NULL));
    R("addrlist_count", addresses->iAddressCount);
    if (addresses->iAddressCount > 0) {
        PSOCKADDR_IN a = (PSOCKADDR_IN)addresses->Address[0].lpSockaddr;
        R("addrlist_first_family", a->sin_family);
        R("addrlist_first_last_byte", a->sin_addr.S_un.S_un_b.s_b4);
        R("addrlist_first_length", addresses->Address[0].iSockaddrLength);
    }
    /* SIO_ADDRESS_LIST_CHANGE pends; closing the socket cancels it */
    WtSyncInit(&change);
    st = WT_BASIC(l)->WskControlSocket(l, WskIoctl, SIO_ADDRESS_LIST_CHANGE, 0, 0, NULL, 0, NULL, NULL,
                                       WtSyncBegin(&change));
    WtSyncIssued(&change, "WskControlSocket", st);
    R("addrlist_change", st);
    /* after bind */
    WtBindWildcard(s, l, AF_INET, 9400);
    R("reuseaddr_after_bind", Ctl(s, l, WskSetOption, SO_REUSEADDR, SOL_SOCKET, 0, NULL, TRUE));
    R("exclusive_after_bind", Ctl(s, l, WskSetOption, SO_EXCLUSIVEADDRUSE, SOL_SOCKET, 1, NULL, TRUE));
    R("security_after_bind", WtSyncEnd(s, "WskControlSocket",
                                       WT_BASIC(l)->WskControlSocket(l, WskSetOption, SO_WSK_SECURITY, SOL_SOCKET,
                                                                     sizeof sd, &sd, 0, NULL, NULL, WtSyncBegin(s))));
    R("conditional_after_bind", Ctl(s, l, WskSetOption, SO_CONDITIONAL_ACCEPT, SOL_SOCKET, 1, NULL, TRUE));
    R("keepalive_after_bind", Ctl(s, l, WskSetOption, SO_KEEPALIVE, SOL_SOCKET, 1, NULL, TRUE));
    R("addrlist_change_before_close", change.Completed);
    WtCloseSocket(s, l);
    R("addrlist_change_at_close", WtSyncWaitMs(&change, 1000));
    WtSyncFree(&change);
}

/* A second SIO_ADDRESS_LIST_CHANGE, on an AF_INET6 datagram socket, completed by the test's address change. */
static VOID WaitAddressChange(PWT_SYNC s)
{
    PWSK_SOCKET d;
    SOCKADDR_STORAGE any;
    UCHAR list[256];
    SIZE_T need = 0;
    NTSTATUS st = WtSyncEnd(s, "WskSocket",
                            g_wsk.Npi.Dispatch->WskSocket(g_wsk.Npi.Client, AF_INET6, SOCK_DGRAM, IPPROTO_UDP,
                                                          WSK_FLAG_DATAGRAM_SOCKET, NULL, NULL, NULL, NULL, NULL,
                                                          WtSyncBegin(s)));
    if (!NT_SUCCESS(st))
        return;
    d = (PWSK_SOCKET)s->Irp->IoStatus.Information;
    WtMakeAddress(&any, AF_INET6, NULL, 0);
    WtSyncEnd(s, "WskBind", ((PWSK_PROVIDER_DATAGRAM_DISPATCH)d->Dispatch)->WskBind(d, (PSOCKADDR)&any, 0,
                                                                                     WtSyncBegin(s)));
    st = WT_BASIC(d)->WskControlSocket(d, WskIoctl, SIO_ADDRESS_LIST_QUERY, 0, 0, NULL, sizeof list, list, &need, NULL);
    R("addrlist6_query", st);
    if (NT_SUCCESS(st)) {
        PSOCKET_ADDRESS_LIST l = (PSOCKET_ADDRESS_LIST)list;
        int i, global = 0;
        for (i = 0; i < l->iAddressCount; i++) {
            PSOCKADDR_IN6 a = (PSOCKADDR_IN6)l->Address[i].lpSockaddr;
            if (a->sin6_family == AF_INET6 && a->sin6_addr.u.Byte[0] == 0x20 && a->sin6_addr.u.Byte[15] == 2)
                global++;
        }
        R("addrlist6_has_global", global);
    }
    st = WT_BASIC(d)->WskControlSocket(d, WskIoctl, SIO_ADDRESS_LIST_CHANGE, 0, 0, NULL, 0, NULL, NULL, WtSyncBegin(s));
    WtSyncIssued(s, "WskControlSocket", st);
    st = WtSyncWaitMs(s, 20000);
    R("addrlist_change_notified", st);
    DbgPrint("RESULT addrlist_change_ms=%llu\n", WtNowUs() / 1000);
    WtCloseSocket(s, d);
}

static VOID Server(PWT_SYNC s)
{
    PWSK_SOCKET dual = Listener(s, AF_INET6), v6 = Listener(s, AF_INET6), ka = Listener(s, AF_INET);
    PWSK_SOCKET a;
    SOCKADDR_STORAGE local, remote;
    ULONG v = 0;
    int i;
    struct tcp_keepalive kv = {1, 30000, 2000};
    WT_BUFFER buf;
    WT_SYNC send;
    NTSTATUS st;
    if (dual == NULL || v6 == NULL || ka == NULL)
        return;
    Ctl(s, dual, WskGetOption, IPV6_V6ONLY, IPPROTO_IPV6, 0, &v, TRUE);
    R("v6only_default", v);
    R("set_v6only", Ctl(s, dual, WskSetOption, IPV6_V6ONLY, IPPROTO_IPV6, 0, NULL, TRUE));
    R("dual_bind", WtBindWildcard(s, dual, AF_INET6, 9300));
    R("v6only_after_bind", Ctl(s, dual, WskSetOption, IPV6_V6ONLY, IPPROTO_IPV6, 1, NULL, TRUE));
    R("v6_bind", WtBindWildcard(s, v6, AF_INET6, 9301));
    R("keepalive_vals", WtSyncEnd(s, "WskControlSocket",
                                  WT_BASIC(ka)->WskControlSocket(ka, WskIoctl, SIO_KEEPALIVE_VALS, 0, sizeof kv, &kv, 0,
                                                                 NULL, NULL, WtSyncBegin(s))));
    Ctl(s, ka, WskGetOption, TCP_KEEPIDLE, IPPROTO_TCP, 0, &v, TRUE);
    R("keepidle_from_vals", v);
    Ctl(s, ka, WskSetOption, SO_RCVBUF, SOL_SOCKET, 131072, NULL, TRUE);
    R("ka_bind", WtBindWildcard(s, ka, AF_INET, 9302));
    /* two connections on the dual-stack listener: the IPv4 one shows up v4-mapped */
    for (i = 0; i < 2; i++) {
        a = Accept(s, dual, &local, &remote);
        if (a == NULL)
            continue;
        if (remote.ss_family == AF_INET6 && IsV4Mapped(&remote, 1)) {
            R("dual_v4_peer_mapped", 1);
            R("dual_v4_local_mapped", IsV4Mapped(&local, 2));
        } else {
            R("dual_v6_peer_family", remote.ss_family);
        }
        WtCloseSocket(s, a);
    }
    /* the accepted socket inherits the listener's keep-alive and receive-buffer settings */
    a = Accept(s, ka, &local, &remote);
    if (a != NULL) {
        Ctl(s, a, WskGetOption, SO_KEEPALIVE, SOL_SOCKET, 0, &v, TRUE);
        R("accepted_keepalive", v);
        Ctl(s, a, WskGetOption, SO_RCVBUF, SOL_SOCKET, 0, &v, TRUE);
        R("accepted_rcvbuf", v);
        Ctl(s, a, WskGetOption, TCP_KEEPIDLE, IPPROTO_TCP, 0, &v, TRUE);
        R("accepted_keepidle", v);
        R("accepted_peer_mapped", remote.ss_family == AF_INET);
        /* the peer goes silent at about t = 2 s: a send made after that is never acknowledged */
        WtSleepMs(1500);
        WtBufferAlloc(&buf, 1000);
        WtSyncInit(&send);
        {
            WSK_BUF wb = WtWskBuf(&buf, 1000);
            st = WT_CONN(a)->WskSend(a, &wb, 0, WtSyncBegin(&send));
            WtSyncIssued(&send, "WskSend", st);
        }
        WtSleepMs(3000);
        R("send_to_silent_peer_completed", send.Completed);
        WtCloseSocket(s, a); /* cancels the send */
        WtSyncWaitMs(&send, 1000);
        WtSyncFree(&send);
        WtBufferFree(&buf);
    }
    WtCloseSocket(s, dual);
    WtCloseSocket(s, v6);
    WtCloseSocket(s, ka);
}

static NTSTATUS Connect(PWT_SYNC s, ADDRESS_FAMILY family, BOOLEAN dual, PCWSTR to, USHORT port, PWSK_SOCKET *out)
{
    SOCKADDR_STORAGE remote;
    NTSTATUS st = WtCreateSocket(&g_wsk, s, family, WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, out);
    if (!NT_SUCCESS(st))
        return st;
    if (dual)
        Ctl(s, *out, WskSetOption, IPV6_V6ONLY, IPPROTO_IPV6, 0, NULL, TRUE);
    WtBindWildcard(s, *out, family, 0);
    WtMakeAddress(&remote, family, to, port);
    return WtConnect(s, *out, &remote);
}

static VOID Client(PWT_SYNC s)
{
    PWSK_SOCKET c;
    SOCKADDR_STORAGE addr;
    WT_BUFFER buf;
    WT_SYNC recv;
    NTSTATUS st;
    WtSleepMs(1000);
    R("connect_v4_to_dual", Connect(s, AF_INET, FALSE, L"10.1.1.2", 9300, &c));
    WtCloseSocket(s, c);
    R("connect_v6_to_dual", Connect(s, AF_INET6, FALSE, L"2001:db8::2", 9300, &c));
    WtCloseSocket(s, c);
    R("connect_v4_to_v6only", Connect(s, AF_INET, FALSE, L"10.1.1.2", 9301, &c));
    WtCloseSocket(s, c);
    R("connect_mapped_v6only", Connect(s, AF_INET6, FALSE, L"::ffff:10.1.1.2", 9302, &c));
    R("silent_unconnected", WtSyncEnd(s, "WskControlSocket",
                                      WT_BASIC(c)->WskControlSocket(c, WskIoctl, SIO_WSK_SET_TCP_SILENT_MODE, 0, 0,
                                                                    NULL, 0, NULL, NULL, WtSyncBegin(s))));
    WtCloseSocket(s, c);
    R("connect_mapped_dual", Connect(s, AF_INET6, TRUE, L"::ffff:10.1.1.2", 9302, &c));
    WtSyncEnd(s, "WskGetRemoteAddress", WT_CONN(c)->WskGetRemoteAddress(c, (PSOCKADDR)&addr, WtSyncBegin(s)));
    R("mapped_remote_is_mapped", IsV4Mapped(&addr, 2));
    WtSyncEnd(s, "WskGetLocalAddress", WT_CONN(c)->WskGetLocalAddress(c, (PSOCKADDR)&addr, WtSyncBegin(s)));
    R("mapped_local_is_mapped", IsV4Mapped(&addr, 1));
    /* TCP silent mode */
    R("silent_no_irp", WT_BASIC(c)->WskControlSocket(c, WskIoctl, SIO_WSK_SET_TCP_SILENT_MODE, 0, 0, NULL, 0, NULL,
                                                     NULL, NULL));
    R("silent", WtSyncEnd(s, "WskControlSocket",
                          WT_BASIC(c)->WskControlSocket(c, WskIoctl, SIO_WSK_SET_TCP_SILENT_MODE, 0, 0, NULL, 0, NULL,
                                                        NULL, WtSyncBegin(s))));
    WtBufferAlloc(&buf, 1000);
    {
        WSK_BUF wb = WtWskBuf(&buf, 100);
        R("send_after_silent", WtSyncEnd(s, "WskSend", WT_CONN(c)->WskSend(c, &wb, 0, WtSyncBegin(s))));
        R("disconnect_after_silent",
          WtSyncEnd(s, "WskDisconnect", WT_CONN(c)->WskDisconnect(c, NULL, 0, WtSyncBegin(s))));
        WtSyncInit(&recv);
        wb.Length = 1000;
        st = WT_CONN(c)->WskReceive(c, &wb, 0, WtSyncBegin(&recv));
        WtSyncIssued(&recv, "WskReceive", st);
        WtSleepMs(5000);
        R("receive_after_silent_completed", recv.Completed);
        WtCloseSocket(s, c);
        R("receive_after_silent_at_close", WtSyncWaitMs(&recv, 1000));
        WtSyncFree(&recv);
    }
    WtBufferFree(&buf);
}

static VOID Worker(PVOID ctx)
{
    WT_SYNC s;
    UNREFERENCED_PARAMETER(ctx);
    WtSyncInit(&s);
    if (WtIs(g_role, "server")) {
        OptionStatuses(&s);
        Server(&s);
    } else if (WtIs(g_role, "notify")) {
        WaitAddressChange(&s);
    } else {
        Client(&s);
    }
    WtSyncFree(&s);
    WtReportIrpChecks();
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
    WtJoinThread(&g_thread);
    WtWskClose(&g_wsk);
    DbgPrint("RESULT unloaded=1\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    HANDLE key;
    NTSTATUS st;
    WtOpenParameters(path, &key);
    WtParamString(key, L"Role", g_role, ARRAYSIZE(g_role), L"client");
    WtCloseParameters(key);
    drv->DriverUnload = Unload;
    st = WtWskOpen(&g_wsk, WSK_INFINITE_WAIT);
    if (!NT_SUCCESS(st))
        return st;
    return WtStartThread(Worker, NULL, &g_thread);
}
