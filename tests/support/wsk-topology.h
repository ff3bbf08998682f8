/* wsk-topology.h - ns-3 topologies for the provider tests and the examples. */
#ifndef WSKNS3_TEST_WSK_TOPOLOGY_H
#define WSKNS3_TEST_WSK_TOPOLOGY_H

#include "ns3/ipv4-address.h"
#include "ns3/ipv6-address.h"
#include "ns3/node-container.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wsktest {

/* Two nodes on one point-to-point link with the Internet stack (IPv4 and IPv6):
 *   node 0: 10.1.1.1 and 2001:db8::1, node 1: 10.1.1.2 and 2001:db8::2.
 * Duplicate address detection is switched off (Icmpv6L4Protocol::DAD = false) so the IPv6 addresses are
 * usable at t = 0. With lossRate > 0 a RateErrorModel (per packet) drops that fraction of the packets
 * node 1's device receives, i.e. of the node 0 -> node 1 direction. */
ns3::NodeContainer TwoNodes(const std::string& dataRate, const std::string& delay, double lossRate = 0);

/* The addresses TwoNodes assigns. */
constexpr const char* kNode0Ipv4 = "10.1.1.1";
constexpr const char* kNode1Ipv4 = "10.1.1.2";
constexpr const char* kNode0Ipv6 = "2001:db8::1";
constexpr const char* kNode1Ipv6 = "2001:db8::2";

/* A dumbbell (PointToPointDumbbellHelper): nLeft leaves on the left router, nRight on the right one, the
 * routers joined by the bottleneck link. IPv4 only (left 10.1.x.0/24, right 10.2.x.0/24, routers 10.3.1.0/24),
 * global routing populated. A "100-node dumbbell" is Dumbbell(50, 50) (plus the two routers). */
struct DumbbellNodes
{
    ns3::NodeContainer left;            //!< left leaves
    ns3::NodeContainer right;           //!< right leaves
    ns3::NodeContainer routers;         //!< left router, right router
    std::vector<ns3::Ipv4Address> leftAddress;
    std::vector<ns3::Ipv4Address> rightAddress;
};

DumbbellNodes Dumbbell(uint32_t nLeft,
                       uint32_t nRight,
                       const std::string& leafRate = "100Mbps",
                       const std::string& leafDelay = "1ms",
                       const std::string& bottleneckRate = "1Gbps",
                       const std::string& bottleneckDelay = "5ms");

/* Text form of an address, for driver Parameters ("Server=10.2.1.1"). */
std::string ToString(const ns3::Ipv4Address& a);

} // namespace wsktest

#endif
