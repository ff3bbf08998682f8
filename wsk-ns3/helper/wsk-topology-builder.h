/*
 * wsk-topology-builder.h - ready-made ns-3 topologies for scenarios (two_nodes, dumbbell, star, tree,
 * fat_tree, grid, and files read with ns-3's TopologyReaderHelper), built from point-to-point links with
 * one /30 (two_nodes: 10.1.1.0/24) per link, and routing that scales: Nix-vector routing (a BFS per
 * destination on first use, cached) by default, never GlobalRouting above kMaxGlobalRoutingNodes.
 *
 * Every topology names its nodes by role ("left", "right", "hub", "spokes", "hosts", ...) so that scenario
 * groups can select them: "role", "role[i]", "role[a:b]" (Python-style slice, b exclusive, negatives
 * count from the end), and "all".
 */
#ifndef WSKNS3_WSK_TOPOLOGY_BUILDER_H
#define WSKNS3_WSK_TOPOLOGY_BUILDER_H

#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3 {
namespace wsk {

struct LinkSpec
{
    std::string rate = "100Mbps";
    std::string delay = "1ms";
    std::string queue; //!< e.g. "100p"; empty: ns-3 default
};

struct TopologySpec
{
    std::string type = "two_nodes"; //!< two_nodes, dumbbell, star, tree, fat_tree, grid, file
    uint32_t left = 1, right = 1;   //!< dumbbell leaves per side
    uint32_t spokes = 2;            //!< star
    uint32_t depth = 2, fanout = 2; //!< tree (depth = levels below the root)
    uint32_t k = 4;                 //!< fat_tree (even)
    uint32_t rows = 2, cols = 2;    //!< grid
    std::string file, format = "Inet"; //!< file: path and Inet | Orbis | Rocketfuel
    LinkSpec link;                  //!< every link, unless one below applies
    LinkSpec bottleneck;            //!< dumbbell: the router-router link
    LinkSpec core;                  //!< fat_tree: aggregation-core links; tree: links below the root
    bool hasBottleneck = false, hasCore = false;
    std::string routing = "nix";    //!< nix | global
    bool ipv6 = false;              //!< also install IPv6 (2001:db8::/64 on two_nodes only)
};

static constexpr uint32_t kMaxGlobalRoutingNodes = 500;

struct BuiltTopology
{
    NodeContainer nodes;                              //!< every node, in creation order
    std::map<std::string, std::vector<uint32_t>> roles; //!< role -> indices into nodes
    std::vector<Ipv4Address> address;                 //!< per node index: its first interface's IPv4
    NetDeviceContainer devices;                       //!< every p2p device
    std::vector<std::vector<uint32_t>> devicesOfNode; //!< per node index: indices into devices
    uint32_t links = 0;
};

/* The node count a spec yields, without building it (for limits and messages); 0 for files. */
uint64_t TopologyNodeCount(const TopologySpec& spec);
/* Builds the topology into the current simulation. On error (bad file, too large for global routing)
 * returns false and sets *why. */
bool BuildTopology(const TopologySpec& spec, BuiltTopology* out, std::string* why);
/* The roles a topology type offers, for messages ("left, right, routers, ..."). */
std::vector<std::string> TopologyRoles(const std::string& type);
/* Known topology types. */
const std::vector<std::string>& TopologyTypes();

/* Resolves a selector ("spokes[0:10]") against built roles into node indices. On error sets *why
 * (an unknown role lists the known ones). */
bool SelectNodes(const BuiltTopology& t, const std::string& selector, std::vector<uint32_t>* out, std::string* why);

std::string AddressString(const Ipv4Address& a);

} // namespace wsk
} // namespace ns3

#endif
