/*
 * wsk-names.cc - WskGetAddressInfo, WskFreeAddressInfo and WskGetNameInfo (wsk-api.md §2.5) over a
 * simulated name service fed from the topology: "node<N>", names given with ns3::Names::Add, names added
 * with NameService::AddHost, "localhost", and numeric addresses. A look-up always returns STATUS_PENDING
 * and completes from a simulator event at DISPATCH_LEVEL: after the lookup delay when the name service is
 * asked, in a new event at the same time when the answer is numeric.
 */
#include "../host/simulation-context.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6.h"
#include "ns3/names.h"
#include "ns3/node-list.h"
#include "ns3/simulator.h"

#include "wsk-name-service.h"
#include "wsk-provider.h"

extern "C" {
#include <ip2string.h>
}

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace ns3 {
namespace wsk {

/* ---- the name service ---- */
struct HostEntry
{
    std::string name;
    std::vector<Address> addresses; // Ipv4Address / Ipv6Address
};

constexpr int64_t kDefaultDelayNs = 1000000;

/* The simulated name service: one per simulation. */
struct NameServiceState
{
    std::vector<HostEntry> hosts;
    int64_t delayNs = kDefaultDelayNs;
};

static NameServiceState&
NameServiceNow()
{
    return SimulationContext::Get<NameServiceState>();
}

static std::vector<HostEntry>&
Hosts()
{
    return NameServiceNow().hosts;
}

static bool
SameName(const std::string& a, const std::string& b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); i++) {
        if (std::tolower((unsigned char)a[i]) != std::tolower((unsigned char)b[i])) {
            return false;
        }
    }
    return true;
}

void
NameService::AddHost(const std::string& name, const Address& address)
{
    Address ip;
    if (Ipv4Address::IsMatchingType(address) || Ipv6Address::IsMatchingType(address)) {
        ip = address;
    } else if (InetSocketAddress::IsMatchingType(address)) {
        ip = InetSocketAddress::ConvertFrom(address).GetIpv4();
    } else if (Inet6SocketAddress::IsMatchingType(address)) {
        ip = Inet6SocketAddress::ConvertFrom(address).GetIpv6();
    } else {
        NS_FATAL_ERROR("NameService::AddHost(" << name << "): not an IPv4 or IPv6 address");
    }
    for (auto& h : Hosts()) {
        if (SameName(h.name, name)) {
            h.addresses.push_back(ip);
            return;
        }
    }
    Hosts().push_back({name, {ip}});
}

void
NameService::SetLookupDelay(Time delay)
{
    NameServiceNow().delayNs = delay.GetNanoSeconds();
}

Time
NameService::GetLookupDelay()
{
    return NanoSeconds(NameServiceNow().delayNs);
}

void
NameService::Reset()
{
    NameServiceNow() = NameServiceState();
}

/* A node's addresses, IPv6 first as Windows' default prefix policy orders them (RFC 6724): global and
 * unique-local IPv6, then IPv4; loopback and link-local are left out. */
static std::vector<Address>
NodeAddresses(Ptr<Node> node)
{
    std::vector<Address> out;
    if (Ptr<Ipv6> ip = node->GetObject<Ipv6>()) {
        for (uint32_t i = 0; i < ip->GetNInterfaces(); i++) {
            for (uint32_t j = 0; j < ip->GetNAddresses(i); j++) {
                Ipv6Address a = ip->GetAddress(i, j).GetAddress();
                if (!a.IsLinkLocal() && !a.IsLocalhost() && !a.IsAny() && !a.IsMulticast()) {
                    out.push_back(a);
                }
            }
        }
    }
    if (Ptr<Ipv4> ip = node->GetObject<Ipv4>()) {
        for (uint32_t i = 0; i < ip->GetNInterfaces(); i++) {
            for (uint32_t j = 0; j < ip->GetNAddresses(i); j++) {
                Ipv4Address a = ip->GetAddress(i, j).GetLocal();
                if (!Ipv4Mask("255.0.0.0").IsMatch(a, Ipv4Address::GetLoopback())) {
                    out.push_back(a);
                }
            }
        }
    }
    return out;
}

static std::string
NodeName(Ptr<Node> node)
{
    std::string n = Names::FindName(node);
    return n.empty() ? "node" + std::to_string(node->GetId()) : n;
}

