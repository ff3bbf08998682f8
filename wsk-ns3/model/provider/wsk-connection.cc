/*
 * wsk-connection.cc - WSK_PROVIDER_CONNECTION_DISPATCH over the provider's TCP socket (wsk-api.md §3.4,
 * §8.2-§8.4): bind, connect, send completed on acknowledgement, receive IRPs before receive events,
 * indications kept until WskRelease with the advertised window shrunk meanwhile, graceful and abortive
 * disconnect, disconnect events, the ideal send backlog, and close.
 */
#include "../host/simulation-context.h"
#include "wsk-provider.h"

#include "latency-recorder.h"



#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstring>

namespace ns3 {
namespace wsk {

using namespace LatencyKind;

static WskSocketObj*
OwnerOf(Ptr<Socket> sock)
{
    auto* t = dynamic_cast<WskTcpSocket*>(PeekPointer(sock));
    return t ? static_cast<WskSocketObj*>(t->GetOwner()) : nullptr;
}

static int64_t
NowNs()
{
    return Simulator::Now().GetNanoSeconds();
}

static uint64_t
SocketId(WskSocketObj* s)
{
    return s->serial;
}

static const WSK_CLIENT_CONNECTION_DISPATCH*
ClientTable(const WskSocketObj* s)
{
    return static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(s->clientDispatch);
}

/* A packet of `n` bytes of a pending send, read straight from the client's buffer when contiguous. */
/* the simulation's reusable buffer for sends whose bytes span several MDLs */
struct SendScratch
{
    std::vector<uint8_t> bytes;
};

static Ptr<Packet>
SendPacketOf(const PendingSend& ps, size_t n)
{
    if (!ps.data.empty()) {
        return Create<Packet>(ps.data.data() + ps.handed, (uint32_t)n);
    }
    size_t off = ps.buf.Offset + ps.handed;
    PMDL m = ps.buf.Mdl;
    while (m != nullptr && off >= m->ByteCount) {
        off -= m->ByteCount;
        m = m->Next;
    }
    if (m != nullptr && off + n <= m->ByteCount) {
        return Create<Packet>((const uint8_t*)MmGetMdlVirtualAddress(m) + off, (uint32_t)n);
    }
    std::vector<uint8_t>& scratch = SimulationContext::Get<SendScratch>().bytes; /* reused buffer */
    scratch.resize(n);
    CopyFromWskBufAt(&ps.buf, ps.handed, scratch.data(), n);
    return Create<Packet>(scratch.data(), (uint32_t)n);
}

static size_t
BacklogSize(const WskSocketObj* s)
{
    return s->backlog.size() - s->backlogHead;
}

static void
ConsumeBacklog(WskSocketObj* s, size_t n)
{
    s->backlogHead += n;
    if (s->backlogHead == s->backlog.size()) {
        s->backlogWireNs = -1;
        s->backlogDeliveryNs = -1;
        if (s->backlog.capacity() > 16384) {
            std::vector<uint8_t>().swap(s->backlog); /* idle connections should not keep a window's worth */
        } else {
            s->backlog.clear();
        }
        s->backlogHead = 0;
    } else if (s->backlogHead > 65536 && s->backlogHead * 2 > s->backlog.size()) {
        s->backlog.erase(s->backlog.begin(), s->backlog.begin() + (long)s->backlogHead);
        s->backlogHead = 0;
    }
}

static void
UpdateHeld(WskSocketObj* s)
{
    if (s->tcp) {
        size_t held = BacklogSize(s) + s->retainedBytes;
        s->tcp->SetHeldBytes((uint32_t)std::min<size_t>(held, 0xFFFFFFFFu));
    }
}

/* ---- sends ---- */
static void
TryPush(WskSocketObj* s)
{
    if (!s->tcp || !s->connected || s->aborted || s->peerReset) {
        return;
    }
    for (auto& ps : s->sends) {
        while (ps.handed < ps.length) {
            uint32_t avail = s->tcp->GetTxAvailable();
            if (avail == 0) {
                return;
            }
            size_t n = std::min<size_t>(avail, ps.length - ps.handed);
            Ptr<Packet> p = SendPacketOf(ps, n);
            if (s->tcp->Send(p, 0) < 0) {
                return;
            }
            ps.handed += n;
        }
    }
    if (s->localShutdown && !s->shutdownIssued) {
        bool allHanded = std::all_of(s->sends.begin(), s->sends.end(),
                                     [](const PendingSend& p) { return p.handed == p.length; });
        if (allHanded) {
            s->shutdownIssued = true;
            s->tcp->ShutdownSend(); /* the FIN follows the last queued byte */
        }
    }
}

static void
FailAll(WskSocketObj* s, NTSTATUS sendStatus, NTSTATUS recvStatus)
{
    std::list<PendingSend> sends;
    sends.swap(s->sends);
    for (auto& ps : sends) {
        if (ps.irp) {
            IrpCompleteLater(s->inst, ps.irp, sendStatus, 0);
        }
    }
    std::list<PendingReceive> recvs;
    recvs.swap(s->receives);
    for (auto& r : recvs) {
        IrpCompleteLater(s->inst, r.irp, recvStatus, 0);
    }
    if (s->disconnectIrp) {
        PIRP irp = s->disconnectIrp;
        s->disconnectIrp = nullptr;
        IrpCompleteLater(s->inst, irp, sendStatus, 0);
    }
}

static size_t
IdealSendBacklog(const WskSocketObj* s)
{
    if (!s->tcp) {
        return 0;
    }
    size_t mss = s->tcp->Mss();
    size_t cwnd = s->tcp->CongestionWindow();
    return std::max(cwnd, 2 * mss);
}

static void
MaybeSendBacklogEvent(WskSocketObj* s, bool force)
{
    if (!EventEnabled(s, WSK_EVENT_SEND_BACKLOG) || !s->handedToClient || !s->connected) {
        return;
    }
    size_t isb = IdealSendBacklog(s);
    size_t mss = s->tcp ? s->tcp->Mss() : 536;
    size_t diff = isb > s->lastIsb ? isb - s->lastIsb : s->lastIsb - isb;
    if (!force && diff < mss) {
        return;
    }
    s->lastIsb = isb;
    BeginCallback(s, WSK_EVENT_SEND_BACKLOG);
    {
        DriverContextGuard g(s->inst);
        ClientTable(s)->WskSendBacklogEvent(s->context, isb);
    }
    EndCallback(s, WSK_EVENT_SEND_BACKLOG);
}

void
WskSocketObj::TcpAcked(uint64_t acked)
{
    ackedBytes = acked;
    while (!sends.empty()) {
        PendingSend& ps = sends.front();
        if (ps.handed < ps.length || ps.endOffset > acked) {
            break;
        }
        PIRP irp = ps.irp;
        size_t n = ps.length;
        int64_t issued = ps.issuedNs;
        sends.pop_front();
        if (irp) {
            IrpCompleteLater(inst, irp, STATUS_SUCCESS, n);
            if (LatencyRecorder::Enabled()) {
                LatencyRecorder::Add(KrtInstanceNodeId(inst), serial, kSendIrp, n, -1, issued, -1, -1,
                                     Simulator::Now().GetNanoSeconds());
            }
        }
    }
    TryPush(this);
    MaybeSendBacklogEvent(this, false);
}

/* ---- receives ---- */
static void CompleteDisconnectEvent(WskSocketObj* s, ULONG flags);

static bool
ServeReceives(WskSocketObj* s)
{
    bool completed = false;
    while (!s->receives.empty()) {
        PendingReceive& r = s->receives.front();
        size_t want = r.buf.Length;
        if (r.flags & WSK_FLAG_DRAIN) {
            ConsumeBacklog(s, BacklogSize(s));
            if (!s->peerFin) {
                break;
            }
        } else if (want > 0) {
            size_t n = std::min(want - r.filled, BacklogSize(s));
            if (n > 0) {
                CopyToWskBuf(&r.buf, r.filled, s->backlog.data() + s->backlogHead, n);
                r.filled += n;
                ConsumeBacklog(s, n);
            }
            if (r.filled == 0 && !s->peerFin) {
                break;
            }
            if ((r.flags & WSK_FLAG_WAITALL) && r.filled < want && !s->peerFin) {
                break;
            }
        }
        PIRP irp = r.irp;
        size_t filled = r.filled;
        int64_t wire = s->backlogWireNs, delivery = s->backlogDeliveryNs;
        s->receives.pop_front();
        IrpCompleteLater(s->inst, irp, STATUS_SUCCESS, filled);
        if (LatencyRecorder::Enabled() && filled > 0) {
            LatencyRecorder::Add(KrtInstanceNodeId(s->inst), SocketId(s), kReceiveIrp, filled, wire, delivery, -1, -1, NowNs());
        }
        completed = true;
    }
    if (completed) {
        s->indicationsSuspended = false; /* a completed WskReceive resumes receive events */
    }
    return completed;
}

static void
FreeIndication(RetainedIndication* ri)
{
    std::free(ri->bytes);
    std::free(ri->mdl);
    delete ri;
}

static RetainedIndication*
MakeIndication(const uint8_t* data, size_t n)
{
    auto* ri = new RetainedIndication();
    ri->bytes = static_cast<uint8_t*>(std::malloc(n ? n : 1));
    std::memcpy(ri->bytes, data, n);
    ri->length = n;
    size_t mdlSize = sizeof(MDL) + sizeof(PFN_NUMBER) * (ADDRESS_AND_SIZE_TO_SPAN_PAGES(ri->bytes, n) + 1);
    ri->mdl = static_cast<MDL*>(std::calloc(1, mdlSize));
    MmInitializeMdl(ri->mdl, ri->bytes, n);
    ri->mdl->MappedSystemVa = ri->bytes;
    ri->mdl->MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL;
    ri->ind.Next = nullptr;
    ri->ind.Buffer.Mdl = ri->mdl;
    ri->ind.Buffer.Offset = 0;
    ri->ind.Buffer.Length = n;
    return ri;
}

static void FinishDeferredClose(WskSocketObj* s);

WskSocketObj::~WskSocketObj()
{
    for (auto* ri : retained) {
        FreeIndication(ri);
    }
    if (tcp) {
        tcp->SetOwner(nullptr);
    }
    if (tcp4) {
        tcp4->SetOwner(nullptr);
    }
}

/* Frees a socket that was never closed (its instance is being destroyed). */
void
DestroySocketObject(WskSocketObj* s)
{
    s->handle.magic = kSocketClosed;
    delete s;
}

void
ConnectionDeliver(WskSocketObj* s)
{
    if (s->closed || s->inIndication || !s->handedToClient) {
        UpdateHeld(s);
        return;
    }
    ServeReceives(s);
    while (s->receives.empty() && BacklogSize(s) > 0 && !s->indicationsSuspended && EventEnabled(s, WSK_EVENT_RECEIVE)) {
        size_t n = BacklogSize(s);
        int64_t wireSaved = s->backlogWireNs, deliverySaved = s->backlogDeliveryNs;
        RetainedIndication* ri = MakeIndication(s->backlog.data() + s->backlogHead, n);
        ConsumeBacklog(s, n);
        s->backlogWireNs = wireSaved; /* restored below if bytes are put back; used for the record */
        s->backlogDeliveryNs = deliverySaved;
        SIZE_T accepted = n;
        ULONG flags = WSK_FLAG_AT_DISPATCH_LEVEL;
        if (s->tcp && s->retainedBytes > s->tcp->BaseRcvBuf() / 2) {
            flags |= WSK_FLAG_RELEASE_ASAP;
        }
        int64_t wire = s->backlogWireNs, delivery = s->backlogDeliveryNs;
        s->inIndication = true;
        BeginCallback(s, WSK_EVENT_RECEIVE);
        NTSTATUS st;
        int64_t entry = NowNs();
        {
            DriverContextGuard g(s->inst);
            st = ClientTable(s)->WskReceiveEvent(s->context, flags, &ri->ind, n, &accepted);
        }
        EndCallback(s, WSK_EVENT_RECEIVE);
        s->inIndication = false;
        if (LatencyRecorder::Enabled()) {
            LatencyRecorder::Add(KrtInstanceNodeId(s->inst), SocketId(s), kReceiveEvent, n, wire, delivery, entry, NowNs(), -1);
        }
        if (BacklogSize(s) == 0) {
            s->backlogWireNs = -1;
            s->backlogDeliveryNs = -1;
        }
        if (st == STATUS_PENDING) {
            s->retained.push_back(ri);
            s->retainedBytes += n;
        } else {
            size_t back = 0;
            if (st == STATUS_SUCCESS && accepted < n) {
                back = n - accepted;
            } else if (st == STATUS_DATA_NOT_ACCEPTED) {
                back = n;
            } else if (st != STATUS_SUCCESS) {
                KrtReportFor(s->inst, 1, "WskReceiveEvent", "socket %p: undocumented return 0x%08X treated as "
                             "all bytes consumed", (void*)s->Handle(), (unsigned)st);
            }
            if (back > 0) {
                /* put the unaccepted bytes back in front; indications stop until a WskReceive completes */
                s->backlog.insert(s->backlog.begin() + (long)s->backlogHead, ri->bytes + (n - back), ri->bytes + n);
                s->indicationsSuspended = true;
                s->backlogWireNs = wireSaved;
                s->backlogDeliveryNs = deliverySaved;
            }
            FreeIndication(ri);
        }
        if (s->closeIrp != nullptr) {
            FinishDeferredClose(s);
            return;
        }
    }
    UpdateHeld(s);
}

static void
DeliverEvent(Ptr<WskTcpSocket> tcp)
{
    auto* s = static_cast<WskSocketObj*>(tcp->GetOwner());
    if (s == nullptr || s->closed) {
        return;
    }
    DriverContextGuard g(s->inst);
    s->deliverScheduled = false;
    if (s->backlogDeliveryNs < 0 && BacklogSize(s) > 0) {
        s->backlogDeliveryNs = NowNs();
    }
    ConnectionDeliver(s);
}

/* Host latency model, second stage: the DPC has run (delivery stamp); the callback itself starts after
 * the sampled dispatch delay, stretched by per-node CPU contention when that is on. */
static void
DpcEvent(Ptr<WskTcpSocket> tcp)
{
    auto* s = static_cast<WskSocketObj*>(tcp->GetOwner());
    if (s == nullptr || s->closed) {
        return;
    }
    DriverContextGuard g(s->inst);
    if (s->backlogDeliveryNs < 0 && BacklogSize(s) > 0) {
        s->backlogDeliveryNs = NowNs();
    }
    if (LatencyModel::Enabled(LatencySource::CallbackDispatch)) {
        Time d = LatencyModel::Contend(KrtInstanceNodeId(s->inst), LatencyModel::Sample(LatencySource::CallbackDispatch));
        Simulator::ScheduleWithContext(KrtInstanceNodeId(s->inst), d, &DeliverEvent, tcp);
        return;
    }
    s->deliverScheduled = false;
    ConnectionDeliver(s);
}

void
ScheduleDeliver(WskSocketObj* s)
{
    if (s->deliverScheduled || !s->tcp) {
        return;
    }
    s->deliverScheduled = true;
    Simulator::ScheduleWithContext(KrtInstanceNodeId(s->inst), Seconds(0), &DeliverEvent, s->tcp);
}

static void
BacklogEvent(Ptr<WskTcpSocket> tcp)
{
    auto* s = static_cast<WskSocketObj*>(tcp->GetOwner());
    if (s != nullptr && !s->closed) {
        DriverContextGuard g(s->inst);
        MaybeSendBacklogEvent(s, true);
    }
}

void
ConnectionOnEventEnabled(WskSocketObj* s, ULONG bits)
{
    if ((bits & WSK_EVENT_RECEIVE) && BacklogSize(s) > 0) {
        ScheduleDeliver(s);
    }
    if ((bits & WSK_EVENT_SEND_BACKLOG) && s->tcp) {
        Simulator::ScheduleWithContext(KrtInstanceNodeId(s->inst), Seconds(0), &BacklogEvent, s->tcp);
    }
}

static void
CompleteDisconnectEvent(WskSocketObj* s, ULONG flags)
{
    if (!s->handedToClient || !EventEnabled(s, WSK_EVENT_DISCONNECT)) {
        return;
    }
    BeginCallback(s, WSK_EVENT_DISCONNECT);
    int64_t entry = NowNs();
    {
        DriverContextGuard g(s->inst);
        ClientTable(s)->WskDisconnectEvent(s->context, flags | WSK_FLAG_AT_DISPATCH_LEVEL);
    }
    EndCallback(s, WSK_EVENT_DISCONNECT);
    if (LatencyRecorder::Enabled()) {
        LatencyRecorder::Add(KrtInstanceNodeId(s->inst), SocketId(s), kDisconnectEvent, 0, entry, entry, entry, NowNs(), -1);
    }
    if (s->closeIrp != nullptr) {
        FinishDeferredClose(s);
    }
}

static void DpcEvent(Ptr<WskTcpSocket> tcp);

/* ---- ns-3 socket callbacks ---- */
static void
OnRecv(Ptr<Socket> sock)
{
    WskSocketObj* s = OwnerOf(sock);
    if (s == nullptr) {
        return;
    }
    DriverContextGuard g(s->inst);
    Ptr<Packet> p;
    bool wasEmpty = BacklogSize(s) == 0;
    while ((p = sock->Recv()) && p->GetSize() > 0) {
        size_t old = s->backlog.size();
        s->backlog.resize(old + p->GetSize());
        p->CopyData(s->backlog.data() + old, p->GetSize());
    }
    if (wasEmpty && BacklogSize(s) > 0) {
        s->backlogWireNs = NowNs();
    }
    if (LatencyModel::Enabled(LatencySource::InterruptToDpc) || LatencyModel::Enabled(LatencySource::CallbackDispatch)) {
        /* host model: the receive DPC runs after the interrupt-to-DPC latency, the callback after the
         * dispatch delay; with the model off neither event exists */
        if (!s->deliverScheduled) {
            s->deliverScheduled = true;
            Time dpc = LatencyModel::Enabled(LatencySource::InterruptToDpc)
                           ? LatencyModel::Sample(LatencySource::InterruptToDpc)
                           : Time(0);
            Simulator::ScheduleWithContext(KrtInstanceNodeId(s->inst), dpc, &DpcEvent, s->tcp);
        }
        UpdateHeld(s);
        return;
    }
    if (s->backlogDeliveryNs < 0 && BacklogSize(s) > 0) {
        s->backlogDeliveryNs = NowNs();
    }
    ConnectionDeliver(s);
}

static void
OnSendSpace(Ptr<Socket> sock, uint32_t)
{
    WskSocketObj* s = OwnerOf(sock);
    if (s != nullptr) {
        DriverContextGuard g(s->inst);
        TryPush(s);
    }
}

static void
PeerFin(WskSocketObj* s)
{
    if (s->peerFin || s->peerReset) {
        return;
    }
    s->peerFin = true;
    ConnectionDeliver(s);
    ServeReceives(s);
    CompleteDisconnectEvent(s, 0);
}

static void
OnNormalClose(Ptr<Socket> sock)
{
    WskSocketObj* s = OwnerOf(sock);
    if (s == nullptr || s->peerReset || s->aborted) {
        return;
    }
    DriverContextGuard g(s->inst);
    PeerFin(s);
}

static void
OnErrorClose(Ptr<Socket> sock)
{
    WskSocketObj* s = OwnerOf(sock);
    if (s == nullptr || s->aborted || s->peerReset) {
        return;
    }
    DriverContextGuard g(s->inst);
    s->aborted = true;
    s->failure = STATUS_CONNECTION_ABORTED;
    FailAll(s, STATUS_CONNECTION_ABORTED, STATUS_CONNECTION_ABORTED);
    CompleteDisconnectEvent(s, WSK_FLAG_ABORTIVE);
}

static void
CompleteConnect(WskSocketObj* s, NTSTATUS status)
{
    PIRP irp = s->connectIrp;
    s->connectIrp = nullptr;
    s->connecting = false;
    if (irp == nullptr) {
        return;
    }
    if (LatencyRecorder::Enabled()) {
        LatencyRecorder::Add(KrtInstanceNodeId(s->inst), SocketId(s), kConnectIrp, 0, -1, s->connectIssuedNs, -1, -1, NowNs());
    }
    if (NT_SUCCESS(status)) {
        IrpCompleteLater(s->inst, irp, status, s->socketConnect ? (ULONG_PTR)s->Handle() : 0);
        return;
    }
    KRT_INSTANCE* inst = s->inst;
    if (s->socketConnect) {
        ReleaseSocket(s); /* WskSocketConnect failed: the socket never reaches the client */
    }
    IrpCompleteLater(inst, irp, status, 0);
}

static void
OnConnected(Ptr<Socket> sock)
{
    WskSocketObj* s = OwnerOf(sock);
    if (s == nullptr || !s->connecting) {
        return;
    }
    DriverContextGuard g(s->inst);
    s->connected = true;
    s->tcp->MarkStreamStart();
    sock->GetSockName(s->localAddr);
    sock->GetPeerName(s->remoteAddr);
    if (!s->connectExData.empty()) {
        PendingSend ps;
        ps.irp = nullptr;
        ps.data.swap(s->connectExData);
        ps.length = ps.data.size();
        s->queuedBytes += ps.data.size();
        ps.endOffset = s->queuedBytes;
        s->sends.push_back(std::move(ps));
    }
    TryPush(s);
    CompleteConnect(s, STATUS_SUCCESS);
}

static void
OnConnectFailed(Ptr<Socket> sock)
{
    WskSocketObj* s = OwnerOf(sock);
    if (s != nullptr && s->connecting) {
        DriverContextGuard g(s->inst);
        CompleteConnect(s, STATUS_IO_TIMEOUT);
    }
}

void
WskSocketObj::TcpConnectRefused()
{
    if (connecting) {
        CompleteConnect(this, STATUS_CONNECTION_REFUSED);
    }
}

void
WskSocketObj::TcpResetReceived()
{
    if (peerReset || aborted) {
        return;
    }
    peerReset = true;
    failure = STATUS_CONNECTION_RESET;
    FailAll(this, STATUS_CONNECTION_RESET, STATUS_CONNECTION_RESET);
    CompleteDisconnectEvent(this, WSK_FLAG_ABORTIVE);
}

void
WskSocketObj::TcpStateChanged(TcpSocket::TcpStates_t from, TcpSocket::TcpStates_t to)
{
    /* our FIN was acknowledged: a graceful WskDisconnect is complete */
    bool finAcked = (from == TcpSocket::FIN_WAIT_1 && (to == TcpSocket::FIN_WAIT_2 || to == TcpSocket::TIME_WAIT)) ||
                    (from == TcpSocket::CLOSING && to == TcpSocket::TIME_WAIT) ||
                    (from == TcpSocket::LAST_ACK && to == TcpSocket::CLOSED);
    if (finAcked) {
        /* the FIN follows every data byte, so its ACK acknowledges them all (ns-3 does not advance the
         * transmit buffer in LAST_ACK) */
        TcpAcked(queuedBytes);
    }
    if (finAcked && disconnectIrp != nullptr) {
        PIRP irp = disconnectIrp;
        disconnectIrp = nullptr;
        if (LatencyRecorder::Enabled()) {
            /* WskDisconnect called -> our FIN acknowledged -> IRP completed */
            LatencyRecorder::Add(KrtInstanceNodeId(inst), SocketId(this), kDisconnectIrp, 0, -1, disconnectIssuedNs, -1, -1,
                                 NowNs());
        }
        IrpCompleteLater(inst, irp, STATUS_SUCCESS, 0);
    }
}

void
ConnectionAttachTcp(WskSocketObj* s, Ptr<WskTcpSocket> tcp)
{
    s->tcp = tcp;
    tcp->SetOwner(s);
    tcp->SetRecvCallback(MakeCallback(&OnRecv));
    tcp->SetSendCallback(MakeCallback(&OnSendSpace));
    tcp->SetCloseCallbacks(MakeCallback(&OnNormalClose), MakeCallback(&OnErrorClose));
    tcp->SetConnectCallback(MakeCallback(&OnConnected), MakeCallback(&OnConnectFailed));
    /* the default SndBufSize (128 KiB) as for native ns-3 sockets: TryPush refills it as ACKs free space */
}

/* ---- dispatch functions ---- */
#define GET_SOCKET(call)                                  \
    WskSocketObj* s = SocketFromHandle(Socket, call);     \
    if (s == nullptr) {                                   \
        return STATUS_INVALID_HANDLE;                     \
    }

#define TAKE_IRP(call)                                                  \
    if (Irp == nullptr) {                                               \
        Finding(s, call, STATUS_INVALID_PARAMETER, "an IRP is required");                          \
        return STATUS_INVALID_PARAMETER;                                \
    }                                                                   \
    if (!IrpAccept(s->inst, Irp, call, Socket)) {                       \
        return STATUS_INVALID_PARAMETER;                                \
    }

static NTSTATUS
BindTcp(WskSocketObj* s, PSOCKADDR LocalAddress, const char* call)
{
    Address addr;
    bool wildcard;
    uint16_t port;
    if (!SockaddrToAddress(LocalAddress, s->family, addr, wildcard, port)) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "LocalAddress is NULL or not of the socket's address family %u", s->family);
        return STATUS_INVALID_PARAMETER;
    }
    Ptr<Node> node = NodeOf(s->inst);
    /* a dual-stack AF_INET6 socket bound to a v4-mapped address is an IPv4 socket underneath */
    Address v4;
    bool mapped = s->family == AF_INET6 && MappedToIpv4(addr, v4);
    if (mapped && s->v6only) {
        Finding(s, call, STATUS_INVALID_ADDRESS_COMPONENT, "a v4-mapped LocalAddress needs IPV6_V6ONLY = 0 on this AF_INET6 socket");
        return STATUS_INVALID_ADDRESS_COMPONENT;
    }
    bool ipv4Side = s->family == AF_INET || mapped;
    Address nsAddr = mapped ? v4 : addr;
    if (!wildcard) {
        bool local = false;
        if (ipv4Side) {
            Ptr<Ipv4> ip = node->GetObject<Ipv4>();
            local = ip && ip->GetInterfaceForAddress(InetSocketAddress::ConvertFrom(nsAddr).GetIpv4()) >= 0;
        } else {
            Ptr<Ipv6> ip = node->GetObject<Ipv6>();
            local = ip && ip->GetInterfaceForAddress(Inet6SocketAddress::ConvertFrom(addr).GetIpv6()) >= 0;
        }
        if (!local) {
            return STATUS_INVALID_ADDRESS_COMPONENT;
        }
    }
    NTSTATUS share = CheckBindSharing(s, addr, wildcard, port);
    if (!NT_SUCCESS(share)) {
        return share;
    }
    if (!s->tcp) {
        Ptr<WskTcpSocket> tcp = WskTcpSocket::Create(node);
        if (!tcp) {
            return STATUS_DEVICE_NOT_READY;
        }
        if (s->rcvBuf != 0) {
            tcp->SetBaseRcvBuf(s->rcvBuf);
        }
        if (s->kind == SocketKind::Connection) {
            ConnectionAttachTcp(s, tcp);
        } else {
            s->tcp = tcp;
            tcp->SetOwner(s);
        }
    }
    int r = ipv4Side ? s->tcp->Bind(nsAddr) : s->tcp->Bind(Inet6SocketAddress::ConvertFrom(addr));
    if (r != 0) {
        return s->tcp->GetErrno() == Socket::ERROR_ADDRINUSE ? STATUS_ADDRESS_ALREADY_EXISTS : STATUS_INVALID_PARAMETER;
    }
    s->bound = true;
    s->tcp->GetSockName(s->localAddr);
    RememberBound(s);
    return STATUS_SUCCESS;
}

