/*
 * wsk-provider.h - the WSK provider's internal objects: the client (one per WskRegister), sockets of every
 * category, and the helpers that implement the IRP contract of wsk-api.md §8.1. The exported C entry
 * points (WskRegister, the dispatch tables) are in wsk-registration.cc and wsk-socket.cc.
 *
 * ns-3 headers must come before <wsk.h>: the Windows headers define macros (IN, OUT, AF_INET, ...) that
 * ns-3's own headers must not see.
 */
#ifndef WSKNS3_WSK_PROVIDER_H
#define WSKNS3_WSK_PROVIDER_H

#include "wsk-node-state.h"
#include "wsk-tcp-socket.h"

#include "ns3/address.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/node.h"
#include "ns3/ptr.h"

#include <deque>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include "krt_host_api.h"
#include "krt_irp.h"
#include <wsk.h>
}

namespace ns3 {
namespace wsk {

struct WskSocketObj;

/* One WskRegister: the client object behind PWSK_CLIENT. */
struct WskClientObj
{
    uint32_t magic;
    KRT_INSTANCE* inst;
    WSK_CLIENT_NPI npi;
    PWSK_REGISTRATION registration;
    int captures = 0;
    int sockets = 0;           // open (not yet closed) sockets
    bool anySocketCreated = false;
    bool deregistering = false;
    ULONG staticEvents = 0;    // WSK_SET_STATIC_EVENT_CALLBACKS mask
    KEVENT idle;               // signalled when captures == 0 and sockets == 0
    std::list<PIRP> transportChangeIrps;
};

enum class SocketKind { Basic, Listen, Connection, Datagram, Stream };

/* A pending WskSend, completed when the peer acknowledged its last byte. Its buffer stays valid (and
 * locked) until then, so bytes are read from the client's MDLs as TCP takes them; `data` holds a
 * private copy only for buffers the client may free early (WskConnectEx, WskDisconnect's final data). */
struct PendingSend
{
    PIRP irp;
    WSK_BUF buf{};
    size_t length = 0;
    std::vector<uint8_t> data;
    size_t handed = 0;         // bytes already given to TCP
    int64_t issuedNs = -1;     // when the client called WskSend (latency records)
    uint64_t endOffset = 0;    // stream offset just past its last byte
    bool isDisconnect = false; // final send of a graceful WskDisconnect
};

struct PendingReceive
{
    PIRP irp;
    WSK_BUF buf;
    ULONG flags;
    size_t filled = 0;
};

struct PendingAccept
{
    PIRP irp;
    PVOID context;
    const WSK_CLIENT_CONNECTION_DISPATCH* dispatch;
    PSOCKADDR local;
    PSOCKADDR remote;
};

/* A data indication the client kept (STATUS_PENDING) until WskRelease. */
struct RetainedIndication
{
    WSK_DATA_INDICATION ind;
    MDL* mdl;
    uint8_t* bytes;
    size_t length;
};

/* A connection request seen by a conditional-accept listener and not yet established. */
struct PendingInspect
{
    WSK_INSPECT_ID id;
    Ptr<Packet> syn;           // kept while pended, replayed on WskInspectComplete(accept)
    TcpHeader header;
    Address from;
    Address to;
    Time lastSyn;
    Time gap;
    bool inHandshake = false;  // accepted: SYN-ACK sent, waiting for the final ACK
};

/* What a conditional-accept listener keeps (only those listeners have one). */
struct InspectState
{
    std::map<Address, PendingInspect> pending;
    std::vector<WSK_INSPECT_ID> aborted; // recent aborted IDs: WskInspectComplete on them is a no-op
    ULONG serial = 0;
};

/* SO_WSK_EVENT_CALLBACK disables waiting for callbacks in progress, per event bit. */
struct DisableState
{
    std::map<ULONG, std::vector<PIRP>> waiters;
    std::map<ULONG, int> pendingNoIrp;
};

/* A datagram socket's UDP side (wsk-datagram.cc); freed with the socket object. */
struct DatagramState;
struct DatagramStateDeleter
{
    void operator()(DatagramState* d) const;
};

/* What PWSK_SOCKET points to: the public WSK_SOCKET first, then the provider's back pointer. */
struct WskSocketHandle
{
    WSK_SOCKET header;
    uint32_t magic;
    WskSocketObj* obj;
};

struct WskSocketObj : public WskTcpOwner
{
    WskSocketHandle handle;
    WskSocketObj* livePrev = nullptr; // the instance's open sockets (an intrusive list: no node per socket)
    WskSocketObj* liveNext = nullptr;
    uint64_t serial = 0;           // 1, 2, ... per driver instance: a socket id stable across runs
    PWSK_SOCKET Handle() { return &handle.header; }
    SocketKind kind;
    WskClientObj* client;
    KRT_INSTANCE* inst;
    ADDRESS_FAMILY family;
    USHORT type;
    ULONG protocol;
    PVOID context;
    const void* clientDispatch;
    const void* streamDispatch = nullptr; // a stream socket's WSK_CLIENT_STREAM_DISPATCH
    ULONG enabledEvents = 0;
    ULONG inheritEvents = 0;   // listen: connection events enabled on it (apply to accepted sockets)
    int inCallback[10] = {0};  // per event bit index: calls in progress
    std::unique_ptr<DisableState> disable; // created by the first disable that has to wait
    bool bound = false;
    bool connected = false;
    bool connecting = false;
    bool closing = false;
    bool closed = false;
    bool peerFin = false;
    bool peerReset = false;
    bool localShutdown = false;
    bool shutdownIssued = false;
    bool aborted = false;
    NTSTATUS failure = 0;      // status for calls after the connection failed
    bool reuseAddr = false;
    bool exclusiveAddr = false;
    bool keepAlive = false;
    ULONG rcvBuf = 0;              // SO_RCVBUF set before the ns-3 socket exists (0 = default)
    bool v6only = true;            // IPV6_V6ONLY (AF_INET6 only; Windows' default is 1)
    ULONG keepIdle = 7200, keepInterval = 1, keepCount = 10; // TCP_KEEPIDLE/KEEPINTVL/KEEPCNT (seconds)
    bool silent = false;           // SIO_WSK_SET_TCP_SILENT_MODE: nothing is sent any more
    PVOID security = nullptr;      // SO_WSK_SECURITY: the cached security descriptor last set
    std::list<PIRP> addressChangeIrps; // SIO_ADDRESS_LIST_CHANGE
    bool conditionalAccept = false;
    bool acceptedFromListener = false;
    bool stream = false;           // WSK_FLAG_STREAM_SOCKET: kind is Stream until WskListen/WskConnect commits it
    bool handedToClient = true;    // false while an accepted socket waits in the listener's queue
    bool socketConnect = false;    // created by WskSocketConnect: the connect IRP returns the socket
    bool deliverScheduled = false;
    std::vector<uint8_t> connectExData;
    Address localAddr;
    Address remoteAddr;
    Ptr<WskTcpSocket> tcp;
    Ptr<WskTcpSocket> tcp4;        // AF_INET6 listener with IPV6_V6ONLY = 0: its IPv4 half (dual stack)
    WskSocketObj* listener = nullptr; // accepted but not yet handed to the client
    // connection data path
    std::list<PendingSend> sends;
    uint64_t queuedBytes = 0;  // stream bytes accepted from WskSend so far
    uint64_t ackedBytes = 0;
    std::list<PendingReceive> receives;
    std::vector<uint8_t> backlog; // received bytes not yet delivered
    size_t backlogHead = 0;
    int64_t backlogWireNs = -1;      // arrival time of the oldest undelivered byte (latency records)
    int64_t backlogDeliveryNs = -1;  // when it was handed on for delivery (after the host model's delay)
    int64_t connectIssuedNs = -1;
    int64_t establishedNs = -1;       // an accepted connection's handshake completed (accept_irp records)
    int64_t disconnectIssuedNs = -1;  // WskDisconnect was called (disconnect_irp records)
    bool indicationsSuspended = false; // after STATUS_DATA_NOT_ACCEPTED or partial acceptance
    bool inIndication = false;
    std::list<RetainedIndication*> retained;
    size_t retainedBytes = 0;
    PIRP connectIrp = nullptr;
    PIRP disconnectIrp = nullptr;
    PIRP closeIrp = nullptr;
    size_t lastIsb = 0;
    // listen
    std::unique_ptr<InspectState> inspect; // conditional accept: created by the first inspected SYN
    bool hasInspectId = false;  // accepted through conditional accept (SIO_WSK_QUERY_INSPECT_ID)
    WSK_INSPECT_ID inspectId{};
    std::list<PendingAccept> accepts;
    std::list<WskSocketObj*> acceptQueue;
    // datagram (created at the first datagram call)
    std::unique_ptr<DatagramState, DatagramStateDeleter> dgram;

