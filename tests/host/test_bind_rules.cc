/* Address sharing at bind (wsk-api.md §6.5) with the default security descriptor. */
#include <gtest/gtest.h>

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

using namespace ns3;

TEST(BindRules, SecondBindOntoAHeldPortFollowsTheSharingTable)
{
    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper p2p;
    NetDeviceContainer devs = p2p.Install(nodes);
    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper a;
    a.SetBase("10.1.1.0", "255.255.255.0");
    a.Assign(devs);
    ApplicationContainer apps =
        WskDriverHelper(std::string(WSK_TEST_DRIVER_DIR) + "/drv_bind_rules.so").Install(nodes.Get(1));
    Simulator::Run();
    std::string log;
    for (auto& l : DynamicCast<WskDriverApp>(apps.Get(0))->GetLog())
        log += l + "\n";
    auto has = [&](const std::string& n) { return log.find(n) != std::string::npos; };
    EXPECT_TRUE(has("RESULT first_wildcard=0x00000000")) << log;
    EXPECT_TRUE(has("RESULT none_wildcard=0xc000020a")) << log;      // U: STATUS_ADDRESS_ALREADY_EXISTS
    EXPECT_TRUE(has("RESULT none_specific=0xc0000022")) << log;      // C with the default SD: STATUS_ACCESS_DENIED
    EXPECT_TRUE(has("RESULT reuse_wildcard=0xc0000022")) << log;     // D
    EXPECT_TRUE(has("RESULT exclusive_wildcard=0xc000020a")) << log; // U
    EXPECT_TRUE(has("RESULT after_close=0x00000000")) << log;        // the port is free again
    Simulator::Destroy();
}