NTSTATUS ListenBindTcp(WskSocketObj* s, PSOCKADDR LocalAddress, const char* call);
NTSTATUS
ListenBindTcp(WskSocketObj* s, PSOCKADDR LocalAddress, const char* call)
{
    return BindTcp(s, LocalAddress, call);
}

static NTSTATUS WSKAPI
ConnBind(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags, PIRP Irp)
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
    return IrpFinish(s->inst, Irp, BindTcp(s, LocalAddress, "WskBind"), 0);
}

/* A dual-stack AF_INET6 socket connecting to a v4-mapped address: the connection runs over IPv4, so the
 * socket's ns-3 side becomes an IPv4 socket on the same local port. Returns the address to connect to. */
static NTSTATUS
ConnectTarget(WskSocketObj* s, Address& addr, const char* call)
{
    Address v4;
    if (s->family != AF_INET6 || !MappedToIpv4(addr, v4)) {
        if (s->family == AF_INET6 && InetSocketAddress::IsMatchingType(s->localAddr)) {
            Finding(s, call, STATUS_INVALID_ADDRESS_COMPONENT, "the socket is bound to a v4-mapped address and cannot reach an IPv6 peer");
            return STATUS_INVALID_ADDRESS_COMPONENT;
        }
        return STATUS_SUCCESS;
    }
    if (s->v6only) {
        Finding(s, call, STATUS_INVALID_ADDRESS_COMPONENT, "a v4-mapped RemoteAddress needs IPV6_V6ONLY = 0 on this AF_INET6 socket");
        return STATUS_INVALID_ADDRESS_COMPONENT;
    }
    addr = v4;
    if (InetSocketAddress::IsMatchingType(s->localAddr)) {
        return STATUS_SUCCESS; /* bound to a v4-mapped address: already IPv4 underneath */
    }
    uint16_t port = Inet6SocketAddress::ConvertFrom(s->localAddr).GetPort();
    Ptr<WskTcpSocket> t4 = WskTcpSocket::Create(NodeOf(s->inst));
    if (!t4 || t4->Bind(InetSocketAddress(Ipv4Address::GetAny(), port)) != 0) {
        NTSTATUS st = t4 ? STATUS_ADDRESS_ALREADY_EXISTS : STATUS_NETWORK_UNREACHABLE;
        Finding(s, call, st, "IPV6_V6ONLY = 0: IPv4 port %u is not available on this node", port);
        return st;
    }
    t4->SetBaseRcvBuf(s->tcp->BaseRcvBuf());
    Ptr<WskTcpSocket> old = s->tcp;
    old->SetOwner(nullptr);
    ConnectionAttachTcp(s, t4);
    old->Close();
    return STATUS_SUCCESS;
}