/* Forward: name -> addresses; `canonical` is the name as the service knows it. */
static bool
Resolve(const std::string& name, Ptr<Node> self, std::vector<Address>& out, std::string& canonical)
{
    if (name.empty()) {
        /* an empty name is the local host (GetAddrInfoExW) */
        if (!self) {
            return false;
        }
        out = NodeAddresses(self);
        canonical = NodeName(self);
        return true;
    }
    if (SameName(name, "localhost")) {
        out = {Ipv6Address::GetLoopback(), Ipv4Address::GetLoopback()};
        canonical = "localhost";
        return true;
    }
    for (auto& h : Hosts()) {
        if (SameName(h.name, name)) {
            out = h.addresses;
            canonical = h.name;
            return true;
        }
    }
    for (uint32_t i = 0; i < NodeList::GetNNodes(); i++) {
        Ptr<Node> node = NodeList::GetNode(i);
        std::string given = Names::FindName(node);
        if ((!given.empty() && SameName(given, name)) || SameName(name, "node" + std::to_string(i))) {
            out = NodeAddresses(node);
            canonical = given.empty() ? "node" + std::to_string(i) : given;
            return true;
        }
    }
    return false;
}

static bool
SameIp(const Address& a, const Address& b)
{
    if (Ipv4Address::IsMatchingType(a) && Ipv4Address::IsMatchingType(b)) {
        return Ipv4Address::ConvertFrom(a) == Ipv4Address::ConvertFrom(b);
    }
    if (Ipv6Address::IsMatchingType(a) && Ipv6Address::IsMatchingType(b)) {
        return Ipv6Address::ConvertFrom(a) == Ipv6Address::ConvertFrom(b);
    }
    return false;
}

/* Reverse: address -> name ("" if none). Names added with AddHost first, then the node holding it. */
static std::string
ReverseName(const Address& ip, Ptr<Node> self)
{
    for (auto& h : Hosts()) {
        for (auto& a : h.addresses) {
            if (SameIp(a, ip)) {
                return h.name;
            }
        }
    }
    bool v4 = Ipv4Address::IsMatchingType(ip);
    if ((v4 && Ipv4Mask("255.0.0.0").IsMatch(Ipv4Address::ConvertFrom(ip), Ipv4Address::GetLoopback())) ||
        (!v4 && Ipv6Address::ConvertFrom(ip).IsLocalhost())) {
        return self ? NodeName(self) : "localhost";
    }
    for (uint32_t i = 0; i < NodeList::GetNNodes(); i++) {
        Ptr<Node> node = NodeList::GetNode(i);
        if (v4) {
            Ptr<Ipv4> p = node->GetObject<Ipv4>();
            if (p && p->GetInterfaceForAddress(Ipv4Address::ConvertFrom(ip)) >= 0) {
                return NodeName(node);
            }
        } else {
            Ptr<Ipv6> p = node->GetObject<Ipv6>();
            if (p && p->GetInterfaceForAddress(Ipv6Address::ConvertFrom(ip)) >= 0) {
                return NodeName(node);
            }
        }
    }
    return "";
}

/* A small services database (the simulated %SystemRoot%\drivers\etc\services). */
struct Service
{
    const char* name;
    uint16_t port;
    bool tcp;
    bool udp;
};
static const Service kServices[] = {
    {"echo", 7, true, true},      {"discard", 9, true, true}, {"daytime", 13, true, true},
    {"ftp", 21, true, false},     {"ssh", 22, true, false},   {"telnet", 23, true, false},
    {"smtp", 25, true, false},    {"domain", 53, true, true}, {"bootps", 67, false, true},
    {"tftp", 69, false, true},    {"http", 80, true, false},  {"pop3", 110, true, false},
    {"ntp", 123, false, true},    {"imap", 143, true, false}, {"snmp", 161, false, true},
    {"https", 443, true, false},
};

static const char*
ServiceNameOf(uint16_t port, bool dgram)
{
    for (auto& s : kServices) {
        if (s.port == port && (dgram ? s.udp : s.tcp)) {
            return s.name;
        }
    }
    return nullptr;
}

/* ---- strings ---- */
static bool
ToAscii(PCUNICODE_STRING u, std::string& out)
{
    out.clear();
    if (u == nullptr || u->Buffer == nullptr) {
        return true;
    }
    for (USHORT i = 0; i < u->Length / sizeof(WCHAR); i++) {
        WCHAR c = u->Buffer[i];
        if (c == 0) {
            break;
        }
        if (c > 0x7E || c < 0x20) {
            return false;
        }
        out.push_back((char)c);
    }
    return true;
}

