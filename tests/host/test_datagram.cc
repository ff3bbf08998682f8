/* Datagram sockets over ns-3 UDP (issue 5): every function, option and rule with its NTSTATUS, checked
 * through the drv_udp_* drivers' log lines. */
#include <gtest/gtest.h>

#include "udp-scenario.h"

using namespace ns3;
using namespace udptest;

namespace {

/* The checks of drv_udp_client Test=1 that read the same for both families. */
void
ExpectApi(const UdpRun& r, const std::string& server, int family, uint32_t extraFindings = 0)
{
    for (const char* line : {
             "RESULT socket=0x00000000",
             "RESULT sendto_unbound=0xC0000184",   // STATUS_INVALID_DEVICE_STATE
             "RESULT recvfrom_unbound=0xC0000184",
             "RESULT getlocal_unbound=0xC0000184",
             "RESULT bind=0x00000000",
             "RESULT bind_again=0xC0000184",
             "RESULT sendto_empty=0x00000000 info=0",
             "RESULT recv_empty=0x00000000 info=0",
             "RESULT trunc=0x00000000 info=10 flags=0x100 seq=2", // MSG_TRUNC
             "RESULT sendto_65508=0xC0000206",                    // STATUS_INVALID_BUFFER_SIZE
             "RESULT ping_65507=0x00000000 got=65507 bad=0",
             "RESULT sendto_null=0xC000000D",
             "RESULT sendto_wildcard=0xC0000207", // STATUS_INVALID_ADDRESS_COMPONENT
             "RESULT sendto_port0=0xC0000207",
             "RESULT sendto_noroute=0xC000023C", // STATUS_NETWORK_UNREACHABLE
             "RESULT sendto_wrong_family=0xC000000D",
             "RESULT sendto_flags=0xC000000D",
             "RESULT bind_foreign=0xC0000207",
             "RESULT set_sendto=0x00000000",
             "RESULT clear_sendto=0x00000000",
             "RESULT sendmessages=0x00000000 info=600",
             "RESULT sendmessages_echo0=0x00000000 info=100 seq=10",
             "RESULT sendmessages_echo1=0x00000000 info=200 seq=11",
             "RESULT sendmessages_echo2=0x00000000 info=300 seq=12",
             "RESULT recv_cancelled=0xC0000120", // STATUS_CANCELLED by IoCancelIrp
             "RESULT close=0x00000000",
             "RESULT recv_at_close=0xC0000120",
             "RESULT raw=0xC0000002", // SOCK_RAW: STATUS_NOT_IMPLEMENTED
             "RESULT basic_dgram=0x00000000",
             "RESULT basic_reuse=0x00000000",
             "RESULT basic_close=0x00000000",
             "RESULT share_first=0x00000000",
             "RESULT share_second=0xC000020A", // STATUS_ADDRESS_ALREADY_EXISTS
             "RESULT share_reuse_opt=0x00000000",
             "RESULT share_reuse=0xC0000022", // REUSEADDR wildcard over none/wildcard: DENIED
             "RESULT share_tcp=0x00000000",   // TCP has its own ports
             "irp_violations=0",
             "RESULT done test=1",
         }) {
        EXPECT_TRUE(r.Has(line)) << line << "\n" << r.Log();
    }
    EXPECT_TRUE(r.Has("RESULT getlocal=0x00000000 family=" + std::to_string(family) + " port_nonzero=1 info=0"))
        << r.Log();
    EXPECT_TRUE(r.Has("RESULT ping=0x00000000 got=1000 seq=1 bad=0 from=" + server + " ctl_len=0 ctl_flags=0x0"))
        << r.Log();
    EXPECT_TRUE(r.Has("RESULT ping_fixed=0x00000000 got=300 seq=4 from=" + server)) << r.Log();
    /* the deliberate misuses (unbound send and receive, second bind, no destination, wrong family, Flags),
     * each diagnosed */
    EXPECT_EQ(r.Findings(1), 7u + extraFindings) << r.Log(); // and WskGetLocalAddress before bind
    EXPECT_EQ(r.Count("finding in WskSendTo: socket 0x"), 4u) << r.Log();
    EXPECT_EQ(r.Errors(0) + r.Errors(1) + r.Findings(0), 0u) << r.Log();
}

} // namespace

