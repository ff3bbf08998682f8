/*
 * wsk-listen.cc - WSK_PROVIDER_LISTEN_DISPATCH (wsk-api.md §3.2, §4.2, §8.5): a listening socket listens
 * once WskBind completes; each established connection goes to a queued WskAccept IRP, else to
 * WskAcceptEvent, else waits in the provider's queue. Connection events enabled on the listener are
 * enabled on sockets accepted through WskAcceptEvent.
 */
#include "wsk-provider.h"

#include "latency-recorder.h"



#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/simulator.h"

#include <cstring>

namespace ns3 {
namespace wsk {

using namespace LatencyKind;

NTSTATUS ListenBindTcp(WskSocketObj* s, PSOCKADDR LocalAddress, const char* call);

static bool
OnConnectionRequest(Ptr<Socket> sock, const Address&)
{
    auto* t = dynamic_cast<WskTcpSocket*>(PeekPointer(sock));
    auto* s = t ? static_cast<WskSocketObj*>(t->GetOwner()) : nullptr;
    return s != nullptr && !s->closing && !s->closed;
}

static void
FillAddresses(WskSocketObj* child, PSOCKADDR local, PSOCKADDR remote)
{
    if (local) {
        AddressToSockaddr(child->localAddr, local, child->family);
    }
    if (remote) {
        AddressToSockaddr(child->remoteAddr, remote, child->family);
    }
}

static void
HandOver(WskSocketObj* listener, WskSocketObj* child, const PendingAccept& a)
{
    child->context = a.context;
    child->clientDispatch = a.dispatch;
    child->handedToClient = true;
    child->listener = nullptr;
    FillAddresses(child, a.local, a.remote);
    if (LatencyRecorder::Enabled()) {
        /* handshake completed -> WskAccept IRP completed */
        int64_t now = Simulator::Now().GetNanoSeconds();
        LatencyRecorder::Add(KrtInstanceNodeId(listener->inst), listener->serial, kAcceptIrp, 0, child->establishedNs,
                             child->establishedNs, -1, -1, now);
    }
    IrpCompleteLater(listener->inst, a.irp, STATUS_SUCCESS, (ULONG_PTR)child->Handle());
    ScheduleDeliver(child);
}

static void
OnNewConnection(WskTcpSocket* listenerTcp, Ptr<Socket> sock, const Address&)
{
    auto* listener = static_cast<WskSocketObj*>(listenerTcp->GetOwner());
    Ptr<WskTcpSocket> childTcp = DynamicCast<WskTcpSocket>(sock);
    if (listener == nullptr || listener->closing || !childTcp) {
        if (childTcp) {
            childTcp->Abort();
        }
        return;
    }
    DriverContextGuard g(listener->inst); /* accept IRPs' address buffers are the driver's memory */
    WskSocketObj* child = NewSocket(listener->client, SocketKind::Connection, listener->family, SOCK_STREAM,
                                    IPPROTO_TCP, nullptr, nullptr);
    child->acceptedFromListener = true;
    child->establishedNs = Simulator::Now().GetNanoSeconds();
    if (listener->stream) {
        /* a socket accepted on a stream listener is a connection-oriented socket (WSK_PROVIDER_CONNECTION_DISPATCH:
         * "WSK_SOCKET structure" says WskAccept and WskAcceptEvent give connection-oriented sockets); its
         * callbacks come from the listener's WSK_CLIENT_STREAM_DISPATCH Connect table */
        child->stream = true;
    }
    child->handedToClient = false;
    child->listener = listener;
    child->connected = true;
    child->bound = true;
    ConnectionAttachTcp(child, childTcp);
    childTcp->SetBaseRcvBuf(listenerTcp->BaseRcvBuf());
    childTcp->MarkStreamStart();
    childTcp->GetSockName(child->localAddr);
    childTcp->GetPeerName(child->remoteAddr);
    child->keepAlive = listener->keepAlive; /* SO_KEEPALIVE set on a listener is inherited */
    child->keepIdle = listener->keepIdle;
    child->keepInterval = listener->keepInterval;
    child->keepCount = listener->keepCount;
    InspectTakeId(listener, child);

    if (!listener->accepts.empty()) {
        PendingAccept a = listener->accepts.front();
        listener->accepts.pop_front();
        HandOver(listener, child, a);
        return;
    }
    if (EventEnabled(listener, WSK_EVENT_ACCEPT)) {
        auto* d = static_cast<const WSK_CLIENT_LISTEN_DISPATCH*>(listener->clientDispatch);
        SOCKADDR_STORAGE local, remote;
        FillAddresses(child, (PSOCKADDR)&local, (PSOCKADDR)&remote);
        child->handedToClient = true;
        child->listener = nullptr;
        BeginCallback(listener, WSK_EVENT_ACCEPT);
        NTSTATUS st;
        int64_t entry = Simulator::Now().GetNanoSeconds();
        {
            DriverContextGuard g(listener->inst);
            st = d->WskAcceptEvent(listener->context, WSK_FLAG_AT_DISPATCH_LEVEL, (PSOCKADDR)&local,
                                   (PSOCKADDR)&remote, child->Handle(), &child->context,
                                   reinterpret_cast<const WSK_CLIENT_CONNECTION_DISPATCH**>(&child->clientDispatch));
        }
        EndCallback(listener, WSK_EVENT_ACCEPT);
        if (LatencyRecorder::Enabled()) {
            LatencyRecorder::Add(KrtInstanceNodeId(listener->inst), listener->serial, kAcceptEvent, 0,
                                 entry, entry, entry, Simulator::Now().GetNanoSeconds(), -1);
        }
        if (child->closed) {
            return; /* the client closed it from inside the callback */
        }
        if (st == STATUS_SUCCESS) {
            auto* cd = static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(child->clientDispatch);
            ULONG inherit = listener->inheritEvents;
            if (cd == nullptr) {
                inherit = 0;
            } else {
                if (!cd->WskReceiveEvent) inherit &= ~(ULONG)WSK_EVENT_RECEIVE;
                if (!cd->WskDisconnectEvent) inherit &= ~(ULONG)WSK_EVENT_DISCONNECT;
                if (!cd->WskSendBacklogEvent) inherit &= ~(ULONG)WSK_EVENT_SEND_BACKLOG;
            }
            child->enabledEvents |= inherit;
            ConnectionOnEventEnabled(child, inherit);
            ScheduleDeliver(child);
        } else {
            if (st != STATUS_REQUEST_NOT_ACCEPTED) {
                KrtReportFor(listener->inst, 1, "WskAcceptEvent", "socket %p: undocumented return 0x%08X treated as "
                             "STATUS_REQUEST_NOT_ACCEPTED", (void*)listener->Handle(), (unsigned)st);
            }
            child->tcp->Abort(); /* rejected: the provider closes it; the peer sees a reset */
            ReleaseSocket(child);
        }
        return;
    }
    listener->acceptQueue.push_back(child);
}

static NTSTATUS WSKAPI
ListenBind(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags, PIRP Irp)
{
    WskSocketObj* s = SocketFromHandle(Socket, "WskBind");
    if (s == nullptr) {
        return STATUS_INVALID_HANDLE;
    }
    if (Irp == nullptr) {
        Finding(s, "WskBind", STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    if (!IrpAccept(s->inst, Irp, "WskBind", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Flags != 0) {
        Finding(s, "WskBind", STATUS_INVALID_PARAMETER, "Flags is reserved and must be 0 (0x%x given)", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (s->bound) {
        Finding(s, "WskBind", STATUS_INVALID_DEVICE_STATE, "the socket is already bound");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (s->type == SOCK_DGRAM) {
        /* Windows creates a UDP socket with WSK_FLAG_LISTEN_SOCKET, but its WskBind completes with
         * STATUS_NOT_IMPLEMENTED (doc/fidelity.md, "IRP completion") */
        return IrpFinish(s->inst, Irp, STATUS_NOT_IMPLEMENTED, 0);
    }
    NTSTATUS st = ListenBindTcp(s, LocalAddress, "WskBind");
    if (NT_SUCCESS(st)) {
        st = ListenStart(s); /* a listening socket listens as soon as WskBind completes */
    }
    return IrpFinish(s->inst, Irp, st, 0);
}

/* An AF_INET6 listener bound to the wildcard with IPV6_V6ONLY = 0 also takes IPv4 connections on its
 * port (a Windows dual-mode socket): ns-3 keeps IPv4 and IPv6 endpoints apart, so a second ns-3 socket
 * listens on the IPv4 side and its connections are reported with v4-mapped addresses. */
static NTSTATUS
ListenIpv4Half(WskSocketObj* s)
{
    if (s->family != AF_INET6 || s->v6only || !Inet6SocketAddress::IsMatchingType(s->localAddr) ||
        !(Inet6SocketAddress::ConvertFrom(s->localAddr).GetIpv6() == Ipv6Address::GetAny())) {
        return STATUS_SUCCESS;
    }
    Ptr<WskTcpSocket> t4 = WskTcpSocket::Create(NodeOf(s->inst));
    if (!t4) {
        return STATUS_SUCCESS; /* no IPv4 stack on this node: IPv6 only */
    }
    t4->SetOwner(s);
    uint16_t port = Inet6SocketAddress::ConvertFrom(s->localAddr).GetPort();
    if (t4->Bind(InetSocketAddress(Ipv4Address::GetAny(), port)) != 0) {
        t4->SetOwner(nullptr);
        Finding(s, "WskBind", STATUS_ADDRESS_ALREADY_EXISTS, "IPV6_V6ONLY = 0: IPv4 port %u is already in use", port);
        return STATUS_ADDRESS_ALREADY_EXISTS;
    }
    t4->SetBaseRcvBuf(s->tcp->BaseRcvBuf());
    t4->SetAcceptCallback(MakeCallback(&OnConnectionRequest), MakeBoundCallback(&OnNewConnection, PeekPointer(t4)));
    if (t4->Listen() != 0) {
        t4->SetOwner(nullptr);
        return STATUS_INVALID_DEVICE_STATE;
    }
    s->tcp4 = t4;
    return STATUS_SUCCESS;
}

NTSTATUS
ListenStart(WskSocketObj* s)
{
    s->tcp->SetAcceptCallback(MakeCallback(&OnConnectionRequest),
                              MakeBoundCallback(&OnNewConnection, PeekPointer(s->tcp)));
    if (s->tcp->Listen() != 0) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    return ListenIpv4Half(s);
}

/* ns-3 hands an IPv4 segment that matches no IPv4 endpoint to the IPv6 wildcard endpoints as a v4-mapped
 * address; an AF_INET6 socket with IPV6_V6ONLY = 1 (the default) must refuse it as Windows does. */
bool
WskSocketObj::TcpRefusesPeer(const Address& from) const
{
    Address v4;
    return family == AF_INET6 && v6only && MappedToIpv4(from, v4);
}

Ptr<WskTcpSocket>
ListenerTcpFor(WskSocketObj* s, const Address& peer)
{
    return s->tcp4 && InetSocketAddress::IsMatchingType(peer) ? s->tcp4 : s->tcp;
}

static NTSTATUS WSKAPI
ListenAccept(PWSK_SOCKET ListenSocket, ULONG Flags, PVOID AcceptSocketContext,
             CONST WSK_CLIENT_CONNECTION_DISPATCH* AcceptSocketDispatch, PSOCKADDR LocalAddress,
             PSOCKADDR RemoteAddress, PIRP Irp)
{
    PWSK_SOCKET Socket = ListenSocket;
    WskSocketObj* s = SocketFromHandle(Socket, "WskAccept");
    if (s == nullptr) {
        return STATUS_INVALID_HANDLE;
    }
    if (Irp == nullptr) {
        Finding(s, "WskAccept", STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    if (!IrpAccept(s->inst, Irp, "WskAccept", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Flags != 0) {
        Finding(s, "WskAccept", STATUS_INVALID_PARAMETER, "Flags is reserved and must be 0 (0x%x given)", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (!s->bound) {
        Finding(s, "WskAccept", STATUS_INVALID_DEVICE_STATE, "the listening socket is not bound");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    PendingAccept a{Irp, AcceptSocketContext, AcceptSocketDispatch, LocalAddress, RemoteAddress};
    if (!s->acceptQueue.empty()) {
        WskSocketObj* child = s->acceptQueue.front();
        s->acceptQueue.pop_front();
        child->context = AcceptSocketContext;
        child->clientDispatch = AcceptSocketDispatch;
        child->handedToClient = true;
        child->listener = nullptr;
        FillAddresses(child, LocalAddress, RemoteAddress);
        ScheduleDeliver(child);
        return IrpFinish(s->inst, Irp, STATUS_SUCCESS, (ULONG_PTR)child->Handle());
    }
    if (IrpPend(s, Irp, "WskAccept", QueueAccept) == STATUS_CANCELLED) {
        return STATUS_PENDING;
    }
    s->accepts.push_back(a);
    return STATUS_PENDING;
}

static NTSTATUS WSKAPI
ListenInspectComplete(PWSK_SOCKET ListenSocket, PWSK_INSPECT_ID InspectID, WSK_INSPECT_ACTION Action, PIRP Irp)
{
    PWSK_SOCKET Socket = ListenSocket;
    WskSocketObj* s = SocketFromHandle(Socket, "WskInspectComplete");
    if (s == nullptr) {
        return STATUS_INVALID_HANDLE;
    }
    if (Irp == nullptr) {
        Finding(s, "WskInspectComplete", STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    if (!IrpAccept(s->inst, Irp, "WskInspectComplete", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    return InspectComplete(s, InspectID, Action, Irp);
}

static NTSTATUS WSKAPI
ListenGetLocal(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, PIRP Irp)
{
    WskSocketObj* s = SocketFromHandle(Socket, "WskGetLocalAddress");
    if (s == nullptr) {
        return STATUS_INVALID_HANDLE;
    }
    if (Irp == nullptr) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!IrpAccept(s->inst, Irp, "WskGetLocalAddress", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!s->bound) {
        Finding(s, "WskGetLocalAddress", STATUS_INVALID_DEVICE_STATE, "the socket is not bound");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (LocalAddress == nullptr) {
        Finding(s, "WskGetLocalAddress", STATUS_INVALID_PARAMETER, "LocalAddress is NULL");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    AddressToSockaddr(s->localAddr, LocalAddress, s->family);
    return IrpFinish(s->inst, Irp, STATUS_SUCCESS, 0);
}

NTSTATUS
ListenClose(WskSocketObj* s, PIRP irp)
{
    s->closing = true;
    std::list<PendingAccept> accepts;
    accepts.swap(s->accepts);
    for (auto& a : accepts) {
        IrpCompleteLater(s->inst, a.irp, STATUS_CANCELLED, 0); /* §8.4: pending accepts are cancelled */
    }
    for (WskSocketObj* child : s->acceptQueue) {
        if (child->tcp) {
            child->tcp->Abort();
        }
        ReleaseSocket(child);
    }
    s->acceptQueue.clear();
    InspectRefuseAll(s); /* no callback follows a close: pended requests are refused without WskAbortEvent */
    for (Ptr<WskTcpSocket> t : {s->tcp, s->tcp4}) {
        if (t) {
            t->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                 MakeNullCallback<void, Ptr<Socket>, const Address&>());
            t->Close();
        }
    }
    KRT_INSTANCE* inst = s->inst;
    ReleaseSocket(s);
    return IrpFinish(inst, irp, STATUS_SUCCESS, 0);
}

static NTSTATUS WSKAPI
ListenCloseEntry(PWSK_SOCKET Socket, PIRP Irp)
{
    if (Irp == nullptr) {
        Finding(nullptr, "WskCloseSocket", STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    WskSocketObj* s = SocketFromHandle(Socket, "WskCloseSocket");
    if (s == nullptr) {
        return STATUS_INVALID_HANDLE;
    }
    if (!IrpAccept(s->inst, Irp, "WskCloseSocket", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    return ListenClose(s, Irp);
}

static NTSTATUS WSKAPI
ListenControl(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType, ULONG ControlCode, ULONG Level,
              SIZE_T InputSize, PVOID InputBuffer, SIZE_T OutputSize, PVOID OutputBuffer, SIZE_T* OutputSizeReturned,
              PIRP Irp)
{
    WskSocketObj* s = SocketFromHandle(Socket, "WskControlSocket");
    if (s == nullptr) {
        return STATUS_INVALID_HANDLE;
    }
    if (Irp != nullptr && !IrpAccept(s->inst, Irp, "WskControlSocket", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (RequestType == WskSetOption && Level == SOL_SOCKET && ControlCode == SO_CONDITIONAL_ACCEPT && !s->bound &&
        InputBuffer != nullptr && InputSize >= sizeof(ULONG) && *static_cast<ULONG*>(InputBuffer) != 0) {
        auto* d = static_cast<const WSK_CLIENT_LISTEN_DISPATCH*>(s->clientDispatch);
        if (d == nullptr || d->WskInspectEvent == nullptr || d->WskAbortEvent == nullptr) {
            Finding(s, "WskControlSocket", STATUS_INVALID_PARAMETER, "SO_CONDITIONAL_ACCEPT needs WskInspectEvent "
                    "and WskAbortEvent in the socket's WSK_CLIENT_LISTEN_DISPATCH");
            return ControlRefuse(s, Irp, STATUS_INVALID_PARAMETER);
        }
    }
    bool handled;
    NTSTATUS st = ControlSocketCommon(s, RequestType, ControlCode, Level, InputSize, InputBuffer, OutputSize,
                                      OutputBuffer, OutputSizeReturned, Irp, handled);
    if (!handled && Irp != nullptr) {
        return IrpFinish(s->inst, Irp, st, 0);
    }
    return st;
}

const WSK_PROVIDER_LISTEN_DISPATCH g_listenDispatch = {
    {{ListenControl, ListenCloseEntry}}, ListenBind, ListenAccept, ListenInspectComplete, ListenGetLocal,
};

} // namespace wsk
} // namespace ns3
