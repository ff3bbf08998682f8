/* WskSocket argument validation, the IRP contract, state rules that need no data (unbound sockets,
 * refused connects, a listener closed with a WskAccept pending) and the static-callback ordering rule,
 * each observed by drv_wsk_api (parameter Case) on node 0 of a two-node link. */
#include "provider-test.h"

using namespace wsktest;

namespace {

DriverRun
RunApi(const std::string& parameters, double stop = 10.0)
{
    ns3::NodeContainer nodes = TwoNodes("100Mbps", "2ms");
    return RunDrivers(nodes, {{"drv_wsk_api", 0, parameters, 1.0, stop}}, stop + 1).at(0);
}

/* The IRP contract of wsk-api.md §8.1.4, checked here from the raw IRPCHECK fields. */
void
ExpectIrpContract(const DriverRun& r, size_t atLeast)
{
    EXPECT_GE(r.irpChecks.size(), atLeast) << r.Text();
    for (auto& c : r.irpChecks) {
        const std::string& call = c.at("call");
        if (c.at("returned") == Hex(kPending)) {
            EXPECT_EQ(c.at("pending_returned"), "1") << call << ": STATUS_PENDING, then completed without "
                                                     << "PendingReturned\n" << r.Text();
        } else {
            EXPECT_EQ(c.at("completed_in_call"), "1")
                << call << " returned " << c.at("returned") << " without having completed its IRP\n" << r.Text();
            EXPECT_EQ(c.at("pending_returned"), "0") << call << "\n" << r.Text();
            EXPECT_EQ(c.at("status"), c.at("returned"))
                << call << ": the IRP completed with another status than the one returned\n" << r.Text();
        }
    }
}

} // namespace

TEST(WskSocketRules, NullIrpNullClientAndNewSocketInInformation)
{
    DriverRun r = RunApi("Case=socket");
    ASSERT_EQ(r.Get("done"), "1") << r.Text();
    // the two deliberate misuses get the documented statuses and a diagnostic each (issue 3, item 9)
    ExpectClean(r, {"WskSocket", "WskSocket"});
    // NULL Irp: returned directly ([OBS] §2.2, §8.1.4); nothing was completed
    EXPECT_EQ(r.Get("socket_null_irp"), Hex(kInvalidParameter)) << r.Text();
    // NULL Client with an IRP ([OBS] §2.2): returned, and the IRP left alone (never completed)
    EXPECT_EQ(r.Get("socket_null_client"), Hex(kInvalidHandle)) << r.Text();
    EXPECT_EQ(r.Get("socket_null_client_completed"), "0") << r.Text();
    for (const char* kind : {"connection4", "connection6", "listen4", "listen6", "basic4"}) {
        std::string k = kind;
        EXPECT_EQ(r.Get("socket_" + k), Hex(kSuccess)) << k << "\n" << r.Text();
        // Irp->IoStatus.Information = the new PWSK_SOCKET, whose Dispatch points to the category's table
        EXPECT_EQ(r.Get("socket_" + k + "_information_set"), "1") << k << "\n" << r.Text();
        EXPECT_EQ(r.Get("socket_" + k + "_dispatch_set"), "1") << k << "\n" << r.Text();
        EXPECT_EQ(r.Get("close_" + k), Hex(kSuccess)) << k << "\n" << r.Text();
        EXPECT_EQ(r.Get("close_" + k + "_information"), "0") << k << "\n" << r.Text(); // §8.1.7
    }
}

TEST(WskSocketRules, EveryCallKeepsTheIrpContract)
{
    // socket creation, failures detected synchronously, bind, addresses, close: each IRP-taking call
    // either returned STATUS_PENDING and completed with PendingReturned TRUE, or had already completed
    // with PendingReturned FALSE and the status it returned
    DriverRun a = RunApi("Case=socket");
    ExpectIrpContract(a, 10);
    DriverRun b = RunApi("Case=unbound;Server=10.1.1.2;Port=5000");
    ExpectIrpContract(b, 7);
}

