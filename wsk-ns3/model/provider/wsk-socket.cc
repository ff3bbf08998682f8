/* wsk-socket.cc - WSK_PROVIDER_DISPATCH (WskSocket, WskSocketConnect, WskControlClient), socket objects,
 * the options every category shares (SO_WSK_EVENT_CALLBACK above all) and address sharing at bind. */
#include "wsk-provider.h"

#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6.h"

#include <mstcpip.h>

#include <cstring>
#include <set>
#include <unordered_map>

namespace ns3 {
namespace wsk {

void DestroySocketObject(WskSocketObj* s);

static void
UnlinkLive(WskSocketObj* s)
{
    if (s->livePrev != nullptr) {
        s->livePrev->liveNext = s->liveNext;
    } else {
        auto& instances = StateOf(s->inst).instances;
        auto it = instances.find(s->inst);
        if (it != instances.end() && it->second.firstLive == s) {
            it->second.firstLive = s->liveNext;
        }
    }
    if (s->liveNext != nullptr) {
        s->liveNext->livePrev = s->livePrev;
    }
    s->livePrev = s->liveNext = nullptr;
}

/* Frees a list of open sockets (their instance or their node is going away). */
static void
DestroyLiveList(WskSocketObj* s)
{
    while (s != nullptr) {
        WskSocketObj* next = s->liveNext;
        DestroySocketObject(s);
        s = next;
    }
}

void
NodeState::ReleaseInstance(KRT_INSTANCE* inst)
{
    auto head = instances.find(inst);
    if (head != instances.end()) {
        for (WskSocketObj* s = head->second.firstLive; s != nullptr; s = s->liveNext) {
            bound.remove(s);
        }
        DestroyLiveList(head->second.firstLive);
        instances.erase(head);
    }
    for (auto it = quarantine.begin(); it != quarantine.end();) {
        if ((*it)->inst == inst) {
            delete *it;
            it = quarantine.erase(it);
        } else {
            ++it;
        }
    }
    ClientsOfInstanceGone(*this, inst);
}

NodeState::~NodeState()
{
    for (auto& kv : instances) {
        DestroyLiveList(kv.second.firstLive);
    }
    for (WskSocketObj* s : quarantine) {
        delete s;
    }
    for (WskClientObj* c : clients) {
        c->magic = 0;
        delete c;
    }
}

WskSocketObj*
SocketFromHandle(PWSK_SOCKET h, const char* call)
{
    if (h == nullptr) {
        KrtReport(2, call, "Socket is NULL");
        return nullptr;
    }
    auto* hh = reinterpret_cast<WskSocketHandle*>(h);
    if (hh->magic == kSocketClosed) {
        KrtReport(2, call, "socket %p was closed with WskCloseSocket (use after close)", (void*)h);
        return nullptr;
    }
    if (hh->magic != kSocketMagic) {
        KrtReport(2, call, "%p is not a WSK socket", (void*)h);
        return nullptr;
    }
    WskSocketObj* s = hh->obj;
    if (KrtCurrentInstance() != nullptr && s->inst != KrtCurrentInstance()) {
        KrtReport(2, call, "socket %p belongs to node %u, not to this node", (void*)h, KrtInstanceNodeId(s->inst));
        return nullptr;
    }
    return s;
}

WskSocketObj*
NewSocket(WskClientObj* client, SocketKind kind, ADDRESS_FAMILY family, USHORT type, ULONG protocol, PVOID context,
          const void* dispatch)
{
    auto* s = new WskSocketObj();
    s->handle.magic = kSocketMagic;
    s->handle.obj = s;
    s->kind = kind;
    s->client = client;
    s->inst = client->inst;
    s->family = family;
    s->type = type;
    s->protocol = protocol;
    s->context = context;
    s->clientDispatch = dispatch;
    switch (kind) {
    case SocketKind::Listen:
        s->handle.header.Dispatch = &g_listenDispatch;
        s->enabledEvents = client->staticEvents & WSK_EVENT_ACCEPT;
        break;
    case SocketKind::Connection:
        s->handle.header.Dispatch = &g_connectionDispatch;
        s->enabledEvents = client->staticEvents & (WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_SEND_BACKLOG);
        break;
    case SocketKind::Datagram:
        s->handle.header.Dispatch = &g_datagramDispatch;
        s->enabledEvents = client->staticEvents & WSK_EVENT_RECEIVE_FROM;
        break;
    case SocketKind::Stream:
        /* events come with the flow it commits to (WskListen / WskConnect) */
        s->handle.header.Dispatch = &g_streamDispatch;
        s->stream = true;
        s->streamDispatch = dispatch;
        s->clientDispatch = nullptr;
        break;
    default:
        s->handle.header.Dispatch = &g_basicDispatch;
        break;
    }
    InstanceSockets& mine = StateOf(s->inst).instances[s->inst];
    s->serial = ++mine.serials;
    client->sockets++;
    client->anySocketCreated = true;
    s->liveNext = mine.firstLive;
    if (mine.firstLive != nullptr) {
        mine.firstLive->livePrev = s;
    }
    mine.firstLive = s;
    KeClearEvent(&client->idle);
    return s;
}

void
ReleaseSocket(WskSocketObj* s)
{
    NodeState& node = StateOf(s->inst);
    node.bound.remove(s);
    if (s->tcp) {
        s->tcp->SetOwner(nullptr);
        s->tcp = nullptr;
    }
    if (s->tcp4) {
        s->tcp4->SetOwner(nullptr);
        s->tcp4 = nullptr;
    }
    for (PIRP irp : s->addressChangeIrps) {
        IrpCompleteLater(s->inst, irp, STATUS_CANCELLED, 0); /* closing cancels SIO_ADDRESS_LIST_CHANGE */
    }
    s->addressChangeIrps.clear();
    s->handle.magic = kSocketClosed;
    s->closed = true;
    UnlinkLive(s);
    WskClientObj* c = s->client;
    if (c != nullptr && c->magic == kClientMagic) {
        ClientSocketClosed(c);
    }
    node.quarantine.push_back(s);
    while (node.quarantine.size() > NodeState::kQuarantine) {
        delete node.quarantine.front();
        node.quarantine.pop_front();
    }
}

/* wsk-api.md §6.5: rows = this (second) socket, columns = the bound (first) one. With the default
 * security descriptor the access check ("C") fails, so it reads as DENIED. */
NTSTATUS
CheckBindSharing(WskSocketObj* s, const Address& addr, bool wildcard, uint16_t port)
{
    if (port == 0) {
        return STATUS_SUCCESS;
    }
    enum { U, S, D, C };
    static const int table[6][6] = {
        {U, S, U, S, U, S}, {C, U, C, D, D, U}, {D, S, S, S, D, S},
        {C, D, S, S, D, D}, {U, U, U, U, U, U}, {C, U, C, U, D, U},
    };
    auto opt = [](const WskSocketObj* o) { return o->exclusiveAddr ? 2 : (o->reuseAddr ? 1 : 0); };
    for (WskSocketObj* o : StateOf(s->inst).bound) {
        if (o == s || o->family != s->family || o->kind == SocketKind::Basic) {
            continue;
        }
        if ((o->kind == SocketKind::Datagram) != (s->kind == SocketKind::Datagram)) {
            continue; /* UDP and TCP ports are separate */
        }
        if (o->kind == SocketKind::Connection && o->acceptedFromListener) {
            continue;
        }
        uint16_t oport;
        Address oaddr = o->localAddr;
        bool owild;
        if (InetSocketAddress::IsMatchingType(oaddr)) {
            InetSocketAddress a = InetSocketAddress::ConvertFrom(oaddr);
            oport = a.GetPort();
            owild = a.GetIpv4() == Ipv4Address::GetAny();
            if (!wildcard && !owild && !(InetSocketAddress::ConvertFrom(addr).GetIpv4() == a.GetIpv4())) {
                continue; // two different specific addresses never conflict
            }
        } else if (Inet6SocketAddress::IsMatchingType(oaddr)) {
            Inet6SocketAddress a = Inet6SocketAddress::ConvertFrom(oaddr);
            oport = a.GetPort();
            owild = a.GetIpv6() == Ipv6Address::GetAny();
            if (!wildcard && !owild && !(Inet6SocketAddress::ConvertFrom(addr).GetIpv6() == a.GetIpv6())) {
                continue;
            }
        } else {
            continue;
        }
        if (oport != port) {
            continue;
        }
        int row = opt(s) * 2 + (wildcard ? 0 : 1);
        int col = opt(o) * 2 + (owild ? 0 : 1);
        switch (table[row][col]) {
        case U:
            return STATUS_ADDRESS_ALREADY_EXISTS;
        case D:
        case C:
            return STATUS_ACCESS_DENIED;
        default:
            break;
        }
    }
    return STATUS_SUCCESS;
}

void
RememberBound(WskSocketObj* s)
{
    StateOf(s->inst).bound.push_back(s);
}

static DisableState&
DisableOf(WskSocketObj* s)
{
    if (!s->disable) {
        s->disable = std::make_unique<DisableState>();
    }
    return *s->disable;
}

static int
EventIndex(ULONG bit)
{
    for (int i = 0; i < 10; i++) {
        if (bit == (1u << i)) {
            return i;
        }
    }
    return 0;
}

bool
EventEnabled(const WskSocketObj* s, ULONG bit)
{
    return !s->closed && !s->closing && (s->enabledEvents & bit) != 0;
}

void
BeginCallback(WskSocketObj* s, ULONG bit)
{
    s->inCallback[EventIndex(bit)]++;
}

void
EndCallback(WskSocketObj* s, ULONG bit)
{
    int i = EventIndex(bit);
    if (--s->inCallback[i] > 0) {
        return;
    }
    /* a disable waited for calls in progress to return (SO_WSK_EVENT_CALLBACK) */
    if (!s->disable) {
        return;
    }
    auto it = s->disable->waiters.find(bit);
    if (it != s->disable->waiters.end()) {
        std::vector<PIRP> irps = std::move(it->second);
        s->disable->waiters.erase(it);
        s->enabledEvents &= ~bit;
        for (PIRP irp : irps) {
            IrpCompleteLater(s->inst, irp, STATUS_SUCCESS, 0);
        }
    }
    auto nit = s->disable->pendingNoIrp.find(bit);
    if (nit != s->disable->pendingNoIrp.end()) {
        s->disable->pendingNoIrp.erase(nit);
        s->enabledEvents &= ~bit;
    }
}

static bool
NpiIsWsk(const WSK_EVENT_CALLBACK_CONTROL* c)
{
    return c->NpiId != nullptr && std::memcmp(c->NpiId, &NPI_WSK_INTERFACE_ID, sizeof(NPIID)) == 0;
}

static ULONG
ValidEvents(const WskSocketObj* s)
{
    switch (s->kind) {
    case SocketKind::Listen:
        return WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_SEND_BACKLOG;
    case SocketKind::Connection:
        return WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_SEND_BACKLOG;
    case SocketKind::Datagram:
        return WSK_EVENT_RECEIVE_FROM;
    default:
        return 0;
    }
}

static bool
CallbackPresent(const WskSocketObj* s, ULONG bit)
{
    if (s->clientDispatch == nullptr) {
        return false;
    }
    if (s->kind == SocketKind::Listen) {
        auto* d = static_cast<const WSK_CLIENT_LISTEN_DISPATCH*>(s->clientDispatch);
        return bit == WSK_EVENT_ACCEPT ? d->WskAcceptEvent != nullptr : true; /* inherited: checked on the child */
    }
    if (s->kind == SocketKind::Connection) {
        auto* d = static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(s->clientDispatch);
        switch (bit) {
        case WSK_EVENT_RECEIVE:
            return d->WskReceiveEvent != nullptr;
        case WSK_EVENT_DISCONNECT:
            return d->WskDisconnectEvent != nullptr;
        case WSK_EVENT_SEND_BACKLOG:
            return d->WskSendBacklogEvent != nullptr;
        }
    }
    if (s->kind == SocketKind::Datagram && bit == WSK_EVENT_RECEIVE_FROM) {
        return static_cast<const WSK_CLIENT_DATAGRAM_DISPATCH*>(s->clientDispatch)->WskReceiveFromEvent != nullptr;
    }
    return false;
}

/* SO_WSK_EVENT_CALLBACK, wsk-api.md §6.2/§6.4/§8.6 */
NTSTATUS
EventCallbackOption(WskSocketObj* s, SIZE_T inSize, PVOID in, PIRP irp)
{
    const char* call = "WskControlSocket(SO_WSK_EVENT_CALLBACK)";
    if (in == nullptr || inSize < sizeof(WSK_EVENT_CALLBACK_CONTROL)) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "input must be a WSK_EVENT_CALLBACK_CONTROL (%zu bytes given)", (size_t)inSize);
        return STATUS_INVALID_PARAMETER;
    }
    auto* ctl = static_cast<const WSK_EVENT_CALLBACK_CONTROL*>(in);
    if (!NpiIsWsk(ctl)) {
        return STATUS_NOT_SUPPORTED; /* no extension interface is registered */
    }
    bool ready = s->kind == SocketKind::Connection ? s->connected : s->bound;
    if (!ready) {
        Finding(s, call, STATUS_INVALID_DEVICE_STATE, "%s", s->kind == SocketKind::Connection ? "callbacks of a connection socket can be enabled only "
                                                                   "after it is connected"
                                                                 : "callbacks can be enabled only after WskBind");
        return STATUS_INVALID_DEVICE_STATE;
    }
    ULONG mask = ctl->EventMask;
    ULONG valid = ValidEvents(s);
    if (mask & WSK_EVENT_DISABLE) {
        ULONG bit = mask & ~WSK_EVENT_DISABLE;
        if (bit == 0 || (bit & (bit - 1)) != 0) {
            Finding(s, call, STATUS_INVALID_PARAMETER, "a disable must name exactly one event (mask 0x%08x)", mask);
            return STATUS_INVALID_PARAMETER;
        }
        if ((bit & valid) == 0) {
            Finding(s, call, STATUS_INVALID_PARAMETER, "event 0x%x does not exist on this kind of socket", bit);
            return STATUS_INVALID_PARAMETER;
        }
        if (s->client->staticEvents & bit) {
            Finding(s, call, STATUS_INVALID_PARAMETER, "event 0x%x was enabled with WSK_SET_STATIC_EVENT_CALLBACKS and cannot be disabled", bit);
            return STATUS_INVALID_PARAMETER;
        }
        if (s->kind == SocketKind::Listen && bit != WSK_EVENT_ACCEPT) {
            Finding(s, call, STATUS_INVALID_PARAMETER, "connection events enabled on a listening socket cannot be disabled on it");
            return STATUS_INVALID_PARAMETER;
        }
        if (s->inCallback[EventIndex(bit)] > 0) {
            if (irp != nullptr) {
                NTSTATUS st = IrpPend(s, irp, call, QueueControl);
                if (st != STATUS_CANCELLED) {
                    DisableOf(s).waiters[bit].push_back(irp);
                }
                return STATUS_PENDING;
            }
            DisableOf(s).pendingNoIrp[bit]++;
            return STATUS_EVENT_PENDING;
        }
        s->enabledEvents &= ~bit;
        if (irp != nullptr) {
            return IrpFinish(s->inst, irp, STATUS_SUCCESS, 0);
        }
        return STATUS_SUCCESS;
    }
    NTSTATUS st = STATUS_SUCCESS;
    if (mask == 0 || (mask & ~valid) != 0) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "event mask 0x%08x has events that do not apply to this socket (valid: 0x%08x)", mask, valid);
        st = STATUS_INVALID_PARAMETER;
    } else if (mask & s->client->staticEvents) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "event mask 0x%08x names events already enabled statically", mask);
        st = STATUS_INVALID_PARAMETER;
    } else {
        for (ULONG bit = 1; bit != 0 && st == STATUS_SUCCESS; bit <<= 1) {
            if ((mask & bit) && !CallbackPresent(s, bit)) {
                Finding(s, call, STATUS_INVALID_PARAMETER, "event 0x%x has no callback in the socket's client dispatch table", bit);
                st = STATUS_INVALID_PARAMETER;
            }
        }
    }
    if (st == STATUS_SUCCESS) {
        ULONG newly = mask & ~s->enabledEvents;
        s->enabledEvents |= mask;
        if (s->kind == SocketKind::Listen) {
            s->inheritEvents |= mask & (WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_SEND_BACKLOG);
        } else if (s->kind == SocketKind::Connection) {
            ConnectionOnEventEnabled(s, newly);
        }
    }
    return NT_SUCCESS(st) ? ControlFinish(s, irp, st) : ControlRefuse(s, irp, st);
}

