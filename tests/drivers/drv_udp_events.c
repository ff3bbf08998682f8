/*
 * drv_udp_events.c - a datagram socket receiving through WskReceiveFromEvent. Parameters: Family, Port
 * (default 7000), EnableMs (enable the callback that long after bind; default 0), PktInfo (1: IP_PKTINFO /
 * IPV6_PKTINFO), Mode:
 *   1 consume: return STATUS_SUCCESS
 *   2 retain:  keep the first indication (STATUS_PENDING), detaching every element; release element 0 from
 *              inside the callback and the others one per 10 ms timer tick, then element 0 again (misuse)
 *   3 decline: return STATUS_DATA_NOT_ACCEPTED once (enabled with SO_WSK_EVENT_CALLBACK); re-enable at
 *              ReenableMs; consume from then on
 *   4 decline-static: the same with WSK_SET_STATIC_EVENT_CALLBACKS (no re-enable), and try to disable it
 *   5 precedence: a WskReceiveFrom IRP is pending when the first datagram arrives
 *   6 close-inside: WskCloseSocket from inside the first callback, which keeps its indication
 * Each callback logs "IND call=C n=N seqs=a,b,.. flags=0x.. irql=I" and per element "ELEM seq=.. len=..
 * from=.. mdl_ok=.. ctl=.. ctl_type=..".
 */
#include "drv_udp_common.h"

#define MAX_KEEP 64

static WT_WSK g_wsk;
static PWSK_SOCKET g_sock;
static PETHREAD g_thread;
static ULONG g_family = AF_INET, g_port = 7000, g_mode = 1, g_enableMs = 0, g_reenableMs = 0, g_pktInfo = 0;
static LONG g_calls, g_elements;
static PWSK_DATAGRAM_INDICATION g_kept[MAX_KEEP];
static ULONG g_keptCount, g_nextRelease;
static KTIMER g_timer;
static KDPC g_dpc;
static volatile LONG g_inCallback;
static PIRP g_closeIrp, g_recvIrp;
static WT_BUFFER g_recvBuf;
static SOCKADDR_STORAGE g_recvFrom;
static BOOLEAN g_closed;

static NTSTATUS CloseDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    DbgPrint("CLOSE status=0x%08X in_callback=%d pending_returned=%d\n", irp->IoStatus.Status, g_inCallback,
             irp->PendingReturned);
    g_closed = TRUE;
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS RecvDone(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    char from[64];
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(ctx);
    DbgPrint("IRP status=0x%08X seq=%u len=%Iu from=%s\n", irp->IoStatus.Status, g_recvBuf.Data[0],
             irp->IoStatus.Information, WuText((PSOCKADDR)&g_recvFrom, from, sizeof from));
    IoFreeIrp(irp);
    g_recvIrp = NULL;
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID ReleaseDpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    if (g_nextRelease < g_keptCount) {
        PWSK_DATAGRAM_INDICATION i = g_kept[g_nextRelease];
        const UCHAR *va = (const UCHAR *)MmGetSystemAddressForMdlSafe(i->Buffer.Mdl, NormalPagePriority);
        ULONG seq = va[0];
        SIZE_T bad = WuCheck(va, i->Buffer.Length); /* still intact while kept */
        NTSTATUS st = WU_DGRAM(g_sock)->WskRelease(g_sock, i);
        DbgPrint("RELEASE i=%u seq=%u bad=%Iu status=0x%08X\n", g_nextRelease, seq, bad, st);
        g_nextRelease++;
    } else {
        /* element 0 went back from inside the callback: a second release is refused */
        DbgPrint("RELEASE again status=0x%08X\n", WU_DGRAM(g_sock)->WskRelease(g_sock, g_kept[0]));
        KeCancelTimer(&g_timer);
    }
}

