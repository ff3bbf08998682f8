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

    /* Ipv6AddressHelper::Assign would derive the host part from the MAC address (2001:db8::200:ff:fe00:1);
     * the documented addresses are set explicitly instead. */
    Ipv6AddressHelper ipv6;
    ipv6.AssignWithoutAddress(devices);
    const char* v6[2] = {kNode0Ipv6, kNode1Ipv6};
    for (uint32_t i = 0; i < 2; i++) {
        Ptr<Ipv6> ip = nodes.Get(i)->GetObject<Ipv6>();
        int32_t index = ip->GetInterfaceForDevice(devices.Get(i));
        ip->AddAddress(index, Ipv6InterfaceAddress(Ipv6Address(v6[i]), Ipv6Prefix(64)));
        ip->SetUp(index);
    }
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
