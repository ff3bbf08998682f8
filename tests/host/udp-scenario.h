/* udp-scenario.h - a star of point-to-point links for the datagram and name-resolution tests, with test
 * drivers placed on its nodes, run to completion and their logs collected.
 *   node 0 is the hub; spoke i (1..n) is joined to it by link i:
 *   hub 10.1.i.1 / 2001:db8:i::1, spoke 10.1.i.2 / 2001:db8:i::2 (DAD off: usable at t = 0). */
#ifndef WSKNS3_TEST_UDP_SCENARIO_H
#define WSKNS3_TEST_UDP_SCENARIO_H

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include <string>
#include <vector>

namespace udptest {

struct Placement
{
    uint32_t node;
    std::string driver; // file name without ".so"
    std::string params;
    double start;
};

struct UdpRun
{
    std::vector<ns3::Ptr<ns3::WskDriverApp>> apps; // in the order placed
    std::string Log(size_t i) const
    {
        std::string s;
        for (auto& l : apps[i]->GetLog())
            s += l + "\n";
        return s;
    }
    std::string Log() const
    {
        std::string s;
        for (size_t i = 0; i < apps.size(); i++)
            s += Log(i);
        return s;
    }
    bool Has(const std::string& n) const { return Log().find(n) != std::string::npos; }
    size_t Count(const std::string& n) const
    {
        std::string s = Log();
        size_t k = 0;
        for (size_t pos = s.find(n); pos != std::string::npos; pos = s.find(n, pos + 1))
            k++;
        return k;
    }
    uint32_t Errors(size_t i) const { return apps[i]->GetErrorCount(); }
    uint32_t Findings(size_t i) const { return apps[i]->GetFindingCount(); }
};

inline ns3::NodeContainer
Star(uint32_t spokes)
{
    using namespace ns3;
    Config::SetDefault("ns3::Icmpv6L4Protocol::DAD", BooleanValue(false));
    NodeContainer nodes;
    nodes.Create(1 + spokes);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    std::vector<NetDeviceContainer> links;
    for (uint32_t i = 1; i <= spokes; i++) {
        links.push_back(p2p.Install(nodes.Get(0), nodes.Get(i)));
    }
    InternetStackHelper stack;
    stack.Install(nodes);
    for (uint32_t i = 1; i <= spokes; i++) {
        NetDeviceContainer devs = links[i - 1];
        Ipv4AddressHelper v4;
        v4.SetBase(("10.1." + std::to_string(i) + ".0").c_str(), "255.255.255.0");
        v4.Assign(devs);
        /* explicit ::1 / ::2 (Ipv6AddressHelper::Assign would derive them from the MAC addresses) */
        for (uint32_t k = 0; k < 2; k++) {
            Ptr<Ipv6> ip6 = devs.Get(k)->GetNode()->GetObject<Ipv6>();
            int32_t ifc = ip6->GetInterfaceForDevice(devs.Get(k));
            if (ifc < 0)
                ifc = ip6->AddInterface(devs.Get(k));
            std::string a = "2001:db8:" + std::to_string(i) + "::" + std::to_string(k + 1);
            ip6->AddAddress(ifc, Ipv6InterfaceAddress(Ipv6Address(a.c_str()), Ipv6Prefix(64)));
            ip6->SetMetric(ifc, 1);
            ip6->SetUp(ifc);
        }
    }
    return nodes;
}

inline UdpRun
Place(ns3::NodeContainer nodes, const std::vector<Placement>& what, double stop)
{
    using namespace ns3;
    UdpRun r;
    for (auto& p : what) {
        WskDriverHelper h(std::string(WSK_TEST_DRIVER_DIR) + "/" + p.driver + ".so");
        h.SetAttribute("Parameters", StringValue(p.params));
        ApplicationContainer a = h.Install(nodes.Get(p.node));
        a.Start(Seconds(p.start));
        a.Stop(Seconds(stop - 1));
        r.apps.push_back(DynamicCast<WskDriverApp>(a.Get(0)));
    }
    Simulator::Stop(Seconds(stop));
    Simulator::Run();
    return r;
}

struct Guard
{
    ~Guard() { ns3::Simulator::Destroy(); }
};

} // namespace udptest

#endif
