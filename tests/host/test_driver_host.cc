/* The per-node driver host: loading, DriverEntry/DriverUnload on simulated threads, per-node globals,
 * failures with clear errors, and C-runtime isolation. */
#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include "ns3/core-module.h"
#include "ns3/network-module.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

using namespace ns3;

namespace {

std::string
Driver(const char* name)
{
    return std::string(WSK_TEST_DRIVER_DIR) + "/" + name + ".so";
}

bool
LogHas(Ptr<WskDriverApp> app, const std::string& needle)
{
    for (auto& l : app->GetLog())
        if (l.find(needle) != std::string::npos)
            return true;
    return false;
}

std::string
LogText(Ptr<WskDriverApp> app)
{
    std::string s;
    for (auto& l : app->GetLog())
        s += l + "\n";
    return s;
}

struct SimGuard
{
    ~SimGuard() { Simulator::Destroy(); }
};

} // namespace

TEST(DriverHost, DriverEntryBlockedOnTimerReturnsAtExactlyFiveSeconds)
{
    SimGuard g;
    NodeContainer nodes;
    nodes.Create(1);
    ApplicationContainer apps = WskDriverHelper(Driver("drv_block_timer")).Install(nodes);
    apps.Start(Seconds(0));
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    auto app = DynamicCast<WskDriverApp>(apps.Get(0));
    EXPECT_EQ(app->GetState(), WskDriverApp::RUNNING) << LogText(app);
    EXPECT_EQ(app->GetDriverEntryStatus(), 0);
    EXPECT_EQ(app->GetDriverEntryReturnTime(), Seconds(5)) << app->GetDriverEntryReturnTime();
    EXPECT_TRUE(LogHas(app, "timer fired at interrupt time 50000000")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "registry \\Registry\\Machine\\System\\CurrentControlSet\\Services\\drv_block_timer"))
        << LogText(app);
    EXPECT_EQ(app->GetErrorCount(), 0u) << LogText(app);
}

TEST(DriverHost, ThousandNodesKeepIndependentGlobalsAndTimestamps)
{
    SimGuard g;
    const uint32_t n = 1000;
    NodeContainer nodes;
    nodes.Create(n);
    WskDriverHelper helper(Driver("drv_counter_thread"));
    helper.SetAttribute("StackSize", UintegerValue(64 * 1024));
    ApplicationContainer apps;
    for (uint32_t i = 0; i < n; i++) {
        ApplicationContainer a = helper.Install(nodes.Get(i));
        a.Start(MilliSeconds(i));            // staggered loads
        a.Stop(MilliSeconds(i) + Seconds(5) + MilliSeconds(500)); // 5 ticks each
        apps.Add(a);
    }
    Simulator::Stop(Seconds(20));
    Simulator::Run();
    uint32_t good = 0;
    for (uint32_t i = 0; i < n; i++) {
        auto app = DynamicCast<WskDriverApp>(apps.Get(i));
        ASSERT_EQ(app->GetState(), WskDriverApp::UNLOADED) << i << "\n" << LogText(app);
        ASSERT_TRUE(LogHas(app, "unloaded with ticks=5")) << "node " << i << "\n" << LogText(app);
        // tick k fires k seconds after this node's own load time (interrupt time in 100 ns units)
        for (uint32_t k = 1; k <= 5; k++) {
            uint64_t t100 = (uint64_t)i * 10000 + (uint64_t)k * 10000000;
            std::string want = "tick " + std::to_string(k) + " at " + std::to_string(t100);
            ASSERT_TRUE(LogHas(app, want)) << "node " << i << " lacks '" << want << "'\n" << LogText(app);
        }
        ASSERT_EQ(app->GetErrorCount(), 0u) << LogText(app);
        good++;
    }
    EXPECT_EQ(good, n);
}

TEST(DriverHost, FailingDriverEntryIsReportedWithNodeFileAndStatus)
{
    SimGuard g;
    NodeContainer nodes;
    nodes.Create(3);
    ApplicationContainer apps = WskDriverHelper(Driver("drv_fail_entry")).Install(nodes.Get(2));
    apps.Start(Seconds(1));
    apps.Stop(Seconds(2));
    Simulator::Run();
    auto app = DynamicCast<WskDriverApp>(apps.Get(0));
    EXPECT_EQ(app->GetState(), WskDriverApp::LOAD_FAILED);
    EXPECT_NE(app->GetLoadError().find("node 2"), std::string::npos) << app->GetLoadError();
    EXPECT_NE(app->GetLoadError().find("drv_fail_entry.so"), std::string::npos) << app->GetLoadError();
    EXPECT_NE(app->GetLoadError().find("0xC000009A"), std::string::npos) << app->GetLoadError();
    EXPECT_FALSE(LogHas(app, "Unload must not run"));
    EXPECT_GE(WskDriverHelper::TotalDriverErrors(), 1u);
    EXPECT_NE(WskDriverHelper::ErrorSummary().find("drv_fail_entry"), std::string::npos);
}

