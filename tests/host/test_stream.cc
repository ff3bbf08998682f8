/* Stream sockets: commit by WskListen or WskConnect, the other flow refused, echo end to end. */
#include <gtest/gtest.h>

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

using namespace ns3;

TEST(StreamSockets, ListenOrConnectCommitsTheSocket)
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
    std::string drv = std::string(WSK_TEST_DRIVER_DIR) + "/drv_stream.so";
    WskDriverHelper server(drv), client(drv);
    server.SetAttribute("Parameters", StringValue("Role=0"));
    client.SetAttribute("Parameters", StringValue("Role=1"));
    ApplicationContainer s = server.Install(nodes.Get(1));
    ApplicationContainer c = client.Install(nodes.Get(0));
    s.Start(Seconds(0));
    s.Stop(Seconds(8));
    c.Start(Seconds(1));
    c.Stop(Seconds(7));
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    std::string log;
    for (auto app : {DynamicCast<WskDriverApp>(s.Get(0)), DynamicCast<WskDriverApp>(c.Get(0))})
        for (auto& l : app->GetLog())
            log += l + "\n";
    auto has = [&](const std::string& n) { return log.find(n) != std::string::npos; };
    EXPECT_TRUE(has("node 1 drv_stream: stream: WskListen before bind 0xc0000184")) << log;
    EXPECT_TRUE(has("node 1 drv_stream: stream: WskListen 0x00000000")) << log;
    EXPECT_TRUE(has("stream: WskSend on listener 0xc0000184")) << log;
    EXPECT_TRUE(has("stream: WskAccept 0x00000000 same-table=0")) << log; // a connection-oriented socket
    EXPECT_TRUE(has("node 0 drv_stream: stream: WskConnect 0x00000000")) << log;
    EXPECT_TRUE(has("stream: WskListen after connect 0xc0000184")) << log;
    EXPECT_TRUE(has("stream: WskReceive 0x00000000 13 bytes 'hello stream'")) << log;
    EXPECT_TRUE(has("stream: IRP reused while pending 0xc000000d")) << log;
    EXPECT_TRUE(has("is still pending in WskReceive")) << log;
    EXPECT_TRUE(has("node 1 drv_stream: stream: final WskReceive 0x00000000 0 bytes")) << log;
    Simulator::Destroy();
}
