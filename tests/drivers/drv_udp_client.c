/*
 * drv_udp_client.c - datagram-socket scenarios run from a system thread; each check is logged as
 * "RESULT <name>=0x<status> [more]". Parameters: Test (below), Family 2|23, Server (text), Port (server
 * port, default 7000), LocalPort (default 0), Remote (a peer, text), RemotePort.
 *   Test 1 api:       the rules of every datagram function against an echo peer at Server:Port
 *   Test 2 pktinfo:   IP_PKTINFO / IPV6_PKTINFO control information on WskReceiveFrom
 *   Test 4 ping:      one request/response (the reply waited for 500 ms)
 *   Test 5 filter:    SIO_WSK_SET_REMOTE_ADDRESS = Remote:RemotePort while two peers send to LocalPort, then
 *                     SIO_WSK_SET_SENDTO_ADDRESS = Remote2:RemotePort
 *   Test 6 broadcast: SO_BROADCAST, then a request to Server (a broadcast address)
 *   Test 7 rcvbuf:    SO_RCVBUF = RcvBuf (default 3000) while a peer sends five 1000-byte datagrams nobody
 *                     reads yet
 */
#include "drv_udp_common.h"

static WT_WSK g_wsk;
static PETHREAD g_thread;
static ULONG g_test = 1, g_family = AF_INET, g_port = 7000, g_localPort = 0, g_remotePort = 7000, g_rcvBuf = 3000;
static WCHAR g_server[64], g_remote[64], g_remote2[64];

static NTSTATUS Close(PWT_SYNC s, PWSK_SOCKET *sock)
{
    NTSTATUS st = STATUS_SUCCESS;
    if (*sock != NULL)
        st = WtCloseSocket(s, *sock);
    *sock = NULL;
    return st;
}

/* One request/response: sends Length bytes of sequence Seq, waits TimeoutMs for the reply. */
static NTSTATUS Ping(PWT_SYNC s, PWSK_SOCKET sock, WT_BUFFER *b, SIZE_T Length, ULONG Seq, PSOCKADDR_STORAGE to,
                     WU_RECV *r, SIZE_T *got, ULONG TimeoutMs)
{
    NTSTATUS st;
    WuFill(b->Data, Length, Seq);
    st = WuSendTo(s, sock, b, Length, to);
    if (!NT_SUCCESS(st))
        return st;
    RtlZeroMemory(b->Data, b->Size);
    st = WuReceiveFrom(s, sock, b, b->Size, r, sizeof r->Control, TimeoutMs);
    *got = s->Irp->IoStatus.Information;
    return st;
}