TEST(WskSocketRules, UnboundSocketStates)
{
    DriverRun r = RunApi("Case=unbound;Server=10.1.1.2;Port=5000");
    ASSERT_EQ(r.Get("done"), "1") << r.Text();
    // each call on a socket in the wrong state is a finding beside its status
    ExpectClean(r, {"WskGetLocalAddress", "WskGetRemoteAddress", "WskConnect"});
    EXPECT_EQ(r.Get("socket"), Hex(kSuccess)) << r.Text();
    // WskGetLocalAddress on an unbound socket: the IRP completes with STATUS_INVALID_DEVICE_STATE
    EXPECT_EQ(r.Get("getlocal_unbound"), Hex(kInvalidDeviceState)) << r.Text();
    EXPECT_TRUE(r.Get("getlocal_unbound_returned") == Hex(kPending) ||
                r.Get("getlocal_unbound_returned") == Hex(kInvalidDeviceState))
        << r.Text();
    // WskConnect on an unbound socket: returned *and* completed with STATUS_INVALID_DEVICE_STATE ([OBS])
    EXPECT_EQ(r.Get("connect_unbound_returned"), Hex(kInvalidDeviceState)) << r.Text();
    EXPECT_EQ(r.Get("connect_unbound_completed_in_call"), "1") << r.Text();
    EXPECT_EQ(r.Get("connect_unbound"), Hex(kInvalidDeviceState)) << r.Text();
    // WskGetRemoteAddress on an unconnected socket
    EXPECT_EQ(r.Get("getremote_unconnected"), Hex(kInvalidDeviceState)) << r.Text();
    // still usable: bind (Information 0), then the local address is known
    EXPECT_EQ(r.Get("bind"), Hex(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("bind_information"), "0") << r.Text();
    EXPECT_EQ(r.Get("getlocal_bound"), Hex(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("getlocal_bound_family"), "2") << r.Text(); // AF_INET
    EXPECT_EQ(r.Get("close"), Hex(kSuccess)) << r.Text();
}

TEST(WskSocketRules, ConnectToAClosedPortIsRefusedIpv4)
{
    DriverRun r = RunApi("Case=refused;Server=10.1.1.2;Port=5999", 80);
    ASSERT_EQ(r.Get("done"), "1") << r.Text();
    ExpectClean(r);
    EXPECT_EQ(r.Get("connect_refused"), Hex(kConnectionRefused)) << r.Text();
    EXPECT_EQ(r.Get("connect_refused_information"), "0") << r.Text();
    EXPECT_LT(r.Int("connect_refused_us"), 1000000) << "refused by the peer's reset, not by a timeout\n"
                                                     << r.Text();
}

TEST(WskSocketRules, ConnectToAClosedPortIsRefusedIpv6)
{
    DriverRun r = RunApi("Case=refused;Server=2001:db8::2;Port=5999", 80);
    ASSERT_EQ(r.Get("done"), "1") << r.Text();
    ExpectClean(r);
    EXPECT_EQ(r.Get("bind"), Hex(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("connect_refused"), Hex(kConnectionRefused)) << r.Text();
    EXPECT_LT(r.Int("connect_refused_us"), 1000000) << r.Text();
}

TEST(WskSocketRules, ClosingAListenerCancelsAPendingAccept)
{
    DriverRun r = RunApi("Case=accept_cancel;Port=6000");
    ASSERT_EQ(r.Get("done"), "1") << r.Text();
    ExpectClean(r);
    EXPECT_EQ(r.Get("listen_socket"), Hex(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("listen_bind"), Hex(kSuccess)) << r.Text();
    // nobody connects: the accept pends ...
    EXPECT_EQ(r.Get("accept_returned"), Hex(kPending)) << r.Text();
    EXPECT_EQ(r.Get("accept_completed_before_close"), "0") << r.Text();
    // ... until WskCloseSocket cancels it (§8.1.6, §8.4): STATUS_CANCELLED, Information 0
    EXPECT_EQ(r.Get("close_listener"), Hex(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("accept_status"), Hex(kCancelled)) << r.Text();
    EXPECT_EQ(r.Get("accept_information"), "0") << r.Text();
}

TEST(WskSocketRules, StaticCallbacksAfterTheFirstSocketAreRefused)
{
    DriverRun r = RunApi("Case=static_late");
    ASSERT_EQ(r.Get("done"), "1") << r.Text();
    ExpectClean(r, {"WskControlClient", "WskControlClient"}); // both late requests are diagnosed
    EXPECT_EQ(r.Get("socket"), Hex(kSuccess)) << r.Text();
    // §6.4: the rule has no documented status; the recommended one is STATUS_INVALID_DEVICE_STATE
    EXPECT_EQ(r.Get("static_after_socket"), Hex(kInvalidDeviceState)) << r.Text();
    // closing every socket does not make it "before any socket is created" again
    EXPECT_EQ(r.Get("static_after_close"), Hex(kInvalidDeviceState)) << r.Text();
}