    // WskTcpOwner
    KRT_INSTANCE* OwnerInstance() const override { return inst; }
    void TcpAcked(uint64_t acked) override;
    void TcpResetReceived() override;
    void TcpStateChanged(TcpSocket::TcpStates_t from, TcpSocket::TcpStates_t to) override;
    void TcpConnectRefused() override;
    bool TcpListenSegment(Ptr<Packet> packet, const TcpHeader& h, const Address& from, const Address& to) override;
    bool TcpRefusesPeer(const Address& from) const override;
    void TcpHandshakeAborted(const Address& from) override;
    ~WskSocketObj() override;
};

constexpr uint32_t kClientMagic = 0x57534B43;  // 'WSKC'
constexpr uint32_t kSocketMagic = 0x57534B53;  // 'WSKS'
constexpr uint32_t kSocketClosed = 0x57534B5A; // 'WSKZ'

/* ---- The IRP contract (wsk-api.md §8.1) ---- */
/* Checks an IRP passed to `call` and takes its stack location; false (with a diagnostic) if unusable. */
bool IrpAccept(KRT_INSTANCE* inst, PIRP irp, const char* call, const void* sock);
/* Completes now: the caller returns the same status (§8.1.4). */
NTSTATUS IrpCompleteNow(PIRP irp, NTSTATUS status, ULONG_PTR info);
/* Finishes a call whose result is known now, as the node's WskProvider CompletionMode says: windows
 * marks it pending and completes it in a new simulator event at the same time (the caller returns
 * STATUS_PENDING), inline completes it now (the caller returns the status), random flips a seeded coin. */
NTSTATUS IrpFinish(KRT_INSTANCE* inst, PIRP irp, NTSTATUS status, ULONG_PTR info);
/* The same for a validation failure Windows reports from the call itself (Information 0): completed inline
 * and returned in windows and inline modes (doc/fidelity.md, "IRP completion"), by the coin in random mode. */
NTSTATUS IrpRefuse(KRT_INSTANCE* inst, PIRP irp, NTSTATUS status);
/* For calls whose IRP is optional (WskControlSocket): IrpFinish / IrpRefuse with an IRP, else the status. */
inline NTSTATUS
ControlFinish(WskSocketObj* s, PIRP irp, NTSTATUS st, ULONG_PTR info = 0);
inline NTSTATUS
ControlRefuse(WskSocketObj* s, PIRP irp, NTSTATUS st);
/* Marks the IRP pending and cancellable; `queue` identifies where the cancel routine finds it. */
NTSTATUS IrpPend(WskSocketObj* s, PIRP irp, const char* call, int queue);
/* Completes a pended IRP from a simulator event, in the driver's context at DISPATCH_LEVEL. */
void IrpCompleteLater(KRT_INSTANCE* inst, PIRP irp, NTSTATUS status, ULONG_PTR info);

enum IrpQueue {
    QueueConnect = 1, QueueSend, QueueReceive, QueueAccept, QueueDisconnect, QueueControl, QueueClient,
    QueueReceiveFrom, QueueAddressChange
};

/* The client object behind PWSK_CLIENT, or NULL: a NULL Client is a finding (STATUS_INVALID_HANDLE, returned
 * with the IRP untouched), anything else that is not a captured client a driver error. */
WskClientObj* ClientFrom(PWSK_CLIENT client, const char* call);

/* ---- Diagnostics naming node, socket and call ---- */
/* A finding: misuse Windows answers with `status`, which the driver gets (counted apart from errors). */
void Finding(const WskSocketObj* s, const char* call, NTSTATUS status, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A driver error: misuse that breaks the API contract (an IRP reused while pending, an indication released
 * twice, retained indications never released, ...). */
void Misuse(const WskSocketObj* s, const char* call, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- WSK_BUF byte movement (wsk-buffer.cc) ---- */
/* True if the MDL chain holds Length bytes from Offset; `total` = Length then (0 otherwise). */
bool WskBufBytes(const WSK_BUF* b, size_t& total);
/* Copies the buffer's Length bytes into dst. */
void CopyFromWskBuf(const WSK_BUF* b, uint8_t* dst);
/* Copies `n` bytes starting `skip` bytes into the buffer out of it / into it. */
void CopyFromWskBufAt(const WSK_BUF* b, size_t skip, uint8_t* dst, size_t n);
void CopyToWskBuf(const WSK_BUF* b, size_t skip, const uint8_t* src, size_t n);

/* ---- Addresses ---- */
bool SockaddrToAddress(const SOCKADDR* sa, ADDRESS_FAMILY family, Address& out, bool& wildcard, uint16_t& port);
void AddressToSockaddr(const Address& a, SOCKADDR* out);
/* As above for a socket of `socketFamily`: IPv4 addresses of a dual-stack AF_INET6 socket come out v4-mapped. */
void AddressToSockaddr(const Address& a, SOCKADDR* out, ADDRESS_FAMILY socketFamily);
/* True (and the IPv4 form in v4) if `a` is a v4-mapped IPv6 socket address (::ffff:a.b.c.d). */
bool MappedToIpv4(const Address& a, Address& v4);
size_t SockaddrLength(ADDRESS_FAMILY family);

/* ---- Sockets ---- */
WskSocketObj* SocketFromHandle(PWSK_SOCKET s, const char* call);
WskSocketObj* NewSocket(WskClientObj* client, SocketKind kind, ADDRESS_FAMILY family, USHORT type, ULONG protocol,
                        PVOID context, const void* dispatch);
void ReleaseSocket(WskSocketObj* s);
NTSTATUS ControlSocketCommon(WskSocketObj* s, WSK_CONTROL_SOCKET_TYPE type, ULONG code, ULONG level, SIZE_T inSize,
                             PVOID in, SIZE_T outSize, PVOID out, SIZE_T* outReturned, PIRP irp, bool& handled);
NTSTATUS EventCallbackOption(WskSocketObj* s, SIZE_T inSize, PVOID in, PIRP irp);
/* Calls into a client event callback with the bookkeeping SO_WSK_EVENT_CALLBACK disables rely on. */
void BeginCallback(WskSocketObj* s, ULONG eventBit);
void EndCallback(WskSocketObj* s, ULONG eventBit);
bool EventEnabled(const WskSocketObj* s, ULONG eventBit);
Ptr<Node> NodeOf(const KRT_INSTANCE* inst);
NTSTATUS CheckBindSharing(WskSocketObj* s, const Address& addr, bool wildcard, uint16_t port);
void RememberBound(WskSocketObj* s);
void ClientSocketClosed(WskClientObj* c);
void ClientsOfInstanceGone(NodeState& node, KRT_INSTANCE* inst);

/* Connection sockets (wsk-connection.cc) */
extern const WSK_PROVIDER_CONNECTION_DISPATCH g_connectionDispatch;
void ConnectionAttachTcp(WskSocketObj* s, Ptr<WskTcpSocket> tcp);
void ConnectionDeliver(WskSocketObj* s);
NTSTATUS ConnectionClose(WskSocketObj* s, PIRP irp);
void ConnectionOnEventEnabled(WskSocketObj* s, ULONG bits);
void ScheduleDeliver(WskSocketObj* s);
/* Enters the socket's driver instance at DISPATCH_LEVEL for the lifetime of the guard. */
struct DriverContextGuard
{
    explicit DriverContextGuard(KRT_INSTANCE* inst) { KrtEnter(inst, nullptr, DISPATCH_LEVEL, &saved); }
    ~DriverContextGuard() { KrtLeave(&saved); }
    KRT_CONTEXT saved;
};

/* Listening sockets (wsk-listen.cc) */
extern const WSK_PROVIDER_LISTEN_DISPATCH g_listenDispatch;
NTSTATUS ListenClose(WskSocketObj* s, PIRP irp);
NTSTATUS ListenStart(WskSocketObj* s);
/* SIO_ADDRESS_LIST_CHANGE: completes every pending request of the node's sockets (the node's address list
 * changed); returns how many were completed. */
size_t NotifyAddressListChange(NodeState& node);
/* The ns-3 socket of a listener that serves `peer` (the IPv4 half of a dual-stack listener for IPv4). */
Ptr<WskTcpSocket> ListenerTcpFor(WskSocketObj* s, const Address& peer);

/* Stream sockets (wsk-stream.cc) */
extern const WSK_PROVIDER_STREAM_DISPATCH g_streamDispatch;
/* Conditional accept (wsk-conditional-accept.cc) */
NTSTATUS InspectComplete(WskSocketObj* s, PWSK_INSPECT_ID id, WSK_INSPECT_ACTION action, PIRP irp);
void InspectTakeId(WskSocketObj* listener, WskSocketObj* child);
void InspectRefuseAll(WskSocketObj* listener);

extern const WSK_PROVIDER_BASIC_DISPATCH g_basicDispatch;

/* Datagram sockets (wsk-datagram.cc) */
extern const WSK_PROVIDER_DATAGRAM_DISPATCH g_datagramDispatch;
/* The cancel routine's part for a pending WskReceiveFrom: true if it was queued (and is now removed). */
bool DatagramCancelReceive(WskSocketObj* s, PIRP irp);

inline NTSTATUS
ControlFinish(WskSocketObj* s, PIRP irp, NTSTATUS st, ULONG_PTR info)
{
    return irp ? IrpFinish(s->inst, irp, st, info) : st;
}

inline NTSTATUS
ControlRefuse(WskSocketObj* s, PIRP irp, NTSTATUS st)
{
    return irp ? IrpRefuse(s->inst, irp, st) : st;
}

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_WSK_PROVIDER_H */