static NTSTATUS WSKAPI OnReceiveFrom(PVOID ctx, ULONG flags, PWSK_DATAGRAM_INDICATION ind)
{
    LONG call = InterlockedIncrement(&g_calls);
    ULONG n = 0;
    char seqs[256];
    ULONG pos = 0;
    PWSK_DATAGRAM_INDICATION i;
    NTSTATUS ret = STATUS_SUCCESS;
    UNREFERENCED_PARAMETER(ctx);
    if (ind == NULL) {
        DbgPrint("IND call=%d NULL\n", call);
        return STATUS_SUCCESS;
    }
    InterlockedIncrement(&g_inCallback);
    seqs[0] = 0;
    for (i = ind; i != NULL; i = i->Next) {
        PMDL m = i->Buffer.Mdl;
        const UCHAR *va = (const UCHAR *)MmGetSystemAddressForMdlSafe(m, NormalPagePriority);
        char from[64];
        BOOLEAN mdlOk = m->Next == NULL && (m->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL) && m->MappedSystemVa == va &&
                        MmGetMdlByteCount(m) == i->Buffer.Length && i->Buffer.Offset == 0;
        int ctlType = i->ControlInfo != NULL ? i->ControlInfo->cmsg_type : -1;
        n++;
        g_elements++;
        if (pos < sizeof seqs - 8)
            pos += (ULONG)sprintf(seqs + pos, "%s%u", pos ? "," : "", i->Buffer.Length ? va[0] : 0);
        DbgPrint("ELEM seq=%u len=%Iu bad=%Iu from=%s mdl_ok=%d ctl=%u ctl_type=%d\n", i->Buffer.Length ? va[0] : 0,
                 i->Buffer.Length, WuCheck(va, i->Buffer.Length), WuText(i->RemoteAddress, from, sizeof from), mdlOk,
                 i->ControlInfoLength, ctlType);
    }
    DbgPrint("IND call=%d n=%u seqs=%s flags=0x%x irql=%u\n", call, n, seqs, flags, KeGetCurrentIrql());
    switch (g_mode) {
    case 2:
        if (call == 1) {
            /* keep every element on its own, as wireguard-nt does: detach, then release one right away */
            for (i = ind; i != NULL && g_keptCount < MAX_KEEP;) {
                PWSK_DATAGRAM_INDICATION next = i->Next;
                i->Next = NULL;
                g_kept[g_keptCount++] = i;
                i = next;
            }
            DbgPrint("RELEASE in_callback status=0x%08X\n", WU_DGRAM(g_sock)->WskRelease(g_sock, g_kept[0]));
            g_nextRelease = 1;
            LARGE_INTEGER due;
            due.QuadPart = -100000; /* 10 ms */
            KeSetTimerEx(&g_timer, due, 10, &g_dpc);
            ret = STATUS_PENDING;
        }
        break;
    case 3:
    case 4:
        if (call == 1)
            ret = STATUS_DATA_NOT_ACCEPTED;
        break;
    case 6:
        if (call == 1) {
            g_closeIrp = IoAllocateIrp(1, FALSE);
            IoSetCompletionRoutine(g_closeIrp, CloseDone, NULL, TRUE, TRUE, TRUE);
            DbgPrint("CLOSE returned=0x%08X\n", WU_DGRAM(g_sock)->WskCloseSocket(g_sock, g_closeIrp));
            ret = STATUS_PENDING; /* kept and never released: diagnosed at close */
        }
        break;
    default:
        break;
    }
    DbgPrint("IND call=%d return=0x%08X\n", call, ret);
    InterlockedDecrement(&g_inCallback);
    return ret;
}

static const WSK_CLIENT_DATAGRAM_DISPATCH g_events = {OnReceiveFrom};