static VOID TestApi(VOID)
{
    WT_SYNC s;
    WT_BUFFER b;
    WU_RECV r;
    PWSK_SOCKET sock = NULL, other = NULL, third = NULL, tcp = NULL;
    SOCKADDR_STORAGE server, local;
    NTSTATUS st;
    SIZE_T got = 0;
    char text[64];
    ADDRESS_FAMILY fam = (ADDRESS_FAMILY)g_family;
    WtSyncInit(&s);
    WtBufferAlloc(&b, 65536);
    WtMakeAddress(&server, fam, g_server, (USHORT)g_port);

    st = WuSocket(&g_wsk, &s, fam, NULL, NULL, &sock);
    DbgPrint("RESULT socket=0x%08X\n", st);
    /* unbound: every data call refuses (and completes the IRP with the same status) */
    DbgPrint("RESULT sendto_unbound=0x%08X\n", WuSendTo(&s, sock, &b, 10, &server));
    DbgPrint("RESULT recvfrom_unbound=0x%08X\n", WuReceiveFrom(&s, sock, &b, 10, &r, 0, 100));
    st = WtSyncEnd(&s, "WskGetLocalAddress",
                   WU_DGRAM(sock)->WskGetLocalAddress(sock, (PSOCKADDR)&local, WtSyncBegin(&s)));
    DbgPrint("RESULT getlocal_unbound=0x%08X\n", st);
    DbgPrint("RESULT bind=0x%08X\n", WuBind(&s, sock, fam, NULL, 0));
    DbgPrint("RESULT bind_again=0x%08X\n", WuBind(&s, sock, fam, NULL, 0));
    if (fam == AF_INET6) /* only before bind (diagnosed) */
        DbgPrint("RESULT v6only_after_bind=0x%08X\n", WuSetUlong(&s, sock, IPPROTO_IPV6, IPV6_V6ONLY, 0));
    RtlZeroMemory(&local, sizeof local);
    st = WtSyncEnd(&s, "WskGetLocalAddress",
                   WU_DGRAM(sock)->WskGetLocalAddress(sock, (PSOCKADDR)&local, WtSyncBegin(&s)));
    DbgPrint("RESULT getlocal=0x%08X family=%u port_nonzero=%d info=%Iu\n", st, local.ss_family,
             ((SOCKADDR_IN *)&local)->sin_port != 0, s.Irp->IoStatus.Information);

    /* request/response */
    st = WuSendTo(&s, sock, &b, 0, &server); /* a zero-length datagram is a datagram */
    DbgPrint("RESULT sendto_empty=0x%08X info=%Iu\n", st, s.Irp->IoStatus.Information);
    st = WuReceiveFrom(&s, sock, &b, 100, &r, sizeof r.Control, 2000);
    DbgPrint("RESULT recv_empty=0x%08X info=%Iu\n", st, s.Irp->IoStatus.Information);
    st = Ping(&s, sock, &b, 1000, 1, &server, &r, &got, 2000);
    DbgPrint("RESULT ping=0x%08X got=%Iu seq=%u bad=%Iu from=%s ctl_len=%u ctl_flags=0x%x\n", st, got, b.Data[0],
             WuCheck(b.Data, got), WuText((PSOCKADDR)&r.From, text, sizeof text), r.ControlLength, r.ControlFlags);

    /* one datagram per receive: the rest of a long one is lost and MSG_TRUNC says so */
    WuFill(b.Data, 100, 2);
    WuSendTo(&s, sock, &b, 100, &server);
    st = WuReceiveFrom(&s, sock, &b, 10, &r, sizeof r.Control, 2000);
    DbgPrint("RESULT trunc=0x%08X info=%Iu flags=0x%x seq=%u\n", st, s.Irp->IoStatus.Information, r.ControlFlags,
             b.Data[0]);

    /* size limit */
    DbgPrint("RESULT sendto_65508=0x%08X\n", WuSendTo(&s, sock, &b, 65508, &server));
    st = Ping(&s, sock, &b, 65507, 3, &server, &r, &got, 5000);
    DbgPrint("RESULT ping_65507=0x%08X got=%Iu bad=%Iu\n", st, got, WuCheck(b.Data, got));

    /* no destination at all: misuse (diagnosed) */
    DbgPrint("RESULT sendto_null=0x%08X\n", WuSendTo(&s, sock, &b, 10, NULL));
    {
        SOCKADDR_STORAGE to;
        WSK_BUF buf = WtWskBuf(&b, 10);
        WtMakeAddress(&to, fam, NULL, 7000);
        DbgPrint("RESULT sendto_wildcard=0x%08X\n", WuSendTo(&s, sock, &b, 10, &to));
        WtMakeAddress(&to, fam, g_server, 0);
        DbgPrint("RESULT sendto_port0=0x%08X\n", WuSendTo(&s, sock, &b, 10, &to));
        WtMakeAddress(&to, fam, fam == AF_INET6 ? L"2001:db8:99::1" : L"192.168.9.9", 7000);
        DbgPrint("RESULT sendto_noroute=0x%08X\n", WuSendTo(&s, sock, &b, 10, &to));
        WtMakeAddress(&to, fam == AF_INET6 ? AF_INET : AF_INET6, fam == AF_INET6 ? L"10.1.1.2" : L"2001:db8:1::2",
                      7000);
        DbgPrint("RESULT sendto_wrong_family=0x%08X\n", WuSendTo(&s, sock, &b, 10, &to)); /* diagnosed */
        if (fam == AF_INET6) {
            /* IPV6_V6ONLY (the default): no IPv4 side to send a v4-mapped destination through */
            WtMakeAddress(&to, AF_INET6, L"::ffff:10.1.1.2", 7000);
            DbgPrint("RESULT sendto_mapped_v6only=0x%08X\n", WuSendTo(&s, sock, &b, 10, &to));
        }
        st = WtSyncEnd(&s, "WskSendTo",
                       WU_DGRAM(sock)->WskSendTo(sock, &buf, 1, (PSOCKADDR)&server, 0, NULL, WtSyncBegin(&s)));
        DbgPrint("RESULT sendto_flags=0x%08X\n", st); /* reserved Flags (diagnosed) */
    }
    /* a fixed destination makes RemoteAddress optional; replies from anyone are still received */
    DbgPrint("RESULT set_sendto=0x%08X\n", WuIoctlAddress(&s, sock, SIO_WSK_SET_SENDTO_ADDRESS, &server));
    st = Ping(&s, sock, &b, 300, 4, NULL, &r, &got, 2000);
    DbgPrint("RESULT ping_fixed=0x%08X got=%Iu seq=%u from=%s\n", st, got, b.Data[0],
             WuText((PSOCKADDR)&r.From, text, sizeof text));
    DbgPrint("RESULT clear_sendto=0x%08X\n", WuIoctlAddress(&s, sock, SIO_WSK_SET_SENDTO_ADDRESS, NULL));

    /* WskSendMessages: three datagrams in one IRP, Information = their sum */
    {
        WSK_BUF_LIST l[3];
        WT_BUFFER m[3];
        SIZE_T len[3] = {100, 200, 300};
        for (int i = 0; i < 3; i++) {
            WtBufferAlloc(&m[i], len[i]);
            WuFill(m[i].Data, len[i], 10 + i);
            l[i].Next = i < 2 ? &l[i + 1] : NULL;
            l[i].Buffer = WtWskBuf(&m[i], len[i]);
        }
        st = WtSyncEnd(&s, "WskSendMessages",
                       WU_DGRAM(sock)->WskSendMessages(sock, l, 0, (PSOCKADDR)&server, 0, NULL, WtSyncBegin(&s)));
        DbgPrint("RESULT sendmessages=0x%08X info=%Iu\n", st, s.Irp->IoStatus.Information);
        for (int i = 0; i < 3; i++) {
            st = WuReceiveFrom(&s, sock, &b, 1000, &r, 0, 2000);
            DbgPrint("RESULT sendmessages_echo%d=0x%08X info=%Iu seq=%u\n", i, st, s.Irp->IoStatus.Information,
                     b.Data[0]);
            WtBufferFree(&m[i]);
        }
    }

    /* a pending WskReceiveFrom is cancellable, and WskCloseSocket cancels the ones left */
    st = WuReceiveFrom(&s, sock, &b, 100, &r, 0, 50);
    DbgPrint("RESULT recv_cancelled=0x%08X\n", st);
    {
        WT_SYNC p;
        WSK_BUF buf = WtWskBuf(&b, 100);
        WtSyncInit(&p);
        WtSyncIssued(&p, "WskReceiveFrom",
                     WU_DGRAM(sock)->WskReceiveFrom(sock, &buf, 0, NULL, NULL, NULL, NULL, WtSyncBegin(&p)));
        DbgPrint("RESULT close=0x%08X\n", Close(&s, &sock));
        DbgPrint("RESULT recv_at_close=0x%08X\n", WtSyncWaitMs(&p, 1000));
        WtSyncFree(&p);
    }

    /* categories and types */
    st = WtSyncEnd(&s, "WskSocket",
                   g_wsk.Npi.Dispatch->WskSocket(g_wsk.Npi.Client, fam, SOCK_RAW, 17, WSK_FLAG_DATAGRAM_SOCKET, NULL,
                                                 NULL, NULL, NULL, NULL, WtSyncBegin(&s)));
    DbgPrint("RESULT raw=0x%08X\n", st);
    st = WtSyncEnd(&s, "WskSocket",
                   g_wsk.Npi.Dispatch->WskSocket(g_wsk.Npi.Client, fam, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_BASIC_SOCKET,
                                                 NULL, NULL, NULL, NULL, NULL, WtSyncBegin(&s)));
    other = NT_SUCCESS(st) ? (PWSK_SOCKET)s.Irp->IoStatus.Information : NULL;
    DbgPrint("RESULT basic_dgram=0x%08X\n", st);
    if (other != NULL) {
        DbgPrint("RESULT basic_reuse=0x%08X\n", WuSetUlong(&s, other, SOL_SOCKET, SO_REUSEADDR, 1));
        DbgPrint("RESULT basic_close=0x%08X\n", Close(&s, &other));
    }

    /* address sharing (§6.5) between datagram sockets; TCP has its own ports */
    WuSocket(&g_wsk, &s, fam, NULL, NULL, &sock);
    WuSocket(&g_wsk, &s, fam, NULL, NULL, &other);
    WuSocket(&g_wsk, &s, fam, NULL, NULL, &third);
    /* an address that is not this node's; a v4-mapped one on an IPV6_V6ONLY socket */
    DbgPrint("RESULT bind_foreign=0x%08X\n",
             WuBind(&s, sock, fam, fam == AF_INET6 ? L"2001:db8:1::9" : L"10.1.1.9", 7100));
    if (fam == AF_INET6)
        DbgPrint("RESULT bind_mapped_v6only=0x%08X\n", WuBind(&s, sock, fam, L"::ffff:10.1.1.1", 7100));
    DbgPrint("RESULT share_first=0x%08X\n", WuBind(&s, sock, fam, NULL, 7100));
    DbgPrint("RESULT share_second=0x%08X\n", WuBind(&s, other, fam, NULL, 7100));
    DbgPrint("RESULT share_reuse_opt=0x%08X\n", WuSetUlong(&s, third, SOL_SOCKET, SO_REUSEADDR, 1));
    DbgPrint("RESULT share_reuse=0x%08X\n", WuBind(&s, third, fam, NULL, 7100));
    if (fam == AF_INET)
        DbgPrint("RESULT v6only_on_v4=0x%08X\n", WuSetUlong(&s, third, IPPROTO_IPV6, IPV6_V6ONLY, 0));
    WtCreateSocket(&g_wsk, &s, fam, WSK_FLAG_LISTEN_SOCKET, NULL, NULL, &tcp);
    DbgPrint("RESULT share_tcp=0x%08X\n", WtBindWildcard(&s, tcp, fam, 7100));
    Close(&s, &tcp);
    Close(&s, &sock);
    Close(&s, &other);
    Close(&s, &third);
    WtBufferFree(&b);
    WtSyncFree(&s);
}

