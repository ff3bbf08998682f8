/* wsk-tcp-socket.cc - see wsk-tcp-socket.h */
#include "../host/simulation-context.h"
#include "wsk-tcp-socket.h"

#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/rtt-estimator.h"
#include "ns3/simulator.h"
#include "ns3/tcp-cubic.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-prr-recovery.h"
#include "ns3/tcp-rx-buffer.h"
#include "ns3/tcp-tx-buffer.h"

extern "C" {
#include "krt_host_api.h"

#include <vector>
}

namespace ns3 {
namespace wsk {

NS_LOG_COMPONENT_DEFINE("WskTcpSocket");

/* Segments are processed in the owning driver's context: the provider may write into (and read from) the
 * driver's buffers, which can be per-node globals swapped in only while that instance is entered. */
struct OwnerContext
{
    explicit OwnerContext(WskTcpOwner* o)
        : active(o != nullptr)
    {
        if (active) {
            KrtEnter(o->OwnerInstance(), nullptr, DISPATCH_LEVEL, &saved);
        }
    }
    ~OwnerContext()
    {
        if (active) {
            KrtLeave(&saved);
        }
    }
    bool active;
    KRT_CONTEXT saved;
};
NS_OBJECT_ENSURE_REGISTERED(WskTcpSocket);

TypeId
WskTcpSocket::GetTypeId()
{
    static TypeId tid = TypeId("ns3::wsk::WskTcpSocket")
                            .SetParent<TcpSocketBase>()
                            .SetGroupName("Wsk")
                            .AddConstructor<WskTcpSocket>();
    return tid;
}

TypeId
WskTcpSocket::GetInstanceTypeId() const
{
    return GetTypeId();
}

WskTcpSocket::WskTcpSocket(const WskTcpSocket& other)
    : TcpSocketBase(other),
      m_owner(nullptr), // an accepted socket gets its own WSK socket
      m_listener(const_cast<WskTcpSocket*>(&other)),
      m_baseRcvBuf(other.m_baseRcvBuf)
{
}

/* Building a TcpSocketBase and its TcpCubic through their attribute lists costs ~100 us (attribute
 * values go through strings); at 100,000 nodes that dominated set-up. Each simulation therefore builds one
 * prototype that way and copies it, as ns-3's own Fork does for an accepted connection. A prototype
 * belongs to one simulation (Config::SetDefault may change between runs): it lives in the simulation's
 * context, which goes when the next simulation starts, after every copy of it is gone. */
namespace {
struct PrototypeState
{
    Ptr<WskTcpSocket> proto; /* freed with its simulation's context, after every copy of it is gone */
};
} // namespace

static Ptr<WskTcpSocket>&
CurrentPrototype()
{
    return wsk::SimulationContext::Get<PrototypeState>().proto;
}

Ptr<WskTcpSocket>
WskTcpSocket::Create(Ptr<Node> node)
{
    Ptr<TcpL4Protocol> tcp = node->GetObject<TcpL4Protocol>();
    if (!tcp) {
        return nullptr;
    }
    Ptr<WskTcpSocket>& proto = CurrentPrototype();
    if (!proto) {
        proto = CreateObject<WskTcpSocket>();
        proto->SetNode(node);
        proto->SetTcp(tcp);
        proto->SetRtt(CreateObject<RttMeanDeviation>());
        proto->SetCongestionControlAlgorithm(CreateObject<TcpCubic>());
        proto->SetRecoveryAlgorithm(CreateObject<TcpPrrRecovery>());
        proto->m_baseRcvBuf = proto->GetRcvBufSize();
        proto->DetachTcbTraces();
        /* a retired prototype must not keep the first node (and its whole stack) alive */
        proto->SetNode(nullptr);
        proto->SetTcp(nullptr);
    }
    Ptr<WskTcpSocket> s = CopyObject<WskTcpSocket>(proto);
    s->m_listener = nullptr; /* a copy of the prototype, not a connection forked from a listener */
    s->SetNode(node);
    s->SetTcp(tcp);
    tcp->AddSocket(s);
    return s;
}

/* Copying a TcpSocketState copies the trace sinks connected to it. The prototype never runs, so its own
 * sinks are removed: copies then carry only theirs (~1 KiB less per socket). */
void
WskTcpSocket::DetachTcbTraces()
{
    TcpSocketBase* self = this;
    m_tcb->TraceDisconnectWithoutContext("PacingRate", MakeCallback(&TcpSocketBase::UpdatePacingRateTrace, self));
    m_tcb->TraceDisconnectWithoutContext("CongestionWindow", MakeCallback(&TcpSocketBase::UpdateCwnd, self));
    m_tcb->TraceDisconnectWithoutContext("CongestionWindowInflated",
                                         MakeCallback(&TcpSocketBase::UpdateCwndInfl, self));
    m_tcb->TraceDisconnectWithoutContext("SlowStartThreshold", MakeCallback(&TcpSocketBase::UpdateSsThresh, self));
    m_tcb->TraceDisconnectWithoutContext("CongState", MakeCallback(&TcpSocketBase::UpdateCongState, self));
    m_tcb->TraceDisconnectWithoutContext("EcnState", MakeCallback(&TcpSocketBase::UpdateEcnState, self));
    m_tcb->TraceDisconnectWithoutContext("NextTxSequence",
                                         MakeCallback(&TcpSocketBase::UpdateNextTxSequence, self));
    m_tcb->TraceDisconnectWithoutContext("HighestSequence", MakeCallback(&TcpSocketBase::UpdateHighTxMark, self));
    m_tcb->TraceDisconnectWithoutContext("BytesInFlight", MakeCallback(&TcpSocketBase::UpdateBytesInFlight, self));
    m_tcb->TraceDisconnectWithoutContext("RTT", MakeCallback(&TcpSocketBase::UpdateRtt, self));
}

Ptr<TcpSocketBase>
WskTcpSocket::Fork()
{
    return CopyObject<WskTcpSocket>(this);
}

void
WskTcpSocket::Abort()
{
    if (m_state == CLOSED || m_state == LISTEN || m_state == TIME_WAIT) {
        return;
    }
    WskTcpOwner* owner = m_owner;
    m_owner = nullptr; // SendRST reports an error close to ourselves: not news to the provider
    SendRST();
    m_state = CLOSED;
    m_owner = owner;
}

void
WskTcpSocket::SetBaseRcvBuf(uint32_t bytes)
{
    m_baseRcvBuf = bytes;
    SetHeldBytes(m_held);
}

void
WskTcpSocket::SetHeldBytes(uint32_t held)
{
    m_held = held;
    uint32_t want = held >= m_baseRcvBuf ? 0 : m_baseRcvBuf - held;
    if (want != GetRcvBufSize()) {
        SetRcvBufSize(want); // growing sends a window update on a connected socket
    }
}

void
WskTcpSocket::MarkStreamStart()
{
    if (!m_streamStartKnown && m_txBuffer) {
        m_streamStart = m_txBuffer->HeadSequence();
        m_streamStartKnown = true;
    }
}

uint32_t
WskTcpSocket::CongestionWindow() const
{
    return m_tcb ? m_tcb->m_cWnd.Get() : 0;
}

Time
WskTcpSocket::SmoothedRtt() const
{
    return m_tcb ? m_tcb->m_lastRtt.Get() : Time(0);
}

void
WskTcpSocket::ReportProgress(TcpStates_t before)
{
    if (m_owner == nullptr) {
        return;
    }
    if (m_streamStartKnown && m_txBuffer) {
        SequenceNumber32 head = m_txBuffer->HeadSequence();
        if (head > m_streamStart) {
            m_owner->TcpAcked((uint64_t)(head - m_streamStart));
        }
    }
    if (m_owner != nullptr && before != m_state) {
        m_owner->TcpStateChanged(before, m_state);
    }
}

void
WskTcpSocket::DoForwardUp(Ptr<Packet> packet, const Address& fromAddress, const Address& toAddress)
{
    if (m_silent) {
        return; /* silent mode: received packets are dropped without an answer */
    }
    OwnerContext ctx(m_owner ? m_owner : (m_listener ? m_listener->m_owner : nullptr));
    TcpHeader h;
    packet->PeekHeader(h);
    uint8_t flags = h.GetFlags();
    TcpStates_t before = m_state;
    if (m_state == LISTEN && m_owner != nullptr && m_owner->TcpRefusesPeer(fromAddress)) {
        if ((flags & (TcpHeader::SYN | TcpHeader::ACK)) == TcpHeader::SYN) {
            RefuseSyn(h, fromAddress, toAddress);
        }
        return;
    }
    if (m_state == LISTEN && m_owner != nullptr && m_owner->TcpListenSegment(packet, h, fromAddress, toAddress)) {
        return;
    }
    if ((flags & TcpHeader::RST) && m_owner != nullptr) {
        if (m_state == SYN_SENT) {
            /* ns-3 ignores RST|ACK in SYN_SENT; a refused connect must fail at once (RFC 793). */
            /* the SYN consumed ISN (= nextTxSequence while in SYN_SENT): an acceptable RST|ACK acks ISN+1 */
            bool acceptable = !(flags & TcpHeader::ACK) ||
                              h.GetAckNumber() == m_tcb->m_nextTxSequence.Get() + SequenceNumber32(1);
            if (acceptable) {
                CancelAllTimers();
                m_state = CLOSED;
                DeallocateEndPoint();
                WskTcpOwner* owner = m_owner;
                owner->TcpConnectRefused();
                return;
            }
        } else if (m_state != LISTEN && m_state != CLOSED) {
            m_owner->TcpResetReceived();
        }
    }
    if (m_state == ESTABLISHED && (flags & (TcpHeader::SYN | TcpHeader::RST | TcpHeader::FIN | TcpHeader::ACK)) ==
                                      (TcpHeader::FIN | TcpHeader::ACK) &&
        m_txBuffer && h.GetAckNumber() > m_txBuffer->HeadSequence()) {
        /* ns-3 3.37's ProcessEstablished hands a FIN|ACK to PeerClose without processing its acknowledgment,
         * so data acknowledged only by the peer's FIN is retransmitted after an RTO and a WskSend waiting
         * for that acknowledgment stalls (1 s). RFC 793 processes the ACK field of every segment: do that
         * first, as a pure ACK, then the FIN. */
        Ptr<Packet> ack = ns3::Create<Packet>();
        TcpHeader a = h;
        a.SetFlags(flags & ~TcpHeader::FIN); /* keeps ECE/CWR */
        ack->AddHeader(a);
        TcpSocketBase::DoForwardUp(ack, fromAddress, toAddress);
    }
    TcpSocketBase::DoForwardUp(packet, fromAddress, toAddress);
    if (before == SYN_RCVD && m_state == CLOSED && m_owner == nullptr && m_listener != nullptr &&
        m_listener->m_owner != nullptr) {
        m_listener->m_owner->TcpHandshakeAborted(fromAddress);
    }
    ReportProgress(before);
}

uint32_t
WskTcpSocket::SendDataPacket(SequenceNumber32 seq, uint32_t maxSize, bool withAck)
{
    return m_silent ? 0 : TcpSocketBase::SendDataPacket(seq, maxSize, withAck);
}

void
WskTcpSocket::SendEmptyPacket(uint8_t flags)
{
    if (!m_silent) {
        TcpSocketBase::SendEmptyPacket(flags);
    }
}

void
WskTcpSocket::ReplaySyn(Ptr<Packet> syn, const Address& from, const Address& to)
{
    TcpSocketBase::DoForwardUp(syn, from, to);
}

void
WskTcpSocket::RefuseSyn(const TcpHeader& syn, const Address& from, const Address& to)
{
    TcpHeader r;
    r.SetFlags(TcpHeader::RST);
    r.SetSequenceNumber(SequenceNumber32(0));
    r.SetAckNumber(syn.GetSequenceNumber() + SequenceNumber32(1));
    r.SetSourcePort(syn.GetDestinationPort());
    r.SetDestinationPort(syn.GetSourcePort());
    if (InetSocketAddress::IsMatchingType(from)) {
        m_tcp->SendPacket(ns3::Create<Packet>(), r, InetSocketAddress::ConvertFrom(to).GetIpv4(),
                          InetSocketAddress::ConvertFrom(from).GetIpv4(), m_boundnetdevice);
    } else {
        m_tcp->SendPacket(ns3::Create<Packet>(), r, Inet6SocketAddress::ConvertFrom(to).GetIpv6(),
                          Inet6SocketAddress::ConvertFrom(from).GetIpv6(), m_boundnetdevice);
    }
}

} // namespace wsk
} // namespace ns3