static VOID Main(PVOID ctx)
{
    WT_SYNC s;
    WSK_EVENT_CALLBACK_CONTROL cb;
    NTSTATUS st;
    UNREFERENCED_PARAMETER(ctx);
    WtSyncInit(&s);
    if (g_mode == 4) {
        cb.NpiId = &NPI_WSK_INTERFACE_ID;
        cb.EventMask = WSK_EVENT_RECEIVE_FROM;
        st = g_wsk.Npi.Dispatch->WskControlClient(g_wsk.Npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof cb, &cb, 0,
                                                  NULL, NULL, NULL);
        DbgPrint("RESULT static=0x%08X\n", st);
    }
    WuSocket(&g_wsk, &s, (ADDRESS_FAMILY)g_family, NULL, &g_events, &g_sock);
    if (g_mode == 1) /* callbacks of a datagram socket can be enabled only after bind (misuse, diagnosed) */
        DbgPrint("RESULT enable_unbound=0x%08X\n", WtSetEventMask(g_sock, WSK_EVENT_RECEIVE_FROM, NULL, &cb));
    if (g_pktInfo)
        WuSetUlong(&s, g_sock, g_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
                   g_family == AF_INET6 ? IPV6_PKTINFO : IP_PKTINFO, 1);
    st = WuBind(&s, g_sock, (ADDRESS_FAMILY)g_family, NULL, (USHORT)g_port);
    DbgPrint("RESULT bind=0x%08X\n", st);
    if (g_mode == 4) {
        DbgPrint("RESULT disable_static=0x%08X\n",
                 WtSetEventMask(g_sock, WSK_EVENT_DISABLE | WSK_EVENT_RECEIVE_FROM, NULL, &cb));
    } else {
        if (g_enableMs)
            WtSleepMs(g_enableMs);
        DbgPrint("RESULT enable=0x%08X\n", WtSetEventMask(g_sock, WSK_EVENT_RECEIVE_FROM, NULL, &cb));
    }
    if (g_mode == 5) {
        WSK_BUF buf = WtWskBuf(&g_recvBuf, g_recvBuf.Size);
        g_recvIrp = IoAllocateIrp(1, FALSE);
        IoSetCompletionRoutine(g_recvIrp, RecvDone, NULL, TRUE, TRUE, TRUE);
        st = WU_DGRAM(g_sock)->WskReceiveFrom(g_sock, &buf, 0, (PSOCKADDR)&g_recvFrom, NULL, NULL, NULL, g_recvIrp);
        DbgPrint("RESULT recv_posted=0x%08X\n", st);
    }
    if (g_mode == 3 && g_reenableMs) {
        WtSleepMs(g_reenableMs - g_enableMs);
        DbgPrint("RESULT reenable=0x%08X calls_before=%d\n",
                 WtSetEventMask(g_sock, WSK_EVENT_RECEIVE_FROM, NULL, &cb), g_calls);
    }
    WtSyncFree(&s);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID Unload(PDRIVER_OBJECT drv)
{
    WT_SYNC s;
    UNREFERENCED_PARAMETER(drv);
    WtJoinThread(&g_thread);
    KeCancelTimer(&g_timer);
    WtSyncInit(&s);
    if (!g_closed && g_sock != NULL)
        DbgPrint("RESULT close=0x%08X\n", WtCloseSocket(&s, g_sock));
    WtSyncFree(&s);
    WtBufferFree(&g_recvBuf);
    DbgPrint("RESULT events calls=%d elements=%d\n", g_calls, g_elements);
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
    g_family = WtParamDword(key, L"Family", AF_INET);
    g_port = WtParamDword(key, L"Port", 7000);
    g_mode = WtParamDword(key, L"Mode", 1);
    g_enableMs = WtParamDword(key, L"EnableMs", 0);
    g_reenableMs = WtParamDword(key, L"ReenableMs", 0);
    g_pktInfo = WtParamDword(key, L"PktInfo", 0);
    WtCloseParameters(key);
    KeInitializeTimer(&g_timer);
    KeInitializeDpc(&g_dpc, ReleaseDpc, NULL);
    WtBufferAlloc(&g_recvBuf, 2048);
    st = WtWskOpen(&g_wsk, WSK_INFINITE_WAIT);
    if (!NT_SUCCESS(st))
        return st;
    return WtStartThread(Main, NULL, &g_thread);
}