TEST(Datagram, RequestResponseAndRulesIpv4)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_peer", "Mode=0;Family=2", 0},
                      {0, "drv_udp_client", "Test=1;Family=2;Server=10.1.1.2", 0.5}},
                     30);
    ExpectApi(r, "10.1.1.2:7000", 2);
    EXPECT_TRUE(r.Has("RESULT v6only_on_v4=0xC000000D")) << r.Log();
    EXPECT_TRUE(r.Has("ECHO seq=1 len=1000 from=10.1.1.1:")) << r.Log();
}

TEST(Datagram, RequestResponseAndRulesIpv6)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_peer", "Mode=0;Family=23", 0},
                      {0, "drv_udp_client", "Test=1;Family=23;Server=2001:db8:1::2", 0.5}},
                     30);
    ExpectApi(r, "[2001:db8:1::2]:7000", 23, 1);
    EXPECT_TRUE(r.Has("RESULT v6only_after_bind=0xC0000184")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT sendto_mapped_v6only=0xC0000207")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT bind_mapped_v6only=0xC0000207")) << r.Log();
    EXPECT_TRUE(r.Has("ECHO seq=1 len=1000 from=[2001:db8:1::1]:")) << r.Log();
}

TEST(Datagram, EchoFromTheReceiveEvent)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_peer", "Mode=1;Family=2", 0},
                      {0, "drv_udp_client", "Test=4;Family=2;Server=10.1.1.2", 0.5}},
                     5);
    EXPECT_TRUE(r.Has("RESULT ping=0x00000000 got=64 from=10.1.1.2:7000")) << r.Log();
    EXPECT_TRUE(r.Has("ECHO seq=9 len=64 from=10.1.1.1:")) << r.Log();
    EXPECT_EQ(r.Errors(0) + r.Errors(1), 0u) << r.Log();
}

TEST(Datagram, PktInfoControlInformationIpv4)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_peer", "Mode=0", 0},
                      {0, "drv_udp_client", "Test=2;Server=10.1.1.2", 0.5}}, 10);
    EXPECT_TRUE(r.Has("RESULT pktinfo_off=0x00000000 ctl_len=0")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT pktinfo_set=0x00000000 get=1")) << r.Log();
    /* IN_PKTINFO: level IPPROTO_IP (0), type IP_PKTINFO (19), our address, the ns-3 interface index */
    EXPECT_TRUE(r.Has("RESULT pktinfo=0x00000000 ctl_len=24 space=24 cmsg_len=24 level=0 type=19 addr=10.1.1.1 if=1 "
                      "flags=0x0"))
        << r.Log();
    EXPECT_TRUE(r.Has("RESULT pktinfo_small=0x00000000 ctl_len=0 flags=0x200")) << r.Log(); // MSG_CTRUNC
    EXPECT_EQ(r.Errors(0) + r.Errors(1), 0u) << r.Log();
}

TEST(Datagram, PktInfoControlInformationIpv6)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_peer", "Mode=0;Family=23", 0},
                      {0, "drv_udp_client", "Test=2;Family=23;Server=2001:db8:1::2", 0.5}},
                     10);
    EXPECT_TRUE(r.Has("RESULT pktinfo=0x00000000 ctl_len=40 space=40 cmsg_len=36 level=41 type=19 "
                      "addr=2001:db8:1::1 if=1 flags=0x0"))
        << r.Log();
    EXPECT_TRUE(r.Has("RESULT pktinfo_small=0x00000000 ctl_len=0 flags=0x200")) << r.Log();
    EXPECT_EQ(r.Errors(0) + r.Errors(1), 0u) << r.Log();
}