static NTSTATUS
OutputUlong(WskSocketObj* s, ULONG v, SIZE_T outSize, PVOID out, SIZE_T* outReturned, PIRP irp)
{
    if (out == nullptr || outSize < sizeof(ULONG)) {
        if (outReturned) {
            *outReturned = sizeof(ULONG);
        }
        return ControlFinish(s, irp, STATUS_BUFFER_TOO_SMALL);
    }
    *static_cast<ULONG*>(out) = v;
    if (outReturned) {
        *outReturned = sizeof(ULONG);
    }
    return ControlFinish(s, irp, STATUS_SUCCESS, sizeof(ULONG));
}

/* SIO_ADDRESS_LIST_QUERY: the node's unicast addresses of the socket's family (loopback excluded), as a
 * SOCKET_ADDRESS_LIST followed by the SOCKADDRs it points to. */
static NTSTATUS
AddressListQuery(WskSocketObj* s, SIZE_T outSize, PVOID out, SIZE_T* outReturned, PIRP irp)
{
    const char* call = "WskControlSocket(SIO_ADDRESS_LIST_QUERY)";
    if (irp != nullptr) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "the IRP must be NULL (the output size comes back in *OutputSizeReturned)");
        return ControlRefuse(s, irp, STATUS_INVALID_PARAMETER);
    }
    if (outReturned == nullptr) {
        Finding(s, call, STATUS_INVALID_PARAMETER, "OutputSizeReturned is required");
        return STATUS_INVALID_PARAMETER;
    }
    std::vector<Address> addrs;
    Ptr<Node> node = NodeOf(s->inst);
    if (s->family == AF_INET) {
        Ptr<Ipv4> ip = node->GetObject<Ipv4>();
        for (uint32_t i = 0; ip && i < ip->GetNInterfaces(); i++) {
            for (uint32_t j = 0; j < ip->GetNAddresses(i); j++) {
                Ipv4Address a = ip->GetAddress(i, j).GetLocal();
                if (!a.IsLocalhost()) {
                    addrs.push_back(InetSocketAddress(a, 0));
                }
            }
        }
    } else {
        Ptr<Ipv6> ip = node->GetObject<Ipv6>();
        for (uint32_t i = 0; ip && i < ip->GetNInterfaces(); i++) {
            for (uint32_t j = 0; j < ip->GetNAddresses(i); j++) {
                Ipv6Address a = ip->GetAddress(i, j).GetAddress();
                if (!a.IsLocalhost()) {
                    addrs.push_back(Inet6SocketAddress(a, 0));
                }
            }
        }
    }
    size_t saLen = SockaddrLength(s->family);
    size_t head = SIZEOF_SOCKET_ADDRESS_LIST(addrs.size());
    head = (head + 7) & ~(size_t)7;
    size_t need = head + addrs.size() * saLen;
    *outReturned = need;
    if (out == nullptr || outSize < need) {
        return STATUS_BUFFER_OVERFLOW;
    }
    auto* list = static_cast<SOCKET_ADDRESS_LIST*>(out);
    list->iAddressCount = (INT)addrs.size();
    auto* base = static_cast<UCHAR*>(out) + head;
    for (size_t i = 0; i < addrs.size(); i++) {
        auto* sa = reinterpret_cast<SOCKADDR*>(base + i * saLen);
        AddressToSockaddr(addrs[i], sa);
        list->Address[i].lpSockaddr = sa;
        list->Address[i].iSockaddrLength = (INT)saLen;
    }
    return STATUS_SUCCESS;
}

