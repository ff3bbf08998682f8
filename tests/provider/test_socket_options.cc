/*
 * Socket options and IOCTLs of wsk-api.md §6.2 with their statuses (drv_socket_options.c on a two-node
 * link): defaults, before/after-bind rules, the codes WSK does not support, SO_WSK_SECURITY, the address
 * list IOCTLs, inheritance by accepted sockets, dual-stack TCP (IPV6_V6ONLY = 0) and TCP silent mode.
 */
#include "provider-test.h"

#include "wsk-driver-helper.h"

using namespace wsktest;

namespace {

constexpr uint32_t kNotSupported = 0xC00000BB;
constexpr uint32_t kInvalidDeviceRequest = 0xC0000010;
constexpr uint32_t kBufferOverflow = 0x80000005;
constexpr uint32_t kInvalidAddressComponent = 0xC0000207;

std::string
H(uint32_t v)
{
    return Hex(v);
}

struct OptionRuns
{
    DriverRun server;
    DriverRun client;
};

const OptionRuns&
Runs()
{
    static OptionRuns runs = [] {
        ns3::NodeContainer nodes = TwoNodes("100Mbps", "2ms");
        auto r = RunDrivers(nodes,
                            {{"drv_socket_options", 1, "Role=server", 0.0, 20.0},
                             {"drv_socket_options", 0, "Role=client", 0.0, 20.0}},
                            21.0);
        return OptionRuns{r.at(0), r.at(1)};
    }();
    return runs;
}

} // namespace