static VOID TestPktInfo(VOID)
{
    WT_SYNC s;
    WT_BUFFER b;
    WU_RECV r;
    PWSK_SOCKET sock = NULL;
    SOCKADDR_STORAGE server;
    SIZE_T got;
    ULONG v = 7;
    BOOLEAN v6 = g_family == AF_INET6;
    NTSTATUS st;
    WtSyncInit(&s);
    WtBufferAlloc(&b, 2048);
    WtMakeAddress(&server, (ADDRESS_FAMILY)g_family, g_server, (USHORT)g_port);
    WuSocket(&g_wsk, &s, (ADDRESS_FAMILY)g_family, NULL, NULL, &sock);
    WuBind(&s, sock, (ADDRESS_FAMILY)g_family, NULL, 0);
    st = Ping(&s, sock, &b, 50, 1, &server, &r, &got, 2000);
    DbgPrint("RESULT pktinfo_off=0x%08X ctl_len=%u\n", st, r.ControlLength);
    st = WuSetUlong(&s, sock, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_PKTINFO : IP_PKTINFO, 1);
    WuGetUlong(&s, sock, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_PKTINFO : IP_PKTINFO, &v);
    DbgPrint("RESULT pktinfo_set=0x%08X get=%u\n", st, v);
    st = Ping(&s, sock, &b, 50, 2, &server, &r, &got, 2000);
    {
        PWSACMSGHDR h = (PWSACMSGHDR)r.Control;
        char addr[64] = {0};
        ULONG ifindex = 0;
        if (v6) {
            IN6_PKTINFO *pi = (IN6_PKTINFO *)WSA_CMSG_DATA(h);
            RtlIpv6AddressToStringA(&pi->ipi6_addr, addr);
            ifindex = pi->ipi6_ifindex;
        } else {
            IN_PKTINFO *pi = (IN_PKTINFO *)WSA_CMSG_DATA(h);
            RtlIpv4AddressToStringA(&pi->ipi_addr, addr);
            ifindex = pi->ipi_ifindex;
        }
        DbgPrint("RESULT pktinfo=0x%08X ctl_len=%u space=%Iu cmsg_len=%Iu level=%d type=%d addr=%s if=%u flags=0x%x\n",
                 st, r.ControlLength, (SIZE_T)WSA_CMSG_SPACE(v6 ? sizeof(IN6_PKTINFO) : sizeof(IN_PKTINFO)),
                 h->cmsg_len, h->cmsg_level, h->cmsg_type, addr, ifindex, r.ControlFlags);
    }
    /* too little room for the control data: nothing copied, MSG_CTRUNC */
    WuFill(b.Data, 50, 3);
    WuSendTo(&s, sock, &b, 50, &server);
    st = WuReceiveFrom(&s, sock, &b, 2048, &r, 8, 2000);
    DbgPrint("RESULT pktinfo_small=0x%08X ctl_len=%u flags=0x%x\n", st, r.ControlLength, r.ControlFlags);
    Close(&s, &sock);
    WtBufferFree(&b);
    WtSyncFree(&s);
}

