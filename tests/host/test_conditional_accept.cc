/* Conditional accept that really holds the TCP handshake (issue 4), checked on the wire. */
#include <gtest/gtest.h>

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include <regex>

using namespace ns3;

namespace {

std::string
Drv(const char* n)
{
    return std::string(WSK_TEST_DRIVER_DIR) + "/" + n + ".so";
}

struct Segment
{
    Time t;
    uint8_t flags;
    bool tx;
};

std::vector<Segment> g_segments;

void
Parse(bool tx, Ptr<const Packet> p)
{
    Ptr<Packet> c = p->Copy();
    PppHeader ppp;
    c->RemoveHeader(ppp);
    if (ppp.GetProtocol() != 0x0021) {
        return;
    }
    Ipv4Header ip;
    c->RemoveHeader(ip);
    if (ip.GetProtocol() != 6) {
        return;
    }
    TcpHeader tcp;
    c->RemoveHeader(tcp);
    g_segments.push_back({Simulator::Now(), tcp.GetFlags(), tx});
}

struct CaRun
{
    Ptr<WskDriverApp> server, client;
    std::string Log() const
    {
        std::string s;
        for (auto& l : server->GetLog())
            s += l + "\n";
        for (auto& l : client->GetLog())
            s += l + "\n";
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
};

CaRun
Scenario(const std::string& serverParams, const std::string& clientParams, double stop = 30)
{
    g_segments.clear();
    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer devs = p2p.Install(nodes);
    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper a;
    a.SetBase("10.1.1.0", "255.255.255.0");
    a.Assign(devs);
    devs.Get(1)->TraceConnectWithoutContext("PhyTxBegin", MakeBoundCallback(&Parse, true));
    devs.Get(1)->TraceConnectWithoutContext("PhyRxEnd", MakeBoundCallback(&Parse, false));
    WskDriverHelper sh(Drv("drv_ca_server"));
    sh.SetAttribute("Parameters", StringValue(serverParams));
    WskDriverHelper ch(Drv("drv_ca_client"));
    ch.SetAttribute("Parameters", StringValue(clientParams));
    ApplicationContainer s = sh.Install(nodes.Get(1));
    ApplicationContainer c = ch.Install(nodes.Get(0));
    s.Start(Seconds(0));
    s.Stop(Seconds(stop - 1));
    c.Start(Seconds(1));
    c.Stop(Seconds(stop - 2));
    Simulator::Stop(Seconds(stop));
    Simulator::Run();
    CaRun r{DynamicCast<WskDriverApp>(s.Get(0)), DynamicCast<WskDriverApp>(c.Get(0))};
    return r;
}

Time
FirstSeg(bool tx, uint8_t flags)
{
    for (auto& s : g_segments)
        if (s.tx == tx && s.flags == flags)
            return s.t;
    return Seconds(-1);
}

size_t
CountSeg(bool tx, uint8_t flags)
{
    size_t n = 0;
    for (auto& s : g_segments)
        n += (s.tx == tx && s.flags == flags);
    return n;
}

struct Guard
{
    ~Guard() { Simulator::Destroy(); }
};

} // namespace

TEST(ConditionalAccept, PendedTwoSecondsSynAckLeavesExactlyTwoSecondsAfterSyn)
{
    Guard g;
    CaRun r = Scenario("Policy=2;PendMs=2000", "Connections=1");
    Time syn = FirstSeg(false, TcpHeader::SYN);
    Time synAck = FirstSeg(true, TcpHeader::SYN | TcpHeader::ACK);
    ASSERT_GE(syn, Seconds(0)) << r.Log();
    EXPECT_EQ(synAck - syn, Seconds(2)) << "SYN at " << syn << ", SYN-ACK at " << synAck << "\n" << r.Log();
    EXPECT_TRUE(r.Has("SO_CONDITIONAL_ACCEPT 0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("ACCEPTED serial=1 query=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("CONNECT i=0 status=0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("COMPLETE serial=1 status=0x00000000")) << r.Log();
    EXPECT_EQ(r.server->GetErrorCount() + r.client->GetErrorCount(), 0u) << r.Log();
}

TEST(ConditionalAccept, RetransmittedSynsAreAbsorbedWhilePended)
{
    Guard g;
    CaRun r = Scenario("Policy=2;PendMs=5000", "Connections=1");
    Time syn = FirstSeg(false, TcpHeader::SYN);
    Time synAck = FirstSeg(true, TcpHeader::SYN | TcpHeader::ACK);
    EXPECT_EQ(synAck - syn, Seconds(5)) << r.Log();
    EXPECT_GE(CountSeg(false, TcpHeader::SYN), 2u) << "the connector should have retransmitted its SYN at +3 s";
    EXPECT_EQ(r.Count("INSPECT serial="), 1u) << "a retransmitted SYN must not be inspected again\n" << r.Log();
    EXPECT_EQ(CountSeg(true, TcpHeader::SYN | TcpHeader::ACK), 1u);
    EXPECT_TRUE(r.Has("CONNECT i=0 status=0x00000000")) << r.Log();
}

TEST(ConditionalAccept, RejectRefusesWithinOneRoundTrip)
{
    Guard g;
    CaRun r = Scenario("Policy=0", "Connections=1");
    std::smatch m;
    std::string log = r.Log();
    ASSERT_TRUE(std::regex_search(log, m, std::regex("CONNECT i=0 status=0xc0000236 at (\\d+)"))) << log;
    uint64_t doneAt = std::stoull(m[1]);   // 100 ns units; the connect started at t = 1 s
    EXPECT_LE(doneAt - 10000000ull, 105000ull) << "refused after " << (doneAt - 10000000ull) / 10 << " us";
    EXPECT_EQ(CountSeg(true, TcpHeader::SYN | TcpHeader::ACK), 0u);
    EXPECT_EQ(CountSeg(true, TcpHeader::RST), 1u);
    EXPECT_FALSE(r.Has("ACCEPTED")) << log;
}

TEST(ConditionalAccept, ClientGivingUpWhilePendedRaisesAbortEvent)
{
    Guard g;
    CaRun r = Scenario("Policy=2;PendMs=20000", "Connections=1;CancelMs=1000");
    EXPECT_TRUE(r.Has("CONNECT i=0 status=0xc0000120")) << r.Log();
    EXPECT_TRUE(r.Has("ABORT serial=1")) << r.Log();
    EXPECT_FALSE(r.Has("ACCEPTED")) << r.Log();
    EXPECT_EQ(CountSeg(true, TcpHeader::SYN | TcpHeader::ACK), 0u) << "no SYN-ACK may leave for an aborted request";
}

TEST(ConditionalAccept, PeerThatStopsRetransmittingIsAborted)
{
    Guard g;
    CaRun r = Scenario("Policy=2;PendMs=400000", "Connections=1", 260);
    EXPECT_TRUE(r.Has("CONNECT i=0 status=0xc00000b5")) << r.Log(); // the connector timed out
    EXPECT_TRUE(r.Has("ABORT serial=1")) << r.Log();
    EXPECT_EQ(r.Count("INSPECT serial="), 1u) << r.Log();
}

TEST(ConditionalAccept, ThousandPendedInspectionsAtOnce)
{
    Guard g;
    CaRun r = Scenario("Policy=2;PendMs=2000", "Connections=1000", 20);
    EXPECT_TRUE(r.Has("RESULT caclient done=1000 ok=1000 refused=0 cancelled=0")) << r.Log().substr(0, 3000);
    EXPECT_TRUE(r.Has("RESULT ca inspects=1000 aborts=0 accepts=1000")) << r.Log().substr(0, 3000);
    EXPECT_EQ(CountSeg(true, TcpHeader::SYN | TcpHeader::ACK), 1000u);
    EXPECT_EQ(r.server->GetErrorCount() + r.client->GetErrorCount(), 0u);
}

TEST(ConditionalAccept, SeedRulesOptionOnlyBeforeBindAndInspectOnlyWhenEnabled)
{
    Guard g;
    CaRun r = Scenario("Policy=3;ProbeLate=1", "Connections=4");
    /* "en définissant l'option SO_CONDITIONAL_ACCEPT ... avant de lier le socket" */
    EXPECT_TRUE(r.Has("SO_CONDITIONAL_ACCEPT 0x00000000")) << r.Log();
    EXPECT_TRUE(r.Has("SO_CONDITIONAL_ACCEPT after bind 0xc0000184")) << r.Log();
    EXPECT_TRUE(r.Has("finding in WskControlSocket: socket 0x")) << "the misuse names node, socket and call";
    EXPECT_TRUE(r.Has("WskInspectComplete unknown id 0xc000000d")) << r.Log();
    EXPECT_TRUE(r.Has("WskInspectComplete with Pend 0xc000000d")) << r.Log();
    EXPECT_EQ(r.server->GetFindingCount(), 3u) << r.Log(); // the three deliberate misuses, each a finding
    EXPECT_EQ(r.server->GetErrorCount(), 0u) << r.Log();
    EXPECT_EQ(r.Count("INSPECT serial="), 4u) << r.Log();
    EXPECT_EQ(r.Count("status=0xc0000236"), 2u) << r.Log(); // odd serials rejected
    EXPECT_EQ(r.Count("ACCEPTED serial="), 2u) << r.Log();
    Simulator::Destroy();
    /* "les fonctions de rappel WskInspectEvent et WskAbortEvent sont activées uniquement si ..." */
    CaRun plain = Scenario("Policy=0;NoConditional=1", "Connections=2");
    EXPECT_EQ(plain.Count("INSPECT serial="), 0u) << plain.Log();
    EXPECT_EQ(plain.Count("ACCEPTED serial=0 query=0xc0000010"), 2u) << plain.Log(); // STATUS_INVALID_DEVICE_REQUEST
}