static bool
WriteUnicode(PUNICODE_STRING u, const std::string& s)
{
    size_t need = (s.size() + 1) * sizeof(WCHAR);
    if (u->Buffer == nullptr || u->MaximumLength < need) {
        return false;
    }
    for (size_t i = 0; i < s.size(); i++) {
        u->Buffer[i] = (WCHAR)(unsigned char)s[i];
    }
    u->Buffer[s.size()] = 0;
    u->Length = (USHORT)(s.size() * sizeof(WCHAR));
    return true;
}

static bool
ParseNumeric(const std::string& text, Address& out)
{
    if (text.empty()) {
        return false;
    }
    IN_ADDR a4;
    PCSTR end = nullptr;
    if (NT_SUCCESS(RtlIpv4StringToAddressA(text.c_str(), TRUE, &end, &a4)) && *end == 0) {
        const UCHAR* b = reinterpret_cast<const UCHAR*>(&a4);
        out = Ipv4Address(((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3]);
        return true;
    }
    IN6_ADDR a6;
    end = nullptr;
    if (NT_SUCCESS(RtlIpv6StringToAddressA(text.c_str(), &end, &a6)) && *end == 0) {
        out = Ipv6Address(reinterpret_cast<uint8_t*>(&a6));
        return true;
    }
    return false;
}

static std::string
NumericText(const Address& ip)
{
    char buf[64] = {0};
    if (Ipv4Address::IsMatchingType(ip)) {
        uint32_t h = Ipv4Address::ConvertFrom(ip).Get();
        IN_ADDR a;
        UCHAR* b = reinterpret_cast<UCHAR*>(&a);
        b[0] = (UCHAR)(h >> 24), b[1] = (UCHAR)(h >> 16), b[2] = (UCHAR)(h >> 8), b[3] = (UCHAR)h;
        RtlIpv4AddressToStringA(&a, buf);
    } else {
        IN6_ADDR a;
        Ipv6Address::ConvertFrom(ip).GetBytes(reinterpret_cast<uint8_t*>(&a));
        RtlIpv6AddressToStringA(&a, buf);
    }
    return buf;
}

/* ---- pending look-ups ---- */
struct Lookup
{
    PIRP irp;
    WskClientObj* client;
    KRT_INSTANCE* inst;
    bool reverse;
    uint16_t port = 0; // from ServiceName (forward) or from SockAddr (reverse)
    // WskGetAddressInfo
    std::string node;
    bool nodeGiven;
    int flags = 0, family = 0, socktype = 0, protocol = 0;
    PADDRINFOEXW* result = nullptr;
    // WskGetNameInfo
    Address ip;
    ULONG niFlags = 0;
    PUNICODE_STRING nodeOut = nullptr;
    PUNICODE_STRING serviceOut = nullptr;
};

/* A node's look-ups in progress, and every ADDRINFOEXW list handed out with the blocks it is made of
 * (freed by WskFreeAddressInfo). */
struct AddrInfoList
{
    KRT_INSTANCE* inst;       /* the driver instance it was handed to */
    std::vector<void*> blocks;
};

struct NameState
{
    std::map<uint64_t, Lookup> pending;
    uint64_t nextLookup = 1;
    std::map<PADDRINFOEXW, AddrInfoList> lists;
    ~NameState()
    {
        for (auto& kv : lists) {
            for (void* b : kv.second.blocks) {
                std::free(b);
            }
        }
    }
};

size_t
ReportNameLeaks(NodeState& node, KRT_INSTANCE* inst)
{
    size_t n = 0;
    if (node.names) {
        for (auto& kv : node.names->lists) {
            if (kv.second.inst == inst) {
                KrtReportFor(inst, 2, "DriverUnload", "the ADDRINFOEXW list %p from WskGetAddressInfo was never "
                             "freed with WskFreeAddressInfo", (void*)kv.first);
                n++;
            }
        }
    }
    return n;
}

void
NameStateDeleter::operator()(NameState* n) const
{
    delete n;
}

static NameState&
Names(KRT_INSTANCE* inst)
{
    NodeState& node = StateOf(inst);
    if (!node.names) {
        node.names.reset(new NameState());
    }
    return *node.names;
}

static std::map<uint64_t, Lookup>&
Pending(KRT_INSTANCE* inst)
{
    return Names(inst).pending;
}

static std::map<PADDRINFOEXW, AddrInfoList>&
Lists(KRT_INSTANCE* inst)
{
    return Names(inst).lists;
}

/* The look-up is over: the client stops counting it (WskDeregister waits for it like for a socket). */
static void
LookupDone(WskClientObj* c)
{
    if (c->magic == kClientMagic) {
        ClientSocketClosed(c);
    }
}

static void
CancelLookup(PDEVICE_OBJECT, PIRP irp)
{
    IoReleaseCancelSpinLock(irp->CancelIrql);
    auto& pending = Pending(static_cast<KRT_INSTANCE*>(irp->Tail.Overlay.DriverContext[1]));
    auto it = pending.find((uint64_t)(ULONG_PTR)irp->Tail.Overlay.DriverContext[0]);
    if (it == pending.end() || it->second.irp != irp) {
        return; /* already being completed */
    }
    WskClientObj* c = it->second.client;
    pending.erase(it);
    KrtIrpClearOwned(irp);
    IrpCompleteNow(irp, STATUS_CANCELLED, 0);
    LookupDone(c);
}

static void CompleteLookup(KRT_INSTANCE* inst, uint64_t id);

static NTSTATUS
PendLookup(WskClientObj* c, PIRP irp, Lookup&& l, bool needsService)
{
    NameState& names = Names(c->inst);
    uint64_t id = names.nextLookup++;
    l.irp = irp;
    l.client = c;
    l.inst = c->inst;
    IoMarkIrpPending(irp);
    irp->Tail.Overlay.DriverContext[0] = (PVOID)(ULONG_PTR)id;
    irp->Tail.Overlay.DriverContext[1] = c->inst;
    KrtIrpMarkOwned(irp, l.reverse ? "WskGetNameInfo" : "WskGetAddressInfo");
    c->sockets++;
    KeClearEvent(&c->idle);
    names.pending.emplace(id, std::move(l));
    IoSetCancelRoutine(irp, &CancelLookup);
    if (irp->Cancel && IoSetCancelRoutine(irp, nullptr) != nullptr) {
        names.pending.erase(id);
        KrtIrpClearOwned(irp);
        IrpCompleteNow(irp, STATUS_CANCELLED, 0);
        LookupDone(c);
        return STATUS_PENDING;
    }
    Time delay = needsService ? NanoSeconds(NameServiceNow().delayNs) : Seconds(0);
    Simulator::ScheduleWithContext(KrtInstanceNodeId(c->inst), delay, &CompleteLookup, c->inst, id);
    return STATUS_PENDING;
}

/* ---- WskGetAddressInfo ---- */
static void
AppendEntry(std::vector<void*>& blocks, PADDRINFOEXW& head, PADDRINFOEXW& tail, const Lookup& l, const Address& ip)
{
    struct Block
    {
        ADDRINFOEXW ai;
        SOCKADDR_STORAGE sa;
    };
    auto* b = static_cast<Block*>(std::calloc(1, sizeof(Block)));
    blocks.push_back(b);
    Address sock = Ipv4Address::IsMatchingType(ip) ? Address(InetSocketAddress(Ipv4Address::ConvertFrom(ip), l.port))
                                                   : Address(Inet6SocketAddress(Ipv6Address::ConvertFrom(ip), l.port));
    AddressToSockaddr(sock, reinterpret_cast<SOCKADDR*>(&b->sa));
    b->ai.ai_family = b->sa.ss_family;
    b->ai.ai_socktype = l.socktype;
    b->ai.ai_protocol = l.protocol;
    b->ai.ai_addrlen = SockaddrLength(b->sa.ss_family);
    b->ai.ai_addr = reinterpret_cast<struct sockaddr*>(&b->sa);
    if (tail) {
        tail->ai_next = &b->ai;
    } else {
        head = &b->ai;
    }
    tail = &b->ai;
}

static NTSTATUS
AnswerAddressInfo(const Lookup& l, PADDRINFOEXW& head)
{
    head = nullptr;
    Ptr<Node> self = NodeOf(l.inst);
    std::vector<Address> found;
    std::string canonical;
    Address numeric;
    if (!l.nodeGiven) {
        /* no host: the wildcard for AI_PASSIVE (to bind), else loopback */
        if (l.flags & AI_PASSIVE) {
            found = {Ipv6Address::GetAny(), Ipv4Address::GetAny()};
        } else {
            found = {Ipv6Address::GetLoopback(), Ipv4Address::GetLoopback()};
        }
    } else if (ParseNumeric(l.node, numeric)) {
        found = {numeric};
        canonical = l.node;
    } else if ((l.flags & AI_NUMERICHOST) || !Resolve(l.node, self, found, canonical)) {
        return STATUS_NOT_FOUND;
    }
    std::vector<Address> v6, v4;
    for (auto& a : found) {
        (Ipv4Address::IsMatchingType(a) ? v4 : v6).push_back(a);
    }
    std::vector<Address> chosen;
    if (l.family == AF_INET) {
        chosen = v4;
    } else if (l.family == AF_INET6) {
        chosen = v6;
        /* AI_V4MAPPED: IPv4 answers as v4-mapped IPv6 when there is no IPv6 one (or always with AI_ALL) */
        if ((l.flags & AI_V4MAPPED) && (chosen.empty() || (l.flags & AI_ALL))) {
            for (auto& a : v4) {
                chosen.push_back(Ipv6Address::MakeIpv4MappedAddress(Ipv4Address::ConvertFrom(a)));
            }
        }
    } else {
        chosen = v6;
        chosen.insert(chosen.end(), v4.begin(), v4.end());
    }
    if (chosen.empty()) {
        return STATUS_NOT_FOUND;
    }
    std::vector<void*> blocks;
    PADDRINFOEXW tail = nullptr;
    for (auto& a : chosen) {
        AppendEntry(blocks, head, tail, l, a);
    }
    if ((l.flags & AI_CANONNAME) && l.nodeGiven) {
        auto* w = static_cast<WCHAR*>(std::calloc(canonical.size() + 1, sizeof(WCHAR)));
        for (size_t i = 0; i < canonical.size(); i++) {
            w[i] = (WCHAR)(unsigned char)canonical[i];
        }
        head->ai_canonname = w;
        blocks.push_back(w);
    }
    Lists(l.inst)[head] = AddrInfoList{l.inst, std::move(blocks)};
    return STATUS_SUCCESS;
}

/* ---- WskGetNameInfo ---- */
static NTSTATUS
AnswerNameInfo(const Lookup& l, std::string& host, std::string& serv)
{
    if (l.nodeOut != nullptr) {
        Address ip = l.ip;
        if (Ipv6Address::IsMatchingType(ip) && Ipv6Address::ConvertFrom(ip).IsIpv4MappedAddress()) {
            ip = Ipv6Address::ConvertFrom(ip).GetIpv4MappedAddress(); /* the name of the IPv4 host */
        }
        if (!(l.niFlags & NI_NUMERICHOST)) {
            host = ReverseName(ip, NodeOf(l.inst));
            if (!host.empty() && (l.niFlags & NI_NOFQDN)) {
                host = host.substr(0, host.find('.'));
            }
        }
        if (host.empty()) {
            if (l.niFlags & NI_NAMEREQD) {
                return STATUS_NOT_FOUND;
            }
            host = NumericText(l.ip);
        }
    }
    if (l.serviceOut != nullptr) {
        const char* name = (l.niFlags & NI_NUMERICSERV) ? nullptr : ServiceNameOf(l.port, l.niFlags & NI_DGRAM);
        serv = name ? name : std::to_string(l.port);
    }
    return STATUS_SUCCESS;
}

static void
CompleteLookup(KRT_INSTANCE* inst, uint64_t id)
{
    auto& pending = Pending(inst);
    auto it = pending.find(id);
    if (it == pending.end()) {
        return; /* cancelled */
    }
    Lookup l = std::move(it->second);
    pending.erase(it);
    NTSTATUS st;
    {
        /* the answer is written into the driver's memory in its own context (it may be a global) */
        DriverContextGuard g(l.inst);
        if (l.reverse) {
            std::string host, serv;
            st = AnswerNameInfo(l, host, serv);
            if (NT_SUCCESS(st) && ((l.nodeOut && !WriteUnicode(l.nodeOut, host)) ||
                                   (l.serviceOut && !WriteUnicode(l.serviceOut, serv)))) {
                st = STATUS_BUFFER_TOO_SMALL;
            }
        } else {
            PADDRINFOEXW head = nullptr;
            st = AnswerAddressInfo(l, head);
            *l.result = head;
        }
    }
    IrpCompleteLater(l.inst, l.irp, st, 0);
    LookupDone(l.client);
}

static bool
ParsePort(const std::string& s, int socktype, bool numericOnly, uint16_t& port)
{
    if (s.empty()) {
        port = 0;
        return true;
    }
    if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (s.size() > 5 || std::stoul(s) > 65535) {
            return false;
        }
        port = (uint16_t)std::stoul(s);
        return true;
    }
    if (numericOnly) {
        return false;
    }
    for (auto& e : kServices) {
        if (SameName(s, e.name) && (socktype == SOCK_DGRAM ? e.udp : socktype == SOCK_STREAM ? e.tcp : true)) {
            port = e.port;
            return true;
        }
    }
    return false;
}

