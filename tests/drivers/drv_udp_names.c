/*
 * drv_udp_names.c - WskGetAddressInfo / WskFreeAddressInfo / WskGetNameInfo from a system thread. Each
 * query is logged as
 *   "GAI <tag> returned=0x.. status=0x.. elapsed=<100ns> info=N n=N list=<fam>:<addr>:<socktype>:<proto>,.. canon=.."
 *   "GNI <tag> returned=0x.. status=0x.. elapsed=<100ns> host=.. serv=.."
 * The expected answers depend on the topology the test builds (tests/host/test_names.cc).
 */
#include "drv_udp_common.h"

static WT_WSK g_wsk;
static PETHREAD g_thread;
static PADDRINFOEXW g_lateResult;
static volatile LONG g_lateDone;

typedef struct _GAI_QUERY {
    const char *Tag;
    PCWSTR Node; /* NULL: no NodeName */
    PCWSTR Service;
    int Family, SockType, Protocol, Flags;
    ULONG NameSpace; /* 0 = NS_ALL */
} GAI_QUERY;

static const GAI_QUERY g_gai[] = {
    {"g1", L"node1", L"7000", AF_UNSPEC, 0, 0, 0, NS_ALL},
    {"g2", L"node1", L"7000", AF_INET, 0, 0, 0, NS_ALL},
    {"g3", L"node1", L"7000", AF_INET6, 0, 0, 0, NS_ALL},
    {"g4", L"server", L"http", AF_INET, SOCK_STREAM, IPPROTO_TCP, AI_CANONNAME, NS_ALL},
    {"g5", L"db.example", L"53", AF_UNSPEC, SOCK_DGRAM, IPPROTO_UDP, 0, NS_ALL},
    {"g6", L"10.1.1.2", L"7000", AF_UNSPEC, 0, 0, 0, NS_ALL},
    {"g7", L"2001:db8:1::2", L"7000", AF_UNSPEC, 0, 0, 0, NS_ALL},
    {"g8", L"nosuch.example", L"7000", AF_UNSPEC, 0, 0, 0, NS_ALL},
    {"g9", L"NODE1", L"7000", AF_INET, 0, 0, 0, NS_ALL},
    {"g10", L"10.1.1.2", L"7000", AF_INET6, 0, 0, AI_V4MAPPED, NS_ALL},
    {"g11", L"node1", L"7000", AF_UNSPEC, 0, 0, AI_NUMERICHOST, NS_ALL},
    {"g12", NULL, L"7000", AF_INET, SOCK_DGRAM, IPPROTO_UDP, AI_PASSIVE, NS_ALL},
    {"g13", L"node1", L"nosuchsvc", AF_UNSPEC, 0, 0, 0, NS_ALL},
    {"g14", L"node1", L"7000", 99, 0, 0, 0, NS_ALL},
    {"g15", L"localhost", L"7", AF_INET, 0, 0, 0, NS_ALL},
    {"g16", L"", L"7000", AF_INET, 0, 0, 0, NS_ALL},
    {"g17", L"v4only.example", L"7000", AF_INET6, 0, 0, 0, NS_ALL},
    {"g18", L"node1", L"7000", AF_INET, SOCK_STREAM, IPPROTO_UDP, 0, NS_ALL},
    {"g19", L"node1", L"7000", AF_INET, 0, 0, 0, NS_NDS},
};

typedef struct _GNI_QUERY {
    const char *Tag;
    PCWSTR Address;
    USHORT Port;
    ULONG Flags;
    USHORT NodeChars; /* 0: no NodeName */
    USHORT ServiceChars;
} GNI_QUERY;

static const GNI_QUERY g_gni[] = {
    {"n1", L"10.1.1.2", 80, 0, 64, 16},
    {"n2", L"10.1.1.2", 80, NI_NUMERICHOST | NI_NUMERICSERV, 64, 16},
    {"n3", L"10.9.9.9", 7000, NI_NAMEREQD, 64, 16},
    {"n4", L"10.9.9.9", 7000, 0, 64, 16},
    {"n5", L"2001:db8:1::1", 7000, 0, 64, 16},
    {"n6", L"10.1.1.77", 53, NI_DGRAM, 64, 16},
    {"n7", L"10.1.1.77", 53, NI_NOFQDN, 64, 16},
    {"n8", L"10.1.1.2", 80, 0, 4, 16},
    {"n9", L"::ffff:10.1.1.2", 7000, 0, 64, 16},
    {"n10", L"10.1.1.2", 443, 0, 0, 16},
    {"n11", L"127.0.0.1", 7000, 0, 64, 16},
    {"n12", L"10.1.1.2", 7000, 0x100, 64, 16},
};