TEST(Datagram, DualStackSocketServesIpv4PeersAsMappedAddresses)
{
    Guard g;
    /* hub: AF_INET6 echo with IPV6_V6ONLY = 0; spoke 1 asks over IPv4, spoke 2 over IPv6 */
    UdpRun r = Place(Star(2),
                     {{0, "drv_udp_peer", "Mode=0;Family=23;V6Only=0", 0},
                      {1, "drv_udp_client", "Test=4;Family=2;Server=10.1.1.1", 0.5},
                      {2, "drv_udp_client", "Test=4;Family=23;Server=2001:db8:2::1", 0.5}},
                     5);
    EXPECT_TRUE(r.Has("node 1 drv_udp_client: RESULT ping=0x00000000 got=64 from=10.1.1.1:7000")) << r.Log();
    EXPECT_TRUE(r.Has("node 2 drv_udp_client: RESULT ping=0x00000000 got=64 from=[2001:db8:2::1]:7000")) << r.Log();
    EXPECT_TRUE(r.Has("ECHO seq=9 len=64 from=[::ffff:10.1.1.2]:")) << r.Log();
    EXPECT_EQ(r.Errors(0) + r.Errors(1) + r.Errors(2), 0u) << r.Log();
}

TEST(Datagram, V6OnlyByDefaultIgnoresIpv4Peers)
{
    Guard g;
    UdpRun r = Place(Star(2),
                     {{0, "drv_udp_peer", "Mode=0;Family=23", 0},
                      {1, "drv_udp_client", "Test=4;Family=2;Server=10.1.1.1", 0.5},
                      {2, "drv_udp_client", "Test=4;Family=23;Server=2001:db8:2::1", 0.5}},
                     5);
    EXPECT_TRUE(r.Has("node 1 drv_udp_client: RESULT ping=0xC0000120")) << r.Log(); // no answer: cancelled
    EXPECT_TRUE(r.Has("node 2 drv_udp_client: RESULT ping=0x00000000 got=64")) << r.Log();
    EXPECT_EQ(r.Count("ECHO seq="), 1u) << r.Log();
}

TEST(Datagram, BroadcastNeedsSoBroadcast)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_peer", "Mode=0", 0},
                      {0, "drv_udp_client", "Test=6;Server=10.1.1.255", 0.5}}, 5);
    EXPECT_TRUE(r.Has("RESULT broadcast_default=0")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT broadcast_off=0xC0000022")) << r.Log(); // STATUS_ACCESS_DENIED (WSAEACCES)
    EXPECT_TRUE(r.Has("RESULT broadcast_set=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT broadcast_get=1")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT broadcast_ping=0x00000000 got=32 from=10.1.1.2:7000")) << r.Log();
    EXPECT_TRUE(r.Has("ECHO seq=2 len=32 from=10.1.1.1:")) << r.Log();
    EXPECT_TRUE(r.Has("flags=0x400")) << r.Log(); // MSG_BCAST on the receiver
}

TEST(Datagram, SetRemoteAddressFiltersAndIsTheDefaultDestination)
{
    Guard g;
    /* the hub binds 7000 and fixes its remote to spoke 1's 10.1.1.2:7001; both spokes send every 100 ms */
    const std::string kEvery100ms = "Count=20;StartMs=300;IntervalMs=100";
    UdpRun r = Place(Star(2),
                     {{0, "drv_udp_client", "Test=5;LocalPort=7000;Remote=10.1.1.2;RemotePort=7001", 0.2},
                      {1, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.1;TargetPort=7000;" + kEvery100ms, 0},
                      {2, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.2.1;TargetPort=7000;" + kEvery100ms, 0}},
                     6);
    EXPECT_TRUE(r.Has("RESULT remote_unbound=0xC0000184")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT set_remote=0x00000000")) << r.Log();
    std::string log = r.Log(0);
    size_t a = log.find("RESULT set_remote="), b = log.find("RESULT filtered=");
    ASSERT_TRUE(a != std::string::npos && b != std::string::npos) << log;
    std::string filtered = log.substr(a, b - a);
    EXPECT_GE(r.Count("RECV filtered seq="), 5u) << log;
    EXPECT_EQ(filtered.find("from=10.1.2.2"), std::string::npos) << "spoke 2 got through the filter\n" << log;
    EXPECT_TRUE(r.Has("RESULT send_fixed=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("node 1 drv_udp_peer: GOT seq=77 len=20 from=10.1.1.1:7000")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT set_sendto=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT send_fixed2=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("node 2 drv_udp_peer: GOT seq=78 len=20 from=10.1.2.1:7000")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT clear_remote=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("RECV open seq=")) << r.Log();
    EXPECT_NE(log.find("from=10.1.2.2:7001", b), std::string::npos) << "after clearing, spoke 2 is heard\n" << log;
    EXPECT_EQ(r.Findings(0), 1u) << r.Log(); // the ioctl before bind
}

TEST(Datagram, SoRcvBufBoundsWhatIsBuffered)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_client", "Test=7;LocalPort=7000", 0},
                      {0, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.2;Count=5;Size=1000;StartMs=500;IntervalMs=1",
                     0}},
                     6);
    EXPECT_TRUE(r.Has("RESULT rcvbuf_default=131072")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT rcvbuf_set=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT rcvbuf_get=3000")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT rcvbuf_kept=3")) << r.Log(); // 3 x 1000 bytes fit; the other two were dropped
    EXPECT_TRUE(r.Has("RECV kept seq=0") && r.Has("RECV kept seq=1") && r.Has("RECV kept seq=2")) << r.Log();
}

TEST(Datagram, AnEmptyQueueAlwaysTakesOneDatagram)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_client", "Test=7;LocalPort=7000;RcvBuf=500", 0},
                      {0, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.2;Count=5;Size=1000;StartMs=500;IntervalMs=1",
                     0}},
                     6);
    EXPECT_TRUE(r.Has("RESULT rcvbuf_kept=1")) << r.Log();
    EXPECT_TRUE(r.Has("RECV kept seq=0")) << r.Log();
}

