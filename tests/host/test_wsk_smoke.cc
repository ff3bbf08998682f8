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