static VOID Narrow(PCWSTR w, USHORT Bytes, char *out, ULONG size)
{
    ULONG i = 0;
    for (; w != NULL && i < Bytes / sizeof(WCHAR) && i + 1 < size && w[i] != 0; i++)
        out[i] = (char)w[i];
    out[i] = 0;
}

static NTSTATUS Issue(PWT_SYNC s, const char *call, NTSTATUS returned, NTSTATUS *ret)
{
    *ret = returned;
    WtSyncIssued(s, call, returned);
    return WtSyncWaitMs(s, 60000);
}

static VOID Gai(PWT_SYNC s, const GAI_QUERY *q)
{
    UNICODE_STRING node, svc;
    ADDRINFOEXW hints;
    PADDRINFOEXW res = NULL, ai;
    NTSTATUS ret, st;
    ULONGLONG t0;
    char list[512], canon[64];
    ULONG pos = 0, n = 0;
    BOOLEAN flags0 = TRUE;
    if (q->Node)
        RtlInitUnicodeString(&node, q->Node);
    RtlInitUnicodeString(&svc, q->Service);
    RtlZeroMemory(&hints, sizeof hints);
    hints.ai_family = q->Family;
    hints.ai_socktype = q->SockType;
    hints.ai_protocol = q->Protocol;
    hints.ai_flags = q->Flags;
    t0 = KeQueryInterruptTime();
    st = Issue(s, "WskGetAddressInfo",
               g_wsk.Npi.Dispatch->WskGetAddressInfo(g_wsk.Npi.Client, q->Node ? &node : NULL, &svc, q->NameSpace, NULL,
                                                     &hints, &res, NULL, NULL, WtSyncBegin(s)),
               &ret);
    list[0] = 0;
    canon[0] = 0;
    for (ai = NT_SUCCESS(st) ? res : NULL; ai != NULL; ai = ai->ai_next) {
        char a[64];
        BOOLEAN lenOk = ai->ai_addrlen == (ai->ai_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN)) &&
                        ai->ai_addr->sa_family == ai->ai_family;
        n++;
        flags0 = flags0 && ai->ai_flags == 0;
        if (pos < sizeof list - 100)
            pos += (ULONG)sprintf(list + pos, "%s%d:%s:%d:%d%s", pos ? "," : "", ai->ai_family,
                                  WuText(ai->ai_addr, a, sizeof a), ai->ai_socktype, ai->ai_protocol,
                                  lenOk ? "" : ":BADLEN");
    }
    if (NT_SUCCESS(st) && res != NULL && res->ai_canonname != NULL)
        Narrow(res->ai_canonname, 128, canon, sizeof canon);
    DbgPrint("GAI %s returned=0x%08X status=0x%08X elapsed=%I64u info=%Iu n=%u list=%s canon=%s result_null=%d "
             "flags0=%d\n",
             q->Tag, ret, st, KeQueryInterruptTime() - t0, s->Irp->IoStatus.Information, n, list, canon, res == NULL,
             flags0);
    if (res != NULL)
        g_wsk.Npi.Dispatch->WskFreeAddressInfo(g_wsk.Npi.Client, res);
}

static VOID Gni(PWT_SYNC s, const GNI_QUERY *q)
{
    SOCKADDR_STORAGE sa;
    WCHAR nodeBuf[64], svcBuf[16];
    UNICODE_STRING node = {0, (USHORT)(q->NodeChars * sizeof(WCHAR)), nodeBuf};
    UNICODE_STRING svc = {0, (USHORT)(q->ServiceChars * sizeof(WCHAR)), svcBuf};
    char host[64], serv[16];
    NTSTATUS ret, st;
    ULONGLONG t0;
    RtlZeroMemory(nodeBuf, sizeof nodeBuf);
    RtlZeroMemory(svcBuf, sizeof svcBuf);
    WtMakeAddress(&sa, AF_INET, q->Address, q->Port);
    t0 = KeQueryInterruptTime();
    st = Issue(s, "WskGetNameInfo",
               g_wsk.Npi.Dispatch->WskGetNameInfo(g_wsk.Npi.Client, (PSOCKADDR)&sa,
                                                  sa.ss_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN),
                                                  q->NodeChars ? &node : NULL, q->ServiceChars ? &svc : NULL,
                                                  q->Flags, NULL, NULL, WtSyncBegin(s)),
               &ret);
    Narrow(nodeBuf, node.Length, host, sizeof host);
    Narrow(svcBuf, svc.Length, serv, sizeof serv);
    DbgPrint("GNI %s returned=0x%08X status=0x%08X elapsed=%I64u host=%s serv=%s\n", q->Tag, ret, st,
             KeQueryInterruptTime() - t0, host, serv);
}