/* ---- WskReceiveFromEvent ---- */

TEST(DatagramEvents, ConsumedIndicationsCarryOneMappedMdlAndControlInfo)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_events", "Mode=1;PktInfo=1", 0},
                      {0, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.2;Count=3;StartMs=500;IntervalMs=10", 0}},
                     5);
    EXPECT_TRUE(r.Has("RESULT enable_unbound=0xC0000184")) << r.Log(); // only after bind
    EXPECT_TRUE(r.Has("RESULT enable=0x00000000")) << r.Log();
    /* WSK_FLAG_AT_DISPATCH_LEVEL and really at DISPATCH_LEVEL */
    EXPECT_TRUE(r.Has("IND call=1 n=1 seqs=0 flags=0x8 irql=2")) << r.Log();
    EXPECT_EQ(r.Count("ELEM seq="), 3u) << r.Log();
    EXPECT_EQ(r.Count("bad=0 from=10.1.1.1:7001 mdl_ok=1 ctl=24 ctl_type=19"), 3u) << r.Log();
    EXPECT_TRUE(r.Has("RESULT events calls=3 elements=3")) << r.Log();
    EXPECT_EQ(r.Findings(0), 1u) << r.Log();
}

TEST(DatagramEvents, ConsumedIndicationsIpv6)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_events", "Mode=1;PktInfo=1;Family=23", 0},
                      {0, "drv_udp_peer", "Mode=2;Family=23;Port=7001;Target=2001:db8:1::2;Count=2;StartMs=500", 0}},
                     5);
    EXPECT_EQ(r.Count("bad=0 from=[2001:db8:1::1]:7001 mdl_ok=1 ctl=40 ctl_type=19"), 2u) << r.Log();
}

