/*
 * wsk-conditional-accept.cc - SO_CONDITIONAL_ACCEPT (wsk-api.md §4.2, §8.5): every connection request
 * reaches WskInspectEvent before any SYN-ACK leaves. Accept lets the handshake run; Reject answers the SYN
 * with a RST; Pend keeps the SYN (absorbing the peer's retransmissions) until WskInspectComplete replays it
 * (the SYN-ACK leaves at that moment) or refuses it. A request that dies before it is established (the
 * peer resets it, or stops retransmitting its SYN) is reported with WskAbortEvent.
 */
#include "wsk-provider.h"

#include "ns3/simulator.h"

namespace ns3 {
namespace wsk {

static const WSK_CLIENT_LISTEN_DISPATCH*
ListenTable(const WskSocketObj* s)
{
    return static_cast<const WSK_CLIENT_LISTEN_DISPATCH*>(s->clientDispatch);
}

/* The listener's conditional-accept state, created on first use. */
static InspectState&
InspectOf(WskSocketObj* s)
{
    if (!s->inspect) {
        s->inspect = std::make_unique<InspectState>();
    }
    return *s->inspect;
}

static bool
SameId(const WSK_INSPECT_ID& a, const WSK_INSPECT_ID& b)
{
    return a.Key == b.Key && a.SerialNumber == b.SerialNumber;
}

static void
RaiseAbort(WskSocketObj* s, WSK_INSPECT_ID id)
{
    InspectOf(s).aborted.push_back(id);
    if (InspectOf(s).aborted.size() > 1024) {
        InspectOf(s).aborted.erase(InspectOf(s).aborted.begin());
    }
    if (s->closing || s->closed) {
        return;
    }
    NTSTATUS st;
    {
        DriverContextGuard g(s->inst);
        st = ListenTable(s)->WskAbortEvent(s->context, &id);
    }
    if (st != STATUS_SUCCESS) {
        KrtReportFor(s->inst, 2, "WskAbortEvent", "socket %p: returned 0x%08X (must return STATUS_SUCCESS)",
                     (void*)s->Handle(), (unsigned)st);
    }
}

/* A pended request whose peer went quiet: ns-3 and Windows connectors send nothing when they give up, so
 * a request with no SYN retransmission for twice the last back-off is taken as abandoned. */
static void
Watchdog(Ptr<WskTcpSocket> tcp, Address from, Time seen)
{
    auto* s = static_cast<WskSocketObj*>(tcp->GetOwner());
    if (s == nullptr || s->closed) {
        return;
    }
    DriverContextGuard g(s->inst);
    auto it = InspectOf(s).pending.find(from);
    if (it == InspectOf(s).pending.end() || it->second.inHandshake || it->second.lastSyn != seen) {
        return;
    }
    WSK_INSPECT_ID id = it->second.id;
    InspectOf(s).pending.erase(it);
    RaiseAbort(s, id);
}

static void
ArmWatchdog(WskSocketObj* s, PendingInspect& pi)
{
    Simulator::ScheduleWithContext(KrtInstanceNodeId(s->inst), pi.gap * 2 + MilliSeconds(1), &Watchdog, ListenerTcpFor(s, pi.from), pi.from,
                                   pi.lastSyn);
}

bool
WskSocketObj::TcpListenSegment(Ptr<Packet> packet, const TcpHeader& h, const Address& from, const Address& to)
{
    if (!conditionalAccept || closing || closed) {
        return false;
    }
    uint8_t f = h.GetFlags() & ~(TcpHeader::PSH | TcpHeader::URG | TcpHeader::CWR | TcpHeader::ECE);
    auto it = InspectOf(this).pending.find(from);
    if (f == TcpHeader::SYN) {
        if (it != InspectOf(this).pending.end()) {
            if (it->second.inHandshake) {
                return false;
            }
            /* a retransmitted SYN of a pended request: absorbed, no second WskInspectEvent */
            it->second.gap = Simulator::Now() - it->second.lastSyn;
            it->second.lastSyn = Simulator::Now();
            ArmWatchdog(this, it->second);
            return true;
        }
        PendingInspect pi;
        pi.id.Key = (ULONG_PTR)Handle();
        pi.id.SerialNumber = ++InspectOf(this).serial;
        pi.header = h;
        pi.from = from;
        pi.to = to;
        pi.lastSyn = Simulator::Now();
        pi.gap = Seconds(3); /* ns-3's and Windows' first SYN retransmission interval */
        SOCKADDR_STORAGE local, remote;
        AddressToSockaddr(to, (PSOCKADDR)&local, family);
        AddressToSockaddr(from, (PSOCKADDR)&remote, family);
        WSK_INSPECT_ID callbackId = pi.id;
        WSK_INSPECT_ACTION action;
        {
            DriverContextGuard g(inst);
            action = ListenTable(this)->WskInspectEvent(context, (PSOCKADDR)&local, (PSOCKADDR)&remote, &callbackId);
        }
        switch (action) {
        case WskInspectAccept:
            pi.inHandshake = true;
            InspectOf(this).pending[from] = pi;
            return false; /* the normal listen path forks and sends the SYN-ACK now */
        case WskInspectPend:
            pi.syn = packet->Copy();
            InspectOf(this).pending[from] = pi;
            ArmWatchdog(this, InspectOf(this).pending[from]);
            return true;
        case WskInspectReject:
            ListenerTcpFor(this, from)->RefuseSyn(h, from, to);
            return true;
        default:
            KrtReportFor(inst, 2, "WskInspectEvent", "socket %p: returned %d, which is not a WSK_INSPECT_ACTION; "
                         "the request is rejected", (void*)Handle(), (int)action);
            ListenerTcpFor(this, from)->RefuseSyn(h, from, to);
            return true;
        }
    }
    if ((h.GetFlags() & TcpHeader::RST) && it != InspectOf(this).pending.end() && !it->second.inHandshake) {
        /* the peer gave up on a pended request */
        WSK_INSPECT_ID id = it->second.id;
        InspectOf(this).pending.erase(it);
        RaiseAbort(this, id);
        return true;
    }
    return false;
}

void
WskSocketObj::TcpHandshakeAborted(const Address& from)
{
    if (!inspect) {
        return; /* no conditional accept on this listener */
    }
    auto it = InspectOf(this).pending.find(from);
    if (it == InspectOf(this).pending.end()) {
        return;
    }
    WSK_INSPECT_ID id = it->second.id;
    InspectOf(this).pending.erase(it);
    RaiseAbort(this, id);
}

void
InspectTakeId(WskSocketObj* listener, WskSocketObj* child)
{
    if (!listener->inspect) {
        return;
    }
    auto it = InspectOf(listener).pending.find(child->remoteAddr);
    if (it == InspectOf(listener).pending.end()) {
        return;
    }
    child->hasInspectId = true;
    child->inspectId = it->second.id;
    InspectOf(listener).pending.erase(it);
}

void
InspectRefuseAll(WskSocketObj* listener)
{
    if (!listener->inspect) {
        return;
    }
    for (auto& kv : InspectOf(listener).pending) {
        if (!kv.second.inHandshake) {
            ListenerTcpFor(listener, kv.second.from)->RefuseSyn(kv.second.header, kv.second.from, kv.second.to);
        }
    }
    InspectOf(listener).pending.clear();
}

NTSTATUS
InspectComplete(WskSocketObj* s, PWSK_INSPECT_ID id, WSK_INSPECT_ACTION action, PIRP irp)
{
    const char* call = "WskInspectComplete";
    if (!s->conditionalAccept) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "the listening socket does not have SO_CONDITIONAL_ACCEPT enabled");
        return IrpRefuse(s->inst, irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (id == nullptr || (action != WskInspectAccept && action != WskInspectReject)) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "InspectID is required and Action must be WskInspectAccept or WskInspectReject (got %d)",
               (int)action);
        return IrpRefuse(s->inst, irp, STATUS_INVALID_PARAMETER);
    }
    for (auto it = InspectOf(s).pending.begin(); it != InspectOf(s).pending.end(); ++it) {
        PendingInspect& pi = it->second;
        if (!SameId(pi.id, *id) || pi.inHandshake || !pi.syn) {
            continue;
        }
        if (action == WskInspectAccept) {
            pi.inHandshake = true;
            Ptr<Packet> syn = pi.syn;
            pi.syn = nullptr;
            ListenerTcpFor(s, pi.from)->ReplaySyn(syn, pi.from, pi.to); /* the SYN-ACK leaves now */
        } else {
            ListenerTcpFor(s, pi.from)->RefuseSyn(pi.header, pi.from, pi.to);
            InspectOf(s).pending.erase(it);
        }
        return IrpFinish(s->inst, irp, STATUS_SUCCESS, 0);
    }
    for (const auto& a : InspectOf(s).aborted) {
        if (SameId(a, *id)) {
            /* aborted meanwhile (WskAbortEvent came first): no connection is established */
            return IrpFinish(s->inst, irp, STATUS_SUCCESS, 0);
        }
    }
    Finding(s, call, STATUS_INVALID_PARAMETER, "InspectID {Key %lu, SerialNumber %u} names no pended request of this socket",
           (unsigned long)id->Key, id->SerialNumber);
    return IrpRefuse(s->inst, irp, STATUS_INVALID_PARAMETER);
}

} // namespace wsk
} // namespace ns3
