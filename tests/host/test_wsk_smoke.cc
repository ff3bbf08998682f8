/* End-to-end smoke test of the WSK provider: echo server with static callbacks, client with IRPs. */
#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <gtest/gtest.h>

using namespace ns3;

static std::string
Drv(const char* n)
{
    return std::string(WSK_TEST_DRIVER_DIR) + "/" + n + ".so";
}

static std::string
Log(Ptr<WskDriverApp> a)
{
    std::string s;
    for (auto& l : a->GetLog())
        s += l + "\n";
    return s;
}

TEST(WskSmoke, EchoTwoNodes)
{
    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer devs = p2p.Install(nodes);
    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper addr;
    addr.SetBase("10.1.1.0", "255.255.255.0");
    addr.Assign(devs);
    ApplicationContainer srv = WskDriverHelper(Drv("drv_smoke_server")).Install(nodes.Get(1));
    ApplicationContainer cli = WskDriverHelper(Drv("drv_smoke_client")).Install(nodes.Get(0));
    srv.Start(Seconds(0));
    srv.Stop(Seconds(9));
    cli.Start(Seconds(0.1));
    cli.Stop(Seconds(8));
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    auto s = DynamicCast<WskDriverApp>(srv.Get(0));
    auto c = DynamicCast<WskDriverApp>(cli.Get(0));
    std::string all = Log(s) + Log(c);
    EXPECT_NE(all.find("RESULT client received=204800 verified=yes"), std::string::npos) << all;
    EXPECT_NE(all.find("RESULT server connections=1 bytes=204800"), std::string::npos) << all;
    EXPECT_EQ(s->GetErrorCount(), 0u) << all;
    EXPECT_EQ(c->GetErrorCount(), 0u) << all;
    Simulator::Destroy();
}

/* Two nodes run the same client at once; its receive buffer is a global, so the provider must write each
 * node's received bytes into that node's copy of the driver's globals. */
TEST(WskSmoke, SameDriverOnTwoNodesKeepsReceivedBytesInEachNodesGlobals)
{
    NodeContainer nodes;
    nodes.Create(3); // 0 server, 1 and 2 clients
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer d1 = p2p.Install(nodes.Get(1), nodes.Get(0));
    NetDeviceContainer d2 = p2p.Install(nodes.Get(2), nodes.Get(0));
    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper addr;
    addr.SetBase("10.1.1.0", "255.255.255.0"); // the server is 10.1.1.2
    addr.Assign(d1);
    addr.SetBase("10.1.2.0", "255.255.255.0");
    addr.Assign(d2);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    ApplicationContainer srv = WskDriverHelper(Drv("drv_smoke_server")).Install(nodes.Get(0));
    ApplicationContainer cli = WskDriverHelper(Drv("drv_smoke_client")).Install(NodeContainer(nodes.Get(1), nodes.Get(2)));
    srv.Start(Seconds(0));
    srv.Stop(Seconds(9));
    cli.Start(Seconds(0.1));
    cli.Stop(Seconds(8));
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    for (uint32_t i = 0; i < 2; i++) {
        auto c = DynamicCast<WskDriverApp>(cli.Get(i));
        std::string l = Log(c);
        EXPECT_NE(l.find("RESULT client received=204800 verified=yes"), std::string::npos) << l;
    }
    std::string s = Log(DynamicCast<WskDriverApp>(srv.Get(0)));
    EXPECT_NE(s.find("RESULT server connections=2 bytes=409600"), std::string::npos) << s;
    Simulator::Destroy();
}