TEST(SocketOptions, DefaultsAndSetGetOnAListener)
{
    const DriverRun& r = Runs().server;
    for (auto k : {"get_reuseaddr", "get_exclusive", "get_keepalive", "get_conditional"}) {
        EXPECT_EQ(r.Get(k), H(kSuccess)) << k << "\n" << r.Text();
    }
    EXPECT_EQ(r.Get("reuseaddr_default"), H(0)) << r.Text();
    EXPECT_EQ(r.Get("exclusive_default"), H(0)) << r.Text();
    EXPECT_EQ(r.Get("keepalive_default"), H(0)) << r.Text();
    EXPECT_EQ(r.Get("conditional_default"), H(0)) << r.Text();
    EXPECT_EQ(r.Get("set_reuseaddr"), H(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("reuseaddr_after"), H(1)) << r.Text();
    EXPECT_EQ(r.Get("set_rcvbuf"), H(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("rcvbuf_after"), H(200000)) << r.Text();
    EXPECT_EQ(r.Get("set_rcvbuf_zero"), H(kInvalidParameter)) << r.Text();
    EXPECT_EQ(r.Get("set_keepidle"), H(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("keepidle_after"), H(60)) << r.Text();
    EXPECT_EQ(r.Get("set_keepidle_zero"), H(kInvalidParameter)) << r.Text();
}

TEST(SocketOptions, CodesWskDoesNotSupportAreRefused)
{
    const DriverRun& r = Runs().server;
    EXPECT_EQ(r.Get("set_sndbuf"), H(kNotSupported)) << r.Text();  // WSK does no send buffering
    EXPECT_EQ(r.Get("set_nodelay"), H(kNotSupported)) << r.Text(); // WSK_FLAG_NODELAY per send instead
    EXPECT_EQ(r.Get("set_unknown_option"), H(kNotSupported)) << r.Text();
    EXPECT_EQ(r.Get("set_unknown_level"), H(kNotSupported)) << r.Text();
    EXPECT_EQ(r.Get("ioctl_unknown"), H(kNotSupported)) << r.Text();
    EXPECT_EQ(r.Get("register_extension"), H(kNotSupported)) << r.Text();     // documented
    EXPECT_EQ(r.Get("query_inspect_id"), H(kInvalidDeviceRequest)) << r.Text(); // documented
    EXPECT_EQ(r.Get("set_v6only_on_inet"), H(kInvalidParameter)) << r.Text();
}

TEST(SocketOptions, BeforeBindOptionsAfterBindAreInvalidDeviceState)
{
    const DriverRun& r = Runs().server;
    EXPECT_EQ(r.Get("reuseaddr_after_bind"), H(kInvalidDeviceState)) << r.Text();
    EXPECT_EQ(r.Get("exclusive_after_bind"), H(kInvalidDeviceState)) << r.Text();
    EXPECT_EQ(r.Get("security_after_bind"), H(kInvalidDeviceState)) << r.Text();
    EXPECT_EQ(r.Get("conditional_after_bind"), H(kInvalidDeviceState)) << r.Text();
    EXPECT_EQ(r.Get("v6only_after_bind"), H(kInvalidDeviceState)) << r.Text();
    EXPECT_EQ(r.Get("keepalive_after_bind"), H(kSuccess)) << r.Text(); // "any time"
}

TEST(SocketOptions, SecurityDescriptorNeedsAnIrpAndComesBack)
{
    const DriverRun& r = Runs().server;
    EXPECT_EQ(r.Get("security_no_irp"), H(kInvalidParameter)) << r.Text();
    EXPECT_EQ(r.Get("security_set"), H(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("security_get"), H(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("security_same"), H(1)) << r.Text();
}

TEST(SocketOptions, AddressListQueryAndChange)
{
    const DriverRun& r = Runs().server;
    EXPECT_EQ(r.Get("addrlist_probe"), H(kBufferOverflow)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_need_enough"), H(1)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_query"), H(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_count"), H(1)) << r.Text(); // 10.1.1.2; loopback is not listed
    EXPECT_EQ(r.Get("addrlist_first_family"), H(2)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_first_last_byte"), H(2)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_first_length"), H(16)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_change"), H(kPending)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_change_before_close"), H(0)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_change_at_close"), H(kCancelled)) << r.Text();
}

TEST(SocketOptions, AddressListChangeCompletesWhenTheScenarioChangesAnAddress)
{
    ns3::NodeContainer nodes = TwoNodes("100Mbps", "2ms");
    size_t completed = 0;
    ns3::Simulator::Schedule(ns3::Seconds(4), [&] {
        completed = ns3::WskDriverHelper::NotifyAddressListChange(nodes.Get(1));
    });
    auto runs = RunDrivers(nodes, {{"drv_socket_options", 1, "Role=notify", 1.0, 10.0}}, 11.0);
    const DriverRun& r = runs.at(0);
    ExpectClean(r);
    EXPECT_EQ(completed, 1u);
    EXPECT_EQ(r.Get("addrlist6_query"), H(kSuccess)) << r.Text();
    EXPECT_EQ(r.Get("addrlist6_has_global"), H(1)) << r.Text();
    EXPECT_EQ(r.Get("addrlist_change_notified"), H(kSuccess)) << r.Text();
    EXPECT_EQ(r.Int("addrlist_change_ms"), 4000) << r.Text();
}

TEST(SocketOptions, DualStackListenerServesIpv4PeersAsV4Mapped)
{
    const DriverRun& s = Runs().server;
    const DriverRun& c = Runs().client;
    EXPECT_EQ(s.Get("v6only_default"), H(1)) << s.Text();
    EXPECT_EQ(s.Get("set_v6only"), H(kSuccess)) << s.Text();
    EXPECT_EQ(s.Get("dual_bind"), H(kSuccess)) << s.Text();
    EXPECT_EQ(c.Get("connect_v4_to_dual"), H(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("connect_v6_to_dual"), H(kSuccess)) << c.Text();
    EXPECT_EQ(s.Get("dual_v4_peer_mapped"), H(1)) << s.Text();
    EXPECT_EQ(s.Get("dual_v4_local_mapped"), H(1)) << s.Text();
    EXPECT_EQ(s.Get("dual_v6_peer_family"), H(23)) << s.Text();
    /* an AF_INET6 listener left at the default IPV6_V6ONLY = 1 does not take IPv4 connections */
    EXPECT_EQ(c.Get("connect_v4_to_v6only"), H(kConnectionRefused)) << c.Text();
}

TEST(SocketOptions, DualStackConnectionSocketReachesAV4MappedAddress)
{
    const DriverRun& c = Runs().client;
    EXPECT_EQ(c.Get("connect_mapped_v6only"), H(kInvalidAddressComponent)) << c.Text();
    EXPECT_EQ(c.Get("connect_mapped_dual"), H(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("mapped_remote_is_mapped"), H(1)) << c.Text();
    EXPECT_EQ(c.Get("mapped_local_is_mapped"), H(1)) << c.Text();
    const DriverRun& s = Runs().server;
    EXPECT_EQ(s.Get("accepted_peer_mapped"), H(1)) << s.Text(); // the AF_INET listener sees a plain IPv4 peer
}

TEST(SocketOptions, AcceptedSocketInheritsKeepAliveAndReceiveBuffer)
{
    const DriverRun& s = Runs().server;
    EXPECT_EQ(s.Get("keepalive_vals"), H(kSuccess)) << s.Text();
    EXPECT_EQ(s.Get("keepidle_from_vals"), H(30)) << s.Text();
    EXPECT_EQ(s.Get("accepted_keepalive"), H(1)) << s.Text();
    EXPECT_EQ(s.Get("accepted_rcvbuf"), H(131072)) << s.Text();
    EXPECT_EQ(s.Get("accepted_keepidle"), H(30)) << s.Text();
}

TEST(SocketOptions, TcpSilentModeStopsAllTraffic)
{
    const DriverRun& c = Runs().client;
    const DriverRun& s = Runs().server;
    EXPECT_EQ(c.Get("silent_unconnected"), H(kInvalidDeviceState)) << c.Text();
    EXPECT_EQ(c.Get("silent_no_irp"), H(kInvalidParameter)) << c.Text();
    EXPECT_EQ(c.Get("silent"), H(kSuccess)) << c.Text();
    EXPECT_EQ(c.Get("send_after_silent"), H(kInvalidDeviceState)) << c.Text();
    EXPECT_EQ(c.Get("disconnect_after_silent"), H(kInvalidDeviceState)) << c.Text();
    EXPECT_EQ(c.Get("receive_after_silent_completed"), H(0)) << c.Text(); // the peer's data is dropped
    EXPECT_EQ(c.Get("receive_after_silent_at_close"), H(kCancelled)) << c.Text();
    EXPECT_EQ(s.Get("send_to_silent_peer_completed"), H(0)) << s.Text(); // never acknowledged
}

TEST(SocketOptions, BothDriversRanCleanly)
{
    /* one diagnostic, naming node, socket and call, for each misuse the drivers commit on purpose */
    ExpectClean(Runs().server, {"IPV6_V6ONLY", "not AF_INET6", "SO_WSK_SECURITY): socket", "an IRP is required",
                                "SO_CONDITIONAL_ACCEPT", "SO_REUSEADDR", "SO_EXCLUSIVEADDRUSE"});
    ExpectClean(Runs().client, {"WskConnect", "not connected", "an IRP is required", "WskDisconnect", "WskSend"});
}
