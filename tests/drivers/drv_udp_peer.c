/*
 * drv_udp_peer.c - the other end of the datagram tests. Parameters:
 *   Family 2|23 (default 2), Port (default 7000), V6Only (AF_INET6: 0 makes it dual-stack; default: untouched)
 *   Mode 0: echo every datagram back to its sender, with WskReceiveFrom IRPs (a system thread)
 *   Mode 1: echo from WskReceiveFromEvent (enabled with SO_WSK_EVENT_CALLBACK), WskSendTo from the callback
 *   Mode 2: send Count datagrams of Size bytes (sequence numbers 0..Count-1) to Target:TargetPort, the first
 *           at StartMs and then every IntervalMs; log what comes back ("GOT ...") through the receive event
 * Logs "ECHO seq=N len=L from=A flags=0x.." (modes 0, 1), "SENT seq=N status=0x.." and "GOT seq=N len=L
 * from=A" (mode 2), then "RESULT peer ..." at unload.
 */
#include "drv_udp_common.h"

static WT_WSK g_wsk;
static PWSK_SOCKET g_sock;
static PETHREAD g_thread;
static volatile LONG g_stop;
static ULONG g_family = AF_INET, g_port = 7000, g_mode = 0, g_v6only = 2;
static ULONG g_count = 1, g_size = 100, g_startMs = 1000, g_intervalMs = 10, g_targetPort = 7000;
static WCHAR g_target[64];
static LONG g_echoed, g_sent, g_got;

/* An echo buffer: MDL and data in one pool block, freed by the send's completion routine. */
typedef struct _ECHO {
    SOCKADDR_STORAGE To;
    PMDL Mdl;
    UCHAR Data[1];
} ECHO;

static NTSTATUS EchoDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    ECHO *e = (ECHO *)ctx;
    UNREFERENCED_PARAMETER(d);
    IoFreeMdl(e->Mdl);
    ExFreePoolWithTag(e, WT_TAG);
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Sends a copy of Bytes back to To (any IRQL <= DISPATCH_LEVEL, no waiting). */
static VOID EchoBack(const UCHAR *Bytes, SIZE_T Length, const SOCKADDR *To)
{
    ECHO *e = (ECHO *)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(ECHO) + Length, WT_TAG);
    WSK_BUF buf;
    PIRP irp;
    RtlCopyMemory(e->Data, Bytes, Length);
    RtlCopyMemory(&e->To, To, To->sa_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN));
    e->Mdl = IoAllocateMdl(e->Data, (ULONG)(Length ? Length : 1), FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(e->Mdl);
    buf.Mdl = e->Mdl;
    buf.Offset = 0;
    buf.Length = Length;
    irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, EchoDone, e, TRUE, TRUE, TRUE);
    WU_DGRAM(g_sock)->WskSendTo(g_sock, &buf, 0, (PSOCKADDR)&e->To, 0, NULL, irp);
    InterlockedIncrement(&g_echoed);
}

