/*
 * drv_udp_common.h - what the drv_udp_* test drivers share on top of drv_wsk_common.h: datagram sockets,
 * synchronous WskSendTo/WskReceiveFrom, ULONG options, address text, and the datagram payload convention
 * (byte 0 = sequence number, the rest the WtPattern of that number).
 */
#ifndef DRV_UDP_COMMON_H
#define DRV_UDP_COMMON_H

#include "drv_wsk_common.h"

#define WU_DGRAM(Socket) ((const WSK_PROVIDER_DATAGRAM_DISPATCH *)(Socket)->Dispatch)

/* "10.1.1.2:7000" / "[2001:db8::2]:7000" */
WT_FN const char *WuText(const SOCKADDR *a, char *Buffer, ULONG Size)
{
    ULONG n = Size;
    Buffer[0] = 0;
    if (a == NULL)
        return "(null)";
    if (a->sa_family == AF_INET) {
        const SOCKADDR_IN *v4 = (const SOCKADDR_IN *)a;
        RtlIpv4AddressToStringExA(&v4->sin_addr, v4->sin_port, Buffer, &n);
    } else if (a->sa_family == AF_INET6) {
        const SOCKADDR_IN6 *v6 = (const SOCKADDR_IN6 *)a;
        RtlIpv6AddressToStringExA(&v6->sin6_addr, 0, v6->sin6_port, Buffer, &n);
    } else {
        return "(family?)";
    }
    return Buffer;
}

/* A WSK_FLAG_DATAGRAM_SOCKET socket (SOCK_DGRAM/IPPROTO_UDP). */
WT_FN NTSTATUS WuSocket(PWT_WSK w, PWT_SYNC s, ADDRESS_FAMILY Family, PVOID Context, const VOID *Dispatch,
                         PWSK_SOCKET *Socket)
{
    NTSTATUS status = WtSyncEnd(s, "WskSocket",
                                w->Npi.Dispatch->WskSocket(w->Npi.Client, Family, SOCK_DGRAM, IPPROTO_UDP,
                                                           WSK_FLAG_DATAGRAM_SOCKET, Context, Dispatch, NULL, NULL,
                                                           NULL, WtSyncBegin(s)));
    *Socket = NT_SUCCESS(status) ? (PWSK_SOCKET)s->Irp->IoStatus.Information : NULL;
    return status;
}

WT_FN NTSTATUS WuBind(PWT_SYNC s, PWSK_SOCKET Socket, ADDRESS_FAMILY Family, PCWSTR Address, USHORT Port)
{
    SOCKADDR_STORAGE local;
    WtMakeAddress(&local, Family, Address, Port);
    return WtSyncEnd(s, "WskBind", WU_DGRAM(Socket)->WskBind(Socket, (PSOCKADDR)&local, 0, WtSyncBegin(s)));
}

WT_FN NTSTATUS WuSetUlong(PWT_SYNC s, PWSK_SOCKET Socket, ULONG Level, ULONG Option, ULONG Value)
{
    return WtSyncEnd(s, "WskControlSocket",
                     WU_DGRAM(Socket)->WskControlSocket(Socket, WskSetOption, Option, Level, sizeof(Value), &Value, 0,
                                                        NULL, NULL, WtSyncBegin(s)));
}

WT_FN NTSTATUS WuGetUlong(PWT_SYNC s, PWSK_SOCKET Socket, ULONG Level, ULONG Option, ULONG *Value)
{
    *Value = 0xFFFFFFFFu;
    return WtSyncEnd(s, "WskControlSocket",
                     WU_DGRAM(Socket)->WskControlSocket(Socket, WskGetOption, Option, Level, 0, NULL, sizeof(*Value),
                                                        Value, NULL, WtSyncBegin(s)));
}

WT_FN NTSTATUS WuIoctlAddress(PWT_SYNC s, PWSK_SOCKET Socket, ULONG Code, PSOCKADDR_STORAGE Address)
{
    SIZE_T size = Address == NULL ? 0 : (Address->ss_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN));
    return WtSyncEnd(s, "WskControlSocket",
                     WU_DGRAM(Socket)->WskControlSocket(Socket, WskIoctl, Code, 0, size, Address, 0, NULL, NULL,
                                                        WtSyncBegin(s)));
}

/* Fills Length bytes: byte 0 = Seq, then the pattern of Seq. */
WT_FN VOID WuFill(PUCHAR Data, SIZE_T Length, ULONG Seq)
{
    if (Length == 0)
        return;
    Data[0] = (UCHAR)Seq;
    WtFillPattern(Data + 1, Length - 1, 1, Seq);
}

/* Bytes of a datagram that do not follow WuFill for its own sequence number. */
WT_FN SIZE_T WuCheck(const UCHAR *Data, SIZE_T Length)
{
    return Length <= 1 ? 0 : WtCheckPattern(Data + 1, Length - 1, 1, Data[0]);
}

WT_FN NTSTATUS WuSendTo(PWT_SYNC s, PWSK_SOCKET Socket, WT_BUFFER *b, SIZE_T Length, PSOCKADDR_STORAGE Remote)
{
    WSK_BUF buf = WtWskBuf(b, Length);
    return WtSyncEnd(s, "WskSendTo",
                     WU_DGRAM(Socket)->WskSendTo(Socket, &buf, 0, (PSOCKADDR)Remote, 0, NULL, WtSyncBegin(s)));
}

typedef struct _WU_RECV {
    SOCKADDR_STORAGE From;
    ULONG ControlLength;
    ULONG ControlFlags;
    UCHAR Control[64];
} WU_RECV;

/* WskReceiveFrom into b (Length bytes of it), cancelled after TimeoutMs. ControlRoom = *ControlLength in. */
WT_FN NTSTATUS WuReceiveFrom(PWT_SYNC s, PWSK_SOCKET Socket, WT_BUFFER *b, SIZE_T Length, WU_RECV *r,
                              ULONG ControlRoom, ULONG TimeoutMs)
{
    WSK_BUF buf = WtWskBuf(b, Length);
    RtlZeroMemory(r, sizeof(*r));
    r->ControlLength = ControlRoom;
    r->ControlFlags = 0xFFFFFFFFu;
    WtSyncIssued(s, "WskReceiveFrom",
                 WU_DGRAM(Socket)->WskReceiveFrom(Socket, &buf, 0, (PSOCKADDR)&r->From, &r->ControlLength,
                                                  (PCMSGHDR)r->Control, &r->ControlFlags, WtSyncBegin(s)));
    return WtSyncWaitMs(s, TimeoutMs);
}

#endif /* DRV_UDP_COMMON_H */