static bool
AcceptIrp(WskClientObj*& c, PWSK_CLIENT Client, PIRP Irp, const char* call, NTSTATUS& ret)
{
    c = ClientFrom(Client, call);
    if (c == nullptr) {
        ret = STATUS_INVALID_HANDLE; /* the IRP untouched, as WskSocket */
        return false;
    }
    if (!IrpAccept(c->inst, Irp, call, nullptr)) {
        ret = STATUS_INVALID_PARAMETER;
        return false;
    }
    if (KeGetCurrentIrql() > PASSIVE_LEVEL) {
        KrtReport(2, call, "name resolution must be called at PASSIVE_LEVEL (IRQL is %u)", KeGetCurrentIrql());
    }
    return true;
}

NTSTATUS WSKAPI
WskGetAddressInfoImpl(PWSK_CLIENT Client, PUNICODE_STRING NodeName, PUNICODE_STRING ServiceName, ULONG NameSpace,
                      GUID* Provider, PADDRINFOEXW Hints, PADDRINFOEXW* Result, PEPROCESS OwningProcess,
                      PETHREAD OwningThread, PIRP Irp)
{
    const char* call = "WskGetAddressInfo";
    (void)Provider; /* there is one namespace provider: the simulated one */
    if (Irp == nullptr) {
        Finding(nullptr, call, STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    WskClientObj* c;
    NTSTATUS ret;
    if (!AcceptIrp(c, Client, Irp, call, ret)) {
        return ret;
    }
    if (Result != nullptr) {
        *Result = nullptr;
    }
    Lookup l{};
    l.reverse = false;
    l.result = Result;
    l.nodeGiven = NodeName != nullptr;
    if (Hints != nullptr) {
        l.flags = Hints->ai_flags;
        l.family = Hints->ai_family;
        l.socktype = Hints->ai_socktype;
        l.protocol = Hints->ai_protocol;
    }
    if (Result == nullptr || (OwningThread != nullptr && OwningProcess == nullptr) ||
        (NodeName == nullptr && ServiceName == nullptr)) {
        Finding(nullptr, call, STATUS_INVALID_PARAMETER, "Result is required, OwningThread needs OwningProcess, and NodeName or ServiceName "
                  "must be given");
        return IrpRefuse(c->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (NameSpace != NS_ALL && NameSpace != NS_DNS && NameSpace != NS_TCPIP_LOCAL && NameSpace != NS_TCPIP_HOSTS) {
        Finding(nullptr, call, STATUS_INVALID_PARAMETER, "NameSpace %u is not NS_ALL, NS_DNS or NS_TCPIP_*", NameSpace);
        return IrpRefuse(c->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if ((l.family != AF_UNSPEC && l.family != AF_INET && l.family != AF_INET6) ||
        (l.socktype != 0 && l.socktype != SOCK_STREAM && l.socktype != SOCK_DGRAM && l.socktype != SOCK_RAW)) {
        Finding(nullptr, call, STATUS_NOT_SUPPORTED, "hints family %d / socket type %d are not supported", l.family,
                l.socktype);
        return IrpRefuse(c->inst, Irp, STATUS_NOT_SUPPORTED);
    }
    if ((l.socktype == SOCK_STREAM && l.protocol != 0 && l.protocol != IPPROTO_TCP) ||
        (l.socktype == SOCK_DGRAM && l.protocol != 0 && l.protocol != IPPROTO_UDP)) {
        Finding(nullptr, call, STATUS_INVALID_PARAMETER, "hints protocol %d does not match socket type %d",
                l.protocol, l.socktype);
        return IrpRefuse(c->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    bool nodeAscii = ToAscii(NodeName, l.node);
    std::string service;
    if (!ToAscii(ServiceName, service) || !ParsePort(service, l.socktype, l.flags & AI_NUMERICSERV, l.port)) {
        return IrpFinish(c->inst, Irp, STATUS_NOT_FOUND, 0); /* unknown service (WSATYPE_NOT_FOUND) */
    }
    if (!nodeAscii) {
        l.node = "\x01"; /* never a known name */
    }
    Address numeric;
    /* numeric hosts, AI_NUMERICHOST, "localhost" and "" are answered locally, without the name service */
    bool asksService = l.nodeGiven && !(l.flags & AI_NUMERICHOST) && !ParseNumeric(l.node, numeric) &&
                       !SameName(l.node, "localhost") && !l.node.empty();
    return PendLookup(c, Irp, std::move(l), asksService);
}

VOID WSKAPI
WskFreeAddressInfoImpl(PWSK_CLIENT Client, PADDRINFOEXW AddrInfo)
{
    (void)Client;
    if (AddrInfo == nullptr) {
        return;
    }
    auto& lists = Lists(KrtCurrentInstance());
    auto it = lists.find(AddrInfo);
    if (it == lists.end()) {
        KrtReport(2, "WskFreeAddressInfo", "%p is not the head of a list returned by WskGetAddressInfo (freed "
                  "twice?)", (void*)AddrInfo);
        return;
    }
    for (void* b : it->second.blocks) {
        std::free(b);
    }
    lists.erase(it);
}

NTSTATUS WSKAPI
WskGetNameInfoImpl(PWSK_CLIENT Client, PSOCKADDR SockAddr, ULONG SockAddrLength, PUNICODE_STRING NodeName,
                   PUNICODE_STRING ServiceName, ULONG Flags, PEPROCESS OwningProcess, PETHREAD OwningThread,
                   PIRP Irp)
{
    const char* call = "WskGetNameInfo";
    if (Irp == nullptr) {
        Finding(nullptr, call, STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    WskClientObj* c;
    NTSTATUS ret;
    if (!AcceptIrp(c, Client, Irp, call, ret)) {
        return ret;
    }
    if (SockAddr == nullptr || (NodeName == nullptr && ServiceName == nullptr) ||
        (OwningThread != nullptr && OwningProcess == nullptr) || SockAddrLength > sizeof(SOCKADDR_STORAGE) ||
        (Flags & ~(ULONG)(NI_NOFQDN | NI_NUMERICHOST | NI_NAMEREQD | NI_NUMERICSERV | NI_DGRAM)) != 0) {
        Finding(nullptr, call, STATUS_INVALID_PARAMETER, "SockAddr and NodeName or ServiceName are required, OwningThread needs OwningProcess, "
                  "SockAddrLength must not exceed SOCKADDR_STORAGE and Flags must be NI_* bits");
        return IrpRefuse(c->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (SockAddr->sa_family != AF_INET && SockAddr->sa_family != AF_INET6) {
        Finding(nullptr, call, STATUS_NOT_SUPPORTED, "address family %u is not supported", SockAddr->sa_family);
        return IrpRefuse(c->inst, Irp, STATUS_NOT_SUPPORTED);
    }
    if (SockAddrLength < SockaddrLength(SockAddr->sa_family)) {
        Finding(nullptr, call, STATUS_INVALID_PARAMETER, "SockAddrLength %u is shorter than the address", SockAddrLength);
        return IrpRefuse(c->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    Lookup l{};
    l.reverse = true;
    Address sock;
    bool wildcard;
    SockaddrToAddress(SockAddr, SockAddr->sa_family, sock, wildcard, l.port);
    l.ip = InetSocketAddress::IsMatchingType(sock) ? Address(InetSocketAddress::ConvertFrom(sock).GetIpv4())
                                                   : Address(Inet6SocketAddress::ConvertFrom(sock).GetIpv6());
    l.niFlags = Flags;
    l.nodeOut = NodeName;
    l.serviceOut = ServiceName;
    bool asksService = NodeName != nullptr && !(Flags & NI_NUMERICHOST);
    return PendLookup(c, Irp, std::move(l), asksService);
}

} // namespace wsk
} // namespace ns3