static NTSTATUS
StartConnect(WskSocketObj* s, PSOCKADDR RemoteAddress, PIRP Irp, const char* call)
{
    Address addr;
    bool wildcard;
    uint16_t port;
    if (!SockaddrToAddress(RemoteAddress, s->family, addr, wildcard, port) || wildcard || port == 0) {
        Finding(s, call, STATUS_INVALID_ADDRESS, "RemoteAddress must be a specific address and port of the socket's family");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_ADDRESS);
    }
    NTSTATUS target = ConnectTarget(s, addr, call);
    if (!NT_SUCCESS(target)) {
        return IrpFinish(s->inst, Irp, target, 0);
    }
    int r = Inet6SocketAddress::IsMatchingType(addr) ? s->tcp->Connect(Inet6SocketAddress::ConvertFrom(addr))
                                                     : s->tcp->Connect(addr);
    if (r != 0) {
        NTSTATUS st = s->tcp->GetErrno() == Socket::ERROR_NOROUTETOHOST ? STATUS_NETWORK_UNREACHABLE
                                                                         : STATUS_INVALID_PARAMETER;
        return IrpFinish(s->inst, Irp, st, 0);
    }
    s->connecting = true;
    s->remoteAddr = addr;
    s->connectIrp = Irp;
    s->connectIssuedNs = NowNs();
    if (IrpPend(s, Irp, call, QueueConnect) == STATUS_CANCELLED) {
        s->connectIrp = nullptr;
    }
    return STATUS_PENDING;
}