static VOID TestPing(VOID)
{
    WT_SYNC s;
    WT_BUFFER b;
    WU_RECV r;
    PWSK_SOCKET sock = NULL;
    SOCKADDR_STORAGE server;
    SIZE_T got = 0;
    char text[64];
    NTSTATUS st;
    WtSyncInit(&s);
    WtBufferAlloc(&b, 2048);
    WtMakeAddress(&server, (ADDRESS_FAMILY)g_family, g_server, (USHORT)g_port);
    WuSocket(&g_wsk, &s, (ADDRESS_FAMILY)g_family, NULL, NULL, &sock);
    WuBind(&s, sock, (ADDRESS_FAMILY)g_family, NULL, (USHORT)g_localPort);
    st = Ping(&s, sock, &b, 64, 9, &server, &r, &got, 500);
    DbgPrint("RESULT ping=0x%08X got=%Iu from=%s\n", st, got, WuText((PSOCKADDR)&r.From, text, sizeof text));
    Close(&s, &sock);
    WtBufferFree(&b);
    WtSyncFree(&s);
}

/* Logs every datagram that arrives within Ms; returns how many. */
static ULONG Drain(PWT_SYNC s, PWSK_SOCKET sock, WT_BUFFER *b, ULONG Ms, const char *Phase)
{
    ULONG n = 0;
    ULONGLONG end = WtNowUs() + (ULONGLONG)Ms * 1000;
    char text[64];
    WU_RECV r;
    while (WtNowUs() < end) {
        ULONG left = (ULONG)((end - WtNowUs()) / 1000);
        NTSTATUS st = WuReceiveFrom(s, sock, b, b->Size, &r, 0, left ? left : 1);
        if (st != STATUS_SUCCESS)
            break;
        DbgPrint("RECV %s seq=%u from=%s\n", Phase, b->Data[0], WuText((PSOCKADDR)&r.From, text, sizeof text));
        n++;
    }
    return n;
}