TEST(DatagramEvents, PendingKeepsEachElementUntilItsOwnRelease)
{
    Guard g;
    /* four datagrams arrive before the callback is enabled: one indication chains all four */
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_events", "Mode=2;EnableMs=1000", 0},
                      {0, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.2;Count=4;StartMs=300;IntervalMs=10", 0}},
                     5);
    EXPECT_TRUE(r.Has("IND call=1 n=4 seqs=0,1,2,3")) << r.Log();
    EXPECT_TRUE(r.Has("RELEASE in_callback status=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("IND call=1 return=0x00000103")) << r.Log();
    EXPECT_TRUE(r.Has("RELEASE i=1 seq=1 bad=0 status=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("RELEASE i=2 seq=2 bad=0 status=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("RELEASE i=3 seq=3 bad=0 status=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("RELEASE again status=0xC000000D")) << r.Log();
    EXPECT_TRUE(r.Has("driver error in WskRelease")) << r.Log();
    EXPECT_EQ(r.Errors(0), 1u) << r.Log();
    EXPECT_FALSE(r.Has("never released")) << r.Log();
}

TEST(DatagramEvents, DeclinedDynamicCallbackIsDisabledUntilReenabled)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_events", "Mode=3;ReenableMs=2000", 0},
                      {0, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.2;Count=5;StartMs=500;IntervalMs=100", 0}},
                     5);
    EXPECT_TRUE(r.Has("IND call=1 n=1 seqs=0")) << r.Log();
    EXPECT_TRUE(r.Has("IND call=1 return=0xC000021B")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT reenable=0x00000000 calls_before=1")) << r.Log();
    /* indications resume with what was buffered, the declined datagram first */
    EXPECT_TRUE(r.Has("IND call=2 n=5 seqs=0,1,2,3,4")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT events calls=2 elements=6")) << r.Log();
    EXPECT_EQ(r.Errors(0), 0u) << r.Log();
}

TEST(DatagramEvents, DeclinedStaticCallbackKeepsIndicating)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_events", "Mode=4", 0},
                      {0, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.2;Count=3;StartMs=500;IntervalMs=100", 0}},
                     5);
    EXPECT_TRUE(r.Has("RESULT static=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT disable_static=0xC000000D")) << r.Log();
    EXPECT_TRUE(r.Has("IND call=1 n=1 seqs=0")) << r.Log();
    EXPECT_TRUE(r.Has("IND call=1 return=0xC000021B")) << r.Log();
    /* not disabled: the next arrival is indicated, after the declined datagram */
    EXPECT_TRUE(r.Has("IND call=2 n=2 seqs=0,1")) << r.Log();
    EXPECT_TRUE(r.Has("IND call=3 n=1 seqs=2")) << r.Log();
    EXPECT_EQ(r.Findings(0), 1u) << r.Log(); // the refused disable
}

TEST(DatagramEvents, PendingReceiveIrpWinsOverTheEvent)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_events", "Mode=5", 0},
                      {0, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.2;Count=3;StartMs=500;IntervalMs=100", 0}},
                     5);
    EXPECT_TRUE(r.Has("RESULT recv_posted=0x00000103")) << r.Log();
    EXPECT_TRUE(r.Has("IRP status=0x00000000 seq=0 len=100 from=10.1.1.1:7001")) << r.Log();
    EXPECT_TRUE(r.Has("IND call=1 n=1 seqs=1")) << r.Log();
    EXPECT_TRUE(r.Has("IND call=2 n=1 seqs=2")) << r.Log();
    EXPECT_TRUE(r.Has("RESULT events calls=2 elements=2")) << r.Log();
}

TEST(DatagramEvents, CloseFromInsideTheCallbackCompletesAfterItReturns)
{
    Guard g;
    UdpRun r = Place(Star(1),
                     {{1, "drv_udp_events", "Mode=6", 0},
                      {0, "drv_udp_peer", "Mode=2;Port=7001;Target=10.1.1.2;Count=3;StartMs=500;IntervalMs=100", 0}},
                     5);
    EXPECT_TRUE(r.Has("CLOSE returned=0x00000103")) << r.Log();
    EXPECT_TRUE(r.Has("CLOSE status=0x00000000 in_callback=0 pending_returned=1")) << r.Log();
    EXPECT_TRUE(r.Has("were never released with WskRelease")) << r.Log(); // the kept indication
    EXPECT_TRUE(r.Has("RESULT events calls=1 elements=1")) << r.Log();    // nothing after the close
    EXPECT_EQ(r.Errors(0), 1u) << r.Log();
}
