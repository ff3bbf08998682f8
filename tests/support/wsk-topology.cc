#include "wsk-topology.h"

#include "ns3/core-module.h"
#include "ns3/error-model.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-dumbbell.h"
#include "ns3/point-to-point-module.h"

#include <sstream>

using namespace ns3;

namespace wsktest {

NodeContainer
TwoNodes(const std::string& dataRate, const std::string& delay, double lossRate)
{
    Config::SetDefault("ns3::Icmpv6L4Protocol::DAD", BooleanValue(false));

    NodeContainer nodes;
    nodes.Create(2);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(dataRate));
    p2p.SetChannelAttribute("Delay", StringValue(delay));
    NetDeviceContainer devices = p2p.Install(nodes);

    if (lossRate > 0) {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
        em->SetRate(lossRate);
        devices.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(em));
    }

    InternetStackHelper stack;
    stack.Install(nodes);

    Ipv4AddressHelper ipv4;
    ipv4.SetBase("10.1.1.0", "255.255.255.0");
    ipv4.Assign(devices);

    Ipv6AddressHelper ipv6;
    ipv6.SetBase(Ipv6Address("2001:db8::"), Ipv6Prefix(64));
    ipv6.Assign(devices);
    return nodes;
}

DumbbellNodes
Dumbbell(uint32_t nLeft,
         uint32_t nRight,
         const std::string& leafRate,
         const std::string& leafDelay,
         const std::string& bottleneckRate,
         const std::string& bottleneckDelay)
{
    PointToPointHelper leaf;
    leaf.SetDeviceAttribute("DataRate", StringValue(leafRate));
    leaf.SetChannelAttribute("Delay", StringValue(leafDelay));
    PointToPointHelper bottleneck;
    bottleneck.SetDeviceAttribute("DataRate", StringValue(bottleneckRate));
    bottleneck.SetChannelAttribute("Delay", StringValue(bottleneckDelay));

    PointToPointDumbbellHelper d(nLeft, leaf, nRight, leaf, bottleneck);
    InternetStackHelper stack;
    d.InstallStack(stack);
    d.AssignIpv4Addresses(Ipv4AddressHelper("10.1.1.0", "255.255.255.0"),
                          Ipv4AddressHelper("10.2.1.0", "255.255.255.0"),
                          Ipv4AddressHelper("10.3.1.0", "255.255.255.0"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    DumbbellNodes n;
    for (uint32_t i = 0; i < d.LeftCount(); i++) {
        n.left.Add(d.GetLeft(i));
        n.leftAddress.push_back(d.GetLeftIpv4Address(i));
    }
    for (uint32_t i = 0; i < d.RightCount(); i++) {
        n.right.Add(d.GetRight(i));
        n.rightAddress.push_back(d.GetRightIpv4Address(i));
    }
    n.routers.Add(d.GetLeft());
    n.routers.Add(d.GetRight());
    return n;
}

std::string
ToString(const Ipv4Address& a)
{
    std::ostringstream os;
    a.Print(os);
    return os.str();
}

} // namespace wsktest