static NTSTATUS WSKAPI
ConnConnect(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, ULONG Flags, PIRP Irp)
{
    GET_SOCKET("WskConnect");
    TAKE_IRP("WskConnect");
    if (Flags != 0) {
        Finding(s, "WskConnect", STATUS_INVALID_PARAMETER, "Flags is reserved and must be 0 (0x%x given)", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (!s->bound) {
        Finding(s, "WskConnect", STATUS_INVALID_DEVICE_STATE, "the socket must be bound (WskBind) before WskConnect");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (s->connected || s->connecting) {
        Finding(s, "WskConnect", STATUS_CONNECTION_ACTIVE, "the socket is already %s", s->connected ? "connected" : "connecting");
        return IrpRefuse(s->inst, Irp, STATUS_CONNECTION_ACTIVE);
    }
    return StartConnect(s, RemoteAddress, Irp, "WskConnect");
}

static NTSTATUS WSKAPI
ConnConnectEx(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    GET_SOCKET("WskConnectEx");
    TAKE_IRP("WskConnectEx");
    if (Flags != 0) {
        Finding(s, "WskConnectEx", STATUS_INVALID_PARAMETER, "Flags is reserved and must be 0 (0x%x given)", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (!s->bound) {
        Finding(s, "WskConnectEx", STATUS_INVALID_DEVICE_STATE, "the socket must be bound (WskBind) before WskConnectEx");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (s->connected || s->connecting) {
        Finding(s, "WskConnectEx", STATUS_CONNECTION_ACTIVE, "the socket is already %s", s->connected ? "connected" : "connecting");
        return IrpRefuse(s->inst, Irp, STATUS_CONNECTION_ACTIVE);
    }
    if (Buffer != nullptr) {
        size_t n;
        if (!WskBufBytes(Buffer, n)) {
            Finding(s, "WskConnectEx", STATUS_INVALID_PARAMETER, "Buffer.Length exceeds the bytes its MDL chain describes");
            return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
        }
        if (n > 65535) {
            Finding(s, "WskConnectEx", STATUS_BUFFER_OVERFLOW, "the connect data is %zu bytes (at most 65,535)", n);
            return IrpRefuse(s->inst, Irp, STATUS_BUFFER_OVERFLOW);
        }
        s->connectExData.resize(n);
        if (n) {
            CopyFromWskBuf(Buffer, s->connectExData.data());
        }
    }
    return StartConnect(s, RemoteAddress, Irp, "WskConnectEx");
}

NTSTATUS
ConnectionSocketConnect(WskSocketObj* s, PSOCKADDR local, PSOCKADDR remote, PIRP irp)
{
    s->socketConnect = true;
    NTSTATUS st = BindTcp(s, local, "WskSocketConnect");
    if (!NT_SUCCESS(st)) {
        KRT_INSTANCE* inst = s->inst;
        ReleaseSocket(s);
        return IrpFinish(inst, irp, st, 0);
    }
    Address addr;
    bool wildcard;
    uint16_t port;
    if (!SockaddrToAddress(remote, s->family, addr, wildcard, port) || wildcard || port == 0 ||
        !NT_SUCCESS(ConnectTarget(s, addr, "WskSocketConnect")) ||
        (Inet6SocketAddress::IsMatchingType(addr) ? s->tcp->Connect(Inet6SocketAddress::ConvertFrom(addr))
                                                  : s->tcp->Connect(addr)) != 0) {
        KRT_INSTANCE* inst = s->inst;
        Finding(nullptr, "WskSocketConnect", STATUS_INVALID_ADDRESS,
                "RemoteAddress must be a specific, reachable address and port of LocalAddress's family");
        ReleaseSocket(s);
        return IrpRefuse(inst, irp, STATUS_INVALID_ADDRESS);
    }
    s->connecting = true;
    s->remoteAddr = addr;
    s->connectIrp = irp;
    if (IrpPend(s, irp, "WskSocketConnect", QueueConnect) == STATUS_CANCELLED) {
        s->connectIrp = nullptr;
    }
    return STATUS_PENDING;
}

static NTSTATUS
AddressCall(WskSocketObj* s, PSOCKADDR out, PIRP Irp, bool remote, const char* call)
{
    if (out == nullptr) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "the address buffer is NULL");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (remote ? !s->connected : !s->bound) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "the socket is not %s", remote ? "connected" : "bound");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (!remote && s->tcp) {
        s->tcp->GetSockName(s->localAddr);
    }
    AddressToSockaddr(remote ? s->remoteAddr : s->localAddr, out, s->family);
    (void)call;
    return IrpFinish(s->inst, Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS WSKAPI
ConnGetLocal(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, PIRP Irp)
{
    GET_SOCKET("WskGetLocalAddress");
    TAKE_IRP("WskGetLocalAddress");
    return AddressCall(s, LocalAddress, Irp, false, "WskGetLocalAddress");
}

static NTSTATUS WSKAPI
ConnGetRemote(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, PIRP Irp)
{
    GET_SOCKET("WskGetRemoteAddress");
    TAKE_IRP("WskGetRemoteAddress");
    return AddressCall(s, RemoteAddress, Irp, true, "WskGetRemoteAddress");
}

static NTSTATUS
SendCommon(WskSocketObj* s, PWSK_BUF Buffer, ULONG Flags, PIRP Irp, const char* call)
{
    if (Buffer == nullptr) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "Buffer is NULL");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (Flags & ~(ULONG)WSK_FLAG_NODELAY) {
        Finding(s, call, STATUS_NOT_SUPPORTED, "unsupported send flags 0x%x", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_NOT_SUPPORTED);
    }
    if (s->aborted || s->peerReset) {
        return IrpFinish(s->inst, Irp, s->failure ? s->failure : STATUS_CONNECTION_ABORTED, 0);
    }
    if (!s->connected || s->localShutdown) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "%s", s->localShutdown ? "send after WskDisconnect" : "the socket is not connected");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    size_t n;
    if (!WskBufBytes(Buffer, n)) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "Buffer.Length %zu exceeds the bytes its MDL chain describes from Offset %u (Windows "
               "would bug-check)", (size_t)Buffer->Length, Buffer->Offset);
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (n == 0) {
        return IrpFinish(s->inst, Irp, STATUS_SUCCESS, 0);
    }
    PendingSend ps;
    ps.irp = Irp;
    ps.buf = *Buffer;
    ps.length = n;
    ps.issuedNs = NowNs();
    s->queuedBytes += n;
    ps.endOffset = s->queuedBytes;
    if (IrpPend(s, Irp, call, QueueSend) == STATUS_CANCELLED) {
        s->queuedBytes -= n;
        return STATUS_PENDING;
    }
    s->sends.push_back(std::move(ps));
    TryPush(s);
    return STATUS_PENDING;
}

static NTSTATUS WSKAPI
ConnSend(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    GET_SOCKET("WskSend");
    TAKE_IRP("WskSend");
    if (s->silent) {
        Finding(s, "WskSend", STATUS_INVALID_DEVICE_STATE, "the socket is in TCP silent mode (SIO_WSK_SET_TCP_SILENT_MODE): only WskCloseSocket is valid");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    return SendCommon(s, Buffer, Flags, Irp, "WskSend");
}

static NTSTATUS WSKAPI
ConnSendEx(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp)
{
    GET_SOCKET("WskSendEx");
    TAKE_IRP("WskSendEx");
    if (s->silent) {
        Finding(s, "WskSendEx", STATUS_INVALID_DEVICE_STATE, "the socket is in TCP silent mode (SIO_WSK_SET_TCP_SILENT_MODE): only WskCloseSocket is valid");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (ControlInfoLength != 0 || ControlInfo != nullptr) {
        Finding(s, "WskSendEx", STATUS_NOT_SUPPORTED, "control information is not supported on TCP sends");
        return IrpRefuse(s->inst, Irp, STATUS_NOT_SUPPORTED);
    }
    return SendCommon(s, Buffer, Flags, Irp, "WskSendEx");
}

static NTSTATUS
ReceiveCommon(WskSocketObj* s, PWSK_BUF Buffer, ULONG Flags, PIRP Irp, const char* call)
{
    if (Buffer == nullptr) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "Buffer is NULL (a zero-length receive still passes a WSK_BUF)");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if ((Flags & WSK_FLAG_WAITALL) && (Flags & WSK_FLAG_DRAIN)) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "WSK_FLAG_WAITALL and WSK_FLAG_DRAIN are mutually exclusive");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (Flags & ~(ULONG)(WSK_FLAG_WAITALL | WSK_FLAG_DRAIN)) {
        Finding(s, call, STATUS_NOT_SUPPORTED, "unsupported receive flags 0x%x", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_NOT_SUPPORTED);
    }
    size_t n;
    if (!WskBufBytes(Buffer, n)) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "Buffer.Length exceeds the bytes its MDL chain describes");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (s->peerReset || s->aborted) {
        return IrpFinish(s->inst, Irp, s->failure ? s->failure : STATUS_CONNECTION_ABORTED, 0);
    }
    if (!s->connected) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "the socket is not connected");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    /* complete at once when it can be: data is here, or the peer has closed, or a zero-length re-arm */
    if (s->receives.empty() && !(Flags & WSK_FLAG_DRAIN)) {
        size_t have = BacklogSize(s);
        bool now = n == 0 || (have > 0 && (!(Flags & WSK_FLAG_WAITALL) || have >= n)) || (s->peerFin);
        if (now) {
            size_t k = std::min(n, have);
            if (k > 0) {
                CopyToWskBuf(Buffer, 0, s->backlog.data() + s->backlogHead, k);
                ConsumeBacklog(s, k);
            }
            s->indicationsSuspended = false;
            if (BacklogSize(s) > 0 && EventEnabled(s, WSK_EVENT_RECEIVE)) {
                ScheduleDeliver(s);
            }
            UpdateHeld(s);
            return IrpFinish(s->inst, Irp, STATUS_SUCCESS, k);
        }
    }
    PendingReceive r;
    r.irp = Irp;
    r.buf = *Buffer;
    r.flags = Flags;
    if (IrpPend(s, Irp, call, QueueReceive) == STATUS_CANCELLED) {
        return STATUS_PENDING;
    }
    s->receives.push_back(r);
    if (ServeReceives(s) && BacklogSize(s) > 0) {
        ScheduleDeliver(s);
    }
    UpdateHeld(s);
    return STATUS_PENDING;
}

static NTSTATUS WSKAPI
ConnReceive(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    GET_SOCKET("WskReceive");
    TAKE_IRP("WskReceive");
    return ReceiveCommon(s, Buffer, Flags, Irp, "WskReceive");
}

static NTSTATUS WSKAPI
ConnReceiveEx(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PULONG ControlInfoLength, PCMSGHDR ControlInfo,
              PULONG ControlFlags, PIRP Irp)
{
    GET_SOCKET("WskReceiveEx");
    TAKE_IRP("WskReceiveEx");
    (void)ControlInfo;
    if (ControlInfoLength != nullptr) {
        *ControlInfoLength = 0; /* TCP carries no control information here */
    }
    if (ControlFlags != nullptr) {
        *ControlFlags = 0;
    }
    return ReceiveCommon(s, Buffer, Flags, Irp, "WskReceiveEx");
}

static NTSTATUS WSKAPI
ConnDisconnect(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    GET_SOCKET("WskDisconnect");
    TAKE_IRP("WskDisconnect");
    if (s->silent) {
        Finding(s, "WskDisconnect", STATUS_INVALID_DEVICE_STATE, "the socket is in TCP silent mode (SIO_WSK_SET_TCP_SILENT_MODE): only WskCloseSocket is valid");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (Flags & ~(ULONG)WSK_FLAG_ABORTIVE) {
        Finding(s, "WskDisconnect", STATUS_NOT_SUPPORTED, "unsupported disconnect flags 0x%x", Flags);
        return IrpRefuse(s->inst, Irp, STATUS_NOT_SUPPORTED);
    }
    if (!s->connected) {
        Finding(s, "WskDisconnect", STATUS_INVALID_DEVICE_STATE, "the socket is not connected");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (Flags & WSK_FLAG_ABORTIVE) {
        if (Buffer != nullptr) {
            Finding(s, "WskDisconnect", STATUS_INVALID_PARAMETER, "Buffer must be NULL with WSK_FLAG_ABORTIVE");
            return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
        }
        if (!s->aborted && !s->peerReset) {
            s->aborted = true;
            s->failure = STATUS_CONNECTION_ABORTED;
            FailAll(s, STATUS_CANCELLED, STATUS_CONNECTION_ABORTED);
            s->tcp->Abort();
        }
        return IrpFinish(s->inst, Irp, STATUS_SUCCESS, 0);
    }
    if (s->aborted || s->peerReset) {
        return IrpFinish(s->inst, Irp, s->failure, 0);
    }
    if (s->localShutdown) {
        Finding(s, "WskDisconnect", STATUS_INVALID_DEVICE_STATE, "the socket was already disconnected");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (Buffer != nullptr && Buffer->Length > 0) {
        size_t n;
        if (!WskBufBytes(Buffer, n)) {
            Finding(s, "WskDisconnect", STATUS_INVALID_PARAMETER, "Buffer.Length exceeds the bytes its MDL chain describes");
            return IrpRefuse(s->inst, Irp, STATUS_INVALID_PARAMETER);
        }
        PendingSend ps;
        ps.irp = nullptr;
        ps.isDisconnect = true;
        ps.data.resize(n);
        CopyFromWskBuf(Buffer, ps.data.data());
        ps.length = n;
        s->queuedBytes += n;
        ps.endOffset = s->queuedBytes;
        s->sends.push_back(std::move(ps));
    }
    s->localShutdown = true;
    s->disconnectIrp = Irp;
    s->disconnectIssuedNs = NowNs();
    if (IrpPend(s, Irp, "WskDisconnect", QueueDisconnect) == STATUS_CANCELLED) {
        s->disconnectIrp = nullptr;
        return STATUS_PENDING;
    }
    TryPush(s);
    return STATUS_PENDING;
}

static NTSTATUS WSKAPI
ConnRelease(PWSK_SOCKET Socket, PWSK_DATA_INDICATION DataIndication)
{
    GET_SOCKET("WskRelease");
    if (DataIndication == nullptr) {
        Finding(s, "WskRelease", STATUS_INVALID_PARAMETER, "DataIndication is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    NTSTATUS st = STATUS_SUCCESS;
    for (PWSK_DATA_INDICATION d = DataIndication; d != nullptr;) {
        PWSK_DATA_INDICATION next = d->Next;
        auto it = std::find_if(s->retained.begin(), s->retained.end(),
                               [d](RetainedIndication* ri) { return &ri->ind == d; });
        if (it == s->retained.end()) {
            Misuse(s, "WskRelease", "indication %p was not retained on this socket (released twice?)", (void*)d);
            st = STATUS_INVALID_PARAMETER;
            break;
        }
        s->retainedBytes -= (*it)->length;
        FreeIndication(*it);
        s->retained.erase(it);
        d = next;
    }
    UpdateHeld(s); /* growing the window sends an update to the peer */
    return st;
}

/* SIO_WSK_SET_TCP_SILENT_MODE (Windows 8+): a connected socket with no send or disconnect in progress
 * stops all traffic for good; not supported on loopback. */
static NTSTATUS
SetSilentMode(WskSocketObj* s, PIRP Irp)
{
    const char* call = "WskControlSocket(SIO_WSK_SET_TCP_SILENT_MODE)";
    if (Irp == nullptr) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    if (!s->connected || s->peerReset || s->aborted) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "the socket is not connected");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (!s->sends.empty() || s->disconnectIrp != nullptr || s->shutdownIssued) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "sends or a disconnect are still in progress");
        return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
    }
    Ptr<Node> node = NodeOf(s->inst);
    bool loopback = false;
    if (InetSocketAddress::IsMatchingType(s->remoteAddr)) {
        Ipv4Address a = InetSocketAddress::ConvertFrom(s->remoteAddr).GetIpv4();
        Ptr<Ipv4> ip = node->GetObject<Ipv4>();
        loopback = a.IsLocalhost() || (ip && ip->GetInterfaceForAddress(a) >= 0);
    } else if (Inet6SocketAddress::IsMatchingType(s->remoteAddr)) {
        Ipv6Address a = Inet6SocketAddress::ConvertFrom(s->remoteAddr).GetIpv6();
        Ptr<Ipv6> ip = node->GetObject<Ipv6>();
        loopback = a.IsLocalhost() || (ip && ip->GetInterfaceForAddress(a) >= 0);
    }
    if (loopback) {
        Finding(s, "WskControlSocket(SIO_WSK_SET_TCP_SILENT_MODE)", STATUS_NOT_SUPPORTED,
                "silent mode is not supported on a loopback connection");
        return IrpRefuse(s->inst, Irp, STATUS_NOT_SUPPORTED);
    }
    s->silent = true;
    s->tcp->SetSilent();
    return IrpFinish(s->inst, Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS WSKAPI
ConnControl(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType, ULONG ControlCode, ULONG Level, SIZE_T InputSize,
            PVOID InputBuffer, SIZE_T OutputSize, PVOID OutputBuffer, SIZE_T* OutputSizeReturned, PIRP Irp)
{
    GET_SOCKET("WskControlSocket");
    if (Irp != nullptr && !IrpAccept(s->inst, Irp, "WskControlSocket", Socket)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (RequestType == WskIoctl && ControlCode == SIO_WSK_SET_TCP_SILENT_MODE) {
        return SetSilentMode(s, Irp);
    }
    if (RequestType == WskIoctl &&
        (ControlCode == SIO_WSK_QUERY_RECEIVE_BACKLOG || ControlCode == SIO_WSK_QUERY_IDEAL_SEND_BACKLOG)) {
        if (Irp == nullptr) {
            Finding(s, "WskControlSocket", STATUS_INVALID_PARAMETER, "this IOCTL needs an IRP");
            return STATUS_INVALID_PARAMETER;
        }
        if (!s->connected) {
            Finding(s, "WskControlSocket", STATUS_INVALID_DEVICE_STATE, "the backlog IOCTLs need a connected socket");
            return IrpRefuse(s->inst, Irp, STATUS_INVALID_DEVICE_STATE);
        }
        if (OutputBuffer == nullptr || OutputSize < sizeof(SIZE_T)) {
            return IrpFinish(s->inst, Irp, STATUS_BUFFER_TOO_SMALL, 0);
        }
        SIZE_T v = ControlCode == SIO_WSK_QUERY_RECEIVE_BACKLOG
                       ? (SIZE_T)(BacklogSize(s) + (s->tcp ? s->tcp->GetRxAvailable() : 0))
                       : (SIZE_T)IdealSendBacklog(s);
        *static_cast<SIZE_T*>(OutputBuffer) = v;
        return IrpFinish(s->inst, Irp, STATUS_SUCCESS, sizeof(SIZE_T));
    }
    bool handled;
    NTSTATUS st = ControlSocketCommon(s, RequestType, ControlCode, Level, InputSize, InputBuffer, OutputSize,
                                      OutputBuffer, OutputSizeReturned, Irp, handled);
    if (!handled && Irp != nullptr) {
        return IrpFinish(s->inst, Irp, st, 0);
    }
    return st;
}

static void
FinishDeferredClose(WskSocketObj* s)
{
    if (s->inCallback[6] > 0 || s->inCallback[7] > 0 || s->inCallback[4] > 0) {
        return; /* the close completes when the callback that issued it returns */
    }
    PIRP irp = s->closeIrp;
    s->closeIrp = nullptr;
    KRT_INSTANCE* inst = s->inst;
    ReleaseSocket(s);
    IrpCompleteLater(inst, irp, STATUS_SUCCESS, 0);
}

NTSTATUS
ConnectionClose(WskSocketObj* s, PIRP irp)
{
    s->closing = true;
    if (s->connectIrp) {
        PIRP c = s->connectIrp;
        s->connectIrp = nullptr;
        s->connecting = false;
        IrpCompleteLater(s->inst, c, STATUS_CANCELLED, 0);
    }
    FailAll(s, STATUS_CANCELLED, STATUS_CANCELLED);
    if (!s->retained.empty()) {
        Misuse(s, "WskCloseSocket", "%zu retained indication(s) (%zu bytes) were never released with WskRelease",
               s->retained.size(), s->retainedBytes);
        for (auto* ri : s->retained) {
            FreeIndication(ri);
        }
        s->retained.clear();
        s->retainedBytes = 0;
    }
    if (s->tcp) {
        bool bothClosed = s->localShutdown && s->peerFin;
        if (!bothClosed && !s->aborted && !s->peerReset && s->tcp->State() != TcpSocket::CLOSED &&
            s->tcp->State() != TcpSocket::LISTEN) {
            s->tcp->Abort(); /* closing a connection not closed both ways is abortive (§8.4) */
        } else if (s->tcp->State() == TcpSocket::CLOSED || !s->connected) {
            s->tcp->Close();
        }
        s->tcp->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
    if (s->inCallback[6] > 0 || s->inCallback[7] > 0 || s->inCallback[4] > 0) {
        s->closeIrp = irp;
        IoMarkIrpPending(irp);
        KrtIrpMarkOwned(irp, "WskCloseSocket");
        return STATUS_PENDING;
    }
    KRT_INSTANCE* inst = s->inst;
    ReleaseSocket(s);
    return IrpFinish(inst, irp, STATUS_SUCCESS, 0);
}

static NTSTATUS WSKAPI
ConnClose(PWSK_SOCKET Socket, PIRP Irp)
{
    GET_SOCKET("WskCloseSocket");
    TAKE_IRP("WskCloseSocket");
    return ConnectionClose(s, Irp);
}

const WSK_PROVIDER_CONNECTION_DISPATCH g_connectionDispatch = {
    {{ConnControl, ConnClose}}, ConnBind, ConnConnect, ConnGetLocal, ConnGetRemote, ConnSend, ConnReceive,
    ConnDisconnect, ConnRelease, ConnConnectEx, ConnSendEx, ConnReceiveEx,
};

} // namespace wsk
} // namespace ns3