size_t
NotifyAddressListChange(NodeState& node)
{
    size_t n = 0;
    std::vector<WskSocketObj*> sockets;
    for (auto& kv : node.instances) {
        for (WskSocketObj* s = kv.second.firstLive; s != nullptr; s = s->liveNext) {
            sockets.push_back(s);
        }
    }
    for (WskSocketObj* s : sockets) {
        std::list<PIRP> irps;
        irps.swap(s->addressChangeIrps);
        for (PIRP irp : irps) {
            IrpCompleteLater(s->inst, irp, STATUS_SUCCESS, 0);
            n++;
        }
    }
    return n;
}

NTSTATUS
ControlSocketCommon(WskSocketObj* s, WSK_CONTROL_SOCKET_TYPE type, ULONG code, ULONG level, SIZE_T inSize, PVOID in,
                    SIZE_T outSize, PVOID out, SIZE_T* outReturned, PIRP irp, bool& handled)
{
    handled = true;
    auto inUlong = [&](ULONG& v) -> bool {
        if (in == nullptr || inSize < sizeof(ULONG)) {
            return false;
        }
        v = *static_cast<ULONG*>(in);
        return true;
    };
    ULONG v = 0;
    if (type == WskSetOption && level == SOL_SOCKET) {
        switch (code) {
        case SO_WSK_EVENT_CALLBACK:
            return EventCallbackOption(s, inSize, in, irp);
        case SO_REUSEADDR:
        case (ULONG)SO_EXCLUSIVEADDRUSE:
            if (!inUlong(v)) {
                return ControlFinish(s, irp, STATUS_INVALID_PARAMETER);
            }
            if (s->bound) {
                Finding(s, "WskControlSocket", STATUS_INVALID_DEVICE_STATE, "SO_REUSEADDR / SO_EXCLUSIVEADDRUSE must be set before WskBind");
                return ControlRefuse(s, irp, STATUS_INVALID_DEVICE_STATE);
            }
            if (code == SO_REUSEADDR) {
                s->reuseAddr = v != 0;
            } else {
                s->exclusiveAddr = v != 0;
            }
            return ControlFinish(s, irp, STATUS_SUCCESS);
        case SO_KEEPALIVE:
            if (!inUlong(v)) {
                return ControlFinish(s, irp, STATUS_INVALID_PARAMETER);
            }
            s->keepAlive = v != 0;
            return ControlFinish(s, irp, STATUS_SUCCESS);
        case SO_RCVBUF:
            if (!inUlong(v) || v == 0) {
                return ControlFinish(s, irp, STATUS_INVALID_PARAMETER);
            }
            s->rcvBuf = v;
            if (s->tcp) {
                s->tcp->SetBaseRcvBuf(v);
            }
            return ControlFinish(s, irp, STATUS_SUCCESS);
        case SO_CONDITIONAL_ACCEPT:
            if (s->kind != SocketKind::Listen) {
                Finding(s, "WskControlSocket", STATUS_INVALID_PARAMETER, "SO_CONDITIONAL_ACCEPT applies to listening sockets only");
                return ControlRefuse(s, irp, STATUS_INVALID_PARAMETER);
            }
            if (s->bound) {
                Finding(s, "WskControlSocket", STATUS_INVALID_DEVICE_STATE, "SO_CONDITIONAL_ACCEPT must be set before WskBind");
                return ControlRefuse(s, irp, STATUS_INVALID_DEVICE_STATE);
            }
            if (!inUlong(v)) {
                return ControlFinish(s, irp, STATUS_INVALID_PARAMETER);
            }
            s->conditionalAccept = v != 0;
            return ControlFinish(s, irp, STATUS_SUCCESS);
        case SO_SNDBUF:
            return ControlFinish(s, irp, STATUS_NOT_SUPPORTED); /* WSK does no send buffering */
        case SO_WSK_SECURITY:
            if (irp == nullptr) {
                Finding(s, "WskControlSocket(SO_WSK_SECURITY)", STATUS_INVALID_PARAMETER, "an IRP is required");
                return STATUS_INVALID_PARAMETER;
            }
            if (s->kind == SocketKind::Basic) {
                return ControlFinish(s, irp, STATUS_NOT_SUPPORTED);
            }
            if (s->bound) {
                Finding(s, "WskControlSocket(SO_WSK_SECURITY)", STATUS_INVALID_DEVICE_STATE, "must be set before WskBind");
                return ControlRefuse(s, irp, STATUS_INVALID_DEVICE_STATE);
            }
            if (in == nullptr || inSize < sizeof(PVOID)) {
                return ControlFinish(s, irp, STATUS_INVALID_PARAMETER);
            }
            s->security = *static_cast<PVOID*>(in);
            return ControlFinish(s, irp, STATUS_SUCCESS);
        }
    }
    if (type == WskGetOption && level == SOL_SOCKET) {
        switch (code) {
        case SO_REUSEADDR:
            return OutputUlong(s, s->reuseAddr, outSize, out, outReturned, irp);
        case (ULONG)SO_EXCLUSIVEADDRUSE:
            return OutputUlong(s, s->exclusiveAddr, outSize, out, outReturned, irp);
        case SO_KEEPALIVE:
            return OutputUlong(s, s->keepAlive, outSize, out, outReturned, irp);
        case SO_RCVBUF:
            return OutputUlong(s, s->tcp ? s->tcp->BaseRcvBuf() : (s->rcvBuf ? s->rcvBuf : 65535), outSize, out, outReturned, irp);
        case SO_CONDITIONAL_ACCEPT:
            return OutputUlong(s, s->conditionalAccept, outSize, out, outReturned, irp);
        case SO_WSK_SECURITY:
            if (irp == nullptr) {
                Finding(s, "WskControlSocket(SO_WSK_SECURITY)", STATUS_INVALID_PARAMETER, "an IRP is required");
                return STATUS_INVALID_PARAMETER;
            }
            if (out == nullptr || outSize < sizeof(PVOID)) {
                return ControlFinish(s, irp, STATUS_BUFFER_TOO_SMALL);
            }
            *static_cast<PVOID*>(out) = s->security; /* the cached copy; released with WSK_RELEASE_SD */
            return ControlFinish(s, irp, STATUS_SUCCESS, sizeof(PVOID));
        }
    }
    bool tcpKind = s->kind != SocketKind::Datagram && s->kind != SocketKind::Basic;
    if (level == IPPROTO_IPV6 && code == IPV6_V6ONLY && type != WskIoctl) {
        if (s->family != AF_INET6) {
            Finding(s, "WskControlSocket(IPV6_V6ONLY)", STATUS_INVALID_PARAMETER, "the socket is not AF_INET6");
            return ControlRefuse(s, irp, STATUS_INVALID_PARAMETER);
        }
        if (type == WskGetOption) {
            return OutputUlong(s, s->v6only, outSize, out, outReturned, irp);
        }
        if (!inUlong(v)) {
            return ControlFinish(s, irp, STATUS_INVALID_PARAMETER);
        }
        if (s->bound) {
            Finding(s, "WskControlSocket(IPV6_V6ONLY)", STATUS_INVALID_DEVICE_STATE, "must be set before WskBind");
            return ControlRefuse(s, irp, STATUS_INVALID_DEVICE_STATE);
        }
        s->v6only = v != 0;
        return ControlFinish(s, irp, STATUS_SUCCESS);
    }
    if (level == IPPROTO_TCP && code == TCP_NODELAY && type != WskIoctl) {
        return ControlFinish(s, irp, STATUS_NOT_SUPPORTED); /* WSK clients pass WSK_FLAG_NODELAY per send */
    }
    if (level == IPPROTO_TCP && tcpKind && type != WskIoctl &&
        (code == TCP_KEEPIDLE || code == TCP_KEEPINTVL || code == TCP_KEEPCNT)) {
        ULONG& field = code == TCP_KEEPIDLE ? s->keepIdle : (code == TCP_KEEPINTVL ? s->keepInterval : s->keepCount);
        if (type == WskGetOption) {
            return OutputUlong(s, field, outSize, out, outReturned, irp);
        }
        if (!inUlong(v) || v == 0) {
            return ControlFinish(s, irp, STATUS_INVALID_PARAMETER);
        }
        field = v;
        return ControlFinish(s, irp, STATUS_SUCCESS);
    }
    if (type == WskIoctl) {
        switch (code) {
        case SIO_WSK_QUERY_INSPECT_ID:
            if (!s->hasInspectId || irp != nullptr) {
                return STATUS_INVALID_DEVICE_REQUEST;
            }
            if (outReturned == nullptr) {
                return STATUS_INVALID_PARAMETER;
            }
            *outReturned = sizeof(WSK_INSPECT_ID);
            if (out == nullptr || outSize < sizeof(WSK_INSPECT_ID)) {
                return STATUS_BUFFER_OVERFLOW;
            }
            *static_cast<WSK_INSPECT_ID*>(out) = s->inspectId;
            return STATUS_SUCCESS;
        case SIO_WSK_REGISTER_EXTENSION:
            return STATUS_NOT_SUPPORTED;
        case SIO_LOOPBACK_FAST_PATH:
            return ControlFinish(s, irp, STATUS_SUCCESS); /* deprecated; accepted with no effect */
        case SIO_KEEPALIVE_VALS: {
            if (!tcpKind) {
                return ControlFinish(s, irp, STATUS_NOT_SUPPORTED);
            }
            if (in == nullptr || inSize < sizeof(struct tcp_keepalive)) {
                return ControlFinish(s, irp, STATUS_INVALID_PARAMETER);
            }
            auto* k = static_cast<const struct tcp_keepalive*>(in);
            s->keepAlive = k->onoff != 0;
            s->keepIdle = k->keepalivetime / 1000 ? k->keepalivetime / 1000 : 1;
            s->keepInterval = k->keepaliveinterval / 1000 ? k->keepaliveinterval / 1000 : 1;
            return ControlFinish(s, irp, STATUS_SUCCESS);
        }
        case SIO_ADDRESS_LIST_QUERY:
            return AddressListQuery(s, outSize, out, outReturned, irp);
        case SIO_ADDRESS_LIST_CHANGE:
            if (irp == nullptr) {
                Finding(s, "WskControlSocket(SIO_ADDRESS_LIST_CHANGE)", STATUS_INVALID_PARAMETER, "an IRP is required");
                return STATUS_INVALID_PARAMETER;
            }
            if (IrpPend(s, irp, "WskControlSocket(SIO_ADDRESS_LIST_CHANGE)", QueueAddressChange) != STATUS_CANCELLED) {
                s->addressChangeIrps.push_back(irp);
            }
            return STATUS_PENDING;
        }
    }
    handled = false;
    return STATUS_NOT_SUPPORTED;
}

/* ---- Basic sockets: WskControlSocket and WskCloseSocket only ---- */
static NTSTATUS WSKAPI
BasicControl(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType, ULONG ControlCode, ULONG Level,
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
    bool handled;
    NTSTATUS st = ControlSocketCommon(s, RequestType, ControlCode, Level, InputSize, InputBuffer, OutputSize,
                                      OutputBuffer, OutputSizeReturned, Irp, handled);
    if (!handled && Irp != nullptr) {
        return IrpFinish(s->inst, Irp, st, 0);
    }
    return st;
}

static NTSTATUS WSKAPI
BasicClose(PWSK_SOCKET Socket, PIRP Irp)
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
    KRT_INSTANCE* inst = s->inst;
    ReleaseSocket(s);
    return IrpFinish(inst, Irp, STATUS_SUCCESS, 0);
}

const WSK_PROVIDER_BASIC_DISPATCH g_basicDispatch = {BasicControl, BasicClose};

} // namespace wsk
} // namespace ns3
