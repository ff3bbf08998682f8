/*
 * wsk-name-service.h - the simulated name service behind WskGetAddressInfo and WskGetNameInfo.
 *
 * Every node resolves as "node<N>" (N = its ns-3 id) and under the name it was given with ns3::Names::Add;
 * AddHost adds further names (several calls for one name add addresses). Names compare case-insensitively.
 * A look-up that needs the name service (not a numeric address) completes LookupDelay after it was issued.
 * Usable from scenario code; it does not include any Windows header.
 */
#ifndef WSKNS3_WSK_NAME_SERVICE_H
#define WSKNS3_WSK_NAME_SERVICE_H

#include "ns3/address.h"
#include "ns3/nstime.h"

#include <string>

namespace ns3 {
namespace wsk {

class NameService
{
  public:
    /* `address`: an Ipv4Address, Ipv6Address, InetSocketAddress or Inet6SocketAddress (port ignored). */
    static void AddHost(const std::string& name, const Address& address);
    static void SetLookupDelay(Time delay);   //!< default 1 ms
    static Time GetLookupDelay();
    /* Forgets the names added with AddHost and restores the default delay (between simulations). */
    static void Reset();
};

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_WSK_NAME_SERVICE_H */