TEST(DriverHost, MissingDriverEntryAndMissingFileAreClearErrors)
{
    SimGuard g;
    NodeContainer nodes;
    nodes.Create(2);
    ApplicationContainer a = WskDriverHelper(Driver("drv_no_entry")).Install(nodes.Get(0));
    ApplicationContainer b = WskDriverHelper(Driver("does_not_exist")).Install(nodes.Get(1));
    Simulator::Run();
    auto appA = DynamicCast<WskDriverApp>(a.Get(0));
    auto appB = DynamicCast<WskDriverApp>(b.Get(0));
    EXPECT_EQ(appA->GetState(), WskDriverApp::LOAD_FAILED);
    EXPECT_NE(appA->GetLoadError().find("no DriverEntry"), std::string::npos) << appA->GetLoadError();
    EXPECT_NE(appA->GetLoadError().find("node 0"), std::string::npos) << appA->GetLoadError();
    EXPECT_EQ(appB->GetState(), WskDriverApp::LOAD_FAILED);
    EXPECT_NE(appB->GetLoadError().find("does_not_exist.so"), std::string::npos) << appB->GetLoadError();
    EXPECT_NE(appB->GetLoadError().find("No such file"), std::string::npos) << appB->GetLoadError();
    EXPECT_NE(appB->GetLoadError().find("node 1"), std::string::npos) << appB->GetLoadError();
}

TEST(DriverHost, DriverSymbolsAreIsolatedAndCrtHasWindowsSemantics)
{
    SimGuard g;
    NodeContainer nodes;
    nodes.Create(1);
    ApplicationContainer apps = WskDriverHelper(Driver("drv_crt_isolation")).Install(nodes);
    Simulator::Run();
    auto app = DynamicCast<WskDriverApp>(apps.Get(0));
    ASSERT_EQ(app->GetState(), WskDriverApp::RUNNING) << LogText(app);
    EXPECT_TRUE(LogHas(app, "connect=1003 send=2012 htons=0x3412")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "wcslen=4")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "wide=xyz counted=xyz len=6")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "sprintf=-5|4294967295|1122334455667788|42")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "tag=sksw")) << LogText(app);
    // libc's own connect/send are untouched in this process
    EXPECT_EQ(dlsym(RTLD_DEFAULT, "connect") != nullptr, true);
    EXPECT_NE(reinterpret_cast<void*>(dlsym(RTLD_DEFAULT, "htons")), nullptr);
}

TEST(DriverHostDeathTest, AccessViolationInADriverNamesDriverAndNode)
{
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "under AddressSanitizer the sanitizer reports the fault itself";
#else
    EXPECT_EXIT(
        {
            NodeContainer nodes;
            nodes.Create(3);
            ApplicationContainer apps = WskDriverHelper(Driver("drv_fault")).Install(nodes.Get(2));
            apps.Start(Seconds(1.5));
            Simulator::Run();
        },
        ::testing::ExitedWithCode(71), "access violation at address .* in driver drv_fault on node 2 \\(DriverEntry");
#endif
}

TEST(DriverHost, MsvcIdiomsCompileAndBehave)
{
    SimGuard g;
    NodeContainer nodes;
    nodes.Create(1);
    ApplicationContainer apps = WskDriverHelper(Driver("drv_msvc_idioms")).Install(nodes.Get(0));
    apps.Start(Seconds(1));
    apps.Stop(Seconds(2));
    Simulator::Run();
    auto app = DynamicCast<WskDriverApp>(apps.Get(0));
    EXPECT_EQ(app->GetState(), WskDriverApp::UNLOADED) << LogText(app);
    EXPECT_TRUE(LogHas(app, "idioms: no arguments")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "idioms: 1 argument")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "idioms: ex no arguments")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "idioms: through a pointer ok")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "idioms: locked=1")) << LogText(app);
    EXPECT_FALSE(LogHas(app, "probe raised")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "idioms: products 42949672950000 -2500000")) << LogText(app);
    EXPECT_TRUE(LogHas(app, "idioms: wait=0x00000102 waited=2500000")) << LogText(app); // STATUS_TIMEOUT after 250 ms
}