static NTSTATUS WSKAPI OnReceiveFrom(PVOID ctx, ULONG flags, PWSK_DATAGRAM_INDICATION ind)
{
    char from[64];
    UNREFERENCED_PARAMETER(ctx);
    for (; ind != NULL; ind = ind->Next) {
        const UCHAR *va = (const UCHAR *)MmGetSystemAddressForMdlSafe(ind->Buffer.Mdl, NormalPagePriority);
        SIZE_T len = ind->Buffer.Length;
        if (g_mode == 1) {
            DbgPrint("ECHO seq=%u len=%Iu from=%s flags=0x%x\n", len ? va[0] : 0, len,
                     WuText(ind->RemoteAddress, from, sizeof from), flags & ~(ULONG)WSK_FLAG_AT_DISPATCH_LEVEL);
            EchoBack(va, len, ind->RemoteAddress);
        } else {
            InterlockedIncrement(&g_got);
            DbgPrint("GOT seq=%u len=%Iu from=%s bad=%Iu\n", len ? va[0] : 0, len,
                     WuText(ind->RemoteAddress, from, sizeof from), WuCheck(va, len));
        }
    }
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_DATAGRAM_DISPATCH g_events = {OnReceiveFrom};

static VOID EchoThread(PVOID ctx)
{
    WT_SYNC s;
    WT_BUFFER b;
    WU_RECV r;
    char from[64];
    UNREFERENCED_PARAMETER(ctx);
    WtSyncInit(&s);
    WtBufferAlloc(&b, 65536);
    while (!g_stop) {
        NTSTATUS st = WuReceiveFrom(&s, g_sock, &b, 65536, &r, 0, 3600 * 1000);
        SIZE_T n = s.Irp->IoStatus.Information;
        if (!NT_SUCCESS(st))
            break;
        DbgPrint("ECHO seq=%u len=%Iu from=%s flags=0x%x\n", n ? b.Data[0] : 0, n,
                 WuText((PSOCKADDR)&r.From, from, sizeof from), r.ControlFlags);
        EchoBack(b.Data, n, (PSOCKADDR)&r.From);
    }
    WtBufferFree(&b);
    WtSyncFree(&s);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID SendThread(PVOID ctx)
{
    WT_SYNC s;
    WT_BUFFER b;
    SOCKADDR_STORAGE to;
    WSK_EVENT_CALLBACK_CONTROL cb;
    UNREFERENCED_PARAMETER(ctx);
    WtSyncInit(&s);
    WtBufferAlloc(&b, g_size);
    WtMakeAddress(&to, (ADDRESS_FAMILY)g_family, g_target, (USHORT)g_targetPort);
    WtSetEventMask(g_sock, WSK_EVENT_RECEIVE_FROM, NULL, &cb);
    WtSleepMs(g_startMs);
    for (ULONG i = 0; i < g_count && !g_stop; i++) {
        NTSTATUS st;
        WuFill(b.Data, g_size, i);
        st = WuSendTo(&s, g_sock, &b, g_size, &to);
        DbgPrint("SENT seq=%u status=0x%08X info=%Iu\n", i, st, s.Irp->IoStatus.Information);
        InterlockedIncrement(&g_sent);
        if (g_intervalMs)
            WtSleepMs(g_intervalMs);
    }
    WtBufferFree(&b);
    WtSyncFree(&s);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    WT_SYNC s;
    UNREFERENCED_PARAMETER(drv);
    g_stop = 1;
    WtSyncInit(&s);
    if (g_sock != NULL)
        WtCloseSocket(&s, g_sock); /* cancels the echo thread's pending WskReceiveFrom */
    WtJoinThread(&g_thread);
    WtSyncFree(&s);
    DbgPrint("RESULT peer echoed=%d sent=%d got=%d\n", g_echoed, g_sent, g_got);
    WtReportIrpChecks();
    WtWskClose(&g_wsk);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING path)
{
    HANDLE key;
    WT_SYNC s;
    NTSTATUS st;
    WSK_EVENT_CALLBACK_CONTROL cb;
    drv->DriverUnload = Unload;
    g_WtIrpLogAll = FALSE;
    WtOpenParameters(path, &key);
    g_family = WtParamDword(key, L"Family", AF_INET);
    g_port = WtParamDword(key, L"Port", 7000);
    g_mode = WtParamDword(key, L"Mode", 0);
    g_v6only = WtParamDword(key, L"V6Only", 2);
    g_count = WtParamDword(key, L"Count", 1);
    g_size = WtParamDword(key, L"Size", 100);
    g_startMs = WtParamDword(key, L"StartMs", 1000);
    g_intervalMs = WtParamDword(key, L"IntervalMs", 10);
    g_targetPort = WtParamDword(key, L"TargetPort", 7000);
    WtParamString(key, L"Target", g_target, 64, L"10.1.1.2");
    WtCloseParameters(key);
    st = WtWskOpen(&g_wsk, WSK_INFINITE_WAIT);
    if (!NT_SUCCESS(st))
        return st;
    WtSyncInit(&s);
    st = WuSocket(&g_wsk, &s, (ADDRESS_FAMILY)g_family, NULL, &g_events, &g_sock);
    if (NT_SUCCESS(st) && g_v6only != 2)
        st = WuSetUlong(&s, g_sock, IPPROTO_IPV6, IPV6_V6ONLY, g_v6only);
    if (NT_SUCCESS(st))
        st = WuBind(&s, g_sock, (ADDRESS_FAMILY)g_family, NULL, (USHORT)g_port);
    DbgPrint("peer: bind 0x%08X\n", st);
    if (NT_SUCCESS(st) && g_mode == 1)
        st = WtSetEventMask(g_sock, WSK_EVENT_RECEIVE_FROM, NULL, &cb);
    WtSyncFree(&s);
    if (!NT_SUCCESS(st))
        return st;
    if (g_mode == 0)
        st = WtStartThread(EchoThread, NULL, &g_thread);
    else if (g_mode == 2)
        st = WtStartThread(SendThread, NULL, &g_thread);
    return st;
}
