/*
 * wsk-stream.cc - WSK_PROVIDER_STREAM_DISPATCH (Windows 10 1703, wsk-api.md §3.5, §8.5): a stream socket
 * is bound first, then commits to the listening flow with WskListen or to the connection flow with
 * WskConnect/WskConnectEx; afterwards only that flow's functions apply (others fail with
 * STATUS_INVALID_DEVICE_STATE). Its client table WSK_CLIENT_STREAM_DISPATCH names one table per flow.
 * The work is done by the listen and connection implementations.
 */
#include "wsk-provider.h"

namespace ns3 {
namespace wsk {

static const WSK_CLIENT_STREAM_DISPATCH*
StreamTable(const WskSocketObj* s)
{
    return static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(s->streamDispatch);
}

/* Fails a call that does not belong to the flow the stream socket is (or is not yet) committed to. */
static NTSTATUS
WrongFlow(WskSocketObj* s, PIRP irp, const char* call, const char* need)
{
    const char* what = s->kind == SocketKind::Stream ? "is not committed yet"
                       : (s->kind == SocketKind::Listen ? "is a listener" : "is connected");
    if (irp == nullptr) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "this stream socket %s; %s needs %s (and an IRP)", what, call,
                need);
        return STATUS_INVALID_PARAMETER;
    }
    if (!IrpAccept(s->inst, irp, call, s->Handle())) {
        return STATUS_INVALID_PARAMETER;
    }
    Finding(s, call, STATUS_INVALID_DEVICE_STATE, "this stream socket %s; %s needs %s", what, call, need);
    return IrpRefuse(s->inst, irp, STATUS_INVALID_DEVICE_STATE);
}

static void
CommitTo(WskSocketObj* s, SocketKind kind)
{
    const WSK_CLIENT_STREAM_DISPATCH* t = StreamTable(s);
    s->kind = kind;
    if (kind == SocketKind::Listen) {
        s->clientDispatch = t ? t->Listen : nullptr;
        s->enabledEvents = s->client->staticEvents & WSK_EVENT_ACCEPT;
    } else {
        s->clientDispatch = t ? t->Connect : nullptr;
        s->enabledEvents =
            s->client->staticEvents & (WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_SEND_BACKLOG);
        if (s->tcp) {
            ConnectionAttachTcp(s, s->tcp);
        }
    }
}

#define STREAM_SOCKET(call)                           \
    WskSocketObj* s = SocketFromHandle(Socket, call); \
    if (s == nullptr) {                               \
        return STATUS_INVALID_HANDLE;                 \
    }

static NTSTATUS WSKAPI
StreamControl(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType, ULONG ControlCode, ULONG Level, SIZE_T InputSize,
              PVOID InputBuffer, SIZE_T OutputSize, PVOID OutputBuffer, SIZE_T* OutputSizeReturned, PIRP Irp)
{
    STREAM_SOCKET("WskControlSocket");
    auto fn = s->kind == SocketKind::Listen ? g_listenDispatch.WskControlSocket : g_connectionDispatch.WskControlSocket;
    return fn(Socket, RequestType, ControlCode, Level, InputSize, InputBuffer, OutputSize, OutputBuffer,
              OutputSizeReturned, Irp);
}

static NTSTATUS WSKAPI
StreamClose(PWSK_SOCKET Socket, PIRP Irp)
{
    STREAM_SOCKET("WskCloseSocket");
    return s->kind == SocketKind::Listen ? g_listenDispatch.WskCloseSocket(Socket, Irp)
                                         : g_connectionDispatch.WskCloseSocket(Socket, Irp);
}

static NTSTATUS WSKAPI
StreamBind(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags, PIRP Irp)
{
    STREAM_SOCKET("WskBind");
    /* binding does not commit the socket: the connection implementation binds without listening */
    return g_connectionDispatch.WskBind(Socket, LocalAddress, Flags, Irp);
}

