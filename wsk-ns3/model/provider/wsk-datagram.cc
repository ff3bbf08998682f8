/*
 * wsk-datagram.cc - WSK_PROVIDER_DATAGRAM_DISPATCH over ns-3 UDP, IPv4 and IPv6 (wsk-api.md §3.3, §4.3,
 * §8.2, §8.3): WskSendTo / WskSendMessages complete when UDP has taken the datagram; every received
 * datagram is read from ns-3 at once into the socket's own queue (bounded by SO_RCVBUF), then handed to a
 * pending WskReceiveFrom (one datagram each) or, failing that, to WskReceiveFromEvent as a chain of
 * WSK_DATAGRAM_INDICATION elements that the client may keep and release one by one. An AF_INET6 socket
 * with IPV6_V6ONLY = 0 also opens an IPv4 UDP socket and shows IPv4 peers as v4-mapped addresses.
 */
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-packet-info-tag.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6.h"
#include "ns3/net-device.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"

#include "wsk-provider.h"
#include "latency-recorder.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_map>

namespace ns3 {
namespace wsk {

/* ns-3's UDP refuses larger datagrams (65,535 - IPv4 header - UDP header), for IPv6 too. */
constexpr size_t kMaxDatagram = 65507;
constexpr ULONG kDefaultRcvBuf = 131072;
/* __builtin_ctz(WSK_EVENT_RECEIVE_FROM): the index BeginCallback/EndCallback count under */
constexpr int kRecvFromIndex = 8;

/* One received datagram. Provider memory: the client sees `ind` (first member) in an indication and
 * keeps the whole element until WskRelease when it returns STATUS_PENDING. */
struct DgElem
{
    WSK_DATAGRAM_INDICATION ind;
    MDL* mdl;
    uint8_t* bytes;
    size_t length;
    Address from;      // as the client sees it (v4-mapped on a dual-stack socket)
    ULONG msgFlags;    // MSG_BCAST / MSG_MCAST
    ULONG controlLength;
    SOCKADDR_STORAGE remote;
    int64_t wireNs = -1;      // latency stamps: arrival at the node's UDP socket
    int64_t deliveryNs = -1;  //                 the receive DPC ran (after the host model's delay)
    alignas(16) uint8_t control[64];
};

struct PendingRecvFrom
{
    PIRP irp;
    WSK_BUF buf;
    PSOCKADDR remote;
    PULONG controlLength;
    PCMSGHDR control;
    PULONG controlFlags;
};

struct DatagramState
{
    WskSocketObj* owner = nullptr;
    Ptr<Socket> udp4;   // AF_INET, or the IPv4 side of a dual-stack AF_INET6 socket
    Ptr<Socket> udp6;
    bool v6Only = true; // Windows' default for AF_INET6 sockets
    bool broadcast = false;
    bool pktInfo4 = false;
    bool pktInfo6 = false;
    ULONG rcvBuf = kDefaultRcvBuf;
    std::deque<DgElem*> queue;
    size_t queuedBytes = 0;
    uint64_t dropped = 0;
    std::list<PendingRecvFrom> receives;
    std::unordered_map<WSK_DATAGRAM_INDICATION*, DgElem*> retained; // with the client (or being indicated)
    bool hasRemote = false;  // SIO_WSK_SET_REMOTE_ADDRESS
    Address remote;
    bool hasSendTo = false;  // SIO_WSK_SET_SENDTO_ADDRESS
    Address sendTo;
    bool inIndication = false;
    bool declinedStatic = false; // a static callback declined: wait for the next arrival
    bool inUdpRecv = false;
    bool deliverScheduled = false;
    std::shared_ptr<bool> alive = std::make_shared<bool>(true); /* false once freed: a scheduled delivery skips */
    PIRP closeIrp = nullptr;
    /* IPv6 destination and interface of the node's latest IPv6 arrival (see WatchIpv6) */
    Ptr<Ipv6> rxWatched;
    Ipv6Address lastDst6;
    uint32_t lastIf6 = 0;
    bool haveLast6 = false;
};

static DatagramState*
Dg(WskSocketObj* s)
{
    if (!s->dgram) {
        s->dgram.reset(new DatagramState());
        s->dgram->owner = s;
    }
    return s->dgram.get();
}

static void
FreeElem(DgElem* e)
{
    std::free(e->bytes);
    std::free(e->mdl);
    delete e;
}

static int64_t
NowNs()
{
    return Simulator::Now().GetNanoSeconds();
}

/* A receive IRP completed with datagram `e` (wire -> delivery -> IRP completion). */
static void
RecordReceiveIrp(WskSocketObj* s, const DgElem* e, size_t bytes)
{
    if (LatencyRecorder::Enabled()) {
        LatencyRecorder::Add(KrtInstanceNodeId(s->inst), s->serial, LatencyKind::kReceiveFromIrp, bytes, e->wireNs,
                             e->deliveryNs, -1, -1, NowNs());
    }
}

/* A send IRP (WskSendTo / WskSendMessages) finished: issue -> completion; UDP keeps no send buffer, so
 * both are the same instant unless the completion pends (windows mode completes it in a later event at
 * the same time). */
static void
RecordSend(WskSocketObj* s, const char* kind, size_t bytes)
{
    if (LatencyRecorder::Enabled()) {
        int64_t now = NowNs();
        LatencyRecorder::Add(KrtInstanceNodeId(s->inst), s->serial, kind, bytes, -1, now, -1, -1, now);
    }
}

static void
DropUdp(Ptr<Socket>& sock, bool now)
{
    if (!sock) {
        return;
    }
    sock->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    if (now) {
        sock->Close();
    } else {
        /* closing from inside this socket's own receive upcall would free the end point under ns-3 */
        Simulator::ScheduleWithContext(sock->GetNode()->GetId(), Seconds(0), &Socket::Close, sock);
    }
    sock = nullptr;
}

static void
FreeQueues(DatagramState* d)
{
    for (DgElem* e : d->queue) {
        FreeElem(e);
    }
    d->queue.clear();
    d->queuedBytes = 0;
    for (auto& kv : d->retained) {
        FreeElem(kv.second);
    }
    d->retained.clear();
}

static void UnwatchIpv6(DatagramState* d);

void
DatagramStateDeleter::operator()(DatagramState* d) const
{
    *d->alive = false;
    UnwatchIpv6(d);
    DropUdp(d->udp4, true);
    DropUdp(d->udp6, true);
    FreeQueues(d);
    delete d;
}

/* ---- addresses ---- */
static Address
Present(const DatagramState* d, const Address& from)
{
    if (d->owner->family == AF_INET6 && InetSocketAddress::IsMatchingType(from)) {
        InetSocketAddress a = InetSocketAddress::ConvertFrom(from);
        return Inet6SocketAddress(Ipv6Address::MakeIpv4MappedAddress(a.GetIpv4()), a.GetPort());
    }
    return from;
}

static bool
SameAddress(const Address& a, const Address& b)
{
    if (InetSocketAddress::IsMatchingType(a) && InetSocketAddress::IsMatchingType(b)) {
        InetSocketAddress x = InetSocketAddress::ConvertFrom(a), y = InetSocketAddress::ConvertFrom(b);
        return x.GetIpv4() == y.GetIpv4() && x.GetPort() == y.GetPort();
    }
    if (Inet6SocketAddress::IsMatchingType(a) && Inet6SocketAddress::IsMatchingType(b)) {
        Inet6SocketAddress x = Inet6SocketAddress::ConvertFrom(a), y = Inet6SocketAddress::ConvertFrom(b);
        return x.GetIpv6() == y.GetIpv6() && x.GetPort() == y.GetPort();
    }
    return false;
}

static uint32_t
InterfaceIndex(Ptr<Node> node, uint32_t deviceIndex)
{
    if (node == nullptr || deviceIndex >= node->GetNDevices()) {
        return 0;
    }
    Ptr<NetDevice> dev = node->GetDevice(deviceIndex);
    Ptr<Ipv4> ip = node->GetObject<Ipv4>();
    int32_t i = ip ? ip->GetInterfaceForDevice(dev) : -1;
    return i < 0 ? 0 : (uint32_t)i;
}

static bool
IsIpv4Broadcast(Ptr<Node> node, Ipv4Address dst)
{
    if (dst.IsBroadcast()) {
        return true;
    }
    Ptr<Ipv4> ip = node ? node->GetObject<Ipv4>() : nullptr;
    for (uint32_t i = 0; ip && i < ip->GetNInterfaces(); i++) {
        for (uint32_t j = 0; j < ip->GetNAddresses(i); j++) {
            if (ip->GetAddress(i, j).GetBroadcast() == dst) {
                return true;
            }
        }
    }
    return false;
}

/* ---- IPv6 packet information ----
 * ns-3 3.37's UDP hands an IPv4 datagram for which no IPv4 socket is bound to a wildcard IPv6 socket with
 * no interface, and UdpSocketImpl::ForwardUp6 then dereferences that interface when packet information is
 * on: SetRecvPktInfo would crash such a socket. Instead the destination and interface of an IPv6 datagram
 * come from the node's Ipv6L3Protocol "Rx" trace, which fires, header still in place, within the same call
 * chain that delivers the datagram (for a fragmented one, its last fragment has the same header fields). */
static void
OnIpv6Rx(DatagramState* d, Ptr<const Packet> p, Ptr<Ipv6>, uint32_t iface)
{
    Ipv6Header h;
    if (p->PeekHeader(h) != 0) {
        d->lastDst6 = h.GetDestination();
        d->lastIf6 = iface;
        d->haveLast6 = true;
    }
}

static void
WatchIpv6(DatagramState* d)
{
    Ptr<Node> node = NodeOf(d->owner->inst);
    Ptr<Ipv6> ip = node ? node->GetObject<Ipv6>() : nullptr;
    if (d->rxWatched || !ip) {
        return;
    }
    ip->TraceConnectWithoutContext("Rx", MakeBoundCallback(&OnIpv6Rx, d));
    d->rxWatched = ip;
}

static void
UnwatchIpv6(DatagramState* d)
{
    if (d->rxWatched) {
        d->rxWatched->TraceDisconnectWithoutContext("Rx", MakeBoundCallback(&OnIpv6Rx, d));
        d->rxWatched = nullptr;
    }
}

/* ---- receive path ---- */
static void
AppendPktInfo(DgElem* e, bool v6, const uint8_t* addr, uint32_t ifIndex)
{
    auto* h = reinterpret_cast<WSACMSGHDR*>(e->control);
    size_t dataLen = v6 ? sizeof(IN6_PKTINFO) : sizeof(IN_PKTINFO);
    h->cmsg_len = WSA_CMSG_LEN(dataLen);
    h->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
    h->cmsg_type = v6 ? IPV6_PKTINFO : IP_PKTINFO;
    uint8_t* data = WSA_CMSG_DATA(h);
    if (v6) {
        IN6_PKTINFO pi{};
        std::memcpy(&pi.ipi6_addr, addr, 16);
        pi.ipi6_ifindex = ifIndex;
        std::memcpy(data, &pi, sizeof pi);
    } else {
        IN_PKTINFO pi{};
        std::memcpy(&pi.ipi_addr, addr, 4);
        pi.ipi_ifindex = ifIndex;
        std::memcpy(data, &pi, sizeof pi);
    }
    e->controlLength = (ULONG)WSA_CMSG_SPACE(dataLen);
}

static DgElem*
MakeElem(DatagramState* d, Ptr<Packet> p, const Address& from, bool v6)
{
    auto* e = new DgElem();
    e->length = p->GetSize();
    e->bytes = static_cast<uint8_t*>(std::malloc(e->length ? e->length : 1));
    p->CopyData(e->bytes, (uint32_t)e->length);
    /* one contiguous, mapped, non-paged MDL per datagram (msquic maps it directly) */
    size_t mdlSize = sizeof(MDL) + sizeof(PFN_NUMBER) * (ADDRESS_AND_SIZE_TO_SPAN_PAGES(e->bytes, e->length) + 1);
    e->mdl = static_cast<MDL*>(std::calloc(1, mdlSize));
    MmInitializeMdl(e->mdl, e->bytes, e->length);
    e->mdl->MappedSystemVa = e->bytes;
    e->mdl->MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL;
    e->from = Present(d, from);
    AddressToSockaddr(e->from, reinterpret_cast<SOCKADDR*>(&e->remote));
    Ptr<Node> node = NodeOf(d->owner->inst);
    Ipv4PacketInfoTag t4;
    if (!v6 && p->PeekPacketTag(t4)) {
        Ipv4Address dst = t4.GetAddress();
        if (dst.IsMulticast()) {
            e->msgFlags |= MSG_MCAST;
        } else if (IsIpv4Broadcast(node, dst)) {
            e->msgFlags |= MSG_BCAST;
        }
        if (d->pktInfo4) {
            uint32_t h = dst.Get();
            uint8_t b[4] = {(uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8), (uint8_t)h};
            AppendPktInfo(e, false, b, InterfaceIndex(node, t4.GetRecvIf()));
        }
    } else if (v6 && d->haveLast6) {
        if (d->lastDst6.IsMulticast()) {
            e->msgFlags |= MSG_MCAST;
        }
        if (d->pktInfo6) {
            uint8_t b[16];
            d->lastDst6.GetBytes(b);
            AppendPktInfo(e, true, b, d->lastIf6);
        }
    }
    e->ind.Next = nullptr;
    e->ind.Buffer.Mdl = e->mdl;
    e->ind.Buffer.Offset = 0;
    e->ind.Buffer.Length = e->length;
    e->ind.ControlInfo = e->controlLength ? reinterpret_cast<PCMSGHDR>(e->control) : nullptr;
    e->ind.ControlInfoLength = e->controlLength;
    e->ind.RemoteAddress = reinterpret_cast<PSOCKADDR>(&e->remote);
    return e;
}

/* Copies a datagram into a WskReceiveFrom's buffers (in the driver's context: they may be its globals). */
static size_t
FillReceive(const PendingRecvFrom& r, const DgElem* e)
{
    size_t n = std::min(e->length, (size_t)r.buf.Length);
    if (n > 0) {
        CopyToWskBuf(&r.buf, 0, e->bytes, n);
    }
    ULONG flags = e->msgFlags;
    if (n < e->length) {
        flags |= MSG_TRUNC;
    }
    if (r.remote != nullptr) {
        std::memcpy(r.remote, &e->remote, SockaddrLength(e->remote.ss_family));
    }
    if (r.controlLength != nullptr) {
        ULONG room = *r.controlLength;
        if (e->controlLength == 0) {
            *r.controlLength = 0;
        } else if (r.control != nullptr && room >= e->controlLength) {
            std::memcpy(r.control, e->control, e->controlLength);
            *r.controlLength = e->controlLength;
        } else {
            *r.controlLength = 0;
            flags |= MSG_CTRUNC;
        }
    } else if (e->controlLength != 0) {
        flags |= MSG_CTRUNC;
    }
    if (r.controlFlags != nullptr) {
        *r.controlFlags = flags;
    }
    return n;
}

static void
TakeFromQueue(DatagramState* d, DgElem* e)
{
    d->queuedBytes -= e->length;
}

/* Pending WskReceiveFrom IRPs take datagrams first (§8.3). */
static void
ServeReceives(DatagramState* d)
{
    WskSocketObj* s = d->owner;
    while (!d->receives.empty() && !d->queue.empty()) {
        PendingRecvFrom r = d->receives.front();
        d->receives.pop_front();
        DgElem* e = d->queue.front();
        d->queue.pop_front();
        TakeFromQueue(d, e);
        size_t n;
        {
            DriverContextGuard g(s->inst);
            n = FillReceive(r, e);
        }
        RecordReceiveIrp(s, e, n);
        FreeElem(e);
        IrpCompleteLater(s->inst, r.irp, STATUS_SUCCESS, n);
    }
}

static void FinishClose(WskSocketObj* s);

static bool
CallbackReady(WskSocketObj* s)
{
    auto* t = static_cast<const WSK_CLIENT_DATAGRAM_DISPATCH*>(s->clientDispatch);
    return EventEnabled(s, WSK_EVENT_RECEIVE_FROM) && t != nullptr && t->WskReceiveFromEvent != nullptr;
}

/* Hands the queue to receive IRPs, then to WskReceiveFromEvent (one call per run of datagrams with the
 * same MSG_BCAST/MSG_MCAST flags). */
static void
Deliver(WskSocketObj* s)
{
    DatagramState* d = Dg(s);
    if (s->closed || d->inIndication) {
        return;
    }
    ServeReceives(d);
    while (d->receives.empty() && !d->queue.empty() && !d->declinedStatic && CallbackReady(s)) {
        std::vector<DgElem*> run;
        ULONG flags = d->queue.front()->msgFlags;
        while (!d->queue.empty() && d->queue.front()->msgFlags == flags) {
            DgElem* e = d->queue.front();
            d->queue.pop_front();
            TakeFromQueue(d, e);
            e->ind.Next = nullptr;
            if (!run.empty()) {
                run.back()->ind.Next = &e->ind;
            }
            run.push_back(e);
            /* listed before the call: the client may release any element from inside the callback */
            d->retained[&e->ind] = e;
        }
        auto* table = static_cast<const WSK_CLIENT_DATAGRAM_DISPATCH*>(s->clientDispatch);
        d->inIndication = true;
        BeginCallback(s, WSK_EVENT_RECEIVE_FROM);
        NTSTATUS st;
        /* one record per datagram of the indication: wire -> delivery -> callback entry -> return (the
         * stamps are kept before the call: the client may release elements from inside it) */
        std::vector<std::pair<int64_t, int64_t>> stamps;
        std::vector<size_t> sizes;
        bool record = LatencyRecorder::Enabled();
        if (record) {
            for (DgElem* e : run) {
                stamps.emplace_back(e->wireNs, e->deliveryNs);
                sizes.push_back(e->length);
            }
        }
        int64_t entry = NowNs();
        {
            DriverContextGuard g(s->inst);
            st = table->WskReceiveFromEvent(s->context, flags | WSK_FLAG_AT_DISPATCH_LEVEL, &run.front()->ind);
        }
        EndCallback(s, WSK_EVENT_RECEIVE_FROM);
        d->inIndication = false;
        for (size_t i = 0; i < stamps.size(); i++) {
            LatencyRecorder::Add(KrtInstanceNodeId(s->inst), s->serial, LatencyKind::kReceiveFromEvent, sizes[i],
                                 stamps[i].first, stamps[i].second, entry, NowNs(), -1);
        }
        if (st != STATUS_SUCCESS && st != STATUS_PENDING && st != STATUS_DATA_NOT_ACCEPTED) {
            KrtReportFor(s->inst, 1, "WskReceiveFromEvent", "socket %p: undocumented return 0x%08X treated as "
                         "consumed", (void*)s->Handle(), (unsigned)st);
        }
        /* Decide per element from our own list: the client may have released elements or rewritten their
         * Next links during the call. */
        std::vector<DgElem*> declined;
        for (DgElem* e : run) {
            auto it = d->retained.find(&e->ind);
            if (it == d->retained.end()) {
                continue; /* released during the callback */
            }
            if (st == STATUS_PENDING) {
                continue;
            }
            d->retained.erase(it);
            if (st == STATUS_DATA_NOT_ACCEPTED) {
                declined.push_back(e);
            } else {
                FreeElem(e);
            }
        }
        if (st == STATUS_DATA_NOT_ACCEPTED) {
            for (auto it = declined.rbegin(); it != declined.rend(); ++it) {
                (*it)->ind.Next = nullptr;
                d->queue.push_front(*it);
                d->queuedBytes += (*it)->length;
            }
            if (s->client->staticEvents & WSK_EVENT_RECEIVE_FROM) {
                d->declinedStatic = true; /* static callbacks are never disabled (§4.3) */
            } else if (s->inCallback[kRecvFromIndex] == 0) {
                s->enabledEvents &= ~(ULONG)WSK_EVENT_RECEIVE_FROM; /* until SO_WSK_EVENT_CALLBACK re-enables */
            }
        }
        if (d->closeIrp != nullptr) {
            FinishClose(s);
            return;
        }
        ServeReceives(d); /* a WskReceiveFrom posted during the callback takes what was declined */
    }
}

/* The datagrams still without a delivery stamp were handed on now. */
static void
StampDelivery(DatagramState* d)
{
    int64_t now = NowNs();
    for (auto it = d->queue.rbegin(); it != d->queue.rend() && (*it)->deliveryNs < 0; ++it) {
        (*it)->deliveryNs = now;
    }
}

static void
DeliverEvent(DatagramState* d, std::shared_ptr<bool> alive)
{
    if (!*alive) {
        return;
    }
    StampDelivery(d);
    d->deliverScheduled = false;
    if (!d->owner->closed && !d->owner->closing) {
        Deliver(d->owner);
    }
}

/* Host latency model, second stage: the DPC has run (delivery stamp); the callback starts after the sampled
 * dispatch delay, stretched by per-node CPU contention when that is on. */
static void
DpcEvent(DatagramState* d, std::shared_ptr<bool> alive)
{
    if (!*alive) {
        return;
    }
    StampDelivery(d);
    WskSocketObj* s = d->owner;
    if (LatencyModel::Enabled(LatencySource::CallbackDispatch)) {
        Time wait = LatencyModel::Contend(KrtInstanceNodeId(s->inst),
                                          LatencyModel::Sample(LatencySource::CallbackDispatch));
        Simulator::ScheduleWithContext(KrtInstanceNodeId(s->inst), wait, &DeliverEvent, d, d->alive);
        return;
    }
    d->deliverScheduled = false;
    if (!s->closed && !s->closing) {
        Deliver(s);
    }
}

static void
ScheduleDeliver(DatagramState* d)
{
    if (d->deliverScheduled) {
        return;
    }
    d->deliverScheduled = true;
    Simulator::ScheduleWithContext(KrtInstanceNodeId(d->owner->inst), Seconds(0), &DeliverEvent, d, d->alive);
}

static void
OnUdpRecv(DatagramState* d, Ptr<Socket> sock)
{
    WskSocketObj* s = d->owner;
    Address from;
    Ptr<Packet> p;
    bool any = false;
    d->inUdpRecv = true;
    /* UINT32_MAX: ns-3 keeps (rather than truncates) a datagram larger than the size asked for */
    bool v6 = PeekPointer(sock) == PeekPointer(d->udp6);
    while ((p = sock->RecvFrom(UINT32_MAX, 0, from))) {
        if (s->closing || s->closed) {
            continue;
        }
        if (v6 && Inet6SocketAddress::ConvertFrom(from).GetIpv6().IsIpv4MappedAddress()) {
            continue; /* ns-3's IPv4 fallback: the IPv4 side (if any) is the socket's own IPv4 socket */
        }
        Address shown = Present(d, from);
        if (d->hasRemote && !SameAddress(shown, d->remote)) {
            continue; /* a fixed remote address accepts nothing from anyone else */
        }
        if (!d->queue.empty() && d->queuedBytes + p->GetSize() > d->rcvBuf) {
            d->dropped++; /* the receive buffer is full: dropped, as by a real socket */
            continue;
        }
        DgElem* e = MakeElem(d, p, from, v6);
        e->wireNs = NowNs();
        d->queue.push_back(e);
        d->queuedBytes += e->length;
        any = true;
    }
    if (any) {
        d->declinedStatic = false;
        if (LatencyModel::Enabled(LatencySource::InterruptToDpc) ||
            LatencyModel::Enabled(LatencySource::CallbackDispatch)) {
            /* host model, as for TCP: the receive DPC runs after the interrupt-to-DPC latency, the
             * callback after the dispatch delay; with the model off neither event exists */
            if (!d->deliverScheduled) {
                d->deliverScheduled = true;
                Time dpc = LatencyModel::Enabled(LatencySource::InterruptToDpc)
                               ? LatencyModel::Sample(LatencySource::InterruptToDpc)
                               : Time(0);
                Simulator::ScheduleWithContext(KrtInstanceNodeId(s->inst), dpc, &DpcEvent, d, d->alive);
            }
        } else {
            StampDelivery(d);
            Deliver(s);
        }
    }
    d->inUdpRecv = false;
}

/* ---- ns-3 sockets ---- */
static NTSTATUS
BindErrno(Ptr<Socket> sock)
{
    switch (sock->GetErrno()) {
    case Socket::ERROR_ADDRINUSE:
        return STATUS_ADDRESS_ALREADY_EXISTS;
    case Socket::ERROR_ADDRNOTAVAIL:
        return STATUS_INVALID_ADDRESS_COMPONENT;
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

static Ptr<Socket>
NewUdp(DatagramState* d, Ptr<Node> node, bool v6)
{
    Ptr<UdpSocketFactory> f = node->GetObject<UdpSocketFactory>();
    if (!f) {
        return nullptr;
    }
    Ptr<Socket> sock = f->CreateSocket();
    if (!v6) {
        sock->SetRecvPktInfo(true); /* always: the destination tells MSG_BCAST/MSG_MCAST apart */
    }
    sock->SetAllowBroadcast(d->broadcast);
    sock->SetRecvCallback(MakeBoundCallback(&OnUdpRecv, d));
    return sock;
}

static bool
LocalAddress(Ptr<Node> node, const Address& a)
{
    if (InetSocketAddress::IsMatchingType(a)) {
        Ptr<Ipv4> ip = node->GetObject<Ipv4>();
        return ip && ip->GetInterfaceForAddress(InetSocketAddress::ConvertFrom(a).GetIpv4()) >= 0;
    }
    Ptr<Ipv6> ip = node->GetObject<Ipv6>();
    return ip && ip->GetInterfaceForAddress(Inet6SocketAddress::ConvertFrom(a).GetIpv6()) >= 0;
}

static NTSTATUS
BindUdp(WskSocketObj* s, PSOCKADDR local)
{
    DatagramState* d = Dg(s);
    Address addr;
    bool wildcard;
    uint16_t port;
    if (!SockaddrToAddress(local, s->family, addr, wildcard, port)) {
        Finding(s, "WskBind", STATUS_INVALID_PARAMETER, "LocalAddress is NULL or not of the socket's address family %u", s->family);
        return STATUS_INVALID_PARAMETER;
    }
    Ptr<Node> node = NodeOf(s->inst);
    if (!node) {
        return STATUS_DEVICE_NOT_READY;
    }
    /* which ns-3 sockets: AF_INET one IPv4 socket; AF_INET6 an IPv6 one, plus an IPv4 one for a
     * dual-stack wildcard bind; a v4-mapped address binds the IPv4 side alone */
    bool want4 = s->family == AF_INET, want6 = s->family == AF_INET6;
    Address addr4 = addr;
    if (s->family == AF_INET6) {
        Ipv6Address a6 = Inet6SocketAddress::ConvertFrom(addr).GetIpv6();
        if (a6.IsIpv4MappedAddress()) {
            if (d->v6Only) {
                return STATUS_INVALID_ADDRESS_COMPONENT;
            }
            want6 = false;
            want4 = true;
            addr4 = InetSocketAddress(a6.GetIpv4MappedAddress(), port);
        } else if (wildcard && !d->v6Only) {
            want4 = true;
            addr4 = InetSocketAddress(Ipv4Address::GetAny(), port);
        }
    }
    if (!wildcard && !LocalAddress(node, want6 ? addr : addr4)) {
        return STATUS_INVALID_ADDRESS_COMPONENT;
    }
    NTSTATUS share = CheckBindSharing(s, addr, wildcard, port);
    if (!NT_SUCCESS(share)) {
        return share;
    }
    if (!node->GetObject<UdpSocketFactory>()) {
        return STATUS_DEVICE_NOT_READY;
    }
    /* a dual-stack socket with an ephemeral port needs the same port free on both sides */
    for (int attempt = 0; attempt < 16; attempt++) {
        NTSTATUS st = STATUS_SUCCESS;
        uint16_t p = port;
        if (want6) {
            d->udp6 = NewUdp(d, node, true);
            if (d->udp6->Bind(addr) != 0) {
                st = BindErrno(d->udp6);
            } else {
                Address got;
                d->udp6->GetSockName(got);
                p = Inet6SocketAddress::ConvertFrom(got).GetPort();
            }
        }
        if (NT_SUCCESS(st) && want4) {
            d->udp4 = NewUdp(d, node, false);
            InetSocketAddress a4 = InetSocketAddress::ConvertFrom(addr4);
            a4.SetPort(p);
            if (d->udp4->Bind(a4) != 0) {
                st = BindErrno(d->udp4);
            }
        }
        if (NT_SUCCESS(st)) {
            break;
        }
        DropUdp(d->udp4, true);
        DropUdp(d->udp6, true);
        if (!(want4 && want6 && port == 0 && st == STATUS_ADDRESS_ALREADY_EXISTS)) {
            return st;
        }
    }
    if (!d->udp4 && !d->udp6) {
        return STATUS_ADDRESS_ALREADY_EXISTS;
    }
    Address got;
    if (d->udp6) {
        d->udp6->GetSockName(got);
    } else {
        d->udp4->GetSockName(got);
        got = Present(d, got);
    }
    s->localAddr = got;
    s->bound = true;
    RememberBound(s);
    return STATUS_SUCCESS;
}

static NTSTATUS
SendErrno(Ptr<Socket> sock)
{
    switch (sock->GetErrno()) {
    case Socket::ERROR_MSGSIZE:
        return STATUS_INVALID_BUFFER_SIZE;
    case Socket::ERROR_NOROUTETOHOST:
        return STATUS_NETWORK_UNREACHABLE;
    case Socket::ERROR_OPNOTSUPP:
        return STATUS_ACCESS_DENIED; /* broadcast without SO_BROADCAST (WSAEACCES) */
    case Socket::ERROR_SHUTDOWN:
        return STATUS_INVALID_DEVICE_STATE;
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

/* Resolves the destination of a send: the explicit address, else the fixed one. */
static NTSTATUS
Destination(WskSocketObj* s, PSOCKADDR remote, const char* call, Address& dest)
{
    DatagramState* d = Dg(s);
    if (remote == nullptr) {
        if (d->hasSendTo) {
            dest = d->sendTo;
        } else if (d->hasRemote) {
            dest = d->remote;
        } else {
            Finding(s, call, STATUS_INVALID_PARAMETER, "RemoteAddress is NULL and neither SIO_WSK_SET_REMOTE_ADDRESS nor "
                   "SIO_WSK_SET_SENDTO_ADDRESS set a fixed destination");
            return STATUS_INVALID_PARAMETER;
        }
        return STATUS_SUCCESS;
    }
    bool wildcard;
    uint16_t port;
    if (!SockaddrToAddress(remote, s->family, dest, wildcard, port)) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "RemoteAddress is not of the socket's address family %u", s->family);
        return STATUS_INVALID_PARAMETER;
    }
    if (wildcard || port == 0) {
        return STATUS_INVALID_ADDRESS_COMPONENT;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS
SendOne(WskSocketObj* s, Ptr<Packet> p, const Address& dest)
{
    DatagramState* d = Dg(s);
    Ptr<Socket> sock;
    Address to = dest;
    if (InetSocketAddress::IsMatchingType(dest)) {
        sock = d->udp4;
    } else {
        Inet6SocketAddress a = Inet6SocketAddress::ConvertFrom(dest);
        if (a.GetIpv6().IsIpv4MappedAddress()) {
            /* a v4-mapped peer goes out through the IPv4 side (none on an IPV6_V6ONLY socket) */
            sock = d->udp4;
            to = InetSocketAddress(a.GetIpv6().GetIpv4MappedAddress(), a.GetPort());
        } else {
            sock = d->udp6;
        }
    }
    if (!sock) {
        return STATUS_INVALID_ADDRESS_COMPONENT;
    }
    if (sock->SendTo(p, 0, to) < 0) {
        return SendErrno(sock);
    }
    return STATUS_SUCCESS;
}

/* ---- dispatch functions ---- */
#define GET_SOCKET(call)                              \
    WskSocketObj* s = SocketFromHandle(Socket, call); \
    if (s == nullptr) {                               \
        return STATUS_INVALID_HANDLE;                 \
    }

#define TAKE_IRP(call)                            \
    if (Irp == nullptr) {                         \
        Finding(s, call, STATUS_INVALID_PARAMETER, "an IRP is required");    \
        return STATUS_INVALID_PARAMETER;          \
    }                                             \
    if (!IrpAccept(s->inst, Irp, call, Socket)) { \
        return STATUS_INVALID_PARAMETER;          \
    }

static NTSTATUS WSKAPI
DgBind(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags, PIRP Irp)
{
    GET_SOCKET("WskBind");
    TAKE_IRP("WskBind");
    if (Flags != 0) {
        Finding(s, "WskBind", STATUS_INVALID_PARAMETER, "Flags is reserved and must be 0 (0x%x given)", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (s->bound) {
        Finding(s, "WskBind", STATUS_INVALID_DEVICE_STATE, "the socket is already bound");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    return IrpFinish(s->inst, Irp, BindUdp(s, LocalAddress), 0);
}

static NTSTATUS
CheckSendCommon(WskSocketObj* s, ULONG Flags, ULONG ControlInfoLength, PCMSGHDR ControlInfo, const char* call)
{
    if (Flags != 0) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "Flags is reserved and must be 0 (0x%x given)", Flags);
        return STATUS_INVALID_PARAMETER;
    }
    if (ControlInfoLength != 0 && ControlInfo == nullptr) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "ControlInfoLength is %u but ControlInfo is NULL", ControlInfoLength);
        return STATUS_INVALID_PARAMETER;
    }
    if (!s->bound) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "the socket must be bound (WskBind) before it sends");
        return STATUS_INVALID_DEVICE_STATE;
    }
    return STATUS_SUCCESS;
}

/* Reads a datagram out of the client's buffer (in the driver's context, during its call). */
static NTSTATUS
PacketOf(WskSocketObj* s, const WSK_BUF* b, const char* call, Ptr<Packet>& p)
{
    size_t n;
    if (!WskBufBytes(b, n)) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "Buffer.Length %zu exceeds the bytes its MDL chain describes from Offset %u (Windows "
               "would bug-check)", (size_t)b->Length, b->Offset);
        return STATUS_INVALID_PARAMETER;
    }
    if (n > kMaxDatagram) {
        return STATUS_INVALID_BUFFER_SIZE;
    }
    if (n == 0) {
        p = Create<Packet>(0);
        return STATUS_SUCCESS;
    }
    std::vector<uint8_t> bytes(n);
    CopyFromWskBuf(b, bytes.data());
    p = Create<Packet>(bytes.data(), (uint32_t)n);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI
DgSendTo(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PSOCKADDR RemoteAddress, ULONG ControlInfoLength,
         PCMSGHDR ControlInfo, PIRP Irp)
{
    GET_SOCKET("WskSendTo");
    TAKE_IRP("WskSendTo");
    if (Buffer == nullptr) {
        Finding(s, "WskSendTo", STATUS_INVALID_PARAMETER, "Buffer is NULL");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    NTSTATUS st = CheckSendCommon(s, Flags, ControlInfoLength, ControlInfo, "WskSendTo");
    Address dest;
    if (NT_SUCCESS(st)) {
        st = Destination(s, RemoteAddress, "WskSendTo", dest);
    }
    Ptr<Packet> p;
    if (NT_SUCCESS(st)) {
        st = PacketOf(s, Buffer, "WskSendTo", p);
    }
    if (NT_SUCCESS(st)) {
        st = SendOne(s, p, dest);
    }
    if (NT_SUCCESS(st)) {
        RecordSend(s, LatencyKind::kSendToIrp, p->GetSize());
    }
    return IrpFinish(s->inst, Irp, st, NT_SUCCESS(st) ? p->GetSize() : 0);
}

static NTSTATUS WSKAPI
DgSendMessages(PWSK_SOCKET Socket, PWSK_BUF_LIST BufferList, ULONG Flags, PSOCKADDR RemoteAddress,
               ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp)
{
    GET_SOCKET("WskSendMessages");
    TAKE_IRP("WskSendMessages");
    if (BufferList == nullptr) {
        Finding(s, "WskSendMessages", STATUS_INVALID_PARAMETER, "BufferList is NULL");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    NTSTATUS st = CheckSendCommon(s, Flags, ControlInfoLength, ControlInfo, "WskSendMessages");
    Address dest;
    if (NT_SUCCESS(st)) {
        st = Destination(s, RemoteAddress, "WskSendMessages", dest);
    }
    /* every datagram is checked before the first one leaves */
    std::vector<Ptr<Packet>> packets;
    for (PWSK_BUF_LIST b = BufferList; NT_SUCCESS(st) && b != nullptr; b = b->Next) {
        Ptr<Packet> p;
        st = PacketOf(s, &b->Buffer, "WskSendMessages", p);
        packets.push_back(p);
    }
    size_t total = 0;
    for (size_t i = 0; NT_SUCCESS(st) && i < packets.size(); i++) {
        st = SendOne(s, packets[i], dest);
        total += packets[i]->GetSize();
    }
    if (NT_SUCCESS(st)) {
        RecordSend(s, LatencyKind::kSendMessagesIrp, total);
    }
    return IrpFinish(s->inst, Irp, st, NT_SUCCESS(st) ? total : 0);
}

static NTSTATUS WSKAPI
DgReceiveFrom(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PSOCKADDR RemoteAddress, PULONG ControlLength,
              PCMSGHDR ControlInfo, PULONG ControlFlags, PIRP Irp)
{
    GET_SOCKET("WskReceiveFrom");
    TAKE_IRP("WskReceiveFrom");
    DatagramState* d = Dg(s);
    size_t n;
    if (Buffer == nullptr || !WskBufBytes(Buffer, n)) {
        Finding(s, "WskReceiveFrom", STATUS_INVALID_PARAMETER, "Buffer is NULL or its Length exceeds the bytes its MDL chain describes");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (Flags != 0) {
        Finding(s, "WskReceiveFrom", STATUS_INVALID_PARAMETER, "Flags is reserved and must be 0 (0x%x given)", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (!s->bound) {
        Finding(s, "WskReceiveFrom", STATUS_INVALID_DEVICE_STATE, "the socket must be bound (WskBind) before it receives");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    PendingRecvFrom r{Irp, *Buffer, RemoteAddress, ControlLength, ControlInfo, ControlFlags};
    if (d->receives.empty() && !d->queue.empty()) {
        DgElem* e = d->queue.front();
        d->queue.pop_front();
        TakeFromQueue(d, e);
        size_t got = FillReceive(r, e);
        RecordReceiveIrp(s, e, got);
        FreeElem(e);
        return IrpFinish(s->inst, Irp, STATUS_SUCCESS, got);
    }
    if (IrpPend(s, Irp, "WskReceiveFrom", QueueReceiveFrom) == STATUS_CANCELLED) {
        return STATUS_PENDING;
    }
    d->receives.push_back(r);
    return STATUS_PENDING;
}

bool
DatagramCancelReceive(WskSocketObj* s, PIRP irp)
{
    if (!s->dgram) {
        return false;
    }
    auto& q = s->dgram->receives;
    for (auto it = q.begin(); it != q.end(); ++it) {
        if (it->irp == irp) {
            q.erase(it);
            return true;
        }
    }
    return false;
}

static NTSTATUS WSKAPI
DgRelease(PWSK_SOCKET Socket, PWSK_DATAGRAM_INDICATION DatagramIndication)
{
    GET_SOCKET("WskRelease");
    DatagramState* d = Dg(s);
    if (DatagramIndication == nullptr) {
        Finding(s, "WskRelease", STATUS_INVALID_PARAMETER, "DatagramIndication is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    /* the list is the client's now: follow the Next links it gives, each element on its own */
    for (PWSK_DATAGRAM_INDICATION i = DatagramIndication; i != nullptr;) {
        auto it = d->retained.find(i);
        if (it == d->retained.end()) {
            Misuse(s, "WskRelease", "datagram indication %p is not held by the client on this socket (released "
                   "twice?)", (void*)i);
            return STATUS_INVALID_PARAMETER;
        }
        PWSK_DATAGRAM_INDICATION next = i->Next;
        DgElem* e = it->second;
        d->retained.erase(it);
        FreeElem(e);
        i = next;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI
DgGetLocal(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, PIRP Irp)
{
    GET_SOCKET("WskGetLocalAddress");
    TAKE_IRP("WskGetLocalAddress");
    if (LocalAddress == nullptr) {
        Finding(s, "WskGetLocalAddress", STATUS_INVALID_PARAMETER, "LocalAddress is NULL");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (!s->bound) {
        Finding(s, "WskGetLocalAddress", STATUS_INVALID_DEVICE_STATE, "the socket is not bound");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    AddressToSockaddr(s->localAddr, LocalAddress);
    return IrpFinish(s->inst, Irp, STATUS_SUCCESS, 0);
}

static void
FinishClose(WskSocketObj* s)
{
    DatagramState* d = Dg(s);
    if (s->inCallback[kRecvFromIndex] > 0) {
        return; /* completes when the callback that closed it returns */
    }
    PIRP irp = d->closeIrp;
    d->closeIrp = nullptr;
    if (!d->retained.empty()) {
        Misuse(s, "WskCloseSocket", "%zu datagram indication(s) kept with STATUS_PENDING were never released "
               "with WskRelease", d->retained.size());
    }
    FreeQueues(d);
    UnwatchIpv6(d);
    DropUdp(d->udp4, !d->inUdpRecv);
    DropUdp(d->udp6, !d->inUdpRecv);
    KRT_INSTANCE* inst = s->inst;
    ReleaseSocket(s);
    if (irp != nullptr) {
        IrpCompleteLater(inst, irp, STATUS_SUCCESS, 0);
    }
}

static NTSTATUS WSKAPI
DgClose(PWSK_SOCKET Socket, PIRP Irp)
{
    GET_SOCKET("WskCloseSocket");
    TAKE_IRP("WskCloseSocket");
    DatagramState* d = Dg(s);
    s->closing = true;
    std::list<PendingRecvFrom> recvs;
    recvs.swap(d->receives);
    for (auto& r : recvs) {
        IrpCompleteLater(s->inst, r.irp, STATUS_CANCELLED, 0);
    }
    if (s->inCallback[kRecvFromIndex] > 0) {
        /* closed from inside its own WskReceiveFromEvent: finished when that returns (§8.4) */
        d->closeIrp = Irp;
        IoMarkIrpPending(Irp);
        KrtIrpMarkOwned(Irp, "WskCloseSocket");
        return STATUS_PENDING;
    }
    KRT_INSTANCE* inst = s->inst;
    FinishClose(s);
    return IrpFinish(inst, Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS
OutUlong(WskSocketObj* s, PIRP irp, ULONG v, SIZE_T outSize, PVOID out, SIZE_T* outReturned)
{
    if (outReturned) {
        *outReturned = sizeof(ULONG);
    }
    if (out == nullptr || outSize < sizeof(ULONG)) {
        return ControlFinish(s, irp, STATUS_BUFFER_TOO_SMALL);
    }
    *static_cast<ULONG*>(out) = v;
    return ControlFinish(s, irp, STATUS_SUCCESS, sizeof(ULONG));
}

/* SIO_WSK_SET_REMOTE_ADDRESS / SIO_WSK_SET_SENDTO_ADDRESS */
static NTSTATUS
FixedAddress(WskSocketObj* s, ULONG code, SIZE_T inSize, PVOID in, PIRP irp)
{
    DatagramState* d = Dg(s);
    const char* call = code == SIO_WSK_SET_REMOTE_ADDRESS ? "WskControlSocket(SIO_WSK_SET_REMOTE_ADDRESS)"
                                                          : "WskControlSocket(SIO_WSK_SET_SENDTO_ADDRESS)";
    if (!s->bound) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "the socket must be bound first");
        return ControlRefuse(s, irp, STATUS_INVALID_DEVICE_STATE);
    }
    bool set = in != nullptr && inSize != 0;
    Address a;
    if (set) {
        bool wildcard;
        uint16_t port;
        if (inSize < SockaddrLength(s->family) ||
            !SockaddrToAddress(static_cast<const SOCKADDR*>(in), s->family, a, wildcard, port) || wildcard ||
            port == 0) {
            Finding(s, call, STATUS_INVALID_PARAMETER, "input must be a specific SOCKADDR of the socket's family, or NULL/0 to clear");
            return ControlRefuse(s, irp, STATUS_INVALID_PARAMETER);
        }
    }
    if (code == SIO_WSK_SET_REMOTE_ADDRESS) {
        d->hasRemote = set;
        d->remote = a;
        if (set) {
            /* what is already buffered from other senders is discarded too */
            for (auto it = d->queue.begin(); it != d->queue.end();) {
                if (!SameAddress((*it)->from, a)) {
                    d->queuedBytes -= (*it)->length;
                    FreeElem(*it);
                    it = d->queue.erase(it);
                } else {
                    ++it;
                }
            }
        }
    } else {
        d->hasSendTo = set;
        d->sendTo = a;
    }
    return ControlFinish(s, irp, STATUS_SUCCESS);
}

static NTSTATUS WSKAPI
DgControl(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType, ULONG ControlCode, ULONG Level, SIZE_T InputSize,
          PVOID InputBuffer, SIZE_T OutputSize, PVOID OutputBuffer, SIZE_T* OutputSizeReturned, PIRP Irp)
{
    GET_SOCKET("WskControlSocket");
    if (Irp != nullptr && !IrpAccept(s->inst, Irp, "WskControlSocket", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    DatagramState* d = Dg(s);
    ULONG v = 0;
    bool haveV = InputBuffer != nullptr && InputSize >= sizeof(ULONG);
    if (haveV) {
        v = *static_cast<const ULONG*>(InputBuffer);
    }
    if (RequestType == WskIoctl &&
        (ControlCode == SIO_WSK_SET_REMOTE_ADDRESS || ControlCode == SIO_WSK_SET_SENDTO_ADDRESS)) {
        return FixedAddress(s, ControlCode, InputSize, InputBuffer, Irp);
    }
    if (RequestType == WskSetOption || RequestType == WskGetOption) {
        bool set = RequestType == WskSetOption;
        bool* flag = nullptr;
        if (Level == SOL_SOCKET && ControlCode == SO_BROADCAST) {
            flag = &d->broadcast;
        } else if (Level == IPPROTO_IP && ControlCode == IP_PKTINFO) {
            flag = &d->pktInfo4;
        } else if (Level == IPPROTO_IPV6 && (ControlCode == IPV6_PKTINFO || ControlCode == IPV6_V6ONLY)) {
            if (s->family != AF_INET6) {
                return ControlFinish(s, Irp, STATUS_INVALID_PARAMETER);
            }
            if (ControlCode == IPV6_V6ONLY && set && s->bound) {
                Finding(s, "WskControlSocket", STATUS_INVALID_DEVICE_STATE, "IPV6_V6ONLY must be set before WskBind");
                return ControlRefuse(s, Irp, STATUS_INVALID_DEVICE_STATE);
            }
            flag = ControlCode == IPV6_V6ONLY ? &d->v6Only : &d->pktInfo6;
        }
        if (flag != nullptr) {
            if (!set) {
                return OutUlong(s, Irp, *flag ? 1 : 0, OutputSize, OutputBuffer, OutputSizeReturned);
            }
            if (!haveV) {
                return ControlFinish(s, Irp, STATUS_INVALID_PARAMETER);
            }
            *flag = v != 0;
            if (flag == &d->pktInfo6 && d->pktInfo6) {
                WatchIpv6(d);
            }
            if (flag == &d->broadcast) {
                for (const Ptr<ns3::Socket>& u : {d->udp4, d->udp6}) {
                    if (u) {
                        u->SetAllowBroadcast(d->broadcast);
                    }
                }
            }
            return ControlFinish(s, Irp, STATUS_SUCCESS);
        }
        if (Level == SOL_SOCKET && ControlCode == SO_RCVBUF) {
            if (!set) {
                return OutUlong(s, Irp, d->rcvBuf, OutputSize, OutputBuffer, OutputSizeReturned);
            }
            if (!haveV) {
                return ControlFinish(s, Irp, STATUS_INVALID_PARAMETER);
            }
            d->rcvBuf = v;
            return ControlFinish(s, Irp, STATUS_SUCCESS);
        }
    }
    ULONG before = s->enabledEvents;
    bool handled;
    NTSTATUS st = ControlSocketCommon(s, RequestType, ControlCode, Level, InputSize, InputBuffer, OutputSize,
                                      OutputBuffer, OutputSizeReturned, Irp, handled);
    if (!handled && Irp != nullptr) {
        return IrpFinish(s->inst, Irp, st, 0);
    }
    if ((s->enabledEvents & ~before) & WSK_EVENT_RECEIVE_FROM) {
        /* (re-)enabled: what was buffered meanwhile is indicated first */
        d->declinedStatic = false;
        if (!d->queue.empty()) {
            ScheduleDeliver(d);
        }
    }
    return st;
}

const WSK_PROVIDER_DATAGRAM_DISPATCH g_datagramDispatch = {
    {{DgControl, DgClose}}, DgBind, DgSendTo, DgReceiveFrom, DgRelease, DgGetLocal, DgSendMessages,
};

} // namespace wsk
} // namespace ns3