static VOID TestFilter(VOID)
{
    WT_SYNC s;
    WT_BUFFER b;
    PWSK_SOCKET sock = NULL;
    SOCKADDR_STORAGE remote;
    ADDRESS_FAMILY fam = (ADDRESS_FAMILY)g_family;
    WtSyncInit(&s);
    WtBufferAlloc(&b, 2048);
    WtMakeAddress(&remote, fam, g_remote, (USHORT)g_remotePort);
    WuSocket(&g_wsk, &s, fam, NULL, NULL, &sock);
    DbgPrint("RESULT remote_unbound=0x%08X\n", WuIoctlAddress(&s, sock, SIO_WSK_SET_REMOTE_ADDRESS, &remote));
    WuBind(&s, sock, fam, NULL, (USHORT)g_localPort);
    DbgPrint("RESULT set_remote=0x%08X\n", WuIoctlAddress(&s, sock, SIO_WSK_SET_REMOTE_ADDRESS, &remote));
    DbgPrint("RESULT filtered=%u\n", Drain(&s, sock, &b, 1000, "filtered"));
    /* the fixed remote is also the default destination */
    WuFill(b.Data, 20, 77);
    DbgPrint("RESULT send_fixed=0x%08X\n", WuSendTo(&s, sock, &b, 20, NULL));
    {
        /* with both fixed addresses, sends default to the SIO_WSK_SET_SENDTO_ADDRESS one */
        SOCKADDR_STORAGE other;
        WtMakeAddress(&other, fam, g_remote2, (USHORT)g_remotePort);
        DbgPrint("RESULT set_sendto=0x%08X\n", WuIoctlAddress(&s, sock, SIO_WSK_SET_SENDTO_ADDRESS, &other));
        WuFill(b.Data, 20, 78);
        DbgPrint("RESULT send_fixed2=0x%08X\n", WuSendTo(&s, sock, &b, 20, NULL));
    }
    DbgPrint("RESULT clear_remote=0x%08X\n", WuIoctlAddress(&s, sock, SIO_WSK_SET_REMOTE_ADDRESS, NULL));
    DbgPrint("RESULT open=%u\n", Drain(&s, sock, &b, 1000, "open"));
    Close(&s, &sock);
    WtBufferFree(&b);
    WtSyncFree(&s);
}