static NTSTATUS LateDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    DbgPrint("RESULT late_lookup=0x%08X\n", irp->IoStatus.Status);
    if (g_lateResult != NULL)
        g_wsk.Npi.Dispatch->WskFreeAddressInfo(g_wsk.Npi.Client, g_lateResult);
    g_lateDone = 1;
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID Main(PVOID ctx)
{
    WT_SYNC s;
    UNREFERENCED_PARAMETER(ctx);
    WtSyncInit(&s);
    for (ULONG i = 0; i < sizeof g_gai / sizeof g_gai[0]; i++)
        Gai(&s, &g_gai[i]);
    for (ULONG i = 0; i < sizeof g_gni / sizeof g_gni[0]; i++)
        Gni(&s, &g_gni[i]);
    {
        /* no IRP: refused at once, nothing to complete */
        UNICODE_STRING node;
        PADDRINFOEXW res = NULL;
        RtlInitUnicodeString(&node, L"node1");
        DbgPrint("RESULT gai_null_irp=0x%08X\n", g_wsk.Npi.Dispatch->WskGetAddressInfo(
                                                      g_wsk.Npi.Client, &node, NULL, NS_ALL, NULL, NULL, &res, NULL,
                                                      NULL, NULL));
    }
    {
        /* a pending look-up is cancellable */
        UNICODE_STRING node;
        PADDRINFOEXW res = NULL;
        NTSTATUS ret;
        RtlInitUnicodeString(&node, L"node1");
        ret = g_wsk.Npi.Dispatch->WskGetAddressInfo(g_wsk.Npi.Client, &node, NULL, NS_ALL, NULL, NULL, &res, NULL,
                                                    NULL, WtSyncBegin(&s));
        WtSyncIssued(&s, "WskGetAddressInfo", ret);
        IoCancelIrp(s.Irp);
        DbgPrint("RESULT gai_cancel returned=0x%08X status=0x%08X result_null=%d\n", ret, WtSyncWaitMs(&s, 60000),
                 res == NULL);
    }
    {
        /* WskFreeAddressInfo frees a whole list once; a second free is diagnosed */
        UNICODE_STRING node;
        PADDRINFOEXW res = NULL;
        NTSTATUS ret, st;
        RtlInitUnicodeString(&node, L"node1");
        st = Issue(&s, "WskGetAddressInfo",
                   g_wsk.Npi.Dispatch->WskGetAddressInfo(g_wsk.Npi.Client, &node, NULL, NS_ALL, NULL, NULL, &res,
                                                         NULL, NULL, WtSyncBegin(&s)),
                   &ret);
        g_wsk.Npi.Dispatch->WskFreeAddressInfo(g_wsk.Npi.Client, res);
        g_wsk.Npi.Dispatch->WskFreeAddressInfo(g_wsk.Npi.Client, res);
        DbgPrint("RESULT free_twice lookup=0x%08X\n", st);
    }
    WtSyncFree(&s);
    {
        /* WskDeregister waits for a look-up still pending (it counts like an open socket) */
        UNICODE_STRING node;
        PIRP irp = IoAllocateIrp(1, FALSE);
        ULONGLONG t0;
        RtlInitUnicodeString(&node, L"node1");
        IoSetCompletionRoutine(irp, LateDone, NULL, TRUE, TRUE, TRUE);
        g_wsk.Npi.Dispatch->WskGetAddressInfo(g_wsk.Npi.Client, &node, NULL, NS_ALL, NULL, NULL, &g_lateResult, NULL,
                                              NULL, irp);
        t0 = KeQueryInterruptTime();
        WtWskClose(&g_wsk);
        DbgPrint("RESULT deregister_waited=%I64u late_done=%d\n", KeQueryInterruptTime() - t0, g_lateDone);
    }
    DbgPrint("RESULT names done\n");
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
    NTSTATUS st;
    UNREFERENCED_PARAMETER(path);
    drv->DriverUnload = Unload;
    st = WtWskOpen(&g_wsk, WSK_INFINITE_WAIT);
    if (!NT_SUCCESS(st))
        return st;
    return WtStartThread(Main, NULL, &g_thread);
}
