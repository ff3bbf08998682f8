/* Two simulations built one after the other in one process, with no reset call between them: each sees
 * only its own name service, latency records, driver applications and provider state (issue: one provider
 * per node and one context per simulation). */
#include "latency-recorder.h"
#include "simulation-context.h"
#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"
#include "wsk-name-service.h"
#include "wsk-provider-object.h"

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <gtest/gtest.h>

using namespace ns3;

namespace {

struct EchoRun
{
    std::string log;
    size_t latencyRecords = 0;
    size_t apps = 0;
    uint32_t errors = 0;
    Time lookupDelay;
    uint32_t nodeIdOfServer = 0;
};

/* The smoke echo pair on two fresh nodes; `before` runs after the topology is built. */
EchoRun
RunEcho(const std::function<void()>& before)
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
    before();
    std::string dir = WSK_TEST_DRIVER_DIR;
    ApplicationContainer srv = WskDriverHelper(dir + "/drv_smoke_server.so").Install(nodes.Get(1));
    ApplicationContainer cli = WskDriverHelper(dir + "/drv_smoke_client.so").Install(nodes.Get(0));
    srv.Start(Seconds(0));
    srv.Stop(Seconds(9));
    cli.Start(Seconds(0.1));
    cli.Stop(Seconds(8));
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    EchoRun r;
    for (auto* app : {DynamicCast<WskDriverApp>(srv.Get(0)).operator->(), DynamicCast<WskDriverApp>(cli.Get(0)).operator->()})
        for (auto& l : app->GetLog())
            r.log += l + "\n";
    r.latencyRecords = wsk::LatencyRecorder::Records().size();
    r.apps = WskDriverApp::All().size();
    r.errors = WskDriverHelper::TotalDriverErrors();
    r.lookupDelay = wsk::NameService::GetLookupDelay();
    r.nodeIdOfServer = nodes.Get(1)->GetId();
    Simulator::Destroy();
    return r;
}

} // namespace

TEST(TwoSimulations, OneAfterTheOtherWithNoResetCall)
{
    unsigned generation = wsk::SimulationContext::Generation();
    EchoRun a = RunEcho([] {
        wsk::LatencyRecorder::Enable(true);
        wsk::NameService::SetLookupDelay(MilliSeconds(300));
        wsk::NameService::AddHost("alpha", Ipv4Address("10.9.9.9"));
    });
    EchoRun b = RunEcho([] { wsk::LatencyRecorder::Enable(true); });
    EXPECT_NE(a.log.find("RESULT client received=204800 verified=yes"), std::string::npos) << a.log;
    EXPECT_NE(b.log.find("RESULT client received=204800 verified=yes"), std::string::npos) << b.log;
    EXPECT_EQ(a.errors + b.errors, 0u) << a.log << b.log;
    // the second simulation started its own context: nothing of the first one is left in it
    EXPECT_GE(wsk::SimulationContext::Generation(), generation + 2);
    EXPECT_EQ(a.lookupDelay, MilliSeconds(300));
    EXPECT_EQ(b.lookupDelay, MilliSeconds(1)) << "the name service of the first simulation leaked into the second";
    EXPECT_EQ(a.apps, 2u);
    EXPECT_EQ(b.apps, 2u) << "the first simulation's driver applications are still listed";
    EXPECT_GT(a.latencyRecords, 0u);
    EXPECT_EQ(b.latencyRecords, a.latencyRecords) << "latency records accumulated across simulations";
    // ns-3 numbers nodes afresh in each simulation; the provider's per-node state went with the nodes
    EXPECT_EQ(a.nodeIdOfServer, b.nodeIdOfServer);
}

// A driver thread still in a timed wait when the simulation ends, its application object kept alive past
// Simulator::Destroy: the instance is torn down inside Destroy, and the object's later destruction touches
// neither freed kernel event records nor starts a new simulation context (ASan checks the first).
TEST(TwoSimulations, AThreadInATimedWaitAtTheEndAndAnApplicationThatOutlivesDestroy)
{
    for (int round = 0; round < 2; round++) {
        NodeContainer nodes;
        nodes.Create(1);
        InternetStackHelper stack;
        stack.Install(nodes);
        ApplicationContainer apps =
            WskDriverHelper(std::string(WSK_TEST_DRIVER_DIR) + "/drv_timed_wait.so").Install(nodes.Get(0));
        apps.Start(Seconds(0));
        Ptr<WskDriverApp> app = DynamicCast<WskDriverApp>(apps.Get(0));
        Simulator::Stop(Seconds(2));
        Simulator::Run();
        EXPECT_EQ(app->GetState(), WskDriverApp::RUNNING);
        unsigned generation = wsk::SimulationContext::Generation();
        Simulator::Destroy();
        EXPECT_EQ(app->GetErrorCount(), 0u); // counts stay readable after the instance is gone
        app = nullptr;
        apps = ApplicationContainer(); // the last references: ~WskDriverApp after Destroy
        nodes = NodeContainer();
        EXPECT_EQ(wsk::SimulationContext::Generation(), generation) << "a destructor started a new context";
    }
}