static VOID TestBroadcast(VOID)
{
    WT_SYNC s;
    WT_BUFFER b;
    WU_RECV r;
    PWSK_SOCKET sock = NULL;
    SOCKADDR_STORAGE to;
    SIZE_T got = 0;
    ULONG v = 7;
    char text[64];
    WtSyncInit(&s);
    WtBufferAlloc(&b, 2048);
    WtMakeAddress(&to, AF_INET, g_server, (USHORT)g_port);
    WuSocket(&g_wsk, &s, AF_INET, NULL, NULL, &sock);
    WuBind(&s, sock, AF_INET, NULL, 0);
    WuGetUlong(&s, sock, SOL_SOCKET, SO_BROADCAST, &v);
    DbgPrint("RESULT broadcast_default=%u\n", v);
    WuFill(b.Data, 32, 1);
    DbgPrint("RESULT broadcast_off=0x%08X\n", WuSendTo(&s, sock, &b, 32, &to));
    DbgPrint("RESULT broadcast_set=0x%08X\n", WuSetUlong(&s, sock, SOL_SOCKET, SO_BROADCAST, 1));
    WuGetUlong(&s, sock, SOL_SOCKET, SO_BROADCAST, &v);
    DbgPrint("RESULT broadcast_get=%u\n", v);
    NTSTATUS st = Ping(&s, sock, &b, 32, 2, &to, &r, &got, 2000);
    DbgPrint("RESULT broadcast_ping=0x%08X got=%Iu from=%s\n", st, got, WuText((PSOCKADDR)&r.From, text, sizeof text));
    Close(&s, &sock);
    WtBufferFree(&b);
    WtSyncFree(&s);
}

static VOID TestRcvBuf(VOID)
{
    WT_SYNC s;
    WT_BUFFER b;
    PWSK_SOCKET sock = NULL;
    ULONG v = 0;
    WtSyncInit(&s);
    WtBufferAlloc(&b, 2048);
    WuSocket(&g_wsk, &s, (ADDRESS_FAMILY)g_family, NULL, NULL, &sock);
    WuGetUlong(&s, sock, SOL_SOCKET, SO_RCVBUF, &v);
    DbgPrint("RESULT rcvbuf_default=%u\n", v);
    WuBind(&s, sock, (ADDRESS_FAMILY)g_family, NULL, (USHORT)g_localPort);
    DbgPrint("RESULT rcvbuf_set=0x%08X\n", WuSetUlong(&s, sock, SOL_SOCKET, SO_RCVBUF, g_rcvBuf));
    WuGetUlong(&s, sock, SOL_SOCKET, SO_RCVBUF, &v);
    DbgPrint("RESULT rcvbuf_get=%u\n", v);
    WtSleepMs(2000); /* the peer's five datagrams arrive meanwhile */
    DbgPrint("RESULT rcvbuf_kept=%u\n", Drain(&s, sock, &b, 200, "kept"));
    Close(&s, &sock);
    WtBufferFree(&b);
    WtSyncFree(&s);
}

static VOID Main(PVOID ctx)
{
    UNREFERENCED_PARAMETER(ctx);
    switch (g_test) {
    case 1:
        TestApi();
        break;
    case 2:
        TestPktInfo();
        break;
    case 4:
        TestPing();
        break;
    case 5:
        TestFilter();
        break;
    case 6:
        TestBroadcast();
        break;
    case 7:
        TestRcvBuf();
        break;
    }
    DbgPrint("RESULT done test=%u\n", g_test);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
    WtJoinThread(&g_thread);
    WtReportIrpChecks();
    WtWskClose(&g_wsk);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    HANDLE key;
    NTSTATUS st;
    drv->DriverUnload = Unload;
    g_WtIrpLogAll = FALSE;
    WtOpenParameters(path, &key);
    g_test = WtParamDword(key, L"Test", 1);
    g_family = WtParamDword(key, L"Family", AF_INET);
    g_port = WtParamDword(key, L"Port", 7000);
    g_localPort = WtParamDword(key, L"LocalPort", 0);
    g_remotePort = WtParamDword(key, L"RemotePort", 7000);
    g_rcvBuf = WtParamDword(key, L"RcvBuf", 3000);
    WtParamString(key, L"Server", g_server, 64, L"10.1.1.2");
    WtParamString(key, L"Remote", g_remote, 64, L"10.1.1.2");
    WtParamString(key, L"Remote2", g_remote2, 64, L"10.1.2.2");
    WtCloseParameters(key);
    st = WtWskOpen(&g_wsk, WSK_INFINITE_WAIT);
    if (!NT_SUCCESS(st))
        return st;
    return WtStartThread(Main, NULL, &g_thread);
}