static NTSTATUS WSKAPI
StreamListen(PWSK_SOCKET Socket, PIRP Irp)
{
    STREAM_SOCKET("WskListen");
    if (s->kind != SocketKind::Stream) {
        return WrongFlow(s, Irp, "WskListen", "an uncommitted stream socket");
    }
    if (Irp == nullptr) {
        Finding(s, "WskListen", STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    if (!IrpAccept(s->inst, Irp, "WskListen", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!s->bound || !s->tcp) {
        Finding(s, "WskListen", STATUS_INVALID_DEVICE_STATE, "the stream socket must be bound before WskListen");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    CommitTo(s, SocketKind::Listen);
    return IrpFinish(s->inst, Irp, ListenStart(s), 0);
}

static NTSTATUS WSKAPI
StreamAccept(PWSK_SOCKET Socket, ULONG Flags, PVOID AcceptSocketContext,
             CONST WSK_CLIENT_CONNECTION_DISPATCH* AcceptSocketDispatch, PSOCKADDR LocalAddress,
             PSOCKADDR RemoteAddress, PIRP Irp)
{
    STREAM_SOCKET("WskAccept");
    if (s->kind != SocketKind::Listen) {
        return WrongFlow(s, Irp, "WskAccept", "a stream socket committed with WskListen");
    }
    return g_listenDispatch.WskAccept(Socket, Flags, AcceptSocketContext, AcceptSocketDispatch, LocalAddress,
                                      RemoteAddress, Irp);
}

static NTSTATUS WSKAPI
StreamConnect(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, ULONG Flags, PIRP Irp)
{
    STREAM_SOCKET("WskConnect");
    if (s->kind == SocketKind::Listen) {
        return WrongFlow(s, Irp, "WskConnect", "a stream socket not committed to listening");
    }
    if (s->kind == SocketKind::Stream && s->bound) {
        CommitTo(s, SocketKind::Connection);
    }
    return g_connectionDispatch.WskConnect(Socket, RemoteAddress, Flags, Irp);
}

static NTSTATUS WSKAPI
StreamConnectEx(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    STREAM_SOCKET("WskConnectEx");
    if (s->kind == SocketKind::Listen) {
        return WrongFlow(s, Irp, "WskConnectEx", "a stream socket not committed to listening");
    }
    if (s->kind == SocketKind::Stream && s->bound) {
        CommitTo(s, SocketKind::Connection);
    }
    return g_connectionDispatch.WskConnectEx(Socket, RemoteAddress, Buffer, Flags, Irp);
}

#define NEEDS_CONNECTION(call)                                                              \
    STREAM_SOCKET(call);                                                                    \
    if (s->kind != SocketKind::Connection) {                                                \
        return WrongFlow(s, Irp, call, "a stream socket committed with WskConnect");        \
    }

static NTSTATUS WSKAPI
StreamSend(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    NEEDS_CONNECTION("WskSend");
    return g_connectionDispatch.WskSend(Socket, Buffer, Flags, Irp);
}

static NTSTATUS WSKAPI
StreamReceive(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    NEEDS_CONNECTION("WskReceive");
    return g_connectionDispatch.WskReceive(Socket, Buffer, Flags, Irp);
}

static NTSTATUS WSKAPI
StreamDisconnect(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    NEEDS_CONNECTION("WskDisconnect");
    return g_connectionDispatch.WskDisconnect(Socket, Buffer, Flags, Irp);
}

static NTSTATUS WSKAPI
StreamRelease(PWSK_SOCKET Socket, PWSK_DATA_INDICATION DataIndication)
{
    STREAM_SOCKET("WskRelease");
    if (s->kind != SocketKind::Connection) {
        Finding(s, "WskRelease", STATUS_INVALID_PARAMETER, "the stream socket is not connected");
        return STATUS_INVALID_PARAMETER;
    }
    return g_connectionDispatch.WskRelease(Socket, DataIndication);
}

static NTSTATUS WSKAPI
StreamGetLocal(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, PIRP Irp)
{
    STREAM_SOCKET("WskGetLocalAddress");
    return s->kind == SocketKind::Listen ? g_listenDispatch.WskGetLocalAddress(Socket, LocalAddress, Irp)
                                         : g_connectionDispatch.WskGetLocalAddress(Socket, LocalAddress, Irp);
}

static NTSTATUS WSKAPI
StreamGetRemote(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, PIRP Irp)
{
    NEEDS_CONNECTION("WskGetRemoteAddress");
    return g_connectionDispatch.WskGetRemoteAddress(Socket, RemoteAddress, Irp);
}

static NTSTATUS WSKAPI
StreamSendEx(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp)
{
    NEEDS_CONNECTION("WskSendEx");
    return g_connectionDispatch.WskSendEx(Socket, Buffer, Flags, ControlInfoLength, ControlInfo, Irp);
}

static NTSTATUS WSKAPI
StreamReceiveEx(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PULONG ControlInfoLength, PCMSGHDR ControlInfo,
                PULONG ControlFlags, PIRP Irp)
{
    NEEDS_CONNECTION("WskReceiveEx");
    return g_connectionDispatch.WskReceiveEx(Socket, Buffer, Flags, ControlInfoLength, ControlInfo, ControlFlags,
                                             Irp);
}

const WSK_PROVIDER_STREAM_DISPATCH g_streamDispatch = {
    {{StreamControl, StreamClose}}, StreamBind, StreamAccept, StreamConnect, StreamListen, StreamSend,
    StreamReceive, StreamDisconnect, StreamRelease, StreamGetLocal, StreamGetRemote, StreamConnectEx,
    StreamSendEx, StreamReceiveEx,
};

} // namespace wsk
} // namespace ns3
