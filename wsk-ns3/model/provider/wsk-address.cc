/* wsk-address.cc - Windows SOCKADDR_IN/SOCKADDR_IN6 (network byte order, AF_INET6 = 23) <-> ns-3 addresses. */
#include "wsk-provider.h"

#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"

namespace ns3 {
namespace wsk {

static uint16_t
NetToHost16(USHORT v)
{
    return (uint16_t)(((v & 0xFF) << 8) | (v >> 8));
}

size_t
SockaddrLength(ADDRESS_FAMILY family)
{
    return family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
}

bool
SockaddrToAddress(const SOCKADDR* sa, ADDRESS_FAMILY family, Address& out, bool& wildcard, uint16_t& port)
{
    if (sa == nullptr || sa->sa_family != family) {
        return false;
    }
    if (family == AF_INET) {
        auto* in = reinterpret_cast<const SOCKADDR_IN*>(sa);
        const UCHAR* b = reinterpret_cast<const UCHAR*>(&in->sin_addr);
        uint32_t host = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
        port = NetToHost16(in->sin_port);
        wildcard = host == 0;
        out = InetSocketAddress(Ipv4Address(host), port);
        return true;
    }
    if (family == AF_INET6) {
        auto* in6 = reinterpret_cast<const SOCKADDR_IN6*>(sa);
        uint8_t bytes[16];
        std::memcpy(bytes, &in6->sin6_addr, 16);
        port = NetToHost16(in6->sin6_port);
        wildcard = true;
        for (uint8_t v : bytes) {
            wildcard = wildcard && v == 0;
        }
        out = Inet6SocketAddress(Ipv6Address(bytes), port);
        return true;
    }
    return false;
}

void
AddressToSockaddr(const Address& a, SOCKADDR* out)
{
    if (InetSocketAddress::IsMatchingType(a)) {
        InetSocketAddress isa = InetSocketAddress::ConvertFrom(a);
        auto* in = reinterpret_cast<SOCKADDR_IN*>(out);
        std::memset(in, 0, sizeof *in);
        in->sin_family = AF_INET;
        in->sin_port = (USHORT)NetToHost16(isa.GetPort());
        uint32_t host = isa.GetIpv4().Get();
        UCHAR* b = reinterpret_cast<UCHAR*>(&in->sin_addr);
        b[0] = (UCHAR)(host >> 24);
        b[1] = (UCHAR)(host >> 16);
        b[2] = (UCHAR)(host >> 8);
        b[3] = (UCHAR)host;
    } else if (Inet6SocketAddress::IsMatchingType(a)) {
        Inet6SocketAddress isa = Inet6SocketAddress::ConvertFrom(a);
        auto* in6 = reinterpret_cast<SOCKADDR_IN6*>(out);
        std::memset(in6, 0, sizeof *in6);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = (USHORT)NetToHost16(isa.GetPort());
        uint8_t bytes[16];
        isa.GetIpv6().GetBytes(bytes);
        std::memcpy(&in6->sin6_addr, bytes, 16);
    } else {
        std::memset(out, 0, sizeof(SOCKADDR));
    }
}

void
AddressToSockaddr(const Address& a, SOCKADDR* out, ADDRESS_FAMILY socketFamily)
{
    /* an IPv4 peer of a dual-stack AF_INET6 socket is shown as a v4-mapped IPv6 address, as Windows does */
    if (socketFamily == AF_INET6 && InetSocketAddress::IsMatchingType(a)) {
        InetSocketAddress isa = InetSocketAddress::ConvertFrom(a);
        AddressToSockaddr(Inet6SocketAddress(Ipv6Address::MakeIpv4MappedAddress(isa.GetIpv4()), isa.GetPort()), out);
        return;
    }
    AddressToSockaddr(a, out);
}

bool
MappedToIpv4(const Address& a, Address& v4)
{
    if (!Inet6SocketAddress::IsMatchingType(a)) {
        return false;
    }
    Inet6SocketAddress isa = Inet6SocketAddress::ConvertFrom(a);
    if (!isa.GetIpv6().IsIpv4MappedAddress()) {
        return false;
    }
    v4 = InetSocketAddress(isa.GetIpv6().GetIpv4MappedAddress(), isa.GetPort());
    return true;
}

} // namespace wsk
} // namespace ns3
