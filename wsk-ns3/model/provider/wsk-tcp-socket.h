/*
 * wsk-tcp-socket.h - the provider's own subclass of ns-3's TcpSocketBase. It reports to its WSK socket
 * what ns-3's public socket API hides: acknowledged bytes (for WskSend completion), a peer reset as
 * opposed to a FIN, state transitions (for WskDisconnect completion), and it can abort with a RST and
 * fail a connect that meets a RST (ns-3 3.37 ignores RST|ACK in SYN_SENT).
 */
#ifndef WSKNS3_WSK_TCP_SOCKET_H
#define WSKNS3_WSK_TCP_SOCKET_H

#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"

struct KRT_INSTANCE;

namespace ns3 {
namespace wsk {

/* What the WSK side of a TCP socket hears from it. */
class WskTcpOwner
{
  public:
    virtual ~WskTcpOwner() = default;
    /* The driver instance whose memory (and per-node globals) the provider may touch for this socket. */
    virtual KRT_INSTANCE* OwnerInstance() const = 0;
    virtual void TcpAcked(uint64_t ackedStreamBytes) = 0;   // cumulative bytes acknowledged
    virtual void TcpResetReceived() = 0;                      // a RST arrived (before ns-3 closes)
    virtual void TcpStateChanged(TcpSocket::TcpStates_t from, TcpSocket::TcpStates_t to) = 0;
    virtual void TcpConnectRefused() = 0;                     // RST while connecting
    /* Listener with conditional accept: a segment for a connection request not yet accepted. Returns true
     * when the provider consumed it (pended, rejected, retransmitted SYN, peer abort). */
    virtual bool TcpListenSegment(Ptr<Packet> packet, const TcpHeader& h, const Address& from, const Address& to)
    {
        return false;
    }
    /* A connection accepted by WskInspectAccept died before it was established. */
    virtual void TcpHandshakeAborted(const Address& from) {}
    /* A listener that must not serve this peer (it answers the SYN with a RST). */
    virtual bool TcpRefusesPeer(const Address& from) const { return false; }
};

class WskTcpSocket : public TcpSocketBase
{
  public:
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    WskTcpSocket() = default;
    WskTcpSocket(const WskTcpSocket& other);
    using TcpSocketBase::Send;

    static Ptr<WskTcpSocket> Create(Ptr<Node> node);

    void SetOwner(WskTcpOwner* owner) { m_owner = owner; }
    WskTcpOwner* GetOwner() const { return m_owner; }
    /* Sends a RST and forgets the connection (WSK_FLAG_ABORTIVE, close of a connected socket). */
    void Abort();
    /* Advertised-window control: bytes the provider holds for the client shrink the window. */
    void SetHeldBytes(uint32_t held);
    uint32_t BaseRcvBuf() const { return m_baseRcvBuf; }
    void SetBaseRcvBuf(uint32_t bytes);
    /* Stream offset of the first byte this side sends (set once the connection is established). */
    void MarkStreamStart();
    TcpStates_t State() const { return m_state; }
    uint32_t CongestionWindow() const;
    uint32_t Mss() const { return GetSegSize(); }
    Time SmoothedRtt() const;
    /* Conditional accept: run a stored SYN through the normal listen path now (SYN-ACK leaves now), and
     * refuse one with a bare RST (the only RST an ns-3 3.37 connector acts on in SYN_SENT). */
    void ReplaySyn(Ptr<Packet> syn, const Address& from, const Address& to);
    void RefuseSyn(const TcpHeader& syn, const Address& from, const Address& to);
    /* SIO_WSK_SET_TCP_SILENT_MODE: from now on nothing leaves and everything that arrives is dropped. */
    void SetSilent() { m_silent = true; }

  protected:
    Ptr<TcpSocketBase> Fork() override;
    void DoForwardUp(Ptr<Packet> packet, const Address& fromAddress, const Address& toAddress) override;
    uint32_t SendDataPacket(SequenceNumber32 seq, uint32_t maxSize, bool withAck) override;
    void SendEmptyPacket(uint8_t flags) override;

  private:
    void ReportProgress(TcpStates_t before);
    void DetachTcbTraces();

    WskTcpOwner* m_owner = nullptr;
    WskTcpSocket* m_listener = nullptr; // for a forked child: the listener it came from
    bool m_streamStartKnown = false;
    bool m_silent = false;
    SequenceNumber32 m_streamStart;
    uint32_t m_baseRcvBuf = 65535;
    uint32_t m_held = 0;
};

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_WSK_TCP_SOCKET_H */
